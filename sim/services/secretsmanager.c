/*
 * secretsmanager.c - AWS Secrets Manager, spoken as awsJson 1.1 ("secretsmanager.<Op>").
 *
 * Operations: CreateSecret, DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecret,
 * ListSecrets, DeleteSecret, RestoreSecret, TagResource, UntagResource. The model's generic
 * validation (required members, lengths, enums) has already run in the coral wording
 * (ValidationException) when a handler starts; handlers add the rules of the Secrets Manager
 * API reference, with its error codes (InvalidParameterException, InvalidRequestException,
 * ResourceExistsException, ResourceNotFoundException).
 *
 * Storage: sim/store/secrets.c (sm_secrets, sm_versions, sm_stages, the generic tags table),
 * every row scoped by the caller's (account, region); times come from c->now_ms only. The end
 * of a recovery window is the engine's business (sim/engine/secrets.c deletes the secret on
 * the tick when purge_ms is reached). Other modules read secrets through secrets_find
 * (sim/store/secrets.h; RDS Proxy).
 *
 * Versions: a new value becomes a new version with AWSCURRENT (unless VersionStages says
 * otherwise); the version that held AWSCURRENT gets AWSPREVIOUS. The VersionId is the
 * request's ClientRequestToken (the SDKs and CLIs generate one; a raw request without one gets
 * a UUID from the team's id generator). A repeated token with the same value is the same
 * request (idempotent); with another value it is ResourceExistsException. Versions without a
 * label are kept, at most SM_MAX_VERSIONS per secret, oldest unlabeled first out.
 *
 * Decisions where AWS is not pinned down (commented where made): DescribeSecret's
 * DeletedDate is the instant DeleteSecret was called; ListSecrets sorts by CreatedDate
 * ascending unless SortOrder says desc; filters match as the API reference's Filter says
 * (name, tag-key, tag-value: case-sensitive prefixes; description: a prefix in any case; all:
 * words in any case), "!" negates a value; NextToken is an offset into the filtered list.
 * KMS is not simulated: any KmsKeyId is stored and reported as given.
 *
 * To add an operation: list it in sim/services/models/ops.json and regenerate the models,
 * write op_<Name> here and add its row to secretsmanager_ops, put new queries in
 * sim/store/secrets.c, and cover it in tests/e2e/test_secrets.py.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "store/secrets.h"
#include "util/xmalloc.h"

#define SM_MAX_VERSIONS 100
#define SM_MAX_TAGS 50
#define SM_MAX_LIST 100000 /* secrets considered by one ListSecrets call */
#define SM_DAY_MS 86400000LL

#define MSG_NOT_FOUND "Secrets Manager can't find the specified secret."
#define MSG_MARKED "You can't perform this operation on the secret because it was marked for " \
                   "deletion."
#define MSG_BOTH_VALUES "You can't specify both a binary secret value and a string secret " \
                        "value in the same secret."
#define MSG_VERSION_EXISTS "You can't modify an existing version, you can only create a new " \
                           "version."
#define MSG_BAD_NAME "Invalid name. Must be a valid name containing alphanumeric characters, " \
                     "or any of the following: -/_+=.@!"

/* ---- small helpers ------------------------------------------------------------------- */

static struct sm_scope scope_of(const struct call *c)
{
    struct sm_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

/* Records the answer to a failed store call: the modeled 500. Returns SIM_ERROR. */
static int store_failed(struct call *c)
{
    return call_error(c, "InternalServiceError", "An error occurred on the server side.");
}

static int not_found(struct call *c)
{
    return call_error(c, "ResourceNotFoundException", MSG_NOT_FOUND);
}

/* Resolves c->in's SecretId into *s. Returns SIM_OK, or SIM_ERROR with the error recorded
 * (ResourceNotFoundException, or the store failure). */
static int load_secret(struct call *c, struct sm_secret *s)
{
    struct sm_scope sc = scope_of(c);
    const char *id = param_str(c->in, "SecretId");
    int rc = id ? sm_secret_resolve(&sc, id, s) : 1;
    if (rc == 1)
        return not_found(c);
    if (rc != 0)
        return store_failed(c);
    return SIM_OK;
}

/* Returns 1 if name uses only the characters AWS allows in a secret name. */
static int name_ok(const char *name)
{
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char)*p) && strchr("/_+=.@-!", *p) == NULL)
            return 0;
    }
    return 1;
}

