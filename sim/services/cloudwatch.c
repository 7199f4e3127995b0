/*
 * cloudwatch.c - Amazon CloudWatch (monitoring): PutMetricData and ListMetrics.
 *
 * The handlers are protocol-neutral: CloudWatch arrives as awsJson 1.0 (CLI v1, boto3, JS),
 * awsQuery (Debian CLI v2) and RPC v2 CBOR (Go), and all three decode into the same input
 * document. The model's checks (required members, enums, lengths, the 30-dimension limit)
 * run before the handlers, in query wording (VS_QUERY); the rules below are the ones the
 * model cannot express. Metrics and datapoints live in cw_metrics / cw_datapoints through
 * sim/store/metrics.c, scoped by the tenant's (account, region).
 *
 * PutMetricData, as AWS answers (texts from AWS responses quoted in public issue trackers
 * and in LocalStack tests recorded against AWS):
 *   - Namespace starting with "AWS/" (reserved), or not printable ASCII with at least one
 *     non-space: InvalidParameterValue "The value X for parameter Namespace is invalid.".
 *   - More than 1000 datums: "The collection MetricData must not have a size greater than
 *     1000."; none at all (neither MetricData nor EntityMetricData): MissingParameter.
 *   - Value with Values, or Value with StatisticValues: InvalidParameterCombination "The
 *     parameters P.Value and P.Values are mutually exclusive and you have specified both.".
 *     Values with StatisticValues is accepted by AWS (LocalStack's AWS-validated test says
 *     so); drillsim accepts it too and stores the Values, ignoring the statistic set.
 *     None of them: InvalidParameterCombination "At least one of the parameters P.Value and
 *     P.StatisticValues must be specified.".
 *   - Values/Counts: at most 150 items each ("The collection P.Values must not have a size
 *     greater than 150."), the same length ("The parameters P.Values and P.Counts must be of
 *     the same size."); Counts must be >= 0.
 *   - Every number finite and within +-2^360: "The value V for parameter P is invalid.", V
 *     printed as Java prints a double ("-1.79769E308", "NaN").
 *   - StatisticValues: SampleCount > 0, Maximum >= Minimum.
 *   - Dimensions: names unique ("No metric may specify the same dimension name twice."),
 *     names and values printable ASCII with a non-space, names not starting with ':'.
 *   - StorageResolution 1 or 60 (default 60): "The parameter P.StorageResolution must be a
 *     value in the set [ 1, 60 ].". Unit defaults to None.
 *   - Timestamp (default: now) from two weeks back to two hours ahead of now, else "The
 *     parameter P.Timestamp must specify a time within the past two weeks." (AWS uses that
 *     text; the same text is used for a time too far ahead).
 *   Like AWS, each datum reports its first problem and every datum is checked: the problems
 *   that share the first one's code are joined by newlines into one message. The request is
 *   one transaction (OP_WRITE): either every datum is stored or none.
 *   EntityMetricData is accepted and its MetricData stored like MetricData (the entity itself
 *   is not kept); StrictEntityValidation is ignored.
 *
 * ListMetrics: Namespace, MetricName and Dimensions filters (a metric matches when it has
 * every filter dimension, with the given value if one is given), RecentlyActive=PT3H, and
 * only metrics that received data in the last two weeks. "Received data" is judged by when
 * PutMetricData was called (sim time, c->now_ms), not by the datums' timestamps: AWS
 * documents both limits in terms of data being published/reported. 500 metrics per page in
 * (namespace, name, dimensions) order; NextToken names the last metric of the page, so
 * tokens never repeat and the last page has none. This account is not a monitoring account,
 * so IncludeLinkedAccounts=true only adds OwningAccounts (the caller's account for every
 * metric, a 1:1 list), and OwningAccount (used together with IncludeLinkedAccounts) matches
 * the caller's own account or nothing.
 *
 * To add an operation: add it to sim/services/models/ops.json and regenerate, write a
 * static op_<Name> handler here, add its row to the op table at the end, and cover it in
 * tests/e2e/test_cloudwatch.py (and the CLI/JS tests where a client-specific behaviour
 * matters).
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/params.h"
#include "services/cloudwatch_int.h"
#include "services/service.h"
#include "sim.h"
#include "store/metrics.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define CW_MAX_DATUMS 1000
#define CW_MAX_VALUES 150
#define CW_PAST_MS (14LL * 24 * 3600 * 1000)
#define CW_FUTURE_MS (2LL * 3600 * 1000)
#define CW_RECENT_MS (3LL * 3600 * 1000)
#define CW_LIST_PAGE 500
#define CW_MAX_FILTERS 10
#define CW_MAX_MESSAGE (1u << 20)

/* ---- helpers ------------------------------------------------------------------------------ */

