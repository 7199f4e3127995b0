/*
 * journal.h - the store's side of the audit journal (the journal table) and the few reads the
 * drill report makes of the rest of a team's world (SSM values, alarm state and history, metric
 * datapoints per minute).
 *
 * A journal row is one AWS API call of a team (sim/control/journal.c buffers them and writes a
 * loop turn's worth in one transaction). To add a column: append a migration in schema.c, a
 * member to struct journal_entry, and bind/read it in journal.c.
 */
#ifndef DRILLSIM_STORE_JOURNAL_H
#define DRILLSIM_STORE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* One journal row; strings are borrowed from the caller (insert) or the statement (each). */
struct journal_entry {
    int64_t seq; /* set by the store */
    const char *account;
    const char *region;
    int64_t sim_ms;
    int64_t wall_ms;
    const char *service;
    const char *operation;
    const char *params; /* a JSON object as text */
    int status;
    const char *error;   /* NULL on success */
    const char *message; /* NULL on success */
    int attempt;
    int mutated;
    const char *client; /* may be NULL */
};

/* Inserts the n entries at e inside the caller's transaction. Returns 0 or -1. */
int store_journal_insert(struct store *st, const struct journal_entry *e, int n);

/* Retention: deletes the oldest of account's rows after its first keep_first and before its
 * newest keep_last (both > 0), at most max of them, inside the caller's transaction. Sets
 * *deleted. Returns 0 or -1. Reads about keep_last index entries: call it now and then, not
 * per row. */
int store_journal_trim(struct store *st, const char *account, int keep_first, int keep_last,
                       int max, int64_t *deleted);

/* The number of account's rows, or -1. */
int64_t store_journal_count(struct store *st, const char *account);

/* Calls fn for account's rows with seq > after and sim time >= since_ms, oldest first, at most
 * limit of them (fn returns non-zero to stop). Returns the number visited, or -1. */
int store_journal_each(struct store *st, const char *account, int64_t after, int64_t since_ms,
                       int limit,
                       int (*fn)(void *ctx, const struct journal_entry *e), void *ctx);

/* As store_journal_each, for the newest limit rows of account with seq > after (oldest of
 * them first). */
int store_journal_tail(struct store *st, const char *account, int64_t after, int limit,
                       int (*fn)(void *ctx, const struct journal_entry *e), void *ctx);

/* The value of SSM parameter name in (account, region) into out (cut to outlen). Returns 0,
 * 1 when there is none, or -1. */
int store_report_ssm_value(struct store *st, const char *account, const char *region,
                           const char *name, char *out, size_t outlen);

/* The state of alarm name into out ("OK", "ALARM", ...). Returns 0, 1 when none, or -1. */
int store_report_alarm_state(struct store *st, const char *account, const char *region,
                             const char *name, char *out, size_t outlen);

/* The sim time of the first state change of alarm name to ALARM at or after from_ms, in *ms.
 * Returns 0, 1 when none, or -1. */
int store_report_alarm_fired(struct store *st, const char *account, const char *region,
                             const char *name, int64_t from_ms, int64_t *ms);

/* Statistic stat ("Maximum", "Minimum", "Average", "Sum", "SampleCount") of metric
 * namespace/name per minute over [from_ms, to_ms), over every single-dimension series of the
 * metric (the aggregate view: a cluster, a load balancer). Writes at most max values into
 * vals and their minute starts into ts, in time order. Returns the number written, or -1. */
int store_report_minutes(struct store *st, const char *account, const char *region,
                         const char *ns, const char *name, const char *stat, int64_t from_ms,
                         int64_t to_ms, int64_t *ts, double *vals, int max);

#endif
