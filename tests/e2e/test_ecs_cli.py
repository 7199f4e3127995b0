"""test_ecs_cli.py - the runbook's ECS commands, verbatim, through the aws CLI v1 and
Debian's CLI v2 (/usr/bin/aws), and `aws ecs wait services-stable` on a realtime clock.

The commands below are copied from shared/seed/connection-exhaustion-runbook.md exactly as
printed there (line continuations and the trailing "# Adjust ..." comment included); only
{env} is replaced, by "dev", and --endpoint-url is added (Debian's CLI v2.9 ignores
AWS_ENDPOINT_URL). A CLI call costs ~0.7 s of CPU, so this file checks what only a CLI
proves: the printed output of the runbook's --query expressions and the exit statuses.
test_ecs.py covers the behaviour with boto3.

Done means 1 to 3 with the runbook's own commands (manual clock), and 4: with --timing
fast and the realtime clock, `aws ecs wait services-stable` (a DescribeServices poll every
15 s) succeeds with both CLIs, each within two polls.
"""
import json
import os
import shlex
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

# Step 5 and "Immediate Actions" of the runbook, verbatim.
CHECK_TASK_COUNT = """aws ecs describe-services \\
  --cluster golden-path-cluster-{env} \\
  --services golden-path-service-{env} \\
  --query 'services[0].{Running:runningCount,Desired:desiredCount,Pending:pendingCount}'"""
FORCE_NEW_DEPLOYMENT = """aws ecs update-service \\
  --cluster golden-path-cluster-{env} \\
  --service golden-path-service-{env} \\
  --force-new-deployment"""
MONITOR_DEPLOYMENT = """aws ecs describe-services \\
  --cluster golden-path-cluster-{env} \\
  --services golden-path-service-{env} \\
  --query 'services[0].deployments[*].{Status:status,TaskCount:runningCount}'"""
SCALE_DOWN = """aws ecs update-service \\
  --cluster golden-path-cluster-{env} \\
  --service golden-path-service-{env} \\
  --desired-count 2  # Adjust based on normal operations"""

CLUSTER = "golden-path-cluster-dev"
SERVICE = "golden-path-service-dev"


def runbook(ds, which, command, env="dev"):
    """Runs one runbook command with CLI `which`; returns the CompletedProcess."""
    text = command.replace("{env}", env).replace("\\\n", " ")
    args = shlex.split(text, comments=True)
    assert args[0] == "aws", args
    return ds.cli(which, *args[1:])


def clis():
    return ["v1", "v2"] if harness.have_cli_v2() else ["v1"]


