/*
 * rds_proxy.h - RDS Proxy in the store: proxies (with their one target group), their targets
 * and their user-defined endpoints; and what the world model reads of a proxy: its connection
 * budget, its availability and the endpoint an application connects to.
 *
 * Tables (sim/store/schema.c, the RDS Proxy migration):
 *   rds_proxies          one row per proxy, PRIMARY KEY (account, region, name). arn is the
 *                        immutable key children refer to (arn:aws:rds:REGION:ACCOUNT:db-proxy:
 *                        prx-<17 hex>), so a rename (ModifyDBProxy NewDBProxyName) touches one
 *                        row. config is a JSON object holding the settings exactly as
 *                        DescribeDBProxies returns them (EngineFamily, VpcId,
 *                        VpcSecurityGroupIds, VpcSubnetIds, DefaultAuthScheme, Auth, RoleArn,
 *                        RequireTLS, IdleClientTimeout, DebugLogging, EndpointNetworkType,
 *                        TargetConnectionNetworkType). host_hash is the 12-character label of
 *                        the proxy's DNS names (<name>.proxy-<hash>.<region>.rds.amazonaws.com;
 *                        custom endpoints <ep>.endpoint.proxy-<hash>...). A proxy has exactly
 *                        one target group, "default", as AWS proxies do today: its ARN, its
 *                        ConnectionPoolConfig (JSON object, the DescribeDBProxyTargetGroups
 *                        form) and its dates are columns of the proxy row. next_ms is the sim
 *                        time of the proxy's next status change (creating -> available,
 *                        modifying -> available, deleting -> gone), NULL when none is pending.
 *   rds_proxy_targets    one row per target, PRIMARY KEY (proxy_arn, type, rds_id): a
 *                        TRACKED_CLUSTER row for a registered Aurora cluster and one
 *                        RDS_INSTANCE row per member instance. role is READ_WRITE or
 *                        READ_ONLY for an instance (set at registration, moved with the
 *                        writer by the engine), "" for the cluster; state / reason /
 *                        description are its TargetHealth (reason and description "" when
 *                        absent). next_ms is the next health
 *                        check.
 *   rds_proxy_endpoints  one row per user-defined endpoint, PRIMARY KEY (account, region,
 *                        name): endpoint names are unique in a region, like proxy names. The
 *                        default endpoint of a proxy is not a row: it is the proxy's endpoint.
 *                        subnets and sgs are JSON arrays of ids. next_ms as for proxies.
 *   tags                 the generic tag table; RDS Proxy rows have service 'rds' and the
 *                        proxy's or endpoint's ARN as resource.
 * Every due column has a partial index on (account, next_ms), so the engine's per-second
 * check (sim/engine/rds_proxy.c) is one index probe per table when nothing is due.
 *
 * The functions only read and write rows; AWS's rules live in sim/services/rds_proxy.c and
 * the lifecycle in sim/engine/rds_proxy.c. Writes run inside the caller's transaction.
 *
 * Return convention: 0 = done / found, 1 = not found (or, for inserts, the key exists),
 * -1 = SQLite error. Structs filled by a getter own their strings (clear them with the
 * matching _clear function); rows handed to a callback borrow theirs until it returns.
 */
#ifndef DRILLSIM_STORE_RDS_PROXY_H
#define DRILLSIM_STORE_RDS_PROXY_H

#include <stdint.h>

struct store;

/* The scope of every proxy call. */
struct rds_proxy_scope {
    struct store *st;
    const char *account;
    const char *region;
};

#define RDS_PROXY_DEFAULT_TG "default"
/* Targets of one proxy: a tracked cluster and its members (Aurora allows 15 readers). */
#define RDS_PROXY_MAX_TARGETS 32

/* ---- proxies ------------------------------------------------------------------------------ */

struct rds_proxy_row {
    char region[32];
    char name[64];
    char arn[128];
    char status[32];
    char endpoint[256];
    char host_hash[16];
    char tg_arn[128];
    char *config;  /* JSON object text (owned by a getter's row, borrowed in callbacks) */
    char *tg_pool; /* JSON object text, likewise */
    int64_t tg_created_ms;
    int64_t tg_updated_ms;
    int64_t created_ms;
    int64_t updated_ms;
    int64_t next_ms; /* 0 = nothing pending */
};

/* Frees the strings a getter put in r and zeroes it. */
void store_rds_proxy_clear(struct rds_proxy_row *r);
/* Inserts r in the scope (r->region is ignored). Returns 0, 1 if the name is taken, or -1. */
int store_rds_proxy_insert(const struct rds_proxy_scope *sc, const struct rds_proxy_row *r);
/* Reads the proxy called name into *out (zeroed by the caller). Returns 0, 1 or -1. */
int store_rds_proxy_get(const struct rds_proxy_scope *sc, const char *name,
                        struct rds_proxy_row *out);
