/*
 * ecs_services.c - the ECS service operations: CreateService, DescribeServices,
 * ListServices, UpdateService, DeleteService (see ecs.c for the whole service).
 *
 * A handler records the service's settings and deployments and wakes the service scheduler
 * (sim/engine/ecs.c), which starts and stops the tasks at the following ticks; nothing here
 * starts a task itself. UpdateService makes a new deployment (the old ones become ACTIVE with
 * a desired count of 0, and are drained by the scheduler) when forceNewDeployment is set or
 * the task definition, network configuration or platform version changes; a new desired
 * count alone changes the PRIMARY deployment's. DeleteService makes the service DRAINING
 * (desiredCount 0); it becomes INACTIVE once its last task has stopped, and its name can then
 * be used again. CreateService repeated with the same input (tags aside) answers the existing
 * service; with other input it fails as "not idempotent".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/ecs_int.h"
#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "util/xmalloc.h"

#define MAX_DEPLOYMENTS 32
#define MAX_DESCRIBE 10

#define MSG_BOTH_LAUNCH                                                                        \
    "Specifying both a launch type and capacity provider strategy is not supported. Remove "  \
    "one and try again."
#define MSG_NO_CAPACITY_PROVIDERS                                                              \
    "drillsim does not simulate capacity providers: give a launchType (FARGATE or EC2)."

/* The config JSON keeps the settings that have no behaviour of their own, as given. */
static const char *const config_members[] = {
    "loadBalancers",    "serviceRegistries",    "placementConstraints", "placementStrategy",
    "platformVersion",  "enableECSManagedTags", "propagateTags",        "enableExecuteCommand",
    "healthCheckGracePeriodSeconds",
};

/* ---- the service object ----------------------------------------------------------------- */

static cJSON *config_item(const cJSON *config, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(config, name);
}

/* Adds obj[name] = a copy of config[name], or dflt (owned) when absent. */
static void add_config(cJSON *obj, const cJSON *config, const char *name, cJSON *dflt)
{
    const cJSON *v = config_item(config, name);
    if (v) {
        cJSON_AddItemToObject(obj, name, cJSON_Duplicate(v, 1));
        cJSON_Delete(dflt);
    } else if (dflt) {
        cJSON_AddItemToObject(obj, name, dflt);
    }
}

/* Returns the deployment object and adds its counts to *running / *pending. */
static cJSON *deployment_json(struct call *c, const struct ecs_deployment *d, int *running,
                              int *pending)
{
    struct ecs_scope sc = ecs_scope_of(c);
    struct ecs_counts n = {0};
    if (store_ecs_deployment_counts(&sc, d->id, &n) != 0)
        return NULL;
    *running += n.running;
    *pending += n.pending;
    int fargate = strcmp(d->launch_type, "FARGATE") == 0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", d->id);
    cJSON_AddStringToObject(o, "status", d->status);
    cJSON_AddStringToObject(o, "taskDefinition", d->task_def);
    cJSON_AddNumberToObject(o, "desiredCount", d->desired);
    cJSON_AddNumberToObject(o, "pendingCount", n.pending);
    cJSON_AddNumberToObject(o, "runningCount", n.running);
    cJSON_AddNumberToObject(o, "failedTasks", 0);
    cJSON_AddNumberToObject(o, "createdAt", ecs_time(d->created_ms));
    cJSON_AddNumberToObject(o, "updatedAt", ecs_time(d->updated_ms));
    cJSON_AddStringToObject(o, "launchType", d->launch_type);
    if (fargate) {
        cJSON_AddStringToObject(o, "platformVersion", "1.4.0");
        cJSON_AddStringToObject(o, "platformFamily", "Linux");
    }
    cJSON *net = d->network ? cJSON_Parse(d->network) : NULL;
    if (net)
        cJSON_AddItemToObject(o, "networkConfiguration", net);
    cJSON_AddStringToObject(o, "rolloutState", d->rollout);
    char *why = xasprintf("ECS deployment %s %s.", d->id,
                          strcmp(d->rollout, "COMPLETED") == 0 ? "completed" : "in progress");
    cJSON_AddStringToObject(o, "rolloutStateReason", why);
    free(why);
    return o;
}

