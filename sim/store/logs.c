/*
 * logs.c - the rows behind CloudWatch Logs (see logs.h for the tables and conventions).
 *
 * Group statements bind ?1 = account and ?2 = region first, so they cannot leave their
 * tenant; streams and events are reached through a group id the caller got from a scoped
 * statement. The event scan (logs_events_scan) is the hot path of Logs Insights and
 * FilterLogEvents: one statement per source walks the clustered key (group_id, ts_ms, id) or
 * the stream index from the cursor on, with the substring prefilter evaluated by SQLite, and
 * several sources are merged in C by (ts_ms, id). To add a query: write it here, declare it in
 * logs.h, and keep AWS rules out of it.
 */
#include "store/logs.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/logs_bloom.h"
#include "store/store.h"
#include "store/store_int.h"
#include "store/tags.h"
#include "util/xmalloc.h"

#define DAY_MS "86400000"
#define EXPIRE_BATCH 256 /* groups whose retention the tick enforces per call */
/* A prefiltered scan skips the buckets logs_bloom.c rules out, over ranges up to this many
 * buckets (two weeks); a longer range is scanned whole. */
#define SKIP_BUCKETS_MAX 4032

#define GROUP_COLUMNS                                                                          \
    "id, name, created_ms, retention_days, kms_key_id, log_class, deletion_protection, "       \
    "stored_bytes"
#define STREAM_COLUMNS                                                                         \
    "id, name, created_ms, first_ts_ms, last_ts_ms, last_ingest_ms, seq"

/* ---- helpers ----------------------------------------------------------------------------- */

/* Returns the cached statement for sql with ?1 = account and ?2 = region bound. */
static sqlite3_stmt *scoped(const struct logs_scope *sc, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sc->st, sql);
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->region, -1, SQLITE_STATIC);
    return st;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

void logs_group_clear(struct logs_group *g)
{
    free(g->name);
    free(g->kms_key_id);
    free(g->log_class);
    memset(g, 0, sizeof *g);
}

void logs_stream_clear(struct logs_stream *s)
{
    free(s->name);
    memset(s, 0, sizeof *s);
}

/* Fills g from a row of GROUP_COLUMNS starting at column 0; strings point into the row when
 * copy is 0 (valid until the statement moves), else they are owned copies. */
static void read_group(sqlite3_stmt *st, struct logs_group *g, int copy)
{
    g->id = sqlite3_column_int64(st, 0);
    g->created_ms = sqlite3_column_int64(st, 2);
    g->retention_days = sqlite3_column_int(st, 3);
    g->deletion_protection = sqlite3_column_int(st, 6);
    g->stored_bytes = sqlite3_column_int64(st, 7);
    if (copy) {
        g->name = store_col_dup(st, 1);
        g->kms_key_id = store_col_dup(st, 4);
        g->log_class = store_col_dup(st, 5);
    } else {
        g->name = (char *)sqlite3_column_text(st, 1);
        g->kms_key_id = (char *)sqlite3_column_text(st, 4);
        g->log_class = (char *)sqlite3_column_text(st, 5);
    }
}

/* Fills s from a row of STREAM_COLUMNS (see read_group for copy). */
static void read_stream(sqlite3_stmt *st, struct logs_stream *s, int copy)
{
    s->id = sqlite3_column_int64(st, 0);
    s->name = copy ? store_col_dup(st, 1) : (char *)sqlite3_column_text(st, 1);
    s->created_ms = sqlite3_column_int64(st, 2);
    s->has_events = sqlite3_column_type(st, 3) != SQLITE_NULL;
    s->first_ts_ms = sqlite3_column_int64(st, 3);
    s->last_ts_ms = sqlite3_column_int64(st, 4);
    s->last_ingest_ms = sqlite3_column_int64(st, 5);
    s->seq = sqlite3_column_int64(st, 6);
}

