/*
 * report.c - GET /_drill/report: the drill report of a team's scenario (docs/control-api.md,
 * "Report"; the rules are in the README, "Drill reports and scores").
 *
 * The report is computed when asked, from what the store holds: the scenario's status (its
 * timeline with what ran, objectives, scoring targets, root_cause checks), the team's journal,
 * the alarm history, the metrics the world emitted, SSM values, and the world's state when it
 * still runs. Nothing is kept: asking twice at the same sim time gives the same report.
 *
 * To add a root_cause check: a case in eval_check() (and the validator in
 * sim/scenario/scenario.c, and the README). To add an objective kind: eval_objective().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/control_int.h"
#include "control/journal.h"
#include "control/report_int.h"
#include "engine/golden.h"
#include "engine/team.h"
#include "engine/world.h"
#include "http/route.h"
#include "scenario/scenario.h"
#include "sim.h"
#include "store/journal.h"
#include "store/rds.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

/* the journal keeps these first entries of a drill (JOURNAL_KEEP_FIRST); past them the
 * report reads the newest REPORT_TAIL_CALLS */
#define REPORT_CALLS_MAX JOURNAL_KEEP_FIRST
#define REPORT_TAIL_CALLS 1000
#define REPORT_MINUTES_MAX (7 * 24 * 60)
#define RECOVERY_MINUTES 5
#define RECOVERY_PCT 80.0

/* One journaled call, owned. */
struct owned_call {
    struct rpt_call c;
    char *service, *operation, *error, *message;
    cJSON *params;
};

/* Everything the report is made from. */
struct rctx {
    struct sim *sim;
    struct team *team;
    const char *env;
    const char *region;
    int64_t start_ms;
    int64_t now_ms; /* the report's present: the team's clock, or when the scenario stopped */
    struct owned_call *calls;
    int ncalls, cap;
    int64_t last_seq;       /* the seq of the last call read */
    int64_t calls_skipped;  /* journal entries between the first and the newest read */
    cJSON *world; /* world_status, or NULL when the world stopped */
    int max_conns;
};

static int collect(void *ctx, const struct journal_entry *e)
{
    struct rctx *x = ctx;
    if (x->ncalls == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 256;
        x->calls = xrealloc(x->calls, (size_t)x->cap * sizeof *x->calls);
    }
    struct owned_call *o = &x->calls[x->ncalls++];
    o->service = xstrdup(e->service);
    o->operation = xstrdup(e->operation);
    o->error = e->error ? xstrdup(e->error) : NULL;
    o->message = e->message ? xstrdup(e->message) : NULL;
    o->params = cJSON_Parse(e->params ? e->params : "{}");
    if (!cJSON_IsObject(o->params)) {
        cJSON_Delete(o->params);
        o->params = cJSON_CreateObject();
    }
    o->c = (struct rpt_call){e->sim_ms, o->service, o->operation, o->params, e->status,
                             o->error, o->message, e->attempt, e->mutated};
    x->last_seq = e->seq;
    return 0;
}

static void rctx_free(struct rctx *x)
{
    for (int i = 0; i < x->ncalls; i++) {
        struct owned_call *o = &x->calls[i];
        free(o->service);
        free(o->operation);
        free(o->error);
        free(o->message);
        cJSON_Delete(o->params);
    }
    free(x->calls);
    cJSON_Delete(x->world);
}

static void iso_of(int64_t ms, char out[40])
{
    timefmt_iso8601((double)ms / 1000.0, out);
}

static const struct rpt_call *call_at(const struct rctx *x, int i)
{
    return &x->calls[i].c;
}

static int ok(const struct rpt_call *e)
{
    return e->error == NULL && e->status < 300;
}

static int is_op(const struct rpt_call *e, const char *service, const char *op)
{
    return strcmp(e->service, service) == 0 && strcmp(e->operation, op) == 0;
}

/* 1 when e is a successful UpdateService that replaces the tasks (a forced deployment or a new
 * task definition). */
static int replaces_tasks(const struct rpt_call *e)
{
    return ok(e) && is_op(e, "ecs", "UpdateService") &&
           (cJSON_IsTrue(cJSON_GetObjectItem(e->params, "forceNewDeployment")) ||
            cJSON_IsString(cJSON_GetObjectItem(e->params, "taskDefinition")));
}

static int sets_failure_mode(const struct rpt_call *e)
{
    const cJSON *n = cJSON_GetObjectItem(e->params, "Name");
    return ok(e) && is_op(e, "ssm", "PutParameter") && cJSON_IsString(n) &&
           strcmp(n->valuestring, "/golden/failure_mode") == 0;
}

/* ---- root cause ------------------------------------------------------------------------ */

struct fix {
    int fixed;
    int64_t at_ms; /* when it became fixed; -1 = throughout / unknown */
    char detail[320];
};

