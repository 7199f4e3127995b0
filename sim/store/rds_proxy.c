/*
 * rds_proxy.c - RDS Proxy in the store (see rds_proxy.h for the tables), and the world
 * model's view of a proxy (rds_proxy_pool_info).
 *
 * Statements that select by scope bind ?1 = account and ?2 = region first. Iterations that
 * hand rows to a callback keep stepping their statement while the callback runs others;
 * "due" queries instead copy out the keys first, because the engine rewrites the very rows
 * (and index entries) such a scan walks.
 *
 * To add a query: write it here, declare it in rds_proxy.h and keep AWS's rules out of it.
 */
#include "store/rds_proxy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "store/rds.h"
#include "store/store.h"
#include "store/store_int.h"
#include "util/xmalloc.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static sqlite3_stmt *scoped(const struct rds_proxy_scope *sc, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sc->st, sql);
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->region, -1, SQLITE_STATIC);
    return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

/* Binds ms, or SQL NULL when it is 0 ("nothing pending"). */
static void bind_due(sqlite3_stmt *st, int i, int64_t ms)
{
    if (ms)
        sqlite3_bind_int64(st, i, ms);
    else
        sqlite3_bind_null(st, i);
}

/* Copies column i into the fixed buffer dst of size n (truncating, always terminated). */
static void column_copy(sqlite3_stmt *st, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static char *column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return xstrdup(t ? (const char *)t : "");
}

/* Like exec_done, telling a constraint violation (1) from other failures (-1). */
static int exec_unique(sqlite3_stmt *st)
{
    int step = sqlite3_step(st);
    int rc = step == SQLITE_DONE ? 0 : (step == SQLITE_CONSTRAINT ? 1 : -1);
    sqlite3_reset(st);
    return rc;
}

/* ---- proxies ------------------------------------------------------------------------------ */

#define PROXY_COLUMNS                                                                          \
    "region, name, arn, status, endpoint, host_hash, tg_arn, config, tg_pool, tg_created_ms, " \
    "tg_updated_ms, created_ms, updated_ms, coalesce(next_ms, 0)"

/* Reads the PROXY_COLUMNS of the current row into r; the JSON columns are copied when own is
 * set, else borrowed from the statement. */
static void read_proxy(sqlite3_stmt *st, struct rds_proxy_row *r, int own)
{
    column_copy(st, 0, r->region, sizeof r->region);
    column_copy(st, 1, r->name, sizeof r->name);
    column_copy(st, 2, r->arn, sizeof r->arn);
    column_copy(st, 3, r->status, sizeof r->status);
    column_copy(st, 4, r->endpoint, sizeof r->endpoint);
    column_copy(st, 5, r->host_hash, sizeof r->host_hash);
    column_copy(st, 6, r->tg_arn, sizeof r->tg_arn);
    if (own) {
        r->config = column_dup(st, 7);
        r->tg_pool = column_dup(st, 8);
    } else {
        r->config = (char *)sqlite3_column_text(st, 7);
        r->tg_pool = (char *)sqlite3_column_text(st, 8);
    }
    r->tg_created_ms = sqlite3_column_int64(st, 9);
    r->tg_updated_ms = sqlite3_column_int64(st, 10);
    r->created_ms = sqlite3_column_int64(st, 11);
    r->updated_ms = sqlite3_column_int64(st, 12);
    r->next_ms = sqlite3_column_int64(st, 13);
}

void store_rds_proxy_clear(struct rds_proxy_row *r)
{
    free(r->config);
    free(r->tg_pool);
    memset(r, 0, sizeof *r);
}

