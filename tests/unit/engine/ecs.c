/*
 * Tests of sim/engine/ecs.c: the task lifecycle on the clock, the service scheduler's rolling
 * replacement within minimumHealthyPercent / maximumPercent, scale-in and its events, and the
 * contract Application Auto Scaling calls (ecs_set_desired_count / ecs_get_counts).
 */
#include "ecs_env.h"

/* Counts the service's tasks whose desired status is RUNNING. */
static int count_active(void *ctx, const struct ecs_task_brief *b)
{
    if (strcmp(b->desired_status, "RUNNING") == 0)
        (*(int *)ctx)++;
    return 0;
}

static int active_tasks(void)
{
    struct ecs_scope sc = {unit_sim.store, ECS_ACCOUNT, ECS_REGION};
    int n = 0;
    T_EQ_INT(store_ecs_service_tasks(&sc, "c1", "s1", count_active, &n), 0);
    return n;
}

static int running_tasks(void)
{
    int desired = -1, running = -1;
    T_EQ_INT(ecs_get_counts(&unit_sim, &ecs_team, ECS_REGION, "c1", "s1", &desired, &running),
             0);
    return running;
}

TEST(engine_ecs_task_lifecycle)
{
    ecs_env_open();
    ecs_setup_service(1, 100, 200);
    ecs_advance(1); /* the scheduler starts the task at the next tick */
    cJSON *out = ecs_ok("ListTasks", "{\"cluster\":\"c1\"}");
    cJSON *arns = cJSON_GetObjectItem(out, "taskArns");
    T_EQ_INT(cJSON_GetArraySize(arns), 1);
    char req[512];
    snprintf(req, sizeof req, "{\"cluster\":\"c1\",\"tasks\":[\"%s\"]}",
             cJSON_GetArrayItem(arns, 0)->valuestring);
    cJSON_Delete(out);
    /* aws timing: provisioning 15 s, pending 25 s, activating 5 s */
    static const struct {
        int after;
        const char *status;
    } steps[] = {{0, "PROVISIONING"}, {14, "PROVISIONING"}, {1, "PENDING"},
                 {24, "PENDING"},     {1, "ACTIVATING"},    {4, "ACTIVATING"},
                 {1, "RUNNING"}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        ecs_advance(steps[i].after);
        out = ecs_ok("DescribeTasks", req);
        cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "tasks"), 0);
        T_EQ_STR(ecs_str(t, "lastStatus"), steps[i].status);
        cJSON_Delete(out);
    }
    out = ecs_ok("DescribeTasks", req);
    cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "tasks"), 0);
    double created = cJSON_GetObjectItem(t, "createdAt")->valuedouble;
    T_EQ_DBL(created, (ECS_T0 + 1000) / 1000.0);
    T_EQ_DBL(cJSON_GetObjectItem(t, "connectivityAt")->valuedouble, created + 15);
    T_EQ_DBL(cJSON_GetObjectItem(t, "pullStartedAt")->valuedouble, created + 15);
    T_EQ_DBL(cJSON_GetObjectItem(t, "pullStoppedAt")->valuedouble, created + 40);
    T_EQ_DBL(cJSON_GetObjectItem(t, "startedAt")->valuedouble, created + 45);
    T_EQ_STR(ecs_str(t, "desiredStatus"), "RUNNING");
    T_ASSERT(cJSON_GetObjectItem(t, "stoppingAt") == NULL);
    cJSON_Delete(out);

    /* stop: DEACTIVATING 10 s, STOPPING 30 s, DEPROVISIONING 15 s, then STOPPED for an hour */
    char stop[512];
    out = ecs_ok("DescribeTasks", req);
    snprintf(stop, sizeof stop, "{\"cluster\":\"c1\",\"task\":\"%s\",\"reason\":\"drill\"}",
             ecs_str(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "tasks"), 0), "taskArn"));
    cJSON_Delete(out);
    out = ecs_ok("StopTask", stop);
    t = cJSON_GetObjectItem(out, "task");
    T_EQ_STR(ecs_str(t, "lastStatus"), "DEACTIVATING");
    T_EQ_STR(ecs_str(t, "desiredStatus"), "STOPPED");
    T_EQ_STR(ecs_str(t, "stopCode"), "UserInitiated");
    T_EQ_STR(ecs_str(t, "stoppedReason"), "drill");
    double stopping = cJSON_GetObjectItem(t, "stoppingAt")->valuedouble;
    cJSON_Delete(out);
    static const struct {
        int after;
        const char *status;
    } down[] = {{10, "STOPPING"}, {30, "DEPROVISIONING"}, {15, "STOPPED"}};
    for (size_t i = 0; i < sizeof down / sizeof down[0]; i++) {
        ecs_advance(down[i].after);
        out = ecs_ok("DescribeTasks", req);
        t = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "tasks"), 0);
        T_EQ_STR(ecs_str(t, "lastStatus"), down[i].status);
        cJSON_Delete(out);
    }
    out = ecs_ok("DescribeTasks", req);
    t = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "tasks"), 0);
    T_EQ_DBL(cJSON_GetObjectItem(t, "executionStoppedAt")->valuedouble, stopping + 40);
    T_EQ_DBL(cJSON_GetObjectItem(t, "stoppedAt")->valuedouble, stopping + 55);
    cJSON *ct = cJSON_GetArrayItem(cJSON_GetObjectItem(t, "containers"), 0);
    T_EQ_STR(ecs_str(ct, "lastStatus"), "STOPPED");
    cJSON_Delete(out);
    /* the scheduler replaced the stopped task */
    T_EQ_INT(active_tasks(), 1);
    /* an hour later the stopped task is gone */
    ecs_advance(3600);
    out = ecs_ok("DescribeTasks", req);
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(out, "tasks")), 0);
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "failures"), 0), "reason"),
             "MISSING");
    cJSON_Delete(out);
}

