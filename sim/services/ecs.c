/*
 * ecs.c - Amazon ECS, spoken as awsJson 1.1 ("AmazonEC2ContainerServiceV20141113.<Op>").
 *
 * Operations: clusters (CreateCluster, DescribeClusters, ListClusters, DeleteCluster), task
 * definitions (RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions,
 * ListTaskDefinitionFamilies, DeregisterTaskDefinition) and tags (TagResource, UntagResource,
 * ListTagsForResource) in this file; services in ecs_services.c; tasks in ecs_tasks.c; the
 * shared vocabulary (ARNs, references, tokens) here too, declared in ecs_int.h. What happens
 * over time (tasks starting and stopping, deployments rolling, service events) is the
 * engine's: sim/engine/ecs.c. Storage: sim/store/ecs.c (ecs_* tables and the generic tags
 * table). Every row is scoped by the caller's (account, region); every instant is c->now_ms;
 * every id comes from the team's id generator.
 *
 * Validation: the model's checks (required members, the tag constraints) run first and, as
 * ECS answers input errors, are reported as InvalidParameterException (validation style
 * VS_CORAL_IPE) in the coral wording. The handlers add ECS's own rules with AWS's texts,
 * taken from AWS responses quoted in public issue trackers: "Cluster not found.", "Service not
 * found.", "Service was not ACTIVE.", "The referenced cluster was inactive.", "Services cannot
 * be empty.", "service names can have at most 10 items.", "Tasks cannot be empty.", "The
 * referenced task was not found.", "Creation of service was not idempotent.", "The service
 * cannot be stopped while it is scaled above 0.", "TaskDefinition not found.", "Unable to
 * describe task definition.", "Invalid revision number.", "Family should not be null or
 * empty.", "Container list cannot be empty.", "Fargate only supports network mode ‘awsvpc’.",
 * "Fargate requires that 'cpu' be defined at the task level.", "No Fargate configuration
 * exists for given values: …", "Invalid setting for container '…'. At least one of 'memory'
 * or 'memoryReservation' must be specified.", "Task definition does not support launch_type
 * FARGATE.", "Network Configuration must be provided when networkMode 'awsvpc' is
 * specified.", "Error retrieving subnet information for […]: The subnet ID '…' does not exist
 * (ErrorCode: InvalidSubnetID.NotFound)", "No Container Instances were found in your
 * cluster.", "The Cluster cannot be deleted while Services are active.", "Long arn format
 * must be used for tagging operations", "The ARN provided is invalid.". Texts drillsim had
 * to choose itself are marked "(drillsim's text)" where they are made.
 *
 * Decisions: the default cluster is "default" and is not created implicitly
 * (ClusterNotFoundException until CreateCluster); deleted clusters and services stay
 * describable as INACTIVE; drillsim has no container instances, so the EC2 launch type never
 * places a task; CreateService without desiredCount means 0.
 *
 * To add an operation: list it in sim/services/models/ops.json and regenerate the models,
 * write its handler here (or in ecs_services.c / ecs_tasks.c, declared in ecs_int.h), add a
 * row to ecs_ops, put new queries in sim/store/ecs.c, and cover it in tests/e2e/test_ecs.py.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/ecs_int.h"
#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "store/ec2.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define MAX_TAGS 50

/* ---- shared vocabulary ------------------------------------------------------------------ */

