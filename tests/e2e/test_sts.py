"""test_sts.py - STS GetCallerIdentity and the awsQuery codec end to end.

boto3 for breadth, both CLIs for what only they show (their printed output), raw HTTP for
what no client sends: a GET with the query in the URL, an unknown Action, an unknown Version,
a malformed form body. Every XML answer must be well-formed and AWS-shaped, and the server
must keep serving after the bad ones. CloudWatch over query (CLI v2, botocore forced to
query) checks the codec with real input and output shapes when its handlers exist.
"""
import json
import os
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
CW_NS = "{http://monitoring.amazonaws.com/doc/2010-08-01/}"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
SIGNED = dict(FORM, Authorization=(
    "AWS4-HMAC-SHA256 Credential=123456789012/20261126/us-east-1/sts/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=00"))

ds = None


def setUpModule():
    global ds
    ds = harness.Drillsim().start()


def tearDownModule():
    ds.stop()


def parse_error(test, status, headers, body, want_status, want_code, ns):
    """Checks an ErrorResponse document; returns its Message text."""
    test.assertEqual(status, want_status, body)
    test.assertTrue(headers["content-type"].startswith("text/xml"), headers)
    root = ET.fromstring(body)  # raises if not well-formed
    test.assertEqual(root.tag, ns + "ErrorResponse")
    test.assertEqual(root.find(ns + "Error/" + ns + "Type").text,
                     "Sender" if want_status < 500 else "Receiver")
    test.assertEqual(root.find(ns + "Error/" + ns + "Code").text, want_code)
    test.assertEqual(root.find(ns + "RequestId").text, headers["x-amzn-requestid"])
    return root.find(ns + "Error/" + ns + "Message").text


class StsTest(unittest.TestCase):
    def assert_still_serving(self):
        r = ds.client("sts", access_key="222222222222").get_caller_identity()
        self.assertEqual(r["Account"], "222222222222")

    def test_boto3_account_from_key(self):
        r = ds.client("sts", access_key="123456789012").get_caller_identity()
        self.assertEqual(r["Account"], "123456789012")
        self.assertEqual(r["UserId"], "123456789012")
        self.assertEqual(r["Arn"], "arn:aws:iam::123456789012:root")
        self.assertRegex(r["ResponseMetadata"]["RequestId"], r"^[0-9a-f-]{36}$")

    def test_boto3_default_account(self):
        r = ds.client("sts").get_caller_identity()  # AKIAIOSFODNN7EXAMPLE
        self.assertEqual(r["Account"], "000000000000")
        self.assertEqual(r["Arn"], "arn:aws:iam::000000000000:root")

    def test_cli_v1(self):
        p = ds.cli("v1", "sts", "get-caller-identity", access_key="123456789012")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), {
            "UserId": "123456789012", "Account": "123456789012",
            "Arn": "arn:aws:iam::123456789012:root"})

    @unittest.skipUnless(harness.have_cli_v2(), "no CLI v2")
    def test_cli_v2(self):
        p = ds.cli("v2", "sts", "get-caller-identity", access_key="123456789012")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["Account"], "123456789012")
        p = ds.cli("v2", "sts", "get-caller-identity", "--query", "Arn", "--output", "text")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "arn:aws:iam::000000000000:root")

    def test_no_sign_request(self):
        # No Authorization header at all: the 12-digit key is not even sent.
        p = ds.cli("v1", "sts", "get-caller-identity", "--no-sign-request",
                   access_key="123456789012")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["Account"], "000000000000")
        status, headers, body = ds.raw(body=b"Action=GetCallerIdentity&Version=2011-06-15",
                                       headers=FORM)
        self.assertEqual(status, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(root.find(STS_NS + "GetCallerIdentityResult/" + STS_NS + "Account")
                         .text, "000000000000")

    def test_get_with_url_query(self):
        status, headers, body = ds.raw("/?Action=GetCallerIdentity&Version=2011-06-15",
                                       method="GET", headers=SIGNED)
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["content-type"].startswith("text/xml"))
        root = ET.fromstring(body)
        self.assertEqual(root.tag, STS_NS + "GetCallerIdentityResponse")
        result = root.find(STS_NS + "GetCallerIdentityResult")
        self.assertEqual(result.find(STS_NS + "Account").text, "123456789012")
        self.assertEqual(root.find(STS_NS + "ResponseMetadata/" + STS_NS + "RequestId").text,
                         headers["x-amzn-requestid"])

    def test_unknown_action(self):
        status, headers, body = ds.raw(body=b"Action=AssumeNothing&Version=2011-06-15",
                                       headers=FORM)
        msg = parse_error(self, status, headers, body, 400, "InvalidAction", STS_NS)
        self.assertIn("AssumeNothing", msg)
        self.assert_still_serving()

    def test_missing_action(self):
        status, headers, body = ds.raw(body=b"Version=2011-06-15", headers=FORM)
        parse_error(self, status, headers, body, 400, "MissingAction", STS_NS)

    def test_unknown_version(self):
        # Unsigned, so the credential scope cannot name the service either: the error has
        # no namespace to give, and is still well-formed XML.
        status, headers, body = ds.raw(body=b"Action=GetCallerIdentity&Version=2099-01-01",
                                       headers=FORM)
        parse_error(self, status, headers, body, 400, "InvalidAction", "")
        self.assert_still_serving()

    def test_malformed_form(self):
        for bad in (b"Action=GetCallerIdentity&Version=2011-06-15&X=%zz",
                    b"Action=GetCallerIdentity&Version=2011-06-15&X=%",
                    b"Action=GetCallerIdentity&Version=2011-06-15&X=%C3%28",
                    b"Version=2011-06-15&Action=GetCallerIdentity%00"):
            status, headers, body = ds.raw(body=bad, headers=FORM)
            parse_error(self, status, headers, body, 400, "MalformedQueryString", STS_NS)
        self.assert_still_serving()

    def test_botocore_reads_errors(self):
        # The XML error through botocore's own query response parser.
        import botocore.parsers
        status, headers, body = ds.raw(body=b"Action=GetNothing&Version=2011-06-15",
                                       headers=SIGNED)
        r = botocore.parsers.create_parser("query").parse(
            {"status_code": status, "headers": headers, "body": body}, None)
        self.assertEqual(r["Error"], {
            "Type": "Sender", "Code": "InvalidAction",
            "Message": "The action GetNothing is not valid for this web service."})
        self.assertEqual(r["ResponseMetadata"]["RequestId"], headers["x-amzn-requestid"])


