/*
 * autoscaling.c - the rows behind Application Auto Scaling (see autoscaling.h for the tables
 * and conventions).
 *
 * Every statement binds ?1 = account and ?2 = region first (the tick's due-action query,
 * which spans regions, binds the account only), so no query leaves its tenant. Statements
 * come from the store's cache (store_stmt); an iteration keeps its statement stepping while
 * the callback runs other, different statements, which SQLite allows. To add a query: write
 * it here with the scope binding first, declare it in autoscaling.h, keep AWS rules out.
 */
#include "store/autoscaling.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/tags.h"
#include "util/xmalloc.h"

#define TAG_SERVICE "application-autoscaling"

#define TARGET_COLUMNS                                                                         \
    "namespace, resource_id, dimension, min_cap, max_cap, role_arn, susp_in, susp_out, "       \
    "susp_sched, created_ms, arn, uuid, last_out_ms, last_out_from, last_out_to, last_in_ms"
#define POLICY_COLUMNS                                                                         \
    "namespace, resource_id, dimension, name, arn, type, config, alarms, created_ms"
#define SCHED_COLUMNS                                                                          \
    "namespace, resource_id, dimension, name, arn, schedule, timezone, start_ms, end_ms, "     \
    "min_cap, max_cap, created_ms, next_fire_ms"
#define ACTIVITY_COLUMNS                                                                       \
    "seq, namespace, resource_id, dimension, activity_id, description, cause, start_ms, "      \
    "end_ms, status_code, status_message, details, not_scaled"

/* The key condition of one target, with ?3 ?4 ?5 = namespace, resource_id, dimension. */
#define KEY_WHERE                                                                              \
    "account = ?1 AND region = ?2 AND namespace = ?3 AND resource_id = ?4 AND dimension = ?5"

void store_aas_target_clear(struct aas_target *t)
{
    free(t->ns);
    free(t->resource_id);
    free(t->dimension);
    free(t->role_arn);
    free(t->arn);
    free(t->uuid);
    memset(t, 0, sizeof *t);
}

void store_aas_policy_clear(struct aas_policy *p)
{
    free(p->ns);
    free(p->resource_id);
    free(p->dimension);
    free(p->name);
    free(p->arn);
    free(p->type);
    free(p->config);
    free(p->alarms);
    memset(p, 0, sizeof *p);
}

void store_aas_sched_clear(struct aas_scheduled *a)
{
    free(a->ns);
    free(a->resource_id);
    free(a->dimension);
    free(a->name);
    free(a->arn);
    free(a->schedule);
    free(a->timezone);
    free(a->region);
    memset(a, 0, sizeof *a);
}

void store_aas_activity_clear(struct aas_activity *a)
{
    free(a->ns);
    free(a->resource_id);
    free(a->dimension);
    free(a->activity_id);
    free(a->description);
    free(a->cause);
    free(a->status_code);
    free(a->status_message);
    free(a->details);
    free(a->not_scaled);
    memset(a, 0, sizeof *a);
}

/* Returns an integer column, or 0 for SQL NULL. */
static int64_t col_int(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* Returns the cached statement for sql with ?1 = account and ?2 = region bound. */
static sqlite3_stmt *scoped(const struct aas_scope *sc, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sc->st, sql);
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->region, -1, SQLITE_STATIC);
    return st;
}

/* Like scoped, with the target key bound to ?3 ?4 ?5. */
static sqlite3_stmt *keyed(const struct aas_scope *sc, const struct aas_key *k, const char *sql)
{
    sqlite3_stmt *st = scoped(sc, sql);
    sqlite3_bind_text(st, 3, k->ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, k->resource_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, k->dimension, -1, SQLITE_STATIC);
    return st;
}

