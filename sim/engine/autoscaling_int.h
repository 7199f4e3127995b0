/* autoscaling_int.h - private to sim/engine/autoscaling.c and its unit tests.
 *
 * The ECS contract (engine/ecs.h) is reached through this table, so the unit tests of the
 * scaling rules can stand in a fake ECS service and see every desired-count change. */
#ifndef DRILLSIM_ENGINE_AUTOSCALING_INT_H
#define DRILLSIM_ENGINE_AUTOSCALING_INT_H

#include <stdint.h>

struct sim;
struct team;

struct autoscaling_ecs_ops {
    int (*get_counts)(struct sim *sim, struct team *team, const char *region,
                      const char *cluster, const char *service, int *desired, int *running);
    int (*set_desired)(struct sim *sim, struct team *team, const char *region,
                       const char *cluster, const char *service, int desired, int64_t now_ms);
};

/* Points at ecs_get_counts / ecs_set_desired_count unless a test replaced them. */
extern struct autoscaling_ecs_ops autoscaling__ecs;

#endif
