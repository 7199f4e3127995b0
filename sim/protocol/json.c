/*
 * json.c - awsJson 1.0 / 1.1: X-Amz-Target routing, JSON bodies both ways.
 *
 * The neutral document is already JSON-shaped, so decoding is parse + type check and
 * encoding is printing; timestamps are epoch seconds as JSON numbers, which is what every
 * client wants (JS throws on ISO strings, CLI v2 on milliseconds).
 *
 * Errors: {"__type": CODE, "message": TEXT} ("Message" where the service models it so) with
 * the x-amzn-ErrorType header. For a service
 * that is awsQueryCompatible (CloudWatch), __type carries the service's namespace and the
 * x-amzn-query-error header carries "QueryCode;Sender", which botocore and JS report as the
 * code; the status is the modeled query status only when the request said
 * x-amzn-query-mode: true, otherwise 400 for every client error (aws-wire-protocols.md 3.3).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/neutral.h"
#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"

#define MAX_JSON_DEPTH 64

/* cJSON recurses without a bound of its own beyond CJSON_NESTING_LIMIT (1000); check first
 * so a hostile body cannot get deep. Returns the maximum nesting depth outside strings. */
static int json_depth(const char *s, size_t n)
{
    int depth = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (in_str) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_str = 0;
        } else if (ch == '"') {
            in_str = 1;
        } else if (ch == '{' || ch == '[') {
            if (++depth > max)
                max = depth;
        } else if (ch == '}' || ch == ']') {
            depth--;
        }
    }
    return max;
}

static int json_decode(struct call *c, const char *body, size_t len)
{
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
        i++;
    if (i == len) {
        c->in = cJSON_CreateObject();
        return SIM_OK;
    }
    if (json_depth(body, len) > MAX_JSON_DEPTH)
        return call_error(c, "SerializationException", "JSON input nested too deeply");
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (doc == NULL)
        return call_error(c, "SerializationException",
                          "Could not parse the request body as JSON (at byte %zu)",
                          end ? (size_t)(end - body) : (size_t)0);
    /* Only whitespace may follow the document. */
    for (const char *p = end; p && p < body + len; p++) {
        if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t' && *p != '\0') {
            cJSON_Delete(doc);
            return call_error(c, "SerializationException",
                              "Unexpected data after the JSON document");
        }
    }
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        return call_error(c, "SerializationException",
                          "The request body must be a JSON object");
    }
    c->in = doc;
    if (c->mop && neutral_check(c, c->svc->model, c->mop->input, doc))
        return SIM_ERROR;
    return SIM_OK;
}

static const char *content_type(const struct call *c)
{
    return c->json_minor == 0 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
}

/* Writes s as a JSON string (quotes, backslashes and control characters escaped). */
static void put_string(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        buf_append(b, run, (size_t)(s - run));
        run = s + 1;
        switch (ch) {
        case '"':
            buf_puts(b, "\\\"");
            break;
        case '\\':
            buf_puts(b, "\\\\");
            break;
        case '\n':
            buf_puts(b, "\\n");
            break;
        case '\r':
            buf_puts(b, "\\r");
            break;
        case '\t':
            buf_puts(b, "\\t");
            break;
        default: {
            char u[7] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15], 0};
            buf_puts(b, u);
        }
        }
    }
    buf_append(b, run, (size_t)(s - run));
    buf_putc(b, '"');
}

/* Shortest decimal text that reads back as v; with force_point, always with a '.' or an
 * exponent (a double member of 70 is sent as 70.0, as AWS's JSON does). */
