/*
 * Tests of sim/engine/alarms*.c (the evaluation decision and its texts, composite rules, the
 * tick, state changes, history and actions) and sim/store/alarms.c, against an in-memory
 * store. The HTTP side is tests/e2e/test_alarms.py.
 */
#include <sqlite3.h>

#include "engine/alarms.h"
#include "engine/engine.h"
#include "engine/team.h"
#include "store/alarms.h"
#include "store/metrics.h"
#include "store/sns.h"
#include "store/store.h"
#include "unit_call.h"
#include "util/xmalloc.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define MIN_MS 60000LL

/* ---- the decision ------------------------------------------------------------------------ */

/* Builds the range from a pattern such as "0 - X - X" (oldest first; 0 = 10, X = 100, - =
 * missing) ending at T0, one minute per period. Returns the count. */
static int pattern(const char *p, struct alarms_point *pts)
{
    int n = 0;
    for (const char *s = p; *s; s++) {
        if (*s == ' ')
            continue;
        pts[n].present = *s != '-';
        pts[n].value = *s == 'X' ? 100 : 10;
        pts[n].samples = 1;
        n++;
    }
    for (int i = 0; i < n; i++)
        pts[i].ts_ms = T0 - (int64_t)(n - i) * MIN_MS;
    return n;
}

/* The state alarms_decide gives, or "retain". */
static const char *decide(const char *p, int n, int m, enum alarms_treat treat)
{
    static char out[32];
    struct alarms_point pts[16];
    int np = pattern(p, pts);
    struct alarms_spec s = {.period_s = 60, .evaluation_periods = n, .datapoints = m,
                            .op = "GreaterThanThreshold", .threshold = 50, .treat = treat,
                            .statistic = "Average"};
    struct alarms_decision d;
    T_EQ_INT(alarms_decide(&s, pts, np, T0, &d), 0);
    snprintf(out, sizeof out, "%s", d.state ? d.state : "retain");
    alarms_decision_clear(&d);
    return out;
}

