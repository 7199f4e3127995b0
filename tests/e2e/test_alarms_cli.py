#!/usr/bin/env python3
"""The runbook's put-metric-alarm, run as written with both CLIs (issue 4, done means 2 and 7).

shared/seed/connection-exhaustion-runbook.md (env = dev) creates its alarm with

    aws cloudwatch put-metric-alarm ... \\
      --alarm-actions arn:aws:sns:region:account:golden-path-alarms

The action ARN keeps the runbook's placeholders, which the CLIs send unchanged
(aws-wire-protocols.md 5.9). CloudWatch checks the region of every action against its own and
answers "Invalid region region specified. Only us-east-1 is supported." (ValidationError; the
text of AWS responses quoted in public repositories). The block runs in bash exactly as the
runbook prints it, `aws` being a shell function that adds --endpoint-url to the real CLI (v1
on PATH, Debian's v2 at /usr/bin/aws): the printed line and the exit status (255 in v1, 254 in
v2) are checked. With the ARN of a real topic the same block succeeds silently; the alarm then
fires on the clock, and the Debian CLI v2 (awsQuery) reads describe-alarms and
describe-alarm-history with --query, as an operator following the runbook would.
"""
import datetime
import json
import os
import shutil
import subprocess
import unittest

import harness

RUNBOOK = "/work/shared/seed/connection-exhaustion-runbook.md"

# The runbook's block, verbatim ({env} is filled in by the test).
ALARM_BLOCK = """aws cloudwatch put-metric-alarm \\
  --alarm-name golden-path-rds-connections-warning-{env} \\
  --alarm-description "RDS connection usage approaching limit" \\
  --metric-name DatabaseConnections \\
  --namespace AWS/RDS \\
  --statistic Maximum \\
  --period 300 \\
  --threshold 80 \\
  --comparison-operator GreaterThanThreshold \\
  --dimensions Name=DBClusterIdentifier,Value=golden-path-aurora-{env} \\
  --evaluation-periods 2 \\
  --alarm-actions arn:aws:sns:region:account:golden-path-alarms
"""
PLACEHOLDER = "arn:aws:sns:region:account:golden-path-alarms"
NAME = "golden-path-rds-connections-warning-dev"
T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
CLIS = [("v1", shutil.which("aws"), 255), ("v2", harness.CLI_V2, 254)]
ERROR_LINE = ("An error occurred (ValidationError) when calling the PutMetricAlarm operation: "
              "Invalid region region specified. Only us-east-1 is supported.")
REASON = ("Threshold Crossed: 2 datapoints [85.0 (01/01/26 00:05:00), 90.0 (01/01/26 "
          "00:00:00)] were greater than the threshold (80.0).")

DS = None


def setUpModule():
    global DS
    DS = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z"]).start()


def tearDownModule():
    DS.stop()


def run(binary, script):
    """Runs a runbook block in bash with `aws` = the CLI + --endpoint-url."""
    prelude = 'aws() { "$AWS_BIN" --endpoint-url "$DRILL_ENDPOINT" "$@"; }\n'
    env = harness.clean_env(extra={"AWS_BIN": binary, "DRILL_ENDPOINT": DS.endpoint})
    return subprocess.run(["bash", "-c", prelude + script.replace("{env}", "dev")],
                          capture_output=True, text=True, timeout=120, env=env)


def inject(minute, value):
    DS.control("POST", "/_drill/metrics", {"Namespace": "AWS/RDS", "MetricData": [{
        "MetricName": "DatabaseConnections", "Value": value, "Unit": "Count",
        "Timestamp": (T0 + datetime.timedelta(minutes=minute)).timestamp(),
        "Dimensions": [{"Name": "DBClusterIdentifier", "Value": "golden-path-aurora-dev"}]}]})


class RunbookAlarmCli(unittest.TestCase):
    maxDiff = None

    def test_0_block_is_the_runbooks(self):
        if not os.path.exists(RUNBOOK):
            self.skipTest("the runbook is not on this machine")
        with open(RUNBOOK) as f:
            self.assertIn(ALARM_BLOCK, f.read())

    def test_1_as_written_fails_as_aws_fails(self):
        ran = 0
        for which, binary, status in CLIS:
            if binary is None or not os.path.exists(binary):
                continue
            ran += 1
            with self.subTest(cli=which):
                r = run(binary, ALARM_BLOCK)
                self.assertEqual(r.returncode, status, r.stderr)
                self.assertEqual(r.stdout, "")
                self.assertEqual(r.stderr, "\n" + ERROR_LINE + "\n")
        self.assertGreater(ran, 0)
        # nothing was created
        cw = DS.client("cloudwatch")
        self.assertEqual(cw.describe_alarms()["MetricAlarms"], [])

    def test_2_with_a_real_topic_it_fires(self):
        topic = DS.client("sns").create_topic(Name="golden-path-alarms")["TopicArn"]
        block = ALARM_BLOCK.replace(PLACEHOLDER, topic)
        for which, binary, _ in CLIS:
            if binary is None or not os.path.exists(binary):
                continue
            with self.subTest(cli=which):
                r = run(binary, block)
                self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
        # connections over 80 in [00:00, 00:05) and [00:05, 00:10): ALARM at 00:10
        inject(4, 90)
        inject(9, 85)
        DS.control("POST", "/_drill/clock/advance", {"seconds": 600})
        v2 = harness.CLI_V2 if os.path.exists(harness.CLI_V2) else None
        v1 = shutil.which("aws")
        for binary in filter(None, [v2, v1]):
            with self.subTest(cli=binary):
                r = run(binary, "aws cloudwatch describe-alarms --alarm-names %s "
                                "--query 'MetricAlarms[0].[StateValue,StateReason]' "
                                "--output text" % NAME)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, "ALARM\t%s\n" % REASON)
                r = run(binary, "aws cloudwatch describe-alarm-history --alarm-name %s "
                                "--query 'AlarmHistoryItems[].[HistoryItemType,HistorySummary]' "
                                "--output text" % NAME)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.splitlines(), [
                    "Action\tSuccessfully executed action %s" % topic,
                    "StateUpdate\tAlarm updated from INSUFFICIENT_DATA to ALARM",
                    "ConfigurationUpdate\tAlarm \"%s\" updated" % NAME,
                    "ConfigurationUpdate\tAlarm \"%s\" created" % NAME])
                r = run(binary, "aws cloudwatch describe-alarms --alarm-names %s" % NAME)
                alarm = json.loads(r.stdout)["MetricAlarms"][0]
                self.assertEqual(json.loads(alarm["StateReasonData"])["recentDatapoints"],
                                 [90.0, 85.0])
                self.assertEqual(alarm["AlarmActions"], [topic])
                self.assertEqual(alarm["Threshold"], 80.0)
        if v2:
            # CLI v2 prints timestamps in ISO 8601 (awsQuery); the history's as well
            r = run(v2, "aws cloudwatch describe-alarm-history --alarm-name %s "
                        "--history-item-type StateUpdate "
                        "--query 'AlarmHistoryItems[0].Timestamp' --output text" % NAME)
            self.assertEqual(r.stdout.strip(), "2026-01-01T00:10:00+00:00")


if __name__ == "__main__":
    harness.main()
