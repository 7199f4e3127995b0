/*
 * ecs.h - ECS in the world: the task lifecycle, the service scheduler and the engine tick.
 *
 * A task moves on the clock: PROVISIONING -> PENDING -> ACTIVATING -> RUNNING, and once its
 * desired status is STOPPED: (DEACTIVATING ->) (STOPPING ->) DEPROVISIONING -> STOPPED, each
 * step lasting what the team's timing says (engine/team.h). The service scheduler keeps each
 * service at its desired count, rolls deployments within minimumHealthyPercent and
 * maximumPercent, and writes the service events. Both run in the tick (ecs_tick), which only
 * touches tasks and services whose "next" instant has come (indexed columns), so an idle
 * world costs two index probes per second.
 *
 * The service handlers (sim/services/ecs*.c) create and stop tasks and wake services through
 * the functions below; Application Auto Scaling sets desired counts through
 * ecs_set_desired_count. Everything random (task ids, deployment ids, event ids, addresses)
 * is drawn from the team's id generator, and every instant is sim time, so a manual-clock run
 * is a function of (seed, requests).
 */
#ifndef DRILLSIM_ENGINE_ECS_H
#define DRILLSIM_ENGINE_ECS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "store/ecs.h"

struct sim;
struct team;
struct tick;
struct rng;
struct team_timing;

/* Where and when ECS work happens: a handler's call or a tick. */
struct ecs_ctx {
    struct ecs_scope sc;
    struct rng *ids;
    const struct team_timing *timing;
    int64_t now_ms;
};

/* What a new task is made from. */
struct ecs_launch {
    const char *cluster;
    const char *task_def_arn;
    const cJSON *task_def; /* the registered definition (containerDefinitions, cpu, memory) */
    const char *launch_type;
    const char *subnet; /* awsvpc: the subnet the task's ENI goes to, else NULL */
    const char *service; /* NULL for RunTask */
    const char *deployment;
    const char *started_by;
    const char *group;
    const cJSON *overrides; /* RunTask's overrides, or NULL */
};

/* The tick sub-step: returns 0, or -1 to roll the tick back. */
int ecs_tick(struct tick *t);

/*
 * Creates a task in PROVISIONING at x->now_ms and stores it; *out (which must be empty)
 * receives the row (the caller clears it). A task with a subnet gets an ENI in it (the
 * subnet must exist). Returns 0 or -1.
 */
int ecs_task_launch(const struct ecs_ctx *x, const struct ecs_launch *l, struct ecs_task *out);
/*
 * Sets the desired status of t to STOPPED at x->now_ms with stop code and reason, moves it to
 * the first stopping state, stores it and wakes its service. A task already stopping keeps
 * its first code and reason. Returns 0 or -1.
 */
int ecs_task_stop(const struct ecs_ctx *x, struct ecs_task *t, const char *code,
                  const char *reason);
/* Makes the service scheduler look at the service at the next tick. Returns 0 or -1. */
int ecs_service_wake(const struct ecs_ctx *x, const char *cluster, const char *service);
/* Writes a new deployment id ("ecs-svc/" and 19 digits) drawn from ids. */
void ecs_deployment_id(struct rng *ids, char out[ECS_ID_MAX]);
/* Runs the service scheduler for one service now (the tick does it for due services; tests
 * and handlers may). Returns 0 or -1. */
int ecs_schedule_service(const struct ecs_ctx *x, const char *cluster, const char *service);

/*
 * Sets the desired count of an ECS service, as Application Auto Scaling does (called by
 * engine/autoscaling.c when a scaling activity or a scheduled action applies). cluster and
 * service are names (as in an Application Auto Scaling ResourceId "service/CLUSTER/SERVICE").
 * The service scheduler then starts or stops tasks on the following ticks, exactly as after
 * UpdateService --desired-count. Returns 0, 1 if there is no such ACTIVE service, -1 on a
 * store error. (Contract; implemented in engine/ecs.c.)
 */
int ecs_set_desired_count(struct sim *sim, struct team *team, const char *region,
                          const char *cluster, const char *service, int desired, int64_t now_ms);
/* Reads a service's desired and running counts. Returns 0, 1 if no such ACTIVE service, -1. */
int ecs_get_counts(struct sim *sim, struct team *team, const char *region, const char *cluster,
                   const char *service, int *desired, int *running);

#endif
