/*
 * params.c - typed getters on the neutral input document (see params.h).
 */
#include "services/params.h"

cJSON *param(const cJSON *obj, const char *name)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return v == NULL || cJSON_IsNull(v) ? NULL : v;
}

const char *param_str(const cJSON *obj, const char *name)
{
    cJSON *v = param(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int param_bool(const cJSON *obj, const char *name, int dflt)
{
    cJSON *v = param(obj, name);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

int64_t param_int(const cJSON *obj, const char *name, int64_t dflt)
{
    cJSON *v = param(obj, name);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : dflt;
}

double param_num(const cJSON *obj, const char *name, double dflt)
{
    cJSON *v = param(obj, name);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}
