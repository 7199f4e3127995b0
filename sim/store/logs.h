/*
 * logs.h - CloudWatch Logs storage: groups, streams and events, per (account, region).
 *
 * Logs Insights (sim/insights/, sim/services/logs_insights.c) reads events only through
 * logs_scan() and logs_get_event(), so the storage layout stays this module's business.
 * The Logs API (sim/services/logs.c) and the retention sub-step (sim/engine/logs.c) use the
 * rest of this header.
 *
 * Tables (sim/store/schema.c, the Logs migration):
 *   logs_groups   one row per log group: an integer id (the events' key), (account, region,
 *                 name) unique, creation time, retention in days (NULL = never expire), KMS
 *                 key, class, deletion protection, the bytes stored, and expire_ms: the sim
 *                 time at which its oldest event passes the retention period (NULL when
 *                 nothing can expire), so the tick's query is an index range;
 *   logs_streams  one row per stream: an integer id, (group_id, name) unique, creation time,
 *                 first/last event timestamps, last ingestion time and the upload sequence
 *                 number (bumped by every PutLogEvents);
 *   logs_events   one row per event, clustered by (group_id, ts_ms, id) (WITHOUT ROWID), so a
 *                 time-ordered scan of a group reads its rows in sequence with the messages
 *                 inline; indexes on (id) (GetLogRecord, @ptr) and (stream_id, ts_ms, id)
 *                 (GetLogEvents). Event ids are never reused (logs_seq hands them out).
 *   tags          the generic tag table; Logs rows have service 'logs' and the group name.
 * The functions only read and write rows; every AWS rule lives in sim/services/logs.c.
 * Writes run inside the caller's transaction.
 *
 * Return convention (unless a comment says otherwise): 0 = done / found, 1 = not found (or
 * already exists, for a create), -1 = SQLite error.
 */
#ifndef DRILLSIM_STORE_LOGS_H
#define DRILLSIM_STORE_LOGS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

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
 *
 * Unknown group names (and repeated ones) are skipped. Each call seeks to the cursor through
 * the (group, timestamp, id) key, so resuming never re-reads what was visited, and the like
 * prefilter runs inside SQLite: messages without the substring are never copied out. fn may
 * run other store statements, but not logs_scan() itself.
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

/* ---- the Logs API's side (sim/services/logs.c, sim/engine/logs.c) ----------------------- */

/* The scope every group call works in. */
struct logs_scope {
    struct store *st;
    const char *account;
    const char *region;
};

/* A log group as stored. Filled structs own their strings (logs_group_clear). */
struct logs_group {
    int64_t id;
    char *name;
    int64_t created_ms;
    int retention_days; /* 0 = never expire */
    char *kms_key_id;   /* NULL = none */
    char *log_class;    /* STANDARD | INFREQUENT_ACCESS | DELIVERY */
    int deletion_protection;
    int64_t stored_bytes;
};

/* A log stream as stored. has_events says whether the timestamps are set. */
struct logs_stream {
    int64_t id;
    char *name;
    int64_t created_ms;
    int has_events;
    int64_t first_ts_ms;
    int64_t last_ts_ms;
    int64_t last_ingest_ms;
    int64_t seq; /* upload sequence number: 0 until the first PutLogEvents */
};

void logs_group_clear(struct logs_group *g);
void logs_stream_clear(struct logs_stream *s);

/* Creates a group (kms_key_id may be NULL). Returns 0 and sets *id, 1 if it exists, -1. */
int logs_group_create(const struct logs_scope *sc, const char *name, int64_t created_ms,
                      const char *kms_key_id, const char *log_class, int deletion_protection,
                      int64_t *id);
/* Reads the group into *out (zeroed before; the caller clears it). Returns 0, 1 or -1. */
int logs_group_get(const struct logs_scope *sc, const char *name, struct logs_group *out);
/* Deletes the group with its streams, events and tags. Returns 0, 1 or -1. */
int logs_group_delete(const struct logs_scope *sc, const char *name);
typedef int (*logs_group_fn)(void *ctx, const struct logs_group *g);
/*
 * Calls fn for the groups whose name is > after (NULL = from the first) and starts with
 * prefix (NULL = any), in name order, until fn returns nonzero. The group passed is valid
 * during the call only. Returns 0 or -1.
 */
