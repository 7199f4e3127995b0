/*
 * Tests of sim/control/chaos.c and sim/store/chaos.c: which calls a rule matches, the
 * "after N pass, then fail M times" counting, the seeded probability draws, the RULE parser,
 * the rows per team, and the chaos stage on a call (the error in each protocol's spelling,
 * the latency field). End to end with the real clients: tests/e2e/test_chaos*.py.
 */
#include "control/chaos.h"
#include "scenario/scenario.h"
#include "store/chaos.h"
#include "store/store.h"
#include "store_util.h"
#include "t.h"
#include "unit_call.h"

#define A1 "111111111111"
#define A2 "222222222222"

static struct chaos_rule rule(const char *service, const char *op, const char *region)
{
    struct chaos_rule r;
    memset(&r, 0, sizeof r);
    snprintf(r.service, sizeof r.service, "%s", service);
    snprintf(r.operation, sizeof r.operation, "%s", op);
    snprintf(r.region, sizeof r.region, "%s", region);
    r.probability = 1.0;
    r.times = -1;
    r.id = 1;
    return r;
}

TEST(chaos_rule_matching)
{
    struct chaos_rule any = rule("", "", "");
    T_ASSERT(chaos_rule_matches(&any, "ecs", "DescribeServices", "us-east-1"));
    T_ASSERT(chaos_rule_matches(&any, "cloudwatch", "PutMetricData", "eu-west-1"));
    struct chaos_rule r = rule("ecs", "DescribeServices", "");
    T_ASSERT(chaos_rule_matches(&r, "ecs", "DescribeServices", "us-east-1"));
    T_ASSERT(chaos_rule_matches(&r, "ECS", "describeservices", "eu-west-1"));
    T_ASSERT(!chaos_rule_matches(&r, "ecs", "UpdateService", "us-east-1"));
    T_ASSERT(!chaos_rule_matches(&r, "rds", "DescribeServices", "us-east-1"));
    T_ASSERT(!chaos_rule_matches(&r, "ecs", "DescribeService", "us-east-1"));
    struct chaos_rule reg = rule("", "", "eu-west-1");
    T_ASSERT(chaos_rule_matches(&reg, "ssm", "GetParameter", "eu-west-1"));
    T_ASSERT(!chaos_rule_matches(&reg, "ssm", "GetParameter", "us-east-1"));
    T_ASSERT(!chaos_rule_matches(&reg, "ssm", "GetParameter", NULL));
}

TEST(chaos_rule_counting)
{
    /* after 2 matching calls pass, fail the next 3, then the rule is spent */
    struct chaos_rule r = rule("ecs", "", "");
    r.after = 2;
    r.times = 3;
    const int want[] = {0, 0, 1, 1, 1, 0, 0, 0};
    for (int i = 0; i < 8; i++) {
        if (chaos_rule_step(&r, 42) != want[i])
            t_fail(__FILE__, __LINE__, "call %d: want %d", i + 1, want[i]);
    }
    T_EQ_INT(r.matched, 8);
    T_EQ_INT(r.fired, 3);
    T_EQ_INT(r.draws, 0); /* probability 1 draws nothing */

    /* times 0: never fires; no times: fires for ever */
    struct chaos_rule z = rule("", "", "");
    z.times = 0;
    struct chaos_rule f = rule("", "", "");
    for (int i = 0; i < 100; i++) {
        T_EQ_INT(chaos_rule_step(&z, 1), 0);
        T_EQ_INT(chaos_rule_step(&f, 1), 1);
    }
    T_EQ_INT(f.fired, 100);
}

