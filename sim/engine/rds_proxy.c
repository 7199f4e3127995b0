/*
 * rds_proxy.c - RDS Proxy on the clock (see rds_proxy.h): ends the proxies' and endpoints'
 * transitions and checks the health of every target whose check is due.
 *
 * Each pass reads at most BATCH due rows of each table (indexed on next_ms), so an idle world
 * costs three index probes per second and a busy one catches up over a few ticks.
 *
 * To add a health rule: extend target_check (the reason and description are TargetHealth's)
 * and document it in rds_proxy.h.
 */
#include "engine/rds_proxy.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine/engine.h"
#include "engine/team.h"
#include "sim.h"
#include "store/iam.h"
#include "store/rds.h"
#include "store/rds_proxy.h"
#include "store/secrets.h"
#include "util/str.h"

#define BATCH 32

#define DESC_NO_CREDENTIALS "Proxy does not have any registered credentials"
#define DESC_CAPACITY "DBProxy Target is waiting for proxy to scale to desired capacity"
#define DESC_UNREACHABLE "DBProxy Target unavailable due to an internal error"

/* The aws value scaled by the team's timing (see the table in rds_proxy.h). */
static int scaled(const struct team_timing *t, int aws_s)
{
    int v = aws_s * t->provisioning_s / 15;
    return v < 1 ? 1 : v;
}

void rds_proxy_durations_of(const struct team_timing *t, struct rds_proxy_durations *d)
{
    d->create_s = scaled(t, 180);
    d->modify_s = scaled(t, 30);
    d->delete_s = scaled(t, 60);
    d->endpoint_create_s = scaled(t, 120);
    d->endpoint_modify_s = scaled(t, 30);
    d->endpoint_delete_s = scaled(t, 60);
    d->registering_s = scaled(t, 60);
    d->capacity_s = scaled(t, 60);
    d->recheck_s = scaled(t, 30);
}

int rds_proxy_status_reachable(const char *status)
{
    return strcmp(status, "available") == 0 || strcmp(status, "modifying") == 0 ||
           strcmp(status, "backing-up") == 0 || strcmp(status, "configuring-log-exports") == 0;
}

int rds_proxy_members(const struct rds_scope *sc, const char *cluster_id,
                      struct rds_proxy_member *out, int max)
{
    struct rds_instance *v = NULL;
    int n = 0;
    if (rds_instance_list(sc, cluster_id, &v, &n) != 0)
        return -1;
    char hash[13];
    rds_endpoint_hash(sc->account, sc->region, hash);
    int count = 0;
    /* the writer first, then the readers by identifier */
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n && count < max; i++) {
            if ((pass == 0) != (v[i].writer != 0))
                continue;
            struct rds_proxy_member *m = &out[count++];
            memset(m, 0, sizeof *m);
            str_copy(m->id, sizeof m->id, v[i].id);
            rds_arn(sc, "db", v[i].id, m->arn, sizeof m->arn);
            str_copy(m->status, sizeof m->status, v[i].status);
            m->is_writer = v[i].writer != 0;
            const cJSON *ep = cJSON_GetObjectItemCaseSensitive(v[i].doc, "Endpoint");
            const char *addr = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ep,
                                                                                     "Address"));
            const cJSON *port = cJSON_GetObjectItemCaseSensitive(ep, "Port");
            if (addr)
                str_copy(m->endpoint, sizeof m->endpoint, addr);
            else
                snprintf(m->endpoint, sizeof m->endpoint, "%s.%s.%s.rds.amazonaws.com",
                         v[i].id, hash, sc->region);
            m->port = cJSON_IsNumber(port) ? port->valueint : 5432;
        }
    }
    rds_instance_free_list(v, n);
    return count;
}

/* ---- proxies and endpoints ------------------------------------------------------------------ */

/* Ends the transition of the proxy with this ARN. Returns 0 or -1. */
static int proxy_due(struct tick *t, const char *arn)
{
    struct store *st = t->sim->store;
    struct rds_proxy_row r = {0};
    int rc = store_rds_proxy_get_by_arn(st, arn, &r);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (strcmp(r.status, "deleting") == 0) {
        rc = store_rds_proxy_delete(st, arn);
    } else {
        snprintf(r.status, sizeof r.status, "available");
        r.next_ms = 0;
        r.updated_ms = t->now_ms;
        rc = store_rds_proxy_update(st, &r) == 0 ? 0 : -1;
    }
    store_rds_proxy_clear(&r);
    return rc;
}

