/*
 * verbs.c - drillctl's verbs: one control-API call each (docs/control-api.md), printed as
 * text for people or as the server's JSON (--json) for scripts.
 *
 * A verb builds its request from its arguments, makes the call with ctl_call() (which prints
 * the server's errors and picks the exit code) and renders the answer. Renderings read the
 * answer with the tolerant ctl_str/ctl_num lookups, so a field the server adds later never
 * breaks them. To add a verb: a `verb_<name>` here, a row in ctl_verbs[] at the end (see
 * drillctl.c's header).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drillctl.h"
#include "util/timefmt.h"
#include "util/xmalloc.h"

/* The control API takes at most a week per advance (MAX_ADVANCE_S in sim/control/control.c). */
#define ADVANCE_CHUNK_S (7 * 86400)
/* Longest advance drillctl splits into calls: a year. */
#define ADVANCE_MAX_S (366LL * 86400)
/* The journal is read in pages of this many entries (the server's largest), at most this many
 * pages (a hundred million calls) in one run. */
#define JOURNAL_PAGE 10000
#define JOURNAL_MAX_PAGES 10000

/* ---- shared renderings ----------------------------------------------------------------- */

/* Prints "2026-01-01T00:20:00Z (manual)" for a CLOCK object. */
static void print_clock(const struct ctl *ctl, FILE *f, const cJSON *clock)
{
    const char *mode = ctl_str(clock, "mode", "?");
    fprintf(f, "%s%s%s (%s%s)", ctl_sgr(ctl, CTL_BOLD), ctl_str(clock, "now", "?"),
            ctl_sgr(ctl, CTL_RESET), mode, ctl_bool(clock, "paused") == 1 ? ", paused" : "");
}

/* The members of a timeline step other than its bookkeeping, as "k=v k=v". */
static void print_step_params(FILE *f, const cJSON *step)
{
    static const char *const skip[] = {"at", "do", "atMs", "ran", "ranAtMs", "error", "note",
                                       NULL};
    for (const cJSON *m = step->child; m; m = m->next) {
        int hidden = 0;
        for (int i = 0; skip[i] && !hidden; i++)
            hidden = strcmp(m->string, skip[i]) == 0;
        if (hidden)
            continue;
        if (cJSON_IsString(m)) {
            fprintf(f, " %s=%s", m->string, m->valuestring);
        } else {
            char *s = cJSON_PrintUnformatted(m);
            fprintf(f, " %s=%s", m->string, s ? s : "?");
            cJSON_free(s);
        }
    }
}

/* Renders a scenario STATUS (start, status, stop). */
static void print_status(const struct ctl *ctl, const cJSON *st, const char *headline)
{
    fprintf(stdout, "%s%s%s %s for team %s (env %s, region %s)\n", ctl_sgr(ctl, CTL_BOLD),
            headline, ctl_sgr(ctl, CTL_RESET), ctl_str(st, "name", "?"), ctl->team,
            ctl_str(st, "env", "?"), ctl_str(st, "region", "?"));
    const cJSON *clock = cJSON_GetObjectItemCaseSensitive(st, "clock");
    fputs("state      ", stdout);
    fputs(ctl_bool(st, "running") == 1 ? "running" : "stopped", stdout);
    fputs("\nclock      ", stdout);
    if (clock)
        print_clock(ctl, stdout, clock);
    else
        fputs("?", stdout);
    double pre = ctl_num(st, "prerollMs", NAN);
    char d[48];
    fprintf(stdout, "\nstarted    %s", ctl_str(st, "start", "?"));
    if (isfinite(pre)) {
        ctl_fmt_seconds(pre / 1000.0, d, sizeof d);
        fprintf(stdout, " (with %s of history simulated before)", d);
    }
    fputc('\n', stdout);
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(st, "timeline");
    if (cJSON_GetArraySize(tl) > 0) {
        fputs("timeline\n", stdout);
        const cJSON *step;
        cJSON_ArrayForEach(step, tl)
        {
            char when[40];
            fprintf(stdout, "  %6s  %s", ctl_str(step, "at", "?"), ctl_str(step, "do", "?"));
            print_step_params(stdout, step);
            const char *err = ctl_str(step, "error", NULL);
            if (err) {
                fprintf(stdout, "  %serror: %s%s", ctl_sgr(ctl, CTL_RED), err,
                        ctl_sgr(ctl, CTL_RESET));
            } else if (ctl_bool(step, "ran") == 1) {
                ctl_fmt_ms(ctl_num(step, "ranAtMs", 0), when);
                fprintf(stdout, "  ran %s", when);
            } else {
                ctl_fmt_ms(ctl_num(step, "atMs", 0), when);
                fprintf(stdout, "  due %s", when);
            }
            fputc('\n', stdout);
        }
    }
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(st, "objectives");
    if (cJSON_GetArraySize(obj) > 0) {
        fputs("objectives\n", stdout);
        const cJSON *o;
        cJSON_ArrayForEach(o, obj)
        {
            fprintf(stdout, "  - %s\n", ctl_str(o, "name", "?"));
        }
    }
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(st, "scoring");
    if (cJSON_IsObject(sc)) {
        fprintf(stdout, "targets    detect within %s, mitigate within %s\n",
                ctl_str(sc, "detect_within", "-"), ctl_str(sc, "mitigate_within", "-"));
    }
}

/* Makes the call and prints the answer: the JSON in --json modes, else render(answer).
 * Returns the exit code. */
static int simple(const struct ctl *ctl, const char *method, const char *path,
                  const char *query, const cJSON *body,
                  void (*render)(const struct ctl *ctl, const cJSON *answer))
{
    struct ctl_resp r;
    int rc = ctl_call(ctl, method, path, query, body, &r);
    if (rc == CTL_EXIT_OK) {
        if (ctl->out != CTL_OUT_TEXT)
            ctl_print_resp_json(ctl, &r);
        else
            render(ctl, r.json);
    }
    ctl_resp_free(&r);
    return rc;
}

/* ---- scenarios ------------------------------------------------------------------------- */

