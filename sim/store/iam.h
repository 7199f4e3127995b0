/*
 * iam.h - the IAM role tables, and what other modules read of IAM roles (RDS Proxy's RoleArn:
 * iam_role_find). IAM is global: rows are scoped by account only.
 *
 * Tables (sim/store/schema.c, the Secrets Manager and IAM migration). Role and policy names
 * compare case-insensitively (COLLATE NOCASE), as IAM's do, and keep the case they were
 * created with:
 *   iam_roles          one row per role: path, RoleId, ARN, CreateDate, the trust policy
 *                      (AssumeRolePolicyDocument, verbatim), description, MaxSessionDuration;
 *   iam_role_policies  inline policies (PutRolePolicy): name and document, verbatim;
 *   iam_role_attached  managed policies attached to a role (AttachRolePolicy), in attach
 *                      order (seq);
 *   iam_role_tags      the role's tags in the order they were first set (seq); keys compare
 *                      case-insensitively.
 * The functions only read and write rows; every AWS rule lives in sim/services/iam.c. Writes
 * run inside the caller's transaction.
 *
 * Return convention (iam_* other than iam_role_find): 0 = done / found, 1 = not found,
 * -1 = SQLite error. Structs filled by a getter own their strings; clear them with the
 * matching _clear function.
 */
#ifndef DRILLSIM_STORE_IAM_H
#define DRILLSIM_STORE_IAM_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

struct iam_role_info {
    char arn[256];
    char name[128];
    char role_id[32];
    int trusts_rds; /* the trust policy allows the service principal rds.amazonaws.com */
};

/* Looks a role up by name or ARN in account. Returns 0 and fills *out, 1 if there is no such
 * role, -1 on error. */
int iam_role_find(struct store *st, const char *account, const char *id,
                  struct iam_role_info *out);

/* ---- the service's rows -------------------------------------------------------------- */

struct iam_role {
    char *name;
    char *path;
    char *role_id;
    char *arn;
    char *trust;       /* the trust policy document as given */
    char *description; /* NULL = none */
    int64_t created_ms;
    int max_session;
};

void iam_role_clear(struct iam_role *r);

/* Looks a role up by name (case-insensitively). */
int iam_role_get(struct store *st, const char *account, const char *name, struct iam_role *out);
/* Inserts a role. Returns 0 or -1. */
int iam_role_insert(struct store *st, const char *account, const struct iam_role *r);
/* Deletes a role with its tags (its policies must be gone already). Returns 0 or -1. */
int iam_role_delete(struct store *st, const char *account, const char *name);
/* Calls fn for the roles whose path starts with prefix (NULL = all), ordered by name
 * case-insensitively, starting after the name `after` (NULL = from the first), at most
 * limit of them; fn returns 0 to go on. Returns 0, or -1 on error (or when fn fails). */
int iam_role_each(struct store *st, const char *account, const char *prefix, const char *after,
                  int limit, int (*fn)(void *ctx, const struct iam_role *r), void *ctx);

/* Inline policies. iam_inline_get writes a copy of the document (caller frees) into *doc. */
int iam_inline_put(struct store *st, const char *account, const char *role, const char *name,
                   const char *doc);
int iam_inline_get(struct store *st, const char *account, const char *role, const char *name,
                   char **name_out, char **doc);
/* Returns 0, or 1 when there was no such policy, or -1. */
int iam_inline_delete(struct store *st, const char *account, const char *role,
                      const char *name);
/* Counts a role's inline policies and the characters of their names and documents (IAM's
 * aggregate size), skipping the policy named skip (NULL = none). Returns 0 or -1. */
int iam_inline_stats(struct store *st, const char *account, const char *role, const char *skip,
                     int64_t *count, int64_t *chars);
/* Appends the names of a role's inline policies, sorted, after the name `after` (NULL = from
 * the first), at most limit of them, to arr. Returns 0 or -1. */
int iam_inline_names(struct store *st, const char *account, const char *role, const char *after,
                     int limit, cJSON *arr);

/* Managed policies attached to a role. */
int iam_attached_add(struct store *st, const char *account, const char *role, const char *arn);
/* Returns 0, or 1 when the policy was not attached, or -1. */
int iam_attached_remove(struct store *st, const char *account, const char *role,
                        const char *arn);
/* Writes 1 into *found when arn is attached to role. Returns 0 or -1. */
int iam_attached_exists(struct store *st, const char *account, const char *role,
                        const char *arn, int *found);
int iam_attached_count(struct store *st, const char *account, const char *role, int64_t *n);
/* Appends the attached policy ARNs (strings), in attach order, to arr. Returns 0 or -1. */
int iam_attached_list(struct store *st, const char *account, const char *role, cJSON *arr);

/* Tags of a role. iam_tag_set keeps the position of a key already set. */
int iam_tag_set(struct store *st, const char *account, const char *role, const char *key,
                const char *value);
int iam_tag_remove(struct store *st, const char *account, const char *role, const char *key);
/* Counts the tags of role into *n. Returns 0 or -1. */
int iam_tag_count(struct store *st, const char *account, const char *role, int64_t *n);
/* Writes 1 into *found when role has a tag with this key (compared case-insensitively). */
int iam_tag_exists(struct store *st, const char *account, const char *role, const char *key,
                   int *found);
/* Appends {Key, Value} objects to arr in the order they were set. Returns 0 or -1. */
int iam_tags(struct store *st, const char *account, const char *role, cJSON *arr);

#endif
