/*
 * autoscaling.c - Application Auto Scaling, spoken as awsJson 1.1
 * ("AnyScaleFrontendService.<Op>", signing name application-autoscaling).
 *
 * Operations: RegisterScalableTarget, DescribeScalableTargets, DeregisterScalableTarget,
 * PutScalingPolicy, DescribeScalingPolicies, DeleteScalingPolicy, DescribeScalingActivities,
 * PutScheduledAction, DescribeScheduledActions, DeleteScheduledAction, TagResource,
 * UntagResource, ListTagsForResource. The model's validation (required members, enums,
 * lengths, patterns) has run in coral wording when a handler starts; handlers add the rules of
 * the Application Auto Scaling API reference and user guide.
 *
 * Storage is sim/store/autoscaling.c (targets, policies, scheduled actions, activities; tags in
 * the generic tags table under the ScalableTargetARN). The world side is
 * sim/engine/autoscaling.c: scheduled actions fire in its tick sub-step, policies act when the
 * world model calls autoscaling_apply, and a registration that moves MinCapacity/MaxCapacity
 * past an ECS service's desired count moves the count (autoscaling_fit_capacity), as AWS does.
 * Only ECS services act; targets of the other namespaces AWS accepts are stored and kept.
 * A target tracking policy's CloudWatch alarms (TargetTracking-...-AlarmHigh/-AlarmLow) are
 * created, updated and deleted with the policy (and with its target) by sim/engine/alarms.h.
 * Times come from c->now_ms, ids and ARNs from the team's id generator.
 *
 * Error texts: AWS's where public reports quote them ("ECS service doesn't exist: ...",
 * "No scalable target registered for service namespace: ...", "Unsupported service
 * namespace, resource type or scalable dimension", "At least one of minimum capacity and
 * maximum capacity should be provided", "The scalable target that you tried to tag already
 * exists. ..."), moto's (which follows AWS) for the not-found texts of the Delete and
 * Deregister operations. Where no AWS text was found the wording is drillsim's and the macro
 * says so (MSG_DS_*).
 *
 * Decisions where AWS is not pinned down:
 *   - RoleARN is the namespace's service-linked role for every namespace that has one; a
 *     custom RoleARN is ignored there (as the AWS provider for Terraform documents), and kept
 *     for EMR, which has none (default EMR_AutoScaling_DefaultRole).
 *   - Time zones: IANA names from the system zoneinfo (engine/cronexpr.c); rate() ignores it.
 *   - A scheduled action updated without a member keeps that member's previous value.
 *   - Pagination tokens are opaque to clients and never repeat; orders: targets by
 *     (ResourceId, ScalableDimension), policies and scheduled actions by (ResourceId,
 *     ScalableDimension, name), activities newest first.
 *
 * To add an operation: list it in sim/services/models/ops.json and regenerate the models,
 * write op_<Name> here and add its row to autoscaling_ops, put queries in
 * sim/store/autoscaling.c, cover it in tests/e2e/test_autoscaling.py.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alarms.h"
#include "engine/autoscaling.h"
#include "engine/cronexpr.h"
#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "store/autoscaling.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define AAS_MAX_RESULTS 50
#define AAS_MAX_TAGS 50
#define AAS_ACTIVITY_KEEP_MS (42LL * 24 * 3600 * 1000) /* "the last six weeks" */
#define TOKEN_PREFIX "aas1."
#define TOKEN_MAX 8192

#define MSG_UNSUPPORTED "Unsupported service namespace, resource type or scalable dimension"
#define MSG_NO_ECS_SERVICE "ECS service doesn't exist: %s"
#define MSG_NOT_REGISTERED                                                                     \
    "No scalable target registered for service namespace: %s, resource ID: %s, scalable "      \
    "dimension: %s"
#define MSG_TARGET_NOT_FOUND                                                                   \
    "No scalable target found for service namespace: %s, resource ID: %s, scalable "           \
    "dimension: %s"
#define MSG_POLICY_NOT_FOUND                                                                   \
    "No scaling policy found for service namespace: %s, resource ID: %s, scalable dimension: " \
    "%s, policy name: %s"
#define MSG_SCHED_NOT_FOUND                                                                    \
    "No scheduled action found for service namespace: %s, resource ID: %s, scalable "          \
    "dimension: %s, scheduled action name: %s"
#define MSG_TAG_EXISTING                                                                       \
    "The scalable target that you tried to tag already exists. To update tags on an existing " \
    "scalable target, use the TagResource API."
#define MSG_NO_CAPACITY "At least one of minimum capacity and maximum capacity should be provided"
#define MSG_BAD_SCHEDULE "Invalid schedule expression"
#define MSG_ALB_LABEL                                                                          \
    "Resource label should be specified for predefined metric type ALBRequestCountPerTarget"
/* drillsim's wording (no AWS text found) */
#define MSG_DS_NEW_TARGET                                                                      \
    "MinCapacity and MaxCapacity must both be specified when registering a new scalable "      \
    "target"
#define MSG_DS_MIN_GT_MAX "Minimum capacity cannot be greater than maximum capacity"
#define MSG_DS_NEGATIVE "%s cannot be less than 0"
#define MSG_DS_BAD_TOKEN "The NextToken value is invalid."
#define MSG_DS_NO_SCHEDULE "Schedule must be specified when creating a scheduled action"
#define MSG_DS_BAD_TIMEZONE "Invalid time zone: %s"
#define MSG_DS_END_BEFORE_START "EndTime must be after StartTime"
#define MSG_DS_ARN_NOT_FOUND "No scalable target found for ARN %s"
#define MSG_DS_TOO_MANY_TAGS "A scalable target can have at most 50 tags"
#define MSG_DS_CONFIG_MISSING "%s is required for a policy of type %s"
#define MSG_DS_CONFIG_MISMATCH "%s cannot be specified for a policy of type %s"
#define MSG_DS_ONE_METRIC                                                                      \
    "Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be "  \
    "specified"
#define MSG_DS_METRIC_NAMESPACE "Predefined metric type %s is not supported for namespace %s"
#define MSG_DS_TARGET_VALUE "TargetValue must be greater than 0"
#define MSG_DS_CUSTOM_METRIC                                                                   \
    "CustomizedMetricSpecification needs either MetricName, Namespace and Statistic, or "      \
    "Metrics"
#define MSG_DS_STEP_TYPE "AdjustmentType must be specified for a step scaling policy"
#define MSG_DS_STEPS "StepAdjustments must contain at least one step adjustment"
#define MSG_DS_MAGNITUDE "MinAdjustmentMagnitude is only valid with PercentChangeInCapacity"

