/*
 * alarms_tt.c - alarms and Application Auto Scaling: the alarms a target tracking policy
 * creates, and what a scaling policy does when an alarm invokes it.
 *
 * Target tracking alarms, as AWS creates them (describe-alarms output of such alarms quoted
 * in public repositories, and the Application Auto Scaling user guide):
 *   TargetTracking-<ResourceId>-AlarmHigh-<uuid>: GreaterThanThreshold the target value,
 *     3 evaluation periods, DatapointsToAlarm 3;
 *   TargetTracking-<ResourceId>-AlarmLow-<uuid>: LessThanThreshold 90 % of the target value,
 *     15 evaluation periods (no DatapointsToAlarm), not created when scale-in is disabled;
 *   both: Period 60, TreatMissingData missing, the policy ARN as the only AlarmActions,
 *     AlarmDescription "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy <arn>.";
 *   metric: ECSServiceAverageCPUUtilization / ECSServiceAverageMemoryUtilization are AWS/ECS
 *     CPUUtilization / MemoryUtilization with ClusterName and ServiceName, Average, Percent;
 *     ALBRequestCountPerTarget is AWS/ApplicationELB RequestCountPerTarget of the target group
 *     named in ResourceLabel, Sum; a CustomizedMetricSpecification is used as given (a
 *     Metrics list becomes a math alarm with every MetricStat on 60 s). The predefined
 *     metrics of the other namespaces get no alarms in drillsim (only ECS services scale).
 * Updating the policy updates the alarms under their existing names.
 *
 * Scaling actions (alarms__scaling_action): the policy is found by its ARN. Target tracking
 * sets the capacity in proportion to the metric, as the user guide describes it: the new
 * desired count is ceil(desired * metric / target) with the newest evaluated datapoint. Step
 * scaling aggregates the evaluated datapoints by MetricAggregationType (default Average) and
 * applies the step whose bounds (relative to the alarm threshold) contain the difference -
 * lower bound inclusive and upper exclusive above the threshold, the reverse below it, as the
 * API reference defines StepAdjustment. autoscaling_apply (engine/autoscaling.h) does the
 * rest (cooldowns, limits, the activity).
 *
 * To support another predefined metric: add it to predefined().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alarms.h"
#include "engine/alarms_int.h"
#include "engine/autoscaling.h"
#include "engine/team.h"
#include "sim.h"
#include "store/autoscaling.h"
#include "util/rand.h"
#include "util/xmalloc.h"

#define TT_PERIOD_S 60

/* The metric of a predefined metric type, as alarm configuration members added to cfg.
 * Returns 0, or 1 when drillsim creates no alarms for it. */
static int predefined(const char *type, const char *label, const char *resource_id,
                      cJSON *cfg)
{
    if (strcmp(type, "ECSServiceAverageCPUUtilization") == 0 ||
        strcmp(type, "ECSServiceAverageMemoryUtilization") == 0) {
        char cluster[256], service[256];
        if (sscanf(resource_id, "service/%255[^/]/%255s", cluster, service) != 2)
            return 1;
        cJSON_AddStringToObject(cfg, "MetricName",
                                strstr(type, "CPU") ? "CPUUtilization" : "MemoryUtilization");
        cJSON_AddStringToObject(cfg, "Namespace", "AWS/ECS");
        cJSON_AddStringToObject(cfg, "Statistic", "Average");
        cJSON *dims = cJSON_AddArrayToObject(cfg, "Dimensions");
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "Name", "ClusterName");
        cJSON_AddStringToObject(d, "Value", cluster);
        cJSON_AddItemToArray(dims, d);
        d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "Name", "ServiceName");
        cJSON_AddStringToObject(d, "Value", service);
        cJSON_AddItemToArray(dims, d);
        cJSON_AddNumberToObject(cfg, "Period", TT_PERIOD_S);
        cJSON_AddStringToObject(cfg, "Unit", "Percent");
        return 0;
    }
    if (strcmp(type, "ALBRequestCountPerTarget") == 0 && label) {
        /* app/<lb>/<id>/targetgroup/<tg>/<id>: the target group is the part from
         * "targetgroup/" on */
        const char *tg = strstr(label, "targetgroup/");
        if (tg == NULL)
            return 1;
        cJSON_AddStringToObject(cfg, "MetricName", "RequestCountPerTarget");
        cJSON_AddStringToObject(cfg, "Namespace", "AWS/ApplicationELB");
        cJSON_AddStringToObject(cfg, "Statistic", "Sum");
        cJSON *dims = cJSON_AddArrayToObject(cfg, "Dimensions");
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "Name", "TargetGroup");
        cJSON_AddStringToObject(d, "Value", tg);
        cJSON_AddItemToArray(dims, d);
        cJSON_AddNumberToObject(cfg, "Period", TT_PERIOD_S);
        return 0;
    }
    return 1;
}

