"""test_world_pooling.py - the missing-pooling drill end to end (issue 7, done means 1).

A release turned pooling off (DB_POOLING=off): every request opens its own connection
(connectMs on every log line), Aurora's CPU climbs with the churn and the connections track
concurrency until they run out. The runbook, verbatim with the aws CLI under faketime, finds
the symptoms; cause 3's fix (a task definition revision with DB_POOLING=on rolled out with
update-service --task-definition, with the aws CLI) brings the world back.
"""
import json
import unittest

import harness
import world_util as wu
from world_util import at


class MissingPoolingRunbook(unittest.TestCase):
    def setUp(self):
        wu.need_tools(self, "faketime", "jq", "curl", "aws")

    def test_runbook_finds_missing_pooling_and_the_new_revision_fixes_it(self):
        with wu.drill("missing-pooling", app=True) as ds:
            self._drill(ds)

    def _drill(self, ds):
        rb = wu.Runbook(ds)
        wu.advance(ds, 5 * 60)

        rows = wu.assert_alarm_seen(self, ds, rb)
        values = [v for _, v in rows]
        self.assertGreaterEqual(values[-1] - min(values), 20, rows)
        rows = rb.insights()
        self.assertTrue(rows, "the runbook's Insights query found nothing")
        self.assertIn("connection_error", {r.get("errorType") for r in rows})
        got = [wu.app_get(ds, "/db") for _ in range(12)]
        fails = [json.loads(b) for s, b in got if s == 500]
        self.assertTrue(fails, "no /db request failed over 12 requests: %r" % got)
        self.assertEqual(rb.run("failure_mode"), "none")

        # cause 3's signature: no task pools, every request connects, DB CPU high
        w = wu.world(ds)
        self.assertFalse([t for t in w["tasks"] if t["pooling"]], w["tasks"])
        self.assertGreater(w["database"]["newConnectionsPerSecond"], 50, w["database"])
        cpu = wu.metric_series(ds, "AWS/RDS", "CPUUtilization",
                               [("DBClusterIdentifier", wu.CLUSTER)], "Average", at(0), at(5))
        self.assertTrue(cpu and min(cpu.values()) > 60, cpu)
        logs = ds.client("logs")
        ev = logs.filter_log_events(logGroupName=wu.LOG_GROUP,
                                    startTime=int(at(4).timestamp() * 1000),
                                    endTime=int(at(5).timestamp() * 1000),
                                    filterPattern='{ $.status = 200 && $.path = "/db" }',
                                    limit=50)["events"]
        self.assertTrue(ev, "no successful /db line in minute +4")
        for e in ev:
            self.assertGreater(json.loads(e["message"])["connectMs"], 0, e["message"])

        # Cause 3's fix with the CLI: a revision with DB_POOLING=on, then --task-definition.
        svc = rb.cli("ecs", "describe-services", "--cluster", wu.ECS_CLUSTER,
                     "--services", wu.SERVICE)["services"][0]
        td = ds.client("ecs").describe_task_definition(
            taskDefinition=svc["taskDefinition"])["taskDefinition"]
        containers = td["containerDefinitions"]
        env = {e["name"]: e["value"] for e in containers[0]["environment"]}
        self.assertEqual(env.get("DB_POOLING"), "off", env)
        for e in containers[0]["environment"]:
            if e["name"] == "DB_POOLING":
                e["value"] = "on"
        spec = {k: td[k] for k in ("family", "networkMode", "requiresCompatibilities", "cpu",
                                   "memory") if k in td}
        spec["containerDefinitions"] = containers
        new = rb.cli("ecs", "register-task-definition", "--cli-input-json",
                     json.dumps(spec))["taskDefinition"]
        self.assertEqual(new["revision"], td["revision"] + 1)
        fixed = wu.now_dt(ds)
        out = rb.cli("ecs", "update-service", "--cluster", wu.ECS_CLUSTER, "--service",
                     wu.SERVICE, "--task-definition", new["taskDefinitionArn"])
        self.assertEqual(out["service"]["taskDefinition"], new["taskDefinitionArn"])
        wu.advance(ds, 15 * 60)

        w = wu.world(ds)
        self.assertTrue(w["tasks"] and all(t["pooling"] for t in w["tasks"]), w["tasks"])
        self.assertLess(w["database"]["connections"], 97, w["database"])
        self.assertLess(w["database"]["newConnectionsPerSecond"], 5, w["database"])
        cpu = wu.metric_series(ds, "AWS/RDS", "CPUUtilization",
                               [("DBClusterIdentifier", wu.CLUSTER)], "Average", at(10), at(20))
        self.assertTrue(cpu and max(cpu.values()) < 50, cpu)
        self.assertGreater(wu.elb_sum(ds, "RequestCount", at(10), at(20)), 0)
        self.assertEqual(wu.elb_sum(ds, "HTTPCode_Target_5XX_Count", at(10), at(20)), 0)
        self.assertEqual({s for s, _ in (wu.app_get(ds, "/db") for _ in range(8))}, {200})
        # recovery includes the alarm: the connections must fall under its threshold (80)
        late = wu.db_series(ds, at(10), at(20))
        self.assertLessEqual(max(late.values()), 80,
                             "connections stay above the alarm's 80 after the fix: %r (%d "
                             "tasks)" % (sorted(set(late.values())), len(w["tasks"])))
        self.assertEqual(wu.alarm_state(ds), "OK")
        self.assertTrue([b for ts, b in wu.sns_alarm_messages(ds)
                         if b["NewStateValue"] == "OK" and b["OldStateValue"] == "ALARM"
                         and ts >= fixed.strftime("%Y-%m-%dT%H:%M:%S")],
                        "no ALARM -> OK notification after the fix")


if __name__ == "__main__":
    harness.main()
