"""test_ecs.py - ECS over time, with boto3 against a manual clock.

Every test works in its own account (a 12-digit access key is its own team, with its own
clock), so tests never see each other's clusters or time. Covered: issue 3's "done means"
1 (a Fargate service of 4: pending part-way, 4/4/0 after two minutes), 2 (a forced new
deployment rolls without RUNNING tasks ever dropping below minimumHealthyPercent, sampled
after every one-second tick, and ends with one COMPLETED PRIMARY and every old task STOPPED),
3 (desired count 2: two tasks stop, with events), 5 (the errors), and every operation,
pagination, tags, the EC2 launch type without container instances, the task lifecycle with
its timestamps, and stopped tasks vanishing. The runbook's CLI commands are in
test_ecs_cli.py, byte-for-byte determinism in test_ecs_determinism.py.
"""
import datetime
import itertools
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
ds = None
_accounts = itertools.count(100000000001)


def setUpModule():
    global ds
    ds = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z", "--seed", "3"]).start()


def tearDownModule():
    ds.stop()


class World:
    """One account: its ECS and EC2 clients and its clock."""

    def __init__(self, region="us-east-1"):
        self.account = str(next(_accounts))
        self.ecs = ds.client("ecs", access_key=self.account, region=region)
        self.ec2 = ds.client("ec2", access_key=self.account, region=region)
        self.subnets = sorted(s["SubnetId"] for s in self.ec2.describe_subnets()["Subnets"])

    def advance(self, seconds):
        ds.control("POST", "/_drill/clock/advance?team=%s" % self.account, {"seconds": seconds})

    def now(self):
        return ds.control("GET", "/_drill/clock?team=%s" % self.account)["now"]

    def fargate_taskdef(self, family="web", cpu="256", memory="512"):
        return self.ecs.register_task_definition(
            family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu=cpu,
            memory=memory, containerDefinitions=[{"name": "app", "image": "nginx:1.27"}],
        )["taskDefinition"]

    def network(self, n=2):
        return {"awsvpcConfiguration": {"subnets": self.subnets[:n]}}

    def service(self, cluster="c1", name="s1", desired=4, **kw):
        """A cluster, a Fargate task definition and a Fargate service."""
        self.ecs.create_cluster(clusterName=cluster)
        self.fargate_taskdef()
        return self.ecs.create_service(
            cluster=cluster, serviceName=name, taskDefinition="web", desiredCount=desired,
            launchType="FARGATE", networkConfiguration=self.network(), **kw)["service"]

    def describe(self, cluster="c1", name="s1"):
        return self.ecs.describe_services(cluster=cluster, services=[name])["services"][0]

    def tasks(self, cluster="c1", **kw):
        arns = []
        for page in self.ecs.get_paginator("list_tasks").paginate(cluster=cluster, **kw):
            arns += page["taskArns"]
        out = []
        for i in range(0, len(arns), 100):
            out += self.ecs.describe_tasks(cluster=cluster, tasks=arns[i:i + 100])["tasks"]
        return out


def error_of(test, fn, **kw):
    """Calls fn(**kw) expecting a ClientError; returns (code, message)."""
    with test.assertRaises(ClientError) as cm:
        fn(**kw)
    e = cm.exception.response
    test.assertEqual(e["ResponseMetadata"]["HTTPStatusCode"], 400)
    return e["Error"]["Code"], e["Error"]["Message"]


def secs(dt):
    return (dt - T0).total_seconds()


