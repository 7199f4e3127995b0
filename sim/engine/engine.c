/*
 * engine.c - the tick and its sub-steps (see engine.h).
 */
#include "engine/engine.h"

#include <stdio.h>

#include "engine/alarms.h"
#include "engine/autoscaling.h"
#include "engine/ecs.h"
#include "engine/logs.h"
#include "engine/rds.h"
#include "engine/rds_proxy.h"
#include "engine/secrets.h"
#include "engine/sns.h"
#include "engine/team.h"
#include "engine/world.h"
#include "scenario/scenario.h"
#include "sim.h"
#include "store/store.h"

/* Sub-steps, in the order they run within a tick. period_s: runs when the tick's second is a
 * multiple of it. */
static const struct engine_step {
    const char *name;
    int period_s;
    int (*run)(struct tick *t);
} steps[] = {
    /* the scenario's timeline: its actions act through the APIs before the world moves */
    {"scenario", 1, scenario_tick},
    /* scheduled scaling actions fire first, so the ECS scheduler sees their desired counts */
    {"autoscaling", 1, autoscaling_tick},
    /* task lifecycles, deployments, the service scheduler */
    {"ecs", 1, ecs_tick},
    /* RDS: clusters and DB instances creating/rebooting/failing-over/stopping/... end */
    {"rds", 1, rds_tick},
    /* RDS Proxy: proxies and endpoints creating/modifying/deleting, target health */
    {"rds_proxy", 1, rds_proxy_tick},
    /* the world model: traffic, pools, the database; metrics at each whole minute, before
     * the alarms read them */
    {"world", 1, world_tick},
    /* CloudWatch alarms, evaluated every minute (their SNS actions are delivered below) */
    {"alarms", 60, alarms_tick},
    /* SNS deliveries (and their retries) that are due */
    {"sns", 1, sns_tick},
    /* CloudWatch Logs retention: events older than their group's retentionInDays go */
    {"logs", 60, logs_tick},
    /* Secrets Manager: secrets whose recovery window ended are deleted */
    {"secrets", 1, secrets_tick},
    {NULL, 0, NULL},
};

/* A realtime team more than this far behind (e.g. the server was stopped) replays only the
 * last this-much of the missed time, so a restart never stalls the loop for long. */
#define MAX_CATCH_UP_MS (10 * 60 * 1000)
#define REALTIME_PERIOD_MS 200

/* Wall time spent in each step and in the commit, for /_drill/health (diagnostics only). */
static uint64_t step_ns[32], commit_ns, ticks_run;

static uv_timer_t realtime_timer;
static int realtime_started;

int engine_tick(struct sim *sim, struct team *team, int64_t now_ms)
{
    struct tick t = {.sim = sim, .team = team, .now_ms = now_ms};
    int rc = 0;
    int64_t second = now_ms / 1000;
    if (store_begin(sim->store) != 0)
        return -1;
    for (const struct engine_step *s = steps; s->name; s++) {
        if (s->period_s > 1 && second % s->period_s != 0)
            continue;
        uint64_t t0 = clock_mono_ns();
        int failed = s->run(&t) != 0;
        step_ns[s - steps] += clock_mono_ns() - t0;
        if (failed) {
            fprintf(stderr, "drillsim: engine step %s failed for team %s\n", s->name,
                    team->account);
            rc = -1;
            break;
        }
    }
    if (rc != 0)
        store_rollback(sim->store);
    team->last_tick_ms = now_ms;
    if (rc != 0 && store_begin(sim->store) != 0)
        return -1;
    uint64_t t0 = clock_mono_ns();
    if (team_save(sim, team) != 0 || store_commit(sim->store) != 0) {
        store_rollback(sim->store);
        return -1;
    }
    commit_ns += clock_mono_ns() - t0;
    ticks_run++;
    return rc;
}

cJSON *engine_stats(void)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "ticks", (double)ticks_run);
    cJSON *ms = cJSON_AddObjectToObject(o, "stepMilliseconds");
    for (const struct engine_step *s = steps; s->name; s++)
        cJSON_AddNumberToObject(ms, s->name, (double)(step_ns[s - steps] / 1000) / 1000.0);
    cJSON_AddNumberToObject(ms, "commit", (double)(commit_ns / 1000) / 1000.0);
    return o;
}

int engine_advance(struct sim *sim, struct team *team, int64_t ms)
{
    if (team->clock.mode != SIMCLOCK_MANUAL || ms < 0)
        return -1;
    int64_t target = team->clock.manual_ms + ms;
    int rc = 0;
    for (int64_t next = (team->last_tick_ms / 1000 + 1) * 1000; next <= target; next += 1000) {
        team->clock.manual_ms = next;
        if (engine_tick(sim, team, next) != 0)
            rc = -1;
    }
    team->clock.manual_ms = target;
    team_save(sim, team);
    return rc;
}

static void on_realtime(uv_timer_t *timer)
{
    struct sim *sim = timer->data;
    for (struct team *t = team_first(sim); t; t = t->next) {
        if (t->clock.mode != SIMCLOCK_REALTIME)
            continue;
        int64_t now = clock_now_ms(&t->clock);
        if (now - t->last_tick_ms > MAX_CATCH_UP_MS)
            t->last_tick_ms = (now - MAX_CATCH_UP_MS) / 1000 * 1000;
        for (int64_t next = (t->last_tick_ms / 1000 + 1) * 1000; next <= now; next += 1000)
            engine_tick(sim, t, next);
    }
}

void engine_start(struct sim *sim, uv_loop_t *loop)
{
    uv_timer_init(loop, &realtime_timer);
    realtime_timer.data = sim;
    uv_timer_start(&realtime_timer, on_realtime, REALTIME_PERIOD_MS, REALTIME_PERIOD_MS);
    realtime_started = 1;
}

void engine_stop(void)
{
    if (!realtime_started)
        return;
    uv_timer_stop(&realtime_timer);
    uv_close((uv_handle_t *)&realtime_timer, NULL);
    realtime_started = 0;
}
