/*
 * ecs.h - the ECS tables: clusters, task definitions, services, deployments, tasks, events.
 *
 * Tables (sim/store/schema.c, migration 3), every row scoped by (account, region):
 *   ecs_clusters     one row per cluster name: status ACTIVE | INACTIVE (kept after
 *                    DeleteCluster so DescribeClusters still answers), settings (JSON text);
 *   ecs_task_defs    one row per (family, revision): status ACTIVE | INACTIVE, body = the
 *                    registered definition as RegisterTaskDefinition answers it, without the
 *                    members that change (status, deregisteredAt);
 *   ecs_services     one row per (cluster, name): the service's settings and the scheduler's
 *                    bookkeeping: steady (the service is in a steady state), steady_ms (when
 *                    it last said so), place_event_ms (when it last said it could not place a
 *                    task), event_seq (its last event's number) and sched_ms, the sim time at
 *                    which the service scheduler must look at it next (NULL = never; indexed,
 *                    so the engine tick finds due services without a scan);
 *   ecs_deployments  one row per deployment (id "ecs-svc/<19 digits>"), seq orders a
 *                    service's deployments (higher = newer); status PRIMARY | ACTIVE |
 *                    INACTIVE, rollout IN_PROGRESS | COMPLETED;
 *   ecs_tasks        one row per task (id = 32 hex digits): lifecycle status, the instants of
 *                    every transition, and next_ms, the sim time of its next transition (or of
 *                    its removal once STOPPED; NULL = none; indexed for the tick);
 *   ecs_events       a service's events, seq increasing; the newest 100 are kept;
 *   tags             the generic tag table; ECS rows have service 'ecs' and the ARN.
 * The functions only read and write rows; the rules live in sim/services/ecs*.c and
 * sim/engine/ecs.c. Writes run inside the caller's transaction.
 *
 * Conventions: 0 = done / found, 1 = not found, -1 = SQLite error. Optional instants are -1
 * when unset (SQL NULL). Lists come back in a stated, total order, so that a manual-clock
 * run is reproducible to the byte.
 */
#ifndef DRILLSIM_STORE_ECS_H
#define DRILLSIM_STORE_ECS_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

#define ECS_NAME_MAX 256 /* names are at most 255 characters */
#define ECS_ARN_MAX 400
#define ECS_ID_MAX 40
#define ECS_EVENTS_KEPT 100

/* The scope every call works in. */
struct ecs_scope {
    struct store *st;
    const char *account;
    const char *region;
};

struct ecs_cluster {
    char name[ECS_NAME_MAX];
    char status[16];
    char settings[256]; /* JSON array text */
    int64_t created_ms;
};

/* body is owned (store_ecs_taskdef_clear). */
struct ecs_taskdef {
    char family[ECS_NAME_MAX];
    int64_t revision;
    char status[24];
    char *body;
    int64_t registered_ms;
    int64_t deregistered_ms; /* -1 = still ACTIVE */
};

/* network and config are owned JSON texts (store_ecs_service_clear); network may be NULL. */
struct ecs_service {
    char cluster[ECS_NAME_MAX];
    char name[ECS_NAME_MAX];
    char status[16]; /* ACTIVE | DRAINING | INACTIVE */
    int desired;
    char launch_type[16];
    char task_def[ECS_ARN_MAX];
    int min_healthy;
    int max_percent;
    char *network; /* the networkConfiguration object, or NULL */
    char *config;  /* the other settings (platformVersion, propagateTags, ...) */
    int64_t created_ms;
    int steady;
    int64_t steady_ms;
    int64_t place_event_ms;
    int64_t event_seq;
    int64_t sched_ms; /* -1 = NULL */
};

/* network is owned (store_ecs_deployment_clear). */
struct ecs_deployment {
    char id[ECS_ID_MAX];
    char cluster[ECS_NAME_MAX];
    char service[ECS_NAME_MAX];
    int64_t seq;
    char status[16];
    char task_def[ECS_ARN_MAX];
    int desired;
    char launch_type[16];
    char *network;
    char rollout[16];
    int64_t created_ms;
    int64_t updated_ms;
};

/* containers, overrides and stopped_reason are owned (store_ecs_task_clear). Empty service
 * and deployment mean a standalone task (RunTask). */
struct ecs_task {
    char id[ECS_ID_MAX];
    char cluster[ECS_NAME_MAX];
    char task_def[ECS_ARN_MAX];
    char service[ECS_NAME_MAX];
    char deployment[ECS_ID_MAX];
    char started_by[ECS_NAME_MAX];
    char group[ECS_NAME_MAX + 16];
    char launch_type[16];
    char last_status[20];
    char desired_status[20];
    char cpu[16];
    char memory[16];
    char az[32];
    char subnet[40];
    char eni[40];
    char mac[24];
    char ip[24];
    char attachment[ECS_ID_MAX];
    char *containers; /* JSON array text: [{name, image, containerArn, runtimeId, ...}] */
    char *overrides;  /* JSON object text, or NULL */
    int64_t created_ms;
    int64_t connectivity_ms;
    int64_t pull_started_ms;
    int64_t pull_stopped_ms;
    int64_t started_ms;
    int64_t stopping_ms;
    int64_t exec_stopped_ms;
    int64_t stopped_ms;
    char stop_code[40];
    char *stopped_reason;
    int64_t version;
    int64_t next_ms; /* -1 = NULL */
};

