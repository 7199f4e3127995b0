/*
 * metrics.h - CloudWatch metrics in the store: metric identities and their datapoints.
 *
 * Two tables (sim/store/schema.c, migration 1), every row scoped by (account, region):
 *
 *   cw_metrics     one row per metric identity (namespace, metric name, dimension set), with
 *                  the sim time it last received data (last_put_ms, what ListMetrics filters
 *                  on) and the number of datapoint rows written so far (nrows, which hands out
 *                  the datapoint sequence numbers). UNIQUE (account, region, namespace, name,
 *                  dims) is both the upsert target and the ListMetrics order.
 *   cw_datapoints  WITHOUT ROWID, PRIMARY KEY (metric_id, ts_ms, seq): the rows of one metric
 *                  are clustered in time order, so a statistics query is one B-tree range scan
 *                  per metric. Each row is either a raw value repeated `count` times (value
 *                  set, min = max = value, sum = value * count: percentiles stay exact) or a
 *                  statistic set (value NULL; count/sum/min/max as sent). SUM(count), SUM(sum),
 *                  MIN(min), MAX(max) over a range give the basic statistics for both kinds.
 *                  unit is a METRICS_UNIT_MAP code, resolution 1 or 60 (seconds), ts_ms the
 *                  datum's timestamp in epoch milliseconds.
 *
 * The dimension set is stored as one canonical key: the dimensions sorted by name, each
 * written as name 0x1F value 0x1E. Dimension names and values are printable ASCII (the
 * service rejects control characters), so the separators cannot occur inside them, and two
 * requests naming the same dimensions in a different order reach the same metric.
 *
 * To add a query (GetMetricStatistics, alarms): look the metric up with metrics_find() and
 * scan its rows with metrics_scan(), or write the SQL here against the layout above.
 * metrics_aggregate() is the fast path of the statistics (sim/engine/metricstat.c): SUM,
 * MIN, MAX and COUNT grouped by period in one indexed range scan, no row leaves SQLite.
 */
#ifndef DRILLSIM_STORE_METRICS_H
#define DRILLSIM_STORE_METRICS_H

#include <stdint.h>

#include "util/buf.h"

struct store;

/*
 * CloudWatch's StandardUnit values and their stored codes. The codes are persisted: append
 * new units at the end, never reorder.
 */
#define METRICS_UNIT_MAP(XX)                                                                   \
    XX(NONE, "None")                                                                           \
    XX(SECONDS, "Seconds")                                                                     \
    XX(MICROSECONDS, "Microseconds")                                                           \
    XX(MILLISECONDS, "Milliseconds")                                                           \
    XX(BYTES, "Bytes")                                                                         \
    XX(KILOBYTES, "Kilobytes")                                                                 \
    XX(MEGABYTES, "Megabytes")                                                                 \
    XX(GIGABYTES, "Gigabytes")                                                                 \
    XX(TERABYTES, "Terabytes")                                                                 \
    XX(BITS, "Bits")                                                                           \
    XX(KILOBITS, "Kilobits")                                                                   \
    XX(MEGABITS, "Megabits")                                                                   \
    XX(GIGABITS, "Gigabits")                                                                   \
    XX(TERABITS, "Terabits")                                                                   \
    XX(PERCENT, "Percent")                                                                     \
    XX(COUNT, "Count")                                                                         \
    XX(BYTES_SECOND, "Bytes/Second")                                                           \
    XX(KILOBYTES_SECOND, "Kilobytes/Second")                                                   \
    XX(MEGABYTES_SECOND, "Megabytes/Second")                                                   \
    XX(GIGABYTES_SECOND, "Gigabytes/Second")                                                   \
    XX(TERABYTES_SECOND, "Terabytes/Second")                                                   \
    XX(BITS_SECOND, "Bits/Second")                                                             \
    XX(KILOBITS_SECOND, "Kilobits/Second")                                                     \
    XX(MEGABITS_SECOND, "Megabits/Second")                                                     \
    XX(GIGABITS_SECOND, "Gigabits/Second")                                                     \
    XX(TERABITS_SECOND, "Terabits/Second")                                                     \
    XX(COUNT_SECOND, "Count/Second")

enum metrics_unit {
#define XX(id, name) METRICS_UNIT_##id,
    METRICS_UNIT_MAP(XX)
#undef XX
        METRICS_UNIT__COUNT
};

/* The unit's AWS name, or NULL for a code outside the map. */
const char *metrics_unit_name(int unit);
/* The code of an AWS unit name, or -1 if it is not a StandardUnit. */
int metrics_unit_find(const char *name);

#define METRICS_MAX_DIMS 30

struct metrics_dim {
    const char *name;
    const char *value; /* NULL in a ListMetrics filter means "any value" */
};

/* Sorts dims by name (the canonical order). */
void metrics_dims_sort(struct metrics_dim *dims, int n);
/*
 * Appends the canonical key of dims (already sorted) to out. Returns 0, or -1 if out's
 * maximum was reached.
 */
