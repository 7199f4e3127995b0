/*
 * http.h - the HTTP front: libmicrohttpd driven from the libuv loop.
 *
 * libmicrohttpd runs in external-event-loop mode with epoll: its epoll fd sits in a uv_poll_t
 * and a uv_timer_t is armed from MHD_get_timeout(), so every request is processed on the loop
 * thread that owns the store (docs/style.md habit 1). Request bodies are assembled up to a
 * hard cap (also applied after gzip decompression); past it the request gets an AWS-shaped
 * RequestEntityTooLarge. Idle and half-sent connections time out.
 */
#ifndef DRILLSIM_HTTP_H
#define DRILLSIM_HTTP_H

#include <uv.h>

struct sim;
struct http_server;

/* Starts listening on sim->opt.host:port. Returns 0 and sets *out, or -1 with *cause set
 * (caller frees). */
int http_start(struct sim *sim, uv_loop_t *loop, struct http_server **out, char **cause);
/* Starts the app's endpoint (--app-port) on sim->opt.host:port: every request goes to
 * control_app_handle (the simulated app's /db and /health). Returns 0 or -1 as http_start. */
int http_start_app(struct sim *sim, uv_loop_t *loop, int port, struct http_server **out,
                   char **cause);
/* The port actually bound (useful with --port 0). */
int http_port(const struct http_server *h);
/* Stops accepting, closes every connection and frees h; the uv handles are closed
 * asynchronously, so run the loop once more afterwards. */
void http_stop(struct http_server *h);

#endif
