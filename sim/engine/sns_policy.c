/*
 * sns_policy.c - the pure parts of SNS (see sns_int.h): delivery policies and the retry
 * schedule they give, the string to sign of a message, and filter policies.
 *
 * Nothing here touches the store, the clock or the network, so all of it is unit-tested in
 * tests/unit/engine/sns.c. Error texts are AWS's where AWS's are known (quoted in public
 * issue trackers: "http.defaultHealthyRetryPolicy.numRetries must be less than or equal to
 * 100", "Unexpected JSON member: throttlePolicy", "failed to parse JSON"); the others follow
 * the same pattern. To add a filter-policy operator: a case in check_condition() and in
 * match_condition().
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/sns_int.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* ---- retry policies ----------------------------------------------------------------------- */

static const char *const backoff_names[] = {"linear", "arithmetic", "geometric", "exponential"};

void sns_retry_default(struct sns_retry_policy *p)
{
    p->min_delay_s = 20;
    p->max_delay_s = 20;
    p->num_retries = 3;
    p->num_no_delay = 0;
    p->num_min_delay = 0;
    p->num_max_delay = 0;
    p->backoff = SNS_BACKOFF_LINEAR;
}

/* Returns 1 and sets *out if v is a JSON number holding an integer that fits an int. */
static int int_value(const cJSON *v, int *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        fabs(v->valuedouble) > 1e9)
        return 0;
    *out = (int)v->valuedouble;
    return 1;
}

int sns_retry_parse(const cJSON *obj, const char *path, struct sns_retry_policy *p, char *err,
                    size_t errlen)
{
    static const struct {
        const char *name;
        size_t off;
    } fields[] = {
        {"minDelayTarget", offsetof(struct sns_retry_policy, min_delay_s)},
        {"maxDelayTarget", offsetof(struct sns_retry_policy, max_delay_s)},
        {"numRetries", offsetof(struct sns_retry_policy, num_retries)},
        {"numNoDelayRetries", offsetof(struct sns_retry_policy, num_no_delay)},
        {"numMinDelayRetries", offsetof(struct sns_retry_policy, num_min_delay)},
        {"numMaxDelayRetries", offsetof(struct sns_retry_policy, num_max_delay)},
    };
    if (!cJSON_IsObject(obj)) {
        snprintf(err, errlen, "%s must be a JSON object", path);
        return -1;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        size_t i;
        for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            if (strcmp(m->string, fields[i].name) == 0)
                break;
        }
        if (i < sizeof fields / sizeof fields[0]) {
            if (cJSON_IsNull(m))
                continue;
            if (!int_value(m, (int *)((char *)p + fields[i].off))) {
                snprintf(err, errlen, "%s.%s must be an integer", path, m->string);
                return -1;
            }
            continue;
        }
        if (strcmp(m->string, "backoffFunction") == 0) {
            if (cJSON_IsNull(m))
                continue;
            int found = 0;
            for (int b = 0; b < 4 && cJSON_IsString(m) && !found; b++) {
                if (strcasecmp(m->valuestring, backoff_names[b]) == 0) {
                    p->backoff = (enum sns_backoff)b;
                    found = 1;
                }
            }
            if (!found) {
                snprintf(err, errlen, "%s.backoffFunction must be one of linear, arithmetic, "
                                      "geometric, exponential", path);
                return -1;
            }
            continue;
        }
        snprintf(err, errlen, "Unexpected JSON member: %s", m->string);
        return -1;
    }
    const char *bad = NULL;
    const char *rule = NULL;
    char num[32] = "";
    if (p->num_retries > SNS_MAX_RETRIES) {
        bad = "numRetries";
        rule = "must be less than or equal to";
        snprintf(num, sizeof num, "%d", SNS_MAX_RETRIES);
    } else if (p->num_retries < 0 || p->num_no_delay < 0 || p->num_min_delay < 0 ||
               p->num_max_delay < 0) {
        bad = p->num_retries < 0      ? "numRetries"
              : p->num_no_delay < 0   ? "numNoDelayRetries"
              : p->num_min_delay < 0  ? "numMinDelayRetries"
                                      : "numMaxDelayRetries";
        rule = "must be greater than or equal to";
        snprintf(num, sizeof num, "0");
    } else if (p->min_delay_s < 1) {
        bad = "minDelayTarget";
        rule = "must be greater than or equal to";
        snprintf(num, sizeof num, "1");
    } else if (p->max_delay_s > SNS_MAX_DELAY_S) {
        bad = "maxDelayTarget";
        rule = "must be less than or equal to";
        snprintf(num, sizeof num, "%d", SNS_MAX_DELAY_S);
    } else if (p->min_delay_s > p->max_delay_s) {
        bad = "minDelayTarget";
        rule = "must be less than or equal to";
        snprintf(num, sizeof num, "maxDelayTarget");
    } else if ((long)p->num_no_delay + p->num_min_delay + p->num_max_delay > p->num_retries) {
        snprintf(err, errlen, "%s.numRetries must be greater than or equal to the sum of "
                              "numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries",
                 path);
        return -1;
    }
    if (bad) {
        snprintf(err, errlen, "%s.%s %s %s", path, bad, rule, num);
        return -1;
    }
    long total = 0;
    for (int r = 1; r <= p->num_retries; r++)
        total += sns_retry_delay_s(p, r);
    if (total > SNS_MAX_TOTAL_RETRY_S) {
        snprintf(err, errlen, "%s total retry time (%ld seconds) must be less than or equal "
                              "to %d seconds", path, total, SNS_MAX_TOTAL_RETRY_S);
        return -1;
    }
    return 0;
}

