/*
 * console_logs.h - the pure parts of the console's Logs pages (sim/console/console_logs.c),
 * exposed for the unit tests (tests/unit/console/logs.c): the Insights box's time window and its
 * repeated group= arguments.
 */
#ifndef DRILLSIM_CONSOLE_LOGS_H
#define DRILLSIM_CONSOLE_LOGS_H

#include <stdint.h>

#include "util/buf.h"

struct form;

/* The Insights box's bounds: log groups per query (StartQuery's own limit) and query size. */
#define CON_LOGS_MAX_QUERY 10000

/*
 * The time window of an Insights run, in epoch seconds, as `aws logs start-query` takes it.
 * start and end (decimal epoch seconds; NULL or "" = not given) win when both are given;
 * otherwise range ("15m", "1h", "3h", "12h"; NULL or "" = 15m) ends at now_ms (whole seconds,
 * rounded down). Returns 0 and sets *start_s / *end_s, or -1 and sets *err to a static
 * sentence saying what is wrong (only one of start/end, not a number, end before start, an
 * unknown range).
 */
int con_logs_window(const char *range, const char *start, const char *end, int64_t now_ms,
                    int64_t *start_s, int64_t *end_s, const char **err);

/*
 * Collects the values of every field named key in f (in order, repeats and empty values
 * skipped) into out[] (pointers into f, not copies), at most max. Returns their number, or
 * max + 1 when f holds more distinct non-empty values than max (out[] then holds the first
 * max).
 */
int con_form_values(const struct form *f, const char *key, const char **out, int max);

#endif
