/*
 * rds.c - Amazon RDS (awsQuery, Version 2014-10-31): Aurora PostgreSQL DB clusters and their
 * DB instances, DB subnet groups, events and tags, and the op table of the whole service
 * (parameter groups and engine versions are in rds_params.c, RDS Proxy in rds_proxy.c).
 *
 * A handler checks AWS's rules and answers in AWS's words, then starts a transition: it sets
 * the row's status (creating, modifying, rebooting, failing-over, stopping, starting,
 * deleting) and next_ms; sim/engine/rds.c ends it on the team's clock and writes the closing
 * events. Rows and their documents are in sim/store/rds.c (see sim/store/rds.h): the cluster
 * and instance documents hold the neutral DBCluster / DBInstance attributes that do not
 * change with the state; render_cluster()/render_instance() add the rest.
 *
 * Identifiers are stored lower-case (AWS lower-cases them) and are accepted as names or ARNs.
 * Only aurora-postgresql is simulated; another engine is refused with InvalidParameterValue.
 * Paging: Marker is the identifier (or event sequence number) of the first row of the next
 * page; MaxRecords is 20..100 (default 100).
 *
 * Simplifications: RebootDBCluster is accepted for Aurora clusters (AWS documents it for
 * Multi-AZ DB clusters) and reboots every member; a final snapshot is validated but not
 * kept; pending modifications (PendingModifiedValues) wait for ApplyImmediately, there is
 * no maintenance window. Tags on RDS Proxy resources are checked through
 * store_rds_proxy_arn_exists (sim/store/rds_proxy.h) and kept in the same tags table.
 *
 * To add an operation: add it to sim/services/models/ops.json and regenerate, write a static
 * op_<Name> handler here (or in rds_params.c), add its row to the op table at the end, and
 * cover it in tests/e2e/test_rds.py.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/rds.h"
#include "services/params.h"
#include "services/rds_int.h"
#include "services/service.h"
#include "sim.h"
#include "store/ec2.h"
#include "store/rds.h"
#include "store/rds_proxy.h"
#include "util/xmalloc.h"

#define MAX_TAGS 50
#define DEFAULT_PORT 5432
#define EVENT_KEEP_MS (14LL * 24 * 3600 * 1000)
#define HOSTED_ZONE "Z2R2ITUGPM61AM"

/* ---- helpers shared with rds_params.c and sim/engine/rds.c -------------------------------- */

struct rds_scope rds_scope_of(struct call *c)
{
    struct rds_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

int rds_store_failed(struct call *c)
{
    return call_error(c, "InternalFailure", "An internal error occurred.");
}

int rds_max_records(struct call *c, int *out)
{
    const cJSON *m = param(c->in, "MaxRecords");
    *out = 100;
    if (m == NULL)
        return SIM_OK;
    int64_t v = param_int(c->in, "MaxRecords", 100);
    if (v < 20 || v > 100)
        return call_error(c, "InvalidParameterValue",
                          "Invalid value %lld for MaxRecords. Must be between 20 and 100",
                          (long long)v);
    *out = (int)v;
    return SIM_OK;
}

int rds_apply_tags(struct call *c, const struct rds_scope *sc, const char *arn,
                   const cJSON *tags)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tags) {
        const char *k = param_str(t, "Key");
        if (k == NULL || *k == '\0')
            return call_error(c, "InvalidParameterValue", "Tag key must not be empty");
        if (strncmp(k, "aws:", 4) == 0)
            return call_error(c, "InvalidParameterValue",
                              "The key cannot be prefixed with \"aws:\" or \"rds:\"");
    }
    cJSON_ArrayForEach(t, tags) {
        const char *v = param_str(t, "Value");
        if (rds_tag_set(sc, arn, param_str(t, "Key"), v ? v : "") != 0)
            return rds_store_failed(c);
    }
    int n = rds_tag_count(sc, arn);
    if (n < 0)
        return rds_store_failed(c);
    if (n > MAX_TAGS)
        return call_error(c, "TagQuotaPerResourceExceeded",
                          "Tag quota per resource exceeded: %d tags, the limit is %d", n,
                          MAX_TAGS);
    return SIM_OK;
}

int rds_event(const struct rds_scope *sc, int64_t now_ms, const char *type, const char *id,
              const char *arn_type, const char *categories, const char *fmt, ...)
{
    char msg[512], arn[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rds_arn(sc, arn_type, id, arn, sizeof arn);
    return rds_event_add(sc, now_ms, type, id, arn, categories, msg);
}

/* ---- local helpers ------------------------------------------------------------------------ */

static double secs(int64_t ms)
{
    return (double)ms / 1000.0;
}

/* Returns 1 if s is a valid RDS identifier (1..63: a letter first; letters, digits and
 * hyphens; no trailing hyphen, no two consecutive hyphens), writing it lower-cased. */
static int ident_ok(const char *s, char *out, size_t n)
{
    size_t len = strlen(s);
    if (len == 0 || len > 63 || len >= n || !isalpha((unsigned char)s[0]) || s[len - 1] == '-')
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!isalnum(ch) && ch != '-')
            return 0;
        if (ch == '-' && s[i + 1] == '-')
            return 0;
        out[i] = (char)tolower(ch);
    }
    out[len] = '\0';
    return 1;
}

static int bad_ident(struct call *c, const char *param_name)
{
    return call_error(c, "InvalidParameterValue",
                      "The parameter %s is not a valid identifier. Identifiers must begin with "
                      "a letter; must contain only ASCII letters, digits, and hyphens; and must "
                      "not end with a hyphen or contain two consecutive hyphens.",
                      param_name);
}

/* Resolves a name-or-ARN to a lower-cased identifier in out. Returns 1 if it names a
 * resource of type in the caller's account and region, 0 if it cannot. */
static int resolve(const struct rds_scope *sc, const char *type, const char *s, char *out,
                   size_t n)
{
    const char *name = rds_arn_name(sc, type, s);
    if (name == NULL || *name == '\0' || strlen(name) >= n)
        return 0;
    size_t i;
    for (i = 0; name[i]; i++)
        out[i] = (char)tolower((unsigned char)name[i]);
    out[i] = '\0';
    return 1;
}

static int cluster_not_found(struct call *c, const char *id)
{
    return call_error(c, "DBClusterNotFoundFault", "DBCluster %s not found.", id);
}

static int instance_not_found(struct call *c, const char *id)
{
    return call_error(c, "DBInstanceNotFound", "DBInstance %s not found.", id);
}

/* Loads the cluster named by member name of c->in (name or ARN). SIM_OK, or SIM_ERROR with
 * DBClusterNotFoundFault. */
static int load_cluster(struct call *c, const struct rds_scope *sc, const char *member,
                        struct rds_cluster *out)
{
    const char *given = param_str(c->in, member);
    char id[RDS_ID_MAX];
    if (given == NULL || *given == '\0')
        return call_error(c, "InvalidParameterValue",
                          "The parameter %s must be provided and must not be blank.", member);
    if (!resolve(sc, "cluster", given, id, sizeof id))
        return cluster_not_found(c, given);
    int rc = rds_cluster_get(sc, id, out);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 1)
        return cluster_not_found(c, given);
    return SIM_OK;
}

static int load_instance(struct call *c, const struct rds_scope *sc, const char *member,
                         struct rds_instance *out)
{
    const char *given = param_str(c->in, member);
    char id[RDS_ID_MAX];
    if (given == NULL || *given == '\0')
        return call_error(c, "InvalidParameterValue",
                          "The parameter %s must be provided and must not be blank.", member);
    if (!resolve(sc, "db", given, id, sizeof id))
        return instance_not_found(c, given);
    int rc = rds_instance_get(sc, id, out);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 1)
        return instance_not_found(c, given);
    return SIM_OK;
}

static const char *doc_str(const cJSON *doc, const char *name)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, name));
}

static void doc_set(cJSON *doc, const char *name, cJSON *v)
{
    if (cJSON_GetObjectItemCaseSensitive(doc, name))
        cJSON_ReplaceItemInObjectCaseSensitive(doc, name, v);
    else
        cJSON_AddItemToObject(doc, name, v);
}

static struct rds_durations durations(struct call *c)
{
    struct rds_durations d;
    rds_durations_of(&c->team->timing, &d);
    return d;
}

/* Renders a cluster as a new DBCluster object, or NULL on a store error. */
static cJSON *render_cluster(const struct rds_scope *sc, const struct rds_cluster *cl)
{
    cJSON *o = cJSON_Duplicate(cl->doc, 1);
    char arn[256];
    rds_arn(sc, "cluster", cl->id, arn, sizeof arn);
    doc_set(o, "Status", cJSON_CreateString(cl->status));
    doc_set(o, "DBClusterParameterGroup", cJSON_CreateString(cl->cpg));
    struct rds_instance *m = NULL;
    int n = 0;
    if (rds_instance_list(sc, cl->id, &m, &n) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON *members = cJSON_CreateArray();
    for (int k = 0; k < n; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "DBInstanceIdentifier", m[k].id);
        cJSON_AddBoolToObject(e, "IsClusterWriter", m[k].writer);
        cJSON_AddStringToObject(e, "DBClusterParameterGroupStatus", m[k].cpg_status);
        const cJSON *tier = cJSON_GetObjectItemCaseSensitive(m[k].doc, "PromotionTier");
        cJSON_AddNumberToObject(e, "PromotionTier", cJSON_IsNumber(tier) ? tier->valueint : 1);
        cJSON_AddItemToArray(members, e);
    }
    rds_instance_free_list(m, n);
    doc_set(o, "DBClusterMembers", members);
    cJSON *tags = rds_tag_list(sc, arn);
    if (tags == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    doc_set(o, "TagList", tags);
    return o;
}

/* Renders an instance as a new DBInstance object, or NULL on a store error. */
static cJSON *render_instance(const struct rds_scope *sc, const struct rds_instance *i)
{
    cJSON *o = cJSON_Duplicate(i->doc, 1);
    char arn[256];
    rds_arn(sc, "db", i->id, arn, sizeof arn);
    doc_set(o, "DBInstanceStatus", cJSON_CreateString(i->status));
    doc_set(o, "DBInstanceClass", cJSON_CreateString(i->klass));
    cJSON *pgs = cJSON_CreateArray();
    cJSON *pg = cJSON_CreateObject();
    cJSON_AddStringToObject(pg, "DBParameterGroupName", i->pg);
    cJSON_AddStringToObject(pg, "ParameterApplyStatus", i->pg_status);
    cJSON_AddItemToArray(pgs, pg);
    doc_set(o, "DBParameterGroups", pgs);
    cJSON *tags = rds_tag_list(sc, arn);
    if (tags == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    doc_set(o, "TagList", tags);
    return o;
}

/* A 26-character upper-case resource id suffix from the team's id generator. */
static void resource_id(struct call *c, const char *prefix, char *out, size_t n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    char s[27];
    for (int k = 0; k < 26; k++)
        s[k] = alphabet[rng_next(&c->team->ids) % 32];
    s[26] = '\0';
    snprintf(out, n, "%s%s", prefix, s);
}

/* ---- subnet groups ------------------------------------------------------------------------ */

static cJSON *subnet_json(const struct ec2_subnet *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "SubnetIdentifier", s->id);
    cJSON *az = cJSON_AddObjectToObject(o, "SubnetAvailabilityZone");
    cJSON_AddStringToObject(az, "Name", s->az);
    cJSON *outpost = cJSON_AddObjectToObject(o, "SubnetOutpost");
    (void)outpost;
    cJSON_AddStringToObject(o, "SubnetStatus", "Active");
    return o;
}

/* Makes the "default" subnet group (every subnet of the default VPC) exist. Returns 0 or -1. */
static int ensure_default_subnet_group(const struct rds_scope *sc, int64_t now_ms)
{
    struct rds_subnet_group g;
    int rc = rds_subnet_group_get(sc, "default", &g);
    if (rc == 0) {
        rds_subnet_group_clear(&g);
        return 0;
    }
    if (rc < 0)
        return -1;
    struct ec2_subnet *subnets = NULL;
    int n = 0;
    if (ec2_list_subnets(sc->st, sc->account, sc->region, &subnets, &n) != 0)
        return -1;
    memset(&g, 0, sizeof g);
    snprintf(g.name, sizeof g.name, "default");
    snprintf(g.description, sizeof g.description, "default");
    g.created_ms = now_ms;
    g.subnets = cJSON_CreateArray();
    for (int k = 0; k < n; k++) {
        if (!subnets[k].default_for_az)
            continue;
        snprintf(g.vpc_id, sizeof g.vpc_id, "%s", subnets[k].vpc_id);
        cJSON_AddItemToArray(g.subnets, subnet_json(&subnets[k]));
    }
    free(subnets);
    rc = rds_subnet_group_put(sc, &g);
    rds_subnet_group_clear(&g);
    return rc;
}

static cJSON *render_subnet_group(const struct rds_scope *sc, const struct rds_subnet_group *g)
{
    char arn[320];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "DBSubnetGroupName", g->name);
    cJSON_AddStringToObject(o, "DBSubnetGroupDescription", g->description);
    cJSON_AddStringToObject(o, "VpcId", g->vpc_id);
    cJSON_AddStringToObject(o, "SubnetGroupStatus", "Complete");
    cJSON_AddItemToObject(o, "Subnets", cJSON_Duplicate(g->subnets, 1));
    rds_arn(sc, "subgrp", g->name, arn, sizeof arn);
    cJSON_AddStringToObject(o, "DBSubnetGroupArn", arn);
    cJSON *types = cJSON_AddArrayToObject(o, "SupportedNetworkTypes");
    cJSON_AddItemToArray(types, cJSON_CreateString("IPV4"));
    return o;
}

