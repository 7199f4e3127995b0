/*
 * Tests of sim/store/rds_proxy.c: proxy rows (insert, rename, due), targets (listing order,
 * cluster deregistration, the delete cascade) and what the world model reads of a proxy
 * (rds_proxy_pool_info: the connection budget from the target group's percentages and the
 * cluster's max_connections, availability, look-up by name, endpoint host or cluster); and
 * the lifecycle durations of sim/engine/rds_proxy.c.
 */
#include "engine/rds_proxy.h"
#include "engine/team.h"
#include "store/rds.h"
#include "store/rds_proxy.h"
#include "store/store.h"
#include "store_util.h"
#include "t.h"

#define ACC "111111111111"
#define REG "us-east-1"
#define ARN "arn:aws:rds:us-east-1:111111111111:db-proxy:prx-0123456789abcdef0"


/* An Aurora cluster "c1" whose writer "c1-1" has max_connections 1000 in effect. */
static void make_cluster(struct store *st)
{
    struct rds_scope sc = {st, ACC, REG};
    struct rds_cluster c = {0};
    snprintf(c.id, sizeof c.id, "c1");
    snprintf(c.status, sizeof c.status, "available");
    snprintf(c.cpg, sizeof c.cpg, "default.aurora-postgresql16");
    c.doc = cJSON_Parse("{\"Engine\":\"aurora-postgresql\",\"Port\":5432,"
                        "\"Endpoint\":\"c1.cluster-x.us-east-1.rds.amazonaws.com\"}");
    T_EQ_INT(rds_cluster_put(&sc, &c), 0);
    cJSON_Delete(c.doc);
    struct rds_instance i = {0};
    snprintf(i.id, sizeof i.id, "c1-1");
    snprintf(i.cluster, sizeof i.cluster, "c1");
    snprintf(i.status, sizeof i.status, "available");
    snprintf(i.klass, sizeof i.klass, "db.r6g.large");
    snprintf(i.pg, sizeof i.pg, "default.aurora-postgresql16");
    snprintf(i.pg_status, sizeof i.pg_status, "in-sync");
    snprintf(i.cpg_status, sizeof i.cpg_status, "in-sync");
    i.writer = 1;
    i.applied = cJSON_Parse("{\"max_connections\":\"1000\"}");
    i.doc = cJSON_Parse("{\"Endpoint\":{\"Address\":\"c1-1.x.us-east-1.rds.amazonaws.com\","
                        "\"Port\":5432}}");
    T_EQ_INT(rds_instance_put(&sc, &i), 0);
    cJSON_Delete(i.applied);
    cJSON_Delete(i.doc);
}

static void make_proxy(struct store *st, const char *status)
{
    struct rds_proxy_scope sc = {st, ACC, REG};
    struct rds_proxy_row r = {0};
    snprintf(r.name, sizeof r.name, "p1");
    snprintf(r.arn, sizeof r.arn, ARN);
    snprintf(r.status, sizeof r.status, "%s", status);
    snprintf(r.endpoint, sizeof r.endpoint, "p1.proxy-abc.us-east-1.rds.amazonaws.com");
    snprintf(r.host_hash, sizeof r.host_hash, "abc");
    snprintf(r.tg_arn, sizeof r.tg_arn, "arn:aws:rds:us-east-1:111111111111:target-group:x");
    r.config = "{\"EngineFamily\":\"POSTGRESQL\",\"IdleClientTimeout\":900,\"RequireTLS\":true}";
    r.tg_pool = "{\"MaxConnectionsPercent\":80,\"MaxIdleConnectionsPercent\":40,"
                "\"ConnectionBorrowTimeout\":30}";
    r.created_ms = r.updated_ms = 1000;
    r.next_ms = strcmp(status, "creating") == 0 ? 5000 : 0;
    T_EQ_INT(store_rds_proxy_insert(&sc, &r), 0);
    T_EQ_INT(store_rds_proxy_insert(&sc, &r), 1); /* the name is taken */
}

