/*
 * Tests of sim/engine/metricstat.c: the statistic syntax, the period grid, and every
 * statistic over hand-computed data put into an in-memory store through sim/store/metrics.c
 * (the definitions are in the header of metricstat.c). The property test
 * tests/e2e/test_cloudwatch_stats.py checks the same definitions on random data.
 */
#include <math.h>

#include "engine/metricstat.h"
#include "store/metrics.h"
#include "store/store.h"
#include "t.h"

#define T0 1704067200000LL /* 2024-01-01T00:00:00Z, in ms */
#define SEC 1000LL
#define MINUTE (60 * SEC)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

#define T_NEAR(a, b)                                                                           \
    do {                                                                                       \
        double t_a_ = (a), t_b_ = (b);                                                         \
        if (!(fabs(t_a_ - t_b_) <= 1e-12 * fmax(1.0, fabs(t_b_))))                             \
            t_fail(__FILE__, __LINE__, "%s ~ %s: %.17g != %.17g", #a, #b, t_a_, t_b_);         \
    } while (0)

static struct store *ms_store(void)
{
    struct store *st = NULL;
    char *cause = NULL;
    T_ASSERT(store_open(":memory:", &st, &cause) == 0);
    return st;
}

/* Puts values (with counts) of metric name at ts with unit and resolution. */
static void put_values(struct store *st, const char *name, int64_t ts, const char *unit,
                       int resolution, const double *v, const double *n, int count)
{
    struct metrics_sample s[16];
    for (int i = 0; i < count; i++) {
        s[i].value = v[i];
        s[i].count = n ? n[i] : 1;
    }
    struct metrics_datum d = {
        .namespace = "NS", .name = name, .dims_key = "", .ts_ms = ts,
        .unit = metrics_unit_find(unit), .resolution = resolution, .samples = s,
        .nsamples = count,
    };
    T_EQ_INT(metrics_put(st, "111111111111", "us-east-1", &d, ts), 0);
}

static void put_set(struct store *st, const char *name, int64_t ts, double count, double sum,
                    double min, double max)
{
    struct metrics_stats x = {count, sum, min, max};
    struct metrics_datum d = {
        .namespace = "NS", .name = name, .dims_key = "", .ts_ms = ts,
        .unit = METRICS_UNIT_NONE, .resolution = 60, .stats = &x,
    };
    T_EQ_INT(metrics_put(st, "111111111111", "us-east-1", &d, ts), 0);
}

static struct ms_query query(const char *name, int period, int64_t start, int64_t end,
                             int64_t now)
{
    struct ms_query q = {
        .account = "111111111111", .region = "us-east-1", .ns = "NS", .metric = name,
        .period_s = period, .start_ms = start, .end_ms = end, .now_ms = now,
    };
    return q;
}

/* The value of one statistic of metric name over [T0, T0+60s) with period 60. */
static double one(struct store *st, const char *name, const char *stat)
{
    struct ms_query q = query(name, 60, T0, T0 + MINUTE, T0 + HOUR);
    const char *stats[1] = {stat};
    struct ms_table t;
    T_EQ_INT(metricstat_table(st, &q, stats, 1, 0, &t), 0);
    T_EQ_INT(t.n, 1);
    T_EQ_INT(t.rows[0].ts_ms, T0);
    double v = t.rows[0].v[0];
    metricstat_table_free(&t);
    return v;
}

TEST(engine_metricstat_syntax)
{
    static const char *const ok[] = {
        "SampleCount", "Sum", "Average", "Minimum", "Maximum", "p0", "p0.0", "p50", "p99.9",
        "p99.9999999999", "p100", "tm90", "tm99.5", "wm98", "tc90", "ts90", "IQM",
        "TM(10%:90%)", "TM(:99%)", "TM(5%:)", "TM(150:1000)", "TM(-5:5)", "TC(0.005:0.030)",
        "TS(80%:)", "WM(10%:90%)", "WM(:95%)", "PR(:300)", "PR(100:2000)", "PR(10:)",
    };
    static const char *const bad[] = {
        "", "average", "AVERAGE", "Avg", "p", "p101", "p-1", "p99.", "p.5", "p99.12345678901",
        "P99", "tm", "tm101", "TM90", "TM()", "TM(:)", "TM(90%:10%)", "TM(10%:500)",
        "TM(10:90", "TM(10%:90%) ", "WM(10:90)", "PR(10%:90%)", "PR(5:1)", "XX(1:2)", "iqm",
        "p50 ", " p50", "pp50", "tm(10%:90%)",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (!metricstat_valid(ok[i]))
            t_fail(__FILE__, __LINE__, "should be valid: '%s'", ok[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (metricstat_valid(bad[i]))
            t_fail(__FILE__, __LINE__, "should be invalid: '%s'", bad[i]);
    }
    T_ASSERT(!metricstat_valid(NULL));
    T_ASSERT(metricstat_basic("Maximum"));
    T_ASSERT(!metricstat_basic("p99"));
    T_ASSERT(!metricstat_basic("IQM"));
    T_ASSERT(!metricstat_basic("Maximum,Average"));
}

TEST(engine_metricstat_grid)
{
    static const int good[] = {1, 5, 10, 20, 30, 60, 120, 300, 3600, 86400};
    static const int badp[] = {0, -60, 2, 15, 45, 59, 61, 90, 301};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        T_ASSERT(metricstat_period_valid(good[i]));
    for (size_t i = 0; i < sizeof badp / sizeof badp[0]; i++)
        T_ASSERT(!metricstat_period_valid(badp[i]));
    int64_t now = T0 + HOUR;
    /* Less than 15 days old: the minute; high-resolution periods: their own seconds. */
    T_EQ_INT(metricstat_align(T0 + 37123, 60, now), T0);
    T_EQ_INT(metricstat_align(T0 + 37123, 300, now), T0);
    T_EQ_INT(metricstat_align(T0 + 7123, 5, now), T0 + 5 * SEC);
    T_EQ_INT(metricstat_align(T0 + 47123, 20, now), T0 + 40 * SEC);
    T_EQ_INT(metricstat_align(T0 + 1500, 1, now), T0 + SEC);
    /* 15 to 63 days: 5 minutes; older: the hour. */
    int64_t s = T0 + 7 * MINUTE + 5 * SEC;
    T_EQ_INT(metricstat_align(s, 60, s + 20 * DAY), T0 + 5 * MINUTE);
    T_EQ_INT(metricstat_align(s, 60, s + 70 * DAY), T0);
    T_EQ_INT(metricstat_align(s, 60, s + 15 * DAY), T0 + 7 * MINUTE);
    /* The points counted against GetMetricStatistics' 1,440. */
    T_EQ_INT(metricstat_npoints(T0, T0 + DAY, 60, T0 + DAY), 1440);
    T_EQ_INT(metricstat_npoints(T0, T0 + DAY + 1, 60, T0 + DAY), 1441);
    T_EQ_INT(metricstat_npoints(T0 + 30 * SEC, T0 + 90 * SEC, 60, T0 + DAY), 2);
    T_EQ_INT(metricstat_npoints(T0 - HOUR, T0, 300, T0), 12);
}

TEST(engine_metricstat_values)
{
    struct store *st = ms_store();
    const double v[] = {3, 1, 10, 4, 2};
    const double n[] = {1, 1, 2, 1, 1};
    put_values(st, "m", T0 + 5 * SEC, "None", 60, v, n, 5);
    /* Sorted: 1, 2, 3, 4, 10, 10 (N = 6). */
    T_EQ_DBL(one(st, "m", "SampleCount"), 6);
    T_EQ_DBL(one(st, "m", "Sum"), 30);
    T_EQ_DBL(one(st, "m", "Average"), 5);
    T_EQ_DBL(one(st, "m", "Minimum"), 1);
    T_EQ_DBL(one(st, "m", "Maximum"), 10);
    T_EQ_DBL(one(st, "m", "p0"), 1);
    T_EQ_DBL(one(st, "m", "p50"), 3);
    T_EQ_DBL(one(st, "m", "p66.66"), 4);
    T_EQ_DBL(one(st, "m", "p66.67"), 10);
    T_EQ_DBL(one(st, "m", "p100"), 10);
    /* tm50 = TM(0%:50%): the lowest 3 of 6. */
    T_EQ_DBL(one(st, "m", "tm50"), 2);
    T_EQ_DBL(one(st, "m", "tc50"), 3);
    T_EQ_DBL(one(st, "m", "ts50"), 6);
    /* TM(10%:90%): positions 0.6 .. 5.4; 0.4 of the 1, all of 2, 3, 4, 1.4 of the 10s. */
    T_NEAR(one(st, "m", "TC(10%:90%)"), 4.8);
    T_NEAR(one(st, "m", "TS(10%:90%)"), 23.4);
    T_NEAR(one(st, "m", "TM(10%:90%)"), 23.4 / 4.8);
    /* WM(10%:90%): 0.6 counted as 1, 0.6 as 10. */
    T_NEAR(one(st, "m", "WM(10%:90%)"), (23.4 + 0.6 + 6) / 6);
    /* IQM = TM(25%:75%): positions 1.5 .. 4.5. */
    T_NEAR(one(st, "m", "IQM"), (0.5 * 2 + 3 + 4 + 0.5 * 10) / 3);
    /* Absolute bounds: 2 < v <= 4. */
    T_EQ_DBL(one(st, "m", "TM(2:4)"), 3.5);
    T_EQ_DBL(one(st, "m", "TC(2:4)"), 2);
    T_EQ_DBL(one(st, "m", "TS(2:4)"), 7);
    T_ASSERT(isnan(one(st, "m", "TM(20:30)")));
    T_EQ_DBL(one(st, "m", "TC(20:30)"), 0);
    /* Percentile rank: lower bound exclusive, upper inclusive. */
    T_EQ_DBL(one(st, "m", "PR(:3)"), 50);
    T_EQ_DBL(one(st, "m", "PR(3:)"), 50);
    T_NEAR(one(st, "m", "PR(1:2)"), 100.0 / 6);
    store_close(st);
}

TEST(engine_metricstat_sets_and_negatives)
{
    struct store *st = ms_store();
    /* A statistic set whose values cannot be recovered: basic statistics only. */
    put_set(st, "opaque", T0, 3, 6, 1, 3);
    T_EQ_DBL(one(st, "opaque", "SampleCount"), 3);
    T_EQ_DBL(one(st, "opaque", "Average"), 2);
    T_ASSERT(isnan(one(st, "opaque", "p50")));
    T_ASSERT(isnan(one(st, "opaque", "tm90")));
    /* Sets with Minimum == Maximum, or SampleCount 1, take part in percentiles. */
    put_set(st, "flat", T0, 4, 8, 2, 2);
    put_set(st, "flat", T0 + SEC, 1, 7, 7, 7);
    T_EQ_DBL(one(st, "flat", "p50"), 2);
    T_EQ_DBL(one(st, "flat", "p90"), 7);
    T_EQ_DBL(one(st, "flat", "SampleCount"), 5);
    /* A negative value: no percentiles for the period. */
    const double v[] = {-1, 5};
    put_values(st, "neg", T0, "None", 60, v, NULL, 2);
    T_EQ_DBL(one(st, "neg", "Average"), 2);
    T_EQ_DBL(one(st, "neg", "Minimum"), -1);
    T_ASSERT(isnan(one(st, "neg", "p50")));
    /* An unknown metric, or other dimensions: no data, not an error. */
    struct ms_query q = query("nothing", 60, T0, T0 + MINUTE, T0);
    struct mm_series s;
    q.stat = "Sum";
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 0);
    mm_series_clear(&s);
    cJSON *dims = cJSON_Parse("[{\"Name\":\"A\",\"Value\":\"1\"}]");
    q = query("neg", 60, T0, T0 + MINUTE, T0);
    q.stat = "Sum";
    q.dims = dims;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 0);
    mm_series_clear(&s);
    cJSON_Delete(dims);
    /* An invalid statistic is an error. */
    q.stat = "p101";
    T_EQ_INT(metricstat_series(st, &q, &s), -1);
    store_close(st);
}

TEST(engine_metricstat_units_and_series)
{
    struct store *st = ms_store();
    const double one_v[] = {1}, two_v[] = {2}, five_v[] = {5};
    put_values(st, "u", T0, "Count", 60, one_v, NULL, 1);
    put_values(st, "u", T0 + 10 * SEC, "Seconds", 60, two_v, NULL, 1);
    put_values(st, "u", T0 + 2 * MINUTE, "Count", 60, five_v, NULL, 1);
    struct ms_query q = query("u", 60, T0, T0 + 5 * MINUTE, T0 + HOUR);
    const char *stats[2] = {"Sum", "SampleCount"};
    struct ms_table t;
    /* Split by unit: (T0, Count), (T0, Seconds), (T0+2m, Count). */
    T_EQ_INT(metricstat_table(st, &q, stats, 2, 1, &t), 0);
    T_EQ_INT(t.n, 3);
    T_EQ_INT(t.rows[0].unit, METRICS_UNIT_SECONDS); /* code 1, before Count's 15 */
    T_EQ_DBL(t.rows[0].v[0], 2);
    T_EQ_INT(t.rows[1].unit, METRICS_UNIT_COUNT);
    T_EQ_DBL(t.rows[1].v[0], 1);
    T_EQ_INT(t.rows[2].ts_ms, T0 + 2 * MINUTE);
    T_EQ_DBL(t.rows[2].v[0], 5);
    metricstat_table_free(&t);
    /* Not split: the units together. */
    T_EQ_INT(metricstat_table(st, &q, stats, 2, 0, &t), 0);
    T_EQ_INT(t.n, 2);
    T_EQ_DBL(t.rows[0].v[0], 3);
    T_EQ_DBL(t.rows[0].v[1], 2);
    T_EQ_INT(t.rows[0].unit, -1);
    metricstat_table_free(&t);
    /* A Unit filter: only that unit's data. */
    q.unit = "Seconds";
    T_EQ_INT(metricstat_table(st, &q, stats, 2, 0, &t), 0);
    T_EQ_INT(t.n, 1);
    T_EQ_DBL(t.rows[0].v[0], 2);
    metricstat_table_free(&t);
    q.unit = "Bytes";
    T_EQ_INT(metricstat_table(st, &q, stats, 2, 0, &t), 0);
    T_EQ_INT(t.n, 0);
    metricstat_table_free(&t);
    /* The series: ascending, one point per period with data. */
    q.unit = NULL;
    q.stat = "Maximum";
    struct mm_series s;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 2);
    T_EQ_INT(s.ts[0], T0);
    T_EQ_DBL(s.v[0], 2);
    T_EQ_INT(s.ts[1], T0 + 2 * MINUTE);
    T_EQ_DBL(s.v[1], 5);
    mm_series_clear(&s);
    /* A 5-minute period holds both minutes; a start inside a minute rounds down. */
    q = query("u", 300, T0 + 30 * SEC, T0 + 10 * MINUTE, T0 + HOUR);
    q.stat = "Sum";
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 1);
    T_EQ_INT(s.ts[0], T0);
    T_EQ_DBL(s.v[0], 8);
    mm_series_clear(&s);
    /* The last period is whole even when EndTime cuts into it. */
    q = query("u", 300, T0, T0 + MINUTE, T0 + HOUR);
    q.stat = "Sum";
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 1);
    T_EQ_DBL(s.v[0], 8);
    mm_series_clear(&s);
    store_close(st);
}

