/*
 * console_svg.c - axis scales, ticks and the inline SVG line graph of metric widgets.
 *
 * The graph is drawn in a coordinate system of 60 units per grid column of its widget (viewBox
 * 720 x height for the usual 12 columns) and scales with the widget; text sizes are in viewBox
 * units, so text on a wide graph is as large as on a narrow one. Left and right axes get
 * "nice" ticks (1, 2, 5 x 10^k); the time axis gets whole minutes/hours in UTC. Stacked
 * graphs draw each series on top of the sum of the ones before it (same period grid).
 * To add a drawing feature (vertical annotations, ...): a member in struct con_graph
 * (console_int.h) and its drawing after the series, plus a unit test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console/console_int.h"

#define GRAPH_W 720.0 /* viewBox width of a graph 12 columns wide */
#define UNIT_W 60.0
#define GRAPH_W_MIN 360.0
#define GRAPH_W_MAX 1440.0
#define PAD_L 52.0
#define PAD_R_AXIS 52.0
#define PAD_R 16.0
#define PAD_T 12.0
#define PAD_B 26.0

const char *con_palette(int i)
{
    static const char *const pal[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return pal[(i < 0 ? 0 : i) % 10];
}

void con_nice_ticks(double lo, double hi, int want, struct con_ticks *out)
{
    memset(out, 0, sizeof *out);
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi == lo) {
        double d = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
        lo -= lo == 0 ? 0 : d;
        hi += d;
    }
    if (want < 2)
        want = 2;
    if (want > CON_MAX_TICKS - 1)
        want = CON_MAX_TICKS - 1;
    double raw = (hi - lo) / want;
    double mag = pow(10, floor(log10(raw)));
    double norm = raw / mag;
    double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    for (int guard = 0; guard < 8; guard++) {
        double a = floor(lo / step + 1e-9) * step, z = ceil(hi / step - 1e-9) * step;
        int n = (int)llround((z - a) / step) + 1;
        if (n <= CON_MAX_TICKS) {
            out->lo = a;
            out->hi = z;
            out->step = step;
            out->n = n;
            for (int i = 0; i < n; i++) {
                double v = a + step * i;
                out->v[i] = fabs(v) < step * 1e-9 ? 0 : v;
            }
            return;
        }
        step *= 2;
    }
}

int con_time_ticks(int64_t start_ms, int64_t end_ms, int max, int64_t *out)
{
    static const int64_t steps_s[] = {60,   120,  300,   600,   900,   1800,
                                      3600, 7200, 10800, 21600, 43200, 86400};
    if (end_ms <= start_ms || max <= 0)
        return 0;
    size_t k = 0;
    int64_t step = 0, first = 0;
    for (k = 0; k < sizeof steps_s / sizeof steps_s[0]; k++) {
        step = steps_s[k] * 1000;
        first = (start_ms + step - 1) / step * step;
        if (first > end_ms || (end_ms - first) / step + 1 <= max)
            break;
    }
    int n = 0;
    for (int64_t t = first; t <= end_ms && n < max; t += step)
        out[n++] = t;
    return n;
}

void con_fmt_value(double v, char *out, size_t n)
{
    double a = fabs(v);
    if (!isfinite(v))
        snprintf(out, n, "-");
    else if (a >= 1e9)
        snprintf(out, n, "%.4gG", v / 1e9);
    else if (a >= 1e6)
        snprintf(out, n, "%.4gM", v / 1e6);
    else if (a >= 1e4)
        snprintf(out, n, "%.4gk", v / 1e3);
    else
        snprintf(out, n, "%.4g", v == 0 ? 0.0 : v);
}