/* ---- small helpers --------------------------------------------------------------------- */

static struct aas_scope scope_of(const struct call *c)
{
    struct aas_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

/* The target key named by the request's ServiceNamespace, ResourceId, ScalableDimension. */
static struct aas_key key_of(const struct call *c)
{
    struct aas_key k = {param_str(c->in, "ServiceNamespace"), param_str(c->in, "ResourceId"),
                        param_str(c->in, "ScalableDimension")};
    return k;
}

/* Records the answer to a failed store call: the modeled 500. Returns SIM_ERROR. */
static int store_failed(struct call *c)
{
    return call_error(c, "InternalServiceException", "An internal error occurred.");
}

/* Converts epoch milliseconds to the neutral timestamp: epoch seconds. */
static double epoch_s(int64_t ms)
{
    return (double)ms / 1000.0;
}

/* Converts a neutral timestamp member to epoch milliseconds; 0 when absent. */
static int64_t param_ms(const cJSON *obj, const char *name)
{
    const cJSON *v = param(obj, name);
    if (!cJSON_IsNumber(v))
        return 0;
    return (int64_t)llround(v->valuedouble * 1000.0);
}

/* Returns a new string of 2n lowercase hex digits drawn from the team's id generator. */
static char *random_hex(struct call *c, size_t n)
{
    char *s = xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", (unsigned)(rng_next(&c->team->ids) & 0xff));
    return s;
}

/* ---- namespaces, resource ids and dimensions -------------------------------------------- */

/* What a scalable dimension needs of its ResourceId, and its service-linked role. */
static const struct dim_rule {
    const char *dimension;
    const char *prefix;   /* the ResourceId starts with it (and has more after it) */
    const char *contains; /* ... and contains it (NULL = no condition) */
    const char *excludes; /* ... and does not contain it (NULL = no condition) */
    const char *role;     /* service-linked role path, NULL = the caller's RoleARN */
} dim_rules[] = {
    {"ecs:service:DesiredCount", "service/", NULL, NULL,
     "ecs.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_ECSService"},
    {"ec2:spot-fleet-request:TargetCapacity", "spot-fleet-request/", NULL, NULL,
     "ec2.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest"},
    {"elasticmapreduce:instancegroup:InstanceCount", "instancegroup/", NULL, NULL, NULL},
    {"appstream:fleet:DesiredCapacity", "fleet/", NULL, NULL,
     "appstream.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_AppStreamFleet"},
    {"dynamodb:table:ReadCapacityUnits", "table/", NULL, "/index/",
     "dynamodb.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"},
    {"dynamodb:table:WriteCapacityUnits", "table/", NULL, "/index/",
     "dynamodb.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"},
    {"dynamodb:index:ReadCapacityUnits", "table/", "/index/", NULL,
     "dynamodb.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"},
    {"dynamodb:index:WriteCapacityUnits", "table/", "/index/", NULL,
     "dynamodb.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"},
    {"rds:cluster:ReadReplicaCount", "cluster:", NULL, NULL,
     "rds.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_RDSCluster"},
    {"sagemaker:variant:DesiredInstanceCount", "endpoint/", "/variant/", NULL,
     "sagemaker.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"},
    {"sagemaker:variant:DesiredProvisionedConcurrency", "endpoint/", "/variant/", NULL,
     "sagemaker.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"},
    {"sagemaker:inference-component:DesiredCopyCount", "inference-component/", NULL, NULL,
     "sagemaker.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"},
    {"custom-resource:ResourceType:Property", "", NULL, NULL,
     "custom-resource.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_CustomResource"},
    {"comprehend:document-classifier-endpoint:DesiredInferenceUnits", "arn:",
     ":document-classifier-endpoint/", NULL,
     "comprehend.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_ComprehendEndpoint"},
    {"comprehend:entity-recognizer-endpoint:DesiredInferenceUnits", "arn:",
     ":entity-recognizer-endpoint/", NULL,
     "comprehend.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_ComprehendEndpoint"},
    {"lambda:function:ProvisionedConcurrency", "function:", NULL, NULL,
     "lambda.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency"},
    {"cassandra:table:ReadCapacityUnits", "keyspace/", "/table/", NULL,
     "cassandra.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_CassandraTable"},
    {"cassandra:table:WriteCapacityUnits", "keyspace/", "/table/", NULL,
     "cassandra.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_CassandraTable"},
    {"kafka:broker-storage:VolumeSize", "arn:", ":kafka:", NULL,
     "kafka.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_KafkaCluster"},
    {"elasticache:cache-cluster:Nodes", "cache-cluster/", NULL, NULL,
     "elasticache.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG"},
    {"elasticache:replication-group:NodeGroups", "replication-group/", NULL, NULL,
     "elasticache.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG"},
    {"elasticache:replication-group:Replicas", "replication-group/", NULL, NULL,
     "elasticache.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG"},
    {"neptune:cluster:ReadReplicaCount", "cluster:", NULL, NULL,
     "neptune.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_NeptuneCluster"},
    {"workspaces:workspacespool:DesiredUserSessions", "workspacespool/", NULL, NULL,
     "workspaces.application-autoscaling.amazonaws.com/"
     "AWSServiceRoleForApplicationAutoScaling_WorkSpacesPool"},
};

/* Returns the rule of k's dimension when k's namespace, ResourceId and dimension agree, else
 * NULL. */
static const struct dim_rule *rule_of(const struct aas_key *k)
{
    size_t nslen = strlen(k->ns);
    if (strncmp(k->dimension, k->ns, nslen) != 0 || k->dimension[nslen] != ':')
        return NULL;
    for (size_t i = 0; i < sizeof dim_rules / sizeof dim_rules[0]; i++) {
        const struct dim_rule *r = &dim_rules[i];
        if (strcmp(r->dimension, k->dimension) != 0)
            continue;
        size_t plen = strlen(r->prefix);
        if (strncmp(k->resource_id, r->prefix, plen) != 0 || k->resource_id[plen] == '\0')
            return NULL;
        if (r->contains && strstr(k->resource_id, r->contains) == NULL)
            return NULL;
        if (r->excludes && strstr(k->resource_id, r->excludes) != NULL)
            return NULL;
        return r;
    }
    return NULL;
}

/* Checks that the request's namespace, ResourceId and dimension agree. Returns SIM_OK or
 * SIM_ERROR with AWS's ValidationException. */
static int check_key(struct call *c, const struct aas_key *k, const struct dim_rule **rule)
{
    const struct dim_rule *r = rule_of(k);
    if (r == NULL)
        return call_error(c, "ValidationException", MSG_UNSUPPORTED);
    if (rule)
        *rule = r;
    return SIM_OK;
}

/* Loads the target of k into *t or records AWS's "not registered" ObjectNotFoundException.
 * Returns SIM_OK or SIM_ERROR. */
static int need_target(struct call *c, const struct aas_key *k, struct aas_target *t)
{
    struct aas_scope sc = scope_of(c);
    int rc = store_aas_target_get(&sc, k, t);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "ObjectNotFoundException", MSG_NOT_REGISTERED, k->ns,
                          k->resource_id, k->dimension);
    return SIM_OK;
}

