/*
 * console_drill.c - /console/drill, the trainer's view: the selected team's drill (scenario,
 * clock, live score and its parts, the timeline so far, what is still to come, objectives,
 * the team's latest commands) and a table with one row per team, each with its score.
 *
 * Everything comes from the control API's own code: the report (report_build(), the same
 * JSON as GET /_drill/report, so the score here is the score the report gives), the
 * scenario's status (its timeline, for what is still to come) and GET /_drill/teams. The
 * page is wrapped in a data-refresh element, so the script keeps it live.
 *
 * To show another part of the report: read it from the report object in drill_team().
 */
#include "console/console_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "control/control_int.h"
#include "control/journal.h"
#include "engine/team.h"
#include "http/route.h"
#include "scenario/scenario.h"
#include "sim.h"
#include "util/timefmt.h"

/* The team's latest commands shown. */
#define COMMANDS_SHOWN 12
/* Teams whose score the table computes (each is a report). */
#define SCORED_TEAMS 64
/* Timeline events shown (the newest when there are more). */
#define EVENTS_SHOWN 60

/* The number member name of o, or NAN. */
static double num_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Appends ms as a <time> showing the UTC clock time and, when start_ms >= 0, its offset from
 * the drill's start ("T+12:30", "T-16:00"). */
static void when(struct buf *b, int64_t ms, int64_t start_ms)
{
    char iso[40];
    timefmt_iso8601((double)ms / 1000.0, iso);
    buf_printf(b, "<time datetime=\"%s\">%.8s</time>", iso, iso + 11);
    if (start_ms >= 0) {
        int64_t d = (ms - start_ms) / 1000;
        char sign = d < 0 ? '-' : '+';
        if (d < 0)
            d = -d;
        buf_printf(b, " <span class=\"muted\">T%c%lld:%02lld</span>", sign,
                   (long long)(d / 60), (long long)(d % 60));
    }
}

/* Appends a duration in seconds as "4 min 10 s", or "not yet" when s is NaN or negative. */
static void duration(struct buf *b, double s)
{
    if (isnan(s) || s < 0) {
        buf_puts(b, "not yet");
        return;
    }
    long long t = llround(s);
    if (t >= 60)
        buf_printf(b, "%lld min %lld s", t / 60, t % 60);
    else
        buf_printf(b, "%lld s", t);
}

/* One row of the score's parts: name, points of max, a note. */
static void score_part(struct buf *b, const char *name, double pts, int max, const char *note)
{
    buf_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"num\">", name);
    char v[32];
    con_fmt_value(isnan(pts) ? 0 : pts, v, sizeof v);
    buf_printf(b, "%s / %d</td><td>", v, max);
    buf_puts(b, note);
    buf_puts(b, "</td></tr>\n");
}

/* The score card: the number, passed or not, and its parts (report "scoring"). */
static void score_card(struct buf *b, const cJSON *r)
{
    int score = (int)num_of(r, "score");
    int passed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "passed"));
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(r, "scoring");
    buf_printf(b, "<section class=\"card score-card\" aria-labelledby=\"score-h\">"
                  "<h3 id=\"score-h\">Live score</h3>\n<p class=\"score\"><span "
                  "class=\"score-num %s\" data-score=\"%d\">%d</span> <span class=\"muted\">"
                  "of 100</span> <span class=\"badge %s\">%s</span></p>\n",
               passed ? "pass" : "fail", score, score, passed ? "badge-pass" : "badge-fail",
               passed ? "passing (70 or more)" : "not passing yet (70 to pass)");
    buf_puts(b, "<table class=\"compact\"><caption class=\"visually-hidden\">The score's parts"
                "</caption><tbody>\n");
    struct buf note;
    buf_init(&note, 1024);
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(r, "rootCause");
    buf_puts(&note, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rc, "fixed")) ? "fixed"
                                                                               : "not fixed");
    score_part(b, "Root cause", num_of(ex, "rootCause"), 40, note.p);
    buf_reset(&note);
    buf_puts(&note, "time to detect: ");
    duration(&note, num_of(r, "timeToDetectSeconds"));
    buf_printf(&note, " (target %g min)", num_of(ex, "detectWithinSeconds") / 60);
    score_part(b, "Detection", num_of(ex, "detection"), 15, note.p);
    buf_reset(&note);
    buf_puts(&note, "time to mitigate: ");
    duration(&note, num_of(r, "timeToMitigateSeconds"));
    buf_printf(&note, " (target %g min)", num_of(ex, "mitigateWithinSeconds") / 60);
    score_part(b, "Mitigation", num_of(ex, "mitigation"), 25, note.p);
    buf_reset(&note);
    int met = 0, total = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(r, "objectives"))
    {
        met += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "met"));
        total++;
    }
    buf_printf(&note, "%d of %d met", met, total);
    score_part(b, "Objectives", num_of(ex, "objectives"), 20, note.p);
    buf_free(&note);
    buf_puts(b, "</tbody></table>\n");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ex, "cappedRootCauseNotFixed")))
        buf_puts(b, "<p class=\"muted\">Capped at 50 while the root cause is not fixed.</p>\n");
    buf_puts(b, "</section>\n");
}

