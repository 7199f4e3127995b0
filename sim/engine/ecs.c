/* ecs.c - the ecs part of the engine tick (skeleton; being written). */
#include "engine/ecs.h"

#include "engine/engine.h"

int ecs_tick(struct tick *t)
{
    (void)t;
    return 0;
}

int ecs_set_desired_count(struct sim *sim, struct team *team, const char *region,
                          const char *cluster, const char *service, int desired, int64_t now_ms)
{
    (void)sim, (void)team, (void)region, (void)cluster, (void)service, (void)desired, (void)now_ms;
    return 1;
}

int ecs_get_counts(struct sim *sim, struct team *team, const char *region, const char *cluster,
                   const char *service, int *desired, int *running)
{
    (void)sim, (void)team, (void)region, (void)cluster, (void)service, (void)desired,
        (void)running;
    return 1;
}
