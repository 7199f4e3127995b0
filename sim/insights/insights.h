/*
 * insights.h - the CloudWatch Logs Insights query language: compile a query string, then feed
 * it events in scan order and collect the result rows.
 *
 *   struct ins_query *q;  ins_compile(text, &q, &err)        (MalformedQueryException texts)
 *   struct ins_run *r = ins_run_new(q, account, now_ms, limit);
 *   for each event of logs_scan(..., ins_scan_desc(q), ins_prefilter(q), ...):
 *       if (ins_run_feed(r, ev)) break;                    (1: no more events needed)
 *   cJSON *rows = ins_run_finish(r);                        (GetQueryResults' "results")
 *
 * The language (lexer.c, parser.c, eval.c): fields, display, filter, stats (two at most), sort,
 * limit, parse (glob and regex), dedup, comments and backtick names; the scalar functions of
 * the AWS documentation (string, numeric, datetime, general, IP, JSON) and the aggregations
 * count, count_distinct, sum, avg, min, max, stddev, pct, earliest, latest, sortsFirst,
 * sortsLast. Whatever is not implemented fails to compile with MalformedQueryException, never
 * silently. Evaluation streams events through the commands up to the first stats or sort (a
 * sort on @timestamp alone is the scan order, so it costs nothing), then works on a table.
 *
 * To add a function: a row in eval.c's function table and a case in its call evaluator, plus
 * a case file in tests/unit/insights/cases/. To add a command: the parser (parser.c) and a
 * stage in eval.c's stream or table runner.
 */
#ifndef DRILLSIM_INSIGHTS_H
#define DRILLSIM_INSIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "store/logs.h"

struct ins_query;
struct ins_run;

/* A compile error: AWS's MalformedQueryException message and the character offsets of the
 * offending text (queryCompileError.location). */
struct ins_error {
    char message[512];
    int start;
    int end;
};

/* Counters of a run, GetQueryResults' statistics. */
struct ins_stats {
    double records_matched;
    double records_scanned;
    double bytes_scanned;
};

/* Compiles text. Returns 0 and *out (free with ins_free), or -1 with *err filled. */
int ins_compile(const char *text, struct ins_query **out, struct ins_error *err);
void ins_free(struct ins_query *q);
/* The scan order the query wants: 1 newest first (the default), 0 oldest first. */
int ins_scan_desc(const struct ins_query *q);
/* A substring every event that can match contains (case-sensitive), or NULL: a prefilter
 * the scan may apply before the query sees the event. */
const char *ins_prefilter(const struct ins_query *q);

/* Starts a run of q (which must outlive it) for account at sim time now_ms (now()); limit is
 * StartQuery's limit (0 = the default 10,000). */
struct ins_run *ins_run_new(const struct ins_query *q, const char *account, int64_t now_ms,
                            int limit);
/* Feeds the next event in scan order. Returns 0 to go on, 1 when the query needs no more
 * events (a limit was reached on an already-ordered stream). */
int ins_run_feed(struct ins_run *r, const struct log_event *ev);
/* Whether the run needs no more events (a limit was reached on an ordered stream). */
int ins_run_done(const struct ins_run *r);
/* Ends the run and returns the result rows (owned by the caller): an array of rows, each an
 * array of {"field", "value"} objects with string values. Call once. */
cJSON *ins_run_finish(struct ins_run *r);
void ins_run_stats(const struct ins_run *r, struct ins_stats *out);
void ins_run_free(struct ins_run *r);

/* GetLogRecord: every field of an event (the discovered fields and the JSON message
 * flattened) as an object of strings. account makes @log. Returns a new object. */
cJSON *ins_log_record(const char *account, const struct log_event *ev);
/* @ptr: encodes an event id as an opaque string (out holds at least 64 bytes), and back.
 * ins_ptr_decode returns 0 and *id, or -1 when s is not a pointer drillsim made. */
void ins_ptr_encode(int64_t id, char out[64]);
int ins_ptr_decode(const char *s, int64_t *id);
/* Formats epoch milliseconds as Logs Insights prints @timestamp: "2026-01-01 00:00:00.000". */
void ins_format_time(int64_t ms, char out[32]);

#endif
