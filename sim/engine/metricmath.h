/*
 * metricmath.h - CloudWatch metric math: parse an expression once, evaluate it over series.
 *
 * Used by GetMetricData (Expression queries) and by alarms on math expressions. The caller
 * supplies the series behind every id (m1, e1, ...) and SEARCH() through struct mm_env; the
 * module knows nothing about the store. Values are aligned on the query's period grid.
 * Unsupported functions or syntax are an error with CloudWatch's wording, never a silently
 * wrong answer.
 *
 * Errors. mm_parse and mm_eval hand back the detail CloudWatch puts after the expression's
 * id; GetMetricData fails with ValidationError (HTTP 400) and the message
 * "Error in expression '<Id>': <detail>", e.g. "Error in expression 'e1': Invalid syntax".
 * The caller adds the prefix. The details (metricmath_int.h lists them) are AWS's where a
 * public capture exists ("Invalid syntax"), drillsim's wording elsewhere.
 *
 * Results. A series result holds only the timestamps that have a value (never NAN).
 * The final result of an expression must be a time series or an array of time series:
 * mm_eval_result() rejects a scalar, mm_eval() returns it (for expressions used inside
 * others). The caller sets the expression's Label on a single-series result; each series of
 * an array result keeps the id and label of the series it came from.
 * Points whose value is not a finite number (division by zero, LOG(0), ...) are dropped and
 * counted in mm_value.dropped, so GetMetricData can add the MetricDataResult message
 * {Code: "ArithmeticError", Value: "One or more data points have been dropped due to
 * non-numeric values (NaN, -Infinite, +Infinite)"}.
 */
#ifndef DRILLSIM_METRICMATH_H
#define DRILLSIM_METRICMATH_H

#include <stdint.h>

/* The longest Expression CloudWatch accepts (MetricDataQuery.Expression). */
#define MM_MAX_EXPRESSION 2048
/* The deepest nesting of parentheses, brackets, calls and unary operators mm_parse accepts. */
#define MM_MAX_DEPTH 64

/* A time series: n points at ts[i] (epoch ms, ascending) with v[i] (NAN = no value). */
struct mm_series {
    char *id;    /* owned; the query id that produced it, or NULL */
    char *label; /* owned; may be NULL */
    int n;
    int64_t *ts; /* owned */
    double *v;   /* owned */
    int period_s; /* the series' period (PERIOD(), FILL's grid); 0 = env->period_s */
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
    long dropped; /* points dropped for a non-finite value while computing this value */
};

struct mm_env {
    void *ctx;
    /* Resolves an id to its value (a deep copy the callee owns). 0, 1 unknown id, -1 error.
     * The caller detects cycles between expressions (e1 = e2, e2 = e1) itself. */
    int (*lookup)(void *ctx, const char *id, struct mm_value *out);
    /* METRICS() / METRICS("filter"): every metric query's series whose id contains filter
     * (NULL = all). 0 or -1. */
    int (*metrics)(void *ctx, const char *filter, struct mm_value *out);
    /* SEARCH('{AWS/EC2,InstanceId} MetricName="CPUUtilization"', 'Average', 300): the stored
     * metrics that match, each as a series. 0, or -1 with *error set. May be NULL (SEARCH is
     * then an error). period_s is the third argument, or env->period_s without one. */
    int (*search)(void *ctx, const char *expr, const char *stat, int period_s,
                  struct mm_value *out, char **error);
    /* The query's grid: the non-sparse functions (FILL, TIME_SERIES, MINUTE, ...) produce a
     * point at every start_ms + k * period (on the phase of the series they fill, when it
     * has points) below end_ms. start_ms is the first period's timestamp as the MetricStat
     * series are aligned. */
    int64_t start_ms;
    int64_t end_ms;
    int period_s;
};

struct mm_expr;

/* Parses text. Returns 0 and *out, or -1 with *error set (caller frees) in CloudWatch's
 * wording for a bad expression. Unknown functions, functions this module does not implement
 * (LAMBDA, SERVICE_QUOTA, ...), wrong argument counts and Metrics Insights queries
 * (SELECT ...) fail here, each with a message naming the function. */
int mm_parse(const char *text, struct mm_expr **out, char **error);
void mm_free(struct mm_expr *e);
/* The ids the expression references (METRICS() counts as referencing every id): the ids it
 * names, each once in order of first use. An expression that calls METRICS() also
 * references every metric query's id; mm_calls(e, "METRICS") tells the caller so. Returns
 * the count; *ids is an owned array of owned strings (NULL when the count is 0). */
int mm_refs(const struct mm_expr *e, char ***ids);
/* Returns 1 if the expression calls the function named fname (e.g. "METRICS", "SEARCH":
 * alarms reject SEARCH), else 0. */
int mm_calls(const struct mm_expr *e, const char *fname);
/* Evaluates e. Returns 0 and *out, or -1 with *error set (caller frees). */
int mm_eval(const struct mm_expr *e, const struct mm_env *env, struct mm_value *out,
            char **error);
/* As mm_eval, for an expression whose result is returned (GetMetricData) or watched (an
 * alarm): a scalar result is an error. */
int mm_eval_result(const struct mm_expr *e, const struct mm_env *env, struct mm_value *out,
                   char **error);
void mm_value_clear(struct mm_value *v);
void mm_series_clear(struct mm_series *s);

#endif