cJSON *ecs_service_json(struct call *c, const struct ecs_service *s, int with_tags)
{
    struct ecs_scope sc = ecs_scope_of(c);
    cJSON *config = cJSON_Parse(s->config ? s->config : "{}");
    cJSON *o = cJSON_CreateObject();
    char *arn = ecs_service_arn(c, s->cluster, s->name);
    char *carn = ecs_cluster_arn(c, s->cluster);
    int fargate = strcmp(s->launch_type, "FARGATE") == 0;
    cJSON_AddStringToObject(o, "serviceArn", arn);
    cJSON_AddStringToObject(o, "serviceName", s->name);
    cJSON_AddStringToObject(o, "clusterArn", carn);
    add_config(o, config, "loadBalancers", cJSON_CreateArray());
    add_config(o, config, "serviceRegistries", cJSON_CreateArray());
    cJSON_AddStringToObject(o, "status", s->status);
    cJSON_AddNumberToObject(o, "desiredCount", s->desired);
    cJSON *running = cJSON_AddNumberToObject(o, "runningCount", 0);
    cJSON *pending = cJSON_AddNumberToObject(o, "pendingCount", 0);
    cJSON_AddStringToObject(o, "launchType", s->launch_type);
    if (fargate) {
        add_config(o, config, "platformVersion", cJSON_CreateString("LATEST"));
        cJSON_AddStringToObject(o, "platformFamily", "Linux");
    }
    cJSON_AddStringToObject(o, "taskDefinition", s->task_def);
    cJSON *dc = cJSON_AddObjectToObject(o, "deploymentConfiguration");
    add_config(dc, config, "deploymentCircuitBreaker", NULL);
    cJSON_AddNumberToObject(dc, "maximumPercent", s->max_percent);
    cJSON_AddNumberToObject(dc, "minimumHealthyPercent", s->min_healthy);
    cJSON *deps = cJSON_AddArrayToObject(o, "deployments");
    struct ecs_deployment d[MAX_DEPLOYMENTS];
    int n = store_ecs_deployment_list(&sc, s->cluster, s->name, d, MAX_DEPLOYMENTS);
    int run = 0, pend = 0, failed = n < 0;
    for (int i = 0; i < n; i++) {
        cJSON *dj = failed ? NULL : deployment_json(c, &d[i], &run, &pend);
        if (dj)
            cJSON_AddItemToArray(deps, dj);
        else
            failed = 1;
        store_ecs_deployment_clear(&d[i]);
    }
    cJSON_SetNumberValue(running, run);
    cJSON_SetNumberValue(pending, pend);
    char *role = xasprintf("arn:aws:iam::%s:role/aws-service-role/ecs.amazonaws.com/"
                           "AWSServiceRoleForECS",
                           c->tenant.account);
    cJSON_AddStringToObject(o, "roleArn", role);
    free(role);
    cJSON *events = cJSON_AddArrayToObject(o, "events");
    if (store_ecs_events(&sc, s->cluster, s->name, events) != 0)
        failed = 1;
    cJSON_AddNumberToObject(o, "createdAt", ecs_time(s->created_ms));
    add_config(o, config, "placementConstraints", cJSON_CreateArray());
    add_config(o, config, "placementStrategy", cJSON_CreateArray());
    cJSON *net = s->network ? cJSON_Parse(s->network) : NULL;
    if (net)
        cJSON_AddItemToObject(o, "networkConfiguration", net);
    const cJSON *lbs = config_item(config, "loadBalancers");
    add_config(o, config, "healthCheckGracePeriodSeconds",
               cJSON_GetArraySize(lbs) > 0 ? cJSON_CreateNumber(0) : NULL);
    cJSON_AddStringToObject(o, "schedulingStrategy", "REPLICA");
    cJSON *ctl = cJSON_AddObjectToObject(o, "deploymentController");
    cJSON_AddStringToObject(ctl, "type", "ECS");
    if (with_tags && ecs_add_tags(c, o, arn) != 0)
        failed = 1;
    char *by = xasprintf("arn:aws:iam::%s:root", c->tenant.account);
    cJSON_AddStringToObject(o, "createdBy", by);
    free(by);
    add_config(o, config, "enableECSManagedTags", cJSON_CreateFalse());
    add_config(o, config, "propagateTags", cJSON_CreateString("NONE"));
    add_config(o, config, "enableExecuteCommand", cJSON_CreateFalse());
    free(arn);
    free(carn);
    cJSON_Delete(config);
    if (failed) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Puts {"service": ...} into c->out. Returns SIM_OK or SIM_ERROR. */
static int reply_service(struct call *c, const struct ecs_service *s)
{
    cJSON *o = ecs_service_json(c, s, cJSON_GetArraySize(param(c->in, "tags")) > 0);
    if (o == NULL)
        return ecs_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "service", o);
    return SIM_OK;
}

