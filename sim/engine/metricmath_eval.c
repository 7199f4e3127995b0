/*
 * metricmath_eval.c - evaluation of a parsed metric math expression (mm_eval) and the
 * function table the parser checks calls against.
 *
 * Values are S (a scalar), TS (one series) or TS[] (an array of series), as the CloudWatch
 * User Guide's "Metric math syntax and functions" names them. The rules implemented, from
 * that page (where it is silent, the choice made is marked GUESS):
 *  - Arithmetic (+ - * / ^), comparisons (== != < <= > >=, giving 1 or 0) and AND/OR
 *    between S and S give S; with a TS they apply to each of its points; between two TS
 *    they apply at every timestamp either has, a missing value counting as 0 ("Missing
 *    values in a time series are treated as 0"); a TS[] applies each of its series. A point
 *    whose result is not a finite number (x/0, LOG(0), NaN) is dropped and counted.
 *    GUESS: TS[] with TS[] is an error unless one side holds a single series.
 *  - SUM, AVG, MIN, MAX, STDDEV, DATAPOINT_COUNT of a TS give an S over its points; of a
 *    TS[] a TS holding, at every timestamp any series has, the function across the series,
 *    a missing value counting as 0 (AVG's row says so; GUESS: the same for MIN, MAX and
 *    STDDEV). DATAPOINT_COUNT counts the series that have a value there. STDDEV is the
 *    population standard deviation (GUESS). SUM of no points is 0; AVG, MIN, MAX, STDDEV
 *    of no points have no value.
 *  - DIFF, DIFF_TIME, RATE and RUNNING_SUM work from each point to the one before it in the
 *    same series (the first point of DIFF, DIFF_TIME and RATE has none and is dropped);
 *    RATE is per second.
 *  - FILL, TIME_SERIES and MINUTE ... EPOCH are non-sparse: a point at every period of the
 *    query's range (struct mm_env's grid). FILL with REPEAT leaves a gap before the first
 *    value open, LINEAR leaves open gaps at either end; FILL with a TS takes that series'
 *    value at the timestamp (still missing where it has none).
 *  - IF follows the "Using IF expressions" tables (a TRUE condition with a missing TS value
 *    gives 0, a FALSE one with a missing or omitted value drops the point).
 *  - A TS[] holding one series is accepted where a TS is expected.
 *
 * To add a function: write fn_<name>() below, add its row to funcs[] (kept sorted by name
 * for the reader, searched linearly), cases in tests/unit/engine/metricmath_cases.txt.
 * To list a CloudWatch function drillsim does not implement, give the row an unsupported
 * text instead of an eval function.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/metricmath_int.h"
#include "util/xmalloc.h"

/* Points one evaluation may allocate in all (bounds FILL over long ranges and arrays). */
#define MM_MAX_POINTS 10000000L

struct mm__ctx {
    const struct mm_env *env;
    char *error;
    long dropped;
    long budget;
};

/* Kinds an argument may have, for want(). */
enum { K_S = 1, K_TS = 2, K_ARR = 4 };

static int eval_node(struct mm__ctx *cx, const struct mm__node *n, struct mm_value *out);

/* Sets the evaluation error (the first one wins). Returns -1. */
static int fail(struct mm__ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct mm__ctx *cx, const char *fmt, ...)
{
    if (cx->error == NULL) {
        va_list ap;
        va_start(ap, fmt);
        cx->error = xvasprintf(fmt, ap);
        va_end(ap);
    }
    return -1;
}

static const char *kind_name(enum mm_kind k)
{
    return k == MM_SCALAR ? "S" : k == MM_SERIES ? "TS" : "TS[]";
}

/* Checks that argument pos (from 0) of call has one of the kinds in mask; a TS[] of one
 * series becomes a TS where only TS is allowed. Returns 0, or -1 with the error set. */
static int want(struct mm__ctx *cx, const struct mm__node *call, int pos, struct mm_value *v,
                int mask)
{
    if (v->kind == MM_ARRAY && v->nseries == 1 && (mask & K_TS) && !(mask & K_ARR))
        v->kind = MM_SERIES;
    int bit = v->kind == MM_SCALAR ? K_S : v->kind == MM_SERIES ? K_TS : K_ARR;
    if (mask & bit)
        return 0;
    char allowed[16] = "";
    if (mask & K_S)
        strcat(allowed, "S");
    if (mask & K_TS)
        strcat(allowed, allowed[0] ? " or TS" : "TS");
    if (mask & K_ARR)
        strcat(allowed, allowed[0] ? " or TS[]" : "TS[]");
    return fail(cx, "Invalid argument for %s: argument %d must be %s, not %s", call->fn->name,
                pos + 1, allowed, kind_name(v->kind));
}

/* Allocates room for n points in s (s->n = 0). Returns 0, or -1 past the point budget. */
static int series_alloc(struct mm__ctx *cx, struct mm_series *s, long n)
{
    if (n > cx->budget) {
        return fail(cx, "The expression needs more than %ld datapoints to evaluate",
                    MM_MAX_POINTS);
    }
    cx->budget -= n;
    size_t cap = n > 0 ? (size_t)n : 1;
    s->ts = xmalloc(cap * sizeof *s->ts);
    s->v = xmalloc(cap * sizeof *s->v);
    s->n = 0;
    return 0;
}

/* Appends a point to s (room must exist); a non-finite value is dropped and counted. */
static void push(struct mm__ctx *cx, struct mm_series *s, int64_t t, double v)
{
    if (!isfinite(v)) {
        cx->dropped++;
        return;
    }
    s->ts[s->n] = t;
    s->v[s->n] = v;
    s->n++;
}

/* Copies src's id, label and period to dst. */
static void copy_meta(struct mm_series *dst, const struct mm_series *src)
{
    dst->id = src->id ? xstrdup(src->id) : NULL;
    dst->label = src->label ? xstrdup(src->label) : NULL;
    dst->period_s = src->period_s;
}

static void set_scalar(struct mm_value *out, double d)
{
    memset(out, 0, sizeof *out);
    out->kind = MM_SCALAR;
    out->scalar = d;
}