int store_rds_proxy_insert(const struct rds_proxy_scope *sc, const struct rds_proxy_row *r)
{
    sqlite3_stmt *st = scoped(
        sc, "INSERT INTO rds_proxies (account, region, name, arn, status, endpoint, host_hash, "
            "tg_arn, config, tg_pool, tg_created_ms, tg_updated_ms, created_ms, updated_ms, "
            "next_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    bind_text(st, 3, r->name);
    bind_text(st, 4, r->arn);
    bind_text(st, 5, r->status);
    bind_text(st, 6, r->endpoint);
    bind_text(st, 7, r->host_hash);
    bind_text(st, 8, r->tg_arn);
    bind_text(st, 9, r->config);
    bind_text(st, 10, r->tg_pool);
    sqlite3_bind_int64(st, 11, r->tg_created_ms);
    sqlite3_bind_int64(st, 12, r->tg_updated_ms);
    sqlite3_bind_int64(st, 13, r->created_ms);
    sqlite3_bind_int64(st, 14, r->updated_ms);
    bind_due(st, 15, r->next_ms);
    return exec_unique(st);
}

/* Steps st (which selects PROXY_COLUMNS) once into *out. Returns 0, 1 or -1. */
static int get_proxy(sqlite3_stmt *st, struct rds_proxy_row *out)
{
    int step = sqlite3_step(st);
    int rc = step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? 1 : -1;
    if (rc == 0)
        read_proxy(st, out, 1);
    sqlite3_reset(st);
    return rc;
}

int store_rds_proxy_get(const struct rds_proxy_scope *sc, const char *name,
                        struct rds_proxy_row *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " PROXY_COLUMNS " FROM rds_proxies WHERE "
                                  "account = ?1 AND region = ?2 AND name = ?3");
    bind_text(st, 3, name);
    return get_proxy(st, out);
}

int store_rds_proxy_get_by_arn(struct store *s, const char *arn, struct rds_proxy_row *out)
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT " PROXY_COLUMNS " FROM rds_proxies WHERE arn = ?1");
    bind_text(st, 1, arn);
    return get_proxy(st, out);
}

int store_rds_proxy_update(struct store *s, const struct rds_proxy_row *r)
{
    sqlite3_stmt *st = store_stmt(
        s, "UPDATE rds_proxies SET name = ?2, status = ?3, endpoint = ?4, config = ?5, "
           "tg_pool = ?6, tg_updated_ms = ?7, updated_ms = ?8, next_ms = ?9 WHERE arn = ?1");
    bind_text(st, 1, r->arn);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->status);
    bind_text(st, 4, r->endpoint);
    bind_text(st, 5, r->config);
    bind_text(st, 6, r->tg_pool);
    sqlite3_bind_int64(st, 7, r->tg_updated_ms);
    sqlite3_bind_int64(st, 8, r->updated_ms);
    bind_due(st, 9, r->next_ms);
    return exec_unique(st);
}

int store_rds_proxy_delete(struct store *s, const char *arn)
{
    static const char *const sql[] = {
        "DELETE FROM tags WHERE service = 'rds' AND (account, region, resource) IN "
        "(SELECT account, region, arn FROM rds_proxy_endpoints WHERE proxy_arn = ?1)",
        "DELETE FROM tags WHERE service = 'rds' AND (account, region, resource) IN "
        "(SELECT account, region, arn FROM rds_proxies WHERE arn = ?1)",
        "DELETE FROM rds_proxy_endpoints WHERE proxy_arn = ?1",
        "DELETE FROM rds_proxy_targets WHERE proxy_arn = ?1",
        "DELETE FROM rds_proxies WHERE arn = ?1",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st = store_stmt(s, sql[i]);
        bind_text(st, 1, arn);
        if (store_exec_done(st) != 0)
            return -1;
    }
    return 0;
}

int store_rds_proxy_count(const struct rds_proxy_scope *sc, int *n)
{
    sqlite3_stmt *st =
        scoped(sc, "SELECT count(*) FROM rds_proxies WHERE account = ?1 AND region = ?2");
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    if (rc == 0)
        *n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc;
}

