/*
 * rds_params.c - RDS parameter groups (DB cluster parameter groups and DB parameter groups),
 * the simulated parameter catalogue, and DescribeDBEngineVersions.
 *
 * The catalogue is a faithful subset of Aurora PostgreSQL's parameters, with the metadata
 * describe-db-parameters shows for them. A group stores only the values a user set
 * (rds_params rows); every other parameter has its engine default. Default groups
 * ("default.aurora-postgresql16", one per family and kind) are rows made on first use and
 * cannot be modified or deleted.
 *
 * Static parameters take effect when an instance's engine (re)starts: a change through
 * Modify/Reset puts every instance using the group in ParameterApplyStatus (or, for a
 * cluster group, DBClusterParameterGroupStatus) pending-reboot; sim/engine/rds.c applies the
 * values at the next start (rds_boot_params). Dynamic parameters apply at once.
 *
 * To add a parameter: add a row to params[] (keep the AWS metadata). To add an engine
 * version: add it to versions[] (its family must be one of the families below).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/params.h"
#include "services/rds_int.h"
#include "services/service.h"
#include "sim.h"
#include "store/rds.h"

#define MAX_MODIFY 20

/* ---- the catalogue ------------------------------------------------------------------------ */

#define BOTH (RDS_LEVEL_DB | RDS_LEVEL_CLUSTER)

/* Sorted by name (DescribeDB*Parameters pages by name). value NULL: the listing shows no
 * ParameterValue (the engine's built-in default). */
static const struct rds_param_spec params[] = {
    {"autovacuum", NULL, "Starts the autovacuum subprocess.", "engine-default", "dynamic",
     "boolean", "0,1", 1, BOTH},
    {"autovacuum_max_workers", "GREATEST({DBInstanceClassMemory/64371566592},3)",
     "Sets the maximum number of simultaneously running autovacuum worker processes.",
     "system", "static", "integer", "1-262143", 1, BOTH},
    {"autovacuum_naptime", "5", "(s) Time to sleep between autovacuum runs.", "system",
     "dynamic", "integer", "1-2147483", 1, BOTH},
    {"deadlock_timeout", NULL,
     "(ms) Sets the time to wait on a lock before checking for deadlock.", "engine-default",
     "dynamic", "integer", "1-2147483647", 1, BOTH},
    {"default_transaction_isolation", NULL,
     "Sets the transaction isolation level of each new transaction.", "engine-default",
     "dynamic", "string", "serializable,repeatable read,read committed,read uncommitted", 1,
     BOTH},
    {"effective_cache_size", "SUM({DBInstanceClassMemory/12038},-50003)",
     "(8kB) Sets the planner's assumption about the size of the disk cache.", "system",
     "dynamic", "integer", "1-2147483647", 1, BOTH},
    {"idle_in_transaction_session_timeout", NULL,
     "Sets the maximum allowed duration of any idling transaction.", "engine-default",
     "dynamic", "integer", "0-2147483647", 1, BOTH},
    {"lock_timeout", NULL, "(ms) Sets the maximum allowed duration of any wait for a lock.",
     "engine-default", "dynamic", "integer", "0-2147483647", 1, BOTH},
    {"log_connections", NULL, "Logs each successful connection.", "engine-default", "dynamic",
     "boolean", "0,1", 1, BOTH},
    {"log_disconnections", NULL, "Logs end of a session, including duration.",
     "engine-default", "dynamic", "boolean", "0,1", 1, BOTH},
    {"log_lock_waits", NULL, "Logs long lock waits.", "engine-default", "dynamic", "boolean",
     "0,1", 1, BOTH},
    {"log_min_duration_statement", NULL,
     "(ms) Sets the minimum execution time above which statements will be logged.",
     "engine-default", "dynamic", "integer", "-1-2147483647", 1, BOTH},
    {"log_statement", NULL, "Sets the type of statements logged.", "engine-default", "dynamic",
     "string", "none,ddl,mod,all", 1, BOTH},
    {"maintenance_work_mem", "GREATEST({DBInstanceClassMemory*1024/63963136},65536)",
     "(kB) Sets the maximum memory to be used for maintenance operations.", "system",
     "dynamic", "integer", "1024-2147483647", 1, BOTH},
    {"max_connections", "LEAST({DBInstanceClassMemory/9531392},5000)",
     "Sets the maximum number of concurrent connections.", "system", "static", "integer",
     "6-8388607", 1, BOTH},
    {"max_locks_per_transaction", NULL,
     "Sets the maximum number of locks per transaction.", "engine-default", "static",
     "integer", "10-2147483647", 1, BOTH},
    {"max_parallel_workers", NULL,
     "Sets the maximum number of parallel workers that can be active at one time.",
     "engine-default", "dynamic", "integer", "0-1024", 1, BOTH},
    {"max_prepared_transactions", NULL,
     "Sets the maximum number of simultaneously prepared transactions.", "engine-default",
     "static", "integer", "0-262143", 1, BOTH},
    {"max_worker_processes", "GREATEST(${DBInstanceVCPU*2},8)",
     "Sets the maximum number of concurrent worker processes.", "system", "static", "integer",
     "8-262143", 1, BOTH},
    {"rds.force_ssl", NULL, "Force SSL connections.", "system", "dynamic", "boolean", "0,1", 1,
     BOTH},
    {"rds.logical_replication", NULL, "Enables logical decoding.", "engine-default", "static",
     "boolean", "0,1", 1, RDS_LEVEL_CLUSTER},
    {"shared_buffers", "SUM({DBInstanceClassMemory/12038},-50003)",
     "(8kB) Sets the number of shared memory buffers used by the server.", "system", "static",
     "integer", "16-1073741823", 1, BOTH},
    {"statement_timeout", NULL, "(ms) Sets the maximum allowed duration of any statement.",
     "engine-default", "dynamic", "integer", "0-2147483647", 1, BOTH},
    {"tcp_keepalives_idle", NULL,
     "(s) Time between issuing TCP keepalives.", "engine-default", "dynamic", "integer",
     "0-2147483647", 1, BOTH},
    {"track_activity_query_size", "4096",
     "Sets the size reserved for pg_stat_activity.current_query, in bytes.", "system",
     "static", "integer", "100-1048576", 1, BOTH},
    {"work_mem", NULL,
     "(kB) Sets the maximum memory to be used for query workspaces.", "engine-default",
     "dynamic", "integer", "64-2147483647", 1, BOTH},
};

