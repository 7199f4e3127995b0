"""test_snapshots.py - issue 8, done means 5: snapshot a team mid-drill, change its world,
restore: the world is as it was (clock, world model, SSM value, desired count, alarm state,
scenario timeline) and the drill continues; another team's world is untouched by the
restore; a snapshot survives a restart on the same --data; every team at once ({"all": true});
the API's errors.

Team A drills connection-leak, team B task-overload, both on manual clocks (12-digit access
keys are the accounts: README "Tenancy").
"""
import os
import shutil
import tempfile
import time
import unittest

import harness
import world_util as wu

A = "111111111111"
B = "222222222222"
PARAM = "/golden/failure_mode"

call = wu.control_call
ok = wu.control_ok


def start(ds, team, scenario):
    return ok(ds, "POST", "/_drill/scenarios/start?team=" + team,
              {"name": scenario, "clock": "manual@" + wu.START})


def advance(ds, team, seconds):
    return ok(ds, "POST", "/_drill/clock/advance?team=" + team, {"seconds": seconds})


def state(ds, team):
    """Everything the test compares of a team's world."""
    ssm = ds.client("ssm", access_key=team)
    ecs = ds.client("ecs", access_key=team)
    cw = ds.client("cloudwatch", access_key=team)
    svc = ecs.describe_services(cluster=wu.ECS_CLUSTER, services=[wu.SERVICE])["services"][0]
    alarms = cw.describe_alarms(AlarmNames=[wu.ALARM])["MetricAlarms"]
    params = ssm.get_parameters_by_path(Path="/", Recursive=True)["Parameters"]
    scenario = ok(ds, "GET", "/_drill/scenario?team=" + team)
    scenario.pop("clock", None)
    return {
        "clock": ok(ds, "GET", "/_drill/clock?team=" + team),
        "world": ok(ds, "GET", "/_drill/world?team=" + team),
        "failure_mode": ssm.get_parameter(Name=PARAM)["Parameter"]["Value"],
        "params": sorted((p["Name"], p["Value"], p["Version"]) for p in params),
        "desired": svc["desiredCount"],
        "running": svc["runningCount"],
        "deployments": len(svc["deployments"]),
        "alarm": alarms[0]["StateValue"],
        "scenario": scenario,
        "tasks": sorted(ecs.list_tasks(cluster=wu.ECS_CLUSTER)["taskArns"]),
    }


def log_count(ds, team, start_ms, end_ms):
    logs = ds.client("logs", access_key=team)
    n, token = 0, None
    for _ in range(1000):
        kw = {"nextToken": token} if token else {}
        r = logs.filter_log_events(logGroupName=wu.LOG_GROUP, startTime=int(start_ms),
                                   endTime=int(end_ms), **kw)
        n += len(r["events"])
        token = r.get("nextToken")
        if not token:
            return n
    raise AssertionError("too many pages")


def rds_series(ds, team, minutes):
    """DatabaseConnections (Maximum per minute) of the team's cluster over the first minutes
    of the drill."""
    cw = ds.client("cloudwatch", access_key=team)
    r = cw.get_metric_statistics(
        Namespace="AWS/RDS", MetricName="DatabaseConnections",
        Dimensions=[{"Name": "DBClusterIdentifier", "Value": wu.CLUSTER}],
        StartTime=wu.at(-60), EndTime=wu.at(minutes), Period=60, Statistics=["Maximum"])
    return sorted((p["Timestamp"], p["Maximum"]) for p in r["Datapoints"])


