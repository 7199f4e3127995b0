/*
 * rds.c - the rows behind Amazon RDS (see rds.h for the tables and conventions), the instance
 * class table and rds_cluster_info(), the contract RDS Proxy and the world model read.
 *
 * Statements bind ?1 = account and ?2 = region first, so they cannot leave their tenant; the
 * tick's queries (rds_due, rds_event_prune) are per account. Documents (doc, applied,
 * subnets) are cJSON objects kept as JSON text. To add a query: write it here, declare it in
 * rds.h, and keep AWS rules out of it (they are in sim/services/rds*.c).
 */
#include "store/rds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/tags.h"
#include "util/xmalloc.h"

/* ---- instance classes ------------------------------------------------------------------- */

#define GIB (1024LL * 1024 * 1024)
#define MAXCONN_DIVISOR 9531392LL
#define MAXCONN_CAP 5000

/*
 * DBInstanceClassMemory per class. For a class whose default max_connections the Aurora user
 * guide lists below the 5000 cap, the memory is that value times 9531392, so the formula
 * reproduces the guide; the others (capped at 5000 anyway) use nominal memory * 0.955, the
 * share db.r6g.large leaves to the engine. Classes of the same size as a listed one (r6i,
 * r7g, r7i, r8g as r6g) take its value.
 */
#define LISTED(n) ((int64_t)(n) * MAXCONN_DIVISOR)
#define NOMINAL(gib) ((int64_t)((double)(gib) * GIB * 0.955))

static const struct {
    const char *name;
    int64_t memory;
} classes[] = {
    {"db.t3.medium", LISTED(420)},      {"db.t3.large", LISTED(844)},
    {"db.t4g.medium", LISTED(405)},     {"db.t4g.large", LISTED(844)},
    {"db.r4.large", LISTED(1600)},      {"db.r4.xlarge", LISTED(3200)},
    {"db.r4.2xlarge", NOMINAL(61)},     {"db.r4.4xlarge", NOMINAL(122)},
    {"db.r4.8xlarge", NOMINAL(244)},    {"db.r4.16xlarge", NOMINAL(488)},
    {"db.r5.large", LISTED(1600)},      {"db.r5.xlarge", LISTED(3300)},
    {"db.r5.2xlarge", NOMINAL(64)},     {"db.r5.4xlarge", NOMINAL(128)},
    {"db.r5.8xlarge", NOMINAL(256)},    {"db.r5.12xlarge", NOMINAL(384)},
    {"db.r5.16xlarge", NOMINAL(512)},   {"db.r5.24xlarge", NOMINAL(768)},
    {"db.r6g.large", LISTED(1722)},     {"db.r6g.xlarge", LISTED(3479)},
    {"db.r6g.2xlarge", NOMINAL(64)},    {"db.r6g.4xlarge", NOMINAL(128)},
    {"db.r6g.8xlarge", NOMINAL(256)},   {"db.r6g.12xlarge", NOMINAL(384)},
    {"db.r6g.16xlarge", NOMINAL(512)},  {"db.r6i.large", LISTED(1722)},
    {"db.r6i.xlarge", LISTED(3479)},    {"db.r6i.2xlarge", NOMINAL(64)},
    {"db.r6i.4xlarge", NOMINAL(128)},   {"db.r6i.8xlarge", NOMINAL(256)},
    {"db.r6i.12xlarge", NOMINAL(384)},  {"db.r6i.16xlarge", NOMINAL(512)},
    {"db.r6i.24xlarge", NOMINAL(768)},  {"db.r6i.32xlarge", NOMINAL(1024)},
    {"db.r7g.large", LISTED(1722)},     {"db.r7g.xlarge", LISTED(3479)},
    {"db.r7g.2xlarge", NOMINAL(64)},    {"db.r7g.4xlarge", NOMINAL(128)},
    {"db.r7g.8xlarge", NOMINAL(256)},   {"db.r7g.12xlarge", NOMINAL(384)},
    {"db.r7g.16xlarge", NOMINAL(512)},  {"db.r7i.large", LISTED(1722)},
    {"db.r7i.xlarge", LISTED(3479)},    {"db.r7i.2xlarge", NOMINAL(64)},
    {"db.r7i.4xlarge", NOMINAL(128)},   {"db.r7i.8xlarge", NOMINAL(256)},
    {"db.r8g.large", LISTED(1722)},     {"db.r8g.xlarge", LISTED(3479)},
    {"db.r8g.2xlarge", NOMINAL(64)},    {"db.r8g.4xlarge", NOMINAL(128)},
    {"db.x2g.large", LISTED(3479)},     {"db.x2g.xlarge", NOMINAL(64)},
    {"db.x2g.2xlarge", NOMINAL(128)},   {"db.x2g.4xlarge", NOMINAL(256)},
    {"db.x2g.8xlarge", NOMINAL(512)},   {"db.x2g.12xlarge", NOMINAL(768)},
    {"db.x2g.16xlarge", NOMINAL(1024)},
};