static int world_tasks_all(const struct rctx *x, const char *member, int want)
{
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(x->world, "tasks");
    if (cJSON_GetArraySize(tasks) == 0)
        return 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tasks)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, member)) != want)
            return 0;
    }
    return 1;
}

static void fix_failure_mode(const struct rctx *x, struct fix *f)
{
    char value[64] = "";
    int rc = store_report_ssm_value(x->sim->store, x->team->account, x->region,
                                    "/golden/failure_mode", value, sizeof value);
    int restarts = 0;
    int64_t reset_at = -1;
    for (int i = 0; i < x->ncalls; i++) {
        const struct rpt_call *e = call_at(x, i);
        restarts += replaces_tasks(e);
        if (sets_failure_mode(e)) {
            const cJSON *v = cJSON_GetObjectItem(e->params, "Value");
            reset_at = cJSON_IsString(v) && strcmp(v->valuestring, "none") == 0 ? e->sim_ms
                                                                                 : -1;
        }
    }
    if (rc != 0 || strcmp(value, "none") != 0) {
        snprintf(f->detail, sizeof f->detail,
                 restarts ? "restart only: /golden/failure_mode is still %s, so the new tasks "
                            "leak again (reset it to none, then force a new deployment)"
                          : "/golden/failure_mode is still %s",
                 rc == 0 ? value : "unset");
        return;
    }
    int64_t deployed = -1;
    for (int i = 0; i < x->ncalls && deployed < 0; i++) {
        const struct rpt_call *e = call_at(x, i);
        if (replaces_tasks(e) && e->sim_ms >= reset_at)
            deployed = e->sim_ms;
    }
    if (deployed < 0) {
        snprintf(f->detail, sizeof f->detail,
                 "/golden/failure_mode is none, but the tasks that read connection_leak were "
                 "not replaced after the reset (force a new deployment)");
        return;
    }
    if (x->world && !world_tasks_all(x, "leaking", 0)) {
        snprintf(f->detail, sizeof f->detail,
                 "/golden/failure_mode is none and a deployment started; leaking tasks still "
                 "run (the deployment has not finished)");
        return;
    }
    char a[40], b[40];
    iso_of(reset_at < 0 ? x->start_ms : reset_at, a);
    iso_of(deployed, b);
    f->fixed = 1;
    f->at_ms = deployed;
    snprintf(f->detail, sizeof f->detail,
             "/golden/failure_mode reset to none (%s), tasks replaced by the deployment of %s", a,
             b);
}

/* The first successful call matching pred (with arg) in the journal; -1 when none. */
static int first_call(const struct rctx *x, int (*pred)(const struct rpt_call *, double),
                      double arg)
{
    for (int i = 0; i < x->ncalls; i++) {
        if (ok(call_at(x, i)) && pred(call_at(x, i), arg))
            return i;
    }
    return -1;
}

static int pred_scale_down(const struct rpt_call *e, double at_most)
{
    const cJSON *d = cJSON_GetObjectItem(e->params, "desiredCount");
    return is_op(e, "ecs", "UpdateService") && cJSON_IsNumber(d) && d->valuedouble <= at_most;
}

static int pred_proxy(const struct rpt_call *e, double unused)
{
    (void)unused;
    return is_op(e, "rds", "CreateDBProxy");
}

static int pred_params(const struct rpt_call *e, double unused)
{
    (void)unused;
    return is_op(e, "rds", "ModifyDBClusterParameterGroup") ||
           is_op(e, "rds", "ModifyDBParameterGroup");
}

static int pred_new_revision(const struct rpt_call *e, double unused)
{
    (void)unused;
    return is_op(e, "ecs", "UpdateService") &&
           cJSON_IsString(cJSON_GetObjectItem(e->params, "taskDefinition"));
}

static void fix_from_call(const struct rctx *x, int i, const char *what, const char *missing,
                          struct fix *f)
{
    if (i < 0) {
        snprintf(f->detail, sizeof f->detail, "%s", missing);
        return;
    }
    char a[40];
    iso_of(call_at(x, i)->sim_ms, a);
    f->fixed = 1;
    f->at_ms = call_at(x, i)->sim_ms;
    snprintf(f->detail, sizeof f->detail, "%s (%s:%s at %s)", what, call_at(x, i)->service,
             call_at(x, i)->operation, a);
}

