"""test_cbor.py - the smithy RPC v2 CBOR codec on the wire (sim/protocol/cbor.c).

Raw HTTP requests in the byte forms that botocore, JS and AWS itself use (aws-wire-protocols.md
section 4), with the replies read by botocore's own CBOR decoder, and boto3 forced to CBOR for
a typed round trip. CloudWatch's behaviour as such is tested in test_cloudwatch.py.
"""
import datetime
import struct
import unittest
import uuid

import harness

PREFIX = "/service/GraniteServiceVersion20100801/operation/"
HEADERS = {
    "smithy-protocol": "rpc-v2-cbor",
    "Content-Type": "application/cbor",
    "Accept": "application/cbor",
}


def cbor_decode(body):
    """Decodes a reply with botocore's CBOR decoder (a client's view of our bytes)."""
    from botocore.parsers import RpcV2CBORParser

    return RpcV2CBORParser()._initial_body_parse(body)


def text(s):
    b = s.encode()
    assert len(b) < 256
    return (bytes([0x60 + len(b)]) if len(b) < 24 else bytes([0x78, len(b)])) + b


def chunked_text(s):
    """An indefinite-length text string in two chunks."""
    half = len(s) // 2
    return b"\x7f" + text(s[:half]) + text(s[half:]) + b"\xff"


class Cbor(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim().start()

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def post(self, op, body, **extra):
        return self.ds.raw(PREFIX + op, body, dict(HEADERS, **extra))

    def assert_cbor_headers(self, headers):
        self.assertEqual(headers.get("content-type"), "application/cbor")
        self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        self.assertTrue(headers.get("x-amzn-requestid"))

    def assert_error(self, status, headers, body, code, want_status=400):
        self.assertEqual(status, want_status, body)
        self.assert_cbor_headers(headers)
        self.assertEqual(cbor_decode(body)["__type"], code)
        self.assertEqual(headers.get("x-amzn-query-error"), code + ";Sender")

    def test_unknown_operation(self):
        for mode in ({}, {"x-amzn-query-mode": "true"}):
            status, headers, body = self.post("NoSuchOperation", b"\xa0", **mode)
            self.assert_error(status, headers, body, "UnknownOperationException")
            # {"__type": "UnknownOperationException"}, no message key when there is none
            self.assertEqual(body.hex(),
                             "a1665f5f747970657819" + b"UnknownOperationException".hex())

    def test_unknown_service(self):
        status, headers, body = self.ds.raw("/service/NoSuchService/operation/ListMetrics",
                                            b"\xa0", HEADERS)
        self.assertEqual(status, 400)
        self.assert_cbor_headers(headers)
        self.assertEqual(cbor_decode(body)["__type"], "UnknownOperationException")

    def test_malformed_bodies(self):
        bad = [
            b"\x80",                                  # not a map
            b"\xa1\x01\x02",                          # integer key
            b"\xa1" + text("Namespace") + b"\x62\xc3\x28",  # invalid UTF-8
            b"\xa1" + text("X") + b"\x81" * 100 + b"\x00",  # nested too deeply
            b"\xa0\x00",                              # trailing data
            b"\xbf" + text("Namespace"),              # cut off
            b"\xa1" + text("Namespace") + b"\xc1\x61\x61",  # tag 1 on a string
            b"\xa1" + text("Namespace") + b"\x01",    # the model wants a string
        ]
        for body in bad:
            with self.subTest(body=body.hex()):
                status, headers, resp = self.post("ListMetrics", body)
                self.assert_error(status, headers, resp, "SerializationException")
                self.assertTrue(cbor_decode(resp)["message"])

    def test_empty_inputs(self):
        for body in (b"", b"\xa0", b"\xbf\xff"):
            with self.subTest(body=body.hex()):
                status, headers, resp = self.post("ListMetrics", body)
                self.assertEqual(status, 200)
                self.assert_cbor_headers(headers)
                self.assertIn("Metrics", cbor_decode(resp))

    def test_aws_byte_forms(self):
        """Indefinite-length map, array and strings, a tag-1 float64 timestamp, a half float."""
        ns = "Cbor/" + uuid.uuid4().hex[:8]
        ts = datetime.datetime.now(datetime.timezone.utc).timestamp() - 60.25
        datum = (b"\xbf" + text("MetricName") + chunked_text("Latency")
                 + text("Timestamp") + b"\xc1\xfb" + struct.pack(">d", ts)
                 + text("Value") + b"\xf9\x3e\x00"  # half float 1.5
                 + text("Dimensions") + b"\x9f\xa2" + text("Name") + text("Host")
                 + text("Value") + chunked_text("host-1") + b"\xff"
                 + b"\xff")
        body = (b"\xbf" + text("Namespace") + chunked_text(ns)
                + text("MetricData") + b"\x9f" + datum + b"\xff" + b"\xff")
        status, headers, resp = self.post("PutMetricData", body, **{"x-amzn-query-mode": "true"})
        self.assertEqual(status, 200, resp)
        self.assert_cbor_headers(headers)
        self.assertEqual(resp, b"\xa0")  # no output: an empty map

        status, headers, resp = self.post("ListMetrics",
                                          b"\xa1" + text("Namespace") + text(ns))
        self.assertEqual(status, 200)
        self.assertEqual(cbor_decode(resp)["Metrics"], [
            {"Namespace": ns, "MetricName": "Latency",
             "Dimensions": [{"Name": "Host", "Value": "host-1"}]}])

    def test_boto3(self):
        import botocore.exceptions

        cw = self.ds.client("cloudwatch", protocol="smithy-rpc-v2-cbor")
        self.assertEqual(cw.meta.service_model.resolved_protocol, "smithy-rpc-v2-cbor")
        ns = "Cbor/" + uuid.uuid4().hex[:8]
        when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
        cw.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": "Errors", "Timestamp": when, "Values": [0, 1.5, 2e10],
             "Counts": [1, 2, 3], "Unit": "Count", "StorageResolution": 1,
             "Dimensions": [{"Name": "Svc", "Value": "web/1"}]}])
        r = cw.list_metrics(Namespace=ns)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["Metrics"], [{"Namespace": ns, "MetricName": "Errors",
                                         "Dimensions": [{"Name": "Svc",
                                                         "Value": "web/1"}]}])
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cw.list_metrics(NextToken="not-a-token")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidParameterValue")


if __name__ == "__main__":
    harness.main()
