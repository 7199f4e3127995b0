/*
 * Tests of sim/store/rds.c and the pieces of sim/engine/rds.c and sim/services/rds_params.c
 * that the world model and RDS Proxy rely on: Aurora PostgreSQL's default max_connections
 * per instance class, rds_cluster_info (the contract), ARN parsing, the parameters an
 * engine starts with (an instance's DB parameter group wins over its cluster's group;
 * pending-reboot values are not in effect until the restart), the world model's down hook,
 * the lifecycle durations per timing preset and the due-row query the tick reads.
 * The handlers are covered end to end in tests/e2e/test_rds*.py and js/rds.test.mjs.
 */
#include "engine/rds.h"
#include "engine/team.h"
#include "services/rds_int.h"
#include "store/rds.h"
#include "store/store.h"
#include "store_util.h"
#include "t.h"

#define A1 "111111111111"
#define R1 "us-east-1"
#define R2 "eu-west-1"
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */


static void put_cluster(const struct rds_scope *sc, const char *id, const char *cpg)
{
    struct rds_cluster c = {0};
    snprintf(c.id, sizeof c.id, "%s", id);
    snprintf(c.status, sizeof c.status, "available");
    snprintf(c.cpg, sizeof c.cpg, "%s", cpg);
    c.created_ms = T0;
    c.doc = cJSON_Parse("{\"Engine\":\"aurora-postgresql\",\"Port\":5432,"
                        "\"Endpoint\":\"x.cluster-abc.us-east-1.rds.amazonaws.com\","
                        "\"ReaderEndpoint\":\"x.cluster-ro-abc.us-east-1.rds.amazonaws.com\","
                        "\"VpcId\":\"vpc-1\"}");
    T_EQ_INT(rds_cluster_put(sc, &c), 0);
    rds_cluster_clear(&c);
}

static void put_instance(const struct rds_scope *sc, const char *id, const char *cluster,
                         int writer, const char *klass, const char *pg, const char *applied)
{
    struct rds_instance i = {0};
    snprintf(i.id, sizeof i.id, "%s", id);
    snprintf(i.cluster, sizeof i.cluster, "%s", cluster);
    snprintf(i.status, sizeof i.status, "available");
    i.writer = writer;
    snprintf(i.klass, sizeof i.klass, "%s", klass);
    snprintf(i.pg, sizeof i.pg, "%s", pg);
    snprintf(i.pg_status, sizeof i.pg_status, "in-sync");
    snprintf(i.cpg_status, sizeof i.cpg_status, "in-sync");
    i.created_ms = T0;
    i.applied = cJSON_Parse(applied);
    i.doc = cJSON_CreateObject();
    T_EQ_INT(rds_instance_put(sc, &i), 0);
    rds_instance_clear(&i);
}

TEST(store_rds_default_max_connections)
{
    /* the Aurora user guide's table for LEAST({DBInstanceClassMemory/9531392},5000) */
    T_EQ_INT(rds_default_max_connections("db.t3.medium"), 420);
    T_EQ_INT(rds_default_max_connections("db.t4g.medium"), 405);
    T_EQ_INT(rds_default_max_connections("db.r5.large"), 1600);
    T_EQ_INT(rds_default_max_connections("db.r6g.large"), 1722);
    T_EQ_INT(rds_default_max_connections("db.r6g.xlarge"), 3479);
    T_EQ_INT(rds_default_max_connections("db.r6g.2xlarge"), 5000);
    T_EQ_INT(rds_default_max_connections("db.r6g.16xlarge"), 5000);
    T_EQ_INT(rds_default_max_connections("db.m1.tiny"), 0);
    T_EQ_INT(rds_default_max_connections(NULL), 0);
    int n = 0;
    for (const char *const *c = rds_class_names(); *c; c++) {
        T_ASSERT(rds_default_max_connections(*c) > 0);
        n++;
    }
    T_ASSERT(n > 20);
}

