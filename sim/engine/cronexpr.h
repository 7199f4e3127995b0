/*
 * cronexpr.h - the schedule expressions of Application Auto Scaling scheduled actions:
 * at(yyyy-mm-ddThh:mm:ss), rate(value unit) and cron(fields), in an IANA time zone.
 *
 * cron follows AWS's six-field syntax, minutes hours day-of-month month day-of-week year,
 * with the optional seventh leading seconds field AWS also accepts; fields take `,` `-` `*`
 * `/`, day-of-month `?` `L` `L-n` `nW` `LW`, day-of-week `?` `nL` `n#k` (1 = SUN .. 7 = SAT,
 * or SUN-SAT), months 1-12 or JAN-DEC, years 1970-2199. Exactly one of day-of-month and
 * day-of-week is `?`.
 *
 * Nothing here reads a clock: every function is given the instants it works from. Time zones
 * come from the system's zoneinfo (/usr/share/zoneinfo): a conversion sets TZ for its
 * duration and restores it, so it converts a given instant and never the current one. UTC
 * (no zone) needs no zoneinfo.
 */
#ifndef DRILLSIM_CRONEXPR_H
#define DRILLSIM_CRONEXPR_H

#include <stddef.h>
#include <stdint.h>

#define CRONEXPR_NEVER INT64_MIN

enum cronexpr_kind {
    CRONEXPR_AT = 1,
    CRONEXPR_RATE,
    CRONEXPR_CRON,
};

/* A parsed schedule expression. Bit sets hold the allowed values of each cron field. */
struct cronexpr {
    enum cronexpr_kind kind;
    int64_t at_civil_s; /* at(): the wall-clock time in the zone, as if it were UTC */
    int64_t rate_s;     /* rate(): the period */
    int has_seconds;    /* cron with seven fields */
    uint64_t seconds;   /* bits 0-59 */
    uint64_t minutes;   /* bits 0-59 */
    uint32_t hours;     /* bits 0-23 */
    uint32_t dom;       /* bits 1-31 */
    uint16_t months;    /* bits 1-12 */
    uint8_t dow;        /* bits 1-7 (1 = Sunday) */
    uint64_t years[4];  /* bit (year - 1970), 1970-2199 */
    int dom_any;        /* day-of-month is `?` (day-of-week decides) */
    int dom_last;       /* `L` / `L-n`: dom_last_offset days before the last day */
    int dom_last_offset;
    int dom_weekday;    /* `nW`: the weekday nearest to day dom_weekday (0 = none) */
    int dom_last_weekday; /* `LW` */
    int dow_any;        /* day-of-week is `?` */
    int dow_last;       /* `nL`: the last such weekday of the month (dow holds n) */
    int dow_nth;        /* `n#k`: the k-th such weekday of the month (0 = none) */
};

/*
 * Parses "at(...)", "rate(...)" or "cron(...)". Returns 0 and fills *out, or -1 with a short
 * reason written into why (always NUL-terminated).
 */
int cronexpr_parse(const char *s, struct cronexpr *out, char *why, size_t why_len);

/* Returns 1 if tz names a time zone drillsim can convert (an IANA name found in the system
 * zoneinfo, or UTC), 0 otherwise. */
int cronexpr_tz_valid(const char *tz);

/*
 * The first instant (epoch ms) strictly after after_ms at which e fires, in zone tz (NULL =
 * UTC), or CRONEXPR_NEVER. rate() fires at anchor_ms + k * period (k >= 1 when the anchor
 * itself is not a fire time: pass first_at_anchor = 1 to make the anchor fire too). at() and
 * cron() ignore the anchor. The search is bounded (cron years end at 2199).
 */
int64_t cronexpr_next(const struct cronexpr *e, const char *tz, int64_t anchor_ms,
                      int first_at_anchor, int64_t after_ms);

#endif
