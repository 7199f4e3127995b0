/*
 * cloudwatch_alarms.c - CloudWatch alarms: PutMetricAlarm, PutCompositeAlarm, DescribeAlarms,
 * DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState, EnableAlarmActions,
 * DisableAlarmActions, DescribeAlarmHistory, and TagResource / UntagResource /
 * ListTagsForResource on alarm ARNs.
 *
 * The handlers check requests as CloudWatch does and hand the configuration to the alarm
 * engine (sim/engine/alarms.h), which owns the state from then on: evaluation every minute of
 * sim time, history, actions. Storage: sim/store/alarms.c. The model's checks (required
 * members, enums, lengths, at most 5 actions per list) have run in query wording (VS_QUERY)
 * when a handler starts.
 *
 * Checks and their texts. CloudWatch answers alarm configuration errors with ValidationError
 * (HTTP 400). Texts from AWS responses quoted in public issue trackers and repositories:
 *   "MetricName must not be null" (neither MetricName nor Metrics); "Period must not be null"
 *   (a metric without Period, a math alarm whose queries name no period); "Statistic should
 *   not be set if list of Metrics is set." (and the same for Namespace, MetricName,
 *   Dimensions, Period, Unit, ExtendedStatistic); "Exactly one element of the metrics list
 *   should return data." ("Exactly two elements ..." with ThresholdMetricId); "Invalid region
 *   region specified. Only us-east-1 is supported." (an action ARN of another region - what
 *   the runbook's arn:aws:sns:region:account:golden-path-alarms gets); "Invalid partition X
 *   specified. Only aws is supported."; "Metrics cannot be checked across more than a day
 *   (EvaluationPeriods * Period must be <= 86400)." (InvalidParameterCombination, periods
 *   under an hour) and its week form (604800 s, any period), from the API reference's limits;
 *   "Cannot delete a,b as there are composite alarm(s) depending on them." / "... depending on
 *   it."; "Could not save the composite alarm as alarms [x] in the alarm rule do not exist";
 *   SetAlarmState of an unknown alarm: ResourceNotFound with no message (LocalStack snapshot
 *   recorded against AWS); "StateReasonData was not syntactically valid JSON" (InvalidFormat).
 * Texts that are drillsim's (no AWS capture found) are marked DS in their macro names.
 *
 * Decisions where AWS is not pinned down:
 *   - DescribeAlarms lists by alarm name; MaxRecords defaults to 50, DescribeAlarmHistory's to
 *     100 (newest first unless ScanBy says otherwise); tokens are opaque, never repeat, and a
 *     token from elsewhere is InvalidNextToken.
 *   - AlarmTypes absent means MetricAlarm only, in DescribeAlarms and DescribeAlarmHistory, as
 *     the API reference says.
 *   - Unknown names in DeleteAlarms, EnableAlarmActions and DisableAlarmActions are ignored
 *     ("If you specify any incorrect alarm names, the alarms you specify with correct names
 *     are still deleted").
 *   - Actions are not checked for existence ("CloudWatch doesn't test or validate the actions
 *     that you specify"); an SNS topic that does not exist fails when the action runs, in the
 *     alarm's history.
 *   - ActionsSuppressor and its periods are checked and stored but do not suppress actions
 *     (not implemented).
 *   - Tags: alarm ARNs only (dashboards, metric streams and Contributor Insights rules are
 *     not taggable in drillsim: ResourceNotFoundException).
 *
 * To add a check: put it in the handler in the order CloudWatch applies it, keep its text in
 * a macro with its source above, and cover it in tests/e2e/test_alarms.py.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alarms.h"
#include "engine/metricmath.h"
#include "engine/metricstat.h"
#include "services/cloudwatch_int.h"
#include "services/params.h"
#include "sim.h"
#include "store/alarms.h"
#include "store/metrics.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define ALARMS_MAX_PER_REGION 10000 /* drillsim's guard: every alarm is evaluated each minute */
#define ALARMS_PAGE_DEFAULT 50
#define HISTORY_PAGE_DEFAULT 100
#define MAX_TAGS 50
#define MAX_MATH_METRICS 10
#define MAX_PARENTS 150 /* composite alarms one alarm may be a child of */
#define MAX_METRIC_QUERIES 500 /* GetMetricData's limit; an alarm needs far fewer */
#define TOKEN_PREFIX "cwa1."

#define MSG_NOT_NULL "%s must not be null"
#define MSG_NOT_WITH_METRICS "%s should not be set if list of Metrics is set."
#define MSG_ONE_RETURNS "Exactly one element of the metrics list should return data."
#define MSG_TWO_RETURN "Exactly two elements of the metrics list should return data."
#define MSG_REGION "Invalid region %s specified. Only %s is supported."
#define MSG_PARTITION "Invalid partition %s specified. Only aws is supported."
#define MSG_DAY                                                                                \
    "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= " \
    "86400)."
#define MSG_WEEK                                                                               \
    "Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be "   \
    "<= 604800)."
#define MSG_DEPENDING "Cannot delete %s as there are composite alarm(s) depending on %s."
#define MSG_MISSING_CHILDREN                                                                   \
    "Could not save the composite alarm as alarms [%s] in the alarm rule do not exist"
#define MSG_BAD_JSON "StateReasonData was not syntactically valid JSON"
/* drillsim's wording */
#define MSG_DS_STAT_ONE "Exactly one of Statistic and ExtendedStatistic must be specified."
#define MSG_DS_EXTENDED "The value %s for parameter ExtendedStatistic is invalid."
#define MSG_DS_PERIOD "Period must be 10, 20, 30 or a multiple of 60."
#define MSG_DS_DATAPOINTS "DatapointsToAlarm must be less than or equal to EvaluationPeriods."
#define MSG_DS_TREAT "TreatMissingData must be one of breaching, notBreaching, ignore, missing."
#define MSG_DS_ELSC "EvaluateLowSampleCountPercentile must be evaluate or ignore."
#define MSG_DS_ELSC_PCT "EvaluateLowSampleCountPercentile can only be used with a percentile."
#define MSG_DS_NEED_TMI "ThresholdMetricId must be specified with the comparison operator %s."
#define MSG_DS_NO_TMI "ThresholdMetricId can only be used with the anomaly detection comparison " \
    "operators."
#define MSG_DS_TMI_THRESHOLD "Threshold and ThresholdMetricId cannot both be specified."
#define MSG_DS_TMI_MISSING "ThresholdMetricId %s does not match any Id in the metrics list."
#define MSG_DS_NAME "AlarmName must not contain ASCII control characters."
#define MSG_DS_ARN "Invalid action ARN: %s"
#define MSG_DS_ACCOUNT "Invalid account %s specified."
#define MSG_DS_COMPOSITE_ACTION "Composite alarms cannot perform the action %s."
#define MSG_DS_MATH_EC2 "Alarms based on math expressions cannot perform EC2 actions."
#define MSG_DS_ANOMALY_SCALING                                                                 \
    "Alarms based on anomaly detection models cannot have Auto Scaling actions."
