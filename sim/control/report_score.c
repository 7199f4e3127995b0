/*
 * report_score.c - the judgement of single API calls and the score of a drill (see
 * report_int.h; the rules are documented in the README, "Drill reports and scores").
 *
 * Nothing here reads the store or the clock: every function is a pure function of its
 * arguments, so the unit tests pin the mapping and the scoring down.
 */
#include "control/report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The string member name of e's parameters (any case), or NULL. */
static const char *param_str(const struct rpt_call *e, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(e->params, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int is(const struct rpt_call *e, const char *service, const char *op)
{
    return strcmp(e->service, service) == 0 && strcmp(e->operation, op) == 0;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* 1 when the Statistics list is exactly ["Maximum"]. */
static int maximum_only(const struct rpt_call *e)
{
    const cJSON *st = cJSON_GetObjectItem(e->params, "Statistics");
    return cJSON_GetArraySize(st) == 1 && cJSON_IsString(cJSON_GetArrayItem(st, 0)) &&
           strcmp(cJSON_GetArrayItem(st, 0)->valuestring, "Maximum") == 0;
}

static int failure_mode_param(const struct rpt_call *e)
{
    const char *n = param_str(e, "Name");
    return n && strcmp(n, "/golden/failure_mode") == 0;
}

const struct rpt_step report_runbook[] = {
    {"1. Check Database Connection Metrics (dashboard)",
     "CloudWatch -> Dashboards -> GoldenPath-{env} (get-dashboard)"},
    {"2. Check Application Logs",
     "aws logs start-query --log-group-name \"/ecs/golden-path-app-{env}\" ..."},
    {"3. Check Database Status (connection count)",
     "aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name "
     "DatabaseConnections ... --statistics Maximum,Average"},
    {"3. Check Database Status (cluster status)",
     "aws rds describe-db-clusters --db-cluster-identifier golden-path-aurora-{env}"},
    {"4. Analyze Connection Patterns",
     "aws cloudwatch get-metric-statistics ... --statistics Maximum | jq ..."},
    {"5. Check Application Task Count / monitor the deployment",
     "aws ecs describe-services --cluster golden-path-cluster-{env} --services "
     "golden-path-service-{env}"},
    {"6. Check for Connection Leak Failure Mode",
     "aws ssm get-parameter --name \"/golden/failure_mode\""},
    {"Cause 1. Reset failure mode to normal",
     "aws ssm put-parameter --name \"/golden/failure_mode\" --value \"none\" --type String "
     "--overwrite"},
    {"Cause 1 / Immediate 1. Restart ECS Tasks (force new deployment)",
     "aws ecs update-service --cluster golden-path-cluster-{env} --service "
     "golden-path-service-{env} --force-new-deployment"},
    {"Cause 2 / Immediate 2. Scale Down Service",
     "aws ecs update-service --cluster golden-path-cluster-{env} --service "
     "golden-path-service-{env} --desired-count 2"},
    {"Long-term 1. Implement RDS Proxy", "aws rds create-db-proxy --db-proxy-name "
                                         "golden-path-proxy-{env} ..."},
    {"Long-term 3. Monitor and Alert on Connection Usage",
     "aws cloudwatch put-metric-alarm --alarm-name golden-path-rds-connections-warning-{env} "
     "..."},
    {NULL, NULL},
};

/* The step of report_runbook whose name starts with prefix (a unique prefix). */
static const char *step(const char *prefix)
{
    for (const struct rpt_step *r = report_runbook; r->step; r++) {
        if (strncmp(r->step, prefix, strlen(prefix)) == 0)
            return r->step;
    }
    return NULL;
}

const char *report_runbook_step(const struct rpt_call *e)
{
    if (strcmp(e->service, "cloudwatch") == 0) {
        if (is(e, "cloudwatch", "GetDashboard") || is(e, "cloudwatch", "ListDashboards"))
            return step("1. Check Database Connection Metrics (dashboard)");
        if (is(e, "cloudwatch", "GetMetricStatistics")) {
            const char *m = param_str(e, "MetricName");
            if (m && strcmp(m, "DatabaseConnections") == 0)
                return maximum_only(e) ? step("4. Analyze Connection Patterns")
                                       : step("3. Check Database Status (connection count)");
            return NULL;
        }
        if (is(e, "cloudwatch", "PutMetricAlarm"))
            return step("Long-term 3. Monitor and Alert on Connection Usage");
        return NULL;
    }
    if (is(e, "logs", "StartQuery") || is(e, "logs", "GetQueryResults"))
        return step("2. Check Application Logs");
    if (is(e, "rds", "DescribeDBClusters"))
        return step("3. Check Database Status (cluster status)");
    if (is(e, "ecs", "DescribeServices"))
        return step("5. Check Application Task Count / monitor the deployment");
    if (is(e, "ssm", "GetParameter") && failure_mode_param(e))
        return step("6. Check for Connection Leak Failure Mode");
    if (is(e, "ssm", "PutParameter") && failure_mode_param(e))
        return step("Cause 1. Reset failure mode to normal");
    if (is(e, "ecs", "UpdateService")) {
        if (cJSON_IsTrue(cJSON_GetObjectItem(e->params, "forceNewDeployment")))
            return step("Cause 1 / Immediate 1. Restart ECS Tasks (force new deployment)");
        if (cJSON_IsNumber(cJSON_GetObjectItem(e->params, "desiredCount")))
            return step("Cause 2 / Immediate 2. Scale Down Service");
        return NULL;
    }
    if (is(e, "rds", "CreateDBProxy"))
        return step("Long-term 1. Implement RDS Proxy");
    return NULL;
}

/* 1 when s looks like a runbook placeholder: {id}, region:account, {account-id}. */
static int placeholder(const char *s)
{
    return strchr(s, '{') || strchr(s, '}') || strstr(s, ":region:") || strstr(s, ":account:");
}

static int any_placeholder(const cJSON *params)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, params)
    {
        if (cJSON_IsString(m) && placeholder(m->valuestring))
            return 1;
        if (!cJSON_IsArray(m))
            continue;
        const cJSON *x;
        cJSON_ArrayForEach(x, m)
        {
            if (cJSON_IsString(x) && placeholder(x->valuestring))
                return 1;
        }
    }
    return 0;
}

static cJSON *hint(const char *kind, const char *problem, const char *fix)
{
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "kind", kind);
    cJSON_AddStringToObject(h, "problem", problem);
    cJSON_AddStringToObject(h, "fix", fix);
    cJSON_AddArrayToObject(h, "commands");
    return h;
}