cJSON *sns_retry_json(const struct sns_retry_policy *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "minDelayTarget", p->min_delay_s);
    cJSON_AddNumberToObject(o, "maxDelayTarget", p->max_delay_s);
    cJSON_AddNumberToObject(o, "numRetries", p->num_retries);
    cJSON_AddNumberToObject(o, "numMaxDelayRetries", p->num_max_delay);
    cJSON_AddNumberToObject(o, "numNoDelayRetries", p->num_no_delay);
    cJSON_AddNumberToObject(o, "numMinDelayRetries", p->num_min_delay);
    cJSON_AddStringToObject(o, "backoffFunction", backoff_names[p->backoff]);
    return o;
}

void sns_retry_from_json(const char *text, struct sns_retry_policy *p)
{
    sns_retry_default(p);
    cJSON *o = text ? cJSON_Parse(text) : NULL;
    char err[256];
    struct sns_retry_policy q = *p;
    if (cJSON_IsObject(o) && sns_retry_parse(o, "policy", &q, err, sizeof err) == 0)
        *p = q;
    cJSON_Delete(o);
}

int sns_retry_delay_s(const struct sns_retry_policy *p, int retry)
{
    if (retry < 1 || retry > p->num_retries)
        return -1;
    if (retry <= p->num_no_delay)
        return 0;
    if (retry <= p->num_no_delay + p->num_min_delay)
        return p->min_delay_s;
    int n = p->num_retries - p->num_no_delay - p->num_min_delay - p->num_max_delay;
    int k = retry - p->num_no_delay - p->num_min_delay;
    if (k > n)
        return p->max_delay_s;
    double lo = p->min_delay_s, hi = p->max_delay_s;
    double t = n > 1 ? (double)(k - 1) / (double)(n - 1) : 0.0;
    double d;
    switch (p->backoff) {
    case SNS_BACKOFF_ARITHMETIC:
        d = lo + (hi - lo) * t * t;
        break;
    case SNS_BACKOFF_GEOMETRIC:
        d = lo * pow(hi / lo, t);
        break;
    case SNS_BACKOFF_EXPONENTIAL:
        d = lo + (hi - lo) * (pow(2.0, n * t) - 1.0) / (pow(2.0, n) - 1.0);
        break;
    default:
        d = lo + (hi - lo) * t;
        break;
    }
    long r = lround(d);
    if (r < p->min_delay_s)
        r = p->min_delay_s;
    if (r > p->max_delay_s)
        r = p->max_delay_s;
    return (int)r;
}

/* ---- delivery policies -------------------------------------------------------------------- */