class DoneMeansTest(unittest.TestCase):
    def test_1_service_comes_up(self):
        w = World()
        svc = w.service()
        self.assertEqual((svc["desiredCount"], svc["runningCount"], svc["pendingCount"]), (4, 0, 0))
        self.assertEqual(svc["status"], "ACTIVE")
        self.assertEqual(len(svc["deployments"]), 1)
        self.assertEqual(svc["deployments"][0]["rolloutState"], "IN_PROGRESS")
        w.advance(20)
        s = w.describe()
        self.assertEqual((s["runningCount"], s["pendingCount"]), (0, 4))
        self.assertEqual(len(w.tasks()), 4)
        self.assertEqual({t["lastStatus"] for t in w.tasks()}, {"PENDING"})
        w.advance(100)
        s = w.describe()
        self.assertEqual((s["runningCount"], s["desiredCount"], s["pendingCount"]), (4, 4, 0))
        dep = s["deployments"][0]
        self.assertEqual((dep["status"], dep["rolloutState"]), ("PRIMARY", "COMPLETED"))
        self.assertEqual(dep["rolloutStateReason"], "ECS deployment %s completed." % dep["id"])
        msgs = [e["message"] for e in s["events"]]
        self.assertEqual(msgs[0], "(service s1) has reached a steady state.")
        self.assertEqual(msgs[1], "(service s1) (deployment %s) deployment completed." % dep["id"])
        self.assertRegex(msgs[2],
                         r"^\(service s1\) has started 4 tasks:( \(task [0-9a-f]{32}\)){4}\.$")
        # the tasks spread over the two subnets' Availability Zones
        self.assertEqual(sorted(t["availabilityZone"] for t in w.tasks()).count(
            w.tasks()[0]["availabilityZone"]), 2)

    def test_2_forced_deployment_rolls_within_minimum_healthy(self):
        w = World()
        w.service()
        w.advance(120)
        old = {t["taskArn"] for t in w.tasks()}
        self.assertEqual(len(old), 4)
        svc = w.ecs.update_service(cluster="c1", service="s1", forceNewDeployment=True)["service"]
        deps = svc["deployments"]
        self.assertEqual([d["status"] for d in deps], ["PRIMARY", "ACTIVE"])
        self.assertEqual([d["rolloutState"] for d in deps], ["IN_PROGRESS", "COMPLETED"])
        self.assertEqual([d["runningCount"] for d in deps], [0, 4])
        self.assertEqual([d["desiredCount"] for d in deps], [4, 0])
        new_id = deps[0]["id"]
        self.assertRegex(new_id, r"^ecs-svc/\d{19}$")
        seen = []
        for _ in range(180):
            w.advance(1)
            s = w.describe()
            running = sum(1 for t in w.tasks() if t["lastStatus"] == "RUNNING")
            # minimumHealthyPercent 100 of 4: never fewer than 4 RUNNING; maximumPercent 200
            self.assertGreaterEqual(running, 4)
            self.assertGreaterEqual(s["runningCount"], 4)
            self.assertLessEqual(s["runningCount"] + s["pendingCount"], 8)
            self.assertEqual(s["runningCount"], sum(d["runningCount"] for d in s["deployments"]))
            self.assertEqual(s["pendingCount"], sum(d["pendingCount"] for d in s["deployments"]))
            seen.append(len(s["deployments"]))
        self.assertIn(2, seen)
        s = w.describe()
        self.assertEqual(len(s["deployments"]), 1)
        dep = s["deployments"][0]
        self.assertEqual((dep["id"], dep["status"], dep["rolloutState"]),
                         (new_id, "PRIMARY", "COMPLETED"))
        stopped = [t for t in w.tasks(desiredStatus="STOPPED") if t["taskArn"] in old]
        self.assertEqual(len(stopped), 4)
        for t in stopped:
            self.assertEqual(t["lastStatus"], "STOPPED")
            self.assertEqual(t["stopCode"], "ServiceSchedulerInitiated")
            self.assertEqual(t["stoppedReason"],
                             "Scaling activity initiated by (deployment %s)" % t["startedBy"])
        running = w.tasks()
        self.assertEqual(len(running), 4)
        self.assertEqual({t["startedBy"] for t in running}, {new_id})
        msgs = [e["message"] for e in s["events"]]
        self.assertTrue(any(m.startswith("(service s1) has stopped 4 running tasks: ")
                            for m in msgs))

    def test_2b_half_healthy_rolls_in_halves(self):
        w = World()
        w.service(deploymentConfiguration={"minimumHealthyPercent": 50, "maximumPercent": 100})
        w.advance(120)
        w.ecs.update_service(cluster="c1", service="s1", forceNewDeployment=True)
        w.advance(1)
        s = w.describe()
        # 50% of 4: two old tasks stop first, two new start (never more than 100% = 4 tasks)
        self.assertEqual([d["runningCount"] for d in s["deployments"]], [0, 2])
        self.assertEqual([d["pendingCount"] for d in s["deployments"]], [2, 0])
        for _ in range(150):
            w.advance(1)
            s = w.describe()
            self.assertGreaterEqual(s["runningCount"], 2)
            self.assertLessEqual(len(w.tasks()), 4)
        s = w.describe()
        self.assertEqual([(d["status"], d["rolloutState"]) for d in s["deployments"]],
                         [("PRIMARY", "COMPLETED")])

    def test_3_desired_count_two(self):
        w = World()
        w.service()
        w.advance(120)
        svc = w.ecs.update_service(cluster="c1", service="s1", desiredCount=2)["service"]
        self.assertEqual((svc["desiredCount"], svc["runningCount"]), (2, 4))
        self.assertEqual(svc["deployments"][0]["desiredCount"], 2)
        w.advance(1)
        s = w.describe()
        self.assertEqual((s["desiredCount"], s["runningCount"], s["pendingCount"]), (2, 2, 0))
        self.assertRegex(s["events"][0]["message"],
                         r"^\(service s1\) has stopped 2 running tasks: \(task [0-9a-f]{32}\) "
                         r"\(task [0-9a-f]{32}\)\.$")
        stopping = w.tasks(desiredStatus="STOPPED")
        self.assertEqual(len(stopping), 2)
        self.assertEqual({t["lastStatus"] for t in stopping}, {"DEACTIVATING"})
        # one task stopped in each Availability Zone: the service stays balanced
        self.assertEqual(len({t["availabilityZone"] for t in w.tasks()}), 2)
        w.advance(60)
        s = w.describe()
        self.assertEqual((s["desiredCount"], s["runningCount"], s["pendingCount"]), (2, 2, 0))
        self.assertEqual(s["events"][0]["message"], "(service s1) has reached a steady state.")
        self.assertEqual({t["lastStatus"] for t in w.tasks(desiredStatus="STOPPED")}, {"STOPPED"})
        self.assertEqual(s["deployments"][0]["rolloutState"], "COMPLETED")