#define MSG_DS_TYPE_CLASH "An alarm named %s already exists and is a %s."
#define MSG_DS_TOO_MANY_METRICS "A math expression alarm can use at most 10 metrics."
#define MSG_DS_PARENTS "The alarm %s is already in the rules of %d composite alarms."
#define MSG_DS_METRICS_SIZE "The collection Metrics must not have a size greater than %d."
#define MSG_DS_QUERY_ID                                                                        \
    "The value %s for parameter Metrics.member.%d.Id is not matching the expected pattern "    \
    "^[a-z][a-zA-Z0-9_]*$."
#define MSG_DS_QUERY_IDS "The values for parameter Id in Metrics are not unique."
#define MSG_DS_QUERY_ONE "Exactly one of MetricStat and Expression must be specified in "      \
    "Metrics.member.%d."
#define MSG_DS_QUERY_STAT "The value %s for parameter Metrics.member.%d.MetricStat.Stat is not " \
    "a valid statistic."
#define MSG_DS_SAME_PERIOD "All metrics of an alarm must use the same period."
#define MSG_DS_EXPR "Error in expression '%s': %s"
#define MSG_DS_NO_SEARCH "SEARCH expressions cannot be used in alarms"
#define MSG_DS_TMI_BAND "ThresholdMetricId must name an ANOMALY_DETECTION_BAND expression"
#define MSG_DS_TOO_MANY_TAGS "An alarm can have at most 50 tags."
#define MSG_DS_LIMIT "This region has reached the limit of 10000 alarms."
#define MSG_DS_NAMES_AND_PREFIX "AlarmNames and AlarmNamePrefix cannot be specified together."
#define MSG_DS_FAMILY_ONLY "When %s is specified, no other parameter may be specified except " \
    "MaxRecords and NextToken."
#define MSG_DS_TOKEN "The token is not valid."
#define MSG_DS_TWO_COMPOSITES "At most one composite alarm can be deleted in one operation."
#define MSG_DS_SUPPRESSOR                                                                      \
    "ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod are required when "      \
    "ActionsSuppressor is specified."
#define MSG_DS_BAD_TAG_ARN "The value %s for parameter ResourceARN is not a valid ARN."
#define MSG_DS_NO_RESOURCE "The resource %s does not exist."

/* ---- helpers ------------------------------------------------------------------------------- */

static struct alarm_scope scope_of(const struct call *c)
{
    struct alarm_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

static int store_failed(struct call *c)
{
    return call_error(c, "InternalServiceError", "The alarm store failed.");
}

/* The number of items of a list member, 0 when absent. */
static int list_size(const cJSON *v)
{
    return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
}

static const char *const anomaly_ops[] = {"LessThanLowerOrGreaterThanUpperThreshold",
                                          "LessThanLowerThreshold", "GreaterThanUpperThreshold"};

/* Returns 1 if op is one of the anomaly detection comparison operators. */
static int is_anomaly_op(const char *op)
{
    for (size_t i = 0; i < sizeof anomaly_ops / sizeof anomaly_ops[0]; i++) {
        if (op && strcmp(op, anomaly_ops[i]) == 0)
            return 1;
    }
    return 0;
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

/* Returns 1 if period is an alarm period: 10, 20, 30 or a multiple of 60. */
static int alarm_period_ok(int64_t p)
{
    return p == 10 || p == 20 || p == 30 || (p > 0 && p % 60 == 0 && p <= INT32_MAX);
}

/* The alarm ARN of name in the caller's account and region (new string). */
static char *alarm_arn(const struct call *c, const char *name)
{
    return xasprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", c->tenant.region, c->tenant.account,
                     name);
}

/* Opaque page tokens: TOKEN_PREFIX + hex of the text. */
static char *token_make(const char *text)
{
    struct buf b;
    buf_init(&b, 1u << 16);
    buf_puts(&b, TOKEN_PREFIX);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        buf_printf(&b, "%02x", *p);
    return buf_steal(&b, NULL);
}

/* Decodes a token made by token_make. Returns the text (caller frees) or NULL. */
static char *token_read(const char *tok)
{
    size_t pl = strlen(TOKEN_PREFIX);
    if (strncmp(tok, TOKEN_PREFIX, pl) != 0)
        return NULL;
    const char *h = tok + pl;
    size_t n = strlen(h);
    if (n == 0 || n % 2 != 0 || n > 4096)
        return NULL;
    char *out = xmalloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char ch = h[2 * i + (size_t)k];
            int d = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                                             : -1;
            if (d < 0) {
                free(out);
                return NULL;
            }
            v = v * 16 + d;
        }
        if (v == 0) {
            free(out);
            return NULL;
        }
        out[i] = (char)v;
    }
    out[n / 2] = '\0';
    return out;
}

/* ---- action ARNs --------------------------------------------------------------------------- */

/* The parts of an ARN: arn:partition:service:region:account:resource. */
struct arn {
    char partition[32], service[32], region[64], account[64];
    const char *resource;
};

/* Splits s into a. Returns 0, or -1 when s is not of that form. */
static int arn_split(const char *s, struct arn *a)
{
    if (strncmp(s, "arn:", 4) != 0)
        return -1;
    const char *p = s + 4;
    char *fields[4] = {a->partition, a->service, a->region, a->account};
    size_t sizes[4] = {sizeof a->partition, sizeof a->service, sizeof a->region,
                       sizeof a->account};
    for (int i = 0; i < 4; i++) {
        const char *colon = strchr(p, ':');
        if (colon == NULL || (size_t)(colon - p) >= sizes[i])
            return -1;
        memcpy(fields[i], p, (size_t)(colon - p));
        fields[i][colon - p] = '\0';
        p = colon + 1;
    }
    a->resource = p;
    return *p ? 0 : -1;
}

/* Returns 1 if s is an account id: twelve digits. */
static int twelve_digits(const char *s)
{
    if (strlen(s) != 12)
        return 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return 0;
    }
    return 1;
}

/* What kind of alarm an action is checked for. */
struct action_rules {
    int composite;
    int math;
    int anomaly;
};

