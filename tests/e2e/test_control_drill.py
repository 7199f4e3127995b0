"""test_control_drill.py - the control API of drills (docs/control-api.md): scenarios started
and stopped per team, the realtime clock paused and resumed, teams' status, per-team reset."""
import time
import unittest

import harness

TEAM_A = "111111111111"
TEAM_B = "222222222222"


def ctl(ds, method, path, body=None, team=None):
    if team:
        path += ("&" if "?" in path else "?") + "team=" + team
    return ds.control(method, path, body)


def ctl_status(ds, method, path, body=None):
    """(status, json) for calls expected to fail."""
    import json
    status, _, raw = ds.raw(path, json.dumps(body or {}).encode(), {}, method=method)
    return status, json.loads(raw)


class ScenarioStartStop(unittest.TestCase):
    def test_start_stop_per_team(self):
        with harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z"]) as ds:
            st = ctl(ds, "POST", "/_drill/scenarios/start",
                     {"name": "calm", "clock": "manual@2026-03-01T12:00:00Z", "preroll": "10m"},
                     team=TEAM_A)
            self.assertEqual(st["name"], "calm")
            self.assertTrue(st["running"])
            self.assertEqual(st["start"], "2026-03-01T12:00:00Z")
            self.assertEqual(st["clock"]["mode"], "manual")
            self.assertEqual(st["prerollMs"], 600000)
            # the resources are the team's: its access key finds them
            rds = ds.client("rds", access_key=TEAM_A)
            c = rds.describe_db_clusters(DBClusterIdentifier="golden-path-aurora-dev")
            self.assertEqual(c["DBClusters"][0]["Status"], "available")
            other = ds.client("rds", access_key=TEAM_B)
            with self.assertRaises(other.exceptions.DBClusterNotFoundFault):
                other.describe_db_clusters(DBClusterIdentifier="golden-path-aurora-dev")

            # a second start while one runs is refused; stop, then start again works
            status, err = ctl_status(ds, "POST", "/_drill/scenarios/start?team=" + TEAM_A,
                                     {"name": "connection-leak"})
            self.assertEqual((status, err["error"]), (409, "ScenarioRunning"))
            stopped = ctl(ds, "POST", "/_drill/scenario/stop", {}, team=TEAM_A)
            self.assertEqual((stopped["stopped"], stopped["running"]), (True, False))
            status, _ = ctl_status(ds, "GET", "/_drill/world?team=" + TEAM_A)
            self.assertEqual(status, 404)
            st = ctl(ds, "POST", "/_drill/scenarios/start",
                     {"name": "connection-leak", "seed": 9, "preroll": "5m"}, team=TEAM_A)
            self.assertEqual(st["name"], "connection-leak")
            # the old world is gone: the new start begins from the fixture again (one cluster)
            self.assertEqual(len(rds.describe_db_clusters()["DBClusters"]), 1)

            teams = {t["team"]: t for t in ctl(ds, "GET", "/_drill/teams")["teams"]}
            self.assertEqual(teams[TEAM_A]["scenario"], "connection-leak")
            self.assertTrue(teams[TEAM_A]["running"])
            self.assertEqual(teams[TEAM_A]["maxConnections"], 100)
            self.assertIn("golden-path-rds-connections-dev", teams[TEAM_A]["alarms"])

            # bad requests
            for body, code in (({}, "BadRequest"), ({"name": "nope"}, "NotFound"),
                               ({"name": "calm", "clock": "sometimes"}, "BadRequest"),
                               ({"name": "calm", "preroll": "2y"}, "BadRequest"),
                               ({"name": "../x"}, "InvalidScenario")):
                status, err = ctl_status(ds, "POST", "/_drill/scenarios/start?team=" + TEAM_B,
                                         body)
                self.assertEqual(err["error"], code, (body, err))
                self.assertGreaterEqual(status, 400)

            # a per-team reset leaves the other team alone
            self.assertEqual(ctl(ds, "POST", "/_drill/reset", {}, team=TEAM_B),
                             {"reset": True, "team": TEAM_B})
            self.assertEqual(len(rds.describe_db_clusters()["DBClusters"]), 1)
            self.assertEqual(ctl(ds, "POST", "/_drill/reset", {}, team=TEAM_A)["team"], TEAM_A)
            self.assertEqual(rds.describe_db_clusters()["DBClusters"], [])


class RawMetrics(unittest.TestCase):
    def test_raw_datapoints_of_the_world(self):
        with harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z",
                                    "--scenario", "calm", "--preroll", "10"]) as ds:
            raw = ctl(ds, "GET", "/_drill/metrics/raw?namespace=AWS/RDS"
                                 "&name=DatabaseConnections&limit=500")["datapoints"]
            cluster = [d for d in raw if d["dimensions"] == [
                {"Name": "DBClusterIdentifier", "Value": "golden-path-aurora-dev"}]]
            self.assertGreaterEqual(len(cluster), 10, raw[:3])
            stamps = [d["timestampMs"] for d in raw]
            self.assertEqual(stamps, sorted(stamps))
            d = cluster[-1]
            self.assertEqual((d["unit"], d["sampleCount"], d["min"], d["max"]),
                             ("Count", 60, 42, 42))
            # the same value GetMetricStatistics gives for that minute
            cw = ds.client("cloudwatch")
            import datetime
            t = datetime.datetime.fromtimestamp(d["timestampMs"] / 1000, datetime.timezone.utc)
            got = cw.get_metric_statistics(
                Namespace="AWS/RDS", MetricName="DatabaseConnections",
                Dimensions=[{"Name": "DBClusterIdentifier", "Value": "golden-path-aurora-dev"}],
                StartTime=t, EndTime=t + datetime.timedelta(minutes=1), Period=60,
                Statistics=["Maximum", "SampleCount"])["Datapoints"]
            self.assertEqual([(p["Maximum"], p["SampleCount"]) for p in got], [(42.0, 60.0)])
            since = ctl(ds, "GET", "/_drill/metrics/raw?since=%d" % stamps[-1])["datapoints"]
            self.assertTrue(since and all(x["timestampMs"] >= stamps[-1] for x in since))
            # another team has none
            self.assertEqual(ctl(ds, "GET", "/_drill/metrics/raw", team=TEAM_B)["datapoints"],
                             [])


class ClockPause(unittest.TestCase):
    def test_realtime_pause_resume(self):
        with harness.Drillsim() as ds:
            c = ctl(ds, "POST", "/_drill/clock/pause", {})
            self.assertEqual((c["mode"], c["paused"]), ("realtime", True))
            frozen = c["nowMs"]
            time.sleep(1.2)
            self.assertEqual(ctl(ds, "GET", "/_drill/clock")["nowMs"], frozen)
            r = ctl(ds, "POST", "/_drill/clock/resume", {})
            self.assertFalse(r["paused"])
            # it resumes where it stopped, not where the wall clock is
            self.assertLess(r["nowMs"] - frozen, 1000)
            time.sleep(0.3)
            self.assertGreater(ctl(ds, "GET", "/_drill/clock")["nowMs"], frozen)

    def test_manual_clock_does_not_pause(self):
        with harness.Drillsim(args=["--clock", "manual"]) as ds:
            status, err = ctl_status(ds, "POST", "/_drill/clock/pause")
            self.assertEqual((status, err["error"]), (409, "ClockNotRealtime"))


if __name__ == "__main__":
    harness.main()
