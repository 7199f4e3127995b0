"""test_world_surge.py - issue 7, done means 7: a traffic surge makes target tracking scale the
service out through its AlarmHigh alarm, as on AWS, recorded in describe-scaling-activities
(aws CLI). The surge is a scenario of this test's own (the calm drill plus a timeline
traffic_surge at +2m), loaded with --share from a temp dir whose fixtures/ is the repo's.
"""
import json
import os
import shutil
import tempfile
import unittest

import harness
import world_util as wu
from world_util import at

RESOURCE = "service/%s/%s" % (wu.ECS_CLUSTER, wu.SERVICE)


class SurgeScaleOut(unittest.TestCase):
    def setUp(self):
        wu.need_tools(self, "aws")
        self.dir = tempfile.mkdtemp(prefix="drillsim-surge-")
        os.mkdir(os.path.join(self.dir, "scenarios"))
        os.symlink(os.path.join(harness.ROOT, "fixtures"), os.path.join(self.dir, "fixtures"))
        with open(os.path.join(harness.ROOT, "scenarios", "calm.json")) as f:
            doc = json.load(f)
        doc["name"] = "surge"
        doc["timeline"] = [{"at": "+2m", "do": "traffic_surge", "factor": 3, "for": "30m"}]
        with open(os.path.join(self.dir, "scenarios", "surge.json"), "w") as f:
            json.dump(doc, f)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_surge_scales_out_through_alarm_high(self):
        with wu.drill("surge", extra=["--share", self.dir]) as ds:
            self._drill(ds)

    def _drill(self, ds):
        cw = ds.client("cloudwatch")
        high = [a for a in cw.describe_alarms(AlarmNamePrefix="TargetTracking-" + RESOURCE)
                ["MetricAlarms"] if "-AlarmHigh-" in a["AlarmName"]]
        self.assertEqual(len(high), 1, high)
        high = high[0]
        self.assertEqual((high["Namespace"], high["MetricName"]), ("AWS/ECS", "CPUUtilization"))
        self.assertEqual(high["Threshold"], 50.0)
        self.assertEqual(high["ComparisonOperator"], "GreaterThanThreshold")

        wu.advance(ds, 2 * 60)
        self.assertEqual(len(wu.world(ds)["tasks"]), 4)
        self.assertEqual(wu.alarm_state(ds, high["AlarmName"]), "OK")
        wu.advance(ds, 10 * 60)
        w = wu.world(ds)
        self.assertEqual(w["trafficFactor"], 3)
        self.assertGreater(len(w["tasks"]), 4, w["tasks"])

        # the AlarmHigh alarm went to ALARM after the surge began
        hist = cw.describe_alarm_history(AlarmName=high["AlarmName"],
                                         HistoryItemType="StateUpdate")["AlarmHistoryItems"]
        to_alarm = [h for h in hist if json.loads(h["HistoryData"])["newState"]["stateValue"]
                    == "ALARM" and h["Timestamp"] >= at(2)]
        self.assertTrue(to_alarm, hist)

        # describe-scaling-activities (the CLI) records the scale-out it triggered
        rb = wu.Runbook(ds)
        acts = rb.cli("application-autoscaling", "describe-scaling-activities",
                      "--service-namespace", "ecs", "--resource-id", RESOURCE)
        acts = [a for a in acts["ScalingActivities"]
                if wu.parse_ts(str(a["StartTime"])) >= at(2)]
        self.assertTrue(acts, "no scaling activity after the surge began")
        for a in acts:
            self.assertEqual(a["StatusCode"], "Successful", a)
            self.assertIn(high["AlarmName"], a["Cause"], a)
            self.assertIn("golden-path-cpu-target-dev", a["Cause"], a)
            self.assertRegex(a["Description"], r"^Setting desired count to \d+\.$")
        counts = [int(a["Description"].split()[-1].rstrip(".")) for a in acts]
        self.assertGreater(max(counts), 4, acts)
        self.assertLessEqual(max(counts), 12, acts)
        svc = ds.client("ecs").describe_services(cluster=wu.ECS_CLUSTER,
                                                 services=[wu.SERVICE])["services"][0]
        self.assertEqual(svc["desiredCount"], counts[0], (svc["desiredCount"], acts))
        running = wu.running_series(ds, at(0), at(12))
        vals = [running[k] for k in sorted(running)]
        self.assertEqual(vals[0], 4.0, vals)
        self.assertGreater(vals[-1], 4.0, vals)
        cpu = wu.metric_series(ds, "AWS/ECS", "CPUUtilization",
                               [("ClusterName", wu.ECS_CLUSTER), ("ServiceName", wu.SERVICE)],
                               "Average", at(3), at(6))
        self.assertTrue(cpu and min(cpu.values()) > 50, cpu)


if __name__ == "__main__":
    harness.main()