/* Writes the 6-character ARN suffix AWS appends to a secret's name, from the team's ids. */
static void arn_suffix(struct call *c, char out[7])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t r = rng_next(&c->team->ids);
    for (int i = 0; i < 6; i++) {
        out[i] = alphabet[r % (sizeof alphabet - 1)];
        r /= sizeof alphabet - 1;
    }
    out[6] = '\0';
}

/* Adds ms as a timestamp member (epoch seconds) unless it is 0. */
static void add_time(cJSON *o, const char *key, int64_t ms)
{
    if (ms)
        cJSON_AddNumberToObject(o, key, (double)ms / 1000.0);
}

/* Returns 1 if a and b are the same value (both NULL counts as the same). */
static int same_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Returns 1 if s is canonical base64 text (the neutral form of a blob member). */
static int base64_ok(const char *s)
{
    size_t n = strlen(s), pad = 0;
    if (n % 4 != 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=') {
            pad++;
            continue;
        }
        if (pad || (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/'))
            return 0;
    }
    return pad <= 2;
}

/* Checks the value members of c->in: not both SecretString and SecretBinary. Writes them into
 * *string and *binary (borrowed from c->in). Returns SIM_OK or SIM_ERROR. */
static int read_value(struct call *c, const char **string, const char **binary)
{
    *string = param_str(c->in, "SecretString");
    *binary = param_str(c->in, "SecretBinary");
    if (*string && *binary)
        return call_error(c, "InvalidParameterException", MSG_BOTH_VALUES);
    if (*binary && !base64_ok(*binary))
        return call_error(c, "SerializationException", "Base64 encoded value expected for "
                                                       "'SecretBinary'");
    return SIM_OK;
}

/* Checks and applies a Tags list to the secret with arn. Returns SIM_OK or SIM_ERROR. */
static int apply_tags(struct call *c, const char *arn, const cJSON *tags)
{
    struct sm_scope sc = scope_of(c);
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *key = param_str(t, "Key");
        const char *value = param_str(t, "Value");
        if (key == NULL || value == NULL)
            return call_error(c, "InvalidParameterException",
                              "You must provide both a tag key and a tag value.");
        if (strncmp(key, "aws:", 4) == 0)
            return call_error(c, "InvalidParameterException",
                              "Invalid tag key. Tag keys can't start with the \"aws:\" prefix.");
        if (sm_tag_set(&sc, arn, key, value) != 0)
            return store_failed(c);
    }
    int64_t n = 0;
    if (sm_tag_count(&sc, arn, &n) != 0)
        return store_failed(c);
    if (n > SM_MAX_TAGS)
        return call_error(c, "LimitExceededException",
                          "The number of tags you're trying to add would exceed the limit of "
                          "%d tags.", SM_MAX_TAGS);
    return SIM_OK;
}

/*
 * Adds a new version with the given value to secret s and moves labels onto it (stages: a
 * JSON array of labels, or NULL = AWSCURRENT). token is the ClientRequestToken (NULL = make
 * one). When the token names an existing version the call is idempotent if the value is the
 * same, else ResourceExistsException. Writes the VersionId into version_out. Returns SIM_OK or
 * SIM_ERROR.
 */