static void eval_check(const struct rctx *x, const cJSON *check, struct fix *f)
{
    memset(f, 0, sizeof *f);
    f->at_ms = -1;
    const char *kind = cJSON_GetObjectItemCaseSensitive(check, "fix")->valuestring;
    if (strcmp(kind, "failure_mode_reset") == 0) {
        fix_failure_mode(x, f);
    } else if (strcmp(kind, "desired_count_reduced") == 0) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(check, "at_most");
        double at_most = cJSON_IsNumber(m) ? m->valuedouble : 4;
        char missing[96];
        snprintf(missing, sizeof missing, "the desired count was not brought down to %g or less",
                 at_most);
        fix_from_call(x, first_call(x, pred_scale_down, at_most), "desired count reduced",
                      missing, f);
    } else if (strcmp(kind, "db_proxy") == 0) {
        fix_from_call(x, first_call(x, pred_proxy, 0), "an RDS Proxy was created",
                      "no RDS Proxy was created", f);
    } else if (strcmp(kind, "max_connections_raised") == 0) {
        fix_from_call(x, first_call(x, pred_params, 0), "the DB parameter group was changed",
                      "max_connections was not raised", f);
    } else if (strcmp(kind, "pooling_deployed") == 0) {
        int i = first_call(x, pred_new_revision, 0);
        if (x->world && !world_tasks_all(x, "pooling", 1)) {
            snprintf(f->detail, sizeof f->detail,
                     "tasks without connection pooling still run (register a task definition "
                     "with DB_POOLING=on and roll it out)");
        } else {
            fix_from_call(x, i, "a task definition with pooling was rolled out",
                          "no new task definition was rolled out", f);
        }
    } else if (strcmp(kind, "no_drastic_action") == 0) {
        for (int i = 0; i < x->ncalls; i++) {
            const struct rpt_call *e = call_at(x, i);
            if (e->sim_ms >= x->start_ms && report_is_drastic(e)) {
                char a[40];
                iso_of(e->sim_ms, a);
                snprintf(f->detail, sizeof f->detail,
                         "a drastic action was taken: %s:%s at %s (nothing needed fixing)",
                         e->service, e->operation, a);
                return;
            }
        }
        f->fixed = 1;
        snprintf(f->detail, sizeof f->detail, "no drastic action (restart, scaling, reboot)");
    } else {
        snprintf(f->detail, sizeof f->detail, "unknown check %s", kind);
    }
}

/* Evaluates the scenario's root_cause list into out (an array); returns 1 when every entry
 * holds, and sets *at_ms to when the last one came to hold (-1 = throughout). */
static int eval_root_cause(const struct rctx *x, const cJSON *rc, cJSON *out, int64_t *at_ms)
{
    int all = 1;
    *at_ms = -1;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, rc)
    {
        const cJSON *any = cJSON_GetObjectItemCaseSensitive(entry, "any_of");
        struct fix best = {0, -1, ""};
        struct buf why;
        buf_init(&why, 4096);
        const cJSON *checks = any ? any : NULL;
        const cJSON *check = any ? checks->child : entry;
        for (; check; check = any ? check->next : NULL) {
            struct fix f;
            eval_check(x, check, &f);
            if (f.fixed && (!best.fixed || f.at_ms < best.at_ms))
                best = f;
            buf_printf(&why, "%s%s", why.len ? "; " : "", f.detail);
        }
        buf_putc(&why, '\0');
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "check", cJSON_Duplicate(entry, 1));
        cJSON_AddBoolToObject(o, "fixed", best.fixed);
        cJSON_AddStringToObject(o, "detail", best.fixed ? best.detail : why.p);
        buf_free(&why);
        cJSON_AddItemToArray(out, o);
        if (!best.fixed)
            all = 0;
        else if (best.at_ms > *at_ms)
            *at_ms = best.at_ms;
    }
    return all;
}

/* ---- metrics: objectives and recovery -------------------------------------------------- */

static int64_t duration_or(const cJSON *o, const char *name, int64_t dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    int64_t ms;
    if (cJSON_IsString(v) && scenario_duration(v->valuestring, &ms) == 0 && ms > 0)
        return ms;
    return dflt;
}

/* Sum of a metric's per-minute Sum over [from, to). */
static double metric_sum(const struct rctx *x, const char *ns, const char *name, int64_t from,
                         int64_t to, int *points)
{
    static int64_t ts[REPORT_MINUTES_MAX];
    static double v[REPORT_MINUTES_MAX];
    int n = store_report_minutes(x->sim->store, x->team->account, x->region, ns, name, "Sum",
                                 from, to, ts, v, REPORT_MINUTES_MAX);
    double s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    *points = n < 0 ? 0 : n;
    return s;
}

