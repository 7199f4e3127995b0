/*
 * control.c - the /_drill/ control API (see control.h).
 *
 * To add an endpoint: write a `static int ctl_<name>(struct call *c, const struct
 * http_request *req)` that fills c->out (a JSON object) or calls ctl_fail(), and add a row
 * { method, path, handler } to the table at the end.
 */
#include "control/control.h"
#include "control/control_int.h"
#include "control/journal.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine/engine.h"
#include "engine/sns_int.h"
#include "engine/world.h"
#include "scenario/scenario.h"
#include "http/route.h"
#include "protocol/form.h"
#include "services/cloudwatch_int.h"
#include "services/service.h"
#include "sim.h"
#include "store/metrics.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

int ctl_fail(struct call *c, int status, const char *code, const char *message)
{
    c->status = status;
    cJSON_Delete(c->out);
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "error", code);
    cJSON_AddStringToObject(c->out, "message", message);
    return SIM_ERROR;
}

cJSON *ctl_clock_json(const struct team *t)
{
    cJSON *o = cJSON_CreateObject();
    int64_t now = team_now_ms(t);
    char iso[40];
    timefmt_iso8601((double)now / 1000.0, iso);
    cJSON_AddStringToObject(o, "team", t->account);
    cJSON_AddStringToObject(o, "mode", t->clock.mode == SIMCLOCK_MANUAL && !t->clock.paused
                                           ? "manual"
                                           : "realtime");
    cJSON_AddBoolToObject(o, "paused", t->clock.paused);
    cJSON_AddStringToObject(o, "now", iso);
    cJSON_AddNumberToObject(o, "nowMs", (double)now);
    cJSON_AddNumberToObject(o, "lastTickMs", (double)t->last_tick_ms);
    return o;
}

static int ctl_health(struct call *c, const struct http_request *req)
{
    (void)req;
    struct sim *sim = c->sim;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddStringToObject(o, "version", DRILLSIM_VERSION);
    cJSON_AddStringToObject(o, "data", sim->opt.data_path);
    cJSON_AddItemToObject(o, "clock", ctl_clock_json(c->team));
    cJSON_AddNumberToObject(o, "uptimeSeconds",
                            (double)(clock_wall_ms() - sim->started_wall_ms) / 1000.0);
    cJSON *stats = cJSON_AddObjectToObject(o, "requests");
    cJSON_AddNumberToObject(stats, "total", (double)sim->stats.requests);
    cJSON_AddNumberToObject(stats, "clientErrors", (double)sim->stats.errors_4xx);
    cJSON_AddNumberToObject(stats, "serverErrors", (double)sim->stats.errors_5xx);
    cJSON_AddItemToObject(o, "engine", engine_stats());
    cJSON *services = cJSON_AddObjectToObject(o, "services");
    const struct sim_service *const *all = registry_services();
    for (int i = 0; all[i]; i++) {
        const struct sim_service *svc = all[i];
        cJSON *s = cJSON_AddObjectToObject(services, svc->name);
        cJSON *protocols = cJSON_AddArrayToObject(s, "protocols");
        const struct model_service *m = svc->model;
        if (m->protocols & MP_CBOR)
            cJSON_AddItemToArray(protocols, cJSON_CreateString("smithy-rpc-v2-cbor"));
        if (m->protocols & MP_JSON) {
            char name[32];
            snprintf(name, sizeof name, "awsJson%s", m->json_version ? m->json_version : "");
            cJSON_AddItemToArray(protocols, cJSON_CreateString(name));
        }
        if (m->protocols & MP_QUERY)
            cJSON_AddItemToArray(protocols, cJSON_CreateString("awsQuery"));
        if (m->protocols & MP_EC2)
            cJSON_AddItemToArray(protocols, cJSON_CreateString("ec2"));
        cJSON *ops = cJSON_AddArrayToObject(s, "operations");
        for (const struct sim_op *op = svc->ops; op->name; op++) {
            if (!(op->flags & OP_INTERNAL))
                cJSON_AddItemToArray(ops, cJSON_CreateString(op->name));
        }
    }
    c->out = o;
    return SIM_OK;
}

