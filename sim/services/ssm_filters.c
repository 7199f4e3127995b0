/*
 * ssm_filters.c - the ParameterFilters of DescribeParameters and GetParametersByPath, and the
 * deprecated Filters of DescribeParameters (see ssm_int.h).
 *
 * Which keys and options each operation accepts comes from the ParameterStringFilter
 * reference: DescribeParameters takes every key but Label (Name also takes Contains, Path
 * takes OneLevel/Recursive); GetParametersByPath takes Type, KeyId and Label (Label only with
 * Equals). Problems are reported in AWS's order and words: the key, missing values, a repeated
 * key, the option, then the values. Filters combine with AND, the values of one filter with
 * OR. To add a key: accept it in ssm_filters_parse, match it in ssm_filters_match, and test it
 * in tests/e2e/test_ssm.py.
 */
#include <stdlib.h>
#include <string.h>

#include "services/params.h"
#include "services/ssm_int.h"
#include "sim.h"
#include "store/ssm.h"
#include "util/xmalloc.h"

static const char *const option_names[] = {"Equals", "BeginsWith", "Contains", "OneLevel",
                                           "Recursive"};

/* Returns the enum ssm_filter_opt of an Option string, or -1. */
static int option_index(const char *opt)
{
    for (int k = 0; k < 5; k++) {
        if (strcmp(option_names[k], opt) == 0)
            return k;
    }
    return -1;
}

/* Checks the values of a Type/Tier filter against the allowed set. */
static int check_filter_values(struct call *c, const cJSON *values, const char *const *allowed,
                               const char *list)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        int ok = 0;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], v->valuestring) == 0;
        if (!ok)
            return call_error(c, "InvalidFilterValue",
                              "The following filter value is not valid: %s. Valid values "
                              "include: [%s].",
                              v->valuestring, list);
    }
    return SIM_OK;
}

/* Checks the values of a Path filter: each a path from the root, outside /aws and /ssm. */
static int check_path_values(struct call *c, const cJSON *values)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        const char *s = v->valuestring;
        if (ssm_prefix_ci(s, "/aws") || ssm_prefix_ci(s, "/ssm"))
            return call_error(c, "ValidationException",
                              "Filters for common parameters can't be prefixed with \"aws\" or "
                              "\"ssm\" (case-insensitive). When using global parameters, please "
                              "specify within a global namespace.");
        size_t n = strlen(s);
        char *trimmed = xstrndup(s, n > 1 && s[n - 1] == '/' ? n - 1 : n);
        int ok = s[0] == '/' && (strcmp(trimmed, "/") == 0 ||
                                 ssm_name_check(trimmed, 0) == SSM_NAME_OK);
        free(trimmed);
        if (!ok)
            return call_error(c, "ValidationException", MSG_BAD_PATH);
    }
    return SIM_OK;
}

/*
 * Parses and checks ParameterFilters for DescribeParameters (by_path 0) or
 * GetParametersByPath (by_path 1), in the order AWS reports problems: the key, missing values,
 * a repeated key, the option, then the values. Returns SIM_OK or SIM_ERROR.
 */
int ssm_filters_parse(struct call *c, const cJSON *arr, int by_path, struct ssm_filters *out)
{
    static const char *const types[] = {"String", "StringList", "SecureString", NULL};
    static const char *const tiers[] = {"Standard", "Advanced", "Intelligent-Tiering", NULL};
    out->n = 0;
    if (cJSON_GetArraySize(arr) > SSM_MAX_FILTERS)
        return call_error(c, "ValidationException",
                          "1 validation error detected: Value at 'parameterFilters' failed to "
                          "satisfy constraint: Member must have length less than or equal to "
                          "%d",
                          SSM_MAX_FILTERS);
    const cJSON *item;
    cJSON_ArrayForEach(item, arr)
    {
        struct ssm_filter *f = &out->f[out->n];
        f->key = param_str(item, "Key");
        f->values = param(item, "Values");
        const char *opt = param_str(item, "Option");
        int is_tag = strncmp(f->key, "tag:", 4) == 0;
        int ok_key;
        if (by_path)
            ok_key = strcmp(f->key, "Type") == 0 || strcmp(f->key, "KeyId") == 0 ||
                     strcmp(f->key, "Label") == 0;
        else
            ok_key = strcmp(f->key, "Label") != 0;
        if (!ok_key)
            return call_error(c, "InvalidFilterKey",
                              "The following filter key is not valid: %s. Valid filter keys "
                              "include: [%s].",
                              f->key,
                              by_path ? "Type, KeyId, Label" : "Path, Name, Type, KeyId, Tier");
        if (!is_tag && cJSON_GetArraySize(f->values) == 0)
            return call_error(c, "InvalidFilterValue",
                              "The following filter values are missing : null for filter key %s.",
                              f->key);
        for (int i = 0; i < out->n; i++) {
            if (strcmp(out->f[i].key, f->key) == 0)
                return call_error(c, "InvalidFilterKey",
                                  "The following filter is duplicated in the request: %s. A "
                                  "request can contain only one occurrence of a specific filter.",
                                  f->key);
        }
        int is_path = strcmp(f->key, "Path") == 0;
        int is_name = strcmp(f->key, "Name") == 0;
        int is_label = strcmp(f->key, "Label") == 0;
        const char *valid = is_path    ? "Recursive, OneLevel"
                            : is_name  ? "BeginsWith, Contains, Equals"
                            : is_label ? "Equals"
                                       : "BeginsWith, Equals";
        f->opt = is_path ? OPT_ONELEVEL : OPT_EQUALS;
        if (opt) {
            int k = option_index(opt);
            int allowed = k >= 0 && (is_path ? k >= OPT_ONELEVEL
                                    : is_label ? k == OPT_EQUALS
                                    : is_name  ? k <= OPT_CONTAINS
                                               : k <= OPT_BEGINS);
            if (!allowed)
                return call_error(c, "InvalidFilterOption",
                                  "The following filter option is not valid: %s. Valid options "
                                  "include: [%s].",
                                  opt, valid);
            f->opt = (enum ssm_filter_opt)k;
        }
        if (strcmp(f->key, "Type") == 0 &&
            check_filter_values(c, f->values, types, "String, StringList, SecureString"))
            return SIM_ERROR;
        if (strcmp(f->key, "Tier") == 0 &&
            check_filter_values(c, f->values, tiers, "Standard, Advanced, Intelligent-Tiering"))
            return SIM_ERROR;
        if (is_path && check_path_values(c, f->values) != SIM_OK)
            return SIM_ERROR;
        out->n++;
    }
    return SIM_OK;
}