/* Makes out an empty value of kind (MM_SERIES or MM_ARRAY) with n zeroed series. */
static void set_series(struct mm_value *out, enum mm_kind kind, int n)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->series = xcalloc(n > 0 ? (size_t)n : 1, sizeof *out->series);
    out->nseries = n;
}

/* The period of s in seconds (its own, else the query's). */
static int period_of(const struct mm__ctx *cx, const struct mm_series *s)
{
    return s != NULL && s->period_s > 0 ? s->period_s : cx->env->period_s;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a;
    int64_t y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

struct point {
    int64_t t;
    double v;
    int i;
};

static int cmp_point(const void *a, const void *b)
{
    const struct point *x = a;
    const struct point *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->i - y->i;
}

/*
 * Brings a value from a callback to this module's invariants: series ascending by time,
 * one point per timestamp (the last given wins), no NAN. Returns 0, or -1 (error set) if
 * the value is malformed; v is then cleared.
 */
static int normalize(struct mm__ctx *cx, struct mm_value *v, const char *from)
{
    int ok = v->kind == MM_SCALAR || (v->kind == MM_SERIES && v->nseries == 1) ||
             (v->kind == MM_ARRAY && v->nseries >= 0);
    if (v->kind != MM_SCALAR && v->nseries > 0 && v->series == NULL)
        ok = 0;
    for (int k = 0; ok && v->kind != MM_SCALAR && k < v->nseries; k++) {
        struct mm_series *s = &v->series[k];
        if (s->n < 0 || (s->n > 0 && (s->ts == NULL || s->v == NULL)))
            ok = 0;
    }
    if (!ok) {
        mm_value_clear(v);
        return fail(cx, "Internal error: %s returned a malformed value", from);
    }
    for (int k = 0; v->kind != MM_SCALAR && k < v->nseries; k++) {
        struct mm_series *s = &v->series[k];
        int sorted = 1;
        for (int i = 1; i < s->n && sorted; i++)
            sorted = s->ts[i - 1] < s->ts[i];
        if (!sorted) {
            struct point *p = xmalloc((size_t)s->n * sizeof *p);
            for (int i = 0; i < s->n; i++)
                p[i] = (struct point){s->ts[i], s->v[i], i};
            qsort(p, (size_t)s->n, sizeof *p, cmp_point);
            int w = 0;
            for (int i = 0; i < s->n; i++) {
                if (w > 0 && s->ts[w - 1] == p[i].t)
                    w--;
                s->ts[w] = p[i].t;
                s->v[w] = p[i].v;
                w++;
            }
            s->n = w;
            free(p);
        }
        int w = 0;
        for (int i = 0; i < s->n; i++) {
            if (isnan(s->v[i]))
                continue;
            s->ts[w] = s->ts[i];
            s->v[w] = s->v[i];
            w++;
        }
        s->n = w;
    }
    return 0;
}

/* ---- operators ---------------------------------------------------------------------- */

static double apply(enum mm__op op, double x, double y)
{
    switch (op) {
    case MMO_ADD:
        return x + y;
    case MMO_SUB:
        return x - y;
    case MMO_MUL:
        return x * y;
    case MMO_DIV:
        return y == 0 ? NAN : x / y;
    case MMO_POW:
        return pow(x, y);
    case MMO_EQ:
        return x == y;
    case MMO_NE:
        return x != y;
    case MMO_LT:
        return x < y;
    case MMO_LE:
        return x <= y;
    case MMO_GT:
        return x > y;
    case MMO_GE:
        return x >= y;
    case MMO_AND:
        return x != 0 && y != 0;
    case MMO_OR:
        return x != 0 || y != 0;
    }
    return NAN;
}

static const char *op_name(enum mm__op op)
{
    static const char *const names[] = {"+", "-", "*", "/", "^", "==", "!=",
                                        "<", "<=", ">", ">=", "AND", "OR"};
    return names[op];
}

enum unary {
    U_NEG,
    U_NOT,
    U_ABS,
    U_CEIL,
    U_FLOOR,
    U_LOG,
    U_LOG10,
};

static double apply_unary(enum unary u, double x)
{
    switch (u) {
    case U_NEG:
        return -x;
    case U_NOT:
        return x == 0;
    case U_ABS:
        return fabs(x);
    case U_CEIL:
        return ceil(x);
    case U_FLOOR:
        return floor(x);
    case U_LOG:
        return log(x);
    case U_LOG10:
        return log10(x);
    }
    return NAN;
}

/* Applies u to every value of v in place. */
static void map_unary(struct mm__ctx *cx, struct mm_value *v, enum unary u)
{
    if (v->kind == MM_SCALAR) {
        v->scalar = apply_unary(u, v->scalar);
        return;
    }
    for (int k = 0; k < v->nseries; k++) {
        struct mm_series *s = &v->series[k];
        int w = 0;
        for (int i = 0; i < s->n; i++) {
            double r = apply_unary(u, s->v[i]);
            if (!isfinite(r)) {
                cx->dropped++;
                continue;
            }
            s->ts[w] = s->ts[i];
            s->v[w] = r;
            w++;
        }
        s->n = w;
    }
}

/* Applies op between every value of v and the scalar d (d on the left if d_left). */
static void map_scalar(struct mm__ctx *cx, struct mm_value *v, enum mm__op op, double d,
                       int d_left)
{
    for (int k = 0; k < v->nseries; k++) {
        struct mm_series *s = &v->series[k];
        int w = 0;
        for (int i = 0; i < s->n; i++) {
            double r = d_left ? apply(op, d, s->v[i]) : apply(op, s->v[i], d);
            if (!isfinite(r)) {
                cx->dropped++;
                continue;
            }
            s->ts[w] = s->ts[i];
            s->v[w] = r;
            w++;
        }
        s->n = w;
    }
}

/*
 * Computes x op y at every timestamp either has (a missing value is 0) into out, whose
 * id and label come from meta. Returns 0 or -1.
 */
static int merge(struct mm__ctx *cx, enum mm__op op, const struct mm_series *x,
                 const struct mm_series *y, const struct mm_series *meta, struct mm_series *out)
{
    if (series_alloc(cx, out, (long)x->n + y->n) != 0)
        return -1;
    copy_meta(out, meta);
    int i = 0;
    int j = 0;
    while (i < x->n || j < y->n) {
        int64_t t;
        double a = 0;
        double b = 0;
        if (j >= y->n || (i < x->n && x->ts[i] < y->ts[j])) {
            t = x->ts[i];
            a = x->v[i++];
        } else if (i >= x->n || y->ts[j] < x->ts[i]) {
            t = y->ts[j];
            b = y->v[j++];
        } else {
            t = x->ts[i];
            a = x->v[i++];
            b = y->v[j++];
        }
        push(cx, out, t, apply(op, a, b));
    }
    return 0;
}

/* Evaluates a op b, consuming both. Returns 0 and *out, or -1. */
static int binary(struct mm__ctx *cx, enum mm__op op, struct mm_value *a, struct mm_value *b,
                  struct mm_value *out)
{
    int rc = -1;
    if (a->kind == MM_SCALAR && b->kind == MM_SCALAR) {
        set_scalar(out, apply(op, a->scalar, b->scalar));
        rc = 0;
    } else if (a->kind == MM_SCALAR) {
        map_scalar(cx, b, op, a->scalar, 1);
        *out = *b;
        memset(b, 0, sizeof *b);
        rc = 0;
    } else if (b->kind == MM_SCALAR) {
        map_scalar(cx, a, op, b->scalar, 0);
        *out = *a;
        memset(a, 0, sizeof *a);
        rc = 0;
    } else {
        /* series with series: the array side (if any) keeps its shape and labels */
        int an = a->nseries;
        int bn = b->nseries;
        int a_arr = a->kind == MM_ARRAY && an != 1;
        int b_arr = b->kind == MM_ARRAY && bn != 1;
        if (a_arr && b_arr) {
            fail(cx, "Invalid operands for %s: TS[] %s TS[]", op_name(op), op_name(op));
            goto out;
        }
        int n = a_arr ? an : b_arr ? bn : 1;
        enum mm_kind kind =
            a->kind == MM_ARRAY || b->kind == MM_ARRAY ? MM_ARRAY : MM_SERIES;
        set_series(out, kind, n);
        for (int k = 0; k < n; k++) {
            const struct mm_series *x = &a->series[a_arr ? k : 0];
            const struct mm_series *y = &b->series[b_arr ? k : 0];
            const struct mm_series *meta = b_arr ? y : x;
            if (merge(cx, op, x, y, meta, &out->series[k]) != 0) {
                mm_value_clear(out);
                goto out;
            }
        }
        rc = 0;
    }
out:
    mm_value_clear(a);
    mm_value_clear(b);
    return rc;
}

/* ---- shared pieces of functions ----------------------------------------------------- */

/* Evaluates argument pos of call and checks its kind against mask. */
static int arg(struct mm__ctx *cx, const struct mm__node *call, int pos, int mask,
               struct mm_value *out)
{
    memset(out, 0, sizeof *out);
    if (eval_node(cx, call->kids[pos], out) != 0)
        return -1;
    if (want(cx, call, pos, out, mask) != 0) {
        mm_value_clear(out);
        return -1;
    }
    return 0;
}

/* Evaluates a scalar argument that must be a whole number in [lo, hi]. */
static int arg_int(struct mm__ctx *cx, const struct mm__node *call, int pos, long lo, long hi,
                   long *out)
{
    struct mm_value v;
    if (arg(cx, call, pos, K_S, &v) != 0)
        return -1;
    double d = v.scalar;
    mm_value_clear(&v);
    if (!(d >= (double)lo && d <= (double)hi) || d != floor(d)) {
        return fail(cx, "Invalid argument for %s: argument %d must be a whole number from "
                    "%ld to %ld", call->fn->name, pos + 1, lo, hi);
    }
    *out = (long)d;
    return 0;
}

/* The sorted, distinct timestamps of count series. Returns 0 (owned *ts, *n) or -1. */
static int union_ts(struct mm__ctx *cx, const struct mm_series *list, int count, int64_t **ts,
                    long *n)
{
    long total = 0;
    for (int k = 0; k < count; k++)
        total += list[k].n;
    if (total > cx->budget)
        return fail(cx, "The expression needs more than %ld datapoints to evaluate",
                    MM_MAX_POINTS);
    int64_t *all = xmalloc((total > 0 ? (size_t)total : 1) * sizeof *all);
    long m = 0;
    for (int k = 0; k < count; k++) {
        if (list[k].n > 0)
            memcpy(all + m, list[k].ts, (size_t)list[k].n * sizeof *all);
        m += list[k].n;
    }
    qsort(all, (size_t)m, sizeof *all, cmp_i64);
    long w = 0;
    for (long i = 0; i < m; i++) {
        if (w == 0 || all[w - 1] != all[i])
            all[w++] = all[i];
    }
    *ts = all;
    *n = w;
    return 0;
}

/*
 * The query grid for a series (NULL: for the range alone) merged with the series' own
 * timestamps: every start_ms + k * period below end_ms, on the phase of the series' first
 * point if it has one. Returns 0 (owned *ts, *n) or -1.
 */
static int grid(struct mm__ctx *cx, const struct mm_series *s, int period_s, int64_t **ts,
                long *n)
{
    const struct mm_env *env = cx->env;
    if (period_s <= 0)
        return fail(cx, "The period of the expression must be a positive number of seconds");
    int64_t p = (int64_t)period_s * 1000;
    int64_t start = env->start_ms;
    int64_t end = env->end_ms;
    long g = 0;
    int64_t first = start;
    if (end > start) {
        int64_t anchor = s != NULL && s->n > 0 ? s->ts[0] : start;
        int64_t off = ((anchor % p - start % p) % p + p) % p;
        if (start <= INT64_MAX - off) {
            first = start + off;
            if (first < end) {
                int64_t span = (end - 1 - first) / p + 1;
                if (span > cx->budget)
                    return fail(cx, "The expression needs more than %ld datapoints to "
                                "evaluate", MM_MAX_POINTS);
                g = (long)span;
            }
        }
    }
    long own = s != NULL ? s->n : 0;
    if (g + own > cx->budget)
        return fail(cx, "The expression needs more than %ld datapoints to evaluate",
                    MM_MAX_POINTS);
    int64_t *out = xmalloc((size_t)(g + own > 0 ? g + own : 1) * sizeof *out);
    long w = 0;
    long i = 0;
    long k = 0;
    while (k < g || i < own) {
        int64_t gt = k < g ? first + k * p : INT64_MAX;
        int64_t st = i < own ? s->ts[i] : INT64_MAX;
        int64_t t = gt < st ? gt : st;
        if (gt == t)
            k++;
        if (st == t)
            i++;
        out[w++] = t;
    }
    *ts = out;
    *n = w;
    return 0;
}

/* Finds t in s, moving *cur forward (calls come in ascending t). Returns 1 and *v, or 0. */
static int value_at(const struct mm_series *s, int64_t t, int *cur, double *v)
{
    while (*cur < s->n && s->ts[*cur] < t)
        (*cur)++;
    if (*cur < s->n && s->ts[*cur] == t) {
        *v = s->v[*cur];
        return 1;
    }
    return 0;
}

/* ---- functions ---------------------------------------------------------------------- */

static int fn_unary(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out,
                    enum unary u)
{
    if (arg(cx, call, 0, K_S | K_TS | K_ARR, out) != 0)
        return -1;
    map_unary(cx, out, u);
    return 0;
}

static int fn_ABS(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_unary(cx, call, out, U_ABS);
}

static int fn_CEIL(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_unary(cx, call, out, U_CEIL);
}

static int fn_FLOOR(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_unary(cx, call, out, U_FLOOR);
}

static int fn_LOG(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_unary(cx, call, out, U_LOG);
}

static int fn_LOG10(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_unary(cx, call, out, U_LOG10);
}

enum agg {
    A_SUM,
    A_AVG,
    A_MIN,
    A_MAX,
    A_STDDEV,
    A_COUNT,
};

/* The aggregate of n values (GUESS: STDDEV is the population standard deviation). */
static double aggregate(enum agg a, const double *v, long n)
{
    if (a == A_COUNT)
        return (double)n;
    if (n == 0)
        return a == A_SUM ? 0 : NAN;
    double sum = 0;
    double lo = v[0];
    double hi = v[0];
    for (long i = 0; i < n; i++) {
        sum += v[i];
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    double mean = sum / (double)n;
    switch (a) {
    case A_SUM:
        return sum;
    case A_AVG:
        return mean;
    case A_MIN:
        return lo;
    case A_MAX:
        return hi;
    case A_STDDEV: {
        double ss = 0;
        for (long i = 0; i < n; i++)
            ss += (v[i] - mean) * (v[i] - mean);
        return sqrt(ss / (double)n);
    }
    case A_COUNT:
        break;
    }
    return NAN;
}

/* The function a across the series of arr at every timestamp any of them has. */
static int aggregate_array(struct mm__ctx *cx, enum agg a, const struct mm_value *arr,
                           struct mm_value *out)
{
    int64_t *ts = NULL;
    long n = 0;
    if (union_ts(cx, arr->series, arr->nseries, &ts, &n) != 0)
        return -1;
    set_series(out, MM_SERIES, 1);
    struct mm_series *s = &out->series[0];
    if (series_alloc(cx, s, n) != 0) {
        free(ts);
        mm_value_clear(out);
        return -1;
    }
    int ns = arr->nseries;
    int *cur = xcalloc(ns > 0 ? (size_t)ns : 1, sizeof *cur);
    double *vals = xmalloc((ns > 0 ? (size_t)ns : 1) * sizeof *vals);
    for (long i = 0; i < n; i++) {
        int present = 0;
        for (int k = 0; k < ns; k++) {
            double v = 0;
            if (value_at(&arr->series[k], ts[i], &cur[k], &v))
                present++;
            vals[k] = v; /* missing counts as 0 */
        }
        push(cx, s, ts[i], a == A_COUNT ? (double)present : aggregate(a, vals, ns));
    }
    free(vals);
    free(cur);
    free(ts);
    return 0;
}

static int fn_aggregate(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out,
                        enum agg a)
{
    struct mm_value v;
    if (arg(cx, call, 0, K_TS | K_ARR, &v) != 0)
        return -1;
    int rc = 0;
    if (v.kind == MM_SERIES)
        set_scalar(out, aggregate(a, v.series[0].v, v.series[0].n));
    else
        rc = aggregate_array(cx, a, &v, out);
    mm_value_clear(&v);
    return rc;
}

static int fn_SUM(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_aggregate(cx, call, out, A_SUM);
}

static int fn_AVG(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_aggregate(cx, call, out, A_AVG);
}

static int fn_MIN(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_aggregate(cx, call, out, A_MIN);
}

static int fn_MAX(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_aggregate(cx, call, out, A_MAX);
}

static int fn_STDDEV(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_aggregate(cx, call, out, A_STDDEV);
}

static int fn_DATAPOINT_COUNT(struct mm__ctx *cx, const struct mm__node *call,
                              struct mm_value *out)
{
    return fn_aggregate(cx, call, out, A_COUNT);
}

enum step {
    D_DIFF,
    D_DIFF_TIME,
    D_RATE,
    D_RUNNING_SUM,
};

/* Replaces every series of v by its point-to-previous-point transform d. */
static int fn_step(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out,
                   enum step d)
{
    if (arg(cx, call, 0, K_TS | K_ARR, out) != 0)
        return -1;
    for (int k = 0; k < out->nseries; k++) {
        struct mm_series *s = &out->series[k];
        double run = 0;
        int64_t pt = 0;
        double pv = 0;
        int n = s->n;
        s->n = 0;
        for (int i = 0; i < n; i++) {
            /* in place: push writes slot s->n <= i, after slot i is read */
            int64_t t = s->ts[i];
            double v = s->v[i];
            double r;
            if (d == D_RUNNING_SUM) {
                run += v;
                r = run;
            } else if (i == 0) {
                pt = t;
                pv = v;
                continue;
            } else {
                double dt = (double)(t - pt) / 1000.0;
                r = d == D_DIFF ? v - pv : d == D_DIFF_TIME ? dt : (v - pv) / dt;
            }
            pt = t;
            pv = v;
            push(cx, s, t, r);
        }
    }
    return 0;
}

static int fn_DIFF(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_step(cx, call, out, D_DIFF);
}

static int fn_DIFF_TIME(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_step(cx, call, out, D_DIFF_TIME);
}

static int fn_RATE(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_step(cx, call, out, D_RATE);
}

static int fn_RUNNING_SUM(struct mm__ctx *cx, const struct mm__node *call,
                          struct mm_value *out)
{
    return fn_step(cx, call, out, D_RUNNING_SUM);
}

enum fill {
    F_VALUE,
    F_SERIES,
    F_REPEAT,
    F_LINEAR,
};

/* Fills s on the query grid into out. */
static int fill_series(struct mm__ctx *cx, const struct mm_series *s, enum fill f, double d,
                       const struct mm_series *with, struct mm_series *out)
{
    int64_t *ts = NULL;
    long n = 0;
    if (grid(cx, s, period_of(cx, s), &ts, &n) != 0)
        return -1;
    if (series_alloc(cx, out, n) != 0) {
        free(ts);
        return -1;
    }
    copy_meta(out, s);
    int cur = 0;
    int wcur = 0;
    for (long i = 0; i < n; i++) {
        double v;
        if (value_at(s, ts[i], &cur, &v)) {
            push(cx, out, ts[i], v);
            continue;
        }
        /* cur is now the index of the first point after ts[i] (or s->n) */
        switch (f) {
        case F_VALUE:
            push(cx, out, ts[i], d);
            break;
        case F_SERIES:
            if (value_at(with, ts[i], &wcur, &v))
                push(cx, out, ts[i], v);
            break;
        case F_REPEAT:
            if (cur > 0)
                push(cx, out, ts[i], s->v[cur - 1]);
            break;
        case F_LINEAR:
            if (cur > 0 && cur < s->n) {
                double t0 = (double)s->ts[cur - 1];
                double t1 = (double)s->ts[cur];
                double v0 = s->v[cur - 1];
                double v1 = s->v[cur];
                push(cx, out, ts[i], v0 + (v1 - v0) * ((double)ts[i] - t0) / (t1 - t0));
            }
            break;
        }
    }
    free(ts);
    return 0;
}

static int fn_FILL(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    struct mm_value v;
    struct mm_value with = {0};
    enum fill f = F_VALUE;
    int rc = -1;
    if (arg(cx, call, 0, K_TS | K_ARR, &v) != 0)
        return -1;
    const struct mm__node *how = call->kids[1];
    if (how->kind == MMN_WORD) {
        f = strcmp(how->text, "REPEAT") == 0 ? F_REPEAT : F_LINEAR;
    } else {
        if (arg(cx, call, 1, K_S | K_TS, &with) != 0)
            goto out;
        f = with.kind == MM_SCALAR ? F_VALUE : F_SERIES;
    }
    set_series(out, v.kind, v.nseries);
    for (int k = 0; k < v.nseries; k++) {
        const struct mm_series *w = f == F_SERIES ? &with.series[0] : NULL;
        if (fill_series(cx, &v.series[k], f, with.scalar, w, &out->series[k]) != 0) {
            mm_value_clear(out);
            goto out;
        }
    }
    rc = 0;
out:
    mm_value_clear(&v);
    mm_value_clear(&with);
    return rc;
}

/* The value an IF branch gives at t: 1 and *v, or 0 when the point is dropped. */
static int branch_at(const struct mm_value *b, int64_t t, int *cur, int missing_is_zero,
                     double *v)
{
    if (b->kind == MM_SCALAR) {
        *v = b->scalar;
        return 1;
    }
    if (value_at(&b->series[0], t, cur, v))
        return 1;
    *v = 0;
    return missing_is_zero;
}

static int fn_IF(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    struct mm_value c = {0};
    struct mm_value a = {0};
    struct mm_value b = {0};
    int has_b = call->nkids == 3;
    int rc = -1;
    if (arg(cx, call, 0, K_S | K_TS, &c) != 0 || arg(cx, call, 1, K_S | K_TS, &a) != 0 ||
        (has_b && arg(cx, call, 2, K_S | K_TS, &b) != 0))
        goto out;
    if (c.kind == MM_SCALAR) {
        /* IF(scalar1, metric2, metric3): the whole of one branch */
        if (c.scalar != 0 && !isnan(c.scalar)) {
            *out = a;
            memset(&a, 0, sizeof a);
        } else if (has_b) {
            *out = b;
            memset(&b, 0, sizeof b);
        } else {
            set_series(out, MM_SERIES, 1);
            if (series_alloc(cx, &out->series[0], 0) != 0) {
                mm_value_clear(out);
                goto out;
            }
        }
        rc = 0;
        goto out;
    }
    const struct mm_series *cs = &c.series[0];
    set_series(out, MM_SERIES, 1);
    struct mm_series *s = &out->series[0];
    if (series_alloc(cx, s, cs->n) != 0) {
        mm_value_clear(out);
        goto out;
    }
    s->period_s = cs->period_s;
    int acur = 0;
    int bcur = 0;
    for (int i = 0; i < cs->n; i++) {
        double v;
        if (cs->v[i] != 0) {
            /* TRUE: the value of the second argument, 0 where that series has none */
            if (branch_at(&a, cs->ts[i], &acur, 1, &v))
                push(cx, s, cs->ts[i], v);
        } else if (has_b && branch_at(&b, cs->ts[i], &bcur, 0, &v)) {
            /* FALSE: the third argument's value; dropped where it has none or is omitted */
            push(cx, s, cs->ts[i], v);
        }
    }
    rc = 0;
out:
    mm_value_clear(&c);
    mm_value_clear(&a);
    mm_value_clear(&b);
    return rc;
}

static int fn_FIRST_LAST(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out,
                         int last)
{
    struct mm_value v;
    if (arg(cx, call, 0, K_TS | K_ARR, &v) != 0)
        return -1;
    set_series(out, MM_SERIES, 1);
    if (v.nseries == 0) {
        mm_value_clear(&v);
        if (series_alloc(cx, &out->series[0], 0) != 0) {
            mm_value_clear(out);
            return -1;
        }
        return 0;
    }
    int k = last ? v.nseries - 1 : 0;
    out->series[0] = v.series[k];
    memset(&v.series[k], 0, sizeof v.series[k]);
    mm_value_clear(&v);
    return 0;
}

static int fn_FIRST(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_FIRST_LAST(cx, call, out, 0);
}

static int fn_LAST(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_FIRST_LAST(cx, call, out, 1);
}

/* Moves the series of v (TS or TS[]) to the end of the array arr. */
static void append_series(struct mm_value *arr, struct mm_value *v)
{
    if (v->nseries == 0)
        return;
    arr->series = xrealloc(arr->series, (size_t)(arr->nseries + v->nseries) *
                                            sizeof *arr->series);
    memcpy(arr->series + arr->nseries, v->series, (size_t)v->nseries * sizeof *v->series);
    arr->nseries += v->nseries;
    free(v->series);
    v->series = NULL;
    v->nseries = 0;
}

static int fn_CONCAT(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    set_series(out, MM_ARRAY, 0);
    for (int i = 0; i < call->nkids; i++) {
        struct mm_value v;
        if (arg(cx, call, i, K_TS | K_ARR, &v) != 0) {
            mm_value_clear(out);
            return -1;
        }
        append_series(out, &v);
        mm_value_clear(&v);
    }
    return 0;
}

static int fn_REMOVE_EMPTY(struct mm__ctx *cx, const struct mm__node *call,
                           struct mm_value *out)
{
    if (arg(cx, call, 0, K_TS | K_ARR, out) != 0)
        return -1;
    out->kind = MM_ARRAY;
    int w = 0;
    for (int k = 0; k < out->nseries; k++) {
        if (out->series[k].n == 0) {
            mm_series_clear(&out->series[k]);
            continue;
        }
        out->series[w++] = out->series[k];
    }
    out->nseries = w;
    return 0;
}

static int fn_METRIC_COUNT(struct mm__ctx *cx, const struct mm__node *call,
                           struct mm_value *out)
{
    struct mm_value v;
    if (arg(cx, call, 0, K_TS | K_ARR, &v) != 0)
        return -1;
    int n = v.nseries;
    mm_value_clear(&v);
    set_scalar(out, n);
    return 0;
}

static int fn_SLICE(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    long from;
    long to = INT32_MAX;
    if (arg(cx, call, 0, K_TS | K_ARR, out) != 0)
        return -1;
    if (arg_int(cx, call, 1, 0, INT32_MAX, &from) != 0 ||
        (call->nkids == 3 && arg_int(cx, call, 2, 0, INT32_MAX, &to) != 0)) {
        mm_value_clear(out);
        return -1;
    }
    out->kind = MM_ARRAY;
    int n = out->nseries;
    int w = 0;
    for (int k = 0; k < n; k++) {
        if (k < from || k >= to) {
            mm_series_clear(&out->series[k]);
            continue;
        }
        out->series[w++] = out->series[k];
    }
    out->nseries = w;
    return 0;
}

struct sort_key {
    double key;
    int idx;
    int desc;
};

/* Orders by key (descending if desc), series without a key last, ties as given. */
static int cmp_sort_key(const void *a, const void *b)
{
    const struct sort_key *x = a;
    const struct sort_key *y = b;
    int xn = isnan(x->key);
    int yn = isnan(y->key);
    if (xn != yn)
        return xn - yn;
    if (!xn && x->key != y->key) {
        int lt = x->key < y->key;
        return x->desc ? (lt ? 1 : -1) : (lt ? -1 : 1);
    }
    return x->idx - y->idx;
}

static int fn_SORT(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    static const struct {
        const char *name;
        enum agg a;
    } keys[] = {{"AVG", A_AVG}, {"MIN", A_MIN}, {"MAX", A_MAX}, {"SUM", A_SUM}};
    long limit = INT32_MAX;
    struct mm_value v;
    if (arg(cx, call, 0, K_TS | K_ARR, &v) != 0)
        return -1;
    if (call->nkids == 4 && arg_int(cx, call, 3, 0, INT32_MAX, &limit) != 0) {
        mm_value_clear(&v);
        return -1;
    }
    enum agg a = A_AVG;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strcmp(call->kids[1]->text, keys[i].name) == 0)
            a = keys[i].a;
    }
    int desc = strcmp(call->kids[2]->text, "DESC") == 0;
    int n = v.nseries;
    struct sort_key *k = xmalloc((n > 0 ? (size_t)n : 1) * sizeof *k);
    for (int i = 0; i < n; i++) {
        const struct mm_series *s = &v.series[i];
        k[i] = (struct sort_key){s->n > 0 ? aggregate(a, s->v, s->n) : NAN, i, desc};
    }
    qsort(k, (size_t)n, sizeof *k, cmp_sort_key);
    int keep = n < limit ? n : (int)limit;
    set_series(out, MM_ARRAY, keep);
    for (int i = 0; i < keep; i++) {
        out->series[i] = v.series[k[i].idx];
        memset(&v.series[k[i].idx], 0, sizeof v.series[0]);
    }
    free(k);
    mm_value_clear(&v);
    return 0;
}

