/* sns.c - (skeleton; being written) */
#include "services/service.h"
#include "sim.h"

static const struct sim_op sns_ops[] = {
    {NULL, NULL, 0},
};

struct sim_service service_sns = {
    .name = "sns",
    .ops = sns_ops,
    .vstyle = VS_QUERY,
};