class Snapshots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="drillsim-snap-")
        cls.data = os.path.join(cls.dir, "drill.db")
        cls.args = ["--clock", "manual@" + wu.START]
        cls.ds = harness.Drillsim(data=cls.data, args=cls.args).start()
        start(cls.ds, A, "connection-leak")
        start(cls.ds, B, "task-overload")

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()
        shutil.rmtree(cls.dir)

    def test_1_restore_mid_drill_and_continue(self):
        ds = self.ds
        advance(ds, A, 120)
        advance(ds, B, 60)
        before = state(ds, A)
        self.assertEqual(before["failure_mode"], "connection_leak")
        self.assertEqual(before["alarm"], "ALARM")
        series_before = rds_series(ds, A, 2)
        logs_before = log_count(ds, A, wu.at(-5).timestamp() * 1000, wu.at(2).timestamp() * 1000)
        self.assertGreater(logs_before, 0)

        saved = ok(ds, "POST", "/_drill/snapshots?team=" + A, {"name": "mid"})
        self.assertEqual([(s["name"], s["team"]) for s in saved["saved"]], [("mid", A)])
        self.assertEqual(saved["saved"][0]["simMs"], before["clock"]["nowMs"])
        self.assertGreater(saved["saved"][0]["rows"], 1000)
        listed = ok(ds, "GET", "/_drill/snapshots?team=" + A)["snapshots"]
        self.assertEqual([(s["name"], s["team"], s["simMs"]) for s in listed],
                         [("mid", A, before["clock"]["nowMs"])])
        # the snapshot changed nothing
        self.assertEqual(state(ds, A), before)

        # the trainee fixes things, scales, and time moves on
        ssm = ds.client("ssm", access_key=A)
        ssm.put_parameter(Name=PARAM, Value="none", Type="String", Overwrite=True)
        ssm.put_parameter(Name="/after/snapshot", Value="x", Type="String")
        ds.client("ecs", access_key=A).update_service(
            cluster=wu.ECS_CLUSTER, service=wu.SERVICE, desiredCount=4, forceNewDeployment=True)
        advance(ds, A, 600)
        changed = state(ds, A)
        self.assertEqual(changed["failure_mode"], "none")
        self.assertEqual(changed["desired"], 4)
        self.assertEqual(changed["clock"]["nowMs"], before["clock"]["nowMs"] + 600000)
        self.assertNotEqual(changed["world"], before["world"])
        self.assertIn(("/after/snapshot", "x", 1), changed["params"])

        # team B moves on too; A's restore must not touch it
        ds.client("ssm", access_key=B).put_parameter(Name="/b/own", Value="b", Type="String")
        advance(ds, B, 90)
        b_before = state(ds, B)

        restored = ok(ds, "POST", "/_drill/snapshots/restore?team=" + A, {"name": "mid"})
        self.assertEqual([(s["name"], s["team"]) for s in restored["restored"]], [("mid", A)])
        after = state(ds, A)
        self.assertEqual(after, before)
        self.assertEqual(rds_series(ds, A, 12), series_before)
        self.assertEqual(log_count(ds, A, wu.at(-5).timestamp() * 1000,
                                   wu.at(12).timestamp() * 1000), logs_before)
        self.assertEqual(state(ds, B), b_before)

        # the drill continues from there: the leak goes on, the alarm stays, and it is the
        # same course every time (the generators came back too)
        advance(ds, A, 300)
        later = state(ds, A)
        self.assertEqual(later["clock"]["nowMs"], before["clock"]["nowMs"] + 300000)
        self.assertGreater(later["world"]["database"]["connections"],
                           before["world"]["database"]["connections"])
        self.assertEqual(later["alarm"], "ALARM")
        self.assertEqual(later["desired"], before["desired"])
        self.assertEqual(later["failure_mode"], "connection_leak")
        ok(ds, "POST", "/_drill/snapshots/restore?team=" + A, {"name": "mid"})
        advance(ds, A, 300)
        self.assertEqual(state(ds, A), later)
        # and the remediation still works after a restore
        ssm.put_parameter(Name=PARAM, Value="none", Type="String", Overwrite=True)
        ds.client("ecs", access_key=A).update_service(
            cluster=wu.ECS_CLUSTER, service=wu.SERVICE, forceNewDeployment=True)
        advance(ds, A, 900)
        fixed = state(ds, A)
        self.assertLess(fixed["world"]["database"]["connections"],
                        later["world"]["database"]["connections"] / 2, fixed["world"])
        self.assertEqual(state(ds, B), b_before)

    def test_2_all_teams_at_once(self):
        ds = self.ds
        a0, b0 = state(ds, A), state(ds, B)
        saved = ok(ds, "POST", "/_drill/snapshots", {"name": "class", "all": True})
        teams = [s["team"] for s in saved["saved"]]
        self.assertIn(A, teams)
        self.assertIn(B, teams)
        advance(ds, A, 120)
        advance(ds, B, 180)
        ds.client("ecs", access_key=B).update_service(
            cluster=wu.ECS_CLUSTER, service=wu.SERVICE, desiredCount=2)
        advance(ds, B, 60)
        self.assertNotEqual(state(ds, B), b0)
        restored = ok(ds, "POST", "/_drill/snapshots/restore", {"name": "class", "all": True})
        self.assertEqual(sorted(s["team"] for s in restored["restored"]), sorted(teams))
        self.assertEqual(state(ds, A), a0)
        self.assertEqual(state(ds, B), b0)
        listed = ok(ds, "GET", "/_drill/snapshots?all=true")["snapshots"]
        self.assertLessEqual({(A, "class"), (B, "class"), (A, "mid")},
                             {(s["team"], s["name"]) for s in listed})
        # only the team's own, without all
        self.assertEqual({s["team"] for s in ok(ds, "GET", "/_drill/snapshots?team=" + B)[
            "snapshots"]}, {B})

    def test_3_errors(self):
        ds = self.ds
        for body in ({}, {"name": ""}, {"name": "a b"}, {"name": "x" * 65}, {"name": 5},
                     {"name": "ok", "all": "yes"}):
            status, out = call(ds, "POST", "/_drill/snapshots?team=" + A, body)
            self.assertEqual((status, out["error"]), (400, "BadRequest"), body)
        status, out = call(ds, "POST", "/_drill/snapshots/restore?team=" + A, {"name": "nope"})
        self.assertEqual((status, out["error"]), (404, "NotFound"))
        status, out = call(ds, "POST", "/_drill/snapshots/restore?team=" + B, {"name": "mid"})
        self.assertEqual((status, out["error"]), (404, "NotFound"))  # A's, not B's
        status, out = call(ds, "DELETE", "/_drill/snapshots?team=" + A)
        self.assertEqual((status, out["error"]), (400, "BadRequest"))
        ok(ds, "POST", "/_drill/snapshots?team=" + B, {"name": "gone"})
        self.assertEqual(ok(ds, "DELETE", "/_drill/snapshots?team=" + B + "&name=gone"),
                         {"deleted": 1})
        self.assertEqual(ok(ds, "DELETE", "/_drill/snapshots?team=" + B + "&name=gone"),
                         {"deleted": 0})
        status, out = call(ds, "POST", "/_drill/snapshots/restore?team=" + B, {"name": "gone"})
        self.assertEqual(status, 404)
        status, out = call(ds, "PUT", "/_drill/snapshots?team=" + B, {"name": "x"})
        self.assertEqual(status, 405)

    def test_4_restore_after_a_restart(self):
        ds = self.ds
        advance(ds, A, 60)
        before = state(ds, A)
        ok(ds, "POST", "/_drill/snapshots?team=" + A, {"name": "before-restart"})
        ds.client("ssm", access_key=A).put_parameter(Name=PARAM, Value="none", Type="String",
                                                     Overwrite=True)
        advance(ds, A, 240)
        b_before = state(ds, B)
        ds.stop()
        type(self).ds = ds = harness.Drillsim(data=self.data, args=self.args).start()
        self.assertIn("before-restart",
                      [s["name"] for s in ok(ds, "GET", "/_drill/snapshots?team=" + A)[
                          "snapshots"]])
        ok(ds, "POST", "/_drill/snapshots/restore?team=" + A, {"name": "before-restart"})
        self.assertEqual(state(ds, A), before)
        self.assertEqual(state(ds, B), b_before)
        # the drill goes on from there (A was remediated in test 1: a steady world), on the
        # same course each time
        advance(ds, A, 120)
        later = state(ds, A)
        self.assertEqual(later["clock"]["nowMs"], before["clock"]["nowMs"] + 120000)
        self.assertNotEqual(later["world"], before["world"])
        ok(ds, "POST", "/_drill/snapshots/restore?team=" + A, {"name": "before-restart"})
        advance(ds, A, 120)
        self.assertEqual(state(ds, A), later)

    def test_5_realtime_clock_resumes_at_the_snapshot(self):
        ds, c = self.ds, "333333333333"
        ok(ds, "POST", "/_drill/scenarios/start?team=" + c,
           {"name": "calm", "clock": "realtime", "preroll": "5m"})
        saved = ok(ds, "POST", "/_drill/snapshots?team=" + c, {"name": "rt"})["saved"][0]
        time.sleep(1.5)
        self.assertGreater(ok(ds, "GET", "/_drill/clock?team=" + c)["nowMs"],
                           saved["simMs"] + 1400)
        ok(ds, "POST", "/_drill/snapshots/restore?team=" + c, {"name": "rt"})
        clock = ok(ds, "GET", "/_drill/clock?team=" + c)
        self.assertEqual((clock["mode"], clock["paused"]), ("realtime", False))
        self.assertGreaterEqual(clock["nowMs"], saved["simMs"])
        self.assertLess(clock["nowMs"], saved["simMs"] + 1000)
        time.sleep(2)
        clock = ok(ds, "GET", "/_drill/clock?team=" + c)
        self.assertGreater(clock["nowMs"], saved["simMs"] + 1900)  # it runs on ...
        self.assertGreater(clock["lastTickMs"], saved["simMs"])  # ... and ticks


