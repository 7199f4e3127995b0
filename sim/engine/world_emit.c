/*
 * world_emit.c - what the world shows: AWS's metrics every minute and the app's log lines
 * every second.
 *
 * Metrics (the minute's per-second values as statistic sets, timestamped at the minute's
 * start, written with metrics_put as CloudWatch would store them):
 *   AWS/RDS            DatabaseConnections, CPUUtilization, FreeableMemory per
 *                      DBClusterIdentifier, per DBClusterIdentifier + Role=WRITER and per
 *                      DBInstanceIdentifier (the writer); DatabaseConnections per
 *                      DBInstanceIdentifier of each available reader (the app connects to
 *                      the writer endpoint only: a reader holds the admin connections);
 *   AWS/RDS (proxy)    ClientConnections, DatabaseConnections,
 *                      DatabaseConnectionsCurrentlyBorrowed per ProxyName, once a proxy exists;
 *   AWS/ECS            CPUUtilization, MemoryUtilization per ClusterName + ServiceName;
 *   ECS/ContainerInsights RunningTaskCount per ClusterName + ServiceName;
 *   AWS/ApplicationELB RequestCount, HTTPCode_Target_5XX_Count (only when there were any, as
 *                      ELB does), TargetResponseTime per LoadBalancer + TargetGroup and per
 *                      LoadBalancer; the fixture's load balancer and target group names, with
 *                      ids derived from the environment.
 * Logs: per task and second, successful requests sampled at log_sample, errors kept up to
 * error_log_cap and sampled beyond, as JSON lines in stream ecs/app/<task-id> of
 * /ecs/golden-path-app-{env} (the stream is created when the task first logs; nothing is
 * written while the log group does not exist).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/golden.h"
#include "engine/team.h"
#include "engine/world_int.h"
#include "sim.h"
#include "store/logs.h"
#include "store/metrics.h"
#include "store/rds.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

/* ---- metrics ---------------------------------------------------------------------------- */

struct emit {
    struct sim *sim;
    struct team *team;
    const struct world *w;
    int64_t ts_ms;
    int64_t now_ms;
};

/* Writes one datum: a statistic set (or nothing when it saw no sample). dims are name/value
 * pairs, ndims of them. Returns 0 or -1. */
static int put(const struct emit *e, const char *ns, const char *name, const char *unit,
               const struct world_stat *s, const char *const *dims, int ndims)
{
    if (s->n <= 0)
        return 0;
    struct metrics_dim d[4];
    for (int i = 0; i < ndims && i < 4; i++) {
        d[i].name = dims[2 * i];
        d[i].value = dims[2 * i + 1];
    }
    metrics_dims_sort(d, ndims);
    struct buf key;
    buf_init(&key, 4096);
    if (metrics_dims_key(d, ndims, &key) != 0 || buf_putc(&key, '\0') != 0) {
        buf_free(&key);
        return -1;
    }
    struct metrics_stats st = {s->n, s->sum, s->min, s->max};
    struct metrics_datum datum = {
        .namespace = ns,
        .name = name,
        .dims_key = key.p,
        .ts_ms = e->ts_ms,
        .unit = metrics_unit_find(unit),
        .resolution = 60,
        .samples = NULL,
        .nsamples = -1,
        .stats = &st,
    };
    int rc = metrics_put(e->sim->store, e->team->account, e->w->cfg.region, &datum, e->now_ms);
    buf_free(&key);
    return rc;
}

/* A count (one value) as a statistic set. */
static struct world_stat one(double v)
{
    struct world_stat s = {1, v, v, v};
    return s;
}

/* The load balancer's and target group's ids, derived from the environment (FNV-1a). */
void world_elb_names(const char *env, char *lb, size_t lbn, char *tg, size_t tgn)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = env; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    snprintf(lb, lbn, "app/golden-path-alb-%s/%016llx", env,
             (unsigned long long)(h & 0xffffffffffffffffULL));
    snprintf(tg, tgn, "targetgroup/golden-path-tg-%s/%016llx", env,
             (unsigned long long)((h * 31 + 7) & 0xffffffffffffffffULL));
}

/* DatabaseConnections of every available reader of cluster: the admin connections, as many
 * samples as the writer's minute has. Returns 0 or -1. */
