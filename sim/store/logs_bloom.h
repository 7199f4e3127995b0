/*
 * logs_bloom.h - which five-minute buckets of a log group may hold a substring: a Bloom
 * filter of the byte trigrams of every event message, per (group, bucket), kept in memory.
 *
 * The event scan (store/logs.c) asks it before reading a bucket for a prefiltered query
 * (Logs Insights' `filter ispresent(errorType)`, a dashboard's log widget): a bucket that
 * cannot hold the substring is skipped, so a query that matches nothing no longer reads every
 * message of its range. A filter never forgets a trigram, so "cannot hold" is exact: events
 * are added as logs_put() writes them, and a bucket seen for the first time (after a start,
 * or an eviction) is built from the rows it has.
 *
 * Rows written behind logs_put()'s back make a filter wrong: whoever does that calls
 * logs_bloom_forget() (snapshot restore). A filter built inside a transaction may have read
 * rows the transaction deleted; store.c calls logs_bloom_rollback() so a rollback that
 * brings them back drops those filters.
 */
#ifndef DRILLSIM_STORE_LOGS_BLOOM_H
#define DRILLSIM_STORE_LOGS_BLOOM_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct logs_bloom;

/* The bucket width: a filter covers [k * LOGS_BLOOM_BUCKET_MS, (k + 1) * ...). */
#define LOGS_BLOOM_BUCKET_MS 300000

/* Adds one message written to group_id at ts_ms (called by logs_put() after the insert). */
void logs_bloom_add(struct store *st, int64_t group_id, int64_t ts_ms, const char *msg,
                    size_t len);

/* Returns 0 when no event of group_id in the bucket holding ts_ms contains s (of length
 * >= 3), 1 when one may, -1 when the rows could not be read (treat as "may"). */
int logs_bloom_may_contain(struct store *st, int64_t group_id, int64_t ts_ms, const char *s);

/* Drops every filter (rows changed behind logs_put()'s back). */
void logs_bloom_forget(struct store *st);
/* Drops the filters built while transaction generation tx_gen was open. */
void logs_bloom_rollback(struct logs_bloom *b, uint64_t tx_gen);
void logs_bloom_free(struct logs_bloom *b);

/* For tests: the number of filters held and of builds from rows so far. */
void logs_bloom_stats(struct store *st, int *held, int64_t *builds);

#endif
