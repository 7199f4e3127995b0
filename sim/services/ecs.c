/* ecs.c - (skeleton; being written) */
#include "services/service.h"
#include "sim.h"

static const struct sim_op ecs_ops[] = {
    {NULL, NULL, 0},
};

struct sim_service service_ecs = {
    .name = "ecs",
    .ops = ecs_ops,
    .vstyle = VS_CORAL,
};
