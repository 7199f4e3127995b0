/*
 * console_util.c - small pieces every console page uses: reading the output documents of
 * internal API calls, table cells, link arguments, calling a handler through invoke(), and
 * reading a metric series as GetMetricStatistics does.
 */
#include "console/console_int.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine/metricmath.h"
#include "engine/metricstat.h"
#include "invoke.h"
#include "sim.h"

const char *con_str_opt(const cJSON *o, const char *name)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

const char *con_str(const cJSON *o, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    return s ? s : "";
}

void con_td(struct buf *b, const char *text)
{
    buf_puts(b, "<td>");
    con_esc(b, text);
    buf_puts(b, "</td>");
}

void con_url_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        unsigned char ch = *p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            buf_putc(b, (char)ch);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            buf_append(b, e, 3);
        }
    }
}

cJSON *con_invoke(struct call *c, const char *service, const char *op, cJSON *in,
                  struct invoke_error *err)
{
    cJSON *out = NULL;
    int rc = invoke(c->sim, c->team, c->tenant.region, service, op, in, &out, err);
    cJSON_Delete(in);
    return rc == 0 ? out : NULL;
}

void con_call_failed(struct buf *b, const char *what, const struct invoke_error *err)
{
    buf_puts(b, "<p role=\"alert\">");
    con_esc(b, what);
    buf_puts(b, " failed: ");
    con_esc(b, err->code);
    buf_puts(b, " ");
    con_esc(b, err->message);
    buf_puts(b, "</p>\n");
}

int con_metric_series_dims(struct call *c, const char *region, const char *ns,
                           const char *metric, const cJSON *dims, const char *stat,
                           int period_s, int64_t start_ms, int64_t end_ms,
                           struct mm_series *out)
{
    memset(out, 0, sizeof *out);
    if (ns == NULL || metric == NULL || !metricstat_valid(stat) ||
        !metricstat_period_valid(period_s))
        return -1;
    struct ms_query q = {
        .account = c->team->account,
        .region = region,
        .ns = ns,
        .metric = metric,
        .dims = dims,
        .stat = stat,
        .period_s = period_s,
        .start_ms = start_ms,
        .end_ms = end_ms,
        .now_ms = c->now_ms,
    };
    int rc = metricstat_series(c->sim->store, &q, out);
    if (rc != 0) {
        mm_series_clear(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

int con_metric_series(struct call *c, const char *ns, const char *metric,
                      const char *const *dims, int ndims, const char *stat, int period_s,
                      int64_t start_ms, int64_t end_ms, struct mm_series *out)
{
    cJSON *d = cJSON_CreateArray();
    for (int i = 0; i < ndims; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "Name", dims[2 * i]);
        cJSON_AddStringToObject(o, "Value", dims[2 * i + 1]);
        cJSON_AddItemToArray(d, o);
    }
    int rc = con_metric_series_dims(c, c->tenant.region, ns, metric, d, stat, period_s,
                                    start_ms, end_ms, out);
    cJSON_Delete(d);
    return rc;
}
