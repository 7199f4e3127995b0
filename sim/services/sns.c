/*
 * sns.c - Amazon SNS (awsQuery, Version 2010-03-31, signing name sns): topics,
 * subscriptions, Publish, tags.
 *
 * The handlers check every rule AWS checks and answer in AWS's words (texts recorded from AWS
 * in LocalStack's snapshot tests and quoted in public issue trackers), then leave the rows to
 * sim/store/sns.c and the messages to the delivery engine, sim/engine/sns.c. Model
 * validation (required members, tag lengths) runs first, in the coral wording SNS uses with
 * the code ValidationError (VS_CORAL_QUERY).
 *
 * ARNs: topics are arn:aws:sns:REGION:ACCOUNT:NAME, subscriptions TOPIC_ARN:UUID. An ARN
 * with fewer than six ':'-separated elements is "Invalid parameter: TopicArn Reason: An ARN
 * must have at least 6 elements, not N"; one of another region is "Invalid parameter:
 * TopicArn"; an unknown topic is NotFound (404) "Topic does not exist".
 *
 * Subscriptions: http, https, email and email-json wait for confirmation ("pending
 * confirmation"; ListSubscriptions shows "PendingConfirmation"); the others are confirmed at
 * once. HTTP/S endpoints get a signed SubscriptionConfirmation whose SubscribeURL points at
 * drillsim; a subscriber confirms by GETting it, unsigned, so ConfirmSubscription and
 * Unsubscribe take the account and region from the ARN they name rather than from the
 * caller. Email confirmations are recorded, not sent: their token is visible at
 * GET /_drill/sns/messages. Unsubscribing a confirmed HTTP/S subscription sends an
 * UnsubscribeConfirmation whose SubscribeURL restores it, as AWS's does.
 *
 * To add an operation: add it to sim/services/models/ops.json and regenerate, write a static
 * op_<Name> handler here, add its row to the op table at the end, and cover it in
 * tests/e2e/test_sns.py.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "engine/sns_int.h"
#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "store/sns.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define PAGE 100
#define MAX_TAGS 50
#define MAX_MESSAGE_BYTES 262144
#define MAX_SUBJECT_CHARS 100
#define MAX_ATTR_NAME_BYTES 256
#define FIFO_DEDUP_MS (5 * 60 * 1000)
#define TOKEN_HEX 128

/* ---- helpers ------------------------------------------------------------------------------ */

