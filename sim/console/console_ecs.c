/*
 * console_ecs.c - /console/ecs: the region's ECS clusters and services, and one service with
 * its deployments, tasks, events and metrics, as the AWS console shows them.
 *
 *   /console/ecs                          every cluster (ListClusters, DescribeClusters) with
 *                                         its services (ListServices, DescribeServices)
 *   /console/ecs/service?cluster=C&name=S DescribeServices for S: counts, deployments, the
 *                                         newest events; its tasks (ListTasks for desired
 *                                         status RUNNING, then STOPPED, DescribeTasks); graphs
 *                                         of CPUUtilization and RunningTaskCount over 3 h
 *
 * Every value comes from the ECS handlers themselves, called through invoke() as a client's
 * call would reach them, so the page shows what the CLI shows; metrics come from
 * metricstat_series() (con_metric_series(), console_util.c).
 * To show another member: read it from the handler's output document where the others are.
 */
#include "console/console_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine/metricmath.h"
#include "http/route.h"
#include "invoke.h"
#include "sim.h"
#include "util/timefmt.h"

/* Bounds: clusters listed, services per cluster, tasks and events of a service page. */
#define MAX_CLUSTERS 50
#define MAX_SERVICES 100
#define MAX_TASKS 100
#define MAX_EVENTS 20
/* DescribeServices takes at most 10 services per call. */
#define DESCRIBE_CHUNK 10
/* The graphs' range and period. */
#define GRAPH_RANGE_S (3 * 3600)
#define GRAPH_PERIOD_S 60

/* ---- small helpers ------------------------------------------------------------------------ */

/* The number member name of o as an integer, or -1 when absent. */
static long long int_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

/* The part of s after its last sep ("" when s is empty; s when there is no sep). */
static const char *after_last(const char *s, char sep)
{
    const char *p = strrchr(s, sep);
    return p ? p + 1 : s;
}

/* Appends an instant (epoch seconds member name of o) as a <time>, or "-" when absent. */
static void put_time(struct buf *b, const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v)) {
        buf_puts(b, "-");
        return;
    }
    char iso[40], shown[40];
    timefmt_iso8601(v->valuedouble, iso);
    /* "2026-01-01T00:15:00Z" is shown as "2026-01-01 00:15:00" (the column says UTC) */
    snprintf(shown, sizeof shown, "%.10s %.8s", iso, iso + 11);
    buf_printf(b, "<time datetime=\"%s\">%s</time>", iso, shown);
}

/* Appends a cell holding number member name of o ("-" when absent). */
static void td_num(struct buf *b, const cJSON *o, const char *name)
{
    long long v = int_of(o, name);
    if (v < 0)
        buf_puts(b, "<td>-</td>");
    else
        buf_printf(b, "<td>%lld</td>", v);
}

/* Appends the link to a service page. */
static void service_href(struct buf *b, const char *team, const char *cluster, const char *name)
{
    buf_puts(b, "/console/ecs/service?team=");
    con_url_encode(b, team);
    buf_puts(b, "&amp;cluster=");
    con_url_encode(b, cluster);
    buf_puts(b, "&amp;name=");
    con_url_encode(b, name);
}

/* ---- /console/ecs ------------------------------------------------------------------------- */

/* Appends one row per service of the DescribeServices output out. Returns the rows written. */
static int service_rows(struct buf *b, const char *team, const char *cluster, const cJSON *out)
{
    int n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(out, "services"))
    {
        const char *name = con_str(s, "serviceName");
        buf_puts(b, "<tr data-service=\"");
        con_esc(b, name);
        buf_puts(b, "\"><th scope=\"row\"><a href=\"");
        service_href(b, team, cluster, name);
        buf_puts(b, "\">");
        con_esc(b, name);
        buf_puts(b, "</a></th>");
        con_td(b, con_str(s, "status"));
        td_num(b, s, "desiredCount");
        td_num(b, s, "runningCount");
        td_num(b, s, "pendingCount");
        con_td(b, con_str(s, "launchType"));
        con_td(b, after_last(con_str(s, "taskDefinition"), '/'));
        buf_puts(b, "</tr>\n");
        n++;
    }
    return n;
}

