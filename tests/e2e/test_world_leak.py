"""test_world_leak.py - the connection-leak drill end to end (issue 7, done means 1 and 7).

The runbook, verbatim with the real aws CLI under faketime at the sim clock, finds cause 1
(rising DatabaseConnections, the alarm in ALARM with its SNS notification, 500s with
errorType connection_error from its Insights query, `curl /db` 500, /golden/failure_mode =
connection_leak); its resolution for cause 1 brings the world back. A second test checks the
leak's signature: connections rise while ECS/ContainerInsights RunningTaskCount stays flat.
"""
import json
import unittest

import harness
import world_util as wu
from world_util import at


class ConnectionLeakRunbook(unittest.TestCase):
    def setUp(self):
        wu.need_tools(self, "faketime", "jq", "curl", "aws")

    def test_runbook_finds_the_leak_and_its_resolution_fixes_it(self):
        with wu.drill("connection-leak", app=True) as ds:
            self._drill(ds)

    def _drill(self, ds):
        rb = wu.Runbook(ds)
        wu.advance(ds, 20 * 60)

        # Step 4 of the runbook (get-metric-statistics | jq), at 00:20 sim time: its
        # `date --iso-8601` window is whole days (2025-12-31 .. 2026-01-01), so it shows the
        # pre-roll's last hour, 5-minute maxima in time order, rising with the leak.
        rows = wu.Runbook(ds).connection_pattern()
        values = [v for _, v in rows]
        self.assertTrue(rows and all(ts < at(0) for ts, _ in rows), rows)
        wu.assert_rising(self, values, "runbook DatabaseConnections (pre-roll)", min_rise=20)
        self.assertGreater(values[-1], 80, rows)
        # ... and in the drill itself the connections climb to what the app can use.
        drill = wu.db_series(ds, at(0), at(20))
        series = [drill[k] for k in sorted(drill)]
        self.assertEqual(len(series), 20, drill)
        wu.assert_rising(self, series[:6], "DatabaseConnections +0..+6m", min_rise=5)
        self.assertEqual(max(series), 97, series)

        # The alarm fired and SNS published its notification.
        self.assertEqual(wu.alarm_state(ds), "ALARM")
        alarms = [b for _, b in wu.sns_alarm_messages(ds) if b["NewStateValue"] == "ALARM"]
        self.assertTrue(alarms, "no ALARM notification on golden-path-alarms")
        self.assertEqual(alarms[-1]["Trigger"]["MetricName"], "DatabaseConnections")

        # Step 2: the Insights query over the last 15 minutes finds the 500s.
        rows = rb.insights()
        self.assertGreater(len(rows), 0, "the runbook's Insights query found nothing")
        self.assertLessEqual(len(rows), 20)
        for r in rows:
            self.assertEqual(r["path"], "/db", r)
            self.assertIn("errorType", r, r)
        self.assertIn("connection_error", {r["errorType"] for r in rows})
        self.assertEqual({r["status"] for r in rows if r["errorType"] == "connection_error"},
                         {"500"})
        stamps = [r["@timestamp"] for r in rows]
        self.assertEqual(stamps, sorted(stamps, reverse=True), "not sorted @timestamp desc")
        self.assertGreaterEqual(min(stamps), "2026-01-01 00:05:00", stamps)

        # The app's own endpoint fails the way the logs say (not every request: a pool may
        # still hold a free connection; users see 500s among 200s).
        got = [wu.app_get(ds, "/db") for _ in range(12)]
        fails = [b for s, b in got if s == 500]
        self.assertTrue(fails, got)
        status, body = 500, fails[0]
        self.assertEqual(json.loads(body)["errorType"], "connection_error", body)

        # Step 6: the cause.
        self.assertEqual(rb.run("failure_mode"), "connection_leak")

        # Cause 1's resolution, verbatim: reset the failure mode, restart the tasks.
        fixed_at = wu.now_dt(ds)
        rb.run("reset_failure_mode")
        out = rb.run("restart_tasks")
        self.assertEqual(out["service"]["serviceName"], wu.SERVICE)
        wu.advance(ds, 10 * 60)

        w = wu.world(ds)
        self.assertLessEqual(w["database"]["connections"], 50, w["database"])
        self.assertEqual(len(w["tasks"]), 4, w["tasks"])
        self.assertFalse([t for t in w["tasks"] if t["leaking"] or t["leaked"]], w["tasks"])
        late = wu.db_series(ds, at(25), at(30))
        self.assertEqual(len(late), 5, late)
        self.assertLess(max(late.values()), 80, late)
        self.assertEqual(wu.alarm_state(ds), "OK")
        oks = [b for ts, b in wu.sns_alarm_messages(ds)
               if b["NewStateValue"] == "OK" and b["OldStateValue"] == "ALARM"
               and ts >= fixed_at.strftime("%Y-%m-%dT%H:%M:%S")]
        self.assertTrue(oks, "no ALARM -> OK notification after the fix")
        # no new 5xx once the new deployment serves (3 minutes after the fix)
        self.assertGreater(wu.elb_sum(ds, "RequestCount", at(23), at(30)), 0)
        self.assertEqual(wu.elb_sum(ds, "HTTPCode_Target_5XX_Count", at(23), at(30)), 0)
        status, body = wu.app_get(ds, "/db")
        self.assertEqual(status, 200, body)


class LeakSignature(unittest.TestCase):
    def test_connections_rise_while_running_task_count_stays_flat(self):
        ds = wu.start_drill("connection-leak")
        try:
            wu.advance(ds, 6 * 60)
            # the leak began at -16m: from -15m to +5m
            db = wu.db_series(ds, at(-15), at(6))
            tasks = wu.running_series(ds, at(-15), at(6))
            self.assertEqual(len(db), 21, db)
            self.assertEqual(sorted(db), sorted(tasks), "the two series cover other minutes")
            conns = [db[k] for k in sorted(db)]
            wu.assert_rising(self, conns, "DatabaseConnections", min_rise=30)
            self.assertEqual({tasks[k] for k in tasks}, {4.0}, tasks)
            # before the leak, the baseline: 4 tasks x pool 10 + 2 admin
            base = wu.db_series(ds, at(-40), at(-20))
            self.assertTrue(base)
            self.assertTrue(all(40 <= v <= 44 for v in base.values()), base)
            w = wu.world(ds)
            self.assertEqual(len(w["tasks"]), 4)
            self.assertTrue(all(t["leaking"] for t in w["tasks"]), w["tasks"])
        finally:
            ds.stop()


if __name__ == "__main__":
    harness.main()
