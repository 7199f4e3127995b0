/*
 * ecs_tasks.c - the ECS task operations: RunTask, ListTasks, DescribeTasks, StopTask, and
 * the task object as DescribeTasks reports it (see ecs.c for the whole service).
 *
 * Tasks are created and stopped through the engine (sim/engine/ecs.c: ecs_task_launch,
 * ecs_task_stop), which then moves them through their lifecycle on the clock. The task
 * object is derived from the stored row: the ENI attachment's status, the containers'
 * status and the optional instants follow the task's lastStatus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/ecs_int.h"
#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "util/xmalloc.h"

#define MAX_DESCRIBE 100
#define MAX_RUN 10

/* ---- the task object -------------------------------------------------------------------- */

static void add_time(cJSON *o, const char *name, int64_t ms)
{
    if (ms >= 0)
        cJSON_AddNumberToObject(o, name, ecs_time(ms));
}

static int status_is(const struct ecs_task *t, const char *s)
{
    return strcmp(t->last_status, s) == 0;
}

/* The ENI attachment's status for the task's lastStatus. */
static const char *attachment_status(const struct ecs_task *t)
{
    if (status_is(t, "PROVISIONING"))
        return "PRECREATED";
    if (status_is(t, "DEPROVISIONING"))
        return "DETACHING";
    if (status_is(t, "STOPPED"))
        return "DELETED";
    return "ATTACHED";
}

/* The containers' status for the task's lastStatus: PENDING until the task starts, RUNNING
 * until its containers have been stopped (DEPROVISIONING), then STOPPED. */
static const char *container_status(const struct ecs_task *t)
{
    if (status_is(t, "DEPROVISIONING") || status_is(t, "STOPPED"))
        return "STOPPED";
    return t->started_ms >= 0 ? "RUNNING" : "PENDING";
}

static void add_detail(cJSON *arr, const char *name, const char *value)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name);
    cJSON_AddStringToObject(d, "value", value);
    cJSON_AddItemToArray(arr, d);
}