/* Checks an object whose members must all be in names (NULL-terminated). Returns 0, or -1
 * with err set. */
static int only_members(const cJSON *obj, const char *const *names, char *err, size_t errlen)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, obj)
    {
        int ok = 0;
        for (int i = 0; names[i] && !ok; i++)
            ok = strcmp(names[i], m->string) == 0;
        if (!ok) {
            snprintf(err, errlen, "Unexpected JSON member: %s", m->string);
            return -1;
        }
    }
    return 0;
}

static int check_throttle(const cJSON *v, const char *path, char *err, size_t errlen)
{
    static const char *const names[] = {"maxReceivesPerSecond", NULL};
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsObject(v)) {
        snprintf(err, errlen, "%s must be a JSON object", path);
        return -1;
    }
    if (only_members(v, names, err, errlen) != 0)
        return -1;
    const cJSON *mr = cJSON_GetObjectItemCaseSensitive(v, "maxReceivesPerSecond");
    int n;
    if (mr && !cJSON_IsNull(mr) && (!int_value(mr, &n) || n < 1)) {
        snprintf(err, errlen, "%s.maxReceivesPerSecond must be greater than or equal to 1", path);
        return -1;
    }
    return 0;
}

static int check_request(const cJSON *v, const char *path, char *err, size_t errlen)
{
    static const char *const names[] = {"headerContentType", NULL};
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsObject(v)) {
        snprintf(err, errlen, "%s must be a JSON object", path);
        return -1;
    }
    if (only_members(v, names, err, errlen) != 0)
        return -1;
    const cJSON *ct = cJSON_GetObjectItemCaseSensitive(v, "headerContentType");
    if (ct && !cJSON_IsNull(ct) && (!cJSON_IsString(ct) || ct->valuestring[0] == '\0' ||
                                    strlen(ct->valuestring) > 256)) {
        snprintf(err, errlen, "%s.headerContentType is not a valid content type", path);
        return -1;
    }
    return 0;
}

static int check_retry(const cJSON *v, const char *path, char *err, size_t errlen)
{
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    struct sns_retry_policy p;
    sns_retry_default(&p);
    return sns_retry_parse(v, path, &p, err, errlen);
}

int sns_delivery_policy_check(const char *text, int topic, char *err, size_t errlen)
{
    static const char *const topic_names[] = {"http", NULL};
    static const char *const http_names[] = {
        "defaultHealthyRetryPolicy", "defaultSicklyRetryPolicy", "defaultThrottlePolicy",
        "defaultRequestPolicy", "disableSubscriptionOverrides", NULL};
    static const char *const sub_names[] = {"healthyRetryPolicy", "sicklyRetryPolicy",
                                            "throttlePolicy", "requestPolicy", "guaranteed",
                                            NULL};
    cJSON *doc = cJSON_Parse(text);
    int rc = -1;
    if (doc == NULL) {
        snprintf(err, errlen, "failed to parse JSON.");
        return -1;
    }
    if (!cJSON_IsObject(doc)) {
        snprintf(err, errlen, "Delivery policy must be a JSON object");
        goto out;
    }
    if (topic) {
        if (only_members(doc, topic_names, err, errlen) != 0)
            goto out;
        const cJSON *http = cJSON_GetObjectItemCaseSensitive(doc, "http");
        if (http == NULL || cJSON_IsNull(http)) {
            rc = 0;
            goto out;
        }
        if (!cJSON_IsObject(http)) {
            snprintf(err, errlen, "http must be a JSON object");
            goto out;
        }
        if (only_members(http, http_names, err, errlen) != 0)
            goto out;
        const cJSON *dso = cJSON_GetObjectItemCaseSensitive(http, "disableSubscriptionOverrides");
        if (dso && !cJSON_IsNull(dso) && !cJSON_IsBool(dso)) {
            snprintf(err, errlen, "http.disableSubscriptionOverrides must be true or false");
            goto out;
        }
        if (check_retry(cJSON_GetObjectItemCaseSensitive(http, "defaultHealthyRetryPolicy"),
                        "http.defaultHealthyRetryPolicy", err, errlen) != 0 ||
            check_throttle(cJSON_GetObjectItemCaseSensitive(http, "defaultThrottlePolicy"),
                           "http.defaultThrottlePolicy", err, errlen) != 0 ||
            check_request(cJSON_GetObjectItemCaseSensitive(http, "defaultRequestPolicy"),
                          "http.defaultRequestPolicy", err, errlen) != 0)
            goto out;
    } else {
        if (only_members(doc, sub_names, err, errlen) != 0)
            goto out;
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(doc, "guaranteed");
        if (g && !cJSON_IsNull(g) && !cJSON_IsBool(g)) {
            snprintf(err, errlen, "guaranteed must be true or false");
            goto out;
        }
        if (check_retry(cJSON_GetObjectItemCaseSensitive(doc, "healthyRetryPolicy"),
                        "healthyRetryPolicy", err, errlen) != 0 ||
            check_throttle(cJSON_GetObjectItemCaseSensitive(doc, "throttlePolicy"),
                           "throttlePolicy", err, errlen) != 0 ||
            check_request(cJSON_GetObjectItemCaseSensitive(doc, "requestPolicy"),
                          "requestPolicy", err, errlen) != 0)
            goto out;
    }
    rc = 0;
out:
    cJSON_Delete(doc);
    return rc;
}