static int emit_readers(const struct emit *e, const char *cluster, double samples)
{
    struct rds_scope sc = {e->sim->store, e->team->account, e->w->cfg.region};
    struct rds_instance *v = NULL;
    int n = 0, rc = 0;
    if (samples <= 0 || rds_instance_list(&sc, cluster, &v, &n) != 0)
        return samples <= 0 ? 0 : -1;
    struct world_stat admin = {samples, samples * WORLD_ADMIN_CONNS, WORLD_ADMIN_CONNS,
                               WORLD_ADMIN_CONNS};
    for (int i = 0; i < n && rc == 0; i++) {
        if (strcmp(v[i].id, e->w->writer) == 0 || strcmp(v[i].status, "available") != 0)
            continue;
        const char *by_reader[] = {"DBInstanceIdentifier", v[i].id};
        rc = put(e, "AWS/RDS", "DatabaseConnections", "Count", &admin, by_reader, 1);
    }
    rds_instance_free_list(v, n);
    return rc;
}

int world_emit_minute(struct sim *sim, struct team *team, struct world *w)
{
    struct world_minute *m = &w->minute;
    struct emit e = {sim, team, w, m->start_ms, m->start_ms + 60000};
    char cluster[96], ecs_cluster[96], service[96], lb[96], tg[96];
    golden_name(GOLDEN_DB_CLUSTER, w->cfg.env, cluster, sizeof cluster);
    golden_name(GOLDEN_ECS_CLUSTER, w->cfg.env, ecs_cluster, sizeof ecs_cluster);
    golden_name(GOLDEN_ECS_SERVICE, w->cfg.env, service, sizeof service);
    world_elb_names(w->cfg.env, lb, sizeof lb, tg, sizeof tg);
    const char *by_cluster[] = {"DBClusterIdentifier", cluster};
    const char *by_role[] = {"DBClusterIdentifier", cluster, "Role", "WRITER"};
    const char *by_writer[] = {"DBInstanceIdentifier", w->writer};
    const char *by_service[] = {"ClusterName", ecs_cluster, "ServiceName", service};
    const char *by_tg[] = {"LoadBalancer", lb, "TargetGroup", tg};
    const char *by_lb[] = {"LoadBalancer", lb};
    const char *by_proxy[] = {"ProxyName", w->proxy_name};
    int rc = 0;
    static const struct {
        const char *name, *unit;
        size_t off;
    } rds[] = {
        {"DatabaseConnections", "Count", offsetof(struct world_minute, db_conns)},
        {"CPUUtilization", "Percent", offsetof(struct world_minute, db_cpu)},
        {"FreeableMemory", "Bytes", offsetof(struct world_minute, db_mem)},
    };
    for (size_t i = 0; i < sizeof rds / sizeof rds[0] && rc == 0; i++) {
        const struct world_stat *s = (const struct world_stat *)((char *)m + rds[i].off);
        rc = put(&e, "AWS/RDS", rds[i].name, rds[i].unit, s, by_cluster, 1) ||
             put(&e, "AWS/RDS", rds[i].name, rds[i].unit, s, by_role, 2) ||
             (w->writer[0] ? put(&e, "AWS/RDS", rds[i].name, rds[i].unit, s, by_writer, 1) : 0);
    }
    if (rc == 0)
        rc = emit_readers(&e, cluster, m->db_conns.n);
    if (rc == 0 && w->proxy_name[0]) {
        rc = put(&e, "AWS/RDS", "ClientConnections", "Count", &m->proxy_client, by_proxy, 1) ||
             put(&e, "AWS/RDS", "DatabaseConnections", "Count", &m->proxy_db, by_proxy, 1) ||
             put(&e, "AWS/RDS", "DatabaseConnectionsCurrentlyBorrowed", "Count",
                 &m->proxy_borrowed, by_proxy, 1);
    }
    if (rc == 0) {
        rc = put(&e, "AWS/ECS", "CPUUtilization", "Percent", &m->svc_cpu, by_service, 2) ||
             put(&e, "AWS/ECS", "MemoryUtilization", "Percent", &m->svc_mem, by_service, 2) ||
             put(&e, "ECS/ContainerInsights", "RunningTaskCount", "Count", &m->running,
                 by_service, 2);
    }
    if (rc == 0 && m->requests > 0) {
        struct world_stat req = one(m->requests);
        double avg = m->latency_sum_s / m->requests;
        struct world_stat lat = {m->requests, m->latency_sum_s, avg, avg};
        rc = put(&e, "AWS/ApplicationELB", "RequestCount", "Count", &req, by_tg, 2) ||
             put(&e, "AWS/ApplicationELB", "RequestCount", "Count", &req, by_lb, 1) ||
             put(&e, "AWS/ApplicationELB", "TargetResponseTime", "Seconds", &lat, by_tg, 2) ||
             put(&e, "AWS/ApplicationELB", "TargetResponseTime", "Seconds", &lat, by_lb, 1);
        if (rc == 0 && m->errors_5xx > 0) {
            struct world_stat err = one(m->errors_5xx);
            rc = put(&e, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Count", &err, by_tg,
                     2) ||
                 put(&e, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Count", &err, by_lb,
                     1);
        }
    }
    w->last_requests = m->requests;
    w->last_5xx = m->errors_5xx;
    memset(m, 0, sizeof *m);
    m->start_ms = e.now_ms;
    return rc ? -1 : 0;
}

