/*
 * console.c - the web console's router, page frame and the simple pages: home, the
 * dashboards list, alarms, errors and the embedded assets (see console.h for the URLs).
 *
 * Pages are built into c->body as HTML; the team comes from ?team= (checked like the control
 * API's) and every link keeps it. To add a page: a row in `pages` below and its function;
 * put a link to it in con_page_begin()'s navigation.
 */
#include "console/console.h"
#include "console/console_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "control/control_int.h"
#include "engine/team.h"
#include "http/route.h"
#include "protocol/form.h"
#include "sim.h"
#include "store/alarms.h"
#include "store/dashboards.h"
#include "util/timefmt.h"

/* Page bodies are bounded: a page past this is cut short (never the case for real data). */
#define PAGE_MAX (8u << 20)
/* At most this many dashboards / alarms are listed on a page. */
#define LIST_MAX 500
/* Dashboards linked from the home page. */
#define HOME_DASHBOARDS 20
/* History items shown per alarm. */
#define HISTORY_ITEMS 3

/* The value of URL argument name, or NULL. */
const char *con_arg(const struct http_request *req, const char *name)
{
    return req->url_args ? form_get(req->url_args, name) : NULL;
}

void con_page_begin(struct buf *b, const char *title, const char *team, const char *nav)
{
    static const struct {
        const char *key, *path, *label;
    } links[] = {
        {"home", "/console/", "Home"},
        {"dashboards", "/console/dashboards", "Dashboards"},
        {"alarms", "/console/alarms", "Alarms"},
        {"logs", "/console/logs", "Logs"},
        {"ecs", "/console/ecs", "ECS"},
        {"rds", "/console/rds", "RDS"},
        {"drill", "/console/drill", "Drill"},
    };
    buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    con_esc(b, title);
    buf_puts(b, " - drillsim console</title>\n"
                "<link rel=\"stylesheet\" href=\"/console/assets/console.css\">\n"
                /* no favicon request: it would reach the AWS router and the journal */
                "<link rel=\"icon\" href=\"data:,\">\n"
                "</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
                "<header class=\"top\"><span class=\"brand\">drillsim console</span>\n"
                "<nav aria-label=\"Console\">");
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        buf_printf(b, "%s<a href=\"%s?team=", i ? " " : "", links[i].path);
        con_esc(b, team);
        buf_puts(b, "\"");
        if (nav && strcmp(nav, links[i].key) == 0)
            buf_puts(b, " aria-current=\"page\"");
        buf_printf(b, ">%s</a>", links[i].label);
    }
    buf_puts(b, "</nav>\n<span class=\"team\">Team ");
    con_esc(b, team);
    buf_puts(b, "</span></header>\n<main id=\"main\">\n");
}

void con_page_end(struct buf *b)
{
    buf_puts(b, "</main>\n</body>\n</html>\n");
}

void con_live_begin(struct buf *b)
{
    buf_puts(b, "<div id=\"live\" data-refresh>\n");
}

void con_live_end(struct buf *b)
{
    buf_puts(b, "</div>\n<p id=\"refresh-status\" class=\"muted\" aria-live=\"polite\"></p>\n"
                "<script src=\"/console/assets/console.js\" defer></script>\n");
}

/* Starts an HTML reply on c (status, content type, an empty body) and returns the body. */
static struct buf *html_reply(struct call *c, int status)
{
    c->status = status;
    c->content_type = "text/html; charset=utf-8";
    buf_reset(&c->body);
    c->body.max = PAGE_MAX;
    return &c->body;
}

struct buf *con_page(struct call *c, int status, const char *title, const char *nav)
{
    struct buf *b = html_reply(c, status);
    con_page_begin(b, title, c->team ? c->team->account : DEFAULT_ACCOUNT, nav);
    return b;
}

void con_error_page(struct call *c, int status, const char *title, const char *message)
{
    struct buf *b = con_page(c, status, title, NULL);
    const char *team = c->team ? c->team->account : DEFAULT_ACCOUNT;
    buf_puts(b, "<h1>");
    con_esc(b, title);
    buf_puts(b, "</h1>\n<p>");
    con_esc(b, message);
    buf_puts(b, "</p>\n<p><a href=\"/console/?team=");
    con_esc(b, team);
    buf_puts(b, "\">Back to the console home</a></p>\n");
    con_page_end(b);
}

