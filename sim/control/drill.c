/*
 * drill.c - the control API of drills (docs/control-api.md): scenarios (list, start, status,
 * stop), the clock's pause and resume, every team's status, and resets.
 *
 * Starting a scenario gives the team a fresh world: every row of the team is deleted first
 * (a per-team reset; other teams are untouched), its clock is set as asked, then the scenario
 * starts at that clock's present with its pre-roll (sim/scenario/scenario.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/control_int.h"
#include "engine/team.h"
#include "engine/world.h"
#include "scenario/scenario.h"
#include "sim.h"
#include "store/alarms.h"
#include "store/store.h"
#include "store/team_rows.h"
#include "util/timefmt.h"

/* ---- scenarios ------------------------------------------------------------------------- */

static int ctl_scenarios(struct call *c, const struct http_request *req)
{
    (void)req;
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "scenarios", scenario_list());
    return SIM_OK;
}

static cJSON *status_of(struct call *c)
{
    cJSON *st = scenario_status(c->sim, c->team);
    if (st == NULL)
        return NULL;
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(st, "startMs");
    if (cJSON_IsNumber(start)) {
        char iso[40];
        timefmt_iso8601(start->valuedouble / 1000.0, iso);
        cJSON_AddStringToObject(st, "start", iso);
    }
    cJSON_AddItemToObject(st, "clock", ctl_clock_json(c->team));
    return st;
}

static int ctl_scenario(struct call *c, const struct http_request *req)
{
    (void)req;
    c->out = status_of(c);
    if (c->out == NULL)
        return ctl_fail(c, 404, "NotFound", "this team runs no scenario");
    return SIM_OK;
}

/* Deletes every row of the team and forgets it; c->team is the fresh team afterwards.
 * Returns 0 or -1. */
static int reset_team(struct call *c)
{
    char account[13];
    snprintf(account, sizeof account, "%s", c->team->account);
    struct store *st = c->sim->store;
    if (store_begin(st) != 0)
        return -1;
    if (store_team_delete(st, account) != 0 || store_commit(st) != 0) {
        store_rollback(st);
        return -1;
    }
    team_forget(c->sim, account);
    c->team = team_get(c->sim, account);
    if (c->team == NULL)
        return -1;
    c->now_ms = team_now_ms(c->team);
    return 0;
}

static const char *str_member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* POST /_drill/scenarios/start {"name", "seed"?, "clock"?, "env"?, "preroll"?, "region"?} */
static int ctl_scenario_start(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    char msg[1200];
    int rc = SIM_ERROR;
    cJSON *doc = NULL;
    const char *name = str_member(b, "name");
    const char *clock = str_member(b, "clock");
    const char *pre = str_member(b, "preroll");
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(b, "seed");
    enum clock_mode mode = c->team->clock.mode;
    int64_t start_ms = 0, preroll = -1;
    if (name == NULL) {
        ctl_fail(c, 400, "BadRequest", "\"name\" (a scenario) is required");
        goto out;
    }
    if (clock && clock_parse(clock, &mode, &start_ms) != 0) {
        ctl_fail(c, 400, "BadRequest",
                 "clock must be \"realtime\", \"manual\" or \"manual@2026-01-01T00:00:00Z\"");
        goto out;
    }
    if (pre && (scenario_duration(pre, &preroll) != 0 || preroll < 0 ||
                preroll > 24LL * 3600000)) {
        ctl_fail(c, 400, "BadRequest", "preroll must be a duration from \"0s\" to \"24h\"");
        goto out;
    }
    if (seed && (!cJSON_IsNumber(seed) || seed->valuedouble < 0 ||
                 seed->valuedouble > 9007199254740991.0)) {
        ctl_fail(c, 400, "BadRequest", "seed must be a whole number from 0 to 2^53-1");
        goto out;
    }
    doc = scenario_load(name, msg, sizeof msg);
    if (doc == NULL) {
        ctl_fail(c, strstr(msg, "No such file") ? 404 : 400,
                 strstr(msg, "No such file") ? "NotFound" : "InvalidScenario", msg);
        goto out;
    }
    if (scenario_running(c->sim, c->team)) {
        ctl_fail(c, 409, "ScenarioRunning",
                 "this team already runs a scenario: stop it first (POST /_drill/scenario/stop)");
        goto out;
    }
    if (reset_team(c) != 0) {
        ctl_fail(c, 500, "InternalFailure", "the team's previous world could not be removed");
        goto out;
    }
    if (clock) {
        clock_init(&c->team->clock, mode, start_ms);
        c->team->last_tick_ms = team_now_ms(c->team) / 1000 * 1000;
    }
    struct scenario_start opt = {str_member(b, "env"), str_member(b, "region"), preroll,
                                 seed ? (int64_t)seed->valuedouble : -1};
    if (scenario_start(c->sim, c->team, doc, &opt, msg, sizeof msg) != 0) {
        /* nothing half-loaded stays behind */
        reset_team(c);
        ctl_fail(c, 400, "ScenarioFailed", msg);
        goto out;
    }
    c->now_ms = team_now_ms(c->team);
    c->out = status_of(c);
    rc = SIM_OK;
out:
    cJSON_Delete(doc);
    cJSON_Delete(b);
    return rc;
}

static int ctl_scenario_stop(struct call *c, const struct http_request *req)
{
    (void)req;
    int rc = scenario_stop(c->sim, c->team);
    if (rc > 0)
        return ctl_fail(c, 404, "NotFound", "this team runs no scenario");
    if (rc < 0)
        return ctl_fail(c, 500, "InternalFailure", "the scenario could not be stopped");
    c->out = status_of(c);
    cJSON_AddBoolToObject(c->out, "stopped", 1);
    return SIM_OK;
}