/* ---- shared checks ---------------------------------------------------------------------- */

/* Checks desiredCount when present. */
static int check_desired(struct call *c, int *out)
{
    const cJSON *d = param(c->in, "desiredCount");
    if (d == NULL)
        return SIM_OK;
    /* (drillsim's texts; 5000 is the tasks-per-service quota) */
    if (d->valuedouble < 0)
        return call_error(c, "InvalidParameterException",
                          "Desired count must be greater than or equal to 0.");
    if (d->valuedouble > 5000)
        return call_error(c, "InvalidParameterException",
                          "Desired count must be less than or equal to 5000.");
    *out = (int)d->valuedouble;
    return SIM_OK;
}

/* Applies deploymentConfiguration (when present) to *min / *max and the circuit breaker in
 * config. */
static int apply_deployment_config(struct call *c, int *min, int *max, cJSON *config)
{
    const cJSON *dc = param(c->in, "deploymentConfiguration");
    if (dc == NULL)
        return SIM_OK;
    const cJSON *mn = param(dc, "minimumHealthyPercent");
    const cJSON *mx = param(dc, "maximumPercent");
    /* (drillsim's texts) */
    if (mn && (mn->valuedouble < 0 || mn->valuedouble > 100))
        return call_error(c, "InvalidParameterException",
                          "minimumHealthyPercent must be between 0 and 100.");
    if (mx && (mx->valuedouble < 100 || mx->valuedouble > 2000))
        return call_error(c, "InvalidParameterException",
                          "maximumPercent must be between 100 and 2000.");
    if (mn)
        *min = (int)mn->valuedouble;
    if (mx)
        *max = (int)mx->valuedouble;
    const cJSON *cb = param(dc, "deploymentCircuitBreaker");
    if (cb) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "enable", param_bool(cb, "enable", 0));
        cJSON_AddBoolToObject(o, "rollback", param_bool(cb, "rollback", 0));
        cJSON_DeleteItemFromObjectCaseSensitive(config, "deploymentCircuitBreaker");
        cJSON_AddItemToObject(config, "deploymentCircuitBreaker", o);
    }
    return SIM_OK;
}

/*
 * Resolves the input's taskDefinition for launch_type: an ACTIVE definition that supports
 * the launch type. Returns SIM_OK with *td filled (caller clears) and *body parsed (caller
 * deletes), or SIM_ERROR.
 */
static int resolve_taskdef(struct call *c, const char *launch_type, struct ecs_taskdef *td,
                           cJSON **body)
{
    *body = NULL;
    if (ecs_taskdef_find(c, param_str(c->in, "taskDefinition"), td, "ClientException",
                         ECS_MSG_TASKDEF_NOT_FOUND) != SIM_OK)
        return SIM_ERROR;
    if (strcmp(td->status, "ACTIVE") != 0)
        return call_error(c, "InvalidParameterException", "TaskDefinition is inactive");
    *body = cJSON_Parse(td->body);
    if (*body == NULL)
        return ecs_store_failed(c);
    if (!ecs_taskdef_supports(*body, launch_type)) {
        cJSON_Delete(*body);
        *body = NULL;
        return call_error(c, "InvalidParameterException",
                          "Task definition does not support launch_type %s.", launch_type);
    }
    return SIM_OK;
}

