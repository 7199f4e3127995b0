/*
 * world_int.h - private to the world model's files: world.c (the model), world_state.c (its
 * persistence) and world_emit.c (metrics and logs).
 */
#ifndef DRILLSIM_ENGINE_WORLD_INT_H
#define DRILLSIM_ENGINE_WORLD_INT_H

#include <stdint.h>

#include "engine/world.h"

/* A service never runs more tasks than this in a drill (the fixture's scalable target stops
 * at 12; a trainee may set a desired count up to this by hand). */
#define WORLD_MAX_TASKS 64
/* Connections Aurora PostgreSQL keeps for superusers (rds.rds_superuser_reserved_connections
 * and superuser_reserved_connections together): the app cannot use the last ones. */
#define WORLD_RESERVED_CONNS 3
/* rdsadmin and the monitoring agent hold these on every writer. */
#define WORLD_ADMIN_CONNS 2
/* How often a task re-reads /golden/failure_mode. */
#define WORLD_CONFIG_REFRESH_MS 30000

/* One task of the service as the app sees it. */
struct world_task {
    char id[40];
    int serving;        /* RUNNING and not draining: gets requests */
    int pooling;        /* 0: a connection per request */
    int pool_size;
    int pool_overflow;
    int pool_timeout_s;
    int via_proxy;      /* connected through the proxy (SSM /golden/db_endpoint at start) */
    int leaking;        /* the failure mode it last read is connection_leak */
    int64_t started_ms;
    int64_t config_due_ms;
    int64_t epoch;      /* the writer restart count its connections belong to */
    int open;           /* connections open (to the database, or to the proxy) */
    int leaked;         /* of which checked out and never returned */
    double rps;         /* requests it served in the last second */
    double active;      /* mean queries in flight in the last second */
    double cpu;         /* its CPU % in the last second */
    int64_t stream_id;  /* its log stream in log_group_id (0 = not looked up yet) */
    int64_t suppressed_conn; /* errors beyond the log cap this minute, counted */
    int64_t suppressed_pool;
    int seen;           /* scratch: found in this tick's task list */
};

/* Sums over one minute of per-second values, emitted as statistic sets. */
struct world_stat {
    double n, sum, min, max;
};

struct world_minute {
    int64_t start_ms;            /* the minute these belong to */
    double requests, errors_5xx; /* ALB counts */
    double latency_sum_s;        /* sum of response times (TargetResponseTime average) */
    struct world_stat db_conns, db_cpu, db_mem;
    struct world_stat svc_cpu, svc_mem, running;
    struct world_stat proxy_client, proxy_db, proxy_borrowed;
};

struct world {
    int active;
    struct world_config cfg;
    int64_t started_ms;
    /* the timeline's modifiers */
    double surge_factor;
    int64_t surge_until_ms;
    double slow_factor;
    int64_t slow_until_ms;
    /* traffic noise (AR(1), so the rate wanders instead of jittering) */
    double noise_state;
    /* the database */
    int64_t epoch;          /* writer restarts seen */
    char writer[64];
    int max_conns;
    int db_up;
    double db_cpu;          /* % */
    int db_conns;           /* connections on the writer, admin ones included */
    double new_conns;       /* connections opened in the last second */
    /* the proxy, when one serves the cluster */
    int proxy_up;
    int proxy_budget;
    int proxy_idle_budget;
    int proxy_client;
    int proxy_db;
    double proxy_borrowed;
    char proxy_name[64];
    char proxy_endpoint[256];
    /* the tasks, by id */
    struct world_task tasks[WORLD_MAX_TASKS];
    int ntasks;
    int rr;                 /* round-robin position for real requests */
    struct world_minute minute;
    double last_requests;   /* the last whole minute's requests and 5xx (status views) */
    double last_5xx;
    int64_t log_seq;        /* requests logged so far (request ids) */
    int64_t log_group_id;   /* the app's log group as last seen (0 = none) */
    int dirty;
};

/* world_state.c: the world of a team as stored; NULL when none (world_load returns 0). */
int world_load(struct sim *sim, struct team *team, struct world **out);
int world_save(struct sim *sim, struct team *team, const struct world *w);
int world_delete(struct sim *sim, struct team *team);

/* world_emit.c */
/* Writes the minute's metrics (the minute starting at w->minute.start_ms) and resets it. */
int world_emit_minute(struct sim *sim, struct team *team, struct world *w);
/* Per task and second: the outcome counts the log sampling works from. */
struct world_outcome {
    int64_t ok;
    int64_t conn_errors;
    int64_t pool_timeouts;
    double latency_ms;   /* of a successful request */
    double connect_ms;   /* time to connect (0 when a pooled connection was free) */
    double wait_ms;      /* time waited for a pooled connection */
    int refused_full;    /* the database was at max_connections (not only the reserved) */
    int db_down;         /* the database was unreachable */
    int64_t health;      /* /health requests (no database) */
};
/* Writes the sampled log lines of one task for the second ending at now_ms. */
int world_emit_logs(struct sim *sim, struct team *team, struct world *w, struct world_task *tk,
                    const struct world_outcome *o, int64_t now_ms);
/* Looks the app's log group up (once per tick, before any line is written). Returns 0 or -1. */
int world_logs_prepare(struct sim *sim, struct team *team, struct world *w);
/* Writes the task's count of errors not logged in the last minute, if any, and resets it. */
int world_emit_suppressed(struct sim *sim, struct team *team, struct world *w,
                          struct world_task *tk, int64_t now_ms);

#endif
