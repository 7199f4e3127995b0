/*
 * cloudwatch_inject.c - metric data put by the control API (POST /_drill/metrics), for the
 * namespaces that only AWS services publish to.
 *
 * PutMetricData refuses namespaces starting with "AWS/" (they are reserved for AWS), so data
 * that on AWS comes from a service - AWS/RDS DatabaseConnections, AWS/ECS CPUUtilization -
 * enters here until the engine emits it itself: drills, fixtures and tests (the runbook's
 * get-metric-statistics in tests/e2e/test_cloudwatch_stats_cli.py) use it. The body is
 * PutMetricData's input in its JSON form, {"Namespace": "AWS/RDS", "MetricData": [{
 * "MetricName", "Dimensions": [{"Name","Value"}], "Timestamp" (epoch seconds or ISO 8601;
 * default now), "Value" | "Values" (+ "Counts") | "StatisticValues", "Unit",
 * "StorageResolution"}]}. The rules are PutMetricData's shape rules (sizes, finite values,
 * units, unique dimension names) without its namespace and two-week limits: a timestamp may
 * be up to 455 days old (CloudWatch's retention) and two hours ahead. The datums are stored
 * in one transaction through sim/store/metrics.c, exactly as PutMetricData stores them.
 *
 * To accept another member: read it in inject_datum() and cover it in
 * tests/e2e/test_cloudwatch_stats_cli.py.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/cloudwatch_int.h"
#include "services/params.h"
#include "sim.h"
#include "store/metrics.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

#define INJECT_MAX_DATUMS 1000
#define INJECT_MAX_VALUES 150
#define INJECT_PAST_MS (455LL * 24 * 3600 * 1000)
#define INJECT_FUTURE_MS (2LL * 3600 * 1000)

/* Returns 1 if s is printable ASCII with at least one non-space character. */
static int printable(const char *s)
{
    int visible = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p > 0x7e)
            return 0;
        visible |= *p != ' ';
    }
    return visible;
}

/* Returns 1 if v is a number CloudWatch stores: finite and within +-2^360. */
static int number_ok(const cJSON *v)
{
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
           fabs(v->valuedouble) <= ldexp(1.0, 360);
}

