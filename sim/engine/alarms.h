/*
 * alarms.h - CloudWatch alarms in the world: the evaluator that runs every minute of sim
 * time, state changes with their history and actions, composite alarm rules, and the alarms
 * Application Auto Scaling creates for target tracking policies.
 *
 * Alarms are stored by sim/store/alarms.c; the API handlers (sim/services/
 * cloudwatch_alarms.c) check requests and hand the configuration over to alarms_put(). From
 * then on this module owns the alarm's state: alarms_tick() evaluates every alarm that is due
 * (each metric alarm at every minute of sim time, a new or updated alarm at the next minute),
 * in every region of the team, and alarms_set_state() (SetAlarmState, and the evaluator
 * itself) records the StateUpdate history item, runs the actions of the new state once per
 * transition (SNS notifications through engine/sns.h, scaling policies through
 * engine/autoscaling.h) and re-evaluates the composite alarms that name the alarm.
 *
 * Everything here runs inside the caller's store transaction (the tick's, or an OP_WRITE
 * handler's) and takes its time from the caller; ids come from team->ids. Texts (state
 * reasons, history summaries, the notification JSON) are AWS's; sim/engine/alarms.c lists
 * their sources.
 */
#ifndef DRILLSIM_ENGINE_ALARMS_H
#define DRILLSIM_ENGINE_ALARMS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct sim;
struct team;
struct tick;

#define ALARM_STATE_OK "OK"
#define ALARM_STATE_ALARM "ALARM"
#define ALARM_STATE_INSUFFICIENT "INSUFFICIENT_DATA"
#define ALARM_TYPE_METRIC "MetricAlarm"
#define ALARM_TYPE_COMPOSITE "CompositeAlarm"
/* The reason of a new alarm. */
#define ALARM_REASON_CREATED "Unchecked: Initial alarm creation"

/* The tick sub-step (period 60 s): evaluates the team's alarms that are due, in every region.
 * Returns 0, or -1 to roll the tick back. Idle cost: one indexed lookup. */
int alarms_tick(struct tick *t);

/*
 * Creates or replaces an alarm. config is the configuration in DescribeAlarms' member names
 * (AlarmName, AlarmArn, ...; for a composite alarm AlarmRule and its members), without the
 * state members and ActionsEnabled; the caller keeps ownership. For a composite alarm,
 * children lists the names its rule references. tags (a TagList, or NULL) are set only when
 * the alarm is created. A new alarm starts in INSUFFICIENT_DATA ("Unchecked: Initial alarm
 * creation"); an updated one keeps its state. Either is evaluated at the next minute. Records
 * the ConfigurationUpdate history item. Returns 0 (and *created), or -1 on a store error.
 */
int alarms_put(struct sim *sim, struct team *team, const char *region, const char *type,
               const cJSON *config, int actions_enabled, const char *const *children,
               int nchildren, const cJSON *tags, int64_t now_ms, int *created);
/* Deletes an alarm and records the ConfigurationUpdate history item. Returns 0, 1 (no such
 * alarm) or -1. */
int alarms_delete(struct sim *sim, struct team *team, const char *region, const char *name,
                  int64_t now_ms);
/* Enables or disables an alarm's actions (history: an update). Returns 0, 1 or -1. */
int alarms_set_actions_enabled(struct sim *sim, struct team *team, const char *region,
                               const char *name, int on, int64_t now_ms);

/*
 * Sets an alarm's state as SetAlarmState does: when the value changes, writes the state,
 * records the StateUpdate item, runs the new state's actions (when actions are enabled) and
 * re-evaluates the composite alarms that reference it; when it does not, only the reason is
 * replaced. reason_data is JSON text or NULL. Returns 0, 1 (no such alarm) or -1.
 */
int alarms_set_state(struct sim *sim, struct team *team, const char *region, const char *name,
                     const char *state, const char *reason, const char *reason_data,
                     int64_t now_ms);

/* The alarm as DescribeAlarms returns it (a new object: the configuration, ActionsEnabled,
 * the state members and timestamps as epoch seconds), from its stored row. */
struct alarm_row;
cJSON *alarms_describe(const struct alarm_row *r);

/* ---- composite alarm rules --------------------------------------------------------------- */

/* The most alarms one rule may reference, and its deepest nesting. */
#define ALARMS_RULE_MAX_REFS 100
#define ALARMS_RULE_MAX_DEPTH 64

struct alarms_rule;
/*
 * Parses an AlarmRule: ALARM(name), OK(name), INSUFFICIENT_DATA(name) (names or alarm ARNs,
 * optionally in double quotes), TRUE, FALSE, NOT, AND, OR and parentheses. Returns 0 and
 * *out, or -1 with *error set (caller frees).
 */
