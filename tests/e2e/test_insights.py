"""Logs Insights over the wire with boto3: StartQuery, GetQueryResults, StopQuery,
DescribeQueries, GetLogRecord; statuses moving by evaluation progress under a manual clock;
AWS's errors; the concurrency limit; results surviving a restart.

The language itself is tested through the evaluator by the case corpus
(tests/unit/insights/cases/); here each test checks what only the API shows.
"""
import json
import os
import tempfile
import time
import unittest

import botocore.exceptions

import harness

T0 = 1767225600  # 2026-01-01T00:00:00Z, the manual clock's start
CLOCK = ["--clock", "manual@2026-01-01T00:00:00Z"]


def put(logs, group, stream, events):
    """Puts (ms, message) events in batches of 5,000."""
    for k in range(0, len(events), 5000):
        batch = [{"timestamp": t, "message": m} for t, m in events[k:k + 5000]]
        r = logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
        assert not r.get("rejectedLogEventsInfo"), r


def wait(logs, qid, timeout=60):
    """Polls GetQueryResults until the status is terminal; returns (response, statuses)."""
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = logs.get_query_results(queryId=qid)
        seen.append(r["status"])
        if r["status"] not in ("Scheduled", "Running"):
            return r, seen
    raise AssertionError("query %s did not end: %s" % (qid, seen[-5:]))


def rows_as_dicts(r):
    return [{f["field"]: f["value"] for f in row} for row in r["results"]]