#define NPARAMS (sizeof params / sizeof params[0])

const struct rds_param_spec *rds_param_catalogue(size_t *n)
{
    *n = NPARAMS;
    return params;
}

const struct rds_param_spec *rds_param_spec(const char *name)
{
    for (size_t k = 0; name && k < NPARAMS; k++) {
        if (strcmp(params[k].name, name) == 0)
            return &params[k];
    }
    return NULL;
}

/* The engine default of spec in family (NULL when the listing shows no value):
 * rds.force_ssl is 1 from PostgreSQL 15 on, 0 before. */
static const char *spec_default(const struct rds_param_spec *p, const char *family)
{
    if (strcmp(p->name, "rds.force_ssl") == 0)
        return atoi(family + strlen(RDS_ENGINE)) >= 15 ? "1" : "0";
    return p->value;
}

static const struct {
    const char *version;
    int dflt;
} versions[] = {
    {"13.12", 0}, {"13.15", 0}, {"13.18", 0}, {"14.10", 0}, {"14.13", 0}, {"14.15", 0},
    {"15.5", 0},  {"15.8", 0},  {"15.10", 0}, {"16.2", 0},  {"16.4", 0},  {"16.6", 1},
};

#define NVERSIONS (sizeof versions / sizeof versions[0])

int rds_version_known(const char *version)
{
    for (size_t k = 0; version && k < NVERSIONS; k++) {
        if (strcmp(versions[k].version, version) == 0)
            return 1;
    }
    return 0;
}

const char *rds_default_version(void)
{
    for (size_t k = 0; k < NVERSIONS; k++) {
        if (versions[k].dflt)
            return versions[k].version;
    }
    return versions[NVERSIONS - 1].version;
}

void rds_family_of(const char *version, char *out, size_t n)
{
    snprintf(out, n, "%s%d", RDS_ENGINE, version ? atoi(version) : 0);
}

