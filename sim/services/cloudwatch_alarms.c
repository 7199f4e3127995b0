/* cloudwatch_alarms.c - alarms (skeleton; being written). */
#include "services/cloudwatch_int.h"
#include "sim.h"

int cw_op_PutMetricAlarm(struct call *c)
{
    return call_error(c, "InternalFailure", "PutMetricAlarm is not implemented yet");
}

int cw_op_PutCompositeAlarm(struct call *c)
{
    return call_error(c, "InternalFailure", "PutCompositeAlarm is not implemented yet");
}

int cw_op_DescribeAlarms(struct call *c)
{
    return call_error(c, "InternalFailure", "DescribeAlarms is not implemented yet");
}

int cw_op_DescribeAlarmsForMetric(struct call *c)
{
    return call_error(c, "InternalFailure", "DescribeAlarmsForMetric is not implemented yet");
}

int cw_op_DeleteAlarms(struct call *c)
{
    return call_error(c, "InternalFailure", "DeleteAlarms is not implemented yet");
}

int cw_op_SetAlarmState(struct call *c)
{
    return call_error(c, "InternalFailure", "SetAlarmState is not implemented yet");
}

int cw_op_EnableAlarmActions(struct call *c)
{
    return call_error(c, "InternalFailure", "EnableAlarmActions is not implemented yet");
}

int cw_op_DisableAlarmActions(struct call *c)
{
    return call_error(c, "InternalFailure", "DisableAlarmActions is not implemented yet");
}

int cw_op_DescribeAlarmHistory(struct call *c)
{
    return call_error(c, "InternalFailure", "DescribeAlarmHistory is not implemented yet");
}

int cw_op_TagResource(struct call *c)
{
    return call_error(c, "InternalFailure", "TagResource is not implemented yet");
}

int cw_op_UntagResource(struct call *c)
{
    return call_error(c, "InternalFailure", "UntagResource is not implemented yet");
}

int cw_op_ListTagsForResource(struct call *c)
{
    return call_error(c, "InternalFailure", "ListTagsForResource is not implemented yet");
}