/* Checks one action ARN. Returns SIM_OK, or SIM_ERROR with the error set. */
static int check_action(struct call *c, const char *arn, const struct action_rules *r)
{
    struct arn a;
    if (arn_split(arn, &a) != 0)
        return call_error(c, "ValidationError", MSG_DS_ARN, arn);
    if (strcmp(a.partition, "aws") != 0)
        return call_error(c, "ValidationError", MSG_PARTITION, a.partition);
    const char *svc = a.service;
    int sns = strcmp(svc, "sns") == 0, lambda = strcmp(svc, "lambda") == 0;
    int ssm = strcmp(svc, "ssm") == 0, incidents = strcmp(svc, "ssm-incidents") == 0;
    int aiops = strcmp(svc, "aiops") == 0, scaling = strcmp(svc, "autoscaling") == 0;
    int ec2 = strcmp(svc, "automate") == 0 || strcmp(svc, "swf") == 0;
    if (!(sns || lambda || ssm || incidents || aiops || scaling || ec2))
        return call_error(c, "ValidationError", MSG_DS_ARN, arn);
    if (!incidents && strcmp(a.region, c->tenant.region) != 0)
        return call_error(c, "ValidationError", MSG_REGION, a.region, c->tenant.region);
    if (strcmp(svc, "automate") == 0) {
        /* arn:aws:automate:REGION:ec2:stop|terminate|reboot|recover */
        if (strcmp(a.account, "ec2") != 0 ||
            (strcmp(a.resource, "stop") != 0 && strcmp(a.resource, "terminate") != 0 &&
             strcmp(a.resource, "reboot") != 0 && strcmp(a.resource, "recover") != 0))
            return call_error(c, "ValidationError", MSG_DS_ARN, arn);
    } else if (!twelve_digits(a.account)) {
        return call_error(c, "ValidationError", MSG_DS_ACCOUNT, a.account);
    }
    if (r->composite && !(sns || lambda || ssm || incidents || aiops))
        return call_error(c, "ValidationError", MSG_DS_COMPOSITE_ACTION, arn);
    if (r->math && ec2)
        return call_error(c, "ValidationError", MSG_DS_MATH_EC2);
    if (r->anomaly && scaling)
        return call_error(c, "ValidationError", MSG_DS_ANOMALY_SCALING);
    return SIM_OK;
}

/* Checks the three action lists. */
static int check_actions(struct call *c, const struct action_rules *r)
{
    static const char *const lists[] = {"OKActions", "AlarmActions", "InsufficientDataActions"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *a;
        cJSON_ArrayForEach(a, param(c->in, lists[i]))
        {
            if (cJSON_IsString(a) && check_action(c, a->valuestring, r) != SIM_OK)
                return SIM_ERROR;
        }
    }
    return SIM_OK;
}

/* Copies the three action lists into cfg ([] when absent). */
static void add_actions(const struct call *c, cJSON *cfg)
{
    static const char *const lists[] = {"OKActions", "AlarmActions", "InsufficientDataActions"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v = param(c->in, lists[i]);
        cJSON_AddItemToObject(cfg, lists[i],
                              cJSON_IsArray(v) ? cJSON_Duplicate(v, 1) : cJSON_CreateArray());
    }
}

/* Common checks of a new alarm name, the tags and the region's limit. */
static int check_common(struct call *c, const char *name, const char *type)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return call_error(c, "ValidationError", MSG_DS_NAME);
    }
    if (list_size(param(c->in, "Tags")) > MAX_TAGS)
        return call_error(c, "ValidationError", MSG_DS_TOO_MANY_TAGS);
    struct alarm_scope sc = scope_of(c);
    struct alarm_row r = {0};
    int got = store_alarm_get(&sc, name, &r);
    if (got < 0)
        return store_failed(c);
    if (got == 0) {
        int clash = strcmp(r.type, type) != 0;
        char *other = clash ? xstrdup(r.type) : NULL;
        store_alarm_clear(&r);
        if (clash) {
            call_error(c, "ValidationError", MSG_DS_TYPE_CLASH, name, other);
            free(other);
            return SIM_ERROR;
        }
        return SIM_OK;
    }
    int64_t n;
    if (store_alarm_count(&sc, &n) != 0)
        return store_failed(c);
    if (n >= ALARMS_MAX_PER_REGION)
        return call_error(c, "LimitExceeded", MSG_DS_LIMIT);
    return SIM_OK;
}

/* ---- PutMetricAlarm ------------------------------------------------------------------------ */

/* mm_env callbacks of the trial evaluation of a threshold expression: every id is an empty
 * series, so only the expression's own support is tested. */
static int trial_lookup(void *ctx, const char *id, struct mm_value *out)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
    out->kind = MM_SERIES;
    out->series = xcalloc(1, sizeof *out->series);
    out->series[0].id = xstrdup(id);
    out->nseries = 1;
    return 0;
}

static int trial_metrics(void *ctx, const char *filter, struct mm_value *out)
{
    (void)ctx;
    (void)filter;
    memset(out, 0, sizeof *out);
    out->kind = MM_ARRAY;
    return 0;
}

/*
 * Checks a math alarm's Metrics list: ids, one of MetricStat / Expression each, statistics,
 * periods (all the same), expressions that parse, refer to known ids and avoid SEARCH, and
 * the queries that return data. tmi is ThresholdMetricId (or NULL). Sets *period. Returns
 * SIM_OK or SIM_ERROR.
 */
