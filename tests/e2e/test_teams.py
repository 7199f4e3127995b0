"""test_teams.py - issue 8, done means 4: many teams on one server. Two teams with different
access keys (12-digit keys are the account: README "Tenancy") start different scenarios at
the same time (POST /_drill/scenarios/start?team=...); neither sees the other's resources
(RDS clusters, ECS, logs, alarms, SSM) nor its journal; their clocks and worlds move apart;
GET /_drill/teams lists both with their scenario (after a restart too, before they send a
request); one team's reset leaves the other alone.

Both teams use the same environment ("dev"), so every resource name is the same in both
accounts: only the account keeps them apart.
"""
import os
import shutil
import tempfile
import threading
import unittest

import botocore.exceptions

import harness
import world_util as wu

A = "111111111111"  # connection-leak
B = "222222222222"  # failover (at +2m)
NOBODY = "AKIAIOSFODNN7EXAMPLE"  # a non-numeric key: account 000000000000

call = wu.control_call
ok = wu.control_ok


def journal(ds, team):
    out, after = [], None
    for _ in range(100):
        page = ok(ds, "GET", "/_drill/journal?team=%s&limit=1000%s"
                  % (team, "&after=%d" % after if after else ""))
        out += page["entries"]
        after = page.get("next")
        if not after:
            return out
    raise AssertionError("journal: too many pages")


