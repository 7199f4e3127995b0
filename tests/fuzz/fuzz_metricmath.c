/*
 * fuzz_metricmath.c - libFuzzer driver for metric math: arbitrary bytes as an expression
 * through mm_parse and, when it parses, mm_refs, mm_calls and mm_eval/mm_eval_result over
 * small fixed series (sparse, an own period, empty, labelled) with METRICS() and SEARCH()
 * answered. Must never crash, leak or hang. Seeds: tests/fuzz/corpus/metricmath, the
 * User Guide's example expressions.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/metricmath.h"
#include "util/xmalloc.h"

#define BASE_MS 1767225600000LL

struct fz_series {
    const char *id;
    const char *label;
    int period_s;
    int n;
    int64_t off_s[8];
    double v[8];
};

static const struct fz_series fz_data[] = {
    {"m1", "Errors", 0, 6, {0, 60, 180, 240, 420, 540}, {1, -2, 0, 4.5, 1e300, 3}},
    {"m2", NULL, 120, 4, {0, 120, 240, 480}, {10, 0, -7, 2}},
    {"m3", NULL, 0, 0, {0}, {0}},
    {"e1", "Expr", 0, 3, {60, 120, 180}, {NAN, 5, 6}}, /* NAN: no value */
    {"s1", NULL, 0, 2, {0, 60}, {1, 2}},
};

static void fz_copy(const struct fz_series *f, struct mm_series *s)
{
    memset(s, 0, sizeof *s);
    s->id = xstrdup(f->id);
    s->label = f->label ? xstrdup(f->label) : NULL;
    s->period_s = f->period_s;
    s->n = f->n;
    s->ts = xmalloc(8 * sizeof *s->ts);
    s->v = xmalloc(8 * sizeof *s->v);
    for (int i = 0; i < f->n; i++) {
        s->ts[i] = BASE_MS + f->off_s[i] * 1000;
        s->v[i] = f->v[i];
    }
}

static int fz_lookup(void *ctx, const char *id, struct mm_value *out)
{
    (void)ctx;
    if (strcmp(id, "broken") == 0)
        return -1;
    for (size_t i = 0; i < sizeof fz_data / sizeof fz_data[0]; i++) {
        if (strcmp(fz_data[i].id, id) == 0) {
            out->kind = MM_SERIES;
            out->nseries = 1;
            out->series = xcalloc(1, sizeof *out->series);
            fz_copy(&fz_data[i], &out->series[0]);
            return 0;
        }
    }
    if (strcmp(id, "k") == 0) {
        out->kind = MM_SCALAR;
        out->scalar = 7;
        return 0;
    }
    return 1;
}

static int fz_array(const char *filter, char first, struct mm_value *out)
{
    size_t n = sizeof fz_data / sizeof fz_data[0];
    out->kind = MM_ARRAY;
    out->series = xcalloc(n, sizeof *out->series);
    for (size_t i = 0; i < n; i++) {
        if ((filter == NULL || strstr(fz_data[i].id, filter)) &&
            (first == 0 || fz_data[i].id[0] == first))
            fz_copy(&fz_data[i], &out->series[out->nseries++]);
    }
    return 0;
}

static int fz_metrics(void *ctx, const char *filter, struct mm_value *out)
{
    (void)ctx;
    return fz_array(filter, 'm', out);
}

static int fz_search(void *ctx, const char *expr, const char *stat, int period_s,
                     struct mm_value *out, char **error)
{
    (void)ctx;
    (void)stat;
    (void)period_s;
    if (expr[0] == '!') {
        *error = xstrdup("Invalid SEARCH expression");
        return -1;
    }
    return fz_array(NULL, 0, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct mm_expr *e = NULL;
    char *err = NULL;
    if (mm_parse(text, &e, &err) != 0) {
        free(err);
        free(text);
        return 0;
    }
    char **ids = NULL;
    int n = mm_refs(e, &ids);
    for (int i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    (void)mm_calls(e, "METRICS");
    struct mm_env env = {
        .lookup = fz_lookup,
        .metrics = fz_metrics,
        .search = size % 2 ? fz_search : NULL,
        .start_ms = BASE_MS,
        .end_ms = BASE_MS + 600000,
        .period_s = 60,
    };
    struct mm_value v;
    int rc = size % 3 ? mm_eval(e, &env, &v, &err) : mm_eval_result(e, &env, &v, &err);
    if (rc == 0) {
        /* the result's invariants: ascending timestamps, finite values */
        for (int k = 0; v.kind != MM_SCALAR && k < v.nseries; k++) {
            const struct mm_series *s = &v.series[k];
            for (int i = 0; i < s->n; i++) {
                if (!isfinite(s->v[i]) || (i > 0 && s->ts[i - 1] >= s->ts[i]))
                    abort();
            }
        }
        if (v.kind == MM_SERIES && v.nseries != 1)
            abort();
        mm_value_clear(&v);
    } else {
        free(err);
    }
    mm_free(e);
    free(text);
    return 0;
}
