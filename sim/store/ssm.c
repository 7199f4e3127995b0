/*
 * ssm.c - the rows behind SSM Parameter Store (see ssm.h for the tables and conventions).
 *
 * Every statement binds ?1 = account and ?2 = region first, so no query can leave its tenant.
 * Statements come from the store's cache (store_stmt); an iteration (store_ssm_each) keeps
 * its statement stepping while the callback runs other, different statements, which SQLite
 * allows. To add a query: write it here with the (account, region) binding first, declare it
 * in ssm.h, and keep AWS rules out of it.
 */
#include "store/ssm.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/tags.h"
#include "util/xmalloc.h"

#define VERSION_COLUMNS                                                                        \
    "v.name, v.version, v.type, v.value, v.description, v.allowed_pattern, v.key_id, v.tier, " \
    "v.data_type, v.policies, v.modified_user, v.modified_ms"

void store_ssm_param_clear(struct ssm_param *p)
{
    free(p->name);
    free(p->type);
    free(p->value);
    free(p->description);
    free(p->allowed_pattern);
    free(p->key_id);
    free(p->tier);
    free(p->data_type);
    free(p->policies);
    free(p->modified_user);
    memset(p, 0, sizeof *p);
}

/* Fills p (which must be empty) from a row selected with VERSION_COLUMNS. */
static void read_row(sqlite3_stmt *st, struct ssm_param *p)
{
    p->name = store_col_dup(st, 0);
    p->version = sqlite3_column_int64(st, 1);
    p->type = store_col_dup(st, 2);
    p->value = store_col_dup(st, 3);
    p->description = store_col_dup(st, 4);
    p->allowed_pattern = store_col_dup(st, 5);
    p->key_id = store_col_dup(st, 6);
    p->tier = store_col_dup(st, 7);
    p->data_type = store_col_dup(st, 8);
    p->policies = store_col_dup(st, 9);
    p->modified_user = store_col_dup(st, 10);
    p->modified_ms = sqlite3_column_int64(st, 11);
}

/* Returns the cached statement for sql with ?1 = account and ?2 = region bound. */
static sqlite3_stmt *scoped(const struct ssm_scope *sc, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sc->st, sql);
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->region, -1, SQLITE_STATIC);
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

/* Steps a statement that returns no rows. Returns 0 or -1. */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_ssm_get(const struct ssm_scope *sc, const char *name, int64_t version,
                  struct ssm_param *out)
{
    sqlite3_stmt *st;
    if (version == 0) {
        st = scoped(sc, "SELECT " VERSION_COLUMNS " FROM ssm_parameters p "
                        "JOIN ssm_parameter_versions v ON v.account = p.account AND "
                        "v.region = p.region AND v.name = p.name AND v.version = p.version "
                        "WHERE p.account = ?1 AND p.region = ?2 AND p.name = ?3");
    } else {
        st = scoped(sc, "SELECT " VERSION_COLUMNS " FROM ssm_parameter_versions v "
                        "WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3 AND "
                        "v.version = ?4");
        sqlite3_bind_int64(st, 4, version);
    }
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_row(st, out);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_ssm_head(const struct ssm_scope *sc, const char *name, int64_t *latest,
                   int64_t *oldest, int64_t *count)
{
    sqlite3_stmt *st =
        scoped(sc, "SELECT p.version, min(v.version), count(v.version) FROM ssm_parameters p "
                   "JOIN ssm_parameter_versions v ON v.account = p.account AND "
                   "v.region = p.region AND v.name = p.name "
                   "WHERE p.account = ?1 AND p.region = ?2 AND p.name = ?3 GROUP BY p.version");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *latest = sqlite3_column_int64(st, 0);
        *oldest = sqlite3_column_int64(st, 1);
        *count = sqlite3_column_int64(st, 2);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_ssm_insert(const struct ssm_scope *sc, const struct ssm_param *p)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO ssm_parameter_versions (account, region, name, "
                                  "version, type, value, description, allowed_pattern, key_id, "
                                  "tier, data_type, policies, modified_ms, modified_user) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                  "?13, ?14)");
    sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, p->version);
    sqlite3_bind_text(st, 5, p->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, p->value, -1, SQLITE_STATIC);
    bind_opt_text(st, 7, p->description);
    bind_opt_text(st, 8, p->allowed_pattern);
    bind_opt_text(st, 9, p->key_id);
    sqlite3_bind_text(st, 10, p->tier, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, p->data_type, -1, SQLITE_STATIC);
    bind_opt_text(st, 12, p->policies);
    sqlite3_bind_int64(st, 13, p->modified_ms);
    sqlite3_bind_text(st, 14, p->modified_user, -1, SQLITE_STATIC);
    if (run(st))
        return -1;
    st = scoped(sc, "INSERT INTO ssm_parameters (account, region, name, version) "
                    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (account, region, name) "
                    "DO UPDATE SET version = excluded.version");
    sqlite3_bind_text(st, 3, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, p->version);
    return run(st);
}

int store_ssm_delete_version(const struct ssm_scope *sc, const char *name, int64_t version)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM ssm_parameter_versions WHERE account = ?1 AND "
                                  "region = ?2 AND name = ?3 AND version = ?4");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, version);
    return run(st);
}