cJSON *ecs_task_json(struct call *c, const struct ecs_task *t, int with_tags)
{
    int fargate = strcmp(t->launch_type, "FARGATE") == 0;
    char *arn = ecs_task_arn(c, t->cluster, t->id);
    char *carn = ecs_cluster_arn(c, t->cluster);
    cJSON *o = cJSON_CreateObject();
    cJSON *att = cJSON_AddArrayToObject(o, "attachments");
    char dns[96] = "";
    if (t->eni[0]) {
        char ipdash[24];
        snprintf(ipdash, sizeof ipdash, "%s", t->ip);
        for (char *p = ipdash; *p; p++) {
            if (*p == '.')
                *p = '-';
        }
        if (strcmp(c->tenant.region, "us-east-1") == 0)
            snprintf(dns, sizeof dns, "ip-%s.ec2.internal", ipdash);
        else
            snprintf(dns, sizeof dns, "ip-%s.%s.compute.internal", ipdash, c->tenant.region);
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "id", t->attachment);
        cJSON_AddStringToObject(a, "type", "ElasticNetworkInterface");
        cJSON_AddStringToObject(a, "status", attachment_status(t));
        cJSON *d = cJSON_AddArrayToObject(a, "details");
        add_detail(d, "subnetId", t->subnet);
        if (!status_is(t, "PROVISIONING")) {
            add_detail(d, "networkInterfaceId", t->eni);
            add_detail(d, "macAddress", t->mac);
            add_detail(d, "privateDnsName", dns);
            add_detail(d, "privateIPv4Address", t->ip);
        }
        cJSON_AddItemToArray(att, a);
    }
    cJSON *attrs = cJSON_AddArrayToObject(o, "attributes");
    cJSON *arch = cJSON_CreateObject();
    cJSON_AddStringToObject(arch, "name", "ecs.cpu-architecture");
    cJSON_AddStringToObject(arch, "value", "x86_64");
    cJSON_AddItemToArray(attrs, arch);
    if (t->az[0])
        cJSON_AddStringToObject(o, "availabilityZone", t->az);
    cJSON_AddStringToObject(o, "clusterArn", carn);
    if (t->connectivity_ms >= 0) {
        cJSON_AddStringToObject(o, "connectivity", "CONNECTED");
        add_time(o, "connectivityAt", t->connectivity_ms);
    }
    cJSON *containers = cJSON_Parse(t->containers ? t->containers : "[]");
    if (containers == NULL)
        containers = cJSON_CreateArray();
    const char *cstatus = container_status(t);
    cJSON *ct;
    cJSON_ArrayForEach(ct, containers)
    {
        /* in AWS's member order: containerArn, taskArn, name, image, runtimeId, lastStatus */
        cJSON *name = cJSON_DetachItemFromObjectCaseSensitive(ct, "name");
        cJSON *image = cJSON_DetachItemFromObjectCaseSensitive(ct, "image");
        cJSON *runtime = cJSON_DetachItemFromObjectCaseSensitive(ct, "runtimeId");
        cJSON *cpu = cJSON_DetachItemFromObjectCaseSensitive(ct, "cpu");
        cJSON *mem = cJSON_DetachItemFromObjectCaseSensitive(ct, "memory");
        cJSON *res = cJSON_DetachItemFromObjectCaseSensitive(ct, "memoryReservation");
        cJSON_AddStringToObject(ct, "taskArn", arn);
        if (name)
            cJSON_AddItemToObject(ct, "name", name);
        if (image)
            cJSON_AddItemToObject(ct, "image", image);
        if (runtime && t->started_ms >= 0)
            cJSON_AddItemToObject(ct, "runtimeId", runtime);
        else
            cJSON_Delete(runtime);
        cJSON_AddStringToObject(ct, "lastStatus", cstatus);
        if (strcmp(cstatus, "STOPPED") == 0 && t->started_ms >= 0)
            cJSON_AddNumberToObject(ct, "exitCode", 0);
        cJSON *nis = cJSON_AddArrayToObject(ct, "networkInterfaces");
        if (t->eni[0] && !status_is(t, "PROVISIONING")) {
            cJSON *ni = cJSON_CreateObject();
            cJSON_AddStringToObject(ni, "attachmentId", t->attachment);
            cJSON_AddStringToObject(ni, "privateIpv4Address", t->ip);
            cJSON_AddItemToArray(nis, ni);
        }
        cJSON_AddStringToObject(ct, "healthStatus", "UNKNOWN");
        if (cpu)
            cJSON_AddItemToObject(ct, "cpu", cpu);
        if (mem)
            cJSON_AddItemToObject(ct, "memory", mem);
        if (res)
            cJSON_AddItemToObject(ct, "memoryReservation", res);
    }
    cJSON_AddItemToObject(o, "containers", containers);
    if (t->cpu[0])
        cJSON_AddStringToObject(o, "cpu", t->cpu);
    add_time(o, "createdAt", t->created_ms);
    cJSON_AddStringToObject(o, "desiredStatus", t->desired_status);
    cJSON_AddBoolToObject(o, "enableExecuteCommand", 0);
    if (fargate) {
        cJSON *eph = cJSON_AddObjectToObject(o, "ephemeralStorage");
        cJSON_AddNumberToObject(eph, "sizeInGiB", 20);
    }
    add_time(o, "executionStoppedAt", t->exec_stopped_ms);
    cJSON_AddStringToObject(o, "group", t->group);
    cJSON_AddStringToObject(o, "healthStatus", "UNKNOWN");
    cJSON_AddStringToObject(o, "lastStatus", t->last_status);
    cJSON_AddStringToObject(o, "launchType", t->launch_type);
    if (t->memory[0])
        cJSON_AddStringToObject(o, "memory", t->memory);
    cJSON *ov = t->overrides ? cJSON_Parse(t->overrides) : NULL;
    if (ov == NULL) {
        ov = cJSON_CreateObject();
        cJSON *co = cJSON_AddArrayToObject(ov, "containerOverrides");
        cJSON_ArrayForEach(ct, containers)
        {
            cJSON *one = cJSON_CreateObject();
            const cJSON *nm = cJSON_GetObjectItemCaseSensitive(ct, "name");
            cJSON_AddStringToObject(one, "name", cJSON_IsString(nm) ? nm->valuestring : "");
            cJSON_AddItemToArray(co, one);
        }
    }
    if (!cJSON_GetObjectItemCaseSensitive(ov, "inferenceAcceleratorOverrides"))
        cJSON_AddArrayToObject(ov, "inferenceAcceleratorOverrides");
    cJSON_AddItemToObject(o, "overrides", ov);
    if (fargate) {
        cJSON_AddStringToObject(o, "platformVersion", "1.4.0");
        cJSON_AddStringToObject(o, "platformFamily", "Linux");
    }
    add_time(o, "pullStartedAt", t->pull_started_ms);
    add_time(o, "pullStoppedAt", t->pull_stopped_ms);
    add_time(o, "startedAt", t->started_ms);
    if (t->started_by[0])
        cJSON_AddStringToObject(o, "startedBy", t->started_by);
    if (t->stop_code[0])
        cJSON_AddStringToObject(o, "stopCode", t->stop_code);
    add_time(o, "stoppedAt", t->stopped_ms);
    if (t->stopped_reason)
        cJSON_AddStringToObject(o, "stoppedReason", t->stopped_reason);
    add_time(o, "stoppingAt", t->stopping_ms);
    int failed = 0;
    if (with_tags && ecs_add_tags(c, o, arn) != 0)
        failed = 1;
    cJSON_AddStringToObject(o, "taskArn", arn);
    cJSON_AddStringToObject(o, "taskDefinitionArn", t->task_def);
    cJSON_AddNumberToObject(o, "version", (double)t->version);
    free(arn);
    free(carn);
    if (failed) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- operations ------------------------------------------------------------------------- */

