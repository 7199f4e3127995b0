/*
 * rds.c - Aurora clusters and DB instances on the clock (see rds.h for the durations and the
 * world model's hook).
 *
 * rds_tick asks the store for the clusters and instances whose transition is due (indexed
 * on next_ms) and ends each: the status that follows, the closing events in AWS's words, the
 * writer swap of a failover, and the start of an instance's engine, which applies the static
 * parameters of its groups. To add a transition: set its status and aux in the handler
 * (sim/services/rds.c) and add its ending to end_cluster() or end_instance().
 */
#include "engine/rds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/team.h"
#include "services/rds_int.h"
#include "sim.h"
#include "store/rds.h"

#define AWS_PROVISIONING_S 15
#define DUE_BATCH 64
#define EVENT_KEEP_MS (14LL * 24 * 3600 * 1000)

static rds_down_hook down_hook;
static void *down_arg;

static int scaled(const struct team_timing *t, int aws_s)
{
    int p = t && t->provisioning_s > 0 ? t->provisioning_s : AWS_PROVISIONING_S;
    int64_t v = (int64_t)aws_s * p / AWS_PROVISIONING_S;
    return v < 1 ? 1 : (int)v;
}

void rds_durations_of(const struct team_timing *t, struct rds_durations *d)
{
    d->cluster_create_s = scaled(t, 60);
    d->instance_create_s = scaled(t, 300);
    d->instance_modify_s = scaled(t, 300);
    d->reboot_s = scaled(t, 30);
    d->failover_s = scaled(t, 30);
    d->cluster_modify_s = scaled(t, 30);
    d->stop_s = scaled(t, 120);
    d->start_s = scaled(t, 180);
    d->cluster_delete_s = scaled(t, 60);
    d->instance_delete_s = scaled(t, 120);
}

void rds_set_down_hook(rds_down_hook fn, void *arg)
{
    down_hook = fn;
    down_arg = arg;
}

void rds_engine_down(const struct rds_scope *sc, struct rds_instance *i, const char *reason,
                     int64_t now_ms)
{
    i->restarts++;
    if (down_hook)
        down_hook(down_arg, sc->account, sc->region, i->cluster, i->id, i->writer, reason,
                  now_ms);
}

int rds_engine_start(const struct rds_scope *sc, struct rds_instance *i)
{
    struct rds_cluster cl;
    int rc = rds_cluster_get(sc, i->cluster, &cl);
    if (rc < 0)
        return -1;
    cJSON *applied = rds_boot_params(sc, rc == 0 ? cl.cpg : "", i->pg);
    if (rc == 0)
        rds_cluster_clear(&cl);
    if (applied == NULL)
        return -1;
    cJSON_Delete(i->applied);
    i->applied = applied;
    snprintf(i->pg_status, sizeof i->pg_status, "in-sync");
    snprintf(i->cpg_status, sizeof i->cpg_status, "in-sync");
    return 0;
}

/* Makes the best available reader of cluster (lowest promotion tier, then id) the writer.
 * Returns 0 or -1. */
static int promote_reader(const struct rds_scope *sc, const char *cluster, int64_t now_ms)
{
    struct rds_instance *m = NULL;
    int n = 0, best = -1, best_tier = 99, rc = 0;
    if (rds_instance_list(sc, cluster, &m, &n) != 0)
        return -1;
    for (int k = 0; k < n; k++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(m[k].doc, "PromotionTier");
        int tier = cJSON_IsNumber(t) ? t->valueint : 1;
        if (m[k].writer || strcmp(m[k].status, "deleting") == 0)
            continue;
        if (tier < best_tier) {
            best_tier = tier;
            best = k;
        }
    }
    if (best >= 0) {
        m[best].writer = 1;
        rds_engine_down(sc, &m[best], "failover", now_ms);
        rc = rds_engine_start(sc, &m[best]);
        if (rc == 0)
            rc = rds_instance_put(sc, &m[best]);
        if (rc == 0)
            rc = rds_event(sc, now_ms, "db-cluster", cluster, "cluster", "failover",
                           "Completed failover to DB instance: %s", m[best].id);
    }
    rds_instance_free_list(m, n);
    return rc;
}

