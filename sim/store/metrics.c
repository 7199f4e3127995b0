/*
 * metrics.c - CloudWatch metrics in the store (see metrics.h for the layout).
 */
#include "store/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/xmalloc.h"

#define DIM_SEP 0x1f /* between a dimension's name and value */
#define DIM_END 0x1e /* after each dimension's value */

static const char *const unit_names[] = {
#define XX(id, name) name,
    METRICS_UNIT_MAP(XX)
#undef XX
};

const char *metrics_unit_name(int unit)
{
    if (unit < 0 || unit >= METRICS_UNIT__COUNT)
        return NULL;
    return unit_names[unit];
}

int metrics_unit_find(const char *name)
{
    for (int i = 0; i < METRICS_UNIT__COUNT; i++) {
        if (strcmp(unit_names[i], name) == 0)
            return i;
    }
    return -1;
}

static int dim_cmp(const void *a, const void *b)
{
    const struct metrics_dim *x = a, *y = b;
    return strcmp(x->name, y->name);
}

void metrics_dims_sort(struct metrics_dim *dims, int n)
{
    if (n > 1)
        qsort(dims, (size_t)n, sizeof *dims, dim_cmp);
}

int metrics_dims_key(const struct metrics_dim *dims, int n, struct buf *out)
{
    for (int i = 0; i < n; i++) {
        if (buf_puts(out, dims[i].name) || buf_putc(out, DIM_SEP) ||
            buf_puts(out, dims[i].value ? dims[i].value : "") || buf_putc(out, DIM_END))
            return -1;
    }
    return 0;
}

int metrics_dims_parse(char *key, struct metrics_dim *out, int max)
{
    int n = 0;
    char *p = key;
    while (*p) {
        char *sep = strchr(p, DIM_SEP);
        if (sep == NULL || n == max)
            return -1;
        char *end = strchr(sep + 1, DIM_END);
        if (end == NULL)
            return -1;
        *sep = '\0';
        *end = '\0';
        out[n].name = p;
        out[n].value = sep + 1;
        n++;
        p = end + 1;
    }
    return n;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Upserts the metric row, adding nrows to its row count. Sets *id and *seq0 (the first
 * sequence number the caller may use). Returns 0 or -1. */
static int touch_metric(struct store *s, const char *account, const char *region,
                        const struct metrics_datum *d, int64_t now_ms, int nrows, int64_t *id,
                        int64_t *seq0)
{
    sqlite3_stmt *st = store_stmt(
        s, "INSERT INTO cw_metrics (account, region, namespace, name, dims, created_ms, "
           "last_put_ms, nrows) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) "
           "ON CONFLICT (account, region, namespace, name, dims) DO UPDATE SET "
           "last_put_ms = max(last_put_ms, excluded.last_put_ms), "
           "nrows = nrows + excluded.nrows RETURNING id, nrows");
    bind_text(st, 1, account);
    bind_text(st, 2, region);
    bind_text(st, 3, d->namespace);
    bind_text(st, 4, d->name);
    bind_text(st, 5, d->dims_key);
    sqlite3_bind_int64(st, 6, now_ms);
    sqlite3_bind_int64(st, 7, nrows);
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *seq0 = sqlite3_column_int64(st, 1) - nrows;
        rc = 0;
    }
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
        ;
    sqlite3_reset(st);
    return rc;
}

static int insert_row(struct store *s, int64_t id, int64_t seq, const struct metrics_datum *d,
                      const double *value, double count, double sum, double min, double max)
{
    sqlite3_stmt *st = store_stmt(
        s, "INSERT INTO cw_datapoints (metric_id, ts_ms, seq, unit, resolution, value, count, "
           "sum, min, max) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, d->ts_ms);
    sqlite3_bind_int64(st, 3, seq);
    sqlite3_bind_int(st, 4, d->unit);
    sqlite3_bind_int(st, 5, d->resolution);
    if (value)
        sqlite3_bind_double(st, 6, *value);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_double(st, 7, count);
    sqlite3_bind_double(st, 8, sum);
    sqlite3_bind_double(st, 9, min);
    sqlite3_bind_double(st, 10, max);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    return rc;
}

int metrics_put(struct store *s, const char *account, const char *region,
                const struct metrics_datum *d, int64_t now_ms)
{
    int nrows = 0;
    if (d->stats) {
        nrows = 1;
    } else {
        for (int i = 0; i < d->nsamples; i++)
            nrows += d->samples[i].count != 0;
    }
    int64_t id, seq;
    if (touch_metric(s, account, region, d, now_ms, nrows, &id, &seq))
        return -1;
    if (d->stats) {
        const struct metrics_stats *x = d->stats;
        return insert_row(s, id, seq, d, NULL, x->count, x->sum, x->min, x->max);
    }
    for (int i = 0; i < d->nsamples; i++) {
        const struct metrics_sample *p = &d->samples[i];
        if (p->count == 0)
            continue;
        if (insert_row(s, id, seq++, d, &p->value, p->count, p->value * p->count, p->value,
                       p->value))
            return -1;
    }
    return 0;
}

int metrics_find(struct store *s, const char *account, const char *region,
                 const char *namespace, const char *name, const char *dims_key, int64_t *id)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT id FROM cw_metrics WHERE account = ?1 AND "
                                     "region = ?2 AND namespace = ?3 AND name = ?4 AND dims = ?5");
    bind_text(st, 1, account);
    bind_text(st, 2, region);
    bind_text(st, 3, namespace);
    bind_text(st, 4, name);
    bind_text(st, 5, dims_key);
    int step = sqlite3_step(st);
    int rc = step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? 1 : -1;
    if (rc == 0)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

