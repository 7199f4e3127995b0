/* secretsmanager.c - (skeleton; being written) */
#include "services/service.h"
#include "sim.h"

static const struct sim_op secretsmanager_ops[] = {
    {NULL, NULL, 0},
};

struct sim_service service_secretsmanager = {
    .name = "secretsmanager",
    .ops = secretsmanager_ops,
    .vstyle = VS_CORAL,
};
