/*
 * rds.h - the rows behind Amazon RDS (Aurora clusters, their DB instances, parameter groups,
 * subnet groups, events and tags), and what other modules read of them: RDS Proxy and the
 * world model use rds_cluster_info().
 *
 * Tables (sim/store/schema.c, the RDS migration), every row scoped by (account, region):
 *   rds_clusters        one row per DB cluster: status, the instant its current transition
 *                       ends (next_ms, NULL when none; indexed for the tick), a transition
 *                       argument (aux: the failover target), the DB cluster parameter group,
 *                       and doc: the stored attributes as a DBCluster object in the neutral
 *                       form (Engine, EngineVersion, Endpoint, Port, VpcSecurityGroups, ...).
 *                       Status, DBClusterMembers, DBClusterParameterGroup and TagList are not
 *                       in doc: the service fills them in from the columns and other tables.
 *   rds_instances       one row per DB instance: its cluster, status, next_ms, aux (what the
 *                       transition does), whether it is the writer, its class, its DB
 *                       parameter group and the two apply statuses (DB parameter group:
 *                       ParameterApplyStatus; DB cluster parameter group: the member's
 *                       DBClusterParameterGroupStatus), the restart count (every time the
 *                       engine went down: reboot, failover, class change, stop, delete), the
 *                       static parameters in effect since the engine last started (applied:
 *                       {name: value}, the values that pending-reboot changes do not reach),
 *                       and doc: a DBInstance object in the neutral form without
 *                       DBInstanceStatus, DBInstanceClass, DBParameterGroups and TagList.
 *   rds_param_groups    one row per parameter group; kind 'cluster' (DB cluster parameter
 *                       groups) or 'db' (DB parameter groups); the default groups
 *                       ("default.aurora-postgresql16") are rows too, made on first use.
 *   rds_params          the parameters a user set in a group: value and apply method. A
 *                       parameter without a row has the engine default (rds_params.c knows
 *                       the catalogue).
 *   rds_subnet_groups   DB subnet groups; subnets is the JSON array of the Subnets member.
 *   rds_events          the event log DescribeEvents reads (kept 14 days of sim time).
 *   tags                the generic tag table; RDS rows have service 'rds' and the ARN.
 *
 * max_connections: Aurora PostgreSQL's default is LEAST({DBInstanceClassMemory/9531392},
 * 5000) (Aurora user guide, "Maximum connections to an Aurora PostgreSQL DB instance").
 * DBInstanceClassMemory is what the engine sees of the class's memory, less than its nominal
 * size; rds_class_memory() holds, for every class the guide lists, the value that makes the
 * formula give the guide's table (db.r6g.large 1722, db.r5.large 1600, db.t3.medium 420,
 * db.t4g.medium 405, ...); classes the guide does not list use their nominal memory less the
 * same share.
 *
 * Writes run inside the caller's transaction (the pipeline's or the tick's).
 * Return convention: 0 = done / found, 1 = not found, -1 = SQLite error.
 */
#ifndef DRILLSIM_STORE_RDS_H
#define DRILLSIM_STORE_RDS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

struct rds_cluster_info {
    char id[64];             /* DBClusterIdentifier */
    char arn[160];
    char engine[32];         /* aurora-postgresql */
    char engine_family[16];  /* POSTGRESQL | MYSQL (what an RDS Proxy's EngineFamily must be) */
    char status[32];         /* creating, available, failing-over, rebooting, stopped, ... */
    char endpoint[160];      /* writer endpoint */
    char reader_endpoint[160];
    int port;
    char writer[64];         /* DBInstanceIdentifier of the writer, "" if none */
    char vpc_id[32];
    int nmembers;
    int max_connections;     /* in effect on the writer now (pending-reboot values excluded) */
    /* added after the first contract (compatible: fields at the end) */
    int writer_available;    /* the writer instance's status is "available" */
    int64_t writer_restarts; /* how many times the writer's engine went down (see rds_instance) */
    char writer_class[32];   /* DBInstanceClass of the writer, "" if none */
};

/* Looks a cluster up by identifier or ARN in (account, region). Returns 0 and fills *out, 1 if
 * there is no such cluster, -1 on a store error. */
int rds_cluster_info(struct store *st, const char *account, const char *region, const char *id,
                     struct rds_cluster_info *out);

/* ---- instance classes ------------------------------------------------------------------- */

/* DBInstanceClassMemory of class in bytes (see the file header), or 0 for a class drillsim
 * does not know. */