class ErrorsTest(unittest.TestCase):
    def setUp(self):
        self.w = World()

    def test_unknown_cluster(self):
        ecs = self.w.ecs
        for fn, kw in ((ecs.describe_services, {"cluster": "nope", "services": ["a"]}),
                       (ecs.list_services, {"cluster": "nope"}),
                       (ecs.list_tasks, {}),  # the default cluster does not exist yet
                       (ecs.update_service, {"cluster": "nope", "service": "a"})):
            self.assertEqual(error_of(self, fn, **kw),
                             ("ClusterNotFoundException", "Cluster not found."))
        self.assertEqual(error_of(self, ecs.describe_services, services=["a"],
                                  cluster="arn:aws:ecs:us-east-1:999999999999:cluster/c1"),
                         ("ClusterNotFoundException", "Cluster not found."))
        self.assertEqual(error_of(self, ecs.list_services, cluster="a b")[0],
                         "InvalidParameterException")

    def test_unknown_service(self):
        w = self.w
        w.service(desired=1)
        r = w.ecs.describe_services(cluster="c1", services=["s1", "nope",
                                    "arn:aws:ecs:us-east-1:%s:service/c1/gone" % w.account])
        self.assertEqual([s["serviceName"] for s in r["services"]], ["s1"])
        self.assertEqual(r["failures"], [
            {"arn": "arn:aws:ecs:us-east-1:%s:service/c1/nope" % w.account, "reason": "MISSING"},
            {"arn": "arn:aws:ecs:us-east-1:%s:service/c1/gone" % w.account, "reason": "MISSING"}])
        self.assertEqual(error_of(self, w.ecs.update_service, cluster="c1", service="nope",
                                  desiredCount=1),
                         ("ServiceNotFoundException", "Service not found."))
        self.assertEqual(error_of(self, w.ecs.delete_service, cluster="c1", service="nope"),
                         ("ServiceNotFoundException", "Service not found."))
        self.assertEqual(error_of(self, w.ecs.list_tasks, cluster="c1", serviceName="nope"),
                         ("ServiceNotFoundException", "Service not found."))
        self.assertEqual(error_of(self, w.ecs.describe_services, cluster="c1", services=[]),
                         ("InvalidParameterException", "Services cannot be empty."))
        self.assertEqual(error_of(self, w.ecs.describe_services, cluster="c1",
                                  services=["s%d" % i for i in range(11)]),
                         ("InvalidParameterException", "service names can have at most 10 items."))

    def test_bad_input(self):
        w = self.w
        w.service(desired=1)
        ecs = w.ecs
        code, msg = error_of(self, ecs.update_service, cluster="c1", service="s1",
                             desiredCount=-1)
        self.assertEqual(code, "InvalidParameterException")
        self.assertEqual(error_of(self, ecs.create_service, cluster="c1", serviceName="s1",
                                  taskDefinition="web", desiredCount=1),
                         ("InvalidParameterException", "Creation of service was not idempotent."))
        self.assertEqual(error_of(self, ecs.create_service, cluster="c1", serviceName="s2",
                                  taskDefinition="nope", desiredCount=1),
                         ("ClientException", "TaskDefinition not found."))
        self.assertEqual(error_of(self, ecs.create_service, cluster="c1", serviceName="s2",
                                  taskDefinition="web:x", desiredCount=1),
                         ("InvalidParameterException", "Invalid revision number."))
        self.assertEqual(error_of(self, ecs.create_service, cluster="c1", serviceName="s2",
                                  taskDefinition="web", launchType="FARGATE", desiredCount=1),
                         ("InvalidParameterException", "Network Configuration must be provided "
                          "when networkMode 'awsvpc' is specified."))
        bad = "subnet-0123456789abcdef0"
        self.assertEqual(
            error_of(self, ecs.create_service, cluster="c1", serviceName="s2",
                     taskDefinition="web", launchType="FARGATE", desiredCount=1,
                     networkConfiguration={"awsvpcConfiguration": {
                         "subnets": [w.subnets[0], bad]}}),
            ("InvalidParameterException",
             "Error retrieving subnet information for [%s, %s]: The subnet ID '%s' does not "
             "exist (ErrorCode: InvalidSubnetID.NotFound)" % (w.subnets[0], bad, bad)))
        self.assertEqual(
            error_of(self, ecs.run_task, cluster="c1", taskDefinition="web", launchType="FARGATE",
                     networkConfiguration={"awsvpcConfiguration": {
                         "subnets": [w.subnets[0]], "securityGroups": ["sg-0123456789abcdef0"]}}),
            ("InvalidParameterException",
             "Error retrieving security group information for [sg-0123456789abcdef0]: The "
             "security group 'sg-0123456789abcdef0' does not exist (ErrorCode: "
             "InvalidGroup.NotFound)"))
        self.assertEqual(error_of(self, ecs.delete_service, cluster="c1", service="s1"),
                         ("InvalidParameterException",
                          "The service cannot be stopped while it is scaled above 0."))
        self.assertEqual(error_of(self, ecs.describe_tasks, cluster="c1", tasks=[]),
                         ("InvalidParameterException", "Tasks cannot be empty."))
        self.assertEqual(error_of(self, ecs.stop_task, cluster="c1", task="0" * 32),
                         ("InvalidParameterException", "The referenced task was not found."))
        self.assertEqual(error_of(self, ecs.describe_task_definition, taskDefinition="nope"),
                         ("ClientException", "Unable to describe task definition."))
        self.assertEqual(error_of(self, ecs.delete_cluster, cluster="c1"),
                         ("ClusterContainsServicesException",
                          "The Cluster cannot be deleted while Services are active."))

    def test_task_definition_rules(self):
        ecs = self.w.ecs
        cases = [
            (dict(requiresCompatibilities=["FARGATE"], cpu="256", memory="512"),
             "Fargate only supports network mode \u2018awsvpc\u2019."),
            (dict(requiresCompatibilities=["FARGATE"], networkMode="awsvpc", memory="512"),
             "Fargate requires that 'cpu' be defined at the task level."),
            (dict(requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="1024",
                  memory="1024"),
             "No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the "
             "Amazon ECS documentation for the valid values."),
            (dict(), "Invalid setting for container 'app'. At least one of 'memory' or "
                     "'memoryReservation' must be specified."),
        ]
        for extra, msg in cases:
            with self.subTest(msg=msg):
                self.assertEqual(
                    error_of(self, ecs.register_task_definition, family="f",
                             containerDefinitions=[{"name": "app", "image": "x"}], **extra),
                    ("ClientException", msg))
        self.assertEqual(error_of(self, ecs.register_task_definition, family="f",
                                  containerDefinitions=[]),
                         ("ClientException", "Container list cannot be empty."))
        td = ecs.register_task_definition(
            family="f", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
            cpu="1 vCPU", memory="2 GB",
            containerDefinitions=[{"name": "app", "image": "x"}])["taskDefinition"]
        self.assertEqual((td["cpu"], td["memory"]), ("1024", "2048"))
        self.assertEqual(td["compatibilities"], ["EC2", "FARGATE"])

    def test_validation_in_ecs_words(self):
        # botocore checks required members itself; a raw request reaches the server's check
        headers = {"X-Amz-Target": "AmazonEC2ContainerServiceV20141113.UpdateService",
                   "Content-Type": "application/x-amz-json-1.1"}
        status, h, body = ds.raw(body=b'{"cluster":"c1"}', headers=headers)
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body), {
            "__type": "InvalidParameterException",
            "message": "1 validation error detected: Value null at 'service' failed to satisfy "
                       "constraint: Member must not be null"})


