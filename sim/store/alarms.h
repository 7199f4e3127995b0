/*
 * alarms.h - CloudWatch alarms in the store: metric and composite alarms, the references
 * between composite alarms and their children, the alarm history, and alarm tags.
 *
 * Tables (sim/store/schema.c, the "CloudWatch alarms" migration), every row scoped by
 * (account, region):
 *   cw_alarms         one row per alarm. config is the alarm's configuration as a JSON object
 *                     in DescribeAlarms' member names (AlarmName, AlarmArn, MetricName,
 *                     Dimensions, Period, Metrics, AlarmRule, ...; never the state members),
 *                     kept exactly as the handler built it. The state (state, reason,
 *                     reason_data) and its timestamps are columns, so an evaluation rewrites
 *                     only them. namespace / metric / dims (the canonical dimension key of
 *                     sim/store/metrics.h) are set for single-metric alarms only, for
 *                     DescribeAlarmsForMetric. next_eval_ms is when the evaluator looks at the
 *                     alarm next (NULL: only when something else asks, as for a composite
 *                     alarm after its first evaluation); the index on (account, next_eval_ms)
 *                     makes the tick's query an index range. action_ms is when the actions
 *                     of the current state last ran (Auto Scaling actions repeat every period
 *                     while the alarm stays in ALARM).
 *   cw_alarm_refs     (parent, child): composite alarm `parent` names alarm `child` in its
 *                     rule (by name, as resolved when the rule was saved).
 *   cw_alarm_history  every history item: seq grows with time, so the newest are the highest
 *                     seq; alarm names are kept as they were (history outlives the alarm).
 *   tags              the generic tag table; alarm rows have service 'cloudwatch' and the
 *                     alarm ARN as resource.
 * The functions only read and write rows; the AWS rules live in sim/services/
 * cloudwatch_alarms.c and sim/engine/alarms.c. Writes run inside the caller's transaction.
 *
 * Return convention: 0 = done / found, 1 = not found, -1 = SQLite error. A struct filled by a
 * getter owns its strings: clear it with store_alarm_clear.
 */
#ifndef DRILLSIM_STORE_ALARMS_H
#define DRILLSIM_STORE_ALARMS_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

/* The scope every call works in. */
struct alarm_scope {
    struct store *st;
    const char *account;
    const char *region;
};

struct alarm_row {
    char *region;  /* filled by store_alarm_due only */
    char *name;
    char *type;    /* MetricAlarm | CompositeAlarm */
    char *config;  /* JSON object text */
    int actions_enabled;
    char *namespace, *metric, *dims; /* single-metric alarms; NULL otherwise */
    char *state;       /* OK | ALARM | INSUFFICIENT_DATA */
    char *reason;
    char *reason_data; /* JSON text or NULL */
    int64_t state_updated_ms;
    int64_t transitioned_ms;
    int64_t config_updated_ms;
    int64_t next_eval_ms; /* 0 = none */
    int64_t action_ms;    /* 0 = never */
};

void store_alarm_clear(struct alarm_row *r);

/* ---- alarms ----------------------------------------------------------------------------- */

int store_alarm_get(const struct alarm_scope *sc, const char *name, struct alarm_row *out);
/* Inserts or replaces the whole row (keyed by r->name). Returns 0 or -1. */
int store_alarm_put(const struct alarm_scope *sc, const struct alarm_row *r);
/* Deletes the alarm, the references of its rule and its tags (by arn). Returns 0, 1 or -1. */
int store_alarm_delete(const struct alarm_scope *sc, const char *name, const char *arn);
/* Writes the state columns of the alarm. Returns 0, 1 or -1. */
int store_alarm_set_state(const struct alarm_scope *sc, const char *name, const char *state,
                          const char *reason, const char *reason_data, int64_t updated_ms,
                          int64_t transitioned_ms);
int store_alarm_set_next(const struct alarm_scope *sc, const char *name, int64_t next_ms);
int store_alarm_set_action_ms(const struct alarm_scope *sc, const char *name, int64_t ms);
int store_alarm_set_actions_enabled(const struct alarm_scope *sc, const char *name, int on);

