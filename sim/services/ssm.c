/*
 * ssm.c - AWS Systems Manager Parameter Store, spoken as awsJson 1.1 ("AmazonSSM.<Op>").
 *
 * Operations: PutParameter, GetParameter, GetParameters, GetParametersByPath,
 * DescribeParameters, GetParameterHistory, DeleteParameter, DeleteParameters,
 * LabelParameterVersion, UnlabelParameterVersion, AddTagsToResource, ListTagsForResource,
 * RemoveTagsFromResource. The model's generic validation (required members, enums, lengths,
 * ranges, patterns) has already run in SSM's coral wording when a handler starts; handlers add
 * the rules AWS applies on top, taken from the SSM API reference and the user guide, and the
 * error texts from AWS responses quoted in public issue trackers.
 *
 * Files: this one holds the handlers; ssm_names.c the pure vocabulary (names, references,
 * labels, tokens), ssm_filters.c the ParameterFilters; ssm_int.h is their private header.
 * Storage is sim/store/ssm.c: ssm_parameters (latest version per name),
 * ssm_parameter_versions (at most 100 kept per name), ssm_labels, and the generic tags table
 * (service 'ssm', resource = the parameter ARN). Every row is scoped by the caller's
 * (account, region); times come from c->now_ms only. LastModifiedUser is the account's root
 * identity, as sts GetCallerIdentity reports it (sim/services/sts.c).
 *
 * Decisions where AWS is not pinned down (each is commented where it is made):
 *   - ParameterNotFound is sent without a message, as AWS answers GetParameter.
 *   - SecureString values are stored in plaintext; without WithDecryption they come back as a
 *     deterministic stand-in ciphertext (ssm_cipher). KMS is not simulated: any KeyId works.
 *   - Overwriting with another Type is allowed (AWS allows it today); the modeled
 *     HierarchyTypeMismatchException is never raised.
 *   - aws:ec2:image values are checked for the AMI ID format. AWS checks asynchronously and
 *     documents that a bad value still gets HTTP 200 while the parameter is not created or
 *     updated; drillsim does exactly that.
 *   - Policies must be a JSON array of policy objects; they are stored and reported as
 *     Pending, never enforced (no expiry, no notification events).
 *   - The account's default tier is Standard (there is no UpdateServiceSetting).
 *
 * To add an operation: list it in sim/services/models/ops.json and regenerate the models,
 * write op_<Name> here and add its row to ssm_ops, put new queries in sim/store/ssm.c, and
 * cover it in tests/e2e/test_ssm.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "services/params.h"
#include "services/service.h"
#include "services/ssm_int.h"
#include "sim.h"
#include "store/ssm.h"
#include "util/xmalloc.h"

#define SSM_MAX_VERSIONS 100
#define SSM_MAX_LABELS 10 /* per version */
#define SSM_MAX_TAGS 50
#define SSM_MAX_NAME_WITH_ARN 1011
#define SSM_STANDARD_VALUE_MAX 4096
#define SSM_ADVANCED_VALUE_MAX 8192
#define SSM_WIRE_VALUE_MAX 32768
#define SSM_STANDARD_LIMIT 10000 /* standard parameters per account and Region */
#define SSM_MAX_POLICIES 10
#define SSM_PATTERN_MATCH_LIMIT 1000000u

/* AWS's texts (see the file header for where they come from). */
#define MSG_BAD_NAME                                                                           \
    "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed as a path, " \
    "it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a "   \
    "mix of letters, numbers and the following 3 symbols .-_"
#define MSG_RESERVED_NAME                                                                      \
    "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."
#define MSG_DEPTH                                                                              \
    "A hierarchy can have a maximum of 15 levels. For more information, see Requirements and " \
    "constraints for parameter names in the Amazon Web Services Systems Manager User Guide."
#define MSG_EXISTS                                                                             \
    "The parameter already exists. To overwrite this value, set the overwrite option in the "  \
    "request to true."
#define MSG_TAGS_OVERWRITE                                                                     \
    "Invalid request: tags and overwrite can't be used together. To create a parameter with "  \
    "tags, please remove overwrite flag. To update tags for an existing parameter, please "    \
    "use AddTagsToResource or RemoveTagsFromResource."
#define MSG_STANDARD_SIZE                                                                      \
    "Standard tier parameters support a maximum parameter value of 4096 characters. To "       \
    "create a larger parameter value, upgrade the parameter to use the advanced-parameter "    \
    "tier. For more information, see "                                                         \
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/"                            \
    "parameter-store-advanced-parameters.html"
#define MSG_STANDARD_LIMIT                                                                     \
    "You have reached the maximum number of standard parameters for this AWS account and "     \
    "Region (10000). To add more parameters, either delete existing parameters or upgrade to " \
    "the advanced-parameter tier (charges apply)."
#define MSG_VERSION_NOT_FOUND                                                                  \
    "Systems Manager could not find version %lld of %s. Verify the version and try again."
#define MSG_LABEL_LIMIT                                                                        \
    "A parameter version can have maximum 10 labels.Move one or more labels to another "       \
    "version and try again."
#define MSG_BOTH_FILTERS "You can use either Filters or ParameterFilters in a single request."
#define MSG_BAD_TOKEN "The specified token isn't valid."

/* ---- small helpers ------------------------------------------------------------------- */

