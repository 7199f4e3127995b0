/*
 * logs.c - CloudWatch Logs, spoken as awsJson 1.1 ("Logs_20140328.<Op>").
 *
 * Operations here: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, PutRetentionPolicy,
 * DeleteRetentionPolicy, CreateLogStream, DeleteLogStream, DescribeLogStreams, PutLogEvents,
 * GetLogEvents, FilterLogEvents (filter patterns from sim/insights/filter_pattern.h),
 * TagResource, UntagResource, ListTagsForResource and the older TagLogGroup, UntagLogGroup,
 * ListTagsLogGroup. The Logs Insights operations are in logs_insights.c; their rows are in the
 * op table at the end of this file. Every time is a long of epoch milliseconds.
 *
 * The model's validation (required members, lengths, patterns, ranges) has already run when
 * a handler starts, in the coral wording with Logs' code, InvalidParameterException; the
 * handlers add the rules of the CloudWatch Logs API reference, with the error texts AWS sends
 * where public issue trackers quote them (the MSG_ macros; the few texts drillsim had to
 * word itself say so). Storage is sim/store/logs.c (groups, streams, events, tags); retention
 * is enforced by the engine on sim time (sim/engine/logs.c). Rows are scoped by the caller's
 * (account, region); every timestamp drillsim sets comes from c->now_ms.
 *
 * Decisions where AWS is not pinned down (each is commented where it is made):
 *   - Tokens: DescribeLogGroups resumes after the group name it returns as nextToken (as AWS
 *     does); DescribeLogStreams, GetLogEvents and FilterLogEvents tokens encode the position
 *     of the last item, so they never repeat and survive new writes.
 *   - searchedLogStreams is always [] (AWS: "As of May 15, 2020 ... returns an empty list");
 *     interleaved is ignored (AWS always interleaves).
 *   - Unknown names in FilterLogEvents logStreamNames are ignored.
 *   - KMS is not simulated: any kmsKeyId is stored and reported.
 *
 * To add an operation: list it in sim/services/models/ops.json and regenerate the models,
 * write op_<Name> here and add its row to logs_ops, put new queries in sim/store/logs.c, and
 * cover it in tests/e2e/test_logs.py.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "insights/filter_pattern.h"
#include "services/logs_int.h"
#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "store/logs.h"
#include "util/xmalloc.h"

#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL
#define MAX_BATCH_BYTES 1048576LL /* messages in UTF-8 + 26 bytes per event */
#define EVENT_OVERHEAD 26
#define MAX_EVENT_BYTES 1048576LL /* one event, message + 26 (the quota is 1 MB since 2025) */
#define MAX_FUTURE_MS (2 * HOUR_MS)
#define MAX_PAST_MS (14 * DAY_MS)
#define MAX_SPAN_MS (24 * HOUR_MS)
#define MAX_RESPONSE_BYTES 1048576 /* GetLogEvents / FilterLogEvents without a limit */
#define DEFAULT_EVENTS 10000
#define DEFAULT_DESCRIBE 50
#define MAX_TAGS 50
#define STREAM_SOURCES_MAX 64 /* above: scan the group and filter streams in C */

/* AWS's texts (see the file header). */
#define MSG_GROUP_EXISTS "The specified log group already exists"
#define MSG_STREAM_EXISTS "The specified log stream already exists"
#define MSG_NO_GROUP "The specified log group does not exist."
#define MSG_NO_STREAM "The specified log stream does not exist."
#define MSG_RESERVED "Log groups starting with AWS/ are reserved for AWS."
#define MSG_ORDER "Log events in a single PutLogEvents request must be in chronological order."
#define MSG_SPAN                                                                               \
    "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
#define MSG_UPLOAD_TOO_LARGE "Upload too large: %lld bytes exceeds limit of %lld"
#define MSG_EVENT_TOO_LARGE "Log event too large: %lld bytes exceeds limit of %lld"
#define MSG_BAD_TOKEN "The specified nextToken is invalid."
#define MSG_ORDER_PREFIX "Cannot order by LastEventTime with a logStreamNamePrefix."
#define MSG_PROTECTED                                                                          \
    "Cannot delete log group with deletion protection enabled. Disable deletion protection "  \
    "first."
#define MSG_RETENTION                                                                          \
    "1 validation error detected: Value '%lld' at 'retentionInDays' failed to satisfy "       \
    "constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, " \
    "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]"
/* drillsim's wording: AWS's exact texts for these were not found */
#define MSG_PREFIX_AND_PATTERN                                                                 \
    "logGroupNamePrefix and logGroupNamePattern are mutually exclusive. Only one of these "    \
    "parameters can be passed."
#define MSG_NAMES_AND_PREFIX "Cannot specify both logStreamNames and logStreamNamePrefix."
#define MSG_NAME_AND_IDENTIFIER                                                                \
    "Specify either logGroupName or logGroupIdentifier, but not both."
#define MSG_NEED_GROUP "Either logGroupName or logGroupIdentifier must be specified."
#define MSG_BAD_IDENTIFIER "The specified log group identifier is not valid: %s"
#define MSG_BAD_ARN "The specified resource ARN is not valid: %s"
#define MSG_TOO_MANY_TAGS "A resource can have no more than 50 tags."

static const int retention_days[] = {1,   3,   5,   7,    14,   30,   60,   90,
                                     120, 150, 180, 365,  400,  545,  731,  1096,
                                     1827, 2192, 2557, 2922, 3288, 3653};

/* ---- small helpers ------------------------------------------------------------------- */

