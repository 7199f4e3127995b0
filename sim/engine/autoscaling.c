/*
 * autoscaling.c - Application Auto Scaling in the world (see autoscaling.h): the tick that
 * fires scheduled actions, the bounds a changed min/max imposes on an ECS service, and the
 * scaling decision function the world model calls from alarms.
 *
 * Store: sim/store/autoscaling.h (targets with their cooldown bookkeeping, scheduled actions
 * with their next fire time, activities). ECS: through autoscaling__ecs (autoscaling_int.h),
 * which is the contract of engine/ecs.h unless a unit test replaced it.
 *
 * Texts are AWS's, from the Application Auto Scaling user guide's example activities:
 *   scheduled action  Description "Setting min capacity to 5 and max capacity to 10",
 *                     Cause "scheduled action name NAME was triggered",
 *                     StatusMessage "Successfully set min capacity to 5 and max capacity to 10"
 *   bounds            Description "Setting desired count to 4.", Cause "maximum capacity was
 *                     set to 4" / "minimum capacity was set to 4", StatusMessage "Successfully
 *                     set desired count to 4. Change successfully fulfilled by ecs."
 *   policy            Cause "monitor alarm ALARM in state ALARM triggered policy POLICY";
 *                     a not-scaled one: Description "Attempting to scale due to alarm
 *                     triggered", StatusCode Failed, NotScaledReasons [{Code, ...}]
 * The texts of failures AWS does not document (a service that vanished, a scheduled minimum
 * above the maximum) are drillsim's and say so in their comment.
 *
 * To make another namespace act: read and set its capacity where autoscaling_ecs_desired and
 * set_capacity do for ECS, and word its Description as AWS does ("Setting write capacity
 * units to 10." for DynamoDB).
 */
#include "engine/autoscaling.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/autoscaling_int.h"
#include "engine/cronexpr.h"
#include "engine/ecs.h"
#include "engine/engine.h"
#include "engine/team.h"
#include "sim.h"
#include "store/autoscaling.h"
#include "util/rand.h"
#include "util/xmalloc.h"

#define DEFAULT_COOLDOWN_S 300
#define MAX_FIRES_PER_TICK 256 /* scheduled actions fired in one tick, at most */
#define NAME_MAX_LEN 256       /* ECS cluster and service names are at most 255 characters */

struct autoscaling_ecs_ops autoscaling__ecs = {ecs_get_counts, ecs_set_desired_count};

/* ---- ECS ------------------------------------------------------------------------------ */

/* Splits "service/CLUSTER/SERVICE" into its names. Returns 0, or -1 when malformed. */
static int ecs_names(const char *resource_id, char cluster[NAME_MAX_LEN],
                     char service[NAME_MAX_LEN])
{
    if (strncmp(resource_id, "service/", 8) != 0)
        return -1;
    const char *c = resource_id + 8;
    const char *slash = strchr(c, '/');
    if (slash == NULL || slash == c || slash[1] == '\0' || strchr(slash + 1, '/') != NULL)
        return -1;
    size_t clen = (size_t)(slash - c), slen = strlen(slash + 1);
    if (clen >= NAME_MAX_LEN || slen >= NAME_MAX_LEN)
        return -1;
    memcpy(cluster, c, clen);
    cluster[clen] = '\0';
    memcpy(service, slash + 1, slen + 1);
    return 0;
}

int autoscaling_ecs_desired(struct sim *sim, struct team *team, const char *region,
                            const char *resource_id, int *desired)
{
    char cluster[NAME_MAX_LEN], service[NAME_MAX_LEN];
    if (ecs_names(resource_id, cluster, service) != 0)
        return 1;
    int running = 0;
    return autoscaling__ecs.get_counts(sim, team, region, cluster, service, desired, &running);
}

/* Sets the desired count of an ECS target. Returns 0, 1 (no such service) or -1. */
static int set_capacity(struct sim *sim, struct team *team, const char *region,
                        const char *resource_id, int desired, int64_t now_ms)
{
    char cluster[NAME_MAX_LEN], service[NAME_MAX_LEN];
    if (ecs_names(resource_id, cluster, service) != 0)
        return 1;
    return autoscaling__ecs.set_desired(sim, team, region, cluster, service, desired, now_ms);
}