/* The scenario card: name, state, clock, root cause summary. */
static void scenario_card(struct buf *b, const cJSON *r, const cJSON *st, const struct team *t)
{
    buf_puts(b, "<section class=\"card\" aria-labelledby=\"scen-h\"><h3 id=\"scen-h\">"
                "Scenario</h3>\n<dl class=\"facts\"><dt>Name</dt><dd>");
    con_esc(b, con_str_opt(r, "scenario"));
    buf_puts(b, "</dd><dt>State</dt><dd>");
    buf_puts(b, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "running")) ? "running"
                                                                             : "stopped");
    buf_puts(b, "</dd><dt>Clock</dt><dd>");
    cJSON *clk = ctl_clock_json(t);
    buf_puts(b, "<time datetime=\"");
    con_esc(b, con_str_opt(clk, "now"));
    buf_puts(b, "\">");
    con_esc(b, con_str_opt(clk, "now"));
    buf_puts(b, "</time>");
    buf_puts(b, " <span class=\"muted\">(");
    con_esc(b, con_str_opt(clk, "mode"));
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(clk, "paused")))
        buf_puts(b, ", paused");
    buf_puts(b, ")</span></dd>");
    cJSON_Delete(clk);
    const char *summary = con_str_opt(st, "summary");
    if (summary) {
        buf_puts(b, "<dt>About</dt><dd>");
        con_esc(b, summary);
        buf_puts(b, "</dd>");
    }
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(r, "rootCause");
    buf_puts(b, "<dt>Root cause</dt><dd>");
    con_esc(b, con_str_opt(rc, "summary"));
    buf_puts(b, "</dd></dl></section>\n");
}

/* The timeline so far (the report's events, time order; the newest EVENTS_SHOWN). */
static void timeline(struct buf *b, const cJSON *r, int64_t start_ms)
{
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(r, "timeline");
    int n = cJSON_GetArraySize(tl);
    buf_puts(b, "<section aria-labelledby=\"tl-h\"><h3 id=\"tl-h\">Timeline so far</h3>\n"
                "<ol class=\"timeline\">\n");
    int i = 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, tl)
    {
        if (i++ < n - EVENTS_SHOWN)
            continue;
        const char *event = con_str_opt(ev, "event");
        buf_puts(b, "<li data-event=\"");
        con_esc(b, event);
        buf_puts(b, "\">");
        when(b, (int64_t)num_of(ev, "atMs"), start_ms);
        buf_puts(b, " <strong>");
        con_esc(b, event);
        buf_puts(b, "</strong>");
        const char *detail = con_str_opt(ev, "detail");
        if (detail && detail[0]) {
            buf_puts(b, ": ");
            con_esc(b, detail);
        }
        buf_puts(b, "</li>\n");
    }
    if (n == 0)
        buf_puts(b, "<li class=\"muted\">Nothing yet.</li>\n");
    buf_puts(b, "</ol></section>\n");
}