static int subnet_group_not_found(struct call *c, const char *name)
{
    return call_error(c, "DBSubnetGroupNotFoundFault", "DBSubnetGroup %s not found.", name);
}

static int op_CreateDBSubnetGroup(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    const char *name = param_str(c->in, "DBSubnetGroupName");
    const char *desc = param_str(c->in, "DBSubnetGroupDescription");
    const cJSON *ids = param(c->in, "SubnetIds");
    char lname[256];
    size_t len = strlen(name);
    if (len == 0 || len > 255 || strcmp(name, "default") == 0)
        return call_error(c, "InvalidParameterValue",
                          "The parameter DBSubnetGroupName is not a valid identifier.");
    for (size_t k = 0; k <= len; k++)
        lname[k] = (char)tolower((unsigned char)name[k]);
    struct rds_subnet_group g;
    int rc = rds_subnet_group_get(&sc, lname, &g);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 0) {
        rds_subnet_group_clear(&g);
        return call_error(c, "DBSubnetGroupAlreadyExists",
                          "The DB subnet group '%s' already exists.", lname);
    }
    memset(&g, 0, sizeof g);
    snprintf(g.name, sizeof g.name, "%s", lname);
    snprintf(g.description, sizeof g.description, "%s", desc ? desc : "");
    g.created_ms = c->now_ms;
    g.subnets = cJSON_CreateArray();
    int nsub = 0, result = SIM_OK;
    const cJSON *id;
    cJSON_ArrayForEach(id, ids) {
        struct ec2_subnet s;
        if (!cJSON_IsString(id))
            continue;
        rc = ec2_find_subnet(sc.st, sc.account, sc.region, id->valuestring, &s);
        if (rc < 0) {
            result = rds_store_failed(c);
            goto out;
        }
        if (rc == 1) {
            result = call_error(c, "InvalidSubnet", "Some input subnets in :[%s] are invalid.",
                                id->valuestring);
            goto out;
        }
        if (g.vpc_id[0] && strcmp(g.vpc_id, s.vpc_id) != 0) {
            result = call_error(c, "InvalidSubnet", "Subnets must all be in the same VPC");
            goto out;
        }
        snprintf(g.vpc_id, sizeof g.vpc_id, "%s", s.vpc_id);
        cJSON_AddItemToArray(g.subnets, subnet_json(&s));
        nsub++;
    }
    if (nsub == 0) {
        result = call_error(c, "InvalidParameterValue",
                            "The parameter SubnetIds must be provided and must not be blank.");
        goto out;
    }
    char arn[320];
    rds_arn(&sc, "subgrp", g.name, arn, sizeof arn);
    if (rds_subnet_group_put(&sc, &g) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = rds_apply_tags(c, &sc, arn, param(c->in, "Tags"));
    if (result != SIM_OK)
        goto out;
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBSubnetGroup", render_subnet_group(&sc, &g));
out:
    rds_subnet_group_clear(&g);
    return result;
}

static int op_DescribeDBSubnetGroups(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    int max;
    if (rds_max_records(c, &max) != SIM_OK)
        return SIM_ERROR;
    if (ensure_default_subnet_group(&sc, c->now_ms) != 0)
        return rds_store_failed(c);
    const char *only = param_str(c->in, "DBSubnetGroupName");
    const char *marker = param_str(c->in, "Marker");
    cJSON *names = rds_subnet_group_names(&sc);
    if (names == NULL)
        return rds_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "DBSubnetGroups");
    int found = 0, count = 0;
    const cJSON *nm;
    cJSON_ArrayForEach(nm, names) {
        const char *name = nm->valuestring;
        if (only && strcasecmp(only, name) != 0)
            continue;
        if (marker && strcmp(name, marker) < 0)
            continue;
        found = 1;
        if (count == max) {
            cJSON_AddStringToObject(c->out, "Marker", name);
            break;
        }
        struct rds_subnet_group g;
        if (rds_subnet_group_get(&sc, name, &g) != 0) {
            cJSON_Delete(names);
            return rds_store_failed(c);
        }
        cJSON_AddItemToArray(list, render_subnet_group(&sc, &g));
        rds_subnet_group_clear(&g);
        count++;
    }
    cJSON_Delete(names);
    if (only && !found)
        return subnet_group_not_found(c, only);
    return SIM_OK;
}

static int op_DeleteDBSubnetGroup(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    char name[256];
    const char *given = param_str(c->in, "DBSubnetGroupName");
    if (!resolve(&sc, "subgrp", given, name, sizeof name))
        return subnet_group_not_found(c, given);
    if (strcmp(name, "default") == 0)
        return call_error(c, "InvalidDBSubnetGroupStateFault",
                          "Cannot delete default DB subnet group");
    int users = rds_subnet_group_users(&sc, name);
    if (users < 0)
        return rds_store_failed(c);
    if (users > 0)
        return call_error(c, "InvalidDBSubnetGroupStateFault",
                          "Cannot delete the subnet group '%s' because at least one database "
                          "cluster: is still using it.", name);
    int rc = rds_subnet_group_delete(&sc, name);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 1)
        return subnet_group_not_found(c, given);
    char arn[320];
    rds_arn(&sc, "subgrp", name, arn, sizeof arn);
    if (rds_tag_drop(&sc, arn) != 0)
        return rds_store_failed(c);
    return SIM_OK;
}

/* ---- clusters ----------------------------------------------------------------------------- */

/* Fills VpcSecurityGroups from VpcSecurityGroupIds (validated against EC2 and the VPC), or
 * the VPC's default group when absent. Returns SIM_OK or SIM_ERROR. */
static int security_groups(struct call *c, const struct rds_scope *sc, const char *vpc,
                           cJSON **out)
{
    *out = cJSON_CreateArray();
    const cJSON *ids = param(c->in, "VpcSecurityGroupIds");
    const cJSON *id;
    if (cJSON_GetArraySize(ids) == 0) {
        struct ec2_sg *sgs = NULL;
        int n = 0;
        if (ec2_list_security_groups(sc->st, sc->account, sc->region, &sgs, &n) != 0)
            return rds_store_failed(c);
        for (int k = 0; k < n; k++) {
            if (strcmp(sgs[k].g.name, "default") == 0 && strcmp(sgs[k].g.vpc_id, vpc) == 0) {
                cJSON *m = cJSON_CreateObject();
                cJSON_AddStringToObject(m, "VpcSecurityGroupId", sgs[k].g.id);
                cJSON_AddStringToObject(m, "Status", "active");
                cJSON_AddItemToArray(*out, m);
                break;
            }
        }
        ec2_free_security_groups(sgs, n);
        return SIM_OK;
    }
    cJSON_ArrayForEach(id, ids) {
        struct ec2_security_group g;
        const char *s = cJSON_GetStringValue(id);
        int rc = s ? ec2_find_security_group(sc->st, sc->account, sc->region, s, &g) : 1;
        if (rc < 0)
            return rds_store_failed(c);
        if (rc == 1)
            return call_error(c, "InvalidParameterValue",
                              "Invalid security group , groupId= %s, groupName=.", s ? s : "");
        if (strcmp(g.vpc_id, vpc) != 0)
            return call_error(c, "InvalidParameterCombination",
                              "The DB instance and EC2 security group are in different VPCs. "
                              "The DB instance is in %s and the EC2 security group is in %s",
                              vpc, g.vpc_id);
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "VpcSecurityGroupId", g.id);
        cJSON_AddStringToObject(m, "Status", "active");
        cJSON_AddItemToArray(*out, m);
    }
    return SIM_OK;
}

static int pg_not_found(struct call *c, int cluster, const char *name)
{
    if (cluster)
        return call_error(c, "DBClusterParameterGroupNotFound",
                          "DBClusterParameterGroup not found: %s", name);
    return call_error(c, "DBParameterGroupNotFound", "DBParameterGroup not found: %s", name);
}