static int fn_METRICS(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    const struct mm_env *env = cx->env;
    const char *filter = call->nkids == 1 ? call->kids[0]->text : NULL;
    if (env->metrics == NULL)
        return fail(cx, "METRICS() is not available here");
    memset(out, 0, sizeof *out);
    if (env->metrics(env->ctx, filter, out) != 0) {
        mm_value_clear(out);
        return fail(cx, "METRICS() could not be evaluated");
    }
    if (normalize(cx, out, "METRICS()") != 0)
        return -1;
    if (out->kind == MM_SCALAR) {
        mm_value_clear(out);
        return fail(cx, "Internal error: METRICS() returned a scalar");
    }
    out->kind = MM_ARRAY;
    return 0;
}

static int fn_SEARCH(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    const struct mm_env *env = cx->env;
    long period = env->period_s;
    if (env->search == NULL)
        return fail(cx, "SEARCH expressions are not supported here");
    if (call->nkids == 3 && arg_int(cx, call, 2, 1, INT32_MAX, &period) != 0)
        return -1;
    if (period <= 0)
        return fail(cx, "Invalid argument for SEARCH: the period must be positive");
    char *err = NULL;
    memset(out, 0, sizeof *out);
    if (env->search(env->ctx, call->kids[0]->text, call->kids[1]->text, (int)period, out,
                    &err) != 0) {
        mm_value_clear(out);
        fail(cx, "%s", err ? err : "SEARCH could not be evaluated");
        free(err);
        return -1;
    }
    free(err);
    if (normalize(cx, out, "SEARCH()") != 0)
        return -1;
    if (out->kind == MM_SCALAR) {
        mm_value_clear(out);
        return fail(cx, "Internal error: SEARCH() returned a scalar");
    }
    out->kind = MM_ARRAY;
    return 0;
}

