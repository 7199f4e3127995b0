#!/usr/bin/env python3
"""Every implemented operation validates its input as the model says (issue 2, done means 9).

For each operation drillsim lists in /_drill/health, the botocore model of its service gives a
valid baseline input (required members filled in). Then, in turn:
  - each required member (at any depth reachable through required members) is removed;
  - each member with an enum gets a value outside it;
  - each member with a numeric range gets a value just outside it;
  - each string/list member with a maximum length gets one element/character too many;
and the reply must be the service's validation error naming that member: SSM-style services
answer ValidationException "1 validation error detected: Value ... at 'path' failed to satisfy
constraint: Member must ...", CloudWatch answers MissingParameter / InvalidParameterValue
"The parameter Path ..." — in each protocol the service speaks. boto3 runs with
parameter_validation=False so these requests reach the server.
"""
import copy
import re
import unittest

import botocore.session

import harness

# Values that satisfy members whose constraints a generic generator cannot guess
# (patterns, cross-member rules). Keyed by member name.
KNOWN = {
    "Name": "/validation/param",
    "Names": ["/validation/param"],
    "Path": "/validation",
    "Value": "v",
    "Type": "String",
    "ResourceType": "Parameter",
    "ResourceId": "/validation/param",
    "Labels": ["label1"],
    "TagKeys": ["k"],
    "Key": "Name",  # a tag key, and a key ParameterFilters accept
    "Namespace": "Validation",
    "MetricName": "m",
    "ResourceARN": "arn:aws:application-autoscaling:us-east-1:000000000000:"
                   "scalable-target/0ec2ab12cd34ef56",
    "accountIdentifiers": ["000000000000"],  # Logs: ^\d{12}$
    "Region": "us-west-2",  # Secrets Manager replica regions: ^([a-z]+-)+\d+$
    "PathPrefix": "/",  # IAM: \u002F[\u0021-\u007F]*
}

session = botocore.session.get_session()


def camel(name):
    return name[:1].lower() + name[1:]


def scalar(shape, name):
    t = shape.type_name
    if name in KNOWN and t == "string" and not shape.enum:
        return KNOWN[name]
    if t == "string":
        if shape.enum:
            return shape.enum[0]
        n = max(shape.metadata.get("min", 1), 1)
        return "a" * n
    if t in ("integer", "long"):
        return max(shape.metadata.get("min", 1), 1)
    if t in ("double", "float"):
        return float(max(shape.metadata.get("min", 1), 1))
    if t == "boolean":
        return False
    if t == "timestamp":
        return 1704067200
    if t == "blob":
        return b"a"
    raise ValueError(t)


def baseline(shape, name=None):
    """A value for shape with every required member filled in, recursively."""
    if shape.type_name == "structure":
        doc = {m: baseline(shape.members[m], m) for m in shape.required_members}
        if not doc:
            # awsQuery cannot send an empty structure: give it one scalar member
            for m, ms in shape.members.items():
                if ms.type_name == "string" and not ms.enum:
                    doc[m] = baseline(ms, m)
                    break
        return doc
    if shape.type_name == "list":
        if name in KNOWN:
            return list(KNOWN[name])
        n = max(shape.metadata.get("min", 1), 1)
        return [baseline(shape.member, None) for _ in range(n)]
    if shape.type_name == "map":
        return {"k": baseline(shape.value, None)}
    return scalar(shape, name)


def paths(shape, prefix=(), depth=0):
    """Yields (path, member shape, required) for every member, through structures and
    through the first item of lists of structures (an int in the path is a list index)."""
    if shape.type_name != "structure" or depth > 4:
        return
    for m, ms in shape.members.items():
        yield prefix + (m,), ms, m in shape.required_members
        if ms.type_name == "structure":
            yield from paths(ms, prefix + (m,), depth + 1)
        elif ms.type_name == "list" and ms.member.type_name == "structure":
            yield from paths(ms.member, prefix + (m, 0), depth + 1)


def ensure_parents(doc, shape, path):
    """Makes the containers on path exist in doc (each with its required members)."""
    for p in path[:-1]:
        if isinstance(p, int):
            shape = shape.member
            while len(doc) <= p:
                doc.append(baseline(shape))
        else:
            shape = shape.members[p]
            if p not in doc:
                doc[p] = [] if shape.type_name == "list" else baseline(shape, p)
        doc = doc[p]


