/*
 * snapshot.c - the control API of snapshots (docs/control-api.md, "Snapshots"): save a
 * team's whole world under a name (or every team's at once), list, restore, delete.
 *
 * The rows are copied by sim/store/snapshot.c. Around it, this file keeps the in-memory side
 * right: before a save or a restore the buffered journal entries are written (a snapshot
 * holds every call made before it; a restore removes the calls made since); before a save,
 * the teams' clocks and generators are written to the store (a read request draws ids
 * without saving them); after a restore, in the same transaction as the
 * copy, the restored teams are forgotten (team_forget) so their clock, generators and world
 * model are loaded again from the restored rows, and a realtime clock is set back to the
 * snapshot's sim time (it then runs on from there, as a paused-and-resumed one does).
 *
 * To add an endpoint: a handler here and a row in ctl_snapshot_routes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/control_int.h"
#include "control/journal.h"
#include "engine/team.h"
#include "sim.h"
#include "store/snapshot.h"
#include "store/store.h"
#include "store/team_rows.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

/* Returns 1 when URL argument or body member `all` asks for every team. */
static int arg_all(const struct http_request *req)
{
    const char *a = ctl_arg(req, "all");
    return a && (strcmp(a, "true") == 0 || strcmp(a, "1") == 0);
}

static void add_times(cJSON *o, const char *name, int64_t ms)
{
    char iso[40], key[32];
    timefmt_iso8601((double)ms / 1000.0, iso);
    cJSON_AddStringToObject(o, name, iso);
    snprintf(key, sizeof key, "%sMs", name);
    cJSON_AddNumberToObject(o, key, (double)ms);
}

static cJSON *info_json(const struct store_snap_info *in)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", in->name);
    cJSON_AddStringToObject(o, "team", in->team);
    add_times(o, "created", in->created_ms);
    add_times(o, "sim", in->sim_ms);
    cJSON_AddNumberToObject(o, "rows", (double)in->rows);
    return o;
}

static int add_info(void *ctx, const struct store_snap_info *in)
{
    cJSON_AddItemToArray(ctx, info_json(in));
    return 0;
}

/* GET /_drill/snapshots?team=[&all=true] */
static int ctl_snapshots(struct call *c, const struct http_request *req)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "snapshots");
    if (store_snap_each(c->sim->store, arg_all(req) ? NULL : c->team->account, NULL, add_info,
                        arr) != 0) {
        cJSON_Delete(o);
        return ctl_fail(c, 500, "InternalFailure", "the store could not list the snapshots");
    }
    c->out = o;
    return SIM_OK;
}

/* Reads {"name", "all"?} into *name (a pointer into b) and *all. Returns 0, or -1 after
 * ctl_fail. */
static int read_body(struct call *c, const cJSON *b, const char **name, int *all)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(b, "name");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(b, "all");
    if (!cJSON_IsString(n) || !store_snap_name_ok(n->valuestring)) {
        ctl_fail(c, 400, "BadRequest",
                 "\"name\" is required: 1 to 64 letters, digits, '.', '_' or '-'");
        return -1;
    }
    if (a && !cJSON_IsBool(a)) {
        ctl_fail(c, 400, "BadRequest", "\"all\" must be true or false");
        return -1;
    }
    *name = n->valuestring;
    *all = cJSON_IsTrue(a);
    return 0;
}

/* The teams a call acts on: c->team's account, or with all every team of the store. Returns
 * a new array (caller frees) and sets *n; NULL on a store error. */
static char (*teams_of(struct call *c, int all, int *n))[13]
{
    char(*acc)[13] = xcalloc(TEAM_MAX, 13);
    if (!all) {
        snprintf(acc[0], 13, "%s", c->team->account);
        *n = 1;
        return acc;
    }
    *n = store_team_accounts(c->sim->store, acc, TEAM_MAX);
    if (*n < 0) {
        free(acc);
        return NULL;
    }
    return acc;
}

/* POST /_drill/snapshots {"name", "all"?} */
static int ctl_snapshot_save(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    struct store *st = c->sim->store;
    const char *name;
    int all, n = 0, rc = SIM_ERROR;
    char(*acc)[13] = NULL;
    cJSON *saved = cJSON_CreateArray();
    if (read_body(c, b, &name, &all) != 0)
        goto out;
    uint64_t t0 = clock_mono_ns();
    journal_flush(c->sim);
    acc = teams_of(c, all, &n);
    if (acc == NULL || store_begin(st) != 0) {
        ctl_fail(c, 500, "InternalFailure", "the store could not list the teams");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        struct team *t = team_get(c->sim, acc[i]);
        if (t == NULL || team_save(c->sim, t) != 0) {
            store_rollback(st);
            ctl_fail(c, 503, "ServiceUnavailable", "a team could not be loaded (too many)");
            goto out;
        }
        struct store_snap_info in = {.created_ms = clock_wall_ms(), .sim_ms = team_now_ms(t)};
        snprintf(in.team, sizeof in.team, "%s", t->account);
        snprintf(in.name, sizeof in.name, "%s", name);
        in.rows = store_snap_save(st, t->account, name, in.created_ms, in.sim_ms);
        if (in.rows < 0) {
            store_rollback(st);
            ctl_fail(c, 500, "InternalFailure", "the snapshot could not be saved; see stderr");
            goto out;
        }
        cJSON_AddItemToArray(saved, info_json(&in));
    }
    if (store_commit(st) != 0) {
        ctl_fail(c, 500, "InternalFailure", "the snapshot could not be committed");
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "saved", saved);
    saved = NULL;
    cJSON_AddNumberToObject(c->out, "elapsedMs", (double)((clock_mono_ns() - t0) / 1000000));
    rc = SIM_OK;
out:
    cJSON_Delete(saved);
    free(acc);
    cJSON_Delete(b);
    return rc;
}