/* Looks up a group's id. Returns 0, 1 or -1. */
static int group_id(const struct logs_scope *sc, const char *name, int64_t *id)
{
    sqlite3_stmt *st = scoped(sc, "SELECT id FROM logs_groups WHERE account = ?1 AND "
                                  "region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Recomputes when the oldest event of group id expires (NULL without retention or events). */
static int refresh_expiry(struct store *s, int64_t id)
{
    sqlite3_stmt *st = store_stmt(
        s, "UPDATE logs_groups SET expire_ms = CASE WHEN retention_days IS NULL THEN NULL "
           "ELSE (SELECT min(ts_ms) FROM logs_events WHERE group_id = ?1) + "
           "retention_days * " DAY_MS " + 1 END WHERE id = ?1");
    sqlite3_bind_int64(st, 1, id);
    return store_exec_done(st);
}

/* ---- the event scan ------------------------------------------------------------------------ */

#define SCAN_SELECT                                                                            \
    "SELECT e.ts_ms, e.id, e.ingest_ms, e.message, s.name FROM logs_events e "                 \
    "JOIN logs_streams s ON s.id = e.stream_id WHERE "
#define SCAN_ASC " AND e.ts_ms >= ?2 AND e.ts_ms <= ?3 AND (e.ts_ms > ?4 OR e.id > ?5)"
#define SCAN_DESC " AND e.ts_ms >= ?2 AND e.ts_ms <= ?3 AND (e.ts_ms < ?4 OR e.id < ?5)"
#define SCAN_LIKE " AND instr(e.message, ?6) > 0"
#define SCAN_ORDER_ASC " ORDER BY e.ts_ms, e.id LIMIT ?7"
#define SCAN_ORDER_DESC " ORDER BY e.ts_ms DESC, e.id DESC LIMIT ?7"

/* [by_stream][desc][like] */
static const char *const scan_sql[2][2][2] = {
    {
        {SCAN_SELECT "e.group_id = ?1" SCAN_ASC SCAN_ORDER_ASC,
         SCAN_SELECT "e.group_id = ?1" SCAN_ASC SCAN_LIKE SCAN_ORDER_ASC},
        {SCAN_SELECT "e.group_id = ?1" SCAN_DESC SCAN_ORDER_DESC,
         SCAN_SELECT "e.group_id = ?1" SCAN_DESC SCAN_LIKE SCAN_ORDER_DESC},
    },
    {
        {SCAN_SELECT "e.stream_id = ?1" SCAN_ASC SCAN_ORDER_ASC,
         SCAN_SELECT "e.stream_id = ?1" SCAN_ASC SCAN_LIKE SCAN_ORDER_ASC},
        {SCAN_SELECT "e.stream_id = ?1" SCAN_DESC SCAN_ORDER_DESC,
         SCAN_SELECT "e.stream_id = ?1" SCAN_DESC SCAN_LIKE SCAN_ORDER_DESC},
    },
};

struct scan_src {
    sqlite3_stmt *st;
    int owned; /* prepared for this scan (finalize), else the store's cached statement */
    const char *group;
    int has_row;
};

/* Steps src; returns 0 (has_row set) or -1. */
static int scan_step(struct scan_src *src)
{
    int rc = sqlite3_step(src->st);
    src->has_row = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Returns 1 if a's current row comes before b's in the scan order. */
static int scan_before(const struct scan_src *a, const struct scan_src *b, int desc)
{
    int64_t ta = sqlite3_column_int64(a->st, 0), tb = sqlite3_column_int64(b->st, 0);
    int64_t ia = sqlite3_column_int64(a->st, 1), ib = sqlite3_column_int64(b->st, 1);
    if (ta != tb)
        return desc ? ta > tb : ta < tb;
    return desc ? ia > ib : ia < ib;
}

/* The scan of [start_ms, end_ms] itself (logs_events_scan's contract); *visited counts the
 * events passed to fn. */
static int scan_range(struct store *st, const struct logs_source *src, int nsrc,
                      int64_t start_ms, int64_t end_ms, int desc, const char *like,
                      struct logs_cursor *cursor, int max,
                      int (*fn)(void *ctx, const struct log_event *ev), void *ctx, int *visited_out)
{
    int rc = -1;
    *visited_out = 0;
    desc = desc != 0;
    if (nsrc <= 0 || start_ms > end_ms)
        return 1;
    int64_t lo = start_ms, hi = end_ms, cts, cid = cursor->id;
    if (!cursor->started) {
        cts = desc ? INT64_MAX : INT64_MIN;
    } else {
        cts = cursor->ts_ms;
        if (desc && cts < hi)
            hi = cts;
        if (!desc && cts > lo)
            lo = cts;
    }
    if (lo > hi)
        return 1;
    const char *sql = scan_sql[0][desc][like != NULL];
    struct scan_src *ss = xcalloc((size_t)nsrc, sizeof *ss);
    for (int i = 0; i < nsrc; i++) {
        sql = scan_sql[src[i].by_stream != 0][desc][like != NULL];
        if (nsrc == 1) {
            ss[i].st = store_stmt(st, sql);
        } else {
            if (sqlite3_prepare_v3(store_db(st), sql, -1, 0, &ss[i].st, NULL) != SQLITE_OK)
                goto out;
            ss[i].owned = 1;
        }
        ss[i].group = src[i].group;
        sqlite3_bind_int64(ss[i].st, 1, src[i].id);
        sqlite3_bind_int64(ss[i].st, 2, lo);
        sqlite3_bind_int64(ss[i].st, 3, hi);
        sqlite3_bind_int64(ss[i].st, 4, cts);
        sqlite3_bind_int64(ss[i].st, 5, cid);
        if (like)
            sqlite3_bind_text(ss[i].st, 6, like, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ss[i].st, 7, max > 0 ? max : -1);
        if (scan_step(&ss[i]) != 0)
            goto out;
    }
    int visited = 0;
    for (;;) {
        struct scan_src *best = NULL;
        for (int i = 0; i < nsrc; i++) {
            if (ss[i].has_row && (best == NULL || scan_before(&ss[i], best, desc)))
                best = &ss[i];
        }
        if (best == NULL) {
            rc = 1;
            break;
        }
        struct log_event ev = {
            .id = sqlite3_column_int64(best->st, 1),
            .group = best->group,
            .stream = (const char *)sqlite3_column_text(best->st, 4),
            .ts_ms = sqlite3_column_int64(best->st, 0),
            .ingest_ms = sqlite3_column_int64(best->st, 2),
            .message = (const char *)sqlite3_column_text(best->st, 3),
        };
        ev.message_len = (size_t)sqlite3_column_bytes(best->st, 3);
        if (ev.message == NULL)
            ev.message = "";
        cursor->ts_ms = ev.ts_ms;
        cursor->id = ev.id;
        cursor->started = 1;
        visited++;
        *visited_out = visited;
        if (fn(ctx, &ev) != 0) {
            rc = 0;
            break;
        }
        if (scan_step(best) != 0)
            goto out;
        if (max > 0 && visited >= max) {
            rc = 0;
            break;
        }
    }
out:
    for (int i = 0; i < nsrc; i++) {
        if (ss[i].owned)
            sqlite3_finalize(ss[i].st);
        else if (ss[i].st)
            sqlite3_reset(ss[i].st);
    }
    free(ss);
    return rc;
}

/* Whether bucket (the one holding ts_ms) may hold like in any source: a stream source has no
 * group filter, so it always may. */
static int bucket_may_hold(struct store *st, const struct logs_source *src, int nsrc,
                           int64_t ts_ms, const char *like)
{
    for (int i = 0; i < nsrc; i++) {
        if (src[i].by_stream || logs_bloom_may_contain(st, src[i].id, ts_ms, like) != 0)
            return 1;
    }
    return 0;
}

int logs_events_scan(struct store *st, const struct logs_source *src, int nsrc,
                     int64_t start_ms, int64_t end_ms, int desc, const char *like,
                     struct logs_cursor *cursor, int max,
                     int (*fn)(void *ctx, const struct log_event *ev), void *ctx)
{
    int visited;
    if (cursor->started) {
        /* what the cursor has passed cannot be read again */
        if (desc && cursor->ts_ms < end_ms)
            end_ms = cursor->ts_ms;
        if (!desc && cursor->ts_ms > start_ms)
            start_ms = cursor->ts_ms;
    }
    if (like == NULL || strlen(like) < 3 || nsrc <= 0 || start_ms > end_ms ||
        (end_ms - start_ms) / LOGS_BLOOM_BUCKET_MS > SKIP_BUCKETS_MAX)
        return scan_range(st, src, nsrc, start_ms, end_ms, desc, like, cursor, max, fn, ctx,
                          &visited);
    /* Bucket by bucket in scan order: those that may hold the prefilter are scanned, the
     * others skipped. Deciding as it goes means a query that stops early (a limit on the
     * newest events) never looks at the buckets it does not reach. */
    const int64_t w = LOGS_BLOOM_BUCKET_MS;
    int64_t at = desc ? end_ms : start_ms; /* a time in the bucket being looked at */
    int left = max;
    for (;;) {
        int64_t b0 = at / w * w - (at < 0 && at % w != 0 ? w : 0);
        int64_t lo = b0 > start_ms ? b0 : start_ms;
        int64_t hi = b0 + w - 1 < end_ms ? b0 + w - 1 : end_ms;
        if (bucket_may_hold(st, src, nsrc, at, like)) {
            int rc = scan_range(st, src, nsrc, lo, hi, desc, like, cursor, left, fn, ctx,
                                &visited);
            if (rc != 1)
                return rc;
            if (max > 0) {
                left -= visited;
                if (left <= 0)
                    return 0;
            }
        }
        if (desc ? lo == start_ms : hi == end_ms)
            return 1;
        at = desc ? lo - 1 : hi + 1;
    }
}

int logs_scan(struct store *st, const char *account, const char *region,
              const char *const *groups, int ngroups, int64_t start_ms, int64_t end_ms, int desc,
              const char *like, struct logs_cursor *cursor, int max,
              int (*fn)(void *ctx, const struct log_event *ev), void *ctx)
{
    if (ngroups <= 0)
        return 1;
    struct logs_scope sc = {st, account, region};
    struct logs_source *src = xcalloc((size_t)ngroups, sizeof *src);
    int n = 0;
    for (int i = 0; i < ngroups; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= strcmp(groups[j], groups[i]) == 0;
        if (seen)
            continue;
        int64_t id;
        int rc = group_id(&sc, groups[i], &id);
        if (rc < 0) {
            free(src);
            return -1;
        }
        if (rc == 0) {
            src[n].id = id;
            src[n].group = groups[i];
            n++;
        }
    }
    int rc = logs_events_scan(st, src, n, start_ms, end_ms, desc, like, cursor, max, fn, ctx);
    free(src);
    return rc;
}

int logs_get_event(struct store *st, const char *account, const char *region, int64_t id,
                   int (*fn)(void *ctx, const struct log_event *ev), void *ctx)
{
    sqlite3_stmt *q = store_stmt(
        st, "SELECT e.ts_ms, e.id, e.ingest_ms, e.message, s.name, g.name FROM logs_events e "
            "JOIN logs_groups g ON g.id = e.group_id JOIN logs_streams s ON s.id = e.stream_id "
            "WHERE e.id = ?3 AND g.account = ?1 AND g.region = ?2");
    sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, region, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, id);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(q);
        return rc == SQLITE_DONE ? 1 : -1;
    }
    struct log_event ev = {
        .id = sqlite3_column_int64(q, 1),
        .group = (const char *)sqlite3_column_text(q, 5),
        .stream = (const char *)sqlite3_column_text(q, 4),
        .ts_ms = sqlite3_column_int64(q, 0),
        .ingest_ms = sqlite3_column_int64(q, 2),
        .message = (const char *)sqlite3_column_text(q, 3),
    };
    ev.message_len = (size_t)sqlite3_column_bytes(q, 3);
    if (ev.message == NULL)
        ev.message = "";
    fn(ctx, &ev);
    sqlite3_reset(q);
    return 0;
}

int logs_group_exists(struct store *st, const char *account, const char *region,
                      const char *group)
{
    struct logs_scope sc = {st, account, region};
    int64_t id;
    int rc = group_id(&sc, group, &id);
    return rc < 0 ? -1 : rc == 0;
}

/* ---- groups ---------------------------------------------------------------------------------- */

int logs_group_create(const struct logs_scope *sc, const char *name, int64_t created_ms,
                      const char *kms_key_id, const char *log_class, int deletion_protection,
                      int64_t *id)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO logs_groups (account, region, name, created_ms,"
                                  " retention_days, kms_key_id, log_class, deletion_protection,"
                                  " stored_bytes, expire_ms) VALUES (?1, ?2, ?3, ?4, NULL, ?5,"
                                  " ?6, ?7, 0, NULL) ON CONFLICT DO NOTHING RETURNING id");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, created_ms);
    if (kms_key_id)
        sqlite3_bind_text(st, 5, kms_key_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, log_class, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, deletion_protection != 0);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 1 : -1;
}

