/*
 * console_dash.c - one CloudWatch dashboard as a page: the body's widgets on CloudWatch's
 * 24-column grid (dashboard_body_model() gives positions and resolved metrics).
 *
 *   metric  every metric's series from metricstat_series(), the code GetMetricStatistics and
 *           GetMetricData use, over the page's range (15m, 1h, 3h, 12h) ending at the team's
 *           sim time; the widget's stat and period (default 300 s, raised to a multiple of 60
 *           so a series has at most MAX_POINTS points); drawn by con_svg_graph(), or as
 *           numbers for view "singleValue". A widget with metric math runs its queries
 *           through GetMetricData itself (invoke()) and draws every returned series.
 *   alarm   each listed alarm's state (the team's own alarms: the ARN's account is ignored)
 *   text    the Markdown subset (console_md.c)
 *   log     the Insights query (after its SOURCE clauses) over the range, as a table
 *   other   a placeholder naming the widget type
 * To render a new widget type: a case in render_widget() and a function like the others.
 */
#include "console/console_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine/metricmath.h"
#include "engine/metricstat.h"
#include "engine/team.h"
#include "http/route.h"
#include "invoke.h"
#include "protocol/form.h"
#include "services/dashboard_body.h"
#include "sim.h"
#include "store/alarms.h"
#include "store/dashboards.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

#define MAX_POINTS 360
#define MAX_POINTS_INHERIT 1440
#define MAX_LINES 32
#define MAX_ANNOTS 16
/* A log widget shows at most this many rows. */
#define LOG_MAX_ROWS 100

static const struct {
    const char *name;
    int seconds;
} ranges[] = {{"15m", 900}, {"1h", 3600}, {"3h", 10800}, {"12h", 43200}};

struct dash {
    struct call *c;
    struct buf *b;
    const char *team;
    int64_t start_ms, end_ms;
    int widget;  /* index, for element ids */
    int inherit; /* the body's periodOverride is "inherit": widgets keep their period */
};

