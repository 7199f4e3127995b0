"""test_ssm.py - SSM Parameter Store through boto3: every operation and the rules AWS applies.

One drillsim serves the whole file. Each test works under its own name prefix, so the tests
do not see each other's parameters; tests that list whole accounts use their own access key
(account) or region. Requests that botocore would refuse before sending go through a client
made with parameter_validation=False.
"""
import datetime
import json
import time
import unittest

import botocore.exceptions

import harness

ds = None

BAD_NAME = (
    "Parameter name: can't be prefixed with \"ssm\" (case-insensitive). If formed as a path, it "
    "can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of "
    "letters, numbers and the following 3 symbols .-_")
BAD_PATH_PREFIX = "The parameter doesn't meet the parameter name requirements."


def setUpModule():
    global ds
    ds = harness.Drillsim().start()


def tearDownModule():
    ds.stop()


def ssm(**kw):
    return ds.client("ssm", **kw)


def raw_ssm(**kw):
    """A client whose requests botocore does not validate before sending."""
    return ds.client("ssm", parameter_validation=False, **kw)


class SsmCase(unittest.TestCase):
    def setUp(self):
        self.c = ssm()

    def assertError(self, fn, code, message=None, contains=None, status=400):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn()
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, cm.exception)
        if message is not None:
            self.assertEqual(err.get("Message", ""), message)
        if contains is not None:
            self.assertIn(contains, err.get("Message", ""))
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        return err

    def put(self, name, value="v", type_="String", client=None, **kw):
        return (client or self.c).put_parameter(Name=name, Value=value, Type=type_, **kw)


def sim_now():
    """The server's clock, from the control API (ISO 8601 with milliseconds)."""
    now = ds.control("GET", "/_drill/health")["clock"]["now"]
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if "." in now else "%Y-%m-%dT%H:%M:%SZ"
    return datetime.datetime.strptime(now, fmt).replace(tzinfo=datetime.timezone.utc)


class PutGetTest(SsmCase):
    def test_put_get_versions_and_overwrite(self):
        r = self.put("/pg/a", "one")
        self.assertEqual((r["Version"], r["Tier"]), (1, "Standard"))
        self.assertError(lambda: self.put("/pg/a", "two"), "ParameterAlreadyExists",
                         "The parameter already exists. To overwrite this value, set the "
                         "overwrite option in the request to true.")
        r = self.put("/pg/a", "two", Overwrite=True)
        self.assertEqual(r["Version"], 2)
        p = self.c.get_parameter(Name="/pg/a")["Parameter"]
        self.assertEqual(p["Value"], "two")
        self.assertEqual(p["Version"], 2)
        self.assertEqual(p["Type"], "String")
        self.assertEqual(p["DataType"], "text")
        self.assertEqual(p["Name"], "/pg/a")
        self.assertNotIn("Selector", p)
        self.assertEqual(p["ARN"], "arn:aws:ssm:us-east-1:000000000000:parameter/pg/a")

    def test_plain_name_arn_and_spaces_trimmed(self):
        self.put("  pgplain  ", "x")
        p = self.c.get_parameter(Name="pgplain ")["Parameter"]
        self.assertEqual(p["Name"], "pgplain")
        self.assertEqual(p["ARN"], "arn:aws:ssm:us-east-1:000000000000:parameter/pgplain")

    def test_timestamps_come_from_the_sim_clock(self):
        before = sim_now()
        self.put("/pg/time", "1")
        after = sim_now()
        p = self.c.get_parameter(Name="/pg/time")["Parameter"]
        self.assertLessEqual(before, p["LastModifiedDate"])
        self.assertLessEqual(p["LastModifiedDate"], after)
        time.sleep(0.01)
        self.put("/pg/time", "2", Overwrite=True)
        h = self.c.get_parameter_history(Name="/pg/time")["Parameters"]
        self.assertLess(h[0]["LastModifiedDate"], h[1]["LastModifiedDate"])

    def test_wire_form_is_epoch_seconds(self):
        self.put("/pg/wire", "w")
        status, _, body = ds.raw(body=json.dumps({"Name": "/pg/wire"}).encode(), headers={
            "X-Amz-Target": "AmazonSSM.GetParameter",
            "Content-Type": "application/x-amz-json-1.1"})
        self.assertEqual(status, 200)
        p = json.loads(body)["Parameter"]
        self.assertIsInstance(p["LastModifiedDate"], (int, float))
        self.assertLess(abs(p["LastModifiedDate"] - time.time()), 3600)
        self.assertIsInstance(p["Version"], int)

    def test_type_is_required_on_create_only(self):
        self.assertError(lambda: self.c.put_parameter(Name="/pg/notype", Value="v"),
                         "ValidationException",
                         "A parameter type is required when you create a parameter.")
        self.put("/pg/keep", "s1", "SecureString", KeyId="alias/custom")
        self.c.put_parameter(Name="/pg/keep", Value="s2", Overwrite=True)
        p = self.c.get_parameter(Name="/pg/keep", WithDecryption=True)["Parameter"]
        self.assertEqual((p["Type"], p["Value"]), ("SecureString", "s2"))
        meta = self.c.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": ["/pg/keep"]}])["Parameters"][0]
        self.assertEqual(meta["KeyId"], "alias/custom")

    def test_type_may_change_on_overwrite(self):
        self.put("/pg/retype", "a,b", "StringList")
        self.put("/pg/retype", "secret", "SecureString", Overwrite=True)
        p = self.c.get_parameter(Name="/pg/retype", WithDecryption=True)["Parameter"]
        self.assertEqual((p["Type"], p["Value"], p["Version"]), ("SecureString", "secret", 2))
        self.put("/pg/retype", "plain", "String", Overwrite=True)
        meta = self.c.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": ["/pg/retype"]}])["Parameters"][0]
        self.assertEqual(meta["Type"], "String")
        self.assertNotIn("KeyId", meta)

    def test_description_and_pattern_carry_over(self):
        self.put("/pg/desc", "12", Description="the answer", AllowedPattern="^\\d+$")
        self.c.put_parameter(Name="/pg/desc", Value="13", Overwrite=True)
        self.assertError(lambda: self.c.put_parameter(Name="/pg/desc", Value="x", Overwrite=True),
                         "ParameterPatternMismatchException",
                         "Parameter value, cannot be validated against allowedPattern: ^\\d+$")
        meta = self.c.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": ["/pg/desc"]}])["Parameters"][0]
        self.assertEqual(meta["Description"], "the answer")
        self.assertEqual(meta["AllowedPattern"], "^\\d+$")
        self.assertEqual(meta["Version"], 2)

    def test_unknown_parameter(self):
        err = self.assertError(lambda: self.c.get_parameter(Name="/pg/nope"), "ParameterNotFound")
        self.assertEqual(err.get("Message", ""), "")


