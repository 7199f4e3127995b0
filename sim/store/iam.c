/*
 * iam.c - the rows behind IAM roles (see iam.h for the tables and conventions).
 *
 * Every statement binds ?1 = account first: IAM is global, so no region is involved. To add a
 * query: write it here, declare it in iam.h, and keep AWS rules out of it.
 */
#include "store/iam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "util/xmalloc.h"

#define ROLE_COLUMNS "name, path, role_id, arn, trust, description, created_ms, max_session"

void iam_role_clear(struct iam_role *r)
{
    free(r->name);
    free(r->path);
    free(r->role_id);
    free(r->arn);
    free(r->trust);
    free(r->description);
    memset(r, 0, sizeof *r);
}

/* Returns the cached statement for sql with ?1 = account and, when role is not NULL,
 * ?2 = role bound. */
static sqlite3_stmt *scoped(struct store *s, const char *sql, const char *account,
                            const char *role)
{
    sqlite3_stmt *st = store_stmt(s, sql);
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    if (role)
        sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    return st;
}

/* Steps a statement that returns one count into *n. Returns 0 or -1. */
static int one_count(sqlite3_stmt *st, int64_t *n)
{
    if (sqlite3_step(st) != SQLITE_ROW)
        return -1;
    *n = sqlite3_column_int64(st, 0);
    return 0;
}

static void read_role(sqlite3_stmt *st, struct iam_role *r)
{
    r->name = store_col_dup(st, 0);
    r->path = store_col_dup(st, 1);
    r->role_id = store_col_dup(st, 2);
    r->arn = store_col_dup(st, 3);
    r->trust = store_col_dup(st, 4);
    r->description = store_col_dup(st, 5);
    r->created_ms = sqlite3_column_int64(st, 6);
    r->max_session = sqlite3_column_int(st, 7);
}

/* ---- roles ------------------------------------------------------------------------------ */

