/*
 * metricstat.h - CloudWatch statistics of one metric over a period grid, exactly as
 * CloudWatch computes them. (Contract; the implementation is being written.)
 *
 * Used by GetMetricStatistics, GetMetricData (MetricStat queries) and the alarm evaluator.
 * Statistics: SampleCount, Sum, Average, Minimum, Maximum, percentiles pNN(.NN), and the
 * other extended statistics CloudWatch documents that this module implements (trimmed mean
 * tmNN, winsorized mean wmNN, trimmed count tcNN, trimmed sum tsNN, percentile rank PR(...)).
 * Periods start at the query's start time aligned as CloudWatch aligns them; only periods
 * that hold data produce a point. Data is rolled up by age as CloudWatch retains it.
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
/*
 * Fills *out with one point per period that has data (ascending), values NAN never.
 * Returns 0 (a metric with no data gives n = 0), or -1 on a store error.
 */
int metricstat_series(struct store *st, const struct ms_query *q, struct mm_series *out);

#endif
