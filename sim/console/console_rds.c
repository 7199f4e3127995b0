/*
 * console_rds.c - /console/rds: the region's Aurora clusters and RDS Proxies, and one
 * cluster with its instances' connections against max_connections, as the AWS console shows
 * them.
 *
 *   /console/rds                 DescribeDBClusters with each member's role and class
 *                                (DescribeDBInstances); DescribeDBProxies with each proxy's
 *                                targets' health (DescribeDBProxyTargets)
 *   /console/rds/cluster?id=ID   DescribeDBClusters for ID: status, endpoints, parameter
 *                                group; max_connections as the world enforces it
 *                                (rds_cluster_info(): the writer's value in effect) and where
 *                                it is set; each instance's DatabaseConnections (the last
 *                                1-minute Maximum, as GetMetricStatistics gives it) against
 *                                its max_connections (rds_instance_max_connections()) as a
 *                                <meter>; a 3 h graph of DatabaseConnections per instance with
 *                                max_connections drawn as an annotation
 *
 * Values come from the RDS handlers (called through invoke()), the store functions the world
 * reads, and metricstat_series() (con_metric_series()). To show another member: read it from
 * the handler's output where the others are.
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
#include "store/rds.h"

/* Bounds: clusters, instances and proxies listed (one page of each Describe call), instances
 * graphed, targets per proxy. */
#define MAX_RECORDS 100
#define MAX_LINES 16
#define MAX_TARGETS 32
/* The graph's range and period, and the meter's statistic. */
#define GRAPH_RANGE_S (3 * 3600)
#define GRAPH_PERIOD_S 60

/* The DBInstances array of DescribeDBInstances (all of the region when cluster is NULL, else
 * the cluster's), or NULL with *err filled. The caller deletes the returned output. */
static cJSON *describe_instances(struct call *c, const char *cluster, struct invoke_error *err)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNumberToObject(in, "MaxRecords", MAX_RECORDS);
    if (cluster) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "Name", "db-cluster-id");
        cJSON *v = cJSON_AddArrayToObject(f, "Values");
        cJSON_AddItemToArray(v, cJSON_CreateString(cluster));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(in, "Filters"), f);
    }
    return con_invoke(c, "rds", "DescribeDBInstances", in, err);
}

/* The instance called id in a DescribeDBInstances output, or NULL. */
static const cJSON *instance_named(const cJSON *out, const char *id)
{
    const cJSON *i;
    cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(out, "DBInstances"))
    {
        if (strcmp(con_str(i, "DBInstanceIdentifier"), id) == 0)
            return i;
    }
    return NULL;
}

/* ---- /console/rds ------------------------------------------------------------------------- */

/* One row of the clusters table. */
static void cluster_row(struct buf *b, const char *team, const cJSON *cl, const cJSON *insts)
{
    const char *id = con_str(cl, "DBClusterIdentifier");
    buf_puts(b, "<tr data-cluster=\"");
    con_esc(b, id);
    buf_puts(b, "\"><th scope=\"row\"><a href=\"/console/rds/cluster?team=");
    con_url_encode(b, team);
    buf_puts(b, "&amp;id=");
    con_url_encode(b, id);
    buf_puts(b, "\">");
    con_esc(b, id);
    buf_puts(b, "</a></th>");
    con_td(b, con_str(cl, "Status"));
    buf_puts(b, "<td>");
    con_esc(b, con_str(cl, "Engine"));
    buf_puts(b, " ");
    con_esc(b, con_str(cl, "EngineVersion"));
    buf_puts(b, "</td><td><code>");
    con_esc(b, con_str(cl, "Endpoint"));
    buf_puts(b, "</code></td><td><ul class=\"plain\">");
    const cJSON *m;
    int n = 0;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(cl, "DBClusterMembers"))
    {
        const char *iid = con_str(m, "DBInstanceIdentifier");
        const cJSON *inst = instance_named(insts, iid);
        int writer = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "IsClusterWriter"));
        buf_puts(b, "<li data-instance=\"");
        con_esc(b, iid);
        buf_printf(b, "\" data-role=\"%s\">", writer ? "writer" : "reader");
        con_esc(b, iid);
        buf_printf(b, " &middot; %s &middot; ", writer ? "Writer" : "Reader");
        con_esc(b, con_str(inst, "DBInstanceClass"));
        buf_puts(b, " &middot; ");
        con_esc(b, con_str(inst, "DBInstanceStatus"));
        buf_puts(b, "</li>");
        n++;
    }
    if (n == 0)
        buf_puts(b, "<li class=\"muted\">No instances.</li>");
    buf_puts(b, "</ul></td></tr>\n");
}

