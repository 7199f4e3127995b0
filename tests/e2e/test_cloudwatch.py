#!/usr/bin/env python3
"""CloudWatch PutMetricData and ListMetrics through boto3, in all three protocols.

The same cases run with botocore's default protocol for CloudWatch (awsJson 1.0), forced to
smithy RPC v2 CBOR (what the Go SDK speaks) and forced to awsQuery (what the Debian CLI v2
speaks); each class first checks that its client really sends that protocol. Then raw HTTP
checks the awsJson error headers (x-amzn-query-error, the status rule of
aws-wire-protocols.md 3.3) and a hand-gzipped body.

Rules and texts are AWS's (see the header of sim/services/cloudwatch.c for the sources). The
time-based listing rules (RecentlyActive, the two-week horizon) need a movable clock and are
covered by tests/unit/services/cloudwatch.c; here they are checked as far as "now" allows.
"""
import datetime
import gzip
import json
import unittest
import uuid

import harness

DS = None


def setUpModule():
    global DS
    DS = harness.Drillsim().start()


def tearDownModule():
    harness.unforce_protocol()
    DS.stop()


def uniq(prefix="ns"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def now():
    return datetime.datetime.now(datetime.timezone.utc)


class Sent:
    """Records what a client sends (headers, body) through botocore's before-send event."""

    def __init__(self, client):
        self.requests = []
        client.meta.events.register("before-send.cloudwatch.*", self._hook)

    def _hook(self, request, **kwargs):
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        headers = {(k.decode() if isinstance(k, bytes) else k).lower():
                   (v.decode() if isinstance(v, bytes) else v)
                   for k, v in request.headers.items()}
        self.requests.append((headers, body or b""))


class Cases:
    """The cases, run once per protocol by the TestCase classes below."""

    protocol = None          # what to force botocore to (None: its default, json)
    content_type = None      # what that protocol's requests carry

    def client(self, access_key=harness.DEFAULT_KEY, region="us-east-1", validate=True):
        c = DS.client("cloudwatch", access_key=access_key, region=region,
                      protocol=self.protocol, parameter_validation=validate)
        harness.unforce_protocol()
        return c

    def setUp(self):
        self.cw = self.client()
        self.raw = self.client(validate=False)
        self.sent = Sent(self.cw)

    def put(self, ns, *datums, client=None, **kw):
        return (client or self.cw).put_metric_data(Namespace=ns, MetricData=list(datums), **kw)

    def names(self, **kw):
        return sorted(m["MetricName"] for m in self.list_all(**kw))

    def list_all(self, client=None, **kw):
        pages = (client or self.cw).get_paginator("list_metrics").paginate(**kw)
        return [m for p in pages for m in p["Metrics"]]

    def error(self, ns=None, *datums, client=None, **kw):
        client = client or self.raw
        if ns is not None:
            kw["Namespace"] = ns
        if datums:
            kw["MetricData"] = list(datums)
        with self.assertRaises(client.exceptions.ClientError) as cm:
            client.put_metric_data(**kw)
        e = cm.exception.response["Error"]
        return e["Code"], e["Message"]

    # --- the protocol under test -------------------------------------------------------

    def test_protocol_on_the_wire(self):
        self.put(uniq(), {"MetricName": "m", "Value": 1})
        headers, _ = self.sent.requests[-1]
        self.assertIn(self.content_type, headers.get("content-type", ""))

    # --- PutMetricData + ListMetrics ---------------------------------------------------

    def test_put_then_list(self):
        ns = uniq("App")
        self.put(ns, {"MetricName": "Latency", "Value": 12.5, "Unit": "Milliseconds",
                      "Dimensions": [{"Name": "Service", "Value": "web"},
                                     {"Name": "Az", "Value": "us-east-1a"}]})
        # The same dimension set in another order is the same metric.
        self.put(ns, {"MetricName": "Latency", "Value": 3, "Timestamp": now(),
                      "Dimensions": [{"Name": "Az", "Value": "us-east-1a"},
                                     {"Name": "Service", "Value": "web"}]},
                 {"MetricName": "Errors", "Values": [0, 1, 2], "Counts": [5, 1, 1]},
                 {"MetricName": "Bytes", "StatisticValues": {"SampleCount": 3, "Sum": 30,
                                                             "Minimum": 5, "Maximum": 15},
                  "StorageResolution": 1, "Unit": "Bytes"})
        r = self.cw.list_metrics(Namespace=ns)
        self.assertNotIn("NextToken", r)
        self.assertNotIn("OwningAccounts", r)
        self.assertEqual(r["Metrics"], [
            {"Namespace": ns, "MetricName": "Bytes", "Dimensions": []},
            {"Namespace": ns, "MetricName": "Errors", "Dimensions": []},
            {"Namespace": ns, "MetricName": "Latency",
             "Dimensions": [{"Name": "Az", "Value": "us-east-1a"},
                            {"Name": "Service", "Value": "web"}]},
        ])

    def test_accepted_shapes(self):
        ns = uniq()
        # Values with StatisticValues is accepted by AWS (LocalStack's AWS-validated test).
        self.put(ns, {"MetricName": "both", "Values": [1.0, 10.0],
                      "StatisticValues": {"SampleCount": 10, "Sum": 55, "Minimum": 1,
                                          "Maximum": 10}})
        # Bounds: 150 values, 30 dimensions, 2^360, a datum two weeks old.
        self.put(ns, {"MetricName": "many", "Values": [float(i) for i in range(150)],
                      "Counts": [1.0] * 150},
                 {"MetricName": "dims", "Value": 2.0 ** 360,
                  "Dimensions": [{"Name": "d%02d" % i, "Value": "v"} for i in range(30)]},
                 {"MetricName": "old", "Value": -(2.0 ** 360),
                  "Timestamp": now() - datetime.timedelta(days=13, hours=23)})
        self.assertEqual(self.names(Namespace=ns), ["both", "dims", "many", "old"])

    def test_entity_metric_data(self):
        ns = uniq()
        self.cw.put_metric_data(Namespace=ns, EntityMetricData=[{
            "Entity": {"KeyAttributes": {"Type": "Service", "Name": "web",
                                         "Environment": "prod"}},
            "MetricData": [{"MetricName": "fromEntity", "Value": 1}]}],
            MetricData=[{"MetricName": "plain", "Value": 1}])
        self.assertEqual(self.names(Namespace=ns), ["fromEntity", "plain"])

    def test_1000_datums_gzipped_and_paged(self):
        ns = uniq("Big")
        datums = [{"MetricName": "m%04d" % i, "Value": float(i),
                   "Dimensions": [{"Name": "Host", "Value": "host-%04d" % i}]}
                  for i in range(1000)]
        self.put(ns, *datums)
        headers, body = self.sent.requests[-1]
        self.assertEqual(headers.get("content-encoding"), "gzip")
        self.assertGreaterEqual(len(gzip.decompress(body)), 10240)
        pages = list(self.cw.get_paginator("list_metrics").paginate(Namespace=ns))
        self.assertEqual([len(p["Metrics"]) for p in pages], [500, 500])
        self.assertIn("NextToken", pages[0])
        self.assertNotIn("NextToken", pages[-1])
        names = [m["MetricName"] for p in pages for m in p["Metrics"]]
        self.assertEqual(names, ["m%04d" % i for i in range(1000)])
        self.assertEqual(pages[1]["Metrics"][0]["Dimensions"],
                         [{"Name": "Host", "Value": "host-0500"}])
        # The whole request was one transaction: nothing is half-stored on failure.
        ns2 = uniq("Big")
        datums[999] = {"MetricName": "bad", "Value": 1, "StorageResolution": 30}
        code, _ = self.error(ns2, *datums)
        self.assertEqual(code, "InvalidParameterValue")
        self.assertEqual(self.names(Namespace=ns2), [])

    def test_1001_datums(self):
        datums = [{"MetricName": "m%d" % i, "Value": 1.0} for i in range(1001)]
        self.assertEqual(self.error(uniq(), *datums), (
            "InvalidParameterValue",
            "The collection MetricData must not have a size greater than 1000."))

    def test_validation(self):
        ns = uniq()
        m1 = "MetricData.member.1"
        cases = [
            (("AWS/EC2", {"MetricName": "m", "Value": 1}),
             "InvalidParameterValue", "The value AWS/EC2 for parameter Namespace is invalid."),
            ((None, {"MetricName": "m", "Value": 1}),
             "MissingParameter", "The parameter Namespace is required."),
            ((ns,), "MissingParameter", "The parameter MetricData is required."),
            ((ns, {"Value": 1}), "MissingParameter", "The parameter %s.MetricName is required."
             % m1),
            ((ns, {"MetricName": "m"}), "InvalidParameterCombination",
             "At least one of the parameters %s.Value and %s.StatisticValues must be specified."
             % (m1, m1)),
            ((ns, {"MetricName": "m", "Value": 1.5, "Values": [1.0, 10.0]}),
             "InvalidParameterCombination",
             "The parameters %s.Value and %s.Values are mutually exclusive and you have "
             "specified both." % (m1, m1)),
            ((ns, {"MetricName": "m", "Value": 1.5,
                   "StatisticValues": {"SampleCount": 10, "Sum": 55, "Minimum": 1,
                                       "Maximum": 10}}),
             "InvalidParameterCombination",
             "The parameters %s.Value and %s.StatisticValues are mutually exclusive and you "
             "have specified both." % (m1, m1)),
            ((ns, {"MetricName": "m", "Values": [1.0, 10.0], "Counts": [2, 4, 5]}),
             "InvalidParameterValue",
             "The parameters %s.Values and %s.Counts must be of the same size." % (m1, m1)),
            ((ns, {"MetricName": "m", "Values": [float(i) for i in range(151)]}),
             "InvalidParameterValue",
             "The collection %s.Values must not have a size greater than 150." % m1),
            ((ns, {"MetricName": "m", "Values": [1.0], "Counts": [-1.0]}),
             "InvalidParameterValue",
             "The value -1.0 for parameter %s.Counts.member.1 is invalid." % m1),
            ((ns, {"MetricName": "m", "Value": 1e200}), "InvalidParameterValue",
             "The value 1.0E200 for parameter %s.Value is invalid." % m1),
            ((ns, {"MetricName": "m", "Value": float("nan")}), "InvalidParameterValue",
             "The value NaN for parameter %s.Value is invalid." % m1),
            ((ns, {"MetricName": "m", "Values": [1.0, float("-inf")]}), "InvalidParameterValue",
             "The value -Infinity for parameter %s.Values.member.2 is invalid." % m1),
            ((ns, {"MetricName": "m", "StatisticValues": {"SampleCount": 0, "Sum": 0,
                                                           "Minimum": 1.79769e308,
                                                           "Maximum": -1.79769e308}}),
             "InvalidParameterValue",
             "The value -1.79769E308 for parameter %s.StatisticValues.Maximum is invalid."
             % m1),
            ((ns, {"MetricName": "m", "StatisticValues": {"SampleCount": 0, "Sum": 0,
                                                           "Minimum": 0, "Maximum": 0}}),
             "InvalidParameterValue",
             "The parameter %s.StatisticValues.SampleCount must be greater than 0." % m1),
            ((ns, {"MetricName": "m", "StatisticValues": {"SampleCount": 2, "Sum": 3,
                                                           "Minimum": 2, "Maximum": 1}}),
             "InvalidParameterValue",
             "The parameter %s.StatisticValues.Maximum must be greater than "
             "%s.StatisticValues.Minimum." % (m1, m1)),
            ((ns, {"MetricName": "m", "StatisticValues": {"SampleCount": 2, "Sum": 3,
                                                           "Minimum": 2}}),
             "MissingParameter", "The parameter %s.StatisticValues.Maximum is required." % m1),
            ((ns, {"MetricName": "m", "Value": 1, "StorageResolution": 30}),
             "InvalidParameterValue",
             "The parameter %s.StorageResolution must be a value in the set [ 1, 60 ]." % m1),
            ((ns, {"MetricName": "m", "Value": 1, "Unit": "Parsecs"}),
             "InvalidParameterValue",
             "The parameter %s.Unit must be a value in the set [ Seconds, Microseconds, "
             "Milliseconds, Bytes, Kilobytes, Megabytes, Gigabytes, Terabytes, Bits, Kilobits, "
             "Megabits, Gigabits, Terabits, Percent, Count, Bytes/Second, Kilobytes/Second, "
             "Megabytes/Second, Gigabytes/Second, Terabytes/Second, Bits/Second, "
             "Kilobits/Second, Megabits/Second, Gigabits/Second, Terabits/Second, "
             "Count/Second, None ]." % m1),
            ((ns, {"MetricName": "m", "Value": 1,
                   "Dimensions": [{"Name": "A", "Value": "1"}, {"Name": "A", "Value": "2"}]}),
             "InvalidParameterValue", "No metric may specify the same dimension name twice."),
            ((ns, {"MetricName": "m", "Value": 1,
                   "Dimensions": [{"Name": "d%02d" % i, "Value": "v"} for i in range(31)]}),
             "InvalidParameterValue",
             "The collection %s.Dimensions must not have a size greater than 30." % m1),
            ((ns, {"MetricName": "m", "Value": 1, "Dimensions": [{"Name": ":x", "Value": "1"}]}),
             "InvalidParameterValue",
             "The value :x for parameter %s.Dimensions.member.1.Name is invalid." % m1),
            ((ns, {"MetricName": "m", "Value": 1, "Dimensions": [{"Name": "x",
                                                                   "Value": "caf\u00e9"}]}),
             "InvalidParameterValue",
             "The value caf\u00e9 for parameter %s.Dimensions.member.1.Value is invalid." % m1),
            ((ns, {"MetricName": "m", "Value": 1, "Dimensions": [{"Name": "x"}]}),
             "MissingParameter",
             "The parameter %s.Dimensions.member.1.Value is required." % m1),
        ]
        for args, code, message in cases:
            with self.subTest(message=message):
                self.assertEqual(self.error(*args), (code, message))
        self.assertEqual(self.names(Namespace=ns), [])

    def test_timestamps(self):
        ns = uniq()
        t = now()
        self.put(ns, {"MetricName": "edge-past", "Value": 1,
                      "Timestamp": t - datetime.timedelta(days=14) + datetime.timedelta(
                          minutes=1)},
                 {"MetricName": "edge-future", "Value": 1,
                  "Timestamp": t + datetime.timedelta(hours=2) - datetime.timedelta(
                      minutes=1)})
        # Every bad datum is reported, one line each, as AWS does.
        code, message = self.error(
            ns,
            {"MetricName": "a", "Value": 1, "Timestamp": t - datetime.timedelta(days=15)},
            {"MetricName": "ok", "Value": 1},
            {"MetricName": "b", "Value": 1, "Timestamp": t + datetime.timedelta(hours=3)})
        self.assertEqual(code, "InvalidParameterValue")
        self.assertEqual(message.split("\n"), [
            "The parameter MetricData.member.1.Timestamp must specify a time within the past "
            "two weeks.",
            "The parameter MetricData.member.3.Timestamp must specify a time within the past "
            "two weeks."])
        self.assertEqual(self.names(Namespace=ns), ["edge-future", "edge-past"])

    def test_filters(self):
        ns = uniq()
        self.put(ns,
                 {"MetricName": "cpu", "Value": 1, "Dimensions": [{"Name": "A", "Value": "1"}]},
                 {"MetricName": "cpu", "Value": 1, "Dimensions": [{"Name": "A", "Value": "2"}]},
                 {"MetricName": "cpu", "Value": 1, "Dimensions": [{"Name": "A", "Value": "1"},
                                                                  {"Name": "B", "Value": "x"}]},
                 {"MetricName": "mem", "Value": 1})

        def dims(**kw):
            return sorted(tuple((d["Name"], d["Value"]) for d in m["Dimensions"])
                          for m in self.list_all(Namespace=ns, **kw))

        self.assertEqual(len(dims()), 4)
        self.assertEqual(dims(MetricName="mem"), [()])
        self.assertEqual(dims(Dimensions=[{"Name": "A"}]),
                         [(("A", "1"),), (("A", "1"), ("B", "x")), (("A", "2"),)])
        self.assertEqual(dims(Dimensions=[{"Name": "A", "Value": "1"}]),
                         [(("A", "1"),), (("A", "1"), ("B", "x"))])
        self.assertEqual(dims(Dimensions=[{"Name": "B"}, {"Name": "A", "Value": "1"}]),
                         [(("A", "1"), ("B", "x"))])
        self.assertEqual(dims(Dimensions=[{"Name": "A", "Value": "3"}]), [])
        self.assertEqual(dims(MetricName="mem", Dimensions=[{"Name": "A"}]), [])
        # Without a namespace the filters still apply, across namespaces.
        other = uniq()
        self.put(other, {"MetricName": "cpu", "Value": 1,
                         "Dimensions": [{"Name": "B", "Value": "x"}]})
        found = [(m["Namespace"], m["MetricName"])
                 for m in self.list_all(Dimensions=[{"Name": "B", "Value": "x"}])]
        self.assertIn((ns, "cpu"), found)
        self.assertIn((other, "cpu"), found)

    def test_tenancy(self):
        ns = uniq()
        a = self.client(access_key="111111111111")
        b = self.client(access_key="222222222222")
        eu = self.client(access_key="111111111111", region="eu-west-1")
        self.put(ns, {"MetricName": "mine", "Value": 1}, client=a)
        self.put(ns, {"MetricName": "theirs", "Value": 1}, client=b)
        self.put(ns, {"MetricName": "european", "Value": 1}, client=eu)
        self.assertEqual(self.names(Namespace=ns, client=a), ["mine"])
        self.assertEqual(self.names(Namespace=ns, client=b), ["theirs"])
        self.assertEqual(self.names(Namespace=ns, client=eu), ["european"])
        # A page token does not carry over to another tenant.
        big = uniq()
        self.put(big, *[{"MetricName": "m%03d" % i, "Value": 1} for i in range(501)], client=a)
        token = a.list_metrics(Namespace=big)["NextToken"]
        with self.assertRaises(b.exceptions.ClientError) as cm:
            b.list_metrics(Namespace=big, NextToken=token)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterValue")
        self.assertEqual(len(a.list_metrics(Namespace=big, NextToken=token)["Metrics"]), 1)

    def test_recently_active(self):
        ns = uniq()
        # Received now, even though the datum is stamped 13 days ago: the listing rules go
        # by when the data was published.
        self.put(ns, {"MetricName": "backfilled", "Value": 1,
                      "Timestamp": now() - datetime.timedelta(days=13)})
        r = self.cw.list_metrics(Namespace=ns, RecentlyActive="PT3H")
        self.assertEqual([m["MetricName"] for m in r["Metrics"]], ["backfilled"])
        with self.assertRaises(self.raw.exceptions.ClientError) as cm:
            self.raw.list_metrics(Namespace=ns, RecentlyActive="PT1H")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterValue")

    def test_linked_accounts(self):
        ns = uniq()
        c = self.client(access_key="111111111111")
        self.put(ns, {"MetricName": "a", "Value": 1}, {"MetricName": "b", "Value": 1}, client=c)
        r = c.list_metrics(Namespace=ns, IncludeLinkedAccounts=True)
        self.assertEqual(len(r["Metrics"]), 2)
        self.assertEqual(r["OwningAccounts"], ["111111111111", "111111111111"])
        r = c.list_metrics(Namespace=ns, IncludeLinkedAccounts=True,
                           OwningAccount="111111111111")
        self.assertEqual(len(r["Metrics"]), 2)
        r = c.list_metrics(Namespace=ns, IncludeLinkedAccounts=True,
                           OwningAccount="999999999999")
        self.assertEqual(r["Metrics"], [])

    def test_bad_next_token(self):
        with self.assertRaises(self.cw.exceptions.ClientError) as cm:
            self.cw.list_metrics(NextToken="not-a-token")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterValue")
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "The value not-a-token for parameter NextToken is invalid.")