struct ecs_scope ecs_scope_of(const struct call *c)
{
    struct ecs_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

struct ecs_ctx ecs_ctx_of(struct call *c)
{
    struct ecs_ctx x = {
        .sc = ecs_scope_of(c),
        .ids = &c->team->ids,
        .timing = &c->team->timing,
        .now_ms = c->now_ms,
    };
    return x;
}

int ecs_store_failed(struct call *c)
{
    return call_error(c, "ServerException", "An internal error occurred in the store.");
}

double ecs_time(int64_t ms)
{
    return (double)ms / 1000.0;
}

char *ecs_cluster_arn(const struct call *c, const char *cluster)
{
    return xasprintf("arn:aws:ecs:%s:%s:cluster/%s", c->tenant.region, c->tenant.account,
                     cluster);
}

char *ecs_service_arn(const struct call *c, const char *cluster, const char *name)
{
    return xasprintf("arn:aws:ecs:%s:%s:service/%s/%s", c->tenant.region, c->tenant.account,
                     cluster, name);
}

char *ecs_task_arn(const struct call *c, const char *cluster, const char *id)
{
    return xasprintf("arn:aws:ecs:%s:%s:task/%s/%s", c->tenant.region, c->tenant.account,
                     cluster, id);
}

char *ecs_taskdef_arn(const struct call *c, const char *family, int64_t revision)
{
    return xasprintf("arn:aws:ecs:%s:%s:task-definition/%s:%lld", c->tenant.region,
                     c->tenant.account, family, (long long)revision);
}

int ecs_name_ok(const char *s)
{
    if (s == NULL)
        return 0;
    size_t n = strlen(s);
    if (n == 0 || n > 255)
        return 0;
    for (const char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return 0;
    }
    return 1;
}

/*
 * If ref is an ECS ARN of this account and region, returns the part after "<type>/";
 * NULL when ref is not an ARN of that type here. *is_arn tells whether ref looks like an ARN.
 */
static const char *arn_rest(const struct call *c, const char *ref, const char *type, int *is_arn)
{
    *is_arn = strncmp(ref, "arn:", 4) == 0;
    if (!*is_arn)
        return NULL;
    char prefix[128];
    snprintf(prefix, sizeof prefix, "arn:aws:ecs:%s:%s:%s/", c->tenant.region,
             c->tenant.account, type);
    size_t n = strlen(prefix);
    return strncmp(ref, prefix, n) == 0 ? ref + n : NULL;
}

int ecs_resolve_cluster(struct call *c, const char *ref, char out[ECS_NAME_MAX])
{
    const char *name = ref ? ref : "default";
    int is_arn;
    const char *rest = arn_rest(c, name, "cluster", &is_arn);
    if (is_arn) {
        if (rest == NULL || !ecs_name_ok(rest))
            return call_error(c, "ClusterNotFoundException", ECS_MSG_CLUSTER_NOT_FOUND);
        name = rest;
    } else if (!ecs_name_ok(name)) {
        return call_error(c, "InvalidParameterException",
                          "Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was %s", name);
    }
    struct ecs_scope sc = ecs_scope_of(c);
    struct ecs_cluster cl;
    int rc = store_ecs_cluster_get(&sc, name, &cl);
    if (rc < 0)
        return ecs_store_failed(c);
    if (rc > 0)
        return call_error(c, "ClusterNotFoundException", ECS_MSG_CLUSTER_NOT_FOUND);
    if (strcmp(cl.status, "ACTIVE") != 0)
        return call_error(c, "ClusterNotFoundException", ECS_MSG_CLUSTER_INACTIVE);
    snprintf(out, ECS_NAME_MAX, "%s", cl.name);
    return SIM_OK;
}

/* Shared by ecs_service_ref and ecs_task_ref: a bare name, or "<type>/NAME" /
 * "<type>/CLUSTER/NAME" in an ARN of this tenant. Returns 0 or 1 (not one of ours). */
static int member_ref(const struct call *c, const char *cluster, const char *type,
                      const char *ref, char *out, size_t n)
{
    int is_arn;
    const char *rest = arn_rest(c, ref, type, &is_arn);
    if (!is_arn) {
        if (strlen(ref) >= n)
            return 1;
        snprintf(out, n, "%s", ref);
        return 0;
    }
    if (rest == NULL)
        return 1;
    const char *slash = strchr(rest, '/');
    if (slash) {
        if ((size_t)(slash - rest) != strlen(cluster) ||
            strncmp(rest, cluster, strlen(cluster)) != 0)
            return 1;
        rest = slash + 1;
    }
    if (strlen(rest) >= n || strchr(rest, '/'))
        return 1;
    snprintf(out, n, "%s", rest);
    return 0;
}

int ecs_service_ref(const struct call *c, const char *cluster, const char *ref,
                    char out[ECS_NAME_MAX])
{
    return member_ref(c, cluster, "service", ref, out, ECS_NAME_MAX);
}

int ecs_task_ref(const struct call *c, const char *cluster, const char *ref,
                 char out[ECS_ID_MAX])
{
    return member_ref(c, cluster, "task", ref, out, ECS_ID_MAX);
}

int ecs_taskdef_ref(struct call *c, const char *ref, char family[ECS_NAME_MAX],
                    int64_t *revision)
{
    const char *s = ref;
    int is_arn;
    const char *rest = arn_rest(c, ref, "task-definition", &is_arn);
    if (is_arn) {
        if (rest == NULL)
            return call_error(c, "ClientException", ECS_MSG_TASKDEF_UNDESCRIBABLE);
        s = rest;
    }
    const char *colon = strchr(s, ':');
    size_t flen = colon ? (size_t)(colon - s) : strlen(s);
    if (flen == 0)
        return call_error(c, "InvalidParameterException", "Family should not be null or empty.");
    if (flen >= ECS_NAME_MAX)
        return call_error(c, "ClientException", ECS_MSG_TASKDEF_UNDESCRIBABLE);
    snprintf(family, ECS_NAME_MAX, "%.*s", (int)flen, s);
    *revision = 0;
    if (colon) {
        const char *r = colon + 1;
        int64_t v = 0;
        if (*r == '\0')
            return call_error(c, "InvalidParameterException", "Invalid revision number.");
        for (; *r; r++) {
            if (!isdigit((unsigned char)*r) || v > 100000000)
                return call_error(c, "InvalidParameterException", "Invalid revision number.");
            v = v * 10 + (*r - '0');
        }
        if (v <= 0)
            return call_error(c, "InvalidParameterException", "Invalid revision number.");
        *revision = v;
    }
    return 0;
}

int ecs_taskdef_find(struct call *c, const char *ref, struct ecs_taskdef *out,
                     const char *missing_code, const char *missing_msg)
{
    char family[ECS_NAME_MAX];
    int64_t rev;
    if (ref == NULL || ref[0] == '\0')
        return call_error(c, "InvalidParameterException", "Family should not be null or empty.");
    if (ecs_taskdef_ref(c, ref, family, &rev) != 0)
        return SIM_ERROR;
    struct ecs_scope sc = ecs_scope_of(c);
    int rc = store_ecs_taskdef_get(&sc, family, rev, out);
    if (rc < 0)
        return ecs_store_failed(c);
    if (rc > 0)
        return call_error(c, missing_code, "%s", missing_msg);
    return SIM_OK;
}

cJSON *ecs_taskdef_json(const struct ecs_taskdef *d)
{
    cJSON *o = cJSON_Parse(d->body);
    if (o == NULL)
        o = cJSON_CreateObject();
    cJSON_ReplaceItemInObjectCaseSensitive(o, "status", cJSON_CreateString(d->status));
    if (d->deregistered_ms >= 0) {
        /* AWS lists deregisteredAt right after registeredAt */
        cJSON *by = cJSON_DetachItemFromObjectCaseSensitive(o, "registeredBy");
        cJSON_AddNumberToObject(o, "deregisteredAt", ecs_time(d->deregistered_ms));
        if (by)
            cJSON_AddItemToObject(o, "registeredBy", by);
    }
    return o;
}

int ecs_taskdef_supports(const cJSON *body, const char *launch_type)
{
    const cJSON *compat = cJSON_GetObjectItemCaseSensitive(body, "compatibilities");
    const cJSON *it;
    cJSON_ArrayForEach(it, compat)
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, launch_type) == 0)
            return 1;
    }
    return 0;
}

