/*
 * console_logs.c - /console/logs: CloudWatch Logs as the AWS console shows it.
 *
 *   /console/logs                     the region's log groups: name, stored bytes, retention,
 *                                     creation time (the values DescribeLogGroups returns)
 *   /console/logs/group?name=G        the group's streams (newest last event first) and its
 *                                     newest events (&stream=S: that stream's)
 *   /console/logs/insights            the Logs Insights query box: group= (repeatable),
 *                                     query=, range= (15m/1h/3h/12h) or start= / end= (epoch
 *                                     seconds, as start-query takes them); the run and its
 *                                     table are con_insights_table()'s, the run StartQuery makes
 *
 * Everything is read through sim/store/logs.h in the team's account and the console's region
 * (c->tenant). Every list is bounded (the *_MAX constants below). To add a page: a row in
 * con_logs_handle()'s table and its function.
 */
#include "console/console_logs.h"
#include "console/console_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/team.h"
#include "http/route.h"
#include "protocol/form.h"
#include "sim.h"
#include "store/logs.h"
#include "util/timefmt.h"

/* Groups listed on the groups page and offered in the query box. */
#define GROUPS_MAX 500
/* Streams listed on a group's page (newest last event first). */
#define STREAMS_MAX 50
/* Events shown on a group's page (newest first). */
#define EVENTS_MAX 100
/* Bytes of one message shown; the rest is cut (with a note). */
#define MESSAGE_SHOWN 8192
/* Rows drawn from an Insights result. */
#define RESULT_ROWS 1000
/* Visible rows of the group list in the query box. */
#define SELECT_ROWS 8

/* The query box's defaults: the runbook's group and step 2's query
 * (shared/seed/connection-exhaustion-runbook.md). */
static const char default_group[] = "/ecs/golden-path-app-dev";
static const char default_query[] =
    "fields @timestamp, requestId, path, status, errorType | filter path = \"/db\" and "
    "(errorType = \"connection_error\" or ispresent(errorType)) | sort @timestamp desc | "
    "limit 20";

static const struct {
    const char *name;
    int seconds;
} ranges[] = {
    {"15m", 15 * 60},
    {"1h", 3600},
    {"3h", 3 * 3600},
    {"12h", 12 * 3600},
};

/* ---- pure helpers (console_logs.h) ------------------------------------------------------ */

/* Parses s as decimal epoch seconds (0 .. 10^13). Returns 0 and sets *out, or -1. */
static int parse_epoch_s(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 13)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
    }
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno != 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

int con_logs_window(const char *range, const char *start, const char *end, int64_t now_ms,
                    int64_t *start_s, int64_t *end_s, const char **err)
{
    int have_start = start && start[0], have_end = end && end[0];
    if (have_start != have_end) {
        *err = "Give both start and end (epoch seconds), or neither to use the range.";
        return -1;
    }
    if (have_start) {
        if (parse_epoch_s(start, start_s) != 0 || parse_epoch_s(end, end_s) != 0) {
            *err = "start and end must be epoch seconds (whole numbers).";
            return -1;
        }
        if (*end_s < *start_s) {
            *err = "End time should not be before the start time";
            return -1;
        }
        return 0;
    }
    if (range == NULL || range[0] == '\0')
        range = ranges[0].name;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (strcmp(range, ranges[i].name) == 0) {
            int64_t now_s = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
            *end_s = now_s;
            *start_s = now_s - ranges[i].seconds;
            return 0;
        }
    }
    *err = "range must be one of 15m, 1h, 3h or 12h.";
    return -1;
}

int con_form_values(const struct form *f, const char *key, const char **out, int max)
{
    int n = 0;
    for (int i = 0; f && i < f->n; i++) {
        const char *v = f->f[i].value;
        if (strcmp(f->f[i].key, key) != 0 || v == NULL || v[0] == '\0')
            continue;
        int seen = 0;
        for (int j = 0; j < n && !seen; j++)
            seen = strcmp(out[j], v) == 0;
        if (seen)
            continue;
        if (n == max)
            return max + 1;
        out[n++] = v;
    }
    return n;
}

