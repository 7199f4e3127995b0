"""test_rds_proxy_cli.py - the runbook's `aws rds create-db-proxy`, verbatim, through the aws
CLI v1 and Debian's CLI v2 (/usr/bin/aws); then the same command with real ids succeeds and
the proxy comes up on the manual clock, its targets register and report health.

The command is copied from shared/seed/connection-exhaustion-runbook.md ("1. Implement RDS
Proxy") exactly as printed there; only {env} is replaced, by "dev", and --endpoint-url is
added. Its placeholders reach the server unchanged (aws-wire-protocols.md §5.9):
  SecretArn arn:aws:secretsmanager:region:account:secret:golden-path/db-credentials/dev
  RoleArn   arn:aws:iam::{account-id}:role/rds-proxy-role-dev
  subnets   subnet-{id1} subnet-{id2}, security group sg-{id}
Every one of them is malformed; drillsim reports the first in the request's member order
(Auth, then RoleArn, then the subnets), so both CLIs print the SecretArn error. The message
wording is drillsim's (unverified: no AWS text was found); code, status and exit codes are
AWS's (255 in v1, 254 in v2 for a service error).

CLI v1 checks the model's min length of SecretArn (20) before sending anything; the v2.9
model does not, so the server answers. Both outputs are recorded below.
test_rds_proxy.py covers the behaviour with boto3.
"""
import json
import os
import shlex
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

CREATE_PROXY = """aws rds create-db-proxy \\
  --db-proxy-name golden-path-proxy-{env} \\
  --engine-family POSTGRESQL \\
  --auth Description="Proxy authentication",AuthScheme=SECRETS,SecretArn=arn:aws:secretsmanager:region:account:secret:golden-path/db-credentials/{env} \\
  --role-arn arn:aws:iam::{account-id}:role/rds-proxy-role-{env} \\
  --vpc-subnet-ids subnet-{id1} subnet-{id2} \\
  --vpc-security-group-ids sg-{id}"""

PLACEHOLDER_ERROR = (
    "\nAn error occurred (InvalidParameterValue) when calling the CreateDBProxy operation: "
    "Invalid SecretArn: arn:aws:secretsmanager:region:account:secret:golden-path/"
    "db-credentials/dev\n")

TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})


def runbook_args(command, env="dev", **ids):
    """The runbook command's argv (without "aws"), {env} and the given placeholders
    replaced."""
    text = command.replace("{env}", env)
    for k, v in ids.items():
        text = text.replace(k, v)
    return shlex.split(text.replace("\\\n", " "))[1:]


class RdsProxyCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z"])
        cls.ds.start()
        cls.account = cls.ds.client("sts").get_caller_identity()["Account"]

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def advance(self, seconds):
        self.ds.control("POST", "/_drill/clock/advance?team=%s" % self.account,
                        {"seconds": seconds})

    def clis(self):
        return ["v1", "v2"] if harness.have_cli_v2() else ["v1"]

    def test_1_runbook_verbatim_fails(self):
        for which, status in (("v1", 255), ("v2", 254)):
            if which not in self.clis():
                continue
            r = self.ds.cli(which, *runbook_args(CREATE_PROXY))
            self.assertEqual((r.returncode, r.stdout, r.stderr), (status, "", PLACEHOLDER_ERROR),
                             which)
        # nothing was created
        self.assertEqual(self.ds.client("rds").describe_db_proxies()["DBProxies"], [])

    def test_2_short_secret_arn(self):
        args = runbook_args(CREATE_PROXY).copy()
        i = args.index("--auth")
        args[i + 1] = "AuthScheme=SECRETS,SecretArn=arn:aws:sm:x"
        r = self.ds.cli("v1", *args)
        self.assertEqual(r.returncode, 255)
        self.assertEqual(r.stderr, "\nParameter validation failed:\nInvalid length for "
                                   "parameter Auth[0].SecretArn, value: 12, valid min length: "
                                   "20\n")
        if harness.have_cli_v2():
            # the server's model validation (validate.c, query wording) answers v2
            r = self.ds.cli("v2", *args)
            self.assertEqual((r.returncode, r.stderr), (254, (
                "\nAn error occurred (InvalidParameterValue) when calling the CreateDBProxy "
                "operation: The parameter Auth.member.1.SecretArn must be longer than 19 "
                "characters.\n")))

    def test_3_real_ids_succeed_and_targets_become_available(self):
        sm = self.ds.client("secretsmanager")
        iam = self.ds.client("iam")
        ec2 = self.ds.client("ec2")
        rds = self.ds.client("rds")
        secret = sm.create_secret(Name="golden-path/db-credentials/dev", SecretString=json.dumps(
            {"username": "app", "password": "pw-123456"}))["ARN"]
        role = iam.create_role(RoleName="rds-proxy-role-dev",
                               AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        subnets = ec2.describe_subnets()["Subnets"]
        vpc = subnets[0]["VpcId"]
        sg = [g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]
              if g["VpcId"] == vpc and g["GroupName"] == "default"][0]
        rds.create_db_cluster(DBClusterIdentifier="golden-path-aurora-dev",
                              Engine="aurora-postgresql", MasterUsername="postgres",
                              MasterUserPassword="postgres123")
        rds.create_db_instance(DBInstanceIdentifier="golden-path-aurora-dev-1",
                               DBClusterIdentifier="golden-path-aurora-dev",
                               Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
        self.advance(600)
        for n, which in enumerate(self.clis()):
            name = "golden-path-proxy-%s" % ("dev" if n == 0 else "dev2")
            args = runbook_args(
                CREATE_PROXY.replace("golden-path-proxy-{env}", name),
                **{"arn:aws:secretsmanager:region:account:secret:golden-path/db-credentials/dev":
                   secret, "{account-id}": self.account, "subnet-{id1}": subnets[0]["SubnetId"],
                   "subnet-{id2}": subnets[1]["SubnetId"], "sg-{id}": sg})
            r = self.ds.cli(which, *args)
            self.assertEqual(r.returncode, 0, (which, r.stderr))
            p = json.loads(r.stdout)["DBProxy"]
            self.assertEqual((p["DBProxyName"], p["Status"], p["RoleArn"]),
                             (name, "creating", role))
            self.assertEqual(p["Auth"][0]["SecretArn"], secret)
            self.advance(181)
            r = self.ds.cli(which, "rds", "describe-db-proxies", "--db-proxy-name", name,
                            "--query", "DBProxies[0].[Status,Endpoint]", "--output", "text")
            self.assertEqual(r.returncode, 0, r.stderr)
            status, endpoint = r.stdout.split()
            self.assertEqual(status, "available")
            self.assertRegex(endpoint, r"^%s\.proxy-[a-z0-9]{12}\.us-east-1\.rds\."
                                       r"amazonaws\.com$" % name)
            r = self.ds.cli(which, "rds", "register-db-proxy-targets", "--db-proxy-name", name,
                            "--db-cluster-identifiers", "golden-path-aurora-dev")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.advance(125)
            r = self.ds.cli(which, "rds", "describe-db-proxy-targets", "--db-proxy-name", name,
                            "--query", "Targets[?Type=='RDS_INSTANCE'].[RdsResourceId,Role,"
                            "TargetHealth.State]", "--output", "text")
            self.assertEqual((r.returncode, r.stdout),
                             (0, "golden-path-aurora-dev-1\tREAD_WRITE\tAVAILABLE\n"), r.stderr)
        # the secret is deleted: the next health check reports AUTH_FAILURE
        sm.delete_secret(SecretId=secret, ForceDeleteWithoutRecovery=True)
        self.advance(31)
        r = self.ds.cli("v1", "rds", "describe-db-proxy-targets", "--db-proxy-name",
                        "golden-path-proxy-dev", "--query",
                        "Targets[?Type=='RDS_INSTANCE'].TargetHealth.[State,Reason,Description]",
                        "--output", "text")
        self.assertEqual((r.returncode, r.stdout), (0, "UNAVAILABLE\tAUTH_FAILURE\tProxy does "
                                                       "not have any registered credentials\n"))


if __name__ == "__main__":
    harness.main()
