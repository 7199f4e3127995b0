#!/usr/bin/env python3
"""Secrets Manager with boto3: every operation and its errors (issue 6).

The server runs on the manual clock, so DeletionDate, CreatedDate and the end of the recovery
window are exact.
"""
import datetime
import json
import unittest

import harness

T0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
ARN_RE = r"^arn:aws:secretsmanager:us-east-1:000000000000:secret:%s-[A-Za-z0-9]{6}$"


class Secrets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z"]).start()
        cls.sm = cls.ds.client("secretsmanager")

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def err(self, fn, **kw):
        with self.assertRaises(self.sm.exceptions.ClientError) as cm:
            fn(**kw)
        e = cm.exception.response
        return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]

    def test_create_get_describe(self):
        r = self.sm.create_secret(Name="app/db", SecretString='{"username":"u","password":"p"}',
                                  Description="the db", KmsKeyId="alias/mine",
                                  Tags=[{"Key": "env", "Value": "dev"}])
        self.assertRegex(r["ARN"], ARN_RE % "app/db")
        self.assertEqual(r["Name"], "app/db")
        v1 = r["VersionId"]
        g = self.sm.get_secret_value(SecretId="app/db")
        self.assertEqual(g["SecretString"], '{"username":"u","password":"p"}')
        self.assertEqual(g["VersionId"], v1)
        self.assertEqual(g["VersionStages"], ["AWSCURRENT"])
        self.assertEqual(g["ARN"], r["ARN"])
        self.assertEqual(g["CreatedDate"], T0)
        self.assertNotIn("SecretBinary", g)
        # by full ARN and by partial ARN (without the suffix)
        self.assertEqual(self.sm.get_secret_value(SecretId=r["ARN"])["VersionId"], v1)
        self.assertEqual(self.sm.describe_secret(SecretId=r["ARN"][:-7])["Name"], "app/db")
        d = self.sm.describe_secret(SecretId="app/db")
        self.assertEqual(d["Description"], "the db")
        self.assertEqual(d["KmsKeyId"], "alias/mine")
        self.assertEqual(d["Tags"], [{"Key": "env", "Value": "dev"}])
        self.assertEqual(d["VersionIdsToStages"], {v1: ["AWSCURRENT"]})
        self.assertEqual(d["CreatedDate"], T0)
        self.assertEqual(d["LastAccessedDate"], T0)  # read above; kept to the day
        self.assertFalse(d["RotationEnabled"])
        self.assertNotIn("DeletedDate", d)

    def test_binary_and_no_value(self):
        r = self.sm.create_secret(Name="bin", SecretBinary=b"\x00\x01\xff")
        self.assertEqual(self.sm.get_secret_value(SecretId="bin")["SecretBinary"], b"\x00\x01\xff")
        r = self.sm.create_secret(Name="empty")
        self.assertNotIn("VersionId", r)
        code, msg, status = self.err(self.sm.get_secret_value, SecretId="empty")
        self.assertEqual((code, status), ("ResourceNotFoundException", 400))
        self.assertEqual(msg, "Secrets Manager can't find the specified secret value for staging "
                              "label: AWSCURRENT")
        self.assertNotIn("VersionIdsToStages", self.sm.describe_secret(SecretId="empty"))
        code, msg, _ = self.err(self.sm.create_secret, Name="both", SecretString="s",
                                SecretBinary=b"b")
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("both a binary secret value and a string secret value", msg)

    def test_raw_binary_must_be_base64(self):
        auth = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/"
                "secretsmanager/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
        status, _, body = self.ds.raw("/", json.dumps({"Name": "raw-bin",
                                                       "SecretBinary": "!!not base64"}).encode(),
                                      {"X-Amz-Target": "secretsmanager.CreateSecret",
                                       "Content-Type": "application/x-amz-json-1.1",
                                       "Authorization": auth})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "SerializationException")
        # without a ClientRequestToken (raw callers may omit it) drillsim makes the VersionId
        status, _, body = self.ds.raw("/", json.dumps({"Name": "raw-bin",
                                                       "SecretBinary": "AAEC"}).encode(),
                                      {"X-Amz-Target": "secretsmanager.CreateSecret",
                                       "Content-Type": "application/x-amz-json-1.1",
                                       "Authorization": auth})
        self.assertEqual(status, 200, body)
        self.assertRegex(json.loads(body)["VersionId"], r"^[0-9a-f-]{36}$")
        self.assertEqual(self.sm.get_secret_value(SecretId="raw-bin")["SecretBinary"],
                         b"\x00\x01\x02")

    def test_create_idempotency(self):
        tok = "11111111-2222-3333-4444-555555555555"
        a = self.sm.create_secret(Name="idem", SecretString="v", ClientRequestToken=tok)
        b = self.sm.create_secret(Name="idem", SecretString="v", ClientRequestToken=tok)
        self.assertEqual((a["ARN"], a["VersionId"]), (b["ARN"], b["VersionId"]))
        self.assertEqual(a["VersionId"], tok)
        code, msg, _ = self.err(self.sm.create_secret, Name="idem", SecretString="other",
                                ClientRequestToken=tok)
        self.assertEqual(code, "ResourceExistsException")
        self.assertEqual(msg, "You can't modify an existing version, you can only create a new "
                              "version.")
        code, msg, _ = self.err(self.sm.create_secret, Name="idem", SecretString="v")
        self.assertEqual(code, "ResourceExistsException")
        self.assertEqual(msg, "The operation failed because the secret idem already exists.")

    def test_bad_name(self):
        code, msg, _ = self.err(self.sm.create_secret, Name="bad name", SecretString="v")
        self.assertEqual(code, "ValidationException")
        self.assertIn("Invalid name", msg)

    def test_versions_and_stages(self):
        v1 = self.sm.create_secret(Name="rot", SecretString="one")["VersionId"]
        p = self.sm.put_secret_value(SecretId="rot", SecretString="two")
        v2 = p["VersionId"]
        self.assertEqual(p["VersionStages"], ["AWSCURRENT"])
        self.assertEqual(self.sm.get_secret_value(SecretId="rot")["SecretString"], "two")
        prev = self.sm.get_secret_value(SecretId="rot", VersionStage="AWSPREVIOUS")
        self.assertEqual((prev["SecretString"], prev["VersionId"]), ("one", v1))
        self.assertEqual(self.sm.get_secret_value(SecretId="rot", VersionId=v1)["SecretString"],
                         "one")
        v3 = self.sm.put_secret_value(SecretId="rot", SecretString="three")["VersionId"]
        m = self.sm.describe_secret(SecretId="rot")["VersionIdsToStages"]
        self.assertEqual(m, {v2: ["AWSPREVIOUS"], v3: ["AWSCURRENT"]})
        # v1 lost its labels but is still readable by id
        self.assertEqual(self.sm.get_secret_value(SecretId="rot", VersionId=v1)["VersionStages"],
                         [])
        # a pending version does not move AWSCURRENT
        v4 = self.sm.put_secret_value(SecretId="rot", SecretString="four",
                                      VersionStages=["AWSPENDING"])["VersionId"]
        self.assertEqual(self.sm.get_secret_value(SecretId="rot")["VersionId"], v3)
        self.assertEqual(self.sm.get_secret_value(SecretId="rot", VersionStage="AWSPENDING")
                         ["VersionId"], v4)
        # same token, same value: same version; another value: ResourceExistsException
        again = self.sm.put_secret_value(SecretId="rot", SecretString="four",
                                         ClientRequestToken=v4, VersionStages=["AWSPENDING"])
        self.assertEqual(again["VersionId"], v4)
        code, _, _ = self.err(self.sm.put_secret_value, SecretId="rot", SecretString="x",
                              ClientRequestToken=v4)
        self.assertEqual(code, "ResourceExistsException")
        code, msg, _ = self.err(self.sm.get_secret_value, SecretId="rot",
                                VersionId="00000000-0000-0000-0000-000000000000")
        self.assertEqual(code, "ResourceNotFoundException")
        self.assertIn("VersionId: 00000000-0000-0000-0000-000000000000", msg)
        code, _, _ = self.err(self.sm.get_secret_value, SecretId="rot", VersionId=v1,
                              VersionStage="AWSCURRENT")
        self.assertEqual(code, "InvalidRequestException")
        code, _, _ = self.err(self.sm.put_secret_value, SecretId="rot")
        self.assertEqual(code, "InvalidParameterException")

    def test_update_secret(self):
        self.sm.create_secret(Name="upd", SecretString="a", Description="old")
        r = self.sm.update_secret(SecretId="upd", Description="new")
        self.assertNotIn("VersionId", r)
        d = self.sm.describe_secret(SecretId="upd")
        self.assertEqual(d["Description"], "new")
        r = self.sm.update_secret(SecretId="upd", SecretString="b")
        self.assertEqual(self.sm.get_secret_value(SecretId="upd")["VersionId"], r["VersionId"])
        self.assertEqual(self.sm.get_secret_value(SecretId="upd")["SecretString"], "b")

    def test_not_found(self):
        for fn, kw in ((self.sm.get_secret_value, {}), (self.sm.describe_secret, {}),
                       (self.sm.put_secret_value, {"SecretString": "x"}),
                       (self.sm.delete_secret, {}), (self.sm.restore_secret, {}),
                       (self.sm.update_secret, {"Description": "d"}),
                       (self.sm.tag_resource, {"Tags": [{"Key": "k", "Value": "v"}]}),
                       (self.sm.untag_resource, {"TagKeys": ["k"]})):
            code, msg, status = self.err(fn, SecretId="nope", **kw)
            self.assertEqual((code, msg, status), ("ResourceNotFoundException",
                                                   "Secrets Manager can't find the specified "
                                                   "secret.", 400))
        # another account does not see this account's secrets
        other = self.ds.client("secretsmanager", access_key="111122223333")
        self.sm.create_secret(Name="mine", SecretString="x")
        with self.assertRaises(other.exceptions.ResourceNotFoundException):
            other.describe_secret(SecretId="mine")

    def test_tags(self):
        arn = self.sm.create_secret(Name="tagged", SecretString="x")["ARN"]
        self.sm.tag_resource(SecretId=arn, Tags=[{"Key": "b", "Value": "2"},
                                                 {"Key": "a", "Value": "1"}])
        self.sm.untag_resource(SecretId="tagged", TagKeys=["b", "missing"])
        self.assertEqual(self.sm.describe_secret(SecretId="tagged")["Tags"],
                         [{"Key": "a", "Value": "1"}])
        code, _, _ = self.err(self.sm.tag_resource, SecretId="tagged",
                              Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)])
        self.assertEqual(code, "LimitExceededException")

    def test_list_secrets(self):
        for n, desc, tag in (("list/alpha", "first one", "red"), ("list/beta", "second", "blue"),
                             ("other/gamma", "third one", "red")):
            self.sm.create_secret(Name=n, SecretString="x", Description=desc,
                                  Tags=[{"Key": "color", "Value": tag}])

        def names(**kw):
            out = []
            for page in self.sm.get_paginator("list_secrets").paginate(**kw):
                out += [s["Name"] for s in page["SecretList"]]
            return [n for n in out if n.startswith(("list/", "other/"))]

        self.assertEqual(names(), ["list/alpha", "list/beta", "other/gamma"])
        self.assertEqual(names(Filters=[{"Key": "name", "Values": ["list/"]}]),
                         ["list/alpha", "list/beta"])
        self.assertEqual(names(Filters=[{"Key": "name", "Values": ["!list/"]}]), ["other/gamma"])
        self.assertEqual(names(Filters=[{"Key": "tag-value", "Values": ["red"]}]),
                         ["list/alpha", "other/gamma"])
        self.assertEqual(names(Filters=[{"Key": "tag-key", "Values": ["color"]},
                                        {"Key": "description", "Values": ["second"]}]),
                         ["list/beta"])
        self.assertEqual(names(Filters=[{"Key": "all", "Values": ["third"]}]), ["other/gamma"])
        # name is case-sensitive, description is not; "all" matches words in any case
        self.assertEqual(names(Filters=[{"Key": "name", "Values": ["List/"]}]), [])
        self.assertEqual(names(Filters=[{"Key": "description", "Values": ["FIRST"]}]),
                         ["list/alpha"])
        self.assertEqual(names(Filters=[{"Key": "all", "Values": ["Gamma"]}]), ["other/gamma"])
        self.assertEqual(names(Filters=[{"Key": "all", "Values": ["BLUE"]}]), ["list/beta"])
        self.assertEqual(names(Filters=[{"Key": "all", "Values": ["nothing here"]}]), [])
        self.assertEqual(names(SortOrder="desc"), ["other/gamma", "list/beta", "list/alpha"])
        # pagination: MaxResults 1 walks every secret once
        all_names = []
        kw = {"MaxResults": 1}
        for _ in range(100):
            page = self.sm.list_secrets(**kw)
            self.assertLessEqual(len(page["SecretList"]), 1)
            all_names += [s["Name"] for s in page["SecretList"]]
            if "NextToken" not in page:
                break
            kw["NextToken"] = page["NextToken"]
        self.assertEqual(len(all_names), len(set(all_names)))
        self.assertTrue({"list/alpha", "list/beta", "other/gamma"} <= set(all_names))
        entry = [s for s in self.sm.list_secrets()["SecretList"] if s["Name"] == "list/alpha"][0]
        self.assertEqual(list(entry["SecretVersionsToStages"].values()), [["AWSCURRENT"]])
        self.assertEqual(entry["Tags"], [{"Key": "color", "Value": "red"}])
        code, _, _ = self.err(self.sm.list_secrets, NextToken="garbage")
        self.assertEqual(code, "InvalidNextTokenException")

    def test_delete_restore_and_window(self):
        arn = self.sm.create_secret(Name="gone", SecretString="x")["ARN"]
        code, msg, _ = self.err(self.sm.delete_secret, SecretId="gone", RecoveryWindowInDays=6)
        self.assertEqual(code, "InvalidParameterException")
        self.assertIn("between 7 and 30 days", msg)
        code, _, _ = self.err(self.sm.delete_secret, SecretId="gone", RecoveryWindowInDays=7,
                              ForceDeleteWithoutRecovery=True)
        self.assertEqual(code, "InvalidParameterException")
        d = self.sm.delete_secret(SecretId="gone")
        self.assertEqual(d["DeletionDate"], T0 + datetime.timedelta(days=30))
        self.assertEqual(d["ARN"], arn)
        code, msg, _ = self.err(self.sm.get_secret_value, SecretId="gone")
        self.assertEqual((code, msg), ("InvalidRequestException",
                                       "You can't perform this operation on the secret because "
                                       "it was marked for deletion."))
        self.assertEqual(self.sm.describe_secret(SecretId="gone")["DeletedDate"], T0)
        self.assertNotIn("gone", [s["Name"] for s in self.sm.list_secrets()["SecretList"]])
        self.assertIn("gone", [s["Name"] for s in
                               self.sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]])
        code, _, _ = self.err(self.sm.create_secret, Name="gone", SecretString="y")
        self.assertEqual(code, "InvalidRequestException")
        code, _, _ = self.err(self.sm.put_secret_value, SecretId="gone", SecretString="y")
        self.assertEqual(code, "InvalidRequestException")
        r = self.sm.restore_secret(SecretId="gone")
        self.assertEqual((r["ARN"], r["Name"]), (arn, "gone"))
        self.assertEqual(self.sm.get_secret_value(SecretId="gone")["SecretString"], "x")
        # force delete: gone at once
        d = self.sm.delete_secret(SecretId="gone", ForceDeleteWithoutRecovery=True)
        self.assertEqual(d["DeletionDate"], T0)
        code, _, _ = self.err(self.sm.describe_secret, SecretId="gone")
        self.assertEqual(code, "ResourceNotFoundException")


class RecoveryWindow(unittest.TestCase):
    """The end of the recovery window on the sim clock (its own server: it moves the clock)."""

    def test_window_ends(self):
        with harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z"]) as ds:
            sm = ds.client("secretsmanager")
            sm.create_secret(Name="short", SecretString="x")
            sm.delete_secret(SecretId="short", RecoveryWindowInDays=7)
            # a day per call keeps each call short (a sanitizer build ticks slowly)
            for day in range(7):
                ds.control("POST", "/_drill/clock/advance",
                           {"seconds": 86400 - (1 if day == 6 else 0)})
            self.assertIn("DeletedDate", sm.describe_secret(SecretId="short"))
            ds.control("POST", "/_drill/clock/advance", {"seconds": 1})
            with self.assertRaises(sm.exceptions.ResourceNotFoundException):
                sm.describe_secret(SecretId="short")
            # the name is free again, with a new ARN suffix
            arn = sm.create_secret(Name="short", SecretString="y")["ARN"]
            self.assertRegex(arn, ARN_RE % "short")


if __name__ == "__main__":
    harness.main()
