/*
 * cloudwatch_stats.c - GetMetricStatistics and GetMetricData.
 *
 * The statistics themselves (definitions, period grid, retention roll-up, percentiles) are
 * sim/engine/metricstat.c's; metric math is sim/engine/metricmath.c's. This file checks the
 * requests as CloudWatch checks them, wires Expression queries to the metric-math module
 * (an mm_env whose lookup returns other queries' series and whose search callback searches
 * the stored metrics), and shapes the replies. Protocol-neutral: the same handlers answer
 * awsJson 1.0, awsQuery and RPC v2 CBOR.
 *
 * GetMetricStatistics (texts from AWS responses quoted in public issue trackers, the rest
 * from the API Reference):
 *   - Statistics outside the enum is the model check's (services/validate.c): "The parameter
 *     Statistics.member.1 must be a value in the set [ Minimum, Maximum, Average,
 *     SampleCount, Sum ]." - which is what `--statistics Maximum,Average` (one value) gets.
 *   - Neither Statistics nor ExtendedStatistics: InvalidParameterCombination "Must specify
 *     either Statistics or ExtendedStatistics"; both: "The parameters Statistics and
 *     ExtendedStatistics are mutually exclusive and you have specified both." (the API
 *     Reference: "either Statistics or ExtendedStatistics, but not both"; the second text
 *     follows CloudWatch's mutual-exclusion wording and is not captured).
 *   - An ExtendedStatistics item that is not an extended statistic: InvalidParameterValue
 *     "The value X for parameter ExtendedStatistics.member.N is invalid." (wording of
 *     CloudWatch's other value errors; not captured).
 *   - StartTime not before EndTime: InvalidParameterValue "The parameter StartTime must be
 *     less than the parameter EndTime."
 *   - Period not 1, 5, 10, 20, 30 or a multiple of 60: InvalidParameterValue "The parameter
 *     Period must be a multiple of 60." (wording not captured).
 *   - More than 1,440 periods: InvalidParameterCombination "You have requested up to N
 *     datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested
 *     by increasing Period, or decreasing the time range."
 *   The dimensions name the metric exactly ({A,B} is not returned for {A}). Without Unit,
 *   data stored with different units gives one datapoint per unit and period, each with its
 *   Unit; with Unit, only data stored with that unit. Label is the metric name. Datapoints
 *   "are not returned in chronological order": drillsim returns them in a fixed order that
 *   is not chronological (a hash of the timestamp), so clients that forget to sort are
 *   caught here as they would be on AWS.
 *
 * GetMetricData (ValidationError for the request checks, each problem a line ending in a
 *   newline, every query checked, as AWS answers; texts quoted in public issue trackers
 *   unless said otherwise):
 *   - StartTime equal to EndTime: "The parameter StartTime must not equal parameter
 *     EndTime."; after it: "The parameter EndTime must be greater than StartTime.".
 *   - 1 to 500 queries (the size texts are CloudWatch's collection wording, not captured).
 *   - Id: "The value X for parameter MetricDataQueries.member.N.Id is not matching the
 *     expected pattern ^[a-z][a-zA-Z0-9_]*$."; Ids unique ("The values for parameter id in
 *     MetricDataQueries are not unique.", not captured).
 *   - Neither MetricStat nor Expression: "The parameter MetricDataQueries.member.N.MetricStat
 *     is required."; both: mutual-exclusion wording (not captured).
 *   - Stat: "The value X for parameter MetricDataQueries.member.N.MetricStat.Stat is not a
 *     valid statistic."; Period as in GetMetricStatistics (not captured).
 *   - An Expression that does not parse, refers to an unknown id, fails to evaluate or
 *     yields a scalar: ValidationError "Error in expression '<Id>': <detail>", the first
 *     one only (AWS's form, captured with the detail "Invalid syntax"; the other details
 *     are the metric-math module's, see sim/engine/metricmath.h). A circular reference:
 *     "Error in expression 'e2': Circular dependency on 'e1'" (detail not captured).
 *   Points an expression drops for a non-finite value (x / 0) put the message {Code
 *   "ArithmeticError", Value "One or more data points have been dropped due to non-numeric
 *   values (NaN, -Infinite, +Infinite)"} on its results.
 *   Results: one per query with ReturnData (default true), in request order; an Expression
 *   that yields several series (SEARCH, METRICS()) gives one result per series, all with
 *   the query's Id. Label: the query's Label with dynamic labels expanded, else the metric
 *   name (MetricStat) or the Id (Expression); a series found by SEARCH is labelled with its
 *   dimension values and metric name, after the query's Label if there is one. Dynamic
 *   labels: ${PROP('MetricName'|'Namespace'|'Dim.<name>'|'Period'|'Stat'|'AccountId'|
 *   'Region')}, ${LABEL}, ${AVG}, ${MIN}, ${MAX}, ${SUM}, ${FIRST}, ${LAST},
 *   ${DATAPOINT_COUNT}, ${MIN_MAX_RANGE}, ${FIRST_LAST_RANGE}; the time-valued ones
 *   (${FIRST_TIME}, ..._RELATIVE) are left as written (not implemented), and
 *   LabelOptions.Timezone, which only they use, is checked (+/-HHMM) but has no effect.
 *   ScanBy TimestampDescending (default) or TimestampAscending. MaxDatapoints (default and
 *   cap 100,800) counts the points of all results together; a page that cuts a result marks
 *   it PartialData, every result appears on every page (empty where its points are on
 *   other pages), and NextToken (the offset and a fingerprint of the request; another
 *   request's token is InvalidNextToken) is absent on the last page; every page evaluates
 *   the whole request again. Messages is always an empty list. A query with another
 *   AccountId than the caller's gets StatusCode Forbidden. One request may load at most
 *   12,000,000 datapoints (GMD_MAX_LOADED; 500 metrics over two weeks at one minute fit),
 *   beyond which it fails with ValidationError, so memory stays bounded.
 *
 * Evaluation: every query is evaluated once (memoized), MetricStat queries through
 *   metricstat_series() on their own period, Expression queries through mm_eval with an
 *   mm_env whose lookup evaluates the referenced query (a query met again while it is being
 *   evaluated is a cycle), whose metrics() returns the MetricStat queries (METRICS() leaves
 *   out expressions, as the guide says) and whose search is SEARCH below. An expression's
 *   grid is its Period, else the first MetricStat's period, else 300 s, starting at
 *   StartTime aligned as metricstat_align() aligns it.
 *
 * SEARCH (the callback of mm_env): '{Namespace,DimName,...} terms' as the CloudWatch User
 *   Guide's "search expression syntax" describes it. The schema (optional; names may be in
 *   double quotes) selects the metrics of that namespace whose dimension names are exactly
 *   the listed ones. Terms (optional, but one of the two is needed): a bare word matches a
 *   metric whose name, namespace, dimension names or values contain it as a token
 *   (tokens split at non-alphanumerics, lower/upper case changes and letter/digit changes,
 *   compared case-insensitively: "micro" finds "t2.micro", "CPU" finds "CPUUtilization");
 *   a double-quoted term matches one of those exactly; Name=term and Name="term" restrict
 *   the match to MetricName, Namespace or the dimension Name. Terms are joined by AND
 *   (also implied by juxtaposition), OR and NOT, with parentheses. Only metrics that received
 *   data in the last two weeks are searched (as ListMetrics), at most 500 series are
 *   returned (in ListMetrics order). Not implemented (an error, never ignored): account
 *   designators (:aws.AccountId), and anything else the grammar above does not cover.
 *   Without a period argument SEARCH uses the query's Period, else the first MetricStat's
 *   period, else 300.
 *
 * To change a check: keep its text with its source in this header, and cover it in
 * tests/e2e/test_cloudwatch_stats.py.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/metricmath.h"
#include "engine/metricstat.h"
#include "services/cloudwatch_int.h"
#include "services/params.h"
#include "sim.h"
#include "store/metrics.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define GMS_MAX_POINTS 1440
#define GMD_MAX_QUERIES 500
#define GMD_MAX_POINTS 100800
#define SEARCH_MAX_SERIES 500
#define SEARCH_ACTIVE_MS (14LL * 24 * 3600 * 1000)
#define SEARCH_DEFAULT_PERIOD 300
/* The most datapoints the MetricStat queries and SEARCH series of one GetMetricData may
 * load (500 metrics over two weeks at one minute is 10,080,000): bounds the memory of a
 * request whatever its queries ask. */