/* Reads a service named by the input's `service` in cluster; answers
 * ServiceNotFoundException when there is none. Returns SIM_OK or SIM_ERROR. */
static int find_service(struct call *c, const char *cluster, struct ecs_service *s)
{
    char name[ECS_NAME_MAX];
    const char *ref = param_str(c->in, "service");
    if (ref == NULL || ecs_service_ref(c, cluster, ref, name) != 0)
        return call_error(c, "ServiceNotFoundException", ECS_MSG_SERVICE_NOT_FOUND);
    struct ecs_scope sc = ecs_scope_of(c);
    int rc = store_ecs_service_get(&sc, cluster, name, s);
    if (rc < 0)
        return ecs_store_failed(c);
    if (rc > 0)
        return call_error(c, "ServiceNotFoundException", ECS_MSG_SERVICE_NOT_FOUND);
    return SIM_OK;
}

/* Stores a new PRIMARY deployment of s (its task definition, desired count, launch type and
 * network) and demotes the current ones to ACTIVE with a desired count of 0. */
static int new_deployment(struct call *c, const struct ecs_service *s)
{
    struct ecs_scope sc = ecs_scope_of(c);
    struct ecs_deployment old[MAX_DEPLOYMENTS];
    int n = store_ecs_deployment_list(&sc, s->cluster, s->name, old, MAX_DEPLOYMENTS);
    if (n < 0)
        return ecs_store_failed(c);
    int rc = SIM_OK;
    for (int i = 0; i < n; i++) {
        if (rc == SIM_OK && strcmp(old[i].status, "PRIMARY") == 0) {
            snprintf(old[i].status, sizeof old[i].status, "ACTIVE");
            old[i].desired = 0;
            old[i].updated_ms = c->now_ms;
            if (store_ecs_deployment_put(&sc, &old[i]) != 0)
                rc = ecs_store_failed(c);
        }
        store_ecs_deployment_clear(&old[i]);
    }
    if (rc != SIM_OK)
        return rc;
    struct ecs_deployment d = {0};
    ecs_deployment_id(&c->team->ids, d.id);
    snprintf(d.cluster, sizeof d.cluster, "%s", s->cluster);
    snprintf(d.service, sizeof d.service, "%s", s->name);
    if (store_ecs_deployment_next_seq(&sc, s->cluster, s->name, &d.seq) != 0)
        return ecs_store_failed(c);
    snprintf(d.status, sizeof d.status, "PRIMARY");
    snprintf(d.task_def, sizeof d.task_def, "%s", s->task_def);
    d.desired = s->desired;
    snprintf(d.launch_type, sizeof d.launch_type, "%s", s->launch_type);
    d.network = s->network; /* borrowed */
    snprintf(d.rollout, sizeof d.rollout, "IN_PROGRESS");
    d.created_ms = d.updated_ms = c->now_ms;
    return store_ecs_deployment_put(&sc, &d) == 0 ? SIM_OK : ecs_store_failed(c);
}

/* Sets the PRIMARY deployment's desired count. */
static int set_primary_desired(struct call *c, const struct ecs_service *s)
{
    struct ecs_scope sc = ecs_scope_of(c);
    struct ecs_deployment d[MAX_DEPLOYMENTS];
    int n = store_ecs_deployment_list(&sc, s->cluster, s->name, d, MAX_DEPLOYMENTS);
    if (n < 0)
        return ecs_store_failed(c);
    int rc = SIM_OK;
    for (int i = 0; i < n; i++) {
        if (rc == SIM_OK && strcmp(d[i].status, "PRIMARY") == 0 && d[i].desired != s->desired) {
            d[i].desired = s->desired;
            d[i].updated_ms = c->now_ms;
            if (store_ecs_deployment_put(&sc, &d[i]) != 0)
                rc = ecs_store_failed(c);
        }
        store_ecs_deployment_clear(&d[i]);
    }
    return rc;
}

