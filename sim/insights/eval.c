/*
 * eval.c - runs a compiled Logs Insights query over events: the functions, the JSON
 * flattener, the stream and table stages, aggregation and sorting.
 *
 * A run streams each event through the commands up to the first barrier: a stats (events are
 * aggregated as they come) or a sort that is not the scan order (rows are kept; when only
 * fields, display, parse and limit follow, just the best K of them). Before a barrier, filter,
 * fields, parse, dedup and limit work row by row on one reused row whose strings live in a
 * per-event arena; a limit reached there ends the scan early. After the barrier the rows are
 * a table (each row one allocation) that the remaining commands rework in place.
 *
 * Values: strings, numbers, timestamps, booleans and JSON (jsonParse). Comparisons are
 * numeric when both sides read as numbers, else textual; any comparison with a missing field
 * is false. Sorting follows the documented natural order: non-numbers before numbers, digit
 * runs compared by length then value, other characters by code point; missing values sort
 * lowest. Numbers print in their shortest exact form (JSON numbers as written), timestamps
 * as "YYYY-MM-DD HH:MM:SS.mmm", booleans as 1 and 0 (GUESS: AWS prints ispresent() and
 * comparisons this way in results; not verified).
 *
 * GUESSES where the documentation is silent: stddev is the sample standard deviation (0 for
 * one value); pct is the nearest-rank percentile of the values; stats rows come in the order
 * their groups were first seen in the scan (newest first by default); a JSON null is a
 * missing field; "not like" and "not in" are true on a missing field.
 *
 * To add a function: a row in fns[] (and its F_ constant, same order) and a case in
 * eval_call().
 */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "insights/insights_int.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

#define DEFAULT_LIMIT 10000

/* ---- the function table ---------------------------------------------------------------- */

enum {
    F_ABS, F_CEIL, F_FLOOR, F_GREATEST, F_LEAST, F_LOG, F_SQRT,
    F_ISPRESENT, F_COALESCE, F_IF,
    F_ISEMPTY, F_ISBLANK, F_CONCAT, F_LTRIM, F_RTRIM, F_TRIM, F_STRLEN, F_TOUPPER, F_TOLOWER,
    F_SUBSTR, F_REPLACE, F_STRCONTAINS,
    F_BIN, F_DATEFLOOR, F_DATECEIL, F_FROMMILLIS, F_TOMILLIS, F_NOW,
    F_ISVALIDIP, F_ISVALIDIPV4, F_ISVALIDIPV6, F_ISIPINSUBNET, F_ISIPV4INSUBNET,
    F_ISIPV6INSUBNET,
    F_JSONPARSE, F_JSONSTRINGIFY,
    F__COUNT
};

static const struct ins_fn fns[F__COUNT] = {
    {"abs", 1, 1}, {"ceil", 1, 1}, {"floor", 1, 1}, {"greatest", 1, -1}, {"least", 1, -1},
    {"log", 1, 1}, {"sqrt", 1, 1},
    {"ispresent", 1, 1}, {"coalesce", 1, -1}, {"if", 3, 3},
    {"isempty", 1, 1}, {"isblank", 1, 1}, {"concat", 1, -1}, {"ltrim", 1, 2}, {"rtrim", 1, 2},
    {"trim", 1, 2}, {"strlen", 1, 1}, {"toupper", 1, 1}, {"tolower", 1, 1}, {"substr", 2, 3},
    {"replace", 3, 3}, {"strcontains", 2, 2},
    {"bin", 1, 1}, {"datefloor", 2, 2}, {"dateceil", 2, 2}, {"fromMillis", 1, 1},
    {"toMillis", 1, 1}, {"now", 0, 0},
    {"isValidIp", 1, 1}, {"isValidIpV4", 1, 1}, {"isValidIpV6", 1, 1}, {"isIpInSubnet", 2, 2},
    {"isIpv4InSubnet", 2, 2}, {"isIpv6InSubnet", 2, 2},
    {"jsonParse", 1, 1}, {"jsonStringify", 1, 1},
};

static const struct {
    const char *name;
    enum ins_agg agg;
} aggs[] = {
    {"count", A_COUNT},       {"count_distinct", A_COUNT_DISTINCT}, {"sum", A_SUM},
    {"avg", A_AVG},           {"min", A_MIN},                       {"max", A_MAX},
    {"stddev", A_STDDEV},     {"pct", A_PCT},                       {"earliest", A_EARLIEST},
    {"latest", A_LATEST},     {"sortsFirst", A_SORTSFIRST},         {"sortsLast", A_SORTSLAST},
};

int ins_fn_find(const char *name)
{
    for (int i = 0; i < F__COUNT; i++) {
        if (strcasecmp(fns[i].name, name) == 0)
            return i;
    }
    return -1;
}

int ins_agg_find(const char *name)
{
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++) {
        if (strcasecmp(aggs[i].name, name) == 0)
            return (int)aggs[i].agg;
    }
    return -1;
}

int ins_fn_is(int fn, const char *name)
{
    return fn >= 0 && fn < F__COUNT && strcasecmp(fns[fn].name, name) == 0;
}

const struct ins_fn *ins_fn_info(int fn)
{
    return &fns[fn];
}

/* ---- runs and rows --------------------------------------------------------------------- */

enum { ST_UNSET = 0, ST_FOUND = 1, ST_COMPUTED = 2 };

struct row {
    struct ins_val *v;
    uint8_t *st;
    const struct log_event *ev; /* streaming rows only */
    int json_done;
    int has_id;
    int64_t id;
    uint64_t seq;
};

/* A materialized row: one allocation holding the values, the states and the strings. */
struct trow {
    struct row r;
};

struct aggst {
    double cnt, sum, sumsq, mn, mx;
    int has;     /* numeric values seen */
    int is_time; /* every value seen was a timestamp */
    struct ins_val best;
    char *best_owned;
    int64_t best_ts;
    int best_set;
    double *vals;
    size_t nv, capv;
    char **set; /* count_distinct: open-addressing set of strings */
    size_t setn, setcap;
};

struct group {
    char *key;
    size_t keylen;
    uint32_t hash;
    struct ins_val *keyv; /* owned copies (strings in key_owned) */
    char **key_owned;
    struct aggst *st;
};

struct agg {
    const struct ins_cmd *c;
    struct group **g;
    size_t ng, capg;
    int *tab;
    size_t tabcap;
};

struct dedup {
    char **keys;
    size_t n, cap;
};

struct ins_run {
    const struct ins_query *q;
    char account[16];
    int64_t now_ms;
    int limit;
    struct ins_arena arena; /* per event / per table-stage scratch */
    struct row cur;
    long *counts;           /* per command: rows passed (limit) */
    struct dedup *dd;       /* per command (dedup) */
    int barrier;            /* first command not run by the stream */
    long topk;              /* sort barrier keeps this many rows at most (0 = all) */
    struct agg *agg;        /* stats barrier */
    struct trow **tbl;      /* sort barrier / table */
    size_t ntbl, captbl;
    cJSON *out;             /* output rows */
    int nout;
    int done;
    uint64_t seq;
    struct group *cur_group; /* eval of N_AGG */
    const struct ins_cmd *cur_stats;
    struct ins_stats stats;
    struct buf scratch;
};

/* ---- value helpers --------------------------------------------------------------------- */

static struct ins_val vnull(void)
{
    struct ins_val v;
    memset(&v, 0, sizeof v);
    return v;
}

static struct ins_val vnum(double d)
{
    struct ins_val v = vnull();
    v.t = V_NUM;
    v.n = d;
    return v;
}

static struct ins_val vbool(int b)
{
    struct ins_val v = vnull();
    v.t = V_BOOL;
    v.n = b ? 1 : 0;
    return v;
}

static struct ins_val vtime(int64_t ms)
{
    struct ins_val v = vnull();
    v.t = V_TIME;
    v.ms = ms;
    return v;
}

/* Times beyond about 275,000 years are not times: +/-8.64e15 ms, JavaScript's Date range. */
#define TIME_MAX_MS 8.64e15

/* A time from a computed number, or null when it is not finite or out of range. */
static struct ins_val vtime_num(double ms)
{
    if (!(fabs(ms) <= TIME_MAX_MS))
        return vnull();
    return vtime((int64_t)ms);
}

static struct ins_val vstr(const char *s, size_t len)
{
    struct ins_val v = vnull();
    v.t = V_STR;
    v.s = s;
    v.len = (uint32_t)len;
    return v;
}

void ins_format_time(int64_t ms, char out[32])
{
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int msec = (int)(ms - secs * 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, msec);
    snprintf(out, 32, "%.31s", tmp);
}