/* Checks (or defaults) a parameter group of kind for family into out. */
static int pick_pg(struct call *c, const struct rds_scope *sc, const char *kind,
                   const char *member, const char *family, char *out, size_t n)
{
    const char *given = param_str(c->in, member);
    int cluster = strcmp(kind, RDS_PG_CLUSTER) == 0;
    if (given == NULL) {
        if (rds_ensure_default_pg(sc, kind, family, c->now_ms) != 0)
            return rds_store_failed(c);
        snprintf(out, n, "default.%s", family);
        return SIM_OK;
    }
    char name[256];
    if (!resolve(sc, cluster ? "cluster-pg" : "pg", given, name, sizeof name))
        return pg_not_found(c, cluster, given);
    if (strncmp(name, "default.", 8) == 0 && rds_family_known(name + 8) &&
        rds_ensure_default_pg(sc, kind, name + 8, c->now_ms) != 0)
        return rds_store_failed(c);
    struct rds_pg g;
    int rc = rds_pg_get(sc, kind, name, &g);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 1)
        return pg_not_found(c, cluster, given);
    if (strcmp(g.family, family) != 0)
        return call_error(c, "InvalidParameterCombination",
                          "The Parameter Group %s with DBParameterGroupFamily %s cannot be used "
                          "for this instance. Please use a Parameter Group with "
                          "DBParameterGroupFamily %s",
                          name, g.family, family);
    snprintf(out, n, "%s", name);
    return SIM_OK;
}

static int op_CreateDBCluster(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    cJSON *in = c->in;
    char id[RDS_ID_MAX], family[64], arn[256];
    if (!ident_ok(param_str(in, "DBClusterIdentifier"), id, sizeof id))
        return bad_ident(c, "DBClusterIdentifier");
    const char *engine = param_str(in, "Engine");
    if (strcmp(engine, RDS_ENGINE) != 0)
        return call_error(c, "InvalidParameterValue", "Invalid DB engine: %s", engine);
    const char *version = param_str(in, "EngineVersion");
    if (version == NULL)
        version = rds_default_version();
    if (!rds_version_known(version))
        return call_error(c, "InvalidParameterCombination", "Cannot find version %s for %s",
                          version, engine);
    rds_family_of(version, family, sizeof family);
    const char *user = param_str(in, "MasterUsername");
    const char *password = param_str(in, "MasterUserPassword");
    int managed = param_bool(in, "ManageMasterUserPassword", 0);
    if (user == NULL || *user == '\0')
        return call_error(c, "InvalidParameterValue",
                          "The parameter MasterUsername must be provided and must not be blank.");
    if (managed && password)
        return call_error(c, "InvalidParameterCombination",
                          "You can't specify MasterUserPassword and ManageMasterUserPassword "
                          "at the same time.");
    if (!managed && (password == NULL || *password == '\0'))
        return call_error(c, "InvalidParameterValue", "The parameter MasterUserPassword must "
                                                      "be provided and must not be blank.");
    if (password && strlen(password) < 8)
        return call_error(c, "InvalidParameterValue",
                          "The parameter MasterUserPassword is not a valid password because it "
                          "is shorter than 8 characters.");
    if (password && strpbrk(password, "/\"@ "))
        return call_error(c, "InvalidParameterValue",
                          "The parameter MasterUserPassword is not a valid password. Only "
                          "printable ASCII characters besides '/', '@', '\"', ' ' may be used.");
    int64_t port = param_int(in, "Port", DEFAULT_PORT);
    if (port < 1150 || port > 65535)
        return call_error(c, "InvalidParameterValue",
                          "Invalid port %lld. The port must be between 1150 and 65535.",
                          (long long)port);
    struct rds_cluster cl;
    int rc = rds_cluster_get(&sc, id, &cl);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 0) {
        rds_cluster_clear(&cl);
        return call_error(c, "DBClusterAlreadyExistsFault", "DB Cluster already exists");
    }
    memset(&cl, 0, sizeof cl);
    if (pick_pg(c, &sc, RDS_PG_CLUSTER, "DBClusterParameterGroupName", family, cl.cpg,
                sizeof cl.cpg) != SIM_OK)
        return SIM_ERROR;
    /* the subnet group */
    const char *sgname = param_str(in, "DBSubnetGroupName");
    char subgrp[256];
    if (sgname == NULL) {
        if (ensure_default_subnet_group(&sc, c->now_ms) != 0)
            return rds_store_failed(c);
        snprintf(subgrp, sizeof subgrp, "default");
    } else if (!resolve(&sc, "subgrp", sgname, subgrp, sizeof subgrp)) {
        return subnet_group_not_found(c, sgname);
    } else if (strcmp(subgrp, "default") == 0 &&
               ensure_default_subnet_group(&sc, c->now_ms) != 0) {
        return rds_store_failed(c);
    }
    struct rds_subnet_group g;
    rc = rds_subnet_group_get(&sc, subgrp, &g);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 1)
        return subnet_group_not_found(c, sgname);
    cJSON *sgs = NULL;
    if (security_groups(c, &sc, g.vpc_id, &sgs) != SIM_OK) {
        cJSON_Delete(sgs);
        rds_subnet_group_clear(&g);
        return SIM_ERROR;
    }
    /* the document */
    char hash[13], host[256], resid[64];
    rds_endpoint_hash(sc.account, sc.region, hash);
    rds_arn(&sc, "cluster", id, arn, sizeof arn);
    resource_id(c, "cluster-", resid, sizeof resid);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "AllocatedStorage", 1);
    cJSON *azs = cJSON_AddArrayToObject(d, "AvailabilityZones");
    const cJSON *s;
    int naz = 0;
    cJSON_ArrayForEach(s, g.subnets) {
        const char *az = doc_str(cJSON_GetObjectItemCaseSensitive(s, "SubnetAvailabilityZone"),
                                 "Name");
        if (az && naz < 3) {
            cJSON_AddItemToArray(azs, cJSON_CreateString(az));
            naz++;
        }
    }
    cJSON_AddNumberToObject(d, "BackupRetentionPeriod",
                            (double)param_int(in, "BackupRetentionPeriod", 1));
    const char *dbname = param_str(in, "DatabaseName");
    if (dbname)
        cJSON_AddStringToObject(d, "DatabaseName", dbname);
    cJSON_AddStringToObject(d, "DBClusterIdentifier", id);
    cJSON_AddStringToObject(d, "DBSubnetGroup", subgrp);
    cJSON_AddNumberToObject(d, "EarliestRestorableTime", secs(c->now_ms));
    snprintf(host, sizeof host, "%s.cluster-%s.%s.rds.amazonaws.com", id, hash, sc.region);
    cJSON_AddStringToObject(d, "Endpoint", host);
    snprintf(host, sizeof host, "%s.cluster-ro-%s.%s.rds.amazonaws.com", id, hash, sc.region);
    cJSON_AddStringToObject(d, "ReaderEndpoint", host);
    cJSON_AddBoolToObject(d, "MultiAZ", 0);
    cJSON_AddStringToObject(d, "Engine", engine);
    cJSON_AddStringToObject(d, "EngineVersion", version);
    cJSON_AddNumberToObject(d, "LatestRestorableTime", secs(c->now_ms));
    cJSON_AddNumberToObject(d, "Port", (double)port);
    cJSON_AddStringToObject(d, "MasterUsername", user);
    const char *w = param_str(in, "PreferredBackupWindow");
    cJSON_AddStringToObject(d, "PreferredBackupWindow", w ? w : "07:00-07:30");
    w = param_str(in, "PreferredMaintenanceWindow");
    cJSON_AddStringToObject(d, "PreferredMaintenanceWindow", w ? w : "sun:08:00-sun:08:30");
    cJSON_AddArrayToObject(d, "ReadReplicaIdentifiers");
    cJSON_AddItemToObject(d, "VpcSecurityGroups", sgs);
    cJSON_AddStringToObject(d, "HostedZoneId", HOSTED_ZONE);
    int encrypted = param_bool(in, "StorageEncrypted", 0);
    cJSON_AddBoolToObject(d, "StorageEncrypted", encrypted);
    if (encrypted) {
        const char *kms = param_str(in, "KmsKeyId");
        char key[256];
        if (kms == NULL) {
            snprintf(key, sizeof key, "arn:aws:kms:%s:%s:key/%s", sc.region, sc.account,
                     "aws-rds-default");
            kms = key;
        }
        cJSON_AddStringToObject(d, "KmsKeyId", kms);
    }
    cJSON_AddStringToObject(d, "DbClusterResourceId", resid);
    cJSON_AddStringToObject(d, "DBClusterArn", arn);
    cJSON_AddArrayToObject(d, "AssociatedRoles");
    cJSON_AddBoolToObject(d, "IAMDatabaseAuthenticationEnabled",
                          param_bool(in, "EnableIAMDatabaseAuthentication", 0));
    cJSON_AddNumberToObject(d, "ClusterCreateTime", secs(c->now_ms));
    cJSON_AddStringToObject(d, "EngineMode", "provisioned");
    cJSON_AddBoolToObject(d, "DeletionProtection", param_bool(in, "DeletionProtection", 0));
    cJSON_AddBoolToObject(d, "HttpEndpointEnabled", 0);
    cJSON_AddBoolToObject(d, "CopyTagsToSnapshot", param_bool(in, "CopyTagsToSnapshot", 0));
    cJSON_AddBoolToObject(d, "CrossAccountClone", 0);
    cJSON_AddArrayToObject(d, "DomainMemberships");
    cJSON_AddBoolToObject(d, "AutoMinorVersionUpgrade", 1);
    cJSON_AddStringToObject(d, "NetworkType", "IPV4");
    cJSON_AddStringToObject(d, "VpcId", g.vpc_id);
    if (managed) {
        char sarn[320], suffix[8];
        for (int k = 0; k < 6; k++)
            suffix[k] = "abcdefghijklmnopqrstuvwxyz0123456789"[rng_next(&c->team->ids) % 36];
        suffix[6] = '\0';
        snprintf(sarn, sizeof sarn, "arn:aws:secretsmanager:%s:%s:secret:rds!%s-%s", sc.region,
                 sc.account, resid, suffix);
        cJSON *sec = cJSON_AddObjectToObject(d, "MasterUserSecret");
        cJSON_AddStringToObject(sec, "SecretArn", sarn);
        cJSON_AddStringToObject(sec, "SecretStatus", "creating");
        const char *kms = param_str(in, "MasterUserSecretKmsKeyId");
        char key[256];
        snprintf(key, sizeof key, "arn:aws:kms:%s:%s:key/aws-secretsmanager-default",
                 sc.region, sc.account);
        cJSON_AddStringToObject(sec, "KmsKeyId", kms ? kms : key);
    }
    rds_subnet_group_clear(&g);
    snprintf(cl.id, sizeof cl.id, "%s", id);
    snprintf(cl.status, sizeof cl.status, "creating");
    struct rds_durations du = durations(c);
    cl.next_ms = c->now_ms + (int64_t)du.cluster_create_s * 1000;
    cl.created_ms = c->now_ms;
    cl.doc = d;
    int result = SIM_OK;
    if (rds_cluster_put(&sc, &cl) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = rds_apply_tags(c, &sc, arn, param(in, "Tags"));
    if (result != SIM_OK)
        goto out;
    cJSON *r = render_cluster(&sc, &cl);
    if (r == NULL) {
        result = rds_store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBCluster", r);
out:
    rds_cluster_clear(&cl);
    return result;
}

/* Returns 1 if value v is one of the filter's Values. */
static int filter_has(const cJSON *values, const char *v)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, values) {
        if (cJSON_IsString(x) && v && strcmp(x->valuestring, v) == 0)
            return 1;
    }
    return 0;
}

