/*
 * iam.c - AWS Identity and Access Management roles, spoken as awsQuery (Version 2010-05-08).
 *
 * Operations: CreateRole, GetRole, ListRoles, DeleteRole, AttachRolePolicy,
 * DetachRolePolicy, ListAttachedRolePolicies, PutRolePolicy, GetRolePolicy,
 * ListRolePolicies, DeleteRolePolicy, TagRole, UntagRole, ListRoleTags. IAM is global: every
 * row is scoped by the caller's account only (the CLIs sign IAM requests with whatever region
 * is configured when --endpoint-url is given; docs/iam-secrets-wire.md). Policies are stored,
 * never enforced. The model's validation (RoleName pattern and length, MaxSessionDuration
 * range, ...) has already run in the coral wording as ValidationError when a handler starts;
 * handlers add IAM's own rules: policy documents must be JSON policies
 * (MalformedPolicyDocument, with AWS's texts as quoted in public issue trackers), names are
 * unique case-insensitively (EntityAlreadyExists), a role with policies cannot be deleted
 * (DeleteConflict), quotas (LimitExceeded).
 *
 * Documents come back URL-encoded (RFC 3986), as AWS returns them: boto3 and the CLIs decode
 * them into objects, the JS SDK v3 hands the encoded string to the caller.
 *
 * Storage: sim/store/iam.c (iam_roles, iam_role_policies, iam_role_attached, iam_role_tags).
 * Other modules read roles through iam_role_find (sim/store/iam.h; RDS Proxy's RoleArn).
 *
 * Decisions where AWS is not pinned down: any AWS managed policy ARN
 * (arn:aws:iam::aws:policy/...) can be attached (drillsim has no catalogue of them); a
 * customer managed policy ARN is NoSuchEntity (drillsim has no CreatePolicy). Markers are the
 * last name of the page.
 *
 * To add an operation: list it in sim/services/models/ops.json and regenerate the models,
 * write op_<Name> here and add its row to iam_ops, put new queries in sim/store/iam.c, and
 * cover it in tests/e2e/test_iam.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "store/iam.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define IAM_MAX_TAGS 50
#define IAM_MAX_ATTACHED 10       /* managed policies per role (default quota) */
#define IAM_MAX_INLINE_CHARS 10240 /* aggregate inline policy size per role */
#define IAM_DEFAULT_MAX_ITEMS 100

#define MSG_INVALID_JSON "This policy contains invalid Json"
#define MSG_SYNTAX "Syntax errors in policy."

/* ---- small helpers ------------------------------------------------------------------- */

/* Records the answer to a failed store call: IAM's modeled 500. Returns SIM_ERROR. */
static int store_failed(struct call *c)
{
    return call_error(c, "ServiceFailure", "The store failed.");
}

static int no_role(struct call *c, const char *name)
{
    return call_error(c, "NoSuchEntity", "The role with name %s cannot be found.", name);
}

/* Loads the role named by c->in's RoleName into *r. Returns SIM_OK, or SIM_ERROR with
 * NoSuchEntity or the store failure recorded. */