/* ---- logs ------------------------------------------------------------------------------- */

/* Lines one task writes in one second at most, whatever the traffic. */
#define LOG_LINES_MAX 200

struct line {
    int64_t ts_ms;
    int kind; /* 0 ok, 1 connection_error, 2 pool_timeout, 3 health */
};

static int by_time(const void *a, const void *b)
{
    const struct line *x = a, *y = b;
    return (x->ts_ms > y->ts_ms) - (x->ts_ms < y->ts_ms);
}

static int add_lines(struct line *lines, int n, int64_t count, int kind, int64_t from_ms,
                     struct rng *rng)
{
    for (int64_t i = 0; i < count && n < LOG_LINES_MAX; i++) {
        lines[n].ts_ms = from_ms + (int64_t)(rng_double(rng) * 1000);
        lines[n].kind = kind;
        n++;
    }
    return n;
}

int world_logs_prepare(struct sim *sim, struct team *team, struct world *w)
{
    char group[128];
    golden_name(GOLDEN_LOG_GROUP, w->cfg.env, group, sizeof group);
    struct logs_scope sc = {sim->store, team->account, w->cfg.region};
    struct logs_group g;
    memset(&g, 0, sizeof g);
    int rc = logs_group_get(&sc, group, &g);
    int64_t id = rc == 0 ? g.id : 0;
    logs_group_clear(&g);
    if (rc < 0)
        return -1;
    if (id != w->log_group_id) {
        /* the group was (re)created or deleted: streams are looked up again */
        w->log_group_id = id;
        for (int i = 0; i < w->ntasks; i++)
            w->tasks[i].stream_id = 0;
    }
    return 0;
}

/* Finds the task's stream in the app's group, creating it. Returns 0, or -1 on a store
 * error. */
static int stream_of(struct sim *sim, struct world *w, struct world_task *tk, int64_t now_ms)
{
    if (tk->stream_id)
        return 0;
    char name[96];
    snprintf(name, sizeof name, "ecs/app/%s", tk->id);
    struct logs_stream s;
    memset(&s, 0, sizeof s);
    int rc = logs_stream_get(sim->store, w->log_group_id, name, &s);
    if (rc == 1) {
        logs_stream_clear(&s);
        if (logs_stream_create(sim->store, w->log_group_id, name, now_ms) < 0)
            return -1;
        memset(&s, 0, sizeof s);
        rc = logs_stream_get(sim->store, w->log_group_id, name, &s);
    }
    tk->stream_id = rc == 0 ? s.id : 0;
    logs_stream_clear(&s);
    return rc == 0 ? 0 : -1;
}

int world_emit_suppressed(struct sim *sim, struct team *team, struct world *w,
                          struct world_task *tk, int64_t now_ms)
{
    if (tk->suppressed_conn + tk->suppressed_pool == 0)
        return 0;
    int64_t conn = tk->suppressed_conn, pool = tk->suppressed_pool;
    tk->suppressed_conn = tk->suppressed_pool = 0;
    if (w->log_group_id == 0)
        return 0;
    if (stream_of(sim, w, tk, now_ms) != 0)
        return -1;
    (void)team;
    char ts[40], line[512];
    timefmt_iso8601((double)(now_ms - 1) / 1000, ts);
    int n = snprintf(line, sizeof line,
                     "{\"timestamp\":\"%s\",\"level\":\"WARN\",\"message\":\"%lld more "
                     "request errors in the last minute were not logged (log sampling)\","
                     "\"suppressed\":{\"connection_error\":%lld,\"pool_timeout\":%lld},"
                     "\"taskId\":\"%s\"}",
                     ts, (long long)(conn + pool), (long long)conn, (long long)pool, tk->id);
    struct logs_put_event ev = {now_ms - 1, line, (size_t)n};
    int64_t seq;
    return logs_put(sim->store, w->log_group_id, tk->stream_id, &ev, 1, now_ms, &seq);
}

