/*
 * report_int.h - the drill report's parts (sim/control/report*.c): the judgement of single API
 * calls (runbook steps, hints, diagnostic / remediation / drastic), the score, and rendering.
 *
 * report_score.c is pure (no store, no clock): unit tests call it directly
 * (tests/unit/control/report.c). report.c gathers the data and builds the JSON;
 * report_render.c turns that JSON into Markdown or HTML.
 *
 * To map another runbook command: add a row to report_runbook_step(); to recognise another
 * runbook mistake: add a case to report_hint() and document it in the README.
 */
#ifndef DRILLSIM_CONTROL_REPORT_INT_H
#define DRILLSIM_CONTROL_REPORT_INT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

/* One journaled API call as the report reads it. */
struct rpt_call {
    int64_t sim_ms;
    const char *service;
    const char *operation;
    const cJSON *params; /* the key parameters (never NULL) */
    int status;
    const char *error;   /* NULL on success */
    const char *message; /* NULL on success */
    int attempt;
    int mutated;
};

/* The runbook's steps (/work/shared/seed/connection-exhaustion-runbook.md) in its order: the
 * step's name and its command (short form, {env} unfilled); ends with {NULL, NULL}. */
struct rpt_step {
    const char *step;
    const char *command;
};
extern const struct rpt_step report_runbook[];

/* The runbook step that call e is (one of report_runbook's step strings), or NULL. */
const char *report_runbook_step(const struct rpt_call *e);

/* A hint when e shows a known runbook mistake, as a new object {"kind", "problem", "fix",
 * "commands": [...]} (caller deletes), or NULL. env fills the fix's commands. Kinds:
 * "comma-statistics", "date-only-window", "placeholder-arns". */
cJSON *report_hint(const struct rpt_call *e, const char *env);

/* 1 when e is a look at the system (a read: describe, get, list, query). */
int report_is_diagnostic(const struct rpt_call *e);
/* 1 when e changed the world in a way that acts on the incident (ssm, ecs, rds, scaling). */
int report_is_remediation(const struct rpt_call *e);
/* 1 when e is a drastic action: a restart, a scale change, a reboot or failover, a change of
 * the failure mode or of the scaling policy. */
int report_is_drastic(const struct rpt_call *e);

/* The inputs of the score (README, "Drill reports and scores"). */
struct rpt_score_in {
    int has_fault;          /* the scenario injected a fault (not calm) */
    int root_fixed;         /* the scenario's root_cause checks hold */
    double ttd_s;           /* time to detect, seconds; < 0 = never */
    double ttm_s;           /* time to mitigate, seconds; < 0 = never */
    double detect_within_s; /* the scenario's targets */
    double mitigate_within_s;
    int objectives_met;
    int objectives_total;
};

/* Points for a time t against target: full at or under target, falling linearly to 0 at three
 * times target; 0 when t < 0 (never). */
double report_time_points(double t, double target, double full);

/* The score 0..100 of in; adds its parts to explain (an object) when not NULL. */
int report_score(const struct rpt_score_in *in, cJSON *explain);

/* Renders report (the JSON of GET /_drill/report) as Markdown or a self-contained HTML page
 * into out. */
void report_render_md(const cJSON *report, struct buf *out);
void report_render_html(const cJSON *report, struct buf *out);

#endif
