/*
 * ecs.c - ECS in the world: task lifecycles, the service scheduler, the tick (see ecs.h).
 *
 * Task lifecycle (durations from the team's timing, engine/team.h):
 *   desired RUNNING:  PROVISIONING -> PENDING (connectivityAt, pullStartedAt)
 *                     -> ACTIVATING (pullStoppedAt) -> RUNNING (startedAt)
 *   desired STOPPED:  from RUNNING or ACTIVATING: DEACTIVATING -> STOPPING; from PENDING:
 *                     STOPPING; then DEPROVISIONING (executionStoppedAt) -> STOPPED
 *                     (stoppedAt); from PROVISIONING straight to DEPROVISIONING. A STOPPED
 *                     task is deleted stopped_keep_s later.
 * Each transition happens at the instant it was due (next_ms), not at the tick that notices
 * it, so timestamps do not depend on how often the clock ticks.
 *
 * Service scheduler (ecs_schedule_service), run when something changed for a service (an
 * API call, a task transition) and otherwise never, except for the periodic steady-state
 * event (every 6 hours, as AWS repeats it) and the placement retry of a service that cannot
 * place tasks (EC2 launch type: drillsim has no container instances):
 *   1. a DRAINING service stops all its tasks; old deployments' tasks that are not yet
 *      RUNNING are stopped (they are not healthy and never will be needed);
 *   2. the PRIMARY deployment above the desired count stops its excess: tasks not yet
 *      RUNNING first, then RUNNING ones from the Availability Zone with the most tasks,
 *      newest first;
 *   3. RUNNING tasks of older deployments are stopped while the healthy (RUNNING) tasks stay
 *      at or above minimumHealthyPercent of the desired count (rounded up), oldest
 *      deployment first;
 *   4. new PRIMARY tasks start while the service's tasks stay at or below maximumPercent of
 *      the desired count (rounded down), each in the subnet whose AZ has the fewest tasks;
 *   5. an older deployment whose tasks have all STOPPED becomes INACTIVE (it leaves the
 *      list);
 *   6. events, in AWS's words: "has stopped N running tasks: (task ..)", "has started N
 *      tasks: (task ..)", "(deployment ..) deployment completed.", "has reached a steady
 *      state." A service is steady when its only deployment runs the desired count with
 *      nothing pending or stopping; the PRIMARY deployment's rollout is then COMPLETED.
 *   A DRAINING service whose tasks have all stopped becomes INACTIVE.
 *
 * To change a rule: the steps are the static functions called by ecs_schedule_service, in
 * order; tests/e2e/test_ecs.py checks them against the clock.
 */
#include "engine/ecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/team.h"
#include "sim.h"
#include "store/ec2.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/rand.h"
#include "util/xmalloc.h"

#define STEADY_REPEAT_MS (6LL * 3600 * 1000)
#define PLACE_RETRY_MS (60LL * 1000)
#define PLACE_EVENT_EVERY_MS (30LL * 60 * 1000)
#define TICK_BATCH 256
#define TICK_ROUNDS 64
#define MAX_DEPLOYMENTS 32
#define MAX_SERVICE_TASKS 20000
#define MAX_STARTS_PER_PASS 500
#define EVENT_MAX (1 << 20)

#define MSG_NO_INSTANCES                                                                       \
    "(service %s) was unable to place a task because no container instance met all of its "  \
    "requirements. Reason: No Container Instances were found in your cluster. For more "      \
    "information, see the Troubleshooting section of the Amazon ECS Developer Guide."

/* ---- small helpers ---------------------------------------------------------------------- */

void ecs_deployment_id(struct rng *ids, char out[ECS_ID_MAX])
{
    /* 19 digits: 1000000000000000000 .. 9223372036854775807, as AWS's ids look */
    uint64_t v = rng_next(ids) % 8223372036854775807ULL + 1000000000000000000ULL;
    snprintf(out, ECS_ID_MAX, "ecs-svc/%llu", (unsigned long long)v);
}

static int64_t sec(int s)
{
    return (int64_t)s * 1000;
}

/* Parses "a.b.c.d/n"; returns 0 and the address and prefix length, or -1. */
static int parse_cidr(const char *s, uint32_t *addr, int *plen)
{
    unsigned a, b, c, d;
    int n;
    if (sscanf(s, "%u.%u.%u.%u/%d", &a, &b, &c, &d, &n) != 5 || a > 255 || b > 255 ||
        c > 255 || d > 255 || n < 8 || n > 28)
        return -1;
    *addr = (a << 24) | (b << 16) | (c << 8) | d;
    *plen = n;
    return 0;
}

/* Reads the task definition behind arn ("arn:...:task-definition/FAMILY:REV") and parses its
 * body. Returns a new cJSON (caller deletes) or NULL. */
