/*
 * metricstat.h - CloudWatch statistics of one metric over a period grid, exactly as
 * CloudWatch computes them (see the header of metricstat.c for the definitions, the
 * precision and the sources).
 *
 * Used by GetMetricStatistics, GetMetricData (MetricStat queries) and the alarm evaluator.
 * Statistics: SampleCount, Sum, Average, Minimum, Maximum, percentiles pNN(.NN), and the
 * other extended statistics CloudWatch documents: trimmed mean (tmNN, TM(a:b)), interquartile
 * mean (IQM), winsorized mean (wmNN, WM(a%:b%)), trimmed count (tcNN, TC(a:b)), trimmed sum
 * (tsNN, TS(a:b)) and percentile rank (PR(a:b)). Periods start at the query's start time
 * aligned as CloudWatch aligns them; only periods that hold data produce a point. Data is
 * rolled up by age as CloudWatch retains it.
 */
#ifndef DRILLSIM_METRICSTAT_H
#define DRILLSIM_METRICSTAT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "engine/metricmath.h"

struct store;

struct ms_query {
    const char *account;
    const char *region;
    const char *ns;
    const char *metric;
    const cJSON *dims; /* [{"Name","Value"}, ...]: the metric's exact dimension set; may be NULL */
    const char *stat;  /* "Average", "p99", "tm90", ... */
    const char *unit;  /* only datapoints stored with this unit; NULL = any */
    int period_s;
    int64_t start_ms; /* inclusive */
    int64_t end_ms;   /* exclusive */
    int64_t now_ms;   /* sim time of the query (data roll-up by age) */
};

/* Checks a statistic name (as GetMetricData's Stat or an alarm's ExtendedStatistic takes
 * it). Returns 1 if valid. */
int metricstat_valid(const char *stat);
/* Returns 1 if stat is valid and one of the five basic statistics (SampleCount, Sum,
 * Average, Minimum, Maximum), the ones GetMetricStatistics takes in Statistics. */
int metricstat_basic(const char *stat);
/*
 * Fills *out with one point per period that has data (ascending), values NAN never.
 * Returns 0 (a metric with no data gives n = 0), or -1 on a store error or an invalid
 * statistic (check it with metricstat_valid first). *out is owned by the caller
 * (mm_series_clear); id and label are left NULL, period_s is q->period_s.
 */
int metricstat_series(struct store *st, const struct ms_query *q, struct mm_series *out);

/* ---- the period grid (shared with GetMetricStatistics / GetMetricData) ---------------- */

/* Returns 1 if CloudWatch accepts period_s as a Period: 1, 5, 10, 20, 30 or a multiple of
 * 60. */
int metricstat_period_valid(int period_s);
/*
 * The first period's start: start_ms rounded down as CloudWatch rounds StartTime. Periods
 * of 1/5/10/20/30 s round to that many seconds; otherwise by the start time's age at now_ms:
 * up to 15 days to the minute, up to 63 days to 5 minutes, older to the hour.
 */
int64_t metricstat_align(int64_t start_ms, int period_s, int64_t now_ms);
/* The number of periods the grid from metricstat_align(start) to end_ms holds: what
 * GetMetricStatistics counts against its 1,440 datapoints. */
int64_t metricstat_npoints(int64_t start_ms, int64_t end_ms, int period_s, int64_t now_ms);

/* ---- several statistics at once (GetMetricStatistics) --------------------------------- */

#define MS_MAX_STATS 16

/* One period (and unit) of metricstat_table(): v[i] is statistic i, NAN when CloudWatch has
 * no value for it (a percentile over negative values, an empty trimmed mean, ...). */
struct ms_row {
    int64_t ts_ms;
    int unit; /* METRICS_UNIT code; -1 when not split by unit */
    double v[MS_MAX_STATS];
};

struct ms_table {
    int n;
    struct ms_row *rows; /* owned; ascending by (ts_ms, unit) */
};

/*
 * Computes nstats (<= MS_MAX_STATS) statistics of q's metric (q->stat is ignored) for every
 * period with data, one row per period, or one per (period, unit) when by_unit is set (how
 * GetMetricStatistics answers without a Unit filter). Returns 0, or -1 on a store error or
 * an invalid statistic; *out is set only on success (free it with metricstat_table_free).
 */
int metricstat_table(struct store *st, const struct ms_query *q, const char *const *stats,
                     int nstats, int by_unit, struct ms_table *out);
void metricstat_table_free(struct ms_table *t);

#endif