class ClusterTest(unittest.TestCase):
    def test_clusters(self):
        w = World()
        ecs = w.ecs
        self.assertEqual(ecs.describe_clusters()["failures"], [
            {"arn": "arn:aws:ecs:us-east-1:%s:cluster/default" % w.account, "reason": "MISSING"}])
        c = ecs.create_cluster(tags=[{"key": "team", "value": "sre"}])["cluster"]
        self.assertEqual(c["clusterArn"], "arn:aws:ecs:us-east-1:%s:cluster/default" % w.account)
        self.assertEqual(c["settings"], [{"name": "containerInsights", "value": "disabled"}])
        self.assertEqual(c["tags"], [{"key": "team", "value": "sre"}])
        for i in range(5):
            ecs.create_cluster(clusterName="c%d" % i)
        # the default cluster now serves calls without `cluster`
        self.assertEqual(ecs.list_services()["serviceArns"], [])
        arns = []
        for page in ecs.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 2}):
            arns += page["clusterArns"]
        self.assertEqual([a.split("/")[-1] for a in arns],
                         ["c0", "c1", "c2", "c3", "c4", "default"])
        r = ecs.describe_clusters(clusters=["default", arns[0]], include=["TAGS", "STATISTICS"])
        self.assertEqual([c["clusterName"] for c in r["clusters"]], ["default", "c0"])
        self.assertEqual(r["clusters"][0]["tags"], [{"key": "team", "value": "sre"}])
        stats = {s["name"]: s["value"] for s in r["clusters"][0]["statistics"]}
        self.assertEqual(stats["runningFargateTasksCount"], "0")
        deleted = ecs.delete_cluster(cluster="c0")["cluster"]
        self.assertEqual(deleted["status"], "INACTIVE")
        self.assertEqual(ecs.describe_clusters(clusters=["c0"])["clusters"][0]["status"],
                         "INACTIVE")
        self.assertEqual(error_of(self, ecs.list_services, cluster="c0"),
                         ("ClusterNotFoundException", "The referenced cluster was inactive."))
        self.assertNotIn(arns[0], ecs.list_clusters()["clusterArns"])

    def test_cluster_counts_and_tasks_block_delete(self):
        w = World()
        w.ecs.create_cluster(clusterName="c1")
        w.fargate_taskdef()
        w.ecs.run_task(cluster="c1", taskDefinition="web", launchType="FARGATE", count=3,
                       networkConfiguration=w.network())
        c = w.ecs.describe_clusters(clusters=["c1"])["clusters"][0]
        self.assertEqual((c["pendingTasksCount"], c["runningTasksCount"]), (3, 0))
        self.assertEqual(error_of(self, w.ecs.delete_cluster, cluster="c1"),
                         ("ClusterContainsTasksException",
                          "The Cluster cannot be deleted while Tasks are active."))
        w.advance(60)
        c = w.ecs.describe_clusters(clusters=["c1"])["clusters"][0]
        self.assertEqual((c["pendingTasksCount"], c["runningTasksCount"]), (0, 3))