/* Appends the team's sim time as a <time> the script refreshes (id sim-time). */
void con_sim_time(struct buf *b, int64_t now_ms)
{
    char iso[40];
    timefmt_iso8601((double)now_ms / 1000.0, iso);
    buf_puts(b, "<p class=\"muted\">Simulated time: <time id=\"sim-time\" datetime=\"");
    con_esc(b, iso);
    buf_puts(b, "\">");
    con_esc(b, iso);
    buf_puts(b, "</time></p>\n");
}

struct home_list {
    struct buf *b;
    const char *team;
    int n;
};

/* One link of the home page's dashboard list (a store_dashboard_list callback). */
static void home_dash(void *arg, const struct dashboard_row *row)
{
    struct home_list *l = arg;
    buf_puts(l->b, "<li><a href=\"/console/dashboards/");
    con_esc(l->b, row->name);
    buf_puts(l->b, "?team=");
    con_esc(l->b, l->team);
    buf_puts(l->b, "\">");
    con_esc(l->b, row->name);
    buf_puts(l->b, "</a></li>");
    l->n++;
}

/* /console/: links to the dashboards (the first few by name), alarms and the drill view. */
static void page_home(struct call *c, const struct http_request *req)
{
    (void)req;
    const char *team = c->team->account;
    struct buf *b = con_page(c, 200, "Home", "home");
    buf_puts(b, "<h1>drillsim console</h1>\n");
    con_sim_time(b, c->now_ms);
    buf_puts(b, "<div class=\"cards\">\n<section class=\"card\"><h2><a href=\"/console/"
                "dashboards?team=");
    con_esc(b, team);
    buf_puts(b, "\">CloudWatch dashboards</a></h2><p>The dashboards stored with PutDashboard, "
                "drawn from the simulated metrics.</p>\n<ul>");
    struct home_list hl = {b, team, 0};
    int more = 0;
    store_dashboard_list(c->sim->store, team, NULL, NULL, HOME_DASHBOARDS, home_dash, &hl,
                         &more);
    if (hl.n == 0)
        buf_puts(b, "<li class=\"muted\">None yet.</li>");
    if (more)
        buf_puts(b, "<li class=\"muted\">More on the dashboards page.</li>");
    buf_puts(b, "</ul></section>\n"
                "<section class=\"card\"><h2><a href=\"/console/alarms?team=");
    con_esc(b, team);
    buf_puts(b, "\">Alarms</a></h2><p>Every alarm's state, reason and latest history."
                "</p></section>\n"
                "<section class=\"card\"><h2><a href=\"/console/drill?team=");
    con_esc(b, team);
    buf_puts(b, "\">Drill view</a></h2><p>The trainer's view: every team's scenario, clock, "
                "database connections and alarms.</p></section>\n</div>\n");
    con_page_end(b);
}

struct dash_list {
    struct buf *b;
    const char *team;
    int n;
};

/* One row of the dashboards table (a store_dashboard_list callback). */
static void dash_row(void *arg, const struct dashboard_row *row)
{
    struct dash_list *l = arg;
    char iso[40];
    timefmt_iso8601((double)row->modified_ms / 1000.0, iso);
    buf_puts(l->b, "<tr><td><a href=\"/console/dashboards/");
    con_esc(l->b, row->name); /* names are [A-Za-z0-9_-]: nothing to percent-encode */
    buf_puts(l->b, "?team=");
    con_esc(l->b, l->team);
    buf_puts(l->b, "\">");
    con_esc(l->b, row->name);
    buf_printf(l->b, "</a></td><td>%s</td><td>%lld</td></tr>\n", iso, (long long)row->size);
    l->n++;
}