/* The member of obj, or NULL when absent or null. */
static const cJSON *member(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
    return cJSON_IsNull(v) ? NULL : v;
}

/* A full retry policy: the defaults overlaid by obj (NULL = the defaults). */
static void retry_over_default(const cJSON *obj, struct sns_retry_policy *p)
{
    sns_retry_default(p);
    if (obj) {
        char err[256];
        struct sns_retry_policy q = *p;
        if (sns_retry_parse(obj, "policy", &q, err, sizeof err) == 0)
            *p = q;
    }
}

/* Prints and frees doc; returns the text (caller frees with free()). */
static char *print_and_free(cJSON *doc)
{
    char *s = cJSON_PrintUnformatted(doc);
    char *out = xstrdup(s ? s : "{}");
    cJSON_free(s);
    cJSON_Delete(doc);
    return out;
}

char *sns_topic_effective_policy(const char *topic_policy)
{
    cJSON *doc = topic_policy ? cJSON_Parse(topic_policy) : NULL;
    const cJSON *http = member(doc, "http");
    struct sns_retry_policy p;
    retry_over_default(member(http, "defaultHealthyRetryPolicy"), &p);
    cJSON *out = cJSON_CreateObject();
    cJSON *h = cJSON_AddObjectToObject(out, "http");
    cJSON_AddItemToObject(h, "defaultHealthyRetryPolicy", sns_retry_json(&p));
    const cJSON *dso = member(http, "disableSubscriptionOverrides");
    cJSON_AddBoolToObject(h, "disableSubscriptionOverrides", cJSON_IsTrue(dso));
    const cJSON *thr = member(http, "defaultThrottlePolicy");
    if (thr)
        cJSON_AddItemToObject(h, "defaultThrottlePolicy", cJSON_Duplicate(thr, 1));
    const cJSON *req = member(http, "defaultRequestPolicy");
    const cJSON *ct = member(req, "headerContentType");
    cJSON *rp = cJSON_AddObjectToObject(h, "defaultRequestPolicy");
    cJSON_AddStringToObject(rp, "headerContentType",
                            cJSON_IsString(ct) ? ct->valuestring : SNS_DEFAULT_CONTENT_TYPE);
    cJSON_Delete(doc);
    return print_and_free(out);
}

