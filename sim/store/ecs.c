/*
 * ecs.c - the rows behind ECS (see ecs.h for the tables and conventions).
 *
 * Every scoped statement binds ?1 = account and ?2 = region first, so no query can leave its
 * tenant; the two "due" queries of the engine tick bind the account only (a team is an account
 * and ticks all its regions) and use the partial indexes on next_ms / sched_ms. Every list
 * has an ORDER BY that is a total order. To add a query: write it here with the (account,
 * region) binding first, declare it in ecs.h, and keep AWS rules out of it.
 */
#include "store/ecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/tags.h"
#include "util/xmalloc.h"

void store_ecs_taskdef_clear(struct ecs_taskdef *d)
{
    free(d->body);
    memset(d, 0, sizeof *d);
}

void store_ecs_service_clear(struct ecs_service *s)
{
    free(s->network);
    free(s->config);
    memset(s, 0, sizeof *s);
}

void store_ecs_deployment_clear(struct ecs_deployment *d)
{
    free(d->network);
    memset(d, 0, sizeof *d);
}

void store_ecs_task_clear(struct ecs_task *t)
{
    free(t->containers);
    free(t->overrides);
    free(t->stopped_reason);
    memset(t, 0, sizeof *t);
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* Returns the cached statement for sql with ?1 = account and ?2 = region bound. */
static sqlite3_stmt *scoped(const struct ecs_scope *sc, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sc->st, sql);
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->region, -1, SQLITE_STATIC);
    return st;
}

/* Binds s, or SQL NULL when s is NULL or empty. */
static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s && s[0])
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Binds an optional instant: -1 is SQL NULL. */
static void bind_opt_ms(sqlite3_stmt *st, int i, int64_t ms)
{
    if (ms < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, ms);
}

/* Steps a statement that returns no rows. Returns 0 or -1. */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Copies text column i into a fixed buffer ("" for NULL); values were bounded when stored. */
static void col_copy(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    snprintf(out, n, "%s", s ? (const char *)s : "");
}