/* The scenario's timeline actions that have not run yet (the trainer's eyes only). */
static void coming_up(struct buf *b, const cJSON *st, int64_t start_ms)
{
    buf_puts(b, "<section aria-labelledby=\"next-h\"><h3 id=\"next-h\">Still to come "
                "<span class=\"muted\">(not shown to the team)</span></h3>\n<ul>\n");
    int n = 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(st, "timeline"))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ev, "ran")) || n >= EVENTS_SHOWN)
            continue;
        n++;
        buf_puts(b, "<li>");
        when(b, (int64_t)num_of(ev, "atMs"), start_ms);
        buf_puts(b, " <strong>");
        con_esc(b, con_str_opt(ev, "do"));
        buf_puts(b, "</strong>");
        const char *value = con_str_opt(ev, "value");
        if (value) {
            buf_puts(b, " ");
            con_esc(b, value);
        }
        const char *note = con_str_opt(ev, "note");
        if (note) {
            buf_puts(b, ": ");
            con_esc(b, note);
        }
        buf_puts(b, "</li>\n");
    }
    if (n == 0)
        buf_puts(b, "<li class=\"muted\">Nothing: every action of the scenario has run."
                    "</li>\n");
    buf_puts(b, "</ul></section>\n");
}

/* The objectives, each met or not, with the report's detail. */
static void objectives(struct buf *b, const cJSON *r)
{
    buf_puts(b, "<section aria-labelledby=\"obj-h\"><h3 id=\"obj-h\">Objectives</h3>\n"
                "<ul class=\"objectives\">\n");
    int n = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(r, "objectives"))
    {
        int met = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "met"));
        buf_printf(b, "<li data-met=\"%s\"><span class=\"badge %s\">%s</span> <strong>",
                   met ? "true" : "false", met ? "badge-pass" : "badge-fail",
                   met ? "met" : "not met");
        con_esc(b, con_str_opt(o, "name"));
        buf_puts(b, "</strong><br><span class=\"muted\">");
        con_esc(b, con_str_opt(o, "detail"));
        buf_puts(b, "</span></li>\n");
        n++;
    }
    if (n == 0)
        buf_puts(b, "<li class=\"muted\">This scenario sets no objectives.</li>\n");
    buf_puts(b, "</ul></section>\n");
}

/* The team's latest commands (the report's "commands", repeats folded), newest first. */
static void commands(struct buf *b, const cJSON *r, int64_t start_ms)
{
    const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(r, "commands");
    int n = cJSON_GetArraySize(cmds);
    buf_puts(b, "<section aria-labelledby=\"cmd-h\"><h3 id=\"cmd-h\">What the team did</h3>\n"
                "<div class=\"table-wrap\"><table><caption class=\"muted\">The latest API calls, "
                "newest first, with the runbook step each one is</caption><thead><tr>"
                "<th scope=\"col\">When</th><th scope=\"col\">Call</th>"
                "<th scope=\"col\">Runbook step</th><th scope=\"col\">Outcome</th></tr></thead>"
                "<tbody>\n");
    for (int i = n - 1; i >= 0 && i >= n - COMMANDS_SHOWN; i--) {
        const cJSON *e = cJSON_GetArrayItem(cmds, i);
        buf_puts(b, "<tr><td>");
        when(b, (int64_t)num_of(e, "atMs"), start_ms);
        buf_puts(b, "</td><td><code>");
        con_esc(b, con_str_opt(e, "service"));
        buf_puts(b, ":");
        con_esc(b, con_str_opt(e, "operation"));
        buf_puts(b, "</code>");
        int count = (int)num_of(e, "count");
        if (count > 1)
            buf_printf(b, " <span class=\"muted\">x%d</span>", count);
        buf_puts(b, "</td><td>");
        const char *step = con_str_opt(e, "runbookStep");
        con_esc(b, step ? step : "-");
        buf_puts(b, "</td><td>");
        con_esc(b, con_str_opt(e, "outcome"));
        const char *hint = con_str_opt(e, "hint");
        if (hint) {
            buf_puts(b, "<br><span class=\"hint\">Hint: ");
            con_esc(b, hint);
            buf_puts(b, "</span>");
        }
        buf_puts(b, "</td></tr>\n");
    }
    if (n == 0)
        buf_puts(b, "<tr><td colspan=\"4\">No API calls yet.</td></tr>\n");
    buf_puts(b, "</tbody></table></div>\n");
    double skipped = num_of(r, "callsSkipped");
    if (skipped > 0)
        buf_printf(b, "<p class=\"muted\" data-skipped=\"%.0f\">The report reads the first "
                      "20,000 calls and the newest 1,000: %.0f calls between them are not "
                      "shown.</p>\n",
                   skipped, skipped);
    buf_puts(b, "</section>\n");
}