/* A CustomizedMetricSpecification as alarm configuration members. Returns 0 or 1. */
static int customized(const cJSON *spec, cJSON *cfg)
{
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(spec, "Metrics");
    if (cJSON_IsArray(metrics) && cJSON_GetArraySize(metrics) > 0) {
        cJSON *out = cJSON_AddArrayToObject(cfg, "Metrics");
        const cJSON *q;
        cJSON_ArrayForEach(q, metrics)
        {
            cJSON *c = cJSON_Duplicate(q, 1);
            cJSON *ms = cJSON_GetObjectItemCaseSensitive(c, "MetricStat");
            if (ms && !cJSON_GetObjectItemCaseSensitive(ms, "Period"))
                cJSON_AddNumberToObject(ms, "Period", TT_PERIOD_S);
            cJSON_AddItemToArray(out, c);
        }
        return 0;
    }
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "MetricName"));
    const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "Namespace"));
    const char *stat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "Statistic"));
    const char *unit = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "Unit"));
    if (name == NULL || ns == NULL || stat == NULL)
        return 1;
    cJSON_AddStringToObject(cfg, "MetricName", name);
    cJSON_AddStringToObject(cfg, "Namespace", ns);
    cJSON_AddStringToObject(cfg, "Statistic", stat);
    const cJSON *dims = cJSON_GetObjectItemCaseSensitive(spec, "Dimensions");
    cJSON_AddItemToObject(cfg, "Dimensions",
                          cJSON_IsArray(dims) ? cJSON_Duplicate(dims, 1) : cJSON_CreateArray());
    cJSON_AddNumberToObject(cfg, "Period", TT_PERIOD_S);
    if (unit)
        cJSON_AddStringToObject(cfg, "Unit", unit);
    return 0;
}

/* The name of the policy's existing alarm whose name contains which ("-AlarmHigh-"), or
 * NULL. */
static const char *old_name(const cJSON *old, const char *which)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, old)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "AlarmName"));
        if (n && strstr(n, which))
            return n;
    }
    return NULL;
}

