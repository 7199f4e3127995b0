/*
 * metricmath.h - CloudWatch metric math: parse an expression once, evaluate it over series.
 * (Contract; the implementation is being written.)
 *
 * Used by GetMetricData (Expression queries) and by alarms on math expressions. The caller
 * supplies the series behind every id (m1, e1, ...) and SEARCH() through struct mm_env; the
 * module knows nothing about the store. Values are aligned on the query's period grid.
 * Unsupported functions or syntax are an error with CloudWatch's wording, never a silently
 * wrong answer.
 */
#ifndef DRILLSIM_METRICMATH_H
#define DRILLSIM_METRICMATH_H

#include <stdint.h>

/* A time series: n points at ts[i] (epoch ms, ascending) with v[i] (NAN = no value). */
struct mm_series {
    char *id;    /* owned; the query id that produced it, or NULL */
    char *label; /* owned; may be NULL */
    int n;
    int64_t *ts; /* owned */
    double *v;   /* owned */
};

enum mm_kind {
    MM_SCALAR,
    MM_SERIES, /* exactly one series */
    MM_ARRAY,  /* nseries series (METRICS(), SEARCH(), arrays of time series) */
};

struct mm_value {
    enum mm_kind kind;
    double scalar;
    struct mm_series *series; /* owned array of nseries */
    int nseries;
};

struct mm_env {
    void *ctx;
    /* Resolves an id to its value (a deep copy the callee owns). 0, 1 unknown id, -1 error. */
    int (*lookup)(void *ctx, const char *id, struct mm_value *out);
    /* METRICS() / METRICS("filter"): every metric query's series whose id contains filter
     * (NULL = all). 0 or -1. */
    int (*metrics)(void *ctx, const char *filter, struct mm_value *out);
    /* SEARCH('{AWS/EC2,InstanceId} MetricName="CPUUtilization"', 'Average', 300): the stored
     * metrics that match, each as a series. 0, or -1 with *error set. May be NULL (SEARCH is
     * then an error). */
    int (*search)(void *ctx, const char *expr, const char *stat, int period_s,
                  struct mm_value *out, char **error);
    int64_t start_ms;
    int64_t end_ms;
    int period_s;
};

struct mm_expr;

/* Parses text. Returns 0 and *out, or -1 with *error set (caller frees) in CloudWatch's
 * wording for a bad expression. */
int mm_parse(const char *text, struct mm_expr **out, char **error);
void mm_free(struct mm_expr *e);
/* The ids the expression references (METRICS() counts as referencing every id). Returns the
 * count; *ids is an owned array of owned strings. */
int mm_refs(const struct mm_expr *e, char ***ids);
/* Evaluates e. Returns 0 and *out, or -1 with *error set (caller frees). */
int mm_eval(const struct mm_expr *e, const struct mm_env *env, struct mm_value *out,
            char **error);
void mm_value_clear(struct mm_value *v);
void mm_series_clear(struct mm_series *s);

#endif