/* Binds s, or SQL NULL when s is NULL. */
static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Binds v, or SQL NULL when present is 0. */
static void bind_opt_int(sqlite3_stmt *st, int i, int present, int64_t v)
{
    if (present)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* ---- scalable targets ---------------------------------------------------------------- */

static void read_target(sqlite3_stmt *st, struct aas_target *t)
{
    t->ns = store_col_dup(st, 0);
    t->resource_id = store_col_dup(st, 1);
    t->dimension = store_col_dup(st, 2);
    t->min_cap = sqlite3_column_int64(st, 3);
    t->max_cap = sqlite3_column_int64(st, 4);
    t->role_arn = store_col_dup(st, 5);
    t->susp_in = sqlite3_column_int(st, 6);
    t->susp_out = sqlite3_column_int(st, 7);
    t->susp_sched = sqlite3_column_int(st, 8);
    t->created_ms = sqlite3_column_int64(st, 9);
    t->arn = store_col_dup(st, 10);
    t->uuid = store_col_dup(st, 11);
    t->last_out_ms = sqlite3_column_int64(st, 12);
    t->last_out_from = sqlite3_column_int64(st, 13);
    t->last_out_to = sqlite3_column_int64(st, 14);
    t->last_in_ms = sqlite3_column_int64(st, 15);
}

/* Steps a single-row select into *out. Returns 0, 1 or -1. */
static int one_target(sqlite3_stmt *st, struct aas_target *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return -1;
    read_target(st, out);
    return 0;
}

int store_aas_target_get(const struct aas_scope *sc, const struct aas_key *k,
                         struct aas_target *out)
{
    return one_target(keyed(sc, k, "SELECT " TARGET_COLUMNS " FROM aas_targets WHERE " KEY_WHERE),
                      out);
}

int store_aas_target_get_by_arn(const struct aas_scope *sc, const char *arn,
                                struct aas_target *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " TARGET_COLUMNS " FROM aas_targets WHERE "
                                  "account = ?1 AND region = ?2 AND arn = ?3");
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    return one_target(st, out);
}

int store_aas_target_put(const struct aas_scope *sc, const struct aas_target *t)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO aas_targets (account, region, "
                                  TARGET_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                  "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
    sqlite3_bind_text(st, 3, t->ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->resource_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->dimension, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->min_cap);
    sqlite3_bind_int64(st, 7, t->max_cap);
    sqlite3_bind_text(st, 8, t->role_arn, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, t->susp_in);
    sqlite3_bind_int(st, 10, t->susp_out);
    sqlite3_bind_int(st, 11, t->susp_sched);
    sqlite3_bind_int64(st, 12, t->created_ms);
    sqlite3_bind_text(st, 13, t->arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, t->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 15, t->last_out_ms);
    sqlite3_bind_int64(st, 16, t->last_out_from);
    sqlite3_bind_int64(st, 17, t->last_out_to);
    sqlite3_bind_int64(st, 18, t->last_in_ms);
    return store_exec_done(st);
}