static int add_version(struct call *c, struct sm_secret *s, const char *token,
                       const char *string, const char *binary, const cJSON *stages,
                       char version_out[65])
{
    struct sm_scope sc = scope_of(c);
    char uuid[37];
    if (token == NULL) {
        rng_uuid(&c->team->ids, uuid);
        token = uuid;
    }
    snprintf(version_out, 65, "%s", token);
    struct sm_version old = {0};
    int rc = sm_version_get(&sc, s->name, token, &old);
    if (rc == -1)
        return store_failed(c);
    if (rc == 0) {
        int same = same_str(old.string, string) && same_str(old.binary, binary);
        sm_version_clear(&old);
        if (!same)
            return call_error(c, "ResourceExistsException", MSG_VERSION_EXISTS);
        return SIM_OK;
    }
    struct sm_version v = {(char *)token, (char *)string, (char *)binary, c->now_ms};
    if (sm_version_insert(&sc, s->name, &v) != 0)
        return store_failed(c);
    cJSON *dflt = NULL;
    if (stages == NULL) {
        dflt = cJSON_CreateArray();
        cJSON_AddItemToArray(dflt, cJSON_CreateString("AWSCURRENT"));
        stages = dflt;
    }
    int res = SIM_OK;
    const cJSON *st;
    cJSON_ArrayForEach(st, stages)
    {
        if (!cJSON_IsString(st))
            continue;
        if (strcmp(st->valuestring, "AWSCURRENT") == 0) {
            char cur[65];
            rc = sm_stage_version(&sc, s->name, "AWSCURRENT", cur);
            if (rc == -1 ||
                (rc == 0 && strcmp(cur, token) != 0 &&
                 sm_stage_set(&sc, s->name, "AWSPREVIOUS", cur) != 0)) {
                res = store_failed(c);
                break;
            }
        }
        if (sm_stage_set(&sc, s->name, st->valuestring, token) != 0) {
            res = store_failed(c);
            break;
        }
    }
    cJSON_Delete(dflt);
    if (res != SIM_OK)
        return res;
    if (sm_version_prune(&sc, s->name, SM_MAX_VERSIONS) != 0)
        return store_failed(c);
    return SIM_OK;
}

/* ---- operations ---------------------------------------------------------------------- */

/* CreateSecret: a new secret with an optional first version (AWSCURRENT). Replies {ARN, Name,
 * VersionId}; a retry with the same ClientRequestToken and value answers as the first call. */
static int op_CreateSecret(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    const char *name = param_str(c->in, "Name");
    const char *token = param_str(c->in, "ClientRequestToken");
    const char *string, *binary;
    if (read_value(c, &string, &binary) != SIM_OK)
        return SIM_ERROR;
    if (!name_ok(name))
        return call_error(c, "ValidationException", MSG_BAD_NAME);
    if (param(c->in, "AddReplicaRegions"))
        return call_error(c, "InvalidRequestException",
                          "drillsim does not replicate secrets to other Regions.");

    struct sm_secret s = {0};
    char version[65] = "";
    int res = SIM_ERROR;
    int rc = sm_secret_get(&sc, name, &s);
    if (rc == -1) {
        res = store_failed(c);
        goto out;
    }
    if (rc == 0) {
        /* a retry of the same request (same token, same value) answers as the first did */
        if (token && s.deleted_ms == 0) {
            struct sm_version v = {0};
            int vr = sm_version_get(&sc, s.name, token, &v);
            int same = vr == 0 && same_str(v.string, string) && same_str(v.binary, binary);
            sm_version_clear(&v);
            if (vr == -1) {
                res = store_failed(c);
                goto out;
            }
            if (vr == 0 && !same) {
                res = call_error(c, "ResourceExistsException", MSG_VERSION_EXISTS);
                goto out;
            }
            if (same) {
                snprintf(version, sizeof version, "%s", token);
                goto reply;
            }
        }
        if (s.deleted_ms)
            res = call_error(c, "InvalidRequestException",
                             "You can't create this secret because a secret with this name is "
                             "already scheduled for deletion.");
        else
            res = call_error(c, "ResourceExistsException",
                             "The operation failed because the secret %s already exists.", name);
        goto out;
    }

    char suffix[7], arn[1024];
    arn_suffix(c, suffix);
    snprintf(arn, sizeof arn, "arn:aws:secretsmanager:%s:%s:secret:%s-%s", c->tenant.region,
             c->tenant.account, name, suffix);
    s.name = xstrdup(name);
    s.arn = xstrdup(arn);
    const char *desc = param_str(c->in, "Description");
    const char *kms = param_str(c->in, "KmsKeyId");
    s.description = desc ? xstrdup(desc) : NULL;
    s.kms_key_id = kms && *kms ? xstrdup(kms) : NULL;
    s.created_ms = c->now_ms;
    s.changed_ms = c->now_ms;
    if (sm_secret_insert(&sc, &s) != 0) {
        res = store_failed(c);
        goto out;
    }
    if (apply_tags(c, s.arn, param(c->in, "Tags")) != SIM_OK)
        goto out;
    if ((string || binary) &&
        add_version(c, &s, token, string, binary, NULL, version) != SIM_OK)
        goto out;

reply:
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "ARN", s.arn);
    cJSON_AddStringToObject(c->out, "Name", s.name);
    if (version[0])
        cJSON_AddStringToObject(c->out, "VersionId", version);
    res = SIM_OK;