static void add_command(cJSON *h, const char *fmt, const char *env)
{
    char line[512];
    /* every {env} of fmt becomes env */
    size_t n = 0;
    for (const char *p = fmt; *p && n + 1 < sizeof line;) {
        if (strncmp(p, "{env}", 5) == 0) {
            n += (size_t)snprintf(line + n, sizeof line - n, "%s", env);
            if (n >= sizeof line)
                n = sizeof line - 1;
            p += 5;
        } else {
            line[n++] = *p++;
        }
    }
    line[n] = '\0';
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(h, "commands"),
                         cJSON_CreateString(line));
}

cJSON *report_hint(const struct rpt_call *e, const char *env)
{
    if (is(e, "cloudwatch", "GetMetricStatistics")) {
        const cJSON *x;
        cJSON_ArrayForEach(x, cJSON_GetObjectItem(e->params, "Statistics"))
        {
            if (cJSON_IsString(x) && strchr(x->valuestring, ',')) {
                cJSON *h = hint("comma-statistics",
                                "--statistics Maximum,Average sends ONE statistic named "
                                "\"Maximum,Average\"; AWS rejects it with InvalidParameterValue",
                                "list the statistics separated by spaces: --statistics "
                                "Maximum Average");
                add_command(h,
                            "aws cloudwatch get-metric-statistics --namespace AWS/RDS "
                            "--metric-name DatabaseConnections --dimensions "
                            "Name=DBClusterIdentifier,Value=golden-path-aurora-{env} "
                            "--start-time $(date -u -d '1 hour ago' --iso-8601=seconds) "
                            "--end-time $(date -u --iso-8601=seconds) --period 300 "
                            "--statistics Maximum Average",
                            env);
                return h;
            }
        }
    }
    const cJSON *st = cJSON_GetObjectItem(e->params, "StartTime");
    const cJSON *et = cJSON_GetObjectItem(e->params, "EndTime");
    if (cJSON_IsNumber(st) && cJSON_IsNumber(et) && et->valuedouble > st->valuedouble &&
        fmod(st->valuedouble, 86400.0) == 0 && fmod(et->valuedouble, 86400.0) == 0) {
        cJSON *h = hint("date-only-window",
                        "$(date --iso-8601) prints a date without a time, so StartTime and "
                        "EndTime fall at midnight: the window is whole days, not the last hour, "
                        "and misses everything since midnight",
                        "give the times to the second: $(date -u -d '1 hour ago' "
                        "--iso-8601=seconds) and $(date -u --iso-8601=seconds)");
        add_command(h,
                    "aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name "
                    "DatabaseConnections --dimensions "
                    "Name=DBClusterIdentifier,Value=golden-path-aurora-{env} --start-time "
                    "$(date -u -d '1 hour ago' --iso-8601=seconds) --end-time $(date -u "
                    "--iso-8601=seconds) --period 300 --statistics Maximum",
                    env);
        return h;
    }
    if (is(e, "rds", "CreateDBProxy") && any_placeholder(e->params)) {
        cJSON *h = hint("placeholder-arns",
                        "the runbook's create-db-proxy still holds placeholders "
                        "(region:account, {account-id}, subnet-{id1}, sg-{id}): they name no "
                        "secret, role, subnet or security group",
                        "look the real ARNs and ids up and pass them instead");
        add_command(h,
                    "aws secretsmanager describe-secret --secret-id "
                    "golden-path/db-credentials/{env} --query ARN --output text",
                    env);
        add_command(h,
                    "aws iam get-role --role-name rds-proxy-role-{env} --query Role.Arn "
                    "--output text",
                    env);
        add_command(h,
                    "aws rds describe-db-subnet-groups --query "
                    "'DBSubnetGroups[0].Subnets[*].SubnetIdentifier' --output text",
                    env);
        add_command(h,
                    "aws rds describe-db-clusters --db-cluster-identifier "
                    "golden-path-aurora-{env} --query "
                    "'DBClusters[0].VpcSecurityGroups[*].VpcSecurityGroupId' --output text",
                    env);
        return h;
    }
    return NULL;
}