/* Checks the launch type members: launchType (default EC2) and no capacity providers. */
static int launch_type_of(struct call *c, const char *current, char out[16])
{
    const char *lt = param_str(c->in, "launchType");
    int cps = cJSON_GetArraySize(param(c->in, "capacityProviderStrategy")) > 0;
    if (lt && cps)
        return call_error(c, "InvalidParameterException", MSG_BOTH_LAUNCH);
    if (cps)
        return call_error(c, "InvalidParameterException", MSG_NO_CAPACITY_PROVIDERS);
    if (lt && strcmp(lt, "FARGATE") != 0 && strcmp(lt, "EC2") != 0)
        return call_error(c, "InvalidParameterException",
                          "drillsim simulates the FARGATE and EC2 launch types only.");
    snprintf(out, 16, "%s", lt ? lt : current ? current : "EC2");
    return SIM_OK;
}

/* The config member that keeps the CreateService request, for its idempotency check. */
#define CREATE_REQUEST "_createRequest"

/* Returns the CreateService input as text without its tags and client token (caller
 * frees): two requests that print the same create the same service. */
static char *create_request_text(const struct call *c)
{
    cJSON *copy = cJSON_Duplicate(c->in, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "tags");
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "clientToken");
    char *text = cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    return text;
}

/* ---- operations ------------------------------------------------------------------------- */

int ecs_CreateService(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    const char *name = param_str(c->in, "serviceName");
    if (!ecs_name_ok(name))
        return call_error(c, "InvalidParameterException",
                          "Service name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was %s",
                          name); /* (drillsim's text, worded as AWS words cluster names) */
    const char *strategy = param_str(c->in, "schedulingStrategy");
    if (strategy && strcmp(strategy, "REPLICA") != 0)
        return call_error(c, "InvalidParameterException",
                          "drillsim simulates the REPLICA scheduling strategy only.");
    const cJSON *ctl = param(c->in, "deploymentController");
    if (ctl && param_str(ctl, "type") && strcmp(param_str(ctl, "type"), "ECS") != 0)
        return call_error(c, "InvalidParameterException",
                          "drillsim simulates the ECS deployment controller only.");
    int desired = 0;
    if (check_desired(c, &desired) != SIM_OK)
        return SIM_ERROR;
    char launch[16];
    if (launch_type_of(c, NULL, launch) != SIM_OK)
        return SIM_ERROR;
    const cJSON *tags = param(c->in, "tags");
    if (ecs_check_tags(c, tags) != SIM_OK)
        return SIM_ERROR;
    struct ecs_scope sc = ecs_scope_of(c);
    struct ecs_service s = {0};
    int rc = store_ecs_service_get(&sc, cluster, name, &s);
    if (rc < 0)
        return ecs_store_failed(c);
    int existed = rc == 0;
    if (existed && strcmp(s.status, "DRAINING") == 0) {
        store_ecs_service_clear(&s);
        return call_error(c, "InvalidParameterException",
                          "Unable to Start a service that is still Draining.");
    }
    if (existed && strcmp(s.status, "INACTIVE") != 0) {
        /* the same request again answers the service as it is now; another one fails */
        char *req = create_request_text(c);
        cJSON *cfg = cJSON_Parse(s.config ? s.config : "{}");
        const cJSON *prev = cJSON_GetObjectItemCaseSensitive(cfg, CREATE_REQUEST);
        int same = cJSON_IsString(prev) && strcmp(prev->valuestring, req) == 0;
        free(req);
        cJSON_Delete(cfg);
        rc = same ? reply_service(c, &s)
                  : call_error(c, "InvalidParameterException",
                               "Creation of service was not idempotent.");
        store_ecs_service_clear(&s);
        return rc;
    }
    store_ecs_service_clear(&s);
    struct ecs_taskdef td = {0};
    cJSON *body = NULL, *net = NULL, *config = cJSON_CreateObject();
    rc = SIM_ERROR;
    if (resolve_taskdef(c, launch, &td, &body) != SIM_OK)
        goto out;
    if (ecs_check_network(c, param(c->in, "networkConfiguration"), body, &net) != SIM_OK)
        goto out;
    s.min_healthy = 100;
    s.max_percent = 200;
    if (apply_deployment_config(c, &s.min_healthy, &s.max_percent, config) != SIM_OK)
        goto out;
    if (!cJSON_GetObjectItemCaseSensitive(config, "deploymentCircuitBreaker")) {
        cJSON *cb = cJSON_AddObjectToObject(config, "deploymentCircuitBreaker");
        cJSON_AddBoolToObject(cb, "enable", 0);
        cJSON_AddBoolToObject(cb, "rollback", 0);
    }
    for (size_t i = 0; i < sizeof config_members / sizeof config_members[0]; i++) {
        const cJSON *v = param(c->in, config_members[i]);
        if (v)
            cJSON_AddItemToObject(config, config_members[i], cJSON_Duplicate(v, 1));
    }
    snprintf(s.cluster, sizeof s.cluster, "%s", cluster);
    snprintf(s.name, sizeof s.name, "%s", name);
    snprintf(s.status, sizeof s.status, "ACTIVE");
    s.desired = desired;
    snprintf(s.launch_type, sizeof s.launch_type, "%s", launch);
    char *tdarn = ecs_taskdef_arn(c, td.family, td.revision);
    snprintf(s.task_def, sizeof s.task_def, "%s", tdarn);
    free(tdarn);
    s.network = net ? cJSON_PrintUnformatted(net) : NULL;
    char *req = create_request_text(c);
    cJSON_AddStringToObject(config, CREATE_REQUEST, req);
    free(req);
    s.config = cJSON_PrintUnformatted(config);
    s.created_ms = c->now_ms;
    s.sched_ms = c->now_ms;
    if (existed && store_ecs_service_purge(&sc, cluster, name) != 0) {
        rc = ecs_store_failed(c);
        goto out;
    }
    if (store_ecs_service_put(&sc, &s) != 0) {
        rc = ecs_store_failed(c);
        goto out;
    }
    if (new_deployment(c, &s) != SIM_OK)
        goto out;
    char *arn = ecs_service_arn(c, cluster, name);
    rc = ecs_put_tags(c, arn, tags);
    free(arn);
    if (rc == SIM_OK)
        rc = reply_service(c, &s);
out:
    store_ecs_taskdef_clear(&td);
    store_ecs_service_clear(&s);
    cJSON_Delete(body);
    cJSON_Delete(net);
    cJSON_Delete(config);
    return rc;
}