static struct logs_scope scope_of(const struct call *c)
{
    struct logs_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

/* Records the answer to a failed store call: Logs' modeled 500. Returns SIM_ERROR. */
static int store_failed(struct call *c)
{
    return call_error(c, "ServiceUnavailableException",
                      "The service cannot complete the request.");
}

static int no_group(struct call *c)
{
    return call_error(c, "ResourceNotFoundException", MSG_NO_GROUP);
}

static int invalid(struct call *c, const char *msg)
{
    return call_error(c, "InvalidParameterException", "%s", msg);
}

/* Returns the log group's ARN (caller frees); star adds AWS's ":*" (the `arn` member). */
static char *group_arn(const struct call *c, const char *name, int star)
{
    return xasprintf("arn:aws:logs:%s:%s:log-group:%s%s", c->tenant.region, c->tenant.account,
                     name, star ? ":*" : "");
}

/*
 * Parses a log group ARN, "arn:<partition>:logs:<region>:<account>:log-group:<name>" with an
 * optional ":*", into name (size >= 600). Returns 0, 1 when the ARN is another tenant's
 * (account or region differ), -1 when it is not a log group ARN.
 */
static int parse_group_arn(const struct call *c, const char *arn, char *name, size_t size)
{
    char part[32], svc[16], region[40], account[16];
    int n = 0;
    if (sscanf(arn, "arn:%31[^:]:%15[^:]:%39[^:]:%15[^:]:log-group:%n", part, svc, region,
               account, &n) != 4 ||
        n == 0 || strcmp(svc, "logs") != 0)
        return -1;
    const char *rest = arn + n;
    size_t len = strcspn(rest, ":");
    if (len == 0 || len >= size || (rest[len] != '\0' && strcmp(rest + len, ":*") != 0))
        return -1;
    memcpy(name, rest, len);
    name[len] = '\0';
    if (strcmp(region, c->tenant.region) != 0 || strcmp(account, c->tenant.account) != 0)
        return 1;
    return 0;
}

/*
 * Reads the log group an operation names by logGroupName or logGroupIdentifier (a name or
 * an ARN), exactly one of them, into name (size >= 600). Returns SIM_OK, or SIM_ERROR with
 * the error set (another tenant's ARN reads as a group that does not exist).
 */
static int group_param(struct call *c, char *name, size_t size)
{
    const char *gname = param_str(c->in, "logGroupName");
    const char *ident = param_str(c->in, "logGroupIdentifier");
    if (gname && ident)
        return invalid(c, MSG_NAME_AND_IDENTIFIER);
    if (!gname && !ident)
        return invalid(c, MSG_NEED_GROUP);
    if (gname || strncmp(ident, "arn:", 4) != 0) {
        snprintf(name, size, "%s", gname ? gname : ident);
        return SIM_OK;
    }
    int rc = parse_group_arn(c, ident, name, size);
    if (rc < 0)
        return call_error(c, "InvalidParameterException", MSG_BAD_IDENTIFIER, ident);
    return rc == 0 ? SIM_OK : no_group(c);
}

/* Loads the group into *g (zeroed; the caller clears it). Returns SIM_OK or SIM_ERROR
 * (ResourceNotFoundException when there is no such group). */
static int load_group(struct call *c, const char *name, struct logs_group *g)
{
    struct logs_scope sc = scope_of(c);
    int rc = logs_group_get(&sc, name, g);
    if (rc < 0)
        return store_failed(c);
    return rc == 0 ? SIM_OK : no_group(c);
}

/* Formats a position (timestamp, event id) as the 56 digits AWS's tokens and event ids
 * have. */
static void pos_digits(char out[64], int64_t ts, int64_t id)
{
    snprintf(out, 64, "%020" PRId64 "%036" PRId64, ts < 0 ? 0 : ts, id < 0 ? 0 : id);
}

/* Returns "<kind>/<56 digits>/s" for a position (caller frees). */
static char *pos_token(char kind, int64_t ts, int64_t id)
{
    char digits[64];
    pos_digits(digits, ts, id);
    return xasprintf("%c/%s/s", kind, digits);
}

/* Parses a token of pos_token. Returns 0 and sets *kind, *ts, *id, or -1. */
static int parse_pos_token(const char *tok, char *kind, int64_t *ts, int64_t *id)
{
    if (strlen(tok) != 60 || tok[1] != '/' || strcmp(tok + 58, "/s") != 0)
        return -1;
    int64_t t = 0, i = 0;
    for (int k = 2; k < 58; k++) {
        if (tok[k] < '0' || tok[k] > '9')
            return -1;
    }
    /* 20 digits of timestamp, 36 of id: both must fit an int64 (their leading digits 0) */
    for (int k = 2; k < 22; k++) {
        if (t > (INT64_MAX - (tok[k] - '0')) / 10)
            return -1;
        t = t * 10 + (tok[k] - '0');
    }
    for (int k = 22; k < 58; k++) {
        if (i > (INT64_MAX - (tok[k] - '0')) / 10)
            return -1;
        i = i * 10 + (tok[k] - '0');
    }
    *kind = tok[0];
    *ts = t;
    *id = i;
    return 0;
}

/* The upload sequence token of a stream: 56 digits, different for every PutLogEvents. */
static void seq_token(char out[64], int64_t stream_id, int64_t seq)
{
    snprintf(out, 64, "49%024" PRId64 "%030" PRId64, stream_id, seq);
}

static void add_ms(cJSON *obj, const char *name, int64_t ms)
{
    cJSON_AddNumberToObject(obj, name, (double)ms);
}

/* ---- groups ----------------------------------------------------------------------------- */

static int op_CreateLogGroup(struct call *c)
{
    const char *name = param_str(c->in, "logGroupName");
    const char *kms = param_str(c->in, "kmsKeyId");
    const char *cls = param_str(c->in, "logGroupClass");
    cJSON *tags = param(c->in, "tags");
    if (strncasecmp(name, "aws/", 4) == 0)
        return invalid(c, MSG_RESERVED);
    struct logs_scope sc = scope_of(c);
    int64_t id;
    int rc = logs_group_create(&sc, name, c->now_ms, kms, cls ? cls : "STANDARD",
                               param_bool(c->in, "deletionProtectionEnabled", 0), &id);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "ResourceAlreadyExistsException", MSG_GROUP_EXISTS);
    cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        if (cJSON_IsString(t) && logs_tag_set(&sc, name, t->string, t->valuestring) != 0)
            return store_failed(c);
    }
    return SIM_OK;
}