int rds_family_known(const char *family)
{
    static const char *const families[] = {"aurora-postgresql13", "aurora-postgresql14",
                                           "aurora-postgresql15", "aurora-postgresql16", NULL};
    for (int k = 0; family && families[k]; k++) {
        if (strcmp(families[k], family) == 0)
            return 1;
    }
    return 0;
}

int rds_ensure_default_pg(const struct rds_scope *sc, const char *kind, const char *family,
                          int64_t now_ms)
{
    struct rds_pg g;
    memset(&g, 0, sizeof g);
    snprintf(g.name, sizeof g.name, "default.%s", family);
    snprintf(g.family, sizeof g.family, "%s", family);
    snprintf(g.description, sizeof g.description, "Default %sparameter group for %s",
             strcmp(kind, RDS_PG_CLUSTER) == 0 ? "cluster " : "", family);
    g.created_ms = now_ms;
    return rds_pg_insert(sc, kind, &g) < 0 ? -1 : 0;
}

cJSON *rds_boot_params(const struct rds_scope *sc, const char *cpg, const char *pg)
{
    cJSON *cv = rds_params_of(sc, RDS_PG_CLUSTER, cpg);
    cJSON *iv = rds_params_of(sc, RDS_PG_DB, pg);
    cJSON *out = NULL;
    if (cv == NULL || iv == NULL)
        goto out;
    out = cJSON_CreateObject();
    for (size_t k = 0; k < NPARAMS; k++) {
        if (strcmp(params[k].apply_type, "static") != 0)
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(iv, params[k].name);
        if (v == NULL)
            v = cJSON_GetObjectItemCaseSensitive(cv, params[k].name);
        const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "value"));
        if (s)
            cJSON_AddStringToObject(out, params[k].name, s);
    }
out:
    cJSON_Delete(cv);
    cJSON_Delete(iv);
    return out;
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* What differs between the two kinds of group. */
struct kind {
    const char *kind;     /* RDS_PG_CLUSTER | RDS_PG_DB */
    const char *member;   /* the name member: DBClusterParameterGroupName */
    const char *object;   /* the reply object: DBClusterParameterGroup */
    const char *list;     /* the reply list: DBClusterParameterGroups */
    const char *arn_type; /* cluster-pg | pg */
    const char *arn_key;  /* DBClusterParameterGroupArn */
    const char *source;   /* event SourceType */
    int level;
};

static const struct kind cluster_kind = {
    RDS_PG_CLUSTER, "DBClusterParameterGroupName", "DBClusterParameterGroup",
    "DBClusterParameterGroups", "cluster-pg", "DBClusterParameterGroupArn",
    "db-cluster-parameter-group", RDS_LEVEL_CLUSTER,
};

static const struct kind db_kind = {
    RDS_PG_DB, "DBParameterGroupName", "DBParameterGroup", "DBParameterGroups", "pg",
    "DBParameterGroupArn", "db-parameter-group", RDS_LEVEL_DB,
};

static int not_found(struct call *c, const struct kind *k, const char *name)
{
    if (k->level == RDS_LEVEL_CLUSTER)
        return call_error(c, "DBClusterParameterGroupNotFound",
                          "DBClusterParameterGroup not found: %s", name);
    return call_error(c, "DBParameterGroupNotFound", "DBParameterGroup not found: %s", name);
}

static int ensure_all_defaults(const struct rds_scope *sc, const struct kind *k, int64_t now_ms)
{
    for (int v = 13; v <= 16; v++) {
        char family[64];
        snprintf(family, sizeof family, "%s%d", RDS_ENGINE, v);
        if (rds_ensure_default_pg(sc, k->kind, family, now_ms) != 0)
            return -1;
    }
    return 0;
}