TEST(store_rds_cluster_info)
{
    struct store *st = open_store();
    struct rds_scope sc = {st, A1, R1};
    put_cluster(&sc, "golden", "default.aurora-postgresql16");
    put_instance(&sc, "golden-1", "golden", 0, "db.r6g.large", "default.aurora-postgresql16",
                 "{}");
    put_instance(&sc, "golden-2", "golden", 1, "db.r6g.xlarge", "default.aurora-postgresql16",
                 "{}");
    struct rds_cluster_info info;
    T_EQ_INT(rds_cluster_info(st, A1, R1, "golden", &info), 0);
    T_EQ_STR(info.id, "golden");
    T_EQ_STR(info.arn, "arn:aws:rds:us-east-1:111111111111:cluster:golden");
    T_EQ_STR(info.engine, "aurora-postgresql");
    T_EQ_STR(info.engine_family, "POSTGRESQL");
    T_EQ_STR(info.status, "available");
    T_EQ_STR(info.writer, "golden-2");
    T_EQ_STR(info.writer_class, "db.r6g.xlarge");
    T_EQ_STR(info.vpc_id, "vpc-1");
    T_EQ_STR(info.reader_endpoint, "x.cluster-ro-abc.us-east-1.rds.amazonaws.com");
    T_EQ_INT(info.port, 5432);
    T_EQ_INT(info.nmembers, 2);
    T_EQ_INT(info.max_connections, 3479); /* the class default */
    T_EQ_INT(info.writer_available, 1);
    /* a value the engine started with wins over the default */
    put_instance(&sc, "golden-2", "golden", 1, "db.r6g.xlarge", "default.aurora-postgresql16",
                 "{\"max_connections\":\"500\"}");
    T_EQ_INT(rds_cluster_info(st, A1, R1, "golden", &info), 0);
    T_EQ_INT(info.max_connections, 500);
    /* by ARN; not in another region or account; unknown */
    T_EQ_INT(rds_cluster_info(st, A1, R1, "arn:aws:rds:us-east-1:111111111111:cluster:golden",
                              &info), 0);
    T_EQ_STR(info.id, "golden");
    T_EQ_INT(rds_cluster_info(st, A1, R2, "golden", &info), 1);
    T_EQ_INT(rds_cluster_info(st, "222222222222", R1, "golden", &info), 1);
    T_EQ_INT(rds_cluster_info(st, A1, R1, "arn:aws:rds:us-east-1:111111111111:db:golden",
                              &info), 1);
    T_EQ_INT(rds_cluster_info(st, A1, R1, "nope", &info), 1);
    store_close(st);
}

TEST(store_rds_arn_names)
{
    struct rds_scope sc = {NULL, A1, R1};
    char arn[256];
    rds_arn(&sc, "cluster-pg", "my-group", arn, sizeof arn);
    T_EQ_STR(arn, "arn:aws:rds:us-east-1:111111111111:cluster-pg:my-group");
    T_EQ_STR(rds_arn_name(&sc, "cluster-pg", arn), "my-group");
    T_ASSERT(rds_arn_name(&sc, "pg", arn) == NULL);
    T_EQ_STR(rds_arn_name(&sc, "db", "plain-name"), "plain-name");
    T_ASSERT(rds_arn_name(&sc, "db", "arn:aws:rds:eu-west-1:111111111111:db:x") == NULL);
    char h1[13], h2[13], h3[13];
    rds_endpoint_hash(A1, R1, h1);
    rds_endpoint_hash(A1, R1, h2);
    rds_endpoint_hash(A1, R2, h3);
    T_EQ_STR(h1, h2);
    T_ASSERT(strcmp(h1, h3) != 0);
    T_EQ_INT(strlen(h1), 12);
}