static int fn_PERIOD(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    struct mm_value v;
    if (arg(cx, call, 0, K_TS, &v) != 0)
        return -1;
    int p = period_of(cx, &v.series[0]);
    mm_value_clear(&v);
    set_scalar(out, p);
    return 0;
}

static int fn_TIME_SERIES(struct mm__ctx *cx, const struct mm__node *call,
                          struct mm_value *out)
{
    struct mm_value v;
    if (arg(cx, call, 0, K_S, &v) != 0)
        return -1;
    int64_t *ts = NULL;
    long n = 0;
    if (grid(cx, NULL, cx->env->period_s, &ts, &n) != 0)
        return -1;
    set_series(out, MM_SERIES, 1);
    struct mm_series *s = &out->series[0];
    if (series_alloc(cx, s, n) != 0) {
        free(ts);
        mm_value_clear(out);
        return -1;
    }
    for (long i = 0; i < n; i++)
        push(cx, s, ts[i], v.scalar);
    free(ts);
    return 0;
}

enum timepart {
    P_MINUTE,
    P_HOUR,
    P_DAY,
    P_DATE,
    P_MONTH,
    P_YEAR,
    P_EPOCH,
};

/* The part of the UTC time t (epoch ms), or NAN if it is out of range. */
static double time_part(enum timepart part, int64_t t)
{
    int64_t secs = t / 1000 - (t % 1000 < 0);
    if (part == P_EPOCH)
        return (double)secs;
    time_t tt = (time_t)secs;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL)
        return NAN;
    switch (part) {
    case P_MINUTE:
        return tm.tm_min;
    case P_HOUR:
        return tm.tm_hour;
    case P_DAY:
        return tm.tm_wday == 0 ? 7 : tm.tm_wday; /* 1 = Monday ... 7 = Sunday */
    case P_DATE:
        return tm.tm_mday;
    case P_MONTH:
        return tm.tm_mon + 1;
    case P_YEAR:
        return (double)tm.tm_year + 1900;
    case P_EPOCH:
        break;
    }
    return NAN;
}