TEST(chaos_rule_probability)
{
    struct chaos_rule never = rule("", "", "");
    never.probability = 0.0;
    for (int i = 0; i < 200; i++)
        T_EQ_INT(chaos_rule_step(&never, 7), 0);
    T_EQ_INT(never.draws, 200);

    /* p = 0.3 over 2000 calls: near 600, and the same sequence for the same seed and rule */
    struct chaos_rule a = rule("", "", ""), b = rule("", "", ""), other = rule("", "", "");
    a.probability = b.probability = other.probability = 0.3;
    other.id = 2;
    int same = 1, differs = 0;
    for (int i = 0; i < 2000; i++) {
        int x = chaos_rule_step(&a, 99), y = chaos_rule_step(&b, 99);
        int z = chaos_rule_step(&other, 99);
        same &= x == y;
        differs |= x != z;
    }
    T_ASSERT(same);
    T_ASSERT(differs);
    T_ASSERT(a.fired > 520 && a.fired < 680);

    /* a times limit counts only the calls that fired: draws that missed do not spend it */
    struct chaos_rule t = rule("", "", "");
    t.probability = 0.5;
    t.times = 5;
    for (int i = 0; i < 200; i++)
        chaos_rule_step(&t, 3);
    T_EQ_INT(t.fired, 5);

    /* the draws are a function of (seed, rule id, index) only */
    T_EQ_DBL(chaos_draw(5, 1, 10), chaos_draw(5, 1, 10));
    T_ASSERT(chaos_draw(5, 1, 10) != chaos_draw(6, 1, 10));
    for (int i = 0; i < 1000; i++) {
        double d = chaos_draw(11, 3, i);
        T_ASSERT(d >= 0.0 && d < 1.0);
    }
}

/* Parses text as a RULE; returns the parser's result, the reason in err. */
static int parse(const char *text, struct chaos_rule *r, char *err, size_t n)
{
    cJSON *j = cJSON_Parse(text);
    T_ASSERT(j != NULL);
    err[0] = '\0';
    int rc = chaos_rule_parse(j, r, err, n);
    cJSON_Delete(j);
    return rc;
}

