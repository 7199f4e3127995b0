/*
 * secrets.c - the rows behind Secrets Manager (see secrets.h for the tables and conventions).
 *
 * Every statement binds ?1 = account and ?2 = region first, so it cannot leave its tenant,
 * except secrets_purge_due, which the engine's tick runs for one account across its regions.
 * To add a query: write it here, declare it in secrets.h, and keep AWS rules out of it.
 */
#include "store/secrets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/tags.h"
#include "util/xmalloc.h"

#define SECRET_COLUMNS                                                                         \
    "name, arn, description, kms_key_id, created_ms, changed_ms, accessed_ms, deleted_ms, "     \
    "purge_ms, seq"
#define TAG_SERVICE "secretsmanager"

void sm_secret_clear(struct sm_secret *s)
{
    free(s->name);
    free(s->arn);
    free(s->description);
    free(s->kms_key_id);
    memset(s, 0, sizeof *s);
}

void sm_version_clear(struct sm_version *v)
{
    free(v->id);
    free(v->string);
    free(v->binary);
    memset(v, 0, sizeof *v);
}

/* Returns an integer column, 0 for SQL NULL. */
static int64_t col_ms(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* Returns the cached statement for sql with ?1 = account and ?2 = region bound. */
static sqlite3_stmt *scoped(const struct sm_scope *sc, const char *sql)
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

static void read_secret(sqlite3_stmt *st, struct sm_secret *s)
{
    s->name = store_col_dup(st, 0);
    s->arn = store_col_dup(st, 1);
    s->description = store_col_dup(st, 2);
    s->kms_key_id = store_col_dup(st, 3);
    s->created_ms = sqlite3_column_int64(st, 4);
    s->changed_ms = sqlite3_column_int64(st, 5);
    s->accessed_ms = col_ms(st, 6);
    s->deleted_ms = col_ms(st, 7);
    s->purge_ms = col_ms(st, 8);
    s->seq = sqlite3_column_int64(st, 9);
}

/* Steps st (a SELECT of SECRET_COLUMNS) once. Returns 0 and fills *out, 1, or -1. */
static int one_secret(sqlite3_stmt *st, struct sm_secret *out)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_secret(st, out);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

/* ---- secrets ---------------------------------------------------------------------------- */

int sm_secret_get(const struct sm_scope *sc, const char *name, struct sm_secret *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " SECRET_COLUMNS " FROM sm_secrets "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    return one_secret(st, out);
}

int sm_secret_by_arn(const struct sm_scope *sc, const char *arn, struct sm_secret *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " SECRET_COLUMNS " FROM sm_secrets "
                                  "WHERE account = ?1 AND region = ?2 AND arn = ?3");
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    return one_secret(st, out);
}

int sm_secret_insert(const struct sm_scope *sc, struct sm_secret *s)
{
    sqlite3_stmt *st = scoped(sc, "SELECT coalesce(max(seq), 0) + 1 FROM sm_secrets "
                                  "WHERE account = ?1 AND region = ?2");
    if (sqlite3_step(st) != SQLITE_ROW)
        return -1;
    s->seq = sqlite3_column_int64(st, 0);
    st = scoped(sc, "INSERT INTO sm_secrets (account, region, " SECRET_COLUMNS ") VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    sqlite3_bind_text(st, 3, s->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->arn, -1, SQLITE_STATIC);
    store_bind_opt(st, 5, s->description);
    store_bind_opt(st, 6, s->kms_key_id);
    sqlite3_bind_int64(st, 7, s->created_ms);
    sqlite3_bind_int64(st, 8, s->changed_ms);
    bind_ms(st, 9, s->accessed_ms);
    bind_ms(st, 10, s->deleted_ms);
    bind_ms(st, 11, s->purge_ms);
    sqlite3_bind_int64(st, 12, s->seq);
    return store_exec_done(st);
}

int sm_secret_update(const struct sm_scope *sc, const struct sm_secret *s)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE sm_secrets SET description = ?4, kms_key_id = ?5, "
                                  "changed_ms = ?6, accessed_ms = ?7, deleted_ms = ?8, "
                                  "purge_ms = ?9 WHERE account = ?1 AND region = ?2 AND "
                                  "name = ?3");
    sqlite3_bind_text(st, 3, s->name, -1, SQLITE_STATIC);
    store_bind_opt(st, 4, s->description);
    store_bind_opt(st, 5, s->kms_key_id);
    sqlite3_bind_int64(st, 6, s->changed_ms);
    bind_ms(st, 7, s->accessed_ms);
    bind_ms(st, 8, s->deleted_ms);
    bind_ms(st, 9, s->purge_ms);
    return store_exec_done(st);
}