static void put_target(struct store *st, const char *type, const char *id, const char *role,
                       const char *state, int64_t next_ms)
{
    struct rds_proxy_scope sc = {st, ACC, REG};
    struct rds_proxy_target t = {0};
    snprintf(t.proxy_arn, sizeof t.proxy_arn, ARN);
    snprintf(t.type, sizeof t.type, "%s", type);
    snprintf(t.rds_id, sizeof t.rds_id, "%s", id);
    snprintf(t.cluster_id, sizeof t.cluster_id, "%s",
             strcmp(type, "RDS_INSTANCE") == 0 ? "c1" : "");
    t.port = 5432;
    snprintf(t.role, sizeof t.role, "%s", role);
    snprintf(t.state, sizeof t.state, "%s", state);
    t.next_ms = next_ms;
    T_EQ_INT(store_rds_proxy_target_put(&sc, &t), 0);
}

TEST(store_rds_proxy_pool_budget)
{
    struct store *st = open_store();
    make_cluster(st);
    make_proxy(st, "available");
    struct rds_proxy_pool p;
    /* no target yet: no budget, not available */
    T_EQ_INT(rds_proxy_pool_info(st, ACC, REG, "p1", &p), 0);
    T_EQ_STR(p.cluster_id, "");
    T_EQ_INT(p.budget, 0);
    T_EQ_INT(p.available, 0);
    T_EQ_INT(p.max_connections_percent, 80);
    T_EQ_INT(p.borrow_timeout_s, 30);
    T_EQ_INT(p.idle_client_timeout_s, 900);
    T_EQ_INT(p.require_tls, 1);
    T_EQ_INT(rds_proxy_pool_for_cluster(st, ACC, REG, "c1", &p), 1);

    put_target(st, "TRACKED_CLUSTER", "c1", "", "REGISTERING", 0);
    put_target(st, "RDS_INSTANCE", "c1-1", "READ_WRITE", "REGISTERING", 0);
    T_EQ_INT(rds_proxy_pool_info(st, ACC, REG, "p1", &p), 0);
    T_EQ_STR(p.cluster_id, "c1");
    T_EQ_INT(p.max_connections, 1000);
    T_EQ_INT(p.budget, 800);
    T_EQ_INT(p.idle_budget, 400);
    T_EQ_STR(p.target_state, "REGISTERING");
    T_EQ_INT(p.available, 0);

    put_target(st, "RDS_INSTANCE", "c1-1", "READ_WRITE", "AVAILABLE", 0);
    /* by the host name the application is configured with, and by the cluster */
    T_EQ_INT(rds_proxy_pool_info(st, ACC, REG, "p1.proxy-abc.us-east-1.rds.amazonaws.com", &p),
             0);
    T_EQ_STR(p.name, "p1");
    T_EQ_INT(p.available, 1);
    T_EQ_STR(p.endpoint, "p1.proxy-abc.us-east-1.rds.amazonaws.com");
    T_EQ_INT(rds_proxy_pool_for_cluster(st, ACC, REG, "c1", &p), 0);
    T_EQ_STR(p.arn, ARN);
    T_EQ_INT(rds_proxy_pool_info(st, ACC, REG, "nope", &p), 1);
    T_EQ_INT(rds_proxy_pool_info(st, ACC, "eu-west-1", "p1", &p), 1);
    store_close(st);
}

