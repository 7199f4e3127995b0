/*
 * Tests of sim/services/cloudwatch.c: the handlers run as the pipeline runs them (model
 * validation, then the handler inside a transaction for writes) against an in-memory store,
 * with the sim time chosen by the test, which is how the time rules (two weeks of
 * Timestamp, RecentlyActive, the two-week ListMetrics horizon) are checked without a clock.
 */
#include <math.h>

#include "services/validate.h"
#include "store/metrics.h"
#include "store/store.h"
#include "unit_call.h"

#define T0 1704067200000LL /* 2024-01-01T00:00:00Z, in ms */
#define HOUR (3600LL * 1000)
#define DAY (24 * HOUR)

struct cw_env {
    const char *account;
    const char *region;
    int64_t now_ms;
};

static struct cw_env env = {"111111111111", "us-east-1", T0};

static void cw_open(void)
{
    char *cause = NULL;
    T_ASSERT(store_open(":memory:", &unit_sim.store, &cause) == 0);
    env.account = "111111111111";
    env.region = "us-east-1";
    env.now_ms = T0;
}

/* Runs op with the JSON input in the current env. Returns SIM_OK or SIM_ERROR; the caller
 * owns *c (call_free). */
static int cw_run(struct call *c, const char *op, const char *json)
{
    unit_call(c, "cloudwatch", op, &proto_json);
    snprintf(c->tenant.account, sizeof c->tenant.account, "%s", env.account);
    snprintf(c->tenant.region, sizeof c->tenant.region, "%s", env.region);
    c->now_ms = env.now_ms;
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

static void put_ok(const char *json)
{
    struct call c;
    if (cw_run(&c, "PutMetricData", json) != SIM_OK)
        t_fail(__FILE__, __LINE__, "PutMetricData failed: %s: %s", c.err.code,
               c.err.message ? c.err.message : "");
    call_free(&c);
}

/* Expects PutMetricData to fail with code and exactly message. */
static void put_err(const char *json, const char *code, const char *message)
{
    struct call c;
    T_EQ_INT(cw_run(&c, "PutMetricData", json), SIM_ERROR);
    T_EQ_STR(c.err.code, code);
    T_EQ_STR(c.err.message, message);
    call_free(&c);
}

/* Runs ListMetrics and returns the printed output (caller frees). */
static char *list(const char *json)
{
    struct call c;
    if (cw_run(&c, "ListMetrics", json) != SIM_OK)
        t_fail(__FILE__, __LINE__, "ListMetrics failed: %s: %s", c.err.code,
               c.err.message ? c.err.message : "");
    char *s = cJSON_PrintUnformatted(c.out);
    call_free(&c);
    return s;
}

static int list_count(const char *json)
{
    struct call c;
    T_EQ_INT(cw_run(&c, "ListMetrics", json), SIM_OK);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(c.out, "Metrics"));
    call_free(&c);
    return n;
}

TEST(services_cloudwatch_put_list)
{
    cw_open();
    /* The same dimensions in another order are the same metric. */
    put_ok("{\"Namespace\":\"App\",\"MetricData\":[{\"MetricName\":\"Latency\",\"Value\":1,"
           "\"Dimensions\":[{\"Name\":\"Service\",\"Value\":\"web\"},"
           "{\"Name\":\"Az\",\"Value\":\"a\"}]}]}");
    put_ok("{\"Namespace\":\"App\",\"MetricData\":[{\"MetricName\":\"Latency\",\"Value\":2,"
           "\"Dimensions\":[{\"Name\":\"Az\",\"Value\":\"a\"},"
           "{\"Name\":\"Service\",\"Value\":\"web\"}]},"
           "{\"MetricName\":\"Errors\",\"Value\":0}]}");
    char *s = list("{\"Namespace\":\"App\"}");
    T_EQ_STR(s, "{\"Metrics\":[{\"Namespace\":\"App\",\"MetricName\":\"Errors\","
                "\"Dimensions\":[]},{\"Namespace\":\"App\",\"MetricName\":\"Latency\","
                "\"Dimensions\":[{\"Name\":\"Az\",\"Value\":\"a\"},"
                "{\"Name\":\"Service\",\"Value\":\"web\"}]}]}");
    free(s);
    T_EQ_INT(list_count("{\"Namespace\":\"Other\"}"), 0);
    T_EQ_INT(list_count("{\"MetricName\":\"Latency\"}"), 1);
    T_EQ_INT(list_count("{}"), 2);
}