out:
    sm_secret_clear(&s);
    return res;
}

/* Adds the fields DescribeSecret and ListSecrets share to o. versions_key names the
 * version-to-labels map ("VersionIdsToStages" or "SecretVersionsToStages"). Returns 0 or -1. */
static int describe_into(const struct sm_scope *sc, const struct sm_secret *s, cJSON *o,
                         const char *versions_key)
{
    cJSON_AddStringToObject(o, "ARN", s->arn);
    cJSON_AddStringToObject(o, "Name", s->name);
    if (s->description)
        cJSON_AddStringToObject(o, "Description", s->description);
    if (s->kms_key_id)
        cJSON_AddStringToObject(o, "KmsKeyId", s->kms_key_id);
    cJSON_AddBoolToObject(o, "RotationEnabled", 0);
    add_time(o, "LastChangedDate", s->changed_ms);
    add_time(o, "LastAccessedDate", s->accessed_ms);
    /* decision: DeletedDate is when DeleteSecret was called */
    add_time(o, "DeletedDate", s->deleted_ms);
    cJSON *tags = cJSON_CreateArray();
    if (sm_tags(sc, s->arn, tags) != 0) {
        cJSON_Delete(tags);
        return -1;
    }
    if (cJSON_GetArraySize(tags) > 0)
        cJSON_AddItemToObject(o, "Tags", tags);
    else
        cJSON_Delete(tags);
    cJSON *map = cJSON_CreateObject();
    if (sm_stages_map(sc, s->name, map) != 0) {
        cJSON_Delete(map);
        return -1;
    }
    if (map->child)
        cJSON_AddItemToObject(o, versions_key, map);
    else
        cJSON_Delete(map);
    add_time(o, "CreatedDate", s->created_ms);
    return 0;
}

