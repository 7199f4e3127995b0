/* cloudwatch.c - (skeleton; being written) */
#include "services/service.h"
#include "sim.h"

static const struct sim_op cloudwatch_ops[] = {
    {NULL, NULL, 0},
};

struct sim_service service_cloudwatch = {
    .name = "cloudwatch",
    .ops = cloudwatch_ops,
    .vstyle = VS_QUERY,
};
