/*
 * rds_proxy.c - Amazon RDS Proxy (part of the awsQuery RDS service; the op-table rows are in
 * rds.c): proxies, their default target group and its targets, and user-defined proxy
 * endpoints.
 *
 * The handlers check what AWS checks when the call is made and leave the rows to
 * sim/store/rds_proxy.c and the lifecycle to sim/engine/rds_proxy.c:
 *   - at the call (the call fails): the name rules and enums (the model, validate.c), a name
 *     already taken (DBProxyAlreadyExistsFault), the format of every SecretArn
 *     (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME) and of RoleArn
 *     (arn:aws:iam::ACCOUNT:role/NAME), UserName with the SECRETS scheme, a
 *     ClientPasswordAuthType of another engine family, subnets that do not exist in EC2 or are
 *     not in one VPC or cover fewer than two Availability Zones (InvalidSubnet), security
 *     groups that do not exist in that VPC, IdleClientTimeout outside 1..28800, the quota of 20
 *     proxies per Region. With several problems the first in the request's member order wins:
 *     Auth, RoleArn, VpcSubnetIds, VpcSecurityGroupIds (AWS's own order is not documented);
 *   - later, in TargetHealth (the engine): a secret that does not exist, is scheduled for
 *     deletion or holds no JSON username/password, and a role that does not exist or does not
 *     trust rds.amazonaws.com -> UNAVAILABLE / AUTH_FAILURE.
 * A proxy moves creating -> available, modifying -> available and deleting -> gone on the
 * team's clock; so do user-defined endpoints. The default endpoint of a proxy is not a row:
 * DescribeDBProxyEndpoints lists it as "default" (IsDefault true).
 *
 * Listings are small (20 proxies per Region, 20 endpoints per proxy, 32 targets), so a
 * Describe builds its whole answer and Marker is the offset of the next page.
 *
 * Error texts marked "unverified" in tests/e2e/test_rds_proxy.py are drillsim's wording where
 * no AWS text could be found; the codes and HTTP statuses are the model's.
 *
 * To add an operation: add it to sim/services/models/ops.json, write rds_op_<Name> here,
 * declare it in rds_int.h, add its row to the op table in rds.c and cover it in
 * tests/e2e/test_rds_proxy.py.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine/rds_proxy.h"
#include "services/params.h"
#include "services/rds_int.h"
#include "sim.h"
#include "store/ec2.h"
#include "store/rds.h"
#include "store/rds_proxy.h"
#include "store/store.h"
#include "util/rand.h"
#include "util/str.h"
#include "util/xmalloc.h"

#define PROXY_QUOTA 20
#define ENDPOINT_QUOTA 20
#define IDLE_CLIENT_TIMEOUT_MAX 28800
#define MAX_SUBNETS 16
#define MAX_SGS 5
#define MAX_RECORDS_DEFAULT 100
/* ConnectionPoolConfiguration, RDS API reference: "Must be between 0 and 300." */
#define BORROW_TIMEOUT_MAX 300

/* ---- helpers ------------------------------------------------------------------------------ */

static struct rds_proxy_scope scope_of(struct call *c)
{
    struct rds_proxy_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

static struct rds_scope rds_scope(struct call *c)
{
    struct rds_scope sc = {c->sim->store, c->tenant.account, c->tenant.region};
    return sc;
}

static int store_failed(struct call *c)
{
    return call_error(c, "InternalFailure", "The request processing has failed because of an "
                                            "unknown error, exception or failure.");
}

static void durations(struct call *c, struct rds_proxy_durations *d)
{
    rds_proxy_durations_of(&c->team->timing, d);
}

/* Writes prefix and 17 random lower-case hex digits from the team's id generator. */
static void random_id(struct call *c, const char *prefix, char *out, size_t n)
{
    uint64_t v = rng_next(&c->team->ids);
    uint64_t w = rng_next(&c->team->ids);
    snprintf(out, n, "%s%01x%016llx", prefix, (unsigned)(w & 0xf), (unsigned long long)v);
}

/* Reads the proxy named name or records DBProxyNotFoundFault. Returns SIM_OK / SIM_ERROR. */
static int proxy_get(struct call *c, const char *name, struct rds_proxy_row *out)
{
    struct rds_proxy_scope sc = scope_of(c);
    int rc = store_rds_proxy_get(&sc, name ? name : "", out);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "DBProxyNotFoundFault", "DBProxy %s not found.", name ? name : "");
    return SIM_OK;
}

/* MaxRecords (20..100, the model checks the range) and Marker (an offset). Returns SIM_OK or
 * SIM_ERROR. */
static int paging(struct call *c, int *offset, int *limit)
{
    *limit = (int)param_int(c->in, "MaxRecords", MAX_RECORDS_DEFAULT);
    *offset = 0;
    const char *m = param_str(c->in, "Marker");
    if (m && *m) {
        char *end = NULL;
        long v = strtol(m, &end, 10);
        if (*end != '\0' || v < 0 || v > 100000)
            return call_error(c, "InvalidParameterValue", "The parameter Marker is not valid.");
        *offset = (int)v;
    }
    return SIM_OK;
}

/* Moves items [offset, offset+limit) of all into a new array under key in c->out and sets
 * Marker when more follow. Takes ownership of all. */
static void page_out(struct call *c, const char *key, cJSON *all, int offset, int limit)
{
    cJSON *page = cJSON_CreateArray();
    int n = cJSON_GetArraySize(all);
    for (int i = offset; i < n && i < offset + limit; i++)
        cJSON_AddItemToArray(page, cJSON_DetachItemFromArray(all, offset));
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, key, page);
    if (offset + limit < n) {
        char m[24];
        snprintf(m, sizeof m, "%d", offset + limit);
        cJSON_AddStringToObject(c->out, "Marker", m);
    }
    cJSON_Delete(all);
}

/* Returns 1 if s is prefix followed by exactly 12 digits (an account id) ending at ':' and
 * leaves *rest after the ':'. */