char *sns_sub_policy_normalized(const char *sub_policy)
{
    cJSON *doc = sub_policy ? cJSON_Parse(sub_policy) : NULL;
    cJSON *out = cJSON_CreateObject();
    const cJSON *hr = member(doc, "healthyRetryPolicy");
    if (hr) {
        struct sns_retry_policy p;
        retry_over_default(hr, &p);
        cJSON_AddItemToObject(out, "healthyRetryPolicy", sns_retry_json(&p));
    } else {
        cJSON_AddNullToObject(out, "healthyRetryPolicy");
    }
    cJSON_AddNullToObject(out, "sicklyRetryPolicy");
    const cJSON *thr = member(doc, "throttlePolicy");
    if (thr)
        cJSON_AddItemToObject(out, "throttlePolicy", cJSON_Duplicate(thr, 1));
    else
        cJSON_AddNullToObject(out, "throttlePolicy");
    const cJSON *req = member(doc, "requestPolicy");
    if (req)
        cJSON_AddItemToObject(out, "requestPolicy", cJSON_Duplicate(req, 1));
    else
        cJSON_AddNullToObject(out, "requestPolicy");
    cJSON_AddBoolToObject(out, "guaranteed", cJSON_IsTrue(member(doc, "guaranteed")));
    cJSON_Delete(doc);
    return print_and_free(out);
}

/* Builds the effective subscription policy as a cJSON object (caller deletes). */
static cJSON *sub_effective(const char *sub_policy, const char *topic_policy)
{
    cJSON *sub = sub_policy ? cJSON_Parse(sub_policy) : NULL;
    cJSON *topic = topic_policy ? cJSON_Parse(topic_policy) : NULL;
    const cJSON *http = member(topic, "http");
    int overrides = !cJSON_IsTrue(member(http, "disableSubscriptionOverrides"));
    struct sns_retry_policy p;
    const cJSON *hr = overrides ? member(sub, "healthyRetryPolicy") : NULL;
    retry_over_default(hr ? hr : member(http, "defaultHealthyRetryPolicy"), &p);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "healthyRetryPolicy", sns_retry_json(&p));
    cJSON_AddNullToObject(out, "sicklyRetryPolicy");
    const cJSON *thr = overrides ? member(sub, "throttlePolicy") : NULL;
    if (thr == NULL)
        thr = member(http, "defaultThrottlePolicy");
    if (thr)
        cJSON_AddItemToObject(out, "throttlePolicy", cJSON_Duplicate(thr, 1));
    else
        cJSON_AddNullToObject(out, "throttlePolicy");
    const cJSON *ct = member(member(sub, "requestPolicy"), "headerContentType");
    if (!cJSON_IsString(ct))
        ct = member(member(http, "defaultRequestPolicy"), "headerContentType");
    cJSON *rp = cJSON_AddObjectToObject(out, "requestPolicy");
    cJSON_AddStringToObject(rp, "headerContentType",
                            cJSON_IsString(ct) ? ct->valuestring : SNS_DEFAULT_CONTENT_TYPE);
    cJSON_AddBoolToObject(out, "guaranteed", cJSON_IsTrue(member(sub, "guaranteed")));
    cJSON_Delete(sub);
    cJSON_Delete(topic);
    return out;
}

char *sns_sub_effective_policy(const char *sub_policy, const char *topic_policy)
{
    return print_and_free(sub_effective(sub_policy, topic_policy));
}

void sns_delivery_settings(const char *sub_policy, const char *topic_policy,
                           struct sns_retry_policy *retry, char *content_type, size_t n)
{
    cJSON *eff = sub_effective(sub_policy, topic_policy);
    retry_over_default(member(eff, "healthyRetryPolicy"), retry);
    const cJSON *ct = member(member(eff, "requestPolicy"), "headerContentType");
    snprintf(content_type, n, "%s", cJSON_IsString(ct) ? ct->valuestring
                                                       : SNS_DEFAULT_CONTENT_TYPE);
    cJSON_Delete(eff);
}

void sns_sequence_number(int64_t seq, char out[32])
{
    snprintf(out, 32, "1%019lld", (long long)(seq % 1000000000000000000LL));
}

/* ---- the string to sign ------------------------------------------------------------------- */