def keep_nonempty(doc, shape, path):
    """If removing the member at path emptied its structure, fills in an optional scalar
    sibling: awsQuery cannot send an empty structure at all, so the item would vanish."""
    for p in path[:-1]:
        shape = shape.member if isinstance(p, int) else shape.members[p]
        doc = doc[p]
    if doc or len(path) < 2:
        return
    for m, ms in shape.members.items():
        if m != path[-1] and ms.type_name in ("string", "integer", "long", "double", "boolean"):
            doc[m] = baseline(ms, m)
            return


def set_path(doc, path, value):
    for p in path[:-1]:
        doc = doc[p]
    if value is DELETE:
        del doc[path[-1]]
    else:
        doc[path[-1]] = value


DELETE = object()


def coral_path(path):
    return ".".join("%d.member" % (p + 1) if isinstance(p, int) else camel(p) for p in path)


def query_path(op_model, path):
    shape, out = op_model.input_shape, []
    for p in path:
        if isinstance(p, int):
            out.append("%s.%d" % (shape.member.serialization.get("name", "member"), p + 1))
            shape = shape.member
        else:
            shape = shape.members[p]
            out.append(shape.serialization.get("name", p))
    return ".".join(out)


def describe(path):
    return ".".join(str(p + 1) if isinstance(p, int) else p for p in path)


def cases(op_model):
    """Yields (description, input, expected (kind, path)): each case breaks one rule."""
    base = baseline(op_model.input_shape)
    for path, ms, req in paths(op_model.input_shape):
        if req:
            doc = copy.deepcopy(base)
            ensure_parents(doc, op_model.input_shape, path)
            set_path(doc, path, DELETE)
            keep_nonempty(doc, op_model.input_shape, path)
            yield "missing " + describe(path), doc, ("null", path)
        bad = None
        if ms.type_name == "string" and ms.enum:
            bad, kind = "NotInTheEnum", "enum"
        elif ms.type_name in ("integer", "long") and "min" in ms.metadata:
            bad, kind = int(ms.metadata["min"]) - 1, "min"
        elif ms.type_name in ("integer", "long") and "max" in ms.metadata:
            bad, kind = int(ms.metadata["max"]) + 1, "max"
        elif ms.type_name == "string" and "max" in ms.metadata and ms.metadata["max"] < 5000 \
                and not ms.metadata.get("pattern"):
            bad, kind = "a" * (int(ms.metadata["max"]) + 1), "maxlen"
        elif ms.type_name == "list" and "max" in ms.metadata and ms.metadata["max"] <= 1000:
            item = baseline(ms.member, None) if path[-1] not in KNOWN else KNOWN[path[-1]][0]
            if ms.member.type_name == "structure" and not ms.member.required_members:
                item = {m: baseline(ms.member.members[m], m)
                        for m in list(ms.member.members)[:1]}
            bad, kind = [item] * (int(ms.metadata["max"]) + 1), "maxsize"
        if bad is not None:
            doc = copy.deepcopy(base)
            ensure_parents(doc, op_model.input_shape, path)
            set_path(doc, path, bad)
            yield "%s %s" % (kind, describe(path)), doc, (kind, path)


CORAL_CONSTRAINT = {
    "null": "Member must not be null",
    "enum": "Member must satisfy enum value set",
    "min": "Member must have value greater than or equal to",
    "max": "Member must have value less than or equal to",
    "maxlen": "Member must have length less than or equal to",
    "maxsize": "Member must have length less than or equal to",
}


