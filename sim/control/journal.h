/*
 * journal.h - the audit journal of AWS API calls (docs/control-api.md, "Journal").
 *
 * pipeline_run() calls journal_record() once per AWS API call, at its end: the entry (sim and
 * wall time, team, region, service, operation, key parameters, status and error code, the
 * SDK's retry attempt, the client, whether the world changed) is appended to an in-memory
 * buffer. A libuv check handle (journal_start) writes the buffer in one transaction after a
 * loop turn (batched: at most every 50 ms, or every 256 entries), so the request path never
 * waits for SQLite; every control call flushes it first (journal_flush), so what the control
 * API reads or resets is complete.
 */
#ifndef DRILLSIM_CONTROL_JOURNAL_H
#define DRILLSIM_CONTROL_JOURNAL_H

#include <uv.h>

#include <cjson/cJSON.h>

struct call;
struct http_request;
struct sim;

/* Retention, per team: the first JOURNAL_KEEP_FIRST entries (the drill's start, which the
 * report reads) and the newest JOURNAL_KEEP_LAST are kept. A timer deletes what lies between
 * once a second, at most JOURNAL_TRIM_CHUNK rows per team and pass, for the teams whose
 * count (kept in memory, read from the store once) is over the sum: a load test cannot grow
 * the state file without bound (beyond that many calls a second it grows until the load
 * stops, then shrinks back), a drill under the limit costs nothing, and no pass stalls the
 * loop for long. */
#define JOURNAL_KEEP_FIRST 20000
#define JOURNAL_KEEP_LAST 200000
#define JOURNAL_TRIM_MS 1000
#define JOURNAL_TRIM_CHUNK 1000

/* Starts the per-loop-turn flush on loop. */
void journal_start(struct sim *sim, uv_loop_t *loop);
/* Buffers the journal entry of AWS API call c (finished, reply encoded). Never fails. */
void journal_record(struct call *c, const struct http_request *req);
/* Writes the buffered entries to the store of the sim that recorded them (sim, in practice:
 * one per process) in one transaction. Returns 0, or -1 (the entries stay buffered when a
 * transaction is open; they are dropped, with a line on stderr, if the write fails). */
int journal_flush(struct sim *sim);

/* The key parameters of an input document as a new object: top-level scalars (strings cut at
 * 200 characters) and short lists of scalars, at most 12 members, never a secret. */
cJSON *journal_params(const cJSON *in);
/* The retry attempt in an amz-sdk-request header value ("attempt=2; max=5"); 1 when value is
 * NULL or has none. */
int journal_attempt(const char *value);
/* 1 when a member named name must never be journaled (passwords, secret strings). */
int journal_is_secret(const char *name);

#endif