static int fn_time(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out,
                   enum timepart part)
{
    struct mm_value v;
    if (arg(cx, call, 0, K_TS, &v) != 0)
        return -1;
    const struct mm_series *src = &v.series[0];
    int64_t *ts = NULL;
    long n = 0;
    int rc = -1;
    if (grid(cx, src, period_of(cx, src), &ts, &n) != 0)
        goto out;
    set_series(out, MM_SERIES, 1);
    struct mm_series *s = &out->series[0];
    if (series_alloc(cx, s, n) != 0) {
        free(ts);
        mm_value_clear(out);
        goto out;
    }
    s->period_s = src->period_s;
    for (long i = 0; i < n; i++)
        push(cx, s, ts[i], time_part(part, ts[i]));
    free(ts);
    rc = 0;
out:
    mm_value_clear(&v);
    return rc;
}

static int fn_MINUTE(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_time(cx, call, out, P_MINUTE);
}

static int fn_HOUR(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_time(cx, call, out, P_HOUR);
}

static int fn_DAY(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_time(cx, call, out, P_DAY);
}

static int fn_DATE(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_time(cx, call, out, P_DATE);
}

static int fn_MONTH(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_time(cx, call, out, P_MONTH);
}

static int fn_YEAR(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_time(cx, call, out, P_YEAR);
}

