/*
 * autoscaling.h - Application Auto Scaling in the world: scheduled actions firing on the sim
 * clock, and the function that applies a scaling decision to a scalable target.
 *
 * Only ECS services act (namespace "ecs", dimension ecs:service:DesiredCount, ResourceId
 * "service/CLUSTER/SERVICE"): their desired count is read and changed through the ECS
 * contract of engine/ecs.h. Targets of other namespaces are stored and their scheduled
 * actions still change their minimum and maximum capacity, with the activity AWS records.
 *
 * Everything here runs inside the caller's store transaction (the tick's, or an OP_WRITE
 * handler's) and takes its time from the caller; ids (ActivityId) come from team->ids.
 */
#ifndef DRILLSIM_ENGINE_AUTOSCALING_H
#define DRILLSIM_ENGINE_AUTOSCALING_H

#include <stdint.h>

struct sim;
struct team;
struct tick;
struct aas_target;
struct aas_scheduled;

/* The tick sub-step: fires the scheduled actions that are due. Returns 0, or -1 to roll the
 * tick back. Idle cost: one indexed lookup on the next-fire column. */
int autoscaling_tick(struct tick *t);

/* How a decision states the new capacity. */
enum autoscaling_adjust {
    AUTOSCALING_EXACT = 1, /* value is the new capacity (target tracking, ExactCapacity) */
    AUTOSCALING_CHANGE,    /* value is added to the current capacity (ChangeInCapacity) */
    AUTOSCALING_PERCENT,   /* value percent of the current capacity is added */
};

/* A scaling decision for one scalable target. Strings are the caller's. */
struct autoscaling_decision {
    const char *region;
    const char *service_namespace;  /* "ecs" */
    const char *resource_id;        /* "service/CLUSTER/SERVICE" */
    const char *scalable_dimension; /* "ecs:service:DesiredCount" */
    enum autoscaling_adjust adjust;
    double value;
    int min_adjustment_magnitude; /* PERCENT: the smallest change, 0 = none */
    int scale_out_cooldown_s;     /* cooldowns to respect (step scaling: both = Cooldown) */
    int scale_in_cooldown_s;
    int disable_scale_in;   /* target tracking's DisableScaleIn */
    const char *policy_name; /* for the Cause; may be NULL */
    const char *alarm_name;  /* for the Cause; may be NULL */
    const char *cause;       /* the Cause verbatim, overriding the two above; may be NULL */
    const char *details;     /* the activity's Details; may be NULL */
};

/* What autoscaling_apply did. */
enum autoscaling_outcome {
    AUTOSCALING_SCALED = 1,   /* desired count changed; a Successful activity recorded */
    AUTOSCALING_NOT_SCALED,   /* at min/max or already there; a not-scaled activity recorded
                                 (listed with IncludeNotScaledActivities) */
    AUTOSCALING_COOLDOWN,     /* inside a cooldown: nothing recorded */
    AUTOSCALING_SUSPENDED,    /* dynamic scaling suspended in that direction, or scale-in
                                 disabled: nothing recorded */
    AUTOSCALING_NO_TARGET,    /* no such scalable target: nothing recorded */
    AUTOSCALING_UNSUPPORTED,  /* the target's namespace does not act in drillsim */
    AUTOSCALING_FAILED,       /* the ECS service is gone: a Failed activity recorded */
};

/*
 * Applies a scaling decision at now_ms, as Application Auto Scaling does when a policy's alarm
 * fires: computes the new capacity (PercentChangeInCapacity rounds toward zero, at least 1,
 * then MinAdjustmentMagnitude), respects SuspendedState, DisableScaleIn and the cooldowns
 * (during a scale-out cooldown only a larger scale-out than the last one happens, and a
 * change is counted from the capacity before it; a scale-in waits out its cooldown; a
 * scale-out ends a scale-in cooldown), clamps to [MinCapacity, MaxCapacity], records the
 * activity ("Setting desired count to N.", Cause "monitor alarm A in state ALARM triggered
 * policy P") and sets the ECS service's desired count. Returns 0 and sets *outcome (and
 * *new_capacity, which may be NULL, to the resulting desired count when known), or -1 on a
 * store error.
 */
int autoscaling_apply(struct sim *sim, struct team *team, const struct autoscaling_decision *d,
                      int64_t now_ms, enum autoscaling_outcome *outcome, int *new_capacity);

/*
 * Fills the numeric fields of *d (adjust, min_adjustment_magnitude, cooldowns,
 * disable_scale_in) from the stored policy policy_name of d's target: step scaling takes
 * AdjustmentType, MinAdjustmentMagnitude and Cooldown (default 300 s); target tracking is
 * AUTOSCALING_EXACT with ScaleOutCooldown / ScaleInCooldown (default 300 s). The caller then
 * sets d->value (the step's ScalingAdjustment, or target tracking's new capacity). Returns 0,
 * 1 when there is no such policy, or -1.
 */
int autoscaling_decision_from_policy(struct sim *sim, struct team *team, const char *policy_name,
                                     struct autoscaling_decision *d);

/*
 * Moves an ECS target's desired count inside [MinCapacity, MaxCapacity] after they changed
 * (RegisterScalableTarget, a scheduled action), recording the activity AWS records (Cause
 * "minimum capacity was set to N" / "maximum capacity was set to N"). Does nothing for other
 * namespaces, for a count already inside, or when the service does not exist. Returns 0 or -1.
 */
int autoscaling_fit_capacity(struct sim *sim, struct team *team, const char *region,
                             const struct aas_target *t, int64_t now_ms);

/*
 * Reads the desired count of the ECS service named by an ECS ResourceId
 * ("service/CLUSTER/SERVICE"). Returns 0 and sets *desired, 1 when the id is malformed or
 * the service does not exist, -1 on error.
 */
int autoscaling_ecs_desired(struct sim *sim, struct team *team, const char *region,
                            const char *resource_id, int *desired);

/*
 * The next time (epoch ms) strictly after after_ms at which scheduled action a fires, within
 * its StartTime / EndTime, or 0 for never. A recurring action (rate, cron) with a StartTime
 * still ahead fires at that StartTime first, as AWS documents.
 */
int64_t autoscaling_next_fire(const struct aas_scheduled *a, int64_t after_ms);

#endif