static cJSON *taskdef_body(const struct ecs_scope *sc, const char *arn)
{
    const char *p = strstr(arn, ":task-definition/");
    if (p == NULL)
        return NULL;
    p += strlen(":task-definition/");
    const char *colon = strrchr(p, ':');
    if (colon == NULL || (size_t)(colon - p) >= ECS_NAME_MAX)
        return NULL;
    char family[ECS_NAME_MAX];
    snprintf(family, sizeof family, "%.*s", (int)(colon - p), p);
    int64_t rev = strtoll(colon + 1, NULL, 10);
    struct ecs_taskdef td = {0};
    if (rev <= 0 || store_ecs_taskdef_get(sc, family, rev, &td) != 0)
        return NULL;
    cJSON *body = cJSON_Parse(td.body);
    store_ecs_taskdef_clear(&td);
    return body;
}

/* ---- tasks ------------------------------------------------------------------------------ */

int ecs_task_launch(const struct ecs_ctx *x, const struct ecs_launch *l, struct ecs_task *t)
{
    const struct ecs_scope *sc = &x->sc;
    uint64_t a = rng_next(x->ids), b = rng_next(x->ids);
    snprintf(t->id, sizeof t->id, "%016llx%016llx", (unsigned long long)a,
             (unsigned long long)b);
    snprintf(t->cluster, sizeof t->cluster, "%s", l->cluster);
    snprintf(t->task_def, sizeof t->task_def, "%s", l->task_def_arn);
    snprintf(t->service, sizeof t->service, "%s", l->service ? l->service : "");
    snprintf(t->deployment, sizeof t->deployment, "%s", l->deployment ? l->deployment : "");
    snprintf(t->started_by, sizeof t->started_by, "%s", l->started_by ? l->started_by : "");
    snprintf(t->group, sizeof t->group, "%s", l->group);
    snprintf(t->launch_type, sizeof t->launch_type, "%s", l->launch_type);
    snprintf(t->last_status, sizeof t->last_status, "PROVISIONING");
    snprintf(t->desired_status, sizeof t->desired_status, "RUNNING");
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(l->task_def, "cpu");
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(l->task_def, "memory");
    snprintf(t->cpu, sizeof t->cpu, "%s", cJSON_IsString(cpu) ? cpu->valuestring : "");
    snprintf(t->memory, sizeof t->memory, "%s", cJSON_IsString(mem) ? mem->valuestring : "");
    if (l->subnet) {
        struct ec2_subnet sn;
        if (ec2_find_subnet(sc->st, sc->account, sc->region, l->subnet, &sn) != 0)
            return -1;
        snprintf(t->subnet, sizeof t->subnet, "%s", sn.id);
        snprintf(t->az, sizeof t->az, "%s", sn.az);
        uint64_t e = rng_next(x->ids), m = rng_next(x->ids), ip = rng_next(x->ids);
        snprintf(t->eni, sizeof t->eni, "eni-%01x%016llx", (unsigned)(e >> 60),
                 (unsigned long long)(e * 0x9e3779b97f4a7c15ULL));
        snprintf(t->mac, sizeof t->mac, "0a:%02x:%02x:%02x:%02x:%02x", (unsigned)(m & 0xff),
                 (unsigned)((m >> 8) & 0xff), (unsigned)((m >> 16) & 0xff),
                 (unsigned)((m >> 24) & 0xff), (unsigned)((m >> 32) & 0xff));
        uint32_t base;
        int plen;
        if (parse_cidr(sn.cidr, &base, &plen) == 0) {
            uint32_t size = 1u << (32 - plen);
            /* AWS reserves the first four addresses and the last one */
            uint32_t addr = base + 4 + (uint32_t)(ip % (size - 5));
            snprintf(t->ip, sizeof t->ip, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
                     (addr >> 8) & 0xff, addr & 0xff);
        }
        rng_uuid(x->ids, t->attachment);
    }
    /* the containers as DescribeTasks reports them; their status follows the task's */
    cJSON *list = cJSON_CreateArray();
    const cJSON *defs = cJSON_GetObjectItemCaseSensitive(l->task_def, "containerDefinitions");
    const cJSON *def;
    cJSON_ArrayForEach(def, defs)
    {
        cJSON *c = cJSON_CreateObject();
        char uuid[37];
        rng_uuid(x->ids, uuid);
        char *carn = xasprintf("arn:aws:ecs:%s:%s:container/%s/%s/%s", sc->region, sc->account,
                               t->cluster, t->id, uuid);
        cJSON_AddStringToObject(c, "containerArn", carn);
        free(carn);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(def, "name");
        const cJSON *image = cJSON_GetObjectItemCaseSensitive(def, "image");
        cJSON_AddStringToObject(c, "name", cJSON_IsString(name) ? name->valuestring : "");
        cJSON_AddStringToObject(c, "image", cJSON_IsString(image) ? image->valuestring : "");
        char *runtime = xasprintf("%s-%010llu", t->id,
                                  (unsigned long long)(rng_next(x->ids) % 10000000000ULL));
        cJSON_AddStringToObject(c, "runtimeId", runtime);
        free(runtime);
        const cJSON *ccpu = cJSON_GetObjectItemCaseSensitive(def, "cpu");
        char buf[32];
        snprintf(buf, sizeof buf, "%d", cJSON_IsNumber(ccpu) ? ccpu->valueint : 0);
        cJSON_AddStringToObject(c, "cpu", buf);
        const cJSON *cmem = cJSON_GetObjectItemCaseSensitive(def, "memory");
        if (cJSON_IsNumber(cmem)) {
            snprintf(buf, sizeof buf, "%d", cmem->valueint);
            cJSON_AddStringToObject(c, "memory", buf);
        }
        const cJSON *cres = cJSON_GetObjectItemCaseSensitive(def, "memoryReservation");
        if (cJSON_IsNumber(cres)) {
            snprintf(buf, sizeof buf, "%d", cres->valueint);
            cJSON_AddStringToObject(c, "memoryReservation", buf);
        }
        cJSON_AddItemToArray(list, c);
    }
    t->containers = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    t->overrides = l->overrides ? cJSON_PrintUnformatted(l->overrides) : NULL;
    t->created_ms = x->now_ms;
    t->connectivity_ms = t->pull_started_ms = t->pull_stopped_ms = t->started_ms = -1;
    t->stopping_ms = t->exec_stopped_ms = t->stopped_ms = -1;
    t->version = 1;
    t->next_ms = x->now_ms + sec(x->timing->provisioning_s);
    return store_ecs_task_put(sc, t);
}

