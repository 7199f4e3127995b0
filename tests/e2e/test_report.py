"""test_report.py - the drill report and its score (issue 8, done means 1 and 2, server side).

The connection-leak drill runs in manual clock; the runbook's commands run VERBATIM with the
aws CLI under faketime at the sim clock (world_util.Runbook). (a) the runbook's full
remediation of cause 1 scores >= 80 with rootCauseFixed; (b) a restart alone scores < 60 and
the report says the root cause was not fixed, also once the scenario is stopped; (c) the
runbook's known mistakes (comma-joined statistics, the date-only window, the placeholder ARNs of
create-db-proxy) appear as hints with their fix. The calm drill rewards doing nothing drastic;
task-overload counts a scale-down as its fix and a restart as none.
Markdown and HTML render the same report.
"""
import http.client
import re
import unittest
import urllib.request

import harness
import world_util as wu

# Runbook commands not in world_util.RUNBOOK, copied verbatim from
# /work/shared/seed/connection-exhaustion-runbook.md ({env} filled in by Runbook.run).
EXTRA = {
    "db_status": """aws cloudwatch get-metric-statistics \\
  --namespace AWS/RDS \\
  --metric-name DatabaseConnections \\
  --dimensions Name=DBClusterIdentifier,Value=golden-path-aurora-{env} \\
  --start-time $(date -d '1 hour ago' --iso-8601) \\
  --end-time $(date --iso-8601) \\
  --period 300 \\
  --statistics Maximum,Average""",
    "create_proxy": """aws rds create-db-proxy \\
  --db-proxy-name golden-path-proxy-{env} \\
  --engine-family POSTGRESQL \\
  --auth Description="Proxy authentication",AuthScheme=SECRETS,SecretArn=arn:aws:secretsmanager:region:account:secret:golden-path/db-credentials/{env} \\
  --role-arn arn:aws:iam::{account-id}:role/rds-proxy-role-{env} \\
  --vpc-subnet-ids subnet-{id1} subnet-{id2} \\
  --vpc-security-group-ids sg-{id}""",
}
wu.RUNBOOK.update(EXTRA)


def fetch(ds, fmt):
    with urllib.request.urlopen(ds.endpoint + "/_drill/report?format=" + fmt, timeout=30) as r:
        return r.headers["Content-Type"], r.read().decode()


