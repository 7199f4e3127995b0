/*
 * tags.h - the generic tag table every service's resources share: rows (account, region,
 * service, resource, key, value), one per tag, listed in key order.
 *
 * The services' stores (alarms.c, sns.c, ecs.c, logs.c, rds.c, secrets.c, autoscaling.c,
 * ssm.c) keep their own tag functions, named in their vocabulary, as calls into these; the
 * rules of tagging (limits, reserved prefixes, error texts) stay in the service handlers.
 * Writes run inside the caller's transaction.
 */
#ifndef DRILLSIM_STORE_TAGS_H
#define DRILLSIM_STORE_TAGS_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

struct tag_scope {
    struct store *st;
    const char *account;
    const char *region;
    const char *service; /* the service column: "cloudwatch", "sns", "ecs", ... */
};

/* Sets key = value on resource (replacing a value). Returns 0 or -1. */
int store_tag_set(const struct tag_scope *t, const char *resource, const char *key,
                  const char *value);
/* Removes key from resource (nothing when it has none). Returns 0 or -1. */
int store_tag_remove(const struct tag_scope *t, const char *resource, const char *key);
/* Sets *n to the number of tags of resource. Returns 0 or -1. */
int store_tag_count(const struct tag_scope *t, const char *resource, int64_t *n);
/* Reads the value of key on resource into *value (caller frees). Returns 0, 1 when there is
 * no such tag, or -1. */
int store_tag_get(const struct tag_scope *t, const char *resource, const char *key,
                  char **value);
/* Appends the tags of resource in key order to into: objects {kname: key, vname: value} when
 * kname is not NULL (into is an array), else members key: value (into is an object).
 * Returns 0 or -1. */
int store_tags_append(const struct tag_scope *t, const char *resource, cJSON *into,
                      const char *kname, const char *vname);

#endif