int ecs_check_network(struct call *c, const cJSON *net, const cJSON *taskdef, cJSON **out)
{
    *out = NULL;
    const cJSON *mode = cJSON_GetObjectItemCaseSensitive(taskdef, "networkMode");
    int awsvpc = cJSON_IsString(mode) && strcmp(mode->valuestring, "awsvpc") == 0;
    if (!awsvpc)
        return SIM_OK; /* AWS ignores a networkConfiguration it has no use for */
    const cJSON *vpc = param(net, "awsvpcConfiguration");
    if (vpc == NULL)
        return call_error(c, "InvalidParameterException",
                          "Network Configuration must be provided when networkMode 'awsvpc' "
                          "is specified.");
    const cJSON *subnets = param(vpc, "subnets");
    int nsub = cJSON_GetArraySize(subnets);
    if (nsub == 0)
        return call_error(c, "InvalidParameterException", "subnets can not be empty.");
    if (nsub > 16)
        return call_error(c, "InvalidParameterException", "subnets can have at most 16 items.");
    const cJSON *groups = param(vpc, "securityGroups");
    if (cJSON_GetArraySize(groups) > 5)
        return call_error(c, "InvalidParameterException",
                          "securityGroups can have at most 5 items.");
    struct ecs_scope sc = ecs_scope_of(c);
    char vpc_id[32] = "";
    const cJSON *it;
    cJSON_ArrayForEach(it, subnets)
    {
        struct ec2_subnet sn;
        int rc = cJSON_IsString(it) ? ec2_find_subnet(sc.st, sc.account, sc.region,
                                                      it->valuestring, &sn)
                                    : 1;
        if (rc < 0)
            return ecs_store_failed(c);
        if (rc > 0) {
            /* AWS lists every subnet given, then names the first that does not exist */
            struct buf b;
            buf_init(&b, 1 << 16);
            const cJSON *s2;
            int i = 0;
            cJSON_ArrayForEach(s2, subnets)
            {
                buf_printf(&b, "%s%s", i++ ? ", " : "",
                           cJSON_IsString(s2) ? s2->valuestring : "");
            }
            int r = call_error(c, "InvalidParameterException",
                               "Error retrieving subnet information for [%s]: The subnet ID "
                               "'%s' does not exist (ErrorCode: InvalidSubnetID.NotFound)",
                               b.p, cJSON_IsString(it) ? it->valuestring : "");
            buf_free(&b);
            return r;
        }
        if (vpc_id[0] && strcmp(vpc_id, sn.vpc_id) != 0)
            return call_error(c, "InvalidParameterException",
                              "Subnets must belong to the same VPC."); /* (drillsim's text) */
        snprintf(vpc_id, sizeof vpc_id, "%s", sn.vpc_id);
    }
    cJSON *sgs = cJSON_CreateArray();
    cJSON_ArrayForEach(it, groups)
    {
        struct ec2_security_group g;
        int rc = cJSON_IsString(it) ? ec2_find_security_group(sc.st, sc.account, sc.region,
                                                              it->valuestring, &g)
                                    : 1;
        if (rc != 0) {
            cJSON_Delete(sgs);
            if (rc < 0)
                return ecs_store_failed(c);
            const char *id = cJSON_IsString(it) ? it->valuestring : "";
            return call_error(c, "InvalidParameterException",
                              "Error retrieving security group information for [%s]: The "
                              "security group '%s' does not exist (ErrorCode: "
                              "InvalidGroup.NotFound)",
                              id, id);
        }
        cJSON_AddItemToArray(sgs, cJSON_CreateString(g.id));
    }
    /* Without security groups the task gets the VPC's default group, as AWS does; drillsim
     * reports the configuration as it was given. */
    cJSON *o = cJSON_CreateObject();
    cJSON *v = cJSON_AddObjectToObject(o, "awsvpcConfiguration");
    cJSON_AddItemToObject(v, "subnets", cJSON_Duplicate(subnets, 1));
    cJSON_AddItemToObject(v, "securityGroups", sgs);
    const char *pub = param_str(vpc, "assignPublicIp");
    cJSON_AddStringToObject(v, "assignPublicIp", pub ? pub : "DISABLED");
    *out = o;
    return SIM_OK;
}

int ecs_check_tags(struct call *c, const cJSON *tags)
{
    if (cJSON_GetArraySize(tags) > MAX_TAGS)
        return call_error(c, "InvalidParameterException", "tags can have at most %d items.",
                          MAX_TAGS); /* (drillsim's text, in the style of AWS's list limits) */
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = param_str(t, "key");
        if (k == NULL || k[0] == '\0')
            return call_error(c, "InvalidParameterException",
                              "Tag key must not be empty."); /* (drillsim's text) */
        if (param_str(t, "value") == NULL)
            return call_error(c, "InvalidParameterException",
                              "Tag value must not be null."); /* (drillsim's text) */
    }
    return SIM_OK;
}

int ecs_put_tags(struct call *c, const char *arn, const cJSON *tags)
{
    struct ecs_scope sc = ecs_scope_of(c);
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        if (store_ecs_tag_set(&sc, arn, param_str(t, "key"), param_str(t, "value")) != 0)
            return ecs_store_failed(c);
    }
    int n;
    if (store_ecs_tag_count(&sc, arn, &n) != 0)
        return ecs_store_failed(c);
    if (n > MAX_TAGS)
        return call_error(c, "InvalidParameterException",
                          "The resource would have more than %d tags.", MAX_TAGS);
    return SIM_OK;
}

int ecs_add_tags(struct call *c, cJSON *obj, const char *arn)
{
    struct ecs_scope sc = ecs_scope_of(c);
    cJSON *tags = cJSON_AddArrayToObject(obj, "tags");
    return store_ecs_tags(&sc, arn, tags);
}

int ecs_includes(const struct call *c, const char *word)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, param(c->in, "include"))
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, word) == 0)
            return 1;
    }
    return 0;
}

char *ecs_token_make(const char *op, const char *key)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    for (const unsigned char *p = (const unsigned char *)op; *p; p++)
        buf_printf(&b, "%02x", *p);
    buf_putc(&b, '-');
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        buf_printf(&b, "%02x", *p);
    return buf_steal(&b, NULL);
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

int ecs_token_read(const char *op, const char *token, char **key)
{
    char *want = ecs_token_make(op, "");
    size_t n = strlen(want);
    int ok = strncmp(token, want, n) == 0;
    free(want);
    if (!ok)
        return -1;
    const char *p = token + n;
    size_t len = strlen(p);
    if (len % 2 != 0 || len > 4096)
        return -1;
    char *out = xmalloc(len / 2 + 1);
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            return -1;
        }
        out[i] = (char)(hi * 16 + lo);
    }
    out[len / 2] = '\0';
    *key = out;
    return 0;
}

int ecs_max_results(struct call *c, int dflt, int max, int *out)
{
    const cJSON *m = param(c->in, "maxResults");
    if (m == NULL) {
        *out = dflt;
        return SIM_OK;
    }
    if (m->valuedouble < 1 || m->valuedouble > max)
        return call_error(c, "InvalidParameterException",
                          "maxResults must be between 1 and %d.", max); /* (drillsim's text) */
    *out = (int)m->valuedouble;
    return SIM_OK;
}

/* ---- clusters --------------------------------------------------------------------------- */