int iam_role_get(struct store *s, const char *account, const char *name, struct iam_role *out)
{
    sqlite3_stmt *st = scoped(s, "SELECT " ROLE_COLUMNS " FROM iam_roles WHERE account = ?1 "
                                 "AND name = ?2", account, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_role(st, out);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

int iam_role_insert(struct store *s, const char *account, const struct iam_role *r)
{
    sqlite3_stmt *st = scoped(s, "INSERT INTO iam_roles (account, " ROLE_COLUMNS ") VALUES "
                                 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", account, r->name);
    sqlite3_bind_text(st, 3, r->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r->role_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, r->arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, r->trust, -1, SQLITE_STATIC);
    if (r->description)
        sqlite3_bind_text(st, 7, r->description, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_int64(st, 8, r->created_ms);
    sqlite3_bind_int(st, 9, r->max_session);
    return store_exec_done(st);
}

int iam_role_delete(struct store *s, const char *account, const char *name)
{
    static const char *const sqls[] = {
        "DELETE FROM iam_role_tags WHERE account = ?1 AND role = ?2",
        "DELETE FROM iam_role_policies WHERE account = ?1 AND role = ?2",
        "DELETE FROM iam_role_attached WHERE account = ?1 AND role = ?2",
        "DELETE FROM iam_roles WHERE account = ?1 AND name = ?2",
    };
    for (size_t i = 0; i < sizeof sqls / sizeof sqls[0]; i++) {
        if (store_exec_done(scoped(s, sqls[i], account, name)) != 0)
            return -1;
    }
    return 0;
}

int iam_role_each(struct store *s, const char *account, const char *prefix, const char *after,
                  int limit, int (*fn)(void *ctx, const struct iam_role *r), void *ctx)
{
    /* substr() keeps the prefix test exact (LIKE would treat _ and % as wildcards) */
    sqlite3_stmt *st = scoped(s, "SELECT " ROLE_COLUMNS " FROM iam_roles WHERE account = ?1 "
                                 "AND (?2 IS NULL OR substr(path, 1, length(?2)) = ?2) AND "
                                 "(?3 IS NULL OR name > ?3) ORDER BY name LIMIT ?4",
                              account, NULL);
    if (prefix)
        sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    if (after)
        sqlite3_bind_text(st, 3, after, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int(st, 4, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct iam_role r = {0};
        read_role(st, &r);
        int stop = fn(ctx, &r);
        iam_role_clear(&r);
        if (stop != 0)
            return -1;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- inline policies -------------------------------------------------------------------- */

int iam_inline_put(struct store *s, const char *account, const char *role, const char *name,
                   const char *doc)
{
    /* a policy replaced under another case of its name keeps the new spelling */
    sqlite3_stmt *st = scoped(s, "INSERT OR REPLACE INTO iam_role_policies (account, role, "
                                 "name, document) VALUES (?1, ?2, ?3, ?4)", account, role);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, doc, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int iam_inline_get(struct store *s, const char *account, const char *role, const char *name,
                   char **name_out, char **doc)
{
    sqlite3_stmt *st = scoped(s, "SELECT name, document FROM iam_role_policies WHERE "
                                 "account = ?1 AND role = ?2 AND name = ?3", account, role);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 1 : -1;
    *name_out = store_col_dup(st, 0);
    *doc = store_col_dup(st, 1);
    return 0;
}

int iam_inline_delete(struct store *s, const char *account, const char *role, const char *name)
{
    sqlite3_stmt *st = scoped(s, "DELETE FROM iam_role_policies WHERE account = ?1 AND "
                                 "role = ?2 AND name = ?3", account, role);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        return -1;
    return sqlite3_changes(store_db(s)) > 0 ? 0 : 1;
}

int iam_inline_stats(struct store *s, const char *account, const char *role, const char *skip,
                     int64_t *count, int64_t *chars)
{
    sqlite3_stmt *st = scoped(s, "SELECT count(*), coalesce(sum(length(name) + "
                                 "length(document)), 0) FROM iam_role_policies WHERE "
                                 "account = ?1 AND role = ?2 AND (?3 IS NULL OR name != ?3)",
                              account, role);
    if (skip)
        sqlite3_bind_text(st, 3, skip, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    if (sqlite3_step(st) != SQLITE_ROW)
        return -1;
    *count = sqlite3_column_int64(st, 0);
    *chars = sqlite3_column_int64(st, 1);
    return 0;
}

int iam_inline_names(struct store *s, const char *account, const char *role, const char *after,
                     int limit, cJSON *arr)
{
    sqlite3_stmt *st = scoped(s, "SELECT name FROM iam_role_policies WHERE account = ?1 AND "
                                 "role = ?2 AND (?3 IS NULL OR name > ?3) ORDER BY name "
                                 "LIMIT ?4", account, role);
    if (after)
        sqlite3_bind_text(st, 3, after, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int(st, 4, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(arr, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- attached managed policies ---------------------------------------------------------- */

int iam_attached_add(struct store *s, const char *account, const char *role, const char *arn)
{
    sqlite3_stmt *st = scoped(s, "INSERT OR IGNORE INTO iam_role_attached (account, role, arn, "
                                 "seq) VALUES (?1, ?2, ?3, (SELECT coalesce(max(seq), 0) + 1 "
                                 "FROM iam_role_attached WHERE account = ?1 AND role = ?2))",
                              account, role);
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int iam_attached_remove(struct store *s, const char *account, const char *role,
                        const char *arn)
{
    sqlite3_stmt *st = scoped(s, "DELETE FROM iam_role_attached WHERE account = ?1 AND "
                                 "role = ?2 AND arn = ?3", account, role);
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        return -1;
    return sqlite3_changes(store_db(s)) > 0 ? 0 : 1;
}

int iam_attached_exists(struct store *s, const char *account, const char *role,
                        const char *arn, int *found)
{
    sqlite3_stmt *st = scoped(s, "SELECT 1 FROM iam_role_attached WHERE account = ?1 AND "
                                 "role = ?2 AND arn = ?3", account, role);
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    *found = rc == SQLITE_ROW;
    return 0;
}

int iam_attached_count(struct store *s, const char *account, const char *role, int64_t *n)
{
    return one_count(scoped(s, "SELECT count(*) FROM iam_role_attached WHERE account = ?1 AND "
                               "role = ?2", account, role), n);
}

int iam_attached_list(struct store *s, const char *account, const char *role, cJSON *arr)
{
    sqlite3_stmt *st = scoped(s, "SELECT arn FROM iam_role_attached WHERE account = ?1 AND "
                                 "role = ?2 ORDER BY seq", account, role);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(arr, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- tags ------------------------------------------------------------------------------- */

int iam_tag_set(struct store *s, const char *account, const char *role, const char *key,
                const char *value)
{
    sqlite3_stmt *st = scoped(s, "INSERT INTO iam_role_tags (account, role, key, value, seq) "
                                 "VALUES (?1, ?2, ?3, ?4, (SELECT coalesce(max(seq), 0) + 1 "
                                 "FROM iam_role_tags WHERE account = ?1 AND role = ?2)) "
                                 "ON CONFLICT (account, role, key) DO UPDATE SET "
                                 "key = excluded.key, value = excluded.value", account, role);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int iam_tag_remove(struct store *s, const char *account, const char *role, const char *key)
{
    sqlite3_stmt *st = scoped(s, "DELETE FROM iam_role_tags WHERE account = ?1 AND role = ?2 "
                                 "AND key = ?3", account, role);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int iam_tag_count(struct store *s, const char *account, const char *role, int64_t *n)
{
    return one_count(scoped(s, "SELECT count(*) FROM iam_role_tags WHERE account = ?1 AND "
                               "role = ?2", account, role), n);
}

int iam_tag_exists(struct store *s, const char *account, const char *role, const char *key,
                   int *found)
{
    sqlite3_stmt *st = scoped(s, "SELECT 1 FROM iam_role_tags WHERE account = ?1 AND role = ?2 "
                                 "AND key = ?3", account, role);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    *found = rc == SQLITE_ROW;
    return 0;
}

int iam_tags(struct store *s, const char *account, const char *role, cJSON *arr)
{
    sqlite3_stmt *st = scoped(s, "SELECT key, value FROM iam_role_tags WHERE account = ?1 AND "
                                 "role = ?2 ORDER BY seq", account, role);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "Key", (const char *)sqlite3_column_text(st, 0));
        cJSON_AddStringToObject(t, "Value", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddItemToArray(arr, t);
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- what other modules read ------------------------------------------------------------ */

/* Returns 1 if v (a string or an array of strings) contains s. */
static int has_string(const cJSON *v, const char *s)
{
    if (cJSON_IsString(v))
        return strcmp(v->valuestring, s) == 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return 1;
    }
    return 0;
}

/* Returns 1 if the trust policy text allows rds.amazonaws.com to assume the role: a
 * statement with Effect Allow, the service principal and the action sts:AssumeRole (or a
 * wildcard covering it). */
static int trusts_rds(const char *trust)
{
    cJSON *doc = cJSON_Parse(trust);
    int ok = 0;
    const cJSON *stmts = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
    cJSON *one = NULL;
    if (cJSON_IsObject(stmts)) {
        one = cJSON_CreateArray();
        cJSON_AddItemReferenceToArray(one, (cJSON *)stmts);
        stmts = one;
    }
    const cJSON *s;
    cJSON_ArrayForEach(s, stmts)
    {
        const cJSON *effect = cJSON_GetObjectItemCaseSensitive(s, "Effect");
        const cJSON *principal = cJSON_GetObjectItemCaseSensitive(s, "Principal");
        const cJSON *action = cJSON_GetObjectItemCaseSensitive(s, "Action");
        if (!cJSON_IsString(effect) || strcmp(effect->valuestring, "Allow") != 0)
            continue;
        if (!has_string(cJSON_GetObjectItemCaseSensitive(principal, "Service"),
                        "rds.amazonaws.com"))
            continue;
        if (has_string(action, "sts:AssumeRole") || has_string(action, "sts:*") ||
            has_string(action, "*"))
            ok = 1;
    }
    cJSON_Delete(one);
    cJSON_Delete(doc);
    return ok;
}

int iam_role_find(struct store *st, const char *account, const char *id,
                  struct iam_role_info *out)
{
    const char *name = id;
    if (strncmp(id, "arn:", 4) == 0) {
        /* arn:PARTITION:iam::ACCOUNT:role/PATH/NAME */
        const char *slash = strrchr(id, '/');
        if (slash == NULL || slash[1] == '\0')
            return 1;
        name = slash + 1;
    }
    struct iam_role r = {0};
    int rc = iam_role_get(st, account, name, &r);
    if (rc != 0)
        return rc;
    if (name != id && strcasecmp(r.arn, id) != 0) {
        iam_role_clear(&r);
        return 1;
    }
    memset(out, 0, sizeof *out);
    snprintf(out->arn, sizeof out->arn, "%s", r.arn);
    snprintf(out->name, sizeof out->name, "%s", r.name);
    snprintf(out->role_id, sizeof out->role_id, "%s", r.role_id);
    out->trusts_rds = trusts_rds(r.trust);
    iam_role_clear(&r);
    return 0;
}