int store_aas_target_delete(const struct aas_scope *sc, const struct aas_key *k)
{
    struct aas_target t = {0};
    int rc = store_aas_target_get(sc, k, &t);
    if (rc != 0)
        return rc;
    rc = -1;
    if (store_exec_done(keyed(sc, k, "DELETE FROM aas_policies WHERE " KEY_WHERE)) != 0 ||
        store_exec_done(keyed(sc, k, "DELETE FROM aas_scheduled WHERE " KEY_WHERE)) != 0 ||
        store_exec_done(keyed(sc, k, "DELETE FROM aas_targets WHERE " KEY_WHERE)) != 0)
        goto out;
    sqlite3_stmt *st = scoped(sc, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND "
                                  "service = '" TAG_SERVICE "' AND resource = ?3");
    sqlite3_bind_text(st, 3, t.arn, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        goto out;
    rc = 0;
out:
    store_aas_target_clear(&t);
    return rc;
}

int store_aas_target_each(const struct aas_scope *sc, const char *ns, const char *dimension,
                          const char *after_rid, const char *after_dim, store_aas_target_fn fn,
                          void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " TARGET_COLUMNS " FROM aas_targets WHERE "
                                  "account = ?1 AND region = ?2 AND namespace = ?3 AND "
                                  "(?4 IS NULL OR dimension = ?4) AND (?5 IS NULL OR "
                                  "resource_id > ?5 OR (resource_id = ?5 AND dimension > ?6)) "
                                  "ORDER BY resource_id, dimension");
    sqlite3_bind_text(st, 3, ns, -1, SQLITE_STATIC);
    bind_opt_text(st, 4, dimension);
    bind_opt_text(st, 5, after_rid);
    bind_opt_text(st, 6, after_dim ? after_dim : "");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct aas_target t = {0};
        read_target(st, &t);
        int r = fn(ctx, &t);
        store_aas_target_clear(&t);
        if (r < 0)
            return -1;
        if (r > 0)
            return 0;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- scaling policies ---------------------------------------------------------------- */

static void read_policy(sqlite3_stmt *st, struct aas_policy *p)
{
    p->ns = store_col_dup(st, 0);
    p->resource_id = store_col_dup(st, 1);
    p->dimension = store_col_dup(st, 2);
    p->name = store_col_dup(st, 3);
    p->arn = store_col_dup(st, 4);
    p->type = store_col_dup(st, 5);
    p->config = store_col_dup(st, 6);
    p->alarms = store_col_dup(st, 7);
    p->created_ms = sqlite3_column_int64(st, 8);
}

int store_aas_policy_get(const struct aas_scope *sc, const struct aas_key *k, const char *name,
                         struct aas_policy *out)
{
    sqlite3_stmt *st = keyed(sc, k, "SELECT " POLICY_COLUMNS " FROM aas_policies WHERE "
                                    KEY_WHERE " AND name = ?6");
    sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return -1;
    read_policy(st, out);
    return 0;
}

int store_aas_policy_put(const struct aas_scope *sc, const struct aas_policy *p)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO aas_policies (account, region, "
                                  POLICY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                  "?9, ?10, ?11)");
    sqlite3_bind_text(st, 3, p->ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->resource_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, p->dimension, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, p->arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, p->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, p->config, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, p->alarms ? p->alarms : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, p->created_ms);
    return store_exec_done(st);
}

int store_aas_policy_delete(const struct aas_scope *sc, const struct aas_key *k,
                            const char *name)
{
    sqlite3_stmt *st = keyed(sc, k, "DELETE FROM aas_policies WHERE " KEY_WHERE " AND name = ?6");
    sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        return -1;
    return sqlite3_changes(sqlite3_db_handle(st)) > 0 ? 0 : 1;
}

/* The filter and ordering shared by the policy and scheduled-action listings: ?3 namespace,
 * ?4 resource_id or NULL, ?5 dimension or NULL, ?6 ?7 ?8 the key to start after (?6 NULL =
 * from the start). */
#define LIST_WHERE                                                                             \
    "account = ?1 AND region = ?2 AND namespace = ?3 AND (?4 IS NULL OR resource_id = ?4) "    \
    "AND (?5 IS NULL OR dimension = ?5) AND (?6 IS NULL OR resource_id > ?6 OR "              \
    "(resource_id = ?6 AND (dimension > ?7 OR (dimension = ?7 AND name > ?8)))) "              \
    "ORDER BY resource_id, dimension, name"

static void bind_list(sqlite3_stmt *st, const char *ns, const char *resource_id,
                      const char *dimension, const char *after_rid, const char *after_dim,
                      const char *after_name)
{
    sqlite3_bind_text(st, 3, ns, -1, SQLITE_STATIC);
    bind_opt_text(st, 4, resource_id);
    bind_opt_text(st, 5, dimension);
    bind_opt_text(st, 6, after_rid);
    bind_opt_text(st, 7, after_dim ? after_dim : "");
    bind_opt_text(st, 8, after_name ? after_name : "");
}