#define GMD_MAX_LOADED 12000000L
#define MAX_MESSAGE (1u << 20)

/* ---- helpers ------------------------------------------------------------------------------ */

/* The number of items of a list member, 0 if absent. */
static int list_size(const cJSON *v)
{
    return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
}

/* A timestamp member (epoch seconds in the neutral document) in epoch ms. */
static int64_t param_time_ms(const cJSON *obj, const char *name)
{
    double s = param_num(obj, name, 0);
    double ms = floor(s * 1000.0 + 0.5);
    if (!isfinite(ms) || fabs(ms) > 9e15)
        return 0;
    return (int64_t)ms;
}

/* Prints v in the shortest form that reads back as v: whole numbers without exponent or
 * fraction ("160"), others with as few significant digits as exactness allows ("0.1"). */
static void shortest(double v, char *out, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, n, "%.0f", v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(out, n, "%.*g", p, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* ---- GetMetricStatistics -------------------------------------------------------------- */

/* A fixed, non-chronological order of datapoints: by a hash of (timestamp, unit). */
static uint32_t point_hash(const struct ms_row *r)
{
    uint64_t x = (uint64_t)(r->ts_ms / 1000) * 0x9E3779B97F4A7C15ull + (uint64_t)(r->unit + 1);
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 32;
    return (uint32_t)x;
}

static int row_hash_cmp(const void *a, const void *b)
{
    uint32_t x = point_hash(*(const struct ms_row *const *)a);
    uint32_t y = point_hash(*(const struct ms_row *const *)b);
    return (x > y) - (x < y);
}

int cw_op_GetMetricStatistics(struct call *c)
{
    const char *ns = param_str(c->in, "Namespace");
    const char *name = param_str(c->in, "MetricName");
    const cJSON *stats = param(c->in, "Statistics");
    const cJSON *ext = param(c->in, "ExtendedStatistics");
    int nbasic = list_size(stats), next = list_size(ext);
    if (ns == NULL || name == NULL) /* required, checked by the model */
        return call_error(c, "MissingParameter", "The parameter %s is required.",
                          ns ? "MetricName" : "Namespace");
    if (nbasic == 0 && next == 0)
        return call_error(c, "InvalidParameterCombination",
                          "Must specify either Statistics or ExtendedStatistics");
    if (nbasic && next)
        return call_error(c, "InvalidParameterCombination",
                          "The parameters Statistics and ExtendedStatistics are mutually "
                          "exclusive and you have specified both.");
    /* The statistics to compute, without repeats (the model caps them at 5 and 10). */
    const char *names[MS_MAX_STATS];
    int is_ext[MS_MAX_STATS];
    int n = 0, i = 0;
    const cJSON *item;
    const cJSON *asked = nbasic ? stats : ext;
    cJSON_ArrayForEach(item, asked)
    {
        i++;
        const char *s = cJSON_IsString(item) ? item->valuestring : "";
        if (next && (!metricstat_valid(s) || metricstat_basic(s)))
            return call_error(c, "InvalidParameterValue",
                              "The value %s for parameter ExtendedStatistics.member.%d is "
                              "invalid.", s, i);
        if (nbasic && !metricstat_basic(s)) /* the model's enum check runs first */
            return call_error(c, "InvalidParameterValue",
                              "The parameter Statistics.member.%d must be a value in the set "
                              "[ Minimum, Maximum, Average, SampleCount, Sum ].", i);
        int seen = 0;
        for (int j = 0; j < n && !seen; j++)
            seen = strcmp(names[j], s) == 0;
        if (!seen && n < MS_MAX_STATS) {
            is_ext[n] = next != 0;
            names[n++] = s;
        }
    }
    int64_t start = param_time_ms(c->in, "StartTime"), end = param_time_ms(c->in, "EndTime");
    if (start >= end)
        return call_error(c, "InvalidParameterValue",
                          "The parameter StartTime must be less than the parameter EndTime.");
    int64_t period = param_int(c->in, "Period", 0);
    if (period > INT32_MAX || !metricstat_period_valid((int)period))
        return call_error(c, "InvalidParameterValue", "The parameter Period must be a multiple "
                          "of 60.");
    int64_t npoints = metricstat_npoints(start, end, (int)period, c->now_ms);
    if (npoints > GMS_MAX_POINTS)
        return call_error(c, "InvalidParameterCombination",
                          "You have requested up to %" PRId64 " datapoints, which exceeds the "
                          "limit of %d. You may reduce the datapoints requested by increasing "
                          "Period, or decreasing the time range.", npoints, GMS_MAX_POINTS);
    const char *unit = param_str(c->in, "Unit");
    const cJSON *dims = param(c->in, "Dimensions");
    struct ms_query q = {
        .account = c->tenant.account,
        .region = c->tenant.region,
        .ns = ns,
        .metric = name,
        .dims = cJSON_IsArray(dims) ? dims : NULL,
        .unit = unit,
        .period_s = (int)period,
        .start_ms = start,
        .end_ms = end,
        .now_ms = c->now_ms,
    };
    struct ms_table t;
    if (metricstat_table(c->sim->store, &q, names, n, unit == NULL, &t))
        return call_error(c, "InternalServiceError", "The statistics could not be read.");
    struct ms_row **order = t.n ? xmalloc((size_t)t.n * sizeof *order) : NULL;
    for (int k = 0; k < t.n; k++)
        order[k] = &t.rows[k];
    if (t.n > 1)
        qsort(order, (size_t)t.n, sizeof *order, row_hash_cmp);
    static const char *const basic_order[] = {"SampleCount", "Average", "Sum", "Minimum",
                                              "Maximum"};
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "Label", name);
    cJSON *points = cJSON_AddArrayToObject(c->out, "Datapoints");
    for (int k = 0; k < t.n; k++) {
        const struct ms_row *r = order[k];
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "Timestamp", (double)r->ts_ms / 1000.0);
        for (size_t b = 0; b < sizeof basic_order / sizeof basic_order[0]; b++) {
            for (int j = 0; j < n; j++) {
                if (!is_ext[j] && strcmp(names[j], basic_order[b]) == 0 && !isnan(r->v[j]))
                    cJSON_AddNumberToObject(p, names[j], r->v[j]);
            }
        }
        const char *uname = unit ? unit : metrics_unit_name(r->unit);
        if (uname)
            cJSON_AddStringToObject(p, "Unit", uname);
        if (next) {
            cJSON *m = cJSON_AddObjectToObject(p, "ExtendedStatistics");
            for (int j = 0; j < n; j++) {
                if (!isnan(r->v[j]))
                    cJSON_AddNumberToObject(m, names[j], r->v[j]);
            }
        }
        cJSON_AddItemToArray(points, p);
    }
    free(order);
    metricstat_table_free(&t);
    return SIM_OK;
}