static void fmt_num(double d, char out[40])
{
    if (isnan(d) || isinf(d)) {
        snprintf(out, 40, "%s", isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (d == floor(d) && fabs(d) < 1e15) {
        snprintf(out, 40, "%.0f", d == 0 ? 0.0 : d);
        return;
    }
    /* the shortest form that reads back exactly */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, 40, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            break;
    }
}

/* Parses a whole string as a number (leading/trailing spaces allowed). */
static int str_num(const char *s, size_t len, double *out)
{
    if (len == 0 || len > 60)
        return -1;
    char tmp[64];
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *p = tmp;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0')
        return -1;
    /* decimal forms only (no hex, inf, nan) */
    for (char *c = p; *c; c++) {
        if (!(isdigit((unsigned char)*c) || strchr("+-.eE ", *c)))
            return -1;
    }
    char *end;
    double d = strtod(p, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0' || end == p)
        return -1;
    *out = d;
    return 0;
}

static int to_num(const struct ins_val *v, double *out)
{
    switch (v->t) {
    case V_NUM:
    case V_BOOL:
        *out = v->n;
        return 0;
    case V_TIME:
        *out = (double)v->ms;
        return 0;
    case V_STR:
        return str_num(v->s, v->len, out);
    default:
        return -1;
    }
}

/* The text of a value (arena-allocated when it has to be made). */
static const char *to_str(struct ins_run *r, const struct ins_val *v, size_t *len)
{
    char tmp[40];
    switch (v->t) {
    case V_STR:
    case V_JSON:
        *len = v->len;
        return v->s;
    case V_NUM:
        if (v->s != NULL) {
            *len = v->len;
            return v->s;
        }
        fmt_num(v->n, tmp);
        break;
    case V_BOOL:
        if (v->s != NULL) {
            *len = v->len;
            return v->s;
        }
        snprintf(tmp, sizeof tmp, "%d", v->n != 0);
        break;
    case V_TIME:
        ins_format_time(v->ms, tmp);
        break;
    default:
        *len = 0;
        return "";
    }
    *len = strlen(tmp);
    return ins_arena_strndup(&r->arena, tmp, *len);
}

static int truthy(const struct ins_val *v)
{
    switch (v->t) {
    case V_BOOL:
    case V_NUM:
        return v->n != 0;
    case V_STR:
        return v->len > 0;
    case V_TIME:
    case V_JSON:
        return 1;
    default:
        return 0;
    }
}

/* Natural ordering (ascending) of the sort command. */
static int is_numberish(const struct ins_val *v, double *d)
{
    if (v->t == V_STR)
        return str_num(v->s, v->len, d) == 0;
    return to_num(v, d) == 0;
}

static int natural_cmp(struct ins_run *r, const struct ins_val *a, const struct ins_val *b)
{
    if (a->t == V_NULL || b->t == V_NULL)
        return (a->t != V_NULL) - (b->t != V_NULL);
    double da, db;
    int na = is_numberish(a, &da), nb = is_numberish(b, &db);
    if (na && nb)
        return da < db ? -1 : da > db ? 1 : 0;
    if (na != nb)
        return na ? 1 : -1;
    size_t la, lb;
    const char *sa = to_str(r, a, &la), *sb = to_str(r, b, &lb);
    size_t i = 0, j = 0;
    while (i < la && j < lb) {
        unsigned char ca = (unsigned char)sa[i], cb = (unsigned char)sb[j];
        if (isdigit(ca) && isdigit(cb)) {
            size_t ei = i, ej = j;
            while (ei < la && isdigit((unsigned char)sa[ei]))
                ei++;
            while (ej < lb && isdigit((unsigned char)sb[ej]))
                ej++;
            if (ei - i != ej - j)
                return ei - i < ej - j ? -1 : 1;
            int c = memcmp(sa + i, sb + j, ei - i);
            if (c != 0)
                return c < 0 ? -1 : 1;
            i = ei;
            j = ej;
            continue;
        }
        if (ca != cb)
            return ca < cb ? -1 : 1;
        i++;
        j++;
    }
    return (i < la) - (j < lb);
}

/* Equality and ordering of comparisons: numeric when both read as numbers. Returns -2 when
 * either side is missing. */
static int value_cmp(struct ins_run *r, const struct ins_val *a, const struct ins_val *b)
{
    if (a->t == V_NULL || b->t == V_NULL)
        return -2;
    double da, db;
    if (to_num(a, &da) == 0 && to_num(b, &db) == 0)
        return da < db ? -1 : da > db ? 1 : 0;
    size_t la, lb;
    const char *sa = to_str(r, a, &la), *sb = to_str(r, b, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    if (c == 0)
        c = (la > lb) - (la < lb);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

/* ---- JSON flattening ------------------------------------------------------------------- */

struct jflat {
    const char *p, *end;
    char path[512];
    size_t plen;
    int depth;
    int bad;
    struct ins_arena *arena;
    void (*emit)(void *ctx, const char *path, size_t plen, const struct ins_val *v);
    void *ctx;
};

static void jws(struct jflat *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static void put_utf8(struct buf *b, unsigned cp)
{
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        buf_putc(b, (char)(0xc0 | (cp >> 6)));
        buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        buf_putc(b, (char)(0xe0 | (cp >> 12)));
        buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else {
        buf_putc(b, (char)(0xf0 | (cp >> 18)));
        buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
        buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        buf_putc(b, (char)(0x80 | (cp & 0x3f)));
    }
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Reads a JSON string at j->p (on the quote); returns it (pointing into the message when it
 * has no escapes, else arena-allocated) or NULL when malformed. */
static const char *jstring(struct jflat *j, size_t *len)
{
    const char *s = ++j->p;
    const char *q = s;
    int esc = 0;
    while (q < j->end && *q != '"') {
        if (*q == '\\') {
            esc = 1;
            q++;
        }
        q++;
    }
    if (q >= j->end)
        return NULL;
    j->p = q + 1;
    if (!esc) {
        *len = (size_t)(q - s);
        return s;
    }
    struct buf b;
    buf_init(&b, (size_t)(q - s) * 4 + 16);
    for (const char *c = s; c < q; c++) {
        if (*c != '\\') {
            buf_putc(&b, *c);
            continue;
        }
        c++;
        switch (*c) {
        case 'n':
            buf_putc(&b, '\n');
            break;
        case 't':
            buf_putc(&b, '\t');
            break;
        case 'r':
            buf_putc(&b, '\r');
            break;
        case 'b':
            buf_putc(&b, '\b');
            break;
        case 'f':
            buf_putc(&b, '\f');
            break;
        case 'u': {
            unsigned cp;
            if (q - c < 5 || hex4(c + 1, &cp) != 0) {
                buf_free(&b);
                return NULL;
            }
            c += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && q - c >= 7 && c[1] == '\\' && c[2] == 'u') {
                unsigned lo;
                if (hex4(c + 3, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    c += 6;
                }
            }
            put_utf8(&b, cp);
            break;
        }
        default:
            buf_putc(&b, *c);
            break;
        }
    }
    *len = b.len;
    const char *out = ins_arena_strndup(j->arena, b.p ? b.p : "", b.len);
    buf_free(&b);
    return out;
}

static void jvalue(struct jflat *j);

static void jpath_push(struct jflat *j, const char *part, size_t n, size_t *saved)
{
    *saved = j->plen;
    size_t need = j->plen + (j->plen ? 1 : 0) + n;
    if (need >= sizeof j->path) {
        j->plen = sizeof j->path; /* too long: nothing below is reported */
        return;
    }
    if (j->plen)
        j->path[j->plen++] = '.';
    memcpy(j->path + j->plen, part, n);
    j->plen += n;
}

static void jvalue(struct jflat *j)
{
    jws(j);
    if (j->p >= j->end) {
        j->bad = 1;
        return;
    }
    const char *start = j->p;
    int path_ok = j->plen < sizeof j->path;
    char c = *j->p;
    if (c == '{' || c == '[') {
        if (++j->depth > 64) {
            j->bad = 1;
            return;
        }
        j->p++;
        jws(j);
        char close = c == '{' ? '}' : ']';
        int idx = 0;
        if (j->p < j->end && *j->p == close) {
            j->p++;
        } else {
            for (;;) {
                size_t saved;
                jws(j);
                if (c == '{') {
                    if (j->p >= j->end || *j->p != '"') {
                        j->bad = 1;
                        return;
                    }
                    size_t kl;
                    const char *k = jstring(j, &kl);
                    if (k == NULL) {
                        j->bad = 1;
                        return;
                    }
                    jws(j);
                    if (j->p >= j->end || *j->p != ':') {
                        j->bad = 1;
                        return;
                    }
                    j->p++;
                    jpath_push(j, k, kl, &saved);
                } else {
                    char num[16];
                    int n = snprintf(num, sizeof num, "%d", idx++);
                    jpath_push(j, num, (size_t)n, &saved);
                }
                jvalue(j);
                j->plen = saved;
                if (j->bad)
                    return;
                jws(j);
                if (j->p < j->end && *j->p == ',') {
                    j->p++;
                    continue;
                }
                if (j->p < j->end && *j->p == close) {
                    j->p++;
                    break;
                }
                j->bad = 1;
                return;
            }
        }
        j->depth--;
        if (path_ok && j->plen > 0) {
            struct ins_val v = vnull();
            v.t = V_JSON;
            v.s = start;
            v.len = (uint32_t)(j->p - start);
            j->emit(j->ctx, j->path, j->plen, &v);
        }
        return;
    }
    struct ins_val v = vnull();
    if (c == '"') {
        size_t len;
        const char *s = jstring(j, &len);
        if (s == NULL) {
            j->bad = 1;
            return;
        }
        v = vstr(s, len);
    } else if (c == '-' || isdigit((unsigned char)c)) {
        const char *q = j->p;
        if (*q == '-')
            q++;
        while (q < j->end && (isdigit((unsigned char)*q) || *q == '.' || *q == 'e' || *q == 'E' ||
                              *q == '+' || *q == '-'))
            q++;
        if (str_num(j->p, (size_t)(q - j->p), &v.n) != 0) {
            j->bad = 1;
            return;
        }
        v.t = V_NUM;
        v.s = j->p;
        v.len = (uint32_t)(q - j->p);
        j->p = q;
    } else if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0) {
        v = vbool(1);
        v.s = j->p;
        v.len = 4;
        j->p += 4;
    } else if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0) {
        v = vbool(0);
        v.s = j->p;
        v.len = 5;
        j->p += 5;
    } else if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0) {
        j->p += 4;
        return; /* a JSON null is a missing field */
    } else {
        j->bad = 1;
        return;
    }
    if (path_ok && j->plen > 0)
        j->emit(j->ctx, j->path, j->plen, &v);
}

/* Flattens a JSON object message; returns 0, or -1 when it is not one (what was emitted
 * before the error must then be discarded by the caller). */
static int json_flatten(const char *msg, size_t len, struct ins_arena *arena,
                        void (*emit)(void *, const char *, size_t, const struct ins_val *),
                        void *ctx)
{
    struct jflat j;
    memset(&j, 0, sizeof j);
    j.p = msg;
    j.end = msg + len;
    j.arena = arena;
    j.emit = emit;
    j.ctx = ctx;
    jws(&j);
    if (j.p >= j.end || *j.p != '{')
        return -1;
    jvalue(&j);
    if (j.bad)
        return -1;
    jws(&j);
    return j.p == j.end ? 0 : -1;
}

struct slot_emit {
    struct ins_run *r;
    struct row *row;
};

static uint32_t fnv(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void emit_slot(void *ctx, const char *path, size_t plen, const struct ins_val *v)
{
    struct slot_emit *se = ctx;
    const struct ins_query *q = se->r->q;
    uint32_t i = fnv(path, plen) & (uint32_t)(q->jcap - 1);
    while (q->jhash[i] >= 0) {
        int s = q->jhash[i];
        const char *nm = q->slots[s];
        if (strncmp(nm, path, plen) == 0 && nm[plen] == '\0') {
            if (se->row->st[s] != ST_COMPUTED) {
                se->row->v[s] = *v;
                se->row->st[s] = ST_FOUND;
            }
            return;
        }
        i = (i + 1) & (uint32_t)(q->jcap - 1);
    }
}

static void flatten_row(struct ins_run *r, struct row *row)
{
    row->json_done = 1;
    if (r->q->json_slots == 0 || row->ev == NULL)
        return;
    struct slot_emit se = {r, row};
    if (json_flatten(row->ev->message, row->ev->message_len, &r->arena, emit_slot, &se) != 0) {
        for (int s = INS_SLOT_BUILTIN; s < r->q->nslots; s++) {
            if (row->st[s] == ST_FOUND) {
                row->st[s] = ST_UNSET;
                row->v[s] = vnull();
            }
        }
    }
}

/* ---- slots ----------------------------------------------------------------------------- */

static struct ins_val json_member(struct ins_run *r, const struct ins_val *base,
                                  const char *key, double idx);

static const struct ins_val *get_slot(struct ins_run *r, struct row *row, int s)
{
    if (row->st[s])
        return &row->v[s];
    const struct log_event *ev = row->ev;
    if (ev != NULL && s < INS_SLOT_BUILTIN) {
        switch (s) {
        case S_TIMESTAMP:
            row->v[s] = vtime(ev->ts_ms);
            break;
        case S_MESSAGE:
            row->v[s] = vstr(ev->message, ev->message_len);
            break;
        case S_LOGSTREAM:
            row->v[s] = vstr(ev->stream, strlen(ev->stream));
            break;
        case S_LOG: {
            char *t = ins_arena_alloc(&r->arena, strlen(r->account) + strlen(ev->group) + 2);
            sprintf(t, "%s:%s", r->account, ev->group);
            row->v[s] = vstr(t, strlen(t));
            break;
        }
        case S_INGESTION:
            row->v[s] = vtime(ev->ingest_ms);
            break;
        case S_PTR: {
            char *t = ins_arena_alloc(&r->arena, 64);
            ins_ptr_encode(ev->id, t);
            row->v[s] = vstr(t, strlen(t));
            break;
        }
        }
        row->st[s] = ST_FOUND;
        return &row->v[s];
    }
    if (s == S_PTR && row->has_id) {
        char *t = ins_arena_alloc(&r->arena, 64);
        ins_ptr_encode(row->id, t);
        row->v[s] = vstr(t, strlen(t));
        row->st[s] = ST_FOUND;
        return &row->v[s];
    }
    if (s >= INS_SLOT_BUILTIN && !row->json_done && ev != NULL) {
        flatten_row(r, row);
        if (row->st[s])
            return &row->v[s];
    }
    /* a.b where a holds a JSON value (jsonParse) */
    int ps = r->q->slot_prefix[s];
    if (ps >= 0) {
        const struct ins_val *base = get_slot(r, row, ps);
        if (base->t == V_JSON) {
            const char *rest = r->q->slots[s] + strlen(r->q->slots[ps]) + 1;
            struct ins_val cur = *base;
            char part[256];
            while (*rest && cur.t == V_JSON) {
                size_t n = strcspn(rest, ".");
                if (n >= sizeof part)
                    break;
                memcpy(part, rest, n);
                part[n] = '\0';
                cur = json_member(r, &cur, part, -1);
                rest += n;
                if (*rest == '.')
                    rest++;
            }
            if (*rest == '\0') {
                row->v[s] = cur;
                row->st[s] = ST_FOUND;
                return &row->v[s];
            }
        }
    }
    row->v[s] = vnull();
    if (ev != NULL && row->json_done)
        row->st[s] = ST_FOUND;
    return &row->v[s];
}

static void set_slot(struct row *row, int s, struct ins_val v)
{
    row->v[s] = v;
    row->st[s] = ST_COMPUTED;
}

/* ---- JSON values ------------------------------------------------------------------------ */

static struct ins_val from_cjson(struct ins_run *r, const cJSON *it)
{
    if (it == NULL || cJSON_IsNull(it))
        return vnull();
    if (cJSON_IsString(it)) {
        size_t n = strlen(it->valuestring);
        return vstr(ins_arena_strndup(&r->arena, it->valuestring, n), n);
    }
    if (cJSON_IsNumber(it))
        return vnum(it->valuedouble);
    if (cJSON_IsBool(it))
        return vbool(cJSON_IsTrue(it));
    char *s = cJSON_PrintUnformatted(it);
    struct ins_val v = vnull();
    if (s != NULL) {
        v.t = V_JSON;
        v.len = (uint32_t)strlen(s);
        v.s = ins_arena_strndup(&r->arena, s, v.len);
        cJSON_free(s);
    }
    return v;
}

/* base[key] (key != NULL) or base[idx] on a JSON value. */
static struct ins_val json_member(struct ins_run *r, const struct ins_val *base,
                                  const char *key, double idx)
{
    if (base->t != V_JSON)
        return vnull();
    cJSON *root = cJSON_ParseWithLength(base->s, base->len);
    if (root == NULL)
        return vnull();
    const cJSON *it = NULL;
    if (key != NULL) {
        char *end;
        long k = strtol(key, &end, 10);
        if (cJSON_IsArray(root) && *end == '\0' && end != key)
            it = cJSON_GetArrayItem(root, (int)k);
        else if (cJSON_IsObject(root))
            it = cJSON_GetObjectItemCaseSensitive(root, key);
    } else if (cJSON_IsArray(root) && idx >= 0 && idx < 1e9) {
        it = cJSON_GetArrayItem(root, (int)idx);
    }
    struct ins_val v = from_cjson(r, it);
    cJSON_Delete(root);
    return v;
}

/* ---- periods and dates ----------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t unit_ms(enum ins_unit u)
{
    switch (u) {
    case U_MS:
        return 1;
    case U_S:
        return 1000;
    case U_M:
        return 60000;
    case U_H:
        return 3600000;
    case U_D:
        return 86400000;
    case U_W:
        return 7 * 86400000LL;
    default:
        return 0;
    }
}

/* Truncates ms to the period (count, unit): fixed units from the epoch, calendar units from
 * January 1970. ceil rounds up instead. */
static int64_t date_trunc(int64_t ms, double count, enum ins_unit unit, int ceil_)
{
    int64_t c = count >= 1 && count <= 1e9 ? (int64_t)count : 1;
    int64_t um = unit_ms(unit);
    if (um > 0) {
        int64_t w = um * c;
        int64_t f = floor_div(ms, w) * w;
        if (ceil_ && f != ms)
            f += w;
        return f;
    }
    int64_t secs = floor_div(ms, 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    int64_t months = (int64_t)(tm.tm_year - 70) * 12 + tm.tm_mon;
    int64_t step = unit == U_MO ? c : unit == U_Q ? 3 * c : 12 * c;
    int64_t fm = floor_div(months, step) * step;
    int64_t y = 1970 + floor_div(fm, 12), mo = fm - floor_div(fm, 12) * 12;
    int64_t f = timefmt_from_civil((int)y, (int)mo + 1, 1, 0, 0, 0) * 1000;
    if (ceil_ && f != ms) {
        fm += step;
        y = 1970 + floor_div(fm, 12);
        mo = fm - floor_div(fm, 12) * 12;
        f = timefmt_from_civil((int)y, (int)mo + 1, 1, 0, 0, 0) * 1000;
    }
    return f;
}

static int to_ms(const struct ins_val *v, int64_t *out)
{
    if (v->t == V_TIME) {
        *out = v->ms;
        return 0;
    }
    double d;
    if (to_num(v, &d) == 0) {
        if (!(fabs(d) <= TIME_MAX_MS))
            return -1;
        *out = (int64_t)d;
        return 0;
    }
    if (v->t == V_STR && v->len < 64) {
        char tmp[64];
        memcpy(tmp, v->s, v->len);
        tmp[v->len] = '\0';
        double s;
        if (timefmt_parse_iso8601(tmp, &s) == 0) {
            *out = (int64_t)llround(s * 1000);
            return 0;
        }
    }
    return -1;
}

/* ---- IP addresses ---------------------------------------------------------------------- */

static int ip_parse(struct ins_run *r, const struct ins_val *v, int *family, unsigned char *addr)
{
    if (v->t != V_STR || v->len == 0 || v->len > 64)
        return -1;
    char tmp[72];
    memcpy(tmp, v->s, v->len);
    tmp[v->len] = '\0';
    (void)r;
    if (inet_pton(AF_INET, tmp, addr) == 1) {
        *family = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, tmp, addr) == 1) {
        *family = 6;
        return 0;
    }
    return -1;
}

static int ip_in_subnet(struct ins_run *r, const struct ins_val *ip, const struct ins_val *net,
                        int want)
{
    int fam;
    unsigned char a[16], n[16];
    if (ip_parse(r, ip, &fam, a) != 0 || (want && fam != want))
        return 0;
    if (net->t != V_STR || net->len == 0 || net->len > 64)
        return 0;
    char tmp[72];
    memcpy(tmp, net->s, net->len);
    tmp[net->len] = '\0';
    char *slash = strchr(tmp, '/');
    if (slash == NULL)
        return 0;
    *slash = '\0';
    char *end;
    long bits = strtol(slash + 1, &end, 10);
    if (*end != '\0' || end == slash + 1)
        return 0;
    int nfam;
    if (inet_pton(AF_INET, tmp, n) == 1)
        nfam = 4;
    else if (inet_pton(AF_INET6, tmp, n) == 1)
        nfam = 6;
    else
        return 0;
    if (nfam != fam || bits < 0 || bits > (fam == 4 ? 32 : 128))
        return 0;
    int full = (int)bits / 8, rem = (int)bits % 8;
    if (memcmp(a, n, (size_t)full) != 0)
        return 0;
    if (rem) {
        unsigned char mask = (unsigned char)(0xff << (8 - rem));
        if ((a[full] & mask) != (n[full] & mask))
            return 0;
    }
    return 1;
}

/* ---- expressions ------------------------------------------------------------------------ */

static struct ins_val eval(struct ins_run *r, struct row *row, const struct ins_node *n);
static struct ins_val agg_result(struct ins_run *r, struct group *g, int k);

static size_t utf8_len(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            c++;
    }
    return c;
}

/* Byte offset of code point cp in s (n bytes); n past the end. */
static size_t utf8_off(const char *s, size_t n, size_t cp)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (c == cp)
                return i;
            c++;
        }
    }
    return n;
}

