/*
 * Tests of sim/store/logs.c: the events scan Logs Insights reads through (order, ranges,
 * resumable cursor, prefilter, several groups merged, tenant scoping), the look-up by id,
 * stream listings, event ids that are never reused, and retention on sim time.
 */
#include "store/logs.h"
#include "store/logs_bloom.h"
#include "store/store.h"
#include "store_util.h"
#include "t.h"

#define A1 "111111111111"
#define A2 "222222222222"
#define R1 "us-east-1"
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define DAY 86400000LL


/* Creates group name in (account, R1) and returns its id. */
static int64_t mkgroup(struct store *st, const char *account, const char *name)
{
    struct logs_scope sc = {st, account, R1};
    int64_t id = 0;
    T_EQ_INT(logs_group_create(&sc, name, T0, NULL, "STANDARD", 0, &id), 0);
    return id;
}

/* Creates stream name in group gid and returns its id. */
static int64_t mkstream(struct store *st, int64_t gid, const char *name)
{
    struct logs_stream s = {0};
    T_EQ_INT(logs_stream_create(st, gid, name, T0), 0);
    T_EQ_INT(logs_stream_get(st, gid, name, &s), 0);
    int64_t id = s.id;
    logs_stream_clear(&s);
    return id;
}

/* Puts one event. */
static void put1(struct store *st, int64_t gid, int64_t sid, int64_t ts, const char *msg)
{
    struct logs_put_event ev = {ts, msg, strlen(msg)};
    int64_t seq;
    T_EQ_INT(logs_put(st, gid, sid, &ev, 1, ts + 5, &seq), 0);
}

/* What a scan saw: "stream:message" per event, joined by spaces, and the ids. */
struct seen {
    char text[4096];
    int64_t ids[256];
    int n;
    int stop_after; /* fn returns 1 after this many events (0 = never) */
};

static int collect(void *ctx, const struct log_event *ev)
{
    struct seen *s = ctx;
    size_t len = strlen(s->text);
    snprintf(s->text + len, sizeof s->text - len, "%s%s:%s", len ? " " : "", ev->stream,
             ev->message);
    T_EQ_INT((long long)ev->message_len, (long long)strlen(ev->message));
    T_EQ_INT(ev->ingest_ms, ev->ts_ms + 5);
    if (s->n < 256)
        s->ids[s->n] = ev->id;
    s->n++;
    return s->stop_after && s->n >= s->stop_after;
}

/* Two groups, interleaved streams: /a has a1 (t+1, t+3, t+3) and a2 (t+2, t+4); /b has b1. */
static void fill(struct store *st)
{
    int64_t ga = mkgroup(st, A1, "/a"), gb = mkgroup(st, A1, "/b");
    int64_t a1 = mkstream(st, ga, "a1"), a2 = mkstream(st, ga, "a2");
    int64_t b1 = mkstream(st, gb, "b1");
    put1(st, ga, a1, T0 + 1, "one ERROR");
    put1(st, ga, a2, T0 + 2, "two");
    put1(st, gb, b1, T0 + 2, "bee ERROR");
    put1(st, ga, a1, T0 + 3, "three");
    put1(st, ga, a1, T0 + 3, "three-bis ERROR");
    put1(st, ga, a2, T0 + 4, "four");
}