/* Reads MaxResults (1-50, default 50). Returns SIM_OK or SIM_ERROR. */
static int read_max_results(struct call *c, int *out)
{
    const cJSON *v = param(c->in, "MaxResults");
    *out = AAS_MAX_RESULTS;
    if (v == NULL)
        return SIM_OK;
    long long n = (long long)v->valuedouble;
    if (n < 1)
        return call_error(c, "ValidationException",
                          "1 validation error detected: Value '%lld' at 'maxResults' failed to "
                          "satisfy constraint: Member must have value greater than or equal to 1",
                          n);
    if (n > AAS_MAX_RESULTS)
        return call_error(c, "ValidationException",
                          "1 validation error detected: Value '%lld' at 'maxResults' failed to "
                          "satisfy constraint: Member must have value less than or equal to 50",
                          n);
    *out = (int)n;
    return SIM_OK;
}

/* Returns 1 if s is one of the strings of the cJSON array list (absent or empty = any). */
static int in_list(const cJSON *list, const char *s)
{
    if (cJSON_GetArraySize(list) == 0)
        return 1;
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return 1;
    }
    return 0;
}

/* ---- pagination tokens ------------------------------------------------------------------ */

/* A token carries the sort key of the last item of a page: up to three parts. */
struct page_key {
    char *part[3];
};

static void page_key_clear(struct page_key *k)
{
    for (int i = 0; i < 3; i++)
        free(k->part[i]);
    memset(k, 0, sizeof *k);
}

/* Returns a new token for the parts (NULL-terminated list of at most three). */
static char *token_make(const char *a, const char *b, const char *d)
{
    const char *parts[3] = {a, b, d};
    struct buf out;
    buf_init(&out, TOKEN_MAX * 2);
    buf_puts(&out, TOKEN_PREFIX);
    for (int i = 0; i < 3 && parts[i]; i++) {
        if (i > 0)
            buf_puts(&out, "00"); /* the separator: a NUL byte, never inside a part */
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
            buf_printf(&out, "%02x", *p);
    }
    return buf_steal(&out, NULL);
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* Reads a token made by token_make with nparts parts into *k. Returns 0, or -1. */
static int token_read(const char *tok, int nparts, struct page_key *k)
{
    size_t plen = strlen(TOKEN_PREFIX), len = strlen(tok);
    memset(k, 0, sizeof *k);
    if (len > TOKEN_MAX || strncmp(tok, TOKEN_PREFIX, plen) != 0 || (len - plen) % 2 != 0)
        return -1;
    size_t n = (len - plen) / 2;
    char *raw = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(tok[plen + 2 * i]), lo = hexval(tok[plen + 2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(raw);
            return -1;
        }
        raw[i] = (char)(hi * 16 + lo);
    }
    raw[n] = '\0';
    const char *p = raw;
    int got = 0;
    while (got < nparts) {
        k->part[got++] = xstrdup(p);
        p += strlen(p);
        if (p == raw + n)
            break;
        p++;
    }
    free(raw);
    if (got != nparts || k->part[0][0] == '\0') {
        page_key_clear(k);
        return -1;
    }
    return 0;
}

/* Reads NextToken (absent = from the start). Returns SIM_OK or SIM_ERROR. */
static int read_token(struct call *c, int nparts, struct page_key *k)
{
    memset(k, 0, sizeof *k);
    const char *tok = param_str(c->in, "NextToken");
    if (tok == NULL)
        return SIM_OK;
    if (token_read(tok, nparts, k) != 0)
        return call_error(c, "InvalidNextTokenException", MSG_DS_BAD_TOKEN);
    return SIM_OK;
}

/* A page being filled by one of the store iterations. */
struct page {
    struct call *c;
    cJSON *items;
    int max;
    int n;
    int more;
    const cJSON *names; /* name / resource id filter list, or NULL */
    char *last[3];      /* the key of the last item taken */
};

static void page_remember(struct page *pg, const char *a, const char *b, const char *d)
{
    for (int i = 0; i < 3; i++)
        free(pg->last[i]);
    pg->last[0] = xstrdup(a);
    pg->last[1] = b ? xstrdup(b) : NULL;
    pg->last[2] = d ? xstrdup(d) : NULL;
}

/* Adds NextToken when more items follow, and frees the page's key. */
static void page_finish(struct page *pg, cJSON *out)
{
    if (pg->more && pg->last[0]) {
        char *tok = token_make(pg->last[0], pg->last[1], pg->last[2]);
        cJSON_AddStringToObject(out, "NextToken", tok);
        free(tok);
    }
    for (int i = 0; i < 3; i++)
        free(pg->last[i]);
}

/* ---- reply documents -------------------------------------------------------------------- */

static cJSON *target_json(const struct aas_target *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ServiceNamespace", t->ns);
    cJSON_AddStringToObject(o, "ResourceId", t->resource_id);
    cJSON_AddStringToObject(o, "ScalableDimension", t->dimension);
    cJSON_AddNumberToObject(o, "MinCapacity", (double)t->min_cap);
    cJSON_AddNumberToObject(o, "MaxCapacity", (double)t->max_cap);
    cJSON_AddStringToObject(o, "RoleARN", t->role_arn);
    cJSON_AddNumberToObject(o, "CreationTime", epoch_s(t->created_ms));
    cJSON *s = cJSON_AddObjectToObject(o, "SuspendedState");
    cJSON_AddBoolToObject(s, "DynamicScalingInSuspended", t->susp_in);
    cJSON_AddBoolToObject(s, "DynamicScalingOutSuspended", t->susp_out);
    cJSON_AddBoolToObject(s, "ScheduledScalingSuspended", t->susp_sched);
    cJSON_AddStringToObject(o, "ScalableTargetARN", t->arn);
    return o;
}

/* The configuration member of a policy type. */
static const char *config_member(const char *type)
{
    if (strcmp(type, "TargetTrackingScaling") == 0)
        return "TargetTrackingScalingPolicyConfiguration";
    if (strcmp(type, "PredictiveScaling") == 0)
        return "PredictiveScalingPolicyConfiguration";
    return "StepScalingPolicyConfiguration";
}

/* Parses stored JSON text (the store wrote it), or an empty array on damage. */
static cJSON *stored_json(const char *text, int array)
{
    cJSON *v = text ? cJSON_Parse(text) : NULL;
    if (v == NULL)
        v = array ? cJSON_CreateArray() : cJSON_CreateObject();
    return v;
}

static cJSON *policy_json(const struct aas_policy *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "PolicyARN", p->arn);
    cJSON_AddStringToObject(o, "PolicyName", p->name);
    cJSON_AddStringToObject(o, "ServiceNamespace", p->ns);
    cJSON_AddStringToObject(o, "ResourceId", p->resource_id);
    cJSON_AddStringToObject(o, "ScalableDimension", p->dimension);
    cJSON_AddStringToObject(o, "PolicyType", p->type);
    cJSON_AddItemToObject(o, config_member(p->type), stored_json(p->config, 0));
    cJSON_AddItemToObject(o, "Alarms", stored_json(p->alarms, 1));
    cJSON_AddNumberToObject(o, "CreationTime", epoch_s(p->created_ms));
    return o;
}