struct ssm_scope ssm_scope_of(const struct call *c)
{
    struct ssm_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

/* Records the answer to a failed store call: SSM's modeled 500. Returns SIM_ERROR. */
static int store_failed(struct call *c)
{
    return call_error(c, "InternalServerError", "An internal error occurred in the store.");
}

/* AWS sends ParameterNotFound without a message: botocore prints "... GetParameter operation: "
 * (issues quoting AWS from 2018 to 2022: awslabs/aws-simple-cicd#10,
 * aws-solutions/aws-control-tower-customizations#68, vandium-io/aws-param-store#8). */
static int not_found(struct call *c)
{
    return call_error(c, "ParameterNotFound", NULL);
}

/* Records ParameterVersionNotFound for version of name. Returns SIM_ERROR. */
static int version_not_found(struct call *c, int64_t version, const char *name)
{
    return call_error(c, "ParameterVersionNotFound", MSG_VERSION_NOT_FOUND, (long long)version,
                      name);
}

/* Returns the parameter's ARN (caller frees): a leading '/' of the name is not doubled. */
char *ssm_arn(const struct call *c, const char *name)
{
    return xasprintf("arn:aws:ssm:%s:%s:parameter%s%s", c->tenant.region, c->tenant.account,
                     name[0] == '/' ? "" : "/", name);
}

/* Writes the caller's identity ARN (LastModifiedUser): the account's root user. */
static void user_arn(const struct call *c, char out[64])
{
    snprintf(out, 64, "arn:aws:iam::%s:root", c->tenant.account);
}

/* ---- name checks in AWS's words ------------------------------------------------------ */

/* Checks the name of a parameter being written. Returns SIM_OK or SIM_ERROR (error set). */
static int check_write_name(struct call *c, const char *name)
{
    switch (ssm_name_check(name, 1)) {
    case SSM_NAME_OK:
        break;
    case SSM_NAME_RESERVED:
        return call_error(c, "ValidationException", MSG_RESERVED_NAME);
    case SSM_NAME_RESERVED_PATH:
        return call_error(c, "AccessDeniedException",
                          "No access to reserved parameter name: %s.", name);
    case SSM_NAME_TOO_DEEP:
        return call_error(c, "HierarchyLevelLimitExceededException", MSG_DEPTH);
    default:
        return call_error(c, "ValidationException", MSG_BAD_NAME);
    }
    /* The documented limit counts the ARN before the name: 1011 characters in all. The text is
     * drillsim's (AWS's own was not found). */
    char *arn = ssm_arn(c, name);
    size_t len = ssm_utf8_len(arn);
    free(arn);
    if (len > SSM_MAX_NAME_WITH_ARN)
        return call_error(c, "ValidationException",
                          "Parameter name: the name and the ARN before it "
                          "(arn:aws:ssm:%s:%s:parameter/) can have at most %d characters.",
                          c->tenant.region, c->tenant.account, SSM_MAX_NAME_WITH_ARN);
    return SIM_OK;
}

/* Checks a name that is read, deleted or labelled. Returns SIM_OK or SIM_ERROR. */
static int check_read_name(struct call *c, const char *name)
{
    if (ssm_name_check(name, 0) != SSM_NAME_OK)
        return call_error(c, "ValidationException", MSG_BAD_NAME);
    return SIM_OK;
}

/* ---- reply documents ----------------------------------------------------------------- */

/* Converts epoch milliseconds to the neutral timestamp: epoch seconds. */
static double epoch_s(int64_t ms)
{
    return (double)ms / 1000.0;
}

/* Returns 1 if p is a SecureString. */
static int is_secure(const struct ssm_param *p)
{
    return strcmp(p->type, "SecureString") == 0;
}

/* Adds "Value" to obj: the plaintext, or the stand-in ciphertext of a SecureString read
 * without WithDecryption. */
static void add_value(cJSON *obj, const struct ssm_param *p, int decrypt)
{
    if (is_secure(p) && !decrypt) {
        char *cipher = ssm_cipher(p->key_id, p->value);
        cJSON_AddStringToObject(obj, "Value", cipher);
        free(cipher);
    } else {
        cJSON_AddStringToObject(obj, "Value", p->value);
    }
}

/* Returns a new Parameter object (GetParameter, GetParameters, GetParametersByPath); selector
 * is the text after ':' in the request, or NULL. */
static cJSON *parameter_json(const struct call *c, const struct ssm_param *p,
                             const char *selector, int decrypt)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Name", p->name);
    cJSON_AddStringToObject(o, "Type", p->type);
    add_value(o, p, decrypt);
    cJSON_AddNumberToObject(o, "Version", (double)p->version);
    if (selector) {
        char *sel = xasprintf(":%s", selector);
        cJSON_AddStringToObject(o, "Selector", sel);
        free(sel);
    }
    cJSON_AddNumberToObject(o, "LastModifiedDate", epoch_s(p->modified_ms));
    char *arn = ssm_arn(c, p->name);
    cJSON_AddStringToObject(o, "ARN", arn);
    free(arn);
    cJSON_AddStringToObject(o, "DataType", p->data_type);
    return o;
}

/* Returns the Policies list of a version: [{PolicyText, PolicyType, PolicyStatus}]. The
 * stored text was checked when it was put. */
static cJSON *policies_json(const struct ssm_param *p)
{
    cJSON *list = cJSON_CreateArray();
    cJSON *doc = p->policies ? cJSON_Parse(p->policies) : NULL;
    const cJSON *item;
    cJSON_ArrayForEach(item, doc)
    {
        cJSON *pol = cJSON_CreateObject();
        char *text = cJSON_PrintUnformatted(item);
        cJSON_AddStringToObject(pol, "PolicyText", text ? text : "{}");
        cJSON_free(text);
        const char *type = param_str(item, "Type");
        cJSON_AddStringToObject(pol, "PolicyType", type ? type : "");
        cJSON_AddStringToObject(pol, "PolicyStatus", "Pending");
        cJSON_AddItemToArray(list, pol);
    }
    cJSON_Delete(doc);
    return list;
}

/* Adds the members ParameterMetadata and ParameterHistory share, in AWS's order. */
static void add_common_meta(const struct call *c, cJSON *o, const struct ssm_param *p)
{
    if (is_secure(p) && p->key_id)
        cJSON_AddStringToObject(o, "KeyId", p->key_id);
    cJSON_AddNumberToObject(o, "LastModifiedDate", epoch_s(p->modified_ms));
    cJSON_AddStringToObject(o, "LastModifiedUser", p->modified_user);
    if (p->description && p->description[0])
        cJSON_AddStringToObject(o, "Description", p->description);
}

/* Returns a new ParameterMetadata object (DescribeParameters). */
static cJSON *metadata_json(const struct call *c, const struct ssm_param *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Name", p->name);
    char *arn = ssm_arn(c, p->name);
    cJSON_AddStringToObject(o, "ARN", arn);
    free(arn);
    cJSON_AddStringToObject(o, "Type", p->type);
    add_common_meta(c, o, p);
    if (p->allowed_pattern && p->allowed_pattern[0])
        cJSON_AddStringToObject(o, "AllowedPattern", p->allowed_pattern);
    cJSON_AddNumberToObject(o, "Version", (double)p->version);
    cJSON_AddStringToObject(o, "Tier", p->tier);
    cJSON_AddItemToObject(o, "Policies", policies_json(p));
    cJSON_AddStringToObject(o, "DataType", p->data_type);
    return o;
}