int sm_secret_delete(const struct sm_scope *sc, const char *name)
{
    struct sm_secret s = {0};
    int rc = sm_secret_get(sc, name, &s);
    if (rc != 0)
        return rc == 1 ? 0 : -1;
    sqlite3_stmt *st = scoped(sc, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND "
                                  "service = '" TAG_SERVICE "' AND resource = ?3");
    sqlite3_bind_text(st, 3, s.arn, -1, SQLITE_STATIC);
    rc = store_exec_done(st);
    sm_secret_clear(&s);
    static const char *const sqls[] = {
        "DELETE FROM sm_stages WHERE account = ?1 AND region = ?2 AND name = ?3",
        "DELETE FROM sm_versions WHERE account = ?1 AND region = ?2 AND name = ?3",
        "DELETE FROM sm_secrets WHERE account = ?1 AND region = ?2 AND name = ?3",
    };
    for (size_t i = 0; rc == 0 && i < sizeof sqls / sizeof sqls[0]; i++) {
        st = scoped(sc, sqls[i]);
        sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
        rc = store_exec_done(st);
    }
    return rc;
}

int sm_secret_each(const struct sm_scope *sc, int limit,
                   int (*fn)(void *ctx, const struct sm_secret *s), void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " SECRET_COLUMNS " FROM sm_secrets "
                                  "WHERE account = ?1 AND region = ?2 ORDER BY seq LIMIT ?3");
    sqlite3_bind_int(st, 3, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sm_secret s = {0};
        read_secret(st, &s);
        int stop = fn(ctx, &s);
        sm_secret_clear(&s);
        if (stop != 0)
            return -1;
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- versions and labels ---------------------------------------------------------------- */

int sm_version_get(const struct sm_scope *sc, const char *name, const char *id,
                   struct sm_version *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT id, string, bin, created_ms FROM sm_versions "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3 AND id = ?4");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 1 : -1;
    out->id = store_col_dup(st, 0);
    out->string = store_col_dup(st, 1);
    out->binary = store_col_dup(st, 2);
    out->created_ms = sqlite3_column_int64(st, 3);
    return 0;
}

int sm_version_insert(const struct sm_scope *sc, const char *name, const struct sm_version *v)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO sm_versions (account, region, name, id, string, "
                                  "bin, created_ms, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                  "(SELECT coalesce(max(seq), 0) + 1 FROM sm_versions "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3))");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, v->id, -1, SQLITE_STATIC);
    store_bind_opt(st, 5, v->string);
    store_bind_opt(st, 6, v->binary);
    sqlite3_bind_int64(st, 7, v->created_ms);
    return store_exec_done(st);
}

int sm_version_count(const struct sm_scope *sc, const char *name, int64_t *n)
{
    sqlite3_stmt *st = scoped(sc, "SELECT count(*) FROM sm_versions "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        return -1;
    *n = sqlite3_column_int64(st, 0);
    return 0;
}

int sm_version_prune(const struct sm_scope *sc, const char *name, int64_t keep)
{
    int64_t n = 0;
    if (sm_version_count(sc, name, &n) != 0)
        return -1;
    if (n <= keep)
        return 0;
    sqlite3_stmt *st = scoped(sc, "DELETE FROM sm_versions WHERE account = ?1 AND region = ?2 "
                                  "AND name = ?3 AND id IN (SELECT v.id FROM sm_versions v "
                                  "WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3 AND "
                                  "NOT EXISTS (SELECT 1 FROM sm_stages s WHERE "
                                  "s.account = ?1 AND s.region = ?2 AND s.name = ?3 AND "
                                  "s.version = v.id) ORDER BY v.seq LIMIT ?4)");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, n - keep);
    return store_exec_done(st);
}

int sm_stage_version(const struct sm_scope *sc, const char *name, const char *stage,
                     char out[65])
{
    sqlite3_stmt *st = scoped(sc, "SELECT version FROM sm_stages WHERE account = ?1 AND "
                                  "region = ?2 AND name = ?3 AND stage = ?4");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, stage, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 1 : -1;
    snprintf(out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
    return 0;
}

int sm_stage_set(const struct sm_scope *sc, const char *name, const char *stage,
                 const char *version)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO sm_stages (account, region, name, "
                                  "stage, version) VALUES (?1, ?2, ?3, ?4, ?5)");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, stage, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, version, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int sm_stage_remove(const struct sm_scope *sc, const char *name, const char *stage)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM sm_stages WHERE account = ?1 AND region = ?2 "
                                  "AND name = ?3 AND stage = ?4");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, stage, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int sm_version_stages(const struct sm_scope *sc, const char *name, const char *version,
                      cJSON *arr)
{
    sqlite3_stmt *st = scoped(sc, "SELECT stage FROM sm_stages WHERE account = ?1 AND "
                                  "region = ?2 AND name = ?3 AND version = ?4 ORDER BY stage");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, version, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(arr, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    return rc == SQLITE_DONE ? 0 : -1;
}

int sm_stages_map(const struct sm_scope *sc, const char *name, cJSON *obj)
{
    /* versions in creation order, each with its labels sorted */
    sqlite3_stmt *st = scoped(sc, "SELECT s.version, s.stage FROM sm_stages s JOIN sm_versions "
                                  "v ON v.account = s.account AND v.region = s.region AND "
                                  "v.name = s.name AND v.id = s.version WHERE s.account = ?1 "
                                  "AND s.region = ?2 AND s.name = ?3 ORDER BY v.seq, s.stage");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *version = (const char *)sqlite3_column_text(st, 0);
        cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, version);
        if (arr == NULL)
            arr = cJSON_AddArrayToObject(obj, version);
        cJSON_AddItemToArray(arr, cJSON_CreateString((const char *)sqlite3_column_text(st, 1)));
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- tags ------------------------------------------------------------------------------- */

int sm_tag_set(const struct sm_scope *sc, const char *arn, const char *key, const char *value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    return store_tag_set(&t, arn, key, value);
}

int sm_tag_remove(const struct sm_scope *sc, const char *arn, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    return store_tag_remove(&t, arn, key);
}

int sm_tag_count(const struct sm_scope *sc, const char *arn, int64_t *n)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    return store_tag_count(&t, arn, n);
}