/* ---- GetMetricData: the queries ------------------------------------------------------- */

struct gmd_query {
    const char *id;
    const char *label;   /* NULL = the default */
    const char *account; /* AccountId, or NULL */
    int return_data;
    int period_s; /* MetricStat.Period, or the query's Period (0 = none) */
    /* MetricStat */
    int is_stat;
    const char *ns, *metric, *stat, *unit;
    const cJSON *dims;
    /* Expression */
    const char *expr;
    struct mm_expr *mx; /* owned */
    /* evaluation */
    int state; /* 0 not yet, 1 in progress, 2 done */
    struct mm_value val;
};

struct gmd {
    struct call *c;
    struct gmd_query *q;
    int n;
    int64_t start_ms, end_ms;
    int default_period;
    const struct gmd_query *current; /* the expression being evaluated */
    long loaded;                      /* datapoints loaded so far (GMD_MAX_LOADED) */
    char *error; /* owned: why the evaluation failed */
};

/* Counts n loaded datapoints against the request's budget. Returns 0, or -1 with g->error
 * set once it is exceeded. */
static int gmd_load(struct gmd *g, int n)
{
    g->loaded += n;
    if (g->loaded <= GMD_MAX_LOADED)
        return 0;
    if (g->error == NULL)
        g->error = xasprintf("The request needs more than %ld datapoints. Reduce the time "
                             "range, increase the periods, or ask for fewer metrics.",
                             GMD_MAX_LOADED);
    return -1;
}

/* Returns 1 if id matches ^[a-z][a-zA-Z0-9_]*$. */
static int id_ok(const char *id)
{
    if (id == NULL || !(id[0] >= 'a' && id[0] <= 'z'))
        return 0;
    for (const char *p = id + 1; *p; p++) {
        if (!(isalnum((unsigned char)*p) || *p == '_') || (unsigned char)*p > 0x7f)
            return 0;
    }
    return 1;
}

/* Returns 1 if tz is "+HHMM" or "-HHMM" with HH <= 23 and MM <= 59. */
static int timezone_ok(const char *tz)
{
    if (strlen(tz) != 5 || (tz[0] != '+' && tz[0] != '-'))
        return 0;
    for (int i = 1; i < 5; i++) {
        if (!isdigit((unsigned char)tz[i]))
            return 0;
    }
    return (tz[1] - '0') * 10 + (tz[2] - '0') <= 23 && (tz[3] - '0') * 10 + (tz[4] - '0') <= 59;
}

/* Reads and checks the queries into g->q; problems go to msg as lines. Returns 0 if all
 * were well formed. */
static int gmd_parse(struct gmd *g, const cJSON *list, struct buf *msg)
{
    int i = 0;
    const cJSON *in;
    cJSON_ArrayForEach(in, list)
    {
        struct gmd_query *q = &g->q[i++];
        int m = i;
        q->id = param_str(in, "Id");
        q->label = param_str(in, "Label");
        q->account = param_str(in, "AccountId");
        q->return_data = param_bool(in, "ReturnData", 1);
        q->expr = param_str(in, "Expression");
        const cJSON *ms = param(in, "MetricStat");
        if (!id_ok(q->id))
            buf_printf(msg, "The value %s for parameter MetricDataQueries.member.%d.Id is not "
                       "matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.\n",
                       q->id ? q->id : "", m);
        if (ms && q->expr)
            buf_printf(msg, "The parameters MetricDataQueries.member.%d.MetricStat and "
                       "MetricDataQueries.member.%d.Expression are mutually exclusive and you "
                       "have specified both.\n", m, m);
        else if (!ms && !q->expr)
            buf_printf(msg, "The parameter MetricDataQueries.member.%d.MetricStat is "
                       "required.\n", m);
        int64_t period = param_int(in, "Period", 0);
        if (ms) {
            q->is_stat = 1;
            const cJSON *metric = param(ms, "Metric");
            q->ns = param_str(metric, "Namespace");
            q->metric = param_str(metric, "MetricName");
            q->dims = param(metric, "Dimensions");
            q->stat = param_str(ms, "Stat");
            q->unit = param_str(ms, "Unit");
            period = param_int(ms, "Period", 0);
            if (q->ns == NULL)
                buf_printf(msg, "The parameter MetricDataQueries.member.%d.MetricStat.Metric."
                           "Namespace is required.\n", m);
            if (q->metric == NULL)
                buf_printf(msg, "The parameter MetricDataQueries.member.%d.MetricStat.Metric."
                           "MetricName is required.\n", m);
            if (!metricstat_valid(q->stat))
                buf_printf(msg, "The value %s for parameter MetricDataQueries.member.%d."
                           "MetricStat.Stat is not a valid statistic.\n",
                           q->stat ? q->stat : "", m);
            if (period > INT32_MAX || !metricstat_period_valid((int)period))
                buf_printf(msg, "The parameter MetricDataQueries.member.%d.MetricStat.Period "
                           "must be a multiple of 60.\n", m);
        } else if (param(in, "Period") &&
                   (period > INT32_MAX || !metricstat_period_valid((int)period))) {
            buf_printf(msg, "The parameter MetricDataQueries.member.%d.Period must be a "
                       "multiple of 60.\n", m);
        }
        q->period_s = period > 0 && period <= INT32_MAX ? (int)period : 0;
        if (q->is_stat && g->default_period == 0)
            g->default_period = q->period_s;
    }
    for (int a = 0; a < g->n && msg->len == 0; a++) {
        for (int b = a + 1; b < g->n; b++) {
            if (g->q[a].id && g->q[b].id && strcmp(g->q[a].id, g->q[b].id) == 0) {
                buf_puts(msg, "The values for parameter id in MetricDataQueries are not "
                         "unique.\n");
                break;
            }
        }
    }
    if (msg->len)
        return -1;
    for (int a = 0; a < g->n; a++) {
        struct gmd_query *q = &g->q[a];
        if (q->expr == NULL)
            continue;
        char *err = NULL;
        if (mm_parse(q->expr, &q->mx, &err)) {
            /* Like an evaluation error: one message, the first expression's. */
            buf_printf(msg, "Error in expression '%s': %s", q->id, err ? err : "Invalid syntax");
            free(err);
            q->mx = NULL;
            return -1;
        }
    }
    if (g->default_period == 0)
        g->default_period = SEARCH_DEFAULT_PERIOD;
    return msg->len ? -1 : 0;
}

/* Returns a deep copy of s. */
static void series_copy(const struct mm_series *s, struct mm_series *out)
{
    out->id = s->id ? xstrdup(s->id) : NULL;
    out->label = s->label ? xstrdup(s->label) : NULL;
    out->n = s->n;
    out->period_s = s->period_s;
    out->ts = s->n ? xmalloc((size_t)s->n * sizeof *out->ts) : NULL;
    out->v = s->n ? xmalloc((size_t)s->n * sizeof *out->v) : NULL;
    if (s->n) {
        memcpy(out->ts, s->ts, (size_t)s->n * sizeof *out->ts);
        memcpy(out->v, s->v, (size_t)s->n * sizeof *out->v);
    }
}

