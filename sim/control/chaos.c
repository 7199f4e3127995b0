/*
 * chaos.c - API chaos rules: the pipeline's chaos stage and the control endpoints that manage
 * the rules (see chaos.h; rows in sim/store/chaos.c).
 *
 * Endpoints (docs/control-api.md, "Chaos"):
 *   GET/POST/DELETE /_drill/chaos              drillsim's RULE format
 *   GET/POST/PATCH/DELETE /_drill/chaos/faults  LocalStack's Chaos API fault list (also at
 *                                              /_localstack/chaos/faults)
 *   GET/POST /_drill/chaos/effects             LocalStack's {"latency": ms} (also at
 *                                              /_localstack/chaos/effects)
 * Both formats end up as rows of one table; a LocalStack rule keeps the JSON it was posted
 * as (so GET answers it back and DELETE finds it by value).
 *
 * To add a match field: a column (a new migration), a member of struct chaos_rule, its parse
 * in chaos_rule_parse / its JSON in chaos_rule_json, and a test in chaos_rule_matches.
 */
#include "control/chaos.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "control/control_int.h"
#include "http/route.h"
#include "protocol/proto.h"
#include "services/model.h"
#include "services/service.h"
#include "sim.h"
#include "store/chaos.h"
#include "store/store.h"
#include "util/xmalloc.h"

/* ---- matching, counting and drawing ---- */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

double chaos_draw(uint64_t seed, int64_t id, int64_t n)
{
    /* "chaos" in the seed's mix keeps these draws apart from the team's other generators */
    uint64_t x = splitmix64(seed ^ 0x6368616f73000000ull);
    x = splitmix64(x ^ (uint64_t)id);
    x = splitmix64(x ^ (uint64_t)n);
    return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

int chaos_rule_matches(const struct chaos_rule *r, const char *service, const char *operation,
                       const char *region)
{
    if (r->service[0] && strcasecmp(r->service, service ? service : "") != 0)
        return 0;
    if (r->operation[0] && strcasecmp(r->operation, operation ? operation : "") != 0)
        return 0;
    if (r->region[0] && strcasecmp(r->region, region ? region : "") != 0)
        return 0;
    return 1;
}

int chaos_rule_step(struct chaos_rule *r, uint64_t seed)
{
    r->matched++;
    if (r->matched <= r->after)
        return 0;
    if (r->times >= 0 && r->fired >= r->times)
        return 0;
    if (r->probability < 1.0) {
        double d = chaos_draw(seed, r->id, r->draws);
        r->draws++;
        if (!(d < r->probability))
            return 0;
    }
    r->fired++;
    return 1;
}

static int is_throttle_code(const char *code)
{
    return strcmp(code, "Throttling") == 0 || strcmp(code, "ThrottlingException") == 0;
}

/*
 * The error code as the call's protocol spells throttling (aws-wire-protocols.md section 7):
 * "Throttling" for awsQuery, EC2 and the awsQueryCompatible services (CloudWatch, whose
 * x-amzn-query-error header carries the query code), "ThrottlingException" for awsJson and
 * CBOR. Other codes are answered as given.
 */
static const char *wire_code(const struct call *c, const char *code)
{
    if (!is_throttle_code(code))
        return code;
    int query_like = c->codec == &proto_query || c->codec == &proto_ec2 ||
                     (c->svc && c->svc->model->query_compatible);
    return query_like ? "Throttling" : "ThrottlingException";
}

int chaos_apply(struct call *c)
{
    if (c->team == NULL || c->svc == NULL)
        return SIM_OK;
    struct store *st = c->sim->store;
    struct chaos_rule *rules;
    int n;
    if (chaos_rules_list(st, c->team->account, NULL, &rules, &n) != 0) {
        fprintf(stderr, "drillsim: chaos: cannot read the rules of %s\n", c->team->account);
        return SIM_OK;
    }
    int rc = SIM_OK;
    for (int i = 0; i < n; i++) {
        struct chaos_rule *r = &rules[i];
        if (!chaos_rule_matches(r, c->svc->name, c->op_name, c->tenant.region))
            continue;
        int fire = chaos_rule_step(r, c->team->seed);
        if (chaos_rule_save_counters(st, c->team->account, r) != 0)
            fprintf(stderr, "drillsim: chaos: cannot count rule %lld\n", (long long)r->id);
        if (!fire)
            continue;
        if (r->latency_ms > 0) {
            c->delay_ms += r->latency_ms;
            if (c->delay_ms > CHAOS_LATENCY_MAX_MS)
                c->delay_ms = CHAOS_LATENCY_MAX_MS;
        }
        if (r->code[0]) {
            const char *code = wire_code(c, r->code);
            const char *msg = r->message[0]       ? r->message
                              : is_throttle_code(code) ? "Rate exceeded"
                                                       : NULL;
            if (msg)
                call_error_status(c, r->status, code, "%s", msg);
            else
                call_error_status(c, r->status, code,
                                  "Failure injected by drillsim chaos rule %lld",
                                  (long long)r->id);
            rc = SIM_ERROR;
            break;
        }
    }
    chaos_rules_free(rules, n);
    return rc;
}

/* ---- parsing and printing rules ---- */

/* Whether s is 1..max-1 characters of [A-Za-z0-9] and the given extra characters. */
static int word_ok(const char *s, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 strchr(extra, ch) != NULL;
        if (!ok)
            return 0;
    }
    return 1;
}