class ManyTeams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="drillsim-teams-")
        cls.data = os.path.join(cls.dir, "teams.db")
        cls.ds = harness.Drillsim(data=cls.data, args=["--clock", "manual@" + wu.START]).start()
        # both starts are sent at once
        cls.started = {}

        def start(team, scenario):
            cls.started[team] = call(cls.ds, "POST", "/_drill/scenarios/start?team=" + team,
                                     {"name": scenario, "clock": "manual@" + wu.START})

        threads = [threading.Thread(target=start, args=(A, "connection-leak")),
                   threading.Thread(target=start, args=(B, "failover"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()
        shutil.rmtree(cls.dir)

    def client(self, service, team):
        return self.ds.client(service, access_key=team)

    def test_1_both_run_their_own_scenario(self):
        for team, name in ((A, "connection-leak"), (B, "failover")):
            status, out = self.started[team]
            self.assertEqual(status, 200, out)
            self.assertEqual(out["name"], name)
            self.assertEqual(ok(self.ds, "GET", "/_drill/scenario?team=" + team)["name"], name)
        teams = {t["team"]: t for t in ok(self.ds, "GET", "/_drill/teams")["teams"]}
        self.assertEqual((teams[A]["scenario"], teams[A]["running"]), ("connection-leak", True))
        self.assertEqual((teams[B]["scenario"], teams[B]["running"]), ("failover", True))
        # the leak of A's world is not B's: the scenario set A's failure mode only
        ssm_a, ssm_b = self.client("ssm", A), self.client("ssm", B)
        self.assertEqual(ssm_a.get_parameter(Name="/golden/failure_mode")["Parameter"]["Value"],
                         "connection_leak")
        self.assertEqual(ssm_b.get_parameter(Name="/golden/failure_mode")["Parameter"]["Value"],
                         "none")
        self.assertGreater(teams[A]["connections"], teams[B]["connections"])

    def test_2_resources_are_per_account(self):
        arns = {}
        for team in (A, B):
            rds = self.client("rds", team)
            clusters = rds.describe_db_clusters()["DBClusters"]
            self.assertEqual([c["DBClusterIdentifier"] for c in clusters], [wu.CLUSTER])
            arns[team] = clusters[0]["DBClusterArn"]
            self.assertIn(":%s:" % team, arns[team])
            for i in rds.describe_db_instances()["DBInstances"]:
                self.assertIn(":%s:" % team, i["DBInstanceArn"])
        # a cluster of the other account, by its ARN: not found, as on AWS
        for team, other in ((A, B), (B, A)):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.client("rds", team).describe_db_clusters(DBClusterIdentifier=arns[other])
            self.assertEqual(e.exception.response["Error"]["Code"], "DBClusterNotFoundFault")

        tasks = {}
        for team in (A, B):
            ecs = self.client("ecs", team)
            for arn in ecs.list_clusters()["clusterArns"]:
                self.assertIn(":%s:" % team, arn)
            svc = ecs.describe_services(cluster=wu.ECS_CLUSTER,
                                        services=[wu.SERVICE])["services"][0]
            self.assertIn(":%s:" % team, svc["serviceArn"])
            tasks[team] = ecs.list_tasks(cluster=wu.ECS_CLUSTER)["taskArns"]
            self.assertGreater(len(tasks[team]), 0)
            for arn in tasks[team]:
                self.assertIn(":%s:" % team, arn)
        ids = {team: {arn.rsplit("/", 1)[1] for arn in tasks[team]} for team in (A, B)}
        self.assertFalse(ids[A] & ids[B])
        # the other account's task, by its ARN: a failure, not the task
        d = self.client("ecs", A).describe_tasks(cluster=wu.ECS_CLUSTER, tasks=tasks[B][:1])
        self.assertEqual(d["tasks"], [])
        self.assertEqual(len(d["failures"]), 1)

        for team in (A, B):
            logs = self.client("logs", team)
            groups = logs.describe_log_groups(logGroupNamePrefix="/ecs/")["logGroups"]
            self.assertEqual([g["logGroupName"] for g in groups], [wu.LOG_GROUP])
            self.assertIn(":%s:" % team, groups[0]["arn"])
            streams = logs.describe_log_streams(logGroupName=wu.LOG_GROUP)["logStreams"]
            self.assertGreater(len(streams), 0)
            # only streams of the team's own tasks
            for s in streams:
                self.assertIn(":%s:" % team, s["arn"])
                self.assertNotIn(s["logStreamName"].rsplit("/", 1)[1],
                                 ids[B if team == A else A])
            events = logs.filter_log_events(logGroupName=wu.LOG_GROUP, limit=200)["events"]
            self.assertGreater(len(events), 0)
            for e in events:
                self.assertNotIn(e["logStreamName"].rsplit("/", 1)[1],
                                 ids[B if team == A else A])

        cw_a, cw_b = self.client("cloudwatch", A), self.client("cloudwatch", B)
        cw_a.put_metric_alarm(AlarmName="only-a", Namespace="Team", MetricName="M",
                              Statistic="Average", Period=60, EvaluationPeriods=1,
                              Threshold=1, ComparisonOperator="GreaterThanThreshold")
        names_a = {a["AlarmName"] for a in cw_a.describe_alarms()["MetricAlarms"]}
        names_b = {a["AlarmName"] for a in cw_b.describe_alarms()["MetricAlarms"]}
        self.assertIn("only-a", names_a)
        self.assertNotIn("only-a", names_b)
        self.assertIn(wu.ALARM, names_b)
        for team, cw in ((A, cw_a), (B, cw_b)):
            for a in cw.describe_alarms()["MetricAlarms"]:
                self.assertIn(":%s:" % team, a["AlarmArn"])

        # an account that started nothing has nothing
        self.assertEqual(self.client("rds", NOBODY).describe_db_clusters()["DBClusters"], [])
        self.assertEqual(self.client("ecs", NOBODY).list_clusters()["clusterArns"], [])
        self.assertEqual(self.client("cloudwatch", NOBODY).describe_alarms()["MetricAlarms"], [])

    def test_3_clocks_and_worlds_move_apart(self):
        ds = self.ds
        b_clock = ok(ds, "GET", "/_drill/clock?team=" + B)["nowMs"]
        ok(ds, "POST", "/_drill/clock/advance?team=" + A, {"seconds": 60})
        self.assertEqual(ok(ds, "GET", "/_drill/clock?team=" + B)["nowMs"], b_clock)
        # A's remediation-like change is A's only
        self.client("ecs", A).update_service(cluster=wu.ECS_CLUSTER, service=wu.SERVICE,
                                             desiredCount=5)
        ok(ds, "POST", "/_drill/clock/advance?team=" + A, {"seconds": 120})
        ok(ds, "POST", "/_drill/clock/advance?team=" + B, {"seconds": 240})
        svc_b = self.client("ecs", B).describe_services(
            cluster=wu.ECS_CLUSTER, services=[wu.SERVICE])["services"][0]
        svc_a = self.client("ecs", A).describe_services(
            cluster=wu.ECS_CLUSTER, services=[wu.SERVICE])["services"][0]
        self.assertEqual(svc_a["desiredCount"], 5)
        self.assertNotEqual(svc_b["desiredCount"], 5)
        # B's failover (+2m) happened in B's account only
        def failovers(team):
            ev = self.client("rds", team).describe_events(
                SourceType="db-cluster", SourceIdentifier=wu.CLUSTER, Duration=600)["Events"]
            return [e for e in ev if "failover" in e["Message"].lower()]
        self.assertGreater(len(failovers(B)), 0)
        self.assertEqual(failovers(A), [])
        st_b = ok(ds, "GET", "/_drill/scenario?team=" + B)
        self.assertTrue(all(e["ran"] for e in st_b["timeline"]), st_b["timeline"])
        alarm_a = self.client("cloudwatch", A).describe_alarms(
            AlarmNames=[wu.ALARM])["MetricAlarms"][0]["StateValue"]
        self.assertEqual(alarm_a, "ALARM")  # the leak exhausts A's connections, not B's
        teams = {t["team"]: t for t in ok(ds, "GET", "/_drill/teams")["teams"]}
        self.assertEqual(teams[A]["alarms"][wu.ALARM], "ALARM")
        self.assertEqual(teams[B]["clock"]["nowMs"] - teams[A]["clock"]["nowMs"], 60000)

    def test_4_journal_is_per_team(self):
        status, _ = call(self.ds, "GET", "/_drill/journal?team=" + A)
        if status == 404:
            self.skipTest("GET /_drill/journal is not built yet")
        for team in (A, B):
            with self.assertRaises(botocore.exceptions.ClientError):
                self.client("ssm", team).get_parameter(Name="/only/" + team)
        ja, jb = journal(self.ds, A), journal(self.ds, B)
        self.assertGreater(len(ja), 5)
        self.assertGreater(len(jb), 5)
        self.assertEqual({e["team"] for e in ja}, {A})
        self.assertEqual({e["team"] for e in jb}, {B})
        names_a = {e["params"].get("Name") for e in ja}
        names_b = {e["params"].get("Name") for e in jb}
        self.assertIn("/only/" + A, names_a)
        self.assertNotIn("/only/" + B, names_a)
        self.assertIn("/only/" + B, names_b)
        self.assertNotIn("/only/" + A, names_b)
        # A's PutMetricAlarm of test 2 is in A's journal only
        self.assertIn("PutMetricAlarm", {e["operation"] for e in ja})
        self.assertNotIn("PutMetricAlarm", {e["operation"] for e in jb})

    def test_5_one_teams_reset_leaves_the_other(self):
        ds = self.ds
        b_world = ok(ds, "GET", "/_drill/world?team=" + B)
        ok(ds, "POST", "/_drill/reset?team=" + A, {})
        self.assertEqual(self.client("rds", A).describe_db_clusters()["DBClusters"], [])
        self.assertEqual(call(ds, "GET", "/_drill/scenario?team=" + A)[0], 404)
        self.assertEqual(ok(ds, "GET", "/_drill/world?team=" + B), b_world)
        self.assertEqual(ok(ds, "GET", "/_drill/scenario?team=" + B)["name"], "failover")
        self.assertEqual(len(self.client("rds", B).describe_db_clusters()["DBClusters"]), 1)

    def test_6_after_a_restart_every_team_is_listed(self):
        b_world = ok(self.ds, "GET", "/_drill/world?team=" + B)
        self.ds.stop()
        type(self).ds = ds = harness.Drillsim(
            data=self.data, args=["--clock", "manual@" + wu.START]).start()
        teams = {t["team"]: t for t in ok(ds, "GET", "/_drill/teams")["teams"]}
        self.assertEqual((teams[B]["scenario"], teams[B]["running"]), ("failover", True))
        self.assertEqual(teams[B]["connections"], b_world["database"]["connections"])
        self.assertIn(A, teams)
        self.assertIsNone(teams[A]["scenario"])  # reset in test 5


if __name__ == "__main__":
    harness.main()