/* Sets *out to a deep copy of v. */
static void value_copy(const struct mm_value *v, struct mm_value *out)
{
    out->kind = v->kind;
    out->scalar = v->scalar;
    out->nseries = v->nseries;
    out->dropped = v->dropped;
    out->series = v->nseries ? xcalloc((size_t)v->nseries, sizeof *out->series) : NULL;
    for (int i = 0; i < v->nseries; i++)
        series_copy(&v->series[i], &out->series[i]);
}

static int gmd_eval(struct gmd *g, int i, int as_result);

/* mm_env.lookup: the value of query id (evaluated on first use). */
static int env_lookup(void *ctx, const char *id, struct mm_value *out)
{
    struct gmd *g = ctx;
    for (int i = 0; i < g->n; i++) {
        if (strcmp(g->q[i].id, id) != 0)
            continue;
        if (gmd_eval(g, i, 0))
            return -1;
        value_copy(&g->q[i].val, out);
        return 0;
    }
    return 1;
}

/* mm_env.metrics: every MetricStat query whose id contains filter, in request order. */
static int env_metrics(void *ctx, const char *filter, struct mm_value *out)
{
    struct gmd *g = ctx;
    struct mm_value v = {.kind = MM_ARRAY};
    for (int i = 0; i < g->n; i++) {
        struct gmd_query *q = &g->q[i];
        if (!q->is_stat || (filter && strstr(q->id, filter) == NULL))
            continue;
        if (gmd_eval(g, i, 0)) {
            mm_value_clear(&v);
            return -1;
        }
        v.series = xrealloc(v.series, (size_t)(v.nseries + 1) * sizeof *v.series);
        series_copy(&q->val.series[0], &v.series[v.nseries++]);
    }
    *out = v;
    return 0;
}

static int env_search(void *ctx, const char *expr, const char *stat, int period_s,
                      struct mm_value *out, char **error);

/* The environment of expression query q. */
static struct mm_env gmd_env(struct gmd *g, const struct gmd_query *q)
{
    int period = q->period_s ? q->period_s : g->default_period;
    struct mm_env env = {
        .ctx = g,
        .lookup = env_lookup,
        .metrics = env_metrics,
        .search = env_search,
        .start_ms = metricstat_align(g->start_ms, period, g->c->now_ms),
        .end_ms = g->end_ms,
        .period_s = period,
    };
    return env;
}

/* Records the first evaluation error of the request: "Error in expression '<Id>': detail"
 * (takes ownership of detail). */
static void gmd_fail(struct gmd *g, const struct gmd_query *q, char *detail)
{
    if (g->error == NULL)
        g->error = xasprintf("Error in expression '%s': %s", q->id,
                             detail ? detail : "The expression could not be evaluated");
    free(detail);
}

/* Evaluates query i into its val (once). as_result: the value is returned to the caller,
 * so a scalar is an error. Returns 0, or -1 with g->error set. */
static int gmd_eval(struct gmd *g, int i, int as_result)
{
    struct gmd_query *q = &g->q[i];
    if (q->state == 2) {
        if (as_result && !q->is_stat && q->val.kind == MM_SCALAR) {
            /* Evaluated inside another expression first; ask again for the error. */
            struct mm_env env = gmd_env(g, q);
            struct mm_value v = {0};
            char *err = NULL;
            if (mm_eval_result(q->mx, &env, &v, &err)) {
                gmd_fail(g, q, err);
                return -1;
            }
            free(err);
            mm_value_clear(&v);
        }
        return 0;
    }
    if (q->state == 1) {
        /* Reached again while it is being evaluated: a cycle through the current one. */
        gmd_fail(g, g->current ? g->current : q, xasprintf("Circular dependency on '%s'", q->id));
        return -1;
    }
    q->state = 1;
    if (q->is_stat) {
        struct mm_series s = {0};
        int forbidden = q->account && strcmp(q->account, g->c->tenant.account) != 0;
        struct ms_query mq = {
            .account = g->c->tenant.account,
            .region = g->c->tenant.region,
            .ns = q->ns,
            .metric = q->metric,
            .dims = cJSON_IsArray(q->dims) ? q->dims : NULL,
            .stat = q->stat,
            .unit = q->unit,
            .period_s = q->period_s,
            .start_ms = g->start_ms,
            .end_ms = g->end_ms,
            .now_ms = g->c->now_ms,
        };
        if (!forbidden && metricstat_series(g->c->sim->store, &mq, &s)) {
            g->error = xstrdup("The statistics could not be read.");
            return -1;
        }
        if (gmd_load(g, s.n)) {
            mm_series_clear(&s);
            return -1;
        }
        s.id = xstrdup(q->id);
        s.period_s = q->period_s;
        q->val.kind = MM_SERIES;
        q->val.series = xmalloc(sizeof *q->val.series);
        q->val.series[0] = s;
        q->val.nseries = 1;
    } else {
        struct mm_env env = gmd_env(g, q);
        char *err = NULL;
        struct mm_value v = {0};
        const struct gmd_query *outer = g->current;
        g->current = q;
        int bad = as_result ? mm_eval_result(q->mx, &env, &v, &err)
                            : mm_eval(q->mx, &env, &v, &err);
        g->current = outer;
        if (bad) {
            gmd_fail(g, q, err);
            return -1;
        }
        free(err);
        q->val = v;
    }
    q->state = 2;
    return 0;
}

/* ---- SEARCH --------------------------------------------------------------------------- */

/* One stored metric considered by a search. */
struct found {
    int64_t id;
    char *ns, *name;
    char *key; /* the canonical dims key, split in place into dims */
    struct metrics_dim dims[METRICS_MAX_DIMS];
    int ndims;
};

struct found_list {
    struct found *f;
    int n, cap;
    int64_t last_id;
};

/* Collects one listed metric (metrics_list callback). */
static void found_add(void *arg, const struct metrics_listed *m)
{
    struct found_list *l = arg;
    l->last_id = m->id;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->f = xrealloc(l->f, (size_t)l->cap * sizeof *l->f);
    }
    struct found *f = &l->f[l->n++];
    f->id = m->id;
    f->ns = xstrdup(m->namespace);
    f->name = xstrdup(m->name);
    struct buf b;
    buf_init(&b, 1u << 20);
    metrics_dims_key(m->dims, m->ndims, &b);
    f->key = b.p ? buf_steal(&b, NULL) : xstrdup("");
    buf_free(&b);
    f->ndims = metrics_dims_parse(f->key, f->dims, METRICS_MAX_DIMS);
    if (f->ndims < 0)
        f->ndims = 0;
}

static void found_free(struct found_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->f[i].ns);
        free(l->f[i].name);
        free(l->f[i].key);
    }
    free(l->f);
}

enum { ST_END, ST_WORD, ST_QUOTED, ST_EQ, ST_LP, ST_RP, ST_AND, ST_OR, ST_NOT };

/* The search-term parser: tokens are read on demand from p. */
struct sparse {
    const char *p;
    int tok;
    char text[1024];
    char *error;
    int depth;
};

enum { SN_TERM, SN_AND, SN_OR, SN_NOT };