/* Task counts of one deployment (or a whole service). */
struct ecs_counts {
    int running; /* lastStatus RUNNING and desiredStatus RUNNING */
    int pending; /* PROVISIONING, PENDING or ACTIVATING and desiredStatus RUNNING */
    int stopping; /* desiredStatus STOPPED and not yet STOPPED */
};

void store_ecs_taskdef_clear(struct ecs_taskdef *d);
void store_ecs_service_clear(struct ecs_service *s);
void store_ecs_deployment_clear(struct ecs_deployment *d);
void store_ecs_task_clear(struct ecs_task *t);

/* ---- clusters ---- */
int store_ecs_cluster_get(const struct ecs_scope *sc, const char *name, struct ecs_cluster *out);
/* Inserts or replaces the cluster row. */
int store_ecs_cluster_put(const struct ecs_scope *sc, const struct ecs_cluster *c);
/* Calls fn for every ACTIVE cluster whose name is greater than after (NULL = from the start),
 * in byte order of the name, at most limit of them. fn returns 0 to go on, 1 to stop, -1 to
 * fail. Returns 0 or -1. */
typedef int (*store_ecs_name_fn)(void *ctx, const char *name);
int store_ecs_cluster_each(const struct ecs_scope *sc, const char *after, int limit,
                           store_ecs_name_fn fn, void *ctx);
/* Counts a cluster's ACTIVE and DRAINING services, and its tasks by state (running: lastStatus
 * RUNNING; pending: PROVISIONING, PENDING, ACTIVATING; both with desiredStatus RUNNING), per
 * launch type when launch_type is not NULL. Returns 0 or -1. */
int store_ecs_cluster_counts(const struct ecs_scope *sc, const char *cluster,
                             const char *launch_type, int *services, int *draining,
                             int *running, int *pending);
/* Counts a cluster's tasks that are not STOPPED. Returns 0 or -1. */
int store_ecs_cluster_live_tasks(const struct ecs_scope *sc, const char *cluster, int *n);

/* ---- task definitions ---- */
/* Returns the highest revision ever registered for family (0 if none) in *rev. */
int store_ecs_taskdef_last_revision(const struct ecs_scope *sc, const char *family,
                                    int64_t *rev);
/* Reads (family, revision); revision 0 = the latest ACTIVE revision. out must be empty. */
int store_ecs_taskdef_get(const struct ecs_scope *sc, const char *family, int64_t revision,
                          struct ecs_taskdef *out);
int store_ecs_taskdef_insert(const struct ecs_scope *sc, const struct ecs_taskdef *d);
int store_ecs_taskdef_set_status(const struct ecs_scope *sc, const char *family,
                                 int64_t revision, const char *status, int64_t when_ms);
/* Calls fn(ctx, family, revision) for the revisions with the given status of family (NULL =
 * any), ordered by (family, revision) ascending or descending (desc), after the key
 * (after_family, after_rev) (after_family NULL = from the start), at most limit. */
typedef int (*store_ecs_taskdef_fn)(void *ctx, const char *family, int64_t revision);
int store_ecs_taskdef_each(const struct ecs_scope *sc, const char *family, const char *status,
                           int desc, const char *after_family, int64_t after_rev, int limit,
                           store_ecs_taskdef_fn fn, void *ctx);
/* Calls fn for each family beginning with prefix, by name after `after`: status "ACTIVE"
 * = families with an ACTIVE revision, "INACTIVE" = families without one, "ALL" = all. */
int store_ecs_family_each(const struct ecs_scope *sc, const char *prefix, const char *status,
                          const char *after, int limit, store_ecs_name_fn fn, void *ctx);

/* ---- services ---- */
int store_ecs_service_get(const struct ecs_scope *sc, const char *cluster, const char *name,
                          struct ecs_service *out);
/* Inserts or replaces the service row. */
int store_ecs_service_put(const struct ecs_scope *sc, const struct ecs_service *s);
/* Makes the scheduler look at the service at `when` (or earlier, if already due earlier). */
int store_ecs_service_wake(const struct ecs_scope *sc, const char *cluster, const char *name,
                           int64_t when);
/* Calls fn for the ACTIVE and DRAINING services of cluster whose name is greater than after,
 * optionally of one launch type, by name, at most limit. */
int store_ecs_service_each(const struct ecs_scope *sc, const char *cluster,
                           const char *launch_type, const char *after, int limit,
                           store_ecs_name_fn fn, void *ctx);
