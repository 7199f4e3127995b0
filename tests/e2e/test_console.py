"""test_console.py - issue 9 (foundation): the web console at /console/, server-rendered HTML.

drillsim runs connection-leak under a manual clock. The pages are fetched over HTTP and parsed
with html.parser (no browser yet): the GoldenPath-dev dashboard lists its 8 widgets, the
DatabaseConnections graph's last point equals `aws cloudwatch get-metric-statistics` for the
graph's own period and range, the alarm widget says ALARM after the clock advances, unknown
dashboards are a 404 page, text widgets are escaped, ?team= keeps teams apart, and every page
has a title, a <main>, a lang attribute and no external URLs. It also prints (no assertion) how
long the dashboard takes to serve with 3 h of data; the issue's target is < 50 ms.
"""
import json
import statistics
import time
import unittest
import urllib.error
import urllib.request
from html.parser import HTMLParser

import harness

CLOCK = "manual@2026-01-01T00:00:00Z"
DASH = "GoldenPath-dev"
TEAM_B = "222233334444"


class Page(HTMLParser):
    """Collects what the checks look at: elements with their attributes, text, nesting."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs dict)
        self.title = ""
        self.text = []
        self._in_title = False
        self._stack = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)

    def find(self, tag, **want):
        out = []
        for t, a in self.elements:
            if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in want.items()):
                out.append(a)
        return out

    def classes(self, tag, cls):
        return [a for t, a in self.elements if t == tag and cls in (a.get("class") or "").split()]


def get(ds, path):
    try:
        with urllib.request.urlopen(ds.endpoint + path, timeout=20) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def parse(body):
    p = Page()
    p.feed(body)
    p.close()
    return p


class ConsoleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--scenario", "connection-leak", "--clock", CLOCK])
        cls.ds.start()

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def page(self, path, status=200):
        code, ctype, body = get(self.ds, path)
        self.assertEqual(code, status, path)
        self.assertTrue(ctype.startswith("text/html"), ctype)
        p = parse(body)
        self.check_page(path, p, body)
        return p, body

    def check_page(self, path, p, body, allowed=()):
        self.assertTrue(p.title.strip(), path + ": no <title>")
        self.assertTrue(p.find("main"), path + ": no <main>")
        self.assertEqual(p.find("html")[0].get("lang"), "en", path)
        self.assertTrue(p.find("h1"), path + ": no <h1>")
        for tag, a in p.elements:
            for attr in ("src", "href"):
                url = a.get(attr)
                if url and (url.startswith("http:") or url.startswith("https:")
                            or url.startswith("//")):
                    self.assertIn(url, allowed, "%s: external url %s" % (path, url))

    def dashboard(self, query=""):
        return self.page("/console/dashboards/%s%s" % (DASH, query))

    def test_home_and_list(self):
        p, _ = self.page("/console/")
        hrefs = [a.get("href") for a in p.find("a")]
        self.assertIn("/console/dashboards?team=000000000000", hrefs)
        self.assertIn("/console/alarms?team=000000000000", hrefs)
        self.assertIn("/console/dashboards/%s?team=000000000000" % DASH, hrefs)
        p, _ = self.page("/console/dashboards")
        hrefs = [a.get("href") for a in p.find("a")]
        self.assertIn("/console/dashboards/%s?team=000000000000" % DASH, hrefs)
        # the assets are served from the binary
        code, ctype, css = get(self.ds, "/console/assets/console.css")
        self.assertEqual((code, ctype.split(";")[0]), (200, "text/css"))
        self.assertIn(".grid", css)
        code, ctype, js = get(self.ds, "/console/assets/console.js")
        self.assertEqual(code, 200)
        self.assertIn("setInterval", js)

    def test_dashboard_widgets_and_last_point(self):
        p, body = self.dashboard("?range=1h")
        widgets = p.classes("section", "widget")
        self.assertEqual(len(widgets), 8)
        self.assertEqual([w["data-type"] for w in widgets],
                         ["text", "metric", "metric", "metric", "metric", "metric", "alarm",
                          "log"])
        self.assertEqual(len(p.find("svg")), 5)
        self.assertIn('<script src="/console/assets/console.js"', body)
        # the range picker keeps the team and marks the chosen range
        cur = p.find("a", aria_current="true")
        self.assertEqual(cur[0]["href"], "?team=000000000000&range=1h")
        # the DatabaseConnections graph: its last point against the CLI
        svgs = p.find("svg")
        lines = [a for a in p.find("polyline") if a.get("data-metric") ==
                 "AWS/RDS DatabaseConnections"]
        self.assertEqual(len(lines), 1)
        line = lines[0]
        svg = svgs[0]
        self.assertEqual(svg["data-stat"], "Maximum")
        self.assertEqual(svg["data-period"], "60")
        self.assertEqual(int(svg["data-end"]) - int(svg["data-start"]), 3600)
        self.assertGreater(int(line["data-points"]), 0)
        r = self.ds.cli("v1", "cloudwatch", "get-metric-statistics", "--namespace", "AWS/RDS",
                        "--metric-name", "DatabaseConnections", "--dimensions",
                        "Name=DBClusterIdentifier,Value=golden-path-aurora-dev",
                        "--start-time", svg["data-start"], "--end-time", svg["data-end"],
                        "--period", svg["data-period"], "--statistics", "Maximum",
                        "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        points = sorted(json.loads(r.stdout)["Datapoints"], key=lambda d: d["Timestamp"])
        self.assertEqual(len(points), int(line["data-points"]))
        last = points[-1]
        self.assertEqual(float(line["data-last-value"]), last["Maximum"])
        cw = self.ds.client("cloudwatch")
        got = cw.get_metric_statistics(
            Namespace="AWS/RDS", MetricName="DatabaseConnections",
            Dimensions=[{"Name": "DBClusterIdentifier", "Value": "golden-path-aurora-dev"}],
            StartTime=int(svg["data-start"]), EndTime=int(svg["data-end"]),
            Period=int(svg["data-period"]), Statistics=["Maximum"])["Datapoints"]
        newest = max(got, key=lambda d: d["Timestamp"])
        self.assertEqual(int(newest["Timestamp"].timestamp()), int(line["data-last-ts"]))
        # the alarm threshold is drawn as an annotation
        values = sorted(float(a["data-value"]) for a in p.classes("line", "annotation"))
        self.assertEqual(values, [80.0, 100.0])

    def test_ranges_and_periods(self):
        # the fixture's body has periodOverride "inherit": its widgets keep their 60 s
        for rng, seconds in (("15m", 900), ("3h", 10800), ("12h", 43200)):
            p, _ = self.dashboard("?range=" + rng)
            svg = p.find("svg")[0]
            self.assertEqual(int(svg["data-end"]) - int(svg["data-start"]), seconds)
            self.assertEqual(int(svg["data-period"]), 60)
        # periodOverride "inherit": the widget's period is kept over 12 hours too
        team = "444455556666"
        cw = self.ds.client("cloudwatch", access_key=team)
        cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "Orders", "Value": 1}])
        widget = {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
                  "properties": {"region": "us-east-1", "stat": "Sum", "period": 60,
                                 "metrics": [["Shop", "Orders"]]}}
        # "auto" (the default) adapts it to the range: at most 360 points
        for override, want in (("inherit", 60), ("auto", 120)):
            cw.put_dashboard(DashboardName="P-" + override, DashboardBody=json.dumps(
                {"periodOverride": override, "widgets": [widget]}))
            p, _ = self.page("/console/dashboards/P-%s?team=%s&range=12h" % (override, team))
            self.assertEqual(int(p.find("svg")[0]["data-period"]), want, override)

    def test_zz_alarm_widget_after_advance(self):
        # runs last (name order): it moves the clock
        # Not a test of speed: before the leak the log widget's query matches nothing, so it
        # reads every event of the range (the slowest case), reported.
        print("\nconsole: GoldenPath-dev, 3 h range, before the leak: median %.1f ms"
              % self.serve_ms(), flush=True)
        p, _ = self.dashboard()
        before = p.find("li", data_alarm="golden-path-rds-connections-dev")
        self.assertEqual(len(before), 1)
        self.assertEqual(before[0]["data-state"], "OK")  # the leak has not started yet
        self.ds.control("POST", "/_drill/clock/advance", {"seconds": 600})
        p, _ = self.dashboard()
        after = p.find("li", data_alarm="golden-path-rds-connections-dev")
        self.assertEqual(after[0]["data-state"], "ALARM")
        p, body = self.page("/console/alarms")
        self.assertIn("golden-path-rds-connections-dev", body)
        self.assertTrue(p.classes("span", "state-ALARM"))
        # alarms in ALARM come first
        names = [a.get("data-alarm") for a in p.find("tr") if a.get("data-alarm")]
        self.assertEqual(names[0], "golden-path-rds-connections-dev")
        self.assertGreater(len(names), 1)
        # the drill view now shows the alarm in its timeline, as the report does
        p, _ = self.page("/console/drill")
        report = self.check_drill_matches_report(p)
        self.assertIn("alarm fired", [e["event"] for e in report["timeline"]])
        # Not a test of speed: the time to serve the dashboard with 3 h of data, reported.
        self.ds.control("POST", "/_drill/clock/advance", {"seconds": 3 * 3600 - 600})
        print("console: GoldenPath-dev, 3 h of data, 8 widgets: median %.1f ms (target < 50 ms)"
              % self.serve_ms(), flush=True)

    def serve_ms(self):
        times = []
        for _ in range(20):
            t = time.perf_counter()
            code, _, _ = get(self.ds, "/console/dashboards/%s?range=3h" % DASH)
            times.append((time.perf_counter() - t) * 1000)
            self.assertEqual(code, 200)
        return statistics.median(times)

    def test_drill_view(self):
        p, body = self.page("/console/drill")
        rows = p.find("tr", data_team="000000000000")
        self.assertEqual(len(rows), 1)
        self.assertIn("connection-leak", body)
        self.assertIn("golden-path-rds-connections-dev", body)
        self.assertIn('data-refresh', body)
        self.check_drill_matches_report(p)
        # a team without a scenario says so, and the trainer still sees every team
        p, body = self.page("/console/drill?team=" + TEAM_B)
        self.assertIn("runs no scenario", body)
        self.assertEqual(len(p.find("tr", data_team="000000000000")), 1)

    def check_drill_matches_report(self, p):
        """The drill view shows the report's score, timeline and objectives."""
        report = self.ds.control("GET", "/_drill/report")
        scores = [a["data-score"] for t, a in p.elements if "data-score" in a]
        # the score card and the team's row in the teams table
        self.assertEqual(scores, [str(report["score"])] * 2)
        events = [a["data-event"] for a in p.find("li") if "data-event" in a]
        self.assertEqual(events, [e["event"] for e in report["timeline"]])
        met = [a["data-met"] for a in p.find("li") if "data-met" in a]
        self.assertEqual(met, ["true" if o["met"] else "false" for o in report["objectives"]])
        self.assertGreater(len(met), 0)
        return report

    def test_unknown_dashboard_and_pages(self):
        self.page("/console/dashboards/NoSuchDashboard", status=404)
        self.page("/console/nothing-here", status=404)
        self.page("/console/?team=12ab", status=400)

    def test_escaping_and_team_isolation(self):
        cw = self.ds.client("cloudwatch", access_key=TEAM_B)
        md = ("# Runbook <b>bold</b>\n<script>alert(1)</script>\n"
              "[bad](javascript:alert(1)) [ok](https://example.com/runbook) **x** `a<b`")
        body = {"start": "-PT15M",
                "widgets": [{"type": "text", "x": 0, "y": 0, "width": 24, "height": 3,
                             "properties": {"markdown": md}},
                            {"type": "explorer", "x": 0, "y": 3, "width": 12, "height": 6,
                             "properties": {"metrics": [{"metricName": "CPUUtilization",
                                                         "resourceType": "AWS::EC2::Instance",
                                                         "stat": "Average"}],
                                            "labels": [], "widgetOptions": {}}},
                            {"type": "metric", "x": 12, "y": 3, "width": 6, "height": 3,
                             "properties": {"view": "singleValue", "stat": "Sum",
                                            "region": "us-east-1", "title": "Orders \"now\"",
                                            "metrics": [["Shop", "Orders"]]}},
                            {"type": "metric", "x": 18, "y": 3, "width": 6, "height": 6,
                             "properties": {"view": "timeSeries", "stat": "Sum", "period": 60,
                                            "region": "us-east-1", "title": "Math",
                                            "metrics": [["Shop", "Orders", {"id": "m1"}],
                                                        [{"expression": "m1*2", "id": "e1",
                                                          "label": "Double"}]]}}]}
        cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Orders", "Value": 40}, {"MetricName": "Orders", "Value": 2}])
        cw.put_dashboard(DashboardName="Escapes", DashboardBody=json.dumps(body))
        code, _, raw = get(self.ds, "/console/dashboards/Escapes?team=" + TEAM_B)
        self.assertEqual(code, 200)
        p = parse(raw)
        self.check_page("Escapes", p, raw, allowed=("https://example.com/runbook",))
        self.assertNotIn("<script>alert", raw)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", raw)
        self.assertNotIn("<b>bold", raw)
        self.assertNotIn("javascript:", " ".join(a.get("href", "") for a in p.find("a")))
        self.assertTrue(p.find("a", href="https://example.com/runbook"))
        self.assertIn("<code>a&lt;b</code>", raw)
        self.assertIn("<strong>x</strong>", raw)
        self.assertTrue(p.classes("p", "placeholder"))  # the explorer widget
        single = p.classes("div", "value")
        self.assertEqual([a.get("data-value") for a in single], ["42"])
        self.assertIn("Orders &quot;now&quot;", raw)
        # metric math goes through GetMetricData: both series, the expression evaluated
        last = {a["data-metric"]: a.get("data-last-value") for a in p.find("polyline")}
        self.assertEqual(last, {"m1": "42", "e1": "84"})
        self.assertIn("Double", raw)
        # the body's relative start is the default range
        cur = p.find("a", aria_current="true")
        self.assertEqual(cur[0]["href"], "?team=%s&range=15m" % TEAM_B)
        # the default team does not see team B's dashboard, and B does not see the drill's
        self.page("/console/dashboards/Escapes", status=404)
        self.page("/console/dashboards/%s?team=%s" % (DASH, TEAM_B), status=404)
        _, listing = self.page("/console/dashboards?team=" + TEAM_B)
        self.assertIn("Escapes", listing)
        self.assertNotIn(DASH, listing)

    def test_annotations(self):
        """Horizontal bands and fills, vertical lines and bands, as a dashboard body gives
        them (CloudWatch's annotations format; PutDashboard rejects malformed ones); hidden
        ones are left out."""
        team = "333344445555"
        cw = self.ds.client("cloudwatch", access_key=team)
        cw.put_metric_data(Namespace="Shop", MetricData=[{"MetricName": "Orders", "Value": 5}])
        now = self.ds.control("GET", "/_drill/clock?team=" + team)["nowMs"] / 1000
        iso = lambda s: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s))
        ann = {"horizontal": [[{"label": "normal", "value": 2, "color": "#2ca02c"},
                               {"value": 8}],
                              {"label": "floor", "value": 1, "fill": "below"},
                              {"label": "hidden", "value": 3, "visible": False}],
               "vertical": [{"label": "deploy", "value": iso(now - 300)},
                            [{"label": "freeze", "value": iso(now - 600)},
                             {"value": iso(now - 420)}]]}
        body = {"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
                             "properties": {"region": "us-east-1", "stat": "Sum", "period": 60,
                                            "title": "Orders", "annotations": ann,
                                            "metrics": [["Shop", "Orders"]]}}]}
        cw.put_dashboard(DashboardName="Annotated", DashboardBody=json.dumps(body))
        p, raw = self.page("/console/dashboards/Annotated?team=%s&range=15m" % team)
        bands = p.classes("rect", "annotation-band")
        self.assertEqual([(a.get("data-from"), a.get("data-to")) for a in bands
                          if "data-from" in a], [("2", "8")])
        self.assertEqual(len(bands), 2)  # the value band and the time band
        self.assertEqual(len(p.classes("rect", "annotation-fill")), 1)
        lines = [a for a in p.classes("line", "annotation") if "data-ts" in a]
        self.assertEqual([a["data-ts"] for a in lines], [str(int(now - 300))])
        for label in ("normal", "floor", "deploy", "freeze"):
            self.assertIn(">%s" % label, raw)
        self.assertNotIn("hidden", raw)


if __name__ == "__main__":
    harness.main()