/* ---- shared bits of the pages ------------------------------------------------------------ */

/* Appends "?team=T" (the start of every link's arguments). */
static void team_arg(struct buf *b, const char *team)
{
    buf_puts(b, "?team=");
    con_url_encode(b, team);
}

/* Appends an ISO 8601 UTC time as <time>. */
static void time_cell(struct buf *b, int64_t ms)
{
    char iso[40];
    timefmt_iso8601((double)ms / 1000.0, iso);
    buf_printf(b, "<time datetime=\"%s\">%s</time>", iso, iso);
}

/* Appends the link to the query box, with group preselected when not NULL. */
static void insights_href(struct buf *b, const char *team, const char *group)
{
    buf_puts(b, "/console/logs/insights");
    team_arg(b, team);
    if (group) {
        buf_puts(b, "&amp;group=");
        con_url_encode(b, group);
    }
}

/* Appends the link to a group's page (stream = NULL: the whole group). */
static void group_href(struct buf *b, const char *team, const char *group, const char *stream)
{
    buf_puts(b, "/console/logs/group");
    team_arg(b, team);
    buf_puts(b, "&amp;name=");
    con_url_encode(b, group);
    if (stream) {
        buf_puts(b, "&amp;stream=");
        con_url_encode(b, stream);
    }
}

/* A scope for the store's group calls in the console's account and region. */
static struct logs_scope scope_of(struct call *c)
{
    struct logs_scope sc = {c->sim->store, c->team->account, c->tenant.region};
    return sc;
}

/* ---- /console/logs: the groups ----------------------------------------------------------- */

struct group_rows {
    struct buf *b;
    const char *team;
    int n;
    int more;
};

/* One row of the groups table (a logs_group_each callback). Returns 1 past GROUPS_MAX. */
static int group_row(void *ctx, const struct logs_group *g)
{
    struct group_rows *l = ctx;
    struct buf *b = l->b;
    if (l->n == GROUPS_MAX) {
        l->more = 1;
        return 1;
    }
    buf_puts(b, "<tr data-group=\"");
    con_esc(b, g->name);
    buf_printf(b, "\" data-stored-bytes=\"%" PRId64 "\"><th scope=\"row\"><a href=\"",
               g->stored_bytes);
    group_href(b, l->team, g->name, NULL);
    buf_puts(b, "\">");
    con_esc(b, g->name);
    buf_printf(b, "</a></th><td class=\"num\">%" PRId64 "</td><td>", g->stored_bytes);
    if (g->retention_days > 0)
        buf_printf(b, "%d day%s", g->retention_days, g->retention_days == 1 ? "" : "s");
    else
        buf_puts(b, "Never expire");
    buf_puts(b, "</td><td>");
    time_cell(b, g->created_ms);
    buf_puts(b, "</td><td><a href=\"");
    insights_href(b, l->team, g->name);
    buf_puts(b, "\">Query<span class=\"visually-hidden\"> ");
    con_esc(b, g->name);
    buf_puts(b, "</span></a></td></tr>\n");
    l->n++;
    return 0;
}

/* /console/logs: the region's log groups in name order. */
static void page_groups(struct call *c, const struct http_request *req)
{
    (void)req;
    const char *team = c->team->account;
    struct buf *b = con_page(c, 200, "Log groups", "logs");
    buf_puts(b, "<h1>Log groups</h1>\n");
    con_sim_time(b, c->now_ms);
    buf_puts(b, "<p><a href=\"");
    insights_href(b, team, NULL);
    buf_puts(b, "\">Logs Insights: query the log groups</a></p>\n<div class=\"table-wrap\">"
                "<table>\n<caption class=\"muted\">CloudWatch log groups in ");
    con_esc(b, c->tenant.region);
    buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">Log group</th>"
                "<th scope=\"col\">Stored bytes</th><th scope=\"col\">Retention</th>"
                "<th scope=\"col\">Creation time (UTC)</th><th scope=\"col\">Insights</th>"
                "</tr></thead>\n<tbody>\n");
    struct group_rows l = {b, team, 0, 0};
    struct logs_scope sc = scope_of(c);
    if (logs_group_each(&sc, NULL, NULL, group_row, &l) != 0)
        buf_puts(b, "<tr><td colspan=\"5\">The log groups could not be read.</td></tr>\n");
    else if (l.n == 0)
        buf_puts(b, "<tr><td colspan=\"5\">No log groups in this region: create one with "
                    "CreateLogGroup or start a scenario.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table></div>\n");
    if (l.more)
        buf_printf(b, "<p class=\"muted\">Only the first %d log groups are listed.</p>\n",
                   GROUPS_MAX);
    con_page_end(b);
}

