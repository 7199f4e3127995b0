/*
 * Tests of sim/services/ecs*.c: the shared vocabulary of ecs_int.h (names, references,
 * tokens) and the handlers' input rules in AWS's words, run as the pipeline runs them
 * against an in-memory store (tests/unit/ecs_env.h).
 */
#include "ecs_env.h"
#include "services/ecs_int.h"

TEST(services_ecs_names_and_refs)
{
    T_ASSERT(ecs_name_ok("golden-path-cluster-dev"));
    T_ASSERT(ecs_name_ok("A_b-9"));
    T_ASSERT(!ecs_name_ok(""));
    T_ASSERT(!ecs_name_ok("a b"));
    T_ASSERT(!ecs_name_ok("a/b"));
    char long_name[300];
    memset(long_name, 'a', 255);
    long_name[255] = '\0';
    T_ASSERT(ecs_name_ok(long_name));
    long_name[255] = 'a';
    long_name[256] = '\0';
    T_ASSERT(!ecs_name_ok(long_name));

    struct call c;
    unit_call(&c, "ecs", "DescribeServices", &proto_json);
    snprintf(c.tenant.account, sizeof c.tenant.account, "%s", ECS_ACCOUNT);
    char out[ECS_NAME_MAX];
    T_EQ_INT(ecs_service_ref(&c, "c1", "web", out), 0);
    T_EQ_STR(out, "web");
    T_EQ_INT(ecs_service_ref(&c, "c1", "arn:aws:ecs:us-east-1:111111111111:service/c1/web", out),
             0);
    T_EQ_STR(out, "web");
    T_EQ_INT(ecs_service_ref(&c, "c1", "arn:aws:ecs:us-east-1:111111111111:service/web", out), 0);
    T_EQ_STR(out, "web");
    /* another cluster, account or region: not one of ours */
    T_EQ_INT(ecs_service_ref(&c, "c1", "arn:aws:ecs:us-east-1:111111111111:service/c2/web", out),
             1);
    T_EQ_INT(ecs_service_ref(&c, "c1", "arn:aws:ecs:us-east-1:222222222222:service/c1/web", out),
             1);
    T_EQ_INT(ecs_service_ref(&c, "c1", "arn:aws:ecs:eu-west-1:111111111111:service/c1/web", out),
             1);
    char id[ECS_ID_MAX];
    T_EQ_INT(ecs_task_ref(&c, "c1", "arn:aws:ecs:us-east-1:111111111111:task/c1/0123abcd", id), 0);
    T_EQ_STR(id, "0123abcd");

    char family[ECS_NAME_MAX];
    int64_t rev;
    T_EQ_INT(ecs_taskdef_ref(&c, "web", family, &rev), 0);
    T_EQ_STR(family, "web");
    T_EQ_INT(rev, 0);
    T_EQ_INT(ecs_taskdef_ref(&c, "web:12", family, &rev), 0);
    T_EQ_INT(rev, 12);
    T_EQ_INT(ecs_taskdef_ref(&c, "arn:aws:ecs:us-east-1:111111111111:task-definition/web:3",
                             family, &rev),
             0);
    T_EQ_STR(family, "web");
    T_EQ_INT(rev, 3);
    T_EQ_INT(ecs_taskdef_ref(&c, "web:x", family, &rev), SIM_ERROR);
    T_EQ_STR(c.err.code, "InvalidParameterException");
    T_EQ_STR(c.err.message, "Invalid revision number.");
    call_free(&c);
}

TEST(services_ecs_tokens)
{
    char *t = ecs_token_make("ListTasks", "abc");
    char *key = NULL;
    T_EQ_INT(ecs_token_read("ListTasks", t, &key), 0);
    T_EQ_STR(key, "abc");
    free(key);
    /* a token of another operation, or garbage, is refused */
    T_EQ_INT(ecs_token_read("ListServices", t, &key), -1);
    T_EQ_INT(ecs_token_read("ListTasks", "zz", &key), -1);
    T_EQ_INT(ecs_token_read("ListTasks", "", &key), -1);
    free(t);
}

TEST(services_ecs_clusters)
{
    ecs_env_open();
    ecs_err("DescribeServices", "{\"services\":[\"x\"]}", "ClusterNotFoundException",
            "Cluster not found.");
    ecs_err("CreateCluster", "{\"clusterName\":\"a b\"}", "InvalidParameterException",
            "Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was a b");
    cJSON *out = ecs_ok("CreateCluster", "{}");
    T_EQ_STR(ecs_str(cJSON_GetObjectItem(out, "cluster"), "clusterName"), "default");
    cJSON_Delete(out);
    /* idempotent */
    cJSON_Delete(ecs_ok("CreateCluster", "{\"clusterName\":\"default\"}"));
    out = ecs_ok("DescribeClusters", "{}");
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(out, "clusters")), 1);
    cJSON_Delete(out);
    out = ecs_ok("DeleteCluster", "{\"cluster\":\"default\"}");
    T_EQ_STR(ecs_str(cJSON_GetObjectItem(out, "cluster"), "status"), "INACTIVE");
    cJSON_Delete(out);
    ecs_err("ListServices", "{}", "ClusterNotFoundException",
            "The referenced cluster was inactive.");
    out = ecs_ok("DescribeClusters", "{\"clusters\":[\"default\",\"nope\"]}");
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(cJSON_GetObjectItem(out, "clusters"), 0), "status"),
             "INACTIVE");
    cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "failures"), 0);
    T_EQ_STR(ecs_str(f, "arn"), "arn:aws:ecs:us-east-1:111111111111:cluster/nope");
    T_EQ_STR(ecs_str(f, "reason"), "MISSING");
    cJSON_Delete(out);
}