/* Returns a new ParameterHistory object, or NULL on a store error. */
static cJSON *history_json(const struct call *c, const struct ssm_param *p, int decrypt)
{
    struct ssm_scope sc = ssm_scope_of(c);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Name", p->name);
    cJSON_AddStringToObject(o, "Type", p->type);
    add_common_meta(c, o, p);
    add_value(o, p, decrypt);
    if (p->allowed_pattern && p->allowed_pattern[0])
        cJSON_AddStringToObject(o, "AllowedPattern", p->allowed_pattern);
    cJSON_AddNumberToObject(o, "Version", (double)p->version);
    cJSON *labels = cJSON_AddArrayToObject(o, "Labels");
    if (store_ssm_labels(&sc, p->name, p->version, labels, NULL) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddStringToObject(o, "Tier", p->tier);
    cJSON_AddItemToObject(o, "Policies", policies_json(p));
    cJSON_AddStringToObject(o, "DataType", p->data_type);
    return o;
}

/* ---- looking parameters up ----------------------------------------------------------- */

/* Resolves a parsed reference into *p. Returns 0 (found), 1 (no such parameter or label),
 * 2 (no such version) or -1 (store error). */
static int resolve_ref(const struct call *c, const struct ssm_ref *r, struct ssm_param *p)
{
    struct ssm_scope sc = ssm_scope_of(c);
    int64_t version = 0;
    if (r->kind == SSM_SEL_LABEL) {
        int rc = store_ssm_label_find(&sc, r->name, r->selector, &version);
        if (rc != 0)
            return rc;
    } else if (r->kind == SSM_SEL_VERSION) {
        int rc = store_ssm_get(&sc, r->name, 0, p);
        if (rc != 0)
            return rc;
        store_ssm_param_clear(p);
        if (r->version <= 0)
            return 2;
        version = r->version;
    }
    int rc = store_ssm_get(&sc, r->name, version, p);
    if (rc == 1 && r->kind == SSM_SEL_VERSION)
        return 2;
    return rc;
}

/* ---- PutParameter -------------------------------------------------------------------- */

/* Compiles an AllowedPattern (a Java-style regular expression). Returns the code, or NULL
 * with the PCRE2 error text in err. */
static pcre2_code *compile_pattern(const char *pattern, char *err, size_t errlen)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
    if (re == NULL)
        pcre2_get_error_message(code, (PCRE2_UCHAR *)err, errlen);
    return re;
}

/*
 * Checks value against the parameter's AllowedPattern. The pattern must match the whole value
 * (Java's String.matches, which the service uses); a match that runs past the backtracking
 * limit counts as a mismatch, so a hostile pattern cannot hang the server. Returns SIM_OK or
 * SIM_ERROR.
 */
static int check_pattern(struct call *c, const char *pattern, const char *value)
{
    char err[256];
    pcre2_code *re = compile_pattern(pattern, err, sizeof err);
    if (re == NULL)
        return call_error(c, "InvalidAllowedPatternException",
                          "The request doesn't meet the regular expression requirement: %s", err);
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(mc, SSM_PATTERN_MATCH_LIMIT);
    int rc = pcre2_match(re, (PCRE2_SPTR)value, strlen(value), 0,
                         PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, mc);
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    if (rc < 0)
        return call_error(c, "ParameterPatternMismatchException",
                          "Parameter value, cannot be validated against allowedPattern: %s",
                          pattern);
    return SIM_OK;
}

/*
 * Checks a Policies text: a JSON array of at most 10 objects, each with a known "Type" (once
 * each) and an "Attributes" object when given. Sets *count. Returns SIM_OK or SIM_ERROR.
 */
static int check_policies(struct call *c, const char *text, int *count)
{
    static const char *const types[] = {"Expiration", "ExpirationNotification",
                                        "NoChangeNotification"};
    int seen[3] = {0, 0, 0};
    cJSON *doc = cJSON_Parse(text);
    int rc = SIM_ERROR;
    if (!cJSON_IsArray(doc)) {
        call_error(c, "InvalidPolicyAttributeException",
                   "Policies must be a JSON array of parameter policies.");
        goto out;
    }
    int n = cJSON_GetArraySize(doc);
    if (n > SSM_MAX_POLICIES) {
        call_error(c, "PoliciesLimitExceededException",
                   "You specified more than the maximum number of allowed policies for the "
                   "parameter. The maximum is 10.");
        goto out;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, doc)
    {
        const char *type = param_str(item, "Type");
        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(item, "Attributes");
        if (!cJSON_IsObject(item) || type == NULL || (attrs && !cJSON_IsObject(attrs))) {
            call_error(c, "InvalidPolicyAttributeException",
                       "A policy attribute or its value is invalid.");
            goto out;
        }
        int k = 0;
        while (k < 3 && strcmp(types[k], type) != 0)
            k++;
        if (k == 3) {
            call_error(c, "InvalidPolicyTypeException",
                       "The policy type isn't supported. Parameter Store supports the following "
                       "policy types: Expiration, ExpirationNotification, and "
                       "NoChangeNotification.");
            goto out;
        }
        if (seen[k]++) {
            call_error(c, "IncompatiblePolicyException",
                       "There is a conflict in the policies specified for this parameter. You "
                       "can't specify two %s policies for a parameter.",
                       type);
            goto out;
        }
    }
    *count = n;
    rc = SIM_OK;
out:
    cJSON_Delete(doc);
    return rc;
}

/* Checks tags being written: reserved keys and the 50-tag limit (existing tags included).
 * Returns SIM_OK or SIM_ERROR. */
static int check_tags(struct call *c, const cJSON *tags, int64_t existing_new_keys)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *key = param_str(t, "Key");
        if (key && ssm_prefix_ci(key, "aws:"))
            return call_error(c, "ValidationException",
                              "Tag keys beginning with aws: are reserved for AWS use.");
    }
    if (existing_new_keys > SSM_MAX_TAGS)
        return call_error(c, "TooManyTagsError",
                          "A resource can have a maximum of 50 tags. Remove one or more tags "
                          "and try the command again.");
    return SIM_OK;
}

/* Counts the distinct keys of a tag list that are not already on the resource. Returns the
 * count, or -1 on a store error. */
static int64_t new_tag_keys(const struct call *c, const char *arn, const cJSON *tags)
{
    struct ssm_scope sc = ssm_scope_of(c);
    int64_t n = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *key = param_str(t, "Key");
        int dup = 0;
        for (const cJSON *u = tags->child; u != t && !dup; u = u->next) {
            const char *prev = param_str(u, "Key");
            dup = prev && key && strcmp(prev, key) == 0;
        }
        if (dup || key == NULL)
            continue;
        char *value = NULL;
        int rc = arn ? store_ssm_tag_get(&sc, arn, key, &value) : 1;
        free(value);
        if (rc < 0)
            return -1;
        n += rc == 1;
    }
    return n;
}

struct put_plan {
    const char *tier; /* the resolved tier */
    int policies;     /* number of policies the new version carries */
};

/*
 * Resolves the tier of the new version from the requested Tier, the existing parameter and
 * the value size and policies (Intelligent-Tiering picks Advanced only when it must), and
 * checks the value against the tier's size limit. Returns SIM_OK or SIM_ERROR.
 */
