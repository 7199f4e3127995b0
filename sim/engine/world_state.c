/*
 * world_state.c - a team's world in the store: one row of the world_state table per team,
 * holding the world as a JSON document, rewritten at the end of every tick (inside the
 * tick's transaction), so kill -9 and a restart on the same --data resume the drill.
 *
 * The document is written from the field tables below: to persist a new member of struct
 * world, struct world_task or struct world_config, add a row to the matching table. A member
 * missing from an older document keeps its zero value.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine/team.h"
#include "engine/world_int.h"
#include "sim.h"
#include "store/store.h"
#include "util/xmalloc.h"

enum field_type { F_INT, F_I64, F_DBL, F_STR };

struct field {
    const char *name;
    size_t off;
    enum field_type type;
    size_t size; /* F_STR: the buffer's size */
};

#define FI(s, m) {#m, offsetof(struct s, m), F_INT, 0}
#define FL(s, m) {#m, offsetof(struct s, m), F_I64, 0}
#define FD(s, m) {#m, offsetof(struct s, m), F_DBL, 0}
#define FS(s, m) {#m, offsetof(struct s, m), F_STR, sizeof(((struct s *)0)->m)}

static const struct field config_fields[] = {
    FS(world_config, env), FS(world_config, region), FD(world_config, rps),
    FI(world_config, diurnal), FD(world_config, noise), FD(world_config, db_share),
    FD(world_config, service_ms), FD(world_config, connect_ms), FD(world_config, leak_share),
    FD(world_config, log_sample), FI(world_config, error_log_cap),
    FD(world_config, error_sample),
    FD(world_config, task_cpu_base), FD(world_config, task_cpu_per_rps), {NULL, 0, 0, 0},
};

static const struct field world_fields[] = {
    FI(world, active), FL(world, started_ms), FD(world, surge_factor),
    FL(world, surge_until_ms), FD(world, slow_factor), FL(world, slow_until_ms),
    FD(world, noise_state), FL(world, epoch), FS(world, writer), FI(world, max_conns),
    FI(world, db_up), FD(world, db_cpu), FI(world, db_conns), FD(world, new_conns),
    FI(world, proxy_up), FI(world, proxy_budget), FI(world, proxy_idle_budget),
    FI(world, proxy_client), FI(world, proxy_db), FD(world, proxy_borrowed),
    FS(world, proxy_name), FS(world, proxy_endpoint), FI(world, rr), FL(world, log_seq),
    FL(world, log_group_id), FD(world, last_requests), FD(world, last_5xx),
    {NULL, 0, 0, 0},
};

static const struct field task_fields[] = {
    FS(world_task, id), FI(world_task, serving), FI(world_task, pooling),
    FI(world_task, pool_size), FI(world_task, pool_overflow), FI(world_task, pool_timeout_s),
    FI(world_task, via_proxy), FI(world_task, leaking), FL(world_task, started_ms),
    FL(world_task, config_due_ms), FL(world_task, epoch), FI(world_task, open),
    FI(world_task, leaked), FD(world_task, rps), FD(world_task, active), FD(world_task, cpu),
    FL(world_task, stream_id), FL(world_task, suppressed_conn),
    FL(world_task, suppressed_pool), {NULL, 0, 0, 0},
};

static const struct field minute_fields[] = {
    FL(world_minute, start_ms), FD(world_minute, requests), FD(world_minute, errors_5xx),
    FD(world_minute, latency_sum_s), {NULL, 0, 0, 0},
};

/* The statistic accumulators of a minute, by name. */
static const struct {
    const char *name;
    size_t off;
} minute_stats[] = {
    {"db_conns", offsetof(struct world_minute, db_conns)},
    {"db_cpu", offsetof(struct world_minute, db_cpu)},
    {"db_mem", offsetof(struct world_minute, db_mem)},
    {"svc_cpu", offsetof(struct world_minute, svc_cpu)},
    {"svc_mem", offsetof(struct world_minute, svc_mem)},
    {"running", offsetof(struct world_minute, running)},
    {"proxy_client", offsetof(struct world_minute, proxy_client)},
    {"proxy_db", offsetof(struct world_minute, proxy_db)},
    {"proxy_borrowed", offsetof(struct world_minute, proxy_borrowed)},
    {NULL, 0},
};