int ecs_service_wake(const struct ecs_ctx *x, const char *cluster, const char *service)
{
    return store_ecs_service_wake(&x->sc, cluster, service, x->now_ms);
}

int ecs_task_stop(const struct ecs_ctx *x, struct ecs_task *t, const char *code,
                  const char *reason)
{
    if (strcmp(t->desired_status, "STOPPED") == 0)
        return 0;
    int64_t now = x->now_ms;
    const struct team_timing *tm = x->timing;
    snprintf(t->desired_status, sizeof t->desired_status, "STOPPED");
    snprintf(t->stop_code, sizeof t->stop_code, "%s", code);
    free(t->stopped_reason);
    t->stopped_reason = xstrdup(reason);
    t->stopping_ms = now;
    const char *s = t->last_status;
    if (strcmp(s, "RUNNING") == 0 || strcmp(s, "ACTIVATING") == 0) {
        snprintf(t->last_status, sizeof t->last_status, "DEACTIVATING");
        t->next_ms = now + sec(tm->deactivating_s);
    } else if (strcmp(s, "PENDING") == 0) {
        snprintf(t->last_status, sizeof t->last_status, "STOPPING");
        t->next_ms = now + sec(tm->stopping_s);
    } else if (strcmp(s, "PROVISIONING") == 0) {
        snprintf(t->last_status, sizeof t->last_status, "DEPROVISIONING");
        t->exec_stopped_ms = now;
        t->next_ms = now + sec(tm->deprovisioning_s);
    }
    t->version++;
    if (store_ecs_task_put(&x->sc, t) != 0)
        return -1;
    if (t->service[0] && ecs_service_wake(x, t->cluster, t->service) != 0)
        return -1;
    return 0;
}

/*
 * Moves t one step along its lifecycle at its due instant. Returns 1 if the task is gone
 * (a STOPPED task past its retention), else 0.
 */
static int task_step(const struct team_timing *tm, struct ecs_task *t)
{
    int64_t at = t->next_ms;
    const char *s = t->last_status;
    char next[20] = "";
    int64_t next_ms = -1;
    if (strcmp(s, "STOPPED") == 0)
        return 1;
    if (strcmp(t->desired_status, "RUNNING") == 0) {
        if (strcmp(s, "PROVISIONING") == 0) {
            snprintf(next, sizeof next, "PENDING");
            t->connectivity_ms = at;
            t->pull_started_ms = at;
            next_ms = at + sec(tm->pending_s);
        } else if (strcmp(s, "PENDING") == 0) {
            snprintf(next, sizeof next, "ACTIVATING");
            t->pull_stopped_ms = at;
            next_ms = at + sec(tm->activating_s);
        } else if (strcmp(s, "ACTIVATING") == 0) {
            snprintf(next, sizeof next, "RUNNING");
            t->started_ms = at;
        }
    } else {
        if (strcmp(s, "DEACTIVATING") == 0) {
            snprintf(next, sizeof next, "STOPPING");
            next_ms = at + sec(tm->stopping_s);
        } else if (strcmp(s, "STOPPING") == 0) {
            snprintf(next, sizeof next, "DEPROVISIONING");
            t->exec_stopped_ms = at;
            next_ms = at + sec(tm->deprovisioning_s);
        } else if (strcmp(s, "DEPROVISIONING") == 0) {
            snprintf(next, sizeof next, "STOPPED");
            t->stopped_ms = at;
            next_ms = at + sec(tm->stopped_keep_s);
        }
    }
    if (next[0]) {
        snprintf(t->last_status, sizeof t->last_status, "%s", next);
        t->version++;
    }
    t->next_ms = next_ms;
    return 0;
}

