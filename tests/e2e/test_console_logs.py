"""test_console_logs.py - issue 9, done means 3: the console's Logs pages
(sim/console/console_logs.c).

drillsim runs connection-leak under a manual clock, advanced 20 minutes so the app logs
connection errors. The runbook's step 2 (`aws logs start-query ...` verbatim from the runbook,
under faketime at the sim clock; its `aws` is a shell function that adds --endpoint-url and
records the arguments it was given) runs with the real CLI, get-query-results is polled until
Complete, and /console/logs/insights with the same group, query, start and end must show
exactly the same rows (columns, cells, order). The other pages are checked against boto3:
the groups list's stored bytes against DescribeLogGroups, a group's streams against
DescribeLogStreams, a stream's events against GetLogEvents. Also: the query box's defaults,
a malformed query (MalformedQueryException's text, status 200, role=alert), the bounds (400
pages), escaping of a <script> message, ?team isolation, and on every page a <title>, one
<h1>, headings in order, <main>, lang, a <label for> for every form control and no external
URL. The pages are parsed with html.parser (no browser).
"""
import json
import os
import subprocess
import time
import unittest
import urllib.parse
from html.parser import HTMLParser

import harness
import world_util as wu

TEAM_B = "222233334444"
GROUP = wu.LOG_GROUP
RUNBOOK_FILE = "/work/shared/seed/connection-exhaustion-runbook.md"
MINE = "/test/console#escapes"  # '#' must be percent-encoded in links


def runbook_query():
    """Step 2's query string: from the runbook file when it is here, else world_util's copy."""
    text = wu.RUNBOOK["insights"]
    if os.path.exists(RUNBOOK_FILE):
        with open(RUNBOOK_FILE) as f:
            text = f.read()
    start = text.index("--query-string '") + len("--query-string '")
    return text[start:text.index("'", start)]