int ecs_DescribeServices(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    const cJSON *list = param(c->in, "services");
    int n = cJSON_GetArraySize(list);
    if (n == 0)
        return call_error(c, "InvalidParameterException", "Services cannot be empty.");
    if (n > MAX_DESCRIBE)
        return call_error(c, "InvalidParameterException",
                          "service names can have at most %d items.", MAX_DESCRIBE);
    int tags = ecs_includes(c, "TAGS");
    struct ecs_scope sc = ecs_scope_of(c);
    cJSON *services = cJSON_CreateArray(), *failures = cJSON_CreateArray();
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        const char *ref = cJSON_IsString(it) ? it->valuestring : "";
        char name[ECS_NAME_MAX];
        struct ecs_service s = {0};
        int rc = ecs_service_ref(c, cluster, ref, name) == 0 && ecs_name_ok(name)
                     ? store_ecs_service_get(&sc, cluster, name, &s)
                     : 1;
        cJSON *o = rc == 0 ? ecs_service_json(c, &s, tags) : NULL;
        if (rc == 0 && o == NULL)
            rc = -1;
        store_ecs_service_clear(&s);
        if (rc < 0) {
            cJSON_Delete(services);
            cJSON_Delete(failures);
            return ecs_store_failed(c);
        }
        if (rc > 0) {
            cJSON *f = cJSON_CreateObject();
            char *arn = strncmp(ref, "arn:", 4) == 0 ? xstrdup(ref)
                                                      : ecs_service_arn(c, cluster, ref);
            cJSON_AddStringToObject(f, "arn", arn);
            cJSON_AddStringToObject(f, "reason", "MISSING");
            free(arn);
            cJSON_AddItemToArray(failures, f);
            continue;
        }
        cJSON_AddItemToArray(services, o);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "services", services);
    cJSON_AddItemToObject(c->out, "failures", failures);
    return SIM_OK;
}

