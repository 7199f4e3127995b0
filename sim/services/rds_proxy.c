/* rds_proxy.c - RDS Proxy (skeleton; being written). */
#include "services/rds_int.h"
#include "sim.h"

int rds_op_CreateDBProxy(struct call *c)
{
    return call_error(c, "InternalFailure", "CreateDBProxy is not implemented yet");
}

int rds_op_DescribeDBProxies(struct call *c)
{
    return call_error(c, "InternalFailure", "DescribeDBProxies is not implemented yet");
}

int rds_op_ModifyDBProxy(struct call *c)
{
    return call_error(c, "InternalFailure", "ModifyDBProxy is not implemented yet");
}

int rds_op_DeleteDBProxy(struct call *c)
{
    return call_error(c, "InternalFailure", "DeleteDBProxy is not implemented yet");
}

int rds_op_RegisterDBProxyTargets(struct call *c)
{
    return call_error(c, "InternalFailure", "RegisterDBProxyTargets is not implemented yet");
}

int rds_op_DeregisterDBProxyTargets(struct call *c)
{
    return call_error(c, "InternalFailure", "DeregisterDBProxyTargets is not implemented yet");
}

int rds_op_DescribeDBProxyTargets(struct call *c)
{
    return call_error(c, "InternalFailure", "DescribeDBProxyTargets is not implemented yet");
}

int rds_op_DescribeDBProxyTargetGroups(struct call *c)
{
    return call_error(c, "InternalFailure", "DescribeDBProxyTargetGroups is not implemented yet");
}

int rds_op_ModifyDBProxyTargetGroup(struct call *c)
{
    return call_error(c, "InternalFailure", "ModifyDBProxyTargetGroup is not implemented yet");
}

int rds_op_CreateDBProxyEndpoint(struct call *c)
{
    return call_error(c, "InternalFailure", "CreateDBProxyEndpoint is not implemented yet");
}

int rds_op_DescribeDBProxyEndpoints(struct call *c)
{
    return call_error(c, "InternalFailure", "DescribeDBProxyEndpoints is not implemented yet");
}

int rds_op_ModifyDBProxyEndpoint(struct call *c)
{
    return call_error(c, "InternalFailure", "ModifyDBProxyEndpoint is not implemented yet");
}
