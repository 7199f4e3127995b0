/* iam.c - (skeleton; being written) */
#include "services/service.h"
#include "sim.h"

static const struct sim_op iam_ops[] = {
    {NULL, NULL, 0},
};

struct sim_service service_iam = {
    .name = "iam",
    .ops = iam_ops,
    .vstyle = VS_CORAL_QUERY,
};
