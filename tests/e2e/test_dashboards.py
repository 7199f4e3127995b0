#!/usr/bin/env python3
"""CloudWatch dashboards (PutDashboard, GetDashboard, ListDashboards, DeleteDashboards).

The same cases run through boto3 in all three CloudWatch protocols: botocore's default
(awsJson 1.0), forced to smithy RPC v2 CBOR and forced to awsQuery; each protocol class works
in its own account (dashboards are global per account) and first checks that its client
really sends that protocol. RawHttp checks the awsJson error wire (x-amzn-query-error, the
status rule of aws-wire-protocols.md 3.3). Cli runs what only a CLI proves: the printed error
line and exit status of `get-dashboard --dashboard-name nope` with CLI v1 and the Debian CLI
v2, and a put/get round trip with each.

The server runs on a manual clock, so LastModified is exact sim time. The body validator's
rules are unit-tested in tests/unit/services/dashboards.c; here each kind of failure is
checked once per protocol, with AWS's full message.
"""
import datetime
import json
import unittest

import harness

START = "2026-01-01T00:00:00Z"
START_S = 1767225600
DS = None
PAGED_ACCOUNT = "555555555559"  # holds 1001 dashboards, listed by every protocol


def setUpModule():
    global DS
    DS = harness.Drillsim(args=["--clock", "manual@" + START]).start()
    cw = DS.client("cloudwatch", access_key=PAGED_ACCOUNT)
    for i in range(1001):
        cw.put_dashboard(DashboardName="page-%04d" % i, DashboardBody='{"widgets":[]}')


def tearDownModule():
    harness.unforce_protocol()
    DS.stop()


def dumps(doc):
    return json.dumps(doc, separators=(",", ":"))


METRIC_WIDGET = {
    "type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
    "properties": {
        "metrics": [["AWS/RDS", "DatabaseConnections", "DBClusterIdentifier", "prod"],
                    [".", "CPUUtilization", ".", ".", {"stat": "p99", "color": "#d62728"}]],
        "view": "timeSeries", "stacked": False, "region": "us-east-1", "period": 60,
        "title": "DB <connections> & CPU",
        "annotations": {"horizontal": [{"value": 80, "label": "max \"80\""}]},
    },
}
TEXT_WIDGET = {"type": "text", "x": 12, "y": 0, "width": 12, "height": 3,
               "properties": {"markdown": "# Runbook\n\u00e9t\u00e9 \u2713 `aws rds ...`"}}
# Indented, with non-ASCII text and characters XML must escape: returned byte for byte.
BODY = json.dumps({"start": "-PT3H", "widgets": [METRIC_WIDGET, TEXT_WIDGET]}, indent=2,
                  ensure_ascii=False)

NOT_OBJECT = "The field DashboardBody must be a valid JSON object"
NO_WIDGETS = ("The dashboard body is invalid, there are 1 validation errors:\n[\n  {\n"
              "    \"dataPath\": \"\",\n"
              "    \"message\": \"Should have required property 'widgets'\"\n  }\n]")
BAD_NAME = ("The value for field DashboardName contains invalid characters. It can only "
            "contain alphanumerics, dash (-) and underscore (_).\n")


class Sent:
    """Records the content type of what a client sends (botocore's before-send event)."""

    def __init__(self, client):
        self.content_types = []
        client.meta.events.register("before-send.cloudwatch.*", self._hook)

    def _hook(self, request, **kwargs):
        ct = request.headers.get("Content-Type", b"")
        self.content_types.append(ct.decode() if isinstance(ct, bytes) else ct)