/* ---- the service scheduler -------------------------------------------------------------- */

struct sched {
    const struct ecs_ctx *x;
    struct ecs_service s;
    struct ecs_deployment deps[MAX_DEPLOYMENTS];
    int ndeps;
    struct ecs_task_brief *tasks;
    int ntasks;
    int cap;
    int overflow;
    struct buf started; /* " (task id)" ... */
    struct buf stopped;
    int nstarted;
    int nstopped;
    int64_t wake_ms; /* -1 = none */
};

static int collect_task(void *ctx, const struct ecs_task_brief *b)
{
    struct sched *r = ctx;
    if (r->ntasks == MAX_SERVICE_TASKS) {
        r->overflow = 1;
        return 1;
    }
    if (r->ntasks == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->tasks = xrealloc(r->tasks, (size_t)r->cap * sizeof *r->tasks);
    }
    r->tasks[r->ntasks++] = *b;
    return 0;
}

static int brief_active(const struct ecs_task_brief *b)
{
    return strcmp(b->desired_status, "RUNNING") == 0;
}

static int brief_running(const struct ecs_task_brief *b)
{
    return brief_active(b) && strcmp(b->last_status, "RUNNING") == 0;
}

static const struct ecs_deployment *primary(const struct sched *r)
{
    return r->ndeps > 0 && strcmp(r->deps[0].status, "PRIMARY") == 0 ? &r->deps[0] : NULL;
}

static int in_primary(const struct sched *r, const struct ecs_task_brief *b)
{
    const struct ecs_deployment *p = primary(r);
    return p && strcmp(b->deployment, p->id) == 0;
}

/* Index of b's deployment in r->deps (higher = older), or MAX_DEPLOYMENTS when unknown. */
static int deployment_rank(const struct sched *r, const struct ecs_task_brief *b)
{
    for (int i = 0; i < r->ndeps; i++) {
        if (strcmp(r->deps[i].id, b->deployment) == 0)
            return i;
    }
    return MAX_DEPLOYMENTS;
}

/* Number of the service's active tasks in az. */
static int az_count(const struct sched *r, const char *az)
{
    int n = 0;
    for (int i = 0; i < r->ntasks; i++) {
        if (brief_active(&r->tasks[i]) && strcmp(r->tasks[i].az, az) == 0)
            n++;
    }
    return n;
}

/* Stops the task behind b in the store (service scheduler stop), marks b and notes it for
 * the "has stopped" event. Returns 0 or -1. */
static int stop_brief(struct sched *r, struct ecs_task_brief *b)
{
    struct ecs_task t = {0};
    int rc = store_ecs_task_get(&r->x->sc, b->id, &t);
    if (rc != 0) {
        store_ecs_task_clear(&t);
        return rc < 0 ? -1 : 0;
    }
    char *reason = xasprintf("Scaling activity initiated by (deployment %s)",
                             t.deployment[0] ? t.deployment : "unknown");
    rc = ecs_task_stop(r->x, &t, "ServiceSchedulerInitiated", reason);
    free(reason);
    store_ecs_task_clear(&t);
    if (rc != 0)
        return -1;
    snprintf(b->desired_status, sizeof b->desired_status, "STOPPED");
    buf_printf(&r->stopped, " (task %s)", b->id);
    r->nstopped++;
    if (b->deployment[0] && store_ecs_deployment_touch(&r->x->sc, b->deployment, r->x->now_ms))
        return -1;
    return 0;
}

/*
 * Picks the task to stop among the candidates (cand[i] != 0): not-yet-RUNNING tasks first,
 * then from the AZ with the most active tasks (ties: AZ name), then by deployment age
 * (oldest_first: the oldest deployment first) and newest task first. Returns an index or -1.
 */