/* Checks the names of Filters against allowed (NULL-terminated). SIM_OK or SIM_ERROR. */
static int check_filters(struct call *c, const char *const *allowed)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, param(c->in, "Filters")) {
        const char *name = param_str(f, "Name");
        int ok = 0;
        for (int k = 0; allowed[k] && name; k++)
            ok |= strcmp(allowed[k], name) == 0;
        if (!ok)
            return call_error(c, "InvalidParameterValue", "Unrecognized filter name: %s.",
                              name ? name : "");
    }
    return SIM_OK;
}

/* Returns 1 if the cluster passes every filter. */
/* A filter name of a DescribeDB* call and the values a resource answers it with (an id and
 * its ARN, or one value: v2 NULL). */
struct filter_field {
    const char *name, *v1, *v2;
};

/* Whether every filter of filters ([{Name, Values}]) has one of its field's values among its
 * Values; a name not among the n fields never matches. */
static int filters_match(const cJSON *filters, const struct filter_field *fields, int n)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, filters) {
        const char *name = param_str(f, "Name");
        const cJSON *vals = param(f, "Values");
        int ok = 0;
        for (int i = 0; i < n && !ok; i++) {
            if (strcmp(name, fields[i].name) == 0)
                ok = filter_has(vals, fields[i].v1) ||
                     (fields[i].v2 && filter_has(vals, fields[i].v2));
        }
        if (!ok)
            return 0;
    }
    return 1;
}

static int cluster_matches(const struct rds_scope *sc, const cJSON *filters,
                           const struct rds_cluster *cl)
{
    char arn[256];
    rds_arn(sc, "cluster", cl->id, arn, sizeof arn);
    const struct filter_field fields[] = {
        {"db-cluster-id", cl->id, arn},
        {"engine", doc_str(cl->doc, "Engine"), NULL},
        {"db-cluster-resource-id", doc_str(cl->doc, "DbClusterResourceId"), NULL},
    };
    return filters_match(filters, fields, (int)(sizeof fields / sizeof fields[0]));
}

static int op_DescribeDBClusters(struct call *c)
{
    static const char *const filters[] = {"db-cluster-id", "engine", "db-cluster-resource-id",
                                          NULL};
    struct rds_scope sc = rds_scope_of(c);
    int max;
    if (rds_max_records(c, &max) != SIM_OK || check_filters(c, filters) != SIM_OK)
        return SIM_ERROR;
    const char *given = param_str(c->in, "DBClusterIdentifier");
    const char *marker = param_str(c->in, "Marker");
    if (given) {
        struct rds_cluster cl;
        if (load_cluster(c, &sc, "DBClusterIdentifier", &cl) != SIM_OK)
            return SIM_ERROR;
        cJSON *r = render_cluster(&sc, &cl);
        int ok = cluster_matches(&sc, param(c->in, "Filters"), &cl);
        rds_cluster_clear(&cl);
        if (r == NULL)
            return rds_store_failed(c);
        c->out = cJSON_CreateObject();
        cJSON *list = cJSON_AddArrayToObject(c->out, "DBClusters");
        if (ok)
            cJSON_AddItemToArray(list, r);
        else
            cJSON_Delete(r);
        return SIM_OK;
    }
    struct rds_cluster *v = NULL;
    int n = 0;
    if (rds_cluster_list(&sc, &v, &n) != 0)
        return rds_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "DBClusters");
    int count = 0, result = SIM_OK;
    for (int k = 0; k < n; k++) {
        if (marker && strcmp(v[k].id, marker) < 0)
            continue;
        if (!cluster_matches(&sc, param(c->in, "Filters"), &v[k]))
            continue;
        if (count == max) {
            cJSON_AddStringToObject(c->out, "Marker", v[k].id);
            break;
        }
        cJSON *r = render_cluster(&sc, &v[k]);
        if (r == NULL) {
            result = rds_store_failed(c);
            break;
        }
        cJSON_AddItemToArray(list, r);
        count++;
    }
    rds_cluster_free_list(v, n);
    return result;
}

/* Writes the reply {key: rendered cluster}; returns SIM_OK or SIM_ERROR. */
static int reply_cluster(struct call *c, const struct rds_scope *sc, const struct rds_cluster *cl)
{
    cJSON *r = render_cluster(sc, cl);
    if (r == NULL)
        return rds_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBCluster", r);
    return SIM_OK;
}

static int reply_instance(struct call *c, const struct rds_scope *sc,
                          const struct rds_instance *i)
{
    cJSON *r = render_instance(sc, i);
    if (r == NULL)
        return rds_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBInstance", r);
    return SIM_OK;
}

static int cluster_state(struct call *c, const struct rds_cluster *cl)
{
    return call_error(c, "InvalidDBClusterStateFault", "DbCluster %s is not in available state.",
                      cl->id);
}

/* Sets the member status of every instance of cluster (not being deleted) and the
 * transition. Returns 0 or -1. */
static int members_transition(const struct rds_scope *sc, const char *cluster,
                              const char *status, const char *aux, int64_t next_ms,
                              const char *down_reason, int64_t now_ms)
{
    struct rds_instance *m = NULL;
    int n = 0, rc = 0;
    if (rds_instance_list(sc, cluster, &m, &n) != 0)
        return -1;
    for (int k = 0; k < n && rc == 0; k++) {
        if (strcmp(m[k].status, "deleting") == 0)
            continue;
        snprintf(m[k].status, sizeof m[k].status, "%s", status);
        snprintf(m[k].aux, sizeof m[k].aux, "%s", aux);
        m[k].next_ms = next_ms;
        if (down_reason)
            rds_engine_down(sc, &m[k], down_reason, now_ms);
        rc = rds_instance_put(sc, &m[k]);
    }
    rds_instance_free_list(m, n);
    return rc;
}

/* Returns 1 if every member of cluster (not being deleted) is available, 0 if not, -1 on a
 * store error; the first one that is not is named in busy. */
static int members_available(const struct rds_scope *sc, const char *cluster, char *busy,
                             size_t n)
{
    struct rds_instance *m = NULL;
    int k, count = 0;
    if (rds_instance_list(sc, cluster, &m, &count) != 0)
        return -1;
    for (k = 0; k < count; k++) {
        if (strcmp(m[k].status, "available") != 0 && strcmp(m[k].status, "deleting") != 0) {
            snprintf(busy, n, "%s", m[k].id);
            break;
        }
    }
    rds_instance_free_list(m, count);
    return k == count;
}

