"""test_ssm_cli.py - what the aws CLIs print for SSM: the runbook's put/get, and error lines.

CLI calls are expensive (~0.7 s of CPU each), so this file only checks what a CLI alone
proves: its printed output and exit status. test_ssm.py covers the behaviour with boto3.
The runbook (shared/seed/connection-exhaustion-runbook.md) runs:
    aws ssm put-parameter --name "/golden/failure_mode" --value "none" --type String --overwrite
    aws ssm get-parameter --name "/golden/failure_mode" --query 'Parameter.Value'
"""
import json
import unittest

import harness

ds = None

def setUpModule():
    global ds
    ds = harness.Drillsim().start()


def tearDownModule():
    ds.stop()


def put(which, value):
    return ds.cli(which, "ssm", "put-parameter", "--name", "/golden/failure_mode", "--value",
                  value, "--type", "String", "--overwrite")


def get(which):
    return ds.cli(which, "ssm", "get-parameter", "--name", "/golden/failure_mode", "--query",
                  "Parameter.Value")


class RunbookTest(unittest.TestCase):
    def test_put_then_get_v1_then_v2(self):
        r = put("v1", "connection_leak")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), {"Version": 1, "Tier": "Standard"})
        r = get("v1")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, '"connection_leak"\n', ""))
        if not harness.have_cli_v2():
            self.skipTest("no CLI v2 at " + harness.CLI_V2)
        r = put("v2", "connection_leak")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), {"Version": 2, "Tier": "Standard"})
        r = get("v2")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, '"connection_leak"\n', ""))


class ErrorLineTest(unittest.TestCase):
    def test_parameter_not_found(self):
        for which, code in (("v1", 255), ("v2", 254)):
            if which == "v2" and not harness.have_cli_v2():
                continue
            with self.subTest(cli=which):
                r = ds.cli(which, "ssm", "get-parameter", "--name", "/nope")
                self.assertEqual(r.returncode, code)
                self.assertEqual(r.stdout, "")
                # AWS sends this error without a message, so the line ends after the colon.
                self.assertEqual(r.stderr.strip("\n"),
                                 "An error occurred (ParameterNotFound) when calling the "
                                 "GetParameter operation: ")

    def test_bad_type_enum(self):
        for which, code in (("v1", 255), ("v2", 254)):
            if which == "v2" and not harness.have_cli_v2():
                continue
            with self.subTest(cli=which):
                r = ds.cli(which, "ssm", "put-parameter", "--name", "/x", "--value", "v",
                           "--type", "Bogus")
                self.assertEqual(r.returncode, code)
                self.assertEqual(r.stderr.strip("\n"),
                                 "An error occurred (ValidationException) when calling the "
                                 "PutParameter operation: 1 validation error detected: Value "
                                 "'Bogus' at 'type' failed to satisfy constraint: Member must "
                                 "satisfy enum value set: [SecureString, StringList, String]")


if __name__ == "__main__":
    harness.main()
