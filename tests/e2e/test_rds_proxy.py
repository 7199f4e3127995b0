"""test_rds_proxy.py - RDS Proxy with boto3: every operation and its errors, the lifecycle
on the manual clock, target health (AVAILABLE, and AUTH_FAILURE once the secret is gone).

The proxy's credentials are real resources made through the Secrets Manager and IAM APIs,
its network the default VPC's subnets and security group (EC2 API), its target an Aurora
PostgreSQL cluster made with CreateDBCluster / CreateDBInstance.

Error codes and HTTP statuses are the model's. Messages marked "unverified" below are
drillsim's wording: no AWS text for them could be found (see sim/services/rds_proxy.c).
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

START = "2026-01-01T00:00:00Z"
TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
})
CREDS = json.dumps({"username": "app", "password": "s3cret-pass"})


class RdsProxyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--clock", "manual@" + START])
        cls.ds.start()
        cls.rds = cls.ds.client("rds")
        cls.sm = cls.ds.client("secretsmanager")
        cls.iam = cls.ds.client("iam")
        cls.ec2 = cls.ds.client("ec2")
        cls.account = cls.ds.client("sts").get_caller_identity()["Account"]
        cls.secret_arn = cls.sm.create_secret(Name="golden-path/db-credentials/dev",
                                              SecretString=CREDS)["ARN"]
        cls.role_arn = cls.iam.create_role(RoleName="rds-proxy-role-dev",
                                           AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        subnets = cls.ec2.describe_subnets()["Subnets"]
        cls.vpc = subnets[0]["VpcId"]
        cls.subnets = [s["SubnetId"] for s in subnets if s["VpcId"] == cls.vpc]
        cls.sg = [g["GroupId"] for g in cls.ec2.describe_security_groups()["SecurityGroups"]
                  if g["VpcId"] == cls.vpc and g["GroupName"] == "default"][0]

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    # --- helpers ---------------------------------------------------------------------------

    def advance(self, seconds):
        self.ds.control("POST", "/_drill/clock/advance?team=%s" % self.account,
                        {"seconds": seconds})

    def error(self, fn, **kw):
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        e = cm.exception.response
        return e["Error"]["Code"], e["Error"].get("Message", ""), \
            e["ResponseMetadata"]["HTTPStatusCode"]

    def create_args(self, name, **over):
        args = dict(
            DBProxyName=name, EngineFamily="POSTGRESQL",
            Auth=[{"Description": "Proxy authentication", "AuthScheme": "SECRETS",
                   "SecretArn": self.secret_arn}],
            RoleArn=self.role_arn, VpcSubnetIds=self.subnets[:2],
            VpcSecurityGroupIds=[self.sg])
        args.update(over)
        return args

    def create_available(self, name, **over):
        p = self.rds.create_db_proxy(**self.create_args(name, **over))["DBProxy"]
        self.advance(181)
        return p

    def make_cluster(self, cid, readers=0):
        self.rds.create_db_cluster(DBClusterIdentifier=cid, Engine="aurora-postgresql",
                                   MasterUsername="postgres", MasterUserPassword="postgres123")
        self.rds.create_db_instance(DBInstanceIdentifier=cid + "-1", DBClusterIdentifier=cid,
                                    Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
        for i in range(readers):
            self.rds.create_db_instance(DBInstanceIdentifier="%s-%d" % (cid, i + 2),
                                        DBClusterIdentifier=cid, Engine="aurora-postgresql",
                                        DBInstanceClass="db.r6g.large")
        for _ in range(40):
            c = self.rds.describe_db_clusters(DBClusterIdentifier=cid)["DBClusters"][0]
            insts = self.rds.describe_db_instances(
                Filters=[{"Name": "db-cluster-id", "Values": [cid]}])["DBInstances"]
            if c["Status"] == "available" and all(
                    i["DBInstanceStatus"] == "available" for i in insts):
                return c
            self.advance(30)
        self.fail("cluster %s never became available" % cid)

    def targets(self, name):
        return self.rds.describe_db_proxy_targets(DBProxyName=name)["Targets"]

    def instance_health(self, name):
        return {t["RdsResourceId"]: t["TargetHealth"] for t in self.targets(name)
                if t["Type"] == "RDS_INSTANCE"}

    # --- CreateDBProxy ---------------------------------------------------------------------

    def test_create_describe_lifecycle(self):
        p = self.rds.create_db_proxy(**self.create_args(
            "life-proxy", RequireTLS=True, Tags=[{"Key": "env", "Value": "dev"}]))["DBProxy"]
        self.assertEqual(p["DBProxyName"], "life-proxy")
        self.assertEqual(p["Status"], "creating")
        self.assertRegex(p["DBProxyArn"],
                         r"^arn:aws:rds:us-east-1:%s:db-proxy:prx-[0-9a-f]{17}$" % self.account)
        self.assertRegex(p["Endpoint"],
                         r"^life-proxy\.proxy-[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$")
        self.assertEqual(p["EngineFamily"], "POSTGRESQL")
        self.assertEqual(p["VpcId"], self.vpc)
        self.assertEqual(p["VpcSubnetIds"], self.subnets[:2])
        self.assertEqual(p["VpcSecurityGroupIds"], [self.sg])
        self.assertEqual(p["RoleArn"], self.role_arn)
        self.assertEqual(p["Auth"], [{"Description": "Proxy authentication",
                                      "AuthScheme": "SECRETS", "SecretArn": self.secret_arn,
                                      "IAMAuth": "DISABLED"}])
        self.assertIs(p["RequireTLS"], True)
        self.assertEqual(p["IdleClientTimeout"], 1800)
        self.assertIs(p["DebugLogging"], False)
        self.assertEqual(p["CreatedDate"].year, 2026)
        self.assertEqual(p["UpdatedDate"], p["CreatedDate"])
        # creating -> available after 180 s of sim time (aws timing)
        self.advance(170)
        got = self.rds.describe_db_proxies(DBProxyName="life-proxy")["DBProxies"][0]
        self.assertEqual(got["Status"], "creating")
        self.advance(11)
        got = self.rds.describe_db_proxies(DBProxyName="life-proxy")["DBProxies"][0]
        self.assertEqual(got["Status"], "available")
        tags = self.rds.list_tags_for_resource(ResourceName=p["DBProxyArn"])["TagList"]
        self.assertEqual(tags, [{"Key": "env", "Value": "dev"}])
        # ModifyDBProxy: rename, settings; modifying -> available
        m = self.rds.modify_db_proxy(DBProxyName="life-proxy", NewDBProxyName="life-proxy-2",
                                     IdleClientTimeout=900, DebugLogging=True,
                                     RequireTLS=False)["DBProxy"]
        self.assertEqual(m["Status"], "modifying")
        self.assertEqual(m["DBProxyName"], "life-proxy-2")
        self.assertEqual(m["DBProxyArn"], p["DBProxyArn"])
        self.assertTrue(m["Endpoint"].startswith("life-proxy-2.proxy-"))
        self.assertEqual((m["IdleClientTimeout"], m["DebugLogging"], m["RequireTLS"]),
                         (900, True, False))
        self.assertEqual(self.error(self.rds.describe_db_proxies, DBProxyName="life-proxy"),
                         ("DBProxyNotFoundFault", "DBProxy life-proxy not found.", 404))
        self.assertEqual(self.error(self.rds.modify_db_proxy, DBProxyName="life-proxy-2",
                                    IdleClientTimeout=60)[0], "InvalidDBProxyStateFault")
        self.advance(31)
        got = self.rds.describe_db_proxies(DBProxyName="life-proxy-2")["DBProxies"][0]
        self.assertEqual(got["Status"], "available")
        # DeleteDBProxy: deleting, then gone
        d = self.rds.delete_db_proxy(DBProxyName="life-proxy-2")["DBProxy"]
        self.assertEqual(d["Status"], "deleting")
        self.assertEqual(self.error(self.rds.delete_db_proxy, DBProxyName="life-proxy-2")[0],
                         "InvalidDBProxyStateFault")
        self.advance(61)
        self.assertEqual(self.error(self.rds.describe_db_proxies, DBProxyName="life-proxy-2"),
                         ("DBProxyNotFoundFault", "DBProxy life-proxy-2 not found.", 404))

    def test_create_errors(self):
        e = self.error
        c = self.rds.create_db_proxy
        self.create_available("dup-proxy")
        code, msg, status = e(c, **self.create_args("dup-proxy"))
        self.assertEqual((code, status), ("DBProxyAlreadyExistsFault", 400))
        self.assertIn("dup-proxy", msg)  # unverified wording
        self.create_available("dup-proxy-b")
        self.assertEqual(e(self.rds.modify_db_proxy, DBProxyName="dup-proxy-b",
                           NewDBProxyName="dup-proxy")[::2], ("DBProxyAlreadyExistsFault", 400))
        self.assertEqual(self.rds.describe_db_proxies(
            DBProxyName="dup-proxy-b")["DBProxies"][0]["Status"], "available")
        # name rules (the model's pattern)
        self.assertEqual(e(c, **self.create_args("1proxy"))[0], "InvalidParameterValue")
        self.assertEqual(e(c, **self.create_args("bad--name"))[0], "InvalidParameterValue")
        self.assertEqual(e(c, **self.create_args("x" * 64))[0], "InvalidParameterValue")
        # placeholders: the secret ARN's region and account are not ARN fields
        bad_secret = [{"AuthScheme": "SECRETS", "SecretArn":
                       "arn:aws:secretsmanager:region:account:secret:golden-path/db/dev"}]
        self.assertEqual(e(c, **self.create_args("p1", Auth=bad_secret))[::2],
                         ("InvalidParameterValue", 400))
        self.assertEqual(e(c, **self.create_args(
            "p1", RoleArn="arn:aws:iam::{account-id}:role/rds-proxy-role-dev"))[::2],
            ("InvalidParameterValue", 400))
        code, msg, status = e(c, **self.create_args("p1", VpcSubnetIds=["subnet-{id1}",
                                                                        "subnet-{id2}"]))
        self.assertEqual((code, status), ("InvalidSubnet", 400))
        self.assertIn("subnet-{id1}", msg)
        # several problems: the Auth one is reported (drillsim's order, see rds_proxy.c)
        self.assertIn("SecretArn", e(c, **self.create_args(
            "p1", Auth=bad_secret, RoleArn="arn:aws:iam::{x}:role/r",
            VpcSubnetIds=["subnet-{id1}"]))[1])
        # unknown subnet, one AZ, unknown security group
        self.assertEqual(e(c, **self.create_args(
            "p1", VpcSubnetIds=[self.subnets[0], "subnet-0123456789abcdef0"]))[0],
            "InvalidSubnet")
        self.assertEqual(e(c, **self.create_args("p1", VpcSubnetIds=self.subnets[:1]))[0],
                         "InvalidSubnet")
        self.assertEqual(e(c, **self.create_args(
            "p1", VpcSecurityGroupIds=["sg-0123456789abcdef0"]))[0], "InvalidParameterValue")
        # auth rules
        self.assertEqual(e(c, **self.create_args("p1", Auth=[
            {"AuthScheme": "SECRETS", "SecretArn": self.secret_arn, "UserName": "u"}])),
            ("InvalidParameterValue", "UserName must not be set in UserAuthConfig when "
             "SECRETS AuthScheme is used.", 400))
        self.assertEqual(e(c, **self.create_args("p1", Auth=[
            {"AuthScheme": "SECRETS", "SecretArn": self.secret_arn,
             "ClientPasswordAuthType": "MYSQL_NATIVE_PASSWORD"}]))[0],
            "InvalidParameterCombination")
        self.assertEqual(e(c, **self.create_args("p1", Auth=[]))[0], "InvalidParameterValue")
        self.assertEqual(e(c, **self.create_args("p1", EngineFamily="ORACLE"))[0],
                         "InvalidParameterValue")
        self.assertEqual(e(c, **self.create_args("p1", IdleClientTimeout=0))[0],
                         "InvalidParameterValue")
        self.assertEqual(e(c, **self.create_args("p1", IdleClientTimeout=28801))[0],
                         "InvalidParameterValue")
        self.assertEqual(e(c, **self.create_args("p1", Tags=[{"Key": "aws:x", "Value": "v"}]))[0],
                         "InvalidParameterValue")
        # nothing was created by the failed calls
        names = [p["DBProxyName"] for p in self.rds.describe_db_proxies()["DBProxies"]]
        self.assertNotIn("p1", names)

    def test_not_found_errors(self):
        e = self.error
        for fn, kw in [
            (self.rds.describe_db_proxies, {"DBProxyName": "nope"}),
            (self.rds.modify_db_proxy, {"DBProxyName": "nope"}),
            (self.rds.delete_db_proxy, {"DBProxyName": "nope"}),
            (self.rds.describe_db_proxy_targets, {"DBProxyName": "nope"}),
            (self.rds.describe_db_proxy_target_groups, {"DBProxyName": "nope"}),
            (self.rds.register_db_proxy_targets, {"DBProxyName": "nope",
                                                  "DBClusterIdentifiers": ["c"]}),
            (self.rds.deregister_db_proxy_targets, {"DBProxyName": "nope",
                                                    "DBClusterIdentifiers": ["c"]}),
            (self.rds.modify_db_proxy_target_group, {"DBProxyName": "nope",
                                                     "TargetGroupName": "default"}),
            (self.rds.create_db_proxy_endpoint, {"DBProxyName": "nope",
                                                 "DBProxyEndpointName": "ep",
                                                 "VpcSubnetIds": self.subnets[:2]}),
        ]:
            self.assertEqual(e(fn, **kw), ("DBProxyNotFoundFault", "DBProxy nope not found.", 404),
                             fn.__name__)
        self.assertEqual(e(self.rds.describe_db_proxy_endpoints, DBProxyEndpointName="nope"),
                         ("DBProxyEndpointNotFoundFault", "DBProxyEndpoint nope not found.",
                          404))
        self.assertEqual(e(self.rds.modify_db_proxy_endpoint, DBProxyEndpointName="nope")[::2],
                         ("DBProxyEndpointNotFoundFault", 404))

    def test_describe_pagination_and_quota(self):
        # a Region of its own: the quota (20 proxies) and the listing are per Region
        rds = self.ds.client("rds", region="us-west-2")
        ec2 = self.ds.client("ec2", region="us-west-2")
        subnets = ec2.describe_subnets()["Subnets"]
        args = self.create_args("x", VpcSubnetIds=[s["SubnetId"] for s in subnets[:2]])
        del args["VpcSecurityGroupIds"]
        for i in range(20):
            rds.create_db_proxy(**dict(args, DBProxyName="page-%02d" % i))
        code, _, status = self.error(rds.create_db_proxy, **dict(args, DBProxyName="page-xx"))
        self.assertEqual((code, status), ("DBProxyQuotaExceededFault", 400))
        first = rds.describe_db_proxies(MaxRecords=20)
        self.assertEqual(len(first["DBProxies"]), 20)
        self.assertNotIn("Marker", first)
        page = rds.describe_db_proxies(MaxRecords=20, Marker="15")
        self.assertEqual([p["DBProxyName"] for p in page["DBProxies"]],
                         ["page-%02d" % i for i in range(15, 20)])
        for i in range(19):
            rds.delete_db_proxy(DBProxyName="page-%02d" % i)
        self.advance(61)
        self.assertEqual([p["DBProxyName"] for p in rds.describe_db_proxies()["DBProxies"]],
                         ["page-19"])
        self.assertEqual(self.error(rds.describe_db_proxies, Marker="x")[0],
                         "InvalidParameterValue")
        # the default VPC's default group is used when none is given
        self.assertEqual(len(rds.describe_db_proxies()["DBProxies"][0]["VpcSecurityGroupIds"]),
                         1)

    # --- target groups -----------------------------------------------------------------------

    def test_target_group(self):
        self.create_available("tg-proxy")
        self.create_available("tg-sqlserver", EngineFamily="SQLSERVER")
        pool = self.rds.describe_db_proxy_target_groups(
            DBProxyName="tg-sqlserver")["TargetGroups"][0]["ConnectionPoolConfig"]
        self.assertEqual((pool["MaxConnectionsPercent"], pool["MaxIdleConnectionsPercent"]),
                         (10, 5))
        tgs = self.rds.describe_db_proxy_target_groups(DBProxyName="tg-proxy")["TargetGroups"]
        self.assertEqual(len(tgs), 1)
        tg = tgs[0]
        self.assertEqual((tg["DBProxyName"], tg["TargetGroupName"], tg["IsDefault"],
                          tg["Status"]), ("tg-proxy", "default", True, "available"))
        self.assertRegex(tg["TargetGroupArn"], r":target-group:prx-tg-[0-9a-f]{17}$")
        pool = tg["ConnectionPoolConfig"]
        self.assertEqual((pool["MaxConnectionsPercent"], pool["MaxIdleConnectionsPercent"],
                          pool["ConnectionBorrowTimeout"], pool["SessionPinningFilters"]),
                         (100, 50, 120, []))
        e = self.error
        m = self.rds.modify_db_proxy_target_group
        self.assertEqual(e(self.rds.describe_db_proxy_target_groups, DBProxyName="tg-proxy",
                           TargetGroupName="other")[::2],
                         ("DBProxyTargetGroupNotFoundFault", 404))
        for cfg in [{"MaxConnectionsPercent": 0}, {"MaxConnectionsPercent": 101},
                    {"MaxConnectionsPercent": 100, "MaxIdleConnectionsPercent": 101},
                    {"MaxConnectionsPercent": 40, "MaxIdleConnectionsPercent": 41},
                    {"MaxIdleConnectionsPercent": 10},  # without MaxConnectionsPercent
                    {"ConnectionBorrowTimeout": 301},
                    {"SessionPinningFilters": ["NOPE"]}]:
            self.assertEqual(e(m, DBProxyName="tg-proxy", TargetGroupName="default",
                               ConnectionPoolConfig=cfg)[0], "InvalidParameterValue", cfg)
        out = m(DBProxyName="tg-proxy", TargetGroupName="default", ConnectionPoolConfig={
            "MaxConnectionsPercent": 80, "MaxIdleConnectionsPercent": 30,
            "ConnectionBorrowTimeout": 30, "SessionPinningFilters": ["EXCLUDE_VARIABLE_SETS"],
            "InitQuery": "SET x=1"})["DBProxyTargetGroup"]
        pool = out["ConnectionPoolConfig"]
        self.assertEqual((pool["MaxConnectionsPercent"], pool["MaxIdleConnectionsPercent"],
                          pool["ConnectionBorrowTimeout"], pool["SessionPinningFilters"],
                          pool["InitQuery"]), (80, 30, 30, ["EXCLUDE_VARIABLE_SETS"], "SET x=1"))
        # MaxConnectionsPercent alone: MaxIdleConnectionsPercent defaults to half of it
        pool = m(DBProxyName="tg-proxy", TargetGroupName="default", ConnectionPoolConfig={
            "MaxConnectionsPercent": 20})["DBProxyTargetGroup"]["ConnectionPoolConfig"]
        self.assertEqual((pool["MaxConnectionsPercent"], pool["MaxIdleConnectionsPercent"]),
                         (20, 10))
        got = self.rds.describe_db_proxy_target_groups(
            DBProxyName="tg-proxy")["TargetGroups"][0]["ConnectionPoolConfig"]
        self.assertEqual(got["MaxConnectionsPercent"], 20)

    # --- targets and their health ----------------------------------------------------------

    def test_targets_health_and_auth_failure(self):
        sm_arn = self.sm.create_secret(Name="proxy-targets-creds", SecretString=CREDS)["ARN"]
        cluster = self.make_cluster("tgt-aurora", readers=1)
        self.rds.create_db_proxy(**self.create_args("tgt-proxy", Auth=[
            {"AuthScheme": "SECRETS", "SecretArn": sm_arn}]))
        # registering before the proxy is available fails
        self.assertEqual(self.error(self.rds.register_db_proxy_targets, DBProxyName="tgt-proxy",
                                    DBClusterIdentifiers=["tgt-aurora"])[0],
                         "InvalidDBProxyStateFault")
        self.advance(181)
        e = self.error
        r = self.rds.register_db_proxy_targets
        self.assertEqual(e(r, DBProxyName="tgt-proxy", DBClusterIdentifiers=["nope"]),
                         ("DBClusterNotFoundFault", "DBCluster nope not found.", 404))
        self.assertEqual(e(r, DBProxyName="tgt-proxy", TargetGroupName="other",
                           DBClusterIdentifiers=["tgt-aurora"])[0],
                         "DBProxyTargetGroupNotFoundFault")
        self.assertEqual(e(r, DBProxyName="tgt-proxy")[0], "InvalidParameterValue")
        self.assertEqual(e(r, DBProxyName="tgt-proxy",
                           DBInstanceIdentifiers=["nope"])[::2], ("DBInstanceNotFound", 404))
        # a MYSQL proxy cannot front an Aurora PostgreSQL cluster
        self.create_available("tgt-mysql", EngineFamily="MYSQL")
        self.assertEqual(e(r, DBProxyName="tgt-mysql", DBClusterIdentifiers=["tgt-aurora"])[0],
                         "InvalidParameterValue")
        out = r(DBProxyName="tgt-proxy", DBClusterIdentifiers=["tgt-aurora"])["DBProxyTargets"]
        self.assertEqual([(t["Type"], t["RdsResourceId"]) for t in out],
                         [("TRACKED_CLUSTER", "tgt-aurora"), ("RDS_INSTANCE", "tgt-aurora-1"),
                          ("RDS_INSTANCE", "tgt-aurora-2")])
        inst = {t["RdsResourceId"]: t for t in out if t["Type"] == "RDS_INSTANCE"}
        self.assertEqual(inst["tgt-aurora-1"]["Role"], "READ_WRITE")
        self.assertEqual(inst["tgt-aurora-2"]["Role"], "READ_ONLY")
        self.assertEqual(inst["tgt-aurora-1"]["TrackedClusterId"], "tgt-aurora")
        self.assertEqual(inst["tgt-aurora-1"]["Port"], cluster["Port"])
        self.assertEqual(inst["tgt-aurora-1"]["TargetHealth"], {"State": "REGISTERING"})
        self.assertEqual(e(r, DBProxyName="tgt-proxy", DBClusterIdentifiers=["tgt-aurora"])[0],
                         "DBProxyTargetAlreadyRegisteredFault")
        # REGISTERING -> UNAVAILABLE / PENDING_PROXY_CAPACITY -> AVAILABLE
        self.advance(61)
        h = self.instance_health("tgt-proxy")
        self.assertEqual(h["tgt-aurora-1"], {
            "State": "UNAVAILABLE", "Reason": "PENDING_PROXY_CAPACITY",
            "Description": "DBProxy Target is waiting for proxy to scale to desired capacity"})
        self.advance(61)
        h = self.instance_health("tgt-proxy")
        self.assertEqual(h, {"tgt-aurora-1": {"State": "AVAILABLE"},
                             "tgt-aurora-2": {"State": "AVAILABLE"}})
        # the secret goes: AUTH_FAILURE at the next health check
        self.sm.delete_secret(SecretId=sm_arn, ForceDeleteWithoutRecovery=True)
        self.advance(31)
        h = self.instance_health("tgt-proxy")
        self.assertEqual(h["tgt-aurora-1"], {
            "State": "UNAVAILABLE", "Reason": "AUTH_FAILURE",
            "Description": "Proxy does not have any registered credentials"})
        # a readable secret again (ModifyDBProxy Auth): capacity, then AVAILABLE
        self.rds.modify_db_proxy(DBProxyName="tgt-proxy", Auth=[
            {"AuthScheme": "SECRETS", "SecretArn": self.secret_arn}])
        self.advance(2)
        self.assertEqual(self.instance_health("tgt-proxy")["tgt-aurora-1"]["Reason"],
                         "PENDING_PROXY_CAPACITY")
        self.advance(61)
        self.assertEqual(self.instance_health("tgt-proxy")["tgt-aurora-1"],
                         {"State": "AVAILABLE"})
        # deregister
        self.assertEqual(e(self.rds.deregister_db_proxy_targets, DBProxyName="tgt-proxy",
                           DBClusterIdentifiers=["other"])[::2],
                         ("DBProxyTargetNotFoundFault", 404))
        self.rds.deregister_db_proxy_targets(DBProxyName="tgt-proxy",
                                             DBClusterIdentifiers=["tgt-aurora"])
        self.assertEqual(self.targets("tgt-proxy"), [])

    def test_targets_follow_the_cluster(self):
        self.make_cluster("fo-aurora", readers=1)
        self.create_available("fo-proxy")
        self.rds.register_db_proxy_targets(DBProxyName="fo-proxy",
                                           DBClusterIdentifiers=["fo-aurora"])
        self.advance(125)
        roles = {t["RdsResourceId"]: t["Role"] for t in self.targets("fo-proxy")
                 if t["Type"] == "RDS_INSTANCE"}
        self.assertEqual(roles, {"fo-aurora-1": "READ_WRITE", "fo-aurora-2": "READ_ONLY"})
        # a failover moves READ_WRITE to the new writer at the next check of the cluster
        self.rds.failover_db_cluster(DBClusterIdentifier="fo-aurora",
                                     TargetDBInstanceIdentifier="fo-aurora-2")
        self.advance(65)
        roles = {t["RdsResourceId"]: t["Role"] for t in self.targets("fo-proxy")
                 if t["Type"] == "RDS_INSTANCE"}
        self.assertEqual(roles, {"fo-aurora-1": "READ_ONLY", "fo-aurora-2": "READ_WRITE"})
        # a new member is registered as a target; a deleted one goes
        self.rds.create_db_instance(DBInstanceIdentifier="fo-aurora-3",
                                    DBClusterIdentifier="fo-aurora", Engine="aurora-postgresql",
                                    DBInstanceClass="db.r6g.large")
        self.advance(31)
        ids = [t["RdsResourceId"] for t in self.targets("fo-proxy")]
        self.assertEqual(ids, ["fo-aurora", "fo-aurora-1", "fo-aurora-2", "fo-aurora-3"])
        self.rds.delete_db_instance(DBInstanceIdentifier="fo-aurora-1")
        for _ in range(20):
            self.advance(31)
            ids = [t["RdsResourceId"] for t in self.targets("fo-proxy")]
            if "fo-aurora-1" not in ids:
                break
        self.assertEqual(ids, ["fo-aurora", "fo-aurora-2", "fo-aurora-3"])

    def test_secret_without_credentials_and_missing_role(self):
        bad = self.sm.create_secret(Name="proxy-no-user", SecretString="just text")["ARN"]
        self.make_cluster("auth-aurora")
        self.create_available("auth-proxy-1", Auth=[{"AuthScheme": "SECRETS",
                                                     "SecretArn": bad}])
        self.create_available("auth-proxy-2", RoleArn="arn:aws:iam::%s:role/no-such-role"
                              % self.account)
        for name in ("auth-proxy-1", "auth-proxy-2"):
            self.rds.register_db_proxy_targets(DBProxyName=name,
                                               DBClusterIdentifiers=["auth-aurora"])
        self.advance(61)
        for name in ("auth-proxy-1", "auth-proxy-2"):
            h = self.instance_health(name)["auth-aurora-1"]
            self.assertEqual((h["State"], h["Reason"]), ("UNAVAILABLE", "AUTH_FAILURE"), name)

    # --- endpoints -------------------------------------------------------------------------

    def test_endpoints(self):
        p = self.create_available("ep-proxy")
        e = self.error
        ce = self.rds.create_db_proxy_endpoint
        ep = ce(DBProxyName="ep-proxy", DBProxyEndpointName="ep-reader",
                VpcSubnetIds=self.subnets[:2], TargetRole="READ_ONLY",
                Tags=[{"Key": "k", "Value": "v"}])["DBProxyEndpoint"]
        self.assertEqual((ep["DBProxyEndpointName"], ep["DBProxyName"], ep["Status"],
                          ep["TargetRole"], ep["IsDefault"], ep["VpcId"]),
                         ("ep-reader", "ep-proxy", "creating", "READ_ONLY", False, self.vpc))
        self.assertEqual(ep["VpcSecurityGroupIds"], [self.sg])
        self.assertRegex(ep["Endpoint"], r"^ep-reader\.endpoint\.proxy-[a-z0-9]{12}\."
                                         r"us-east-1\.rds\.amazonaws\.com$")
        self.assertRegex(ep["DBProxyEndpointArn"], r":db-proxy-endpoint:prx-endpoint-[0-9a-f]"
                                                   r"{17}$")
        self.assertEqual(e(ce, DBProxyName="ep-proxy", DBProxyEndpointName="ep-reader",
                           VpcSubnetIds=self.subnets[:2])[0],
                         "DBProxyEndpointAlreadyExistsFault")
        self.assertEqual(e(ce, DBProxyName="ep-proxy", DBProxyEndpointName="ep-x",
                           VpcSubnetIds=["subnet-{id1}"])[0], "InvalidSubnet")
        self.assertEqual(e(ce, DBProxyName="ep-proxy", DBProxyEndpointName="ep-x",
                           VpcSubnetIds=self.subnets[:2], TargetRole="WRITER")[0],
                         "InvalidParameterValue")
        eps = self.rds.describe_db_proxy_endpoints(DBProxyName="ep-proxy")["DBProxyEndpoints"]
        self.assertEqual([(x["DBProxyEndpointName"], x["IsDefault"]) for x in eps],
                         [("default", True), ("ep-reader", False)])
        self.assertEqual(eps[0]["Endpoint"], p["Endpoint"])
        self.advance(121)
        got = self.rds.describe_db_proxy_endpoints(
            DBProxyEndpointName="ep-reader")["DBProxyEndpoints"]
        self.assertEqual(got[0]["Status"], "available")
        m = self.rds.modify_db_proxy_endpoint(DBProxyEndpointName="ep-reader",
                                              NewDBProxyEndpointName="ep-ro")["DBProxyEndpoint"]
        self.assertEqual((m["DBProxyEndpointName"], m["Status"]), ("ep-ro", "modifying"))
        self.assertTrue(m["Endpoint"].startswith("ep-ro.endpoint.proxy-"))
        self.advance(31)
        d = self.rds.delete_db_proxy_endpoint(DBProxyEndpointName="ep-ro")["DBProxyEndpoint"]
        self.assertEqual(d["Status"], "deleting")
        self.advance(61)
        self.assertEqual(e(self.rds.describe_db_proxy_endpoints,
                           DBProxyEndpointName="ep-ro")[0], "DBProxyEndpointNotFoundFault")
        # deleting a proxy removes its endpoints
        ce(DBProxyName="ep-proxy", DBProxyEndpointName="ep-gone", VpcSubnetIds=self.subnets[:2])
        self.rds.delete_db_proxy(DBProxyName="ep-proxy")
        self.advance(61)
        self.assertEqual(e(self.rds.describe_db_proxy_endpoints,
                           DBProxyEndpointName="ep-gone")[0], "DBProxyEndpointNotFoundFault")


if __name__ == "__main__":
    harness.main()