/* The targets of one proxy as a list (DescribeDBProxyTargets). */
static void proxy_targets(struct call *c, struct buf *b, const char *proxy)
{
    struct invoke_error err;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "DBProxyName", proxy);
    cJSON *out = con_invoke(c, "rds", "DescribeDBProxyTargets", in, &err);
    if (out == NULL) {
        buf_puts(b, "DescribeDBProxyTargets failed: ");
        con_esc(b, err.message);
        return;
    }
    buf_puts(b, "<ul class=\"plain\">");
    const cJSON *t;
    int n = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(out, "Targets"))
    {
        if (n++ >= MAX_TARGETS)
            break;
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(t, "TargetHealth");
        buf_puts(b, "<li data-target=\"");
        con_esc(b, con_str(t, "RdsResourceId"));
        buf_puts(b, "\" data-state=\"");
        con_esc(b, con_str(h, "State"));
        buf_puts(b, "\">");
        con_esc(b, con_str(t, "RdsResourceId"));
        buf_puts(b, " (");
        con_esc(b, con_str(t, "Type"));
        if (con_str(t, "Role")[0]) {
            buf_puts(b, ", ");
            con_esc(b, con_str(t, "Role"));
        }
        buf_puts(b, ")");
        if (h) {
            buf_puts(b, ": <strong>");
            con_esc(b, con_str(h, "State"));
            buf_puts(b, "</strong>");
        }
        if (con_str(h, "Reason")[0]) {
            buf_puts(b, " &middot; ");
            con_esc(b, con_str(h, "Reason"));
        }
        if (con_str(h, "Description")[0]) {
            buf_puts(b, " &middot; ");
            con_esc(b, con_str(h, "Description"));
        }
        buf_puts(b, "</li>");
    }
    if (n == 0)
        buf_puts(b, "<li class=\"muted\">No targets registered.</li>");
    buf_puts(b, "</ul>");
    cJSON_Delete(out);
}

/* The RDS Proxies of the region, when there are any. */
static void proxies_section(struct call *c, struct buf *b)
{
    struct invoke_error err;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNumberToObject(in, "MaxRecords", MAX_RECORDS);
    cJSON *out = con_invoke(c, "rds", "DescribeDBProxies", in, &err);
    if (out == NULL) {
        buf_puts(b, "<h2>Proxies</h2>\n");
        con_call_failed(b, "DescribeDBProxies", &err);
        return;
    }
    const cJSON *proxies = cJSON_GetObjectItemCaseSensitive(out, "DBProxies");
    if (cJSON_GetArraySize(proxies) > 0) {
        buf_puts(b, "<h2>Proxies</h2>\n<div class=\"table-wrap\"><table>\n<caption class="
                    "\"muted\">RDS Proxies of this region</caption>\n<thead><tr>"
                    "<th scope=\"col\">Proxy</th><th scope=\"col\">Status</th>"
                    "<th scope=\"col\">Engine family</th><th scope=\"col\">Endpoint</th>"
                    "<th scope=\"col\">Targets and their health</th></tr></thead>\n<tbody>\n");
        const cJSON *p;
        cJSON_ArrayForEach(p, proxies)
        {
            const char *name = con_str(p, "DBProxyName");
            buf_puts(b, "<tr data-proxy=\"");
            con_esc(b, name);
            buf_puts(b, "\"><th scope=\"row\">");
            con_esc(b, name);
            buf_puts(b, "</th>");
            con_td(b, con_str(p, "Status"));
            con_td(b, con_str(p, "EngineFamily"));
            buf_puts(b, "<td><code>");
            con_esc(b, con_str(p, "Endpoint"));
            buf_puts(b, "</code></td><td>");
            proxy_targets(c, b, name);
            buf_puts(b, "</td></tr>\n");
        }
        buf_puts(b, "</tbody>\n</table></div>\n");
    }
    cJSON_Delete(out);
}