class Timing(unittest.TestCase):
    """What a save and a restore cost for a team with hours of drill (logs are the bulk);
    printed for the record, and bounded so a class of teams can be snapshotted."""

    def test_save_and_restore_after_three_hours(self):
        with harness.Drillsim(args=["--clock", "manual@" + wu.START]) as ds:
            start(ds, A, "connection-leak")
            t0 = time.time()
            for _ in range(18):
                advance(ds, A, 600)
            t_adv = time.time() - t0
            t0 = time.time()
            saved = ok(ds, "POST", "/_drill/snapshots?team=" + A, {"name": "big"})
            t_save = time.time() - t0
            t0 = time.time()
            restored = ok(ds, "POST", "/_drill/snapshots/restore?team=" + A, {"name": "big"})
            t_restore = time.time() - t0
            rows = saved["saved"][0]["rows"]
            print("\nsnapshot of a team after 4 h of drill (1 h pre-roll + 3 h): %d rows; "
                  "save %.2f s (server %d ms), restore %.2f s (server %d ms); "
                  "the 3 h advance took %.1f s"
                  % (rows, t_save, saved["elapsedMs"], t_restore, restored["elapsedMs"],
                     t_adv))
            self.assertGreater(rows, 10000)
            self.assertLess(t_save, 10)
            self.assertLess(t_restore, 20)
            self.assertEqual(ok(ds, "GET", "/_drill/clock?team=" + A)["nowMs"],
                             int(wu.at(180).timestamp() * 1000))


if __name__ == "__main__":
    harness.main()
