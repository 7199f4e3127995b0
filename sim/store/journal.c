/*
 * journal.c - the journal table and the report's reads of a team's world (see journal.h).
 *
 * Every query is scoped by account and uses an index: journal (account, seq), the primary keys
 * of ssm_parameters, cw_alarms and cw_metrics, cw_alarm_history (account, region, alarm, seq).
 */
#include "store/journal.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"

int store_journal_insert(struct store *st, const struct journal_entry *e, int n)
{
    /* one statement for the whole batch: bind, step, reset */
    sqlite3_stmt *s = store_stmt(st, "INSERT INTO journal (account, region, sim_ms, wall_ms, "
                                      "service, operation, params, status, error, message, "
                                      "attempt, mutated, client) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                      "?12, ?13)");
    for (int i = 0; i < n; i++, e++) {
        sqlite3_bind_text(s, 1, e->account, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, e->region, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, e->sim_ms);
        sqlite3_bind_int64(s, 4, e->wall_ms);
        sqlite3_bind_text(s, 5, e->service, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, e->operation, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 7, e->params ? e->params : "{}", -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 8, e->status);
        store_bind_opt(s, 9, e->error);
        store_bind_opt(s, 10, e->message);
        sqlite3_bind_int(s, 11, e->attempt);
        sqlite3_bind_int(s, 12, e->mutated);
        store_bind_opt(s, 13, e->client);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return -1;
    }
    sqlite3_clear_bindings(s);
    return 0;
}

/* The seq of account's row at offset k from the oldest (desc 0) or the newest (desc 1) into
 * *out. Returns 0, 1 when there are not that many rows, or -1. */
static int seq_at(struct store *st, const char *account, int desc, int k, int64_t *out)
{
    sqlite3_stmt *s = store_stmt(st, desc ? "SELECT seq FROM journal WHERE account = ?1 "
                                            "ORDER BY seq DESC LIMIT 1 OFFSET ?2"
                                          : "SELECT seq FROM journal WHERE account = ?1 "
                                            "ORDER BY seq LIMIT 1 OFFSET ?2");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, k);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int store_journal_trim(struct store *st, const char *account, int keep_first, int keep_last,
                       int max, int64_t *deleted)
{
    int64_t first, last;
    *deleted = 0;
    int rc = seq_at(st, account, 0, keep_first - 1, &first);
    if (rc == 0)
        rc = seq_at(st, account, 1, keep_last - 1, &last);
    if (rc != 0)
        return rc < 0 ? -1 : 0; /* fewer rows than kept */
    if (last <= first + 1)
        return 0;
    sqlite3_stmt *s = store_stmt(st, "DELETE FROM journal WHERE seq IN (SELECT seq FROM "
                                     "journal WHERE account = ?1 AND seq > ?2 AND seq < ?3 "
                                     "ORDER BY seq LIMIT ?4)");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, first);
    sqlite3_bind_int64(s, 3, last);
    sqlite3_bind_int(s, 4, max);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return -1;
    *deleted = sqlite3_changes(store_db(st));
    return 0;
}

int64_t store_journal_count(struct store *st, const char *account)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT count(*) FROM journal WHERE account = ?1");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    return n;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

#define ENTRY_COLUMNS                                                                          \
    "seq, region, sim_ms, wall_ms, service, operation, params, status, error, message, "       \
    "attempt, mutated, client"

/* Calls fn for each row of s (bound; its columns ENTRY_COLUMNS) until fn returns non-zero.
 * Returns the number visited, or -1. */
static int each_row(sqlite3_stmt *s, const char *account,
                    int (*fn)(void *ctx, const struct journal_entry *e), void *ctx)
{
    int n = 0;
    int rc = sqlite3_step(s);
    while (rc == SQLITE_ROW) {
        struct journal_entry e = {
            .seq = sqlite3_column_int64(s, 0),
            .account = account,
            .region = col_text(s, 1),
            .sim_ms = sqlite3_column_int64(s, 2),
            .wall_ms = sqlite3_column_int64(s, 3),
            .service = col_text(s, 4),
            .operation = col_text(s, 5),
            .params = col_text(s, 6),
            .status = sqlite3_column_int(s, 7),
            .error = col_text(s, 8),
            .message = col_text(s, 9),
            .attempt = sqlite3_column_int(s, 10),
            .mutated = sqlite3_column_int(s, 11),
            .client = col_text(s, 12),
        };
        n++;
        if (fn(ctx, &e) != 0) {
            rc = SQLITE_DONE;
            break;
        }
        rc = sqlite3_step(s);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? n : -1;
}

int store_journal_each(struct store *st, const char *account, int64_t after, int64_t since_ms,
                       int limit, int (*fn)(void *ctx, const struct journal_entry *e), void *ctx)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM journal WHERE account = ?1 "
                                     "AND seq > ?2 AND sim_ms >= ?4 ORDER BY seq LIMIT ?3");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, after);
    sqlite3_bind_int(s, 3, limit);
    sqlite3_bind_int64(s, 4, since_ms);
    return each_row(s, account, fn, ctx);
}

