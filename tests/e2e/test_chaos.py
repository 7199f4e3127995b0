"""test_chaos.py - API chaos rules with boto3: the control API (/_drill/chaos), LocalStack's
Chaos API format (/_localstack/chaos/faults and /effects, also under /_drill/chaos/), rules
per team, counting ("after N pass, fail the next M"), errors in each protocol parsed by
botocore as the right exception, throttling retried by botocore's default retry config, and
added latency that holds one reply without blocking other requests.

The CLIs (v1 and v2) retrying a throttled call are in test_chaos_cli.py.
"""
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

import boto3  # noqa: E402
import botocore.config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

TEAM1 = "111111111111"
TEAM2 = "222222222222"
DEFAULT_TEAM = "000000000000"  # the account of a non-numeric access key (LocalStack's too)


def request(ds, method, path, body=None):
    """Sends a control call; returns (status, parsed JSON body)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(ds.endpoint + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def default_retry_client(ds, service, access_key, protocol=None):
    """A boto3 client with botocore's default retry configuration (not the harness's
    max_attempts=1)."""
    if protocol:
        harness.force_protocol(protocol)
    try:
        return boto3.client(service, endpoint_url=ds.endpoint, region_name="us-east-1",
                            aws_access_key_id=access_key, aws_secret_access_key=harness.SECRET,
                            config=botocore.config.Config())
    finally:
        if protocol:
            harness.unforce_protocol()


def one_attempt_client(ds, service, access_key=harness.DEFAULT_KEY, protocol=None,
                       region="us-east-1"):
    """A boto3 client that makes exactly one attempt per call (the harness's client retries
    once: botocore's max_attempts counts retries)."""
    if protocol:
        harness.force_protocol(protocol)
    try:
        return boto3.client(service, endpoint_url=ds.endpoint, region_name=region,
                            aws_access_key_id=access_key, aws_secret_access_key=harness.SECRET,
                            config=botocore.config.Config(
                                retries={"total_max_attempts": 1, "mode": "standard"}))
    finally:
        if protocol:
            harness.unforce_protocol()


def rule_by_id(ds, team, rid):
    status, out = request(ds, "GET", "/_drill/chaos?team=" + team)
    assert status == 200, out
    for r in out["rules"]:
        if r["id"] == rid:
            return r
    raise AssertionError("no rule %s in %s" % (rid, out))


def journal_calls(ds, team, operation, after=0):
    """The journal entries of operation for team with seq > after, or None while the journal
    is not built."""
    status, out = request(ds, "GET", "/_drill/journal?team=" + team)
    if status == 404 and out.get("error") == "NotFound" and "control endpoint" in out.get(
            "message", ""):
        return None
    assert status == 200, out
    return [e for e in out["entries"] if e["operation"] == operation and e["seq"] > after]


def journal_end(ds, team):
    """The last seq of team's journal (0 when empty or not built)."""
    status, out = request(ds, "GET", "/_drill/journal?team=" + team)
    if status != 200:
        return 0
    return max([e["seq"] for e in out["entries"]], default=0)


class Chaos(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim().start()
        for key in (TEAM1, TEAM2, harness.DEFAULT_KEY):
            cls.ds.client("ecs", access_key=key).create_cluster(clusterName="prod")

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def setUp(self):
        for team in (TEAM1, TEAM2, DEFAULT_TEAM):
            status, _ = request(self.ds, "DELETE", "/_drill/chaos?team=" + team)
            self.assertEqual(status, 200)
        request(self.ds, "POST", "/_localstack/chaos/effects", {"latency": 0})

    def add(self, team, rule):
        status, out = request(self.ds, "POST", "/_drill/chaos?team=" + team, rule)
        self.assertEqual(status, 200, out)
        self.assertIsInstance(out["id"], int)
        return out

    # --- done means 3: boto3's default retries get through a throttle ---

    def test_throttle_twice_boto3_retries(self):
        since = journal_end(self.ds, TEAM1)
        rule = self.add(TEAM1, {"service": "ecs", "operation": "DescribeServices", "times": 2,
                                "error": {"code": "ThrottlingException", "status": 400}})
        self.assertEqual(rule["times"], 2)
        self.assertFalse(rule["spent"])
        ecs = default_retry_client(self.ds, "ecs", TEAM1)
        t0 = time.time()
        out = ecs.describe_services(cluster="prod", services=["web"])
        self.assertEqual(out["failures"][0]["reason"], "MISSING")
        # two throttles, then the third attempt passed
        self.assertEqual(out["ResponseMetadata"]["RetryAttempts"], 2)
        self.assertLess(time.time() - t0, 15)
        r = rule_by_id(self.ds, TEAM1, rule["id"])
        self.assertEqual((r["matched"], r["fired"], r["spent"]), (3, 2, True))
        # the next call is not touched
        ecs.describe_services(cluster="prod", services=["web"])
        self.assertEqual(rule_by_id(self.ds, TEAM1, rule["id"])["fired"], 2)
        calls = journal_calls(self.ds, TEAM1, "DescribeServices", since)
        if calls is not None:
            self.assertEqual(len(calls), 4)
            first = calls[:3]
            self.assertEqual([e["attempt"] for e in first], [1, 2, 3])
            self.assertEqual([e["error"] for e in first],
                             ["ThrottlingException", "ThrottlingException", None])
            self.assertEqual([e["status"] for e in first], [400, 400, 200])

    def test_after_and_times(self):
        self.add(TEAM1, {"service": "ecs", "operation": "ListClusters", "after": 1, "times": 2,
                         "error": {"code": "ServiceUnavailable", "status": 503,
                                   "message": "chaos says no"}})
        ecs = one_attempt_client(self.ds, "ecs", TEAM1)
        ecs.list_clusters()
        for _ in range(2):
            with self.assertRaises(ClientError) as cm:
                ecs.list_clusters()
            err = cm.exception.response
            self.assertEqual(err["Error"]["Code"], "ServiceUnavailable")
            self.assertEqual(err["Error"]["Message"], "chaos says no")
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 503)
        ecs.list_clusters()
        ecs.describe_clusters(clusters=["prod"])  # another operation: never matched

    def test_probability_is_seeded(self):
        rule = self.add(TEAM1, {"service": "ecs", "operation": "ListClusters",
                                "probability": 0.5, "error": {"code": "InternalFailure",
                                                              "status": 500}})
        ecs = one_attempt_client(self.ds, "ecs", TEAM1)
        outcomes = []
        for _ in range(40):
            try:
                ecs.list_clusters()
                outcomes.append(0)
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "InternalFailure")
                outcomes.append(1)
        self.assertTrue(8 <= sum(outcomes) <= 32, outcomes)
        r = rule_by_id(self.ds, TEAM1, rule["id"])
        self.assertEqual(r["matched"], 40)
        self.assertEqual(r["fired"], sum(outcomes))
        # the same rule (same id, same team seed) gives the same sequence again
        request(self.ds, "DELETE", "/_drill/chaos?team=" + TEAM1)
        again = self.add(TEAM1, {"service": "ecs", "operation": "ListClusters",
                                 "probability": 0.5, "error": {"code": "InternalFailure",
                                                               "status": 500}})
        self.assertEqual(again["id"], rule["id"])
        replay = []
        for _ in range(40):
            try:
                ecs.list_clusters()
                replay.append(0)
            except ClientError:
                replay.append(1)
        self.assertEqual(replay, outcomes)

    # --- errors in each protocol, parsed as the right exception ---

    def test_errors_each_protocol(self):
        throttle = {"times": 1, "error": {"code": "ThrottlingException"}}
        cases = [
            # (service, protocol, call, expected code)
            ("ecs", None, lambda c: c.list_clusters(), "ThrottlingException"),
            ("ssm", None, lambda c: c.describe_parameters(), "ThrottlingException"),
            ("rds", None, lambda c: c.describe_db_clusters(), "Throttling"),
            ("sts", None, lambda c: c.get_caller_identity(), "Throttling"),
            ("cloudwatch", "query", lambda c: c.list_metrics(), "Throttling"),
            ("cloudwatch", "json", lambda c: c.list_metrics(), "Throttling"),
            ("cloudwatch", "smithy-rpc-v2-cbor", lambda c: c.list_metrics(), "Throttling"),
        ]
        for service, protocol, call, code in cases:
            with self.subTest(service=service, protocol=protocol):
                request(self.ds, "DELETE", "/_drill/chaos?team=" + TEAM1)
                self.add(TEAM1, dict(throttle, service=service))
                client = one_attempt_client(self.ds, service, TEAM1, protocol)
                with self.assertRaises(ClientError) as cm:
                    call(client)
                err = cm.exception.response
                self.assertEqual(err["Error"]["Code"], code)
                self.assertEqual(err["Error"]["Message"], "Rate exceeded")
                self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
                call(client)  # spent: the next call goes through

    def test_modeled_errors_are_their_exceptions(self):
        self.add(TEAM1, {"service": "ecs", "operation": "DescribeServices", "times": 1,
                         "error": {"code": "ClusterNotFoundException",
                                   "message": "Cluster not found."}})
        ecs = one_attempt_client(self.ds, "ecs", TEAM1)
        with self.assertRaises(ecs.exceptions.ClusterNotFoundException):
            ecs.describe_services(cluster="prod", services=["web"])
        self.add(TEAM1, {"service": "rds", "times": 1,
                         "error": {"code": "DBClusterNotFoundFault", "status": 404}})
        rds = one_attempt_client(self.ds, "rds", TEAM1)
        with self.assertRaises(rds.exceptions.DBClusterNotFoundFault) as cm:
            rds.describe_db_clusters(DBClusterIdentifier="x")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.add(TEAM1, {"service": "ssm", "times": 1,
                         "error": {"code": "ParameterNotFound", "message": "nope"}})
        ssm = one_attempt_client(self.ds, "ssm", TEAM1, "json")
        with self.assertRaises(ssm.exceptions.ParameterNotFound):
            ssm.get_parameter(Name="/x")

    # --- latency: the matched reply is held, others answer at once ---

    def test_latency_does_not_block_others(self):
        self.add(TEAM1, {"service": "ssm", "operation": "DescribeParameters",
                         "latencyMs": 1500})
        slow = one_attempt_client(self.ds, "ssm", TEAM1)
        fast = one_attempt_client(self.ds, "ecs", TEAM1)
        done = {}

        def slow_call():
            t0 = time.time()
            slow.describe_parameters()
            done["slow"] = (t0, time.time())

        th = threading.Thread(target=slow_call)
        th.start()
        time.sleep(0.3)
        t0 = time.time()
        fast.list_clusters()
        status, _ = request(self.ds, "GET", "/_drill/chaos?team=" + TEAM1)
        fast_end = time.time()
        self.assertEqual(status, 200)
        th.join(10)
        self.assertIn("slow", done)
        s0, s1 = done["slow"]
        self.assertGreaterEqual(s1 - s0, 1.45)
        self.assertLess(s1 - s0, 4.0)
        self.assertLess(fast_end - t0, 0.5)  # answered while the slow reply was held
        self.assertLess(fast_end, s1)

    def test_latency_and_error(self):
        self.add(TEAM1, {"service": "ecs", "operation": "ListClusters", "times": 1,
                         "latencyMs": 700, "error": {"code": "ThrottlingException"}})
        ecs = one_attempt_client(self.ds, "ecs", TEAM1)
        t0 = time.time()
        with self.assertRaises(ClientError) as cm:
            ecs.list_clusters()
        self.assertGreaterEqual(time.time() - t0, 0.65)
        self.assertEqual(cm.exception.response["Error"]["Code"], "ThrottlingException")

    # --- per team, the control API ---

    def test_rules_are_per_team(self):
        self.add(TEAM1, {"service": "ecs", "error": {"code": "AccessDeniedException"}})
        with self.assertRaises(ClientError):
            one_attempt_client(self.ds, "ecs", TEAM1).list_clusters()
        one_attempt_client(self.ds, "ecs", TEAM2).list_clusters()
        one_attempt_client(self.ds, "ecs").list_clusters()
        status, out = request(self.ds, "GET", "/_drill/chaos?team=" + TEAM2)
        self.assertEqual((status, out), (200, {"rules": []}))
        status, out = request(self.ds, "GET", "/_drill/chaos?team=" + TEAM1)
        self.assertEqual(len(out["rules"]), 1)
        self.assertEqual(out["rules"][0]["matched"], 1)

    def test_control_api(self):
        a = self.add(TEAM1, {"service": "ecs", "latencyMs": 10})
        b = self.add(TEAM1, {"region": "eu-west-1", "error": {"code": "Throttling"}})
        self.assertEqual(b["id"], a["id"] + 1)
        self.assertEqual(b["source"], "api")
        self.assertEqual(b["probability"], 1)
        self.assertNotIn("times", b)
        status, out = request(self.ds, "DELETE", "/_drill/chaos?team=%s&id=%d" % (TEAM1,
                                                                                  a["id"]))
        self.assertEqual((status, out), (200, {"deleted": 1}))
        status, out = request(self.ds, "DELETE", "/_drill/chaos?team=%s&id=%d" % (TEAM1,
                                                                                  a["id"]))
        self.assertEqual((status, out), (200, {"deleted": 0}))
        status, out = request(self.ds, "GET", "/_drill/chaos?team=" + TEAM1)
        self.assertEqual([r["id"] for r in out["rules"]], [b["id"]])
        status, out = request(self.ds, "DELETE", "/_drill/chaos?team=" + TEAM1)
        self.assertEqual((status, out), (200, {"deleted": 1}))
        bad = [
            ({"service": "ecs"}, "effect"),
            ({"latencyMs": 5, "servcie": "ecs"}, "servcie"),
            ({"probability": 2, "latencyMs": 5}, "probability"),
            ({"error": {"code": "X\r\nY: z"}}, "code"),
            ({"latencyMs": 10 ** 9}, "latencyMs"),
        ]
        for body, why in bad:
            status, out = request(self.ds, "POST", "/_drill/chaos?team=" + TEAM1, body)
            self.assertEqual(status, 400, body)
            self.assertEqual(out["error"], "BadRequest")
            self.assertIn(why, out["message"])
        status, out = request(self.ds, "DELETE", "/_drill/chaos?team=%s&id=x" % TEAM1)
        self.assertEqual(status, 400)
        status, out = request(self.ds, "PUT", "/_drill/chaos?team=" + TEAM1, {})
        self.assertEqual(status, 405)
        status, out = request(self.ds, "GET", "/_drill/chaos?team=12")
        self.assertEqual(status, 400)

    def test_reset_deletes_rules(self):
        self.add(TEAM2, {"service": "ecs", "latencyMs": 10})
        status, _ = request(self.ds, "POST", "/_drill/reset?team=" + TEAM2, {})
        self.assertEqual(status, 200)
        status, out = request(self.ds, "GET", "/_drill/chaos?team=" + TEAM2)
        self.assertEqual(out["rules"], [])
        self.ds.client("ecs", access_key=TEAM2).create_cluster(clusterName="prod")

    # --- done means 7: LocalStack's Chaos API format ---

    def test_localstack_faults(self):
        for base in ("/_localstack/chaos/faults", "/_drill/chaos/faults"):
            with self.subTest(base=base):
                one = {"service": "ecs", "operation": "ListClusters",
                       "error": {"statusCode": 503, "code": "ServiceUnavailable"}}
                status, out = request(self.ds, "POST", base, [one])
                self.assertEqual((status, out), (200, [one]))
                ecs = one_attempt_client(self.ds, "ecs")
                with self.assertRaises(ClientError) as cm:
                    ecs.list_clusters()
                err = cm.exception.response
                self.assertEqual(err["Error"]["Code"], "ServiceUnavailable")
                self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 503)
                ecs.describe_clusters(clusters=["prod"])
                # PATCH appends; a rule without error fails with 503 ServiceUnavailable
                two = {"service": "ssm", "region": "us-east-1", "probability": 1}
                status, out = request(self.ds, "PATCH", base, [two])
                self.assertEqual((status, out), (200, [one, two]))
                with self.assertRaises(ClientError) as cm:
                    one_attempt_client(self.ds, "ssm").describe_parameters()
                self.assertEqual(cm.exception.response["Error"]["Code"], "ServiceUnavailable")
                one_attempt_client(self.ds, "ssm", region="eu-west-1").describe_parameters()
                # the rules show in drillsim's own list too
                status, mine = request(self.ds, "GET", "/_drill/chaos")
                self.assertEqual([r["source"] for r in mine["rules"]],
                                 ["localstack", "localstack"])
                # DELETE removes the rules given, by value
                status, out = request(self.ds, "DELETE", base, [one])
                self.assertEqual((status, out), (200, [two]))
                ecs.list_clusters()
                status, out = request(self.ds, "GET", base)
                self.assertEqual((status, out), (200, [two]))
                # POST replaces the whole list
                status, out = request(self.ds, "POST", base, [])
                self.assertEqual((status, out), (200, []))
                one_attempt_client(self.ds, "ssm").describe_parameters()
        # throttling in LocalStack's format is retried like any other throttle
        status, out = request(self.ds, "POST", "/_localstack/chaos/faults",
                              [{"service": "ecs", "operation": "DescribeServices",
                                "error": {"statusCode": 400, "code": "ThrottlingException"},
                                "probability": 0.5}])
        self.assertEqual(status, 200)
        ecs = default_retry_client(self.ds, "ecs", harness.DEFAULT_KEY)
        for _ in range(5):
            ecs.describe_services(cluster="prod", services=["web"])
        request(self.ds, "POST", "/_localstack/chaos/faults", [])
        status, out = request(self.ds, "POST", "/_localstack/chaos/faults", {"service": "ecs"})
        self.assertEqual(status, 400)
        status, out = request(self.ds, "POST", "/_localstack/chaos/faults",
                              [{"service": "ecs", "probability": 3}])
        self.assertEqual(status, 400)

    def test_localstack_effects(self):
        status, out = request(self.ds, "POST", "/_localstack/chaos/effects", {"latency": 600})
        self.assertEqual((status, out), (200, {"latency": 600}))
        self.assertEqual(request(self.ds, "GET", "/_drill/chaos/effects")[1], {"latency": 600})
        t0 = time.time()
        one_attempt_client(self.ds, "ecs").list_clusters()
        self.assertGreaterEqual(time.time() - t0, 0.55)
        status, out = request(self.ds, "POST", "/_localstack/chaos/effects", {"latency": 0})
        self.assertEqual((status, out), (200, {"latency": 0}))
        t0 = time.time()
        one_attempt_client(self.ds, "ecs").list_clusters()
        self.assertLess(time.time() - t0, 0.5)