class Cases:
    """The cases, run once per protocol by the TestCase classes below."""

    protocol = None       # what to force botocore to (None: its default, json)
    content_type = None   # what that protocol's requests carry
    account = None        # this protocol's account

    def client(self, account=None, region="us-east-1"):
        c = DS.client("cloudwatch", access_key=account or self.account, region=region,
                      protocol=self.protocol)
        harness.unforce_protocol()
        return c

    def setUp(self):
        self.cw = self.client()
        self.sent = Sent(self.cw)
        names = [e["DashboardName"] for e in self.list_all()]
        if names:
            self.cw.delete_dashboards(DashboardNames=names)

    def list_all(self, client=None, **kw):
        pages = (client or self.cw).get_paginator("list_dashboards").paginate(**kw)
        return [e for p in pages for e in p["DashboardEntries"]]

    def error(self, op, **kw):
        """Calls op expecting an error; returns (code, message, HTTP status)."""
        with self.assertRaises(self.cw.exceptions.ClientError) as cm:
            getattr(self.cw, op)(**kw)
        r = cm.exception.response
        return r["Error"]["Code"], r["Error"].get("Message"), r["ResponseMetadata"][
            "HTTPStatusCode"]

    def arn(self, name):
        return "arn:aws:cloudwatch::%s:dashboard/%s" % (self.account, name)

    def test_protocol_on_the_wire(self):
        self.cw.list_dashboards()
        self.assertIn(self.content_type, self.sent.content_types[-1])

    def test_put_get_round_trip(self):
        r = self.cw.put_dashboard(DashboardName="db-Main_1", DashboardBody=BODY)
        self.assertEqual(r["DashboardValidationMessages"], [])
        r = self.cw.get_dashboard(DashboardName="db-Main_1")
        self.assertEqual(r["DashboardBody"], BODY)
        self.assertEqual(r["DashboardName"], "db-Main_1")
        self.assertEqual(r["DashboardArn"], self.arn("db-Main_1"))
        # The longest name there can be.
        long_name = "n" * 255
        self.cw.put_dashboard(DashboardName=long_name, DashboardBody='{"widgets":[]}')
        self.assertEqual(self.cw.get_dashboard(DashboardName=long_name)["DashboardBody"],
                         '{"widgets":[]}')

    def test_put_replaces_and_lists(self):
        self.cw.put_dashboard(DashboardName="ops", DashboardBody='{"widgets":[]}')
        self.cw.put_dashboard(DashboardName="app", DashboardBody=BODY)
        DS.control("POST", "/_drill/clock/advance?team=%s" % self.account, {"seconds": 90})
        now = self.cw_now()
        self.cw.put_dashboard(DashboardName="ops", DashboardBody=dumps(
            {"widgets": [TEXT_WIDGET]}))
        entries = self.cw.list_dashboards()["DashboardEntries"]
        self.assertEqual([e["DashboardName"] for e in entries], ["app", "ops"])
        app, ops = entries
        self.assertEqual(app["DashboardArn"], self.arn("app"))
        self.assertEqual(app["Size"], len(BODY.encode()))
        self.assertEqual(ops["Size"], len(dumps({"widgets": [TEXT_WIDGET]}).encode()))
        self.assertEqual(ops["LastModified"].timestamp(), now)
        self.assertLess(app["LastModified"].timestamp(), now)
        self.assertEqual(self.cw.get_dashboard(DashboardName="ops")["DashboardBody"],
                         dumps({"widgets": [TEXT_WIDGET]}))
        self.assertNotIn("NextToken", self.cw.list_dashboards())

    def cw_now(self):
        clock = DS.control("GET", "/_drill/clock?team=%s" % self.account)
        return clock["nowMs"] / 1000

    def test_put_warnings(self):
        body = dumps({"widgets": [{"type": "text", "properties": {"markdown": "x",
                                                                   "fontSize": 3}}]})
        r = self.cw.put_dashboard(DashboardName="warned", DashboardBody=body)
        self.assertEqual(r["DashboardValidationMessages"], [
            {"DataPath": "/widgets/0/properties/fontSize",
             "Message": "Should NOT have additional properties"}])
        self.assertEqual(self.cw.get_dashboard(DashboardName="warned")["DashboardBody"], body)

    def test_put_invalid_bodies(self):
        for body in ("nope", "[]", '{"widgets":[]} trailing', ""):
            with self.subTest(body=body):
                self.assertEqual(self.error("put_dashboard", DashboardName="bad",
                                            DashboardBody=body),
                                 ("InvalidParameterInput", NOT_OBJECT, 400))
        self.assertEqual(self.error("put_dashboard", DashboardName="bad", DashboardBody="{}"),
                         ("InvalidParameterInput", NO_WIDGETS, 400))
        # The failures AWS users report: a renderer object with dimensions in it, and a
        # metric widget without a region.
        body = dumps({"widgets": [
            {"type": "metric", "properties": {"region": "us-east-1", "metrics": [
                ["AWS/RDS", "DatabaseConnections",
                 {"stat": "Sum", "dimensions": {"DBClusterIdentifier": "prod"}}]]}},
            {"type": "metric", "properties": {"metrics": [["AWS/ECS", "CPUUtilization"]]}},
            {"type": "metric", "properties": {"metrics": [["AWS/SQS", "Sent", 5]],
                                              "region": "us-east-1"}}]})
        self.assertEqual(self.error("put_dashboard", DashboardName="bad", DashboardBody=body), (
            "InvalidParameterInput",
            "The dashboard body is invalid, there are 3 validation errors:\n[\n"
            "  {\n    \"dataPath\": \"/widgets/0/properties/metrics/0\",\n"
            "    \"message\": \"Should NOT have more than 2 items\"\n  },\n"
            "  {\n    \"dataPath\": \"/widgets/1/properties\",\n"
            "    \"message\": \"Should have required property 'region'\"\n  },\n"
            "  {\n    \"dataPath\": \"/widgets/2/properties/metrics/0/2\",\n"
            "    \"message\": \"Invalid metric field type, only \\\"String\\\" type is "
            "allowed\"\n  }\n]", 400))
        # Nothing was stored.
        self.assertEqual(self.list_all(), [])

    def test_invalid_names(self):
        for name in ("a:b", "has space", "caf\u00e9", "dot.ted", ""):
            with self.subTest(name=name):
                self.assertEqual(self.error("put_dashboard", DashboardName=name,
                                            DashboardBody='{"widgets":[]}'),
                                 ("InvalidParameterValue", BAD_NAME, 400))
        self.assertEqual(self.error("put_dashboard", DashboardName="n" * 256,
                                    DashboardBody='{"widgets":[]}'),
                         ("InvalidParameterValue", "The value for field DashboardName must be "
                          "at most 255 characters long.", 400))
        # The name is checked before the body.
        self.assertEqual(self.error("put_dashboard", DashboardName="a/b",
                                    DashboardBody="nope")[0], "InvalidParameterValue")
        self.assertEqual(self.list_all(), [])

    def test_get_missing(self):
        self.assertEqual(self.error("get_dashboard", DashboardName="nope"),
                         ("ResourceNotFound", "Dashboard nope does not exist", 404))
        with self.assertRaises(self.cw.exceptions.ResourceNotFound):
            self.cw.get_dashboard(DashboardName="nope")

    def test_delete(self):
        for n in ("a", "b", "c"):
            self.cw.put_dashboard(DashboardName=n, DashboardBody='{"widgets":[]}')
        # A missing name fails the whole call: nothing is deleted.
        self.assertEqual(self.error("delete_dashboards", DashboardNames=["a", "x", "b", "y", "x"]),
                         ("ResourceNotFound", "The specified dashboard does not exist. [x, y]",
                          404))
        self.assertEqual([e["DashboardName"] for e in self.list_all()], ["a", "b", "c"])
        self.assertEqual(self.error("delete_dashboards",
                                    DashboardNames=["d%d" % i for i in range(101)]),
                         ("InvalidParameterValue", "The collection DashboardNames must not "
                          "have a size greater than 100.", 400))
        self.cw.delete_dashboards(DashboardNames=["a", "c", "a"])
        self.assertEqual([e["DashboardName"] for e in self.list_all()], ["b"])
        self.assertEqual(self.error("get_dashboard", DashboardName="a")[0], "ResourceNotFound")

    def test_prefix(self):
        for n in ("web", "web-api", "web_2", "db", "webb"):
            self.cw.put_dashboard(DashboardName=n, DashboardBody='{"widgets":[]}')
        names = lambda **kw: [e["DashboardName"] for e in self.list_all(**kw)]
        self.assertEqual(names(), ["db", "web", "web-api", "web_2", "webb"])
        self.assertEqual(names(DashboardNamePrefix="web"), ["web", "web-api", "web_2", "webb"])
        self.assertEqual(names(DashboardNamePrefix="web-"), ["web-api"])
        self.assertEqual(names(DashboardNamePrefix="x"), [])
        self.assertEqual(names(DashboardNamePrefix="web."), [])

    def test_paging(self):
        cw = self.client(PAGED_ACCOUNT)
        first = cw.list_dashboards()
        self.assertEqual(len(first["DashboardEntries"]), 1000)
        self.assertEqual(first["DashboardEntries"][0]["DashboardName"], "page-0000")
        self.assertEqual(first["DashboardEntries"][-1]["DashboardName"], "page-0999")
        second = cw.list_dashboards(NextToken=first["NextToken"])
        self.assertEqual([e["DashboardName"] for e in second["DashboardEntries"]],
                         ["page-1000"])
        self.assertNotIn("NextToken", second)
        everything = self.list_all(client=cw)
        self.assertEqual(len(everything), 1001)
        self.assertEqual(len(self.list_all(client=cw, DashboardNamePrefix="page-099")), 10)
        self.assertEqual(self.error_on(cw, "list_dashboards", NextToken="not-a-token"),
                         ("InvalidParameterValue",
                          "The value not-a-token for parameter NextToken is invalid.", 400))

    def error_on(self, client, op, **kw):
        with self.assertRaises(client.exceptions.ClientError) as cm:
            getattr(client, op)(**kw)
        r = cm.exception.response
        return r["Error"]["Code"], r["Error"].get("Message"), r["ResponseMetadata"][
            "HTTPStatusCode"]

    def test_global_per_account(self):
        self.cw.put_dashboard(DashboardName="everywhere", DashboardBody='{"widgets":[]}')
        other_region = self.client(region="eu-west-1")
        r = other_region.get_dashboard(DashboardName="everywhere")
        self.assertEqual(r["DashboardArn"], self.arn("everywhere"))
        self.assertEqual([e["DashboardName"] for e in self.list_all(client=other_region)],
                         ["everywhere"])
        other_account = self.client(account="555555555558")
        self.assertEqual(self.error_on(other_account, "get_dashboard",
                                       DashboardName="everywhere")[0], "ResourceNotFound")