char *sns_string_to_sign(const cJSON *msg)
{
    static const char *const notification[] = {"Message", "MessageId", "Subject", "Timestamp",
                                               "TopicArn", "Type", NULL};
    static const char *const confirmation[] = {"Message", "MessageId", "SubscribeURL",
                                               "Timestamp", "Token", "TopicArn", "Type", NULL};
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(msg, "Type");
    if (!cJSON_IsString(type))
        return NULL;
    const char *const *names = strcmp(type->valuestring, "Notification") == 0 ? notification
                                                                                : confirmation;
    struct buf b;
    buf_init(&b, 4u << 20);
    for (int i = 0; names[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg, names[i]);
        if (v == NULL && strcmp(names[i], "Subject") == 0)
            continue; /* only when present */
        if (!cJSON_IsString(v)) {
            buf_free(&b);
            return NULL;
        }
        buf_printf(&b, "%s\n", names[i]);
        buf_puts(&b, v->valuestring);
        buf_putc(&b, '\n');
    }
    if (b.overflow) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b, NULL);
}

/* ---- filter policies ---------------------------------------------------------------------- */

#define FILTER_MAX_KEYS 5
#define FILTER_MAX_DEPTH 8

static int numeric_op(const char *op)
{
    static const char *const ops[] = {"=", ">", ">=", "<", "<=", NULL};
    for (int i = 0; ops[i]; i++) {
        if (strcmp(op, ops[i]) == 0)
            return i;
    }
    return -1;
}

static int check_condition(const cJSON *c, char *err, size_t errlen)
{
    if (cJSON_IsString(c) || cJSON_IsNumber(c) || cJSON_IsNull(c) || cJSON_IsBool(c))
        return 0;
    if (!cJSON_IsObject(c) || cJSON_GetArraySize(c) != 1) {
        snprintf(err, errlen, "Match value must be String, number, true, false, or null");
        return -1;
    }
    const cJSON *op = c->child;
    const char *k = op->string;
    if (strcmp(k, "prefix") == 0 || strcmp(k, "suffix") == 0 ||
        strcmp(k, "equals-ignore-case") == 0) {
        if (!cJSON_IsString(op)) {
            snprintf(err, errlen, "%s match pattern must be a string", k);
            return -1;
        }
        return 0;
    }
    if (strcmp(k, "exists") == 0) {
        if (!cJSON_IsBool(op)) {
            snprintf(err, errlen, "exists match pattern must be either true or false.");
            return -1;
        }
        return 0;
    }
    if (strcmp(k, "anything-but") == 0) {
        if (cJSON_IsString(op) || cJSON_IsNumber(op))
            return 0;
        if (cJSON_IsArray(op)) {
            const cJSON *v;
            cJSON_ArrayForEach(v, op)
            {
                if (!cJSON_IsString(v) && !cJSON_IsNumber(v)) {
                    snprintf(err, errlen, "anything-but list must contain strings or numbers");
                    return -1;
                }
            }
            return 0;
        }
        const cJSON *pre = cJSON_GetObjectItemCaseSensitive(op, "prefix");
        if (cJSON_IsObject(op) && cJSON_GetArraySize(op) == 1 && cJSON_IsString(pre))
            return 0;
        snprintf(err, errlen, "Invalid anything-but match pattern");
        return -1;
    }
    if (strcmp(k, "numeric") == 0) {
        int n = cJSON_GetArraySize(op);
        if (!cJSON_IsArray(op) || (n != 2 && n != 4)) {
            snprintf(err, errlen, "Value of numeric must be an array.");
            return -1;
        }
        for (int i = 0; i < n; i += 2) {
            const cJSON *o = cJSON_GetArrayItem(op, i);
            const cJSON *v = cJSON_GetArrayItem(op, i + 1);
            if (!cJSON_IsString(o) || numeric_op(o->valuestring) < 0) {
                snprintf(err, errlen, "Unrecognized numeric range operator: %s",
                         cJSON_IsString(o) ? o->valuestring : "(not a string)");
                return -1;
            }
            if (!cJSON_IsNumber(v)) {
                snprintf(err, errlen, "Value of %s must be numeric", o->valuestring);
                return -1;
            }
        }
        return 0;
    }
    snprintf(err, errlen, "Unrecognized match type %s", k);
    return -1;
}

