/*
 * call.c - the lifetime of one API call (struct call, see sim.h) and its error helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/form.h"
#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"
#include "util/xmalloc.h"

static const struct {
    const char *code;
    int status;
    int sender;
} sim_errs[] = {
#define XX(id, code, status, sender) {code, status, sender},
    SIM_ERR_MAP(XX)
#undef XX
};

const char *sim_err_code(enum sim_err e)
{
    return sim_errs[e].code;
}

int sim_err_status(enum sim_err e)
{
    return sim_errs[e].status;
}

int sim_err_find(const char *code)
{
    for (int i = 0; i < SIM_E__COUNT; i++) {
        if (strcmp(sim_errs[i].code, code) == 0)
            return i;
    }
    return -1;
}

void call_init(struct call *c, struct sim *sim)
{
    memset(c, 0, sizeof *c);
    c->sim = sim;
    c->status = 200;
    buf_init(&c->body, 64u << 20);
}

void call_free(struct call *c)
{
    if (c->form) {
        form_free(c->form);
        free(c->form);
        c->form = NULL;
    }
    cJSON_Delete(c->in);
    cJSON_Delete(c->out);
    free(c->err.message);
    for (int i = 0; i < c->nheaders; i++)
        free(c->headers[i].value);
    buf_free(&c->body);
    c->in = c->out = NULL;
    c->err.message = NULL;
    c->nheaders = 0;
}

static int verror(struct call *c, int status, const char *code, const char *fmt, va_list ap)
{
    c->err.set = 1;
    snprintf(c->err.code, sizeof c->err.code, "%s", code);
    free(c->err.message);
    c->err.message = fmt ? xvasprintf(fmt, ap) : NULL;
    c->err.status = status;
    return SIM_ERROR;
}

int call_error(struct call *c, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = verror(c, 0, code, fmt, ap);
    va_end(ap);
    return rc;
}

int call_error_status(struct call *c, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = verror(c, status, code, fmt, ap);
    va_end(ap);
    return rc;
}

void call_add_header(struct call *c, const char *name, const char *value)
{
    if (c->nheaders == CALL_MAX_HEADERS)
        return;
    c->headers[c->nheaders].name = name;
    c->headers[c->nheaders].value = xstrdup(value);
    c->nheaders++;
}

int call_error_http_status(const struct call *c, int *sender)
{
    int s = 1, status = c->err.status;
    const struct model_shape *sh = c->svc ? model_error(c->svc->model, c->err.code) : NULL;
    if (sh) {
        s = (sh->flags & SF_SENDER_FAULT) != 0;
        if (status == 0 && sh->http_status)
            status = sh->http_status;
    }
    int common = sim_err_find(c->err.code);
    if (common >= 0) {
        if (sh == NULL)
            s = sim_errs[common].sender;
        if (status == 0)
            status = sim_errs[common].status;
    }
    if (status == 0)
        status = s ? 400 : 500;
    if (status >= 500)
        s = 0;
    if (sender)
        *sender = s;
    return status;
}

int call_error_wire(struct call *c, char *type, size_t type_len)
{
    int sender;
    int status = call_error_http_status(c, &sender);
    const struct model_service *m = c->svc ? c->svc->model : NULL;
    if (m && m->query_compatible) {
        const struct model_shape *sh = model_error(m, c->err.code);
        const char *query_code = sh && sh->error_code ? sh->error_code : c->err.code;
        char qe[160];
        snprintf(qe, sizeof qe, "%s;%s", query_code, sender ? "Sender" : "Receiver");
        call_add_header(c, "x-amzn-query-error", qe);
        if (m->error_prefix && sh)
            snprintf(type, type_len, "%s%s", m->error_prefix, sh->name);
        else
            snprintf(type, type_len, "%s", sh ? sh->name : c->err.code);
        if (!c->query_mode && status < 500)
            status = 400;
    } else {
        snprintf(type, type_len, "%s", c->err.code);
    }
    return status;
}

const char *call_error_message_key(const struct call *c)
{
    const struct model_shape *sh = c->svc ? model_error(c->svc->model, c->err.code) : NULL;
    if (sh && model_member(sh, "message") == NULL && model_member(sh, "Message") != NULL)
        return "Message";
    return "message";
}