/* ---- /console/logs/group: streams and events --------------------------------------------- */

struct stream_rows {
    struct buf *b;
    const char *team;
    const char *group;
    const char *current; /* the stream shown, or NULL */
    int n;
    int more;
};

/* One row of the streams table (a logs_stream_each callback). Returns 1 past STREAMS_MAX. */
static int stream_row(void *ctx, const struct logs_stream *s)
{
    struct stream_rows *l = ctx;
    struct buf *b = l->b;
    if (l->n == STREAMS_MAX) {
        l->more = 1;
        return 1;
    }
    buf_puts(b, "<tr data-stream=\"");
    con_esc(b, s->name);
    buf_puts(b, "\"><th scope=\"row\"><a href=\"");
    group_href(b, l->team, l->group, s->name);
    buf_puts(b, "\"");
    if (l->current && strcmp(l->current, s->name) == 0)
        buf_puts(b, " aria-current=\"true\"");
    buf_puts(b, ">");
    con_esc(b, s->name);
    buf_puts(b, "</a></th><td>");
    if (s->has_events)
        time_cell(b, s->last_ts_ms);
    else
        buf_puts(b, "<span class=\"muted\">No events</span>");
    buf_puts(b, "</td></tr>\n");
    l->n++;
    return 0;
}

struct event_rows {
    struct buf *b;
    int with_stream; /* a column for the stream (the whole group is shown) */
    int n;
};

/* Appends message in a <pre> cut at MESSAGE_SHOWN bytes on a UTF-8 character boundary,
 * with a note when it was cut. */
static void message_cell(struct buf *b, const char *msg, size_t len)
{
    size_t n = len;
    if (n > MESSAGE_SHOWN) {
        n = MESSAGE_SHOWN;
        while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
            n--;
    }
    buf_puts(b, "<td class=\"logmsg-cell\"><pre class=\"logmsg\">");
    con_esc_n(b, msg, n);
    buf_puts(b, "</pre>");
    if (n < len)
        buf_printf(b, "<p class=\"muted\">(the first %zu of %zu bytes)</p>", n, len);
    buf_puts(b, "</td>");
}

/* One row of the events table (a logs_scan callback). Returns 0 (the scan's max bounds it). */
static int event_row(void *ctx, const struct log_event *ev)
{
    struct event_rows *l = ctx;
    struct buf *b = l->b;
    buf_puts(b, "<tr><td class=\"nowrap\">");
    time_cell(b, ev->ts_ms);
    buf_puts(b, "</td>");
    if (l->with_stream) {
        buf_puts(b, "<td>");
        con_esc(b, ev->stream);
        buf_puts(b, "</td>");
    }
    message_cell(b, ev->message, ev->message_len);
    buf_puts(b, "</tr>\n");
    l->n++;
    return 0;
}

/* The events part of a group's page: the newest EVENTS_MAX of the group, or of stream s
 * when s is not NULL (a store failure is said in the table). */
