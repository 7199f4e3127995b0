#!/usr/bin/env python3
"""The runbook's get-metric-statistics, run as written with both CLIs (issue 4, "done means 3").

shared/seed/connection-exhaustion-runbook.md (env = dev) checks the database connections with

    aws cloudwatch get-metric-statistics ... \\
      --start-time $(date -d '1 hour ago' --iso-8601) --end-time $(date --iso-8601) \\
      --period 300 --statistics Maximum,Average

Two things are wrong with it on AWS (aws-wire-protocols.md 5.9): `Maximum,Average` reaches the
server as ONE statistic, and `date --iso-8601` prints a date without a time, so outside 00:00-01:00
StartTime equals EndTime. Each block below runs in bash exactly as the runbook prints it: `aws` is
a shell function that adds --endpoint-url to the real CLI (v1 on PATH, Debian's v2 at
/usr/bin/aws), and `date` runs under Debian's faketime at drillsim's manual clock, so the
`$(date ...)` substitutions produce what they would on the operator's machine at that sim time.
The DatabaseConnections datapoints (namespace AWS/RDS, which PutMetricData refuses) enter through
the control API, POST /_drill/metrics, as the simulated database would publish them.

Checked: the comma statistic gets InvalidParameterValue with AWS's text (exit 255 in v1, 254 in
v2); fixing only that, the date-only times get "The parameter StartTime must be less than the
parameter EndTime."; between 00:00 and 01:00 the same date-only command asks for the previous day
and succeeds; corrected (`--statistics Maximum Average`, full timestamps) both CLIs return the
datapoints, and the runbook's `--query ... | jq -r 'sort_by(.Timestamp) ...'` pipeline prints
them sorted, although drillsim, like CloudWatch, does not return them in chronological order.
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import unittest

import harness

RUNBOOK = "/work/shared/seed/connection-exhaustion-runbook.md"

# The runbook's two blocks, verbatim ({env} is filled in by the test).
CHECK_BLOCK = """aws cloudwatch get-metric-statistics \\
  --namespace AWS/RDS \\
  --metric-name DatabaseConnections \\
  --dimensions Name=DBClusterIdentifier,Value=golden-path-aurora-{env} \\
  --start-time $(date -d '1 hour ago' --iso-8601) \\
  --end-time $(date --iso-8601) \\
  --period 300 \\
  --statistics Maximum,Average
"""
PATTERN_BLOCK = """aws cloudwatch get-metric-statistics \\
  --namespace AWS/RDS \\
  --metric-name DatabaseConnections \\
  --dimensions Name=DBClusterIdentifier,Value=golden-path-aurora-{env} \\
  --start-time $(date -d '1 hour ago' --iso-8601) \\
  --end-time $(date --iso-8601) \\
  --period 300 \\
  --statistics Maximum \\
  --query 'Datapoints[*].{Timestamp:Timestamp,Value:Maximum}' \\
  | jq -r 'sort_by(.Timestamp) | .[] | "\\(.Timestamp): \\(.Value)"'