static cJSON *eval_objective(const struct rctx *x, const cJSON *o, int *met)
{
    const char *name = cJSON_GetObjectItemCaseSensitive(o, "name")->valuestring;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "name", name);
    char detail[400] = "";
    *met = 0;
    const cJSON *metric = cJSON_GetObjectItemCaseSensitive(o, "metric");
    const cJSON *ssm = cJSON_GetObjectItemCaseSensitive(o, "ssm");
    const cJSON *alarm = cJSON_GetObjectItemCaseSensitive(o, "alarm");
    if (cJSON_IsString(metric)) {
        char ns[128];
        snprintf(ns, sizeof ns, "%s", metric->valuestring);
        char *mname = strchr(ns, ' ');
        if (mname == NULL) {
            cJSON_AddBoolToObject(r, "met", 0);
            cJSON_AddStringToObject(r, "detail", "the metric is not \"NAMESPACE MetricName\"");
            return r;
        }
        *mname++ = '\0';
        int64_t span = duration_or(o, "for", 5 * 60000);
        int64_t to = x->now_ms / 60000 * 60000, from = to - span;
        const cJSON *rate = cJSON_GetObjectItemCaseSensitive(o, "rate_of");
        const cJSON *below = cJSON_GetObjectItemCaseSensitive(o, "below");
        const cJSON *above = cJSON_GetObjectItemCaseSensitive(o, "above");
        const cJSON *pct = cJSON_GetObjectItemCaseSensitive(o, "below_pct_of_max");
        if (cJSON_IsString(rate)) {
            int pn, pd;
            double num = metric_sum(x, ns, mname, from, to, &pn);
            double den = metric_sum(x, ns, rate->valuestring, from, to, &pd);
            double ratio = den > 0 ? num / den : 0;
            double lim = cJSON_IsNumber(below) ? below->valuedouble
                                               : cJSON_IsNumber(above) ? above->valuedouble : 0;
            *met = pd > 0 && den > 0 && (cJSON_IsNumber(above) ? ratio > lim : ratio < lim);
            snprintf(detail, sizeof detail, "%s / %s over the last %lld min: %g / %g = %.4f "
                     "(%s %g)", mname, rate->valuestring, (long long)(span / 60000), num, den,
                     ratio, cJSON_IsNumber(above) ? "above" : "below", lim);
        } else {
            const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "stat");
            const char *stat = cJSON_IsString(st) ? st->valuestring : "Average";
            double lim;
            int want_below = 1;
            if (cJSON_IsNumber(pct)) {
                lim = x->max_conns > 0 ? pct->valuedouble / 100.0 * x->max_conns : -1;
            } else if (cJSON_IsNumber(below)) {
                lim = below->valuedouble;
            } else {
                lim = above->valuedouble;
                want_below = 0;
            }
            static int64_t ts[REPORT_MINUTES_MAX];
            static double v[REPORT_MINUTES_MAX];
            int n = store_report_minutes(x->sim->store, x->team->account, x->region, ns, mname,
                                         stat, from, to, ts, v, REPORT_MINUTES_MAX);
            double worst = 0;
            int good = n > 0 && lim >= 0;
            for (int i = 0; i < n; i++) {
                if (i == 0 || (want_below ? v[i] > worst : v[i] < worst))
                    worst = v[i];
                if (want_below ? v[i] >= lim : v[i] <= lim)
                    good = 0;
            }
            *met = good;
            snprintf(detail, sizeof detail,
                     "%s %s over the last %lld min: %s %g, limit %s %g (%d minutes of data)",
                     mname, stat, (long long)(span / 60000), want_below ? "highest" : "lowest",
                     worst, want_below ? "below" : "above", lim, n < 0 ? 0 : n);
        }
    } else if (cJSON_IsString(ssm)) {
        const char *want = cJSON_GetObjectItemCaseSensitive(o, "equals")->valuestring;
        char value[256] = "";
        int rc = store_report_ssm_value(x->sim->store, x->team->account, x->region,
                                        ssm->valuestring, value, sizeof value);
        *met = rc == 0 && strcmp(value, want) == 0;
        snprintf(detail, sizeof detail, "%s is %s%s%s (wanted %s)", ssm->valuestring,
                 rc == 0 ? "\"" : "", rc == 0 ? value : "not set", rc == 0 ? "\"" : "", want);
    } else if (cJSON_IsString(alarm)) {
        char nm[256], state[32] = "";
        const char *pat = alarm->valuestring;
        const char *brace = strstr(pat, "{env}");
        if (brace)
            snprintf(nm, sizeof nm, "%.*s%s%s", (int)(brace - pat), pat, x->env, brace + 5);
        else
            snprintf(nm, sizeof nm, "%s", pat);
        const char *want = cJSON_GetObjectItemCaseSensitive(o, "state")->valuestring;
        int rc = store_report_alarm_state(x->sim->store, x->team->account, x->region, nm, state,
                                          sizeof state);
        *met = rc == 0 && strcmp(state, want) == 0;
        snprintf(detail, sizeof detail, "alarm %s is %s (wanted %s)", nm,
                 rc == 0 ? state : "missing", want);
    }
    cJSON_AddBoolToObject(r, "met", *met);
    cJSON_AddStringToObject(r, "detail", detail);
    return r;
}

static void add_event(cJSON *tl, int64_t ms, const char *event, const char *detail)
{
    char iso[40];
    iso_of(ms, iso);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "at", iso);
    cJSON_AddNumberToObject(o, "atMs", (double)ms);
    cJSON_AddStringToObject(o, "event", event);
    cJSON_AddStringToObject(o, "detail", detail);
    cJSON_AddItemToArray(tl, o);
}