class LeakReport(unittest.TestCase):
    def setUp(self):
        wu.need_tools(self, "faketime", "jq", "aws")
        self.ds = wu.start_drill("connection-leak")
        self.rb = wu.Runbook(self.ds)

    def tearDown(self):
        self.ds.stop()

    def diagnose(self):
        """The runbook's assessment at +2m: steps 3 (as written: it fails), 4, 5, 6."""
        wu.advance(self.ds, 120)
        p = self.rb.shell(wu.RUNBOOK["db_status"].replace("{env}", "dev"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("InvalidParameterValue", p.stderr)
        self.rb.connection_pattern()
        self.rb.run("task_count")
        self.assertEqual(self.rb.run("failure_mode"), "connection_leak")

    def test_a_full_remediation_scores_at_least_80_and_c_hints(self):
        ds = self.ds
        self.diagnose()
        wu.advance(ds, 60)
        self.rb.run("reset_failure_mode")
        self.rb.run("restart_tasks")
        # the long-term step as written: placeholders instead of ARNs and ids
        p = self.rb.shell(wu.RUNBOOK["create_proxy"].replace("{env}", "dev"))
        self.assertNotEqual(p.returncode, 0, p.stdout)
        wu.advance(ds, 15 * 60)
        r = ds.control("GET", "/_drill/report")
        self.assertEqual(r["scenario"], "connection-leak")
        self.assertTrue(r["rootCauseFixed"], r["rootCause"])
        self.assertGreaterEqual(r["score"], 80, r["scoring"])
        self.assertTrue(r["passed"])
        events = [e["event"] for e in r["timeline"]]
        for ev in ("fault injected", "drill started", "alarm fired", "first diagnostic call",
                   "first remediation", "root cause fixed", "recovery"):
            self.assertIn(ev, events)
        self.assertEqual([e["atMs"] for e in r["timeline"]],
                         sorted(e["atMs"] for e in r["timeline"]))
        self.assertEqual(r["timeToDetectSeconds"], 120)
        self.assertLessEqual(r["timeToMitigateSeconds"], 15 * 60)
        self.assertTrue(all(o["met"] for o in r["objectives"]), r["objectives"])
        # every runbook command used, mapped to its step, with its outcome
        steps = {c["runbookStep"]: c for c in r["commands"] if c["runbookStep"]}
        for step in ("3. Check Database Status (connection count)",
                     "4. Analyze Connection Patterns",
                     "5. Check Application Task Count / monitor the deployment",
                     "6. Check for Connection Leak Failure Mode",
                     "Cause 1. Reset failure mode to normal",
                     "Cause 1 / Immediate 1. Restart ECS Tasks (force new deployment)",
                     "Long-term 1. Implement RDS Proxy"):
            self.assertIn(step, steps)
        self.assertTrue(steps["3. Check Database Status (connection count)"]["outcome"]
                        .startswith("HTTP 400 InvalidParameterValue"))
        self.assertEqual(steps["Cause 1. Reset failure mode to normal"]["outcome"], "ok")
        self.assertNotEqual(steps["Long-term 1. Implement RDS Proxy"]["outcome"], "ok")
        # the runbook's own table: every step, used or not, with its last outcome
        book = {s["step"]: s for s in r["runbook"]}
        self.assertEqual(book["6. Check for Connection Leak Failure Mode"]["used"], 1)
        self.assertEqual(book["6. Check for Connection Leak Failure Mode"]["lastOutcome"], "ok")
        self.assertEqual(book["Cause 2 / Immediate 2. Scale Down Service"]["used"], 0)
        self.assertIsNone(book["Cause 2 / Immediate 2. Scale Down Service"]["lastOutcome"])
        self.assertTrue(book["Long-term 1. Implement RDS Proxy"]["lastOutcome"].startswith("HTTP"))
        # (c) the hints, with their fix
        hints = {h["kind"]: h for h in r["hints"]}
        self.assertEqual(set(hints), {"comma-statistics", "date-only-window",
                                      "placeholder-arns"})
        self.assertIn("--statistics Maximum Average", hints["comma-statistics"]["fix"])
        self.assertIn("--iso-8601=seconds", hints["date-only-window"]["fix"])
        cmds = " ".join(hints["placeholder-arns"]["commands"])
        for needle in ("secretsmanager describe-secret", "iam get-role",
                       "describe-db-subnet-groups", "VpcSecurityGroupId"):
            self.assertIn(needle, cmds)
        # Markdown and HTML say the same
        ctype, md = fetch(ds, "md")
        self.assertTrue(ctype.startswith("text/markdown"), ctype)
        self.assertIn("# Drill report: connection-leak", md)
        self.assertIn("Root cause fixed: **yes**", md)
        self.assertIn("**Score: %d / 100 (passed)**" % r["score"], md)
        self.assertIn("--statistics Maximum Average", md)
        self.assertIn("## Runbook steps", md)
        ctype, html = fetch(ds, "html")
        self.assertTrue(ctype.startswith("text/html"), ctype)
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertIn("<style>", html)
        self.assertIsNone(re.search(r"""(src|href)=|<script|<link|@import|url\(""", html))
        self.assertIn("%d / 100" % r["score"], html)
        self.assertIn("placeholder-arns", html)

    def test_b_restart_only_scores_below_60_and_says_so(self):
        ds = self.ds
        self.diagnose()
        wu.advance(ds, 60)
        self.rb.run("restart_tasks")
        wu.advance(ds, 20 * 60)
        r = ds.control("GET", "/_drill/report")
        self.assertFalse(r["rootCauseFixed"], r["rootCause"])
        self.assertLess(r["score"], 60, r["scoring"])
        self.assertFalse(r["passed"])
        self.assertIn("restart only", r["rootCause"]["summary"])
        self.assertIn("connection_leak", r["rootCause"]["summary"])
        events = [e["event"] for e in r["timeline"]]
        self.assertNotIn("root cause fixed", events)
        # the restart cleared the connections for a while, then the leak brought them back
        self.assertEqual(events.count("recovery"), 1, r["timeline"])
        self.assertLess(events.index("recovery"), events.index("relapse"))
        self.assertIsNone(r["timeToMitigateSeconds"])
        objectives = {o["name"]: o["met"] for o in r["objectives"]}
        self.assertFalse(objectives["root cause removed"])
        _, md = fetch(ds, "md")
        self.assertIn("Root cause fixed: **NO**", md)
        self.assertIn("restart only", md)
        # the report of a stopped scenario says the same
        ds.control("POST", "/_drill/scenario/stop", {})
        stopped = ds.control("GET", "/_drill/report")
        self.assertFalse(stopped["running"])
        self.assertFalse(stopped["rootCauseFixed"])
        self.assertEqual(stopped["score"], r["score"])


class CalmReport(unittest.TestCase):
    """Calm: nothing is wrong. Looking and leaving the service alone scores high; a restart is
    a drastic action that was not needed."""

    def start(self):
        ds = harness.Drillsim(args=["--clock", "manual@" + wu.START]).start()
        ds.control("POST", "/_drill/scenarios/start", {"name": "calm"})
        return ds

    def test_doing_nothing_drastic_scores_high(self):
        ds = self.start()
        try:
            wu.advance(ds, 120)
            ds.client("ecs").describe_services(cluster=wu.ECS_CLUSTER, services=[wu.SERVICE])
            wu.advance(ds, 12 * 60)
            r = ds.control("GET", "/_drill/report")
            self.assertTrue(r["rootCauseFixed"], r["rootCause"])
            self.assertGreaterEqual(r["score"], 90, r)
            self.assertIsNone(r["timeToDetectSeconds"])
        finally:
            ds.stop()

    def test_a_restart_in_calm_is_drastic(self):
        ds = self.start()
        try:
            wu.advance(ds, 120)
            ds.client("ecs").update_service(cluster=wu.ECS_CLUSTER, service=wu.SERVICE,
                                            forceNewDeployment=True)
            wu.advance(ds, 12 * 60)
            r = ds.control("GET", "/_drill/report")
            self.assertFalse(r["rootCauseFixed"])
            self.assertIn("drastic", r["rootCause"]["summary"])
            self.assertLess(r["score"], 60)
        finally:
            ds.stop()

    def test_a_long_journal_reports_its_first_and_newest_calls(self):
        """Past the first 20,000 calls the report reads the newest 1,000 and says how many
        between it skipped; the drill view's latest calls stay current."""
        ds = self.start()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", ds.port, timeout=30)
            auth = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/ssm/"
                    "aws4_request, SignedHeaders=host, Signature=0")

            def call(target, body):
                conn.request("POST", "/", body=body, headers={
                    "X-Amz-Target": "AmazonSSM." + target, "Authorization": auth,
                    "Content-Type": "application/x-amz-json-1.1"})
                r = conn.getresponse()
                r.read()
                return r.status

            for _ in range(21100):
                self.assertEqual(call("DescribeParameters", "{}"), 200)
            self.assertEqual(call("GetParameter", '{"Name": "/the/newest/call"}'), 400)
            conn.close()
            r = ds.control("GET", "/_drill/report")
            self.assertEqual(r["callsSkipped"], 21101 - 20000 - 1000)
            last = r["commands"][-1]
            self.assertEqual((last["operation"], last["count"]), ("GetParameter", 1))
            self.assertIn("ParameterNotFound", last["outcome"])
            with urllib.request.urlopen(ds.endpoint + "/console/drill", timeout=30) as page:
                html = page.read().decode()
            self.assertIn('data-skipped="101"', html)
            self.assertIn("ParameterNotFound", html)
        finally:
            ds.stop()


class OverloadReport(unittest.TestCase):
    """task-overload: the root cause is too many tasks; bringing the desired count down fixes it
    (one of any_of), a forced restart does not."""

    def run_drill(self, **update):
        ds = harness.Drillsim(args=["--clock", "manual@" + wu.START]).start()
        try:
            ds.control("POST", "/_drill/scenarios/start", {"name": "task-overload"})
            wu.advance(ds, 60)
            ecs = ds.client("ecs")
            ecs.describe_services(cluster=wu.ECS_CLUSTER, services=[wu.SERVICE])
            ecs.update_service(cluster=wu.ECS_CLUSTER, service=wu.SERVICE, **update)
            wu.advance(ds, 5 * 60)
            return ds.control("GET", "/_drill/report")
        finally:
            ds.stop()

    def test_scale_down_fixes_it(self):
        r = self.run_drill(desiredCount=2)
        self.assertTrue(r["rootCauseFixed"], r["rootCause"])
        self.assertIn("desired count reduced", r["rootCause"]["checks"][0]["detail"])

    def test_a_restart_does_not(self):
        r = self.run_drill(forceNewDeployment=True)
        self.assertFalse(r["rootCauseFixed"])
        self.assertIn("no RDS Proxy was created", r["rootCause"]["summary"])
        self.assertLessEqual(r["score"], 50)

class NoScenario(unittest.TestCase):
    def test_404_without_a_scenario_and_400_for_a_bad_format(self):
        with harness.Drillsim() as ds:
            for q, code in (("", 404), ("?format=pdf", 400)):
                with self.assertRaises(urllib.error.HTTPError) as cm:
                    ds.control("GET", "/_drill/report" + q)
                self.assertEqual(cm.exception.code, code)


if __name__ == "__main__":
    harness.main()
