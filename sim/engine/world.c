/*
 * world.c - the world model's step (see world.h for what it simulates).
 *
 * One tick simulates the second that ends at t->now_ms, in this order:
 *   1. the database: is the writer up, what is max_connections, did it restart (a restart
 *      drops every connection); the proxy serving the cluster, if any;
 *   2. the tasks: the service's RUNNING tasks join the world (reading their pool settings
 *      and database endpoint), stopped ones leave it with their connections, each re-reads
 *      the failure mode every 30 s;
 *   3. traffic: the second's requests, spread over the serving tasks;
 *   4. connections: each task asks for the connections its pool wants; the database grants
 *      them while it has slots (tasks in turn, the first one rotating every second);
 *   5. outcomes: per task, requests that find no usable connection fail (connection_error) or
 *      wait and time out (pool_timeout); leaks; latency;
 *   6. the database's and the proxy's totals, CPU, the minute's sums, the logs; at each whole
 *      minute the metrics (world_emit.c).
 * Every draw comes from the team's world generator, in a fixed order, so a manual-clock run
 * is reproducible to the byte.
 *
 * To extend the model: add the state to struct world or struct world_task (world_int.h),
 * persist it in world_state.c, and keep this file's order of draws stable for existing
 * scenarios (a new draw changes every later one).
 */
#include "engine/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/golden.h"
#include "engine/team.h"
#include "engine/world_int.h"
#include "sim.h"
#include "store/ecs.h"
#include "store/rds.h"
#include "store/rds_proxy.h"
#include "store/ssm.h"
#include "util/xmalloc.h"

#define FAILURE_MODE_PARAM "/golden/failure_mode"
#define DB_ENDPOINT_PARAM "/golden/db_endpoint"

void world_config_default(struct world_config *c, const char *env, const char *region)
{
    memset(c, 0, sizeof *c);
    snprintf(c->env, sizeof c->env, "%s", env);
    snprintf(c->region, sizeof c->region, "%s", region);
    c->rps = 120;
    c->diurnal = 0;
    c->noise = 0.05;
    c->db_share = 0.9;
    c->service_ms = 20;
    c->connect_ms = 25;
    c->leak_share = 0.0004;
    c->log_sample = 0.1;
    c->error_log_cap = 1;
    c->error_sample = 0.01;
    c->task_cpu_base = 4;
    c->task_cpu_per_rps = 1.3;
}

/* Reads number member name of obj into *out when present, within [lo, hi]. */
static int read_number(const cJSON *obj, const char *name, double lo, double hi, double *out,
                       const char *where, char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (v == NULL)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi) {
        snprintf(err, errlen, "%s.%s: must be a number from %g to %g", where, name, lo, hi);
        return -1;
    }
    *out = v->valuedouble;
    return 0;
}

int world_config_apply(struct world_config *c, const cJSON *traffic, const cJSON *app,
                       char *err, size_t errlen)
{
    double cap = c->error_log_cap;
    if (traffic) {
        if (read_number(traffic, "rps", 0, 100000, &c->rps, "traffic", err, errlen) ||
            read_number(traffic, "noise", 0, 1, &c->noise, "traffic", err, errlen) ||
            read_number(traffic, "db_share", 0, 1, &c->db_share, "traffic", err, errlen))
            return -1;
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(traffic, "profile");
        if (p) {
            if (!cJSON_IsString(p) ||
                (strcmp(p->valuestring, "flat") && strcmp(p->valuestring, "diurnal"))) {
                snprintf(err, errlen, "traffic.profile: must be \"flat\" or \"diurnal\"");
                return -1;
            }
            c->diurnal = strcmp(p->valuestring, "diurnal") == 0;
        }
    }
    if (app) {
        if (read_number(app, "service_ms", 0.1, 60000, &c->service_ms, "app", err, errlen) ||
            read_number(app, "connect_ms", 0.1, 60000, &c->connect_ms, "app", err, errlen) ||
            read_number(app, "leak_share", 0, 1, &c->leak_share, "app", err, errlen) ||
            read_number(app, "log_sample", 0, 1, &c->log_sample, "app", err, errlen) ||
            read_number(app, "error_log_cap", 0, 1000, &cap, "app", err, errlen) ||
            read_number(app, "error_sample", 0, 1, &c->error_sample, "app", err, errlen) ||
            read_number(app, "task_cpu_base", 0, 100, &c->task_cpu_base, "app", err, errlen) ||
            read_number(app, "task_cpu_per_rps", 0, 100, &c->task_cpu_per_rps, "app", err,
                        errlen))
            return -1;
        c->error_log_cap = (int)cap;
    }
    return 0;
}