static int plan_tier(struct call *c, const struct ssm_param *old, const char *value,
                     struct put_plan *plan)
{
    struct ssm_scope sc = ssm_scope_of(c);
    const char *req = param_str(c->in, "Tier");
    int was_advanced = old && strcmp(old->tier, "Advanced") == 0;
    size_t len = ssm_utf8_len(value);
    if (req && strcmp(req, "Standard") == 0 && was_advanced)
        return call_error(c, "ValidationException",
                          "This parameter uses the advanced-parameter tier. You can't downgrade "
                          "a parameter from the advanced-parameter tier to the "
                          "standard-parameter tier. If necessary, you can delete the advanced "
                          "parameter and recreate it as a standard parameter.");
    if (req && strcmp(req, "Intelligent-Tiering") == 0) {
        int advanced = was_advanced || len > SSM_STANDARD_VALUE_MAX || plan->policies > 0;
        if (!advanced && old == NULL) {
            int64_t n;
            if (store_ssm_count_tier(&sc, "Standard", &n) != 0)
                return store_failed(c);
            advanced = n >= SSM_STANDARD_LIMIT;
        }
        plan->tier = advanced ? "Advanced" : "Standard";
    } else if (req) {
        plan->tier = req;
    } else {
        /* No Tier: the default tier setting (Standard) for a new parameter; an existing one
         * keeps its tier. */
        plan->tier = old ? (was_advanced ? "Advanced" : "Standard") : "Standard";
    }
    int advanced = strcmp(plan->tier, "Advanced") == 0;
    if (!advanced && len > SSM_STANDARD_VALUE_MAX)
        return call_error(c, "ValidationException", MSG_STANDARD_SIZE);
    if (advanced && len > SSM_ADVANCED_VALUE_MAX)
        return call_error(c, "ValidationException",
                          "Advanced tier parameters support a maximum parameter value of 8192 "
                          "characters.");
    if (!advanced && plan->policies > 0)
        return call_error(c, "ValidationException",
                          "Standard tier parameters don't support parameter policies. To use "
                          "parameter policies, use the advanced-parameter tier.");
    if (!advanced && old == NULL) {
        int64_t n;
        if (store_ssm_count_tier(&sc, "Standard", &n) != 0)
            return store_failed(c);
        if (n >= SSM_STANDARD_LIMIT)
            return call_error(c, "ParameterLimitExceeded", MSG_STANDARD_LIMIT);
    }
    return SIM_OK;
}

/*
 * Makes room for one more version: when 100 are kept the oldest goes, unless a label holds
 * it. Returns SIM_OK or SIM_ERROR.
 */
static int make_room(struct call *c, const char *name)
{
    struct ssm_scope sc = ssm_scope_of(c);
    int64_t latest, oldest, count, labels;
    if (store_ssm_head(&sc, name, &latest, &oldest, &count) != 0)
        return store_failed(c);
    if (count < SSM_MAX_VERSIONS)
        return SIM_OK;
    if (store_ssm_label_count(&sc, name, oldest, &labels) != 0)
        return store_failed(c);
    if (labels > 0)
        return call_error(c, "ParameterMaxVersionLimitExceeded",
                          "You attempted to create a new version of %s by calling the "
                          "PutParameter API with the overwrite flag. Version %lld, the oldest "
                          "version, can't be deleted because it has a label associated with "
                          "it. Move the label to another version of the parameter, and try "
                          "again.",
                          name, (long long)oldest);
    if (store_ssm_delete_version(&sc, name, oldest) != 0)
        return store_failed(c);
    return SIM_OK;
}

/* Sets p's fields that PutParameter may leave out from the request or the old version. */
static int fill_put_fields(struct call *c, const struct ssm_param *old, struct ssm_param *p)
{
    const char *type = param_str(c->in, "Type");
    const char *key_id = param_str(c->in, "KeyId");
    const char *data_type = param_str(c->in, "DataType");
    const char *desc = param_str(c->in, "Description");
    const char *pattern = param_str(c->in, "AllowedPattern");
    const char *policies = param_str(c->in, "Policies");

    p->type = xstrdup(type ? type : old->type);
    int secure = strcmp(p->type, "SecureString") == 0;
    /* The service takes a KeyId for SecureString only; the text is drillsim's. */
    if (key_id && !secure)
        return call_error(c, "ValidationException",
                          "KeyId can only be specified for SecureString parameters.");
    if (secure)
        p->key_id = xstrdup(key_id                              ? key_id
                            : old && old->key_id && is_secure(old) ? old->key_id
                                                                   : SSM_DEFAULT_KEY);
    const char *dt = data_type ? data_type : old ? old->data_type : "text";
    if (strcmp(dt, "text") != 0 && strcmp(dt, "aws:ec2:image") != 0 &&
        strcmp(dt, "aws:ssm:integration") != 0)
        return call_error(c, "ValidationException",
                          "The following data type is not supported: %s (Data type names are "
                          "all lowercase.)",
                          dt);
    if (strcmp(dt, "aws:ec2:image") == 0 && strcmp(p->type, "String") != 0)
        return call_error(c, "ValidationException",
                          "The aws:ec2:image data type is supported only for String "
                          "parameters.");
    p->data_type = xstrdup(dt);
    if (desc)
        p->description = xstrdup(desc);
    else if (old && old->description)
        p->description = xstrdup(old->description);
    if (pattern)
        p->allowed_pattern = xstrdup(pattern);
    else if (old && old->allowed_pattern)
        p->allowed_pattern = xstrdup(old->allowed_pattern);
    if (policies)
        p->policies = xstrdup(policies);
    else if (old && old->policies)
        p->policies = xstrdup(old->policies);
    return SIM_OK;
}

/* PutParameter: creates a parameter or, with Overwrite, a new version of it. Replies
 * {Version, Tier}. */
