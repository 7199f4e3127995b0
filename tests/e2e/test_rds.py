#!/usr/bin/env python3
"""RDS end to end with boto3 (issue 6, the RDS bullet: done means 1, 2 and 3, plus every
operation, paging, tags, events and the state errors).

The server runs on a manual clock with the "fast" timing preset, so every transition takes a
few seconds of sim time (sim/engine/rds.h lists the durations) and the tests move the clock
to watch clusters and instances go creating -> available, failing-over -> available,
rebooting -> available, stopping -> stopped, deleting -> gone. Each test works in its own
account, so the tests do not see each other's resources. Error codes, texts and HTTP
statuses are AWS's (see sim/services/rds.c).
"""
import itertools
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import botocore.exceptions

import harness

START = "2026-01-01T00:00:00Z"
ARGS = ["--clock", "manual@" + START, "--timing", "fast"]
NS = "{http://rds.amazonaws.com/doc/2014-10-31/}"
_accounts = itertools.count(100000000001)


class Rds(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=ARGS).start()

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def setUp(self):
        self.account = str(next(_accounts))
        self.rds = self.ds.client("rds", access_key=self.account)

    # ---- helpers ----------------------------------------------------------------------

    def advance(self, seconds):
        self.ds.control("POST", "/_drill/clock/advance?team=%s" % self.account,
                        {"seconds": seconds})

    def error(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        return cm.exception.response

    def make_cluster(self, cid, instances=(), wait=True, **kw):
        args = dict(DBClusterIdentifier=cid, Engine="aurora-postgresql",
                    MasterUsername="postgres", MasterUserPassword="secret123")
        args.update(kw)
        out = self.rds.create_db_cluster(**args)["DBCluster"]
        for i in instances:
            self.rds.create_db_instance(DBInstanceIdentifier=i, DBClusterIdentifier=cid,
                                        Engine="aurora-postgresql",
                                        DBInstanceClass="db.r6g.large")
        if wait:
            self.advance(30)
        return out

    def cluster(self, cid):
        return self.rds.describe_db_clusters(DBClusterIdentifier=cid)["DBClusters"][0]

    def instance(self, iid):
        return self.rds.describe_db_instances(DBInstanceIdentifier=iid)["DBInstances"][0]

    def messages(self, **kw):
        return [e["Message"] for e in self.rds.describe_events(**kw)["Events"]]

    # ---- done means 1 and 2 ------------------------------------------------------------

    def test_golden_path_cluster(self):
        created = self.make_cluster("golden-path-aurora-dev", ["golden-path-aurora-dev-1"],
                                    wait=False, DatabaseName="app",
                                    Tags=[{"Key": "env", "Value": "dev"}])
        self.assertEqual(created["Status"], "creating")
        self.assertEqual(created["EngineVersion"], "16.6")
        self.advance(30)
        c = self.cluster("golden-path-aurora-dev")
        self.assertEqual((c["Status"], c["Engine"]), ("available", "aurora-postgresql"))
        self.assertEqual(c["Port"], 5432)
        self.assertRegex(c["Endpoint"], r"^golden-path-aurora-dev\.cluster-[a-z0-9]{12}\."
                                        r"us-east-1\.rds\.amazonaws\.com$")
        self.assertEqual(c["ReaderEndpoint"],
                         c["Endpoint"].replace(".cluster-", ".cluster-ro-"))
        self.assertEqual(c["DBClusterArn"], "arn:aws:rds:us-east-1:%s:cluster:"
                         "golden-path-aurora-dev" % self.account)
        self.assertEqual(c["DBClusterParameterGroup"], "default.aurora-postgresql16")
        self.assertEqual(c["DBSubnetGroup"], "default")
        self.assertEqual(c["DatabaseName"], "app")
        self.assertEqual(c["TagList"], [{"Key": "env", "Value": "dev"}])
        self.assertEqual(len(c["VpcSecurityGroups"]), 1)
        self.assertTrue(c["VpcSecurityGroups"][0]["VpcSecurityGroupId"].startswith("sg-"))
        self.assertEqual(c["DBClusterMembers"], [{
            "DBInstanceIdentifier": "golden-path-aurora-dev-1", "IsClusterWriter": True,
            "DBClusterParameterGroupStatus": "in-sync", "PromotionTier": 1}])
        # the cluster by ARN, and in the unfiltered list
        by_arn = self.rds.describe_db_clusters(DBClusterIdentifier=c["DBClusterArn"])
        self.assertEqual(by_arn["DBClusters"][0]["DBClusterIdentifier"],
                         "golden-path-aurora-dev")
        i = self.instance("golden-path-aurora-dev-1")
        self.assertEqual(i["DBInstanceStatus"], "available")
        self.assertEqual(i["DBInstanceClass"], "db.r6g.large")
        self.assertEqual(i["DBClusterIdentifier"], "golden-path-aurora-dev")
        self.assertEqual(i["DBParameterGroups"], [{
            "DBParameterGroupName": "default.aurora-postgresql16",
            "ParameterApplyStatus": "in-sync"}])
        self.assertEqual(i["Endpoint"]["Port"], 5432)
        self.assertIn(i["AvailabilityZone"], c["AvailabilityZones"])

    def test_unknown_cluster(self):
        err = self.error(self.rds.describe_db_clusters, DBClusterIdentifier="nope")
        self.assertEqual(err["Error"]["Code"], "DBClusterNotFoundFault")
        self.assertEqual(err["Error"]["Message"], "DBCluster nope not found.")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 404)
        err = self.error(self.rds.describe_db_instances, DBInstanceIdentifier="nope")
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("DBInstanceNotFound", "DBInstance nope not found."))
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_unknown_cluster_raw(self):
        body = urllib.parse.urlencode({"Action": "DescribeDBClusters", "Version": "2014-10-31",
                                       "DBClusterIdentifier": "nope"}).encode()
        status, headers, data = self.ds.raw("/", body, {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/rds/"
                             "aws4_request, SignedHeaders=host, Signature=0" % self.account})
        self.assertEqual(status, 404)
        root = ET.fromstring(data)
        self.assertEqual(root.tag, NS + "ErrorResponse")
        self.assertEqual(root.find(NS + "Error/" + NS + "Code").text, "DBClusterNotFoundFault")
        self.assertEqual(root.find(NS + "Error/" + NS + "Message").text,
                         "DBCluster nope not found.")
        self.assertEqual(root.find(NS + "Error/" + NS + "Type").text, "Sender")

    # ---- done means 3 ------------------------------------------------------------------

    def test_failover_moves_the_writer(self):
        self.make_cluster("fo", ["fo-1", "fo-2"])
        members = {m["DBInstanceIdentifier"]: m["IsClusterWriter"]
                   for m in self.cluster("fo")["DBClusterMembers"]}
        self.assertEqual(members, {"fo-1": True, "fo-2": False})
        out = self.rds.failover_db_cluster(DBClusterIdentifier="fo",
                                           TargetDBInstanceIdentifier="fo-2")
        self.assertEqual(out["DBCluster"]["Status"], "failing-over")
        self.assertEqual(self.cluster("fo")["Status"], "failing-over")
        # a second failover while one runs is refused
        err = self.error(self.rds.failover_db_cluster, DBClusterIdentifier="fo")
        self.assertEqual(err["Error"]["Code"], "InvalidDBClusterStateFault")
        self.advance(5)
        c = self.cluster("fo")
        self.assertEqual(c["Status"], "available")
        members = {m["DBInstanceIdentifier"]: m["IsClusterWriter"] for m in c["DBClusterMembers"]}
        self.assertEqual(members, {"fo-1": False, "fo-2": True})
        msgs = self.messages(SourceType="db-cluster", SourceIdentifier="fo")
        started = [m for m in msgs if m.startswith("Started")]
        self.assertEqual(len(started), 1)
        self.assertRegex(started[0], r"^Started (cross|same) AZ failover to DB instance: fo-2$")
        self.assertIn("Completed failover to DB instance: fo-2", msgs)
        self.assertLess(msgs.index(started[0]),
                        msgs.index("Completed failover to DB instance: fo-2"))
        # without a target, the reader is promoted back
        self.rds.failover_db_cluster(DBClusterIdentifier="fo")
        self.advance(5)
        members = {m["DBInstanceIdentifier"]: m["IsClusterWriter"]
                   for m in self.cluster("fo")["DBClusterMembers"]}
        self.assertEqual(members, {"fo-1": True, "fo-2": False})

    def test_failover_errors(self):
        self.make_cluster("solo", ["solo-1"])
        err = self.error(self.rds.failover_db_cluster, DBClusterIdentifier="solo")
        self.assertEqual(err["Error"]["Code"], "InvalidDBClusterStateFault")
        self.make_cluster("duo", ["duo-1", "duo-2"])
        err = self.error(self.rds.failover_db_cluster, DBClusterIdentifier="duo",
                         TargetDBInstanceIdentifier="solo-1")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        err = self.error(self.rds.failover_db_cluster, DBClusterIdentifier="nope")
        self.assertEqual(err["Error"]["Code"], "DBClusterNotFoundFault")

    def test_max_connections_pending_reboot(self):
        self.rds.create_db_parameter_group(DBParameterGroupName="mc",
                                           DBParameterGroupFamily="aurora-postgresql16",
                                           Description="max connections")
        self.make_cluster("mc", [])
        self.rds.create_db_instance(DBInstanceIdentifier="mc-1", DBClusterIdentifier="mc",
                                    Engine="aurora-postgresql", DBInstanceClass="db.r6g.large",
                                    DBParameterGroupName="mc")
        self.advance(30)
        params = {p["ParameterName"]: p for p in self.rds.describe_db_parameters(
            DBParameterGroupName="mc")["Parameters"]}
        mc = params["max_connections"]
        self.assertEqual(mc["ParameterValue"], "LEAST({DBInstanceClassMemory/9531392},5000)")
        self.assertEqual((mc["Source"], mc["ApplyType"], mc["DataType"]),
                         ("system", "static", "integer"))
        # a static parameter cannot apply immediately
        err = self.error(self.rds.modify_db_parameter_group, DBParameterGroupName="mc",
                         Parameters=[{"ParameterName": "max_connections",
                                      "ParameterValue": "500", "ApplyMethod": "immediate"}])
        self.assertEqual(err["Error"]["Code"], "InvalidParameterCombination")
        out = self.rds.modify_db_parameter_group(
            DBParameterGroupName="mc",
            Parameters=[{"ParameterName": "max_connections", "ParameterValue": "500",
                         "ApplyMethod": "pending-reboot"}])
        self.assertEqual(out["DBParameterGroupName"], "mc")
        user = self.rds.describe_db_parameters(DBParameterGroupName="mc",
                                               Source="user")["Parameters"]
        self.assertEqual([(p["ParameterName"], p["ParameterValue"], p["ApplyMethod"])
                          for p in user], [("max_connections", "500", "pending-reboot")])
        self.assertEqual(self.instance("mc-1")["DBParameterGroups"][0]["ParameterApplyStatus"],
                         "pending-reboot")
        self.advance(60)  # time alone does not apply it
        self.assertEqual(self.instance("mc-1")["DBParameterGroups"][0]["ParameterApplyStatus"],
                         "pending-reboot")
        self.assertIn("Updated parameter max_connections to 500 with apply method "
                      "pending-reboot",
                      self.messages(SourceType="db-parameter-group", SourceIdentifier="mc"))
        out = self.rds.reboot_db_instance(DBInstanceIdentifier="mc-1")
        self.assertEqual(out["DBInstance"]["DBInstanceStatus"], "rebooting")
        self.assertEqual(self.cluster("mc")["Status"], "available")
        self.advance(5)
        i = self.instance("mc-1")
        self.assertEqual(i["DBInstanceStatus"], "available")
        self.assertEqual(i["DBParameterGroups"][0]["ParameterApplyStatus"], "in-sync")
        msgs = self.messages(SourceType="db-instance", SourceIdentifier="mc-1")
        self.assertEqual(msgs, ["DB instance created", "DB instance shutdown",
                                "DB instance restarted"])
        # the cluster's members show their cluster parameter group status too
        self.assertEqual(self.cluster("mc")["DBClusterMembers"][0]
                         ["DBClusterParameterGroupStatus"], "in-sync")

    def test_changing_the_instance_parameter_group_needs_a_reboot(self):
        self.make_cluster("pg", ["pg-1"])
        self.rds.create_db_parameter_group(DBParameterGroupName="other",
                                           DBParameterGroupFamily="aurora-postgresql16",
                                           Description="x")
        out = self.rds.modify_db_instance(DBInstanceIdentifier="pg-1",
                                          DBParameterGroupName="other", ApplyImmediately=True)
        self.assertEqual(out["DBInstance"]["DBParameterGroups"], [{
            "DBParameterGroupName": "other", "ParameterApplyStatus": "pending-reboot"}])
        err = self.error(self.rds.modify_db_instance, DBInstanceIdentifier="pg-1",
                         DBParameterGroupName="nope")
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("DBParameterGroupNotFound", "DBParameterGroup not found: nope"))
        self.rds.create_db_parameter_group(DBParameterGroupName="old",
                                           DBParameterGroupFamily="aurora-postgresql14",
                                           Description="x")
        err = self.error(self.rds.modify_db_instance, DBInstanceIdentifier="pg-1",
                         DBParameterGroupName="old")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterCombination")
        self.rds.reboot_db_instance(DBInstanceIdentifier="pg-1")
        self.advance(5)
        self.assertEqual(self.instance("pg-1")["DBParameterGroups"][0]["ParameterApplyStatus"],
                         "in-sync")

    def test_cluster_parameter_group(self):
        self.rds.create_db_cluster_parameter_group(
            DBClusterParameterGroupName="cpg", DBParameterGroupFamily="aurora-postgresql16",
            Description="cluster")
        self.make_cluster("cp", ["cp-1"], DBClusterParameterGroupName="cpg")
        self.assertEqual(self.cluster("cp")["DBClusterParameterGroup"], "cpg")
        self.rds.modify_db_cluster_parameter_group(
            DBClusterParameterGroupName="cpg",
            Parameters=[{"ParameterName": "max_connections", "ParameterValue": "800",
                         "ApplyMethod": "pending-reboot"},
                        {"ParameterName": "statement_timeout", "ParameterValue": "30000",
                         "ApplyMethod": "immediate"}])
        self.assertEqual(self.cluster("cp")["DBClusterMembers"][0]
                         ["DBClusterParameterGroupStatus"], "pending-reboot")
        params = {p["ParameterName"]: p for p in self.rds.describe_db_cluster_parameters(
            DBClusterParameterGroupName="cpg")["Parameters"]}
        self.assertEqual(params["statement_timeout"]["ParameterValue"], "30000")
        self.assertEqual(params["statement_timeout"]["Source"], "user")
        self.assertEqual(params["work_mem"]["Source"], "engine-default")
        self.assertNotIn("ParameterValue", params["work_mem"])
        self.assertEqual(params["rds.force_ssl"]["ParameterValue"], "1")
        self.rds.reboot_db_cluster(DBClusterIdentifier="cp")
        self.assertEqual(self.cluster("cp")["Status"], "rebooting")
        self.assertEqual(self.instance("cp-1")["DBInstanceStatus"], "rebooting")
        self.advance(5)
        c = self.cluster("cp")
        self.assertEqual(c["Status"], "available")
        self.assertEqual(c["DBClusterMembers"][0]["DBClusterParameterGroupStatus"], "in-sync")
        # reset: back to the defaults
        self.rds.reset_db_cluster_parameter_group(DBClusterParameterGroupName="cpg",
                                                  ResetAllParameters=True)
        self.assertEqual(self.rds.describe_db_cluster_parameters(
            DBClusterParameterGroupName="cpg", Source="user")["Parameters"], [])
        # in use: cannot be deleted
        err = self.error(self.rds.delete_db_cluster_parameter_group,
                         DBClusterParameterGroupName="cpg")
        self.assertEqual(err["Error"]["Code"], "InvalidDBParameterGroupState")
        err = self.error(self.rds.describe_db_cluster_parameters,
                         DBClusterParameterGroupName="nope")
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("DBClusterParameterGroupNotFound",
                          "DBClusterParameterGroup not found: nope"))
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 404)

    # ---- parameter groups ---------------------------------------------------------------

    def test_parameter_groups(self):
        groups = self.rds.describe_db_parameter_groups()["DBParameterGroups"]
        names = [g["DBParameterGroupName"] for g in groups]
        self.assertEqual(names, ["default.aurora-postgresql13", "default.aurora-postgresql14",
                                 "default.aurora-postgresql15", "default.aurora-postgresql16"])
        self.assertEqual(groups[3]["Description"],
                         "Default parameter group for aurora-postgresql16")
        out = self.rds.create_db_parameter_group(
            DBParameterGroupName="MyGroup", DBParameterGroupFamily="aurora-postgresql15",
            Description="mine", Tags=[{"Key": "team", "Value": "db"}])["DBParameterGroup"]
        self.assertEqual(out["DBParameterGroupName"], "mygroup")
        self.assertEqual(out["DBParameterGroupArn"],
                         "arn:aws:rds:us-east-1:%s:pg:mygroup" % self.account)
        err = self.error(self.rds.create_db_parameter_group, DBParameterGroupName="mygroup",
                         DBParameterGroupFamily="aurora-postgresql15", Description="x")
        self.assertEqual(err["Error"]["Code"], "DBParameterGroupAlreadyExists")
        err = self.error(self.rds.create_db_parameter_group, DBParameterGroupName="x",
                         DBParameterGroupFamily="mysql8.0", Description="x")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        one = self.rds.describe_db_parameter_groups(DBParameterGroupName="mygroup")
        self.assertEqual(one["DBParameterGroups"][0]["DBParameterGroupFamily"],
                         "aurora-postgresql15")
        self.assertEqual(self.rds.list_tags_for_resource(
            ResourceName=out["DBParameterGroupArn"])["TagList"],
            [{"Key": "team", "Value": "db"}])
        # defaults cannot be modified or deleted
        err = self.error(self.rds.modify_db_parameter_group,
                         DBParameterGroupName="default.aurora-postgresql16",
                         Parameters=[{"ParameterName": "work_mem", "ParameterValue": "1024",
                                      "ApplyMethod": "immediate"}])
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        err = self.error(self.rds.delete_db_parameter_group,
                         DBParameterGroupName="default.aurora-postgresql16")
        self.assertEqual(err["Error"]["Code"], "InvalidDBParameterGroupState")
        # bad parameters
        for p, code in [({"ParameterName": "nope", "ParameterValue": "1",
                          "ApplyMethod": "immediate"}, "InvalidParameterValue"),
                        ({"ParameterName": "max_connections", "ParameterValue": "2",
                          "ApplyMethod": "pending-reboot"}, "InvalidParameterValue"),
                        ({"ParameterName": "rds.force_ssl", "ParameterValue": "yes",
                          "ApplyMethod": "immediate"}, "InvalidParameterValue"),
                        ({"ParameterName": "log_statement", "ParameterValue": "most",
                          "ApplyMethod": "immediate"}, "InvalidParameterValue"),
                        ({"ParameterName": "rds.logical_replication", "ParameterValue": "1",
                          "ApplyMethod": "pending-reboot"}, "InvalidParameterValue")]:
            err = self.error(self.rds.modify_db_parameter_group, DBParameterGroupName="mygroup",
                             Parameters=[p])
            self.assertEqual(err["Error"]["Code"], code, p)
        self.rds.modify_db_parameter_group(
            DBParameterGroupName="mygroup",
            Parameters=[{"ParameterName": "work_mem", "ParameterValue": "65536",
                         "ApplyMethod": "immediate"}])
        self.rds.reset_db_parameter_group(
            DBParameterGroupName="mygroup",
            Parameters=[{"ParameterName": "work_mem", "ApplyMethod": "immediate"}])
        self.assertEqual(self.rds.describe_db_parameters(DBParameterGroupName="mygroup",
                                                         Source="user")["Parameters"], [])
        self.rds.delete_db_parameter_group(DBParameterGroupName="mygroup")
        err = self.error(self.rds.describe_db_parameters, DBParameterGroupName="mygroup")
        self.assertEqual(err["Error"]["Code"], "DBParameterGroupNotFound")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_parameter_paging(self):
        all_params = self.rds.describe_db_parameters(
            DBParameterGroupName="default.aurora-postgresql16")["Parameters"]
        self.assertGreater(len(all_params), 20)
        names = [p["ParameterName"] for p in all_params]
        self.assertEqual(names, sorted(names))
        for want in ("max_connections", "shared_buffers", "work_mem", "statement_timeout",
                     "idle_in_transaction_session_timeout", "rds.force_ssl",
                     "log_min_duration_statement"):
            self.assertIn(want, names)
        # rds.logical_replication is a cluster-level parameter only
        self.assertNotIn("rds.logical_replication", names)
        cluster = [p["ParameterName"] for p in self.rds.describe_db_cluster_parameters(
            DBClusterParameterGroupName="default.aurora-postgresql16")["Parameters"]]
        self.assertIn("rds.logical_replication", cluster)
        # pages of 20 with a Marker, by hand and with the paginator
        first = self.rds.describe_db_parameters(
            DBParameterGroupName="default.aurora-postgresql16", MaxRecords=20)
        self.assertEqual(len(first["Parameters"]), 20)
        second = self.rds.describe_db_parameters(
            DBParameterGroupName="default.aurora-postgresql16", MaxRecords=20,
            Marker=first["Marker"])
        self.assertNotIn("Marker", second)
        self.assertEqual([p["ParameterName"] for p in first["Parameters"] +
                          second["Parameters"]], names)
        paged = [p["ParameterName"] for page in self.rds.get_paginator(
            "describe_db_parameters").paginate(
            DBParameterGroupName="default.aurora-postgresql16",
            PaginationConfig={"PageSize": 20}) for p in page["Parameters"]]
        self.assertEqual(paged, names)
        system = self.rds.describe_db_parameters(
            DBParameterGroupName="default.aurora-postgresql16", Source="system")["Parameters"]
        self.assertTrue(system)
        self.assertTrue(all(p["Source"] == "system" for p in system))
        err = self.error(self.rds.describe_db_parameters,
                         DBParameterGroupName="default.aurora-postgresql16", Source="nope")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")

    def test_engine_versions(self):
        v = self.rds.describe_db_engine_versions(Engine="aurora-postgresql")["DBEngineVersions"]
        versions = [x["EngineVersion"] for x in v]
        self.assertIn("16.6", versions)
        self.assertIn("13.12", versions)
        self.assertTrue(all(x["DBParameterGroupFamily"] == "aurora-postgresql%s"
                            % x["EngineVersion"].split(".")[0] for x in v))
        d = self.rds.describe_db_engine_versions(Engine="aurora-postgresql",
                                                 DefaultOnly=True)["DBEngineVersions"]
        self.assertEqual([x["EngineVersion"] for x in d], ["16.6"])
        f = self.rds.describe_db_engine_versions(
            Engine="aurora-postgresql", DBParameterGroupFamily="aurora-postgresql14")
        self.assertTrue(all(x["EngineVersion"].startswith("14.")
                            for x in f["DBEngineVersions"]))
        self.assertEqual(self.rds.describe_db_engine_versions(Engine="mysql")
                         ["DBEngineVersions"], [])
        p = self.rds.get_paginator("describe_db_engine_versions")
        paged = [x["EngineVersion"] for page in p.paginate(
            Engine="aurora-postgresql", PaginationConfig={"PageSize": 20})
            for x in page["DBEngineVersions"]]
        self.assertEqual(paged, versions)
        err = self.error(self.rds.describe_db_engine_versions, MaxRecords=5)
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        self.assertEqual(err["Error"]["Message"],
                         "Invalid value 5 for MaxRecords. Must be between 20 and 100")

    # ---- clusters ---------------------------------------------------------------------

    def test_create_errors(self):
        self.make_cluster("dup", [], wait=False)
        err = self.error(self.rds.create_db_cluster, DBClusterIdentifier="dup",
                         Engine="aurora-postgresql", MasterUsername="u",
                         MasterUserPassword="secret123")
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("DBClusterAlreadyExistsFault", "DB Cluster already exists"))
        for bad in ("1abc", "a--b", "abc-", "a_b", "a" * 64):
            err = self.error(self.rds.create_db_cluster, DBClusterIdentifier=bad,
                             Engine="aurora-postgresql", MasterUsername="u",
                             MasterUserPassword="secret123")
            self.assertEqual(err["Error"]["Code"], "InvalidParameterValue", bad)
            self.assertTrue(err["Error"]["Message"].startswith(
                "The parameter DBClusterIdentifier is not a valid identifier."))
        err = self.error(self.rds.create_db_cluster, DBClusterIdentifier="v",
                         Engine="aurora-postgresql", EngineVersion="9.9",
                         MasterUsername="u", MasterUserPassword="secret123")
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("InvalidParameterCombination",
                          "Cannot find version 9.9 for aurora-postgresql"))
        err = self.error(self.rds.create_db_cluster, DBClusterIdentifier="p",
                         Engine="aurora-postgresql", MasterUsername="u",
                         MasterUserPassword="short")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        err = self.error(self.rds.create_db_cluster, DBClusterIdentifier="p",
                         Engine="aurora-postgresql", MasterUsername="u")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        err = self.error(self.rds.create_db_cluster, DBClusterIdentifier="p",
                         Engine="aurora-postgresql", MasterUsername="u",
                         MasterUserPassword="secret123", VpcSecurityGroupIds=["sg-nope"])
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        err = self.error(self.rds.create_db_cluster, DBClusterIdentifier="p",
                         Engine="aurora-postgresql", MasterUsername="u",
                         MasterUserPassword="secret123", DBSubnetGroupName="nope")
        self.assertEqual(err["Error"]["Code"], "DBSubnetGroupNotFoundFault")
        err = self.error(self.rds.create_db_cluster, DBClusterIdentifier="p",
                         Engine="oracle-ee", MasterUsername="u", MasterUserPassword="secret123")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        # managed master password: a MasterUserSecret, creating then active
        out = self.rds.create_db_cluster(DBClusterIdentifier="managed",
                                         Engine="aurora-postgresql", MasterUsername="u",
                                         ManageMasterUserPassword=True)["DBCluster"]
        self.assertEqual(out["MasterUserSecret"]["SecretStatus"], "creating")
        self.assertTrue(out["MasterUserSecret"]["SecretArn"].startswith(
            "arn:aws:secretsmanager:us-east-1:%s:secret:rds!cluster-" % self.account))
        self.advance(10)
        self.assertEqual(self.cluster("managed")["MasterUserSecret"]["SecretStatus"], "active")

    def test_cluster_paging_and_filters(self):
        for k in range(25):
            self.rds.create_db_cluster(DBClusterIdentifier="c%02d" % k,
                                       Engine="aurora-postgresql", MasterUsername="u",
                                       MasterUserPassword="secret123")
        first = self.rds.describe_db_clusters(MaxRecords=20)
        self.assertEqual(len(first["DBClusters"]), 20)
        self.assertIn("Marker", first)
        second = self.rds.describe_db_clusters(MaxRecords=20, Marker=first["Marker"])
        self.assertEqual(len(second["DBClusters"]), 5)
        self.assertNotIn("Marker", second)
        ids = [c["DBClusterIdentifier"] for c in first["DBClusters"] + second["DBClusters"]]
        self.assertEqual(ids, ["c%02d" % k for k in range(25)])
        paged = [c["DBClusterIdentifier"] for page in self.rds.get_paginator(
            "describe_db_clusters").paginate(PaginationConfig={"PageSize": 20})
            for c in page["DBClusters"]]
        self.assertEqual(paged, ids)
        f = self.rds.describe_db_clusters(Filters=[{"Name": "db-cluster-id",
                                                    "Values": ["c03", "c07"]}])
        self.assertEqual([c["DBClusterIdentifier"] for c in f["DBClusters"]], ["c03", "c07"])
        f = self.rds.describe_db_clusters(Filters=[{"Name": "engine", "Values": ["mysql"]}])
        self.assertEqual(f["DBClusters"], [])
        err = self.error(self.rds.describe_db_clusters, Filters=[{"Name": "nope",
                                                                   "Values": ["x"]}])
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        for bad in (19, 101):
            err = self.error(self.rds.describe_db_clusters, MaxRecords=bad)
            self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")

    def test_modify_cluster(self):
        self.make_cluster("mod", ["mod-1"])
        out = self.rds.modify_db_cluster(DBClusterIdentifier="mod",
                                         MasterUserPassword="newpassword")["DBCluster"]
        self.assertEqual(out["PendingModifiedValues"], {"MasterUserPassword": "****"})
        self.assertEqual(out["Status"], "available")
        out = self.rds.modify_db_cluster(DBClusterIdentifier="mod", BackupRetentionPeriod=7,
                                         DeletionProtection=True, Port=5433,
                                         ApplyImmediately=True)["DBCluster"]
        self.assertEqual(out["Status"], "modifying")
        self.assertEqual((out["BackupRetentionPeriod"], out["Port"]), (7, 5433))
        err = self.error(self.rds.modify_db_cluster, DBClusterIdentifier="mod", Port=5434)
        self.assertEqual(err["Error"]["Code"], "InvalidDBClusterStateFault")
        self.advance(5)
        self.assertEqual(self.cluster("mod")["Status"], "available")
        # deletion protection
        self.rds.delete_db_instance(DBInstanceIdentifier="mod-1")
        self.advance(10)
        err = self.error(self.rds.delete_db_cluster, DBClusterIdentifier="mod",
                         SkipFinalSnapshot=True)
        self.assertEqual(err["Error"]["Code"], "InvalidParameterCombination")
        self.assertEqual(err["Error"]["Message"], "Cannot delete protected Cluster, please "
                                                  "disable deletion protection and try again.")

    def test_delete_rules(self):
        self.make_cluster("del", ["del-1", "del-2"])
        err = self.error(self.rds.delete_db_cluster, DBClusterIdentifier="del",
                         SkipFinalSnapshot=True)
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("InvalidDBClusterStateFault",
                          "Cluster cannot be deleted, it still contains DB instances in "
                          "non-deleting state."))
        err = self.error(self.rds.delete_db_cluster, DBClusterIdentifier="del")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterCombination")
        err = self.error(self.rds.delete_db_cluster, DBClusterIdentifier="del",
                         SkipFinalSnapshot=True, FinalDBSnapshotIdentifier="snap")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterCombination")
        # deleting the writer promotes the reader
        out = self.rds.delete_db_instance(DBInstanceIdentifier="del-1")
        self.assertEqual(out["DBInstance"]["DBInstanceStatus"], "deleting")
        err = self.error(self.rds.reboot_db_instance, DBInstanceIdentifier="del-1")
        self.assertEqual(err["Error"]["Code"], "InvalidDBInstanceState")
        self.rds.delete_db_instance(DBInstanceIdentifier="del-2")
        # both are deleting: the cluster may go now
        out = self.rds.delete_db_cluster(DBClusterIdentifier="del", SkipFinalSnapshot=True)
        self.assertEqual(out["DBCluster"]["Status"], "deleting")
        self.advance(30)
        err = self.error(self.rds.describe_db_clusters, DBClusterIdentifier="del")
        self.assertEqual(err["Error"]["Code"], "DBClusterNotFoundFault")
        err = self.error(self.rds.describe_db_instances, DBInstanceIdentifier="del-1")
        self.assertEqual(err["Error"]["Code"], "DBInstanceNotFound")
        msgs = self.messages(Duration=60)
        self.assertIn("DB instance deleted", msgs)
        self.assertIn("DB cluster deleted", msgs)

    def test_writer_promotion_on_delete(self):
        self.make_cluster("wp", ["wp-1", "wp-2"])
        self.rds.delete_db_instance(DBInstanceIdentifier="wp-1")
        self.advance(10)
        members = self.cluster("wp")["DBClusterMembers"]
        self.assertEqual([(m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in members],
                         [("wp-2", True)])

    def test_stop_start(self):
        self.make_cluster("ss", ["ss-1"])
        # not while a member is busy
        self.rds.reboot_db_instance(DBInstanceIdentifier="ss-1")
        err = self.error(self.rds.stop_db_cluster, DBClusterIdentifier="ss")
        self.assertEqual(err["Error"]["Code"], "InvalidDBInstanceState")
        err = self.error(self.rds.reboot_db_instance, DBInstanceIdentifier="ss-1")
        self.assertEqual(err["Error"]["Message"], "Instance cannot currently reboot due to an "
                                                  "in-progress management operation.")
        self.advance(5)
        err = self.error(self.rds.start_db_cluster, DBClusterIdentifier="ss")
        self.assertEqual(err["Error"]["Code"], "InvalidDBClusterStateFault")
        out = self.rds.stop_db_cluster(DBClusterIdentifier="ss")
        self.assertEqual(out["DBCluster"]["Status"], "stopping")
        self.assertEqual(self.instance("ss-1")["DBInstanceStatus"], "stopping")
        err = self.error(self.rds.stop_db_cluster, DBClusterIdentifier="ss")
        self.assertEqual(err["Error"]["Code"], "InvalidDBClusterStateFault")
        self.advance(10)
        self.assertEqual(self.cluster("ss")["Status"], "stopped")
        self.assertEqual(self.instance("ss-1")["DBInstanceStatus"], "stopped")
        err = self.error(self.rds.reboot_db_instance, DBInstanceIdentifier="ss-1")
        self.assertEqual(err["Error"]["Code"], "InvalidDBInstanceState")
        self.rds.start_db_cluster(DBClusterIdentifier="ss")
        self.assertEqual(self.cluster("ss")["Status"], "starting")
        self.advance(15)
        self.assertEqual(self.cluster("ss")["Status"], "available")
        self.assertEqual(self.instance("ss-1")["DBInstanceStatus"], "available")
        msgs = self.messages(SourceType="db-cluster", SourceIdentifier="ss")
        self.assertEqual(msgs, ["DB cluster created", "DB cluster stopped",
                                "DB cluster started"])

    # ---- instances --------------------------------------------------------------------

    def test_instances(self):
        self.make_cluster("in", ["in-1"])
        err = self.error(self.rds.create_db_instance, DBInstanceIdentifier="in-1",
                         DBClusterIdentifier="in", Engine="aurora-postgresql",
                         DBInstanceClass="db.r6g.large")
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("DBInstanceAlreadyExists", "DB instance already exists"))
        err = self.error(self.rds.create_db_instance, DBInstanceIdentifier="in-2",
                         DBClusterIdentifier="nope", Engine="aurora-postgresql",
                         DBInstanceClass="db.r6g.large")
        self.assertEqual(err["Error"]["Code"], "DBClusterNotFoundFault")
        err = self.error(self.rds.create_db_instance, DBInstanceIdentifier="in-2",
                         DBClusterIdentifier="in", Engine="aurora-postgresql",
                         DBInstanceClass="db.m1.tiny")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterCombination")
        self.assertIn("DBInstanceClass=db.m1.tiny", err["Error"]["Message"])
        self.rds.create_db_instance(DBInstanceIdentifier="in-2", DBClusterIdentifier="in",
                                    Engine="aurora-postgresql", DBInstanceClass="db.t4g.medium",
                                    PromotionTier=0)
        self.assertEqual(self.instance("in-2")["DBInstanceStatus"], "creating")
        self.advance(25)
        i = self.instance("in-2")
        self.assertEqual((i["DBInstanceStatus"], i["PromotionTier"]), ("available", 0))
        members = self.cluster("in")["DBClusterMembers"]
        self.assertEqual([(m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in members],
                         [("in-1", True), ("in-2", False)])
        # filters and the list
        f = self.rds.describe_db_instances(Filters=[{"Name": "db-cluster-id",
                                                     "Values": ["in"]}])
        self.assertEqual([x["DBInstanceIdentifier"] for x in f["DBInstances"]],
                         ["in-1", "in-2"])
        # class change: pending unless immediate
        out = self.rds.modify_db_instance(DBInstanceIdentifier="in-2",
                                          DBInstanceClass="db.r6g.xlarge")["DBInstance"]
        self.assertEqual(out["PendingModifiedValues"], {"DBInstanceClass": "db.r6g.xlarge"})
        self.assertEqual(out["DBInstanceClass"], "db.t4g.medium")
        out = self.rds.modify_db_instance(DBInstanceIdentifier="in-2",
                                          DBInstanceClass="db.r6g.xlarge",
                                          ApplyImmediately=True)["DBInstance"]
        self.assertEqual(out["DBInstanceStatus"], "modifying")
        self.assertEqual(out["PendingModifiedValues"], {"DBInstanceClass": "db.r6g.xlarge"})
        err = self.error(self.rds.modify_db_instance, DBInstanceIdentifier="in-2",
                         PromotionTier=2)
        self.assertEqual((err["Error"]["Code"], err["Error"]["Message"]),
                         ("InvalidDBInstanceState",
                          "Database instance is not in available state."))
        self.advance(25)
        i = self.instance("in-2")
        self.assertEqual((i["DBInstanceStatus"], i["DBInstanceClass"]),
                         ("available", "db.r6g.xlarge"))
        self.assertEqual(i["PendingModifiedValues"], {})
        self.assertEqual(self.messages(SourceType="db-instance", SourceIdentifier="in-2"),
                         ["DB instance created",
                          "Applying modification to database instance class",
                          "Finished applying modification to DB instance class"])
        err = self.error(self.rds.modify_db_instance, DBInstanceIdentifier="nope",
                         DBInstanceClass="db.r6g.large")
        self.assertEqual(err["Error"]["Code"], "DBInstanceNotFound")

    def test_instance_paging(self):
        self.make_cluster("pg", [], wait=False)
        for k in range(21):
            self.rds.create_db_instance(DBInstanceIdentifier="i%02d" % k, DBClusterIdentifier="pg",
                                        Engine="aurora-postgresql",
                                        DBInstanceClass="db.r6g.large")
        first = self.rds.describe_db_instances(MaxRecords=20)
        self.assertEqual(len(first["DBInstances"]), 20)
        second = self.rds.describe_db_instances(MaxRecords=20, Marker=first["Marker"])
        self.assertEqual([x["DBInstanceIdentifier"] for x in second["DBInstances"]], ["i20"])
        writers = [m for m in self.cluster("pg")["DBClusterMembers"] if m["IsClusterWriter"]]
        self.assertEqual(len(writers), 1)

    # ---- events, tags, subnet groups --------------------------------------------------

    def test_events(self):
        self.make_cluster("ev", ["ev-1"])
        all_events = self.rds.describe_events()["Events"]
        kinds = {(e["SourceType"], e["SourceIdentifier"], e["Message"]) for e in all_events}
        self.assertIn(("db-cluster", "ev", "DB cluster created"), kinds)
        self.assertIn(("db-instance", "ev-1", "DB instance created"), kinds)
        e = [x for x in all_events if x["SourceIdentifier"] == "ev"][0]
        self.assertEqual(e["SourceArn"], "arn:aws:rds:us-east-1:%s:cluster:ev" % self.account)
        self.assertEqual(e["EventCategories"], ["creation"])
        # by ARN as the identifier; by category
        by_arn = self.rds.describe_events(SourceType="db-cluster", SourceIdentifier=e["SourceArn"])
        self.assertEqual([x["Message"] for x in by_arn["Events"]], ["DB cluster created"])
        self.assertEqual(self.rds.describe_events(EventCategories=["failover"])["Events"], [])
        # the window: Duration in minutes, or StartTime/EndTime
        self.advance(2 * 3600)
        self.assertEqual(self.rds.describe_events()["Events"], [])
        self.assertEqual(len(self.rds.describe_events(Duration=180)["Events"]), 2)
        got = self.rds.describe_events(StartTime="2026-01-01T00:00:00Z",
                                       EndTime="2026-01-01T00:01:00Z")["Events"]
        self.assertEqual(len(got), 2)
        err = self.error(self.rds.describe_events, SourceIdentifier="ev")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterCombination")

    def test_event_paging(self):
        self.make_cluster("ep", ["ep-1"])
        for _ in range(12):
            self.rds.reboot_db_instance(DBInstanceIdentifier="ep-1")
            self.advance(3)
        msgs = self.messages(SourceType="db-instance")
        self.assertEqual(len(msgs), 25)
        first = self.rds.describe_events(SourceType="db-instance", MaxRecords=20)
        self.assertEqual(len(first["Events"]), 20)
        second = self.rds.describe_events(SourceType="db-instance", MaxRecords=20,
                                          Marker=first["Marker"])
        self.assertEqual(len(second["Events"]), 5)
        self.assertNotIn("Marker", second)
        self.assertEqual([e["Message"] for e in first["Events"] + second["Events"]], msgs)

    def test_tags(self):
        arn = self.make_cluster("tg", ["tg-1"])["DBClusterArn"]
        self.rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "a", "Value": "1"},
                                                              {"Key": "b", "Value": "2"}])
        self.rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "a", "Value": "3"}])
        self.assertEqual(self.rds.list_tags_for_resource(ResourceName=arn)["TagList"],
                         [{"Key": "a", "Value": "3"}, {"Key": "b", "Value": "2"}])
        self.rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["a"])
        self.assertEqual(self.cluster("tg")["TagList"], [{"Key": "b", "Value": "2"}])
        iarn = self.instance("tg-1")["DBInstanceArn"]
        self.assertEqual(iarn, "arn:aws:rds:us-east-1:%s:db:tg-1" % self.account)
        self.rds.add_tags_to_resource(ResourceName=iarn, Tags=[{"Key": "i", "Value": "x"}])
        self.assertEqual(self.instance("tg-1")["TagList"], [{"Key": "i", "Value": "x"}])
        err = self.error(self.rds.list_tags_for_resource,
                         ResourceName="arn:aws:rds:us-east-1:%s:cluster:nope" % self.account)
        self.assertEqual(err["Error"]["Code"], "DBClusterNotFoundFault")
        err = self.error(self.rds.list_tags_for_resource,
                         ResourceName="arn:aws:rds:us-east-1:%s:db:nope" % self.account)
        self.assertEqual(err["Error"]["Code"], "DBInstanceNotFound")
        err = self.error(self.rds.list_tags_for_resource, ResourceName="tg")
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        err = self.error(self.rds.add_tags_to_resource, ResourceName=arn,
                         Tags=[{"Key": "aws:x", "Value": "1"}])
        self.assertEqual(err["Error"]["Code"], "InvalidParameterValue")
        pg = "arn:aws:rds:us-east-1:%s:cluster-pg:default.aurora-postgresql16" % self.account
        self.rds.add_tags_to_resource(ResourceName=pg, Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual(self.rds.list_tags_for_resource(ResourceName=pg)["TagList"],
                         [{"Key": "k", "Value": "v"}])
        # a default group nothing has used yet exists too
        pg13 = "arn:aws:rds:us-east-1:%s:pg:default.aurora-postgresql13" % self.account
        self.assertEqual(self.rds.list_tags_for_resource(ResourceName=pg13)["TagList"], [])
        err = self.error(self.rds.list_tags_for_resource,
                         ResourceName="arn:aws:rds:us-east-1:%s:pg:nope" % self.account)
        self.assertEqual(err["Error"]["Code"], "DBParameterGroupNotFound")

    def test_subnet_groups(self):
        ec2 = self.ds.client("ec2", access_key=self.account)
        subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
        out = self.rds.create_db_subnet_group(DBSubnetGroupName="mine",
                                              DBSubnetGroupDescription="two subnets",
                                              SubnetIds=subnets[:2])["DBSubnetGroup"]
        self.assertEqual(len(out["Subnets"]), 2)
        self.assertEqual(out["SubnetGroupStatus"], "Complete")
        names = [g["DBSubnetGroupName"] for g in self.rds.describe_db_subnet_groups()
                 ["DBSubnetGroups"]]
        self.assertEqual(names, ["default", "mine"])
        c = self.make_cluster("sn", ["sn-1"], DBSubnetGroupName="mine")
        self.assertEqual(c["DBSubnetGroup"], "mine")
        self.assertEqual(self.instance("sn-1")["DBSubnetGroup"]["DBSubnetGroupName"], "mine")
        err = self.error(self.rds.delete_db_subnet_group, DBSubnetGroupName="mine")
        self.assertEqual(err["Error"]["Code"], "InvalidDBSubnetGroupStateFault")
        err = self.error(self.rds.create_db_subnet_group, DBSubnetGroupName="bad",
                         DBSubnetGroupDescription="x", SubnetIds=["subnet-nope"])
        self.assertEqual(err["Error"]["Code"], "InvalidSubnet")
        err = self.error(self.rds.describe_db_subnet_groups, DBSubnetGroupName="nope")
        self.assertEqual(err["Error"]["Code"], "DBSubnetGroupNotFoundFault")

    def test_tenants_are_separate(self):
        self.make_cluster("shared-name", [], wait=False)
        other = self.ds.client("rds", access_key="999999999999")
        self.assertEqual(other.describe_db_clusters()["DBClusters"], [])
        west = self.ds.client("rds", access_key=self.account, region="us-west-2")
        self.assertEqual(west.describe_db_clusters()["DBClusters"], [])


if __name__ == "__main__":
    harness.main()