/* ---- the clock ------------------------------------------------------------------------- */

static int ctl_clock_pause(struct call *c, const struct http_request *req)
{
    (void)req;
    if (!c->team->clock.paused && clock_pause(&c->team->clock) != 0)
        return ctl_fail(c, 409, "ClockNotRealtime",
                        "only a realtime clock pauses; a manual clock moves only when advanced");
    team_save(c->sim, c->team);
    c->out = ctl_clock_json(c->team);
    return SIM_OK;
}

static int ctl_clock_resume(struct call *c, const struct http_request *req)
{
    (void)req;
    if (c->team->clock.paused) {
        clock_resume(&c->team->clock);
        /* the ticks missed while paused are not owed: time resumes where it stopped */
        c->team->last_tick_ms = team_now_ms(c->team) / 1000 * 1000;
    } else if (c->team->clock.mode != SIMCLOCK_REALTIME) {
        return ctl_fail(c, 409, "ClockNotPaused", "this team's clock is manual, not paused");
    }
    team_save(c->sim, c->team);
    c->out = ctl_clock_json(c->team);
    return SIM_OK;
}

/* ---- teams and resets ------------------------------------------------------------------ */

static int add_alarm(void *ctx, const struct alarm_row *r)
{
    /* the app's alarms, not the target-tracking ones Application Auto Scaling owns */
    if (strncmp(r->name, "TargetTracking-", 15) != 0)
        cJSON_AddStringToObject(ctx, r->name, r->state);
    return 0;
}

/* One team's status line (docs/control-api.md, TEAMSTATUS). */
static cJSON *team_status(struct call *c, struct team *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "team", t->account);
    cJSON_AddItemToObject(o, "clock", ctl_clock_json(t));
    cJSON *sc = scenario_status(c->sim, t);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(sc, "name");
    if (cJSON_IsString(name))
        cJSON_AddStringToObject(o, "scenario", name->valuestring);
    else
        cJSON_AddNullToObject(o, "scenario");
    cJSON_AddBoolToObject(o, "running", scenario_running(c->sim, t));
    cJSON_Delete(sc);
    cJSON *w = world_status(c->sim, t);
    if (w) {
        const cJSON *db = cJSON_GetObjectItemCaseSensitive(w, "database");
        cJSON_AddStringToObject(o, "env",
                                cJSON_GetObjectItemCaseSensitive(w, "env")->valuestring);
        cJSON_AddItemToObject(
            o, "connections",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(db, "connections"), 1));
        cJSON_AddItemToObject(
            o, "maxConnections",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(db, "maxConnections"), 1));
        cJSON_AddNumberToObject(o, "tasks",
                                cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(w, "tasks")));
        cJSON_AddItemToObject(o, "requestsLastMinute",
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(w,
                                                  "requestsLastMinute"), 1));
        cJSON_AddItemToObject(o, "fiveXxLastMinute",
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(w,
                                                  "fiveXxLastMinute"), 1));
        struct alarm_scope as = {c->sim->store, t->account,
                                 cJSON_GetObjectItemCaseSensitive(w, "region")->valuestring};
        store_alarm_each(&as, NULL, NULL, add_alarm, cJSON_AddObjectToObject(o, "alarms"));
        cJSON_Delete(w);
    }
    return o;
}

static int ctl_teams(struct call *c, const struct http_request *req)
{
    (void)req;
    c->out = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(c->out, "teams");
    /* by account, for a stable listing */
    struct team *sorted[TEAM_MAX];
    int n = 0;
    for (struct team *t = team_first(c->sim); t && n < TEAM_MAX; t = t->next)
        sorted[n++] = t;
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0 && strcmp(sorted[j - 1]->account, sorted[j]->account) > 0; j--) {
            struct team *x = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = x;
        }
    }
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, team_status(c, sorted[i]));
    return SIM_OK;
}

/* POST /_drill/reset: the team's rows; {"all": true}: the whole store. */
static int ctl_reset(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    int all = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "all"));
    cJSON_Delete(b);
    char account[13];
    snprintf(account, sizeof account, "%s", c->team->account);
    if (all) {
        if (store_reset(c->sim->store) != 0)
            return ctl_fail(c, 500, "InternalFailure", "the store could not be reset");
        /* every team starts over from the server's defaults */
        team_forget_all(c->sim);
        c->team = NULL;
    } else if (reset_team(c) != 0) {
        return ctl_fail(c, 500, "InternalFailure", "the team could not be reset");
    }
    c->out = cJSON_CreateObject();
    cJSON_AddBoolToObject(c->out, "reset", 1);
    if (all)
        cJSON_AddBoolToObject(c->out, "all", 1);
    else
        cJSON_AddStringToObject(c->out, "team", account);
    return SIM_OK;
}

const struct ctl_route ctl_drill_routes[] = {
    {"GET", "/_drill/scenarios", ctl_scenarios},
    {"POST", "/_drill/scenarios/start", ctl_scenario_start},
    {"GET", "/_drill/scenario", ctl_scenario},
    {"POST", "/_drill/scenario/stop", ctl_scenario_stop},
    {"POST", "/_drill/clock/pause", ctl_clock_pause},
    {"POST", "/_drill/clock/resume", ctl_clock_resume},
    {"GET", "/_drill/teams", ctl_teams},
    {"POST", "/_drill/reset", ctl_reset},
    {NULL, NULL, NULL},
};