#define TIMELINE_MAX 4096

/* Puts the events of tl in time order (stable: events of one instant keep their order). */
static void sort_events(cJSON *tl)
{
    cJSON *v[TIMELINE_MAX];
    int n = 0;
    while (tl->child && n < TIMELINE_MAX)
        v[n++] = cJSON_DetachItemViaPointer(tl, tl->child);
    for (int i = 1; i < n; i++) {
        for (int k = i; k > 0; k--) {
            double a = cJSON_GetObjectItemCaseSensitive(v[k - 1], "atMs")->valuedouble;
            double b = cJSON_GetObjectItemCaseSensitive(v[k], "atMs")->valuedouble;
            if (a <= b)
                break;
            cJSON *t = v[k];
            v[k] = v[k - 1];
            v[k - 1] = t;
        }
    }
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(tl, v[i]);
}

/* Walks the minutes from from_ms to the report's present: "recovery" when connections stayed
 * under RECOVERY_PCT % of max and no 5xx was counted for RECOVERY_MINUTES whole minutes (at the
 * first of them), "relapse" at the first bad minute after a recovery. Adds the events to tl;
 * returns the recovery that still holds now, or -1 (never recovered, or relapsed since). */
static int64_t find_recovery(const struct rctx *x, int64_t from_ms, cJSON *tl)
{
    if (x->max_conns <= 0)
        return -1;
    int64_t from = (from_ms + 59999) / 60000 * 60000, to = x->now_ms / 60000 * 60000;
    if (to - from < RECOVERY_MINUTES * 60000)
        return -1;
    if ((to - from) / 60000 > REPORT_MINUTES_MAX)
        from = to - (int64_t)REPORT_MINUTES_MAX * 60000;
    int64_t *cts = xmalloc(REPORT_MINUTES_MAX * sizeof *cts);
    int64_t *ets = xmalloc(REPORT_MINUTES_MAX * sizeof *ets);
    double *cv = xmalloc(REPORT_MINUTES_MAX * sizeof *cv);
    double *ev = xmalloc(REPORT_MINUTES_MAX * sizeof *ev);
    int nc = store_report_minutes(x->sim->store, x->team->account, x->region, "AWS/RDS",
                                  "DatabaseConnections", "Maximum", from, to, cts, cv,
                                  REPORT_MINUTES_MAX);
    int ne = store_report_minutes(x->sim->store, x->team->account, x->region,
                                  "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", from,
                                  to, ets, ev, REPORT_MINUTES_MAX);
    double lim = RECOVERY_PCT / 100.0 * x->max_conns;
    int64_t holding = -1;
    int run = 0, j = 0;
    int64_t run_start = -1, expect = -1;
    for (int i = 0; i < nc; i++) {
        while (j < ne && ets[j] < cts[i])
            j++;
        int bad5xx = j < ne && ets[j] == cts[i] && ev[j] > 0;
        int good = cv[i] < lim && !bad5xx;
        if (holding >= 0) {
            if (!good) {
                char d[160];
                snprintf(d, sizeof d, "%s (connections %g of max %d, 5xx %g)",
                         cv[i] >= lim ? "connections back over the limit" : "5xx again", cv[i],
                         x->max_conns, bad5xx ? ev[j] : 0.0);
                add_event(tl, cts[i], "relapse", d);
                holding = -1;
                run = 0;
            }
            expect = cts[i] + 60000;
            continue;
        }
        if (!good || cts[i] != expect) {
            run = 0;
            run_start = cts[i];
        }
        if (good && ++run >= RECOVERY_MINUTES) {
            char d[120];
            snprintf(d, sizeof d, "connections under %.0f%% of max (%d) and no 5xx for %d min",
                     RECOVERY_PCT, x->max_conns, RECOVERY_MINUTES);
            add_event(tl, run_start, "recovery", d);
            holding = run_start;
        }
        expect = cts[i] + 60000;
    }
    free(cts);
    free(ets);
    free(cv);
    free(ev);
    return holding;
}

/* ---- the report ------------------------------------------------------------------------ */

static void outcome_of(const struct rpt_call *e, char *out, size_t n)
{
    if (e->error)
        snprintf(out, n, "HTTP %d %s%s%s", e->status, e->error, e->message ? ": " : "",
                 e->message ? e->message : "");
    else
        snprintf(out, n, "ok");
}

