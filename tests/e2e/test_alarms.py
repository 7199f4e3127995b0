#!/usr/bin/env python3
"""CloudWatch alarms end to end against a manual clock (issue 4, done means 2, 4 and 7's boto3
and CBOR parts; the CLIs in test_alarms_cli.py, JS v3 in js/alarms.test.mjs).

- The runbook's alarm (DatabaseConnections > 80, Maximum over 300 s, 2 evaluation periods)
  with the ARN of a real topic: connections above 80 for two periods put it in ALARM with the
  reason AWS writes, the history shows the StateUpdate and the Action, and a loopback HTTP
  subscriber (confirmed through its SubscribeURL) receives the alarm notification JSON AWS
  publishes; connections back under 80 return it to OK once (one OK notification).
  AWS/RDS is a namespace only AWS publishes to (PutMetricData refuses AWS/ namespaces, as AWS
  does), so its datapoints enter through POST /_drill/metrics, as RDS's own would.
- The two example tables of the user guide's "How alarm state is evaluated when data is
  missing", every row under every TreatMissingData mode; DatapointsToAlarm (M out of N); an
  alarm on a metric-math expression; composite alarms following their children. The states
  are checked minute by minute against the rules, with the expected values worked out by hand
  in the comments.
- The API surface and its errors; target tracking alarms of Application Auto Scaling.
Every test works in its own account, whose clock starts at 2026-01-01T00:00:00Z.
"""
import datetime
import http.server
import itertools
import json
import os
import sys
import threading
import time
import unittest
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

START = "2026-01-01T00:00:00Z"
T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
WAIT_S = 20  # deliveries are asynchronous; ASan builds are slow
SNS_NS = "{http://sns.amazonaws.com/doc/2010-03-31/}"
DS = None
ACCOUNTS = itertools.count(200000000001)


def setUpModule():
    global DS
    DS = harness.Drillsim(args=["--clock", "manual@" + START]).start()


def tearDownModule():
    harness.unforce_protocol()
    DS.stop()


def at(minutes, seconds=0):
    return T0 + datetime.timedelta(minutes=minutes, seconds=seconds)


def error_of(fn, **kw):
    try:
        fn(**kw)
    except ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"].get("Message", ""),
                e.response["ResponseMetadata"]["HTTPStatusCode"])
    raise AssertionError("no error from %s" % fn.__name__)