int metrics_scan(struct store *s, int64_t id, int64_t from_ms, int64_t to_ms, metrics_row_cb cb,
                 void *arg)
{
    sqlite3_stmt *st = store_stmt(
        s, "SELECT ts_ms, unit, resolution, value, count, sum, min, max FROM cw_datapoints "
           "WHERE metric_id = ?1 AND ts_ms >= ?2 AND ts_ms < ?3 ORDER BY ts_ms, seq");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    int step = sqlite3_step(st);
    for (; step == SQLITE_ROW; step = sqlite3_step(st)) {
        struct metrics_row r = {
            .ts_ms = sqlite3_column_int64(st, 0),
            .unit = sqlite3_column_int(st, 1),
            .resolution = sqlite3_column_int(st, 2),
            .value = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN
                                                                : sqlite3_column_double(st, 3),
            .count = sqlite3_column_double(st, 4),
            .sum = sqlite3_column_double(st, 5),
            .min = sqlite3_column_double(st, 6),
            .max = sqlite3_column_double(st, 7),
        };
        if (cb(arg, &r)) {
            step = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? 0 : -1;
}

int metrics_aggregate(struct store *s, int64_t id, int64_t base_ms, int64_t period_ms,
                      int64_t from_ms, int64_t to_ms, int unit, int by_unit, metrics_agg_cb cb,
                      void *arg)
{
    /* Four statements (unit filter yes/no, split by unit yes/no), each cached by its SQL.
     * base_ms <= from_ms, so the integer division floors. */
    char sql[640];
    snprintf(sql, sizeof sql,
             "SELECT (ts_ms - ?2) / ?3 AS k, %s, SUM(count), SUM(sum), MIN(min), MAX(max), "
             "SUM(value IS NULL AND min <> max AND count <> 1) FROM cw_datapoints "
             "WHERE metric_id = ?1 AND ts_ms >= ?4 AND ts_ms < ?5%s GROUP BY k%s ORDER BY k%s",
             by_unit ? "unit" : "-1", unit >= 0 ? " AND unit = ?6" : "",
             by_unit ? ", unit" : "", by_unit ? ", unit" : "");
    sqlite3_stmt *st = store_stmt(s, sql);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, base_ms);
    sqlite3_bind_int64(st, 3, period_ms);
    sqlite3_bind_int64(st, 4, from_ms);
    sqlite3_bind_int64(st, 5, to_ms);
    if (unit >= 0)
        sqlite3_bind_int(st, 6, unit);
    int step = sqlite3_step(st);
    for (; step == SQLITE_ROW; step = sqlite3_step(st)) {
        struct metrics_agg a = {
            .k = sqlite3_column_int64(st, 0),
            .unit = sqlite3_column_int(st, 1),
            .count = sqlite3_column_double(st, 2),
            .sum = sqlite3_column_double(st, 3),
            .min = sqlite3_column_double(st, 4),
            .max = sqlite3_column_double(st, 5),
            .opaque = sqlite3_column_int64(st, 6),
        };
        if (cb(arg, &a)) {
            step = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? 0 : -1;
}

/* Returns 1 if the metric's dims (canonical) contain every filter dimension. */
static int dims_match(const struct metrics_dim *have, int nhave, const struct metrics_dim *want,
                      int nwant)
{
    for (int i = 0; i < nwant; i++) {
        int found = 0;
        for (int j = 0; j < nhave && !found; j++)
            found = strcmp(have[j].name, want[i].name) == 0 &&
                    (want[i].value == NULL || strcmp(have[j].value, want[i].value) == 0);
        if (!found)
            return 0;
    }
    return 1;
}

/* The cursor: the identity of the metric a page ended on. */
struct cursor {
    char *namespace, *name, *dims;
};

static int load_cursor(struct store *s, const char *account, const char *region, int64_t id,
                       struct cursor *cur)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT namespace, name, dims FROM cw_metrics "
                                     "WHERE id = ?1 AND account = ?2 AND region = ?3");
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, account);
    bind_text(st, 3, region);
    int step = sqlite3_step(st);
    int rc = step == SQLITE_ROW ? 0 : step == SQLITE_DONE ? -2 : -1;
    if (rc == 0) {
        cur->namespace = xstrdup((const char *)sqlite3_column_text(st, 0));
        cur->name = xstrdup((const char *)sqlite3_column_text(st, 1));
        cur->dims = xstrdup((const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_reset(st);
    return rc;
}

/* Positions the cursor against filters that fix the namespace (and name): returns 0 to use
 * it, 1 if it lies before the filtered range (start from the beginning), or 2 if it lies
 * after it (nothing left to list). */
static int cursor_place(const struct cursor *cur, const struct metrics_filter *f)
{
    if (f->namespace == NULL)
        return 0;
    int cmp = strcmp(cur->namespace, f->namespace);
    if (cmp == 0 && f->name)
        cmp = strcmp(cur->name, f->name);
    return cmp < 0 ? 1 : cmp > 0 ? 2 : 0;
}

int metrics_list(struct store *s, const char *account, const char *region,
                 const struct metrics_filter *f, int64_t after_id, int limit, metrics_list_cb cb,
                 void *arg, int *more)
{
    struct cursor cur = {NULL, NULL, NULL};
    char *key = NULL;
    int rc = -1;
    *more = 0;
    int use_cursor = 0;
    if (after_id) {
        rc = load_cursor(s, account, region, after_id, &cur);
        if (rc)
            goto out;
        rc = -1;
        int place = cursor_place(&cur, f);
        if (place == 2) {
            rc = 0;
            goto out;
        }
        use_cursor = place == 0;
    }
    /*
     * One statement per combination of filters, each an index range scan in the order of
     * the unique index, with no sort: a fixed namespace (and name) is an equality prefix,
     * and the cursor continues after the last listed key. "+name" keeps the planner from
     * using the name filter as an index constraint, which would cost it the index order.
     */
    const char *where, *after, *order;
    if (f->namespace && f->name) {
        where = " AND namespace = ?4 AND name = ?5";
        after = " AND dims > ?8";
        order = "dims";
    } else if (f->namespace) {
        where = " AND namespace = ?4";
        after = " AND (name, dims) > (?7, ?8)";
        order = "name, dims";
    } else {
        where = f->name ? " AND +name = ?5" : "";
        after = " AND (namespace, name, dims) > (?6, ?7, ?8)";
        order = "namespace, name, dims";
    }
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, namespace, name, dims FROM cw_metrics WHERE account = ?1 AND "
             "region = ?2 AND last_put_ms >= ?3%s%s ORDER BY %s",
             where, use_cursor ? after : "", order);
    sqlite3_stmt *st = store_stmt(s, sql);
    bind_text(st, 1, account);
    bind_text(st, 2, region);
    sqlite3_bind_int64(st, 3, f->active_since_ms);
    if (f->namespace)
        bind_text(st, 4, f->namespace);
    if (f->name)
        bind_text(st, 5, f->name);
    if (use_cursor) {
        if (f->namespace == NULL)
            bind_text(st, 6, cur.namespace);
        if (f->name == NULL || f->namespace == NULL)
            bind_text(st, 7, cur.name);
        bind_text(st, 8, cur.dims);
    }
    int n = 0;
    int step = sqlite3_step(st);
    for (; step == SQLITE_ROW; step = sqlite3_step(st)) {
        struct metrics_dim dims[METRICS_MAX_DIMS];
        free(key);
        key = xstrdup((const char *)sqlite3_column_text(st, 3));
        int ndims = metrics_dims_parse(key, dims, METRICS_MAX_DIMS);
        if (ndims < 0 || !dims_match(dims, ndims, f->dims, f->ndims))
            continue;
        if (n == limit) {
            *more = 1;
            step = SQLITE_DONE;
            break;
        }
        struct metrics_listed m = {
            .id = sqlite3_column_int64(st, 0),
            .namespace = (const char *)sqlite3_column_text(st, 1),
            .name = (const char *)sqlite3_column_text(st, 2),
            .dims = dims,
            .ndims = ndims,
        };
        cb(arg, &m);
        n++;
    }
    sqlite3_reset(st);
    if (step == SQLITE_DONE)
        rc = 0;
out:
    free(key);
    free(cur.namespace);
    free(cur.name);
    free(cur.dims);
    return rc;
}