class NameRulesTest(SsmCase):
    def test_bad_names(self):
        for name in ["a b", "a/b", "/a//b", "/a/", "{x}-y", "semi;colon", "/tab\tin"]:
            with self.subTest(name=name):
                self.assertError(lambda: self.put(name), "ValidationException", BAD_NAME)

    def test_reserved_prefixes(self):
        for name in ["aws-thing", "SSMthing", "/awsx", "/Ssm"]:
            with self.subTest(name=name):
                self.assertError(lambda: self.put(name), "ValidationException",
                                 "Parameter name: can't be prefixed with \"aws\" or \"ssm\" "
                                 "(case-insensitive).")
        self.assertError(lambda: self.put("/aws/mine"), "AccessDeniedException",
                         "No access to reserved parameter name: /aws/mine.")
        self.assertError(lambda: self.put("/ssm/mine"), "ValidationException", BAD_NAME)
        # A name that merely contains aws is fine.
        self.put("/nr/myaws", "ok")

    def test_hierarchy_depth(self):
        fifteen = "".join("/l%d" % i for i in range(15))
        self.assertEqual(self.put(fifteen)["Version"], 1)
        self.assertError(lambda: self.put(fifteen + "/l15"),
                         "HierarchyLevelLimitExceededException", contains="maximum of 15 levels")

    def test_name_length_counts_the_arn(self):
        prefix = "arn:aws:ssm:us-east-1:000000000000:parameter/"
        room = 1011 - len(prefix)
        self.assertEqual(self.put("/" + "n" * room)["Version"], 1)
        self.assertError(lambda: self.put("/" + "n" * (room + 1)), "ValidationException",
                         contains="1011")

    def test_reads_check_names_too(self):
        self.assertError(lambda: self.c.get_parameter(Name="xxx/yyy"), "ValidationException",
                         BAD_NAME)
        self.assertError(lambda: self.c.delete_parameter(Name="a b"), "ValidationException",
                         BAD_NAME)
        # Public parameters live under /aws: reading there is allowed (and finds nothing).
        self.assertError(lambda: self.c.get_parameter(Name="/aws/service/x"), "ParameterNotFound")


