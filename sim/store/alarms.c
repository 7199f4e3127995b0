/*
 * alarms.c - the rows behind CloudWatch alarms (see alarms.h for the tables and the
 * conventions).
 *
 * Every scoped statement binds ?1 = account and ?2 = region first, so it cannot leave its
 * tenant. An iteration keeps its statement stepping while the callback runs other
 * statements, which SQLite allows as long as the callback does not run the same SQL text
 * (store_stmt would reset it). To add a query: write it here, declare it in alarms.h and keep
 * the AWS rules out of it.
 */
#include "store/alarms.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/tags.h"
#include "util/xmalloc.h"

#define ALARM_COLUMNS                                                                          \
    "name, type, config, actions_enabled, namespace, metric, dims, state, reason, "            \
    "reason_data, state_updated_ms, transitioned_ms, config_updated_ms, next_eval_ms, "        \
    "action_ms"
#define HISTORY_COLUMNS "seq, alarm, alarm_type, ts_ms, item_type, summary, data"

void store_alarm_clear(struct alarm_row *r)
{
    free(r->region);
    free(r->name);
    free(r->type);
    free(r->config);
    free(r->namespace);
    free(r->metric);
    free(r->dims);
    free(r->state);
    free(r->reason);
    free(r->reason_data);
    memset(r, 0, sizeof *r);
}

void store_alarm_history_clear(struct alarm_history *h)
{
    free(h->alarm);
    free(h->alarm_type);
    free(h->item_type);
    free(h->summary);
    free(h->data);
    memset(h, 0, sizeof *h);
}

/* An integer column, 0 for SQL NULL. */
static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* Returns the cached statement for sql with ?1 = account and ?2 = region bound. */
static sqlite3_stmt *scoped(const struct alarm_scope *sc, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sc->st, sql);
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->region, -1, SQLITE_STATIC);
    return st;
}

/* Binds ms, or SQL NULL when it is 0. */
static void bind_ms(sqlite3_stmt *st, int i, int64_t ms)
{
    if (ms)
        sqlite3_bind_int64(st, i, ms);
    else
        sqlite3_bind_null(st, i);
}

/* Steps an UPDATE or DELETE of one keyed row. Returns 0, 1 (no row) or -1. */
static int exec_one(struct store *s, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        return -1;
    return sqlite3_changes(store_db(s)) > 0 ? 0 : 1;
}

/* Reads the ALARM_COLUMNS starting at column `first` into r. */
static void read_alarm(sqlite3_stmt *st, int first, struct alarm_row *r)
{
    r->name = store_col_dup(st, first + 0);
    r->type = store_col_dup(st, first + 1);
    r->config = store_col_dup(st, first + 2);
    r->actions_enabled = sqlite3_column_int(st, first + 3);
    r->namespace = store_col_dup(st, first + 4);
    r->metric = store_col_dup(st, first + 5);
    r->dims = store_col_dup(st, first + 6);
    r->state = store_col_dup(st, first + 7);
    r->reason = store_col_dup(st, first + 8);
    r->reason_data = store_col_dup(st, first + 9);
    r->state_updated_ms = col_i64(st, first + 10);
    r->transitioned_ms = col_i64(st, first + 11);
    r->config_updated_ms = col_i64(st, first + 12);
    r->next_eval_ms = col_i64(st, first + 13);
    r->action_ms = col_i64(st, first + 14);
}

/* ---- alarms ----------------------------------------------------------------------------- */

int store_alarm_get(const struct alarm_scope *sc, const char *name, struct alarm_row *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " ALARM_COLUMNS " FROM cw_alarms "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_alarm(st, 0, out);
        sqlite3_reset(st);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_alarm_put(const struct alarm_scope *sc, const struct alarm_row *r)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO cw_alarms (account, region, "
                                  ALARM_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                                  "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    sqlite3_bind_text(st, 3, r->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->config, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, r->actions_enabled);
    store_bind_opt(st, 7, r->namespace);
    store_bind_opt(st, 8, r->metric);
    store_bind_opt(st, 9, r->dims);
    sqlite3_bind_text(st, 10, r->state, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, r->reason ? r->reason : "", -1, SQLITE_STATIC);
    store_bind_opt(st, 12, r->reason_data);
    sqlite3_bind_int64(st, 13, r->state_updated_ms);
    sqlite3_bind_int64(st, 14, r->transitioned_ms);
    sqlite3_bind_int64(st, 15, r->config_updated_ms);
    bind_ms(st, 16, r->next_eval_ms);
    sqlite3_bind_int64(st, 17, r->action_ms);
    return store_exec_done(st);
}

int store_alarm_delete(const struct alarm_scope *sc, const char *name, const char *arn)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM cw_alarms WHERE account = ?1 AND region = ?2 "
                                  "AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = exec_one(sc->st, st);
    if (rc != 0)
        return rc;
    st = scoped(sc, "DELETE FROM cw_alarm_refs WHERE account = ?1 AND region = ?2 "
                    "AND parent = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (store_exec_done(st))
        return -1;
    st = scoped(sc, "DELETE FROM tags WHERE account = ?1 AND region = ?2 "
                    "AND service = 'cloudwatch' AND resource = ?3");
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int store_alarm_set_state(const struct alarm_scope *sc, const char *name, const char *state,
                          const char *reason, const char *reason_data, int64_t updated_ms,
                          int64_t transitioned_ms)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE cw_alarms SET state = ?4, reason = ?5, "
                                  "reason_data = ?6, state_updated_ms = ?7, "
                                  "transitioned_ms = ?8 WHERE account = ?1 AND region = ?2 "
                                  "AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, reason ? reason : "", -1, SQLITE_STATIC);
    store_bind_opt(st, 6, reason_data);
    sqlite3_bind_int64(st, 7, updated_ms);
    sqlite3_bind_int64(st, 8, transitioned_ms);
    return exec_one(sc->st, st);
}

int store_alarm_set_next(const struct alarm_scope *sc, const char *name, int64_t next_ms)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE cw_alarms SET next_eval_ms = ?4 WHERE account = ?1 "
                                  "AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    bind_ms(st, 4, next_ms);
    return exec_one(sc->st, st);
}

