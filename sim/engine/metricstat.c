/*
 * metricstat.c - CloudWatch statistics of one metric over a period grid (see metricstat.h).
 *
 * Sources: the CloudWatch User Guide, "CloudWatch statistics definitions", and the API
 * Reference of GetMetricStatistics, GetMetricData and MetricStat (retention, Period,
 * StartTime rounding, statistic sets and percentiles).
 *
 * THE DATA. sim/store/metrics.c keeps every datum: raw values as (value, count) rows and
 * statistic sets as (count, sum, min, max) rows. The five basic statistics are aggregated in
 * SQL (metrics_aggregate: SUM/MIN/MAX grouped by period in one range scan); rows are only
 * loaded when an extended statistic is asked for.
 *
 * THE GRID. The first period starts at StartTime rounded down as CloudWatch documents it:
 * Period 1/5/10/20/30 s to that many seconds; otherwise to the minute when StartTime is at
 * most 15 days old, to 5 minutes up to 63 days, to the hour beyond. Periods follow every
 * Period seconds while they start before EndTime; a period holds the data with timestamps
 * in [start, start + Period), so the last period is a whole one even when EndTime cuts into
 * it. Only periods that hold data give a point.
 *
 * RETENTION AND ROLL-UP. CloudWatch keeps 1-second data for 3 hours, 1-minute data for 15
 * days, 5-minute data for 63 days and 1-hour data for 455 days, and says that a query whose
 * Period does not fit the age of its data gets no datapoints for that time. drillsim keeps
 * the raw rows and applies the rule per period: a period starting more than 3 hours before
 * now needs a Period that is a multiple of 60, more than 15 days a multiple of 300, more
 * than 63 days a multiple of 3600, and nothing older than 455 days is returned. Because the
 * roll-ups are aligned sums, minimums, maximums and distributions, every Period that is
 * allowed for an age gives the same numbers from raw rows as from the rolled-up data.
 *
 * DEFINITIONS. Over a period, with the values sorted ascending, each with its weight w (its
 * Count, or a statistic set's SampleCount) and N the total weight:
 *   SampleCount = N, Sum, Minimum, Maximum as stored, Average = Sum / SampleCount.
 *   pX: the smallest value v whose cumulative weight reaches X% of N ("X percent of the
 *     data within the period is lower than [or equal to] this value"); p0 is the minimum,
 *     p100 the maximum. Always a value that was put.
 *   TM/TC/TS(a%:b%): the weight between the cumulative positions a%·N and b%·N, counting a
 *     value that straddles a boundary with the part of its weight inside it; TC is that
 *     weight (so it can be fractional, as the guide says: "an interpolated approximation"),
 *     TS the weighted sum of the values inside, TM = TS / TC. tmX = TM(0%:X%) (the guide:
 *     "tm90 calculates the average after removing the 10% of data points with the highest
 *     values"), IQM = TM(25%:75%). With absolute bounds TM(a:b) keeps the values with
 *     a < v <= b (the guide: "removing all data points that are lower than or equal to
 *     150, or higher than 1000"); TC counts them, TS sums them.
 *   WM(a%:b%): the weight below a%·N counts at the value found at that position, the
 *     weight above b%·N at the value found at that one, then the mean over N.
 *   PR(a:b): 100 · (weight with a < v <= b) / N ("exclusive on the lower bound and
 *     inclusive on the upper bound").
 *   An empty trimmed range gives TC = TS = 0 and no TM.
 * Percentiles and the other distribution statistics are not available (no value) for a
 * period with a negative value ("Percentile statistics are not available for metrics when
 * any of the metric values are negative numbers"), nor for a period holding a statistic set
 * that CloudWatch cannot take percentiles of: a set qualifies only when its SampleCount is 1
 * (its value is its Sum) or its Minimum equals its Maximum (SampleCount times that value).
 *
 * PRECISION. AWS calls its percentiles approximate and documents no error bound for them;
 * the only precision it documents is the syntax: percentiles and bounds with up to 10
 * decimal places (pNN.NN in the EC2 guide). drillsim's interpretation: "to AWS's
 * precision" means the definitions above computed exactly on the stored data: every
 * percentile is a value that was put, and the only inexactness left is IEEE double
 * rounding of sums. The property test (tests/e2e/test_cloudwatch_stats.py) checks these
 * definitions against an independent Python computation.
 *
 * SYNTAX accepted (metricstat_valid): SampleCount, Sum, Average, Minimum, Maximum, IQM; pX,
 * tmX, wmX, tcX, tsX with 0 <= X <= 100; TM(a:b), TC(a:b), TS(a:b) with both bounds
 * percentages (0-100, "%") or both absolute; WM(a%:b%); PR(a:b) absolute; either bound may
 * be left out, not both; a <= b. Numbers have up to 10 decimal places.
 *
 * To add a statistic: a kind in enum ms_kind, its parsing in stat_parse(), its value in
 * stat_extended(), and a case in tests/unit/engine/metricstat.c and in the reference of
 * tests/e2e/test_cloudwatch_stats.py.
 */
