/*
 * route.c - request routing (see route.h).
 */
#include "http/route.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/sigv4.h"
#include "protocol/form.h"
#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"
#include "util/xmalloc.h"

static void set_tenant(struct call *c, const struct http_request *req)
{
    struct tenant *t = &c->tenant;
    struct sigv4_cred cred;
    const char *authz = req->header(req->ctx, "Authorization");
    if (authz && sigv4_parse(authz, &cred) == 0) {
        t->is_signed = 1;
        memcpy(t->access_key, cred.access_key, sizeof t->access_key);
        memcpy(t->region, cred.region, sizeof t->region);
        memcpy(t->signing_service, cred.service, sizeof t->signing_service);
        sigv4_account(cred.access_key, t->account);
    } else {
        t->is_signed = 0;
        t->access_key[0] = '\0';
        t->signing_service[0] = '\0';
        memcpy(t->account, DEFAULT_ACCOUNT, sizeof DEFAULT_ACCOUNT);
        memcpy(t->region, DEFAULT_REGION, sizeof DEFAULT_REGION);
    }
}

static int header_is(const struct http_request *req, const char *name, const char *value)
{
    const char *v = req->header(req->ctx, name);
    return v && strcasecmp(v, value) == 0;
}

static int set_op_name(struct call *c, const char *s, size_t n)
{
    if (n == 0 || n >= sizeof c->op_name)
        return -1;
    memcpy(c->op_name, s, n);
    c->op_name[n] = '\0';
    return 0;
}

static int route_cbor(struct call *c, const struct http_request *req)
{
    /* /service/<Svc>/operation/<Op> */
    const char *p = req->path + strlen("/service/");
    const char *slash = strchr(p, '/');
    c->codec = &proto_cbor;
    if (slash == NULL || strncmp(slash, "/operation/", 11) != 0)
        return call_error(c, "UnknownOperationException", "Malformed RPC v2 path %s",
                          req->path);
    const char *op = slash + 11;
    c->svc = registry_by_cbor_name(p, (size_t)(slash - p));
    if (c->svc == NULL)
        return call_error(c, "UnknownOperationException", "No service answers %.*s",
                          (int)(slash - p), p);
    if (set_op_name(c, op, strlen(op)) || strchr(op, '/'))
        return call_error(c, "UnknownOperationException", NULL);
    return SIM_OK;
}

static int route_json(struct call *c, const struct http_request *req, const char *target)
{
    c->codec = &proto_json;
    const char *ct = req->header(req->ctx, "Content-Type");
    c->json_minor = ct && strstr(ct, "x-amz-json-1.0") ? 0 : 1;
    const char *dot = strrchr(target, '.');
    if (dot == NULL)
        return call_error(c, "UnknownOperationException", NULL);
    c->svc = registry_by_target_prefix(target, (size_t)(dot - target));
    if (c->svc && !ct)
        c->json_minor = strcmp(c->svc->model->json_version, "1.0") == 0 ? 0 : 1;
    if (c->svc == NULL || set_op_name(c, dot + 1, strlen(dot + 1)))
        return call_error(c, "UnknownOperationException", NULL);
    return SIM_OK;
}

static int route_query(struct call *c, const struct http_request *req)
{
    c->codec = &proto_query;
    struct form *f = xmalloc(sizeof *f);
    form_init(f);
    c->form = f;
    if (req->url_args) {
        for (int i = 0; i < req->url_args->n; i++)
            form_add(f, req->url_args->f[i].key, req->url_args->f[i].value);
    }
    int body_ok = 1;
    char *cause = NULL;
    if (req->body_error == NULL && req->body_len > 0 &&
        form_parse(f, req->body, req->body_len, &cause) != 0)
        body_ok = 0;
    /* Version names the service; only when it is absent does the signing name decide
     * (a Version no service has is an unknown action, as AWS answers it). */
    const char *version = form_get(f, "Version");
    if (version)
        c->svc = registry_by_query_version(version);
    else if (c->tenant.signing_service[0])
        c->svc = registry_by_signing_name(c->tenant.signing_service);
    if (c->svc && (c->svc->model->protocols & MP_EC2))
        c->codec = &proto_ec2; /* the EC2 dialect of query */
    if (!body_ok) {
        int rc = call_error(c, "MalformedQueryString", "The request body is not a valid form: %s",
                            cause);
        free(cause);
        return rc;
    }
    const char *action = form_get(f, "Action");
    if (req->body_error)
        return SIM_OK; /* the pipeline answers the body error */
    if (action == NULL || action[0] == '\0')
        return call_error(c, "MissingAction", "Could not find operation in the request");
    if (c->svc == NULL)
        return call_error_status(c, 400, "InvalidAction",
                                 "The action %s is not valid for this web service.", action);
    if (set_op_name(c, action, strlen(action)))
        return call_error(c, "InvalidAction", "The action is not valid for this web service.");
    return SIM_OK;
}

int route_request(struct call *c, const struct http_request *req)
{
    set_tenant(c, req);
    c->query_mode = header_is(req, "x-amzn-query-mode", "true");
    if (strncmp(req->path, "/service/", 9) == 0 && header_is(req, "smithy-protocol", "rpc-v2-cbor"))
        return route_cbor(c, req);
    const char *target = req->header(req->ctx, "X-Amz-Target");
    if (target)
        return route_json(c, req, target);
    return route_query(c, req);
}