/* /console/dashboards: the team's dashboards in name order. */
static void page_dashboards(struct call *c, const struct http_request *req)
{
    (void)req;
    const char *team = c->team->account;
    struct buf *b = con_page(c, 200, "Dashboards", "dashboards");
    buf_puts(b, "<h1>Dashboards</h1>\n<table>\n<caption class=\"muted\">CloudWatch dashboards "
                "of this team</caption>\n<thead><tr><th scope=\"col\">Name</th>"
                "<th scope=\"col\">Last modified (UTC)</th><th scope=\"col\">Size (bytes)</th>"
                "</tr></thead>\n<tbody>\n");
    struct dash_list l = {b, team, 0};
    int more = 0;
    if (store_dashboard_list(c->sim->store, team, NULL, NULL, LIST_MAX, dash_row, &l, &more))
        buf_puts(b, "<tr><td colspan=\"3\">The dashboards could not be read.</td></tr>\n");
    else if (l.n == 0)
        buf_puts(b, "<tr><td colspan=\"3\">No dashboards yet: create one with PutDashboard or "
                    "start a scenario.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table>\n");
    if (more)
        buf_printf(b, "<p class=\"muted\">Only the first %d dashboards are listed.</p>\n",
                   LIST_MAX);
    con_page_end(b);
}

struct alarm_list {
    struct call *c;
    struct alarm_scope sc;
    struct buf *b;
    int n;
    int in_alarm; /* this pass lists the alarms in ALARM (1) or the others (0) */
};

struct hist_list {
    struct buf *b;
    int n;
};

/* One history item of an alarm; stops after HISTORY_ITEMS. Returns 0 or 1 (stop). */
static int hist_item(void *ctx, const struct alarm_history *h)
{
    struct hist_list *hl = ctx;
    char iso[40];
    timefmt_iso8601((double)h->ts_ms / 1000.0, iso);
    buf_printf(hl->b, "<li><time datetime=\"%s\">%s</time> ", iso, iso);
    con_esc(hl->b, h->item_type);
    buf_puts(hl->b, ": ");
    con_esc(hl->b, h->summary);
    buf_puts(hl->b, "</li>");
    return ++hl->n >= HISTORY_ITEMS ? 1 : 0;
}

/* One row of the alarms table: state, reason, the newest history items. Returns 0 or 1. */
static int alarm_row(void *ctx, const struct alarm_row *r)
{
    struct alarm_list *l = ctx;
    struct buf *b = l->b;
    if ((r->state && strcmp(r->state, "ALARM") == 0) != l->in_alarm)
        return 0;
    char iso[40];
    timefmt_iso8601((double)r->state_updated_ms / 1000.0, iso);
    buf_puts(b, "<tr data-alarm=\"");
    con_esc(b, r->name);
    buf_puts(b, "\" data-state=\"");
    con_esc(b, r->state);
    buf_puts(b, "\"><th scope=\"row\">");
    con_esc(b, r->name);
    buf_puts(b, "</th><td><span class=\"state state-");
    con_esc(b, r->state);
    buf_puts(b, "\">");
    con_esc(b, r->state);
    buf_printf(b, "</span><br><span class=\"muted\">since %s</span></td><td>", iso);
    con_esc(b, r->reason);
    buf_puts(b, "</td><td><ul>");
    struct hist_list hl = {b, 0};
    struct alarm_history_filter f = {.alarm = r->name, .metric = 1, .composite = 1};
    if (store_alarm_history_each(&l->sc, &f, hist_item, &hl) != 0)
        buf_puts(b, "<li>The history could not be read.</li>");
    buf_puts(b, "</ul></td></tr>\n");
    return ++l->n >= LIST_MAX ? 1 : 0;
}

/* /console/alarms: every alarm of the region (?region=), those in ALARM first. */
static void page_alarms(struct call *c, const struct http_request *req)
{
    const char *region = con_arg(req, "region");
    if (region == NULL || region[0] == '\0' || strlen(region) > 31)
        region = DEFAULT_REGION;
    const char *team = c->team->account;
    struct buf *b = con_page(c, 200, "Alarms", "alarms");
    buf_puts(b, "<h1>Alarms</h1>\n");
    con_sim_time(b, c->now_ms);
    con_live_begin(b);
    buf_puts(b, "<table>\n<caption class=\"muted\">CloudWatch alarms in ");
    con_esc(b, region);
    buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">Alarm</th><th scope=\"col\">State"
                "</th><th scope=\"col\">Reason</th><th scope=\"col\">Latest history</th></tr>"
                "</thead>\n<tbody>\n");
    /* alarms in ALARM first, then the others, each in name order */
    struct alarm_list l = {c, {c->sim->store, team, region}, b, 0, 1};
    int rc = store_alarm_each(&l.sc, NULL, NULL, alarm_row, &l);
    l.in_alarm = 0;
    if (rc == 0 && l.n < LIST_MAX)
        rc = store_alarm_each(&l.sc, NULL, NULL, alarm_row, &l);
    if (rc != 0)
        buf_puts(b, "<tr><td colspan=\"4\">The alarms could not be read.</td></tr>\n");
    else if (l.n == 0)
        buf_puts(b, "<tr><td colspan=\"4\">No alarms in this region.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table>\n");
    con_live_end(b);
    con_page_end(b);
}

