/* Tests of sim/scenario/ (durations, validation, the shipped files), the generators the world
 * model draws from (sim/util/rand.c), and the world model run in-process on the golden-path
 * fixture (sim/engine/world*.c through sim/scenario/setup.c and sim/invoke.c). */
#include <stdlib.h>

#include "engine/engine.h"
#include "engine/team.h"
#include "engine/world.h"
#include "invoke.h"
#include "scenario/scenario.h"
#include "scenario/setup.h"
#include "services/service.h"
#include "sim.h"
#include "store/store.h"
#include "t.h"
#include "util/rand.h"

TEST(scenario_durations)
{
    int64_t ms;
    T_EQ_INT(scenario_duration("90s", &ms), 0);
    T_EQ_INT(ms, 90000);
    T_EQ_INT(scenario_duration("-40m", &ms), 0);
    T_EQ_INT(ms, -2400000);
    T_EQ_INT(scenario_duration("+1h30m", &ms), 0);
    T_EQ_INT(ms, 5400000);
    T_EQ_INT(scenario_duration("2d", &ms), 0);
    T_EQ_INT(ms, 172800000);
    T_EQ_INT(scenario_duration("0s", &ms), 0);
    T_EQ_INT(ms, 0);
    static const char *const bad[] = {"", "-", "5", "5x", "m", "1h-5m", "31d", "1s2s3s4s5s",
                                      "99999999s", " 5m", "5m ", NULL};
    for (int i = 0; bad[i]; i++) {
        if (scenario_duration(bad[i], &ms) == 0)
            t_fail(__FILE__, __LINE__, "\"%s\" parsed as %lld", bad[i], (long long)ms);
    }
}

/* Each case: a scenario document and the start of the error it must get. */
TEST(scenario_validate_errors)
{
    static const struct {
        const char *json;
        const char *error;
    } cases[] = {
        {"[]", "$: must be an object"},
        {"{\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\"}",
         "$: \"name\" is required"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"Dev!\"}",
         "$.env: 1 to 15 lower-case"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"colour\":1}",
         "$: unknown member \"colour\""},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"preroll\":\"1y\"}",
         "$.preroll: must be"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"traffic\":{\"rps\":-1}}",
         "$.traffic.rps: must be a number from 0"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"timeline\":[{\"at\":\"5x\",\"do\":\"failover\"}]}",
         "$.timeline[0].at: must be an offset"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"timeline\":[{\"at\":\"5m\",\"do\":\"failover\"},{\"at\":\"6m\",\"do\":\"explode\"}]}",
         "$.timeline[1].do: unknown action \"explode\" (known: set_failure_mode,"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"timeline\":[{\"at\":\"5m\",\"do\":\"traffic_surge\",\"factor\":2}]}",
         "$.timeline[0]: \"for\" is required"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"timeline\":[{\"at\":\"5m\",\"do\":\"set_failure_mode\",\"value\":3}]}",
         "$.timeline[0].value: must be a string"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"preroll\":\"10m\",\"timeline\":[{\"at\":\"-20m\",\"do\":\"failover\"}]}",
         "$.timeline[0].at: -20m is before the pre-roll (10m) begins"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"objectives\":[{\"name\":\"n\",\"metric\":\"AWS/RDS DatabaseConnections\"}]}",
         "$.objectives[0]: needs exactly one of"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"objectives\":[{\"name\":\"n\",\"alarm\":\"a\",\"state\":\"RED\"}]}",
         "$.objectives[0].state: must be OK, ALARM or INSUFFICIENT_DATA"},
        {"{\"name\":\"x\",\"summary\":\"s\",\"fixture\":\"golden-path\",\"env\":\"dev\","
         "\"scoring\":{\"detect_within\":\"soon\"}}",
         "$.scoring.detect_within: must be a duration"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *doc = cJSON_Parse(cases[i].json);
        T_ASSERT(doc != NULL);
        char err[512] = "";
        int rc = scenario_validate(doc, err, sizeof err);
        cJSON_Delete(doc);
        if (rc == 0 || strncmp(err, cases[i].error, strlen(cases[i].error)) != 0)
            t_fail(__FILE__, __LINE__, "case %zu: got \"%s\", want \"%s...\"", i, err,
                   cases[i].error);
    }
}

TEST(scenario_files_valid)
{
    static const char *const names[] = {"connection-leak", "task-overload", "missing-pooling",
                                        "compound", "failover", "calm", NULL};
    for (int i = 0; names[i]; i++) {
        char err[1024];
        cJSON *doc = scenario_load(names[i], err, sizeof err);
        if (doc == NULL)
            t_fail(__FILE__, __LINE__, "%s: %s", names[i], err);
        cJSON_Delete(doc);
    }
    cJSON *list = scenario_list();
    T_ASSERT(cJSON_GetArraySize(list) >= 6);
    cJSON_Delete(list);
    char err[256];
    T_ASSERT(scenario_load("../etc/passwd", err, sizeof err) == NULL);
    T_ASSERT(scenario_load("no-such-scenario", err, sizeof err) == NULL);
}

