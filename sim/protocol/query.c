/*
 * query.c - awsQuery: form-encoded requests in, XML out (aws-wire-protocols.md section 2).
 *
 * DECODING. sim/http/route.c leaves the form fields of the URL query and the body in
 * c->form (form.c has already turned "+" and %20 into spaces). The decoder does not read
 * the keys one by one; it walks the operation's INPUT shape and looks up the keys each
 * shape would have been written under:
 *   structure member  Prefix.<loc_name or name>
 *   list              Prefix.<list member's loc_name or "member">.N
 *   flattened list    Prefix.N; a loc_name on the list member replaces Prefix's last segment
 *   map               Prefix.entry.N.<key loc_name or "key">, ...N.<value loc_name or "value">
 *                     (flattened: Prefix.N.key)
 *   empty list/map    Prefix= (the key with an empty value)
 * N counts from 1; the items may arrive in any order and with gaps, and are ordered by N.
 * The fields are sorted by key once, so every lookup is a binary search and the keys below
 * a prefix are one contiguous run. Keys that no shape asks for (Action, Version, typos) are
 * never looked at, which is how AWS treats them. Values become the neutral types (proto.h):
 *   string, blob  as sent (a blob stays base64 text)
 *   boolean       "true" / "false", in any case
 *   integer/long  optional sign and decimal digits, within int32 / int64
 *   float/double  decimal text ("12.5", "80", "-1e3"); not hexadecimal, not NaN or Infinity
 *   timestamp     ISO 8601 (timefmt_parse_iso8601) or epoch seconds ("1704067200.5")
 * Errors, after what AWS query services answer:
 *   - text that is not a value of its type, an index that is not 1..QUERY_MAX_INDEX, a
 *     value sent for a list or map key ("Statistics=Maximum"), a map entry without its key
 *     or value: MalformedInput 400, AWS's query deserialization error (CloudWatch answers
 *     "timestamp must follow ISO8601", SNS "Top level element may not be treated as a list");
 *   - NaN, Infinity or an overflowing number: InvalidParameterValue 400, "The value NaN for
 *     parameter MetricData.member.1.Value is invalid." as CloudWatch words it. The neutral
 *     document (cJSON) cannot carry them and no handler wants them.
 * Bounds: QUERY_MAX_DEPTH levels of nesting, QUERY_MAX_KEY bytes of key, QUERY_MAX_INDEX,
 * QUERY_MAX_MAP_ENTRIES; form.c bounds the number of fields.
 *
 * ENCODING streams XML into c->body while walking the OUTPUT shape with c->out (no tree):
 *   <?xml ...?><OpResponse xmlns="NS"><OpResult>members in model order</OpResult>
 *   <ResponseMetadata><RequestId>ID</RequestId></ResponseMetadata></OpResponse>
 * OpResult is the op's result_wrapper, written only when the op has output (then always,
 * even for an empty result: CLI v2 fails without it). Elements are named loc_name or name;
 * list items are the list member's loc_name or <member> (JS v3 needs the modeled name, e.g.
 * RDS <DBCluster>); a flattened list repeats its element; an empty list is <Name/>; maps
 * are <Name><entry><key>k</key><value>v</value></entry></Name>. Scalars: booleans true /
 * false, integers plain digits (rounded if a handler left a fraction, never "5432.0"),
 * doubles the shortest text that reads back to the same double, timestamps ISO 8601 UTC
 * with Z (milliseconds only when there are any). Text is escaped by xml.c. A value whose
 * JSON type does not fit its shape is a handler bug: InternalFailure naming the member.
 * Errors: <ErrorResponse xmlns="NS"><Error><Type>Sender|Receiver</Type><Code>..</Code>
 * <Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>, the code being
 * the model's query code for a modeled exception.
 *
 * DIALECTS. struct query_dialect holds what differs between awsQuery and EC2's query
 * (proto_ec2): the request key of a member, the response element names, whether lists have
 * an item level, the default list item name and the code of a request that does not decode.
 * The walkers above and below are shared; proto_ec2 has its own result and error documents.
 *
 * THE EC2 DIALECT, as captured from CLI v1 1.45 / botocore 1.43, Debian CLI v2 2.9.19 and
 * JS v3 @aws-sdk/client-ec2 3.1169 against a fake endpoint (capture.py) on this machine:
 *   - Requests are awsQuery forms (Action=DescribeVpcs&Version=2016-11-15, POST /, credential
 *     scope service "ec2"). A member's key is its queryName, else its locationName with the
 *     first letter upper-cased ("dryRun" -> DryRun), else its name. Lists are always
 *     Prefix.N, with no member level and whatever the list member is called:
 *     Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-123, VpcId.1=.., SubnetId.1=..,
 *     GroupId.1=.., GroupName.1=.., ZoneName.1=... An empty list is not sent at all (boto3
 *     VpcIds=[] and JS VpcIds: [] send nothing; boto3 Values=[] sends only Filter.1.Name).
 *     The three clients send the same fields; JS adds DryRun=false when given, encodes a
 *     space as %20 (botocore: +) and ':' as %3A.
 *   - Responses: <?xml ..?><DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/
 *     2016-11-15/"><requestId>..</requestId><vpcSet><item>..</item></vpcSet>
 *     </DescribeVpcsResponse>: no <OpResult> wrapper (with one, all three clients silently
 *     return no data), element names are the locationNames (lower camel: vpcSet, isDefault,
 *     cidrBlockAssociationSet), list items are <item>. botocore ignores the item name; JS
 *     v3 needs <item> (with <member> it returns Vpcs: [] silently). An empty list as
 *     <vpcSet/> reads as [] everywhere; a missing one leaves the key out.
 *   - Booleans must be lower-case: botocore reads "True" as false (JS as true).
 *   - botocore takes the request id from <requestId> (errors: <RequestID>); JS only from
 *     the x-amzn-requestid header, which http.c always sends.
 *   - Errors: <Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc
 *     ID 'vpc-x' does not exist</Message></Error></Errors><RequestID>..</RequestID>
 *     </Response>, no namespace (as AWS sends it, per a CLI debug log quoted in aws-cli
 *     issue 4013). All three clients also read an awsQuery <ErrorResponse>; JS names the
 *     exception by the code (e.name == "InvalidVpcID.NotFound") and keeps the status, so
 *     DryRunOperation comes back as 412. Statuses: 400 for client errors, 412 for
 *     DryRunOperation, 5xx for server errors. Text EC2's dialect cannot read (a boolean
 *     "maybe", a value for a list key) is InvalidParameterValue, its generic code.
 * Not done: EC2 rejects unknown parameters (UnknownParameter "The parameter X is not
 * recognized"); like awsQuery, this decoder ignores keys no shape asks for.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "protocol/form.h"
#include "protocol/proto.h"
#include "protocol/xml.h"
#include "services/service.h"
#include "sim.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

#define QUERY_MAX_DEPTH 32
#define QUERY_MAX_KEY 1024
#define QUERY_MAX_INDEX 100000
#define QUERY_MAX_MAP_ENTRIES 1000
#define QUERY_MAX_EPOCH 253402300799.0 /* 9999-12-31T23:59:59Z */
#define QUERY_MIN_EPOCH -62135596800.0 /* 0001-01-01T00:00:00Z */