static int op_DeleteLogGroup(struct call *c)
{
    const char *name = param_str(c->in, "logGroupName");
    struct logs_group g = {0};
    if (load_group(c, name, &g) != SIM_OK)
        return SIM_ERROR;
    int protect = g.deletion_protection;
    logs_group_clear(&g);
    if (protect)
        return call_error(c, "ValidationException", MSG_PROTECTED);
    struct logs_scope sc = scope_of(c);
    return logs_group_delete(&sc, name) == 0 ? SIM_OK : store_failed(c);
}

struct describe_groups {
    struct call *c;
    cJSON *list;
    const char *pattern; /* case-sensitive substring, or NULL */
    const char *cls;     /* logGroupClass filter, or NULL */
    char **idents;       /* logGroupIdentifiers as names, or NULL */
    int nidents;
    int limit;
    int count;
    int more;
    char *last; /* name of the last group listed (owned) */
};

static int describe_group(void *ctx, const struct logs_group *g)
{
    struct describe_groups *d = ctx;
    if (d->pattern && strstr(g->name, d->pattern) == NULL)
        return 0;
    if (d->cls && strcmp(g->log_class, d->cls) != 0)
        return 0;
    if (d->idents) {
        int found = 0;
        for (int i = 0; i < d->nidents && !found; i++)
            found = strcmp(d->idents[i], g->name) == 0;
        if (!found)
            return 0;
    }
    if (d->count == d->limit) {
        d->more = 1;
        return 1;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "logGroupName", g->name);
    add_ms(o, "creationTime", g->created_ms);
    char *arn = group_arn(d->c, g->name, 1);
    if (d->pattern) {
        /* AWS: with logGroupNamePattern only arn, creationTime and logGroupName come back */
        cJSON_AddStringToObject(o, "arn", arn);
    } else {
        if (g->retention_days > 0)
            cJSON_AddNumberToObject(o, "retentionInDays", g->retention_days);
        cJSON_AddNumberToObject(o, "metricFilterCount", 0);
        cJSON_AddStringToObject(o, "arn", arn);
        add_ms(o, "storedBytes", g->stored_bytes);
        if (g->kms_key_id)
            cJSON_AddStringToObject(o, "kmsKeyId", g->kms_key_id);
        cJSON_AddStringToObject(o, "logGroupClass", g->log_class);
        char *plain = group_arn(d->c, g->name, 0);
        cJSON_AddStringToObject(o, "logGroupArn", plain);
        free(plain);
        cJSON_AddBoolToObject(o, "deletionProtectionEnabled", g->deletion_protection != 0);
    }
    free(arn);
    cJSON_AddItemToArray(d->list, o);
    d->count++;
    free(d->last);
    d->last = xstrdup(g->name);
    return 0;
}

static int op_DescribeLogGroups(struct call *c)
{
    const char *prefix = param_str(c->in, "logGroupNamePrefix");
    const char *pattern = param_str(c->in, "logGroupNamePattern");
    const char *token = param_str(c->in, "nextToken");
    if (prefix && pattern)
        return invalid(c, MSG_PREFIX_AND_PATTERN);
    struct describe_groups d = {
        .c = c,
        .list = cJSON_CreateArray(),
        .pattern = pattern && *pattern ? pattern : NULL,
        .cls = param_str(c->in, "logGroupClass"),
        .limit = (int)param_int(c->in, "limit", DEFAULT_DESCRIBE),
    };
    int rc = SIM_ERROR;
    cJSON *idents = param(c->in, "logGroupIdentifiers");
    if (idents) {
        d.idents = xcalloc((size_t)cJSON_GetArraySize(idents) + 1, sizeof *d.idents);
        cJSON *it;
        cJSON_ArrayForEach(it, idents)
        {
            char name[600];
            const char *s = cJSON_IsString(it) ? it->valuestring : "";
            if (strncmp(s, "arn:", 4) == 0) {
                if (parse_group_arn(c, s, name, sizeof name) != 0)
                    continue; /* another tenant's, or not a group: matches nothing */
                s = name;
            }
            d.idents[d.nidents++] = xstrdup(s);
        }
    }
    /* the token is the name of the last group of the previous page, as with AWS */
    struct logs_scope sc = scope_of(c);
    if (logs_group_each(&sc, token, prefix, describe_group, &d) != 0) {
        rc = store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "logGroups", d.list);
    d.list = NULL;
    if (d.more)
        cJSON_AddStringToObject(c->out, "nextToken", d.last);
    rc = SIM_OK;
out:
    cJSON_Delete(d.list);
    for (int i = 0; i < d.nidents; i++)
        free(d.idents[i]);
    free(d.idents);
    free(d.last);
    return rc;
}

static int op_PutRetentionPolicy(struct call *c)
{
    const char *name = param_str(c->in, "logGroupName");
    int64_t days = param_int(c->in, "retentionInDays", 0);
    int ok = 0;
    for (size_t i = 0; i < sizeof retention_days / sizeof *retention_days; i++)
        ok |= retention_days[i] == days;
    if (!ok)
        return call_error(c, "InvalidParameterException", MSG_RETENTION, (long long)days);
    struct logs_scope sc = scope_of(c);
    int rc = logs_group_set_retention(&sc, name, (int)days);
    if (rc < 0)
        return store_failed(c);
    return rc == 0 ? SIM_OK : no_group(c);
}