static int invalid(struct call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records InvalidParameter (400) with the given full message; returns SIM_ERROR. */
static int invalid(struct call *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    int rc = call_error(c, "InvalidParameter", "%s", msg);
    free(msg);
    return rc;
}

static int store_failed(struct call *c)
{
    return call_error(c, "InternalError", "The store failed");
}

static struct sns_scope scope(struct call *c)
{
    struct sns_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

/* The attributes member as an object, or NULL. */
static const cJSON *attributes_of(const cJSON *in, const char *name)
{
    const cJSON *a = param(in, name);
    return cJSON_IsObject(a) ? a : NULL;
}

/* A parsed ARN. */
struct arn {
    char region[32];
    char account[16];
    char name[300]; /* topic name */
    char sub_id[64];
    int elements;
};

/* Splits s on ':' into a (and the first three fields into parts: "arn", the partition, the
 * service). Fields too long for their buffer are truncated, and then fail the checks.
 * Returns the number of elements. */
static int split_arn(const char *s, struct arn *a, char parts[3][16])
{
    memset(a, 0, sizeof *a);
    memset(parts, 0, 3 * sizeof parts[0]);
    int n = 1;
    const char *start = s;
    for (const char *p = s;; p++) {
        if (*p != ':' && *p != '\0')
            continue;
        size_t len = (size_t)(p - start);
        char *dst = NULL;
        size_t cap = 0;
        switch (n) {
        case 1:
        case 2:
        case 3:
            dst = parts[n - 1];
            cap = sizeof parts[0];
            break;
        case 4:
            dst = a->region;
            cap = sizeof a->region;
            break;
        case 5:
            dst = a->account;
            cap = sizeof a->account;
            break;
        case 6:
            dst = a->name;
            cap = sizeof a->name;
            break;
        case 7:
            dst = a->sub_id;
            cap = sizeof a->sub_id;
            break;
        default:
            break;
        }
        if (dst) {
            if (len >= cap)
                len = cap - 1;
            memcpy(dst, start, len);
            dst[len] = '\0';
        }
        if (*p == '\0')
            break;
        n++;
        start = p + 1;
    }
    a->elements = n;
    return n;
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

/* Whether name is a valid topic name (fifo: with the .fifo suffix). */
static int topic_name_ok(const char *name, int fifo)
{
    size_t n = strlen(name);
    size_t body = n;
    if (fifo) {
        if (n < 6 || strcmp(name + n - 5, ".fifo") != 0)
            return 0;
        body = n - 5;
    }
    if (body < 1 || n > 256)
        return 0;
    for (size_t i = 0; i < body; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (!isalnum(ch) && ch != '-' && ch != '_')
            return 0;
    }
    return 1;
}

/*
 * Parses a topic ARN given as parameter `param`. check_region: it must be in the caller's
 * region. Returns SIM_OK, or SIM_ERROR with AWS's InvalidParameter.
 */
static int parse_topic_arn(struct call *c, const char *param_name, const char *s, struct arn *a,
                           int check_region)
{
    char parts[3][16];
    int n = split_arn(s ? s : "", a, parts);
    if (n < 6)
        return invalid(c, "Invalid parameter: %s Reason: An ARN must have at least 6 elements, "
                          "not %d", param_name, n);
    if (n != 6 || strcmp(parts[0], "arn") != 0 || strcmp(parts[2], "sns") != 0 ||
        a->region[0] == '\0' || !all_digits(a->account, 12) ||
        !(topic_name_ok(a->name, 0) || topic_name_ok(a->name, 1)) ||
        (check_region && strcmp(a->region, c->tenant.region) != 0))
        return invalid(c, "Invalid parameter: %s", param_name);
    return SIM_OK;
}

static int uuid_ok(const char *s)
{
    if (strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

/* Parses a subscription ARN (TOPIC_ARN:UUID) given as SubscriptionArn. */
static int parse_sub_arn(struct call *c, const char *s, struct arn *a, int check_region)
{
    if (s == NULL || s[0] == '\0')
        return invalid(c, "Invalid parameter: SubscriptionArn Reason: no value for required "
                          "parameter");
    char parts[3][16];
    int n = split_arn(s, a, parts);
    if (n < 6)
        return invalid(c, "Invalid parameter: SubscriptionArn Reason: An ARN must have at least "
                          "6 elements, not %d", n);
    if (n != 7 || !uuid_ok(a->sub_id))
        return invalid(c, "Invalid parameter: SubscriptionId");
    if (strcmp(parts[0], "arn") != 0 || strcmp(parts[2], "sns") != 0 ||
        !all_digits(a->account, 12) || (check_region && strcmp(a->region, c->tenant.region)))
        return invalid(c, "Invalid parameter: SubscriptionArn");
    return SIM_OK;
}

/* Loads the topic ARN names (parsed into a) in the caller's scope. Returns SIM_OK, or
 * SIM_ERROR with NotFound "Topic does not exist". */
static int load_topic(struct call *c, const struct sns_scope *sc, const struct arn *a,
                      const char *arn_text, struct sns_topic *t)
{
    if (strcmp(a->account, sc->account) != 0)
        return call_error(c, "NotFound", "Topic does not exist");
    int rc = store_sns_topic_get(sc, a->name, t);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1 || strcmp(t->arn, arn_text) != 0) {
        store_sns_topic_clear(t);
        return call_error(c, "NotFound", "Topic does not exist");
    }
    return SIM_OK;
}

/* Returns a string attribute of a JSON object text (a new string) or NULL. */
static char *attr_get(const char *attrs, const char *name)
{
    cJSON *a = attrs ? cJSON_Parse(attrs) : NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, name);
    char *out = cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
    cJSON_Delete(a);
    return out;
}

/* Sets (value != NULL) or removes one attribute of a JSON object text; returns the new text
 * (caller frees). */
static char *attr_set(const char *attrs, const char *name, const char *value)
{
    cJSON *a = attrs ? cJSON_Parse(attrs) : NULL;
    if (!cJSON_IsObject(a)) {
        cJSON_Delete(a);
        a = cJSON_CreateObject();
    }
    cJSON_DeleteItemFromObjectCaseSensitive(a, name);
    if (value)
        cJSON_AddStringToObject(a, name, value);
    char *s = cJSON_PrintUnformatted(a);
    char *out = xstrdup(s ? s : "{}");
    cJSON_free(s);
    cJSON_Delete(a);
    return out;
}

static int is_true_false(const char *v)
{
    return strcasecmp(v, "true") == 0 || strcasecmp(v, "false") == 0;
}

/* ---- topic attributes --------------------------------------------------------------------- */

static const char *const topic_attr_names[] = {
    "DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId",
    "SignatureVersion", "ArchivePolicy", "ContentBasedDeduplication", "FifoThroughputScope",
    "FifoTopic", "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate",
    "ApplicationFailureFeedbackRoleArn", "HTTPSuccessFeedbackRoleArn",
    "HTTPSuccessFeedbackSampleRate", "HTTPFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate",
    "LambdaFailureFeedbackRoleArn", "SQSSuccessFeedbackRoleArn", "SQSSuccessFeedbackSampleRate",
    "SQSFailureFeedbackRoleArn", "FirehoseSuccessFeedbackRoleArn",
    "FirehoseSuccessFeedbackSampleRate", "FirehoseFailureFeedbackRoleArn", NULL};

static int known_name(const char *const *names, const char *name)
{
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], name) == 0)
            return 1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * Checks one topic attribute's value (the name is known). fifo: the topic is FIFO. Returns
 * NULL, or AWS's reason written into buf.
 */
static const char *check_topic_attr(const char *name, const char *value, int fifo, char *buf,
                                    size_t n)
{
    char err[400];
    if (strcmp(name, "DeliveryPolicy") == 0) {
        if (value[0] && sns_delivery_policy_check(value, 1, err, sizeof err) != 0) {
            snprintf(buf, n, "DeliveryPolicy: %s", err);
            return buf;
        }
    } else if (strcmp(name, "Policy") == 0) {
        cJSON *p = cJSON_Parse(value);
        int ok = cJSON_IsObject(p);
        cJSON_Delete(p);
        if (!ok) {
            snprintf(buf, n, "Policy: failed to parse JSON.");
            return buf;
        }
    } else if (strcmp(name, "SignatureVersion") == 0) {
        if (strcmp(value, "1") != 0 && strcmp(value, "2") != 0) {
            snprintf(buf, n, "SignatureVersion");
            return buf;
        }
    } else if (strcmp(name, "TracingConfig") == 0) {
        if (strcmp(value, "PassThrough") != 0 && strcmp(value, "Active") != 0) {
            snprintf(buf, n, "Invalid tracing config value: %s", value);
            return buf;
        }
    } else if (strcmp(name, "FifoTopic") == 0 || strcmp(name, "ContentBasedDeduplication") == 0) {
        if (!is_true_false(value)) {
            snprintf(buf, n, "%s: Invalid value [%s]. Must be true or false.", name, value);
            return buf;
        }
        if (strcmp(name, "ContentBasedDeduplication") == 0 && !fifo &&
            strcasecmp(value, "true") == 0) {
            snprintf(buf, n, "ContentBasedDeduplication Reason: Content based deduplication "
                             "can only be set for FIFO topics");
            return buf;
        }
    } else if (strcmp(name, "FifoThroughputScope") == 0) {
        if (!fifo || (strcmp(value, "Topic") != 0 && strcmp(value, "MessageGroup") != 0)) {
            snprintf(buf, n, "FifoThroughputScope");
            return buf;
        }
    } else if (ends_with(name, "SampleRate")) {
        char *end;
        long v = strtol(value, &end, 10);
        if (value[0] == '\0' || *end || v < 0 || v > 100) {
            snprintf(buf, n, "Invalid value for attribute: %s: %s value provided is not an "
                             "integer between 0-100", name, value);
            return buf;
        }
    }
    return NULL;
}

/* The default access policy AWS gives a topic (compact JSON, as GetTopicAttributes returns
 * it). Returns a new string. */
static char *default_policy(const char *arn, const char *account)
{
    return xasprintf("{\"Version\":\"2008-10-17\",\"Id\":\"__default_policy_ID\",\"Statement\":"
                     "[{\"Sid\":\"__default_statement_ID\",\"Effect\":\"Allow\",\"Principal\":"
                     "{\"AWS\":\"*\"},\"Action\":[\"SNS:GetTopicAttributes\","
                     "\"SNS:SetTopicAttributes\",\"SNS:AddPermission\",\"SNS:RemovePermission\","
                     "\"SNS:DeleteTopic\",\"SNS:Subscribe\",\"SNS:ListSubscriptionsByTopic\","
                     "\"SNS:Publish\"],\"Resource\":\"%s\",\"Condition\":{\"StringEquals\":"
                     "{\"AWS:SourceOwner\":\"%s\"}}}]}",
                     arn, account);
}

/* Checks a Tags list: the count (first, which also bounds the duplicate search) and
 * duplicate keys. Returns SIM_OK or SIM_ERROR. */
static int check_tags(struct call *c, const cJSON *tags, int64_t existing)
{
    if (cJSON_GetArraySize(tags) + existing > MAX_TAGS)
        return call_error(c, "TagLimitExceeded",
                          "Could not complete request: tag quota of per resource exceeded");
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = param_str(t, "Key");
        const cJSON *u;
        cJSON_ArrayForEach(u, tags)
        {
            if (u == t)
                break;
            const char *k2 = param_str(u, "Key");
            if (k && k2 && strcmp(k, k2) == 0)
                return invalid(c, "Invalid parameter: Duplicated keys are not allowed.");
        }
    }
    return SIM_OK;
}

/* ---- CreateTopic, DeleteTopic, topic attributes, ListTopics ------------------------------ */

/* Whether every given attribute equals the stored one (FifoTopic and ContentBasedDeduplication
 * default to "false"). */
static int same_attributes(const cJSON *given, const char *stored)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, given)
    {
        if (!cJSON_IsString(a))
            continue;
        char *have = attr_get(stored, a->string);
        const char *h = have ? have
                        : (strcmp(a->string, "FifoTopic") == 0 ||
                           strcmp(a->string, "ContentBasedDeduplication") == 0)
                            ? "false"
                            : "";
        int same = strcmp(a->string, "FifoTopic") == 0 ||
                           strcmp(a->string, "ContentBasedDeduplication") == 0
                       ? strcasecmp(h, a->valuestring) == 0
                       : strcmp(h, a->valuestring) == 0;
        free(have);
        if (!same)
            return 0;
    }
    return 1;
}

/* Whether the given tags are exactly the topic's. */
static int same_tags(const struct sns_scope *sc, const char *arn, const cJSON *tags)
{
    int64_t n = 0;
    if (store_sns_tag_count(sc, arn, &n) != 0 || n != cJSON_GetArraySize(tags))
        return 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        char *v = NULL;
        const char *k = param_str(t, "Key"), *want = param_str(t, "Value");
        int ok = k && store_sns_tag_get(sc, arn, k, &v) == 0 && strcmp(v, want ? want : "") == 0;
        free(v);
        if (!ok)
            return 0;
    }
    return 1;
}