/* Loads the group named by k->member (name or ARN, lower-cased). SIM_OK or SIM_ERROR. */
static int load_group(struct call *c, const struct rds_scope *sc, const struct kind *k,
                      struct rds_pg *out)
{
    const char *given = param_str(c->in, k->member);
    const char *name = rds_arn_name(sc, k->arn_type, given);
    char lname[256];
    if (name == NULL || *name == '\0' || strlen(name) >= sizeof lname)
        return not_found(c, k, given ? given : "");
    size_t i;
    for (i = 0; name[i]; i++)
        lname[i] = (char)tolower((unsigned char)name[i]);
    lname[i] = '\0';
    if (ensure_all_defaults(sc, k, c->now_ms) != 0)
        return rds_store_failed(c);
    int rc = rds_pg_get(sc, k->kind, lname, out);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 1)
        return not_found(c, k, given);
    return SIM_OK;
}

static cJSON *render_group(const struct rds_scope *sc, const struct kind *k,
                           const struct rds_pg *g)
{
    char arn[320];
    rds_arn(sc, k->arn_type, g->name, arn, sizeof arn);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, k->member, g->name);
    cJSON_AddStringToObject(o, "DBParameterGroupFamily", g->family);
    cJSON_AddStringToObject(o, "Description", g->description);
    cJSON_AddStringToObject(o, k->arn_key, arn);
    return o;
}

/* ---- create / describe / delete groups -------------------------------------------------- */

static int create_group(struct call *c, const struct kind *k)
{
    struct rds_scope sc = rds_scope_of(c);
    const char *name = param_str(c->in, k->member);
    const char *family = param_str(c->in, "DBParameterGroupFamily");
    const char *desc = param_str(c->in, "Description");
    struct rds_pg g;
    memset(&g, 0, sizeof g);
    size_t len = strlen(name);
    int ok = len > 0 && len < 256 && isalpha((unsigned char)name[0]) && name[len - 1] != '-';
    for (size_t i = 0; ok && i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        ok = (isalnum(ch) || ch == '-') && !(ch == '-' && name[i + 1] == '-');
        g.name[i] = (char)tolower(ch);
    }
    if (!ok)
        return call_error(c, "InvalidParameterValue",
                          "The parameter %s is not a valid identifier. Identifiers must begin "
                          "with a letter; must contain only ASCII letters, digits, and hyphens; "
                          "and must not end with a hyphen or contain two consecutive hyphens.",
                          k->member);
    if (!rds_family_known(family))
        return call_error(c, "InvalidParameterValue",
                          "ParameterGroupFamily %s is not a valid parameter group family.",
                          family);
    snprintf(g.family, sizeof g.family, "%s", family);
    snprintf(g.description, sizeof g.description, "%s", desc);
    g.created_ms = c->now_ms;
    if (ensure_all_defaults(&sc, k, c->now_ms) != 0)
        return rds_store_failed(c);
    int rc = rds_pg_insert(&sc, k->kind, &g);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 1)
        return call_error(c, "DBParameterGroupAlreadyExists", "Parameter group %s already exists",
                          g.name);
    char arn[320];
    rds_arn(&sc, k->arn_type, g.name, arn, sizeof arn);
    if (rds_apply_tags(c, &sc, arn, param(c->in, "Tags")) != SIM_OK)
        return SIM_ERROR;
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, k->object, render_group(&sc, k, &g));
    return SIM_OK;
}

static int describe_groups(struct call *c, const struct kind *k)
{
    struct rds_scope sc = rds_scope_of(c);
    int max;
    if (rds_max_records(c, &max) != SIM_OK)
        return SIM_ERROR;
    if (param_str(c->in, k->member)) {
        struct rds_pg g;
        if (load_group(c, &sc, k, &g) != SIM_OK)
            return SIM_ERROR;
        c->out = cJSON_CreateObject();
        cJSON_AddItemToArray(cJSON_AddArrayToObject(c->out, k->list),
                             render_group(&sc, k, &g));
        return SIM_OK;
    }
    if (ensure_all_defaults(&sc, k, c->now_ms) != 0)
        return rds_store_failed(c);
    struct rds_pg *v = NULL;
    int n = 0, count = 0;
    if (rds_pg_list(&sc, k->kind, &v, &n) != 0)
        return rds_store_failed(c);
    const char *marker = param_str(c->in, "Marker");
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, k->list);
    for (int i = 0; i < n; i++) {
        if (marker && strcmp(v[i].name, marker) < 0)
            continue;
        if (count == max) {
            cJSON_AddStringToObject(c->out, "Marker", v[i].name);
            break;
        }
        cJSON_AddItemToArray(list, render_group(&sc, k, &v[i]));
        count++;
    }
    free(v);
    return SIM_OK;
}

