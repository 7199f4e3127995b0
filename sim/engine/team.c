/*
 * team.c - teams: per-account clock, generators and settings, kept in the store (see team.h).
 *
 * Store table `teams` (migration 2): one row per account with the clock mode, the manual
 * clock's instant, the time of the last engine tick, the seed, both generators' states and
 * the lifecycle timing. The row is written when the team is created, at the end of every
 * engine tick, and inside every write request's transaction.
 */
#include "engine/team.h"
#include "engine/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "store/store.h"
#include "util/xmalloc.h"

static const struct {
    const char *name;
    struct team_timing t;
} presets[] = {
    /* Durations seen on Fargate: ENI attachment, image pull, load-balancer registration;
     * on stop, deregistration, the container's stop timeout (30 s), ENI release. */
    {"aws", {15, 25, 5, 10, 30, 15, 3600}},
    {"fast", {1, 1, 1, 1, 1, 1, 600}},
};

int team_timing_preset(const char *name, struct team_timing *out)
{
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        if (strcmp(presets[i].name, name) == 0) {
            *out = presets[i].t;
            return 0;
        }
    }
    return -1;
}

static void timing_to_text(const struct team_timing *t, char *out, size_t n)
{
    snprintf(out, n, "%d %d %d %d %d %d %d", t->provisioning_s, t->pending_s, t->activating_s,
             t->deactivating_s, t->stopping_s, t->deprovisioning_s, t->stopped_keep_s);
}

static int timing_from_text(const char *s, struct team_timing *t)
{
    return sscanf(s, "%d %d %d %d %d %d %d", &t->provisioning_s, &t->pending_s,
                  &t->activating_s, &t->deactivating_s, &t->stopping_s, &t->deprovisioning_s,
                  &t->stopped_keep_s) == 7
               ? 0
               : -1;
}

static int load(struct sim *sim, struct team *t)
{
    sqlite3_stmt *st = store_stmt(sim->store,
                                  "SELECT clock_mode, now_ms, last_tick_ms, seed, ids, world, timing "
                                  "FROM teams WHERE account = ?1");
    sqlite3_bind_text(st, 1, t->account, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    /* now_ms: a manual (or paused) clock's instant; a realtime clock's offset from the
     * wall clock (0 unless it was paused once) */
    const char *mode = (const char *)sqlite3_column_text(st, 0);
    int manual = strcmp(mode, "manual") == 0 || strcmp(mode, "paused") == 0;
    clock_init(&t->clock, manual ? SIMCLOCK_MANUAL : SIMCLOCK_REALTIME,
               manual ? sqlite3_column_int64(st, 1) : 0);
    t->clock.paused = strcmp(mode, "paused") == 0;
    if (!manual)
        t->clock.offset_ms = sqlite3_column_int64(st, 1);
    t->last_tick_ms = sqlite3_column_int64(st, 2);
    t->seed = (uint64_t)sqlite3_column_int64(st, 3);
    if (sqlite3_column_bytes(st, 4) != sizeof t->ids.s ||
        sqlite3_column_bytes(st, 5) != sizeof t->world.s ||
        timing_from_text((const char *)sqlite3_column_text(st, 6), &t->timing) != 0) {
        sqlite3_reset(st);
        return -1;
    }
    memcpy(t->ids.s, sqlite3_column_blob(st, 4), sizeof t->ids.s);
    memcpy(t->world.s, sqlite3_column_blob(st, 5), sizeof t->world.s);
    sqlite3_reset(st);
    return 0;
}

int team_save(struct sim *sim, struct team *t)
{
    char timing[128];
    timing_to_text(&t->timing, timing, sizeof timing);
    sqlite3_stmt *st = store_stmt(
        sim->store, "INSERT OR REPLACE INTO teams (account, clock_mode, now_ms, last_tick_ms, "
                    "seed, ids, world, timing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    sqlite3_bind_text(st, 1, t->account, -1, SQLITE_STATIC);
    const char *mode = t->clock.paused                        ? "paused"
                       : t->clock.mode == SIMCLOCK_MANUAL ? "manual"
                                                          : "realtime";
    sqlite3_bind_text(st, 2, mode, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3,
                       t->clock.mode == SIMCLOCK_MANUAL ? t->clock.manual_ms : t->clock.offset_ms);
    sqlite3_bind_int64(st, 4, t->last_tick_ms);
    sqlite3_bind_int64(st, 5, (int64_t)t->seed);
    sqlite3_bind_blob(st, 6, t->ids.s, sizeof t->ids.s, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, t->world.s, sizeof t->world.s, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, timing, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    if (rc == 0)
        t->dirty = 0;
    return rc;
}

struct team *team_first(struct sim *sim)
{
    return sim->teams;
}

struct team *team_get(struct sim *sim, const char *account)
{
    int n = 0;
    for (struct team *t = sim->teams; t; t = t->next, n++) {
        if (strcmp(t->account, account) == 0)
            return t;
    }
    if (n >= TEAM_MAX)
        return NULL;
    struct team *t = xcalloc(1, sizeof *t);
    snprintf(t->account, sizeof t->account, "%s", account);
    if (load(sim, t) != 0) {
        clock_init(&t->clock, sim->opt.clock_mode, sim->opt.clock_start_ms);
        t->seed = sim->opt.seed;
        rng_seed(&t->ids, t->seed);
        rng_seed(&t->world, t->seed ^ 0x5eedf00dd1115eedULL);
        t->timing = sim->opt.timing;
        /* the first tick is the next whole second */
        t->last_tick_ms = clock_now_ms(&t->clock) / 1000 * 1000;
        team_save(sim, t);
    }
    t->next = sim->teams;
    sim->teams = t;
    return t;
}

void team_forget(struct sim *sim, const char *account)
{
    for (struct team **p = &sim->teams; *p; p = &(*p)->next) {
        if (strcmp((*p)->account, account) == 0) {
            struct team *t = *p;
            *p = t->next;
            world_free(t);
            free(t);
            return;
        }
    }
}

void team_forget_all(struct sim *sim)
{
    struct team *t = sim->teams;
    while (t) {
        struct team *next = t->next;
        world_free(t);
        free(t);
        t = next;
    }
    sim->teams = NULL;
}
