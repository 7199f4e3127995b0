/*
 * cronexpr.c - at / rate / cron schedule expressions and their next fire time (cronexpr.h).
 *
 * Fire times are searched in civil (wall-clock) time of the zone: the instant after which to
 * look is converted to the zone's civil time, the next matching civil time is found field by
 * field (year, month, day, hour, minute, second), and that civil time is converted back to an
 * instant. For a zone other than UTC both conversions run with TZ set to the zone (tz_enter /
 * tz_leave), using localtime_r and mktime on the given instants only; a civil time that does
 * not exist (a daylight-saving gap) is moved forward by mktime, as the clocks are.
 *
 * To support another expression: add a kind in cronexpr.h, parse it in cronexpr_parse and
 * answer it in cronexpr_next; tests/unit/engine/autoscaling.c covers the grammar.
 */
#include "engine/cronexpr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "util/timefmt.h"
#include "util/xmalloc.h"

#define ZONEINFO_DIR "/usr/share/zoneinfo"
#define YEAR_MIN 1970
#define YEAR_MAX 2199
#define MAX_FIELD_LEN 256

static const char *const month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL};
static const char *const day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL};

/* ---- civil calendar ------------------------------------------------------------------ */

/* Converts days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* Day of the week of a civil date: 1 = Sunday .. 7 = Saturday. */
static int weekday(int y, int m, int d)
{
    int64_t days = timefmt_from_civil(y, m, d, 0, 0, 0) / 86400;
    int64_t w = (days + 4) % 7; /* 1970-01-01 was a Thursday (4 with Sunday = 0) */
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

/* ---- time zones ---------------------------------------------------------------------- */

/* A TZ switch: the zone is in effect between tz_enter and tz_leave. */
struct tzscope {
    const char *tz; /* NULL = UTC: no switch */
    char *saved;    /* the previous TZ value, NULL if it was unset */
};

static int is_utc(const char *tz)
{
    return tz == NULL || tz[0] == '\0' || strcmp(tz, "UTC") == 0 || strcmp(tz, "Etc/UTC") == 0;
}

static void tz_enter(struct tzscope *s, const char *tz)
{
    s->tz = is_utc(tz) ? NULL : tz;
    s->saved = NULL;
    if (s->tz == NULL)
        return;
    const char *old = getenv("TZ");
    s->saved = old ? xstrdup(old) : NULL;
    setenv("TZ", tz, 1);
    tzset();
}

static void tz_leave(struct tzscope *s)
{
    if (s->tz == NULL)
        return;
    if (s->saved)
        setenv("TZ", s->saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(s->saved);
    s->saved = NULL;
}

/* Converts an instant (epoch seconds) to civil time in the scope's zone. */
static void to_civil(const struct tzscope *s, int64_t t, struct tm *out)
{
    time_t tt = (time_t)t;
    if (s->tz)
        localtime_r(&tt, out);
    else
        gmtime_r(&tt, out);
}

/* Converts a civil time in the scope's zone to an instant (epoch seconds). */
static int64_t from_civil(const struct tzscope *s, int y, int m, int d, int h, int mi, int sec)
{
    if (s->tz == NULL)
        return timefmt_from_civil(y, m, d, h, mi, sec);
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

int cronexpr_tz_valid(const char *tz)
{
    if (is_utc(tz))
        return 1;
    size_t n = strlen(tz);
    if (n > 64 || tz[0] == '/' || strstr(tz, "..") != NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)tz[i];
        if (!isalnum(ch) && ch != '/' && ch != '_' && ch != '-' && ch != '+')
            return 0;
    }
    char path[128];
    snprintf(path, sizeof path, "%s/%s", ZONEINFO_DIR, tz);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- parsing ------------------------------------------------------------------------- */

/* A 256-bit set of field values, indexed by value - lo. */
struct bits {
    uint64_t w[4];
};

static void bits_set(struct bits *b, int i)
{
    b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static int bits_has(const uint64_t *w, int i)
{
    return (w[i / 64] >> (i % 64)) & 1;
}

/* Parses a number or (when names is not NULL) a three-letter name, advancing *p. The name
 * at names[k] stands for lo + k. Returns 0 and sets *v, or -1. */
static int parse_value(const char **p, int lo, const char *const *names, int *v)
{
    const char *s = *p;
    if (isdigit((unsigned char)*s)) {
        long n = 0;
        int digits = 0;
        while (isdigit((unsigned char)*s) && digits < 5) {
            n = n * 10 + (*s - '0');
            s++;
            digits++;
        }
        if (isdigit((unsigned char)*s))
            return -1;
        *v = (int)n;
        *p = s;
        return 0;
    }
    if (names == NULL)
        return -1;
    for (int k = 0; names[k]; k++) {
        if (strncasecmp(s, names[k], 3) == 0) {
            *v = lo + k;
            *p = s + 3;
            return 0;
        }
    }
    return -1;
}

/*
 * Parses a comma-separated list of `*`, `a`, `a-b`, each optionally with `/step`, into set.
 * Returns 0, or -1 when the field is malformed or a value is outside [lo, hi].
 */
static int parse_list(const char *f, int lo, int hi, const char *const *names, struct bits *set)
{
    const char *p = f;
    for (;;) {
        int a, b, step = 1, single = 0;
        if (*p == '*') {
            a = lo;
            b = hi;
            p++;
        } else {
            if (parse_value(&p, lo, names, &a) != 0)
                return -1;
            b = a;
            single = 1;
            if (*p == '-') {
                p++;
                single = 0;
                if (parse_value(&p, lo, names, &b) != 0)
                    return -1;
            }
        }
        if (*p == '/') {
            p++;
            if (parse_value(&p, 0, NULL, &step) != 0 || step < 1)
                return -1;
            if (single)
                b = hi; /* "5/15": from 5 to the end of the range */
        }
        if (a < lo || b > hi || a > b)
            return -1;
        for (int v = a; v <= b; v += step)
            bits_set(set, v - lo);
        if (*p == '\0')
            return 0;
        if (*p != ',')
            return -1;
        p++;
    }
}

/* Parses the day-of-month field (`?`, `L`, `L-n`, `LW`, `nW`, or a list). Returns 0 or -1. */
static int parse_dom(const char *f, struct cronexpr *e)
{
    if (strcmp(f, "?") == 0) {
        e->dom_any = 1;
        return 0;
    }
    if (strcmp(f, "L") == 0 || strcmp(f, "l") == 0) {
        e->dom_last = 1;
        return 0;
    }
    if (strcasecmp(f, "LW") == 0) {
        e->dom_last_weekday = 1;
        return 0;
    }
    if ((f[0] == 'L' || f[0] == 'l') && f[1] == '-') {
        const char *p = f + 2;
        int n;
        if (parse_value(&p, 0, NULL, &n) != 0 || *p != '\0' || n < 0 || n > 30)
            return -1;
        e->dom_last = 1;
        e->dom_last_offset = n;
        return 0;
    }
    size_t len = strlen(f);
    if (len >= 2 && (f[len - 1] == 'W' || f[len - 1] == 'w')) {
        const char *p = f;
        int n;
        if (parse_value(&p, 0, NULL, &n) != 0 || p != f + len - 1 || n < 1 || n > 31)
            return -1;
        e->dom_weekday = n;
        return 0;
    }
    struct bits b = {{0}};
    if (parse_list(f, 1, 31, NULL, &b) != 0)
        return -1;
    e->dom = (uint32_t)(b.w[0] << 1);
    return 0;
}

/* Parses the day-of-week field (`?`, `L`, `nL`, `n#k`, or a list). Returns 0 or -1. */
static int parse_dow(const char *f, struct cronexpr *e)
{
    if (strcmp(f, "?") == 0) {
        e->dow_any = 1;
        return 0;
    }
    if (strcasecmp(f, "L") == 0) {
        e->dow = 1u << 7; /* Saturday, as the last day of the week */
        return 0;
    }
    const char *hash = strchr(f, '#');
    size_t len = strlen(f);
    if (hash || (len >= 2 && (f[len - 1] == 'L' || f[len - 1] == 'l'))) {
        const char *p = f;
        int d, k = 0;
        if (parse_value(&p, 1, day_names, &d) != 0 || d < 1 || d > 7)
            return -1;
        if (hash) {
            if (p != hash)
                return -1;
            p++;
            if (parse_value(&p, 0, NULL, &k) != 0 || *p != '\0' || k < 1 || k > 5)
                return -1;
            e->dow_nth = k;
        } else {
            if (p != f + len - 1)
                return -1;
            e->dow_last = 1;
        }
        e->dow = (uint8_t)(1u << d);
        return 0;
    }
    struct bits b = {{0}};
    if (parse_list(f, 1, 7, day_names, &b) != 0)
        return -1;
    e->dow = (uint8_t)(b.w[0] << 1);
    return 0;
}

/* Splits s (inside the parentheses) into at most max whitespace-separated fields. Returns
 * the count, or -1 when there are more or one is too long. */
static int split_fields(const char *s, char fields[][MAX_FIELD_LEN], int max)
{
    int n = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            break;
        if (n == max)
            return -1;
        size_t len = 0;
        while (*s && *s != ' ' && *s != '\t') {
            if (len + 1 >= MAX_FIELD_LEN)
                return -1;
            fields[n][len++] = *s++;
        }
        fields[n][len] = '\0';
        n++;
    }
    return n;
}

static int why_set(char *why, size_t why_len, const char *text)
{
    snprintf(why, why_len, "%s", text);
    return -1;
}

/* Parses the inside of cron(...). Returns 0 or -1 with why set. */
static int parse_cron(const char *body, struct cronexpr *e, char *why, size_t why_len)
{
    char fields[7][MAX_FIELD_LEN];
    int n = split_fields(body, fields, 7);
    if (n != 6 && n != 7)
        return why_set(why, why_len, "a cron expression has six fields");
    int i = 0;
    struct bits b = {{0}};
    e->has_seconds = n == 7;
    if (e->has_seconds) {
        if (parse_list(fields[i++], 0, 59, NULL, &b) != 0)
            return why_set(why, why_len, "bad seconds field");
        e->seconds = b.w[0];
    } else {
        e->seconds = 1; /* second 0 */
    }
    memset(&b, 0, sizeof b);
    if (parse_list(fields[i++], 0, 59, NULL, &b) != 0)
        return why_set(why, why_len, "bad minutes field");
    e->minutes = b.w[0];
    memset(&b, 0, sizeof b);
    if (parse_list(fields[i++], 0, 23, NULL, &b) != 0)
        return why_set(why, why_len, "bad hours field");
    e->hours = (uint32_t)b.w[0];
    if (parse_dom(fields[i++], e) != 0)
        return why_set(why, why_len, "bad day-of-month field");
    memset(&b, 0, sizeof b);
    if (parse_list(fields[i++], 1, 12, month_names, &b) != 0)
        return why_set(why, why_len, "bad month field");
    e->months = (uint16_t)(b.w[0] << 1);
    if (parse_dow(fields[i++], e) != 0)
        return why_set(why, why_len, "bad day-of-week field");
    memset(&b, 0, sizeof b);
    if (parse_list(fields[i++], YEAR_MIN, YEAR_MAX, NULL, &b) != 0)
        return why_set(why, why_len, "bad year field");
    memcpy(e->years, b.w, sizeof e->years);
    if (e->dom_any == e->dow_any)
        return why_set(why, why_len,
                       "exactly one of day-of-month and day-of-week must be '?'");
    return 0;
}

/* Parses the inside of rate(...): "value unit". Returns 0 or -1. */
static int parse_rate(const char *body, struct cronexpr *e, char *why, size_t why_len)
{
    char fields[3][MAX_FIELD_LEN];
    if (split_fields(body, fields, 2) != 2)
        return why_set(why, why_len, "a rate expression is rate(value unit)");
    const char *p = fields[0];
    int v;
    if (parse_value(&p, 0, NULL, &v) != 0 || *p != '\0' || v < 1)
        return why_set(why, why_len, "the rate value must be a positive integer");
    static const struct {
        const char *name;
        int64_t s;
    } units[] = {{"minute", 60},  {"minutes", 60}, {"hour", 3600},
                 {"hours", 3600}, {"day", 86400},  {"days", 86400}};
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
        if (strcmp(fields[1], units[k].name) == 0) {
            e->rate_s = (int64_t)v * units[k].s;
            return 0;
        }
    }
    return why_set(why, why_len, "the rate unit must be minute(s), hour(s) or day(s)");
}

/* Reads 1..maxd digits at *p into *v. Returns 0 or -1. */
static int read_digits(const char **p, int mind, int maxd, int *v)
{
    int n = 0, d = 0;
    while (d < maxd && isdigit((unsigned char)**p)) {
        n = n * 10 + (**p - '0');
        (*p)++;
        d++;
    }
    if (d < mind || isdigit((unsigned char)**p))
        return -1;
    *v = n;
    return 0;
}

/* Parses the inside of at(...): yyyy-mm-ddThh:mm:ss. Returns 0 or -1. */
static int parse_at(const char *body, struct cronexpr *e, char *why, size_t why_len)
{
    const char *p = body;
    int y, mo, d, h, mi, s;
    if (read_digits(&p, 4, 4, &y) != 0 || *p++ != '-' || read_digits(&p, 1, 2, &mo) != 0 ||
        *p++ != '-' || read_digits(&p, 1, 2, &d) != 0 || *p++ != 'T' ||
        read_digits(&p, 1, 2, &h) != 0 || *p++ != ':' || read_digits(&p, 1, 2, &mi) != 0 ||
        *p++ != ':' || read_digits(&p, 1, 2, &s) != 0 || *p != '\0')
        return why_set(why, why_len, "an at expression is at(yyyy-mm-ddThh:mm:ss)");
    if (y < YEAR_MIN || y > YEAR_MAX || mo < 1 || mo > 12 || d < 1 ||
        d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
        return why_set(why, why_len, "the date and time of the at expression do not exist");
    e->at_civil_s = timefmt_from_civil(y, mo, d, h, mi, s);
    return 0;
}

int cronexpr_parse(const char *s, struct cronexpr *out, char *why, size_t why_len)
{
    struct cronexpr e;
    memset(&e, 0, sizeof e);
    static const struct {
        const char *prefix;
        enum cronexpr_kind kind;
    } kinds[] = {{"at(", CRONEXPR_AT}, {"rate(", CRONEXPR_RATE}, {"cron(", CRONEXPR_CRON}};
    size_t len = strlen(s);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t pl = strlen(kinds[k].prefix);
        if (len <= pl || strncmp(s, kinds[k].prefix, pl) != 0)
            continue;
        if (s[len - 1] != ')')
            return why_set(why, why_len, "the expression must end with ')'");
        char *body = xstrndup(s + pl, len - pl - 1);
        int rc;
        e.kind = kinds[k].kind;
        if (e.kind == CRONEXPR_AT)
            rc = parse_at(body, &e, why, why_len);
        else if (e.kind == CRONEXPR_RATE)
            rc = parse_rate(body, &e, why, why_len);
        else
            rc = parse_cron(body, &e, why, why_len);
        free(body);
        if (rc != 0)
            return -1;
        *out = e;
        return 0;
    }
    return why_set(why, why_len, "the schedule must be at(...), rate(...) or cron(...)");
}

/* ---- next fire time ------------------------------------------------------------------ */

/* Returns the weekday (Monday-Friday) of month y-m nearest to day n, or 0 when n is past the
 * end of the month. */
static int nearest_weekday(int y, int m, int n)
{
    int dim = days_in_month(y, m);
    if (n > dim)
        return 0;
    int wd = weekday(y, m, n);
    if (wd == 7) /* Saturday: the Friday before, or the Monday after the 1st */
        return n > 1 ? n - 1 : n + 2;
    if (wd == 1) /* Sunday: the Monday after, or the Friday before the last day */
        return n < dim ? n + 1 : n - 2;
    return n;
}

/* Returns 1 if the civil date y-m-d matches the day fields of e. */
static int day_matches(const struct cronexpr *e, int y, int m, int d)
{
    int dim = days_in_month(y, m);
    if (e->dom_any) {
        int wd = weekday(y, m, d);
        if (!((e->dow >> wd) & 1))
            return 0;
        if (e->dow_last)
            return d + 7 > dim;
        if (e->dow_nth)
            return (d - 1) / 7 + 1 == e->dow_nth;
        return 1;
    }
    if (e->dom_last)
        return d == dim - e->dom_last_offset;
    if (e->dom_last_weekday)
        return d == nearest_weekday(y, m, dim);
    if (e->dom_weekday)
        return d == nearest_weekday(y, m, e->dom_weekday);
    return (e->dom >> d) & 1;
}

/* The cron search: the first instant after after_s (epoch seconds) matching e. */
static int64_t cron_next(const struct cronexpr *e, const struct tzscope *z, int64_t after_s)
{
    int64_t start = after_s + 1;
    if (!e->has_seconds)
        start = (start + 59) / 60 * 60;
    struct tm tm;
    to_civil(z, start, &tm);
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    int h0 = tm.tm_hour, mi0 = tm.tm_min, s0 = e->has_seconds ? tm.tm_sec : 0;
    /* each pass moves to a later day, month or year: bounded by the year range */
    for (int guard = 0; guard < (YEAR_MAX - YEAR_MIN + 1) * 400; guard++) {
        if (y > YEAR_MAX)
            return CRONEXPR_NEVER;
        if (y < YEAR_MIN || !bits_has(e->years, y - YEAR_MIN)) {
            y++, m = 1, d = 1, h0 = mi0 = s0 = 0;
            continue;
        }
        if (!((e->months >> m) & 1) || d > days_in_month(y, m)) {
            if (++m > 12)
                y++, m = 1;
            d = 1, h0 = mi0 = s0 = 0;
            continue;
        }
        if (day_matches(e, y, m, d)) {
            for (int h = h0; h < 24; h++) {
                if (!((e->hours >> h) & 1))
                    continue;
                for (int mi = h == h0 ? mi0 : 0; mi < 60; mi++) {
                    if (!((e->minutes >> mi) & 1))
                        continue;
                    int sfrom = h == h0 && mi == mi0 ? s0 : 0;
                    for (int s = sfrom; s < 60; s++) {
                        if (!((e->seconds >> s) & 1))
                            continue;
                        int64_t t = from_civil(z, y, m, d, h, mi, s);
                        if (t > after_s)
                            return t;
                    }
                }
            }
        }
        d++, h0 = mi0 = s0 = 0;
    }
    return CRONEXPR_NEVER;
}

int64_t cronexpr_next(const struct cronexpr *e, const char *tz, int64_t anchor_ms,
                      int first_at_anchor, int64_t after_ms)
{
    if (e->kind == CRONEXPR_RATE) {
        int64_t period = e->rate_s * 1000;
        int64_t k;
        if (after_ms < anchor_ms)
            k = first_at_anchor ? 0 : 1;
        else
            k = (after_ms - anchor_ms) / period + 1;
        return anchor_ms + k * period;
    }
    /* civil searches work in whole seconds: floor after_ms */
    int64_t after_s = after_ms >= 0 ? after_ms / 1000 : -((-after_ms + 999) / 1000);
    struct tzscope z;
    tz_enter(&z, tz);
    int64_t t;
    if (e->kind == CRONEXPR_AT) {
        int y, m, d;
        civil_from_days(e->at_civil_s / 86400, &y, &m, &d);
        int64_t sod = e->at_civil_s % 86400;
        t = from_civil(&z, y, m, d, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
        if (t <= after_s)
            t = CRONEXPR_NEVER;
    } else {
        t = cron_next(e, &z, after_s);
    }
    tz_leave(&z);
    return t == CRONEXPR_NEVER ? CRONEXPR_NEVER : t * 1000;
}
