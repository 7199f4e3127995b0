#!/usr/bin/env python3
"""CloudWatch Logs end to end with boto3 (issue 5: groups and streams, events, done means 5).

One server on a manual clock (2026-01-01T00:00:00Z); each test works in its own account (a
12-digit access key), so tests never see each other's groups and can move their own clock.
Every PutLogEvents rule is checked for AWS's error or rejectedLogEventsInfo, and after every
rejected request the events stored are counted again: nothing is ever half-written. Times on
the wire are epoch milliseconds.
"""
import itertools
import json
import unittest

import botocore.exceptions

import harness

START = "2026-01-01T00:00:00Z"
T0 = 1767225600000  # START in epoch ms
MIN = 60 * 1000
HOUR = 60 * MIN
DAY = 24 * HOUR
DS = None
_accounts = itertools.count(100000000001)


def setUpModule():
    global DS
    DS = harness.Drillsim(args=["--clock", "manual@" + START]).start()


def tearDownModule():
    DS.stop()


class LogsCase(unittest.TestCase):
    def setUp(self):
        self.account = "%012d" % next(_accounts)
        self.logs = DS.client("logs", access_key=self.account)

    def advance(self, seconds):
        DS.control("POST", "/_drill/clock/advance?team=%s" % self.account, {"seconds": seconds})

    def now(self):
        return int(DS.control("GET", "/_drill/clock?team=%s" % self.account)["nowMs"])

    def error(self, fn, code, message=None, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        if message is not None:
            self.assertEqual(err["Message"], message)
        return err["Message"]

    def group(self, name="/app/g", stream="s1", **kw):
        self.logs.create_log_group(logGroupName=name, **kw)
        if stream:
            self.logs.create_log_stream(logGroupName=name, logStreamName=stream)
        return name

    def put(self, events, group="/app/g", stream="s1", **kw):
        return self.logs.put_log_events(logGroupName=group, logStreamName=stream,
                                        logEvents=events, **kw)

    def count(self, group="/app/g"):
        """Every stored event of the group, through FilterLogEvents' pages."""
        n = 0
        for page in self.logs.get_paginator("filter_log_events").paginate(logGroupName=group):
            n += len(page["events"])
        return n

    def arn(self, name, region="us-east-1"):
        return "arn:aws:logs:%s:%s:log-group:%s" % (region, self.account, name)


class Groups(LogsCase):
    def test_create_and_describe(self):
        self.logs.create_log_group(logGroupName="/app/a")
        self.logs.create_log_group(logGroupName="/app/b", logGroupClass="INFREQUENT_ACCESS",
                                   kmsKeyId="arn:aws:kms:us-east-1:%s:key/k1" % self.account,
                                   tags={"team": "core", "env": "dev"})
        groups = self.logs.describe_log_groups()["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups], ["/app/a", "/app/b"])
        a, b = groups
        self.assertEqual(a, {
            "logGroupName": "/app/a", "creationTime": T0, "metricFilterCount": 0,
            "arn": self.arn("/app/a") + ":*", "logGroupArn": self.arn("/app/a"),
            "storedBytes": 0, "logGroupClass": "STANDARD", "deletionProtectionEnabled": False})
        self.assertNotIn("retentionInDays", a)
        self.assertEqual(b["logGroupClass"], "INFREQUENT_ACCESS")
        self.assertEqual(b["kmsKeyId"], "arn:aws:kms:us-east-1:%s:key/k1" % self.account)
        self.assertEqual(self.logs.list_tags_log_group(logGroupName="/app/b")["tags"],
                         {"team": "core", "env": "dev"})
        self.assertEqual(self.logs.list_tags_for_resource(
            resourceArn=self.arn("/app/b"))["tags"], {"team": "core", "env": "dev"})
        self.advance(90)
        self.logs.create_log_group(logGroupName="/app/c")
        c = self.logs.describe_log_groups(logGroupNamePrefix="/app/c")["logGroups"][0]
        self.assertEqual(c["creationTime"], T0 + 90000)

    def test_name_rules(self):
        self.logs.create_log_group(logGroupName="/app/dup")
        self.error(self.logs.create_log_group, "ResourceAlreadyExistsException",
                   "The specified log group already exists", logGroupName="/app/dup")
        for reserved in ("aws/mine", "AWS/Mine", "Aws/x"):
            self.error(self.logs.create_log_group, "InvalidParameterException",
                       "Log groups starting with AWS/ are reserved for AWS.",
                       logGroupName=reserved)
        self.logs.create_log_group(logGroupName="/aws/lambda/fn")  # only a leading aws/
        msg = self.error(self.logs.create_log_group, "InvalidParameterException",
                         logGroupName="bad name!")
        self.assertRegex(msg, r"^1 validation error detected: Value 'bad name!' at "
                              r"'logGroupName' failed to satisfy constraint: Member must "
                              r"satisfy regular expression pattern")
        self.error(self.logs.create_log_group, "InvalidParameterException",
                   logGroupName="x" * 513)
        self.logs.create_log_group(logGroupName="x" * 512)
        self.logs.create_log_group(logGroupName="a.b-c_d/e#F9")

    def test_delete(self):
        self.group("/app/gone")
        self.put([{"timestamp": T0, "message": "m"}], group="/app/gone")
        self.logs.tag_log_group(logGroupName="/app/gone", tags={"k": "v"})
        self.logs.delete_log_group(logGroupName="/app/gone")
        self.assertEqual(self.logs.describe_log_groups()["logGroups"], [])
        self.error(self.logs.delete_log_group, "ResourceNotFoundException",
                   "The specified log group does not exist.", logGroupName="/app/gone")
        # a group of the same name starts empty: no streams, events or tags
        self.group("/app/gone", stream=None)
        self.assertEqual(self.logs.describe_log_streams(logGroupName="/app/gone")["logStreams"],
                         [])
        self.assertEqual(self.count("/app/gone"), 0)
        self.assertEqual(self.logs.list_tags_log_group(logGroupName="/app/gone")["tags"], {})

    def test_deletion_protection(self):
        self.logs.create_log_group(logGroupName="/app/kept", deletionProtectionEnabled=True)
        g = self.logs.describe_log_groups()["logGroups"][0]
        self.assertTrue(g["deletionProtectionEnabled"])
        self.error(self.logs.delete_log_group, "ValidationException",
                   "Cannot delete log group with deletion protection enabled. Disable deletion "
                   "protection first.", logGroupName="/app/kept")
        self.assertEqual(len(self.logs.describe_log_groups()["logGroups"]), 1)

    def test_prefix_pattern_class_pagination(self):
        names = ["/ecs/web", "/ecs/worker", "/ecs/Web-2", "/lambda/web", "/lambda/job",
                 "/rds/db", "DataLogs"]
        for n in names:
            self.logs.create_log_group(logGroupName=n,
                                       logGroupClass="INFREQUENT_ACCESS" if "job" in n
                                       else "STANDARD")
        got = [g["logGroupName"] for g in
               self.logs.describe_log_groups(logGroupNamePrefix="/ecs/")["logGroups"]]
        self.assertEqual(got, ["/ecs/Web-2", "/ecs/web", "/ecs/worker"])  # ASCII order
        self.assertEqual(self.logs.describe_log_groups(logGroupNamePrefix="/none")["logGroups"],
                         [])
        # the pattern is a case-sensitive substring; only three fields come back
        found = self.logs.describe_log_groups(logGroupNamePattern="web")["logGroups"]
        self.assertEqual([g["logGroupName"] for g in found], ["/ecs/web", "/lambda/web"])
        for g in found:
            self.assertEqual(set(g), {"logGroupName", "creationTime", "arn"})
        self.error(self.logs.describe_log_groups, "InvalidParameterException",
                   logGroupNamePrefix="/ecs", logGroupNamePattern="web")
        ia = self.logs.describe_log_groups(logGroupClass="INFREQUENT_ACCESS")["logGroups"]
        self.assertEqual([g["logGroupName"] for g in ia], ["/lambda/job"])
        ids = self.logs.describe_log_groups(
            logGroupIdentifiers=["/rds/db", self.arn("DataLogs"), "/nope"])["logGroups"]
        self.assertEqual([g["logGroupName"] for g in ids], ["/rds/db", "DataLogs"])
        # pages of 3, followed by the paginator; the last page has no token
        page = self.logs.describe_log_groups(limit=3)
        self.assertEqual(len(page["logGroups"]), 3)
        self.assertIn("nextToken", page)
        seen = []
        for p in self.logs.get_paginator("describe_log_groups").paginate(
                PaginationConfig={"PageSize": 3}):
            seen += [g["logGroupName"] for g in p["logGroups"]]
        self.assertEqual(seen, sorted(names))
        last = self.logs.describe_log_groups(limit=7)
        self.assertNotIn("nextToken", last)
        raw = DS.client("logs", access_key=self.account, parameter_validation=False)
        self.error(raw.describe_log_groups, "InvalidParameterException", limit=51)
        self.error(raw.describe_log_groups, "InvalidParameterException", limit=0)

    def test_retention_policy(self):
        self.group("/app/r", stream=None)
        self.logs.put_retention_policy(logGroupName="/app/r", retentionInDays=7)
        g = self.logs.describe_log_groups()["logGroups"][0]
        self.assertEqual(g["retentionInDays"], 7)
        for days in (1, 3, 5, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                     2192, 2557, 2922, 3288, 3653):
            self.logs.put_retention_policy(logGroupName="/app/r", retentionInDays=days)
        for bad in (0, 2, 4, 8, 366, 3654):
            self.error(self.logs.put_retention_policy, "InvalidParameterException",
                       "1 validation error detected: Value '%d' at 'retentionInDays' failed to "
                       "satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, "
                       "14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, "
                       "2557, 2922, 3288, 3653]" % bad,
                       logGroupName="/app/r", retentionInDays=bad)
        self.error(self.logs.put_retention_policy, "ResourceNotFoundException",
                   "The specified log group does not exist.", logGroupName="/app/nope",
                   retentionInDays=7)
        self.logs.delete_retention_policy(logGroupName="/app/r")
        self.assertNotIn("retentionInDays", self.logs.describe_log_groups()["logGroups"][0])
        self.error(self.logs.delete_retention_policy, "ResourceNotFoundException",
                   "The specified log group does not exist.", logGroupName="/app/nope")

    def test_tenants_are_separate(self):
        self.group("/app/mine")
        other = DS.client("logs", access_key="%012d" % next(_accounts))
        self.assertEqual(other.describe_log_groups()["logGroups"], [])
        west = DS.client("logs", access_key=self.account, region="eu-west-1")
        self.assertEqual(west.describe_log_groups()["logGroups"], [])
        west.create_log_group(logGroupName="/app/mine")  # same name, other region
        g = west.describe_log_groups()["logGroups"][0]
        self.assertEqual(g["arn"], self.arn("/app/mine", "eu-west-1") + ":*")
        with self.assertRaises(botocore.exceptions.ClientError):
            other.put_log_events(logGroupName="/app/mine", logStreamName="s1",
                                 logEvents=[{"timestamp": T0, "message": "x"}])


class Streams(LogsCase):
    def test_create_describe_delete(self):
        self.group("/app/s", stream=None)
        self.logs.create_log_stream(logGroupName="/app/s", logStreamName="web/app/abc123")
        self.error(self.logs.create_log_stream, "ResourceAlreadyExistsException",
                   "The specified log stream already exists", logGroupName="/app/s",
                   logStreamName="web/app/abc123")
        self.error(self.logs.create_log_stream, "ResourceNotFoundException",
                   "The specified log group does not exist.", logGroupName="/app/nope",
                   logStreamName="x")
        self.error(self.logs.create_log_stream, "InvalidParameterException",
                   logGroupName="/app/s", logStreamName="a:b")
        s = self.logs.describe_log_streams(logGroupName="/app/s")["logStreams"][0]
        self.assertEqual(s, {
            "logStreamName": "web/app/abc123", "creationTime": T0, "storedBytes": 0,
            "arn": self.arn("/app/s") + ":log-stream:web/app/abc123"})
        self.advance(5)
        r1 = self.put([{"timestamp": T0 - 1000, "message": "a"},
                       {"timestamp": T0 + 2000, "message": "b"}],
                      group="/app/s", stream="web/app/abc123")
        s = self.logs.describe_log_streams(logGroupName="/app/s")["logStreams"][0]
        self.assertEqual(s["firstEventTimestamp"], T0 - 1000)
        self.assertEqual(s["lastEventTimestamp"], T0 + 2000)
        self.assertEqual(s["lastIngestionTime"], T0 + 5000)
        self.assertEqual(s["uploadSequenceToken"], r1["nextSequenceToken"])
        self.assertEqual(s["storedBytes"], 0)  # deprecated for streams: always 0
        self.assertRegex(s["uploadSequenceToken"], r"^\d{56}$")
        r2 = self.put([{"timestamp": T0, "message": "c"}], group="/app/s",
                      stream="web/app/abc123")
        self.assertNotEqual(r1["nextSequenceToken"], r2["nextSequenceToken"])
        self.assertEqual(self.logs.describe_log_groups()["logGroups"][0]["storedBytes"], 3)
        self.logs.delete_log_stream(logGroupName="/app/s", logStreamName="web/app/abc123")
        self.error(self.logs.delete_log_stream, "ResourceNotFoundException",
                   "The specified log stream does not exist.", logGroupName="/app/s",
                   logStreamName="web/app/abc123")
        self.error(self.logs.delete_log_stream, "ResourceNotFoundException",
                   "The specified log group does not exist.", logGroupName="/app/nope",
                   logStreamName="x")
        self.assertEqual(self.count("/app/s"), 0)
        self.assertEqual(self.logs.describe_log_groups()["logGroups"][0]["storedBytes"], 0)

    def test_order_prefix_pagination(self):
        self.group("/app/o", stream=None)
        for name in ("b", "a2", "a1", "c"):
            self.logs.create_log_stream(logGroupName="/app/o", logStreamName=name)
        for name, ts in (("c", T0 - 5000), ("a1", T0 - 1000), ("b", T0 - 3000)):
            self.put([{"timestamp": ts, "message": name}], group="/app/o", stream=name)

        def names(**kw):
            return [s["logStreamName"] for s in
                    self.logs.describe_log_streams(logGroupName="/app/o", **kw)["logStreams"]]

        self.assertEqual(names(), ["a1", "a2", "b", "c"])
        self.assertEqual(names(descending=True), ["c", "b", "a2", "a1"])
        self.assertEqual(names(logStreamNamePrefix="a"), ["a1", "a2"])
        self.assertEqual(names(logStreamNamePrefix="a", descending=True), ["a2", "a1"])
        # a stream without events sorts as time 0
        self.assertEqual(names(orderBy="LastEventTime"), ["a2", "c", "b", "a1"])
        self.assertEqual(names(orderBy="LastEventTime", descending=True),
                         ["a1", "b", "c", "a2"])
        self.error(self.logs.describe_log_streams, "InvalidParameterException",
                   "Cannot order by LastEventTime with a logStreamNamePrefix.",
                   logGroupName="/app/o", orderBy="LastEventTime", logStreamNamePrefix="a")
        self.error(self.logs.describe_log_streams, "InvalidParameterException",
                   logGroupName="/app/o", orderBy="Size")
        for order, desc in (("LogStreamName", False), ("LogStreamName", True),
                            ("LastEventTime", False), ("LastEventTime", True)):
            seen = []
            pages = self.logs.get_paginator("describe_log_streams").paginate(
                logGroupName="/app/o", orderBy=order, descending=desc,
                PaginationConfig={"PageSize": 1})
            for p in pages:
                self.assertLessEqual(len(p["logStreams"]), 1)
                seen += [s["logStreamName"] for s in p["logStreams"]]
            self.assertEqual(seen, names(orderBy=order, descending=desc))
        page = self.logs.describe_log_streams(logGroupName="/app/o", limit=4)
        self.assertNotIn("nextToken", page)
        self.error(self.logs.describe_log_streams, "InvalidParameterException",
                   "The specified nextToken is invalid.", logGroupName="/app/o",
                   nextToken="garbage")
        # the group by ARN (logGroupIdentifier), with or without :*
        for ident in (self.arn("/app/o"), "/app/o"):
            got = self.logs.describe_log_streams(logGroupIdentifier=ident)["logStreams"]
            self.assertEqual(len(got), 4)
        self.error(self.logs.describe_log_streams, "ResourceNotFoundException",
                   "The specified log group does not exist.",
                   logGroupIdentifier=self.arn("/app/o", "eu-west-1"))
        self.error(self.logs.describe_log_streams, "InvalidParameterException",
                   logGroupName="/app/o", logGroupIdentifier="/app/o")
        self.error(self.logs.describe_log_streams, "InvalidParameterException")
        self.error(self.logs.describe_log_streams, "ResourceNotFoundException",
                   "The specified log group does not exist.", logGroupName="/app/nope")


class PutLogEvents(LogsCase):
    """Done means 5: every rule gives AWS's error or rejectedLogEventsInfo, and a rejected
    request stores nothing."""

    def test_accepts_and_ignores_sequence_token(self):
        self.group()
        r = self.put([{"timestamp": T0 - 2, "message": "one"},
                      {"timestamp": T0 - 2, "message": "two"},
                      {"timestamp": T0, "message": "three"}], sequenceToken="whatever")
        self.assertRegex(r["nextSequenceToken"], r"^\d{56}$")
        self.assertNotIn("rejectedLogEventsInfo", r)
        self.advance(3)
        self.put([{"timestamp": T0 + 1, "message": "four"}], sequenceToken="stale")
        events = self.logs.get_log_events(logGroupName="/app/g", logStreamName="s1",
                                          startFromHead=True)["events"]
        self.assertEqual([(e["timestamp"], e["message"], e["ingestionTime"]) for e in events],
                         [(T0 - 2, "one", T0), (T0 - 2, "two", T0), (T0, "three", T0),
                          (T0 + 1, "four", T0 + 3000)])

    def test_chronological_order(self):
        self.group()
        self.put([{"timestamp": T0, "message": "kept"}])
        self.error(self.put, "InvalidParameterException",
                   "Log events in a single PutLogEvents request must be in chronological order.",
                   events=[{"timestamp": T0, "message": "a"}, {"timestamp": T0 - 1,
                                                               "message": "b"}])
        self.assertEqual(self.count(), 1)

    def test_span_of_24_hours(self):
        self.group()
        msg = ("The batch of log events in a single PutLogEvents request cannot span more "
               "than 24 hours.")
        self.error(self.put, "InvalidParameterException", msg,
                   events=[{"timestamp": T0 - DAY - 1, "message": "a"},
                           {"timestamp": T0, "message": "b"}])
        self.assertEqual(self.count(), 0)
        self.put([{"timestamp": T0 - DAY, "message": "a"}, {"timestamp": T0, "message": "b"}])
        self.assertEqual(self.count(), 2)
        # too old / too new events do not count in the span: they are rejected instead
        r = self.put([{"timestamp": T0 - 15 * DAY, "message": "old"},
                      {"timestamp": T0 - 2 * HOUR, "message": "ok"},
                      {"timestamp": T0 + 3 * HOUR, "message": "new"}])
        self.assertEqual(r["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2})
        self.assertEqual(self.count(), 3)

    def test_batch_size(self):
        self.group()
        # 1,048,576 bytes counting 26 per event: 4 events of 262,118 bytes fit exactly
        fit = [{"timestamp": T0, "message": "x" * (262144 - 26)} for _ in range(4)]
        self.put(fit)
        self.assertEqual(self.count(), 4)
        over = [dict(e) for e in fit]
        over[3]["message"] += "y"
        self.error(self.put, "InvalidParameterException",
                   "Upload too large: 1048577 bytes exceeds limit of 1048576", events=over)
        # multi-byte characters count in UTF-8: 2 bytes for é
        utf8 = [{"timestamp": T0, "message": "é" * 131059}]  # 262118 + 26 = 262144 bytes
        self.put(utf8 * 4)
        utf8_over = [{"timestamp": T0, "message": "é" * 131059 + "y"}] + utf8 * 3
        self.error(self.put, "InvalidParameterException",
                   "Upload too large: 1048577 bytes exceeds limit of 1048576", events=utf8_over)
        self.error(self.put, "InvalidParameterException",
                   "Log event too large: 1048602 bytes exceeds limit of 1048576",
                   events=[{"timestamp": T0, "message": "z" * 1048576}])
        self.assertEqual(self.count(), 8)
        self.assertEqual(self.logs.describe_log_groups()["logGroups"][0]["storedBytes"],
                         8 * 262118)

    def test_event_count_and_shape(self):
        self.group()
        many = [{"timestamp": T0, "message": "m"}] * 10000
        self.put(many)
        self.assertEqual(self.count(), 10000)
        raw = DS.client("logs", access_key=self.account, parameter_validation=False)

        def rput(events):
            raw.put_log_events(logGroupName="/app/g", logStreamName="s1", logEvents=events)

        msg = self.error(rput, "InvalidParameterException", events=many + [many[0]])
        self.assertRegex(msg, r"^1 validation error detected: Value '.*' at 'logEvents' failed "
                              r"to satisfy constraint: Member must have length less than or "
                              r"equal to 10000$")
        msg = self.error(rput, "InvalidParameterException", events=[])
        self.assertIn("at 'logEvents' failed to satisfy constraint: Member must have length "
                      "greater than or equal to 1", msg)
        msg = self.error(rput, "InvalidParameterException",
                         events=[{"timestamp": T0, "message": ""}])
        self.assertIn("at 'logEvents.1.member.message' failed to satisfy constraint: Member "
                      "must have length greater than or equal to 1", msg)
        self.error(rput, "InvalidParameterException",
                   "1 validation error detected: Value null at 'logEvents.1.member.timestamp' "
                   "failed to satisfy constraint: Member must not be null",
                   events=[{"message": "no time"}])
        self.assertEqual(self.count(), 10000)

    def test_too_old_too_new_expired(self):
        self.group()
        self.advance(60)
        now = T0 + 60000
        r = self.put([{"timestamp": now - 14 * DAY - 1, "message": "too old"},
                      {"timestamp": now - HOUR, "message": "kept 1"},
                      {"timestamp": now + 2 * HOUR, "message": "kept 2"},
                      {"timestamp": now + 2 * HOUR + 1, "message": "too new"},
                      {"timestamp": now + 3 * HOUR, "message": "too new 2"}])
        self.assertEqual(r["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 3})
        self.assertRegex(r["nextSequenceToken"], r"^\d{56}$")
        got = self.logs.filter_log_events(logGroupName="/app/g")["events"]
        self.assertEqual([e["message"] for e in got], ["kept 1", "kept 2"])
        # the limits themselves are accepted
        r = self.put([{"timestamp": now - 14 * DAY, "message": "14 days"}])
        self.assertNotIn("rejectedLogEventsInfo", r)
        # everything rejected: 200, nothing stored
        r = self.put([{"timestamp": now - 20 * DAY, "message": "x"},
                      {"timestamp": now - 19 * DAY, "message": "y"}])
        self.assertEqual(r["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 2})
        r = self.put([{"timestamp": now + 5 * HOUR, "message": "x"}])
        self.assertEqual(r["rejectedLogEventsInfo"], {"tooNewLogEventStartIndex": 0})
        self.assertEqual(self.count(), 3)
        # expired: older than the group's retention (3 days) but within 14 days
        self.logs.put_retention_policy(logGroupName="/app/g", retentionInDays=3)
        r = self.put([{"timestamp": now - 15 * DAY, "message": "too old and expired"},
                      {"timestamp": now - 3 * DAY - 2 * HOUR, "message": "expired"},
                      {"timestamp": now - 3 * DAY - 1, "message": "expired 2"},
                      {"timestamp": now - 3 * DAY, "message": "kept 3 days"},
                      {"timestamp": now - 3 * DAY + HOUR, "message": "kept"}])
        self.assertEqual(r["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 1, "expiredLogEventEndIndex": 3})
        messages = [e["message"] for e in self.logs.filter_log_events(
            logGroupName="/app/g")["events"]]
        self.assertEqual(sorted(messages), sorted(["kept 1", "kept 2", "kept 3 days", "kept",
                                                   "14 days"]))

    def test_unknown_group_or_stream(self):
        self.group()
        ev = [{"timestamp": T0, "message": "m"}]
        self.error(self.put, "ResourceNotFoundException",
                   "The specified log group does not exist.", events=ev, group="/app/nope")
        self.error(self.put, "ResourceNotFoundException",
                   "The specified log stream does not exist.", events=ev, stream="nope")
        self.assertEqual(self.count(), 0)

    def test_ingest_of_a_megabyte(self):
        """The app's JSON lines, about 5,000 to a 1 MB batch, in one request."""
        self.group()
        lines = []
        for i in range(5000):
            lines.append({"timestamp": T0 - 5000 + i, "message": json.dumps({
                "requestId": "req-%06d" % i, "path": "/db" if i % 7 == 0 else "/api/items",
                "status": 500 if i % 7 == 0 else 200, "latencyMs": i % 900,
                "errorType": "connection_error" if i % 7 == 0 else None,
                "taskId": "task%02d" % (i % 12), "connectMs": i % 50, "level": "INFO"})})
        size = sum(len(e["message"].encode()) + 26 for e in lines)
        self.assertLess(size, 1048576)
        self.put(lines)
        self.assertEqual(self.count(), 5000)


class GetLogEvents(LogsCase):
    def setUp(self):
        super().setUp()
        self.group()
        self.put([{"timestamp": T0 - 10 * 1000 + i * 1000, "message": "e%d" % i}
                  for i in range(10)])

    def get(self, **kw):
        return self.logs.get_log_events(logGroupName="/app/g", logStreamName="s1", **kw)

    def msgs(self, r):
        return [e["message"] for e in r["events"]]

    def test_tail_then_backward_to_the_head(self):
        r = self.get(limit=3)
        self.assertEqual(self.msgs(r), ["e7", "e8", "e9"])
        self.assertEqual(set(r["events"][0]), {"timestamp", "message", "ingestionTime"})
        seen = self.msgs(r)
        tok = r["nextBackwardToken"]
        for _ in range(5):
            r = self.get(limit=3, nextToken=tok)
            if not r["events"]:
                break
            seen = self.msgs(r) + seen
            tok = r["nextBackwardToken"]
        self.assertEqual(seen, ["e%d" % i for i in range(10)])
        self.assertEqual(r["events"], [])
        self.assertEqual(r["nextBackwardToken"], tok)  # the beginning: the same token back
        self.assertTrue(tok.startswith("b/"))

    def test_head_then_forward_to_the_end(self):
        r = self.get(limit=4, startFromHead=True)
        self.assertEqual(self.msgs(r), ["e0", "e1", "e2", "e3"])
        pages = [self.msgs(r)]
        tok = r["nextForwardToken"]
        while True:
            r = self.get(limit=4, startFromHead=True, nextToken=tok)
            if not r["events"]:
                break
            pages.append(self.msgs(r))
            tok = r["nextForwardToken"]
        self.assertEqual(pages, [["e0", "e1", "e2", "e3"], ["e4", "e5", "e6", "e7"],
                                 ["e8", "e9"]])
        self.assertEqual(r["nextForwardToken"], tok)  # the end: the same token back
        self.assertTrue(tok.startswith("f/"))
        # new events show up behind the same token; backward from there goes back again
        self.put([{"timestamp": T0 + 5, "message": "later"}])
        r = self.get(nextToken=tok, startFromHead=True)
        self.assertEqual(self.msgs(r), ["later"])
        back = self.get(nextToken=r["nextBackwardToken"], limit=2)
        self.assertEqual(self.msgs(back), ["e8", "e9"])

    def test_time_window_and_errors(self):
        # startTime inclusive, endTime exclusive
        r = self.get(startTime=T0 - 8000, endTime=T0 - 5000, startFromHead=True)
        self.assertEqual(self.msgs(r), ["e2", "e3", "e4"])
        r = self.get(startTime=T0 - 8000, endTime=T0 - 5000)
        self.assertEqual(self.msgs(r), ["e2", "e3", "e4"])
        r = self.get(startTime=T0 + 1000)
        self.assertEqual(r["events"], [])
        self.assertTrue(r["nextForwardToken"].startswith("f/"))
        self.assertTrue(r["nextBackwardToken"].startswith("b/"))
        self.error(self.get, "InvalidParameterException", "The specified nextToken is invalid.",
                   nextToken="f/123")
        self.error(self.logs.get_log_events, "ResourceNotFoundException",
                   "The specified log stream does not exist.", logGroupName="/app/g",
                   logStreamName="nope")
        self.error(self.logs.get_log_events, "ResourceNotFoundException",
                   "The specified log group does not exist.", logGroupName="/app/nope",
                   logStreamName="s1")
        r = self.logs.get_log_events(logGroupIdentifier=self.arn("/app/g"), logStreamName="s1")
        self.assertEqual(len(r["events"]), 10)
        raw = DS.client("logs", access_key=self.account, parameter_validation=False)
        self.error(raw.get_log_events, "InvalidParameterException", logGroupName="/app/g",
                   logStreamName="s1", limit=10001)


class FilterLogEvents(LogsCase):
    def setUp(self):
        super().setUp()
        self.group("/app/f", stream="web-1")
        for s in ("web-2", "worker-1"):
            self.logs.create_log_stream(logGroupName="/app/f", logStreamName=s)
        self.put([{"timestamp": T0 - 9000, "message": "GET /db 500 ERROR pool"},
                  {"timestamp": T0 - 5000, "message": "GET / 200"}], group="/app/f",
                 stream="web-1")
        self.put([{"timestamp": T0 - 7000, "message": "GET /items 200"},
                  {"timestamp": T0 - 5000, "message": "GET /db 500 ERROR timeout"}],
                 group="/app/f", stream="web-2")
        self.put([{"timestamp": T0 - 8000,
                   "message": json.dumps({"level": "ERROR", "status": 503, "path": "/db"})},
                  {"timestamp": T0 - 1000,
                   "message": json.dumps({"level": "INFO", "status": 200, "path": "/"})}],
                 group="/app/f", stream="worker-1")

    def filt(self, **kw):
        return self.logs.filter_log_events(logGroupName="/app/f", **kw)

    def test_interleaved_fields(self):
        r = self.filt()
        self.assertEqual([(e["logStreamName"], e["timestamp"]) for e in r["events"]],
                         [("web-1", T0 - 9000), ("worker-1", T0 - 8000), ("web-2", T0 - 7000),
                          ("web-1", T0 - 5000), ("web-2", T0 - 5000), ("worker-1", T0 - 1000)])
        self.assertEqual(r["searchedLogStreams"], [])
        self.assertNotIn("nextToken", r)
        e = r["events"][0]
        self.assertEqual(set(e), {"logStreamName", "timestamp", "message", "ingestionTime",
                                  "eventId"})
        self.assertEqual(e["ingestionTime"], T0)
        self.assertRegex(e["eventId"], r"^\d{56}$")
        self.assertEqual(len({x["eventId"] for x in r["events"]}), 6)
        again = self.filt(startTime=T0 - 9000, endTime=T0 - 9000)["events"]
        self.assertEqual(again[0]["eventId"], e["eventId"])  # stable

    def test_time_and_streams(self):
        def streams(**kw):
            return [(e["logStreamName"], e["timestamp"] - T0) for e in self.filt(**kw)["events"]]

        self.assertEqual(streams(startTime=T0 - 8000, endTime=T0 - 5000),
                         [("worker-1", -8000), ("web-2", -7000), ("web-1", -5000),
                          ("web-2", -5000)])
        self.assertEqual(streams(logStreamNames=["web-2", "nope"]),
                         [("web-2", -7000), ("web-2", -5000)])
        self.assertEqual(streams(logStreamNamePrefix="web-"),
                         [("web-1", -9000), ("web-2", -7000), ("web-1", -5000),
                          ("web-2", -5000)])
        self.assertEqual(streams(logStreamNamePrefix="none"), [])
        self.error(self.filt, "InvalidParameterException",
                   "Cannot specify both logStreamNames and logStreamNamePrefix.",
                   logStreamNames=["web-1"], logStreamNamePrefix="web")
        self.error(self.logs.filter_log_events, "ResourceNotFoundException",
                   "The specified log group does not exist.", logGroupName="/app/nope")
        self.assertEqual(len(self.filt(interleaved=False)["events"]), 6)  # ignored, as AWS

    def test_pages(self):
        r = self.filt(limit=4)
        self.assertEqual(len(r["events"]), 4)
        self.assertIn("nextToken", r)
        r2 = self.filt(limit=4, nextToken=r["nextToken"])
        self.assertEqual(len(r2["events"]), 2)
        self.assertNotIn("nextToken", r2)
        r = self.filt(limit=6)
        self.assertNotIn("nextToken", r)  # exactly the last event: no empty page after it
        for size in (1, 2, 5):
            ids = []
            for page in self.logs.get_paginator("filter_log_events").paginate(
                    logGroupName="/app/f", PaginationConfig={"PageSize": size}):
                ids += [e["eventId"] for e in page["events"]]
            self.assertEqual(len(ids), 6)
            self.assertEqual(len(set(ids)), 6)
        self.error(self.filt, "InvalidParameterException", "The specified nextToken is invalid.",
                   nextToken="abc")

    def test_filter_patterns(self):
        def msgs(pattern):
            return [e["message"] for e in self.filt(filterPattern=pattern)["events"]]

        self.assertEqual(len(msgs("")), 6)
        self.assertEqual(msgs("ERROR"), ["GET /db 500 ERROR pool",
                                         json.dumps({"level": "ERROR", "status": 503,
                                                     "path": "/db"}),
                                         "GET /db 500 ERROR timeout"])
        self.assertEqual(msgs("ERROR timeout"), ["GET /db 500 ERROR timeout"])
        self.assertEqual(msgs("{ $.status >= 500 }"),
                         [json.dumps({"level": "ERROR", "status": 503, "path": "/db"})])
        r = self.filt(filterPattern="ERROR", limit=1)
        self.assertEqual(len(r["events"]), 1)
        r2 = self.filt(filterPattern="ERROR", limit=2, nextToken=r["nextToken"])
        self.assertEqual([e["message"] for e in r2["events"]],
                         msgs("ERROR")[1:])
        self.assertNotIn("nextToken", r2)
        # the text is the filter-pattern module's, in AWS's words for the mistake
        msg = self.error(self.filt, "InvalidParameterException", filterPattern="{ $.status >= ")
        self.assertTrue(msg)


class Retention(LogsCase):
    def test_events_expire_on_sim_time(self):
        self.group("/app/r")
        self.put([{"timestamp": T0 - 23 * HOUR, "message": "a"},
                  {"timestamp": T0 - HOUR, "message": "bb"},
                  {"timestamp": T0, "message": "ccc"}], group="/app/r")
        self.logs.put_retention_policy(logGroupName="/app/r", retentionInDays=1)
        self.assertEqual(self.count("/app/r"), 3)
        self.advance(HOUR // 1000 + 60)  # "a" is now 24 h + 1 min old
        self.assertEqual([e["message"] for e in self.logs.filter_log_events(
            logGroupName="/app/r")["events"]], ["bb", "ccc"])
        g = self.logs.describe_log_groups()["logGroups"][0]
        self.assertEqual(g["storedBytes"], 5)
        # without the policy nothing expires any more
        self.logs.delete_retention_policy(logGroupName="/app/r")
        self.advance(2 * DAY // 1000)
        self.assertEqual(self.count("/app/r"), 2)
        # with it again, both go at the next minute
        self.logs.put_retention_policy(logGroupName="/app/r", retentionInDays=1)
        self.advance(60)
        self.assertEqual(self.count("/app/r"), 0)
        self.assertEqual(self.logs.describe_log_groups()["logGroups"][0]["storedBytes"], 0)

    def test_other_teams_keep_their_events(self):
        self.group("/app/r")
        self.put([{"timestamp": T0 - 10 * HOUR, "message": "x"}], group="/app/r")
        self.logs.put_retention_policy(logGroupName="/app/r", retentionInDays=1)
        other = LogsCase("setUp")
        other.setUp()
        other.group("/app/r")
        other.put([{"timestamp": T0 - 10 * HOUR, "message": "y"}], group="/app/r")
        other.logs.put_retention_policy(logGroupName="/app/r", retentionInDays=1)
        self.advance(15 * HOUR // 1000)  # only this team's clock moves
        self.assertEqual(self.count("/app/r"), 0)
        self.assertEqual(other.count("/app/r"), 1)


class Tags(LogsCase):
    def test_tag_resource(self):
        self.group("/app/t", stream=None)
        arn = self.arn("/app/t")
        self.logs.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
        self.logs.tag_resource(resourceArn=arn, tags={"b": "3"})
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn)["tags"],
                         {"a": "1", "b": "3"})
        self.logs.untag_resource(resourceArn=arn, tagKeys=["a", "zz"])
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn)["tags"], {"b": "3"})
        self.error(self.logs.list_tags_for_resource, "ResourceNotFoundException",
                   "The specified log group does not exist.", resourceArn=self.arn("/app/nope"))
        self.error(self.logs.tag_resource, "InvalidParameterException",
                   resourceArn="arn:aws:sns:us-east-1:%s:topic" % self.account, tags={"a": "1"})
        self.error(self.logs.tag_resource, "ResourceNotFoundException",
                   resourceArn=self.arn("/app/t", "eu-west-1"), tags={"a": "1"})
        self.logs.tag_resource(resourceArn=arn, tags={"k%02d" % i: "v" for i in range(49)})
        self.error(self.logs.tag_resource, "TooManyTagsException", resourceArn=arn,
                   tags={"one-more": "v", "b": "4"})
        self.assertEqual(len(self.logs.list_tags_for_resource(resourceArn=arn)["tags"]), 50)
        self.logs.tag_resource(resourceArn=arn, tags={"b": "4"})  # replacing is no new tag

    def test_older_tag_log_group(self):
        self.group("/app/t", stream=None)
        self.logs.tag_log_group(logGroupName="/app/t", tags={"x": "1", "y": "2"})
        self.assertEqual(self.logs.list_tags_log_group(logGroupName="/app/t")["tags"],
                         {"x": "1", "y": "2"})
        self.logs.untag_log_group(logGroupName="/app/t", tags=["x"])
        self.assertEqual(self.logs.list_tags_log_group(logGroupName="/app/t")["tags"],
                         {"y": "2"})
        for fn, kw in ((self.logs.tag_log_group, {"tags": {"a": "b"}}),
                       (self.logs.untag_log_group, {"tags": ["a"]}),
                       (self.logs.list_tags_log_group, {})):
            self.error(fn, "ResourceNotFoundException",
                       "The specified log group does not exist.", logGroupName="/app/nope", **kw)


if __name__ == "__main__":
    harness.main()