class Insights(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=CLOCK).start()
        cls.logs = cls.ds.client("logs")
        cls.logs.create_log_group(logGroupName="/app/a")
        cls.logs.create_log_group(logGroupName="/app/b")
        cls.logs.create_log_stream(logGroupName="/app/a", logStreamName="web/1")
        cls.logs.create_log_stream(logGroupName="/app/b", logStreamName="worker/1")
        # /app/a: one event a second for the hour before T0; /app/b: ten events
        ev = []
        for i in range(3600):
            ms = (T0 - 3600 + i) * 1000
            ev.append((ms, json.dumps({"n": i, "level": "ERROR" if i % 10 == 0 else "INFO",
                                       "path": "/db" if i % 3 == 0 else "/api"})))
        put(cls.logs, "/app/a", "web/1", ev)
        put(cls.logs, "/app/b", "worker/1",
            [((T0 - 100 + i) * 1000, "worker line %d" % i) for i in range(10)])

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def start(self, query, group="/app/a", start=T0 - 7200, end=T0, **kw):
        if group is not None and "logGroupNames" not in kw and "logGroupIdentifiers" not in kw:
            kw["logGroupName"] = group
        return self.logs.start_query(startTime=start, endTime=end, queryString=query,
                                     **kw)["queryId"]

    def test_results_shape(self):
        qid = self.start("fields @timestamp, @message, n | sort @timestamp desc | limit 3")
        r, _ = wait(self.logs, qid)
        self.assertEqual(r["status"], "Complete")
        rows = r["results"]
        self.assertEqual(len(rows), 3)
        for row in rows:
            self.assertEqual([f["field"] for f in row], ["@timestamp", "@message", "n", "@ptr"])
            for f in row:
                self.assertIsInstance(f["value"], str)
        self.assertEqual(rows[0][0]["value"], "2025-12-31 23:59:59.000")
        self.assertEqual(rows[0][2]["value"], "3599")
        st = r["statistics"]
        for k in ("recordsMatched", "recordsScanned", "bytesScanned"):
            self.assertIsInstance(st[k], float)
        self.assertEqual(st["recordsMatched"], 3.0)

    def test_status_moves_by_progress_not_clock(self):
        # 3,600 events with a small per-turn slice would finish at once; a stats over a
        # bigger set shows Running on the way, and the manual clock never moves
        big = "/app/big"
        self.logs.create_log_group(logGroupName=big)
        self.logs.create_log_stream(logGroupName=big, logStreamName="s")
        put(self.logs, big, "s", [((T0 - 3000) * 1000 + i, '{"v":%d}' % i) for i in range(60000)])
        clock = self.ds.control("GET", "/_drill/clock")
        qid = self.logs.start_query(logGroupName=big, startTime=T0 - 7200, endTime=T0,
                                    queryString="stats count(*) as n, sum(v) as s")["queryId"]
        r, seen = wait(self.logs, qid)
        self.assertEqual(r["status"], "Complete")
        self.assertIn("Running", seen)
        for s in seen[:-1]:
            self.assertIn(s, ("Scheduled", "Running"))
        self.assertEqual(rows_as_dicts(r), [{"n": "60000", "s": str(sum(range(60000)))}])
        self.assertEqual(r["statistics"]["recordsScanned"], 60000.0)
        self.assertEqual(self.ds.control("GET", "/_drill/clock")["nowMs"], clock["nowMs"])

    def test_time_range_seconds_end_inclusive(self):
        # events at T0-3600 .. T0-1, one a second: [T0-10, T0-5] holds 6 of them
        qid = self.start("stats count(*) as c", start=T0 - 10, end=T0 - 5)
        r, _ = wait(self.logs, qid)
        self.assertEqual(rows_as_dicts(r), [{"c": "6"}])

    def test_limit_parameter(self):
        qid = self.start("fields n", limit=7)
        r, _ = wait(self.logs, qid)
        self.assertEqual(len(r["results"]), 7)
        self.assertEqual(rows_as_dicts(r)[0]["n"], "3599")

    def test_default_limit_10000(self):
        big = "/app/many"
        self.logs.create_log_group(logGroupName=big)
        self.logs.create_log_stream(logGroupName=big, logStreamName="s")
        put(self.logs, big, "s", [((T0 - 2000) * 1000 + i, "m%d" % i) for i in range(10050)])
        qid = self.logs.start_query(logGroupName=big, startTime=T0 - 7200, endTime=T0,
                                    queryString="fields @message")["queryId"]
        r, _ = wait(self.logs, qid)
        self.assertEqual(len(r["results"]), 10000)
        self.assertEqual(r["results"][0][0]["value"], "m10049")

    def test_several_groups_and_identifiers(self):
        qid = self.start("stats count(*) as c by @log | sort c desc", group=None,
                         logGroupNames=["/app/a", "/app/b"])
        r, _ = wait(self.logs, qid)
        self.assertEqual(rows_as_dicts(r), [
            {"@log": "000000000000:/app/a", "c": "3600"},
            {"@log": "000000000000:/app/b", "c": "10"},
        ])
        arn = "arn:aws:logs:us-east-1:000000000000:log-group:/app/b"
        qid = self.start("fields @message | limit 1", group=None,
                         logGroupIdentifiers=[arn])
        r, _ = wait(self.logs, qid)
        self.assertEqual(rows_as_dicts(r)[0]["@message"], "worker line 9")

    def test_stats_and_parse(self):
        qid = self.start('filter level = "ERROR" | stats count(*) as errors by bin(10m) '
                         '| sort errors desc | limit 2')
        r, _ = wait(self.logs, qid)
        rows = rows_as_dicts(r)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["errors"], "60")
        for row in r["results"]:
            self.assertNotIn("@ptr", [f["field"] for f in row])
        qid = self.start('parse @message "worker line *" as k | stats max(k) as top',
                         group="/app/b")
        r, _ = wait(self.logs, qid)
        self.assertEqual(rows_as_dicts(r), [{"top": "9"}])

    def test_malformed_query(self):
        for q, msg in [
            ("fields @timestamp | count()", "mismatched input 'count' expecting"),
            ("filter @message like", "mismatched input '<EOF>'"),
            ("stats count(*) by x | fields @message", "Unknown symbols found in or after stats"),
            ("fields nope(1)", "Unrecognized function name: nope"),
            ("unnest x into y", "mismatched input 'unnest'"),
        ]:
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                self.start(q)
            err = cm.exception.response
            self.assertEqual(err["Error"]["Code"], "MalformedQueryException", q)
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
            self.assertIn(msg, err["Error"]["Message"])

    def test_errors(self):
        with self.assertRaises(self.logs.exceptions.ResourceNotFoundException):
            self.start("fields @message", group="/no/such/group")
        with self.assertRaises(self.logs.exceptions.InvalidParameterException):
            self.start("fields @message", start=T0, end=T0 - 10)
        with self.assertRaises(self.logs.exceptions.InvalidParameterException):
            self.logs.start_query(startTime=T0 - 10, endTime=T0, queryString="fields @message")
        with self.assertRaises(self.logs.exceptions.ResourceNotFoundException):
            self.logs.get_query_results(queryId="00000000-0000-0000-0000-000000000000")
        with self.assertRaises(self.logs.exceptions.ResourceNotFoundException):
            self.logs.stop_query(queryId="00000000-0000-0000-0000-000000000000")
        with self.assertRaises(self.logs.exceptions.InvalidParameterException):
            self.logs.get_log_record(logRecordPointer="not-a-pointer")

    def test_get_log_record(self):
        qid = self.start("fields @timestamp | filter n = 42")
        r, _ = wait(self.logs, qid)
        ptr = rows_as_dicts(r)[0]["@ptr"]
        rec = self.logs.get_log_record(logRecordPointer=ptr)["logRecord"]
        self.assertEqual(rec["n"], "42")
        self.assertEqual(rec["path"], "/db")
        self.assertEqual(rec["@logStream"], "web/1")
        self.assertEqual(rec["@log"], "000000000000:/app/a")
        self.assertEqual(rec["@timestamp"], "2025-12-31 23:00:42.000")
        self.assertEqual(json.loads(rec["@message"])["n"], 42)
        for v in rec.values():
            self.assertIsInstance(v, str)

    def test_stop_and_describe(self):
        big = "/app/slow"
        self.logs.create_log_group(logGroupName=big)
        self.logs.create_log_stream(logGroupName=big, logStreamName="s")
        put(self.logs, big, "s", [((T0 - 3000) * 1000 + i, '{"v":%d}' % i) for i in range(100000)])
        qid = self.logs.start_query(logGroupName=big, startTime=T0 - 7200, endTime=T0,
                                    queryString="stats avg(v)")["queryId"]
        r = self.logs.stop_query(queryId=qid)
        self.assertTrue(r["success"])
        self.assertEqual(self.logs.get_query_results(queryId=qid)["status"], "Cancelled")
        self.assertFalse(self.logs.stop_query(queryId=qid)["success"])
        d = self.logs.describe_queries(logGroupName=big)["queries"]
        self.assertEqual([q["queryId"] for q in d], [qid])
        self.assertEqual(d[0]["status"], "Cancelled")
        self.assertEqual(d[0]["queryString"], "stats avg(v)")
        self.assertEqual(d[0]["logGroupName"], big)
        self.assertIsInstance(d[0]["createTime"], int)
        cancelled = self.logs.describe_queries(status="Cancelled")["queries"]
        self.assertIn(qid, [q["queryId"] for q in cancelled])
        self.assertNotIn(qid, [q["queryId"] for q in
                               self.logs.describe_queries(status="Complete")["queries"]])

    def test_describe_pagination(self):
        ids = [self.start("fields @message | limit 1", group="/app/b") for _ in range(5)]
        for q in ids:
            wait(self.logs, q)
        got, token, pages = [], None, 0
        while True:
            kw = {"logGroupName": "/app/b", "maxResults": 2}
            if token:
                kw["nextToken"] = token
            r = self.logs.describe_queries(**kw)
            got += [q["queryId"] for q in r["queries"]]
            pages += 1
            token = r.get("nextToken")
            if not token:
                break
        self.assertGreaterEqual(pages, 3)
        self.assertEqual(len(got), len(set(got)))
        self.assertTrue(set(ids) <= set(got))

    def test_concurrency_limit(self):
        big = "/app/conc"
        self.logs.create_log_group(logGroupName=big)
        self.logs.create_log_stream(logGroupName=big, logStreamName="s")
        put(self.logs, big, "s", [((T0 - 3000) * 1000 + i, '{"v":%d}' % i) for i in range(100000)])
        ids = []
        try:
            for _ in range(100):
                ids.append(self.logs.start_query(logGroupName=big, startTime=T0 - 7200,
                                                 endTime=T0, queryString="stats sum(v)")["queryId"])
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                self.logs.start_query(logGroupName=big, startTime=T0 - 7200, endTime=T0,
                                      queryString="stats sum(v)")
            self.assertEqual(cm.exception.response["Error"]["Code"], "LimitExceededException")
            self.assertIn("concurrency limit", cm.exception.response["Error"]["Message"])
        finally:
            for q in ids:
                self.logs.stop_query(queryId=q)
        # with the slots free again a query starts
        qid = self.start("fields @message | limit 1", group="/app/b")
        self.assertEqual(wait(self.logs, qid)[0]["status"], "Complete")


