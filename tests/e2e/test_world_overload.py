"""test_world_overload.py - the task-overload drill end to end (issue 7, done means 1 and 7).

After a surge autoscaling left 12 tasks (scale-in disabled); 12 pools of 10 want more than
the 97 connections the app may use. The runbook, verbatim with the aws CLI under faketime,
sees the connections at the limit with the task count high, the alarm and its notification,
the 500s in its Insights query and from `curl /db`; cause 2's `--desired-count 2` brings the
world back. A second test checks the emergent part alone: scaling down, and nothing else,
brings DatabaseConnections down, in proportion to the task count.
"""
import json
import unittest

import harness
import world_util as wu
from world_util import at


def app_statuses(ds, n):
    """GETs /db n times (the app spreads real requests over its tasks); returns the
    (status, body) pairs."""
    return [wu.app_get(ds, "/db") for _ in range(n)]


class TaskOverloadRunbook(unittest.TestCase):
    def setUp(self):
        wu.need_tools(self, "faketime", "jq", "curl", "aws")

    def test_runbook_finds_the_overload_and_scaling_down_fixes_it(self):
        with wu.drill("task-overload", app=True) as ds:
            self._drill(ds)

    def _drill(self, ds):
        rb = wu.Runbook(ds)
        wu.advance(ds, 5 * 60)

        # Step 4: the last hour (the runbook's whole-day window shows the pre-roll): the
        # connections climbed with the scale-out to what the app may use.
        rows = rb.connection_pattern()
        values = [v for _, v in rows]
        self.assertTrue(rows and all(ts < at(0) for ts, _ in rows), rows)
        self.assertLessEqual(min(values), 44, rows)
        self.assertEqual(values[-1], 97, rows)
        # Step 5: many tasks (cause 2's symptom).
        count = rb.run("task_count")
        self.assertEqual(count, {"Running": 12, "Desired": 12, "Pending": 0})
        # "autoscaling recently triggered": its AlarmHigh scaled the service out
        acts = ds.client("application-autoscaling").describe_scaling_activities(
            ServiceNamespace="ecs")["ScalingActivities"]
        self.assertTrue([a for a in acts if "AlarmHigh" in a.get("Cause", "")], acts)
        # the connections track the task count: 10 per task that got its pool, + 2 admin
        w = wu.world(ds)
        self.assertEqual(w["database"]["connections"], 97)
        self.assertEqual(sum(t["open"] for t in w["tasks"]) + 2, 97, w["tasks"])
        starved = [t for t in w["tasks"] if t["open"] == 0]
        self.assertTrue(starved, "every task got connections: %r" % w["tasks"])
        self.assertFalse([t for t in w["tasks"] if t["leaked"]], w["tasks"])

        self.assertEqual(wu.alarm_state(ds), "ALARM")
        self.assertTrue([b for _, b in wu.sns_alarm_messages(ds)
                         if b["NewStateValue"] == "ALARM"], "no ALARM notification")
        rows = rb.insights()
        self.assertTrue(rows, "the runbook's Insights query found nothing")
        self.assertIn("connection_error", {r.get("errorType") for r in rows})
        self.assertEqual({r["status"] for r in rows}, {"500"}, rows)
        got = app_statuses(ds, 12)
        fails = [json.loads(b) for s, b in got if s == 500]
        self.assertTrue(fails, "no /db request failed over 12 requests: %r" % got)
        self.assertEqual({f["errorType"] for f in fails}, {"connection_error"})
        self.assertEqual(rb.run("failure_mode"), "none")

        # Cause 2's resolution, verbatim (comment included): scale down.
        fixed = wu.now_dt(ds)
        out = rb.run("scale_down")
        self.assertEqual(out["service"]["desiredCount"], 2)
        wu.advance(ds, 10 * 60)
        w = wu.world(ds)
        n = len(w["tasks"])
        self.assertTrue(2 <= n <= 6, w["tasks"])
        self.assertEqual(w["database"]["connections"], 10 * n + 2, w)
        late = wu.db_series(ds, at(7), at(15))
        self.assertTrue(late and max(late.values()) <= 62, late)
        self.assertEqual(wu.alarm_state(ds), "OK")
        self.assertTrue([b for ts, b in wu.sns_alarm_messages(ds)
                         if b["NewStateValue"] == "OK" and b["OldStateValue"] == "ALARM"
                         and ts >= fixed.strftime("%Y-%m-%dT%H:%M:%S")],
                        "no ALARM -> OK notification after the fix")
        self.assertGreater(wu.elb_sum(ds, "RequestCount", at(7), at(15)), 0)
        self.assertEqual(wu.elb_sum(ds, "HTTPCode_Target_5XX_Count", at(7), at(15)), 0)
        self.assertEqual({s for s, _ in app_statuses(ds, n)}, {200})


class ScaleDownAlone(unittest.TestCase):
    def test_desired_count_2_alone_brings_connections_down(self):
        ds = wu.start_drill("task-overload")
        try:
            wu.advance(ds, 3 * 60)
            ssm = ds.client("ssm")
            mode = ssm.get_parameter(Name="/golden/failure_mode")["Parameter"]["Value"]
            ecs = ds.client("ecs")
            svc = ecs.describe_services(cluster=wu.ECS_CLUSTER, services=[wu.SERVICE])
            taskdef = svc["services"][0]["taskDefinition"]
            before = wu.db_series(ds, at(0), at(3))
            self.assertEqual(set(before.values()), {97.0}, before)
            ecs.update_service(cluster=wu.ECS_CLUSTER, service=wu.SERVICE, desiredCount=2)
            wu.advance(ds, 60)
            w = wu.world(ds)
            self.assertEqual(len(w["tasks"]), 2, w["tasks"])
            self.assertEqual(w["database"]["connections"], 22, w["database"])
            wu.advance(ds, 14 * 60)
            # nothing else changed: same failure mode, same task definition
            self.assertEqual(
                ssm.get_parameter(Name="/golden/failure_mode")["Parameter"]["Value"], mode)
            svc = ecs.describe_services(cluster=wu.ECS_CLUSTER, services=[wu.SERVICE])
            self.assertEqual(svc["services"][0]["taskDefinition"], taskdef)
            # per minute with a steady task count: connections = 10 x tasks + 2
            db = wu.db_series(ds, at(4), at(18))
            lo = wu.metric_series(ds, "ECS/ContainerInsights", "RunningTaskCount",
                                  [("ClusterName", wu.ECS_CLUSTER),
                                   ("ServiceName", wu.SERVICE)], "Minimum", at(4), at(18))
            hi = wu.metric_series(ds, "ECS/ContainerInsights", "RunningTaskCount",
                                  [("ClusterName", wu.ECS_CLUSTER),
                                   ("ServiceName", wu.SERVICE)], "Maximum", at(4), at(18))
            steady = [k for k in db if k in lo and lo[k] == hi.get(k)]
            self.assertGreaterEqual(len(steady), 8, (db, lo, hi))
            for k in steady:
                self.assertEqual(db[k], 10 * lo[k] + 2, (k, db[k], lo[k]))
            self.assertTrue(max(db.values()) <= 62, db)
            self.assertEqual(wu.alarm_state(ds), "OK")
        finally:
            ds.stop()


if __name__ == "__main__":
    harness.main()