static int check_keys(const cJSON *obj, int depth, int *keys, char *err, size_t errlen)
{
    if (depth > FILTER_MAX_DEPTH) {
        snprintf(err, errlen, "Filter policy is too deeply nested");
        return -1;
    }
    const cJSON *k;
    cJSON_ArrayForEach(k, obj)
    {
        if (cJSON_IsObject(k)) {
            if (check_keys(k, depth + 1, keys, err, errlen) != 0)
                return -1;
            continue;
        }
        if (++*keys > FILTER_MAX_KEYS) {
            snprintf(err, errlen, "Filter policy can not have more than %d keys",
                     FILTER_MAX_KEYS);
            return -1;
        }
        if (!cJSON_IsArray(k)) {
            snprintf(err, errlen, "\"%s\" must be an object or an array", k->string);
            return -1;
        }
        const cJSON *c;
        cJSON_ArrayForEach(c, k)
        {
            if (check_condition(c, err, errlen) != 0)
                return -1;
        }
    }
    return 0;
}

int sns_filter_check(const char *policy, char *err, size_t errlen)
{
    cJSON *doc = cJSON_Parse(policy);
    if (doc == NULL) {
        snprintf(err, errlen, "failed to parse JSON.");
        return -1;
    }
    int keys = 0;
    int rc;
    if (!cJSON_IsObject(doc)) {
        snprintf(err, errlen, "Filter policy must be a JSON object");
        rc = -1;
    } else {
        rc = check_keys(doc, 0, &keys, err, errlen);
    }
    cJSON_Delete(doc);
    return rc;
}

/* A value being matched: a string, a number, or both (a Number attribute has both). */
struct fvalue {
    const char *s;
    int has_num;
    double num;
};

static int match_condition(const cJSON *c, const struct fvalue *v)
{
    if (cJSON_IsString(c))
        return v->s && strcmp(c->valuestring, v->s) == 0;
    if (cJSON_IsNumber(c))
        return v->has_num && v->num == c->valuedouble;
    if (!cJSON_IsObject(c) || c->child == NULL)
        return 0;
    const cJSON *op = c->child;
    const char *k = op->string;
    if (strcmp(k, "prefix") == 0)
        return v->s && strncmp(v->s, op->valuestring, strlen(op->valuestring)) == 0;
    if (strcmp(k, "suffix") == 0) {
        size_t n = v->s ? strlen(v->s) : 0, m = strlen(op->valuestring);
        return v->s && n >= m && strcmp(v->s + n - m, op->valuestring) == 0;
    }
    if (strcmp(k, "equals-ignore-case") == 0)
        return v->s && strcasecmp(v->s, op->valuestring) == 0;
    if (strcmp(k, "anything-but") == 0) {
        if (cJSON_IsString(op) || cJSON_IsNumber(op))
            return !match_condition(op, v);
        if (cJSON_IsArray(op)) {
            const cJSON *x;
            cJSON_ArrayForEach(x, op)
            {
                if (match_condition(x, v))
                    return 0;
            }
            return 1;
        }
        const cJSON *pre = cJSON_GetObjectItemCaseSensitive(op, "prefix");
        return v->s && cJSON_IsString(pre) &&
               strncmp(v->s, pre->valuestring, strlen(pre->valuestring)) != 0;
    }
    if (strcmp(k, "numeric") == 0) {
        if (!v->has_num)
            return 0;
        int n = cJSON_GetArraySize(op);
        for (int i = 0; i + 1 < n; i += 2) {
            const cJSON *o = cJSON_GetArrayItem(op, i);
            double x = cJSON_GetArrayItem(op, i + 1)->valuedouble;
            int ok;
            switch (numeric_op(o->valuestring)) {
            case 0:
                ok = v->num == x;
                break;
            case 1:
                ok = v->num > x;
                break;
            case 2:
                ok = v->num >= x;
                break;
            case 3:
                ok = v->num < x;
                break;
            case 4:
                ok = v->num <= x;
                break;
            default:
                ok = 0;
            }
            if (!ok)
                return 0;
        }
        return 1;
    }
    return 0;
}