static int op_PutParameter(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    struct ssm_param old = {0}, p = {0};
    char *arn = NULL;
    char user[64];
    int result = SIM_ERROR;
    const char *value = param_str(c->in, "Value");
    const cJSON *tags = param(c->in, "Tags");
    int overwrite = param_bool(c->in, "Overwrite", 0);
    int ntags = cJSON_GetArraySize(tags);

    if (overwrite && ntags > 0) {
        call_error(c, "ValidationException", MSG_TAGS_OVERWRITE);
        goto out;
    }
    p.name = ssm_trim(param_str(c->in, "Name"));
    if (check_write_name(c, p.name) != SIM_OK)
        goto out;
    /* The value is sensitive: the coral text does not echo it. */
    if (value[0] == '\0' || strlen(value) > SSM_WIRE_VALUE_MAX) {
        call_error(c, "ValidationException",
                   "1 validation error detected: Value at 'value' failed to satisfy "
                   "constraint: Member must have length %s",
                   value[0] ? "less than or equal to 32768" : "greater than or equal to 1");
        goto out;
    }
    /* "You can't include values wrapped in double brackets {{}}" (PutParameter, Value). */
    const char *open_braces = strstr(value, "{{");
    if (open_braces && strstr(open_braces + 2, "}}")) {
        call_error(c, "ValidationException",
                   "Parameter value can't nest another parameter. Do not use \"{{}}\" in the "
                   "value.");
        goto out;
    }
    int found = store_ssm_get(&sc, p.name, 0, &old);
    if (found < 0) {
        store_failed(c);
        goto out;
    }
    const struct ssm_param *prev = found == 0 ? &old : NULL;
    if (prev && !overwrite) {
        call_error(c, "ParameterAlreadyExists", MSG_EXISTS);
        goto out;
    }
    if (!prev && param_str(c->in, "Type") == NULL) {
        call_error(c, "ValidationException",
                   "A parameter type is required when you create a parameter.");
        goto out;
    }
    if (fill_put_fields(c, prev, &p) != SIM_OK)
        goto out;
    if (p.allowed_pattern && p.allowed_pattern[0] &&
        check_pattern(c, p.allowed_pattern, value) != SIM_OK)
        goto out;
    struct put_plan plan = {NULL, 0};
    if (p.policies && check_policies(c, p.policies, &plan.policies) != SIM_OK)
        goto out;
    if (plan_tier(c, prev, value, &plan) != SIM_OK)
        goto out;
    arn = ssm_arn(c, p.name);
    if (!prev && ntags > 0) {
        int64_t n = new_tag_keys(c, NULL, tags);
        if (n < 0 || check_tags(c, tags, n) != SIM_OK) {
            if (n < 0)
                store_failed(c);
            goto out;
        }
    }
    p.version = prev ? prev->version + 1 : 1;
    /* aws:ec2:image is validated after the call returns: a value that is not an AMI ID gets
     * HTTP 200 and the parameter is neither created nor updated (PutParameter, DataType). */
    int store_it = strcmp(p.data_type, "aws:ec2:image") != 0 || ssm_ami_valid(value);
    if (store_it) {
        if (prev && make_room(c, p.name) != SIM_OK)
            goto out;
        p.value = xstrdup(value);
        p.tier = xstrdup(plan.tier);
        user_arn(c, user);
        p.modified_user = xstrdup(user);
        p.modified_ms = c->now_ms;
        if (store_ssm_insert(&sc, &p) != 0) {
            store_failed(c);
            goto out;
        }
        const cJSON *new_tags = prev ? NULL : tags;
        const cJSON *t;
        cJSON_ArrayForEach(t, new_tags)
        {
            if (store_ssm_tag_put(&sc, arn, param_str(t, "Key"), param_str(t, "Value")) != 0) {
                store_failed(c);
                goto out;
            }
        }
    }
    c->out = cJSON_CreateObject();
    cJSON_AddNumberToObject(c->out, "Version", (double)p.version);
    cJSON_AddStringToObject(c->out, "Tier", plan.tier);
    result = SIM_OK;
out:
    free(arn);
    store_ssm_param_clear(&old);
    store_ssm_param_clear(&p);
    return result;
}

/* ---- GetParameter, GetParameters ----------------------------------------------------- */

/* GetParameter: one parameter by name, name:version, name:label or ARN. */
static int op_GetParameter(struct call *c)
{
    struct ssm_ref r;
    struct ssm_param p = {0};
    int decrypt = param_bool(c->in, "WithDecryption", 0);
    if (ssm_ref_parse(param_str(c->in, "Name"), c->tenant.account, c->tenant.region, &r) != 0)
        return not_found(c);
    int result = SIM_ERROR;
    if (check_read_name(c, r.name) != SIM_OK)
        goto out;
    int rc = resolve_ref(c, &r, &p);
    if (rc < 0) {
        store_failed(c);
    } else if (rc == 1) {
        not_found(c);
    } else if (rc == 2) {
        version_not_found(c, r.version, r.name);
    } else {
        c->out = cJSON_CreateObject();
        cJSON_AddItemToObject(c->out, "Parameter", parameter_json(c, &p, r.selector, decrypt));
        result = SIM_OK;
    }
out:
    ssm_ref_clear(&r);
    store_ssm_param_clear(&p);
    return result;
}

struct found_param {
    char *name;
    char *selector;
    cJSON *item;
};

/* Orders GetParameters results by name, then selector. */
static int cmp_found(const void *a, const void *b)
{
    const struct found_param *x = a, *y = b;
    int d = strcmp(x->name, y->name);
    if (d != 0)
        return d;
    return strcmp(x->selector ? x->selector : "", y->selector ? y->selector : "");
}

/* Returns 1 if an item before `item` in the cJSON array `list` is the same string. */
static int seen_before(const cJSON *list, const cJSON *item)
{
    for (const cJSON *it = list->child; it && it != item; it = it->next) {
        if (cJSON_IsString(it) && strcmp(it->valuestring, item->valuestring) == 0)
            return 1;
    }
    return 0;
}

/* GetParameters: up to 10 references; the ones that find nothing go to InvalidParameters. */
static int op_GetParameters(struct call *c)
{
    const cJSON *names = param(c->in, "Names");
    int decrypt = param_bool(c->in, "WithDecryption", 0);
    struct found_param found[10];
    int nfound = 0, result = SIM_ERROR;
    cJSON *invalid = cJSON_CreateArray();
    const cJSON *n;
    cJSON_ArrayForEach(n, names)
    {
        /* the model caps Names at 10; stay inside found[] whatever arrives */
        if (!cJSON_IsString(n) || nfound == 10 || seen_before(names, n))
            continue;
        struct ssm_ref r;
        struct ssm_param p = {0};
        int rc = ssm_ref_parse(n->valuestring, c->tenant.account, c->tenant.region, &r);
        if (rc == 0 && ssm_name_check(r.name, 0) != SSM_NAME_OK)
            rc = 1;
        if (rc == 0)
            rc = resolve_ref(c, &r, &p);
        if (rc < 0) {
            ssm_ref_clear(&r);
            store_failed(c);
            goto out;
        }
        if (rc == 0) {
            found[nfound].name = xstrdup(p.name);
            found[nfound].selector = r.selector ? xstrdup(r.selector) : NULL;
            found[nfound].item = parameter_json(c, &p, r.selector, decrypt);
            nfound++;
        } else {
            cJSON_AddItemToArray(invalid, cJSON_CreateString(n->valuestring));
        }
        ssm_ref_clear(&r);
        store_ssm_param_clear(&p);
    }
    /* "The results for GetParameters requests are listed in alphabetical order." */
    qsort(found, (size_t)nfound, sizeof found[0], cmp_found);
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "Parameters");
    for (int k = 0; k < nfound; k++) {
        cJSON_AddItemToArray(list, found[k].item);
        found[k].item = NULL;
    }
    cJSON_AddItemToObject(c->out, "InvalidParameters", invalid);
    invalid = NULL;
    result = SIM_OK;
