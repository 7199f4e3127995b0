/*
 * setup.c - bringing a world up: the fixture applied in the past, settled, and the model run
 * up to now (see setup.h).
 */
#include "scenario/setup.h"

#include <stdio.h>
#include <string.h>

#include "engine/ecs.h"
#include "engine/engine.h"
#include "engine/golden.h"
#include "engine/team.h"
#include "engine/world.h"
#include "scenario/fixture.h"
#include "sim.h"
#include "store/rds.h"

/* How long the fixture may take to settle (AWS timing: the DB instances take 5 minutes). */
#define SETTLE_MAX_MS (30 * 60 * 1000)
#define SETTLE_STEP_MS (10 * 1000)

/* Returns 1 when the environment's cluster is available with a writer and its service runs
 * its desired count. */
static int settled(struct sim *sim, struct team *team, const struct world_config *cfg)
{
    char name[96], cluster[96], service[96];
    golden_name(GOLDEN_DB_CLUSTER, cfg->env, name, sizeof name);
    golden_name(GOLDEN_ECS_CLUSTER, cfg->env, cluster, sizeof cluster);
    golden_name(GOLDEN_ECS_SERVICE, cfg->env, service, sizeof service);
    struct rds_cluster_info ci;
    memset(&ci, 0, sizeof ci);
    if (rds_cluster_info(sim->store, team->account, cfg->region, name, &ci) != 0 ||
        !ci.writer_available || strcmp(ci.status, "available") != 0)
        return 0;
    int desired = 0, running = 0;
    if (ecs_get_counts(sim, team, cfg->region, cluster, service, &desired, &running) != 0)
        return 0;
    return running >= desired && desired > 0;
}

int setup_world(struct sim *sim, struct team *team, const char *fixture,
                const struct world_config *cfg, int64_t preroll_ms, char *err, size_t errlen)
{
    if (preroll_ms < 0 || preroll_ms > 24LL * 3600 * 1000) {
        snprintf(err, errlen, "the pre-roll must be between 0 and 24 hours");
        return -1;
    }
    struct simclock saved = team->clock;
    int64_t now = team_now_ms(team) / 1000 * 1000;
    int64_t base = now - preroll_ms - SETTLE_MAX_MS;
    /* the past is simulated on a manual clock, then the team's own clock takes over */
    team->clock.mode = SIMCLOCK_MANUAL;
    team->clock.manual_ms = base;
    team->last_tick_ms = base;
    int rc = fixture_apply(sim, team, fixture, cfg->env, cfg->region, err, errlen);
    for (int64_t t = base; rc == 0 && t < now - preroll_ms; t += SETTLE_STEP_MS) {
        if (settled(sim, team, cfg))
            break;
        engine_advance(sim, team, SETTLE_STEP_MS);
    }
    if (rc == 0 && !settled(sim, team, cfg)) {
        snprintf(err, errlen,
                 "fixture %s did not settle within %d minutes of sim time (the cluster is not "
                 "available or the service does not run its tasks)",
                 fixture, SETTLE_MAX_MS / 60000);
        rc = -1;
    }
    if (rc == 0 && world_start(sim, team, cfg, team_now_ms(team)) != 0) {
        snprintf(err, errlen, "the world could not be stored");
        rc = -1;
    }
    if (rc == 0)
        engine_advance(sim, team, now - team_now_ms(team));
    if (saved.mode == SIMCLOCK_REALTIME) {
        team->clock = saved;
        team->last_tick_ms = now;
    }
    team_save(sim, team);
    return rc;
}
