#!/usr/bin/env python3
"""Bad input of every protocol gets an AWS-shaped 4xx, and the server keeps serving.

Covers issue 2's "done means" 6 (truncated CBOR, invalid JSON, bad form encoding, huge
bodies), plus gzip bodies (good, corrupt, and a bomb), keep-alive, chunked uploads, a
half-sent request that must not block others, and unroutable requests.
"""
import gzip
import http.client
import json
import socket
import time
import unittest
import xml.etree.ElementTree as ET

import harness

SIGV4 = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/{svc}/aws4_request, "
         "SignedHeaders=host;x-amz-date, Signature=00")
CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/ListMetrics"


def json_headers(target, version="1.1", svc="ssm"):
    return {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-%s" % version,
            "Authorization": SIGV4.format(svc=svc)}


def cbor_headers():
    return {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor",
            "Accept": "application/cbor", "x-amzn-query-mode": "true",
            "Authorization": SIGV4.format(svc="monitoring")}


def query_headers(svc="sts"):
    return {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": SIGV4.format(svc=svc)}


def xml_error_code(body):
    root = ET.fromstring(body)
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    assert root.tag.endswith("ErrorResponse"), body
    return root.find("%sError/%sCode" % (ns, ns)).text


def cbor_error_type(body):
    # the body is a small CBOR map {"__type": text, ...}; find the __type text without a library
    i = body.index(b"__type") + len(b"__type")
    head = body[i]
    assert head >> 5 == 3, body  # text string
    n = head & 0x1F
    if n == 24:
        n, i = body[i + 1], i + 1
    return body[i + 1: i + 1 + n].decode()


class Robustness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--max-body", str(1 << 20)]).start()

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def assert_alive(self):
        self.assertEqual(self.ds.control("GET", "/_drill/health")["status"], "ok")
        self.assertIsNone(self.ds.proc.poll(), "drillsim exited")

    # --- JSON ------------------------------------------------------------------------------

    def test_invalid_json(self):
        for body in [b"{", b"{\"Name\":", b"[1]", b"\xff\xfe", b"{\"Name\":\"/x\"}}", b"nul"]:
            status, headers, resp = self.ds.raw("/", body, json_headers("AmazonSSM.GetParameter"))
            self.assertEqual(status, 400, body)
            err = json.loads(resp)
            self.assertEqual(err["__type"], "SerializationException", body)
            self.assertEqual(headers["x-amzn-errortype"], "SerializationException")
            self.assertTrue(headers["content-type"].startswith("application/x-amz-json-1.1"))
        self.assert_alive()

    def test_unknown_target(self):
        status, _, resp = self.ds.raw("/", b"{}", json_headers("AmazonSSM.NoSuchThing"))
        self.assertEqual((status, json.loads(resp)["__type"]), (400, "UnknownOperationException"))
        status, _, resp = self.ds.raw("/", b"{}", json_headers("NoSuchService_2020.Foo"))
        self.assertEqual((status, json.loads(resp)["__type"]), (400, "UnknownOperationException"))
        self.assert_alive()

    # --- CBOR ------------------------------------------------------------------------------

    def test_truncated_cbor(self):
        # {"Namespace": "AWS/ECS"} cut at every length
        good = bytes.fromhex("a1" "69" "4e616d657370616365" "67" "4157532f454353")
        status, headers, _ = self.ds.raw(CBOR_PATH, good, cbor_headers())
        self.assertEqual(status, 200)
        for cut in range(1, len(good)):
            status, headers, resp = self.ds.raw(CBOR_PATH, good[:cut], cbor_headers())
            self.assertTrue(400 <= status < 500, (cut, status))
            self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
            self.assertEqual(headers.get("content-type"), "application/cbor")
            self.assertIn("SerializationException", cbor_error_type(resp))
        for junk in [b"\xff", b"\x1f", b"\x9f\x01", b"\x01", b"\xa1\x01\x02", b"\x5f\x41"]:
            status, headers, resp = self.ds.raw(CBOR_PATH, junk, cbor_headers())
            self.assertTrue(400 <= status < 500, junk)
            self.assertEqual(headers.get("smithy-protocol"), "rpc-v2-cbor")
        self.assert_alive()

    # --- awsQuery --------------------------------------------------------------------------

    def test_bad_form_encoding(self):
        for body in [b"Action=GetCallerIdentity&Version=2011-06-15&X=%zz",
                     b"Action=GetCallerIdentity&Version=2011-06-15&X=%C3",
                     b"Action=GetCallerIdentity&Version=2011-06-15&X=%"]:
            status, headers, resp = self.ds.raw("/", body, query_headers())
            self.assertEqual(status, 400, body)
            self.assertEqual(xml_error_code(resp), "MalformedQueryString")
        status, _, resp = self.ds.raw("/", b"Version=2011-06-15", query_headers())
        self.assertEqual((status, xml_error_code(resp)), (400, "MissingAction"))
        status, _, resp = self.ds.raw("/", b"Action=Nope&Version=2011-06-15", query_headers())
        self.assertEqual((status, xml_error_code(resp)), (400, "InvalidAction"))
        status, _, resp = self.ds.raw("/", b"Action=Nope&Version=1999-01-01", query_headers("x"))
        self.assertEqual((status, xml_error_code(resp)), (400, "InvalidAction"))
        self.assert_alive()

    # --- size limits and gzip ---------------------------------------------------------------

    def test_huge_bodies(self):
        big = b"x" * (3 << 20)
        cases = [
            ("/", json_headers("AmazonSSM.PutParameter"), lambda b: json.loads(b)["__type"]),
            (CBOR_PATH, cbor_headers(), cbor_error_type),
            ("/", query_headers(), xml_error_code),
        ]
        for path, headers, code_of in cases:
            status, h, resp = self.ds.raw(path, big, headers)
            self.assertEqual(status, 413, path)
            self.assertIn("RequestEntityTooLarge", code_of(resp))
            self.assert_alive()

    def test_chunked_too_big(self):
        # no Content-Length: the cap applies while the body streams in
        conn = http.client.HTTPConnection("127.0.0.1", self.ds.port, timeout=10)
        def chunks():
            for _ in range(40):
                yield b"y" * 65536
        conn.request("POST", "/", body=chunks(), headers=json_headers("AmazonSSM.PutParameter"),
                     encode_chunked=True)
        r = conn.getresponse()
        self.assertEqual(r.status, 413)
        self.assertEqual(json.loads(r.read())["__type"], "RequestEntityTooLarge")
        conn.close()
        self.assert_alive()

    def test_gzip(self):
        body = gzip.compress(json.dumps({"Name": "/gz", "Value": "v", "Type": "String"}).encode())
        headers = dict(json_headers("AmazonSSM.PutParameter"), **{"Content-Encoding": "gzip"})
        status, _, resp = self.ds.raw("/", body, headers)
        self.assertEqual(status, 200, resp)
        # corrupt and truncated gzip
        for bad in [b"\x1f\x8b\x08\x00garbage", body[: len(body) // 2]]:
            status, _, resp = self.ds.raw("/", bad, headers)
            self.assertEqual(status, 400)
            self.assertEqual(json.loads(resp)["__type"], "SerializationException")
        # a bomb: 64 KiB that inflates past the 1 MiB cap
        bomb = gzip.compress(b"{" + b" " * (8 << 20) + b"}")
        self.assertLess(len(bomb), 64 << 10)
        status, _, resp = self.ds.raw("/", bomb, headers)
        self.assertEqual(status, 413)
        self.assertEqual(json.loads(resp)["__type"], "RequestEntityTooLarge")
        # an encoding we do not speak
        headers["Content-Encoding"] = "br"
        status, _, _ = self.ds.raw("/", b"{}", headers)
        self.assertEqual(status, 415)
        self.assert_alive()

    # --- connections ------------------------------------------------------------------------

    def test_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.ds.port, timeout=10)
        for _ in range(20):
            conn.request("POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15",
                         headers=query_headers())
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            self.assertNotEqual((r.getheader("Connection") or "").lower(), "close")
        conn.close()

    def test_half_sent_request_does_not_block(self):
        s = socket.create_connection(("127.0.0.1", self.ds.port))
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Na")
        try:
            t0 = time.time()
            self.assert_alive()
            status, _, _ = self.ds.raw("/", b"Action=GetCallerIdentity&Version=2011-06-15",
                                       query_headers())
            self.assertEqual(status, 200)
            self.assertLess(time.time() - t0, 5)
        finally:
            s.close()

    def test_date_header_and_request_id(self):
        status, headers, _ = self.ds.raw("/", b"Action=GetCallerIdentity&Version=2011-06-15",
                                         query_headers())
        self.assertEqual(status, 200)
        self.assertRegex(headers["date"], r"^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$")
        self.assertRegex(headers["x-amzn-requestid"],
                         r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

    def test_reset(self):
        ssm = self.ds.client("ssm")
        ssm.put_parameter(Name="/reset/me", Value="v", Type="String")
        self.assertEqual(ssm.get_parameter(Name="/reset/me")["Parameter"]["Value"], "v")
        self.assertEqual(self.ds.control("POST", "/_drill/reset"),
                         {"reset": True, "team": "000000000000"})
        with self.assertRaises(ssm.exceptions.ParameterNotFound):
            ssm.get_parameter(Name="/reset/me")
        ssm.put_parameter(Name="/reset/me", Value="again", Type="String")
        self.assertEqual(ssm.get_parameter(Name="/reset/me")["Parameter"]["Version"], 1)

    def test_control_api(self):
        health = self.ds.control("GET", "/_drill/health")
        self.assertIn("GetCallerIdentity", health["services"]["sts"]["operations"])
        self.assertIn("awsQuery", health["services"]["cloudwatch"]["protocols"])
        status, _, resp = self.ds.raw("/_drill/nope", b"", {}, method="GET")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(resp)["error"], "NotFound")
        status, _, _ = self.ds.raw("/_drill/health", b"", {}, method="DELETE")
        self.assertEqual(status, 405)


if __name__ == "__main__":
    harness.main()