/* Turns the deprecated Filters (Name, Type, KeyId) into ParameterFilters: Name matches by
 * prefix, the others exactly. */
void ssm_filters_legacy(const cJSON *arr, struct ssm_filters *out)
{
    out->n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, arr)
    {
        if (out->n == SSM_MAX_FILTERS)
            break;
        struct ssm_filter *f = &out->f[out->n++];
        f->key = param_str(item, "Key");
        f->values = param(item, "Values");
        f->opt = strcmp(f->key, "Name") == 0 ? OPT_BEGINS : OPT_EQUALS;
    }
}

/* The name with exactly one leading '/', so that "a" and "/a" compare alike in Name filters. */
static char *slashed(const char *s)
{
    while (*s == '/')
        s++;
    return xasprintf("/%s", s);
}

/* Returns 1 if s (possibly NULL) matches any of the values under opt. */
static int match_values(const char *s, enum ssm_filter_opt opt, const cJSON *values,
                        int name_mode)
{
    if (s == NULL)
        return 0;
    char *subject = name_mode && opt != OPT_CONTAINS ? slashed(s) : xstrdup(s);
    int hit = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        if (hit)
            break;
        char *want = name_mode && opt != OPT_CONTAINS ? slashed(v->valuestring)
                                                      : xstrdup(v->valuestring);
        if (opt == OPT_EQUALS)
            hit = strcmp(subject, want) == 0;
        else if (opt == OPT_BEGINS)
            hit = strncmp(subject, want, strlen(want)) == 0;
        else if (opt == OPT_CONTAINS)
            hit = strstr(subject, want) != NULL;
        free(want);
    }
    free(subject);
    return hit;
}

/* Returns 1 if name lies under one of the paths: directly below (OneLevel) or anywhere
 * below (Recursive). */
static int match_path(const char *name, enum ssm_filter_opt opt, const cJSON *values)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        const char *path = v->valuestring;
        size_t n = strlen(path);
        while (n > 1 && path[n - 1] == '/')
            n--;
        size_t plen = n == 1 ? 0 : n; /* "/" is the root: every path name is under it */
        if (strncmp(name, path, plen) != 0 || name[plen] != '/')
            continue;
        if (opt == OPT_RECURSIVE || strchr(name + plen + 1, '/') == NULL)
            return 1;
    }
    return 0;
}

/*
 * Applies every filter (AND; the values of one filter OR) to the latest version p. For a
 * Label filter (GetParametersByPath) *label_version receives the newest version carrying one
 * of the labels. Returns 1 (match), 0 (no match) or -1 (store error).
 */
int ssm_filters_match(const struct call *c, const struct ssm_filters *fs,
                         const struct ssm_param *p, int64_t *label_version)
{
    struct ssm_scope sc = ssm_scope_of(c);
    for (int i = 0; i < fs->n; i++) {
        const struct ssm_filter *f = &fs->f[i];
        int hit;
        if (strcmp(f->key, "Name") == 0) {
            hit = match_values(p->name, f->opt, f->values, 1);
        } else if (strcmp(f->key, "Type") == 0) {
            hit = match_values(p->type, f->opt, f->values, 0);
        } else if (strcmp(f->key, "KeyId") == 0) {
            hit = strcmp(p->type, "SecureString") == 0 &&
                  match_values(p->key_id, f->opt, f->values, 0);
        } else if (strcmp(f->key, "Tier") == 0) {
            hit = match_values(p->tier, f->opt, f->values, 0);
        } else if (strcmp(f->key, "DataType") == 0) {
            hit = match_values(p->data_type, f->opt, f->values, 0);
        } else if (strcmp(f->key, "Path") == 0) {
            hit = match_path(p->name, f->opt, f->values);
        } else if (strcmp(f->key, "Label") == 0) {
            hit = 0;
            const cJSON *v;
            cJSON_ArrayForEach(v, f->values)
            {
                int64_t version;
                int rc = store_ssm_label_find(&sc, p->name, v->valuestring, &version);
                if (rc < 0)
                    return -1;
                if (rc == 0 && (!hit || version > *label_version))
                    *label_version = version;
                hit |= rc == 0;
            }
        } else { /* tag:KEY */
            char *arn = ssm_arn(c, p->name);
            char *value = NULL;
            int rc = store_ssm_tag_get(&sc, arn, f->key + 4, &value);
            free(arn);
            if (rc < 0)
                return -1;
            hit = rc == 0 && (f->values == NULL || cJSON_GetArraySize(f->values) == 0 ||
                              match_values(value, f->opt, f->values, 0));
            free(value);
        }
        if (!hit)
            return 0;
    }
    return 1;
}