int ecs_RunTask(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    const cJSON *cnt = param(c->in, "count");
    if (cnt && (cnt->valuedouble < 1 || cnt->valuedouble > MAX_RUN))
        return call_error(c, "InvalidParameterException",
                          "count must be between 1 and %d.", MAX_RUN); /* (drillsim's text) */
    int count = cnt ? (int)cnt->valuedouble : 1;
    const char *lt = param_str(c->in, "launchType");
    if (lt && cJSON_GetArraySize(param(c->in, "capacityProviderStrategy")) > 0)
        return call_error(c, "InvalidParameterException",
                          "Specifying both a launch type and capacity provider strategy is not "
                          "supported. Remove one and try again.");
    if (cJSON_GetArraySize(param(c->in, "capacityProviderStrategy")) > 0)
        return call_error(c, "InvalidParameterException",
                          "drillsim does not simulate capacity providers: give a launchType "
                          "(FARGATE or EC2).");
    const char *launch = lt ? lt : "EC2";
    if (strcmp(launch, "FARGATE") != 0 && strcmp(launch, "EC2") != 0)
        return call_error(c, "InvalidParameterException",
                          "drillsim simulates the FARGATE and EC2 launch types only.");
    const char *started_by = param_str(c->in, "startedBy");
    if (started_by && strlen(started_by) > 128)
        return call_error(c, "InvalidParameterException",
                          "startedBy must be at most 128 characters."); /* (drillsim's text) */
    const char *group_in = param_str(c->in, "group");
    if (group_in && strlen(group_in) > 255)
        return call_error(c, "InvalidParameterException",
                          "group must be at most 255 characters."); /* (drillsim's text) */
    const cJSON *tags = param(c->in, "tags");
    if (ecs_check_tags(c, tags) != SIM_OK)
        return SIM_ERROR;
    struct ecs_taskdef td = {0};
    cJSON *body = NULL, *net = NULL, *tasks = NULL;
    int rc = SIM_ERROR;
    if (ecs_taskdef_find(c, param_str(c->in, "taskDefinition"), &td, "ClientException",
                         ECS_MSG_TASKDEF_NOT_FOUND) != SIM_OK)
        goto out;
    if (strcmp(td.status, "ACTIVE") != 0) {
        call_error(c, "InvalidParameterException", "TaskDefinition is inactive");
        goto out;
    }
    body = cJSON_Parse(td.body);
    if (body == NULL) {
        ecs_store_failed(c);
        goto out;
    }
    if (!ecs_taskdef_supports(body, launch)) {
        call_error(c, "InvalidParameterException",
                   "Task definition does not support launch_type %s.", launch);
        goto out;
    }
    if (ecs_check_network(c, param(c->in, "networkConfiguration"), body, &net) != SIM_OK)
        goto out;
    if (strcmp(launch, "EC2") == 0) {
        /* drillsim never has container instances */
        call_error(c, "InvalidParameterException", ECS_MSG_NO_INSTANCES);
        goto out;
    }
    char *tdarn = ecs_taskdef_arn(c, td.family, td.revision);
    char group[ECS_NAME_MAX + 16];
    if (group_in)
        snprintf(group, sizeof group, "%s", group_in);
    else
        snprintf(group, sizeof group, "family:%s", td.family);
    const cJSON *subnets = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(net, "awsvpcConfiguration"), "subnets");
    int nsub = cJSON_GetArraySize(subnets);
    struct ecs_ctx x = ecs_ctx_of(c);
    tasks = cJSON_CreateArray();
    for (int i = 0; i < count; i++) {
        const cJSON *sn = nsub > 0 ? cJSON_GetArrayItem(subnets, i % nsub) : NULL;
        struct ecs_launch l = {
            .cluster = cluster,
            .task_def_arn = tdarn,
            .task_def = body,
            .launch_type = launch,
            .subnet = sn ? sn->valuestring : NULL,
            .started_by = started_by,
            .group = group,
            .overrides = param(c->in, "overrides"),
        };
        struct ecs_task t = {0};
        int lrc = ecs_task_launch(&x, &l, &t);
        cJSON *o = NULL;
        if (lrc == 0) {
            char *arn = ecs_task_arn(c, cluster, t.id);
            lrc = ecs_put_tags(c, arn, tags) == SIM_OK ? 0 : -1;
            free(arn);
            if (lrc == 0)
                o = ecs_task_json(c, &t, cJSON_GetArraySize(tags) > 0);
            if (lrc == 0 && o == NULL)
                lrc = -1;
        }
        store_ecs_task_clear(&t);
        if (lrc != 0) {
            if (!c->err.set)
                ecs_store_failed(c);
            free(tdarn);
            goto out;
        }
        cJSON_AddItemToArray(tasks, o);
    }
    free(tdarn);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "tasks", tasks);
    tasks = NULL;
    cJSON_AddArrayToObject(c->out, "failures");
    rc = SIM_OK;