/* Checks datum i and stores it. Returns 0, or -1 with *error set (owned). */
static int inject_datum(struct call *c, const char *ns, const cJSON *dt, int i, char **error)
{
    struct metrics_sample samples[INJECT_MAX_VALUES];
    struct metrics_stats stats;
    struct metrics_dim dims[METRICS_MAX_DIMS];
    int ndims = 0, nsamples = 0, has_stats = 0;
    const char *name = param_str(dt, "MetricName");
    if (!cJSON_IsObject(dt) || name == NULL || !printable(name) || strlen(name) > 255) {
        *error = xasprintf("MetricData[%d].MetricName must be a printable string", i);
        return -1;
    }
    const cJSON *d;
    cJSON_ArrayForEach(d, param(dt, "Dimensions"))
    {
        const char *dn = param_str(d, "Name"), *dv = param_str(d, "Value");
        if (ndims == METRICS_MAX_DIMS || dn == NULL || dv == NULL || !printable(dn) ||
            !printable(dv) || dn[0] == ':') {
            *error = xasprintf("MetricData[%d].Dimensions: at most 30 {Name, Value} of "
                               "printable strings", i);
            return -1;
        }
        for (int k = 0; k < ndims; k++) {
            if (strcmp(dims[k].name, dn) == 0) {
                *error = xasprintf("MetricData[%d].Dimensions names %s twice", i, dn);
                return -1;
            }
        }
        dims[ndims].name = dn;
        dims[ndims].value = dv;
        ndims++;
    }
    const cJSON *value = param(dt, "Value"), *values = param(dt, "Values");
    const cJSON *counts = param(dt, "Counts"), *sv = param(dt, "StatisticValues");
    if ((value != NULL) + (values != NULL) + (sv != NULL) != 1) {
        *error = xasprintf("MetricData[%d] needs exactly one of Value, Values, StatisticValues",
                           i);
        return -1;
    }
    if (value) {
        if (!number_ok(value)) {
            *error = xasprintf("MetricData[%d].Value must be a finite number", i);
            return -1;
        }
        samples[nsamples++] = (struct metrics_sample){value->valuedouble, 1};
    } else if (values) {
        int n = cJSON_IsArray(values) ? cJSON_GetArraySize(values) : -1;
        int nc = counts ? (cJSON_IsArray(counts) ? cJSON_GetArraySize(counts) : -1) : n;
        if (n < 1 || n > INJECT_MAX_VALUES || nc != n) {
            *error = xasprintf("MetricData[%d].Values: 1 to 150 numbers, Counts as many", i);
            return -1;
        }
        for (int k = 0; k < n; k++) {
            const cJSON *v = cJSON_GetArrayItem(values, k);
            const cJSON *w = counts ? cJSON_GetArrayItem(counts, k) : NULL;
            if (!number_ok(v) || (w && (!number_ok(w) || w->valuedouble < 0))) {
                *error = xasprintf("MetricData[%d].Values/Counts[%d] is not a valid number", i,
                                   k);
                return -1;
            }
            samples[nsamples++] = (struct metrics_sample){v->valuedouble,
                                                          w ? w->valuedouble : 1};
        }
    } else {
        static const char *const names[] = {"SampleCount", "Sum", "Minimum", "Maximum"};
        double x[4];
        for (int k = 0; k < 4; k++) {
            const cJSON *v = param(sv, names[k]);
            if (!number_ok(v)) {
                *error = xasprintf("MetricData[%d].StatisticValues.%s must be a finite number",
                                   i, names[k]);
                return -1;
            }
            x[k] = v->valuedouble;
        }
        if (x[0] <= 0 || x[3] < x[2]) {
            *error = xasprintf("MetricData[%d].StatisticValues: SampleCount > 0 and Maximum >= "
                               "Minimum", i);
            return -1;
        }
        stats = (struct metrics_stats){x[0], x[1], x[2], x[3]};
        has_stats = 1;
    }
    const char *unit = param_str(dt, "Unit");
    int ucode = unit ? metrics_unit_find(unit) : METRICS_UNIT_NONE;
    if (ucode < 0) {
        *error = xasprintf("MetricData[%d].Unit %s is not a CloudWatch unit", i, unit);
        return -1;
    }
    int64_t res = param_int(dt, "StorageResolution", 60);
    if (res != 1 && res != 60) {
        *error = xasprintf("MetricData[%d].StorageResolution must be 1 or 60", i);
        return -1;
    }
    int64_t ts = c->now_ms;
    const cJSON *t = param(dt, "Timestamp");
    if (t) {
        double s = NAN;
        if (cJSON_IsNumber(t))
            s = t->valuedouble;
        else if (!cJSON_IsString(t) || timefmt_parse_iso8601(t->valuestring, &s))
            s = NAN;
        double ms = s * 1000.0;
        if (!isfinite(ms) || ms < (double)(c->now_ms - INJECT_PAST_MS) ||
            ms > (double)(c->now_ms + INJECT_FUTURE_MS)) {
            *error = xasprintf("MetricData[%d].Timestamp must be epoch seconds or ISO 8601, at "
                               "most 455 days old and 2 hours ahead of the team's clock", i);
            return -1;
        }
        ts = llround(ms);
    }
    metrics_dims_sort(dims, ndims);
    struct buf key;
    buf_init(&key, 1u << 20);
    metrics_dims_key(dims, ndims, &key);
    struct metrics_datum md = {
        .namespace = ns,
        .name = name,
        .dims_key = key.p ? key.p : "",
        .ts_ms = ts,
        .unit = ucode,
        .resolution = (int)res,
        .samples = has_stats ? NULL : samples,
        .nsamples = has_stats ? 0 : nsamples,
        .stats = has_stats ? &stats : NULL,
    };
    int rc = metrics_put(c->sim->store, c->tenant.account, c->tenant.region, &md, c->now_ms);
    buf_free(&key);
    if (rc)
        *error = xstrdup("the store could not record the datapoints");
    return rc;
}

int cw_inject_metrics(struct call *c, const cJSON *body, char **error)
{
    const char *ns = param_str(body, "Namespace");
    const cJSON *md = param(body, "MetricData");
    int n = cJSON_IsArray(md) ? cJSON_GetArraySize(md) : 0;
    if (ns == NULL || !printable(ns) || strlen(ns) > 255) {
        *error = xstrdup("Namespace must be a printable string of at most 255 characters");
        return -1;
    }
    if (n < 1 || n > INJECT_MAX_DATUMS) {
        *error = xstrdup("MetricData must be a list of 1 to 1000 datums");
        return -1;
    }
    if (store_begin(c->sim->store) != 0) {
        *error = xstrdup("the store could not start a transaction");
        return -1;
    }
    int i = 0;
    const cJSON *dt;
    cJSON_ArrayForEach(dt, md)
    {
        if (inject_datum(c, ns, dt, i++, error)) {
            store_rollback(c->sim->store);
            return -1;
        }
    }
    if (store_commit(c->sim->store) != 0) {
        *error = xstrdup("the store could not commit the datapoints");
        return -1;
    }
    return n;
}