static int load_role(struct call *c, struct iam_role *r)
{
    const char *name = param_str(c->in, "RoleName");
    int rc = iam_role_get(c->sim->store, c->tenant.account, name ? name : "", r);
    if (rc == 1)
        return no_role(c, name ? name : "");
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* Returns a newly allocated RFC 3986 percent-encoding of s (caller frees). */
static char *url_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = xmalloc(n * 3 + 1);
    char *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* Adds key = the URL-encoded form of doc to o. */
static void add_encoded(cJSON *o, const char *key, const char *doc)
{
    char *enc = url_encode(doc);
    cJSON_AddStringToObject(o, key, enc);
    free(enc);
}

/* Returns 1 if the statement object has the member (present, any value). */
static int has(const cJSON *stmt, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(stmt, name) != NULL;
}

/*
 * Checks a policy document as IAM does before storing it. trust = 1 for a role's trust
 * policy (needs Principal, forbids Resource), 0 for a permissions policy (needs Resource,
 * forbids Principal). Returns NULL when the document is acceptable, else AWS's
 * MalformedPolicyDocument text.
 */
static const char *policy_problem(const char *text, int trust)
{
    cJSON *doc = cJSON_Parse(text);
    const char *why = NULL;
    if (doc == NULL) {
        why = MSG_INVALID_JSON;
        goto out;
    }
    if (!cJSON_IsObject(doc)) {
        why = MSG_SYNTAX;
        goto out;
    }
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(doc, "Version");
    int known = cJSON_IsString(version) && (strcmp(version->valuestring, "2012-10-17") == 0 ||
                                            strcmp(version->valuestring, "2008-10-17") == 0);
    if (version && !known) {
        why = "The policy must contain a valid version string";
        goto out;
    }
    const cJSON *stmts = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
    if (!cJSON_IsArray(stmts) && !cJSON_IsObject(stmts)) {
        why = MSG_SYNTAX;
        goto out;
    }
    const cJSON *s = cJSON_IsObject(stmts) ? stmts : stmts->child;
    for (; s && why == NULL; s = cJSON_IsObject(stmts) ? NULL : s->next) {
        const cJSON *effect = cJSON_GetObjectItemCaseSensitive(s, "Effect");
        if (!cJSON_IsObject(s) || !cJSON_IsString(effect) ||
            (strcmp(effect->valuestring, "Allow") != 0 &&
             strcmp(effect->valuestring, "Deny") != 0))
            why = MSG_SYNTAX;
        else if (!has(s, "Action") && !has(s, "NotAction"))
            why = "Policy statement must contain actions.";
        else if (trust && (has(s, "Resource") || has(s, "NotResource")))
            why = has(s, "Resource") ? "Has prohibited field Resource"
                                     : "Has prohibited field NotResource";
        else if (trust && !has(s, "Principal") && !has(s, "NotPrincipal"))
            why = "Missing required field Principal";
        else if (!trust && (has(s, "Principal") || has(s, "NotPrincipal")))
            why = "Has prohibited field Principal";
        else if (!trust && !has(s, "Resource") && !has(s, "NotResource"))
            why = "Policy statement must contain resources.";
    }
out:
    cJSON_Delete(doc);
    return why;
}

/* Writes the RoleId of a new role: "AROA" and 17 upper-case letters and digits. */
static void role_id(struct call *c, char out[22])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    memcpy(out, "AROA", 4);
    uint64_t r = rng_next(&c->team->ids);
    uint64_t r2 = rng_next(&c->team->ids);
    for (int i = 0; i < 17; i++) {
        uint64_t *src = i < 12 ? &r : &r2;
        out[4 + i] = alphabet[*src & 31];
        *src >>= 5;
    }
    out[21] = '\0';
}

/* Returns MaxItems of c->in (default 100). */
static int max_items(const struct call *c)
{
    int64_t n = param_int(c->in, "MaxItems", IAM_DEFAULT_MAX_ITEMS);
    return n < 1 || n > 1000 ? IAM_DEFAULT_MAX_ITEMS : (int)n;
}

/*
 * Trims arr to max items and adds IsTruncated and Marker to out: arr holds up to max + 1
 * items, the extra one telling that there are more. marker_of returns the marker of an item.
 */
static void paginate(cJSON *out, cJSON *arr, int max, const char *(*marker_of)(const cJSON *))
{
    int n = cJSON_GetArraySize(arr);
    int truncated = n > max;
    if (truncated) {
        cJSON_DeleteItemFromArray(arr, n - 1);
        const char *m = marker_of(cJSON_GetArrayItem(arr, max - 1));
        cJSON_AddBoolToObject(out, "IsTruncated", 1);
        cJSON_AddStringToObject(out, "Marker", m);
    } else {
        cJSON_AddBoolToObject(out, "IsTruncated", 0);
    }
}

/* Builds the Role structure of r. with_tags adds Tags and RoleLastUsed (GetRole). Returns the
 * object (caller owns), or NULL when the store failed. */
static cJSON *role_json(struct call *c, const struct iam_role *r, int with_tags)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Path", r->path);
    cJSON_AddStringToObject(o, "RoleName", r->name);
    cJSON_AddStringToObject(o, "RoleId", r->role_id);
    cJSON_AddStringToObject(o, "Arn", r->arn);
    cJSON_AddNumberToObject(o, "CreateDate", (double)r->created_ms / 1000.0);
    add_encoded(o, "AssumeRolePolicyDocument", r->trust);
    if (r->description)
        cJSON_AddStringToObject(o, "Description", r->description);
    cJSON_AddNumberToObject(o, "MaxSessionDuration", r->max_session);
    if (with_tags) {
        cJSON *tags = cJSON_CreateArray();
        if (iam_tags(c->sim->store, c->tenant.account, r->name, tags) != 0) {
            cJSON_Delete(tags);
            cJSON_Delete(o);
            return NULL;
        }
        if (cJSON_GetArraySize(tags) > 0)
            cJSON_AddItemToObject(o, "Tags", tags);
        else
            cJSON_Delete(tags);
        cJSON_AddObjectToObject(o, "RoleLastUsed");
    }
    return o;
}

