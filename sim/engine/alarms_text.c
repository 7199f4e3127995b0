/*
 * alarms_text.c - the evaluation decision and the texts CloudWatch writes about it: the state
 * reason, the reason data JSON, numbers and times in AWS's formats, region names.
 *
 * The decision (alarms_decide) follows the CloudWatch User Guide, "Configuring how CloudWatch
 * alarms treat missing data" / "How alarm state is evaluated when data is missing" and
 * "Avoiding premature transitions to alarm state":
 *   - CloudWatch retrieves more periods than EvaluationPeriods (N): the evaluation range.
 *     The guide's examples use N = 3 and a range of 5; how the range grows with N is not
 *     documented, and drillsim uses N + 2 for every N (alarms_range).
 *   - With at least N real datapoints in the range, the N most recent real ones are
 *     evaluated and TreatMissingData is not used: ALARM when at least M (DatapointsToAlarm,
 *     default N) breach, else OK.
 *   - With fewer (k < N), every real datapoint is evaluated together with the N - k most
 *     recent missing periods, filled as the treatment says: breaching / notBreaching fill them
 *     as breaching / not breaching and decide as above; missing and ignore do not fill:
 *     no real datapoint at all gives INSUFFICIENT_DATA (missing) or keeps the state (ignore);
 *     M real breaching datapoints give ALARM; any real non-breaching datapoint gives OK;
 *     real datapoints that all breach give ALARM when the oldest of them is at least M
 *     periods old (the premature-alarm rule), else INSUFFICIENT_DATA (missing) or the
 *     current state (ignore).
 *   This reproduces both example tables of the guide (tests/e2e/test_alarms.py and
 *   tests/unit/engine/alarms.c check every row).
 *
 * Texts, as AWS writes them (from alarms, notifications and history items quoted in public
 * repositories and issue trackers, and LocalStack snapshots recorded against AWS):
 *   "Threshold Crossed: 1 datapoint [21.5 (26/10/23 16:42:00)] was greater than the threshold
 *    (2.0)." - alarms without DatapointsToAlarm list the datapoints that decided (the breaching
 *    ones for ALARM, the others for OK, newest first);
 *   "Threshold Crossed: 2 out of the last 4 datapoints [10.7 (08/11/22 02:40:00), ...] were
 *    greater than the threshold (10.7) (minimum 2 datapoints for OK -> ALARM transition)." -
 *    alarms with DatapointsToAlarm; "(minimum N - M + 1 datapoints for ALARM -> OK
 *    transition)" for OK;
 *   "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints
 *    were treated as [Breaching]." / "1 datapoint was received for 3 periods and 2 missing
 *    datapoints were treated as [Breaching]" / "1 datapoint [2.0 (19/08/26 09:36:00)] was not
 *    less than or equal to the threshold (0.0) and 7 missing datapoints were treated as
 *    [Breaching]." - when missing periods were filled;
 *   "Insufficient Data: 5 datapoints were unknown." / "1 datapoint was unknown.";
 *   reason data {"version":"1.0","queryDate":"...+0000","startDate":...,"unit":...,
 *   "statistic":"Average","period":60,"recentDatapoints":[oldest first],"threshold":2.0,
 *   "evaluatedDatapoints":[newest first {"timestamp","sampleCount","value"}, or
 *   {"timestamp"} for a missing period]}.
 * Numbers are printed as Java prints doubles (80.0), datapoint times as dd/MM/yy HH:mm:ss.
 *
 * To change a text: keep it next to its source here and in the unit tests.
 */
#include "engine/alarms.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/alarms_int.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* ---- numbers, times, regions ------------------------------------------------------------- */