static cJSON *sched_json(const struct aas_scheduled *a)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ScheduledActionName", a->name);
    cJSON_AddStringToObject(o, "ScheduledActionARN", a->arn);
    cJSON_AddStringToObject(o, "ServiceNamespace", a->ns);
    cJSON_AddStringToObject(o, "Schedule", a->schedule);
    if (a->timezone)
        cJSON_AddStringToObject(o, "Timezone", a->timezone);
    cJSON_AddStringToObject(o, "ResourceId", a->resource_id);
    cJSON_AddStringToObject(o, "ScalableDimension", a->dimension);
    if (a->start_ms)
        cJSON_AddNumberToObject(o, "StartTime", epoch_s(a->start_ms));
    if (a->end_ms)
        cJSON_AddNumberToObject(o, "EndTime", epoch_s(a->end_ms));
    cJSON *act = cJSON_AddObjectToObject(o, "ScalableTargetAction");
    if (a->has_min)
        cJSON_AddNumberToObject(act, "MinCapacity", (double)a->min_cap);
    if (a->has_max)
        cJSON_AddNumberToObject(act, "MaxCapacity", (double)a->max_cap);
    cJSON_AddNumberToObject(o, "CreationTime", epoch_s(a->created_ms));
    return o;
}

static cJSON *activity_json(const struct aas_activity *a)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ActivityId", a->activity_id);
    cJSON_AddStringToObject(o, "ServiceNamespace", a->ns);
    cJSON_AddStringToObject(o, "ResourceId", a->resource_id);
    cJSON_AddStringToObject(o, "ScalableDimension", a->dimension);
    cJSON_AddStringToObject(o, "Description", a->description);
    cJSON_AddStringToObject(o, "Cause", a->cause);
    cJSON_AddNumberToObject(o, "StartTime", epoch_s(a->start_ms));
    if (a->end_ms)
        cJSON_AddNumberToObject(o, "EndTime", epoch_s(a->end_ms));
    cJSON_AddStringToObject(o, "StatusCode", a->status_code);
    if (a->status_message)
        cJSON_AddStringToObject(o, "StatusMessage", a->status_message);
    if (a->details)
        cJSON_AddStringToObject(o, "Details", a->details);
    if (a->not_scaled)
        cJSON_AddItemToObject(o, "NotScaledReasons", stored_json(a->not_scaled, 1));
    return o;
}

/* ---- scalable targets ------------------------------------------------------------------- */

/* Checks a capacity member is not negative. Returns SIM_OK or SIM_ERROR. */
static int check_capacity(struct call *c, const cJSON *v, const char *name)
{
    if (v && v->valuedouble < 0)
        return call_error(c, "ValidationException", MSG_DS_NEGATIVE, name);
    return SIM_OK;
}

/* Checks and stores the Tags map of a new target. Returns SIM_OK or SIM_ERROR. */
static int put_new_tags(struct call *c, const char *arn, const cJSON *tags)
{
    struct aas_scope sc = scope_of(c);
    if (cJSON_GetArraySize(tags) > AAS_MAX_TAGS)
        return call_error(c, "TooManyTagsException", MSG_DS_TOO_MANY_TAGS);
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        if (!cJSON_IsString(t))
            continue;
        if (store_aas_tag_put(&sc, arn, t->string, t->valuestring) != 0)
            return store_failed(c);
    }
    return SIM_OK;
}

