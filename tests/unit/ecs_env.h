/*
 * ecs_env.h - an ECS world for unit tests: an in-memory store, one team with a fixed seed
 * and AWS timing, handlers run as the pipeline runs them (model validation, then the handler
 * inside a transaction for writes) and engine ticks run second by second, all at a sim time
 * the test chooses.
 */
#ifndef DRILLSIM_UNIT_ECS_ENV_H
#define DRILLSIM_UNIT_ECS_ENV_H

#include "engine/ecs.h"
#include "engine/engine.h"
#include "engine/team.h"
#include "services/validate.h"
#include "store/ec2.h"
#include "store/store.h"
#include "unit_call.h"

#define ECS_T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define ECS_ACCOUNT "111111111111"
#define ECS_REGION "us-east-1"

static struct team ecs_team;
static int64_t ecs_now;

static inline void ecs_env_open(void)
{
    char *cause = NULL;
    T_ASSERT(store_open(":memory:", &unit_sim.store, &cause) == 0);
    memset(&ecs_team, 0, sizeof ecs_team);
    snprintf(ecs_team.account, sizeof ecs_team.account, "%s", ECS_ACCOUNT);
    rng_seed(&ecs_team.ids, 7);
    rng_seed(&ecs_team.world, 8);
    T_EQ_INT(team_timing_preset("aws", &ecs_team.timing), 0);
    ecs_team.last_tick_ms = ECS_T0;
    ecs_now = ECS_T0;
}

/* Runs op with the JSON input. Returns SIM_OK or SIM_ERROR; the caller owns *c. */
static inline int ecs_run(struct call *c, const char *op, const char *json)
{
    unit_call(c, "ecs", op, &proto_json);
    snprintf(c->tenant.account, sizeof c->tenant.account, "%s", ECS_ACCOUNT);
    snprintf(c->tenant.region, sizeof c->tenant.region, "%s", ECS_REGION);
    c->team = &ecs_team;
    c->now_ms = ecs_now;
    c->in = cJSON_Parse(json);
    T_ASSERT(c->in != NULL);
    c->op = registry_op(c->svc, op);
    T_ASSERT(c->op != NULL);
    if (validate_input(c) != SIM_OK)
        return SIM_ERROR;
    int write = (c->op->flags & OP_WRITE) != 0;
    if (write)
        T_ASSERT(store_begin(unit_sim.store) == 0);
    int rc = c->op->handler(c);
    if (write) {
        if (rc == SIM_OK)
            T_ASSERT(store_commit(unit_sim.store) == 0);
        else
            store_rollback(unit_sim.store);
    }
    return rc;
}

/* Runs op and expects success; returns c->out (caller deletes). */
static inline cJSON *ecs_ok_at(const char *file, int line, const char *op, const char *json)
{
    struct call c;
    if (ecs_run(&c, op, json) != SIM_OK)
        t_fail(file, line, "%s failed: %s: %s", op, c.err.code,
               c.err.message ? c.err.message : "");
    cJSON *out = c.out;
    c.out = NULL;
    call_free(&c);
    return out;
}
#define ecs_ok(op, json) ecs_ok_at(__FILE__, __LINE__, op, json)

/* Runs op and expects the error code and, unless NULL, exactly the message. */
static inline void ecs_err_at(const char *file, int line, const char *op, const char *json,
                              const char *code, const char *message)
{
    struct call c;
    if (ecs_run(&c, op, json) != SIM_ERROR)
        t_fail(file, line, "%s succeeded, wanted %s", op, code);
    if (strcmp(c.err.code, code) != 0)
        t_fail(file, line, "%s: code %s, wanted %s (%s)", op, c.err.code, code,
               c.err.message ? c.err.message : "");
    if (message && (c.err.message == NULL || strcmp(c.err.message, message) != 0))
        t_fail(file, line, "%s: message\n    got:  %s\n    want: %s", op,
               c.err.message ? c.err.message : "(null)", message);
    call_free(&c);
}
#define ecs_err(op, json, code, message) ecs_err_at(__FILE__, __LINE__, op, json, code, message)

/* Runs the engine's ticks up to now + seconds. */
static inline void ecs_advance(int seconds)
{
    for (int i = 0; i < seconds; i++) {
        ecs_now += 1000;
        T_EQ_INT(engine_tick(&unit_sim, &ecs_team, ecs_now), 0);
    }
}

/* Writes the id of the n-th default subnet (in id order). */
static inline void ecs_subnet(int n, char out[32])
{
    struct ec2_subnet *v = NULL;
    int count = 0;
    T_EQ_INT(ec2_list_subnets(unit_sim.store, ECS_ACCOUNT, ECS_REGION, &v, &count), 0);
    T_ASSERT(n < count);
    snprintf(out, 32, "%s", v[n].id);
    free(v);
}

/* A cluster "c1", a Fargate task definition "web" and a service "s1" with desired count
 * `desired` and the given deployment percentages, in two subnets. */
static inline void ecs_setup_service(int desired, int min_healthy, int max_percent)
{
    char a[32], b[32], json[1024];
    ecs_subnet(0, a);
    ecs_subnet(1, b);
    cJSON_Delete(ecs_ok("CreateCluster", "{\"clusterName\":\"c1\"}"));
    cJSON_Delete(ecs_ok("RegisterTaskDefinition",
                        "{\"family\":\"web\",\"networkMode\":\"awsvpc\","
                        "\"requiresCompatibilities\":[\"FARGATE\"],\"cpu\":\"256\","
                        "\"memory\":\"512\",\"containerDefinitions\":[{\"name\":\"app\","
                        "\"image\":\"nginx\"}]}"));
    snprintf(json, sizeof json,
             "{\"cluster\":\"c1\",\"serviceName\":\"s1\",\"taskDefinition\":\"web\","
             "\"desiredCount\":%d,\"launchType\":\"FARGATE\",\"deploymentConfiguration\":"
             "{\"minimumHealthyPercent\":%d,\"maximumPercent\":%d},\"networkConfiguration\":"
             "{\"awsvpcConfiguration\":{\"subnets\":[\"%s\",\"%s\"]}}}",
             desired, min_healthy, max_percent, a, b);
    cJSON_Delete(ecs_ok("CreateService", json));
}

/* Returns the service object of DescribeServices c1/s1 (caller deletes the returned root;
 * *svc points into it). */
static inline cJSON *ecs_describe_s1(cJSON **svc)
{
    cJSON *out = ecs_ok("DescribeServices", "{\"cluster\":\"c1\",\"services\":[\"s1\"]}");
    *svc = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "services"), 0);
    T_ASSERT(*svc != NULL);
    return out;
}

static inline int ecs_num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    T_ASSERT(cJSON_IsNumber(v));
    return v->valueint;
}

static inline const char *ecs_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

#endif
