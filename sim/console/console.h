/*
 * console.h - the web console: server-rendered HTML pages under /console/ on drillsim's own
 * port (sim/http/http.c routes every /console path here).
 *
 * Pages: /console/ (home), /console/dashboards, /console/dashboards/NAME?range=15m|1h|3h|12h,
 * /console/alarms, and the embedded assets /console/assets/console.css and console.js.
 * ?team=ACCOUNT selects the team as the control API does (default 000000000000).
 */
#ifndef DRILLSIM_CONSOLE_H
#define DRILLSIM_CONSOLE_H

struct call;
struct http_request;

/* Answers one /console request: sets c->status, c->content_type and c->body (HTML, CSS or
 * JavaScript). Never fails: an unknown page or a bad argument is an HTML error page. */
void console_handle(struct call *c, const struct http_request *req);

#endif