TEST(services_cloudwatch_list_filters)
{
    cw_open();
    put_ok("{\"Namespace\":\"N\",\"MetricData\":["
           "{\"MetricName\":\"m\",\"Value\":1,\"Dimensions\":[{\"Name\":\"A\",\"Value\":\"1\"}]},"
           "{\"MetricName\":\"m\",\"Value\":1,\"Dimensions\":[{\"Name\":\"A\",\"Value\":\"2\"}]},"
           "{\"MetricName\":\"m\",\"Value\":1,\"Dimensions\":[{\"Name\":\"A\",\"Value\":\"1\"},"
           "{\"Name\":\"B\",\"Value\":\"x\"}]},"
           "{\"MetricName\":\"m\",\"Value\":1}]}");
    T_EQ_INT(list_count("{\"Dimensions\":[{\"Name\":\"A\"}]}"), 3);
    T_EQ_INT(list_count("{\"Dimensions\":[{\"Name\":\"A\",\"Value\":\"1\"}]}"), 2);
    T_EQ_INT(list_count("{\"Dimensions\":[{\"Name\":\"A\",\"Value\":\"1\"},{\"Name\":\"B\"}]}"),
             1);
    T_EQ_INT(list_count("{\"Dimensions\":[{\"Name\":\"B\",\"Value\":\"y\"}]}"), 0);
    T_EQ_INT(list_count("{\"Dimensions\":[{\"Name\":\"C\"}]}"), 0);
    /* Tenancy: another account, another region. */
    env.account = "222222222222";
    T_EQ_INT(list_count("{}"), 0);
    env.account = "111111111111";
    env.region = "eu-west-1";
    T_EQ_INT(list_count("{}"), 0);
    env.region = "us-east-1";
    T_EQ_INT(list_count("{}"), 4);
    /* Not a monitoring account: OwningAccounts mirrors Metrics; OwningAccount is ours or
     * nothing. */
    char *s = list("{\"Dimensions\":[{\"Name\":\"B\"}],\"IncludeLinkedAccounts\":true}");
    T_ASSERT(strstr(s, "\"OwningAccounts\":[\"111111111111\"]") != NULL);
    free(s);
    T_EQ_INT(list_count("{\"IncludeLinkedAccounts\":true,\"OwningAccount\":\"111111111111\"}"),
             4);
    T_EQ_INT(list_count("{\"IncludeLinkedAccounts\":true,\"OwningAccount\":\"999999999999\"}"),
             0);
    s = list("{}");
    T_ASSERT(strstr(s, "OwningAccounts") == NULL);
    free(s);
}

TEST(services_cloudwatch_list_recency)
{
    cw_open();
    /* A datum stamped 13 days ago but sent now counts as received now. */
    put_ok("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"old\",\"Value\":1,"
           "\"Timestamp\":1702944000}]}"); /* T0 - 13 days */
    env.now_ms = T0 + 2 * HOUR;
    put_ok("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"new\",\"Value\":1}]}");
    env.now_ms = T0 + 3 * HOUR; /* "old" was received exactly 3 h ago */
    T_EQ_INT(list_count("{\"RecentlyActive\":\"PT3H\"}"), 2);
    env.now_ms = T0 + 3 * HOUR + 1;
    T_EQ_INT(list_count("{\"RecentlyActive\":\"PT3H\"}"), 1);
    T_EQ_INT(list_count("{}"), 2);
    env.now_ms = T0 + 14 * DAY;
    T_EQ_INT(list_count("{}"), 2);
    env.now_ms = T0 + 14 * DAY + 1;
    T_EQ_INT(list_count("{}"), 1);
    env.now_ms = T0 + 2 * HOUR + 14 * DAY + 1;
    T_EQ_INT(list_count("{}"), 0);
    /* New data brings a metric back. */
    put_ok("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"old\",\"Value\":1}]}");
    T_EQ_INT(list_count("{\"RecentlyActive\":\"PT3H\"}"), 1);
    /* RecentlyActive takes only PT3H (the model's enum). */
    struct call c;
    T_EQ_INT(cw_run(&c, "ListMetrics", "{\"RecentlyActive\":\"PT1H\"}"), SIM_ERROR);
    T_EQ_STR(c.err.code, "InvalidParameterValue");
    call_free(&c);
}