TEST(store_logs_scan_order)
{
    struct store *st = open_store();
    fill(st);
    const char *a[] = {"/a"};
    struct logs_cursor cur = {0};
    struct seen s = {0};
    T_EQ_INT(logs_scan(st, A1, R1, a, 1, 0, INT64_MAX, 0, NULL, &cur, 0, collect, &s), 1);
    T_EQ_STR(s.text, "a1:one ERROR a2:two a1:three a1:three-bis ERROR a2:four");
    T_ASSERT(s.ids[2] < s.ids[3]); /* equal timestamps: by id, the order they were put */

    memset(&s, 0, sizeof s);
    memset(&cur, 0, sizeof cur);
    T_EQ_INT(logs_scan(st, A1, R1, a, 1, 0, INT64_MAX, 1, NULL, &cur, 0, collect, &s), 1);
    T_EQ_STR(s.text, "a2:four a1:three-bis ERROR a1:three a2:two a1:one ERROR");

    /* [start, end] both inclusive */
    memset(&s, 0, sizeof s);
    memset(&cur, 0, sizeof cur);
    T_EQ_INT(logs_scan(st, A1, R1, a, 1, T0 + 2, T0 + 3, 0, NULL, &cur, 0, collect, &s), 1);
    T_EQ_STR(s.text, "a2:two a1:three a1:three-bis ERROR");
    memset(&s, 0, sizeof s);
    memset(&cur, 0, sizeof cur);
    T_EQ_INT(logs_scan(st, A1, R1, a, 1, T0 + 5, T0 + 9, 0, NULL, &cur, 0, collect, &s), 1);
    T_EQ_INT(s.n, 0);
    T_EQ_INT(logs_scan(st, A1, R1, a, 1, T0 + 9, T0 + 5, 0, NULL, &cur, 0, collect, &s), 1);
    store_close(st);
}

TEST(store_logs_scan_resume)
{
    struct store *st = open_store();
    fill(st);
    const char *ab[] = {"/a", "/b"};
    for (int desc = 0; desc <= 1; desc++) {
        /* two events per call, through the equal timestamps, never twice */
        struct logs_cursor cur = {0};
        struct seen s = {0};
        int calls = 0, rc;
        do {
            rc = logs_scan(st, A1, R1, ab, 2, 0, INT64_MAX, desc, NULL, &cur, 2, collect, &s);
            T_ASSERT(rc >= 0);
            calls++;
            T_ASSERT(calls < 10);
        } while (rc == 0);
        T_EQ_INT(s.n, 6);
        T_EQ_STR(s.text, desc ? "a2:four a1:three-bis ERROR a1:three b1:bee ERROR a2:two "
                                "a1:one ERROR"
                              : "a1:one ERROR a2:two b1:bee ERROR a1:three "
                                "a1:three-bis ERROR a2:four");
        for (int i = 0; i < s.n; i++) {
            for (int j = 0; j < i; j++)
                T_ASSERT(s.ids[i] != s.ids[j]);
        }
    }
    /* fn stopping the scan: the cursor is at the event it stopped on */
    struct logs_cursor cur = {0};
    struct seen s = {.stop_after = 3};
    T_EQ_INT(logs_scan(st, A1, R1, ab, 2, 0, INT64_MAX, 0, NULL, &cur, 0, collect, &s), 0);
    T_EQ_INT(cur.ts_ms, T0 + 2);
    s.stop_after = 0;
    T_EQ_INT(logs_scan(st, A1, R1, ab, 2, 0, INT64_MAX, 0, NULL, &cur, 0, collect, &s), 1);
    T_EQ_INT(s.n, 6);
    store_close(st);
}

TEST(store_logs_scan_prefilter_and_scope)
{
    struct store *st = open_store();
    fill(st);
    mkgroup(st, A2, "/a"); /* another tenant's group of the same name, empty */
    const char *groups[] = {"/b", "/a", "/nope", "/a"};
    struct logs_cursor cur = {0};
    struct seen s = {0};
    T_EQ_INT(logs_scan(st, A1, R1, groups, 4, 0, INT64_MAX, 0, "ERROR", &cur, 0, collect, &s),
             1);
    T_EQ_STR(s.text, "a1:one ERROR b1:bee ERROR a1:three-bis ERROR");
    /* case-sensitive */
    memset(&s, 0, sizeof s);
    memset(&cur, 0, sizeof cur);
    T_EQ_INT(logs_scan(st, A1, R1, groups, 4, 0, INT64_MAX, 0, "error", &cur, 0, collect, &s),
             1);
    T_EQ_INT(s.n, 0);
    /* another account or region sees nothing of A1's */
    memset(&cur, 0, sizeof cur);
    T_EQ_INT(logs_scan(st, A2, R1, groups, 4, 0, INT64_MAX, 0, NULL, &cur, 0, collect, &s), 1);
    T_EQ_INT(logs_scan(st, A1, "eu-west-1", groups, 4, 0, INT64_MAX, 0, NULL, &cur, 0, collect,
                       &s),
             1);
    T_EQ_INT(s.n, 0);
    T_EQ_INT(logs_group_exists(st, A1, R1, "/a"), 1);
    T_EQ_INT(logs_group_exists(st, A1, R1, "/nope"), 0);
    T_EQ_INT(logs_group_exists(st, A2, R1, "/b"), 0);
    store_close(st);
}