#include "engine/metricstat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/metrics.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

enum ms_kind { K_COUNT, K_SUM, K_AVG, K_MIN, K_MAX, K_PCT, K_TM, K_WM, K_TC, K_TS, K_PR };

/* A parsed statistic. */
struct stat_spec {
    enum ms_kind kind;
    double x; /* percentile */
    int has_lo, has_hi;
    double lo, hi;
    int pct; /* the bounds are percentages */
};

/* ---- parsing -------------------------------------------------------------------------- */

/* Parses a number at *p: an optional '-' (when neg_ok), digits, and optionally '.' and 1 to
 * 10 digits. Advances *p past it. Returns 0 and *out, or -1. */
static int parse_number(const char **p, int neg_ok, double *out)
{
    const char *s = *p;
    const char *q = s;
    if (*q == '-' && neg_ok)
        q++;
    const char *digits = q;
    while (*q >= '0' && *q <= '9' && q - digits < 20)
        q++;
    if (q == digits || (*q >= '0' && *q <= '9'))
        return -1;
    if (*q == '.') {
        const char *frac = ++q;
        while (*q >= '0' && *q <= '9' && q - frac <= 10)
            q++;
        if (q == frac || q - frac > 10)
            return -1;
    }
    char tmp[48];
    size_t n = (size_t)(q - s);
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    *out = strtod(tmp, NULL);
    *p = q;
    return 0;
}

/* Parses "X" (a whole string) as a percentage 0..100. Returns 0 and *out, or -1. */
static int parse_percent_tail(const char *s, double *out)
{
    if (parse_number(&s, 0, out) || *s != '\0')
        return -1;
    return *out >= 0 && *out <= 100 ? 0 : -1;
}

/* Parses one bound of "(lo:hi)" at *p, up to stop (':' or ')'). Sets *has (0 when empty),
 * *v and *pct. Returns 0 or -1. */
static int parse_bound(const char **p, char stop, int *has, double *v, int *pct)
{
    *has = 0;
    *pct = -1;
    if (**p == stop)
        return 0;
    if (parse_number(p, 1, v))
        return -1;
    *has = 1;
    *pct = 0;
    if (**p == '%') {
        (*p)++;
        *pct = 1;
    }
    return **p == stop ? 0 : -1;
}