class ValueAndTierTest(SsmCase):
    def test_empty_value(self):
        self.assertError(lambda: self.put("/vt/empty", ""), "ValidationException",
                         "1 validation error detected: Value at 'value' failed to satisfy "
                         "constraint: Member must have length greater than or equal to 1")

    def test_no_nested_parameters(self):
        self.assertError(lambda: self.put("/vt/nest", "x{{ssm:/other}}y"), "ValidationException",
                         "Parameter value can't nest another parameter. Do not use \"{{}}\" in "
                         "the value.")
        self.assertEqual(self.put("/vt/nest", "}} then {{")["Version"], 1)

    def test_standard_limit(self):
        self.assertEqual(self.put("/vt/s4096", "x" * 4096)["Tier"], "Standard")
        self.assertError(lambda: self.put("/vt/s4097", "x" * 4097), "ValidationException",
                         contains="Standard tier parameters support a maximum parameter value "
                                  "of 4096 characters.")
        self.assertError(lambda: self.put("/vt/s4097", "x" * 4097, Tier="Standard"),
                         "ValidationException", contains="4096 characters")
        # characters, not bytes
        self.assertEqual(self.put("/vt/utf", "\u00e9" * 4096)["Tier"], "Standard")

    def test_advanced_limit(self):
        self.assertEqual(self.put("/vt/a8192", "x" * 8192, Tier="Advanced")["Tier"], "Advanced")
        self.assertError(lambda: self.put("/vt/a8193", "x" * 8193, Tier="Advanced"),
                         "ValidationException", contains="8192")

    def test_intelligent_tiering(self):
        self.assertEqual(self.put("/vt/it1", "small", Tier="Intelligent-Tiering")["Tier"],
                         "Standard")
        self.assertEqual(self.put("/vt/it2", "x" * 5000, Tier="Intelligent-Tiering")["Tier"],
                         "Advanced")
        meta = self.c.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": ["/vt/it2"]}])["Parameters"][0]
        self.assertEqual(meta["Tier"], "Advanced")

    def test_no_downgrade(self):
        self.put("/vt/adv", "v", Tier="Advanced")
        self.assertError(lambda: self.put("/vt/adv", "w", Tier="Standard", Overwrite=True),
                         "ValidationException", contains="can't downgrade")
        # Without a Tier the parameter stays Advanced; Intelligent-Tiering does not downgrade.
        self.assertEqual(self.put("/vt/adv", "w", Overwrite=True)["Tier"], "Advanced")
        self.assertEqual(
            self.put("/vt/adv", "x", Overwrite=True, Tier="Intelligent-Tiering")["Tier"],
            "Advanced")
        # Standard -> Advanced is an upgrade and allowed.
        self.put("/vt/std", "v")
        self.assertEqual(self.put("/vt/std", "w", Tier="Advanced", Overwrite=True)["Tier"],
                         "Advanced")

    def test_tags_and_overwrite(self):
        self.assertError(
            lambda: self.put("/vt/tagow", Overwrite=True, Tags=[{"Key": "k", "Value": "v"}]),
            "ValidationException",
            "Invalid request: tags and overwrite can't be used together. To create a parameter "
            "with tags, please remove overwrite flag. To update tags for an existing parameter, "
            "please use AddTagsToResource or RemoveTagsFromResource.")

    def test_allowed_pattern(self):
        self.put("/vt/pat", "abc123", AllowedPattern="[a-z]+[0-9]+")
        # The pattern must match the whole value.
        self.assertError(lambda: self.put("/vt/pat2", "abc123!", AllowedPattern="[a-z]+[0-9]+"),
                         "ParameterPatternMismatchException",
                         "Parameter value, cannot be validated against allowedPattern: "
                         "[a-z]+[0-9]+")
        self.assertError(lambda: self.put("/vt/pat3", "x", AllowedPattern="(unclosed"),
                         "InvalidAllowedPatternException",
                         contains="The request doesn't meet the regular expression requirement")
        # A catastrophic pattern fails instead of hanging the server.
        self.assertError(lambda: self.put("/vt/pat4", "a" * 40 + "!", AllowedPattern="(a+)+$"),
                         "ParameterPatternMismatchException")

    def test_key_id(self):
        self.assertError(lambda: self.put("/vt/kid", KeyId="alias/x"), "ValidationException",
                         contains="KeyId")
        self.put("/vt/sec", "s", "SecureString")
        self.put("/vt/sec2", "s", "SecureString", KeyId="arn:aws:kms:us-east-1:000000000000:"
                                                        "key/1234abcd-12ab-34cd-56ef-1234567890ab")
        metas = self.c.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/vt/sec"]}]
        )["Parameters"]
        self.assertEqual([m["KeyId"] for m in metas],
                         ["alias/aws/ssm", "arn:aws:kms:us-east-1:000000000000:"
                                           "key/1234abcd-12ab-34cd-56ef-1234567890ab"])

    def test_data_types(self):
        self.assertError(lambda: self.put("/vt/dt", DataType="Text"), "ValidationException",
                         "The following data type is not supported: Text (Data type names are "
                         "all lowercase.)")
        r = self.put("/vt/ami", "ami-0123456789abcdef0", DataType="aws:ec2:image")
        self.assertEqual(r["Version"], 1)
        p = self.c.get_parameter(Name="/vt/ami")["Parameter"]
        self.assertEqual(p["DataType"], "aws:ec2:image")
        self.put("/vt/ami", "ami-12345678", DataType="aws:ec2:image", Overwrite=True)
        self.assertEqual(self.c.get_parameter(Name="/vt/ami")["Parameter"]["Value"], "ami-12345678")
        # AWS validates AMI IDs asynchronously: HTTP 200, but nothing is created or updated.
        r = self.put("/vt/ami", "not-an-ami", DataType="aws:ec2:image", Overwrite=True)
        self.assertEqual(r["Version"], 3)
        p = self.c.get_parameter(Name="/vt/ami")["Parameter"]
        self.assertEqual((p["Value"], p["Version"]), ("ami-12345678", 2))
        self.put("/vt/ami-new", "ami-XYZ", DataType="aws:ec2:image")
        self.assertError(lambda: self.c.get_parameter(Name="/vt/ami-new"), "ParameterNotFound")
        self.assertError(lambda: self.put("/vt/ami-sec", "ami-12345678", "SecureString",
                                          DataType="aws:ec2:image"),
                         "ValidationException", contains="aws:ec2:image")

    def test_policies(self):
        exp = {"Type": "Expiration", "Version": "1.0",
               "Attributes": {"Timestamp": "2030-01-01T00:00:00.000Z"}}
        nochange = {"Type": "NoChangeNotification", "Version": "1.0",
                    "Attributes": {"After": "20", "Unit": "Days"}}
        r = self.put("/vt/pol", Tier="Advanced", Policies=json.dumps([exp, nochange]))
        self.assertEqual(r["Tier"], "Advanced")
        meta = self.c.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": ["/vt/pol"]}])["Parameters"][0]
        self.assertEqual([p["PolicyType"] for p in meta["Policies"]],
                         ["Expiration", "NoChangeNotification"])
        self.assertEqual({p["PolicyStatus"] for p in meta["Policies"]}, {"Pending"})
        self.assertEqual(json.loads(meta["Policies"][0]["PolicyText"]), exp)
        self.assertEqual(self.put("/vt/pol-it", Tier="Intelligent-Tiering",
                                  Policies=json.dumps([exp]))["Tier"], "Advanced")
        self.assertError(lambda: self.put("/vt/pol-std", Policies=json.dumps([exp])),
                         "ValidationException", contains="policies")
        self.assertError(lambda: self.put("/vt/pol2", Tier="Advanced", Policies="{not json"),
                         "InvalidPolicyAttributeException")
        self.assertError(lambda: self.put("/vt/pol2", Tier="Advanced",
                                          Policies=json.dumps([{"Type": "Nope"}])),
                         "InvalidPolicyTypeException")
        self.assertError(lambda: self.put("/vt/pol2", Tier="Advanced",
                                          Policies=json.dumps([exp, exp])),
                         "IncompatiblePolicyException")
        self.assertError(lambda: self.put("/vt/pol2", Tier="Advanced",
                                          Policies=json.dumps([nochange] * 11)),
                         "PoliciesLimitExceededException")
        # Policies stay until replaced; an empty array clears them.
        self.put("/vt/pol", "w", Overwrite=True)
        meta = self.c.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": ["/vt/pol"]}])["Parameters"][0]
        self.assertEqual(len(meta["Policies"]), 2)
        self.put("/vt/pol", "x", Overwrite=True, Policies="[]")
        meta = self.c.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": ["/vt/pol"]}])["Parameters"][0]
        self.assertEqual(meta["Policies"], [])


class SecureStringTest(SsmCase):
    def test_values_hidden_unless_decrypted(self):
        self.put("/sec/db/password", "hunter2", "SecureString")
        self.put("/sec/db/user", "admin", "String")
        hidden = self.c.get_parameter(Name="/sec/db/password")["Parameter"]["Value"]
        self.assertNotEqual(hidden, "hunter2")
        self.assertNotIn("hunter2", hidden)
        self.assertEqual(self.c.get_parameter(Name="/sec/db/password")["Parameter"]["Value"],
                         hidden)  # deterministic
        self.assertEqual(self.c.get_parameter(Name="/sec/db/password", WithDecryption=True)
                         ["Parameter"]["Value"], "hunter2")
        # WithDecryption is ignored for String.
        self.assertEqual(self.c.get_parameter(Name="/sec/db/user", WithDecryption=False)
                         ["Parameter"]["Value"], "admin")
        got = self.c.get_parameters(Names=["/sec/db/password", "/sec/db/user"])["Parameters"]
        self.assertEqual([p["Value"] for p in got], [hidden, "admin"])
        got = self.c.get_parameters(Names=["/sec/db/password"], WithDecryption=True)
        self.assertEqual(got["Parameters"][0]["Value"], "hunter2")
        by_path = self.c.get_parameters_by_path(Path="/sec/db")["Parameters"]
        self.assertEqual([p["Value"] for p in by_path], [hidden, "admin"])
        by_path = self.c.get_parameters_by_path(Path="/sec/db", WithDecryption=True)
        self.assertEqual([p["Value"] for p in by_path["Parameters"]], ["hunter2", "admin"])
        hist = self.c.get_parameter_history(Name="/sec/db/password")["Parameters"]
        self.assertEqual(hist[0]["Value"], hidden)
        self.assertEqual(hist[0]["KeyId"], "alias/aws/ssm")
        hist = self.c.get_parameter_history(Name="/sec/db/password", WithDecryption=True)
        self.assertEqual(hist["Parameters"][0]["Value"], "hunter2")