/* Prints v as Java's Double.toString does (AWS echoes values that way): "12.5", "100.0",
 * "1.0E200", "-1.79769E308", "NaN", "Infinity". */
static void java_double(double v, char *out, size_t n)
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
    /* The shortest decimal that reads back as v. */
    char sci[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(sci, sizeof sci, "%.*e", p - 1, v);
        if (strtod(sci, NULL) == v)
            break;
    }
    /* sci is "[-]d[.ddd]e[+-]XX": collect the digits and the exponent. */
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
    struct buf b;
    buf_init(&b, 64);
    if (neg)
        buf_putc(&b, '-');
    if (exp >= -3 && exp < 7) {
        if (exp < 0) {
            buf_puts(&b, "0.");
            for (int i = -1; i > exp; i--)
                buf_putc(&b, '0');
            buf_puts(&b, digits);
        } else {
            for (int i = 0; i <= exp; i++)
                buf_putc(&b, i < nd ? digits[i] : '0');
            buf_putc(&b, '.');
            if (nd > exp + 1)
                buf_puts(&b, digits + exp + 1);
            else
                buf_putc(&b, '0');
        }
    } else {
        buf_putc(&b, digits[0]);
        buf_putc(&b, '.');
        buf_puts(&b, nd > 1 ? digits + 1 : "0");
        buf_printf(&b, "E%d", exp);
    }
    snprintf(out, n, "%s", b.p ? b.p : "");
    buf_free(&b);
}

/* Returns 1 if s is printable ASCII (no control characters) with at least one non-space. */
static int printable_ascii(const char *s)
{
    int visible = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p > 0x7e)
            return 0;
        visible |= *p != ' ';
    }
    return visible;
}

/* Returns 1 if v is a number CloudWatch stores: finite and within +-2^360. */
static int value_ok(double v)
{
    return isfinite(v) && fabs(v) <= ldexp(1.0, 360);
}

/* The first problem found in one datum. */
struct problem {
    const char *code;
    char *message; /* owned */
};