int metrics_dims_key(const struct metrics_dim *dims, int n, struct buf *out);
/*
 * Splits a canonical key in place (the separators become NULs) into at most max dims that
 * point into key. Returns the number of dims, or -1 if the key is malformed or has more.
 */
int metrics_dims_parse(char *key, struct metrics_dim *out, int max);

/* One raw value and how many times it occurred. */
struct metrics_sample {
    double value;
    double count;
};

/* A statistic set as sent in StatisticValues. */
struct metrics_stats {
    double count, sum, min, max;
};

/* One datum to record: either samples (nsamples >= 0) or stats (non-NULL). */
struct metrics_datum {
    const char *namespace;
    const char *name;
    const char *dims_key; /* canonical key, "" for no dimensions */
    int64_t ts_ms;
    int unit;       /* enum metrics_unit */
    int resolution; /* 1 or 60 */
    const struct metrics_sample *samples;
    int nsamples;
    const struct metrics_stats *stats;
};

/*
 * Records one datum for (account, region): creates the metric if it is new, marks it as
 * having received data at now_ms (sim time) and writes one datapoint row per sample (samples
 * with count 0 are skipped) or one row for the statistic set. Runs inside the caller's
 * transaction. Returns 0, or -1 on a store error.
 */
int metrics_put(struct store *s, const char *account, const char *region,
                const struct metrics_datum *d, int64_t now_ms);

/*
 * Finds a metric by identity. Returns 0 and sets *id, 1 if there is no such metric, or -1 on
 * a store error.
 */
int metrics_find(struct store *s, const char *account, const char *region,
                 const char *namespace, const char *name, const char *dims_key, int64_t *id);

/* One datapoint row, as metrics_scan() hands it out. value is NAN for a statistic set. */
struct metrics_row {
    int64_t ts_ms;
    int unit;
    int resolution;
    double value;
    double count, sum, min, max;
};

typedef int (*metrics_row_cb)(void *arg, const struct metrics_row *row);

/*
 * Calls cb for each datapoint of metric id with from_ms <= ts_ms < to_ms, in time order,
 * stopping early if cb returns non-zero. Returns 0, or -1 on a store error.
 */
int metrics_scan(struct store *s, int64_t id, int64_t from_ms, int64_t to_ms, metrics_row_cb cb,
                 void *arg);

/*
 * One group of metrics_aggregate(): the rows of a metric that fall into one period (and, when
 * grouped by unit, carry one unit). k is the period's index on the grid, (ts_ms - base_ms) /
 * period_ms. count/sum/min/max are SUM(count), SUM(sum), MIN(min), MAX(max) of the rows;
 * opaque counts the statistic-set rows whose individual values cannot be recovered (Minimum
 * != Maximum and SampleCount != 1), which CloudWatch cannot take percentiles of.
 */
struct metrics_agg {
    int64_t k;
    int unit; /* -1 when the groups are not split by unit */
    double count, sum, min, max;
    int64_t opaque;
};

typedef int (*metrics_agg_cb)(void *arg, const struct metrics_agg *a);

/*
 * Aggregates the rows of metric id with from_ms <= ts_ms < to_ms in SQL, one group per
 * period of period_ms starting at base_ms (base_ms <= from_ms), split by unit when by_unit
 * is set, and only rows stored with unit (a METRICS_UNIT code) unless unit is -1. Calls cb
 * for each group in (k, unit) order, stopping early if cb returns non-zero. Returns 0, or
 * -1 on a store error.
 */
int metrics_aggregate(struct store *s, int64_t id, int64_t base_ms, int64_t period_ms,
                      int64_t from_ms, int64_t to_ms, int unit, int by_unit, metrics_agg_cb cb,
                      void *arg);

/* ListMetrics filters; NULL / 0 fields do not filter. */
struct metrics_filter {
    const char *namespace;
    const char *name;
    const struct metrics_dim *dims; /* every one must be on the metric; value NULL = any */
    int ndims;
    int64_t active_since_ms; /* only metrics with last_put_ms >= this */
};

/* One listed metric; the strings live until the callback returns. */
struct metrics_listed {
    int64_t id;
    const char *namespace;
    const char *name;
    const struct metrics_dim *dims; /* canonical (name) order */
    int ndims;
};

typedef void (*metrics_list_cb)(void *arg, const struct metrics_listed *m);

/*
 * Lists the metrics of (account, region) that match f, in (namespace, name, dims) order,
 * starting after the metric with id after_id (0 = from the start), calling cb for at most
 * limit of them. Sets *more to 1 if further matches exist. Returns 0, -1 on a store error,
 * or -2 if after_id is not a metric of this account and region.
 */
int metrics_list(struct store *s, const char *account, const char *region,
                 const struct metrics_filter *f, int64_t after_id, int limit, metrics_list_cb cb,
                 void *arg, int *more);

#endif