int store_ssm_delete(const struct ssm_scope *sc, const char *name, const char *arn)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM ssm_parameters WHERE account = ?1 AND "
                                  "region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (run(st))
        return -1;
    if (sqlite3_changes(store_db(sc->st)) == 0)
        return 1;
    st = scoped(sc, "DELETE FROM ssm_parameter_versions WHERE account = ?1 AND region = ?2 AND "
                    "name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (run(st))
        return -1;
    st = scoped(sc, "DELETE FROM ssm_labels WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (run(st))
        return -1;
    st = scoped(sc, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND service = 'ssm' "
                    "AND resource = ?3");
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    return run(st);
}

int store_ssm_count_tier(const struct ssm_scope *sc, const char *tier, int64_t *n)
{
    sqlite3_stmt *st =
        scoped(sc, "SELECT count(*) FROM ssm_parameters p JOIN ssm_parameter_versions v ON "
                   "v.account = p.account AND v.region = p.region AND v.name = p.name AND "
                   "v.version = p.version WHERE p.account = ?1 AND p.region = ?2 AND "
                   "v.tier = ?3");
    sqlite3_bind_text(st, 3, tier, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Steps st to the end, handing each row to fn. Returns 0 or -1. */
static int each_row(sqlite3_stmt *st, store_ssm_fn fn, void *ctx)
{
    int result = 0;
    for (;;) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            result = -1;
            break;
        }
        struct ssm_param p = {0};
        read_row(st, &p);
        int r = fn(ctx, &p);
        store_ssm_param_clear(&p);
        if (r < 0)
            result = -1;
        if (r != 0)
            break;
    }
    sqlite3_reset(st);
    return result;
}

int store_ssm_each(const struct ssm_scope *sc, const char *after, const char *prefix,
                   store_ssm_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(
        sc, "SELECT " VERSION_COLUMNS " FROM ssm_parameters p "
            "JOIN ssm_parameter_versions v ON v.account = p.account AND v.region = p.region AND "
            "v.name = p.name AND v.version = p.version "
            "WHERE p.account = ?1 AND p.region = ?2 AND (?3 IS NULL OR p.name > ?3) AND "
            "(?4 IS NULL OR substr(p.name, 1, length(?4)) = ?4) ORDER BY p.name");
    bind_opt_text(st, 3, after);
    bind_opt_text(st, 4, prefix);
    return each_row(st, fn, ctx);
}

int store_ssm_each_version(const struct ssm_scope *sc, const char *name, int64_t after,
                           store_ssm_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " VERSION_COLUMNS " FROM ssm_parameter_versions v "
                                  "WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3 AND "
                                  "v.version > ?4 ORDER BY v.version");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, after);
    return each_row(st, fn, ctx);
}

int store_ssm_label_find(const struct ssm_scope *sc, const char *name, const char *label,
                         int64_t *version)
{
    sqlite3_stmt *st = scoped(sc, "SELECT version FROM ssm_labels WHERE account = ?1 AND "
                                  "region = ?2 AND name = ?3 AND label = ?4");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_ssm_label_set(const struct ssm_scope *sc, const char *name, const char *label,
                        int64_t version)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO ssm_labels (account, region, name, label, "
                                  "version) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account, "
                                  "region, name, label) DO UPDATE SET version = excluded.version");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, version);
    return run(st);
}

int store_ssm_label_delete(const struct ssm_scope *sc, const char *name, const char *label)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM ssm_labels WHERE account = ?1 AND region = ?2 "
                                  "AND name = ?3 AND label = ?4");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
    return run(st);
}

int store_ssm_labels(const struct ssm_scope *sc, const char *name, int64_t version,
                     cJSON *into, int64_t *n)
{
    sqlite3_stmt *st = scoped(sc, "SELECT label FROM ssm_labels WHERE account = ?1 AND "
                                  "region = ?2 AND name = ?3 AND version = ?4 ORDER BY label");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, version);
    int64_t count = 0;
    int rc;
    for (;;) {
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
            break;
        cJSON_AddItemToArray(into,
                             cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
        count++;
    }
    sqlite3_reset(st);
    if (n)
        *n = count;
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_ssm_label_count(const struct ssm_scope *sc, const char *name, int64_t version,
                          int64_t *n)
{
    sqlite3_stmt *st = scoped(sc, "SELECT count(*) FROM ssm_labels WHERE account = ?1 AND "
                                  "region = ?2 AND name = ?3 AND version = ?4");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, version);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_ssm_tag_put(const struct ssm_scope *sc, const char *resource, const char *key,
                      const char *value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ssm"};
    return store_tag_set(&t, resource, key, value);
}

int store_ssm_tag_delete(const struct ssm_scope *sc, const char *resource, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ssm"};
    return store_tag_remove(&t, resource, key);
}

int store_ssm_tag_get(const struct ssm_scope *sc, const char *resource, const char *key,
                      char **value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ssm"};
    return store_tag_get(&t, resource, key, value);
}

int store_ssm_tag_count(const struct ssm_scope *sc, const char *resource, int64_t *n)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ssm"};
    return store_tag_count(&t, resource, n);
}

int store_ssm_tags(const struct ssm_scope *sc, const char *resource, cJSON *into)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "ssm"};
    return store_tags_append(&t, resource, into, "Key", "Value");
}