/* The number member name of o, or dflt. */
static double num_member(const cJSON *o, const char *name, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* Returns c if it is a CSS hex colour (#rgb or #rrggbb), else dflt. */
static const char *color_or(const char *c, const char *dflt)
{
    if (c == NULL || c[0] != '#')
        return dflt;
    size_t n = strlen(c);
    if (n != 4 && n != 7)
        return dflt;
    for (size_t i = 1; i < n; i++) {
        char ch = c[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return dflt;
    }
    return c;
}

/* The period for a series: the widget's (or 300), valid for CloudWatch. With the body's
 * periodOverride "auto" (the default) it adapts to the range: raised to a multiple of 60
 * until the range holds at most MAX_POINTS periods. With "inherit" the widget's period is
 * kept (up to MAX_POINTS_INHERIT points, a bound on the page, not a CloudWatch rule). */
static int pick_period(const struct dash *d, double asked)
{
    int p = asked >= 1 && asked <= 86400 * 30 ? (int)asked : 300;
    if (!metricstat_period_valid(p))
        p = 300;
    int64_t range_s = (d->end_ms - d->start_ms) / 1000;
    int max = d->inherit ? MAX_POINTS_INHERIT : MAX_POINTS;
    if (range_s / p > max) {
        int64_t need = (range_s + max - 1) / max;
        p = (int)((need + 59) / 60 * 60);
    }
    return p;
}

/* One metric series: fills *s; returns 0 or -1. */
static int load_series(struct dash *d, const cJSON *m, const char *region, const char *stat,
                       int period, struct mm_series *s)
{
    cJSON *dims = cJSON_CreateArray();
    const cJSON *dm;
    cJSON_ArrayForEach(dm, cJSON_GetObjectItemCaseSensitive(m, "dimensions"))
    {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "Name", con_str_opt(dm, "name") ? con_str_opt(dm, "name") : "");
        cJSON_AddStringToObject(o, "Value",
                                con_str_opt(dm, "value") ? con_str_opt(dm, "value") : "");
        cJSON_AddItemToArray(dims, o);
    }
    int rc = con_metric_series_dims(d->c, region, con_str_opt(m, "namespace"),
                                    con_str_opt(m, "metricName"), dims, stat, period,
                                    d->start_ms, d->end_ms, s);
    cJSON_Delete(dims);
    return rc;
}

/*
 * A metric widget with metric math: the widget's queries run through GetMetricData itself
 * (invoke(): the handler a client reaches, not journaled), and every returned series is drawn.
 * Returns 0, or -1 when GetMetricData failed (its message is shown).
 */
static int render_metric_gmd(struct dash *d, const cJSON *w, const cJSON *props)
{
    struct buf *b = d->b;
    const char *wstat = con_str_opt(props, "stat");
    const char *wregion = con_str_opt(props, "region");
    int period = pick_period(d, num_member(props, "period", 300));
    cJSON *in = cJSON_CreateObject();
    cJSON *queries = cJSON_AddArrayToObject(in, "MetricDataQueries");
    const cJSON *m;
    int i = 0;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(w, "metrics"))
    {
        const cJSON *opt = cJSON_GetObjectItemCaseSensitive(m, "options");
        cJSON *q = cJSON_CreateObject();
        char auto_id[32];
        snprintf(auto_id, sizeof auto_id, "console_q%d", i++);
        const char *id = con_str_opt(opt, "id") ? con_str_opt(opt, "id") : auto_id;
        cJSON_AddStringToObject(q, "Id", id);
        const char *label = con_str_opt(opt, "label");
        if (label)
            cJSON_AddStringToObject(q, "Label", label);
        cJSON_AddBoolToObject(q, "ReturnData",
                              !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(opt, "visible")));
        if (con_str_opt(m, "expression")) {
            cJSON_AddStringToObject(q, "Expression", con_str_opt(m, "expression"));
            cJSON_AddNumberToObject(q, "Period", period);
        } else {
            cJSON *ms = cJSON_AddObjectToObject(q, "MetricStat");
            cJSON *metric = cJSON_AddObjectToObject(ms, "Metric");
            const char *ns = con_str_opt(m, "namespace"), *name = con_str_opt(m, "metricName");
            cJSON_AddStringToObject(metric, "Namespace", ns ? ns : "");
            cJSON_AddStringToObject(metric, "MetricName", name ? name : "");
            cJSON *dims = cJSON_AddArrayToObject(metric, "Dimensions");
            const cJSON *dm;
            cJSON_ArrayForEach(dm, cJSON_GetObjectItemCaseSensitive(m, "dimensions"))
            {
                cJSON *o = cJSON_CreateObject();
                const char *dn = con_str_opt(dm, "name"), *dv = con_str_opt(dm, "value");
                cJSON_AddStringToObject(o, "Name", dn ? dn : "");
                cJSON_AddStringToObject(o, "Value", dv ? dv : "");
                cJSON_AddItemToArray(dims, o);
            }
            cJSON_AddNumberToObject(ms, "Period", period);
            const char *st = con_str_opt(opt, "stat");
            cJSON_AddStringToObject(ms, "Stat", st ? st : wstat ? wstat : "Average");
        }
        cJSON_AddItemToArray(queries, q);
    }
    cJSON_AddNumberToObject(in, "StartTime", (double)(d->start_ms / 1000));
    cJSON_AddNumberToObject(in, "EndTime", (double)(d->end_ms / 1000));
    cJSON_AddStringToObject(in, "ScanBy", "TimestampAscending");
    cJSON *out = NULL;
    struct invoke_error err;
    memset(&err, 0, sizeof err);
    int rc = invoke(d->c->sim, d->c->team, wregion ? wregion : DEFAULT_REGION, "cloudwatch",
                    "GetMetricData", in, &out, &err);
    cJSON_Delete(in);
    if (rc != 0) {
        buf_puts(b, "<p class=\"placeholder\">GetMetricData failed: ");
        con_esc(b, err.code);
        buf_puts(b, ": ");
        con_esc(b, err.message);
        buf_puts(b, "</p>\n");
        cJSON_Delete(out);
        return -1;
    }
    struct con_line lines[MAX_LINES];
    int64_t *tss[MAX_LINES];
    double *vals[MAX_LINES];
    char ids[MAX_LINES][160];
    int n = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(out, "MetricDataResults"))
    {
        if (n == MAX_LINES)
            break;
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(r, "Timestamps");
        const cJSON *vs = cJSON_GetObjectItemCaseSensitive(r, "Values");
        int np = cJSON_GetArraySize(ts);
        if (cJSON_GetArraySize(vs) < np)
            np = cJSON_GetArraySize(vs);
        tss[n] = xcalloc((size_t)np + 1, sizeof *tss[n]);
        vals[n] = xcalloc((size_t)np + 1, sizeof *vals[n]);
        for (int k = 0; k < np; k++) {
            tss[n][k] = (int64_t)llround(cJSON_GetArrayItem(ts, k)->valuedouble * 1000.0);
            vals[n][k] = cJSON_GetArrayItem(vs, k)->valuedouble;
        }
        const char *id = con_str_opt(r, "Id");
        snprintf(ids[n], sizeof ids[n], "%s", id ? id : "");
        const char *label = con_str_opt(r, "Label");
        lines[n] = (struct con_line){.label = label ? label : ids[n], .color = con_palette(n),
                                     .id = ids[n], .ts = tss[n], .v = vals[n], .n = np};
        n++;
    }
    const cJSON *left = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(props, "yAxis"), "left");
    struct con_graph g = {
        .title = con_str_opt(props, "title") ? con_str_opt(props, "title") : "Metric graph",
        .start_ms = d->start_ms,
        .end_ms = d->end_ms,
        .period_s = period,
        .stat = wstat ? wstat : "Average",
        .lines = lines,
        .nlines = n,
        .stacked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(props, "stacked")),
        .left_min = num_member(left, "min", NAN),
        .left_max = num_member(left, "max", NAN),
        .height_units = (int)num_member(w, "height", 6),
        .width_units = (int)num_member(w, "width", 6),
    };
    con_svg_graph(b, &g);
    buf_printf(b, "<p class=\"muted\">GetMetricData, period %d s</p>\n", period);
    for (int k = 0; k < n; k++) {
        free(tss[k]);
        free(vals[k]);
    }
    cJSON_Delete(out);
    return 0;
}