/* Reads an optional string member name of j into dst (size n, "" when absent). Returns 0, or -1
 * with the reason in err. */
static int opt_word(const cJSON *j, const char *name, char *dst, size_t n, const char *extra,
                    char *err, size_t errlen)
{
    dst[0] = '\0';
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !word_ok(v->valuestring, n, extra)) {
        snprintf(err, errlen, "%s must be a name of 1 to %zu letters, digits or \"%s\"", name,
                 n - 1, extra);
        return -1;
    }
    snprintf(dst, n, "%s", v->valuestring);
    return 0;
}

/* Reads an optional whole number member of j in [lo, hi] into *out (def when absent). */
static int opt_int(const cJSON *j, const char *name, int64_t lo, int64_t hi, int64_t def,
                   int64_t *out, char *err, size_t errlen)
{
    *out = def;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < (double)lo || v->valuedouble > (double)hi) {
        snprintf(err, errlen, "%s must be a whole number from %lld to %lld", name, (long long)lo,
                 (long long)hi);
        return -1;
    }
    *out = (int64_t)v->valuedouble;
    return 0;
}

static int opt_probability(const cJSON *j, double *out, char *err, size_t errlen)
{
    *out = 1.0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "probability");
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0.0 && v->valuedouble <= 1.0)) {
        snprintf(err, errlen, "probability must be a number from 0 to 1");
        return -1;
    }
    *out = v->valuedouble;
    return 0;
}

/* Characters allowed in names: service ("application-autoscaling"), operation, region. */
#define NAME_EXTRA "-_."
/* ... and in error codes ("com.amazon.coral.availability#ThrottlingException"). */
#define CODE_EXTRA "-_.:#"

/* Reads an error code and status into r. code_key/status_key name the members. */
static int parse_error(const cJSON *e, const char *code_key, const char *status_key,
                       struct chaos_rule *r, char *err, size_t errlen)
{
    if (opt_word(e, code_key, r->code, sizeof r->code, CODE_EXTRA, err, errlen) != 0)
        return -1;
    int64_t status;
    if (opt_int(e, status_key, 400, 599, 0, &status, err, errlen) != 0)
        return -1;
    r->status = (int)status;
    return 0;
}