TEST(store_rds_boot_params)
{
    struct store *st = open_store();
    struct rds_scope sc = {st, A1, R1};
    T_EQ_INT(store_begin(st), 0);
    struct rds_pg g = {0};
    snprintf(g.name, sizeof g.name, "cpg");
    snprintf(g.family, sizeof g.family, "aurora-postgresql16");
    T_EQ_INT(rds_pg_insert(&sc, RDS_PG_CLUSTER, &g), 0);
    snprintf(g.name, sizeof g.name, "pg");
    T_EQ_INT(rds_pg_insert(&sc, RDS_PG_DB, &g), 0);
    T_EQ_INT(rds_pg_insert(&sc, RDS_PG_DB, &g), 1); /* exists */
    T_EQ_INT(rds_param_set(&sc, RDS_PG_CLUSTER, "cpg", "max_connections", "800",
                           "pending-reboot"), 0);
    T_EQ_INT(rds_param_set(&sc, RDS_PG_CLUSTER, "cpg", "work_mem", "8192", "immediate"), 0);
    put_cluster(&sc, "c", "cpg");
    put_instance(&sc, "c-1", "c", 1, "db.r6g.large", "pg", "{}");
    /* only the cluster group sets it: 800 once the engine starts */
    struct rds_instance i;
    T_EQ_INT(rds_instance_get(&sc, "c-1", &i), 0);
    snprintf(i.pg_status, sizeof i.pg_status, "pending-reboot");
    T_EQ_INT(rds_engine_start(&sc, &i), 0);
    T_EQ_STR(i.pg_status, "in-sync");
    T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(i.applied, "max_connections")), "800");
    T_ASSERT(cJSON_GetObjectItem(i.applied, "work_mem") == NULL); /* dynamic: not a boot value */
    T_EQ_INT(rds_instance_put(&sc, &i), 0);
    rds_instance_clear(&i);
    /* the DB parameter group's value wins, but only after a restart */
    T_EQ_INT(rds_param_set(&sc, RDS_PG_DB, "pg", "max_connections", "500", "pending-reboot"),
             0);
    struct rds_cluster_info info;
    T_EQ_INT(rds_cluster_info(st, A1, R1, "c", &info), 0);
    T_EQ_INT(info.max_connections, 800);
    T_EQ_INT(rds_instance_get(&sc, "c-1", &i), 0);
    T_EQ_INT(rds_engine_start(&sc, &i), 0);
    T_EQ_INT(rds_instance_put(&sc, &i), 0);
    rds_instance_clear(&i);
    T_EQ_INT(rds_cluster_info(st, A1, R1, "c", &info), 0);
    T_EQ_INT(info.max_connections, 500);
    /* users of the groups */
    T_EQ_INT(rds_pg_users(&sc, RDS_PG_DB, "pg"), 1);
    T_EQ_INT(rds_pg_users(&sc, RDS_PG_CLUSTER, "cpg"), 1);
    T_EQ_INT(rds_pg_users(&sc, RDS_PG_CLUSTER, "pg"), 0);
    T_EQ_INT(store_commit(st), 0);
    store_close(st);
}

static int hook_calls;
static char hook_reason[16];
static int hook_writer;

static void hook(void *arg, const char *account, const char *region, const char *cluster,
                 const char *instance, int writer, const char *reason, int64_t now_ms)
{
    (void)arg;
    (void)account;
    (void)region;
    (void)cluster;
    (void)instance;
    (void)now_ms;
    hook_calls++;
    hook_writer = writer;
    snprintf(hook_reason, sizeof hook_reason, "%s", reason);
}

TEST(engine_rds_down_hook)
{
    struct rds_scope sc = {NULL, A1, R1};
    struct rds_instance i = {0};
    snprintf(i.id, sizeof i.id, "x-1");
    i.writer = 1;
    rds_engine_down(&sc, &i, "reboot", T0);
    T_EQ_INT(i.restarts, 1);
    T_EQ_INT(hook_calls, 0);
    rds_set_down_hook(hook, NULL);
    rds_engine_down(&sc, &i, "failover", T0);
    T_EQ_INT(i.restarts, 2);
    T_EQ_INT(hook_calls, 1);
    T_EQ_INT(hook_writer, 1);
    T_EQ_STR(hook_reason, "failover");
    rds_set_down_hook(NULL, NULL);
}