/* Returns the cluster object; statistics and settings only when asked for (or always_all). */
static cJSON *cluster_json(struct call *c, const struct ecs_cluster *cl, int all)
{
    struct ecs_scope sc = ecs_scope_of(c);
    cJSON *o = cJSON_CreateObject();
    char *arn = ecs_cluster_arn(c, cl->name);
    cJSON_AddStringToObject(o, "clusterArn", arn);
    cJSON_AddStringToObject(o, "clusterName", cl->name);
    cJSON_AddStringToObject(o, "status", cl->status);
    int services = 0, draining = 0, running = 0, pending = 0;
    if (store_ecs_cluster_counts(&sc, cl->name, NULL, &services, &draining, &running,
                                 &pending) != 0)
        goto fail;
    cJSON_AddNumberToObject(o, "registeredContainerInstancesCount", 0);
    cJSON_AddNumberToObject(o, "runningTasksCount", running);
    cJSON_AddNumberToObject(o, "pendingTasksCount", pending);
    cJSON_AddNumberToObject(o, "activeServicesCount", services);
    cJSON *stats = cJSON_AddArrayToObject(o, "statistics");
    if (ecs_includes(c, "STATISTICS")) {
        static const char *const types[] = {"EC2", "FARGATE"};
        static const char *const names[2][4] = {
            {"runningEC2TasksCount", "pendingEC2TasksCount", "activeEC2ServiceCount",
             "drainingEC2ServiceCount"},
            {"runningFargateTasksCount", "pendingFargateTasksCount",
             "activeFargateServiceCount", "drainingFargateServiceCount"},
        };
        for (int i = 0; i < 2; i++) {
            int v[4];
            if (store_ecs_cluster_counts(&sc, cl->name, types[i], &v[2], &v[3], &v[0],
                                         &v[1]) != 0)
                goto fail;
            for (int k = 0; k < 4; k++) {
                char num[16];
                snprintf(num, sizeof num, "%d", v[k]);
                cJSON *kv = cJSON_CreateObject();
                cJSON_AddStringToObject(kv, "name", names[i][k]);
                cJSON_AddStringToObject(kv, "value", num);
                cJSON_AddItemToArray(stats, kv);
            }
        }
    }
    if (ecs_add_tags(c, o, arn) != 0)
        goto fail;
    if (!ecs_includes(c, "TAGS") && !all)
        cJSON_DeleteItemFromObjectCaseSensitive(o, "tags");
    if (all || ecs_includes(c, "SETTINGS")) {
        cJSON *settings = cJSON_Parse(cl->settings);
        cJSON_AddItemToObject(o, "settings", settings ? settings : cJSON_CreateArray());
    }
    cJSON_AddArrayToObject(o, "capacityProviders");
    cJSON_AddArrayToObject(o, "defaultCapacityProviderStrategy");
    free(arn);
    return o;
fail:
    free(arn);
    cJSON_Delete(o);
    return NULL;
}

static int op_CreateCluster(struct call *c)
{
    const char *name = param_str(c->in, "clusterName");
    if (name == NULL)
        name = "default";
    if (!ecs_name_ok(name))
        return call_error(c, "InvalidParameterException",
                          "Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was %s", name);
    const cJSON *tags = param(c->in, "tags");
    if (ecs_check_tags(c, tags) != SIM_OK)
        return SIM_ERROR;
    /* settings: containerInsights only (the model checks the name); stored as given */
    cJSON *settings = cJSON_CreateArray();
    const cJSON *s;
    int insights = 0;
    cJSON_ArrayForEach(s, param(c->in, "settings"))
    {
        const char *v = param_str(s, "value");
        if (v == NULL || (strcmp(v, "enabled") != 0 && strcmp(v, "disabled") != 0 &&
                          strcmp(v, "enhanced") != 0)) {
            cJSON_Delete(settings);
            return call_error(c, "InvalidParameterException",
                              "Container Insights setting value must be enabled, disabled or "
                              "enhanced."); /* (drillsim's text) */
        }
        cJSON *kv = cJSON_CreateObject();
        cJSON_AddStringToObject(kv, "name", "containerInsights");
        cJSON_AddStringToObject(kv, "value", v);
        cJSON_AddItemToArray(settings, kv);
        insights = 1;
    }
    if (!insights) {
        cJSON *kv = cJSON_CreateObject();
        cJSON_AddStringToObject(kv, "name", "containerInsights");
        cJSON_AddStringToObject(kv, "value", "disabled");
        cJSON_AddItemToArray(settings, kv);
    }
    char *text = cJSON_PrintUnformatted(settings);
    cJSON_Delete(settings);
    struct ecs_scope sc = ecs_scope_of(c);
    struct ecs_cluster cl;
    int rc = store_ecs_cluster_get(&sc, name, &cl);
    if (rc < 0) {
        free(text);
        return ecs_store_failed(c);
    }
    /* CreateCluster of an ACTIVE cluster answers it unchanged (AWS is idempotent here) */
    if (rc > 0 || strcmp(cl.status, "ACTIVE") != 0) {
        memset(&cl, 0, sizeof cl);
        snprintf(cl.name, sizeof cl.name, "%s", name);
        snprintf(cl.status, sizeof cl.status, "ACTIVE");
        snprintf(cl.settings, sizeof cl.settings, "%s", text);
        cl.created_ms = c->now_ms;
        if (store_ecs_cluster_put(&sc, &cl) != 0) {
            free(text);
            return ecs_store_failed(c);
        }
    }
    free(text);
    char *arn = ecs_cluster_arn(c, name);
    rc = ecs_put_tags(c, arn, tags);
    free(arn);
    if (rc != SIM_OK)
        return SIM_ERROR;
    cJSON *o = cluster_json(c, &cl, 1);
    if (o == NULL)
        return ecs_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "cluster", o);
    return SIM_OK;
}

static int op_DescribeClusters(struct call *c)
{
    const cJSON *list = param(c->in, "clusters");
    if (cJSON_GetArraySize(list) > 100)
        return call_error(c, "InvalidParameterException", "clusters can have at most 100 items.");
    struct ecs_scope sc = ecs_scope_of(c);
    cJSON *clusters = cJSON_CreateArray(), *failures = cJSON_CreateArray();
    cJSON *dflt = NULL;
    if (cJSON_GetArraySize(list) == 0) {
        dflt = cJSON_CreateArray();
        cJSON_AddItemToArray(dflt, cJSON_CreateString("default"));
        list = dflt;
    }
    const cJSON *it;
    int rc = SIM_OK;
    cJSON_ArrayForEach(it, list)
    {
        const char *ref = cJSON_IsString(it) ? it->valuestring : "";
        int is_arn;
        const char *name = arn_rest(c, ref, "cluster", &is_arn);
        if (!is_arn)
            name = ref;
        struct ecs_cluster cl;
        int got = name && ecs_name_ok(name) ? store_ecs_cluster_get(&sc, name, &cl) : 1;
        if (got < 0) {
            rc = ecs_store_failed(c);
            break;
        }
        if (got > 0) {
            cJSON *f = cJSON_CreateObject();
            char *arn = is_arn ? xstrdup(ref) : ecs_cluster_arn(c, ref);
            cJSON_AddStringToObject(f, "arn", arn);
            cJSON_AddStringToObject(f, "reason", "MISSING");
            free(arn);
            cJSON_AddItemToArray(failures, f);
            continue;
        }
        cJSON *o = cluster_json(c, &cl, 0);
        if (o == NULL) {
            rc = ecs_store_failed(c);
            break;
        }
        cJSON_AddItemToArray(clusters, o);
    }
    cJSON_Delete(dflt);
    if (rc != SIM_OK) {
        cJSON_Delete(clusters);
        cJSON_Delete(failures);
        return rc;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "clusters", clusters);
    cJSON_AddItemToObject(c->out, "failures", failures);
    return SIM_OK;
}