static int fn_EPOCH(struct mm__ctx *cx, const struct mm__node *call, struct mm_value *out)
{
    return fn_time(cx, call, out, P_EPOCH);
}

/*
 * Every function of the User Guide's table. Rows with an unsupported text are CloudWatch
 * functions drillsim does not implement: using one is an error naming it.
 */
static const struct mm__func funcs[] = {
    {"ABS", "v", 1, 1, fn_ABS, NULL},
    {"ANOMALY_DETECTION_BAND", "v", 1, 2, NULL,
     "Unsupported function: ANOMALY_DETECTION_BAND (drillsim does not train anomaly "
     "detection models)"},
    {"AVG", "v", 1, 1, fn_AVG, NULL},
    {"CEIL", "v", 1, 1, fn_CEIL, NULL},
    {"CONCAT", "v", 1, MM__MAX_ARGS, fn_CONCAT, NULL},
    {"DATAPOINT_COUNT", "v", 1, 1, fn_DATAPOINT_COUNT, NULL},
    {"DATE", "v", 1, 1, fn_DATE, NULL},
    {"DAY", "v", 1, 1, fn_DAY, NULL},
    {"DB_PERF_INSIGHTS", "v", 0, MM__MAX_ARGS, NULL,
     "Unsupported function: DB_PERF_INSIGHTS (drillsim does not simulate Performance "
     "Insights)"},
    {"DIFF", "v", 1, 1, fn_DIFF, NULL},
    {"DIFF_TIME", "v", 1, 1, fn_DIFF_TIME, NULL},
    {"EPOCH", "v", 1, 1, fn_EPOCH, NULL},
    {"FILL", "vf", 2, 2, fn_FILL, NULL},
    {"FIRST", "v", 1, 1, fn_FIRST, NULL},
    {"FLOOR", "v", 1, 1, fn_FLOOR, NULL},
    {"HOUR", "v", 1, 1, fn_HOUR, NULL},
    {"IF", "v", 2, 3, fn_IF, NULL},
    {"INSIGHT_RULE_METRIC", "v", 0, MM__MAX_ARGS, NULL,
     "Unsupported function: INSIGHT_RULE_METRIC (drillsim does not simulate Contributor "
     "Insights rules)"},
    {"LAMBDA", "v", 0, MM__MAX_ARGS, NULL,
     "Unsupported function: LAMBDA (drillsim does not call Lambda data sources)"},
    {"LAST", "v", 1, 1, fn_LAST, NULL},
    {"LOG", "v", 1, 1, fn_LOG, NULL},
    {"LOG10", "v", 1, 1, fn_LOG10, NULL},
    {"MAX", "v", 1, 1, fn_MAX, NULL},
    {"METRICS", "s", 0, 1, fn_METRICS, NULL},
    {"METRIC_COUNT", "v", 1, 1, fn_METRIC_COUNT, NULL},
    {"MIN", "v", 1, 1, fn_MIN, NULL},
    {"MINUTE", "v", 1, 1, fn_MINUTE, NULL},
    {"MONTH", "v", 1, 1, fn_MONTH, NULL},
    {"PERIOD", "i", 1, 1, fn_PERIOD, NULL},
    {"RATE", "v", 1, 1, fn_RATE, NULL},
    {"REMOVE_EMPTY", "v", 1, 1, fn_REMOVE_EMPTY, NULL},
    {"RUNNING_SUM", "v", 1, 1, fn_RUNNING_SUM, NULL},
    {"SEARCH", "ssv", 2, 3, fn_SEARCH, NULL},
    {"SERVICE_QUOTA", "v", 0, MM__MAX_ARGS, NULL,
     "Unsupported function: SERVICE_QUOTA (drillsim does not simulate Service Quotas)"},
    {"SLICE", "v", 2, 3, fn_SLICE, NULL},
    {"SORT", "vkov", 3, 4, fn_SORT, NULL},
    {"STDDEV", "v", 1, 1, fn_STDDEV, NULL},
    {"SUM", "v", 1, 1, fn_SUM, NULL},
    {"TIME_SERIES", "v", 1, 1, fn_TIME_SERIES, NULL},
    {"YEAR", "v", 1, 1, fn_YEAR, NULL},
};

