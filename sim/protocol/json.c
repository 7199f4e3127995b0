/*
 * json.c - awsJson 1.0 / 1.1: X-Amz-Target routing, JSON bodies both ways.
 *
 * The neutral document is already JSON-shaped, so decoding is parse + type check and
 * encoding is printing; timestamps are epoch seconds as JSON numbers, which is what every
 * client wants (JS throws on ISO strings, CLI v2 on milliseconds).
 *
 * Errors: {"__type": CODE, "message": TEXT} with the x-amzn-ErrorType header. For a service
 * that is awsQueryCompatible (CloudWatch), __type carries the service's namespace and the
 * x-amzn-query-error header carries "QueryCode;Sender", which botocore and JS report as the
 * code; the status is the modeled query status only when the request said
 * x-amzn-query-mode: true, otherwise 400 for every client error (aws-wire-protocols.md 3.3).
 */
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

static int json_encode_result(struct call *c)
{
    c->status = 200;
    c->content_type = content_type(c);
    if (c->out == NULL)
        return buf_puts(&c->body, "{}") ? SIM_ERROR : SIM_OK;
    char *s = cJSON_PrintUnformatted(c->out);
    if (s == NULL)
        return call_error(c, "InternalFailure", "Could not encode the response");
    buf_free(&c->body);
    c->body.p = s;
    c->body.len = strlen(s);
    c->body.cap = c->body.len + 1;
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
        cJSON_AddStringToObject(e, "message", c->err.message);
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
