/*
 * secrets.h - the Secrets Manager tables, and what other modules read of secrets (RDS Proxy's
 * credentials: secrets_find).
 *
 * Tables (sim/store/schema.c, the Secrets Manager and IAM migration), every row scoped by
 * (account, region):
 *   sm_secrets   one row per secret: its name and full ARN (with AWS's 6-character suffix),
 *                description, KMS key id as given, CreatedDate, LastChangedDate,
 *                LastAccessedDate (NULL = never read), DeletedDate (deleted_ms, NULL = not
 *                scheduled for deletion) and the instant the recovery window ends
 *                (purge_ms: the engine's tick deletes the secret then, see secrets_purge_due);
 *                seq orders secrets created in the same millisecond;
 *   sm_versions  one row per version: VersionId, the SecretString or the SecretBinary (kept
 *                as the base64 text of the neutral document), CreatedDate, a creation seq;
 *   sm_stages    one row per staging label (AWSCURRENT, AWSPREVIOUS, AWSPENDING, custom):
 *                the version it is attached to. A version without labels is deprecated:
 *                it is kept (GetSecretValue by VersionId still finds it) but no longer listed;
 *   tags         the generic tag table; Secrets Manager rows have service 'secretsmanager'
 *                and the secret's ARN as the resource.
 * The functions only read and write rows; every AWS rule lives in
 * sim/services/secretsmanager.c. Writes run inside the caller's transaction.
 *
 * Return convention (sm_*): 0 = done / found, 1 = not found, -1 = SQLite error. Structs filled
 * by a getter own their strings; clear them with the matching _clear function.
 */
#ifndef DRILLSIM_STORE_SECRETS_H
#define DRILLSIM_STORE_SECRETS_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

struct secret_info {
    char arn[256];
    char name[512];
    int deleted;        /* scheduled for deletion (GetSecretValue would fail) */
    int has_value;      /* an AWSCURRENT version with a SecretString exists */
    int has_user_pass;  /* that SecretString is a JSON object with "username" and "password" */
};

/* Looks a secret up by name, full ARN or partial ARN (without the 6-character suffix) in
 * (account, region). Returns 0 and fills *out, 1 if there is no such secret, -1 on error. */
int secrets_find(struct store *st, const char *account, const char *region, const char *id,
                 struct secret_info *out);

/* ---- the service's rows -------------------------------------------------------------- */

/* The scope every call below works in. */
struct sm_scope {
    struct store *st;
    const char *account;
    const char *region;
};

struct sm_secret {
    char *name;
    char *arn;
    char *description; /* NULL = none */
    char *kms_key_id;  /* NULL = the AWS managed key */
    int64_t created_ms;
    int64_t changed_ms;
    int64_t accessed_ms; /* 0 = never read */
    int64_t deleted_ms;  /* 0 = not scheduled for deletion */
    int64_t purge_ms;    /* when deleted_ms: the end of the recovery window */
    int64_t seq;
};

struct sm_version {
    char *id;
    char *string; /* SecretString, or NULL */
    char *binary; /* SecretBinary as base64 text, or NULL */
    int64_t created_ms;
};

void sm_secret_clear(struct sm_secret *s);
void sm_version_clear(struct sm_version *v);

/* Looks a secret up by exact name. */
int sm_secret_get(const struct sm_scope *sc, const char *name, struct sm_secret *out);
/* Looks a secret up by its full ARN. */
int sm_secret_by_arn(const struct sm_scope *sc, const char *arn, struct sm_secret *out);
/* Looks a secret up by a SecretId as Secrets Manager resolves one: a full ARN, a partial ARN
 * (the ARN of the scope's account and region without the 6-character suffix) or a name. */
int sm_secret_resolve(const struct sm_scope *sc, const char *id, struct sm_secret *out);
/* Inserts a new secret row (s->seq is assigned here). Returns 0 or -1. */
int sm_secret_insert(const struct sm_scope *sc, struct sm_secret *s);
/* Writes back the mutable columns of s (description, KMS key, dates). Returns 0 or -1. */
int sm_secret_update(const struct sm_scope *sc, const struct sm_secret *s);
/* Deletes a secret with its versions, labels and tags. Returns 0 or -1. */
int sm_secret_delete(const struct sm_scope *sc, const char *name);
/* Calls fn for every secret of the scope, in creation order, at most limit of them; fn
 * returns 0 to go on. Returns 0, or -1 on error (or when fn fails). */
int sm_secret_each(const struct sm_scope *sc, int limit,
                   int (*fn)(void *ctx, const struct sm_secret *s), void *ctx);

/* Looks a version up by VersionId. */
int sm_version_get(const struct sm_scope *sc, const char *name, const char *id,
                   struct sm_version *out);
/* Inserts a version (no labels yet). Returns 0 or -1. */
int sm_version_insert(const struct sm_scope *sc, const char *name, const struct sm_version *v);
/* Counts the versions of a secret into *n. Returns 0 or -1. */
int sm_version_count(const struct sm_scope *sc, const char *name, int64_t *n);
/* Deletes the oldest versions without labels until at most keep versions remain. Returns 0 or
 * -1. */
int sm_version_prune(const struct sm_scope *sc, const char *name, int64_t keep);

/* Writes the VersionId a label is attached to (out holds 65 bytes). Returns 0, 1 when the
 * label is attached to no version, -1. */
int sm_stage_version(const struct sm_scope *sc, const char *name, const char *stage,
                     char out[65]);
/* Attaches a label to a version, moving it from any other version. Returns 0 or -1. */
int sm_stage_set(const struct sm_scope *sc, const char *name, const char *stage,
                 const char *version);
/* Removes a label. Returns 0 or -1. */
int sm_stage_remove(const struct sm_scope *sc, const char *name, const char *stage);
/* Appends the labels of one version to arr (strings, sorted). Returns 0 or -1. */
int sm_version_stages(const struct sm_scope *sc, const char *name, const char *version,
                      cJSON *arr);
/* Adds {VersionId: [labels...]} for every labelled version to obj. Returns 0 or -1. */
int sm_stages_map(const struct sm_scope *sc, const char *name, cJSON *obj);

/* Tags of a secret (resource = its ARN). */
int sm_tag_set(const struct sm_scope *sc, const char *arn, const char *key, const char *value);
int sm_tag_remove(const struct sm_scope *sc, const char *arn, const char *key);
/* Counts the tags of arn into *n. Returns 0 or -1. */
int sm_tag_count(const struct sm_scope *sc, const char *arn, int64_t *n);
/* Writes 1 into *found when arn has a tag with this key. Returns 0 or -1. */
int sm_tag_exists(const struct sm_scope *sc, const char *arn, const char *key, int *found);
/* Appends {Key, Value} objects to arr, sorted by key. Returns 0 or -1. */
int sm_tags(const struct sm_scope *sc, const char *arn, cJSON *arr);

/* Deletes every secret of account (any region) whose recovery window ended at or before
 * now_ms. Returns 0 or -1. Cheap when there is none: an index range on purge_ms. */
int secrets_purge_due(struct store *st, const char *account, int64_t now_ms);

#endif
