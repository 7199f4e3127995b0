/*
 * http.c - libmicrohttpd in external-loop mode on libuv (see http.h).
 *
 * A request goes: access_cb (first call: headers only; we size-check Content-Length and
 * may answer at once) -> access_cb with body chunks (appended up to the cap) -> access_cb
 * with no data (the body is complete: undo gzip, then hand the request to the control API or
 * the AWS pipeline) -> reply queued -> completed_cb frees the per-request state.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "console/console.h"
#include "control/control.h"
#include "http/route.h"
#include "pipeline.h"
#include "protocol/form.h"
#include "sim.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

#define CONNECTION_TIMEOUT_S 30
/*
 * A body over the cap is read and thrown away, then answered, so the client (which sends
 * its whole body before reading) sees the AWS-shaped 413 rather than a reset connection.
 * Past this much more, the reply goes out at once and the connection is closed.
 */
#define DISCARD_LIMIT (64u << 20)
#define CONNECTION_LIMIT 4096

struct delay;

struct http_server {
    struct sim *sim;
    int app; /* the app's endpoint (--app-port), not the AWS APIs */
    struct MHD_Daemon *d;
    uv_poll_t poll;
    uv_timer_t timer;
    int port;
    struct delay *delays; /* replies held by a chaos latency rule (suspended connections) */
};

struct req {
    struct buf body;
    int too_big;
    size_t discarded;
    int answered; /* a reply was queued before the body was complete */
    /* a reply held by chaos latency: built at once, queued when the delay's timer fires */
    struct MHD_Response *held;
    unsigned held_status;
    struct delay *delay; /* the running timer; NULL once it fired */
};

/*
 * A held reply's timer. The connection is suspended (MHD_suspend_connection) while it runs;
 * on_delay resumes it and MHD calls access_cb again, which queues r->held. Other requests go
 * on meanwhile: nothing sleeps.
 */
struct delay {
    uv_timer_t timer;
    struct http_server *h;
    struct MHD_Connection *mc;
    struct req *r; /* NULL when the request ended first */
    struct delay *next;
};

static const char *header_cb(void *ctx, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)ctx, MHD_HEADER_KIND, name);
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    form_add((struct form *)cls, key, value ? value : "");
    return MHD_YES;
}

/* Inflates a gzip body into out (bounded by its max). Returns 0, 1 if too large, -1 if
 * the data is not valid gzip. */
static int gunzip(const char *in, size_t n, struct buf *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return -1;
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)n;
    int rc;
    do {
        char *dst = buf_reserve(out, 65536);
        if (dst == NULL) {
            inflateEnd(&zs);
            return 1;
        }
        zs.next_out = (Bytef *)dst;
        zs.avail_out = 65536;
        rc = inflate(&zs, Z_NO_FLUSH);
        out->len += 65536 - zs.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&zs);
            return -1;
        }
        if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
            inflateEnd(&zs);
            return -1; /* truncated stream */
        }
    } while (rc != Z_STREAM_END);
    inflateEnd(&zs);
    if (out->p)
        out->p[out->len] = '\0';
    return 0;
}

/* Builds the reply of c (its body moves into the response). Returns it, or NULL. */
static struct MHD_Response *build_reply(struct call *c)
{
    size_t len;
    char *body = buf_steal(&c->body, &len);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(body);
        return NULL;
    }
    char date[40];
    /* the Date header is sim time too: the tenant's clock, once the call knows its tenant */
    timefmt_http_date(c->now_ms ? c->now_ms : clock_wall_ms(), date);
    MHD_add_response_header(resp, "Date", date);
    if (c->content_type)
        MHD_add_response_header(resp, "Content-Type", c->content_type);
    if (c->request_id[0])
        MHD_add_response_header(resp, "x-amzn-RequestId", c->request_id);
    for (int i = 0; i < c->nheaders; i++)
        MHD_add_response_header(resp, c->headers[i].name, c->headers[i].value);
    return resp;
}

static void delay_closed(uv_handle_t *handle)
{
    free(handle->data);
}

/* Unlinks d from its server's list and closes its timer (d is freed by the close). */
static void delay_end(struct delay *d)
{
    struct delay **pp = &d->h->delays;
    while (*pp && *pp != d)
        pp = &(*pp)->next;
    if (*pp)
        *pp = d->next;
    uv_timer_stop(&d->timer);
    uv_close((uv_handle_t *)&d->timer, delay_closed);
}

static void run_and_arm(struct http_server *h);

