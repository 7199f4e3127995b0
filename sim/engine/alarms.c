/*
 * alarms.c - the alarm evaluator and state machine (see alarms.h).
 *
 * Evaluation. alarms_tick runs at every minute of sim time (engine.c's step table, period
 * 60 s) and evaluates every alarm of the team whose next_eval_ms has come (the store's
 * index), in every region; a metric alarm is then due again a minute later, a composite alarm
 * only when one of its children changes state (or its configuration does). A metric alarm
 * queries its evaluation range (alarms_range periods) ending at the minute of the evaluation,
 * the periods aligned on that minute, so the grid moves with every evaluation as CloudWatch's
 * does ("the bucket anchor drifts"). A single-metric alarm's datapoints come from
 * metricstat_series (the statistic, and SampleCount for the reason data); a math alarm's from
 * metric math (engine/metricmath.h) with every MetricStat query evaluated on its own period.
 * alarms_decide (alarms_text.c) turns the periods into a state, a reason and reason data.
 * Alarms on AWS/DynamoDB metrics always ignore missing data (the API reference). Alarms with
 * a 10, 20 or 30 s period are evaluated once a minute like the others (CloudWatch evaluates
 * them at their period).
 *
 * State changes (evaluation, SetAlarmState, a composite's children): the state columns are
 * written, a StateUpdate history item "Alarm updated from OLD to NEW" is recorded with
 * HistoryData {"version":"1.0","oldState":{stateValue, stateReason[, stateReasonData]},
 * "newState":{...}}, the new state's actions run when ActionsEnabled, and every composite
 * alarm whose rule names the alarm is re-evaluated at once (nested composites too, to
 * ALARMS_MAX_DEPTH levels: a cycle stops there, as CloudWatch stops evaluating cycles).
 * Actions run once per transition, except Auto Scaling policies, which CloudWatch invokes
 * "for every period that the alarm remains in the new state" (the user guide): the tick
 * repeats them every Period while the state lasts.
 *
 * Actions. An SNS topic gets the alarm notification JSON (alarm_message) with the subject
 * 'ALARM: "name" in US East (N. Virginia)' through sns_publish; the history records
 * "Successfully executed action ARN" with HistoryData {"actionState":"Succeeded",
 * "stateUpdateTimestamp":ms,"notificationResource":ARN,"publishedMessage":"{\"default\":...}"}
 * or "Failed to execute action ARN. Received error: \"...\"" (actionState Failed) - the texts
 * of real alarm histories quoted in public repositories. An Application Auto Scaling policy
 * runs through alarms__scaling_action (alarms_tt.c). Actions drillsim does not simulate (EC2,
 * EC2 Auto Scaling groups, Lambda, Systems Manager, investigations) are recorded as failed
 * with the reason "drillsim does not perform <kind> actions" - never silently skipped.
 *
 * The notification, as AWS publishes it (notifications quoted publicly and LocalStack
 * snapshots recorded against AWS): {"AlarmName","AlarmDescription" (null when none),
 * "AWSAccountId","AlarmConfigurationUpdatedTimestamp","NewStateValue","NewStateReason",
 * "StateChangeTime","Region","AlarmArn","OldStateValue","OKActions","AlarmActions",
 * "InsufficientDataActions","Trigger":{"MetricName","Namespace","StatisticType","Statistic"
 * (upper case, or "ExtendedStatistic":"p99"),"Unit" (null when none),"Dimensions":[{"value",
 * "name"}],"Period","EvaluationPeriods",["DatapointsToAlarm",]"ComparisonOperator","Threshold",
 * "TreatMissingData" ("" when not set),"EvaluateLowSampleCountPercentile" ("" when not set)}};
 * a math alarm's Trigger carries "Metrics" instead of the metric members; a composite alarm's
 * message has "AlarmRule" and "TriggeringChildren":[{"Arn","State":{"Value","Timestamp"}}]
 * instead of Trigger. drillsim publishes the default message only (AWS also sends e-mail and
 * SMS variants through MessageStructure json; e-mail subscribers here get the JSON).
 *
 * Composite alarms: the rule is evaluated over the children's current states; TRUE is ALARM,
 * FALSE is OK. The reason names the child whose change caused the evaluation, as AWS's:
 * "arn:aws:cloudwatch:...:alarm:child transitioned to ALARM at Friday 04 August, 2023
 * 12:54:46 UTC" with reason data {"triggeringAlarms":[{"arn","state":{"value","timestamp"}}]}.
 *
 * To add an action kind: recognise its ARN in run_action() and record its outcome with
 * history_action().
 */
#include "engine/alarms.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alarms_int.h"
#include "engine/engine.h"
#include "engine/metricmath.h"
#include "engine/metricstat.h"
#include "engine/sns.h"
#include "engine/team.h"
#include "sim.h"
#include "store/alarms.h"
#include "store/metrics.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define MINUTE_MS 60000LL
#define ALARMS_MAX_DEPTH 16       /* composite alarms re-evaluated in one chain, at most */
#define ALARMS_MAX_CASCADE 1000   /* composite evaluations one state change may cause */
#define ALARMS_DUE_BATCH 256      /* alarms read from the store at a time */
#define HISTORY_KEEP_MS (30LL * 24 * 3600 * 1000) /* history kept 30 days */
#define SUMMARY_MAX 255           /* HistorySummary's modeled maximum */
#define SUBJECT_MAX 100           /* an SNS Subject's maximum */

/* Where an evaluation or a state change happens. */
struct actx {
    struct sim *sim;
    struct team *team;
    const char *region;
    int64_t now_ms;
    int depth;
    int budget; /* composite evaluations left in this cascade (ALARMS_MAX_CASCADE) */
};

static int evaluate_composite(struct actx *x, const char *name, const char *trigger);

static struct alarm_scope scope_of(const struct actx *x)
{
    struct alarm_scope sc = {x->sim->store, x->team->account, x->region};
    return sc;
}

/* The member of a config object, or NULL. */
static const cJSON *cfg_item(const cJSON *cfg, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, name);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