static int is_ecs(const struct aas_target *t)
{
    return strcmp(t->ns, "ecs") == 0 && strcmp(t->dimension, "ecs:service:DesiredCount") == 0;
}

/* ---- activities ----------------------------------------------------------------------- */

/* The fields of an activity to record; NULL / 0 = absent. */
struct act {
    const char *description, *cause, *status_code, *status_message, *details, *not_scaled;
    int64_t start_ms, end_ms;
};

/* Records an activity on target t with a fresh ActivityId. Returns 0 or -1. */
static int record(struct sim *sim, struct team *team, const char *region,
                  const struct aas_target *t, const struct act *a)
{
    struct aas_scope sc = {sim->store, team->account, region};
    char id[37];
    rng_uuid(&team->ids, id);
    struct aas_activity row = {
        .ns = t->ns,
        .resource_id = t->resource_id,
        .dimension = t->dimension,
        .activity_id = id,
        .description = (char *)a->description,
        .cause = (char *)a->cause,
        .start_ms = a->start_ms,
        .end_ms = a->end_ms,
        .status_code = (char *)a->status_code,
        .status_message = (char *)a->status_message,
        .details = (char *)a->details,
        .not_scaled = (char *)a->not_scaled,
    };
    return store_aas_activity_add(&sc, &row);
}

/*
 * Sets an ECS target's desired count to n and records the activity with cause. A service
 * that no longer exists gets a Failed activity instead. Returns 0 (and *gone = 1 for a
 * missing service when gone is not NULL) or -1.
 */
static int change_desired(struct sim *sim, struct team *team, const char *region,
                          const struct aas_target *t, int n, const char *cause,
                          const char *details, int64_t now_ms, int *gone)
{
    int rc = set_capacity(sim, team, region, t->resource_id, n, now_ms);
    if (rc < 0)
        return -1;
    char desc[64], msg[512];
    snprintf(desc, sizeof desc, "Setting desired count to %d.", n);
    struct act a = {.description = desc, .cause = cause, .details = details,
                    .start_ms = now_ms, .end_ms = now_ms};
    if (rc == 0) {
        snprintf(msg, sizeof msg,
                 "Successfully set desired count to %d. Change successfully fulfilled by ecs.", n);
        a.status_code = "Successful";
    } else {
        /* drillsim's wording: the service was deleted while the target stayed registered */
        snprintf(msg, sizeof msg,
                 "Failed to set desired count to %d. ECS service doesn't exist: %s", n,
                 t->resource_id);
        a.status_code = "Failed";
    }
    a.status_message = msg;
    if (gone)
        *gone = rc == 1;
    return record(sim, team, region, t, &a);
}

int autoscaling_fit_capacity(struct sim *sim, struct team *team, const char *region,
                             const struct aas_target *t, int64_t now_ms)
{
    if (!is_ecs(t))
        return 0;
    int desired;
    int rc = autoscaling_ecs_desired(sim, team, region, t->resource_id, &desired);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char cause[96];
    int n;
    if (desired < t->min_cap) {
        n = (int)t->min_cap;
        snprintf(cause, sizeof cause, "minimum capacity was set to %d", n);
    } else if (desired > t->max_cap) {
        n = (int)t->max_cap;
        snprintf(cause, sizeof cause, "maximum capacity was set to %d", n);
    } else {
        return 0;
    }
    return change_desired(sim, team, region, t, n, cause, NULL, now_ms, NULL);
}

/* ---- scaling decisions ----------------------------------------------------------------- */

/* The change PercentChangeInCapacity makes: toward zero, at least one task, then at least
 * the minimum magnitude. */
static int percent_change(int current, double percent, int min_magnitude)
{
    double raw = current * percent / 100.0;
    int delta = (int)trunc(raw);
    if (delta == 0 && raw != 0.0)
        delta = raw > 0 ? 1 : -1;
    if (min_magnitude > 0 && delta != 0 && abs(delta) < min_magnitude)
        delta = delta > 0 ? min_magnitude : -min_magnitude;
    return delta;
}