/* The commands table: the journal, consecutive repeats of one call folded into a count. */
static void add_commands(const struct rctx *x, cJSON *report)
{
    cJSON *cmds = cJSON_AddArrayToObject(report, "commands");
    cJSON *hints = cJSON_AddArrayToObject(report, "hints");
    cJSON *last = NULL;
    char last_key[600] = "";
    int seen_kinds = 0;
    static const char *const kinds[] = {"comma-statistics", "date-only-window",
                                        "placeholder-arns"};
    /* the runbook's own table: each step, how often it was used, its last outcome */
    cJSON *book = cJSON_AddArrayToObject(report, "runbook");
    for (const struct rpt_step *st = report_runbook; st->step; st++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "step", st->step);
        cJSON_AddStringToObject(o, "command", st->command);
        cJSON_AddNumberToObject(o, "used", 0);
        cJSON_AddNullToObject(o, "firstAt");
        cJSON_AddNullToObject(o, "lastOutcome");
        cJSON_AddItemToArray(book, o);
    }
    for (int i = 0; i < x->ncalls; i++) {
        const struct rpt_call *e = call_at(x, i);
        if (strcmp(e->service, "sts") == 0)
            continue;
        char outcome[320], key[600];
        outcome_of(e, outcome, sizeof outcome);
        const char *step = report_runbook_step(e);
        for (int k = 0; step && report_runbook[k].step; k++) {
            if (report_runbook[k].step != step)
                continue;
            cJSON *row = cJSON_GetArrayItem(book, k);
            cJSON *used = cJSON_GetObjectItemCaseSensitive(row, "used");
            if (used->valuedouble == 0) {
                char at[40];
                iso_of(e->sim_ms, at);
                cJSON_ReplaceItemInObjectCaseSensitive(row, "firstAt", cJSON_CreateString(at));
            }
            cJSON_SetNumberValue(used, used->valuedouble + 1);
            cJSON_ReplaceItemInObjectCaseSensitive(row, "lastOutcome",
                                                   cJSON_CreateString(outcome));
        }
        cJSON *h = report_hint(e, x->env);
        snprintf(key, sizeof key, "%s|%s|%s|%s|%d", e->service, e->operation, outcome,
                 step ? step : "", h != NULL);
        if (last && strcmp(key, last_key) == 0) {
            cJSON *cnt = cJSON_GetObjectItemCaseSensitive(last, "count");
            cJSON_SetNumberValue(cnt, cnt->valuedouble + 1);
            cJSON_Delete(h);
            continue;
        }
        snprintf(last_key, sizeof last_key, "%s", key);
        char iso[40];
        iso_of(e->sim_ms, iso);
        last = cJSON_CreateObject();
        cJSON_AddStringToObject(last, "at", iso);
        cJSON_AddNumberToObject(last, "atMs", (double)e->sim_ms);
        cJSON_AddStringToObject(last, "service", e->service);
        cJSON_AddStringToObject(last, "operation", e->operation);
        if (step)
            cJSON_AddStringToObject(last, "runbookStep", step);
        else
            cJSON_AddNullToObject(last, "runbookStep");
        cJSON_AddStringToObject(last, "outcome", outcome);
        cJSON_AddNumberToObject(last, "count", 1);
        if (h) {
            cJSON_AddStringToObject(last, "hint",
                                    cJSON_GetObjectItemCaseSensitive(h, "fix")->valuestring);
            const char *kind = cJSON_GetObjectItemCaseSensitive(h, "kind")->valuestring;
            int bit = 0;
            for (int k = 0; k < 3; k++)
                bit = strcmp(kinds[k], kind) == 0 ? 1 << k : bit;
            if (!(seen_kinds & bit)) {
                seen_kinds |= bit;
                cJSON_AddStringToObject(h, "at", iso);
                cJSON_AddStringToObject(h, "service", e->service);
                cJSON_AddStringToObject(h, "operation", e->operation);
                cJSON_AddStringToObject(h, "outcome", outcome);
                cJSON_AddItemToArray(hints, h);
            } else {
                cJSON_Delete(h);
            }
        } else {
            cJSON_AddNullToObject(last, "hint");
        }
        cJSON_AddItemToArray(cmds, last);
    }
}

static double seconds_or_null(cJSON *o, const char *name, int64_t from, int64_t to)
{
    if (from < 0 || to < 0) {
        cJSON_AddNullToObject(o, name);
        return -1;
    }
    double s = (double)(to - from) / 1000.0;
    cJSON_AddNumberToObject(o, name, s);
    return s;
}