/* One cluster of the overview: its counts and a table of its services. */
static void cluster_section(struct call *c, struct buf *b, const cJSON *cl)
{
    const char *team = c->team->account;
    const char *name = con_str(cl, "clusterName");
    buf_puts(b, "<section class=\"card ecs-cluster\" data-cluster=\"");
    con_esc(b, name);
    buf_puts(b, "\">\n<h2>Cluster ");
    con_esc(b, name);
    buf_puts(b, "</h2>\n<p>Status ");
    con_esc(b, con_str(cl, "status"));
    buf_printf(b, " &middot; Active services: %lld &middot; Running tasks: %lld &middot; "
                  "Pending tasks: %lld</p>\n",
               int_of(cl, "activeServicesCount"), int_of(cl, "runningTasksCount"),
               int_of(cl, "pendingTasksCount"));
    struct invoke_error err;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "cluster", name);
    cJSON_AddNumberToObject(in, "maxResults", MAX_SERVICES);
    cJSON *list = con_invoke(c, "ecs", "ListServices", in, &err);
    if (list == NULL) {
        con_call_failed(b, "ListServices", &err);
        buf_puts(b, "</section>\n");
        return;
    }
    buf_puts(b, "<div class=\"table-wrap\"><table>\n<caption>Services of ");
    con_esc(b, name);
    buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">Service</th><th scope=\"col\">Status"
                "</th><th scope=\"col\">Desired</th><th scope=\"col\">Running</th>"
                "<th scope=\"col\">Pending</th><th scope=\"col\">Launch type</th>"
                "<th scope=\"col\">Task definition</th></tr></thead>\n<tbody>\n");
    const cJSON *arns = cJSON_GetObjectItemCaseSensitive(list, "serviceArns");
    int total = cJSON_GetArraySize(arns), rows = 0;
    for (int at = 0; at < total && at < MAX_SERVICES; at += DESCRIBE_CHUNK) {
        cJSON *din = cJSON_CreateObject();
        cJSON_AddStringToObject(din, "cluster", name);
        cJSON *names = cJSON_AddArrayToObject(din, "services");
        for (int k = at; k < total && k < at + DESCRIBE_CHUNK; k++)
            cJSON_AddItemToArray(names, cJSON_CreateString(
                                            cJSON_GetStringValue(cJSON_GetArrayItem(arns, k))));
        cJSON *out = con_invoke(c, "ecs", "DescribeServices", din, &err);
        if (out == NULL) {
            buf_puts(b, "<tr><td colspan=\"7\">DescribeServices failed: ");
            con_esc(b, err.message);
            buf_puts(b, "</td></tr>\n");
            continue;
        }
        rows += service_rows(b, team, name, out);
        cJSON_Delete(out);
    }
    if (rows == 0)
        buf_puts(b, "<tr><td colspan=\"7\">No services in this cluster.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table></div>\n");
    if (cJSON_GetObjectItemCaseSensitive(list, "nextToken"))
        buf_printf(b, "<p class=\"muted\">Only the first %d services are listed.</p>\n",
                   MAX_SERVICES);
    cJSON_Delete(list);
    buf_puts(b, "</section>\n");
}

/* /console/ecs: the region's clusters, each with its services. */
static void page_clusters(struct call *c)
{
    struct buf *b = con_page(c, 200, "ECS clusters", "ecs");
    buf_puts(b, "<h1>Elastic Container Service: clusters</h1>\n");
    con_sim_time(b, c->now_ms);
    buf_puts(b, "<p class=\"muted\">Region ");
    con_esc(b, c->tenant.region);
    buf_puts(b, "</p>\n");
    struct invoke_error err;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNumberToObject(in, "maxResults", MAX_CLUSTERS);
    cJSON *list = con_invoke(c, "ecs", "ListClusters", in, &err);
    cJSON *desc = NULL;
    if (list == NULL) {
        con_call_failed(b, "ListClusters", &err);
        goto out;
    }
    const cJSON *arns = cJSON_GetObjectItemCaseSensitive(list, "clusterArns");
    if (cJSON_GetArraySize(arns) == 0) {
        buf_puts(b, "<p>No clusters in this region: create one with CreateCluster or start a "
                    "scenario.</p>\n");
        goto out;
    }
    in = cJSON_CreateObject();
    cJSON_AddItemToObject(in, "clusters", cJSON_Duplicate(arns, 1));
    desc = con_invoke(c, "ecs", "DescribeClusters", in, &err);
    if (desc == NULL) {
        con_call_failed(b, "DescribeClusters", &err);
        goto out;
    }
    const cJSON *cl;
    int n = 0;
    cJSON_ArrayForEach(cl, cJSON_GetObjectItemCaseSensitive(desc, "clusters"))
    {
        if (n++ < MAX_CLUSTERS)
            cluster_section(c, b, cl);
    }
    if (cJSON_GetObjectItemCaseSensitive(list, "nextToken"))
        buf_printf(b, "<p class=\"muted\">Only the first %d clusters are listed.</p>\n",
                   MAX_CLUSTERS);
out:
    cJSON_Delete(list);
    cJSON_Delete(desc);
    con_page_end(b);
}