TEST(services_cloudwatch_list_paging)
{
    cw_open();
    /* 1203 metrics in two requests (the second also refreshes some of the first). */
    for (int r = 0; r < 2; r++) {
        struct buf b;
        buf_init(&b, 1 << 20);
        buf_puts(&b, "{\"Namespace\":\"P\",\"MetricData\":[");
        for (int i = 0; i < 1000; i++)
            buf_printf(&b, "%s{\"MetricName\":\"m%04d\",\"Value\":%d}", i ? "," : "",
                       r * 203 + i, i);
        buf_puts(&b, "]}");
        put_ok(b.p);
        buf_free(&b);
    }
    char token[64] = "";
    char seen_tokens[8][64];
    int total = 0, pages = 0;
    char last[16] = "";
    for (;;) {
        char req[128];
        snprintf(req, sizeof req, token[0] ? "{\"NextToken\":\"%s\"}" : "{}", token);
        struct call c;
        T_EQ_INT(cw_run(&c, "ListMetrics", req), SIM_OK);
        cJSON *m;
        int n = 0;
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(c.out, "Metrics"))
        {
            const char *name = cJSON_GetObjectItem(m, "MetricName")->valuestring;
            T_ASSERT(strcmp(name, last) > 0); /* ordered, no repeats across pages */
            snprintf(last, sizeof last, "%s", name);
            n++;
        }
        total += n;
        const cJSON *next = cJSON_GetObjectItem(c.out, "NextToken");
        T_ASSERT(pages < 8);
        if (next == NULL) {
            T_EQ_INT(n, 203);
            call_free(&c);
            break;
        }
        T_EQ_INT(n, 500);
        for (int i = 0; i < pages; i++)
            T_ASSERT(strcmp(seen_tokens[i], next->valuestring) != 0);
        snprintf(seen_tokens[pages], sizeof seen_tokens[pages], "%s", next->valuestring);
        snprintf(token, sizeof token, "%s", next->valuestring);
        pages++;
        call_free(&c);
    }
    T_EQ_INT(total, 1203);
    T_EQ_INT(pages, 2);
    /* A token is only good in its own account and region; garbage is rejected. */
    char req[128];
    snprintf(req, sizeof req, "{\"NextToken\":\"%s\"}", seen_tokens[0]);
    env.region = "us-west-2";
    struct call c;
    T_EQ_INT(cw_run(&c, "ListMetrics", req), SIM_ERROR);
    T_EQ_STR(c.err.code, "InvalidParameterValue");
    call_free(&c);
    env.region = "us-east-1";
    T_EQ_INT(cw_run(&c, "ListMetrics", "{\"NextToken\":\"nope\"}"), SIM_ERROR);
    T_EQ_STR(c.err.message, "The value nope for parameter NextToken is invalid.");
    call_free(&c);
}

/* Sums what metrics_scan hands out for one metric. */
struct scan_sum {
    int rows, raw;
    double count, sum, min, max;
    int unit, resolution;
    int64_t ts_ms;
};

static int scan_add(void *arg, const struct metrics_row *r)
{
    struct scan_sum *s = arg;
    if (s->rows == 0) {
        s->min = r->min;
        s->max = r->max;
    }
    s->rows++;
    s->raw += !isnan(r->value);
    s->count += r->count;
    s->sum += r->sum;
    s->min = fmin(s->min, r->min);
    s->max = fmax(s->max, r->max);
    s->unit = r->unit;
    s->resolution = r->resolution;
    s->ts_ms = r->ts_ms;
    return 0;
}

static struct scan_sum scan_metric(const char *ns, const char *name, const char *dims_key)
{
    int64_t id = 0;
    T_EQ_INT(metrics_find(unit_sim.store, env.account, env.region, ns, name, dims_key, &id), 0);
    struct scan_sum s = {0};
    T_EQ_INT(metrics_scan(unit_sim.store, id, 0, INT64_MAX, scan_add, &s), 0);
    return s;
}