/* Whether any condition of conds matches any of the n values (absent: n == 0). */
static int match_key(const cJSON *conds, const struct fvalue *vals, int n)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, conds)
    {
        const cJSON *ex = cJSON_IsObject(c) ? cJSON_GetObjectItemCaseSensitive(c, "exists") : NULL;
        if (ex) {
            if (cJSON_IsTrue(ex) == (n > 0))
                return 1;
            continue;
        }
        if (cJSON_IsNull(c) && n == 0)
            continue;
        for (int i = 0; i < n; i++) {
            if (match_condition(c, &vals[i]))
                return 1;
        }
    }
    return 0;
}

/* Fills vals from a JSON value (a scalar, or the scalars of an array), at most max. */
static int json_values(const cJSON *v, struct fvalue *vals, int max)
{
    int n = 0;
    if (cJSON_IsArray(v)) {
        const cJSON *x;
        cJSON_ArrayForEach(x, v)
        {
            if (n < max)
                n += json_values(x, vals + n, 1);
        }
        return n;
    }
    if (cJSON_IsString(v)) {
        vals[0] = (struct fvalue){.s = v->valuestring};
        return 1;
    }
    if (cJSON_IsNumber(v)) {
        vals[0] = (struct fvalue){.has_num = 1, .num = v->valuedouble};
        return 1;
    }
    if (cJSON_IsBool(v)) {
        vals[0] = (struct fvalue){.s = cJSON_IsTrue(v) ? "true" : "false"};
        return 1;
    }
    return 0;
}

#define FILTER_MAX_VALUES 64

static int match_attributes(const cJSON *policy, const cJSON *attributes)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, policy)
    {
        const cJSON *a = cJSON_IsObject(attributes)
                             ? cJSON_GetObjectItemCaseSensitive(attributes, k->string)
                             : NULL;
        struct fvalue vals[FILTER_MAX_VALUES];
        int n = 0;
        cJSON *parsed = NULL;
        if (a) {
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(a, "DataType");
            const cJSON *sv = cJSON_GetObjectItemCaseSensitive(a, "StringValue");
            const char *t = cJSON_IsString(type) ? type->valuestring : "";
            if (strncmp(t, "String.Array", 12) == 0 && cJSON_IsString(sv)) {
                parsed = cJSON_Parse(sv->valuestring);
                n = json_values(parsed, vals, FILTER_MAX_VALUES);
            } else if (strncmp(t, "Number", 6) == 0 && cJSON_IsString(sv)) {
                char *end;
                double d = strtod(sv->valuestring, &end);
                vals[0] = (struct fvalue){.s = sv->valuestring, .has_num = *end == '\0',
                                          .num = d};
                n = 1;
            } else if (strncmp(t, "String", 6) == 0 && cJSON_IsString(sv)) {
                vals[0] = (struct fvalue){.s = sv->valuestring};
                n = 1;
            } else {
                n = 1; /* Binary: present, but matches no value condition */
                vals[0] = (struct fvalue){0};
            }
        }
        int ok = cJSON_IsArray(k) && match_key(k, vals, n);
        cJSON_Delete(parsed);
        if (!ok)
            return 0;
    }
    return 1;
}

static int match_body(const cJSON *policy, const cJSON *body, int depth)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, policy)
    {
        const cJSON *v = cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body, k->string)
                                              : NULL;
        if (cJSON_IsObject(k)) {
            if (depth > FILTER_MAX_DEPTH || !match_body(k, v, depth + 1))
                return 0;
            continue;
        }
        struct fvalue vals[FILTER_MAX_VALUES];
        int n = v ? json_values(v, vals, FILTER_MAX_VALUES) : 0;
        if (!match_key(k, vals, n))
            return 0;
    }
    return 1;
}

int sns_filter_match(const char *policy, int body_scope, const cJSON *attributes,
                     const char *body)
{
    cJSON *p = cJSON_Parse(policy);
    if (!cJSON_IsObject(p)) {
        cJSON_Delete(p);
        return 1; /* no usable policy: everything passes */
    }
    int ok;
    if (body_scope) {
        cJSON *doc = body ? cJSON_Parse(body) : NULL;
        ok = cJSON_IsObject(doc) && match_body(p, doc, 0);
        cJSON_Delete(doc);
    } else {
        ok = match_attributes(p, attributes);
    }
    cJSON_Delete(p);
    return ok;
}
