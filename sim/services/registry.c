/*
 * registry.c - every service drillsim answers, and the (service, operation) -> handler index.
 *
 * registry_init() binds each service to its generated model, checks that every op row has a
 * model entry (a row without one is a build mistake and aborts at start), and hashes the rows
 * so that lookups on the request path are one probe.
 */
#include "services/service.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern struct sim_service service_autoscaling;
extern struct sim_service service_cloudwatch;
extern struct sim_service service_ec2;
extern struct sim_service service_ecs;
extern struct sim_service service_iam;
extern struct sim_service service_logs;
extern struct sim_service service_rds;
extern struct sim_service service_secretsmanager;
extern struct sim_service service_sns;
extern struct sim_service service_ssm;
extern struct sim_service service_sts;

static struct sim_service *const services[] = {
    &service_autoscaling,
    &service_cloudwatch,
    &service_ec2,
    &service_ecs,
    &service_iam,
    &service_logs,
    &service_rds,
    &service_secretsmanager,
    &service_sns,
    &service_ssm,
    &service_sts,
    NULL,
};

#define OP_SLOTS 1024 /* power of two, well above the number of operations */

static struct {
    const struct sim_service *svc;
    const struct sim_op *op;
} slots[OP_SLOTS];

static uint32_t hash_name(const struct sim_service *svc, const char *op)
{
    uint32_t h = 2166136261u ^ (uint32_t)(uintptr_t)svc;
    for (const unsigned char *p = (const unsigned char *)op; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

void registry_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    for (int i = 0; services[i]; i++) {
        struct sim_service *svc = services[i];
        svc->model = model_service_by_name(svc->name);
        if (svc->model == NULL) {
            fprintf(stderr, "drillsim: no model for service %s\n", svc->name);
            abort();
        }
        for (const struct sim_op *op = svc->ops; op->name; op++) {
            if (model_op_by_name(svc->model, op->name) == NULL) {
                fprintf(stderr, "drillsim: %s:%s has no model entry (add it to ops.json)\n",
                        svc->name, op->name);
                abort();
            }
            uint32_t h = hash_name(svc, op->name) & (OP_SLOTS - 1);
            while (slots[h].op)
                h = (h + 1) & (OP_SLOTS - 1);
            slots[h].svc = svc;
            slots[h].op = op;
        }
    }
}

const struct sim_service *const *registry_services(void)
{
    return (const struct sim_service *const *)services;
}

const struct sim_op *registry_op(const struct sim_service *svc, const char *op)
{
    uint32_t h = hash_name(svc, op) & (OP_SLOTS - 1);
    while (slots[h].op) {
        if (slots[h].svc == svc && strcmp(slots[h].op->name, op) == 0)
            return slots[h].op;
        h = (h + 1) & (OP_SLOTS - 1);
    }
    return NULL;
}

const struct sim_service *registry_by_target_prefix(const char *prefix, size_t len)
{
    for (int i = 0; services[i]; i++) {
        const char *tp = services[i]->model->target_prefix;
        if (tp && strlen(tp) == len && memcmp(tp, prefix, len) == 0)
            return services[i];
    }
    return NULL;
}

const struct sim_service *registry_by_cbor_name(const char *name, size_t len)
{
    for (int i = 0; services[i]; i++) {
        const struct model_service *m = services[i]->model;
        if ((m->protocols & MP_CBOR) && m->target_prefix && strlen(m->target_prefix) == len &&
            memcmp(m->target_prefix, name, len) == 0)
            return services[i];
    }
    return NULL;
}

const struct sim_service *registry_by_query_version(const char *version)
{
    for (int i = 0; services[i]; i++) {
        const struct model_service *m = services[i]->model;
        if ((m->protocols & (MP_QUERY | MP_EC2)) && strcmp(m->api_version, version) == 0)
            return services[i];
    }
    return NULL;
}

const struct sim_service *registry_by_signing_name(const char *name)
{
    for (int i = 0; services[i]; i++) {
        if (strcmp(services[i]->model->signing_name, name) == 0)
            return services[i];
    }
    return NULL;
}