void alarms_java_double(double v, char *out, size_t n)
{
    if (isnan(v)) {
        snprintf(out, n, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(out, n, "%sInfinity", v < 0 ? "-" : "");
        return;
    }
    if (v == 0) {
        snprintf(out, n, "%s0.0", signbit(v) ? "-" : "");
        return;
    }
    /* the shortest decimal that reads back as v, as digits and a decimal exponent */
    char sci[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(sci, sizeof sci, "%.*e", p - 1, v);
        if (strtod(sci, NULL) == v)
            break;
    }
    const char *s = sci;
    int neg = *s == '-';
    if (neg)
        s++;
    char digits[24];
    int nd = 0;
    for (; *s && *s != 'e'; s++) {
        if (*s >= '0' && *s <= '9' && nd < (int)sizeof digits - 1)
            digits[nd++] = *s;
    }
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    int exp = *s == 'e' ? atoi(s + 1) : 0;
    char txt[64];
    size_t len = 0;
    if (neg)
        txt[len++] = '-';
    if (exp >= -3 && exp < 7) {
        if (exp < 0) {
            txt[len++] = '0';
            txt[len++] = '.';
            for (int i = -1; i > exp; i--)
                txt[len++] = '0';
            for (int i = 0; i < nd; i++)
                txt[len++] = digits[i];
        } else {
            for (int i = 0; i <= exp; i++)
                txt[len++] = i < nd ? digits[i] : '0';
            txt[len++] = '.';
            if (nd > exp + 1) {
                for (int i = exp + 1; i < nd; i++)
                    txt[len++] = digits[i];
            } else {
                txt[len++] = '0';
            }
        }
        txt[len] = '\0';
    } else {
        txt[len++] = digits[0];
        txt[len++] = '.';
        if (nd > 1) {
            for (int i = 1; i < nd; i++)
                txt[len++] = digits[i];
        } else {
            txt[len++] = '0';
        }
        snprintf(txt + len, sizeof txt - len, "E%d", exp);
        len = strlen(txt);
    }
    txt[len] = '\0';
    snprintf(out, n, "%s", txt);
}

/* Copies src into out (n bytes), cut to fit. */
static void copy_out(char *out, size_t n, const char *src)
{
    size_t l = strlen(src);
    if (l >= n)
        l = n - 1;
    memcpy(out, src, l);
    out[l] = '\0';
}

/* Breaks ms into UTC fields. */
static void utc_of(int64_t ms, struct tm *tm, int *millis)
{
    int64_t sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    *millis = (int)(ms - sec * 1000);
    time_t t = (time_t)sec;
    gmtime_r(&t, tm);
}

void alarms_iso_time(int64_t ms, char out[40])
{
    struct tm tm;
    int millis;
    utc_of(ms, &tm, &millis);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    copy_out(out, 40, tmp);
}

/* "26/10/23 16:42:00", the datapoint times of a state reason. */
static void short_time(int64_t ms, char out[32])
{
    struct tm tm;
    int millis;
    utc_of(ms, &tm, &millis);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%02d/%02d/%02d %02d:%02d:%02d", tm.tm_mday, tm.tm_mon + 1,
             tm.tm_year % 100, tm.tm_hour, tm.tm_min, tm.tm_sec);
    copy_out(out, 32, tmp);
}

void alarms__long_time(int64_t ms, char out[64])
{
    static const char *const days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};
    static const char *const months[] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};
    struct tm tm;
    int millis;
    utc_of(ms, &tm, &millis);
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s %02d %s, %04d %02d:%02d:%02d UTC", days[tm.tm_wday % 7],
             tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    copy_out(out, 64, tmp);
}

const char *alarms_region_name(const char *region)
{
    /* Alarm notifications name regions as the console did when they were introduced
     * ("EU (Ireland)", "US East (N. Virginia)"), seen in notifications quoted publicly. */
    static const struct {
        const char *code, *name;
    } names[] = {
        {"us-east-1", "US East (N. Virginia)"},
        {"us-east-2", "US East (Ohio)"},
        {"us-west-1", "US West (N. California)"},
        {"us-west-2", "US West (Oregon)"},
        {"af-south-1", "Africa (Cape Town)"},
        {"ap-east-1", "Asia Pacific (Hong Kong)"},
        {"ap-south-1", "Asia Pacific (Mumbai)"},
        {"ap-south-2", "Asia Pacific (Hyderabad)"},
        {"ap-southeast-1", "Asia Pacific (Singapore)"},
        {"ap-southeast-2", "Asia Pacific (Sydney)"},
        {"ap-southeast-3", "Asia Pacific (Jakarta)"},
        {"ap-southeast-4", "Asia Pacific (Melbourne)"},
        {"ap-northeast-1", "Asia Pacific (Tokyo)"},
        {"ap-northeast-2", "Asia Pacific (Seoul)"},
        {"ap-northeast-3", "Asia Pacific (Osaka)"},
        {"ca-central-1", "Canada (Central)"},
        {"ca-west-1", "Canada West (Calgary)"},
        {"eu-central-1", "EU (Frankfurt)"},
        {"eu-central-2", "EU (Zurich)"},
        {"eu-west-1", "EU (Ireland)"},
        {"eu-west-2", "EU (London)"},
        {"eu-west-3", "EU (Paris)"},
        {"eu-south-1", "EU (Milan)"},
        {"eu-south-2", "EU (Spain)"},
        {"eu-north-1", "EU (Stockholm)"},
        {"il-central-1", "Israel (Tel Aviv)"},
        {"me-south-1", "Middle East (Bahrain)"},
        {"me-central-1", "Middle East (UAE)"},
        {"sa-east-1", "South America (Sao Paulo)"},
        {"us-gov-east-1", "AWS GovCloud (US-East)"},
        {"us-gov-west-1", "AWS GovCloud (US-West)"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i].code, region) == 0)
            return names[i].name;
    }
    return region;
}