static int grab(void *ctx, const struct log_event *ev)
{
    snprintf(ctx, 256, "%s %s %s %lld", ev->group, ev->stream, ev->message,
             (long long)(ev->ts_ms - T0));
    return 0;
}

TEST(store_logs_get_event)
{
    struct store *st = open_store();
    fill(st);
    const char *b[] = {"/b"};
    struct logs_cursor cur = {0};
    struct seen s = {0};
    T_EQ_INT(logs_scan(st, A1, R1, b, 1, 0, INT64_MAX, 0, NULL, &cur, 0, collect, &s), 1);
    T_EQ_INT(s.n, 1);
    char got[256] = "";
    T_EQ_INT(logs_get_event(st, A1, R1, s.ids[0], grab, got), 0);
    T_EQ_STR(got, "/b b1 bee ERROR 2");
    T_EQ_INT(logs_get_event(st, A2, R1, s.ids[0], grab, got), 1);
    T_EQ_INT(logs_get_event(st, A1, R1, 999999, grab, got), 1);
    store_close(st);
}

TEST(store_logs_ids_never_reused)
{
    struct store *st = open_store();
    struct logs_scope sc = {st, A1, R1};
    int64_t g = mkgroup(st, A1, "/g");
    int64_t sid = mkstream(st, g, "s");
    put1(st, g, sid, T0, "first");
    const char *gn[] = {"/g"};
    struct logs_cursor cur = {0};
    struct seen s = {0};
    T_EQ_INT(logs_scan(st, A1, R1, gn, 1, 0, INT64_MAX, 0, NULL, &cur, 0, collect, &s), 1);
    int64_t first = s.ids[0];
    T_EQ_INT(logs_group_delete(&sc, "/g"), 0);
    T_EQ_INT(logs_group_delete(&sc, "/g"), 1);
    g = mkgroup(st, A1, "/g");
    sid = mkstream(st, g, "s");
    put1(st, g, sid, T0, "second");
    memset(&s, 0, sizeof s);
    memset(&cur, 0, sizeof cur);
    T_EQ_INT(logs_scan(st, A1, R1, gn, 1, 0, INT64_MAX, 0, NULL, &cur, 0, collect, &s), 1);
    T_EQ_INT(s.n, 1);
    T_ASSERT(s.ids[0] > first);
    char got[256];
    T_EQ_INT(logs_get_event(st, A1, R1, first, grab, got), 1);
    store_close(st);
}

static int names(void *ctx, const struct logs_stream *s)
{
    size_t len = strlen(ctx);
    snprintf((char *)ctx + len, 256 - len, "%s%s", len ? " " : "", s->name);
    return 0;
}