/* The selected team's drill, or a note that it runs none. Returns its score, or -1. */
static int drill_team(struct buf *b, struct call *c)
{
    buf_puts(b, "<section class=\"drill\" aria-labelledby=\"team-h\"><h2 id=\"team-h\">Team ");
    con_esc(b, c->team->account);
    cJSON *r = report_build(c->sim, c->team);
    cJSON *st = r ? scenario_status(c->sim, c->team) : NULL;
    if (r == NULL || st == NULL) {
        buf_puts(b, "</h2>\n<p>This team runs no scenario. Start one with <code>drillctl "
                    "start NAME</code> or <code>POST /_drill/scenarios/NAME/start</code>.</p>"
                    "</section>\n");
        cJSON_Delete(r);
        cJSON_Delete(st);
        return -1;
    }
    buf_puts(b, ": ");
    con_esc(b, con_str_opt(r, "scenario"));
    buf_puts(b, "</h2>\n<div class=\"drill-top\">\n");
    int64_t start_ms = (int64_t)num_of(st, "startMs");
    score_card(b, r);
    scenario_card(b, r, st, c->team);
    buf_puts(b, "</div>\n<div class=\"drill-cols\">\n<div>\n");
    timeline(b, r, start_ms);
    coming_up(b, st, start_ms);
    buf_puts(b, "</div>\n<div>\n");
    objectives(b, r);
    buf_puts(b, "</div>\n</div>\n");
    commands(b, r, start_ms);
    buf_puts(b, "</section>\n");
    int score = (int)num_of(r, "score");
    cJSON_Delete(r);
    cJSON_Delete(st);
    return score;
}

/* A number member of o as text ("-" when absent or not a number). */
static void num_cell(struct buf *b, const cJSON *o, const char *name)
{
    double v = num_of(o, name);
    if (isnan(v)) {
        buf_puts(b, "-");
        return;
    }
    char s[32];
    con_fmt_value(v, s, sizeof s);
    buf_puts(b, s);
}

/* One row of the teams table from a TEAMSTATUS object (docs/control-api.md); score < 0 when
 * the team has no scenario or was not scored. */
static void team_row(struct buf *b, const cJSON *t, int score, const char *selected)
{
    const char *acct = con_str_opt(t, "team");
    const cJSON *clock = cJSON_GetObjectItemCaseSensitive(t, "clock");
    if (acct == NULL)
        acct = "";
    buf_puts(b, "<tr data-team=\"");
    con_esc(b, acct);
    buf_puts(b, "\"><th scope=\"row\"><a href=\"/console/drill?team=");
    con_esc(b, acct);
    buf_puts(b, "\"");
    if (strcmp(acct, selected) == 0)
        buf_puts(b, " aria-current=\"true\"");
    buf_puts(b, ">");
    con_esc(b, acct);
    buf_puts(b, "</a></th><td>");
    const char *scen = con_str_opt(t, "scenario");
    con_esc(b, scen ? scen : "none");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "running")))
        buf_puts(b, " <span class=\"muted\">(running)</span>");
    buf_puts(b, "</td><td>");
    buf_puts(b, "<time datetime=\"");
    con_esc(b, con_str_opt(clock, "now"));
    buf_puts(b, "\">");
    con_esc(b, con_str_opt(clock, "now"));
    buf_puts(b, "</time>");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(clock, "paused")))
        buf_puts(b, " <span class=\"muted\">(paused)</span>");
    buf_puts(b, "</td><td class=\"num\">");
    num_cell(b, t, "connections");
    buf_puts(b, " / ");
    num_cell(b, t, "maxConnections");
    buf_puts(b, "</td><td class=\"num\">");
    num_cell(b, t, "tasks");
    buf_puts(b, "</td><td class=\"num\">");
    num_cell(b, t, "requestsLastMinute");
    buf_puts(b, "</td><td class=\"num\">");
    num_cell(b, t, "fiveXxLastMinute");
    buf_puts(b, "</td><td>");
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(t, "alarms"))
    {
        const char *st = cJSON_IsString(a) ? a->valuestring : "UNKNOWN";
        buf_puts(b, "<span class=\"state state-");
        con_esc(b, st);
        buf_puts(b, "\">");
        con_esc(b, st);
        buf_puts(b, "</span> ");
        con_esc(b, a->string);
        buf_puts(b, "<br>");
    }
    buf_puts(b, "</td><td class=\"num\"");
    if (score >= 0)
        buf_printf(b, " data-score=\"%d\">%d", score, score);
    else
        buf_puts(b, ">-");
    buf_puts(b, "</td></tr>\n");
}