int world_emit_logs(struct sim *sim, struct team *team, struct world *w, struct world_task *tk,
                    const struct world_outcome *o, int64_t now_ms)
{
    struct rng *rng = &team->world;
    const struct world_config *c = &w->cfg;
    int64_t from = now_ms - 1000;
    struct line *lines = xmalloc(LOG_LINES_MAX * sizeof *lines);
    int n = 0;
    int64_t errors[2] = {o->conn_errors, o->pool_timeouts};
    int64_t *counted[2] = {&tk->suppressed_conn, &tk->suppressed_pool};
    int cap = c->error_log_cap;
    for (int k = 0; k < 2; k++) {
        int64_t kept = errors[k] < cap ? errors[k] : cap;
        cap -= (int)kept;
        int64_t sampled = rng_binomial(rng, errors[k] - kept, c->error_sample);
        *counted[k] += errors[k] - kept - sampled;
        n = add_lines(lines, n, kept + sampled, k + 1, from, rng);
    }
    n = add_lines(lines, n, rng_binomial(rng, o->ok, c->log_sample), 0, from, rng);
    n = add_lines(lines, n, rng_binomial(rng, o->health, c->log_sample), 3, from, rng);
    int rc = 0;
    if (n == 0)
        goto out;
    if (w->log_group_id == 0)
        goto out; /* no log group: the app's lines go nowhere */
    rc = stream_of(sim, w, tk, now_ms);
    if (rc != 0)
        goto out;
    qsort(lines, (size_t)n, sizeof *lines, by_time);
    struct logs_put_event *ev = xmalloc((size_t)n * sizeof *ev);
    struct buf text;
    buf_init(&text, 1u << 20);
    size_t *offs = xmalloc((size_t)n * sizeof *offs);
    for (int i = 0; i < n; i++) {
        char ts[40], rid[37];
        timefmt_iso8601((double)lines[i].ts_ms / 1000, ts);
        rng_uuid(rng, rid);
        w->log_seq++;
        offs[i] = text.len;
        int kind = lines[i].kind;
        const char *path = kind == 3 ? "/health" : (w->log_seq % 3 == 0 ? "/api/orders" : "/db");
        if (kind == 0 || kind == 3) {
            double lat = kind == 3 ? 1 : o->latency_ms * (0.6 + 0.8 * rng_double(rng));
            double conn = kind == 3 ? 0 : o->connect_ms;
            buf_printf(&text,
                       "{\"timestamp\":\"%s\",\"level\":\"INFO\",\"message\":\"request "
                       "completed\",\"requestId\":\"%s\",\"method\":\"GET\",\"path\":\"%s\","
                       "\"status\":200,\"latencyMs\":%.0f,\"taskId\":\"%s\",\"connectMs\":%.0f}",
                       ts, rid, path, lat, tk->id, conn);
        } else {
            const char *type = kind == 1 ? "connection_error" : "pool_timeout";
            const char *msg;
            double lat;
            if (kind == 2) {
                msg = "QueuePool limit of size reached, connection timed out";
                lat = tk->pool_timeout_s * 1000.0;
            } else if (o->db_down) {
                msg = "could not connect to server: Connection refused";
                lat = 2;
            } else {
                msg = o->refused_full && rng_double(rng) < 0.3
                          ? "FATAL: sorry, too many clients already"
                          : "FATAL: remaining connection slots are reserved for "
                            "non-replication superuser connections";
                lat = o->connect_ms > 0 ? o->connect_ms : c->connect_ms;
            }
            buf_printf(&text,
                       "{\"timestamp\":\"%s\",\"level\":\"ERROR\",\"message\":\"%s\","
                       "\"requestId\":\"%s\",\"method\":\"GET\",\"path\":\"%s\",\"status\":500,"
                       "\"latencyMs\":%.0f,\"errorType\":\"%s\",\"taskId\":\"%s\","
                       "\"connectMs\":%.0f}",
                       ts, msg, rid, path, lat, type, tk->id,
                       kind == 1 ? lat : o->connect_ms);
        }
    }
    for (int i = 0; i < n; i++) {
        ev[i].ts_ms = lines[i].ts_ms;
        ev[i].message = text.p + offs[i];
        ev[i].len = (i + 1 < n ? offs[i + 1] : text.len) - offs[i];
    }
    int64_t seq;
    rc = text.overflow ? -1
                       : logs_put(sim->store, w->log_group_id, tk->stream_id, ev, n, now_ms, &seq);
    buf_free(&text);
    free(offs);
    free(ev);
out:
    free(lines);
    return rc;
}