struct name_list {
    struct call *c;
    cJSON *arr;
    int n;
    int limit;
    char last[ECS_NAME_MAX];
    int more;
};

static int add_cluster_arn(void *ctx, const char *name)
{
    struct name_list *l = ctx;
    if (l->n == l->limit) {
        l->more = 1;
        return 1;
    }
    char *arn = ecs_cluster_arn(l->c, name);
    cJSON_AddItemToArray(l->arr, cJSON_CreateString(arn));
    free(arn);
    snprintf(l->last, sizeof l->last, "%s", name);
    l->n++;
    return 0;
}

static int op_ListClusters(struct call *c)
{
    int limit = 0;
    if (ecs_max_results(c, 100, 100, &limit) != SIM_OK)
        return SIM_ERROR;
    char *after = NULL;
    const char *tok = param_str(c->in, "nextToken");
    if (tok && ecs_token_read("ListClusters", tok, &after) != 0)
        return call_error(c, "InvalidParameterException", ECS_MSG_BAD_TOKEN);
    struct ecs_scope sc = ecs_scope_of(c);
    struct name_list l = {.c = c, .arr = cJSON_CreateArray(), .limit = limit};
    /* one more than asked tells whether there is a next page */
    int rc = store_ecs_cluster_each(&sc, after, limit + 1, add_cluster_arn, &l);
    free(after);
    if (rc != 0) {
        cJSON_Delete(l.arr);
        return ecs_store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "clusterArns", l.arr);
    if (l.more) {
        char *t = ecs_token_make("ListClusters", l.last);
        cJSON_AddStringToObject(c->out, "nextToken", t);
        free(t);
    }
    return SIM_OK;
}

static int op_DeleteCluster(struct call *c)
{
    char name[ECS_NAME_MAX];
    if (ecs_resolve_cluster(c, param_str(c->in, "cluster"), name) != SIM_OK)
        return SIM_ERROR;
    struct ecs_scope sc = ecs_scope_of(c);
    int services, draining, running, pending, live;
    if (store_ecs_cluster_counts(&sc, name, NULL, &services, &draining, &running, &pending) !=
            0 ||
        store_ecs_cluster_live_tasks(&sc, name, &live) != 0)
        return ecs_store_failed(c);
    if (services + draining > 0)
        return call_error(c, "ClusterContainsServicesException",
                          "The Cluster cannot be deleted while Services are active.");
    if (live > 0)
        return call_error(c, "ClusterContainsTasksException",
                          "The Cluster cannot be deleted while Tasks are active.");
    struct ecs_cluster cl;
    if (store_ecs_cluster_get(&sc, name, &cl) != 0)
        return ecs_store_failed(c);
    snprintf(cl.status, sizeof cl.status, "INACTIVE");
    if (store_ecs_cluster_put(&sc, &cl) != 0)
        return ecs_store_failed(c);
    cJSON *o = cluster_json(c, &cl, 1);
    if (o == NULL)
        return ecs_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "cluster", o);
    return SIM_OK;
}

/* ---- task definitions ------------------------------------------------------------------- */

/* The valid Fargate (cpu, memory) pairs: memory from..to in steps, per cpu (MiB). */
static const struct {
    int cpu, from, to, step;
} fargate_sizes[] = {
    {256, 512, 512, 1},         {256, 1024, 2048, 1024},   {512, 1024, 4096, 1024},
    {1024, 2048, 8192, 1024},   {2048, 4096, 16384, 1024}, {4096, 8192, 30720, 1024},
    {8192, 16384, 61440, 4096}, {16384, 32768, 122880, 8192},
};

static int fargate_ok(int cpu, int mem)
{
    for (size_t i = 0; i < sizeof fargate_sizes / sizeof fargate_sizes[0]; i++) {
        int from = fargate_sizes[i].from, to = fargate_sizes[i].to;
        if (fargate_sizes[i].cpu == cpu && mem >= from && mem <= to &&
            (mem - from) % fargate_sizes[i].step == 0)
            return 1;
    }
    return 0;
}

/*
 * Normalizes a task-level size: "1024", "1 vCPU" / "0.25 vcpu" (cpu units = vCPU x 1024) or
 * "2 GB" / "2GB" (MiB = GB x 1024). Returns the value, or -1 when it is not one of those.
 */
static int parse_size(const char *s, const char *unit)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v <= 0)
        return -1;
    while (*end == ' ')
        end++;
    if (*end == '\0')
        return v == floor(v) && v < 1e7 ? (int)v : -1;
    if (strcasecmp(end, unit) != 0)
        return -1;
    double r = v * 1024;
    return r == floor(r) && r < 1e7 ? (int)r : -1;
}

/* Checks and normalizes the container definitions into a new array (*out). */
static int check_containers(struct call *c, const cJSON *defs, int task_memory, int awsvpc,
                            cJSON **out)
{
    *out = NULL;
    if (cJSON_GetArraySize(defs) == 0)
        return call_error(c, "ClientException", "Container list cannot be empty.");
    cJSON *list = cJSON_CreateArray();
    const cJSON *d;
    cJSON_ArrayForEach(d, defs)
    {
        const char *name = param_str(d, "name");
        const char *image = param_str(d, "image");
        const char *msg = NULL;
        if (name == NULL || name[0] == '\0')
            msg = "Container.name should not be null or empty."; /* (drillsim's text) */
        else if (!ecs_name_ok(name))
            msg = "Container.name contains invalid characters.";
        else if (image == NULL || image[0] == '\0')
            msg = "Container.image should not be null or empty."; /* (drillsim's text) */
        if (msg) {
            cJSON_Delete(list);
            return call_error(c, "ClientException", "%s", msg);
        }
        if (task_memory <= 0 && param(d, "memory") == NULL &&
            param(d, "memoryReservation") == NULL) {
            cJSON_Delete(list);
            return call_error(c, "ClientException",
                              "Invalid setting for container '%s'. At least one of 'memory' or "
                              "'memoryReservation' must be specified.",
                              name);
        }
        /* the members AWS fills in when they are not given */
        cJSON *n = cJSON_Duplicate(d, 1);
        if (param(n, "cpu") == NULL)
            cJSON_AddNumberToObject(n, "cpu", 0);
        cJSON *ports = cJSON_GetObjectItemCaseSensitive(n, "portMappings");
        if (ports == NULL)
            ports = cJSON_AddArrayToObject(n, "portMappings");
        cJSON *pm;
        cJSON_ArrayForEach(pm, ports)
        {
            const cJSON *cp = param(pm, "containerPort");
            if (awsvpc && cp && param(pm, "hostPort") == NULL)
                cJSON_AddNumberToObject(pm, "hostPort", cp->valuedouble);
            if (param(pm, "protocol") == NULL)
                cJSON_AddStringToObject(pm, "protocol", "tcp");
        }
        if (param(n, "essential") == NULL)
            cJSON_AddBoolToObject(n, "essential", 1);
        static const char *const lists[] = {"environment", "mountPoints", "volumesFrom",
                                            "systemControls"};
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
            if (param(n, lists[i]) == NULL)
                cJSON_AddArrayToObject(n, lists[i]);
        }
        cJSON_AddItemToArray(list, n);
    }
    *out = list;
    return SIM_OK;
}

