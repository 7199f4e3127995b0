/*
 * tags.c - the generic tag table (see tags.h).
 */
#include "store/tags.h"

#include <sqlite3.h>

#include "store/store.h"
#include "util/xmalloc.h"

/* The cached statement for sql with the scope bound as ?1..?4 (account, region, service,
 * resource). */
static sqlite3_stmt *scoped(const struct tag_scope *t, const char *sql, const char *resource)
{
    sqlite3_stmt *st = store_stmt(t->st, sql);
    if (st == NULL)
        return NULL;
    sqlite3_bind_text(st, 1, t->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->region, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->service, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, resource, -1, SQLITE_STATIC);
    return st;
}

static int done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_tag_set(const struct tag_scope *t, const char *resource, const char *key,
                  const char *value)
{
    sqlite3_stmt *st = scoped(t, "INSERT OR REPLACE INTO tags (account, region, service, "
                                 "resource, key, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                              resource);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, value, -1, SQLITE_STATIC);
    return done(st);
}

int store_tag_remove(const struct tag_scope *t, const char *resource, const char *key)
{
    sqlite3_stmt *st = scoped(t, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND "
                                 "service = ?3 AND resource = ?4 AND key = ?5",
                              resource);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
    return done(st);
}

int store_tag_count(const struct tag_scope *t, const char *resource, int64_t *n)
{
    sqlite3_stmt *st = scoped(t, "SELECT count(*) FROM tags WHERE account = ?1 AND "
                                 "region = ?2 AND service = ?3 AND resource = ?4",
                              resource);
    if (st == NULL)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_tag_get(const struct tag_scope *t, const char *resource, const char *key,
                  char **value)
{
    sqlite3_stmt *st = scoped(t, "SELECT value FROM tags WHERE account = ?1 AND region = ?2 "
                                 "AND service = ?3 AND resource = ?4 AND key = ?5",
                              resource);
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *value = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_tags_append(const struct tag_scope *t, const char *resource, cJSON *into,
                      const char *kname, const char *vname)
{
    sqlite3_stmt *st = scoped(t, "SELECT key, value FROM tags WHERE account = ?1 AND "
                                 "region = ?2 AND service = ?3 AND resource = ?4 ORDER BY key",
                              resource);
    if (st == NULL)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        if (kname == NULL) {
            cJSON_AddStringToObject(into, k, v);
            continue;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, kname, k);
        cJSON_AddStringToObject(o, vname, v);
        cJSON_AddItemToArray(into, o);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