class CloudWatchQueryTest(unittest.TestCase):
    """CloudWatch through the query codec, when its handlers are there."""

    @classmethod
    def setUpClass(cls):
        status, _, body = ds.raw(body=b"Action=ListMetrics&Version=2010-08-01", headers=FORM)
        if status != 200:
            raise unittest.SkipTest("cloudwatch ListMetrics not implemented: %r" % body[:200])

    def test_round_trip_text_and_numbers(self):
        cw = ds.client("cloudwatch", access_key="333333333333", protocol="query")
        sent = []
        cw.meta.events.register("before-send", lambda request, **kw: sent.append(
            request.headers.get("Content-Type", b"")))
        try:
            ns = 'App <&> "quoted" \'s ]]> %20+'
            cw.put_metric_data(Namespace=ns, MetricData=[
                {"MetricName": "Latency", "Value": 12.5, "Unit": "Milliseconds",
                 "Dimensions": [{"Name": "Cluster Name", "Value": "a+b & c"}]},
                {"MetricName": "Count", "Values": [1.0, 2.5], "Counts": [3.0, 1.0],
                 "StorageResolution": 1}])
            r = cw.list_metrics(Namespace=ns)
        finally:
            harness.unforce_protocol()
        self.assertTrue(sent and all(ct.startswith(b"application/x-www-form-urlencoded")
                                     for ct in sent), sent)
        got = sorted((m["MetricName"], tuple((d["Name"], d["Value"]) for d in m["Dimensions"]))
                     for m in r["Metrics"])
        self.assertEqual(got, [("Count", ()), ("Latency", (("Cluster Name", "a+b & c"),))])
        self.assertTrue(all(m["Namespace"] == ns for m in r["Metrics"]))

    def test_decode_errors(self):
        cases = [
            (b"MetricData.member.1.MetricName=m&MetricData.member.1.Value=NaN",
             "InvalidParameterValue"),
            (b"MetricData.member.1.MetricName=m&MetricData.member.1.Value=1"
             b"&MetricData.member.1.Timestamp=yesterday", "MalformedInput"),
            (b"MetricData.member.0.MetricName=m", "MalformedInput"),
            (b"MetricData=oops", "MalformedInput"),
        ]
        for extra, code in cases:
            body = b"Action=PutMetricData&Version=2010-08-01&Namespace=App&" + extra
            status, headers, resp = ds.raw(body=body, headers=FORM)
            msg = parse_error(self, status, headers, resp, 400, code, CW_NS)
            if code == "MalformedInput" and b"Timestamp" in extra:
                self.assertEqual(msg, "timestamp must follow ISO8601")

    @unittest.skipUnless(harness.have_cli_v2(), "no CLI v2")
    def test_cli_v2_list_metrics(self):
        key = "444444444444"
        p = ds.cli("v2", "cloudwatch", "put-metric-data", "--namespace", "Drill",
                   "--metric-name", "Errors", "--value", "3",
                   "--dimensions", "Service=web,Env=prod", access_key=key)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = ds.cli("v2", "cloudwatch", "list-metrics", "--namespace", "Drill", access_key=key)
        self.assertEqual(p.returncode, 0, p.stderr)
        metrics = json.loads(p.stdout)["Metrics"]
        self.assertEqual(len(metrics), 1)
        self.assertEqual(metrics[0]["MetricName"], "Errors")
        self.assertEqual(sorted((d["Name"], d["Value"]) for d in metrics[0]["Dimensions"]),
                         [("Env", "prod"), ("Service", "web")])
        # An error through CLI v2's query error parser.
        p = ds.cli("v2", "cloudwatch", "list-metrics", "--recently-active", "PT1H",
                   access_key=key)
        self.assertEqual(p.returncode, 254, p.stderr)
        self.assertIn("An error occurred (InvalidParameterValue) when calling the ListMetrics "
                      "operation", p.stderr)


if __name__ == "__main__":
    harness.main()