static int delete_group(struct call *c, const struct kind *k)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_pg g;
    if (load_group(c, &sc, k, &g) != SIM_OK)
        return SIM_ERROR;
    if (strncmp(g.name, "default.", 8) == 0)
        return call_error(c, "InvalidDBParameterGroupState",
                          "Default parameter group cannot be deleted: %s", g.name);
    int users = rds_pg_users(&sc, k->kind, g.name);
    if (users < 0)
        return rds_store_failed(c);
    if (users > 0)
        return call_error(c, "InvalidDBParameterGroupState",
                          k->level == RDS_LEVEL_DB
                              ? "One or more database instances are still members of this "
                                "parameter group %s, so the group cannot be deleted"
                              : "One or more DB clusters are still members of this parameter "
                                "group %s, so the group cannot be deleted",
                          g.name);
    char arn[320];
    rds_arn(&sc, k->arn_type, g.name, arn, sizeof arn);
    if (rds_pg_delete(&sc, k->kind, g.name) < 0 || rds_tag_drop(&sc, arn) != 0)
        return rds_store_failed(c);
    return SIM_OK;
}

/* ---- parameters --------------------------------------------------------------------------- */

static int value_ok(const struct rds_param_spec *p, const char *v)
{
    if (strcmp(p->data_type, "boolean") == 0)
        return strcmp(v, "0") == 0 || strcmp(v, "1") == 0;
    if (strcmp(p->data_type, "string") == 0 && strchr(p->allowed, ',')) {
        /* one of the comma-separated allowed values */
        size_t len = strlen(v);
        for (const char *a = p->allowed; *a;) {
            const char *comma = strchr(a, ',');
            size_t alen = comma ? (size_t)(comma - a) : strlen(a);
            if (alen == len && strncmp(a, v, len) == 0)
                return 1;
            if (comma == NULL)
                break;
            a = comma + 1;
        }
        return 0;
    }
    if (strcmp(p->data_type, "integer") != 0)
        return 1;
    if (v[0] == '{' || strncmp(v, "LEAST(", 6) == 0 || strncmp(v, "SUM(", 4) == 0 ||
        strncmp(v, "GREATEST(", 9) == 0)
        return 1; /* a formula */
    char *end;
    long long x = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0')
        return 0;
    const char *dash = strchr(p->allowed + 1, '-');
    long long lo = strtoll(p->allowed, NULL, 10);
    long long hi = dash ? strtoll(dash + 1, NULL, 10) : lo;
    return x >= lo && x <= hi;
}

/* Marks the instances (kind db) or the members of the clusters (kind cluster) using group
 * pending-reboot. Returns 0 or -1. */
static int mark_pending(const struct rds_scope *sc, const struct kind *k, const char *group)
{
    struct rds_instance *m = NULL;
    int n = 0, rc = 0;
    if (rds_instance_list(sc, NULL, &m, &n) != 0)
        return -1;
    for (int i = 0; i < n && rc == 0; i++) {
        if (k->level == RDS_LEVEL_DB) {
            if (strcmp(m[i].pg, group) != 0)
                continue;
            snprintf(m[i].pg_status, sizeof m[i].pg_status, "pending-reboot");
        } else {
            struct rds_cluster cl;
            int found = rds_cluster_get(sc, m[i].cluster, &cl);
            if (found < 0) {
                rc = -1;
                break;
            }
            int uses = found == 0 && strcmp(cl.cpg, group) == 0;
            if (found == 0)
                rds_cluster_clear(&cl);
            if (!uses)
                continue;
            snprintf(m[i].cpg_status, sizeof m[i].cpg_status, "pending-reboot");
        }
        rc = rds_instance_put(sc, &m[i]);
    }
    rds_instance_free_list(m, n);
    return rc;
}