/* ---- the team's world ----------------------------------------------------------------- */

static struct world *get(struct sim *sim, struct team *team)
{
    if (!team->model_loaded) {
        struct world *w = NULL;
        if (world_load(sim, team, &w) != 0)
            return NULL;
        team->model = w;
        team->model_loaded = 1;
    }
    return team->model;
}

void world_free(struct team *team)
{
    free(team->model);
    team->model = NULL;
    team->model_loaded = 0;
}

int world_active(struct sim *sim, struct team *team)
{
    struct world *w = get(sim, team);
    return w && w->active;
}

int world_start(struct sim *sim, struct team *team, const struct world_config *c,
                int64_t now_ms)
{
    struct world *w = get(sim, team);
    if (w == NULL) {
        w = xcalloc(1, sizeof *w);
        team->model = w;
        team->model_loaded = 1;
    }
    memset(w, 0, sizeof *w);
    w->active = 1;
    w->cfg = *c;
    w->started_ms = now_ms;
    w->surge_factor = 1;
    w->slow_factor = 1;
    w->epoch = -1;
    w->minute.start_ms = now_ms / 60000 * 60000;
    return world_save(sim, team, w);
}

int world_stop(struct sim *sim, struct team *team)
{
    struct world *w = get(sim, team);
    if (w == NULL)
        return 0;
    w->active = 0;
    return world_delete(sim, team);
}

int world_surge(struct sim *sim, struct team *team, double factor, int64_t until_ms)
{
    struct world *w = get(sim, team);
    if (w == NULL || !w->active)
        return -1;
    w->surge_factor = factor;
    w->surge_until_ms = until_ms;
    return world_save(sim, team, w);
}

int world_slow_queries(struct sim *sim, struct team *team, double factor, int64_t until_ms)
{
    struct world *w = get(sim, team);
    if (w == NULL || !w->active)
        return -1;
    w->slow_factor = factor;
    w->slow_until_ms = until_ms;
    return world_save(sim, team, w);
}

void golden_name(const char *pattern, const char *env, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 1 < n; p++) {
        if (strncmp(p, "{env}", 5) == 0) {
            int k = snprintf(out + o, n - o, "%s", env);
            o += k > 0 ? (size_t)k : 0;
            if (o >= n)
                o = n - 1;
            p += 4;
            continue;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
}

/* ---- reading the app's configuration ----------------------------------------------------- */

/* Reads the latest value of an SSM parameter into out ("" when there is none). */
static int ssm_value(struct sim *sim, struct team *team, const struct world *w, const char *name,
                     char *out, size_t n)
{
    struct ssm_scope sc = {sim->store, team->account, w->cfg.region};
    struct ssm_param p;
    memset(&p, 0, sizeof p);
    out[0] = '\0';
    int rc = store_ssm_get(&sc, name, 0, &p);
    if (rc == 0 && p.value)
        snprintf(out, n, "%s", p.value);
    store_ssm_param_clear(&p);
    return rc < 0 ? -1 : 0;
}

/* The value of environment variable name in a container definition's environment, or NULL. */
static const char *env_value(const cJSON *container, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(container, "environment"))
    {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "name");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
        if (cJSON_IsString(k) && cJSON_IsString(v) && strcmp(k->valuestring, name) == 0)
            return v->valuestring;
    }
    return NULL;
}

static int env_int(const cJSON *container, const char *name, int dflt, int lo, int hi)
{
    const char *v = env_value(container, name);
    if (v == NULL)
        return dflt;
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < lo || x > hi)
        return dflt;
    return (int)x;
}

/*
 * Reads what the app of a new task runs with: its pool settings from its task definition's
 * first container's environment (DB_POOLING on/off, DB_POOL_SIZE, DB_POOL_MAX_OVERFLOW,
 * DB_POOL_TIMEOUT), and whether /golden/db_endpoint names the proxy. Returns 0 or -1.
 */
