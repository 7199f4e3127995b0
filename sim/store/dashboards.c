/*
 * dashboards.c - CloudWatch dashboards in the store (see dashboards.h for the layout).
 */
#include "store/dashboards.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/xmalloc.h"

/* Above every character a dashboard name can hold ([A-Za-z0-9_-]; a prefix may also hold
 * '.'), so prefix + LIST_CEILING bounds the names that start with prefix. */
#define LIST_CEILING "\x7f"

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Returns a new copy of column i of the current row ("" for NULL). */
static char *column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return xstrdup(t ? (const char *)t : "");
}

void store_dashboard_clear(struct dashboard_row *r)
{
    free(r->name);
    free(r->body);
    memset(r, 0, sizeof *r);
}

int store_dashboard_put(struct store *s, const char *account, const char *name,
                        const char *body, int64_t now_ms)
{
    sqlite3_stmt *st = store_stmt(
        s, "INSERT INTO cw_dashboards (account, name, body, size, modified_ms) "
           "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account, name) DO UPDATE SET "
           "body = excluded.body, size = excluded.size, modified_ms = excluded.modified_ms");
    bind_text(st, 1, account);
    bind_text(st, 2, name);
    bind_text(st, 3, body);
    sqlite3_bind_int64(st, 4, (int64_t)strlen(body));
    sqlite3_bind_int64(st, 5, now_ms);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return rc;
}

int store_dashboard_get(struct store *s, const char *account, const char *name,
                        struct dashboard_row *out)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT name, body, size, modified_ms FROM cw_dashboards "
                                     "WHERE account = ?1 AND name = ?2");
    bind_text(st, 1, account);
    bind_text(st, 2, name);
    int step = sqlite3_step(st);
    int rc = step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? 1 : -1;
    if (rc == 0) {
        out->name = column_dup(st, 0);
        out->body = column_dup(st, 1);
        out->size = sqlite3_column_int64(st, 2);
        out->modified_ms = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return rc;
}

int store_dashboard_delete(struct store *s, const char *account, const char *name)
{
    sqlite3_stmt *st =
        store_stmt(s, "DELETE FROM cw_dashboards WHERE account = ?1 AND name = ?2");
    bind_text(st, 1, account);
    bind_text(st, 2, name);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    if (rc == 0 && sqlite3_changes(store_db(s)) == 0)
        rc = 1;
    return rc;
}

int store_dashboard_list(struct store *s, const char *account, const char *prefix,
                         const char *after, int limit, store_dashboard_cb cb, void *arg,
                         int *more)
{
    /* The range [prefix, prefix + LIST_CEILING) holds exactly the names with that prefix;
     * the primary key index walks it in order and the scan stops at limit + 1 rows. */
    sqlite3_stmt *st = store_stmt(
        s, "SELECT name, size, modified_ms FROM cw_dashboards WHERE account = ?1 "
           "AND name >= ?2 AND name < ?2 || ?3 AND name > ?4 ORDER BY name LIMIT ?5");
    bind_text(st, 1, account);
    bind_text(st, 2, prefix ? prefix : "");
    bind_text(st, 3, LIST_CEILING);
    bind_text(st, 4, after ? after : "");
    sqlite3_bind_int(st, 5, limit + 1);
    int n = 0, step;
    *more = 0;
    for (step = sqlite3_step(st); step == SQLITE_ROW; step = sqlite3_step(st)) {
        if (n == limit) {
            *more = 1;
            break;
        }
        struct dashboard_row r = {
            .name = (char *)sqlite3_column_text(st, 0),
            .body = NULL, /* not read: listing needs only the size */
            .size = sqlite3_column_int64(st, 1),
            .modified_ms = sqlite3_column_int64(st, 2),
        };
        cb(arg, &r);
        n++;
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return rc;
}