int store_alarm_set_action_ms(const struct alarm_scope *sc, const char *name, int64_t ms)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE cw_alarms SET action_ms = ?4 WHERE account = ?1 "
                                  "AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ms);
    return exec_one(sc->st, st);
}

int store_alarm_set_actions_enabled(const struct alarm_scope *sc, const char *name, int on)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE cw_alarms SET actions_enabled = ?4 "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, on ? 1 : 0);
    return exec_one(sc->st, st);
}

/* Steps st over alarm rows (ALARM_COLUMNS from column 0), calling fn for each. */
static int each_row(sqlite3_stmt *st, store_alarm_fn fn, void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct alarm_row r = {0};
        read_alarm(st, 0, &r);
        int f = fn(ctx, &r);
        store_alarm_clear(&r);
        if (f < 0) {
            sqlite3_reset(st);
            return -1;
        }
        if (f > 0) {
            sqlite3_reset(st);
            return 0;
        }
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_alarm_each(const struct alarm_scope *sc, const char *after, const char *prefix,
                     store_alarm_fn fn, void *ctx)
{
    /* substr() keeps the prefix test exact (LIKE would treat % and _ as wildcards) */
    sqlite3_stmt *st = scoped(sc, "SELECT " ALARM_COLUMNS " FROM cw_alarms "
                                  "WHERE account = ?1 AND region = ?2 AND name > ?3 "
                                  "AND (?4 IS NULL OR substr(name, 1, length(?4)) = ?4) "
                                  "ORDER BY name");
    sqlite3_bind_text(st, 3, after ? after : "", -1, SQLITE_STATIC);
    store_bind_opt(st, 4, prefix);
    return each_row(st, fn, ctx);
}

int store_alarm_each_for_metric(const struct alarm_scope *sc, const char *namespace,
                                const char *metric, store_alarm_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " ALARM_COLUMNS " FROM cw_alarms "
                                  "WHERE account = ?1 AND region = ?2 AND namespace = ?3 "
                                  "AND metric = ?4 ORDER BY name");
    sqlite3_bind_text(st, 3, namespace, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, metric, -1, SQLITE_STATIC);
    return each_row(st, fn, ctx);
}

int store_alarm_due(struct store *s, const char *account, int64_t now_ms,
                    struct alarm_row *out, int max)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT region, " ALARM_COLUMNS " FROM cw_alarms "
                                     "WHERE account = ?1 AND next_eval_ms <= ?2 "
                                     "ORDER BY next_eval_ms, region, name LIMIT ?3");
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, max);
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max) {
        memset(&out[n], 0, sizeof out[n]);
        out[n].region = store_col_dup(st, 0);
        read_alarm(st, 1, &out[n]);
        n++;
    }
    if (rc == SQLITE_ROW) {
        sqlite3_reset(st);
        return n;
    }
    if (rc != SQLITE_DONE) {
        for (int i = 0; i < n; i++)
            store_alarm_clear(&out[i]);
        return -1;
    }
    return n;
}

int store_alarm_count(const struct alarm_scope *sc, int64_t *n)
{
    sqlite3_stmt *st = scoped(sc, "SELECT count(*) FROM cw_alarms WHERE account = ?1 "
                                  "AND region = ?2");
    if (sqlite3_step(st) != SQLITE_ROW)
        return -1;
    *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

/* ---- composite references ---------------------------------------------------------------- */

int store_alarm_refs_set(const struct alarm_scope *sc, const char *parent,
                         const char *const *children, int n)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM cw_alarm_refs WHERE account = ?1 "
                                  "AND region = ?2 AND parent = ?3");
    sqlite3_bind_text(st, 3, parent, -1, SQLITE_STATIC);
    if (store_exec_done(st))
        return -1;
    for (int i = 0; i < n; i++) {
        st = scoped(sc, "INSERT OR IGNORE INTO cw_alarm_refs (account, region, parent, child) "
                        "VALUES (?1, ?2, ?3, ?4)");
        sqlite3_bind_text(st, 3, parent, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, children[i], -1, SQLITE_STATIC);
        if (store_exec_done(st))
            return -1;
    }
    return 0;
}