static int task_configure(struct sim *sim, struct team *team, struct world *w,
                          struct world_task *tk, int64_t now_ms)
{
    struct ecs_scope sc = {sim->store, team->account, w->cfg.region};
    struct ecs_task task;
    struct ecs_taskdef def;
    memset(&task, 0, sizeof task);
    memset(&def, 0, sizeof def);
    tk->pooling = 1;
    tk->pool_size = 10;
    tk->pool_overflow = 20;
    tk->pool_timeout_s = 30;
    int rc = store_ecs_task_get(&sc, tk->id, &task);
    if (rc < 0)
        goto fail;
    const char *slash = rc == 0 ? strstr(task.task_def, ":task-definition/") : NULL;
    if (slash) {
        char family[ECS_NAME_MAX];
        snprintf(family, sizeof family, "%s", slash + strlen(":task-definition/"));
        char *colon = strrchr(family, ':');
        int64_t rev = colon ? strtoll(colon + 1, NULL, 10) : 0;
        if (colon)
            *colon = '\0';
        rc = store_ecs_taskdef_get(&sc, family, rev, &def);
        if (rc < 0)
            goto fail;
        cJSON *body = rc == 0 && def.body ? cJSON_Parse(def.body) : NULL;
        const cJSON *c0 =
            cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(body, "containerDefinitions"), 0);
        if (c0) {
            const char *pooling = env_value(c0, "DB_POOLING");
            tk->pooling = !(pooling && (strcmp(pooling, "off") == 0 ||
                                        strcmp(pooling, "false") == 0 ||
                                        strcmp(pooling, "0") == 0));
            tk->pool_size = env_int(c0, "DB_POOL_SIZE", 10, 1, 1000);
            tk->pool_overflow = env_int(c0, "DB_POOL_MAX_OVERFLOW", 20, 0, 1000);
            tk->pool_timeout_s = env_int(c0, "DB_POOL_TIMEOUT", 30, 1, 3600);
        }
        cJSON_Delete(body);
    }
    char endpoint[256];
    if (ssm_value(sim, team, w, DB_ENDPOINT_PARAM, endpoint, sizeof endpoint) != 0)
        goto fail;
    tk->via_proxy = endpoint[0] && w->proxy_endpoint[0] &&
                    (strcmp(endpoint, w->proxy_endpoint) == 0 ||
                     strcmp(endpoint, w->proxy_name) == 0);
    tk->started_ms = now_ms;
    tk->config_due_ms = now_ms; /* reads the failure mode at once */
    tk->epoch = w->epoch;
    store_ecs_task_clear(&task);
    store_ecs_taskdef_clear(&def);
    return 0;
fail:
    store_ecs_task_clear(&task);
    store_ecs_taskdef_clear(&def);
    return -1;
}

/* ---- step 1: the database and the proxy ---------------------------------------------------- */

static void drop_connections(struct world *w)
{
    for (int i = 0; i < w->ntasks; i++) {
        if (!w->tasks[i].via_proxy) {
            w->tasks[i].open = 0;
            w->tasks[i].leaked = 0;
        }
    }
    w->proxy_db = 0;
}

static int read_database(struct sim *sim, struct team *team, struct world *w)
{
    char cluster[96];
    golden_name(GOLDEN_DB_CLUSTER, w->cfg.env, cluster, sizeof cluster);
    struct rds_cluster_info ci;
    memset(&ci, 0, sizeof ci);
    int rc = rds_cluster_info(sim->store, team->account, w->cfg.region, cluster, &ci);
    if (rc < 0)
        return -1;
    int up = rc == 0 && ci.writer_available && strcmp(ci.status, "stopped") != 0 &&
             strcmp(ci.status, "stopping") != 0 && strcmp(ci.status, "failing-over") != 0;
    if (rc == 0 && (ci.writer_restarts != w->epoch || strcmp(ci.writer, w->writer) != 0)) {
        if (w->epoch >= 0 || w->writer[0])
            drop_connections(w);
        w->epoch = ci.writer_restarts;
        snprintf(w->writer, sizeof w->writer, "%s", ci.writer);
    }
    if (!up && w->db_up)
        drop_connections(w);
    w->db_up = up;
    w->max_conns = rc == 0 ? ci.max_connections : 0;

    struct rds_proxy_pool pp;
    memset(&pp, 0, sizeof pp);
    rc = rc == 0 ? rds_proxy_pool_for_cluster(sim->store, team->account, w->cfg.region, cluster,
                                              &pp)
                 : 1;
    if (rc < 0)
        return -1;
    if (rc == 0) {
        w->proxy_up = pp.available && up;
        w->proxy_budget = pp.budget;
        w->proxy_idle_budget = pp.idle_budget;
        snprintf(w->proxy_name, sizeof w->proxy_name, "%s", pp.name);
        snprintf(w->proxy_endpoint, sizeof w->proxy_endpoint, "%s", pp.endpoint);
    } else {
        w->proxy_up = 0;
        w->proxy_budget = w->proxy_idle_budget = 0;
        w->proxy_name[0] = w->proxy_endpoint[0] = '\0';
    }
    return 0;
}