/* /console/rds: the region's DB clusters and proxies. */
static void page_clusters(struct call *c)
{
    const char *team = c->team->account;
    struct buf *b = con_page(c, 200, "RDS databases", "rds");
    buf_puts(b, "<h1>Amazon RDS: databases</h1>\n");
    con_sim_time(b, c->now_ms);
    struct invoke_error err;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNumberToObject(in, "MaxRecords", MAX_RECORDS);
    cJSON *clusters = con_invoke(c, "rds", "DescribeDBClusters", in, &err);
    cJSON *insts = NULL;
    buf_puts(b, "<h2>DB clusters</h2>\n");
    if (clusters == NULL) {
        con_call_failed(b, "DescribeDBClusters", &err);
        goto proxies;
    }
    insts = describe_instances(c, NULL, &err);
    if (insts == NULL)
        con_call_failed(b, "DescribeDBInstances", &err);
    buf_puts(b, "<div class=\"table-wrap\"><table>\n<caption class=\"muted\">Aurora DB clusters "
                "in ");
    con_esc(b, c->tenant.region);
    buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">DB cluster</th><th scope=\"col\">"
                "Status</th><th scope=\"col\">Engine</th><th scope=\"col\">Writer endpoint</th>"
                "<th scope=\"col\">Instances (role, class, status)</th></tr></thead>\n"
                "<tbody>\n");
    const cJSON *cl;
    int n = 0;
    cJSON_ArrayForEach(cl, cJSON_GetObjectItemCaseSensitive(clusters, "DBClusters"))
    {
        cluster_row(b, team, cl, insts);
        n++;
    }
    if (n == 0)
        buf_puts(b, "<tr><td colspan=\"5\">No DB clusters in this region: create one with "
                    "CreateDBCluster or start a scenario.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table></div>\n");
    if (cJSON_GetObjectItemCaseSensitive(clusters, "Marker"))
        buf_printf(b, "<p class=\"muted\">Only the first %d DB clusters are listed.</p>\n",
                   MAX_RECORDS);
proxies:
    proxies_section(c, b);
    cJSON_Delete(clusters);
    cJSON_Delete(insts);
    con_page_end(b);
}

/* ---- /console/rds/cluster ----------------------------------------------------------------- */

/* One instance as the meter and graph need it. */
struct inst {
    char id[RDS_ID_MAX];
    int writer;
    int max_conns;       /* rds_instance_max_connections(); 0 when unknown */
    struct mm_series s;  /* DatabaseConnections, Maximum, 60 s */
};

/* Appends "<dt>label</dt><dd>text</dd>" (text escaped). */
static void fact(struct buf *b, const char *label, const char *text)
{
    buf_puts(b, "<div><dt>");
    con_esc(b, label);
    buf_puts(b, "</dt><dd>");
    con_esc(b, text);
    buf_puts(b, "</dd></div>\n");
}

/*
 * Appends where max_connections is set for the instance row i (in cluster parameter group
 * cpg): its DB parameter group, else the DB cluster parameter group, else the engine default;
 * and the value those say when it differs from in_effect (it applies after a reboot).
 */
static void max_conns_source(struct call *c, struct buf *b, const struct rds_instance *i,
                             const char *cpg, int in_effect)
{
    struct rds_scope sc = {c->sim->store, c->team->account, c->tenant.region};
    cJSON *db = rds_params_of(&sc, RDS_PG_DB, i->pg);
    cJSON *cl = rds_params_of(&sc, RDS_PG_CLUSTER, cpg);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(db, "max_connections");
    const char *kind = "DB parameter group", *group = i->pg;
    if (p == NULL) {
        p = cJSON_GetObjectItemCaseSensitive(cl, "max_connections");
        kind = "DB cluster parameter group";
        group = cpg;
    }
    const char *value = con_str(p, "value");
    if (db == NULL || cl == NULL) {
        buf_puts(b, "the parameter groups could not be read");
    } else if (p == NULL) {
        buf_puts(b, "the engine default for ");
        con_esc(b, i->klass);
        buf_puts(b, ", LEAST({DBInstanceClassMemory/9531392}, 5000)");
    } else {
        buf_puts(b, "set to ");
        con_esc(b, value);
        buf_printf(b, " in %s <code>", kind);
        con_esc(b, group);
        buf_puts(b, "</code> (");
        con_esc(b, con_str(p, "method"));
        buf_puts(b, ")");
        char now[32];
        snprintf(now, sizeof now, "%d", in_effect);
        if (strcmp(now, value) != 0)
            buf_puts(b, "; <strong>not in effect yet</strong>: it applies when the instance "
                        "reboots");
    }
    cJSON_Delete(db);
    cJSON_Delete(cl);
}