class ChaosShutdown(unittest.TestCase):
    """A reply held by a latency rule does not keep the server from stopping cleanly (exit 0,
    and no leak under AddressSanitizer): the suspended connection is resumed and closed."""

    def test_stop_while_held(self):
        ds = harness.Drillsim().start()
        try:
            status, _ = request(ds, "POST", "/_drill/chaos", {"latencyMs": 20000})
            self.assertEqual(status, 200)
            outcome = {}

            def held():
                try:
                    one_attempt_client(ds, "ecs").list_clusters()
                    outcome["ok"] = True
                except Exception as e:  # the server closes the held connection
                    outcome["error"] = e

            th = threading.Thread(target=held)
            th.start()
            time.sleep(0.5)
            self.assertEqual(outcome, {})
            t0 = time.time()
        finally:
            ds.stop()  # raises unless drillsim exits 0 on SIGTERM
        th.join(30)
        self.assertLess(time.time() - t0, 10)
        self.assertIn("error", outcome)


class ChaosScenario(unittest.TestCase):
    """A scenario's timeline adds a rule ("do": "chaos") at its instant."""

    def test_timeline_chaos_action(self):
        share = tempfile.mkdtemp(prefix="drillsim-chaos-")
        try:
            os.symlink(os.path.join(harness.ROOT, "fixtures"), os.path.join(share, "fixtures"))
            os.mkdir(os.path.join(share, "scenarios"))
            with open(os.path.join(harness.ROOT, "scenarios", "calm.json")) as f:
                doc = json.load(f)
            doc["name"] = "calm-chaos"
            doc["timeline"] = [{"at": "+2m", "do": "chaos",
                                "rule": {"service": "ecs", "operation": "ListClusters",
                                         "times": 1, "error": {"code": "ThrottlingException"}}}]
            with open(os.path.join(share, "scenarios", "calm-chaos.json"), "w") as f:
                json.dump(doc, f)
            bad = dict(doc, name="bad-chaos",
                       timeline=[{"at": "+1m", "do": "chaos", "rule": {"service": "ecs"}}])
            with open(os.path.join(share, "scenarios", "bad-chaos.json"), "w") as f:
                json.dump(bad, f)
            with harness.Drillsim(args=["--share", share, "--clock",
                                        "manual@2026-01-01T00:00:00Z"]) as ds:
                status, out = request(ds, "POST", "/_drill/scenarios/start?team=" + TEAM1,
                                      {"name": "bad-chaos", "preroll": "1m"})
                self.assertEqual(status, 400, out)
                self.assertIn("timeline[0].rule", out["message"])
                status, out = request(ds, "POST", "/_drill/scenarios/start?team=" + TEAM1,
                                      {"name": "calm-chaos", "preroll": "1m"})
                self.assertEqual(status, 200, out)
                ecs = one_attempt_client(ds, "ecs", TEAM1)
                ecs.list_clusters()
                self.assertEqual(request(ds, "GET", "/_drill/chaos?team=" + TEAM1)[1],
                                 {"rules": []})
                status, _ = request(ds, "POST", "/_drill/clock/advance?team=" + TEAM1,
                                    {"seconds": 150})
                self.assertEqual(status, 200)
                rules = request(ds, "GET", "/_drill/chaos?team=" + TEAM1)[1]["rules"]
                self.assertEqual(len(rules), 1)
                self.assertEqual(rules[0]["source"], "scenario")
                with self.assertRaises(ClientError) as cm:
                    ecs.list_clusters()
                self.assertEqual(cm.exception.response["Error"]["Code"], "ThrottlingException")
                ecs.list_clusters()
        finally:
            shutil.rmtree(share)


if __name__ == "__main__":
    harness.main()