int store_aas_policy_each(const struct aas_scope *sc, const char *ns, const char *resource_id,
                          const char *dimension, const char *after_rid, const char *after_dim,
                          const char *after_name, store_aas_policy_fn fn, void *ctx)
{
    sqlite3_stmt *st =
        scoped(sc, "SELECT " POLICY_COLUMNS " FROM aas_policies WHERE " LIST_WHERE);
    bind_list(st, ns, resource_id, dimension, after_rid, after_dim, after_name);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct aas_policy p = {0};
        read_policy(st, &p);
        int r = fn(ctx, &p);
        store_aas_policy_clear(&p);
        if (r < 0)
            return -1;
        if (r > 0)
            return 0;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- scheduled actions --------------------------------------------------------------- */

static void read_sched(sqlite3_stmt *st, struct aas_scheduled *a)
{
    a->ns = store_col_dup(st, 0);
    a->resource_id = store_col_dup(st, 1);
    a->dimension = store_col_dup(st, 2);
    a->name = store_col_dup(st, 3);
    a->arn = store_col_dup(st, 4);
    a->schedule = store_col_dup(st, 5);
    a->timezone = store_col_dup(st, 6);
    a->start_ms = col_int(st, 7);
    a->end_ms = col_int(st, 8);
    a->has_min = sqlite3_column_type(st, 9) != SQLITE_NULL;
    a->min_cap = col_int(st, 9);
    a->has_max = sqlite3_column_type(st, 10) != SQLITE_NULL;
    a->max_cap = col_int(st, 10);
    a->created_ms = sqlite3_column_int64(st, 11);
    a->next_fire_ms = col_int(st, 12);
}

int store_aas_sched_get(const struct aas_scope *sc, const struct aas_key *k, const char *name,
                        struct aas_scheduled *out)
{
    sqlite3_stmt *st = keyed(sc, k, "SELECT " SCHED_COLUMNS " FROM aas_scheduled WHERE "
                                    KEY_WHERE " AND name = ?6");
    sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return -1;
    read_sched(st, out);
    return 0;
}

int store_aas_sched_put(const struct aas_scope *sc, const struct aas_scheduled *a)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO aas_scheduled (account, region, "
                                  SCHED_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                  "?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    sqlite3_bind_text(st, 3, a->ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->resource_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->dimension, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, a->schedule, -1, SQLITE_STATIC);
    bind_opt_text(st, 9, a->timezone);
    bind_opt_int(st, 10, a->start_ms != 0, a->start_ms);
    bind_opt_int(st, 11, a->end_ms != 0, a->end_ms);
    bind_opt_int(st, 12, a->has_min, a->min_cap);
    bind_opt_int(st, 13, a->has_max, a->max_cap);
    sqlite3_bind_int64(st, 14, a->created_ms);
    bind_opt_int(st, 15, a->next_fire_ms != 0, a->next_fire_ms);
    return store_exec_done(st);
}

int store_aas_sched_delete(const struct aas_scope *sc, const struct aas_key *k,
                           const char *name)
{
    sqlite3_stmt *st = keyed(sc, k, "DELETE FROM aas_scheduled WHERE " KEY_WHERE " AND name = ?6");
    sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        return -1;
    return sqlite3_changes(sqlite3_db_handle(st)) > 0 ? 0 : 1;
}

int store_aas_sched_set_next(const struct aas_scope *sc, const struct aas_key *k,
                             const char *name, int64_t next_fire_ms)
{
    sqlite3_stmt *st = keyed(sc, k, "UPDATE aas_scheduled SET next_fire_ms = ?7 WHERE "
                                    KEY_WHERE " AND name = ?6");
    sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
    bind_opt_int(st, 7, next_fire_ms != 0, next_fire_ms);
    return store_exec_done(st);
}

int store_aas_sched_each(const struct aas_scope *sc, const char *ns, const char *resource_id,
                         const char *dimension, const char *after_rid, const char *after_dim,
                         const char *after_name, store_aas_sched_fn fn, void *ctx)
{
    sqlite3_stmt *st =
        scoped(sc, "SELECT " SCHED_COLUMNS " FROM aas_scheduled WHERE " LIST_WHERE);
    bind_list(st, ns, resource_id, dimension, after_rid, after_dim, after_name);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct aas_scheduled a = {0};
        read_sched(st, &a);
        int r = fn(ctx, &a);
        store_aas_sched_clear(&a);
        if (r < 0)
            return -1;
        if (r > 0)
            return 0;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_aas_sched_due(struct store *s, const char *account, int64_t now_ms,
                        struct aas_scheduled *out)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " SCHED_COLUMNS ", region FROM aas_scheduled "
                                     "WHERE account = ?1 AND next_fire_ms IS NOT NULL AND "
                                     "next_fire_ms <= ?2 ORDER BY next_fire_ms, region, "
                                     "namespace, resource_id, dimension, name LIMIT 1");
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return -1;
    read_sched(st, out);
    out->region = store_col_dup(st, 13);
    sqlite3_reset(st);
    return 0;
}

