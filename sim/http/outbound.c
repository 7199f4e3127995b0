/*
 * outbound.c - libcurl's multi interface on the libuv loop (see outbound.h).
 *
 * The wiring, in curl's terms:
 *   CURLMOPT_SOCKETFUNCTION -> on_socket(): one uv_poll_t per socket curl wants watched
 *     (struct sock, kept in a list so stop can close any curl forgets), started for the
 *     events curl asks for, closed on CURL_POLL_REMOVE;
 *   CURLMOPT_TIMERFUNCTION  -> on_curl_timer(): arms the one uv_timer_t (never calls back
 *     into curl from inside curl);
 *   uv events -> curl_multi_socket_action() -> finished transfers are collected by
 *     collect_done(), which calls each request's done() after curl is done with it.
 * Transfers are kept in a list so that stop can cancel them. Nothing here blocks: name
 * resolution uses curl's threaded resolver and the sockets are non-blocking.
 */
#include "http/outbound.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/clock.h"
#include "util/xmalloc.h"

struct transfer {
    CURL *easy;
    struct curl_slist *headers;
    outbound_done_fn done;
    void *arg;
    uint64_t started_ns;
    char keep[OUTBOUND_KEEP_BODY + 1];
    size_t kept;
    size_t total;
    int too_big;
    char errbuf[CURL_ERROR_SIZE];
    struct transfer *prev, *next;
};

struct sock {
    uv_poll_t poll;
    curl_socket_t fd;
    struct sock *prev, *next;
};

static struct {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    int started;
    int active;
    struct transfer *transfers;
    struct sock *socks;
} ob;

static void collect_done(void);

static void free_sock(uv_handle_t *h)
{
    free(h->data);
}

