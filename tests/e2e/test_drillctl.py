"""test_drillctl.py - drillctl, drillsim's control client (client/), against a running drillsim.

Every verb is run as a user runs it (the built binary, DRILLSIM_ENDPOINT in its environment)
and checked three ways: its text output names what the server answered, `--json` prints exactly
the server's JSON (compared with the control API's own answer), and its exit code is the
documented one (0 ok, 1 the server answered an error, 2 usage, 3 cannot connect, 4 below
--fail-under). The team defaults to the account of AWS_ACCESS_KEY_ID as drillsim derives it.
`watch` is run in a real terminal: a private tmux server (`tmux -L`), whose capture-pane must
show the numbers of /_drill/teams, and whose `q` / Ctrl-C must quit and restore the terminal.

Each test uses its own team (account), so tests do not see each other's drills.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import harness

DRILLCTL = os.path.join(harness.BUILD, "drillctl")
START = "2026-01-01T00:00:00Z"
START_MS = 1767225600000


def closed_port():
    """A local port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class DrillctlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(DRILLCTL, os.X_OK):
            raise unittest.SkipTest("%s is not built" % DRILLCTL)
        cls.ds = harness.Drillsim(args=["--clock", "manual@" + START]).start()

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    # --- helpers -------------------------------------------------------------------------

    def ctl(self, *args, key=harness.DEFAULT_KEY, endpoint=None, extra=None, timeout=300):
        """Runs drillctl with args; returns the CompletedProcess (text)."""
        env = harness.clean_env(access_key=key, extra={
            "DRILLSIM_ENDPOINT": endpoint or self.ds.endpoint, "NO_COLOR": "1"})
        if extra:
            env.update(extra)
        return subprocess.run([DRILLCTL] + list(args), capture_output=True, text=True,
                              timeout=timeout, env=env)

    def ok(self, *args, **kw):
        """Runs drillctl, asserts exit 0; returns stdout."""
        p = self.ctl(*args, **kw)
        self.assertEqual(p.returncode, 0, "drillctl %s exited %d:\n%s%s" % (
            " ".join(args), p.returncode, p.stdout, p.stderr))
        return p.stdout

    def fails(self, code, *args, **kw):
        """Runs drillctl, asserts exit code; returns the CompletedProcess."""
        p = self.ctl(*args, **kw)
        self.assertEqual(p.returncode, code, "drillctl %s: expected exit %d, got %d:\n%s%s" % (
            " ".join(args), code, p.returncode, p.stdout, p.stderr))
        return p

    def control(self, method, path, team, body=None):
        sep = "&" if "?" in path else "?"
        return self.ds.control(method, "%s%steam=%s" % (path, sep, team), body)

    def control_status(self, method, path, team, body=None):
        """(HTTP status, JSON answer) of a control call that may fail."""
        sep = "&" if "?" in path else "?"
        st, _, b = self.ds.raw("%s%steam=%s" % (path, sep, team), method=method,
                               body=json.dumps(body).encode() if body is not None else b"")
        return st, json.loads(b) if b.strip() else {}

    def start(self, team, scenario="connection-leak", *extra):
        return self.ok("--team", team, "start", scenario, "--clock", "manual@" + START, *extra)

    # --- usage, connection and output modes -------------------------------------------------

    def test_usage_errors_exit_2(self):
        self.fails(2)
        p = self.fails(2, "frobnicate")
        self.assertIn('unknown verb "frobnicate"', p.stderr)
        self.assertIn("missing argument", self.fails(2, "start").stderr)
        self.assertIn("unknown option --bogus", self.fails(2, "status", "--bogus").stderr)
        self.assertIn("not a duration", self.fails(2, "advance", "15x").stderr)
        self.assertIn("not a duration", self.fails(2, "advance", "1h30").stderr)
        self.fails(2, "advance", "400d")
        self.assertIn("12-digit", self.fails(2, "--team", "12345", "clock").stderr)
        self.assertIn("--fail-under", self.fails(2, "report", "--fail-under", "x").stderr)
        self.fails(2, "report", "--format", "pdf")
        self.fails(2, "chaos", "add", "--error", ":500")
        self.fails(2, "chaos", "add", "--error", "Boom:42")
        self.fails(2, "chaos", "frob")
        self.fails(2, "snapshot", "save")
        self.fails(2, "clock", "stop")
        self.fails(2, "start", "calm", "--seed", "-1")
        self.fails(2, "watch", "--interval", "0")
        # a usage error is found before any call: 2 even when no server listens
        closed = "http://127.0.0.1:%d" % closed_port()
        self.fails(2, "advance", "15x", endpoint=closed)
        self.fails(2, "chaos", "add", "--latency", "soon", endpoint=closed)
        self.fails(3, "advance", "15m", endpoint=closed)
        out = self.ok("help")
        for verb in ("scenarios", "start SCENARIO", "status [--all]", "advance DURATION",
                     "report [--format json|md|html]", "journal", "chaos list|add|clear",
                     "snapshot save|restore|list", "reset [--all]", "watch", "clock"):
            self.assertIn(verb, out)
        self.assertIn("exit codes", out)

    def test_cannot_connect_exit_3(self):
        url = "http://127.0.0.1:%d" % closed_port()
        p = self.fails(3, "scenarios", endpoint=url)
        self.assertIn("cannot connect to " + url, p.stderr)
        # --endpoint wins over DRILLSIM_ENDPOINT, and the other way round works too
        self.fails(3, "--endpoint", url, "clock")
        self.ok("--endpoint", self.ds.endpoint, "clock", endpoint=url)
        self.fails(3, "watch", "--once", endpoint=url)

    def test_server_error_exit_1(self):
        team = "100000000001"
        p = self.fails(1, "--team", team, "status")
        self.assertIn("NotFound", p.stderr)
        # with --json, the server's error document is printed for scripts
        p = self.fails(1, "--team", team, "--json", "status")
        self.assertEqual(json.loads(p.stdout)["error"], "NotFound")
        p = self.fails(1, "--team", team, "start", "no-such-scenario")
        self.assertIn("NotFound", p.stderr)
        p = self.fails(1, "--team", team, "clock", "pause")
        self.assertIn("ClockNotRealtime", p.stderr)

    def test_scenarios(self):
        server = self.ds.control("GET", "/_drill/scenarios")
        out = self.ok("scenarios")
        for s in server["scenarios"]:
            line = [ln for ln in out.splitlines() if ln.startswith(s["name"] + " ")]
            self.assertEqual(len(line), 1, out)
            self.assertIn(s.get("summary", s.get("error", "")), line[0])
        self.assertEqual(json.loads(self.ok("--json", "scenarios")), server)
        compact = self.ok("scenarios", "--json", "--compact")
        self.assertEqual(compact.count("\n"), 1)
        self.assertEqual(json.loads(compact), server)
        pretty = self.ok("scenarios", "--json")
        self.assertGreater(pretty.count("\n"), 5)
        self.assertTrue(pretty.startswith('{\n  "scenarios": [\n'), pretty[:40])

    # --- start, status, stop, the team default -----------------------------------------------

    def test_start_status_stop(self):
        team = "100000000002"
        out = self.ok("--team", team, "start", "connection-leak", "--clock", "manual@" + START,
                      "--seed", "7", "--env", "dev", "--preroll", "30m")
        self.assertIn("started connection-leak for team %s (env dev, region us-east-1)" % team,
                      out)
        self.assertIn("2026-01-01T00:00:00Z (manual)", out)
        self.assertIn("30m 00s of history", out)
        self.assertIn("set_failure_mode value=connection_leak", out)
        server = self.control("GET", "/_drill/scenario", team)
        self.assertEqual(server["name"], "connection-leak")
        self.assertEqual(server["prerollMs"], 30 * 60000)
        self.assertTrue(server["running"])
        self.assertEqual(json.loads(self.ok("--team", team, "--json", "status")), server)
        out = self.ok("--team", team, "status")
        self.assertIn("scenario connection-leak for team " + team, out)
        self.assertIn("state      running", out)
        for o in server["objectives"]:
            self.assertIn("- " + o["name"], out)
        # a second start while one runs: the server's 409, exit 1
        p = self.fails(1, "--team", team, "start", "calm")
        self.assertIn("ScenarioRunning", p.stderr)
        out = self.ok("--team", team, "stop")
        self.assertIn("stopped connection-leak for team " + team, out)
        self.assertFalse(self.control("GET", "/_drill/scenario", team)["running"])
        self.assertIn("state      stopped", self.ok("--team", team, "status"))
        # after stop, start again (a fresh world)
        self.start(team, "calm", "--preroll", "0s")
        self.assertEqual(self.control("GET", "/_drill/scenario", team)["name"], "calm")

    def test_team_defaults_to_the_access_keys_account(self):
        # a 12-digit access key is its own account: drillctl and the aws APIs agree
        key = "100000000003"
        out = self.ok("start", "calm", "--clock", "manual@" + START, "--preroll", "0s", key=key)
        self.assertIn("for team " + key, out)
        self.assertEqual(self.control("GET", "/_drill/scenario", key)["name"], "calm")
        ident = self.ds.client("sts", access_key=key).get_caller_identity()
        self.assertEqual(ident["Account"], key)
        self.assertEqual(json.loads(self.ok("clock", "--json", key=key))["team"], key)
        # any other key (AKIA..., too short, letters) is account 000000000000
        for other in (harness.DEFAULT_KEY, "12345678901", "10000000000x"):
            self.assertEqual(json.loads(self.ok("--json", "clock", key=other))["team"],
                             "000000000000")
        # no key at all: 000000000000 too
        env_no_key = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env_no_key["DRILLSIM_ENDPOINT"] = self.ds.endpoint
        p = subprocess.run([DRILLCTL, "--json", "clock"], capture_output=True, text=True,
                           env=env_no_key, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["team"], "000000000000")
        # --team wins over the key
        self.assertEqual(json.loads(self.ok("--team", "100000000004", "--json", "clock",
                                            key=key))["team"], "100000000004")

    # --- the clock ---------------------------------------------------------------------------

    def test_advance(self):
        team = "100000000005"
        self.start(team, "calm", "--preroll", "0s")
        out = self.ok("--team", team, "advance", "90s")
        self.assertIn("advanced 1m 30s", out)
        self.assertIn("2026-01-01T00:01:30Z (manual)", out)
        clock = json.loads(self.ok("--team", team, "--json", "advance", "15m"))
        self.assertEqual(clock["nowMs"], START_MS + (90 + 900) * 1000)
        self.assertEqual(clock, self.control("GET", "/_drill/clock", team))
        self.ok("--team", team, "advance", "1h30m")
        self.ok("--team", team, "advance", "2h")
        self.ok("--team", team, "advance", "45")  # bare seconds
        self.assertEqual(self.control("GET", "/_drill/clock", team)["nowMs"],
                         START_MS + (90 + 900 + 5400 + 7200 + 45) * 1000)

    def test_advance_splits_past_a_week(self):
        # the server refuses more than a week per call; drillctl splits 8d into two calls
        team = "100000000006"  # no scenario: an idle world ticks cheaply
        st, ans = self.control_status("POST", "/_drill/clock/advance", team,
                                      {"seconds": 8 * 86400})
        self.assertEqual((st, ans["error"]), (400, "BadRequest"))
        before = self.control("GET", "/_drill/clock", team)["nowMs"]
        out = self.ok("--team", team, "advance", "8d")
        self.assertIn("advanced 8d 00h 00m 00s", out)
        self.assertEqual(self.control("GET", "/_drill/clock", team)["nowMs"],
                         before + 8 * 86400 * 1000)

    def test_clock_pause_resume(self):
        team = "100000000007"
        self.ok("--team", team, "start", "calm", "--clock", "realtime", "--preroll", "0s")
        out = self.ok("--team", team, "clock")
        self.assertIn("(realtime)", out)
        paused = json.loads(self.ok("--team", team, "--json", "clock", "pause"))
        self.assertTrue(paused["paused"])
        self.assertIn("paused", self.ok("--team", team, "clock"))
        time.sleep(1.2)
        self.assertEqual(self.control("GET", "/_drill/clock", team)["nowMs"], paused["nowMs"])
        resumed = json.loads(self.ok("--team", team, "--json", "clock", "resume"))
        self.assertFalse(resumed["paused"])
        self.assertEqual(resumed["mode"], "realtime")
        self.ok("--team", team, "stop")

    # --- status --all: every team --------------------------------------------------------------

    def test_status_all_two_teams(self):
        a, b = "100000000010", "100000000011"
        self.start(a, "connection-leak")
        self.start(b, "task-overload")
        self.ok("--team", a, "advance", "5m")
        server = self.ds.control("GET", "/_drill/teams")
        mine = lambda doc: [t for t in doc["teams"] if t["clock"]["mode"] == "manual"]
        # (teams of other tests on a realtime clock move between the two calls)
        got = json.loads(self.ok("status", "--all", "--json"))
        self.assertEqual(mine(got), mine(server))
        self.assertEqual([t["team"] for t in got["teams"]], [t["team"] for t in server["teams"]])
        out = self.ok("status", "--all")
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("TEAM"), out)
        rows = {ln.split()[0]: ln for ln in lines[1:]}
        self.assertEqual(set(rows), {t["team"] for t in server["teams"]})
        for t in server["teams"]:
            if t["team"] not in (a, b):
                self.assertIn(" %s " % (t["scenario"] or "-"), rows[t["team"]])
                continue
            row = rows[t["team"]]
            self.assertIn(" %s " % t["scenario"], row)
            self.assertIn(" running ", row)
            self.assertIn(t["clock"]["now"], row)
            self.assertIn(" %d/%d " % (t["connections"], t["maxConnections"]), row)
            self.assertIn(" %d " % t["tasks"], row)
            self.assertIn(" %d/%d " % (t["fiveXxLastMinute"], t["requestsLastMinute"]), row)
            for name, state in t["alarms"].items():
                self.assertIn("%s=%s" % (name, state), row)
        by = {t["team"]: t for t in server["teams"]}
        self.assertEqual(by[a]["scenario"], "connection-leak")
        self.assertEqual(by[b]["scenario"], "task-overload")
        self.assertNotEqual(by[a]["clock"]["nowMs"], by[b]["clock"]["nowMs"])

    # --- reset -------------------------------------------------------------------------------

    def test_reset_team(self):
        team, other = "100000000012", "100000000013"
        self.start(team, "calm", "--preroll", "0s")
        self.start(other, "calm", "--preroll", "0s")
        out = self.ok("--team", team, "reset")
        self.assertIn("reset team " + team, out)
        self.fails(1, "--team", team, "status")
        ssm = self.ds.client("ssm", access_key=team)
        self.assertEqual(ssm.get_parameters(Names=["/golden/failure_mode"])["Parameters"], [])
        # the other team is untouched
        self.assertTrue(self.control("GET", "/_drill/scenario", other)["running"])
        self.assertEqual(json.loads(self.ok("--team", other, "--json", "reset")),
                         {"reset": True, "team": other})

    # --- report ------------------------------------------------------------------------------

    def report_ready(self, team):
        st, ans = self.control_status("GET", "/_drill/report", team)
        if st == 404 and ans.get("message") == "no such control endpoint":
            self.skipTest("GET /_drill/report is not served by this drillsim yet")
        return st, ans

    def test_report(self):
        team = "100000000014"
        self.fails(1, "--team", team, "report")  # no scenario: 404
        self.start(team, "connection-leak")
        self.report_ready(team)
        # a runbook mistake (comma-joined statistics) and a remediation, for the report to show
        cw = self.ds.client("cloudwatch", access_key=team)
        with self.assertRaises(Exception):
            cw.get_metric_statistics(
                Namespace="AWS/RDS", MetricName="DatabaseConnections",
                Dimensions=[{"Name": "DBClusterIdentifier", "Value": "golden-path-aurora-dev"}],
                StartTime=START_MS / 1000 - 3600, EndTime=START_MS / 1000, Period=300,
                Statistics=["Maximum,Average"])
        self.ds.client("ssm", access_key=team).put_parameter(
            Name="/golden/failure_mode", Value="none", Type="String", Overwrite=True)
        self.ok("--team", team, "advance", "10m")
        server = self.control("GET", "/_drill/report", team)
        self.assertEqual(json.loads(self.ok("--team", team, "report", "--json")), server)
        self.assertEqual(json.loads(self.ok("--team", team, "report", "--format", "json")),
                         server)
        out = self.ok("--team", team, "report")
        self.assertIn("drill report: connection-leak, team " + team, out)
        self.assertIn("score              %.0f/100" % server["score"], out)
        self.assertIn("root cause         " + ("fixed" if server["rootCauseFixed"] else
                                               "NOT fixed"), out)
        for o in server["objectives"]:
            self.assertIn(o["name"], out)
        self.assertGreaterEqual(len(server["commands"]), 2)
        for cmd in server["commands"]:
            self.assertRegex(out, r"%s +%s:%s +%s +%s" % (
                cmd["at"], cmd["service"], cmd["operation"],
                "ok" if cmd["outcome"] == "ok" else "error",
                re.escape(cmd["runbookStep"] or "(not in the runbook)")))
        self.assertGreaterEqual(len(server["hints"]), 1)
        for h in server["hints"]:
            self.assertIn("- %s (%s:%s" % (h["kind"], h["service"], h["operation"]), out)
            self.assertIn("fix: " + h["fix"], out)
        st, _, md = self.ds.raw("/_drill/report?team=%s&format=md" % team, method="GET")
        self.assertEqual(st, 200)
        self.assertEqual(self.ok("--team", team, "report", "--format", "md"), md.decode())
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "report.html")
            out = self.ok("--team", team, "report", "--format", "html", "-o", path,
                          "--fail-under", "0")
            self.assertIn("report written to %s (score %.0f/100)" % (path, server["score"]),
                          out)
            with open(path) as f:
                html = f.read()
            self.assertIn("<html", html.lower())
            path = os.path.join(d, "report.json")
            self.ok("--team", team, "report", "-o", path, "--json")
            with open(path) as f:
                self.assertEqual(json.load(f), server)
        # --fail-under: exit 4 below the score, 0 at or above it, also with md
        score = server["score"]
        self.ok("--team", team, "report", "--fail-under", "%g" % score)
        self.ok("--team", team, "report", "--fail-under", "0", "--format", "md")
        if score < 100:
            p = self.fails(4, "--team", team, "report", "--fail-under", "100")
            self.assertIn("below --fail-under 100", p.stderr)
            self.fails(4, "--team", team, "report", "--fail-under", "100", "--format", "html")

    # --- journal -----------------------------------------------------------------------------

    def journal_ready(self, team):
        st, ans = self.control_status("GET", "/_drill/journal", team)
        if st == 404 and ans.get("message") == "no such control endpoint":
            self.skipTest("GET /_drill/journal is not served by this drillsim yet")

    def test_journal(self):
        team = "100000000015"
        self.start(team, "calm", "--preroll", "0s")
        self.journal_ready(team)
        ssm = self.ds.client("ssm", access_key=team)
        ssm.get_parameter(Name="/golden/failure_mode")
        with self.assertRaises(Exception):
            ssm.get_parameter(Name="/no/such/parameter")
        self.ok("--team", team, "advance", "2m")
        ssm.put_parameter(Name="/drillctl/x", Value="1", Type="String")
        server = self.control("GET", "/_drill/journal", team)
        self.assertEqual(json.loads(self.ok("--team", team, "journal", "--json")), server)
        ops = [(e["service"], e["operation"], e["error"]) for e in server["entries"]]
        self.assertIn(("ssm", "GetParameter", None), ops)
        self.assertIn(("ssm", "GetParameter", "ParameterNotFound"), ops)
        out = self.ok("--team", team, "journal")
        self.assertIn("ssm:GetParameter", out)
        self.assertIn("ParameterNotFound", out)
        self.assertRegex(out, r"ssm:PutParameter +200 +mutated")
        lines = self.ok("--team", team, "journal", "--jsonl").splitlines()
        self.assertEqual([json.loads(ln) for ln in lines], server["entries"])
        # --since: the PutParameter only (2 minutes later in sim time), three spellings
        put = [e for e in server["entries"] if e["operation"] == "PutParameter"][0]
        for since in (str(put["simMs"]), put["sim"], "30s"):
            got = json.loads(self.ok("--team", team, "journal", "--json", "--since", since))
            self.assertEqual([e["operation"] for e in got["entries"]], ["PutParameter"], since)
        self.fails(2, "--team", team, "journal", "--since", "yesterday")
        # pages: --limit N is one call (its next goes to --after); without --limit drillctl
        # reads every page (pages of 2 here, through the test hook)
        n = len(server["entries"])
        self.assertGreaterEqual(n, 3)
        first = json.loads(self.ok("--team", team, "journal", "--json", "--limit", "2"))
        self.assertEqual(first, self.control("GET", "/_drill/journal?limit=2", team))
        self.assertEqual(first["entries"], server["entries"][:2])
        rest = json.loads(self.ok("--team", team, "journal", "--json", "--after",
                                  str(first["next"])))
        self.assertEqual(first["entries"] + rest["entries"], server["entries"])
        p = self.ctl("--team", team, "journal", "--limit", "2")
        self.assertIn("more entries follow: --after %d" % first["next"], p.stderr)
        small = {"DRILLCTL_JOURNAL_PAGE": "2"}
        self.assertEqual(json.loads(self.ok("--team", team, "journal", "--json", extra=small)),
                         server)
        lines = self.ok("--team", team, "journal", "--jsonl", extra=small).splitlines()
        self.assertEqual([json.loads(ln) for ln in lines], server["entries"])
        self.assertEqual(len(self.ok("--team", team, "journal", extra=small).splitlines()), n)

    # --- chaos -------------------------------------------------------------------------------

    def chaos_ready(self, team):
        st, ans = self.control_status("GET", "/_drill/chaos", team)
        if st == 404 and ans.get("message") == "no such control endpoint":
            self.skipTest("/_drill/chaos is not served by this drillsim yet")

    def test_chaos(self):
        team = "100000000016"
        self.start(team, "calm", "--preroll", "0s")
        self.chaos_ready(team)
        self.assertIn("no chaos rules", self.ok("--team", team, "chaos", "list"))
        out = self.ok("--team", team, "chaos", "add", "--service", "ssm", "--operation",
                      "GetParameter", "--error", "ThrottlingException:400", "--times", "2",
                      "--message", "Rate exceeded")
        self.assertRegex(out, r"added chaos rule \d+: ssm:GetParameter -> "
                              r"ThrottlingException \(400\), 2 times; matched 0, fired 0\n")
        rule = json.loads(self.ok("--team", team, "--json", "chaos", "add", "--service", "ssm",
                                  "--operation", "DescribeParameters", "--latency", "300",
                                  "--probability", "0.5", "--after", "2"))
        self.assertEqual(rule["latencyMs"], 300)
        self.assertEqual(rule["probability"], 0.5)
        self.assertEqual(rule["after"], 2)
        server = self.control("GET", "/_drill/chaos", team)
        self.assertEqual(len(server["rules"]), 2)
        self.assertEqual(json.loads(self.ok("--team", team, "chaos", "list", "--json")), server)
        out = self.ok("--team", team, "chaos", "list")
        self.assertIn("ssm:GetParameter -> ThrottlingException (400), 2 times", out)
        self.assertIn("ssm:DescribeParameters +300 ms, probability 0.5, after 2 calls", out)
        # the rule works: the harness's boto3 retries once, so both attempts are throttled;
        # then the rule is spent and the next call passes
        ssm = self.ds.client("ssm", access_key=team)
        with self.assertRaises(Exception) as cm:
            ssm.get_parameter(Name="/golden/failure_mode")
        self.assertIn("ThrottlingException", str(cm.exception))
        ssm.get_parameter(Name="/golden/failure_mode")
        self.assertRegex(self.ok("--team", team, "chaos", "list"),
                         r"ssm:GetParameter .*; matched 3, fired 2 \(spent\)")
        self.assertIn("deleted 1 rule", self.ok("--team", team, "chaos", "clear", "--id",
                                                str(rule["id"])))
        self.assertEqual(len(self.control("GET", "/_drill/chaos", team)["rules"]), 1)
        self.assertIn("deleted 1 rule", self.ok("--team", team, "chaos", "clear"))
        self.assertEqual(self.control("GET", "/_drill/chaos", team)["rules"], [])

    # --- snapshots ---------------------------------------------------------------------------

    def snapshots_ready(self, team):
        st, ans = self.control_status("GET", "/_drill/snapshots", team)
        if st == 404 and ans.get("message") == "no such control endpoint":
            self.skipTest("/_drill/snapshots is not served by this drillsim yet")

    def test_snapshot(self):
        team = "100000000017"
        self.start(team, "connection-leak")
        self.snapshots_ready(team)
        ssm = self.ds.client("ssm", access_key=team)
        out = self.ok("--team", team, "snapshot", "save", "before-fix")
        self.assertIn("saved snapshot before-fix for team " + team, out)
        ssm.put_parameter(Name="/golden/failure_mode", Value="none", Type="String",
                          Overwrite=True)
        self.ok("--team", team, "advance", "1m")
        out = self.ok("--team", team, "snapshot", "list")
        self.assertRegex(out, r"before-fix +%s" % team)
        server = self.control("GET", "/_drill/snapshots", team)
        self.assertEqual(json.loads(self.ok("--team", team, "snapshot", "list", "--json")),
                         server)
        out = self.ok("--team", team, "snapshot", "restore", "before-fix")
        self.assertIn("restored snapshot before-fix for team " + team, out)
        self.assertEqual(ssm.get_parameter(Name="/golden/failure_mode")["Parameter"]["Value"],
                         "connection_leak")
        self.assertEqual(self.control("GET", "/_drill/clock", team)["nowMs"], START_MS)
        self.fails(1, "--team", team, "snapshot", "restore", "no-such-snapshot")
        self.assertIn("deleted 1 snapshot", self.ok("--team", team, "snapshot", "delete",
                                                    "before-fix"))

    # --- health, world, timing, sns ----------------------------------------------------------

    def test_health_world_timing_sns(self):
        team = "100000000018"
        out = self.ok("health")
        self.assertIn("drillsim %s at %s: ok" % (self.ds.control("GET", "/_drill/health")[
            "version"], self.ds.endpoint), out)
        self.assertRegex(out, r"services .*ssm\(\d+\)")
        self.fails(1, "--team", team, "world")  # no world yet: 404
        self.start(team, "connection-leak")
        self.ok("--team", team, "advance", "5m")
        world = self.control("GET", "/_drill/world", team)
        self.assertEqual(json.loads(self.ok("--team", team, "world", "--json")), world)
        out = self.ok("--team", team, "world")
        db = world["database"]
        self.assertIn("database  %d/%d connections" % (db["connections"], db["maxConnections"]),
                      out)
        for t in world["tasks"]:
            self.assertRegex(out, r"%s +open +%d +leaked +%d" % (t["taskId"], t["open"],
                                                               t["leaked"]))
        timing = json.loads(self.ok("--team", team, "timing", "fast", "--json"))
        self.assertEqual(timing, self.control("GET", "/_drill/timing", team))
        self.assertIn("pendingSeconds=%d" % timing["pendingSeconds"],
                      self.ok("--team", team, "timing"))
        self.fails(1, "--team", team, "timing", "slow")
        msgs = self.control("GET", "/_drill/sns/messages", team)
        self.assertGreaterEqual(len(msgs["messages"]), 2)  # OK at setup, ALARM at +2m
        self.assertEqual(json.loads(self.ok("--team", team, "sns", "--json")), msgs)
        out = self.ok("--team", team, "sns")
        for m in msgs["messages"]:
            self.assertIn(m["subject"], out)
        p = self.ctl("--team", team, "sns", "--limit", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 1)
        self.assertIn("more messages follow: --next-token", p.stderr)

    # --- watch -------------------------------------------------------------------------------

    def expect_frame(self, frame, t):
        """Asserts the frame shows the numbers of t (a /_drill/teams entry)."""
        self.assertIn("team " + t["team"], frame)
        self.assertIn("scenario     %s (running)" % t["scenario"], frame)
        self.assertIn("clock        %s (manual)" % t["clock"]["now"], frame)
        self.assertRegex(frame, r"connections  \[[#.]+\] %d/%d \(%d%%\)" % (
            t["connections"], t["maxConnections"],
            round(t["connections"] * 100 / t["maxConnections"])))
        self.assertIn("(%d of %d requests in the last minute)" % (
            t["fiveXxLastMinute"], t["requestsLastMinute"]), frame)
        for name, state in t["alarms"].items():
            self.assertRegex(frame, r"%s %s\b" % (name, state))
        self.assertIn("tasks        %d" % t["tasks"], frame)

    def test_watch_once(self):
        team = "100000000020"
        self.start(team, "connection-leak")
        self.ok("--team", team, "advance", "8m")
        t = [x for x in self.ds.control("GET", "/_drill/teams")["teams"] if x["team"] == team][0]
        frame = self.ok("--team", team, "watch", "--once")
        self.expect_frame(frame, t)
        world = self.control("GET", "/_drill/world", team)
        for task in world["tasks"]:
            self.assertRegex(frame, r"%s +%d +%d " % (task["taskId"], task["open"],
                                                      task["leaked"]))
        self.assertEqual(json.loads(self.ok("--team", team, "watch", "--once", "--json")), t)

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock, "-f", "/dev/null"] + list(args),
                              capture_output=True, text=True, timeout=30, check=check)

    def capture(self, until, timeout=20, escapes=False):
        """Polls capture-pane until until(text) holds; returns the text (with the colours'
        escape sequences when escapes)."""
        deadline = time.time() + timeout
        text = ""
        while time.time() < deadline:
            p = self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "w",
                          check=False)
            text = p.stdout
            if p.returncode == 0 and until(text):
                return text
            time.sleep(0.2)
        raise AssertionError("the pane never showed what was expected:\n" + text)

    def pane(self, fmt):
        """A tmux format of the pane (e.g. #{alternate_on})."""
        return self.tmux("display-message", "-p", "-t", "w", fmt).stdout.strip()

    def quit_watch(self, keys):
        """Sends keys to the running watch; asserts it quit with 0 and left the terminal as it
        found it: the same stty modes, the main screen back, the cursor shown."""
        self.assertEqual(self.pane("#{alternate_on} #{cursor_flag}"), "1 0")
        self.tmux("send-keys", "-t", "w", keys)
        text = self.capture(lambda s: "watch-ended" in s)
        self.assertNotIn("connections", text)  # the frame was on the alternate screen
        self.assertEqual(self.pane("#{alternate_on} #{cursor_flag}"), "0 1")
        with open(self.after + ".rc") as f:
            self.assertEqual(f.read().strip(), "rc=0")
        with open(self.before) as f1, open(self.after) as f2:
            self.assertEqual(f1.read(), f2.read())
        self.tmux("kill-session", "-t", "w")
        for path in (self.after, self.after + ".rc"):
            os.remove(path)

    def test_watch_in_a_terminal(self):
        if shutil.which("tmux") is None:
            self.skipTest("tmux is not installed (apt-get install tmux)")
        team = "100000000021"
        self.start(team, "connection-leak")
        self.ok("--team", team, "advance", "12m")
        self.sock = "drillctl-test-%d" % os.getpid()
        self.addCleanup(self.tmux, "kill-server", check=False)
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        self.after = os.path.join(d, "stty-after")
        self.before = os.path.join(d, "stty-before")
        # the shell records the terminal's modes before and after watch, then stays (so the
        # pane can be read after watch quit); colours on (capture-pane -p shows the text)
        cmd = ("stty -a > {b}; TERM=xterm-256color NO_COLOR= DRILLSIM_ENDPOINT={e} {ctl} "
               "--team {t} watch --interval 0.5; echo rc=$? > {a}.rc; stty -a > {a}; "
               "echo watch-ended; sleep 120").format(b=self.before, a=self.after,
                                                    e=self.ds.endpoint, ctl=DRILLCTL, t=team)
        self.tmux("new-session", "-d", "-s", "w", "-x", "120", "-y", "40", cmd)
        colored = self.capture(lambda s: "connections" in s, escapes=True)
        self.assertIn("\x1b[", colored)
        frame = self.capture(lambda s: "tasks " in s and "connections" in s)
        t = [x for x in self.ds.control("GET", "/_drill/teams")["teams"] if x["team"] == team][0]
        self.expect_frame(frame, t)
        # the frame redraws: advance the clock and the pane follows
        self.ok("--team", team, "advance", "1m")
        t2 = [x for x in self.ds.control("GET", "/_drill/teams")["teams"] if x["team"] == team][0]
        frame = self.capture(lambda s: t2["clock"]["now"] in s)
        self.expect_frame(frame, t2)
        self.assertEqual(frame.count("drillctl watch"), 1, frame)  # redrawn, not appended
        # q quits (no Enter needed)
        self.quit_watch("q")
        # Ctrl-C quits too; a narrow terminal gets lines cut to its width, never wrapped
        self.tmux("new-session", "-d", "-s", "w", "-x", "60", "-y", "40", cmd)
        frame = self.capture(lambda s: "tasks " in s and "connections" in s)
        self.assertTrue(all(len(ln) <= 60 for ln in frame.splitlines()), frame)
        self.assertIn("clock        %s (manual)" % t2["clock"]["now"], frame)
        self.assertEqual(frame.count("drillctl watch"), 1, frame)
        self.quit_watch("C-c")


if __name__ == "__main__":
    harness.main()