static void put_number(struct buf *b, double v, int force_point)
{
    char tmp[40];
    if (!isfinite(v)) {
        /* AWS's JSON protocols send non-finite doubles as these strings */
        buf_puts(b, isnan(v) ? "\"NaN\"" : v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    buf_puts(b, tmp);
    if (force_point && !strpbrk(tmp, ".eEn"))
        buf_puts(b, ".0");
}

static void put_value(struct buf *b, const struct model_service *m, const struct model_shape *sh,
                      const cJSON *v, int depth);

/* Writes a value the model does not describe as cJSON would. */
static void put_unmodeled(struct buf *b, const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    buf_puts(b, s ? s : "null");
    cJSON_free(s);
}

static void put_value(struct buf *b, const struct model_service *m, const struct model_shape *sh,
                      const cJSON *v, int depth)
{
    if (sh == NULL || depth > 64) {
        put_unmodeled(b, v);
        return;
    }
    switch (sh->kind) {
    case MK_STRUCT:
    case MK_MAP: {
        if (!cJSON_IsObject(v))
            break;
        buf_putc(b, '{');
        int first = 1;
        const cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            const struct model_shape *msh = NULL;
            if (sh->kind == MK_MAP) {
                msh = &m->shapes[sh->members[1].shape];
            } else {
                const struct model_member *mem = model_member(sh, item->string);
                msh = mem ? &m->shapes[mem->shape] : NULL;
            }
            if (!first)
                buf_putc(b, ',');
            first = 0;
            put_string(b, item->string);
            buf_putc(b, ':');
            put_value(b, m, msh, item, depth + 1);
        }
        buf_putc(b, '}');
        return;
    }
    case MK_LIST: {
        if (!cJSON_IsArray(v))
            break;
        const struct model_shape *msh = &m->shapes[sh->members[0].shape];
        buf_putc(b, '[');
        const cJSON *item;
        int first = 1;
        cJSON_ArrayForEach(item, v)
        {
            if (!first)
                buf_putc(b, ',');
            first = 0;
            put_value(b, m, msh, item, depth + 1);
        }
        buf_putc(b, ']');
        return;
    }
    case MK_FLOAT:
    case MK_DOUBLE:
        if (!cJSON_IsNumber(v))
            break;
        put_number(b, v->valuedouble, 1);
        return;
    case MK_INTEGER:
    case MK_LONG:
    case MK_TIMESTAMP:
        if (!cJSON_IsNumber(v))
            break;
        if (sh->kind == MK_TIMESTAMP)
            put_number(b, v->valuedouble, 1); /* AWS sends 1765977780.0 */
        else
            put_number(b, round(v->valuedouble), 0);
        return;
    default:
        break;
    }
    put_unmodeled(b, v);
}

/*
 * The result is printed by walking the output shape with the document: doubles keep a
 * decimal point (AWS sends 70.0, which botocore returns as a float and the CLI prints as
 * 70.0), integers never have one, timestamps are epoch seconds with a fraction
 * (1765977780.0, as AWS sends them).
 */
static int json_encode_result(struct call *c)
{
    c->status = 200;
    c->content_type = content_type(c);
    if (c->out == NULL)
        return buf_puts(&c->body, "{}") ? SIM_ERROR : SIM_OK;
    const struct model_service *m = c->svc ? c->svc->model : NULL;
    const struct model_shape *sh = m && c->mop ? model_shape(m, c->mop->output) : NULL;
    put_value(&c->body, m, sh, c->out, 0);
    if (c->body.overflow)
        return call_error(c, "InternalFailure", "The response is too large to encode");
    return SIM_OK;
}

static void json_encode_error(struct call *c)
{
    char type[256];
    c->status = call_error_wire(c, type, sizeof type);
    c->content_type = content_type(c);
    call_add_header(c, "x-amzn-ErrorType", type);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "__type", type);
    if (c->err.message)
        cJSON_AddStringToObject(e, call_error_message_key(c), c->err.message);
    char *s = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    buf_reset(&c->body);
    buf_puts(&c->body, s ? s : "{}");
    cJSON_free(s);
}

const struct proto_codec proto_json = {
    .name = "json",
    .decode = json_decode,
    .encode_result = json_encode_result,
    .encode_error = json_encode_error,
};