static int op_ModifyDBCluster(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    cJSON *in = c->in;
    struct rds_cluster cl;
    if (load_cluster(c, &sc, "DBClusterIdentifier", &cl) != SIM_OK)
        return SIM_ERROR;
    int result = SIM_OK, immediate = param_bool(in, "ApplyImmediately", 0), busy = 0;
    if (strcmp(cl.status, "available") != 0) {
        result = cluster_state(c, &cl);
        goto out;
    }
    if (param(in, "NewDBClusterIdentifier")) {
        result = call_error(c, "InvalidParameterCombination",
                            "Renaming a DB cluster is not supported by drillsim.");
        goto out;
    }
    char family[64];
    rds_family_of(doc_str(cl.doc, "EngineVersion"), family, sizeof family);
    const char *version = param_str(in, "EngineVersion");
    if (version && strcmp(version, doc_str(cl.doc, "EngineVersion")) != 0) {
        if (!rds_version_known(version)) {
            result = call_error(c, "InvalidParameterCombination",
                                "Cannot find upgrade target from %s with requested version %s.",
                                doc_str(cl.doc, "EngineVersion"), version);
            goto out;
        }
        char nf[64];
        rds_family_of(version, nf, sizeof nf);
        if (strcmp(nf, family) != 0 && !param_bool(in, "AllowMajorVersionUpgrade", 0)) {
            result = call_error(c, "InvalidParameterCombination",
                                "The AllowMajorVersionUpgrade flag must be present when "
                                "upgrading to a new major version.");
            goto out;
        }
    }
    if (param(in, "DBClusterParameterGroupName")) {
        char name[256];
        char nf[64];
        rds_family_of(version ? version : doc_str(cl.doc, "EngineVersion"), nf, sizeof nf);
        if (pick_pg(c, &sc, RDS_PG_CLUSTER, "DBClusterParameterGroupName", nf, name,
                    sizeof name) != SIM_OK) {
            result = SIM_ERROR;
            goto out;
        }
        if (strcmp(name, cl.cpg) != 0) {
            snprintf(cl.cpg, sizeof cl.cpg, "%s", name);
            struct rds_instance *m = NULL;
            int n = 0;
            if (rds_instance_list(&sc, cl.id, &m, &n) != 0) {
                result = rds_store_failed(c);
                goto out;
            }
            for (int k = 0; k < n && result == SIM_OK; k++) {
                snprintf(m[k].cpg_status, sizeof m[k].cpg_status, "pending-reboot");
                if (rds_instance_put(&sc, &m[k]) != 0)
                    result = rds_store_failed(c);
            }
            rds_instance_free_list(m, n);
            if (result != SIM_OK)
                goto out;
        }
    }
    cJSON *pending = cJSON_DetachItemFromObjectCaseSensitive(cl.doc, "PendingModifiedValues");
    if (pending == NULL)
        pending = cJSON_CreateObject();
    if (version) {
        if (immediate) {
            doc_set(cl.doc, "EngineVersion", cJSON_CreateString(version));
            busy = 1;
        } else {
            doc_set(pending, "EngineVersion", cJSON_CreateString(version));
        }
    }
    const char *password = param_str(in, "MasterUserPassword");
    if (password) {
        if (strlen(password) < 8) {
            cJSON_Delete(pending);
            result = call_error(c, "InvalidParameterValue",
                                "The parameter MasterUserPassword is not a valid password "
                                "because it is shorter than 8 characters.");
            goto out;
        }
        if (immediate)
            busy = 1;
        else
            doc_set(pending, "MasterUserPassword", cJSON_CreateString("****"));
    }
    if (param(in, "VpcSecurityGroupIds")) {
        cJSON *sgs = NULL;
        if (security_groups(c, &sc, doc_str(cl.doc, "VpcId"), &sgs) != SIM_OK) {
            cJSON_Delete(sgs);
            cJSON_Delete(pending);
            result = SIM_ERROR;
            goto out;
        }
        doc_set(cl.doc, "VpcSecurityGroups", sgs);
    }
    if (param(in, "Port")) {
        int64_t port = param_int(in, "Port", DEFAULT_PORT);
        if (port < 1150 || port > 65535) {
            cJSON_Delete(pending);
            result = call_error(c, "InvalidParameterValue",
                                "Invalid port %lld. The port must be between 1150 and 65535.",
                                (long long)port);
            goto out;
        }
        doc_set(cl.doc, "Port", cJSON_CreateNumber((double)port));
        busy = 1;
    }
    static const char *const ints[] = {"BackupRetentionPeriod", NULL};
    static const char *const strs[] = {"PreferredBackupWindow", "PreferredMaintenanceWindow",
                                       NULL};
    static const char *const bools[] = {"DeletionProtection", "CopyTagsToSnapshot",
                                        "AutoMinorVersionUpgrade", NULL};
    for (int k = 0; ints[k]; k++) {
        if (param(in, ints[k]))
            doc_set(cl.doc, ints[k], cJSON_CreateNumber((double)param_int(in, ints[k], 0)));
    }
    for (int k = 0; strs[k]; k++) {
        if (param_str(in, strs[k]))
            doc_set(cl.doc, strs[k], cJSON_CreateString(param_str(in, strs[k])));
    }
    for (int k = 0; bools[k]; k++) {
        if (param(in, bools[k]))
            doc_set(cl.doc, bools[k], cJSON_CreateBool(param_bool(in, bools[k], 0)));
    }
    if (param(in, "EnableIAMDatabaseAuthentication"))
        doc_set(cl.doc, "IAMDatabaseAuthenticationEnabled",
                cJSON_CreateBool(param_bool(in, "EnableIAMDatabaseAuthentication", 0)));
    if (cJSON_GetArraySize(pending) > 0)
        cJSON_AddItemToObject(cl.doc, "PendingModifiedValues", pending);
    else
        cJSON_Delete(pending);
    if (busy) {
        struct rds_durations du = durations(c);
        snprintf(cl.status, sizeof cl.status, "modifying");
        snprintf(cl.aux, sizeof cl.aux, "modify");
        cl.next_ms = c->now_ms + (int64_t)du.cluster_modify_s * 1000;
    }
    if (rds_cluster_put(&sc, &cl) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = reply_cluster(c, &sc, &cl);
out:
    rds_cluster_clear(&cl);
    return result;
}

static int op_DeleteDBCluster(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_cluster cl;
    if (load_cluster(c, &sc, "DBClusterIdentifier", &cl) != SIM_OK)
        return SIM_ERROR;
    int result = SIM_OK;
    int skip = param_bool(c->in, "SkipFinalSnapshot", 0);
    const char *final = param_str(c->in, "FinalDBSnapshotIdentifier");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cl.doc, "DeletionProtection"))) {
        result = call_error(c, "InvalidParameterCombination",
                            "Cannot delete protected Cluster, please disable deletion "
                            "protection and try again.");
        goto out;
    }
    if (skip && final) {
        result = call_error(c, "InvalidParameterCombination",
                            "FinalDBSnapshotIdentifier can not be specified when deleting a "
                            "cluster with SkipFinalSnapshot enabled.");
        goto out;
    }
    if (!skip && final == NULL) {
        result = call_error(c, "InvalidParameterCombination",
                            "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is "
                            "specified.");
        goto out;
    }
    if (strcmp(cl.status, "deleting") == 0 || strcmp(cl.status, "creating") == 0) {
        result = call_error(c, "InvalidDBClusterStateFault",
                            "Cluster cannot be deleted, it is currently in %s state.",
                            cl.status);
        goto out;
    }
    struct rds_instance *m = NULL;
    int n = 0, live = 0;
    if (rds_instance_list(&sc, cl.id, &m, &n) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    for (int k = 0; k < n; k++)
        live += strcmp(m[k].status, "deleting") != 0;
    rds_instance_free_list(m, n);
    if (live > 0) {
        result = call_error(c, "InvalidDBClusterStateFault",
                            "Cluster cannot be deleted, it still contains DB instances in "
                            "non-deleting state.");
        goto out;
    }
    if (final) {
        char snap[RDS_ID_MAX];
        if (!ident_ok(final, snap, sizeof snap)) {
            result = bad_ident(c, "FinalDBSnapshotIdentifier");
            goto out;
        }
    }
    struct rds_durations du = durations(c);
    snprintf(cl.status, sizeof cl.status, "deleting");
    snprintf(cl.aux, sizeof cl.aux, "delete");
    cl.next_ms = c->now_ms + (int64_t)du.cluster_delete_s * 1000;
    if (rds_cluster_put(&sc, &cl) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = reply_cluster(c, &sc, &cl);
out:
    rds_cluster_clear(&cl);
    return result;
}

/* Reboot and stop of an available cluster: every member must be available (else
 * InvalidDBInstanceState); the members and the cluster then go to status, with aux (also the
 * members' down reason) until seconds from now, event (when not NULL) is recorded, and the
 * reply is the cluster. Returns SIM_OK or SIM_ERROR. */
static int cluster_go(struct call *c, const struct rds_scope *sc, struct rds_cluster *cl,
                      const char *status, const char *aux, int seconds, const char *event)
{
    char busy[RDS_ID_MAX];
    int ready = members_available(sc, cl->id, busy, sizeof busy);
    if (ready < 0)
        return rds_store_failed(c);
    if (!ready)
        return call_error(c, "InvalidDBInstanceState", "Instance %s is not in available state.",
                          busy);
    int64_t next = c->now_ms + (int64_t)seconds * 1000;
    if (members_transition(sc, cl->id, status, aux, next, aux, c->now_ms) != 0 ||
        (event && rds_event(sc, c->now_ms, "db-cluster", cl->id, "cluster", "notification",
                            "%s", event) != 0))
        return rds_store_failed(c);
    snprintf(cl->status, sizeof cl->status, "%s", status);
    snprintf(cl->aux, sizeof cl->aux, "%s", aux);
    cl->next_ms = next;
    if (rds_cluster_put(sc, cl) != 0)
        return rds_store_failed(c);
    return reply_cluster(c, sc, cl);
}

static int op_RebootDBCluster(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_cluster cl;
    if (load_cluster(c, &sc, "DBClusterIdentifier", &cl) != SIM_OK)
        return SIM_ERROR;
    int result = SIM_OK;
    if (strcmp(cl.status, "available") != 0) {
        result = cluster_state(c, &cl);
        goto out;
    }
    result = cluster_go(c, &sc, &cl, "rebooting", "reboot", durations(c).reboot_s,
                        "DB cluster reboot started");
out:
    rds_cluster_clear(&cl);
    return result;
}

static int op_FailoverDBCluster(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_cluster cl;
    if (load_cluster(c, &sc, "DBClusterIdentifier", &cl) != SIM_OK)
        return SIM_ERROR;
    struct rds_instance *m = NULL;
    int n = 0, result = SIM_OK, target = -1, writer = -1;
    if (rds_instance_list(&sc, cl.id, &m, &n) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    if (strcmp(cl.status, "available") != 0) {
        result = cluster_state(c, &cl);
        goto out;
    }
    for (int k = 0; k < n; k++) {
        if (m[k].writer)
            writer = k;
    }
    const char *given = param_str(c->in, "TargetDBInstanceIdentifier");
    if (given) {
        char tid[RDS_ID_MAX];
        int ok = resolve(&sc, "db", given, tid, sizeof tid);
        for (int k = 0; ok && k < n; k++) {
            if (strcmp(m[k].id, tid) == 0)
                target = k;
        }
        if (target < 0) {
            result = call_error(c, "InvalidParameterValue",
                                "Cannot find target instance: %s", given);
            goto out;
        }
        if (target == writer) {
            result = call_error(c, "InvalidParameterValue",
                                "The target instance %s is already the writer of cluster %s.",
                                m[target].id, cl.id);
            goto out;
        }
    } else {
        /* the reader with the best (lowest) promotion tier, then the largest class */
        int best_tier = 99;
        for (int k = 0; k < n; k++) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(m[k].doc, "PromotionTier");
            int tier = cJSON_IsNumber(t) ? t->valueint : 1;
            if (k == writer || strcmp(m[k].status, "available") != 0)
                continue;
            if (tier < best_tier) {
                best_tier = tier;
                target = k;
            }
        }
    }
    if (writer < 0 || target < 0) {
        result = call_error(c, "InvalidDBClusterStateFault",
                            "Cannot fail over DB cluster %s: it has no reader DB instance to "
                            "promote.", cl.id);
        goto out;
    }
    if (strcmp(m[target].status, "available") != 0 || strcmp(m[writer].status, "available")) {
        result = call_error(c, "InvalidDBInstanceState",
                            "DB instance %s is not in available state.",
                            strcmp(m[target].status, "available") ? m[target].id : m[writer].id);
        goto out;
    }
    struct rds_durations du = durations(c);
    const char *waz = doc_str(m[writer].doc, "AvailabilityZone");
    const char *taz = doc_str(m[target].doc, "AvailabilityZone");
    int same = waz && taz && strcmp(waz, taz) == 0;
    snprintf(cl.status, sizeof cl.status, "failing-over");
    snprintf(cl.aux, sizeof cl.aux, "%s", m[target].id);
    cl.next_ms = c->now_ms + (int64_t)du.failover_s * 1000;
    rds_engine_down(&sc, &m[writer], "failover", c->now_ms);
    if (rds_instance_put(&sc, &m[writer]) != 0 || rds_cluster_put(&sc, &cl) != 0 ||
        rds_event(&sc, c->now_ms, "db-cluster", cl.id, "cluster", "failover",
                  "Started %s AZ failover to DB instance: %s", same ? "same" : "cross",
                  m[target].id) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = reply_cluster(c, &sc, &cl);
out:
    rds_instance_free_list(m, n);
    rds_cluster_clear(&cl);
    return result;
}

static int op_StopDBCluster(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_cluster cl;
    if (load_cluster(c, &sc, "DBClusterIdentifier", &cl) != SIM_OK)
        return SIM_ERROR;
    int result = SIM_OK;
    if (strcmp(cl.status, "available") != 0) {
        result = call_error(c, "InvalidDBClusterStateFault",
                            "DbCluster %s is in %s state but expected it to be one of "
                            "available.", cl.id, cl.status);
        goto out;
    }
    result = cluster_go(c, &sc, &cl, "stopping", "stop", durations(c).stop_s, NULL);
out:
    rds_cluster_clear(&cl);
    return result;
}

static int op_StartDBCluster(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_cluster cl;
    if (load_cluster(c, &sc, "DBClusterIdentifier", &cl) != SIM_OK)
        return SIM_ERROR;
    int result = SIM_OK;
    if (strcmp(cl.status, "stopped") != 0) {
        result = call_error(c, "InvalidDBClusterStateFault",
                            "DbCluster %s is in %s state but expected it to be one of stopped.",
                            cl.id, cl.status);
        goto out;
    }
    struct rds_durations du = durations(c);
    int64_t next = c->now_ms + (int64_t)du.start_s * 1000;
    if (members_transition(&sc, cl.id, "starting", "start", next, NULL, c->now_ms) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    snprintf(cl.status, sizeof cl.status, "starting");
    snprintf(cl.aux, sizeof cl.aux, "start");
    cl.next_ms = next;
    if (rds_cluster_put(&sc, &cl) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = reply_cluster(c, &sc, &cl);
out:
    rds_cluster_clear(&cl);
    return result;
}

/* ---- instances ---------------------------------------------------------------------------- */

static int class_ok(const char *klass)
{
    return rds_class_memory(klass) > 0;
}

static int bad_combination(struct call *c, const char *klass, const char *version)
{
    return call_error(c, "InvalidParameterCombination",
                      "RDS does not support creating a DB instance with the following "
                      "combination: DBInstanceClass=%s, Engine=%s, EngineVersion=%s, "
                      "LicenseModel=postgresql-license. For supported combinations of instance "
                      "class and database engine version, see the documentation.",
                      klass, RDS_ENGINE, version);
}

static int op_CreateDBInstance(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    cJSON *in = c->in;
    char id[RDS_ID_MAX], family[64], arn[256];
    if (!ident_ok(param_str(in, "DBInstanceIdentifier"), id, sizeof id))
        return bad_ident(c, "DBInstanceIdentifier");
    const char *engine = param_str(in, "Engine");
    const char *klass = param_str(in, "DBInstanceClass");
    if (strcmp(engine, RDS_ENGINE) != 0)
        return call_error(c, "InvalidParameterValue", "Invalid DB engine: %s", engine);
    if (param_str(in, "DBClusterIdentifier") == NULL)
        return call_error(c, "InvalidParameterValue",
                          "The parameter DBClusterIdentifier must be provided and must not be "
                          "blank.");
    struct rds_instance i;
    int rc = rds_instance_get(&sc, id, &i);
    if (rc < 0)
        return rds_store_failed(c);
    if (rc == 0) {
        rds_instance_clear(&i);
        return call_error(c, "DBInstanceAlreadyExists", "DB instance already exists");
    }
    struct rds_cluster cl;
    if (load_cluster(c, &sc, "DBClusterIdentifier", &cl) != SIM_OK)
        return SIM_ERROR;
    memset(&i, 0, sizeof i);
    int result = SIM_OK;
    const char *version = doc_str(cl.doc, "EngineVersion");
    if (param_str(in, "EngineVersion") && strcmp(param_str(in, "EngineVersion"), version)) {
        result = call_error(c, "InvalidParameterCombination",
                            "The engine version that you requested for your DB instance (%s) "
                            "does not match the engine version of your DB cluster (%s).",
                            param_str(in, "EngineVersion"), version);
        goto out;
    }
    if (!class_ok(klass)) {
        result = bad_combination(c, klass, version);
        goto out;
    }
    if (strcmp(cl.status, "deleting") == 0 || strcmp(cl.status, "stopped") == 0 ||
        strcmp(cl.status, "stopping") == 0) {
        result = call_error(c, "InvalidDBClusterStateFault",
                            "The requested DB cluster %s is not in the available state: %s",
                            cl.id, cl.status);
        goto out;
    }
    rds_family_of(version, family, sizeof family);
    if (pick_pg(c, &sc, RDS_PG_DB, "DBParameterGroupName", family, i.pg, sizeof i.pg) !=
        SIM_OK) {
        result = SIM_ERROR;
        goto out;
    }
    struct rds_instance *m = NULL;
    int n = 0, has_writer = 0;
    if (rds_instance_list(&sc, cl.id, &m, &n) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    for (int k = 0; k < n; k++)
        has_writer |= m[k].writer;
    rds_instance_free_list(m, n);
    struct rds_subnet_group g;
    rc = rds_subnet_group_get(&sc, doc_str(cl.doc, "DBSubnetGroup"), &g);
    if (rc != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    const char *az = param_str(in, "AvailabilityZone");
    int nsub = cJSON_GetArraySize(g.subnets);
    const cJSON *pick = nsub > 0 ? cJSON_GetArrayItem(g.subnets, n % nsub) : NULL;
    char azbuf[32] = "";
    if (az == NULL && pick) {
        const char *p = doc_str(cJSON_GetObjectItemCaseSensitive(pick, "SubnetAvailabilityZone"),
                                "Name");
        snprintf(azbuf, sizeof azbuf, "%s", p ? p : "");
        az = azbuf;
    }
    char hash[13], host[256], resid[64];
    rds_endpoint_hash(sc.account, sc.region, hash);
    rds_arn(&sc, "db", id, arn, sizeof arn);
    resource_id(c, "db-", resid, sizeof resid);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "DBInstanceIdentifier", id);
    cJSON_AddStringToObject(d, "Engine", RDS_ENGINE);
    cJSON_AddStringToObject(d, "MasterUsername", doc_str(cl.doc, "MasterUsername"));
    if (doc_str(cl.doc, "DatabaseName"))
        cJSON_AddStringToObject(d, "DBName", doc_str(cl.doc, "DatabaseName"));
    cJSON *ep = cJSON_AddObjectToObject(d, "Endpoint");
    snprintf(host, sizeof host, "%s.%s.%s.rds.amazonaws.com", id, hash, sc.region);
    cJSON_AddStringToObject(ep, "Address", host);
    cJSON_AddNumberToObject(ep, "Port",
                            cJSON_GetObjectItemCaseSensitive(cl.doc, "Port")->valuedouble);
    cJSON_AddStringToObject(ep, "HostedZoneId", HOSTED_ZONE);
    cJSON_AddNumberToObject(d, "AllocatedStorage", 1);
    cJSON_AddNumberToObject(d, "InstanceCreateTime", secs(c->now_ms));
    cJSON_AddStringToObject(d, "PreferredBackupWindow",
                            doc_str(cl.doc, "PreferredBackupWindow"));
    cJSON_AddNumberToObject(
        d, "BackupRetentionPeriod",
        cJSON_GetObjectItemCaseSensitive(cl.doc, "BackupRetentionPeriod")->valuedouble);
    cJSON_AddArrayToObject(d, "DBSecurityGroups");
    cJSON_AddItemToObject(
        d, "VpcSecurityGroups",
        cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cl.doc, "VpcSecurityGroups"), 1));
    cJSON_AddStringToObject(d, "AvailabilityZone", az ? az : "");
    cJSON *sg = cJSON_AddObjectToObject(d, "DBSubnetGroup");
    cJSON_AddStringToObject(sg, "DBSubnetGroupName", g.name);
    cJSON_AddStringToObject(sg, "DBSubnetGroupDescription", g.description);
    cJSON_AddStringToObject(sg, "VpcId", g.vpc_id);
    cJSON_AddStringToObject(sg, "SubnetGroupStatus", "Complete");
    cJSON_AddItemToObject(sg, "Subnets", cJSON_Duplicate(g.subnets, 1));
    rds_subnet_group_clear(&g);
    const char *w = param_str(in, "PreferredMaintenanceWindow");
    cJSON_AddStringToObject(d, "PreferredMaintenanceWindow", w ? w : "sun:09:00-sun:09:30");
    cJSON_AddObjectToObject(d, "PendingModifiedValues");
    cJSON_AddBoolToObject(d, "MultiAZ", 0);
    cJSON_AddStringToObject(d, "EngineVersion", version);
    cJSON_AddBoolToObject(d, "AutoMinorVersionUpgrade",
                          param_bool(in, "AutoMinorVersionUpgrade", 1));
    cJSON_AddArrayToObject(d, "ReadReplicaDBInstanceIdentifiers");
    cJSON_AddStringToObject(d, "LicenseModel", "postgresql-license");
    cJSON *ogs = cJSON_AddArrayToObject(d, "OptionGroupMemberships");
    cJSON *og = cJSON_CreateObject();
    char ogname[64];
    snprintf(ogname, sizeof ogname, "default:aurora-postgresql-%.8s", family + 17);
    cJSON_AddStringToObject(og, "OptionGroupName", ogname);
    cJSON_AddStringToObject(og, "Status", "in-sync");
    cJSON_AddItemToArray(ogs, og);
    cJSON_AddBoolToObject(d, "PubliclyAccessible", param_bool(in, "PubliclyAccessible", 0));
    cJSON_AddStringToObject(d, "StorageType", "aurora");
    cJSON_AddNumberToObject(d, "DbInstancePort", 0);
    cJSON_AddStringToObject(d, "DBClusterIdentifier", cl.id);
    cJSON_AddBoolToObject(
        d, "StorageEncrypted",
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cl.doc, "StorageEncrypted")));
    cJSON_AddStringToObject(d, "DbiResourceId", resid);
    cJSON_AddStringToObject(d, "CACertificateIdentifier", "rds-ca-rsa2048-g1");
    cJSON_AddArrayToObject(d, "DomainMemberships");
    cJSON_AddBoolToObject(d, "CopyTagsToSnapshot", param_bool(in, "CopyTagsToSnapshot", 0));
    cJSON_AddNumberToObject(d, "MonitoringInterval", 0);
    cJSON_AddNumberToObject(d, "PromotionTier", (double)param_int(in, "PromotionTier", 1));
    cJSON_AddStringToObject(d, "DBInstanceArn", arn);
    cJSON_AddBoolToObject(d, "IAMDatabaseAuthenticationEnabled", 0);
    cJSON_AddBoolToObject(d, "PerformanceInsightsEnabled",
                          param_bool(in, "EnablePerformanceInsights", 0));
    cJSON_AddBoolToObject(d, "DeletionProtection", 0);
    cJSON_AddStringToObject(d, "NetworkType", "IPV4");
    snprintf(i.id, sizeof i.id, "%s", id);
    snprintf(i.cluster, sizeof i.cluster, "%s", cl.id);
    snprintf(i.status, sizeof i.status, "creating");
    snprintf(i.aux, sizeof i.aux, "create");
    struct rds_durations du = durations(c);
    i.next_ms = c->now_ms + (int64_t)du.instance_create_s * 1000;
    i.writer = !has_writer;
    snprintf(i.klass, sizeof i.klass, "%s", klass);
    snprintf(i.pg_status, sizeof i.pg_status, "in-sync");
    snprintf(i.cpg_status, sizeof i.cpg_status, "in-sync");
    i.created_ms = c->now_ms;
    i.applied = cJSON_CreateObject();
    i.doc = d;
    if (rds_instance_put(&sc, &i) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = rds_apply_tags(c, &sc, arn, param(in, "Tags"));
    if (result != SIM_OK)
        goto out;
    result = reply_instance(c, &sc, &i);
out:
    rds_instance_clear(&i);
    rds_cluster_clear(&cl);
    return result;
}

static int instance_matches(const struct rds_scope *sc, const cJSON *filters,
                            const struct rds_instance *i)
{
    char arn[256], carn[256];
    rds_arn(sc, "db", i->id, arn, sizeof arn);
    rds_arn(sc, "cluster", i->cluster, carn, sizeof carn);
    const struct filter_field fields[] = {
        {"db-instance-id", i->id, arn},
        {"db-cluster-id", i->cluster, carn},
        {"engine", doc_str(i->doc, "Engine"), NULL},
        {"dbi-resource-id", doc_str(i->doc, "DbiResourceId"), NULL},
    };
    return filters_match(filters, fields, (int)(sizeof fields / sizeof fields[0]));
}

static int op_DescribeDBInstances(struct call *c)
{
    static const char *const filters[] = {"db-instance-id", "db-cluster-id", "engine",
                                          "dbi-resource-id", NULL};
    struct rds_scope sc = rds_scope_of(c);
    int max;
    if (rds_max_records(c, &max) != SIM_OK || check_filters(c, filters) != SIM_OK)
        return SIM_ERROR;
    const char *marker = param_str(c->in, "Marker");
    const cJSON *fl = param(c->in, "Filters");
    if (param_str(c->in, "DBInstanceIdentifier")) {
        struct rds_instance i;
        if (load_instance(c, &sc, "DBInstanceIdentifier", &i) != SIM_OK)
            return SIM_ERROR;
        cJSON *r = render_instance(&sc, &i);
        int ok = instance_matches(&sc, fl, &i);
        rds_instance_clear(&i);
        if (r == NULL)
            return rds_store_failed(c);
        c->out = cJSON_CreateObject();
        cJSON *list = cJSON_AddArrayToObject(c->out, "DBInstances");
        if (ok)
            cJSON_AddItemToArray(list, r);
        else
            cJSON_Delete(r);
        return SIM_OK;
    }
    struct rds_instance *v = NULL;
    int n = 0, count = 0, result = SIM_OK;
    if (rds_instance_list(&sc, NULL, &v, &n) != 0)
        return rds_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "DBInstances");
    for (int k = 0; k < n; k++) {
        if ((marker && strcmp(v[k].id, marker) < 0) || !instance_matches(&sc, fl, &v[k]))
            continue;
        if (count == max) {
            cJSON_AddStringToObject(c->out, "Marker", v[k].id);
            break;
        }
        cJSON *r = render_instance(&sc, &v[k]);
        if (r == NULL) {
            result = rds_store_failed(c);
            break;
        }
        cJSON_AddItemToArray(list, r);
        count++;
    }
    rds_instance_free_list(v, n);
    return result;
}

/* InvalidDBInstanceState in AWS's words (quoted in public trackers): ModifyDBInstance says
 * "Database instance is not in available state.", RebootDBInstance during a management
 * operation "Instance cannot currently reboot due to an in-progress management operation.",
 * otherwise "Instance X is not in available state.". */
static int instance_state(struct call *c, const struct rds_instance *i)
{
    if (strcmp(c->op_name, "ModifyDBInstance") == 0)
        return call_error(c, "InvalidDBInstanceState",
                          "Database instance is not in available state.");
    if (strcmp(c->op_name, "RebootDBInstance") == 0 &&
        (strcmp(i->status, "modifying") == 0 || strcmp(i->status, "rebooting") == 0 ||
         strcmp(i->status, "creating") == 0))
        return call_error(c, "InvalidDBInstanceState",
                          "Instance cannot currently reboot due to an in-progress management "
                          "operation.");
    return call_error(c, "InvalidDBInstanceState", "Instance %s is not in available state.",
                      i->id);
}

static int op_ModifyDBInstance(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    cJSON *in = c->in;
    struct rds_instance i;
    if (load_instance(c, &sc, "DBInstanceIdentifier", &i) != SIM_OK)
        return SIM_ERROR;
    int result = SIM_OK, immediate = param_bool(in, "ApplyImmediately", 0);
    if (strcmp(i.status, "available") != 0) {
        result = instance_state(c, &i);
        goto out;
    }
    const char *version = doc_str(i.doc, "EngineVersion");
    char family[64];
    rds_family_of(version, family, sizeof family);
    const char *klass = param_str(in, "DBInstanceClass");
    if (klass && !class_ok(klass)) {
        result = bad_combination(c, klass, version);
        goto out;
    }
    if (param(in, "DBParameterGroupName")) {
        char name[256];
        if (pick_pg(c, &sc, RDS_PG_DB, "DBParameterGroupName", family, name, sizeof name) !=
            SIM_OK) {
            result = SIM_ERROR;
            goto out;
        }
        if (strcmp(name, i.pg) != 0) {
            snprintf(i.pg, sizeof i.pg, "%s", name);
            snprintf(i.pg_status, sizeof i.pg_status, "pending-reboot");
        }
    }
    if (param(in, "PromotionTier"))
        doc_set(i.doc, "PromotionTier",
                cJSON_CreateNumber((double)param_int(in, "PromotionTier", 1)));
    if (param(in, "AutoMinorVersionUpgrade"))
        doc_set(i.doc, "AutoMinorVersionUpgrade",
                cJSON_CreateBool(param_bool(in, "AutoMinorVersionUpgrade", 1)));
    if (param(in, "DeletionProtection"))
        doc_set(i.doc, "DeletionProtection",
                cJSON_CreateBool(param_bool(in, "DeletionProtection", 0)));
    if (klass && strcmp(klass, i.klass) != 0) {
        if (immediate) {
            struct rds_durations du = durations(c);
            snprintf(i.status, sizeof i.status, "modifying");
            snprintf(i.aux, sizeof i.aux, "class:%s", klass);
            i.next_ms = c->now_ms + (int64_t)du.instance_modify_s * 1000;
            if (rds_event(&sc, c->now_ms, "db-instance", i.id, "db", "configuration change",
                          "Applying modification to database instance class") != 0) {
                result = rds_store_failed(c);
                goto out;
            }
        } else {
            cJSON *pending = cJSON_GetObjectItemCaseSensitive(i.doc, "PendingModifiedValues");
            if (pending == NULL)
                pending = cJSON_AddObjectToObject(i.doc, "PendingModifiedValues");
            doc_set(pending, "DBInstanceClass", cJSON_CreateString(klass));
        }
    }
    if (rds_instance_put(&sc, &i) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = reply_instance(c, &sc, &i);
    if (result == SIM_OK && klass && immediate && strcmp(klass, i.klass) != 0) {
        /* AWS's reply already shows the requested class as pending */
        cJSON *r = cJSON_GetObjectItemCaseSensitive(c->out, "DBInstance");
        cJSON *pending = cJSON_GetObjectItemCaseSensitive(r, "PendingModifiedValues");
        if (pending)
            doc_set(pending, "DBInstanceClass", cJSON_CreateString(klass));
    }
out:
    rds_instance_clear(&i);
    return result;
}

static int op_RebootDBInstance(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_instance i;
    if (load_instance(c, &sc, "DBInstanceIdentifier", &i) != SIM_OK)
        return SIM_ERROR;
    int result = SIM_OK;
    if (strcmp(i.status, "available") != 0) {
        result = instance_state(c, &i);
        goto out;
    }
    if (param_bool(c->in, "ForceFailover", 0)) {
        result = call_error(c, "InvalidParameterCombination",
                            "ForceFailover option is not supported for Aurora DB instances. "
                            "Use FailoverDBCluster instead.");
        goto out;
    }
    struct rds_durations du = durations(c);
    snprintf(i.status, sizeof i.status, "rebooting");
    snprintf(i.aux, sizeof i.aux, "reboot");
    i.next_ms = c->now_ms + (int64_t)du.reboot_s * 1000;
    rds_engine_down(&sc, &i, "reboot", c->now_ms);
    if (rds_instance_put(&sc, &i) != 0 ||
        rds_event(&sc, c->now_ms, "db-instance", i.id, "db", "availability",
                  "DB instance shutdown") != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = reply_instance(c, &sc, &i);
out:
    rds_instance_clear(&i);
    return result;
}

static int op_DeleteDBInstance(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    struct rds_instance i;
    if (load_instance(c, &sc, "DBInstanceIdentifier", &i) != SIM_OK)
        return SIM_ERROR;
    int result = SIM_OK;
    if (strcmp(i.status, "deleting") == 0) {
        result = call_error(c, "InvalidDBInstanceState",
                            "Instance %s is already being deleted.", i.id);
        goto out;
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(i.doc, "DeletionProtection"))) {
        result = call_error(c, "InvalidParameterCombination",
                            "Cannot delete protected DB Instance, please disable deletion "
                            "protection and try again.");
        goto out;
    }
    if (param_str(c->in, "FinalDBSnapshotIdentifier")) {
        result = call_error(c, "InvalidParameterCombination",
                            "FinalDBSnapshotIdentifier can not be specified when deleting a "
                            "cluster instance");
        goto out;
    }
    struct rds_durations du = durations(c);
    snprintf(i.status, sizeof i.status, "deleting");
    snprintf(i.aux, sizeof i.aux, "delete");
    i.next_ms = c->now_ms + (int64_t)du.instance_delete_s * 1000;
    rds_engine_down(&sc, &i, "delete", c->now_ms);
    if (rds_instance_put(&sc, &i) != 0) {
        result = rds_store_failed(c);
        goto out;
    }
    result = reply_instance(c, &sc, &i);
out:
    rds_instance_clear(&i);
    return result;
}

/* ---- events ------------------------------------------------------------------------------- */

struct event_page {
    cJSON *list;
    const cJSON *categories;
    int max;
    int count;
    int64_t next_seq; /* 0 = no more */
};

static int on_event(const struct rds_event *e, void *arg)
{
    struct event_page *p = arg;
    if (cJSON_GetArraySize(p->categories) > 0) {
        const cJSON *want;
        int hit = 0;
        cJSON_ArrayForEach(want, p->categories) {
            if (cJSON_IsString(want) && strstr(e->categories, want->valuestring))
                hit = 1;
        }
        if (!hit)
            return 0;
    }
    if (p->count == p->max) {
        p->next_seq = e->seq;
        return 1;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "SourceIdentifier", e->source_id);
    cJSON_AddStringToObject(o, "SourceType", e->source_type);
    cJSON_AddStringToObject(o, "Message", e->message);
    cJSON *cats = cJSON_AddArrayToObject(o, "EventCategories");
    char buf[256];
    snprintf(buf, sizeof buf, "%s", e->categories);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        cJSON_AddItemToArray(cats, cJSON_CreateString(t));
    cJSON_AddNumberToObject(o, "Date", secs(e->date_ms));
    cJSON_AddStringToObject(o, "SourceArn", e->source_arn);
    cJSON_AddItemToArray(p->list, o);
    p->count++;
    return 0;
}

/* Epoch seconds (a timestamp member) as milliseconds, clamped to years 0..9999. */
static int64_t clamp_ms(double epoch_s)
{
    if (!(epoch_s > -62167219200.0))
        epoch_s = -62167219200.0;
    if (epoch_s > 253402300799.0)
        epoch_s = 253402300799.0;
    return (int64_t)(epoch_s * 1000.0);
}

static int op_DescribeEvents(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    int max;
    if (rds_max_records(c, &max) != SIM_OK)
        return SIM_ERROR;
    const char *type = param_str(c->in, "SourceType");
    const char *given = param_str(c->in, "SourceIdentifier");
    if (given && type == NULL)
        return call_error(c, "InvalidParameterCombination",
                          "Cannot specify source identifier without source type");
    char sid[256] = "";
    if (given) {
        static const struct {
            const char *type, *arn;
        } kinds[] = {{"db-cluster", "cluster"},
                     {"db-instance", "db"},
                     {"db-parameter-group", "pg"},
                     {"db-cluster-parameter-group", "cluster-pg"},
                     {"db-proxy", "db-proxy"}};
        const char *arn_type = "db";
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            if (strcmp(kinds[k].type, type) == 0)
                arn_type = kinds[k].arn;
        }
        if (!resolve(&sc, arn_type, given, sid, sizeof sid))
            snprintf(sid, sizeof sid, "%s", given);
    }
    int64_t to_ms = c->now_ms + 1, from_ms;
    cJSON *st = param(c->in, "StartTime"), *et = param(c->in, "EndTime");
    if (et)
        to_ms = clamp_ms(et->valuedouble) + 1;
    if (st) {
        from_ms = clamp_ms(st->valuedouble);
    } else {
        /* minutes; events are kept 14 days, so a longer Duration reads them all */
        int64_t dur = param_int(c->in, "Duration", 60);
        if (dur < 0)
            dur = 60;
        if (dur > EVENT_KEEP_MS / 60000)
            dur = EVENT_KEEP_MS / 60000;
        from_ms = (et ? to_ms : c->now_ms) - dur * 60 * 1000;
    }
    if (from_ms < c->now_ms - EVENT_KEEP_MS)
        from_ms = c->now_ms - EVENT_KEEP_MS;
    int64_t after = 0;
    const char *marker = param_str(c->in, "Marker");
    if (marker) {
        char *end;
        long long v = strtoll(marker, &end, 10);
        if (*end != '\0' || v <= 0)
            return call_error(c, "InvalidParameterValue", "Invalid marker: %s", marker);
        after = v - 1;
    }
    c->out = cJSON_CreateObject();
    struct event_page p = {cJSON_AddArrayToObject(c->out, "Events"),
                           param(c->in, "EventCategories"), max, 0, 0};
    if (rds_event_scan(&sc, from_ms, to_ms, after, type, given ? sid : NULL, 100000, on_event,
                       &p) != 0)
        return rds_store_failed(c);
    if (p.next_seq) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)p.next_seq);
        cJSON_AddStringToObject(c->out, "Marker", buf);
    }
    return SIM_OK;
}