class TaskDefinitionTest(unittest.TestCase):
    def test_revisions_and_listing(self):
        w = World()
        ecs = w.ecs
        for fam in ("api", "web", "worker"):
            for _ in range(3):
                w.fargate_taskdef(family=fam)
        td = ecs.describe_task_definition(taskDefinition="web")["taskDefinition"]
        self.assertEqual(td["revision"], 3)
        self.assertEqual(td["taskDefinitionArn"],
                         "arn:aws:ecs:us-east-1:%s:task-definition/web:3" % w.account)
        self.assertEqual(td["containerDefinitions"][0]["essential"], True)
        self.assertEqual(td["registeredBy"], "arn:aws:iam::%s:root" % w.account)
        self.assertEqual(ecs.describe_task_definition(
            taskDefinition=td["taskDefinitionArn"][:-1] + "1")["taskDefinition"]["revision"], 1)
        out = ecs.deregister_task_definition(taskDefinition="web:3")["taskDefinition"]
        self.assertEqual(out["status"], "INACTIVE")
        self.assertIn("deregisteredAt", out)
        describe = lambda ref: ecs.describe_task_definition(  # noqa: E731
            taskDefinition=ref)["taskDefinition"]
        self.assertEqual(describe("web")["revision"], 2)
        self.assertEqual(describe("web:3")["status"], "INACTIVE")
        names = lambda arns: [a.split("/")[-1] for a in arns]  # noqa: E731
        self.assertEqual(names(ecs.list_task_definitions(familyPrefix="web")["taskDefinitionArns"]),
                         ["web:1", "web:2"])
        self.assertEqual(names(ecs.list_task_definitions(status="INACTIVE")["taskDefinitionArns"]),
                         ["web:3"])
        allarns = []
        for page in ecs.get_paginator("list_task_definitions").paginate(
                sort="DESC", PaginationConfig={"PageSize": 3}):
            allarns += page["taskDefinitionArns"]
        self.assertEqual(names(allarns), ["worker:3", "worker:2", "worker:1", "web:2", "web:1",
                                          "api:3", "api:2", "api:1"])
        fams = []
        for page in ecs.get_paginator("list_task_definition_families").paginate(
                PaginationConfig={"PageSize": 2}):
            fams += page["families"]
        self.assertEqual(fams, ["api", "web", "worker"])
        self.assertEqual(ecs.list_task_definition_families(familyPrefix="w")["families"],
                         ["web", "worker"])
        for rev in (1, 2, 3):
            ecs.deregister_task_definition(taskDefinition="api:%d" % rev)
        self.assertEqual(ecs.list_task_definition_families(status="INACTIVE")["families"], ["api"])
        self.assertEqual(ecs.list_task_definition_families(status="ACTIVE")["families"],
                         ["web", "worker"])
        # a service cannot use an inactive revision
        ecs.create_cluster(clusterName="c1")
        self.assertEqual(error_of(self, ecs.create_service, cluster="c1", serviceName="s",
                                  taskDefinition="web:3", desiredCount=0),
                         ("InvalidParameterException", "TaskDefinition is inactive"))