int chaos_rule_parse(const cJSON *j, struct chaos_rule *r, char *err, size_t errlen)
{
    static const char *const known[] = {
        "id", "source", "service", "operation", "region", "probability", "after", "times",
        "error", "latencyMs", "matched", "fired", "spent", "createdMs", NULL,
    };
    memset(r, 0, sizeof *r);
    snprintf(r->source, sizeof r->source, "api");
    if (!cJSON_IsObject(j)) {
        snprintf(err, errlen, "a rule must be a JSON object");
        return -1;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, j)
    {
        int i = 0;
        while (known[i] && strcmp(known[i], m->string) != 0)
            i++;
        if (known[i] == NULL) {
            snprintf(err, errlen, "unknown member \"%.64s\" (a rule has service, operation, "
                                  "region, probability, after, times, error, latencyMs)",
                     m->string);
            return -1;
        }
    }
    if (opt_word(j, "service", r->service, sizeof r->service, NAME_EXTRA, err, errlen) != 0 ||
        opt_word(j, "operation", r->operation, sizeof r->operation, NAME_EXTRA, err, errlen) !=
            0 ||
        opt_word(j, "region", r->region, sizeof r->region, NAME_EXTRA, err, errlen) != 0 ||
        opt_probability(j, &r->probability, err, errlen) != 0 ||
        opt_int(j, "after", 0, 1000000000, 0, &r->after, err, errlen) != 0 ||
        opt_int(j, "times", 0, 1000000000, -1, &r->times, err, errlen) != 0 ||
        opt_int(j, "latencyMs", 0, CHAOS_LATENCY_MAX_MS, 0, &r->latency_ms, err, errlen) != 0)
        return -1;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    if (e && !cJSON_IsNull(e)) {
        if (!cJSON_IsObject(e)) {
            snprintf(err, errlen, "error must be an object {\"code\", \"status\", \"message\"}");
            return -1;
        }
        if (parse_error(e, "code", "status", r, err, errlen) != 0)
            return -1;
        if (r->code[0] == '\0') {
            snprintf(err, errlen, "error.code is required (e.g. \"ThrottlingException\")");
            return -1;
        }
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
        if (msg && !cJSON_IsNull(msg)) {
            if (!cJSON_IsString(msg) || strlen(msg->valuestring) >= sizeof r->message) {
                snprintf(err, errlen, "error.message must be a string of at most %zu bytes",
                         sizeof r->message - 1);
                return -1;
            }
            for (const char *p = msg->valuestring; *p; p++) {
                if ((unsigned char)*p < 0x20) {
                    snprintf(err, errlen, "error.message must not hold control characters");
                    return -1;
                }
            }
            snprintf(r->message, sizeof r->message, "%s", msg->valuestring);
        }
    }
    if (r->code[0] == '\0' && r->latency_ms == 0) {
        snprintf(err, errlen, "a rule needs an effect: error {\"code\", \"status\"} or latencyMs");
        return -1;
    }
    return 0;
}

cJSON *chaos_rule_json(const struct chaos_rule *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)r->id);
    cJSON_AddStringToObject(o, "source", r->source);
    if (r->service[0])
        cJSON_AddStringToObject(o, "service", r->service);
    if (r->operation[0])
        cJSON_AddStringToObject(o, "operation", r->operation);
    if (r->region[0])
        cJSON_AddStringToObject(o, "region", r->region);
    cJSON_AddNumberToObject(o, "probability", r->probability);
    cJSON_AddNumberToObject(o, "after", (double)r->after);
    if (r->times >= 0)
        cJSON_AddNumberToObject(o, "times", (double)r->times);
    if (r->code[0]) {
        cJSON *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", r->code);
        if (r->status)
            cJSON_AddNumberToObject(e, "status", r->status);
        if (r->message[0])
            cJSON_AddStringToObject(e, "message", r->message);
    }
    cJSON_AddNumberToObject(o, "latencyMs", (double)r->latency_ms);
    cJSON_AddNumberToObject(o, "matched", (double)r->matched);
    cJSON_AddNumberToObject(o, "fired", (double)r->fired);
    cJSON_AddBoolToObject(o, "spent", r->times >= 0 && r->fired >= r->times);
    cJSON_AddNumberToObject(o, "createdMs", (double)r->created_ms);
    return o;
}

int64_t chaos_add_rule(struct sim *sim, struct team *team, const cJSON *rule, const char *source,
                       char *err, size_t errlen)
{
    struct chaos_rule r;
    if (chaos_rule_parse(rule, &r, err, errlen) != 0)
        return -1;
    snprintf(r.source, sizeof r.source, "%s", source);
    r.created_ms = team_now_ms(team);
    int rc = chaos_rule_insert(sim->store, team->account, &r);
    if (rc == 1)
        snprintf(err, errlen, "a team has at most %d chaos rules", CHAOS_RULES_MAX);
    else if (rc != 0)
        snprintf(err, errlen, "the store could not save the rule");
    return rc == 0 ? r.id : -1;
}

