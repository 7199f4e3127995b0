"""test_world_leak_redeploy.py - issue 7, done means 2: in the connection-leak drill a
force-new-deployment WITHOUT resetting /golden/failure_mode clears the connections, then the
leak comes back (the new tasks read the failure mode at start); resetting it first, then
redeploying, fixes it for good. The commands are the runbook's, verbatim, with the aws CLI.
"""
import unittest

import harness
import world_util as wu
from world_util import at


def task_ids(w):
    return {t["taskId"] for t in w["tasks"]}


class LeakRedeploy(unittest.TestCase):
    def setUp(self):
        wu.need_tools(self, "faketime", "aws")
        self.ds = wu.start_drill("connection-leak")
        self.rb = wu.Runbook(self.ds)
        wu.advance(self.ds, 10 * 60)
        self.before = wu.world(self.ds)
        self.assertEqual(self.before["database"]["connections"], 97, self.before["database"])

    def tearDown(self):
        self.ds.stop()

    def test_redeploy_alone_clears_then_the_leak_comes_back(self):
        ds = self.ds
        self.rb.run("restart_tasks")        # "Immediate Actions 1", without the reset
        wu.advance(ds, 4 * 60)
        w = wu.world(ds)
        self.assertFalse(task_ids(w) & task_ids(self.before), "the old tasks still run")
        self.assertEqual(len(w["tasks"]), 4)
        # the old tasks' connections closed: the minute's minimum fell to about the baseline
        low = wu.db_series(ds, at(10), at(14), stat="Minimum")
        cleared = min(low.values())
        self.assertLessEqual(cleared, 46, low)
        self.assertLess(w["database"]["connections"], 80, w["database"])
        # the new tasks read connection_leak at start: the leak is back
        self.assertTrue(all(t["leaking"] for t in w["tasks"]), w["tasks"])
        wu.advance(ds, 15 * 60)
        w = wu.world(ds)
        self.assertGreaterEqual(w["database"]["connections"], cleared + 10, w["database"])
        self.assertGreater(sum(t["leaked"] for t in w["tasks"]), 10, w["tasks"])
        series = wu.db_series(ds, at(15), at(29))
        wu.assert_rising(self, [series[k] for k in sorted(series)],
                         "DatabaseConnections after the redeploy", min_rise=10)
        self.assertEqual(self.rb.run("failure_mode"), "connection_leak")

    def test_reset_then_redeploy_fixes_it_for_good(self):
        ds = self.ds
        self.rb.run("reset_failure_mode")
        self.rb.run("restart_tasks")
        wu.advance(ds, 4 * 60)
        w = wu.world(ds)
        self.assertFalse(task_ids(w) & task_ids(self.before), "the old tasks still run")
        self.assertLessEqual(w["database"]["connections"], 45, w["database"])
        wu.advance(ds, 40 * 60)
        w = wu.world(ds)
        self.assertEqual(len(w["tasks"]), 4)
        self.assertFalse([t for t in w["tasks"] if t["leaking"] or t["leaked"]], w["tasks"])
        series = wu.db_series(ds, at(16), at(54))
        self.assertEqual(len(series), 38, series)
        self.assertTrue(all(40 <= v <= 45 for v in series.values()), series)
        self.assertEqual(wu.alarm_state(ds), "OK")
        self.assertEqual(wu.elb_sum(ds, "HTTPCode_Target_5XX_Count", at(16), at(54)), 0)


if __name__ == "__main__":
    harness.main()