static void render_scenarios(const struct ctl *ctl, const cJSON *ans)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(ans, "scenarios");
    const cJSON *s;
    cJSON_ArrayForEach(s, list)
    {
        const char *err = ctl_str(s, "error", NULL);
        if (err)
            printf("%-18s %s(invalid) %s%s\n", ctl_str(s, "name", "?"), ctl_sgr(ctl, CTL_RED),
                   err, ctl_sgr(ctl, CTL_RESET));
        else
            printf("%s%-18s%s %-5s %s\n", ctl_sgr(ctl, CTL_BOLD), ctl_str(s, "name", "?"),
                   ctl_sgr(ctl, CTL_RESET), ctl_str(s, "env", "-"), ctl_str(s, "summary", ""));
    }
}

static int verb_scenarios(struct ctl *ctl, const struct ctl_args *a)
{
    (void)a;
    return simple(ctl, "GET", "/_drill/scenarios", NULL, NULL, render_scenarios);
}

static void render_started(const struct ctl *ctl, const cJSON *ans)
{
    print_status(ctl, ans, "started");
}

static void render_status(const struct ctl *ctl, const cJSON *ans)
{
    print_status(ctl, ans, "scenario");
}

static void render_stopped(const struct ctl *ctl, const cJSON *ans)
{
    printf("stopped %s for team %s: the world stands still, its resources stay\n",
           ctl_str(ans, "name", "?"), ctl->team);
}

static int verb_start(struct ctl *ctl, const struct ctl_args *a)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "name", a->pos[0]);
    const char *seed = ctl_opt(a, "seed");
    if (seed) {
        int64_t n;
        if (ctl_parse_int(seed, 0, 9007199254740991LL, &n) != 0) {
            cJSON_Delete(body);
            return ctl_usage_error("start: --seed takes a whole number from 0 to 2^53-1");
        }
        cJSON_AddNumberToObject(body, "seed", (double)n);
    }
    static const char *const strings[] = {"clock", "env", "preroll", "region", NULL};
    for (int i = 0; strings[i]; i++) {
        const char *v = ctl_opt(a, strings[i]);
        if (v)
            cJSON_AddStringToObject(body, strings[i], v);
    }
    int rc = simple(ctl, "POST", "/_drill/scenarios/start", NULL, body, render_started);
    cJSON_Delete(body);
    return rc;
}

/* status --all: one line per team (GET /_drill/teams). */
static void render_teams(const struct ctl *ctl, const cJSON *ans)
{
    const cJSON *teams = cJSON_GetObjectItemCaseSensitive(ans, "teams");
    printf("%-12s  %-16s  %-8s  %-21s  %-8s  %-5s  %-12s  %s\n", "TEAM", "SCENARIO", "STATE",
           "CLOCK", "CONNS", "TASKS", "5XX/MIN", "ALARMS");
    const cJSON *t;
    cJSON_ArrayForEach(t, teams)
    {
        const cJSON *clock = cJSON_GetObjectItemCaseSensitive(t, "clock");
        const char *scen = ctl_str(t, "scenario", NULL);
        const char *state = scen == NULL ? "idle" : ctl_bool(t, "running") == 1 ? "running"
                                                                                : "stopped";
        char conns[32] = "-", tasks[16] = "-", errs[40] = "-";
        double c = ctl_num(t, "connections", NAN), mx = ctl_num(t, "maxConnections", NAN);
        if (isfinite(c))
            snprintf(conns, sizeof conns, "%.0f/%.0f", c, mx);
        double n = ctl_num(t, "tasks", NAN);
        if (isfinite(n))
            snprintf(tasks, sizeof tasks, "%.0f", n);
        double e = ctl_num(t, "fiveXxLastMinute", NAN), q = ctl_num(t, "requestsLastMinute", NAN);
        if (isfinite(e))
            snprintf(errs, sizeof errs, "%.0f/%.0f", e, q);
        printf("%-12s  %-16s  %-8s  %-21s  %-8s  %-5s  %-12s ", ctl_str(t, "team", "?"),
               scen ? scen : "-", state, ctl_str(clock, "now", "?"), conns, tasks, errs);
        const cJSON *alarms = cJSON_GetObjectItemCaseSensitive(t, "alarms");
        int any = 0;
        for (const cJSON *al = alarms ? alarms->child : NULL; al; al = al->next) {
            const char *s = cJSON_IsString(al) ? al->valuestring : "?";
            printf(" %s=%s%s%s", al->string, ctl_sgr(ctl, ctl_state_color(s)), s,
                   ctl_sgr(ctl, CTL_RESET));
            any = 1;
        }
        if (!any)
            fputs(" -", stdout);
        fputc('\n', stdout);
    }
}

static int verb_status(struct ctl *ctl, const struct ctl_args *a)
{
    if (ctl_opt(a, "all"))
        return simple(ctl, "GET", "/_drill/teams", NULL, NULL, render_teams);
    return simple(ctl, "GET", "/_drill/scenario", NULL, NULL, render_status);
}

static int verb_stop(struct ctl *ctl, const struct ctl_args *a)
{
    (void)a;
    return simple(ctl, "POST", "/_drill/scenario/stop", NULL, NULL, render_stopped);
}

/* ---- the clock ------------------------------------------------------------------------- */

static void render_clock(const struct ctl *ctl, const cJSON *ans)
{
    printf("team %s clock ", ctl_str(ans, "team", ctl->team));
    print_clock(ctl, stdout, ans);
    fputc('\n', stdout);
}

static int verb_advance(struct ctl *ctl, const struct ctl_args *a)
{
    int64_t total;
    if (ctl_parse_duration(a->pos[0], &total) != 0 || total > ADVANCE_MAX_S)
        return ctl_usage_error("advance: \"%s\" is not a duration such as 90s, 15m, 2h, 1d or "
                               "1h30m (at most 366d)", a->pos[0]);
    struct ctl_resp r;
    int rc;
    int64_t left = total, done = 0;
    /* one call per week at most; a zero advance still makes one call (and prints the clock) */
    for (;;) {
        int64_t n = left < ADVANCE_CHUNK_S ? left : ADVANCE_CHUNK_S;
        cJSON *body = cJSON_CreateObject();
        cJSON_AddNumberToObject(body, "seconds", (double)n);
        rc = ctl_call(ctl, "POST", "/_drill/clock/advance", NULL, body, &r);
        cJSON_Delete(body);
        if (rc != CTL_EXIT_OK)
            break;
        done += n;
        left -= n;
        if (left == 0)
            break;
        ctl_resp_free(&r);
    }
    char d[48];
    if (rc == CTL_EXIT_OK) {
        if (ctl->out != CTL_OUT_TEXT) {
            ctl_print_resp_json(ctl, &r);
        } else {
            ctl_fmt_seconds((double)total, d, sizeof d);
            printf("advanced %s: ", d);
            render_clock(ctl, r.json);
        }
    } else if (done > 0) {
        ctl_fmt_seconds((double)done, d, sizeof d);
        fprintf(stderr, "drillctl: the clock had advanced by %s before the error\n", d);
    }
    ctl_resp_free(&r);
    return rc;
}