TEST(store_logs_streams)
{
    struct store *st = open_store();
    int64_t g = mkgroup(st, A1, "/g");
    int64_t sb = mkstream(st, g, "b"), sab = mkstream(st, g, "ab");
    mkstream(st, g, "aa");
    mkstream(st, g, "a");
    T_EQ_INT(logs_stream_create(st, g, "a", T0), 1);
    put1(st, g, sb, T0 + 10, "x");
    put1(st, g, sab, T0 + 20, "y");
    put1(st, g, sab, T0 + 5, "z");
    char out[256] = "";
    struct logs_stream_order o = {0};
    T_EQ_INT(logs_stream_each(st, g, &o, names, out), 0);
    T_EQ_STR(out, "a aa ab b");
    out[0] = 0;
    o.prefix = "a";
    o.desc = 1;
    T_EQ_INT(logs_stream_each(st, g, &o, names, out), 0);
    T_EQ_STR(out, "ab aa a");
    out[0] = 0;
    o.desc = 0;
    o.after_name = "aa";
    T_EQ_INT(logs_stream_each(st, g, &o, names, out), 0);
    T_EQ_STR(out, "ab");
    out[0] = 0;
    struct logs_stream_order t = {.by_last_event = 1};
    T_EQ_INT(logs_stream_each(st, g, &t, names, out), 0);
    T_EQ_STR(out, "a aa b ab");
    out[0] = 0;
    t.desc = 1;
    T_EQ_INT(logs_stream_each(st, g, &t, names, out), 0);
    T_EQ_STR(out, "ab b aa a");
    out[0] = 0;
    t.after_name = "b";
    t.after_ts_ms = T0 + 10;
    T_EQ_INT(logs_stream_each(st, g, &t, names, out), 0);
    T_EQ_STR(out, "aa a");

    struct logs_stream s = {0};
    T_EQ_INT(logs_stream_get(st, g, "ab", &s), 0);
    T_EQ_INT(s.has_events, 1);
    T_EQ_INT(s.first_ts_ms, T0 + 5);
    T_EQ_INT(s.last_ts_ms, T0 + 20);
    T_EQ_INT(s.seq, 2);
    logs_stream_clear(&s);
    T_EQ_INT(logs_stream_get(st, g, "a", &s), 0);
    T_EQ_INT(s.has_events, 0);
    T_EQ_INT(s.seq, 0);
    logs_stream_clear(&s);

    /* deleting a stream deletes its events and their bytes */
    struct logs_scope sc = {st, A1, R1};
    struct logs_group gr = {0};
    T_EQ_INT(logs_group_get(&sc, "/g", &gr), 0);
    T_EQ_INT(gr.stored_bytes, 3);
    logs_group_clear(&gr);
    T_EQ_INT(logs_stream_delete(st, g, "ab"), 0);
    T_EQ_INT(logs_stream_delete(st, g, "ab"), 1);
    T_EQ_INT(logs_group_get(&sc, "/g", &gr), 0);
    T_EQ_INT(gr.stored_bytes, 1);
    logs_group_clear(&gr);
    store_close(st);
}