/* ---- step 2: the tasks ---------------------------------------------------------------------- */

struct sync_ctx {
    struct world *w;
    struct world_task fresh[WORLD_MAX_TASKS]; /* running tasks not yet in the world */
    int nfresh;
};

static struct world_task *find_task(struct world *w, const char *id)
{
    for (int i = 0; i < w->ntasks; i++) {
        if (strcmp(w->tasks[i].id, id) == 0)
            return &w->tasks[i];
    }
    return NULL;
}

static int on_task(void *ctx, const struct ecs_task_brief *b)
{
    struct sync_ctx *x = ctx;
    struct world_task *tk = find_task(x->w, b->id);
    int running = strcmp(b->last_status, "RUNNING") == 0;
    int serving = running && strcmp(b->desired_status, "RUNNING") == 0;
    if (tk) {
        tk->seen = 1;
        tk->serving = serving;
        return 0;
    }
    if (!serving || x->w->ntasks + x->nfresh >= WORLD_MAX_TASKS)
        return 0;
    struct world_task *n = &x->fresh[x->nfresh++];
    memset(n, 0, sizeof *n);
    snprintf(n->id, sizeof n->id, "%s", b->id);
    n->serving = 1;
    n->seen = 1;
    return 0;
}

static int sync_tasks(struct sim *sim, struct team *team, struct world *w, int64_t now_ms)
{
    char cluster[96], service[96];
    golden_name(GOLDEN_ECS_CLUSTER, w->cfg.env, cluster, sizeof cluster);
    golden_name(GOLDEN_ECS_SERVICE, w->cfg.env, service, sizeof service);
    struct ecs_scope sc = {sim->store, team->account, w->cfg.region};
    struct sync_ctx *x = xcalloc(1, sizeof *x);
    x->w = w;
    for (int i = 0; i < w->ntasks; i++)
        w->tasks[i].seen = 0;
    int rc = store_ecs_service_tasks(&sc, cluster, service, on_task, x);
    if (rc == 0) {
        /* tasks that stopped leave with their connections */
        int k = 0;
        for (int i = 0; i < w->ntasks; i++) {
            if (w->tasks[i].seen)
                w->tasks[k++] = w->tasks[i];
        }
        w->ntasks = k;
        for (int i = 0; i < x->nfresh && rc == 0; i++) {
            struct world_task *tk = &w->tasks[w->ntasks];
            *tk = x->fresh[i];
            rc = task_configure(sim, team, w, tk, now_ms);
            if (rc == 0)
                w->ntasks++;
        }
    }
    free(x);
    if (rc != 0)
        return -1;
    /* the app re-reads its failure mode every 30 s */
    char mode[64];
    int have_mode = 0;
    for (int i = 0; i < w->ntasks; i++) {
        struct world_task *tk = &w->tasks[i];
        if (tk->config_due_ms > now_ms)
            continue;
        if (!have_mode && ssm_value(sim, team, w, FAILURE_MODE_PARAM, mode, sizeof mode) != 0)
            return -1;
        have_mode = 1;
        tk->leaking = strcmp(mode, "connection_leak") == 0;
        while (tk->config_due_ms <= now_ms)
            tk->config_due_ms += WORLD_CONFIG_REFRESH_MS;
    }
    return 0;
}

/* ---- steps 3 to 6: traffic, connections, outcomes ---------------------------------------- */

/* Erlang B: the probability that an arrival finds all of n servers busy at offered load a. */
static double erlang_b(double a, int n)
{
    if (a <= 0)
        return 0;
    if (n <= 0)
        return 1;
    double b = 1;
    for (int k = 1; k <= n && k <= 10000; k++)
        b = a * b / (k + a * b);
    return b;
}

/* How much a query's (and a connect's) duration grows with the database's CPU. */
static double cpu_slowdown(double cpu)
{
    double u = cpu / 100;
    if (u > 0.97)
        u = 0.97;
    if (u < 0)
        u = 0;
    return 1 + 3 * u * u * u / (1 - u);
}

