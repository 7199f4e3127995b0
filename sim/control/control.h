/*
 * control.h - the drillsim control API under /_drill/ (JSON in, JSON out).
 *
 * Implemented now: GET /_drill/health (status, version, clock, and every service with its
 * operations) and POST /_drill/reset (deletes every row of every table). Later issues add the
 * clock, scenarios, chaos rules, the journal and snapshots here, each as a row of the table
 * at the end of control.c.
 */
#ifndef DRILLSIM_CONTROL_H
#define DRILLSIM_CONTROL_H

struct call;
struct http_request;

/* Handles a /_drill/ request; the reply is left in c (status, content type, body). */
void control_handle(struct call *c, const struct http_request *req);
/* Serves one request to the simulated app (the --app-port listener): GET /db and GET /health
 * of the default team's app, ?team=ACCOUNT for another's; the status and JSON body are the
 * world model's answer for a request at this instant. */
void control_app_handle(struct call *c, const struct http_request *req);

#endif
