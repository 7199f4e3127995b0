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
    int64_t offset_ms; /* SIMCLOCK_REALTIME: sim time is the wall clock less this (a pause) */
    int paused;        /* a realtime clock paused: manual until resumed */
};

/* Sim time now, in epoch milliseconds. */
int64_t clock_now_ms(const struct simclock *c);
/* Wall-clock time in epoch milliseconds: for the server's own bookkeeping (uptime) and for
 * seeding realtime clocks; never for a timestamp of the simulated world. */
int64_t clock_wall_ms(void);
/* Parses a --clock value: "realtime", "manual" (starts at the wall-clock minute) or
 * "manual@2026-01-01T00:00:00Z". Returns 0 and sets *mode and *start_ms (0 = the wall-clock
 * minute when the clock is created), or -1. */
int clock_parse(const char *spec, enum clock_mode *mode, int64_t *start_ms);
/* Initialises c in mode; a manual clock starts at start_ms, or at the current wall-clock
 * minute when start_ms is 0. */
void clock_init(struct simclock *c, enum clock_mode mode, int64_t start_ms);
/* Pauses a realtime clock: time stands still (as a manual clock at the current instant)
 * until clock_resume. Returns 0, or -1 when c is not a running realtime clock. */
int clock_pause(struct simclock *c);
/* Resumes a paused clock from where it stopped (the wall clock then runs it, behind by the
 * pause). Returns 0, or -1 when c is not paused. */
int clock_resume(struct simclock *c);
/* Monotonic time in nanoseconds, for measuring durations only (never a timestamp). */
uint64_t clock_mono_ns(void);

#endif