#define QUERY_MAX_SEGMENT 256 /* a member key segment (model names are far shorter) */

/* How a query dialect names things; see DIALECTS in the file header. */
struct query_dialect {
    /* The key segment of struct member m in a request; may be built in tmp. */
    const char *(*member_key)(const struct model_member *m, char tmp[QUERY_MAX_SEGMENT]);
    /* The element name of struct member m in a response. */
    const char *(*element_name)(const struct model_member *m);
    /* 1: lists are Prefix.<item>.N unless flattened (awsQuery); 0: always Prefix.N (EC2). */
    int list_item_level;
    /* The list item segment and element when the list member has no loc_name. */
    const char *default_item;
    /* The error code of a request that does not decode. */
    const char *malformed_code;
};

static const char *loc_or_name(const struct model_member *m)
{
    return m->loc_name ? m->loc_name : m->name;
}

static const char *query_member_key(const struct model_member *m, char tmp[QUERY_MAX_SEGMENT])
{
    (void)tmp;
    return loc_or_name(m);
}

/* EC2: queryName, else locationName with its first letter upper-cased, else the name. */
static const char *ec2_member_key(const struct model_member *m, char tmp[QUERY_MAX_SEGMENT])
{
    if (m->query_name)
        return m->query_name;
    if (m->loc_name == NULL)
        return m->name;
    snprintf(tmp, QUERY_MAX_SEGMENT, "%s", m->loc_name);
    if (tmp[0] >= 'a' && tmp[0] <= 'z')
        tmp[0] = (char)(tmp[0] - 'a' + 'A');
    return tmp;
}

static const struct query_dialect dialect_query = {
    .member_key = query_member_key,
    .element_name = loc_or_name,
    .list_item_level = 1,
    .default_item = "member",
    .malformed_code = "MalformedInput",
};

static const struct query_dialect dialect_ec2 = {
    .member_key = ec2_member_key,
    .element_name = loc_or_name,
    .list_item_level = 0,
    .default_item = "item",
    .malformed_code = "InvalidParameterValue",
};

/* ---- decoding ------------------------------------------------------------------------ */

struct qdec {
    struct call *c;
    const struct model_service *svc;
    const struct query_dialect *d;
    const struct form_field **f; /* sorted by key; of equal keys only the last one sent */
    int n;
    char key[QUERY_MAX_KEY]; /* the key of the shape being decoded, NUL-terminated */
    size_t klen;
};

/* Orders fields by key, and equal keys in the order they were sent. */
static int field_cmp(const void *a, const void *b)
{
    const struct form_field *x = *(const struct form_field *const *)a;
    const struct form_field *y = *(const struct form_field *const *)b;
    int r = strcmp(x->key, y->key);
    if (r != 0)
        return r;
    return x < y ? -1 : x > y;
}