static int op_RegisterTaskDefinition(struct call *c)
{
    const char *family = param_str(c->in, "family");
    if (family == NULL || family[0] == '\0')
        return call_error(c, "ClientException", "Family should not be null or empty.");
    if (!ecs_name_ok(family))
        return call_error(c, "ClientException", "Family contains invalid characters.");
    const cJSON *tags = param(c->in, "tags");
    if (ecs_check_tags(c, tags) != SIM_OK)
        return SIM_ERROR;
    int fargate = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, param(c->in, "requiresCompatibilities"))
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, "FARGATE") == 0)
            fargate = 1;
    }
    const char *mode = param_str(c->in, "networkMode");
    const char *cpu_s = param_str(c->in, "cpu");
    const char *mem_s = param_str(c->in, "memory");
    int cpu = cpu_s ? parse_size(cpu_s, "vcpu") : 0;
    int mem = mem_s ? parse_size(mem_s, "gb") : 0;
    /* (drillsim's texts) */
    if (cpu < 0)
        return call_error(c, "ClientException", "Invalid 'cpu' setting for task.");
    if (mem < 0)
        return call_error(c, "ClientException", "Invalid 'memory' setting for task.");
    if (fargate) {
        if (mode == NULL || strcmp(mode, "awsvpc") != 0)
            return call_error(c, "ClientException",
                              "Fargate only supports network mode \xe2\x80\x98" "awsvpc"
                              "\xe2\x80\x99.");
        if (cpu == 0)
            return call_error(c, "ClientException",
                              "Fargate requires that 'cpu' be defined at the task level.");
        if (mem == 0)
            return call_error(c, "ClientException",
                              "Fargate requires that 'memory' be defined at the task level.");
        if (!fargate_ok(cpu, mem))
            return call_error(c, "ClientException",
                              "No Fargate configuration exists for given values: %d CPU, %d "
                              "memory. See the Amazon ECS documentation for the valid values.",
                              cpu, mem);
    }
    int awsvpc = mode && strcmp(mode, "awsvpc") == 0;
    cJSON *containers;
    if (check_containers(c, param(c->in, "containerDefinitions"), mem, awsvpc, &containers) !=
        SIM_OK)
        return SIM_ERROR;
    struct ecs_scope sc = ecs_scope_of(c);
    int64_t rev;
    if (store_ecs_taskdef_last_revision(&sc, family, &rev) != 0) {
        cJSON_Delete(containers);
        return ecs_store_failed(c);
    }
    rev++;
    /* the definition as AWS answers it, in AWS's member order */
    cJSON *o = cJSON_CreateObject();
    char *arn = ecs_taskdef_arn(c, family, rev);
    cJSON_AddStringToObject(o, "taskDefinitionArn", arn);
    cJSON_AddItemToObject(o, "containerDefinitions", containers);
    cJSON_AddStringToObject(o, "family", family);
    static const char *const copied[] = {"taskRoleArn", "executionRoleArn"};
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        if (param_str(c->in, copied[i]))
            cJSON_AddStringToObject(o, copied[i], param_str(c->in, copied[i]));
    }
    cJSON_AddStringToObject(o, "networkMode", mode ? mode : "bridge");
    cJSON_AddNumberToObject(o, "revision", (double)rev);
    const cJSON *vols = param(c->in, "volumes");
    cJSON_AddItemToObject(o, "volumes", vols ? cJSON_Duplicate(vols, 1) : cJSON_CreateArray());
    cJSON_AddStringToObject(o, "status", "ACTIVE");
    cJSON *req = cJSON_AddArrayToObject(o, "requiresAttributes");
    static const char *const attrs[] = {"com.amazonaws.ecs.capability.docker-remote-api.1.18",
                                        "ecs.capability.task-eni"};
    for (int i = 0; i < (awsvpc ? 2 : 1); i++) {
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "name", attrs[i]);
        cJSON_AddItemToArray(req, a);
    }
    const cJSON *pc = param(c->in, "placementConstraints");
    cJSON_AddItemToObject(o, "placementConstraints",
                          pc ? cJSON_Duplicate(pc, 1) : cJSON_CreateArray());
    cJSON *compat = cJSON_AddArrayToObject(o, "compatibilities");
    cJSON_AddItemToArray(compat, cJSON_CreateString("EC2"));
    if (awsvpc && cpu > 0 && mem > 0 && fargate_ok(cpu, mem))
        cJSON_AddItemToArray(compat, cJSON_CreateString("FARGATE"));
    if (param(c->in, "runtimePlatform"))
        cJSON_AddItemToObject(o, "runtimePlatform",
                              cJSON_Duplicate(param(c->in, "runtimePlatform"), 1));
    if (param(c->in, "requiresCompatibilities"))
        cJSON_AddItemToObject(o, "requiresCompatibilities",
                              cJSON_Duplicate(param(c->in, "requiresCompatibilities"), 1));
    char num[16];
    if (cpu > 0) {
        snprintf(num, sizeof num, "%d", cpu);
        cJSON_AddStringToObject(o, "cpu", num);
    }
    if (mem > 0) {
        snprintf(num, sizeof num, "%d", mem);
        cJSON_AddStringToObject(o, "memory", num);
    }
    if (param(c->in, "ephemeralStorage"))
        cJSON_AddItemToObject(o, "ephemeralStorage",
                              cJSON_Duplicate(param(c->in, "ephemeralStorage"), 1));
    cJSON_AddNumberToObject(o, "registeredAt", ecs_time(c->now_ms));
    char *by = xasprintf("arn:aws:iam::%s:root", c->tenant.account);
    cJSON_AddStringToObject(o, "registeredBy", by);
    free(by);
    struct ecs_taskdef d = {0};
    snprintf(d.family, sizeof d.family, "%s", family);
    d.revision = rev;
    snprintf(d.status, sizeof d.status, "ACTIVE");
    d.body = cJSON_PrintUnformatted(o);
    d.registered_ms = c->now_ms;
    d.deregistered_ms = -1;
    int rc = store_ecs_taskdef_insert(&sc, &d) == 0 ? SIM_OK : ecs_store_failed(c);
    if (rc == SIM_OK)
        rc = ecs_put_tags(c, arn, tags);
    cJSON_free(d.body);
    if (rc != SIM_OK) {
        free(arn);
        cJSON_Delete(o);
        return SIM_ERROR;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "taskDefinition", o);
    if (cJSON_GetArraySize(tags) > 0 && ecs_add_tags(c, c->out, arn) != 0) {
        free(arn);
        return ecs_store_failed(c);
    }
    free(arn);
    return SIM_OK;
}