static void group_events(struct call *c, struct buf *b, const struct logs_group *g,
                        const struct logs_stream *s)
{
    struct event_rows l = {b, s == NULL, 0};
    buf_puts(b, "<h2 id=\"events\">Log events</h2>\n<div class=\"table-wrap\">"
                "<table class=\"events\">\n<caption class=\"muted\">The newest events of ");
    if (s) {
        buf_puts(b, "log stream ");
        con_esc(b, s->name);
    } else {
        buf_puts(b, "every stream of the group");
    }
    buf_printf(b, ", newest first (at most %d)</caption>\n<thead><tr>"
                  "<th scope=\"col\">Timestamp (UTC)</th>",
               EVENTS_MAX);
    if (l.with_stream)
        buf_puts(b, "<th scope=\"col\">Log stream</th>");
    buf_puts(b, "<th scope=\"col\">Message</th></tr></thead>\n<tbody>\n");
    struct logs_cursor cur;
    memset(&cur, 0, sizeof cur);
    int rc;
    if (s) {
        struct logs_source src = {1, s->id, g->name};
        rc = logs_events_scan(c->sim->store, &src, 1, 0, INT64_MAX, 1, NULL, &cur,
                              EVENTS_MAX, event_row, &l);
    } else {
        const char *groups[1] = {g->name};
        rc = logs_scan(c->sim->store, c->team->account, c->tenant.region, groups, 1,
                       0, INT64_MAX, 1, NULL, &cur, EVENTS_MAX, event_row, &l);
    }
    int cols = l.with_stream ? 3 : 2;
    if (rc < 0)
        buf_printf(b, "<tr><td colspan=\"%d\">The log events could not be read.</td></tr>\n",
                   cols);
    else if (l.n == 0)
        buf_printf(b, "<tr><td colspan=\"%d\">No events.</td></tr>\n", cols);
    buf_puts(b, "</tbody>\n</table></div>\n");
}

/* /console/logs/group?name=G[&stream=S]: the group's streams and newest events. */
static void page_group(struct call *c, const struct http_request *req)
{
    const char *name = con_arg(req, "name");
    const char *sname = con_arg(req, "stream");
    if (sname && sname[0] == '\0')
        sname = NULL;
    if (name == NULL || name[0] == '\0') {
        con_error_page(c, 400, "Log group missing", "Name the log group with ?name=.");
        return;
    }
    struct logs_scope sc = scope_of(c);
    struct logs_group g = {0};
    struct logs_stream s = {0};
    int rc = logs_group_get(&sc, name, &g);
    if (rc != 0) {
        if (rc == 1)
            con_error_page(c, 404, "Log group not found",
                           "The specified log group does not exist in this region.");
        else
            con_error_page(c, 503, "Store error", "The log group could not be read.");
        return;
    }
    if (sname) {
        rc = logs_stream_get(c->sim->store, g.id, sname, &s);
        if (rc != 0) {
            if (rc == 1)
                con_error_page(c, 404, "Log stream not found",
                               "The specified log stream does not exist in this log group.");
            else
                con_error_page(c, 503, "Store error", "The log stream could not be read.");
            goto out;
        }
    }
    const char *team = c->team->account;
    struct buf *b = con_page(c, 200, g.name, "logs");
    buf_puts(b, "<p class=\"crumbs\"><a href=\"/console/logs");
    team_arg(b, team);
    buf_puts(b, "\">Log groups</a></p>\n<h1>Log group <span class=\"break\">");
    con_esc(b, g.name);
    buf_puts(b, "</span></h1>\n");
    con_sim_time(b, c->now_ms);
    buf_printf(b, "<dl class=\"facts\"><dt>Stored bytes</dt><dd id=\"stored-bytes\">%" PRId64
                  "</dd><dt>Retention</dt><dd>",
               g.stored_bytes);
    if (g.retention_days > 0)
        buf_printf(b, "%d day%s", g.retention_days, g.retention_days == 1 ? "" : "s");
    else
        buf_puts(b, "Never expire");
    buf_puts(b, "</dd><dt>Creation time (UTC)</dt><dd>");
    time_cell(b, g.created_ms);
    buf_puts(b, "</dd></dl>\n<p><a id=\"query-link\" href=\"");
    insights_href(b, team, g.name);
    buf_puts(b, "\">Query this log group in Logs Insights</a></p>\n");

    buf_puts(b, "<h2 id=\"streams\">Log streams</h2>\n<div class=\"table-wrap\"><table>\n"
                "<caption class=\"muted\">");
    buf_printf(b, "Streams by last event time, newest first (at most %d)", STREAMS_MAX);
    buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">Log stream</th>"
                "<th scope=\"col\">Last event time (UTC)</th></tr></thead>\n<tbody>\n");
    struct stream_rows sl = {b, team, g.name, sname, 0, 0};
    struct logs_stream_order o = {.by_last_event = 1, .desc = 1};
    if (logs_stream_each(c->sim->store, g.id, &o, stream_row, &sl) != 0)
        buf_puts(b, "<tr><td colspan=\"2\">The log streams could not be read.</td></tr>\n");
    else if (sl.n == 0)
        buf_puts(b, "<tr><td colspan=\"2\">No log streams.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table></div>\n");
    if (sl.more)
        buf_printf(b, "<p class=\"muted\">Only the %d streams with the newest events are "
                      "listed.</p>\n",
                   STREAMS_MAX);
    if (sname) {
        buf_puts(b, "<p><a href=\"");
        group_href(b, team, g.name, NULL);
        buf_puts(b, "#events\">Show the events of every stream</a></p>\n");
    }
    group_events(c, b, &g, sname ? &s : NULL);
    con_page_end(b);
