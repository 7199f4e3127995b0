/*
 * clock.h - the simulation clock, the only reader of the wall clock in drillsim.
 *
 * Every timestamp drillsim writes or returns, and the HTTP Date header, comes from
 * clock_now_ms(). In realtime mode (the default) sim time is the wall clock. The manual mode
 * (time moves only when told) and the per-team clocks arrive with the engine tick.
 */
#ifndef DRILLSIM_CLOCK_H
#define DRILLSIM_CLOCK_H

#include <stdint.h>

enum clock_mode {
    SIMCLOCK_REALTIME = 0,
    SIMCLOCK_MANUAL,
};

struct simclock {
    enum clock_mode mode;
    int64_t manual_ms; /* SIMCLOCK_MANUAL: the current sim time */
};

void clock_init_realtime(struct simclock *c);
/* Sim time now, in epoch milliseconds. */
int64_t clock_now_ms(const struct simclock *c);
/* Monotonic time in nanoseconds, for measuring durations only (never a timestamp). */
uint64_t clock_mono_ns(void);

#endif