static int op_DeleteRetentionPolicy(struct call *c)
{
    struct logs_scope sc = scope_of(c);
    int rc = logs_group_set_retention(&sc, param_str(c->in, "logGroupName"), 0);
    if (rc < 0)
        return store_failed(c);
    return rc == 0 ? SIM_OK : no_group(c);
}

/* ---- streams ---------------------------------------------------------------------------- */

static int op_CreateLogStream(struct call *c)
{
    struct logs_group g = {0};
    if (load_group(c, param_str(c->in, "logGroupName"), &g) != SIM_OK)
        return SIM_ERROR;
    int rc = logs_stream_create(c->sim->store, g.id, param_str(c->in, "logStreamName"),
                                c->now_ms);
    logs_group_clear(&g);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "ResourceAlreadyExistsException", MSG_STREAM_EXISTS);
    return SIM_OK;
}

static int op_DeleteLogStream(struct call *c)
{
    struct logs_group g = {0};
    if (load_group(c, param_str(c->in, "logGroupName"), &g) != SIM_OK)
        return SIM_ERROR;
    int rc = logs_stream_delete(c->sim->store, g.id, param_str(c->in, "logStreamName"));
    logs_group_clear(&g);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "ResourceNotFoundException", MSG_NO_STREAM);
    return SIM_OK;
}

struct describe_streams {
    struct call *c;
    const char *group;
    int64_t group_id;
    cJSON *list;
    int limit;
    int count;
    int more;
    int by_time;
    char *last_token; /* the token that resumes after the last stream listed (owned) */
};

static int describe_stream(void *ctx, const struct logs_stream *s)
{
    struct describe_streams *d = ctx;
    if (d->count == d->limit) {
        d->more = 1;
        return 1;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "logStreamName", s->name);
    add_ms(o, "creationTime", s->created_ms);
    if (s->has_events) {
        add_ms(o, "firstEventTimestamp", s->first_ts_ms);
        add_ms(o, "lastEventTimestamp", s->last_ts_ms);
        add_ms(o, "lastIngestionTime", s->last_ingest_ms);
    }
    if (s->seq > 0) {
        char tok[64];
        seq_token(tok, s->id, s->seq);
        cJSON_AddStringToObject(o, "uploadSequenceToken", tok);
    }
    char *arn = group_arn(d->c, d->group, 0);
    char *sarn = xasprintf("%s:log-stream:%s", arn, s->name);
    cJSON_AddStringToObject(o, "arn", sarn);
    free(sarn);
    free(arn);
    /* AWS: "As of June 17, 2019, this parameter is no longer supported for log streams, and
     * is always reported as zero." */
    cJSON_AddNumberToObject(o, "storedBytes", 0);
    cJSON_AddItemToArray(d->list, o);
    d->count++;
    free(d->last_token);
    if (d->by_time)
        d->last_token = xasprintf("t/%" PRId64 "/%s", s->has_events ? s->last_ts_ms : 0,
                                  s->name);
    else
        d->last_token = xasprintf("n/%s", s->name);
    return 0;
}

static int op_DescribeLogStreams(struct call *c)
{
    char gname[600];
    if (group_param(c, gname, sizeof gname) != SIM_OK)
        return SIM_ERROR;
    const char *order = param_str(c->in, "orderBy");
    const char *prefix = param_str(c->in, "logStreamNamePrefix");
    const char *token = param_str(c->in, "nextToken");
    int by_time = order && strcmp(order, "LastEventTime") == 0;
    if (by_time && prefix)
        return invalid(c, MSG_ORDER_PREFIX);
    struct logs_stream_order o = {
        .by_last_event = by_time,
        .desc = param_bool(c->in, "descending", 0),
        .prefix = prefix,
    };
    char *after = NULL;
    if (token) {
        /* "n/<name>" (by name) or "t/<lastEventTimestamp>/<name>" (by event time) */
        if (!by_time && strncmp(token, "n/", 2) == 0 && token[2]) {
            o.after_name = token + 2;
        } else if (by_time && strncmp(token, "t/", 2) == 0) {
            char *end;
            long long ts = strtoll(token + 2, &end, 10);
            if (end == token + 2 || *end != '/' || end[1] == '\0')
                return invalid(c, MSG_BAD_TOKEN);
            o.after_ts_ms = ts;
            after = xstrdup(end + 1);
            o.after_name = after;
        } else {
            return invalid(c, MSG_BAD_TOKEN);
        }
    }
    struct logs_group g = {0};
    if (load_group(c, gname, &g) != SIM_OK) {
        free(after);
        return SIM_ERROR;
    }
    struct describe_streams d = {
        .c = c,
        .group = gname,
        .group_id = g.id,
        .list = cJSON_CreateArray(),
        .limit = (int)param_int(c->in, "limit", DEFAULT_DESCRIBE),
        .by_time = by_time,
    };
    logs_group_clear(&g);
    int rc = logs_stream_each(c->sim->store, d.group_id, &o, describe_stream, &d);
    free(after);
    if (rc != 0) {
        cJSON_Delete(d.list);
        free(d.last_token);
        return store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "logStreams", d.list);
    if (d.more)
        cJSON_AddStringToObject(c->out, "nextToken", d.last_token);
    free(d.last_token);
    return SIM_OK;
}

/* ---- PutLogEvents -------------------------------------------------------------------------- */

