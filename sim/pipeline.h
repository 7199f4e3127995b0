/*
 * pipeline.h - one AWS API request from routed HTTP request to encoded reply.
 *
 * Stages, in order (docs/style.md habit 2): route -> tenant -> lookup -> decode ->
 * validate -> call -> encode. A stage that rejects sets an AWS error on the call; the
 * error is then encoded by the request's codec, so every failure is AWS-shaped.
 */
#ifndef DRILLSIM_PIPELINE_H
#define DRILLSIM_PIPELINE_H

struct call;
struct http_request;

/* Runs the request; on return c->status, c->content_type, c->headers and c->body hold the
 * reply. Never fails: every problem becomes an error reply. */
void pipeline_run(struct call *c, const struct http_request *req);

#endif