/* The instances table: role, class, status, parameter group and the connections meter. */
static void instances_table(struct buf *b, const cJSON *insts, const struct inst *v, int n,
                            int64_t start_ms, int64_t end_ms)
{
    buf_puts(b, "<h2>Instances</h2>\n<div class=\"table-wrap\"><table>\n<caption class="
                "\"muted\">Each instance's DatabaseConnections (the last 1-minute Maximum) "
                "against its max_connections</caption>\n<thead><tr><th scope=\"col\">"
                "Instance</th><th scope=\"col\">Role</th><th scope=\"col\">Class</th>"
                "<th scope=\"col\">Status</th><th scope=\"col\">Availability zone</th>"
                "<th scope=\"col\">DB parameter group</th><th scope=\"col\">Connections</th>"
                "</tr></thead>\n<tbody>\n");
    for (int k = 0; k < n; k++) {
        const cJSON *inst = instance_named(insts, v[k].id);
        const cJSON *pg = cJSON_GetArrayItem(
            cJSON_GetObjectItemCaseSensitive(inst, "DBParameterGroups"), 0);
        buf_puts(b, "<tr data-instance=\"");
        con_esc(b, v[k].id);
        buf_printf(b, "\" data-role=\"%s\" data-class=\"", v[k].writer ? "writer" : "reader");
        con_esc(b, con_str(inst, "DBInstanceClass"));
        buf_puts(b, "\"><th scope=\"row\">");
        con_esc(b, v[k].id);
        buf_puts(b, "</th>");
        con_td(b, v[k].writer ? "Writer" : "Reader");
        con_td(b, con_str(inst, "DBInstanceClass"));
        con_td(b, con_str(inst, "DBInstanceStatus"));
        con_td(b, con_str(inst, "AvailabilityZone"));
        buf_puts(b, "<td>");
        con_esc(b, con_str(pg, "DBParameterGroupName"));
        buf_puts(b, " <span class=\"muted\">(");
        con_esc(b, con_str(pg, "ParameterApplyStatus"));
        buf_puts(b, ")</span></td><td>");
        int max = v[k].max_conns;
        if (v[k].s.n > 0 && max > 0) {
            double val = v[k].s.v[v[k].s.n - 1];
            char vs[32];
            con_fmt_value(val, vs, sizeof vs);
            buf_printf(b, "<meter class=\"conns\" min=\"0\" max=\"%d\" low=\"%g\" high=\"%g\" "
                          "optimum=\"0\" value=\"%.17g\" aria-label=\"Connections of ",
                       max, 0.8 * max, 0.9 * max, val);
            con_esc(b, v[k].id);
            buf_printf(b, "\" data-instance=\"");
            con_esc(b, v[k].id);
            buf_printf(b, "\" data-value=\"%.17g\" data-max=\"%d\" data-ts=\"%lld\" "
                          "data-start=\"%lld\" data-end=\"%lld\" data-period=\"%d\">%s of %d"
                          "</meter> <span class=\"meter-text\">%s of %d (%.0f%%)</span>",
                       val, max, (long long)(v[k].s.ts[v[k].s.n - 1] / 1000),
                       (long long)(start_ms / 1000), (long long)(end_ms / 1000), GRAPH_PERIOD_S,
                       vs, max, vs, max, 100.0 * val / max);
        } else {
            buf_printf(b, "<span class=\"muted\" data-instance=\"");
            con_esc(b, v[k].id);
            buf_printf(b, "\" data-max=\"%d\">No DatabaseConnections data in the last 3 hours "
                          "(max_connections %d)</span>",
                       max, max);
        }
        buf_puts(b, "</td></tr>\n");
    }
    if (n == 0)
        buf_puts(b, "<tr><td colspan=\"7\">No instances in this cluster.</td></tr>\n");
    buf_puts(b, "</tbody>\n</table></div>\n");
}