static struct ins_val trim(struct ins_run *r, const struct ins_val *v, const struct ins_val *set,
                           int left, int right)
{
    size_t n;
    const char *s = to_str(r, v, &n);
    size_t setn = 0;
    const char *cs = set ? to_str(r, set, &setn) : NULL;
    size_t a = 0, b = n;
#define TRIMMABLE(ch) (cs ? memchr(cs, (ch), setn) != NULL : isspace((unsigned char)(ch)))
    if (left) {
        while (a < b && TRIMMABLE(s[a]))
            a++;
    }
    if (right) {
        while (b > a && TRIMMABLE(s[b - 1]))
            b--;
    }
#undef TRIMMABLE
    return vstr(s + a, b - a);
}

static struct ins_val eval_call(struct ins_run *r, struct row *row, const struct ins_node *n)
{
    struct ins_val a[4];
    int na = n->na < 4 ? n->na : 4;
    /* functions that see their arguments unevaluated or lazily */
    switch (n->fn) {
    case F_IF: {
        struct ins_val c = eval(r, row, n->a[0]);
        return eval(r, row, n->a[truthy(&c) ? 1 : 2]);
    }
    case F_COALESCE:
        for (int i = 0; i < n->na; i++) {
            struct ins_val v = eval(r, row, n->a[i]);
            if (v.t != V_NULL)
                return v;
        }
        return vnull();
    case F_GREATEST:
    case F_LEAST: {
        int have = 0;
        double best = 0;
        for (int i = 0; i < n->na; i++) {
            struct ins_val v = eval(r, row, n->a[i]);
            double d;
            if (to_num(&v, &d) != 0)
                continue;
            if (!have || (n->fn == F_GREATEST ? d > best : d < best))
                best = d;
            have = 1;
        }
        return have ? vnum(best) : vnull();
    }
    case F_CONCAT: {
        struct buf b;
        buf_init(&b, 1 << 24);
        for (int i = 0; i < n->na; i++) {
            struct ins_val v = eval(r, row, n->a[i]);
            size_t l;
            const char *s = to_str(r, &v, &l);
            buf_append(&b, s, l);
        }
        struct ins_val out = vstr(ins_arena_strndup(&r->arena, b.p ? b.p : "", b.len), b.len);
        buf_free(&b);
        return out;
    }
    case F_BIN: {
        const struct ins_val *ts = get_slot(r, row, S_TIMESTAMP);
        if (ts->t != V_TIME)
            return vnull();
        return vtime(date_trunc(ts->ms, n->a[0]->num, n->a[0]->unit, 0));
    }
    case F_DATEFLOOR:
    case F_DATECEIL: {
        struct ins_val v = eval(r, row, n->a[0]);
        int64_t ms;
        if (to_ms(&v, &ms) != 0)
            return vnull();
        return vtime(date_trunc(ms, n->a[1]->num, n->a[1]->unit, n->fn == F_DATECEIL));
    }
    case F_NOW:
        return vnum((double)floor_div(r->now_ms, 1000));
    default:
        break;
    }
    for (int i = 0; i < na; i++)
        a[i] = eval(r, row, n->a[i]);
    double d;
    size_t l;
    const char *s;
    switch (n->fn) {
    case F_ABS:
        return to_num(&a[0], &d) == 0 ? vnum(fabs(d)) : vnull();
    case F_CEIL:
        return to_num(&a[0], &d) == 0 ? vnum(ceil(d)) : vnull();
    case F_FLOOR:
        return to_num(&a[0], &d) == 0 ? vnum(floor(d)) : vnull();
    case F_LOG:
        return to_num(&a[0], &d) == 0 && d > 0 ? vnum(log(d)) : vnull();
    case F_SQRT:
        return to_num(&a[0], &d) == 0 && d >= 0 ? vnum(sqrt(d)) : vnull();
    case F_ISPRESENT:
        return vbool(a[0].t != V_NULL);
    case F_ISEMPTY:
        if (a[0].t == V_NULL)
            return vbool(1);
        to_str(r, &a[0], &l);
        return vbool(l == 0);
    case F_ISBLANK: {
        if (a[0].t == V_NULL)
            return vbool(1);
        s = to_str(r, &a[0], &l);
        for (size_t i = 0; i < l; i++) {
            if (!isspace((unsigned char)s[i]))
                return vbool(0);
        }
        return vbool(1);
    }
    case F_LTRIM:
    case F_RTRIM:
    case F_TRIM:
        if (a[0].t == V_NULL)
            return vnull();
        return trim(r, &a[0], na > 1 ? &a[1] : NULL, n->fn != F_RTRIM, n->fn != F_LTRIM);
    case F_STRLEN:
        if (a[0].t == V_NULL)
            return vnull();
        s = to_str(r, &a[0], &l);
        return vnum((double)utf8_len(s, l));
    case F_TOUPPER:
    case F_TOLOWER: {
        if (a[0].t == V_NULL)
            return vnull();
        s = to_str(r, &a[0], &l);
        char *o = ins_arena_strndup(&r->arena, s, l);
        for (size_t i = 0; i < l; i++)
            o[i] = (char)(n->fn == F_TOUPPER ? toupper((unsigned char)o[i])
                                              : tolower((unsigned char)o[i]));
        return vstr(o, l);
    }
    case F_SUBSTR: {
        if (a[0].t == V_NULL || to_num(&a[1], &d) != 0 || isnan(d))
            return vnull();
        s = to_str(r, &a[0], &l);
        size_t total = utf8_len(s, l);
        double st = d < 0 ? 0 : d;
        if (st >= (double)total)
            return vstr("", 0);
        size_t from = utf8_off(s, l, (size_t)st);
        size_t to = l;
        if (na > 2) {
            double len;
            if (to_num(&a[2], &len) != 0)
                return vnull();
            if (len <= 0)
                return vstr("", 0);
            if (st + len < (double)total)
                to = utf8_off(s, l, (size_t)(st + len));
        }
        return vstr(s + from, to - from);
    }
    case F_REPLACE: {
        if (a[0].t == V_NULL)
            return vnull();
        s = to_str(r, &a[0], &l);
        size_t fl, tl;
        const char *f = to_str(r, &a[1], &fl);
        const char *t = to_str(r, &a[2], &tl);
        if (fl == 0)
            return vstr(s, l);
        struct buf b;
        buf_init(&b, 1 << 24);
        for (size_t i = 0; i < l;) {
            if (i + fl <= l && memcmp(s + i, f, fl) == 0) {
                buf_append(&b, t, tl);
                i += fl;
            } else {
                buf_putc(&b, s[i++]);
            }
        }
        struct ins_val out = vstr(ins_arena_strndup(&r->arena, b.p ? b.p : "", b.len), b.len);
        buf_free(&b);
        return out;
    }
    case F_STRCONTAINS: {
        if (a[0].t == V_NULL || a[1].t == V_NULL)
            return vbool(0);
        s = to_str(r, &a[0], &l);
        size_t nl;
        const char *needle = to_str(r, &a[1], &nl);
        return vbool(memmem(s, l, needle, nl) != NULL);
    }
    case F_FROMMILLIS:
        return to_num(&a[0], &d) == 0 ? vtime_num(d) : vnull();
    case F_TOMILLIS: {
        int64_t ms;
        return to_ms(&a[0], &ms) == 0 ? vnum((double)ms) : vnull();
    }
    case F_ISVALIDIP:
    case F_ISVALIDIPV4:
    case F_ISVALIDIPV6: {
        int fam;
        unsigned char addr[16];
        if (ip_parse(r, &a[0], &fam, addr) != 0)
            return vbool(0);
        return vbool(n->fn == F_ISVALIDIP || (n->fn == F_ISVALIDIPV4) == (fam == 4));
    }
    case F_ISIPINSUBNET:
        return vbool(ip_in_subnet(r, &a[0], &a[1], 0));
    case F_ISIPV4INSUBNET:
        return vbool(ip_in_subnet(r, &a[0], &a[1], 4));
    case F_ISIPV6INSUBNET:
        return vbool(ip_in_subnet(r, &a[0], &a[1], 6));
    case F_JSONPARSE: {
        if (a[0].t == V_JSON)
            return a[0];
        if (a[0].t != V_STR)
            return vnull();
        cJSON *j = cJSON_ParseWithLength(a[0].s, a[0].len);
        if (j == NULL)
            return vnull();
        int structured = cJSON_IsObject(j) || cJSON_IsArray(j);
        struct ins_val v = structured ? a[0] : from_cjson(r, j);
        if (structured)
            v.t = V_JSON;
        cJSON_Delete(j);
        return v;
    }
    case F_JSONSTRINGIFY: {
        if (a[0].t == V_NULL)
            return vnull();
        if (a[0].t == V_JSON) {
            cJSON *j = cJSON_ParseWithLength(a[0].s, a[0].len);
            if (j == NULL)
                return vnull();
            char *t = cJSON_PrintUnformatted(j);
            cJSON_Delete(j);
            if (t == NULL)
                return vnull();
            struct ins_val v = vstr(ins_arena_strndup(&r->arena, t, strlen(t)), strlen(t));
            cJSON_free(t);
            return v;
        }
        if (a[0].t == V_STR) {
            cJSON *j = cJSON_CreateString(ins_arena_strndup(&r->arena, a[0].s, a[0].len));
            char *t = cJSON_PrintUnformatted(j);
            cJSON_Delete(j);
            struct ins_val v = vstr(ins_arena_strndup(&r->arena, t, strlen(t)), strlen(t));
            cJSON_free(t);
            return v;
        }
        s = to_str(r, &a[0], &l);
        if (a[0].t == V_BOOL)
            s = a[0].n != 0 ? "true" : "false", l = strlen(s);
        return vstr(s, l);
    }
    default:
        return vnull();
    }
}

