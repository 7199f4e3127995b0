"""Application Auto Scaling against a manual clock: every operation and its errors with boto3,
scheduled actions (at, rate, cron) firing as the clock advances, and their activities listed
by `describe-scaling-activities` in CLI v1, /usr/bin/aws and boto3 (JS v3:
js/autoscaling.test.mjs).

The ECS flow (issue 3, done means 6) creates its service through the ECS API; the same
schedules also run on a DynamoDB target, whose min/max change (only ECS services act).
"""
import datetime
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

CLOCK = ["--clock", "manual@2026-01-01T00:00:00Z"]
T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
ACCOUNT = "000000000000"
DDB = dict(ServiceNamespace="dynamodb", ScalableDimension="dynamodb:table:ReadCapacityUnits")
ECS = dict(ServiceNamespace="ecs", ScalableDimension="ecs:service:DesiredCount")


def error_of(fn, **kw):
    """Calls fn and returns (code, message) of the ClientError it must raise."""
    try:
        fn(**kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"].get("Message", "")
    raise AssertionError("no error from %s" % fn.__name__)


def advance(ds, seconds):
    return ds.control("POST", "/_drill/clock/advance", {"seconds": seconds})


def all_pages(call, key, **kw):
    """Follows NextToken by hand; fails on a repeated token. Returns (items, page count)."""
    items, tokens, pages = [], set(), 0
    while True:
        page = call(**kw)
        pages += 1
        items += page[key]
        tok = page.get("NextToken")
        if not tok:
            return items, pages
        assert tok not in tokens, "token repeated"
        tokens.add(tok)
        kw["NextToken"] = tok


class TargetsPoliciesTags(unittest.TestCase):
    """The API surface, on namespaces that need no other service (DynamoDB, Spot Fleet)."""

    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=CLOCK).start()
        cls.aas = cls.ds.client("application-autoscaling")

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def register(self, table, lo=1, hi=10, **kw):
        return self.aas.register_scalable_target(ResourceId="table/" + table, MinCapacity=lo,
                                                 MaxCapacity=hi, **DDB, **kw)

    def target(self, table):
        got = self.aas.describe_scalable_targets(ResourceIds=["table/" + table], **DDB)
        self.assertEqual(len(got["ScalableTargets"]), 1)
        return got["ScalableTargets"][0]

    def test_register_describe_update_deregister(self):
        arn = self.register("orders", 5, 10)["ScalableTargetARN"]
        self.assertRegex(arn, r"^arn:aws:application-autoscaling:us-east-1:%s:scalable-target/"
                              r"[0-9a-f]{36}$" % ACCOUNT)
        t = self.target("orders")
        self.assertEqual((t["MinCapacity"], t["MaxCapacity"]), (5, 10))
        self.assertEqual(t["RoleARN"], "arn:aws:iam::%s:role/aws-service-role/dynamodb.application-"
                         "autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_"
                         "DynamoDBTable" % ACCOUNT)
        self.assertEqual(t["SuspendedState"], {"DynamicScalingInSuspended": False,
                                               "DynamicScalingOutSuspended": False,
                                               "ScheduledScalingSuspended": False})
        self.assertEqual(t["CreationTime"].timestamp(), T0)
        self.assertEqual(t["ScalableTargetARN"], arn)
        # re-registering updates only what is given; the ARN stays
        again = self.aas.register_scalable_target(
            ResourceId="table/orders", MaxCapacity=20,
            SuspendedState={"ScheduledScalingSuspended": True}, **DDB)
        self.assertEqual(again["ScalableTargetARN"], arn)
        t = self.target("orders")
        self.assertEqual((t["MinCapacity"], t["MaxCapacity"]), (5, 20))
        self.assertTrue(t["SuspendedState"]["ScheduledScalingSuspended"])
        self.assertFalse(t["SuspendedState"]["DynamicScalingInSuspended"])
        # deregistering removes its policies and scheduled actions too
        self.aas.put_scheduled_action(ResourceId="table/orders", ScheduledActionName="s",
                                      Schedule="rate(1 hour)",
                                      ScalableTargetAction={"MinCapacity": 6}, **DDB)
        self.aas.deregister_scalable_target(ResourceId="table/orders", **DDB)
        self.assertEqual(self.aas.describe_scalable_targets(
            ResourceIds=["table/orders"], **DDB)["ScalableTargets"], [])
        self.assertEqual(self.aas.describe_scheduled_actions(
            ResourceId="table/orders", **DDB)["ScheduledActions"], [])
        self.assertEqual(error_of(self.aas.deregister_scalable_target, ResourceId="table/orders",
                                  **DDB),
                         ("ObjectNotFoundException",
                          "No scalable target found for service namespace: dynamodb, resource ID: "
                          "table/orders, scalable dimension: dynamodb:table:ReadCapacityUnits"))

    def test_register_errors(self):
        reg = self.aas.register_scalable_target
        unsupported = ("ValidationException",
                       "Unsupported service namespace, resource type or scalable dimension")
        # a dimension of another namespace; a resource id of another type
        self.assertEqual(error_of(reg, ServiceNamespace="dynamodb", ResourceId="table/x",
                                  ScalableDimension="ecs:service:DesiredCount", MinCapacity=1,
                                  MaxCapacity=2), unsupported)
        self.assertEqual(error_of(reg, ResourceId="dynamo/x", MinCapacity=1, MaxCapacity=2,
                                  **DDB), unsupported)
        self.assertEqual(error_of(reg, ResourceId="table/x/index/i", MinCapacity=1,
                                  MaxCapacity=2, **DDB), unsupported)
        # an ECS service that does not exist
        self.assertEqual(error_of(reg, ResourceId="service/nope/web", MinCapacity=1,
                                  MaxCapacity=2, **ECS),
                         ("ValidationException", "ECS service doesn't exist: service/nope/web"))
        # a new target needs both capacities, min <= max
        code, msg = error_of(reg, ResourceId="table/new", MinCapacity=1, **DDB)
        self.assertEqual(code, "ValidationException")
        code, msg = error_of(reg, ResourceId="table/new", MinCapacity=3, MaxCapacity=2, **DDB)
        self.assertEqual(code, "ValidationException")
        self.assertIn("Minimum capacity", msg)
        code, msg = error_of(reg, ResourceId="table/new", MinCapacity=-1, MaxCapacity=2, **DDB)
        self.assertEqual(code, "ValidationException")
        # tags only when creating
        self.register("tagged", Tags={"team": "a"})
        self.assertEqual(error_of(reg, ResourceId="table/tagged", MinCapacity=1, MaxCapacity=2,
                                  Tags={"team": "b"}, **DDB),
                         ("ValidationException",
                          "The scalable target that you tried to tag already exists. To update "
                          "tags on an existing scalable target, use the TagResource API."))
        # nothing was stored by the failures
        self.assertEqual(self.aas.describe_scalable_targets(
            ResourceIds=["table/x", "table/new", "dynamo/x"], **DDB)["ScalableTargets"], [])

    def test_describe_targets_pages_and_filters(self):
        for i in range(7):
            self.register("page%d" % i)
        self.aas.register_scalable_target(ResourceId="table/page0", MinCapacity=1, MaxCapacity=3,
                                          ServiceNamespace="dynamodb",
                                          ScalableDimension="dynamodb:table:WriteCapacityUnits")
        ids = ["table/page%d" % i for i in range(7)]
        items, pages = all_pages(self.aas.describe_scalable_targets, "ScalableTargets",
                                 ServiceNamespace="dynamodb", ResourceIds=ids, MaxResults=3)
        self.assertEqual(pages, 3)
        self.assertEqual(len(items), 8)
        self.assertEqual(len({(t["ResourceId"], t["ScalableDimension"]) for t in items}), 8)
        items, _ = all_pages(self.aas.describe_scalable_targets, "ScalableTargets",
                             ResourceIds=ids, MaxResults=2, **DDB)
        self.assertEqual(sorted(t["ResourceId"] for t in items), ids)
        # botocore's paginator agrees
        pag = self.aas.get_paginator("describe_scalable_targets")
        got = [t for p in pag.paginate(ResourceIds=ids, PaginationConfig={"PageSize": 4}, **DDB)
               for t in p["ScalableTargets"]]
        self.assertEqual(len(got), 7)
        # other namespaces are apart
        self.assertEqual(self.aas.describe_scalable_targets(ServiceNamespace="rds")
                         ["ScalableTargets"], [])
        self.assertEqual(error_of(self.aas.describe_scalable_targets, ServiceNamespace="dynamodb",
                                  NextToken="bogus")[0], "InvalidNextTokenException")
        self.assertEqual(error_of(self.aas.describe_scalable_targets, ServiceNamespace="dynamodb",
                                  MaxResults=51),
                         ("ValidationException", "1 validation error detected: Value '51' at "
                          "'maxResults' failed to satisfy constraint: Member must have value "
                          "less than or equal to 50"))
        self.assertEqual(error_of(self.aas.describe_scalable_targets, ServiceNamespace="dynamodb",
                                  MaxResults=0)[0], "ValidationException")

    def test_scaling_policies(self):
        self.register("pol")
        put = self.aas.put_scaling_policy
        tt = {"TargetValue": 70.0, "ScaleOutCooldown": 60, "ScaleInCooldown": 120,
              "DisableScaleIn": False,
              "PredefinedMetricSpecification": {
                  "PredefinedMetricType": "DynamoDBReadCapacityUtilization"}}
        r = put(PolicyName="read70", ResourceId="table/pol", PolicyType="TargetTrackingScaling",
                TargetTrackingScalingPolicyConfiguration=tt, **DDB)
        arn = r["PolicyARN"]
        self.assertRegex(arn, r"^arn:aws:autoscaling:us-east-1:%s:scalingPolicy:[0-9a-f-]{36}:"
                              r"resource/dynamodb/table/pol:policyName/read70$" % ACCOUNT)
        self.assertEqual(r["Alarms"], [])
        step = {"AdjustmentType": "PercentChangeInCapacity", "Cooldown": 300,
                "MetricAggregationType": "Average", "MinAdjustmentMagnitude": 2,
                "StepAdjustments": [{"MetricIntervalLowerBound": 0.0, "ScalingAdjustment": 20},
                                    {"MetricIntervalUpperBound": 0.0, "ScalingAdjustment": -10}]}
        r2 = put(PolicyName="step", ResourceId="table/pol", PolicyType="StepScaling",
                 StepScalingPolicyConfiguration=step, **DDB)
        self.assertNotIn("Alarms", r2)
        custom = {"TargetValue": 50.0, "CustomizedMetricSpecification": {
            "MetricName": "QueueDepth", "Namespace": "App", "Statistic": "Average",
            "Dimensions": [{"Name": "Queue", "Value": "jobs"}]}}
        put(PolicyName="custom", ResourceId="table/pol", PolicyType="TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration=custom, **DDB)
        got = self.aas.describe_scaling_policies(ResourceId="table/pol", **DDB)["ScalingPolicies"]
        self.assertEqual([p["PolicyName"] for p in got], ["custom", "read70", "step"])
        by = {p["PolicyName"]: p for p in got}
        self.assertEqual(by["read70"]["TargetTrackingScalingPolicyConfiguration"], tt)
        self.assertEqual(by["read70"]["PolicyARN"], arn)
        self.assertEqual(by["step"]["StepScalingPolicyConfiguration"], step)
        self.assertEqual(by["step"]["PolicyType"], "StepScaling")
        self.assertEqual(by["custom"]["TargetTrackingScalingPolicyConfiguration"], custom)
        self.assertEqual(by["read70"]["CreationTime"].timestamp(), T0)
        # the name filter, pages
        one = self.aas.describe_scaling_policies(PolicyNames=["step"], **DDB)["ScalingPolicies"]
        self.assertEqual([p["PolicyName"] for p in one], ["step"])
        items, pages = all_pages(self.aas.describe_scaling_policies, "ScalingPolicies",
                                 ResourceId="table/pol", MaxResults=1, **DDB)
        self.assertEqual((len(items), pages), (3, 3))
        # an update keeps the ARN
        tt2 = dict(tt, TargetValue=60.0)
        self.assertEqual(put(PolicyName="read70", ResourceId="table/pol",
                             PolicyType="TargetTrackingScaling",
                             TargetTrackingScalingPolicyConfiguration=tt2, **DDB)["PolicyARN"],
                         arn)
        self.aas.delete_scaling_policy(PolicyName="read70", ResourceId="table/pol", **DDB)
        self.assertEqual(error_of(self.aas.delete_scaling_policy, PolicyName="read70",
                                  ResourceId="table/pol", **DDB),
                         ("ObjectNotFoundException",
                          "No scaling policy found for service namespace: dynamodb, resource ID: "
                          "table/pol, scalable dimension: dynamodb:table:ReadCapacityUnits, "
                          "policy name: read70"))

    def test_scaling_policy_errors(self):
        put = self.aas.put_scaling_policy
        tt = {"TargetValue": 70.0, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "DynamoDBReadCapacityUtilization"}}
        self.assertEqual(error_of(put, PolicyName="p", ResourceId="table/none",
                                  PolicyType="TargetTrackingScaling",
                                  TargetTrackingScalingPolicyConfiguration=tt, **DDB),
                         ("ObjectNotFoundException",
                          "No scalable target registered for service namespace: dynamodb, "
                          "resource ID: table/none, scalable dimension: "
                          "dynamodb:table:ReadCapacityUnits"))
        self.register("perr")

        def bad(**kw):
            code, msg = error_of(put, PolicyName="p", ResourceId="table/perr", **DDB, **kw)
            self.assertEqual(code, "ValidationException", msg)
            return msg

        bad(PolicyType="TargetTrackingScaling")  # no configuration
        bad(PolicyType="StepScaling", TargetTrackingScalingPolicyConfiguration=tt)
        bad(PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
        bad(PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0})
        bad(PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 0.0, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "DynamoDBReadCapacityUtilization"}})
        bad(PolicyType="StepScaling", StepScalingPolicyConfiguration={
            "StepAdjustments": [{"ScalingAdjustment": 1}]})
        bad(PolicyType="StepScaling", StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity", "StepAdjustments": []})
        bad(PolicyType="StepScaling", StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity", "MinAdjustmentMagnitude": 2,
            "StepAdjustments": [{"ScalingAdjustment": 1}]})
        msg = bad(PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0, "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ALBRequestCountPerTarget"}})
        self.assertIn("is not supported", msg)
        # ALBRequestCountPerTarget needs its ResourceLabel (on a namespace that allows it)
        self.aas.register_scalable_target(ServiceNamespace="ec2",
                                          ResourceId="spot-fleet-request/sfr-1",
                                          ScalableDimension="ec2:spot-fleet-request:TargetCapacity",
                                          MinCapacity=1, MaxCapacity=4)
        self.assertEqual(error_of(put, PolicyName="alb", ServiceNamespace="ec2",
                                  ResourceId="spot-fleet-request/sfr-1",
                                  ScalableDimension="ec2:spot-fleet-request:TargetCapacity",
                                  PolicyType="TargetTrackingScaling",
                                  TargetTrackingScalingPolicyConfiguration={
                                      "TargetValue": 100.0, "PredefinedMetricSpecification": {
                                          "PredefinedMetricType": "ALBRequestCountPerTarget"}}),
                         ("ValidationException", "Resource label should be specified for "
                          "predefined metric type ALBRequestCountPerTarget"))
        self.assertEqual(self.aas.describe_scaling_policies(ResourceId="table/perr", **DDB)
                         ["ScalingPolicies"], [])

    def test_scheduled_actions(self):
        self.register("sched", 2, 8)
        psa = self.aas.put_scheduled_action
        start = datetime.datetime(2026, 2, 1, tzinfo=datetime.timezone.utc)
        end = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
        psa(ResourceId="table/sched", ScheduledActionName="once",
            Schedule="at(2026-01-31T17:00:00)", Timezone="America/New_York",
            ScalableTargetAction={"MinCapacity": 1, "MaxCapacity": 3}, **DDB)
        psa(ResourceId="table/sched", ScheduledActionName="weekdays",
            Schedule="cron(0 18 ? * MON-FRI *)", StartTime=start, EndTime=end,
            ScalableTargetAction={"MaxCapacity": 5}, **DDB)
        got = self.aas.describe_scheduled_actions(ResourceId="table/sched", **DDB)
        acts = {a["ScheduledActionName"]: a for a in got["ScheduledActions"]}
        self.assertEqual(sorted(acts), ["once", "weekdays"])
        once = acts["once"]
        self.assertRegex(once["ScheduledActionARN"],
                         r"^arn:aws:autoscaling:us-east-1:%s:scheduledAction:[0-9a-f-]{36}:"
                         r"resource/dynamodb/table/sched:scheduledActionName/once$" % ACCOUNT)
        self.assertEqual(once["Timezone"], "America/New_York")
        self.assertEqual(once["ScalableTargetAction"], {"MinCapacity": 1, "MaxCapacity": 3})
        self.assertNotIn("StartTime", once)
        w = acts["weekdays"]
        self.assertEqual((w["StartTime"], w["EndTime"]), (start, end))
        self.assertEqual(w["ScalableTargetAction"], {"MaxCapacity": 5})
        self.assertNotIn("Timezone", w)
        # one ARN prefix per target (the target's id), as AWS's ARNs show
        self.assertEqual(once["ScheduledActionARN"].split(":resource/")[0],
                         w["ScheduledActionARN"].split(":resource/")[0])
        # an update keeps what it does not give
        psa(ResourceId="table/sched", ScheduledActionName="weekdays",
            ScalableTargetAction={"MinCapacity": 2, "MaxCapacity": 6}, **DDB)
        w = self.aas.describe_scheduled_actions(ScheduledActionNames=["weekdays"],
                                                **DDB)["ScheduledActions"][0]
        self.assertEqual(w["Schedule"], "cron(0 18 ? * MON-FRI *)")
        self.assertEqual(w["StartTime"], start)
        self.assertEqual(w["ScalableTargetAction"], {"MinCapacity": 2, "MaxCapacity": 6})
        # pages
        items, pages = all_pages(self.aas.describe_scheduled_actions, "ScheduledActions",
                                 ResourceId="table/sched", MaxResults=1, **DDB)
        self.assertEqual((len(items), pages), (2, 2))
        # errors
        def bad(**kw):
            args = dict(ResourceId="table/sched", ScheduledActionName="bad",
                        Schedule="rate(5 minutes)", ScalableTargetAction={"MinCapacity": 1})
            args.update(kw)
            return error_of(psa, **DDB, **args)

        self.assertEqual(bad(Schedule="cron(0 9 * * *)"),
                         ("ValidationException", "Invalid schedule expression"))
        self.assertEqual(bad(Schedule="every 5 minutes")[0], "ValidationException")
        self.assertEqual(bad(Schedule="at(2026-02-30T00:00:00)")[0], "ValidationException")
        self.assertEqual(bad(Timezone="Mars/Olympus_Mons")[0], "ValidationException")
        self.assertEqual(bad(ScalableTargetAction={}),
                         ("ValidationException",
                          "At least one of minimum capacity and maximum capacity should be "
                          "provided"))
        self.assertEqual(bad(ScalableTargetAction={"MinCapacity": 5, "MaxCapacity": 2})[0],
                         "ValidationException")
        self.assertEqual(bad(StartTime=end, EndTime=start)[0], "ValidationException")
        self.assertEqual(bad(ResourceId="table/nope")[0], "ObjectNotFoundException")
        # the model's own pattern check, in coral wording
        code, msg = bad(ScheduledActionName="bad:name")
        self.assertEqual(code, "ValidationException")
        self.assertIn("1 validation error detected: Value 'bad:name' at 'scheduledActionName' "
                      "failed to satisfy constraint: Member must satisfy regular expression "
                      "pattern", msg)
        self.assertEqual(len(self.aas.describe_scheduled_actions(
            ResourceId="table/sched", **DDB)["ScheduledActions"]), 2)
        self.aas.delete_scheduled_action(ResourceId="table/sched", ScheduledActionName="once",
                                         **DDB)
        self.assertEqual(error_of(self.aas.delete_scheduled_action, ResourceId="table/sched",
                                  ScheduledActionName="once", **DDB),
                         ("ObjectNotFoundException",
                          "No scheduled action found for service namespace: dynamodb, resource "
                          "ID: table/sched, scalable dimension: dynamodb:table:ReadCapacityUnits, "
                          "scheduled action name: once"))

    def test_tags(self):
        arn = self.register("tags", Tags={"env": "dev"})["ScalableTargetARN"]
        self.aas.tag_resource(ResourceARN=arn, Tags={"team": "sre", "env": "prod"})
        self.assertEqual(self.aas.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         {"env": "prod", "team": "sre"})
        self.aas.untag_resource(ResourceARN=arn, TagKeys=["env", "absent"])
        self.assertEqual(self.aas.list_tags_for_resource(ResourceARN=arn)["Tags"],
                         {"team": "sre"})
        many = {"k%02d" % i: "v" for i in range(50)}
        self.assertEqual(error_of(self.aas.tag_resource, ResourceARN=arn, Tags=many)[0],
                         "TooManyTagsException")
        unknown = arn[:-4] + "ffff"
        for op, kw in ((self.aas.list_tags_for_resource, {}),
                       (self.aas.tag_resource, {"Tags": {"a": "b"}}),
                       (self.aas.untag_resource, {"TagKeys": ["a"]})):
            self.assertEqual(error_of(op, ResourceARN=unknown, **kw)[0],
                             "ResourceNotFoundException")
        # deregistering drops the tags with the target
        self.aas.deregister_scalable_target(ResourceId="table/tags", **DDB)
        self.assertEqual(error_of(self.aas.list_tags_for_resource, ResourceARN=arn)[0],
                         "ResourceNotFoundException")


