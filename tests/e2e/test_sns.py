#!/usr/bin/env python3
"""SNS end to end: topics, subscriptions, Publish, and real HTTP delivery (issue 4, done means
2's SNS part and 6).

A loopback HTTP subscriber (Python's http.server in a thread) receives the
SubscriptionConfirmation, confirms by GETting its SubscribeURL as real subscribers do
(unsigned, so drillsim must take the account from the ARN), and then receives notifications
whose signatures a verifier written from AWS's documented algorithm checks against the
certificate served at SigningCertURL (with the `cryptography` package, and once with the
openssl command). With a manual clock, a subscriber that answers 500 twice gets the third
attempt exactly when the clock has moved by the default policy's delays (20 s each); a
realtime server retries on the wall clock. Errors are checked against AWS's texts. Each test
works in its own account, so the tests do not see each other's topics.
"""
import base64
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import botocore.exceptions
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

import harness

START = "2026-01-01T00:00:00Z"
CLOCK = ["--clock", "manual@" + START]
NS = "{http://sns.amazonaws.com/doc/2010-03-31/}"
WAIT_S = 20  # ASan builds are slow; deliveries normally take milliseconds


class Subscriber:
    """A loopback HTTP endpoint that records every POST. plan[path] lists the statuses to
    answer Notifications on that path with, in order (then 200); confirmations get 200."""

    def __init__(self):
        self.requests = []
        self.plan = {}
        self.delay = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n).decode("utf-8")
                kind = self.headers.get("x-amz-sns-message-type")
                with outer.lock:
                    outer.requests.append({"path": self.path, "headers": dict(self.headers),
                                           "body": body, "type": kind})
                    statuses = outer.plan.get(self.path, [])
                    status = statuses.pop(0) if statuses and kind == "Notification" else 200
                    pause = outer.delay.get(self.path, 0)
                if pause:
                    time.sleep(pause)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.server.server_address[1], path)

    def received(self, path, kind=None):
        with self.lock:
            return [r for r in self.requests
                    if r["path"] == path and (kind is None or r["type"] == kind)]

    def wait(self, path, kind, count=1, timeout=WAIT_S):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.received(path, kind)
            if len(got) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError("%s got %d %s requests, wanted %d" %
                             (path, len(self.received(path, kind)), kind, count))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def string_to_sign(m):
    """The string to sign, per AWS's 'Verifying the signatures of Amazon SNS messages'."""
    if m["Type"] == "Notification":
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join("%s\n%s\n" % (k, m[k]) for k in keys if k in m)


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.headers, r.read()


_certs = {}


def verify(m):
    """Verifies an SNS message's signature with the certificate at its SigningCertURL."""
    url = m["SigningCertURL"]
    if url not in _certs:
        _certs[url] = fetch(url)[2]
    cert = x509.load_pem_x509_certificate(_certs[url])
    digest = hashes.SHA256() if m["SignatureVersion"] == "2" else hashes.SHA1()
    cert.public_key().verify(base64.b64decode(m["Signature"]),
                             string_to_sign(m).encode("utf-8"), padding.PKCS1v15(), digest)


def error_of(fn, **kw):
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"]["Message"],
                e.response["ResponseMetadata"]["HTTPStatusCode"])
    raise AssertionError("no error")


class SnsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=CLOCK).start()
        cls.sub = Subscriber()
        cls.accounts = iter(range(100000000001, 100000000100))

    @classmethod
    def tearDownClass(cls):
        cls.sub.close()
        cls.ds.stop()

    def setUp(self):
        self.account = str(next(self.accounts))
        self.sns = self.ds.client("sns", access_key=self.account)
        self.path = "/%s/%s" % (self.account, self._testMethodName)

    def advance(self, seconds):
        self.ds.control("POST", "/_drill/clock/advance?team=%s" % self.account,
                        {"seconds": seconds})

    def messages(self, topic=None):
        q = "/_drill/sns/messages?team=%s" % self.account
        if topic:
            q += "&topic=" + urllib.request.quote(topic)
        return self.ds.control("GET", q)["messages"]

    def delivery_of(self, message_id):
        for m in self.messages():
            if m["messageId"] == message_id:
                return m["deliveries"]
        raise AssertionError("no message %s" % message_id)

    def wait_delivery(self, message_id, pred, timeout=WAIT_S):
        deadline = time.time() + timeout
        while time.time() < deadline:
            d = self.delivery_of(message_id)
            if d and pred(d[0]):
                return d[0]
            time.sleep(0.02)
        raise AssertionError("delivery of %s: %r" % (message_id, self.delivery_of(message_id)))

    def http_subscription(self, topic, path=None, attrs=None):
        """Subscribes the loopback endpoint and confirms as a subscriber does; returns the
        subscription ARN and the confirmation message."""
        path = path or self.path
        kw = {"Attributes": attrs} if attrs else {}
        r = self.sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=self.sub.url(path),
                               **kw)
        self.assertEqual(r["SubscriptionArn"], "pending confirmation")
        conf = json.loads(self.sub.wait(path, "SubscriptionConfirmation")[-1]["body"])
        status, _, body = fetch(conf["SubscribeURL"])  # unsigned GET, as subscribers do
        self.assertEqual(status, 200)
        arn = ET.fromstring(body).find(NS + "ConfirmSubscriptionResult/" + NS +
                                       "SubscriptionArn").text
        return arn, conf

    # --- topics ------------------------------------------------------------------------------

    def test_topic_crud_and_attributes(self):
        arn = self.sns.create_topic(Name="orders")["TopicArn"]
        self.assertEqual(arn, "arn:aws:sns:us-east-1:%s:orders" % self.account)
        # idempotent by name
        self.assertEqual(self.sns.create_topic(Name="orders")["TopicArn"], arn)
        a = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(a["TopicArn"], arn)
        self.assertEqual(a["Owner"], self.account)
        self.assertEqual(a["DisplayName"], "")
        self.assertEqual((a["SubscriptionsConfirmed"], a["SubscriptionsPending"],
                          a["SubscriptionsDeleted"]), ("0", "0", "0"))
        policy = json.loads(a["Policy"])
        self.assertEqual(policy["Id"], "__default_policy_ID")
        self.assertEqual(policy["Statement"][0]["Resource"], arn)
        self.assertEqual(policy["Statement"][0]["Condition"],
                         {"StringEquals": {"AWS:SourceOwner": self.account}})
        self.assertEqual(json.loads(a["EffectiveDeliveryPolicy"]), {"http": {
            "defaultHealthyRetryPolicy": {
                "minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
                "numMaxDelayRetries": 0, "numNoDelayRetries": 0, "numMinDelayRetries": 0,
                "backoffFunction": "linear"},
            "disableSubscriptionOverrides": False,
            "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"}}})
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName",
                                      AttributeValue="Orders")
        dp = {"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 6,
                                                     "numRetries": 1},
                       "disableSubscriptionOverrides": False}}
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DeliveryPolicy",
                                      AttributeValue=json.dumps(dp))
        a = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(a["DisplayName"], "Orders")
        self.assertEqual(json.loads(a["DeliveryPolicy"]), dp)
        eff = json.loads(a["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]
        self.assertEqual((eff["minDelayTarget"], eff["maxDelayTarget"], eff["numRetries"],
                          eff["backoffFunction"]), (5, 6, 1, "linear"))
        # an empty DeliveryPolicy removes it
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DeliveryPolicy",
                                      AttributeValue="")
        self.assertNotIn("DeliveryPolicy",
                         self.sns.get_topic_attributes(TopicArn=arn)["Attributes"])
        self.assertEqual(error_of(self.sns.set_topic_attributes, TopicArn=arn,
                                  AttributeName="DeliveryPolicy", AttributeValue=json.dumps(
                                      {"http": {"defaultHealthyRetryPolicy":
                                                {"numRetries": 101}}})),
                         ("InvalidParameter", "Invalid parameter: DeliveryPolicy: http."
                          "defaultHealthyRetryPolicy.numRetries must be less than or equal to "
                          "100", 400))
        self.assertEqual(error_of(self.sns.set_topic_attributes, TopicArn=arn,
                                  AttributeName="DeliveryPolicy",
                                  AttributeValue='{"throttlePolicy":{}}'),
                         ("InvalidParameter", "Invalid parameter: DeliveryPolicy: Unexpected "
                          "JSON member: throttlePolicy", 400))
        for name in ("Nope", "FifoTopic"):
            self.assertEqual(error_of(self.sns.set_topic_attributes, TopicArn=arn,
                                      AttributeName=name, AttributeValue="x"),
                             ("InvalidParameter", "Invalid parameter: AttributeName", 400))
        # the same name with other attributes or tags is refused
        self.assertEqual(error_of(self.sns.create_topic, Name="orders",
                                  Attributes={"DisplayName": "Other"})[1],
                         "Invalid parameter: Attributes Reason: Topic already exists with "
                         "different attributes")
        self.assertEqual(error_of(self.sns.create_topic, Name="orders",
                                  Tags=[{"Key": "k", "Value": "v"}])[1],
                         "Invalid parameter: Tags Reason: Topic already exists with different "
                         "tags")
        # DeleteTopic is idempotent; afterwards the topic does not exist
        self.sns.delete_topic(TopicArn=arn)
        self.sns.delete_topic(TopicArn=arn)
        self.assertEqual(error_of(self.sns.get_topic_attributes, TopicArn=arn),
                         ("NotFound", "Topic does not exist", 404))
        self.assertEqual(self.sns.list_topics()["Topics"], [])

    def test_topic_names_arns_and_fifo(self):
        for bad in ("", "a" * 257, "has space", "semi;colon", "dot.name", "x.fifo"):
            self.assertEqual(error_of(self.sns.create_topic, Name=bad)[:2],
                             ("InvalidParameter", "Invalid parameter: Topic Name"), bad)
        self.sns.create_topic(Name="a" * 256)
        self.assertEqual(error_of(self.sns.create_topic, Name="plain",
                                  Attributes={"FifoTopic": "true"})[1],
                         "Fifo Topic names must end with .fifo and must be made up of only "
                         "uppercase and lowercase ASCII letters, numbers, underscores, and "
                         "hyphens, and must be between 1 and 256 characters long.")
        self.assertEqual(error_of(self.sns.create_topic, Name="t", Attributes={"Bogus": "1"})[1],
                         "Invalid parameter: Attributes Reason: Invalid attribute name: Bogus")
        # malformed and foreign ARNs, as AWS words them
        for arn, msg in [
                ("randomstring", "Invalid parameter: TopicArn Reason: An ARN must have at least "
                                 "6 elements, not 1"),
                ("arn:aws:sns:us-east-1:random", "Invalid parameter: TopicArn Reason: An ARN "
                                                 "must have at least 6 elements, not 5"),
                ("arn:aws:sns:eu-west-1:%s:x" % self.account, "Invalid parameter: TopicArn")]:
            self.assertEqual(error_of(self.sns.publish, TopicArn=arn, Message="m"),
                             ("InvalidParameter", msg, 400))
        self.assertEqual(error_of(self.sns.publish, TopicArn="arn:aws:sns:us-east-1:%s:none"
                                  % self.account, Message="m"),
                         ("NotFound", "Topic does not exist", 404))
        # FIFO topics: group id and deduplication, sequence numbers, duplicates
        fifo = self.sns.create_topic(Name="jobs.fifo", Attributes={"FifoTopic": "true"})
        fifo = fifo["TopicArn"]
        a = self.sns.get_topic_attributes(TopicArn=fifo)["Attributes"]
        self.assertEqual((a["FifoTopic"], a["ContentBasedDeduplication"]), ("true", "false"))
        self.assertEqual(error_of(self.sns.publish, TopicArn=fifo, Message="m")[1],
                         "Invalid parameter: The MessageGroupId parameter is required for FIFO "
                         "topics")
        self.assertEqual(error_of(self.sns.publish, TopicArn=fifo, Message="m",
                                  MessageGroupId="g")[1],
                         "Invalid parameter: The topic should either have "
                         "ContentBasedDeduplication enabled or MessageDeduplicationId provided "
                         "explicitly")
        r1 = self.sns.publish(TopicArn=fifo, Message="m", MessageGroupId="g",
                              MessageDeduplicationId="d1")
        r2 = self.sns.publish(TopicArn=fifo, Message="m", MessageGroupId="g",
                              MessageDeduplicationId="d1")
        r3 = self.sns.publish(TopicArn=fifo, Message="m", MessageGroupId="g",
                              MessageDeduplicationId="d2")
        self.assertEqual(r1["MessageId"], r2["MessageId"])
        self.assertEqual(r1["SequenceNumber"], r2["SequenceNumber"])
        self.assertRegex(r1["SequenceNumber"], r"^\d{20}$")
        self.assertGreater(int(r3["SequenceNumber"]), int(r1["SequenceNumber"]))
        self.sns.set_topic_attributes(TopicArn=fifo, AttributeName="ContentBasedDeduplication",
                                      AttributeValue="true")
        self.assertEqual(self.sns.publish(TopicArn=fifo, Message="same", MessageGroupId="g")
                         ["MessageId"], self.sns.publish(TopicArn=fifo, Message="same",
                                                         MessageGroupId="g")["MessageId"])
        self.assertEqual(error_of(self.sns.subscribe, TopicArn=fifo, Protocol="email",
                                  Endpoint="a@example.com")[1],
                         "Invalid parameter: Invalid protocol type: email")
        std = self.sns.create_topic(Name="std")["TopicArn"]
        self.assertEqual(error_of(self.sns.publish, TopicArn=std, Message="m",
                                  MessageDeduplicationId="d")[1],
                         "Invalid parameter: MessageDeduplicationId Reason: The request "
                         "includes MessageDeduplicationId parameter that is not valid for this "
                         "topic type")
        self.assertEqual(error_of(self.sns.subscribe, TopicArn=std, Protocol="sqs",
                                  Endpoint="arn:aws:sqs:us-east-1:%s:q.fifo" % self.account)[1],
                         "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS "
                         "Queues can not be subscribed to standard SNS topics")

    def test_list_topics_pages(self):
        for i in range(105):
            self.sns.create_topic(Name="t%03d" % i)
        first = self.sns.list_topics()
        self.assertEqual(len(first["Topics"]), 100)
        second = self.sns.list_topics(NextToken=first["NextToken"])
        self.assertEqual(len(second["Topics"]), 5)
        self.assertNotIn("NextToken", second)
        arns = [t["TopicArn"] for page in self.sns.get_paginator("list_topics").paginate()
                for t in page["Topics"]]
        self.assertEqual(len(set(arns)), 105)

    # --- HTTP delivery -----------------------------------------------------------------------

    def test_http_confirmation_and_signed_notifications(self):
        topic = self.sns.create_topic(Name="alerts")["TopicArn"]
        r = self.sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=self.sub.url(self.path),
                               ReturnSubscriptionArn=True)
        sub_arn = r["SubscriptionArn"]
        self.assertRegex(sub_arn, "^%s:[0-9a-f-]{36}$" % re.escape(topic))
        req = self.sub.wait(self.path, "SubscriptionConfirmation")[0]
        h = {k.lower(): v for k, v in req["headers"].items()}
        self.assertEqual(h["content-type"], "text/plain; charset=UTF-8")
        self.assertEqual(h["user-agent"], "Amazon Simple Notification Service Agent")
        self.assertEqual(h["x-amz-sns-topic-arn"], topic)
        self.assertNotIn("x-amz-sns-subscription-arn", h)
        conf = json.loads(req["body"])
        self.assertEqual(h["x-amz-sns-message-id"], conf["MessageId"])
        self.assertEqual(conf["Type"], "SubscriptionConfirmation")
        self.assertEqual(conf["TopicArn"], topic)
        self.assertEqual(conf["Message"], "You have chosen to subscribe to the topic %s.\nTo "
                         "confirm the subscription, visit the SubscribeURL included in this "
                         "message." % topic)
        self.assertEqual(conf["Timestamp"], "2026-01-01T00:00:00.000Z")
        self.assertTrue(conf["SubscribeURL"].startswith(
            "%s/?Action=ConfirmSubscription&TopicArn=%s&Token=%s" %
            (self.ds.endpoint, topic, conf["Token"])))
        self.assertEqual(conf["SigningCertURL"], self.ds.endpoint + "/_drill/sns/cert.pem")
        verify(conf)
        # pending until the subscriber confirms
        a = self.sns.get_subscription_attributes(SubscriptionArn=sub_arn)["Attributes"]
        self.assertEqual((a["PendingConfirmation"], a["ConfirmationWasAuthenticated"]),
                         ("true", "false"))
        subs = self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        self.assertEqual([s["SubscriptionArn"] for s in subs], ["PendingConfirmation"])
        a = self.sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        self.assertEqual((a["SubscriptionsPending"], a["SubscriptionsConfirmed"]), ("1", "0"))
        # nothing is delivered to a pending subscription
        pending_id = self.sns.publish(TopicArn=topic, Message="too early")["MessageId"]
        self.assertEqual(self.delivery_of(pending_id), [])
        # the subscriber GETs the SubscribeURL, unsigned
        status, headers, body = fetch(conf["SubscribeURL"])
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/xml"))
        self.assertEqual(ET.fromstring(body).find(NS + "ConfirmSubscriptionResult/" + NS +
                                                  "SubscriptionArn").text, sub_arn)
        a = self.sns.get_subscription_attributes(SubscriptionArn=sub_arn)["Attributes"]
        self.assertEqual((a["PendingConfirmation"], a["ConfirmationWasAuthenticated"],
                          a["Protocol"], a["Endpoint"], a["Owner"], a["TopicArn"],
                          a["RawMessageDelivery"]),
                         ("false", "false", "http", self.sub.url(self.path), self.account, topic,
                          "false"))
        self.assertEqual(json.loads(a["EffectiveDeliveryPolicy"])["healthyRetryPolicy"]
                         ["numRetries"], 3)
        self.assertEqual(self.sns.list_subscriptions()["Subscriptions"][0]["SubscriptionArn"],
                         sub_arn)
        # a notification, signed (SignatureVersion 1), with the headers AWS sends
        self.advance(5)
        attrs = {"severity": {"DataType": "String", "StringValue": "high"},
                 "count": {"DataType": "Number", "StringValue": "3"},
                 "blob": {"DataType": "Binary", "BinaryValue": b"\x02\x03\x04"}}
        mid = self.sns.publish(TopicArn=topic, Message="line one\nline two \u00e9",
                               Subject="Disk full", MessageAttributes=attrs)["MessageId"]
        req = self.sub.wait(self.path, "Notification")[0]
        h = {k.lower(): v for k, v in req["headers"].items()}
        self.assertEqual((h["x-amz-sns-message-type"], h["x-amz-sns-message-id"],
                          h["x-amz-sns-topic-arn"], h["x-amz-sns-subscription-arn"]),
                         ("Notification", mid, topic, sub_arn))
        n = json.loads(req["body"])
        self.assertEqual(list(n), ["Type", "MessageId", "TopicArn", "Subject", "Message",
                                   "Timestamp", "SignatureVersion", "Signature",
                                   "SigningCertURL", "UnsubscribeURL", "MessageAttributes"])
        self.assertEqual((n["Message"], n["Subject"], n["Timestamp"], n["SignatureVersion"]),
                         ("line one\nline two \u00e9", "Disk full", "2026-01-01T00:00:05.000Z",
                          "1"))
        self.assertEqual(n["MessageAttributes"], {
            "severity": {"Type": "String", "Value": "high"},
            "count": {"Type": "Number", "Value": "3"},
            "blob": {"Type": "Binary", "Value": "AgME"}})
        self.assertTrue(n["UnsubscribeURL"].startswith(
            "%s/?Action=Unsubscribe&SubscriptionArn=%s" % (self.ds.endpoint, sub_arn)))
        verify(n)
        # a verifier that is not Python's: the openssl command
        self.openssl_verify(n)
        # tampering breaks the signature
        forged = dict(n, Message="forged")
        with self.assertRaises(Exception):
            verify(forged)
        # SignatureVersion 2: SHA256withRSA
        self.sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion",
                                      AttributeValue="2")
        self.sns.publish(TopicArn=topic, Message="v2")
        n2 = json.loads(self.sub.wait(self.path, "Notification", 2)[1]["body"])
        self.assertEqual((n2["SignatureVersion"], n2["Message"]), ("2", "v2"))
        self.assertNotIn("Subject", n2)
        verify(n2)
        # every message is kept, with its deliveries
        kept = self.messages(topic)
        self.assertEqual([m["type"] for m in kept],
                         ["SubscriptionConfirmation", "Notification", "Notification",
                          "Notification"])
        self.assertEqual(kept[2]["messageId"], mid)
        self.assertEqual(kept[2]["subject"], "Disk full")
        d = self.wait_delivery(mid, lambda d: d["state"] == "delivered")
        self.assertEqual((d["attempts"], d["log"][0]["status"], d["subscriptionArn"]),
                         (1, 200, sub_arn))

    def openssl_verify(self, m):
        tmp = tempfile.mkdtemp(prefix="drillsim-sns-")
        try:
            paths = {n: os.path.join(tmp, n) for n in ("cert.pem", "pub.pem", "sig", "msg")}
            with open(paths["cert.pem"], "wb") as f:
                f.write(fetch(m["SigningCertURL"])[2])
            with open(paths["sig"], "wb") as f:
                f.write(base64.b64decode(m["Signature"]))
            with open(paths["msg"], "wb") as f:
                f.write(string_to_sign(m).encode("utf-8"))
            subprocess.run(["openssl", "x509", "-in", paths["cert.pem"], "-pubkey", "-noout",
                            "-out", paths["pub.pem"]], check=True, capture_output=True)
            digest = "-sha256" if m["SignatureVersion"] == "2" else "-sha1"
            p = subprocess.run(["openssl", "dgst", digest, "-verify", paths["pub.pem"],
                                "-signature", paths["sig"], paths["msg"]], capture_output=True,
                               text=True)
            self.assertEqual(p.stdout.strip(), "Verified OK", p.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_failing_subscriber_gets_the_third_attempt(self):
        """Done means 6: an http subscriber that fails the first two deliveries receives the
        third, each retry coming when the sim clock has moved by the default policy's 20 s."""
        topic = self.sns.create_topic(Name="flaky")["TopicArn"]
        self.sub.plan[self.path] = [500, 500]
        self.http_subscription(topic)
        mid = self.sns.publish(TopicArn=topic, Message="retry me")["MessageId"]
        self.sub.wait(self.path, "Notification", 1)
        d = self.wait_delivery(mid, lambda d: d["state"] == "pending" and d["attempts"] == 1)
        self.assertEqual(d["log"][0]["status"], 500)
        self.assertEqual(d["nextAttemptAt"], "2026-01-01T00:00:20.000Z")
        # not a second early
        self.advance(19)
        time.sleep(0.3)
        self.assertEqual(len(self.sub.received(self.path, "Notification")), 1)
        self.advance(1)
        self.sub.wait(self.path, "Notification", 2)
        d = self.wait_delivery(mid, lambda d: d["state"] == "pending" and d["attempts"] == 2)
        self.assertEqual(d["nextAttemptAt"], "2026-01-01T00:00:40.000Z")
        self.advance(20)
        got = self.sub.wait(self.path, "Notification", 3)
        d = self.wait_delivery(mid, lambda d: d["state"] == "delivered")
        self.assertEqual([e["status"] for e in d["log"]], [500, 500, 200])
        self.assertEqual([e["at"] for e in d["log"]],
                         ["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:20.000Z",
                          "2026-01-01T00:00:40.000Z"])
        # the same message every time
        bodies = [json.loads(r["body"]) for r in got]
        self.assertEqual({b["MessageId"] for b in bodies}, {mid})
        self.assertEqual(len({b["Signature"] for b in bodies}), 1)
        # no more attempts after success
        self.advance(60)
        time.sleep(0.3)
        self.assertEqual(len(self.sub.received(self.path, "Notification")), 3)

    def test_retries_run_out_and_4xx_is_not_retried(self):
        topic = self.sns.create_topic(Name="down")["TopicArn"]
        self.sub.plan[self.path] = [503] * 10
        self.http_subscription(topic)
        mid = self.sns.publish(TopicArn=topic, Message="m")["MessageId"]
        for n in (1, 2, 3):
            self.wait_delivery(mid, lambda d, n=n: d["attempts"] == n and d["state"] == "pending")
            self.advance(20)
        d = self.wait_delivery(mid, lambda d: d["state"] == "failed")
        self.assertEqual(d["attempts"], 4)  # the first attempt and numRetries (3)
        self.advance(100)
        time.sleep(0.3)
        self.assertEqual(len(self.sub.received(self.path, "Notification")), 4)
        # AWS counts answers in 200-4xx as delivered: a 404 is not retried
        path = self.path + "/gone"
        self.sub.plan[path] = [404]
        self.http_subscription(topic, path)
        mid = self.sns.publish(TopicArn=topic, Message="m2")["MessageId"]
        deadline = time.time() + WAIT_S
        while time.time() < deadline:
            d = {x["endpoint"]: x for x in self.delivery_of(mid)}[self.sub.url(path)]
            if d["state"] == "rejected":
                break
            time.sleep(0.02)
        self.assertEqual((d["state"], d["attempts"], d["log"][0]["status"]), ("rejected", 1, 404))
        self.advance(60)
        time.sleep(0.3)
        self.assertEqual(len(self.sub.received(path, "Notification")), 1)

    def test_subscription_delivery_policy_and_raw_delivery(self):
        topic = self.sns.create_topic(Name="raw")["TopicArn"]
        self.sub.plan[self.path] = [500]
        policy = {"healthyRetryPolicy": {"numRetries": 1, "minDelayTarget": 5,
                                         "maxDelayTarget": 5},
                  "requestPolicy": {"headerContentType": "application/json"}}
        arn, _ = self.http_subscription(topic, attrs={"RawMessageDelivery": "true",
                                                      "DeliveryPolicy": json.dumps(policy)})
        a = self.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        self.assertEqual(a["RawMessageDelivery"], "true")
        eff = json.loads(a["EffectiveDeliveryPolicy"])
        self.assertEqual((eff["healthyRetryPolicy"]["numRetries"],
                          eff["healthyRetryPolicy"]["minDelayTarget"],
                          eff["requestPolicy"]["headerContentType"]),
                         (1, 5, "application/json"))
        self.assertEqual(json.loads(a["DeliveryPolicy"])["guaranteed"], False)
        mid = self.sns.publish(TopicArn=topic, Message="just the text")["MessageId"]
        self.wait_delivery(mid, lambda d: d["attempts"] == 1 and d["state"] == "pending")
        self.advance(5)
        got = self.sub.wait(self.path, "Notification", 2)
        h = {k.lower(): v for k, v in got[1]["headers"].items()}
        self.assertEqual(got[1]["body"], "just the text")
        self.assertEqual((h["x-amz-sns-rawdelivery"], h["content-type"]),
                         ("true", "application/json"))
        self.wait_delivery(mid, lambda d: d["state"] == "delivered")
        # attribute errors, in AWS's words
        self.assertEqual(error_of(self.sns.set_subscription_attributes, SubscriptionArn=arn,
                                  AttributeName="RawMessageDelivery",
                                  AttributeValue="test-ValUe")[1],
                         "Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. "
                         "Must be true or false.")
        self.assertEqual(error_of(self.sns.set_subscription_attributes, SubscriptionArn=arn,
                                  AttributeName="Fake", AttributeValue="x")[1],
                         "Invalid parameter: AttributeName")
        self.assertEqual(error_of(self.sns.set_subscription_attributes, SubscriptionArn=arn,
                                  AttributeName="RedrivePolicy",
                                  AttributeValue='{"deadLetterTargetArn": "nope"}')[1],
                         "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid "
                         "arn")
        self.assertTrue(error_of(self.sns.set_subscription_attributes, SubscriptionArn=arn,
                                 AttributeName="FilterPolicy", AttributeValue="{invalid")[1]
                        .startswith("Invalid parameter: FilterPolicy: failed to parse JSON."))

    def test_filter_policy(self):
        topic = self.sns.create_topic(Name="filtered")["TopicArn"]
        arn, _ = self.http_subscription(topic, attrs={
            "FilterPolicy": json.dumps({"severity": ["high", {"prefix": "crit"}],
                                        "count": [{"numeric": [">", 2]}]})})
        a = self.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        self.assertEqual(a["FilterPolicyScope"], "MessageAttributes")

        def attrs(sev, count):
            return {"severity": {"DataType": "String", "StringValue": sev},
                    "count": {"DataType": "Number", "StringValue": str(count)}}
        yes = self.sns.publish(TopicArn=topic, Message="a", MessageAttributes=attrs("critical",
                                                                                    5))
        no = self.sns.publish(TopicArn=topic, Message="b", MessageAttributes=attrs("low", 5))
        self.wait_delivery(yes["MessageId"], lambda d: d["state"] == "delivered")
        self.assertEqual(self.delivery_of(no["MessageId"])[0]["state"], "filtered")
        self.assertEqual([json.loads(r["body"])["Message"]
                          for r in self.sub.received(self.path, "Notification")], ["a"])

    def test_unsubscribe_url_and_restore(self):
        topic = self.sns.create_topic(Name="leaving")["TopicArn"]
        arn, _ = self.http_subscription(topic)
        self.sns.publish(TopicArn=topic, Message="hello")
        n = json.loads(self.sub.wait(self.path, "Notification")[0]["body"])
        # the UnsubscribeURL, unsigned
        status, _, body = fetch(n["UnsubscribeURL"])
        self.assertEqual(status, 200)
        self.assertEqual(ET.fromstring(body).tag, NS + "UnsubscribeResponse")
        req = self.sub.wait(self.path, "UnsubscribeConfirmation")[0]
        h = {k.lower(): v for k, v in req["headers"].items()}
        self.assertEqual(h["x-amz-sns-subscription-arn"], arn)
        u = json.loads(req["body"])
        self.assertEqual(u["Message"], "You have chosen to deactivate subscription %s.\nTo "
                         "cancel this operation and restore the subscription, visit the "
                         "SubscribeURL included in this message." % arn)
        verify(u)
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"],
                         [])
        self.assertEqual(error_of(self.sns.get_subscription_attributes, SubscriptionArn=arn),
                         ("NotFound", "Subscription does not exist", 404))
        gone = self.sns.publish(TopicArn=topic, Message="not for you")["MessageId"]
        self.assertEqual(self.delivery_of(gone), [])
        # Unsubscribe is idempotent
        self.sns.unsubscribe(SubscriptionArn=arn)
        # the UnsubscribeConfirmation's SubscribeURL restores the subscription
        fetch(u["SubscribeURL"])
        subs = self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        self.assertEqual([s["SubscriptionArn"] for s in subs], [arn])

    # --- other protocols, errors -------------------------------------------------------------

    def test_email_stays_pending_and_sms_is_confirmed(self):
        topic = self.sns.create_topic(Name="people")["TopicArn"]
        r = self.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")
        self.assertEqual(r["SubscriptionArn"], "pending confirmation")
        sms = self.sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550100")
        self.assertRegex(sms["SubscriptionArn"], "^%s:" % re.escape(topic))
        subs = {s["Protocol"]: s for s in
                self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]}
        self.assertEqual(subs["email"]["SubscriptionArn"], "PendingConfirmation")
        self.assertEqual(subs["sms"]["SubscriptionArn"], sms["SubscriptionArn"])
        a = self.sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        self.assertEqual((a["SubscriptionsPending"], a["SubscriptionsConfirmed"]), ("1", "1"))
        # the email confirmation is recorded, not sent; nothing goes to a pending email
        conf = [m for m in self.messages(topic) if m["type"] == "SubscriptionConfirmation"][0]
        self.assertEqual((conf["deliveries"][0]["protocol"], conf["deliveries"][0]["state"]),
                         ("email", "recorded"))
        mid = self.sns.publish(TopicArn=topic, Message="to everyone")["MessageId"]
        self.assertEqual([(d["protocol"], d["state"]) for d in self.delivery_of(mid)],
                         [("sms", "recorded")])
        # confirmed with the recorded token, as a user clicking the email's link would
        arn = self.sns.confirm_subscription(TopicArn=topic,
                                            Token=conf["token"])["SubscriptionArn"]
        a = self.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        self.assertEqual((a["PendingConfirmation"], a["ConfirmationWasAuthenticated"]),
                         ("false", "true"))
        mid = self.sns.publish(TopicArn=topic, Message="again")["MessageId"]
        self.assertEqual(sorted((d["protocol"], d["state"]) for d in self.delivery_of(mid)),
                         [("email", "recorded"), ("sms", "recorded")])
        self.assertEqual(error_of(self.sns.confirm_subscription, TopicArn=topic,
                                  Token="00ff")[:2], ("InvalidParameter",
                                                      "Invalid parameter: Token"))
        # publishing to a phone number is recorded too
        r = self.sns.publish(PhoneNumber="+15555550100", Message="sms")
        self.assertRegex(r["MessageId"], "^[0-9a-f-]{36}$")

    def test_subscribe_errors(self):
        topic = self.sns.create_topic(Name="errs")["TopicArn"]
        cases = [
            ("test-protocol", "x", "Invalid parameter: Amazon SNS does not support this "
                                   "protocol string: test-protocol"),
            ("http", "https://example.com/", "Invalid parameter: Endpoint must match the "
                                             "specified protocol"),
            ("https", "http://example.com/", "Invalid parameter: Endpoint must match the "
                                             "specified protocol"),
            ("email", "foo@bar.com;foo@baz.io", "Invalid parameter: Email address"),
            ("email", "", "Invalid parameter: Endpoint"),
            ("sms", "invalid-number", "Invalid SMS endpoint: invalid-number"),
            ("sqs", "https://sqs.us-east-1.amazonaws.com/1/q", "Invalid parameter: SQS endpoint "
                                                              "ARN"),
            ("lambda", "fn", "Invalid parameter: Lambda endpoint ARN"),
        ]
        for protocol, endpoint, msg in cases:
            self.assertEqual(error_of(self.sns.subscribe, TopicArn=topic, Protocol=protocol,
                                      Endpoint=endpoint),
                             ("InvalidParameter", msg, 400), (protocol, endpoint))
        self.assertEqual(error_of(self.sns.subscribe, TopicArn=topic, Protocol="sqs",
                                  Endpoint="arn:aws:sqs:us-east-1:%s:q" % self.account,
                                  Attributes={"RawMessageDelivery": "wrongvalue"})[1],
                         "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid "
                         "value [wrongvalue]. Must be true or false.")
        self.assertEqual(error_of(self.sns.subscribe, TopicArn=topic + "x", Protocol="sms",
                                  Endpoint="+15555550100"),
                         ("NotFound", "Topic does not exist", 404))
        # idempotent by (protocol, endpoint), unless the attributes differ
        q = "arn:aws:sqs:us-east-1:%s:q" % self.account
        a1 = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=q,
                                Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
        self.assertEqual(self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=q)
                         ["SubscriptionArn"], a1)
        self.assertEqual(error_of(self.sns.subscribe, TopicArn=topic, Protocol="sqs",
                                  Endpoint=q, Attributes={"RawMessageDelivery": "false"})[1],
                         "Invalid parameter: Attributes Reason: Subscription already exists "
                         "with different attributes")
        # subscription ARNs
        for arn, msg in [
                ("randomstring", "Invalid parameter: SubscriptionArn Reason: An ARN must have "
                                 "at least 6 elements, not 1"),
                ("arn:aws:sns:us-east-1:random", "Invalid parameter: SubscriptionArn Reason: An "
                                                 "ARN must have at least 6 elements, not 5"),
                ("arn:aws:sns:us-east-1:111111111111:random", "Invalid parameter: "
                                                              "SubscriptionId")]:
            self.assertEqual(error_of(self.sns.unsubscribe, SubscriptionArn=arn),
                             ("InvalidParameter", msg, 400))
        missing = topic + ":00000000-0000-4000-8000-000000000000"
        self.sns.unsubscribe(SubscriptionArn=missing)  # idempotent
        self.assertEqual(error_of(self.sns.get_subscription_attributes,
                                  SubscriptionArn=missing),
                         ("NotFound", "Subscription does not exist", 404))

    def test_publish_errors(self):
        topic = self.sns.create_topic(Name="pub")["TopicArn"]
        p = self.sns.publish
        cases = [
            (dict(Message="m"), "InvalidParameter", "Invalid parameter: TopicArn or TargetArn "
                                                    "Reason: no value for required parameter"),
            (dict(TopicArn=topic, Message=""), "InvalidParameter",
             "Invalid parameter: Empty message"),
            (dict(TopicArn=topic, Message="m", Subject=""), "InvalidParameter",
             "Invalid parameter: Subject"),
            (dict(TopicArn=topic, Message="m", Subject="two\nlines"), "InvalidParameter",
             "Invalid parameter: Subject"),
            (dict(TopicArn=topic, Message="m", Subject="s" * 101), "InvalidParameter",
             "Invalid parameter: Subject"),
            (dict(TopicArn=topic, Message="x" * 262145), "InvalidParameter",
             "Invalid parameter: Message too long"),
            (dict(TopicArn=topic, Message="{}", MessageStructure="json"), "InvalidParameter",
             "Invalid parameter: Message Structure - No default entry in JSON message body"),
            (dict(TopicArn=topic, Message="{nope", MessageStructure="json"), "InvalidParameter",
             "Invalid parameter: Message Structure - JSON message body failed to parse"),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                "attr1": {"DataType": "String", "StringValue": ""}}), "ParameterValueInvalid",
             "The message attribute 'attr1' must contain non-empty message attribute value for "
             "message attribute type 'String'."),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                "attr1": {"DataType": "String", "BinaryValue": b"x"}}), "ParameterValueInvalid",
             "The message attribute 'attr1' with type 'String' must use field 'String'."),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                "attr1": {"DataType": "Binary", "StringValue": "x"}}), "ParameterValueInvalid",
             "The message attribute 'attr1' with type 'Binary' must use field 'Binary'."),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                "attr1": {"DataType": "Integer", "StringValue": "1"}}), "ParameterValueInvalid",
             "The message attribute 'attr1' has an invalid message attribute type, the set of "
             "supported type prefixes is Binary, Number, and String."),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                "price": {"DataType": "Number", "StringValue": "abc"}}), "ParameterValueInvalid",
             "Could not cast message attribute 'price' value to number."),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                "a^b": {"DataType": "String", "StringValue": "v"}}), "ParameterValueInvalid",
             "Invalid non-alphanumeric character '#x5E' was found in the message attribute "
             "name. Can only include alphanumeric characters, hyphens, underscores, or dots."),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                ".a": {"DataType": "String", "StringValue": "v"}}), "ParameterValueInvalid",
             "Invalid message attribute name starting with character '.' was found."),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                "a..b": {"DataType": "String", "StringValue": "v"}}), "ParameterValueInvalid",
             "Message attribute name can not have successive '.' character."),
            (dict(TopicArn=topic, Message="m", MessageAttributes={
                "a" * 256: {"DataType": "String", "StringValue": "v"}}),
             "ParameterValueInvalid", "Length of message attribute name must be less than 256 "
                                      "bytes."),
            (dict(PhoneNumber="+1a234", Message="m"), "InvalidParameter",
             "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to"),
        ]
        for kw, code, msg in cases:
            self.assertEqual(error_of(p, **kw), (code, msg, 400), kw.get("Subject", kw)
                             if len(str(kw)) < 300 else "long")
        # a model violation: DataType missing, in SNS's coral wording
        v = self.ds.client("sns", access_key=self.account, parameter_validation=False)
        self.assertEqual(error_of(v.publish, TopicArn=topic, Message="m", MessageAttributes={
            "attr1": {"StringValue": "v"}}),
            ("ValidationError", "1 validation error detected: Value null at "
             "'messageAttributes.attr1.member.dataType' failed to satisfy constraint: Member "
             "must not be null", 400))
        # MessageStructure=json: each protocol gets its own entry
        self.http_subscription(topic)
        self.sns.publish(TopicArn=topic, MessageStructure="json",
                         Message=json.dumps({"default": "d", "http": "for http"}))
        n = json.loads(self.sub.wait(self.path, "Notification")[0]["body"])
        self.assertEqual(n["Message"], "for http")
        verify(n)

    def test_tags(self):
        topic = self.sns.create_topic(Name="tagged", Tags=[{"Key": "k1", "Value": "v1"}])
        topic = topic["TopicArn"]
        self.sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "k2", "Value": "v2"},
                                                       {"Key": "k1", "Value": "v1b"}])
        self.assertEqual(self.sns.list_tags_for_resource(ResourceArn=topic)["Tags"],
                         [{"Key": "k1", "Value": "v1b"}, {"Key": "k2", "Value": "v2"}])
        self.sns.untag_resource(ResourceArn=topic, TagKeys=["k1"])
        self.assertEqual(self.sns.list_tags_for_resource(ResourceArn=topic)["Tags"],
                         [{"Key": "k2", "Value": "v2"}])
        self.assertEqual(error_of(self.sns.tag_resource, ResourceArn=topic,
                                  Tags=[{"Key": "d", "Value": "1"}, {"Key": "d", "Value": "2"}]),
                         ("InvalidParameter", "Invalid parameter: Duplicated keys are not "
                          "allowed.", 400))
        self.assertEqual(error_of(self.sns.tag_resource, ResourceArn=topic, Tags=[
            {"Key": "n%d" % i, "Value": "v"} for i in range(50)])[0], "TagLimitExceeded")
        self.assertEqual(error_of(self.sns.list_tags_for_resource, ResourceArn=topic + "x"),
                         ("ResourceNotFound", "Resource does not exist", 404))

    def test_messages_listing_and_bad_requests(self):
        topic = self.sns.create_topic(Name="listed")["TopicArn"]
        other = self.sns.create_topic(Name="other")["TopicArn"]
        ids = [self.sns.publish(TopicArn=topic, Message="m%d" % i)["MessageId"]
               for i in range(3)]
        self.sns.publish(TopicArn=other, Message="elsewhere")
        self.assertEqual([m["messageId"] for m in self.messages(topic)], ids)
        self.assertEqual(len(self.messages()), 4)
        # pages, oldest first
        q = "/_drill/sns/messages?team=%s&topic=%s&limit=2" % (self.account, topic)
        page = self.ds.control("GET", q)
        self.assertEqual([m["messageId"] for m in page["messages"]], ids[:2])
        page = self.ds.control("GET", q + "&nextToken=" + page["nextToken"])
        self.assertEqual([m["messageId"] for m in page["messages"]], ids[2:])
        for bad in ("limit=0", "limit=abc", "limit=1001", "nextToken=x", "team=abc"):
            with self.assertRaises(urllib.error.HTTPError) as e:
                self.ds.control("GET", "/_drill/sns/messages?" + bad)
            self.assertEqual(e.exception.code, 400, bad)
        # unsigned confirmations with nonsense in them are AWS-shaped errors
        for arn in ("", "x" * 5000, ":" * 3000, "arn:aws:sns:us-east-1:%s:%s" % (self.account,
                                                                             "n" * 400)):
            status, _, body = self.ds.raw("/?Action=ConfirmSubscription&Version=2010-03-31&"
                                          "Token=ab&TopicArn=" + urllib.request.quote(arn),
                                          method="GET")
            self.assertEqual(status, 400)
            root = ET.fromstring(body)
            self.assertEqual(root.find(NS + "Error/" + NS + "Message").text,
                             "Invalid parameter: Topic" if arn.count(":") != 5
                             else "Invalid parameter: Token")
        self.assertEqual(len(self.sns.list_topics()["Topics"]), 2)

    def test_https_endpoint_with_an_untrusted_certificate(self):
        """https endpoints get TLS with the peer verified against the system's CAs: a
        self-signed subscriber is a failed attempt (retried), recorded with curl's reason."""
        import datetime
        import ssl
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime(2020, 1, 1)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(1).not_valid_before(now)
                .not_valid_after(now + datetime.timedelta(days=36500))
                .sign(key, hashes.SHA256()))
        tmp = tempfile.mkdtemp(prefix="drillsim-sns-")
        tls = Subscriber()
        try:
            certfile, keyfile = os.path.join(tmp, "c.pem"), os.path.join(tmp, "k.pem")
            with open(certfile, "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
            with open(keyfile, "wb") as f:
                f.write(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()))
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(certfile, keyfile)
            tls.server.socket = ctx.wrap_socket(tls.server.socket, server_side=True)
            topic = self.sns.create_topic(Name="tls")["TopicArn"]
            url = "https://127.0.0.1:%d/tls" % tls.server.server_address[1]
            self.sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=url)
            deadline = time.time() + WAIT_S
            while time.time() < deadline:
                conf = [m for m in self.messages(topic)][0]["deliveries"][0]
                if conf["attempts"] == 1 and conf["state"] == "pending":
                    break
                time.sleep(0.05)
            self.assertEqual((conf["state"], conf["log"][0]["status"]), ("pending", None))
            self.assertRegex(conf["log"][0]["error"], "(?i)ssl|certificate")
            self.assertEqual(tls.received("/tls"), [])
        finally:
            tls.close()
            shutil.rmtree(tmp, ignore_errors=True)

    # --- the loop never waits for a subscriber -----------------------------------------------

    def test_slow_subscriber_does_not_block(self):
        topic = self.sns.create_topic(Name="slow")["TopicArn"]
        self.http_subscription(topic)
        self.sub.delay[self.path] = 3
        self.sns.publish(TopicArn=topic, Message="take your time")
        self.sub.wait(self.path, "Notification")
        t0 = time.time()
        for _ in range(5):
            self.sns.list_topics()
        self.assertLess(time.time() - t0, 2.0)
        self.sub.delay[self.path] = 0

    # --- the CLIs ------------------------------------------------------------------------------

    def test_cli_v1(self):
        topic = self.sns.create_topic(Name="cli")["TopicArn"]
        p = self.ds.cli("v1", "sns", "publish", "--topic-arn", topic, "--message", "hello",
                        "--subject", "s1", "--message-attributes",
                        '{"severity":{"DataType":"String","StringValue":"high"}}',
                        access_key=self.account)
        self.assertEqual(p.returncode, 0, p.stderr)
        mid = json.loads(p.stdout)["MessageId"]
        kept = [m for m in self.messages(topic) if m["messageId"] == mid][0]
        self.assertEqual((kept["message"], kept["subject"], kept["messageAttributes"]),
                         ("hello", "s1", {"severity": {"DataType": "String",
                                                       "StringValue": "high"}}))
        p = self.ds.cli("v1", "sns", "list-topics", access_key=self.account)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["Topics"], [{"TopicArn": topic}])
        p = self.ds.cli("v1", "sns", "publish", "--topic-arn", topic + "-missing", "--message",
                        "x", access_key=self.account)
        self.assertEqual(p.returncode, 255)
        self.assertIn("An error occurred (NotFound) when calling the Publish operation: Topic "
                      "does not exist", p.stderr)

    @unittest.skipUnless(harness.have_cli_v2(), "no CLI v2")
    def test_cli_v2(self):
        topic = self.sns.create_topic(Name="cli2")["TopicArn"]
        p = self.ds.cli("v2", "sns", "publish", "--topic-arn", topic, "--message", "hi",
                        access_key=self.account)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(json.loads(p.stdout)["MessageId"], "^[0-9a-f-]{36}$")
        p = self.ds.cli("v2", "sns", "list-topics", "--query", "Topics[].TopicArn",
                        "--output", "text", access_key=self.account)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), topic)
        p = self.ds.cli("v2", "sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
                        "--notification-endpoint", "ops@example.com", access_key=self.account)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["SubscriptionArn"], "pending confirmation")