/* Checks and applies a Tags list to role. Returns SIM_OK or SIM_ERROR. */
static int apply_tags(struct call *c, const char *role, const cJSON *tags)
{
    struct store *st = c->sim->store;
    const cJSON *t;
    int64_t n = 0;
    int added = 0;
    cJSON_ArrayForEach(t, tags)
    {
        const char *key = param_str(t, "Key");
        const char *value = param_str(t, "Value");
        if (key == NULL || value == NULL)
            return call_error(c, "InvalidInput", "Tags need both a Key and a Value.");
        if (strncasecmp(key, "aws:", 4) == 0)
            return call_error(c, "InvalidInput",
                              "User-defined tag keys can't start with \"aws:\". This prefix is "
                              "reserved for AWS tags.");
        int found = 0;
        if (iam_tag_exists(st, c->tenant.account, role, key, &found) != 0)
            return store_failed(c);
        added += !found;
    }
    if (iam_tag_count(st, c->tenant.account, role, &n) != 0)
        return store_failed(c);
    if (n + added > IAM_MAX_TAGS)
        return call_error(c, "LimitExceeded", "The number of tags has reached the maximum "
                                              "limit.");
    cJSON_ArrayForEach(t, tags)
    {
        if (iam_tag_set(st, c->tenant.account, role, param_str(t, "Key"),
                        param_str(t, "Value")) != 0)
            return store_failed(c);
    }
    return SIM_OK;
}

/* ---- roles --------------------------------------------------------------------------- */

/* CreateRole: a role with its trust policy (checked as a policy document), path, description,
 * MaxSessionDuration and tags. Replies {Role}. */
static int op_CreateRole(struct call *c)
{
    struct store *st = c->sim->store;
    const char *name = param_str(c->in, "RoleName");
    const char *trust = param_str(c->in, "AssumeRolePolicyDocument");
    const char *path = param_str(c->in, "Path");
    if (path == NULL)
        path = "/";
    const char *why = policy_problem(trust, 1);
    if (why)
        return call_error(c, "MalformedPolicyDocument", "%s", why);
    if (param(c->in, "PermissionsBoundary"))
        return call_error(c, "InvalidInput",
                          "drillsim does not simulate managed policies as permissions "
                          "boundaries.");
    struct iam_role old = {0};
    int rc = iam_role_get(st, c->tenant.account, name, &old);
    iam_role_clear(&old);
    if (rc == -1)
        return store_failed(c);
    if (rc == 0)
        return call_error(c, "EntityAlreadyExists", "Role with name %s already exists.", name);
    if (cJSON_GetArraySize(param(c->in, "Tags")) > IAM_MAX_TAGS)
        return call_error(c, "LimitExceeded", "The number of tags has reached the maximum "
                                              "limit.");

    char id[22], arn[700];
    role_id(c, id);
    snprintf(arn, sizeof arn, "arn:aws:iam::%s:role%s%s", c->tenant.account, path, name);
    struct iam_role r = {
        .name = (char *)name,
        .path = (char *)path,
        .role_id = id,
        .arn = arn,
        .trust = (char *)trust,
        .description = (char *)param_str(c->in, "Description"),
        .created_ms = c->now_ms,
        .max_session = (int)param_int(c->in, "MaxSessionDuration", 3600),
    };
    if (iam_role_insert(st, c->tenant.account, &r) != 0)
        return store_failed(c);
    if (apply_tags(c, name, param(c->in, "Tags")) != SIM_OK)
        return SIM_ERROR;
    cJSON *role = role_json(c, &r, 0);
    /* CreateRole echoes the tags it was given */
    const cJSON *tags = param(c->in, "Tags");
    if (cJSON_GetArraySize(tags) > 0)
        cJSON_AddItemToObject(role, "Tags", cJSON_Duplicate(tags, 1));
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "Role", role);
    return SIM_OK;
}