/* Builds the report of team's scenario as a new object, or NULL when it runs none. */
cJSON *report_build(struct sim *sim, struct team *team)
{
    cJSON *st = scenario_status(sim, team);
    if (st == NULL)
        return NULL;
    struct rctx x = {0};
    x.sim = sim;
    x.team = team;
    x.env = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "env"));
    x.region = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "region"));
    if (x.env == NULL)
        x.env = "dev";
    if (x.region == NULL)
        x.region = DEFAULT_REGION;
    x.start_ms = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(st, "startMs"));
    const cJSON *stopped = cJSON_GetObjectItemCaseSensitive(st, "stoppedMs");
    x.now_ms = cJSON_IsNumber(stopped) ? (int64_t)stopped->valuedouble : team_now_ms(team);
    x.world = world_status(sim, team);
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(x.world, "database");
    const cJSON *mc = cJSON_GetObjectItemCaseSensitive(db, "maxConnections");
    x.max_conns = cJSON_IsNumber(mc) ? mc->valueint : -1;
    if (x.max_conns <= 0) {
        /* the world stopped: the cluster's own max_connections, as the model read it */
        struct rds_cluster_info ci;
        char id[96];
        golden_name(GOLDEN_DB_CLUSTER, x.env, id, sizeof id);
        if (rds_cluster_info(sim->store, team->account, x.region, id, &ci) == 0)
            x.max_conns = ci.max_connections;
    }
    store_journal_each(sim->store, team->account, 0, 0, REPORT_CALLS_MAX, collect, &x);
    if (x.ncalls == REPORT_CALLS_MAX) {
        /* a long journal: its newest calls too, so "what the team did" stays current */
        int64_t total = store_journal_count(sim->store, team->account);
        store_journal_tail(sim->store, team->account, x.last_seq, REPORT_TAIL_CALLS, collect,
                           &x);
        x.calls_skipped = total > x.ncalls ? total - x.ncalls : 0;
    }

    cJSON *r = cJSON_CreateObject();
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "name"));
    cJSON_AddStringToObject(r, "scenario", name ? name : "");
    cJSON_AddStringToObject(r, "team", team->account);
    cJSON_AddStringToObject(r, "env", x.env);
    cJSON_AddBoolToObject(r, "running", !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(st,
                                                                                 "running")));
    char iso[40];
    iso_of(x.now_ms, iso);
    cJSON_AddStringToObject(r, "asOf", iso);
    cJSON_AddNumberToObject(r, "asOfMs", (double)x.now_ms);

    /* the timeline */
    cJSON *tl = cJSON_CreateArray();
    add_event(tl, x.start_ms, "drill started", name ? name : "");
    int64_t fault_ms = -1;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(st, "timeline"))
    {
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ev, "ran")))
            continue;
        const cJSON *ran = cJSON_GetObjectItemCaseSensitive(ev, "ranAtMs");
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(ev, "atMs");
        if (!cJSON_IsNumber(ran) && !cJSON_IsNumber(at))
            continue;
        int64_t ms = (int64_t)(cJSON_IsNumber(ran) ? ran->valuedouble : at->valuedouble);
        char d[300];
        const char *what = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "do"));
        const char *value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "value"));
        const char *note = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "note"));
        snprintf(d, sizeof d, "%s%s%s%s%s", what ? what : "?", value ? " " : "",
                 value ? value : "", note ? ": " : "", note ? note : "");
        add_event(tl, ms, "fault injected", d);
        if (fault_ms < 0 || ms < fault_ms)
            fault_ms = ms;
    }
    char alarm[96];
    golden_name(GOLDEN_CONNS_ALARM, x.env, alarm, sizeof alarm);
    int64_t fired = -1;
    int64_t since = fault_ms >= 0 ? fault_ms : x.start_ms;
    if (store_report_alarm_fired(sim->store, team->account, x.region, alarm, since, &fired) == 0)
        add_event(tl, fired, "alarm fired", alarm);
    int64_t ref = fault_ms < 0 ? -1 : fault_ms > x.start_ms ? fault_ms : x.start_ms;
    int64_t diag = -1, remed = -1;
    for (int i = 0; i < x.ncalls; i++) {
        const struct rpt_call *e = call_at(&x, i);
        char d[200];
        snprintf(d, sizeof d, "%s:%s", e->service, e->operation);
        if (diag < 0 && report_is_diagnostic(e) && e->sim_ms >= (ref < 0 ? x.start_ms : ref)) {
            diag = e->sim_ms;
            add_event(tl, e->sim_ms, "first diagnostic call", d);
        }
        if (remed < 0 && report_is_remediation(e) && e->sim_ms >= x.start_ms) {
            remed = e->sim_ms;
            add_event(tl, e->sim_ms, "first remediation", d);
        }
    }

    /* the root cause */
    cJSON *rcj = cJSON_CreateObject();
    cJSON *checks = cJSON_AddArrayToObject(rcj, "checks");
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(st, "root_cause");
    int64_t fixed_at = -1;
    int fixed;
    if (cJSON_IsArray(rc) && cJSON_GetArraySize(rc) > 0) {
        fixed = eval_root_cause(&x, rc, checks, &fixed_at);
    } else {
        /* a scenario without checks: nothing drastic is the right answer */
        cJSON *none = cJSON_CreateArray();
        cJSON *c0 = cJSON_CreateObject();
        cJSON_AddStringToObject(c0, "fix", "no_drastic_action");
        cJSON_AddItemToArray(none, c0);
        fixed = eval_root_cause(&x, none, checks, &fixed_at);
        cJSON_Delete(none);
    }
    if (fixed && fixed_at >= 0)
        add_event(tl, fixed_at, "root cause fixed", "");
    int64_t recovery = -1;
    if (ref >= 0) {
        recovery = find_recovery(&x, ref, tl);
    }
    if (cJSON_IsNumber(stopped))
        add_event(tl, (int64_t)stopped->valuedouble, "drill stopped", "");

    /* objectives */
    cJSON *objs = cJSON_CreateArray();
    int met_n = 0, total = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(st, "objectives"))
    {
        int met;
        cJSON_AddItemToArray(objs, eval_objective(&x, o, &met));
        met_n += met;
        total++;
    }

    /* the score */
    const cJSON *scoring = cJSON_GetObjectItemCaseSensitive(st, "scoring");
    struct rpt_score_in in = {
        .has_fault = fault_ms >= 0,
        .root_fixed = fixed,
        .objectives_met = met_n,
        .objectives_total = total,
        .detect_within_s = (double)duration_or(scoring, "detect_within", 5 * 60000) / 1000.0,
        .mitigate_within_s =
            (double)duration_or(scoring, "mitigate_within", 15 * 60000) / 1000.0,
    };
    cJSON *explain = cJSON_CreateObject();
    /* acting on the incident shows it was detected, even without a look first */
    int64_t detected = diag;
    if (ref >= 0 && remed >= ref && (detected < 0 || remed < detected))
        detected = remed;
    in.ttd_s = seconds_or_null(r, "timeToDetectSeconds", ref, detected);
    in.ttm_s = seconds_or_null(r, "timeToMitigateSeconds", ref, recovery);
    int score = report_score(&in, explain);
    cJSON_AddNumberToObject(explain, "detectWithinSeconds", in.detect_within_s);
    cJSON_AddNumberToObject(explain, "mitigateWithinSeconds", in.mitigate_within_s);
    cJSON_AddStringToObject(explain, "detectedBy",
                            "the team's first diagnostic call (a describe, get, list or query) "
                            "or remediation after the incident began: the first fault, or the "
                            "drill's start when the fault came before it");
    cJSON_AddStringToObject(explain, "mitigatedBy",
                            "recovery: connections under 80% of max_connections and no 5xx for "
                            "5 whole minutes, with no relapse since");
    cJSON_AddNumberToObject(r, "score", score);
    cJSON_AddBoolToObject(r, "passed", score >= 70);
    cJSON_AddBoolToObject(r, "rootCauseFixed", fixed);
    char summary[400];
    const cJSON *first = cJSON_GetArrayItem(checks, 0);
    snprintf(summary, sizeof summary, "%s",
             fixed ? "The root cause was fixed."
                   : "The root cause was NOT fixed");
    if (!fixed) {
        /* name the first check that did not hold */
        const cJSON *c;
        cJSON_ArrayForEach(c, checks)
        {
            if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "fixed"))) {
                first = c;
                break;
            }
        }
        snprintf(summary, sizeof summary, "The root cause was NOT fixed: %s.",
                 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, "detail")));
    }
    cJSON_AddStringToObject(rcj, "summary", summary);
    cJSON_AddBoolToObject(rcj, "fixed", fixed);
    cJSON_AddItemToObject(r, "rootCause", rcj);
    sort_events(tl);
    cJSON_AddItemToObject(r, "timeline", tl);
    cJSON_AddItemToObject(r, "objectives", objs);
    add_commands(&x, r);
    cJSON_AddNumberToObject(r, "callsSkipped", (double)x.calls_skipped);
    cJSON_AddItemToObject(r, "scoring", explain);
    rctx_free(&x);
    cJSON_Delete(st);
    return r;
}

static int ctl_report(struct call *c, const struct http_request *req)
{
    journal_flush(c->sim);
    const char *format = ctl_arg(req, "format");
    if (format && strcmp(format, "json") && strcmp(format, "md") && strcmp(format, "html"))
        return ctl_fail(c, 400, "BadRequest", "format must be json, md or html");
    cJSON *r = report_build(c->sim, c->team);
    if (r == NULL)
        return ctl_fail(c, 404, "NotFound", "this team has no scenario to report on");
    if (format && strcmp(format, "json")) {
        buf_reset(&c->body);
        if (strcmp(format, "md") == 0) {
            report_render_md(r, &c->body);
            c->content_type = "text/markdown; charset=utf-8";
        } else {
            report_render_html(r, &c->body);
            c->content_type = "text/html; charset=utf-8";
        }
        cJSON_Delete(r);
        return SIM_OK;
    }
    c->out = r;
    return SIM_OK;
}

const struct ctl_route ctl_report_routes[] = {
    {"GET", "/_drill/report", ctl_report},
    {NULL, NULL, NULL},
};
