/*
 * control_int.h - shared by the files of the control API in sim/control/.
 *
 * Each file serves a group of /_drill/ endpoints with its own route table (a NULL-terminated
 * array of struct ctl_route), listed in `tables` in control.c. A handler fills c->out (a JSON
 * object) or calls ctl_fail(); c->team is the team ?team= selected, c->now_ms its sim time.
 * A handler that writes a body of its own (text, HTML) sets c->content_type and c->body.
 */
#ifndef DRILLSIM_CONTROL_INT_H
#define DRILLSIM_CONTROL_INT_H

#include <cjson/cJSON.h>

struct call;
struct http_request;
struct sim;
struct team;

struct ctl_route {
    const char *method;
    const char *path;
    int (*handler)(struct call *c, const struct http_request *req);
};

/* Records an error answer {"error": code, "message": message} with the HTTP status; returns
 * SIM_ERROR. */
int ctl_fail(struct call *c, int status, const char *code, const char *message);
/* Parses the request body as a JSON object (empty = {}); NULL after ctl_fail. The caller
 * deletes it. */
cJSON *ctl_body_json(struct call *c, const struct http_request *req);
/* The value of URL argument name, or NULL. */
const char *ctl_arg(const struct http_request *req, const char *name);
/* The team's clock as JSON: {"team", "mode", "paused", "now", "nowMs", "lastTickMs"}. */
cJSON *ctl_clock_json(const struct team *t);

/* The route tables (drill.c: scenarios, clock pause/resume, teams, reset). */
extern const struct ctl_route ctl_drill_routes[];
/* chaos.c: API chaos rules, LocalStack's Chaos API. */
extern const struct ctl_route ctl_chaos_routes[];
/* journal.c: the audit journal; report.c: the drill report. */
extern const struct ctl_route ctl_journal_routes[];
extern const struct ctl_route ctl_report_routes[];
/* The drill report of team's scenario as GET /_drill/report's JSON (a new object the caller
 * deletes), or NULL when the team has no scenario. Reads the journal as stored: flush it
 * first (journal_flush) to include the latest calls. */
cJSON *report_build(struct sim *sim, struct team *team);
/* snapshot.c: snapshots of teams. */
extern const struct ctl_route ctl_snapshot_routes[];

#endif
