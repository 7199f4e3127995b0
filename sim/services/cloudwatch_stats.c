/* cloudwatch_stats.c - GetMetricStatistics and GetMetricData (skeleton; being written). */
#include "services/cloudwatch_int.h"
#include "sim.h"

int cw_op_GetMetricStatistics(struct call *c)
{
    return call_error(c, "InternalFailure", "GetMetricStatistics is not implemented yet");
}

int cw_op_GetMetricData(struct call *c)
{
    return call_error(c, "InternalFailure", "GetMetricData is not implemented yet");
}