/* The value of line l at ts (exact match on the grid), or 0. */
static double value_at(const struct con_line *l, int64_t ts)
{
    int lo = 0, hi = l->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (l->ts[mid] == ts)
            return l->v[mid];
        if (l->ts[mid] < ts)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

/* The drawn value of point j of line i: the value, or the running sum when stacked. */
static double drawn(const struct con_graph *g, int i, int j)
{
    double v = g->lines[i].v[j];
    if (g->stacked) {
        for (int k = 0; k < i; k++) {
            if (g->lines[k].right == g->lines[i].right)
                v += value_at(&g->lines[k], g->lines[i].ts[j]);
        }
    }
    return v;
}

/* The tick scale of one axis (right = 0/1) from its lines and (left only) annotations and
 * the widget's min/max. Returns 0 when the axis has no line. */
static int axis_scale(const struct con_graph *g, int right, struct con_ticks *t)
{
    double lo = INFINITY, hi = -INFINITY;
    int any = 0;
    for (int i = 0; i < g->nlines; i++) {
        if (g->lines[i].right != right)
            continue;
        any = 1;
        for (int j = 0; j < g->lines[i].n; j++) {
            double v = drawn(g, i, j);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    }
    if (!right) {
        for (int i = 0; i < g->nannots; i++) {
            const struct con_annot *a = &g->annots[i];
            if (a->vertical)
                continue;
            lo = a->value < lo ? a->value : lo;
            hi = a->value > hi ? a->value : hi;
            if (a->band) {
                lo = a->value2 < lo ? a->value2 : lo;
                hi = a->value2 > hi ? a->value2 : hi;
            }
        }
        if (!isnan(g->left_min))
            lo = g->left_min;
        if (!isnan(g->left_max))
            hi = g->left_max;
    }
    if (lo > hi) {
        lo = 0;
        hi = 1;
    }
    if (lo > 0 && isnan(right ? NAN : g->left_min))
        lo = 0; /* like CloudWatch, a positive metric's axis starts at zero */
    con_nice_ticks(lo, hi, 6, t);
    if (!right && !isnan(g->left_min))
        t->lo = g->left_min;
    if (!right && !isnan(g->left_max))
        t->hi = g->left_max;
    return any;
}

struct frame {
    double x0, x1, y0, y1; /* plot area: y0 top, y1 bottom */
    int64_t t0, t1;
};

static double fx(const struct frame *f, int64_t ts)
{
    return f->x0 + (f->x1 - f->x0) * (double)(ts - f->t0) / (double)(f->t1 - f->t0);
}

static double fy(const struct frame *f, const struct con_ticks *t, double v)
{
    double span = t->hi - t->lo;
    double y = f->y1 - (f->y1 - f->y0) * (span > 0 ? (v - t->lo) / span : 0);
    return y < f->y0 - 2 ? f->y0 - 2 : y > f->y1 + 2 ? f->y1 + 2 : y; /* clip to the frame */
}

static void axis_labels(struct buf *b, const struct frame *f, const struct con_ticks *t,
                        int right)
{
    for (int i = 0; i < t->n; i++) {
        if (t->v[i] < t->lo - 1e-9 || t->v[i] > t->hi + 1e-9)
            continue;
        double y = fy(f, t, t->v[i]);
        char s[32];
        con_fmt_value(t->v[i], s, sizeof s);
        if (!right)
            buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                       f->x0, y, f->x1, y);
        buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>",
                   right ? f->x1 + 6 : f->x0 - 6, y + 4, right ? "start" : "end", s);
    }
}

/* A band between two values of the left axis (cut to the frame), its label inside at the
 * top left. */
static void band_annotation(struct buf *b, const struct frame *f, const struct con_ticks *t,
                            const struct con_annot *a)
{
    double lo = a->value < a->value2 ? a->value : a->value2;
    double hi = a->value < a->value2 ? a->value2 : a->value;
    if (hi < t->lo || lo > t->hi)
        return;
    double y0 = fy(f, t, hi < t->hi ? hi : t->hi), y1 = fy(f, t, lo > t->lo ? lo : t->lo);
    buf_printf(b, "<rect class=\"annotation-band\" fill=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                  "width=\"%.1f\" height=\"%.1f\" data-from=\"%.17g\" data-to=\"%.17g\"/>"
                  "<text class=\"annotation-label\" fill=\"%s\" x=\"%.1f\" y=\"%.1f\">",
               a->color, f->x0, y0, f->x1 - f->x0, y1 - y0, lo, hi, a->color, f->x0 + 6,
               y0 + 14);
    con_esc(b, a->label);
    buf_puts(b, "</text>");
}