class SelectorTest(SsmCase):
    def setUp(self):
        super().setUp()
        if not getattr(SelectorTest, "_made", False):
            for v in ["v1", "v2", "v3"]:
                self.put("/sel/p", v, Overwrite=True)
            self.c.label_parameter_version(Name="/sel/p", ParameterVersion=2, Labels=["prod"])
            SelectorTest._made = True

    def test_version_and_label(self):
        p = self.c.get_parameter(Name="/sel/p:1")["Parameter"]
        self.assertEqual((p["Name"], p["Value"], p["Version"], p["Selector"]),
                         ("/sel/p", "v1", 1, ":1"))
        p = self.c.get_parameter(Name="/sel/p:prod")["Parameter"]
        self.assertEqual((p["Value"], p["Version"], p["Selector"]), ("v2", 2, ":prod"))
        self.assertError(lambda: self.c.get_parameter(Name="/sel/p:9"),
                         "ParameterVersionNotFound",
                         "Systems Manager could not find version 9 of /sel/p. Verify the "
                         "version and try again.")
        self.assertError(lambda: self.c.get_parameter(Name="/sel/p:nolabel"), "ParameterNotFound")
        self.assertError(lambda: self.c.get_parameter(Name="/sel/p:"), "ParameterNotFound")
        self.assertError(lambda: self.c.get_parameter(Name="/sel/p:1:2"), "ParameterNotFound")
        self.assertError(lambda: self.c.get_parameter(Name="/sel/nope:1"), "ParameterNotFound")

    def test_arn_as_name(self):
        arn = "arn:aws:ssm:us-east-1:000000000000:parameter/sel/p"
        p = self.c.get_parameter(Name=arn)["Parameter"]
        self.assertEqual((p["Name"], p["Value"]), ("/sel/p", "v3"))
        self.assertEqual(self.c.get_parameter(Name=arn + ":1")["Parameter"]["Value"], "v1")
        other = "arn:aws:ssm:us-east-1:111111111111:parameter/sel/p"
        self.assertError(lambda: self.c.get_parameter(Name=other), "ParameterNotFound")

    def test_get_parameters(self):
        self.put("/sel/a", "a")
        r = self.c.get_parameters(Names=["/sel/p:prod", "/sel/nope", "/sel/a", "/sel/p:7",
                                         "/sel/p:ghost", "/sel/p", "bad name", "/sel/a"])
        self.assertEqual([(p["Name"], p.get("Selector")) for p in r["Parameters"]],
                         [("/sel/a", None), ("/sel/p", None), ("/sel/p", ":prod")])
        self.assertEqual(r["InvalidParameters"],
                         ["/sel/nope", "/sel/p:7", "/sel/p:ghost", "bad name"])
        r = self.c.get_parameters(Names=["/sel/a"])
        self.assertEqual(r["InvalidParameters"], [])
        self.assertError(lambda: raw_ssm().get_parameters(Names=["/x%d" % i for i in range(11)]),
                         "ValidationException",
                         contains="at 'names' failed to satisfy constraint: Member must have "
                                  "length less than or equal to 10")


class LabelTest(SsmCase):
    def test_label_rules_and_moves(self):
        for v in ["1", "2", "3"]:
            self.put("/lab/p", v, Overwrite=True)
        r = self.c.label_parameter_version(Name="/lab/p", Labels=["latest-ok"])
        self.assertEqual(r, {**r, "ParameterVersion": 3, "InvalidLabels": []})
        bad = ["1abc", "awsx", "SSMy", "has space", "slash/no"]
        r = self.c.label_parameter_version(Name="/lab/p", ParameterVersion=1,
                                           Labels=["good"] + bad)
        self.assertEqual(r["InvalidLabels"], bad)
        self.assertEqual(r["ParameterVersion"], 1)
        # A label lives on one version: moving it takes it off the old one.
        self.c.label_parameter_version(Name="/lab/p", ParameterVersion=2, Labels=["good"])
        hist = self.c.get_parameter_history(Name="/lab/p")["Parameters"]
        self.assertEqual([h["Labels"] for h in hist], [[], ["good"], ["latest-ok"]])
        self.assertError(lambda: self.c.label_parameter_version(
            Name="/lab/p", ParameterVersion=9, Labels=["x"]), "ParameterVersionNotFound",
            "Systems Manager could not find version 9 of /lab/p. Verify the version and try "
            "again.")
        self.assertError(lambda: self.c.label_parameter_version(Name="/lab/nope", Labels=["x"]),
                         "ParameterNotFound")
        self.assertError(lambda: raw_ssm().label_parameter_version(Name="/lab/p",
                                                                   Labels=["x" * 101]),
                         "ValidationException", contains="'labels.1.member'")

    def test_ten_labels_per_version(self):
        self.put("/lab/ten", "v")
        self.c.label_parameter_version(Name="/lab/ten", Labels=["l%d" % i for i in range(9)])
        self.c.label_parameter_version(Name="/lab/ten", Labels=["l0", "l9"])
        self.assertError(lambda: self.c.label_parameter_version(Name="/lab/ten", Labels=["l10"]),
                         "ParameterVersionLabelLimitExceeded",
                         "A parameter version can have maximum 10 labels.Move one or more "
                         "labels to another version and try again.")
        hist = self.c.get_parameter_history(Name="/lab/ten")["Parameters"]
        self.assertEqual(len(hist[0]["Labels"]), 10)

    def test_unlabel(self):
        self.put("/lab/un", "1")
        self.put("/lab/un", "2", Overwrite=True)
        self.c.label_parameter_version(Name="/lab/un", ParameterVersion=1, Labels=["a", "b"])
        self.c.label_parameter_version(Name="/lab/un", ParameterVersion=2, Labels=["c"])
        r = self.c.unlabel_parameter_version(Name="/lab/un", ParameterVersion=1,
                                             Labels=["a", "c", "zz"])
        self.assertEqual((r["RemovedLabels"], r["InvalidLabels"]), (["a"], ["c", "zz"]))
        self.assertError(lambda: self.c.get_parameter(Name="/lab/un:a"), "ParameterNotFound")
        self.assertEqual(self.c.get_parameter(Name="/lab/un:c")["Parameter"]["Version"], 2)
        self.assertError(lambda: self.c.unlabel_parameter_version(
            Name="/lab/un", ParameterVersion=5, Labels=["b"]), "ParameterVersionNotFound")
        self.assertError(lambda: self.c.unlabel_parameter_version(
            Name="/lab/none", ParameterVersion=1, Labels=["b"]), "ParameterNotFound")