/* A string member of a config object, or NULL. */
static const char *cfg_str(const cJSON *cfg, const char *name)
{
    const cJSON *v = cfg_item(cfg, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A number member of a config object, or dflt. */
static double cfg_num(const cJSON *cfg, const char *name, double dflt)
{
    const cJSON *v = cfg_item(cfg, name);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* ---- DescribeAlarms' form and history data ------------------------------------------------ */

cJSON *alarms_describe(const struct alarm_row *r)
{
    cJSON *o = cJSON_Parse(r->config);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "AlarmName", r->name);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(o, "ActionsEnabled");
    cJSON_AddBoolToObject(o, "ActionsEnabled", r->actions_enabled);
    cJSON_AddNumberToObject(o, "AlarmConfigurationUpdatedTimestamp",
                            (double)r->config_updated_ms / 1000.0);
    cJSON_AddStringToObject(o, "StateValue", r->state);
    cJSON_AddStringToObject(o, "StateReason", r->reason ? r->reason : "");
    if (r->reason_data)
        cJSON_AddStringToObject(o, "StateReasonData", r->reason_data);
    cJSON_AddNumberToObject(o, "StateUpdatedTimestamp", (double)r->state_updated_ms / 1000.0);
    cJSON_AddNumberToObject(o, "StateTransitionedTimestamp",
                            (double)r->transitioned_ms / 1000.0);
    return o;
}

/* A member name as CloudWatch's history data spells it: the leading capitals lowered
 * ("AlarmName" -> "alarmName", "OKActions" -> "okactions"). */
static char *lower_lead(const char *s)
{
    char *p = xstrdup(s);
    for (char *q = p; *q && isupper((unsigned char)*q); q++)
        *q = (char)tolower((unsigned char)*q);
    return p;
}

/* Writes the alarm (DescribeAlarms' form) as history data spells it: lower-case member
 * names, timestamps as "2013-01-14T18:38:31.745+0000". */
static void history_alarm(struct buf *b, const struct alarm_row *r)
{
    cJSON *o = alarms_describe(r);
    buf_putc(b, '{');
    int first = 1;
    const cJSON *it;
    cJSON_ArrayForEach(it, o)
    {
        char *key = lower_lead(it->string);
        buf_printf(b, "%s", first ? "" : ",");
        first = 0;
        alarms__json_str(b, key);
        buf_putc(b, ':');
        if (strstr(it->string, "Timestamp") && cJSON_IsNumber(it)) {
            char t[40];
            alarms_iso_time(llround(it->valuedouble * 1000.0), t);
            alarms__json_str(b, t);
        } else if (strcmp(it->string, "Threshold") == 0 && cJSON_IsNumber(it)) {
            alarms__json_num(b, it->valuedouble);
        } else {
            alarms__json_value(b, it);
        }
        free(key);
    }
    buf_putc(b, '}');
    cJSON_Delete(o);
}

/* Records a history item; summary is cut to HistorySummary's 255 characters. */
static int history_add(struct actx *x, const char *alarm, const char *type,
                       const char *item_type, const char *summary, const char *data)
{
    struct alarm_scope sc = scope_of(x);
    char cut[SUMMARY_MAX + 1];
    snprintf(cut, sizeof cut, "%s", summary);
    return store_alarm_history_add(&sc, alarm, type, x->now_ms, item_type, cut, data);
}

/* A ConfigurationUpdate item: kind is "Create", "Update" or "Delete". */
static int history_config(struct actx *x, const char *kind, const struct alarm_row *before,
                          const struct alarm_row *after)
{
    const struct alarm_row *r = after ? after : before;
    struct buf b;
    buf_init(&b, ALARMS__TEXT_MAX);
    buf_printf(&b, "{\"version\":\"1.0\",\"type\":\"%s\"", kind);
    if (strcmp(kind, "Create") == 0) {
        buf_puts(&b, ",\"createdAlarm\":");
        history_alarm(&b, after);
    } else if (strcmp(kind, "Delete") == 0) {
        buf_puts(&b, ",\"deletedAlarm\":");
        history_alarm(&b, before);
    } else {
        buf_puts(&b, ",\"originalAlarm\":");
        history_alarm(&b, before);
        buf_puts(&b, ",\"updatedAlarm\":");
        history_alarm(&b, after);
    }
    buf_putc(&b, '}');
    const char *verb = strcmp(kind, "Create") == 0   ? "created"
                       : strcmp(kind, "Delete") == 0 ? "deleted"
                                                     : "updated";
    char *summary = xasprintf("Alarm \"%s\" %s", r->name, verb);
    int rc = history_add(x, r->name, r->type, "ConfigurationUpdate", summary, b.p);
    free(summary);
    buf_free(&b);
    return rc;
}

/* Writes {"stateValue","stateReason"[,"stateReasonData"]} of one side of a StateUpdate. */
static void history_state_side(struct buf *b, const char *state, const char *reason,
                               const char *data)
{
    buf_puts(b, "{\"stateValue\":");
    alarms__json_str(b, state);
    buf_puts(b, ",\"stateReason\":");
    alarms__json_str(b, reason ? reason : "");
    cJSON *d = data ? cJSON_Parse(data) : NULL;
    if (d) {
        buf_puts(b, ",\"stateReasonData\":");
        /* keep AWS's number formats: the stored text is already JSON */
        buf_puts(b, data);
    }
    cJSON_Delete(d);
    buf_putc(b, '}');
}

/* ---- actions ------------------------------------------------------------------------------ */

/* The notification JSON of a metric alarm's state change. */
static int math_period(const cJSON *metrics);

static void metric_trigger(struct buf *b, const cJSON *cfg)
{
    buf_puts(b, "{");
    const cJSON *metrics = cfg_item(cfg, "Metrics");
    if (metrics) {
        buf_printf(b, "\"Period\":%d,", math_period(metrics));
    } else {
        const char *ext = cfg_str(cfg, "ExtendedStatistic");
        buf_puts(b, "\"MetricName\":");
        alarms__json_str(b, cfg_str(cfg, "MetricName"));
        buf_puts(b, ",\"Namespace\":");
        alarms__json_str(b, cfg_str(cfg, "Namespace"));
        if (ext) {
            buf_puts(b, ",\"StatisticType\":\"ExtendedStatistic\",\"ExtendedStatistic\":");
            alarms__json_str(b, ext);
        } else {
            const char *stat = cfg_str(cfg, "Statistic");
            char up[32] = "";
            for (size_t i = 0; stat && stat[i] && i < sizeof up - 1; i++) {
                up[i] = (char)toupper((unsigned char)stat[i]);
                up[i + 1] = '\0';
            }
            buf_puts(b, ",\"StatisticType\":\"Statistic\",\"Statistic\":");
            alarms__json_str(b, up);
        }
        buf_puts(b, ",\"Unit\":");
        alarms__json_str(b, cfg_str(cfg, "Unit"));
        buf_puts(b, ",\"Dimensions\":[");
        const cJSON *d;
        int first = 1;
        cJSON_ArrayForEach(d, cfg_item(cfg, "Dimensions"))
        {
            buf_puts(b, first ? "{\"value\":" : ",{\"value\":");
            first = 0;
            alarms__json_str(b, cfg_str(d, "Value"));
            buf_puts(b, ",\"name\":");
            alarms__json_str(b, cfg_str(d, "Name"));
            buf_putc(b, '}');
        }
        buf_printf(b, "],\"Period\":%d,", (int)cfg_num(cfg, "Period", 0));
    }
    buf_printf(b, "\"EvaluationPeriods\":%d,", (int)cfg_num(cfg, "EvaluationPeriods", 0));
    if (cfg_item(cfg, "DatapointsToAlarm"))
        buf_printf(b, "\"DatapointsToAlarm\":%d,", (int)cfg_num(cfg, "DatapointsToAlarm", 0));
    buf_puts(b, "\"ComparisonOperator\":");
    alarms__json_str(b, cfg_str(cfg, "ComparisonOperator"));
    if (cfg_item(cfg, "ThresholdMetricId")) {
        buf_puts(b, ",\"ThresholdMetricId\":");
        alarms__json_str(b, cfg_str(cfg, "ThresholdMetricId"));
    } else {
        buf_puts(b, ",\"Threshold\":");
        alarms__json_num(b, cfg_num(cfg, "Threshold", 0));
    }
    const char *tmd = cfg_str(cfg, "TreatMissingData");
    const char *elsc = cfg_str(cfg, "EvaluateLowSampleCountPercentile");
    buf_puts(b, ",\"TreatMissingData\":");
    alarms__json_str(b, tmd ? tmd : "");
    buf_puts(b, ",\"EvaluateLowSampleCountPercentile\":");
    alarms__json_str(b, elsc ? elsc : "");
    if (metrics) {
        buf_puts(b, ",\"Metrics\":");
        alarms__json_value(b, metrics);
    }
    buf_putc(b, '}');
}

/* A list member of the config as a JSON array ([] when absent). */
static void json_list(struct buf *b, const cJSON *cfg, const char *name)
{
    const cJSON *v = cfg_item(cfg, name);
    if (cJSON_IsArray(v))
        alarms__json_value(b, v);
    else
        buf_puts(b, "[]");
}

/* The alarm notification JSON (see the file header). trigger_child names the composite
 * alarm's triggering child (or NULL). Returns a new string. */
static char *alarm_message(struct actx *x, const struct alarm_row *r, const cJSON *cfg,
                           const char *old_state, const char *trigger_child)
{
    int composite = strcmp(r->type, ALARM_TYPE_COMPOSITE) == 0;
    struct buf b;
    buf_init(&b, ALARMS__TEXT_MAX);
    char t[40];
    buf_puts(&b, "{\"AlarmName\":");
    alarms__json_str(&b, r->name);
    buf_puts(&b, ",\"AlarmDescription\":");
    alarms__json_str(&b, cfg_str(cfg, "AlarmDescription"));
    buf_puts(&b, ",\"AWSAccountId\":");
    alarms__json_str(&b, x->team->account);
    if (!composite) {
        alarms_iso_time(r->config_updated_ms, t);
        buf_printf(&b, ",\"AlarmConfigurationUpdatedTimestamp\":\"%s\"", t);
    }
    buf_puts(&b, ",\"NewStateValue\":");
    alarms__json_str(&b, r->state);
    buf_puts(&b, ",\"NewStateReason\":");
    alarms__json_str(&b, r->reason);
    alarms_iso_time(r->state_updated_ms, t);
    buf_printf(&b, ",\"StateChangeTime\":\"%s\",\"Region\":", t);
    alarms__json_str(&b, alarms_region_name(x->region));
    buf_puts(&b, ",\"AlarmArn\":");
    alarms__json_str(&b, cfg_str(cfg, "AlarmArn"));
    buf_puts(&b, ",\"OldStateValue\":");
    alarms__json_str(&b, old_state);
    buf_puts(&b, ",\"OKActions\":");
    json_list(&b, cfg, "OKActions");
    buf_puts(&b, ",\"AlarmActions\":");
    json_list(&b, cfg, "AlarmActions");
    buf_puts(&b, ",\"InsufficientDataActions\":");
    json_list(&b, cfg, "InsufficientDataActions");
    if (composite) {
        buf_puts(&b, ",\"AlarmRule\":");
        alarms__json_str(&b, cfg_str(cfg, "AlarmRule"));
        buf_puts(&b, ",\"TriggeringChildren\":[");
        struct alarm_scope sc = scope_of(x);
        struct alarm_row child = {0};
        if (trigger_child && store_alarm_get(&sc, trigger_child, &child) == 0) {
            cJSON *ccfg = cJSON_Parse(child.config);
            buf_puts(&b, "{\"Arn\":");
            alarms__json_str(&b, cfg_str(ccfg, "AlarmArn"));
            buf_puts(&b, ",\"State\":{\"Value\":");
            alarms__json_str(&b, child.state);
            alarms_iso_time(child.state_updated_ms, t);
            buf_printf(&b, ",\"Timestamp\":\"%s\"}}", t);
            cJSON_Delete(ccfg);
            store_alarm_clear(&child);
        }
        buf_putc(&b, ']');
    } else {
        buf_puts(&b, ",\"Trigger\":");
        metric_trigger(&b, cfg);
    }
    buf_putc(&b, '}');
    return buf_steal(&b, NULL);
}

/* Records an Action history item: error NULL = success. published is the message sent to an
 * SNS topic (or NULL). */
static int history_action(struct actx *x, const struct alarm_row *r, const char *arn,
                          const char *error, const char *published)
{
    struct buf b;
    buf_init(&b, ALARMS__TEXT_MAX);
    buf_printf(&b, "{\"actionState\":\"%s\",\"stateUpdateTimestamp\":%" PRId64
                   ",\"notificationResource\":",
               error ? "Failed" : "Succeeded", r->state_updated_ms);
    alarms__json_str(&b, arn);
    if (published) {
        struct buf inner;
        buf_init(&inner, ALARMS__TEXT_MAX);
        buf_puts(&inner, "{\"default\":");
        alarms__json_str(&inner, published);
        buf_putc(&inner, '}');
        buf_puts(&b, ",\"publishedMessage\":");
        alarms__json_str(&b, inner.p);
        buf_free(&inner);
    }
    if (error) {
        buf_puts(&b, ",\"error\":");
        alarms__json_str(&b, error);
    }
    buf_putc(&b, '}');
    char *summary = error ? xasprintf("Failed to execute action %s. Received error: \"%s\"",
                                      arn, error)
                          : xasprintf("Successfully executed action %s", arn);
    int rc = history_add(x, r->name, r->type, "Action", summary, b.p);
    free(summary);
    buf_free(&b);
    return rc;
}

/* The kind of an action ARN: "sns", "scaling" (Application Auto Scaling policy), or a word
 * for the kinds drillsim does not perform. */
static const char *action_kind(const char *arn)
{
    if (strncmp(arn, "arn:aws:sns:", 12) == 0)
        return "sns";
    if (strncmp(arn, "arn:aws:autoscaling:", 20) == 0)
        return strstr(arn, ":autoScalingGroupName/") ? "EC2 Auto Scaling" : "scaling";
    if (strncmp(arn, "arn:aws:automate:", 17) == 0 || strncmp(arn, "arn:aws:swf:", 12) == 0)
        return "EC2";
    if (strncmp(arn, "arn:aws:lambda:", 15) == 0)
        return "Lambda";
    if (strncmp(arn, "arn:aws:ssm", 11) == 0)
        return "Systems Manager";
    return "investigation";
}

/*
 * Runs the actions of r's current state (only the scaling ones when scaling_only) and
 * records each in the history. values: the evaluated datapoints, newest first. Returns 0 or
 * -1 on a store error.
 */
static int run_actions(struct actx *x, const struct alarm_row *r, const cJSON *cfg,
                       const char *old_state, const double *values, int nvalues,
                       const char *trigger_child, int scaling_only)
{
    const char *list = strcmp(r->state, ALARM_STATE_ALARM) == 0 ? "AlarmActions"
                       : strcmp(r->state, ALARM_STATE_OK) == 0  ? "OKActions"
                                                                : "InsufficientDataActions";
    const cJSON *arn;
    char *message = NULL;
    int rc = 0, ran = 0;
    cJSON_ArrayForEach(arn, cfg_item(cfg, list))
    {
        if (!cJSON_IsString(arn))
            continue;
        const char *kind = action_kind(arn->valuestring);
        if (scaling_only && strcmp(kind, "scaling") != 0)
            continue;
        ran++;
        if (strcmp(kind, "sns") == 0) {
            if (message == NULL)
                message = alarm_message(x, r, cfg, old_state, trigger_child);
            char subject[SUBJECT_MAX + 1];
            snprintf(subject, sizeof subject, "%s: \"%s\" in %s", r->state, r->name,
                     alarms_region_name(x->region));
            char id[37];
            int p = sns_publish(x->sim, x->team, arn->valuestring, subject, message, NULL,
                                x->now_ms, id);
            if (p < 0) {
                rc = -1;
                break;
            }
            rc = history_action(x, r, arn->valuestring, p == 1 ? "Topic does not exist" : NULL,
                                p == 0 ? message : NULL);
        } else if (strcmp(kind, "scaling") == 0) {
            char *error = NULL;
            if (alarms__scaling_action(x->sim, x->team, x->region, r->name, arn->valuestring,
                                       values, nvalues, cfg_num(cfg, "Threshold", 0), x->now_ms,
                                       &error) != 0) {
                rc = -1;
                break;
            }
            rc = history_action(x, r, arn->valuestring, error, NULL);
            free(error);
        } else {
            char *error = xasprintf("drillsim does not perform %s actions", kind);
            rc = history_action(x, r, arn->valuestring, error, NULL);
            free(error);
        }
        if (rc != 0)
            break;
    }
    free(message);
    if (rc == 0 && (ran > 0 || !scaling_only)) {
        struct alarm_scope sc = scope_of(x);
        rc = store_alarm_set_action_ms(&sc, r->name, x->now_ms) < 0 ? -1 : 0;
    }
    return rc;
}

/* ---- state changes ------------------------------------------------------------------------- */

struct parent_ctx {
    struct actx *x;
    const char *child;
    char **names;
    int n;
};

/* store_alarm_refs_each callback: collects the names into struct parent_ctx. */
static int collect_name(void *ctx, const char *name)
{
    struct parent_ctx *p = ctx;
    p->names = xrealloc(p->names, (size_t)(p->n + 1) * sizeof *p->names);
    p->names[p->n++] = xstrdup(name);
    return 0;
}

/*
 * Moves alarm r (its row, parsed config cfg) to state with reason and reason_data: writes
 * the state, records the StateUpdate item, runs the actions when enabled and re-evaluates the
 * parents. trigger_child: for a composite alarm, the child that caused it. Returns 0 or -1.
 */
static int change_state(struct actx *x, struct alarm_row *r, const cJSON *cfg,
                        const char *state, const char *reason, const char *reason_data,
                        const double *values, int nvalues, const char *trigger_child)
{
    struct alarm_scope sc = scope_of(x);
    char *old_state = xstrdup(r->state);
    char *old_reason = xstrdup(r->reason ? r->reason : "");
    char *old_data = r->reason_data ? xstrdup(r->reason_data) : NULL;
    int rc = -1;
    if (store_alarm_set_state(&sc, r->name, state, reason, reason_data, x->now_ms,
                              x->now_ms) != 0)
        goto out;
    free(r->state);
    free(r->reason);
    free(r->reason_data);
    r->state = xstrdup(state);
    r->reason = xstrdup(reason);
    r->reason_data = reason_data ? xstrdup(reason_data) : NULL;
    r->state_updated_ms = x->now_ms;
    r->transitioned_ms = x->now_ms;

    struct buf b;
    buf_init(&b, ALARMS__TEXT_MAX);
    buf_puts(&b, "{\"version\":\"1.0\",\"oldState\":");
    history_state_side(&b, old_state, old_reason, old_data);
    buf_puts(&b, ",\"newState\":");
    history_state_side(&b, state, reason, reason_data);
    buf_putc(&b, '}');
    char *summary = xasprintf("Alarm updated from %s to %s", old_state, state);
    int h = history_add(x, r->name, r->type, "StateUpdate", summary, b.p);
    free(summary);
    buf_free(&b);
    if (h != 0)
        goto out;
    if (r->actions_enabled &&
        run_actions(x, r, cfg, old_state, values, nvalues, trigger_child, 0) != 0)
        goto out;

    /* the composite alarms that name this one */
    if (x->depth < ALARMS_MAX_DEPTH) {
        struct parent_ctx pc = {.x = x, .child = r->name};
        if (store_alarm_refs_each(&sc, r->name, 1, collect_name, &pc) != 0) {
            for (int i = 0; i < pc.n; i++)
                free(pc.names[i]);
            free(pc.names);
            goto out;
        }
        int failed = 0;
        x->depth++;
        for (int i = 0; i < pc.n; i++) {
            if (!failed && evaluate_composite(x, pc.names[i], r->name) != 0)
                failed = 1;
            free(pc.names[i]);
        }
        x->depth--;
        free(pc.names);
        if (failed)
            goto out;
    }
    rc = 0;
out:
    free(old_state);
    free(old_reason);
    free(old_data);
    return rc;
}

/* ---- composite alarms ----------------------------------------------------------------------- */

const char *alarms_ref_name(const char *ref, const char *account, const char *region)
{
    if (strncmp(ref, "arn:", 4) != 0)
        return ref;
    char prefix[128];
    snprintf(prefix, sizeof prefix, "arn:aws:cloudwatch:%s:%s:alarm:", region, account);
    size_t n = strlen(prefix);
    if (strncmp(ref, prefix, n) != 0 || ref[n] == '\0')
        return NULL;
    return ref + n;
}

struct rule_ctx {
    struct actx *x;
    char *states[ALARMS_RULE_MAX_REFS]; /* cached per reference index order of lookups */
    const char *refs[ALARMS_RULE_MAX_REFS];
    int n;
};

/* alarms_rule_eval callback: the state of the referenced alarm (NULL if it is gone). */
static const char *rule_state(void *ctx, const char *ref)
{
    struct rule_ctx *rc = ctx;
    for (int i = 0; i < rc->n; i++) {
        if (rc->refs[i] == ref)
            return rc->states[i];
    }
    if (rc->n == ALARMS_RULE_MAX_REFS)
        return NULL;
    const char *name = alarms_ref_name(ref, rc->x->team->account, rc->x->region);
    struct alarm_scope sc = scope_of(rc->x);
    struct alarm_row child = {0};
    char *state = NULL;
    if (name && store_alarm_get(&sc, name, &child) == 0)
        state = xstrdup(child.state);
    store_alarm_clear(&child);
    rc->refs[rc->n] = ref;
    rc->states[rc->n++] = state;
    return state;
}

/* Evaluates composite alarm `name`; trigger is the child whose change caused it (or NULL).
 * Returns 0 or -1. */
static int evaluate_composite(struct actx *x, const char *name, const char *trigger)
{
    /* a pathological graph of composites stops here, as CloudWatch stops on cycles */
    if (x->budget-- <= 0)
        return 0;
    struct alarm_scope sc = scope_of(x);
    struct alarm_row r = {0};
    int got = store_alarm_get(&sc, name, &r);
    if (got != 0)
        return got < 0 ? -1 : 0;
    int rc = 0;
    cJSON *cfg = cJSON_Parse(r.config);
    struct alarms_rule *rule = NULL;
    char *error = NULL;
    struct rule_ctx ctx = {.x = x};
    if (strcmp(r.type, ALARM_TYPE_COMPOSITE) != 0 ||
        alarms_rule_parse(cfg_str(cfg, "AlarmRule") ? cfg_str(cfg, "AlarmRule") : "", &rule,
                          &error) != 0) {
        free(error);
        goto out;
    }
    int truth = alarms_rule_eval(rule, rule_state, &ctx);
    const char *state = truth ? ALARM_STATE_ALARM : ALARM_STATE_OK;
    if (strcmp(state, r.state) != 0) {
        /* the child the reason names: the trigger, else the first one referenced */
        const char *const *refs;
        int nrefs = alarms_rule_refs(rule, &refs);
        const char *child = trigger;
        for (int i = 0; child == NULL && i < nrefs; i++)
            child = alarms_ref_name(refs[i], x->team->account, x->region);
        struct alarm_row c = {0};
        char *reason, *data;
        if (child && store_alarm_get(&sc, child, &c) == 0) {
            cJSON *ccfg = cJSON_Parse(c.config);
            const char *arn = cfg_str(ccfg, "AlarmArn");
            char lt[64], t[40];
            alarms__long_time(c.state_updated_ms, lt);
            alarms_iso_time(c.state_updated_ms, t);
            reason = xasprintf("%s transitioned to %s at %s", arn ? arn : c.name, c.state, lt);
            struct buf b;
            buf_init(&b, ALARMS__TEXT_MAX);
            buf_puts(&b, "{\"triggeringAlarms\":[{\"arn\":");
            alarms__json_str(&b, arn);
            buf_puts(&b, ",\"state\":{\"value\":");
            alarms__json_str(&b, c.state);
            buf_printf(&b, ",\"timestamp\":\"%s\"}}]}", t);
            data = buf_steal(&b, NULL);
            cJSON_Delete(ccfg);
        } else {
            /* drillsim's wording: a rule of TRUE / FALSE alone names no alarm */
            child = NULL;
            reason = xasprintf("The alarm rule evaluated to %s.", truth ? "TRUE" : "FALSE");
            data = xstrdup("{\"triggeringAlarms\":[]}");
        }
        store_alarm_clear(&c);
        rc = change_state(x, &r, cfg, state, reason, data, NULL, 0, child);
        free(reason);
        free(data);
    }
    if (rc == 0 && r.next_eval_ms)
        rc = store_alarm_set_next(&sc, name, 0) < 0 ? -1 : 0;
out:
    for (int i = 0; i < ctx.n; i++)
        free(ctx.states[i]);
    alarms_rule_free(rule);
    cJSON_Delete(cfg);
    store_alarm_clear(&r);
    return rc;
}

/* ---- metric alarms --------------------------------------------------------------------------- */

/* Metric math over an alarm's Metrics: the queries and their evaluation state. */
struct mquery {
    const cJSON *q;
    const char *id;
    struct mm_expr *mx;
    int state; /* 0 not yet, 1 in progress, 2 done */
    struct mm_value val;
};

struct menv {
    struct actx *x;
    struct mquery *q;
    int n;
    int64_t start_ms, end_ms;
    int period_s;
    int failed;
};

static int menv_eval(struct menv *e, int i);

/* Sets *out to a deep copy of v. */
static void value_copy(const struct mm_value *v, struct mm_value *out)
{
    *out = *v;
    out->series = v->nseries ? xcalloc((size_t)v->nseries, sizeof *out->series) : NULL;
    for (int i = 0; i < v->nseries; i++) {
        const struct mm_series *s = &v->series[i];
        struct mm_series *d = &out->series[i];
        *d = *s;
        d->id = s->id ? xstrdup(s->id) : NULL;
        d->label = s->label ? xstrdup(s->label) : NULL;
        d->ts = s->n ? xmalloc((size_t)s->n * sizeof *d->ts) : NULL;
        d->v = s->n ? xmalloc((size_t)s->n * sizeof *d->v) : NULL;
        if (s->n) {
            memcpy(d->ts, s->ts, (size_t)s->n * sizeof *d->ts);
            memcpy(d->v, s->v, (size_t)s->n * sizeof *d->v);
        }
    }
}

/* mm_env.lookup: the value of query id (evaluated on first use). */
static int menv_lookup(void *ctx, const char *id, struct mm_value *out)
{
    struct menv *e = ctx;
    for (int i = 0; i < e->n; i++) {
        if (strcmp(e->q[i].id, id) != 0)
            continue;
        if (menv_eval(e, i) != 0)
            return -1;
        value_copy(&e->q[i].val, out);
        return 0;
    }
    return 1;
}

/* mm_env.metrics: the MetricStat queries whose id contains filter, in order. */
static int menv_metrics(void *ctx, const char *filter, struct mm_value *out)
{
    struct menv *e = ctx;
    struct mm_value v = {.kind = MM_ARRAY};
    for (int i = 0; i < e->n; i++) {
        if (e->q[i].mx || (filter && strstr(e->q[i].id, filter) == NULL))
            continue;
        if (menv_eval(e, i) != 0) {
            mm_value_clear(&v);
            return -1;
        }
        struct mm_value one;
        value_copy(&e->q[i].val, &one);
        v.series = xrealloc(v.series, (size_t)(v.nseries + 1) * sizeof *v.series);
        v.series[v.nseries++] = one.series[0];
        free(one.series);
    }
    *out = v;
    return 0;
}

/* Evaluates query i once (cycles fail). Returns 0 or -1. */
static int menv_eval(struct menv *e, int i)
{
    struct mquery *q = &e->q[i];
    if (q->state == 2)
        return 0;
    if (q->state == 1)
        return -1;
    q->state = 1;
    if (q->mx == NULL) {
        const cJSON *ms = cfg_item(q->q, "MetricStat");
        const cJSON *metric = cfg_item(ms, "Metric");
        struct ms_query mq = {
            .account = e->x->team->account,
            .region = e->x->region,
            .ns = cfg_str(metric, "Namespace"),
            .metric = cfg_str(metric, "MetricName"),
            .dims = cJSON_IsArray(cfg_item(metric, "Dimensions")) ? cfg_item(metric, "Dimensions")
                                                                  : NULL,
            .stat = cfg_str(ms, "Stat"),
            .unit = cfg_str(ms, "Unit"),
            .period_s = (int)cfg_num(ms, "Period", e->period_s),
            .start_ms = e->start_ms,
            .end_ms = e->end_ms,
            .now_ms = e->x->now_ms,
        };
        struct mm_series s = {0};
        if (mq.ns == NULL || mq.metric == NULL || !metricstat_valid(mq.stat) ||
            metricstat_series(e->x->sim->store, &mq, &s) != 0)
            return -1;
        s.id = xstrdup(q->id);
        s.period_s = mq.period_s;
        q->val.kind = MM_SERIES;
        q->val.series = xmalloc(sizeof *q->val.series);
        q->val.series[0] = s;
        q->val.nseries = 1;
    } else {
        struct mm_env env = {
            .ctx = e,
            .lookup = menv_lookup,
            .metrics = menv_metrics,
            .search = NULL,
            .start_ms = e->start_ms,
            .end_ms = e->end_ms,
            .period_s = (int)cfg_num(q->q, "Period", e->period_s),
        };
        char *err = NULL;
        if (mm_eval(q->mx, &env, &q->val, &err) != 0) {
            free(err);
            return -1;
        }
        free(err);
    }
    q->state = 2;
    return 0;
}

/* The period of a math alarm: the watched query's Period, else its MetricStat's, else the
 * first MetricStat's. */
static int math_period(const cJSON *metrics)
{
    const cJSON *q;
    int first = 0;
    cJSON_ArrayForEach(q, metrics)
    {
        int ret = !cJSON_IsFalse(cfg_item(q, "ReturnData"));
        int p = (int)cfg_num(q, "Period", 0);
        int mp = (int)cfg_num(cfg_item(q, "MetricStat"), "Period", 0);
        if (first == 0 && mp)
            first = mp;
        if (ret && (p || mp))
            return p ? p : mp;
    }
    return first;
}

/*
 * Fills pts (n periods from start_ms) with the alarm's datapoints. Returns 0 (the periods
 * without data stay absent; a math expression that cannot be evaluated leaves them all
 * absent) or -1 on a store error.
 */
static int fetch_points(struct actx *x, const cJSON *cfg, int period_s, int64_t start_ms,
                        struct alarms_point *pts, int n)
{
    int64_t pms = (int64_t)period_s * 1000;
    for (int i = 0; i < n; i++) {
        pts[i].ts_ms = start_ms + i * pms;
        pts[i].present = 0;
        pts[i].samples = -1;
    }
    int64_t end_ms = start_ms + n * pms;
    const cJSON *metrics = cfg_item(cfg, "Metrics");
    if (metrics == NULL) {
        const char *ext = cfg_str(cfg, "ExtendedStatistic");
        struct ms_query q = {
            .account = x->team->account,
            .region = x->region,
            .ns = cfg_str(cfg, "Namespace"),
            .metric = cfg_str(cfg, "MetricName"),
            .dims = cJSON_IsArray(cfg_item(cfg, "Dimensions")) ? cfg_item(cfg, "Dimensions")
                                                               : NULL,
            .stat = ext ? ext : cfg_str(cfg, "Statistic"),
            .unit = cfg_str(cfg, "Unit"),
            .period_s = period_s,
            .start_ms = start_ms,
            .end_ms = end_ms,
            .now_ms = x->now_ms,
        };
        if (q.ns == NULL || q.metric == NULL || !metricstat_valid(q.stat))
            return 0;
        struct mm_series s = {0}, c = {0};
        if (metricstat_series(x->sim->store, &q, &s) != 0)
            return -1;
        q.stat = "SampleCount";
        if (metricstat_series(x->sim->store, &q, &c) != 0) {
            mm_series_clear(&s);
            return -1;
        }
        for (int i = 0; i < s.n; i++) {
            int64_t k = (s.ts[i] - start_ms) / pms;
            if (s.ts[i] < start_ms || (s.ts[i] - start_ms) % pms != 0 || k >= n || isnan(s.v[i]))
                continue;
            pts[k].present = 1;
            pts[k].value = s.v[i];
        }
        for (int i = 0; i < c.n; i++) {
            int64_t k = (c.ts[i] - start_ms) / pms;
            if (c.ts[i] >= start_ms && (c.ts[i] - start_ms) % pms == 0 && k < n)
                pts[k].samples = c.v[i];
        }
        mm_series_clear(&s);
        mm_series_clear(&c);
        return 0;
    }
    /* metric math */
    int nq = cJSON_GetArraySize(metrics);
    struct menv e = {.x = x, .start_ms = start_ms, .end_ms = end_ms, .period_s = period_s};
    e.q = xcalloc((size_t)(nq ? nq : 1), sizeof *e.q);
    int watched = -1;
    const cJSON *item;
    cJSON_ArrayForEach(item, metrics)
    {
        struct mquery *q = &e.q[e.n++];
        q->q = item;
        q->id = cfg_str(item, "Id") ? cfg_str(item, "Id") : "";
        const char *expr = cfg_str(item, "Expression");
        char *err = NULL;
        if (expr && mm_parse(expr, &q->mx, &err) != 0) {
            free(err);
            q->mx = NULL;
            q->state = 1; /* unusable */
        }
        if (watched < 0 && !cJSON_IsFalse(cfg_item(item, "ReturnData")))
            watched = e.n - 1;
    }
    int ok = watched >= 0 && menv_eval(&e, watched) == 0;
    if (ok && e.q[watched].mx) {
        /* the final result must be one time series */
        struct mm_value *v = &e.q[watched].val;
        ok = (v->kind == MM_SERIES || v->kind == MM_ARRAY) && v->nseries == 1;
    }
    if (ok) {
        const struct mm_series *s = &e.q[watched].val.series[0];
        for (int i = 0; i < s->n; i++) {
            int64_t k = (s->ts[i] - start_ms) / pms;
            if (s->ts[i] < start_ms || (s->ts[i] - start_ms) % pms != 0 || k >= n ||
                !isfinite(s->v[i]))
                continue;
            pts[k].present = 1;
            pts[k].value = s->v[i];
        }
    }
    for (int i = 0; i < e.n; i++) {
        mm_free(e.q[i].mx);
        mm_value_clear(&e.q[i].val);
    }
    free(e.q);
    return 0;
}

/* The percentile of an ExtendedStatistic "pNN(.NN)", or NAN for other statistics. */
static double percentile_of(const char *stat)
{
    if (stat == NULL || stat[0] != 'p' || !isdigit((unsigned char)stat[1]))
        return NAN;
    return strtod(stat + 1, NULL) / 100.0;
}

/* Evaluates metric alarm r (parsed config cfg) at x->now_ms. Returns 0 or -1. */
static int evaluate_metric(struct actx *x, struct alarm_row *r, const cJSON *cfg)
{
    const cJSON *metrics = cfg_item(cfg, "Metrics");
    int period = metrics ? math_period(metrics) : (int)cfg_num(cfg, "Period", 0);
    int N = (int)cfg_num(cfg, "EvaluationPeriods", 0);
    int M = (int)cfg_num(cfg, "DatapointsToAlarm", N);
    const char *op = cfg_str(cfg, "ComparisonOperator");
    struct alarms_spec spec = {
        .period_s = period,
        .evaluation_periods = N,
        .datapoints = M,
        .datapoints_given = cfg_item(cfg, "DatapointsToAlarm") != NULL,
        .op = op,
        .threshold = cfg_num(cfg, "Threshold", 0),
        .statistic = metrics ? NULL
                     : cfg_str(cfg, "ExtendedStatistic") ? cfg_str(cfg, "ExtendedStatistic")
                                                         : cfg_str(cfg, "Statistic"),
        .unit = metrics ? NULL : cfg_str(cfg, "Unit"),
    };
    if (period <= 0 || N <= 0 || cfg_item(cfg, "ThresholdMetricId") ||
        alarms_treat_parse(cfg_str(cfg, "TreatMissingData"), &spec.treat) != 0)
        return 0; /* not evaluable (anomaly models are refused when the alarm is put) */
    /* "Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing data
     * even if you choose a different option for TreatMissingData" (PutMetricAlarm) */
    const char *ns = cfg_str(cfg, "Namespace");
    if (!metrics && ns && strcmp(ns, "AWS/DynamoDB") == 0)
        spec.treat = ALARMS_IGNORE;
    int n = alarms_range(N);
    int64_t end = x->now_ms / MINUTE_MS * MINUTE_MS;
    int64_t start = end - (int64_t)n * period * 1000;
    struct alarms_point *pts = xcalloc((size_t)n, sizeof *pts);
    struct alarms_decision d = {0};
    int rc = -1;
    if (fetch_points(x, cfg, period, start, pts, n) != 0)
        goto out;
    if (alarms_decide(&spec, pts, n, x->now_ms, &d) != 0) {
        rc = 0;
        goto out;
    }
    /* EvaluateLowSampleCountPercentile=ignore: too few samples for the percentile keep the
     * state ("fewer than 10/(1-p) data points ... 10/p" for p < 0.5, over the range) */
    double p = percentile_of(spec.statistic);
    const char *elsc = cfg_str(cfg, "EvaluateLowSampleCountPercentile");
    if (d.state && !isnan(p) && elsc && strcmp(elsc, "ignore") == 0) {
        double samples = 0;
        for (int i = 0; i < n; i++)
            samples += pts[i].present && pts[i].samples > 0 ? pts[i].samples : 0;
        double need = p >= 0.5 ? (p < 1 ? 10.0 / (1.0 - p) : INFINITY) : (p > 0 ? 10.0 / p
                                                                                 : INFINITY);
        if (samples < need)
            d.state = NULL;
    }
    if (d.state && strcmp(d.state, r->state) != 0) {
        rc = change_state(x, r, cfg, d.state, d.reason, d.reason_data, d.values, d.nvalues,
                          NULL);
        goto out;
    }
    if (d.state && r->reason && strcmp(r->reason, ALARM_REASON_CREATED) == 0) {
        /* the first evaluation of a new alarm replaces "Unchecked: Initial alarm creation"
         * even when the state stays (AWS alarms show "Insufficient Data: ..." reasons from
         * their first evaluation); no transition, so no history item and no action */
        struct alarm_scope sc = scope_of(x);
        rc = store_alarm_set_state(&sc, r->name, d.state, d.reason, d.reason_data,
                                   r->state_updated_ms, r->transitioned_ms) < 0
                 ? -1
                 : 0;
        goto out;
    }
    /* Auto Scaling actions repeat every period while the state lasts */
    rc = 0;
    if (r->actions_enabled && r->action_ms && d.nvalues > 0 &&
        x->now_ms - r->action_ms >= (int64_t)period * 1000 &&
        x->now_ms - r->transitioned_ms >= (int64_t)period * 1000)
        rc = run_actions(x, r, cfg, r->state, d.values, d.nvalues, NULL, 1);
out:
    alarms_decision_clear(&d);
    free(pts);
    return rc;
}

/* ---- the tick ----------------------------------------------------------------------------- */

int alarms_tick(struct tick *t)
{
    struct alarm_row rows[ALARMS_DUE_BATCH];
    int64_t next = t->now_ms / MINUTE_MS * MINUTE_MS + MINUTE_MS;
    for (;;) {
        int n = store_alarm_due(t->sim->store, t->team->account, t->now_ms, rows,
                                ALARMS_DUE_BATCH);
        if (n < 0)
            return -1;
        int rc = 0;
        for (int i = 0; i < n; i++) {
            struct actx x = {t->sim, t->team, rows[i].region, t->now_ms, 0, ALARMS_MAX_CASCADE};
            struct alarm_scope sc = scope_of(&x);
            if (rc == 0) {
                int composite = strcmp(rows[i].type, ALARM_TYPE_COMPOSITE) == 0;
                /* the next evaluation first, so a failure below cannot spin on this alarm */
                if (store_alarm_set_next(&sc, rows[i].name, composite ? 0 : next) < 0) {
                    rc = -1;
                } else if (composite) {
                    rc = evaluate_composite(&x, rows[i].name, NULL);
                } else {
                    /* re-read: a composite evaluated earlier in this batch may not have
                     * changed it, but a state set above would have */
                    struct alarm_row r = {0};
                    int got = store_alarm_get(&sc, rows[i].name, &r);
                    if (got < 0) {
                        rc = -1;
                    } else if (got == 0) {
                        cJSON *cfg = cJSON_Parse(r.config);
                        rc = evaluate_metric(&x, &r, cfg);
                        cJSON_Delete(cfg);
                    }
                    store_alarm_clear(&r);
                }
            }
            store_alarm_clear(&rows[i]);
        }
        if (rc != 0)
            return -1;
        if (n < ALARMS_DUE_BATCH)
            break;
    }
    /* history older than CloudWatch keeps it, once an hour */
    if (t->now_ms % (60 * MINUTE_MS) == 0 &&
        store_alarm_history_prune(t->sim->store, t->team->account,
                                  t->now_ms - HISTORY_KEEP_MS) != 0)
        return -1;
    return 0;
}

/* ---- the API side ---------------------------------------------------------------------------- */

int alarms_put(struct sim *sim, struct team *team, const char *region, const char *type,
               const cJSON *config, int actions_enabled, const char *const *children,
               int nchildren, const cJSON *tags, int64_t now_ms, int *created)
{
    struct actx x = {sim, team, region, now_ms, 0, ALARMS_MAX_CASCADE};
    struct alarm_scope sc = scope_of(&x);
    const char *name = cfg_str(config, "AlarmName");
    struct alarm_row old = {0}, row = {0};
    int got = store_alarm_get(&sc, name, &old);
    if (got < 0)
        return -1;
    int rc = -1;
    char *text = cJSON_PrintUnformatted(config);
    row.name = (char *)name;
    row.type = (char *)type;
    row.config = text;
    row.actions_enabled = actions_enabled;
    char *dims = NULL;
    if (strcmp(type, ALARM_TYPE_METRIC) == 0 && cfg_str(config, "MetricName")) {
        /* the canonical dimension key, for DescribeAlarmsForMetric */
        struct metrics_dim list[METRICS_MAX_DIMS];
        int nd = 0;
        const cJSON *d;
        cJSON_ArrayForEach(d, cfg_item(config, "Dimensions"))
        {
            if (nd < METRICS_MAX_DIMS && cfg_str(d, "Name") && cfg_str(d, "Value")) {
                list[nd].name = cfg_str(d, "Name");
                list[nd].value = cfg_str(d, "Value");
                nd++;
            }
        }
        metrics_dims_sort(list, nd);
        struct buf key;
        buf_init(&key, 1u << 20);
        metrics_dims_key(list, nd, &key);
        dims = buf_steal(&key, NULL);
        row.namespace = (char *)cfg_str(config, "Namespace");
        row.metric = (char *)cfg_str(config, "MetricName");
        row.dims = dims ? dims : "";
    }
    if (got == 0) {
        row.state = old.state;
        row.reason = old.reason;
        row.reason_data = old.reason_data;
        row.state_updated_ms = old.state_updated_ms;
        row.transitioned_ms = old.transitioned_ms;
        row.action_ms = old.action_ms;
    } else {
        row.state = ALARM_STATE_INSUFFICIENT;
        row.reason = ALARM_REASON_CREATED;
        row.state_updated_ms = now_ms;
        row.transitioned_ms = now_ms;
    }
    row.config_updated_ms = now_ms;
    row.next_eval_ms = now_ms / MINUTE_MS * MINUTE_MS + MINUTE_MS;
    if (store_alarm_put(&sc, &row) != 0)
        goto out;
    if (strcmp(type, ALARM_TYPE_COMPOSITE) == 0) {
        if (store_alarm_refs_set(&sc, name, children, nchildren) != 0)
            goto out;
    } else if (got == 0 && strcmp(old.type, ALARM_TYPE_COMPOSITE) == 0) {
        if (store_alarm_refs_set(&sc, name, NULL, 0) != 0)
            goto out;
    }
    if (got != 0) {
        const cJSON *tag;
        cJSON_ArrayForEach(tag, tags)
        {
            if (cfg_str(tag, "Key") &&
                store_alarm_tag_set(&sc, cfg_str(config, "AlarmArn"), cfg_str(tag, "Key"),
                                    cfg_str(tag, "Value") ? cfg_str(tag, "Value") : "") != 0)
                goto out;
        }
    }
    if (history_config(&x, got == 0 ? "Update" : "Create", got == 0 ? &old : NULL, &row) != 0)
        goto out;
    *created = got != 0;
    rc = 0;
out:
    cJSON_free(text);
    free(dims);
    store_alarm_clear(&old);
    return rc;
}

int alarms_delete(struct sim *sim, struct team *team, const char *region, const char *name,
                  int64_t now_ms)
{
    struct actx x = {sim, team, region, now_ms, 0, ALARMS_MAX_CASCADE};
    struct alarm_scope sc = scope_of(&x);
    struct alarm_row r = {0};
    int got = store_alarm_get(&sc, name, &r);
    if (got != 0)
        return got;
    cJSON *cfg = cJSON_Parse(r.config);
    const char *arn = cfg_str(cfg, "AlarmArn");
    int rc = store_alarm_delete(&sc, name, arn ? arn : "");
    if (rc == 0)
        rc = history_config(&x, "Delete", &r, NULL);
    cJSON_Delete(cfg);
    store_alarm_clear(&r);
    return rc;
}

int alarms_set_actions_enabled(struct sim *sim, struct team *team, const char *region,
                               const char *name, int on, int64_t now_ms)
{
    struct actx x = {sim, team, region, now_ms, 0, ALARMS_MAX_CASCADE};
    struct alarm_scope sc = scope_of(&x);
    struct alarm_row r = {0};
    int got = store_alarm_get(&sc, name, &r);
    if (got != 0)
        return got;
    int rc = 0;
    if ((r.actions_enabled != 0) != (on != 0)) {
        struct alarm_row after = r;
        after.actions_enabled = on;
        rc = store_alarm_set_actions_enabled(&sc, name, on) < 0 ? -1 : 0;
        if (rc == 0)
            rc = history_config(&x, "Update", &r, &after);
    }
    store_alarm_clear(&r);
    return rc;
}

/* Reads the recentDatapoints of SetAlarmState's reason data (newest first into values). */
static int values_of(const char *reason_data, double *values, int max)
{
    cJSON *d = reason_data ? cJSON_Parse(reason_data) : NULL;
    const cJSON *recent = cJSON_GetObjectItemCaseSensitive(d, "recentDatapoints");
    int n = 0;
    for (int i = cJSON_GetArraySize(recent) - 1; i >= 0 && n < max; i--) {
        const cJSON *v = cJSON_GetArrayItem(recent, i);
        if (cJSON_IsNumber(v))
            values[n++] = v->valuedouble;
    }
    cJSON_Delete(d);
    return n;
}

int alarms_set_state(struct sim *sim, struct team *team, const char *region, const char *name,
                     const char *state, const char *reason, const char *reason_data,
                     int64_t now_ms)
{
    struct actx x = {sim, team, region, now_ms, 0, ALARMS_MAX_CASCADE};
    struct alarm_scope sc = scope_of(&x);
    struct alarm_row r = {0};
    int got = store_alarm_get(&sc, name, &r);
    if (got != 0)
        return got;
    int rc;
    if (strcmp(r.state, state) == 0) {
        /* the same state: only the reason changes (a composite's update time moves too) */
        int composite = strcmp(r.type, ALARM_TYPE_COMPOSITE) == 0;
        rc = store_alarm_set_state(&sc, name, state, reason, reason_data,
                                   composite ? now_ms : r.state_updated_ms, r.transitioned_ms);
        rc = rc < 0 ? -1 : 0;
    } else {
        double values[64];
        int nv = values_of(reason_data, values, 64);
        cJSON *cfg = cJSON_Parse(r.config);
        rc = change_state(&x, &r, cfg, state, reason, reason_data, values, nv, NULL);
        cJSON_Delete(cfg);
    }
    store_alarm_clear(&r);
    return rc;
}
