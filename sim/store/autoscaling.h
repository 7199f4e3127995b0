/*
 * autoscaling.h - the Application Auto Scaling tables: scalable targets, scaling policies,
 * scheduled actions, scaling activities (and tags, in the generic tags table).
 *
 * Tables (sim/store/schema.c, the Application Auto Scaling migration), every row scoped by
 * (account, region) and keyed within it by (namespace, resource_id, dimension):
 *   aas_targets     one row per scalable target, with the cooldown bookkeeping of the engine
 *                   (the last scale-out and scale-in it made);
 *   aas_policies    one row per scaling policy; its configuration is kept as the JSON text of
 *                   the request's configuration object, returned as given;
 *   aas_scheduled   one row per scheduled action, with next_fire_ms (NULL = never again),
 *                   indexed by (account, next_fire_ms) so the tick finds due actions cheaply;
 *   aas_activities  one row per scaling activity; seq grows with time, so newest first is
 *                   seq descending;
 *   tags            service 'application-autoscaling', resource = the ScalableTargetARN.
 * The functions only read and write rows; the AWS rules live in sim/services/autoscaling.c
 * and sim/engine/autoscaling.c. Writes run inside the caller's transaction.
 *
 * Return convention: 0 = done / found, 1 = not found, -1 = SQLite error. Filled structs own
 * their strings: clear them with the matching _clear function.
 */
#ifndef DRILLSIM_STORE_AUTOSCALING_H
#define DRILLSIM_STORE_AUTOSCALING_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

/* The scope every call works in. */
struct aas_scope {
    struct store *st;
    const char *account;
    const char *region;
};

/* What identifies a scalable target within a scope. */
struct aas_key {
    const char *ns;
    const char *resource_id;
    const char *dimension;
};

struct aas_target {
    char *ns, *resource_id, *dimension;
    int64_t min_cap, max_cap;
    char *role_arn;
    int susp_in, susp_out, susp_sched; /* SuspendedState */
    int64_t created_ms;
    char *arn;  /* ScalableTargetARN */
    char *uuid; /* the target's id inside policy and scheduled-action ARNs */
    /* cooldown bookkeeping (0 = none): the last scale-out (when, from, to) and scale-in */
    int64_t last_out_ms, last_out_from, last_out_to, last_in_ms;
};

struct aas_policy {
    char *ns, *resource_id, *dimension, *name;
    char *arn;
    char *type;   /* StepScaling | TargetTrackingScaling | PredictiveScaling */
    char *config; /* JSON text of the type's configuration object */
    char *alarms; /* JSON text of the Alarms array */
    int64_t created_ms;
};

struct aas_scheduled {
    char *ns, *resource_id, *dimension, *name;
    char *arn;
    char *schedule;
    char *timezone;                /* NULL = not given (UTC) */
    int64_t start_ms, end_ms;      /* 0 = not given */
    int has_min, has_max;          /* ScalableTargetAction members given */
    int64_t min_cap, max_cap;
    int64_t created_ms;
    int64_t next_fire_ms;          /* 0 = never again */
    char *region;                  /* filled by store_aas_sched_due only */
};

struct aas_activity {
    int64_t seq;
    char *ns, *resource_id, *dimension;
    char *activity_id;
    char *description, *cause;
    int64_t start_ms, end_ms; /* end 0 = none */
    char *status_code, *status_message, *details; /* message, details: NULL = none */
    char *not_scaled;                             /* JSON text of NotScaledReasons, or NULL */
};

void store_aas_target_clear(struct aas_target *t);
void store_aas_policy_clear(struct aas_policy *p);
void store_aas_sched_clear(struct aas_scheduled *a);
void store_aas_activity_clear(struct aas_activity *a);

/* ---- scalable targets ---------------------------------------------------------------- */

/* Reads the target into *out (zeroed by the caller). Returns 0, 1 or -1. */
int store_aas_target_get(const struct aas_scope *sc, const struct aas_key *k,
                         struct aas_target *out);
/* Reads the target whose ScalableTargetARN is arn. Returns 0, 1 or -1. */
int store_aas_target_get_by_arn(const struct aas_scope *sc, const char *arn,
                                struct aas_target *out);