int alarms_tt_put(struct sim *sim, struct team *team, const struct alarms_tt_policy *p,
                  int64_t now_ms, cJSON **alarms)
{
    cJSON *old = p->old_alarms ? cJSON_Parse(p->old_alarms) : NULL;
    cJSON *out = cJSON_CreateArray();
    cJSON *metric = cJSON_CreateObject();
    int rc = -1;
    const cJSON *cfg = p->config;
    double target = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cfg, "TargetValue"));
    const cJSON *pre = cJSON_GetObjectItemCaseSensitive(cfg, "PredefinedMetricSpecification");
    const cJSON *cust = cJSON_GetObjectItemCaseSensitive(cfg, "CustomizedMetricSpecification");
    int none = 1;
    if (pre) {
        const char *type = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(pre, "PredefinedMetricType"));
        const char *label = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(pre, "ResourceLabel"));
        none = predefined(type ? type : "", label, p->resource_id, metric);
    }
    else if (cust)
        none = customized(cust, metric);
    int scale_in = !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "DisableScaleIn"));
    const char *keep[2] = {NULL, NULL};
    if (!none && isfinite(target)) {
        for (int high = 1; high >= 0; high--) {
            if (!high && !scale_in)
                continue;
            const char *which = high ? "-AlarmHigh-" : "-AlarmLow-";
            const char *existing = old_name(old, which);
            char *name;
            if (existing) {
                name = xstrdup(existing);
            } else {
                char uuid[37];
                rng_uuid(&team->ids, uuid);
                name = xasprintf("TargetTracking-%s%s%s", p->resource_id, which, uuid);
            }
            char *arn = xasprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", p->region,
                                  team->account, name);
            char *desc = xasprintf("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy %s.",
                                   p->policy_arn);
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "AlarmName", name);
            cJSON_AddStringToObject(c, "AlarmArn", arn);
            cJSON_AddStringToObject(c, "AlarmDescription", desc);
            cJSON_AddItemToObject(c, "OKActions", cJSON_CreateArray());
            cJSON *acts = cJSON_AddArrayToObject(c, "AlarmActions");
            cJSON_AddItemToArray(acts, cJSON_CreateString(p->policy_arn));
            cJSON_AddItemToObject(c, "InsufficientDataActions", cJSON_CreateArray());
            const cJSON *m;
            cJSON_ArrayForEach(m, metric)
                cJSON_AddItemToObject(c, m->string, cJSON_Duplicate(m, 1));
            cJSON_AddNumberToObject(c, "EvaluationPeriods", high ? 3 : 15);
            if (high)
                cJSON_AddNumberToObject(c, "DatapointsToAlarm", 3);
            cJSON_AddNumberToObject(c, "Threshold", high ? target : target * 0.9);
            cJSON_AddStringToObject(c, "ComparisonOperator",
                                    high ? "GreaterThanThreshold" : "LessThanThreshold");
            cJSON_AddStringToObject(c, "TreatMissingData", "missing");
            int created;
            int put = alarms_put(sim, team, p->region, ALARM_TYPE_METRIC, c, 1, NULL, 0, NULL,
                                 now_ms, &created);
            cJSON_Delete(c);
            free(desc);
            if (put == 0) {
                cJSON *a = cJSON_CreateObject();
                cJSON_AddStringToObject(a, "AlarmName", name);
                cJSON_AddStringToObject(a, "AlarmARN", arn);
                cJSON_AddItemToArray(out, a);
                keep[high] = existing;
            }
            free(arn);
            free(name);
            if (put != 0)
                goto out;
        }
    }
    /* the old alarms no longer used */
    const cJSON *a;
    cJSON_ArrayForEach(a, old)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "AlarmName"));
        if (n == NULL || (keep[0] && strcmp(n, keep[0]) == 0) ||
            (keep[1] && strcmp(n, keep[1]) == 0))
            continue;
        if (alarms_delete(sim, team, p->region, n, now_ms) < 0)
            goto out;
    }
    *alarms = out;
    out = NULL;
    rc = 0;
out:
    cJSON_Delete(out);
    cJSON_Delete(metric);
    cJSON_Delete(old);
    return rc;
}

int alarms_tt_delete(struct sim *sim, struct team *team, const char *region,
                     const char *alarms_json, int64_t now_ms)
{
    cJSON *list = alarms_json ? cJSON_Parse(alarms_json) : NULL;
    const cJSON *a;
    int rc = 0;
    cJSON_ArrayForEach(a, list)
    {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "AlarmName"));
        if (n && alarms_delete(sim, team, region, n, now_ms) < 0) {
            rc = -1;
            break;
        }
    }
    cJSON_Delete(list);
    return rc;
}

/* ---- scaling actions ---------------------------------------------------------------------- */

struct find_policy {
    const char *arn;
    struct aas_policy p;
    int found;
};

/* store_aas_policy_each callback: copies the policy whose ARN is f->arn. */
static int match_policy(void *ctx, const struct aas_policy *p)
{
    struct find_policy *f = ctx;
    if (strcmp(p->arn, f->arn) != 0)
        return 0;
    f->p.ns = xstrdup(p->ns);
    f->p.resource_id = xstrdup(p->resource_id);
    f->p.dimension = xstrdup(p->dimension);
    f->p.name = xstrdup(p->name);
    f->p.type = xstrdup(p->type);
    f->p.config = xstrdup(p->config);
    f->found = 1;
    return 1;
}

/* The step of a StepScaling configuration that applies to diff (metric - threshold): sets
 * *adjustment and returns 1, or returns 0. */
static int step_for(const cJSON *steps, double diff, double *adjustment)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, steps)
    {
        const cJSON *lo = cJSON_GetObjectItemCaseSensitive(s, "MetricIntervalLowerBound");
        const cJSON *hi = cJSON_GetObjectItemCaseSensitive(s, "MetricIntervalUpperBound");
        double l = cJSON_IsNumber(lo) ? lo->valuedouble : -INFINITY;
        double h = cJSON_IsNumber(hi) ? hi->valuedouble : INFINITY;
        int in = diff >= 0 ? (diff >= l && diff < h) : (diff > l && diff <= h);
        if (in) {
            *adjustment = cJSON_GetNumberValue(
                cJSON_GetObjectItemCaseSensitive(s, "ScalingAdjustment"));
            return !isnan(*adjustment);
        }
    }
    return 0;
}

