/*
 * world.h - the living world behind the APIs: traffic, the app's tasks and their connection
 * pools, the Aurora cluster's connections and CPU, RDS Proxy, and what all of it emits.
 *
 * A team has at most one world, for one environment (dev, staging, prod, ...), started by a
 * fixture or a scenario (world_start). Every second of sim time (the "world" row of engine.c's
 * step table) the model runs one aggregated step; no simulated request is ever a store write
 * of its own:
 *   - traffic: requests/s from the profile, with noise and the timeline's surges, spread over
 *     the service's RUNNING tasks (a task draining for a deployment gets no new requests but
 *     keeps its connections until it stops);
 *   - each task: its pool (size, overflow, timeout) or no pooling, read from its task
 *     definition's environment at start, and the database endpoint it connects to, read from
 *     SSM /golden/db_endpoint at start (the cluster endpoint, or a proxy's); it re-reads
 *     /golden/failure_mode every 30 s of sim time; under connection_leak a share of its
 *     requests never returns its connection, held until the task stops;
 *   - per task and second: concurrency from Little's law (requests x service time), the
 *     connections the pool wants, what the database grants (it refuses beyond max_connections
 *     less the reserved superuser slots), requests that find no connection (Erlang B over the
 *     pool's usable connections) failing with connection_error, or waiting and timing out with
 *     pool_timeout when the pool is at its cap;
 *   - the database: max_connections in effect on the writer (rds_cluster_info), CPU from
 *     connections, active queries and the rate of new connections; service time grows with
 *     CPU; a restart of the writer (reboot, failover) drops every connection, and while the
 *     writer is not available every database request fails;
 *   - RDS Proxy: tasks that connected through an available proxy hold client connections to
 *     it; the database sees only the proxy's pool, bounded by its budget
 *     (MaxConnectionsPercent of max_connections).
 * Emission (world_emit.c): every minute the AWS metrics of the cluster, instances, service,
 * load balancer and proxy, as statistic sets of the per-second values; every second sampled
 * JSON log lines per task into /ecs/golden-path-app-{env}, stream ecs/app/<task-id>.
 *
 * The world's state is written to the store at the end of every tick it changed (the
 * world_state table), so kill -9 and a restart resume it. The model draws only from the
 * team's world generator.
 */
#ifndef DRILLSIM_ENGINE_WORLD_H
#define DRILLSIM_ENGINE_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct sim;
struct team;
struct tick;

/* The knobs of the model a scenario sets (defaults: world_config_default). */
struct world_config {
    char env[16];
    char region[32];
    double rps;             /* base requests per second */
    int diurnal;            /* 1: the rate follows the day (x0.6 at night .. x1.4 mid-day) */
    double noise;           /* relative standard deviation of the rate, per second */
    double db_share;        /* share of requests that query the database */
    double service_ms;      /* a query's duration with the database idle */
    double connect_ms;      /* opening a connection with the database idle */
    double leak_share;      /* under connection_leak: share of requests that keep theirs */
    double log_sample;      /* share of successful requests logged */
    int error_log_cap;      /* error lines logged per task per second before sampling */
    double error_sample;    /* share of the errors beyond the cap logged (the rest counted) */
    double task_cpu_base;   /* a task's CPU % with no traffic */
    double task_cpu_per_rps; /* a task's CPU % per request/s it serves */
};

/* Fills *c with the defaults for environment env in region. */
void world_config_default(struct world_config *c, const char *env, const char *region);
/* Reads the overrides of a scenario's JSON object (traffic / app members; unknown members are
 * the scenario loader's business) into *c. Returns 0, or -1 with a reason in err. */
int world_config_apply(struct world_config *c, const cJSON *traffic, const cJSON *app,
                       char *err, size_t errlen);

/* Starts (or restarts from scratch) team's world with config c at now_ms and stores it.
 * Returns 0 or -1. */
int world_start(struct sim *sim, struct team *team, const struct world_config *c,
                int64_t now_ms);
/* Stops team's world (its resources stay). Returns 0 or -1. */
int world_stop(struct sim *sim, struct team *team);
/* Returns 1 when team has a running world (loading it from the store on first use). */
int world_active(struct sim *sim, struct team *team);

/* Timeline actions that change the model itself (the others go through the APIs). */
/* Multiplies the traffic by factor until until_ms. Returns 0, or -1 without a world. */
int world_surge(struct sim *sim, struct team *team, double factor, int64_t until_ms);
/* Multiplies query durations by factor until until_ms. Returns 0, or -1 without a world. */
int world_slow_queries(struct sim *sim, struct team *team, double factor, int64_t until_ms);

/* The tick sub-step. Returns 0, or -1 to roll the tick back. */
int world_tick(struct tick *t);

/* One real request to the app (its HTTP endpoint): path is "/db" or "/health". Serves it as
 * the model would serve a request now, counts it in the traffic, and writes the status and
 * the JSON body (caller frees). Returns 0, or -1 when team has no world. */
int world_app_request(struct sim *sim, struct team *team, const char *path, int *status,
                      char **body);

/* The world's state for the control API, as a new object (caller deletes), or NULL when the
 * team has no world. */
cJSON *world_status(struct sim *sim, struct team *team);

/* The names of the environment's load balancer and target group as their CloudWatch
 * dimensions show them ("app/golden-path-alb-dev/<16 hex>", "targetgroup/..."). */
void world_elb_names(const char *env, char *lb, size_t lbn, char *tg, size_t tgn);

/* Frees a team's in-memory world (team_forget_all). */
void world_free(struct team *team);

#endif
