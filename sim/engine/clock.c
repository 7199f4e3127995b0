/*
 * clock.c - sim time (see clock.h). This file is the only one that reads the wall clock.
 */
#include "engine/clock.h"

#include <time.h>

void clock_init_realtime(struct simclock *c)
{
    c->mode = SIMCLOCK_REALTIME;
    c->manual_ms = 0;
}

int64_t clock_now_ms(const struct simclock *c)
{
    if (c->mode == SIMCLOCK_MANUAL)
        return c->manual_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