static int op_CreateTopic(struct call *c)
{
    const char *name = param_str(c->in, "Name");
    const cJSON *attrs = attributes_of(c->in, "Attributes");
    const cJSON *tags = param(c->in, "Tags");
    const cJSON *fifo_attr = attrs ? cJSON_GetObjectItemCaseSensitive(attrs, "FifoTopic") : NULL;
    int fifo = cJSON_IsString(fifo_attr) && strcasecmp(fifo_attr->valuestring, "true") == 0;
    if (fifo && !topic_name_ok(name, 1))
        return invalid(c, "Fifo Topic names must end with .fifo and must be made up of only "
                          "uppercase and lowercase ASCII letters, numbers, underscores, and "
                          "hyphens, and must be between 1 and 256 characters long.");
    if (!fifo && !topic_name_ok(name, 0))
        return invalid(c, "Invalid parameter: Topic Name");
    const cJSON *a;
    char reason[600];
    cJSON_ArrayForEach(a, attrs)
    {
        if (!known_name(topic_attr_names, a->string))
            return invalid(c, "Invalid parameter: Attributes Reason: Invalid attribute name: %s",
                           a->string);
        const char *v = cJSON_IsString(a) ? a->valuestring : "";
        if (check_topic_attr(a->string, v, fifo, reason, sizeof reason))
            return invalid(c, "Invalid parameter: Attributes Reason: %s", reason);
    }
    if (tags && check_tags(c, tags, 0) != SIM_OK)
        return SIM_ERROR;
    struct sns_scope sc = scope(c);
    char arn[400];
    snprintf(arn, sizeof arn, "arn:aws:sns:%s:%s:%s", sc.region, sc.account, name);
    struct sns_topic t = {0};
    int rc = store_sns_topic_get(&sc, name, &t);
    if (rc < 0)
        return store_failed(c);
    if (rc == 0) {
        /* CreateTopic is idempotent by name, as long as nothing given differs */
        int tags_differ = tags && cJSON_GetArraySize(tags) > 0 && !same_tags(&sc, arn, tags);
        int attrs_differ = attrs && !same_attributes(attrs, t.attrs);
        store_sns_topic_clear(&t);
        if (tags_differ)
            return invalid(c, "Invalid parameter: Tags Reason: Topic already exists with "
                              "different tags");
        if (attrs_differ)
            return invalid(c, "Invalid parameter: Attributes Reason: Topic already exists with "
                              "different attributes");
        c->out = cJSON_CreateObject();
        cJSON_AddStringToObject(c->out, "TopicArn", arn);
        return SIM_OK;
    }
    cJSON *stored = cJSON_CreateObject();
    cJSON_ArrayForEach(a, attrs)
    {
        const char *v = cJSON_IsString(a) ? a->valuestring : "";
        if (strcmp(a->string, "FifoTopic") == 0 ||
            strcmp(a->string, "ContentBasedDeduplication") == 0)
            cJSON_AddStringToObject(stored, a->string, strcasecmp(v, "true") == 0 ? "true"
                                                                                   : "false");
        else if (!(strcmp(a->string, "DeliveryPolicy") == 0 && v[0] == '\0'))
            cJSON_AddStringToObject(stored, a->string, v);
    }
    if (fifo && !cJSON_GetObjectItemCaseSensitive(stored, "ContentBasedDeduplication"))
        cJSON_AddStringToObject(stored, "ContentBasedDeduplication", "false");
    if (!fifo)
        cJSON_DeleteItemFromObjectCaseSensitive(stored, "FifoTopic");
    char *text = cJSON_PrintUnformatted(stored);
    cJSON_Delete(stored);
    struct sns_topic nt = {.name = (char *)name, .arn = arn, .attrs = text,
                           .created_ms = c->now_ms};
    rc = store_sns_topic_put(&sc, &nt);
    cJSON_free(text);
    const cJSON *tag;
    cJSON_ArrayForEach(tag, tags)
    {
        const char *k = param_str(tag, "Key"), *v = param_str(tag, "Value");
        if (rc == 0 && k)
            rc = store_sns_tag_set(&sc, arn, k, v ? v : "");
    }
    if (rc != 0)
        return store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "TopicArn", arn);
    return SIM_OK;
}

static int op_DeleteTopic(struct call *c)
{
    const char *arn_text = param_str(c->in, "TopicArn");
    struct arn a;
    if (parse_topic_arn(c, "TopicArn", arn_text, &a, 1) != SIM_OK)
        return SIM_ERROR;
    struct sns_scope sc = scope(c);
    if (strcmp(a.account, sc.account) != 0)
        return SIM_OK; /* nothing of the caller's to delete; DeleteTopic is idempotent */
    if (store_sns_topic_delete(&sc, a.name, arn_text) < 0)
        return store_failed(c);
    return SIM_OK;
}

static void add_attr(cJSON *m, const char *name, const char *value)
{
    cJSON_AddStringToObject(m, name, value);
}

static int op_GetTopicAttributes(struct call *c)
{
    const char *arn_text = param_str(c->in, "TopicArn");
    struct arn a;
    struct sns_topic t = {0};
    struct sns_scope sc = scope(c);
    if (parse_topic_arn(c, "TopicArn", arn_text, &a, 1) != SIM_OK ||
        load_topic(c, &sc, &a, arn_text, &t) != SIM_OK)
        return SIM_ERROR;
    int64_t confirmed = 0, pending = 0, deleted = 0;
    if (store_sns_sub_counts(&sc, t.name, &confirmed, &pending, &deleted) != 0) {
        store_sns_topic_clear(&t);
        return store_failed(c);
    }
    cJSON *stored = cJSON_Parse(t.attrs);
    c->out = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(c->out, "Attributes");
    const cJSON *pol = cJSON_GetObjectItemCaseSensitive(stored, "Policy");
    char *dflt = default_policy(t.arn, sc.account);
    add_attr(m, "Policy", cJSON_IsString(pol) ? pol->valuestring : dflt);
    free(dflt);
    add_attr(m, "Owner", sc.account);
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)pending);
    add_attr(m, "SubscriptionsPending", num);
    add_attr(m, "TopicArn", t.arn);
    const cJSON *dp = cJSON_GetObjectItemCaseSensitive(stored, "DeliveryPolicy");
    char *eff = sns_topic_effective_policy(cJSON_IsString(dp) ? dp->valuestring : NULL);
    add_attr(m, "EffectiveDeliveryPolicy", eff);
    free(eff);
    snprintf(num, sizeof num, "%lld", (long long)confirmed);
    add_attr(m, "SubscriptionsConfirmed", num);
    const cJSON *dn = cJSON_GetObjectItemCaseSensitive(stored, "DisplayName");
    add_attr(m, "DisplayName", cJSON_IsString(dn) ? dn->valuestring : "");
    snprintf(num, sizeof num, "%lld", (long long)deleted);
    add_attr(m, "SubscriptionsDeleted", num);
    const cJSON *x;
    cJSON_ArrayForEach(x, stored)
    {
        if (cJSON_IsString(x) && strcmp(x->string, "Policy") != 0 &&
            strcmp(x->string, "DisplayName") != 0)
            add_attr(m, x->string, x->valuestring);
    }
    cJSON_Delete(stored);
    store_sns_topic_clear(&t);
    return SIM_OK;
}

static int op_SetTopicAttributes(struct call *c)
{
    const char *arn_text = param_str(c->in, "TopicArn");
    const char *name = param_str(c->in, "AttributeName");
    const char *value = param_str(c->in, "AttributeValue");
    struct arn a;
    struct sns_topic t = {0};
    struct sns_scope sc = scope(c);
    if (parse_topic_arn(c, "TopicArn", arn_text, &a, 1) != SIM_OK)
        return SIM_ERROR;
    if (!known_name(topic_attr_names, name) || strcmp(name, "FifoTopic") == 0)
        return invalid(c, "Invalid parameter: AttributeName");
    if (load_topic(c, &sc, &a, arn_text, &t) != SIM_OK)
        return SIM_ERROR;
    char *fifo = attr_get(t.attrs, "FifoTopic");
    int is_fifo = fifo && strcmp(fifo, "true") == 0;
    free(fifo);
    char reason[600];
    const char *v = value ? value : "";
    if (check_topic_attr(name, v, is_fifo, reason, sizeof reason)) {
        store_sns_topic_clear(&t);
        return invalid(c, "Invalid parameter: %s", reason);
    }
    int remove = v[0] == '\0' && (strcmp(name, "DeliveryPolicy") == 0 ||
                                  strcmp(name, "Policy") == 0);
    const char *store_v = v;
    if (strcmp(name, "ContentBasedDeduplication") == 0)
        store_v = strcasecmp(v, "true") == 0 ? "true" : "false";
    char *attrs = attr_set(t.attrs, name, remove ? NULL : store_v);
    free(t.attrs);
    t.attrs = attrs;
    int rc = store_sns_topic_put(&sc, &t);
    store_sns_topic_clear(&t);
    return rc == 0 ? SIM_OK : store_failed(c);
}