struct service_list {
    struct call *c;
    const char *cluster;
    cJSON *arr;
    int n;
    int limit;
    char last[ECS_NAME_MAX];
    int more;
};

static int add_service_arn(void *ctx, const char *name)
{
    struct service_list *l = ctx;
    if (l->n == l->limit) {
        l->more = 1;
        return 1;
    }
    char *arn = ecs_service_arn(l->c, l->cluster, name);
    cJSON_AddItemToArray(l->arr, cJSON_CreateString(arn));
    free(arn);
    snprintf(l->last, sizeof l->last, "%s", name);
    l->n++;
    return 0;
}

int ecs_ListServices(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    int limit = 0;
    if (ecs_max_results(c, 10, 100, &limit) != SIM_OK)
        return SIM_ERROR;
    char *after = NULL;
    const char *tok = param_str(c->in, "nextToken");
    if (tok && ecs_token_read("ListServices", tok, &after) != 0)
        return call_error(c, "InvalidParameterException", ECS_MSG_BAD_TOKEN);
    struct service_list l = {.c = c, .cluster = cluster, .arr = cJSON_CreateArray(),
                             .limit = limit};
    const char *strategy = param_str(c->in, "schedulingStrategy");
    int rc = 0;
    if (strategy == NULL || strcmp(strategy, "REPLICA") == 0) {
        struct ecs_scope sc = ecs_scope_of(c);
        rc = store_ecs_service_each(&sc, cluster, param_str(c->in, "launchType"), after,
                                    limit + 1, add_service_arn, &l);
    }
    free(after);
    if (rc != 0) {
        cJSON_Delete(l.arr);
        return ecs_store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "serviceArns", l.arr);
    if (l.more) {
        char *t = ecs_token_make("ListServices", l.last);
        cJSON_AddStringToObject(c->out, "nextToken", t);
        free(t);
    }
    return SIM_OK;
}

/* Returns 1 if the JSON texts a and b (either may be NULL) differ. */
static int json_differs(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a != b;
    return strcmp(a, b) != 0;
}

