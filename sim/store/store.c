/*
 * store.c - opening, migrating and transacting on the SQLite store (see store.h).
 */
#include "store/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/logs_bloom.h"
#include "store/store_int.h"
#include "util/xmalloc.h"

#define STMT_SLOTS 512 /* power of two; far more than the distinct statements we prepare */

struct stmt_slot {
    char *sql;
    sqlite3_stmt *stmt;
};

struct store {
    sqlite3 *db;
    int in_tx;
    uint64_t tx_gen;          /* counts transactions begun */
    struct logs_bloom *bloom; /* logs_bloom.c's filters, derived from logs_events rows */
    struct stmt_slot slots[STMT_SLOTS];
};

static int exec(struct store *s, const char *sql, char **cause)
{
    char *err = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        if (cause)
            *cause = xasprintf("%s (in: %.80s)", err ? err : "unknown error", sql);
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static int migrate(struct store *s, char **cause)
{
    sqlite3_stmt *st;
    int version = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
        *cause = xstrdup(sqlite3_errmsg(s->db));
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    int n = 0;
    while (store__migrations[n])
        n++;
    if (version > n) {
        *cause = xasprintf("data file schema version %d is newer than this drillsim (%d)",
                           version, n);
        return -1;
    }
    for (int i = version; i < n; i++) {
        if (exec(s, "BEGIN IMMEDIATE", cause))
            return -1;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
        if (exec(s, store__migrations[i], cause) || exec(s, pragma, cause)) {
            exec(s, "ROLLBACK", NULL);
            return -1;
        }
        if (exec(s, "COMMIT", cause))
            return -1;
    }
    return 0;
}

int store_open(const char *path, struct store **out, char **cause)
{
    struct store *s = xcalloc(1, sizeof *s);
    int memory = strcmp(path, ":memory:") == 0;
    int rc = sqlite3_open_v2(path, &s->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        *cause = xasprintf("cannot open %s: %s", path,
                           s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        goto fail;
    }
    if (!memory) {
        if (exec(s, "PRAGMA locking_mode = EXCLUSIVE", cause) ||
            exec(s, "PRAGMA journal_mode = WAL", cause) ||
            exec(s, "PRAGMA synchronous = NORMAL", cause) ||
            /* SQLite's default, 4 MB of WAL per checkpoint: a checkpoint runs on the loop
             * and syncs the file, so it is the tail of the API's latency; at 32 MB one
             * took 15 ms (p99 of GetParameter at 32 connections), at 4 MB about 4 ms,
             * for 9 % of the world's speed (tests/bench/) */
            exec(s, "PRAGMA wal_autocheckpoint = 1000", cause))
            goto fail;
        /* Take the exclusive lock now: a second drillsim on the same file fails here. */
        if (exec(s, "BEGIN IMMEDIATE; COMMIT", cause)) {
            char *c = *cause;
            *cause = xasprintf("%s is in use by another process? %s", path, c);
            free(c);
            goto fail;
        }
    }
    if (exec(s, "PRAGMA temp_store = MEMORY", cause) || migrate(s, cause))
        goto fail;
    *out = s;
    return 0;
fail:
    store_close(s);
    return -1;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < STMT_SLOTS; i++) {
        if (s->slots[i].stmt)
            sqlite3_finalize(s->slots[i].stmt);
        free(s->slots[i].sql);
    }
    sqlite3_close(s->db);
    logs_bloom_free(s->bloom);
    free(s);
}

sqlite3 *store_db(struct store *s)
{
    return s->db;
}

sqlite3_stmt *store_stmt(struct store *s, const char *sql)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 16777619u;
    for (uint32_t i = 0; i < STMT_SLOTS; i++) {
        struct stmt_slot *slot = &s->slots[(h + i) & (STMT_SLOTS - 1)];
        if (slot->sql == NULL) {
            if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt,
                                   NULL) != SQLITE_OK) {
                fprintf(stderr, "drillsim: bad SQL: %s\n  %s\n", sqlite3_errmsg(s->db), sql);
                abort();
            }
            slot->sql = xstrdup(sql);
            return slot->stmt;
        }
        if (strcmp(slot->sql, sql) == 0) {
            sqlite3_reset(slot->stmt);
            sqlite3_clear_bindings(slot->stmt);
            return slot->stmt;
        }
    }
    fprintf(stderr, "drillsim: statement cache full\n");
    abort();
}

int store_begin(struct store *s)
{
    if (s->in_tx)
        return 0;
    if (exec(s, "BEGIN IMMEDIATE", NULL))
        return -1;
    s->in_tx = 1;
    s->tx_gen++;
    return 0;
}

/* Resets every cached statement still stepping: a statement left on a row holds a read
 * snapshot open, and while one is open the WAL can never be checkpointed back to its start,
 * so it would grow without bound. */
static void reset_all(struct store *s)
{
    sqlite3_stmt *st = sqlite3_next_stmt(s->db, NULL);
    for (; st; st = sqlite3_next_stmt(s->db, st)) {
        if (sqlite3_stmt_busy(st))
            sqlite3_reset(st);
    }
}

int store_commit(struct store *s)
{
    if (!s->in_tx)
        return 0;
    s->in_tx = 0;
    reset_all(s);
    if (exec(s, "COMMIT", NULL)) {
        exec(s, "ROLLBACK", NULL);
        logs_bloom_rollback(s->bloom, s->tx_gen);
        return -1;
    }
    return 0;
}

void store_rollback(struct store *s)
{
    if (!s->in_tx)
        return;
    s->in_tx = 0;
    reset_all(s);
    exec(s, "ROLLBACK", NULL);
    logs_bloom_rollback(s->bloom, s->tx_gen);
}

uint64_t store_tx_gen(const struct store *s)
{
    return s->in_tx ? s->tx_gen : 0;
}

struct logs_bloom **store_logs_bloom(struct store *s)
{
    return &s->bloom;
}

int store_in_transaction(struct store *s)
{
    return s->in_tx;
}

int store_savepoint(struct store *s)
{
    return exec(s, "SAVEPOINT drillsim_nested", NULL);
}

int store_savepoint_end(struct store *s, int keep)
{
    if (!keep) {
        if (exec(s, "ROLLBACK TO drillsim_nested", NULL) != 0)
            return -1;
        logs_bloom_rollback(s->bloom, s->tx_gen);
    }
    return exec(s, "RELEASE drillsim_nested", NULL);
}

int store_reset(struct store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                           "name NOT LIKE 'sqlite_%'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    struct buf_list {
        char *names[256];
        int n;
    } tables = {.n = 0};
    while (sqlite3_step(st) == SQLITE_ROW && tables.n < 256)
        tables.names[tables.n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    int rc = exec(s, "BEGIN IMMEDIATE", NULL);
    for (int i = 0; i < tables.n; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", tables.names[i]);
        if (rc == 0)
            rc = exec(s, sql, NULL);
        free(tables.names[i]);
    }
    if (rc == 0)
        rc = exec(s, "COMMIT", NULL);
    else
        exec(s, "ROLLBACK", NULL);
    logs_bloom_forget(s);
    return rc;
}

int store_integrity_check(struct store *s)
{
    sqlite3_stmt *st;
    int ok = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW &&
        strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
        ok = 0;
    sqlite3_finalize(st);
    return ok;
}
