/* autoscaling.h - the autoscaling part of the engine tick (skeleton; being written). */
#ifndef DRILLSIM_ENGINE_AUTOSCALING_H
#define DRILLSIM_ENGINE_AUTOSCALING_H

struct tick;

/* The tick sub-step: returns 0, or -1 to roll the tick back. */
int autoscaling_tick(struct tick *t);

#endif