/*
 * The batch rules, in the order they are checked (every one before anything is written, and
 * the handler runs in one transaction, so a rejected request leaves nothing behind):
 * event size, batch size (messages in UTF-8 + 26 bytes each), chronological order, the 24 h
 * span of the events that are neither too old (14 days) nor too new (2 h); then the group and
 * the stream must exist; then events before the group's retention are "expired". Too old,
 * too new and expired events are reported in rejectedLogEventsInfo and the rest is stored.
 */
static int op_PutLogEvents(struct call *c)
{
    const char *gname = param_str(c->in, "logGroupName");
    const char *sname = param_str(c->in, "logStreamName");
    cJSON *list = param(c->in, "logEvents");
    int n = cJSON_GetArraySize(list);
    int rc = SIM_ERROR;
    struct logs_put_event *ev = xcalloc((size_t)(n > 0 ? n : 1), sizeof *ev);
    struct logs_group g = {0};
    struct logs_stream s = {0};
    int64_t total = 0;
    int i = 0;
    cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        const char *msg = param_str(item, "message");
        ev[i].ts_ms = param_int(item, "timestamp", 0);
        ev[i].message = msg ? msg : "";
        ev[i].len = strlen(ev[i].message);
        int64_t size = (int64_t)ev[i].len + EVENT_OVERHEAD;
        if (size > MAX_EVENT_BYTES) {
            call_error(c, "InvalidParameterException", MSG_EVENT_TOO_LARGE, (long long)size,
                       (long long)MAX_EVENT_BYTES);
            goto out;
        }
        total += size;
        i++;
    }
    if (total > MAX_BATCH_BYTES) {
        call_error(c, "InvalidParameterException", MSG_UPLOAD_TOO_LARGE, (long long)total,
                   (long long)MAX_BATCH_BYTES);
        goto out;
    }
    for (i = 1; i < n; i++) {
        if (ev[i].ts_ms < ev[i - 1].ts_ms) {
            invalid(c, MSG_ORDER);
            goto out;
        }
    }
    /* chronological: too old ones lead, too new ones trail */
    int64_t now = c->now_ms;
    int old_end = 0, new_start = n;
    while (old_end < n && ev[old_end].ts_ms < now - MAX_PAST_MS)
        old_end++;
    while (new_start > old_end && ev[new_start - 1].ts_ms > now + MAX_FUTURE_MS)
        new_start--;
    if (new_start > old_end && ev[new_start - 1].ts_ms - ev[old_end].ts_ms > MAX_SPAN_MS) {
        invalid(c, MSG_SPAN);
        goto out;
    }
    if (load_group(c, gname, &g) != SIM_OK)
        goto out;
    int src = logs_stream_get(c->sim->store, g.id, sname, &s);
    if (src != 0) {
        if (src < 0)
            store_failed(c);
        else
            call_error(c, "ResourceNotFoundException", MSG_NO_STREAM);
        goto out;
    }
    int expired_end = 0;
    if (g.retention_days > 0) {
        int64_t cutoff = now - (int64_t)g.retention_days * DAY_MS;
        while (expired_end < n && ev[expired_end].ts_ms < cutoff)
            expired_end++;
    }
    int first = old_end > expired_end ? old_end : expired_end;
    int count = new_start > first ? new_start - first : 0;
    int64_t seq = 0;
    if (logs_put(c->sim->store, g.id, s.id, ev + first, count, now, &seq) != 0) {
        store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    char tok[64];
    seq_token(tok, s.id, seq);
    cJSON_AddStringToObject(c->out, "nextSequenceToken", tok);
    if (old_end > 0 || expired_end > 0 || new_start < n) {
        cJSON *rej = cJSON_AddObjectToObject(c->out, "rejectedLogEventsInfo");
        /* AWS: tooNewLogEventStartIndex is inclusive, tooOldLogEventEndIndex exclusive; the
         * expired index is taken as exclusive too */
        if (new_start < n)
            cJSON_AddNumberToObject(rej, "tooNewLogEventStartIndex", new_start);
        if (old_end > 0)
            cJSON_AddNumberToObject(rej, "tooOldLogEventEndIndex", old_end);
        if (expired_end > 0)
            cJSON_AddNumberToObject(rej, "expiredLogEventEndIndex", expired_end);
    }
    rc = SIM_OK;
out:
    free(ev);
    logs_group_clear(&g);
    logs_stream_clear(&s);
    return rc;
}

/* ---- reading events ------------------------------------------------------------------------ */

/* FilterLogEvents over many streams: the names kept, sorted (for bsearch). */
struct name_filter {
    char **names;
    int n;
};

/* Collects events for GetLogEvents and FilterLogEvents. */
struct collect {
    cJSON **items; /* in scan order */
    int n, cap;
    int limit;         /* events per page */
    int64_t max_bytes; /* 0 = no byte cap */
    int64_t bytes;
    int filtered; /* FilterLogEvents: carries logStreamName and eventId */
    int more;     /* a further event exists after the page */
    int64_t last_ts, last_id, first_ts, first_id;
    const struct fp_pattern *pattern;  /* FilterLogEvents: NULL = every event */
    const struct name_filter *only;    /* FilterLogEvents: NULL = every stream */
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_event(void *ctx, const struct log_event *e)
{
    struct collect *k = ctx;
    if (k->pattern && !fp_match(k->pattern, e->message, e->message_len))
        return 0;
    int64_t size = (int64_t)e->message_len + EVENT_OVERHEAD;
    if (k->n == k->limit || (k->max_bytes && k->n > 0 && k->bytes + size > k->max_bytes)) {
        k->more = 1;
        return 1;
    }
    cJSON *o = cJSON_CreateObject();
    if (k->filtered)
        cJSON_AddStringToObject(o, "logStreamName", e->stream);
    add_ms(o, "timestamp", e->ts_ms);
    cJSON_AddStringToObject(o, "message", e->message);
    add_ms(o, "ingestionTime", e->ingest_ms);
    if (k->filtered) {
        char id[64];
        pos_digits(id, e->ts_ms, e->id);
        cJSON_AddStringToObject(o, "eventId", id);
    }
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 64;
        k->items = xrealloc(k->items, (size_t)k->cap * sizeof *k->items);
    }
    k->items[k->n++] = o;
    k->bytes += size;
    if (k->n == 1) {
        k->first_ts = e->ts_ms;
        k->first_id = e->id;
    }
    k->last_ts = e->ts_ms;
    k->last_id = e->id;
    return 0;
}