/* ---- /console/ecs/service ----------------------------------------------------------------- */

/* The service's counts as a definition list (data-count attributes for tests). */
static void service_counts(struct buf *b, const cJSON *s)
{
    static const struct {
        const char *member, *label;
    } counts[] = {{"desiredCount", "Desired tasks"},
                  {"runningCount", "Running tasks"},
                  {"pendingCount", "Pending tasks"}};
    buf_puts(b, "<dl class=\"tiles\">\n<div><dt>Status</dt><dd data-status=\"");
    con_esc(b, con_str(s, "status"));
    buf_puts(b, "\">");
    con_esc(b, con_str(s, "status"));
    buf_puts(b, "</dd></div>\n");
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        buf_printf(b, "<div><dt>%s</dt><dd data-count=\"%s\">%lld</dd></div>\n",
                   counts[i].label, counts[i].member, int_of(s, counts[i].member));
    }
    buf_puts(b, "<div><dt>Launch type</dt><dd>");
    con_esc(b, con_str(s, "launchType"));
    buf_puts(b, "</dd></div>\n<div><dt>Task definition</dt><dd>");
    con_esc(b, after_last(con_str(s, "taskDefinition"), '/'));
    buf_puts(b, "</dd></div>\n</dl>\n");
}

/* The deployments table. */
static void deployments_table(struct buf *b, const cJSON *s)
{
    buf_puts(b, "<h2>Deployments</h2>\n<div class=\"table-wrap\"><table>\n<caption class="
                "\"muted\">Deployments of the service, newest first</caption>\n<thead><tr>"
                "<th scope=\"col\">Deployment</th><th scope=\"col\">Status</th>"
                "<th scope=\"col\">Task definition</th><th scope=\"col\">Desired</th>"
                "<th scope=\"col\">Pending</th><th scope=\"col\">Running</th>"
                "<th scope=\"col\">Rollout state</th><th scope=\"col\">Created (UTC)</th>"
                "<th scope=\"col\">Updated (UTC)</th></tr></thead>\n<tbody>\n");
    const cJSON *d;
    int n = 0;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(s, "deployments"))
    {
        buf_puts(b, "<tr data-deployment=\"");
        con_esc(b, con_str(d, "id"));
        buf_puts(b, "\"><th scope=\"row\"><code>");
        con_esc(b, con_str(d, "id"));
        buf_puts(b, "</code></th>");
        con_td(b, con_str(d, "status"));
        con_td(b, after_last(con_str(d, "taskDefinition"), '/'));
        td_num(b, d, "desiredCount");
        td_num(b, d, "pendingCount");
        td_num(b, d, "runningCount");
        con_td(b, con_str(d, "rolloutState"));
        buf_puts(b, "<td>");
        put_time(b, d, "createdAt");
        buf_puts(b, "</td><td>");
        put_time(b, d, "updatedAt");
        buf_puts(b, "</td></tr>\n");
        n++;
    }
    if (n == 0)
        buf_puts(b, "<tr><td colspan=\"9\">No deployments.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table></div>\n");
}

/* Adds to arns the task ARNs of the service with desired status `desired` (at most room).
 * Returns 0, or -1 with *err filled. */
static int list_tasks(struct call *c, const char *cluster, const char *service,
                      const char *desired, int room, cJSON *arns, struct invoke_error *err)
{
    if (room <= 0)
        return 0;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "cluster", cluster);
    cJSON_AddStringToObject(in, "serviceName", service);
    cJSON_AddStringToObject(in, "desiredStatus", desired);
    cJSON_AddNumberToObject(in, "maxResults", room);
    cJSON *out = con_invoke(c, "ecs", "ListTasks", in, err);
    if (out == NULL)
        return -1;
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(out, "taskArns"))
    {
        if (cJSON_IsString(a) && cJSON_GetArraySize(arns) < MAX_TASKS)
            cJSON_AddItemToArray(arns, cJSON_CreateString(a->valuestring));
    }
    cJSON_Delete(out);
    return 0;
}