struct snode {
    int op;
    struct snode *a, *b;
    char *prop;  /* designator, NULL = any property */
    char *value; /* the term */
    int exact;   /* a quoted term */
};

static void snode_free(struct snode *n)
{
    if (n == NULL)
        return;
    snode_free(n->a);
    snode_free(n->b);
    free(n->prop);
    free(n->value);
    free(n);
}

/* Reads the next token into sp->tok / sp->text. Returns 0 or -1 (sp->error set). */
static int s_next(struct sparse *sp)
{
    while (*sp->p == ' ' || *sp->p == '\t' || *sp->p == '\n' || *sp->p == '\r')
        sp->p++;
    sp->text[0] = '\0';
    char ch = *sp->p;
    if (ch == '\0') {
        sp->tok = ST_END;
        return 0;
    }
    if (ch == '(' || ch == ')' || ch == '=') {
        sp->tok = ch == '(' ? ST_LP : ch == ')' ? ST_RP : ST_EQ;
        sp->p++;
        return 0;
    }
    size_t n = 0;
    if (ch == '"') {
        sp->p++;
        while (*sp->p && *sp->p != '"') {
            if (*sp->p == '\\' && sp->p[1])
                sp->p++;
            if (n + 1 >= sizeof sp->text) {
                sp->error = xstrdup("Invalid SEARCH expression: a search term is too long.");
                return -1;
            }
            sp->text[n++] = *sp->p++;
        }
        if (*sp->p != '"') {
            sp->error = xstrdup("Invalid SEARCH expression: unterminated double quote.");
            return -1;
        }
        sp->p++;
        sp->text[n] = '\0';
        sp->tok = ST_QUOTED;
        return 0;
    }
    while (*sp->p && !strchr(" \t\r\n()=\"", *sp->p)) {
        if (n + 1 >= sizeof sp->text) {
            sp->error = xstrdup("Invalid SEARCH expression: a search term is too long.");
            return -1;
        }
        sp->text[n++] = *sp->p++;
    }
    sp->text[n] = '\0';
    sp->tok = strcmp(sp->text, "AND") == 0  ? ST_AND
              : strcmp(sp->text, "OR") == 0 ? ST_OR
              : strcmp(sp->text, "NOT") == 0 ? ST_NOT
                                            : ST_WORD;
    if (sp->tok == ST_WORD && sp->text[0] == ':') {
        sp->error = xasprintf("Invalid SEARCH expression: the designator %s is not supported.",
                              sp->text);
        return -1;
    }
    return 0;
}

static struct snode *s_or(struct sparse *sp);

/* primary := '(' or ')' | [designator '='] (word | "quoted") */
static struct snode *s_primary(struct sparse *sp)
{
    if (++sp->depth > 32) {
        sp->error = xstrdup("Invalid SEARCH expression: too deeply nested.");
        return NULL;
    }
    struct snode *n = NULL;
    if (sp->tok == ST_LP) {
        if (s_next(sp))
            return NULL;
        n = s_or(sp);
        if (n == NULL)
            return NULL;
        if (sp->tok != ST_RP) {
            snode_free(n);
            sp->error = xstrdup("Invalid SEARCH expression: missing closing parenthesis.");
            return NULL;
        }
        if (s_next(sp)) {
            snode_free(n);
            return NULL;
        }
        sp->depth--;
        return n;
    }
    if (sp->tok != ST_WORD && sp->tok != ST_QUOTED) {
        sp->error = xstrdup("Invalid SEARCH expression: a search term was expected.");
        return NULL;
    }
    n = xcalloc(1, sizeof *n);
    n->op = SN_TERM;
    n->value = xstrdup(sp->text);
    n->exact = sp->tok == ST_QUOTED;
    if (s_next(sp)) {
        snode_free(n);
        return NULL;
    }
    if (sp->tok == ST_EQ) {
        n->prop = n->value;
        n->value = NULL;
        if (s_next(sp) || (sp->tok != ST_WORD && sp->tok != ST_QUOTED)) {
            if (sp->error == NULL)
                sp->error = xasprintf("Invalid SEARCH expression: a value was expected after "
                                      "%s=.", n->prop);
            snode_free(n);
            return NULL;
        }
        n->value = xstrdup(sp->text);
        n->exact = sp->tok == ST_QUOTED;
        if (s_next(sp)) {
            snode_free(n);
            return NULL;
        }
    }
    sp->depth--;
    return n;
}

/* not := 'NOT' not | primary */
static struct snode *s_not(struct sparse *sp)
{
    if (sp->tok != ST_NOT)
        return s_primary(sp);
    if (s_next(sp) || ++sp->depth > 32) {
        if (sp->error == NULL)
            sp->error = xstrdup("Invalid SEARCH expression: too deeply nested.");
        return NULL;
    }
    struct snode *a = s_not(sp);
    sp->depth--;
    if (a == NULL)
        return NULL;
    struct snode *n = xcalloc(1, sizeof *n);
    n->op = SN_NOT;
    n->a = a;
    return n;
}

/* and := not (['AND'] not)* */
static struct snode *s_and(struct sparse *sp)
{
    struct snode *left = s_not(sp);
    while (left && sp->tok != ST_END && sp->tok != ST_OR && sp->tok != ST_RP) {
        if (sp->tok == ST_AND && s_next(sp)) {
            snode_free(left);
            return NULL;
        }
        struct snode *right = s_not(sp);
        if (right == NULL) {
            snode_free(left);
            return NULL;
        }
        struct snode *n = xcalloc(1, sizeof *n);
        n->op = SN_AND;
        n->a = left;
        n->b = right;
        left = n;
    }
    return left;
}

/* or := and ('OR' and)* */
static struct snode *s_or(struct sparse *sp)
{
    struct snode *left = s_and(sp);
    while (left && sp->tok == ST_OR) {
        if (s_next(sp)) {
            snode_free(left);
            return NULL;
        }
        struct snode *right = s_and(sp);
        if (right == NULL) {
            snode_free(left);
            return NULL;
        }
        struct snode *n = xcalloc(1, sizeof *n);
        n->op = SN_OR;
        n->a = left;
        n->b = right;
        left = n;
    }
    return left;
}

#define MAX_TOKENS 64

/* Splits s into lower-case tokens (see SEARCH in the file header) in buf; tok[i] point
 * into it. Returns the number of tokens. */
static int tokenize(const char *s, char *buf, size_t bufsz, char **tok, int max)
{
    int n = 0;
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < max) {
        while (*p && !isalnum(*p))
            p++;
        if (!*p)
            break;
        tok[n++] = buf + o;
        while (*p && isalnum(*p) && o + 2 < bufsz) {
            buf[o++] = (char)tolower(*p);
            unsigned char a = p[0], b = p[1], c = b ? p[2] : 0;
            p++;
            if (!isalnum(b))
                break;
            int split = (isdigit(a) != 0) != (isdigit(b) != 0) ||
                        (islower(a) && isupper(b)) ||
                        (isupper(a) && isupper(b) && c && islower(c));
            if (split)
                break;
        }
        buf[o++] = '\0';
        if (o + 2 >= bufsz)
            break;
    }
    return n;
}

/* Returns 1 if term matches value: exactly when exact, else when the term's tokens occur
 * consecutively among the value's tokens. */