static struct ins_val eval(struct ins_run *r, struct row *row, const struct ins_node *n)
{
    switch (n->k) {
    case N_FIELD:
        return *get_slot(r, row, n->slot);
    case N_STR:
        return vstr(n->str, n->len);
    case N_NUM:
        return vnum(n->num);
    case N_PERIOD:
    case N_STAR:
        return vnull();
    case N_NEG: {
        struct ins_val v = eval(r, row, n->a[0]);
        double d;
        return to_num(&v, &d) == 0 ? vnum(-d) : vnull();
    }
    case N_NOT: {
        struct ins_val v = eval(r, row, n->a[0]);
        return vbool(!truthy(&v));
    }
    case N_AND: {
        struct ins_val v = eval(r, row, n->a[0]);
        if (!truthy(&v))
            return vbool(0);
        v = eval(r, row, n->a[1]);
        return vbool(truthy(&v));
    }
    case N_OR: {
        struct ins_val v = eval(r, row, n->a[0]);
        if (truthy(&v))
            return vbool(1);
        v = eval(r, row, n->a[1]);
        return vbool(truthy(&v));
    }
    case N_CMP: {
        struct ins_val a = eval(r, row, n->a[0]), b = eval(r, row, n->a[1]);
        int c = value_cmp(r, &a, &b);
        if (c == -2)
            return vbool(0);
        switch (n->op) {
        case TK_EQ:
            return vbool(c == 0);
        case TK_NE:
            return vbool(c != 0);
        case TK_LT:
            return vbool(c < 0);
        case TK_LE:
            return vbool(c <= 0);
        case TK_GT:
            return vbool(c > 0);
        default:
            return vbool(c >= 0);
        }
    }
    case N_ARITH: {
        struct ins_val a = eval(r, row, n->a[0]), b = eval(r, row, n->a[1]);
        double x, y;
        if (to_num(&a, &x) != 0 || to_num(&b, &y) != 0)
            return vnull();
        double z;
        switch (n->op) {
        case TK_PLUS:
            z = x + y;
            break;
        case TK_MINUS:
            z = x - y;
            break;
        case TK_STAR:
            z = x * y;
            break;
        case TK_SLASH:
            if (y == 0)
                return vnull();
            z = x / y;
            break;
        case TK_PERCENT:
            if (y == 0)
                return vnull();
            z = fmod(x, y);
            break;
        default:
            z = pow(x, y);
            break;
        }
        if (!isfinite(z))
            return vnull();
        /* time plus or minus a number stays a time */
        if ((n->op == TK_PLUS || n->op == TK_MINUS) && (a.t == V_TIME) != (b.t == V_TIME))
            return vtime_num(z);
        return vnum(z);
    }
    case N_LIKE: {
        struct ins_val v = eval(r, row, n->a[0]);
        if (v.t == V_NULL)
            return vbool(n->neg);
        size_t l;
        const char *s = to_str(r, &v, &l);
        int m;
        if (n->re != NULL)
            m = pcre2_match(n->re, (PCRE2_SPTR)s, l, 0, 0, n->md, NULL) >= 0;
        else
            m = memmem(s, l, n->str, n->len) != NULL;
        return vbool(m != n->neg);
    }
    case N_IN: {
        struct ins_val v = eval(r, row, n->a[0]);
        if (v.t == V_NULL)
            return vbool(n->neg);
        int found = 0;
        for (int i = 1; i < n->na && !found; i++) {
            struct ins_val e = eval(r, row, n->a[i]);
            found = value_cmp(r, &v, &e) == 0;
        }
        return vbool(found != n->neg);
    }
    case N_CALL:
        return eval_call(r, row, n);
    case N_AGG:
        if (r->cur_group == NULL)
            return vnull();
        return agg_result(r, r->cur_group, n->agg);
    case N_MEMBER: {
        struct ins_val base = eval(r, row, n->a[0]);
        return json_member(r, &base, n->str, n->num);
    }
    }
    return vnull();
}