static int check_metrics(struct call *c, const cJSON *metrics, const char *tmi, int *period)
{
    int n = cJSON_GetArraySize(metrics), nstat = 0, returning = 0, p = 0;
    if (n > MAX_METRIC_QUERIES)
        return call_error(c, "InvalidParameterValue", MSG_DS_METRICS_SIZE, MAX_METRIC_QUERIES);
    const char **ids = xcalloc((size_t)n, sizeof *ids);
    int rc = SIM_ERROR, i = 0;
    const cJSON *q;
    cJSON_ArrayForEach(q, metrics)
    {
        int m = ++i;
        const char *id = param_str(q, "Id");
        if (!id_ok(id)) {
            call_error(c, "ValidationError", MSG_DS_QUERY_ID, id ? id : "", m);
            goto out;
        }
        for (int k = 0; k < m - 1; k++) {
            if (strcmp(ids[k], id) == 0) {
                call_error(c, "ValidationError", MSG_DS_QUERY_IDS);
                goto out;
            }
        }
        ids[m - 1] = id;
        const cJSON *ms = param(q, "MetricStat");
        const char *expr = param_str(q, "Expression");
        if ((ms == NULL) == (expr == NULL)) {
            call_error(c, "ValidationError", MSG_DS_QUERY_ONE, m);
            goto out;
        }
        if (param_bool(q, "ReturnData", 1))
            returning++;
        int qp = (int)param_int(ms ? ms : q, "Period", 0);
        if (param(ms ? ms : q, "Period") && !alarm_period_ok(param_int(ms ? ms : q, "Period",
                                                                        0))) {
            call_error(c, "ValidationError", MSG_DS_PERIOD);
            goto out;
        }
        if (ms) {
            nstat++;
            const cJSON *metric = param(ms, "Metric");
            if (param_str(metric, "MetricName") == NULL) {
                call_error(c, "ValidationError", MSG_NOT_NULL, "MetricName");
                goto out;
            }
            if (param_str(metric, "Namespace") == NULL) {
                call_error(c, "ValidationError", MSG_NOT_NULL, "Namespace");
                goto out;
            }
            const char *stat = param_str(ms, "Stat");
            if (!metricstat_valid(stat)) {
                call_error(c, "ValidationError", MSG_DS_QUERY_STAT, stat ? stat : "", m);
                goto out;
            }
        }
        if (qp) {
            if (p && qp != p) {
                call_error(c, "ValidationError", MSG_DS_SAME_PERIOD);
                goto out;
            }
            p = qp;
        }
    }
    if (nstat > MAX_MATH_METRICS) {
        call_error(c, "ValidationError", MSG_DS_TOO_MANY_METRICS);
        goto out;
    }
    if (returning != (tmi ? 2 : 1)) {
        call_error(c, "ValidationError", tmi ? MSG_TWO_RETURN : MSG_ONE_RETURNS);
        goto out;
    }
    if (p == 0) {
        call_error(c, "ValidationError", MSG_NOT_NULL, "Period");
        goto out;
    }
    if (tmi) {
        int found = 0;
        for (int k = 0; k < n; k++)
            found |= strcmp(ids[k], tmi) == 0;
        if (!found) {
            call_error(c, "ValidationError", MSG_DS_TMI_MISSING, tmi);
            goto out;
        }
    }
    /* the expressions */
    i = 0;
    cJSON_ArrayForEach(q, metrics)
    {
        i++;
        const char *expr = param_str(q, "Expression");
        if (expr == NULL)
            continue;
        const char *id = param_str(q, "Id");
        struct mm_expr *e = NULL;
        char *err = NULL;
        if (mm_parse(expr, &e, &err) != 0) {
            call_error(c, "ValidationError", MSG_DS_EXPR, id, err ? err : "Invalid syntax");
            free(err);
            goto out;
        }
        if (mm_calls(e, "SEARCH")) {
            mm_free(e);
            call_error(c, "ValidationError", MSG_DS_EXPR, id, MSG_DS_NO_SEARCH);
            goto out;
        }
        char **refs = NULL;
        int nrefs = mm_refs(e, &refs);
        char *detail = NULL;
        for (int r = 0; r < nrefs; r++) {
            int found = 0;
            for (int k = 0; k < n; k++)
                found |= strcmp(ids[k], refs[r]) == 0;
            if (!found && detail == NULL)
                detail = xasprintf("Unknown identifier: %s", refs[r]);
            free(refs[r]);
        }
        free(refs);
        if (detail == NULL && tmi && strcmp(id, tmi) == 0) {
            if (!mm_calls(e, "ANOMALY_DETECTION_BAND")) {
                detail = xstrdup(MSG_DS_TMI_BAND);
            } else {
                /* an anomaly detection band: drillsim trains no models, so the band cannot
                 * be computed and the alarm is refused with metric math's reason */
                struct mm_env env = {.lookup = trial_lookup, .metrics = trial_metrics,
                                     .period_s = p, .start_ms = 0,
                                     .end_ms = (int64_t)p * 1000};
                struct mm_value v = {0};
                char *why = NULL;
                if (mm_eval(e, &env, &v, &why) != 0)
                    detail = why ? why : xstrdup("The expression could not be evaluated");
                else
                    free(why);
                mm_value_clear(&v);
            }
        }
        mm_free(e);
        if (detail) {
            call_error(c, "ValidationError", MSG_DS_EXPR, id, detail);
            free(detail);
            goto out;
        }
    }
    *period = p;
    rc = SIM_OK;
out:
    free(ids);
    return rc;
}