static int term_match(const char *term, int exact, const char *value)
{
    if (exact)
        return strcmp(term, value) == 0;
    char tb[1100], vb[2200];
    char *tt[MAX_TOKENS], *vt[MAX_TOKENS];
    int nt = tokenize(term, tb, sizeof tb, tt, MAX_TOKENS);
    int nv = tokenize(value, vb, sizeof vb, vt, MAX_TOKENS);
    if (nt == 0)
        return 0;
    for (int i = 0; i + nt <= nv; i++) {
        int ok = 1;
        for (int j = 0; j < nt && ok; j++)
            ok = strcmp(tt[j], vt[i + j]) == 0;
        if (ok)
            return 1;
    }
    return 0;
}

/* Evaluates the search terms against one metric. */
static int s_match(const struct snode *n, const struct found *f)
{
    switch (n->op) {
    case SN_AND:
        return s_match(n->a, f) && s_match(n->b, f);
    case SN_OR:
        return s_match(n->a, f) || s_match(n->b, f);
    case SN_NOT:
        return !s_match(n->a, f);
    default:
        break;
    }
    if (n->prop) {
        if (strcmp(n->prop, "MetricName") == 0)
            return term_match(n->value, n->exact, f->name);
        if (strcmp(n->prop, "Namespace") == 0)
            return term_match(n->value, n->exact, f->ns);
        for (int i = 0; i < f->ndims; i++) {
            if (strcmp(f->dims[i].name, n->prop) == 0)
                return term_match(n->value, n->exact, f->dims[i].value);
        }
        return 0;
    }
    if (term_match(n->value, n->exact, f->name) || term_match(n->value, n->exact, f->ns))
        return 1;
    for (int i = 0; i < f->ndims; i++) {
        if (term_match(n->value, n->exact, f->dims[i].name) ||
            term_match(n->value, n->exact, f->dims[i].value))
            return 1;
    }
    return 0;
}

/* The metric schema "{ns,dim,...}" of a search. */
struct schema {
    int present;
    char *ns;
    char *dims[METRICS_MAX_DIMS];
    int ndims;
};

static void schema_free(struct schema *s)
{
    free(s->ns);
    for (int i = 0; i < s->ndims; i++)
        free(s->dims[i]);
}

/* Reads one schema item (possibly double-quoted) at *p up to ',' or '}'. Returns the owned
 * trimmed text, or NULL if malformed. */
static char *schema_item(const char **p)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    struct buf b;
    buf_init(&b, 1024);
    if (*s == '"') {
        s++;
        while (*s && *s != '"')
            buf_putc(&b, *s++);
        if (*s != '"') {
            buf_free(&b);
            return NULL;
        }
        s++;
        while (*s == ' ')
            s++;
    } else {
        while (*s && *s != ',' && *s != '}')
            buf_putc(&b, *s++);
        while (b.len && b.p[b.len - 1] == ' ')
            b.p[--b.len] = '\0';
    }
    if ((*s != ',' && *s != '}') || b.len == 0 || b.overflow) {
        buf_free(&b);
        return NULL;
    }
    *p = s;
    return buf_steal(&b, NULL);
}

/* Parses the optional schema at the start of text; *rest is what follows. Returns 0 or -1
 * with *error set. */
static int schema_parse(const char *text, struct schema *sc, const char **rest, char **error)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    *rest = p;
    if (*p != '{')
        return 0;
    p++;
    sc->present = 1;
    for (int i = 0;; i++) {
        char *item = schema_item(&p);
        if (item == NULL || (i > 0 && sc->ndims == METRICS_MAX_DIMS)) {
            free(item);
            *error = xstrdup("Invalid SEARCH expression: the metric schema is malformed.");
            return -1;
        }
        if (i == 0)
            sc->ns = item;
        else
            sc->dims[sc->ndims++] = item;
        if (*p++ == '}')
            break;
    }
    *rest = p;
    return 0;
}