/* ---- JSON with AWS's number format ------------------------------------------------------- */

void alarms__json_str(struct buf *b, const char *s)
{
    if (s == NULL) {
        buf_puts(b, "null");
        return;
    }
    buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            buf_puts(b, "\\\"");
            break;
        case '\\':
            buf_puts(b, "\\\\");
            break;
        case '\n':
            buf_puts(b, "\\n");
            break;
        case '\r':
            buf_puts(b, "\\r");
            break;
        case '\t':
            buf_puts(b, "\\t");
            break;
        default:
            if (*p < 0x20)
                buf_printf(b, "\\u%04x", *p);
            else
                buf_putc(b, (char)*p);
        }
    }
    buf_putc(b, '"');
}

void alarms__json_num(struct buf *b, double v)
{
    if (!isfinite(v)) {
        buf_puts(b, "null");
        return;
    }
    char t[40];
    alarms_java_double(v, t, sizeof t);
    buf_puts(b, t);
}

void alarms__json_value(struct buf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        alarms__json_str(b, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (isfinite(d) && d == floor(d) && fabs(d) < 9e15)
            buf_printf(b, "%" PRId64, (int64_t)d);
        else
            alarms__json_num(b, d);
    } else if (cJSON_IsBool(v)) {
        buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        int obj = cJSON_IsObject(v);
        buf_putc(b, obj ? '{' : '[');
        const cJSON *it;
        int first = 1;
        cJSON_ArrayForEach(it, v)
        {
            if (!first)
                buf_putc(b, ',');
            first = 0;
            if (obj) {
                alarms__json_str(b, it->string);
                buf_putc(b, ':');
            }
            alarms__json_value(b, it);
        }
        buf_putc(b, obj ? '}' : ']');
    } else {
        buf_puts(b, "null");
    }
}

/* ---- the decision -------------------------------------------------------------------------- */

int alarms_range(int evaluation_periods)
{
    return evaluation_periods + 2;
}

int alarms_treat_parse(const char *s, enum alarms_treat *out)
{
    static const struct {
        const char *name;
        enum alarms_treat t;
    } m[] = {{"missing", ALARMS_MISSING},
             {"ignore", ALARMS_IGNORE},
             {"breaching", ALARMS_BREACHING},
             {"notBreaching", ALARMS_NOT_BREACHING}};
    if (s == NULL) {
        *out = ALARMS_MISSING;
        return 0;
    }
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        if (strcmp(m[i].name, s) == 0) {
            *out = m[i].t;
            return 0;
        }
    }
    return -1;
}

/* The words of a static-threshold operator, or NULL. */
static const char *op_words(const char *op)
{
    if (op == NULL)
        return NULL;
    if (strcmp(op, "GreaterThanThreshold") == 0)
        return "greater than";
    if (strcmp(op, "GreaterThanOrEqualToThreshold") == 0)
        return "greater than or equal to";
    if (strcmp(op, "LessThanThreshold") == 0)
        return "less than";
    if (strcmp(op, "LessThanOrEqualToThreshold") == 0)
        return "less than or equal to";
    return NULL;
}

/* Returns 1 if v breaches the threshold under op. */
static int breaches(const char *op, double v, double t)
{
    if (strcmp(op, "GreaterThanThreshold") == 0)
        return v > t;
    if (strcmp(op, "GreaterThanOrEqualToThreshold") == 0)
        return v >= t;
    if (strcmp(op, "LessThanThreshold") == 0)
        return v < t;
    return v <= t;
}

void alarms_decision_clear(struct alarms_decision *d)
{
    free(d->reason);
    free(d->reason_data);
    memset(d, 0, sizeof *d);
}