int store_rds_proxy_list(const struct rds_proxy_scope *sc, const char *after, int limit,
                         store_rds_proxy_cb cb, void *arg, int *more)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " PROXY_COLUMNS " FROM rds_proxies WHERE "
                                  "account = ?1 AND region = ?2 AND name > ?3 ORDER BY name "
                                  "LIMIT ?4");
    bind_text(st, 3, after);
    sqlite3_bind_int(st, 4, limit + 1);
    int n = 0, step;
    *more = 0;
    for (step = sqlite3_step(st); step == SQLITE_ROW; step = sqlite3_step(st)) {
        if (n == limit) {
            *more = 1;
            break;
        }
        struct rds_proxy_row r = {0};
        read_proxy(st, &r, 0);
        cb(arg, &r);
        n++;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return rc;
}

/* Copies column 0 of at most max rows of st (bound by the caller) into arns. Returns the
 * number copied, or -1. */
static int collect_arns(sqlite3_stmt *st, char (*arns)[160], int max)
{
    int n = 0, step;
    for (step = sqlite3_step(st); step == SQLITE_ROW && n < max; step = sqlite3_step(st))
        column_copy(st, 0, arns[n++], 160);
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? n : -1;
    sqlite3_reset(st);
    return rc;
}

int store_rds_proxy_due(struct store *s, const char *account, int64_t now_ms,
                        char (*arns)[160], int max)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT arn FROM rds_proxies WHERE account = ?1 AND "
                                     "next_ms IS NOT NULL AND next_ms <= ?2 ORDER BY next_ms "
                                     "LIMIT ?3");
    bind_text(st, 1, account);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, max);
    return collect_arns(st, arns, max);
}

/* ---- targets ------------------------------------------------------------------------------ */

#define TARGET_COLUMNS                                                                         \
    "region, proxy_arn, type, rds_id, cluster_id, target_arn, endpoint, port, role, state, "   \
    "reason, description, registered_ms, coalesce(next_ms, 0)"

static void read_target(sqlite3_stmt *st, struct rds_proxy_target *t)
{
    column_copy(st, 0, t->region, sizeof t->region);
    column_copy(st, 1, t->proxy_arn, sizeof t->proxy_arn);
    column_copy(st, 2, t->type, sizeof t->type);
    column_copy(st, 3, t->rds_id, sizeof t->rds_id);
    column_copy(st, 4, t->cluster_id, sizeof t->cluster_id);
    column_copy(st, 5, t->target_arn, sizeof t->target_arn);
    column_copy(st, 6, t->endpoint, sizeof t->endpoint);
    t->port = sqlite3_column_int(st, 7);
    column_copy(st, 8, t->role, sizeof t->role);
    column_copy(st, 9, t->state, sizeof t->state);
    column_copy(st, 10, t->reason, sizeof t->reason);
    column_copy(st, 11, t->description, sizeof t->description);
    t->registered_ms = sqlite3_column_int64(st, 12);
    t->next_ms = sqlite3_column_int64(st, 13);
}

int store_rds_proxy_target_put(const struct rds_proxy_scope *sc,
                               const struct rds_proxy_target *t)
{
    sqlite3_stmt *st = scoped(
        sc, "INSERT OR REPLACE INTO rds_proxy_targets (account, region, proxy_arn, type, rds_id, "
            "cluster_id, target_arn, endpoint, port, role, state, reason, description, "
            "registered_ms, next_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
            "?13, ?14, ?15)");
    bind_text(st, 3, t->proxy_arn);
    bind_text(st, 4, t->type);
    bind_text(st, 5, t->rds_id);
    bind_text(st, 6, t->cluster_id);
    bind_text(st, 7, t->target_arn);
    bind_text(st, 8, t->endpoint);
    sqlite3_bind_int(st, 9, t->port);
    bind_text(st, 10, t->role);
    bind_text(st, 11, t->state);
    bind_text(st, 12, t->reason);
    bind_text(st, 13, t->description);
    sqlite3_bind_int64(st, 14, t->registered_ms);
    bind_due(st, 15, t->next_ms);
    return store_exec_done(st);
}

