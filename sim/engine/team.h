/*
 * team.h - a team's world: its clock, its two generators and its settings.
 *
 * A team is an account. Every account that sends a request (or is named by ?team= on the
 * control API) gets its own clock and generators, created on first use from the server's
 * defaults (--clock, --seed) and kept in the store's `teams` table, so a restart on the same
 * --data resumes each team where it was. Teams never share state: several CI jobs, or a class
 * of trainees, can drill on one server.
 *
 * Two generators per team: `ids` draws request, task and deployment ids; `world` draws what
 * the world does. A read or a client retry therefore never changes the world's course, and a
 * manual-clock run is a pure function of (seed, requests).
 */
#ifndef DRILLSIM_TEAM_H
#define DRILLSIM_TEAM_H

#include <stdint.h>

#include "engine/clock.h"
#include "util/rand.h"

struct sim;
struct world;

/* Lifecycle durations of ECS tasks and deployments, in seconds of sim time. */
struct team_timing {
    int provisioning_s;   /* PROVISIONING -> PENDING */
    int pending_s;        /* PENDING -> ACTIVATING */
    int activating_s;     /* ACTIVATING -> RUNNING */
    int deactivating_s;   /* DEACTIVATING -> STOPPING */
    int stopping_s;       /* STOPPING -> DEPROVISIONING */
    int deprovisioning_s; /* DEPROVISIONING -> STOPPED */
    int stopped_keep_s;   /* a STOPPED task stays describable this long */
};

struct team {
    char account[13];
    struct simclock clock;
    uint64_t seed;
    struct rng ids;
    struct rng world;
    int64_t last_tick_ms; /* sim time of the last engine tick */
    struct team_timing timing;
    int dirty; /* state changed since it was last saved */
    struct world *model; /* the world model (engine/world.h), loaded on first use */
    int model_loaded;
    struct team *next;
};

/* The timing presets: "aws" (durations like AWS's, the default) and "fast" (a few seconds,
 * for compressed drills and tests). Returns 0 and fills *out, or -1 for an unknown name. */
int team_timing_preset(const char *name, struct team_timing *out);

/* A server serves at most this many teams (each ticks every second). */
#define TEAM_MAX 1000

/* Returns the team for account, loading it from the store or creating it from the server's
 * defaults; NULL when TEAM_MAX teams are already loaded. */
struct team *team_get(struct sim *sim, const char *account);
/* Returns the first team (then follow ->next): every team known to this server run. */
struct team *team_first(struct sim *sim);
/* Writes the team's clock, generators and settings to the store (inside the caller's
 * transaction if one is open). Returns 0 or -1. */
int team_save(struct sim *sim, struct team *t);
/* Forgets one loaded team (after its rows were deleted); it is recreated on next use. */
void team_forget(struct sim *sim, const char *account);
/* Forgets every loaded team (after a store reset); they are recreated on next use. */
void team_forget_all(struct sim *sim);

/* Sim time of the team now, in epoch milliseconds. */
static inline int64_t team_now_ms(const struct team *t)
{
    return clock_now_ms(&t->clock);
}

#endif