/* DescribeSecret: the metadata of a secret (also one scheduled for deletion), no value. */
static int op_DescribeSecret(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    struct sm_secret s = {0};
    if (load_secret(c, &s) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    int rc = describe_into(&sc, &s, c->out, "VersionIdsToStages");
    sm_secret_clear(&s);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* GetSecretValue: the value of the version named by VersionId or VersionStage (default
 * AWSCURRENT); records LastAccessedDate (to the day). */
static int op_GetSecretValue(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    struct sm_secret s = {0};
    struct sm_version v = {0};
    int res = SIM_ERROR;
    if (load_secret(c, &s) != SIM_OK)
        return SIM_ERROR;
    if (s.deleted_ms) {
        res = call_error(c, "InvalidRequestException", MSG_MARKED);
        goto out;
    }
    const char *vid = param_str(c->in, "VersionId");
    const char *stage = param_str(c->in, "VersionStage");
    char id[65];
    int rc;
    if (vid) {
        snprintf(id, sizeof id, "%s", vid);
        rc = sm_version_get(&sc, s.name, id, &v);
        if (rc == 1) {
            res = call_error(c, "ResourceNotFoundException",
                             "Secrets Manager can't find the specified secret value for "
                             "VersionId: %s", vid);
            goto out;
        }
        if (rc == 0 && stage) {
            cJSON *labels = cJSON_CreateArray();
            int found = 0;
            rc = sm_version_stages(&sc, s.name, id, labels);
            const cJSON *l;
            cJSON_ArrayForEach(l, labels)
            {
                if (strcmp(l->valuestring, stage) == 0)
                    found = 1;
            }
            cJSON_Delete(labels);
            if (rc == 0 && !found) {
                res = call_error(c, "InvalidRequestException",
                                 "You provided a VersionStage that is not associated to the "
                                 "provided VersionId.");
                goto out;
            }
        }
    } else {
        if (stage == NULL)
            stage = "AWSCURRENT";
        rc = sm_stage_version(&sc, s.name, stage, id);
        if (rc == 1) {
            res = call_error(c, "ResourceNotFoundException",
                             "Secrets Manager can't find the specified secret value for "
                             "staging label: %s", stage);
            goto out;
        }
        if (rc == 0)
            rc = sm_version_get(&sc, s.name, id, &v);
    }
    if (rc != 0) {
        res = store_failed(c);
        goto out;
    }
    /* LastAccessedDate is kept to the day, as AWS reports it */
    s.accessed_ms = c->now_ms - c->now_ms % SM_DAY_MS;
    if (sm_secret_update(&sc, &s) != 0) {
        res = store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "ARN", s.arn);
    cJSON_AddStringToObject(c->out, "Name", s.name);
    cJSON_AddStringToObject(c->out, "VersionId", v.id);
    if (v.binary)
        cJSON_AddStringToObject(c->out, "SecretBinary", v.binary);
    if (v.string)
        cJSON_AddStringToObject(c->out, "SecretString", v.string);
    cJSON *labels = cJSON_AddArrayToObject(c->out, "VersionStages");
    if (sm_version_stages(&sc, s.name, v.id, labels) != 0) {
        res = store_failed(c);
        goto out;
    }
    add_time(c->out, "CreatedDate", v.created_ms);
    res = SIM_OK;
out:
    sm_version_clear(&v);
    sm_secret_clear(&s);
    return res;
}

/* PutSecretValue: a new version, labelled AWSCURRENT unless VersionStages says otherwise. */
static int op_PutSecretValue(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    const char *string, *binary;
    if (read_value(c, &string, &binary) != SIM_OK)
        return SIM_ERROR;
    if (string == NULL && binary == NULL)
        return call_error(c, "InvalidParameterException",
                          "You must provide either SecretString or SecretBinary.");
    struct sm_secret s = {0};
    if (load_secret(c, &s) != SIM_OK)
        return SIM_ERROR;
    int res = SIM_ERROR;
    char version[65];
    if (s.deleted_ms) {
        res = call_error(c, "InvalidRequestException", MSG_MARKED);
        goto out;
    }
    const cJSON *stages = param(c->in, "VersionStages");
    if (add_version(c, &s, param_str(c->in, "ClientRequestToken"), string, binary, stages,
                    version) != SIM_OK)
        goto out;
    s.changed_ms = c->now_ms;
    if (sm_secret_update(&sc, &s) != 0) {
        res = store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "ARN", s.arn);
    cJSON_AddStringToObject(c->out, "Name", s.name);
    cJSON_AddStringToObject(c->out, "VersionId", version);
    cJSON *labels = cJSON_AddArrayToObject(c->out, "VersionStages");
    if (sm_version_stages(&sc, s.name, version, labels) != 0) {
        res = store_failed(c);
        goto out;
    }
    res = SIM_OK;
out:
    sm_secret_clear(&s);
    return res;
}

/* UpdateSecret: new description or KMS key, and a new AWSCURRENT version when a value is given. */
static int op_UpdateSecret(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    const char *string, *binary;
    if (read_value(c, &string, &binary) != SIM_OK)
        return SIM_ERROR;
    struct sm_secret s = {0};
    if (load_secret(c, &s) != SIM_OK)
        return SIM_ERROR;
    int res = SIM_ERROR;
    char version[65] = "";
    if (s.deleted_ms) {
        res = call_error(c, "InvalidRequestException", MSG_MARKED);
        goto out;
    }
    const char *desc = param_str(c->in, "Description");
    const char *kms = param_str(c->in, "KmsKeyId");
    if (desc) {
        free(s.description);
        s.description = xstrdup(desc);
    }
    if (kms) {
        free(s.kms_key_id);
        s.kms_key_id = *kms ? xstrdup(kms) : NULL;
    }
    if ((string || binary) &&
        add_version(c, &s, param_str(c->in, "ClientRequestToken"), string, binary, NULL,
                    version) != SIM_OK)
        goto out;
    s.changed_ms = c->now_ms;
    if (sm_secret_update(&sc, &s) != 0) {
        res = store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "ARN", s.arn);
    cJSON_AddStringToObject(c->out, "Name", s.name);
    if (version[0])
        cJSON_AddStringToObject(c->out, "VersionId", version);
    res = SIM_OK;
out:
    sm_secret_clear(&s);
    return res;
}

/* ---- ListSecrets ---------------------------------------------------------------------- */

struct list_ctx {
    const struct sm_scope *sc;
    const cJSON *filters;
    int include_deleted;
    cJSON *all; /* matching secrets, as SecretListEntry objects, in creation order */
    int failed;
};

/* Returns the length of the word of s starting at p (p points at an alphanumeric
 * character): words end at a non-alphanumeric character, between a lower-case and an
 * upper-case letter, and between a letter and a digit, as the Secrets Manager user guide
 * describes its search. */
static size_t word_len(const char *p)
{
    size_t n = 1;
    while (isalnum((unsigned char)p[n])) {
        unsigned char a = (unsigned char)p[n - 1], b = (unsigned char)p[n];
        if ((islower(a) && isupper(b)) || (isalpha(a) != 0) != (isalpha(b) != 0))
            break;
        n++;
    }
    return n;
}

/* Returns 1 if a word of text starts with the n characters at w (case-insensitively). */
static int has_word(const char *text, const char *w, size_t n)
{
    const char *p = text;
    while (p && *p) {
        if (!isalnum((unsigned char)*p)) {
            p++;
            continue;
        }
        size_t len = word_len(p);
        if (len >= n && strncasecmp(p, w, n) == 0)
            return 1;
        p += len;
    }
    return 0;
}

/* Returns 1 if any word of query begins a word of text (the "all" filter's matching). */
static int words_match(const char *text, const char *query)
{
    const char *q = query;
    while (text && *q) {
        if (!isalnum((unsigned char)*q)) {
            q++;
            continue;
        }
        size_t n = word_len(q);
        if (has_word(text, q, n))
            return 1;
        q += n;
    }
    return 0;
}

/* How one filter key compares a value with an attribute. */
enum match_kind { MATCH_PREFIX, MATCH_PREFIX_NOCASE, MATCH_WORDS };

/* Returns 1 if text matches value (without its "!"). */
static int text_matches(const char *text, const char *value, enum match_kind kind)
{
    if (text == NULL)
        return 0;
    switch (kind) {
    case MATCH_PREFIX:
        return strncmp(text, value, strlen(value)) == 0;
    case MATCH_PREFIX_NOCASE:
        return strncasecmp(text, value, strlen(value)) == 0;
    case MATCH_WORDS:
        return words_match(text, value);
    }
    return 0;
}

/* Returns 1 if any tag key (want_key) or value of entry's Tags matches value. */
static int tags_match(const cJSON *entry, const char *value, int want_key, enum match_kind kind)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(entry, "Tags"))
    {
        if (text_matches(param_str(t, want_key ? "Key" : "Value"), value, kind))
            return 1;
    }
    return 0;
}

