/*
 * ssm.h - the SSM Parameter Store tables: parameters, their versions, labels and tags.
 *
 * Tables (sim/store/schema.c, migration 1), every row scoped by (account, region):
 *   ssm_parameters          one row per parameter: its latest version number;
 *   ssm_parameter_versions  one row per kept version (at most 100), with every field AWS
 *                           reports for that version;
 *   ssm_labels              label -> version, unique per parameter;
 *   tags                    the generic tag table; SSM rows have service 'ssm' and the
 *                           parameter's ARN as resource.
 * The functions only read and write rows; every AWS rule lives in sim/services/ssm.c. Writes
 * run inside the caller's transaction (OP_WRITE handlers are wrapped by the pipeline).
 *
 * Return convention: 0 = done / found, 1 = not found, -1 = SQLite error.
 */
#ifndef DRILLSIM_STORE_SSM_H
#define DRILLSIM_STORE_SSM_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

/* One stored version of a parameter. Filled structs own their strings (see
 * store_ssm_param_clear); NULL means "not set" for the optional fields. */
struct ssm_param {
    char *name;
    int64_t version;
    char *type;            /* String | StringList | SecureString */
    char *value;           /* the plaintext, also for SecureString */
    char *description;     /* optional */
    char *allowed_pattern; /* optional */
    char *key_id;          /* SecureString only */
    char *tier;            /* Standard | Advanced (the resolved tier) */
    char *data_type;       /* text | aws:ec2:image | aws:ssm:integration */
    char *policies;        /* optional: the JSON array text as given */
    char *modified_user;
    int64_t modified_ms;
};

/* The scope every call works in. */
struct ssm_scope {
    struct store *st;
    const char *account;
    const char *region;
};

/* Frees the strings of p and zeroes it. */
void store_ssm_param_clear(struct ssm_param *p);

/* Reads version `version` of name (0 = the latest) into *out, which must be empty (zeroed);
 * the caller clears it afterwards. Returns 0, 1 (no such parameter or version) or -1. */
int store_ssm_get(const struct ssm_scope *sc, const char *name, int64_t version,
                  struct ssm_param *out);
/* Reads the parameter's latest version number, its oldest kept version and the number of kept
 * versions. Returns 0, 1 (no such parameter) or -1. */
int store_ssm_head(const struct ssm_scope *sc, const char *name, int64_t *latest,
                   int64_t *oldest, int64_t *count);
/* Stores p as a new version and makes it the latest. Returns 0 or -1. */
int store_ssm_insert(const struct ssm_scope *sc, const struct ssm_param *p);
/* Deletes one version row (the caller has checked it carries no label). Returns 0 or -1. */
int store_ssm_delete_version(const struct ssm_scope *sc, const char *name, int64_t version);
/* Deletes the parameter with every version, label and tag (tags under resource `arn`).
 * Returns 0, 1 (no such parameter) or -1. */
int store_ssm_delete(const struct ssm_scope *sc, const char *name, const char *arn);
/* Counts the parameters whose latest version is in `tier`. Returns 0 or -1. */
int store_ssm_count_tier(const struct ssm_scope *sc, const char *tier, int64_t *n);

/*
 * Calls fn for the latest version of every parameter whose name is greater than `after`
 * (NULL = from the start) and begins with `prefix` (NULL = any), in byte order of the name.
 * p is only valid during the call. fn returns 0 to go on, 1 to stop, -1 to fail.
 * Returns 0, or -1 (SQLite error or fn failed).
 */
typedef int (*store_ssm_fn)(void *ctx, const struct ssm_param *p);
int store_ssm_each(const struct ssm_scope *sc, const char *after, const char *prefix,
                   store_ssm_fn fn, void *ctx);
/* Calls fn for every kept version of name newer than `after`, oldest first. Same contract. */
int store_ssm_each_version(const struct ssm_scope *sc, const char *name, int64_t after,
                           store_ssm_fn fn, void *ctx);

/* Labels. store_ssm_label_find sets *version to the version carrying label; 0, 1 or -1. */
int store_ssm_label_find(const struct ssm_scope *sc, const char *name, const char *label,
                         int64_t *version);
/* Attaches label to version (moving it from any other version). Returns 0 or -1. */
int store_ssm_label_set(const struct ssm_scope *sc, const char *name, const char *label,
                        int64_t version);
/* Removes label from the parameter. Returns 0 or -1. */
int store_ssm_label_delete(const struct ssm_scope *sc, const char *name, const char *label);
/* Appends the labels of one version (sorted) to the cJSON array `into`; *n (may be NULL)
 * receives how many. Returns 0 or -1. */
int store_ssm_labels(const struct ssm_scope *sc, const char *name, int64_t version,
                     cJSON *into, int64_t *n);
/* Counts the labels of one version. Returns 0 or -1. */
int store_ssm_label_count(const struct ssm_scope *sc, const char *name, int64_t version,
                          int64_t *n);

/* Tags of one resource (an ARN). */
int store_ssm_tag_put(const struct ssm_scope *sc, const char *resource, const char *key,
                      const char *value);
int store_ssm_tag_delete(const struct ssm_scope *sc, const char *resource, const char *key);
/* Reads one tag value into *value (caller frees). Returns 0, 1 or -1. */
int store_ssm_tag_get(const struct ssm_scope *sc, const char *resource, const char *key,
                      char **value);
int store_ssm_tag_count(const struct ssm_scope *sc, const char *resource, int64_t *n);
/* Appends {"Key","Value"} objects, sorted by key, to the cJSON array `into`. 0 or -1. */
int store_ssm_tags(const struct ssm_scope *sc, const char *resource, cJSON *into);

#endif
