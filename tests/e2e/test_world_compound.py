"""test_world_compound.py - the compound drill end to end (issue 7, done means 1).

A connection leak starts while a traffic surge makes autoscaling add tasks. The runbook,
verbatim with the aws CLI under faketime, finds both causes (the leak failure mode and a high
task count); its resolutions for both (reset the failure mode, restart the tasks, scale down)
remove the leak at once, and once the surge is over (it ends at +25m) the world is healthy:
connections under the alarm, the alarm OK, no 5xx.
"""
import json
import unittest

import harness
import world_util as wu
from world_util import at


class CompoundRunbook(unittest.TestCase):
    def setUp(self):
        wu.need_tools(self, "faketime", "jq", "curl", "aws")

    def test_runbook_finds_both_causes_and_their_resolutions_fix_them(self):
        with wu.drill("compound", app=True) as ds:
            self._drill(ds)

    def _drill(self, ds):
        rb = wu.Runbook(ds)
        wu.advance(ds, 8 * 60)

        rows = wu.assert_alarm_seen(self, ds, rb)
        values = [v for _, v in rows]
        self.assertLessEqual(min(values), 44, rows)
        rows = rb.insights()
        self.assertTrue(rows, "the runbook's Insights query found nothing")
        self.assertIn("connection_error", {r.get("errorType") for r in rows})
        got = [wu.app_get(ds, "/db") for _ in range(12)]
        fails = [json.loads(b) for s, b in got if s == 500]
        self.assertTrue(fails, "no /db request failed over 12 requests: %r" % got)
        # both causes: the failure mode, and more tasks than the baseline's 4
        self.assertEqual(rb.run("failure_mode"), "connection_leak")
        count = rb.run("task_count")
        self.assertGreater(count["Running"], 4, count)
        acts = ds.client("application-autoscaling").describe_scaling_activities(
            ServiceNamespace="ecs")["ScalingActivities"]
        self.assertTrue([a for a in acts if "AlarmHigh" in a.get("Cause", "")], acts)
        w = wu.world(ds)
        self.assertTrue(sum(t["leaked"] for t in w["tasks"]) > 20, w["tasks"])

        # Both resolutions, verbatim.
        rb.run("reset_failure_mode")
        rb.run("restart_tasks")
        rb.run("scale_down")
        wu.advance(ds, 5 * 60)
        w = wu.world(ds)
        self.assertFalse([t for t in w["tasks"] if t["leaking"] or t["leaked"]], w["tasks"])
        # after the surge (it ends at +25m) and autoscaling's scale-in: healthy
        wu.advance(ds, 32 * 60)
        w = wu.world(ds)
        self.assertFalse([t for t in w["tasks"] if t["leaking"] or t["leaked"]], w["tasks"])
        self.assertEqual(w["database"]["connections"], 10 * len(w["tasks"]) + 2, w)
        late = wu.db_series(ds, at(35), at(45))
        self.assertEqual(len(late), 10, late)
        self.assertLess(max(late.values()), 80, late)
        self.assertEqual(wu.alarm_state(ds), "OK")
        self.assertTrue([b for _, b in wu.sns_alarm_messages(ds)
                         if b["NewStateValue"] == "OK" and b["OldStateValue"] == "ALARM"],
                        "no ALARM -> OK notification")
        self.assertGreater(wu.elb_sum(ds, "RequestCount", at(35), at(45)), 0)
        self.assertEqual(wu.elb_sum(ds, "HTTPCode_Target_5XX_Count", at(35), at(45)), 0)
        self.assertEqual({s for s, _ in (wu.app_get(ds, "/db") for _ in range(6))}, {200})


if __name__ == "__main__":
    harness.main()