/* PutMetricAlarm: checks the alarm and hands it to the engine. */
int cw_op_PutMetricAlarm(struct call *c)
{
    const cJSON *in = c->in;
    const char *name = param_str(in, "AlarmName");
    if (check_common(c, name, ALARM_TYPE_METRIC) != SIM_OK)
        return SIM_ERROR;
    const cJSON *metrics = param(in, "Metrics");
    int math = list_size(metrics) > 0;
    const char *stat = param_str(in, "Statistic");
    const char *ext = param_str(in, "ExtendedStatistic");
    const char *tmi = param_str(in, "ThresholdMetricId");
    const char *op = param_str(in, "ComparisonOperator");
    int period = 0;
    if (math) {
        static const char *const excluded[] = {"Namespace", "MetricName", "Dimensions", "Period",
                                               "Unit", "Statistic", "ExtendedStatistic"};
        for (size_t i = 0; i < sizeof excluded / sizeof excluded[0]; i++) {
            if (param(in, excluded[i]))
                return call_error(c, "ValidationError", MSG_NOT_WITH_METRICS, excluded[i]);
        }
        if (check_metrics(c, metrics, tmi, &period) != SIM_OK)
            return SIM_ERROR;
    } else {
        if (param_str(in, "MetricName") == NULL)
            return call_error(c, "ValidationError", MSG_NOT_NULL, "MetricName");
        if (param_str(in, "Namespace") == NULL)
            return call_error(c, "ValidationError", MSG_NOT_NULL, "Namespace");
        if (param(in, "Period") == NULL)
            return call_error(c, "ValidationError", MSG_NOT_NULL, "Period");
        if ((stat == NULL) == (ext == NULL))
            return call_error(c, "ValidationError", MSG_DS_STAT_ONE);
        if (ext && (!metricstat_valid(ext) || metricstat_basic(ext)))
            return call_error(c, "InvalidParameterValue", MSG_DS_EXTENDED, ext);
        if (!alarm_period_ok(param_int(in, "Period", 0)))
            return call_error(c, "ValidationError", MSG_DS_PERIOD);
        period = (int)param_int(in, "Period", 0);
        if (tmi)
            return call_error(c, "ValidationError", MSG_DS_NO_TMI);
    }
    if (param(in, "EvaluationPeriods") == NULL)
        return call_error(c, "ValidationError", MSG_NOT_NULL, "EvaluationPeriods");
    if (op == NULL)
        return call_error(c, "ValidationError", MSG_NOT_NULL, "ComparisonOperator");
    int anomaly = is_anomaly_op(op);
    if (anomaly && tmi == NULL)
        return call_error(c, "ValidationError", MSG_DS_NEED_TMI, op);
    if (!anomaly && tmi)
        return call_error(c, "ValidationError", MSG_DS_NO_TMI);
    if (anomaly && param(in, "Threshold"))
        return call_error(c, "ValidationError", MSG_DS_TMI_THRESHOLD);
    if (!anomaly && param(in, "Threshold") == NULL)
        return call_error(c, "ValidationError", MSG_NOT_NULL, "Threshold");
    int64_t n = param_int(in, "EvaluationPeriods", 1);
    int64_t m = param_int(in, "DatapointsToAlarm", n);
    if (m > n)
        return call_error(c, "ValidationError", MSG_DS_DATAPOINTS);
    int64_t total = (int64_t)period * n;
    if (period < 3600 && total > 86400)
        return call_error(c, "InvalidParameterCombination", MSG_DAY);
    if (total > 604800)
        return call_error(c, "InvalidParameterCombination", MSG_WEEK);
    enum alarms_treat treat;
    if (alarms_treat_parse(param_str(in, "TreatMissingData"), &treat) != 0)
        return call_error(c, "ValidationError", MSG_DS_TREAT);
    const char *elsc = param_str(in, "EvaluateLowSampleCountPercentile");
    if (elsc && strcmp(elsc, "evaluate") != 0 && strcmp(elsc, "ignore") != 0)
        return call_error(c, "ValidationError", MSG_DS_ELSC);
    if (elsc && (ext == NULL || ext[0] != 'p'))
        return call_error(c, "ValidationError", MSG_DS_ELSC_PCT);
    struct action_rules rules = {.math = math, .anomaly = anomaly};
    if (check_actions(c, &rules) != SIM_OK)
        return SIM_ERROR;

    /* the configuration, in MetricAlarm's member order */
    cJSON *cfg = cJSON_CreateObject();
    char *arn = alarm_arn(c, name);
    cJSON_AddStringToObject(cfg, "AlarmName", name);
    cJSON_AddStringToObject(cfg, "AlarmArn", arn);
    if (param_str(in, "AlarmDescription"))
        cJSON_AddStringToObject(cfg, "AlarmDescription", param_str(in, "AlarmDescription"));
    add_actions(c, cfg);
    if (!math) {
        cJSON_AddStringToObject(cfg, "MetricName", param_str(in, "MetricName"));
        cJSON_AddStringToObject(cfg, "Namespace", param_str(in, "Namespace"));
        if (stat)
            cJSON_AddStringToObject(cfg, "Statistic", stat);
        const cJSON *dims = param(in, "Dimensions");
        cJSON_AddItemToObject(cfg, "Dimensions", cJSON_IsArray(dims) ? cJSON_Duplicate(dims, 1)
                                                                     : cJSON_CreateArray());
        cJSON_AddNumberToObject(cfg, "Period", period);
        if (param_str(in, "Unit"))
            cJSON_AddStringToObject(cfg, "Unit", param_str(in, "Unit"));
    }
    cJSON_AddNumberToObject(cfg, "EvaluationPeriods", (double)n);
    if (param(in, "DatapointsToAlarm"))
        cJSON_AddNumberToObject(cfg, "DatapointsToAlarm", (double)m);
    if (!anomaly)
        cJSON_AddNumberToObject(cfg, "Threshold", param_num(in, "Threshold", 0));
    cJSON_AddStringToObject(cfg, "ComparisonOperator", op);
    if (ext)
        cJSON_AddStringToObject(cfg, "ExtendedStatistic", ext);
    if (param_str(in, "TreatMissingData"))
        cJSON_AddStringToObject(cfg, "TreatMissingData", param_str(in, "TreatMissingData"));
    if (elsc)
        cJSON_AddStringToObject(cfg, "EvaluateLowSampleCountPercentile", elsc);
    if (math)
        cJSON_AddItemToObject(cfg, "Metrics", cJSON_Duplicate(metrics, 1));
    if (tmi)
        cJSON_AddStringToObject(cfg, "ThresholdMetricId", tmi);
    int created;
    int rc = alarms_put(c->sim, c->team, c->tenant.region, ALARM_TYPE_METRIC, cfg,
                        param_bool(in, "ActionsEnabled", 1), NULL, 0, param(in, "Tags"),
                        c->now_ms, &created);
    cJSON_Delete(cfg);
    free(arn);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* ---- PutCompositeAlarm ------------------------------------------------------------------- */

/* Counts the composite alarms other than self that reference an alarm. */
struct parent_count {
    const char *self;
    int n;
};

/* store_alarm_refs_each callback of struct parent_count. */
static int count_parent(void *ctx, const char *parent)
{
    struct parent_count *p = ctx;
    if (strcmp(parent, p->self) != 0)
        p->n++;
    return 0;
}

/* PutCompositeAlarm: checks the rule (its alarms must exist) and the actions, and hands the
 * alarm to the engine. */
int cw_op_PutCompositeAlarm(struct call *c)
{
    const cJSON *in = c->in;
    const char *name = param_str(in, "AlarmName");
    const char *rule_text = param_str(in, "AlarmRule");
    if (check_common(c, name, ALARM_TYPE_COMPOSITE) != SIM_OK)
        return SIM_ERROR;
    struct alarms_rule *rule = NULL;
    char *error = NULL;
    if (alarms_rule_parse(rule_text, &rule, &error) != 0) {
        call_error(c, "ValidationError", "%s", error);
        free(error);
        return SIM_ERROR;
    }
    int rc = SIM_ERROR;
    const char *const *refs;
    int nrefs = alarms_rule_refs(rule, &refs);
    const char **children = xcalloc((size_t)(nrefs ? nrefs : 1), sizeof *children);
    int nchildren = 0;
    struct buf missing;
    buf_init(&missing, 1u << 16);
    struct alarm_scope sc = scope_of(c);
    for (int i = 0; i < nrefs; i++) {
        const char *child = alarms_ref_name(refs[i], c->tenant.account, c->tenant.region);
        struct alarm_row r = {0};
        int got = child ? store_alarm_get(&sc, child, &r) : 1;
        store_alarm_clear(&r);
        if (got < 0) {
            store_failed(c);
            goto out;
        }
        if (got == 1) {
            buf_printf(&missing, "%s%s", missing.len ? ", " : "", refs[i]);
            continue;
        }
        int dup = 0;
        for (int k = 0; k < nchildren; k++)
            dup |= strcmp(children[k], child) == 0;
        if (dup)
            continue;
        /* "Any single alarm can be included in the rule expressions of as many as 150
         * composite alarms" (PutCompositeAlarm) */
        struct parent_count pc = {.self = name};
        if (store_alarm_refs_each(&sc, child, 1, count_parent, &pc) != 0) {
            store_failed(c);
            goto out;
        }
        if (pc.n >= MAX_PARENTS) {
            call_error(c, "LimitExceeded", MSG_DS_PARENTS, child, MAX_PARENTS);
            goto out;
        }
        children[nchildren++] = child;
    }
    if (missing.len) {
        call_error(c, "ValidationError", MSG_MISSING_CHILDREN, missing.p);
        goto out;
    }
    const char *suppressor = param_str(in, "ActionsSuppressor");
    if (suppressor && (param(in, "ActionsSuppressorWaitPeriod") == NULL ||
                       param(in, "ActionsSuppressorExtensionPeriod") == NULL)) {
        call_error(c, "ValidationError", MSG_DS_SUPPRESSOR);
        goto out;
    }
    struct action_rules rules = {.composite = 1};
    if (check_actions(c, &rules) != SIM_OK)
        goto out;
    cJSON *cfg = cJSON_CreateObject();
    char *arn = alarm_arn(c, name);
    cJSON_AddStringToObject(cfg, "AlarmName", name);
    cJSON_AddStringToObject(cfg, "AlarmArn", arn);
    if (param_str(in, "AlarmDescription"))
        cJSON_AddStringToObject(cfg, "AlarmDescription", param_str(in, "AlarmDescription"));
    cJSON_AddStringToObject(cfg, "AlarmRule", rule_text);
    add_actions(c, cfg);
    if (suppressor) {
        cJSON_AddStringToObject(cfg, "ActionsSuppressor", suppressor);
        cJSON_AddNumberToObject(cfg, "ActionsSuppressorWaitPeriod",
                                (double)param_int(in, "ActionsSuppressorWaitPeriod", 0));
        cJSON_AddNumberToObject(cfg, "ActionsSuppressorExtensionPeriod",
                                (double)param_int(in, "ActionsSuppressorExtensionPeriod", 0));
    }
    int created;
    int put = alarms_put(c->sim, c->team, c->tenant.region, ALARM_TYPE_COMPOSITE, cfg,
                         param_bool(in, "ActionsEnabled", 1), children, nchildren,
                         param(in, "Tags"), c->now_ms, &created);
    cJSON_Delete(cfg);
    free(arn);
    rc = put == 0 ? SIM_OK : store_failed(c);
out:
    buf_free(&missing);
    free(children);
    alarms_rule_free(rule);
    return rc;
}

/* ---- DescribeAlarms ------------------------------------------------------------------------- */

struct describe {
    struct call *c;
    cJSON *metric, *composite;
    const cJSON *names; /* AlarmNames or NULL */
    const char *state;
    const char *action_prefix;
    int want_metric, want_composite;
    int max, n, more;
    char *last;
};

/* Returns 1 if one of the alarm's actions starts with prefix. */
static int has_action_prefix(const cJSON *cfg, const char *prefix)
{
    static const char *const lists[] = {"OKActions", "AlarmActions", "InsufficientDataActions"};
    size_t n = strlen(prefix);
    for (size_t i = 0; i < 3; i++) {
        const cJSON *a;
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(cfg, lists[i]))
        {
            if (cJSON_IsString(a) && strncmp(a->valuestring, prefix, n) == 0)
                return 1;
        }
    }
    return 0;
}