/* ---- /_drill/chaos ---- */

static int ctl_chaos_list(struct call *c, const struct http_request *req)
{
    (void)req;
    struct chaos_rule *rules;
    int n;
    if (chaos_rules_list(c->sim->store, c->team->account, NULL, &rules, &n) != 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not list the rules");
    c->out = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(c->out, "rules");
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, chaos_rule_json(&rules[i]));
    chaos_rules_free(rules, n);
    return SIM_OK;
}

static int ctl_chaos_add(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    struct chaos_rule r;
    char err[256];
    int rc = chaos_rule_parse(b, &r, err, sizeof err);
    cJSON_Delete(b);
    if (rc != 0)
        return ctl_fail(c, 400, "BadRequest", err);
    r.created_ms = c->now_ms;
    rc = chaos_rule_insert(c->sim->store, c->team->account, &r);
    if (rc == 1) {
        snprintf(err, sizeof err, "a team has at most %d chaos rules", CHAOS_RULES_MAX);
        return ctl_fail(c, 409, "TooManyRules", err);
    }
    if (rc != 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not save the rule");
    c->out = chaos_rule_json(&r);
    return SIM_OK;
}

static int ctl_chaos_delete(struct call *c, const struct http_request *req)
{
    const char *id_s = ctl_arg(req, "id");
    int64_t id = -1;
    if (id_s) {
        char *end;
        long long v = strtoll(id_s, &end, 10);
        if (!id_s[0] || *end || v < 0)
            return ctl_fail(c, 400, "BadRequest", "id must be a rule id (a whole number)");
        id = v;
    }
    int n = chaos_rules_delete(c->sim->store, c->team->account, id, NULL);
    if (n < 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not delete the rules");
    c->out = cJSON_CreateObject();
    cJSON_AddNumberToObject(c->out, "deleted", n);
    return SIM_OK;
}

/* ---- LocalStack's Chaos API: /chaos/faults and /chaos/effects ---- */

/*
 * Parses one LocalStack fault rule ({service?, region?, operation?, probability?, error?:
 * {statusCode?, code?}}) into *r, with r->doc the rule as LocalStack answers it (only the
 * members given; owned). Unknown members are ignored, as LocalStack does. An error defaults
 * to 503 ServiceUnavailable. Returns 0, or -1 with the reason in err.
 */
static int ls_rule_parse(const cJSON *j, struct chaos_rule *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    snprintf(r->source, sizeof r->source, "localstack");
    r->times = -1;
    if (!cJSON_IsObject(j)) {
        snprintf(err, errlen, "each fault rule must be a JSON object");
        return -1;
    }
    if (opt_word(j, "service", r->service, sizeof r->service, NAME_EXTRA, err, errlen) != 0 ||
        opt_word(j, "operation", r->operation, sizeof r->operation, NAME_EXTRA, err, errlen) !=
            0 ||
        opt_word(j, "region", r->region, sizeof r->region, NAME_EXTRA, err, errlen) != 0 ||
        opt_probability(j, &r->probability, err, errlen) != 0)
        return -1;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    if (e && !cJSON_IsNull(e)) {
        if (!cJSON_IsObject(e)) {
            snprintf(err, errlen, "error must be an object {\"statusCode\", \"code\"}");
            return -1;
        }
        if (parse_error(e, "code", "statusCode", r, err, errlen) != 0)
            return -1;
    }
    if (r->code[0] == '\0')
        snprintf(r->code, sizeof r->code, "ServiceUnavailable");
    if (r->status == 0)
        r->status = is_throttle_code(r->code) ? 400 : 503;
    cJSON *doc = cJSON_CreateObject();
    static const char *const keys[] = {"service", "region", "operation", "probability", NULL};
    for (int i = 0; keys[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
        if (v && !cJSON_IsNull(v))
            cJSON_AddItemToObject(doc, keys[i], cJSON_Duplicate(v, 1));
    }
    if (e && !cJSON_IsNull(e)) {
        cJSON *de = cJSON_AddObjectToObject(doc, "error");
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(e, "statusCode");
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
        if (sc && !cJSON_IsNull(sc))
            cJSON_AddItemToObject(de, "statusCode", cJSON_Duplicate(sc, 1));
        if (code && !cJSON_IsNull(code))
            cJSON_AddItemToObject(de, "code", cJSON_Duplicate(code, 1));
    }
    r->doc = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return 0;
}

/* Parses the request body as a list of LocalStack fault rules into *out / *n (caller frees
 * with chaos_rules_free). Returns 0, or -1 after ctl_fail. */
static int ls_body_rules(struct call *c, const struct http_request *req,
                         struct chaos_rule **out, int *n)
{
    *out = NULL;
    *n = 0;
    cJSON *b = req->body_len ? cJSON_ParseWithLength(req->body, req->body_len)
                             : cJSON_CreateArray();
    if (!cJSON_IsArray(b)) {
        cJSON_Delete(b);
        return ctl_fail(c, 400, "BadRequest", "the body must be a JSON list of fault rules");
    }
    int count = cJSON_GetArraySize(b);
    if (count > CHAOS_RULES_MAX) {
        cJSON_Delete(b);
        return ctl_fail(c, 400, "BadRequest", "too many fault rules in one request");
    }
    struct chaos_rule *rules = xcalloc((size_t)count + 1, sizeof *rules);
    int i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, b)
    {
        char err[256];
        if (ls_rule_parse(item, &rules[i], err, sizeof err) != 0) {
            chaos_rules_free(rules, i + 1);
            cJSON_Delete(b);
            return ctl_fail(c, 400, "BadRequest", err);
        }
        rules[i].created_ms = c->now_ms;
        i++;
    }
    cJSON_Delete(b);
    *out = rules;
    *n = count;
    return 0;
}

/* Answers the team's LocalStack fault rules as LocalStack does: a JSON list. */
static int ls_answer(struct call *c)
{
    struct chaos_rule *rules;
    int n;
    if (chaos_rules_list(c->sim->store, c->team->account, "localstack", &rules, &n) != 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not list the rules");
    c->out = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *doc = rules[i].doc ? cJSON_Parse(rules[i].doc) : NULL;
        cJSON_AddItemToArray(c->out, doc ? doc : cJSON_CreateObject());
    }
    chaos_rules_free(rules, n);
    return SIM_OK;
}

/* Replaces (POST), extends (PATCH) or removes from (DELETE) the team's LocalStack rules. */
static int ls_change(struct call *c, const struct http_request *req, char how)
{
    struct chaos_rule *given;
    int n;
    if (ls_body_rules(c, req, &given, &n) != 0)
        return SIM_ERROR;
    struct store *st = c->sim->store;
    struct chaos_rule *have = NULL;
    int nhave = 0, rc = -1, full = 0;
    if (store_begin(st) != 0)
        goto out;
    if (how == 'P' && chaos_rules_delete(st, c->team->account, -1, "localstack") < 0)
        goto rollback;
    if (how == 'D') {
        if (chaos_rules_list(st, c->team->account, "localstack", &have, &nhave) != 0)
            goto rollback;
        for (int i = 0; i < nhave; i++) {
            cJSON *h = cJSON_Parse(have[i].doc ? have[i].doc : "{}");
            int hit = 0;
            for (int k = 0; k < n && !hit; k++) {
                cJSON *g = cJSON_Parse(given[k].doc);
                hit = cJSON_Compare(h, g, 1);
                cJSON_Delete(g);
            }
            cJSON_Delete(h);
            if (hit && chaos_rules_delete(st, c->team->account, have[i].id, "localstack") < 0)
                goto rollback;
        }
    } else {
        for (int i = 0; i < n; i++) {
            int ins = chaos_rule_insert(st, c->team->account, &given[i]);
            if (ins == 1)
                full = 1;
            if (ins != 0)
                goto rollback;
        }
    }
    if (store_commit(st) != 0)
        goto out;
    rc = 0;
    goto out;
rollback:
    store_rollback(st);
out:
    chaos_rules_free(given, n);
    chaos_rules_free(have, nhave);
    if (full) {
        char msg[80];
        snprintf(msg, sizeof msg, "a team has at most %d chaos rules", CHAOS_RULES_MAX);
        return ctl_fail(c, 409, "TooManyRules", msg);
    }
    if (rc != 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not change the rules");
    return ls_answer(c);
}

static int ctl_faults_get(struct call *c, const struct http_request *req)
{
    (void)req;
    return ls_answer(c);
}

static int ctl_faults_post(struct call *c, const struct http_request *req)
{
    return ls_change(c, req, 'P');
}

static int ctl_faults_patch(struct call *c, const struct http_request *req)
{
    return ls_change(c, req, 'A');
}

static int ctl_faults_delete(struct call *c, const struct http_request *req)
{
    return ls_change(c, req, 'D');
}

/* The team's LocalStack latency effect (the "effects" rule), in ms; 0 = none; -1 = error. */
static int64_t effects_latency(struct call *c)
{
    struct chaos_rule *rules;
    int n;
    if (chaos_rules_list(c->sim->store, c->team->account, "effects", &rules, &n) != 0)
        return -1;
    int64_t ms = n ? rules[0].latency_ms : 0;
    chaos_rules_free(rules, n);
    return ms;
}

static int effects_answer(struct call *c)
{
    int64_t ms = effects_latency(c);
    if (ms < 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not read the effects");
    c->out = cJSON_CreateObject();
    cJSON_AddNumberToObject(c->out, "latency", (double)ms);
    return SIM_OK;
}

static int ctl_effects_get(struct call *c, const struct http_request *req)
{
    (void)req;
    return effects_answer(c);
}

/* POST .../chaos/effects {"latency": ms}: every call of the team is held that long (0 ends
 * it). */
static int ctl_effects_post(struct call *c, const struct http_request *req)
{
    cJSON *b = ctl_body_json(c, req);
    if (b == NULL)
        return SIM_ERROR;
    int64_t ms;
    char err[160];
    int rc = opt_int(b, "latency", 0, CHAOS_LATENCY_MAX_MS, 0, &ms, err, sizeof err);
    cJSON_Delete(b);
    if (rc != 0)
        return ctl_fail(c, 400, "BadRequest", err);
    struct store *st = c->sim->store;
    if (store_begin(st) != 0)
        return ctl_fail(c, 500, "InternalFailure", "the store could not start a transaction");
    struct chaos_rule r;
    memset(&r, 0, sizeof r);
    snprintf(r.source, sizeof r.source, "effects");
    r.probability = 1.0;
    r.times = -1;
    r.latency_ms = ms;
    r.created_ms = c->now_ms;
    if (chaos_rules_delete(st, c->team->account, -1, "effects") < 0 ||
        (ms > 0 && chaos_rule_insert(st, c->team->account, &r) != 0) || store_commit(st) != 0) {
        store_rollback(st);
        return ctl_fail(c, 500, "InternalFailure", "the store could not save the effects");
    }
    return effects_answer(c);
}

const struct ctl_route ctl_chaos_routes[] = {
    {"GET", "/_drill/chaos", ctl_chaos_list},
    {"POST", "/_drill/chaos", ctl_chaos_add},
    {"DELETE", "/_drill/chaos", ctl_chaos_delete},
    {"GET", "/_drill/chaos/faults", ctl_faults_get},
    {"POST", "/_drill/chaos/faults", ctl_faults_post},
    {"PATCH", "/_drill/chaos/faults", ctl_faults_patch},
    {"DELETE", "/_drill/chaos/faults", ctl_faults_delete},
    {"GET", "/_drill/chaos/effects", ctl_effects_get},
    {"POST", "/_drill/chaos/effects", ctl_effects_post},
    {"GET", "/_localstack/chaos/faults", ctl_faults_get},
    {"POST", "/_localstack/chaos/faults", ctl_faults_post},
    {"PATCH", "/_localstack/chaos/faults", ctl_faults_patch},
    {"DELETE", "/_localstack/chaos/faults", ctl_faults_delete},
    {"GET", "/_localstack/chaos/effects", ctl_effects_get},
    {"POST", "/_localstack/chaos/effects", ctl_effects_post},
    {NULL, NULL, NULL},
};