#define NCLASSES (sizeof classes / sizeof classes[0])

int64_t rds_class_memory(const char *klass)
{
    for (size_t i = 0; klass && i < NCLASSES; i++) {
        if (strcmp(classes[i].name, klass) == 0)
            return classes[i].memory;
    }
    return 0;
}

int rds_default_max_connections(const char *klass)
{
    int64_t mem = rds_class_memory(klass);
    if (mem <= 0)
        return 0;
    int64_t v = mem / MAXCONN_DIVISOR;
    return (int)(v < MAXCONN_CAP ? v : MAXCONN_CAP);
}

const char *const *rds_class_names(void)
{
    static const char *names[NCLASSES + 1];
    if (names[0] == NULL) {
        for (size_t i = 0; i < NCLASSES; i++)
            names[i] = classes[i].name;
    }
    return names;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static sqlite3_stmt *scoped(const struct rds_scope *sc, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sc->st, sql);
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->region, -1, SQLITE_STATIC);
    return st;
}

/* Runs a statement that changes at most one row: 0 if it did, 1 if none, -1 on error. */
static int exec_one(struct store *s, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return sqlite3_changes(store_db(s)) > 0 ? 0 : 1;
}

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    snprintf(out, n, "%s", s ? (const char *)s : "");
}

static cJSON *json_col(sqlite3_stmt *st, int i, int array)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    cJSON *v = s ? cJSON_Parse(s) : NULL;
    if (v == NULL)
        v = array ? cJSON_CreateArray() : cJSON_CreateObject();
    return v;
}

static void bind_json(sqlite3_stmt *st, int i, const cJSON *v)
{
    char *text = v ? cJSON_PrintUnformatted(v) : NULL;
    if (text)
        sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_text(st, i, v ? "{}" : "null", -1, SQLITE_STATIC);
    cJSON_free(text);
}

static void bind_ms(sqlite3_stmt *st, int i, int64_t ms)
{
    if (ms > 0)
        sqlite3_bind_int64(st, i, ms);
    else
        sqlite3_bind_null(st, i);
}

/* ---- clusters ----------------------------------------------------------------------------- */

#define CLUSTER_COLUMNS "id, status, next_ms, aux, cpg, created_ms, doc"

void rds_cluster_clear(struct rds_cluster *c)
{
    cJSON_Delete(c->doc);
    memset(c, 0, sizeof *c);
}

static void read_cluster(sqlite3_stmt *st, struct rds_cluster *c)
{
    memset(c, 0, sizeof *c);
    copy_col(st, 0, c->id, sizeof c->id);
    copy_col(st, 1, c->status, sizeof c->status);
    c->next_ms = sqlite3_column_int64(st, 2);
    copy_col(st, 3, c->aux, sizeof c->aux);
    copy_col(st, 4, c->cpg, sizeof c->cpg);
    c->created_ms = sqlite3_column_int64(st, 5);
    c->doc = json_col(st, 6, 0);
}