int logs_group_get(const struct logs_scope *sc, const char *name, struct logs_group *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " GROUP_COLUMNS " FROM logs_groups WHERE "
                                  "account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_group(st, out, 1);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int logs_group_delete(const struct logs_scope *sc, const char *name)
{
    int64_t id;
    int rc = group_id(sc, name, &id);
    if (rc != 0)
        return rc;
    sqlite3_stmt *st = store_stmt(sc->st, "DELETE FROM logs_events WHERE group_id = ?1");
    sqlite3_bind_int64(st, 1, id);
    if (store_exec_done(st) != 0)
        return -1;
    st = store_stmt(sc->st, "DELETE FROM logs_streams WHERE group_id = ?1");
    sqlite3_bind_int64(st, 1, id);
    if (store_exec_done(st) != 0)
        return -1;
    st = store_stmt(sc->st, "DELETE FROM logs_groups WHERE id = ?1");
    sqlite3_bind_int64(st, 1, id);
    if (store_exec_done(st) != 0)
        return -1;
    st = scoped(sc, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND service = 'logs' "
                    "AND resource = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int logs_group_each(const struct logs_scope *sc, const char *after, const char *prefix,
                    logs_group_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " GROUP_COLUMNS " FROM logs_groups WHERE "
                                  "account = ?1 AND region = ?2 AND name > ?3 AND name >= ?4 "
                                  "ORDER BY name");
    sqlite3_bind_text(st, 3, after ? after : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, prefix ? prefix : "", -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct logs_group g;
        read_group(st, &g, 0);
        if (prefix && !starts_with(g.name, prefix)) {
            rc = SQLITE_DONE;
            break;
        }
        if (fn(ctx, &g) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int logs_group_set_retention(const struct logs_scope *sc, const char *name, int days)
{
    int64_t id;
    int rc = group_id(sc, name, &id);
    if (rc != 0)
        return rc;
    sqlite3_stmt *st = store_stmt(sc->st, "UPDATE logs_groups SET retention_days = ?2 "
                                          "WHERE id = ?1");
    sqlite3_bind_int64(st, 1, id);
    if (days > 0)
        sqlite3_bind_int(st, 2, days);
    if (store_exec_done(st) != 0)
        return -1;
    return refresh_expiry(sc->st, id);
}

/* ---- streams ------------------------------------------------------------------------------- */

int logs_stream_create(struct store *s, int64_t group_id, const char *name,
                       int64_t created_ms)
{
    sqlite3_stmt *st = store_stmt(s, "INSERT INTO logs_streams (group_id, name, created_ms, "
                                     "first_ts_ms, last_ts_ms, last_ingest_ms, seq) VALUES "
                                     "(?1, ?2, ?3, NULL, NULL, NULL, 0) ON CONFLICT DO NOTHING");
    sqlite3_bind_int64(st, 1, group_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, created_ms);
    if (store_exec_done(st) != 0)
        return -1;
    return sqlite3_changes(store_db(s)) == 1 ? 0 : 1;
}

int logs_stream_get(struct store *s, int64_t group_id, const char *name,
                    struct logs_stream *out)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " STREAM_COLUMNS " FROM logs_streams WHERE "
                                     "group_id = ?1 AND name = ?2");
    sqlite3_bind_int64(st, 1, group_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_stream(st, out, 1);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int logs_stream_delete(struct store *s, int64_t group_id, const char *name)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT id FROM logs_streams WHERE group_id = ?1 AND "
                                     "name = ?2");
    sqlite3_bind_int64(st, 1, group_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 1 : -1;
    st = store_stmt(s, "SELECT coalesce(sum(length(CAST(message AS BLOB))), 0) FROM "
                       "logs_events WHERE stream_id = ?1");
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    int64_t bytes = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return -1;
    st = store_stmt(s, "DELETE FROM logs_events WHERE stream_id = ?1");
    sqlite3_bind_int64(st, 1, id);
    if (store_exec_done(st) != 0)
        return -1;
    st = store_stmt(s, "DELETE FROM logs_streams WHERE id = ?1");
    sqlite3_bind_int64(st, 1, id);
    if (store_exec_done(st) != 0)
        return -1;
    st = store_stmt(s, "UPDATE logs_groups SET stored_bytes = max(0, stored_bytes - ?2) "
                       "WHERE id = ?1");
    sqlite3_bind_int64(st, 1, group_id);
    sqlite3_bind_int64(st, 2, bytes);
    if (store_exec_done(st) != 0)
        return -1;
    return refresh_expiry(s, group_id);
}

/* [by_last_event][desc] */
static const char *const stream_sql[2][2] = {
    {"SELECT " STREAM_COLUMNS " FROM logs_streams WHERE group_id = ?1 AND name > ?2 "
     "AND name >= ?4 ORDER BY name",
     "SELECT " STREAM_COLUMNS " FROM logs_streams WHERE group_id = ?1 AND (?5 OR name < ?2) "
     "ORDER BY name DESC"},
    {"SELECT " STREAM_COLUMNS " FROM logs_streams WHERE group_id = ?1 AND "
     "(coalesce(last_ts_ms, 0), name) > (?3, ?2) ORDER BY coalesce(last_ts_ms, 0), name",
     "SELECT " STREAM_COLUMNS " FROM logs_streams WHERE group_id = ?1 AND "
     "(?5 OR (coalesce(last_ts_ms, 0), name) < (?3, ?2)) "
     "ORDER BY coalesce(last_ts_ms, 0) DESC, name DESC"},
};

int logs_stream_each(struct store *s, int64_t group_id, const struct logs_stream_order *o,
                     logs_stream_fn fn, void *ctx)
{
    int by_time = o->by_last_event != 0, desc = o->desc != 0;
    const char *prefix = by_time ? NULL : o->prefix;
    sqlite3_stmt *st = store_stmt(s, stream_sql[by_time][desc]);
    sqlite3_bind_int64(st, 1, group_id);
    sqlite3_bind_text(st, 2, o->after_name ? o->after_name : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, o->after_name ? o->after_ts_ms : INT64_MIN);
    sqlite3_bind_text(st, 4, prefix ? prefix : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, o->after_name == NULL);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct logs_stream ls;
        read_stream(st, &ls, 0);
        if (prefix && !starts_with(ls.name, prefix)) {
            /* ascending: past the prefix's names; descending: not there yet, or past them */
            if (desc && strcmp(ls.name, prefix) > 0)
                continue;
            rc = SQLITE_DONE;
            break;
        }
        if (fn(ctx, &ls) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- events ---------------------------------------------------------------------------------- */

int logs_put(struct store *s, int64_t group_id, int64_t stream_id,
             const struct logs_put_event *ev, int n, int64_t ingest_ms, int64_t *seq)
{
    int64_t first_id = 0;
    if (n > 0) {
        /* the row may be gone after a store reset: start over at 1 */
        sqlite3_stmt *st = store_stmt(s, "INSERT INTO logs_seq (id, next_event) VALUES "
                                         "(1, 1 + ?1) ON CONFLICT (id) DO UPDATE SET "
                                         "next_event = next_event + ?1 RETURNING next_event");
        sqlite3_bind_int64(st, 1, n);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            first_id = sqlite3_column_int64(st, 0) - n;
        if (rc == SQLITE_ROW)
            rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return -1;
    }
    sqlite3_stmt *ins = store_stmt(s, "INSERT INTO logs_events (group_id, ts_ms, id, stream_id,"
                                      " ingest_ms, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    sqlite3_bind_int64(ins, 1, group_id);
    sqlite3_bind_int64(ins, 4, stream_id);
    sqlite3_bind_int64(ins, 5, ingest_ms);
    int64_t bytes = 0, min_ts = INT64_MAX, max_ts = INT64_MIN;
    for (int i = 0; i < n; i++) {
        sqlite3_bind_int64(ins, 2, ev[i].ts_ms);
        sqlite3_bind_int64(ins, 3, first_id + i);
        sqlite3_bind_text(ins, 6, ev[i].message, (int)ev[i].len, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            sqlite3_reset(ins);
            return -1;
        }
        sqlite3_reset(ins);
        logs_bloom_add(s, group_id, ev[i].ts_ms, ev[i].message, ev[i].len);
        bytes += (int64_t)ev[i].len;
        if (ev[i].ts_ms < min_ts)
            min_ts = ev[i].ts_ms;
        if (ev[i].ts_ms > max_ts)
            max_ts = ev[i].ts_ms;
    }
    sqlite3_clear_bindings(ins);
    sqlite3_stmt *st;
    if (n > 0) {
        st = store_stmt(s, "UPDATE logs_streams SET first_ts_ms = min(coalesce(first_ts_ms, ?2),"
                           " ?2), last_ts_ms = max(coalesce(last_ts_ms, ?3), ?3), "
                           "last_ingest_ms = ?4, seq = seq + 1 WHERE id = ?1 RETURNING seq");
        sqlite3_bind_int64(st, 2, min_ts);
        sqlite3_bind_int64(st, 3, max_ts);
        sqlite3_bind_int64(st, 4, ingest_ms);
    } else {
        st = store_stmt(s, "UPDATE logs_streams SET seq = seq + 1 WHERE id = ?1 RETURNING seq");
    }
    sqlite3_bind_int64(st, 1, stream_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE || n == 0)
        return rc == SQLITE_DONE ? 0 : -1;
    st = store_stmt(s, "UPDATE logs_groups SET stored_bytes = stored_bytes + ?2, expire_ms = "
                       "CASE WHEN retention_days IS NULL THEN NULL ELSE "
                       "min(coalesce(expire_ms, ?3 + retention_days * " DAY_MS " + 1), "
                       "?3 + retention_days * " DAY_MS " + 1) END WHERE id = ?1");
    sqlite3_bind_int64(st, 1, group_id);
    sqlite3_bind_int64(st, 2, bytes);
    sqlite3_bind_int64(st, 3, min_ts);
    return store_exec_done(st);
}

int logs_expire(struct store *s, const char *account, int64_t now_ms, int64_t *deleted)
{
    int64_t ids[EXPIRE_BATCH];
    int days[EXPIRE_BATCH];
    int n = 0;
    if (deleted)
        *deleted = 0;
    /* collect first: the groups' rows change below */
    sqlite3_stmt *st = store_stmt(s, "SELECT id, retention_days FROM logs_groups WHERE "
                                     "account = ?1 AND expire_ms IS NOT NULL AND "
                                     "expire_ms <= ?2 LIMIT 256");
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    int rc = SQLITE_DONE;
    while (n < EXPIRE_BATCH && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ids[n] = sqlite3_column_int64(st, 0);
        days[n] = sqlite3_column_int(st, 1);
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    for (int i = 0; i < n; i++) {
        int64_t cutoff = now_ms - (int64_t)days[i] * 86400000;
        st = store_stmt(s, "SELECT coalesce(sum(length(CAST(message AS BLOB))), 0), count(*) "
                           "FROM logs_events WHERE group_id = ?1 AND ts_ms < ?2");
        sqlite3_bind_int64(st, 1, ids[i]);
        sqlite3_bind_int64(st, 2, cutoff);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            return -1;
        }
        int64_t bytes = sqlite3_column_int64(st, 0), count = sqlite3_column_int64(st, 1);
        sqlite3_reset(st);
        st = store_stmt(s, "DELETE FROM logs_events WHERE group_id = ?1 AND ts_ms < ?2");
        sqlite3_bind_int64(st, 1, ids[i]);
        sqlite3_bind_int64(st, 2, cutoff);
        if (store_exec_done(st) != 0)
            return -1;
        st = store_stmt(s, "UPDATE logs_groups SET stored_bytes = max(0, stored_bytes - ?2) "
                           "WHERE id = ?1");
        sqlite3_bind_int64(st, 1, ids[i]);
        sqlite3_bind_int64(st, 2, bytes);
        if (store_exec_done(st) != 0 || refresh_expiry(s, ids[i]) != 0)
            return -1;
        if (deleted)
            *deleted += count;
    }
    return 0;
}

/* ---- tags ------------------------------------------------------------------------------------ */

int logs_tag_set(const struct logs_scope *sc, const char *group, const char *key,
                 const char *value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "logs"};
    return store_tag_set(&t, group, key, value);
}

int logs_tag_remove(const struct logs_scope *sc, const char *group, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "logs"};
    return store_tag_remove(&t, group, key);
}

int logs_tag_count(const struct logs_scope *sc, const char *group, int64_t *n)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "logs"};
    return store_tag_count(&t, group, n);
}

int logs_tags(const struct logs_scope *sc, const char *group, cJSON *into)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "logs"};
    return store_tags_append(&t, group, into, NULL, NULL);
}