int logs_group_each(const struct logs_scope *sc, const char *after, const char *prefix,
                    logs_group_fn fn, void *ctx);
/* Sets (days > 0) or removes (days == 0) the group's retention; recomputes when its oldest
 * event expires. Returns 0, 1 or -1. */
int logs_group_set_retention(const struct logs_scope *sc, const char *name, int days);

/* Creates a stream of group_id. Returns 0, 1 if it exists, -1. */
int logs_stream_create(struct store *st, int64_t group_id, const char *name,
                       int64_t created_ms);
/* Reads the stream into *out (zeroed before; the caller clears it). Returns 0, 1 or -1. */
int logs_stream_get(struct store *st, int64_t group_id, const char *name,
                    struct logs_stream *out);
/* Deletes the stream and its events (the group's stored bytes shrink). Returns 0, 1, -1. */
int logs_stream_delete(struct store *st, int64_t group_id, const char *name);
typedef int (*logs_stream_fn)(void *ctx, const struct logs_stream *s);
/* How logs_stream_each orders and resumes. */
struct logs_stream_order {
    int by_last_event; /* 0: by name; 1: by (lastEventTimestamp or 0, name) */
    int desc;
    const char *prefix;      /* name prefix, NULL = any (by name only) */
    const char *after_name;  /* resume after this stream (NULL = from the start) */
    int64_t after_ts_ms;     /* by_last_event: its key's timestamp part */
};
/* Calls fn for the streams of group_id in the order asked, until fn returns nonzero.
 * Returns 0 or -1. */
int logs_stream_each(struct store *st, int64_t group_id, const struct logs_stream_order *o,
                     logs_stream_fn fn, void *ctx);

/* One event to store: its message need not be NUL-terminated. */
struct logs_put_event {
    int64_t ts_ms;
    const char *message;
    size_t len;
};
/*
 * Stores n events (chronological; n may be 0) in the stream, all with ingestion time
 * ingest_ms; updates the stream's timestamps and sequence number, the group's stored bytes
 * and, when the group has a retention, when its oldest event expires. Sets *seq to the
 * stream's new sequence number. Returns 0 or -1.
 */
int logs_put(struct store *st, int64_t group_id, int64_t stream_id,
             const struct logs_put_event *ev, int n, int64_t ingest_ms, int64_t *seq);

/* An event source of logs_events_scan: one group, or one stream (of group `group`). */
struct logs_source {
    int by_stream;
    int64_t id;        /* group id or stream id */
    const char *group; /* the group's name, reported in each event */
};
/* logs_scan over sources already resolved (the same contract otherwise; a stream source
 * reads through the stream index). */
int logs_events_scan(struct store *st, const struct logs_source *src, int nsrc,
                     int64_t start_ms, int64_t end_ms, int desc, const char *like,
                     struct logs_cursor *cursor, int max,
                     int (*fn)(void *ctx, const struct log_event *ev), void *ctx);

/*
 * Retention on sim time: deletes, in the groups of account whose oldest event has passed
 * their retention by now_ms, every event older than the retention, and sets when each next
 * expires. Cheap when nothing is due (an index range on expire_ms). Sets *deleted (may be
 * NULL) to the number of events removed. Returns 0 or -1.
 */
int logs_expire(struct store *st, const char *account, int64_t now_ms, int64_t *deleted);

/* ---- tags (resource = the group name; the service builds the ARNs) ------------------- */

int logs_tag_set(const struct logs_scope *sc, const char *group, const char *key,
                 const char *value);
int logs_tag_remove(const struct logs_scope *sc, const char *group, const char *key);
/* Sets *n to the number of tags of group. Returns 0 or -1. */
int logs_tag_count(const struct logs_scope *sc, const char *group, int64_t *n);
/* Adds the tags of group as string members of the cJSON object into. Returns 0 or -1. */
int logs_tags(const struct logs_scope *sc, const char *group, cJSON *into);

#endif