static int op_DescribeTaskDefinition(struct call *c)
{
    struct ecs_taskdef d = {0};
    if (ecs_taskdef_find(c, param_str(c->in, "taskDefinition"), &d, "ClientException",
                         ECS_MSG_TASKDEF_UNDESCRIBABLE) != SIM_OK) {
        store_ecs_taskdef_clear(&d);
        return SIM_ERROR;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "taskDefinition", ecs_taskdef_json(&d));
    int rc = SIM_OK;
    if (ecs_includes(c, "TAGS")) {
        char *arn = ecs_taskdef_arn(c, d.family, d.revision);
        if (ecs_add_tags(c, c->out, arn) != 0)
            rc = ecs_store_failed(c);
        free(arn);
    }
    store_ecs_taskdef_clear(&d);
    return rc;
}

static int op_DeregisterTaskDefinition(struct call *c)
{
    char family[ECS_NAME_MAX];
    int64_t rev;
    const char *ref = param_str(c->in, "taskDefinition");
    if (ecs_taskdef_ref(c, ref, family, &rev) != 0)
        return SIM_ERROR;
    if (rev == 0)
        return call_error(c, "InvalidParameterException", "Invalid revision number.");
    struct ecs_scope sc = ecs_scope_of(c);
    struct ecs_taskdef d = {0};
    int rc = store_ecs_taskdef_get(&sc, family, rev, &d);
    if (rc != 0) {
        store_ecs_taskdef_clear(&d);
        return rc < 0 ? ecs_store_failed(c)
                      : call_error(c, "ClientException", ECS_MSG_TASKDEF_UNDESCRIBABLE);
    }
    if (strcmp(d.status, "ACTIVE") == 0) {
        snprintf(d.status, sizeof d.status, "INACTIVE");
        d.deregistered_ms = c->now_ms;
        if (store_ecs_taskdef_set_status(&sc, family, rev, "INACTIVE", c->now_ms) != 0) {
            store_ecs_taskdef_clear(&d);
            return ecs_store_failed(c);
        }
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "taskDefinition", ecs_taskdef_json(&d));
    store_ecs_taskdef_clear(&d);
    return SIM_OK;
}

struct td_list {
    struct call *c;
    cJSON *arr;
    int n;
    int limit;
    char last_family[ECS_NAME_MAX];
    int64_t last_rev;
    int more;
};

static int add_td_arn(void *ctx, const char *family, int64_t rev)
{
    struct td_list *l = ctx;
    if (l->n == l->limit) {
        l->more = 1;
        return 1;
    }
    char *arn = ecs_taskdef_arn(l->c, family, rev);
    cJSON_AddItemToArray(l->arr, cJSON_CreateString(arn));
    free(arn);
    snprintf(l->last_family, sizeof l->last_family, "%s", family);
    l->last_rev = rev;
    l->n++;
    return 0;
}

static int op_ListTaskDefinitions(struct call *c)
{
    int limit = 0;
    if (ecs_max_results(c, 100, 100, &limit) != SIM_OK)
        return SIM_ERROR;
    const char *status = param_str(c->in, "status");
    const char *sort = param_str(c->in, "sort");
    int desc = sort && strcmp(sort, "DESC") == 0;
    char *after = NULL, family[ECS_NAME_MAX] = "";
    int64_t after_rev = 0;
    const char *tok = param_str(c->in, "nextToken");
    if (tok) {
        const char *op = desc ? "ListTaskDefinitions-" : "ListTaskDefinitions";
        if (ecs_token_read(op, tok, &after) != 0)
            return call_error(c, "InvalidParameterException", ECS_MSG_BAD_TOKEN);
        char *colon = strrchr(after, ':');
        if (colon == NULL || (size_t)(colon - after) >= ECS_NAME_MAX) {
            free(after);
            return call_error(c, "InvalidParameterException", ECS_MSG_BAD_TOKEN);
        }
        snprintf(family, sizeof family, "%.*s", (int)(colon - after), after);
        after_rev = strtoll(colon + 1, NULL, 10);
        free(after);
    }
    struct ecs_scope sc = ecs_scope_of(c);
    struct td_list l = {.c = c, .arr = cJSON_CreateArray(), .limit = limit};
    if (store_ecs_taskdef_each(&sc, param_str(c->in, "familyPrefix"),
                               status ? status : "ACTIVE", desc, tok ? family : NULL, after_rev,
                               limit + 1, add_td_arn, &l) != 0) {
        cJSON_Delete(l.arr);
        return ecs_store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "taskDefinitionArns", l.arr);
    if (l.more) {
        char *key = xasprintf("%s:%lld", l.last_family, (long long)l.last_rev);
        char *t = ecs_token_make(desc ? "ListTaskDefinitions-" : "ListTaskDefinitions", key);
        cJSON_AddStringToObject(c->out, "nextToken", t);
        free(t);
        free(key);
    }
    return SIM_OK;
}

struct family_list {
    cJSON *arr;
    int n;
    int limit;
    char last[ECS_NAME_MAX];
    int more;
};

static int add_family(void *ctx, const char *family)
{
    struct family_list *l = ctx;
    if (l->n == l->limit) {
        l->more = 1;
        return 1;
    }
    cJSON_AddItemToArray(l->arr, cJSON_CreateString(family));
    snprintf(l->last, sizeof l->last, "%s", family);
    l->n++;
    return 0;
}

static int op_ListTaskDefinitionFamilies(struct call *c)
{
    int limit = 0;
    if (ecs_max_results(c, 100, 100, &limit) != SIM_OK)
        return SIM_ERROR;
    char *after = NULL;
    const char *tok = param_str(c->in, "nextToken");
    if (tok && ecs_token_read("ListTaskDefinitionFamilies", tok, &after) != 0)
        return call_error(c, "InvalidParameterException", ECS_MSG_BAD_TOKEN);
    const char *status = param_str(c->in, "status");
    struct ecs_scope sc = ecs_scope_of(c);
    struct family_list l = {.arr = cJSON_CreateArray(), .limit = limit};
    int rc = store_ecs_family_each(&sc, param_str(c->in, "familyPrefix"),
                                   status ? status : "ALL", after, limit + 1, add_family, &l);
    free(after);
    if (rc != 0) {
        cJSON_Delete(l.arr);
        return ecs_store_failed(c);
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "families", l.arr);
    if (l.more) {
        char *t = ecs_token_make("ListTaskDefinitionFamilies", l.last);
        cJSON_AddStringToObject(c->out, "nextToken", t);
        free(t);
    }
    return SIM_OK;
}