/* ---- materialized rows ----------------------------------------------------------------- */

/* Copies row (every slot resolved) into one allocation. */
static struct trow *trow_new(struct ins_run *r, struct row *row, int resolve)
{
    int ns = r->q->nslots;
    if (resolve) {
        for (int s = 0; s < ns; s++)
            (void)get_slot(r, row, s);
    }
    size_t strbytes = 0;
    for (int s = 0; s < ns; s++) {
        if (row->st[s] && row->v[s].s != NULL)
            strbytes += row->v[s].len + 1;
    }
    size_t sz = sizeof(struct trow) + (size_t)ns * sizeof(struct ins_val) + (size_t)ns +
                strbytes + 8;
    struct trow *t = xmalloc(sz);
    t->r.v = (struct ins_val *)(t + 1);
    t->r.st = (uint8_t *)(t->r.v + ns);
    char *sp = (char *)(t->r.st + ns);
    for (int s = 0; s < ns; s++) {
        t->r.st[s] = row->st[s];
        t->r.v[s] = row->st[s] ? row->v[s] : vnull();
        if (row->st[s] && row->v[s].s != NULL) {
            memcpy(sp, row->v[s].s, row->v[s].len);
            sp[row->v[s].len] = '\0';
            t->r.v[s].s = sp;
            sp += row->v[s].len + 1;
        }
    }
    t->r.ev = NULL;
    t->r.json_done = 1;
    t->r.has_id = row->has_id || row->ev != NULL;
    t->r.id = row->ev ? row->ev->id : row->id;
    t->r.seq = row->seq;
    return t;
}

/* Re-materializes a table row after a stage changed it (its values may point into the
 * arena or into the old allocation). */
static struct trow *trow_refresh(struct ins_run *r, struct trow *t)
{
    struct trow *n = trow_new(r, &t->r, 0);
    free(t);
    return n;
}

