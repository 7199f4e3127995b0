#!/usr/bin/env python3
"""IAM roles with boto3: every operation and its errors (issue 6).

IAM is global: a role is visible from every region of its account, and only there.
"""
import datetime
import json
import re
import unittest
import urllib.parse

import harness

T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}
POLICY = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                         "Resource": "*"}]}


class Iam(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z"]).start()
        cls.iam = cls.ds.client("iam")

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def err(self, fn, **kw):
        with self.assertRaises(self.iam.exceptions.ClientError) as cm:
            fn(**kw)
        e = cm.exception.response
        return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]

    def role(self, name, **kw):
        return self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST),
                                    **kw)["Role"]

    def test_create_and_get(self):
        r = self.role("proxy-role", Path="/service/", Description="for the proxy",
                      MaxSessionDuration=7200, Tags=[{"Key": "team", "Value": "db"}])
        self.assertEqual(r["Arn"], "arn:aws:iam::000000000000:role/service/proxy-role")
        self.assertRegex(r["RoleId"], r"^AROA[A-Z0-9]{17}$")
        self.assertEqual(r["Path"], "/service/")
        self.assertEqual(r["CreateDate"], T0)
        self.assertEqual(r["AssumeRolePolicyDocument"], TRUST)  # botocore decodes it
        self.assertEqual(r["Tags"], [{"Key": "team", "Value": "db"}])
        g = self.iam.get_role(RoleName="proxy-role")["Role"]
        self.assertEqual(g["RoleId"], r["RoleId"])
        self.assertEqual(g["Description"], "for the proxy")
        self.assertEqual(g["MaxSessionDuration"], 7200)
        self.assertEqual(g["Tags"], [{"Key": "team", "Value": "db"}])
        self.assertEqual(g["AssumeRolePolicyDocument"], TRUST)
        # names are case-insensitive
        self.assertEqual(self.iam.get_role(RoleName="PROXY-ROLE")["Role"]["RoleName"],
                         "proxy-role")
        code, msg, status = self.err(self.role, name="Proxy-Role")
        self.assertEqual((code, status), ("EntityAlreadyExists", 409))
        self.assertEqual(msg, "Role with name Proxy-Role already exists.")

    def test_document_is_url_encoded_on_the_wire(self):
        self.role("wire-role")
        bodies = []
        client = self.ds.client("iam")
        client.meta.events.register(
            "after-call.iam.GetRole",
            lambda http_response, **kw: bodies.append(http_response.content.decode()))
        client.get_role(RoleName="wire-role")
        r = bodies[0]
        m = re.search(r"<AssumeRolePolicyDocument>([^<]*)</AssumeRolePolicyDocument>", r)
        self.assertIsNotNone(m, r)
        self.assertTrue(m.group(1).startswith("%7B%22Version%22%3A%20%222012-10-17%22"), m.group(1))
        self.assertEqual(json.loads(urllib.parse.unquote(m.group(1))), TRUST)
        self.assertIn('<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">', r)
        self.assertIn("<GetRoleResult><Role>", r)

    def test_get_missing(self):
        code, msg, status = self.err(self.iam.get_role, RoleName="ghost")
        self.assertEqual((code, msg, status),
                         ("NoSuchEntity", "The role with name ghost cannot be found.", 404))

    def test_global_and_per_account(self):
        self.role("everywhere")
        west = self.ds.client("iam", region="eu-west-1")
        self.assertEqual(west.get_role(RoleName="everywhere")["Role"]["RoleName"], "everywhere")
        other = self.ds.client("iam", access_key="111122223333")
        with self.assertRaises(other.exceptions.NoSuchEntityException):
            other.get_role(RoleName="everywhere")

    def test_malformed_trust_policies(self):
        cases = (
            ("not json", "This policy contains invalid Json"),
            ('{"Version":"2012-10-17"}', "Syntax errors in policy."),
            ('{"Version":"2011-01-01","Statement":[]}',
             "The policy must contain a valid version string"),
            (json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "sts:AssumeRole",
                 "Resource": "*"}]}), "Has prohibited field Resource"),
            (json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole"}]}),
             "Missing required field Principal"),
        )
        for doc, text in cases:
            with self.subTest(doc=doc):
                code, msg, status = self.err(self.iam.create_role, RoleName="bad",
                                             AssumeRolePolicyDocument=doc)
                self.assertEqual((code, msg, status), ("MalformedPolicyDocument", text, 400))
        self.assertEqual(self.err(self.iam.get_role, RoleName="bad")[0], "NoSuchEntity")

    def test_list_roles(self):
        for n in ("lr-c", "lr-a", "lr-b"):
            self.role(n, Path="/list/")
        self.role("lr-elsewhere", Path="/other/")
        r = self.iam.list_roles(PathPrefix="/list/")
        self.assertEqual([x["RoleName"] for x in r["Roles"]], ["lr-a", "lr-b", "lr-c"])
        self.assertFalse(r["IsTruncated"])
        self.assertNotIn("Tags", r["Roles"][0])
        p1 = self.iam.list_roles(PathPrefix="/list/", MaxItems=2)
        self.assertTrue(p1["IsTruncated"])
        self.assertEqual(len(p1["Roles"]), 2)
        p2 = self.iam.list_roles(PathPrefix="/list/", MaxItems=2, Marker=p1["Marker"])
        self.assertEqual([x["RoleName"] for x in p2["Roles"]], ["lr-c"])
        self.assertFalse(p2["IsTruncated"])
        names = []
        for page in self.iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 1}):
            names += [x["RoleName"] for x in page["Roles"]]
        self.assertEqual(names, sorted(names, key=str.lower))
        self.assertTrue({"lr-a", "lr-b", "lr-c", "lr-elsewhere"} <= set(names))

    def test_managed_policies_and_delete(self):
        self.role("att")
        ro = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        rds = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
        self.iam.attach_role_policy(RoleName="att", PolicyArn=ro)
        self.iam.attach_role_policy(RoleName="att", PolicyArn=rds)
        self.iam.attach_role_policy(RoleName="att", PolicyArn=ro)  # again: no change
        a = self.iam.list_attached_role_policies(RoleName="att")
        self.assertEqual(a["AttachedPolicies"], [
            {"PolicyName": "ReadOnlyAccess", "PolicyArn": ro},
            {"PolicyName": "AmazonRDSEnhancedMonitoringRole", "PolicyArn": rds}])
        self.assertFalse(a["IsTruncated"])
        a = self.iam.list_attached_role_policies(RoleName="att", PathPrefix="/service-role/")
        self.assertEqual([p["PolicyArn"] for p in a["AttachedPolicies"]], [rds])
        code, msg, status = self.err(self.iam.attach_role_policy, RoleName="att",
                                     PolicyArn="arn:aws:iam::000000000000:policy/mine")
        self.assertEqual((code, status), ("NoSuchEntity", 404))
        self.assertEqual(msg, "Policy arn:aws:iam::000000000000:policy/mine does not exist or is "
                              "not attachable.")
        code, _, _ = self.err(self.iam.attach_role_policy, RoleName="att",
                              PolicyArn="not-an-arn-at-all-really")
        self.assertEqual(code, "InvalidInput")
        code, _, _ = self.err(self.iam.attach_role_policy, RoleName="ghost", PolicyArn=ro)
        self.assertEqual(code, "NoSuchEntity")
        code, msg, status = self.err(self.iam.delete_role, RoleName="att")
        self.assertEqual((code, msg, status), ("DeleteConflict", "Cannot delete entity, must "
                                               "detach all policies first.", 409))
        self.iam.detach_role_policy(RoleName="att", PolicyArn=ro)
        self.iam.detach_role_policy(RoleName="att", PolicyArn=rds)
        code, msg, _ = self.err(self.iam.detach_role_policy, RoleName="att", PolicyArn=ro)
        self.assertEqual((code, msg), ("NoSuchEntity", "Policy %s was not found." % ro))
        self.iam.delete_role(RoleName="att")
        self.assertEqual(self.err(self.iam.get_role, RoleName="att")[0], "NoSuchEntity")
        self.assertEqual(self.err(self.iam.delete_role, RoleName="att")[0], "NoSuchEntity")

    def test_attach_quota(self):
        self.role("many")
        for i in range(10):
            self.iam.attach_role_policy(RoleName="many", PolicyArn="arn:aws:iam::aws:policy/P%d" % i)
        code, msg, _ = self.err(self.iam.attach_role_policy, RoleName="many",
                                PolicyArn="arn:aws:iam::aws:policy/P10")
        self.assertEqual((code, msg), ("LimitExceeded",
                                       "Cannot exceed quota for PoliciesPerRole: 10"))

    def test_inline_policies(self):
        self.role("inl")
        self.iam.put_role_policy(RoleName="inl", PolicyName="read-secret",
                                 PolicyDocument=json.dumps(POLICY))
        self.iam.put_role_policy(RoleName="inl", PolicyName="another",
                                 PolicyDocument=json.dumps(POLICY))
        g = self.iam.get_role_policy(RoleName="inl", PolicyName="read-secret")
        self.assertEqual((g["RoleName"], g["PolicyName"], g["PolicyDocument"]),
                         ("inl", "read-secret", POLICY))
        self.assertEqual(self.iam.list_role_policies(RoleName="inl")["PolicyNames"],
                         ["another", "read-secret"])
        p = self.iam.list_role_policies(RoleName="inl", MaxItems=1)
        self.assertEqual((p["PolicyNames"], p["IsTruncated"]), (["another"], True))
        p = self.iam.list_role_policies(RoleName="inl", MaxItems=1, Marker=p["Marker"])
        self.assertEqual((p["PolicyNames"], p["IsTruncated"]), (["read-secret"], False))
        code, msg, _ = self.err(self.iam.put_role_policy, RoleName="inl", PolicyName="x",
                                PolicyDocument=json.dumps(TRUST))
        self.assertEqual((code, msg), ("MalformedPolicyDocument", "Has prohibited field Principal"))
        code, msg, _ = self.err(self.iam.put_role_policy, RoleName="inl", PolicyName="x",
                                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                                    {"Effect": "Allow", "Action": "s3:*"}]}))
        self.assertEqual(msg, "Policy statement must contain resources.")
        big = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/" + "k" * 9000}]}
        self.iam.put_role_policy(RoleName="inl", PolicyName="big1", PolicyDocument=json.dumps(big))
        code, msg, _ = self.err(self.iam.put_role_policy, RoleName="inl", PolicyName="big2",
                                PolicyDocument=json.dumps(big))
        self.assertEqual((code, msg), ("LimitExceeded",
                                       "Maximum policy size of 10240 bytes exceeded for role inl"))
        self.iam.delete_role_policy(RoleName="inl", PolicyName="big1")
        code, msg, status = self.err(self.iam.get_role_policy, RoleName="inl", PolicyName="nope")
        self.assertEqual((code, msg, status), ("NoSuchEntity", "The role policy with name nope "
                                               "cannot be found.", 404))
        self.assertEqual(self.err(self.iam.delete_role_policy, RoleName="inl",
                                  PolicyName="nope")[0], "NoSuchEntity")
        code, msg, _ = self.err(self.iam.delete_role, RoleName="inl")
        self.assertEqual((code, msg), ("DeleteConflict",
                                       "Cannot delete entity, must delete policies first."))
        self.iam.delete_role_policy(RoleName="inl", PolicyName="another")
        self.iam.delete_role_policy(RoleName="inl", PolicyName="read-secret")
        self.iam.delete_role(RoleName="inl")

    def test_tags(self):
        self.role("tg", Tags=[{"Key": "a", "Value": "1"}])
        self.iam.tag_role(RoleName="tg", Tags=[{"Key": "b", "Value": "2"},
                                               {"Key": "A", "Value": "one"}])
        t = self.iam.list_role_tags(RoleName="tg")
        self.assertEqual(t["Tags"], [{"Key": "A", "Value": "one"}, {"Key": "b", "Value": "2"}]
                         if t["Tags"][0]["Key"] == "A" else
                         [{"Key": "a", "Value": "one"}, {"Key": "b", "Value": "2"}])
        self.assertFalse(t["IsTruncated"])
        p = self.iam.list_role_tags(RoleName="tg", MaxItems=1)
        self.assertTrue(p["IsTruncated"])
        p2 = self.iam.list_role_tags(RoleName="tg", MaxItems=1, Marker=p["Marker"])
        self.assertEqual([x["Key"] for x in p2["Tags"]], ["b"])
        self.iam.untag_role(RoleName="tg", TagKeys=["B"])
        self.assertEqual(len(self.iam.list_role_tags(RoleName="tg")["Tags"]), 1)
        code, _, _ = self.err(self.iam.tag_role, RoleName="tg",
                              Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)])
        self.assertEqual(code, "LimitExceeded")
        self.assertEqual(len(self.iam.list_role_tags(RoleName="tg")["Tags"]), 1)
        code, _, _ = self.err(self.iam.tag_role, RoleName="tg",
                              Tags=[{"Key": "aws:x", "Value": "v"}])
        self.assertEqual(code, "InvalidInput")
        self.assertEqual(self.err(self.iam.list_role_tags, RoleName="ghost")[0], "NoSuchEntity")


if __name__ == "__main__":
    harness.main()