TEST(services_cloudwatch_put_storage)
{
    cw_open();
    put_ok("{\"Namespace\":\"S\",\"MetricData\":["
           "{\"MetricName\":\"v\",\"Value\":12.5,\"Unit\":\"Milliseconds\","
           "\"StorageResolution\":1,\"Timestamp\":1704067190.25},"
           "{\"MetricName\":\"vc\",\"Values\":[3,1,3,2],\"Counts\":[1,2,3,0]},"
           "{\"MetricName\":\"vn\",\"Values\":[5,6]},"
           "{\"MetricName\":\"st\",\"StatisticValues\":{\"SampleCount\":4,\"Sum\":10,"
           "\"Minimum\":1,\"Maximum\":4},\"Unit\":\"Count\"},"
           "{\"MetricName\":\"both\",\"Values\":[7],"
           "\"StatisticValues\":{\"SampleCount\":9,\"Sum\":9,\"Minimum\":1,\"Maximum\":1}}]}");
    struct scan_sum s = scan_metric("S", "v", "");
    T_EQ_INT(s.rows, 1);
    T_EQ_INT(s.raw, 1);
    T_EQ_DBL(s.sum, 12.5);
    T_EQ_INT(s.unit, METRICS_UNIT_MILLISECONDS);
    T_EQ_STR(metrics_unit_name(s.unit), "Milliseconds");
    T_EQ_INT(s.resolution, 1);
    T_EQ_INT(s.ts_ms, 1704067190250LL);
    /* Values 3,1,3,2 with counts 1,2,3,0: rows (1,2), (3,4); 2 occurred 0 times. */
    s = scan_metric("S", "vc", "");
    T_EQ_INT(s.rows, 2);
    T_EQ_DBL(s.count, 6);
    T_EQ_DBL(s.sum, 14);
    T_EQ_DBL(s.min, 1);
    T_EQ_DBL(s.max, 3);
    T_EQ_INT(s.unit, METRICS_UNIT_NONE);
    T_EQ_INT(s.resolution, 60);
    T_EQ_INT(s.ts_ms, T0);
    s = scan_metric("S", "vn", "");
    T_EQ_INT(s.rows, 2);
    T_EQ_DBL(s.count, 2);
    s = scan_metric("S", "st", "");
    T_EQ_INT(s.rows, 1);
    T_EQ_INT(s.raw, 0);
    T_EQ_DBL(s.count, 4);
    T_EQ_DBL(s.sum, 10);
    T_EQ_DBL(s.max, 4);
    T_EQ_INT(s.unit, METRICS_UNIT_COUNT);
    /* Values with StatisticValues: AWS accepts it; the values are kept. */
    s = scan_metric("S", "both", "");
    T_EQ_INT(s.rows, 1);
    T_EQ_DBL(s.sum, 7);
    /* A second put of the same metric adds rows after the first ones. */
    put_ok("{\"Namespace\":\"S\",\"MetricData\":[{\"MetricName\":\"v\",\"Value\":1,"
           "\"Timestamp\":1704067190.25},{\"MetricName\":\"v\",\"Value\":2}]}");
    s = scan_metric("S", "v", "");
    T_EQ_INT(s.rows, 3);
    T_EQ_DBL(s.sum, 15.5);
}

TEST(services_cloudwatch_put_atomic)
{
    cw_open();
    put_err("{\"Namespace\":\"A\",\"MetricData\":[{\"MetricName\":\"good\",\"Value\":1},"
            "{\"MetricName\":\"bad\",\"Value\":1,\"StorageResolution\":5}]}",
            "InvalidParameterValue",
            "The parameter MetricData.member.2.StorageResolution must be a value in the set "
            "[ 1, 60 ].");
    T_EQ_INT(list_count("{}"), 0);
    int64_t id;
    T_EQ_INT(metrics_find(unit_sim.store, env.account, env.region, "A", "good", "", &id), 1);
}

