/*
 * invoke.c - internal API calls through the service handlers (see invoke.h).
 */
#include "invoke.h"

#include <stdio.h>
#include <string.h>

#include "services/service.h"
#include "services/validate.h"
#include "sim.h"
#include "store/store.h"

static const struct sim_service *service_named(const char *name)
{
    const struct sim_service *const *all = registry_services();
    for (int i = 0; all[i]; i++) {
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    }
    return NULL;
}

static void fail(struct invoke_error *err, const char *code, const char *message)
{
    if (err == NULL)
        return;
    snprintf(err->code, sizeof err->code, "%s", code);
    snprintf(err->message, sizeof err->message, "%s", message ? message : "");
}

/* Runs the handler, in a savepoint when a transaction is open, else in its own one. */
static int run_handler(struct call *c)
{
    struct store *st = c->sim->store;
    int write = (c->op->flags & OP_WRITE) != 0;
    int nested = store_in_transaction(st);
    if (nested ? store_savepoint(st) != 0 : (write && store_begin(st) != 0))
        return call_error(c, "InternalFailure", "The store could not start a transaction");
    int rc = c->op->handler(c);
    if (nested) {
        if (store_savepoint_end(st, rc == SIM_OK) != 0)
            return call_error(c, "InternalFailure", "The store could not end a savepoint");
        return rc == SIM_OK ? SIM_OK : SIM_ERROR;
    }
    if (!write)
        return rc == SIM_OK ? SIM_OK : SIM_ERROR;
    if (rc != SIM_OK) {
        store_rollback(st);
        return SIM_ERROR;
    }
    if (team_save(c->sim, c->team) != 0 || store_commit(st) != 0)
        return call_error(c, "InternalFailure", "The store could not commit the change");
    return SIM_OK;
}

int invoke(struct sim *sim, struct team *team, const char *region, const char *service,
           const char *op, const cJSON *in, cJSON **out, struct invoke_error *err)
{
    if (out)
        *out = NULL;
    const struct sim_service *svc = service_named(service);
    if (svc == NULL) {
        fail(err, "UnknownService", service);
        return -1;
    }
    struct call c;
    call_init(&c, sim);
    c.svc = svc;
    snprintf(c.op_name, sizeof c.op_name, "%s", op);
    c.mop = model_op_by_name(svc->model, op);
    c.op = c.mop ? registry_op(svc, op) : NULL;
    int rc = -1;
    if (c.op == NULL) {
        fail(err, "UnknownOperationException", op);
        goto out;
    }
    snprintf(c.tenant.account, sizeof c.tenant.account, "%s", team->account);
    snprintf(c.tenant.region, sizeof c.tenant.region, "%s",
             svc->model->global ? DEFAULT_REGION : region);
    snprintf(c.tenant.access_key, sizeof c.tenant.access_key, "drillsim-internal");
    snprintf(c.tenant.signing_service, sizeof c.tenant.signing_service, "%s",
             svc->model->signing_name);
    c.tenant.is_signed = 1;
    c.team = team;
    c.now_ms = team_now_ms(team);
    rng_uuid(&sim->ids, c.request_id);
    c.in = in ? cJSON_Duplicate(in, 1) : cJSON_CreateObject();
    if (validate_input(&c) != SIM_OK || run_handler(&c) != SIM_OK) {
        fail(err, c.err.set ? c.err.code : "InternalFailure", c.err.message);
        goto out;
    }
    if (out) {
        *out = c.out ? c.out : cJSON_CreateObject();
        c.out = NULL;
    }
    rc = 0;
out:
    call_free(&c);
    return rc;
}