static int end_cluster(const struct rds_scope *sc, const char *id, int64_t now_ms)
{
    struct rds_cluster cl;
    int rc = rds_cluster_get(sc, id, &cl);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    char was[32];
    snprintf(was, sizeof was, "%s", cl.status);
    cl.next_ms = 0;
    snprintf(cl.status, sizeof cl.status, "available");
    if (strcmp(was, "creating") == 0) {
        cJSON *sec = cJSON_GetObjectItemCaseSensitive(cl.doc, "MasterUserSecret");
        if (sec)
            cJSON_ReplaceItemInObjectCaseSensitive(sec, "SecretStatus",
                                                   cJSON_CreateString("active"));
        rc = rds_event(sc, now_ms, "db-cluster", id, "cluster", "creation", "DB cluster created");
    } else if (strcmp(was, "failing-over") == 0) {
        struct rds_instance *m = NULL;
        int n = 0;
        rc = rds_instance_list(sc, id, &m, &n);
        for (int k = 0; rc == 0 && k < n; k++) {
            int target = strcmp(m[k].id, cl.aux) == 0;
            if (!m[k].writer && !target)
                continue;
            int old_writer = m[k].writer && !target;
            m[k].writer = target;
            if (old_writer)
                rc = rds_engine_start(sc, &m[k]);
            if (rc == 0)
                rc = rds_instance_put(sc, &m[k]);
        }
        rds_instance_free_list(m, n);
        if (rc == 0)
            rc = rds_event(sc, now_ms, "db-cluster", id, "cluster", "failover",
                           "Completed failover to DB instance: %s", cl.aux);
    } else if (strcmp(was, "stopping") == 0) {
        snprintf(cl.status, sizeof cl.status, "stopped");
        rc = rds_event(sc, now_ms, "db-cluster", id, "cluster", "notification",
                       "DB cluster stopped");
    } else if (strcmp(was, "starting") == 0) {
        rc = rds_event(sc, now_ms, "db-cluster", id, "cluster", "notification",
                       "DB cluster started");
    } else if (strcmp(was, "rebooting") == 0) {
        rc = rds_event(sc, now_ms, "db-cluster", id, "cluster", "notification",
                       "DB cluster restarted");
    } else if (strcmp(was, "deleting") == 0) {
        char arn[256];
        rds_arn(sc, "cluster", id, arn, sizeof arn);
        rc = rds_cluster_delete(sc, id) < 0 || rds_tag_drop(sc, arn) != 0 ? -1 : 0;
        if (rc == 0)
            rc = rds_event(sc, now_ms, "db-cluster", id, "cluster", "deletion",
                           "DB cluster deleted");
        rds_cluster_clear(&cl);
        return rc;
    }
    cl.aux[0] = '\0';
    if (rc == 0)
        rc = rds_cluster_put(sc, &cl);
    rds_cluster_clear(&cl);
    return rc;
}

static int end_instance(const struct rds_scope *sc, const char *id, int64_t now_ms)
{
    struct rds_instance i;
    int rc = rds_instance_get(sc, id, &i);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    i.next_ms = 0;
    const char *aux = i.aux;
    snprintf(i.status, sizeof i.status, "available");
    if (strcmp(aux, "delete") == 0) {
        char arn[256];
        int writer = i.writer;
        rds_arn(sc, "db", id, arn, sizeof arn);
        rc = rds_instance_delete(sc, id) < 0 || rds_tag_drop(sc, arn) != 0 ? -1 : 0;
        if (rc == 0)
            rc = rds_event(sc, now_ms, "db-instance", id, "db", "deletion", "DB instance deleted");
        if (rc == 0 && writer)
            rc = promote_reader(sc, i.cluster, now_ms);
        rds_instance_clear(&i);
        return rc;
    }
    if (strcmp(aux, "stop") == 0) {
        snprintf(i.status, sizeof i.status, "stopped");
    } else {
        rc = rds_engine_start(sc, &i);
        if (rc == 0 && strcmp(aux, "create") == 0)
            rc = rds_event(sc, now_ms, "db-instance", id, "db", "creation",
                           "DB instance created");
        else if (rc == 0 && strcmp(aux, "reboot") == 0)
            rc = rds_event(sc, now_ms, "db-instance", id, "db", "availability",
                           "DB instance restarted");
        else if (rc == 0 && strncmp(aux, "class:", 6) == 0) {
            snprintf(i.klass, sizeof i.klass, "%.31s", aux + 6);
            cJSON *pending = cJSON_GetObjectItemCaseSensitive(i.doc, "PendingModifiedValues");
            cJSON_DeleteItemFromObjectCaseSensitive(pending, "DBInstanceClass");
            rc = rds_event(sc, now_ms, "db-instance", id, "db", "configuration change",
                           "Finished applying modification to DB instance class");
        }
    }
    i.aux[0] = '\0';
    if (rc == 0)
        rc = rds_instance_put(sc, &i);
    rds_instance_clear(&i);
    return rc;
}

int rds_tick(struct tick *t)
{
    struct store *st = t->sim->store;
    const char *account = t->team->account;
    for (int round = 0; round < 8; round++) {
        struct rds_due *due = NULL;
        int n = 0;
        if (rds_due(st, account, t->now_ms, DUE_BATCH, &due, &n) != 0)
            return -1;
        int rc = 0;
        for (int k = 0; k < n && rc == 0; k++) {
            struct rds_scope sc = {st, account, due[k].region};
            rc = due[k].instance ? end_instance(&sc, due[k].id, t->now_ms)
                                 : end_cluster(&sc, due[k].id, t->now_ms);
        }
        free(due);
        if (rc != 0)
            return -1;
        if (n < DUE_BATCH)
            break;
    }
    if ((t->now_ms / 1000) % 3600 == 0)
        return rds_event_prune(st, account, t->now_ms - EVENT_KEEP_MS);
    return 0;
}