out:
    store_ecs_taskdef_clear(&td);
    cJSON_Delete(body);
    cJSON_Delete(net);
    cJSON_Delete(tasks);
    return rc;
}

struct task_list {
    struct call *c;
    const char *cluster;
    cJSON *arr;
    int n;
    int limit;
    char last[ECS_ID_MAX];
    int more;
};

static int add_task_arn(void *ctx, const char *id)
{
    struct task_list *l = ctx;
    if (l->n == l->limit) {
        l->more = 1;
        return 1;
    }
    char *arn = ecs_task_arn(l->c, l->cluster, id);
    cJSON_AddItemToArray(l->arr, cJSON_CreateString(arn));
    free(arn);
    snprintf(l->last, sizeof l->last, "%s", id);
    l->n++;
    return 0;
}

int ecs_ListTasks(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    int limit = 0;
    if (ecs_max_results(c, 100, 100, &limit) != SIM_OK)
        return SIM_ERROR;
    struct ecs_scope sc = ecs_scope_of(c);
    const char *service = param_str(c->in, "serviceName");
    char svc[ECS_NAME_MAX];
    if (service) {
        struct ecs_service s = {0};
        int rc = ecs_service_ref(c, cluster, service, svc) == 0 && ecs_name_ok(svc)
                     ? store_ecs_service_get(&sc, cluster, svc, &s)
                     : 1;
        store_ecs_service_clear(&s);
        if (rc < 0)
            return ecs_store_failed(c);
        if (rc > 0)
            return call_error(c, "ServiceNotFoundException", ECS_MSG_SERVICE_NOT_FOUND);
    }
    char *after = NULL;
    const char *tok = param_str(c->in, "nextToken");
    if (tok && ecs_token_read("ListTasks", tok, &after) != 0)
        return call_error(c, "InvalidParameterException", ECS_MSG_BAD_TOKEN);
    const char *family = param_str(c->in, "family");
    char *prefix = family ? xasprintf("arn:aws:ecs:%s:%s:task-definition/%s:", c->tenant.region,
                                      c->tenant.account, family)
                          : NULL;
    const char *desired = param_str(c->in, "desiredStatus");
    struct ecs_task_filter f = {
        .cluster = cluster,
        .service = service ? svc : NULL,
        .task_def_prefix = prefix,
        .started_by = param_str(c->in, "startedBy"),
        .desired_status = desired ? desired : "RUNNING",
        .launch_type = param_str(c->in, "launchType"),
    };
    struct task_list l = {.c = c, .cluster = cluster, .arr = cJSON_CreateArray(), .limit = limit};
    int rc = 0;
    /* drillsim has no container instances: a containerInstance filter matches nothing */
    if (param_str(c->in, "containerInstance") == NULL)
        rc = store_ecs_task_each(&sc, &f, after, limit + 1, add_task_arn, &l);
    free(after);
    free(prefix);
    if (rc != 0) {
        cJSON_Delete(l.arr);
        return ecs_store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "taskArns", l.arr);
    if (l.more) {
        char *t = ecs_token_make("ListTasks", l.last);
        cJSON_AddStringToObject(c->out, "nextToken", t);
        free(t);
    }
    return SIM_OK;
}

