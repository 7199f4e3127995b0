/*
 * logs_insights.h - the Logs Insights query runner: queries run in slices across loop turns.
 *
 * StartQuery (sim/services/logs_insights.c) compiles the query and queues it as Scheduled; an
 * idle handle on the loop then evaluates LOGS_INSIGHTS_SLICE events of one query per loop
 * turn (round robin), so a long query never stalls API calls or the engine tick. The first
 * slice makes it Running, the end of the scan Complete. Status moves by the progress of the
 * evaluation, not by sim time, so polling works under a manual clock.
 */
#ifndef DRILLSIM_LOGS_INSIGHTS_H
#define DRILLSIM_LOGS_INSIGHTS_H

#include <uv.h>

struct sim;

#define LOGS_INSIGHTS_SLICE 20000

/* Starts the runner on loop. Queries a previous run left Scheduled or Running (a restart on
 * the same --data) are compiled and queued again. Returns 0. */
int logs_insights_start(struct sim *sim, uv_loop_t *loop);
/* Stops the runner; running queries stay recorded as they are (resumed by the next start). */
void logs_insights_stop(void);
/* Runs one slice of up to max events of the next active query (what the idle handle does
 * each turn; tests call it directly). Returns the number of queries still active. */
int logs_insights_run_slice(struct sim *sim, int max);

#endif