/* Inserts or replaces the target (keyed by its ns, resource_id, dimension). 0 or -1. */
int store_aas_target_put(const struct aas_scope *sc, const struct aas_target *t);
/* Deletes the target with its policies, scheduled actions and tags. Returns 0, 1 or -1. */
int store_aas_target_delete(const struct aas_scope *sc, const struct aas_key *k);
/*
 * Calls fn for every target of namespace ns (with dimension, when not NULL) ordered by
 * (resource_id, dimension), starting after the key (after_rid, after_dim) when after_rid is
 * not NULL. fn returns 0 to go on, 1 to stop, -1 to fail. Returns 0 or -1.
 */
typedef int (*store_aas_target_fn)(void *ctx, const struct aas_target *t);
int store_aas_target_each(const struct aas_scope *sc, const char *ns, const char *dimension,
                          const char *after_rid, const char *after_dim, store_aas_target_fn fn,
                          void *ctx);

/* ---- scaling policies ---------------------------------------------------------------- */

int store_aas_policy_get(const struct aas_scope *sc, const struct aas_key *k, const char *name,
                         struct aas_policy *out);
int store_aas_policy_put(const struct aas_scope *sc, const struct aas_policy *p);
int store_aas_policy_delete(const struct aas_scope *sc, const struct aas_key *k,
                            const char *name);
/* Calls fn for the policies of ns (filtered by resource_id / dimension when not NULL),
 * ordered by (resource_id, dimension, name), after the given key when after_rid is set. */
typedef int (*store_aas_policy_fn)(void *ctx, const struct aas_policy *p);
int store_aas_policy_each(const struct aas_scope *sc, const char *ns, const char *resource_id,
                          const char *dimension, const char *after_rid, const char *after_dim,
                          const char *after_name, store_aas_policy_fn fn, void *ctx);

/* ---- scheduled actions --------------------------------------------------------------- */

int store_aas_sched_get(const struct aas_scope *sc, const struct aas_key *k, const char *name,
                        struct aas_scheduled *out);
int store_aas_sched_put(const struct aas_scope *sc, const struct aas_scheduled *a);
int store_aas_sched_delete(const struct aas_scope *sc, const struct aas_key *k,
                           const char *name);
/* Sets next_fire_ms of one action (0 = never again). Returns 0 or -1. */
int store_aas_sched_set_next(const struct aas_scope *sc, const struct aas_key *k,
                             const char *name, int64_t next_fire_ms);
/* Same ordering and filters as store_aas_policy_each. */
typedef int (*store_aas_sched_fn)(void *ctx, const struct aas_scheduled *a);
int store_aas_sched_each(const struct aas_scope *sc, const char *ns, const char *resource_id,
                         const char *dimension, const char *after_rid, const char *after_dim,
                         const char *after_name, store_aas_sched_fn fn, void *ctx);
/*
 * Reads the earliest scheduled action of account (any region) due at or before now_ms into
 * *out, with out->region set (ties in a fixed key order). Uses the next-fire index only.
 * Returns 0, 1 (none due) or -1.
 */
int store_aas_sched_due(struct store *st, const char *account, int64_t now_ms,
                        struct aas_scheduled *out);

/* ---- scaling activities -------------------------------------------------------------- */

/* Appends an activity (a->seq is ignored and assigned). Returns 0 or -1. */
int store_aas_activity_add(const struct aas_scope *sc, const struct aas_activity *a);
/*
 * Calls fn for the activities of ns (filtered by resource_id / dimension when not NULL;
 * not-scaled ones only when include_not_scaled), newest first, those older than before_seq
 * when it is > 0. Returns 0 or -1.
 */
typedef int (*store_aas_activity_fn)(void *ctx, const struct aas_activity *a);
int store_aas_activity_each(const struct aas_scope *sc, const char *ns, const char *resource_id,
                            const char *dimension, int include_not_scaled, int64_t before_seq,
                            store_aas_activity_fn fn, void *ctx);

/* ---- tags (resource = ScalableTargetARN) --------------------------------------------- */

int store_aas_tag_put(const struct aas_scope *sc, const char *arn, const char *key,
                      const char *value);
int store_aas_tag_delete(const struct aas_scope *sc, const char *arn, const char *key);
/* Sets *n to the number of tags of arn. Returns 0 or -1. */
int store_aas_tag_count(const struct aas_scope *sc, const char *arn, int64_t *n);
/* Returns 1 if arn has a tag key, 0 if not, -1 on error. */
int store_aas_tag_has(const struct aas_scope *sc, const char *arn, const char *key);
/* Adds the tags of arn as members of the cJSON object `into`. Returns 0 or -1. */
int store_aas_tags(const struct aas_scope *sc, const char *arn, cJSON *into);

#endif