/* RegisterScalableTarget: registers a target or updates the members given. */
static int op_RegisterScalableTarget(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct aas_key k = key_of(c);
    const struct dim_rule *rule = NULL;
    const cJSON *minv = param(c->in, "MinCapacity"), *maxv = param(c->in, "MaxCapacity");
    const cJSON *tags = param(c->in, "Tags"), *susp = param(c->in, "SuspendedState");
    struct aas_target t = {0};
    int result = SIM_ERROR;
    if (check_key(c, &k, &rule) != SIM_OK || check_capacity(c, minv, "MinCapacity") != SIM_OK ||
        check_capacity(c, maxv, "MaxCapacity") != SIM_OK)
        goto out;
    if (strcmp(k.ns, "ecs") == 0) {
        int desired, rc = autoscaling_ecs_desired(c->sim, c->team, c->tenant.region,
                                                  k.resource_id, &desired);
        if (rc < 0) {
            store_failed(c);
            goto out;
        }
        if (rc == 1) {
            call_error(c, "ValidationException", MSG_NO_ECS_SERVICE, k.resource_id);
            goto out;
        }
    }
    int rc = store_aas_target_get(&sc, &k, &t);
    if (rc < 0) {
        store_failed(c);
        goto out;
    }
    int is_new = rc == 1;
    if (is_new) {
        if (minv == NULL || maxv == NULL) {
            call_error(c, "ValidationException", MSG_DS_NEW_TARGET);
            goto out;
        }
        t.ns = xstrdup(k.ns);
        t.resource_id = xstrdup(k.resource_id);
        t.dimension = xstrdup(k.dimension);
        t.created_ms = c->now_ms;
        char *id = random_hex(c, 18);
        t.arn = xasprintf("arn:aws:application-autoscaling:%s:%s:scalable-target/%s",
                          c->tenant.region, c->tenant.account, id);
        free(id);
        char uuid[37];
        rng_uuid(&c->team->ids, uuid);
        t.uuid = xstrdup(uuid);
    } else if (cJSON_GetArraySize(tags) > 0) {
        call_error(c, "ValidationException", MSG_TAG_EXISTING);
        goto out;
    }
    int64_t new_min = minv ? (int64_t)minv->valuedouble : t.min_cap;
    int64_t new_max = maxv ? (int64_t)maxv->valuedouble : t.max_cap;
    if (new_min > new_max) {
        call_error(c, "ValidationException", MSG_DS_MIN_GT_MAX);
        goto out;
    }
    t.min_cap = new_min;
    t.max_cap = new_max;
    const char *role = param_str(c->in, "RoleARN");
    char *role_arn = NULL;
    if (rule && rule->role)
        role_arn = xasprintf("arn:aws:iam::%s:role/aws-service-role/%s", c->tenant.account,
                             rule->role);
    else if (role)
        role_arn = xstrdup(role);
    else if (is_new)
        role_arn = xasprintf("arn:aws:iam::%s:role/EMR_AutoScaling_DefaultRole",
                             c->tenant.account);
    if (role_arn) {
        free(t.role_arn);
        t.role_arn = role_arn;
    }
    t.susp_in = param_bool(susp, "DynamicScalingInSuspended", t.susp_in);
    t.susp_out = param_bool(susp, "DynamicScalingOutSuspended", t.susp_out);
    t.susp_sched = param_bool(susp, "ScheduledScalingSuspended", t.susp_sched);
    if (store_aas_target_put(&sc, &t) != 0) {
        store_failed(c);
        goto out;
    }
    if (is_new && put_new_tags(c, t.arn, tags) != SIM_OK)
        goto out;
    if (autoscaling_fit_capacity(c->sim, c->team, c->tenant.region, &t, c->now_ms) != 0) {
        store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "ScalableTargetARN", t.arn);
    result = SIM_OK;
out:
    store_aas_target_clear(&t);
    return result;
}

static int take_target(void *ctx, const struct aas_target *t)
{
    struct page *pg = ctx;
    if (pg->names && !in_list(pg->names, t->resource_id))
        return 0;
    if (pg->n == pg->max) {
        pg->more = 1;
        return 1;
    }
    cJSON_AddItemToArray(pg->items, target_json(t));
    pg->n++;
    page_remember(pg, t->resource_id, t->dimension, NULL);
    return 0;
}