/* One evaluated period: an index into the range and whether it was filled. */
struct evald {
    int idx;
    int filled; /* 1: a missing period filled by the treatment; 2: missing, not filled */
};

/* "s" when n is not 1. */
static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* Builds the reason data JSON of a decision. */
static char *reason_data(const struct alarms_spec *s, const struct alarms_point *pts,
                         const struct evald *ev, int ne, int64_t query_ms)
{
    struct buf b;
    buf_init(&b, ALARMS__TEXT_MAX);
    char t[40];
    alarms_iso_time(query_ms, t);
    buf_printf(&b, "{\"version\":\"1.0\",\"queryDate\":\"%s\"", t);
    /* the oldest real datapoint evaluated (ev is newest first) */
    for (int i = ne - 1; i >= 0; i--) {
        if (ev[i].filled == 0) {
            alarms_iso_time(pts[ev[i].idx].ts_ms, t);
            buf_printf(&b, ",\"startDate\":\"%s\"", t);
            break;
        }
    }
    if (s->unit) {
        buf_puts(&b, ",\"unit\":");
        alarms__json_str(&b, s->unit);
    }
    if (s->statistic) {
        buf_puts(&b, ",\"statistic\":");
        alarms__json_str(&b, s->statistic);
    }
    buf_printf(&b, ",\"period\":%d,\"recentDatapoints\":[", s->period_s);
    int first = 1;
    for (int i = ne - 1; i >= 0; i--) {
        if (ev[i].filled)
            continue;
        if (!first)
            buf_putc(&b, ',');
        first = 0;
        alarms__json_num(&b, pts[ev[i].idx].value);
    }
    buf_puts(&b, "],\"threshold\":");
    alarms__json_num(&b, s->threshold);
    buf_puts(&b, ",\"evaluatedDatapoints\":[");
    for (int i = 0; i < ne; i++) {
        const struct alarms_point *p = &pts[ev[i].idx];
        alarms_iso_time(p->ts_ms, t);
        buf_printf(&b, "%s{\"timestamp\":\"%s\"", i ? "," : "", t);
        if (ev[i].filled == 0) {
            if (p->samples >= 0) {
                buf_puts(&b, ",\"sampleCount\":");
                alarms__json_num(&b, p->samples);
            }
            buf_puts(&b, ",\"value\":");
            alarms__json_num(&b, p->value);
        }
        buf_putc(&b, '}');
    }
    buf_puts(&b, "]}");
    return buf_steal(&b, NULL);
}

/*
 * Builds the "Threshold Crossed: ..." reason of an ALARM (alarm = 1) or OK decision:
 * the real datapoints that support it (newest first), the missing periods that were filled
 * and, when DatapointsToAlarm was given, the minimum for the transition.
 */
static char *threshold_reason(const struct alarms_spec *s, const struct alarms_point *pts,
                              const struct evald *ev, int ne, int alarm, int nreal)
{
    const char *words = op_words(s->op);
    int N = s->evaluation_periods, M = s->datapoints;
    int support = 0, filled = 0;
    for (int i = 0; i < ne; i++) {
        if (ev[i].filled == 1)
            filled++;
        else if (ev[i].filled == 0 &&
                 breaches(s->op, pts[ev[i].idx].value, s->threshold) == alarm)
            support++;
    }
    struct buf b;
    buf_init(&b, ALARMS__TEXT_MAX);
    buf_puts(&b, "Threshold Crossed: ");
    if (support > 0) {
        if (s->datapoints_given)
            buf_printf(&b, "%d out of the last %d datapoints [", support, N);
        else
            buf_printf(&b, "%d datapoint%s [", support, plural(support));
        int k = 0;
        for (int i = 0; i < ne; i++) {
            const struct alarms_point *p = &pts[ev[i].idx];
            if (ev[i].filled || breaches(s->op, p->value, s->threshold) != alarm)
                continue;
            char v[40], t[32];
            alarms_java_double(p->value, v, sizeof v);
            short_time(p->ts_ms, t);
            buf_printf(&b, "%s%s (%s)", k++ ? ", " : "", v, t);
        }
        char th[40];
        alarms_java_double(s->threshold, th, sizeof th);
        buf_printf(&b, "] %s %s%s the threshold (%s)", support == 1 ? "was" : "were",
                   alarm ? "" : "not ", words, th);
    } else if (nreal == 0) {
        buf_printf(&b, "no datapoints were received for %d period%s", N, plural(N));
    } else {
        buf_printf(&b, "%d datapoint%s %s received for %d period%s", nreal, plural(nreal),
                   nreal == 1 ? "was" : "were", N, plural(N));
    }
    if (filled > 0)
        buf_printf(&b, " and %d missing datapoint%s %s treated as [%s]", filled,
                   plural(filled), filled == 1 ? "was" : "were",
                   s->treat == ALARMS_BREACHING ? "Breaching" : "NonBreaching");
    if (s->datapoints_given) {
        int min = alarm ? M : N - M + 1;
        buf_printf(&b, " (minimum %d datapoint%s for %s transition)", min, plural(min),
                   alarm ? "OK -> ALARM" : "ALARM -> OK");
    }
    buf_putc(&b, '.');
    return buf_steal(&b, NULL);
}