static int verb_clock(struct ctl *ctl, const struct ctl_args *a)
{
    if (a->npos == 0)
        return simple(ctl, "GET", "/_drill/clock", NULL, NULL, render_clock);
    if (strcmp(a->pos[0], "pause") == 0)
        return simple(ctl, "POST", "/_drill/clock/pause", NULL, NULL, render_clock);
    if (strcmp(a->pos[0], "resume") == 0)
        return simple(ctl, "POST", "/_drill/clock/resume", NULL, NULL, render_clock);
    return ctl_usage_error("clock: \"%s\" is neither pause nor resume", a->pos[0]);
}

/* ---- report ---------------------------------------------------------------------------- */

/* Renders a drill report (its JSON) as text into f: the score and root cause, the times to
 * detect and mitigate, then the timeline, objectives, commands and hints. */
static void render_report(const struct ctl *ctl, FILE *f, const cJSON *rep)
{
    double score = ctl_num(rep, "score", NAN);
    int passed = ctl_bool(rep, "passed");
    int fixed = ctl_bool(rep, "rootCauseFixed");
    char d[48];
    fprintf(f, "%sdrill report%s: %s, team %s", ctl_sgr(ctl, CTL_BOLD), ctl_sgr(ctl, CTL_RESET),
            ctl_str(rep, "scenario", "?"), ctl_str(rep, "team", ctl->team));
    const char *as_of = ctl_str(rep, "asOf", NULL);
    if (as_of)
        fprintf(f, ", as of %s", as_of);
    int running = ctl_bool(rep, "running");
    fputs(running == 1 ? " (running)\n" : running == 0 ? " (stopped)\n" : "\n", f);
    fprintf(f, "score              %s%.0f/100%s%s\n",
            ctl_sgr(ctl, passed == 1 ? CTL_GREEN : CTL_RED), isfinite(score) ? score : 0,
            ctl_sgr(ctl, CTL_RESET), passed == 1 ? " (passed)" : passed == 0 ? " (failed)" : "");
    fprintf(f, "root cause         %s%s%s\n", ctl_sgr(ctl, fixed == 1 ? CTL_GREEN : CTL_RED),
            fixed == 1 ? "fixed" : fixed == 0 ? "NOT fixed" : "-", ctl_sgr(ctl, CTL_RESET));
    const char *why = ctl_str(cJSON_GetObjectItemCaseSensitive(rep, "rootCause"), "summary", NULL);
    if (why)
        fprintf(f, "                   %s\n", why);
    ctl_fmt_seconds(ctl_num(rep, "timeToDetectSeconds", NAN), d, sizeof d);
    fprintf(f, "time to detect     %s\n", d);
    ctl_fmt_seconds(ctl_num(rep, "timeToMitigateSeconds", NAN), d, sizeof d);
    fprintf(f, "time to mitigate   %s\n", d);
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(rep, "scoring");
    const char *parts[][2] = {{"rootCause", "root cause"}, {"detection", "detection"},
                              {"mitigation", "mitigation"}, {"objectives", "objectives"}};
    int nparts = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        double v = ctl_num(sc, parts[i][0], NAN);
        if (isfinite(v))
            fprintf(f, "%s%s %g", nparts++ ? ", " : "score parts        ", parts[i][1], v);
    }
    if (nparts)
        fputc('\n', f);

    const cJSON *it;
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(rep, "timeline");
    if (cJSON_GetArraySize(tl) > 0) {
        fputs("\ntimeline\n", f);
        cJSON_ArrayForEach(it, tl)
        {
            const char *detail = ctl_str(it, "detail", "");
            fprintf(f, "  %-21s %s%s%s\n", ctl_str(it, "at", "?"), ctl_str(it, "event", "?"),
                    detail[0] ? ": " : "", detail);
        }
    }
    const cJSON *objs = cJSON_GetObjectItemCaseSensitive(rep, "objectives");
    if (cJSON_GetArraySize(objs) > 0) {
        fputs("\nobjectives\n", f);
        cJSON_ArrayForEach(it, objs)
        {
            int met = ctl_bool(it, "met");
            const char *detail = ctl_str(it, "detail", "");
            fprintf(f, "  %s[%s]%s %s%s%s\n", ctl_sgr(ctl, met == 1 ? CTL_GREEN : CTL_RED),
                    met == 1 ? "met" : "not met", ctl_sgr(ctl, CTL_RESET),
                    ctl_str(it, "name", "?"), detail[0] ? ": " : "", detail);
        }
    }
    const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(rep, "commands");
    if (cJSON_GetArraySize(cmds) > 0) {
        fputs("\ncommands\n", f);
        cJSON_ArrayForEach(it, cmds)
        {
            char op[160];
            snprintf(op, sizeof op, "%s:%s", ctl_str(it, "service", "?"),
                     ctl_str(it, "operation", "?"));
            const char *step = ctl_str(it, "runbookStep", NULL);
            const char *outcome = ctl_str(it, "outcome", "?");
            const char *hint = ctl_str(it, "hint", NULL);
            double count = ctl_num(it, "count", 1);
            int ok = strcmp(outcome, "ok") == 0;
            fprintf(f, "  %-21s %-36s %s%-5s%s %s", ctl_str(it, "at", "?"), op,
                    ctl_sgr(ctl, ok ? CTL_GREEN : CTL_RED), ok ? "ok" : "error",
                    ctl_sgr(ctl, CTL_RESET), step ? step : "(not in the runbook)");
            if (count > 1)
                fprintf(f, " (x%.0f)", count);
            fputc('\n', f);
            if (!ok)
                fprintf(f, "  %21s %s\n", "", outcome);
            if (hint)
                fprintf(f, "  %21s %shint: %s%s\n", "", ctl_sgr(ctl, CTL_YELLOW), hint,
                        ctl_sgr(ctl, CTL_RESET));
        }
    }
    const cJSON *hints = cJSON_GetObjectItemCaseSensitive(rep, "hints");
    if (cJSON_GetArraySize(hints) > 0) {
        fputs("\nhints for runbook mistakes\n", f);
        cJSON_ArrayForEach(it, hints)
        {
            if (cJSON_IsString(it)) {
                fprintf(f, "  - %s\n", it->valuestring);
                continue;
            }
            fprintf(f, "  - %s%s%s", ctl_sgr(ctl, CTL_YELLOW), ctl_str(it, "kind", "hint"),
                    ctl_sgr(ctl, CTL_RESET));
            const char *op = ctl_str(it, "operation", NULL);
            if (op)
                fprintf(f, " (%s:%s at %s)", ctl_str(it, "service", "?"), op,
                        ctl_str(it, "at", "?"));
            const char *problem = ctl_str(it, "problem", NULL);
            fprintf(f, "%s%s\n", problem ? ": " : "", problem ? problem : "");
            const char *fix = ctl_str(it, "fix", NULL);
            if (fix)
                fprintf(f, "    fix: %s\n", fix);
            const cJSON *c;
            cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(it, "commands"))
            {
                if (cJSON_IsString(c))
                    fprintf(f, "      $ %s\n", c->valuestring);
            }
        }
    }
}