static int modify_group(struct call *c, const struct kind *k, int reset)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_pg g;
    if (load_group(c, &sc, k, &g) != SIM_OK)
        return SIM_ERROR;
    if (strncmp(g.name, "default.", 8) == 0)
        return call_error(c, "InvalidParameterValue", "Cannot modify a default parameter group.");
    const cJSON *list = param(c->in, "Parameters");
    int all = reset && param_bool(c->in, "ResetAllParameters", 0);
    int np = cJSON_GetArraySize(list);
    if (!reset && np == 0)
        return call_error(c, "InvalidParameterValue",
                          "The parameter Parameters must be provided and must not be blank.");
    if (reset && all && np > 0)
        return call_error(c, "InvalidParameterCombination",
                          "Cannot specify both ResetAllParameters and Parameters");
    if (reset && !all && np == 0)
        return call_error(c, "InvalidParameterCombination",
                          "Either ResetAllParameters or Parameters must be specified");
    if (np > MAX_MODIFY)
        return call_error(c, "InvalidParameterValue",
                          "The maximum number of parameters that can be modified in one "
                          "request is %d.", MAX_MODIFY);
    /* check everything first: nothing changes on an error */
    const cJSON *p;
    cJSON_ArrayForEach(p, list) {
        const char *name = param_str(p, "ParameterName");
        const char *value = param_str(p, "ParameterValue");
        const char *method = param_str(p, "ApplyMethod");
        const struct rds_param_spec *s = rds_param_spec(name);
        if (name == NULL)
            return call_error(c, "InvalidParameterValue",
                              "The parameter ParameterName must be provided and must not be "
                              "blank.");
        if (s == NULL || !(s->levels & k->level))
            return call_error(c, "InvalidParameterValue",
                              "Could not find parameter with name: %s", name);
        if (!s->modifiable)
            return call_error(c, "InvalidParameterValue", "The parameter %s cannot be modified.",
                              name);
        if (method == NULL)
            return call_error(c, "InvalidParameterValue",
                              "The parameter ApplyMethod must be provided and must not be "
                              "blank.");
        if (strcmp(method, "immediate") == 0 && strcmp(s->apply_type, "static") == 0)
            return call_error(c, "InvalidParameterCombination",
                              "cannot use immediate apply method for static parameter");
        if (!reset && value == NULL)
            return call_error(c, "InvalidParameterValue",
                              "The parameter ParameterValue must be provided and must not be "
                              "blank.");
        if (!reset && !value_ok(s, value))
            return call_error(c, "InvalidParameterValue",
                              "Invalid parameter value: %s for: %s allowed values are: %s",
                              value, name, s->allowed);
    }
    int pending = 0;
    if (all) {
        cJSON *cur = rds_params_of(&sc, k->kind, g.name);
        if (cur == NULL)
            return rds_store_failed(c);
        const cJSON *e;
        cJSON_ArrayForEach(e, cur) {
            const struct rds_param_spec *s = rds_param_spec(e->string);
            pending |= s && strcmp(s->apply_type, "static") == 0;
            if (rds_param_unset(&sc, k->kind, g.name, e->string) != 0) {
                cJSON_Delete(cur);
                return rds_store_failed(c);
            }
        }
        cJSON_Delete(cur);
    }
    cJSON_ArrayForEach(p, list) {
        const char *name = param_str(p, "ParameterName");
        const char *value = param_str(p, "ParameterValue");
        const char *method = param_str(p, "ApplyMethod");
        const struct rds_param_spec *s = rds_param_spec(name);
        int rc = reset ? rds_param_unset(&sc, k->kind, g.name, name)
                       : rds_param_set(&sc, k->kind, g.name, name, value, method);
        if (rc != 0)
            return rds_store_failed(c);
        pending |= strcmp(method, "pending-reboot") == 0 || strcmp(s->apply_type, "static") == 0;
        if (!reset &&
            rds_event(&sc, c->now_ms, k->source, g.name, k->arn_type, "configuration change",
                      "Updated parameter %s to %s with apply method %s", name, value,
                      method) != 0)
            return rds_store_failed(c);
    }
    if (pending && mark_pending(&sc, k, g.name) != 0)
        return rds_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, k->member, g.name);
    return SIM_OK;
}

