/* Tests of the report's pure parts (sim/control/report_score.c): runbook steps, hints, the
 * diagnostic / remediation / drastic judgement, the score; the journal's key parameters and
 * attempt parsing (sim/control/journal.c); the root_cause validator (sim/scenario/scenario.c).
 * End to end in tests/e2e/test_report.py and test_journal.py. */
#include <cjson/cJSON.h>

#include "control/journal.h"
#include "control/report_int.h"
#include "scenario/scenario.h"
#include "t.h"

/* A call of service:op with params (JSON text); ok = succeeded; mutated as given. */
static struct rpt_call mk(const char *service, const char *op, cJSON *params, int ok,
                          int mutated)
{
    struct rpt_call e = {1000, service, op, params, ok ? 200 : 400,
                         ok ? NULL : "InvalidParameterValue", NULL, 1, mutated};
    return e;
}

TEST(report_runbook_steps)
{
    cJSON *p = cJSON_Parse("{\"MetricName\":\"DatabaseConnections\",\"Statistics\":[\"Maximum\"]}");
    struct rpt_call e = mk("cloudwatch", "GetMetricStatistics", p, 1, 0);
    T_EQ_STR(report_runbook_step(&e), "4. Analyze Connection Patterns");
    cJSON_Delete(p);
    p = cJSON_Parse("{\"MetricName\":\"DatabaseConnections\",\"Statistics\":[\"Maximum\","
                    "\"Average\"]}");
    e = mk("cloudwatch", "GetMetricStatistics", p, 1, 0);
    T_EQ_STR(report_runbook_step(&e), "3. Check Database Status (connection count)");
    cJSON_Delete(p);
    p = cJSON_Parse("{\"Name\":\"/golden/failure_mode\",\"Value\":\"none\"}");
    e = mk("ssm", "PutParameter", p, 1, 1);
    T_EQ_STR(report_runbook_step(&e), "Cause 1. Reset failure mode to normal");
    e = mk("ssm", "GetParameter", p, 1, 0);
    T_EQ_STR(report_runbook_step(&e), "6. Check for Connection Leak Failure Mode");
    cJSON_Delete(p);
    p = cJSON_Parse("{\"Name\":\"/other\"}");
    e = mk("ssm", "GetParameter", p, 1, 0);
    T_ASSERT(report_runbook_step(&e) == NULL);
    cJSON_Delete(p);
    p = cJSON_Parse("{\"cluster\":\"c\",\"service\":\"s\",\"forceNewDeployment\":true}");
    e = mk("ecs", "UpdateService", p, 1, 1);
    T_EQ_STR(report_runbook_step(&e),
             "Cause 1 / Immediate 1. Restart ECS Tasks (force new deployment)");
    T_ASSERT(report_is_drastic(&e));
    T_ASSERT(report_is_remediation(&e));
    T_ASSERT(!report_is_diagnostic(&e));
    cJSON_Delete(p);
    p = cJSON_Parse("{\"cluster\":\"c\",\"service\":\"s\",\"desiredCount\":2}");
    e = mk("ecs", "UpdateService", p, 1, 1);
    T_EQ_STR(report_runbook_step(&e), "Cause 2 / Immediate 2. Scale Down Service");
    cJSON_Delete(p);
    p = cJSON_CreateObject();
    e = mk("ecs", "DescribeServices", p, 1, 0);
    T_ASSERT(report_is_diagnostic(&e));
    T_ASSERT(!report_is_drastic(&e));
    e = mk("rds", "RebootDBInstance", p, 1, 1);
    T_ASSERT(report_is_drastic(&e));
    e = mk("rds", "RebootDBInstance", p, 0, 0); /* failed: nothing happened */
    T_ASSERT(!report_is_drastic(&e));
    e = mk("sts", "GetCallerIdentity", p, 1, 0);
    T_ASSERT(!report_is_diagnostic(&e));
    e = mk("logs", "StartQuery", p, 1, 1);
    T_ASSERT(report_is_diagnostic(&e));
    T_ASSERT(!report_is_remediation(&e));
    T_EQ_STR(report_runbook_step(&e), "2. Check Application Logs");
    cJSON_Delete(p);
}