struct named {
    char (*acc)[13];
    int n;
};

static int add_team(void *ctx, const struct store_snap_info *in)
{
    struct named *nm = ctx;
    if (nm->n < TEAM_MAX)
        snprintf(nm->acc[nm->n++], 13, "%s", in->team);
    return 0;
}

/* After the restored rows of account are committed: the team is loaded again from them and
 * a running realtime clock resumes at the snapshot's sim time. Returns 0 or -1. */
static int reload(struct call *c, const char *account, int64_t sim_ms)
{
    team_forget(c->sim, account);
    struct team *t = team_get(c->sim, account);
    if (t == NULL)
        return -1;
    if (t->clock.mode == SIMCLOCK_REALTIME && !t->clock.paused) {
        t->clock.offset_ms = clock_wall_ms() - sim_ms;
        if (team_save(c->sim, t) != 0)
            return -1;
    }
    return 0;
}

/* POST /_drill/snapshots/restore {"name", "all"?} */
static int ctl_snapshot_restore(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    struct store *st = c->sim->store;
    char self[13];
    snprintf(self, sizeof self, "%s", c->team->account);
    const char *name;
    int all, rc = SIM_ERROR;
    struct named nm = {xcalloc(TEAM_MAX, 13), 0};
    int64_t *sim_ms = xcalloc(TEAM_MAX, sizeof *sim_ms);
    cJSON *restored = cJSON_CreateArray();
    if (read_body(c, b, &name, &all) != 0)
        goto out;
    if (store_snap_each(st, all ? NULL : self, name, add_team, &nm) != 0) {
        ctl_fail(c, 500, "InternalFailure", "the store could not list the snapshots");
        goto out;
    }
    if (nm.n == 0) {
        char msg[160];
        snprintf(msg, sizeof msg, all ? "no team has a snapshot named %s"
                                      : "this team has no snapshot named %s",
                 name);
        ctl_fail(c, 404, "NotFound", msg);
        goto out;
    }
    uint64_t t0 = clock_mono_ns();
    journal_flush(c->sim);
    if (store_begin(st) != 0) {
        ctl_fail(c, 500, "InternalFailure", "the store could not begin a transaction");
        goto out;
    }
    for (int i = 0; i < nm.n; i++) {
        struct store_snap_info in;
        if (store_snap_restore(st, nm.acc[i], name, &in) != 0) {
            store_rollback(st);
            ctl_fail(c, 500, "InternalFailure", "the snapshot could not be restored; see stderr");
            goto out;
        }
        sim_ms[i] = in.sim_ms;
        cJSON_AddItemToArray(restored, info_json(&in));
    }
    if (store_commit(st) != 0) {
        ctl_fail(c, 500, "InternalFailure", "the restore could not be committed");
        goto out;
    }
    /* the rows are back: every restored team is loaded again from them (c->team included,
     * so it is looked up again below) */
    int failed = 0;
    for (int i = 0; i < nm.n; i++)
        failed |= reload(c, nm.acc[i], sim_ms[i]) != 0;
    c->team = team_get(c->sim, self);
    if (failed || c->team == NULL) {
        ctl_fail(c, 500, "InternalFailure", "a restored team could not be loaded again");
        goto out;
    }
    c->now_ms = team_now_ms(c->team);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "restored", restored);
    restored = NULL;
    cJSON_AddNumberToObject(c->out, "elapsedMs", (double)((clock_mono_ns() - t0) / 1000000));
    rc = SIM_OK;
out:
    cJSON_Delete(restored);
    free(sim_ms);
    free(nm.acc);
    cJSON_Delete(b);
    return rc;
}

/* DELETE /_drill/snapshots?name=[&all=true] */
static int ctl_snapshot_delete(struct call *c, const struct http_request *req)
{
    const char *name = ctl_arg(req, "name");
    if (name == NULL || !store_snap_name_ok(name))
        return ctl_fail(c, 400, "BadRequest",
                        "name= is required: 1 to 64 letters, digits, '.', '_' or '-'");
    struct store *st = c->sim->store;
    struct named nm = {xcalloc(TEAM_MAX, 13), 0};
    int rc = SIM_ERROR, deleted = 0;
    if (store_snap_each(st, arg_all(req) ? NULL : c->team->account, name, add_team, &nm) != 0 ||
        store_begin(st) != 0) {
        ctl_fail(c, 500, "InternalFailure", "the store could not list the snapshots");
        goto out;
    }
    for (int i = 0; i < nm.n; i++) {
        int r = store_snap_delete(st, nm.acc[i], name);
        if (r < 0) {
            store_rollback(st);
            ctl_fail(c, 500, "InternalFailure", "the snapshot could not be deleted");
            goto out;
        }
        deleted += r;
    }
    if (store_commit(st) != 0) {
        ctl_fail(c, 500, "InternalFailure", "the deletion could not be committed");
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddNumberToObject(c->out, "deleted", deleted);
    rc = SIM_OK;
out:
    free(nm.acc);
    return rc;
}

const struct ctl_route ctl_snapshot_routes[] = {
    {"GET", "/_drill/snapshots", ctl_snapshots},
    {"POST", "/_drill/snapshots", ctl_snapshot_save},
    {"POST", "/_drill/snapshots/restore", ctl_snapshot_restore},
    {"DELETE", "/_drill/snapshots", ctl_snapshot_delete},
    {NULL, NULL, NULL},
};