class Restart(unittest.TestCase):
    def test_results_survive_restart(self):
        with tempfile.TemporaryDirectory() as d:
            data = os.path.join(d, "state.db")
            ds = harness.Drillsim(data=data, args=CLOCK).start()
            try:
                logs = ds.client("logs")
                logs.create_log_group(logGroupName="/g")
                logs.create_log_stream(logGroupName="/g", logStreamName="s")
                put(logs, "/g", "s", [((T0 - 10 + i) * 1000, "line %d" % i) for i in range(5)])
                qid = logs.start_query(logGroupName="/g", startTime=T0 - 60, endTime=T0,
                                       queryString="fields @message | limit 2")["queryId"]
                before, _ = wait(logs, qid)
            finally:
                ds.stop()
            ds = harness.Drillsim(data=data, args=CLOCK).start()
            try:
                logs = ds.client("logs")
                after = logs.get_query_results(queryId=qid)
                self.assertEqual(after["status"], "Complete")
                self.assertEqual(after["results"], before["results"])
                self.assertEqual(after["statistics"]["recordsMatched"], 2.0)
                self.assertEqual([q["queryId"] for q in logs.describe_queries()["queries"]], [qid])
                # a query the server stops in the middle runs again after the restart
                logs.create_log_group(logGroupName="/big")
                logs.create_log_stream(logGroupName="/big", logStreamName="s")
                put(logs, "/big", "s",
                    [((T0 - 3000) * 1000 + i, '{"v":%d}' % i) for i in range(300000)])
                qid2 = logs.start_query(logGroupName="/big", startTime=T0 - 3600, endTime=T0,
                                        queryString="stats count(*) as n, sum(v) as s")["queryId"]
                interrupted = logs.get_query_results(queryId=qid2)["status"]
            finally:
                ds.stop()
            ds = harness.Drillsim(data=data, args=CLOCK).start()
            try:
                logs = ds.client("logs")
                r, _ = wait(logs, qid2)
                self.assertEqual(r["status"], "Complete")
                self.assertEqual(rows_as_dicts(r), [{"n": "300000",
                                                     "s": str(sum(range(300000)))}])
                # (it was stopped while it ran, unless this machine outran the SIGTERM)
                self.assertIn(interrupted, ("Scheduled", "Running", "Complete"))
            finally:
                ds.stop()


if __name__ == "__main__":
    harness.main()
