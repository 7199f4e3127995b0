/*
 * timefmt.h - parsing and printing the time formats the AWS protocols use.
 *
 * Times inside drillsim are epoch milliseconds (int64_t) or, in the neutral document, epoch
 * seconds as a double. Nothing here reads a clock; the clock module is the only reader.
 */
#ifndef DRILLSIM_TIMEFMT_H
#define DRILLSIM_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses an ISO 8601 instant: "2024-01-01", "2024-01-01T00:00:00Z", with fractional seconds,
 * with a "+hh:mm"/"-hh:mm"/"+hhmm" offset or none (UTC), with a space instead of "T".
 * Returns 0 and sets *out_s (epoch seconds), or -1.
 */
int timefmt_parse_iso8601(const char *s, double *out_s);
/* Formats epoch seconds as "2024-01-01T00:05:00Z", or "…00.123Z" when there are milliseconds. */
void timefmt_iso8601(double epoch_s, char out[40]);
/* Formats epoch milliseconds as an HTTP Date: "Thu, 26 Nov 2026 23:00:00 GMT". */
void timefmt_http_date(int64_t epoch_ms, char out[40]);
/* Converts a civil UTC date and time to epoch seconds (no time zone involved). */
int64_t timefmt_from_civil(int y, int mon, int d, int h, int mi, int s);

#endif