static int account_field(const char *s, const char **rest)
{
    for (int i = 0; i < 12; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    if (s[12] != ':')
        return 0;
    *rest = s + 13;
    return 1;
}

/* Returns 1 for a region-shaped field ("us-east-1") ending at ':', leaving *rest after it. */
static int region_field(const char *s, const char **rest)
{
    const char *colon = strchr(s, ':');
    if (colon == NULL || colon == s || colon - s > 30)
        return 0;
    int dashes = 0;
    for (const char *p = s; p < colon; p++) {
        if (*p == '-')
            dashes++;
        else if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
            return 0;
    }
    if (dashes < 2 || !isdigit((unsigned char)colon[-1]))
        return 0;
    *rest = colon + 1;
    return 1;
}

/* Returns 1 if arn is a well-formed Secrets Manager secret ARN. */
static int secret_arn_ok(const char *arn)
{
    const char *p;
    if (strncmp(arn, "arn:aws:secretsmanager:", 23) != 0)
        return 0;
    if (!region_field(arn + 23, &p) || !account_field(p, &p))
        return 0;
    if (strncmp(p, "secret:", 7) != 0 || p[7] == '\0')
        return 0;
    for (p += 7; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+=.@-", *p))
            return 0;
    return 1;
}

/* Returns 1 if arn is a well-formed IAM role ARN. */
static int role_arn_ok(const char *arn)
{
    const char *p;
    if (strncmp(arn, "arn:aws:iam::", 13) != 0 || !account_field(arn + 13, &p))
        return 0;
    if (strncmp(p, "role/", 5) != 0)
        return 0;
    const char *name = strrchr(p, '/') + 1;
    if (*name == '\0' || strlen(name) > 64)
        return 0;
    for (p += 5; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+=,.@-", *p))
            return 0;
    return 1;
}

/* The ClientPasswordAuthType values of an engine family. */
static int password_type_fits(const char *family, const char *type)
{
    if (strcmp(family, "POSTGRESQL") == 0)
        return strncmp(type, "POSTGRES_", 9) == 0;
    if (strcmp(family, "MYSQL") == 0)
        return strncmp(type, "MYSQL_", 6) == 0;
    return strcmp(type, "SQL_SERVER_AUTHENTICATION") == 0;
}

/*
 * Validates an Auth list and returns the stored form (a new array; caller deletes) in *out,
 * or records the error. Returns SIM_OK / SIM_ERROR.
 */
static int check_auth(struct call *c, const cJSON *auth, const char *family, cJSON **out)
{
    *out = cJSON_CreateArray();
    const cJSON *a;
    cJSON_ArrayForEach(a, auth)
    {
        const char *scheme = param_str(a, "AuthScheme");
        const char *secret = param_str(a, "SecretArn");
        const char *user = param_str(a, "UserName");
        const char *iam = param_str(a, "IAMAuth");
        const char *cpat = param_str(a, "ClientPasswordAuthType");
        const char *desc = param_str(a, "Description");
        if (user && (scheme == NULL || strcmp(scheme, "SECRETS") == 0)) {
            cJSON_Delete(*out);
            *out = NULL;
            return call_error(c, "InvalidParameterValue",
                              "UserName must not be set in UserAuthConfig when SECRETS "
                              "AuthScheme is used.");
        }
        if (secret == NULL || !secret_arn_ok(secret)) {
            cJSON_Delete(*out);
            *out = NULL;
            return call_error(c, "InvalidParameterValue", "Invalid SecretArn: %s",
                              secret ? secret : "null");
        }
        if (cpat && !password_type_fits(family, cpat)) {
            cJSON_Delete(*out);
            *out = NULL;
            return call_error(c, "InvalidParameterCombination",
                              "ClientPasswordAuthType %s is not supported for engine family %s.",
                              cpat, family);
        }
        cJSON *item = cJSON_CreateObject();
        if (desc)
            cJSON_AddStringToObject(item, "Description", desc);
        cJSON_AddStringToObject(item, "AuthScheme", scheme ? scheme : "SECRETS");
        cJSON_AddStringToObject(item, "SecretArn", secret);
        cJSON_AddStringToObject(item, "IAMAuth", iam ? iam : "DISABLED");
        if (cpat)
            cJSON_AddStringToObject(item, "ClientPasswordAuthType", cpat);
        cJSON_AddItemToArray(*out, item);
    }
    return SIM_OK;
}

static int check_role(struct call *c, const char *role)
{
    if (!role_arn_ok(role))
        return call_error(c, "InvalidParameterValue", "Invalid RoleArn: %s", role);
    return SIM_OK;
}

/*
 * Checks that every subnet id of list exists and that they share one VPC and cover at least
 * min_azs Availability Zones (want_vpc, if not NULL, must be that VPC). Writes the VPC into
 * vpc and a new array of the ids into *ids. Returns SIM_OK / SIM_ERROR.
 */
static int check_subnets(struct call *c, const cJSON *list, const char *want_vpc, int min_azs,
                         char vpc[32], cJSON **ids)
{
    char azs[MAX_SUBNETS][32];
    int nazs = 0, n = 0;
    vpc[0] = '\0';
    *ids = NULL;
    const cJSON *s;
    cJSON_ArrayForEach(s, list)
    {
        const char *id = cJSON_IsString(s) ? s->valuestring : "";
        if (++n > MAX_SUBNETS)
            return call_error(c, "InvalidSubnet", "Too many subnets: at most %d.", MAX_SUBNETS);
        struct ec2_subnet sub;
        int rc = ec2_find_subnet(c->sim->store, c->tenant.account, c->tenant.region, id, &sub);
        if (rc < 0)
            return store_failed(c);
        if (rc == 1)
            return call_error(c, "InvalidSubnet", "The subnet %s does not exist.", id);
        if (vpc[0] == '\0')
            str_copy(vpc, 32, sub.vpc_id);
        if (strcmp(vpc, sub.vpc_id) != 0 || (want_vpc && strcmp(want_vpc, sub.vpc_id) != 0))
            return call_error(c, "InvalidSubnet",
                              "The subnets must all be in the same VPC as %s.",
                              want_vpc ? "the proxy" : "each other");
        int seen = 0;
        for (int i = 0; i < nazs; i++)
            seen |= strcmp(azs[i], sub.az) == 0;
        if (!seen)
            str_copy(azs[nazs++], sizeof azs[0], sub.az);
    }
    if (n == 0)
        return call_error(c, "InvalidSubnet", "At least one subnet is required.");
    if (nazs < min_azs)
        return call_error(c, "InvalidSubnet",
                          "The subnets must cover at least %d Availability Zones.", min_azs);
    *ids = cJSON_Duplicate(list, 1);
    return SIM_OK;
}

/* Checks the security group ids of list (they must exist in vpc) and writes a new array of
 * them into *ids; without any, the VPC's default group. Returns SIM_OK / SIM_ERROR. */
static int check_sgs(struct call *c, const cJSON *list, const char *vpc, cJSON **ids)
{
    *ids = NULL;
    int n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, list)
    {
        const char *id = cJSON_IsString(s) ? s->valuestring : "";
        if (++n > MAX_SGS)
            return call_error(c, "InvalidParameterValue",
                              "Too many security groups: at most %d.", MAX_SGS);
        struct ec2_security_group g;
        int rc = ec2_find_security_group(c->sim->store, c->tenant.account, c->tenant.region, id,
                                         &g);
        if (rc < 0)
            return store_failed(c);
        if (rc == 1 || strcmp(g.vpc_id, vpc) != 0)
            return call_error(c, "InvalidParameterValue",
                              "The security group %s does not exist in VPC %s.", id, vpc);
    }
    if (n > 0) {
        *ids = cJSON_Duplicate(list, 1);
        return SIM_OK;
    }
    struct ec2_sg *all = NULL;
    int count = 0;
    if (ec2_list_security_groups(c->sim->store, c->tenant.account, c->tenant.region, &all,
                                 &count) != 0)
        return store_failed(c);
    *ids = cJSON_CreateArray();
    for (int i = 0; i < count; i++)
        if (strcmp(all[i].g.vpc_id, vpc) == 0 && strcmp(all[i].g.name, "default") == 0)
            cJSON_AddItemToArray(*ids, cJSON_CreateString(all[i].g.id));
    ec2_free_security_groups(all, count);
    return SIM_OK;
}

/* Validates a Tags list (keys 1..128 characters, not "aws:", at most 50) and stores them on
 * arn. Returns SIM_OK / SIM_ERROR. */
static int put_tags(struct call *c, const char *arn, const cJSON *tags)
{
    if (cJSON_GetArraySize(tags) > 50)
        return call_error(c, "TagQuotaPerResourceExceeded",
                          "Cannot have more than 50 tags on a resource.");
    struct rds_proxy_scope sc = scope_of(c);
    const cJSON *t;
    cJSON_ArrayForEach(t, tags)
    {
        const char *k = param_str(t, "Key");
        const char *v = param_str(t, "Value");
        if (k == NULL || *k == '\0' || strlen(k) > 128)
            return call_error(c, "InvalidParameterValue",
                              "Tag key must be between 1 and 128 characters.");
        if (strncmp(k, "aws:", 4) == 0)
            return call_error(c, "InvalidParameterValue",
                              "Tag keys must not start with the prefix aws:.");
        if (v && strlen(v) > 256)
            return call_error(c, "InvalidParameterValue",
                              "Tag value must be at most 256 characters.");
        if (store_rds_proxy_tag(&sc, arn, k, v ? v : "") != 0)
            return store_failed(c);
    }
    return SIM_OK;
}

/* ---- documents ---------------------------------------------------------------------------- */

static void add_time(cJSON *o, const char *key, int64_t ms)
{
    cJSON_AddNumberToObject(o, key, (double)ms / 1000.0);
}

/* The DBProxy document of row r (a new object). */
static cJSON *proxy_doc(const struct rds_proxy_row *r)
{
    cJSON *config = cJSON_Parse(r->config ? r->config : "{}");
    if (config == NULL)
        config = cJSON_CreateObject();
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "DBProxyName", r->name);
    cJSON_AddStringToObject(d, "DBProxyArn", r->arn);
    cJSON_AddStringToObject(d, "Status", r->status);
    static const char *const keys[] = {"EngineFamily", "VpcId", "VpcSecurityGroupIds",
                                       "VpcSubnetIds", "DefaultAuthScheme", "Auth", "RoleArn"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(config, keys[i]);
        if (v)
            cJSON_AddItemToObject(d, keys[i], cJSON_Duplicate(v, 1));
    }
    cJSON_AddStringToObject(d, "Endpoint", r->endpoint);
    static const char *const tail[] = {"RequireTLS", "IdleClientTimeout", "DebugLogging"};
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(config, tail[i]);
        if (v)
            cJSON_AddItemToObject(d, tail[i], cJSON_Duplicate(v, 1));
    }
    add_time(d, "CreatedDate", r->created_ms);
    add_time(d, "UpdatedDate", r->updated_ms);
    static const char *const net[] = {"EndpointNetworkType", "TargetConnectionNetworkType"};
    for (size_t i = 0; i < sizeof net / sizeof net[0]; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(config, net[i]);
        if (v)
            cJSON_AddItemToObject(d, net[i], cJSON_Duplicate(v, 1));
    }
    cJSON_Delete(config);
    return d;
}

