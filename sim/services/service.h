/*
 * service.h - how a service module describes itself to the registry.
 *
 * Each service file (sim/services/ssm.c, ...) ends with one const op table, rows
 * { "PutParameter", op_PutParameter, OP_WRITE }, terminated by a NULL row, and exports a
 * struct sim_service naming its model. The registry (registry.c) indexes all of them; the
 * flags drive the generic code: OP_WRITE runs the handler inside a store transaction that is
 * committed before the reply is sent, so an acknowledged write is durable.
 *
 * To add a service: write sim/services/<name>.c with its op table and sim_service, list it in
 * registry.c, and add its operations to sim/services/models/ops.json.
 */
#ifndef DRILLSIM_SERVICE_H
#define DRILLSIM_SERVICE_H

#include "services/model.h"

struct call;

typedef int (*sim_handler)(struct call *c);

#define OP_READ 0x01
#define OP_WRITE 0x02
#define OP_INTERNAL 0x04

struct sim_op {
    const char *name;
    sim_handler handler;
    unsigned flags;
};

/* How the service words input validation errors (see validate.c). */
enum validation_style {
    VS_CORAL, /* ValidationException "1 validation error detected: Value ... at 'x' ..." */
    VS_QUERY, /* MissingParameter / InvalidParameterValue "The parameter X ..." */
    VS_CORAL_IPE, /* the VS_CORAL wording as InvalidParameterException (ECS) */
    VS_CORAL_QUERY, /* the VS_CORAL wording as ValidationError (SNS, a coral service on query) */
};

struct sim_service {
    const char *name; /* model name: "ssm", "cloudwatch" */
    const struct sim_op *ops;
    enum validation_style vstyle;
    const struct model_service *model; /* filled in by the registry */
};

/* Registry (registry.c). */
void registry_init(void);
/* The services, NULL-terminated. */
const struct sim_service *const *registry_services(void);
const struct sim_service *registry_by_target_prefix(const char *prefix, size_t len);
const struct sim_service *registry_by_cbor_name(const char *name, size_t len);
const struct sim_service *registry_by_query_version(const char *version);
const struct sim_service *registry_by_signing_name(const char *name);
const struct sim_op *registry_op(const struct sim_service *svc, const char *op);

#endif