/* DescribeScalableTargets: the namespace's targets, filtered by ResourceIds and dimension. */
static int op_DescribeScalableTargets(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct page_key after;
    struct page pg = {.c = c};
    if (read_max_results(c, &pg.max) != SIM_OK || read_token(c, 2, &after) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    pg.items = cJSON_AddArrayToObject(c->out, "ScalableTargets");
    pg.names = param(c->in, "ResourceIds");
    int rc = store_aas_target_each(&sc, param_str(c->in, "ServiceNamespace"),
                                   param_str(c->in, "ScalableDimension"), after.part[0],
                                   after.part[1], take_target, &pg);
    page_key_clear(&after);
    page_finish(&pg, c->out);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* Deletes the alarms of one target tracking policy (store_aas_policy_each callback). */
struct tt_alarms {
    struct call *c;
    const char *dimension;
    int failed;
};

static int delete_tt_alarms(void *ctx, const struct aas_policy *p)
{
    struct tt_alarms *ta = ctx;
    if (strcmp(p->dimension, ta->dimension) != 0 ||
        strcmp(p->type, "TargetTrackingScaling") != 0)
        return 0;
    if (alarms_tt_delete(ta->c->sim, ta->c->team, ta->c->tenant.region, p->alarms,
                         ta->c->now_ms) != 0) {
        ta->failed = 1;
        return -1;
    }
    return 0;
}

/* DeregisterScalableTarget: removes the target with its policies and scheduled actions. */
static int op_DeregisterScalableTarget(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct aas_key k = key_of(c);
    if (check_key(c, &k, NULL) != SIM_OK)
        return SIM_ERROR;
    /* the alarms of its target tracking policies go with it (sim/engine/alarms.h) */
    struct tt_alarms ta = {.c = c, .dimension = k.dimension};
    if (store_aas_policy_each(&sc, k.ns, k.resource_id, k.dimension, NULL, NULL, NULL,
                              delete_tt_alarms, &ta) != 0 || ta.failed)
        return store_failed(c);
    int rc = store_aas_target_delete(&sc, &k);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "ObjectNotFoundException", MSG_TARGET_NOT_FOUND, k.ns,
                          k.resource_id, k.dimension);
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

/* ---- scaling policies ------------------------------------------------------------------- */

/* The predefined metric types each namespace accepts (PredefinedMetricSpecification). */
static int metric_fits(const char *ns, const char *metric)
{
    static const struct {
        const char *ns, *prefix;
    } fits[] = {
        {"ecs", "ECSService"},          {"ecs", "ALBRequestCountPerTarget"},
        {"dynamodb", "DynamoDB"},       {"rds", "RDSReader"},
        {"ec2", "EC2SpotFleetRequest"}, {"ec2", "ALBRequestCountPerTarget"},
        {"sagemaker", "SageMaker"},     {"appstream", "AppStream"},
        {"comprehend", "Comprehend"},   {"lambda", "LambdaProvisioned"},
        {"cassandra", "Cassandra"},     {"kafka", "Kafka"},
        {"elasticache", "ElastiCache"}, {"neptune", "NeptuneReader"},
        {"workspaces", "WorkSpaces"},   {"elasticmapreduce", "EMR"},
    };
    for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++) {
        if (strcmp(fits[i].ns, ns) == 0 &&
            strncmp(metric, fits[i].prefix, strlen(fits[i].prefix)) == 0)
            return 1;
    }
    return 0;
}

/* Checks a target tracking configuration. Returns SIM_OK or SIM_ERROR. */
static int check_target_tracking(struct call *c, const char *ns, const cJSON *cfg)
{
    const cJSON *pre = param(cfg, "PredefinedMetricSpecification");
    const cJSON *cust = param(cfg, "CustomizedMetricSpecification");
    if ((pre == NULL) == (cust == NULL))
        return call_error(c, "ValidationException", MSG_DS_ONE_METRIC);
    if (param_num(cfg, "TargetValue", 0) <= 0)
        return call_error(c, "ValidationException", MSG_DS_TARGET_VALUE);
    if (pre) {
        const char *type = param_str(pre, "PredefinedMetricType");
        if (!metric_fits(ns, type))
            return call_error(c, "ValidationException", MSG_DS_METRIC_NAMESPACE, type, ns);
        if (strcmp(type, "ALBRequestCountPerTarget") == 0 && !param_str(pre, "ResourceLabel"))
            return call_error(c, "ValidationException", MSG_ALB_LABEL);
    } else {
        int classic = param_str(cust, "MetricName") && param_str(cust, "Namespace") &&
                      param_str(cust, "Statistic");
        int metrics = cJSON_GetArraySize(param(cust, "Metrics")) > 0;
        if (classic == metrics)
            return call_error(c, "ValidationException", MSG_DS_CUSTOM_METRIC);
    }
    return SIM_OK;
}

/* Checks a step scaling configuration. Returns SIM_OK or SIM_ERROR. */
static int check_step(struct call *c, const cJSON *cfg)
{
    const char *type = param_str(cfg, "AdjustmentType");
    if (type == NULL)
        return call_error(c, "ValidationException", MSG_DS_STEP_TYPE);
    if (cJSON_GetArraySize(param(cfg, "StepAdjustments")) == 0)
        return call_error(c, "ValidationException", MSG_DS_STEPS);
    if (param(cfg, "MinAdjustmentMagnitude") && strcmp(type, "PercentChangeInCapacity") != 0)
        return call_error(c, "ValidationException", MSG_DS_MAGNITUDE);
    return SIM_OK;
}

/* PutScalingPolicy: creates or replaces a policy of a registered target. */
static int op_PutScalingPolicy(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct aas_key k = key_of(c);
    const char *name = param_str(c->in, "PolicyName");
    struct aas_target t = {0};
    struct aas_policy p = {0};
    int result = SIM_ERROR;
    if (check_key(c, &k, NULL) != SIM_OK || need_target(c, &k, &t) != SIM_OK)
        goto out;
    int rc = store_aas_policy_get(&sc, &k, name, &p);
    if (rc < 0) {
        store_failed(c);
        goto out;
    }
    const char *type = param_str(c->in, "PolicyType");
    if (type == NULL)
        type = rc == 0 ? p.type : "StepScaling";
    const char *members[] = {"StepScalingPolicyConfiguration",
                             "TargetTrackingScalingPolicyConfiguration",
                             "PredictiveScalingPolicyConfiguration"};
    const char *want = config_member(type);
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(members[i], want) != 0 && param(c->in, members[i])) {
            call_error(c, "ValidationException", MSG_DS_CONFIG_MISMATCH, members[i], type);
            goto out;
        }
    }
    const cJSON *cfg = param(c->in, want);
    if (cfg == NULL) {
        call_error(c, "ValidationException", MSG_DS_CONFIG_MISSING, want, type);
        goto out;
    }
    if (strcmp(type, "TargetTrackingScaling") == 0 &&
        check_target_tracking(c, k.ns, cfg) != SIM_OK)
        goto out;
    if (strcmp(type, "StepScaling") == 0 && check_step(c, cfg) != SIM_OK)
        goto out;
    char *config = cJSON_PrintUnformatted(cfg);
    struct aas_policy np = {
        .ns = (char *)k.ns,
        .resource_id = (char *)k.resource_id,
        .dimension = (char *)k.dimension,
        .name = (char *)name,
        .type = (char *)type,
        .config = config,
        .alarms = rc == 0 && strcmp(p.type, type) == 0 ? p.alarms : "[]",
        .created_ms = rc == 0 ? p.created_ms : c->now_ms,
    };
    char *arn = rc == 0 ? xstrdup(p.arn)
                        : xasprintf("arn:aws:autoscaling:%s:%s:scalingPolicy:%s:resource/%s/%s:"
                                    "policyName/%s",
                                    c->tenant.region, c->tenant.account, t.uuid, k.ns,
                                    k.resource_id, name);
    np.arn = arn;
    /* target tracking creates (or updates) its CloudWatch alarms; a policy that stops being
     * target tracking loses them (sim/engine/alarms.h) */
    char *alarms_text = NULL;
    int had_tt = rc == 0 && strcmp(p.type, "TargetTrackingScaling") == 0;
    if (strcmp(type, "TargetTrackingScaling") == 0) {
        struct alarms_tt_policy tp = {
            .region = c->tenant.region,
            .policy_arn = arn,
            .ns = k.ns,
            .resource_id = k.resource_id,
            .config = cfg,
            .old_alarms = had_tt ? p.alarms : NULL,
        };
        cJSON *made = NULL;
        rc = alarms_tt_put(c->sim, c->team, &tp, c->now_ms, &made);
        if (rc == 0) {
            alarms_text = cJSON_PrintUnformatted(made);
            np.alarms = alarms_text;
        }
        cJSON_Delete(made);
    } else {
        rc = had_tt ? alarms_tt_delete(c->sim, c->team, c->tenant.region, p.alarms, c->now_ms)
                    : 0;
    }
    if (rc == 0)
        rc = store_aas_policy_put(&sc, &np);
    if (rc == 0) {
        c->out = cJSON_CreateObject();
        cJSON_AddStringToObject(c->out, "PolicyARN", arn);
        if (strcmp(type, "TargetTrackingScaling") == 0)
            cJSON_AddItemToObject(c->out, "Alarms", stored_json(np.alarms, 1));
        result = SIM_OK;
    } else {
        store_failed(c);
    }
    free(arn);
    cJSON_free(config);
    cJSON_free(alarms_text);
out:
    store_aas_target_clear(&t);
    store_aas_policy_clear(&p);
    return result;
}

static int take_policy(void *ctx, const struct aas_policy *p)
{
    struct page *pg = ctx;
    if (pg->names && !in_list(pg->names, p->name))
        return 0;
    if (pg->n == pg->max) {
        pg->more = 1;
        return 1;
    }
    cJSON_AddItemToArray(pg->items, policy_json(p));
    pg->n++;
    page_remember(pg, p->resource_id, p->dimension, p->name);
    return 0;
}