/* A vertical annotation: a dashed line at an instant, or a band between two, and its fill
 * (before / after); the label at the top, beside the line. Instants outside the range are
 * cut to it; one wholly outside is not drawn. */
static void vertical_annotation(struct buf *b, const struct frame *f, const struct con_annot *a)
{
    int64_t t0 = (int64_t)a->value, t1 = a->band ? (int64_t)a->value2 : t0;
    if (t1 < t0) {
        int64_t x = t0;
        t0 = t1;
        t1 = x;
    }
    if (a->fill == CON_FILL_BELOW)
        t0 = f->t0;
    if (a->fill == CON_FILL_ABOVE)
        t1 = f->t1;
    if (t1 < f->t0 || t0 > f->t1)
        return;
    double x0 = fx(f, t0 > f->t0 ? t0 : f->t0), x1 = fx(f, t1 < f->t1 ? t1 : f->t1);
    if (a->band || a->fill != CON_FILL_NONE)
        buf_printf(b, "<rect class=\"annotation-band\" fill=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                      "width=\"%.1f\" height=\"%.1f\"/>",
                   a->color, x0, f->y0, x1 - x0, f->y1 - f->y0);
    double lx = fx(f, (int64_t)a->value);
    if (!a->band && a->value >= (double)f->t0 && a->value <= (double)f->t1)
        buf_printf(b, "<line class=\"annotation\" stroke=\"%s\" x1=\"%.1f\" y1=\"%.1f\" "
                      "x2=\"%.1f\" y2=\"%.1f\" data-ts=\"%lld\"/>",
                   a->color, lx, f->y0, lx, f->y1, (long long)((int64_t)a->value / 1000));
    /* the label beside the line (or the band's left edge), on the side with room */
    double at = a->band ? x0 : lx;
    int left_side = at > (f->x0 + f->x1) / 2;
    buf_printf(b, "<text class=\"annotation-label\" fill=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                  "text-anchor=\"%s\">",
               a->color, left_side ? at - 4 : at + 4, f->y0 + 14, left_side ? "end" : "start");
    con_esc(b, a->label);
    buf_puts(b, "</text>");
}