int store_rds_proxy_target_delete(struct store *s, const char *proxy_arn, const char *type,
                                  const char *rds_id)
{
    sqlite3_stmt *st = store_stmt(s, "DELETE FROM rds_proxy_targets WHERE proxy_arn = ?1 AND "
                                     "type = ?2 AND rds_id = ?3");
    bind_text(st, 1, proxy_arn);
    bind_text(st, 2, type);
    bind_text(st, 3, rds_id);
    int rc = store_exec_done(st);
    if (rc == 0 && sqlite3_changes(store_db(s)) == 0)
        rc = 1;
    return rc;
}

int store_rds_proxy_target_delete_cluster(struct store *s, const char *proxy_arn,
                                          const char *cluster_id)
{
    sqlite3_stmt *st = store_stmt(s, "DELETE FROM rds_proxy_targets WHERE proxy_arn = ?1 AND "
                                     "type = 'TRACKED_CLUSTER' AND rds_id = ?2");
    bind_text(st, 1, proxy_arn);
    bind_text(st, 2, cluster_id);
    if (store_exec_done(st) != 0)
        return -1;
    int found = sqlite3_changes(store_db(s)) > 0;
    st = store_stmt(s, "DELETE FROM rds_proxy_targets WHERE proxy_arn = ?1 AND "
                       "cluster_id = ?2");
    bind_text(st, 1, proxy_arn);
    bind_text(st, 2, cluster_id);
    if (store_exec_done(st) != 0)
        return -1;
    return found ? 0 : 1;
}

/* Reads at most max rows of st (selecting TARGET_COLUMNS) into out. Returns the count or
 * -1. */
static int read_targets(sqlite3_stmt *st, struct rds_proxy_target *out, int max)
{
    int n = 0, step;
    for (step = sqlite3_step(st); step == SQLITE_ROW && n < max; step = sqlite3_step(st)) {
        memset(&out[n], 0, sizeof out[n]);
        read_target(st, &out[n++]);
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? n : -1;
    sqlite3_reset(st);
    return rc;
}

int store_rds_proxy_target_list(struct store *s, const char *proxy_arn,
                                struct rds_proxy_target *out, int max)
{
    /* 'TRACKED_CLUSTER' sorts after 'RDS_INSTANCE': descending type puts the cluster first */
    sqlite3_stmt *st = store_stmt(s, "SELECT " TARGET_COLUMNS " FROM rds_proxy_targets WHERE "
                                     "proxy_arn = ?1 ORDER BY type DESC, rds_id");
    bind_text(st, 1, proxy_arn);
    return read_targets(st, out, max);
}

int store_rds_proxy_target_due(struct store *s, const char *account, int64_t now_ms,
                               struct rds_proxy_target *out, int max)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " TARGET_COLUMNS " FROM rds_proxy_targets WHERE "
                                     "account = ?1 AND next_ms IS NOT NULL AND next_ms <= ?2 "
                                     "ORDER BY next_ms LIMIT ?3");
    bind_text(st, 1, account);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, max);
    return read_targets(st, out, max);
}

int store_rds_proxy_target_recheck(struct store *s, const char *proxy_arn, int64_t when_ms)
{
    sqlite3_stmt *st =
        store_stmt(s, "UPDATE rds_proxy_targets SET next_ms = ?2 WHERE proxy_arn = ?1 AND "
                      "(next_ms IS NULL OR next_ms > ?2)");
    bind_text(st, 1, proxy_arn);
    sqlite3_bind_int64(st, 2, when_ms);
    return store_exec_done(st);
}

/* ---- endpoints ---------------------------------------------------------------------------- */

#define ENDPOINT_COLUMNS                                                                       \
    "region, name, proxy_arn, arn, status, vpc_id, subnets, sgs, target_role, endpoint, "      \
    "network_type, created_ms, coalesce(next_ms, 0)"