/* Stops watching and frees one socket's poll handle (asynchronously, through uv_close). */
static void close_sock(struct sock *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        ob.socks = s->next;
    if (s->next)
        s->next->prev = s->prev;
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, free_sock);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    struct sock *s = p->data;
    int flags = 0;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    int running;
    curl_multi_socket_action(ob.multi, s->fd, flags, &running);
    collect_done();
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)easy;
    (void)userp;
    struct sock *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            curl_multi_assign(ob.multi, fd, NULL);
            close_sock(s);
        }
        return 0;
    }
    if (s == NULL) {
        s = xcalloc(1, sizeof *s);
        s->fd = fd;
        if (uv_poll_init_socket(ob.loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->poll.data = s;
        s->next = ob.socks;
        if (ob.socks)
            ob.socks->prev = s;
        ob.socks = s;
        curl_multi_assign(ob.multi, fd, s);
    }
    int events = 0;
    if (what & CURL_POLL_IN)
        events |= UV_READABLE;
    if (what & CURL_POLL_OUT)
        events |= UV_WRITABLE;
    uv_poll_start(&s->poll, events, on_poll);
    return 0;
}

static void on_timer(uv_timer_t *t)
{
    (void)t;
    int running;
    curl_multi_socket_action(ob.multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collect_done();
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    (void)userp;
    if (timeout_ms < 0)
        uv_timer_stop(&ob.timer);
    else
        uv_timer_start(&ob.timer, on_timer, (uint64_t)timeout_ms, 0);
    return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct transfer *t = userp;
    size_t n = size * nmemb;
    if (t->kept < OUTBOUND_KEEP_BODY) {
        size_t take = OUTBOUND_KEEP_BODY - t->kept;
        if (take > n)
            take = n;
        memcpy(t->keep + t->kept, data, take);
        t->kept += take;
        t->keep[t->kept] = '\0';
    }
    t->total += n;
    if (t->total > OUTBOUND_MAX_BODY) {
        t->too_big = 1;
        return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
    }
    return n;
}

static void unlink_transfer(struct transfer *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        ob.transfers = t->next;
    if (t->next)
        t->next->prev = t->prev;
    ob.active--;
}

static void free_transfer(struct transfer *t)
{
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    free(t);
}

/* Reports one finished transfer to its owner and frees it. */
static void finish(struct transfer *t, CURLcode res, long status)
{
    struct outbound_response r = {0};
    r.body = t->keep;
    r.body_len = t->kept;
    r.elapsed_ms = (int64_t)((clock_mono_ns() - t->started_ns) / 1000000u);
    if (res == CURLE_OK || (t->too_big && status > 0)) {
        r.status = status; /* an oversized body still carries its status */
    } else {
        r.status = 0;
        r.error = t->errbuf[0] ? t->errbuf : curl_easy_strerror(res);
    }
    unlink_transfer(t);
    t->done(t->arg, &r);
    free_transfer(t);
}

static void collect_done(void)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(ob.multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        CURLcode res = msg->data.result;
        struct transfer *t = NULL;
        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(ob.multi, easy);
        finish(t, res, status);
    }
}

int outbound_start(uv_loop_t *loop)
{
    if (ob.started)
        return 0;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return -1;
    ob.multi = curl_multi_init();
    if (ob.multi == NULL) {
        curl_global_cleanup();
        return -1;
    }
    ob.loop = loop;
    uv_timer_init(loop, &ob.timer);
    curl_multi_setopt(ob.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(ob.multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(ob.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)OUTBOUND_MAX_ACTIVE);
    ob.started = 1;
    return 0;
}

void outbound_stop(void)
{
    if (!ob.started)
        return;
    ob.started = 0;
    while (ob.transfers) {
        struct transfer *t = ob.transfers;
        curl_multi_remove_handle(ob.multi, t->easy);
        unlink_transfer(t);
        struct outbound_response r = {.error = "drillsim is stopping", .cancelled = 1};
        r.body = t->keep;
        t->done(t->arg, &r);
        free_transfer(t);
    }
    curl_multi_cleanup(ob.multi);
    ob.multi = NULL;
    while (ob.socks)
        close_sock(ob.socks); /* any socket curl did not remove itself */
    uv_timer_stop(&ob.timer);
    uv_close((uv_handle_t *)&ob.timer, NULL);
    curl_global_cleanup();
}

int outbound_capacity(void)
{
    return ob.started ? OUTBOUND_MAX_ACTIVE - ob.active : 0;
}

int outbound_submit(const struct outbound_request *req)
{
    if (!ob.started || ob.active >= OUTBOUND_MAX_ACTIVE || req->url == NULL)
        return -1;
    if (strncasecmp(req->url, "http://", 7) != 0 && strncasecmp(req->url, "https://", 8) != 0)
        return -1;
    struct transfer *t = xcalloc(1, sizeof *t);
    t->easy = curl_easy_init();
    if (t->easy == NULL) {
        free(t);
        return -1;
    }
    t->done = req->done;
    t->arg = req->arg;
    t->started_ns = clock_mono_ns();
    for (const char *const *h = req->headers; h && *h; h++)
        t->headers = curl_slist_append(t->headers, *h);
    /* curl would add an Expect: 100-continue (a one-second stall with some servers) and an
     * Accept header for any type; SNS sends neither. */
    t->headers = curl_slist_append(t->headers, "Expect:");
    t->headers = curl_slist_append(t->headers, "Accept:");
    long timeout = req->timeout_ms > 0 ? req->timeout_ms : 15000;
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout < OUTBOUND_CONNECT_TIMEOUT_MS ? timeout
                                                           : (long)OUTBOUND_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)t);
    if (req->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, req->body);
    }
    if (req->method && strcmp(req->method, req->body ? "POST" : "GET") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    t->next = ob.transfers;
    if (ob.transfers)
        ob.transfers->prev = t;
    ob.transfers = t;
    ob.active++;
    if (curl_multi_add_handle(ob.multi, e) != CURLM_OK) {
        unlink_transfer(t);
        free_transfer(t);
        return -1;
    }
    return 0;
}