int alarms_rule_parse(const char *text, struct alarms_rule **out, char **error);
void alarms_rule_free(struct alarms_rule *r);
/* The alarm name a rule reference stands for: ref itself, or the name inside an alarm ARN
 * (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME) of this account and region. Returns a pointer
 * into ref, or NULL for an ARN of another account, region or resource. */
const char *alarms_ref_name(const char *ref, const char *account, const char *region);
/* The names (or ARNs, as written) the rule references, each once, in order of first use;
 * valid while the rule lives. Returns the count. */
int alarms_rule_refs(const struct alarms_rule *r, const char *const **refs);
/* Evaluates the rule; state_of(ctx, ref) returns the referenced alarm's state. Returns 1
 * (TRUE) or 0. */
int alarms_rule_eval(const struct alarms_rule *r,
                     const char *(*state_of)(void *ctx, const char *ref), void *ctx);

/* ---- evaluation (exposed for the unit tests) -------------------------------------------- */

enum alarms_treat { ALARMS_MISSING, ALARMS_IGNORE, ALARMS_BREACHING, ALARMS_NOT_BREACHING };

/* Parses a TreatMissingData value. Returns 0, or -1 when it is not one of the four. */
int alarms_treat_parse(const char *s, enum alarms_treat *out);

/* One period of the evaluation range, oldest first. */
struct alarms_point {
    int64_t ts_ms;
    int present;
    double value;
    double samples; /* the period's SampleCount, < 0 when unknown (math alarms) */
};

/* What is being evaluated. */
struct alarms_spec {
    int period_s;
    int evaluation_periods; /* N */
    int datapoints;         /* M (DatapointsToAlarm, or N) */
    int datapoints_given;   /* DatapointsToAlarm was set: the "M out of the last N" wording */
    const char *op;         /* ComparisonOperator (a static-threshold one) */
    double threshold;
    enum alarms_treat treat;
    const char *statistic; /* for the reason data; NULL for math alarms */
    const char *unit;      /* for the reason data; NULL = none */
};

/* The outcome of one evaluation. */
struct alarms_decision {
    const char *state; /* new state, or NULL to keep the current one */
    char *reason;      /* owned (NULL when state is NULL) */
    char *reason_data; /* owned JSON text (NULL when state is NULL) */
    /* the real datapoints that were evaluated, newest first (for scaling policies) */
    double values[64];
    int nvalues;
};

/* The number of periods the evaluator queries for an alarm of N evaluation periods. */
int alarms_range(int evaluation_periods);
/*
 * Decides the state for the periods pts[0..n-1] (the evaluation range, oldest first) as the
 * CloudWatch User Guide's "How alarm state is evaluated when data is missing" describes it,
 * with the state reason and reason data AWS writes. query_ms is the evaluation time.
 * Returns 0 (out filled; free with alarms_decision_clear), or -1 for an invalid spec.
 */
int alarms_decide(const struct alarms_spec *s, const struct alarms_point *pts, int n,
                  int64_t query_ms, struct alarms_decision *out);
void alarms_decision_clear(struct alarms_decision *d);

/* ---- texts -------------------------------------------------------------------------------- */

/* Prints v as Java's Double.toString does (AWS writes numbers that way): "80.0", "0.025",
 * "1.0E7", "5.535714886726143". */
void alarms_java_double(double v, char *out, size_t n);
/* "2026-01-01T00:05:00.000+0000" */
void alarms_iso_time(int64_t ms, char out[40]);
/* The region's name as alarm notifications print it ("US East (N. Virginia)"); the code
 * itself for a region drillsim does not know. */
const char *alarms_region_name(const char *region);

/* ---- Application Auto Scaling target tracking ------------------------------------------- */

/* What a target tracking policy's alarms are made from. */
struct alarms_tt_policy {
    const char *region;
    const char *policy_arn;
    const char *ns;          /* ServiceNamespace */
    const char *resource_id; /* "service/CLUSTER/SERVICE" */
    const cJSON *config;     /* TargetTrackingScalingPolicyConfiguration */
    const char *old_alarms;  /* the policy's current Alarms (JSON text), or NULL */
};

/*
 * Creates (or updates, keeping their names) the TargetTracking-<resource>-AlarmHigh-<uuid>
 * and -AlarmLow-<uuid> alarms AWS creates for a target tracking policy (no AlarmLow when
 * scale-in is disabled), and deletes alarms of old_alarms that are no longer needed. Sets
 * *alarms to a new array [{AlarmName, AlarmARN}]. Returns 0, or -1 on a store error.
 */
int alarms_tt_put(struct sim *sim, struct team *team, const struct alarms_tt_policy *p,
                  int64_t now_ms, cJSON **alarms);
/* Deletes the alarms listed in alarms_json (a policy's Alarms). Returns 0 or -1. */
int alarms_tt_delete(struct sim *sim, struct team *team, const char *region,
                     const char *alarms_json, int64_t now_ms);

#endif