/* The value of an annotation item: a number, or for a vertical one an ISO 8601 instant (as
 * epoch ms). Returns 0 and *out, or -1. */
static int annotation_value(const cJSON *item, int vertical, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, "value");
    if (!vertical) {
        if (!cJSON_IsNumber(v))
            return -1;
        *out = v->valuedouble;
        return 0;
    }
    double s;
    if (!cJSON_IsString(v) || timefmt_parse_iso8601(v->valuestring, &s) != 0)
        return -1;
    *out = s * 1000.0;
    return 0;
}

/* Reads one entry of a widget's annotations.horizontal (vertical = 0) or .vertical (1): an
 * object {value, label, color, fill, visible} is a line, a pair [{value, label, color},
 * {value}] a band. Returns 1 with *out set, or 0 for an entry to leave out (malformed, or
 * "visible": false). */
static int annotation_of(const cJSON *a, int vertical, struct con_annot *out)
{
    const cJSON *first = cJSON_IsArray(a) ? cJSON_GetArrayItem(a, 0) : a;
    if (!cJSON_IsObject(first) || cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(first,
                                                                                "visible")))
        return 0;
    memset(out, 0, sizeof *out);
    out->vertical = vertical;
    out->label = con_str_opt(first, "label") ? con_str_opt(first, "label") : "";
    out->color = color_or(con_str_opt(first, "color"), vertical ? "#5f6b7a" : "#545b64");
    if (annotation_value(first, vertical, &out->value) != 0)
        return 0;
    if (cJSON_IsArray(a)) {
        if (cJSON_GetArraySize(a) != 2 ||
            annotation_value(cJSON_GetArrayItem(a, 1), vertical, &out->value2) != 0)
            return 0;
        out->band = 1;
        return 1;
    }
    const char *fill = con_str_opt(first, "fill");
    if (fill && (strcmp(fill, vertical ? "after" : "above") == 0))
        out->fill = CON_FILL_ABOVE;
    else if (fill && (strcmp(fill, vertical ? "before" : "below") == 0))
        out->fill = CON_FILL_BELOW;
    return 1;
}