const char *ctl_arg(const struct http_request *req, const char *name)
{
    return req->url_args ? form_get(req->url_args, name) : NULL;
}

cJSON *ctl_body_json(struct call *c, const struct http_request *req)
{
    cJSON *b = req->body_len ? cJSON_ParseWithLength(req->body, req->body_len)
                             : cJSON_CreateObject();
    if (!cJSON_IsObject(b)) {
        cJSON_Delete(b);
        ctl_fail(c, 400, "BadRequest", "the body must be a JSON object");
        return NULL;
    }
    return b;
}

static int ctl_clock(struct call *c, const struct http_request *req)
{
    (void)req;
    c->out = ctl_clock_json(c->team);
    return SIM_OK;
}

/* Longest single advance: a week of sim time (604,800 ticks). */
#define MAX_ADVANCE_S (7 * 86400)

static int ctl_clock_advance(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    cJSON *secs = cJSON_GetObjectItemCaseSensitive(b, "seconds");
    double s = cJSON_IsNumber(secs) ? secs->valuedouble : -1;
    cJSON_Delete(b);
    if (!(s >= 0 && s <= MAX_ADVANCE_S))
        return ctl_fail(c, 400, "BadRequest",
                        "seconds must be a number from 0 to 604800 (one week)");
    if (c->team->clock.mode != SIMCLOCK_MANUAL)
        return ctl_fail(c, 409, "ClockNotManual",
                        "this team's clock is realtime; start drillsim with --clock manual");
    if (engine_advance(c->sim, c->team, (int64_t)llround(s * 1000.0)) != 0)
        return ctl_fail(c, 500, "InternalFailure", "a tick failed; see drillsim's stderr");
    c->now_ms = team_now_ms(c->team);
    c->out = ctl_clock_json(c->team);
    return SIM_OK;
}

static cJSON *timing_json(const struct team_timing *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "provisioningSeconds", t->provisioning_s);
    cJSON_AddNumberToObject(o, "pendingSeconds", t->pending_s);
    cJSON_AddNumberToObject(o, "activatingSeconds", t->activating_s);
    cJSON_AddNumberToObject(o, "deactivatingSeconds", t->deactivating_s);
    cJSON_AddNumberToObject(o, "stoppingSeconds", t->stopping_s);
    cJSON_AddNumberToObject(o, "deprovisioningSeconds", t->deprovisioning_s);
    cJSON_AddNumberToObject(o, "stoppedRetentionSeconds", t->stopped_keep_s);
    return o;
}

static int ctl_timing(struct call *c, const struct http_request *req)
{
    (void)req;
    c->out = timing_json(&c->team->timing);
    return SIM_OK;
}

/* POST /_drill/timing: {"preset": "aws"|"fast"} and/or any of the fields timing_json names. */
static int ctl_timing_set(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    struct team_timing t = c->team->timing;
    cJSON *preset = cJSON_GetObjectItemCaseSensitive(b, "preset");
    if (preset && (!cJSON_IsString(preset) || team_timing_preset(preset->valuestring, &t) != 0)) {
        cJSON_Delete(b);
        return ctl_fail(c, 400, "BadRequest", "preset must be \"aws\" or \"fast\"");
    }
    static const struct {
        const char *name;
        size_t off;
    } fields[] = {
        {"provisioningSeconds", offsetof(struct team_timing, provisioning_s)},
        {"pendingSeconds", offsetof(struct team_timing, pending_s)},
        {"activatingSeconds", offsetof(struct team_timing, activating_s)},
        {"deactivatingSeconds", offsetof(struct team_timing, deactivating_s)},
        {"stoppingSeconds", offsetof(struct team_timing, stopping_s)},
        {"deprovisioningSeconds", offsetof(struct team_timing, deprovisioning_s)},
        {"stoppedRetentionSeconds", offsetof(struct team_timing, stopped_keep_s)},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(b, fields[i].name);
        if (v == NULL)
            continue;
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 86400 ||
            v->valuedouble != floor(v->valuedouble)) {
            cJSON_Delete(b);
            return ctl_fail(c, 400, "BadRequest", "durations are whole seconds from 0 to 86400");
        }
        *(int *)((char *)&t + fields[i].off) = (int)v->valuedouble;
    }
    cJSON_Delete(b);
    c->team->timing = t;
    if (team_save(c->sim, c->team) != 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not save the timing");
    c->out = timing_json(&t);
    return SIM_OK;
}