static double traffic_rate(struct world *w, struct rng *rng, int64_t now_ms)
{
    double rate = w->cfg.rps;
    if (w->cfg.diurnal) {
        /* lowest at 04:00 UTC, highest at 16:00 */
        double h = (double)(now_ms / 1000 % 86400) / 3600.0;
        rate *= 1 + 0.4 * sin((h - 10) / 24 * 2 * M_PI);
    }
    if (w->surge_until_ms > now_ms)
        rate *= w->surge_factor;
    /* AR(1) noise: wanders over tens of seconds */
    const double keep = 0.95;
    w->noise_state = keep * w->noise_state + sqrt(1 - keep * keep) * rng_normal(rng);
    rate *= 1 + w->cfg.noise * w->noise_state;
    return rate < 0 ? 0 : rate;
}

struct task_second {
    int64_t requests, db_requests;
    double active;     /* offered load in queries (Little's law) */
    int want;          /* connections the pool wants open */
    int asked, granted;
    struct world_outcome o;
};

int world_tick(struct tick *t)
{
    struct sim *sim = t->sim;
    struct team *team = t->team;
    struct world *w = get(sim, team);
    if (w == NULL || !w->active)
        return 0;
    int64_t now = t->now_ms;
    struct rng *rng = &team->world;

    if (read_database(sim, team, w) != 0 || sync_tasks(sim, team, w, now) != 0)
        return -1;
    if (w->surge_until_ms && w->surge_until_ms <= now) {
        w->surge_factor = 1;
        w->surge_until_ms = 0;
    }
    if (w->slow_until_ms && w->slow_until_ms <= now) {
        w->slow_factor = 1;
        w->slow_until_ms = 0;
    }

    /* 3. traffic over the serving tasks */
    struct task_second *ts = xcalloc(WORLD_MAX_TASKS, sizeof *ts);
    int serving = 0;
    for (int i = 0; i < w->ntasks; i++)
        serving += w->tasks[i].serving;
    int64_t total = rng_poisson(rng, traffic_rate(w, rng, now));
    int64_t left = total;
    int left_tasks = serving;
    for (int i = 0; i < w->ntasks; i++) {
        if (!w->tasks[i].serving)
            continue;
        int64_t r = left_tasks == 1 ? left : rng_binomial(rng, left, 1.0 / left_tasks);
        left -= r;
        left_tasks--;
        ts[i].requests = r;
        ts[i].db_requests = rng_binomial(rng, r, w->cfg.db_share);
        ts[i].o.health = r - ts[i].db_requests;
    }

    /* 4. connections wanted and granted */
    double slow = cpu_slowdown(w->db_cpu) * w->slow_factor;
    double service_s = w->cfg.service_ms * slow / 1000;
    double connect_s = w->cfg.connect_ms * cpu_slowdown(w->db_cpu) / 1000;
    int held = WORLD_ADMIN_CONNS + w->proxy_db;
    for (int i = 0; i < w->ntasks; i++) {
        struct world_task *tk = &w->tasks[i];
        struct task_second *s = &ts[i];
        int reachable = tk->via_proxy ? w->proxy_up : w->db_up;
        if (!reachable) {
            tk->open = tk->leaked = 0;
            continue;
        }
        if (tk->pooling) {
            s->active = (double)s->db_requests * service_s;
            int need = (int)ceil(s->active + 2 * sqrt(s->active));
            int cap = tk->pool_size + tk->pool_overflow;
            int want = tk->leaked + (need > tk->pool_size ? need : tk->pool_size);
            s->want = want > cap ? cap : want;
            if (s->want < tk->open)
                tk->open = s->want < tk->leaked ? tk->leaked : s->want;
        } else {
            /* a connection per request: the ones of the last second are closed by now */
            s->active = (double)s->db_requests * (service_s + connect_s);
            tk->open = tk->leaked;
            s->want = tk->leaked + (int)ceil(s->active);
        }
        s->asked = s->want > tk->open ? s->want - tk->open : 0;
        if (!tk->via_proxy)
            held += tk->open;
    }
    int slots = w->db_up ? w->max_conns - WORLD_RESERVED_CONNS - held : 0;
    int start = w->ntasks ? (int)(now / 1000 % w->ntasks) : 0;
    double new_conns = 0;
    for (int k = 0; k < w->ntasks; k++) {
        int i = (start + k) % w->ntasks;
        struct world_task *tk = &w->tasks[i];
        struct task_second *s = &ts[i];
        if (s->asked == 0)
            continue;
        if (tk->via_proxy) {
            s->granted = s->asked; /* the proxy accepts client connections */
        } else {
            s->granted = s->asked < slots ? s->asked : (slots > 0 ? slots : 0);
            slots -= s->granted;
            new_conns += s->granted;
        }
        tk->open += s->granted;
    }

    /* 5. outcomes */
    double proxy_active = 0;
    int proxy_client = 0;
    for (int i = 0; i < w->ntasks; i++) {
        struct world_task *tk = &w->tasks[i];
        if (tk->via_proxy && w->proxy_up) {
            proxy_active += ts[i].active;
            proxy_client += tk->open;
        }
    }
    double proxy_fail = 0;
    if (proxy_active > w->proxy_budget && proxy_active > 0)
        proxy_fail = 1 - w->proxy_budget / proxy_active;
    double latency_sum = 0;
    int64_t errors = 0, served = 0;
    double active_total = 0;
    for (int i = 0; i < w->ntasks; i++) {
        struct world_task *tk = &w->tasks[i];
        struct task_second *s = &ts[i];
        struct world_outcome *o = &s->o;
        int64_t r = s->db_requests;
        int reachable = tk->via_proxy ? w->proxy_up : w->db_up;
        o->latency_ms = service_s * 1000 + (tk->via_proxy ? 1 : 0);
        o->refused_full = w->db_up && w->max_conns > 0 && held + (int)new_conns >= w->max_conns;
        if (!reachable) {
            o->db_down = 1;
            o->conn_errors = r;
        } else if (tk->pooling) {
            int usable = tk->open - tk->leaked;
            int cap = tk->pool_size + tk->pool_overflow;
            double b = usable > 0 ? erlang_b(s->active, usable) : (r > 0 ? 1 : 0);
            int64_t blocked = rng_binomial(rng, r, b);
            if (tk->open >= cap) {
                double tf = usable <= 0 ? 1 : (s->active > usable ? 1 - usable / s->active : 0);
                o->pool_timeouts = rng_binomial(rng, blocked, tf);
                o->wait_ms = usable > 0 ? service_s * 1000 * b : 0;
            } else if (s->granted < s->asked) {
                o->conn_errors = blocked;
            } else {
                /* blocked requests open an overflow connection for themselves */
                new_conns += tk->via_proxy ? 0 : (double)blocked;
                o->connect_ms = blocked ? connect_s * 1000 : 0;
            }
            o->ok = r - o->conn_errors - o->pool_timeouts;
        } else {
            double share = s->want > tk->leaked
                               ? (double)(tk->open - tk->leaked) / (s->want - tk->leaked)
                               : 1;
            o->ok = rng_binomial(rng, r, share > 1 ? 1 : share);
            o->conn_errors = r - o->ok;
            o->connect_ms = connect_s * 1000;
            o->latency_ms += o->connect_ms;
            if (!tk->via_proxy)
                new_conns += (double)o->ok - s->granted;
        }
        if (tk->via_proxy && reachable && proxy_fail > 0 && o->ok > 0) {
            int64_t f = rng_binomial(rng, o->ok, proxy_fail);
            o->ok -= f;
            o->pool_timeouts += f;
        }
        if (tk->leaking && o->ok > 0) {
            int64_t lk = rng_binomial(rng, o->ok, w->cfg.leak_share);
            tk->leaked += (int)lk;
            if (tk->pooling && tk->leaked > tk->open)
                tk->leaked = tk->open;
            if (!tk->pooling)
                tk->open += (int)lk;
        }
        active_total += s->active;
        served += o->ok;
        o->latency_ms += o->wait_ms;
        tk->rps = (double)s->requests;
        tk->active = s->active;
        double cpu = w->cfg.task_cpu_base + w->cfg.task_cpu_per_rps * (double)s->requests +
                     (tk->pooling ? 0 : 0.05 * (double)s->db_requests);
        tk->cpu = cpu > 100 ? 100 : cpu;
        int64_t failed = o->conn_errors + o->pool_timeouts;
        errors += failed;
        latency_sum += (double)o->ok * o->latency_ms / 1000 +
                       (double)o->pool_timeouts * tk->pool_timeout_s +
                       (double)o->conn_errors * (connect_s + 0.002) +
                       (double)o->health * 0.002;
    }

    /* 6. totals */
    int direct = 0;
    for (int i = 0; i < w->ntasks; i++) {
        if (!w->tasks[i].via_proxy)
            direct += w->tasks[i].open;
    }
    if (w->proxy_up) {
        double idle = proxy_client - proxy_active;
        if (idle > w->proxy_idle_budget)
            idle = w->proxy_idle_budget;
        if (idle < 0)
            idle = 0;
        double want = ceil(proxy_active + idle);
        w->proxy_db = (int)(want > w->proxy_budget ? w->proxy_budget : want);
        w->proxy_client = proxy_client;
        w->proxy_borrowed = proxy_active > w->proxy_budget ? w->proxy_budget : proxy_active;
    } else {
        w->proxy_db = 0;
        w->proxy_client = 0;
        w->proxy_borrowed = 0;
    }
    w->db_conns = w->db_up ? WORLD_ADMIN_CONNS + direct + w->proxy_db : 0;
    w->new_conns = new_conns;
    /* CPU follows the work that reaches the database: the queries it serves, the
     * connections it forks and the backends it keeps (not the time queries take, which is
     * its consequence) */
    double target = w->db_up ? 5 + 0.08 * w->db_conns + 0.08 * (double)served +
                                   0.35 * new_conns
                             : 0;
    if (target > 100)
        target = 100;
    w->db_cpu = w->db_up ? 0.7 * w->db_cpu + 0.3 * target : 0;

    struct world_minute *m = &w->minute;
    m->requests += (double)total;
    m->errors_5xx += (double)errors;
    m->latency_sum_s += latency_sum;
    double svc_cpu = 0, svc_mem = 0;
    int running = 0;
    for (int i = 0; i < w->ntasks; i++) {
        if (!w->tasks[i].serving)
            continue;
        running++;
        svc_cpu += w->tasks[i].cpu;
        svc_mem += 25 + 0.4 * w->tasks[i].open;
    }
    if (running) {
        svc_cpu /= running;
        svc_mem /= running;
    }
#define ADD(st, v)                                                                             \
    do {                                                                                       \
        double v_ = (v);                                                                       \
        if ((st).n == 0 || v_ < (st).min)                                                      \
            (st).min = v_;                                                                     \
        if ((st).n == 0 || v_ > (st).max)                                                      \
            (st).max = v_;                                                                     \
        (st).n++;                                                                              \
        (st).sum += v_;                                                                        \
    } while (0)
    if (w->db_up) {
        ADD(m->db_conns, w->db_conns);
        ADD(m->db_cpu, w->db_cpu);
        ADD(m->db_mem, 12.5e9 - 9.0e6 * w->db_conns - 2.0e7 * active_total);
    }
    if (running) {
        ADD(m->svc_cpu, svc_cpu);
        ADD(m->svc_mem, svc_mem);
    }
    ADD(m->running, running);
    if (w->proxy_name[0]) {
        ADD(m->proxy_client, w->proxy_client);
        ADD(m->proxy_db, w->proxy_db);
        ADD(m->proxy_borrowed, w->proxy_borrowed);
    }
#undef ADD

    int rc = world_logs_prepare(sim, team, w);
    for (int i = 0; i < w->ntasks && rc == 0; i++) {
        if (ts[i].requests > 0)
            rc = world_emit_logs(sim, team, w, &w->tasks[i], &ts[i].o, now);
        if (rc == 0 && now % 60000 == 0)
            rc = world_emit_suppressed(sim, team, w, &w->tasks[i], now);
    }
    free(ts);
    if (rc != 0)
        return -1;
    if (now % 60000 == 0 && world_emit_minute(sim, team, w) != 0)
        return -1;
    return world_save(sim, team, w);
}