int report_is_diagnostic(const struct rpt_call *e)
{
    if (strcmp(e->service, "sts") == 0)
        return 0;
    static const char *const prefixes[] = {"Describe", "Get",        "List", "Filter",
                                           "Search",   "StartQuery", NULL};
    for (int i = 0; prefixes[i]; i++) {
        if (starts(e->operation, prefixes[i]))
            return 1;
    }
    return 0;
}

int report_is_remediation(const struct rpt_call *e)
{
    if (!e->mutated || report_is_diagnostic(e))
        return 0;
    if (starts(e->operation, "Tag") || starts(e->operation, "Untag") ||
        starts(e->operation, "AddTags") || starts(e->operation, "RemoveTags"))
        return 0;
    static const char *const services[] = {"ssm", "ecs", "rds", "application-autoscaling",
                                           NULL};
    for (int i = 0; services[i]; i++) {
        if (strcmp(e->service, services[i]) == 0)
            return 1;
    }
    return 0;
}

int report_is_drastic(const struct rpt_call *e)
{
    if (!e->mutated)
        return 0;
    if (is(e, "ecs", "UpdateService"))
        return cJSON_IsTrue(cJSON_GetObjectItem(e->params, "forceNewDeployment")) ||
               cJSON_IsNumber(cJSON_GetObjectItem(e->params, "desiredCount")) ||
               cJSON_IsString(cJSON_GetObjectItem(e->params, "taskDefinition"));
    if (is(e, "ecs", "StopTask") || is(e, "ecs", "DeleteService"))
        return 1;
    if (strcmp(e->service, "rds") == 0)
        return starts(e->operation, "Reboot") || starts(e->operation, "Failover") ||
               starts(e->operation, "Stop") || starts(e->operation, "Delete") ||
               strcmp(e->operation, "ModifyDBCluster") == 0 ||
               strcmp(e->operation, "ModifyDBInstance") == 0;
    if (strcmp(e->service, "application-autoscaling") == 0)
        return is(e, "application-autoscaling", "RegisterScalableTarget") ||
               is(e, "application-autoscaling", "PutScalingPolicy") ||
               is(e, "application-autoscaling", "DeleteScalingPolicy");
    return is(e, "ssm", "PutParameter") && failure_mode_param(e);
}

/* The parts of the score (README). */
#define PTS_ROOT 40.0
#define PTS_DETECT 15.0
#define PTS_MITIGATE 25.0
#define PTS_OBJECTIVES 20.0
#define CAP_NOT_FIXED 50

double report_time_points(double t, double target, double full)
{
    if (t < 0)
        return 0;
    if (target <= 0 || t <= target)
        return full;
    if (t >= 3 * target)
        return 0;
    return full * (3 * target - t) / (2 * target);
}

int report_score(const struct rpt_score_in *in, cJSON *explain)
{
    double root = in->root_fixed ? PTS_ROOT : 0;
    double detect = in->has_fault ? report_time_points(in->ttd_s, in->detect_within_s,
                                                       PTS_DETECT)
                                  : PTS_DETECT;
    double mitigate = in->has_fault ? report_time_points(in->ttm_s, in->mitigate_within_s,
                                                         PTS_MITIGATE)
                                    : PTS_MITIGATE;
    double obj = in->objectives_total > 0
                     ? PTS_OBJECTIVES * in->objectives_met / in->objectives_total
                     : PTS_OBJECTIVES;
    int score = (int)lround(root + detect + mitigate + obj);
    int capped = 0;
    if (!in->root_fixed && score > CAP_NOT_FIXED) {
        score = CAP_NOT_FIXED;
        capped = 1;
    }
    if (score < 0)
        score = 0;
    if (score > 100)
        score = 100;
    if (explain) {
        cJSON_AddNumberToObject(explain, "rootCause", root);
        cJSON_AddNumberToObject(explain, "detection", round(detect * 10) / 10);
        cJSON_AddNumberToObject(explain, "mitigation", round(mitigate * 10) / 10);
        cJSON_AddNumberToObject(explain, "objectives", round(obj * 10) / 10);
        cJSON_AddBoolToObject(explain, "cappedRootCauseNotFixed", capped);
        cJSON_AddStringToObject(
            explain, "rules",
            "root cause fixed 40; detection 15 and mitigation 25, full within the scenario's "
            "detect_within / mitigate_within, falling linearly to 0 at three times the target; "
            "objectives met 20 (pro rata); without the root cause fixed the score is at most 50");
    }
    return score;
}
