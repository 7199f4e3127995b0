/* logs_insights.c - the Logs Insights API (skeleton; being written). */
#include "services/logs_int.h"
#include "sim.h"

int logs_op_StartQuery(struct call *c)
{
    return call_error(c, "InternalFailure", "StartQuery is not implemented yet");
}

int logs_op_GetQueryResults(struct call *c)
{
    return call_error(c, "InternalFailure", "GetQueryResults is not implemented yet");
}

int logs_op_StopQuery(struct call *c)
{
    return call_error(c, "InternalFailure", "StopQuery is not implemented yet");
}

int logs_op_DescribeQueries(struct call *c)
{
    return call_error(c, "InternalFailure", "DescribeQueries is not implemented yet");
}

int logs_op_GetLogRecord(struct call *c)
{
    return call_error(c, "InternalFailure", "GetLogRecord is not implemented yet");
}