/* Returns 1 if the string list names holds name. */
static int in_names(const cJSON *names, const char *name)
{
    const cJSON *n;
    cJSON_ArrayForEach(n, names)
    {
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return 1;
    }
    return 0;
}

/* store_alarm_each callback: adds r to the page when it passes the filters. */
static int take_alarm(void *ctx, const struct alarm_row *r)
{
    struct describe *d = ctx;
    int composite = strcmp(r->type, ALARM_TYPE_COMPOSITE) == 0;
    if (composite ? !d->want_composite : !d->want_metric)
        return 0;
    if (d->names && !in_names(d->names, r->name))
        return 0;
    if (d->state && strcmp(d->state, r->state) != 0)
        return 0;
    if (d->action_prefix) {
        cJSON *cfg = cJSON_Parse(r->config);
        int has = has_action_prefix(cfg, d->action_prefix);
        cJSON_Delete(cfg);
        if (!has)
            return 0;
    }
    if (d->n == d->max) {
        d->more = 1;
        return 1;
    }
    cJSON_AddItemToArray(composite ? d->composite : d->metric, alarms_describe(r));
    d->n++;
    free(d->last);
    d->last = xstrdup(r->name);
    return 0;
}

/* ChildrenOfAlarmName / ParentsOfAlarmName: the named alarms with the members AWS returns. */
struct family {
    struct call *c;
    struct describe *d;
    int children;
    const char *after;
};

/* store_alarm_refs_each callback: adds a child or parent with the members AWS returns. */
static int take_relative(void *ctx, const char *name)
{
    struct family *f = ctx;
    if (f->after && strcmp(name, f->after) <= 0)
        return 0;
    struct alarm_scope sc = scope_of(f->c);
    struct alarm_row r = {0};
    int got = store_alarm_get(&sc, name, &r);
    if (got != 0)
        return got < 0 ? -1 : 0;
    struct describe *d = f->d;
    if (d->n == d->max) {
        d->more = 1;
        store_alarm_clear(&r);
        return 1;
    }
    cJSON *full = alarms_describe(&r);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "AlarmName", r.name);
    cJSON_AddItemToObject(o, "AlarmArn",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(full, "AlarmArn"), 1));
    if (f->children) {
        cJSON_AddStringToObject(o, "StateValue", r.state);
        cJSON_AddNumberToObject(o, "StateUpdatedTimestamp", (double)r.state_updated_ms / 1000.0);
    }
    cJSON_Delete(full);
    cJSON_AddItemToArray(strcmp(r.type, ALARM_TYPE_COMPOSITE) == 0 ? d->composite : d->metric,
                         o);
    d->n++;
    free(d->last);
    d->last = xstrdup(r.name);
    store_alarm_clear(&r);
    return 0;
}

/* DescribeAlarms: one page of the alarms that pass the filters, in name order (see the file
 * header), or the children / parents of one alarm. */
int cw_op_DescribeAlarms(struct call *c)
{
    const cJSON *in = c->in;
    const char *children_of = param_str(in, "ChildrenOfAlarmName");
    const char *parents_of = param_str(in, "ParentsOfAlarmName");
    const cJSON *names = param(in, "AlarmNames");
    const char *prefix = param_str(in, "AlarmNamePrefix");
    if (list_size(names) && prefix)
        return call_error(c, "ValidationError", MSG_DS_NAMES_AND_PREFIX);
    if (children_of || parents_of) {
        static const char *const others[] = {"AlarmNames", "AlarmNamePrefix", "AlarmTypes",
                                             "StateValue", "ActionPrefix"};
        int clash = children_of && parents_of;
        for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
            clash |= param(in, others[i]) != NULL;
        if (clash)
            return call_error(c, "ValidationError", MSG_DS_FAMILY_ONLY,
                              children_of ? "ChildrenOfAlarmName" : "ParentsOfAlarmName");
    }
    char *after = NULL;
    const char *token = param_str(in, "NextToken");
    if (token) {
        after = token_read(token);
        if (after == NULL)
            return call_error(c, "InvalidNextToken", MSG_DS_TOKEN);
    }
    struct describe d = {
        .c = c,
        .names = list_size(names) ? names : NULL,
        .state = param_str(in, "StateValue"),
        .action_prefix = param_str(in, "ActionPrefix"),
        .max = (int)param_int(in, "MaxRecords", ALARMS_PAGE_DEFAULT),
    };
    const cJSON *types = param(in, "AlarmTypes");
    if (list_size(types) == 0) {
        d.want_metric = 1;
    } else {
        d.want_metric = in_names(types, ALARM_TYPE_METRIC);
        d.want_composite = in_names(types, ALARM_TYPE_COMPOSITE);
    }
    c->out = cJSON_CreateObject();
    d.composite = cJSON_AddArrayToObject(c->out, "CompositeAlarms");
    d.metric = cJSON_AddArrayToObject(c->out, "MetricAlarms");
    struct alarm_scope sc = scope_of(c);
    int rc;
    if (children_of || parents_of) {
        struct family f = {c, &d, children_of != NULL, after};
        rc = store_alarm_refs_each(&sc, children_of ? children_of : parents_of,
                                   parents_of != NULL, take_relative, &f);
    } else {
        rc = store_alarm_each(&sc, after, prefix, take_alarm, &d);
    }
    free(after);
    if (rc != 0) {
        free(d.last);
        return store_failed(c);
    }
    if (d.more && d.last) {
        char *next = token_make(d.last);
        cJSON_AddStringToObject(c->out, "NextToken", next);
        free(next);
    }
    free(d.last);
    return SIM_OK;
}

