/*
 * console_int.h - shared by the files of the web console (sim/console/).
 *
 *   console.c       routing, the page frame, the home, dashboards list and alarms pages
 *   console_dash.c  one dashboard: the widget grid, metric series from metricstat_series()
 *   console_svg.c   axis scales, ticks and the SVG line graph
 *   console_md.c    the Markdown subset of text widgets
 *   console_insights.c  a Logs Insights run drawn as a table (log widgets, the Logs page)
 *   assets.c        the CSS and JavaScript, embedded as string constants
 *
 * Everything writes HTML into a struct buf; every piece of text that did not come from this
 * code goes through con_esc().
 */
#ifndef DRILLSIM_CONSOLE_INT_H
#define DRILLSIM_CONSOLE_INT_H

#include <stdint.h>

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

struct con_annot {
    const char *label;
    const char *color;
    double value;
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
};

/* Appends the graph as an inline <svg> plus an HTML legend. Each line's polyline carries
 * data-metric, data-points="n", data-last-ts (epoch seconds) and data-last-value (%.17g) so
 * tests can compare with GetMetricStatistics. */
void con_svg_graph(struct buf *b, const struct con_graph *g);

/* Returns a palette colour for series i ("#1f77b4", ... CloudWatch's order). */
const char *con_palette(int i);

/* ---- pages -------------------------------------------------------------------------------- */

/* The page frame: doctype, <html lang="en">, <head> with title and assets, header with the
 * navigation, <main>. team is the selected account (kept in every link). */
void con_page_begin(struct buf *b, const char *title, const char *team, const char *nav);
void con_page_end(struct buf *b);

/* Renders /console/dashboards/NAME into c (status and body). */
void con_dashboard_page(struct call *c, const struct http_request *req, const char *name);
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

/* assets.c */
extern const char con_css[];
extern const char con_js[];

#endif
