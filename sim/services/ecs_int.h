/*
 * ecs_int.h - private to sim/services/ecs.c, ecs_services.c and ecs_tasks.c.
 *
 * ecs.c holds the op table, the shared vocabulary (ARNs, references, tokens, errors) and the
 * cluster, task definition and tag operations; ecs_services.c the service operations;
 * ecs_tasks.c the task operations. The handlers of the other two files are declared here so
 * the op table can name them.
 */
#ifndef DRILLSIM_ECS_INT_H
#define DRILLSIM_ECS_INT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "engine/ecs.h"
#include "store/ecs.h"

struct call;

/* AWS's texts (sources in ecs.c's header). */
#define ECS_MSG_CLUSTER_NOT_FOUND "Cluster not found."
#define ECS_MSG_CLUSTER_INACTIVE "The referenced cluster was inactive."
#define ECS_MSG_SERVICE_NOT_FOUND "Service not found."
#define ECS_MSG_SERVICE_NOT_ACTIVE "Service was not ACTIVE."
#define ECS_MSG_TASKDEF_NOT_FOUND "TaskDefinition not found."
#define ECS_MSG_TASKDEF_UNDESCRIBABLE "Unable to describe task definition."
#define ECS_MSG_TASK_NOT_FOUND "The referenced task was not found."
#define ECS_MSG_NO_INSTANCES "No Container Instances were found in your cluster."
#define ECS_MSG_BAD_TOKEN "The nextToken is not valid."
#define ECS_MSG_BAD_ARN "The ARN provided is invalid."

/* The call's store scope and engine context. */
struct ecs_scope ecs_scope_of(const struct call *c);
struct ecs_ctx ecs_ctx_of(struct call *c);
/* Records the answer to a failed store call: ECS's modeled ServerException. */
int ecs_store_failed(struct call *c);
/* Epoch seconds of a sim instant, for the neutral document. */
double ecs_time(int64_t ms);

/* ARNs in the long format; each returns a new string (caller frees). */
char *ecs_cluster_arn(const struct call *c, const char *cluster);
char *ecs_service_arn(const struct call *c, const char *cluster, const char *name);
char *ecs_task_arn(const struct call *c, const char *cluster, const char *id);
char *ecs_taskdef_arn(const struct call *c, const char *family, int64_t revision);

/* Returns 1 if s is 1 to 255 letters, digits, hyphens and underscores. */
int ecs_name_ok(const char *s);

/*
 * Resolves a cluster reference (a name or a cluster ARN of this account and region; NULL =
 * "default") to the name of an ACTIVE cluster in out. Returns SIM_OK, or SIM_ERROR with
 * ClusterNotFoundException (or InvalidParameterException for a malformed name) set.
 */
int ecs_resolve_cluster(struct call *c, const char *ref, char out[ECS_NAME_MAX]);
/*
 * Splits a service reference (a name, or an ARN "…:service/NAME" or "…:service/CLUSTER/NAME")
 * into its name; an ARN of another account, region or cluster gives 1. Returns 0 or 1.
 */
int ecs_service_ref(const struct call *c, const char *cluster, const char *ref,
                    char out[ECS_NAME_MAX]);
/* Likewise for a task reference (an id or "…:task/ID" / "…:task/CLUSTER/ID"). */
int ecs_task_ref(const struct call *c, const char *cluster, const char *ref,
                 char out[ECS_ID_MAX]);
/*
 * Parses a task definition reference ("family", "family:revision" or its ARN): returns 0 and
 * the family and revision (0 = none given), or -1 after setting InvalidParameterException /
 * ClientException on c.
 */
int ecs_taskdef_ref(struct call *c, const char *ref, char family[ECS_NAME_MAX],
                    int64_t *revision);
/*
 * Resolves a task definition reference to a stored definition (the latest ACTIVE revision
 * when none is given); *out must be empty and is cleared by the caller. missing_code and
 * missing_msg are the error to answer when there is no such definition. Returns SIM_OK or
 * SIM_ERROR.
 */
int ecs_taskdef_find(struct call *c, const char *ref, struct ecs_taskdef *out,
                     const char *missing_code, const char *missing_msg);
/* Returns a new object: the stored definition with its status (and deregisteredAt). */
cJSON *ecs_taskdef_json(const struct ecs_taskdef *d);
/* Returns 1 if the definition's compatibilities include launch_type. */
int ecs_taskdef_supports(const cJSON *body, const char *launch_type);

/*
 * Checks a networkConfiguration for launch_type and the task definition's network mode:
 * awsvpc needs subnets (1 to 16, each an existing subnet of one VPC) and takes at most 5
 * security groups (existing; the VPC's default group when none is given). On success returns
 * SIM_OK and *out = a new normalized copy (assignPublicIp filled in), or NULL when the task
 * definition does not use awsvpc; else SIM_ERROR with AWS's InvalidParameterException set.
 */
int ecs_check_network(struct call *c, const cJSON *net, const cJSON *taskdef, cJSON **out);

/* Tag list checks (at most 50, no aws: prefix) and writes, for any operation that takes a
 * `tags` member. Return SIM_OK or SIM_ERROR. */
int ecs_check_tags(struct call *c, const cJSON *tags);
int ecs_put_tags(struct call *c, const char *arn, const cJSON *tags);
/* Adds "tags": [...] of arn to obj. Returns 0 or -1. */
int ecs_add_tags(struct call *c, cJSON *obj, const char *arn);
/* Returns 1 if the `include` list of the input holds word. */
int ecs_includes(const struct call *c, const char *word);

/* Pagination: an opaque token carrying key (new string), and its reverse (0 and a new copy
 * of the key, or -1 for a token this operation did not make). */
char *ecs_token_make(const char *op, const char *key);
int ecs_token_read(const char *op, const char *token, char **key);
/* Reads maxResults of the input (dflt when absent) and checks 1 <= n <= max. Returns SIM_OK
 * or SIM_ERROR. */
int ecs_max_results(struct call *c, int dflt, int max, int *out);

/* The service JSON (ecs_services.c) and the task JSON (ecs_tasks.c). Return new objects, or
 * NULL on a store error. */
cJSON *ecs_service_json(struct call *c, const struct ecs_service *s, int with_tags);
cJSON *ecs_task_json(struct call *c, const struct ecs_task *t, int with_tags);

/* Handlers of ecs_services.c. */
int ecs_CreateService(struct call *c);
int ecs_DescribeServices(struct call *c);
int ecs_ListServices(struct call *c);
int ecs_UpdateService(struct call *c);
int ecs_DeleteService(struct call *c);
/* Handlers of ecs_tasks.c. */
int ecs_RunTask(struct call *c);
int ecs_ListTasks(struct call *c);
int ecs_DescribeTasks(struct call *c);
int ecs_StopTask(struct call *c);

#endif