static void tbl_push(struct ins_run *r, struct trow *t)
{
    if (r->ntbl == r->captbl) {
        r->captbl = r->captbl ? r->captbl * 2 : 256;
        r->tbl = xrealloc(r->tbl, r->captbl * sizeof *r->tbl);
    }
    r->tbl[r->ntbl++] = t;
}

/* ---- sorting --------------------------------------------------------------------------- */

static struct ins_run *sort_run;
static const struct ins_cmd *sort_cmd;

static int row_cmp(const void *pa, const void *pb)
{
    struct trow *a = *(struct trow *const *)pa, *b = *(struct trow *const *)pb;
    for (int k = 0; k < sort_cmd->nkeys; k++) {
        int s = sort_cmd->keys[k].slot;
        int c = natural_cmp(sort_run, &a->r.v[s], &b->r.v[s]);
        if (c != 0)
            return sort_cmd->keys[k].desc ? -c : c;
    }
    return (a->r.seq > b->r.seq) - (a->r.seq < b->r.seq);
}

static void tbl_sort(struct ins_run *r, const struct ins_cmd *c)
{
    if (r->ntbl == 0)
        return;
    sort_run = r;
    sort_cmd = c;
    qsort(r->tbl, r->ntbl, sizeof *r->tbl, row_cmp);
    sort_run = NULL;
    ins_arena_reset(&r->arena);
}

static void tbl_truncate(struct ins_run *r, size_t n)
{
    for (size_t i = n; i < r->ntbl; i++)
        free(r->tbl[i]);
    if (r->ntbl > n)
        r->ntbl = n;
}

/* ---- aggregation ----------------------------------------------------------------------- */

static void set_add(struct aggst *a, const char *s, size_t n)
{
    if (a->setn * 2 >= a->setcap) {
        size_t ncap = a->setcap ? a->setcap * 2 : 16;
        char **nt = xcalloc(ncap, sizeof *nt);
        for (size_t i = 0; i < a->setcap; i++) {
            if (a->set[i] == NULL)
                continue;
            uint32_t h = fnv(a->set[i], strlen(a->set[i])) & (uint32_t)(ncap - 1);
            while (nt[h] != NULL)
                h = (h + 1) & (uint32_t)(ncap - 1);
            nt[h] = a->set[i];
        }
        free(a->set);
        a->set = nt;
        a->setcap = ncap;
    }
    uint32_t h = fnv(s, n) & (uint32_t)(a->setcap - 1);
    while (a->set[h] != NULL) {
        if (strlen(a->set[h]) == n && memcmp(a->set[h], s, n) == 0)
            return;
        h = (h + 1) & (uint32_t)(a->setcap - 1);
    }
    a->set[h] = xstrndup(s, n);
    a->setn++;
}

static void best_keep(struct aggst *a, const struct ins_val *v)
{
    free(a->best_owned);
    a->best = *v;
    a->best_owned = NULL;
    if (v->s != NULL) {
        a->best_owned = xstrndup(v->s, v->len);
        a->best.s = a->best_owned;
    }
    a->best_set = 1;
}

static void agg_update(struct ins_run *r, struct row *row, const struct ins_aggdef *d,
                       struct aggst *a)
{
    if (d->fn == A_COUNT_STAR) {
        a->cnt++;
        return;
    }
    struct ins_val v = eval(r, row, d->arg);
    if (v.t == V_NULL)
        return;
    double x;
    switch (d->fn) {
    case A_COUNT:
        a->cnt++;
        return;
    case A_COUNT_DISTINCT: {
        size_t l;
        const char *s = to_str(r, &v, &l);
        set_add(a, s, l);
        return;
    }
    case A_EARLIEST:
    case A_LATEST: {
        const struct ins_val *ts = get_slot(r, row, S_TIMESTAMP);
        int64_t t = ts->t == V_TIME ? ts->ms : 0;
        if (!a->best_set || (d->fn == A_EARLIEST ? t < a->best_ts : t >= a->best_ts)) {
            best_keep(a, &v);
            a->best_ts = t;
        }
        return;
    }
    case A_SORTSFIRST:
    case A_SORTSLAST: {
        if (!a->best_set) {
            best_keep(a, &v);
            return;
        }
        int c = natural_cmp(r, &v, &a->best);
        if (d->fn == A_SORTSFIRST ? c < 0 : c > 0)
            best_keep(a, &v);
        return;
    }
    default:
        break;
    }
    if (to_num(&v, &x) != 0)
        return;
    if (!a->has) {
        a->mn = a->mx = x;
        a->is_time = v.t == V_TIME;
    } else {
        if (x < a->mn)
            a->mn = x;
        if (x > a->mx)
            a->mx = x;
        if (v.t != V_TIME)
            a->is_time = 0;
    }
    a->has = 1;
    a->cnt++;
    a->sum += x;
    a->sumsq += x * x;
    if (d->fn == A_PCT || d->fn == A_STDDEV) {
        if (a->nv == a->capv) {
            a->capv = a->capv ? a->capv * 2 : 64;
            a->vals = xrealloc(a->vals, a->capv * sizeof *a->vals);
        }
        a->vals[a->nv++] = x;
    }
}

/* The k-th smallest of v[0..n) (quickselect with Hoare's partition; v is reordered). */
static double nth_value(double *v, size_t n, size_t k)
{
    long lo = 0, hi = (long)n - 1, kk = (long)k;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        long i = lo - 1, j = hi + 1;
        for (;;) {
            do
                i++;
            while (v[i] < pivot);
            do
                j--;
            while (v[j] > pivot);
            if (i >= j)
                break;
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        if (kk <= j)
            hi = j;
        else
            lo = j + 1;
    }
    return v[kk];
}

static struct ins_val agg_result(struct ins_run *r, struct group *g, int k)
{
    (void)r;
    const struct ins_aggdef *d = &r->cur_stats->aggs[k];
    struct aggst *a = &g->st[k];
    switch (d->fn) {
    case A_COUNT:
    case A_COUNT_STAR:
        return vnum(a->cnt);
    case A_COUNT_DISTINCT:
        return vnum((double)a->setn);
    case A_SUM:
        return a->has ? vnum(a->sum) : vnull();
    case A_AVG:
        return a->has ? vnum(a->sum / a->cnt) : vnull();
    case A_MIN:
        if (!a->has)
            return vnull();
        return a->is_time ? vtime_num(a->mn) : vnum(a->mn);
    case A_MAX:
        if (!a->has)
            return vnull();
        return a->is_time ? vtime_num(a->mx) : vnum(a->mx);
    case A_STDDEV: {
        if (!a->has)
            return vnull();
        if (a->nv < 2)
            return vnum(0);
        double mean = a->sum / (double)a->nv, ss = 0;
        for (size_t i = 0; i < a->nv; i++)
            ss += (a->vals[i] - mean) * (a->vals[i] - mean);
        return vnum(sqrt(ss / (double)(a->nv - 1)));
    }
    case A_PCT: {
        if (a->nv == 0)
            return vnull();
        double rank = ceil(d->p / 100.0 * (double)a->nv);
        size_t i = rank < 1 ? 0 : (size_t)rank - 1;
        if (i >= a->nv)
            i = a->nv - 1;
        return vnum(nth_value(a->vals, a->nv, i));
    }
    case A_EARLIEST:
    case A_LATEST:
    case A_SORTSFIRST:
    case A_SORTSLAST:
        return a->best_set ? a->best : vnull();
    }
    return vnull();
}

static void aggst_free(struct aggst *a)
{
    free(a->best_owned);
    free(a->vals);
    for (size_t i = 0; i < a->setcap; i++)
        free(a->set[i]);
    free(a->set);
}

static struct agg *agg_new(const struct ins_cmd *c)
{
    struct agg *g = xcalloc(1, sizeof *g);
    g->c = c;
    g->tabcap = 64;
    g->tab = xmalloc(g->tabcap * sizeof *g->tab);
    for (size_t i = 0; i < g->tabcap; i++)
        g->tab[i] = -1;
    return g;
}

static void agg_free(struct agg *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->ng; i++) {
        struct group *gr = g->g[i];
        for (int k = 0; k < g->c->naggs; k++)
            aggst_free(&gr->st[k]);
        free(gr->st);
        for (int k = 0; k < g->c->nby; k++)
            free(gr->key_owned[k]);
        free(gr->key_owned);
        free(gr->keyv);
        free(gr->key);
        free(gr);
    }
    free(g->g);
    free(g->tab);
    free(g);
}