static int verb_report(struct ctl *ctl, const struct ctl_args *a)
{
    const char *format = ctl_opt(a, "format");
    const char *fail_s = ctl_opt(a, "fail-under");
    const char *file = ctl_opt(a, "o");
    double fail_under = NAN;
    if (format && strcmp(format, "json") != 0 && strcmp(format, "md") != 0 &&
        strcmp(format, "html") != 0)
        return ctl_usage_error("report: --format is json, md or html, not \"%s\"", format);
    if (fail_s) {
        char *end;
        fail_under = strtod(fail_s, &end);
        if (*fail_s == '\0' || *end || !(fail_under >= 0 && fail_under <= 100))
            return ctl_usage_error("report: --fail-under takes a score from 0 to 100");
    }
    int text = format && strcmp(format, "json") != 0;
    int rc = CTL_EXIT_OK;
    double score = NAN;
    FILE *out = stdout;
    struct ctl_resp r, sr;
    memset(&sr, 0, sizeof sr);
    char *query = xasprintf("format=%s", text ? format : "json");
    rc = text ? ctl_call_raw(ctl, "GET", "/_drill/report", query, NULL, &r)
              : ctl_call(ctl, "GET", "/_drill/report", query, NULL, &r);
    if (rc != CTL_EXIT_OK)
        goto out;
    if (!text) {
        score = ctl_num(r.json, "score", NAN);
    } else if (fail_s) {
        /* Markdown and HTML carry no score a script could read: ask for the JSON too */
        rc = ctl_call(ctl, "GET", "/_drill/report", "format=json", NULL, &sr);
        if (rc != CTL_EXIT_OK)
            goto out;
        score = ctl_num(sr.json, "score", NAN);
    }
    if (file) {
        out = fopen(file, "w");
        if (out == NULL) {
            fprintf(stderr, "drillctl: cannot write %s: %m\n", file);
            rc = CTL_EXIT_USAGE;
            out = stdout;
            goto out;
        }
    }
    if (text)
        fwrite(r.body.p, 1, r.body.len, out);
    else if (ctl->out != CTL_OUT_TEXT || format)
        ctl_print_json(out, r.json, ctl->out == CTL_OUT_COMPACT);
    else
        render_report(ctl, out, r.json);
    if (file) {
        if (fclose(out) != 0) {
            fprintf(stderr, "drillctl: cannot write %s: %m\n", file);
            rc = CTL_EXIT_SERVER;
        } else if (ctl->out == CTL_OUT_TEXT) {
            printf("report written to %s", file);
            if (isfinite(score))
                printf(" (score %.0f/100)", score);
            putchar('\n');
        }
        out = stdout;
    }
    if (fail_s && rc == CTL_EXIT_OK) {
        if (!isfinite(score)) {
            fprintf(stderr, "drillctl: the report has no score\n");
            rc = CTL_EXIT_SERVER;
        } else if (score < fail_under) {
            fprintf(stderr, "drillctl: score %.0f is below --fail-under %g\n", score, fail_under);
            rc = CTL_EXIT_BELOW;
        }
    }
out:
    free(query);
    ctl_resp_free(&r);
    ctl_resp_free(&sr);
    return rc;
}

/* ---- journal --------------------------------------------------------------------------- */

/* Turns --since (epoch milliseconds, an ISO 8601 time, or a duration back from the team's sim
 * clock such as "15m") into epoch milliseconds. Returns CTL_EXIT_OK, or the exit code of a
 * failed clock call or of a usage error. */
static int since_ms(const struct ctl *ctl, const char *s, int64_t *out)
{
    int64_t v;
    double t;
    if (ctl_parse_int(s, 0, INT64_MAX / 2, &v) == 0 && strlen(s) >= 10) {
        *out = v;
        return CTL_EXIT_OK;
    }
    if (ctl_parse_duration(s, &v) == 0) {
        struct ctl_resp r;
        int rc = ctl_call(ctl, "GET", "/_drill/clock", NULL, NULL, &r);
        if (rc == CTL_EXIT_OK)
            *out = (int64_t)ctl_num(r.json, "nowMs", 0) - v * 1000;
        ctl_resp_free(&r);
        return rc;
    }
    if (timefmt_parse_iso8601(s, &t) == 0) {
        *out = (int64_t)llround(t * 1000.0);
        return CTL_EXIT_OK;
    }
    return ctl_usage_error("journal: --since takes epoch milliseconds, an ISO 8601 time or a "
                           "duration back from the sim clock (15m), not \"%s\"", s);
}

