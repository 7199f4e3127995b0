/*
 * journal.c - the audit journal: buffering every AWS API call, writing the buffer once per loop
 * turn, and GET /_drill/journal (see journal.h and docs/control-api.md).
 *
 * The request path only copies a few strings and prints the key parameters (a dozen members
 * at most) into the buffer. The store write happens in the check handle after a loop turn:
 * every buffered entry in one transaction, once JOURNAL_BATCH entries wait or the last write
 * is JOURNAL_FLUSH_MS old (a timer writes what a quiet loop left), so a stream of single
 * requests shares transactions instead of paying one each. Every control call writes the
 * buffer first (control.c), so the journal it reads or resets is complete. The buffer is
 * bounded: at JOURNAL_BUFFER_MAX entries (no loop at all, in unit tests) it is written at once.
 *
 * To journal another detail of a call: add a member to struct pending, fill it in
 * journal_record, and add a column (sim/store/journal.h).
 */
#include "control/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/control_int.h"
#include "engine/clock.h"
#include "engine/team.h"
#include "http/route.h"
#include "services/service.h"
#include "sim.h"
#include "store/journal.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

#define JOURNAL_BUFFER_MAX 4096
/* A loop turn's entries wait at most this long (or until JOURNAL_BATCH of them) before the
 * write, so a stream of single requests shares one transaction instead of paying one each. */
#define JOURNAL_FLUSH_MS 50
#define JOURNAL_BATCH 256
#define PARAM_MAX 12
#define PARAM_STRING_MAX 200
#define PARAM_LIST_MAX 8

struct pending {
    char account[13];
    char region[32];
    char service[48];
    char operation[96];
    char client[64];
    char error[96];
    int64_t sim_ms;
    int64_t wall_ms;
    char *params;  /* owned JSON text */
    char *message; /* owned; NULL on success */
    int status;
    int attempt;
    int mutated;
};

/* A team's journal size as retention tracks it. */
struct team_rows {
    char account[16];
    int64_t rows; /* entries in the store, when known */
    int known;    /* rows was read from the store (once; again after a reset shrank it) */
};

static struct {
    struct sim *sim; /* the sim the buffered entries belong to */
    struct pending *v;
    int n, cap;
    uv_check_t check;
    uv_timer_t timer;
    uint64_t last_flush; /* uv_now() of the last write */
    int started;
    uv_timer_t trim_timer;
    struct team_rows *teams; /* each team's number of entries, for retention */
    int nteams;
} jr;

int journal_is_secret(const char *name)
{
    if (strstr(name, "Password") || strstr(name, "password") || strcmp(name, "SecretBinary") == 0)
        return 1;
    const char *s = strstr(name, "Secret");
    size_t n = strlen(name);
    return s != NULL && n >= 6 && strcmp(name + n - 6, "String") == 0;
}

static cJSON *scalar_copy(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        char cut[PARAM_STRING_MAX + 1];
        snprintf(cut, sizeof cut, "%s", v->valuestring);
        return cJSON_CreateString(cut);
    }
    if (cJSON_IsNumber(v))
        return cJSON_CreateNumber(v->valuedouble);
    if (cJSON_IsBool(v))
        return cJSON_CreateBool(cJSON_IsTrue(v));
    return NULL;
}

cJSON *journal_params(const cJSON *in)
{
    cJSON *o = cJSON_CreateObject();
    int n = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, in)
    {
        if (n == PARAM_MAX)
            break;
        if (m->string == NULL || journal_is_secret(m->string))
            continue;
        cJSON *v = scalar_copy(m);
        if (v == NULL && cJSON_IsArray(m)) {
            /* a short list of scalars (Statistics, Services, VpcSubnetIds) */
            v = cJSON_CreateArray();
            int k = 0;
            const cJSON *x;
            cJSON_ArrayForEach(x, m)
            {
                cJSON *y = k < PARAM_LIST_MAX ? scalar_copy(x) : NULL;
                if (y == NULL) {
                    cJSON_Delete(v);
                    v = NULL;
                    break;
                }
                cJSON_AddItemToArray(v, y);
                k++;
            }
        }
        if (v == NULL)
            continue;
        cJSON_AddItemToObject(o, m->string, v);
        n++;
    }
    return o;
}

int journal_attempt(const char *value)
{
    const char *p = value ? strstr(value, "attempt=") : NULL;
    if (p == NULL)
        return 1;
    long a = strtol(p + 8, NULL, 10);
    return a >= 1 && a <= 1000 ? (int)a : 1;
}

