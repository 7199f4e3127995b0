"""test_journal.py - the audit journal (issue 8): GET /_drill/journal records every AWS API
call of a team with its sim and wall time, service, operation, key parameters (never secrets),
status and error code, the SDK's retry attempt (amz-sdk-request), the client and whether it
mutated the world; JSON and JSON lines; paging; teams never see each other's entries; entries
reach the store without anyone reading them (kill -9 keeps them).
"""
import json
import os
import signal
import tempfile
import time
import unittest
import urllib.request

import botocore.exceptions

import harness

START = "2026-01-01T00:00:00Z"
START_MS = 1767225600000
TEAM_B = "111111111111"


def journal(ds, team=None, query=""):
    path = "/_drill/journal?" + ("team=%s&" % team if team else "") + query
    return ds.control("GET", path)


def jsonl(ds, query=""):
    with urllib.request.urlopen(ds.endpoint + "/_drill/journal?format=jsonl" + query,
                                timeout=10) as r:
        ctype = r.headers["Content-Type"]
        return ctype, [json.loads(line) for line in r.read().decode().splitlines()]


class Journal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--clock", "manual@" + START]).start()

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def setUp(self):
        self.ds.control("POST", "/_drill/reset", {})
        self.ds.control("POST", "/_drill/reset?team=" + TEAM_B, {})

    def test_calls_outcomes_and_mutations(self):
        ds = self.ds
        ssm = ds.client("ssm")
        ssm.put_parameter(Name="/j/a", Value="one", Type="String")
        ds.control("POST", "/_drill/clock/advance", {"seconds": 90})
        with self.assertRaises(botocore.exceptions.ClientError):
            ssm.put_parameter(Name="/j/a", Value="two", Type="String")  # no Overwrite
        ssm.get_parameter(Name="/j/a")
        # a browser's unsigned GET that no service claims is not an API call
        status, _, _ = ds.raw("/favicon.ico", method="GET")
        self.assertEqual(status, 400)
        with self.assertRaises(botocore.exceptions.ClientError):
            ssm.get_parameter(Name="/j/missing")
        es = journal(ds)["entries"]
        self.assertEqual([(e["service"], e["operation"]) for e in es],
                         [("ssm", "PutParameter")] * 2 + [("ssm", "GetParameter")] * 2)
        put, dup, get, missing = es
        self.assertEqual(put["params"], {"Name": "/j/a", "Value": "one", "Type": "String"})
        self.assertEqual((put["status"], put["error"], put["mutated"]), (200, None, True))
        self.assertEqual((dup["status"], dup["error"], dup["mutated"]),
                         (400, "ParameterAlreadyExists", False))
        self.assertEqual((get["mutated"], get["error"]), (False, None))
        self.assertEqual((missing["status"], missing["error"]), (400, "ParameterNotFound"))
        # sim time (the manual clock) and wall time
        self.assertEqual(put["simMs"], START_MS)
        self.assertEqual(put["sim"], "2026-01-01T00:00:00Z")
        self.assertEqual(dup["simMs"], START_MS + 90000)
        now = time.time() * 1000
        self.assertLess(abs(put["wallMs"] - now), 120000)
        for e in es:
            self.assertEqual((e["team"], e["region"], e["attempt"]),
                             ("000000000000", "us-east-1", 1))
            self.assertTrue(e["client"].startswith("Boto3/"), e["client"])
        self.assertEqual([e["seq"] for e in es], sorted(e["seq"] for e in es))

    def test_secrets_are_never_journaled_and_strings_are_cut(self):
        ds = self.ds
        ds.client("secretsmanager").create_secret(Name="j-secret",
                                                  SecretString="hunter2-very-secret")
        ds.client("ssm").put_parameter(Name="/j/long", Value="x" * 1000, Type="String")
        text = json.dumps(journal(ds))
        self.assertNotIn("hunter2", text)
        es = journal(ds)["entries"]
        self.assertEqual(es[0]["params"]["Name"], "j-secret")
        self.assertNotIn("SecretString", es[0]["params"])
        self.assertEqual(es[1]["params"]["Value"], "x" * 200)

    def test_retry_attempt_from_amz_sdk_request(self):
        ds = self.ds
        body = json.dumps({"Name": "/j/none"}).encode()
        for attempt in (1, 2, 3):
            hdr = {"X-Amz-Target": "AmazonSSM.GetParameter",
                   "Content-Type": "application/x-amz-json-1.1",
                   "User-Agent": "probe/1.0 extra",
                   "amz-sdk-request": "attempt=%d; max=5" % attempt}
            status, _, _ = ds.raw("/", body, hdr)
            self.assertEqual(status, 400)
        es = journal(ds)["entries"]
        self.assertEqual([e["attempt"] for e in es], [1, 2, 3])
        self.assertEqual({e["client"] for e in es}, {"probe/1.0"})

    def test_clients_cli_v1_and_v2(self):
        ds = self.ds
        p = ds.cli("v1", "ssm", "get-parameters-by-path", "--path", "/")
        self.assertEqual(p.returncode, 0, p.stderr)
        clients = [journal(ds)["entries"][-1]["client"]]
        if harness.have_cli_v2():
            p = ds.cli("v2", "ssm", "get-parameters-by-path", "--path", "/")
            self.assertEqual(p.returncode, 0, p.stderr)
            clients.append(journal(ds)["entries"][-1]["client"])
        self.assertTrue(clients[0].startswith("aws-cli/1."), clients)
        if len(clients) > 1:
            self.assertTrue(clients[1].startswith("aws-cli/2."), clients)

    def test_jsonl_paging_and_since(self):
        ds = self.ds
        ssm = ds.client("ssm")
        for i in range(5):
            ssm.put_parameter(Name="/j/p%d" % i, Value="v", Type="String")
            ds.control("POST", "/_drill/clock/advance", {"seconds": 60})
        ctype, lines = jsonl(ds)
        self.assertTrue(ctype.startswith("text/plain"), ctype)
        self.assertEqual([e["params"]["Name"] for e in lines], ["/j/p%d" % i for i in range(5)])
        self.assertEqual(lines, journal(ds)["entries"])
        page = journal(ds, query="limit=2")
        self.assertEqual(len(page["entries"]), 2)
        self.assertIsNotNone(page["next"])
        rest = journal(ds, query="after=%d" % page["next"])
        self.assertEqual([e["params"]["Name"] for e in rest["entries"]],
                         ["/j/p2", "/j/p3", "/j/p4"])
        self.assertIsNone(rest["next"])
        since = journal(ds, query="since=%d" % (START_MS + 180000))["entries"]
        self.assertEqual([e["params"]["Name"] for e in since], ["/j/p3", "/j/p4"])
        for bad in ("limit=0", "limit=x", "since=-1", "format=xml"):
            with self.assertRaises(urllib.error.HTTPError) as cm:
                journal(ds, query=bad)
            self.assertEqual(cm.exception.code, 400, bad)

    def test_teams_never_see_each_other(self):
        ds = self.ds
        ds.client("ssm").put_parameter(Name="/j/a-only", Value="v", Type="String")
        ds.client("ssm", access_key=TEAM_B).put_parameter(Name="/j/b-only", Value="v",
                                                          Type="String")
        a = journal(ds)["entries"]
        b = journal(ds, team=TEAM_B)["entries"]
        self.assertEqual([e["params"]["Name"] for e in a], ["/j/a-only"])
        self.assertEqual([e["params"]["Name"] for e in b], ["/j/b-only"])
        self.assertEqual({e["team"] for e in b}, {TEAM_B})
        # a reset of one team empties its journal only
        ds.control("POST", "/_drill/reset?team=" + TEAM_B, {})
        self.assertEqual(journal(ds, team=TEAM_B)["entries"], [])
        self.assertEqual(len(journal(ds)["entries"]), 1)


class JournalDurable(unittest.TestCase):
    def test_entries_reach_the_store_without_a_reader(self):
        """The loop writes the buffer after the turn: kill -9 after the calls, no journal read
        in between, and the entries are there after a restart."""
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "j.db")
            ds = harness.Drillsim(data=path, args=["--clock", "manual@" + START]).start()
            try:
                ssm = ds.client("ssm")
                for i in range(20):
                    ssm.put_parameter(Name="/d/%d" % i, Value="v", Type="String")
                time.sleep(0.2)
            finally:
                ds.stop(signal.SIGKILL)
            ds = harness.Drillsim(data=path, args=["--clock", "manual@" + START]).start()
            try:
                es = journal(ds)["entries"]
                self.assertEqual([e["params"]["Name"] for e in es],
                                 ["/d/%d" % i for i in range(20)])
            finally:
                ds.stop()


if __name__ == "__main__":
    harness.main()