void con_svg_graph(struct buf *b, const struct con_graph *g)
{
    struct con_ticks left, right;
    axis_scale(g, 0, &left);
    int has_right = axis_scale(g, 1, &right);
    double h = g->height_units > 0 ? g->height_units * 40.0 : 240.0;
    if (h < 160)
        h = 160;
    double w = g->width_units > 0 ? g->width_units * UNIT_W : GRAPH_W;
    w = w < GRAPH_W_MIN ? GRAPH_W_MIN : w > GRAPH_W_MAX ? GRAPH_W_MAX : w;
    struct frame f = {PAD_L, w - (has_right ? PAD_R_AXIS : PAD_R), PAD_T, h - PAD_B,
                      g->start_ms, g->end_ms > g->start_ms ? g->end_ms : g->start_ms + 1};
    buf_printf(b, "<svg class=\"graph\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
                  "aria-label=\"", w, h);
    con_esc(b, g->title);
    buf_printf(b, "\" data-start=\"%lld\" data-end=\"%lld\" data-period=\"%d\" data-stat=\"",
               (long long)(g->start_ms / 1000), (long long)(g->end_ms / 1000), g->period_s);
    con_esc(b, g->stat);
    buf_puts(b, "\">");
    axis_labels(b, &f, &left, 0);
    if (has_right)
        axis_labels(b, &f, &right, 1);
    int64_t tt[16];
    int nt = con_time_ticks(f.t0, f.t1, (int)(w / 90.0), tt); /* 4 to 16: one per 90 units */
    for (int i = 0; i < nt; i++) {
        time_t secs = (time_t)(tt[i] / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        double x = fx(&f, tt[i]);
        /* a label at the very edge ends (or starts) there, so it is never cut off */
        const char *anchor = x + 24 > w ? "end" : x < 24 ? "start" : "middle";
        buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                      "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">"
                      "%02d:%02d</text>",
                   x, f.y0, x, f.y1, x, f.y1 + 18, anchor, tm.tm_hour, tm.tm_min);
    }
    buf_printf(b, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
               f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0);
    for (int i = 0; i < g->nlines; i++) {
        const struct con_line *l = &g->lines[i];
        const struct con_ticks *t = l->right ? &right : &left;
        if (g->stacked && l->n > 0) {
            buf_printf(b, "<polygon class=\"area\" fill=\"%s\" points=\"", l->color);
            for (int j = 0; j < l->n; j++)
                buf_printf(b, "%.1f,%.1f ", fx(&f, l->ts[j]), fy(&f, t, drawn(g, i, j)));
            for (int j = l->n - 1; j >= 0; j--)
                buf_printf(b, "%.1f,%.1f ", fx(&f, l->ts[j]),
                           fy(&f, t, drawn(g, i, j) - l->v[j]));
            buf_puts(b, "\"/>");
        }
        buf_printf(b, "<polyline class=\"series\" stroke=\"%s\" data-metric=\"", l->color);
        con_esc(b, l->id);
        buf_printf(b, "\" data-points=\"%d\"", l->n);
        if (l->n > 0)
            buf_printf(b, " data-last-ts=\"%lld\" data-last-value=\"%.17g\"",
                       (long long)(l->ts[l->n - 1] / 1000), l->v[l->n - 1]);
        buf_puts(b, " points=\"");
        for (int j = 0; j < l->n; j++)
            buf_printf(b, "%s%.1f,%.1f", j ? " " : "", fx(&f, l->ts[j]), fy(&f, t, drawn(g, i, j)));
        buf_puts(b, "\"/>");
        if (l->n == 1) /* a single point has no line: show it as a dot */
            buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                       fx(&f, l->ts[0]), fy(&f, t, drawn(g, i, 0)), l->color);
    }
    for (int i = 0; i < g->nannots; i++) {
        const struct con_annot *a = &g->annots[i];
        if (a->vertical) {
            vertical_annotation(b, &f, a);
            continue;
        }
        if (a->band) {
            band_annotation(b, &f, &left, a);
            continue;
        }
        if (a->value < left.lo || a->value > left.hi)
            continue;
        if (a->fill != CON_FILL_NONE) {
            double y = fy(&f, &left, a->value);
            double top = a->fill == CON_FILL_ABOVE ? f.y0 : y;
            double bottom = a->fill == CON_FILL_ABOVE ? y : f.y1;
            buf_printf(b, "<rect class=\"annotation-fill\" fill=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                          "width=\"%.1f\" height=\"%.1f\"/>",
                       a->color, f.x0, top, f.x1 - f.x0, bottom - top);
        }
        double y = fy(&f, &left, a->value);
        /* the label sits above its line, or below it when the line is at the top */
        double ly = y - 4 < f.y0 + 14 ? y + 15 : y - 4;
        char s[32];
        con_fmt_value(a->value, s, sizeof s);
        buf_printf(b, "<line class=\"annotation\" stroke=\"%s\" x1=\"%.1f\" y1=\"%.1f\" "
                      "x2=\"%.1f\" y2=\"%.1f\" data-value=\"%.17g\"/>"
                      "<text class=\"annotation-label\" fill=\"%s\" x=\"%.1f\" y=\"%.1f\">",
                   a->color, f.x0, y, f.x1, y, a->value, a->color, f.x0 + 6, ly);
        con_esc(b, a->label);
        buf_printf(b, " (%s)</text>", s);
    }
    buf_puts(b, "</svg>\n<ul class=\"legend\">");
    for (int i = 0; i < g->nlines; i++) {
        const struct con_line *l = &g->lines[i];
        buf_printf(b, "<li><span class=\"swatch\" style=\"background:%s\"></span>", l->color);
        con_esc(b, l->label);
        if (l->right)
            buf_puts(b, " <span class=\"muted\">(right axis)</span>");
        if (l->n == 0) {
            buf_puts(b, " <span class=\"muted\">(no data)</span>");
        } else {
            char last[32];
            con_fmt_value(l->v[l->n - 1], last, sizeof last);
            buf_printf(b, " <span class=\"muted\">last %s</span>", last);
        }
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul>\n");
}