out:
    logs_stream_clear(&s);
    logs_group_clear(&g);
}

/* ---- /console/logs/insights: the query box ----------------------------------------------- */

struct group_options {
    struct buf *b;
    const char *const *selected;
    int nselected;
    int n;
    int more;
};

/* One <option> of the group list (a logs_group_each callback). Returns 1 past GROUPS_MAX. */
static int group_option(void *ctx, const struct logs_group *g)
{
    struct group_options *l = ctx;
    if (l->n == GROUPS_MAX) {
        l->more = 1;
        return 1;
    }
    int sel = 0;
    for (int i = 0; i < l->nselected && !sel; i++)
        sel = strcmp(l->selected[i], g->name) == 0;
    buf_puts(l->b, "<option value=\"");
    con_esc(l->b, g->name);
    buf_puts(l->b, sel ? "\" selected>" : "\">");
    con_esc(l->b, g->name);
    buf_puts(l->b, "</option>\n");
    l->n++;
    return 0;
}

/* The query box: groups, query, range, start/end and the Run button (a GET form). */
static void insights_form(struct call *c, struct buf *b, const char *const *groups,
                          int ngroups, const char *query, const char *range, const char *start,
                          const char *end)
{
    const char *team = c->team->account;
    buf_puts(b, "<form class=\"query-form\" method=\"get\" action=\"/console/logs/insights\">\n"
                "<input type=\"hidden\" name=\"team\" value=\"");
    con_esc(b, team);
    buf_puts(b, "\">\n");
    /* the options first: the list's height follows their number */
    struct buf opts;
    buf_init(&opts, b->max);
    struct group_options l = {&opts, groups, ngroups, 0, 0};
    struct logs_scope sc = scope_of(c);
    int rc = logs_group_each(&sc, NULL, NULL, group_option, &l);
    int rows = l.n < 2 ? 2 : l.n > SELECT_ROWS ? SELECT_ROWS : l.n;
    buf_printf(b, "<div class=\"field\"><label for=\"groups\">Log groups (up to %d; Ctrl or "
                  "Shift selects several)</label>\n<select id=\"groups\" name=\"group\" "
                  "multiple size=\"%d\">\n",
               CON_MAX_GROUPS, rows);
    buf_append(b, opts.p ? opts.p : "", opts.len);
    buf_free(&opts);
    buf_puts(b, "</select>\n");
    if (rc != 0)
        buf_puts(b, "<p class=\"placeholder\">The log groups could not be read.</p>\n");
    else if (l.n == 0)
        buf_puts(b, "<p class=\"muted\">No log groups in this region yet.</p>\n");
    else if (l.more)
        buf_printf(b, "<p class=\"muted\">Only the first %d log groups are offered.</p>\n",
                   GROUPS_MAX);
    buf_puts(b, "</div>\n<div class=\"field\"><label for=\"query\">Query (Logs Insights QL)"
                "</label>\n<textarea id=\"query\" name=\"query\" rows=\"5\" spellcheck=\"false\">");
    con_esc(b, query);
    buf_puts(b, "</textarea></div>\n<div class=\"field-row\"><div class=\"field\">"
                "<label for=\"range\">Time range (ending now)</label>\n"
                "<select id=\"range\" name=\"range\">");
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        int sel = range && strcmp(range, ranges[i].name) == 0;
        buf_printf(b, "<option value=\"%s\"%s>Last %s</option>", ranges[i].name,
                   sel ? " selected" : "", ranges[i].name);
    }
    buf_puts(b, "</select></div>\n<div class=\"field\"><label for=\"start\">Start (epoch "
                "seconds, optional)</label>\n<input id=\"start\" name=\"start\" type=\"text\" "
                "inputmode=\"numeric\" size=\"12\" value=\"");
    con_esc(b, start);
    buf_puts(b, "\"></div>\n<div class=\"field\"><label for=\"end\">End (epoch seconds, "
                "optional)</label>\n<input id=\"end\" name=\"end\" type=\"text\" "
                "inputmode=\"numeric\" size=\"12\" value=\"");
    con_esc(b, end);
    buf_puts(b, "\"></div>\n<div class=\"field\"><button type=\"submit\">Run query</button>"
                "</div></div>\n<p class=\"muted\">Start and end, when both are given, replace "
                "the range (as <code>aws logs start-query --start-time --end-time</code> take "
                "them).</p>\n</form>\n");
}