/* ---- the app's endpoint -------------------------------------------------------------------- */

int world_app_request(struct sim *sim, struct team *team, const char *path, int *status,
                      char **body)
{
    struct world *w = get(sim, team);
    if (w == NULL || !w->active)
        return -1;
    struct world_task *tk = NULL;
    for (int k = 0; k < w->ntasks; k++) {
        struct world_task *c = &w->tasks[(w->rr + k) % w->ntasks];
        if (c->serving) {
            tk = c;
            w->rr = (int)((c - w->tasks) + 1) % w->ntasks;
            break;
        }
    }
    if (tk == NULL) {
        *status = 503;
        *body = xstrdup("{\"status\":503,\"error\":\"no healthy targets\"}");
        return 0;
    }
    w->minute.requests++;
    if (strcmp(path, "/health") == 0) {
        *status = 200;
        *body = xasprintf("{\"status\":\"ok\",\"taskId\":\"%s\"}", tk->id);
        return 0;
    }
    /* the same odds as a simulated request of this second (see world_tick) */
    int reachable = tk->via_proxy ? w->proxy_up : w->db_up;
    int usable = tk->open - tk->leaked;
    int cap = tk->pool_size + tk->pool_overflow;
    int db_full = !tk->via_proxy && w->db_conns >= w->max_conns - WORLD_RESERVED_CONNS;
    const char *error = NULL;
    struct rng *rng = &team->world;
    if (!reachable) {
        error = "connection_error";
    } else if (tk->pooling) {
        double b = usable > 0 ? erlang_b(tk->active, usable) : 1;
        if (rng_double(rng) < b) {
            if (tk->open >= cap)
                error = usable <= 0 || tk->active >= usable ? "pool_timeout" : NULL;
            else if (db_full)
                error = "connection_error";
        }
    } else if (db_full) {
        error = "connection_error";
    }
    double lat = w->cfg.service_ms * cpu_slowdown(w->db_cpu) * w->slow_factor;
    if (error) {
        w->minute.errors_5xx++;
        *status = 500;
        const char *msg =
            strcmp(error, "pool_timeout") == 0
                ? "QueuePool limit reached, connection timed out"
                : (!reachable ? "could not connect to server: Connection refused"
                              : "FATAL: remaining connection slots are reserved for "
                                "non-replication superuser connections");
        *body = xasprintf("{\"status\":500,\"errorType\":\"%s\",\"error\":\"%s\","
                          "\"taskId\":\"%s\"}",
                          error, msg, tk->id);
    } else {
        *status = 200;
        *body = xasprintf("{\"status\":\"ok\",\"db\":\"ok\",\"latencyMs\":%.0f,"
                          "\"taskId\":\"%s\"}",
                          lat, tk->id);
    }
    w->minute.latency_sum_s += error ? 0.002 : lat / 1000;
    w->dirty = 1;
    return 0;
}

