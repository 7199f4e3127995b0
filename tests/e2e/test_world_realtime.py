"""test_world_realtime.py - issue 7, done means 4: in realtime mode (no --clock) the scenario's
pre-roll is history at start, so right after drillsim starts, the runbook's 15-minute Insights
query and its 1-hour DatabaseConnections query, with the real `date` and full timestamps
(`--iso-8601=seconds`: the runbook's bare `--iso-8601` prints only the date), return data.
The metric query is step 4's (see below why not step 3's).
task-overload is used because its 500s run through the whole last quarter hour.
"""
import datetime
import subprocess
import unittest

import harness
import world_util as wu

UTC = datetime.timezone.utc


class RealtimePreroll(unittest.TestCase):
    def test_runbook_queries_return_the_preroll_right_after_start(self):
        wu.need_tools(self, "aws")
        started = datetime.datetime.now(UTC)
        ds = harness.Drillsim(args=["--scenario", "task-overload"]).start()
        try:
            rb = wu.Runbook(ds, realtime=True)
            clock = ds.control("GET", "/_drill/clock")
            self.assertEqual(clock["mode"], "realtime")
            sim_now = datetime.datetime.fromtimestamp(clock["nowMs"] / 1000, UTC)
            self.assertLess(abs((sim_now - datetime.datetime.now(UTC)).total_seconds()), 60)

            rows = rb.insights()
            self.assertTrue(rows, "the 15-minute Insights query found nothing")
            self.assertEqual(len(rows), 20)
            self.assertIn("connection_error", {r.get("errorType") for r in rows})
            oldest = min(r["@timestamp"] for r in rows)
            self.assertGreaterEqual(oldest, (started - datetime.timedelta(minutes=16))
                                    .strftime("%Y-%m-%d %H:%M:%S"), rows)

            # step 4 (get-metric-statistics | jq); step 3 is the same query but its
            # `--statistics Maximum,Average` makes CLI v1 send one member "Maximum,Average",
            # which CloudWatch refuses (a runbook bug: it should be `Maximum Average`)
            rows = rb.connection_pattern(replace={"--iso-8601)": "--iso-8601=seconds)"})
            self.assertGreaterEqual(len(rows), 11, rows)
            self.assertEqual(rows[-1][1], 97, rows)
            self.assertGreaterEqual(rows[0][0], started - datetime.timedelta(minutes=66), rows)
            self.assertLessEqual(min(v for _, v in rows), 44, rows)     # before the surge
            # the replaced flag is what made the window an hour: the bare one gives whole days
            p = subprocess.run(["date", "--iso-8601"], capture_output=True, text=True)
            self.assertRegex(p.stdout.strip(), r"^\d{4}-\d\d-\d\d$")
        finally:
            ds.stop()


if __name__ == "__main__":
    harness.main()