static void out_proxy(struct call *c, const struct rds_proxy_row *r)
{
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBProxy", proxy_doc(r));
}

/* The DBProxyTarget document of t. */
static cJSON *target_doc(const struct rds_proxy_target *t)
{
    cJSON *d = cJSON_CreateObject();
    if (t->target_arn[0])
        cJSON_AddStringToObject(d, "TargetArn", t->target_arn);
    if (t->endpoint[0])
        cJSON_AddStringToObject(d, "Endpoint", t->endpoint);
    if (t->cluster_id[0])
        cJSON_AddStringToObject(d, "TrackedClusterId", t->cluster_id);
    cJSON_AddStringToObject(d, "RdsResourceId", t->rds_id);
    cJSON_AddNumberToObject(d, "Port", t->port);
    cJSON_AddStringToObject(d, "Type", t->type);
    if (strcmp(t->type, "RDS_INSTANCE") == 0) {
        if (t->role[0])
            cJSON_AddStringToObject(d, "Role", t->role);
        cJSON *h = cJSON_AddObjectToObject(d, "TargetHealth");
        cJSON_AddStringToObject(h, "State", t->state);
        if (t->reason[0])
            cJSON_AddStringToObject(h, "Reason", t->reason);
        if (t->description[0])
            cJSON_AddStringToObject(h, "Description", t->description);
    }
    return d;
}

/* The DBProxyTargetGroup document of proxy r. */
static cJSON *target_group_doc(const struct rds_proxy_row *r)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "DBProxyName", r->name);
    cJSON_AddStringToObject(d, "TargetGroupName", RDS_PROXY_DEFAULT_TG);
    cJSON_AddStringToObject(d, "TargetGroupArn", r->tg_arn);
    cJSON_AddBoolToObject(d, "IsDefault", 1);
    cJSON_AddStringToObject(d, "Status", "available");
    cJSON *pool = cJSON_Parse(r->tg_pool ? r->tg_pool : "{}");
    cJSON_AddItemToObject(d, "ConnectionPoolConfig", pool ? pool : cJSON_CreateObject());
    add_time(d, "CreatedDate", r->tg_created_ms);
    add_time(d, "UpdatedDate", r->tg_updated_ms);
    return d;
}

static cJSON *json_array_of(const char *text)
{
    cJSON *a = cJSON_Parse(text ? text : "[]");
    return a ? a : cJSON_CreateArray();
}

/* The DBProxyEndpoint document of a user-defined endpoint (proxy_name: its proxy's name). */
static cJSON *endpoint_doc(const struct rds_proxy_endpoint *e, const char *proxy_name)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "DBProxyEndpointName", e->name);
    cJSON_AddStringToObject(d, "DBProxyEndpointArn", e->arn);
    cJSON_AddStringToObject(d, "DBProxyName", proxy_name);
    cJSON_AddStringToObject(d, "Status", e->status);
    cJSON_AddStringToObject(d, "VpcId", e->vpc_id);
    cJSON_AddItemToObject(d, "VpcSecurityGroupIds", json_array_of(e->sgs));
    cJSON_AddItemToObject(d, "VpcSubnetIds", json_array_of(e->subnets));
    cJSON_AddStringToObject(d, "Endpoint", e->endpoint);
    add_time(d, "CreatedDate", e->created_ms);
    cJSON_AddStringToObject(d, "TargetRole", e->target_role);
    cJSON_AddBoolToObject(d, "IsDefault", 0);
    cJSON_AddStringToObject(d, "EndpointNetworkType", e->network_type[0] ? e->network_type
                                                                          : "IPV4");
    return d;
}

/* The default endpoint of proxy r as a DBProxyEndpoint document. */
static cJSON *default_endpoint_doc(const struct rds_proxy_row *r)
{
    cJSON *config = cJSON_Parse(r->config ? r->config : "{}");
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "DBProxyEndpointName", "default");
    cJSON_AddStringToObject(d, "DBProxyName", r->name);
    cJSON_AddStringToObject(d, "Status", r->status);
    static const char *const keys[] = {"VpcId", "VpcSecurityGroupIds", "VpcSubnetIds"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(config, keys[i]);
        if (v)
            cJSON_AddItemToObject(d, keys[i], cJSON_Duplicate(v, 1));
    }
    cJSON_AddStringToObject(d, "Endpoint", r->endpoint);
    add_time(d, "CreatedDate", r->created_ms);
    cJSON_AddStringToObject(d, "TargetRole", "READ_WRITE");
    cJSON_AddBoolToObject(d, "IsDefault", 1);
    cJSON *net = cJSON_GetObjectItemCaseSensitive(config, "EndpointNetworkType");
    cJSON_AddStringToObject(d, "EndpointNetworkType",
                            cJSON_IsString(net) ? net->valuestring : "IPV4");
    cJSON_Delete(config);
    return d;
}

/* ---- proxies ------------------------------------------------------------------------------ */