cJSON *world_status(struct sim *sim, struct team *team)
{
    struct world *w = get(sim, team);
    if (w == NULL || !w->active)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "env", w->cfg.env);
    cJSON_AddStringToObject(o, "region", w->cfg.region);
    cJSON *db = cJSON_AddObjectToObject(o, "database");
    cJSON_AddBoolToObject(db, "up", w->db_up);
    cJSON_AddNumberToObject(db, "connections", w->db_conns);
    cJSON_AddNumberToObject(db, "maxConnections", w->max_conns);
    cJSON_AddNumberToObject(db, "cpu", round(w->db_cpu * 10) / 10);
    cJSON_AddStringToObject(db, "writer", w->writer);
    cJSON_AddNumberToObject(db, "newConnectionsPerSecond", w->new_conns);
    double active = 0;
    for (int i = 0; i < w->ntasks; i++)
        active += w->tasks[i].active;
    cJSON_AddNumberToObject(db, "activeQueries", round(active * 100) / 100);
    cJSON_AddNumberToObject(o, "trafficFactor", w->surge_until_ms ? w->surge_factor : 1);
    cJSON_AddNumberToObject(o, "requestsLastMinute", w->last_requests);
    cJSON_AddNumberToObject(o, "fiveXxLastMinute", w->last_5xx);
    if (w->proxy_name[0]) {
        cJSON *px = cJSON_AddObjectToObject(o, "proxy");
        cJSON_AddStringToObject(px, "name", w->proxy_name);
        cJSON_AddBoolToObject(px, "up", w->proxy_up);
        cJSON_AddNumberToObject(px, "budget", w->proxy_budget);
        cJSON_AddNumberToObject(px, "clientConnections", w->proxy_client);
        cJSON_AddNumberToObject(px, "databaseConnections", w->proxy_db);
    }
    cJSON *tasks = cJSON_AddArrayToObject(o, "tasks");
    for (int i = 0; i < w->ntasks; i++) {
        const struct world_task *tk = &w->tasks[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "taskId", tk->id);
        cJSON_AddBoolToObject(x, "serving", tk->serving);
        cJSON_AddBoolToObject(x, "pooling", tk->pooling);
        cJSON_AddBoolToObject(x, "viaProxy", tk->via_proxy);
        cJSON_AddBoolToObject(x, "leaking", tk->leaking);
        cJSON_AddNumberToObject(x, "open", tk->open);
        cJSON_AddNumberToObject(x, "leaked", tk->leaked);
        cJSON_AddNumberToObject(x, "rps", tk->rps);
        cJSON_AddNumberToObject(x, "cpu", round(tk->cpu * 10) / 10);
        cJSON_AddItemToArray(tasks, x);
    }
    return o;
}