int ecs_UpdateService(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    struct ecs_service s = {0};
    struct ecs_taskdef td = {0};
    cJSON *body = NULL, *net = NULL, *config = NULL;
    int rc = SIM_ERROR;
    if (find_service(c, cluster, &s) != SIM_OK)
        goto out;
    if (strcmp(s.status, "ACTIVE") != 0) {
        call_error(c, "ServiceNotActiveException", ECS_MSG_SERVICE_NOT_ACTIVE);
        goto out;
    }
    int desired = s.desired;
    if (check_desired(c, &desired) != SIM_OK)
        goto out;
    char launch[16];
    if (launch_type_of(c, s.launch_type, launch) != SIM_OK)
        goto out;
    if (strcmp(launch, s.launch_type) != 0) {
        call_error(c, "InvalidParameterException",
                   "drillsim does not change the launch type of a service.");
        goto out;
    }
    config = cJSON_Parse(s.config ? s.config : "{}");
    if (config == NULL)
        config = cJSON_CreateObject();
    if (apply_deployment_config(c, &s.min_healthy, &s.max_percent, config) != SIM_OK)
        goto out;
    int deploy = param_bool(c->in, "forceNewDeployment", 0);
    /* the task definition: the one given, else the current one */
    if (param_str(c->in, "taskDefinition")) {
        if (resolve_taskdef(c, launch, &td, &body) != SIM_OK)
            goto out;
        char *arn = ecs_taskdef_arn(c, td.family, td.revision);
        if (strcmp(arn, s.task_def) != 0) {
            snprintf(s.task_def, sizeof s.task_def, "%s", arn);
            deploy = 1;
        }
        free(arn);
    } else {
        struct ecs_scope sc = ecs_scope_of(c);
        char family[ECS_NAME_MAX];
        int64_t rev;
        if (ecs_taskdef_ref(c, s.task_def, family, &rev) != 0)
            goto out;
        if (store_ecs_taskdef_get(&sc, family, rev, &td) != 0) {
            ecs_store_failed(c);
            goto out;
        }
        body = cJSON_Parse(td.body);
    }
    const cJSON *new_net = param(c->in, "networkConfiguration");
    if (new_net || deploy) {
        cJSON *given = new_net ? NULL : (s.network ? cJSON_Parse(s.network) : NULL);
        int nrc = ecs_check_network(c, new_net ? new_net : given, body, &net);
        cJSON_Delete(given);
        if (nrc != SIM_OK)
            goto out;
        char *text = net ? cJSON_PrintUnformatted(net) : NULL;
        if (json_differs(text, s.network)) {
            free(s.network);
            s.network = text;
            text = NULL;
            deploy = 1;
        }
        free(text);
    }
    const char *pv = param_str(c->in, "platformVersion");
    if (pv) {
        const cJSON *old = config_item(config, "platformVersion");
        if (!cJSON_IsString(old) || strcmp(old->valuestring, pv) != 0)
            deploy = 1;
        cJSON_DeleteItemFromObjectCaseSensitive(config, "platformVersion");
        cJSON_AddStringToObject(config, "platformVersion", pv);
    }
    for (size_t i = 0; i < sizeof config_members / sizeof config_members[0]; i++) {
        const cJSON *v = param(c->in, config_members[i]);
        if (v && strcmp(config_members[i], "platformVersion") != 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(config, config_members[i]);
            cJSON_AddItemToObject(config, config_members[i], cJSON_Duplicate(v, 1));
        }
    }
    free(s.config);
    s.config = cJSON_PrintUnformatted(config);
    s.desired = desired;
    struct ecs_scope sc = ecs_scope_of(c);
    if (store_ecs_service_put(&sc, &s) != 0) {
        ecs_store_failed(c);
        goto out;
    }
    if ((deploy ? new_deployment(c, &s) : set_primary_desired(c, &s)) != SIM_OK)
        goto out;
    struct ecs_ctx x = ecs_ctx_of(c);
    if (ecs_service_wake(&x, s.cluster, s.name) != 0) {
        ecs_store_failed(c);
        goto out;
    }
    rc = reply_service(c, &s);
out:
    store_ecs_service_clear(&s);
    store_ecs_taskdef_clear(&td);
    cJSON_Delete(body);
    cJSON_Delete(net);
    cJSON_Delete(config);
    return rc;
}

int ecs_DeleteService(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    struct ecs_service s = {0};
    int rc = SIM_ERROR;
    if (find_service(c, cluster, &s) != SIM_OK)
        goto out;
    if (strcmp(s.status, "ACTIVE") != 0) {
        call_error(c, "ServiceNotActiveException", ECS_MSG_SERVICE_NOT_ACTIVE);
        goto out;
    }
    if (s.desired > 0 && !param_bool(c->in, "force", 0)) {
        call_error(c, "InvalidParameterException",
                   "The service cannot be stopped while it is scaled above 0.");
        goto out;
    }
    snprintf(s.status, sizeof s.status, "DRAINING");
    s.desired = 0;
    s.steady = 0;
    struct ecs_scope sc = ecs_scope_of(c);
    if (store_ecs_service_put(&sc, &s) != 0 || set_primary_desired(c, &s) != SIM_OK) {
        if (!c->err.set)
            ecs_store_failed(c);
        goto out;
    }
    struct ecs_ctx x = ecs_ctx_of(c);
    if (ecs_service_wake(&x, s.cluster, s.name) != 0) {
        ecs_store_failed(c);
        goto out;
    }
    rc = reply_service(c, &s);
out:
    store_ecs_service_clear(&s);
    return rc;
}