int rds_op_CreateDBProxy(struct call *c)
{
    const char *name = param_str(c->in, "DBProxyName");
    const char *family = param_str(c->in, "EngineFamily");
    const char *role = param_str(c->in, "RoleArn");
    const char *dflt_scheme = param_str(c->in, "DefaultAuthScheme");
    const cJSON *auth_in = param(c->in, "Auth");
    int64_t idle = param_int(c->in, "IdleClientTimeout", 1800);
    struct rds_proxy_scope sc = scope_of(c);
    cJSON *auth = NULL, *subnets = NULL, *sgs = NULL, *config = NULL;
    char *config_text = NULL, *pool_text = NULL;
    int rc = SIM_ERROR;

    struct rds_proxy_row existing = {0};
    int got = store_rds_proxy_get(&sc, name, &existing);
    store_rds_proxy_clear(&existing);
    if (got < 0)
        return store_failed(c);
    if (got == 0)
        return call_error(c, "DBProxyAlreadyExistsFault",
                          "Cannot create the DBProxy because a DBProxy with the name %s "
                          "already exists.", name);
    int count = 0;
    if (store_rds_proxy_count(&sc, &count) != 0)
        return store_failed(c);
    if (count >= PROXY_QUOTA)
        return call_error(c, "DBProxyQuotaExceededFault",
                          "The request would result in the user exceeding the allowed number "
                          "of DB proxies.");
    if (cJSON_GetArraySize(auth_in) == 0 &&
        (dflt_scheme == NULL || strcmp(dflt_scheme, "IAM_AUTH") != 0))
        return call_error(c, "InvalidParameterValue",
                          "Auth must be specified unless DefaultAuthScheme is IAM_AUTH.");
    if (check_auth(c, auth_in, family, &auth) != SIM_OK)
        goto out;
    if (check_role(c, role) != SIM_OK)
        goto out;
    char vpc[32];
    if (check_subnets(c, param(c->in, "VpcSubnetIds"), NULL, 2, vpc, &subnets) != SIM_OK)
        goto out;
    if (check_sgs(c, param(c->in, "VpcSecurityGroupIds"), vpc, &sgs) != SIM_OK)
        goto out;
    if (idle < 1 || idle > IDLE_CLIENT_TIMEOUT_MAX) {
        call_error(c, "InvalidParameterValue",
                   "IdleClientTimeout must be between 1 and %d seconds.",
                   IDLE_CLIENT_TIMEOUT_MAX);
        goto out;
    }

    config = cJSON_CreateObject();
    cJSON_AddStringToObject(config, "EngineFamily", family);
    cJSON_AddStringToObject(config, "VpcId", vpc);
    cJSON_AddItemToObject(config, "VpcSecurityGroupIds", sgs);
    sgs = NULL;
    cJSON_AddItemToObject(config, "VpcSubnetIds", subnets);
    subnets = NULL;
    cJSON_AddStringToObject(config, "DefaultAuthScheme", dflt_scheme ? dflt_scheme : "NONE");
    cJSON_AddItemToObject(config, "Auth", auth);
    auth = NULL;
    cJSON_AddStringToObject(config, "RoleArn", role);
    cJSON_AddBoolToObject(config, "RequireTLS", param_bool(c->in, "RequireTLS", 0));
    cJSON_AddNumberToObject(config, "IdleClientTimeout", (double)idle);
    cJSON_AddBoolToObject(config, "DebugLogging", param_bool(c->in, "DebugLogging", 0));
    const char *ent = param_str(c->in, "EndpointNetworkType");
    const char *tnt = param_str(c->in, "TargetConnectionNetworkType");
    cJSON_AddStringToObject(config, "EndpointNetworkType", ent ? ent : "IPV4");
    cJSON_AddStringToObject(config, "TargetConnectionNetworkType", tnt ? tnt : "IPV4");
    config_text = cJSON_PrintUnformatted(config);
    /* the documented defaults: 10 % / 5 % for SQL Server, 100 % / 50 % for the others */
    int sqlserver = strcmp(family, "SQLSERVER") == 0;
    pool_text = xasprintf("{\"MaxConnectionsPercent\":%d,\"MaxIdleConnectionsPercent\":%d,"
                          "\"ConnectionBorrowTimeout\":120,\"SessionPinningFilters\":[]}",
                          sqlserver ? 10 : 100, sqlserver ? 5 : 50);

    struct rds_proxy_durations d;
    durations(c, &d);
    struct rds_proxy_row r = {0};
    str_copy(r.name, sizeof r.name, name);
    char id[40];
    random_id(c, "prx-", id, sizeof id);
    snprintf(r.arn, sizeof r.arn, "arn:aws:rds:%s:%s:db-proxy:%s", sc.region, sc.account, id);
    random_id(c, "prx-tg-", id, sizeof id);
    snprintf(r.tg_arn, sizeof r.tg_arn, "arn:aws:rds:%s:%s:target-group:%s", sc.region,
             sc.account, id);
    snprintf(r.status, sizeof r.status, "creating");
    char hash[13];
    rds_endpoint_hash(sc.account, sc.region, hash);
    str_copy(r.host_hash, sizeof r.host_hash, hash);
    snprintf(r.endpoint, sizeof r.endpoint, "%s.proxy-%s.%s.rds.amazonaws.com", name, hash,
             sc.region);
    r.config = config_text;
    r.tg_pool = pool_text;
    r.created_ms = r.updated_ms = r.tg_created_ms = r.tg_updated_ms = c->now_ms;
    r.next_ms = c->now_ms + (int64_t)d.create_s * 1000;
    int ins = store_rds_proxy_insert(&sc, &r);
    if (ins != 0) {
        store_failed(c);
        goto out;
    }
    const cJSON *tags = param(c->in, "Tags");
    if (tags && put_tags(c, r.arn, tags) != SIM_OK)
        goto out;
    str_copy(r.region, sizeof r.region, sc.region);
    out_proxy(c, &r);
    rc = SIM_OK;
out:
    cJSON_Delete(auth);
    cJSON_Delete(subnets);
    cJSON_Delete(sgs);
    cJSON_Delete(config);
    free(config_text);
    free(pool_text);
    return rc;
}

struct collect {
    cJSON *arr;
};

static void collect_proxy(void *arg, const struct rds_proxy_row *row)
{
    struct collect *k = arg;
    cJSON_AddItemToArray(k->arr, proxy_doc(row));
}

int rds_op_DescribeDBProxies(struct call *c)
{
    const char *name = param_str(c->in, "DBProxyName");
    int offset, limit;
    if (paging(c, &offset, &limit) != SIM_OK)
        return SIM_ERROR;
    /* Filters: "This parameter is not currently supported." (API reference); accepted and
     * ignored */
    cJSON *all = cJSON_CreateArray();
    if (name) {
        struct rds_proxy_row r = {0};
        if (proxy_get(c, name, &r) != SIM_OK) {
            cJSON_Delete(all);
            return SIM_ERROR;
        }
        cJSON_AddItemToArray(all, proxy_doc(&r));
        store_rds_proxy_clear(&r);
    } else {
        struct rds_proxy_scope sc = scope_of(c);
        struct collect k = {all};
        int more = 0;
        if (store_rds_proxy_list(&sc, "", 1000, collect_proxy, &k, &more) != 0) {
            cJSON_Delete(all);
            return store_failed(c);
        }
    }
    page_out(c, "DBProxies", all, offset, limit);
    return SIM_OK;
}

/* Records InvalidDBProxyStateFault unless proxy r is available. Returns SIM_OK / SIM_ERROR. */
static int require_available(struct call *c, const struct rds_proxy_row *r)
{
    if (strcmp(r->status, "available") == 0)
        return SIM_OK;
    return call_error(c, "InvalidDBProxyStateFault", "DBProxy %s is not in available state.",
                      r->name);
}