static int problem(struct problem *pb, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the problem; always returns -1 so checks can `return problem(...)`. */
static int problem(struct problem *pb, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pb->code = code;
    pb->message = xvasprintf(fmt, ap);
    va_end(ap);
    return -1;
}

/* Records AWS's "The value V for parameter P is invalid." for path+member; returns -1. */
static int bad_value(struct problem *pb, double v, const char *path, const char *member)
{
    char text[40];
    java_double(v, text, sizeof text);
    return problem(pb, "InvalidParameterValue", "The value %s for parameter %s%s is invalid.",
                   text, path, member);
}

/* ---- PutMetricData ------------------------------------------------------------------------ */

/* One datum, checked and ready to store. */
struct datum {
    const char *name;
    char *dims_key; /* owned */
    int64_t ts_ms;
    int unit;
    int resolution;
    struct metrics_sample *samples; /* owned; NULL for a statistic set */
    int nsamples;
    struct metrics_stats stats;
    int has_stats;
};

/* Frees what d owns (not d itself). */
static void datum_free(struct datum *d)
{
    free(d->dims_key);
    free(d->samples);
}

/* Orders samples by value, for qsort. */
static int sample_cmp(const void *a, const void *b)
{
    double x = ((const struct metrics_sample *)a)->value;
    double y = ((const struct metrics_sample *)b)->value;
    return (x > y) - (x < y);
}

/* Checks and collects the dimensions of datum path into d->dims_key. Returns 0 or -1. */
static int datum_dims(const cJSON *dims, const char *path, struct datum *d, struct problem *pb)
{
    struct metrics_dim list[METRICS_MAX_DIMS];
    int n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, dims)
    {
        if (n == METRICS_MAX_DIMS) /* the model check caps Dimensions at 30 */
            return problem(pb, "InvalidParameterValue",
                           "The collection %s.Dimensions must not have a size greater than %d.",
                           path, METRICS_MAX_DIMS);
        const char *name = param_str(item, "Name");
        const char *value = param_str(item, "Value");
        if (name == NULL || value == NULL) /* required, checked by the model */
            return problem(pb, "MissingParameter", "The parameter %s.Dimensions.member.%d.%s "
                           "is required.", path, n + 1, name ? "Value" : "Name");
        if (!printable_ascii(name) || name[0] == ':')
            return problem(pb, "InvalidParameterValue",
                           "The value %s for parameter %s.Dimensions.member.%d.Name is invalid.",
                           name, path, n + 1);
        if (!printable_ascii(value))
            return problem(pb, "InvalidParameterValue",
                           "The value %s for parameter %s.Dimensions.member.%d.Value is "
                           "invalid.", value, path, n + 1);
        for (int i = 0; i < n; i++) {
            if (strcmp(list[i].name, name) == 0)
                return problem(pb, "InvalidParameterValue",
                               "No metric may specify the same dimension name twice.");
        }
        list[n].name = name;
        list[n].value = value;
        n++;
    }
    metrics_dims_sort(list, n);
    struct buf key;
    buf_init(&key, 1u << 20);
    metrics_dims_key(list, n, &key);
    d->dims_key = buf_steal(&key, NULL);
    if (d->dims_key == NULL)
        d->dims_key = xstrdup("");
    return 0;
}

/* Checks Value / Values+Counts / StatisticValues and fills d's samples (owned by d) or its
 * stats. Returns 0, or -1 with pb set. */