static const char *hint_kind(const char *service, const char *op, const char *params, int ok)
{
    static char kind[64];
    cJSON *p = cJSON_Parse(params);
    struct rpt_call e = mk(service, op, p, ok, 0);
    cJSON *h = report_hint(&e, "dev");
    kind[0] = '\0';
    if (h) {
        snprintf(kind, sizeof kind, "%s",
                 cJSON_GetObjectItemCaseSensitive(h, "kind")->valuestring);
        /* every hint has a fix and at least one command, with {env} filled in */
        T_ASSERT(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(h, "fix")));
        const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(h, "commands");
        T_ASSERT(cJSON_GetArraySize(cmds) >= 1);
        const cJSON *c;
        cJSON_ArrayForEach(c, cmds)
        {
            T_ASSERT(strstr(c->valuestring, "{env}") == NULL);
        }
    }
    cJSON_Delete(h);
    cJSON_Delete(p);
    return kind;
}

TEST(report_hints)
{
    T_EQ_STR(hint_kind("cloudwatch", "GetMetricStatistics",
                       "{\"Statistics\":[\"Maximum,Average\"],\"StartTime\":1767222000,"
                       "\"EndTime\":1767225600}", 0),
             "comma-statistics");
    T_EQ_STR(hint_kind("cloudwatch", "GetMetricStatistics",
                       "{\"Statistics\":[\"Maximum\",\"Average\"],\"StartTime\":1767222000,"
                       "\"EndTime\":1767225600}", 1),
             "");
    /* 2025-12-31T00:00Z .. 2026-01-01T00:00Z: whole days */
    T_EQ_STR(hint_kind("cloudwatch", "GetMetricStatistics",
                       "{\"Statistics\":[\"Maximum\"],\"StartTime\":1767139200,"
                       "\"EndTime\":1767225600}", 1),
             "date-only-window");
    T_EQ_STR(hint_kind("rds", "CreateDBProxy",
                       "{\"DBProxyName\":\"p\",\"RoleArn\":\"arn:aws:iam::{account-id}:role/r\"}",
                       0),
             "placeholder-arns");
    T_EQ_STR(hint_kind("rds", "CreateDBProxy",
                       "{\"DBProxyName\":\"p\",\"RoleArn\":\"arn:aws:iam::123456789012:role/r\","
                       "\"VpcSubnetIds\":[\"subnet-{id1}\"]}", 0),
             "placeholder-arns");
    T_EQ_STR(hint_kind("rds", "CreateDBProxy",
                       "{\"DBProxyName\":\"p\",\"RoleArn\":\"arn:aws:iam::123456789012:role/r\","
                       "\"VpcSubnetIds\":[\"subnet-0abc\"]}", 1),
             "");
}

TEST(report_scoring)
{
    struct rpt_score_in in = {1, 1, 60, 600, 300, 900, 4, 4};
    T_EQ_INT(report_score(&in, NULL), 100);
    /* the root cause fixed within the targets, one objective missed: still >= 80 */
    in.objectives_met = 3;
    T_EQ_INT(report_score(&in, NULL), 95);
    /* late: detection at twice the target earns half its points */
    in.objectives_met = 4;
    in.ttd_s = 600;
    T_EQ_DBL(report_time_points(600, 300, 15), 7.5);
    T_EQ_INT(report_score(&in, NULL), 93);
    T_EQ_DBL(report_time_points(900, 300, 15), 0);
    T_EQ_DBL(report_time_points(-1, 300, 15), 0);
    /* restart only: everything else perfect, capped at 50 */
    struct rpt_score_in restart = {1, 0, 60, 300, 300, 900, 3, 4};
    cJSON *ex = cJSON_CreateObject();
    T_EQ_INT(report_score(&restart, ex), 50);
    T_ASSERT(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ex, "cappedRootCauseNotFixed")));
    cJSON_Delete(ex);
    /* never detected, never mitigated, not fixed */
    struct rpt_score_in nothing = {1, 0, -1, -1, 300, 900, 0, 4};
    T_EQ_INT(report_score(&nothing, NULL), 0);
    /* calm: nothing to detect; nothing drastic done */
    struct rpt_score_in calm = {0, 1, -1, -1, 300, 900, 3, 3};
    T_EQ_INT(report_score(&calm, NULL), 100);
    calm.root_fixed = 0;
    T_ASSERT(report_score(&calm, NULL) < 60);
}