/* The capacity the decision asks for, counted from base. */
static int64_t proposal(const struct autoscaling_decision *d, int base)
{
    switch (d->adjust) {
    case AUTOSCALING_CHANGE:
        return base + (int64_t)llround(d->value);
    case AUTOSCALING_PERCENT:
        return base + percent_change(base, d->value, d->min_adjustment_magnitude);
    default:
        return (int64_t)llround(d->value);
    }
}

/* Records a not-scaled activity. Returns 0 or -1. */
static int not_scaled(struct sim *sim, struct team *team, const char *region,
                      const struct aas_target *t, const char *cause, const char *details,
                      int64_t want, int current, int64_t now_ms)
{
    char reasons[160];
    if (want > t->max_cap)
        snprintf(reasons, sizeof reasons,
                 "[{\"Code\":\"AlreadyAtMaxCapacity\",\"MaxCapacity\":%lld}]",
                 (long long)t->max_cap);
    else if (want < t->min_cap)
        snprintf(reasons, sizeof reasons,
                 "[{\"Code\":\"AlreadyAtMinCapacity\",\"MinCapacity\":%lld}]",
                 (long long)t->min_cap);
    else
        snprintf(reasons, sizeof reasons,
                 "[{\"Code\":\"AlreadyAtDesiredCapacity\",\"CurrentCapacity\":%d}]", current);
    struct act a = {.description = "Attempting to scale due to alarm triggered",
                    .cause = cause,
                    .status_code = "Failed",
                    .details = details,
                    .not_scaled = reasons,
                    .start_ms = now_ms};
    return record(sim, team, region, t, &a);
}

/* Writes the activity Cause of a decision into out. */
static void decision_cause(const struct autoscaling_decision *d, char *out, size_t len)
{
    if (d->cause)
        snprintf(out, len, "%s", d->cause);
    else if (d->alarm_name && d->policy_name)
        snprintf(out, len, "monitor alarm %s in state ALARM triggered policy %s", d->alarm_name,
                 d->policy_name);
    else if (d->policy_name) /* drillsim's wording for a decision without an alarm */
        snprintf(out, len, "policy %s triggered", d->policy_name);
    else
        snprintf(out, len, "a scaling decision was applied");
}

/* The body of autoscaling_apply once the target is loaded. */
static int apply_to(struct sim *sim, struct team *team, const struct autoscaling_decision *d,
                    struct aas_target *t, int64_t now_ms, enum autoscaling_outcome *outcome,
                    int *new_capacity)
{
    int current;
    int rc = autoscaling_ecs_desired(sim, team, d->region, t->resource_id, &current);
    if (rc < 0)
        return -1;
    char cause[1024];
    decision_cause(d, cause, sizeof cause);
    if (rc == 1) {
        int want = (int)proposal(d, 0);
        *outcome = AUTOSCALING_FAILED;
        return change_desired(sim, team, d->region, t, want < 0 ? 0 : want, cause, d->details,
                              now_ms, NULL);
    }
    if (new_capacity)
        *new_capacity = current;
    int in_out_cooldown = t->last_out_ms > 0 &&
                          now_ms < t->last_out_ms + (int64_t)d->scale_out_cooldown_s * 1000;
    int64_t want = proposal(d, current);
    if (want > current) {
        if (t->susp_out) {
            *outcome = AUTOSCALING_SUSPENDED;
            return 0;
        }
        if (in_out_cooldown) {
            /* the capacity the last scale-out added counts toward this one */
            if (d->adjust != AUTOSCALING_EXACT)
                want = proposal(d, (int)t->last_out_from);
            if (want <= t->last_out_to) {
                *outcome = AUTOSCALING_COOLDOWN;
                return 0;
            }
        }
    } else if (want < current) {
        if (t->susp_in || d->disable_scale_in) {
            *outcome = AUTOSCALING_SUSPENDED;
            return 0;
        }
        if (t->last_in_ms > 0 && now_ms < t->last_in_ms + (int64_t)d->scale_in_cooldown_s * 1000) {
            *outcome = AUTOSCALING_COOLDOWN;
            return 0;
        }
    }
    int64_t n = want < t->min_cap ? t->min_cap : want > t->max_cap ? t->max_cap : want;
    if (n == current) {
        *outcome = AUTOSCALING_NOT_SCALED;
        return not_scaled(sim, team, d->region, t, cause, d->details, want, current, now_ms);
    }
    int gone = 0;
    if (change_desired(sim, team, d->region, t, (int)n, cause, d->details, now_ms, &gone) != 0)
        return -1;
    if (gone) {
        *outcome = AUTOSCALING_FAILED;
        return 0;
    }
    if (n > current) {
        t->last_out_ms = now_ms;
        t->last_out_from = current;
        t->last_out_to = n;
        t->last_in_ms = 0; /* a scale-out ends a scale-in cooldown */
    } else {
        t->last_in_ms = now_ms;
    }
    struct aas_scope sc = {sim->store, team->account, d->region};
    if (store_aas_target_put(&sc, t) != 0)
        return -1;
    *outcome = AUTOSCALING_SCALED;
    if (new_capacity)
        *new_capacity = (int)n;
    return 0;
}

