/*
 * rds_proxy.h - RDS Proxy on the clock: the lifecycle durations, the members a registered
 * cluster contributes as targets, and the tick that ends transitions and checks the health
 * of every target.
 *
 * A handler (sim/services/rds_proxy.c) starts a transition by setting a row's status and
 * next_ms; the tick (rds_proxy_tick) ends it: a proxy goes creating -> available, modifying
 * -> available, deleting -> gone (with its targets, endpoints and tags); a user-defined
 * endpoint likewise. Targets follow the lifecycle the RDS Proxy documentation describes
 * ("registering > unavailable > available"):
 *   REGISTERING, for registering_s after RegisterDBProxyTargets;
 *   UNAVAILABLE / PENDING_PROXY_CAPACITY "DBProxy Target is waiting for proxy to scale to
 *     desired capacity", for capacity_s, when the proxy can read its credentials;
 *   AVAILABLE once the database can be reached; re-checked every recheck_s.
 * Each check looks at the proxy's credentials: the IAM role (RoleArn) must exist and trust
 * rds.amazonaws.com, and at least one Auth secret must be readable (not scheduled for
 * deletion) and hold a JSON SecretString with username and password (IAM_AUTH default
 * authentication needs no secret). When they fail the target is UNAVAILABLE / AUTH_FAILURE
 * "Proxy does not have any registered credentials" (the text AWS's troubleshooting guide
 * quotes). A member instance that is not up (rebooting, stopped, failing over, ...) is
 * UNAVAILABLE / UNREACHABLE. The tracked cluster's membership is followed at every check of
 * its TRACKED_CLUSTER target: new members are registered, departed ones dropped, and the
 * READ_WRITE role moves with the writer after a failover.
 *
 * Durations (seconds of sim time) are AWS-like under the "aws" timing preset and scale like
 * RDS's (sim/engine/rds.h): the aws value times provisioning_s / 15, at least one second:
 *                            aws    fast
 *   proxy create             180      12
 *   proxy modify              30       2
 *   proxy delete              60       4
 *   endpoint create          120       8
 *   endpoint modify           30       2
 *   endpoint delete           60       4
 *   target registering        60       4
 *   proxy capacity            60       4
 *   target health re-check    30       2
 */
#ifndef DRILLSIM_ENGINE_RDS_PROXY_H
#define DRILLSIM_ENGINE_RDS_PROXY_H

#include <stdint.h>

struct tick;
struct team_timing;
struct rds_scope;

struct rds_proxy_durations {
    int create_s;
    int modify_s;
    int delete_s;
    int endpoint_create_s;
    int endpoint_modify_s;
    int endpoint_delete_s;
    int registering_s;
    int capacity_s;
    int recheck_s;
};

/* Fills *d from the team's timing (see the table above). */
void rds_proxy_durations_of(const struct team_timing *t, struct rds_proxy_durations *d);

/* One member of an Aurora cluster, as a proxy target sees it. */
struct rds_proxy_member {
    char id[64];
    char arn[160];
    char endpoint[256];
    char status[32];
    int port;
    int is_writer;
};

/* Aurora allows 15 readers besides the writer. */
#define RDS_PROXY_MAX_MEMBERS 16

/* Writes at most max members of cluster_id into out, the writer first. Returns their number,
 * or -1 on a store error. */
int rds_proxy_members(const struct rds_scope *sc, const char *cluster_id,
                      struct rds_proxy_member *out, int max);

/* 1 when a DB instance (or cluster) in this status accepts connections. */
int rds_proxy_status_reachable(const char *status);

/* The tick sub-step (see above). Returns 0, or -1 to roll the tick back. */
int rds_proxy_tick(struct tick *t);

#endif