struct page {
    cJSON *list;
    char last[512];
    int n;
};

static int topic_item(void *ctx, const struct sns_topic *t)
{
    struct page *p = ctx;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "TopicArn", t->arn);
    cJSON_AddItemToArray(p->list, o);
    snprintf(p->last, sizeof p->last, "%s", t->name);
    p->n++;
    return 0;
}

static int op_ListTopics(struct call *c)
{
    const char *token = param_str(c->in, "NextToken");
    struct sns_scope sc = scope(c);
    c->out = cJSON_CreateObject();
    struct page p = {.list = cJSON_AddArrayToObject(c->out, "Topics")};
    if (store_sns_topic_each(&sc, token, PAGE, topic_item, &p) != 0)
        return store_failed(c);
    if (p.n == PAGE) {
        /* more only if a topic follows the last one shown */
        struct page peek = {.list = cJSON_CreateArray()};
        int rc = store_sns_topic_each(&sc, p.last, 1, topic_item, &peek);
        cJSON_Delete(peek.list);
        if (rc != 0)
            return store_failed(c);
        if (peek.n)
            cJSON_AddStringToObject(c->out, "NextToken", p.last);
    }
    return SIM_OK;
}

/* ---- subscriptions ------------------------------------------------------------------------ */

static const char *const protocols[] = {"http", "https", "email", "email-json", "sms", "sqs",
                                        "application", "lambda", "firehose", NULL};
static const char *const sub_attr_names[] = {"DeliveryPolicy", "FilterPolicy",
                                             "FilterPolicyScope", "RawMessageDelivery",
                                             "RedrivePolicy", "SubscriptionRoleArn",
                                             "ReplayPolicy", NULL};

static int needs_confirmation(const char *protocol)
{
    return strcmp(protocol, "http") == 0 || strcmp(protocol, "https") == 0 ||
           strcmp(protocol, "email") == 0 || strcmp(protocol, "email-json") == 0;
}

static int email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (at == NULL || at == s || strchr(at + 1, '@') || at[1] == '\0' || !strchr(at + 1, '.'))
        return 0;
    for (const char *p = s; *p; p++) {
        if (isspace((unsigned char)*p) || *p == ';' || *p == ',' || *p == '<' || *p == '>')
            return 0;
    }
    return strlen(s) <= 320;
}

static int phone_ok(const char *s)
{
    const char *p = s;
    if (*p == '+')
        p++;
    int digits = 0;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p != '-' && *p != ' ')
            return 0;
    }
    return digits >= 5 && digits <= 15 && isdigit((unsigned char)s[strlen(s) - 1]);
}

/* Checks the endpoint for its protocol (the protocol is known). Returns SIM_OK or
 * SIM_ERROR. */
static int check_endpoint(struct call *c, const char *protocol, const char *ep, int fifo_topic)
{
    if (ep == NULL || ep[0] == '\0')
        return invalid(c, "Invalid parameter: Endpoint");
    if (strcmp(protocol, "http") == 0 || strcmp(protocol, "https") == 0) {
        char prefix[16];
        snprintf(prefix, sizeof prefix, "%s://", protocol);
        if (strncasecmp(ep, prefix, strlen(prefix)) != 0 || strlen(ep) <= strlen(prefix) ||
            strlen(ep) > 2048 || strpbrk(ep, " \t\r\n"))
            return invalid(c, "Invalid parameter: Endpoint must match the specified protocol");
    } else if (strncmp(protocol, "email", 5) == 0) {
        if (!email_ok(ep))
            return invalid(c, "Invalid parameter: Email address");
    } else if (strcmp(protocol, "sms") == 0) {
        if (!phone_ok(ep))
            return invalid(c, "Invalid SMS endpoint: %s", ep);
    } else if (strcmp(protocol, "sqs") == 0) {
        if (strncmp(ep, "arn:aws:sqs:", 12) != 0)
            return invalid(c, "Invalid parameter: SQS endpoint ARN");
        if (ends_with(ep, ".fifo") && !fifo_topic)
            return invalid(c, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS "
                              "Queues can not be subscribed to standard SNS topics");
    } else if (strcmp(protocol, "lambda") == 0) {
        if (strncmp(ep, "arn:aws:lambda:", 15) != 0)
            return invalid(c, "Invalid parameter: Lambda endpoint ARN");
    } else if (strcmp(protocol, "firehose") == 0) {
        if (strncmp(ep, "arn:aws:firehose:", 17) != 0)
            return invalid(c, "Invalid parameter: Firehose endpoint ARN");
    } else if (strcmp(protocol, "application") == 0) {
        if (strncmp(ep, "arn:aws:sns:", 12) != 0 || !strstr(ep, ":endpoint/"))
            return invalid(c, "Invalid parameter: Application endpoint arn invalid");
    }
    return SIM_OK;
}

/*
 * Checks one subscription attribute (name known) and writes the value to store in *out
 * (NULL = remove; caller frees). Returns NULL, or AWS's reason in buf.
 */
static const char *check_sub_attr(const char *name, const char *value, char **out, char *buf,
                                  size_t n)
{
    char err[400];
    *out = NULL;
    if (strcmp(name, "RawMessageDelivery") == 0) {
        if (!is_true_false(value)) {
            snprintf(buf, n, "RawMessageDelivery: Invalid value [%s]. Must be true or false.",
                     value);
            return buf;
        }
        *out = xstrdup(strcasecmp(value, "true") == 0 ? "true" : "false");
        return NULL;
    }
    if (strcmp(name, "DeliveryPolicy") == 0) {
        if (value[0] && sns_delivery_policy_check(value, 0, err, sizeof err) != 0) {
            snprintf(buf, n, "DeliveryPolicy: %s", err);
            return buf;
        }
    } else if (strcmp(name, "FilterPolicy") == 0) {
        if (value[0] && sns_filter_check(value, err, sizeof err) != 0) {
            snprintf(buf, n, "FilterPolicy: %s", err);
            return buf;
        }
    } else if (strcmp(name, "FilterPolicyScope") == 0) {
        if (strcmp(value, "MessageAttributes") != 0 && strcmp(value, "MessageBody") != 0) {
            snprintf(buf, n, "FilterPolicyScope: Invalid value [%s]. Please use either "
                             "MessageBody or MessageAttributes", value);
            return buf;
        }
    } else if (strcmp(name, "RedrivePolicy") == 0 && value[0]) {
        cJSON *p = cJSON_Parse(value);
        const cJSON *dl = cJSON_GetObjectItemCaseSensitive(p, "deadLetterTargetArn");
        const char *why = NULL;
        if (!cJSON_IsObject(p))
            why = "RedrivePolicy: failed to parse JSON.";
        else if (!cJSON_IsString(dl) || strncmp(dl->valuestring, "arn:aws:sqs:", 12) != 0)
            why = "RedrivePolicy: deadLetterTargetArn is an invalid arn";
        cJSON_Delete(p);
        if (why) {
            snprintf(buf, n, "%s", why);
            return buf;
        }
    }
    *out = value[0] ? xstrdup(value) : NULL;
    return NULL;
}

/* Builds the stored attributes of a new subscription from the given ones. Returns SIM_OK
 * and sets *out (JSON text, caller frees), or SIM_ERROR. */