int autoscaling_apply(struct sim *sim, struct team *team, const struct autoscaling_decision *d,
                      int64_t now_ms, enum autoscaling_outcome *outcome, int *new_capacity)
{
    struct aas_scope sc = {sim->store, team->account, d->region};
    struct aas_key k = {d->service_namespace, d->resource_id, d->scalable_dimension};
    struct aas_target t = {0};
    int rc = store_aas_target_get(&sc, &k, &t);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        *outcome = AUTOSCALING_NO_TARGET;
        return 0;
    }
    if (!is_ecs(&t)) {
        *outcome = AUTOSCALING_UNSUPPORTED;
        store_aas_target_clear(&t);
        return 0;
    }
    rc = apply_to(sim, team, d, &t, now_ms, outcome, new_capacity);
    store_aas_target_clear(&t);
    return rc;
}

/* Reads an integer member of a policy configuration, or dflt. */
static int config_int(const cJSON *cfg, const char *name, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, name);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : dflt;
}

int autoscaling_decision_from_policy(struct sim *sim, struct team *team, const char *policy_name,
                                     struct autoscaling_decision *d)
{
    struct aas_scope sc = {sim->store, team->account, d->region};
    struct aas_key k = {d->service_namespace, d->resource_id, d->scalable_dimension};
    struct aas_policy p = {0};
    int rc = store_aas_policy_get(&sc, &k, policy_name, &p);
    if (rc != 0)
        return rc;
    cJSON *cfg = cJSON_Parse(p.config);
    if (strcmp(p.type, "TargetTrackingScaling") == 0) {
        d->adjust = AUTOSCALING_EXACT;
        d->scale_out_cooldown_s = config_int(cfg, "ScaleOutCooldown", DEFAULT_COOLDOWN_S);
        d->scale_in_cooldown_s = config_int(cfg, "ScaleInCooldown", DEFAULT_COOLDOWN_S);
        d->disable_scale_in = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "DisableScaleIn"));
        d->min_adjustment_magnitude = 0;
    } else {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(cfg, "AdjustmentType");
        const char *ty = cJSON_IsString(type) ? type->valuestring : "ChangeInCapacity";
        d->adjust = strcmp(ty, "ExactCapacity") == 0             ? AUTOSCALING_EXACT
                    : strcmp(ty, "PercentChangeInCapacity") == 0 ? AUTOSCALING_PERCENT
                                                                 : AUTOSCALING_CHANGE;
        d->scale_out_cooldown_s = config_int(cfg, "Cooldown", DEFAULT_COOLDOWN_S);
        d->scale_in_cooldown_s = d->scale_out_cooldown_s;
        d->disable_scale_in = 0;
        d->min_adjustment_magnitude = config_int(cfg, "MinAdjustmentMagnitude", 0);
    }
    cJSON_Delete(cfg);
    store_aas_policy_clear(&p);
    return 0;
}

/* ---- scheduled actions ---------------------------------------------------------------- */