/* Whether req carries any of the query box's own arguments (not only ?team=). */
static int has_box_args(const struct http_request *req)
{
    static const char *const keys[] = {"group", "query", "range", "start", "end"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (con_arg(req, keys[i]))
            return 1;
    }
    return 0;
}

/* Appends an alert paragraph (role="alert") with text. */
static void alert(struct buf *b, const char *text)
{
    buf_puts(b, "<p class=\"placeholder\" role=\"alert\">");
    con_esc(b, text);
    buf_puts(b, "</p>\n");
}

/* The results part: checks the groups exist (StartQuery's message otherwise), then runs the
 * query through con_insights_table() and says how many rows came back and the window. */
static void insights_results(struct call *c, struct buf *b, const char *const *groups,
                             int ngroups, const char *query, int64_t start_s, int64_t end_s)
{
    buf_puts(b, "<section class=\"insights-results\" aria-labelledby=\"results\">\n"
                "<h2 id=\"results\">Results</h2>\n");
    if (ngroups == 0) {
        alert(b, "Select at least one log group.");
        goto out;
    }
    if (query[0] == '\0') {
        alert(b, "Enter a query.");
        goto out;
    }
    for (int i = 0; i < ngroups; i++) {
        int ex = logs_group_exists(c->sim->store, c->team->account, c->tenant.region,
                                   groups[i]);
        if (ex != 1) {
            buf_puts(b, "<p class=\"placeholder\" role=\"alert\">");
            if (ex < 0) {
                buf_puts(b, "The log groups could not be read.");
            } else {
                buf_puts(b, "Log group '");
                con_esc(b, groups[i]);
                buf_puts(b, "' does not exist for account ID '");
                con_esc(b, c->team->account);
                buf_puts(b, "'");
            }
            buf_puts(b, "</p>\n");
            goto out;
        }
    }
    char from[40], to[40];
    timefmt_iso8601((double)start_s, from);
    timefmt_iso8601((double)end_s, to);
    buf_printf(b, "<p id=\"window\" data-start=\"%" PRId64 "\" data-end=\"%" PRId64 "\">"
                  "Time window: <time datetime=\"%s\">%s</time> to <time datetime=\"%s\">%s"
                  "</time> (UTC; start %" PRId64 ", end %" PRId64 " in epoch seconds)</p>\n",
               start_s, end_s, from, from, to, to, start_s, end_s);
    struct con_insights in = {
        .team = c->team->account,
        .region = c->tenant.region,
        .groups = groups,
        .ngroups = ngroups,
        .query = query,
        .start_ms = start_s * 1000,
        .end_ms = end_s * 1000, /* inclusive, to the millisecond, as StartQuery */
        .max_rows = RESULT_ROWS,
    };
    /* the count goes before the table: draw the table aside, then append it */
    struct buf table;
    buf_init(&table, b->max);
    int n = con_insights_table(&table, c, &in);
    if (n >= 0) {
        buf_printf(b, "<p id=\"row-count\" data-rows=\"%d\" role=\"status\">%d row%s", n, n,
                   n == 1 ? "" : "s");
        if (n > RESULT_ROWS)
            buf_printf(b, " (the first %d are shown)", RESULT_ROWS);
        buf_puts(b, "</p>\n");
    }
    buf_append(b, table.p ? table.p : "", table.len);
    buf_free(&table);
out:
    buf_puts(b, "</section>\n");
}