/* Returns the index of the first field whose key is >= s (q->n if none). */
static int lower_bound(const struct qdec *q, const char *s)
{
    int lo = 0, hi = q->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(q->f[mid]->key, s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Returns the value sent for exactly the current key, or NULL. */
static const char *exact(const struct qdec *q)
{
    int i = lower_bound(q, q->key);
    return i < q->n && strcmp(q->f[i]->key, q->key) == 0 ? q->f[i]->value : NULL;
}

/*
 * Sets [*lo, *hi) to the fields whose keys start with the current key followed by a dot:
 * they sort between "key." and "key/" ('/' follows '.').
 */
static void below(struct qdec *q, int *lo, int *hi)
{
    if (q->klen + 2 > QUERY_MAX_KEY) {
        *lo = *hi = 0;
        return;
    }
    q->key[q->klen] = '.';
    q->key[q->klen + 1] = '\0';
    *lo = lower_bound(q, q->key);
    q->key[q->klen] = '/';
    *hi = lower_bound(q, q->key);
    q->key[q->klen] = '\0';
}

/* Appends ".seg" (or "seg" at the top) to the current key; *mark is where to cut it back. */
static int push(struct qdec *q, const char *seg, size_t *mark)
{
    size_t len = strlen(seg);
    size_t dot = q->klen ? 1 : 0;
    *mark = q->klen;
    if (q->klen + dot + len >= QUERY_MAX_KEY)
        return call_error(q->c, q->d->malformed_code, "A parameter name is longer than %d bytes",
                          QUERY_MAX_KEY - 1);
    if (dot)
        q->key[q->klen++] = '.';
    memcpy(q->key + q->klen, seg, len);
    q->klen += len;
    q->key[q->klen] = '\0';
    return SIM_OK;
}

static void pop(struct qdec *q, size_t mark)
{
    q->klen = mark;
    q->key[mark] = '\0';
}

static int push_index(struct qdec *q, int n, size_t *mark)
{
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    return push(q, num, mark);
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

/*
 * Collects the distinct indexes N of the keys "<current key>.N[...]", in ascending order,
 * into *out (caller frees; NULL when there are none). Returns their number, or -1 with
 * MalformedInput set when one is not a number from 1 to QUERY_MAX_INDEX.
 */
static int collect_indexes(struct qdec *q, int **out)
{
    int lo, hi;
    below(q, &lo, &hi);
    *out = NULL;
    if (lo == hi)
        return 0;
    int *idx = xmalloc((size_t)(hi - lo) * sizeof *idx);
    int n = 0;
    for (int i = lo; i < hi; i++) {
        const char *s = q->f[i]->key + q->klen + 1;
        int v = 0;
        if (*s < '1' || *s > '9')
            v = -1;
        for (; v >= 0 && *s >= '0' && *s <= '9'; s++) {
            v = v * 10 + (*s - '0');
            if (v > QUERY_MAX_INDEX)
                v = -1;
        }
        if (v < 0 || (*s != '.' && *s != '\0')) {
            free(idx);
            call_error(q->c, q->d->malformed_code,
                       "Invalid index in parameter %.200s: expected %s.N with N from 1 to %d",
                       q->f[i]->key, q->key, QUERY_MAX_INDEX);
            return -1;
        }
        idx[n++] = v;
    }
    qsort(idx, (size_t)n, sizeof *idx, int_cmp);
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (m == 0 || idx[m - 1] != idx[i])
            idx[m++] = idx[i];
    }
    *out = idx;
    return m;
}

/* Parses decimal text with an optional sign into [lo, hi]. Returns 0, or -1. */
static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (*p == '\0')
        return -1;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
    }
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Returns 1 if s is decimal number text: [+-] digits [. digits] [e [+-] digits]. */
static int is_decimal(const char *s)
{
    int digits = 0;
    if (*s == '+' || *s == '-')
        s++;
    for (; *s >= '0' && *s <= '9'; s++)
        digits++;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++)
            digits++;
    }
    if (digits == 0)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* Returns 1 for the spellings of NaN and infinity that Java and C number parsers accept. */
static int is_nonfinite_text(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    return strcasecmp(s, "nan") == 0 || strcasecmp(s, "inf") == 0 ||
           strcasecmp(s, "infinity") == 0;
}