/* ---- tags ------------------------------------------------------------------------------- */

/* Checks that arn names an existing resource of this tenant. Returns SIM_OK or SIM_ERROR. */
static int check_resource(struct call *c, const char *arn)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "arn:aws:ecs:%s:%s:", c->tenant.region, c->tenant.account);
    if (strncmp(arn, prefix, strlen(prefix)) != 0)
        return call_error(c, "InvalidParameterException", ECS_MSG_BAD_ARN);
    const char *r = arn + strlen(prefix);
    struct ecs_scope sc = ecs_scope_of(c);
    int rc;
    if (strncmp(r, "cluster/", 8) == 0) {
        struct ecs_cluster cl;
        rc = ecs_name_ok(r + 8) ? store_ecs_cluster_get(&sc, r + 8, &cl) : 1;
        if (rc == 0 && strcmp(cl.status, "ACTIVE") != 0)
            rc = 1;
        if (rc > 0)
            return call_error(c, "ClusterNotFoundException", ECS_MSG_CLUSTER_NOT_FOUND);
    } else if (strncmp(r, "service/", 8) == 0) {
        const char *slash = strchr(r + 8, '/');
        if (slash == NULL)
            return call_error(c, "InvalidParameterException",
                              "Long arn format must be used for tagging operations");
        size_t clen = (size_t)(slash - (r + 8));
        char cluster[ECS_NAME_MAX] = "";
        if (clen < ECS_NAME_MAX)
            snprintf(cluster, sizeof cluster, "%.*s", (int)clen, r + 8);
        struct ecs_service s = {0};
        rc = ecs_name_ok(slash + 1) && ecs_name_ok(cluster)
                 ? store_ecs_service_get(&sc, cluster, slash + 1, &s)
                 : 1;
        if (rc == 0 && strcmp(s.status, "INACTIVE") == 0)
            rc = 1;
        store_ecs_service_clear(&s);
        if (rc > 0)
            return call_error(c, "ServiceNotFoundException", ECS_MSG_SERVICE_NOT_FOUND);
    } else if (strncmp(r, "task/", 5) == 0) {
        const char *slash = strchr(r + 5, '/');
        if (slash == NULL)
            return call_error(c, "InvalidParameterException",
                              "Long arn format must be used for tagging operations");
        struct ecs_task t = {0};
        rc = strlen(slash + 1) < ECS_ID_MAX ? store_ecs_task_get(&sc, slash + 1, &t) : 1;
        store_ecs_task_clear(&t);
        if (rc > 0)
            return call_error(c, "InvalidParameterException", ECS_MSG_TASK_NOT_FOUND);
    } else if (strncmp(r, "task-definition/", 16) == 0) {
        char family[ECS_NAME_MAX];
        int64_t rev;
        if (ecs_taskdef_ref(c, r + 16, family, &rev) != 0)
            return SIM_ERROR;
        struct ecs_taskdef d = {0};
        rc = rev > 0 ? store_ecs_taskdef_get(&sc, family, rev, &d) : 1;
        store_ecs_taskdef_clear(&d);
        if (rc > 0)
            return call_error(c, "ClientException", ECS_MSG_TASKDEF_UNDESCRIBABLE);
    } else {
        return call_error(c, "InvalidParameterException", ECS_MSG_BAD_ARN);
    }
    return rc < 0 ? ecs_store_failed(c) : SIM_OK;
}

static int op_TagResource(struct call *c)
{
    const char *arn = param_str(c->in, "resourceArn");
    const cJSON *tags = param(c->in, "tags");
    if (check_resource(c, arn) != SIM_OK || ecs_check_tags(c, tags) != SIM_OK)
        return SIM_ERROR;
    if (ecs_put_tags(c, arn, tags) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

static int op_UntagResource(struct call *c)
{
    const char *arn = param_str(c->in, "resourceArn");
    if (check_resource(c, arn) != SIM_OK)
        return SIM_ERROR;
    struct ecs_scope sc = ecs_scope_of(c);
    const cJSON *k;
    cJSON_ArrayForEach(k, param(c->in, "tagKeys"))
    {
        if (cJSON_IsString(k) && store_ecs_tag_remove(&sc, arn, k->valuestring) != 0)
            return ecs_store_failed(c);
    }
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

static int op_ListTagsForResource(struct call *c)
{
    const char *arn = param_str(c->in, "resourceArn");
    if (check_resource(c, arn) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    if (ecs_add_tags(c, c->out, arn) != 0)
        return ecs_store_failed(c);
    return SIM_OK;
}

static const struct sim_op ecs_ops[] = {
    {"CreateCluster", op_CreateCluster, OP_WRITE},
    {"DescribeClusters", op_DescribeClusters, OP_READ},
    {"ListClusters", op_ListClusters, OP_READ},
    {"DeleteCluster", op_DeleteCluster, OP_WRITE},
    {"RegisterTaskDefinition", op_RegisterTaskDefinition, OP_WRITE},
    {"DescribeTaskDefinition", op_DescribeTaskDefinition, OP_READ},
    {"ListTaskDefinitions", op_ListTaskDefinitions, OP_READ},
    {"ListTaskDefinitionFamilies", op_ListTaskDefinitionFamilies, OP_READ},
    {"DeregisterTaskDefinition", op_DeregisterTaskDefinition, OP_WRITE},
    {"CreateService", ecs_CreateService, OP_WRITE},
    {"DescribeServices", ecs_DescribeServices, OP_READ},
    {"ListServices", ecs_ListServices, OP_READ},
    {"UpdateService", ecs_UpdateService, OP_WRITE},
    {"DeleteService", ecs_DeleteService, OP_WRITE},
    {"RunTask", ecs_RunTask, OP_WRITE},
    {"ListTasks", ecs_ListTasks, OP_READ},
    {"DescribeTasks", ecs_DescribeTasks, OP_READ},
    {"StopTask", ecs_StopTask, OP_WRITE},
    {"TagResource", op_TagResource, OP_WRITE},
    {"UntagResource", op_UntagResource, OP_WRITE},
    {"ListTagsForResource", op_ListTagsForResource, OP_READ},
    {NULL, NULL, 0},
};

struct sim_service service_ecs = {
    .name = "ecs",
    .ops = ecs_ops,
    .vstyle = VS_CORAL_IPE,
};
