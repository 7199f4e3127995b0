/*
 * rds_int.h - private to the RDS service files: rds.c (clusters, instances, events, tags and
 * the op table), rds_params.c (parameter groups, engine versions), rds_proxy.c (RDS Proxy).
 */
#ifndef DRILLSIM_RDS_INT_H
#define DRILLSIM_RDS_INT_H

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

#endif