TEST(chaos_rule_parse_errors)
{
    struct chaos_rule r;
    char err[256];
    T_EQ_INT(parse("{\"service\":\"ecs\",\"operation\":\"DescribeServices\",\"times\":2,"
                   "\"error\":{\"code\":\"ThrottlingException\",\"status\":400}}",
                   &r, err, sizeof err),
             0);
    T_EQ_STR(r.service, "ecs");
    T_EQ_STR(r.operation, "DescribeServices");
    T_EQ_STR(r.code, "ThrottlingException");
    T_EQ_INT(r.status, 400);
    T_EQ_INT(r.times, 2);
    T_EQ_INT(r.after, 0);
    T_EQ_DBL(r.probability, 1.0);
    T_EQ_STR(r.source, "api");
    T_EQ_INT(parse("{\"latencyMs\":1500,\"region\":\"eu-west-1\",\"probability\":0.25}", &r, err,
                   sizeof err),
             0);
    T_EQ_INT(r.latency_ms, 1500);
    T_EQ_INT(r.times, -1);
    T_EQ_DBL(r.probability, 0.25);

    static const struct {
        const char *text;
        const char *why;
    } bad[] = {
        {"{\"service\":\"ecs\"}", "needs an effect"},
        {"{\"latencyMs\":100,\"sevice\":\"ecs\"}", "unknown member \"sevice\""},
        {"{\"latencyMs\":100,\"probability\":1.5}", "probability"},
        {"{\"latencyMs\":-1}", "latencyMs"},
        {"{\"latencyMs\":300001}", "latencyMs"},
        {"{\"latencyMs\":10,\"after\":1.5}", "after"},
        {"{\"latencyMs\":10,\"times\":-2}", "times"},
        {"{\"error\":{\"status\":400}}", "error.code is required"},
        {"{\"error\":{\"code\":\"Bad Code\"}}", "code"},
        {"{\"error\":{\"code\":\"X\\r\\nInjected: 1\"}}", "code"},
        {"{\"error\":{\"code\":\"X\",\"status\":200}}", "status"},
        {"{\"error\":\"ThrottlingException\"}", "error must be an object"},
        {"{\"error\":{\"code\":\"X\",\"message\":\"a\\nb\"}}", "control characters"},
        {"{\"latencyMs\":10,\"service\":\"e c s\"}", "service"},
        {"[1]", "JSON object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(bad[i].text, &r, err, sizeof err) != -1 || strstr(err, bad[i].why) == NULL)
            t_fail(__FILE__, __LINE__, "%s: got \"%s\", want \"%s\"", bad[i].text, err,
                   bad[i].why);
    }
}


TEST(store_chaos_rows)
{
    struct store *st = open_store();
    struct chaos_rule r = rule("ecs", "DescribeServices", "");
    snprintf(r.source, sizeof r.source, "api");
    snprintf(r.code, sizeof r.code, "ThrottlingException");
    T_EQ_INT(chaos_rule_insert(st, A1, &r), 0);
    T_EQ_INT(r.id, 1);
    T_EQ_INT(chaos_rule_insert(st, A1, &r), 0);
    T_EQ_INT(r.id, 2);
    T_EQ_INT(chaos_rule_insert(st, A2, &r), 0);
    T_EQ_INT(r.id, 1); /* ids are per team */

    struct chaos_rule *list;
    int n;
    T_EQ_INT(chaos_rules_list(st, A1, NULL, &list, &n), 0);
    T_EQ_INT(n, 2);
    T_EQ_STR(list[1].operation, "DescribeServices");
    T_EQ_INT(list[1].times, -1);
    list[1].matched = 4;
    list[1].fired = 3;
    list[1].draws = 2;
    T_EQ_INT(chaos_rule_save_counters(st, A1, &list[1]), 0);
    chaos_rules_free(list, n);
    T_EQ_INT(chaos_rules_list(st, A1, NULL, &list, &n), 0);
    T_EQ_INT(list[1].matched, 4);
    T_EQ_INT(list[1].fired, 3);
    T_EQ_INT(list[1].draws, 2);
    T_EQ_INT(list[0].matched, 0);
    chaos_rules_free(list, n);

    /* another team's rows are untouched by a delete */
    T_EQ_INT(chaos_rules_delete(st, A1, 1, NULL), 1);
    T_EQ_INT(chaos_rules_delete(st, A1, 1, NULL), 0);
    T_EQ_INT(chaos_rules_delete(st, A1, -1, "localstack"), 0);
    T_EQ_INT(chaos_rules_delete(st, A1, -1, NULL), 1);
    T_EQ_INT(chaos_rules_list(st, A2, NULL, &list, &n), 0);
    T_EQ_INT(n, 1);
    chaos_rules_free(list, n);

    /* a team holds at most CHAOS_RULES_MAX rules */
    for (int i = 0; i < CHAOS_RULES_MAX; i++)
        T_EQ_INT(chaos_rule_insert(st, A1, &r), 0);
    T_EQ_INT(chaos_rule_insert(st, A1, &r), 1);
    store_close(st);
}

/* Runs the chaos stage on a call of service:op in codec for a team holding one rule made
 * from text; returns the stage's result. The call is left for the caller to inspect. */
static int apply(struct call *c, struct team *team, const char *service, const char *op,
                 const struct proto_codec *codec, const char *text)
{
    if (unit_sim.store == NULL)
        unit_sim.store = open_store();
    chaos_rules_delete(unit_sim.store, team->account, -1, NULL);
    if (text) {
        cJSON *j = cJSON_Parse(text);
        char err[256];
        struct chaos_rule r;
        T_EQ_INT(chaos_rule_parse(j, &r, err, sizeof err), 0);
        cJSON_Delete(j);
        T_EQ_INT(chaos_rule_insert(unit_sim.store, team->account, &r), 0);
    }
    unit_call(c, service, op, codec);
    c->team = team;
    return chaos_apply(c);
}

TEST(chaos_apply_protocols)
{
    struct team team;
    memset(&team, 0, sizeof team);
    snprintf(team.account, sizeof team.account, A1);
    team.seed = 1;
    struct call c;
    const char *throttle = "{\"times\":1,\"error\":{\"code\":\"ThrottlingException\"}}";

    /* awsJson: ThrottlingException, 400 */
    T_EQ_INT(apply(&c, &team, "ecs", "DescribeServices", &proto_json, throttle), SIM_ERROR);
    T_EQ_STR(c.err.code, "ThrottlingException");
    T_EQ_STR(c.err.message, "Rate exceeded");
    c.codec->encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_ASSERT(strstr(c.body.p, "\"__type\":\"ThrottlingException\"") != NULL);
    call_free(&c);

    /* awsQuery: Throttling, 400 */
    T_EQ_INT(apply(&c, &team, "rds", "DescribeDBClusters", &proto_query, throttle), SIM_ERROR);
    c.codec->encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_ASSERT(strstr(c.body.p, "<Code>Throttling</Code>") != NULL);
    call_free(&c);

    /* CloudWatch over CBOR (awsQueryCompatible): the query code in x-amzn-query-error */
    T_EQ_INT(apply(&c, &team, "cloudwatch", "GetMetricData", &proto_cbor, throttle), SIM_ERROR);
    c.codec->encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_EQ_STR(unit_header(&c, "x-amzn-query-error"), "Throttling;Sender");
    call_free(&c);

    /* any other code is answered as given, with the given status */
    T_EQ_INT(apply(&c, &team, "ssm", "GetParameter", &proto_json,
                   "{\"error\":{\"code\":\"InternalServerError\",\"status\":500,"
                   "\"message\":\"boom\"}}"),
             SIM_ERROR);
    c.codec->encode_error(&c);
    T_EQ_INT(c.status, 500);
    T_ASSERT(strstr(c.body.p, "boom") != NULL);
    call_free(&c);

    /* a spent rule, another operation, another team: the call goes on */
    T_EQ_INT(apply(&c, &team, "ecs", "DescribeServices", &proto_json, throttle), SIM_ERROR);
    call_free(&c);
    unit_call(&c, "ecs", "DescribeServices", &proto_json);
    c.team = &team;
    T_EQ_INT(chaos_apply(&c), SIM_OK);
    call_free(&c);
    T_EQ_INT(apply(&c, &team, "ecs", "UpdateService", &proto_json,
                   "{\"operation\":\"DescribeServices\",\"error\":{\"code\":\"X\"}}"),
             SIM_OK);
    call_free(&c);
    struct team other = team;
    snprintf(other.account, sizeof other.account, A2);
    unit_call(&c, "ecs", "DescribeServices", &proto_json);
    c.team = &other;
    T_EQ_INT(chaos_apply(&c), SIM_OK);
    call_free(&c);

    /* latency: the call goes on with delay_ms set */
    T_EQ_INT(apply(&c, &team, "ssm", "GetParameter", &proto_json,
                   "{\"service\":\"ssm\",\"latencyMs\":1500}"),
             SIM_OK);
    T_EQ_INT(c.delay_ms, 1500);
    T_ASSERT(!c.err.set);
    call_free(&c);
}

TEST(chaos_scenario_action)
{
    char err[1024];
    cJSON *doc = scenario_load("calm", err, sizeof err);
    T_ASSERT(doc != NULL);
    cJSON *timeline = cJSON_GetObjectItemCaseSensitive(doc, "timeline");
    cJSON *ev = cJSON_Parse("{\"at\":\"+5m\",\"do\":\"chaos\",\"rule\":{\"service\":\"ecs\","
                            "\"times\":2,\"error\":{\"code\":\"ThrottlingException\"}}}");
    cJSON_AddItemToArray(timeline, ev);
    T_EQ_INT(scenario_validate(doc, err, sizeof err), 0);
    /* the rule is checked when the file is loaded, not when the action runs */
    cJSON_ReplaceItemInObjectCaseSensitive(ev, "rule", cJSON_Parse("{\"service\":\"ecs\"}"));
    T_EQ_INT(scenario_validate(doc, err, sizeof err), -1);
    T_ASSERT(strstr(err, "$.timeline[0].rule: a rule needs an effect") != NULL);
    cJSON_DeleteItemFromObjectCaseSensitive(ev, "rule");
    T_EQ_INT(scenario_validate(doc, err, sizeof err), -1);
    T_ASSERT(strstr(err, "rule") != NULL);
    cJSON_Delete(doc);
}