/* The DatabaseConnections graph: one line per instance, max_connections as annotations (one
 * per distinct value). */
static void connections_graph(struct buf *b, const struct inst *v, int n, int64_t start_ms,
                              int64_t end_ms)
{
    struct con_line lines[MAX_LINES];
    struct con_annot annots[MAX_LINES];
    char ids[MAX_LINES][RDS_ID_MAX + 40];
    int nl = 0, na = 0;
    double top = NAN; /* above the highest max_connections, so its label shows */
    for (int k = 0; k < n && nl < MAX_LINES; k++) {
        snprintf(ids[nl], sizeof ids[nl], "AWS/RDS DatabaseConnections %.63s", v[k].id);
        lines[nl] = (struct con_line){
            .label = v[k].id,
            .color = con_palette(nl),
            .id = ids[nl],
            .ts = v[k].s.ts,
            .v = v[k].s.v,
            .n = v[k].s.n,
        };
        nl++;
        int seen = v[k].max_conns <= 0;
        for (int j = 0; j < na && !seen; j++)
            seen = annots[j].value == (double)v[k].max_conns;
        if (!seen) {
            annots[na] = (struct con_annot){.label = "max_connections", .color = "#b0261c",
                                            .value = (double)v[k].max_conns};
            if (isnan(top) || v[k].max_conns * 1.15 > top)
                top = v[k].max_conns * 1.15;
            na++;
        }
    }
    struct con_graph g = {
        .title = "DatabaseConnections per instance, Maximum, 1 minute",
        .start_ms = start_ms,
        .end_ms = end_ms,
        .period_s = GRAPH_PERIOD_S,
        .stat = "Maximum",
        .lines = lines,
        .nlines = nl,
        .annots = annots,
        .nannots = na,
        .left_min = 0,
        .left_max = top,
        .height_units = 7,
        .width_units = 24,
    };
    buf_puts(b, "<h2>Connections</h2>\n<section class=\"card\">\n");
    con_svg_graph(b, &g);
    buf_printf(b, "<p class=\"muted\">AWS/RDS DatabaseConnections by DBInstanceIdentifier, "
                  "Maximum, period %d s, last 3 hours; the dashed line is max_connections."
                  "</p>\n</section>\n",
               GRAPH_PERIOD_S);
}