static void collect_free(struct collect *k)
{
    for (int i = 0; i < k->n; i++)
        cJSON_Delete(k->items[i]);
    free(k->items);
    k->items = NULL;
    k->n = 0;
}

/* Moves the collected events into a new array, reversed if reverse. */
static cJSON *collect_take(struct collect *k, int reverse)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < k->n; i++)
        cJSON_AddItemToArray(arr, k->items[reverse ? k->n - 1 - i : i]);
    free(k->items);
    k->items = NULL;
    k->n = 0;
    return arr;
}

/*
 * GetLogEvents. Positions are (timestamp, event id); a forward token f/P continues with the
 * events after P, a backward token b/P with the events before P, in the stream's
 * [startTime, endTime) window. Without a token: the first events (startFromHead) or the last
 * ones. Events come back oldest first. When a token finds nothing more, the same token comes
 * back, as AWS does (the end of the stream).
 */
static int op_GetLogEvents(struct call *c)
{
    char gname[600];
    if (group_param(c, gname, sizeof gname) != SIM_OK)
        return SIM_ERROR;
    const char *sname = param_str(c->in, "logStreamName");
    const char *token = param_str(c->in, "nextToken");
    int64_t start = param_int(c->in, "startTime", 0);
    int64_t end = param(c->in, "endTime") ? param_int(c->in, "endTime", 0) - 1 : INT64_MAX;
    char kind = 0;
    int64_t pts = 0, pid = 0;
    if (token && (parse_pos_token(token, &kind, &pts, &pid) != 0 || (kind != 'f' && kind != 'b')))
        return invalid(c, MSG_BAD_TOKEN);
    struct logs_group g = {0};
    if (load_group(c, gname, &g) != SIM_OK)
        return SIM_ERROR;
    struct logs_stream s = {0};
    int rc = logs_stream_get(c->sim->store, g.id, sname, &s);
    if (rc != 0) {
        logs_group_clear(&g);
        return rc < 0 ? store_failed(c)
                      : call_error(c, "ResourceNotFoundException", MSG_NO_STREAM);
    }
    struct logs_source src = {.by_stream = 1, .id = s.id, .group = gname};
    logs_group_clear(&g);
    logs_stream_clear(&s);
    struct collect k = {.limit = (int)param_int(c->in, "limit", DEFAULT_EVENTS)};
    if (!param(c->in, "limit"))
        k.max_bytes = MAX_RESPONSE_BYTES;
    int desc;
    struct logs_cursor cur = {0};
    if (token) {
        desc = kind == 'b';
        cur.ts_ms = pts;
        cur.id = pid;
        cur.started = 1;
    } else {
        desc = !param_bool(c->in, "startFromHead", 0);
    }
    if (logs_events_scan(c->sim->store, &src, 1, start, end, desc, NULL, &cur, k.limit + 1,
                         collect_event, &k) < 0) {
        collect_free(&k);
        return store_failed(c);
    }
    c->out = cJSON_CreateObject();
    int n = k.n;
    int64_t fts = desc ? k.last_ts : k.first_ts, fid = desc ? k.last_id : k.first_id;
    int64_t lts = desc ? k.first_ts : k.last_ts, lid = desc ? k.first_id : k.last_id;
    cJSON_AddItemToObject(c->out, "events", collect_take(&k, desc));
    char *fwd, *back;
    if (n > 0) {
        fwd = pos_token('f', lts, lid);
        back = pos_token('b', fts, fid);
    } else if (token && kind == 'f') {
        fwd = xstrdup(token);
        back = pos_token('b', pts, pid + 1); /* the events up to and with P */
    } else if (token) {
        back = xstrdup(token);
        fwd = pos_token('f', pts, pid > 0 ? pid - 1 : 0); /* P and what follows */
    } else {
        fwd = pos_token('f', start, 0); /* event ids start at 1: everything from start */
        back = pos_token('b', start, 0);
    }
    cJSON_AddStringToObject(c->out, "nextForwardToken", fwd);
    cJSON_AddStringToObject(c->out, "nextBackwardToken", back);
    free(fwd);
    free(back);
    return SIM_OK;
}

static int filter_by_name(void *ctx, const struct log_event *e)
{
    struct collect *k = ctx;
    const char *key = e->stream;
    if (bsearch(&key, k->only->names, (size_t)k->only->n, sizeof *k->only->names, cmp_str) ==
        NULL)
        return 0;
    return collect_event(ctx, e);
}

struct stream_pick {
    int64_t *ids;
    char **names;
    int n, cap;
};

static int pick_stream(void *ctx, const struct logs_stream *s)
{
    struct stream_pick *p = ctx;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->ids = xrealloc(p->ids, (size_t)p->cap * sizeof *p->ids);
        p->names = xrealloc(p->names, (size_t)p->cap * sizeof *p->names);
    }
    p->ids[p->n] = s->id;
    p->names[p->n] = xstrdup(s->name);
    p->n++;
    return 0;
}

/*
 * FilterLogEvents: the group's events in [startTime, endTime] (both inclusive), oldest first
 * across streams, that match the filter pattern, from the streams named or prefixed. A page
 * ends at limit events (10,000 and 1 MB by default); nextToken (the position of the page's
 * last event) is returned only when a further matching event exists.
 */