static int sub_attrs_from(struct call *c, const cJSON *given, char **out)
{
    cJSON *stored = cJSON_CreateObject();
    cJSON_AddStringToObject(stored, "RawMessageDelivery", "false");
    const cJSON *a;
    char reason[600];
    cJSON_ArrayForEach(a, given)
    {
        if (!known_name(sub_attr_names, a->string)) {
            cJSON_Delete(stored);
            return invalid(c, "Invalid parameter: Attributes Reason: Invalid attribute name: %s",
                           a->string);
        }
        char *v = NULL;
        if (check_sub_attr(a->string, cJSON_IsString(a) ? a->valuestring : "", &v, reason,
                           sizeof reason)) {
            cJSON_Delete(stored);
            return invalid(c, "Invalid parameter: Attributes Reason: %s", reason);
        }
        cJSON_DeleteItemFromObjectCaseSensitive(stored, a->string);
        if (v)
            cJSON_AddStringToObject(stored, a->string, v);
        free(v);
    }
    char *s = cJSON_PrintUnformatted(stored);
    *out = xstrdup(s ? s : "{}");
    cJSON_free(s);
    cJSON_Delete(stored);
    return SIM_OK;
}

/* Whether each given attribute equals the subscription's (after the same normalization). */
static int same_sub_attributes(const cJSON *given, const char *stored)
{
    const cJSON *a;
    char reason[600];
    cJSON_ArrayForEach(a, given)
    {
        char *v = NULL;
        check_sub_attr(a->string, cJSON_IsString(a) ? a->valuestring : "", &v, reason,
                       sizeof reason);
        char *have = attr_get(stored, a->string);
        int same = (v == NULL && have == NULL) || (v && have && strcmp(v, have) == 0);
        free(v);
        free(have);
        if (!same)
            return 0;
    }
    return 1;
}

/* A new confirmation token: 128 hex digits from the team's id generator. */
static void new_token(struct team *t, char out[TOKEN_HEX + 1])
{
    for (int i = 0; i < TOKEN_HEX / 16; i++)
        snprintf(out + i * 16, 17, "%016llx", (unsigned long long)rng_next(&t->ids));
}

static int op_Subscribe(struct call *c)
{
    const char *arn_text = param_str(c->in, "TopicArn");
    const char *protocol = param_str(c->in, "Protocol");
    const char *endpoint = param_str(c->in, "Endpoint");
    const cJSON *attrs = attributes_of(c->in, "Attributes");
    int return_arn = param_bool(c->in, "ReturnSubscriptionArn", 0);
    struct arn a;
    struct sns_topic t = {0};
    struct sns_scope sc = scope(c);
    if (parse_topic_arn(c, "TopicArn", arn_text, &a, 1) != SIM_OK)
        return SIM_ERROR;
    if (!known_name(protocols, protocol))
        return invalid(c, "Invalid parameter: Amazon SNS does not support this protocol "
                          "string: %s", protocol);
    if (load_topic(c, &sc, &a, arn_text, &t) != SIM_OK)
        return SIM_ERROR;
    char *fifo_attr = attr_get(t.attrs, "FifoTopic");
    int fifo = fifo_attr && strcmp(fifo_attr, "true") == 0;
    free(fifo_attr);
    int rc = SIM_ERROR;
    char *stored = NULL;
    struct sns_sub existing = {0};
    if (fifo && strcmp(protocol, "sqs") != 0) {
        invalid(c, "Invalid parameter: Invalid protocol type: %s", protocol);
        goto out;
    }
    if (check_endpoint(c, protocol, endpoint, fifo) != SIM_OK ||
        sub_attrs_from(c, attrs, &stored) != SIM_OK)
        goto out;
    int found = store_sns_sub_find(&sc, t.name, protocol, endpoint, &existing);
    if (found < 0) {
        store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    if (found == 0) {
        if (attrs && !same_sub_attributes(attrs, existing.attrs)) {
            cJSON_Delete(c->out);
            c->out = NULL;
            invalid(c, "Invalid parameter: Attributes Reason: Subscription already exists with "
                       "different attributes");
            goto out;
        }
        int pending = strcmp(existing.status, "pending") == 0;
        if (pending && sns_send_confirmation(c->sim, c->team, &sc, &existing, t.arn,
                                             "SubscriptionConfirmation", c->now_ms) != 0) {
            store_failed(c);
            goto out;
        }
        cJSON_AddStringToObject(c->out, "SubscriptionArn",
                                pending && !return_arn ? "pending confirmation" : existing.arn);
        rc = SIM_OK;
        goto out;
    }
    char uuid[37], token[TOKEN_HEX + 1];
    rng_uuid(&c->team->ids, uuid);
    char *sub_arn = xasprintf("%s:%s", t.arn, uuid);
    int pending = needs_confirmation(protocol);
    if (pending)
        new_token(c->team, token);
    struct sns_sub s = {
        .arn = sub_arn,
        .topic = t.name,
        .protocol = (char *)protocol,
        .endpoint = (char *)endpoint,
        .owner = c->tenant.account,
        .status = pending ? "pending" : "confirmed",
        .token = pending ? token : NULL,
        .attrs = stored,
        .authenticated = 1,
        .created_ms = c->now_ms,
    };
    if (store_sns_sub_put(&sc, &s) != 0 ||
        (pending && sns_send_confirmation(c->sim, c->team, &sc, &s, t.arn,
                                          "SubscriptionConfirmation", c->now_ms) != 0)) {
        free(sub_arn);
        store_failed(c);
        goto out;
    }
    cJSON_AddStringToObject(c->out, "SubscriptionArn",
                            pending && !return_arn ? "pending confirmation" : sub_arn);
    free(sub_arn);
    rc = SIM_OK;
out:
    free(stored);
    store_sns_sub_clear(&existing);
    store_sns_topic_clear(&t);
    return rc;
}

/* The team that owns account, for requests that act on another account's rows (an unsigned
 * confirmation). Returns it, or NULL after setting the error. */
static struct team *owner_team(struct call *c, const char *account)
{
    if (strcmp(account, c->team->account) == 0)
        return c->team;
    struct team *t = team_get(c->sim, account);
    if (t == NULL)
        call_error(c, "ServiceUnavailable", "drillsim serves at most %d teams (accounts)",
                   TEAM_MAX);
    return t;
}

static int op_ConfirmSubscription(struct call *c)
{
    const char *arn_text = param_str(c->in, "TopicArn");
    const char *token = param_str(c->in, "Token");
    const char *auth = param_str(c->in, "AuthenticateOnUnsubscribe");
    struct arn a;
    char parts[3][16];
    /* An unsigned request (the SubscribeURL) carries no region or account: the ARN's apply. */
    if (split_arn(arn_text ? arn_text : "", &a, parts) != 6 || strcmp(parts[0], "arn") != 0 ||
        strcmp(parts[2], "sns") != 0 || !all_digits(a.account, 12) ||
        (c->tenant.is_signed && strcmp(a.region, c->tenant.region) != 0))
        return invalid(c, "Invalid parameter: Topic");
    struct team *owner = owner_team(c, a.account);
    if (owner == NULL)
        return SIM_ERROR;
    struct sns_scope sc = {c->sim->store, a.account, a.region};
    struct sns_topic t = {0};
    int rc = store_sns_topic_get(&sc, a.name, &t);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1 || strcmp(t.arn, arn_text) != 0) {
        store_sns_topic_clear(&t);
        return invalid(c, "Invalid parameter: Token");
    }
    struct sns_sub s = {0};
    rc = token ? store_sns_sub_by_token(&sc, token, &s) : 1;
    if (rc != 0) {
        store_sns_topic_clear(&t);
        return rc < 0 ? store_failed(c) : invalid(c, "Invalid parameter: Token");
    }
    if (strcmp(s.topic, t.name) != 0) {
        store_sns_sub_clear(&s);
        store_sns_topic_clear(&t);
        return invalid(c, "Invalid token");
    }
    if (strcmp(s.status, "confirmed") != 0) {
        free(s.status);
        s.status = xstrdup("confirmed");
        s.authenticated = c->tenant.is_signed;
    }
    if (auth && strcasecmp(auth, "true") == 0) {
        char *attrs = attr_set(s.attrs, "AuthenticateOnUnsubscribe", "true");
        free(s.attrs);
        s.attrs = attrs;
    }
    rc = store_sns_sub_put(&sc, &s);
    if (rc == 0 && owner != c->team)
        rc = team_save(c->sim, owner);
    if (rc == 0) {
        c->out = cJSON_CreateObject();
        cJSON_AddStringToObject(c->out, "SubscriptionArn", s.arn);
    }
    store_sns_sub_clear(&s);
    store_sns_topic_clear(&t);
    return rc == 0 ? SIM_OK : store_failed(c);
}

