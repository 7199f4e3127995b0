/*
 * route.h - which service, operation, protocol and tenant an HTTP request is for.
 *
 * The order is that of aws-wire-protocols.md 1.2:
 *   1. POST /service/<Svc>/operation/<Op> with smithy-protocol: rpc-v2-cbor -> CBOR;
 *   2. an X-Amz-Target: <Prefix>.<Op> header -> awsJson (1.0 or 1.1 from Content-Type);
 *   3. otherwise awsQuery: Action= and Version= from the form body or the URL, the service
 *      named by Version, or by the credential scope's signing name when Version is absent.
 * The tenant comes from the Authorization header (sigv4.h); without one (--no-sign-request)
 * the default account and region are used.
 */
#ifndef DRILLSIM_ROUTE_H
#define DRILLSIM_ROUTE_H

#include <stddef.h>

struct call;
struct form;

/* The HTTP request as the pipeline sees it, independent of libmicrohttpd. */
struct http_request {
    const char *method;
    const char *path;            /* without the query string */
    const struct form *url_args; /* decoded URL query arguments, may be NULL */
    /* Case-insensitive header lookup; returns NULL when absent. */
    const char *(*header)(void *ctx, const char *name);
    void *ctx;
    const char *body; /* after Content-Encoding was undone */
    size_t body_len;
    /* A problem with the body found by the HTTP layer (too large, bad gzip), as an error
     * code for the pipeline to answer in the request's protocol; NULL if none. */
    const char *body_error;
    const char *body_error_message;
};

/*
 * Fills c->codec, c->svc, c->op_name, c->json_minor, c->query_mode, c->tenant and, for
 * awsQuery, c->form. Always sets c->codec (so an error can be answered in the right shape).
 * Returns SIM_OK, or SIM_ERROR with the error set on c.
 */
int route_request(struct call *c, const struct http_request *req);

#endif
