"""test_ecs_determinism.py - done means 7: the same manual-clock request sequence with the
same seed, on two fresh servers, gives byte-identical DescribeServices and DescribeTasks
response bodies.

Requests go as raw awsJson 1.1 HTTP (ds.raw), so the comparison is of the bytes the server
sent, not of a client's parsed view. The sequence exercises every source of ids and instants:
a service coming up, a standalone RunTask, a forced deployment, a scale-in, a StopTask, and
stopped tasks. A third server with another seed must differ (the ids come from the seed), so
the comparison cannot pass by accident.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

TARGET = "AmazonEC2ContainerServiceV20141113."


def call(ds, op, body):
    status, _, raw = ds.raw(body=json.dumps(body).encode(), headers={
        "X-Amz-Target": TARGET + op, "Content-Type": "application/x-amz-json-1.1"})
    assert status == 200, (op, status, raw)
    return raw


def advance(ds, seconds):
    ds.control("POST", "/_drill/clock/advance", {"seconds": seconds})


def scenario(seed):
    """Runs the sequence on a fresh server; returns the list of raw Describe* bodies."""
    ds = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z",
                                "--seed", str(seed)]).start()
    try:
        subnets = sorted(s["SubnetId"] for s in ds.client("ec2").describe_subnets()["Subnets"])
        net = {"awsvpcConfiguration": {"subnets": subnets[:3]}}
        call(ds, "CreateCluster", {"clusterName": "c1"})
        call(ds, "RegisterTaskDefinition", {
            "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
            "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "app", "image": "nginx"}]})
        call(ds, "CreateService", {
            "cluster": "c1", "serviceName": "s1", "taskDefinition": "web", "desiredCount": 4,
            "launchType": "FARGATE", "networkConfiguration": net})
        advance(ds, 30)
        call(ds, "RunTask", {"cluster": "c1", "taskDefinition": "web", "launchType": "FARGATE",
                             "count": 2, "networkConfiguration": net})
        advance(ds, 60)
        call(ds, "UpdateService", {"cluster": "c1", "service": "s1", "forceNewDeployment": True})
        advance(ds, 30)
        bodies = []

        def snapshot():
            bodies.append(call(ds, "DescribeServices", {"cluster": "c1", "services": ["s1"]}))
            arns = []
            for status in ("RUNNING", "STOPPED"):
                arns += json.loads(call(ds, "ListTasks", {
                    "cluster": "c1", "desiredStatus": status}))["taskArns"]
            bodies.append(call(ds, "DescribeTasks", {"cluster": "c1", "tasks": arns}))

        snapshot()
        advance(ds, 90)
        call(ds, "UpdateService", {"cluster": "c1", "service": "s1", "desiredCount": 2})
        first = json.loads(call(ds, "ListTasks", {"cluster": "c1", "family": "web"}))["taskArns"][0]
        call(ds, "StopTask", {"cluster": "c1", "task": first})
        advance(ds, 20)
        snapshot()
        advance(ds, 100)
        snapshot()
        return bodies
    finally:
        ds.stop()


class DeterminismTest(unittest.TestCase):
    def test_same_seed_same_bytes(self):
        a = scenario(42)
        b = scenario(42)
        self.assertEqual(len(a), 6)
        for i, (x, y) in enumerate(zip(a, b)):
            self.assertEqual(x, y, "body %d differs" % i)
        # the bodies carry the world: events, deployments, tasks in several states
        svc = json.loads(a[2])["services"][0]
        self.assertGreaterEqual(len(svc["events"]), 5)
        tasks = json.loads(a[3])["tasks"]
        self.assertIn("STOPPED", {t["lastStatus"] for t in tasks})
        self.assertIn("RUNNING", {t["lastStatus"] for t in tasks})
        # another seed draws other ids
        c = scenario(43)
        self.assertNotEqual(a[0], c[0])
        self.assertNotEqual(a[1], c[1])


if __name__ == "__main__":
    harness.main()