static cJSON *render_param(const struct rds_param_spec *s, const char *family,
                           const cJSON *user)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ParameterName", s->name);
    const char *v = user ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "value"))
                         : spec_default(s, family);
    if (v)
        cJSON_AddStringToObject(o, "ParameterValue", v);
    cJSON_AddStringToObject(o, "Description", s->description);
    cJSON_AddStringToObject(o, "Source", user ? "user" : s->source);
    cJSON_AddStringToObject(o, "ApplyType", s->apply_type);
    cJSON_AddStringToObject(o, "DataType", s->data_type);
    cJSON_AddStringToObject(o, "AllowedValues", s->allowed);
    cJSON_AddBoolToObject(o, "IsModifiable", s->modifiable);
    const char *m = user ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "method"))
                         : "pending-reboot";
    cJSON_AddStringToObject(o, "ApplyMethod", m ? m : "pending-reboot");
    cJSON *modes = cJSON_AddArrayToObject(o, "SupportedEngineModes");
    cJSON_AddItemToArray(modes, cJSON_CreateString("provisioned"));
    return o;
}

static int describe_params(struct call *c, const struct kind *k)
{
    struct rds_scope sc = rds_scope_of(c);
    int max;
    if (rds_max_records(c, &max) != SIM_OK)
        return SIM_ERROR;
    struct rds_pg g;
    if (load_group(c, &sc, k, &g) != SIM_OK)
        return SIM_ERROR;
    const char *source = param_str(c->in, "Source");
    if (source && strcmp(source, "user") && strcmp(source, "system") &&
        strcmp(source, "engine-default"))
        return call_error(c, "InvalidParameterValue",
                          "Invalid source %s. Valid values are: user, system, engine-default.",
                          source);
    const char *marker = param_str(c->in, "Marker");
    cJSON *user = rds_params_of(&sc, k->kind, g.name);
    if (user == NULL)
        return rds_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "Parameters");
    int count = 0;
    for (size_t i = 0; i < NPARAMS; i++) {
        const struct rds_param_spec *s = &params[i];
        if (!(s->levels & k->level) || (marker && strcmp(s->name, marker) < 0))
            continue;
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(user, s->name);
        const char *src = u ? "user" : s->source;
        if (source && strcmp(source, src) != 0)
            continue;
        if (count == max) {
            cJSON_AddStringToObject(c->out, "Marker", s->name);
            break;
        }
        cJSON_AddItemToArray(list, render_param(s, g.family, u));
        count++;
    }
    cJSON_Delete(user);
    return SIM_OK;
}

/* ---- engine versions ---------------------------------------------------------------------- */