"""

CLUSTER = "golden-path-aurora-dev"
MIDNIGHT = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
CLIS = [("v1", shutil.which("aws"), 255), ("v2", harness.CLI_V2, 254)]

DS = None


def setUpModule():
    global DS
    DS = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:30:00Z"]).start()


def tearDownModule():
    DS.stop()


def sim_now():
    ms = DS.control("GET", "/_drill/clock")["nowMs"]
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)


def inject(points):
    """DatabaseConnections of the dev cluster: points = [(datetime, value)], one datum each."""
    for i in range(0, len(points), 500):
        body = {"Namespace": "AWS/RDS", "MetricData": [
            {"MetricName": "DatabaseConnections", "Unit": "Count", "Value": v,
             "Timestamp": t.timestamp(),
             "Dimensions": [{"Name": "DBClusterIdentifier", "Value": CLUSTER}]}
            for t, v in points[i:i + 500]]}
        r = DS.control("POST", "/_drill/metrics", body)
        assert r["stored"] == len(body["MetricData"]), r


def run(which, script):
    """Runs a runbook block in bash with `aws` = the CLI + --endpoint-url and `date` under
    faketime at the sim clock. Returns CompletedProcess."""
    binary = dict((w, b) for w, b, _ in CLIS)[which]
    prelude = ('date() { faketime "$SIM_TIME" date "$@"; }\n'
               'aws() { "$AWS_BIN" --endpoint-url "$DRILL_ENDPOINT" "$@"; }\n'
               'set -o pipefail\n')
    env = harness.clean_env(extra={
        "SIM_TIME": sim_now().strftime("%Y-%m-%d %H:%M:%S"), "TZ": "UTC", "AWS_BIN": binary,
        "DRILL_ENDPOINT": DS.endpoint})
    return subprocess.run(["bash", "-c", prelude + script.replace("{env}", "dev")],
                          capture_output=True, text=True, timeout=120, env=env)


def epoch(text):
    """A timestamp as a CLI prints it (v1: epoch seconds; v2: ISO 8601) in epoch seconds."""
    if re.fullmatch(r"[\d.]+", text):
        return float(text)
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class RunbookCli(unittest.TestCase):
    """Runs in name order: the clock starts at 00:30 and moves to 12:30 in test_2."""

    maxDiff = None

    def test_0_blocks_are_the_runbooks(self):
        if not os.path.exists(RUNBOOK):
            self.skipTest("the runbook is not on this machine")
        with open(RUNBOOK) as f:
            text = f.read()
        self.assertIn(CHECK_BLOCK, text)
        self.assertIn(PATTERN_BLOCK, text)

    def test_1_just_after_midnight_the_dates_ask_for_yesterday(self):
        """At 00:30 `date -d '1 hour ago' --iso-8601` is yesterday's date: the window is the
        previous 24 hours, which is 288 periods of 300 s, and the call succeeds."""
        self.assertEqual(sim_now(), MIDNIGHT + datetime.timedelta(minutes=30))
        day = MIDNIGHT - datetime.timedelta(days=1)
        inject([(day + datetime.timedelta(minutes=5 * i), float(i % 50)) for i in range(288)] +
               [(MIDNIGHT + datetime.timedelta(minutes=1), 500.0)])
        fixed = CHECK_BLOCK.replace("--statistics Maximum,Average", "--statistics Maximum Average")
        r = run("v1", fixed)
        self.assertEqual(r.returncode, 0, r.stderr)
        points = json.loads(r.stdout)["Datapoints"]
        self.assertEqual(len(points), 288)
        self.assertEqual(max(p["Maximum"] for p in points), 49.0)   # 500 is today, outside
        self.assertEqual({p["Unit"] for p in points}, {"Count"})

    def test_2_as_written_and_corrected(self):
        DS.control("POST", "/_drill/clock/advance", {"seconds": 12 * 3600})
        now = sim_now()
        self.assertEqual(now, MIDNIGHT + datetime.timedelta(hours=12, minutes=30))
        # One datapoint a minute for the last two hours: 40 + minutes past 10:30, so each
        # 5-minute period's Maximum is its last minute and its Average its middle one.
        start = now - datetime.timedelta(hours=2)
        inject([(start + datetime.timedelta(minutes=i), 40.0 + i) for i in range(120)])
        hour_ago = now - datetime.timedelta(hours=1)
        want = {}
        for k in range(12):
            t = hour_ago + datetime.timedelta(minutes=5 * k)
            first = 60 + 5 * k
            want[t.timestamp()] = (40.0 + first + 4, 40.0 + first + 2)

        for which, binary, status in CLIS:
            if binary is None or not os.path.exists(binary):
                continue
            with self.subTest(cli=which):
                # As written: one statistic "Maximum,Average".
                r = run(which, CHECK_BLOCK)
                self.assertEqual(r.returncode, status, r.stderr)
                self.assertIn("An error occurred (InvalidParameterValue) when calling the "
                              "GetMetricStatistics operation: The parameter Statistics.member.1 "
                              "must be a value in the set [ Minimum, Maximum, Average, "
                              "SampleCount, Sum ].", r.stderr)
                # Fixing only the statistics: the date-only times are one instant.
                fixed = CHECK_BLOCK.replace("--statistics Maximum,Average",
                                            "--statistics Maximum Average")
                r = run(which, fixed)
                self.assertEqual(r.returncode, status, r.stderr)
                self.assertIn("An error occurred (InvalidParameterValue) when calling the "
                              "GetMetricStatistics operation: The parameter StartTime must be "
                              "less than the parameter EndTime.", r.stderr)
                # Corrected: full timestamps too.
                corrected = fixed.replace("--iso-8601)", "--iso-8601=seconds)")
                r = run(which, corrected)
                self.assertEqual(r.returncode, 0, r.stderr)
                out = json.loads(r.stdout)
                self.assertEqual(out["Label"], "DatabaseConnections")
                got = {epoch(str(p["Timestamp"])): (p["Maximum"], p["Average"])
                       for p in out["Datapoints"]}
                self.assertEqual(got, want)
                order = [epoch(str(p["Timestamp"])) for p in out["Datapoints"]]
                self.assertNotEqual(order, sorted(order), "CloudWatch does not sort datapoints")
                # The pattern block, with the times corrected, through jq.
                pipeline = PATTERN_BLOCK.replace("--iso-8601)", "--iso-8601=seconds)")
                r = run(which, pipeline)
                self.assertEqual(r.returncode, 0, r.stderr)
                lines = r.stdout.strip().splitlines()
                self.assertEqual(len(lines), 12, r.stdout)
                printed = []
                for line in lines:
                    ts, value = line.rsplit(": ", 1)
                    printed.append((epoch(ts), float(value)))
                self.assertEqual(printed, sorted((t, m) for t, (m, _) in want.items()))
                if which == "v1":
                    self.assertRegex(lines[0], r"^\d+(\.0)?: \d+")
                else:
                    self.assertRegex(lines[0], r"^2026-01-01T11:30:00\+00:00: \d+")

    def test_3_control_api_rejects_bad_datums(self):
        with self.assertRaises(Exception) as e:
            DS.control("POST", "/_drill/metrics", {"Namespace": "AWS/RDS", "MetricData": [
                {"MetricName": "DatabaseConnections", "Value": "many"}]})
        self.assertIn("400", str(e.exception))
        status, _, body = DS.raw("/_drill/metrics", json.dumps({"Namespace": "AWS/RDS",
                                 "MetricData": [{"MetricName": "X", "Value": 1, "Unit": "Hz"}]})
                                 .encode())
        self.assertEqual(status, 400)
        self.assertIn("Unit Hz", json.loads(body)["message"])


if __name__ == "__main__":
    harness.main()