static int op_FilterLogEvents(struct call *c)
{
    char gname[600];
    if (group_param(c, gname, sizeof gname) != SIM_OK)
        return SIM_ERROR;
    cJSON *names = param(c->in, "logStreamNames");
    const char *prefix = param_str(c->in, "logStreamNamePrefix");
    const char *pattern_text = param_str(c->in, "filterPattern");
    const char *token = param_str(c->in, "nextToken");
    if (names && prefix)
        return invalid(c, MSG_NAMES_AND_PREFIX);
    char kind = 0;
    int64_t pts = 0, pid = 0;
    if (token && (parse_pos_token(token, &kind, &pts, &pid) != 0 || kind != 'n'))
        return invalid(c, MSG_BAD_TOKEN);
    struct fp_pattern *pattern = NULL;
    if (pattern_text) {
        char *err = NULL;
        if (fp_compile(pattern_text, &pattern, &err) != 0) {
            call_error(c, "InvalidParameterException", "%s", err ? err : "Invalid filter pattern");
            free(err);
            return SIM_ERROR;
        }
    }
    int rc = SIM_ERROR;
    struct logs_group g = {0};
    struct stream_pick pick = {0};
    struct logs_source *src = NULL;
    struct collect k = {
        .limit = (int)param_int(c->in, "limit", DEFAULT_EVENTS),
        .filtered = 1,
        .pattern = pattern,
    };
    struct name_filter nf = {0};
    if (!param(c->in, "limit"))
        k.max_bytes = MAX_RESPONSE_BYTES;
    if (load_group(c, gname, &g) != SIM_OK)
        goto out;
    int nsrc = 1;
    int (*fn)(void *, const struct log_event *) = collect_event;
    if (names || prefix) {
        if (names) {
            cJSON *it;
            cJSON_ArrayForEach(it, names)
            {
                struct logs_stream s = {0};
                int sr = cJSON_IsString(it) ? logs_stream_get(c->sim->store, g.id,
                                                              it->valuestring, &s)
                                            : 1;
                if (sr < 0) {
                    store_failed(c);
                    goto out;
                }
                int dup = 0;
                for (int j = 0; sr == 0 && j < pick.n; j++)
                    dup |= pick.ids[j] == s.id;
                if (sr == 0 && !dup)
                    pick_stream(&pick, &s);
                logs_stream_clear(&s);
            }
        } else {
            struct logs_stream_order o = {.prefix = prefix};
            if (logs_stream_each(c->sim->store, g.id, &o, pick_stream, &pick) != 0) {
                store_failed(c);
                goto out;
            }
        }
        if (pick.n <= STREAM_SOURCES_MAX) {
            nsrc = pick.n;
            src = xcalloc((size_t)(nsrc > 0 ? nsrc : 1), sizeof *src);
            for (int j = 0; j < nsrc; j++)
                src[j] = (struct logs_source){.by_stream = 1, .id = pick.ids[j], .group = gname};
        } else {
            /* many streams: one scan of the group, keeping the events of the streams picked */
            nf.names = pick.names;
            nf.n = pick.n;
            qsort(nf.names, (size_t)nf.n, sizeof *nf.names, cmp_str);
            k.only = &nf;
            fn = filter_by_name;
        }
    }
    if (src == NULL) {
        src = xcalloc(1, sizeof *src);
        src[0] = (struct logs_source){.by_stream = 0, .id = g.id, .group = gname};
    }
    struct logs_cursor cur = {0};
    if (token) {
        cur.ts_ms = pts;
        cur.id = pid;
        cur.started = 1;
    }
    int64_t start = param_int(c->in, "startTime", 0);
    int64_t end = param(c->in, "endTime") ? param_int(c->in, "endTime", 0) : INT64_MAX;
    if (nsrc > 0 &&
        logs_events_scan(c->sim->store, src, nsrc, start, end, 0, NULL, &cur, 0, fn, &k) < 0) {
        store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    int more = k.more;
    int64_t lts = k.last_ts, lid = k.last_id;
    cJSON_AddItemToObject(c->out, "events", collect_take(&k, 0));
    /* AWS: "As of May 15, 2020, this parameter is no longer supported. This parameter returns
     * an empty list." */
    cJSON_AddItemToObject(c->out, "searchedLogStreams", cJSON_CreateArray());
    if (more) {
        char *next = pos_token('n', lts, lid);
        cJSON_AddStringToObject(c->out, "nextToken", next);
        free(next);
    }
    rc = SIM_OK;
out:
    collect_free(&k);
    fp_free(pattern);
    logs_group_clear(&g);
    for (int j = 0; j < pick.n; j++)
        free(pick.names[j]);
    free(pick.names);
    free(pick.ids);
    free(src);
    return rc;
}

/* ---- tags ----------------------------------------------------------------------------------- */

/* Reads resourceArn as a log group of the caller into name (size >= 600), which must exist.
 * Returns SIM_OK or SIM_ERROR. */
static int tag_resource(struct call *c, char *name, size_t size)
{
    const char *arn = param_str(c->in, "resourceArn");
    int rc = parse_group_arn(c, arn, name, size);
    if (rc < 0)
        return call_error(c, "InvalidParameterException", MSG_BAD_ARN, arn);
    struct logs_scope sc = scope_of(c);
    int exists = rc == 0 ? logs_group_exists(sc.st, sc.account, sc.region, name) : 0;
    if (exists < 0)
        return store_failed(c);
    return exists ? SIM_OK : no_group(c);
}

/* Adds the tags map to group, within the limit of 50. Returns SIM_OK or SIM_ERROR. */
static int tag_group(struct call *c, const char *group, const cJSON *tags)
{
    struct logs_scope sc = scope_of(c);
    int64_t have = 0;
    if (logs_tag_count(&sc, group, &have) != 0)
        return store_failed(c);
    cJSON *current = cJSON_CreateObject();
    if (logs_tags(&sc, group, current) != 0) {
        cJSON_Delete(current);
        return store_failed(c);
    }
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        if (cJSON_GetObjectItemCaseSensitive(current, t->string) == NULL)
            have++;
    }
    cJSON_Delete(current);
    if (have > MAX_TAGS) {
        call_error(c, "TooManyTagsException", MSG_TOO_MANY_TAGS);
        return SIM_ERROR;
    }
    cJSON_ArrayForEach(t, tags)
    {
        if (cJSON_IsString(t) && logs_tag_set(&sc, group, t->string, t->valuestring) != 0)
            return store_failed(c);
    }
    return SIM_OK;
}