static void render_journal(const struct ctl *ctl, const cJSON *ans)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(ans, "entries"))
    {
        char op[160];
        snprintf(op, sizeof op, "%s:%s", ctl_str(e, "service", "?"), ctl_str(e, "operation", "?"));
        const char *err = ctl_str(e, "error", NULL);
        double attempt = ctl_num(e, "attempt", 1);
        printf("%-21s %-40s %s%3.0f%s %-28s%s", ctl_str(e, "sim", "?"), op,
               ctl_sgr(ctl, err ? CTL_RED : CTL_GREEN), ctl_num(e, "status", 0),
               ctl_sgr(ctl, CTL_RESET), err ? err : "", ctl_bool(e, "mutated") == 1 ? " mutated"
                                                                                   : "");
        if (attempt > 1)
            printf(" attempt %.0f", attempt);
        const char *client = ctl_str(e, "client", NULL);
        if (client)
            printf(" %s%s%s", ctl_sgr(ctl, CTL_DIM), client, ctl_sgr(ctl, CTL_RESET));
        putchar('\n');
    }
}

/* The seq of the last JSON line of a JSON-lines page, or -1. */
static int64_t last_seq(const struct buf *page)
{
    if (page->len == 0)
        return -1;
    size_t end = page->len;
    while (end > 0 && page->p[end - 1] == '\n')
        end--;
    size_t start = end;
    while (start > 0 && page->p[start - 1] != '\n')
        start--;
    cJSON *line = cJSON_ParseWithLength(page->p + start, end - start);
    double seq = ctl_num(line, "seq", -1);
    cJSON_Delete(line);
    return (int64_t)seq;
}

/* Counts the lines of a JSON-lines page. */
static long count_lines(const struct buf *page)
{
    long n = 0;
    for (size_t i = 0; i < page->len; i++)
        n += page->p[i] == '\n';
    return n;
}

/* journal: one call with --limit N (its "next" says where the next page starts: --after);
 * without --limit, every page (after=next) until the journal ends. */
static int verb_journal(struct ctl *ctl, const struct ctl_args *a)
{
    const char *since = ctl_opt(a, "since");
    const char *limit_s = ctl_opt(a, "limit");
    const char *after_s = ctl_opt(a, "after");
    int jsonl = ctl_opt(a, "jsonl") != NULL;
    int64_t since_v = -1, limit = 0, after = 0;
    if (limit_s && ctl_parse_int(limit_s, 1, JOURNAL_PAGE, &limit) != 0)
        return ctl_usage_error("journal: --limit takes a number from 1 to %d", JOURNAL_PAGE);
    if (after_s && ctl_parse_int(after_s, 0, INT64_MAX / 2, &after) != 0)
        return ctl_usage_error("journal: --after takes a seq (a journal's \"next\")");
    if (since) {
        int rc = since_ms(ctl, since, &since_v);
        if (rc != CTL_EXIT_OK)
            return rc;
    }
    int rc = CTL_EXIT_OK;
    int merge = !jsonl && ctl->out != CTL_OUT_TEXT && limit == 0;
    cJSON *all = merge ? cJSON_CreateObject() : NULL;
    cJSON *entries = merge ? cJSON_AddArrayToObject(all, "entries") : NULL;
    int64_t page = limit ? limit : JOURNAL_PAGE;
    /* a test hook: smaller pages, so the tests read a journal of many pages */
    const char *page_env = getenv("DRILLCTL_JOURNAL_PAGE");
    int64_t p;
    if (limit == 0 && page_env && ctl_parse_int(page_env, 1, JOURNAL_PAGE, &p) == 0)
        page = p;
    for (int pages = 0; pages < JOURNAL_MAX_PAGES; pages++) {
        struct buf q;
        buf_init(&q, 256);
        buf_printf(&q, "limit=%lld", (long long)page);
        if (since_v >= 0)
            buf_printf(&q, "&since=%lld", (long long)since_v);
        if (after > 0)
            buf_printf(&q, "&after=%lld", (long long)after);
        if (jsonl)
            buf_puts(&q, "&format=jsonl");
        struct ctl_resp r;
        rc = jsonl ? ctl_call_raw(ctl, "GET", "/_drill/journal", q.p, NULL, &r)
                   : ctl_call(ctl, "GET", "/_drill/journal", q.p, NULL, &r);
        buf_free(&q);
        int more = 0;
        if (rc == CTL_EXIT_OK && jsonl) {
            fwrite(r.body.p, 1, r.body.len, stdout);
            after = last_seq(&r.body);
            more = limit == 0 && count_lines(&r.body) == page && after > 0;
        } else if (rc == CTL_EXIT_OK) {
            const cJSON *next = cJSON_GetObjectItemCaseSensitive(r.json, "next");
            if (merge) {
                cJSON *got = cJSON_GetObjectItemCaseSensitive(r.json, "entries");
                while (cJSON_GetArraySize(got) > 0)
                    cJSON_AddItemToArray(entries, cJSON_DetachItemFromArray(got, 0));
            } else if (ctl->out != CTL_OUT_TEXT) {
                ctl_print_resp_json(ctl, &r);
            } else {
                render_journal(ctl, r.json);
            }
            more = limit == 0 && cJSON_IsNumber(next);
            if (more)
                after = (int64_t)next->valuedouble;
            else if (limit && cJSON_IsNumber(next) && ctl->out == CTL_OUT_TEXT)
                fprintf(stderr, "drillctl: more entries follow: --after %.0f\n",
                        next->valuedouble);
        }
        ctl_resp_free(&r);
        if (rc != CTL_EXIT_OK || !more)
            break;
    }
    if (merge && rc == CTL_EXIT_OK) {
        cJSON_AddNullToObject(all, "next");
        ctl_print_json(stdout, all, ctl->out == CTL_OUT_COMPACT);
    }
    cJSON_Delete(all);
    return rc;
}

/* ---- chaos ----------------------------------------------------------------------------- */

/* Appends one line describing a chaos RULE: what it matches, its effect, when it fires and
 * its counters ("ssm:GetParameter -> ThrottlingException (400), 2 times; matched 3, fired 2"). */