/* One row of the tasks table from a DescribeTasks task. */
static void task_row(struct buf *b, const cJSON *t)
{
    const char *id = after_last(con_str(t, "taskArn"), '/');
    buf_puts(b, "<tr data-task=\"");
    con_esc(b, id);
    buf_puts(b, "\" data-last-status=\"");
    con_esc(b, con_str(t, "lastStatus"));
    buf_puts(b, "\"><th scope=\"row\"><code>");
    con_esc(b, id);
    buf_puts(b, "</code></th>");
    con_td(b, con_str(t, "lastStatus"));
    con_td(b, con_str(t, "desiredStatus"));
    con_td(b, con_str(t, "healthStatus"));
    buf_puts(b, "<td>");
    put_time(b, t, "startedAt");
    buf_puts(b, "</td>");
    con_td(b, after_last(con_str(t, "taskDefinitionArn"), ':'));
    con_td(b, con_str(t, "stoppedReason"));
    buf_puts(b, "</tr>\n");
}

/* The tasks table: the service's tasks desired RUNNING, then those desired STOPPED that ECS
 * still describes, at most MAX_TASKS, from ListTasks and DescribeTasks. */
static void tasks_table(struct call *c, struct buf *b, const char *cluster, const char *service)
{
    struct invoke_error err;
    cJSON *arns = cJSON_CreateArray();
    cJSON *out = NULL;
    buf_puts(b, "<h2>Tasks</h2>\n");
    if (list_tasks(c, cluster, service, "RUNNING", MAX_TASKS, arns, &err) != 0 ||
        list_tasks(c, cluster, service, "STOPPED", MAX_TASKS - cJSON_GetArraySize(arns), arns,
                   &err) != 0) {
        con_call_failed(b, "ListTasks", &err);
        goto out;
    }
    buf_printf(b, "<div class=\"table-wrap\"><table>\n<caption class=\"muted\">The service's "
                  "tasks, recently stopped ones included (at most %d)</caption>\n<thead><tr>"
                  "<th scope=\"col\">Task</th><th scope=\"col\">Last status</th>"
                  "<th scope=\"col\">Desired status</th><th scope=\"col\">Health</th>"
                  "<th scope=\"col\">Started at (UTC)</th><th scope=\"col\">Revision</th>"
                  "<th scope=\"col\">Stopped reason</th></tr></thead>\n<tbody>\n",
               MAX_TASKS);
    int n = 0;
    if (cJSON_GetArraySize(arns) > 0) {
        cJSON *in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "cluster", cluster);
        cJSON_AddItemToObject(in, "tasks", cJSON_Duplicate(arns, 1));
        out = con_invoke(c, "ecs", "DescribeTasks", in, &err);
        if (out == NULL) {
            buf_puts(b, "<tr><td colspan=\"7\">DescribeTasks failed: ");
            con_esc(b, err.message);
            buf_puts(b, "</td></tr>\n");
            n = -1;
        }
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(out, "tasks"))
        {
            task_row(b, t);
            n++;
        }
    }
    if (n == 0)
        buf_puts(b, "<tr><td colspan=\"7\">No tasks.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table></div>\n");
out:
    cJSON_Delete(arns);
    cJSON_Delete(out);
}

/* The newest MAX_EVENTS service events (DescribeServices keeps them newest first). */
static void events_list(struct buf *b, const cJSON *s)
{
    buf_printf(b, "<h2>Events</h2>\n<p class=\"muted\">The newest %d service events (UTC).</p>\n"
                  "<ul class=\"svc-events\">\n",
               MAX_EVENTS);
    const cJSON *e;
    int n = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(s, "events"))
    {
        if (n++ >= MAX_EVENTS)
            break;
        buf_puts(b, "<li data-event=\"");
        con_esc(b, con_str(e, "id"));
        buf_puts(b, "\">");
        put_time(b, e, "createdAt");
        buf_puts(b, " ");
        con_esc(b, con_str(e, "message"));
        buf_puts(b, "</li>\n");
    }
    if (n == 0)
        buf_puts(b, "<li class=\"muted\">No events yet.</li>\n");
    buf_puts(b, "</ul>\n");
}

