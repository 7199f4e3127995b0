/* cloudwatch_dashboards.c - dashboards (skeleton; being written). */
#include "services/cloudwatch_int.h"
#include "sim.h"

int cw_op_PutDashboard(struct call *c)
{
    return call_error(c, "InternalFailure", "PutDashboard is not implemented yet");
}

int cw_op_GetDashboard(struct call *c)
{
    return call_error(c, "InternalFailure", "GetDashboard is not implemented yet");
}

int cw_op_ListDashboards(struct call *c)
{
    return call_error(c, "InternalFailure", "ListDashboards is not implemented yet");
}

int cw_op_DeleteDashboards(struct call *c)
{
    return call_error(c, "InternalFailure", "DeleteDashboards is not implemented yet");
}