TEST(engine_alarms_missing_data_tables)
{
    /* the two tables of the CloudWatch User Guide, "How alarm state is evaluated when data is
     * missing" (columns MISSING, IGNORE, BREACHING, NOT BREACHING), and the two rows the
     * guide's earlier edition adds ("- - - - X", "X - - - -") */
    static const struct {
        const char *points;
        int m;
        const char *missing, *ignore, *breaching, *not_breaching;
    } rows[] = {
        {"0 - X - X", 3, "OK", "OK", "OK", "OK"},
        {"0 - - - -", 3, "OK", "OK", "OK", "OK"},
        {"- - - - -", 3, "INSUFFICIENT_DATA", "retain", "ALARM", "OK"},
        {"0 X X - X", 3, "ALARM", "ALARM", "ALARM", "ALARM"},
        {"- - X - -", 3, "ALARM", "retain", "ALARM", "OK"},
        {"- - - - X", 3, "INSUFFICIENT_DATA", "retain", "ALARM", "OK"},
        {"X - - - -", 3, "ALARM", "retain", "ALARM", "OK"},
        {"0 - X - X", 2, "ALARM", "ALARM", "ALARM", "ALARM"},
        {"0 0 X 0 X", 2, "ALARM", "ALARM", "ALARM", "ALARM"},
        {"0 - X - -", 2, "OK", "OK", "ALARM", "OK"},
        {"- - - - 0", 2, "OK", "OK", "ALARM", "OK"},
        {"- - - X -", 2, "ALARM", "retain", "ALARM", "OK"},
        {"- - - - X", 2, "INSUFFICIENT_DATA", "retain", "ALARM", "OK"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *got[4] = {NULL, NULL, NULL, NULL};
        char buf[4][32];
        enum alarms_treat t[4] = {ALARMS_MISSING, ALARMS_IGNORE, ALARMS_BREACHING,
                                  ALARMS_NOT_BREACHING};
        const char *want[4] = {rows[i].missing, rows[i].ignore, rows[i].breaching,
                               rows[i].not_breaching};
        for (int k = 0; k < 4; k++) {
            snprintf(buf[k], sizeof buf[k], "%s", decide(rows[i].points, 3, rows[i].m, t[k]));
            got[k] = buf[k];
            if (strcmp(got[k], want[k]) != 0)
                t_fail(__FILE__, __LINE__, "row %s (M=%d), treatment %d: %s, want %s",
                       rows[i].points, rows[i].m, k, got[k], want[k]);
        }
    }
    T_EQ_INT(alarms_range(3), 5);
}

/* The reason (and reason data) of one decision. */
static void reason_of(const char *p, int n, int m, int given, enum alarms_treat treat,
                      const char *op, char *reason, size_t rlen, char *data, size_t dlen)
{
    struct alarms_point pts[16];
    int np = pattern(p, pts);
    struct alarms_spec s = {.period_s = 60, .evaluation_periods = n, .datapoints = m,
                            .datapoints_given = given, .op = op, .threshold = 50,
                            .treat = treat, .statistic = "Maximum", .unit = NULL};
    struct alarms_decision d;
    T_EQ_INT(alarms_decide(&s, pts, np, T0 + 1234, &d), 0);
    T_ASSERT(d.state != NULL);
    snprintf(reason, rlen, "%s", d.reason);
    if (data)
        snprintf(data, dlen, "%s", d.reason_data);
    alarms_decision_clear(&d);
}

TEST(engine_alarms_reason_texts)
{
    char r[512], data[2048];
    const char *gt = "GreaterThanThreshold";
    /* without DatapointsToAlarm: the deciding datapoints, newest first */
    reason_of("- - - X X", 2, 2, 0, ALARMS_MISSING, gt, r, sizeof r, data, sizeof data);
    T_EQ_STR(r, "Threshold Crossed: 2 datapoints [100.0 (31/12/25 23:59:00), 100.0 "
                "(31/12/25 23:58:00)] were greater than the threshold (50.0).");
    T_EQ_STR(data, "{\"version\":\"1.0\",\"queryDate\":\"2026-01-01T00:00:01.234+0000\","
                   "\"startDate\":\"2025-12-31T23:58:00.000+0000\",\"statistic\":\"Maximum\","
                   "\"period\":60,\"recentDatapoints\":[100.0,100.0],\"threshold\":50.0,"
                   "\"evaluatedDatapoints\":[{\"timestamp\":\"2025-12-31T23:59:00.000+0000\","
                   "\"sampleCount\":1.0,\"value\":100.0},{\"timestamp\":"
                   "\"2025-12-31T23:58:00.000+0000\",\"sampleCount\":1.0,\"value\":100.0}]}");
    /* OK lists the non-breaching datapoints */
    reason_of("- - X X 0", 3, 3, 0, ALARMS_MISSING, "LessThanThreshold", r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Threshold Crossed: 2 datapoints [100.0 (31/12/25 23:58:00), 100.0 "
                "(31/12/25 23:57:00)] were not less than the threshold (50.0).");
    reason_of("- - X X 0", 3, 3, 0, ALARMS_MISSING, gt, r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Threshold Crossed: 1 datapoint [10.0 (31/12/25 23:59:00)] was not greater "
                "than the threshold (50.0).");
    /* with DatapointsToAlarm: "M out of the last N" and the minimum for the transition */
    reason_of("0 0 X 0 X", 3, 2, 1, ALARMS_MISSING, gt, r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Threshold Crossed: 2 out of the last 3 datapoints [100.0 (31/12/25 23:59:00), "
                "100.0 (31/12/25 23:57:00)] were greater than the threshold (50.0) (minimum 2 "
                "datapoints for OK -> ALARM transition).");
    reason_of("X 0 X 0 0", 3, 2, 1, ALARMS_MISSING, gt, r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Threshold Crossed: 2 out of the last 3 datapoints [10.0 (31/12/25 23:59:00), "
                "10.0 (31/12/25 23:58:00)] were not greater than the threshold (50.0) (minimum "
                "2 datapoints for ALARM -> OK transition).");
    /* filled periods */
    reason_of("- - - - -", 2, 2, 0, ALARMS_BREACHING, gt, r, sizeof r, data, sizeof data);
    T_EQ_STR(r, "Threshold Crossed: no datapoints were received for 2 periods and 2 missing "
                "datapoints were treated as [Breaching].");
    T_EQ_STR(data, "{\"version\":\"1.0\",\"queryDate\":\"2026-01-01T00:00:01.234+0000\","
                   "\"statistic\":\"Maximum\",\"period\":60,\"recentDatapoints\":[],"
                   "\"threshold\":50.0,\"evaluatedDatapoints\":[{\"timestamp\":"
                   "\"2025-12-31T23:59:00.000+0000\"},{\"timestamp\":"
                   "\"2025-12-31T23:58:00.000+0000\"}]}");
    reason_of("- - -", 1, 1, 0, ALARMS_NOT_BREACHING, gt, r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Threshold Crossed: no datapoints were received for 1 period and 1 missing "
                "datapoint was treated as [NonBreaching].");
    reason_of("- - 0 - -", 3, 2, 0, ALARMS_BREACHING, gt, r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Threshold Crossed: 1 datapoint was received for 3 periods and 2 missing "
                "datapoints were treated as [Breaching].");
    reason_of("- - - - X - - - - -", 8, 8, 0, ALARMS_BREACHING, "LessThanOrEqualToThreshold", r,
              sizeof r, NULL, 0);
    T_EQ_STR(r, "Threshold Crossed: 1 datapoint [100.0 (31/12/25 23:54:00)] was not less than "
                "or equal to the threshold (50.0) and 7 missing datapoints were treated as "
                "[Breaching].");
    /* the premature-alarm rule, in AWS's "1 out of the last 3" wording */
    reason_of("- - X - -", 3, 3, 1, ALARMS_MISSING, gt, r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Threshold Crossed: 1 out of the last 3 datapoints [100.0 (31/12/25 23:57:00)] "
                "was greater than the threshold (50.0) (minimum 3 datapoints for OK -> ALARM "
                "transition).");
    /* nothing at all */
    reason_of("- - - - -", 3, 3, 0, ALARMS_MISSING, gt, r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Insufficient Data: 3 datapoints were unknown.");
    reason_of("- - -", 1, 1, 0, ALARMS_MISSING, gt, r, sizeof r, NULL, 0);
    T_EQ_STR(r, "Insufficient Data: 1 datapoint was unknown.");
    /* an invalid spec is refused */
    struct alarms_point pts[4];
    int np = pattern("- - -", pts);
    struct alarms_spec bad = {.period_s = 60, .evaluation_periods = 2, .datapoints = 3,
                              .op = gt};
    struct alarms_decision d;
    T_EQ_INT(alarms_decide(&bad, pts, np, T0, &d), -1);
    bad.datapoints = 1;
    bad.op = "LessThanLowerThreshold";
    T_EQ_INT(alarms_decide(&bad, pts, np, T0, &d), -1);
}

TEST(engine_alarms_texts)
{
    char t[64];
    static const struct {
        double v;
        const char *s;
    } nums[] = {{80, "80.0"},        {0.025, "0.025"},        {400000, "400000.0"},
                {1e7, "1.0E7"},      {-2.5, "-2.5"},          {0.0001, "1.0E-4"},
                {0.001, "0.001"},    {5.535714886726143, "5.535714886726143"},
                {10.7, "10.7"},      {1234567.0, "1234567.0"}, {0, "0.0"}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        alarms_java_double(nums[i].v, t, sizeof t);
        T_EQ_STR(t, nums[i].s);
    }
    alarms_iso_time(T0 + 5 * MIN_MS + 123, t);
    T_EQ_STR(t, "2026-01-01T00:05:00.123+0000");
    T_EQ_STR(alarms_region_name("us-east-1"), "US East (N. Virginia)");
    T_EQ_STR(alarms_region_name("eu-west-1"), "EU (Ireland)");
    T_EQ_STR(alarms_region_name("ap-northeast-2"), "Asia Pacific (Seoul)");
    T_EQ_STR(alarms_region_name("xx-nowhere-9"), "xx-nowhere-9");
    enum alarms_treat tr;
    T_EQ_INT(alarms_treat_parse("notBreaching", &tr), 0);
    T_EQ_INT(tr, ALARMS_NOT_BREACHING);
    T_EQ_INT(alarms_treat_parse(NULL, &tr), 0);
    T_EQ_INT(tr, ALARMS_MISSING);
    T_EQ_INT(alarms_treat_parse("NotBreaching", &tr), -1);
}

/* ---- composite rules --------------------------------------------------------------------- */

static const char *rule_states(void *ctx, const char *ref)
{
    (void)ctx;
    if (strcmp(ref, "a") == 0)
        return "ALARM";
    if (strcmp(ref, "b b") == 0)
        return "OK";
    return "INSUFFICIENT_DATA";
}

static int rule_value(const char *text)
{
    struct alarms_rule *r;
    char *err = NULL;
    if (alarms_rule_parse(text, &r, &err) != 0)
        t_fail(__FILE__, __LINE__, "%s rejected: %s", text, err);
    int v = alarms_rule_eval(r, rule_states, NULL);
    alarms_rule_free(r);
    return v;
}

TEST(engine_alarms_rules)
{
    T_EQ_INT(rule_value("ALARM(a)"), 1);
    T_EQ_INT(rule_value("ALARM(\"a\") AND OK(\"b b\")"), 1);
    T_EQ_INT(rule_value("ALARM(a) AND ALARM(\"b b\")"), 0);
    T_EQ_INT(rule_value("ALARM(a) AND NOT ALARM( b b )"), 1);
    T_EQ_INT(rule_value("INSUFFICIENT_DATA(c) OR FALSE"), 1);
    T_EQ_INT(rule_value("(ALARM(a) OR OK(c)) AND (TRUE AND NOT FALSE)"), 1);
    T_EQ_INT(rule_value("NOT NOT ALARM(a)"), 1);
    T_EQ_INT(rule_value("false"), 0);
    T_EQ_INT(rule_value("true"), 1);
    /* AND binds tighter than OR */
    T_EQ_INT(rule_value("TRUE OR FALSE AND FALSE"), 1);
    T_EQ_INT(rule_value("(TRUE OR FALSE) AND FALSE"), 0);

    struct alarms_rule *r;
    char *err = NULL;
    T_EQ_INT(alarms_rule_parse("ALARM(a) OR OK(arn:aws:cloudwatch:us-east-1:1:alarm:x) OR "
                               "ALARM(a)", &r, &err), 0);
    const char *const *refs;
    T_EQ_INT(alarms_rule_refs(r, &refs), 2);
    T_EQ_STR(refs[0], "a");
    T_EQ_STR(refs[1], "arn:aws:cloudwatch:us-east-1:1:alarm:x");
    alarms_rule_free(r);

    static const char *const bad[] = {"",           "ALARM(a) AND",     "ALARM a",
                                      "ALARM()",    "ALARM(\"a)",       "(ALARM(a)",
                                      "ALARM(a))",  "MAYBE(a)",         "ALARM(a) XOR OK(b)",
                                      "NOT",        "ALARM(a) ALARM(b)"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        if (alarms_rule_parse(bad[i], &r, &err) == 0)
            t_fail(__FILE__, __LINE__, "%s accepted", bad[i]);
        T_ASSERT(err != NULL && strncmp(err, "Error in alarm rule", 19) == 0);
        free(err);
    }
    /* deep nesting is refused, not a stack overflow */
    char deep[4096] = "";
    for (int i = 0; i < 1000; i++)
        strcat(deep, "(");
    err = NULL;
    T_EQ_INT(alarms_rule_parse(deep, &r, &err), -1);
    free(err);
    char nots[8192] = "";
    for (int i = 0; i < 1000; i++)
        strcat(nots, "NOT ");
    strcat(nots, "TRUE");
    err = NULL;
    T_EQ_INT(alarms_rule_parse(nots, &r, &err), -1);
    free(err);
    /* at most 100 alarms */
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 101; i++)
        buf_printf(&b, "%sALARM(x%d)", i ? " OR " : "", i);
    err = NULL;
    T_EQ_INT(alarms_rule_parse(b.p, &r, &err), -1);
    free(err);
    buf_free(&b);
    /* names and ARNs */
    T_EQ_STR(alarms_ref_name("web", "123456789012", "us-east-1"), "web");
    T_EQ_STR(alarms_ref_name("arn:aws:cloudwatch:us-east-1:123456789012:alarm:web:x",
                             "123456789012", "us-east-1"), "web:x");
    T_ASSERT(alarms_ref_name("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:web",
                             "123456789012", "us-east-1") == NULL);
    T_ASSERT(alarms_ref_name("arn:aws:sns:us-east-1:123456789012:web", "123456789012",
                             "us-east-1") == NULL);
}

/* ---- the tick, state changes, history and actions ------------------------------------------- */

static struct sim asim;
static struct team *ateam;

static void world_open(void)
{
    memset(&asim, 0, sizeof asim);
    char *cause = NULL;
    T_ASSERT(store_open(":memory:", &asim.store, &cause) == 0);
    asim.opt.seed = 7;
    asim.opt.clock_mode = SIMCLOCK_MANUAL;
    asim.opt.clock_start_ms = T0;
    team_timing_preset("fast", &asim.opt.timing);
    snprintf(asim.self_url, sizeof asim.self_url, "http://127.0.0.1:9");
    ateam = team_get(&asim, "123456789012");
    T_ASSERT(ateam != NULL);
}

static int rows(const char *sql)
{
    sqlite3_stmt *st = store_stmt(asim.store, sql);
    T_ASSERT(sqlite3_step(st) == SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

/* A value of metric App/Errors{Host=h1} at ms. */
static void datum(int64_t ms, double v)
{
    struct metrics_sample s = {v, 1};
    struct metrics_datum d = {.namespace = "App", .name = "Errors", .dims_key = "Host=h1",
                              .ts_ms = ms, .unit = METRICS_UNIT_NONE, .resolution = 60,
                              .samples = &s, .nsamples = 1};
    struct buf key;
    buf_init(&key, 1024);
    struct metrics_dim dim = {"Host", "h1"};
    metrics_dims_key(&dim, 1, &key);
    d.dims_key = key.p;
    T_EQ_INT(metrics_put(asim.store, "123456789012", "us-east-1", &d, ms), 0);
    buf_free(&key);
}

static void put_alarm(const char *name, const char *extra_json)
{
    char *text = xasprintf("{\"AlarmName\":\"%s\",\"AlarmArn\":\"arn:aws:cloudwatch:us-east-1:"
                           "123456789012:alarm:%s\",\"OKActions\":[],\"AlarmActions\":"
                           "[\"arn:aws:sns:us-east-1:123456789012:ops\"],"
                           "\"InsufficientDataActions\":[],\"MetricName\":\"Errors\","
                           "\"Namespace\":\"App\",\"Statistic\":\"Sum\",\"Dimensions\":"
                           "[{\"Name\":\"Host\",\"Value\":\"h1\"}],\"Period\":60,"
                           "\"EvaluationPeriods\":2,\"Threshold\":5.0,\"ComparisonOperator\":"
                           "\"GreaterThanThreshold\"%s}",
                           name, name, extra_json);
    cJSON *cfg = cJSON_Parse(text);
    T_ASSERT(cfg != NULL);
    int created = 0;
    T_ASSERT(store_begin(asim.store) == 0);
    T_EQ_INT(alarms_put(&asim, ateam, "us-east-1", ALARM_TYPE_METRIC, cfg, 1, NULL, 0, NULL,
                        team_now_ms(ateam), &created), 0);
    T_ASSERT(store_commit(asim.store) == 0);
    T_EQ_INT(created, 1);
    cJSON_Delete(cfg);
    free(text);
}

static void state_of(const char *name, char *state, size_t n, char *reason, size_t rn)
{
    struct alarm_scope sc = {asim.store, "123456789012", "us-east-1"};
    struct alarm_row r = {0};
    T_EQ_INT(store_alarm_get(&sc, name, &r), 0);
    snprintf(state, n, "%s", r.state);
    if (reason)
        snprintf(reason, rn, "%s", r.reason);
    store_alarm_clear(&r);
}

TEST(engine_alarms_tick_history_actions)
{
    world_open();
    /* a topic with a confirmed e-mail subscription records every notification */
    struct sns_scope ss = {asim.store, "123456789012", "us-east-1"};
    struct sns_topic t = {.name = "ops", .arn = "arn:aws:sns:us-east-1:123456789012:ops",
                          .attrs = "{}", .created_ms = T0};
    T_EQ_INT(store_sns_topic_put(&ss, &t), 0);
    struct sns_sub mail = {.arn = "arn:aws:sns:us-east-1:123456789012:ops:"
                                  "00000000-0000-4000-8000-000000000001",
                           .topic = "ops", .protocol = "email", .endpoint = "ops@example.com",
                           .owner = "123456789012", .status = "confirmed", .attrs = "{}",
                           .created_ms = T0};
    T_EQ_INT(store_sns_sub_put(&ss, &mail), 0);

    put_alarm("errors", "");
    char state[32], reason[512];
    state_of("errors", state, sizeof state, reason, sizeof reason);
    T_EQ_STR(state, "INSUFFICIENT_DATA");
    T_EQ_STR(reason, "Unchecked: Initial alarm creation");
    /* the new alarm is evaluated at the next minute: nothing yet */
    T_EQ_INT(engine_advance(&asim, ateam, 60 * 1000), 0);
    state_of("errors", state, sizeof state, reason, sizeof reason);
    T_EQ_STR(state, "INSUFFICIENT_DATA");
    T_EQ_STR(reason, "Insufficient Data: 2 datapoints were unknown.");
    T_EQ_INT(rows("SELECT count(*) FROM cw_alarm_history WHERE item_type = 'StateUpdate'"), 0);

    /* two breaching minutes: ALARM at the minute both periods are complete */
    datum(T0 + 1 * MIN_MS + 10000, 7);
    datum(T0 + 2 * MIN_MS + 10000, 9);
    T_EQ_INT(engine_advance(&asim, ateam, 60 * 1000), 0); /* 00:02: one period only */
    state_of("errors", state, sizeof state, NULL, 0);
    T_EQ_STR(state, "INSUFFICIENT_DATA");
    T_EQ_INT(engine_advance(&asim, ateam, 60 * 1000), 0); /* 00:03 */
    state_of("errors", state, sizeof state, reason, sizeof reason);
    T_EQ_STR(state, "ALARM");
    T_EQ_STR(reason, "Threshold Crossed: 2 datapoints [9.0 (01/01/26 00:02:00), 7.0 (01/01/26 "
                     "00:01:00)] were greater than the threshold (5.0).");
    T_EQ_INT(rows("SELECT count(*) FROM cw_alarm_history WHERE item_type = 'StateUpdate' AND "
                  "summary = 'Alarm updated from INSUFFICIENT_DATA to ALARM'"), 1);
    T_EQ_INT(rows("SELECT count(*) FROM cw_alarm_history WHERE item_type = 'Action' AND "
                  "summary = 'Successfully executed action "
                  "arn:aws:sns:us-east-1:123456789012:ops'"), 1);
    T_EQ_INT(rows("SELECT count(*) FROM sns_messages WHERE subject = "
                  "'ALARM: \"errors\" in US East (N. Virginia)' AND message LIKE "
                  "'{\"AlarmName\":\"errors\",%\"Threshold\":5.0,%'"), 1);
    T_EQ_INT(rows("SELECT count(*) FROM sns_deliveries WHERE protocol = 'email'"), 1);
    /* staying in ALARM runs nothing again */
    datum(T0 + 3 * MIN_MS + 10000, 9);
    T_EQ_INT(engine_advance(&asim, ateam, 60 * 1000), 0);
    T_EQ_INT(rows("SELECT count(*) FROM sns_messages"), 1);

    /* disabled actions: the state still changes, nothing is sent */
    T_ASSERT(store_begin(asim.store) == 0);
    T_EQ_INT(alarms_set_actions_enabled(&asim, ateam, "us-east-1", "errors", 0,
                                        team_now_ms(ateam)), 0);
    T_EQ_INT(alarms_set_state(&asim, ateam, "us-east-1", "errors", "OK", "testing", NULL,
                              team_now_ms(ateam)), 0);
    T_ASSERT(store_commit(asim.store) == 0);
    state_of("errors", state, sizeof state, reason, sizeof reason);
    T_EQ_STR(state, "OK");
    T_EQ_STR(reason, "testing");
    T_EQ_INT(rows("SELECT count(*) FROM sns_messages"), 1);
    /* the next evaluation puts it back */
    T_EQ_INT(engine_advance(&asim, ateam, 60 * 1000), 0);
    state_of("errors", state, sizeof state, NULL, 0);
    T_EQ_STR(state, "ALARM");
    T_EQ_INT(rows("SELECT count(*) FROM cw_alarm_history WHERE item_type = 'StateUpdate'"), 3);
    T_EQ_INT(rows("SELECT count(*) FROM cw_alarm_history WHERE item_type = "
                  "'ConfigurationUpdate'"), 2);

    /* the due query is an index range */
    sqlite3_stmt *plan = store_stmt(asim.store, "EXPLAIN QUERY PLAN SELECT name FROM cw_alarms "
                                                "WHERE account = ?1 AND next_eval_ms <= ?2 "
                                                "ORDER BY next_eval_ms, region, name LIMIT 8");
    int indexed = 0;
    while (sqlite3_step(plan) == SQLITE_ROW)
        indexed |= strstr((const char *)sqlite3_column_text(plan, 3), "cw_alarms_due") != NULL;
    T_ASSERT(indexed);
    store_close(asim.store);
}

TEST(engine_alarms_composites)
{
    world_open();
    put_alarm("a", ",\"TreatMissingData\":\"notBreaching\"");
    put_alarm("b", ",\"TreatMissingData\":\"notBreaching\"");
    const char *children[] = {"a", "b"};
    cJSON *cfg = cJSON_Parse("{\"AlarmName\":\"both\",\"AlarmArn\":\"arn:aws:cloudwatch:"
                             "us-east-1:123456789012:alarm:both\",\"AlarmRule\":\"ALARM(a) AND "
                             "ALARM(b)\",\"OKActions\":[],\"AlarmActions\":[],"
                             "\"InsufficientDataActions\":[]}");
    int created;
    T_ASSERT(store_begin(asim.store) == 0);
    T_EQ_INT(alarms_put(&asim, ateam, "us-east-1", ALARM_TYPE_COMPOSITE, cfg, 1, children, 2,
                        NULL, team_now_ms(ateam), &created), 0);
    T_ASSERT(store_commit(asim.store) == 0);
    cJSON_Delete(cfg);
    T_EQ_INT(engine_advance(&asim, ateam, 60 * 1000), 0);
    char state[32], reason[512];
    state_of("both", state, sizeof state, NULL, 0);
    T_EQ_STR(state, "OK");
    /* a child's change re-evaluates the composite at once */
    T_ASSERT(store_begin(asim.store) == 0);
    T_EQ_INT(alarms_set_state(&asim, ateam, "us-east-1", "a", "ALARM", "x", NULL,
                              team_now_ms(ateam)), 0);
    T_EQ_INT(alarms_set_state(&asim, ateam, "us-east-1", "b", "ALARM", "x", NULL,
                              team_now_ms(ateam)), 0);
    T_ASSERT(store_commit(asim.store) == 0);
    state_of("both", state, sizeof state, reason, sizeof reason);
    T_EQ_STR(state, "ALARM");
    T_EQ_STR(reason, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:b transitioned to ALARM "
                     "at Thursday 01 January, 2026 00:01:00 UTC");
    /* references */
    struct alarm_scope sc = {asim.store, "123456789012", "us-east-1"};
    T_EQ_INT(rows("SELECT count(*) FROM cw_alarm_refs WHERE parent = 'both'"), 2);
    T_ASSERT(store_begin(asim.store) == 0);
    T_EQ_INT(alarms_delete(&asim, ateam, "us-east-1", "both", team_now_ms(ateam)), 0);
    T_ASSERT(store_commit(asim.store) == 0);
    T_EQ_INT(rows("SELECT count(*) FROM cw_alarm_refs"), 0);
    T_EQ_INT(rows("SELECT count(*) FROM cw_alarm_history WHERE item_type = "
                  "'ConfigurationUpdate' AND summary = 'Alarm \"both\" deleted'"), 1);
    int64_t n;
    T_EQ_INT(store_alarm_count(&sc, &n), 0);
    T_EQ_INT(n, 2);
    store_close(asim.store);
}
