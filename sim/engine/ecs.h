/* ecs.h - the ecs part of the engine tick (skeleton; being written). */
#ifndef DRILLSIM_ENGINE_ECS_H
#define DRILLSIM_ENGINE_ECS_H

#include <stdint.h>

struct sim;
struct team;
struct tick;

/* The tick sub-step: returns 0, or -1 to roll the tick back. */
int ecs_tick(struct tick *t);

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
