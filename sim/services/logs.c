/* logs.c - CloudWatch Logs (skeleton; being written). */
#include "services/logs_int.h"
#include "services/service.h"
#include "sim.h"

static const struct sim_op logs_ops[] = {
    /* logs_insights.c */
    {"StartQuery", logs_op_StartQuery, OP_WRITE},
    {"GetQueryResults", logs_op_GetQueryResults, OP_READ},
    {"StopQuery", logs_op_StopQuery, OP_WRITE},
    {"DescribeQueries", logs_op_DescribeQueries, OP_READ},
    {"GetLogRecord", logs_op_GetLogRecord, OP_READ},
    {NULL, NULL, 0},
};

struct sim_service service_logs = {
    .name = "logs",
    .ops = logs_ops,
    .vstyle = VS_CORAL,
};