/* ---- DescribeAlarmsForMetric ---------------------------------------------------------------- */

struct for_metric {
    struct call *c;
    cJSON *list;
    const char *dims; /* canonical key of the request's Dimensions, or NULL */
};

/* store_alarm_each_for_metric callback: keeps the alarms that match the request's filters. */
static int take_for_metric(void *ctx, const struct alarm_row *r)
{
    struct for_metric *f = ctx;
    const cJSON *in = f->c->in;
    cJSON *cfg = cJSON_Parse(r->config);
    int keep = 1;
    static const char *const strs[] = {"Statistic", "ExtendedStatistic", "Unit"};
    for (size_t i = 0; i < 3 && keep; i++) {
        const char *want = param_str(in, strs[i]);
        const char *have = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cfg, strs[i]));
        if (want && (have == NULL || strcmp(want, have) != 0))
            keep = 0;
    }
    if (keep && param(in, "Period") &&
        param_int(in, "Period", 0) !=
            (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cfg, "Period")))
        keep = 0;
    if (keep && f->dims && strcmp(f->dims, r->dims ? r->dims : "") != 0)
        keep = 0;
    cJSON_Delete(cfg);
    if (keep)
        cJSON_AddItemToArray(f->list, alarms_describe(r));
    return 0;
}

/* DescribeAlarmsForMetric: the single-metric alarms of the metric (dimensions matched as a
 * set), filtered by statistic, period and unit. */
int cw_op_DescribeAlarmsForMetric(struct call *c)
{
    struct for_metric f = {.c = c};
    char *dims = NULL;
    const cJSON *d = param(c->in, "Dimensions");
    if (cJSON_IsArray(d)) {
        struct metrics_dim list[METRICS_MAX_DIMS];
        int nd = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, d)
        {
            if (nd < METRICS_MAX_DIMS && param_str(it, "Name") && param_str(it, "Value")) {
                list[nd].name = param_str(it, "Name");
                list[nd].value = param_str(it, "Value");
                nd++;
            }
        }
        metrics_dims_sort(list, nd);
        struct buf key;
        buf_init(&key, 1u << 20);
        metrics_dims_key(list, nd, &key);
        dims = buf_steal(&key, NULL);
        f.dims = dims ? dims : "";
    }
    c->out = cJSON_CreateObject();
    f.list = cJSON_AddArrayToObject(c->out, "MetricAlarms");
    struct alarm_scope sc = scope_of(c);
    int rc = store_alarm_each_for_metric(&sc, param_str(c->in, "Namespace"),
                                         param_str(c->in, "MetricName"), take_for_metric, &f);
    free(dims);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* ---- DeleteAlarms --------------------------------------------------------------------------- */

struct parents_check {
    const cJSON *names;
    int outside; /* a parent that is not being deleted */
};

/* store_alarm_refs_each callback: notes a parent that is not being deleted with its child. */
static int check_parent(void *ctx, const char *parent)
{
    struct parents_check *p = ctx;
    if (!in_names(p->names, parent)) {
        p->outside = 1;
        return 1;
    }
    return 0;
}

/* DeleteAlarms: at most one composite alarm, none that another composite alarm still
 * depends on; unknown names are ignored. */
int cw_op_DeleteAlarms(struct call *c)
{
    const cJSON *names = param(c->in, "AlarmNames");
    struct alarm_scope sc = scope_of(c);
    int composites = 0;
    struct buf blocked;
    buf_init(&blocked, 1u << 16);
    int nblocked = 0;
    const cJSON *n;
    cJSON_ArrayForEach(n, names)
    {
        if (!cJSON_IsString(n))
            continue;
        struct alarm_row r = {0};
        int got = store_alarm_get(&sc, n->valuestring, &r);
        if (got < 0) {
            buf_free(&blocked);
            return store_failed(c);
        }
        if (got == 1)
            continue;
        composites += strcmp(r.type, ALARM_TYPE_COMPOSITE) == 0;
        store_alarm_clear(&r);
        struct parents_check pc = {.names = names};
        if (store_alarm_refs_each(&sc, n->valuestring, 1, check_parent, &pc) != 0) {
            buf_free(&blocked);
            return store_failed(c);
        }
        if (pc.outside) {
            buf_printf(&blocked, "%s%s", nblocked ? "," : "", n->valuestring);
            nblocked++;
        }
    }
    if (composites > 1) {
        buf_free(&blocked);
        return call_error(c, "ValidationError", MSG_DS_TWO_COMPOSITES);
    }
    if (nblocked) {
        call_error(c, "ValidationError", MSG_DEPENDING, blocked.p, nblocked == 1 ? "it" : "them");
        buf_free(&blocked);
        return SIM_ERROR;
    }
    buf_free(&blocked);
    cJSON_ArrayForEach(n, names)
    {
        if (cJSON_IsString(n) &&
            alarms_delete(c->sim, c->team, c->tenant.region, n->valuestring, c->now_ms) < 0)
            return store_failed(c);
    }
    return SIM_OK;
}

/* ---- SetAlarmState, Enable/DisableAlarmActions --------------------------------------------- */

/* SetAlarmState: sets the state until the next evaluation, running the actions of a new
 * state. */