/* A metric widget: a graph of its metrics, or numbers for view singleValue. */
static void render_metric(struct dash *d, const cJSON *w, const cJSON *props)
{
    struct buf *b = d->b;
    const char *view = con_str_opt(props, "view");
    const char *wstat = con_str_opt(props, "stat");
    const char *wregion = con_str_opt(props, "region");
    double wperiod = num_member(props, "period", 300);
    int stacked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(props, "stacked"));
    int single = view && strcmp(view, "singleValue") == 0;
    struct mm_series series[MAX_LINES];
    struct con_line lines[MAX_LINES];
    char ids[MAX_LINES][160];
    int n = 0, period = 0, expressions = 0;
    const char *stat = NULL;
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(w, "metrics"))
    {
        if (con_str_opt(m, "expression"))
            expressions++;
    }
    if (expressions && !single) {
        render_metric_gmd(d, w, props);
        return;
    }
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(w, "metrics"))
    {
        const cJSON *opt = cJSON_GetObjectItemCaseSensitive(m, "options");
        if (con_str_opt(m, "expression"))
            continue;
        const cJSON *vis = cJSON_GetObjectItemCaseSensitive(opt, "visible");
        if (cJSON_IsFalse(vis) || n == MAX_LINES)
            continue;
        const char *s = con_str_opt(opt, "stat") ? con_str_opt(opt, "stat")
                                               : wstat ? wstat : "Average";
        const char *region = con_str_opt(opt, "region") ? con_str_opt(opt, "region")
                                                      : wregion ? wregion : DEFAULT_REGION;
        int p = pick_period(d, num_member(opt, "period", wperiod));
        if (load_series(d, m, region, s, p, &series[n]) != 0)
            memset(&series[n], 0, sizeof series[n]);
        if (stat == NULL) {
            stat = s;
            period = p;
        }
        const char *label = con_str_opt(opt, "label");
        const char *ns = con_str_opt(m, "namespace"), *metric = con_str_opt(m, "metricName");
        snprintf(ids[n], sizeof ids[n], "%s %s", ns ? ns : "", metric ? metric : "");
        const char *axis = con_str_opt(opt, "yAxis");
        lines[n] = (struct con_line){
            .label = label ? label : metric ? metric : "",
            .color = color_or(con_str_opt(opt, "color"), con_palette(n)),
            .id = ids[n],
            .right = axis && strcmp(axis, "right") == 0,
            .ts = series[n].ts,
            .v = series[n].v,
            .n = series[n].n,
        };
        n++;
    }
    if (single) {
        buf_puts(b, "<div class=\"single\">");
        for (int i = 0; i < n; i++) {
            buf_puts(b, "<div><div class=\"muted\">");
            con_esc(b, lines[i].label);
            buf_puts(b, "</div><div class=\"value\"");
            if (lines[i].n > 0) {
                char v[32];
                double last = lines[i].v[lines[i].n - 1];
                con_fmt_value(last, v, sizeof v);
                buf_puts(b, " data-metric=\"");
                con_esc(b, ids[i]);
                buf_printf(b, "\" data-value=\"%.17g\">%s</div></div>", last, v);
            } else {
                buf_puts(b, ">-</div></div>");
            }
        }
        buf_puts(b, "</div>\n");
    } else {
        struct con_annot annots[MAX_ANNOTS];
        int na = 0;
        const cJSON *a;
        const cJSON *ann = cJSON_GetObjectItemCaseSensitive(props, "annotations");
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ann, "horizontal"))
        {
            if (na < MAX_ANNOTS && annotation_of(a, 0, &annots[na]))
                na++;
        }
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(ann, "vertical"))
        {
            if (na < MAX_ANNOTS && annotation_of(a, 1, &annots[na]))
                na++;
        }
        const cJSON *left = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(props, "yAxis"), "left");
        struct con_graph g = {
            .title = con_str_opt(props, "title") ? con_str_opt(props, "title") : "Metric graph",
            .start_ms = d->start_ms,
            .end_ms = d->end_ms,
            .period_s = period ? period : pick_period(d, wperiod),
            .stat = stat ? stat : (wstat ? wstat : "Average"),
            .lines = lines,
            .nlines = n,
            .annots = annots,
            .nannots = na,
            .stacked = stacked,
            .left_min = num_member(left, "min", NAN),
            .left_max = num_member(left, "max", NAN),
            .height_units = (int)num_member(w, "height", 6),
            .width_units = (int)num_member(w, "width", 6),
        };
        con_svg_graph(b, &g);
        buf_printf(b, "<p class=\"muted\">%s, period %d s</p>\n", g.stat, g.period_s);
    }
    if (expressions)
        buf_printf(b, "<p class=\"placeholder\">%d metric math expression%s not shown as a "
                      "single value yet.</p>\n", expressions, expressions == 1 ? "" : "s");
    for (int i = 0; i < n; i++)
        mm_series_clear(&series[i]);
}

