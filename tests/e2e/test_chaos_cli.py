"""test_chaos_cli.py - chaos throttling against the real CLIs: the aws CLI v1 (botocore's legacy
retries, 5 attempts) and Debian's CLI v2 (standard retries, 3 attempts) each get through a rule
that throttles ecs:DescribeServices twice, and through the same on CloudWatch (JSON 1.0 from v1,
awsQuery from v2); a rule that always throttles makes them give up with AWS's message after
their last attempt. The journal (GET /_drill/journal) shows the throttled attempts.

boto3 and the other protocols are in test_chaos.py.
"""
import json
import os
import sys
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

TEAMS = {"v1": "111111111111", "v2": "222222222222"}


def request(ds, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(ds.endpoint + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def clis():
    return ["v1", "v2"] if harness.have_cli_v2() else ["v1"]


class ChaosCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim().start()
        for team in TEAMS.values():
            cls.ds.client("ecs", access_key=team).create_cluster(clusterName="prod")

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def setUp(self):
        for team in TEAMS.values():
            request(self.ds, "DELETE", "/_drill/chaos?team=" + team)

    def add(self, team, rule):
        status, out = request(self.ds, "POST", "/_drill/chaos?team=" + team, rule)
        self.assertEqual(status, 200, out)
        return out["id"]

    def rule(self, team, rid):
        out = request(self.ds, "GET", "/_drill/chaos?team=" + team)[1]
        return next(r for r in out["rules"] if r["id"] == rid)

    def test_throttled_twice_then_success(self):
        for which in clis():
            with self.subTest(cli=which):
                team = TEAMS[which]
                since = self.journal_end(team)
                rid = self.add(team, {"service": "ecs", "operation": "DescribeServices",
                                      "times": 2, "error": {"code": "ThrottlingException"}})
                p = self.ds.cli(which, "ecs", "describe-services", "--cluster", "prod",
                                "--services", "web", access_key=team)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(json.loads(p.stdout)["failures"][0]["reason"], "MISSING")
                r = self.rule(team, rid)
                self.assertEqual((r["matched"], r["fired"]), (3, 2))
                entries = self.journal(team, since, "DescribeServices")
                if entries is not None:
                    self.assertEqual([e["error"] for e in entries],
                                     ["ThrottlingException", "ThrottlingException", None])
                    if which == "v1":
                        # botocore numbers its attempts (amz-sdk-request); Debian's v2.9
                        # sends no such header
                        self.assertEqual([e["attempt"] for e in entries], [1, 2, 3])

    def test_cloudwatch_throttled_twice_then_success(self):
        # v1 speaks JSON 1.0 to CloudWatch (code in x-amzn-query-error), v2 awsQuery
        for which in clis():
            with self.subTest(cli=which):
                team = TEAMS[which]
                rid = self.add(team, {"service": "cloudwatch", "operation": "ListMetrics",
                                      "times": 2, "error": {"code": "ThrottlingException"}})
                p = self.ds.cli(which, "cloudwatch", "list-metrics", access_key=team)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(self.rule(team, rid)["fired"], 2)

    def test_always_throttled_gives_up(self):
        for which in clis():
            with self.subTest(cli=which):
                team = TEAMS[which]
                request(self.ds, "DELETE", "/_drill/chaos?team=" + team)
                rid = self.add(team, {"service": "ecs", "operation": "DescribeServices",
                                      "error": {"code": "ThrottlingException"}})
                p = self.ds.cli(which, "ecs", "describe-services", "--cluster", "prod",
                                "--services", "web", access_key=team,
                                env={"AWS_MAX_ATTEMPTS": "3"})
                self.assertEqual(p.returncode, 255 if which == "v1" else 254, p.stderr)
                self.assertIn("An error occurred (ThrottlingException) when calling the "
                              "DescribeServices operation (reached max retries: 2): Rate "
                              "exceeded", p.stderr)
                self.assertEqual(self.rule(team, rid)["matched"], 3)

    # --- the journal, once it is there ---

    def journal_end(self, team):
        status, out = request(self.ds, "GET", "/_drill/journal?team=" + team)
        if status != 200:
            return None
        return max([e["seq"] for e in out["entries"]], default=0)

    def journal(self, team, since, operation):
        """The team's journal entries of operation after seq since; None without a journal."""
        status, out = request(self.ds, "GET", "/_drill/journal?team=" + team)
        if status == 404 and "control endpoint" in out.get("message", ""):
            return None
        self.assertEqual(status, 200, out)
        return [e for e in out["entries"]
                if e["operation"] == operation and e["seq"] > (since or 0)]


if __name__ == "__main__":
    harness.main()