static void pending_free(struct pending *p)
{
    free(p->params);
    free(p->message);
}

/* Counts one entry written for account (the teams are few: a linear look-up, the last one
 * first). */
static void count_entry(const char *account)
{
    static int last;
    if (last < jr.nteams && strcmp(jr.teams[last].account, account) == 0) {
        jr.teams[last].rows++;
        return;
    }
    for (int i = 0; i < jr.nteams; i++) {
        if (strcmp(jr.teams[i].account, account) == 0) {
            jr.teams[i].rows++;
            last = i;
            return;
        }
    }
    if (jr.teams == NULL)
        jr.teams = xcalloc(TEAM_MAX, sizeof *jr.teams);
    if (jr.nteams == TEAM_MAX)
        return;
    struct team_rows *t = &jr.teams[jr.nteams];
    snprintf(t->account, sizeof t->account, "%s", account);
    t->rows = 1;
    t->known = 0; /* older entries may be in the store: counted by the next pass */
    last = jr.nteams++;
}

/* The retention pass (JOURNAL_TRIM_MS): for each team over JOURNAL_KEEP_FIRST +
 * JOURNAL_KEEP_LAST entries, deletes at most JOURNAL_TRIM_CHUNK of those between its first and
 * newest kept ones, in one transaction. */
static void on_trim(uv_timer_t *h)
{
    (void)h;
    const int64_t limit = (int64_t)JOURNAL_KEEP_FIRST + JOURNAL_KEEP_LAST;
    if (jr.nteams == 0 || jr.sim == NULL)
        return;
    struct store *st = jr.sim->store;
    if (store_in_transaction(st) || store_begin(st) != 0)
        return;
    int rc = 0;
    for (int i = 0; i < jr.nteams && rc == 0; i++) {
        struct team_rows *t = &jr.teams[i];
        if (!t->known) {
            t->rows = store_journal_count(st, t->account);
            t->known = t->rows >= 0;
            rc = t->known ? 0 : -1;
        }
        if (rc != 0 || t->rows <= limit)
            continue;
        int64_t over = t->rows - limit, deleted = 0;
        rc = store_journal_trim(st, t->account, JOURNAL_KEEP_FIRST, JOURNAL_KEEP_LAST,
                                over < JOURNAL_TRIM_CHUNK ? (int)over : JOURNAL_TRIM_CHUNK,
                                &deleted);
        t->rows -= deleted;
        if (deleted == 0)
            t->known = 0; /* fewer than counted (a reset, a restore): count again */
    }
    if (rc != 0 || store_commit(st) != 0) {
        store_rollback(st);
        for (int i = 0; i < jr.nteams; i++)
            jr.teams[i].known = 0;
        fprintf(stderr, "drillsim: the journal's retention pass failed\n");
    }
}

int journal_flush(struct sim *sim)
{
    if (jr.n == 0)
        return 0;
    /* the entries belong to the sim that recorded them */
    (void)sim;
    struct store *st = jr.sim->store;
    if (store_in_transaction(st))
        return -1;
    struct journal_entry *rows = xmalloc((size_t)jr.n * sizeof *rows);
    for (int i = 0; i < jr.n; i++) {
        const struct pending *p = &jr.v[i];
        rows[i] = (struct journal_entry){
            .account = p->account,
            .region = p->region,
            .sim_ms = p->sim_ms,
            .wall_ms = p->wall_ms,
            .service = p->service,
            .operation = p->operation,
            .params = p->params,
            .status = p->status,
            .error = p->error[0] ? p->error : NULL,
            .message = p->message,
            .attempt = p->attempt,
            .mutated = p->mutated,
            .client = p->client[0] ? p->client : NULL,
        };
    }
    int rc = store_begin(st);
    if (rc == 0)
        rc = store_journal_insert(st, rows, jr.n);
    free(rows);
    if (rc == 0)
        rc = store_commit(st);
    if (rc != 0) {
        store_rollback(st);
        fprintf(stderr, "drillsim: %d journal entries could not be written\n", jr.n);
    }
    for (int i = 0; i < jr.n; i++) {
        if (rc == 0)
            count_entry(jr.v[i].account);
        pending_free(&jr.v[i]);
    }
    jr.n = 0;
    return rc == 0 ? 0 : -1;
}