/* Forces a new deployment of a steady service of 4 and checks, every second, that RUNNING
 * tasks never drop below minimumHealthyPercent and tasks never exceed maximumPercent, and
 * that the rollout ends with one COMPLETED PRIMARY deployment. */
static void rolling(int min_healthy, int max_percent)
{
    ecs_env_open();
    ecs_setup_service(4, min_healthy, max_percent);
    ecs_advance(120);
    T_EQ_INT(running_tasks(), 4);
    cJSON_Delete(ecs_ok("UpdateService",
                        "{\"cluster\":\"c1\",\"service\":\"s1\",\"forceNewDeployment\":true}"));
    int floor_running = (4 * min_healthy + 99) / 100;
    int ceiling = 4 * max_percent / 100;
    int seen_two = 0;
    for (int i = 0; i < 400; i++) {
        ecs_advance(1);
        int running = running_tasks(), active = active_tasks();
        if (running < floor_running)
            t_fail(__FILE__, __LINE__, "min %d max %d: %d RUNNING at second %d", min_healthy,
                   max_percent, running, i);
        if (active > ceiling)
            t_fail(__FILE__, __LINE__, "min %d max %d: %d tasks at second %d", min_healthy,
                   max_percent, active, i);
        cJSON *svc;
        cJSON *out = ecs_describe_s1(&svc);
        cJSON *deps = cJSON_GetObjectItem(svc, "deployments");
        seen_two |= cJSON_GetArraySize(deps) == 2;
        /* the service's counts are the sums of its deployments' */
        int r = 0, p = 0;
        cJSON *d;
        cJSON_ArrayForEach(d, deps)
        {
            r += ecs_num(d, "runningCount");
            p += ecs_num(d, "pendingCount");
        }
        T_EQ_INT(ecs_num(svc, "runningCount"), r);
        T_EQ_INT(ecs_num(svc, "pendingCount"), p);
        cJSON_Delete(out);
    }
    T_ASSERT(seen_two);
    cJSON *svc;
    cJSON *out = ecs_describe_s1(&svc);
    cJSON *deps = cJSON_GetObjectItem(svc, "deployments");
    T_EQ_INT(cJSON_GetArraySize(deps), 1);
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(deps, 0), "status"), "PRIMARY");
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(deps, 0), "rolloutState"), "COMPLETED");
    T_EQ_INT(ecs_num(svc, "runningCount"), 4);
    T_EQ_INT(ecs_num(svc, "pendingCount"), 0);
    cJSON_Delete(out);
}

TEST(engine_ecs_rolling_min100_max200)
{
    rolling(100, 200);
}

TEST(engine_ecs_rolling_min50_max100)
{
    rolling(50, 100);
}

TEST(engine_ecs_rolling_min0_max100)
{
    rolling(0, 100);
}

TEST(engine_ecs_rolling_min75_max125)
{
    rolling(75, 125);
}

