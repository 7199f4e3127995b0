/*
 * outbound.h - HTTP requests drillsim makes itself (SNS deliveries), on the loop thread.
 *
 * libcurl's multi interface is driven from the libuv loop: every socket curl wants watched
 * gets a uv_poll_t, curl's timeout a uv_timer_t, and both feed curl_multi_socket_action(), so
 * a slow or silent endpoint never blocks the loop (docs/style.md habit 1). The number of
 * requests in flight is bounded (OUTBOUND_MAX_ACTIVE), so is the part of a response body that
 * is kept (OUTBOUND_KEEP_BODY) and read at all (OUTBOUND_MAX_BODY, past which the transfer is
 * aborted); every request has a total timeout. Only http:// and https:// URLs are accepted
 * and redirects are not followed; https verifies the peer against the system's CAs.
 *
 * A caller checks outbound_capacity(), submits, and gets exactly one done() callback per
 * accepted request: with the HTTP status, or with an error text (status 0), or with
 * cancelled=1 when drillsim stops first (the callback must then only free its argument).
 */
#ifndef DRILLSIM_OUTBOUND_H
#define DRILLSIM_OUTBOUND_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#define OUTBOUND_MAX_ACTIVE 32
#define OUTBOUND_KEEP_BODY 1024
#define OUTBOUND_MAX_BODY (1u << 20)
#define OUTBOUND_CONNECT_TIMEOUT_MS 5000

struct outbound_response {
    long status;           /* the HTTP status; 0 when no response arrived */
    const char *error;     /* NULL when a response arrived, else what went wrong */
    const char *body;      /* the first OUTBOUND_KEEP_BODY bytes of the body (NUL-terminated) */
    size_t body_len;
    int64_t elapsed_ms;    /* wall time the request took (for the record only) */
    int cancelled;         /* drillsim is stopping: free the argument and touch nothing */
};

typedef void (*outbound_done_fn)(void *arg, const struct outbound_response *r);

struct outbound_request {
    const char *method;                /* "POST" */
    const char *url;                   /* http:// or https:// */
    const char *const *headers;        /* "Name: value" lines, NULL-terminated; may be NULL */
    const char *body;                  /* copied; may be NULL */
    size_t body_len;
    long timeout_ms;                   /* the whole request */
    outbound_done_fn done;
    void *arg;
};

/* Initialises libcurl and the loop handles. Returns 0, or -1 when libcurl cannot start. */
int outbound_start(uv_loop_t *loop);
/* Aborts every request in flight (each done() is called with cancelled=1) and closes the
 * handles; run the loop once more afterwards so they finish closing. */
void outbound_stop(void);
/* How many more requests can be submitted now (0 when stopped). */
int outbound_capacity(void);
/* Starts a request. Returns 0 (done() will be called exactly once, never from inside this
 * call), or -1 when there is no capacity, the client is stopped or the URL's scheme is not
 * http/https (done() is not called). */
int outbound_submit(const struct outbound_request *req);

#endif
