/* rds.c - Amazon RDS (skeleton; being written). */
#include "services/rds_int.h"
#include "services/service.h"
#include "sim.h"

static const struct sim_op rds_ops[] = {
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
    {NULL, NULL, 0},
};

struct sim_service service_rds = {
    .name = "rds",
    .ops = rds_ops,
    .vstyle = VS_QUERY,
};