/* /console/logs/insights: the query box, and the results when there is something to run. */
static void page_insights(struct call *c, const struct http_request *req)
{
    const char *groups[CON_MAX_GROUPS];
    int ngroups = con_form_values(req->url_args, "group", groups, CON_MAX_GROUPS);
    if (ngroups > CON_MAX_GROUPS) {
        char msg[96];
        snprintf(msg, sizeof msg, "A query can name at most %d log groups.", CON_MAX_GROUPS);
        con_error_page(c, 400, "Too many log groups", msg);
        return;
    }
    const char *query = con_arg(req, "query");
    if (query && strlen(query) > CON_LOGS_MAX_QUERY) {
        char msg[96];
        snprintf(msg, sizeof msg, "A query is at most %d characters long.", CON_LOGS_MAX_QUERY);
        con_error_page(c, 400, "Query too long", msg);
        return;
    }
    const char *range = con_arg(req, "range");
    const char *start = con_arg(req, "start");
    const char *end = con_arg(req, "end");
    int64_t start_s = 0, end_s = 0;
    const char *err = NULL;
    if (con_logs_window(range, start, end, c->now_ms, &start_s, &end_s, &err) != 0) {
        con_error_page(c, 400, "Bad time window", err);
        return;
    }
    if (!has_box_args(req)) {
        int ex = logs_group_exists(c->sim->store, c->team->account, c->tenant.region,
                                   default_group);
        if (ex == 1)
            groups[ngroups++] = default_group;
    }
    if (query == NULL)
        query = default_query;
    if (range == NULL || range[0] == '\0')
        range = ranges[0].name;
    /* a dashboard log widget's text ("SOURCE 'group' | ...") runs as it is: its groups join
     * the selected ones */
    char *sources[CON_MAX_GROUPS];
    int nsources = 0;
    const char *rest = con_split_sources(query, sources, &nsources);
    for (int i = 0; i < nsources; i++) {
        int dup = 0;
        for (int j = 0; j < ngroups; j++)
            dup |= strcmp(groups[j], sources[i]) == 0;
        if (!dup && ngroups < CON_MAX_GROUPS)
            groups[ngroups++] = sources[i];
    }

    const char *team = c->team->account;
    struct buf *b = con_page(c, 200, "Logs Insights", "logs");
    buf_puts(b, "<p class=\"crumbs\"><a href=\"/console/logs");
    team_arg(b, team);
    buf_puts(b, "\">Log groups</a></p>\n<h1>Logs Insights</h1>\n");
    con_sim_time(b, c->now_ms);
    insights_form(c, b, groups, ngroups, query, range, start, end);
    insights_results(c, b, groups, ngroups, rest, start_s, end_s);
    con_page_end(b);
    for (int i = 0; i < nsources; i++)
        free(sources[i]);
}

void con_logs_handle(struct call *c, const struct http_request *req)
{
    static const struct {
        const char *path;
        void (*page)(struct call *c, const struct http_request *req);
    } pages[] = {
        {"/console/logs", page_groups},
        {"/console/logs/", page_groups},
        {"/console/logs/group", page_group},
        {"/console/logs/insights", page_insights},
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        if (strcmp(req->path, pages[i].path) == 0) {
            pages[i].page(c, req);
            return;
        }
    }
    con_error_page(c, 404, "Page not found", "There is no console page at this address.");
}