/* Parses "NAME(lo:hi)" after the name (s points at '('). Returns 0 or -1. */
static int parse_range(const char *s, struct stat_spec *sp)
{
    if (*s++ != '(')
        return -1;
    int lo_pct, hi_pct;
    if (parse_bound(&s, ':', &sp->has_lo, &sp->lo, &lo_pct))
        return -1;
    s++; /* ':' */
    if (parse_bound(&s, ')', &sp->has_hi, &sp->hi, &hi_pct))
        return -1;
    if (strcmp(s, ")") != 0 || (!sp->has_lo && !sp->has_hi))
        return -1;
    if (sp->has_lo && sp->has_hi && lo_pct != hi_pct)
        return -1;
    sp->pct = sp->has_lo ? lo_pct : hi_pct;
    if (sp->has_lo && sp->has_hi && sp->lo > sp->hi)
        return -1;
    if (sp->pct) {
        if ((sp->has_lo && (sp->lo < 0 || sp->lo > 100)) ||
            (sp->has_hi && (sp->hi < 0 || sp->hi > 100)))
            return -1;
        /* A missing percentage bound is the end of the range. */
        if (!sp->has_lo) {
            sp->lo = 0;
            sp->has_lo = 1;
        }
        if (!sp->has_hi) {
            sp->hi = 100;
            sp->has_hi = 1;
        }
    }
    return 0;
}

/* Parses a statistic name. Returns 0 and *sp, or -1 if CloudWatch would not accept it. */
static int stat_parse(const char *s, struct stat_spec *sp)
{
    static const struct {
        const char *name;
        enum ms_kind kind;
    } basic[] = {
        {"SampleCount", K_COUNT}, {"Sum", K_SUM},     {"Average", K_AVG},
        {"Minimum", K_MIN},       {"Maximum", K_MAX},
    };
    static const struct {
        const char *lower, *upper;
        enum ms_kind kind;
    } ranged[] = {
        {"tm", "TM", K_TM}, {"wm", "WM", K_WM}, {"tc", "TC", K_TC}, {"ts", "TS", K_TS},
        {NULL, "PR", K_PR},
    };
    memset(sp, 0, sizeof *sp);
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < sizeof basic / sizeof basic[0]; i++) {
        if (strcmp(s, basic[i].name) == 0) {
            sp->kind = basic[i].kind;
            return 0;
        }
    }
    if (strcmp(s, "IQM") == 0) {
        sp->kind = K_TM;
        sp->pct = sp->has_lo = sp->has_hi = 1;
        sp->lo = 25;
        sp->hi = 75;
        return 0;
    }
    for (size_t i = 0; i < sizeof ranged / sizeof ranged[0]; i++) {
        sp->kind = ranged[i].kind;
        if (ranged[i].lower && strncmp(s, ranged[i].lower, 2) == 0) {
            sp->pct = sp->has_lo = sp->has_hi = 1;
            sp->lo = 0;
            return parse_percent_tail(s + 2, &sp->hi);
        }
        if (strncmp(s, ranged[i].upper, 2) == 0) {
            if (parse_range(s + 2, sp))
                return -1;
            if (sp->kind == K_WM && !sp->pct)
                return -1;
            if (sp->kind == K_PR && sp->pct)
                return -1;
            return 0;
        }
    }
    if (s[0] == 'p') {
        sp->kind = K_PCT;
        return parse_percent_tail(s + 1, &sp->x);
    }
    return -1;
}

int metricstat_valid(const char *stat)
{
    struct stat_spec sp;
    return stat_parse(stat, &sp) == 0;
}

int metricstat_basic(const char *stat)
{
    struct stat_spec sp;
    return stat_parse(stat, &sp) == 0 && sp.kind <= K_MAX;
}

/* ---- the grid ------------------------------------------------------------------------- */

int metricstat_period_valid(int period_s)
{
    return period_s == 1 || period_s == 5 || period_s == 10 || period_s == 20 ||
           period_s == 30 || (period_s >= 60 && period_s % 60 == 0);
}

/* Rounds t down to a multiple of unit (both ms, unit > 0). */
static int64_t floor_to(int64_t t, int64_t unit)
{
    int64_t r = t % unit;
    if (r < 0)
        r += unit;
    return t - r;
}