/* The score of the team of TEAMSTATUS t, or -1 when it runs no scenario. */
static int team_score(struct call *c, const cJSON *t)
{
    const char *acct = con_str_opt(t, "team");
    if (acct == NULL || con_str_opt(t, "scenario") == NULL)
        return -1;
    struct team *team = team_get(c->sim, acct);
    cJSON *r = team ? report_build(c->sim, team) : NULL;
    int score = r ? (int)num_of(r, "score") : -1;
    cJSON_Delete(r);
    return score;
}

/* Every team: GET /_drill/teams (the control API's own handler) as a table with scores;
 * the selected team's (selected_score) was computed by drill_team(). */
static void teams_table(struct buf *b, struct call *c, const struct http_request *req,
                        int selected_score)
{
    const struct ctl_route *route = NULL;
    for (const struct ctl_route *r = ctl_drill_routes; r->method && route == NULL; r++) {
        if (strcmp(r->method, "GET") == 0 && strcmp(r->path, "/_drill/teams") == 0)
            route = r;
    }
    struct call tc;
    call_init(&tc, c->sim);
    tc.team = c->team;
    tc.now_ms = c->now_ms;
    if (route)
        route->handler(&tc, req);
    buf_puts(b, "<section aria-labelledby=\"teams-h\"><h2 id=\"teams-h\">Every team</h2>\n"
                "<div class=\"table-wrap\"><table>\n<caption class=\"muted\">One row per team "
                "this server knows; select a team to see its drill</caption>\n<thead><tr>"
                "<th scope=\"col\">Team</th><th scope=\"col\">Scenario</th>"
                "<th scope=\"col\">Simulated time</th><th scope=\"col\">DB connections / max"
                "</th><th scope=\"col\">Tasks</th><th scope=\"col\">Requests / min</th>"
                "<th scope=\"col\">5xx / min</th><th scope=\"col\">Alarms</th>"
                "<th scope=\"col\">Score</th></tr></thead>\n<tbody>\n");
    int n = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(tc.out, "teams"))
    {
        const char *acct = con_str_opt(t, "team");
        int score = acct && strcmp(acct, c->team->account) == 0 ? selected_score
                    : n++ < SCORED_TEAMS                        ? team_score(c, t)
                                                                : -1;
        team_row(b, t, score, c->team->account);
    }
    if (tc.out == NULL)
        buf_puts(b, "<tr><td colspan=\"9\">The teams could not be read.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table></div></section>\n");
    call_free(&tc);
}

void con_drill_page(struct call *c, const struct http_request *req)
{
    journal_flush(c->sim);
    struct buf *b = con_page(c, 200, "Drill", "drill");
    buf_puts(b, "<h1>Drill</h1>\n");
    con_sim_time(b, c->now_ms);
    con_live_begin(b);
    int score = drill_team(b, c);
    teams_table(b, c, req, score);
    con_live_end(b);
    con_page_end(b);
}