static void on_timer(uv_timer_t *h)
{
    jr.last_flush = uv_now(h->loop);
    if (jr.n)
        journal_flush(jr.sim);
}

/* After every loop turn: write the buffer when it is full enough or has waited long enough;
 * otherwise the timer writes it when the wait is over. */
static void on_check(uv_check_t *h)
{
    if (jr.n == 0)
        return;
    uint64_t now = uv_now(h->loop);
    if (jr.n >= JOURNAL_BATCH || now - jr.last_flush >= JOURNAL_FLUSH_MS) {
        jr.last_flush = now;
        journal_flush(jr.sim);
        uv_timer_stop(&jr.timer);
    } else if (!uv_is_active((uv_handle_t *)&jr.timer)) {
        uv_timer_start(&jr.timer, on_timer, JOURNAL_FLUSH_MS - (now - jr.last_flush), 0);
    }
}

void journal_start(struct sim *sim, uv_loop_t *loop)
{
    jr.sim = sim;
    if (jr.started)
        return;
    uv_check_init(loop, &jr.check);
    uv_check_start(&jr.check, on_check);
    uv_timer_init(loop, &jr.timer);
    uv_timer_init(loop, &jr.trim_timer);
    uv_timer_start(&jr.trim_timer, on_trim, JOURNAL_TRIM_MS, JOURNAL_TRIM_MS);
    /* none keeps the loop alive on its own */
    uv_unref((uv_handle_t *)&jr.check);
    uv_unref((uv_handle_t *)&jr.timer);
    uv_unref((uv_handle_t *)&jr.trim_timer);
    jr.started = 1;
}

void journal_record(struct call *c, const struct http_request *req)
{
    /* an unsigned request no service claims is no AWS tool's call (a browser's favicon) */
    if (c->team == NULL || (c->svc == NULL && !c->tenant.is_signed))
        return;
    if (jr.n && jr.sim != c->sim)
        journal_flush(jr.sim);
    jr.sim = c->sim;
    if (jr.n == jr.cap) {
        if (jr.cap >= JOURNAL_BUFFER_MAX) {
            journal_flush(c->sim);
            if (jr.n == jr.cap)
                return; /* a transaction is open: the entry is lost rather than the bound */
        } else {
            jr.cap = jr.cap ? jr.cap * 2 : 64;
            jr.v = xrealloc(jr.v, (size_t)jr.cap * sizeof *jr.v);
        }
    }
    struct pending *p = &jr.v[jr.n++];
    memset(p, 0, sizeof *p);
    snprintf(p->account, sizeof p->account, "%s", c->team->account);
    snprintf(p->region, sizeof p->region, "%s", c->tenant.region[0] ? c->tenant.region
                                                                     : DEFAULT_REGION);
    const char *svc = c->svc ? c->svc->name
                             : c->tenant.signing_service[0] ? c->tenant.signing_service
                                                            : "unknown";
    snprintf(p->service, sizeof p->service, "%s", svc);
    snprintf(p->operation, sizeof p->operation, "%s", c->op_name);
    const char *ua = req && req->header ? req->header(req->ctx, "User-Agent") : NULL;
    if (ua) {
        size_t k = strcspn(ua, " \t");
        snprintf(p->client, sizeof p->client, "%.*s", (int)(k < 63 ? k : 63), ua);
    }
    p->attempt = journal_attempt(req && req->header ? req->header(req->ctx, "amz-sdk-request")
                                                    : NULL);
    p->sim_ms = c->now_ms;
    p->wall_ms = clock_wall_ms();
    p->status = c->status ? c->status : 200;
    if (c->err.set) {
        snprintf(p->error, sizeof p->error, "%s", c->err.code);
        if (c->err.message) {
            char cut[PARAM_STRING_MAX + 1];
            snprintf(cut, sizeof cut, "%s", c->err.message);
            p->message = xstrdup(cut);
        }
    }
    p->mutated = !c->err.set && c->op && (c->op->flags & OP_WRITE) && p->status < 300;
    if (c->in) {
        cJSON *params = journal_params(c->in);
        p->params = cJSON_PrintUnformatted(params);
        cJSON_Delete(params);
    }
    if (p->params == NULL)
        p->params = xstrdup("{}");
}

/* ---- GET /_drill/journal --------------------------------------------------------------- */