static void describe_rule(const cJSON *rule, struct buf *b)
{
    buf_printf(b, "%s:%s", ctl_str(rule, "service", "*"), ctl_str(rule, "operation", "*"));
    const char *region = ctl_str(rule, "region", NULL);
    if (region)
        buf_printf(b, " in %s", region);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(rule, "error");
    if (cJSON_IsObject(err)) {
        buf_printf(b, " -> %s", ctl_str(err, "code", "?"));
        double st = ctl_num(err, "status", NAN);
        if (isfinite(st))
            buf_printf(b, " (%.0f)", st);
    }
    double lat = ctl_num(rule, "latencyMs", 0);
    if (lat > 0)
        buf_printf(b, " +%.0f ms", lat);
    double p = ctl_num(rule, "probability", NAN);
    if (isfinite(p) && p < 1)
        buf_printf(b, ", probability %g", p);
    double after = ctl_num(rule, "after", 0), times = ctl_num(rule, "times", NAN);
    if (after > 0)
        buf_printf(b, ", after %.0f calls", after);
    if (isfinite(times) && times >= 0)
        buf_printf(b, ", %.0f %s", times, times == 1 ? "time" : "times");
    double matched = ctl_num(rule, "matched", NAN), fired = ctl_num(rule, "fired", NAN);
    if (isfinite(matched) && isfinite(fired))
        buf_printf(b, "; matched %.0f, fired %.0f", matched, fired);
    if (ctl_bool(rule, "spent") == 1)
        buf_puts(b, " (spent)");
    const char *source = ctl_str(rule, "source", NULL);
    if (source && strcmp(source, "api") != 0)
        buf_printf(b, " [%s]", source);
}

static void render_rules(const struct ctl *ctl, const cJSON *ans)
{
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(ans, "rules");
    if (cJSON_GetArraySize(rules) == 0) {
        printf("no chaos rules for team %s\n", ctl->team);
        return;
    }
    const cJSON *rule;
    struct buf b;
    buf_init(&b, 4096);
    cJSON_ArrayForEach(rule, rules)
    {
        buf_reset(&b);
        describe_rule(rule, &b);
        printf("%4.0f  %s\n", ctl_num(rule, "id", 0), b.p ? b.p : "");
    }
    buf_free(&b);
}

static void render_rule_added(const struct ctl *ctl, const cJSON *ans)
{
    struct buf b;
    buf_init(&b, 4096);
    describe_rule(ans, &b);
    printf("added chaos rule %.0f: %s\n", ctl_num(ans, "id", 0), b.p ? b.p : "");
    buf_free(&b);
}

static void render_deleted(const struct ctl *ctl, const cJSON *ans)
{
    (void)ctl;
    double n = ctl_num(ans, "deleted", 0);
    printf("deleted %.0f %s\n", n, n == 1 ? "rule" : "rules");
}

/* Builds the rule of `chaos add` from the options; NULL after a usage message. */
static cJSON *rule_from_args(const struct ctl_args *a)
{
    cJSON *rule = cJSON_CreateObject();
    static const char *const strings[] = {"service", "operation", "region", NULL};
    for (int i = 0; strings[i]; i++) {
        const char *v = ctl_opt(a, strings[i]);
        if (v)
            cJSON_AddStringToObject(rule, strings[i], v);
    }
    const char *p = ctl_opt(a, "probability");
    if (p) {
        char *end;
        double v = strtod(p, &end);
        if (*p == '\0' || *end) {
            ctl_usage_error("chaos add: --probability takes a number from 0 to 1");
            goto bad;
        }
        cJSON_AddNumberToObject(rule, "probability", v);
    }
    static const struct {
        const char *opt, *member;
    } counts[] = {{"after", "after"}, {"times", "times"}, {"latency", "latencyMs"}};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        const char *v = ctl_opt(a, counts[i].opt);
        int64_t n;
        if (v == NULL)
            continue;
        if (ctl_parse_int(v, 0, 1000000000, &n) != 0) {
            ctl_usage_error("chaos add: --%s takes a whole number", counts[i].opt);
            goto bad;
        }
        cJSON_AddNumberToObject(rule, counts[i].member, (double)n);
    }
    const char *e = ctl_opt(a, "error");
    if (e) {
        cJSON *err = cJSON_AddObjectToObject(rule, "error");
        const char *colon = strchr(e, ':');
        char *code = colon ? xstrndup(e, (size_t)(colon - e)) : xstrdup(e);
        cJSON_AddStringToObject(err, "code", code);
        int empty = code[0] == '\0';
        free(code);
        if (empty) {
            ctl_usage_error("chaos add: --error takes CODE or CODE:STATUS");
            goto bad;
        }
        if (colon) {
            int64_t st;
            if (ctl_parse_int(colon + 1, 100, 599, &st) != 0) {
                ctl_usage_error("chaos add: the STATUS of --error CODE:STATUS is 100 to 599");
                goto bad;
            }
            cJSON_AddNumberToObject(err, "status", (double)st);
        }
        const char *msg = ctl_opt(a, "message");
        if (msg)
            cJSON_AddStringToObject(err, "message", msg);
    } else if (ctl_opt(a, "message")) {
        ctl_usage_error("chaos add: --message goes with --error");
        goto bad;
    }
    return rule;
bad:
    cJSON_Delete(rule);
    return NULL;
}

static int verb_chaos(struct ctl *ctl, const struct ctl_args *a)
{
    const char *sub = a->pos[0];
    if (strcmp(sub, "list") == 0)
        return simple(ctl, "GET", "/_drill/chaos", NULL, NULL, render_rules);
    if (strcmp(sub, "add") == 0) {
        cJSON *rule = rule_from_args(a);
        if (rule == NULL)
            return CTL_EXIT_USAGE;
        int rc = simple(ctl, "POST", "/_drill/chaos", NULL, rule, render_rule_added);
        cJSON_Delete(rule);
        return rc;
    }
    if (strcmp(sub, "clear") == 0) {
        const char *id = ctl_opt(a, "id");
        int64_t n;
        if (id && ctl_parse_int(id, 0, INT64_MAX / 2, &n) != 0)
            return ctl_usage_error("chaos clear: --id takes a rule id");
        char *q = id ? xasprintf("id=%lld", (long long)n) : NULL;
        int rc = simple(ctl, "DELETE", "/_drill/chaos", q, NULL, render_deleted);
        free(q);
        return rc;
    }
    return ctl_usage_error("chaos: \"%s\" is not list, add or clear", sub);
}

/* ---- snapshots ------------------------------------------------------------------------- */