class Json(Cases, unittest.TestCase):
    protocol = None
    content_type = "application/x-amz-json-1.0"
    account = "555555555551"


class Cbor(Cases, unittest.TestCase):
    protocol = "smithy-rpc-v2-cbor"
    content_type = "application/cbor"
    account = "555555555552"


class Query(Cases, unittest.TestCase):
    protocol = "query"
    content_type = "application/x-www-form-urlencoded"
    account = "555555555553"


class RawHttp(unittest.TestCase):
    """The awsJson error wire (aws-wire-protocols.md 3.3)."""

    def send(self, op, body, query_mode):
        headers = {"X-Amz-Target": "GraniteServiceVersion20100801." + op,
                   "Content-Type": "application/x-amz-json-1.0",
                   "Authorization": "AWS4-HMAC-SHA256 Credential=555555555554/20260101/"
                                    "us-east-1/monitoring/aws4_request, SignedHeaders=host, "
                                    "Signature=0"}
        if query_mode:
            headers["x-amzn-query-mode"] = "true"
        status, h, payload = DS.raw("/", json.dumps(body).encode(), headers)
        return status, h, json.loads(payload or b"{}")

    def test_not_found_wire(self):
        for mode, want in ((False, 400), (True, 404)):
            with self.subTest(query_mode=mode):
                status, h, body = self.send("GetDashboard", {"DashboardName": "nope"}, mode)
                self.assertEqual(status, want)
                self.assertEqual(h.get("x-amzn-query-error"), "ResourceNotFound;Sender")
                self.assertEqual(body, {
                    "__type": "com.amazonaws.cloudwatch.v2010_08_01#ResourceNotFound",
                    "message": "Dashboard nope does not exist"})

    def test_invalid_input_wire(self):
        status, h, body = self.send("PutDashboard", {"DashboardName": "x",
                                                     "DashboardBody": "nope"}, True)
        self.assertEqual(status, 400)
        self.assertEqual(h.get("x-amzn-query-error"), "InvalidParameterInput;Sender")
        self.assertEqual(body, {
            "__type": "com.amazonaws.cloudwatch.v2010_08_01#DashboardInvalidInputError",
            "message": NOT_OBJECT})

    def test_missing_parameters(self):
        status, h, body = self.send("PutDashboard", {"DashboardName": "x"}, True)
        self.assertEqual(status, 400)
        self.assertEqual(h.get("x-amzn-query-error"), "MissingParameter;Sender")
        self.assertEqual(body["message"], "The parameter DashboardBody is required.")
        status, h, body = self.send("DeleteDashboards", {}, True)
        self.assertEqual(h.get("x-amzn-query-error"), "MissingParameter;Sender")
        status, h, body = self.send("GetDashboard", {"DashboardName": 5}, True)
        self.assertEqual(status, 400)


