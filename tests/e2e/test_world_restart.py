"""test_world_restart.py - issue 7, done means 8: kill -9 in the middle of the connection-leak
drill and a restart on the same --data (a file in a temp dir) continue the drill where it was:
the same sim time, the same world (connections, tasks and their leaked connections), the same
alarm state, and the leak goes on rising.
"""
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import unittest
import urllib.error

import harness
import world_util as wu
from world_util import at


def snapshot(ds):
    w = wu.world(ds)
    return {
        "clock": ds.control("GET", "/_drill/clock")["nowMs"],
        "conns": w["database"]["connections"],
        "tasks": {t["taskId"]: (t["open"], t["leaked"], t["leaking"]) for t in w["tasks"]},
        "alarm": wu.alarm_state(ds),
        "mode": ds.client("ssm").get_parameter(
            Name="/golden/failure_mode")["Parameter"]["Value"],
    }


class KillAndResume(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="drillsim-restart-")
        self.data = os.path.join(self.dir, "drill.db")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_kill_9_and_restart_resume_the_drill(self):
        args = ["--scenario", "connection-leak", "--clock", "manual@" + wu.START]
        ds = harness.Drillsim(data=self.data, args=args).start()
        try:
            wu.advance(ds, 150)
            before = snapshot(ds)
            self.assertLess(before["conns"], 97, before)        # still rising
            self.assertEqual(before["alarm"], "ALARM")
            series_before = wu.db_series(ds, at(-60), at(3))
        finally:
            ds.proc.send_signal(signal.SIGKILL)
            ds.proc.wait(10)
            ds.stop()
        self.assertEqual(ds.proc.returncode, -signal.SIGKILL)

        ds = harness.Drillsim(data=self.data, args=args).start()
        try:
            after = snapshot(ds)
            self.assertEqual(after, before)
            self.assertEqual(wu.db_series(ds, at(-60), at(3)), series_before)
            wu.advance(ds, 5 * 60)
            later = snapshot(ds)
            self.assertEqual(later["clock"], before["clock"] + 300000)
            self.assertGreater(later["conns"], before["conns"], (before, later))
            self.assertEqual(set(later["tasks"]), set(before["tasks"]))
            for tid, (_, leaked, leaking) in before["tasks"].items():
                self.assertTrue(leaking)
                self.assertGreaterEqual(later["tasks"][tid][1], leaked, (tid, before, later))
            self.assertGreater(sum(t[1] for t in later["tasks"].values()),
                               sum(t[1] for t in before["tasks"].values()))
            self.assertEqual(later["alarm"], "ALARM")
            # the minutes after the restart continue the series without a gap
            db = wu.db_series(ds, at(0), at(7))
            self.assertEqual(sorted(db), [at(m) for m in range(7)], db)
            wu.assert_rising(self, [db[k] for k in sorted(db)], "DatabaseConnections",
                             min_rise=5)
        finally:
            ds.stop()

    def test_kill_9_during_an_advance_resumes_at_a_whole_tick(self):
        args = ["--scenario", "connection-leak", "--clock", "manual@" + wu.START]
        ds = harness.Drillsim(data=self.data, args=args).start()
        try:
            wu.advance(ds, 60)
            start = snapshot(ds)
            errors = []

            def long_advance():
                try:
                    ds.control("POST", "/_drill/clock/advance", {"seconds": 1800})
                except (urllib.error.URLError, ConnectionError, OSError) as e:
                    errors.append(e)        # the kill cuts the reply: expected
            t = threading.Thread(target=long_advance)
            t.start()
            time.sleep(0.25)
        finally:
            ds.proc.send_signal(signal.SIGKILL)
            ds.proc.wait(10)
            t.join(20)
            ds.stop()

        ds = harness.Drillsim(data=self.data, args=args).start()
        try:
            s = snapshot(ds)
            print("resumed %d s into the 1800 s advance" % ((s["clock"] - start["clock"]) / 1000),
                  file=sys.stderr)
            # a whole second of sim time, between where the advance began and where it ends
            self.assertEqual(s["clock"] % 1000, 0, s)
            self.assertGreaterEqual(s["clock"], start["clock"], (start, s))
            self.assertLessEqual(s["clock"], start["clock"] + 1800 * 1000, (start, s))
            # the world is the one of that tick: its connections add up
            w = wu.world(ds)
            self.assertEqual(sum(t["open"] for t in w["tasks"]) + 2,
                             w["database"]["connections"], w)
            self.assertEqual(set(s["tasks"]), set(start["tasks"]))
            for tid, (_, leaked, _) in start["tasks"].items():
                self.assertGreaterEqual(s["tasks"][tid][1], leaked)
            wu.advance(ds, 180)
            later = snapshot(ds)
            self.assertEqual(later["clock"], s["clock"] + 180000)
            self.assertGreaterEqual(later["conns"], s["conns"])
            # every minute from the start to now has exactly one datapoint
            end = wu.datetime.datetime.fromtimestamp(later["clock"] / 1000, wu.UTC)
            db = wu.db_series(ds, at(0), end)
            r = ds.client("cloudwatch").get_metric_statistics(
                Namespace="AWS/RDS", MetricName="DatabaseConnections",
                Dimensions=[{"Name": "DBClusterIdentifier", "Value": wu.CLUSTER}],
                StartTime=at(0), EndTime=end, Period=60, Statistics=["SampleCount"])
            minutes = int((end - at(0)).total_seconds() // 60)
            self.assertEqual(len(db), minutes, sorted(db))
            counts = {d["Timestamp"]: d["SampleCount"] for d in r["Datapoints"]}
            self.assertTrue(all(v == 60 for v in counts.values()), counts)
        finally:
            ds.stop()


if __name__ == "__main__":
    harness.main()