class Validation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim().start()
        cls.health = cls.ds.control("GET", "/_drill/health")

    @classmethod
    def tearDownClass(cls):
        harness.unforce_protocol()
        cls.ds.stop()

    def call(self, client, op_model, doc):
        method = getattr(client, botocore.xform_name(op_model.name))
        try:
            method(**doc)
        except client.exceptions.ClientError as e:
            return e.response["Error"]
        return None

    def check_service(self, service, protocol=None, style="coral"):
        ops = self.health["services"][service]["operations"]
        model = session.get_service_model(service)
        if protocol:
            harness.force_protocol(protocol)
        else:
            harness.unforce_protocol()
        client = self.ds.client(service, parameter_validation=False)
        n = 0
        for op in ops:
            op_model = model.operation_model(op)
            if op_model.input_shape is None:
                continue
            for desc, doc, (kind, path) in cases(op_model):
                with self.subTest(service=service, protocol=protocol, op=op, case=desc):
                    err = self.call(client, op_model, doc)
                    self.assertIsNotNone(err, "accepted an invalid request")
                    n += 1
                    if style in ("coral", "coral-ipe", "coral-query"):
                        self.assertEqual(err["Code"], {
                            "coral": "ValidationException",
                            "coral-ipe": "InvalidParameterException",
                            "coral-query": "ValidationError"}[style])
                        self.assertRegex(err["Message"], r"^1 validation error detected: ")
                        self.assertIn("at '%s' failed to satisfy constraint: %s"
                                      % (coral_path(path), CORAL_CONSTRAINT[kind]), err["Message"])
                    else:
                        qp = query_path(op_model, path)
                        if kind == "null":
                            self.assertEqual(err["Code"], "MissingParameter")
                            self.assertEqual(err["Message"], "The parameter %s is required." % qp)
                        else:
                            self.assertEqual(err["Code"], "InvalidParameterValue")
                            word = "collection" if kind == "maxsize" else "parameter"
                            self.assertTrue(err["Message"].startswith("The %s %s " % (word, qp)),
                                            err["Message"])
        print("%s%s: %d invalid requests, each rejected as the model says"
              % (service, " (%s)" % protocol if protocol else "", n))
        return n

    def test_every_service_is_covered(self):
        # a new service must get a test method here, in the wording it answers
        covered = {"ssm", "ecs", "application-autoscaling", "ec2", "cloudwatch", "sts", "sns",
                   "logs", "secretsmanager", "iam", "rds"}
        self.assertEqual(set(self.health["services"]), covered)

    def test_ssm(self):
        self.assertGreater(self.check_service("ssm"), 30)

    def test_ecs(self):
        # ECS answers bad input with InvalidParameterException in the coral wording
        self.assertGreater(self.check_service("ecs", None, "coral-ipe"), 30)

    def test_application_autoscaling(self):
        self.assertGreater(self.check_service("application-autoscaling"), 20)

    def test_ec2(self):
        self.assertGreater(self.check_service("ec2", None, "query"), 2)

    def test_logs(self):
        # CloudWatch Logs answers model violations in the coral wording with the code
        # InvalidParameterException ("1 validation error detected: Value null at
        # 'logEvents.1.member.timestamp' ...", as AWS's replies quoted in public trackers)
        self.assertGreater(self.check_service("logs", None, "coral-ipe"), 30)

    def test_sns(self):
        # SNS answers model violations in the coral wording with the query code ValidationError
        # ("1 validation error detected: Value null at 'message' ..."), over awsQuery
        self.assertGreater(self.check_service("sns", None, "coral-query"), 10)

    def test_rds(self):
        # RDS (awsQuery) answers model violations as CloudWatch does: MissingParameter "The
        # parameter X is required." / InvalidParameterValue "The parameter X ..."
        self.assertGreater(self.check_service("rds", None, "query"), 30)

    def test_secretsmanager(self):
        # Secrets Manager answers model violations in the coral wording as ValidationException
        # ("1 validation error detected: Value ... at 'secretId' ...", as quoted in public
        # trackers: com.amazon.AWSMimirService#ValidationException)
        self.assertGreater(self.check_service("secretsmanager"), 15)

    def test_iam(self):
        # IAM answers model violations in the coral wording with the query code
        # ValidationError ("1 validation error detected: Value ... at 'roleName' failed to
        # satisfy constraint: Member must have length less than or equal to 64")
        self.assertGreater(self.check_service("iam", None, "coral-query"), 15)

    def test_cloudwatch_json(self):
        self.assertGreater(self.check_service("cloudwatch", None, "query"), 3)

    def test_cloudwatch_cbor(self):
        self.assertGreater(self.check_service("cloudwatch", "smithy-rpc-v2-cbor", "query"), 3)

    def test_cloudwatch_query(self):
        self.assertGreater(self.check_service("cloudwatch", "query", "query"), 3)


if __name__ == "__main__":
    harness.main()
