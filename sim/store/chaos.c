/*
 * chaos.c - the rows of the chaos_rules table (see chaos.h). No rule logic lives here: the
 * matching, counting and drawing are in sim/control/chaos.c.
 */
#include "store/chaos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/xmalloc.h"

#define RULE_COLS                                                                              \
    "id, source, service, operation, region, probability, after_n, times_n, error_code, "     \
    "error_status, error_message, latency_ms, matched, fired, draws, created_ms, doc"

/* Copies text column i into dst (size n), "" for NULL. */
static void col_text(sqlite3_stmt *q, int i, char *dst, size_t n)
{
    const unsigned char *s = sqlite3_column_text(q, i);
    snprintf(dst, n, "%s", s ? (const char *)s : "");
}

static void read_rule(sqlite3_stmt *q, struct chaos_rule *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(q, 0);
    col_text(q, 1, r->source, sizeof r->source);
    col_text(q, 2, r->service, sizeof r->service);
    col_text(q, 3, r->operation, sizeof r->operation);
    col_text(q, 4, r->region, sizeof r->region);
    r->probability = sqlite3_column_double(q, 5);
    r->after = sqlite3_column_int64(q, 6);
    r->times = sqlite3_column_int64(q, 7);
    col_text(q, 8, r->code, sizeof r->code);
    r->status = sqlite3_column_int(q, 9);
    col_text(q, 10, r->message, sizeof r->message);
    r->latency_ms = sqlite3_column_int64(q, 11);
    r->matched = sqlite3_column_int64(q, 12);
    r->fired = sqlite3_column_int64(q, 13);
    r->draws = sqlite3_column_int64(q, 14);
    r->created_ms = sqlite3_column_int64(q, 15);
    const unsigned char *doc = sqlite3_column_text(q, 16);
    r->doc = doc ? xstrdup((const char *)doc) : NULL;
}

int chaos_rules_list(struct store *st, const char *account, const char *source,
                     struct chaos_rule **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q = store_stmt(st, "SELECT " RULE_COLS " FROM chaos_rules WHERE account = ?1"
                                     " AND (?2 IS NULL OR source = ?2) ORDER BY id");
    sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
    if (source)
        sqlite3_bind_text(q, 2, source, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 2);
    struct chaos_rule *rules = NULL;
    int count = 0, cap = 0, rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 4;
            rules = xrealloc(rules, (size_t)cap * sizeof *rules);
        }
        read_rule(q, &rules[count++]);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        chaos_rules_free(rules, count);
        return -1;
    }
    *out = rules;
    *n = count;
    return 0;
}

void chaos_rules_free(struct chaos_rule *rules, int n)
{
    for (int i = 0; i < n; i++)
        free(rules[i].doc);
    free(rules);
}

int chaos_rule_insert(struct store *st, const char *account, struct chaos_rule *r)
{
    sqlite3_stmt *q = store_stmt(st, "SELECT count(*), coalesce(max(id), 0) FROM chaos_rules "
                                     "WHERE account = ?1");
    sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_reset(q);
        return -1;
    }
    int64_t count = sqlite3_column_int64(q, 0);
    int64_t id = sqlite3_column_int64(q, 1) + 1;
    sqlite3_reset(q);
    if (count >= CHAOS_RULES_MAX)
        return 1;
    q = store_stmt(st, "INSERT INTO chaos_rules (account, " RULE_COLS ") VALUES (?1, ?2, ?3, "
                       "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
    sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, id);
    sqlite3_bind_text(q, 3, r->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, r->service, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, r->operation, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 6, r->region, -1, SQLITE_STATIC);
    sqlite3_bind_double(q, 7, r->probability);
    sqlite3_bind_int64(q, 8, r->after);
    sqlite3_bind_int64(q, 9, r->times);
    sqlite3_bind_text(q, 10, r->code, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 11, r->status);
    sqlite3_bind_text(q, 12, r->message, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 13, r->latency_ms);
    sqlite3_bind_int64(q, 14, r->matched);
    sqlite3_bind_int64(q, 15, r->fired);
    sqlite3_bind_int64(q, 16, r->draws);
    sqlite3_bind_int64(q, 17, r->created_ms);
    if (r->doc)
        sqlite3_bind_text(q, 18, r->doc, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 18);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return -1;
    r->id = id;
    return 0;
}

int chaos_rule_save_counters(struct store *st, const char *account, const struct chaos_rule *r)
{
    sqlite3_stmt *q = store_stmt(st, "UPDATE chaos_rules SET matched = ?3, fired = ?4, draws = ?5"
                                     " WHERE account = ?1 AND id = ?2");
    sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, r->id);
    sqlite3_bind_int64(q, 3, r->matched);
    sqlite3_bind_int64(q, 4, r->fired);
    sqlite3_bind_int64(q, 5, r->draws);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : -1;
}

int chaos_rules_delete(struct store *st, const char *account, int64_t id, const char *source)
{
    sqlite3_stmt *q = store_stmt(st, "DELETE FROM chaos_rules WHERE account = ?1"
                                     " AND (?2 < 0 OR id = ?2) AND (?3 IS NULL OR source = ?3)");
    sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, id);
    if (source)
        sqlite3_bind_text(q, 3, source, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, 3);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return -1;
    return sqlite3_changes(store_db(st));
}