TEST(services_cloudwatch_put_rules)
{
    cw_open();
    put_err("{\"Namespace\":\"AWS/EC2\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1}]}",
            "InvalidParameterValue", "The value AWS/EC2 for parameter Namespace is invalid.");
    put_err("{\"Namespace\":\"a\\tb\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1}]}",
            "InvalidParameterValue", "The value a\tb for parameter Namespace is invalid.");
    put_err("{\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1}]}", "MissingParameter",
            "The parameter Namespace is required.");
    put_err("{\"Namespace\":\"N\"}", "MissingParameter", "The parameter MetricData is required.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[]}", "MissingParameter",
            "The parameter MetricData is required.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"Value\":1}]}", "MissingParameter",
            "The parameter MetricData.member.1.MetricName is required.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\"}]}",
            "InvalidParameterCombination",
            "At least one of the parameters MetricData.member.1.Value and "
            "MetricData.member.1.StatisticValues must be specified.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1,"
            "\"Values\":[1]}]}",
            "InvalidParameterCombination",
            "The parameters MetricData.member.1.Value and MetricData.member.1.Values are "
            "mutually exclusive and you have specified both.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1,"
            "\"StatisticValues\":{\"SampleCount\":1,\"Sum\":1,\"Minimum\":1,\"Maximum\":1}}]}",
            "InvalidParameterCombination",
            "The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues "
            "are mutually exclusive and you have specified both.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Values\":[1,10],"
            "\"Counts\":[2,4,5]}]}",
            "InvalidParameterValue",
            "The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be "
            "of the same size.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Values\":[1],"
            "\"Counts\":[-1]}]}",
            "InvalidParameterValue",
            "The value -1.0 for parameter MetricData.member.1.Counts.member.1 is invalid.");
    /* Values are echoed as Java's Double.toString prints them. */
    static const char *const java[][2] = {
        {"-0.001", "-0.001"},        {"-12.5", "-12.5"},     {"-1234567", "-1234567.0"},
        {"-12345678", "-1.2345678E7"}, {"-0.0001", "-1.0E-4"}, {"-1e-300", "-1.0E-300"},
        {"-0.1", "-0.1"},            {"-100", "-100.0"},     {"-1.5e10", "-1.5E10"},
    };
    for (size_t i = 0; i < sizeof java / sizeof java[0]; i++) {
        char req[160], msg[160];
        snprintf(req, sizeof req, "{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\","
                 "\"Values\":[1],\"Counts\":[%s]}]}", java[i][0]);
        snprintf(msg, sizeof msg, "The value %s for parameter MetricData.member.1.Counts.member.1 "
                 "is invalid.", java[i][1]);
        put_err(req, "InvalidParameterValue", msg);
    }
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1e200}]}",
            "InvalidParameterValue",
            "The value 1.0E200 for parameter MetricData.member.1.Value is invalid.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Values\":[1,-3e120]}]}",
            "InvalidParameterValue",
            "The value -3.0E120 for parameter MetricData.member.1.Values.member.2 is invalid.");
    /* The KPL case AWS answered: SampleCount 0 and an inverted, out-of-range min/max. */
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"StatisticValues\":"
            "{\"SampleCount\":0,\"Sum\":0,\"Minimum\":1.79769e308,\"Maximum\":-1.79769e308}}]}",
            "InvalidParameterValue",
            "The value -1.79769E308 for parameter MetricData.member.1.StatisticValues.Maximum "
            "is invalid.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"StatisticValues\":"
            "{\"SampleCount\":0,\"Sum\":0,\"Minimum\":0,\"Maximum\":0}}]}",
            "InvalidParameterValue",
            "The parameter MetricData.member.1.StatisticValues.SampleCount must be greater than "
            "0.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"StatisticValues\":"
            "{\"SampleCount\":2,\"Sum\":3,\"Minimum\":2,\"Maximum\":1}}]}",
            "InvalidParameterValue",
            "The parameter MetricData.member.1.StatisticValues.Maximum must be greater than "
            "MetricData.member.1.StatisticValues.Minimum.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"StatisticValues\":"
            "{\"SampleCount\":2,\"Sum\":3,\"Minimum\":2}}]}",
            "MissingParameter",
            "The parameter MetricData.member.1.StatisticValues.Maximum is required.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1,"
            "\"Dimensions\":[{\"Name\":\"A\",\"Value\":\"1\"},{\"Name\":\"A\",\"Value\":\"2\"}]}]}",
            "InvalidParameterValue", "No metric may specify the same dimension name twice.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1,"
            "\"Dimensions\":[{\"Name\":\":A\",\"Value\":\"1\"}]}]}",
            "InvalidParameterValue",
            "The value :A for parameter MetricData.member.1.Dimensions.member.1.Name is "
            "invalid.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1,"
            "\"Dimensions\":[{\"Name\":\"A\",\"Value\":\"   \"}]}]}",
            "InvalidParameterValue",
            "The value     for parameter MetricData.member.1.Dimensions.member.1.Value is "
            "invalid.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1,"
            "\"Dimensions\":[{\"Name\":\"A\"}]}]}",
            "MissingParameter",
            "The parameter MetricData.member.1.Dimensions.member.1.Value is required.");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1,"
            "\"Unit\":\"Parsecs\"}]}",
            "InvalidParameterValue",
            "The parameter MetricData.member.1.Unit must be a value in the set [ Seconds, "
            "Microseconds, Milliseconds, Bytes, Kilobytes, Megabytes, Gigabytes, Terabytes, "
            "Bits, Kilobits, Megabits, Gigabits, Terabits, Percent, Count, Bytes/Second, "
            "Kilobytes/Second, Megabytes/Second, Gigabytes/Second, Terabytes/Second, "
            "Bits/Second, Kilobits/Second, Megabits/Second, Gigabits/Second, Terabits/Second, "
            "Count/Second, None ].");
    put_err("{\"Namespace\":\"N\",\"MetricData\":[{\"MetricName\":\"m\",\"Value\":1,"
            "\"StorageResolution\":0}]}",
            "InvalidParameterValue",
            "The parameter MetricData.member.1.StorageResolution must be greater than or equal "
            "to 1.");
}