static void render_snapshots(const struct ctl *ctl, const cJSON *ans)
{
    (void)ctl;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(ans, "snapshots");
    if (cJSON_GetArraySize(list) == 0) {
        puts("no snapshots");
        return;
    }
    printf("%-24s  %-12s  %-21s  %s\n", "NAME", "TEAM", "SIM TIME", "SAVED (wall)");
    const cJSON *s;
    cJSON_ArrayForEach(s, list)
    {
        char sim[40], created[40];
        ctl_fmt_ms(ctl_num(s, "simMs", 0), sim);
        ctl_fmt_ms(ctl_num(s, "createdMs", 0), created);
        printf("%-24s  %-12s  %-21s  %s\n", ctl_str(s, "name", "?"), ctl_str(s, "team", "?"),
               sim, created);
    }
}

/* Prints the {"saved"|"restored": [{name, team}]} answer. */
static void render_snap_list(const cJSON *ans, const char *member, const char *verb)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(ans, member))
    {
        printf("%s snapshot %s for team %s\n", verb, ctl_str(s, "name", "?"),
               ctl_str(s, "team", "?"));
    }
}

static void render_saved(const struct ctl *ctl, const cJSON *ans)
{
    (void)ctl;
    render_snap_list(ans, "saved", "saved");
}

static void render_restored(const struct ctl *ctl, const cJSON *ans)
{
    (void)ctl;
    render_snap_list(ans, "restored", "restored");
}

static void render_snap_deleted(const struct ctl *ctl, const cJSON *ans)
{
    (void)ctl;
    double n = ctl_num(ans, "deleted", 0);
    printf("deleted %.0f %s\n", n, n == 1 ? "snapshot" : "snapshots");
}

static int verb_snapshot(struct ctl *ctl, const struct ctl_args *a)
{
    const char *sub = a->pos[0];
    const char *name = a->npos > 1 ? a->pos[1] : NULL;
    int all = ctl_opt(a, "all") != NULL;
    if (strcmp(sub, "list") == 0) {
        if (name)
            return ctl_usage_error("snapshot list takes no NAME");
        return simple(ctl, "GET", "/_drill/snapshots", all ? "all=true" : NULL, NULL,
                      render_snapshots);
    }
    int save = strcmp(sub, "save") == 0, restore = strcmp(sub, "restore") == 0;
    if (!save && !restore && strcmp(sub, "delete") != 0)
        return ctl_usage_error("snapshot: \"%s\" is not save, restore, list or delete", sub);
    if (name == NULL)
        return ctl_usage_error("snapshot %s: NAME is missing", sub);
    if (!save && !restore) {
        char *e = ctl_escape(name);
        char *q = xasprintf("name=%s%s", e, all ? "&all=true" : "");
        int rc = simple(ctl, "DELETE", "/_drill/snapshots", q, NULL, render_snap_deleted);
        free(q);
        free(e);
        return rc;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "name", name);
    if (all)
        cJSON_AddBoolToObject(body, "all", 1);
    int rc = simple(ctl, "POST", save ? "/_drill/snapshots" : "/_drill/snapshots/restore", NULL,
                    body, save ? render_saved : render_restored);
    cJSON_Delete(body);
    return rc;
}

/* ---- reset, health, world, timing ------------------------------------------------------ */

static void render_reset(const struct ctl *ctl, const cJSON *ans)
{
    (void)ctl;
    if (ctl_bool(ans, "all") == 1)
        puts("reset every team: the store is empty");
    else
        printf("reset team %s: its world, journal, chaos rules and scenario are gone\n",
               ctl_str(ans, "team", "?"));
}

static int verb_reset(struct ctl *ctl, const struct ctl_args *a)
{
    cJSON *body = cJSON_CreateObject();
    if (ctl_opt(a, "all"))
        cJSON_AddBoolToObject(body, "all", 1);
    int rc = simple(ctl, "POST", "/_drill/reset", NULL, body, render_reset);
    cJSON_Delete(body);
    return rc;
}

static void render_health(const struct ctl *ctl, const cJSON *ans)
{
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(ans, "requests");
    char up[48];
    ctl_fmt_seconds(ctl_num(ans, "uptimeSeconds", NAN), up, sizeof up);
    printf("drillsim %s at %s: %s, up %s, data %s\n", ctl_str(ans, "version", "?"), ctl->endpoint,
           ctl_str(ans, "status", "?"), up, ctl_str(ans, "data", "?"));
    printf("requests %.0f (4xx %.0f, 5xx %.0f)\n", ctl_num(req, "total", 0),
           ctl_num(req, "clientErrors", 0), ctl_num(req, "serverErrors", 0));
    const cJSON *svcs = cJSON_GetObjectItemCaseSensitive(ans, "services");
    printf("services");
    for (const cJSON *s = svcs ? svcs->child : NULL; s; s = s->next)
        printf(" %s(%d)", s->string, cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s,
                                                           "operations")));
    putchar('\n');
}

static int verb_health(struct ctl *ctl, const struct ctl_args *a)
{
    (void)a;
    return simple(ctl, "GET", "/_drill/health", NULL, NULL, render_health);
}

static void render_world(const struct ctl *ctl, const cJSON *w)
{
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(w, "database");
    printf("team %s, env %s, region %s\n", ctl->team, ctl_str(w, "env", "?"),
           ctl_str(w, "region", "?"));
    printf("database  %.0f/%.0f connections, CPU %.0f%%, writer %s (%s)\n",
           ctl_num(db, "connections", 0), ctl_num(db, "maxConnections", 0), ctl_num(db, "cpu", 0),
           ctl_str(db, "writer", "?"), ctl_bool(db, "up") == 0 ? "down" : "up");
    printf("traffic   x%.2f, %.0f requests and %.0f 5xx in the last minute\n",
           ctl_num(w, "trafficFactor", 1), ctl_num(w, "requestsLastMinute", 0),
           ctl_num(w, "fiveXxLastMinute", 0));
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(w, "tasks");
    printf("tasks     %d\n", cJSON_GetArraySize(tasks));
    const cJSON *t;
    cJSON_ArrayForEach(t, tasks)
    {
        printf("  %-32s  open %3.0f  leaked %3.0f  %4.0f rps  cpu %5.1f%%%s%s\n",
               ctl_str(t, "taskId", "?"), ctl_num(t, "open", 0), ctl_num(t, "leaked", 0),
               ctl_num(t, "rps", 0), ctl_num(t, "cpu", 0),
               ctl_bool(t, "viaProxy") == 1 ? "  via proxy" : "",
               ctl_bool(t, "serving") == 0 ? "  not serving" : "");
    }
}

