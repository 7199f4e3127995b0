/*
 * timefmt.c - ISO 8601 and HTTP date parsing/printing (see timefmt.h).
 */
#include "util/timefmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

int64_t timefmt_from_civil(int y, int mon, int d, int h, int mi, int s)
{
    return days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int timefmt_parse_iso8601(const char *s, double *out_s)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    double frac = 0;
    size_t n = strlen(s);
    if (n < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    const char *p = s + 10;
    int offset_s = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (strlen(p) < 5 || digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi))
            return -1;
        p += 5;
        if (*p == ':') {
            if (digits(p + 1, 2, &sec))
                return -1;
            p += 3;
            if (*p == '.' || *p == ',') {
                p++;
                double scale = 0.1;
                if (*p < '0' || *p > '9')
                    return -1;
                while (*p >= '0' && *p <= '9') {
                    frac += (*p - '0') * scale;
                    scale /= 10;
                    p++;
                }
            }
        }
        if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || frac > 0)))
            return -1;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, oh, om = 0;
            p++;
            if (digits(p, 2, &oh))
                return -1;
            p += 2;
            if (*p == ':')
                p++;
            if (*p) {
                if (digits(p, 2, &om))
                    return -1;
                p += 2;
            }
            if (oh > 23 || om > 59)
                return -1;
            offset_s = sign * (oh * 3600 + om * 60);
        }
    }
    if (*p != '\0')
        return -1;
    *out_s = (double)(timefmt_from_civil(y, mo, d, h, mi, sec) - offset_s) + frac;
    return 0;
}

void timefmt_iso8601(double epoch_s, char out[40])
{
    double whole = floor(epoch_s);
    int64_t secs = (int64_t)whole;
    int ms = (int)llround((epoch_s - whole) * 1000.0);
    if (ms >= 1000) {
        secs++;
        ms -= 1000;
    }
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    /* the fields as the compiler can see them bounded (years outside 0..9999 do not occur) */
    unsigned uy = (unsigned)(y < 0 ? 0 : y) % 10000u, um = (unsigned)m % 100u;
    unsigned ud = (unsigned)d % 100u, uh = (unsigned)(rem / 3600) % 100u;
    unsigned umi = (unsigned)(rem % 3600 / 60) % 100u, us = (unsigned)(rem % 60) % 100u;
    if (ms)
        snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", uy, um, ud, uh, umi, us,
                 (unsigned)ms % 1000u);
    else
        snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02uZ", uy, um, ud, uh, umi, us);
}

void timefmt_http_date(int64_t epoch_ms, char out[40])
{
    static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    int w = (int)(((days % 7) + 7) % 7);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[w], d, mn[m - 1], y,
             (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60));
}
