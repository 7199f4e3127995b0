/*
 * cloudwatch_int.h - private to the CloudWatch service files.
 *
 * CloudWatch is one service split by concern: cloudwatch.c (PutMetricData, ListMetrics and
 * the op table), cloudwatch_stats.c (GetMetricStatistics, GetMetricData), cloudwatch_alarms.c
 * (alarms, composite alarms, history, alarm tags), cloudwatch_dashboards.c (dashboards).
 * The handlers outside cloudwatch.c are declared here so the one op table can name them.
 */
#ifndef DRILLSIM_CLOUDWATCH_INT_H
#define DRILLSIM_CLOUDWATCH_INT_H

struct call;

/* cloudwatch_stats.c */
int cw_op_GetMetricStatistics(struct call *c);
int cw_op_GetMetricData(struct call *c);

/* cloudwatch_inject.c: POST /_drill/metrics. Stores the datums of body (PutMetricData's
 * JSON input, any namespace) for c->tenant at c->now_ms in one transaction. Returns how
 * many, or -1 with *error set (the caller frees it). */
struct cJSON;
int cw_inject_metrics(struct call *c, const struct cJSON *body, char **error);

/* cloudwatch_alarms.c */
int cw_op_PutMetricAlarm(struct call *c);
int cw_op_PutCompositeAlarm(struct call *c);
int cw_op_DescribeAlarms(struct call *c);
int cw_op_DescribeAlarmsForMetric(struct call *c);
int cw_op_DeleteAlarms(struct call *c);
int cw_op_SetAlarmState(struct call *c);
int cw_op_EnableAlarmActions(struct call *c);
int cw_op_DisableAlarmActions(struct call *c);
int cw_op_DescribeAlarmHistory(struct call *c);
int cw_op_TagResource(struct call *c);
int cw_op_UntagResource(struct call *c);
int cw_op_ListTagsForResource(struct call *c);

/* cloudwatch_dashboards.c */
int cw_op_PutDashboard(struct call *c);
int cw_op_GetDashboard(struct call *c);
int cw_op_ListDashboards(struct call *c);
int cw_op_DeleteDashboards(struct call *c);

#endif