/* One graph of a service metric over the last 3 h. */
static void service_graph(struct call *c, struct buf *b, const char *cluster,
                          const char *service, const char *ns, const char *metric,
                          const char *stat, const char *title)
{
    const char *dims[] = {"ClusterName", cluster, "ServiceName", service};
    int64_t end_ms = c->now_ms / 1000 * 1000 + 1000;
    int64_t start_ms = end_ms - (int64_t)GRAPH_RANGE_S * 1000;
    struct mm_series s;
    con_metric_series(c, ns, metric, dims, 2, stat, GRAPH_PERIOD_S, start_ms, end_ms, &s);
    char id[128];
    snprintf(id, sizeof id, "%s %s", ns, metric);
    struct con_line line = {
        .label = metric, .color = con_palette(0), .id = id, .ts = s.ts, .v = s.v, .n = s.n,
    };
    struct con_graph g = {
        .title = title,
        .start_ms = start_ms,
        .end_ms = end_ms,
        .period_s = GRAPH_PERIOD_S,
        .stat = stat,
        .lines = &line,
        .nlines = 1,
        .left_min = 0,
        .left_max = NAN,
        .height_units = 6,
    };
    buf_puts(b, "<section class=\"card\"><h3>");
    con_esc(b, title);
    buf_puts(b, "</h3>\n");
    con_svg_graph(b, &g);
    buf_puts(b, "<p class=\"muted\">");
    con_esc(b, ns);
    buf_printf(b, " %s, %s, period %d s, last 3 hours%s</p>\n</section>\n", metric, stat,
               GRAPH_PERIOD_S, s.n == 0 ? " (no data)" : "");
    mm_series_clear(&s);
}

/* /console/ecs/service?cluster=C&name=S: one service. */
static void page_service(struct call *c, const struct http_request *req)
{
    const char *cluster = con_arg(req, "cluster");
    const char *name = con_arg(req, "name");
    char msg[700];
    if (cluster == NULL || name == NULL || cluster[0] == '\0' || name[0] == '\0') {
        con_error_page(c, 404, "Service not found",
                       "Name a service: /console/ecs/service?cluster=CLUSTER&name=SERVICE.");
        return;
    }
    struct invoke_error err;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "cluster", cluster);
    cJSON *names = cJSON_AddArrayToObject(in, "services");
    cJSON_AddItemToArray(names, cJSON_CreateString(name));
    cJSON *out = con_invoke(c, "ecs", "DescribeServices", in, &err);
    const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "services"), 0);
    if (s == NULL) {
        snprintf(msg, sizeof msg, "There is no service %.256s in cluster %.256s (%s).", name,
                 cluster, out ? "MISSING" : err.code);
        con_error_page(c, 404, "Service not found", msg);
        cJSON_Delete(out);
        return;
    }
    const char *team = c->team->account;
    char title[600];
    snprintf(title, sizeof title, "Service %.256s", con_str(s, "serviceName"));
    struct buf *b = con_page(c, 200, title, "ecs");
    buf_puts(b, "<p class=\"muted\"><a href=\"/console/ecs?team=");
    con_url_encode(b, team);
    buf_puts(b, "\">ECS clusters</a> &rsaquo; Cluster ");
    con_esc(b, cluster);
    buf_puts(b, "</p>\n<h1>");
    con_esc(b, title);
    buf_puts(b, "</h1>\n");
    con_sim_time(b, c->now_ms);
    con_live_begin(b);
    service_counts(b, s);
    deployments_table(b, s);
    buf_puts(b, "<h2>Metrics</h2>\n<div class=\"cards graphs\">\n");
    const char *svc = con_str(s, "serviceName");
    service_graph(c, b, cluster, svc, "AWS/ECS", "CPUUtilization", "Average",
                  "CPU utilization (%)");
    service_graph(c, b, cluster, svc, "ECS/ContainerInsights", "RunningTaskCount", "Average",
                  "Running task count");
    buf_puts(b, "</div>\n");
    tasks_table(c, b, cluster, svc);
    events_list(b, s);
    con_live_end(b);
    con_page_end(b);
    cJSON_Delete(out);
}

void con_ecs_handle(struct call *c, const struct http_request *req)
{
    const char *path = req->path;
    if (strcmp(path, "/console/ecs") == 0 || strcmp(path, "/console/ecs/") == 0)
        page_clusters(c);
    else if (strcmp(path, "/console/ecs/service") == 0)
        page_service(c, req);
    else
        con_error_page(c, 404, "Page not found", "There is no console page at this address.");
}
