/* autoscaling.c - the autoscaling part of the engine tick (skeleton; being written). */
#include "engine/autoscaling.h"

#include "engine/engine.h"

int autoscaling_tick(struct tick *t)
{
    (void)t;
    return 0;
}
