/*
 * store.h - the SQLite store: one connection, owned by the loop thread.
 *
 * The file is opened in WAL mode with synchronous=NORMAL: a committed transaction survives
 * the process being killed (kill -9) because the WAL write has reached the kernel before the
 * reply is sent; only a power loss could lose the last commits. The file is locked
 * exclusively, so a second drillsim on the same --data fails at start instead of corrupting it.
 * Every row of a regional service is scoped by (account, region).
 *
 * Statements are prepared once and cached by their SQL text (store_stmt); callers bind, step
 * and leave them: the next store_stmt() of the same SQL resets it.
 */
#ifndef DRILLSIM_STORE_H
#define DRILLSIM_STORE_H

#include <stdint.h>

#include <sqlite3.h>

struct store;
struct logs_bloom;

/* Opens (creating and migrating) the store at path (":memory:" for a throwaway one).
 * Returns 0 and sets *out, or -1 with *cause set (caller frees). */
int store_open(const char *path, struct store **out, char **cause);
void store_close(struct store *s);
sqlite3 *store_db(struct store *s);
/* Returns the cached, reset, unbound statement for sql; aborts if sql does not compile
 * (a programming error, caught by the first test that runs it). */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);
int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);
int store_in_transaction(struct store *s);
/* The generation of the open transaction (each store_begin counts one), 0 outside one. */
uint64_t store_tx_gen(const struct store *s);
/* Where the store keeps logs_bloom.c's filters (freed with the store). */
struct logs_bloom **store_logs_bloom(struct store *s);
/*
 * A nested unit of work inside the open transaction (SAVEPOINT): store_savepoint opens it,
 * store_savepoint_end(s, 1) keeps its changes, store_savepoint_end(s, 0) undoes them. Used
 * when one step of a bigger write may fail on its own (an internal API call of a fixture).
 * Returns 0 or -1.
 */
int store_savepoint(struct store *s);
int store_savepoint_end(struct store *s, int keep);
/* Deletes every row of every table (the control API's reset). Returns 0 or -1. */
int store_reset(struct store *s);
/* Runs PRAGMA integrity_check; returns 0 when the result is "ok". */
int store_integrity_check(struct store *s);

#endif