TEST(store_rds_proxy_rows)
{
    struct store *st = open_store();
    make_proxy(st, "creating");
    struct rds_proxy_scope sc = {st, ACC, REG};
    char arns[4][160];
    T_EQ_INT(store_rds_proxy_due(st, ACC, 4999, arns, 4), 0);
    T_EQ_INT(store_rds_proxy_due(st, ACC, 5000, arns, 4), 1);
    T_EQ_STR(arns[0], ARN);
    struct rds_proxy_pool p;
    T_EQ_INT(rds_proxy_pool_info(st, ACC, REG, "p1", &p), 0);
    T_EQ_INT(p.available, 0); /* creating */

    /* a rename keeps the ARN; a taken name is refused */
    struct rds_proxy_row r = {0};
    T_EQ_INT(store_rds_proxy_get(&sc, "p1", &r), 0);
    snprintf(r.name, sizeof r.name, "p2");
    r.next_ms = 0;
    T_EQ_INT(store_rds_proxy_update(st, &r), 0);
    store_rds_proxy_clear(&r);
    T_EQ_INT(store_rds_proxy_get(&sc, "p1", &r), 1);
    T_EQ_INT(store_rds_proxy_get_by_arn(st, ARN, &r), 0);
    T_EQ_STR(r.name, "p2");
    T_EQ_INT(r.next_ms, 0);
    store_rds_proxy_clear(&r);
    T_EQ_INT(store_rds_proxy_due(st, ACC, 1000000, arns, 4), 0);

    /* targets: the tracked cluster first; due ones oldest first; cluster deregistration */
    put_target(st, "RDS_INSTANCE", "c1-2", "READ_ONLY", "REGISTERING", 300);
    put_target(st, "RDS_INSTANCE", "c1-1", "READ_WRITE", "REGISTERING", 200);
    put_target(st, "TRACKED_CLUSTER", "c1", "", "REGISTERING", 0);
    struct rds_proxy_target t[RDS_PROXY_MAX_TARGETS];
    T_EQ_INT(store_rds_proxy_target_list(st, ARN, t, RDS_PROXY_MAX_TARGETS), 3);
    T_EQ_STR(t[0].type, "TRACKED_CLUSTER");
    T_EQ_STR(t[1].rds_id, "c1-1");
    T_EQ_STR(t[2].rds_id, "c1-2");
    T_EQ_INT(store_rds_proxy_target_due(st, ACC, 250, t, RDS_PROXY_MAX_TARGETS), 1);
    T_EQ_STR(t[0].rds_id, "c1-1");
    T_EQ_INT(store_rds_proxy_target_recheck(st, ARN, 100), 0);
    T_EQ_INT(store_rds_proxy_target_due(st, ACC, 100, t, RDS_PROXY_MAX_TARGETS), 3);
    T_EQ_INT(store_rds_proxy_target_delete_cluster(st, ARN, "other"), 1);
    T_EQ_INT(store_rds_proxy_target_delete_cluster(st, ARN, "c1"), 0);
    T_EQ_INT(store_rds_proxy_target_list(st, ARN, t, RDS_PROXY_MAX_TARGETS), 0);

    /* the delete cascade takes targets and tags */
    put_target(st, "TRACKED_CLUSTER", "c1", "", "REGISTERING", 0);
    T_EQ_INT(store_rds_proxy_tag(&sc, ARN, "env", "dev"), 0);
    T_EQ_INT(store_rds_proxy_arn_exists(&sc, ARN), 0);
    struct rds_proxy_scope other = {st, ACC, "eu-west-1"};
    T_EQ_INT(store_rds_proxy_arn_exists(&other, ARN), 1);
    T_EQ_INT(store_rds_proxy_delete(st, ARN), 0);
    T_EQ_INT(store_rds_proxy_arn_exists(&sc, ARN), 1);
    T_EQ_INT(store_rds_proxy_target_list(st, ARN, t, RDS_PROXY_MAX_TARGETS), 0);
    int n = -1;
    T_EQ_INT(store_rds_proxy_count(&sc, &n), 0);
    T_EQ_INT(n, 0);
    struct rds_scope rsc = {st, ACC, REG};
    T_EQ_INT(rds_tag_count(&rsc, ARN), 0);
    store_close(st);
}

TEST(engine_rds_proxy_durations)
{
    struct team_timing aws, fast;
    T_EQ_INT(team_timing_preset("aws", &aws), 0);
    T_EQ_INT(team_timing_preset("fast", &fast), 0);
    struct rds_proxy_durations d;
    rds_proxy_durations_of(&aws, &d);
    T_EQ_INT(d.create_s, 180);
    T_EQ_INT(d.modify_s, 30);
    T_EQ_INT(d.delete_s, 60);
    T_EQ_INT(d.endpoint_create_s, 120);
    T_EQ_INT(d.registering_s, 60);
    T_EQ_INT(d.capacity_s, 60);
    T_EQ_INT(d.recheck_s, 30);
    rds_proxy_durations_of(&fast, &d);
    T_EQ_INT(d.create_s, 12);
    T_EQ_INT(d.modify_s, 2);
    T_EQ_INT(d.recheck_s, 2);
    T_EQ_INT(rds_proxy_status_reachable("available"), 1);
    T_EQ_INT(rds_proxy_status_reachable("rebooting"), 0);
    T_EQ_INT(rds_proxy_status_reachable("stopped"), 0);
}
