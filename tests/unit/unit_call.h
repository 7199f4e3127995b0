/*
 * unit_call.h - a struct call bound to a real operation, for codec and validation tests.
 */
#ifndef DRILLSIM_UNIT_CALL_H
#define DRILLSIM_UNIT_CALL_H

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"
#include "t.h"

static struct sim unit_sim;

/* Prepares c as the pipeline leaves it before decoding a request of service:op. */
static inline void unit_call(struct call *c, const char *service, const char *op,
                             const struct proto_codec *codec)
{
    registry_init();
    call_init(c, &unit_sim);
    c->codec = codec;
    for (const struct sim_service *const *s = registry_services(); *s; s++) {
        if (strcmp((*s)->name, service) == 0)
            c->svc = *s;
    }
    T_ASSERT(c->svc != NULL);
    c->mop = model_op_by_name(c->svc->model, op);
    T_ASSERT(c->mop != NULL);
    snprintf(c->op_name, sizeof c->op_name, "%s", op);
    snprintf(c->request_id, sizeof c->request_id, "c0ffee00-0000-4000-8000-000000000001");
    snprintf(c->tenant.account, sizeof c->tenant.account, "000000000000");
    snprintf(c->tenant.region, sizeof c->tenant.region, "us-east-1");
}

/* Returns the value of reply header name, or NULL. */
static inline const char *unit_header(const struct call *c, const char *name)
{
    for (int i = 0; i < c->nheaders; i++) {
        if (strcasecmp(c->headers[i].name, name) == 0)
            return c->headers[i].value;
    }
    return NULL;
}

#endif
