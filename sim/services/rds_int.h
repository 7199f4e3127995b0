/*
 * rds_int.h - private to the RDS files: rds.c (clusters, instances, subnet groups, events,
 * tags and the op table), rds_params.c (parameter groups, the parameter catalogue, engine
 * versions), rds_proxy.c (RDS Proxy) and sim/engine/rds.c (the lifecycle on the clock).
 */
#ifndef DRILLSIM_RDS_INT_H
#define DRILLSIM_RDS_INT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "store/rds.h"

struct call;

/* rds_proxy.c */
int rds_op_CreateDBProxy(struct call *c);
int rds_op_DescribeDBProxies(struct call *c);
int rds_op_ModifyDBProxy(struct call *c);
int rds_op_DeleteDBProxy(struct call *c);
int rds_op_RegisterDBProxyTargets(struct call *c);
int rds_op_DeregisterDBProxyTargets(struct call *c);
int rds_op_DescribeDBProxyTargets(struct call *c);
int rds_op_DescribeDBProxyTargetGroups(struct call *c);
int rds_op_ModifyDBProxyTargetGroup(struct call *c);
int rds_op_CreateDBProxyEndpoint(struct call *c);
int rds_op_DescribeDBProxyEndpoints(struct call *c);
int rds_op_ModifyDBProxyEndpoint(struct call *c);
int rds_op_DeleteDBProxyEndpoint(struct call *c);

/* rds_params.c: parameter groups and engine versions */
int rds_op_CreateDBClusterParameterGroup(struct call *c);
int rds_op_DescribeDBClusterParameterGroups(struct call *c);
int rds_op_DescribeDBClusterParameters(struct call *c);
int rds_op_ModifyDBClusterParameterGroup(struct call *c);
int rds_op_ResetDBClusterParameterGroup(struct call *c);
int rds_op_DeleteDBClusterParameterGroup(struct call *c);
int rds_op_CreateDBParameterGroup(struct call *c);
int rds_op_DescribeDBParameterGroups(struct call *c);
int rds_op_DescribeDBParameters(struct call *c);
int rds_op_ModifyDBParameterGroup(struct call *c);
int rds_op_ResetDBParameterGroup(struct call *c);
int rds_op_DeleteDBParameterGroup(struct call *c);
int rds_op_DescribeDBEngineVersions(struct call *c);

/* ---- the engine catalogue (rds_params.c) -------------------------------------------------- */

#define RDS_ENGINE "aurora-postgresql"

/* One parameter of the simulated subset, with AWS's metadata (from an aurora-postgresql
 * describe-db-parameters listing). value NULL: the engine default has no ParameterValue. */
struct rds_param_spec {
    const char *name;
    const char *value;
    const char *description;
    const char *source; /* engine-default | system */
    const char *apply_type; /* static | dynamic */
    const char *data_type;
    const char *allowed;
    int modifiable;
    int levels; /* RDS_LEVEL_*: which kinds of group list it */
};

#define RDS_LEVEL_DB 1      /* DB parameter groups (instance level) */
#define RDS_LEVEL_CLUSTER 2 /* DB cluster parameter groups */

/* The whole catalogue, sorted by name; its size in *n. */
const struct rds_param_spec *rds_param_catalogue(size_t *n);
/* The catalogue entry of name, or NULL. */
const struct rds_param_spec *rds_param_spec(const char *name);
/* Returns 1 if version is an aurora-postgresql version drillsim offers. */
int rds_version_known(const char *version);
/* The version CreateDBCluster picks when none is given (DescribeDBEngineVersions
 * --default-only). */
const char *rds_default_version(void);
/* Writes the parameter group family of version ("aurora-postgresql16"). */
void rds_family_of(const char *version, char *out, size_t n);
/* Returns 1 for a family drillsim simulates (aurora-postgresql13..16). */
int rds_family_known(const char *family);
/* Makes the default group "default.<family>" of kind exist. Returns 0 or -1. */
int rds_ensure_default_pg(const struct rds_scope *sc, const char *kind, const char *family,
                          int64_t now_ms);
/*
 * The static parameters an instance's engine starts with, as a new object {name: value}
 * (caller deletes): each static parameter of the catalogue set in the DB parameter group pg,
 * else in the DB cluster parameter group cpg (the instance's group wins). NULL on a store
 * error.
 */
cJSON *rds_boot_params(const struct rds_scope *sc, const char *cpg, const char *pg);

/* ---- shared by the handlers (rds.c) ------------------------------------------------------- */

/* The tenant's scope of the call. */
struct rds_scope rds_scope_of(struct call *c);
/* Records InternalFailure for a store error; returns SIM_ERROR. */
int rds_store_failed(struct call *c);
/* Checks MaxRecords (20..100, default 100) and sets *out. Returns SIM_OK or SIM_ERROR. */
int rds_max_records(struct call *c, int *out);
/* Validates a Tags list as AWS does and adds the tags to arn. Returns SIM_OK / SIM_ERROR. */
int rds_apply_tags(struct call *c, const struct rds_scope *sc, const char *arn,
                   const cJSON *tags);
/* Appends an event at the call's time; returns 0 or -1. */
int rds_event(const struct rds_scope *sc, int64_t now_ms, const char *type, const char *id,
              const char *arn_type, const char *categories, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
