/* ec2.c - (skeleton; being written) */
#include "services/service.h"
#include "sim.h"

static const struct sim_op ec2_ops[] = {
    {NULL, NULL, 0},
};

struct sim_service service_ec2 = {
    .name = "ec2",
    .ops = ec2_ops,
    .vstyle = VS_QUERY,
};