int sm_tag_exists(const struct sm_scope *sc, const char *arn, const char *key, int *found)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    char *value = NULL;
    int rc = store_tag_get(&t, arn, key, &value);
    free(value);
    if (rc < 0)
        return -1;
    *found = rc == 0;
    return 0;
}

int sm_tags(const struct sm_scope *sc, const char *arn, cJSON *arr)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, TAG_SERVICE};
    return store_tags_append(&t, arn, arr, "Key", "Value");
}

/* ---- the end of recovery windows -------------------------------------------------------- */

int secrets_purge_due(struct store *st, const char *account, int64_t now_ms)
{
    /* at most a handful per tick: the next ticks take the rest */
    for (int i = 0; i < 64; i++) {
        sqlite3_stmt *q = store_stmt(st, "SELECT region, name FROM sm_secrets WHERE "
                                         "account = ?1 AND purge_ms IS NOT NULL AND "
                                         "purge_ms <= ?2 LIMIT 1");
        sqlite3_bind_text(q, 1, account, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, now_ms);
        int rc = sqlite3_step(q);
        if (rc == SQLITE_DONE)
            return 0;
        if (rc != SQLITE_ROW)
            return -1;
        char *region = store_col_dup(q, 0);
        char *name = store_col_dup(q, 1);
        sqlite3_reset(q);
        struct sm_scope sc = {st, account, region};
        rc = sm_secret_delete(&sc, name);
        free(region);
        free(name);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* ---- what other modules read ------------------------------------------------------------ */

/*
 * Resolves a SecretId as Secrets Manager does: a full ARN, else a partial ARN (the ARN of the
 * caller's account and region without the 6-character suffix), else a name. Returns 0 and
 * fills *out, 1, or -1.
 */
static int resolve(const struct sm_scope *sc, const char *id, struct sm_secret *out)
{
    if (strncmp(id, "arn:", 4) != 0)
        return sm_secret_get(sc, id, out);
    int rc = sm_secret_by_arn(sc, id, out);
    if (rc != 1)
        return rc;
    /* arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME */
    const char *p = id;
    const char *field[7];
    int n = 0;
    field[n++] = p;
    while (n < 7 && (p = strchr(p, ':')) != NULL)
        field[n++] = ++p;
    if (n < 7)
        return 1;
    size_t rlen = strlen(sc->region), alen = strlen(sc->account);
    if (strncmp(field[2], "secretsmanager:", 15) != 0 ||
        strncmp(field[3], sc->region, rlen) != 0 || field[3][rlen] != ':' ||
        strncmp(field[4], sc->account, alen) != 0 || field[4][alen] != ':' ||
        strncmp(field[5], "secret:", 7) != 0 || field[6][0] == '\0')
        return 1;
    return sm_secret_get(sc, field[6], out);
}

int sm_secret_resolve(const struct sm_scope *sc, const char *id, struct sm_secret *out)
{
    return resolve(sc, id, out);
}

int secrets_find(struct store *st, const char *account, const char *region, const char *id,
                 struct secret_info *out)
{
    struct sm_scope sc = {st, account, region};
    struct sm_secret s = {0};
    int rc = resolve(&sc, id, &s);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof *out);
    snprintf(out->arn, sizeof out->arn, "%s", s.arn);
    snprintf(out->name, sizeof out->name, "%s", s.name);
    out->deleted = s.deleted_ms != 0;
    char current[65];
    rc = sm_stage_version(&sc, s.name, "AWSCURRENT", current);
    if (rc == 0) {
        struct sm_version v = {0};
        rc = sm_version_get(&sc, s.name, current, &v);
        if (rc == 0 && v.string) {
            out->has_value = 1;
            cJSON *doc = cJSON_Parse(v.string);
            const cJSON *user = cJSON_GetObjectItemCaseSensitive(doc, "username");
            const cJSON *pass = cJSON_GetObjectItemCaseSensitive(doc, "password");
            out->has_user_pass = cJSON_IsObject(doc) && cJSON_IsString(user) &&
                                 cJSON_IsString(pass);
            cJSON_Delete(doc);
        }
        sm_version_clear(&v);
    }
    rc = rc == -1 ? -1 : 0;
    sm_secret_clear(&s);
    return rc;
}