/*
 * Calls fn for the scope's alarms whose name is greater than after (NULL = from the first)
 * and starts with prefix (NULL = any), in name order. fn returns 0 to go on, 1 to stop, -1 to
 * fail; the row lives until fn returns. Returns 0 or -1.
 */
typedef int (*store_alarm_fn)(void *ctx, const struct alarm_row *r);
int store_alarm_each(const struct alarm_scope *sc, const char *after, const char *prefix,
                     store_alarm_fn fn, void *ctx);
/* The single-metric alarms on (namespace, metric), in name order. Same contract. */
int store_alarm_each_for_metric(const struct alarm_scope *sc, const char *namespace,
                                const char *metric, store_alarm_fn fn, void *ctx);
/* Writes up to max alarms of account (every region) due at now_ms (next_eval_ms <= now_ms),
 * earliest first, into out[] (region and name set; the caller clears each). Returns the
 * number written, or -1. */
int store_alarm_due(struct store *st, const char *account, int64_t now_ms,
                    struct alarm_row *out, int max);
/* Counts the scope's alarms. */
int store_alarm_count(const struct alarm_scope *sc, int64_t *n);

/* ---- composite references ---------------------------------------------------------------- */

/* Replaces the children of parent by the n names of children. Returns 0 or -1. */
int store_alarm_refs_set(const struct alarm_scope *sc, const char *parent,
                         const char *const *children, int n);
/* Calls fn(ctx, name) for every parent of child (in name order), or for every child of
 * parent, when `parents` is 0. fn returns 0 / 1 / -1 as above. Returns 0 or -1. */
typedef int (*store_alarm_name_fn)(void *ctx, const char *name);
int store_alarm_refs_each(const struct alarm_scope *sc, const char *name, int parents,
                          store_alarm_name_fn fn, void *ctx);

/* ---- history ------------------------------------------------------------------------------ */

struct alarm_history {
    int64_t seq;
    char *alarm;
    char *alarm_type;
    int64_t ts_ms;
    char *item_type; /* ConfigurationUpdate | StateUpdate | Action */
    char *summary;
    char *data;
};

void store_alarm_history_clear(struct alarm_history *h);
/* Appends an item (its seq is assigned). Returns 0 or -1. */
int store_alarm_history_add(const struct alarm_scope *sc, const char *alarm,
                            const char *alarm_type, int64_t ts_ms, const char *item_type,
                            const char *summary, const char *data);

/* What a history listing selects; NULL / 0 fields do not filter. */
struct alarm_history_filter {
    const char *alarm;
    int metric, composite; /* AlarmTypes: which types to include */
    const char *item_type;
    int64_t start_ms, end_ms; /* inclusive bounds; 0 = open */
    int ascending;
    int64_t after_seq; /* page start: seq strictly beyond this in the scan order; 0 = none */
};
typedef int (*store_alarm_history_fn)(void *ctx, const struct alarm_history *h);
int store_alarm_history_each(const struct alarm_scope *sc, const struct alarm_history_filter *f,
                             store_alarm_history_fn fn, void *ctx);
/* Deletes the account's history items (every region) older than before_ms. Returns 0 or
 * -1. */
int store_alarm_history_prune(struct store *st, const char *account, int64_t before_ms);

/* ---- tags (resource = the alarm ARN) ---------------------------------------------------- */

int store_alarm_tag_set(const struct alarm_scope *sc, const char *arn, const char *key,
                        const char *value);
int store_alarm_tag_remove(const struct alarm_scope *sc, const char *arn, const char *key);
int store_alarm_tag_count(const struct alarm_scope *sc, const char *arn, int64_t *n);
/* Adds every tag of arn to `into` as {"Key","Value"} objects in key order. Returns 0 or -1. */
int store_alarm_tags(const struct alarm_scope *sc, const char *arn, cJSON *into);

#endif