/* GET /_drill/sns/messages?team=&topic=ARN&limit=N&nextToken=T: every message the team's
 * topics published (and the confirmations sent), oldest first, each with its deliveries and
 * their attempts. */
static int ctl_sns_messages(struct call *c, const struct http_request *req)
{
    const char *topic = req->url_args ? form_get(req->url_args, "topic") : NULL;
    const char *limit_s = req->url_args ? form_get(req->url_args, "limit") : NULL;
    const char *token = req->url_args ? form_get(req->url_args, "nextToken") : NULL;
    char *end;
    long limit = limit_s ? strtol(limit_s, &end, 10) : 100;
    if (limit_s && (*end || limit < 1 || limit > 1000))
        return ctl_fail(c, 400, "BadRequest", "limit must be a number from 1 to 1000");
    long long after = token ? strtoll(token, &end, 10) : 0;
    if (token && (*end || after < 0))
        return ctl_fail(c, 400, "BadRequest", "nextToken is not one this server gave");
    c->out = sns_messages_json(c->sim, c->team->account, topic && topic[0] ? topic : NULL,
                               (int64_t)after, (int)limit);
    if (c->out == NULL)
        return ctl_fail(c, 500, "InternalFailure", "the store could not list the messages");
    return SIM_OK;
}

/* GET /_drill/sns/cert.pem: the certificate whose key signs every SNS message (the
 * SigningCertURL of the messages). */
static int ctl_sns_cert(struct call *c, const struct http_request *req)
{
    (void)req;
    char *pem = sns_cert_pem(c->sim);
    if (pem == NULL)
        return ctl_fail(c, 500, "InternalFailure", "the signing certificate is not available");
    c->content_type = "application/x-pem-file";
    buf_puts(&c->body, pem);
    free(pem);
    return SIM_OK;
}

/* POST /_drill/metrics?team=ACCOUNT&region=REGION: datapoints for any namespace, AWS/ ones
 * included (sim/services/cloudwatch_inject.c). */