/* Feeds one row into the stats command's groups. */
static void agg_feed(struct ins_run *r, struct agg *g, struct row *row)
{
    const struct ins_cmd *c = g->c;
    int nby = c->nby;
    struct ins_val *kv = ins_arena_alloc(&r->arena, ((size_t)nby + 1) * sizeof *kv);
    struct buf *kb = &r->scratch;
    buf_reset(kb);
    for (int k = 0; k < nby; k++) {
        kv[k] = eval(r, row, c->by[k].e);
        buf_putc(kb, (char)('0' + kv[k].t));
        if (kv[k].t == V_TIME) {
            buf_append(kb, &kv[k].ms, sizeof kv[k].ms);
        } else if (kv[k].t == V_NUM || kv[k].t == V_BOOL) {
            buf_append(kb, &kv[k].n, sizeof kv[k].n);
        } else if (kv[k].t != V_NULL) {
            uint32_t l = kv[k].len;
            buf_append(kb, &l, sizeof l);
            buf_append(kb, kv[k].s, kv[k].len);
        }
    }
    const char *kp = kb->p ? kb->p : "";
    uint32_t h = fnv(kp, kb->len);
    size_t i = h & (g->tabcap - 1);
    struct group *gr = NULL;
    while (g->tab[i] >= 0) {
        struct group *cand = g->g[g->tab[i]];
        if (cand->hash == h && cand->keylen == kb->len && memcmp(cand->key, kp, kb->len) == 0) {
            gr = cand;
            break;
        }
        i = (i + 1) & (g->tabcap - 1);
    }
    if (gr == NULL) {
        gr = xcalloc(1, sizeof *gr);
        gr->key = xmalloc(kb->len + 1);
        memcpy(gr->key, kp, kb->len);
        gr->keylen = kb->len;
        gr->hash = h;
        gr->keyv = xcalloc((size_t)c->nby + 1, sizeof *gr->keyv);
        gr->key_owned = xcalloc((size_t)c->nby + 1, sizeof *gr->key_owned);
        for (int k = 0; k < nby; k++) {
            gr->keyv[k] = kv[k];
            if (kv[k].s != NULL) {
                gr->key_owned[k] = xstrndup(kv[k].s, kv[k].len);
                gr->keyv[k].s = gr->key_owned[k];
            }
        }
        gr->st = xcalloc((size_t)c->naggs + 1, sizeof *gr->st);
        if (g->ng == g->capg) {
            g->capg = g->capg ? g->capg * 2 : 16;
            g->g = xrealloc(g->g, g->capg * sizeof *g->g);
        }
        g->g[g->ng] = gr;
        g->tab[i] = (int)g->ng;
        g->ng++;
        if (g->ng * 2 > g->tabcap) {
            size_t ncap = g->tabcap * 2;
            int *nt = xmalloc(ncap * sizeof *nt);
            for (size_t j = 0; j < ncap; j++)
                nt[j] = -1;
            for (size_t j = 0; j < g->ng; j++) {
                size_t p = g->g[j]->hash & (ncap - 1);
                while (nt[p] >= 0)
                    p = (p + 1) & (ncap - 1);
                nt[p] = (int)j;
            }
            free(g->tab);
            g->tab = nt;
            g->tabcap = ncap;
        }
    }
    for (int k = 0; k < c->naggs; k++)
        agg_update(r, row, &c->aggs[k], &gr->st[k]);
}

/* Turns the groups into table rows (replacing the table). */
static void agg_finish(struct ins_run *r, struct agg *g)
{
    tbl_truncate(r, 0);
    int ns = r->q->nslots;
    struct row row;
    row.v = xcalloc((size_t)ns, sizeof *row.v);
    row.st = xcalloc((size_t)ns, 1);
    r->cur_stats = g->c;
    for (size_t i = 0; i < g->ng; i++) {
        struct group *gr = g->g[i];
        memset(row.st, 0, (size_t)ns);
        row.ev = NULL;
        row.json_done = 1;
        row.has_id = 0;
        row.id = 0;
        row.seq = i;
        for (int k = 0; k < g->c->nby; k++)
            set_slot(&row, g->c->by[k].slot, gr->keyv[k]);
        r->cur_group = gr;
        for (int k = 0; k < g->c->nitems; k++)
            set_slot(&row, g->c->items[k].slot, eval(r, &row, g->c->items[k].e));
        r->cur_group = NULL;
        tbl_push(r, trow_new(r, &row, 0));
        ins_arena_reset(&r->arena);
    }
    r->cur_stats = NULL;
    free(row.v);
    free(row.st);
}

/* ---- dedup ------------------------------------------------------------------------------ */

/* Returns 1 if the row's key was seen before (the row is dropped), 0 if it is new. Rows with a
 * missing key field are kept. */
static int dedup_seen(struct ins_run *r, struct dedup *d, const struct ins_cmd *c,
                      struct row *row)
{
    struct buf *kb = &r->scratch;
    buf_reset(kb);
    for (int k = 0; k < c->nkeys; k++) {
        const struct ins_val *v = get_slot(r, row, c->keys[k].slot);
        if (v->t == V_NULL)
            return 0;
        size_t l;
        const char *s = to_str(r, v, &l);
        uint32_t ul = (uint32_t)l;
        buf_append(kb, &ul, sizeof ul);
        buf_append(kb, s, l);
    }
    size_t n = kb->len;
    const char *key = kb->p ? kb->p : "";
    if (d->n * 2 >= d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 64;
        char **nt = xcalloc(ncap, sizeof *nt);
        for (size_t i = 0; i < d->cap; i++) {
            if (d->keys[i] == NULL)
                continue;
            size_t l;
            memcpy(&l, d->keys[i], sizeof l);
            uint32_t h = fnv(d->keys[i] + sizeof l, l) & (uint32_t)(ncap - 1);
            while (nt[h] != NULL)
                h = (h + 1) & (uint32_t)(ncap - 1);
            nt[h] = d->keys[i];
        }
        free(d->keys);
        d->keys = nt;
        d->cap = ncap;
    }
    uint32_t h = fnv(key, n) & (uint32_t)(d->cap - 1);
    while (d->keys[h] != NULL) {
        size_t l;
        memcpy(&l, d->keys[h], sizeof l);
        if (l == n && memcmp(d->keys[h] + sizeof l, key, n) == 0)
            return 1;
        h = (h + 1) & (uint32_t)(d->cap - 1);
    }
    char *e = xmalloc(sizeof n + n);
    memcpy(e, &n, sizeof n);
    memcpy(e + sizeof n, key, n);
    d->keys[h] = e;
    d->n++;
    return 0;
}

static void dedup_free(struct dedup *d)
{
    for (size_t i = 0; i < d->cap; i++)
        free(d->keys[i]);
    free(d->keys);
}

/* ---- stages ---------------------------------------------------------------------------- */

/* Runs a row-by-row command on row. Returns 1 to keep the row, 0 to drop it. */
static int row_stage(struct ins_run *r, int ci, struct row *row)
{
    const struct ins_cmd *c = &r->q->cmds[ci];
    switch (c->k) {
    case C_FIELDS:
        for (int i = 0; i < c->nitems; i++) {
            const struct ins_proj *p = &c->items[i];
            if (p->e->k == N_FIELD && p->e->slot == p->slot)
                continue;
            set_slot(row, p->slot, eval(r, row, p->e));
        }
        return 1;
    case C_PARSE: {
        struct ins_val v = eval(r, row, c->src);
        int rc = -1;
        size_t l = 0;
        const char *s = NULL;
        if (v.t != V_NULL) {
            s = to_str(r, &v, &l);
            rc = pcre2_match(c->re, (PCRE2_SPTR)s, l, 0, 0, c->md, NULL);
        }
        PCRE2_SIZE *ov = rc >= 0 ? pcre2_get_ovector_pointer(c->md) : NULL;
        for (int g = 1; g <= c->ncaps; g++) {
            if (c->caps[g] < 0)
                continue;
            if (ov != NULL && g < rc && ov[2 * g] != PCRE2_UNSET)
                set_slot(row, c->caps[g], vstr(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]));
            else
                set_slot(row, c->caps[g], vnull());
        }
        return 1;
    }
    case C_FILTER: {
        struct ins_val v = eval(r, row, c->cond);
        return truthy(&v);
    }
    case C_LIMIT:
        if (r->counts[ci] >= c->limit)
            return 0;
        r->counts[ci]++;
        return 1;
    case C_DEDUP:
        return !dedup_seen(r, &r->dd[ci], c, row);
    case C_DISPLAY:
    case C_SORT:
    case C_STATS:
        return 1;
    }
    return 1;
}

/* Appends one output row. */
static void emit_row(struct ins_run *r, struct row *row)
{
    const struct ins_query *q = r->q;
    cJSON *fields = cJSON_CreateArray();
    int ptr_shown = 0;
    for (int i = 0; i < q->nout; i++) {
        int s = q->out[i];
        const struct ins_val *v = get_slot(r, row, s);
        if (v->t == V_NULL)
            continue;
        if (s == S_PTR)
            ptr_shown = 1;
        size_t l;
        const char *str = to_str(r, v, &l);
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "field", q->slots[s]);
        char *z = ins_arena_strndup(&r->arena, str, l);
        cJSON_AddStringToObject(f, "value", z);
        cJSON_AddItemToArray(fields, f);
    }
    if (!q->aggregate && !ptr_shown && (row->ev != NULL || row->has_id)) {
        const struct ins_val *v = get_slot(r, row, S_PTR);
        if (v->t == V_STR) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "field", "@ptr");
            cJSON_AddStringToObject(f, "value", ins_arena_strndup(&r->arena, v->s, v->len));
            cJSON_AddItemToArray(fields, f);
        }
    }
    cJSON_AddItemToArray(r->out, fields);
    r->nout++;
}

