#!/usr/bin/env python3
"""CloudWatch through the real aws CLIs: what only a CLI proves (its printed output and exit
status), in each protocol a CLI speaks to CloudWatch:
  - CLI v1 on PATH: awsJson 1.0 (botocore's default);
  - Debian CLI v2 (/usr/bin/aws 2.9.19): awsQuery;
  - CLI v1 with botocore forced to smithy RPC v2 CBOR (what the Go SDK speaks).
Each variant runs in its own account (12-digit access key), so each lists only its metric.
Breadth (every rule, paging, tenancy) is in test_cloudwatch.py through boto3.
"""
import json
import unittest

import harness

VARIANTS = [
    # name, CLI, forced protocol, account, exit status of a service error
    ("v1-json", "v1", None, "444444444441", 255),
    ("v2-query", "v2", None, "444444444442", 254),
    ("v1-cbor", "v1", "smithy-rpc-v2-cbor", "444444444443", 255),
]


class CloudWatchCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim().start()

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def run_cli(self, which, protocol, account, *args, env=None):
        return self.ds.cli(which, "--output", "json", *args, access_key=account,
                           protocol=protocol, env=env)

    def test_put_then_list(self):
        for name, which, protocol, account, _ in VARIANTS:
            if which == "v2" and not harness.have_cli_v2():
                continue
            with self.subTest(cli=name):
                r = self.run_cli(which, protocol, account, "cloudwatch", "put-metric-data",
                                 "--namespace", "App", "--metric-name", "Latency",
                                 "--value", "12.5", "--unit", "Milliseconds",
                                 "--dimensions", "Name=Service,Value=web")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.strip(), "")
                r = self.run_cli(which, protocol, account, "cloudwatch", "list-metrics",
                                 "--namespace", "App")
                self.assertEqual(r.returncode, 0, r.stderr)
                # put-metric-data's --dimensions is a CLI customization that takes
                # name=value pairs ("--dimensions Service=web"), so the runbook-style
                # "Name=Service,Value=web" makes two dimensions, Name and Value: this is what
                # the CLI sends, and what AWS would list.
                self.assertEqual(json.loads(r.stdout), {"Metrics": [{
                    "Namespace": "App", "MetricName": "Latency",
                    "Dimensions": [{"Name": "Name", "Value": "Service"},
                                   {"Name": "Value", "Value": "web"}]}]})

    def test_validation_error_printed(self):
        for name, which, protocol, account, status in VARIANTS[:2]:
            if which == "v2" and not harness.have_cli_v2():
                continue
            with self.subTest(cli=name):
                r = self.run_cli(which, protocol, account, "cloudwatch", "put-metric-data",
                                 "--namespace", "AWS/EC2", "--metric-name", "CPUUtilization",
                                 "--value", "1")
                self.assertEqual(r.returncode, status, r.stderr)
                self.assertEqual(r.stderr.strip(),
                                 "An error occurred (InvalidParameterValue) when calling the "
                                 "PutMetricData operation: The value AWS/EC2 for parameter "
                                 "Namespace is invalid.")


if __name__ == "__main__":
    harness.main()
