/*
 * logs.h - CloudWatch Logs on the clock: log-group retention enforced on sim time.
 *
 * Once a minute of sim time (the {"logs", 60, logs_tick} row of engine.c's step table), the
 * events of the team's log groups that are older than the group's retentionInDays disappear,
 * as AWS deletes expired log events. The store keeps, per group, when its oldest event
 * expires (logs_groups.expire_ms), so an idle tick is one index look-up.
 */
#ifndef DRILLSIM_ENGINE_LOGS_H
#define DRILLSIM_ENGINE_LOGS_H

struct tick;

/* The tick sub-step: deletes the expired events of the team's groups. Returns 0 or -1. */
int logs_tick(struct tick *t);

#endif