class VersionLimitTest(SsmCase):
    def test_hundred_versions(self):
        c = ssm(region="eu-north-1")
        for i in range(1, 101):
            self.put("/ver/p", str(i), client=c, Overwrite=True)
        c.label_parameter_version(Name="/ver/p", ParameterVersion=1, Labels=["pin"])
        self.assertError(lambda: self.put("/ver/p", "101", client=c, Overwrite=True),
                         "ParameterMaxVersionLimitExceeded",
                         "You attempted to create a new version of /ver/p by calling the "
                         "PutParameter API with the overwrite flag. Version 1, the oldest "
                         "version, can't be deleted because it has a label associated with it. "
                         "Move the label to another version of the parameter, and try again.")
        c.label_parameter_version(Name="/ver/p", ParameterVersion=50, Labels=["pin"])
        self.assertEqual(self.put("/ver/p", "101", client=c, Overwrite=True)["Version"], 101)
        self.assertEqual(self.put("/ver/p", "102", client=c, Overwrite=True)["Version"], 102)
        versions = []
        for page in c.get_paginator("get_parameter_history").paginate(Name="/ver/p"):
            versions += [h["Version"] for h in page["Parameters"]]
        self.assertEqual(versions, list(range(3, 103)))
        self.assertError(lambda: c.get_parameter(Name="/ver/p:1"), "ParameterVersionNotFound")


class HistoryTest(SsmCase):
    def test_pages_oldest_first(self):
        for i in range(7):
            self.put("/hist/p", "v%d" % i, Overwrite=True, Description="d%d" % i)
        seen, tokens, kwargs = [], [], {}
        while True:
            r = self.c.get_parameter_history(Name="/hist/p", MaxResults=3, **kwargs)
            seen += [(h["Version"], h["Value"], h["Description"]) for h in r["Parameters"]]
            if "NextToken" not in r:
                break
            self.assertNotIn(r["NextToken"], tokens)
            tokens.append(r["NextToken"])
            kwargs = {"NextToken": r["NextToken"]}
        self.assertEqual(seen, [(i + 1, "v%d" % i, "d%d" % i) for i in range(7)])
        self.assertEqual(len(tokens), 2)
        h = self.c.get_parameter_history(Name="/hist/p")["Parameters"][0]
        for key in ["Name", "Type", "LastModifiedDate", "LastModifiedUser", "Value", "Version",
                    "Labels", "Tier", "Policies", "DataType"]:
            self.assertIn(key, h)
        self.assertEqual(h["LastModifiedUser"], "arn:aws:iam::000000000000:root")
        self.assertError(lambda: self.c.get_parameter_history(Name="/hist/p", NextToken="bogus"),
                         "InvalidNextToken")
        self.assertError(lambda: self.c.get_parameter_history(Name="/hist/none"),
                         "ParameterNotFound")
        self.assertError(lambda: raw_ssm().get_parameter_history(Name="/hist/p", MaxResults=51),
                         "ValidationException",
                         "1 validation error detected: Value '51' at 'maxResults' failed to "
                         "satisfy constraint: Member must have value less than or equal to 50")


class ByPathTest(SsmCase):
    @classmethod
    def setUpClass(cls):
        c = ssm(region="ap-south-1")
        for name in ["/app/a", "/app/b", "/app/sub/c", "/app/sub/deeper/d", "/apple/x",
                     "/top", "plain"]:
            c.put_parameter(Name=name, Value=name, Type="String")
        c.put_parameter(Name="/app/s", Value="sec", Type="SecureString", KeyId="alias/k1")
        c.put_parameter(Name="/app/a", Value="a2", Type="String", Overwrite=True)
        c.label_parameter_version(Name="/app/a", ParameterVersion=1, Labels=["prod"])

    def setUp(self):
        self.c = ssm(region="ap-south-1")

    def names(self, **kw):
        out = []
        for page in self.c.get_paginator("get_parameters_by_path").paginate(**kw):
            out += [p["Name"] for p in page["Parameters"]]
        return out

    def test_one_level_and_recursive(self):
        self.assertEqual(self.names(Path="/app"), ["/app/a", "/app/b", "/app/s"])
        self.assertEqual(self.names(Path="/app/"), ["/app/a", "/app/b", "/app/s"])
        self.assertEqual(self.names(Path="/app", Recursive=True),
                         ["/app/a", "/app/b", "/app/s", "/app/sub/c", "/app/sub/deeper/d"])
        self.assertEqual(self.names(Path="/"), ["/top"])
        # every path name; "plain" is not in the hierarchy
        self.assertEqual(self.names(Path="/", Recursive=True),
                         ["/app/a", "/app/b", "/app/s", "/app/sub/c", "/app/sub/deeper/d",
                          "/apple/x", "/top"])
        self.assertEqual(self.names(Path="/app/a"), [])

    def test_bad_paths(self):
        for path in ["app", "/app//x", "/app x"]:
            with self.subTest(path=path):
                self.assertError(lambda: self.c.get_parameters_by_path(Path=path),
                                 "ValidationException", contains=BAD_PATH_PREFIX)

    def test_filters(self):
        self.assertEqual(self.names(Path="/app", Recursive=True, ParameterFilters=[
            {"Key": "Type", "Values": ["SecureString"]}]), ["/app/s"])
        self.assertEqual(self.names(Path="/app", ParameterFilters=[
            {"Key": "KeyId", "Option": "BeginsWith", "Values": ["alias/k"]}]), ["/app/s"])
        r = self.c.get_parameters_by_path(Path="/app", ParameterFilters=[
            {"Key": "Label", "Values": ["prod"]}])["Parameters"]
        self.assertEqual([(p["Name"], p["Value"], p["Version"]) for p in r],
                         [("/app/a", "/app/a", 1)])
        for key in ["Name", "Path", "Tier", "DataType", "tag:env"]:
            with self.subTest(key=key):
                self.assertError(lambda: self.c.get_parameters_by_path(
                    Path="/app", ParameterFilters=[{"Key": key, "Values": ["x"]}]),
                    "InvalidFilterKey",
                    "The following filter key is not valid: %s. Valid filter keys include: "
                    "[Type, KeyId, Label]." % key)
        self.assertError(lambda: self.c.get_parameters_by_path(Path="/app", ParameterFilters=[
            {"Key": "Label", "Option": "BeginsWith", "Values": ["p"]}]), "InvalidFilterOption",
            "The following filter option is not valid: BeginsWith. Valid options include: "
            "[Equals].")
        self.assertError(lambda: self.c.get_parameters_by_path(Path="/app", ParameterFilters=[
            {"Key": "Type", "Option": "Contains", "Values": ["S"]}]), "InvalidFilterOption")
        self.assertError(lambda: self.c.get_parameters_by_path(Path="/app", ParameterFilters=[
            {"Key": "Type", "Values": ["Bogus"]}]), "InvalidFilterValue",
            "The following filter value is not valid: Bogus. Valid values include: [String, "
            "StringList, SecureString].")

    def test_pagination(self):
        seen, tokens, kwargs = [], set(), {}
        for _ in range(20):
            r = self.c.get_parameters_by_path(Path="/", Recursive=True, MaxResults=3, **kwargs)
            self.assertLessEqual(len(r["Parameters"]), 3)
            seen += [p["Name"] for p in r["Parameters"]]
            if "NextToken" not in r:
                break
            self.assertNotIn(r["NextToken"], tokens)
            tokens.add(r["NextToken"])
            kwargs = {"NextToken": r["NextToken"]}
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(len(seen), 7)
        self.assertEqual(len(set(seen)), 7)
        self.assertEqual(len(tokens), 2)
        self.assertError(lambda: raw_ssm(region="ap-south-1").get_parameters_by_path(
            Path="/app", MaxResults=11), "ValidationException",
            "1 validation error detected: Value '11' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 10")
        self.assertError(lambda: self.c.get_parameters_by_path(Path="/", NextToken="x"),
                         "InvalidNextToken")
        # A token from another operation is not a token here.
        tok = self.c.get_parameter_history(Name="/app/a", MaxResults=1)["NextToken"]
        self.assertError(lambda: self.c.get_parameters_by_path(Path="/", NextToken=tok),
                         "InvalidNextToken")