/* Returns integer column i, or -1 for SQL NULL. */
static int64_t col_ms(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

/* Steps st (already bound), calling fn with text column 0 of each row. Returns 0 or -1. */
static int each_name(sqlite3_stmt *st, store_ecs_name_fn fn, void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int r = fn(ctx, (const char *)sqlite3_column_text(st, 0));
        if (r != 0) {
            sqlite3_reset(st);
            return r < 0 ? -1 : 0;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- clusters --------------------------------------------------------------------------- */

int store_ecs_cluster_get(const struct ecs_scope *sc, const char *name, struct ecs_cluster *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT name, status, settings, created_ms FROM ecs_clusters "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        col_copy(st, 0, out->name, sizeof out->name);
        col_copy(st, 1, out->status, sizeof out->status);
        col_copy(st, 2, out->settings, sizeof out->settings);
        out->created_ms = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_ecs_cluster_put(const struct ecs_scope *sc, const struct ecs_cluster *c)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO ecs_clusters (account, region, name, "
                                  "status, settings, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    sqlite3_bind_text(st, 3, c->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->settings, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->created_ms);
    return run(st);
}

int store_ecs_cluster_each(const struct ecs_scope *sc, const char *after, int limit,
                           store_ecs_name_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT name FROM ecs_clusters WHERE account = ?1 AND "
                                  "region = ?2 AND status = 'ACTIVE' AND name > ?3 "
                                  "ORDER BY name LIMIT ?4");
    sqlite3_bind_text(st, 3, after ? after : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, limit);
    return each_name(st, fn, ctx);
}

int store_ecs_cluster_counts(const struct ecs_scope *sc, const char *cluster,
                             const char *launch_type, int *services, int *draining,
                             int *running, int *pending)
{
    sqlite3_stmt *st =
        scoped(sc, "SELECT count(*) FILTER (WHERE status = 'ACTIVE'), "
                   "count(*) FILTER (WHERE status = 'DRAINING') FROM ecs_services "
                   "WHERE account = ?1 AND region = ?2 AND cluster = ?3 AND "
                   "(?4 IS NULL OR launch_type = ?4)");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    bind_opt_text(st, 4, launch_type);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    *services = sqlite3_column_int(st, 0);
    *draining = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    st = scoped(sc, "SELECT count(*) FILTER (WHERE last_status = 'RUNNING'), "
                    "count(*) FILTER (WHERE last_status IN "
                    "('PROVISIONING', 'PENDING', 'ACTIVATING')) FROM ecs_tasks "
                    "WHERE account = ?1 AND region = ?2 AND cluster = ?3 AND "
                    "desired_status = 'RUNNING' AND (?4 IS NULL OR launch_type = ?4)");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    bind_opt_text(st, 4, launch_type);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    *running = sqlite3_column_int(st, 0);
    *pending = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    return 0;
}

int store_ecs_cluster_live_tasks(const struct ecs_scope *sc, const char *cluster, int *n)
{
    sqlite3_stmt *st = scoped(sc, "SELECT count(*) FROM ecs_tasks WHERE account = ?1 AND "
                                  "region = ?2 AND cluster = ?3 AND last_status <> 'STOPPED'");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* ---- task definitions ------------------------------------------------------------------- */

int store_ecs_taskdef_last_revision(const struct ecs_scope *sc, const char *family,
                                    int64_t *rev)
{
    sqlite3_stmt *st = scoped(sc, "SELECT coalesce(max(revision), 0) FROM ecs_task_defs "
                                  "WHERE account = ?1 AND region = ?2 AND family = ?3");
    sqlite3_bind_text(st, 3, family, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *rev = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_ecs_taskdef_get(const struct ecs_scope *sc, const char *family, int64_t revision,
                          struct ecs_taskdef *out)
{
    sqlite3_stmt *st;
    if (revision > 0) {
        st = scoped(sc, "SELECT family, revision, status, body, registered_ms, "
                        "deregistered_ms FROM ecs_task_defs WHERE account = ?1 AND "
                        "region = ?2 AND family = ?3 AND revision = ?4");
        sqlite3_bind_int64(st, 4, revision);
    } else {
        st = scoped(sc, "SELECT family, revision, status, body, registered_ms, "
                        "deregistered_ms FROM ecs_task_defs WHERE account = ?1 AND "
                        "region = ?2 AND family = ?3 AND status = 'ACTIVE' "
                        "ORDER BY revision DESC LIMIT 1");
    }
    sqlite3_bind_text(st, 3, family, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        col_copy(st, 0, out->family, sizeof out->family);
        out->revision = sqlite3_column_int64(st, 1);
        col_copy(st, 2, out->status, sizeof out->status);
        out->body = store_col_dup(st, 3);
        out->registered_ms = sqlite3_column_int64(st, 4);
        out->deregistered_ms = col_ms(st, 5);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_ecs_taskdef_insert(const struct ecs_scope *sc, const struct ecs_taskdef *d)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO ecs_task_defs (account, region, family, "
                                  "revision, status, body, registered_ms, deregistered_ms) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    sqlite3_bind_text(st, 3, d->family, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, d->revision);
    sqlite3_bind_text(st, 5, d->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, d->body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, d->registered_ms);
    bind_opt_ms(st, 8, d->deregistered_ms);
    return run(st);
}

int store_ecs_taskdef_set_status(const struct ecs_scope *sc, const char *family,
                                 int64_t revision, const char *status, int64_t when_ms)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE ecs_task_defs SET status = ?5, deregistered_ms = ?6 "
                                  "WHERE account = ?1 AND region = ?2 AND family = ?3 AND "
                                  "revision = ?4");
    sqlite3_bind_text(st, 3, family, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, revision);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    bind_opt_ms(st, 6, when_ms);
    return run(st);
}

int store_ecs_taskdef_each(const struct ecs_scope *sc, const char *family, const char *status,
                           int desc, const char *after_family, int64_t after_rev, int limit,
                           store_ecs_taskdef_fn fn, void *ctx)
{
    /* (family, revision) keyset pagination */
    sqlite3_stmt *st;
    if (desc)
        st = scoped(sc, "SELECT family, revision FROM ecs_task_defs WHERE account = ?1 AND "
                        "region = ?2 AND status = ?3 AND "
                        "(?4 IS NULL OR family = ?4) AND "
                        "(?5 IS NULL OR family < ?5 OR (family = ?5 AND revision < ?6)) "
                        "ORDER BY family DESC, revision DESC LIMIT ?7");
    else
        st = scoped(sc, "SELECT family, revision FROM ecs_task_defs WHERE account = ?1 AND "
                        "region = ?2 AND status = ?3 AND "
                        "(?4 IS NULL OR family = ?4) AND "
                        "(?5 IS NULL OR family > ?5 OR (family = ?5 AND revision > ?6)) "
                        "ORDER BY family, revision LIMIT ?7");
    sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
    bind_opt_text(st, 4, family);
    bind_opt_text(st, 5, after_family);
    sqlite3_bind_int64(st, 6, after_rev);
    sqlite3_bind_int(st, 7, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int r = fn(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
        if (r != 0) {
            sqlite3_reset(st);
            return r < 0 ? -1 : 0;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_ecs_family_each(const struct ecs_scope *sc, const char *prefix, const char *status,
                          const char *after, int limit, store_ecs_name_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(
        sc, "SELECT family FROM ecs_task_defs WHERE account = ?1 AND region = ?2 AND "
            "(?3 IS NULL OR substr(family, 1, length(?3)) = ?3) AND family > ?4 "
            "GROUP BY family HAVING ?5 = 'ALL' OR "
            "(?5 = 'ACTIVE' AND max(status = 'ACTIVE') = 1) OR "
            "(?5 = 'INACTIVE' AND max(status = 'ACTIVE') = 0) "
            "ORDER BY family LIMIT ?6");
    bind_opt_text(st, 3, prefix);
    sqlite3_bind_text(st, 4, after ? after : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, limit);
    return each_name(st, fn, ctx);
}

/* ---- services --------------------------------------------------------------------------- */

#define SERVICE_COLUMNS                                                                        \
    "cluster, name, status, desired, launch_type, task_def, min_healthy, max_percent, "        \
    "network, config, created_ms, steady, steady_ms, place_event_ms, event_seq, sched_ms"

int store_ecs_service_get(const struct ecs_scope *sc, const char *cluster, const char *name,
                          struct ecs_service *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " SERVICE_COLUMNS " FROM ecs_services WHERE "
                                  "account = ?1 AND region = ?2 AND cluster = ?3 AND name = ?4");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        col_copy(st, 0, out->cluster, sizeof out->cluster);
        col_copy(st, 1, out->name, sizeof out->name);
        col_copy(st, 2, out->status, sizeof out->status);
        out->desired = sqlite3_column_int(st, 3);
        col_copy(st, 4, out->launch_type, sizeof out->launch_type);
        col_copy(st, 5, out->task_def, sizeof out->task_def);
        out->min_healthy = sqlite3_column_int(st, 6);
        out->max_percent = sqlite3_column_int(st, 7);
        out->network = store_col_dup(st, 8);
        out->config = store_col_dup(st, 9);
        out->created_ms = sqlite3_column_int64(st, 10);
        out->steady = sqlite3_column_int(st, 11);
        out->steady_ms = sqlite3_column_int64(st, 12);
        out->place_event_ms = sqlite3_column_int64(st, 13);
        out->event_seq = sqlite3_column_int64(st, 14);
        out->sched_ms = col_ms(st, 15);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_ecs_service_put(const struct ecs_scope *sc, const struct ecs_service *s)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO ecs_services (account, region, "
                                  SERVICE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                  "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
    sqlite3_bind_text(st, 3, s->cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->status, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, s->desired);
    sqlite3_bind_text(st, 7, s->launch_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, s->task_def, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, s->min_healthy);
    sqlite3_bind_int(st, 10, s->max_percent);
    bind_opt_text(st, 11, s->network);
    sqlite3_bind_text(st, 12, s->config ? s->config : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, s->created_ms);
    sqlite3_bind_int(st, 14, s->steady);
    sqlite3_bind_int64(st, 15, s->steady_ms);
    sqlite3_bind_int64(st, 16, s->place_event_ms);
    sqlite3_bind_int64(st, 17, s->event_seq);
    bind_opt_ms(st, 18, s->sched_ms);
    return run(st);
}

int store_ecs_service_wake(const struct ecs_scope *sc, const char *cluster, const char *name,
                           int64_t when)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE ecs_services SET sched_ms = ?5 WHERE account = ?1 "
                                  "AND region = ?2 AND cluster = ?3 AND name = ?4 AND "
                                  "(sched_ms IS NULL OR sched_ms > ?5)");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, when);
    return run(st);
}

int store_ecs_service_each(const struct ecs_scope *sc, const char *cluster,
                           const char *launch_type, const char *after, int limit,
                           store_ecs_name_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT name FROM ecs_services WHERE account = ?1 AND "
                                  "region = ?2 AND cluster = ?3 AND status <> 'INACTIVE' AND "
                                  "(?4 IS NULL OR launch_type = ?4) AND name > ?5 "
                                  "ORDER BY name LIMIT ?6");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    bind_opt_text(st, 4, launch_type);
    sqlite3_bind_text(st, 5, after ? after : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, limit);
    return each_name(st, fn, ctx);
}

int store_ecs_service_purge(const struct ecs_scope *sc, const char *cluster, const char *name)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM ecs_deployments WHERE account = ?1 AND "
                                  "region = ?2 AND cluster = ?3 AND service = ?4");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    if (run(st) != 0)
        return -1;
    st = scoped(sc, "DELETE FROM ecs_events WHERE account = ?1 AND region = ?2 AND "
                    "cluster = ?3 AND service = ?4");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    return run(st);
}

int store_ecs_service_due(struct store *store, const char *account, int64_t now_ms, int limit,
                          store_ecs_due_service_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_stmt(store, "SELECT region, cluster, name FROM ecs_services "
                                         "WHERE account = ?1 AND sched_ms IS NOT NULL AND "
                                         "sched_ms <= ?2 ORDER BY sched_ms, region, cluster, "
                                         "name LIMIT ?3");
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, limit);
    /* Collect first: the callback rewrites the rows this statement walks. */
    int n = 0, cap = 0, rc = SQLITE_DONE;
    char(*rows)[3][ECS_NAME_MAX] = NULL; /* allocated once a row is due: idle ticks are cheap */
    while (n < limit) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            rows = xrealloc(rows, (size_t)cap * sizeof *rows);
        }
        for (int i = 0; i < 3; i++)
            col_copy(st, i, rows[n][i], ECS_NAME_MAX);
        n++;
    }
    sqlite3_reset(st);
    int out = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : -1;
    for (int i = 0; i < n && out == 0; i++) {
        if (fn(ctx, rows[i][0], rows[i][1], rows[i][2]) < 0)
            out = -1;
    }
    free(rows);
    return out;
}

/* ---- deployments ------------------------------------------------------------------------ */

#define DEPLOYMENT_COLUMNS                                                                     \
    "id, cluster, service, seq, status, task_def, desired, launch_type, network, rollout, "    \
    "created_ms, updated_ms"

static void read_deployment(sqlite3_stmt *st, struct ecs_deployment *d)
{
    col_copy(st, 0, d->id, sizeof d->id);
    col_copy(st, 1, d->cluster, sizeof d->cluster);
    col_copy(st, 2, d->service, sizeof d->service);
    d->seq = sqlite3_column_int64(st, 3);
    col_copy(st, 4, d->status, sizeof d->status);
    col_copy(st, 5, d->task_def, sizeof d->task_def);
    d->desired = sqlite3_column_int(st, 6);
    col_copy(st, 7, d->launch_type, sizeof d->launch_type);
    d->network = store_col_dup(st, 8);
    col_copy(st, 9, d->rollout, sizeof d->rollout);
    d->created_ms = sqlite3_column_int64(st, 10);
    d->updated_ms = sqlite3_column_int64(st, 11);
}

int store_ecs_deployment_put(const struct ecs_scope *sc, const struct ecs_deployment *d)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO ecs_deployments (account, region, "
                                  DEPLOYMENT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                  "?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    sqlite3_bind_text(st, 3, d->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, d->cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, d->service, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, d->seq);
    sqlite3_bind_text(st, 7, d->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, d->task_def, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, d->desired);
    sqlite3_bind_text(st, 10, d->launch_type, -1, SQLITE_STATIC);
    bind_opt_text(st, 11, d->network);
    sqlite3_bind_text(st, 12, d->rollout, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, d->created_ms);
    sqlite3_bind_int64(st, 14, d->updated_ms);
    return run(st);
}

int store_ecs_deployment_get(const struct ecs_scope *sc, const char *id,
                             struct ecs_deployment *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " DEPLOYMENT_COLUMNS " FROM ecs_deployments WHERE "
                                  "account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_deployment(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_ecs_deployment_list(const struct ecs_scope *sc, const char *cluster,
                              const char *service, struct ecs_deployment *out, int max)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " DEPLOYMENT_COLUMNS " FROM ecs_deployments WHERE "
                                  "account = ?1 AND region = ?2 AND cluster = ?3 AND "
                                  "service = ?4 AND status <> 'INACTIVE' ORDER BY seq DESC");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, service, -1, SQLITE_STATIC);
    int n = 0, rc = SQLITE_DONE;
    while (n < max) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        read_deployment(st, &out[n++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        for (int i = 0; i < n; i++)
            store_ecs_deployment_clear(&out[i]);
        return -1;
    }
    return n;
}