/* The JSON of one row (docs/control-api.md). */
static cJSON *entry_json(const struct journal_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    char iso[40];
    timefmt_iso8601((double)e->sim_ms / 1000.0, iso);
    cJSON_AddNumberToObject(o, "seq", (double)e->seq);
    cJSON_AddNumberToObject(o, "simMs", (double)e->sim_ms);
    cJSON_AddStringToObject(o, "sim", iso);
    cJSON_AddNumberToObject(o, "wallMs", (double)e->wall_ms);
    cJSON_AddStringToObject(o, "team", e->account);
    cJSON_AddStringToObject(o, "region", e->region);
    cJSON_AddStringToObject(o, "service", e->service);
    cJSON_AddStringToObject(o, "operation", e->operation);
    cJSON *params = cJSON_Parse(e->params ? e->params : "{}");
    cJSON_AddItemToObject(o, "params", params ? params : cJSON_CreateObject());
    cJSON_AddNumberToObject(o, "status", e->status);
    if (e->error)
        cJSON_AddStringToObject(o, "error", e->error);
    else
        cJSON_AddNullToObject(o, "error");
    if (e->message)
        cJSON_AddStringToObject(o, "message", e->message);
    cJSON_AddNumberToObject(o, "attempt", e->attempt);
    cJSON_AddBoolToObject(o, "mutated", e->mutated);
    if (e->client)
        cJSON_AddStringToObject(o, "client", e->client);
    else
        cJSON_AddNullToObject(o, "client");
    return o;
}

struct listing {
    cJSON *entries;   /* JSON: the array */
    struct buf *text; /* jsonl: the body */
    int64_t last;
};

static int add_entry(void *ctx, const struct journal_entry *e)
{
    struct listing *l = ctx;
    cJSON *o = entry_json(e);
    l->last = e->seq;
    if (l->text) {
        char *s = cJSON_PrintUnformatted(o);
        buf_puts(l->text, s);
        buf_putc(l->text, '\n');
        cJSON_free(s);
        cJSON_Delete(o);
    } else {
        cJSON_AddItemToArray(l->entries, o);
    }
    return 0;
}

/* Parses a whole number argument from 0 to max; returns 0, or -1. */
static int num_arg(const char *s, long long max, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end || v < 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

#define JOURNAL_PAGE_MAX 10000

static int ctl_journal(struct call *c, const struct http_request *req)
{
    journal_flush(c->sim);
    const char *since_s = ctl_arg(req, "since");
    const char *after_s = ctl_arg(req, "after");
    const char *limit_s = ctl_arg(req, "limit");
    const char *format = ctl_arg(req, "format");
    long long since = 0, after = 0, limit = 1000;
    if (since_s && num_arg(since_s, 9007199254740991LL, &since) != 0)
        return ctl_fail(c, 400, "BadRequest", "since must be a sim time in epoch milliseconds");
    if (after_s && num_arg(after_s, 9007199254740991LL, &after) != 0)
        return ctl_fail(c, 400, "BadRequest", "after must be a seq this server gave (next)");
    if (limit_s && (num_arg(limit_s, JOURNAL_PAGE_MAX, &limit) != 0 || limit < 1))
        return ctl_fail(c, 400, "BadRequest", "limit must be a number from 1 to 10000");
    int jsonl = format && strcmp(format, "jsonl") == 0;
    if (format && !jsonl && strcmp(format, "json") != 0)
        return ctl_fail(c, 400, "BadRequest", "format must be json or jsonl");
    struct listing l = {NULL, NULL, 0};
    if (jsonl) {
        buf_reset(&c->body);
        l.text = &c->body;
    } else {
        l.entries = cJSON_CreateArray();
    }
    /* a full page says a next one may exist: after=next reads it */
    int n = store_journal_each(c->sim->store, c->team->account, after, since, (int)limit,
                               add_entry, &l);
    if (n < 0) {
        cJSON_Delete(l.entries);
        buf_reset(&c->body);
        return ctl_fail(c, 500, "InternalFailure", "the journal could not be read");
    }
    if (jsonl) {
        c->content_type = "text/plain; charset=utf-8";
        return SIM_OK;
    }
    c->out = cJSON_CreateObject();
    cJSON_AddItemToObject(c->out, "entries", l.entries);
    if (n == limit)
        cJSON_AddNumberToObject(c->out, "next", (double)l.last);
    else
        cJSON_AddNullToObject(c->out, "next");
    return SIM_OK;
}

const struct ctl_route ctl_journal_routes[] = {
    {"GET", "/_drill/journal", ctl_journal},
    {NULL, NULL, NULL},
};