class RealtimeRetry(unittest.TestCase):
    """With a realtime clock, retries follow the wall clock (a 1-second policy here)."""

    def test_retry_on_the_wall_clock(self):
        sub = Subscriber()
        ds = harness.Drillsim().start()
        try:
            sns = ds.client("sns", access_key="222222222222")
            topic = sns.create_topic(Name="rt")["TopicArn"]
            sub.plan["/rt"] = [500]
            policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 1,
                                             "maxDelayTarget": 1}}
            sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=sub.url("/rt"),
                          Attributes={"DeliveryPolicy": json.dumps(policy)})
            conf = json.loads(sub.wait("/rt", "SubscriptionConfirmation")[0]["body"])
            fetch(conf["SubscribeURL"])
            t0 = time.time()
            sns.publish(TopicArn=topic, Message="m")
            got = sub.wait("/rt", "Notification", 2)
            self.assertEqual(len(got), 2)
            self.assertGreater(time.time() - t0, 0.5)
        finally:
            ds.stop()
            sub.close()


class SigningKeyPersists(unittest.TestCase):
    """The signing key and certificate are kept in the store: after a restart on the same data
    file, the certificate is the same and old signatures still verify."""

    def test_restart(self):
        tmp = tempfile.mkdtemp(prefix="drillsim-sns-")
        data = os.path.join(tmp, "state.db")
        try:
            ds = harness.Drillsim(data=data, args=CLOCK).start()
            cert1 = fetch(ds.endpoint + "/_drill/sns/cert.pem")
            ds.stop()
            ds = harness.Drillsim(data=data, args=CLOCK).start()
            cert2 = fetch(ds.endpoint + "/_drill/sns/cert.pem")
            ds.stop()
            self.assertEqual(cert1[2], cert2[2])
            self.assertEqual(cert1[1]["Content-Type"], "application/x-pem-file")
            self.assertIn(b"-----BEGIN CERTIFICATE-----", cert1[2])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    harness.main()