TEST(services_ecs_task_definition_rules)
{
    ecs_env_open();
    const char *c = "\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"nginx\"}]";
    char req[1024];
    ecs_err("RegisterTaskDefinition", "{\"family\":\"w\",\"containerDefinitions\":[]}",
            "ClientException", "Container list cannot be empty.");
    ecs_err("RegisterTaskDefinition",
            "{\"family\":\"w\",\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"x\"}]}",
            "ClientException",
            "Invalid setting for container 'app'. At least one of 'memory' or "
            "'memoryReservation' must be specified.");
    ecs_err("RegisterTaskDefinition",
            "{\"family\":\"a.b\",\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"x\"}]}",
            "ClientException", "Family contains invalid characters.");
    snprintf(req, sizeof req,
             "{\"family\":\"w\",\"requiresCompatibilities\":[\"FARGATE\"],\"cpu\":\"256\","
             "\"memory\":\"512\",%s}",
             c);
    ecs_err("RegisterTaskDefinition", req, "ClientException",
            "Fargate only supports network mode \xe2\x80\x98" "awsvpc\xe2\x80\x99.");
    snprintf(req, sizeof req,
             "{\"family\":\"w\",\"requiresCompatibilities\":[\"FARGATE\"],"
             "\"networkMode\":\"awsvpc\",\"memory\":\"512\",%s}",
             c);
    ecs_err("RegisterTaskDefinition", req, "ClientException",
            "Fargate requires that 'cpu' be defined at the task level.");
    snprintf(req, sizeof req,
             "{\"family\":\"w\",\"requiresCompatibilities\":[\"FARGATE\"],"
             "\"networkMode\":\"awsvpc\",\"cpu\":\"1024\",\"memory\":\"1024\",%s}",
             c);
    ecs_err("RegisterTaskDefinition", req, "ClientException",
            "No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the "
            "Amazon ECS documentation for the valid values.");
    /* the valid pairs, in both spellings */
    static const char *const ok[][2] = {{"256", "512"},     {".25 vCPU", "2 GB"},
                                        {"1 vCPU", "8GB"},  {"4096", "30720"},
                                        {"8192", "61440"},  {"16384", "122880"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(req, sizeof req,
                 "{\"family\":\"w\",\"requiresCompatibilities\":[\"FARGATE\"],"
                 "\"networkMode\":\"awsvpc\",\"cpu\":\"%s\",\"memory\":\"%s\",%s}",
                 ok[i][0], ok[i][1], c);
        cJSON_Delete(ecs_ok("RegisterTaskDefinition", req));
    }
    static const char *const bad[][2] = {{"256", "3072"}, {"512", "512"}, {"8192", "18432"},
                                         {"2048", "2048"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(req, sizeof req,
                 "{\"family\":\"w\",\"requiresCompatibilities\":[\"FARGATE\"],"
                 "\"networkMode\":\"awsvpc\",\"cpu\":\"%s\",\"memory\":\"%s\",%s}",
                 bad[i][0], bad[i][1], c);
        ecs_err("RegisterTaskDefinition", req, "ClientException", NULL);
    }
    /* revisions count up; the normalized sizes are reported */
    cJSON *out = ecs_ok("DescribeTaskDefinition", "{\"taskDefinition\":\"w\"}");
    cJSON *td = cJSON_GetObjectItem(out, "taskDefinition");
    T_EQ_INT(ecs_num(td, "revision"), 6);
    T_EQ_STR(ecs_str(td, "cpu"), "16384");
    cJSON_Delete(out);
    out = ecs_ok("DescribeTaskDefinition", "{\"taskDefinition\":\"w:2\"}");
    td = cJSON_GetObjectItem(out, "taskDefinition");
    T_EQ_STR(ecs_str(td, "cpu"), "256");
    T_EQ_STR(ecs_str(td, "memory"), "2048");
    cJSON_Delete(out);
    ecs_err("DescribeTaskDefinition", "{\"taskDefinition\":\"w:99\"}", "ClientException",
            "Unable to describe task definition.");
}

TEST(services_ecs_service_rules)
{
    ecs_env_open();
    ecs_setup_service(2, 100, 200);
    char a[32], req[1024];
    ecs_subnet(0, a);
    ecs_err("CreateService",
            "{\"cluster\":\"c1\",\"serviceName\":\"s1\",\"taskDefinition\":\"web\"}",
            "InvalidParameterException", "Creation of service was not idempotent.");
    ecs_err("CreateService",
            "{\"cluster\":\"c1\",\"serviceName\":\"s2\",\"taskDefinition\":\"nope\"}",
            "ClientException", "TaskDefinition not found.");
    ecs_err("CreateService",
            "{\"cluster\":\"c1\",\"serviceName\":\"s2\",\"taskDefinition\":\"web\","
            "\"launchType\":\"FARGATE\"}",
            "InvalidParameterException",
            "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    snprintf(req, sizeof req,
             "{\"cluster\":\"c1\",\"serviceName\":\"s2\",\"taskDefinition\":\"web\","
             "\"launchType\":\"FARGATE\",\"networkConfiguration\":{\"awsvpcConfiguration\":"
             "{\"subnets\":[\"%s\",\"subnet-0123456789abcdef0\"]}}}",
             a);
    char want[512];
    snprintf(want, sizeof want,
             "Error retrieving subnet information for [%s, subnet-0123456789abcdef0]: The "
             "subnet ID 'subnet-0123456789abcdef0' does not exist (ErrorCode: "
             "InvalidSubnetID.NotFound)",
             a);
    ecs_err("CreateService", req, "InvalidParameterException", want);
    ecs_err("UpdateService", "{\"cluster\":\"c1\",\"service\":\"nope\",\"desiredCount\":1}",
            "ServiceNotFoundException", "Service not found.");
    ecs_err("UpdateService", "{\"cluster\":\"c1\",\"service\":\"s1\",\"desiredCount\":-1}",
            "InvalidParameterException", NULL);
    ecs_err("DeleteService", "{\"cluster\":\"c1\",\"service\":\"s1\"}",
            "InvalidParameterException",
            "The service cannot be stopped while it is scaled above 0.");
    ecs_err("DescribeServices", "{\"cluster\":\"c1\",\"services\":[]}",
            "InvalidParameterException", "Services cannot be empty.");
    ecs_err("DescribeServices",
            "{\"cluster\":\"c1\",\"services\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\","
            "\"i\",\"j\",\"k\"]}",
            "InvalidParameterException", "service names can have at most 10 items.");
    /* the model's required members, in ECS's code */
    ecs_err("UpdateService", "{\"cluster\":\"c1\"}", "InvalidParameterException",
            "1 validation error detected: Value null at 'service' failed to satisfy "
            "constraint: Member must not be null");
    cJSON *out = ecs_ok("DescribeServices", "{\"cluster\":\"c1\",\"services\":[\"s1\",\"zz\"]}");
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(out, "services")), 1);
    cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(out, "failures"), 0);
    T_EQ_STR(ecs_str(f, "arn"), "arn:aws:ecs:us-east-1:111111111111:service/c1/zz");
    T_EQ_STR(ecs_str(f, "reason"), "MISSING");
    cJSON_Delete(out);
    cJSON_Delete(ecs_ok("DeleteService", "{\"cluster\":\"c1\",\"service\":\"s1\",\"force\":true}"));
    ecs_err("UpdateService", "{\"cluster\":\"c1\",\"service\":\"s1\",\"desiredCount\":1}",
            "ServiceNotActiveException", "Service was not ACTIVE.");
    ecs_err("DeleteCluster", "{\"cluster\":\"c1\"}", "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.");
}