int64_t autoscaling_next_fire(const struct aas_scheduled *a, int64_t after_ms)
{
    struct cronexpr e;
    char why[128];
    if (cronexpr_parse(a->schedule, &e, why, sizeof why) != 0)
        return 0;
    int64_t next;
    if (e.kind == CRONEXPR_AT) {
        next = cronexpr_next(&e, a->timezone, 0, 0, after_ms);
        if (next != CRONEXPR_NEVER && a->start_ms && next < a->start_ms)
            next = CRONEXPR_NEVER;
    } else if (a->start_ms && a->start_ms > after_ms) {
        next = a->start_ms; /* "performs the action at this time, then ... the recurrence" */
    } else if (e.kind == CRONEXPR_RATE) {
        int64_t anchor = a->start_ms ? a->start_ms : a->created_ms;
        next = cronexpr_next(&e, NULL, anchor, a->start_ms != 0, after_ms);
    } else {
        next = cronexpr_next(&e, a->timezone, 0, 0, after_ms);
    }
    if (next == CRONEXPR_NEVER || next <= 0)
        return 0;
    if (a->end_ms && next > a->end_ms)
        return 0;
    return next;
}

/* Fires scheduled action a (of region a->region) at now_ms: sets the target's min and max
 * and moves an ECS service's desired count inside them. Returns 0 or -1. */
static int fire(struct sim *sim, struct team *team, const struct aas_scheduled *a, int64_t now_ms)
{
    struct aas_scope sc = {sim->store, team->account, a->region};
    struct aas_key k = {a->ns, a->resource_id, a->dimension};
    struct aas_target t = {0};
    int rc = store_aas_target_get(&sc, &k, &t);
    if (rc != 0)
        return rc < 0 ? -1 : 0; /* the target went away: nothing to scale */
    if (t.susp_sched) {
        store_aas_target_clear(&t);
        return 0;
    }
    int64_t new_min = a->has_min ? a->min_cap : t.min_cap;
    int64_t new_max = a->has_max ? a->max_cap : t.max_cap;
    char desc[128], cause[512], msg[256];
    snprintf(desc, sizeof desc, "Setting min capacity to %lld and max capacity to %lld",
             (long long)new_min, (long long)new_max);
    snprintf(cause, sizeof cause, "scheduled action name %s was triggered", a->name);
    struct act act = {.description = desc, .cause = cause, .start_ms = now_ms};
    rc = -1;
    if (new_min > new_max) {
        /* drillsim's wording: AWS documents that the action then fails */
        snprintf(msg, sizeof msg,
                 "Failed to set min capacity to %lld and max capacity to %lld. Minimum capacity "
                 "cannot be greater than maximum capacity.",
                 (long long)new_min, (long long)new_max);
        act.status_code = "Failed";
        act.status_message = msg;
        rc = record(sim, team, a->region, &t, &act);
        goto out;
    }
    snprintf(msg, sizeof msg, "Successfully set min capacity to %lld and max capacity to %lld",
             (long long)new_min, (long long)new_max);
    act.status_code = "Successful";
    act.status_message = msg;
    t.min_cap = new_min;
    t.max_cap = new_max;
    if (store_aas_target_put(&sc, &t) != 0 || record(sim, team, a->region, &t, &act) != 0)
        goto out;
    rc = autoscaling_fit_capacity(sim, team, a->region, &t, now_ms);
out:
    store_aas_target_clear(&t);
    return rc;
}

int autoscaling_tick(struct tick *tk)
{
    for (int i = 0; i < MAX_FIRES_PER_TICK; i++) {
        struct aas_scheduled a = {0};
        int rc = store_aas_sched_due(tk->sim->store, tk->team->account, tk->now_ms, &a);
        if (rc == 1)
            return 0;
        if (rc < 0)
            return -1;
        /* the next fire is after this tick, so the loop always moves on */
        int64_t next = autoscaling_next_fire(&a, tk->now_ms);
        struct aas_scope sc = {tk->sim->store, tk->team->account, a.region};
        struct aas_key k = {a.ns, a.resource_id, a.dimension};
        rc = fire(tk->sim, tk->team, &a, tk->now_ms);
        if (rc == 0)
            rc = store_aas_sched_set_next(&sc, &k, a.name, next);
        store_aas_sched_clear(&a);
        if (rc != 0)
            return -1;
    }
    return 0;
}
