/* ssm.c - (skeleton; being written) */
#include "services/service.h"
#include "sim.h"

static const struct sim_op ssm_ops[] = {
    {NULL, NULL, 0},
};

struct sim_service service_ssm = {
    .name = "ssm",
    .ops = ssm_ops,
    .vstyle = VS_CORAL,
};