int64_t rds_class_memory(const char *klass);
/* Aurora PostgreSQL's default max_connections for class: LEAST({DBInstanceClassMemory/
 * 9531392}, 5000); 0 for an unknown class. */
int rds_default_max_connections(const char *klass);
/* The class names drillsim knows, NULL-terminated (for validation messages and tests). */
const char *const *rds_class_names(void);

/* ---- rows ----------------------------------------------------------------------------- */

struct rds_scope {
    struct store *st;
    const char *account;
    const char *region;
};

#define RDS_ID_MAX 64

struct rds_cluster {
    char id[RDS_ID_MAX];
    char status[32];
    int64_t next_ms; /* 0 = no transition */
    char aux[RDS_ID_MAX];
    char cpg[256];
    int64_t created_ms;
    cJSON *doc; /* owned */
};

struct rds_instance {
    char id[RDS_ID_MAX];
    char cluster[RDS_ID_MAX];
    char status[32];
    int64_t next_ms;
    char aux[96];
    int writer;
    char klass[32];
    char pg[256];
    char pg_status[24];
    char cpg_status[24];
    int64_t restarts;
    int64_t created_ms;
    cJSON *applied; /* owned */
    cJSON *doc;     /* owned */
};

void rds_cluster_clear(struct rds_cluster *c);
void rds_instance_clear(struct rds_instance *i);
/* The max_connections in effect on instance i: the value its engine started with (i->applied),
 * else Aurora's default for its class. rds_cluster_info() gives the writer's. */
int rds_instance_max_connections(const struct rds_instance *i);

/* Each get fills *out (caller clears) and returns 0, 1 or -1. */
int rds_cluster_get(const struct rds_scope *sc, const char *id, struct rds_cluster *out);
/* Inserts or replaces the row of c (keyed by c->id). Returns 0 or -1. */
int rds_cluster_put(const struct rds_scope *sc, const struct rds_cluster *c);
int rds_cluster_delete(const struct rds_scope *sc, const char *id);
/* Every cluster of the tenant ordered by id into *out (caller frees each and the array; NULL
 * when none), their number in *n. Returns 0 or -1. */
int rds_cluster_list(const struct rds_scope *sc, struct rds_cluster **out, int *n);
/* Number of clusters of the tenant. Returns it, or -1. */
int rds_cluster_count(const struct rds_scope *sc);

int rds_instance_get(const struct rds_scope *sc, const char *id, struct rds_instance *out);
int rds_instance_put(const struct rds_scope *sc, const struct rds_instance *i);
int rds_instance_delete(const struct rds_scope *sc, const char *id);
/* The instances of cluster (or of the tenant when cluster is NULL) ordered by id; as
 * rds_cluster_list. */
int rds_instance_list(const struct rds_scope *sc, const char *cluster, struct rds_instance **out,
                      int *n);
void rds_cluster_free_list(struct rds_cluster *v, int n);
void rds_instance_free_list(struct rds_instance *v, int n);
int rds_instance_count(const struct rds_scope *sc);

/* ---- parameter groups ----------------------------------------------------------------- */

#define RDS_PG_CLUSTER "cluster"
#define RDS_PG_DB "db"

struct rds_pg {
    char name[256];
    char family[64];
    char description[1024];
    int64_t created_ms;
};

int rds_pg_get(const struct rds_scope *sc, const char *kind, const char *name,
               struct rds_pg *out);
/* Inserts the group (fails with 1 if it exists). Returns 0, 1 or -1. */
int rds_pg_insert(const struct rds_scope *sc, const char *kind, const struct rds_pg *g);
/* Deletes the group and its parameters. Returns 0, 1 or -1. */
int rds_pg_delete(const struct rds_scope *sc, const char *kind, const char *name);
/* The groups of kind ordered by name into *out (caller frees the array), *n. 0 or -1. */
int rds_pg_list(const struct rds_scope *sc, const char *kind, struct rds_pg **out, int *n);
/* Sets a user value of parameter name in group (value and apply method). 0 or -1. */
int rds_param_set(const struct rds_scope *sc, const char *kind, const char *group,
                  const char *name, const char *value, const char *method);
/* Removes the user value (back to the default). 0 or -1. */
int rds_param_unset(const struct rds_scope *sc, const char *kind, const char *group,
                    const char *name);
/* The user values of group as a new object {name: {"value": v, "method": m}} (caller
 * deletes), or NULL on a store error. */