/* Returns 1 if entry matches one value of a filter key ("!" negates the value): name, tag-key
 * and tag-value are case-sensitive prefixes, description a prefix in any case, "all" the
 * words of the value against the words of every attribute (the API reference's Filter). */
static int value_matches(const cJSON *entry, const char *key, const char *value)
{
    int negate = value[0] == '!';
    if (negate)
        value++;
    const char *name = param_str(entry, "Name");
    const char *desc = param_str(entry, "Description");
    int hit = 0;
    if (strcmp(key, "name") == 0)
        hit = text_matches(name, value, MATCH_PREFIX);
    else if (strcmp(key, "description") == 0)
        hit = text_matches(desc, value, MATCH_PREFIX_NOCASE);
    else if (strcmp(key, "tag-key") == 0)
        hit = tags_match(entry, value, 1, MATCH_PREFIX);
    else if (strcmp(key, "tag-value") == 0)
        hit = tags_match(entry, value, 0, MATCH_PREFIX);
    else if (strcmp(key, "all") == 0)
        hit = text_matches(name, value, MATCH_WORDS) || text_matches(desc, value, MATCH_WORDS) ||
              tags_match(entry, value, 1, MATCH_WORDS) || tags_match(entry, value, 0, MATCH_WORDS);
    /* primary-region and owning-service: drillsim secrets have neither */
    return negate ? !hit : hit;
}

/* Returns 1 if entry passes one filter: any of its values matches. */
static int filter_matches(const cJSON *entry, const char *key, const cJSON *values)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        if (cJSON_IsString(v) && value_matches(entry, key, v->valuestring))
            return 1;
    }
    return 0;
}

