/*
 * rds.h - what other modules read of RDS clusters (RDS Proxy, the world model).
 * (Contract; the implementation is being written.)
 */
#ifndef DRILLSIM_STORE_RDS_H
#define DRILLSIM_STORE_RDS_H

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
};

/* Looks a cluster up by identifier or ARN in (account, region). Returns 0 and fills *out, 1 if
 * there is no such cluster, -1 on a store error. */
int rds_cluster_info(struct store *st, const char *account, const char *region, const char *id,
                     struct rds_cluster_info *out);

#endif