class ScheduledScaling(unittest.TestCase):
    """Scheduled actions fire on the sim clock; describe-scaling-activities lists them."""

    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=CLOCK).start()
        cls.aas = cls.ds.client("application-autoscaling")

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def activities(self, ns, **kw):
        return self.aas.describe_scaling_activities(ServiceNamespace=ns,
                                                    **kw)["ScalingActivities"]

    def cli_activities(self, which, ns):
        r = self.ds.cli(which, "application-autoscaling", "describe-scaling-activities",
                        "--service-namespace", ns, "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)["ScalingActivities"]

    def test_1_dynamodb_schedules_fire(self):
        """at, rate and cron on a target that only changes its bounds (no ECS needed)."""
        aas = self.aas
        aas.register_scalable_target(ResourceId="table/clock", MinCapacity=5, MaxCapacity=10,
                                     **DDB)
        aas.put_scheduled_action(ResourceId="table/clock", ScheduledActionName="at-5",
                                 Schedule="at(2026-01-01T00:05:00)",
                                 ScalableTargetAction={"MinCapacity": 7}, **DDB)
        aas.put_scheduled_action(ResourceId="table/clock", ScheduledActionName="every-20",
                                 Schedule="rate(20 minutes)",
                                 ScalableTargetAction={"MaxCapacity": 12}, **DDB)
        aas.put_scheduled_action(ResourceId="table/clock", ScheduledActionName="at-half-past",
                                 Schedule="cron(30 0 * * ? *)",
                                 ScalableTargetAction={"MinCapacity": 2, "MaxCapacity": 4},
                                 **DDB)
        advance(self.ds, 4 * 60)
        self.assertEqual(self.activities("dynamodb"), [])
        advance(self.ds, 60)
        acts = self.activities("dynamodb")
        self.assertEqual(len(acts), 1)
        self.assertEqual(acts[0]["Description"], "Setting min capacity to 7 and max capacity to 10")
        self.assertEqual(acts[0]["Cause"], "scheduled action name at-5 was triggered")
        self.assertEqual(acts[0]["StatusCode"], "Successful")
        self.assertEqual(acts[0]["StatusMessage"],
                         "Successfully set min capacity to 7 and max capacity to 10")
        self.assertEqual(acts[0]["StartTime"].timestamp(), T0 + 300)
        advance(self.ds, 25 * 60)  # 00:30: the rate at 00:20, the cron at 00:30
        acts = self.activities("dynamodb")
        self.assertEqual([a["Cause"] for a in acts],
                         ["scheduled action name at-half-past was triggered",
                          "scheduled action name every-20 was triggered",
                          "scheduled action name at-5 was triggered"])
        self.assertEqual(acts[0]["Description"], "Setting min capacity to 2 and max capacity to 4")
        self.assertEqual(acts[1]["Description"],
                         "Setting min capacity to 7 and max capacity to 12")
        t = aas.describe_scalable_targets(ResourceIds=["table/clock"], **DDB)["ScalableTargets"][0]
        self.assertEqual((t["MinCapacity"], t["MaxCapacity"]), (2, 4))
        # the CLIs list the same activities
        v1 = self.cli_activities("v1", "dynamodb")
        self.assertEqual([a["ActivityId"] for a in v1], [a["ActivityId"] for a in acts])
        self.assertEqual(v1[0]["StartTime"], T0 + 1800)  # v1 prints the wire's epoch number
        if harness.have_cli_v2():
            v2 = self.cli_activities("v2", "dynamodb")
            self.assertEqual([a["Cause"] for a in v2], [a["Cause"] for a in acts])
            self.assertEqual(v2[0]["StartTime"], "2026-01-01T00:30:00+00:00")

    def test_2_activity_pages(self):
        aas = self.aas
        aas.register_scalable_target(ResourceId="table/pages", MinCapacity=1, MaxCapacity=10,
                                     **DDB)
        aas.put_scheduled_action(ResourceId="table/pages", ScheduledActionName="minutely",
                                 Schedule="rate(1 minute)",
                                 ScalableTargetAction={"MaxCapacity": 9}, **DDB)
        advance(self.ds, 12 * 60)
        mine, pages = all_pages(aas.describe_scaling_activities, "ScalingActivities",
                                ServiceNamespace="dynamodb", ResourceId="table/pages",
                                ScalableDimension="dynamodb:table:ReadCapacityUnits",
                                MaxResults=5)
        self.assertEqual((len(mine), pages), (12, 3))
        starts = [a["StartTime"] for a in mine]
        self.assertEqual(starts, sorted(starts, reverse=True))
        self.assertEqual(len({a["ActivityId"] for a in mine}), 12)
        everything = self.activities("dynamodb")
        self.assertGreater(len(everything), 12)
        self.assertEqual(self.activities("dynamodb", ResourceId="table/none"), [])
        self.assertEqual(self.activities("ecs", ResourceId="table/pages"), [])
        self.assertEqual(error_of(aas.describe_scaling_activities, ServiceNamespace="dynamodb",
                                  NextToken="aas1.zz")[0], "InvalidNextTokenException")
        self.assertEqual(error_of(aas.describe_scaling_activities, ServiceNamespace="dynamodb",
                                  MaxResults=100)[0], "ValidationException")
        # the CLI follows the tokens itself
        r = self.ds.cli("v1", "application-autoscaling", "describe-scaling-activities",
                        "--service-namespace", "dynamodb", "--resource-id", "table/pages",
                        "--page-size", "5", "--output", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(json.loads(r.stdout)["ScalingActivities"]), 12)

    def test_3_ecs_schedules_scale_the_service(self):
        """Issue 3, done means 6: at / rate / cron actions move an ECS service's desired count,
        and describe-scaling-activities --service-namespace ecs lists what they did."""
        ecs = self.ds.client("ecs")
        ec2 = self.ds.client("ec2")
        ecs.create_cluster(clusterName="prod")
        ecs.register_task_definition(
            family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
            cpu="256", memory="512",
            containerDefinitions=[{"name": "app", "image": "nginx", "essential": True}])
        subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
        ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web",
                           desiredCount=2, launchType="FARGATE",
                           networkConfiguration={"awsvpcConfiguration": {"subnets": subnets[:1]}})

        def desired():
            return ecs.describe_services(cluster="prod", services=["web"])["services"][0][
                "desiredCount"]

        aas = self.aas
        now = self.ds.control("GET", "/_drill/clock")["nowMs"] / 1000.0
        aas.register_scalable_target(ResourceId="service/prod/web", MinCapacity=1,
                                     MaxCapacity=10, **ECS)
        t = aas.describe_scalable_targets(ResourceIds=["service/prod/web"], **ECS)
        self.assertEqual(t["ScalableTargets"][0]["RoleARN"],
                         "arn:aws:iam::%s:role/aws-service-role/ecs.application-autoscaling."
                         "amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
                         % ACCOUNT)
        base = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
        at = (base + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
        aas.put_scheduled_action(ResourceId="service/prod/web", ScheduledActionName="scale-out",
                                 Schedule="at(%s)" % at, ScalableTargetAction={"MinCapacity": 4},
                                 **ECS)
        aas.put_scheduled_action(ResourceId="service/prod/web", ScheduledActionName="cap",
                                 Schedule="rate(1 hour)",
                                 StartTime=base + datetime.timedelta(minutes=10),
                                 ScalableTargetAction={"MinCapacity": 1, "MaxCapacity": 3}, **ECS)
        minute = (base + datetime.timedelta(minutes=15)).minute
        aas.put_scheduled_action(ResourceId="service/prod/web", ScheduledActionName="lunch",
                                 Schedule="cron(%d * * * ? *)" % minute,
                                 ScalableTargetAction={"MinCapacity": 5, "MaxCapacity": 8}, **ECS)
        self.assertEqual(desired(), 2)
        advance(self.ds, 5 * 60)
        self.assertEqual(desired(), 4)
        advance(self.ds, 5 * 60)
        self.assertEqual(desired(), 3)
        advance(self.ds, 5 * 60)
        self.assertEqual(desired(), 5)
        acts = self.activities("ecs")
        self.assertEqual([(a["Description"], a["Cause"]) for a in acts], [
            ("Setting desired count to 5.", "minimum capacity was set to 5"),
            ("Setting min capacity to 5 and max capacity to 8",
             "scheduled action name lunch was triggered"),
            ("Setting desired count to 3.", "maximum capacity was set to 3"),
            ("Setting min capacity to 1 and max capacity to 3",
             "scheduled action name cap was triggered"),
            ("Setting desired count to 4.", "minimum capacity was set to 4"),
            ("Setting min capacity to 4 and max capacity to 10",
             "scheduled action name scale-out was triggered"),
        ])
        self.assertEqual(acts[0]["StatusMessage"],
                         "Successfully set desired count to 5. Change successfully fulfilled by "
                         "ecs.")
        self.assertTrue(all(a["StatusCode"] == "Successful" for a in acts))
        # the runbook's command, in both CLIs
        v1 = self.cli_activities("v1", "ecs")
        self.assertEqual([a["ActivityId"] for a in v1], [a["ActivityId"] for a in acts])
        if harness.have_cli_v2():
            v2 = self.cli_activities("v2", "ecs")
            self.assertEqual([a["Description"] for a in v2], [a["Description"] for a in acts])
        # registering a narrower range moves the count at once
        aas.register_scalable_target(ResourceId="service/prod/web", MinCapacity=1, MaxCapacity=4,
                                     **ECS)
        self.assertEqual(desired(), 4)
        self.assertEqual(self.activities("ecs")[0]["Cause"], "maximum capacity was set to 4")


if __name__ == "__main__":
    harness.main()