int rds_cluster_get(const struct rds_scope *sc, const char *id, struct rds_cluster *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " CLUSTER_COLUMNS " FROM rds_clusters "
                                  "WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_cluster(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int rds_cluster_put(const struct rds_scope *sc, const struct rds_cluster *c)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO rds_clusters (account, region, "
                                  CLUSTER_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    sqlite3_bind_text(st, 3, c->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->status, -1, SQLITE_STATIC);
    bind_ms(st, 5, c->next_ms);
    sqlite3_bind_text(st, 6, c->aux, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, c->cpg, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, c->created_ms);
    bind_json(st, 9, c->doc);
    return store_exec_done(st);
}

int rds_cluster_delete(const struct rds_scope *sc, const char *id)
{
    sqlite3_stmt *st =
        scoped(sc, "DELETE FROM rds_clusters WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    return exec_one(sc->st, st);
}

int rds_cluster_list(const struct rds_scope *sc, struct rds_cluster **out, int *n)
{
    *out = NULL;
    *n = 0;
    int cap = 0;
    sqlite3_stmt *st = scoped(sc, "SELECT " CLUSTER_COLUMNS " FROM rds_clusters "
                                  "WHERE account = ?1 AND region = ?2 ORDER BY id");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, (size_t)cap * sizeof **out);
        }
        read_cluster(st, &(*out)[(*n)++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        rds_cluster_free_list(*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

void rds_cluster_free_list(struct rds_cluster *v, int n)
{
    for (int i = 0; i < n; i++)
        rds_cluster_clear(&v[i]);
    free(v);
}

static int count_rows(const struct rds_scope *sc, const char *sql)
{
    sqlite3_stmt *st = scoped(sc, sql);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

int rds_cluster_count(const struct rds_scope *sc)
{
    return count_rows(sc, "SELECT count(*) FROM rds_clusters WHERE account = ?1 AND region = ?2");
}

/* ---- instances ---------------------------------------------------------------------------- */

#define INSTANCE_COLUMNS                                                                       \
    "id, cluster, status, next_ms, aux, writer, class, pg, pg_status, cpg_status, restarts, "  \
    "created_ms, applied, doc"

void rds_instance_clear(struct rds_instance *i)
{
    cJSON_Delete(i->applied);
    cJSON_Delete(i->doc);
    memset(i, 0, sizeof *i);
}

static void read_instance(sqlite3_stmt *st, struct rds_instance *i)
{
    memset(i, 0, sizeof *i);
    copy_col(st, 0, i->id, sizeof i->id);
    copy_col(st, 1, i->cluster, sizeof i->cluster);
    copy_col(st, 2, i->status, sizeof i->status);
    i->next_ms = sqlite3_column_int64(st, 3);
    copy_col(st, 4, i->aux, sizeof i->aux);
    i->writer = sqlite3_column_int(st, 5);
    copy_col(st, 6, i->klass, sizeof i->klass);
    copy_col(st, 7, i->pg, sizeof i->pg);
    copy_col(st, 8, i->pg_status, sizeof i->pg_status);
    copy_col(st, 9, i->cpg_status, sizeof i->cpg_status);
    i->restarts = sqlite3_column_int64(st, 10);
    i->created_ms = sqlite3_column_int64(st, 11);
    i->applied = json_col(st, 12, 0);
    i->doc = json_col(st, 13, 0);
}

int rds_instance_get(const struct rds_scope *sc, const char *id, struct rds_instance *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " INSTANCE_COLUMNS " FROM rds_instances "
                                  "WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_instance(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int rds_instance_put(const struct rds_scope *sc, const struct rds_instance *i)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO rds_instances (account, region, "
                                  INSTANCE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                  "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    sqlite3_bind_text(st, 3, i->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, i->cluster, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, i->status, -1, SQLITE_STATIC);
    bind_ms(st, 6, i->next_ms);
    sqlite3_bind_text(st, 7, i->aux, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, i->writer);
    sqlite3_bind_text(st, 9, i->klass, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, i->pg, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, i->pg_status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, i->cpg_status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, i->restarts);
    sqlite3_bind_int64(st, 14, i->created_ms);
    bind_json(st, 15, i->applied);
    bind_json(st, 16, i->doc);
    return store_exec_done(st);
}

int rds_instance_delete(const struct rds_scope *sc, const char *id)
{
    sqlite3_stmt *st =
        scoped(sc, "DELETE FROM rds_instances WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    return exec_one(sc->st, st);
}

int rds_instance_list(const struct rds_scope *sc, const char *cluster, struct rds_instance **out,
                      int *n)
{
    *out = NULL;
    *n = 0;
    int cap = 0;
    sqlite3_stmt *st;
    if (cluster) {
        st = scoped(sc, "SELECT " INSTANCE_COLUMNS " FROM rds_instances WHERE account = ?1 "
                        "AND region = ?2 AND cluster = ?3 ORDER BY id");
        sqlite3_bind_text(st, 3, cluster, -1, SQLITE_STATIC);
    } else {
        st = scoped(sc, "SELECT " INSTANCE_COLUMNS " FROM rds_instances WHERE account = ?1 "
                        "AND region = ?2 ORDER BY id");
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xrealloc(*out, (size_t)cap * sizeof **out);
        }
        read_instance(st, &(*out)[(*n)++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        rds_instance_free_list(*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

void rds_instance_free_list(struct rds_instance *v, int n)
{
    for (int i = 0; i < n; i++)
        rds_instance_clear(&v[i]);
    free(v);
}

int rds_instance_count(const struct rds_scope *sc)
{
    return count_rows(sc,
                      "SELECT count(*) FROM rds_instances WHERE account = ?1 AND region = ?2");
}

/* ---- parameter groups --------------------------------------------------------------------- */

static void read_pg(sqlite3_stmt *st, struct rds_pg *g)
{
    memset(g, 0, sizeof *g);
    copy_col(st, 0, g->name, sizeof g->name);
    copy_col(st, 1, g->family, sizeof g->family);
    copy_col(st, 2, g->description, sizeof g->description);
    g->created_ms = sqlite3_column_int64(st, 3);
}

int rds_pg_get(const struct rds_scope *sc, const char *kind, const char *name,
               struct rds_pg *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT name, family, description, created_ms "
                                  "FROM rds_param_groups WHERE account = ?1 AND region = ?2 "
                                  "AND kind = ?3 AND name = ?4");
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_pg(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int rds_pg_insert(const struct rds_scope *sc, const char *kind, const struct rds_pg *g)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR IGNORE INTO rds_param_groups (account, region, "
                                  "kind, name, family, description, created_ms) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, g->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, g->family, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, g->description, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, g->created_ms);
    return exec_one(sc->st, st);
}

int rds_pg_delete(const struct rds_scope *sc, const char *kind, const char *name)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM rds_params WHERE account = ?1 AND region = ?2 "
                                  "AND kind = ?3 AND grp = ?4");
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        return -1;
    st = scoped(sc, "DELETE FROM rds_param_groups WHERE account = ?1 AND region = ?2 "
                    "AND kind = ?3 AND name = ?4");
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
    return exec_one(sc->st, st);
}

int rds_pg_list(const struct rds_scope *sc, const char *kind, struct rds_pg **out, int *n)
{
    *out = NULL;
    *n = 0;
    int cap = 0;
    sqlite3_stmt *st = scoped(sc, "SELECT name, family, description, created_ms "
                                  "FROM rds_param_groups WHERE account = ?1 AND region = ?2 "
                                  "AND kind = ?3 ORDER BY name");
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, (size_t)cap * sizeof **out);
        }
        read_pg(st, &(*out)[(*n)++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

int rds_param_set(const struct rds_scope *sc, const char *kind, const char *group,
                  const char *name, const char *value, const char *method)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO rds_params (account, region, kind, "
                                  "grp, name, value, apply_method) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, value, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, method, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int rds_param_unset(const struct rds_scope *sc, const char *kind, const char *group,
                    const char *name)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM rds_params WHERE account = ?1 AND region = ?2 "
                                  "AND kind = ?3 AND grp = ?4 AND name = ?5");
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

cJSON *rds_params_of(const struct rds_scope *sc, const char *kind, const char *group)
{
    sqlite3_stmt *st = scoped(sc, "SELECT name, value, apply_method FROM rds_params "
                                  "WHERE account = ?1 AND region = ?2 AND kind = ?3 "
                                  "AND grp = ?4 ORDER BY name");
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, group, -1, SQLITE_STATIC);
    cJSON *out = cJSON_CreateObject();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *p = cJSON_AddObjectToObject(out, (const char *)sqlite3_column_text(st, 0));
        cJSON_AddStringToObject(p, "value", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddStringToObject(p, "method", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

int rds_pg_users(const struct rds_scope *sc, const char *kind, const char *name)
{
    sqlite3_stmt *st;
    if (strcmp(kind, RDS_PG_CLUSTER) == 0)
        st = scoped(sc, "SELECT count(*) FROM rds_clusters WHERE account = ?1 AND region = ?2 "
                        "AND cpg = ?3");
    else
        st = scoped(sc, "SELECT count(*) FROM rds_instances WHERE account = ?1 "
                        "AND region = ?2 AND pg = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

/* ---- subnet groups ------------------------------------------------------------------------ */

void rds_subnet_group_clear(struct rds_subnet_group *g)
{
    cJSON_Delete(g->subnets);
    memset(g, 0, sizeof *g);
}

int rds_subnet_group_get(const struct rds_scope *sc, const char *name,
                         struct rds_subnet_group *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT name, description, vpc_id, created_ms, subnets "
                                  "FROM rds_subnet_groups WHERE account = ?1 AND region = ?2 "
                                  "AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        copy_col(st, 0, out->name, sizeof out->name);
        copy_col(st, 1, out->description, sizeof out->description);
        copy_col(st, 2, out->vpc_id, sizeof out->vpc_id);
        out->created_ms = sqlite3_column_int64(st, 3);
        out->subnets = json_col(st, 4, 1);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int rds_subnet_group_put(const struct rds_scope *sc, const struct rds_subnet_group *g)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO rds_subnet_groups (account, region, "
                                  "name, description, vpc_id, created_ms, subnets) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite3_bind_text(st, 3, g->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, g->description, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, g->vpc_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, g->created_ms);
    bind_json(st, 7, g->subnets);
    return store_exec_done(st);
}

int rds_subnet_group_delete(const struct rds_scope *sc, const char *name)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM rds_subnet_groups WHERE account = ?1 "
                                  "AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    return exec_one(sc->st, st);
}

cJSON *rds_subnet_group_names(const struct rds_scope *sc)
{
    sqlite3_stmt *st = scoped(sc, "SELECT name FROM rds_subnet_groups WHERE account = ?1 "
                                  "AND region = ?2 ORDER BY name");
    cJSON *out = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(out,
                             cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

int rds_subnet_group_users(const struct rds_scope *sc, const char *name)
{
    sqlite3_stmt *st = scoped(sc, "SELECT count(*) FROM rds_clusters WHERE account = ?1 "
                                  "AND region = ?2 AND json_extract(doc, '$.DBSubnetGroup') = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    return v;
}

/* ---- events ------------------------------------------------------------------------------- */

int rds_event_add(const struct rds_scope *sc, int64_t date_ms, const char *source_type,
                  const char *source_id, const char *source_arn, const char *categories,
                  const char *message)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO rds_events (account, region, source_type, "
                                  "source_id, source_arn, categories, message, date_ms) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    sqlite3_bind_text(st, 3, source_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, source_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, source_arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, categories, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, message, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, date_ms);
    return store_exec_done(st);
}

int rds_event_scan(const struct rds_scope *sc, int64_t from_ms, int64_t to_ms, int64_t after_seq,
                   const char *source_type, const char *source_id, int max_rows,
                   int (*fn)(const struct rds_event *e, void *arg), void *arg)
{
    sqlite3_stmt *st = scoped(sc, "SELECT seq, source_type, source_id, source_arn, categories, "
                                  "message, date_ms FROM rds_events WHERE account = ?1 "
                                  "AND region = ?2 AND date_ms >= ?3 AND date_ms < ?4 "
                                  "AND seq > ?5 AND (?6 IS NULL OR source_type = ?6) "
                                  "AND (?7 IS NULL OR source_id = ?7) ORDER BY seq");
    sqlite3_bind_int64(st, 3, from_ms);
    sqlite3_bind_int64(st, 4, to_ms);
    sqlite3_bind_int64(st, 5, after_seq);
    if (source_type)
        sqlite3_bind_text(st, 6, source_type, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    if (source_id)
        sqlite3_bind_text(st, 7, source_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 7);
    int rc, rows = 0;
    while (rows < max_rows && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        rows++;
        struct rds_event e = {
            .seq = sqlite3_column_int64(st, 0),
            .source_type = (const char *)sqlite3_column_text(st, 1),
            .source_id = (const char *)sqlite3_column_text(st, 2),
            .source_arn = (const char *)sqlite3_column_text(st, 3),
            .categories = (const char *)sqlite3_column_text(st, 4),
            .message = (const char *)sqlite3_column_text(st, 5),
            .date_ms = sqlite3_column_int64(st, 6),
        };
        if (fn(&e, arg) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rows >= max_rows)
        rc = SQLITE_DONE;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int rds_event_prune(struct store *st, const char *account, int64_t before_ms)
{
    sqlite3_stmt *q =
        store_stmt(st, "DELETE FROM rds_events WHERE account = ?1 AND date_ms < ?2");
    sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, before_ms);
    return store_exec_done(q);
}

/* ---- tags ----------------------------------------------------------------------------------- */

int rds_tag_set(const struct rds_scope *sc, const char *arn, const char *key, const char *value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "rds"};
    return store_tag_set(&t, arn, key, value);
}

int rds_tag_unset(const struct rds_scope *sc, const char *arn, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "rds"};
    return store_tag_remove(&t, arn, key);
}

int rds_tag_count(const struct rds_scope *sc, const char *arn)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "rds"};
    int64_t count = 0;
    return store_tag_count(&t, arn, &count) == 0 ? (int)count : -1;
}

cJSON *rds_tag_list(const struct rds_scope *sc, const char *arn)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "rds"};
    cJSON *out = cJSON_CreateArray();
    if (store_tags_append(&t, arn, out, "Key", "Value") != 0) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

int rds_tag_move(const struct rds_scope *sc, const char *from, const char *to)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE OR REPLACE tags SET resource = ?4 WHERE account = ?1 "
                                  "AND region = ?2 AND service = 'rds' AND resource = ?3");
    sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int rds_tag_drop(const struct rds_scope *sc, const char *arn)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND "
                                  "service = 'rds' AND resource = ?3");
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

/* ---- due rows ----------------------------------------------------------------------------- */

int rds_due(struct store *st, const char *account, int64_t now_ms, int max, struct rds_due **out,
            int *n)
{
    *out = NULL;
    *n = 0;
    static const char *const sql[2] = {
        "SELECT region, id FROM rds_clusters WHERE account = ?1 AND next_ms IS NOT NULL "
        "AND next_ms <= ?2 ORDER BY next_ms, region, id LIMIT ?3",
        "SELECT region, id FROM rds_instances WHERE account = ?1 AND next_ms IS NOT NULL "
        "AND next_ms <= ?2 ORDER BY next_ms, region, id LIMIT ?3",
    };
    for (int kind = 0; kind < 2; kind++) {
        sqlite3_stmt *q = store_stmt(st, sql[kind]);
        sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, now_ms);
        sqlite3_bind_int(q, 3, max);
        int rc;
        while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max) {
            if (*out == NULL)
                *out = xcalloc((size_t)max, sizeof **out);
            struct rds_due *d = &(*out)[(*n)++];
            copy_col(q, 0, d->region, sizeof d->region);
            copy_col(q, 1, d->id, sizeof d->id);
            d->instance = kind;
        }
        sqlite3_reset(q);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            free(*out);
            *out = NULL;
            *n = 0;
            return -1;
        }
    }
    return 0;
}

/* ---- ARNs and names ------------------------------------------------------------------------- */

void rds_arn(const struct rds_scope *sc, const char *type, const char *name, char *out,
             size_t n)
{
    snprintf(out, n, "arn:aws:rds:%s:%s:%s:%s", sc->region, sc->account, type, name);
}

const char *rds_arn_name(const struct rds_scope *sc, const char *type, const char *s)
{
    if (s == NULL || strncmp(s, "arn:", 4) != 0)
        return s;
    char prefix[160];
    int len = snprintf(prefix, sizeof prefix, "arn:aws:rds:%s:%s:%s:", sc->region, sc->account,
                       type);
    if (len <= 0 || (size_t)len >= sizeof prefix || strncmp(s, prefix, (size_t)len) != 0)
        return NULL;
    return s + len;
}

void rds_endpoint_hash(const char *account, const char *region, char out[13])
{
    /* FNV-1a over "account/region", spread over 12 base-36 digits */
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = account; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ '/') * 1099511628211ULL;
    for (const char *p = region; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 12; i++) {
        out[i] = digits[h % 36];
        h /= 36;
    }
    out[12] = '\0';
}

/* ---- the contract ---------------------------------------------------------------------------- */

int rds_instance_max_connections(const struct rds_instance *i)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(i->applied, "max_connections");
    if (cJSON_IsString(v)) {
        char *end;
        long n = strtol(v->valuestring, &end, 10);
        if (*end == '\0' && end != v->valuestring && n > 0 && n < 100000000)
            return (int)n;
    }
    return rds_default_max_connections(i->klass);
}

int rds_cluster_info(struct store *st, const char *account, const char *region, const char *id,
                     struct rds_cluster_info *out)
{
    struct rds_scope sc = {st, account, region};
    const char *name = rds_arn_name(&sc, "cluster", id);
    if (name == NULL || *name == '\0')
        return 1;
    struct rds_cluster c;
    int rc = rds_cluster_get(&sc, name, &c);
    if (rc != 0)
        return rc;
    struct rds_instance *members = NULL;
    int n = 0;
    if (rds_instance_list(&sc, c.id, &members, &n) != 0) {
        rds_cluster_clear(&c);
        return -1;
    }
    struct rds_cluster_info info;
    memset(&info, 0, sizeof info);
    snprintf(info.id, sizeof info.id, "%s", c.id);
    rds_arn(&sc, "cluster", c.id, info.arn, sizeof info.arn);
    const char *engine = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c.doc, "Engine"));
    snprintf(info.engine, sizeof info.engine, "%s", engine ? engine : "");
    snprintf(info.engine_family, sizeof info.engine_family, "%s",
             engine && strstr(engine, "mysql") ? "MYSQL" : "POSTGRESQL");
    snprintf(info.status, sizeof info.status, "%s", c.status);
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c.doc, "Endpoint"));
    snprintf(info.endpoint, sizeof info.endpoint, "%s", s ? s : "");
    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c.doc, "ReaderEndpoint"));
    snprintf(info.reader_endpoint, sizeof info.reader_endpoint, "%s", s ? s : "");
    const cJSON *port = cJSON_GetObjectItemCaseSensitive(c.doc, "Port");
    info.port = cJSON_IsNumber(port) ? port->valueint : 5432;
    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c.doc, "VpcId"));
    snprintf(info.vpc_id, sizeof info.vpc_id, "%s", s ? s : "");
    info.nmembers = n;
    for (int k = 0; k < n; k++) {
        if (!members[k].writer)
            continue;
        snprintf(info.writer, sizeof info.writer, "%s", members[k].id);
        snprintf(info.writer_class, sizeof info.writer_class, "%s", members[k].klass);
        info.max_connections = rds_instance_max_connections(&members[k]);
        info.writer_available = strcmp(members[k].status, "available") == 0;
        info.writer_restarts = members[k].restarts;
        break;
    }
    rds_instance_free_list(members, n);
    rds_cluster_clear(&c);
    *out = info;
    return 0;
}