static void read_endpoint(sqlite3_stmt *st, struct rds_proxy_endpoint *e, int own)
{
    column_copy(st, 0, e->region, sizeof e->region);
    column_copy(st, 1, e->name, sizeof e->name);
    column_copy(st, 2, e->proxy_arn, sizeof e->proxy_arn);
    column_copy(st, 3, e->arn, sizeof e->arn);
    column_copy(st, 4, e->status, sizeof e->status);
    column_copy(st, 5, e->vpc_id, sizeof e->vpc_id);
    if (own) {
        e->subnets = column_dup(st, 6);
        e->sgs = column_dup(st, 7);
    } else {
        e->subnets = (char *)sqlite3_column_text(st, 6);
        e->sgs = (char *)sqlite3_column_text(st, 7);
    }
    column_copy(st, 8, e->target_role, sizeof e->target_role);
    column_copy(st, 9, e->endpoint, sizeof e->endpoint);
    column_copy(st, 10, e->network_type, sizeof e->network_type);
    e->created_ms = sqlite3_column_int64(st, 11);
    e->next_ms = sqlite3_column_int64(st, 12);
}

void store_rds_proxy_endpoint_clear(struct rds_proxy_endpoint *e)
{
    free(e->subnets);
    free(e->sgs);
    memset(e, 0, sizeof *e);
}

int store_rds_proxy_endpoint_insert(const struct rds_proxy_scope *sc,
                                    const struct rds_proxy_endpoint *e)
{
    sqlite3_stmt *st = scoped(
        sc, "INSERT INTO rds_proxy_endpoints (account, region, name, proxy_arn, arn, status, "
            "vpc_id, subnets, sgs, target_role, endpoint, network_type, created_ms, next_ms) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    bind_text(st, 3, e->name);
    bind_text(st, 4, e->proxy_arn);
    bind_text(st, 5, e->arn);
    bind_text(st, 6, e->status);
    bind_text(st, 7, e->vpc_id);
    bind_text(st, 8, e->subnets);
    bind_text(st, 9, e->sgs);
    bind_text(st, 10, e->target_role);
    bind_text(st, 11, e->endpoint);
    bind_text(st, 12, e->network_type);
    sqlite3_bind_int64(st, 13, e->created_ms);
    bind_due(st, 14, e->next_ms);
    return exec_unique(st);
}

static int get_endpoint(sqlite3_stmt *st, struct rds_proxy_endpoint *out)
{
    int step = sqlite3_step(st);
    int rc = step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? 1 : -1;
    if (rc == 0)
        read_endpoint(st, out, 1);
    sqlite3_reset(st);
    return rc;
}

int store_rds_proxy_endpoint_get(const struct rds_proxy_scope *sc, const char *name,
                                 struct rds_proxy_endpoint *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " ENDPOINT_COLUMNS " FROM rds_proxy_endpoints "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3");
    bind_text(st, 3, name);
    return get_endpoint(st, out);
}

int store_rds_proxy_endpoint_get_by_arn(struct store *s, const char *arn,
                                        struct rds_proxy_endpoint *out)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " ENDPOINT_COLUMNS " FROM rds_proxy_endpoints "
                                     "WHERE arn = ?1");
    bind_text(st, 1, arn);
    return get_endpoint(st, out);
}

int store_rds_proxy_endpoint_update(struct store *s, const char *account,
                                    const struct rds_proxy_endpoint *e)
{
    sqlite3_stmt *st = store_stmt(
        s, "UPDATE rds_proxy_endpoints SET name = ?3, status = ?4, sgs = ?5, endpoint = ?6, "
           "next_ms = ?7 WHERE account = ?1 AND arn = ?2");
    bind_text(st, 1, account);
    bind_text(st, 2, e->arn);
    bind_text(st, 3, e->name);
    bind_text(st, 4, e->status);
    bind_text(st, 5, e->sgs);
    bind_text(st, 6, e->endpoint);
    bind_due(st, 7, e->next_ms);
    return exec_unique(st);
}

int store_rds_proxy_endpoint_delete(struct store *s, const char *account, const char *arn)
{
    sqlite3_stmt *st = store_stmt(
        s, "DELETE FROM tags WHERE service = 'rds' AND (account, region, resource) IN "
           "(SELECT account, region, arn FROM rds_proxy_endpoints WHERE account = ?1 AND "
           "arn = ?2)");
    bind_text(st, 1, account);
    bind_text(st, 2, arn);
    if (store_exec_done(st) != 0)
        return -1;
    st = store_stmt(s, "DELETE FROM rds_proxy_endpoints WHERE account = ?1 AND arn = ?2");
    bind_text(st, 1, account);
    bind_text(st, 2, arn);
    return store_exec_done(st);
}