int ecs_DescribeTasks(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    const cJSON *list = param(c->in, "tasks");
    int n = cJSON_GetArraySize(list);
    if (n == 0)
        return call_error(c, "InvalidParameterException", "Tasks cannot be empty.");
    if (n > MAX_DESCRIBE)
        return call_error(c, "InvalidParameterException", "tasks can have at most %d items.",
                          MAX_DESCRIBE);
    int tags = ecs_includes(c, "TAGS");
    struct ecs_scope sc = ecs_scope_of(c);
    cJSON *tasks = cJSON_CreateArray(), *failures = cJSON_CreateArray();
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        const char *ref = cJSON_IsString(it) ? it->valuestring : "";
        char id[ECS_ID_MAX];
        struct ecs_task t = {0};
        int rc = ecs_task_ref(c, cluster, ref, id) == 0 ? store_ecs_task_get(&sc, id, &t) : 1;
        if (rc == 0 && strcmp(t.cluster, cluster) != 0)
            rc = 1;
        cJSON *o = rc == 0 ? ecs_task_json(c, &t, tags) : NULL;
        if (rc == 0 && o == NULL)
            rc = -1;
        store_ecs_task_clear(&t);
        if (rc < 0) {
            cJSON_Delete(tasks);
            cJSON_Delete(failures);
            return ecs_store_failed(c);
        }
        if (rc > 0) {
            cJSON *f = cJSON_CreateObject();
            char *arn = strncmp(ref, "arn:", 4) == 0 ? xstrdup(ref) : ecs_task_arn(c, cluster, ref);
            cJSON_AddStringToObject(f, "arn", arn);
            cJSON_AddStringToObject(f, "reason", "MISSING");
            free(arn);
            cJSON_AddItemToArray(failures, f);
            continue;
        }
        cJSON_AddItemToArray(tasks, o);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "tasks", tasks);
    cJSON_AddItemToObject(c->out, "failures", failures);
    return SIM_OK;
}

int ecs_StopTask(struct call *c)
{
    char cluster[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), cluster) != SIM_OK)
        return SIM_ERROR;
    const char *reason = param_str(c->in, "reason");
    if (reason && strlen(reason) > 255)
        return call_error(c, "InvalidParameterException",
                          "reason must be at most 255 characters."); /* (drillsim's text) */
    char id[ECS_ID_MAX];
    struct ecs_scope sc = ecs_scope_of(c);
    struct ecs_task t = {0};
    int rc = ecs_task_ref(c, cluster, param_str(c->in, "task"), id) == 0
                 ? store_ecs_task_get(&sc, id, &t)
                 : 1;
    if (rc == 0 && strcmp(t.cluster, cluster) != 0)
        rc = 1;
    if (rc != 0) {
        store_ecs_task_clear(&t);
        return rc < 0 ? ecs_store_failed(c)
                      : call_error(c, "InvalidParameterException", ECS_MSG_TASK_NOT_FOUND);
    }
    struct ecs_ctx x = ecs_ctx_of(c);
    if (ecs_task_stop(&x, &t, "UserInitiated", reason ? reason : "Task stopped by user") != 0) {
        store_ecs_task_clear(&t);
        return ecs_store_failed(c);
    }
    cJSON *o = ecs_task_json(c, &t, 0);
    store_ecs_task_clear(&t);
    if (o == NULL)
        return ecs_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "task", o);
    return SIM_OK;
}