class Page(HTMLParser):
    """Elements with attributes and their text, tables as rows of cell texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # [tag, attrs, text]
        self.open = []      # indexes into elements of the open elements
        self.tables = []    # {"attrs", "head": [...], "rows": [[...]]}
        self._table = None
        self._cell = None

    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append([tag, a, ""])
        if tag not in self.VOID:
            self.open.append(len(self.elements) - 1)
        if tag == "table":
            self._table = {"attrs": a, "head": [], "rows": [], "caption": None}
            self.tables.append(self._table)
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._table is not None:
            self._cell = [tag, ""]

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.open:
            i = self.open.pop()
            if self.elements[i][0] == tag:
                break
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._table is not None:
            if all(t == "th" for t, _ in self._row) and not self._table["rows"] \
                    and not self._table["head"]:
                self._table["head"] = [v for _, v in self._row]
            else:
                self._table["rows"].append([v for _, v in self._row])
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        for i in self.open:
            self.elements[i][2] += data
        if self._cell is not None:
            self._cell[1] += data

    def find(self, tag, **want):
        return [(a, t) for g, a, t in self.elements
                if g == tag and all(a.get(k.replace("_", "-")) == v for k, v in want.items())]

    def title(self):
        return "".join(t for g, _, t in self.elements if g == "title")

    def table(self, cls):
        for t in self.tables:
            if cls in (t["attrs"].get("class") or "").split():
                return t
        return None


def get(ds, path):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(ds.endpoint + path, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def insights_url(groups, query=None, team=None, **kw):
    args = [("team", team or "000000000000")] + [("group", g) for g in groups]
    if query is not None:
        args.append(("query", query))
    args += [(k, str(v)) for k, v in kw.items()]
    return "/console/logs/insights?" + urllib.parse.urlencode(args)


class ConsoleLogs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = wu.start_drill("connection-leak")
        wu.advance(cls.ds, 20 * 60)  # the leak fills the database: /db answers 500s
        cls.now_s = wu.now_ms(cls.ds) // 1000

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    # ---- helpers ---------------------------------------------------------------------------

    def page(self, path, status=200):
        code, body = get(self.ds, path)
        self.assertEqual(code, status, "%s: %s" % (path, body[-400:]))
        p = Page()
        p.feed(body)
        p.close()
        self.check_page(path, p)
        return p, body

    def check_page(self, path, p):
        self.assertTrue(p.title().strip(), path + ": no <title>")
        self.assertEqual(len(p.find("main")), 1, path + ": no <main>")
        self.assertEqual(p.find("html")[0][0].get("lang"), "en", path)
        self.assertEqual(len(p.find("h1")), 1, path + ": not one <h1>")
        levels = [int(g[1]) for g, _, _ in p.elements if g in ("h1", "h2", "h3", "h4")]
        self.assertEqual(levels[0], 1, path)
        for a, b in zip(levels, levels[1:]):
            self.assertLessEqual(b, a + 1, "%s: headings skip a level: %r" % (path, levels))
        labels = {a.get("for") for a, _ in p.find("label")}
        for tag in ("select", "textarea", "input"):
            for a, _ in p.find(tag):
                if tag == "input" and a.get("type") == "hidden":
                    continue  # not a control the user sees (it keeps ?team=)
                self.assertTrue(a.get("id"), "%s: <%s> without id" % (path, tag))
                self.assertIn(a["id"], labels, "%s: <%s id=%s> has no label" % (path, tag,
                                                                                 a["id"]))
        for g, a, _ in p.elements:
            for attr in ("src", "href", "action"):
                url = a.get(attr) or ""
                self.assertFalse(url.startswith(("http:", "https:", "//")),
                                 "%s: external url %s" % (path, url))
                if attr == "href" and url.startswith("/console/") \
                        and not url.startswith("/console/assets/"):
                    team = urllib.parse.parse_qs(urllib.parse.urlparse(url).query).get("team")
                    self.assertTrue(team, "%s: link without ?team=: %s" % (path, url))
            if g == "form":  # a GET form keeps the team in a hidden field
                self.assertTrue(p.find("input", type="hidden", name="team"), path)

    def run_runbook_step2(self):
        """The runbook's start-query, verbatim under faketime at the sim clock; returns
        (start, end, group, query) as the CLI was given them and the query id."""
        script = ('aws() { printf "ARG:%%s\\n" "$@" >&2; '
                  'command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }\n%s\n'
                  % wu.RUNBOOK["insights"].replace("{env}", "dev"))
        rb = wu.Runbook(self.ds)
        p = rb.shell(script)
        self.assertEqual(p.returncode, 0, p.stderr)
        args = [line[4:] for line in p.stderr.splitlines() if line.startswith("ARG:")]
        given = {args[i]: args[i + 1] for i in range(len(args) - 1) if args[i].startswith("--")}
        return given, json.loads(p.stdout)["queryId"]

    def cli_results(self, qid):
        deadline = time.time() + 60
        while True:
            r = self.ds.cli("v1", "logs", "get-query-results", "--query-id", qid)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = json.loads(r.stdout)
            if out["status"] == "Complete":
                return out["results"]
            self.assertIn(out["status"], ("Scheduled", "Running"), out)
            self.assertLess(time.time(), deadline, "the query did not complete")
            time.sleep(0.2)

    # ---- done means 3: the runbook's query, the CLI and the page -------------------------

    def test_insights_page_shows_the_cli_rows(self):
        wu.need_tools(self, "faketime", "aws")
        given, qid = self.run_runbook_step2()
        self.assertEqual(given["--log-group-name"], GROUP)
        self.assertEqual(given["--query-string"], runbook_query())
        start, end = int(given["--start-time"]), int(given["--end-time"])
        self.assertIn(end, (self.now_s, self.now_s + 1))  # faketime's clock runs on
        self.assertEqual(end - start, 900)
        rows = self.cli_results(qid)
        self.assertGreater(len(rows), 0, "the runbook's query found nothing: the test would "
                                         "compare nothing")
        p, _ = self.page(insights_url([GROUP], given["--query-string"], start=start, end=end))
        table = p.table("results")
        self.assertIsNotNone(table, "no results table")
        columns = [f["field"] for f in rows[0] if f["field"] != "@ptr"]
        self.assertEqual(table["head"], columns)
        want = []
        for row in rows:
            values = {f["field"]: f["value"] for f in row}
            want.append([values.get(c, "") for c in columns])
        self.assertEqual(table["rows"], want)
        # the count and the window said on the page
        count = p.find("p", id="row-count")
        self.assertEqual(count[0][0]["data-rows"], str(len(rows)))
        window = p.find("p", id="window")[0][0]
        self.assertEqual((int(window["data-start"]), int(window["data-end"])), (start, end))
        # the runbook's query finds the leak's errors
        self.assertIn("connection_error", {r[columns.index("errorType")] for r in want})
        # the group stays selected, the query is in the box, start/end are kept
        self.assertEqual([a["value"] for a, _ in p.find("option") if "selected" in a
                          and a["value"].startswith("/")], [GROUP])
        self.assertEqual(p.find("textarea", id="query")[0][1], given["--query-string"])
        self.assertEqual(p.find("input", id="start")[0][0]["value"], str(start))

    def test_insights_defaults(self):
        p, _ = self.page("/console/logs/insights")
        self.assertEqual([a["value"] for a, _ in p.find("option") if "selected" in a], [GROUP,
                                                                                        "15m"])
        self.assertEqual(p.find("textarea", id="query")[0][1], runbook_query())
        window = p.find("p", id="window")[0][0]
        self.assertEqual((int(window["data-start"]), int(window["data-end"])),
                         (self.now_s - 900, self.now_s))
        self.assertGreater(int(p.find("p", id="row-count")[0][0]["data-rows"]), 0)
        # the form works without JS: a GET form to the same page, the team kept
        form = p.find("form")[0][0]
        self.assertEqual((form["method"], form["action"]), ("get", "/console/logs/insights"))
        self.assertEqual(p.find("input", name="team")[0][0]["value"], "000000000000")
        self.assertTrue(p.find("button", type="submit"))
        # a range: the window ends at the sim time
        p, _ = self.page(insights_url([GROUP], "fields @timestamp | limit 3", range="3h"))
        window = p.find("p", id="window")[0][0]
        self.assertEqual((int(window["data-start"]), int(window["data-end"])),
                         (self.now_s - 3 * 3600, self.now_s))
        self.assertEqual(p.find("p", id="row-count")[0][0]["data-rows"], "3")
        # start and end win over the range
        p, _ = self.page(insights_url([GROUP], "stats count(*) as n", range="12h",
                                      start=self.now_s - 60, end=self.now_s))
        window = p.find("p", id="window")[0][0]
        self.assertEqual(int(window["data-start"]), self.now_s - 60)
        # an empty form field (start= end= from the form) means "not given"
        p, _ = self.page(insights_url([GROUP], "stats count(*) as n", range="1h", start="",
                                      end=""))
        self.assertEqual(int(p.find("p", id="window")[0][0]["data-start"]), self.now_s - 3600)

    def test_insights_several_groups(self):
        logs = self.ds.client("logs")
        for g in ("/test/multi-a", "/test/multi-b"):
            logs.create_log_group(logGroupName=g)
            logs.create_log_stream(logGroupName=g, logStreamName="s")
            logs.put_log_events(logGroupName=g, logStreamName="s", logEvents=[
                {"timestamp": (self.now_s - 30) * 1000, "message": "from " + g}])
        p, _ = self.page(insights_url(["/test/multi-a", "/test/multi-b"],
                                      "fields @message | sort @message asc", range="15m"))
        self.assertEqual(p.table("results")["rows"], [["from /test/multi-a"],
                                                      ["from /test/multi-b"]])
        selected = [a["value"] for a, _ in p.find("option") if "selected" in a]
        self.assertEqual(selected, ["/test/multi-a", "/test/multi-b", "15m"])
        # a log widget's text, SOURCE clauses and all, runs as it is
        p, _ = self.page(insights_url(["/test/multi-a"], "SOURCE '/test/multi-b' | fields "
                                      "@message | sort @message asc", range="15m"))
        self.assertEqual(p.table("results")["rows"], [["from /test/multi-a"],
                                                      ["from /test/multi-b"]])
        # no group selected: said, nothing run
        p, _ = self.page(insights_url([], "fields @message"))
        alerts = [t for a, t in p.find("p") if a.get("role") == "alert"]
        self.assertEqual(alerts, ["Select at least one log group."])
        self.assertIsNone(p.table("results"))
        # an unknown group: StartQuery's message
        p, _ = self.page(insights_url(["/no/such"], "fields @message"))
        alerts = [t for a, t in p.find("p") if a.get("role") == "alert"]
        self.assertEqual(alerts, ["Log group '/no/such' does not exist for account ID "
                                  "'000000000000'"])

    def test_malformed_query(self):
        bad = "fields @timestamp | frobnicate errorType"
        logs = self.ds.client("logs")
        with self.assertRaises(logs.exceptions.MalformedQueryException) as cm:
            logs.start_query(logGroupName=GROUP, startTime=self.now_s - 900, endTime=self.now_s,
                             queryString=bad)
        message = cm.exception.response["Error"]["Message"]
        self.assertTrue(message)
        p, _ = self.page(insights_url([GROUP], bad), status=200)
        alerts = [t for a, t in p.find("p") if a.get("role") == "alert"]
        self.assertEqual(len(alerts), 1, alerts)
        self.assertIn(message, alerts[0])
        self.assertIsNone(p.table("results"))

    def test_bounds_and_bad_arguments(self):
        self.page(insights_url(["/g/%d" % i for i in range(21)], "fields @message"), status=400)
        # 20 distinct groups are fine (they do not exist: said on the page)
        self.page(insights_url(["/g/%d" % i for i in range(20)], "fields @message"))
        _, body = self.page(insights_url([GROUP], "fields @message | " + "x" * 10000),
                            status=400)
        self.assertIn("10000 characters", body)
        self.page(insights_url([GROUP], "fields @message | limit 1" + " " * 9975))
        self.page(insights_url([GROUP], "fields @message", range="2d"), status=400)
        self.page(insights_url([GROUP], "fields @message", start=self.now_s), status=400)
        self.page(insights_url([GROUP], "fields @message", start="x", end="y"), status=400)
        self.page(insights_url([GROUP], "fields @message", start=self.now_s, end=self.now_s - 1),
                  status=400)
        self.page("/console/logs/group", status=400)
        self.page("/console/logs/group?name=%2Fno%2Fsuch", status=404)
        self.page("/console/logs/group?name=%s&stream=nope" % urllib.parse.quote(GROUP, ""),
                  status=404)
        self.page("/console/logs/nothing", status=404)

    # ---- the groups list and a group's page -----------------------------------------------

    def test_groups_list(self):
        p, _ = self.page("/console/logs")
        described = {g["logGroupName"]: g for g in
                     self.ds.client("logs").describe_log_groups()["logGroups"]}
        rows = p.find("tr", data_group=GROUP)
        self.assertEqual(len(rows), 1)
        stored = described[GROUP]["storedBytes"]
        self.assertGreater(stored, 0)
        self.assertEqual(int(rows[0][0]["data-stored-bytes"]), stored)
        table = p.tables[0]
        self.assertEqual(table["head"][:4], ["Log group", "Stored bytes", "Retention",
                                             "Creation time (UTC)"])
        row = [r for r in table["rows"] if r[0] == GROUP][0]
        self.assertEqual(int(row[1]), stored)
        days = described[GROUP].get("retentionInDays")
        self.assertEqual(row[2], "%d days" % days if days else "Never expire")
        created = described[GROUP]["creationTime"]
        self.assertEqual(row[3], time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                               time.gmtime(created // 1000)))
        hrefs = [a.get("href") for a, _ in p.find("a")]
        self.assertIn("/console/logs/group?team=000000000000&name=%2Fecs%2Fgolden-path-app-dev",
                      hrefs)
        self.assertIn("/console/logs/insights?team=000000000000", hrefs)
        self.assertEqual(p.find("a", aria_current="page")[0][0]["href"],
                         "/console/logs?team=000000000000")

    def test_group_page_streams_and_events(self):
        logs = self.ds.client("logs")
        path = "/console/logs/group?team=000000000000&name=" + urllib.parse.quote(GROUP, "")
        p, _ = self.page(path)
        streams = [a["data-stream"] for a, _ in p.find("tr") if "data-stream" in a]
        want = logs.describe_log_streams(logGroupName=GROUP, orderBy="LastEventTime",
                                         descending=True, limit=50)["logStreams"]
        self.assertGreater(len(streams), 0)
        self.assertEqual(streams, [s["logStreamName"] for s in want])
        self.assertEqual(p.find("dd", id="stored-bytes")[0][1],
                         str(logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]
                             ["storedBytes"]))
        events = p.table("events")
        self.assertEqual(events["head"], ["Timestamp (UTC)", "Log stream", "Message"])
        self.assertEqual(len(events["rows"]), 100)
        times = [r[0] for r in events["rows"]]
        self.assertEqual(times, sorted(times, reverse=True))
        self.assertTrue(all(json.loads(r[2]) for r in events["rows"]))  # the JSON lines, whole
        # the query box link preselects the group
        link = p.find("a", id="query-link")[0][0]["href"]
        self.assertEqual(link, "/console/logs/insights?team=000000000000&group="
                         + urllib.parse.quote(GROUP, ""))
        q, _ = self.page(link)
        self.assertEqual([a["value"] for a, _ in q.find("option") if "selected" in a
                          and a["value"].startswith("/")], [GROUP])
        # one stream: its newest 100 events, as GetLogEvents returns them (oldest first)
        stream = streams[0]
        href = [a["href"] for a, t in p.find("a") if t == stream][0]
        s, _ = self.page(href)
        self.assertEqual(s.find("a", aria_current="true")[0][1], stream)
        got = s.table("events")
        self.assertEqual(got["head"], ["Timestamp (UTC)", "Message"])
        ev = logs.get_log_events(logGroupName=GROUP, logStreamName=stream, limit=100,
                                 startFromHead=False)["events"]
        self.assertEqual(len(got["rows"]), min(100, len(ev)))
        self.assertEqual([r[1] for r in got["rows"]], [e["message"] for e in reversed(ev)])

    def test_escaping(self):
        logs = self.ds.client("logs")
        logs.create_log_group(logGroupName=MINE)
        logs.create_log_stream(logGroupName=MINE, logStreamName="s<1>")
        long_json = json.dumps({"k%d" % i: "v" * 40 for i in range(80)})
        nasty = "<script>alert(1)</script> & \"quoted\" 'single'"
        logs.put_log_events(logGroupName=MINE, logStreamName="s<1>", logEvents=[
            {"timestamp": (self.now_s - 20) * 1000, "message": long_json},
            {"timestamp": (self.now_s - 10) * 1000, "message": nasty}])
        p, body = self.page("/console/logs")
        self.assertIn("/console/logs/group?team=000000000000&name=%2Ftest%2Fconsole%23escapes",
                      [a.get("href") for a, _ in p.find("a")])
        gp, body = self.page("/console/logs/group?name=" + urllib.parse.quote(MINE, ""))
        self.assertNotIn("<script>alert", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;", body)
        self.assertNotIn("s<1>", body)
        rows = gp.table("events")["rows"]
        self.assertEqual([r[2] for r in rows], [nasty, long_json])
        self.assertEqual(rows[0][1], "s<1>")
        # the long line is in a wrapping <pre> (class logmsg), whole
        self.assertTrue(gp.find("pre", **{"class": "logmsg"}))
        # the stream link encodes < and >
        href = [a["href"] for a, t in gp.find("a") if t == "s<1>"][0]
        self.assertTrue(href.endswith("&stream=s%3C1%3E"), href)
        self.page(href)
        # in Insights results too
        ip, body = self.page(insights_url([MINE], "fields @message | sort @timestamp desc",
                                          range="15m"))
        self.assertNotIn("<script>alert", body)
        self.assertEqual(ip.table("results")["rows"], [[nasty], [long_json]])
        # the query box escapes the query it shows
        ip, body = self.page(insights_url([MINE], "fields @message | filter @message like "
                                                  "'</textarea><script>x'"))
        self.assertNotIn("</textarea><script>", body)
        self.assertEqual(ip.find("textarea", id="query")[0][1],
                         "fields @message | filter @message like '</textarea><script>x'")
        # the stylesheet makes log messages wrap
        code, css = get(self.ds, "/console/assets/console.css")
        self.assertEqual(code, 200)
        self.assertIn("pre.logmsg{", css)
        self.assertIn("white-space:pre-wrap", css[css.index("pre.logmsg{"):])

    def test_team_isolation(self):
        logs_b = self.ds.client("logs", access_key=TEAM_B)
        logs_b.create_log_group(logGroupName="/team-b/only")
        logs_b.create_log_stream(logGroupName="/team-b/only", logStreamName="b")
        logs_b.put_log_events(logGroupName="/team-b/only", logStreamName="b", logEvents=[
            {"timestamp": 1767225600000, "message": "team b's line"}])
        _, body = self.page("/console/logs")
        self.assertNotIn("/team-b/only", body)
        p, body = self.page("/console/logs?team=" + TEAM_B)
        self.assertIn("/team-b/only", body)
        self.assertNotIn(GROUP, body)
        for a, _ in p.find("a"):
            if a["href"].startswith("/console/"):
                self.assertIn("team=" + TEAM_B, a["href"])
        self.page("/console/logs/group?name=%2Fteam-b%2Fonly", status=404)
        p, body = self.page("/console/logs/group?team=%s&name=%%2Fteam-b%%2Fonly" % TEAM_B)
        self.assertIn("team b&#39;s line", body.replace("&#x27;", "&#39;"))
        # team B's query box: its own groups only, no default group (it has none)
        p, _ = self.page("/console/logs/insights?team=" + TEAM_B)
        self.assertEqual([a["value"] for a, _ in p.find("option") if a["value"].startswith("/")],
                         ["/team-b/only"])
        self.assertEqual(p.find("input", name="team")[0][0]["value"], TEAM_B)
        p, _ = self.page(insights_url([GROUP], "fields @message", team=TEAM_B))
        alerts = [t for a, t in p.find("p") if a.get("role") == "alert"]
        self.assertEqual(alerts, ["Log group '%s' does not exist for account ID '%s'"
                                  % (GROUP, TEAM_B)])
        p, _ = self.page(insights_url(["/team-b/only"], "fields @message", team=TEAM_B,
                                      start=1767225500, end=1767225700))
        self.assertEqual(p.table("results")["rows"], [["team b's line"]])


if __name__ == "__main__":
    harness.main()