/* GetRole: one role by name (case-insensitively), with its tags and RoleLastUsed. */
static int op_GetRole(struct call *c)
{
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    cJSON *role = role_json(c, &r, 1);
    iam_role_clear(&r);
    if (role == NULL)
        return store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "Role", role);
    return SIM_OK;
}

struct list_roles {
    struct call *c;
    cJSON *arr;
};

static int list_role(void *ctx, const struct iam_role *r)
{
    struct list_roles *l = ctx;
    cJSON *o = role_json(l->c, r, 0);
    if (o == NULL)
        return -1;
    cJSON_AddItemToArray(l->arr, o);
    return 0;
}

static const char *role_marker(const cJSON *o)
{
    return param_str(o, "RoleName");
}

/* ListRoles: roles under PathPrefix in name order, paged by Marker / MaxItems. */
static int op_ListRoles(struct call *c)
{
    int max = max_items(c);
    struct list_roles l = {c, cJSON_CreateArray()};
    if (iam_role_each(c->sim->store, c->tenant.account, param_str(c->in, "PathPrefix"),
                      param_str(c->in, "Marker"), max + 1, list_role, &l) != 0) {
        cJSON_Delete(l.arr);
        return store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "Roles", l.arr);
    paginate(c->out, l.arr, max, role_marker);
    return SIM_OK;
}

/* DeleteRole: only a role without managed or inline policies (else DeleteConflict). */
static int op_DeleteRole(struct call *c)
{
    struct store *st = c->sim->store;
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    int64_t attached = 0, inline_n = 0, chars = 0;
    int res = SIM_OK;
    if (iam_attached_count(st, c->tenant.account, r.name, &attached) != 0 ||
        iam_inline_stats(st, c->tenant.account, r.name, NULL, &inline_n, &chars) != 0)
        res = store_failed(c);
    else if (attached > 0)
        res = call_error(c, "DeleteConflict", "Cannot delete entity, must detach all policies "
                                              "first.");
    else if (inline_n > 0)
        res = call_error(c, "DeleteConflict", "Cannot delete entity, must delete policies "
                                              "first.");
    else if (iam_role_delete(st, c->tenant.account, r.name) != 0)
        res = store_failed(c);
    iam_role_clear(&r);
    return res;
}

/* ---- managed policies ---------------------------------------------------------------- */

/* Checks a PolicyArn: AWS managed ARNs are accepted, others do not exist. Returns SIM_OK or
 * SIM_ERROR. */
static int check_policy_arn(struct call *c, const char *arn)
{
    if (strncmp(arn, "arn:", 4) != 0 || strstr(arn, ":policy/") == NULL)
        return call_error(c, "InvalidInput", "ARN %s is not valid.", arn);
    if (strncmp(arn, "arn:aws:iam::aws:policy/", 24) == 0 && arn[24] != '\0')
        return SIM_OK;
    return call_error(c, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn);
}

/* AttachRolePolicy: attaches a managed policy ARN (AWS managed ones only; at most 10). */
static int op_AttachRolePolicy(struct call *c)
{
    struct store *st = c->sim->store;
    const char *arn = param_str(c->in, "PolicyArn");
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    int res = check_policy_arn(c, arn);
    int found = 0;
    int64_t n = 0;
    if (res != SIM_OK)
        goto out;
    if (iam_attached_exists(st, c->tenant.account, r.name, arn, &found) != 0 ||
        iam_attached_count(st, c->tenant.account, r.name, &n) != 0) {
        res = store_failed(c);
        goto out;
    }
    if (!found && n >= IAM_MAX_ATTACHED) {
        res = call_error(c, "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: %d",
                         IAM_MAX_ATTACHED);
        goto out;
    }
    if (!found && iam_attached_add(st, c->tenant.account, r.name, arn) != 0)
        res = store_failed(c);
out:
    iam_role_clear(&r);
    return res;
}

/* DetachRolePolicy: detaches an attached managed policy (else NoSuchEntity). */
static int op_DetachRolePolicy(struct call *c)
{
    const char *arn = param_str(c->in, "PolicyArn");
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    int res = SIM_OK;
    int rc = iam_attached_remove(c->sim->store, c->tenant.account, r.name, arn);
    if (rc == 1)
        res = call_error(c, "NoSuchEntity", "Policy %s was not found.", arn);
    else if (rc != 0)
        res = store_failed(c);
    iam_role_clear(&r);
    return res;
}