int store_journal_tail(struct store *st, const char *account, int64_t after, int limit,
                       int (*fn)(void *ctx, const struct journal_entry *e), void *ctx)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " ENTRY_COLUMNS " FROM (SELECT " ENTRY_COLUMNS
                                     " FROM journal WHERE account = ?1 AND seq > ?2 ORDER BY "
                                     "seq DESC LIMIT ?3) ORDER BY seq");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, after);
    sqlite3_bind_int(s, 3, limit);
    return each_row(s, account, fn, ctx);
}

/* Steps s for one text column into out; returns 0, 1 when no row, or -1. */
static int one_text(sqlite3_stmt *s, char *out, size_t outlen)
{
    int rc = sqlite3_step(s);
    int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
    if (ret == 0)
        snprintf(out, outlen, "%s", col_text(s, 0) ? col_text(s, 0) : "");
    sqlite3_reset(s);
    return ret;
}

int store_report_ssm_value(struct store *st, const char *account, const char *region,
                           const char *name, char *out, size_t outlen)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT v.value FROM ssm_parameters p "
                                      "JOIN ssm_parameter_versions v ON v.account = p.account "
                                      "AND v.region = p.region AND v.name = p.name "
                                      "AND v.version = p.version "
                                      "WHERE p.account = ?1 AND p.region = ?2 AND p.name = ?3");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
    return one_text(s, out, outlen);
}

int store_report_alarm_state(struct store *st, const char *account, const char *region,
                             const char *name, char *out, size_t outlen)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT state FROM cw_alarms "
                                      "WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
    return one_text(s, out, outlen);
}

int store_report_alarm_fired(struct store *st, const char *account, const char *region,
                             const char *name, int64_t from_ms, int64_t *ms)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT ts_ms FROM cw_alarm_history "
                                      "WHERE account = ?1 AND region = ?2 AND alarm = ?3 "
                                      "AND item_type = 'StateUpdate' AND ts_ms >= ?4 "
                                      "AND summary LIKE '% to ALARM' ORDER BY seq LIMIT 1");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, from_ms);
    int rc = sqlite3_step(s);
    int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
    if (ret == 0)
        *ms = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return ret;
}

int store_report_minutes(struct store *st, const char *account, const char *region,
                         const char *ns, const char *name, const char *stat, int64_t from_ms,
                         int64_t to_ms, int64_t *ts, double *vals, int max)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT d.ts_ms / 60000 * 60000 AS m, SUM(d.count), SUM(d.sum), MIN(d.min), "
            "MAX(d.max) FROM cw_metrics x JOIN cw_datapoints d ON d.metric_id = x.id "
            "WHERE x.account = ?1 AND x.region = ?2 AND x.namespace = ?3 AND x.name = ?4 "
            "AND length(x.dims) - length(replace(x.dims, char(30), '')) = 1 "
            "AND d.ts_ms >= ?5 AND d.ts_ms < ?6 GROUP BY m ORDER BY m");
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, from_ms);
    sqlite3_bind_int64(s, 6, to_ms);
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max) {
        double count = sqlite3_column_double(s, 1), sum = sqlite3_column_double(s, 2);
        double v;
        if (strcmp(stat, "Maximum") == 0)
            v = sqlite3_column_double(s, 4);
        else if (strcmp(stat, "Minimum") == 0)
            v = sqlite3_column_double(s, 3);
        else if (strcmp(stat, "Sum") == 0)
            v = sum;
        else if (strcmp(stat, "SampleCount") == 0)
            v = count;
        else
            v = count > 0 ? sum / count : 0;
        ts[n] = sqlite3_column_int64(s, 0);
        vals[n] = v;
        n++;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}