int store_alarm_refs_each(const struct alarm_scope *sc, const char *name, int parents,
                          store_alarm_name_fn fn, void *ctx)
{
    sqlite3_stmt *st =
        parents ? scoped(sc, "SELECT parent FROM cw_alarm_refs WHERE account = ?1 "
                             "AND region = ?2 AND child = ?3 ORDER BY parent")
                : scoped(sc, "SELECT child FROM cw_alarm_refs WHERE account = ?1 "
                             "AND region = ?2 AND parent = ?3 ORDER BY child");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *n = store_col_dup(st, 0);
        int f = fn(ctx, n ? n : "");
        free(n);
        if (f != 0) {
            sqlite3_reset(st);
            return f < 0 ? -1 : 0;
        }
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- history ------------------------------------------------------------------------------ */

int store_alarm_history_add(const struct alarm_scope *sc, const char *alarm,
                            const char *alarm_type, int64_t ts_ms, const char *item_type,
                            const char *summary, const char *data)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO cw_alarm_history (account, region, alarm, "
                                  "alarm_type, ts_ms, item_type, summary, data) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    sqlite3_bind_text(st, 3, alarm, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, alarm_type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, ts_ms);
    sqlite3_bind_text(st, 6, item_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, summary, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, data ? data : "{}", -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int store_alarm_history_each(const struct alarm_scope *sc, const struct alarm_history_filter *f,
                             store_alarm_history_fn fn, void *ctx)
{
    /* One statement per scan direction; every filter is a bound parameter that may be NULL. */
#define HISTORY_WHERE                                                                          \
    "WHERE account = ?1 AND region = ?2 AND (?3 IS NULL OR alarm = ?3) "                       \
    "AND (?4 OR alarm_type <> 'MetricAlarm') AND (?5 OR alarm_type <> 'CompositeAlarm') "      \
    "AND (?6 IS NULL OR item_type = ?6) AND (?7 IS NULL OR ts_ms >= ?7) "                      \
    "AND (?8 IS NULL OR ts_ms <= ?8) "
    sqlite3_stmt *st =
        f->ascending
            ? scoped(sc, "SELECT " HISTORY_COLUMNS " FROM cw_alarm_history " HISTORY_WHERE
                         "AND seq > ?9 ORDER BY seq")
            : scoped(sc, "SELECT " HISTORY_COLUMNS " FROM cw_alarm_history " HISTORY_WHERE
                         "AND seq < ?9 ORDER BY seq DESC");
#undef HISTORY_WHERE
    store_bind_opt(st, 3, f->alarm);
    sqlite3_bind_int(st, 4, f->metric);
    sqlite3_bind_int(st, 5, f->composite);
    store_bind_opt(st, 6, f->item_type);
    bind_ms(st, 7, f->start_ms);
    bind_ms(st, 8, f->end_ms);
    sqlite3_bind_int64(st, 9, f->after_seq ? f->after_seq : (f->ascending ? 0 : INT64_MAX));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct alarm_history h = {
            .seq = sqlite3_column_int64(st, 0),
            .alarm = store_col_dup(st, 1),
            .alarm_type = store_col_dup(st, 2),
            .ts_ms = sqlite3_column_int64(st, 3),
            .item_type = store_col_dup(st, 4),
            .summary = store_col_dup(st, 5),
            .data = store_col_dup(st, 6),
        };
        int r = fn(ctx, &h);
        store_alarm_history_clear(&h);
        if (r != 0) {
            sqlite3_reset(st);
            return r < 0 ? -1 : 0;
        }
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_alarm_history_prune(struct store *s, const char *account, int64_t before_ms)
{
    sqlite3_stmt *st = store_stmt(s, "DELETE FROM cw_alarm_history WHERE account = ?1 "
                                     "AND ts_ms < ?2");
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, before_ms);
    return store_exec_done(st);
}

/* ---- tags --------------------------------------------------------------------------------- */

int store_alarm_tag_set(const struct alarm_scope *sc, const char *arn, const char *key,
                        const char *value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "cloudwatch"};
    return store_tag_set(&t, arn, key, value);
}

int store_alarm_tag_remove(const struct alarm_scope *sc, const char *arn, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "cloudwatch"};
    return store_tag_remove(&t, arn, key);
}

int store_alarm_tag_count(const struct alarm_scope *sc, const char *arn, int64_t *n)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "cloudwatch"};
    return store_tag_count(&t, arn, n);
}

int store_alarm_tags(const struct alarm_scope *sc, const char *arn, cJSON *into)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "cloudwatch"};
    return store_tags_append(&t, arn, into, "Key", "Value");
}