TEST(services_ecs_ec2_launch_type)
{
    ecs_env_open();
    cJSON_Delete(ecs_ok("CreateCluster", "{\"clusterName\":\"c1\"}"));
    cJSON_Delete(ecs_ok("RegisterTaskDefinition",
                        "{\"family\":\"bridge\",\"containerDefinitions\":[{\"name\":\"app\","
                        "\"image\":\"nginx\",\"memory\":128}]}"));
    ecs_err("RunTask", "{\"cluster\":\"c1\",\"taskDefinition\":\"bridge\"}",
            "InvalidParameterException", "No Container Instances were found in your cluster.");
    ecs_err("RunTask",
            "{\"cluster\":\"c1\",\"taskDefinition\":\"bridge\",\"launchType\":\"FARGATE\"}",
            "InvalidParameterException", "Task definition does not support launch_type FARGATE.");
    cJSON *out = ecs_ok("CreateService", "{\"cluster\":\"c1\",\"serviceName\":\"s1\","
                                         "\"taskDefinition\":\"bridge\",\"desiredCount\":2}");
    T_EQ_STR(ecs_str(cJSON_GetObjectItem(out, "service"), "launchType"), "EC2");
    cJSON_Delete(out);
    ecs_advance(5);
    cJSON *svc;
    out = ecs_describe_s1(&svc);
    cJSON *ev = cJSON_GetObjectItem(svc, "events");
    T_EQ_INT(cJSON_GetArraySize(ev), 1);
    T_EQ_STR(ecs_str(cJSON_GetArrayItem(ev, 0), "message"),
             "(service s1) was unable to place a task because no container instance met all of "
             "its requirements. Reason: No Container Instances were found in your cluster. For "
             "more information, see the Troubleshooting section of the Amazon ECS Developer "
             "Guide.");
    T_EQ_INT(ecs_num(svc, "runningCount"), 0);
    T_EQ_INT(ecs_num(svc, "pendingCount"), 0);
    cJSON_Delete(out);
}