def make_service(ds, desired=4):
    """The runbook's environment: cluster, Fargate task definition, service."""
    ecs = ds.client("ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(
        family="golden-path-app-dev", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
        cpu="512", memory="1024",
        containerDefinitions=[{"name": "app", "image": "golden-path/app:1", "essential": True}])
    subnets = sorted(s["SubnetId"] for s in ds.client("ec2").describe_subnets()["Subnets"])
    ecs.create_service(cluster=CLUSTER, serviceName=SERVICE, taskDefinition="golden-path-app-dev",
                       desiredCount=desired, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": subnets[:3]}})
    return ecs


class RunbookTest(unittest.TestCase):
    """Manual clock: the runbook's commands against a service that changes over time."""

    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z"]).start()
        make_service(cls.ds)

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def advance(self, seconds):
        self.ds.control("POST", "/_drill/clock/advance", {"seconds": seconds})

    def query(self, which, command):
        r = runbook(self.ds, which, command)
        self.assertEqual((r.returncode, r.stderr), (0, ""), r.stderr)
        return json.loads(r.stdout)

    def test_runbook_flow(self):
        # done means 1: part-way the tasks are pending, after two minutes 4/4/0
        self.advance(20)
        self.assertEqual(self.query("v1", CHECK_TASK_COUNT),
                         {"Running": 0, "Desired": 4, "Pending": 4})
        self.advance(100)
        for which in clis():
            with self.subTest(cli=which):
                r = runbook(self.ds, which, CHECK_TASK_COUNT)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout, '{\n    "Running": 4,\n    "Desired": 4,\n'
                                           '    "Pending": 0\n}\n')
        # done means 2: the forced deployment, then the runbook's monitoring query
        r = runbook(self.ds, "v1", FORCE_NEW_DEPLOYMENT)
        self.assertEqual(r.returncode, 0, r.stderr)
        svc = json.loads(r.stdout)["service"]
        self.assertEqual([d["status"] for d in svc["deployments"]], ["PRIMARY", "ACTIVE"])
        which = clis()[-1]
        self.assertEqual(self.query(which, MONITOR_DEPLOYMENT),
                         [{"Status": "PRIMARY", "TaskCount": 0},
                          {"Status": "ACTIVE", "TaskCount": 4}])
        self.advance(46)  # the new tasks are RUNNING, the old ones are stopping
        self.assertEqual(self.query("v1", MONITOR_DEPLOYMENT),
                         [{"Status": "PRIMARY", "TaskCount": 4},
                          {"Status": "ACTIVE", "TaskCount": 0}])
        self.advance(60)
        self.assertEqual(self.query(which, MONITOR_DEPLOYMENT),
                         [{"Status": "PRIMARY", "TaskCount": 4}])
        ecs = self.ds.client("ecs")
        s = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
        self.assertEqual(s["deployments"][0]["rolloutState"], "COMPLETED")
        stopped = ecs.describe_tasks(cluster=CLUSTER, tasks=ecs.list_tasks(
            cluster=CLUSTER, desiredStatus="STOPPED")["taskArns"])["tasks"]
        self.assertEqual([t["lastStatus"] for t in stopped], ["STOPPED"] * 4)
        # done means 3: scale down to 2 with the runbook's command (comment and all)
        r = runbook(self.ds, which, SCALE_DOWN)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["service"]["desiredCount"], 2)
        self.advance(1)
        s = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
        self.assertRegex(s["events"][0]["message"],
                         r"^\(service golden-path-service-dev\) has stopped 2 running tasks: ")
        self.advance(60)
        self.assertEqual(self.query("v1", CHECK_TASK_COUNT),
                         {"Running": 2, "Desired": 2, "Pending": 0})

    def test_error_lines(self):
        for which, code in (("v1", 255), ("v2", 254)):
            if which not in clis():
                continue
            with self.subTest(cli=which):
                r = runbook(self.ds, which, FORCE_NEW_DEPLOYMENT, env="prod")
                self.assertEqual(r.returncode, code)
                self.assertEqual(r.stderr.strip("\n"),
                                 "An error occurred (ClusterNotFoundException) when calling the "
                                 "UpdateService operation: Cluster not found.")
                r = self.ds.cli(which, "ecs", "update-service", "--cluster", CLUSTER,
                                "--service", "nope", "--desired-count", "1")
                self.assertEqual(r.returncode, code)
                self.assertEqual(r.stderr.strip("\n"),
                                 "An error occurred (ServiceNotFoundException) when calling the "
                                 "UpdateService operation: Service not found.")
        # an unknown service is not an error in DescribeServices: the query finds nothing
        r = self.ds.cli("v1", "ecs", "describe-services", "--cluster", CLUSTER,
                        "--services", "nope")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["failures"], [
            {"arn": "arn:aws:ecs:us-east-1:000000000000:service/%s/nope" % CLUSTER,
             "reason": "MISSING"}])


class WaiterTest(unittest.TestCase):
    """Done means 4: realtime clock, short lifecycle durations, the CLIs' waiter."""

    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--timing", "fast"]).start()
        cls.ecs = make_service(cls.ds)

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def wait(self, which, service=SERVICE):
        start = time.monotonic()
        r = self.ds.cli(which, "ecs", "wait", "services-stable", "--cluster", CLUSTER,
                        "--services", service)
        return r, time.monotonic() - start

    def stable(self):
        s = self.ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
        return len(s["deployments"]) == 1 and s["runningCount"] == s["desiredCount"]

    def test_services_stable(self):
        # fresh service: the first poll sees it starting, the second (15 s later) stable
        self.assertFalse(self.stable())
        r, took = self.wait("v1")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
        self.assertLess(took, 40)
        self.assertTrue(self.stable())
        # a forced deployment: two deployments until the old tasks are gone
        self.ecs.update_service(cluster=CLUSTER, service=SERVICE, forceNewDeployment=True)
        self.assertFalse(self.stable())
        r, took = self.wait(clis()[-1])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertLess(took, 40)
        self.assertTrue(self.stable())

    def test_missing_service_fails_at_once(self):
        r, took = self.wait("v1", service="nope")
        self.assertEqual(r.returncode, 255)
        self.assertIn("Waiter ServicesStable failed", r.stderr)
        self.assertIn("MISSING", r.stderr)
        self.assertLess(took, 10)


if __name__ == "__main__":
    harness.main()