int store_rds_proxy_endpoint_count(struct store *s, const char *proxy_arn, int *n)
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT count(*) FROM rds_proxy_endpoints WHERE proxy_arn = ?1");
    bind_text(st, 1, proxy_arn);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    if (rc == 0)
        *n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc;
}

int store_rds_proxy_endpoint_list(const struct rds_proxy_scope *sc, const char *proxy_arn,
                                  const char *after, int limit, store_rds_proxy_endpoint_cb cb,
                                  void *arg, int *more)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " ENDPOINT_COLUMNS " FROM rds_proxy_endpoints "
                                  "WHERE account = ?1 AND region = ?2 AND "
                                  "(?3 = '' OR proxy_arn = ?3) AND name > ?4 ORDER BY name "
                                  "LIMIT ?5");
    bind_text(st, 3, proxy_arn);
    bind_text(st, 4, after);
    sqlite3_bind_int(st, 5, limit + 1);
    int n = 0, step;
    *more = 0;
    for (step = sqlite3_step(st); step == SQLITE_ROW; step = sqlite3_step(st)) {
        if (n == limit) {
            *more = 1;
            break;
        }
        struct rds_proxy_endpoint e = {0};
        read_endpoint(st, &e, 0);
        cb(arg, &e);
        n++;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return rc;
}

int store_rds_proxy_endpoint_due(struct store *s, const char *account, int64_t now_ms,
                                 char (*arns)[160], int max)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT arn FROM rds_proxy_endpoints WHERE account = ?1 "
                                     "AND next_ms IS NOT NULL AND next_ms <= ?2 ORDER BY "
                                     "next_ms LIMIT ?3");
    bind_text(st, 1, account);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, max);
    return collect_arns(st, arns, max);
}

/* ---- tags --------------------------------------------------------------------------------- */

int store_rds_proxy_tag(const struct rds_proxy_scope *sc, const char *arn, const char *key,
                        const char *value)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO tags (account, region, service, "
                                  "resource, key, value) VALUES (?1, ?2, 'rds', ?3, ?4, ?5)");
    bind_text(st, 3, arn);
    bind_text(st, 4, key);
    bind_text(st, 5, value);
    return store_exec_done(st);
}

int store_rds_proxy_arn_exists(const struct rds_proxy_scope *sc, const char *arn)
{
    sqlite3_stmt *st = scoped(sc, "SELECT 1 FROM rds_proxies WHERE arn = ?3 AND account = ?1 "
                                  "AND region = ?2 UNION ALL SELECT 1 FROM rds_proxy_endpoints "
                                  "WHERE arn = ?3 AND account = ?1 AND region = ?2");
    bind_text(st, 3, arn);
    int step = sqlite3_step(st);
    int rc = step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? 1 : -1;
    sqlite3_reset(st);
    return rc;
}

/* ---- what the world model reads ------------------------------------------------------------ */

static int json_int(const cJSON *obj, const char *name, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) ? v->valueint : dflt;
}