TEST(store_logs_retention)
{
    struct store *st = open_store();
    struct logs_scope sc = {st, A1, R1};
    int64_t g = mkgroup(st, A1, "/r");
    int64_t sid = mkstream(st, g, "s");
    struct logs_put_event ev[3] = {
        {T0 - 3 * DAY, "old", 3}, {T0 - DAY - 1, "older", 5}, {T0, "new", 3}};
    int64_t seq, deleted = -1;
    T_EQ_INT(logs_put(st, g, sid, ev, 3, T0, &seq), 0);
    T_EQ_INT(seq, 1);
    /* no retention: nothing ever expires */
    T_EQ_INT(logs_expire(st, A1, T0 + 365 * DAY, &deleted), 0);
    T_EQ_INT(deleted, 0);
    T_EQ_INT(logs_group_set_retention(&sc, "/r", 1), 0);
    T_EQ_INT(logs_group_set_retention(&sc, "/nope", 1), 1);
    T_EQ_INT(logs_expire(st, A2, T0, &deleted), 0); /* another team's tick */
    T_EQ_INT(deleted, 0);
    T_EQ_INT(logs_expire(st, A1, T0, &deleted), 0);
    T_EQ_INT(deleted, 2);
    T_EQ_INT(logs_expire(st, A1, T0, &deleted), 0);
    T_EQ_INT(deleted, 0);
    struct logs_group gr = {0};
    T_EQ_INT(logs_group_get(&sc, "/r", &gr), 0);
    T_EQ_INT(gr.stored_bytes, 3);
    T_EQ_INT(gr.retention_days, 1);
    logs_group_clear(&gr);
    /* exactly one day old stays; a millisecond more goes */
    T_EQ_INT(logs_expire(st, A1, T0 + DAY, &deleted), 0);
    T_EQ_INT(deleted, 0);
    T_EQ_INT(logs_expire(st, A1, T0 + DAY + 1, &deleted), 0);
    T_EQ_INT(deleted, 1);
    /* removing the policy: nothing expires any more */
    put1(st, g, sid, T0 + DAY, "kept");
    T_EQ_INT(logs_group_set_retention(&sc, "/r", 0), 0);
    T_EQ_INT(logs_expire(st, A1, T0 + 100 * DAY, &deleted), 0);
    T_EQ_INT(deleted, 0);
    T_EQ_INT(logs_group_get(&sc, "/r", &gr), 0);
    T_EQ_INT(gr.retention_days, 0);
    T_EQ_INT(gr.stored_bytes, 4);
    logs_group_clear(&gr);
    store_close(st);
}

/* ---- the bucket filters (store/logs_bloom.c) behind prefiltered scans ---------------------- */

#define BUCKET 300000LL
#define NB 48 /* four hours of five-minute buckets */

/* A deterministic pseudo-random sequence for the test's data. */
static uint32_t next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

struct naive {
    int64_t ts[NB * 8];
    char msg[NB * 8][64];
    int n;
};

/* Fills group /g of A1 (two streams) with a few JSON-ish lines per bucket; "needle" sits in
 * buckets 5, 6 and 40 only. Keeps what was put in nv, in put order. */
static int64_t fill_buckets(struct store *st, struct naive *nv)
{
    static const char *const words[] = {"alpha", "bravo", "charlie", "delta", "echo",
                                        "foxtrot"};
    int64_t g = mkgroup(st, A1, "/g");
    int64_t s[2] = {mkstream(st, g, "s1"), mkstream(st, g, "s2")};
    uint32_t x = 12345;
    nv->n = 0;
    for (int b = 0; b < NB; b++) {
        int k = 1 + (int)(next_rand(&x) % 6);
        for (int i = 0; i < k; i++) {
            int64_t ts = T0 + b * BUCKET + (int64_t)(next_rand(&x) % BUCKET);
            char *m = nv->msg[nv->n];
            snprintf(m, 64, "{\"w\":\"%s\",\"n\":%u%s}", words[next_rand(&x) % 6],
                     next_rand(&x) % 1000,
                     (b == 5 || b == 6 || b == 40) && i == 0 ? ",\"needle\":1" : "");
            nv->ts[nv->n] = ts;
            put1(st, g, s[i % 2], ts, m);
            nv->n++;
        }
    }
    return g;
}

/* The events of nv in [lo, hi] containing like, in scan order, as "message" joined. */
static void expected(const struct naive *nv, int64_t lo, int64_t hi, const char *like, int desc,
                     char *out, size_t n)
{
    int idx[NB * 8], k = 0;
    for (int i = 0; i < nv->n; i++) {
        if (nv->ts[i] >= lo && nv->ts[i] <= hi && strstr(nv->msg[i], like))
            idx[k++] = i;
    }
    /* by (ts, put order), reversed for desc */
    for (int i = 1; i < k; i++) {
        for (int j = i; j > 0 && nv->ts[idx[j - 1]] > nv->ts[idx[j]]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    }
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        int e = idx[desc ? k - 1 - i : i];
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%s", len ? " " : "", nv->msg[e]);
    }
}

struct joined {
    char *out;
    size_t n;
};

