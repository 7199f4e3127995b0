/*
 * report_render.c - the drill report as Markdown and as one self-contained HTML page (inline
 * CSS, no scripts, no external assets), from the report's JSON (see report_int.h).
 *
 * Both renderings walk the same sections in the same order: header and verdict, timeline,
 * root cause, objectives, commands, runbook hints, scoring. To add a section: add it to both.
 */
#include "control/report_int.h"

#include <stdio.h>
#include <string.h>

static const char *str(const cJSON *o, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    return s ? s : "";
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int yes(const cJSON *o, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* "12m 30s", or "not reached" for null. */
static void span_text(const cJSON *o, const char *name, char *out, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v)) {
        snprintf(out, n, "not reached");
        return;
    }
    long s = (long)v->valuedouble;
    snprintf(out, n, "%ldm %02lds", s / 60, s % 60);
}

/* ---- Markdown -------------------------------------------------------------------------- */

/* A table cell: | and newlines would break the row. */
static void md_cell(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            buf_puts(b, "\\|");
        else if (*s == '\n' || *s == '\r')
            buf_putc(b, ' ');
        else
            buf_putc(b, *s);
    }
}

void report_render_md(const cJSON *r, struct buf *b)
{
    char ttd[32], ttm[32];
    span_text(r, "timeToDetectSeconds", ttd, sizeof ttd);
    span_text(r, "timeToMitigateSeconds", ttm, sizeof ttm);
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(r, "rootCause");
    buf_printf(b, "# Drill report: %s\n\n", str(r, "scenario"));
    buf_printf(b, "Team %s, environment %s, as of %s (%s).\n\n", str(r, "team"), str(r, "env"),
               str(r, "asOf"), yes(r, "running") ? "running" : "stopped");
    buf_printf(b, "**Score: %.0f / 100 (%s)**\n\n", num(r, "score"),
               yes(r, "passed") ? "passed" : "failed");
    buf_printf(b, "- Root cause fixed: **%s**. %s\n", yes(r, "rootCauseFixed") ? "yes" : "NO",
               str(rc, "summary"));
    buf_printf(b, "- Time to detect: %s\n- Time to mitigate: %s\n\n", ttd, ttm);
    buf_puts(b, "## Timeline\n\n| time | event | detail |\n|---|---|---|\n");
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "timeline"))
    {
        buf_printf(b, "| %s | %s | ", str(e, "at"), str(e, "event"));
        md_cell(b, str(e, "detail"));
        buf_puts(b, " |\n");
    }
    buf_puts(b, "\n## Root cause\n\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(rc, "checks"))
    {
        buf_printf(b, "- [%s] %s\n", yes(e, "fixed") ? "x" : " ", str(e, "detail"));
    }
    buf_puts(b, "\n## Objectives\n\n| objective | met | detail |\n|---|---|---|\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "objectives"))
    {
        buf_puts(b, "| ");
        md_cell(b, str(e, "name"));
        buf_printf(b, " | %s | ", yes(e, "met") ? "yes" : "**no**");
        md_cell(b, str(e, "detail"));
        buf_puts(b, " |\n");
    }
    buf_puts(b, "\n## Runbook steps\n\n| step | command | used | last outcome |\n"
                "|---|---|---|---|\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "runbook"))
    {
        buf_puts(b, "| ");
        md_cell(b, str(e, "step"));
        buf_puts(b, " | `");
        md_cell(b, str(e, "command"));
        buf_printf(b, "` | %.0f | ", num(e, "used"));
        md_cell(b, str(e, "lastOutcome")[0] ? str(e, "lastOutcome") : "-");
        buf_puts(b, " |\n");
    }
    buf_puts(b, "\n## Commands\n\n| time | call | runbook step | outcome | hint |\n"
                "|---|---|---|---|---|\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "commands"))
    {
        buf_printf(b, "| %s | %s:%s", str(e, "at"), str(e, "service"), str(e, "operation"));
        if (num(e, "count") > 1)
            buf_printf(b, " (x%.0f)", num(e, "count"));
        buf_puts(b, " | ");
        md_cell(b, str(e, "runbookStep")[0] ? str(e, "runbookStep") : "-");
        buf_puts(b, " | ");
        md_cell(b, str(e, "outcome"));
        buf_puts(b, " | ");
        md_cell(b, str(e, "hint")[0] ? str(e, "hint") : "");
        buf_puts(b, " |\n");
    }
    buf_puts(b, "\n## Runbook hints\n\n");
    const cJSON *hints = cJSON_GetObjectItemCaseSensitive(r, "hints");
    if (cJSON_GetArraySize(hints) == 0)
        buf_puts(b, "None: no known runbook mistake showed up.\n");
    cJSON_ArrayForEach(e, hints)
    {
        buf_printf(b, "### %s\n\n%s:%s at %s: %s\n\n- Problem: %s\n- Fix: %s\n\n",
                   str(e, "kind"), str(e, "service"), str(e, "operation"), str(e, "at"),
                   str(e, "outcome"), str(e, "problem"), str(e, "fix"));
        const cJSON *cmd;
        buf_puts(b, "```bash\n");
        cJSON_ArrayForEach(cmd, cJSON_GetObjectItemCaseSensitive(e, "commands"))
        {
            buf_printf(b, "%s\n", cJSON_GetStringValue(cmd));
        }
        buf_puts(b, "```\n\n");
    }
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "scoring");
    buf_printf(b, "\n## Scoring\n\n- root cause: %.0f\n- detection: %.1f\n- mitigation: %.1f\n"
                  "- objectives: %.1f\n%s\nRules: %s\n",
               num(sc, "rootCause"), num(sc, "detection"), num(sc, "mitigation"),
               num(sc, "objectives"),
               yes(sc, "cappedRootCauseNotFixed")
                   ? "- capped at 50: the root cause was not fixed\n"
                   : "",
               str(sc, "rules"));
}

/* ---- HTML ------------------------------------------------------------------------------ */

static void esc(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: buf_putc(b, *s);
        }
    }
}