int64_t metricstat_align(int64_t start_ms, int period_s, int64_t now_ms)
{
    int64_t unit;
    if (period_s < 60 && period_s > 0)
        unit = period_s * SEC;
    else if (now_ms - start_ms <= 15 * DAY)
        unit = MIN;
    else if (now_ms - start_ms <= 63 * DAY)
        unit = 5 * MIN;
    else
        unit = HOUR;
    return floor_to(start_ms, unit);
}

int64_t metricstat_npoints(int64_t start_ms, int64_t end_ms, int period_s, int64_t now_ms)
{
    int64_t base = metricstat_align(start_ms, period_s, now_ms);
    int64_t p = (int64_t)period_s * SEC;
    if (p <= 0 || end_ms <= base)
        return 0;
    return (end_ms - base + p - 1) / p;
}

/* The earliest period start whose data CloudWatch still holds at a resolution that Period
 * can be computed from (see RETENTION in the file header). */
static int64_t retention_cutoff(int period_s, int64_t now_ms)
{
    if (period_s % 60)
        return now_ms - 3 * HOUR;
    if (period_s % 300)
        return now_ms - 15 * DAY;
    if (period_s % 3600)
        return now_ms - 63 * DAY;
    return now_ms - 455 * DAY;
}

/* ---- computing ------------------------------------------------------------------------ */

/* One value and its weight in one group (a row of the result being built). */
struct sample {
    int g;
    double v, w;
};

