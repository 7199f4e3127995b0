/*
 * sts.c - AWS Security Token Service (awsQuery): who am I.
 *
 * GetCallerIdentity answers with the tenant's account (from the access key: a 12-digit key
 * is its own account, anything else the default account). drillsim has no IAM users, so the
 * caller is the account's root identity: Arn arn:aws:iam::ACCOUNT:root, UserId ACCOUNT, as
 * AWS answers for root credentials. No store tables.
 *
 * To add an operation: a row in the op table, a handler, ops.json, and a test.
 */
#include <stdio.h>

#include "services/service.h"
#include "sim.h"

static int op_GetCallerIdentity(struct call *c)
{
    char arn[64];
    snprintf(arn, sizeof arn, "arn:aws:iam::%s:root", c->tenant.account);
    c->out = cJSON_CreateObject();
    cJSON_AddStringToObject(c->out, "UserId", c->tenant.account);
    cJSON_AddStringToObject(c->out, "Account", c->tenant.account);
    cJSON_AddStringToObject(c->out, "Arn", arn);
    return SIM_OK;
}

static const struct sim_op sts_ops[] = {
    {"GetCallerIdentity", op_GetCallerIdentity, OP_READ},
    {NULL, NULL, 0},
};

struct sim_service service_sts = {
    .name = "sts",
    .ops = sts_ops,
    .vstyle = VS_QUERY,
};