static void put_fields(cJSON *o, const void *base, const struct field *f)
{
    for (; f->name; f++) {
        const char *p = (const char *)base + f->off;
        switch (f->type) {
        case F_INT:
            cJSON_AddNumberToObject(o, f->name, *(const int *)p);
            break;
        case F_I64:
            cJSON_AddNumberToObject(o, f->name, (double)*(const int64_t *)p);
            break;
        case F_DBL:
            cJSON_AddNumberToObject(o, f->name, *(const double *)p);
            break;
        case F_STR:
            cJSON_AddStringToObject(o, f->name, p);
            break;
        }
    }
}

static void get_fields(const cJSON *o, void *base, const struct field *f)
{
    for (; f->name; f++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, f->name);
        char *p = (char *)base + f->off;
        if (f->type == F_STR) {
            if (cJSON_IsString(v))
                snprintf(p, f->size, "%s", v->valuestring);
            continue;
        }
        if (!cJSON_IsNumber(v))
            continue;
        if (f->type == F_INT)
            *(int *)p = (int)v->valuedouble;
        else if (f->type == F_I64)
            *(int64_t *)p = (int64_t)v->valuedouble;
        else
            *(double *)p = v->valuedouble;
    }
}

/* cJSON prints numbers with 17 significant digits only when needed, and int64 values of sim
 * time (< 2^53) exactly. */
static char *world_to_json(const struct world *w)
{
    cJSON *o = cJSON_CreateObject();
    put_fields(o, w, world_fields);
    put_fields(cJSON_AddObjectToObject(o, "config"), &w->cfg, config_fields);
    cJSON *tasks = cJSON_AddArrayToObject(o, "tasks");
    for (int i = 0; i < w->ntasks; i++) {
        cJSON *t = cJSON_CreateObject();
        put_fields(t, &w->tasks[i], task_fields);
        cJSON_AddItemToArray(tasks, t);
    }
    cJSON *m = cJSON_AddObjectToObject(o, "minute");
    put_fields(m, &w->minute, minute_fields);
    for (int i = 0; minute_stats[i].name; i++) {
        const struct world_stat *s =
            (const struct world_stat *)((const char *)&w->minute + minute_stats[i].off);
        cJSON *a = cJSON_AddArrayToObject(m, minute_stats[i].name);
        cJSON_AddItemToArray(a, cJSON_CreateNumber(s->n));
        cJSON_AddItemToArray(a, cJSON_CreateNumber(s->sum));
        cJSON_AddItemToArray(a, cJSON_CreateNumber(s->min));
        cJSON_AddItemToArray(a, cJSON_CreateNumber(s->max));
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static void world_from_json(const cJSON *o, struct world *w)
{
    get_fields(o, w, world_fields);
    get_fields(cJSON_GetObjectItemCaseSensitive(o, "config"), &w->cfg, config_fields);
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(o, "tasks"))
    {
        if (w->ntasks >= WORLD_MAX_TASKS)
            break;
        get_fields(t, &w->tasks[w->ntasks++], task_fields);
    }
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "minute");
    get_fields(m, &w->minute, minute_fields);
    for (int i = 0; minute_stats[i].name; i++) {
        struct world_stat *s = (struct world_stat *)((char *)&w->minute + minute_stats[i].off);
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(m, minute_stats[i].name);
        if (cJSON_GetArraySize(a) != 4)
            continue;
        s->n = cJSON_GetArrayItem(a, 0)->valuedouble;
        s->sum = cJSON_GetArrayItem(a, 1)->valuedouble;
        s->min = cJSON_GetArrayItem(a, 2)->valuedouble;
        s->max = cJSON_GetArrayItem(a, 3)->valuedouble;
    }
}

int world_load(struct sim *sim, struct team *team, struct world **out)
{
    *out = NULL;
    sqlite3_stmt *st = store_stmt(sim->store, "SELECT doc FROM world_state WHERE account = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, team->account, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return -1;
    }
    cJSON *doc = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (doc == NULL)
        return -1;
    struct world *w = xcalloc(1, sizeof *w);
    world_from_json(doc, w);
    cJSON_Delete(doc);
    *out = w;
    return 0;
}

int world_save(struct sim *sim, struct team *team, const struct world *w)
{
    sqlite3_stmt *st = store_stmt(
        sim->store, "INSERT OR REPLACE INTO world_state (account, doc) VALUES (?, ?)");
    if (st == NULL)
        return -1;
    char *text = world_to_json(w);
    sqlite3_bind_text(st, 1, team->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    free(text);
    return rc == SQLITE_DONE ? 0 : -1;
}

int world_delete(struct sim *sim, struct team *team)
{
    sqlite3_stmt *st = store_stmt(sim->store, "DELETE FROM world_state WHERE account = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, team->account, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