static int datum_values(const cJSON *dt, const char *path, struct datum *d, struct problem *pb)
{
    const cJSON *value = param(dt, "Value");
    const cJSON *values = param(dt, "Values");
    const cJSON *counts = param(dt, "Counts");
    const cJSON *stats = param(dt, "StatisticValues");
    int nvalues = cJSON_IsArray(values) ? cJSON_GetArraySize(values) : 0;
    int ncounts = cJSON_IsArray(counts) ? cJSON_GetArraySize(counts) : 0;
    if (value && nvalues)
        return problem(pb, "InvalidParameterCombination",
                       "The parameters %s.Value and %s.Values are mutually exclusive and you "
                       "have specified both.", path, path);
    if (value && stats)
        return problem(pb, "InvalidParameterCombination",
                       "The parameters %s.Value and %s.StatisticValues are mutually exclusive "
                       "and you have specified both.", path, path);
    if (!value && !nvalues && !stats)
        return problem(pb, "InvalidParameterCombination",
                       "At least one of the parameters %s.Value and %s.StatisticValues must be "
                       "specified.", path, path);
    if (nvalues > CW_MAX_VALUES)
        return problem(pb, "InvalidParameterValue",
                       "The collection %s.Values must not have a size greater than %d.", path,
                       CW_MAX_VALUES);
    if (ncounts > CW_MAX_VALUES)
        return problem(pb, "InvalidParameterValue",
                       "The collection %s.Counts must not have a size greater than %d.", path,
                       CW_MAX_VALUES);
    if (ncounts && ncounts != nvalues)
        return problem(pb, "InvalidParameterValue",
                       "The parameters %s.Values and %s.Counts must be of the same size.", path,
                       path);
    if (value) {
        if (!value_ok(value->valuedouble))
            return bad_value(pb, value->valuedouble, path, ".Value");
        d->samples = xmalloc(sizeof *d->samples);
        d->samples[0].value = value->valuedouble;
        d->samples[0].count = 1;
        d->nsamples = 1;
        return 0;
    }
    if (nvalues) {
        d->samples = xcalloc((size_t)nvalues, sizeof *d->samples);
        const cJSON *v = values->child;
        const cJSON *k = ncounts ? counts->child : NULL;
        for (int i = 0; i < nvalues; i++, v = v->next) {
            char member[64];
            if (!cJSON_IsNumber(v) || !value_ok(v->valuedouble)) {
                snprintf(member, sizeof member, ".Values.member.%d", i + 1);
                return bad_value(pb, cJSON_IsNumber(v) ? v->valuedouble : NAN, path, member);
            }
            double count = 1;
            if (k) {
                if (!cJSON_IsNumber(k) || !value_ok(k->valuedouble) || k->valuedouble < 0) {
                    snprintf(member, sizeof member, ".Counts.member.%d", i + 1);
                    return bad_value(pb, cJSON_IsNumber(k) ? k->valuedouble : NAN, path,
                                     member);
                }
                count = k->valuedouble;
                k = k->next;
            }
            d->samples[i].value = v->valuedouble;
            d->samples[i].count = count;
        }
        /* Equal values merge into one (value, count) row: lossless for every statistic. */
        qsort(d->samples, (size_t)nvalues, sizeof *d->samples, sample_cmp);
        int n = 0;
        for (int i = 0; i < nvalues; i++) {
            if (n && d->samples[n - 1].value == d->samples[i].value)
                d->samples[n - 1].count += d->samples[i].count;
            else
                d->samples[n++] = d->samples[i];
        }
        d->nsamples = n;
        return 0;
    }
    /* A statistic set; the model has checked that all four members are there. */
    static const char *const order[] = {"Maximum", "Minimum", "Sum", "SampleCount"};
    double x[4];
    for (int i = 0; i < 4; i++) {
        x[i] = param_num(stats, order[i], NAN);
        if (!value_ok(x[i])) {
            char member[48];
            snprintf(member, sizeof member, ".StatisticValues.%s", order[i]);
            return bad_value(pb, x[i], path, member);
        }
    }
    if (x[3] <= 0)
        return problem(pb, "InvalidParameterValue",
                       "The parameter %s.StatisticValues.SampleCount must be greater than 0.",
                       path);
    if (x[0] < x[1])
        return problem(pb, "InvalidParameterValue",
                       "The parameter %s.StatisticValues.Maximum must be greater than "
                       "%s.StatisticValues.Minimum.", path, path);
    d->stats.max = x[0];
    d->stats.min = x[1];
    d->stats.sum = x[2];
    d->stats.count = x[3];
    d->has_stats = 1;
    return 0;
}

/* Checks one MetricDatum (its query path is path) into d. Returns 0, or -1 with pb set. */
static int datum_check(struct call *c, const cJSON *dt, const char *path, struct datum *d,
                       struct problem *pb)
{
    d->name = param_str(dt, "MetricName");
    if (d->name == NULL) /* required, checked by the model */
        return problem(pb, "MissingParameter", "The parameter %s.MetricName is required.", path);
    const cJSON *dims = param(dt, "Dimensions");
    if (datum_dims(cJSON_IsArray(dims) ? dims : NULL, path, d, pb))
        return -1;
    if (datum_values(dt, path, d, pb))
        return -1;
    const cJSON *res = param(dt, "StorageResolution");
    d->resolution = 60;
    if (res) {
        if (res->valuedouble != 1 && res->valuedouble != 60)
            return problem(pb, "InvalidParameterValue",
                           "The parameter %s.StorageResolution must be a value in the set "
                           "[ 1, 60 ].", path);
        d->resolution = (int)res->valuedouble;
    }
    const char *unit = param_str(dt, "Unit");
    d->unit = unit ? metrics_unit_find(unit) : METRICS_UNIT_NONE;
    if (d->unit < 0) /* the model's enum check runs first; this is a guard */
        return problem(pb, "InvalidParameterValue", "The parameter %s.Unit must be a value in "
                       "the set of standard units.", path);
    const cJSON *ts = param(dt, "Timestamp");
    d->ts_ms = c->now_ms;
    if (ts) {
        double ms = ts->valuedouble * 1000.0;
        if (!isfinite(ms) || ms < (double)(c->now_ms - CW_PAST_MS) ||
            ms > (double)(c->now_ms + CW_FUTURE_MS))
            return problem(pb, "InvalidParameterValue",
                           "The parameter %s.Timestamp must specify a time within the past two "
                           "weeks.", path);
        d->ts_ms = llround(ms);
    }
    return 0;
}