class Cli(unittest.TestCase):
    """What only the CLIs prove: the printed error line, the exit status, the round trip."""

    VARIANTS = [("v1", "555555555561", 255), ("v2", "555555555562", 254)]

    def test_get_missing(self):
        for which, account, status in self.VARIANTS:
            if which == "v2" and not harness.have_cli_v2():
                continue
            with self.subTest(cli=which):
                r = DS.cli(which, "cloudwatch", "get-dashboard", "--dashboard-name", "nope",
                           access_key=account)
                self.assertEqual(r.returncode, status, r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertEqual(r.stderr.strip(),
                                 "An error occurred (ResourceNotFound) when calling the "
                                 "GetDashboard operation: Dashboard nope does not exist")

    def test_round_trip(self):
        for which, account, _ in self.VARIANTS:
            if which == "v2" and not harness.have_cli_v2():
                continue
            with self.subTest(cli=which):
                r = DS.cli(which, "--output", "json", "cloudwatch", "put-dashboard",
                           "--dashboard-name", "runbook", "--dashboard-body", BODY,
                           access_key=account)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(json.loads(r.stdout), {"DashboardValidationMessages": []})
                r = DS.cli(which, "--output", "json", "cloudwatch", "get-dashboard",
                           "--dashboard-name", "runbook", access_key=account)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(json.loads(r.stdout), {
                    "DashboardArn": "arn:aws:cloudwatch::%s:dashboard/runbook" % account,
                    "DashboardBody": BODY, "DashboardName": "runbook"})


if __name__ == "__main__":
    harness.main()