class DescribeTest(SsmCase):
    @classmethod
    def setUpClass(cls):
        c = ssm(region="sa-east-1")
        c.put_parameter(Name="/d/app/url", Value="u", Type="String", Description="the url",
                        Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "web"}])
        c.put_parameter(Name="/d/app/list", Value="a,b", Type="StringList",
                        Tags=[{"Key": "env", "Value": "dev"}])
        c.put_parameter(Name="/d/app/pw", Value="p", Type="SecureString", KeyId="alias/app")
        c.put_parameter(Name="/d/app/deep/x", Value="x", Type="String", Tier="Advanced")
        c.put_parameter(Name="/d/ami", Value="ami-12345678", Type="String",
                        DataType="aws:ec2:image")
        c.put_parameter(Name="dplain", Value="v", Type="String")
        for i in range(12):
            c.put_parameter(Name="/d/many/p%02d" % i, Value=str(i), Type="String")

    def setUp(self):
        self.c = ssm(region="sa-east-1")

    def names(self, **kw):
        out, tokens = [], set()
        kwargs = dict(kw)
        for _ in range(50):
            r = self.c.describe_parameters(**kwargs)
            out += [p["Name"] for p in r["Parameters"]]
            if "NextToken" not in r:
                return out
            self.assertNotIn(r["NextToken"], tokens)
            tokens.add(r["NextToken"])
            kwargs["NextToken"] = r["NextToken"]
        self.fail("pagination did not end")

    def pf(self, key, values, option=None):
        f = {"Key": key, "Values": values}
        if option:
            f["Option"] = option
        return {"ParameterFilters": [f]}

    def test_sorted_paged_and_complete(self):
        all_names = self.names()
        self.assertEqual(all_names, sorted(all_names))
        self.assertEqual(len(all_names), 18)
        first = self.c.describe_parameters()
        self.assertEqual(len(first["Parameters"]), 10)  # the default page size
        self.assertIn("NextToken", first)
        self.assertEqual(self.names(MaxResults=4), all_names)
        self.assertEqual(self.names(MaxResults=50), all_names)
        self.assertNotIn("NextToken", self.c.describe_parameters(MaxResults=50))
        self.assertError(lambda: raw_ssm(region="sa-east-1").describe_parameters(MaxResults=51),
                         "ValidationException", contains="less than or equal to 50")
        self.assertError(lambda: self.c.describe_parameters(NextToken="!!"), "InvalidNextToken",
                         "The specified token isn't valid.")

    def test_metadata(self):
        m = {p["Name"]: p for p in self.c.describe_parameters(MaxResults=50)["Parameters"]}
        url = m["/d/app/url"]
        self.assertEqual(url["ARN"], "arn:aws:ssm:sa-east-1:000000000000:parameter/d/app/url")
        self.assertEqual((url["Type"], url["Description"], url["Version"], url["Tier"],
                          url["DataType"], url["Policies"]),
                         ("String", "the url", 1, "Standard", "text", []))
        self.assertEqual(url["LastModifiedUser"], "arn:aws:iam::000000000000:root")
        self.assertIsInstance(url["LastModifiedDate"], datetime.datetime)
        self.assertNotIn("KeyId", url)
        self.assertNotIn("Value", url)
        self.assertEqual(m["/d/app/pw"]["KeyId"], "alias/app")
        self.assertEqual(m["/d/app/deep/x"]["Tier"], "Advanced")
        self.assertEqual(m["dplain"]["ARN"], "arn:aws:ssm:sa-east-1:000000000000:parameter/dplain")

    def test_parameter_filters(self):
        self.assertEqual(self.names(**self.pf("Name", ["/d/app/url"])), ["/d/app/url"])
        self.assertEqual(self.names(**self.pf("Name", ["d/app/url"])), ["/d/app/url"])
        self.assertEqual(self.names(**self.pf("Name", ["/d/app/"], "BeginsWith")),
                         ["/d/app/deep/x", "/d/app/list", "/d/app/pw", "/d/app/url"])
        self.assertEqual(self.names(**self.pf("Name", ["plain"], "Contains")), ["dplain"])
        self.assertEqual(self.names(**self.pf("Type", ["StringList", "SecureString"])),
                         ["/d/app/list", "/d/app/pw"])
        self.assertEqual(self.names(**self.pf("KeyId", ["alias/app"])), ["/d/app/pw"])
        self.assertEqual(self.names(**self.pf("Tier", ["Advanced"])), ["/d/app/deep/x"])
        self.assertEqual(self.names(**self.pf("DataType", ["aws:ec2:image"])), ["/d/ami"])
        self.assertEqual(self.names(**self.pf("Path", ["/d/app"])),
                         ["/d/app/list", "/d/app/pw", "/d/app/url"])
        self.assertEqual(self.names(**self.pf("Path", ["/d/app"], "Recursive")),
                         ["/d/app/deep/x", "/d/app/list", "/d/app/pw", "/d/app/url"])
        self.assertEqual(self.names(**self.pf("tag:env", ["prod"])), ["/d/app/url"])
        self.assertEqual(self.names(**self.pf("tag:env", ["d"], "BeginsWith")), ["/d/app/list"])
        self.assertEqual(self.names(ParameterFilters=[{"Key": "tag:team"}]), ["/d/app/url"])
        # Filters combine with AND.
        self.assertEqual(self.names(ParameterFilters=[
            {"Key": "Path", "Option": "Recursive", "Values": ["/d"]},
            {"Key": "Type", "Values": ["String"]},
            {"Key": "Name", "Option": "Contains", "Values": ["app"]}]),
            ["/d/app/deep/x", "/d/app/url"])

    def test_legacy_filters(self):
        self.assertEqual(self.names(Filters=[{"Key": "Name", "Values": ["/d/app/p"]}]),
                         ["/d/app/pw"])
        self.assertEqual(self.names(Filters=[{"Key": "Type", "Values": ["SecureString"]}]),
                         ["/d/app/pw"])
        self.assertError(lambda: self.c.describe_parameters(
            Filters=[{"Key": "Name", "Values": ["x"]}],
            ParameterFilters=[{"Key": "Name", "Values": ["x"]}]), "ValidationException",
            "You can use either Filters or ParameterFilters in a single request.")

    def test_filter_errors(self):
        d = self.c.describe_parameters
        self.assertError(lambda: d(**self.pf("Label", ["x"])), "InvalidFilterKey",
                         "The following filter key is not valid: Label. Valid filter keys "
                         "include: [Path, Name, Type, KeyId, Tier].")
        self.assertError(lambda: d(ParameterFilters=[{"Key": "Name"}]), "InvalidFilterValue",
                         "The following filter values are missing : null for filter key Name.")
        self.assertError(lambda: d(ParameterFilters=[{"Key": "Type", "Values": ["String"]},
                                                     {"Key": "Type", "Values": ["String"]}]),
                         "InvalidFilterKey",
                         "The following filter is duplicated in the request: Type. A request "
                         "can contain only one occurrence of a specific filter.")
        self.assertError(lambda: d(**self.pf("Path", ["/d"], "Equals")), "InvalidFilterOption",
                         "The following filter option is not valid: Equals. Valid options "
                         "include: [Recursive, OneLevel].")
        self.assertError(lambda: d(**self.pf("Type", ["S"], "Contains")), "InvalidFilterOption",
                         "The following filter option is not valid: Contains. Valid options "
                         "include: [BeginsWith, Equals].")
        self.assertError(lambda: d(**self.pf("Tier", ["Gold"])), "InvalidFilterValue",
                         "The following filter value is not valid: Gold. Valid values include: "
                         "[Standard, Advanced, Intelligent-Tiering].")
        self.assertError(lambda: d(**self.pf("Path", ["/aws/service"])), "ValidationException",
                         contains="Filters for common parameters can't be prefixed")
        self.assertError(lambda: d(**self.pf("Path", ["relative"])), "ValidationException",
                         contains=BAD_PATH_PREFIX)
        self.assertError(lambda: d(ParameterFilters=[{"Key": "tag-key", "Values": ["x"]}]),
                         "ValidationException",
                         contains="Value 'tag-key' at 'parameterFilters.1.member.key' failed "
                                  "to satisfy constraint: Member must satisfy regular "
                                  "expression pattern")

    def test_shared_lists_nothing(self):
        self.assertEqual(self.c.describe_parameters(Shared=True)["Parameters"], [])