static int pick_victim(const struct sched *r, const unsigned char *cand, int oldest_first)
{
    int best = -1, best_pending = 0, best_az = 0, best_rank = 0;
    for (int i = 0; i < r->ntasks; i++) {
        if (!cand[i])
            continue;
        const struct ecs_task_brief *b = &r->tasks[i];
        int pending = !brief_running(b);
        int azn = az_count(r, b->az);
        int rank = deployment_rank(r, b);
        if (best >= 0) {
            const struct ecs_task_brief *c = &r->tasks[best];
            if (pending != best_pending) {
                if (pending < best_pending)
                    continue;
            } else if (azn != best_az) {
                if (azn < best_az)
                    continue;
            } else if (strcmp(b->az, c->az) != 0) {
                if (strcmp(b->az, c->az) > 0)
                    continue;
            } else if (rank != best_rank) {
                if (oldest_first ? rank < best_rank : rank > best_rank)
                    continue;
            } else if (b->created_ms != c->created_ms) {
                if (b->created_ms < c->created_ms)
                    continue;
            } else if (strcmp(b->id, c->id) < 0) {
                continue;
            }
        }
        best = i;
        best_pending = pending;
        best_az = azn;
        best_rank = rank;
    }
    return best;
}

/* Step 1: a DRAINING service stops everything; old deployments' unhealthy tasks stop. */
static int stop_unneeded(struct sched *r)
{
    int draining = strcmp(r->s.status, "ACTIVE") != 0;
    for (int i = 0; i < r->ntasks; i++) {
        struct ecs_task_brief *b = &r->tasks[i];
        if (!brief_active(b))
            continue;
        if (draining || (!in_primary(r, b) && !brief_running(b))) {
            if (stop_brief(r, b) != 0)
                return -1;
        }
    }
    return 0;
}

/* Stops up to n of the candidates chosen by pick_victim. Returns 0 or -1. */
static int stop_some(struct sched *r, unsigned char *cand, int n, int oldest_first)
{
    for (; n > 0; n--) {
        int i = pick_victim(r, cand, oldest_first);
        if (i < 0)
            break;
        cand[i] = 0;
        if (stop_brief(r, &r->tasks[i]) != 0)
            return -1;
    }
    return 0;
}

/* Step 2: the PRIMARY deployment's tasks beyond the desired count. */
static int scale_in(struct sched *r, int desired)
{
    if (primary(r) == NULL || r->ntasks == 0)
        return 0;
    unsigned char *cand = xcalloc((size_t)r->ntasks, 1);
    int n = 0;
    for (int i = 0; i < r->ntasks; i++) {
        if (brief_active(&r->tasks[i]) && in_primary(r, &r->tasks[i])) {
            cand[i] = 1;
            n++;
        }
    }
    int rc = n > desired ? stop_some(r, cand, n - desired, 0) : 0;
    free(cand);
    return rc;
}

/* Step 3: old deployments' RUNNING tasks, as far as minimumHealthyPercent allows. */
static int drain_old(struct sched *r, int desired)
{
    if (r->ntasks == 0)
        return 0;
    int min_healthy = (int)(((int64_t)desired * r->s.min_healthy + 99) / 100);
    int healthy = 0, n = 0;
    unsigned char *cand = xcalloc((size_t)r->ntasks, 1);
    for (int i = 0; i < r->ntasks; i++) {
        const struct ecs_task_brief *b = &r->tasks[i];
        if (!brief_running(b))
            continue;
        healthy++;
        if (!in_primary(r, b)) {
            cand[i] = 1;
            n++;
        }
    }
    int allowed = healthy - min_healthy;
    int rc = 0;
    if (n > 0 && allowed > 0)
        rc = stop_some(r, cand, allowed < n ? allowed : n, 1);
    free(cand);
    return rc;
}

/* Adds a service event with the next sequence number. Returns 0 or -1. */
static int add_event(const struct ecs_ctx *x, struct ecs_service *s, const char *message)
{
    char id[37];
    rng_uuid(x->ids, id);
    s->event_seq++;
    return store_ecs_event_add(&x->sc, s->cluster, s->name, s->event_seq, id, x->now_ms,
                               message);
}

/* Picks the subnet for the next task: the first listed subnet of the AZ with the fewest
 * active tasks of the service. Returns 0 and writes it, or -1 (no usable subnet). */
static int pick_subnet(const struct sched *r, const cJSON *subnets, char *out, size_t n,
                       char *az_out, size_t azn)
{
    int best = -1;
    const cJSON *sn;
    cJSON_ArrayForEach(sn, subnets)
    {
        struct ec2_subnet s;
        if (!cJSON_IsString(sn) ||
            ec2_find_subnet(r->x->sc.st, r->x->sc.account, r->x->sc.region, sn->valuestring,
                            &s) != 0)
            continue;
        int c = az_count(r, s.az);
        if (best < 0 || c < best) {
            best = c;
            snprintf(out, n, "%s", s.id);
            snprintf(az_out, azn, "%s", s.az);
        }
    }
    return best < 0 ? -1 : 0;
}