/* Reads the proxy with this ARN, whatever its scope. Returns 0, 1 or -1. */
int store_rds_proxy_get_by_arn(struct store *st, const char *arn, struct rds_proxy_row *out);
/* Writes every mutable column of r (name included) to the row with r->arn. Returns 0, 1 if
 * the new name is taken in the scope, or -1. */
int store_rds_proxy_update(struct store *st, const struct rds_proxy_row *r);
/* Deletes the proxy with this ARN with its targets, endpoints and their tags. Returns 0 or
 * -1. */
int store_rds_proxy_delete(struct store *st, const char *arn);
/* Sets *n to the number of proxies in the scope. Returns 0 or -1. */
int store_rds_proxy_count(const struct rds_proxy_scope *sc, int *n);

typedef void (*store_rds_proxy_cb)(void *arg, const struct rds_proxy_row *row);
/* Calls cb for at most limit proxies of the scope whose names sort after `after` (NULL or ""
 * = from the start), in name order; sets *more when further proxies exist. Returns 0 or -1. */
int store_rds_proxy_list(const struct rds_proxy_scope *sc, const char *after, int limit,
                         store_rds_proxy_cb cb, void *arg, int *more);
/* Writes the ARNs of at most max proxies of account (any region) whose next_ms <= now_ms
 * into arns, oldest first. Returns their number, or -1. */
int store_rds_proxy_due(struct store *st, const char *account, int64_t now_ms,
                        char (*arns)[160], int max);

/* ---- targets ------------------------------------------------------------------------------ */

struct rds_proxy_target {
    char region[32];
    char proxy_arn[128];
    char type[20];        /* TRACKED_CLUSTER | RDS_INSTANCE */
    char rds_id[64];      /* the cluster or instance identifier */
    char cluster_id[64];  /* TrackedClusterId */
    char target_arn[160];
    char endpoint[256];
    int port;
    char role[16];        /* "" | READ_WRITE | READ_ONLY | UNKNOWN */
    char state[16];       /* REGISTERING | AVAILABLE | UNAVAILABLE | UNUSED */
    char reason[32];      /* "" or a TargetHealthReason */
    char description[256];
    int64_t registered_ms;
    int64_t next_ms;      /* next health check, 0 = none */
};

/* Inserts or replaces target t (its account is the scope's). Returns 0 or -1. */
int store_rds_proxy_target_put(const struct rds_proxy_scope *sc,
                               const struct rds_proxy_target *t);
/* Deletes one target. Returns 0, 1 if there was none, or -1. */
int store_rds_proxy_target_delete(struct store *st, const char *proxy_arn, const char *type,
                                  const char *rds_id);
/* Deletes the tracked cluster cluster_id and every target of it. Returns 0, 1 if none was
 * registered, or -1. */
int store_rds_proxy_target_delete_cluster(struct store *st, const char *proxy_arn,
                                          const char *cluster_id);
/* Writes the targets of the proxy into out (at most max), TRACKED_CLUSTER first, then by
 * identifier. Returns their number, or -1. */
int store_rds_proxy_target_list(struct store *st, const char *proxy_arn,
                                struct rds_proxy_target *out, int max);
/* Writes at most max targets of account with next_ms <= now_ms into out, oldest first.
 * Returns their number, or -1. */
int store_rds_proxy_target_due(struct store *st, const char *account, int64_t now_ms,
                               struct rds_proxy_target *out, int max);
/* Makes every target of the proxy due at when_ms (after its auth settings changed). Returns
 * 0 or -1. */
int store_rds_proxy_target_recheck(struct store *st, const char *proxy_arn, int64_t when_ms);

/* ---- endpoints ---------------------------------------------------------------------------- */

struct rds_proxy_endpoint {
    char region[32];
    char name[64];
    char proxy_arn[128];
    char arn[160];
    char status[32];
    char vpc_id[32];
    char *subnets; /* JSON array text (owned by a getter's row, borrowed in callbacks) */
    char *sgs;     /* JSON array text, likewise */
    char target_role[16];
    char endpoint[256];
    char network_type[8];
    int64_t created_ms;
    int64_t next_ms;
};

void store_rds_proxy_endpoint_clear(struct rds_proxy_endpoint *e);
/* Inserts e in the scope. Returns 0, 1 if the name is taken, or -1. */
int store_rds_proxy_endpoint_insert(const struct rds_proxy_scope *sc,
                                    const struct rds_proxy_endpoint *e);
