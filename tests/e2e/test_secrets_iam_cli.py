"""test_secrets_iam_cli.py - what the aws CLIs print for Secrets Manager and IAM (issue 6, done
means 5): `aws secretsmanager get-secret-value` and `aws iam get-role` with CLI v1 and the
Debian CLI v2, their printed output and an error line each.

CLI calls are expensive (~0.7 s of CPU each), so this file only checks what a CLI alone
proves; test_secrets.py and test_iam.py cover the behaviour with boto3. The fixture (secret
and role) is created with boto3.
"""
import json
import unittest

import harness

ds = None
SECRET = '{"username":"proxyuser","password":"s3cret"}'
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
CLIS = (("v1", 255), ("v2", 254))


def setUpModule():
    global ds
    ds = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z"]).start()
    sm = ds.client("secretsmanager")
    sm.create_secret(Name="golden-path/db", SecretString=SECRET,
                     ClientRequestToken="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
    ds.client("iam").create_role(RoleName="golden-path-proxy-role", Path="/",
                                 AssumeRolePolicyDocument=json.dumps(TRUST))


def tearDownModule():
    ds.stop()


def clis():
    for which, code in CLIS:
        if which == "v2" and not harness.have_cli_v2():
            continue
        yield which, code


class SecretsCli(unittest.TestCase):
    def test_get_secret_value(self):
        arn = ds.client("secretsmanager").describe_secret(SecretId="golden-path/db")["ARN"]
        for which, _ in clis():
            with self.subTest(cli=which):
                r = ds.cli(which, "secretsmanager", "get-secret-value", "--secret-id",
                           "golden-path/db")
                self.assertEqual((r.returncode, r.stderr), (0, ""))
                out = json.loads(r.stdout)
                self.assertEqual(out["ARN"], arn)
                self.assertEqual(out["Name"], "golden-path/db")
                self.assertEqual(out["SecretString"], SECRET)
                self.assertEqual(out["VersionId"], "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
                self.assertEqual(out["VersionStages"], ["AWSCURRENT"])
                # CLI v1 prints the wire's epoch seconds, CLI v2 ISO 8601
                if which == "v1":
                    self.assertEqual(out["CreatedDate"], 1767225600.0)
                else:
                    self.assertTrue(out["CreatedDate"].startswith("2026-01-01T00:00:00"),
                                    out["CreatedDate"])
                r = ds.cli(which, "secretsmanager", "get-secret-value", "--secret-id",
                           "golden-path/db", "--query", "SecretString", "--output", "text")
                self.assertEqual((r.returncode, r.stdout), (0, SECRET + "\n"))

    def test_missing_secret_error_line(self):
        for which, code in clis():
            with self.subTest(cli=which):
                r = ds.cli(which, "secretsmanager", "get-secret-value", "--secret-id", "nope")
                self.assertEqual((r.returncode, r.stdout), (code, ""))
                self.assertEqual(r.stderr.strip(),
                                 "An error occurred (ResourceNotFoundException) when calling "
                                 "the GetSecretValue operation: Secrets Manager can't find the "
                                 "specified secret.")

    def test_create_secret_token_is_idempotent(self):
        # the CLI generates a ClientRequestToken; a second create is a new request
        r = ds.cli("v1", "secretsmanager", "create-secret", "--name", "cli/made",
                   "--secret-string", "x")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(json.loads(r.stdout)["VersionId"], r"^[0-9a-f-]{36}$")
        r = ds.cli("v1", "secretsmanager", "create-secret", "--name", "cli/made",
                   "--secret-string", "x")
        self.assertEqual(r.returncode, 255)
        self.assertIn("(ResourceExistsException)", r.stderr)


class IamCli(unittest.TestCase):
    def test_get_role(self):
        for which, _ in clis():
            with self.subTest(cli=which):
                # IAM is global: any configured region sees the role
                r = ds.cli(which, "iam", "get-role", "--role-name", "golden-path-proxy-role",
                           region="eu-west-1")
                self.assertEqual((r.returncode, r.stderr), (0, ""))
                role = json.loads(r.stdout)["Role"]
                self.assertEqual(role["Arn"],
                                 "arn:aws:iam::000000000000:role/golden-path-proxy-role")
                self.assertEqual(role["RoleName"], "golden-path-proxy-role")
                self.assertRegex(role["RoleId"], r"^AROA[A-Z0-9]{17}$")
                # the CLIs decode the URL-encoded document into JSON
                self.assertEqual(role["AssumeRolePolicyDocument"], TRUST)
                self.assertEqual(role["MaxSessionDuration"], 3600)
                r = ds.cli(which, "iam", "get-role", "--role-name", "golden-path-proxy-role",
                           "--query", "Role.Arn", "--output", "text")
                self.assertEqual((r.returncode, r.stdout),
                                 (0, "arn:aws:iam::000000000000:role/golden-path-proxy-role\n"))

    def test_missing_role_error_line(self):
        for which, code in clis():
            with self.subTest(cli=which):
                r = ds.cli(which, "iam", "get-role", "--role-name", "ghost")
                self.assertEqual((r.returncode, r.stdout), (code, ""))
                self.assertEqual(r.stderr.strip(),
                                 "An error occurred (NoSuchEntity) when calling the GetRole "
                                 "operation: The role with name ghost cannot be found.")


if __name__ == "__main__":
    harness.main()