/* Step 4: new PRIMARY tasks within maximumPercent. Returns 0 or -1. */
static int scale_out(struct sched *r, int desired)
{
    const struct ecs_deployment *p = primary(r);
    if (p == NULL || strcmp(r->s.status, "ACTIVE") != 0)
        return 0;
    int in_p = 0, total = 0;
    for (int i = 0; i < r->ntasks; i++) {
        if (!brief_active(&r->tasks[i]))
            continue;
        total++;
        in_p += in_primary(r, &r->tasks[i]);
    }
    int need = desired - in_p;
    int max_total = (int)((int64_t)desired * r->s.max_percent / 100);
    if (max_total < desired)
        max_total = desired;
    int room = max_total - total;
    int n = need < room ? need : room;
    if (n <= 0)
        return 0;
    if (strcmp(p->launch_type, "FARGATE") != 0) {
        /* EC2 launch type: no container instance is ever registered in drillsim */
        int64_t now = r->x->now_ms;
        if (r->s.place_event_ms <= 0 || now - r->s.place_event_ms >= PLACE_EVENT_EVERY_MS) {
            char *msg = xasprintf(MSG_NO_INSTANCES, r->s.name);
            int rc = add_event(r->x, &r->s, msg);
            free(msg);
            if (rc != 0)
                return -1;
            r->s.place_event_ms = now;
        }
        r->wake_ms = now + PLACE_RETRY_MS;
        return 0;
    }
    if (n > MAX_STARTS_PER_PASS) {
        n = MAX_STARTS_PER_PASS;
        r->wake_ms = r->x->now_ms + 1000;
    }
    cJSON *body = taskdef_body(&r->x->sc, p->task_def);
    cJSON *net = p->network ? cJSON_Parse(p->network) : NULL;
    const cJSON *subnets = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(net, "awsvpcConfiguration"), "subnets");
    char group[ECS_NAME_MAX + 16];
    snprintf(group, sizeof group, "service:%s", r->s.name);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char subnet[40], az[32];
        /* Cannot happen through the API (CreateService checked both); a service left without
         * them starts nothing rather than failing every tick of its team. */
        if (body == NULL || pick_subnet(r, subnets, subnet, sizeof subnet, az, sizeof az) != 0)
            break;
        struct ecs_launch l = {
            .cluster = r->s.cluster,
            .task_def_arn = p->task_def,
            .task_def = body,
            .launch_type = p->launch_type,
            .subnet = subnet,
            .service = r->s.name,
            .deployment = p->id,
            .started_by = p->id,
            .group = group,
        };
        struct ecs_task t = {0};
        rc = ecs_task_launch(r->x, &l, &t);
        if (rc == 0) {
            struct ecs_task_brief b = {0};
            snprintf(b.id, sizeof b.id, "%s", t.id);
            snprintf(b.deployment, sizeof b.deployment, "%s", t.deployment);
            snprintf(b.az, sizeof b.az, "%s", t.az);
            snprintf(b.last_status, sizeof b.last_status, "%s", t.last_status);
            snprintf(b.desired_status, sizeof b.desired_status, "%s", t.desired_status);
            b.created_ms = t.created_ms;
            collect_task(r, &b);
            buf_printf(&r->started, " (task %s)", t.id);
            r->nstarted++;
        }
        store_ecs_task_clear(&t);
    }
    cJSON_Delete(body);
    cJSON_Delete(net);
    if (rc == 0 && r->nstarted > 0)
        rc = store_ecs_deployment_touch(&r->x->sc, p->id, r->x->now_ms);
    return rc;
}

/* Step 5: older deployments whose tasks have all stopped leave the list. Returns 0 or -1. */
static int retire_deployments(struct sched *r)
{
    for (int d = 1; d < r->ndeps; d++) {
        struct ecs_deployment *dep = &r->deps[d];
        int live = 0;
        for (int i = 0; i < r->ntasks; i++) /* every task loaded is not yet STOPPED */
            live += strcmp(r->tasks[i].deployment, dep->id) == 0;
        if (live > 0)
            continue;
        snprintf(dep->status, sizeof dep->status, "INACTIVE");
        dep->updated_ms = r->x->now_ms;
        if (store_ecs_deployment_put(&r->x->sc, dep) != 0)
            return -1;
    }
    return 0;
}

