/*
 * console_insights.c - a Logs Insights query run for a page and drawn as a table: the log
 * widget of a dashboard and the Logs page's query box share it.
 *
 * The run is the one StartQuery makes (insights/insights.h over logs_scan()), so a page shows
 * the rows GetQueryResults returns for the same groups, query and range.
 */
#include "console/console_int.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "insights/insights.h"
#include "sim.h"
#include "store/logs.h"
#include "util/xmalloc.h"

/* A run reads at most this many events (StartQuery's own scan has the same order). */
#define MAX_EVENTS 200000
/* Events read per logs_scan() call. */
#define SCAN_BATCH 20000

const char *con_split_sources(const char *text, char **groups, int *ngroups)
{
    const char *p = text;
    *ngroups = 0;
    for (;;) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (strncmp(p, "SOURCE", 6) != 0)
            return p;
        const char *q = p + 6;
        while (*q == ' ')
            q++;
        if (*q != '\'' && *q != '"')
            return p;
        char quote = *q++;
        const char *e = strchr(q, quote);
        if (e == NULL)
            return p;
        if (*ngroups < CON_MAX_GROUPS)
            groups[(*ngroups)++] = xstrndup(q, (size_t)(e - q));
        p = e + 1;
        while (*p == ' ')
            p++;
        if (*p == '|')
            p++;
    }
}

/* logs_scan callback: one event into the Insights run. Returns 1 when it needs no more. */
static int feed(void *ctx, const struct log_event *ev)
{
    return ins_run_feed(ctx, ev);
}

/* Appends rows as a table; columns are the fields of the first row in order (@ptr is
 * internal and left out). */
static void rows_table(struct buf *b, const cJSON *rows, int max_rows)
{
    const cJSON *first = cJSON_GetArrayItem(rows, 0);
    int n = cJSON_GetArraySize(rows);
    buf_printf(b, "<div class=\"table-wrap\"><table class=\"results\"><caption "
                  "class=\"visually-hidden\">Query results: %d row%s%s</caption><thead><tr>",
               n, n == 1 ? "" : "s", n > max_rows ? " (the first shown)" : "");
    const cJSON *f;
    cJSON_ArrayForEach(f, first)
    {
        const char *name = con_str_opt(f, "field");
        if (name && strcmp(name, "@ptr") != 0) {
            buf_puts(b, "<th scope=\"col\">");
            con_esc(b, name);
            buf_puts(b, "</th>");
        }
    }
    buf_puts(b, "</tr></thead><tbody>\n");
    int nrows = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        if (nrows++ == max_rows)
            break;
        buf_puts(b, "<tr>");
        cJSON_ArrayForEach(f, first)
        {
            const char *name = con_str_opt(f, "field");
            if (name == NULL || strcmp(name, "@ptr") == 0)
                continue;
            const char *val = NULL;
            const cJSON *cell;
            cJSON_ArrayForEach(cell, row)
            {
                const char *cn = con_str_opt(cell, "field");
                if (cn && strcmp(cn, name) == 0)
                    val = con_str_opt(cell, "value");
            }
            buf_puts(b, "<td>");
            con_esc(b, val);
            buf_puts(b, "</td>");
        }
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</tbody></table></div>\n");
}

int con_insights_table(struct buf *b, struct call *c, const struct con_insights *in)
{
    struct ins_query *q = NULL;
    struct ins_error err;
    if (ins_compile(in->query, &q, &err) != 0) {
        buf_puts(b, "<p class=\"placeholder\" role=\"alert\">The query does not compile: ");
        con_esc(b, err.message);
        buf_puts(b, "</p>\n");
        return -1;
    }
    struct ins_run *run = ins_run_new(q, in->team, c->now_ms, 0);
    struct logs_cursor cur;
    memset(&cur, 0, sizeof cur);
    int rc = 0;
    for (int visited = 0; visited < MAX_EVENTS && !ins_run_done(run); visited += SCAN_BATCH) {
        rc = logs_scan(c->sim->store, in->team, in->region, in->groups, in->ngroups,
                       in->start_ms, in->end_ms, ins_scan_desc(q), ins_prefilter(q), &cur,
                       SCAN_BATCH, feed, run);
        if (rc != 0)
            break;
    }
    cJSON *rows = ins_run_finish(run);
    ins_run_free(run);
    ins_free(q);
    int n = cJSON_GetArraySize(rows);
    if (rc < 0) {
        buf_puts(b, "<p class=\"placeholder\">The log events could not be read.</p>\n");
        n = -1;
    } else if (n == 0) {
        buf_puts(b, "<p class=\"muted\">No results in this time range.</p>\n");
    } else {
        rows_table(b, rows, in->max_rows);
    }
    cJSON_Delete(rows);
    return n;
}