/* Appends the event's message to the joined text. */
static int join(void *ctx, const struct log_event *ev)
{
    struct joined *j = ctx;
    size_t len = strlen(j->out);
    snprintf(j->out + len, j->n - len, "%s%s", len ? " " : "", ev->message);
    return 0;
}

/* Scans /g for like over [lo, hi], max events per call, and returns the messages joined. */
static void scanned(struct store *st, int64_t lo, int64_t hi, const char *like, int desc,
                    int max, char *out, size_t n)
{
    const char *gn[] = {"/g"};
    struct logs_cursor cur = {0};
    struct joined j = {out, n};
    out[0] = '\0';
    int rc, calls = 0;
    do {
        rc = logs_scan(st, A1, R1, gn, 1, lo, hi, desc, like, &cur, max, join, &j);
        T_ASSERT(rc >= 0);
        T_ASSERT(++calls < 1000);
    } while (rc == 0);
}

TEST(store_logs_bloom_scan_matches_naive)
{
    struct store *st = open_store();
    static struct naive nv;
    fill_buckets(st, &nv);
    static const char *const likes[] = {"needle", "alpha", "\"w\":\"echo\"", "zz-absent", "n\"",
                                        "{\"w\":"};
    static const int64_t ranges[][2] = {
        {T0 - 3600000, T0 + 5 * 3600000},        /* wider than the data */
        {T0 + 5 * BUCKET + 1234, T0 + 41 * BUCKET - 1}, /* partial buckets at both ends */
        {T0 + 7 * BUCKET, T0 + 39 * BUCKET},     /* no needle inside */
    };
    static char want[NB * 8 * 64], got[NB * 8 * 64];
    for (size_t l = 0; l < sizeof likes / sizeof likes[0]; l++) {
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
            for (int desc = 0; desc <= 1; desc++) {
                static const int maxes[] = {0, 1, 3};
                for (int m = 0; m < 3; m++) {
                    expected(&nv, ranges[r][0], ranges[r][1], likes[l], desc, want,
                             sizeof want);
                    scanned(st, ranges[r][0], ranges[r][1], likes[l], desc, maxes[m], got,
                            sizeof got);
                    T_EQ_STR(got, want);
                }
            }
        }
    }
    int held;
    int64_t builds;
    logs_bloom_stats(st, &held, &builds);
    T_ASSERT(held >= NB); /* one filter per bucket with events (and a few empty ones) */
    store_close(st);
}

TEST(store_logs_bloom_rollback_and_forget)
{
    struct store *st = open_store();
    static struct naive nv;
    int64_t g = fill_buckets(st, &nv);
    static char want[NB * 8 * 64], got[NB * 8 * 64];
    int64_t lo = T0, hi = T0 + NB * BUCKET - 1;
    expected(&nv, lo, hi, "needle", 1, want, sizeof want);
    T_ASSERT(strlen(want) > 0);
    /* as after a restart: filters are built from the rows when first needed; here inside a
     * transaction that deleted every event, then rolled back */
    logs_bloom_forget(st);
    T_EQ_INT(store_begin(st), 0);
    T_EQ_INT(logs_stream_delete(st, g, "s1"), 0);
    T_EQ_INT(logs_stream_delete(st, g, "s2"), 0);
    scanned(st, lo, hi, "needle", 1, 0, got, sizeof got);
    T_EQ_STR(got, "");
    store_rollback(st);
    /* the filters built from the deleted rows went with the rollback */
    scanned(st, lo, hi, "needle", 1, 0, got, sizeof got);
    T_EQ_STR(got, want);
    /* committed deletes leave filters that only say "may" too often: still exact */
    T_EQ_INT(store_begin(st), 0);
    T_EQ_INT(logs_stream_delete(st, g, "s1"), 0);
    T_EQ_INT(store_commit(st), 0);
    scanned(st, lo, hi, "needle", 1, 0, got, sizeof got);
    T_ASSERT(strlen(got) < strlen(want));
    store_close(st);
}