out:
    for (int k = 0; k < nfound; k++) {
        free(found[k].name);
        free(found[k].selector);
        cJSON_Delete(found[k].item);
    }
    cJSON_Delete(invalid);
    return result;
}

/* ---- pagination ---------------------------------------------------------------------- */

/* Reads NextToken (kind letter) into *after (NULL when absent). Returns SIM_OK or SIM_ERROR
 * with InvalidNextToken. */
static int read_token(struct call *c, char kind, char **after)
{
    const char *tok = param_str(c->in, "NextToken");
    *after = NULL;
    if (tok == NULL || tok[0] == '\0')
        return SIM_OK;
    if (ssm_token_read(tok, kind, after) != 0)
        return call_error(c, "InvalidNextToken", MSG_BAD_TOKEN);
    return SIM_OK;
}

/* A page being filled: up to max items; one more match means there is a next page. */
struct page {
    const struct call *c;
    const struct ssm_filters *fs;
    cJSON *list;
    int max, n, more;
    char *last; /* key of the last item on the page (owned) */
    /* GetParametersByPath */
    const char *prefix;
    int recursive, decrypt;
};

/* Finishes a page: adds NextToken when more items follow (never on the last page). */
static void page_done(struct call *c, struct page *pg, char kind)
{
    if (pg->more && pg->last) {
        char *tok = ssm_token_make(kind, pg->last);
        cJSON_AddStringToObject(c->out, "NextToken", tok);
        free(tok);
    }
    free(pg->last);
    pg->last = NULL;
}

/* Takes the next item key; returns 1 when the page is already full (stop: more follow). */
static int page_full(struct page *pg)
{
    if (pg->n < pg->max)
        return 0;
    pg->more = 1;
    return 1;
}

/* Appends item (taking ownership) and remembers its key for the next token. */
static void page_add(struct page *pg, cJSON *item, const char *key)
{
    cJSON_AddItemToArray(pg->list, item);
    free(pg->last);
    pg->last = xstrdup(key);
    pg->n++;
}

/* ---- DescribeParameters -------------------------------------------------------------- */

/* store_ssm_each callback of DescribeParameters: filters, then fills the page. */
static int describe_cb(void *ctx, const struct ssm_param *p)
{
    struct page *pg = ctx;
    int64_t unused = 0;
    int m = ssm_filters_match(pg->c, pg->fs, p, &unused);
    if (m <= 0)
        return m;
    if (page_full(pg))
        return 1;
    page_add(pg, metadata_json(pg->c, p), p->name);
    return 0;
}

/* DescribeParameters: metadata of the latest versions, by name, filtered and paged. */
static int op_DescribeParameters(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    const cJSON *legacy = param(c->in, "Filters");
    const cJSON *filters = param(c->in, "ParameterFilters");
    struct ssm_filters *fs = xcalloc(1, sizeof *fs);
    char *after = NULL;
    int result = SIM_ERROR;
    if (cJSON_GetArraySize(legacy) > 0 && cJSON_GetArraySize(filters) > 0) {
        call_error(c, "ValidationException", MSG_BOTH_FILTERS);
        goto out;
    }
    if (cJSON_GetArraySize(legacy) > 0)
        ssm_filters_legacy(legacy, fs);
    else if (ssm_filters_parse(c, filters, 0, fs) != SIM_OK)
        goto out;
    if (read_token(c, 'D', &after) != SIM_OK)
        goto out;
    c->out = cJSON_CreateObject();
    struct page pg = {.c = c, .fs = fs, .max = (int)param_int(c->in, "MaxResults", 10)};
    pg.list = cJSON_AddArrayToObject(c->out, "Parameters");
    /* Shared=true lists parameters other accounts share with this one: drillsim has none. */
    if (!param_bool(c->in, "Shared", 0) && store_ssm_each(&sc, after, NULL, describe_cb, &pg)) {
        free(pg.last);
        store_failed(c);
        goto out;
    }
    page_done(c, &pg, 'D');
    result = SIM_OK;
out:
    free(after);
    free(fs);
    return result;
}

/* ---- GetParametersByPath ------------------------------------------------------------- */

/* store_ssm_each callback of GetParametersByPath: one level or all below, then filters. */
static int by_path_cb(void *ctx, const struct ssm_param *p)
{
    struct page *pg = ctx;
    if (!pg->recursive && strchr(p->name + strlen(pg->prefix), '/'))
        return 0;
    int64_t label_version = 0;
    int m = ssm_filters_match(pg->c, pg->fs, p, &label_version);
    if (m <= 0)
        return m;
    if (page_full(pg))
        return 1;
    if (label_version == 0 || label_version == p->version) {
        page_add(pg, parameter_json(pg->c, p, NULL, pg->decrypt), p->name);
        return 0;
    }
    /* A Label filter answers with the labelled version. */
    struct ssm_scope sc = ssm_scope_of(pg->c);
    struct ssm_param lp = {0};
    int rc = store_ssm_get(&sc, p->name, label_version, &lp);
    if (rc == 0)
        page_add(pg, parameter_json(pg->c, &lp, NULL, pg->decrypt), p->name);
    store_ssm_param_clear(&lp);
    return rc < 0 ? -1 : 0;
}

/* GetParametersByPath: the parameters under Path, by name, filtered and paged (1..10). */
static int op_GetParametersByPath(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    struct ssm_filters *fs = xcalloc(1, sizeof *fs);
    char *path = ssm_trim(param_str(c->in, "Path"));
    char *prefix = NULL, *after = NULL;
    int result = SIM_ERROR;
    /* The path is "/" or a path name, with or without a trailing '/'. */
    size_t n = strlen(path);
    if (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    if (path[0] != '/' || (n > 1 && ssm_name_check(path, 0) != SSM_NAME_OK)) {
        call_error(c, "ValidationException", MSG_BAD_PATH);
        goto out;
    }
    if (ssm_filters_parse(c, param(c->in, "ParameterFilters"), 1, fs) != SIM_OK)
        goto out;
    if (read_token(c, 'P', &after) != SIM_OK)
        goto out;
    prefix = n == 1 ? xstrdup("/") : xasprintf("%s/", path);
    c->out = cJSON_CreateObject();
    struct page pg = {.c = c,
                      .fs = fs,
                      .max = (int)param_int(c->in, "MaxResults", 10),
                      .prefix = prefix,
                      .recursive = param_bool(c->in, "Recursive", 0),
                      .decrypt = param_bool(c->in, "WithDecryption", 0)};
    pg.list = cJSON_AddArrayToObject(c->out, "Parameters");
    if (store_ssm_each(&sc, after, prefix, by_path_cb, &pg) != 0) {
        free(pg.last);
        store_failed(c);
        goto out;
    }
    page_done(c, &pg, 'P');
    result = SIM_OK;
out:
    free(path);
    free(prefix);
    free(after);
    free(fs);
    return result;
}

/* ---- GetParameterHistory ------------------------------------------------------------- */

/* store_ssm_each_version callback of GetParameterHistory. */
static int history_cb(void *ctx, const struct ssm_param *p)
{
    struct page *pg = ctx;
    if (page_full(pg))
        return 1;
    cJSON *item = history_json(pg->c, p, pg->decrypt);
    if (item == NULL)
        return -1;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)p->version);
    page_add(pg, item, key);
    return 0;
}