/* Collects the datums' problems: the first decides the code, later ones with the same code
 * are added on new lines (as AWS reports several bad datums). */
struct report {
    const char *code;
    struct buf msg;
};

/* Adds pb to the report and frees its message. */
static void report_add(struct report *r, struct problem *pb)
{
    if (r->code == NULL) {
        r->code = pb->code;
        buf_puts(&r->msg, pb->message);
    } else if (strcmp(r->code, pb->code) == 0) {
        buf_putc(&r->msg, '\n');
        buf_puts(&r->msg, pb->message);
    }
    free(pb->message);
    pb->message = NULL;
}

/* Checks the datums of a MetricData list (query path prefix.member.N) into ds[*n], ...,
 * advancing *n (at most to max); their problems go to r. */
static void check_list(struct call *c, const cJSON *list, const char *prefix, struct datum *ds,
                       int *n, int max, struct report *r)
{
    int i = 0;
    const cJSON *dt;
    cJSON_ArrayForEach(dt, list)
    {
        if (*n == max)
            return;
        char path[128];
        snprintf(path, sizeof path, "%s.member.%d", prefix, ++i);
        struct problem pb = {NULL, NULL};
        if (datum_check(c, dt, path, &ds[(*n)++], &pb))
            report_add(r, &pb);
    }
}

/* The number of items of a list member, 0 if absent. */
static int list_size(const cJSON *v)
{
    return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
}

/* PutMetricData: checks every datum, then stores them all (see the file header). No output. */
static int op_PutMetricData(struct call *c)
{
    const char *ns = param_str(c->in, "Namespace");
    if (ns == NULL) /* required, checked by the model */
        return call_error(c, "MissingParameter", "The parameter Namespace is required.");
    if (strncmp(ns, "AWS/", 4) == 0 || !printable_ascii(ns))
        return call_error(c, "InvalidParameterValue",
                          "The value %s for parameter Namespace is invalid.", ns);
    const cJSON *md = param(c->in, "MetricData");
    const cJSON *emd = param(c->in, "EntityMetricData");
    if (!cJSON_IsArray(emd))
        emd = NULL;
    int total = list_size(md);
    if (total > CW_MAX_DATUMS)
        return call_error(c, "InvalidParameterValue",
                          "The collection MetricData must not have a size greater than %d.",
                          CW_MAX_DATUMS);
    const cJSON *e;
    cJSON_ArrayForEach(e, emd)
    {
        total += list_size(param(e, "MetricData"));
        if (total > CW_MAX_DATUMS)
            return call_error(c, "InvalidParameterValue",
                              "The collection MetricData must not have a size greater than %d.",
                              CW_MAX_DATUMS);
    }
    if (total == 0)
        return call_error(c, "MissingParameter", "The parameter MetricData is required.");

    int rc = SIM_ERROR;
    struct datum *ds = xcalloc((size_t)total, sizeof *ds);
    int n = 0;
    struct report r = {NULL, {0}};
    buf_init(&r.msg, CW_MAX_MESSAGE);
    check_list(c, md, "MetricData", ds, &n, total, &r);
    int ei = 0;
    cJSON_ArrayForEach(e, emd)
    {
        char prefix[96];
        snprintf(prefix, sizeof prefix, "EntityMetricData.member.%d.MetricData", ++ei);
        check_list(c, param(e, "MetricData"), prefix, ds, &n, total, &r);
    }
    if (r.code) {
        call_error(c, r.code, "%s", r.msg.p);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        struct metrics_datum md_row = {
            .namespace = ns,
            .name = ds[i].name,
            .dims_key = ds[i].dims_key,
            .ts_ms = ds[i].ts_ms,
            .unit = ds[i].unit,
            .resolution = ds[i].resolution,
            .samples = ds[i].samples,
            .nsamples = ds[i].nsamples,
            .stats = ds[i].has_stats && ds[i].samples == NULL ? &ds[i].stats : NULL,
        };
        if (metrics_put(c->sim->store, c->tenant.account, c->tenant.region, &md_row,
                        c->now_ms)) {
            call_error(c, "InternalServiceError", "The metric data could not be stored.");
            goto out;
        }
    }
    rc = SIM_OK;
out:
    for (int i = 0; i < n; i++)
        datum_free(&ds[i]);
    free(ds);
    buf_free(&r.msg);
    return rc;
}