static const char *attached_marker(const cJSON *o)
{
    return param_str(o, "PolicyArn");
}

/* ListAttachedRolePolicies: the attached managed policies in attach order, under
 * PathPrefix, paged by Marker / MaxItems. */
static int op_ListAttachedRolePolicies(struct call *c)
{
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    cJSON *arns = cJSON_CreateArray();
    int rc = iam_attached_list(c->sim->store, c->tenant.account, r.name, arns);
    iam_role_clear(&r);
    if (rc != 0) {
        cJSON_Delete(arns);
        return store_failed(c);
    }
    const char *prefix = param_str(c->in, "PathPrefix");
    const char *marker = param_str(c->in, "Marker");
    int max = max_items(c);
    int past_marker = marker == NULL;
    cJSON *list = cJSON_CreateArray();
    const cJSON *a;
    cJSON_ArrayForEach(a, arns)
    {
        const char *arn = a->valuestring;
        if (!past_marker) {
            past_marker = strcmp(arn, marker) == 0;
            continue;
        }
        /* arn:aws:iam::ACCOUNT:policy/PATH/NAME: the path is between "policy" and the name */
        const char *p = strstr(arn, ":policy/");
        const char *path = p ? p + 7 : "/";
        const char *slash = strrchr(arn, '/');
        if (prefix && strncmp(path, prefix, strlen(prefix)) != 0)
            continue;
        if (cJSON_GetArraySize(list) > max)
            break;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "PolicyName", slash ? slash + 1 : arn);
        cJSON_AddStringToObject(o, "PolicyArn", arn);
        cJSON_AddItemToArray(list, o);
    }
    cJSON_Delete(arns);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "AttachedPolicies", list);
    paginate(c->out, list, max, attached_marker);
    return SIM_OK;
}

/* ---- inline policies ----------------------------------------------------------------- */

/* PutRolePolicy: creates or replaces an inline policy (a permissions policy; the role's
 * inline policies total at most 10240 characters). */
static int op_PutRolePolicy(struct call *c)
{
    struct store *st = c->sim->store;
    const char *name = param_str(c->in, "PolicyName");
    const char *doc = param_str(c->in, "PolicyDocument");
    const char *why = policy_problem(doc, 0);
    if (why)
        return call_error(c, "MalformedPolicyDocument", "%s", why);
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    int64_t n = 0, chars = 0;
    int res = SIM_OK;
    if (iam_inline_stats(st, c->tenant.account, r.name, name, &n, &chars) != 0)
        res = store_failed(c);
    else if (chars + (int64_t)strlen(name) + (int64_t)strlen(doc) > IAM_MAX_INLINE_CHARS)
        res = call_error(c, "LimitExceeded",
                         "Maximum policy size of %d bytes exceeded for role %s",
                         IAM_MAX_INLINE_CHARS, r.name);
    else if (iam_inline_put(st, c->tenant.account, r.name, name, doc) != 0)
        res = store_failed(c);
    iam_role_clear(&r);
    return res;
}

/* GetRolePolicy: one inline policy, its document URL-encoded as AWS returns it. */
static int op_GetRolePolicy(struct call *c)
{
    const char *name = param_str(c->in, "PolicyName");
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    char *stored = NULL, *doc = NULL;
    int res = SIM_OK;
    int rc = iam_inline_get(c->sim->store, c->tenant.account, r.name, name, &stored, &doc);
    if (rc == 1) {
        res = call_error(c, "NoSuchEntity", "The role policy with name %s cannot be found.",
                         name);
    } else if (rc != 0) {
        res = store_failed(c);
    } else {
        c->out = cJSON_CreateObject();
        cJSON_AddStringToObject(c->out, "RoleName", r.name);
        cJSON_AddStringToObject(c->out, "PolicyName", stored);
        add_encoded(c->out, "PolicyDocument", doc);
    }
    free(stored);
    free(doc);
    iam_role_clear(&r);
    return res;
}

static const char *string_marker(const cJSON *o)
{
    return o->valuestring;
}