int alarms_decide(const struct alarms_spec *s, const struct alarms_point *pts, int n,
                  int64_t query_ms, struct alarms_decision *out)
{
    memset(out, 0, sizeof *out);
    int N = s->evaluation_periods, M = s->datapoints;
    if (N < 1 || M < 1 || M > N || n < N || op_words(s->op) == NULL)
        return -1;
    int k = 0;
    for (int i = 0; i < n; i++)
        k += pts[i].present != 0;
    struct evald *ev = xcalloc((size_t)N, sizeof *ev);
    int ne = 0;
    if (k >= N) {
        for (int i = n - 1; i >= 0 && ne < N; i--) {
            if (pts[i].present)
                ev[ne++] = (struct evald){i, 0};
        }
    } else {
        /* every real datapoint, and the N - k most recent missing periods */
        int fill = N - k;
        int fmode = s->treat == ALARMS_BREACHING || s->treat == ALARMS_NOT_BREACHING ? 1 : 2;
        for (int i = n - 1; i >= 0 && ne < N; i--) {
            if (pts[i].present)
                ev[ne++] = (struct evald){i, 0};
            else if (fill > 0) {
                ev[ne++] = (struct evald){i, fmode};
                fill--;
            }
        }
    }
    int br = 0, ok = 0, nreal = 0;
    for (int i = 0; i < ne; i++) {
        if (ev[i].filled)
            continue;
        nreal++;
        if (breaches(s->op, pts[ev[i].idx].value, s->threshold))
            br++;
        else
            ok++;
    }
    const char *state = NULL;
    int insufficient = 0;
    if (k >= N) {
        state = br >= M ? ALARM_STATE_ALARM : ALARM_STATE_OK;
    } else if (s->treat == ALARMS_BREACHING) {
        state = br + (N - k) >= M ? ALARM_STATE_ALARM : ALARM_STATE_OK;
    } else if (s->treat == ALARMS_NOT_BREACHING) {
        state = br >= M ? ALARM_STATE_ALARM : ALARM_STATE_OK;
    } else {
        int keep = s->treat == ALARMS_IGNORE;
        if (k == 0) {
            insufficient = !keep;
        } else if (br >= M) {
            state = ALARM_STATE_ALARM;
        } else if (ok > 0) {
            state = ALARM_STATE_OK;
        } else {
            /* every real datapoint breaches: the premature-alarm rule */
            int oldest = -1;
            for (int i = 0; i < n && oldest < 0; i++) {
                if (pts[i].present)
                    oldest = i;
            }
            if (n - oldest >= M)
                state = keep ? NULL : ALARM_STATE_ALARM;
            else
                insufficient = !keep;
        }
    }
    if (insufficient) {
        int unknown = N - nreal;
        out->state = ALARM_STATE_INSUFFICIENT;
        out->reason = xasprintf("Insufficient Data: %d datapoint%s %s unknown.", unknown,
                                plural(unknown), unknown == 1 ? "was" : "were");
    } else if (state) {
        out->state = state;
        out->reason = threshold_reason(s, pts, ev, ne, strcmp(state, ALARM_STATE_ALARM) == 0,
                                       nreal);
    }
    if (out->state)
        out->reason_data = reason_data(s, pts, ev, ne, query_ms);
    for (int i = 0; i < ne; i++) {
        if (ev[i].filled == 0 && out->nvalues < (int)(sizeof out->values / sizeof out->values[0]))
            out->values[out->nvalues++] = pts[ev[i].idx].value;
    }
    free(ev);
    return 0;
}