/* DescribeScalingPolicies: the namespace's policies, filtered by names, resource, dimension. */
static int op_DescribeScalingPolicies(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct page_key after;
    struct page pg = {.c = c};
    if (read_max_results(c, &pg.max) != SIM_OK || read_token(c, 3, &after) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    pg.items = cJSON_AddArrayToObject(c->out, "ScalingPolicies");
    pg.names = param(c->in, "PolicyNames");
    int rc = store_aas_policy_each(&sc, param_str(c->in, "ServiceNamespace"),
                                   param_str(c->in, "ResourceId"),
                                   param_str(c->in, "ScalableDimension"), after.part[0],
                                   after.part[1], after.part[2], take_policy, &pg);
    page_key_clear(&after);
    page_finish(&pg, c->out);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* DeleteScalingPolicy: removes one policy. */
static int op_DeleteScalingPolicy(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct aas_key k = key_of(c);
    const char *name = param_str(c->in, "PolicyName");
    if (check_key(c, &k, NULL) != SIM_OK)
        return SIM_ERROR;
    /* a target tracking policy's alarms go with it (sim/engine/alarms.h) */
    struct aas_policy p = {0};
    int rc = store_aas_policy_get(&sc, &k, name, &p);
    if (rc == 0 && strcmp(p.type, "TargetTrackingScaling") == 0)
        rc = alarms_tt_delete(c->sim, c->team, c->tenant.region, p.alarms, c->now_ms);
    store_aas_policy_clear(&p);
    if (rc < 0)
        return store_failed(c);
    rc = store_aas_policy_delete(&sc, &k, name);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "ObjectNotFoundException", MSG_POLICY_NOT_FOUND, k.ns,
                          k.resource_id, k.dimension, name);
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

/* ---- scheduled actions ------------------------------------------------------------------ */

/* Fills the members of *a given in the request, keeping the others. Returns SIM_OK or
 * SIM_ERROR. */
static int merge_scheduled(struct call *c, struct aas_scheduled *a)
{
    const char *schedule = param_str(c->in, "Schedule");
    const char *tz = param_str(c->in, "Timezone");
    const cJSON *act = param(c->in, "ScalableTargetAction");
    if (schedule) {
        struct cronexpr e;
        char why[128];
        if (cronexpr_parse(schedule, &e, why, sizeof why) != 0)
            return call_error(c, "ValidationException", MSG_BAD_SCHEDULE);
        free(a->schedule);
        a->schedule = xstrdup(schedule);
    }
    if (a->schedule == NULL)
        return call_error(c, "ValidationException", MSG_DS_NO_SCHEDULE);
    if (tz) {
        if (!cronexpr_tz_valid(tz))
            return call_error(c, "ValidationException", MSG_DS_BAD_TIMEZONE, tz);
        free(a->timezone);
        a->timezone = xstrdup(tz);
    }
    if (param(c->in, "StartTime"))
        a->start_ms = param_ms(c->in, "StartTime");
    if (param(c->in, "EndTime"))
        a->end_ms = param_ms(c->in, "EndTime");
    if (a->start_ms && a->end_ms && a->end_ms <= a->start_ms)
        return call_error(c, "ValidationException", MSG_DS_END_BEFORE_START);
    if (act) {
        const cJSON *minv = param(act, "MinCapacity"), *maxv = param(act, "MaxCapacity");
        if (minv == NULL && maxv == NULL)
            return call_error(c, "ValidationException", MSG_NO_CAPACITY);
        if (check_capacity(c, minv, "MinCapacity") != SIM_OK ||
            check_capacity(c, maxv, "MaxCapacity") != SIM_OK)
            return SIM_ERROR;
        if (minv && maxv && minv->valuedouble > maxv->valuedouble)
            return call_error(c, "ValidationException", MSG_DS_MIN_GT_MAX);
        a->has_min = minv != NULL;
        a->min_cap = minv ? (int64_t)minv->valuedouble : 0;
        a->has_max = maxv != NULL;
        a->max_cap = maxv ? (int64_t)maxv->valuedouble : 0;
    }
    if (!a->has_min && !a->has_max)
        return call_error(c, "ValidationException", MSG_NO_CAPACITY);
    return SIM_OK;
}

/* PutScheduledAction: creates or updates a scheduled action of a registered target. */
static int op_PutScheduledAction(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct aas_key k = key_of(c);
    const char *name = param_str(c->in, "ScheduledActionName");
    struct aas_target t = {0};
    struct aas_scheduled a = {0};
    int result = SIM_ERROR;
    if (check_key(c, &k, NULL) != SIM_OK || need_target(c, &k, &t) != SIM_OK)
        goto out;
    int rc = store_aas_sched_get(&sc, &k, name, &a);
    if (rc < 0) {
        store_failed(c);
        goto out;
    }
    if (rc == 1) {
        a.ns = xstrdup(k.ns);
        a.resource_id = xstrdup(k.resource_id);
        a.dimension = xstrdup(k.dimension);
        a.name = xstrdup(name);
        a.arn = xasprintf("arn:aws:autoscaling:%s:%s:scheduledAction:%s:resource/%s/%s:"
                          "scheduledActionName/%s",
                          c->tenant.region, c->tenant.account, t.uuid, k.ns, k.resource_id,
                          name);
        a.created_ms = c->now_ms;
    }
    if (merge_scheduled(c, &a) != SIM_OK)
        goto out;
    a.next_fire_ms = autoscaling_next_fire(&a, c->now_ms);
    if (store_aas_sched_put(&sc, &a) != 0) {
        store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    result = SIM_OK;
out:
    store_aas_target_clear(&t);
    store_aas_sched_clear(&a);
    return result;
}

static int take_sched(void *ctx, const struct aas_scheduled *a)
{
    struct page *pg = ctx;
    if (pg->names && !in_list(pg->names, a->name))
        return 0;
    if (pg->n == pg->max) {
        pg->more = 1;
        return 1;
    }
    cJSON_AddItemToArray(pg->items, sched_json(a));
    pg->n++;
    page_remember(pg, a->resource_id, a->dimension, a->name);
    return 0;
}

/* DescribeScheduledActions: the namespace's scheduled actions, filtered. */
static int op_DescribeScheduledActions(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct page_key after;
    struct page pg = {.c = c};
    if (read_max_results(c, &pg.max) != SIM_OK || read_token(c, 3, &after) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    pg.items = cJSON_AddArrayToObject(c->out, "ScheduledActions");
    pg.names = param(c->in, "ScheduledActionNames");
    int rc = store_aas_sched_each(&sc, param_str(c->in, "ServiceNamespace"),
                                  param_str(c->in, "ResourceId"),
                                  param_str(c->in, "ScalableDimension"), after.part[0],
                                  after.part[1], after.part[2], take_sched, &pg);
    page_key_clear(&after);
    page_finish(&pg, c->out);
    return rc == 0 ? SIM_OK : store_failed(c);
}

/* DeleteScheduledAction: removes one scheduled action. */
static int op_DeleteScheduledAction(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct aas_key k = key_of(c);
    const char *name = param_str(c->in, "ScheduledActionName");
    if (check_key(c, &k, NULL) != SIM_OK)
        return SIM_ERROR;
    int rc = store_aas_sched_delete(&sc, &k, name);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "ObjectNotFoundException", MSG_SCHED_NOT_FOUND, k.ns,
                          k.resource_id, k.dimension, name);
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

/* ---- scaling activities ----------------------------------------------------------------- */

struct activity_page {
    cJSON *items;
    int max, n, more;
    int64_t last_seq;
    int64_t since_ms; /* older activities are no longer listed */
};

static int take_activity(void *ctx, const struct aas_activity *a)
{
    struct activity_page *pg = ctx;
    if (a->start_ms < pg->since_ms)
        return 1; /* newest first: every following one is older still */
    if (pg->n == pg->max) {
        pg->more = 1;
        return 1;
    }
    cJSON_AddItemToArray(pg->items, activity_json(a));
    pg->n++;
    pg->last_seq = a->seq;
    return 0;
}

/* DescribeScalingActivities: the namespace's activities of the last six weeks, newest first. */
static int op_DescribeScalingActivities(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    struct activity_page pg = {.since_ms = c->now_ms - AAS_ACTIVITY_KEEP_MS};
    struct page_key after;
    int64_t before = 0;
    if (read_max_results(c, &pg.max) != SIM_OK || read_token(c, 1, &after) != SIM_OK)
        return SIM_ERROR;
    if (after.part[0]) {
        char *end;
        before = strtoll(after.part[0], &end, 10);
        int bad = *end != '\0' || before <= 0;
        page_key_clear(&after);
        if (bad)
            return call_error(c, "InvalidNextTokenException", MSG_DS_BAD_TOKEN);
    }
    c->out = cJSON_CreateObject();
    pg.items = cJSON_AddArrayToObject(c->out, "ScalingActivities");
    int rc = store_aas_activity_each(&sc, param_str(c->in, "ServiceNamespace"),
                                     param_str(c->in, "ResourceId"),
                                     param_str(c->in, "ScalableDimension"),
                                     param_bool(c->in, "IncludeNotScaledActivities", 0), before,
                                     take_activity, &pg);
    if (rc != 0)
        return store_failed(c);
    if (pg.more) {
        char seq[24];
        snprintf(seq, sizeof seq, "%lld", (long long)pg.last_seq);
        char *tok = token_make(seq, NULL, NULL);
        cJSON_AddStringToObject(c->out, "NextToken", tok);
        free(tok);
    }
    return SIM_OK;
}

/* ---- tags ------------------------------------------------------------------------------- */

/* Checks that ResourceARN names a target of the caller. Returns SIM_OK or SIM_ERROR. */
static int tag_target(struct call *c, const char **arn)
{
    struct aas_scope sc = scope_of(c);
    struct aas_target t = {0};
    *arn = param_str(c->in, "ResourceARN");
    int rc = store_aas_target_get_by_arn(&sc, *arn, &t);
    store_aas_target_clear(&t);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "ResourceNotFoundException", MSG_DS_ARN_NOT_FOUND, *arn);
    return SIM_OK;
}

/* TagResource: adds or overwrites tags of a scalable target, at most 50 in all. */
static int op_TagResource(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    const char *arn;
    const cJSON *tags = param(c->in, "Tags");
    if (tag_target(c, &arn) != SIM_OK)
        return SIM_ERROR;
    int64_t have;
    if (store_aas_tag_count(&sc, arn, &have) != 0)
        return store_failed(c);
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        int has = store_aas_tag_has(&sc, arn, t->string);
        if (has < 0)
            return store_failed(c);
        have += has ? 0 : 1;
    }
    if (have > AAS_MAX_TAGS)
        return call_error(c, "TooManyTagsException", MSG_DS_TOO_MANY_TAGS);
    cJSON_ArrayForEach(t, tags)
    {
        if (cJSON_IsString(t) && store_aas_tag_put(&sc, arn, t->string, t->valuestring) != 0)
            return store_failed(c);
    }
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

/* UntagResource: removes tag keys (absent keys are ignored). */
static int op_UntagResource(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    const char *arn;
    if (tag_target(c, &arn) != SIM_OK)
        return SIM_ERROR;
    const cJSON *k;
    cJSON_ArrayForEach(k, param(c->in, "TagKeys"))
    {
        if (cJSON_IsString(k) && store_aas_tag_delete(&sc, arn, k->valuestring) != 0)
            return store_failed(c);
    }
    c->out = cJSON_CreateObject();
    return SIM_OK;
}

/* ListTagsForResource: the target's tags as a map. */
static int op_ListTagsForResource(struct call *c)
{
    struct aas_scope sc = scope_of(c);
    const char *arn;
    if (tag_target(c, &arn) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    if (store_aas_tags(&sc, arn, cJSON_AddObjectToObject(c->out, "Tags")) != 0)
        return store_failed(c);
    return SIM_OK;
}

static const struct sim_op autoscaling_ops[] = {
    {"DeleteScalingPolicy", op_DeleteScalingPolicy, OP_WRITE},
    {"DeleteScheduledAction", op_DeleteScheduledAction, OP_WRITE},
    {"DeregisterScalableTarget", op_DeregisterScalableTarget, OP_WRITE},
    {"DescribeScalableTargets", op_DescribeScalableTargets, OP_READ},
    {"DescribeScalingActivities", op_DescribeScalingActivities, OP_READ},
    {"DescribeScalingPolicies", op_DescribeScalingPolicies, OP_READ},
    {"DescribeScheduledActions", op_DescribeScheduledActions, OP_READ},
    {"ListTagsForResource", op_ListTagsForResource, OP_READ},
    {"PutScalingPolicy", op_PutScalingPolicy, OP_WRITE},
    {"PutScheduledAction", op_PutScheduledAction, OP_WRITE},
    {"RegisterScalableTarget", op_RegisterScalableTarget, OP_WRITE},
    {"TagResource", op_TagResource, OP_WRITE},
    {"UntagResource", op_UntagResource, OP_WRITE},
    {NULL, NULL, 0},
};

struct sim_service service_autoscaling = {
    .name = "application-autoscaling",
    .ops = autoscaling_ops,
    .vstyle = VS_CORAL,
};