static int ctl_metrics(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    const char *region = req->url_args ? form_get(req->url_args, "region") : NULL;
    snprintf(c->tenant.account, sizeof c->tenant.account, "%s", c->team->account);
    snprintf(c->tenant.region, sizeof c->tenant.region, "%s", region ? region : DEFAULT_REGION);
    char *error = NULL;
    int n = cw_inject_metrics(c, b, &error);
    cJSON_Delete(b);
    if (n < 0) {
        int rc = ctl_fail(c, 400, "BadRequest", error);
        free(error);
        return rc;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddNumberToObject(c->out, "stored", n);
    return SIM_OK;
}

/* GET /_drill/world: the world model's state (database, proxy, tasks), 404 without one. */
static int ctl_world(struct call *c, const struct http_request *req)
{
    (void)req;
    c->out = world_status(c->sim, c->team);
    if (c->out == NULL)
        return ctl_fail(c, 404, "NotFound", "this team has no world (start a fixture or scenario)");
    return SIM_OK;
}

/*
 * GET /_drill/metrics/raw?namespace=&name=[&region=][&since=MS][&limit=N]: the datapoints
 * stored for the team's metrics (what the world emitted, and what clients put), oldest first,
 * each with its dimensions: what LocalStack users ask of /_aws/cloudwatch/metrics/raw.
 */
static int ctl_metrics_raw(struct call *c, const struct http_request *req)
{
    const char *ns = ctl_arg(req, "namespace"), *name = ctl_arg(req, "name");
    const char *region = ctl_arg(req, "region"), *since = ctl_arg(req, "since");
    const char *limit = ctl_arg(req, "limit");
    long long from = since ? atoll(since) : 0;
    long max = limit ? atol(limit) : 10000;
    if (max < 1 || max > 100000)
        return ctl_fail(c, 400, "BadRequest", "limit must be from 1 to 100000");
    sqlite3_stmt *st = store_stmt(
        c->sim->store,
        "SELECT m.namespace, m.name, m.dims, m.region, d.ts_ms, d.unit, d.count, d.sum, d.min, "
        "d.max FROM cw_metrics m JOIN cw_datapoints d ON d.metric_id = m.id "
        "WHERE m.account = ?1 AND (?2 IS NULL OR m.namespace = ?2) AND (?3 IS NULL OR m.name "
        "= ?3) AND (?4 IS NULL OR m.region = ?4) AND d.ts_ms >= ?5 "
        "ORDER BY d.ts_ms, m.id, d.seq LIMIT ?6");
    if (st == NULL)
        return ctl_fail(c, 500, "InternalFailure", "the store could not be read");
    sqlite3_bind_text(st, 1, c->team->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, region, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, from);
    sqlite3_bind_int64(st, 6, max);
    c->out = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(c->out, "datapoints");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "namespace", (const char *)sqlite3_column_text(st, 0));
        cJSON_AddStringToObject(d, "name", (const char *)sqlite3_column_text(st, 1));
        cJSON *dims = cJSON_AddArrayToObject(d, "dimensions");
        char key[2048];
        snprintf(key, sizeof key, "%s", (const char *)sqlite3_column_text(st, 2));
        struct metrics_dim parsed[METRICS_MAX_DIMS];
        int n = metrics_dims_parse(key, parsed, METRICS_MAX_DIMS);
        for (int i = 0; i < n; i++) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "Name", parsed[i].name);
            cJSON_AddStringToObject(x, "Value", parsed[i].value);
            cJSON_AddItemToArray(dims, x);
        }
        cJSON_AddStringToObject(d, "region", (const char *)sqlite3_column_text(st, 3));
        int64_t ts = sqlite3_column_int64(st, 4);
        char iso[40];
        timefmt_iso8601((double)ts / 1000.0, iso);
        cJSON_AddStringToObject(d, "timestamp", iso);
        cJSON_AddNumberToObject(d, "timestampMs", (double)ts);
        const char *unit = metrics_unit_name(sqlite3_column_int(st, 5));
        cJSON_AddStringToObject(d, "unit", unit ? unit : "None");
        cJSON_AddNumberToObject(d, "sampleCount", sqlite3_column_double(st, 6));
        cJSON_AddNumberToObject(d, "sum", sqlite3_column_double(st, 7));
        cJSON_AddNumberToObject(d, "min", sqlite3_column_double(st, 8));
        cJSON_AddNumberToObject(d, "max", sqlite3_column_double(st, 9));
        cJSON_AddItemToArray(arr, d);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return ctl_fail(c, 500, "InternalFailure", "the store could not be read");
    return SIM_OK;
}

static const struct ctl_route core_routes[] = {
    {"GET", "/_drill/metrics/raw", ctl_metrics_raw},
    {"GET", "/_drill/world", ctl_world},
    {"GET", "/_drill/health", ctl_health},
    {"GET", "/_drill/clock", ctl_clock},
    {"POST", "/_drill/clock/advance", ctl_clock_advance},
    {"GET", "/_drill/timing", ctl_timing},
    {"POST", "/_drill/timing", ctl_timing_set},
    {"POST", "/_drill/metrics", ctl_metrics},
    {"GET", "/_drill/sns/messages", ctl_sns_messages},
    {"GET", "/_drill/sns/cert.pem", ctl_sns_cert},
    {NULL, NULL, NULL},
};