const struct mm__func *mm__func_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (strlen(funcs[i].name) == len && memcmp(funcs[i].name, name, len) == 0)
            return &funcs[i];
    }
    return NULL;
}

/* ---- the tree ----------------------------------------------------------------------- */

static int eval_id(struct mm__ctx *cx, const char *id, struct mm_value *out)
{
    const struct mm_env *env = cx->env;
    memset(out, 0, sizeof *out);
    int rc = env->lookup ? env->lookup(env->ctx, id, out) : 1;
    if (rc != 0) {
        mm_value_clear(out);
        if (rc == 1)
            return fail(cx, "Unknown identifier: %s", id);
        return fail(cx, "The value of %s could not be computed", id);
    }
    return normalize(cx, out, id);
}

static int eval_array(struct mm__ctx *cx, const struct mm__node *n, struct mm_value *out)
{
    set_series(out, MM_ARRAY, 0);
    for (int i = 0; i < n->nkids; i++) {
        struct mm_value v = {0};
        if (eval_node(cx, n->kids[i], &v) != 0) {
            mm_value_clear(out);
            return -1;
        }
        if (v.kind == MM_SCALAR) {
            mm_value_clear(&v);
            mm_value_clear(out);
            return fail(cx, "Invalid array: element %d must be TS or TS[], not S", i + 1);
        }
        append_series(out, &v);
        mm_value_clear(&v);
    }
    return 0;
}