/* Returns 1 if s is epoch-seconds text: digits with an optional fraction. */
static int is_epoch(const char *s)
{
    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static int not_a(struct qdec *q, const char *s, const char *what)
{
    return call_error(q->c, q->d->malformed_code, "Value %.100s for parameter %s is not a valid %s",
                      s, q->key, what);
}

/* Decodes the scalar text s at the current key into *out. Returns SIM_OK or SIM_ERROR. */
static int dec_scalar(struct qdec *q, const struct model_shape *sh, const char *s, cJSON **out)
{
    switch (sh->kind) {
    case MK_BOOLEAN:
        if (strcasecmp(s, "true") == 0)
            *out = cJSON_CreateTrue();
        else if (strcasecmp(s, "false") == 0)
            *out = cJSON_CreateFalse();
        else
            return not_a(q, s, "boolean (true or false)");
        return SIM_OK;
    case MK_INTEGER:
    case MK_LONG: {
        long long v;
        int is_int = sh->kind == MK_INTEGER;
        if (parse_int(s, is_int ? INT32_MIN : INT64_MIN, is_int ? INT32_MAX : INT64_MAX, &v))
            return not_a(q, s, is_int ? "integer" : "long");
        *out = cJSON_CreateNumber((double)v);
        return SIM_OK;
    }
    case MK_FLOAT:
    case MK_DOUBLE: {
        if (is_nonfinite_text(s))
            return call_error(q->c, "InvalidParameterValue",
                              "The value %.100s for parameter %s is invalid.", s, q->key);
        if (!is_decimal(s))
            return not_a(q, s, "number");
        double v = strtod(s, NULL);
        if (!isfinite(v) || (sh->kind == MK_FLOAT && fabs(v) > FLT_MAX))
            return call_error(q->c, "InvalidParameterValue",
                              "The value %.100s for parameter %s is invalid.", s, q->key);
        *out = cJSON_CreateNumber(v);
        return SIM_OK;
    }
    case MK_TIMESTAMP: {
        double t;
        if (is_epoch(s)) {
            t = strtod(s, NULL);
            if (!(t <= QUERY_MAX_EPOCH))
                return call_error(q->c, q->d->malformed_code, "timestamp must follow ISO8601");
        } else if (timefmt_parse_iso8601(s, &t) != 0 || t < QUERY_MIN_EPOCH) {
            return call_error(q->c, q->d->malformed_code, "timestamp must follow ISO8601");
        }
        *out = cJSON_CreateNumber(t);
        return SIM_OK;
    }
    default: /* MK_STRING, MK_BLOB (base64 text is kept as text) */
        *out = cJSON_CreateString(s);
        return SIM_OK;
    }
}

static int dec_value(struct qdec *q, const struct model_shape *sh, int depth, cJSON **out);

/*
 * Decodes the structure at the current key. At the top (depth 0) the result is always an
 * object and the query's own Action and Version are skipped; below, it is NULL when no key
 * starts with "<key>.", else an object with the members that were sent (possibly none, so
 * that validation reports the missing required ones).
 */
static int dec_struct(struct qdec *q, const struct model_shape *sh, int depth, cJSON **out)
{
    if (depth > 0) {
        int lo, hi;
        below(q, &lo, &hi);
        if (lo == hi)
            return SIM_OK;
    }
    cJSON *obj = cJSON_CreateObject();
    for (int i = 0; i < sh->nmembers; i++) {
        const struct model_member *m = &sh->members[i];
        char tmp[QUERY_MAX_SEGMENT];
        const char *seg = q->d->member_key(m, tmp);
        if (depth == 0 && (strcmp(seg, "Action") == 0 || strcmp(seg, "Version") == 0))
            continue;
        size_t mark;
        cJSON *v = NULL;
        if (push(q, seg, &mark) != SIM_OK)
            goto fail;
        int rc = dec_value(q, &q->svc->shapes[m->shape], depth + 1, &v);
        pop(q, mark);
        if (rc != SIM_OK)
            goto fail;
        if (v)
            cJSON_AddItemToObject(obj, m->name, v);
    }
    *out = obj;
    return SIM_OK;
fail:
    cJSON_Delete(obj);
    return SIM_ERROR;
}

/*
 * Checks the value sent for an aggregate's own key: only an empty value (the empty list
 * or map) is allowed. Sets *empty to whether the key was sent.
 */
static int aggregate_key(struct qdec *q, const char *what, int *empty)
{
    const char *v = exact(q);
    *empty = v != NULL;
    if (v && *v)
        return call_error(q->c, q->d->malformed_code,
                          "Parameter %s is a %s and cannot take a value; send its items", q->key,
                          what);
    return SIM_OK;
}

static int dec_list(struct qdec *q, const struct model_shape *sh, int depth, cJSON **out)
{
    const struct model_member *im = &sh->members[0];
    const struct model_shape *ish = &q->svc->shapes[im->shape];
    int empty;
    if (aggregate_key(q, "list", &empty) != SIM_OK)
        return SIM_ERROR;
    char *saved = NULL; /* the list's own key, when the item prefix replaces its last part */
    size_t mark = q->klen, m2;
    int rc = SIM_ERROR;
    int *idx = NULL;
    cJSON *arr = NULL;
    if (q->d->list_item_level == 0) {
        /* EC2: Prefix.N, whatever the list member is called */
    } else if (sh->flags & SF_FLATTENED) {
        if (im->loc_name) {
            saved = xstrdup(q->key);
            char *dot = strrchr(q->key, '.');
            pop(q, dot ? (size_t)(dot - q->key) : 0);
            if (push(q, im->loc_name, &m2) != SIM_OK)
                goto out;
        }
    } else {
        if (push(q, im->loc_name ? im->loc_name : q->d->default_item, &m2) != SIM_OK)
            goto out;
    }
    int n = collect_indexes(q, &idx);
    if (n < 0)
        goto out;
    if (n > 0 || empty)
        arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *v = NULL;
        if (push_index(q, idx[i], &m2) != SIM_OK)
            goto out;
        int r = dec_value(q, ish, depth + 1, &v);
        pop(q, m2);
        if (r != SIM_OK)
            goto out;
        if (v)
            cJSON_AddItemToArray(arr, v);
    }
    *out = arr;
    arr = NULL;
    rc = SIM_OK;
out:
    if (saved) {
        q->klen = strlen(saved);
        memcpy(q->key, saved, q->klen + 1);
        free(saved);
    }
    pop(q, mark);
    free(idx);
    cJSON_Delete(arr);
    return rc;
}