static int list_one(void *ctx, const struct sm_secret *s)
{
    struct list_ctx *l = ctx;
    if (s->deleted_ms && !l->include_deleted)
        return 0;
    cJSON *e = cJSON_CreateObject();
    if (describe_into(l->sc, s, e, "SecretVersionsToStages") != 0) {
        cJSON_Delete(e);
        l->failed = 1;
        return -1;
    }
    const cJSON *f;
    cJSON_ArrayForEach(f, l->filters)
    {
        const char *key = param_str(f, "Key");
        if (key && !filter_matches(e, key, param(f, "Values"))) {
            cJSON_Delete(e);
            return 0;
        }
    }
    cJSON_AddItemToArray(l->all, e);
    return 0;
}

/* ListSecrets: the region's secrets (without those scheduled for deletion unless
 * IncludePlannedDeletion), filtered, sorted by CreatedDate and paged by NextToken. */
static int op_ListSecrets(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    const cJSON *filters = param(c->in, "Filters");
    const cJSON *f;
    cJSON_ArrayForEach(f, filters)
    {
        if (param_str(f, "Key") == NULL)
            return call_error(c, "InvalidParameterException",
                              "Invalid filter key. A filter must have a key.");
        const cJSON *values = param(f, "Values");
        if (cJSON_GetArraySize(values) == 0)
            return call_error(c, "InvalidParameterException",
                              "Invalid filter values. A filter must have at least one value.");
    }
    const char *sort_by = param_str(c->in, "SortBy");
    if (sort_by && strcmp(sort_by, "created-date") != 0)
        return call_error(c, "InvalidParameterException",
                          "drillsim sorts secrets by created-date only.");
    int64_t max = param_int(c->in, "MaxResults", 100);
    if (max < 1 || max > 100)
        max = 100; /* the model's range (validated before) */
    int64_t start = 0;
    const char *token = param_str(c->in, "NextToken");
    if (token) {
        char *end = NULL;
        start = strncmp(token, "sm1:", 4) == 0 ? strtoll(token + 4, &end, 10) : -1;
        if (start < 0 || end == NULL || *end != '\0')
            return call_error(c, "InvalidNextTokenException",
                              "The NextToken value is invalid.");
    }
    struct list_ctx l = {&sc, filters, param_bool(c->in, "IncludePlannedDeletion", 0),
                         cJSON_CreateArray(), 0};
    if (sm_secret_each(&sc, SM_MAX_LIST, list_one, &l) != 0 || l.failed) {
        cJSON_Delete(l.all);
        return store_failed(c);
    }
    int n = cJSON_GetArraySize(l.all);
    const char *order = param_str(c->in, "SortOrder");
    int desc = order && strcmp(order, "desc") == 0;
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "SecretList");
    /* the page is positions [start, start + max) of the list in the requested order */
    cJSON *page[100];
    int np = 0;
    int pos = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, l.all)
    {
        int rank = desc ? n - 1 - pos : pos;
        if (rank >= start && rank < start + max && np < 100)
            page[np++] = e;
        pos++;
    }
    for (int i = 0; i < np; i++) {
        cJSON *item = page[desc ? np - 1 - i : i];
        cJSON_AddItemToArray(list, cJSON_DetachItemViaPointer(l.all, item));
    }
    if (start + max < n) {
        char next[32];
        snprintf(next, sizeof next, "sm1:%lld", (long long)(start + max));
        cJSON_AddStringToObject(c->out, "NextToken", next);
    }
    cJSON_Delete(l.all);
    return SIM_OK;
}

/* DeleteSecret: schedules the deletion RecoveryWindowInDays (7-30, default 30) ahead on the
 * sim clock, or deletes at once with ForceDeleteWithoutRecovery. */
