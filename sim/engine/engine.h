/*
 * engine.h - the engine tick: everything in the world that changes with time.
 *
 * Time moves in ticks of one second of sim time, per team. engine_tick() runs the sub-steps
 * of the table in engine.c in order, each on its own period (every tick, every 60 s, ...),
 * inside one store transaction that also saves the team, so the world's state is in the store
 * at the end of every tick. In realtime mode a libuv timer ticks every team up to the wall
 * clock; in manual mode time moves only through engine_advance() (POST /_drill/clock/advance),
 * which runs the same ticks, so a manual-clock run depends only on (seed, requests).
 *
 * To add a sub-step: write `int <module>_tick(struct tick *t)` (return 0, or -1 to roll the
 * tick back) in the module that owns that part of the world, and add a row to the step table
 * in engine.c. A step must be cheap when there is nothing to do: it runs every second for
 * every team.
 */
#ifndef DRILLSIM_ENGINE_H
#define DRILLSIM_ENGINE_H

#include <stdint.h>

#include <cjson/cJSON.h>
#include <uv.h>

struct sim;
struct team;

/* What a sub-step sees of the tick it runs in. */
struct tick {
    struct sim *sim;
    struct team *team; /* its generators: team->world for the world's draws, team->ids for ids */
    int64_t now_ms;    /* the instant this tick simulates (a whole second) */
};

/* Runs one tick of team at now_ms. Returns 0, or -1 if a step failed (the tick's changes
 * are rolled back and the team's clock still moves). */
int engine_tick(struct sim *sim, struct team *team, int64_t now_ms);
/*
 * Manual clock: moves team's clock forward by ms, running a tick at every whole second
 * passed. Returns 0, or -1 when the team's clock is not manual.
 */
int engine_advance(struct sim *sim, struct team *team, int64_t ms);
/* Realtime clocks: starts the libuv timer that keeps every realtime team ticking. */
void engine_start(struct sim *sim, uv_loop_t *loop);
void engine_stop(void);
/* Ticks run and the wall time spent in each step since start, as a new object (for
 * /_drill/health; diagnostics only). */
cJSON *engine_stats(void);

#endif