class Json(Cases, unittest.TestCase):
    protocol = None
    content_type = "application/x-amz-json-1.0"


class Cbor(Cases, unittest.TestCase):
    protocol = "smithy-rpc-v2-cbor"
    content_type = "application/cbor"


class Query(Cases, unittest.TestCase):
    protocol = "query"
    content_type = "application/x-www-form-urlencoded"


class RawHttp(unittest.TestCase):
    """awsJson errors on the wire (aws-wire-protocols.md 3.3) and a hand-gzipped body."""

    def send(self, op, body, extra=None, gz=False):
        headers = {"X-Amz-Target": "GraniteServiceVersion20100801." + op,
                   "Content-Type": "application/x-amz-json-1.0",
                   "Authorization": "AWS4-HMAC-SHA256 Credential=333333333333/20240101/"
                                    "us-east-1/monitoring/aws4_request, SignedHeaders=host, "
                                    "Signature=0"}
        data = json.dumps(body).encode()
        if gz:
            data = gzip.compress(data)
            headers["Content-Encoding"] = "gzip"
        headers.update(extra or {})
        status, h, payload = DS.raw("/", data, headers)
        return status, h, json.loads(payload or b"{}")

    def test_error_headers(self):
        bad = {"Namespace": "AWS/X", "MetricData": [{"MetricName": "m", "Value": 1}]}
        for mode in (None, "true"):
            with self.subTest(query_mode=mode):
                extra = {"x-amzn-query-mode": mode} if mode else {}
                status, h, body = self.send("PutMetricData", bad, extra)
                # InvalidParameterValue is 400 in both modes; the model gives it 400.
                self.assertEqual(status, 400)
                self.assertEqual(h.get("x-amzn-query-error"), "InvalidParameterValue;Sender")
                self.assertEqual(body["__type"], "com.amazonaws.cloudwatch.v2010_08_01#"
                                                 "InvalidParameterValueException")
                self.assertEqual(body["message"],
                                 "The value AWS/X for parameter Namespace is invalid.")
        status, h, body = self.send("PutMetricData", {"Namespace": "N", "MetricData": [
            {"MetricName": "m", "Value": 1, "Values": [2]}]}, {"x-amzn-query-mode": "true"})
        self.assertEqual(status, 400)
        self.assertEqual(h.get("x-amzn-query-error"), "InvalidParameterCombination;Sender")
        status, h, body = self.send("PutMetricData", {"MetricData": []})
        self.assertEqual(status, 400)
        self.assertEqual(h.get("x-amzn-query-error"), "MissingParameter;Sender")

    def test_gzip_body(self):
        ns = uniq()
        datums = [{"MetricName": "g%03d" % i, "Value": i} for i in range(300)]
        status, h, body = self.send("PutMetricData", {"Namespace": ns, "MetricData": datums},
                                    gz=True)
        self.assertEqual(status, 200, body)
        status, h, body = self.send("ListMetrics", {"Namespace": ns})
        self.assertEqual(status, 200)
        self.assertEqual(len(body["Metrics"]), 300)
        self.assertEqual(h.get("content-type"), "application/x-amz-json-1.0")
        # The tenant came from the 12-digit access key of the raw requests.
        cw = DS.client("cloudwatch", access_key="333333333333")
        self.assertEqual(len(cw.list_metrics(Namespace=ns)["Metrics"]), 300)


if __name__ == "__main__":
    harness.main()