static int op_Unsubscribe(struct call *c)
{
    const char *arn_text = param_str(c->in, "SubscriptionArn");
    struct arn a;
    if (parse_sub_arn(c, arn_text, &a, c->tenant.is_signed) != SIM_OK)
        return SIM_ERROR;
    /* signed: the caller's own subscriptions; unsigned (the UnsubscribeURL): the ARN's */
    const char *account = c->tenant.is_signed ? c->tenant.account : a.account;
    struct team *owner = owner_team(c, account);
    if (owner == NULL)
        return SIM_ERROR;
    struct sns_scope sc = {c->sim->store, account, a.region};
    struct sns_sub s = {0};
    int rc = store_sns_sub_get(&sc, arn_text, &s);
    if (rc != 0)
        return rc < 0 ? store_failed(c) : SIM_OK; /* Unsubscribe is idempotent */
    int64_t now = team_now_ms(owner);
    if (strcmp(s.status, "deleted") == 0) {
        store_sns_sub_clear(&s);
        return SIM_OK;
    }
    int confirmed_http = strcmp(s.status, "confirmed") == 0 &&
                         (strcmp(s.protocol, "http") == 0 || strcmp(s.protocol, "https") == 0);
    char token[TOKEN_HEX + 1];
    free(s.status);
    s.status = xstrdup("deleted");
    free(s.token);
    s.token = NULL;
    if (confirmed_http) {
        new_token(owner, token);
        s.token = xstrdup(token);
    }
    char *topic_arn = xstrndup(arn_text, strlen(arn_text) - 37);
    rc = store_sns_sub_cancel_deliveries(&sc, s.arn);
    if (rc == 0)
        rc = store_sns_sub_put(&sc, &s);
    if (rc == 0 && confirmed_http)
        rc = sns_send_confirmation(c->sim, owner, &sc, &s, topic_arn, "UnsubscribeConfirmation",
                                   now);
    if (rc == 0 && owner != c->team)
        rc = team_save(c->sim, owner);
    free(topic_arn);
    store_sns_sub_clear(&s);
    return rc == 0 ? SIM_OK : store_failed(c);
}

struct sub_page {
    cJSON *list;
    char last[512];
    int n;
    const char *region;
    const char *account;
};

static int sub_item(void *ctx, const struct sns_sub *s)
{
    struct sub_page *p = ctx;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "SubscriptionArn",
                            strcmp(s->status, "pending") == 0 ? "PendingConfirmation" : s->arn);
    cJSON_AddStringToObject(o, "Owner", s->owner);
    cJSON_AddStringToObject(o, "Protocol", s->protocol);
    cJSON_AddStringToObject(o, "Endpoint", s->endpoint);
    char *topic_arn = xasprintf("arn:aws:sns:%s:%s:%s", p->region, p->account, s->topic);
    cJSON_AddStringToObject(o, "TopicArn", topic_arn);
    free(topic_arn);
    cJSON_AddItemToArray(p->list, o);
    snprintf(p->last, sizeof p->last, "%s", s->arn);
    p->n++;
    return 0;
}

/* Lists one page of subscriptions (of topic, or all) into c->out. */
static int list_subs(struct call *c, const struct sns_scope *sc, const char *topic)
{
    const char *token = param_str(c->in, "NextToken");
    c->out = cJSON_CreateObject();
    struct sub_page p = {.list = cJSON_AddArrayToObject(c->out, "Subscriptions"),
                         .region = sc->region, .account = sc->account};
    if (store_sns_sub_each(sc, topic, token, PAGE, sub_item, &p) != 0)
        return store_failed(c);
    if (p.n == PAGE) {
        struct sub_page peek = {.list = cJSON_CreateArray(), .region = sc->region,
                                .account = sc->account};
        int rc = store_sns_sub_each(sc, topic, p.last, 1, sub_item, &peek);
        cJSON_Delete(peek.list);
        if (rc != 0)
            return store_failed(c);
        if (peek.n)
            cJSON_AddStringToObject(c->out, "NextToken", p.last);
    }
    return SIM_OK;
}

static int op_ListSubscriptions(struct call *c)
{
    struct sns_scope sc = scope(c);
    return list_subs(c, &sc, NULL);
}

static int op_ListSubscriptionsByTopic(struct call *c)
{
    const char *arn_text = param_str(c->in, "TopicArn");
    struct arn a;
    struct sns_topic t = {0};
    struct sns_scope sc = scope(c);
    if (parse_topic_arn(c, "TopicArn", arn_text, &a, 1) != SIM_OK ||
        load_topic(c, &sc, &a, arn_text, &t) != SIM_OK)
        return SIM_ERROR;
    int rc = list_subs(c, &sc, t.name);
    store_sns_topic_clear(&t);
    return rc;
}

/* Loads the subscription a SubscriptionArn names in the caller's scope. */
static int load_sub(struct call *c, const struct sns_scope *sc, const char *arn_text,
                    struct sns_sub *s)
{
    struct arn a;
    if (parse_sub_arn(c, arn_text, &a, 1) != SIM_OK)
        return SIM_ERROR;
    int rc = strcmp(a.account, sc->account) == 0 ? store_sns_sub_get(sc, arn_text, s) : 1;
    if (rc < 0)
        return store_failed(c);
    if (rc == 1 || strcmp(s->status, "deleted") == 0) {
        store_sns_sub_clear(s);
        return call_error(c, "NotFound", "Subscription does not exist");
    }
    return SIM_OK;
}

