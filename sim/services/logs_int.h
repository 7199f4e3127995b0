/*
 * logs_int.h - private to the CloudWatch Logs service files.
 *
 * Logs is one service split by concern: logs.c (groups, streams, events, FilterLogEvents,
 * tags, and the op table) and logs_insights.c (StartQuery, GetQueryResults, StopQuery,
 * DescribeQueries, GetLogRecord: the Logs Insights API over sim/insights/).
 */
#ifndef DRILLSIM_LOGS_INT_H
#define DRILLSIM_LOGS_INT_H

struct call;

/* logs_insights.c */
int logs_op_StartQuery(struct call *c);
int logs_op_GetQueryResults(struct call *c);
int logs_op_StopQuery(struct call *c);
int logs_op_DescribeQueries(struct call *c);
int logs_op_GetLogRecord(struct call *c);

#endif
