/*
 * fuzz_common.h - shared set-up for the libFuzzer drivers: a struct call bound to a real
 * operation of a real service, as the pipeline would leave it before decoding.
 */
#ifndef DRILLSIM_FUZZ_COMMON_H
#define DRILLSIM_FUZZ_COMMON_H

#include <stdio.h>
#include <string.h>

#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"

static struct sim fuzz_sim;

/* Prepares c for decoding a request of service:op with codec. Returns 0 or -1. */
static inline int fuzz_call_setup(struct call *c, const char *service, const char *op,
                                  const struct proto_codec *codec)
{
    static int inited;
    if (!inited) {
        registry_init();
        inited = 1;
    }
    call_init(c, &fuzz_sim);
    c->codec = codec;
    for (const struct sim_service *const *s = registry_services(); *s; s++) {
        if (strcmp((*s)->name, service) == 0)
            c->svc = *s;
    }
    if (c->svc == NULL)
        return -1;
    c->mop = model_op_by_name(c->svc->model, op);
    c->op = registry_op(c->svc, op);
    snprintf(c->op_name, sizeof c->op_name, "%s", op);
    return c->mop ? 0 : -1;
}

#endif