TEST(journal_key_params)
{
    cJSON *in = cJSON_Parse(
        "{\"Name\":\"n\",\"SecretString\":\"s1\",\"MasterUserPassword\":\"pw\","
        "\"NewPassword\":\"x\",\"SecretBinary\":\"YQ==\",\"Overwrite\":true,\"Period\":300,"
        "\"Statistics\":[\"Maximum\",\"Average\"],\"Tags\":[{\"Key\":\"k\"}],"
        "\"Nested\":{\"a\":1},\"A1\":1,\"A2\":2,\"A3\":3,\"A4\":4,\"A5\":5,\"A6\":6,\"A7\":7,"
        "\"A8\":8,\"A9\":9}");
    cJSON *p = journal_params(in);
    char *s = cJSON_PrintUnformatted(p);
    T_ASSERT(strstr(s, "s1") == NULL && strstr(s, "pw") == NULL && strstr(s, "YQ==") == NULL);
    T_ASSERT(cJSON_GetObjectItemCaseSensitive(p, "NewPassword") == NULL);
    T_ASSERT(cJSON_GetObjectItemCaseSensitive(p, "Tags") == NULL);
    T_ASSERT(cJSON_GetObjectItemCaseSensitive(p, "Nested") == NULL);
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p, "Statistics")), 2);
    T_EQ_INT(cJSON_GetArraySize(p), 12);
    cJSON_free(s);
    cJSON_Delete(p);
    cJSON_Delete(in);
    T_ASSERT(journal_is_secret("SecretString"));
    T_ASSERT(journal_is_secret("MasterUserPassword"));
    T_ASSERT(!journal_is_secret("SecretId"));
    T_EQ_INT(journal_attempt(NULL), 1);
    T_EQ_INT(journal_attempt("attempt=3; max=5"), 3);
    T_EQ_INT(journal_attempt("ttl=20260101T000000Z; attempt=2; max=3"), 2);
    T_EQ_INT(journal_attempt("max=5"), 1);
    T_EQ_INT(journal_attempt("attempt=zz"), 1);
}

TEST(scenario_root_cause_validation)
{
    static const char *const bad[][2] = {
        {"[{\"fix\": \"reboot_everything\"}]", "$.root_cause[0].fix: unknown check"},
        {"{\"fix\": \"db_proxy\"}", "$.root_cause: must be an array"},
        {"[{\"any_of\": []}]", "$.root_cause[0]: {\"any_of\""},
        {"[{\"any_of\": [{\"fix\": \"db_proxy\"}, 3]}]", "$.root_cause[0].any_of[1]"},
        {"[{\"fix\": \"db_proxy\", \"extra\": 1}]", "unknown member \"extra\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024], err[512] = "";
        snprintf(text, sizeof text,
                 "{\"name\": \"x\", \"summary\": \"s\", \"fixture\": \"golden-path\", "
                 "\"env\": \"dev\", \"root_cause\": %s}",
                 bad[i][0]);
        cJSON *doc = cJSON_Parse(text);
        T_EQ_INT(scenario_validate(doc, err, sizeof err), -1);
        if (strstr(err, bad[i][1]) == NULL)
            t_fail(__FILE__, __LINE__, "case %zu: %s", i, err);
        cJSON_Delete(doc);
    }
    cJSON *ok = cJSON_Parse("{\"name\": \"x\", \"summary\": \"s\", \"fixture\": \"golden-path\", "
                            "\"env\": \"dev\", \"root_cause\": [{\"fix\": \"failure_mode_reset\"},"
                            "{\"any_of\": [{\"fix\": \"desired_count_reduced\", \"at_most\": 4},"
                            "{\"fix\": \"db_proxy\"}]}]}");
    char err[512] = "";
    T_EQ_INT(scenario_validate(ok, err, sizeof err), 0);
    cJSON_Delete(ok);
}
