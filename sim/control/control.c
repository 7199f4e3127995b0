/*
 * control.c - the /_drill/ control API (see control.h).
 *
 * To add an endpoint: write a `static int ctl_<name>(struct call *c, const struct
 * http_request *req)` that fills c->out (a JSON object) or calls ctl_fail(), and add a row
 * { method, path, handler } to the table at the end.
 */
#include "control/control.h"

#include <stdio.h>
#include <string.h>

#include "http/route.h"
#include "services/service.h"
#include "sim.h"
#include "store/store.h"
#include "util/timefmt.h"

static int ctl_fail(struct call *c, int status, const char *code, const char *message)
{
    c->status = status;
    cJSON_Delete(c->out);
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "error", code);
    cJSON_AddStringToObject(c->out, "message", message);
    return SIM_ERROR;
}

static int ctl_health(struct call *c, const struct http_request *req)
{
    (void)req;
    struct sim *sim = c->sim;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddStringToObject(o, "version", DRILLSIM_VERSION);
    cJSON_AddStringToObject(o, "data", sim->opt.data_path);
    int64_t now = clock_now_ms(&sim->clock);
    char iso[40];
    timefmt_iso8601((double)now / 1000.0, iso);
    cJSON *clock = cJSON_AddObjectToObject(o, "clock");
    cJSON_AddStringToObject(clock, "mode", sim->clock.mode == SIMCLOCK_MANUAL ? "manual" : "realtime");
    cJSON_AddStringToObject(clock, "now", iso);
    cJSON_AddNumberToObject(o, "uptimeSeconds", (double)(now - sim->started_ms) / 1000.0);
    cJSON *stats = cJSON_AddObjectToObject(o, "requests");
    cJSON_AddNumberToObject(stats, "total", (double)sim->stats.requests);
    cJSON_AddNumberToObject(stats, "clientErrors", (double)sim->stats.errors_4xx);
    cJSON_AddNumberToObject(stats, "serverErrors", (double)sim->stats.errors_5xx);
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
        cJSON *ops = cJSON_AddArrayToObject(s, "operations");
        for (const struct sim_op *op = svc->ops; op->name; op++) {
            if (!(op->flags & OP_INTERNAL))
                cJSON_AddItemToArray(ops, cJSON_CreateString(op->name));
        }
    }
    c->out = o;
    return SIM_OK;
}

static int ctl_reset(struct call *c, const struct http_request *req)
{
    (void)req;
    if (store_reset(c->sim->store) != 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not be reset");
    c->out = cJSON_CreateObject();
    cJSON_AddBoolToObject(c->out, "reset", 1);
    return SIM_OK;
}

static const struct {
    const char *method;
    const char *path;
    int (*handler)(struct call *c, const struct http_request *req);
} routes[] = {
    {"GET", "/_drill/health", ctl_health},
    {"POST", "/_drill/reset", ctl_reset},
    {NULL, NULL, NULL},
};

void control_handle(struct call *c, const struct http_request *req)
{
    int path_known = 0;
    c->now_ms = clock_now_ms(&c->sim->clock);
    for (int i = 0; routes[i].method; i++) {
        if (strcmp(routes[i].path, req->path) != 0)
            continue;
        path_known = 1;
        if (strcmp(routes[i].method, req->method) == 0) {
            c->status = 200;
            routes[i].handler(c, req);
            goto reply;
        }
    }
    if (path_known)
        ctl_fail(c, 405, "MethodNotAllowed", "method not allowed on this path");
    else
        ctl_fail(c, 404, "NotFound", "no such control endpoint");
reply:
    c->content_type = "application/json";
    char *s = c->out ? cJSON_PrintUnformatted(c->out) : NULL;
    buf_puts(&c->body, s ? s : "{}");
    buf_putc(&c->body, '\n');
    cJSON_free(s);
}