/* Fills *out from proxy row r (its scope's account given). Returns 0 or -1. */
static int fill_pool(struct store *st, const char *account, const struct rds_proxy_row *r,
                     struct rds_proxy_pool *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", r->name);
    snprintf(out->arn, sizeof out->arn, "%s", r->arn);
    snprintf(out->status, sizeof out->status, "%s", r->status);
    snprintf(out->endpoint, sizeof out->endpoint, "%s", r->endpoint);
    cJSON *config = cJSON_Parse(r->config ? r->config : "{}");
    cJSON *pool = cJSON_Parse(r->tg_pool ? r->tg_pool : "{}");
    const cJSON *ef = cJSON_GetObjectItemCaseSensitive(config, "EngineFamily");
    snprintf(out->engine_family, sizeof out->engine_family, "%s",
             cJSON_IsString(ef) ? ef->valuestring : "");
    out->idle_client_timeout_s = json_int(config, "IdleClientTimeout", 1800);
    out->require_tls = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(config, "RequireTLS"));
    out->max_connections_percent = json_int(pool, "MaxConnectionsPercent", 100);
    out->max_idle_connections_percent = json_int(pool, "MaxIdleConnectionsPercent", 50);
    out->borrow_timeout_s = json_int(pool, "ConnectionBorrowTimeout", 120);
    cJSON_Delete(config);
    cJSON_Delete(pool);

    struct rds_proxy_target t[RDS_PROXY_MAX_TARGETS];
    int n = store_rds_proxy_target_list(st, r->arn, t, RDS_PROXY_MAX_TARGETS);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(t[i].type, "TRACKED_CLUSTER") == 0 && out->cluster_id[0] == '\0')
            snprintf(out->cluster_id, sizeof out->cluster_id, "%s", t[i].rds_id);
        if (strcmp(t[i].type, "RDS_INSTANCE") == 0 && strcmp(t[i].role, "READ_WRITE") == 0) {
            snprintf(out->target_state, sizeof out->target_state, "%s", t[i].state);
            snprintf(out->target_reason, sizeof out->target_reason, "%s", t[i].reason);
        }
    }
    if (out->cluster_id[0]) {
        struct rds_cluster_info ci;
        int rc = rds_cluster_info(st, account, r->region, out->cluster_id, &ci);
        if (rc < 0)
            return -1;
        if (rc == 0)
            out->max_connections = ci.max_connections;
    }
    out->budget = out->max_connections * out->max_connections_percent / 100;
    out->idle_budget = out->max_connections * out->max_idle_connections_percent / 100;
    int serving = strcmp(r->status, "available") == 0 || strcmp(r->status, "modifying") == 0;
    out->available = serving && strcmp(out->target_state, "AVAILABLE") == 0;
    return 0;
}

int rds_proxy_pool_info(struct store *st, const char *account, const char *region,
                        const char *id, struct rds_proxy_pool *out)
{
    struct rds_proxy_scope sc = {st, account, region};
    struct rds_proxy_row r = {0};
    int rc = store_rds_proxy_get(&sc, id, &r);
    if (rc == 1) {
        sqlite3_stmt *q = scoped(&sc, "SELECT " PROXY_COLUMNS " FROM rds_proxies p WHERE "
                                      "p.account = ?1 AND p.region = ?2 AND (p.endpoint = ?3 "
                                      "OR p.arn IN (SELECT proxy_arn FROM rds_proxy_endpoints "
                                      "WHERE account = ?1 AND region = ?2 AND endpoint = ?3)) "
                                      "ORDER BY p.name LIMIT 1");
        bind_text(q, 3, id);
        rc = get_proxy(q, &r);
    }
    if (rc == 0)
        rc = fill_pool(st, account, &r, out);
    store_rds_proxy_clear(&r);
    return rc;
}

int rds_proxy_pool_for_cluster(struct store *st, const char *account, const char *region,
                               const char *cluster_id, struct rds_proxy_pool *out)
{
    struct rds_proxy_scope sc = {st, account, region};
    struct rds_proxy_row r = {0};
    sqlite3_stmt *q = scoped(&sc, "SELECT " PROXY_COLUMNS " FROM rds_proxies p WHERE "
                                  "p.account = ?1 AND p.region = ?2 AND p.arn IN (SELECT "
                                  "proxy_arn FROM rds_proxy_targets WHERE account = ?1 AND "
                                  "type = 'TRACKED_CLUSTER' AND rds_id = ?3) ORDER BY p.name "
                                  "LIMIT 1");
    bind_text(q, 3, cluster_id);
    int rc = get_proxy(q, &r);
    if (rc == 0)
        rc = fill_pool(st, account, &r, out);
    store_rds_proxy_clear(&r);
    return rc;
}