/* ---- ListMetrics -------------------------------------------------------------------------- */

struct list_ctx {
    cJSON *metrics;
    cJSON *owning; /* NULL unless IncludeLinkedAccounts */
    const char *account;
    int64_t last_id;
};

/* Adds one listed metric to the output (metrics_list callback). */
static void list_one(void *arg, const struct metrics_listed *m)
{
    struct list_ctx *x = arg;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Namespace", m->namespace);
    cJSON_AddStringToObject(o, "MetricName", m->name);
    cJSON *dims = cJSON_AddArrayToObject(o, "Dimensions");
    for (int i = 0; i < m->ndims; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "Name", m->dims[i].name);
        cJSON_AddStringToObject(d, "Value", m->dims[i].value);
        cJSON_AddItemToArray(dims, d);
    }
    cJSON_AddItemToArray(x->metrics, o);
    if (x->owning)
        cJSON_AddItemToArray(x->owning, cJSON_CreateString(x->account));
    x->last_id = m->id;
}

/* Parses a NextToken (16 hex digits naming a metric id). Returns the id, or 0 if invalid. */
static int64_t token_parse(const char *t)
{
    if (strlen(t) != 16)
        return 0;
    uint64_t id = 0;
    for (int i = 0; i < 16; i++) {
        char ch = t[i];
        int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
        if (v < 0)
            return 0;
        id = id << 4 | (uint64_t)v;
    }
    return id > INT64_MAX ? 0 : (int64_t)id;
}