static int endpoint_due(struct tick *t, const char *arn)
{
    struct store *st = t->sim->store;
    struct rds_proxy_endpoint e = {0};
    int rc = store_rds_proxy_endpoint_get_by_arn(st, arn, &e);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (strcmp(e.status, "deleting") == 0) {
        rc = store_rds_proxy_endpoint_delete(st, t->team->account, arn);
    } else {
        snprintf(e.status, sizeof e.status, "available");
        e.next_ms = 0;
        rc = store_rds_proxy_endpoint_update(st, t->team->account, &e) == 0 ? 0 : -1;
    }
    store_rds_proxy_endpoint_clear(&e);
    return rc;
}

/* ---- targets ------------------------------------------------------------------------------ */

/*
 * Returns 1 when the proxy (config: its DescribeDBProxies settings) can read its credentials:
 * its role exists and trusts rds.amazonaws.com, and one Auth secret is readable and holds a
 * username and password (or default IAM authentication needs none); 0 when not; -1 on a
 * store error.
 */
static int credentials_ok(struct store *st, const char *account, const char *region,
                          const cJSON *config)
{
    const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(config, "RoleArn"));
    struct iam_role_info ri;
    int rc = iam_role_find(st, account, role ? role : "", &ri);
    if (rc < 0)
        return -1;
    if (rc == 1 || !ri.trusts_rds)
        return 0;
    const cJSON *auth = cJSON_GetObjectItemCaseSensitive(config, "Auth");
    const char *dflt = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(config, "DefaultAuthScheme"));
    if (cJSON_GetArraySize(auth) == 0)
        return dflt && strcmp(dflt, "IAM_AUTH") == 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, auth)
    {
        const char *arn = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "SecretArn"));
        struct secret_info si;
        rc = secrets_find(st, account, region, arn ? arn : "", &si);
        if (rc < 0)
            return -1;
        if (rc == 0 && !si.deleted && si.has_user_pass)
            return 1;
    }
    return 0;
}

static void set_health(struct rds_proxy_target *t, const char *state, const char *reason,
                       const char *desc)
{
    str_copy(t->state, sizeof t->state, state);
    str_copy(t->reason, sizeof t->reason, reason);
    str_copy(t->description, sizeof t->description, desc);
}

/* Follows the membership of the tracked cluster of target tc: registers new members, drops
 * departed ones, moves the roles after a failover. Returns 0 or -1. */
static int track_cluster(struct tick *tk, const struct rds_proxy_scope *sc,
                         struct rds_proxy_target *tc, const struct rds_proxy_durations *d)
{
    struct rds_scope rsc = {sc->st, sc->account, sc->region};
    struct rds_proxy_member m[RDS_PROXY_MAX_MEMBERS];
    int nm = rds_proxy_members(&rsc, tc->rds_id, m, RDS_PROXY_MAX_MEMBERS);
    if (nm < 0)
        return -1;
    struct rds_proxy_target cur[RDS_PROXY_MAX_TARGETS];
    int n = store_rds_proxy_target_list(sc->st, tc->proxy_arn, cur, RDS_PROXY_MAX_TARGETS);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(cur[i].type, "RDS_INSTANCE") != 0 || strcmp(cur[i].cluster_id, tc->rds_id))
            continue;
        int found = -1;
        for (int k = 0; k < nm; k++)
            if (strcmp(m[k].id, cur[i].rds_id) == 0)
                found = k;
        if (found < 0) {
            if (store_rds_proxy_target_delete(sc->st, tc->proxy_arn, "RDS_INSTANCE",
                                              cur[i].rds_id) < 0)
                return -1;
            continue;
        }
        const char *role = m[found].is_writer ? "READ_WRITE" : "READ_ONLY";
        if (strcmp(cur[i].role, role) != 0) {
            str_copy(cur[i].role, sizeof cur[i].role, role);
            if (store_rds_proxy_target_put(sc, &cur[i]) != 0)
                return -1;
        }
    }
    for (int k = 0; k < nm; k++) {
        int known = 0;
        for (int i = 0; i < n; i++)
            known |= strcmp(cur[i].type, "RDS_INSTANCE") == 0 &&
                      strcmp(cur[i].rds_id, m[k].id) == 0;
        if (known)
            continue;
        struct rds_proxy_target it = {0};
        str_copy(it.proxy_arn, sizeof it.proxy_arn, tc->proxy_arn);
        snprintf(it.type, sizeof it.type, "RDS_INSTANCE");
        str_copy(it.rds_id, sizeof it.rds_id, m[k].id);
        str_copy(it.cluster_id, sizeof it.cluster_id, tc->rds_id);
        str_copy(it.target_arn, sizeof it.target_arn, m[k].arn);
        str_copy(it.endpoint, sizeof it.endpoint, m[k].endpoint);
        it.port = m[k].port;
        str_copy(it.role, sizeof it.role, m[k].is_writer ? "READ_WRITE" : "READ_ONLY");
        set_health(&it, "REGISTERING", "", "");
        it.registered_ms = tk->now_ms;
        it.next_ms = tk->now_ms + (int64_t)d->registering_s * 1000;
        if (store_rds_proxy_target_put(sc, &it) != 0)
            return -1;
    }
    tc->next_ms = tk->now_ms + (int64_t)d->recheck_s * 1000;
    return store_rds_proxy_target_put(sc, tc);
}