TEST(engine_rds_durations)
{
    struct team_timing aws, fast;
    T_EQ_INT(team_timing_preset("aws", &aws), 0);
    T_EQ_INT(team_timing_preset("fast", &fast), 0);
    struct rds_durations d;
    rds_durations_of(&aws, &d);
    T_EQ_INT(d.cluster_create_s, 60);
    T_EQ_INT(d.instance_create_s, 300);
    T_EQ_INT(d.failover_s, 30);
    T_EQ_INT(d.reboot_s, 30);
    rds_durations_of(&fast, &d);
    T_EQ_INT(d.cluster_create_s, 4);
    T_EQ_INT(d.instance_create_s, 20);
    T_EQ_INT(d.failover_s, 2);
    T_EQ_INT(d.reboot_s, 2);
    T_ASSERT(d.stop_s >= 1 && d.start_s >= 1 && d.instance_delete_s >= 1);
}

TEST(store_rds_due)
{
    struct store *st = open_store();
    struct rds_scope s1 = {st, A1, R1}, s2 = {st, A1, R2};
    put_cluster(&s1, "a", "cpg");
    put_cluster(&s2, "b", "cpg");
    put_instance(&s1, "a-1", "a", 1, "db.r6g.large", "pg", "{}");
    struct rds_cluster c;
    T_EQ_INT(rds_cluster_get(&s2, "b", &c), 0);
    c.next_ms = T0 + 5000;
    T_EQ_INT(rds_cluster_put(&s2, &c), 0);
    rds_cluster_clear(&c);
    struct rds_instance i;
    T_EQ_INT(rds_instance_get(&s1, "a-1", &i), 0);
    i.next_ms = T0 + 1000;
    T_EQ_INT(rds_instance_put(&s1, &i), 0);
    rds_instance_clear(&i);
    struct rds_due *due;
    int n;
    T_EQ_INT(rds_due(st, A1, T0, 10, &due, &n), 0);
    T_EQ_INT(n, 0);
    free(due);
    T_EQ_INT(rds_due(st, A1, T0 + 5000, 10, &due, &n), 0);
    T_EQ_INT(n, 2);
    T_EQ_INT(due[0].instance, 0); /* clusters first */
    T_EQ_STR(due[0].region, R2);
    T_EQ_STR(due[0].id, "b");
    T_EQ_INT(due[1].instance, 1);
    T_EQ_STR(due[1].id, "a-1");
    free(due);
    T_EQ_INT(rds_due(st, "222222222222", T0 + 5000, 10, &due, &n), 0);
    T_EQ_INT(n, 0);
    free(due);
    store_close(st);
}

TEST(services_rds_param_catalogue)
{
    size_t n;
    const struct rds_param_spec *p = rds_param_catalogue(&n);
    T_ASSERT(n >= 20);
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            T_ASSERT(strcmp(p[k - 1].name, p[k].name) < 0); /* paging relies on the order */
        T_ASSERT(strcmp(p[k].apply_type, "static") == 0 ||
                 strcmp(p[k].apply_type, "dynamic") == 0);
        T_ASSERT(p[k].levels & (RDS_LEVEL_DB | RDS_LEVEL_CLUSTER));
        T_ASSERT(rds_param_spec(p[k].name) == &p[k]);
    }
    const struct rds_param_spec *mc = rds_param_spec("max_connections");
    T_EQ_STR(mc->apply_type, "static");
    T_EQ_STR(mc->value, "LEAST({DBInstanceClassMemory/9531392},5000)");
    T_ASSERT(rds_param_spec("nope") == NULL);
    /* versions and families */
    T_ASSERT(rds_version_known(rds_default_version()));
    char fam[64];
    rds_family_of("15.8", fam, sizeof fam);
    T_EQ_STR(fam, "aurora-postgresql15");
    T_ASSERT(rds_family_known(fam));
    T_ASSERT(!rds_family_known("aurora-postgresql12"));
    T_ASSERT(!rds_version_known("9.6"));
}