int store_ecs_deployment_next_seq(const struct ecs_scope *sc, const char *cluster,
                                  const char *service, int64_t *seq)
{
    sqlite3_stmt *st = scoped(sc, "SELECT coalesce(max(seq), 0) + 1 FROM ecs_deployments "
                                  "WHERE account = ?1 AND region = ?2 AND cluster = ?3 AND "
                                  "service = ?4");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, service, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *seq = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_ecs_deployment_touch(const struct ecs_scope *sc, const char *id, int64_t ms)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE ecs_deployments SET updated_ms = ?4 WHERE "
                                  "account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ms);
    return run(st);
}

int store_ecs_deployment_counts(const struct ecs_scope *sc, const char *id,
                                struct ecs_counts *out)
{
    sqlite3_stmt *st = scoped(
        sc, "SELECT count(*) FILTER (WHERE desired_status = 'RUNNING' AND "
            "last_status = 'RUNNING'), "
            "count(*) FILTER (WHERE desired_status = 'RUNNING' AND last_status IN "
            "('PROVISIONING', 'PENDING', 'ACTIVATING')), "
            "count(*) FILTER (WHERE desired_status = 'STOPPED' AND last_status <> 'STOPPED') "
            "FROM ecs_tasks WHERE account = ?1 AND region = ?2 AND deployment = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->running = sqlite3_column_int(st, 0);
        out->pending = sqlite3_column_int(st, 1);
        out->stopping = sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* ---- tasks ------------------------------------------------------------------------------ */

#define TASK_COLUMNS                                                                           \
    "id, cluster, task_def, service, deployment, started_by, task_group, launch_type, "        \
    "last_status, desired_status, cpu, memory, az, subnet, eni, mac, ip, attachment, "         \
    "containers, overrides, created_ms, connectivity_ms, pull_started_ms, pull_stopped_ms, "   \
    "started_ms, stopping_ms, exec_stopped_ms, stopped_ms, stop_code, stopped_reason, "        \
    "version, next_ms"

int store_ecs_task_get(const struct ecs_scope *sc, const char *id, struct ecs_task *t)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " TASK_COLUMNS " FROM ecs_tasks WHERE account = ?1 "
                                  "AND region = ?2 AND id = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int i = 0;
        col_copy(st, i++, t->id, sizeof t->id);
        col_copy(st, i++, t->cluster, sizeof t->cluster);
        col_copy(st, i++, t->task_def, sizeof t->task_def);
        col_copy(st, i++, t->service, sizeof t->service);
        col_copy(st, i++, t->deployment, sizeof t->deployment);
        col_copy(st, i++, t->started_by, sizeof t->started_by);
        col_copy(st, i++, t->group, sizeof t->group);
        col_copy(st, i++, t->launch_type, sizeof t->launch_type);
        col_copy(st, i++, t->last_status, sizeof t->last_status);
        col_copy(st, i++, t->desired_status, sizeof t->desired_status);
        col_copy(st, i++, t->cpu, sizeof t->cpu);
        col_copy(st, i++, t->memory, sizeof t->memory);
        col_copy(st, i++, t->az, sizeof t->az);
        col_copy(st, i++, t->subnet, sizeof t->subnet);
        col_copy(st, i++, t->eni, sizeof t->eni);
        col_copy(st, i++, t->mac, sizeof t->mac);
        col_copy(st, i++, t->ip, sizeof t->ip);
        col_copy(st, i++, t->attachment, sizeof t->attachment);
        t->containers = store_col_dup(st, i++);
        t->overrides = store_col_dup(st, i++);
        t->created_ms = sqlite3_column_int64(st, i++);
        t->connectivity_ms = col_ms(st, i++);
        t->pull_started_ms = col_ms(st, i++);
        t->pull_stopped_ms = col_ms(st, i++);
        t->started_ms = col_ms(st, i++);
        t->stopping_ms = col_ms(st, i++);
        t->exec_stopped_ms = col_ms(st, i++);
        t->stopped_ms = col_ms(st, i++);
        col_copy(st, i++, t->stop_code, sizeof t->stop_code);
        t->stopped_reason = store_col_dup(st, i++);
        t->version = sqlite3_column_int64(st, i++);
        t->next_ms = col_ms(st, i++);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_ecs_task_put(const struct ecs_scope *sc, const struct ecs_task *t)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO ecs_tasks (account, region, "
                                  TASK_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                  "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
                                  "?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, "
                                  "?34)");
    int i = 3;
    sqlite3_bind_text(st, i++, t->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, t->cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, t->task_def, -1, SQLITE_STATIC);
    bind_opt_text(st, i++, t->service);
    bind_opt_text(st, i++, t->deployment);
    bind_opt_text(st, i++, t->started_by);
    sqlite3_bind_text(st, i++, t->group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, t->launch_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, t->last_status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, t->desired_status, -1, SQLITE_STATIC);
    bind_opt_text(st, i++, t->cpu);
    bind_opt_text(st, i++, t->memory);
    bind_opt_text(st, i++, t->az);
    bind_opt_text(st, i++, t->subnet);
    bind_opt_text(st, i++, t->eni);
    bind_opt_text(st, i++, t->mac);
    bind_opt_text(st, i++, t->ip);
    bind_opt_text(st, i++, t->attachment);
    sqlite3_bind_text(st, i++, t->containers ? t->containers : "[]", -1, SQLITE_STATIC);
    bind_opt_text(st, i++, t->overrides);
    sqlite3_bind_int64(st, i++, t->created_ms);
    bind_opt_ms(st, i++, t->connectivity_ms);
    bind_opt_ms(st, i++, t->pull_started_ms);
    bind_opt_ms(st, i++, t->pull_stopped_ms);
    bind_opt_ms(st, i++, t->started_ms);
    bind_opt_ms(st, i++, t->stopping_ms);
    bind_opt_ms(st, i++, t->exec_stopped_ms);
    bind_opt_ms(st, i++, t->stopped_ms);
    bind_opt_text(st, i++, t->stop_code);
    bind_opt_text(st, i++, t->stopped_reason);
    sqlite3_bind_int64(st, i++, t->version);
    bind_opt_ms(st, i++, t->next_ms);
    return run(st);
}

int store_ecs_task_delete(const struct ecs_scope *sc, const char *id)
{
    sqlite3_stmt *st =
        scoped(sc, "DELETE FROM ecs_tasks WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    if (run(st) != 0)
        return -1;
    st = scoped(sc, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND service = 'ecs' "
                    "AND resource LIKE '%:task/%/' || ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    return run(st);
}

int store_ecs_task_each(const struct ecs_scope *sc, const struct ecs_task_filter *f,
                        const char *after, int limit, store_ecs_name_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(
        sc, "SELECT id FROM ecs_tasks WHERE account = ?1 AND region = ?2 AND cluster = ?3 AND "
            "(?4 IS NULL OR service = ?4) AND (?5 IS NULL OR deployment = ?5) AND "
            "(?6 IS NULL OR substr(task_def, 1, length(?6)) = ?6) AND "
            "(?7 IS NULL OR started_by = ?7) AND (?8 IS NULL OR desired_status = ?8) AND "
            "(?9 IS NULL OR launch_type = ?9) AND (?10 = 0 OR last_status <> 'STOPPED') AND "
            "id > ?11 ORDER BY id LIMIT ?12");
    sqlite3_bind_text(st, 3, f->cluster, -1, SQLITE_STATIC);
    bind_opt_text(st, 4, f->service);
    bind_opt_text(st, 5, f->deployment);
    bind_opt_text(st, 6, f->task_def_prefix);
    bind_opt_text(st, 7, f->started_by);
    bind_opt_text(st, 8, f->desired_status);
    bind_opt_text(st, 9, f->launch_type);
    sqlite3_bind_int(st, 10, f->not_stopped);
    sqlite3_bind_text(st, 11, after ? after : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 12, limit);
    return each_name(st, fn, ctx);
}

int store_ecs_service_tasks(const struct ecs_scope *sc, const char *cluster,
                            const char *service, store_ecs_brief_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT id, deployment, az, last_status, desired_status, "
                                  "created_ms FROM ecs_tasks WHERE account = ?1 AND "
                                  "region = ?2 AND cluster = ?3 AND service = ?4 AND "
                                  "last_status <> 'STOPPED' ORDER BY created_ms, id");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, service, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ecs_task_brief b;
        col_copy(st, 0, b.id, sizeof b.id);
        col_copy(st, 1, b.deployment, sizeof b.deployment);
        col_copy(st, 2, b.az, sizeof b.az);
        col_copy(st, 3, b.last_status, sizeof b.last_status);
        col_copy(st, 4, b.desired_status, sizeof b.desired_status);
        b.created_ms = sqlite3_column_int64(st, 5);
        int r = fn(ctx, &b);
        if (r != 0) {
            sqlite3_reset(st);
            return r < 0 ? -1 : 0;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_ecs_task_due(struct store *store, const char *account, int64_t now_ms, int limit,
                       store_ecs_due_task_fn fn, void *ctx)
{
    sqlite3_stmt *st = store_stmt(store, "SELECT region, id FROM ecs_tasks WHERE account = ?1 "
                                         "AND next_ms IS NOT NULL AND next_ms <= ?2 "
                                         "ORDER BY next_ms, region, id LIMIT ?3");
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, limit);
    int n = 0, cap = 0, rc = SQLITE_DONE;
    char(*rows)[2][ECS_ID_MAX] = NULL; /* allocated once a row is due: idle ticks are cheap */
    while (n < limit) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            rows = xrealloc(rows, (size_t)cap * sizeof *rows);
        }
        col_copy(st, 0, rows[n][0], ECS_ID_MAX);
        col_copy(st, 1, rows[n][1], ECS_ID_MAX);
        n++;
    }
    sqlite3_reset(st);
    int out = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? 0 : -1;
    for (int i = 0; i < n && out == 0; i++) {
        if (fn(ctx, rows[i][0], rows[i][1]) < 0)
            out = -1;
    }
    free(rows);
    return out < 0 ? -1 : n;
}

/* ---- events ----------------------------------------------------------------------------- */

int store_ecs_event_add(const struct ecs_scope *sc, const char *cluster, const char *service,
                        int64_t seq, const char *id, int64_t created_ms, const char *message)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO ecs_events (account, region, "
                                  "cluster, service, seq, id, created_ms, message) VALUES "
                                  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, service, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, seq);
    sqlite3_bind_text(st, 6, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, created_ms);
    sqlite3_bind_text(st, 8, message, -1, SQLITE_STATIC);
    if (run(st) != 0)
        return -1;
    st = scoped(sc, "DELETE FROM ecs_events WHERE account = ?1 AND region = ?2 AND "
                    "cluster = ?3 AND service = ?4 AND seq <= ?5");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, service, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, seq - ECS_EVENTS_KEPT);
    return run(st);
}

