/*
 * neutral.c - type checks of JSON/CBOR input against the model (see neutral.h).
 */
#include "protocol/neutral.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "services/model.h"
#include "sim.h"
#include "util/timefmt.h"

#define MAX_DEPTH 64

static const char *kind_name(int kind)
{
    switch (kind) {
    case MK_STRUCT:
        return "structure";
    case MK_LIST:
        return "list";
    case MK_MAP:
        return "map";
    case MK_STRING:
        return "string";
    case MK_INTEGER:
    case MK_LONG:
        return "integer";
    case MK_FLOAT:
    case MK_DOUBLE:
        return "number";
    case MK_BOOLEAN:
        return "boolean";
    case MK_TIMESTAMP:
        return "timestamp";
    case MK_BLOB:
        return "blob";
    default:
        return "value";
    }
}

static int mismatch(struct call *c, const char *name, int kind)
{
    return call_error(c, "SerializationException",
                      "Unexpected value type for '%s': expected a %s", name ? name : "(root)",
                      kind_name(kind));
}

/* awsJson sends the non-finite doubles as the strings "NaN", "Infinity" and "-Infinity"
 * (botocore and JS do); they become numbers, so that the service answers what AWS answers
 * (CloudWatch: "The value NaN for parameter ... is invalid."). Returns 1 if v was one. */
static int special_float(cJSON *v)
{
    double d;
    if (strcmp(v->valuestring, "NaN") == 0)
        d = NAN;
    else if (strcmp(v->valuestring, "Infinity") == 0)
        d = INFINITY;
    else if (strcmp(v->valuestring, "-Infinity") == 0)
        d = -INFINITY;
    else
        return 0;
    cJSON_free(v->valuestring);
    v->valuestring = NULL;
    v->type = cJSON_Number;
    v->valuedouble = d;
    v->valueint = 0; /* cJSON_SetNumberValue would convert NaN to int */
    return 1;
}

static int check(struct call *c, const struct model_service *svc, const struct model_shape *sh,
                 cJSON *v, const char *name, int depth)
{
    if (depth > MAX_DEPTH)
        return call_error(c, "SerializationException", "Input nested too deeply");
    if (cJSON_IsNull(v))
        return SIM_OK; /* null is "absent"; validation decides if that is allowed */
    switch (sh->kind) {
    case MK_STRUCT: {
        if (!cJSON_IsObject(v))
            return mismatch(c, name, sh->kind);
        cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            const struct model_member *m = model_member(sh, item->string);
            if (m && check(c, svc, &svc->shapes[m->shape], item, m->name, depth + 1))
                return SIM_ERROR;
        }
        return SIM_OK;
    }
    case MK_LIST: {
        if (!cJSON_IsArray(v))
            return mismatch(c, name, sh->kind);
        const struct model_shape *msh = &svc->shapes[sh->members[0].shape];
        cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            if (check(c, svc, msh, item, name, depth + 1))
                return SIM_ERROR;
        }
        return SIM_OK;
    }
    case MK_MAP: {
        if (!cJSON_IsObject(v))
            return mismatch(c, name, sh->kind);
        const struct model_shape *vsh = &svc->shapes[sh->members[1].shape];
        cJSON *item;
        cJSON_ArrayForEach(item, v)
        {
            if (check(c, svc, vsh, item, item->string, depth + 1))
                return SIM_ERROR;
        }
        return SIM_OK;
    }
    case MK_STRING:
    case MK_BLOB:
        return cJSON_IsString(v) ? SIM_OK : mismatch(c, name, sh->kind);
    case MK_BOOLEAN:
        return cJSON_IsBool(v) ? SIM_OK : mismatch(c, name, sh->kind);
    case MK_INTEGER:
    case MK_LONG:
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
            v->valuedouble != floor(v->valuedouble))
            return mismatch(c, name, sh->kind);
        if (sh->kind == MK_INTEGER && (v->valuedouble > 2147483647.0 ||
                                       v->valuedouble < -2147483648.0))
            return call_error(c, "SerializationException",
                              "Value for '%s' is out of range for an integer", name);
        return SIM_OK;
    case MK_FLOAT:
    case MK_DOUBLE:
        if (cJSON_IsString(v) && special_float(v))
            return SIM_OK;
        return cJSON_IsNumber(v) ? SIM_OK : mismatch(c, name, sh->kind);
    case MK_TIMESTAMP:
        if (cJSON_IsNumber(v))
            return SIM_OK;
        if (cJSON_IsString(v)) {
            double t;
            char *end;
            double num = strtod(v->valuestring, &end);
            if (*v->valuestring && *end == '\0')
                t = num;
            else if (timefmt_parse_iso8601(v->valuestring, &t))
                return call_error(c, "SerializationException",
                                  "Cannot parse '%s' as a timestamp for '%s'", v->valuestring,
                                  name);
            cJSON_SetNumberValue(v, t);
            v->type = cJSON_Number;
            cJSON_free(v->valuestring);
            v->valuestring = NULL;
            return SIM_OK;
        }
        return mismatch(c, name, sh->kind);
    default:
        return SIM_OK;
    }
}

int neutral_check(struct call *c, const struct model_service *svc, int shape, cJSON *doc)
{
    const struct model_shape *sh = model_shape(svc, shape);
    if (sh == NULL)
        return SIM_OK;
    return check(c, svc, sh, doc, NULL, 0);
}