/* Orders samples by group, then value. */
static int sample_cmp(const void *a, const void *b)
{
    const struct sample *x = a, *y = b;
    if (x->g != y->g)
        return x->g < y->g ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

/* The statistic of kind sp over the sorted samples s[0..n) (one group). Returns NAN when
 * CloudWatch has no value. */
static double stat_extended(const struct stat_spec *sp, const struct sample *s, int n)
{
    if (n == 0)
        return NAN;
    double total = 0;
    for (int i = 0; i < n; i++)
        total += s[i].w;
    if (sp->kind == K_PCT) {
        double q = sp->x / 100.0 * total;
        double c = 0;
        for (int i = 0; i < n; i++) {
            c += s[i].w;
            if (c >= q)
                return s[i].v;
        }
        return s[n - 1].v;
    }
    if (sp->kind == K_PR || !sp->pct) {
        /* Absolute bounds: lo < v <= hi. */
        double cnt = 0, sum = 0;
        for (int i = 0; i < n; i++) {
            if ((sp->has_lo && !(s[i].v > sp->lo)) || (sp->has_hi && !(s[i].v <= sp->hi)))
                continue;
            cnt += s[i].w;
            sum += s[i].w * s[i].v;
        }
        switch (sp->kind) {
        case K_PR:
            return cnt / total * 100.0;
        case K_TC:
            return cnt;
        case K_TS:
            return sum;
        default: /* K_TM */
            return cnt > 0 ? sum / cnt : NAN;
        }
    }
    /* Percentage bounds: the weight between cumulative positions a and b. */
    double a = sp->lo / 100.0 * total, b = sp->hi / 100.0 * total;
    double cnt = 0, sum = 0, c0 = 0;
    double lowval = s[n - 1].v, highval = s[0].v;
    int have_low = 0, have_high = 0;
    for (int i = 0; i < n; i++) {
        double c1 = c0 + s[i].w;
        double in = fmin(c1, b) - fmax(c0, a);
        if (in > 0) {
            cnt += in;
            sum += in * s[i].v;
        }
        if (!have_low && c0 <= a && a < c1) {
            lowval = s[i].v;
            have_low = 1;
        }
        if (!have_high && c0 < b && b <= c1) {
            highval = s[i].v;
            have_high = 1;
        }
        c0 = c1;
    }
    switch (sp->kind) {
    case K_TC:
        return cnt;
    case K_TS:
        return sum;
    case K_WM:
        return (sum + a * lowval + (total - b) * highval) / total;
    default: /* K_TM */
        return cnt > 0 ? sum / cnt : NAN;
    }
}

/* The state of one metricstat_table() run. */
struct build {
    struct metrics_agg *agg; /* owned */
    int nagg, cap;
    struct sample *smp; /* owned */
    int nsmp, scap;
    int64_t base, period_ms;
    int unit_filter; /* -1 = any */
    int by_unit;
};

/* Collects one aggregated group (metrics_aggregate callback). */
static int build_agg(void *arg, const struct metrics_agg *a)
{
    struct build *b = arg;
    if (b->nagg == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->agg = xrealloc(b->agg, (size_t)b->cap * sizeof *b->agg);
    }
    b->agg[b->nagg++] = *a;
    return 0;
}

/* Finds the group of (k, unit) among the aggregated groups (sorted by k, unit). Returns its
 * index or -1. */
static int group_find(const struct build *b, int64_t k, int unit)
{
    int lo = 0, hi = b->nagg - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        const struct metrics_agg *a = &b->agg[mid];
        int cmp = a->k != k ? (a->k < k ? -1 : 1) : a->unit != unit ? (a->unit < unit ? -1 : 1)
                                                                     : 0;
        if (cmp == 0)
            return mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Adds one stored row's values to its group (metrics_scan callback). Statistic sets that
 * CloudWatch cannot take percentiles of add nothing (their group is marked opaque). */
static int build_row(void *arg, const struct metrics_row *r)
{
    struct build *b = arg;
    if (b->unit_filter >= 0 && r->unit != b->unit_filter)
        return 0;
    int g = group_find(b, (r->ts_ms - b->base) / b->period_ms, b->by_unit ? r->unit : -1);
    if (g < 0)
        return 0;
    double v, w;
    if (!isnan(r->value)) {
        v = r->value;
        w = r->count;
    } else if (r->min == r->max) {
        v = r->min;
        w = r->count;
    } else if (r->count == 1) {
        v = r->sum;
        w = 1;
    } else {
        return 0;
    }
    if (b->nsmp == b->scap) {
        b->scap = b->scap ? b->scap * 2 : 1024;
        b->smp = xrealloc(b->smp, (size_t)b->scap * sizeof *b->smp);
    }
    b->smp[b->nsmp++] = (struct sample){g, v, w};
    return 0;
}

/* Builds the canonical dimension key of q->dims into *key (owned). Returns 0, or 1 when the
 * dimensions cannot name a stored metric (a repeated name, too many). */
static int dims_key(const cJSON *dims, char **key)
{
    struct metrics_dim list[METRICS_MAX_DIMS];
    int n = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, dims)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(d, "Name");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(d, "Value");
        if (n == METRICS_MAX_DIMS || !cJSON_IsString(name) || !cJSON_IsString(value))
            return 1;
        for (int i = 0; i < n; i++) {
            if (strcmp(list[i].name, name->valuestring) == 0)
                return 1;
        }
        list[n].name = name->valuestring;
        list[n].value = value->valuestring;
        n++;
    }
    metrics_dims_sort(list, n);
    struct buf b;
    buf_init(&b, 1u << 20);
    if (metrics_dims_key(list, n, &b)) {
        buf_free(&b);
        return 1;
    }
    *key = b.p ? buf_steal(&b, NULL) : xstrdup("");
    buf_free(&b);
    return 0;
}