int cw_op_SetAlarmState(struct call *c)
{
    const char *data = param_str(c->in, "StateReasonData");
    if (data) {
        cJSON *j = cJSON_Parse(data);
        int ok = j != NULL;
        cJSON_Delete(j);
        if (!ok)
            return call_error(c, "InvalidFormat", MSG_BAD_JSON);
    }
    int rc = alarms_set_state(c->sim, c->team, c->tenant.region, param_str(c->in, "AlarmName"),
                              param_str(c->in, "StateValue"), param_str(c->in, "StateReason"),
                              data, c->now_ms);
    if (rc == 1)
        return call_error(c, "ResourceNotFound", NULL);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* Enables or disables the actions of the named alarms. */
static int set_actions(struct call *c, int on)
{
    const cJSON *n;
    cJSON_ArrayForEach(n, param(c->in, "AlarmNames"))
    {
        if (cJSON_IsString(n) && alarms_set_actions_enabled(c->sim, c->team, c->tenant.region,
                                                            n->valuestring, on, c->now_ms) < 0)
            return store_failed(c);
    }
    return SIM_OK;
}

/* EnableAlarmActions and DisableAlarmActions: unknown names are ignored. */
int cw_op_EnableAlarmActions(struct call *c)
{
    return set_actions(c, 1);
}

int cw_op_DisableAlarmActions(struct call *c)
{
    return set_actions(c, 0);
}

/* ---- DescribeAlarmHistory ---------------------------------------------------------------- */

struct history_page {
    cJSON *items;
    int max, n, more;
    int64_t last;
};

/* store_alarm_history_each callback: adds one item to the page. */
static int take_history(void *ctx, const struct alarm_history *h)
{
    struct history_page *p = ctx;
    if (p->n == p->max) {
        p->more = 1;
        return 1;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "AlarmName", h->alarm);
    cJSON_AddStringToObject(o, "AlarmType", h->alarm_type);
    cJSON_AddNumberToObject(o, "Timestamp", (double)h->ts_ms / 1000.0);
    cJSON_AddStringToObject(o, "HistoryItemType", h->item_type);
    cJSON_AddStringToObject(o, "HistorySummary", h->summary);
    cJSON_AddStringToObject(o, "HistoryData", h->data);
    cJSON_AddItemToArray(p->items, o);
    p->n++;
    p->last = h->seq;
    return 0;
}

/* DescribeAlarmHistory: one page of the history items that pass the filters, newest first
 * unless ScanBy says otherwise. */
int cw_op_DescribeAlarmHistory(struct call *c)
{
    const cJSON *in = c->in;
    struct alarm_history_filter f = {
        .alarm = param_str(in, "AlarmName"),
        .item_type = param_str(in, "HistoryItemType"),
    };
    const cJSON *types = param(in, "AlarmTypes");
    if (list_size(types) == 0) {
        f.metric = 1;
    } else {
        f.metric = in_names(types, ALARM_TYPE_METRIC);
        f.composite = in_names(types, ALARM_TYPE_COMPOSITE);
    }
    const char *scan = param_str(in, "ScanBy");
    f.ascending = scan && strcmp(scan, "TimestampAscending") == 0;
    if (param(in, "StartDate"))
        f.start_ms = (int64_t)llround(param_num(in, "StartDate", 0) * 1000.0);
    if (param(in, "EndDate"))
        f.end_ms = (int64_t)llround(param_num(in, "EndDate", 0) * 1000.0);
    const char *token = param_str(in, "NextToken");
    if (token) {
        char *t = token_read(token);
        char *end = NULL;
        long long seq = t ? strtoll(t, &end, 10) : 0;
        int ok = t && end && *end == '\0' && seq > 0;
        free(t);
        if (!ok)
            return call_error(c, "InvalidNextToken", MSG_DS_TOKEN);
        f.after_seq = seq;
    }
    struct history_page p = {.max = (int)param_int(in, "MaxRecords", HISTORY_PAGE_DEFAULT)};
    c->out = cJSON_CreateObject();
    p.items = cJSON_AddArrayToObject(c->out, "AlarmHistoryItems");
    struct alarm_scope sc = scope_of(c);
    if (store_alarm_history_each(&sc, &f, take_history, &p) != 0)
        return store_failed(c);
    if (p.more) {
        char seq[32];
        snprintf(seq, sizeof seq, "%" PRId64, p.last);
        char *next = token_make(seq);
        cJSON_AddStringToObject(c->out, "NextToken", next);
        free(next);
    }
    return SIM_OK;
}

/* ---- tags ----------------------------------------------------------------------------------- */

/* Reads an alarm ARN of the caller's account and region into its alarm's name (pointer into
 * arn). Returns SIM_OK, or SIM_ERROR with the error set. */
static int tag_target(struct call *c, const char *arn, const char **name)
{
    struct arn a;
    if (arn == NULL)
        return call_error(c, "MissingParameter", "The parameter ResourceARN is required.");
    if (arn_split(arn, &a) != 0 || strcmp(a.service, "cloudwatch") != 0)
        return call_error(c, "InvalidParameterValue", MSG_DS_BAD_TAG_ARN, arn);
    const char *n = alarms_ref_name(arn, c->tenant.account, c->tenant.region);
    if (n == NULL || n == arn)
        return call_error(c, "ResourceNotFoundException", MSG_DS_NO_RESOURCE, arn);
    struct alarm_scope sc = scope_of(c);
    struct alarm_row r = {0};
    int got = store_alarm_get(&sc, n, &r);
    store_alarm_clear(&r);
    if (got < 0)
        return store_failed(c);
    if (got == 1)
        return call_error(c, "ResourceNotFoundException", MSG_DS_NO_RESOURCE, arn);
    *name = n;
    return SIM_OK;
}

/* The ARN an alarm's tags are kept under (the stored AlarmArn spelling). */
static char *tag_resource(const struct call *c, const char *name)
{
    return alarm_arn(c, name);
}

/* TagResource: adds or replaces tags of an alarm, at most 50 in all. */
int cw_op_TagResource(struct call *c)
{
    const char *name;
    if (tag_target(c, param_str(c->in, "ResourceARN"), &name) != SIM_OK)
        return SIM_ERROR;
    struct alarm_scope sc = scope_of(c);
    char *res = tag_resource(c, name);
    int rc = SIM_ERROR;
    /* the count after the change: existing keys plus the new ones */
    int64_t n;
    if (store_alarm_tag_count(&sc, res, &n) != 0) {
        store_failed(c);
        goto out;
    }
    cJSON *current = cJSON_CreateArray();
    if (store_alarm_tags(&sc, res, current) != 0) {
        cJSON_Delete(current);
        store_failed(c);
        goto out;
    }
    const cJSON *t;
    cJSON_ArrayForEach(t, param(c->in, "Tags"))
    {
        const char *key = param_str(t, "Key");
        int exists = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, current)
            exists |= key && strcmp(param_str(e, "Key"), key) == 0;
        if (!exists)
            n++;
    }
    cJSON_Delete(current);
    if (n > MAX_TAGS) {
        call_error(c, "InvalidParameterValue", MSG_DS_TOO_MANY_TAGS);
        goto out;
    }
    cJSON_ArrayForEach(t, param(c->in, "Tags"))
    {
        const char *key = param_str(t, "Key"), *value = param_str(t, "Value");
        if (key && store_alarm_tag_set(&sc, res, key, value ? value : "") != 0) {
            store_failed(c);
            goto out;
        }
    }
    c->out = cJSON_CreateObject();
    rc = SIM_OK;
out:
    free(res);
    return rc;
}

/* UntagResource: removes tags of an alarm (unknown keys are ignored). */
int cw_op_UntagResource(struct call *c)
{
    const char *name;
    if (tag_target(c, param_str(c->in, "ResourceARN"), &name) != SIM_OK)
        return SIM_ERROR;
    struct alarm_scope sc = scope_of(c);
    char *res = tag_resource(c, name);
    const cJSON *k;
    cJSON_ArrayForEach(k, param(c->in, "TagKeys"))
    {
        if (cJSON_IsString(k) && store_alarm_tag_remove(&sc, res, k->valuestring) != 0) {
            free(res);
            return store_failed(c);
        }
    }
    free(res);
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

/* ListTagsForResource: an alarm's tags in key order. */
int cw_op_ListTagsForResource(struct call *c)
{
    const char *name;
    if (tag_target(c, param_str(c->in, "ResourceARN"), &name) != SIM_OK)
        return SIM_ERROR;
    struct alarm_scope sc = scope_of(c);
    char *res = tag_resource(c, name);
    c->out = cJSON_CreateObject();
    cJSON *tags = cJSON_AddArrayToObject(c->out, "Tags");
    int rc = store_alarm_tags(&sc, res, tags);
    free(res);
    return rc == 0 ? SIM_OK : store_failed(c);
}