/* Decodes one map entry at the current key (".../entry.N") into obj. */
static int dec_entry(struct qdec *q, const struct model_shape *sh, int depth, cJSON *obj)
{
    const struct model_member *km = &sh->members[0], *vm = &sh->members[1];
    size_t mark;
    if (push(q, km->loc_name ? km->loc_name : "key", &mark) != SIM_OK)
        return SIM_ERROR;
    const char *k = exact(q);
    pop(q, mark);
    if (k == NULL)
        return call_error(q->c, q->d->malformed_code, "Map entry %s has no %s", q->key,
                          km->loc_name ? km->loc_name : "key");
    if (push(q, vm->loc_name ? vm->loc_name : "value", &mark) != SIM_OK)
        return SIM_ERROR;
    cJSON *v = NULL;
    int rc = dec_value(q, &q->svc->shapes[vm->shape], depth + 1, &v);
    pop(q, mark);
    if (rc == SIM_OK && v == NULL)
        rc = call_error(q->c, q->d->malformed_code, "Map entry %s has no %s", q->key,
                        vm->loc_name ? vm->loc_name : "value");
    if (rc != SIM_OK)
        return SIM_ERROR;
    /* A key sent twice: the entry with the higher N wins. */
    if (cJSON_GetObjectItemCaseSensitive(obj, k))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, k, v);
    else
        cJSON_AddItemToObject(obj, k, v);
    return SIM_OK;
}

static int dec_map(struct qdec *q, const struct model_shape *sh, int depth, cJSON **out)
{
    int empty;
    if (aggregate_key(q, "map", &empty) != SIM_OK)
        return SIM_ERROR;
    size_t mark = q->klen, m2;
    int rc = SIM_ERROR;
    int *idx = NULL;
    cJSON *obj = NULL;
    if (!(sh->flags & SF_FLATTENED) && push(q, "entry", &m2) != SIM_OK)
        goto out;
    int n = collect_indexes(q, &idx);
    if (n < 0)
        goto out;
    if (n > QUERY_MAX_MAP_ENTRIES) {
        call_error(q->c, q->d->malformed_code, "Map %s has more than %d entries", q->key,
                   QUERY_MAX_MAP_ENTRIES);
        goto out;
    }
    if (n > 0 || empty)
        obj = cJSON_CreateObject();
    for (int i = 0; i < n; i++) {
        if (push_index(q, idx[i], &m2) != SIM_OK)
            goto out;
        int r = dec_entry(q, sh, depth, obj);
        pop(q, m2);
        if (r != SIM_OK)
            goto out;
    }
    *out = obj;
    obj = NULL;
    rc = SIM_OK;
out:
    pop(q, mark);
    free(idx);
    cJSON_Delete(obj);
    return rc;
}

/*
 * Decodes the value of shape sh at the current key into *out: NULL when nothing was sent
 * for it, else a new item the caller owns. Returns SIM_OK, or SIM_ERROR with c->err set.
 */
static int dec_value(struct qdec *q, const struct model_shape *sh, int depth, cJSON **out)
{
    *out = NULL;
    if (depth > QUERY_MAX_DEPTH)
        return call_error(q->c, q->d->malformed_code, "Parameter %s is nested too deeply", q->key);
    switch (sh->kind) {
    case MK_STRUCT:
        return dec_struct(q, sh, depth, out);
    case MK_LIST:
        return dec_list(q, sh, depth, out);
    case MK_MAP:
        return dec_map(q, sh, depth, out);
    default: {
        const char *v = exact(q);
        return v ? dec_scalar(q, sh, v, out) : SIM_OK;
    }
    }
}

/*
 * Builds c->in from the fields in c->form by walking the operation's input shape in dialect
 * d. Returns SIM_OK, or SIM_ERROR with c->err set (c->in is then left NULL).
 */
static int query_decode_form(struct call *c, const struct query_dialect *d)
{
    const struct model_service *m = c->svc ? c->svc->model : NULL;
    const struct model_shape *sh = m && c->mop ? model_shape(m, c->mop->input) : NULL;
    cJSON_Delete(c->in);
    c->in = NULL;
    if (sh == NULL || sh->kind != MK_STRUCT) {
        c->in = cJSON_CreateObject();
        return SIM_OK;
    }
    struct qdec q;
    q.c = c;
    q.svc = m;
    q.d = d;
    q.n = 0;
    q.f = xmalloc((size_t)(c->form ? c->form->n : 0) * sizeof *q.f);
    for (int i = 0; c->form && i < c->form->n; i++)
        q.f[q.n++] = &c->form->f[i];
    qsort(q.f, (size_t)q.n, sizeof *q.f, field_cmp);
    int kept = 0; /* of equal keys keep the last one sent, as form_get does */
    for (int i = 0; i < q.n; i++) {
        if (i + 1 < q.n && strcmp(q.f[i]->key, q.f[i + 1]->key) == 0)
            continue;
        q.f[kept++] = q.f[i];
    }
    q.n = kept;
    q.key[0] = '\0';
    q.klen = 0;
    cJSON *doc = NULL;
    int rc = dec_struct(&q, sh, 0, &doc);
    free(q.f);
    if (rc != SIM_OK)
        return SIM_ERROR;
    c->in = doc;
    return SIM_OK;
}