static int op_DeleteSecret(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    const cJSON *window = param(c->in, "RecoveryWindowInDays");
    int force = param_bool(c->in, "ForceDeleteWithoutRecovery", 0);
    if (window && force)
        return call_error(c, "InvalidParameterException",
                          "You can't use ForceDeleteWithoutRecovery in conjunction with "
                          "RecoveryWindowInDays.");
    int64_t days = param_int(c->in, "RecoveryWindowInDays", 30);
    if (days < 7 || days > 30)
        return call_error(c, "InvalidParameterException",
                          "The RecoveryWindowInDays value must be between 7 and 30 days "
                          "(inclusive).");
    struct sm_secret s = {0};
    if (load_secret(c, &s) != SIM_OK)
        return SIM_ERROR;
    int res = SIM_ERROR;
    int64_t when;
    if (force) {
        when = c->now_ms;
        c->out = cJSON_CreateObject();
        cJSON_AddStringToObject(c->out, "ARN", s.arn);
        cJSON_AddStringToObject(c->out, "Name", s.name);
        add_time(c->out, "DeletionDate", when);
        res = sm_secret_delete(&sc, s.name) == 0 ? SIM_OK : store_failed(c);
        goto out;
    }
    if (s.deleted_ms) {
        res = call_error(c, "InvalidRequestException", MSG_MARKED);
        goto out;
    }
    when = c->now_ms + days * SM_DAY_MS;
    s.deleted_ms = c->now_ms;
    s.purge_ms = when;
    if (sm_secret_update(&sc, &s) != 0) {
        res = store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "ARN", s.arn);
    cJSON_AddStringToObject(c->out, "Name", s.name);
    add_time(c->out, "DeletionDate", when);
    res = SIM_OK;
out:
    sm_secret_clear(&s);
    return res;
}

/* RestoreSecret: cancels a scheduled deletion (a no-op for a secret not scheduled). */
static int op_RestoreSecret(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    struct sm_secret s = {0};
    if (load_secret(c, &s) != SIM_OK)
        return SIM_ERROR;
    s.deleted_ms = 0;
    s.purge_ms = 0;
    int rc = sm_secret_update(&sc, &s);
    if (rc == 0) {
        c->out = cJSON_CreateObject();
        cJSON_AddStringToObject(c->out, "ARN", s.arn);
        cJSON_AddStringToObject(c->out, "Name", s.name);
    }
    sm_secret_clear(&s);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* TagResource: adds or replaces tags (at most 50 per secret). */
static int op_TagResource(struct call *c)
{
    struct sm_secret s = {0};
    if (load_secret(c, &s) != SIM_OK)
        return SIM_ERROR;
    int res = SIM_ERROR;
    if (s.deleted_ms)
        res = call_error(c, "InvalidRequestException", MSG_MARKED);
    else
        res = apply_tags(c, s.arn, param(c->in, "Tags"));
    sm_secret_clear(&s);
    return res;
}

/* UntagResource: removes tags; keys the secret does not have are ignored. */
static int op_UntagResource(struct call *c)
{
    struct sm_scope sc = scope_of(c);
    struct sm_secret s = {0};
    if (load_secret(c, &s) != SIM_OK)
        return SIM_ERROR;
    int res = SIM_OK;
    if (s.deleted_ms)
        res = call_error(c, "InvalidRequestException", MSG_MARKED);
    const cJSON *k;
    cJSON_ArrayForEach(k, param(c->in, "TagKeys"))
    {
        if (res == SIM_OK && cJSON_IsString(k) && sm_tag_remove(&sc, s.arn, k->valuestring) != 0)
            res = store_failed(c);
    }
    sm_secret_clear(&s);
    return res;
}

static const struct sim_op secretsmanager_ops[] = {
    {"CreateSecret", op_CreateSecret, OP_WRITE},
    {"DescribeSecret", op_DescribeSecret, OP_READ},
    {"GetSecretValue", op_GetSecretValue, OP_WRITE}, /* writes LastAccessedDate */
    {"PutSecretValue", op_PutSecretValue, OP_WRITE},
    {"UpdateSecret", op_UpdateSecret, OP_WRITE},
    {"ListSecrets", op_ListSecrets, OP_READ},
    {"DeleteSecret", op_DeleteSecret, OP_WRITE},
    {"RestoreSecret", op_RestoreSecret, OP_WRITE},
    {"TagResource", op_TagResource, OP_WRITE},
    {"UntagResource", op_UntagResource, OP_WRITE},
    {NULL, NULL, 0},
};

struct sim_service service_secretsmanager = {
    .name = "secretsmanager",
    .ops = secretsmanager_ops,
    .vstyle = VS_CORAL,
};