static int op_GetSubscriptionAttributes(struct call *c)
{
    struct sns_scope sc = scope(c);
    struct sns_sub s = {0};
    if (load_sub(c, &sc, param_str(c->in, "SubscriptionArn"), &s) != SIM_OK)
        return SIM_ERROR;
    cJSON *stored = cJSON_Parse(s.attrs);
    c->out = cJSON_CreateObject();
    cJSON *m = cJSON_AddObjectToObject(c->out, "Attributes");
    int pending = strcmp(s.status, "pending") == 0;
    add_attr(m, "ConfirmationWasAuthenticated", !pending && s.authenticated ? "true" : "false");
    const cJSON *dp = cJSON_GetObjectItemCaseSensitive(stored, "DeliveryPolicy");
    if (cJSON_IsString(dp)) {
        char *norm = sns_sub_policy_normalized(dp->valuestring);
        add_attr(m, "DeliveryPolicy", norm);
        free(norm);
    }
    if (strcmp(s.protocol, "http") == 0 || strcmp(s.protocol, "https") == 0) {
        struct sns_topic t = {0};
        char *topic_policy = NULL;
        if (store_sns_topic_get(&sc, s.topic, &t) == 0)
            topic_policy = attr_get(t.attrs, "DeliveryPolicy");
        char *eff = sns_sub_effective_policy(cJSON_IsString(dp) ? dp->valuestring : NULL,
                                             topic_policy);
        add_attr(m, "EffectiveDeliveryPolicy", eff);
        free(eff);
        free(topic_policy);
        store_sns_topic_clear(&t);
    }
    add_attr(m, "Endpoint", s.endpoint);
    const cJSON *fp = cJSON_GetObjectItemCaseSensitive(stored, "FilterPolicy");
    if (cJSON_IsString(fp)) {
        add_attr(m, "FilterPolicy", fp->valuestring);
        const cJSON *scope_attr = cJSON_GetObjectItemCaseSensitive(stored, "FilterPolicyScope");
        add_attr(m, "FilterPolicyScope", cJSON_IsString(scope_attr) ? scope_attr->valuestring
                                                                   : "MessageAttributes");
    }
    add_attr(m, "Owner", s.owner);
    add_attr(m, "PendingConfirmation", pending ? "true" : "false");
    add_attr(m, "Protocol", s.protocol);
    const cJSON *raw = cJSON_GetObjectItemCaseSensitive(stored, "RawMessageDelivery");
    add_attr(m, "RawMessageDelivery", cJSON_IsString(raw) ? raw->valuestring : "false");
    static const char *const extra[] = {"RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy",
                                        NULL};
    for (int i = 0; extra[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(stored, extra[i]);
        if (cJSON_IsString(v))
            add_attr(m, extra[i], v->valuestring);
    }
    add_attr(m, "SubscriptionArn", s.arn);
    char *principal = xasprintf("arn:aws:iam::%s:root", s.owner);
    add_attr(m, "SubscriptionPrincipal", principal);
    free(principal);
    char *topic_arn = xasprintf("arn:aws:sns:%s:%s:%s", sc.region, sc.account, s.topic);
    add_attr(m, "TopicArn", topic_arn);
    free(topic_arn);
    cJSON_Delete(stored);
    store_sns_sub_clear(&s);
    return SIM_OK;
}

static int op_SetSubscriptionAttributes(struct call *c)
{
    const char *arn_text = param_str(c->in, "SubscriptionArn");
    const char *name = param_str(c->in, "AttributeName");
    const char *value = param_str(c->in, "AttributeValue");
    struct sns_scope sc = scope(c);
    struct arn a;
    if (parse_sub_arn(c, arn_text, &a, 1) != SIM_OK)
        return SIM_ERROR;
    if (!known_name(sub_attr_names, name))
        return invalid(c, "Invalid parameter: AttributeName");
    char reason[600];
    char *v = NULL;
    if (check_sub_attr(name, value ? value : "", &v, reason, sizeof reason))
        return invalid(c, "Invalid parameter: %s", reason);
    struct sns_sub s = {0};
    if (load_sub(c, &sc, arn_text, &s) != SIM_OK) {
        free(v);
        return SIM_ERROR;
    }
    char *attrs = attr_set(s.attrs, name, v);
    free(v);
    free(s.attrs);
    s.attrs = attrs;
    int rc = store_sns_sub_put(&sc, &s);
    store_sns_sub_clear(&s);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* ---- Publish ------------------------------------------------------------------------------ */

static int number_ok(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p == '\0';
}

/* Checks MessageAttributes as SNS does and adds their size to *bytes. Returns SIM_OK or
 * SIM_ERROR (ParameterValueInvalid, in AWS's words). */
static int check_message_attributes(struct call *c, const cJSON *attrs, size_t *bytes)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, attrs)
    {
        const char *name = a->string;
        size_t len = strlen(name);
        if (len >= MAX_ATTR_NAME_BYTES)
            return call_error(c, "ParameterValueInvalid",
                              "Length of message attribute name must be less than 256 bytes.");
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)name[i];
            if (!isalnum(ch) && ch != '-' && ch != '_' && ch != '.')
                return call_error(c, "ParameterValueInvalid",
                                  "Invalid non-alphanumeric character '#x%X' was found in the "
                                  "message attribute name. Can only include alphanumeric "
                                  "characters, hyphens, underscores, or dots.", ch);
        }
        if (name[0] == '.')
            return call_error(c, "ParameterValueInvalid",
                              "Invalid message attribute name starting with character '.' was "
                              "found.");
        if (len && name[len - 1] == '.')
            return call_error(c, "ParameterValueInvalid",
                              "Invalid message attribute name ending with character '.' was "
                              "found.");
        if (strstr(name, ".."))
            return call_error(c, "ParameterValueInvalid",
                              "Message attribute name can not have successive '.' character.");
        const char *type = param_str(a, "DataType");
        const char *sv = param_str(a, "StringValue");
        const char *bv = param_str(a, "BinaryValue");
        if (type == NULL)
            type = "";
        int is_binary = strncmp(type, "Binary", 6) == 0;
        if (!(strncmp(type, "String", 6) == 0 || strncmp(type, "Number", 6) == 0 || is_binary) ||
            (type[6] != '\0' && type[6] != '.'))
            return call_error(c, "ParameterValueInvalid",
                              "The message attribute '%s' has an invalid message attribute "
                              "type, the set of supported type prefixes is Binary, Number, and "
                              "String.", name);
        const char *field = is_binary ? "Binary" : "String";
        const char *value = is_binary ? bv : sv;
        const char *other = is_binary ? sv : bv;
        if ((value == NULL || value[0] == '\0') && other && other[0])
            return call_error(c, "ParameterValueInvalid",
                              "The message attribute '%s' with type '%s' must use field '%s'.",
                              name, type, field);
        if (value == NULL || value[0] == '\0')
            return call_error(c, "ParameterValueInvalid",
                              "The message attribute '%s' must contain non-empty message "
                              "attribute value for message attribute type '%s'.", name, type);
        if (strncmp(type, "Number", 6) == 0 && !number_ok(value))
            return call_error(c, "ParameterValueInvalid",
                              "Could not cast message attribute '%s' value to number.", name);
        *bytes += len + strlen(type) + (is_binary ? strlen(value) * 3 / 4 : strlen(value));
    }
    return SIM_OK;
}

/* Whether s is a valid Subject: UTF-8 text with no line breaks or control characters. */
static int subject_ok(const char *s)
{
    size_t chars = 0;
    if (s[0] == '\0')
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return 0;
        chars += (*p & 0xc0) != 0x80;
    }
    return chars <= MAX_SUBJECT_CHARS;
}

/* Hex SHA-256 of s (content-based deduplication). */
static void sha256_hex(const char *s, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < n && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    out[64] = '\0';
}