/* Checks one due target t. Returns 0 or -1. */
static int target_check(struct tick *tk, struct rds_proxy_target *t,
                        const struct rds_proxy_durations *d)
{
    struct store *st = tk->sim->store;
    struct rds_proxy_scope sc = {st, tk->team->account, t->region};
    if (strcmp(t->type, "TRACKED_CLUSTER") == 0)
        return track_cluster(tk, &sc, t, d);
    struct rds_proxy_row r = {0};
    int rc = store_rds_proxy_get_by_arn(st, t->proxy_arn, &r);
    if (rc < 0)
        return -1;
    if (rc == 1) /* its proxy is gone (never left behind by a delete, but never due again) */
        return store_rds_proxy_target_delete(st, t->proxy_arn, t->type, t->rds_id) < 0 ? -1 : 0;
    cJSON *config = cJSON_Parse(r.config);
    int creds = credentials_ok(st, tk->team->account, t->region, config);
    cJSON_Delete(config);
    store_rds_proxy_clear(&r);
    if (creds < 0)
        return -1;
    struct rds_scope rsc = {st, tk->team->account, t->region};
    struct rds_instance inst;
    rc = rds_instance_get(&rsc, t->rds_id, &inst);
    if (rc < 0)
        return -1;
    int reachable = rc == 0 && rds_proxy_status_reachable(inst.status);
    if (rc == 0)
        rds_instance_clear(&inst);
    int64_t next = tk->now_ms + (int64_t)d->recheck_s * 1000;
    if (!creds) {
        set_health(t, "UNAVAILABLE", "AUTH_FAILURE", DESC_NO_CREDENTIALS);
    } else if (strcmp(t->state, "REGISTERING") == 0 ||
               (strcmp(t->state, "UNAVAILABLE") == 0 && strcmp(t->reason, "AUTH_FAILURE") == 0)) {
        /* the proxy scales up for a new target before it serves it */
        set_health(t, "UNAVAILABLE", "PENDING_PROXY_CAPACITY", DESC_CAPACITY);
        next = tk->now_ms + (int64_t)d->capacity_s * 1000;
    } else if (!reachable) {
        set_health(t, "UNAVAILABLE", "UNREACHABLE", DESC_UNREACHABLE);
    } else {
        set_health(t, "AVAILABLE", "", "");
    }
    t->next_ms = next;
    return store_rds_proxy_target_put(&sc, t);
}

int rds_proxy_tick(struct tick *t)
{
    struct store *st = t->sim->store;
    const char *account = t->team->account;
    char arns[BATCH][160];
    int n = store_rds_proxy_due(st, account, t->now_ms, arns, BATCH);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (proxy_due(t, arns[i]) != 0)
            return -1;
    n = store_rds_proxy_endpoint_due(st, account, t->now_ms, arns, BATCH);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (endpoint_due(t, arns[i]) != 0)
            return -1;
    struct rds_proxy_target due[BATCH];
    n = store_rds_proxy_target_due(st, account, t->now_ms, due, BATCH);
    if (n < 0)
        return -1;
    struct rds_proxy_durations d;
    rds_proxy_durations_of(&t->team->timing, &d);
    for (int i = 0; i < n; i++)
        if (target_check(t, &due[i], &d) != 0)
            return -1;
    return 0;
}
