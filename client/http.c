/*
 * http.c - drillctl's requests to the control API, with libcurl.
 *
 * One easy handle is kept for the whole run, so `advance` and `watch` reuse the connection;
 * each request resets its options (curl_easy_reset keeps live connections). Answers are read
 * into a bounded buffer (CTL_MAX_BODY); a larger one is refused, never grown without bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "drillctl.h"
#include "util/str.h"
#include "util/xmalloc.h"

/* The largest answer read: a long drill's journal as JSON lines fits many times over. */
#define CTL_MAX_BODY ((size_t)256 << 20)

static CURL *easy;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    size_t len = size * n;
    if (buf_append(b, p, len) != 0)
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    return len;
}

char *ctl_escape(const char *s)
{
    if (easy == NULL)
        easy = curl_easy_init();
    char *e = easy ? curl_easy_escape(easy, s, 0) : NULL;
    if (e == NULL) {
        fprintf(stderr, "drillctl: out of memory\n");
        exit(CTL_EXIT_SERVER);
    }
    char *copy = xstrdup(e);
    curl_free(e);
    return copy;
}

void ctl_resp_free(struct ctl_resp *r)
{
    buf_free(&r->body);
    cJSON_Delete(r->json);
    r->json = NULL;
}

void ctl_http_cleanup(void)
{
    if (easy)
        curl_easy_cleanup(easy);
    easy = NULL;
}

/* Whether a Content-Type names JSON. */
static int is_json_type(const char *ct)
{
    return ct && strncmp(ct, "application/json", 16) == 0;
}

int ctl_http(const struct ctl *ctl, const char *method, const char *path, const char *query,
             const cJSON *body, long timeout_s, struct ctl_resp *r)
{
    int rc = CTL_EXIT_CONNECT;
    char *url = NULL;
    char *payload = NULL;
    struct curl_slist *headers = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";

    memset(r, 0, sizeof *r);
    buf_init(&r->body, CTL_MAX_BODY);
    if (easy == NULL)
        easy = curl_easy_init();
    if (easy == NULL) {
        str_copy(r->error, sizeof r->error, "libcurl could not be initialised");
        goto out;
    }
    curl_easy_reset(easy);
    url = xasprintf("%s%s?team=%s%s%s", ctl->endpoint, path, ctl->team, query ? "&" : "",
                    query ? query : "");
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "drillctl/" DRILLCTL_VERSION);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, timeout_s >= 0 ? timeout_s : ctl->timeout_s);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &r->body);
    /* the control API is plain HTTP on drillsim's port: no redirects, no proxies from env */
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
    headers = curl_slist_append(headers, "Accept: application/json, text/plain, */*");
    headers = curl_slist_append(headers, "Expect:");
    int is_get = strcmp(method, "GET") == 0, is_post = strcmp(method, "POST") == 0;
    if (body || is_post) {
        /* a POST always carries a JSON object: {} when the call takes no arguments */
        payload = body ? cJSON_PrintUnformatted(body) : NULL;
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, payload ? payload : "{}");
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    if (is_get)
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    else if (!is_post)
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);

    CURLcode cc = curl_easy_perform(easy);
    if (cc != CURLE_OK) {
        if (cc == CURLE_WRITE_ERROR && r->body.overflow) {
            snprintf(r->error, sizeof r->error, "the answer is larger than %zu MiB",
                     CTL_MAX_BODY >> 20);
            rc = CTL_EXIT_SERVER;
        } else {
            snprintf(r->error, sizeof r->error, "cannot connect to %s: %s", ctl->endpoint,
                     errbuf[0] ? errbuf : curl_easy_strerror(cc));
            /* an answer cut short after it began is the server's failure, not a connect one */
            rc = cc == CURLE_PARTIAL_FILE || cc == CURLE_RECV_ERROR ? CTL_EXIT_SERVER
                                                                      : CTL_EXIT_CONNECT;
        }
        goto out;
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r->status);
    char *ct = NULL;
    curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ct);
    if (is_json_type(ct) && r->body.len)
        r->json = cJSON_ParseWithLength(r->body.p, r->body.len);
    if (r->body.p == NULL)
        buf_puts(&r->body, "");
    rc = CTL_EXIT_OK;
out:
    curl_slist_free_all(headers);
    cJSON_free(payload);
    free(url);
    return rc;
}

/* ctl_call and ctl_call_raw: want_json asks for a JSON object answer. */
static int call(const struct ctl *ctl, const char *method, const char *path, const char *query,
                const cJSON *body, int want_json, struct ctl_resp *r)
{
    int rc = ctl_http(ctl, method, path, query, body, -1, r);
    if (rc != CTL_EXIT_OK) {
        fprintf(stderr, "drillctl: %s\n", r->error);
        return rc;
    }
    if (r->status >= 400) {
        const char *code = ctl_str(r->json, "error", NULL);
        const char *msg = ctl_str(r->json, "message", NULL);
        if (code)
            snprintf(r->error, sizeof r->error, "%s: %s", code, msg ? msg : "");
        else
            snprintf(r->error, sizeof r->error, "HTTP %ld from %s%s", r->status, ctl->endpoint,
                     path);
        fprintf(stderr, "drillctl: %s\n", r->error);
        if (ctl->out != CTL_OUT_TEXT && r->json)
            ctl_print_json(stdout, r->json, ctl->out == CTL_OUT_COMPACT);
        return CTL_EXIT_SERVER;
    }
    if (r->status < 200 || r->status >= 300) {
        snprintf(r->error, sizeof r->error, "unexpected HTTP %ld from %s%s", r->status,
                 ctl->endpoint, path);
        fprintf(stderr, "drillctl: %s\n", r->error);
        return CTL_EXIT_SERVER;
    }
    if (want_json && !cJSON_IsObject(r->json)) {
        snprintf(r->error, sizeof r->error, "the answer of %s%s is not a JSON object",
                 ctl->endpoint, path);
        fprintf(stderr, "drillctl: %s\n", r->error);
        return CTL_EXIT_SERVER;
    }
    return CTL_EXIT_OK;
}

int ctl_call(const struct ctl *ctl, const char *method, const char *path, const char *query,
             const cJSON *body, struct ctl_resp *r)
{
    return call(ctl, method, path, query, body, 1, r);
}

int ctl_call_raw(const struct ctl *ctl, const char *method, const char *path, const char *query,
                 const cJSON *body, struct ctl_resp *r)
{
    return call(ctl, method, path, query, body, 0, r);
}