/* ListRolePolicies: inline policy names in order, paged by Marker / MaxItems. */
static int op_ListRolePolicies(struct call *c)
{
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    int max = max_items(c);
    cJSON *names = cJSON_CreateArray();
    int rc = iam_inline_names(c->sim->store, c->tenant.account, r.name,
                              param_str(c->in, "Marker"), max + 1, names);
    iam_role_clear(&r);
    if (rc != 0) {
        cJSON_Delete(names);
        return store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "PolicyNames", names);
    paginate(c->out, names, max, string_marker);
    return SIM_OK;
}

/* DeleteRolePolicy: removes an inline policy (else NoSuchEntity). */
static int op_DeleteRolePolicy(struct call *c)
{
    const char *name = param_str(c->in, "PolicyName");
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    int res = SIM_OK;
    int rc = iam_inline_delete(c->sim->store, c->tenant.account, r.name, name);
    if (rc == 1)
        res = call_error(c, "NoSuchEntity", "The role policy with name %s cannot be found.",
                         name);
    else if (rc != 0)
        res = store_failed(c);
    iam_role_clear(&r);
    return res;
}

/* ---- tags ---------------------------------------------------------------------------- */

/* TagRole: adds or replaces tags (keys case-insensitive; at most 50 per role). */
static int op_TagRole(struct call *c)
{
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    int res = apply_tags(c, r.name, param(c->in, "Tags"));
    iam_role_clear(&r);
    return res;
}

/* UntagRole: removes tags; keys the role does not have are ignored. */
static int op_UntagRole(struct call *c)
{
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    int res = SIM_OK;
    const cJSON *k;
    cJSON_ArrayForEach(k, param(c->in, "TagKeys"))
    {
        if (res == SIM_OK && cJSON_IsString(k) &&
            iam_tag_remove(c->sim->store, c->tenant.account, r.name, k->valuestring) != 0)
            res = store_failed(c);
    }
    iam_role_clear(&r);
    return res;
}

static const char *tag_marker(const cJSON *o)
{
    return param_str(o, "Key");
}

/* ListRoleTags: the role's tags in the order they were set, paged by Marker / MaxItems. */
static int op_ListRoleTags(struct call *c)
{
    struct iam_role r = {0};
    if (load_role(c, &r) != SIM_OK)
        return SIM_ERROR;
    cJSON *all = cJSON_CreateArray();
    int rc = iam_tags(c->sim->store, c->tenant.account, r.name, all);
    iam_role_clear(&r);
    if (rc != 0) {
        cJSON_Delete(all);
        return store_failed(c);
    }
    const char *marker = param_str(c->in, "Marker");
    int max = max_items(c);
    cJSON *tags = cJSON_CreateArray();
    int past_marker = marker == NULL;
    cJSON *t = all->child;
    while (t) {
        cJSON *next = t->next;
        if (past_marker && cJSON_GetArraySize(tags) <= max)
            cJSON_AddItemToArray(tags, cJSON_DetachItemViaPointer(all, t));
        else if (!past_marker)
            past_marker = strcasecmp(param_str(t, "Key"), marker) == 0;
        t = next;
    }
    cJSON_Delete(all);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "Tags", tags);
    paginate(c->out, tags, max, tag_marker);
    return SIM_OK;
}

static const struct sim_op iam_ops[] = {
    {"CreateRole", op_CreateRole, OP_WRITE},
    {"GetRole", op_GetRole, OP_READ},
    {"ListRoles", op_ListRoles, OP_READ},
    {"DeleteRole", op_DeleteRole, OP_WRITE},
    {"AttachRolePolicy", op_AttachRolePolicy, OP_WRITE},
    {"DetachRolePolicy", op_DetachRolePolicy, OP_WRITE},
    {"ListAttachedRolePolicies", op_ListAttachedRolePolicies, OP_READ},
    {"PutRolePolicy", op_PutRolePolicy, OP_WRITE},
    {"GetRolePolicy", op_GetRolePolicy, OP_READ},
    {"ListRolePolicies", op_ListRolePolicies, OP_READ},
    {"DeleteRolePolicy", op_DeleteRolePolicy, OP_WRITE},
    {"TagRole", op_TagRole, OP_WRITE},
    {"UntagRole", op_UntagRole, OP_WRITE},
    {"ListRoleTags", op_ListRoleTags, OP_READ},
    {NULL, NULL, 0},
};

struct sim_service service_iam = {
    .name = "iam",
    .ops = iam_ops,
    .vstyle = VS_CORAL_QUERY,
};