/* Returns 1 if f has exactly the schema's namespace and dimension names. */
static int schema_match(const struct schema *sc, const struct found *f)
{
    if (!sc->present)
        return 1;
    if (strcmp(sc->ns, f->ns) != 0 || sc->ndims != f->ndims)
        return 0;
    for (int i = 0; i < sc->ndims; i++) {
        int found = 0;
        for (int j = 0; j < f->ndims && !found; j++)
            found = strcmp(sc->dims[i], f->dims[j].name) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

/* The label of a series found by SEARCH: its dimension values, then its metric name. */
static char *found_label(const struct found *f)
{
    struct buf b;
    buf_init(&b, 1u << 16);
    for (int i = 0; i < f->ndims; i++)
        buf_printf(&b, "%s ", f->dims[i].value);
    buf_puts(&b, f->name);
    return buf_steal(&b, NULL);
}

/* mm_env.search: the stored metrics matching expr, each as a series of stat over period_s.
 * See SEARCH in the file header. */
static int env_search(void *ctx, const char *expr, const char *stat, int period_s,
                      struct mm_value *out, char **error)
{
    struct gmd *g = ctx;
    struct schema sc = {0};
    struct sparse sp = {0};
    struct snode *terms = NULL;
    struct found_list fl = {0};
    struct mm_value v = {.kind = MM_ARRAY};
    int rc = -1;
    const char *rest;
    if (stat == NULL || !metricstat_valid(stat)) {
        *error = xasprintf("Invalid SEARCH expression: %s is not a valid statistic.",
                           stat ? stat : "");
        goto out;
    }
    if (period_s <= 0)
        period_s = g->default_period;
    if (!metricstat_period_valid(period_s)) {
        *error = xasprintf("Invalid SEARCH expression: %d is not a valid period.", period_s);
        goto out;
    }
    if (schema_parse(expr, &sc, &rest, error))
        goto out;
    sp.p = rest;
    if (s_next(&sp))
        goto bad;
    if (sp.tok != ST_END) {
        terms = s_or(&sp);
        if (terms == NULL)
            goto bad;
        if (sp.tok != ST_END) {
            free(sp.error);
            sp.error = xstrdup("Invalid SEARCH expression: unexpected text after the search "
                               "terms.");
            goto bad;
        }
    } else if (!sc.present) {
        sp.error = xstrdup("Invalid SEARCH expression: a metric schema or a search term is "
                           "required.");
        goto bad;
    }
    struct metrics_filter f = {
        .namespace = sc.present ? sc.ns : NULL,
        .active_since_ms = g->c->now_ms - SEARCH_ACTIVE_MS,
    };
    for (int64_t after = 0;;) {
        int more = 0;
        int before = fl.n;
        if (metrics_list(g->c->sim->store, g->c->tenant.account, g->c->tenant.region, &f,
                         after, 500, found_add, &fl, &more) < 0) {
            *error = xstrdup("The metrics could not be searched.");
            goto out;
        }
        /* Keep only the matches, so memory follows the result, not the account. */
        int keep = before;
        for (int i = before; i < fl.n; i++) {
            if (schema_match(&sc, &fl.f[i]) && (terms == NULL || s_match(terms, &fl.f[i]))) {
                struct found tmp = fl.f[keep];
                fl.f[keep] = fl.f[i];
                fl.f[i] = tmp;
                keep++;
            }
        }
        for (int i = keep; i < fl.n; i++) {
            free(fl.f[i].ns);
            free(fl.f[i].name);
            free(fl.f[i].key);
        }
        after = fl.last_id;
        fl.n = keep;
        if (!more || fl.n >= SEARCH_MAX_SERIES)
            break;
    }
    if (fl.n > SEARCH_MAX_SERIES) {
        for (int i = SEARCH_MAX_SERIES; i < fl.n; i++) {
            free(fl.f[i].ns);
            free(fl.f[i].name);
            free(fl.f[i].key);
        }
        fl.n = SEARCH_MAX_SERIES;
    }
    v.series = fl.n ? xcalloc((size_t)fl.n, sizeof *v.series) : NULL;
    for (int i = 0; i < fl.n; i++) {
        const struct found *m = &fl.f[i];
        cJSON *dims = cJSON_CreateArray();
        for (int d = 0; d < m->ndims; d++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "Name", m->dims[d].name);
            cJSON_AddStringToObject(o, "Value", m->dims[d].value);
            cJSON_AddItemToArray(dims, o);
        }
        struct ms_query mq = {
            .account = g->c->tenant.account,
            .region = g->c->tenant.region,
            .ns = m->ns,
            .metric = m->name,
            .dims = dims,
            .stat = stat,
            .period_s = period_s,
            .start_ms = g->start_ms,
            .end_ms = g->end_ms,
            .now_ms = g->c->now_ms,
        };
        int bad = metricstat_series(g->c->sim->store, &mq, &v.series[i]);
        cJSON_Delete(dims);
        v.nseries = i + 1;
        if (bad) {
            *error = xstrdup("The statistics could not be read.");
            goto out;
        }
        if (gmd_load(g, v.series[i].n)) {
            *error = xstrdup(g->error);
            goto out;
        }
        v.series[i].label = found_label(m);
        v.series[i].period_s = period_s;
    }
    *out = v;
    v.series = NULL;
    v.nseries = 0;
    rc = 0;
    goto out;
bad:
    *error = sp.error ? sp.error : xstrdup("Invalid SEARCH expression.");
    sp.error = NULL;
out:
    free(sp.error);
    mm_value_clear(&v);
    snode_free(terms);
    found_free(&fl);
    schema_free(&sc);
    return rc;
}

/* ---- GetMetricData: results ----------------------------------------------------------- */

struct gmd_result {
    const struct gmd_query *q;
    char *label; /* owned */
    int n;
    const int64_t *ts; /* borrowed from the query's value, in output order */
    const double *v;
};

/* Appends the value of one ${NAME} of a dynamic label, or the text as written when the name
 * is not supported. */
static void label_value(struct buf *b, const char *name, size_t len, const struct gmd_query *q,
                        const struct mm_series *s, const char *dflt, const struct call *c)
{
    char num[40];
    double sum = 0, mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < s->n; i++) {
        sum += s->v[i];
        mn = fmin(mn, s->v[i]);
        mx = fmax(mx, s->v[i]);
    }
    double val = NAN;
    int is_num = 1;
#define IS(lit) (len == sizeof(lit) - 1 && strncmp(name, lit, len) == 0)
    if (IS("LABEL")) {
        buf_puts(b, dflt);
        return;
    } else if (IS("AVG")) {
        val = s->n ? sum / s->n : NAN;
    } else if (IS("SUM")) {
        val = sum;
    } else if (IS("MIN")) {
        val = s->n ? mn : NAN;
    } else if (IS("MAX")) {
        val = s->n ? mx : NAN;
    } else if (IS("FIRST")) {
        val = s->n ? s->v[0] : NAN;
    } else if (IS("LAST")) {
        val = s->n ? s->v[s->n - 1] : NAN;
    } else if (IS("DATAPOINT_COUNT")) {
        val = s->n;
    } else if (IS("MIN_MAX_RANGE")) {
        val = s->n ? mx - mn : NAN;
    } else if (IS("FIRST_LAST_RANGE")) {
        val = s->n ? s->v[s->n - 1] - s->v[0] : NAN;
    } else {
        is_num = 0;
    }
    if (is_num) {
        if (!isnan(val)) {
            shortest(val, num, sizeof num);
            buf_puts(b, num);
        }
        return;
    }
    if (len > 8 && strncmp(name, "PROP('", 6) == 0 && strncmp(name + len - 2, "')", 2) == 0) {
        const char *prop = name + 6;
        size_t plen = len - 8;
#define PIS(lit) (plen == sizeof(lit) - 1 && strncmp(prop, lit, plen) == 0)
        if (PIS("MetricName") && q->is_stat) {
            buf_puts(b, q->metric);
        } else if (PIS("Namespace") && q->is_stat) {
            buf_puts(b, q->ns);
        } else if (PIS("Stat") && q->is_stat) {
            buf_puts(b, q->stat);
        } else if (PIS("Period")) {
            buf_printf(b, "%d", q->period_s);
        } else if (PIS("AccountId")) {
            buf_puts(b, c->tenant.account);
        } else if (PIS("Region")) {
            buf_puts(b, c->tenant.region);
        } else if (plen > 4 && strncmp(prop, "Dim.", 4) == 0 && q->is_stat) {
            const cJSON *d;
            cJSON_ArrayForEach(d, q->dims)
            {
                const char *dn = param_str(d, "Name");
                if (dn && strlen(dn) == plen - 4 && strncmp(dn, prop + 4, plen - 4) == 0)
                    buf_puts(b, param_str(d, "Value") ? param_str(d, "Value") : "");
            }
        }
#undef PIS
        return;
    }
#undef IS
    buf_puts(b, "${");
    buf_append(b, name, len);
    buf_putc(b, '}');
}

/* The label of one result: the query's Label with dynamic labels expanded (after which a
 * SEARCH series' own label follows), else the default. Returns an owned string. */
static char *result_label(const struct gmd_query *q, const struct mm_series *s,
                          const struct call *c)
{
    const char *dflt = s->label ? s->label : q->is_stat ? q->metric : q->id;
    if (q->label == NULL)
        return xstrdup(dflt);
    struct buf b;
    buf_init(&b, 1u << 16);
    for (const char *p = q->label; *p;) {
        const char *close = p[0] == '$' && p[1] == '{' ? strchr(p + 2, '}') : NULL;
        if (close) {
            label_value(&b, p + 2, (size_t)(close - p - 2), q, s, dflt, c);
            p = close + 1;
        } else {
            buf_putc(&b, *p++);
        }
    }
    if (s->label)
        buf_printf(&b, "%s%s", b.len ? " " : "", s->label);
    char *out = b.p ? buf_steal(&b, NULL) : xstrdup("");
    buf_free(&b);
    return out;
}

/* Puts one series in output order: ascending, or reversed for TimestampDescending, with
 * missing values (NAN) dropped. Works in place on s. */
static void series_order(struct mm_series *s, int descending)
{
    int k = 0;
    for (int i = 0; i < s->n; i++) {
        if (isnan(s->v[i]))
            continue;
        s->ts[k] = s->ts[i];
        s->v[k] = s->v[i];
        k++;
    }
    s->n = k;
    /* Series from the store are ascending; expression results are kept on the grid. */
    for (int i = 1; i < s->n; i++) {
        int64_t t = s->ts[i];
        double v = s->v[i];
        int j = i - 1;
        while (j >= 0 && s->ts[j] > t) {
            s->ts[j + 1] = s->ts[j];
            s->v[j + 1] = s->v[j];
            j--;
        }
        s->ts[j + 1] = t;
        s->v[j + 1] = v;
    }
    if (descending) {
        for (int i = 0, j = s->n - 1; i < j; i++, j--) {
            int64_t t = s->ts[i];
            s->ts[i] = s->ts[j];
            s->ts[j] = t;
            double v = s->v[i];
            s->v[i] = s->v[j];
            s->v[j] = v;
        }
    }
}

