/*
 * pipeline.c - the request pipeline (see pipeline.h).
 */
#include "pipeline.h"

#include <string.h>

#include "control/chaos.h"
#include "control/journal.h"
#include "http/route.h"
#include "protocol/proto.h"
#include "services/service.h"
#include "services/validate.h"
#include "sim.h"
#include "store/store.h"

static int stage_lookup(struct call *c)
{
    c->mop = model_op_by_name(c->svc->model, c->op_name);
    c->op = c->mop ? registry_op(c->svc, c->op_name) : NULL;
    if (c->op && !(c->op->flags & OP_INTERNAL))
        return SIM_OK;
    c->mop = NULL;
    c->op = NULL;
    if (c->codec == &proto_query || c->codec == &proto_ec2)
        return call_error(c, "InvalidAction", "The action %s is not valid for this web service.",
                          c->op_name);
    return call_error(c, "UnknownOperationException", NULL);
}

static int stage_call(struct call *c)
{
    struct store *st = c->sim->store;
    int write = (c->op->flags & OP_WRITE) != 0;
    if (write && store_begin(st) != 0)
        return call_error(c, "InternalFailure", "The store could not start a transaction");
    int rc = c->op->handler(c);
    if (!write)
        return rc == SIM_OK ? SIM_OK : SIM_ERROR;
    if (rc != SIM_OK) {
        store_rollback(st);
        return SIM_ERROR;
    }
    /* the team's generators moved; keep them with the write they produced */
    if (team_save(c->sim, c->team) != 0 || store_commit(st) != 0)
        return call_error(c, "InternalFailure", "The store could not commit the change");
    return SIM_OK;
}

static int run_stages(struct call *c, const struct http_request *req)
{
    int routed = route_request(c, req);
    /* the tenant is known even when routing failed: its team gives the time and the ids */
    c->team = team_get(c->sim, c->tenant.account);
    if (c->team == NULL) {
        rng_uuid(&c->sim->ids, c->request_id);
        return call_error(c, "ServiceUnavailable", "drillsim serves at most %d teams (accounts)",
                          TEAM_MAX);
    }
    c->now_ms = team_now_ms(c->team);
    rng_uuid(&c->team->ids, c->request_id);
    if (routed != SIM_OK)
        return SIM_ERROR;
    if (req->body_error)
        return call_error(c, req->body_error, "%s",
                          req->body_error_message ? req->body_error_message : "");
    if (stage_lookup(c) != SIM_OK)
        return SIM_ERROR;
    if (chaos_apply(c) != SIM_OK)
        return SIM_ERROR;
    if (c->codec->decode(c, req->body, req->body_len) != SIM_OK)
        return SIM_ERROR;
    if (validate_input(c) != SIM_OK)
        return SIM_ERROR;
    if (stage_call(c) != SIM_OK)
        return SIM_ERROR;
    if (c->codec->encode_result(c) != SIM_OK)
        return SIM_ERROR;
    return SIM_OK;
}

void pipeline_run(struct call *c, const struct http_request *req)
{
    c->sim->stats.requests++;
    if (run_stages(c, req) != SIM_OK) {
        if (!c->err.set)
            call_error(c, "InternalFailure", "An internal error occurred");
        if (c->codec == NULL)
            c->codec = &proto_query;
        buf_reset(&c->body);
        c->codec->encode_error(c);
        if (c->status >= 500)
            c->sim->stats.errors_5xx++;
        else
            c->sim->stats.errors_4xx++;
    }
    journal_record(c, req);
}