/* Step 6: the events of this pass and the steady-state bookkeeping. Returns 0 or -1. */
static int report(struct sched *r, int desired)
{
    const struct ecs_ctx *x = r->x;
    if (r->nstopped > 0) {
        char *msg = xasprintf("(service %s) has stopped %d running tasks:%s.", r->s.name,
                              r->nstopped, r->stopped.p);
        int rc = add_event(x, &r->s, msg);
        free(msg);
        if (rc != 0)
            return -1;
    }
    if (r->nstarted > 0) {
        char *msg = xasprintf("(service %s) has started %d tasks:%s.", r->s.name, r->nstarted,
                              r->started.p);
        int rc = add_event(x, &r->s, msg);
        free(msg);
        if (rc != 0)
            return -1;
    }
    if (strcmp(r->s.status, "ACTIVE") != 0)
        return 0;
    int others = 0, running = 0, pending = 0, stopping = 0;
    for (int d = 1; d < r->ndeps; d++)
        others += strcmp(r->deps[d].status, "INACTIVE") != 0;
    for (int i = 0; i < r->ntasks; i++) {
        const struct ecs_task_brief *b = &r->tasks[i];
        if (!brief_active(b))
            stopping++;
        else if (!in_primary(r, b))
            others++;
        else if (brief_running(b))
            running++;
        else
            pending++;
    }
    struct ecs_deployment *p = primary(r) ? &r->deps[0] : NULL;
    int steady = p && others == 0 && stopping == 0 && pending == 0 && running == desired;
    if (!steady) {
        r->s.steady = 0;
        return 0;
    }
    if (strcmp(p->rollout, "IN_PROGRESS") == 0) {
        snprintf(p->rollout, sizeof p->rollout, "COMPLETED");
        p->updated_ms = x->now_ms;
        if (store_ecs_deployment_put(&x->sc, p) != 0)
            return -1;
        char *msg = xasprintf("(service %s) (deployment %s) deployment completed.", r->s.name,
                              p->id);
        int rc = add_event(x, &r->s, msg);
        free(msg);
        if (rc != 0)
            return -1;
    }
    if (!r->s.steady || x->now_ms - r->s.steady_ms >= STEADY_REPEAT_MS) {
        char *msg = xasprintf("(service %s) has reached a steady state.", r->s.name);
        int rc = add_event(x, &r->s, msg);
        free(msg);
        if (rc != 0)
            return -1;
        r->s.steady = 1;
        r->s.steady_ms = x->now_ms;
    }
    int64_t again = r->s.steady_ms + STEADY_REPEAT_MS;
    if (r->wake_ms < 0 || again < r->wake_ms)
        r->wake_ms = again;
    return 0;
}

int ecs_schedule_service(const struct ecs_ctx *x, const char *cluster, const char *service)
{
    struct sched r = {.x = x, .wake_ms = -1};
    int rc = -1;
    buf_init(&r.started, EVENT_MAX);
    buf_init(&r.stopped, EVENT_MAX);
    int got = store_ecs_service_get(&x->sc, cluster, service, &r.s);
    if (got != 0) {
        rc = got < 0 ? -1 : 0;
        goto out;
    }
    if (strcmp(r.s.status, "INACTIVE") == 0) {
        r.s.sched_ms = -1;
        rc = store_ecs_service_put(&x->sc, &r.s);
        goto out;
    }
    r.ndeps = store_ecs_deployment_list(&x->sc, cluster, service, r.deps, MAX_DEPLOYMENTS);
    if (r.ndeps < 0) {
        r.ndeps = 0;
        goto out;
    }
    if (store_ecs_service_tasks(&x->sc, cluster, service, collect_task, &r) != 0)
        goto out;
    if (r.overflow)
        fprintf(stderr, "drillsim: ecs service %s has more than %d tasks; scheduling the "
                        "first ones\n", service, MAX_SERVICE_TASKS);
    int desired = strcmp(r.s.status, "ACTIVE") == 0 ? r.s.desired : 0;
    if (stop_unneeded(&r) != 0 || scale_in(&r, desired) != 0 || drain_old(&r, desired) != 0 ||
        scale_out(&r, desired) != 0 || retire_deployments(&r) != 0 || report(&r, desired) != 0)
        goto out;
    /* every task loaded is not yet STOPPED: a DRAINING service without any is done */
    if (strcmp(r.s.status, "DRAINING") == 0 && r.ntasks == 0)
        snprintf(r.s.status, sizeof r.s.status, "INACTIVE");
    r.s.sched_ms = r.wake_ms;
    rc = store_ecs_service_put(&x->sc, &r.s);
out:
    for (int i = 0; i < r.ndeps; i++)
        store_ecs_deployment_clear(&r.deps[i]);
    store_ecs_service_clear(&r.s);
    free(r.tasks);
    buf_free(&r.started);
    buf_free(&r.stopped);
    return rc;
}

/* ---- the tick --------------------------------------------------------------------------- */

struct tick_ctx {
    struct tick *t;
    int failed;
};