TEST(services_cloudwatch_put_limits)
{
    cw_open();
    /* Timestamps: two weeks back to two hours ahead, bounds included; each bad datum is
     * reported on its own line, like AWS does. */
    put_ok("{\"Namespace\":\"T\",\"MetricData\":[{\"MetricName\":\"a\",\"Value\":1,"
           "\"Timestamp\":1702857600},{\"MetricName\":\"b\",\"Value\":1,"
           "\"Timestamp\":1704074400}]}"); /* T0 - 14 d, T0 + 2 h */
    put_err("{\"Namespace\":\"T\",\"MetricData\":[{\"MetricName\":\"a\",\"Value\":1,"
            "\"Timestamp\":1702857599.999},{\"MetricName\":\"ok\",\"Value\":1},"
            "{\"MetricName\":\"b\",\"Value\":1,\"Timestamp\":1704074400.001}]}",
            "InvalidParameterValue",
            "The parameter MetricData.member.1.Timestamp must specify a time within the past "
            "two weeks.\nThe parameter MetricData.member.3.Timestamp must specify a time "
            "within the past two weeks.");
    /* 150 values are fine, 151 are not. */
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int n = 150; n <= 151; n++) {
        buf_reset(&b);
        buf_puts(&b, "{\"Namespace\":\"V\",\"MetricData\":[{\"MetricName\":\"m\",\"Values\":[");
        for (int i = 0; i < n; i++)
            buf_printf(&b, "%s%d", i ? "," : "", i);
        buf_puts(&b, "]}]}");
        if (n == 150)
            put_ok(b.p);
        else
            put_err(b.p, "InvalidParameterValue",
                    "The collection MetricData.member.1.Values must not have a size greater "
                    "than 150.");
    }
    /* 1000 datums are fine, 1001 are not, also counting EntityMetricData. */
    for (int n = 1000; n <= 1001; n++) {
        buf_reset(&b);
        buf_puts(&b, "{\"Namespace\":\"D\",\"MetricData\":[");
        for (int i = 0; i < n; i++)
            buf_printf(&b, "%s{\"MetricName\":\"m%d\",\"Value\":1}", i ? "," : "", i);
        buf_puts(&b, "]}");
        if (n == 1000)
            put_ok(b.p);
        else
            put_err(b.p, "InvalidParameterValue",
                    "The collection MetricData must not have a size greater than 1000.");
    }
    buf_reset(&b);
    buf_puts(&b, "{\"Namespace\":\"D\",\"MetricData\":[{\"MetricName\":\"x\",\"Value\":1}],"
                 "\"EntityMetricData\":[{\"MetricData\":[");
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%s{\"MetricName\":\"e%d\",\"Value\":1}", i ? "," : "", i);
    buf_puts(&b, "]}]}");
    put_err(b.p, "InvalidParameterValue",
            "The collection MetricData must not have a size greater than 1000.");
    buf_free(&b);
    /* EntityMetricData alone is stored like MetricData; its errors name its own path. */
    put_ok("{\"Namespace\":\"E\",\"EntityMetricData\":[{\"Entity\":{\"KeyAttributes\":"
           "{\"Type\":\"Service\",\"Name\":\"web\",\"Environment\":\"prod\"}},"
           "\"MetricData\":[{\"MetricName\":\"em\",\"Value\":3}]}]}");
    T_EQ_INT(list_count("{\"Namespace\":\"E\",\"MetricName\":\"em\"}"), 1);
    put_err("{\"Namespace\":\"E\",\"EntityMetricData\":[{\"MetricData\":[{\"MetricName\":\"em\","
            "\"Value\":1,\"StorageResolution\":30}]}]}",
            "InvalidParameterValue",
            "The parameter EntityMetricData.member.1.MetricData.member.1.StorageResolution "
            "must be a value in the set [ 1, 60 ].");
}

