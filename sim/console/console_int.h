/*
 * console_int.h - shared by the files of the web console (sim/console/).
 *
 *   console.c       routing, the page frame, the home, dashboards list and alarms pages
 *   console_dash.c  one dashboard: the widget grid, metric series from metricstat_series()
 *   console_svg.c   axis scales, ticks and the SVG line graph
 *   console_md.c    the Markdown subset of text widgets
 *   console_insights.c  a Logs Insights run drawn as a table (log widgets, the Logs page)
 *   console_logs.c  /console/logs: log groups, streams, events and the Insights query box
 *   console_ecs.c   /console/ecs: clusters, services with tasks and deployments
 *   console_rds.c   /console/rds: Aurora clusters, instances, connections against the maximum
 *   console_drill.c /console/drill: the trainer's view of one team's drill and of every team
 *   console_util.c  small shared pieces: output documents, cells, link arguments, invoke()
 *   assets.c        the CSS and JavaScript, embedded as string constants
 *
 * Everything writes HTML into a struct buf; every piece of text that did not come from this
 * code goes through con_esc().
 */
#ifndef DRILLSIM_CONSOLE_INT_H
#define DRILLSIM_CONSOLE_INT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

struct call;
struct http_request;

/* Appends s HTML-escaped (& < > " ' become entities); NULL appends nothing. */
void con_esc(struct buf *b, const char *s);
/* Appends the first n bytes of s HTML-escaped. */
void con_esc_n(struct buf *b, const char *s, size_t n);

/* Appends md (the Markdown subset: # headings, paragraphs, **bold**, *italic* / _italic_,
 * `code`, ``` fenced code, [links](url) with http(s)/mailto/relative urls, - / * / 1. lists)
 * as HTML. All text is escaped; a link whose url has another scheme is shown as its text. */
void con_markdown(struct buf *b, const char *md);

/* ---- scales and ticks ------------------------------------------------------------------- */

#define CON_MAX_TICKS 12

/* "Nice" ticks covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about want of
 * them. lo/hi are widened to whole steps (out->lo, out->hi); v[] holds the ticks. */
struct con_ticks {
    double lo, hi, step;
    int n;
    double v[CON_MAX_TICKS];
};
void con_nice_ticks(double lo, double hi, int want, struct con_ticks *out);

/* Time ticks for [start_ms, end_ms]: a step from a fixed list (1 min ... 1 day) giving at
 * most max ticks, aligned to whole steps (UTC). Writes them to out; returns their number. */
int con_time_ticks(int64_t start_ms, int64_t end_ms, int max, int64_t *out);

/* Formats v for an axis or a legend: up to 4 significant digits, k/M/G suffixes above 10^4.
 * Writes into out (n bytes). */
void con_fmt_value(double v, char *out, size_t n);

/* ---- the SVG line graph ----------------------------------------------------------------- */

struct con_line {
    const char *label;
    const char *color; /* "#rrggbb" (checked by the caller) */
    const char *id;    /* data-metric attribute (e.g. "AWS/RDS DatabaseConnections") */
    int right;         /* drawn against the right axis */
    const int64_t *ts; /* ascending */
    const double *v;
    int n;
};

/* An annotation of a graph, as a dashboard body's "annotations" describe them: a horizontal
 * line at value (on the left axis), or a band from value to value2; with vertical set, the
 * values are instants (epoch ms) on the time axis. fill shades one side of a line. */
enum con_fill { CON_FILL_NONE, CON_FILL_ABOVE, CON_FILL_BELOW }; /* vertical: after, before */
struct con_annot {
    const char *label;
    const char *color;
    double value;
    double value2; /* the band's other edge, when band is set */
    int band;
    int vertical;
    enum con_fill fill;
};

struct con_graph {
    const char *title; /* the accessible name (aria-label) */
    int64_t start_ms, end_ms;
    int period_s;
    const char *stat;
    const struct con_line *lines;
    int nlines;
    const struct con_annot *annots;
    int nannots;
    int stacked;
    double left_min, left_max; /* NAN = from the data */
    int height_units;          /* the widget's height in grid rows (sets the aspect) */
    int width_units; /* its width in the 24 grid columns (0 = 12): text keeps its size */
};

/* Appends the graph as an inline <svg> plus an HTML legend. Each line's polyline carries
 * data-metric, data-points="n", data-last-ts (epoch seconds) and data-last-value (%.17g) so
 * tests can compare with GetMetricStatistics. */
void con_svg_graph(struct buf *b, const struct con_graph *g);

/* Returns a palette colour for series i ("#1f77b4", ... CloudWatch's order). */
const char *con_palette(int i);