int rds_op_ModifyDBProxy(struct call *c)
{
    const char *name = param_str(c->in, "DBProxyName");
    const char *new_name = param_str(c->in, "NewDBProxyName");
    struct rds_proxy_row r = {0};
    cJSON *config = NULL, *auth = NULL, *sgs = NULL;
    char *config_text = NULL;
    int rc = SIM_ERROR;
    if (proxy_get(c, name, &r) != SIM_OK)
        return SIM_ERROR;
    if (require_available(c, &r) != SIM_OK)
        goto out;
    config = cJSON_Parse(r.config);
    if (config == NULL) {
        store_failed(c);
        goto out;
    }
    const char *family = cJSON_GetStringValue(cJSON_GetObjectItem(config, "EngineFamily"));
    const cJSON *auth_in = param(c->in, "Auth");
    int creds_changed = 0;
    if (auth_in) {
        if (check_auth(c, auth_in, family ? family : "POSTGRESQL", &auth) != SIM_OK)
            goto out;
        cJSON_ReplaceItemInObject(config, "Auth", auth);
        auth = NULL;
        creds_changed = 1;
    }
    const char *role = param_str(c->in, "RoleArn");
    if (role) {
        if (check_role(c, role) != SIM_OK)
            goto out;
        cJSON_ReplaceItemInObject(config, "RoleArn", cJSON_CreateString(role));
        creds_changed = 1;
    }
    const cJSON *sg_in = param(c->in, "SecurityGroups");
    if (sg_in && cJSON_GetArraySize(sg_in) > 0) {
        const char *vpc = cJSON_GetStringValue(cJSON_GetObjectItem(config, "VpcId"));
        if (check_sgs(c, sg_in, vpc ? vpc : "", &sgs) != SIM_OK)
            goto out;
        cJSON_ReplaceItemInObject(config, "VpcSecurityGroupIds", sgs);
        sgs = NULL;
    }
    const char *dflt = param_str(c->in, "DefaultAuthScheme");
    if (dflt)
        cJSON_ReplaceItemInObject(config, "DefaultAuthScheme", cJSON_CreateString(dflt));
    if (param(c->in, "RequireTLS"))
        cJSON_ReplaceItemInObject(config, "RequireTLS",
                                  cJSON_CreateBool(param_bool(c->in, "RequireTLS", 0)));
    if (param(c->in, "DebugLogging"))
        cJSON_ReplaceItemInObject(config, "DebugLogging",
                                  cJSON_CreateBool(param_bool(c->in, "DebugLogging", 0)));
    if (param(c->in, "IdleClientTimeout")) {
        int64_t idle = param_int(c->in, "IdleClientTimeout", 1800);
        if (idle < 1 || idle > IDLE_CLIENT_TIMEOUT_MAX) {
            call_error(c, "InvalidParameterValue",
                       "IdleClientTimeout must be between 1 and %d seconds.",
                       IDLE_CLIENT_TIMEOUT_MAX);
            goto out;
        }
        cJSON_ReplaceItemInObject(config, "IdleClientTimeout", cJSON_CreateNumber((double)idle));
    }
    if (new_name && strcmp(new_name, r.name) != 0) {
        str_copy(r.name, sizeof r.name, new_name);
        snprintf(r.endpoint, sizeof r.endpoint, "%s.proxy-%s.%s.rds.amazonaws.com", new_name,
                 r.host_hash, r.region);
    }
    config_text = cJSON_PrintUnformatted(config);
    free(r.config);
    r.config = config_text;
    config_text = NULL;
    struct rds_proxy_durations d;
    durations(c, &d);
    snprintf(r.status, sizeof r.status, "modifying");
    r.updated_ms = c->now_ms;
    r.next_ms = c->now_ms + (int64_t)d.modify_s * 1000;
    int up = store_rds_proxy_update(c->sim->store, &r);
    if (up == 1) {
        call_error(c, "DBProxyAlreadyExistsFault",
                   "Cannot create the DBProxy because a DBProxy with the name %s already "
                   "exists.", new_name);
        goto out;
    }
    if (up < 0) {
        store_failed(c);
        goto out;
    }
    if (creds_changed &&
        store_rds_proxy_target_recheck(c->sim->store, r.arn, c->now_ms + 1000) != 0) {
        store_failed(c);
        goto out;
    }
    out_proxy(c, &r);
    rc = SIM_OK;
out:
    cJSON_Delete(config);
    cJSON_Delete(auth);
    cJSON_Delete(sgs);
    free(config_text);
    store_rds_proxy_clear(&r);
    return rc;
}

int rds_op_DeleteDBProxy(struct call *c)
{
    struct rds_proxy_row r = {0};
    if (proxy_get(c, param_str(c->in, "DBProxyName"), &r) != SIM_OK)
        return SIM_ERROR;
    int rc = SIM_ERROR;
    if (strcmp(r.status, "deleting") == 0) {
        call_error(c, "InvalidDBProxyStateFault", "DBProxy %s is already being deleted.",
                   r.name);
        goto out;
    }
    struct rds_proxy_durations d;
    durations(c, &d);
    snprintf(r.status, sizeof r.status, "deleting");
    r.updated_ms = c->now_ms;
    r.next_ms = c->now_ms + (int64_t)d.delete_s * 1000;
    if (store_rds_proxy_update(c->sim->store, &r) != 0) {
        store_failed(c);
        goto out;
    }
    out_proxy(c, &r);
    rc = SIM_OK;
out:
    store_rds_proxy_clear(&r);
    return rc;
}

/* ---- targets ------------------------------------------------------------------------------ */

/* Checks TargetGroupName (only "default" exists). Returns SIM_OK / SIM_ERROR. */
static int check_target_group(struct call *c)
{
    const char *tg = param_str(c->in, "TargetGroupName");
    if (tg && strcmp(tg, RDS_PROXY_DEFAULT_TG) != 0)
        return call_error(c, "DBProxyTargetGroupNotFoundFault",
                          "DBProxyTargetGroup %s not found.", tg);
    return SIM_OK;
}

/* Appends the targets of the proxy to arr. Returns 0 or -1. */
static int list_targets(struct call *c, const char *proxy_arn, cJSON *arr)
{
    struct rds_proxy_target t[RDS_PROXY_MAX_TARGETS];
    int n = store_rds_proxy_target_list(c->sim->store, proxy_arn, t, RDS_PROXY_MAX_TARGETS);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, target_doc(&t[i]));
    return 0;
}

/* Registers cluster_id with every member as targets of proxy r. Returns SIM_OK /
 * SIM_ERROR. */
static int register_cluster(struct call *c, const struct rds_proxy_row *r, const char *family,
                            const char *cluster_id)
{
    struct rds_cluster_info ci;
    int rc = rds_cluster_info(c->sim->store, c->tenant.account, c->tenant.region, cluster_id,
                              &ci);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "DBClusterNotFoundFault", "DBCluster %s not found.", cluster_id);
    if (strcmp(ci.engine_family, family) != 0)
        return call_error(c, "InvalidParameterValue",
                          "The engine family of DB cluster %s (%s) does not match the engine "
                          "family of DB proxy %s (%s).", ci.id, ci.engine_family, r->name,
                          family);
    if (strcmp(ci.status, "available") != 0)
        return call_error(c, "InvalidDBClusterStateFault",
                          "DB cluster %s is not in available state.", ci.id);
    struct rds_proxy_target existing[RDS_PROXY_MAX_TARGETS];
    int n = store_rds_proxy_target_list(c->sim->store, r->arn, existing, RDS_PROXY_MAX_TARGETS);
    if (n < 0)
        return store_failed(c);
    if (n > 0)
        return call_error(c, "DBProxyTargetAlreadyRegisteredFault",
                          "The target group %s of DB proxy %s already has a registered "
                          "target.", RDS_PROXY_DEFAULT_TG, r->name);
    struct rds_proxy_scope sc = scope_of(c);
    struct rds_proxy_durations d;
    durations(c, &d);
    struct rds_proxy_target t = {0};
    str_copy(t.proxy_arn, sizeof t.proxy_arn, r->arn);
    snprintf(t.type, sizeof t.type, "TRACKED_CLUSTER");
    str_copy(t.rds_id, sizeof t.rds_id, ci.id);
    str_copy(t.target_arn, sizeof t.target_arn, ci.arn);
    str_copy(t.endpoint, sizeof t.endpoint, ci.endpoint);
    t.port = ci.port;
    snprintf(t.state, sizeof t.state, "REGISTERING");
    t.registered_ms = c->now_ms;
    t.next_ms = c->now_ms + (int64_t)d.recheck_s * 1000;
    if (store_rds_proxy_target_put(&sc, &t) != 0)
        return store_failed(c);
    struct rds_scope rsc = rds_scope(c);
    struct rds_proxy_member m[RDS_PROXY_MAX_MEMBERS];
    int nm = rds_proxy_members(&rsc, ci.id, m, RDS_PROXY_MAX_MEMBERS);
    if (nm < 0)
        return store_failed(c);
    for (int i = 0; i < nm; i++) {
        struct rds_proxy_target it = {0};
        str_copy(it.proxy_arn, sizeof it.proxy_arn, r->arn);
        snprintf(it.type, sizeof it.type, "RDS_INSTANCE");
        str_copy(it.rds_id, sizeof it.rds_id, m[i].id);
        str_copy(it.cluster_id, sizeof it.cluster_id, ci.id);
        str_copy(it.target_arn, sizeof it.target_arn, m[i].arn);
        str_copy(it.endpoint, sizeof it.endpoint, m[i].endpoint);
        it.port = m[i].port;
        str_copy(it.role, sizeof it.role, m[i].is_writer ? "READ_WRITE" : "READ_ONLY");
        snprintf(it.state, sizeof it.state, "REGISTERING");
        it.registered_ms = c->now_ms;
        it.next_ms = c->now_ms + (int64_t)d.registering_s * 1000;
        if (store_rds_proxy_target_put(&sc, &it) != 0)
            return store_failed(c);
    }
    return SIM_OK;
}