/* GetParameterHistory: every kept version, oldest first, with its labels, paged. */
static int op_GetParameterHistory(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    struct ssm_param head = {0};
    char *name = ssm_trim(param_str(c->in, "Name"));
    char *after = NULL;
    int result = SIM_ERROR;
    if (check_read_name(c, name) != SIM_OK || read_token(c, 'H', &after) != SIM_OK)
        goto out;
    int64_t after_version = 0;
    if (after) {
        char *end;
        after_version = strtoll(after, &end, 10);
        if (*end != '\0' || after_version < 0) {
            call_error(c, "InvalidNextToken", MSG_BAD_TOKEN);
            goto out;
        }
    }
    int rc = store_ssm_get(&sc, name, 0, &head);
    if (rc != 0) {
        if (rc < 0)
            store_failed(c);
        else
            not_found(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    struct page pg = {.c = c,
                      .max = (int)param_int(c->in, "MaxResults", 50),
                      .decrypt = param_bool(c->in, "WithDecryption", 0)};
    pg.list = cJSON_AddArrayToObject(c->out, "Parameters");
    if (store_ssm_each_version(&sc, name, after_version, history_cb, &pg) != 0) {
        free(pg.last);
        store_failed(c);
        goto out;
    }
    page_done(c, &pg, 'H');
    result = SIM_OK;
out:
    store_ssm_param_clear(&head);
    free(name);
    free(after);
    return result;
}

/* ---- DeleteParameter, DeleteParameters ----------------------------------------------- */

/* Deletes one parameter. Returns 0 (deleted), 1 (no such parameter) or -1. */
static int delete_one(const struct call *c, const char *name)
{
    struct ssm_scope sc = ssm_scope_of(c);
    char *arn = ssm_arn(c, name);
    int rc = store_ssm_delete(&sc, name, arn);
    free(arn);
    return rc;
}

/* DeleteParameter: removes the parameter with its versions, labels and tags. */
static int op_DeleteParameter(struct call *c)
{
    char *name = ssm_trim(param_str(c->in, "Name"));
    int result = SIM_ERROR;
    if (check_read_name(c, name) != SIM_OK)
        goto out;
    int rc = delete_one(c, name);
    if (rc < 0) {
        store_failed(c);
    } else if (rc == 1) {
        not_found(c);
    } else {
        c->out = cJSON_CreateObject();
        result = SIM_OK;
    }
out:
    free(name);
    return result;
}

/* DeleteParameters: up to 10 names, split into DeletedParameters and InvalidParameters. */
static int op_DeleteParameters(struct call *c)
{
    const cJSON *names = param(c->in, "Names");
    cJSON *out = cJSON_CreateObject();
    cJSON *deleted = cJSON_AddArrayToObject(out, "DeletedParameters");
    cJSON *invalid = cJSON_AddArrayToObject(out, "InvalidParameters");
    const cJSON *n;
    cJSON_ArrayForEach(n, names)
    {
        if (!cJSON_IsString(n) || seen_before(names, n))
            continue;
        char *name = ssm_trim(n->valuestring);
        int rc = ssm_name_check(name, 0) == SSM_NAME_OK ? delete_one(c, name) : 1;
        free(name);
        if (rc < 0) {
            cJSON_Delete(out);
            return store_failed(c);
        }
        cJSON_AddItemToArray(rc == 0 ? deleted : invalid, cJSON_CreateString(n->valuestring));
    }
    c->out = out;
    return SIM_OK;
}

/* ---- LabelParameterVersion, UnlabelParameterVersion ---------------------------------- */

/* Finds the parameter and the version a label request works on: `want`, or the latest when
 * has_want is 0. Returns SIM_OK with *version set, or SIM_ERROR. */
static int label_target(struct call *c, const char *name, int has_want, int64_t want,
                        int64_t *version)
{
    struct ssm_scope sc = ssm_scope_of(c);
    struct ssm_param p = {0};
    if (check_read_name(c, name) != SIM_OK)
        return SIM_ERROR;
    int rc = store_ssm_get(&sc, name, 0, &p);
    int64_t latest = p.version;
    store_ssm_param_clear(&p);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return not_found(c);
    if (!has_want) {
        *version = latest;
        return SIM_OK;
    }
    rc = want > 0 ? store_ssm_get(&sc, name, want, &p) : 1;
    store_ssm_param_clear(&p);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return version_not_found(c, want, name);
    *version = want;
    return SIM_OK;
}

/* LabelParameterVersion: attaches (or moves) labels to one version; labels that break the
 * label rules are returned in InvalidLabels instead of failing the call. */
static int op_LabelParameterVersion(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    const cJSON *labels = param(c->in, "Labels");
    char *name = ssm_trim(param_str(c->in, "Name"));
    const cJSON *pv = param(c->in, "ParameterVersion");
    int64_t version;
    int result = SIM_ERROR;
    cJSON *invalid = cJSON_CreateArray();
    if (label_target(c, name, pv != NULL, pv ? (int64_t)pv->valuedouble : 0, &version) !=
        SIM_OK)
        goto out;
    int64_t have, moving = 0;
    if (store_ssm_label_count(&sc, name, version, &have) != 0) {
        store_failed(c);
        goto out;
    }
    const cJSON *l;
    cJSON_ArrayForEach(l, labels)
    {
        if (seen_before(labels, l))
            continue;
        if (!ssm_label_valid(l->valuestring)) {
            cJSON_AddItemToArray(invalid, cJSON_CreateString(l->valuestring));
            continue;
        }
        int64_t at;
        int rc = store_ssm_label_find(&sc, name, l->valuestring, &at);
        if (rc < 0) {
            store_failed(c);
            goto out;
        }
        moving += rc == 1 || at != version;
    }
    if (have + moving > SSM_MAX_LABELS) {
        call_error(c, "ParameterVersionLabelLimitExceeded", MSG_LABEL_LIMIT);
        goto out;
    }
    cJSON_ArrayForEach(l, labels)
    {
        if (ssm_label_valid(l->valuestring) &&
            store_ssm_label_set(&sc, name, l->valuestring, version) != 0) {
            store_failed(c);
            goto out;
        }
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "InvalidLabels", invalid);
    invalid = NULL;
    cJSON_AddNumberToObject(c->out, "ParameterVersion", (double)version);
    result = SIM_OK;
out:
    cJSON_Delete(invalid);
    free(name);
    return result;
}

/* UnlabelParameterVersion: removes labels from one version; labels not on it are invalid. */
static int op_UnlabelParameterVersion(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    const cJSON *labels = param(c->in, "Labels");
    char *name = ssm_trim(param_str(c->in, "Name"));
    int64_t want = param_int(c->in, "ParameterVersion", 0), version;
    int result = SIM_ERROR;
    cJSON *out = cJSON_CreateObject();
    cJSON *removed = cJSON_AddArrayToObject(out, "RemovedLabels");
    cJSON *invalid = cJSON_AddArrayToObject(out, "InvalidLabels");
    if (label_target(c, name, 1, want, &version) != SIM_OK)
        goto out;
    const cJSON *l;
    cJSON_ArrayForEach(l, labels)
    {
        if (seen_before(labels, l))
            continue;
        int64_t at;
        int rc = store_ssm_label_find(&sc, name, l->valuestring, &at);
        if (rc == 0 && at == version)
            rc = store_ssm_label_delete(&sc, name, l->valuestring) == 0 ? 0 : -1;
        else if (rc == 0)
            rc = 1;
        if (rc < 0) {
            store_failed(c);
            goto out;
        }
        cJSON_AddItemToArray(rc == 0 ? removed : invalid, cJSON_CreateString(l->valuestring));
    }
    c->out = out;
    out = NULL;
    result = SIM_OK;
out:
    cJSON_Delete(out);
    free(name);
    return result;
}

/* ---- tags ---------------------------------------------------------------------------- */

/* Resolves ResourceType/ResourceId to the parameter's ARN (*arn, caller frees). drillsim
 * has parameters only; the other taggable types are InvalidResourceType. */
static int tag_target(struct call *c, char **arn)
{
    struct ssm_scope sc = ssm_scope_of(c);
    struct ssm_param p = {0};
    if (strcmp(param_str(c->in, "ResourceType"), "Parameter") != 0)
        return call_error(c, "InvalidResourceType",
                          "The resource type isn't valid. drillsim supports tags on "
                          "parameters only.");
    char *name = ssm_trim(param_str(c->in, "ResourceId"));
    int rc = ssm_name_check(name, 0) == SSM_NAME_OK ? store_ssm_get(&sc, name, 0, &p) : 1;
    if (rc == 0)
        *arn = ssm_arn(c, name);
    free(name);
    store_ssm_param_clear(&p);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "InvalidResourceId",
                          "The resource ID isn't valid. Verify that you entered the correct ID "
                          "and try again.");
    return SIM_OK;
}

/* AddTagsToResource: adds or overwrites tags of a parameter, at most 50 in all. */
static int op_AddTagsToResource(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    const cJSON *tags = param(c->in, "Tags");
    char *arn = NULL;
    int result = SIM_ERROR;
    if (tag_target(c, &arn) != SIM_OK)
        goto out;
    int64_t have, added = new_tag_keys(c, arn, tags);
    if (added < 0 || store_ssm_tag_count(&sc, arn, &have) != 0) {
        store_failed(c);
        goto out;
    }
    if (check_tags(c, tags, have + added) != SIM_OK)
        goto out;
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        if (store_ssm_tag_put(&sc, arn, param_str(t, "Key"), param_str(t, "Value")) != 0) {
            store_failed(c);
            goto out;
        }
    }
    c->out = cJSON_CreateObject();
    result = SIM_OK;
out:
    free(arn);
    return result;
}