/* Removes the keys (a list of strings) from group. Returns SIM_OK or SIM_ERROR. */
static int untag_group(struct call *c, const char *group, const cJSON *keys)
{
    struct logs_scope sc = scope_of(c);
    const cJSON *k;
    cJSON_ArrayForEach(k, keys)
    {
        if (cJSON_IsString(k) && logs_tag_remove(&sc, group, k->valuestring) != 0)
            return store_failed(c);
    }
    return SIM_OK;
}

/* Answers {"tags": {...}} for group. Returns SIM_OK or SIM_ERROR. */
static int list_tags(struct call *c, const char *group)
{
    struct logs_scope sc = scope_of(c);
    cJSON *tags = cJSON_CreateObject();
    if (logs_tags(&sc, group, tags) != 0) {
        cJSON_Delete(tags);
        return store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "tags", tags);
    return SIM_OK;
}

static int op_TagResource(struct call *c)
{
    char name[600];
    if (tag_resource(c, name, sizeof name) != SIM_OK)
        return SIM_ERROR;
    return tag_group(c, name, param(c->in, "tags"));
}

static int op_UntagResource(struct call *c)
{
    char name[600];
    if (tag_resource(c, name, sizeof name) != SIM_OK)
        return SIM_ERROR;
    return untag_group(c, name, param(c->in, "tagKeys"));
}

static int op_ListTagsForResource(struct call *c)
{
    char name[600];
    if (tag_resource(c, name, sizeof name) != SIM_OK)
        return SIM_ERROR;
    return list_tags(c, name);
}

/* Checks that logGroupName names a group of the caller. Returns SIM_OK or SIM_ERROR. */
static int tag_group_name(struct call *c, const char **name)
{
    struct logs_scope sc = scope_of(c);
    *name = param_str(c->in, "logGroupName");
    int exists = logs_group_exists(sc.st, sc.account, sc.region, *name);
    if (exists < 0)
        return store_failed(c);
    return exists ? SIM_OK : no_group(c);
}

static int op_TagLogGroup(struct call *c)
{
    const char *name;
    if (tag_group_name(c, &name) != SIM_OK)
        return SIM_ERROR;
    return tag_group(c, name, param(c->in, "tags"));
}

static int op_UntagLogGroup(struct call *c)
{
    const char *name;
    if (tag_group_name(c, &name) != SIM_OK)
        return SIM_ERROR;
    return untag_group(c, name, param(c->in, "tags"));
}

static int op_ListTagsLogGroup(struct call *c)
{
    const char *name;
    if (tag_group_name(c, &name) != SIM_OK)
        return SIM_ERROR;
    return list_tags(c, name);
}

static const struct sim_op logs_ops[] = {
    {"CreateLogGroup", op_CreateLogGroup, OP_WRITE},
    {"DeleteLogGroup", op_DeleteLogGroup, OP_WRITE},
    {"DescribeLogGroups", op_DescribeLogGroups, OP_READ},
    {"PutRetentionPolicy", op_PutRetentionPolicy, OP_WRITE},
    {"DeleteRetentionPolicy", op_DeleteRetentionPolicy, OP_WRITE},
    {"CreateLogStream", op_CreateLogStream, OP_WRITE},
    {"DeleteLogStream", op_DeleteLogStream, OP_WRITE},
    {"DescribeLogStreams", op_DescribeLogStreams, OP_READ},
    {"PutLogEvents", op_PutLogEvents, OP_WRITE},
    {"GetLogEvents", op_GetLogEvents, OP_READ},
    {"FilterLogEvents", op_FilterLogEvents, OP_READ},
    {"TagResource", op_TagResource, OP_WRITE},
    {"UntagResource", op_UntagResource, OP_WRITE},
    {"ListTagsForResource", op_ListTagsForResource, OP_READ},
    {"TagLogGroup", op_TagLogGroup, OP_WRITE},
    {"UntagLogGroup", op_UntagLogGroup, OP_WRITE},
    {"ListTagsLogGroup", op_ListTagsLogGroup, OP_READ},
    /* logs_insights.c */
    {"StartQuery", logs_op_StartQuery, OP_WRITE},
    {"GetQueryResults", logs_op_GetQueryResults, OP_READ},
    {"StopQuery", logs_op_StopQuery, OP_WRITE},
    {"DescribeQueries", logs_op_DescribeQueries, OP_READ},
    {"GetLogRecord", logs_op_GetLogRecord, OP_READ},
    {NULL, NULL, 0},
};

struct sim_service service_logs = {
    .name = "logs",
    .ops = logs_ops,
    /* Logs answers model violations in the coral wording with InvalidParameterException
     * ("1 validation error detected: Value null at 'logEvents.1.member.timestamp' ...",
     * quoted from AWS in public issue trackers) */
    .vstyle = VS_CORAL_IPE,
};