/* An alarm widget: each listed alarm (by ARN) with its state and reason. */
static void render_alarms(struct dash *d, const cJSON *props)
{
    struct buf *b = d->b;
    buf_puts(b, "<ul class=\"alarms\">");
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(props, "alarms"))
    {
        if (!cJSON_IsString(a))
            continue;
        /* arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME */
        char region[32] = DEFAULT_REGION;
        const char *arn = a->valuestring, *name = strstr(arn, ":alarm:");
        const char *p = arn;
        for (int k = 0; k < 3 && p; k++) {
            p = strchr(p, ':');
            p = p ? p + 1 : NULL;
        }
        const char *pe = p ? strchr(p, ':') : NULL;
        if (p && pe && pe > p && (size_t)(pe - p) < sizeof region)
            snprintf(region, sizeof region, "%.*s", (int)(pe - p), p);
        name = name ? name + 7 : arn;
        struct alarm_scope sc = {d->c->sim->store, d->team, region};
        struct alarm_row r;
        memset(&r, 0, sizeof r);
        int rc = store_alarm_get(&sc, name, &r);
        const char *state = rc == 0 && r.state ? r.state : "UNKNOWN";
        buf_puts(b, "<li data-alarm=\"");
        con_esc(b, name);
        buf_puts(b, "\" data-state=\"");
        con_esc(b, state);
        buf_puts(b, "\"><span class=\"state state-");
        con_esc(b, state);
        buf_puts(b, "\">");
        con_esc(b, rc == 0 ? state : "NOT FOUND");
        buf_puts(b, "</span> ");
        con_esc(b, name);
        if (rc == 0 && r.reason) {
            buf_puts(b, "<br><span class=\"muted\">");
            con_esc(b, r.reason);
            buf_puts(b, "</span>");
        }
        buf_puts(b, "</li>");
        if (rc == 0)
            store_alarm_clear(&r);
    }
    buf_puts(b, "</ul>\n");
}

/* A log widget: its query (after the SOURCE clauses) over the page's range, as a table. */
static void render_log(struct dash *d, const cJSON *props)
{
    const char *text = con_str_opt(props, "query");
    const char *region = con_str_opt(props, "region") ? con_str_opt(props, "region")
                                                     : DEFAULT_REGION;
    buf_puts(d->b, "<details><summary>Query</summary><pre><code>");
    con_esc(d->b, text);
    buf_puts(d->b, "</code></pre></details>\n");
    struct con_insights in = {
        .team = d->team,
        .region = region,
        .start_ms = d->start_ms,
        .end_ms = d->end_ms,
        .max_rows = LOG_MAX_ROWS,
    };
    char *groups[CON_MAX_GROUPS];
    const char *rest = con_split_sources(text ? text : "", groups, &in.ngroups);
    in.groups = (const char *const *)groups;
    in.query = rest;
    if (in.ngroups == 0)
        buf_puts(d->b, "<p class=\"placeholder\">The query names no log group (SOURCE).</p>\n");
    else
        con_insights_table(d->b, d->c, &in);
    for (int i = 0; i < in.ngroups; i++)
        free(groups[i]);
}

/* One widget as a <section> placed on the 24-column grid. */
static void render_widget(struct dash *d, const cJSON *w)
{
    struct buf *b = d->b;
    const char *type = con_str_opt(w, "type");
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(w, "properties");
    const char *title = con_str_opt(props, "title");
    int x = (int)num_member(w, "x", 0), y = (int)num_member(w, "y", 0);
    int wd = (int)num_member(w, "width", 6), h = (int)num_member(w, "height", 6);
    int i = d->widget++;
    buf_puts(b, "<section class=\"widget ");
    con_esc(b, type);
    buf_printf(b, "\" data-type=\"");
    con_esc(b, type);
    buf_printf(b, "\" style=\"grid-column:%d / span %d;grid-row:%d / span %d\"", x + 1, wd,
               y + 1, h);
    if (type && strcmp(type, "text") == 0) {
        buf_printf(b, " aria-labelledby=\"w%d\">\n<h2 id=\"w%d\" class=\"visually-hidden\">"
                      "Text %d</h2>\n", i, i, i + 1);
        con_markdown(b, con_str_opt(props, "markdown"));
        buf_puts(b, "</section>\n");
        return;
    }
    buf_printf(b, " aria-labelledby=\"w%d\">\n<h2 id=\"w%d\">", i, i);
    con_esc(b, title ? title : type);
    buf_puts(b, "</h2>\n");
    if (type && strcmp(type, "metric") == 0)
        render_metric(d, w, props);
    else if (type && strcmp(type, "alarm") == 0)
        render_alarms(d, props);
    else if (type && strcmp(type, "log") == 0)
        render_log(d, props);
    else {
        buf_puts(b, "<p class=\"placeholder\">Widgets of type \"");
        con_esc(b, type);
        buf_puts(b, "\" are not shown by the drillsim console.</p>\n");
    }
    buf_puts(b, "</section>\n");
}