TEST(rng_distributions)
{
    struct rng r;
    rng_seed(&r, 42);
    const double lambdas[] = {0.5, 4, 29.5, 120};
    for (size_t k = 0; k < sizeof lambdas / sizeof lambdas[0]; k++) {
        double sum = 0, sq = 0;
        const int n = 20000;
        for (int i = 0; i < n; i++) {
            double x = (double)rng_poisson(&r, lambdas[k]);
            sum += x;
            sq += x * x;
        }
        double mean = sum / n, var = sq / n - mean * mean;
        if (fabs(mean - lambdas[k]) > 0.05 * lambdas[k] + 0.02 ||
            fabs(var - lambdas[k]) > 0.1 * lambdas[k] + 0.05)
            t_fail(__FILE__, __LINE__, "poisson(%g): mean %g var %g", lambdas[k], mean, var);
    }
    double sum = 0;
    for (int i = 0; i < 20000; i++) {
        int64_t x = rng_binomial(&r, 1000, 0.3);
        T_ASSERT(x >= 0 && x <= 1000);
        sum += (double)x;
    }
    T_ASSERT(fabs(sum / 20000 - 300) < 3);
    T_EQ_INT(rng_binomial(&r, 10, 0), 0);
    T_EQ_INT(rng_binomial(&r, 10, 1), 10);
    T_EQ_INT(rng_binomial(&r, 0, 0.5), 0);
    T_EQ_INT(rng_poisson(&r, 0), 0);
}

/* ---- the world, in-process --------------------------------------------------------------- */

static struct sim wsim;

static struct team *world_env(void)
{
    char *cause = NULL;
    memset(&wsim, 0, sizeof wsim);
    registry_init();
    T_ASSERT(store_open(":memory:", &wsim.store, &cause) == 0);
    wsim.opt.seed = 1;
    wsim.opt.clock_mode = SIMCLOCK_MANUAL;
    wsim.opt.clock_start_ms = 1767225600000LL; /* 2026-01-01T00:00:00Z */
    T_EQ_INT(team_timing_preset("aws", &wsim.opt.timing), 0);
    struct team *t = team_get(&wsim, "000000000000");
    T_ASSERT(t != NULL);
    return t;
}

static int status_int(cJSON *st, const char *obj, const char *member)
{
    const cJSON *o = obj ? cJSON_GetObjectItemCaseSensitive(st, obj) : st;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, member);
    T_ASSERT(cJSON_IsNumber(v));
    return (int)v->valuedouble;
}

TEST(world_golden_path_leak)
{
    struct team *t = world_env();
    struct world_config cfg;
    world_config_default(&cfg, "dev", "us-east-1");
    char err[1024] = "";
    if (setup_world(&wsim, t, "golden-path", &cfg, 10 * 60000, err, sizeof err) != 0)
        t_fail(__FILE__, __LINE__, "setup: %s", err);
    T_EQ_INT(team_now_ms(t), 1767225600000LL);
    cJSON *st = world_status(&wsim, t);
    T_ASSERT(st != NULL);
    /* the sizes the fixture promises: 4 tasks with pools of 10, max_connections 100 */
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(st, "tasks")), 4);
    T_EQ_INT(status_int(st, "database", "maxConnections"), 100);
    T_EQ_INT(status_int(st, "database", "connections"), 42);
    cJSON_Delete(st);

    /* the state survives a reload from the store byte for byte */
    st = world_status(&wsim, t);
    char *before = cJSON_PrintUnformatted(st);
    cJSON_Delete(st);
    world_free(t);
    st = world_status(&wsim, t);
    char *after = cJSON_PrintUnformatted(st);
    cJSON_Delete(st);
    T_EQ_STR(before, after);
    free(before);
    free(after);

    /* the leak: connections rise with a flat task count, until the database refuses */
    cJSON *in = cJSON_Parse("{\"Name\":\"/golden/failure_mode\",\"Value\":\"connection_leak\","
                            "\"Type\":\"String\",\"Overwrite\":true}");
    struct invoke_error ie;
    T_EQ_INT(invoke(&wsim, t, "us-east-1", "ssm", "PutParameter", in, NULL, &ie), 0);
    cJSON_Delete(in);
    T_EQ_INT(engine_advance(&wsim, t, 10 * 60000), 0);
    st = world_status(&wsim, t);
    int mid = status_int(st, "database", "connections");
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(st, "tasks")), 4);
    cJSON_Delete(st);
    T_ASSERT(mid > 50 && mid < 97);
    T_EQ_INT(engine_advance(&wsim, t, 30 * 60000), 0);
    st = world_status(&wsim, t);
    T_EQ_INT(status_int(st, "database", "connections"), 97); /* 100 less the reserved 3 */
    cJSON_Delete(st);

    /* an app request now fails as the model says */
    int status = 0;
    char *body = NULL;
    for (int i = 0; i < 200; i++) {
        free(body);
        T_EQ_INT(world_app_request(&wsim, t, "/db", &status, &body), 0);
        if (status == 500)
            break;
    }
    T_EQ_INT(status, 500);
    T_ASSERT(strstr(body, "\"errorType\":\"connection_error\"") ||
             strstr(body, "\"errorType\":\"pool_timeout\""));
    free(body);
    team_forget_all(&wsim);
    store_close(wsim.store);
}