static void td(struct buf *b, const char *s)
{
    buf_puts(b, "<td>");
    esc(b, s);
    buf_puts(b, "</td>");
}

static const char css[] =
    "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
    "margin:2em auto;max-width:72em;padding:0 1em;color:#1d2733;line-height:1.45}"
    "h1{margin-bottom:.2em}h2{border-bottom:1px solid #d5dbe3;padding-bottom:.2em;"
    "margin-top:1.6em}table{border-collapse:collapse;width:100%;font-size:.92em}"
    "th,td{border:1px solid #d5dbe3;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#eef2f6}.score{font-size:2.4em;font-weight:700}"
    ".pass{color:#17743a}.fail{color:#b3261e}.bad{color:#b3261e;font-weight:600}"
    ".ok{color:#17743a}pre{background:#f4f6f8;padding:.6em;overflow-x:auto;"
    "white-space:pre-wrap}.muted{color:#5c6b7a}";

void report_render_html(const cJSON *r, struct buf *b)
{
    char ttd[32], ttm[32];
    span_text(r, "timeToDetectSeconds", ttd, sizeof ttd);
    span_text(r, "timeToMitigateSeconds", ttm, sizeof ttm);
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(r, "rootCause");
    int passed = yes(r, "passed");
    buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                "<title>Drill report: ");
    esc(b, str(r, "scenario"));
    buf_printf(b, "</title><style>%s</style></head><body>\n<h1>Drill report: ", css);
    esc(b, str(r, "scenario"));
    buf_puts(b, "</h1>\n<p class=\"muted\">Team ");
    esc(b, str(r, "team"));
    buf_puts(b, ", environment ");
    esc(b, str(r, "env"));
    buf_puts(b, ", as of ");
    esc(b, str(r, "asOf"));
    buf_printf(b, " (%s)</p>\n", yes(r, "running") ? "running" : "stopped");
    buf_printf(b, "<p><span class=\"score %s\">%.0f / 100</span> <strong class=\"%s\">%s"
                  "</strong></p>\n",
               passed ? "pass" : "fail", num(r, "score"), passed ? "pass" : "fail",
               passed ? "passed" : "failed");
    buf_printf(b, "<p>Root cause fixed: <strong class=\"%s\">%s</strong>. ",
               yes(r, "rootCauseFixed") ? "ok" : "bad", yes(r, "rootCauseFixed") ? "yes" : "NO");
    esc(b, str(rc, "summary"));
    buf_printf(b, "</p>\n<p>Time to detect: %s &middot; Time to mitigate: %s</p>\n", ttd, ttm);

    buf_puts(b, "<h2>Timeline</h2>\n<table><tr><th>time</th><th>event</th><th>detail</th>"
                "</tr>\n");
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "timeline"))
    {
        buf_puts(b, "<tr>");
        td(b, str(e, "at"));
        td(b, str(e, "event"));
        td(b, str(e, "detail"));
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</table>\n<h2>Root cause</h2>\n<ul>\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(rc, "checks"))
    {
        buf_printf(b, "<li class=\"%s\">%s ", yes(e, "fixed") ? "ok" : "bad",
                   yes(e, "fixed") ? "&#10003;" : "&#10007;");
        esc(b, str(e, "detail"));
        buf_puts(b, "</li>\n");
    }
    buf_puts(b, "</ul>\n<h2>Objectives</h2>\n<table><tr><th>objective</th><th>met</th>"
                "<th>detail</th></tr>\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "objectives"))
    {
        buf_puts(b, "<tr>");
        td(b, str(e, "name"));
        buf_printf(b, "<td class=\"%s\">%s</td>", yes(e, "met") ? "ok" : "bad",
                   yes(e, "met") ? "yes" : "no");
        td(b, str(e, "detail"));
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</table>\n<h2>Runbook steps</h2>\n<table><tr><th>step</th><th>command</th>"
                "<th>used</th><th>last outcome</th></tr>\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "runbook"))
    {
        char used[32];
        snprintf(used, sizeof used, "%.0f", num(e, "used"));
        buf_puts(b, "<tr>");
        td(b, str(e, "step"));
        buf_puts(b, "<td><code>");
        esc(b, str(e, "command"));
        buf_puts(b, "</code></td>");
        td(b, used);
        td(b, str(e, "lastOutcome")[0] ? str(e, "lastOutcome") : "-");
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</table>\n<h2>Commands</h2>\n<table><tr><th>time</th><th>call</th>"
                "<th>runbook step</th><th>outcome</th><th>hint</th></tr>\n");
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "commands"))
    {
        char call[200];
        snprintf(call, sizeof call, "%s:%s", str(e, "service"), str(e, "operation"));
        if (num(e, "count") > 1)
            snprintf(call + strlen(call), sizeof call - strlen(call), " (x%.0f)",
                     num(e, "count"));
        buf_puts(b, "<tr>");
        td(b, str(e, "at"));
        td(b, call);
        td(b, str(e, "runbookStep")[0] ? str(e, "runbookStep") : "-");
        buf_printf(b, "<td class=\"%s\">", strcmp(str(e, "outcome"), "ok") ? "bad" : "ok");
        esc(b, str(e, "outcome"));
        buf_puts(b, "</td>");
        td(b, str(e, "hint"));
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</table>\n<h2>Runbook hints</h2>\n");
    const cJSON *hints = cJSON_GetObjectItemCaseSensitive(r, "hints");
    if (cJSON_GetArraySize(hints) == 0)
        buf_puts(b, "<p>None: no known runbook mistake showed up.</p>\n");
    cJSON_ArrayForEach(e, hints)
    {
        buf_puts(b, "<h3>");
        esc(b, str(e, "kind"));
        buf_puts(b, "</h3>\n<p class=\"muted\">");
        esc(b, str(e, "service"));
        buf_putc(b, ':');
        esc(b, str(e, "operation"));
        buf_puts(b, " at ");
        esc(b, str(e, "at"));
        buf_puts(b, ": ");
        esc(b, str(e, "outcome"));
        buf_puts(b, "</p>\n<p><strong>Problem:</strong> ");
        esc(b, str(e, "problem"));
        buf_puts(b, "</p>\n<p><strong>Fix:</strong> ");
        esc(b, str(e, "fix"));
        buf_puts(b, "</p>\n<pre>");
        const cJSON *cmd;
        cJSON_ArrayForEach(cmd, cJSON_GetObjectItemCaseSensitive(e, "commands"))
        {
            esc(b, cJSON_GetStringValue(cmd) ? cJSON_GetStringValue(cmd) : "");
            buf_putc(b, '\n');
        }
        buf_puts(b, "</pre>\n");
    }
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "scoring");
    buf_printf(b, "<h2>Scoring</h2>\n<table><tr><th>part</th><th>points</th></tr>\n"
                  "<tr><td>root cause fixed</td><td>%.0f / 40</td></tr>\n"
                  "<tr><td>detection</td><td>%.1f / 15</td></tr>\n"
                  "<tr><td>mitigation</td><td>%.1f / 25</td></tr>\n"
                  "<tr><td>objectives</td><td>%.1f / 20</td></tr>\n</table>\n",
               num(sc, "rootCause"), num(sc, "detection"), num(sc, "mitigation"),
               num(sc, "objectives"));
    if (yes(sc, "cappedRootCauseNotFixed"))
        buf_puts(b, "<p class=\"bad\">Capped at 50: the root cause was not fixed.</p>\n");
    buf_puts(b, "<p class=\"muted\">");
    esc(b, str(sc, "rules"));
    buf_puts(b, "</p>\n</body></html>\n");
}