/* Decodes the request in dialect d: c->form as route.c left it, else the body. */
static int decode_dialect(struct call *c, const char *body, size_t len,
                          const struct query_dialect *d)
{
    if (c->form == NULL) {
        /* Not routed by route.c (a test or a fuzzer): parse the body here. */
        char *cause = NULL;
        c->form = xmalloc(sizeof *c->form);
        form_init(c->form);
        if (form_parse(c->form, body, len, &cause) != 0) {
            int rc = call_error(c, "MalformedQueryString",
                                "The request body is not a valid form: %s", cause);
            free(cause);
            return rc;
        }
    }
    return query_decode_form(c, d);
}

static int query_decode(struct call *c, const char *body, size_t len)
{
    return decode_dialect(c, body, len, &dialect_query);
}

static int ec2_decode(struct call *c, const char *body, size_t len)
{
    return decode_dialect(c, body, len, &dialect_ec2);
}

/* ---- encoding ------------------------------------------------------------------------ */

struct qenc {
    struct call *c;
    const struct model_service *svc;
    const struct query_dialect *d;
    struct buf *b;
};

static int mismatch(struct qenc *e, const char *name, const char *what)
{
    return call_error(e->c, "InternalFailure", "The result member %s is not %s", name, what);
}

/* Writes the shortest text that strtod reads back as v ("80", "12.25", "1e+20"). */
static void fmt_double(double v, char out[40])
{
    if (isnan(v)) {
        strcpy(out, "NaN");
        return;
    }
    if (isinf(v)) {
        strcpy(out, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, 40, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* Writes v rounded to an integer within [lo, hi] as plain digits. */
static void fmt_integer(double v, double lo, double hi, char out[40])
{
    double r = isfinite(v) ? round(v) : 0;
    if (r < lo)
        r = lo;
    if (r > hi)
        r = hi;
    snprintf(out, 40, "%lld", (long long)r);
}

/*
 * Sets *text to the wire text of the scalar v of shape sh; numbers are formatted into tmp.
 * Returns SIM_OK, or SIM_ERROR (InternalFailure) when v's type does not fit sh.
 */
static int scalar_text(struct qenc *e, const char *name, const struct model_shape *sh,
                       const cJSON *v, char tmp[40], const char **text)
{
    switch (sh->kind) {
    case MK_BOOLEAN:
        if (!cJSON_IsBool(v))
            return mismatch(e, name, "a boolean");
        *text = cJSON_IsTrue(v) ? "true" : "false";
        return SIM_OK;
    case MK_INTEGER:
    case MK_LONG:
        if (!cJSON_IsNumber(v))
            return mismatch(e, name, "a number");
        if (sh->kind == MK_INTEGER)
            fmt_integer(v->valuedouble, INT32_MIN, INT32_MAX, tmp);
        else /* the largest doubles below +-2^63, so the conversion is defined */
            fmt_integer(v->valuedouble, -9223372036854774784.0, 9223372036854774784.0, tmp);
        *text = tmp;
        return SIM_OK;
    case MK_FLOAT:
    case MK_DOUBLE:
        if (!cJSON_IsNumber(v))
            return mismatch(e, name, "a number");
        fmt_double(v->valuedouble, tmp);
        *text = tmp;
        return SIM_OK;
    case MK_TIMESTAMP: {
        double t;
        if (cJSON_IsNumber(v))
            t = v->valuedouble;
        else if (!cJSON_IsString(v) || timefmt_parse_iso8601(v->valuestring, &t) != 0)
            return mismatch(e, name, "a timestamp");
        if (!(t >= QUERY_MIN_EPOCH && t <= QUERY_MAX_EPOCH))
            return mismatch(e, name, "a timestamp between the years 1 and 9999");
        timefmt_iso8601(t, tmp);
        *text = tmp;
        return SIM_OK;
    }
    default: /* MK_STRING, MK_BLOB */
        if (!cJSON_IsString(v))
            return mismatch(e, name, "a string");
        *text = v->valuestring;
        return SIM_OK;
    }
}

/*
 * Finds the member called name in obj. Handlers build objects in model order, so the search
 * starts after the previous hit (*cursor) and wraps around: one pass in the common case.
 */
static const cJSON *find_member(const cJSON *obj, const char *name, const cJSON **cursor)
{
    const cJSON *start = *cursor ? *cursor : obj->child;
    for (const cJSON *it = start; it; it = it->next) {
        if (it->string && strcmp(it->string, name) == 0) {
            *cursor = it->next;
            return it;
        }
    }
    for (const cJSON *it = obj->child; it && it != start; it = it->next) {
        if (it->string && strcmp(it->string, name) == 0) {
            *cursor = it->next;
            return it;
        }
    }
    return NULL;
}

static int enc_value(struct qenc *e, const char *name, const struct model_shape *sh,
                     const cJSON *v, int depth);

/*
 * Writes the members of structure sh found in obj, in model order, as elements; members
 * marked as XML attributes are left out when skip_attrs is set (enc_struct wrote them).
 */
static int enc_members(struct qenc *e, const struct model_shape *sh, const cJSON *obj,
                       int depth, int skip_attrs)
{
    const cJSON *cursor = NULL;
    for (int i = 0; i < sh->nmembers; i++) {
        const struct model_member *m = &sh->members[i];
        if (skip_attrs && (m->flags & MF_XML_ATTRIBUTE))
            continue;
        const cJSON *v = find_member(obj, m->name, &cursor);
        if (v == NULL || cJSON_IsNull(v))
            continue;
        if (enc_value(e, e->d->element_name(m), &e->svc->shapes[m->shape], v, depth + 1))
            return SIM_ERROR;
    }
    return SIM_OK;
}

static int enc_struct(struct qenc *e, const char *name, const struct model_shape *sh,
                      const cJSON *v, int depth)
{
    if (!cJSON_IsObject(v))
        return mismatch(e, name, "an object");
    xml_start_tag(e->b, name);
    const cJSON *cursor = NULL;
    for (int i = 0; i < sh->nmembers; i++) {
        const struct model_member *m = &sh->members[i];
        const struct model_shape *msh = &e->svc->shapes[m->shape];
        if (!(m->flags & MF_XML_ATTRIBUTE) || msh->kind == MK_STRUCT || msh->kind == MK_LIST ||
            msh->kind == MK_MAP)
            continue;
        const cJSON *a = find_member(v, m->name, &cursor);
        char tmp[40];
        const char *text;
        if (a == NULL || cJSON_IsNull(a))
            continue;
        if (scalar_text(e, m->name, msh, a, tmp, &text) != SIM_OK)
            return SIM_ERROR;
        xml_attr(e->b, e->d->element_name(m), text);
    }
    xml_end_tag(e->b);
    if (enc_members(e, sh, v, depth, 1) != SIM_OK)
        return SIM_ERROR;
    xml_close(e->b, name);
    return SIM_OK;
}

static int enc_list(struct qenc *e, const char *name, const struct model_shape *sh,
                    const cJSON *v, int depth)
{
    if (!cJSON_IsArray(v))
        return mismatch(e, name, "an array");
    const struct model_member *im = &sh->members[0];
    const struct model_shape *ish = &e->svc->shapes[im->shape];
    const cJSON *item;
    if (sh->flags & SF_FLATTENED) {
        const char *item_name = im->loc_name ? im->loc_name : name;
        cJSON_ArrayForEach(item, v)
        {
            if (!cJSON_IsNull(item) && enc_value(e, item_name, ish, item, depth + 1))
                return SIM_ERROR;
        }
        return SIM_OK;
    }
    if (v->child == NULL) {
        xml_empty(e->b, name);
        return SIM_OK;
    }
    const char *item_name = im->loc_name ? im->loc_name : e->d->default_item;
    xml_open(e->b, name, NULL);
    cJSON_ArrayForEach(item, v)
    {
        if (!cJSON_IsNull(item) && enc_value(e, item_name, ish, item, depth + 1))
            return SIM_ERROR;
    }
    xml_close(e->b, name);
    return SIM_OK;
}

static int enc_map(struct qenc *e, const char *name, const struct model_shape *sh,
                   const cJSON *v, int depth)
{
    if (!cJSON_IsObject(v))
        return mismatch(e, name, "an object");
    const struct model_member *km = &sh->members[0], *vm = &sh->members[1];
    const char *kname = km->loc_name ? km->loc_name : "key";
    const char *vname = vm->loc_name ? vm->loc_name : "value";
    const struct model_shape *vsh = &e->svc->shapes[vm->shape];
    int flat = (sh->flags & SF_FLATTENED) != 0;
    const cJSON *item;
    if (!flat && v->child == NULL) {
        xml_empty(e->b, name);
        return SIM_OK;
    }
    if (!flat)
        xml_open(e->b, name, NULL);
    cJSON_ArrayForEach(item, v)
    {
        /* botocore fails on an entry without a value: leave null values out. */
        if (cJSON_IsNull(item))
            continue;
        xml_open(e->b, flat ? name : "entry", NULL);
        xml_element(e->b, kname, item->string);
        if (enc_value(e, vname, vsh, item, depth + 1) != SIM_OK)
            return SIM_ERROR;
        xml_close(e->b, flat ? name : "entry");
    }
    if (!flat)
        xml_close(e->b, name);
    return SIM_OK;
}

/* Writes v of shape sh as the element name. Returns SIM_OK, or SIM_ERROR with c->err set. */
static int enc_value(struct qenc *e, const char *name, const struct model_shape *sh,
                     const cJSON *v, int depth)
{
    if (depth > QUERY_MAX_DEPTH)
        return call_error(e->c, "InternalFailure", "The result is nested too deeply");
    switch (sh->kind) {
    case MK_STRUCT:
        return enc_struct(e, name, sh, v, depth);
    case MK_LIST:
        return enc_list(e, name, sh, v, depth);
    case MK_MAP:
        return enc_map(e, name, sh, v, depth);
    default: {
        char tmp[40];
        const char *text;
        if (scalar_text(e, name, sh, v, tmp, &text) != SIM_OK)
            return SIM_ERROR;
        xml_element(e->b, name, text);
        return SIM_OK;
    }
    }
}

static void write_metadata(struct call *c)
{
    xml_open(&c->body, "ResponseMetadata", NULL);
    xml_element(&c->body, "RequestId", c->request_id);
    xml_close(&c->body, "ResponseMetadata");
}

static int query_encode_result(struct call *c)
{
    const struct model_service *m = c->svc->model;
    const struct model_shape *osh = c->mop ? model_shape(m, c->mop->output) : NULL;
    const char *wrapper = c->mop ? c->mop->result_wrapper : NULL;
    struct qenc e = {.c = c, .svc = m, .d = &dialect_query, .b = &c->body};
    char root[sizeof c->op_name + 16];
    snprintf(root, sizeof root, "%sResponse", c->mop ? c->mop->name : c->op_name);
    if (osh && c->out && !cJSON_IsObject(c->out))
        return call_error(c, "InternalFailure", "The result is not an object");
    buf_reset(&c->body);
    xml_declaration(&c->body);
    xml_open(&c->body, root, m->xml_namespace);
    if (osh) {
        if (wrapper)
            xml_open(&c->body, wrapper, NULL);
        if (c->out && enc_members(&e, osh, c->out, 0, 0) != SIM_OK)
            return SIM_ERROR;
        if (wrapper)
            xml_close(&c->body, wrapper);
    }
    write_metadata(c);
    xml_close(&c->body, root);
    if (c->body.overflow)
        return call_error(c, "InternalFailure", "The response is larger than %zu bytes",
                          c->body.max);
    c->status = 200;
    c->content_type = "text/xml";
    return SIM_OK;
}

/* Writes the ErrorResponse document; the message is left out when with_message is 0. */
static void write_error(struct call *c, int sender, int with_message)
{
    const struct model_service *m = c->svc ? c->svc->model : NULL;
    const struct model_shape *sh = m ? model_error(m, c->err.code) : NULL;
    const char *code = sh && sh->error_code ? sh->error_code : c->err.code;
    struct buf *b = &c->body;
    buf_reset(b);
    xml_declaration(b);
    xml_open(b, "ErrorResponse", m ? m->xml_namespace : NULL);
    xml_open(b, "Error", NULL);
    xml_element(b, "Type", sender ? "Sender" : "Receiver");
    xml_element(b, "Code", code);
    if (with_message && c->err.message)
        xml_element(b, "Message", c->err.message);
    xml_close(b, "Error");
    xml_element(b, "RequestId", c->request_id);
    xml_close(b, "ErrorResponse");
}

static void query_encode_error(struct call *c)
{
    int sender;
    c->status = call_error_http_status(c, &sender);
    c->content_type = "text/xml";
    write_error(c, sender, 1);
    if (c->body.overflow) /* only a message near the body limit can do this */
        write_error(c, sender, 0);
}

/* ---- the EC2 dialect's documents ------------------------------------------------------- */

/* Writes the EC2 namespace: the model's, with the trailing slash EC2 itself sends. */
static void ec2_namespace(const struct model_service *m, char *out, size_t n)
{
    const char *ns = m && m->xml_namespace ? m->xml_namespace : "";
    size_t len = strlen(ns);
    snprintf(out, n, "%s%s", ns, len && ns[len - 1] != '/' ? "/" : "");
}

static int ec2_encode_result(struct call *c)
{
    const struct model_service *m = c->svc->model;
    const struct model_shape *osh = c->mop ? model_shape(m, c->mop->output) : NULL;
    struct qenc e = {.c = c, .svc = m, .d = &dialect_ec2, .b = &c->body};
    char root[sizeof c->op_name + 16], ns[256];
    snprintf(root, sizeof root, "%sResponse", c->mop ? c->mop->name : c->op_name);
    ec2_namespace(m, ns, sizeof ns);
    if (osh && c->out && !cJSON_IsObject(c->out))
        return call_error(c, "InternalFailure", "The result is not an object");
    buf_reset(&c->body);
    xml_declaration(&c->body);
    xml_open(&c->body, root, ns);
    xml_element(&c->body, "requestId", c->request_id);
    if (osh && c->out && enc_members(&e, osh, c->out, 0, 0) != SIM_OK)
        return SIM_ERROR;
    xml_close(&c->body, root);
    if (c->body.overflow)
        return call_error(c, "InternalFailure", "The response is larger than %zu bytes",
                          c->body.max);
    c->status = 200;
    c->content_type = "text/xml;charset=UTF-8";
    return SIM_OK;
}

/* Writes EC2's error document; the message is left out when with_message is 0. */
static void ec2_write_error(struct call *c, int with_message)
{
    struct buf *b = &c->body;
    buf_reset(b);
    xml_declaration(b);
    xml_open(b, "Response", NULL);
    xml_open(b, "Errors", NULL);
    xml_open(b, "Error", NULL);
    xml_element(b, "Code", c->err.code);
    if (with_message && c->err.message)
        xml_element(b, "Message", c->err.message);
    xml_close(b, "Error");
    xml_close(b, "Errors");
    xml_element(b, "RequestID", c->request_id);
    xml_close(b, "Response");
}

static void ec2_encode_error(struct call *c)
{
    c->status = call_error_http_status(c, NULL);
    c->content_type = "text/xml;charset=UTF-8";
    ec2_write_error(c, 1);
    if (c->body.overflow)
        ec2_write_error(c, 0);
}

const struct proto_codec proto_ec2 = {
    .name = "ec2",
    .decode = ec2_decode,
    .encode_result = ec2_encode_result,
    .encode_error = ec2_encode_error,
};

const struct proto_codec proto_query = {
    .name = "query",
    .decode = query_decode,
    .encode_result = query_encode_result,
    .encode_error = query_encode_error,
};