/* Pages through ListMetrics with filters (JSON members, "" for none) and writes the page
 * sizes to out as "500,100"; the first page's NextToken goes to first_token if non-NULL. */
static void page_sizes(const char *filters, char *out, size_t n, char *first_token)
{
    char token[64] = "";
    out[0] = '\0';
    for (int pages = 0; pages < 10; pages++) {
        char req[256];
        if (token[0])
            snprintf(req, sizeof req, "{%s%s\"NextToken\":\"%s\"}", filters,
                     filters[0] ? "," : "", token);
        else
            snprintf(req, sizeof req, "{%s}", filters);
        struct call c;
        T_EQ_INT(cw_run(&c, "ListMetrics", req), SIM_OK);
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%d", len ? "," : "",
                 cJSON_GetArraySize(cJSON_GetObjectItem(c.out, "Metrics")));
        const cJSON *next = cJSON_GetObjectItem(c.out, "NextToken");
        if (next && pages == 0 && first_token)
            snprintf(first_token, 64, "%s", next->valuestring);
        snprintf(token, sizeof token, "%s", next ? next->valuestring : "");
        call_free(&c);
        if (next == NULL)
            return;
    }
    t_fail(__FILE__, __LINE__, "more than 10 pages");
}

TEST(services_cloudwatch_list_paging_filtered)
{
    cw_open();
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int part = 0; part < 2; part++) {
        buf_reset(&b);
        buf_puts(&b, "{\"Namespace\":\"B\",\"MetricData\":[");
        for (int i = 0; i < 300; i++)
            buf_printf(&b, "%s{\"MetricName\":\"b%03d\",\"Value\":1}", i ? "," : "",
                       part * 300 + i);
        buf_puts(&b, "]}");
        put_ok(b.p);
        buf_reset(&b);
        buf_puts(&b, "{\"Namespace\":\"A\",\"MetricData\":[");
        for (int i = 0; i < 300; i++)
            buf_printf(&b, "%s{\"MetricName\":\"same\",\"Value\":1,\"Dimensions\":"
                       "[{\"Name\":\"Host\",\"Value\":\"h%03d\"}]}", i ? "," : "",
                       part * 300 + i);
        buf_puts(&b, "]}");
        put_ok(b.p);
    }
    buf_free(&b);
    put_ok("{\"Namespace\":\"C\",\"MetricData\":[{\"MetricName\":\"same\",\"Value\":1}]}");
    char sizes[64], tok_a[64] = "", tok_b[64] = "";
    page_sizes("\"Namespace\":\"B\"", sizes, sizeof sizes, tok_b);
    T_EQ_STR(sizes, "500,100");
    page_sizes("\"Namespace\":\"A\",\"MetricName\":\"same\"", sizes, sizeof sizes, tok_a);
    T_EQ_STR(sizes, "500,100");
    page_sizes("\"MetricName\":\"same\"", sizes, sizeof sizes, NULL);
    T_EQ_STR(sizes, "500,101");
    page_sizes("", sizes, sizeof sizes, NULL);
    T_EQ_STR(sizes, "500,500,201");
    page_sizes("\"Namespace\":\"A\",\"MetricName\":\"other\"", sizes, sizeof sizes, NULL);
    T_EQ_STR(sizes, "0");
    /* A token from another filter: before the filtered range starts it from the top, after
     * it ends the listing. */
    char req[256];
    snprintf(req, sizeof req, "{\"Namespace\":\"B\",\"NextToken\":\"%s\"}", tok_a);
    char *s = list(req);
    cJSON *o = cJSON_Parse(s);
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(o, "Metrics")), 500);
    T_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "Metrics"), 0),
                                 "MetricName")->valuestring, "b000");
    cJSON_Delete(o);
    free(s);
    snprintf(req, sizeof req, "{\"Namespace\":\"A\",\"NextToken\":\"%s\"}", tok_b);
    s = list(req);
    T_EQ_STR(s, "{\"Metrics\":[]}");
    free(s);
}