/* One metric of the team in region with dims (an array of {"Name", "Value"}) from
 * metricstat_series(), the code GetMetricStatistics runs, over [start_ms, end_ms) at
 * c->now_ms. Fills *out (the caller clears it with mm_series_clear); returns 0, or -1 with
 * *out empty (also for a missing ns or metric, an invalid stat or period). (console_util.c) */
struct mm_series;
int con_metric_series_dims(struct call *c, const char *region, const char *ns,
                           const char *metric, const cJSON *dims, const char *stat,
                           int period_s, int64_t start_ms, int64_t end_ms,
                           struct mm_series *out);
/* As con_metric_series_dims in the team's region, with dims[0..ndims) (name, value pairs). */
int con_metric_series(struct call *c, const char *ns, const char *metric,
                      const char *const *dims, int ndims, const char *stat, int period_s,
                      int64_t start_ms, int64_t end_ms, struct mm_series *out);

/* ---- pages -------------------------------------------------------------------------------- */

/* The page frame: doctype, <html lang="en">, <head> with title and assets, header with the
 * navigation, <main>. team is the selected account (kept in every link). */
void con_page_begin(struct buf *b, const char *title, const char *team, const char *nav);
void con_page_end(struct buf *b);

/* Renders /console/dashboards/NAME into c (status and body). */
void con_dashboard_page(struct call *c, const struct http_request *req, const char *name);
/* The sections under /console/logs, /console/ecs and /console/rds (req->path starts with
 * the prefix; the team is selected). Each renders its page, or con_error_page() 404. */
void con_logs_handle(struct call *c, const struct http_request *req);
void con_ecs_handle(struct call *c, const struct http_request *req);
void con_rds_handle(struct call *c, const struct http_request *req);
/* /console/drill: the trainer's view (console_drill.c). */
void con_drill_page(struct call *c, const struct http_request *req);
/* The part of a page the script refreshes every 10 s: con_live_begin() opens it
 * (<div id="live" data-refresh>), con_live_end() closes it and adds the script. One per page. */
void con_live_begin(struct buf *b);
void con_live_end(struct buf *b);
/* Appends "Simulated time: <time id=sim-time>" for now_ms. */
void con_sim_time(struct buf *b, int64_t now_ms);
/* The value of URL argument name of req, or NULL. */
const char *con_arg(const struct http_request *req, const char *name);

/* Starts a page: an HTML reply on c with status (content type, an empty body of at most
 * 8 MB) and its frame (con_page_begin) for c's team. Returns the body to write the page
 * into; end it with con_page_end(). */
struct buf *con_page(struct call *c, int status, const char *title, const char *nav);
/* An HTML error page with the given status. */
void con_error_page(struct call *c, int status, const char *title, const char *message);

/* ---- Logs Insights ----------------------------------------------------------------------- */

#define CON_MAX_GROUPS 20

/* Splits the leading "SOURCE 'group' |" clauses off text: up to CON_MAX_GROUPS group names go
 * to groups[] (new strings, the caller frees them) and their number to *ngroups. Returns the
 * rest of the query (a pointer into text). */
const char *con_split_sources(const char *text, char **groups, int *ngroups);

/* One query run over log groups of a team's region. */
struct con_insights {
    const char *team, *region;
    const char *const *groups;
    int ngroups;
    const char *query; /* without SOURCE clauses */
    int64_t start_ms, end_ms;
    int max_rows; /* rows drawn (the result may hold more) */
};

/* Runs in->query as StartQuery would (at c->now_ms) and appends the result as a table, or a
 * paragraph saying there is none, or the compile error (role="alert"). Returns the number of
 * result rows, or -1 when the query did not compile or the events could not be read. */
int con_insights_table(struct buf *b, struct call *c, const struct con_insights *in);

/* ---- console_util.c ------------------------------------------------------------------------ */

struct invoke_error;

/* The string member name of o, or NULL (con_str_opt) / "" (con_str). */
const char *con_str_opt(const cJSON *o, const char *name);
const char *con_str(const cJSON *o, const char *name);
/* Appends <td>text</td>, text escaped. */
void con_td(struct buf *b, const char *text);
/* Appends s percent-encoded for a URL query argument: every byte but A-Z a-z 0-9 - _ . ~
 * becomes %XX, so the result needs no HTML escaping inside an attribute. NULL appends
 * nothing. */
void con_url_encode(struct buf *b, const char *s);
/* Runs service's operation op with input in (deleted here) through invoke() as the page's
 * team and region. Returns the output (the caller deletes it), or NULL with *err filled. */
cJSON *con_invoke(struct call *c, const char *service, const char *op, cJSON *in,
                  struct invoke_error *err);
/* Appends a paragraph (role alert) saying what failed with err's code and message. */
void con_call_failed(struct buf *b, const char *what, const struct invoke_error *err);

/* assets.c */
extern const char con_css[];
extern const char con_js[];

#endif
