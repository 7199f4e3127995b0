/*
 * logs.h - CloudWatch Logs storage: groups, streams and events, per (account, region).
 * (Contract for the events scan; the implementation is being written.)
 *
 * Logs Insights (sim/insights/, sim/services/logs_insights.c) reads events only through
 * logs_scan() and logs_get_event(), so the storage layout stays this module's business.
 */
#ifndef DRILLSIM_STORE_LOGS_H
#define DRILLSIM_STORE_LOGS_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* One stored event, valid during the callback only. */
struct log_event {
    int64_t id;          /* stable id of the event (what @ptr encodes) */
    const char *group;   /* log group name */
    const char *stream;  /* log stream name */
    int64_t ts_ms;       /* event timestamp, epoch ms */
    int64_t ingest_ms;   /* ingestion time (sim time of PutLogEvents), epoch ms */
    const char *message; /* NUL-terminated */
    size_t message_len;
};

/* Where a scan stopped; zero-initialise before the first call. */
struct logs_cursor {
    int64_t ts_ms;
    int64_t id;
    int started;
};

/*
 * Scans the events of (account, region) in the named groups whose timestamp is in
 * [start_ms, end_ms] (both inclusive), in timestamp order (desc != 0: newest first; ties by
 * id), resuming after *cursor. Calls fn for each event until fn returns nonzero or max events
 * were visited; *cursor is updated to the last event visited. like, if not NULL, is a
 * substring every returned message contains (a prefilter the caller may use to skip events
 * cheaply; matching is case-sensitive). Returns 1 when the scan is exhausted, 0 when it
 * stopped early (call again to go on), -1 on a store error.
 */
int logs_scan(struct store *st, const char *account, const char *region,
              const char *const *groups, int ngroups, int64_t start_ms, int64_t end_ms, int desc,
              const char *like, struct logs_cursor *cursor, int max,
              int (*fn)(void *ctx, const struct log_event *ev), void *ctx);
/* Fetches one event by id (GetLogRecord / @ptr) into fn. Returns 0, 1 if no such event in
 * (account, region), -1 on error. */
int logs_get_event(struct store *st, const char *account, const char *region, int64_t id,
                   int (*fn)(void *ctx, const struct log_event *ev), void *ctx);
/* Whether a log group exists in (account, region): 1 yes, 0 no, -1 error. */
int logs_group_exists(struct store *st, const char *account, const char *region,
                      const char *group);

#endif
