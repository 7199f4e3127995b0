/*
 * logs_bloom.c - per (group, five-minute bucket) Bloom filters of message trigrams (see
 * logs_bloom.h for what they are for and when they are dropped).
 *
 * The filters live in a direct-mapped table of SLOTS entries hung off the store: a bucket
 * maps to one slot, and a bucket that finds its slot taken by another evicts it (the evicted
 * one is built again from its rows when next needed). Each filter has BITS bits, two per
 * trigram: five minutes of the world's JSON lines (random request ids included) hold a few
 * thousand distinct trigrams, so a nine-letter substring that is absent is reported absent
 * all but a tiny fraction of the time, and one that is present always "may" be.
 */
#include "store/logs_bloom.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/xmalloc.h"

#define SLOTS 1024 /* 2 MB at most */
#define BITS 16384

struct filter {
    int64_t group_id;
    int64_t bucket;
    uint64_t tx; /* the transaction generation it was built in, 0 = outside one */
    uint8_t bits[BITS / 8];
};

struct logs_bloom {
    struct filter *slot[SLOTS];
    int held;
    int64_t builds;
};

/* The bucket of ts_ms (floor division: events may carry times before 1970). */
static int64_t bucket_of(int64_t ts_ms)
{
    int64_t b = ts_ms / LOGS_BLOOM_BUCKET_MS;
    return ts_ms < 0 && ts_ms % LOGS_BLOOM_BUCKET_MS != 0 ? b - 1 : b;
}

/* Consecutive buckets of a group take consecutive slots, so a group's last SLOTS buckets
 * (three and a half days) never evict each other; groups start at spread-out offsets. */
static unsigned slot_of(int64_t group_id, int64_t bucket)
{
    uint64_t h = (uint64_t)group_id * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return (unsigned)((h + (uint64_t)bucket) & (SLOTS - 1));
}

/* A hash of the three bytes at p; its low and high halves pick the two bits. */
static uint32_t trigram_hash(const unsigned char *p)
{
    uint32_t h = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    h *= 0x9E3779B1u;
    h ^= h >> 15;
    h *= 0x85EBCA77u;
    h ^= h >> 13;
    return h;
}

static void filter_add(struct filter *f, const char *msg, size_t len)
{
    const unsigned char *p = (const unsigned char *)msg;
    for (size_t i = 0; i + 3 <= len; i++) {
        uint32_t h = trigram_hash(p + i);
        unsigned a = h & (BITS - 1), b = (h >> 16) & (BITS - 1);
        f->bits[a >> 3] |= (uint8_t)(1u << (a & 7));
        f->bits[b >> 3] |= (uint8_t)(1u << (b & 7));
    }
}

/* Returns 1 when every trigram of s may be in f. */
static int filter_test(const struct filter *f, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i + 3 <= len; i++) {
        uint32_t h = trigram_hash(p + i);
        unsigned a = h & (BITS - 1), b = (h >> 16) & (BITS - 1);
        if (!(f->bits[a >> 3] & (1u << (a & 7))) || !(f->bits[b >> 3] & (1u << (b & 7))))
            return 0;
    }
    return 1;
}

/* The store's filters, created on first use. */
static struct logs_bloom *cache_of(struct store *st)
{
    struct logs_bloom **b = store_logs_bloom(st);
    if (*b == NULL)
        *b = xcalloc(1, sizeof **b);
    return *b;
}

/* The filter of (group_id, bucket) if held, else NULL. */
static struct filter *find(struct logs_bloom *b, int64_t group_id, int64_t bucket)
{
    struct filter *f = b->slot[slot_of(group_id, bucket)];
    return f && f->group_id == group_id && f->bucket == bucket ? f : NULL;
}

static void drop(struct logs_bloom *b, unsigned i)
{
    if (b->slot[i]) {
        free(b->slot[i]);
        b->slot[i] = NULL;
        b->held--;
    }
}

/* Builds the filter of (group_id, bucket) from the rows the store holds, in its slot.
 * Returns it, or NULL when the rows could not be read. */
static struct filter *build(struct store *st, struct logs_bloom *b, int64_t group_id,
                            int64_t bucket)
{
    unsigned i = slot_of(group_id, bucket);
    struct filter *f = b->slot[i];
    if (f == NULL) {
        f = xmalloc(sizeof *f);
        b->slot[i] = f;
        b->held++;
    }
    memset(f, 0, sizeof *f);
    f->group_id = group_id;
    f->bucket = bucket;
    f->tx = store_tx_gen(st);
    sqlite3_stmt *q = store_stmt(st, "SELECT message FROM logs_events WHERE group_id = ?1 "
                                     "AND ts_ms >= ?2 AND ts_ms < ?3");
    sqlite3_bind_int64(q, 1, group_id);
    sqlite3_bind_int64(q, 2, bucket * LOGS_BLOOM_BUCKET_MS);
    sqlite3_bind_int64(q, 3, (bucket + 1) * LOGS_BLOOM_BUCKET_MS);
    int rc = sqlite3_step(q);
    while (rc == SQLITE_ROW) {
        filter_add(f, (const char *)sqlite3_column_text(q, 0),
                   (size_t)sqlite3_column_bytes(q, 0));
        rc = sqlite3_step(q);
    }
    sqlite3_reset(q);
    b->builds++;
    if (rc != SQLITE_DONE) {
        drop(b, i);
        return NULL;
    }
    return f;
}

void logs_bloom_add(struct store *st, int64_t group_id, int64_t ts_ms, const char *msg,
                    size_t len)
{
    struct logs_bloom *b = cache_of(st);
    int64_t bucket = bucket_of(ts_ms);
    struct filter *f = find(b, group_id, bucket);
    if (f == NULL) {
        /* the rows already hold this message (logs_put adds after its insert) */
        build(st, b, group_id, bucket);
        return;
    }
    filter_add(f, msg, len);
}

int logs_bloom_may_contain(struct store *st, int64_t group_id, int64_t ts_ms, const char *s)
{
    size_t len = strlen(s);
    if (len < 3)
        return 1;
    struct logs_bloom *b = cache_of(st);
    int64_t bucket = bucket_of(ts_ms);
    struct filter *f = find(b, group_id, bucket);
    if (f == NULL)
        f = build(st, b, group_id, bucket);
    if (f == NULL)
        return -1;
    return filter_test(f, s, len);
}

void logs_bloom_forget(struct store *st)
{
    struct logs_bloom *b = *store_logs_bloom(st);
    for (unsigned i = 0; b && i < SLOTS; i++)
        drop(b, i);
}

void logs_bloom_rollback(struct logs_bloom *b, uint64_t tx_gen)
{
    for (unsigned i = 0; b && tx_gen != 0 && i < SLOTS; i++) {
        if (b->slot[i] && b->slot[i]->tx == tx_gen)
            drop(b, i);
    }
}

void logs_bloom_free(struct logs_bloom *b)
{
    if (b == NULL)
        return;
    for (unsigned i = 0; i < SLOTS; i++)
        free(b->slot[i]);
    free(b);
}

void logs_bloom_stats(struct store *st, int *held, int64_t *builds)
{
    struct logs_bloom *b = *store_logs_bloom(st);
    *held = b ? b->held : 0;
    *builds = b ? b->builds : 0;
}