/* FNV-1a of the request without its paging members: what a NextToken is bound to. */
static uint64_t request_fingerprint(const cJSON *in)
{
    cJSON *copy = cJSON_Duplicate(in, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "NextToken");
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "MaxDatapoints");
    char *text = cJSON_PrintUnformatted(copy);
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    cJSON_free(text);
    cJSON_Delete(copy);
    return h;
}

/* Parses a NextToken (16 hex digits of offset, 16 of fingerprint). Returns 0 or -1. */
static int token_parse(const char *t, uint64_t *offset, uint64_t *fp)
{
    if (strlen(t) != 32)
        return -1;
    uint64_t x[2] = {0, 0};
    for (int i = 0; i < 32; i++) {
        char ch = t[i];
        int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        x[i / 16] = x[i / 16] << 4 | (uint64_t)v;
    }
    *offset = x[0];
    *fp = x[1];
    return 0;
}

/* Adds one result to the output: the part of its points inside the page [lo, hi) of the
 * flattened points, where the result's own points start at first. */
static void result_json(cJSON *arr, const struct gmd_result *r, int64_t first, int64_t lo,
                        int64_t hi, int forbidden)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Id", r->q->id);
    cJSON_AddStringToObject(o, "Label", r->label);
    cJSON *ts = cJSON_AddArrayToObject(o, "Timestamps");
    cJSON *vs = cJSON_AddArrayToObject(o, "Values");
    int64_t a = first > lo ? first : lo;
    int64_t b = first + r->n < hi ? first + r->n : hi;
    for (int64_t k = a; k < b; k++) {
        cJSON_AddItemToArray(ts, cJSON_CreateNumber((double)r->ts[k - first] / 1000.0));
        cJSON_AddItemToArray(vs, cJSON_CreateNumber(r->v[k - first]));
    }
    const char *status = forbidden ? "Forbidden" : first + r->n <= hi ? "Complete" : "PartialData";
    cJSON_AddStringToObject(o, "StatusCode", status);
    if (r->q->val.dropped > 0) {
        cJSON *msgs = cJSON_AddArrayToObject(o, "Messages");
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "Code", "ArithmeticError");
        cJSON_AddStringToObject(m, "Value", "One or more data points have been dropped due to "
                                "non-numeric values (NaN, -Infinite, +Infinite)");
        cJSON_AddItemToArray(msgs, m);
    }
    cJSON_AddItemToArray(arr, o);
}

int cw_op_GetMetricData(struct call *c)
{
    const cJSON *list = param(c->in, "MetricDataQueries");
    int nq = list_size(list);
    int64_t start = param_time_ms(c->in, "StartTime"), end = param_time_ms(c->in, "EndTime");
    if (start == end)
        return call_error(c, "ValidationError",
                          "The parameter StartTime must not equal parameter EndTime.");
    if (start > end)
        return call_error(c, "ValidationError",
                          "The parameter EndTime must be greater than StartTime.");
    if (nq == 0)
        return call_error(c, "ValidationError", "The collection MetricDataQueries must not "
                          "have a size less than 1.");
    if (nq > GMD_MAX_QUERIES)
        return call_error(c, "ValidationError", "The collection MetricDataQueries must not "
                          "have a size greater than %d.", GMD_MAX_QUERIES);
    const char *scan = param_str(c->in, "ScanBy");
    int descending = scan == NULL || strcmp(scan, "TimestampAscending") != 0;
    int64_t maxdp = param_int(c->in, "MaxDatapoints", GMD_MAX_POINTS);
    if (maxdp <= 0)
        return call_error(c, "ValidationError",
                          "The parameter MaxDatapoints must be greater than 0.");
    if (maxdp > GMD_MAX_POINTS)
        maxdp = GMD_MAX_POINTS;
    const cJSON *lo = param(c->in, "LabelOptions");
    const char *tz = param_str(lo, "Timezone");
    if (tz && !timezone_ok(tz))
        return call_error(c, "ValidationError",
                          "The value %s for parameter LabelOptions.Timezone is invalid.", tz);
    uint64_t offset = 0;
    uint64_t fp = request_fingerprint(c->in);
    const char *token = param_str(c->in, "NextToken");
    if (token) {
        uint64_t tfp;
        if (token_parse(token, &offset, &tfp) || tfp != fp)
            return call_error(c, "InvalidNextToken", "The service returned an invalid "
                              "NextToken.");
    }

    int rc = SIM_ERROR;
    struct gmd g = {.c = c, .n = nq, .start_ms = start, .end_ms = end};
    g.q = xcalloc((size_t)nq, sizeof *g.q);
    struct gmd_result *res = NULL;
    int nres = 0;
    struct buf msg;
    buf_init(&msg, MAX_MESSAGE);
    if (gmd_parse(&g, list, &msg)) {
        call_error(c, "ValidationError", "%s", msg.p);
        goto out;
    }
    for (int i = 0; i < nq; i++) {
        if (gmd_eval(&g, i, g.q[i].return_data)) {
            call_error(c, "ValidationError", "%s", g.error);
            goto out;
        }
    }
    /* The results, in request order; a value with several series gives several. */
    for (int i = 0; i < nq; i++) {
        struct gmd_query *q = &g.q[i];
        if (!q->return_data)
            continue;
        for (int k = 0; k < q->val.nseries; k++) {
            struct mm_series *s = &q->val.series[k];
            series_order(s, descending);
            res = xrealloc(res, (size_t)(nres + 1) * sizeof *res);
            res[nres++] = (struct gmd_result){q, result_label(q, s, c), s->n, s->ts, s->v};
        }
        if (q->val.kind == MM_SCALAR) {
            res = xrealloc(res, (size_t)(nres + 1) * sizeof *res);
            struct mm_series none = {0};
            res[nres++] = (struct gmd_result){q, result_label(q, &none, c), 0, NULL, NULL};
        }
    }
    int64_t total = 0;
    for (int i = 0; i < nres; i++)
        total += res[i].n;
    if ((int64_t)offset > total) {
        call_error(c, "InvalidNextToken", "The service returned an invalid NextToken.");
        goto out;
    }
    int64_t page_lo = (int64_t)offset, page_hi = page_lo + maxdp < total ? page_lo + maxdp : total;
    c->out = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(c->out, "MetricDataResults");
    int64_t first = 0;
    for (int i = 0; i < nres; i++) {
        int forbidden = res[i].q->account && strcmp(res[i].q->account, c->tenant.account) != 0;
        result_json(arr, &res[i], first, page_lo, page_hi, forbidden);
        first += res[i].n;
    }
    if (page_hi < total) {
        char next[33];
        snprintf(next, sizeof next, "%016" PRIx64 "%016" PRIx64, (uint64_t)page_hi, fp);
        cJSON_AddStringToObject(c->out, "NextToken", next);
    }
    cJSON_AddArrayToObject(c->out, "Messages");
    rc = SIM_OK;
out:
    for (int i = 0; i < nres; i++)
        free(res[i].label);
    free(res);
    for (int i = 0; i < nq; i++) {
        if (g.q[i].mx)
            mm_free(g.q[i].mx);
        mm_value_clear(&g.q[i].val);
    }
    free(g.q);
    free(g.error);
    buf_free(&msg);
    return rc;
}