/* ---- tags --------------------------------------------------------------------------------- */

/* Checks that ResourceName is the ARN of an existing resource of the tenant. Writes the ARN
 * to arn. SIM_OK or SIM_ERROR. */
static int tag_target(struct call *c, const struct rds_scope *sc, char *arn, size_t n)
{
    const char *s = param_str(c->in, "ResourceName");
    static const char *const types[] = {"cluster", "db", "cluster-pg", "pg", "subgrp", NULL};
    for (int k = 0; types[k]; k++) {
        char name[256];
        const char *nm = rds_arn_name(sc, types[k], s);
        if (nm == NULL || nm == s || *nm == '\0' || strlen(nm) >= sizeof name)
            continue;
        snprintf(name, sizeof name, "%s", nm);
        int rc;
        if (k == 0) {
            struct rds_cluster cl;
            rc = rds_cluster_get(sc, name, &cl);
            if (rc == 0)
                rds_cluster_clear(&cl);
            if (rc == 1)
                return cluster_not_found(c, name);
        } else if (k == 1) {
            struct rds_instance i;
            rc = rds_instance_get(sc, name, &i);
            if (rc == 0)
                rds_instance_clear(&i);
            if (rc == 1)
                return instance_not_found(c, name);
        } else if (k == 2 || k == 3) {
            struct rds_pg g;
            const char *kind = k == 2 ? RDS_PG_CLUSTER : RDS_PG_DB;
            /* default groups are rows made on first use */
            if (strncmp(name, "default.", 8) == 0 && rds_family_known(name + 8) &&
                rds_ensure_default_pg(sc, kind, name + 8, c->now_ms) != 0)
                return rds_store_failed(c);
            rc = rds_pg_get(sc, kind, name, &g);
            if (rc == 1)
                return pg_not_found(c, k == 2, name);
        } else {
            struct rds_subnet_group g;
            rc = rds_subnet_group_get(sc, name, &g);
            if (rc == 0)
                rds_subnet_group_clear(&g);
            if (rc == 1)
                return subnet_group_not_found(c, name);
        }
        if (rc < 0)
            return rds_store_failed(c);
        snprintf(arn, n, "%s", s);
        return SIM_OK;
    }
    /* RDS Proxy's resources (sim/store/rds_proxy.h): proxies and proxy endpoints */
    if (rds_arn_name(sc, "db-proxy", s) != s && rds_arn_name(sc, "db-proxy", s) != NULL) {
        struct rds_proxy_scope ps = {sc->st, sc->account, sc->region};
        int rc = store_rds_proxy_arn_exists(&ps, s);
        if (rc < 0)
            return rds_store_failed(c);
        if (rc == 1)
            return call_error(c, "DBProxyNotFoundFault", "DBProxy %s not found.",
                              rds_arn_name(sc, "db-proxy", s));
        snprintf(arn, n, "%s", s);
        return SIM_OK;
    }
    if (rds_arn_name(sc, "db-proxy-endpoint", s) != s &&
        rds_arn_name(sc, "db-proxy-endpoint", s) != NULL) {
        struct rds_proxy_scope ps = {sc->st, sc->account, sc->region};
        int rc = store_rds_proxy_arn_exists(&ps, s);
        if (rc < 0)
            return rds_store_failed(c);
        if (rc == 1)
            return call_error(c, "DBProxyEndpointNotFoundFault",
                              "DBProxyEndpoint %s not found.",
                              rds_arn_name(sc, "db-proxy-endpoint", s));
        snprintf(arn, n, "%s", s);
        return SIM_OK;
    }
    return call_error(c, "InvalidParameterValue",
                      "The specified resource name does not match an RDS resource in this "
                      "region.");
}