/* ListMetrics: one page of the tenant's metrics that match the filters. */
static int op_ListMetrics(struct call *c)
{
    struct metrics_dim filters[CW_MAX_FILTERS];
    struct metrics_filter f = {
        .namespace = param_str(c->in, "Namespace"),
        .name = param_str(c->in, "MetricName"),
        .dims = filters,
        .active_since_ms = c->now_ms - CW_PAST_MS,
    };
    const cJSON *item;
    const cJSON *dims = param(c->in, "Dimensions");
    if (!cJSON_IsArray(dims))
        dims = NULL;
    cJSON_ArrayForEach(item, dims)
    {
        if (f.ndims == CW_MAX_FILTERS) /* the model check caps the filters at 10 */
            return call_error(c, "InvalidParameterValue", "The collection Dimensions must not "
                              "have a size greater than %d.", CW_MAX_FILTERS);
        filters[f.ndims].name = param_str(item, "Name");
        filters[f.ndims].value = param_str(item, "Value");
        if (filters[f.ndims].name == NULL)
            return call_error(c, "MissingParameter",
                              "The parameter Dimensions.member.%d.Name is required.", f.ndims + 1);
        f.ndims++;
    }
    const char *recent = param_str(c->in, "RecentlyActive");
    if (recent && strcmp(recent, "PT3H") == 0)
        f.active_since_ms = c->now_ms - CW_RECENT_MS;
    int64_t after = 0;
    const char *token = param_str(c->in, "NextToken");
    if (token) {
        after = token_parse(token);
        if (after == 0)
            return call_error(c, "InvalidParameterValue",
                              "The value %s for parameter NextToken is invalid.", token);
    }
    int linked = param_bool(c->in, "IncludeLinkedAccounts", 0);
    const char *owner = param_str(c->in, "OwningAccount");

    struct list_ctx x = {.account = c->tenant.account};
    c->out = cJSON_CreateObject();
    x.metrics = cJSON_AddArrayToObject(c->out, "Metrics");
    if (linked)
        x.owning = cJSON_CreateArray();
    int more = 0;
    if (!(linked && owner && strcmp(owner, c->tenant.account) != 0)) {
        int rc = metrics_list(c->sim->store, c->tenant.account, c->tenant.region, &f, after,
                              CW_LIST_PAGE, list_one, &x, &more);
        if (rc == -2) {
            cJSON_Delete(x.owning);
            return call_error(c, "InvalidParameterValue",
                              "The value %s for parameter NextToken is invalid.", token);
        }
        if (rc) {
            cJSON_Delete(x.owning);
            return call_error(c, "InternalServiceError", "The metrics could not be listed.");
        }
    }
    if (more) {
        char next[17];
        snprintf(next, sizeof next, "%016" PRIx64, (uint64_t)x.last_id);
        cJSON_AddStringToObject(c->out, "NextToken", next);
    }
    if (x.owning)
        cJSON_AddItemToObject(c->out, "OwningAccounts", x.owning);
    return SIM_OK;
}

static const struct sim_op cloudwatch_ops[] = {
    {"ListMetrics", op_ListMetrics, OP_READ},
    {"PutMetricData", op_PutMetricData, OP_WRITE},
    /* cloudwatch_stats.c */
    {"GetMetricStatistics", cw_op_GetMetricStatistics, OP_READ},
    {"GetMetricData", cw_op_GetMetricData, OP_READ},
    /* cloudwatch_alarms.c */
    {"PutMetricAlarm", cw_op_PutMetricAlarm, OP_WRITE},
    {"PutCompositeAlarm", cw_op_PutCompositeAlarm, OP_WRITE},
    {"DescribeAlarms", cw_op_DescribeAlarms, OP_READ},
    {"DescribeAlarmsForMetric", cw_op_DescribeAlarmsForMetric, OP_READ},
    {"DeleteAlarms", cw_op_DeleteAlarms, OP_WRITE},
    {"SetAlarmState", cw_op_SetAlarmState, OP_WRITE},
    {"EnableAlarmActions", cw_op_EnableAlarmActions, OP_WRITE},
    {"DisableAlarmActions", cw_op_DisableAlarmActions, OP_WRITE},
    {"DescribeAlarmHistory", cw_op_DescribeAlarmHistory, OP_READ},
    {"TagResource", cw_op_TagResource, OP_WRITE},
    {"UntagResource", cw_op_UntagResource, OP_WRITE},
    {"ListTagsForResource", cw_op_ListTagsForResource, OP_READ},
    /* cloudwatch_dashboards.c */
    {"PutDashboard", cw_op_PutDashboard, OP_WRITE},
    {"GetDashboard", cw_op_GetDashboard, OP_READ},
    {"ListDashboards", cw_op_ListDashboards, OP_READ},
    {"DeleteDashboards", cw_op_DeleteDashboards, OP_WRITE},
    {NULL, NULL, 0},
};

struct sim_service service_cloudwatch = {
    .name = "cloudwatch",
    .ops = cloudwatch_ops,
    .vstyle = VS_QUERY,
};