static int op_Publish(struct call *c)
{
    const char *topic_arn = param_str(c->in, "TopicArn");
    const char *target_arn = param_str(c->in, "TargetArn");
    const char *phone = param_str(c->in, "PhoneNumber");
    const char *message = param_str(c->in, "Message");
    const char *subject = param_str(c->in, "Subject");
    const char *structure = param_str(c->in, "MessageStructure");
    const cJSON *attrs = attributes_of(c->in, "MessageAttributes");
    const char *group = param_str(c->in, "MessageGroupId");
    const char *dedup = param_str(c->in, "MessageDeduplicationId");
    struct sns_scope sc = scope(c);
    int given = (topic_arn != NULL) + (target_arn != NULL) + (phone != NULL);
    if (given == 0)
        return invalid(c, "Invalid parameter: TopicArn or TargetArn Reason: no value for "
                          "required parameter");
    if (given > 1)
        return invalid(c, "Invalid parameter: TopicArn or TargetArn Reason: Only one of "
                          "TopicArn, TargetArn or PhoneNumber may be given");
    if (message == NULL || message[0] == '\0')
        return invalid(c, "Invalid parameter: Empty message");
    if (subject && !subject_ok(subject))
        return invalid(c, "Invalid parameter: Subject");
    size_t bytes = strlen(message);
    if (attrs && check_message_attributes(c, attrs, &bytes) != SIM_OK)
        return SIM_ERROR;
    if (bytes > MAX_MESSAGE_BYTES)
        return invalid(c, "Invalid parameter: Message too long");
    cJSON *parsed = NULL;
    if (structure) {
        if (strcmp(structure, "json") != 0)
            return invalid(c, "Invalid parameter: MessageStructure");
        parsed = cJSON_Parse(message);
        if (!cJSON_IsObject(parsed)) {
            cJSON_Delete(parsed);
            return invalid(c, "Invalid parameter: Message Structure - JSON message body failed "
                              "to parse");
        }
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(parsed, "default"))) {
            cJSON_Delete(parsed);
            return invalid(c, "Invalid parameter: Message Structure - No default entry in JSON "
                              "message body");
        }
    }
    char message_id[37];
    int rc = SIM_ERROR;
    struct sns_topic t = {0};
    char *dedup_hash = NULL;
    char *prev_id = NULL, *prev_seq = NULL;
    if (phone) {
        if (!phone_ok(phone)) {
            invalid(c, "Invalid parameter: PhoneNumber Reason: %s is not valid to publish to",
                    phone);
            goto out;
        }
        if (sns_publish_sms(c->sim, c->team, &sc, phone, message, attrs, c->now_ms,
                            message_id) != 0) {
            store_failed(c);
            goto out;
        }
        c->out = cJSON_CreateObject();
        cJSON_AddStringToObject(c->out, "MessageId", message_id);
        rc = SIM_OK;
        goto out;
    }
    const char *arn_text = topic_arn ? topic_arn : target_arn;
    struct arn a;
    if (target_arn && (strstr(target_arn, ":endpoint/") || strncmp(target_arn, "arn:", 4))) {
        invalid(c, "Invalid parameter: TargetArn Reason: No endpoint found for the target arn "
                   "specified");
        goto out;
    }
    if (parse_topic_arn(c, topic_arn ? "TopicArn" : "TargetArn", arn_text, &a, 1) != SIM_OK ||
        load_topic(c, &sc, &a, arn_text, &t) != SIM_OK)
        goto out;
    char *fifo_attr = attr_get(t.attrs, "FifoTopic");
    char *cbd = attr_get(t.attrs, "ContentBasedDeduplication");
    int fifo = fifo_attr && strcmp(fifo_attr, "true") == 0;
    int content_dedup = cbd && strcmp(cbd, "true") == 0;
    free(fifo_attr);
    free(cbd);
    char seqtext[32] = "";
    if (fifo) {
        if (group == NULL || group[0] == '\0') {
            invalid(c, "Invalid parameter: The MessageGroupId parameter is required for FIFO "
                       "topics");
            goto out;
        }
        if (dedup == NULL && !content_dedup) {
            invalid(c, "Invalid parameter: The topic should either have "
                       "ContentBasedDeduplication enabled or MessageDeduplicationId provided "
                       "explicitly");
            goto out;
        }
        if (dedup == NULL) {
            dedup_hash = xmalloc(65);
            sha256_hex(message, dedup_hash);
            dedup = dedup_hash;
        }
        int d = store_sns_message_dedup(&sc, t.arn, dedup, c->now_ms - FIFO_DEDUP_MS, &prev_id,
                                        &prev_seq);
        if (d < 0) {
            store_failed(c);
            goto out;
        }
        if (d == 0) {
            /* a duplicate within five minutes: accepted, not delivered again */
            c->out = cJSON_CreateObject();
            cJSON_AddStringToObject(c->out, "MessageId", prev_id);
            if (prev_seq)
                cJSON_AddStringToObject(c->out, "SequenceNumber", prev_seq);
            rc = SIM_OK;
            goto out;
        }
        int64_t seq;
        if (store_sns_topic_next_seq(&sc, t.name, &seq) != 0) {
            store_failed(c);
            goto out;
        }
        sns_sequence_number(seq, seqtext);
    } else if (dedup) {
        invalid(c, "Invalid parameter: MessageDeduplicationId Reason: The request includes "
                   "MessageDeduplicationId parameter that is not valid for this topic type");
        goto out;
    }
    struct sns_publish_in in = {
        .topic_arn = t.arn,
        .topic_name = t.name,
        .topic_attrs = t.attrs,
        .subject = subject,
        .message = message,
        .structure = parsed,
        .attributes = attrs,
        .group_id = group,
        .dedup_id = fifo ? dedup : NULL,
        .sequence_number = seqtext[0] ? seqtext : NULL,
    };
    if (sns_publish_message(c->sim, c->team, &sc, &in, c->now_ms, message_id) != 0) {
        store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "MessageId", message_id);
    if (seqtext[0])
        cJSON_AddStringToObject(c->out, "SequenceNumber", seqtext);
    rc = SIM_OK;
out:
    cJSON_Delete(parsed);
    free(dedup_hash);
    free(prev_id);
    free(prev_seq);
    store_sns_topic_clear(&t);
    return rc;
}

/* ---- tags --------------------------------------------------------------------------------- */

/* Loads the topic a ResourceArn names; ResourceNotFound when there is none. */
static int tagged_topic(struct call *c, const struct sns_scope *sc, struct sns_topic *t)
{
    const char *arn_text = param_str(c->in, "ResourceArn");
    struct arn a;
    if (parse_topic_arn(c, "ResourceArn", arn_text, &a, 1) != SIM_OK)
        return SIM_ERROR;
    int rc = strcmp(a.account, sc->account) == 0 ? store_sns_topic_get(sc, a.name, t) : 1;
    if (rc < 0)
        return store_failed(c);
    if (rc == 1 || strcmp(t->arn, arn_text) != 0) {
        store_sns_topic_clear(t);
        return call_error(c, "ResourceNotFound", "Resource does not exist");
    }
    return SIM_OK;
}

static int op_TagResource(struct call *c)
{
    struct sns_scope sc = scope(c);
    struct sns_topic t = {0};
    const cJSON *tags = param(c->in, "Tags");
    if (tagged_topic(c, &sc, &t) != SIM_OK)
        return SIM_ERROR;
    int64_t have = 0;
    int rc = store_sns_tag_count(&sc, t.arn, &have);
    /* keys already set are replaced, not added */
    const cJSON *tag;
    cJSON_ArrayForEach(tag, tags)
    {
        char *v = NULL;
        const char *k = param_str(tag, "Key");
        if (rc == 0 && k && store_sns_tag_get(&sc, t.arn, k, &v) == 0)
            have--;
        free(v);
    }
    if (rc != 0) {
        store_sns_topic_clear(&t);
        return store_failed(c);
    }
    if (check_tags(c, tags, have) != SIM_OK) {
        store_sns_topic_clear(&t);
        return SIM_ERROR;
    }
    cJSON_ArrayForEach(tag, tags)
    {
        const char *k = param_str(tag, "Key"), *v = param_str(tag, "Value");
        if (rc == 0 && k)
            rc = store_sns_tag_set(&sc, t.arn, k, v ? v : "");
    }
    store_sns_topic_clear(&t);
    if (rc != 0)
        return store_failed(c);
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

static int op_UntagResource(struct call *c)
{
    struct sns_scope sc = scope(c);
    struct sns_topic t = {0};
    if (tagged_topic(c, &sc, &t) != SIM_OK)
        return SIM_ERROR;
    int rc = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, param(c->in, "TagKeys"))
    {
        if (rc == 0 && cJSON_IsString(k))
            rc = store_sns_tag_remove(&sc, t.arn, k->valuestring);
    }
    store_sns_topic_clear(&t);
    if (rc != 0)
        return store_failed(c);
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

static int op_ListTagsForResource(struct call *c)
{
    struct sns_scope sc = scope(c);
    struct sns_topic t = {0};
    if (tagged_topic(c, &sc, &t) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    int rc = store_sns_tags(&sc, t.arn, cJSON_AddArrayToObject(c->out, "Tags"));
    store_sns_topic_clear(&t);
    return rc == 0 ? SIM_OK : store_failed(c);
}

static const struct sim_op sns_ops[] = {
    {"ConfirmSubscription", op_ConfirmSubscription, OP_WRITE},
    {"CreateTopic", op_CreateTopic, OP_WRITE},
    {"DeleteTopic", op_DeleteTopic, OP_WRITE},
    {"GetSubscriptionAttributes", op_GetSubscriptionAttributes, OP_READ},
    {"GetTopicAttributes", op_GetTopicAttributes, OP_READ},
    {"ListSubscriptions", op_ListSubscriptions, OP_READ},
    {"ListSubscriptionsByTopic", op_ListSubscriptionsByTopic, OP_READ},
    {"ListTagsForResource", op_ListTagsForResource, OP_READ},
    {"ListTopics", op_ListTopics, OP_READ},
    {"Publish", op_Publish, OP_WRITE},
    {"SetSubscriptionAttributes", op_SetSubscriptionAttributes, OP_WRITE},
    {"SetTopicAttributes", op_SetTopicAttributes, OP_WRITE},
    {"Subscribe", op_Subscribe, OP_WRITE},
    {"TagResource", op_TagResource, OP_WRITE},
    {"Unsubscribe", op_Unsubscribe, OP_WRITE},
    {"UntagResource", op_UntagResource, OP_WRITE},
    {NULL, NULL, 0},
};

struct sim_service service_sns = {
    .name = "sns",
    .ops = sns_ops,
    .vstyle = VS_CORAL_QUERY,
};
