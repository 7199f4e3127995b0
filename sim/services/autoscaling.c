/* autoscaling.c - (skeleton; being written) */
#include "services/service.h"
#include "sim.h"

static const struct sim_op autoscaling_ops[] = {
    {NULL, NULL, 0},
};

struct sim_service service_autoscaling = {
    .name = "application-autoscaling",
    .ops = autoscaling_ops,
    .vstyle = VS_CORAL,
};
