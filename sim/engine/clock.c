/*
 * clock.c - sim time (see clock.h). This file is the only one that reads the wall clock.
 */
#include "engine/clock.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "util/timefmt.h"

int64_t clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now_ms(const struct simclock *c)
{
    if (c->mode == SIMCLOCK_MANUAL)
        return c->manual_ms;
    return clock_wall_ms() - c->offset_ms;
}

int clock_pause(struct simclock *c)
{
    if (c->mode != SIMCLOCK_REALTIME)
        return -1;
    c->manual_ms = clock_now_ms(c);
    c->mode = SIMCLOCK_MANUAL;
    c->paused = 1;
    return 0;
}

int clock_resume(struct simclock *c)
{
    if (!c->paused)
        return -1;
    c->offset_ms = clock_wall_ms() - c->manual_ms;
    c->mode = SIMCLOCK_REALTIME;
    c->paused = 0;
    return 0;
}

void clock_init(struct simclock *c, enum clock_mode mode, int64_t start_ms)
{
    c->mode = mode;
    c->manual_ms = 0;
    c->offset_ms = 0;
    c->paused = 0;
    if (mode == SIMCLOCK_MANUAL)
        c->manual_ms = start_ms ? start_ms : clock_wall_ms() / 60000 * 60000;
}

int clock_parse(const char *spec, enum clock_mode *mode, int64_t *start_ms)
{
    if (strcmp(spec, "realtime") == 0) {
        *mode = SIMCLOCK_REALTIME;
        *start_ms = 0;
        return 0;
    }
    if (strcmp(spec, "manual") == 0) {
        *mode = SIMCLOCK_MANUAL;
        *start_ms = 0;
        return 0;
    }
    if (strncmp(spec, "manual@", 7) == 0) {
        double s;
        if (timefmt_parse_iso8601(spec + 7, &s) != 0 || s <= 0)
            return -1;
        *mode = SIMCLOCK_MANUAL;
        *start_ms = (int64_t)llround(s * 1000.0);
        return 0;
    }
    return -1;
}

uint64_t clock_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