/* /console/rds/cluster?id=ID: one DB cluster. */
static void page_cluster(struct call *c, const struct http_request *req)
{
    const char *id = con_arg(req, "id");
    char msg[400];
    if (id == NULL || id[0] == '\0') {
        con_error_page(c, 404, "DB cluster not found",
                       "Name a DB cluster: /console/rds/cluster?id=IDENTIFIER.");
        return;
    }
    struct invoke_error err;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "DBClusterIdentifier", id);
    cJSON *out = con_invoke(c, "rds", "DescribeDBClusters", in, &err);
    const cJSON *cl = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out, "DBClusters"), 0);
    struct rds_cluster_info ci;
    memset(&ci, 0, sizeof ci);
    if (cl == NULL || rds_cluster_info(c->sim->store, c->team->account, c->tenant.region,
                                       con_str(cl, "DBClusterIdentifier"), &ci) != 0) {
        snprintf(msg, sizeof msg, "There is no DB cluster %.256s in this region (%s).", id,
                 out ? "not found" : err.code);
        con_error_page(c, 404, "DB cluster not found", msg);
        cJSON_Delete(out);
        return;
    }
    const char *cid = con_str(cl, "DBClusterIdentifier");
    const char *team = c->team->account;
    struct rds_scope sc = {c->sim->store, team, c->tenant.region};
    int64_t end_ms = c->now_ms / 1000 * 1000 + 1000;
    int64_t start_ms = end_ms - (int64_t)GRAPH_RANGE_S * 1000;
    cJSON *insts = describe_instances(c, cid, &err);
    struct inst v[MAX_LINES];
    int n = 0;
    struct rds_instance writer_row;
    memset(&writer_row, 0, sizeof writer_row);
    int have_writer = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(cl, "DBClusterMembers"))
    {
        if (n == MAX_LINES)
            break;
        struct inst *x = &v[n];
        memset(x, 0, sizeof *x);
        snprintf(x->id, sizeof x->id, "%s", con_str(m, "DBInstanceIdentifier"));
        x->writer = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "IsClusterWriter"));
        struct rds_instance row;
        memset(&row, 0, sizeof row);
        if (rds_instance_get(&sc, x->id, &row) == 0) {
            x->max_conns = rds_instance_max_connections(&row);
            if (x->writer && !have_writer) {
                writer_row = row;
                have_writer = 1;
            } else {
                rds_instance_clear(&row);
            }
        }
        const char *dims[] = {"DBInstanceIdentifier", x->id};
        con_metric_series(c, "AWS/RDS", "DatabaseConnections", dims, 1, "Maximum",
                          GRAPH_PERIOD_S, start_ms, end_ms, &x->s);
        n++;
    }
    char title[300];
    snprintf(title, sizeof title, "DB cluster %.200s", cid);
    struct buf *b = con_page(c, 200, title, "rds");
    buf_puts(b, "<p class=\"muted\"><a href=\"/console/rds?team=");
    con_url_encode(b, team);
    buf_puts(b, "\">RDS databases</a></p>\n<h1>");
    con_esc(b, title);
    buf_puts(b, "</h1>\n");
    con_sim_time(b, c->now_ms);
    con_live_begin(b);
    buf_puts(b, "<dl class=\"tiles\">\n");
    fact(b, "Status", con_str(cl, "Status"));
    buf_puts(b, "<div><dt>Engine</dt><dd>");
    con_esc(b, con_str(cl, "Engine"));
    buf_puts(b, " ");
    con_esc(b, con_str(cl, "EngineVersion"));
    buf_puts(b, "</dd></div>\n");
    fact(b, "DB cluster parameter group", con_str(cl, "DBClusterParameterGroup"));
    buf_printf(b, "<div><dt>max_connections (writer)</dt><dd data-max-connections=\"%d\">%d"
                  "</dd></div>\n</dl>\n<p>",
               ci.max_connections, ci.max_connections);
    if (ci.writer[0]) {
        buf_printf(b, "max_connections <strong>%d</strong> is in effect on the writer ",
                   ci.max_connections);
        con_esc(b, ci.writer);
        buf_puts(b, ": ");
        if (have_writer)
            max_conns_source(c, b, &writer_row, con_str(cl, "DBClusterParameterGroup"),
                             ci.max_connections);
        else
            buf_puts(b, "its parameter group could not be read");
        buf_puts(b, ".");
    } else {
        buf_puts(b, "The cluster has no writer instance.");
    }
    const cJSON *port = cJSON_GetObjectItemCaseSensitive(cl, "Port");
    int portn = cJSON_IsNumber(port) ? port->valueint : 0;
    buf_puts(b, "</p>\n<div class=\"table-wrap\"><table class=\"compact\">\n<caption class="
                "\"muted\">Endpoints</caption>\n<thead><tr><th scope=\"col\">Type</th>"
                "<th scope=\"col\">Endpoint</th><th scope=\"col\">Port</th></tr></thead>\n"
                "<tbody>\n<tr><th scope=\"row\">Writer</th><td><code>");
    con_esc(b, con_str(cl, "Endpoint"));
    buf_printf(b, "</code></td><td>%d</td></tr>\n<tr><th scope=\"row\">Reader</th><td><code>",
               portn);
    con_esc(b, con_str(cl, "ReaderEndpoint"));
    buf_printf(b, "</code></td><td>%d</td></tr>\n</tbody>\n</table></div>\n", portn);
    if (insts == NULL)
        con_call_failed(b, "DescribeDBInstances", &err);
    instances_table(b, insts, v, n, start_ms, end_ms);
    connections_graph(b, v, n, start_ms, end_ms);
    con_live_end(b);
    con_page_end(b);
    for (int k = 0; k < n; k++)
        mm_series_clear(&v[k].s);
    if (have_writer)
        rds_instance_clear(&writer_row);
    cJSON_Delete(insts);
    cJSON_Delete(out);
}

void con_rds_handle(struct call *c, const struct http_request *req)
{
    const char *path = req->path;
    if (strcmp(path, "/console/rds") == 0 || strcmp(path, "/console/rds/") == 0)
        page_clusters(c);
    else if (strcmp(path, "/console/rds/cluster") == 0)
        page_cluster(c, req);
    else
        con_error_page(c, 404, "Page not found", "There is no console page at this address.");
}