class ServiceTest(unittest.TestCase):
    def test_create_shape(self):
        w = World()
        svc = w.service(desired=2, tags=[{"key": "env", "value": "dev"}])
        self.assertEqual(svc["serviceArn"], "arn:aws:ecs:us-east-1:%s:service/c1/s1" % w.account)
        self.assertEqual(svc["clusterArn"], "arn:aws:ecs:us-east-1:%s:cluster/c1" % w.account)
        self.assertEqual(svc["deploymentConfiguration"], {
            "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            "maximumPercent": 200, "minimumHealthyPercent": 100})
        self.assertEqual(svc["networkConfiguration"], {"awsvpcConfiguration": {
            "subnets": w.subnets[:2], "securityGroups": [], "assignPublicIp": "DISABLED"}})
        self.assertEqual((svc["launchType"], svc["platformVersion"], svc["schedulingStrategy"]),
                         ("FARGATE", "LATEST", "REPLICA"))
        self.assertEqual(svc["createdAt"], T0)
        self.assertEqual(svc["tags"], [{"key": "env", "value": "dev"}])
        dep = svc["deployments"][0]
        self.assertEqual((dep["platformVersion"], dep["failedTasks"], dep["createdAt"]),
                         ("1.4.0", 0, T0))
        self.assertEqual(dep["rolloutStateReason"], "ECS deployment %s in progress." % dep["id"])
        self.assertEqual(w.ecs.describe_services(cluster="c1", services=["s1"], include=["TAGS"])
                         ["services"][0]["tags"], [{"key": "env", "value": "dev"}])
        # the same CreateService again is idempotent; a different one is not
        again = w.ecs.create_service(cluster="c1", serviceName="s1", taskDefinition="web",
                                     desiredCount=2, launchType="FARGATE",
                                     networkConfiguration=w.network())["service"]
        self.assertEqual(again["deployments"][0]["id"], dep["id"])
        self.assertEqual(error_of(self, w.ecs.create_service, cluster="c1", serviceName="s1",
                                  taskDefinition="web", desiredCount=3, launchType="FARGATE",
                                  networkConfiguration=w.network()),
                         ("InvalidParameterException", "Creation of service was not idempotent."))
        # a DRAINING service's name cannot be used yet
        w.ecs.delete_service(cluster="c1", service="s1", force=True)
        self.assertEqual(error_of(self, w.ecs.create_service, cluster="c1", serviceName="s1",
                                  taskDefinition="web", desiredCount=2, launchType="FARGATE",
                                  networkConfiguration=w.network()),
                         ("InvalidParameterException",
                          "Unable to Start a service that is still Draining."))

    def test_list_services_pages_and_filters(self):
        w = World()
        w.service(name="s0", desired=0)
        for i in range(1, 13):
            w.ecs.create_service(cluster="c1", serviceName="s%d" % i, taskDefinition="web",
                                 desiredCount=0, launchType="FARGATE",
                                 networkConfiguration=w.network())
        first = w.ecs.list_services(cluster="c1")
        self.assertEqual(len(first["serviceArns"]), 10)  # ListServices pages by 10
        self.assertIn("nextToken", first)
        arns = []
        for page in w.ecs.get_paginator("list_services").paginate(cluster="c1"):
            arns += page["serviceArns"]
        self.assertEqual(len(arns), 13)
        self.assertEqual(len(set(arns)), 13)
        self.assertEqual(w.ecs.list_services(cluster="c1", launchType="EC2")["serviceArns"], [])
        self.assertEqual(error_of(self, w.ecs.list_services, cluster="c1", nextToken="garbage")[0],
                         "InvalidParameterException")

    def test_update_task_definition_and_delete(self):
        w = World()
        w.service(desired=2)
        w.advance(60)
        td2 = w.fargate_taskdef()  # web:2
        svc = w.ecs.update_service(cluster="c1", service="s1", taskDefinition="web")["service"]
        self.assertEqual(svc["taskDefinition"], td2["taskDefinitionArn"])
        self.assertEqual([d["taskDefinition"] for d in svc["deployments"]],
                         [td2["taskDefinitionArn"], td2["taskDefinitionArn"][:-1] + "1"])
        w.advance(120)
        self.assertEqual({t["taskDefinitionArn"] for t in w.tasks()}, {td2["taskDefinitionArn"]})
        # the same task definition again without force: no new deployment
        svc = w.ecs.update_service(cluster="c1", service="s1", taskDefinition="web:2")["service"]
        self.assertEqual(len(svc["deployments"]), 1)
        svc = w.ecs.update_service(cluster="c1", service="s1", deploymentConfiguration={
            "minimumHealthyPercent": 0, "maximumPercent": 100})["service"]
        self.assertEqual(svc["deploymentConfiguration"]["minimumHealthyPercent"], 0)
        svc = w.ecs.delete_service(cluster="c1", service="s1", force=True)["service"]
        self.assertEqual((svc["status"], svc["desiredCount"]), ("DRAINING", 0))
        self.assertEqual(error_of(self, w.ecs.update_service, cluster="c1", service="s1",
                                  desiredCount=1),
                         ("ServiceNotActiveException", "Service was not ACTIVE."))
        w.advance(1)
        self.assertEqual(w.describe()["status"], "DRAINING")
        self.assertEqual(w.ecs.list_services(cluster="c1")["serviceArns"],
                         ["arn:aws:ecs:us-east-1:%s:service/c1/s1" % w.account])
        w.advance(60)
        s = w.describe()
        self.assertEqual((s["status"], s["runningCount"], s["pendingCount"]), ("INACTIVE", 0, 0))
        self.assertEqual(w.ecs.list_services(cluster="c1")["serviceArns"], [])
        # the name can be used again
        svc = w.ecs.create_service(cluster="c1", serviceName="s1", taskDefinition="web",
                                   desiredCount=1, launchType="FARGATE",
                                   networkConfiguration=w.network())["service"]
        self.assertEqual((svc["status"], len(svc["deployments"]), svc["events"]), ("ACTIVE", 1, []))
        w.ecs.delete_service(cluster="c1", service="s1", force=True)
        w.advance(120)
        w.ecs.delete_cluster(cluster="c1")

    def test_stopped_service_task_is_replaced(self):
        w = World()
        w.service(desired=2)
        w.advance(60)
        victim = w.tasks()[0]["taskArn"]
        t = w.ecs.stop_task(cluster="c1", task=victim)["task"]
        self.assertEqual((t["stopCode"], t["stoppedReason"]),
                         ("UserInitiated", "Task stopped by user"))
        w.advance(1)
        s = w.describe()
        self.assertRegex(s["events"][0]["message"],
                         r"^\(service s1\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$")
        self.assertEqual((s["runningCount"], s["pendingCount"]), (1, 1))

    def test_ec2_launch_type_without_instances(self):
        w = World()
        w.ecs.create_cluster(clusterName="c1")
        w.ecs.register_task_definition(family="bridge", containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 256}])
        svc = w.ecs.create_service(cluster="c1", serviceName="s1", taskDefinition="bridge",
                                   desiredCount=2)["service"]
        self.assertEqual(svc["launchType"], "EC2")
        self.assertNotIn("platformVersion", svc)
        w.advance(30)
        s = w.describe()
        self.assertEqual((s["runningCount"], s["pendingCount"]), (0, 0))
        self.assertEqual([e["message"] for e in s["events"]], [
            "(service s1) was unable to place a task because no container instance met all of "
            "its requirements. Reason: No Container Instances were found in your cluster. For "
            "more information, see the Troubleshooting section of the Amazon ECS Developer "
            "Guide."])
        self.assertEqual(s["deployments"][0]["rolloutState"], "IN_PROGRESS")
        self.assertEqual(error_of(self, w.ecs.run_task, cluster="c1", taskDefinition="bridge"),
                         ("InvalidParameterException",
                          "No Container Instances were found in your cluster."))
        self.assertEqual(error_of(self, w.ecs.run_task, cluster="c1", taskDefinition="bridge",
                                  launchType="FARGATE"),
                         ("InvalidParameterException",
                          "Task definition does not support launch_type FARGATE."))


