/*
 * rds.h - Aurora clusters and DB instances on the clock: the lifecycle durations, the tick
 * that ends transitions, and the hook the world model observes when a database engine goes
 * down (its connections drop).
 *
 * A handler (sim/services/rds.c) starts a transition: it sets the row's status (creating,
 * modifying, rebooting, failing-over, stopping, starting, deleting) and next_ms, the instant
 * the transition ends, and writes the events AWS writes when it begins. The tick (rds_tick)
 * ends every transition whose next_ms has come: it sets the next status, writes the closing
 * events ("DB cluster created", "DB instance restarted", "Completed failover to DB instance:
 * X", ...), swaps the writer after a failover, and (re)starts the engine of an instance, which
 * applies the static parameters of its parameter groups (pending-reboot values become the
 * values in effect). The queries are indexed on next_ms, so an idle world costs two index
 * probes per second.
 *
 * Durations (seconds of sim time) are AWS-like under the "aws" timing preset and scale with
 * the team's timing: each is the aws value times provisioning_s / 15 (the aws preset's
 * provisioning_s), at least one second, so the "fast" preset (provisioning_s 1) makes every
 * transition take seconds:
 *                        aws    fast
 *   cluster create        60       4   (the cluster volume; instances take longer)
 *   instance create      300      20   (AWS: 5-10 minutes)
 *   instance class change 300     20
 *   instance reboot       30       2
 *   failover              30       2   (AWS: "typically less than 60 seconds, often < 30")
 *   cluster modify        30       2
 *   stop                 120       8
 *   start                180      12
 *   cluster delete        60       4
 *   instance delete      120       8
 */
#ifndef DRILLSIM_ENGINE_RDS_H
#define DRILLSIM_ENGINE_RDS_H

#include <stdint.h>

#include "store/rds.h"

struct tick;
struct team_timing;

struct rds_durations {
    int cluster_create_s;
    int instance_create_s;
    int instance_modify_s;
    int reboot_s;
    int failover_s;
    int cluster_modify_s;
    int stop_s;
    int start_s;
    int cluster_delete_s;
    int instance_delete_s;
};

/* Fills *d from the team's timing (see the table above). */
void rds_durations_of(const struct team_timing *t, struct rds_durations *d);

/* The tick sub-step: ends the transitions that are due; prunes events older than 14 days
 * once an hour. Returns 0, or -1 to roll the tick back. */
int rds_tick(struct tick *t);

/*
 * The world model's hook: called whenever the engine of a DB instance goes down (reboot,
 * failover, instance class change, stop, delete), inside the transaction that records it.
 * reason is "reboot", "failover", "modify", "stop" or "delete"; writer says whether the
 * instance was the cluster's writer. The same moments also count in the instance's restart
 * counter (rds_cluster_info's writer_restarts), which the world model can poll instead.
 */
typedef void (*rds_down_hook)(void *arg, const char *account, const char *region,
                              const char *cluster, const char *instance, int writer,
                              const char *reason, int64_t now_ms);
/* Installs fn (NULL to remove). One hook per process. */
void rds_set_down_hook(rds_down_hook fn, void *arg);

/* Records that i's engine goes down now: counts the restart and calls the hook (the caller
 * stores i). */
void rds_engine_down(const struct rds_scope *sc, struct rds_instance *i, const char *reason,
                     int64_t now_ms);
/* Starts i's engine: the static parameters of its groups become the applied ones and both
 * apply statuses in-sync (the caller stores i). Returns 0 or -1. */
int rds_engine_start(const struct rds_scope *sc, struct rds_instance *i);

#endif