static int eval_node(struct mm__ctx *cx, const struct mm__node *n, struct mm_value *out)
{
    memset(out, 0, sizeof *out);
    switch (n->kind) {
    case MMN_NUM:
        set_scalar(out, n->num);
        return 0;
    case MMN_ID:
        return eval_id(cx, n->text, out);
    case MMN_ARRAY:
        return eval_array(cx, n, out);
    case MMN_CALL:
        if (n->fn->eval == NULL)
            return fail(cx, "%s", n->fn->unsupported);
        return n->fn->eval(cx, n, out);
    case MMN_NEG:
    case MMN_NOT:
        if (eval_node(cx, n->kids[0], out) != 0)
            return -1;
        map_unary(cx, out, n->kind == MMN_NEG ? U_NEG : U_NOT);
        return 0;
    case MMN_BIN: {
        struct mm_value a;
        struct mm_value b;
        if (eval_node(cx, n->kids[0], &a) != 0)
            return -1;
        if (eval_node(cx, n->kids[1], &b) != 0) {
            mm_value_clear(&a);
            return -1;
        }
        return binary(cx, n->op, &a, &b, out);
    }
    case MMN_STR:
    case MMN_WORD:
        break;
    }
    return fail(cx, MM_ERR_SYNTAX);
}

int mm_eval(const struct mm_expr *e, const struct mm_env *env, struct mm_value *out,
            char **error)
{
    struct mm__ctx cx = {.env = env, .budget = MM_MAX_POINTS};
    struct mm_value v;
    if (eval_node(&cx, e->root, &v) != 0) {
        *error = cx.error ? cx.error : xstrdup("The expression could not be evaluated");
        return -1;
    }
    free(cx.error);
    v.dropped = cx.dropped;
    *out = v;
    return 0;
}

int mm_eval_result(const struct mm_expr *e, const struct mm_env *env, struct mm_value *out,
                   char **error)
{
    struct mm_value v;
    if (mm_eval(e, env, &v, error) != 0)
        return -1;
    if (v.kind == MM_SCALAR) {
        /* GUESS at the wording; the rule is the User Guide's */
        *error = xstrdup("The final result of a math expression must be a single time series "
                         "or an array of time series, not a scalar");
        return -1;
    }
    *out = v;
    return 0;
}