static struct ecs_ctx ctx_for(struct tick *t, const char *region)
{
    struct ecs_ctx x = {
        .sc = {t->sim->store, t->team->account, region},
        .ids = &t->team->ids,
        .timing = &t->team->timing,
        .now_ms = t->now_ms,
    };
    return x;
}

static int on_due_task(void *ctx, const char *region, const char *id)
{
    struct tick_ctx *tc = ctx;
    struct ecs_ctx x = ctx_for(tc->t, region);
    struct ecs_task task = {0};
    int rc = store_ecs_task_get(&x.sc, id, &task);
    if (rc != 0) {
        store_ecs_task_clear(&task);
        return rc < 0 ? -1 : 0;
    }
    int64_t at = task.next_ms;
    if (task_step(x.timing, &task))
        rc = store_ecs_task_delete(&x.sc, task.id);
    else
        rc = store_ecs_task_put(&x.sc, &task);
    if (rc == 0 && task.service[0]) {
        rc = store_ecs_service_wake(&x.sc, task.cluster, task.service, tc->t->now_ms);
        if (rc == 0 && task.deployment[0])
            rc = store_ecs_deployment_touch(&x.sc, task.deployment, at);
    }
    store_ecs_task_clear(&task);
    return rc;
}

static int on_due_service(void *ctx, const char *region, const char *cluster, const char *name)
{
    struct tick_ctx *tc = ctx;
    struct ecs_ctx x = ctx_for(tc->t, region);
    return ecs_schedule_service(&x, cluster, name);
}

int ecs_tick(struct tick *t)
{
    struct tick_ctx tc = {.t = t};
    /* transitions first (a zero duration makes the next one due at once), then services */
    for (int round = 0; round < TICK_ROUNDS; round++) {
        int n = store_ecs_task_due(t->sim->store, t->team->account, t->now_ms, TICK_BATCH,
                                   on_due_task, &tc);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
    }
    return store_ecs_service_due(t->sim->store, t->team->account, t->now_ms, TICK_BATCH,
                                 on_due_service, &tc);
}

/* ---- Application Auto Scaling's contract ------------------------------------------------ */

int ecs_set_desired_count(struct sim *sim, struct team *team, const char *region,
                          const char *cluster, const char *service, int desired, int64_t now_ms)
{
    struct ecs_ctx x = {
        .sc = {sim->store, team->account, region},
        .ids = &team->ids,
        .timing = &team->timing,
        .now_ms = now_ms,
    };
    struct ecs_service s = {0};
    int rc = store_ecs_service_get(&x.sc, cluster, service, &s);
    if (rc == 0 && strcmp(s.status, "ACTIVE") != 0)
        rc = 1;
    if (rc == 0 && s.desired != desired) {
        s.desired = desired;
        struct ecs_deployment d[MAX_DEPLOYMENTS];
        int n = store_ecs_deployment_list(&x.sc, cluster, service, d, MAX_DEPLOYMENTS);
        if (n < 0)
            rc = -1;
        for (int i = 0; i < n; i++) {
            if (rc == 0 && strcmp(d[i].status, "PRIMARY") == 0) {
                d[i].desired = desired;
                d[i].updated_ms = now_ms;
                rc = store_ecs_deployment_put(&x.sc, &d[i]) == 0 ? 0 : -1;
            }
            store_ecs_deployment_clear(&d[i]);
        }
        if (rc == 0)
            rc = store_ecs_service_put(&x.sc, &s) == 0 ? 0 : -1;
    }
    if (rc == 0)
        rc = ecs_service_wake(&x, cluster, service) == 0 ? 0 : -1;
    store_ecs_service_clear(&s);
    return rc;
}

int ecs_get_counts(struct sim *sim, struct team *team, const char *region, const char *cluster,
                   const char *service, int *desired, int *running)
{
    struct ecs_scope sc = {sim->store, team->account, region};
    struct ecs_service s = {0};
    int rc = store_ecs_service_get(&sc, cluster, service, &s);
    if (rc == 0 && strcmp(s.status, "ACTIVE") != 0)
        rc = 1;
    if (rc == 0) {
        struct ecs_deployment d[MAX_DEPLOYMENTS];
        int n = store_ecs_deployment_list(&sc, cluster, service, d, MAX_DEPLOYMENTS);
        int sum = 0;
        if (n < 0)
            rc = -1;
        for (int i = 0; i < n; i++) {
            struct ecs_counts c;
            if (rc == 0 && store_ecs_deployment_counts(&sc, d[i].id, &c) != 0)
                rc = -1;
            else if (rc == 0)
                sum += c.running;
            store_ecs_deployment_clear(&d[i]);
        }
        if (rc == 0) {
            *desired = s.desired;
            *running = sum;
        }
    }
    store_ecs_service_clear(&s);
    return rc;
}