class DeleteTest(SsmCase):
    def test_delete_removes_everything(self):
        self.put("/del/p", "1", Tags=[{"Key": "k", "Value": "v"}])
        self.put("/del/p", "2", Overwrite=True)
        self.c.label_parameter_version(Name="/del/p", ParameterVersion=1, Labels=["old"])
        self.assertEqual(self.c.delete_parameter(Name="/del/p")["ResponseMetadata"]
                         ["HTTPStatusCode"], 200)
        self.assertError(lambda: self.c.get_parameter(Name="/del/p"), "ParameterNotFound")
        self.assertError(lambda: self.c.delete_parameter(Name="/del/p"), "ParameterNotFound")
        self.assertError(lambda: self.c.list_tags_for_resource(ResourceType="Parameter",
                                                               ResourceId="/del/p"),
                         "InvalidResourceId")
        # A new parameter of the same name starts over: version 1, no labels, no tags.
        self.assertEqual(self.put("/del/p", "new")["Version"], 1)
        hist = self.c.get_parameter_history(Name="/del/p")["Parameters"]
        self.assertEqual([(h["Version"], h["Labels"]) for h in hist], [(1, [])])
        self.assertError(lambda: self.c.get_parameter(Name="/del/p:old"), "ParameterNotFound")
        self.assertEqual(self.c.list_tags_for_resource(ResourceType="Parameter",
                                                       ResourceId="/del/p")["TagList"], [])

    def test_delete_parameters(self):
        self.put("/del/a")
        self.put("/del/b")
        r = self.c.delete_parameters(Names=["/del/a", "/del/missing", "/del/b", "bad name",
                                            "/del/a"])
        self.assertEqual(r["DeletedParameters"], ["/del/a", "/del/b"])
        self.assertEqual(r["InvalidParameters"], ["/del/missing", "bad name"])
        r = self.c.delete_parameters(Names=["/del/a"])
        self.assertEqual((r["DeletedParameters"], r["InvalidParameters"]), ([], ["/del/a"]))