class Subscriber:
    """A loopback HTTP endpoint that records every POST."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(n).decode("utf-8"))
                with outer.lock:
                    outer.requests.append((self.path, body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.server.server_address[1], path)

    def received(self, path, kind):
        with self.lock:
            return [b for p, b in self.requests if p == path and b.get("Type") == kind]

    def wait(self, path, kind, count=1):
        deadline = time.time() + WAIT_S
        while time.time() < deadline:
            got = self.received(path, kind)
            if len(got) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError("%s: %d %s, wanted %d" % (path, len(self.received(path, kind)),
                                                       kind, count))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class AlarmTest(unittest.TestCase):
    """Each test gets a fresh account (its own clock, alarms and metrics)."""

    def setUp(self):
        self.account = str(next(ACCOUNTS))
        self.cw = DS.client("cloudwatch", access_key=self.account)

    def advance(self, seconds):
        DS.control("POST", "/_drill/clock/advance?team=%s" % self.account, {"seconds": seconds})

    def inject(self, ns, name, dims, when, value, unit=None):
        datum = {"MetricName": name, "Timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "Value": value, "Dimensions": [{"Name": k, "Value": v} for k, v in dims]}
        if unit:
            datum["Unit"] = unit
        DS.control("POST", "/_drill/metrics?team=%s" % self.account,
                   {"Namespace": ns, "MetricData": [datum]})

    def put(self, ns, name, when, value):
        self.cw.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": name, "Timestamp": when, "Value": value}])

    def alarm(self, name, types=None):
        kw = {"AlarmTypes": types} if types else {}
        r = self.cw.describe_alarms(AlarmNames=[name], **kw)
        got = r["MetricAlarms"] + r["CompositeAlarms"]
        self.assertEqual(len(got), 1, name)
        return got[0]

    def state(self, name):
        return self.alarm(name, ["MetricAlarm", "CompositeAlarm"])["StateValue"]

    def history(self, name, types=("MetricAlarm", "CompositeAlarm"), **kw):
        return self.cw.describe_alarm_history(AlarmName=name, AlarmTypes=list(types),
                                              **kw)["AlarmHistoryItems"]

    def arn(self, name):
        return "arn:aws:cloudwatch:us-east-1:%s:alarm:%s" % (self.account, name)


# --- done means 2: the runbook's alarm ------------------------------------------------------

RUNBOOK = dict(
    AlarmName="golden-path-rds-connections-warning-dev",
    AlarmDescription="RDS connection usage approaching limit",
    MetricName="DatabaseConnections", Namespace="AWS/RDS", Statistic="Maximum", Period=300,
    Threshold=80, ComparisonOperator="GreaterThanThreshold",
    Dimensions=[{"Name": "DBClusterIdentifier", "Value": "golden-path-aurora-dev"}],
    EvaluationPeriods=2)
CLUSTER = [("DBClusterIdentifier", "golden-path-aurora-dev")]


class RunbookAlarm(AlarmTest):
    @classmethod
    def setUpClass(cls):
        cls.sub = Subscriber()

    @classmethod
    def tearDownClass(cls):
        cls.sub.close()

    def subscribe(self, topic, path):
        sns = DS.client("sns", access_key=self.account)
        self.assertEqual(sns.subscribe(TopicArn=topic, Protocol="http",
                                       Endpoint=self.sub.url(path))["SubscriptionArn"],
                         "pending confirmation")
        conf = self.sub.wait(path, "SubscriptionConfirmation")[0]
        with urllib.request.urlopen(conf["SubscribeURL"], timeout=10) as r:
            body = r.read()
        ET.fromstring(body).find(SNS_NS + "ConfirmSubscriptionResult")

    def test_fires_notifies_and_recovers_once(self):
        sns = DS.client("sns", access_key=self.account)
        topic = sns.create_topic(Name="golden-path-alarms")["TopicArn"]
        path = "/runbook/%s" % self.account
        self.subscribe(topic, path)
        self.cw.put_metric_alarm(AlarmActions=[topic], OKActions=[topic], **RUNBOOK)
        name = RUNBOOK["AlarmName"]
        a = self.alarm(name)
        self.assertEqual((a["StateValue"], a["StateReason"]),
                         ("INSUFFICIENT_DATA", "Unchecked: Initial alarm creation"))
        self.assertEqual(a["AlarmArn"], self.arn(name))
        self.assertNotIn("DatapointsToAlarm", a)
        self.assertEqual(a["Dimensions"], RUNBOOK["Dimensions"])
        self.assertTrue(a["ActionsEnabled"])
        self.assertEqual(a["AlarmConfigurationUpdatedTimestamp"], T0)

        # 90 connections at 00:04, 85 at 00:09: the periods [00:00, 00:05) and [00:05, 00:10)
        # both breach at the evaluation of 00:10 (earlier evaluations see one period only,
        # and a lone breaching period is too recent to alarm: the premature-alarm rule)
        self.inject("AWS/RDS", "DatabaseConnections", CLUSTER, at(4), 90)
        self.inject("AWS/RDS", "DatabaseConnections", CLUSTER, at(9), 85)
        for minute in range(1, 10):
            self.advance(60)
            self.assertEqual(self.state(name), "INSUFFICIENT_DATA", "at 00:%02d" % minute)
        self.advance(60)
        a = self.alarm(name)
        self.assertEqual(a["StateValue"], "ALARM")
        reason = ("Threshold Crossed: 2 datapoints [85.0 (01/01/26 00:05:00), 90.0 (01/01/26 "
                  "00:00:00)] were greater than the threshold (80.0).")
        self.assertEqual(a["StateReason"], reason)
        self.assertEqual(a["StateUpdatedTimestamp"], at(10))
        self.assertEqual(a["StateTransitionedTimestamp"], at(10))
        data = json.loads(a["StateReasonData"])
        self.assertEqual(data, {
            "version": "1.0", "queryDate": "2026-01-01T00:10:00.000+0000",
            "startDate": "2026-01-01T00:00:00.000+0000", "statistic": "Maximum", "period": 300,
            "recentDatapoints": [90.0, 85.0], "threshold": 80.0,
            "evaluatedDatapoints": [
                {"timestamp": "2026-01-01T00:05:00.000+0000", "sampleCount": 1.0, "value": 85.0},
                {"timestamp": "2026-01-01T00:00:00.000+0000", "sampleCount": 1.0,
                 "value": 90.0}]})
        # the numbers are written as AWS writes them
        self.assertIn('"threshold":80.0', a["StateReasonData"])

        # history: created, the transition, the action (newest first)
        items = self.history(name)
        self.assertEqual([(i["HistoryItemType"], i["HistorySummary"]) for i in items], [
            ("Action", "Successfully executed action %s" % topic),
            ("StateUpdate", "Alarm updated from INSUFFICIENT_DATA to ALARM"),
            ("ConfigurationUpdate", 'Alarm "%s" created' % name)])
        self.assertEqual([i["Timestamp"] for i in items], [at(10), at(10), T0])
        update = json.loads(items[1]["HistoryData"])
        self.assertEqual((update["oldState"]["stateValue"], update["oldState"]["stateReason"]),
                         ("INSUFFICIENT_DATA", "Insufficient Data: 2 datapoints were unknown."))
        self.assertEqual(update["newState"]["stateReason"], reason)
        self.assertEqual(update["newState"]["stateReasonData"], data)
        action = json.loads(items[0]["HistoryData"])
        self.assertEqual(action["actionState"], "Succeeded")
        self.assertEqual(action["notificationResource"], topic)
        created = json.loads(items[2]["HistoryData"])
        self.assertEqual((created["version"], created["type"]), ("1.0", "Create"))
        self.assertEqual(created["createdAlarm"]["alarmName"], name)
        self.assertEqual(created["createdAlarm"]["okactions"], [topic])
        self.assertEqual(created["createdAlarm"]["threshold"], 80.0)

        # the subscriber got the alarm notification JSON
        note = self.sub.wait(path, "Notification")[0]
        self.assertEqual(note["Subject"], 'ALARM: "%s" in US East (N. Virginia)' % name)
        self.assertEqual(note["TopicArn"], topic)
        msg = json.loads(note["Message"])
        self.assertEqual(list(msg), [
            "AlarmName", "AlarmDescription", "AWSAccountId", "AlarmConfigurationUpdatedTimestamp",
            "NewStateValue", "NewStateReason", "StateChangeTime", "Region", "AlarmArn",
            "OldStateValue", "OKActions", "AlarmActions", "InsufficientDataActions", "Trigger"])
        self.assertEqual(msg, {
            "AlarmName": name, "AlarmDescription": RUNBOOK["AlarmDescription"],
            "AWSAccountId": self.account,
            "AlarmConfigurationUpdatedTimestamp": "2026-01-01T00:00:00.000+0000",
            "NewStateValue": "ALARM", "NewStateReason": reason,
            "StateChangeTime": "2026-01-01T00:10:00.000+0000",
            "Region": "US East (N. Virginia)", "AlarmArn": self.arn(name),
            "OldStateValue": "INSUFFICIENT_DATA", "OKActions": [topic], "AlarmActions": [topic],
            "InsufficientDataActions": [],
            "Trigger": {"MetricName": "DatabaseConnections", "Namespace": "AWS/RDS",
                        "StatisticType": "Statistic", "Statistic": "MAXIMUM", "Unit": None,
                        "Dimensions": [{"value": "golden-path-aurora-dev",
                                        "name": "DBClusterIdentifier"}],
                        "Period": 300, "EvaluationPeriods": 2,
                        "ComparisonOperator": "GreaterThanThreshold", "Threshold": 80.0,
                        "TreatMissingData": "", "EvaluateLowSampleCountPercentile": ""}})
        self.assertIn('"Threshold":80.0', note["Message"])
        self.assertEqual(json.loads(action["publishedMessage"]), {"default": note["Message"]})

        # connections fall back to 50 from 00:10 on: [00:10, 00:15) is the first period under
        # 80, so the evaluation of 00:15 finds 1 of 2 periods breaching and the alarm is OK
        for minute in range(10, 30):
            self.inject("AWS/RDS", "DatabaseConnections", CLUSTER, at(minute), 50)
        for minute in range(11, 15):
            self.advance(60)
            self.assertEqual(self.state(name), "ALARM", "at 00:%02d" % minute)
        self.advance(60)
        a = self.alarm(name)
        self.assertEqual(a["StateValue"], "OK")
        self.assertEqual(a["StateReason"], "Threshold Crossed: 1 datapoint [50.0 (01/01/26 "
                                           "00:10:00)] was not greater than the threshold "
                                           "(80.0).")
        self.advance(15 * 60)  # it stays OK: one transition, one OK notification
        self.assertEqual(self.state(name), "OK")
        oks = self.sub.wait(path, "Notification", 2)
        time.sleep(0.3)
        notes = self.sub.received(path, "Notification")
        self.assertEqual(len(notes), 2)
        ok = json.loads(oks[1]["Message"])
        self.assertEqual((ok["OldStateValue"], ok["NewStateValue"]), ("ALARM", "OK"))
        self.assertEqual(oks[1]["Subject"], 'OK: "%s" in US East (N. Virginia)' % name)
        updates = self.history(name, HistoryItemType="StateUpdate")
        self.assertEqual([i["HistorySummary"] for i in updates],
                         ["Alarm updated from ALARM to OK",
                          "Alarm updated from INSUFFICIENT_DATA to ALARM"])
        # the messages drillsim keeps: exactly the two notifications of this topic
        kept = DS.control("GET", "/_drill/sns/messages?team=%s&topic=%s" % (
            self.account, urllib.request.quote(topic)))["messages"]
        self.assertEqual([m["subject"].split(":")[0] for m in kept if m["type"] == "Notification"],
                         ["ALARM", "OK"])

    def test_put_metric_data_alarm_in_a_custom_namespace(self):
        # the same alarm on data a client publishes itself (PutMetricData refuses AWS/RDS)
        kw = dict(RUNBOOK, Namespace="Golden/RDS", Dimensions=[])
        self.cw.put_metric_alarm(**kw)
        for minute in (4, 9):
            self.put("Golden/RDS", "DatabaseConnections", at(minute), 81)
        self.advance(600)
        self.assertEqual(self.state(kw["AlarmName"]), "ALARM")
        self.assertEqual(error_of(self.cw.put_metric_data, Namespace="AWS/RDS", MetricData=[
            {"MetricName": "DatabaseConnections", "Value": 81}])[:2],
            ("InvalidParameterValue", "The value AWS/RDS for parameter Namespace is invalid."))


# --- done means 4: missing data, M of N, math, composites ------------------------------------

# The user guide's tables: data points oldest first (0 not breaching, X breaching, - missing),
# EvaluationPeriods 3, the state under MISSING, IGNORE, BREACHING, NOT BREACHING ("retain" =
# the current state is kept). The last two rows of each table are from the guide's earlier
# edition, which the current rules reproduce.
TABLE_3_OF_3 = [
    ("0 - X - X", "OK", "OK", "OK", "OK"),
    ("0 - - - -", "OK", "OK", "OK", "OK"),
    ("- - - - -", "INSUFFICIENT_DATA", "retain", "ALARM", "OK"),
    ("0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"),
    ("- - X - -", "ALARM", "retain", "ALARM", "OK"),
    ("- - - - X", "INSUFFICIENT_DATA", "retain", "ALARM", "OK"),
    ("X - - - -", "ALARM", "retain", "ALARM", "OK"),
]
TABLE_2_OF_3 = [
    ("0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM"),
    ("0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM"),
    ("0 - X - -", "OK", "OK", "ALARM", "OK"),
    ("- - - - 0", "OK", "OK", "ALARM", "OK"),
    ("- - - X -", "ALARM", "retain", "ALARM", "OK"),
    ("- - - - X", "INSUFFICIENT_DATA", "retain", "ALARM", "OK"),
]
TREATMENTS = ["missing", "ignore", "breaching", "notBreaching"]


class MissingData(AlarmTest):
    """One alarm per (row, treatment), on one metric per row: the five data points are put in
    the five minutes before 00:01, the alarms are created at 00:00 and evaluated at 00:01. The
    ignore alarms are set to OK or ALARM first, so that "retain" is visible."""

    def check_table(self, rows, m):
        ns = "Table/%d" % m
        alarms = []
        for r, (points, *states) in enumerate(rows):
            metric = "row%d" % r
            for i, p in enumerate(points.split()):
                if p != "-":
                    self.put(ns, metric, at(-4 + i), 100 if p == "X" else 10)
            for treat, want in zip(TREATMENTS, states):
                starts = ["OK", "ALARM"] if treat == "ignore" else [None]
                for start in starts:
                    name = "%s-%s-%s-%s" % (metric, treat, start or "new", m)
                    self.cw.put_metric_alarm(
                        AlarmName=name, Namespace=ns, MetricName=metric, Statistic="Maximum",
                        Period=60, EvaluationPeriods=3, DatapointsToAlarm=m, Threshold=50,
                        ComparisonOperator="GreaterThanThreshold", TreatMissingData=treat)
                    if start:
                        self.cw.set_alarm_state(AlarmName=name, StateValue=start,
                                                StateReason="before the evaluation")
                    alarms.append((name, points, treat, start if want == "retain" else want))
        self.advance(60)
        got = {a["AlarmName"]: a for a in self.cw.describe_alarms(MaxRecords=100)["MetricAlarms"]}
        self.assertEqual(len(got), len(alarms))
        for name, points, treat, want in alarms:
            self.assertEqual(got[name]["StateValue"], want,
                             "%s under %s (%d of 3)" % (points, treat, m))
        return got

    def test_three_of_three(self):
        got = self.check_table(TABLE_3_OF_3, 3)
        # the reasons of the all-missing row
        self.assertEqual(got["row2-missing-new-3"]["StateReason"],
                         "Insufficient Data: 3 datapoints were unknown.")
        self.assertEqual(got["row2-breaching-new-3"]["StateReason"],
                         "Threshold Crossed: no datapoints were received for 3 periods and 3 "
                         "missing datapoints were treated as [Breaching] (minimum 3 datapoints "
                         "for OK -> ALARM transition).")
        self.assertEqual(got["row2-notBreaching-new-3"]["StateReason"],
                         "Threshold Crossed: no datapoints were received for 3 periods and 3 "
                         "missing datapoints were treated as [NonBreaching] (minimum 1 "
                         "datapoint for ALARM -> OK transition).")
        self.assertEqual(got["row2-ignore-OK-3"]["StateReason"], "before the evaluation")
        # the premature-alarm row: 1 real datapoint, evaluated with 2 unknown periods
        self.assertEqual(got["row4-missing-new-3"]["StateReason"],
                         "Threshold Crossed: 1 out of the last 3 datapoints [100.0 (31/12/25 "
                         "23:58:00)] was greater than the threshold (50.0) (minimum 3 "
                         "datapoints for OK -> ALARM transition).")

    def test_two_of_three(self):
        got = self.check_table(TABLE_2_OF_3, 2)
        self.assertEqual(got["row2-breaching-new-2"]["StateReason"],
                         "Threshold Crossed: 1 out of the last 3 datapoints [100.0 (31/12/25 "
                         "23:58:00)] was greater than the threshold (50.0) and 1 missing "
                         "datapoint was treated as [Breaching] (minimum 2 datapoints for OK -> "
                         "ALARM transition).")


class DynamoDb(AlarmTest):
    def test_dynamodb_alarms_ignore_missing_data(self):
        # "Alarms that evaluate metrics in the AWS/DynamoDB namespace always ignore missing
        # data": breaching would put the other alarm in ALARM, this one keeps its state
        common = dict(MetricName="ThrottledRequests", Statistic="Sum", Period=60,
                      EvaluationPeriods=1, Threshold=0, TreatMissingData="breaching",
                      ComparisonOperator="GreaterThanThreshold")
        self.cw.put_metric_alarm(AlarmName="ddb", Namespace="AWS/DynamoDB", **common)
        self.cw.put_metric_alarm(AlarmName="app", Namespace="App/Db", **common)
        self.advance(60)
        self.assertEqual((self.state("ddb"), self.state("app")), ("INSUFFICIENT_DATA", "ALARM"))
        self.inject("AWS/DynamoDB", "ThrottledRequests", [], at(1), 3)
        self.advance(60)
        self.assertEqual(self.state("ddb"), "ALARM")
        self.advance(600)  # no more data: the state is kept
        self.assertEqual(self.state("ddb"), "ALARM")


class DatapointsToAlarm(AlarmTest):
    def test_two_out_of_three(self):
        # one value per minute (X = 100 breaches 50, 0 = 10 does not):
        #   00:00 X, 00:01 0, 00:02 0, 00:03 X, 00:04 0, 00:05 X, 00:06 0, 00:07 0, 00:08 0
        # the evaluation at minute T looks at the 3 most recent periods before T:
        #   00:01  X          -> 1 real datapoint, all breaching, too recent: INSUFFICIENT_DATA
        #   00:02  X 0        -> a real non-breaching one: OK
        #   00:03..00:05      -> 1 of 3 breaching: OK
        #   00:06  X 0 X      -> 2 of 3: ALARM
        #   00:07  0 X 0      -> 1 of 3: OK
        values = [100, 10, 10, 100, 10, 100, 10, 10, 10]
        common = dict(Namespace="MofN", MetricName="Errors", Statistic="Sum", Period=60,
                      EvaluationPeriods=3, Threshold=50,
                      ComparisonOperator="GreaterThanThreshold")
        self.cw.put_metric_alarm(AlarmName="two-of-three", DatapointsToAlarm=2, **common)
        self.cw.put_metric_alarm(AlarmName="three-of-three", **common)
        want = {1: "INSUFFICIENT_DATA", 2: "OK", 3: "OK", 4: "OK", 5: "OK", 6: "ALARM",
                7: "OK", 8: "OK", 9: "OK"}
        for minute in range(1, 10):
            self.put("MofN", "Errors", at(minute - 1), values[minute - 1])
            self.advance(60)
            self.assertEqual(self.state("two-of-three"), want[minute], "at 00:%02d" % minute)
            self.assertNotEqual(self.state("three-of-three"), "ALARM")
        updates = self.history("two-of-three", HistoryItemType="StateUpdate",
                               ScanBy="TimestampAscending")
        self.assertEqual([(u["Timestamp"], u["HistorySummary"]) for u in updates], [
            (at(2), "Alarm updated from INSUFFICIENT_DATA to OK"),
            (at(6), "Alarm updated from OK to ALARM"),
            (at(7), "Alarm updated from ALARM to OK")])
        reasons = [json.loads(u["HistoryData"])["newState"]["stateReason"] for u in updates]
        self.assertEqual(reasons[1],
                         "Threshold Crossed: 2 out of the last 3 datapoints [100.0 (01/01/26 "
                         "00:05:00), 100.0 (01/01/26 00:03:00)] were greater than the threshold "
                         "(50.0) (minimum 2 datapoints for OK -> ALARM transition).")
        self.assertEqual(reasons[2],
                         "Threshold Crossed: 2 out of the last 3 datapoints [10.0 (01/01/26 "
                         "00:06:00), 10.0 (01/01/26 00:04:00)] were not greater than the "
                         "threshold (50.0) (minimum 2 datapoints for ALARM -> OK transition).")
        a = self.alarm("two-of-three")
        self.assertEqual((a["EvaluationPeriods"], a["DatapointsToAlarm"]), (3, 2))


class MathAlarm(AlarmTest):
    METRICS = [
        {"Id": "errors", "ReturnData": False, "MetricStat": {
            "Metric": {"Namespace": "Web", "MetricName": "Errors"}, "Period": 60,
            "Stat": "Sum"}},
        {"Id": "requests", "ReturnData": False, "MetricStat": {
            "Metric": {"Namespace": "Web", "MetricName": "Requests"}, "Period": 60,
            "Stat": "Sum"}},
        {"Id": "rate", "Expression": "100 * errors / requests", "Label": "Error rate"},
    ]

    def test_error_rate_alarm(self):
        # 100 requests a minute; errors 1, 10, 10, 1: rates of 1 %, 10 %, 10 %, 1 %
        #   00:01  1           -> a real non-breaching datapoint: OK
        #   00:02  1 10        -> 1 of 2 over 5 %: OK
        #   00:03  10 10       -> ALARM
        #   00:04  10 1        -> OK
        self.cw.put_metric_alarm(AlarmName="error-rate", Metrics=self.METRICS,
                                 EvaluationPeriods=2, DatapointsToAlarm=2, Threshold=5,
                                 ComparisonOperator="GreaterThanThreshold")
        a = self.alarm("error-rate")
        self.assertNotIn("MetricName", a)
        self.assertEqual([m["Id"] for m in a["Metrics"]], ["errors", "requests", "rate"])
        want = {1: "OK", 2: "OK", 3: "ALARM", 4: "OK"}
        for minute, errors in zip(range(1, 5), [1, 10, 10, 1]):
            self.put("Web", "Requests", at(minute - 1), 100)
            self.put("Web", "Errors", at(minute - 1), errors)
            self.advance(60)
            self.assertEqual(self.state("error-rate"), want[minute], "at 00:%02d" % minute)
        update = json.loads(self.history("error-rate", HistoryItemType="StateUpdate")[1][
            "HistoryData"])
        self.assertEqual(update["newState"]["stateReason"],
                         "Threshold Crossed: 2 out of the last 2 datapoints [10.0 (01/01/26 "
                         "00:02:00), 10.0 (01/01/26 00:01:00)] were greater than the threshold "
                         "(5.0) (minimum 2 datapoints for OK -> ALARM transition).")
        self.assertNotIn("statistic", update["newState"]["stateReasonData"])
        self.assertEqual(update["newState"]["stateReasonData"]["period"], 60)

    def test_math_errors(self):
        put = self.cw.put_metric_alarm
        base = dict(AlarmName="m", EvaluationPeriods=1, Threshold=1,
                    ComparisonOperator="GreaterThanThreshold")
        two = [dict(q) for q in self.METRICS]
        two[0] = dict(two[0], ReturnData=True)
        self.assertEqual(error_of(put, Metrics=two, **base)[:2],
                         ("ValidationError",
                          "Exactly one element of the metrics list should return data."))
        self.assertEqual(error_of(put, Metrics=self.METRICS, Statistic="Sum", **base)[:2],
                         ("ValidationError", "Statistic should not be set if list of Metrics "
                                             "is set."))
        self.assertEqual(error_of(put, Metrics=self.METRICS, Namespace="Web", **base)[:2],
                         ("ValidationError", "Namespace should not be set if list of Metrics "
                                             "is set."))
        search = [{"Id": "e1", "Period": 60, "Expression":
                   "SEARCH('{Web} MetricName=\"Errors\"', 'Sum', 60)"}]
        self.assertEqual(error_of(put, Metrics=search, **base)[:2],
                         ("ValidationError", "Error in expression 'e1': SEARCH expressions "
                                             "cannot be used in alarms"))
        unknown = [{"Id": "e1", "Period": 60, "Expression": "m9 * 2"}]
        self.assertEqual(error_of(put, Metrics=unknown, **base)[:2],
                         ("ValidationError", "Error in expression 'e1': Unknown identifier: m9"))
        bad = [dict(self.METRICS[0]), dict(self.METRICS[1]),
               {"Id": "rate", "Expression": "100 * errors /"}]
        self.assertEqual(error_of(put, Metrics=bad, **base)[:2],
                         ("ValidationError", "Error in expression 'rate': Invalid syntax"))
        no_period = [{"Id": "e1", "Expression": "TIME_SERIES(1)"}]
        self.assertEqual(error_of(put, Metrics=no_period, **base)[:2],
                         ("ValidationError", "Period must not be null"))
        # anomaly detection: the band needs a model drillsim does not train
        band = [dict(self.METRICS[0], ReturnData=True),
                {"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(errors, 2)"}]
        code, msg, _ = error_of(put, Metrics=band, ThresholdMetricId="ad1",
                                AlarmName="m", EvaluationPeriods=1,
                                ComparisonOperator="LessThanLowerOrGreaterThanUpperThreshold")
        self.assertEqual(code, "ValidationError")
        self.assertTrue(msg.startswith("Error in expression 'ad1': Unsupported function: "
                                       "ANOMALY_DETECTION_BAND"), msg)


class Composite(AlarmTest):
    def test_composite_follows_children(self):
        sns = DS.client("sns", access_key=self.account)
        topic = sns.create_topic(Name="composite")["TopicArn"]
        common = dict(Namespace="Svc", Statistic="Maximum", Period=60, EvaluationPeriods=1,
                      ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")
        self.cw.put_metric_alarm(AlarmName="errors", MetricName="Errors", Threshold=5, **common)
        self.cw.put_metric_alarm(AlarmName="latency", MetricName="Latency", Threshold=100,
                                 **common)
        self.cw.put_composite_alarm(AlarmName="both", AlarmRule='ALARM(errors) AND '
                                    'ALARM("latency")', AlarmActions=[topic], OKActions=[topic])
        self.cw.put_composite_alarm(
            AlarmName="either", AlarmRule="ALARM(errors) OR ALARM(%s)" % self.arn("latency"))
        self.cw.put_composite_alarm(AlarmName="neither", AlarmRule="NOT ALARM(either)")
        c = self.alarm("both", ["CompositeAlarm"])
        self.assertEqual((c["StateValue"], c["StateReason"]),
                         ("INSUFFICIENT_DATA", "Unchecked: Initial alarm creation"))
        self.assertEqual(c["AlarmRule"], 'ALARM(errors) AND ALARM("latency")')
        # minute by minute: (errors, latency) -> (both, either, neither)
        steps = [((1, 50), ("OK", "OK", "ALARM")),
                 ((9, 50), ("OK", "ALARM", "OK")),
                 ((9, 500), ("ALARM", "ALARM", "OK")),
                 ((1, 500), ("OK", "ALARM", "OK")),
                 ((1, 50), ("OK", "OK", "ALARM"))]
        for minute, ((e, lat), want) in enumerate(steps):
            self.put("Svc", "Errors", at(minute), e)
            self.put("Svc", "Latency", at(minute), lat)
            self.advance(60)
            self.assertEqual(tuple(self.state(n) for n in ("both", "either", "neither")), want,
                             "at 00:%02d" % (minute + 1))
        # "both" went to ALARM at 00:03 when latency did
        update = [u for u in self.history("both", HistoryItemType="StateUpdate")
                  if u["HistorySummary"] == "Alarm updated from OK to ALARM"][0]
        new = json.loads(update["HistoryData"])["newState"]
        self.assertEqual(new["stateReason"], "%s transitioned to ALARM at Thursday 01 January, "
                         "2026 00:03:00 UTC" % self.arn("latency"))
        self.assertEqual(new["stateReasonData"], {"triggeringAlarms": [
            {"arn": self.arn("latency"),
             "state": {"value": "ALARM", "timestamp": "2026-01-01T00:03:00.000+0000"}}]})
        kept = DS.control("GET", "/_drill/sns/messages?team=%s" % self.account)["messages"]
        notes = [json.loads(m["message"]) for m in kept if m["type"] == "Notification"]
        self.assertEqual([(n["OldStateValue"], n["NewStateValue"]) for n in notes],
                         [("INSUFFICIENT_DATA", "OK"), ("OK", "ALARM"), ("ALARM", "OK")])
        self.assertEqual(notes[1]["AlarmRule"], 'ALARM(errors) AND ALARM("latency")')
        self.assertEqual(notes[1]["TriggeringChildren"], [
            {"Arn": self.arn("latency"),
             "State": {"Value": "ALARM", "Timestamp": "2026-01-01T00:03:00.000+0000"}}])
        self.assertNotIn("Trigger", notes[1])
        # composite history is listed only when asked for
        self.assertEqual(self.cw.describe_alarm_history(AlarmName="both")["AlarmHistoryItems"],
                         [])
        # SetAlarmState on a composite holds until a child changes
        self.cw.set_alarm_state(AlarmName="both", StateValue="ALARM", StateReason="drill")
        self.advance(120)
        self.assertEqual(self.state("both"), "ALARM")
        self.put("Svc", "Errors", at(7), 9)
        self.advance(60)  # errors -> ALARM re-evaluates "both": latency is OK, so OK
        self.assertEqual(self.state("both"), "OK")

        # families
        kids = self.cw.describe_alarms(ChildrenOfAlarmName="both")
        self.assertEqual([(a["AlarmName"], sorted(a)) for a in kids["MetricAlarms"]], [
            ("errors", ["AlarmArn", "AlarmName", "StateUpdatedTimestamp", "StateValue"]),
            ("latency", ["AlarmArn", "AlarmName", "StateUpdatedTimestamp", "StateValue"])])
        parents = self.cw.describe_alarms(ParentsOfAlarmName="errors")
        self.assertEqual(parents["CompositeAlarms"], [
            {"AlarmName": "both", "AlarmArn": self.arn("both")},
            {"AlarmName": "either", "AlarmArn": self.arn("either")}])
        self.assertEqual(self.cw.describe_alarms(ChildrenOfAlarmName="neither")[
            "CompositeAlarms"][0]["AlarmName"], "either")
        self.assertEqual(error_of(self.cw.describe_alarms, ChildrenOfAlarmName="both",
                                  StateValue="OK")[:2],
                         ("ValidationError", "When ChildrenOfAlarmName is specified, no other "
                                             "parameter may be specified except MaxRecords and "
                                             "NextToken."))

        # deleting a child a composite depends on fails; a composite and its child go together
        self.assertEqual(error_of(self.cw.delete_alarms, AlarmNames=["errors", "latency"])[:2],
                         ("ValidationError", "Cannot delete errors,latency as there are "
                                             "composite alarm(s) depending on them."))
        self.assertEqual(error_of(self.cw.delete_alarms, AlarmNames=["either"])[:2],
                         ("ValidationError", "Cannot delete either as there are composite "
                                             "alarm(s) depending on it."))
        self.assertEqual(error_of(self.cw.delete_alarms, AlarmNames=["both", "neither"])[:2],
                         ("ValidationError", "At most one composite alarm can be deleted in "
                                             "one operation."))
        self.cw.delete_alarms(AlarmNames=["neither"])
        self.cw.delete_alarms(AlarmNames=["either"])
        self.cw.delete_alarms(AlarmNames=["both", "latency", "no-such-alarm"])
        left = self.cw.describe_alarms(AlarmTypes=["MetricAlarm", "CompositeAlarm"])
        self.assertEqual([a["AlarmName"] for a in left["MetricAlarms"] + left["CompositeAlarms"]],
                         ["errors"])
        # history outlives the alarm
        self.assertEqual(self.history("both", HistoryItemType="ConfigurationUpdate")[0][
            "HistorySummary"], 'Alarm "both" deleted')

    def test_composite_errors(self):
        put = self.cw.put_composite_alarm
        self.cw.put_metric_alarm(AlarmName="a", Namespace="N", MetricName="M",
                                 Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                                 ComparisonOperator="GreaterThanThreshold")
        self.assertEqual(error_of(put, AlarmName="c", AlarmRule="ALARM(a) OR ALARM(nope)")[:2],
                         ("ValidationError", "Could not save the composite alarm as alarms "
                                             "[nope] in the alarm rule do not exist"))
        self.assertEqual(error_of(put, AlarmName="c", AlarmRule="ALARM(a) AND")[:2],
                         ("ValidationError", "Error in alarm rule: unexpected end of the rule"))
        self.assertEqual(error_of(put, AlarmName="c", AlarmRule="ALARM(a)",
                                  AlarmActions=["arn:aws:automate:us-east-1:ec2:stop"])[:2],
                         ("ValidationError", "Composite alarms cannot perform the action "
                                             "arn:aws:automate:us-east-1:ec2:stop."))
        self.assertEqual(error_of(put, AlarmName="a", AlarmRule="TRUE")[:2],
                         ("ValidationError", "An alarm named a already exists and is a "
                                             "MetricAlarm."))
        self.assertEqual(error_of(put, AlarmName="c", AlarmRule="ALARM(a)",
                                  ActionsSuppressor="a")[:2],
                         ("ValidationError", "ActionsSuppressorWaitPeriod and "
                                             "ActionsSuppressorExtensionPeriod are required when "
                                             "ActionsSuppressor is specified."))
        # TRUE alone: ALARM at the first evaluation, with drillsim's reason
        put(AlarmName="always", AlarmRule="TRUE")
        self.advance(60)
        c = self.alarm("always", ["CompositeAlarm"])
        self.assertEqual((c["StateValue"], c["StateReason"]),
                         ("ALARM", "The alarm rule evaluated to TRUE."))


# --- the API surface ---------------------------------------------------------------------------

class Api(AlarmTest):
    def simple(self, name, **kw):
        args = dict(AlarmName=name, Namespace="App", MetricName="Latency", Statistic="Average",
                    Period=60, EvaluationPeriods=1, Threshold=1,
                    ComparisonOperator="GreaterThanThreshold")
        args.update(kw)
        self.cw.put_metric_alarm(**args)

    def test_describe_filters_and_pages(self):
        sns = DS.client("sns", access_key=self.account)
        topic = sns.create_topic(Name="pager")["TopicArn"]
        for i in range(7):
            self.simple("svc-%d" % i, AlarmActions=[topic] if i % 2 else [])
        self.simple("other", Dimensions=[{"Name": "Host", "Value": "a"}], Unit="Seconds")
        self.cw.put_composite_alarm(AlarmName="svc-composite", AlarmRule="ALARM(svc-1)")
        names = [a["AlarmName"] for a in self.cw.describe_alarms()["MetricAlarms"]]
        self.assertEqual(names, ["other"] + ["svc-%d" % i for i in range(7)])
        self.assertEqual(self.cw.describe_alarms()["CompositeAlarms"], [])
        # prefix, action prefix, state, types
        r = self.cw.describe_alarms(AlarmNamePrefix="svc-", AlarmTypes=["CompositeAlarm",
                                                                        "MetricAlarm"])
        self.assertEqual(len(r["MetricAlarms"]), 7)
        self.assertEqual([a["AlarmName"] for a in r["CompositeAlarms"]], ["svc-composite"])
        r = self.cw.describe_alarms(ActionPrefix=topic[:-2])
        self.assertEqual([a["AlarmName"] for a in r["MetricAlarms"]], ["svc-1", "svc-3", "svc-5"])
        self.cw.set_alarm_state(AlarmName="svc-4", StateValue="OK", StateReason="manual")
        r = self.cw.describe_alarms(StateValue="OK")
        self.assertEqual([(a["AlarmName"], a["StateReason"]) for a in r["MetricAlarms"]],
                         [("svc-4", "manual")])
        r = self.cw.describe_alarms(AlarmNames=["svc-2", "nope", "other"])
        self.assertEqual([a["AlarmName"] for a in r["MetricAlarms"]], ["other", "svc-2"])
        self.assertEqual(error_of(self.cw.describe_alarms, AlarmNames=["a"],
                                  AlarmNamePrefix="a")[:2],
                         ("ValidationError", "AlarmNames and AlarmNamePrefix cannot be "
                                             "specified together."))
        # pages: 3 at a time, tokens never repeat, the last page has none
        seen, tokens, kw = [], set(), {"MaxRecords": 3}
        while True:
            page = self.cw.describe_alarms(**kw)
            seen += [a["AlarmName"] for a in page["MetricAlarms"]]
            self.assertLessEqual(len(page["MetricAlarms"]), 3)
            if "NextToken" not in page:
                break
            self.assertNotIn(page["NextToken"], tokens)
            tokens.add(page["NextToken"])
            kw["NextToken"] = page["NextToken"]
        self.assertEqual(seen, names)
        self.assertEqual(len(tokens), 2)
        self.assertEqual(error_of(self.cw.describe_alarms, NextToken="bogus")[:2],
                         ("InvalidNextToken", "The token is not valid."))
        # the paginator the CLI uses
        pages = self.cw.get_paginator("describe_alarms").paginate(PaginationConfig={
            "PageSize": 2})
        self.assertEqual(sum(len(p["MetricAlarms"]) for p in pages), 8)

        # DescribeAlarmsForMetric: the exact dimension set, statistic, period, unit
        r = self.cw.describe_alarms_for_metric(Namespace="App", MetricName="Latency")
        self.assertEqual(len(r["MetricAlarms"]), 8)
        r = self.cw.describe_alarms_for_metric(Namespace="App", MetricName="Latency",
                                               Dimensions=[{"Name": "Host", "Value": "a"}])
        self.assertEqual([a["AlarmName"] for a in r["MetricAlarms"]], ["other"])
        r = self.cw.describe_alarms_for_metric(Namespace="App", MetricName="Latency",
                                               Dimensions=[])
        self.assertEqual(len(r["MetricAlarms"]), 7)
        r = self.cw.describe_alarms_for_metric(Namespace="App", MetricName="Latency",
                                               Unit="Seconds", Period=60, Statistic="Average")
        self.assertEqual([a["AlarmName"] for a in r["MetricAlarms"]], ["other"])
        r = self.cw.describe_alarms_for_metric(Namespace="App", MetricName="Latency",
                                               Statistic="Maximum")
        self.assertEqual(r["MetricAlarms"], [])

    def test_update_keeps_state_and_tags(self):
        self.simple("web", Tags=[{"Key": "team", "Value": "core"}])
        self.cw.set_alarm_state(AlarmName="web", StateValue="ALARM", StateReason="drill")
        self.advance(1)
        self.simple("web", Threshold=5, AlarmDescription="now with a description",
                    Tags=[{"Key": "ignored", "Value": "on update"}])
        a = self.alarm("web")
        self.assertEqual((a["StateValue"], a["StateReason"], a["Threshold"]),
                         ("ALARM", "drill", 5.0))
        self.assertEqual(a["AlarmConfigurationUpdatedTimestamp"], at(0, 1))
        self.assertEqual(a["StateUpdatedTimestamp"], T0)
        arn = self.arn("web")
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "team", "Value": "core"}])
        items = self.history("web", HistoryItemType="ConfigurationUpdate")
        self.assertEqual([i["HistorySummary"] for i in items],
                         ['Alarm "web" updated', 'Alarm "web" created'])
        data = json.loads(items[0]["HistoryData"])
        self.assertEqual(data["type"], "Update")
        self.assertEqual(data["originalAlarm"]["threshold"], 1.0)
        self.assertEqual(data["updatedAlarm"]["threshold"], 5.0)

    def test_set_state_and_actions(self):
        sns = DS.client("sns", access_key=self.account)
        topic = sns.create_topic(Name="t")["TopicArn"]
        gone = "arn:aws:sns:us-east-1:%s:deleted-topic" % self.account
        self.simple("web", AlarmActions=[topic, gone])
        self.cw.set_alarm_state(AlarmName="web", StateValue="ALARM", StateReason="testing",
                                StateReasonData='{"recentDatapoints":[5.0]}')
        a = self.alarm("web")
        self.assertEqual((a["StateValue"], a["StateReason"], a["StateReasonData"]),
                         ("ALARM", "testing", '{"recentDatapoints":[5.0]}'))
        actions = self.history("web", HistoryItemType="Action", ScanBy="TimestampAscending")
        self.assertEqual([i["HistorySummary"] for i in actions], [
            "Successfully executed action %s" % topic,
            'Failed to execute action %s. Received error: "Topic does not exist"' % gone])
        self.assertEqual(json.loads(actions[1]["HistoryData"])["actionState"], "Failed")
        # the same state again: the reason changes, nothing runs
        self.cw.set_alarm_state(AlarmName="web", StateValue="ALARM", StateReason="again")
        self.assertEqual(self.alarm("web")["StateReason"], "again")
        self.assertEqual(len(self.history("web", HistoryItemType="Action")), 2)
        # disabled actions
        self.cw.disable_alarm_actions(AlarmNames=["web", "nope"])
        self.assertFalse(self.alarm("web")["ActionsEnabled"])
        self.cw.set_alarm_state(AlarmName="web", StateValue="OK", StateReason="quiet")
        self.cw.set_alarm_state(AlarmName="web", StateValue="ALARM", StateReason="still quiet")
        self.assertEqual(len(self.history("web", HistoryItemType="Action")), 2)
        self.cw.enable_alarm_actions(AlarmNames=["web"])
        self.assertTrue(self.alarm("web")["ActionsEnabled"])
        # errors
        self.assertEqual(error_of(self.cw.set_alarm_state, AlarmName="nope", StateValue="OK",
                                  StateReason="x"), ("ResourceNotFound", "", 404))
        self.assertEqual(error_of(self.cw.set_alarm_state, AlarmName="web", StateValue="OK",
                                  StateReason="x", StateReasonData="{not json")[:2],
                         ("InvalidFormat", "StateReasonData was not syntactically valid JSON"))
        self.assertEqual(error_of(self.cw.set_alarm_state, AlarmName="web",
                                  StateValue="BROKEN", StateReason="x")[:2],
                         ("InvalidParameterValue", "The parameter StateValue must be a value in "
                                                   "the set [ OK, ALARM, INSUFFICIENT_DATA ]."))

    def test_history_filters_and_pages(self):
        self.simple("a")
        self.simple("b")
        for i in range(6):
            self.advance(1)
            self.cw.set_alarm_state(AlarmName="a", StateValue="OK" if i % 2 == 0 else "ALARM",
                                    StateReason="step %d" % i)
        items = self.cw.describe_alarm_history()["AlarmHistoryItems"]
        self.assertEqual(len(items), 8)  # 2 creations, 6 updates
        self.assertEqual([i["Timestamp"] for i in items], sorted(
            (i["Timestamp"] for i in items), reverse=True))
        up = self.cw.describe_alarm_history(ScanBy="TimestampAscending")["AlarmHistoryItems"]
        self.assertEqual([i["HistorySummary"] for i in up][:2],
                         ['Alarm "a" created', 'Alarm "b" created'])
        r = self.cw.describe_alarm_history(AlarmName="a", HistoryItemType="StateUpdate",
                                           StartDate=at(0, 2), EndDate=at(0, 4))
        self.assertEqual([i["Timestamp"] for i in r["AlarmHistoryItems"]],
                         [at(0, 4), at(0, 3), at(0, 2)])
        self.assertEqual(self.cw.describe_alarm_history(AlarmName="b", HistoryItemType="Action")[
            "AlarmHistoryItems"], [])
        seen, kw = [], {"MaxRecords": 3, "AlarmName": "a"}
        while True:
            page = self.cw.describe_alarm_history(**kw)
            seen += page["AlarmHistoryItems"]
            if "NextToken" not in page:
                break
            kw["NextToken"] = page["NextToken"]
        self.assertEqual(len(seen), 7)
        self.assertEqual(error_of(self.cw.describe_alarm_history, NextToken="x")[:2],
                         ("InvalidNextToken", "The token is not valid."))

    def test_tags(self):
        self.simple("web", Tags=[{"Key": "a", "Value": "1"}])
        arn = self.arn("web")
        self.cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "b", "Value": "2"},
                                                    {"Key": "a", "Value": "3"}])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "a", "Value": "3"}, {"Key": "b", "Value": "2"}])
        self.cw.untag_resource(ResourceARN=arn, TagKeys=["a", "zzz"])
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         [{"Key": "b", "Value": "2"}])
        self.assertEqual(error_of(self.cw.list_tags_for_resource, ResourceARN=arn + "x"),
                         ("ResourceNotFoundException",
                          "The resource %sx does not exist." % arn, 404))
        other = arn.replace("us-east-1", "eu-west-1")
        self.assertEqual(error_of(self.cw.tag_resource, ResourceARN=other,
                                  Tags=[{"Key": "k", "Value": "v"}])[0],
                         "ResourceNotFoundException")
        self.assertEqual(error_of(self.cw.tag_resource, ResourceARN="not-an-arn",
                                  Tags=[{"Key": "k", "Value": "v"}])[:2],
                         ("InvalidParameterValue", "The value not-an-arn for parameter "
                                                   "ResourceARN is not a valid ARN."))
        many = [{"Key": "k%d" % i, "Value": "v"} for i in range(50)]
        self.assertEqual(error_of(self.cw.tag_resource, ResourceARN=arn, Tags=many)[:2],
                         ("InvalidParameterValue", "An alarm can have at most 50 tags."))
        # tags go with the alarm
        self.cw.delete_alarms(AlarmNames=["web"])
        self.simple("web")
        self.assertEqual(self.cw.list_tags_for_resource(ResourceARN=arn)["Tags"], [])

    def test_put_metric_alarm_errors(self):
        put = self.cw.put_metric_alarm
        base = dict(AlarmName="e", Namespace="App", MetricName="Latency", Statistic="Average",
                    Period=60, EvaluationPeriods=1, Threshold=1,
                    ComparisonOperator="GreaterThanThreshold")

        def err(**changes):
            kw = {k: v for k, v in dict(base, **changes).items() if v is not None}
            return error_of(put, **kw)[:2]

        v = "ValidationError"
        self.assertEqual(err(MetricName=None), (v, "MetricName must not be null"))
        self.assertEqual(err(Namespace=None), (v, "Namespace must not be null"))
        self.assertEqual(err(Period=None), (v, "Period must not be null"))
        self.assertEqual(err(Statistic=None), (v, "Exactly one of Statistic and "
                                                  "ExtendedStatistic must be specified."))
        self.assertEqual(err(ExtendedStatistic="p99"),
                         (v, "Exactly one of Statistic and ExtendedStatistic must be "
                             "specified."))
        self.assertEqual(err(Statistic=None, ExtendedStatistic="p101"),
                         ("InvalidParameterValue", "The value p101 for parameter "
                                                   "ExtendedStatistic is invalid."))
        self.assertEqual(err(Period=45), (v, "Period must be 10, 20, 30 or a multiple of 60."))
        self.assertEqual(err(EvaluationPeriods=None), (v, "EvaluationPeriods must not be null"))
        self.assertEqual(err(ComparisonOperator=None), (v, "ComparisonOperator must not be "
                                                           "null"))
        self.assertEqual(err(Threshold=None), (v, "Threshold must not be null"))
        self.assertEqual(err(DatapointsToAlarm=2), (v, "DatapointsToAlarm must be less than or "
                                                       "equal to EvaluationPeriods."))
        self.assertEqual(err(TreatMissingData="sometimes"),
                         (v, "TreatMissingData must be one of breaching, notBreaching, ignore, "
                             "missing."))
        self.assertEqual(err(EvaluateLowSampleCountPercentile="ignore"),
                         (v, "EvaluateLowSampleCountPercentile can only be used with a "
                             "percentile."))
        self.assertEqual(err(Period=300, EvaluationPeriods=289),
                         ("InvalidParameterCombination", "Metrics cannot be checked across more "
                          "than a day (EvaluationPeriods * Period must be <= 86400)."))
        self.assertEqual(err(Period=3600, EvaluationPeriods=169),
                         ("InvalidParameterCombination", "Metrics cannot be checked across more "
                          "than a week (EvaluationPeriods * Period must be <= 604800)."))
        put(**dict(base, Period=3600, EvaluationPeriods=168))  # exactly a week is accepted
        self.assertEqual(err(ComparisonOperator="LessThanLowerThreshold", Threshold=None),
                         (v, "ThresholdMetricId must be specified with the comparison operator "
                             "LessThanLowerThreshold."))
        self.assertEqual(err(ThresholdMetricId="ad1"),
                         (v, "ThresholdMetricId can only be used with the anomaly detection "
                             "comparison operators."))
        self.assertEqual(err(AlarmName="bad\x01name"),
                         (v, "AlarmName must not contain ASCII control characters."))
        self.assertEqual(err(ComparisonOperator="Bigger"),
                         ("InvalidParameterValue", "The parameter ComparisonOperator must be a "
                          "value in the set [ GreaterThanOrEqualToThreshold, "
                          "GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold, "
                          "LessThanLowerOrGreaterThanUpperThreshold, LessThanLowerThreshold, "
                          "GreaterThanUpperThreshold ]."))
        # actions: the runbook's placeholders, other partitions, unknown services
        self.assertEqual(err(AlarmActions=["arn:aws:sns:region:account:golden-path-alarms"]),
                         (v, "Invalid region region specified. Only us-east-1 is supported."))
        self.assertEqual(err(OKActions=["arn:aws:sns:eu-west-1:%s:t" % self.account]),
                         (v, "Invalid region eu-west-1 specified. Only us-east-1 is supported."))
        self.assertEqual(err(AlarmActions=["arn:aws-us-gov:sns:us-east-1:123456789012:t"]),
                         (v, "Invalid partition aws-us-gov specified. Only aws is supported."))
        self.assertEqual(err(AlarmActions=["arn:aws:sns:us-east-1:account:t"]),
                         (v, "Invalid account account specified."))
        self.assertEqual(err(AlarmActions=["arn:aws:s3:::bucket"]),
                         (v, "Invalid action ARN: arn:aws:s3:::bucket"))
        self.assertEqual(err(AlarmActions=["golden-path-alarms"]),
                         (v, "Invalid action ARN: golden-path-alarms"))
        self.assertEqual(err(AlarmActions=["arn:aws:automate:us-east-1:ec2:explode"]),
                         (v, "Invalid action ARN: arn:aws:automate:us-east-1:ec2:explode"))
        # every other kind AWS documents is accepted
        put(**dict(base, AlarmActions=[
            "arn:aws:automate:us-east-1:ec2:recover",
            "arn:aws:autoscaling:us-east-1:%s:scalingPolicy:1b2c:autoScalingGroupName/g:"
            "policyName/p" % self.account,
            "arn:aws:lambda:us-east-1:%s:function:f" % self.account,
            "arn:aws:ssm:us-east-1:%s:opsitem:3#CATEGORY=Availability" % self.account,
            "arn:aws:ssm-incidents::%s:responseplan/plan" % self.account]))
        # the actions drillsim does not perform are failed in the history, never skipped
        self.cw.set_alarm_state(AlarmName="e", StateValue="ALARM", StateReason="x")
        failed = self.history("e", HistoryItemType="Action", ScanBy="TimestampAscending")
        self.assertEqual([json.loads(i["HistoryData"])["error"] for i in failed], [
            "drillsim does not perform EC2 actions",
            "drillsim does not perform EC2 Auto Scaling actions",
            "drillsim does not perform Lambda actions",
            "drillsim does not perform Systems Manager actions",
            "drillsim does not perform Systems Manager actions"])
        # a composite name cannot be reused for a metric alarm
        self.cw.put_composite_alarm(AlarmName="comp", AlarmRule="FALSE")
        self.assertEqual(err(AlarmName="comp"), (v, "An alarm named comp already exists and is a "
                                                    "CompositeAlarm."))

    def test_boto3_cbor_reads(self):
        # done means 7: botocore forced to RPC v2 CBOR reads the same alarm and history
        self.cw.put_metric_alarm(AlarmName="cbor", Namespace="App", MetricName="Latency",
                                 ExtendedStatistic="p99", Period=60, EvaluationPeriods=2,
                                 DatapointsToAlarm=1, Threshold=250.5,
                                 ComparisonOperator="GreaterThanOrEqualToThreshold",
                                 TreatMissingData="breaching",
                                 EvaluateLowSampleCountPercentile="evaluate")
        self.advance(60)
        json_view = self.alarm("cbor")
        cb = DS.client("cloudwatch", access_key=self.account, protocol="smithy-rpc-v2-cbor")
        harness.unforce_protocol()
        self.assertEqual(cb.meta.service_model.resolved_protocol, "smithy-rpc-v2-cbor")
        cbor_view = cb.describe_alarms(AlarmNames=["cbor"])["MetricAlarms"][0]
        self.assertEqual(cbor_view, json_view)
        self.assertEqual(cbor_view["StateValue"], "ALARM")
        self.assertEqual(cbor_view["StateReason"],
                         "Threshold Crossed: no datapoints were received for 2 periods and 2 "
                         "missing datapoints were treated as [Breaching] (minimum 1 datapoint "
                         "for OK -> ALARM transition).")
        self.assertEqual(cb.describe_alarm_history(AlarmName="cbor")["AlarmHistoryItems"],
                         self.cw.describe_alarm_history(AlarmName="cbor")["AlarmHistoryItems"])
        q = DS.client("cloudwatch", access_key=self.account, protocol="query")
        harness.unforce_protocol()
        self.assertEqual(q.describe_alarms(AlarmNames=["cbor"])["MetricAlarms"][0], json_view)


# --- target tracking --------------------------------------------------------------------------

class TargetTracking(AlarmTest):
    def setUp(self):
        super().setUp()
        self.ecs = DS.client("ecs", access_key=self.account)
        self.aas = DS.client("application-autoscaling", access_key=self.account)
        ec2 = DS.client("ec2", access_key=self.account)
        self.ecs.create_cluster(clusterName="prod")
        self.ecs.register_task_definition(
            family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
            memory="512", containerDefinitions=[{"name": "app", "image": "nginx",
                                                 "essential": True}])
        subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
        self.ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web",
                                desiredCount=2, launchType="FARGATE",
                                networkConfiguration={"awsvpcConfiguration": {
                                    "subnets": subnets[:1]}})
        self.target = dict(ServiceNamespace="ecs", ResourceId="service/prod/web",
                           ScalableDimension="ecs:service:DesiredCount")
        self.aas.register_scalable_target(MinCapacity=1, MaxCapacity=4, **self.target)

    def put_policy(self, **cfg):
        config = {"TargetValue": 50.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}
        config.update(cfg)
        return self.aas.put_scaling_policy(PolicyName="cpu50", PolicyType="TargetTrackingScaling",
                                           TargetTrackingScalingPolicyConfiguration=config,
                                           **self.target)

    def desired(self):
        return self.ecs.describe_services(cluster="prod", services=["web"])["services"][0][
            "desiredCount"]

    def test_alarms_created_scale_and_deleted(self):
        r = self.put_policy()
        policy = r["PolicyARN"]
        alarms = r["Alarms"]
        self.assertEqual(len(alarms), 2)
        high, low = alarms
        self.assertRegex(high["AlarmName"], r"^TargetTracking-service/prod/web-AlarmHigh-"
                                            r"[0-9a-f-]{36}$")
        self.assertRegex(low["AlarmName"], r"^TargetTracking-service/prod/web-AlarmLow-"
                                           r"[0-9a-f-]{36}$")
        self.assertEqual(high["AlarmARN"], self.arn(high["AlarmName"]))
        described = self.aas.describe_scaling_policies(**{
            k: v for k, v in self.target.items() if k == "ServiceNamespace"})
        self.assertEqual(described["ScalingPolicies"][0]["Alarms"], alarms)
        got = {a["AlarmName"]: a for a in self.cw.describe_alarms(
            AlarmNamePrefix="TargetTracking-service/prod/web-")["MetricAlarms"]}
        h, lo = got[high["AlarmName"]], got[low["AlarmName"]]
        dims = [{"Name": "ClusterName", "Value": "prod"}, {"Name": "ServiceName", "Value": "web"}]
        for a in (h, lo):
            self.assertEqual((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"],
                              a["Unit"], a["Dimensions"], a["TreatMissingData"]),
                             ("AWS/ECS", "CPUUtilization", "Average", 60, "Percent", dims,
                              "missing"))
            self.assertEqual(a["AlarmActions"], [policy])
            self.assertEqual(a["AlarmDescription"], "DO NOT EDIT OR DELETE. For "
                             "TargetTrackingScaling policy %s." % policy)
        self.assertEqual((h["ComparisonOperator"], h["Threshold"], h["EvaluationPeriods"],
                          h["DatapointsToAlarm"]), ("GreaterThanThreshold", 50.0, 3, 3))
        self.assertEqual((lo["ComparisonOperator"], lo["Threshold"], lo["EvaluationPeriods"]),
                         ("LessThanThreshold", 45.0, 15))
        self.assertNotIn("DatapointsToAlarm", lo)

        # CPU at 90 % for 3 minutes: AlarmHigh at 00:03, the policy scales 2 -> ceil(2*90/50)=4
        # (the alarms watch Percent: data published without that unit is not theirs)
        cpu = [("ClusterName", "prod"), ("ServiceName", "web")]
        for minute in range(3):
            self.inject("AWS/ECS", "CPUUtilization", cpu, at(minute), 95)
            self.inject("AWS/ECS", "CPUUtilization", cpu, at(minute), 90, "Percent")
        self.advance(120)
        self.assertEqual(self.state(high["AlarmName"]), "INSUFFICIENT_DATA")
        self.assertEqual(self.desired(), 2)
        self.advance(60)
        self.assertEqual(self.state(high["AlarmName"]), "ALARM")
        self.assertEqual(self.desired(), 4)
        acts = self.aas.describe_scaling_activities(ServiceNamespace="ecs")["ScalingActivities"]
        self.assertEqual(acts[0]["Cause"], "monitor alarm %s in state ALARM triggered policy "
                         "cpu50" % high["AlarmName"])
        self.assertEqual(acts[0]["Description"], "Setting desired count to 4.")
        action = self.history(high["AlarmName"], HistoryItemType="Action")[0]
        self.assertEqual(action["HistorySummary"], "Successfully executed action %s" % policy)

        # updating the policy keeps the alarms' names; scale-in disabled drops AlarmLow
        again = self.put_policy(TargetValue=60.0, DisableScaleIn=True)
        self.assertEqual(again["Alarms"], [high])
        self.assertEqual(self.alarm(high["AlarmName"])["Threshold"], 60.0)
        self.assertEqual(self.cw.describe_alarms(AlarmNames=[low["AlarmName"]])["MetricAlarms"],
                         [])
        # deleting the policy deletes its alarms
        self.aas.delete_scaling_policy(PolicyName="cpu50", **self.target)
        self.assertEqual(self.cw.describe_alarms(
            AlarmNamePrefix="TargetTracking-")["MetricAlarms"], [])
        # so does deregistering the target
        r = self.put_policy()
        self.assertEqual(len(self.cw.describe_alarms(
            AlarmNamePrefix="TargetTracking-")["MetricAlarms"]), 2)
        self.assertNotEqual(r["Alarms"][0]["AlarmName"], high["AlarmName"])
        self.aas.deregister_scalable_target(**self.target)
        self.assertEqual(self.cw.describe_alarms(
            AlarmNamePrefix="TargetTracking-")["MetricAlarms"], [])

    def test_customized_metric_and_step_policy(self):
        config = {"TargetValue": 10.0, "CustomizedMetricSpecification": {
            "MetricName": "QueueDepth", "Namespace": "Jobs", "Statistic": "Maximum",
            "Dimensions": [{"Name": "Queue", "Value": "q1"}]}}
        r = self.aas.put_scaling_policy(PolicyName="queue", PolicyType="TargetTrackingScaling",
                                        TargetTrackingScalingPolicyConfiguration=config,
                                        **self.target)
        high = self.alarm(r["Alarms"][0]["AlarmName"])
        self.assertEqual((high["Namespace"], high["MetricName"], high["Statistic"],
                          high["Dimensions"]),
                         ("Jobs", "QueueDepth", "Maximum", [{"Name": "Queue", "Value": "q1"}]))
        # turning it into a step policy deletes the alarms
        self.aas.put_scaling_policy(PolicyName="queue", PolicyType="StepScaling",
                                    StepScalingPolicyConfiguration={
                                        "AdjustmentType": "ChangeInCapacity", "StepAdjustments": [
                                            {"MetricIntervalLowerBound": 0,
                                             "ScalingAdjustment": 1}]},
                                    **self.target)
        self.assertEqual(self.cw.describe_alarms(AlarmNamePrefix="TargetTracking-")[
            "MetricAlarms"], [])
        # a step policy invoked by the user's own alarm: +1 per step
        policy = self.aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"][
            0]["PolicyARN"]
        self.cw.put_metric_alarm(AlarmName="queue-high", Namespace="Jobs",
                                 MetricName="QueueDepth", Statistic="Maximum", Period=60,
                                 EvaluationPeriods=1, Threshold=100,
                                 ComparisonOperator="GreaterThanThreshold",
                                 Dimensions=[{"Name": "Queue", "Value": "q1"}],
                                 AlarmActions=[policy])
        self.put("Jobs", "QueueDepth", at(0), 0)  # wrong dimensions: not this alarm's metric
        self.cw.put_metric_data(Namespace="Jobs", MetricData=[{
            "MetricName": "QueueDepth", "Timestamp": at(0), "Value": 150,
            "Dimensions": [{"Name": "Queue", "Value": "q1"}]}])
        self.advance(60)
        self.assertEqual(self.state("queue-high"), "ALARM")
        self.assertEqual(self.desired(), 3)


if __name__ == "__main__":
    harness.main()