/* ---- scaling activities -------------------------------------------------------------- */

int store_aas_activity_add(const struct aas_scope *sc, const struct aas_activity *a)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO aas_activities (account, region, namespace, "
                                  "resource_id, dimension, activity_id, description, cause, "
                                  "start_ms, end_ms, status_code, status_message, details, "
                                  "not_scaled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                  "?10, ?11, ?12, ?13, ?14)");
    sqlite3_bind_text(st, 3, a->ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->resource_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->dimension, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->activity_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->description, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, a->cause, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, a->start_ms);
    bind_opt_int(st, 10, a->end_ms != 0, a->end_ms);
    sqlite3_bind_text(st, 11, a->status_code, -1, SQLITE_STATIC);
    bind_opt_text(st, 12, a->status_message);
    bind_opt_text(st, 13, a->details);
    bind_opt_text(st, 14, a->not_scaled);
    return store_exec_done(st);
}

int store_aas_activity_each(const struct aas_scope *sc, const char *ns, const char *resource_id,
                            const char *dimension, int include_not_scaled, int64_t before_seq,
                            store_aas_activity_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " ACTIVITY_COLUMNS " FROM aas_activities WHERE "
                                  "account = ?1 AND region = ?2 AND namespace = ?3 AND "
                                  "(?4 IS NULL OR resource_id = ?4) AND (?5 IS NULL OR "
                                  "dimension = ?5) AND (?6 OR not_scaled IS NULL) AND "
                                  "(?7 <= 0 OR seq < ?7) ORDER BY seq DESC");
    sqlite3_bind_text(st, 3, ns, -1, SQLITE_STATIC);
    bind_opt_text(st, 4, resource_id);
    bind_opt_text(st, 5, dimension);
    sqlite3_bind_int(st, 6, include_not_scaled ? 1 : 0);
    sqlite3_bind_int64(st, 7, before_seq);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct aas_activity a = {0};
        a.seq = sqlite3_column_int64(st, 0);
        a.ns = store_col_dup(st, 1);
        a.resource_id = store_col_dup(st, 2);
        a.dimension = store_col_dup(st, 3);
        a.activity_id = store_col_dup(st, 4);
        a.description = store_col_dup(st, 5);
        a.cause = store_col_dup(st, 6);
        a.start_ms = sqlite3_column_int64(st, 7);
        a.end_ms = col_int(st, 8);
        a.status_code = store_col_dup(st, 9);
        a.status_message = store_col_dup(st, 10);
        a.details = store_col_dup(st, 11);
        a.not_scaled = store_col_dup(st, 12);
        int r = fn(ctx, &a);
        store_aas_activity_clear(&a);
        if (r < 0)
            return -1;
        if (r > 0)
            return 0;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- tags ---------------------------------------------------------------------------- */

int store_aas_tag_put(const struct aas_scope *sc, const char *arn, const char *key,
                      const char *value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    return store_tag_set(&t, arn, key, value);
}

int store_aas_tag_delete(const struct aas_scope *sc, const char *arn, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    return store_tag_remove(&t, arn, key);
}

int store_aas_tag_count(const struct aas_scope *sc, const char *arn, int64_t *n)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    return store_tag_count(&t, arn, n);
}

int store_aas_tag_has(const struct aas_scope *sc, const char *arn, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    char *value = NULL;
    int rc = store_tag_get(&t, arn, key, &value);
    free(value);
    return rc < 0 ? -1 : rc == 0;
}

int store_aas_tags(const struct aas_scope *sc, const char *arn, cJSON *into)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    return store_tags_append(&t, arn, into, NULL, NULL);
}