struct ins_run *ins_run_new(const struct ins_query *q, const char *account, int64_t now_ms,
                            int limit)
{
    struct ins_run *r = xcalloc(1, sizeof *r);
    r->q = q;
    snprintf(r->account, sizeof r->account, "%s", account ? account : "");
    r->now_ms = now_ms;
    r->limit = limit > 0 ? limit : DEFAULT_LIMIT;
    r->cur.v = xcalloc((size_t)q->nslots, sizeof *r->cur.v);
    r->cur.st = xcalloc((size_t)q->nslots, 1);
    r->counts = xcalloc((size_t)q->ncmds + 1, sizeof *r->counts);
    r->dd = xcalloc((size_t)q->ncmds + 1, sizeof *r->dd);
    r->out = cJSON_CreateArray();
    buf_init(&r->scratch, 1 << 26);
    r->barrier = q->ncmds;
    for (int i = 0; i < q->ncmds; i++) {
        const struct ins_cmd *c = &q->cmds[i];
        if (c->k == C_STATS || (c->k == C_SORT && c->limit != -1)) {
            r->barrier = i;
            break;
        }
    }
    if (r->barrier < q->ncmds && q->cmds[r->barrier].k == C_STATS) {
        r->agg = agg_new(&q->cmds[r->barrier]);
    } else if (r->barrier < q->ncmds) {
        /* a sort followed only by row-preserving commands needs its best K rows only */
        long k = r->limit;
        int ok = 1;
        for (int i = r->barrier + 1; i < q->ncmds; i++) {
            const struct ins_cmd *c = &q->cmds[i];
            if (c->k == C_LIMIT) {
                if (c->limit < k)
                    k = c->limit;
            } else if (c->k != C_FIELDS && c->k != C_DISPLAY && c->k != C_PARSE) {
                ok = 0;
            }
        }
        r->topk = ok ? k : 0;
    }
    return r;
}

int ins_run_feed(struct ins_run *r, const struct log_event *ev)
{
    if (r->done)
        return 1;
    const struct ins_query *q = r->q;
    r->stats.records_scanned += 1;
    r->stats.bytes_scanned += (double)ev->message_len;
    struct row *row = &r->cur;
    memset(row->st, 0, (size_t)q->nslots);
    row->ev = ev;
    row->json_done = 0;
    row->has_id = 1;
    row->id = ev->id;
    row->seq = r->seq++;
    ins_arena_reset(&r->arena);
    for (int i = 0; i < r->barrier; i++) {
        if (!row_stage(r, i, row))
            goto dropped;
    }
    r->stats.records_matched += 1;
    if (r->agg != NULL) {
        agg_feed(r, r->agg, row);
    } else if (r->barrier < q->ncmds) {
        tbl_push(r, trow_new(r, row, 1));
        if (r->topk > 0 && r->ntbl >= (size_t)r->topk * 2 + 64) {
            tbl_sort(r, &q->cmds[r->barrier]);
            tbl_truncate(r, (size_t)r->topk);
        }
    } else {
        emit_row(r, row);
        if (r->nout >= r->limit)
            r->done = 1;
    }
dropped:
    /* a limit reached in the stream ends the scan: nothing passes it any more */
    for (int i = 0; i < r->barrier && !r->done; i++) {
        const struct ins_cmd *c = &q->cmds[i];
        if (c->k == C_LIMIT && r->counts[i] >= c->limit)
            r->done = 1;
    }
    return r->done;
}

/* Runs the commands after the barrier on the table. */
static void table_stages(struct ins_run *r)
{
    const struct ins_query *q = r->q;
    int ns = q->nslots;
    for (int ci = r->barrier; ci < q->ncmds; ci++) {
        const struct ins_cmd *c = &q->cmds[ci];
        switch (c->k) {
        case C_STATS:
            if (ci == r->barrier && r->agg != NULL) {
                agg_finish(r, r->agg);
            } else {
                struct agg *g = agg_new(c);
                r->cur_stats = c;
                for (size_t i = 0; i < r->ntbl; i++) {
                    agg_feed(r, g, &r->tbl[i]->r);
                    ins_arena_reset(&r->arena);
                }
                r->cur_stats = NULL;
                agg_finish(r, g);
                agg_free(g);
            }
            break;
        case C_SORT:
            if (c->limit != -1 || ci == r->barrier)
                tbl_sort(r, c);
            break;
        case C_LIMIT:
            tbl_truncate(r, (size_t)c->limit);
            break;
        case C_DISPLAY:
            break;
        case C_FILTER:
        case C_DEDUP:
        case C_FIELDS:
        case C_PARSE: {
            size_t w = 0;
            for (size_t i = 0; i < r->ntbl; i++) {
                struct trow *t = r->tbl[i];
                int keep = row_stage(r, ci, &t->r);
                if (!keep) {
                    free(t);
                    continue;
                }
                if (c->k == C_FIELDS || c->k == C_PARSE)
                    t = trow_refresh(r, t);
                r->tbl[w++] = t;
                ins_arena_reset(&r->arena);
            }
            r->ntbl = w;
            break;
        }
        }
        (void)ns;
    }
}

cJSON *ins_run_finish(struct ins_run *r)
{
    if (r->barrier < r->q->ncmds) {
        table_stages(r);
        for (size_t i = 0; i < r->ntbl && r->nout < r->limit; i++) {
            emit_row(r, &r->tbl[i]->r);
            ins_arena_reset(&r->arena);
        }
    }
    cJSON *out = r->out;
    r->out = NULL;
    return out;
}

int ins_run_done(const struct ins_run *r)
{
    return r->done;
}

void ins_run_stats(const struct ins_run *r, struct ins_stats *out)
{
    *out = r->stats;
}

void ins_run_free(struct ins_run *r)
{
    if (r == NULL)
        return;
    free(r->cur.v);
    free(r->cur.st);
    free(r->counts);
    for (int i = 0; i < r->q->ncmds; i++)
        dedup_free(&r->dd[i]);
    free(r->dd);
    agg_free(r->agg);
    tbl_truncate(r, 0);
    free(r->tbl);
    cJSON_Delete(r->out);
    ins_arena_free(&r->arena);
    buf_free(&r->scratch);
    free(r);
}

/* ---- GetLogRecord and @ptr -------------------------------------------------------------- */

struct rec_emit {
    cJSON *obj;
    struct ins_arena *arena;
};

static void emit_record(void *ctx, const char *path, size_t plen, const struct ins_val *v)
{
    struct rec_emit *re = ctx;
    if (v->t == V_JSON)
        return;
    char *name = ins_arena_strndup(re->arena, path, plen);
    char *val = ins_arena_strndup(re->arena, v->s ? v->s : "", v->len);
    if (cJSON_GetObjectItemCaseSensitive(re->obj, name) == NULL)
        cJSON_AddStringToObject(re->obj, name, val);
}

cJSON *ins_log_record(const char *account, const struct log_event *ev)
{
    cJSON *o = cJSON_CreateObject();
    char ts[32], ptr[64];
    ins_format_time(ev->ts_ms, ts);
    cJSON_AddStringToObject(o, "@timestamp", ts);
    cJSON_AddStringToObject(o, "@message", ev->message);
    cJSON_AddStringToObject(o, "@logStream", ev->stream);
    char *log = xasprintf("%s:%s", account, ev->group);
    cJSON_AddStringToObject(o, "@log", log);
    free(log);
    char ing[32];
    snprintf(ing, sizeof ing, "%lld", (long long)ev->ingest_ms);
    cJSON_AddStringToObject(o, "@ingestionTime", ing);
    ins_ptr_encode(ev->id, ptr);
    cJSON_AddStringToObject(o, "@ptr", ptr);
    struct ins_arena arena = {NULL};
    cJSON *fields = cJSON_CreateObject();
    struct rec_emit re = {fields, &arena};
    if (json_flatten(ev->message, ev->message_len, &arena, emit_record, &re) == 0) {
        cJSON *it;
        cJSON_ArrayForEach(it, fields)
        {
            if (cJSON_GetObjectItemCaseSensitive(o, it->string) == NULL)
                cJSON_AddStringToObject(o, it->string, it->valuestring);
        }
    }
    cJSON_Delete(fields);
    ins_arena_free(&arena);
    return o;
}

/* @ptr: "Cm" + the id in base 36 after a fixed tag, so it looks opaque and decodes exactly. */
void ins_ptr_encode(int64_t id, char out[64])
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char tmp[32];
    int n = 0;
    uint64_t v = (uint64_t)id;
    do {
        tmp[n++] = digits[v % 36];
        v /= 36;
    } while (v > 0 && n < (int)sizeof tmp);
    char *p = out;
    p += sprintf(p, "CmRyaWxsc2ltEg");
    while (n > 0)
        *p++ = tmp[--n];
    *p = '\0';
}

int ins_ptr_decode(const char *s, int64_t *id)
{
    static const char tag[] = "CmRyaWxsc2ltEg";
    size_t tl = sizeof tag - 1;
    if (s == NULL || strncmp(s, tag, tl) != 0 || s[tl] == '\0' || strlen(s + tl) > 13)
        return -1;
    uint64_t v = 0;
    for (const char *c = s + tl; *c; c++) {
        int d;
        if (*c >= '0' && *c <= '9')
            d = *c - '0';
        else if (*c >= 'a' && *c <= 'z')
            d = *c - 'a' + 10;
        else
            return -1;
        v = v * 36 + (uint64_t)d;
    }
    if (v > (uint64_t)INT64_MAX)
        return -1;
    *id = (int64_t)v;
    return 0;
}

/* ---- scan hints ------------------------------------------------------------------------ */

int ins_scan_desc(const struct ins_query *q)
{
    return q->scan_desc;
}

const char *ins_prefilter(const struct ins_query *q)
{
    return q->prefilter;
}