int rds_op_DescribeDBEngineVersions(struct call *c)
{
    int max;
    if (rds_max_records(c, &max) != SIM_OK)
        return SIM_ERROR;
    const char *engine = param_str(c->in, "Engine");
    const char *version = param_str(c->in, "EngineVersion");
    const char *family = param_str(c->in, "DBParameterGroupFamily");
    const char *marker = param_str(c->in, "Marker");
    int only_default = param_bool(c->in, "DefaultOnly", 0);
    int skip = 0;
    if (marker) {
        char *end;
        skip = (int)strtol(marker, &end, 10);
        if (*end != '\0' || skip < 0)
            return call_error(c, "InvalidParameterValue", "Invalid marker: %s", marker);
    }
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "DBEngineVersions");
    if (engine && strcmp(engine, RDS_ENGINE) != 0)
        return SIM_OK;
    int seen = 0, count = 0;
    for (size_t k = 0; k < NVERSIONS; k++) {
        char fam[64];
        rds_family_of(versions[k].version, fam, sizeof fam);
        if (version && strcmp(version, versions[k].version) != 0 &&
            !(strchr(version, '.') == NULL && atoi(version) == atoi(versions[k].version)))
            continue;
        if (family && strcmp(family, fam) != 0)
            continue;
        if (only_default && !versions[k].dflt &&
            !(version && strchr(version, '.') == NULL && k + 1 < NVERSIONS &&
              atoi(versions[k + 1].version) != atoi(versions[k].version)))
            continue;
        if (seen++ < skip)
            continue;
        if (count == max) {
            char buf[16];
            snprintf(buf, sizeof buf, "%d", seen - 1);
            cJSON_AddStringToObject(c->out, "Marker", buf);
            break;
        }
        char desc[96];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "Engine", RDS_ENGINE);
        cJSON_AddStringToObject(o, "EngineVersion", versions[k].version);
        cJSON_AddStringToObject(o, "DBParameterGroupFamily", fam);
        cJSON_AddStringToObject(o, "DBEngineDescription", "Aurora (PostgreSQL)");
        snprintf(desc, sizeof desc, "Aurora PostgreSQL (Compatible with PostgreSQL %s)",
                 versions[k].version);
        cJSON_AddStringToObject(o, "DBEngineVersionDescription", desc);
        snprintf(desc, sizeof desc, "%d", atoi(versions[k].version));
        cJSON_AddStringToObject(o, "MajorEngineVersion", desc);
        cJSON *targets = cJSON_AddArrayToObject(o, "ValidUpgradeTarget");
        for (size_t t = k + 1; t < NVERSIONS; t++) {
            int major = atoi(versions[t].version) != atoi(versions[k].version);
            cJSON *u = cJSON_CreateObject();
            cJSON_AddStringToObject(u, "Engine", RDS_ENGINE);
            cJSON_AddStringToObject(u, "EngineVersion", versions[t].version);
            snprintf(desc, sizeof desc, "Aurora PostgreSQL (Compatible with PostgreSQL %s)",
                     versions[t].version);
            cJSON_AddStringToObject(u, "Description", desc);
            cJSON_AddBoolToObject(u, "AutoUpgrade", 0);
            cJSON_AddBoolToObject(u, "IsMajorVersionUpgrade", major);
            cJSON_AddItemToArray(targets, u);
        }
        cJSON *logs = cJSON_AddArrayToObject(o, "ExportableLogTypes");
        cJSON_AddItemToArray(logs, cJSON_CreateString("postgresql"));
        cJSON_AddBoolToObject(o, "SupportsLogExportsToCloudwatchLogs", 1);
        cJSON_AddBoolToObject(o, "SupportsReadReplica", 0);
        cJSON *modes = cJSON_AddArrayToObject(o, "SupportedEngineModes");
        cJSON_AddItemToArray(modes, cJSON_CreateString("provisioned"));
        cJSON_AddStringToObject(o, "Status", "available");
        cJSON_AddBoolToObject(o, "SupportsParallelQuery", 0);
        cJSON_AddBoolToObject(o, "SupportsGlobalDatabases", 1);
        cJSON_AddBoolToObject(o, "SupportsBabelfish", 1);
        cJSON_AddItemToArray(list, o);
        count++;
    }
    return SIM_OK;
}

/* ---- the handlers ------------------------------------------------------------------------- */

int rds_op_CreateDBClusterParameterGroup(struct call *c)
{
    return create_group(c, &cluster_kind);
}

int rds_op_DescribeDBClusterParameterGroups(struct call *c)
{
    return describe_groups(c, &cluster_kind);
}

int rds_op_DescribeDBClusterParameters(struct call *c)
{
    return describe_params(c, &cluster_kind);
}

int rds_op_ModifyDBClusterParameterGroup(struct call *c)
{
    return modify_group(c, &cluster_kind, 0);
}

int rds_op_ResetDBClusterParameterGroup(struct call *c)
{
    return modify_group(c, &cluster_kind, 1);
}

int rds_op_DeleteDBClusterParameterGroup(struct call *c)
{
    return delete_group(c, &cluster_kind);
}

int rds_op_CreateDBParameterGroup(struct call *c)
{
    return create_group(c, &db_kind);
}

int rds_op_DescribeDBParameterGroups(struct call *c)
{
    return describe_groups(c, &db_kind);
}

int rds_op_DescribeDBParameters(struct call *c)
{
    return describe_params(c, &db_kind);
}

int rds_op_ModifyDBParameterGroup(struct call *c)
{
    return modify_group(c, &db_kind, 0);
}

int rds_op_ResetDBParameterGroup(struct call *c)
{
    return modify_group(c, &db_kind, 1);
}

int rds_op_DeleteDBParameterGroup(struct call *c)
{
    return delete_group(c, &db_kind);
}