static int op_AddTagsToResource(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    char arn[320];
    if (tag_target(c, &sc, arn, sizeof arn) != SIM_OK)
        return SIM_ERROR;
    return rds_apply_tags(c, &sc, arn, param(c->in, "Tags"));
}

static int op_ListTagsForResource(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    char arn[320];
    if (tag_target(c, &sc, arn, sizeof arn) != SIM_OK)
        return SIM_ERROR;
    cJSON *tags = rds_tag_list(&sc, arn);
    if (tags == NULL)
        return rds_store_failed(c);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "TagList", tags);
    return SIM_OK;
}

static int op_RemoveTagsFromResource(struct call *c)
{
    struct rds_scope sc = rds_scope_of(c);
    char arn[320];
    if (tag_target(c, &sc, arn, sizeof arn) != SIM_OK)
        return SIM_ERROR;
    const cJSON *k;
    cJSON_ArrayForEach(k, param(c->in, "TagKeys")) {
        if (cJSON_IsString(k) && rds_tag_unset(&sc, arn, k->valuestring) != 0)
            return rds_store_failed(c);
    }
    return SIM_OK;
}

/* ---- the op table --------------------------------------------------------------------------- */

static const struct sim_op rds_ops[] = {
    /* clusters and instances */
    {"CreateDBCluster", op_CreateDBCluster, OP_WRITE},
    {"DescribeDBClusters", op_DescribeDBClusters, OP_READ},
    {"ModifyDBCluster", op_ModifyDBCluster, OP_WRITE},
    {"DeleteDBCluster", op_DeleteDBCluster, OP_WRITE},
    {"RebootDBCluster", op_RebootDBCluster, OP_WRITE},
    {"FailoverDBCluster", op_FailoverDBCluster, OP_WRITE},
    {"StartDBCluster", op_StartDBCluster, OP_WRITE},
    {"StopDBCluster", op_StopDBCluster, OP_WRITE},
    {"CreateDBInstance", op_CreateDBInstance, OP_WRITE},
    {"DescribeDBInstances", op_DescribeDBInstances, OP_READ},
    {"ModifyDBInstance", op_ModifyDBInstance, OP_WRITE},
    {"RebootDBInstance", op_RebootDBInstance, OP_WRITE},
    {"DeleteDBInstance", op_DeleteDBInstance, OP_WRITE},
    /* subnet groups, events, tags */
    {"CreateDBSubnetGroup", op_CreateDBSubnetGroup, OP_WRITE},
    /* DescribeDBSubnetGroups writes the default group on first use */
    {"DescribeDBSubnetGroups", op_DescribeDBSubnetGroups, OP_WRITE},
    {"DeleteDBSubnetGroup", op_DeleteDBSubnetGroup, OP_WRITE},
    {"DescribeEvents", op_DescribeEvents, OP_READ},
    {"AddTagsToResource", op_AddTagsToResource, OP_WRITE},
    {"ListTagsForResource", op_ListTagsForResource, OP_READ},
    {"RemoveTagsFromResource", op_RemoveTagsFromResource, OP_WRITE},
    /* rds_params.c (DescribeDB*Parameter* write the default groups on first use) */
    {"CreateDBClusterParameterGroup", rds_op_CreateDBClusterParameterGroup, OP_WRITE},
    {"DescribeDBClusterParameterGroups", rds_op_DescribeDBClusterParameterGroups, OP_WRITE},
    {"DescribeDBClusterParameters", rds_op_DescribeDBClusterParameters, OP_WRITE},
    {"ModifyDBClusterParameterGroup", rds_op_ModifyDBClusterParameterGroup, OP_WRITE},
    {"ResetDBClusterParameterGroup", rds_op_ResetDBClusterParameterGroup, OP_WRITE},
    {"DeleteDBClusterParameterGroup", rds_op_DeleteDBClusterParameterGroup, OP_WRITE},
    {"CreateDBParameterGroup", rds_op_CreateDBParameterGroup, OP_WRITE},
    {"DescribeDBParameterGroups", rds_op_DescribeDBParameterGroups, OP_WRITE},
    {"DescribeDBParameters", rds_op_DescribeDBParameters, OP_WRITE},
    {"ModifyDBParameterGroup", rds_op_ModifyDBParameterGroup, OP_WRITE},
    {"ResetDBParameterGroup", rds_op_ResetDBParameterGroup, OP_WRITE},
    {"DeleteDBParameterGroup", rds_op_DeleteDBParameterGroup, OP_WRITE},
    {"DescribeDBEngineVersions", rds_op_DescribeDBEngineVersions, OP_READ},
    /* rds_proxy.c */
    {"CreateDBProxy", rds_op_CreateDBProxy, OP_WRITE},
    {"DescribeDBProxies", rds_op_DescribeDBProxies, OP_READ},
    {"ModifyDBProxy", rds_op_ModifyDBProxy, OP_WRITE},
    {"DeleteDBProxy", rds_op_DeleteDBProxy, OP_WRITE},
    {"RegisterDBProxyTargets", rds_op_RegisterDBProxyTargets, OP_WRITE},
    {"DeregisterDBProxyTargets", rds_op_DeregisterDBProxyTargets, OP_WRITE},
    {"DescribeDBProxyTargets", rds_op_DescribeDBProxyTargets, OP_READ},
    {"DescribeDBProxyTargetGroups", rds_op_DescribeDBProxyTargetGroups, OP_READ},
    {"ModifyDBProxyTargetGroup", rds_op_ModifyDBProxyTargetGroup, OP_WRITE},
    {"CreateDBProxyEndpoint", rds_op_CreateDBProxyEndpoint, OP_WRITE},
    {"DescribeDBProxyEndpoints", rds_op_DescribeDBProxyEndpoints, OP_READ},
    {"ModifyDBProxyEndpoint", rds_op_ModifyDBProxyEndpoint, OP_WRITE},
    {"DeleteDBProxyEndpoint", rds_op_DeleteDBProxyEndpoint, OP_WRITE},
    {NULL, NULL, 0},
};

struct sim_service service_rds = {
    .name = "rds",
    .ops = rds_ops,
    .vstyle = VS_QUERY,
};