/* Reads the endpoint called name. Returns 0, 1 or -1. */
int store_rds_proxy_endpoint_get(const struct rds_proxy_scope *sc, const char *name,
                                 struct rds_proxy_endpoint *out);
/* Writes the mutable columns of the endpoint with e->arn (name, status, sgs, endpoint,
 * next_ms). Returns 0, 1 if the new name is taken, or -1. */
int store_rds_proxy_endpoint_update(struct store *st, const char *account,
                                    const struct rds_proxy_endpoint *e);
/* Deletes the endpoint with this ARN and its tags. Returns 0 or -1. */
int store_rds_proxy_endpoint_delete(struct store *st, const char *account, const char *arn);
/* Sets *n to the number of endpoints of the proxy. Returns 0 or -1. */
int store_rds_proxy_endpoint_count(struct store *st, const char *proxy_arn, int *n);

typedef void (*store_rds_proxy_endpoint_cb)(void *arg, const struct rds_proxy_endpoint *e);
/* Lists the scope's endpoints (only proxy_arn's when it is not NULL) whose names sort after
 * `after`, in name order, at most limit; sets *more. Returns 0 or -1. */
int store_rds_proxy_endpoint_list(const struct rds_proxy_scope *sc, const char *proxy_arn,
                                  const char *after, int limit, store_rds_proxy_endpoint_cb cb,
                                  void *arg, int *more);
/* Reads the endpoint with this ARN, whatever its scope. Returns 0, 1 or -1. */
int store_rds_proxy_endpoint_get_by_arn(struct store *st, const char *arn,
                                        struct rds_proxy_endpoint *out);
/* Writes the ARNs of at most max endpoints of account whose next_ms <= now_ms into arns.
 * Returns their number, or -1. */
int store_rds_proxy_endpoint_due(struct store *st, const char *account, int64_t now_ms,
                                 char (*arns)[160], int max);

/* ---- tags --------------------------------------------------------------------------------- */

/* Sets tag key = value on the resource ARN. Returns 0 or -1. */
int store_rds_proxy_tag(const struct rds_proxy_scope *sc, const char *arn, const char *key,
                        const char *value);
/* For the RDS tag operations (AddTagsToResource / ListTagsForResource /
 * RemoveTagsFromResource in rds.c): returns 0 if arn is the ARN of a proxy or of a
 * user-defined proxy endpoint of the scope, 1 if not, -1 on a store error. */
int store_rds_proxy_arn_exists(const struct rds_proxy_scope *sc, const char *arn);

/* ---- what the world model reads ------------------------------------------------------------ */

/*
 * A proxy as the world model sees it. budget is the most connections the proxy opens to the
 * database: MaxConnectionsPercent of the registered cluster's max_connections (the value in
 * effect on the writer, see sim/store/rds.h); idle_budget is MaxIdleConnectionsPercent of it,
 * the idle connections the proxy keeps open; a client waits at most borrow_timeout_s for a
 * pooled connection before its request fails. available is 1 when the proxy's status is
 * available (or modifying: settings changes do not interrupt it) and its READ_WRITE target
 * reports AVAILABLE: only then does a connection through endpoint reach the database.
 */
struct rds_proxy_pool {
    char name[64];
    char arn[128];
    char status[32];
    char endpoint[256];     /* the default (read/write) endpoint an application uses */
    char engine_family[16];
    char cluster_id[64];    /* the registered cluster, "" when none */
    char target_state[16];  /* TargetHealth of the READ_WRITE target, "" when none */
    char target_reason[32];
    int available;
    int max_connections;    /* the cluster's, 0 when no cluster is registered */
    int max_connections_percent;
    int max_idle_connections_percent;
    int borrow_timeout_s;
    int idle_client_timeout_s;
    int require_tls;
    int budget;
    int idle_budget;
};

/*
 * Fills *out for the proxy of (account, region) called `id`, or whose default endpoint or one
 * of whose user-defined endpoints is the host name `id` (what an application is configured
 * with). Returns 0, 1 if there is no such proxy, or -1.
 */
int rds_proxy_pool_info(struct store *st, const char *account, const char *region,
                        const char *id, struct rds_proxy_pool *out);
/* Fills *out for the proxy that has cluster_id registered (the first by name when several
 * have). Returns 0, 1 if none has, or -1. */
int rds_proxy_pool_for_cluster(struct store *st, const char *account, const char *region,
                               const char *cluster_id, struct rds_proxy_pool *out);

#endif
