"""test_world_scenario_errors.py - issue 7, done means 5: an invalid scenario file is rejected
with its JSON path and the reason; drillsim exits non-zero without starting (no listening
line) and leaves nothing half-loaded in its state file.

Each case writes scenarios/bad.json into a --share directory whose fixtures/ is a symlink to
the repository's, starting from a valid scenario (connection-leak) with one defect.
"""
import copy
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness
import world_util as wu

with open(os.path.join(harness.ROOT, "scenarios", "connection-leak.json")) as _f:
    GOOD = json.load(_f)


def with_defect(fn):
    doc = copy.deepcopy(GOOD)
    fn(doc)
    return doc


CASES = [
    ("bad duration", with_defect(lambda d: d["timeline"][0].update(at="-13x")),
     "$.timeline[0].at", "offset"),
    ("bad preroll", with_defect(lambda d: d.update(preroll="an hour")),
     "$.preroll", "duration"),
    ("unknown action", with_defect(lambda d: d["timeline"][0].update(do="set_failure_mood")),
     "$.timeline[0].do", 'unknown action "set_failure_mood"'),
    ("missing member", with_defect(lambda d: d["timeline"][0].pop("value")),
     "$.timeline[0]", '"value" is required'),
    ("missing top-level member", with_defect(lambda d: d.pop("fixture")),
     "$", '"fixture" is required'),
    ("wrong type", with_defect(lambda d: d["traffic"].update(rps="lots")),
     "$.traffic.rps", "number"),
    ("unknown member", with_defect(lambda d: d["timeline"][0].update(valeu="x")),
     "$.timeline[0]", 'unknown member "valeu"'),
    ("second action bad", with_defect(lambda d: d["timeline"].append(
        {"at": "+5m", "do": "traffic_surge", "factor": 0, "for": "10m"})),
     "$.timeline[1].factor", "above 0"),
]


class ScenarioErrors(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="drillsim-scn-")
        os.mkdir(os.path.join(self.dir, "scenarios"))
        os.symlink(os.path.join(harness.ROOT, "fixtures"), os.path.join(self.dir, "fixtures"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_bad(self, doc, data):
        with open(os.path.join(self.dir, "scenarios", "bad.json"), "w") as f:
            json.dump(doc, f, indent=2)
        return subprocess.run(
            [harness.BINARY, "--port", "0", "--app-port", "-1", "--data", data,
             "--share", self.dir, "--scenario", "bad", "--clock", "manual@" + wu.START],
            capture_output=True, text=True, timeout=60)

    def test_each_defect_is_named_by_path_and_reason(self):
        for name, doc, path, reason in CASES:
            with self.subTest(name):
                data = os.path.join(self.dir, name.replace(" ", "-") + ".db")
                p = self.run_bad(doc, data)
                self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
                self.assertNotIn("listening", p.stdout)
                self.assertIn("scenarios/bad.json: %s" % path, p.stderr)
                msg = p.stderr.split("scenarios/bad.json: ", 1)[1].split("\n", 1)[0]
                # scenario.h: the error is "$.path: reason"
                self.assertTrue(msg.startswith(path + ": "),
                                "not \"%s: reason\": %r" % (path, msg))
                self.assertIn(reason, msg)
                # under ASan a refused start must not leak either (the harness's rule)
                self.assertNotIn("Sanitizer", p.stderr, p.stderr[-3000:])

    def test_the_valid_file_starts_so_the_cases_test_their_defect(self):
        ds = harness.Drillsim(args=["--share", self.dir, "--scenario", "good", "--clock",
                                    "manual@" + wu.START])
        with open(os.path.join(self.dir, "scenarios", "good.json"), "w") as f:
            json.dump(GOOD, f)
        ds.start()
        try:
            self.assertEqual(len(wu.world(ds)["tasks"]), 4)
        finally:
            ds.stop()

    def test_nothing_is_half_loaded(self):
        data = os.path.join(self.dir, "state.db")
        bad = CASES[3][1]          # a defect in the timeline, after the fixture and traffic
        p = self.run_bad(bad, data)
        self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotIn("listening", p.stdout)
        # the same state file, started without a scenario: no world, no fixture resources
        ds = harness.Drillsim(data=data, args=["--clock", "manual@" + wu.START])
        ds.start()
        try:
            self.assertIsNone(self.world_or_none(ds))
            self.assertEqual(ds.client("ecs").list_clusters()["clusterArns"], [])
            self.assertEqual(ds.client("rds").describe_db_clusters()["DBClusters"], [])
            self.assertEqual(ds.client("cloudwatch").describe_alarms()["MetricAlarms"], [])
            self.assertEqual(ds.client("ssm").describe_parameters()["Parameters"], [])
        finally:
            ds.stop()

    def world_or_none(self, ds):
        import urllib.error
        try:
            return wu.world(ds)
        except urllib.error.HTTPError as e:
            self.assertIn(e.code, (404, 409), e.read())
            return None


if __name__ == "__main__":
    harness.main()