static int verb_world(struct ctl *ctl, const struct ctl_args *a)
{
    (void)a;
    return simple(ctl, "GET", "/_drill/world", NULL, NULL, render_world);
}

static void render_timing(const struct ctl *ctl, const cJSON *ans)
{
    printf("team %s lifecycle durations:", ctl->team);
    for (const cJSON *m = ans ? ans->child : NULL; m; m = m->next) {
        if (cJSON_IsNumber(m))
            printf(" %s=%.0f", m->string, m->valuedouble);
    }
    putchar('\n');
}

static int verb_timing(struct ctl *ctl, const struct ctl_args *a)
{
    if (a->npos == 0)
        return simple(ctl, "GET", "/_drill/timing", NULL, NULL, render_timing);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "preset", a->pos[0]);
    int rc = simple(ctl, "POST", "/_drill/timing", NULL, body, render_timing);
    cJSON_Delete(body);
    return rc;
}

/* ---- SNS messages ---------------------------------------------------------------------- */

static void render_sns(const struct ctl *ctl, const cJSON *ans)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(ans, "messages"))
    {
        const char *topic = ctl_str(m, "topicArn", "?");
        const char *colon = strrchr(topic, ':');
        const char *subject = ctl_str(m, "subject", NULL);
        printf("%-24s  %-24s  %-20s  ", ctl_str(m, "timestamp", "?"), ctl_str(m, "type", "?"),
               colon ? colon + 1 : topic);
        if (subject)
            fputs(subject, stdout);
        else
            printf("%.80s", ctl_str(m, "message", ""));
        const cJSON *deliveries = cJSON_GetObjectItemCaseSensitive(m, "deliveries");
        if (cJSON_GetArraySize(deliveries) > 0)
            printf("  (%d deliveries)", cJSON_GetArraySize(deliveries));
        putchar('\n');
    }
    const char *next = ctl_str(ans, "nextToken", NULL);
    if (next)
        fprintf(stderr, "drillctl: more messages follow: --next-token %s\n", next);
    (void)ctl;
}

static int verb_sns(struct ctl *ctl, const struct ctl_args *a)
{
    const char *topic = ctl_opt(a, "topic");
    const char *limit = ctl_opt(a, "limit");
    const char *token = ctl_opt(a, "next-token");
    int64_t n;
    if (limit && ctl_parse_int(limit, 1, 1000, &n) != 0)
        return ctl_usage_error("sns: --limit takes a number from 1 to 1000");
    struct buf q;
    buf_init(&q, 4096);
    const char *names[] = {"topic", "limit", "nextToken"};
    const char *vals[] = {topic, limit, token};
    for (int i = 0; i < 3; i++) {
        if (vals[i] == NULL)
            continue;
        char *e = ctl_escape(vals[i]);
        buf_printf(&q, "%s%s=%s", q.len ? "&" : "", names[i], e);
        free(e);
    }
    int rc = simple(ctl, "GET", "/_drill/sns/messages", q.len ? q.p : NULL, NULL, render_sns);
    buf_free(&q);
    return rc;
}

/* ---- the table ------------------------------------------------------------------------- */

const struct ctl_verb ctl_verbs[] = {
    {"scenarios", "scenarios", "list the scenarios with their summaries", "", 0, 0,
     verb_scenarios},
    {"start",
     "start SCENARIO [--seed N] [--clock realtime|manual@ISO8601] [--env ENV] [--team ACCOUNT] "
     "[--preroll 60m] [--region R]",
     "start a scenario for the team (a fresh world)", "seed=,clock=,env=,preroll=,region=", 1, 1,
     verb_start},
    {"status", "status [--all]", "the team's scenario and timeline; --all: every team", "all", 0,
     0, verb_status},
    {"stop", "stop", "stop the team's scenario (the resources stay)", "", 0, 0, verb_stop},
    {"advance", "advance DURATION", "advance a manual clock (90s, 15m, 2h, 1d, 1h30m)", "", 1, 1,
     verb_advance},
    {"clock", "clock [pause|resume]", "the team's clock; pause or resume a realtime clock", "",
     0, 1, verb_clock},
    {"report", "report [--format json|md|html] [--fail-under SCORE] [-o FILE]",
     "the drill report and score; exit 4 below --fail-under", "format=,fail-under=,o=", 0, 0,
     verb_report},
    {"journal", "journal [--since MS|ISO8601|15m] [--limit N] [--after SEQ] [--jsonl]",
     "the team's AWS API calls, oldest first (every page unless --limit)",
     "since=,limit=,after=,jsonl", 0, 0, verb_journal},
    {"chaos",
     "chaos list|add|clear [--service S] [--operation OP] [--region R] [--probability P] "
     "[--after N] [--times M] [--error CODE[:STATUS]] [--message TEXT] [--latency MS] [--id N]",
     "API chaos rules", "service=,operation=,region=,probability=,after=,times=,error=,message=,"
                        "latency=,id=",
     1, 1, verb_chaos},
    {"snapshot", "snapshot save|restore|list|delete [NAME] [--all]",
     "save or restore the team's world (--all: every team)", "all", 1, 2, verb_snapshot},
    {"reset", "reset [--all]", "delete the team's world (--all: every team's)", "all", 0, 0,
     verb_reset},
    {"watch", "watch [--interval S] [--once]",
     "the live drill in the terminal (q or Ctrl-C quits)", "interval=,once", 0, 0, ctl_watch},
    {"health", "health", "the server's status, services and counters", "", 0, 0, verb_health},
    {"world", "world", "the world model now: database, traffic, tasks", "", 0, 0, verb_world},
    {"timing", "timing [aws|fast]", "lifecycle durations; set a preset", "", 0, 1, verb_timing},
    {"sns", "sns [--topic ARN] [--limit N] [--next-token T]",
     "the SNS messages the team's topics published, oldest first", "topic=,limit=,next-token=", 0,
     0, verb_sns},
    {NULL, NULL, NULL, NULL, 0, 0, NULL},
};