/* Answers an embedded asset with its content type (cacheable for five minutes). */
static void asset(struct call *c, const char *type, const char *text)
{
    c->status = 200;
    c->content_type = type;
    buf_reset(&c->body);
    c->body.max = PAGE_MAX;
    buf_puts(&c->body, text);
    call_add_header(c, "Cache-Control", "max-age=300");
}

/* Selects the team of ?team= (12 digits; default 000000000000). Returns 0, or -1 after
 * writing an error page. */
static int select_team(struct call *c, const struct http_request *req)
{
    const char *team = con_arg(req, "team");
    if (team == NULL || team[0] == '\0')
        team = DEFAULT_ACCOUNT;
    size_t n = strlen(team);
    int ok = n == 12;
    for (size_t i = 0; ok && i < n; i++)
        ok = team[i] >= '0' && team[i] <= '9';
    if (!ok) {
        con_error_page(c, 400, "Bad team", "team must be a 12-digit account id.");
        return -1;
    }
    c->team = team_get(c->sim, team);
    if (c->team == NULL) {
        con_error_page(c, 503, "Too many teams", "This server serves no more teams.");
        return -1;
    }
    c->now_ms = team_now_ms(c->team);
    snprintf(c->tenant.account, sizeof c->tenant.account, "%s", c->team->account);
    snprintf(c->tenant.region, sizeof c->tenant.region, "%s", DEFAULT_REGION);
    return 0;
}

void console_handle(struct call *c, const struct http_request *req)
{
    static const struct {
        const char *path;
        void (*page)(struct call *c, const struct http_request *req);
    } pages[] = {
        {"/console", page_home},
        {"/console/", page_home},
        {"/console/dashboards", page_dashboards},
        {"/console/dashboards/", page_dashboards},
        {"/console/alarms", page_alarms},
        {"/console/drill", con_drill_page},
    };
    const char *path = req->path;
    if (strcmp(path, "/console/assets/console.css") == 0) {
        asset(c, "text/css; charset=utf-8", con_css);
        return;
    }
    if (strcmp(path, "/console/assets/console.js") == 0) {
        asset(c, "text/javascript; charset=utf-8", con_js);
        return;
    }
    if (select_team(c, req) != 0)
        return;
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        con_error_page(c, 405, "Method not allowed", "The console's pages are read with GET.");
        call_add_header(c, "Allow", "GET, HEAD");
        return;
    }
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        if (strcmp(path, pages[i].path) == 0) {
            pages[i].page(c, req);
            return;
        }
    }
    static const struct {
        const char *prefix;
        void (*handle)(struct call *c, const struct http_request *req);
    } sections[] = {
        {"/console/logs", con_logs_handle},
        {"/console/ecs", con_ecs_handle},
        {"/console/rds", con_rds_handle},
    };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        size_t n = strlen(sections[i].prefix);
        if (strncmp(path, sections[i].prefix, n) == 0 && (path[n] == '\0' || path[n] == '/')) {
            sections[i].handle(c, req);
            return;
        }
    }
    static const char dash[] = "/console/dashboards/";
    if (strncmp(path, dash, sizeof dash - 1) == 0 && strchr(path + sizeof dash - 1, '/') == NULL) {
        con_dashboard_page(c, req, path + sizeof dash - 1);
        return;
    }
    con_error_page(c, 404, "Page not found", "There is no console page at this address.");
}
