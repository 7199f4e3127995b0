"""test_console_ecs_rds.py - issue 9: the console's ECS and RDS pages against the API.

drillsim runs connection-leak under a manual clock, advanced until the database is nearly
full. The pages are fetched over HTTP and parsed with html.parser (no browser), and every
number is compared with what boto3 gets from the same server:
  - /console/ecs lists the cluster and its service with DescribeServices' counts;
  - the service page's counts, deployments, task ids and statuses, and events equal
    describe_services / list_tasks + describe_tasks; its graphs' last points equal
    get_metric_statistics; a stopped task shows with its stopped reason;
  - /console/rds lists the cluster with its members' roles and classes;
  - the cluster page's instances equal describe_db_instances; the writer's connection meter
    holds get_metric_statistics' last 1-minute Maximum, and its max is max_connections as the
    DB parameter group sets it (describe_db_parameters), also drawn as the graph's annotation;
  - unknown clusters / services are 404 pages, URL text is escaped, ?team= keeps teams apart,
    and every page has a title, one <h1>, a <main>, lang, headings in order, captioned tables
    with scoped headers and no external URLs.
"""
import unittest
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import harness

CLOCK = "manual@2026-01-01T00:00:00Z"
TEAM = "000000000000"
TEAM_B = "222233334444"
CLUSTER = "golden-path-cluster-dev"
SERVICE = "golden-path-service-dev"
DB = "golden-path-aurora-dev"
VOID = {"meta", "link", "br", "hr", "img", "input", "col", "source", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children = []
        self.text_parts = []

    def text(self):
        return "".join(p if isinstance(p, str) else p.text() for p in self.text_parts)

    def walk(self):
        for ch in self.children:
            yield ch
            yield from ch.walk()

    def find(self, tag, **want):
        return [n for n in self.walk() if n.tag == tag and
                all(n.attrs.get(k.replace("_", "-")) == v for k, v in want.items())]

    def has(self, attr):
        return [n for n in self.walk() if attr in n.attrs]


class Page(HTMLParser):
    """A small tree of the page: elements with attributes, children and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.cur)
        self.cur.children.append(n)
        self.cur.text_parts.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        n = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.cur)
        self.cur.children.append(n)

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text_parts.append(data)


def get(ds, path):
    try:
        with urllib.request.urlopen(ds.endpoint + path, timeout=30) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def parse(body):
    p = Page()
    p.feed(body)
    p.close()
    return p.root


def cells(row):
    """The texts of a row's th/td cells, stripped."""
    return [c.text().strip() for c in row.children if c.tag in ("th", "td")]


class ConsoleEcsRdsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--scenario", "connection-leak", "--clock", CLOCK])
        cls.ds.start()
        cls.ecs = cls.ds.client("ecs")
        cls.rds = cls.ds.client("rds")
        cls.cw = cls.ds.client("cloudwatch")
        # advance until the database is nearly full (the leak began 16 minutes before t0)
        for _ in range(30):
            cls.ds.control("POST", "/_drill/clock/advance", {"seconds": 120})
            if cls.writer_connections() >= 85:
                break

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    @classmethod
    def writer_connections(cls):
        now = cls.ds.control("GET", "/_drill/clock")["nowMs"] // 1000
        got = cls.cw.get_metric_statistics(
            Namespace="AWS/RDS", MetricName="DatabaseConnections",
            Dimensions=[{"Name": "DBClusterIdentifier", "Value": DB}],
            StartTime=now - 600, EndTime=now + 60, Period=60,
            Statistics=["Maximum"])["Datapoints"]
        return max(got, key=lambda d: d["Timestamp"])["Maximum"] if got else 0

    # ---- page checks ----------------------------------------------------------------------

    def page(self, path, status=200):
        code, ctype, body = get(self.ds, path)
        self.assertEqual(code, status, path)
        self.assertTrue(ctype.startswith("text/html"), ctype)
        root = parse(body)
        self.check_page(path, root)
        return root, body

    def check_page(self, path, root):
        html = root.find("html")
        self.assertEqual(html[0].attrs.get("lang"), "en", path)
        self.assertTrue(root.find("title")[0].text().strip(), path + ": no <title>")
        self.assertEqual(len(root.find("main")), 1, path)
        self.assertEqual(len(root.find("h1")), 1, path + ": not exactly one <h1>")
        levels = [int(n.tag[1]) for n in root.walk()
                  if len(n.tag) == 2 and n.tag[0] == "h" and n.tag[1] in "123456"]
        for a, b in zip(levels, levels[1:]):
            self.assertLessEqual(b, a + 1, "%s: heading levels %s" % (path, levels))
        for t in root.find("table"):
            self.assertTrue(t.find("caption"), path + ": table without caption")
            for th in t.find("th"):
                self.assertIn(th.attrs.get("scope"), ("col", "row"), path)
        for n in root.walk():
            for attr in ("src", "href"):
                url = n.attrs.get(attr, "")
                self.assertFalse(url.startswith(("http:", "https:", "//")),
                                 "%s: external url %s" % (path, url))
            if n.tag == "a" and "href" in n.attrs and n.attrs["href"].startswith("/console/"):
                if not n.attrs["href"].startswith("/console/assets/"):
                    q = urllib.parse.parse_qs(urllib.parse.urlsplit(n.attrs["href"]).query)
                    self.assertIn("team", q, "%s: link without team: %s" % (path,
                                                                            n.attrs["href"]))

    def service_path(self, cluster=CLUSTER, service=SERVICE, team=TEAM):
        return "/console/ecs/service?" + urllib.parse.urlencode(
            {"team": team, "cluster": cluster, "name": service})

    def last_point(self, ns, metric, dims, stat, svg):
        got = self.cw.get_metric_statistics(
            Namespace=ns, MetricName=metric,
            Dimensions=[{"Name": k, "Value": v} for k, v in dims],
            StartTime=int(svg.attrs["data-start"]), EndTime=int(svg.attrs["data-end"]),
            Period=int(svg.attrs["data-period"]), Statistics=[stat])["Datapoints"]
        got.sort(key=lambda d: d["Timestamp"])
        return got

    # ---- ECS ---------------------------------------------------------------------------

    def describe_service(self):
        return self.ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]

    def test_ecs_overview(self):
        root, _ = self.page("/console/ecs")
        sec = root.find("section", data_cluster=CLUSTER)
        self.assertEqual(len(sec), 1)
        rows = sec[0].find("tr", data_service=SERVICE)
        self.assertEqual(len(rows), 1)
        s = self.describe_service()
        self.assertEqual(cells(rows[0]),
                         [SERVICE, s["status"], str(s["desiredCount"]), str(s["runningCount"]),
                          str(s["pendingCount"]), s["launchType"],
                          s["taskDefinition"].rsplit("/", 1)[1]])
        link = rows[0].find("a")[0].attrs["href"]
        self.assertEqual(link, self.service_path())
        cl = self.ecs.describe_clusters(clusters=[CLUSTER])["clusters"][0]
        self.assertIn("Running tasks: %d" % cl["runningTasksCount"], sec[0].text())

    def test_service_page(self):
        root, body = self.page(self.service_path())
        s = self.describe_service()
        counts = {n.attrs["data-count"]: int(n.text()) for n in root.has("data-count")}
        self.assertEqual(counts, {k: s[k] for k in ("desiredCount", "runningCount",
                                                    "pendingCount")})
        self.assertGreater(s["runningCount"], 0)
        # deployments: every member shown equals DescribeServices'
        rows = [n for n in root.has("data-deployment") if n.tag == "tr"]
        self.assertEqual([r.attrs["data-deployment"] for r in rows],
                         [d["id"] for d in s["deployments"]])
        for r, d in zip(rows, s["deployments"]):
            c = cells(r)
            self.assertEqual(c[:7], [d["id"], d["status"], d["taskDefinition"].rsplit("/", 1)[1],
                                     str(d["desiredCount"]), str(d["pendingCount"]),
                                     str(d["runningCount"]), d["rolloutState"]])
            times = [t.attrs["datetime"] for t in r.find("time")]
            self.assertEqual(times, [d["createdAt"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                                     d["updatedAt"].strftime("%Y-%m-%dT%H:%M:%SZ")])
        self.check_tasks(root)
        # the newest events, as DescribeServices orders them
        ev = [n.attrs["data-event"] for n in root.has("data-event")]
        self.assertTrue(ev)
        self.assertEqual(ev, [e["id"] for e in s["events"][:20]])
        self.assertIn('data-refresh', body)
        # the two graphs: last points as GetMetricStatistics gives them
        svgs = root.find("svg")
        self.assertEqual(len(svgs), 2)
        want = [("AWS/ECS", "CPUUtilization"), ("ECS/ContainerInsights", "RunningTaskCount")]
        for svg, (ns, metric) in zip(svgs, want):
            self.assertEqual((svg.attrs["data-stat"], svg.attrs["data-period"]),
                             ("Average", "60"))
            self.assertEqual(int(svg.attrs["data-end"]) - int(svg.attrs["data-start"]), 10800)
            line = svg.find("polyline", data_metric="%s %s" % (ns, metric))
            self.assertEqual(len(line), 1)
            pts = self.last_point(ns, metric, [("ClusterName", CLUSTER),
                                               ("ServiceName", SERVICE)], "Average", svg)
            self.assertGreater(len(pts), 0, metric)
            self.assertEqual(int(line[0].attrs["data-points"]), len(pts))
            self.assertEqual(float(line[0].attrs["data-last-value"]), pts[-1]["Average"])
            self.assertEqual(int(line[0].attrs["data-last-ts"]),
                             int(pts[-1]["Timestamp"].timestamp()))

    def check_tasks(self, root):
        """The tasks table equals ListTasks (RUNNING then STOPPED) + DescribeTasks."""
        arns = []
        for desired in ("RUNNING", "STOPPED"):
            arns += self.ecs.list_tasks(cluster=CLUSTER, serviceName=SERVICE,
                                        desiredStatus=desired, maxResults=100)["taskArns"]
        tasks = self.ecs.describe_tasks(cluster=CLUSTER, tasks=arns)["tasks"] if arns else []
        rows = [n for n in root.has("data-task") if n.tag == "tr"]
        self.assertEqual([r.attrs["data-task"] for r in rows],
                         [t["taskArn"].rsplit("/", 1)[1] for t in tasks])
        for r, t in zip(rows, tasks):
            c = cells(r)
            self.assertEqual(c[1:4], [t["lastStatus"], t["desiredStatus"], t["healthStatus"]])
            self.assertEqual(c[5], t["taskDefinitionArn"].rsplit(":", 1)[1])
            self.assertEqual(c[6], t.get("stoppedReason", ""))
            if "startedAt" in t:
                self.assertEqual(r.find("time")[0].attrs["datetime"],
                                 t["startedAt"].strftime("%Y-%m-%dT%H:%M:%SZ"))
        return tasks

    def test_zz_stopped_task_shows_its_reason(self):
        # runs last (name order): it stops a task and moves the clock
        arn = self.ecs.list_tasks(cluster=CLUSTER, serviceName=SERVICE)["taskArns"][0]
        self.ecs.stop_task(cluster=CLUSTER, task=arn, reason="console <test> stop")
        self.ds.control("POST", "/_drill/clock/advance", {"seconds": 60})
        root, body = self.page(self.service_path())
        tasks = self.check_tasks(root)
        tid = arn.rsplit("/", 1)[1]
        row = [r for r in root.find("tr", data_task=tid)]
        self.assertEqual(len(row), 1)
        self.assertEqual(cells(row[0])[6], "console <test> stop")
        self.assertIn("console &lt;test&gt; stop", body)
        self.assertIn(tid, [t["taskArn"].rsplit("/", 1)[1] for t in tasks
                            if t["desiredStatus"] == "STOPPED"])

    # ---- RDS ---------------------------------------------------------------------------

    def test_rds_overview(self):
        root, _ = self.page("/console/rds")
        rows = root.find("tr", data_cluster=DB)
        self.assertEqual(len(rows), 1)
        cl = self.rds.describe_db_clusters(DBClusterIdentifier=DB)["DBClusters"][0]
        c = cells(rows[0])
        self.assertEqual(c[:4], [DB, cl["Status"], "%s %s" % (cl["Engine"],
                                                              cl["EngineVersion"]),
                                 cl["Endpoint"]])
        insts = {i["DBInstanceIdentifier"]: i for i in
                 self.rds.describe_db_instances()["DBInstances"]}
        items = rows[0].find("li")
        self.assertEqual([li.attrs["data-instance"] for li in items],
                         [m["DBInstanceIdentifier"] for m in cl["DBClusterMembers"]])
        for li, m in zip(items, cl["DBClusterMembers"]):
            self.assertEqual(li.attrs["data-role"],
                             "writer" if m["IsClusterWriter"] else "reader")
            self.assertIn(insts[m["DBInstanceIdentifier"]]["DBInstanceClass"], li.text())
        link = rows[0].find("a")[0].attrs["href"]
        self.assertEqual(link, "/console/rds/cluster?team=%s&id=%s" % (TEAM, DB))
        # connection-leak has no proxy: no proxy table
        self.assertEqual(root.has("data-proxy"), [])

    def test_cluster_page(self):
        root, body = self.page("/console/rds/cluster?id=" + DB)
        cl = self.rds.describe_db_clusters(DBClusterIdentifier=DB)["DBClusters"][0]
        insts = self.rds.describe_db_instances(
            Filters=[{"Name": "db-cluster-id", "Values": [DB]}])["DBInstances"]
        writer = [m["DBInstanceIdentifier"] for m in cl["DBClusterMembers"]
                  if m["IsClusterWriter"]][0]
        rows = [n for n in root.find("tr") if "data-instance" in n.attrs]
        by_id = {i["DBInstanceIdentifier"]: i for i in insts}
        self.assertEqual(sorted(r.attrs["data-instance"] for r in rows), sorted(by_id))
        for r in rows:
            i = by_id[r.attrs["data-instance"]]
            c = cells(r)
            self.assertEqual(c[1:5], ["Writer" if i["DBInstanceIdentifier"] == writer
                                      else "Reader", i["DBInstanceClass"],
                                      i["DBInstanceStatus"], i["AvailabilityZone"]])
            self.assertTrue(c[5].startswith(i["DBParameterGroups"][0]["DBParameterGroupName"]))
        for text in (cl["Endpoint"], cl["ReaderEndpoint"], cl["DBClusterParameterGroup"]):
            self.assertIn(text, body)
        # max_connections: the writer's DB parameter group sets it (the fixture's 100)
        pg = by_id[writer]["DBParameterGroups"][0]["DBParameterGroupName"]
        params = self.rds.describe_db_parameters(DBParameterGroupName=pg, Source="user")
        mc = [p for p in params["Parameters"] if p["ParameterName"] == "max_connections"]
        self.assertEqual(len(mc), 1)
        max_conns = int(mc[0]["ParameterValue"])
        # the cluster parameter group does not set it (the DB parameter group's value rules)
        cparams = self.rds.describe_db_cluster_parameters(
            DBClusterParameterGroupName=cl["DBClusterParameterGroup"], Source="user")
        self.assertEqual([p for p in cparams["Parameters"]
                          if p["ParameterName"] == "max_connections"], [])
        self.assertEqual(int(root.has("data-max-connections")[0].attrs["data-max-connections"]),
                         max_conns)
        # the writer's meter: GetMetricStatistics' last 1-minute Maximum against the maximum
        meters = root.find("meter", data_instance=writer)
        self.assertEqual(len(meters), 1)
        m = meters[0].attrs
        self.assertEqual((int(m["data-max"]), int(m["max"])), (max_conns, max_conns))
        got = self.cw.get_metric_statistics(
            Namespace="AWS/RDS", MetricName="DatabaseConnections",
            Dimensions=[{"Name": "DBInstanceIdentifier", "Value": writer}],
            StartTime=int(m["data-start"]), EndTime=int(m["data-end"]), Period=60,
            Statistics=["Maximum"])["Datapoints"]
        last = max(got, key=lambda d: d["Timestamp"])
        self.assertEqual(float(m["data-value"]), last["Maximum"])
        self.assertEqual(float(m["value"]), last["Maximum"])
        self.assertEqual(int(m["data-ts"]), int(last["Timestamp"].timestamp()))
        self.assertGreaterEqual(last["Maximum"], 0.8 * max_conns)  # nearly full
        self.assertIn("%g of %d" % (last["Maximum"], max_conns), meters[0].text())
        # a reader: the app connects to the writer endpoint only, so it holds the admin
        # connections, as its meter and GetMetricStatistics both say
        reader = [i for i in by_id if i != writer][0]
        rm = root.find("meter", data_instance=reader)[0].attrs
        rgot = self.cw.get_metric_statistics(
            Namespace="AWS/RDS", MetricName="DatabaseConnections",
            Dimensions=[{"Name": "DBInstanceIdentifier", "Value": reader}],
            StartTime=int(rm["data-start"]), EndTime=int(rm["data-end"]), Period=60,
            Statistics=["Maximum"])["Datapoints"]
        rlast = max(rgot, key=lambda d: d["Timestamp"])
        self.assertEqual(float(rm["data-value"]), rlast["Maximum"])
        self.assertEqual(float(rm["data-value"]), 2)
        # the graph: the same last point, max_connections as the annotation
        svg = root.find("svg")[0]
        line = svg.find("polyline", data_metric="AWS/RDS DatabaseConnections " + writer)[0]
        self.assertEqual(float(line.attrs["data-last-value"]), last["Maximum"])
        self.assertEqual(int(line.attrs["data-points"]), len(got))
        annots = [float(a.attrs["data-value"]) for a in svg.find("line")
                  if "annotation" in a.attrs.get("class", "").split()]
        self.assertEqual(annots, [float(max_conns)])

    def test_zy_proxy_and_targets(self):
        # runs late (name order): it adds a proxy and moves the clock
        secret = self.ds.client("secretsmanager").describe_secret(
            SecretId="golden-path/db-credentials/dev")["ARN"]
        role = self.ds.client("iam").get_role(RoleName="rds-proxy-role-dev")["Role"]["Arn"]
        subnets = [s["SubnetId"] for s in
                   self.ds.client("ec2").describe_subnets()["Subnets"]][:2]
        self.rds.create_db_proxy(DBProxyName="console-proxy", EngineFamily="POSTGRESQL",
                                 Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret,
                                        "IAMAuth": "DISABLED"}],
                                 RoleArn=role, VpcSubnetIds=subnets)
        root, _ = self.page("/console/rds")  # while creating: no targets yet
        self.assertEqual(len(root.find("tr", data_proxy="console-proxy")), 1)
        for _ in range(20):  # creating takes minutes
            self.ds.control("POST", "/_drill/clock/advance", {"seconds": 60})
            p = self.rds.describe_db_proxies(DBProxyName="console-proxy")["DBProxies"][0]
            if p["Status"] == "available":
                break
        self.rds.register_db_proxy_targets(DBProxyName="console-proxy",
                                           DBClusterIdentifiers=[DB])
        for seconds in (0, 300):
            if seconds:
                self.ds.control("POST", "/_drill/clock/advance", {"seconds": seconds})
            root, _ = self.page("/console/rds")
            rows = root.find("tr", data_proxy="console-proxy")
            self.assertEqual(len(rows), 1)
            p = self.rds.describe_db_proxies(DBProxyName="console-proxy")["DBProxies"][0]
            self.assertEqual(cells(rows[0])[:4], ["console-proxy", p["Status"],
                                                  p["EngineFamily"], p["Endpoint"]])
            targets = self.rds.describe_db_proxy_targets(DBProxyName="console-proxy")["Targets"]
            self.assertEqual([(li.attrs["data-target"], li.attrs["data-state"])
                              for li in rows[0].find("li")],
                             [(t["RdsResourceId"], t.get("TargetHealth", {}).get("State", ""))
                              for t in targets])
        self.assertEqual(p["Status"], "available")
        self.assertIn("AVAILABLE", [t["TargetHealth"]["State"] for t in targets
                                    if "TargetHealth" in t])

    # ---- errors, escaping, teams ---------------------------------------------------------

    def test_unknown_is_404(self):
        self.page(self.service_path(cluster="no-such-cluster"), status=404)
        self.page(self.service_path(service="no-such-service"), status=404)
        self.page("/console/ecs/service", status=404)
        self.page("/console/ecs/nothing", status=404)
        self.page("/console/rds/cluster?id=no-such-db", status=404)
        self.page("/console/rds/cluster", status=404)
        self.page("/console/rds/nothing", status=404)

    def test_escaping(self):
        evil = '<script>alert("x")</script>'
        _, body = self.page(self.service_path(cluster=evil, service=evil), status=404)
        self.assertNotIn("<script>alert", body)
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", body)
        _, body = self.page("/console/rds/cluster?" + urllib.parse.urlencode({"id": evil}),
                            status=404)
        self.assertNotIn("<script>alert", body)

    def test_team_isolation(self):
        b_ecs = self.ds.client("ecs", access_key=TEAM_B)
        b_ecs.create_cluster(clusterName="team-b-cluster")
        root, _ = self.page("/console/ecs?team=" + TEAM_B)
        self.assertEqual([n.attrs["data-cluster"] for n in root.has("data-cluster")],
                         ["team-b-cluster"])
        root, _ = self.page("/console/ecs")
        self.assertNotIn("team-b-cluster",
                         [n.attrs["data-cluster"] for n in root.has("data-cluster")])
        root, _ = self.page("/console/rds?team=" + TEAM_B)
        self.assertEqual(root.has("data-cluster"), [])
        self.page(self.service_path(team=TEAM_B), status=404)
        self.page("/console/rds/cluster?id=%s&team=%s" % (DB, TEAM_B), status=404)


if __name__ == "__main__":
    harness.main()