int store_ecs_events(const struct ecs_scope *sc, const char *cluster, const char *service,
                     cJSON *into)
{
    sqlite3_stmt *st = scoped(sc, "SELECT id, created_ms, message FROM ecs_events WHERE "
                                  "account = ?1 AND region = ?2 AND cluster = ?3 AND "
                                  "service = ?4 ORDER BY seq DESC");
    sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, service, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", (const char *)sqlite3_column_text(st, 0));
        cJSON_AddNumberToObject(e, "createdAt", (double)sqlite3_column_int64(st, 1) / 1000.0);
        cJSON_AddStringToObject(e, "message", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddItemToArray(into, e);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- tags ------------------------------------------------------------------------------- */

int store_ecs_tag_set(const struct ecs_scope *sc, const char *arn, const char *key,
                      const char *value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ecs"};
    return store_tag_set(&t, arn, key, value);
}

int store_ecs_tag_remove(const struct ecs_scope *sc, const char *arn, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ecs"};
    return store_tag_remove(&t, arn, key);
}

int store_ecs_tag_count(const struct ecs_scope *sc, const char *arn, int *n)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ecs"};
    int64_t count = 0;
    int rc = store_tag_count(&t, arn, &count);
    *n = (int)count;
    return rc;
}

int store_ecs_tags(const struct ecs_scope *sc, const char *arn, cJSON *into)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ecs"};
    return store_tags_append(&t, arn, into, "key", "value");
}