/* Every route table; a file serving a group of endpoints adds its table here. */
static const struct ctl_route *const tables[] = {
    core_routes,
    ctl_drill_routes,
    ctl_chaos_routes,
    ctl_journal_routes,
    ctl_report_routes,
    ctl_snapshot_routes,
    NULL,
};

/* ?team=ACCOUNT selects the team (12 digits); the default account otherwise. */
static int select_team(struct call *c, const struct http_request *req)
{
    const char *team = req->url_args ? form_get(req->url_args, "team") : NULL;
    if (team == NULL)
        team = DEFAULT_ACCOUNT;
    size_t n = strlen(team);
    int ok = n == 12;
    for (size_t i = 0; ok && i < n; i++)
        ok = team[i] >= '0' && team[i] <= '9';
    if (!ok)
        return ctl_fail(c, 400, "BadRequest", "team must be a 12-digit account id");
    c->team = team_get(c->sim, team);
    if (c->team == NULL)
        return ctl_fail(c, 503, "ServiceUnavailable", "too many teams");
    c->now_ms = team_now_ms(c->team);
    return SIM_OK;
}

void control_handle(struct call *c, const struct http_request *req)
{
    int path_known = 0;
    /* what the team did so far is in the store before a control call reads or resets it */
    journal_flush(c->sim);
    if (select_team(c, req) != SIM_OK)
        goto reply;
    for (int t = 0; tables[t]; t++) {
        for (const struct ctl_route *r = tables[t]; r->method; r++) {
            if (strcmp(r->path, req->path) != 0)
                continue;
            path_known = 1;
            if (strcmp(r->method, req->method) == 0) {
                c->status = 200;
                r->handler(c, req);
                goto reply;
            }
        }
    }
    if (path_known)
        ctl_fail(c, 405, "MethodNotAllowed", "method not allowed on this path");
    else
        ctl_fail(c, 404, "NotFound", "no such control endpoint");
reply:
    if (c->content_type && c->status == 200)
        return; /* the handler wrote a body of its own (not JSON) */
    buf_reset(&c->body);
    c->content_type = "application/json";
    char *s = c->out ? cJSON_PrintUnformatted(c->out) : NULL;
    buf_puts(&c->body, s ? s : "{}");
    buf_putc(&c->body, '\n');
    cJSON_free(s);
}

void control_app_handle(struct call *c, const struct http_request *req)
{
    c->content_type = "application/json";
    char *body = NULL;
    if (select_team(c, req) != SIM_OK) {
        c->content_type = NULL;
        goto reply;
    }
    c->now_ms = team_now_ms(c->team);
    if (strcmp(req->path, "/db") != 0 && strcmp(req->path, "/health") != 0) {
        c->status = 404;
        body = xstrdup("{\"status\":404,\"error\":\"not found\"}");
    } else if (strcmp(req->method, "GET") != 0) {
        c->status = 405;
        body = xstrdup("{\"status\":405,\"error\":\"method not allowed\"}");
    } else if (world_app_request(c->sim, c->team, req->path, &c->status, &body) != 0) {
        c->status = 503;
        body = xstrdup("{\"status\":503,\"error\":\"the app is not deployed: start a fixture or "
                       "a scenario\"}");
    }
reply:
    if (c->content_type == NULL) {
        /* select_team failed: its error, as JSON */
        c->content_type = "application/json";
        char *s = c->out ? cJSON_PrintUnformatted(c->out) : NULL;
        buf_reset(&c->body);
        buf_puts(&c->body, s ? s : "{}");
        buf_putc(&c->body, '\n');
        cJSON_free(s);
        return;
    }
    buf_reset(&c->body);
    buf_puts(&c->body, body);
    buf_putc(&c->body, '\n');
    free(body);
}