/* The held reply's time is up: resume the connection; access_cb then queues the reply. */
static void on_delay(uv_timer_t *t)
{
    struct delay *d = t->data;
    struct http_server *h = d->h;
    if (d->r) {
        d->r->delay = NULL;
        MHD_resume_connection(d->mc);
    }
    delay_end(d);
    run_and_arm(h);
}

/*
 * Queues c's reply on mc, or, when a chaos rule delays it (c->delay_ms), builds it now, holds
 * it in r and suspends the connection until a timer fires.
 */
static enum MHD_Result send_reply(struct http_server *h, struct MHD_Connection *mc,
                                  struct req *r, struct call *c)
{
    struct MHD_Response *resp = build_reply(c);
    if (resp == NULL)
        return MHD_NO;
    if (c->delay_ms > 0 && r != NULL) {
        struct delay *d = xcalloc(1, sizeof *d);
        d->h = h;
        d->mc = mc;
        d->r = r;
        d->next = h->delays;
        h->delays = d;
        uv_timer_init(h->timer.loop, &d->timer);
        d->timer.data = d;
        r->held = resp;
        r->held_status = (unsigned)c->status;
        r->delay = d;
        MHD_suspend_connection(mc);
        uv_timer_start(&d->timer, on_delay, (uint64_t)c->delay_ms, 0);
        return MHD_YES;
    }
    enum MHD_Result ret = MHD_queue_response(mc, (unsigned)c->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Builds the request view, runs it (control API or AWS pipeline) and queues the reply. */
static enum MHD_Result dispatch(struct http_server *h, struct MHD_Connection *mc,
                                const char *url, const char *method, struct req *r)
{
    struct form args;
    form_init(&args);
    MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, collect_arg, &args);
    struct http_request hr = {
        .method = method,
        .path = url,
        .url_args = &args,
        .header = header_cb,
        .ctx = mc,
        .body = r->body.p ? r->body.p : "",
        .body_len = r->body.len,
    };
    char limit_msg[96];
    snprintf(limit_msg, sizeof limit_msg, "Request size exceeded %zu bytes",
             h->sim->opt.max_body);
    struct buf inflated;
    buf_init(&inflated, h->sim->opt.max_body);
    const char *enc = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Encoding");
    if (r->too_big) {
        hr.body = "";
        hr.body_len = 0;
        hr.body_error = "RequestEntityTooLarge";
        hr.body_error_message = limit_msg;
    } else if (enc && strcasecmp(enc, "gzip") == 0) {
        int rc = gunzip(hr.body, hr.body_len, &inflated);
        hr.body = inflated.p ? inflated.p : "";
        hr.body_len = inflated.len;
        if (rc != 0) {
            hr.body = "";
            hr.body_len = 0;
            hr.body_error = rc > 0 ? "RequestEntityTooLarge" : "SerializationException";
            hr.body_error_message =
                rc > 0 ? limit_msg : "The request body is not valid gzip data";
        }
    } else if (enc && enc[0] && strcasecmp(enc, "identity") != 0) {
        hr.body_error = "UnsupportedContentEncoding";
        hr.body_error_message = "Only gzip and identity content encodings are supported";
    }
    struct call c;
    call_init(&c, h->sim);
    if (h->app)
        control_app_handle(&c, &hr);
    else if (strncmp(url, "/_drill/", 8) == 0 || strcmp(url, "/_drill") == 0 ||
             strncmp(url, "/_localstack/", 13) == 0)
        control_handle(&c, &hr);
    else if (strncmp(url, "/console/", 9) == 0 || strcmp(url, "/console") == 0)
        console_handle(&c, &hr);
    else
        pipeline_run(&c, &hr);
    enum MHD_Result ret = send_reply(h, mc, r, &c);
    call_free(&c);
    buf_free(&inflated);
    form_free(&args);
    return ret;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *mc, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls)
{
    (void)version;
    struct http_server *h = cls;
    struct req *r = *con_cls;
    if (r == NULL) {
        r = xcalloc(1, sizeof *r);
        buf_init(&r->body, h->sim->opt.max_body);
        *con_cls = r;
        const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
        unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
        if (declared > h->sim->opt.max_body)
            r->too_big = 1;
        if (declared > DISCARD_LIMIT) {
            /* Answer before reading the body; MHD closes the connection afterwards. */
            r->answered = 1;
            return dispatch(h, mc, url, method, r);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->too_big && buf_append(&r->body, upload_data, *upload_data_size) != 0) {
            r->too_big = 1;
            r->discarded = r->body.len;
            buf_free(&r->body);
        }
        if (r->too_big)
            r->discarded += *upload_data_size;
        *upload_data_size = 0;
        if (r->too_big && !r->answered && r->discarded > DISCARD_LIMIT) {
            r->answered = 1;
            return dispatch(h, mc, url, method, r);
        }
        return MHD_YES;
    }
    if (r->held && r->delay == NULL) {
        /* resumed after a chaos delay: the reply was built before the connection slept */
        struct MHD_Response *resp = r->held;
        r->held = NULL;
        enum MHD_Result ret = MHD_queue_response(mc, r->held_status, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    if (r->answered)
        return MHD_YES;
    r->answered = 1;
    return dispatch(h, mc, url, method, r);
}

static void completed_cb(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)mc;
    (void)toe;
    struct req *r = *con_cls;
    if (r) {
        if (r->delay)
            r->delay->r = NULL;
        if (r->held)
            MHD_destroy_response(r->held);
        buf_free(&r->body);
        free(r);
        *con_cls = NULL;
    }
}

static void on_timer(uv_timer_t *t);

static void run_and_arm(struct http_server *h)
{
    MHD_run(h->d);
    MHD_UNSIGNED_LONG_LONG t;
    if (MHD_get_timeout(h->d, &t) == MHD_YES)
        uv_timer_start(&h->timer, on_timer, (uint64_t)t, 0);
    else
        uv_timer_stop(&h->timer);
}

static void on_timer(uv_timer_t *t)
{
    run_and_arm(t->data);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    (void)status;
    (void)events;
    run_and_arm(p->data);
}

static void log_cb(void *cls, const char *fmt, va_list ap)
{
    struct http_server *h = cls;
    if (h->sim->opt.verbose) {
        fprintf(stderr, "drillsim: http: ");
        vfprintf(stderr, fmt, ap);
    }
}

static int start(struct sim *sim, uv_loop_t *loop, int port, int app, struct http_server **out,
                 char **cause)
{
    struct http_server *h = xcalloc(1, sizeof *h);
    h->sim = sim;
    h->app = app;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, sim->opt.host, &sa.sin_addr) != 1) {
        *cause = xasprintf("--host %s is not an IPv4 address", sim->opt.host);
        free(h);
        return -1;
    }
    unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_SUPPRESS_DATE_NO_CLOCK |
                     MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    h->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, access_cb, h,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
                            MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
                            MHD_OPTION_EXTERNAL_LOGGER, log_cb, h, MHD_OPTION_END);
    if (h->d == NULL) {
        *cause = xasprintf("cannot listen on %s:%d: %s", sim->opt.host, port, strerror(errno));
        free(h);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : port;
    info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
    if (info == NULL) {
        *cause = xstrdup("libmicrohttpd has no epoll fd");
        MHD_stop_daemon(h->d);
        free(h);
        return -1;
    }
    uv_poll_init(loop, &h->poll, info->epoll_fd);
    h->poll.data = h;
    uv_timer_init(loop, &h->timer);
    h->timer.data = h;
    uv_poll_start(&h->poll, UV_READABLE, on_poll);
    run_and_arm(h);
    *out = h;
    return 0;
}

int http_start(struct sim *sim, uv_loop_t *loop, struct http_server **out, char **cause)
{
    return start(sim, loop, sim->opt.port, 0, out, cause);
}

int http_start_app(struct sim *sim, uv_loop_t *loop, int port, struct http_server **out,
                   char **cause)
{
    return start(sim, loop, port, 1, out, cause);
}

int http_port(const struct http_server *h)
{
    return h->port;
}

static void free_on_close(uv_handle_t *handle)
{
    struct http_server *h = handle->data;
    if (handle == (uv_handle_t *)&h->timer)
        free(h);
}

void http_stop(struct http_server *h)
{
    /* libmicrohttpd's rule: no connection may be suspended when the daemon stops */
    while (h->delays) {
        struct delay *d = h->delays;
        if (d->r) {
            d->r->delay = NULL;
            MHD_resume_connection(d->mc);
        }
        delay_end(d);
    }
    uv_poll_stop(&h->poll);
    uv_timer_stop(&h->timer);
    uv_close((uv_handle_t *)&h->poll, NULL);
    uv_close((uv_handle_t *)&h->timer, free_on_close);
    MHD_stop_daemon(h->d);
}