cJSON *rds_params_of(const struct rds_scope *sc, const char *kind, const char *group);
/* Number of clusters (kind cluster) or instances (kind db) using the group; -1 on error. */
int rds_pg_users(const struct rds_scope *sc, const char *kind, const char *name);

/* ---- subnet groups -------------------------------------------------------------------- */

struct rds_subnet_group {
    char name[256];
    char description[1024];
    char vpc_id[32];
    int64_t created_ms;
    cJSON *subnets; /* owned: the Subnets array (neutral form) */
};

void rds_subnet_group_clear(struct rds_subnet_group *g);
int rds_subnet_group_get(const struct rds_scope *sc, const char *name,
                         struct rds_subnet_group *out);
int rds_subnet_group_put(const struct rds_scope *sc, const struct rds_subnet_group *g);
int rds_subnet_group_delete(const struct rds_scope *sc, const char *name);
/* Names of the tenant's subnet groups ordered by name as a new array of strings (caller
 * deletes), NULL on error. */
cJSON *rds_subnet_group_names(const struct rds_scope *sc);
/* Number of clusters using the subnet group; -1 on error. */
int rds_subnet_group_users(const struct rds_scope *sc, const char *name);

/* ---- events --------------------------------------------------------------------------- */

struct rds_event {
    int64_t seq;
    const char *source_type; /* db-cluster, db-instance, db-parameter-group, ... */
    const char *source_id;
    const char *source_arn;
    const char *message;
    const char *categories; /* comma-separated, e.g. "availability,notification" */
    int64_t date_ms;
};

/* Appends an event at date_ms. Returns 0 or -1. */
int rds_event_add(const struct rds_scope *sc, int64_t date_ms, const char *source_type,
                  const char *source_id, const char *source_arn, const char *categories,
                  const char *message);
/* Calls fn for every event of the tenant with from_ms <= date < to_ms and seq > after_seq,
 * optionally only of source_type (NULL = any) and source_id (NULL = any), in seq order, until
 * fn returns non-zero or max_rows rows were read. Returns 0 or -1. */
int rds_event_scan(const struct rds_scope *sc, int64_t from_ms, int64_t to_ms, int64_t after_seq,
                   const char *source_type, const char *source_id, int max_rows,
                   int (*fn)(const struct rds_event *e, void *arg), void *arg);
/* Deletes the account's events older than before_ms (every region). Returns 0 or -1. */
int rds_event_prune(struct store *st, const char *account, int64_t before_ms);

/* ---- tags (resource = the ARN) ---------------------------------------------------------- */

int rds_tag_set(const struct rds_scope *sc, const char *arn, const char *key, const char *value);
int rds_tag_unset(const struct rds_scope *sc, const char *arn, const char *key);
/* Number of tags of arn, or -1. */
int rds_tag_count(const struct rds_scope *sc, const char *arn);
/* The tags of arn as a new TagList array [{Key, Value}] ordered by key (caller deletes), or
 * NULL on error. */
cJSON *rds_tag_list(const struct rds_scope *sc, const char *arn);
/* Moves every tag of from to to (a rename). Returns 0 or -1. */
int rds_tag_move(const struct rds_scope *sc, const char *from, const char *to);
int rds_tag_drop(const struct rds_scope *sc, const char *arn);

/* ---- the tick's view: rows whose transition is due ---------------------------------------- */

struct rds_due {
    char region[32];
    char id[RDS_ID_MAX];
    int instance; /* 0 = a cluster, 1 = an instance */
};

/* The account's clusters and instances with next_ms <= now_ms (every region), clusters
 * first, at most max (caller frees *out). Returns 0 or -1. */
int rds_due(struct store *st, const char *account, int64_t now_ms, int max, struct rds_due **out,
            int *n);

/* ---- ARNs and names ------------------------------------------------------------------- */

/* Writes arn:aws:rds:REGION:ACCOUNT:TYPE:NAME (type "cluster", "db", "cluster-pg", "pg",
 * "subgrp"). */
void rds_arn(const struct rds_scope *sc, const char *type, const char *name, char *out,
             size_t n);
/* If s is an RDS ARN of type in the scope's account and region, returns its name part, else
 * returns s unchanged when it is not an ARN at all, or NULL when it is an ARN of another
 * type, account or region. */
const char *rds_arn_name(const struct rds_scope *sc, const char *type, const char *s);
/* The 12-character endpoint hash of (account, region): every endpoint of the tenant shares
 * it, as AWS's do ("<id>.cluster-<hash>.<region>.rds.amazonaws.com"). */
void rds_endpoint_hash(const char *account, const char *region, char out[13]);

#endif