int rds_op_RegisterDBProxyTargets(struct call *c)
{
    struct rds_proxy_row r = {0};
    if (proxy_get(c, param_str(c->in, "DBProxyName"), &r) != SIM_OK)
        return SIM_ERROR;
    int rc = SIM_ERROR;
    cJSON *config = NULL;
    if (check_target_group(c) != SIM_OK || require_available(c, &r) != SIM_OK)
        goto out;
    const cJSON *clusters = param(c->in, "DBClusterIdentifiers");
    const cJSON *instances = param(c->in, "DBInstanceIdentifiers");
    int nc = cJSON_GetArraySize(clusters), ni = cJSON_GetArraySize(instances);
    if (nc + ni == 0) {
        call_error(c, "InvalidParameterValue",
                   "One of DBInstanceIdentifiers or DBClusterIdentifiers must be specified.");
        goto out;
    }
    if (nc > 1 || (nc == 1 && ni > 0)) {
        call_error(c, "InvalidParameterCombination",
                   "A target group can have only one registered DB cluster.");
        goto out;
    }
    if (ni > 0) {
        /* drillsim's DB instances are Aurora cluster members: AWS registers them through
         * their cluster */
        const char *id = cJSON_GetStringValue(cJSON_GetArrayItem(instances, 0));
        struct rds_scope rsc = rds_scope(c);
        struct rds_instance inst;
        int got = rds_instance_get(&rsc, id ? id : "", &inst);
        if (got < 0) {
            store_failed(c);
            goto out;
        }
        if (got == 1) {
            call_error(c, "DBInstanceNotFoundFault", "DBInstance %s not found.", id ? id : "");
            goto out;
        }
        call_error(c, "InvalidParameterValue",
                   "DB instance %s is a member of DB cluster %s: register the DB cluster "
                   "instead.", inst.id, inst.cluster);
        rds_instance_clear(&inst);
        goto out;
    }
    config = cJSON_Parse(r.config);
    const char *family = cJSON_GetStringValue(cJSON_GetObjectItem(config, "EngineFamily"));
    const char *cluster_id = cJSON_GetStringValue(cJSON_GetArrayItem(clusters, 0));
    if (register_cluster(c, &r, family ? family : "", cluster_id ? cluster_id : "") != SIM_OK)
        goto out;
    cJSON *arr = cJSON_CreateArray();
    if (list_targets(c, r.arn, arr) != 0) {
        cJSON_Delete(arr);
        store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBProxyTargets", arr);
    rc = SIM_OK;
out:
    cJSON_Delete(config);
    store_rds_proxy_clear(&r);
    return rc;
}

int rds_op_DeregisterDBProxyTargets(struct call *c)
{
    struct rds_proxy_row r = {0};
    if (proxy_get(c, param_str(c->in, "DBProxyName"), &r) != SIM_OK)
        return SIM_ERROR;
    int rc = SIM_ERROR;
    if (check_target_group(c) != SIM_OK)
        goto out;
    const cJSON *s;
    cJSON_ArrayForEach(s, param(c->in, "DBClusterIdentifiers"))
    {
        const char *id = cJSON_IsString(s) ? s->valuestring : "";
        int del = store_rds_proxy_target_delete_cluster(c->sim->store, r.arn, id);
        if (del < 0) {
            store_failed(c);
            goto out;
        }
        if (del == 1) {
            call_error(c, "DBProxyTargetNotFoundFault",
                       "DB cluster %s is not registered with DB proxy %s.", id, r.name);
            goto out;
        }
    }
    cJSON_ArrayForEach(s, param(c->in, "DBInstanceIdentifiers"))
    {
        const char *id = cJSON_IsString(s) ? s->valuestring : "";
        int del = store_rds_proxy_target_delete(c->sim->store, r.arn, "RDS_INSTANCE", id);
        if (del < 0) {
            store_failed(c);
            goto out;
        }
        if (del == 1) {
            call_error(c, "DBProxyTargetNotFoundFault",
                       "DB instance %s is not registered with DB proxy %s.", id, r.name);
            goto out;
        }
    }
    c->out = cJSON_CreateObject();
    rc = SIM_OK;
out:
    store_rds_proxy_clear(&r);
    return rc;
}

int rds_op_DescribeDBProxyTargets(struct call *c)
{
    int offset, limit;
    if (paging(c, &offset, &limit) != SIM_OK)
        return SIM_ERROR;
    struct rds_proxy_row r = {0};
    if (proxy_get(c, param_str(c->in, "DBProxyName"), &r) != SIM_OK)
        return SIM_ERROR;
    int rc = SIM_ERROR;
    if (check_target_group(c) != SIM_OK)
        goto out;
    cJSON *all = cJSON_CreateArray();
    if (list_targets(c, r.arn, all) != 0) {
        cJSON_Delete(all);
        store_failed(c);
        goto out;
    }
    page_out(c, "Targets", all, offset, limit);
    rc = SIM_OK;
out:
    store_rds_proxy_clear(&r);
    return rc;
}

int rds_op_DescribeDBProxyTargetGroups(struct call *c)
{
    int offset, limit;
    if (paging(c, &offset, &limit) != SIM_OK)
        return SIM_ERROR;
    struct rds_proxy_row r = {0};
    if (proxy_get(c, param_str(c->in, "DBProxyName"), &r) != SIM_OK)
        return SIM_ERROR;
    int rc = SIM_ERROR;
    if (check_target_group(c) != SIM_OK)
        goto out;
    cJSON *all = cJSON_CreateArray();
    cJSON_AddItemToArray(all, target_group_doc(&r));
    page_out(c, "TargetGroups", all, offset, limit);
    rc = SIM_OK;
out:
    store_rds_proxy_clear(&r);
    return rc;
}

int rds_op_ModifyDBProxyTargetGroup(struct call *c)
{
    struct rds_proxy_row r = {0};
    if (proxy_get(c, param_str(c->in, "DBProxyName"), &r) != SIM_OK)
        return SIM_ERROR;
    int rc = SIM_ERROR;
    cJSON *pool = NULL;
    if (check_target_group(c) != SIM_OK)
        goto out;
    const char *new_name = param_str(c->in, "NewName");
    if (new_name && strcmp(new_name, RDS_PROXY_DEFAULT_TG) != 0) {
        call_error(c, "InvalidParameterValue", "The default target group cannot be renamed.");
        goto out;
    }
    pool = cJSON_Parse(r.tg_pool);
    if (pool == NULL) {
        store_failed(c);
        goto out;
    }
    const cJSON *in = param(c->in, "ConnectionPoolConfig");
    int max = (int)param_int(pool, "MaxConnectionsPercent", 100);
    int idle = (int)param_int(pool, "MaxIdleConnectionsPercent", 50);
    int borrow = (int)param_int(pool, "ConnectionBorrowTimeout", 120);
    if (in) {
        if (param(in, "MaxConnectionsPercent")) {
            int64_t v = param_int(in, "MaxConnectionsPercent", 100);
            if (v < 1 || v > 100) {
                call_error(c, "InvalidParameterValue",
                           "MaxConnectionsPercent must be between 1 and 100.");
                goto out;
            }
            max = (int)v;
            /* the documented default of MaxIdleConnectionsPercent: half of
             * MaxConnectionsPercent */
            if (!param(in, "MaxIdleConnectionsPercent"))
                idle = max / 2;
        }
        if (param(in, "MaxIdleConnectionsPercent")) {
            if (!param(in, "MaxConnectionsPercent")) {
                call_error(c, "InvalidParameterValue",
                           "MaxConnectionsPercent must be specified with "
                           "MaxIdleConnectionsPercent.");
                goto out;
            }
            int64_t v = param_int(in, "MaxIdleConnectionsPercent", 50);
            if (v < 0 || v > 100) {
                call_error(c, "InvalidParameterValue",
                           "MaxIdleConnectionsPercent must be between 0 and 100.");
                goto out;
            }
            idle = (int)v;
        }
        if (idle > max) {
            call_error(c, "InvalidParameterValue",
                       "MaxIdleConnectionsPercent must be less than or equal to "
                       "MaxConnectionsPercent.");
            goto out;
        }
        if (param(in, "ConnectionBorrowTimeout")) {
            int64_t v = param_int(in, "ConnectionBorrowTimeout", 120);
            if (v < 0 || v > BORROW_TIMEOUT_MAX) {
                call_error(c, "InvalidParameterValue",
                           "ConnectionBorrowTimeout must be between 0 and %d seconds.",
                           BORROW_TIMEOUT_MAX);
                goto out;
            }
            borrow = (int)v;
        }
        const cJSON *filters = param(in, "SessionPinningFilters");
        if (filters) {
            const cJSON *f;
            cJSON_ArrayForEach(f, filters)
            {
                if (!cJSON_IsString(f) || strcmp(f->valuestring, "EXCLUDE_VARIABLE_SETS") != 0) {
                    call_error(c, "InvalidParameterValue",
                               "Invalid SessionPinningFilters value: %s. Valid value: "
                               "EXCLUDE_VARIABLE_SETS.",
                               cJSON_IsString(f) ? f->valuestring : "");
                    goto out;
                }
            }
            cJSON_ReplaceItemInObject(pool, "SessionPinningFilters", cJSON_Duplicate(filters, 1));
        }
        const char *init = param_str(in, "InitQuery");
        if (init) {
            cJSON_DeleteItemFromObject(pool, "InitQuery");
            if (*init)
                cJSON_AddStringToObject(pool, "InitQuery", init);
        }
    }
    cJSON_ReplaceItemInObject(pool, "MaxConnectionsPercent", cJSON_CreateNumber(max));
    cJSON_ReplaceItemInObject(pool, "MaxIdleConnectionsPercent", cJSON_CreateNumber(idle));
    cJSON_ReplaceItemInObject(pool, "ConnectionBorrowTimeout", cJSON_CreateNumber(borrow));
    free(r.tg_pool);
    r.tg_pool = cJSON_PrintUnformatted(pool);
    r.tg_updated_ms = c->now_ms;
    if (store_rds_proxy_update(c->sim->store, &r) != 0) {
        store_failed(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBProxyTargetGroup", target_group_doc(&r));
    rc = SIM_OK;
out:
    cJSON_Delete(pool);
    store_rds_proxy_clear(&r);
    return rc;
}

/* ---- endpoints ---------------------------------------------------------------------------- */

/* Reads the user-defined endpoint name or records DBProxyEndpointNotFoundFault. */
static int endpoint_get(struct call *c, const char *name, struct rds_proxy_endpoint *out)
{
    struct rds_proxy_scope sc = scope_of(c);
    int rc = store_rds_proxy_endpoint_get(&sc, name ? name : "", out);
    if (rc < 0)
        return store_failed(c);
    if (rc == 1)
        return call_error(c, "DBProxyEndpointNotFoundFault", "DBProxyEndpoint %s not found.",
                          name ? name : "");
    return SIM_OK;
}

/* Writes the name of the proxy with this ARN into out ("" when gone). */
static void proxy_name_of(struct call *c, const char *arn, char *out, size_t n)
{
    struct rds_proxy_row r = {0};
    out[0] = '\0';
    if (store_rds_proxy_get_by_arn(c->sim->store, arn, &r) == 0)
        str_copy(out, n, r.name);
    store_rds_proxy_clear(&r);
}

static void out_endpoint(struct call *c, const struct rds_proxy_endpoint *e)
{
    char pname[64];
    proxy_name_of(c, e->proxy_arn, pname, sizeof pname);
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBProxyEndpoint", endpoint_doc(e, pname));
}

int rds_op_CreateDBProxyEndpoint(struct call *c)
{
    const char *ep_name = param_str(c->in, "DBProxyEndpointName");
    const char *role = param_str(c->in, "TargetRole");
    const char *net = param_str(c->in, "EndpointNetworkType");
    struct rds_proxy_row r = {0};
    struct rds_proxy_scope sc = scope_of(c);
    cJSON *config = NULL, *subnets = NULL, *sgs = NULL;
    char *subnets_text = NULL, *sgs_text = NULL;
    int rc = SIM_ERROR;
    if (proxy_get(c, param_str(c->in, "DBProxyName"), &r) != SIM_OK)
        return SIM_ERROR;
    if (require_available(c, &r) != SIM_OK)
        goto out;
    struct rds_proxy_endpoint e = {0};
    int got = store_rds_proxy_endpoint_get(&sc, ep_name, &e);
    store_rds_proxy_endpoint_clear(&e);
    if (got < 0) {
        store_failed(c);
        goto out;
    }
    if (got == 0 || strcmp(ep_name, "default") == 0) {
        call_error(c, "DBProxyEndpointAlreadyExistsFault",
                   "Cannot create the DBProxyEndpoint because a DBProxyEndpoint with the name "
                   "%s already exists.", ep_name);
        goto out;
    }
    int count = 0;
    if (store_rds_proxy_endpoint_count(c->sim->store, r.arn, &count) != 0) {
        store_failed(c);
        goto out;
    }
    if (count >= ENDPOINT_QUOTA) {
        call_error(c, "DBProxyEndpointQuotaExceededFault",
                   "The DB proxy already has the maximum number of endpoints.");
        goto out;
    }
    config = cJSON_Parse(r.config);
    const char *proxy_vpc = cJSON_GetStringValue(cJSON_GetObjectItem(config, "VpcId"));
    char vpc[32];
    if (check_subnets(c, param(c->in, "VpcSubnetIds"), proxy_vpc, 1, vpc, &subnets) != SIM_OK)
        goto out;
    if (check_sgs(c, param(c->in, "VpcSecurityGroupIds"), vpc, &sgs) != SIM_OK)
        goto out;
    subnets_text = cJSON_PrintUnformatted(subnets);
    sgs_text = cJSON_PrintUnformatted(sgs);
    struct rds_proxy_durations d;
    durations(c, &d);
    str_copy(e.name, sizeof e.name, ep_name);
    str_copy(e.proxy_arn, sizeof e.proxy_arn, r.arn);
    char id[48];
    random_id(c, "prx-endpoint-", id, sizeof id);
    snprintf(e.arn, sizeof e.arn, "arn:aws:rds:%s:%s:db-proxy-endpoint:%s", sc.region,
             sc.account, id);
    snprintf(e.status, sizeof e.status, "creating");
    str_copy(e.vpc_id, sizeof e.vpc_id, vpc);
    e.subnets = subnets_text;
    e.sgs = sgs_text;
    str_copy(e.target_role, sizeof e.target_role, role ? role : "READ_WRITE");
    snprintf(e.endpoint, sizeof e.endpoint, "%s.endpoint.proxy-%s.%s.rds.amazonaws.com",
             ep_name, r.host_hash, sc.region);
    str_copy(e.network_type, sizeof e.network_type, net ? net : "IPV4");
    e.created_ms = c->now_ms;
    e.next_ms = c->now_ms + (int64_t)d.endpoint_create_s * 1000;
    if (store_rds_proxy_endpoint_insert(&sc, &e) != 0) {
        store_failed(c);
        goto out;
    }
    const cJSON *tags = param(c->in, "Tags");
    if (tags && put_tags(c, e.arn, tags) != SIM_OK)
        goto out;
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "DBProxyEndpoint", endpoint_doc(&e, r.name));
    rc = SIM_OK;
out:
    cJSON_Delete(config);
    cJSON_Delete(subnets);
    cJSON_Delete(sgs);
    free(subnets_text);
    free(sgs_text);
    store_rds_proxy_clear(&r);
    return rc;
}

struct endpoint_collect {
    struct call *c;
    cJSON *arr;
};

static void collect_endpoint(void *arg, const struct rds_proxy_endpoint *e)
{
    struct endpoint_collect *k = arg;
    char pname[64];
    proxy_name_of(k->c, e->proxy_arn, pname, sizeof pname);
    cJSON_AddItemToArray(k->arr, endpoint_doc(e, pname));
}

static void collect_default_endpoint(void *arg, const struct rds_proxy_row *row)
{
    struct collect *k = arg;
    cJSON_AddItemToArray(k->arr, default_endpoint_doc(row));
}

int rds_op_DescribeDBProxyEndpoints(struct call *c)
{
    const char *proxy_name = param_str(c->in, "DBProxyName");
    const char *ep_name = param_str(c->in, "DBProxyEndpointName");
    int offset, limit;
    if (paging(c, &offset, &limit) != SIM_OK)
        return SIM_ERROR;
    struct rds_proxy_scope sc = scope_of(c);
    struct rds_proxy_row r = {0};
    cJSON *all = cJSON_CreateArray();
    int more = 0, rc = SIM_ERROR;
    if (proxy_name && proxy_get(c, proxy_name, &r) != SIM_OK)
        goto out;
    if (ep_name && strcmp(ep_name, "default") != 0) {
        struct rds_proxy_endpoint e = {0};
        if (endpoint_get(c, ep_name, &e) != SIM_OK)
            goto out;
        if (proxy_name && strcmp(e.proxy_arn, r.arn) != 0) {
            store_rds_proxy_endpoint_clear(&e);
            call_error(c, "DBProxyEndpointNotFoundFault", "DBProxyEndpoint %s not found.",
                       ep_name);
            goto out;
        }
        collect_endpoint(&(struct endpoint_collect){c, all}, &e);
        store_rds_proxy_endpoint_clear(&e);
    } else {
        /* the default endpoints first, then the user-defined ones by name */
        struct collect k = {all};
        if (proxy_name)
            collect_default_endpoint(&k, &r);
        else if (store_rds_proxy_list(&sc, "", 1000, collect_default_endpoint, &k, &more) != 0) {
            store_failed(c);
            goto out;
        }
        if (ep_name == NULL) {
            struct endpoint_collect ek = {c, all};
            if (store_rds_proxy_endpoint_list(&sc, proxy_name ? r.arn : NULL, "", 1000,
                                              collect_endpoint, &ek, &more) != 0) {
                store_failed(c);
                goto out;
            }
        }
    }
    page_out(c, "DBProxyEndpoints", all, offset, limit);
    all = NULL;
    rc = SIM_OK;
out:
    cJSON_Delete(all);
    store_rds_proxy_clear(&r);
    return rc;
}

int rds_op_ModifyDBProxyEndpoint(struct call *c)
{
    const char *new_name = param_str(c->in, "NewDBProxyEndpointName");
    struct rds_proxy_endpoint e = {0};
    cJSON *sgs = NULL;
    int rc = SIM_ERROR;
    if (endpoint_get(c, param_str(c->in, "DBProxyEndpointName"), &e) != SIM_OK)
        return SIM_ERROR;
    if (strcmp(e.status, "available") != 0) {
        call_error(c, "InvalidDBProxyEndpointStateFault",
                   "DBProxyEndpoint %s is not in available state.", e.name);
        goto out;
    }
    const cJSON *sg_in = param(c->in, "VpcSecurityGroupIds");
    if (sg_in && cJSON_GetArraySize(sg_in) > 0) {
        if (check_sgs(c, sg_in, e.vpc_id, &sgs) != SIM_OK)
            goto out;
        free(e.sgs);
        e.sgs = cJSON_PrintUnformatted(sgs);
    }
    if (new_name && strcmp(new_name, e.name) != 0) {
        if (strcmp(new_name, "default") == 0) {
            call_error(c, "DBProxyEndpointAlreadyExistsFault",
                       "Cannot create the DBProxyEndpoint because a DBProxyEndpoint with the "
                       "name %s already exists.", new_name);
            goto out;
        }
        const char *rest = strstr(e.endpoint, ".endpoint.proxy-");
        char host[256];
        snprintf(host, sizeof host, "%s%s", new_name, rest ? rest : "");
        str_copy(e.endpoint, sizeof e.endpoint, host);
        str_copy(e.name, sizeof e.name, new_name);
    }
    struct rds_proxy_durations d;
    durations(c, &d);
    snprintf(e.status, sizeof e.status, "modifying");
    e.next_ms = c->now_ms + (int64_t)d.endpoint_modify_s * 1000;
    int up = store_rds_proxy_endpoint_update(c->sim->store, c->tenant.account, &e);
    if (up == 1) {
        call_error(c, "DBProxyEndpointAlreadyExistsFault",
                   "Cannot create the DBProxyEndpoint because a DBProxyEndpoint with the name "
                   "%s already exists.", new_name);
        goto out;
    }
    if (up < 0) {
        store_failed(c);
        goto out;
    }
    out_endpoint(c, &e);
    rc = SIM_OK;
out:
    cJSON_Delete(sgs);
    store_rds_proxy_endpoint_clear(&e);
    return rc;
}

int rds_op_DeleteDBProxyEndpoint(struct call *c)
{
    struct rds_proxy_endpoint e = {0};
    if (endpoint_get(c, param_str(c->in, "DBProxyEndpointName"), &e) != SIM_OK)
        return SIM_ERROR;
    int rc = SIM_ERROR;
    if (strcmp(e.status, "deleting") == 0) {
        call_error(c, "InvalidDBProxyEndpointStateFault",
                   "DBProxyEndpoint %s is already being deleted.", e.name);
        goto out;
    }
    struct rds_proxy_durations d;
    durations(c, &d);
    snprintf(e.status, sizeof e.status, "deleting");
    e.next_ms = c->now_ms + (int64_t)d.endpoint_delete_s * 1000;
    if (store_rds_proxy_endpoint_update(c->sim->store, c->tenant.account, &e) != 0) {
        store_failed(c);
        goto out;
    }
    out_endpoint(c, &e);
    rc = SIM_OK;
out:
    store_rds_proxy_endpoint_clear(&e);
    return rc;
}