int alarms__scaling_action(struct sim *sim, struct team *team, const char *region,
                           const char *name, const char *policy_arn, const double *values,
                           int nvalues, double threshold, int64_t now_ms, char **error)
{
    *error = NULL;
    /* arn:aws:autoscaling:REGION:ACCOUNT:scalingPolicy:UUID:resource/NS/RESOURCE:policyName/N */
    const char *res = strstr(policy_arn, ":resource/");
    const char *pn = strstr(policy_arn, ":policyName/");
    if (res == NULL || pn == NULL || pn < res) {
        *error = xstrdup("drillsim does not perform EC2 Auto Scaling actions");
        return 0;
    }
    res += strlen(":resource/");
    const char *slash = strchr(res, '/');
    if (slash == NULL || slash > pn) {
        *error = xstrdup("The scaling policy does not exist");
        return 0;
    }
    char *ns = xstrndup(res, (size_t)(slash - res));
    char *rid = xstrndup(slash + 1, (size_t)(pn - slash - 1));
    struct aas_scope sc = {sim->store, team->account, region};
    struct find_policy f = {.arn = policy_arn};
    int rc = store_aas_policy_each(&sc, ns, rid, NULL, NULL, NULL, NULL, match_policy, &f);
    cJSON *cfg = NULL;
    if (rc != 0) {
        rc = -1;
        goto out;
    }
    if (!f.found) {
        /* drillsim's wording: the alarm outlived its policy */
        *error = xstrdup("The scaling policy does not exist");
        goto out;
    }
    if (nvalues == 0) {
        *error = xstrdup("No datapoints were available to the scaling policy");
        goto out;
    }
    cfg = cJSON_Parse(f.p.config);
    struct autoscaling_decision d = {
        .region = region,
        .service_namespace = f.p.ns,
        .resource_id = f.p.resource_id,
        .scalable_dimension = f.p.dimension,
        .policy_name = f.p.name,
        .alarm_name = name,
    };
    int got = autoscaling_decision_from_policy(sim, team, f.p.name, &d);
    if (got < 0) {
        rc = -1;
        goto out;
    }
    if (got == 1) {
        *error = xstrdup("The scaling policy does not exist");
        goto out;
    }
    if (strcmp(f.p.type, "TargetTrackingScaling") == 0) {
        double target = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cfg, "TargetValue"));
        int desired = 0;
        int have = autoscaling_ecs_desired(sim, team, region, f.p.resource_id, &desired);
        if (have < 0) {
            rc = -1;
            goto out;
        }
        if (have != 0 || !(target > 0)) {
            *error = xasprintf("drillsim does not scale %s targets", f.p.ns);
            goto out;
        }
        d.adjust = AUTOSCALING_EXACT;
        d.value = ceil((double)desired * values[0] / target - 1e-9);
        if (d.value < 0)
            d.value = 0;
    } else if (strcmp(f.p.type, "StepScaling") == 0) {
        const char *agg = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(cfg, "MetricAggregationType"));
        double v = values[0];
        double sum = 0;
        for (int i = 0; i < nvalues; i++) {
            sum += values[i];
            if (agg && strcmp(agg, "Minimum") == 0 && values[i] < v)
                v = values[i];
            if (agg && strcmp(agg, "Maximum") == 0 && values[i] > v)
                v = values[i];
        }
        if (agg == NULL || strcmp(agg, "Average") == 0)
            v = sum / nvalues;
        double adj;
        if (!step_for(cJSON_GetObjectItemCaseSensitive(cfg, "StepAdjustments"), v - threshold,
                      &adj))
            goto out; /* no step covers the value: the policy does nothing */
        d.value = adj;
    } else {
        *error = xasprintf("A %s policy cannot be invoked by an alarm", f.p.type);
        goto out;
    }
    enum autoscaling_outcome outcome;
    int cap;
    if (autoscaling_apply(sim, team, &d, now_ms, &outcome, &cap) != 0) {
        rc = -1;
        goto out;
    }
    if (outcome == AUTOSCALING_UNSUPPORTED)
        *error = xasprintf("drillsim does not scale %s targets", f.p.ns);
    else if (outcome == AUTOSCALING_NO_TARGET)
        *error = xstrdup("The scalable target does not exist");
out:
    cJSON_Delete(cfg);
    store_aas_policy_clear(&f.p);
    free(ns);
    free(rid);
    return rc < 0 ? -1 : 0;
}