/* Forgets the deployments and events of a service (before its name is used again). */
int store_ecs_service_purge(const struct ecs_scope *sc, const char *cluster, const char *name);
/* Due services of an account (any region): fn(ctx, region, cluster, name) for each service
 * with sched_ms <= now_ms, ordered by (sched_ms, region, cluster, name), at most limit.
 * The rows are read before fn runs, so fn may rewrite them. Returns 0 or -1. */
typedef int (*store_ecs_due_service_fn)(void *ctx, const char *region, const char *cluster,
                                        const char *name);
int store_ecs_service_due(struct store *st, const char *account, int64_t now_ms, int limit,
                          store_ecs_due_service_fn fn, void *ctx);

/* ---- deployments ---- */
int store_ecs_deployment_put(const struct ecs_scope *sc, const struct ecs_deployment *d);
int store_ecs_deployment_get(const struct ecs_scope *sc, const char *id,
                             struct ecs_deployment *out);
/* Reads a service's deployments that are not INACTIVE, newest first, into out[] (at most
 * max; each must be cleared by the caller). Returns the number read, or -1. */
int store_ecs_deployment_list(const struct ecs_scope *sc, const char *cluster,
                              const char *service, struct ecs_deployment *out, int max);
/* The next deployment sequence number of a service. */
int store_ecs_deployment_next_seq(const struct ecs_scope *sc, const char *cluster,
                                  const char *service, int64_t *seq);
/* Sets a deployment's updatedAt (a task of it changed state). */
int store_ecs_deployment_touch(const struct ecs_scope *sc, const char *id, int64_t ms);
/* Counts the tasks of one deployment. */
int store_ecs_deployment_counts(const struct ecs_scope *sc, const char *id,
                                struct ecs_counts *out);

/* ---- tasks ---- */
int store_ecs_task_get(const struct ecs_scope *sc, const char *id, struct ecs_task *out);
/* Inserts or replaces the task row. */
int store_ecs_task_put(const struct ecs_scope *sc, const struct ecs_task *t);
int store_ecs_task_delete(const struct ecs_scope *sc, const char *id);
/* Filters of store_ecs_task_each; NULL members do not filter. */
struct ecs_task_filter {
    const char *cluster; /* required */
    const char *service;
    const char *deployment;
    const char *task_def_prefix; /* "arn:...:task-definition/FAMILY:" */
    const char *started_by;
    const char *desired_status;
    const char *launch_type;
    int not_stopped; /* only tasks whose lastStatus is not STOPPED */
};
/* Calls fn(ctx, id) for the matching tasks with id greater than after, by id, at most
 * limit. */
int store_ecs_task_each(const struct ecs_scope *sc, const struct ecs_task_filter *f,
                        const char *after, int limit, store_ecs_name_fn fn, void *ctx);
/* What the service scheduler needs to know of a task. */
struct ecs_task_brief {
    char id[ECS_ID_MAX];
    char deployment[ECS_ID_MAX];
    char az[32];
    char last_status[20];
    char desired_status[20];
    int64_t created_ms;
};
/* Calls fn for every task of a service that is not STOPPED, ordered by (created_ms, id).
 * fn returns 0 to go on, 1 to stop, -1 to fail. Returns 0 or -1. */
typedef int (*store_ecs_brief_fn)(void *ctx, const struct ecs_task_brief *b);
int store_ecs_service_tasks(const struct ecs_scope *sc, const char *cluster,
                            const char *service, store_ecs_brief_fn fn, void *ctx);
/* Due tasks of an account (any region): fn(ctx, region, id) for next_ms <= now_ms, ordered by
 * (next_ms, region, id), at most limit. Returns the number of tasks passed to fn, or -1. */
typedef int (*store_ecs_due_task_fn)(void *ctx, const char *region, const char *id);
int store_ecs_task_due(struct store *st, const char *account, int64_t now_ms, int limit,
                       store_ecs_due_task_fn fn, void *ctx);

/* ---- events ---- */
/* Appends an event (seq = the service's event_seq, which the caller has advanced) and drops
 * the service's events beyond the newest ECS_EVENTS_KEPT. */
int store_ecs_event_add(const struct ecs_scope *sc, const char *cluster, const char *service,
                        int64_t seq, const char *id, int64_t created_ms, const char *message);
/* Appends a service's events, newest first, to the array into as {id, createdAt, message}. */
int store_ecs_events(const struct ecs_scope *sc, const char *cluster, const char *service,
                     cJSON *into);

/* ---- tags (the generic table, service 'ecs') ---- */
int store_ecs_tag_set(const struct ecs_scope *sc, const char *arn, const char *key,
                      const char *value);
int store_ecs_tag_remove(const struct ecs_scope *sc, const char *arn, const char *key);
int store_ecs_tag_count(const struct ecs_scope *sc, const char *arn, int *n);
/* Appends [{key, value}] in key order to the array into. */
int store_ecs_tags(const struct ecs_scope *sc, const char *arn, cJSON *into);

#endif