/* The range a body's relative "start" (-PT15M, -PT1H, -PT3H, -PT12H, in hours or minutes)
 * names, as an index into ranges[]; 3h when start is absent or another duration. */
static size_t body_range(const char *start)
{
    size_t dflt = 2;
    if (start == NULL || strncmp(start, "-PT", 3) != 0)
        return dflt;
    char *end;
    long n = strtol(start + 3, &end, 10);
    if (n <= 0 || n > 100000 || end[0] == '\0' || end[1] != '\0')
        return dflt;
    long secs = end[0] == 'H' ? n * 3600 : end[0] == 'M' ? n * 60 : -1;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (ranges[i].seconds == secs)
            return i;
    }
    return dflt;
}

void con_dashboard_page(struct call *c, const struct http_request *req, const char *name)
{
    struct dashboard_row row;
    memset(&row, 0, sizeof row);
    const char *team = c->team->account;
    int rc = store_dashboard_get(c->sim->store, team, name, &row);
    if (rc != 0) {
        con_error_page(c, rc > 0 ? 404 : 500, rc > 0 ? "Dashboard not found"
                                                     : "Dashboard not readable",
                       rc > 0 ? "This team has no dashboard by that name."
                              : "The dashboard could not be read from the store.");
        return;
    }
    cJSON *model = dashboard_body_model(row.body);
    if (model == NULL) {
        con_error_page(c, 500, "Dashboard not shown", "The dashboard's body is not valid.");
        store_dashboard_clear(&row);
        return;
    }
    const char *range = req->url_args ? form_get(req->url_args, "range") : NULL;
    size_t ri = body_range(con_str_opt(model, "start"));
    for (size_t i = 0; range && i < sizeof ranges / sizeof ranges[0]; i++) {
        if (strcmp(range, ranges[i].name) == 0)
            ri = i;
    }
    struct buf *b = con_page(c, 200, name, "dashboards");
    struct dash d = {c, b, team, 0, 0, 0, 0};
    const char *po = con_str_opt(model, "periodOverride");
    d.inherit = po && strcmp(po, "inherit") == 0;
    /* whole seconds (the graph's data-start/data-end), and the end is exclusive: one second
     * past now, so a datapoint stamped with the current sim time is shown */
    d.end_ms = c->now_ms / 1000 * 1000 + 1000;
    d.start_ms = d.end_ms - (int64_t)ranges[ri].seconds * 1000;
    buf_puts(b, "<h1>");
    con_esc(b, name);
    buf_puts(b, "</h1>\n<nav class=\"toolbar\" aria-label=\"Time range\">"
                "<span class=\"muted\">Time range:</span>");
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        buf_puts(b, "<a href=\"?team=");
        con_esc(b, team);
        buf_printf(b, "&amp;range=%s\"%s>%s</a>", ranges[i].name,
                   i == ri ? " aria-current=\"true\"" : "", ranges[i].name);
    }
    char iso[40];
    timefmt_iso8601((double)c->now_ms / 1000.0, iso);
    buf_printf(b, "<span class=\"muted\">Simulated time: <time id=\"sim-time\" datetime=\"%s\">"
                  "%s</time></span> <span id=\"refresh-status\" class=\"muted\" "
                  "aria-live=\"polite\"></span></nav>\n"
                  "<div id=\"grid\" class=\"grid\" data-refresh>\n",
               iso, iso);
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(model, "widgets"))
        render_widget(&d, w);
    buf_puts(b, "</div>\n<script src=\"/console/assets/console.js\" defer></script>\n");
    con_page_end(b);
    cJSON_Delete(model);
    store_dashboard_clear(&row);
}