class TaskTest(unittest.TestCase):
    def test_lifecycle_and_timestamps(self):
        w = World()
        w.ecs.create_cluster(clusterName="c1")
        w.fargate_taskdef()
        w.advance(10)
        r = w.ecs.run_task(cluster="c1", taskDefinition="web", launchType="FARGATE",
                           networkConfiguration=w.network(1), startedBy="drill",
                           overrides={"containerOverrides": [
                               {"name": "app", "environment": [{"name": "A", "value": "1"}]}]})
        self.assertEqual(r["failures"], [])
        t = r["tasks"][0]
        arn = t["taskArn"]
        self.assertRegex(arn, r"^arn:aws:ecs:us-east-1:%s:task/c1/[0-9a-f]{32}$" % w.account)
        self.assertEqual((t["lastStatus"], t["desiredStatus"], t["group"], t["startedBy"]),
                         ("PROVISIONING", "RUNNING", "family:web", "drill"))
        self.assertEqual(t["attachments"][0]["status"], "PRECREATED")
        self.assertEqual(t["overrides"]["containerOverrides"][0]["environment"],
                         [{"name": "A", "value": "1"}])
        self.assertEqual(secs(t["createdAt"]), 10)
        seq = []
        for _ in range(50):
            w.advance(1)
            d = w.ecs.describe_tasks(cluster="c1", tasks=[arn])["tasks"][0]
            if not seq or seq[-1] != d["lastStatus"]:
                seq.append(d["lastStatus"])
        self.assertEqual(seq, ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"])
        self.assertEqual((secs(d["connectivityAt"]), secs(d["pullStartedAt"]),
                          secs(d["pullStoppedAt"]), secs(d["startedAt"])), (25, 25, 50, 55))
        self.assertEqual(d["connectivity"], "CONNECTED")
        att = d["attachments"][0]
        self.assertEqual((att["type"], att["status"]), ("ElasticNetworkInterface", "ATTACHED"))
        details = {x["name"]: x["value"] for x in att["details"]}
        self.assertEqual(details["subnetId"], w.subnets[0])
        self.assertRegex(details["networkInterfaceId"], r"^eni-[0-9a-f]{17}$")
        self.assertRegex(details["privateIPv4Address"], r"^172\.31\.\d+\.\d+$")
        c = d["containers"][0]
        self.assertEqual((c["name"], c["image"], c["lastStatus"]), ("app", "nginx:1.27", "RUNNING"))
        self.assertEqual(d["version"], 4)
        stopped = w.ecs.stop_task(cluster="c1", task=arn, reason="chaos drill")["task"]
        self.assertEqual((stopped["lastStatus"], stopped["desiredStatus"], stopped["stopCode"],
                          stopped["stoppedReason"]),
                         ("DEACTIVATING", "STOPPED", "UserInitiated", "chaos drill"))
        stop_at = secs(stopped["stoppingAt"])
        seq = []
        for _ in range(60):
            w.advance(1)
            d = w.ecs.describe_tasks(cluster="c1", tasks=[arn])["tasks"][0]
            if not seq or seq[-1] != d["lastStatus"]:
                seq.append(d["lastStatus"])
        self.assertEqual(seq, ["DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"])
        self.assertEqual((secs(d["executionStoppedAt"]) - stop_at, secs(d["stoppedAt"]) - stop_at),
                         (40, 55))
        self.assertEqual(d["containers"][0]["lastStatus"], "STOPPED")
        self.assertEqual(d["attachments"][0]["status"], "DELETED")
        self.assertEqual(w.ecs.list_tasks(cluster="c1")["taskArns"], [])
        self.assertEqual(w.ecs.list_tasks(cluster="c1", desiredStatus="STOPPED")["taskArns"], [arn])
        # stopped tasks stay describable for an hour, then vanish (the loop left us 5 s after
        # stoppedAt)
        w.advance(3594)
        self.assertEqual(len(w.ecs.describe_tasks(cluster="c1", tasks=[arn])["tasks"]), 1)
        w.advance(1)
        r = w.ecs.describe_tasks(cluster="c1", tasks=[arn])
        self.assertEqual((r["tasks"], r["failures"]), ([], [{"arn": arn, "reason": "MISSING"}]))

    def test_list_tasks_filters_and_pages(self):
        w = World()
        w.ecs.create_cluster(clusterName="c1")
        w.fargate_taskdef()
        w.fargate_taskdef(family="batch")
        w.ecs.create_service(cluster="c1", serviceName="s1", taskDefinition="web", desiredCount=3,
                             launchType="FARGATE", networkConfiguration=w.network())
        for _ in range(3):
            w.ecs.run_task(cluster="c1", taskDefinition="batch", launchType="FARGATE", count=4,
                           startedBy="cron", networkConfiguration=w.network(3))
        w.advance(1)
        every = w.ecs.list_tasks(cluster="c1", maxResults=5)
        self.assertEqual(len(every["taskArns"]), 5)
        arns = []
        for page in w.ecs.get_paginator("list_tasks").paginate(
                cluster="c1", PaginationConfig={"PageSize": 5}):
            arns += page["taskArns"]
        self.assertEqual(len(arns), 15)
        self.assertEqual(len(set(arns)), 15)
        self.assertEqual(len(w.ecs.list_tasks(cluster="c1", serviceName="s1")["taskArns"]), 3)
        self.assertEqual(len(w.ecs.list_tasks(cluster="c1", family="batch")["taskArns"]), 12)
        self.assertEqual(len(w.ecs.list_tasks(cluster="c1", startedBy="cron")["taskArns"]), 12)
        self.assertEqual(w.ecs.list_tasks(cluster="c1", desiredStatus="STOPPED")["taskArns"], [])
        self.assertEqual(w.ecs.list_tasks(cluster="c1", launchType="EC2")["taskArns"], [])
        self.assertEqual(error_of(self, w.ecs.run_task, cluster="c1", taskDefinition="batch",
                                  launchType="FARGATE", count=11,
                                  networkConfiguration=w.network())[0],
                         "InvalidParameterException")
        # RunTask spreads its tasks over the subnets given
        tasks = w.tasks(startedBy="cron")
        self.assertEqual(len({t["availabilityZone"] for t in tasks}), 3)


class TagTest(unittest.TestCase):
    def test_tags_on_every_kind(self):
        w = World()
        w.service(desired=1)
        ecs = w.ecs
        task = ecs.run_task(cluster="c1", taskDefinition="web", launchType="FARGATE",
                            networkConfiguration=w.network(),
                            tags=[{"key": "job", "value": "x"}])["tasks"][0]
        self.assertEqual(task["tags"], [{"key": "job", "value": "x"}])
        prefix = "arn:aws:ecs:us-east-1:%s:" % w.account
        for arn in (prefix + "cluster/c1", prefix + "service/c1/s1",
                    prefix + "task-definition/web:1", task["taskArn"]):
            with self.subTest(arn=arn):
                ecs.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"},
                                                        {"key": "a", "value": "1"}])
                ecs.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "one"}])
                tags = ecs.list_tags_for_resource(resourceArn=arn)["tags"]
                self.assertEqual([t for t in tags if t["key"] in "ab"],
                                 [{"key": "a", "value": "one"}, {"key": "b", "value": "2"}])
                ecs.untag_resource(resourceArn=arn, tagKeys=["a", "zz"])
                tags = ecs.list_tags_for_resource(resourceArn=arn)["tags"]
                self.assertEqual([t for t in tags if t["key"] in "ab"],
                                 [{"key": "b", "value": "2"}])
        d = ecs.describe_task_definition(taskDefinition="web", include=["TAGS"])
        self.assertEqual(d["tags"], [{"key": "b", "value": "2"}])
        t = ecs.describe_tasks(cluster="c1", tasks=[task["taskArn"]], include=["TAGS"])["tasks"][0]
        self.assertEqual(t["tags"], [{"key": "b", "value": "2"}, {"key": "job", "value": "x"}])
        self.assertEqual(error_of(self, ecs.list_tags_for_resource,
                                  resourceArn=prefix + "cluster/zz"),
                         ("ClusterNotFoundException", "Cluster not found."))
        self.assertEqual(error_of(self, ecs.list_tags_for_resource,
                                  resourceArn=prefix + "service/c1/zz"),
                         ("ServiceNotFoundException", "Service not found."))
        self.assertEqual(error_of(self, ecs.tag_resource, resourceArn=prefix + "service/s1",
                                  tags=[{"key": "k", "value": "v"}]),
                         ("InvalidParameterException",
                          "Long arn format must be used for tagging operations"))
        self.assertEqual(error_of(self, ecs.list_tags_for_resource,
                                  resourceArn="arn:aws:ecr:us-east-1:%s:repository/x" % w.account),
                         ("InvalidParameterException", "The ARN provided is invalid."))
        code, msg = error_of(self, ecs.tag_resource, resourceArn=prefix + "cluster/c1",
                             tags=[{"key": "k" * 129, "value": "v"}])
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("Member must have length less than or equal to 128", msg)


class TenancyTest(unittest.TestCase):
    def test_accounts_and_regions_are_apart(self):
        w = World()
        w.service(desired=1)
        other = World()
        self.assertEqual(error_of(self, other.ecs.describe_services, cluster="c1", services=["s1"]),
                         ("ClusterNotFoundException", "Cluster not found."))
        west = ds.client("ecs", access_key=w.account, region="us-west-2")
        self.assertEqual(west.list_clusters()["clusterArns"], [])
        self.assertEqual(w.ecs.list_clusters()["clusterArns"],
                         ["arn:aws:ecs:us-east-1:%s:cluster/c1" % w.account])


if __name__ == "__main__":
    harness.main()