/* RemoveTagsFromResource: removes tag keys (absent keys are ignored). */
static int op_RemoveTagsFromResource(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    char *arn = NULL;
    int result = SIM_ERROR;
    if (tag_target(c, &arn) != SIM_OK)
        goto out;
    const cJSON *k;
    cJSON_ArrayForEach(k, param(c->in, "TagKeys"))
    {
        if (cJSON_IsString(k) && store_ssm_tag_delete(&sc, arn, k->valuestring) != 0) {
            store_failed(c);
            goto out;
        }
    }
    c->out = cJSON_CreateObject();
    result = SIM_OK;
out:
    free(arn);
    return result;
}

/* ListTagsForResource: the parameter's tags, sorted by key. */
static int op_ListTagsForResource(struct call *c)
{
    struct ssm_scope sc = ssm_scope_of(c);
    char *arn = NULL;
    if (tag_target(c, &arn) != SIM_OK)
        return SIM_ERROR;
    cJSON *out = cJSON_CreateObject();
    int rc = store_ssm_tags(&sc, arn, cJSON_AddArrayToObject(out, "TagList"));
    free(arn);
    if (rc != 0) {
        cJSON_Delete(out);
        return store_failed(c);
    }
    c->out = out;
    return SIM_OK;
}

/* ---- the op table -------------------------------------------------------------------- */

static const struct sim_op ssm_ops[] = {
    {"AddTagsToResource", op_AddTagsToResource, OP_WRITE},
    {"DeleteParameter", op_DeleteParameter, OP_WRITE},
    {"DeleteParameters", op_DeleteParameters, OP_WRITE},
    {"DescribeParameters", op_DescribeParameters, OP_READ},
    {"GetParameter", op_GetParameter, OP_READ},
    {"GetParameterHistory", op_GetParameterHistory, OP_READ},
    {"GetParameters", op_GetParameters, OP_READ},
    {"GetParametersByPath", op_GetParametersByPath, OP_READ},
    {"LabelParameterVersion", op_LabelParameterVersion, OP_WRITE},
    {"ListTagsForResource", op_ListTagsForResource, OP_READ},
    {"PutParameter", op_PutParameter, OP_WRITE},
    {"RemoveTagsFromResource", op_RemoveTagsFromResource, OP_WRITE},
    {"UnlabelParameterVersion", op_UnlabelParameterVersion, OP_WRITE},
    {NULL, NULL, 0},
};

struct sim_service service_ssm = {
    .name = "ssm",
    .ops = ssm_ops,
    .vstyle = VS_CORAL,
};