TEST(engine_ecs_scale_in_events)
{
    ecs_env_open();
    ecs_setup_service(4, 100, 200);
    ecs_advance(60);
    cJSON_Delete(
        ecs_ok("UpdateService", "{\"cluster\":\"c1\",\"service\":\"s1\",\"desiredCount\":2}"));
    ecs_advance(1);
    cJSON *svc;
    cJSON *out = ecs_describe_s1(&svc);
    char msg[512];
    snprintf(msg, sizeof msg, "%s",
             ecs_str(cJSON_GetArrayItem(cJSON_GetObjectItem(svc, "events"), 0), "message"));
    static const char prefix[] = "(service s1) has stopped 2 running tasks: (task ";
    T_ASSERT(strncmp(msg, prefix, strlen(prefix)) == 0);
    T_EQ_INT(ecs_num(svc, "desiredCount"), 2);
    T_EQ_INT(ecs_num(svc, "runningCount"), 2);
    cJSON_Delete(out);
    T_EQ_INT(active_tasks(), 2);
    /* steady again once the two have stopped (10 + 30 + 15 s) */
    ecs_advance(54);
    out = ecs_describe_s1(&svc);
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(cJSON_GetObjectItem(svc, "events"), 0), "message"),
             msg);
    cJSON_Delete(out);
    ecs_advance(1);
    out = ecs_describe_s1(&svc);
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(cJSON_GetObjectItem(svc, "events"), 0), "message"),
             "(service s1) has reached a steady state.");
    cJSON_Delete(out);
    /* and it says so again six hours later, as AWS does */
    ecs_advance(6 * 3600);
    out = ecs_describe_s1(&svc);
    cJSON *ev = cJSON_GetObjectItem(svc, "events");
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(ev, 0), "message"),
             "(service s1) has reached a steady state.");
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(ev, 1), "message"),
             "(service s1) has reached a steady state.");
    cJSON_Delete(out);
}

TEST(engine_ecs_autoscaling_contract)
{
    ecs_env_open();
    int desired, running;
    T_EQ_INT(ecs_get_counts(&unit_sim, &ecs_team, ECS_REGION, "c1", "s1", &desired, &running),
             1);
    T_EQ_INT(ecs_set_desired_count(&unit_sim, &ecs_team, ECS_REGION, "c1", "s1", 3, ecs_now),
             1);
    ecs_setup_service(2, 100, 200);
    ecs_advance(60);
    T_EQ_INT(ecs_get_counts(&unit_sim, &ecs_team, ECS_REGION, "c1", "s1", &desired, &running),
             0);
    T_EQ_INT(desired, 2);
    T_EQ_INT(running, 2);
    T_EQ_INT(store_begin(unit_sim.store), 0);
    T_EQ_INT(ecs_set_desired_count(&unit_sim, &ecs_team, ECS_REGION, "c1", "s1", 5, ecs_now),
             0);
    T_EQ_INT(store_commit(unit_sim.store), 0);
    T_EQ_INT(ecs_get_counts(&unit_sim, &ecs_team, ECS_REGION, "c1", "s1", &desired, &running),
             0);
    T_EQ_INT(desired, 5);
    T_EQ_INT(running, 2);
    ecs_advance(60);
    T_EQ_INT(ecs_get_counts(&unit_sim, &ecs_team, ECS_REGION, "c1", "s1", &desired, &running),
             0);
    T_EQ_INT(running, 5);
    cJSON *svc;
    cJSON *out = ecs_describe_s1(&svc);
    cJSON *d = cJSON_GetArrayItem(cJSON_GetObjectItem(svc, "deployments"), 0);
    T_EQ_INT(ecs_num(d, "desiredCount"), 5);
    cJSON_Delete(out);
    /* a DRAINING service is not ACTIVE */
    cJSON_Delete(ecs_ok("DeleteService", "{\"cluster\":\"c1\",\"service\":\"s1\",\"force\":true}"));
    T_EQ_INT(ecs_set_desired_count(&unit_sim, &ecs_team, ECS_REGION, "c1", "s1", 1, ecs_now),
             1);
}

TEST(engine_ecs_idle_tick_is_cheap)
{
    /* a steady world: ticks touch nothing (no due task, no due service) */
    ecs_env_open();
    ecs_setup_service(3, 100, 200);
    ecs_advance(120);
    cJSON *svc;
    cJSON *out = ecs_describe_s1(&svc);
    int events = cJSON_GetArraySize(cJSON_GetObjectItem(svc, "events"));
    cJSON_Delete(out);
    int changes = sqlite3_total_changes(store_db(unit_sim.store));
    ecs_advance(600);
    /* only the teams row is written per tick */
    T_EQ_INT(sqlite3_total_changes(store_db(unit_sim.store)) - changes, 600);
    out = ecs_describe_s1(&svc);
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(svc, "events")), events);
    cJSON_Delete(out);
}