int metricstat_table(struct store *st, const struct ms_query *q, const char *const *stats,
                     int nstats, int by_unit, struct ms_table *out)
{
    struct stat_spec spec[MS_MAX_STATS];
    int extended = 0;
    if (nstats < 0 || nstats > MS_MAX_STATS || q->period_s <= 0 || q->end_ms <= q->start_ms)
        return -1;
    for (int i = 0; i < nstats; i++) {
        if (stat_parse(stats[i], &spec[i]))
            return -1;
        extended |= spec[i].kind > K_MAX;
    }
    int unit = -1;
    if (q->unit) {
        unit = metrics_unit_find(q->unit);
        if (unit < 0)
            return -1;
    }
    struct build b = {.unit_filter = unit, .by_unit = by_unit};
    struct ms_table t = {0, NULL};
    char *key = NULL;
    int rc = -1;
    if (dims_key(q->dims, &key)) {
        rc = 0;
        goto done;
    }
    int64_t id;
    int found = metrics_find(st, q->account, q->region, q->ns, q->metric, key, &id);
    if (found < 0)
        goto out;
    if (found > 0) {
        rc = 0;
        goto done;
    }
    b.base = metricstat_align(q->start_ms, q->period_s, q->now_ms);
    b.period_ms = (int64_t)q->period_s * SEC;
    int64_t nk = (q->end_ms - b.base + b.period_ms - 1) / b.period_ms;
    int64_t cutoff = retention_cutoff(q->period_s, q->now_ms);
    int64_t k0 = cutoff > b.base ? (cutoff - b.base + b.period_ms - 1) / b.period_ms : 0;
    if (k0 >= nk) {
        rc = 0;
        goto done;
    }
    int64_t from = b.base + k0 * b.period_ms, to = b.base + nk * b.period_ms;
    if (metrics_aggregate(st, id, b.base, b.period_ms, from, to, unit, by_unit, build_agg, &b))
        goto out;
    if (extended && b.nagg) {
        if (metrics_scan(st, id, from, to, build_row, &b))
            goto out;
        if (b.nsmp > 1)
            qsort(b.smp, (size_t)b.nsmp, sizeof *b.smp, sample_cmp);
    }
    t.rows = b.nagg ? xcalloc((size_t)b.nagg, sizeof *t.rows) : NULL;
    int si = 0;
    for (int g = 0; g < b.nagg; g++) {
        const struct metrics_agg *a = &b.agg[g];
        while (si < b.nsmp && b.smp[si].g < g)
            si++;
        int sj = si;
        while (sj < b.nsmp && b.smp[sj].g == g)
            sj++;
        struct ms_row *r = &t.rows[t.n++];
        r->ts_ms = b.base + a->k * b.period_ms;
        r->unit = a->unit;
        int distributable = a->opaque == 0 && a->min >= 0;
        for (int i = 0; i < nstats; i++) {
            switch (spec[i].kind) {
            case K_COUNT:
                r->v[i] = a->count;
                break;
            case K_SUM:
                r->v[i] = a->sum;
                break;
            case K_AVG:
                r->v[i] = a->sum / a->count;
                break;
            case K_MIN:
                r->v[i] = a->min;
                break;
            case K_MAX:
                r->v[i] = a->max;
                break;
            default:
                r->v[i] = distributable ? stat_extended(&spec[i], b.smp + si, sj - si) : NAN;
                break;
            }
        }
        si = sj;
    }
done:
    *out = t;
    t.rows = NULL;
    rc = 0;
out:
    free(t.rows);
    free(key);
    free(b.agg);
    free(b.smp);
    return rc;
}

void metricstat_table_free(struct ms_table *t)
{
    free(t->rows);
    t->rows = NULL;
    t->n = 0;
}

int metricstat_series(struct store *st, const struct ms_query *q, struct mm_series *out)
{
    const char *stats[1] = {q->stat};
    struct ms_table t;
    if (metricstat_table(st, q, stats, 1, 0, &t))
        return -1;
    struct mm_series s = {0};
    s.period_s = q->period_s;
    if (t.n) {
        s.ts = xmalloc((size_t)t.n * sizeof *s.ts);
        s.v = xmalloc((size_t)t.n * sizeof *s.v);
    }
    for (int i = 0; i < t.n; i++) {
        if (isnan(t.rows[i].v[0]))
            continue;
        s.ts[s.n] = t.rows[i].ts_ms;
        s.v[s.n] = t.rows[i].v[0];
        s.n++;
    }
    metricstat_table_free(&t);
    *out = s;
    return 0;
}