class TagTest(SsmCase):
    def test_tags(self):
        self.put("/tag/p", Tags=[{"Key": "env", "Value": "prod"}])
        lst = lambda: self.c.list_tags_for_resource(ResourceType="Parameter",
                                                     ResourceId="/tag/p")["TagList"]
        self.assertEqual(lst(), [{"Key": "env", "Value": "prod"}])
        self.c.add_tags_to_resource(ResourceType="Parameter", ResourceId="/tag/p",
                                    Tags=[{"Key": "team", "Value": "web"},
                                          {"Key": "env", "Value": "dev"}])
        self.assertEqual(lst(), [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "web"}])
        self.c.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/tag/p",
                                         TagKeys=["env", "nothere"])
        self.assertEqual(lst(), [{"Key": "team", "Value": "web"}])

    def test_tag_errors(self):
        self.put("/tag/e")
        add = self.c.add_tags_to_resource
        self.assertError(lambda: add(ResourceType="Parameter", ResourceId="/tag/none",
                                     Tags=[{"Key": "a", "Value": "b"}]), "InvalidResourceId")
        self.assertError(lambda: self.c.list_tags_for_resource(ResourceType="Document",
                                                               ResourceId="doc"),
                         "InvalidResourceType")
        self.assertError(lambda: self.c.remove_tags_from_resource(
            ResourceType="MaintenanceWindow", ResourceId="mw-0123456789abcdef0", TagKeys=["a"]),
            "InvalidResourceType")
        add(ResourceType="Parameter", ResourceId="/tag/e",
            Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(49)])
        # Re-tagging an existing key does not count against the limit.
        add(ResourceType="Parameter", ResourceId="/tag/e",
            Tags=[{"Key": "k0", "Value": "w"}, {"Key": "k49", "Value": "v"}])
        self.assertError(lambda: add(ResourceType="Parameter", ResourceId="/tag/e",
                                     Tags=[{"Key": "k50", "Value": "v"}]), "TooManyTagsError")
        self.assertError(lambda: self.put("/tag/many", Tags=[{"Key": "t%d" % i, "Value": "v"}
                                                              for i in range(51)]),
                         "TooManyTagsError")
        self.assertError(lambda: self.c.get_parameter(Name="/tag/many"), "ParameterNotFound")
        self.assertError(lambda: add(ResourceType="Parameter", ResourceId="/tag/e",
                                     Tags=[{"Key": "aws:x", "Value": "v"}]),
                         "ValidationException")
        self.assertError(lambda: raw_ssm().add_tags_to_resource(
            ResourceType="Parameter", ResourceId="/tag/e", Tags=[{"Key": "bad#key", "Value": "v"}]),
            "ValidationException", contains="Value 'bad#key' at 'tags.1.member.key' failed to "
                                            "satisfy constraint: Member must satisfy regular "
                                            "expression pattern")


class TenancyTest(SsmCase):
    def test_accounts_and_regions_are_isolated(self):
        a = ssm(access_key="111111111111")
        b = ssm(access_key="222222222222")
        anon = ssm(access_key="AKIAIOSFODNN7EXAMPLE")
        west = ssm(access_key="111111111111", region="us-west-2")
        a.put_parameter(Name="/ten/secret", Value="mine", Type="String",
                        Tags=[{"Key": "owner", "Value": "a"}])
        p = a.get_parameter(Name="/ten/secret")["Parameter"]
        self.assertEqual(p["ARN"], "arn:aws:ssm:us-east-1:111111111111:parameter/ten/secret")
        meta = a.describe_parameters(ParameterFilters=[
            {"Key": "Name", "Values": ["/ten/secret"]}])["Parameters"][0]
        self.assertEqual(meta["LastModifiedUser"], "arn:aws:iam::111111111111:root")
        for other in (b, anon, west):
            self.assertError(lambda: other.get_parameter(Name="/ten/secret"), "ParameterNotFound")
            self.assertEqual(other.get_parameters_by_path(Path="/ten")["Parameters"], [])
            self.assertEqual(other.describe_parameters(ParameterFilters=[
                {"Key": "Path", "Values": ["/ten"]}])["Parameters"], [])
            self.assertError(lambda: other.list_tags_for_resource(ResourceType="Parameter",
                                                                  ResourceId="/ten/secret"),
                             "InvalidResourceId")
            self.assertError(lambda: other.delete_parameter(Name="/ten/secret"),
                             "ParameterNotFound")
        # The same name in another account or Region is another parameter.
        self.assertEqual(b.put_parameter(Name="/ten/secret", Value="theirs",
                                         Type="String")["Version"], 1)
        self.assertEqual(west.put_parameter(Name="/ten/secret", Value="west",
                                            Type="String")["Version"], 1)
        self.assertEqual(a.get_parameter(Name="/ten/secret")["Parameter"]["Value"], "mine")
        self.assertEqual(b.get_parameter(Name="/ten/secret")["Parameter"]["Value"], "theirs")
        west_p = west.get_parameter(Name="/ten/secret")["Parameter"]
        self.assertEqual(west_p["ARN"], "arn:aws:ssm:us-west-2:111111111111:parameter/ten/secret")
        self.assertEqual(a.list_tags_for_resource(ResourceType="Parameter",
                                                  ResourceId="/ten/secret")["TagList"],
                         [{"Key": "owner", "Value": "a"}])
        self.assertEqual(b.list_tags_for_resource(ResourceType="Parameter",
                                                  ResourceId="/ten/secret")["TagList"], [])


class ValidationTest(SsmCase):
    def test_model_validation_in_coral_words(self):
        r = raw_ssm()
        self.assertError(lambda: r.put_parameter(Name="/val/x", Value="v", Type="Bogus"),
                         "ValidationException",
                         "1 validation error detected: Value 'Bogus' at 'type' failed to "
                         "satisfy constraint: Member must satisfy enum value set: "
                         "[SecureString, StringList, String]")
        self.assertError(lambda: r.put_parameter(Name="/val/x", Value="v", Type="String",
                                                 Tier="Gold"),
                         "ValidationException", contains="at 'tier' failed to satisfy")
        self.assertError(lambda: r.get_parameter(), "ValidationException",
                         "1 validation error detected: Value null at 'name' failed to satisfy "
                         "constraint: Member must not be null")
        self.assertError(lambda: r.label_parameter_version(Name="/val/x", Labels=[]),
                         "ValidationException", contains="at 'labels' failed to satisfy")
        self.assertError(lambda: r.delete_parameters(Names=[]), "ValidationException",
                         contains="at 'names' failed to satisfy")
        self.assertError(lambda: r.get_parameters_by_path(Path="/val", MaxResults=0),
                         "ValidationException", contains="greater than or equal to 1")


if __name__ == "__main__":
    harness.main()