TEST(engine_metricstat_retention)
{
    struct store *st = ms_store();
    const double v[] = {7};
    put_values(st, "hr", T0 + 3 * SEC, "None", 1, v, NULL, 1);
    struct mm_series s;
    struct ms_query q = query("hr", 10, T0, T0 + MINUTE, T0 + HOUR);
    q.stat = "Sum";
    /* One hour later the 10-second period still has it ... */
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 1);
    T_EQ_INT(s.ts[0], T0);
    mm_series_clear(&s);
    /* ... four hours later only whole minutes do. */
    q.now_ms = T0 + 4 * HOUR;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 0);
    mm_series_clear(&s);
    q.period_s = 60;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 1);
    mm_series_clear(&s);
    /* After 15 days 1-minute periods are gone, 5-minute ones remain; after 63 days only
     * hours; after 455 days nothing. */
    q.now_ms = T0 + 16 * DAY;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 0);
    mm_series_clear(&s);
    q.period_s = 300;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 1);
    mm_series_clear(&s);
    q.now_ms = T0 + 64 * DAY;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 0);
    mm_series_clear(&s);
    q.period_s = 3600;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 1);
    T_EQ_DBL(s.v[0], 7);
    mm_series_clear(&s);
    q.now_ms = T0 + 456 * DAY;
    T_EQ_INT(metricstat_series(st, &q, &s), 0);
    T_EQ_INT(s.n, 0);
    mm_series_clear(&s);
    store_close(st);
}
