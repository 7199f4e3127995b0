"""test_world_proxy.py - issue 7, done means 7: with an RDS Proxy created (the runbook's
create-db-proxy with the fixture's secret, role, default subnets and security group, with the
aws CLI), available, the cluster registered as its target, MaxConnectionsPercent 40, and the app
pointed at it (/golden/db_endpoint = the proxy endpoint, then a new deployment so the tasks read
it at start), the cluster's DatabaseConnections stay at or under the proxy's budget while the
proxy's ClientConnections exceed it under the connection leak.
"""
import unittest

import harness
import world_util as wu

PROXY = "golden-path-proxy-dev"
CREATE = """aws rds create-db-proxy \\
  --db-proxy-name golden-path-proxy-{env} \\
  --engine-family POSTGRESQL \\
  --auth Description="Proxy authentication",AuthScheme=SECRETS,SecretArn=arn:aws:secretsmanager:region:account:secret:golden-path/db-credentials/{env} \\
  --role-arn arn:aws:iam::{account-id}:role/rds-proxy-role-{env} \\
  --vpc-subnet-ids subnet-{id1} subnet-{id2} \\
  --vpc-security-group-ids sg-{id}"""


class ProxyBudget(unittest.TestCase):
    def test_proxy_bounds_database_connections_under_a_leak(self):
        wu.need_tools(self, "aws")
        with wu.drill("connection-leak") as ds:
            self._drill(ds)

    def wait(self, ds, what, pred, limit_s=900):
        for _ in range(limit_s // 30):
            got = pred()
            if got:
                return got
            wu.advance(ds, 30)
        self.fail("%s not reached in %d s of sim time" % (what, limit_s))

    def _drill(self, ds):
        rds = ds.client("rds")
        secret = ds.client("secretsmanager").describe_secret(
            SecretId="golden-path/db-credentials/dev")["ARN"]
        role = ds.client("iam").get_role(RoleName="rds-proxy-role-dev")["Role"]["Arn"]
        ec2 = ds.client("ec2")
        subnets = [s["SubnetId"] for s in ec2.describe_subnets(
            Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]][:2]
        sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])[
            "SecurityGroups"][0]["GroupId"]
        # the runbook's command with its placeholders filled in (the secret's full ARN)
        cmd = (CREATE.replace("arn:aws:secretsmanager:region:account:secret:"
                              "golden-path/db-credentials/{env}", secret)
               .replace("arn:aws:iam::{account-id}:role/rds-proxy-role-{env}", role)
               .replace("subnet-{id1} subnet-{id2}", " ".join(subnets))
               .replace("sg-{id}", sg).replace("{env}", "dev"))
        p = wu.Runbook(ds).shell(cmd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('"Status": "creating"', p.stdout)

        self.wait(ds, "proxy available", lambda: rds.describe_db_proxies(
            DBProxyName=PROXY)["DBProxies"][0]["Status"] == "available")
        rds.register_db_proxy_targets(DBProxyName=PROXY,
                                      DBClusterIdentifiers=[wu.CLUSTER])
        rds.modify_db_proxy_target_group(DBProxyName=PROXY, TargetGroupName="default",
                                         ConnectionPoolConfig={"MaxConnectionsPercent": 40})
        tg = rds.describe_db_proxy_target_groups(DBProxyName=PROXY)["TargetGroups"][0]
        self.assertEqual(tg["ConnectionPoolConfig"]["MaxConnectionsPercent"], 40)

        def targets_up():
            t = [x for x in rds.describe_db_proxy_targets(DBProxyName=PROXY)["Targets"]
                 if x["Type"] == "RDS_INSTANCE"]
            return t and all(x["TargetHealth"]["State"] == "AVAILABLE" for x in t)

        self.wait(ds, "targets AVAILABLE", targets_up)
        endpoint = rds.describe_db_proxies(DBProxyName=PROXY)["DBProxies"][0]["Endpoint"]
        ds.client("ssm").put_parameter(Name="/golden/db_endpoint", Value=endpoint,
                                       Type="String", Overwrite=True)
        ds.client("ecs").update_service(cluster=wu.ECS_CLUSTER, service=wu.SERVICE,
                                        forceNewDeployment=True)
        deployed = wu.now_dt(ds)
        wu.advance(ds, 5 * 60)
        w = wu.world(ds)
        self.assertTrue(w["tasks"] and all(t["viaProxy"] for t in w["tasks"]), w["tasks"])
        self.assertEqual(w["proxy"]["budget"], 40, w["proxy"])
        wu.advance(ds, 25 * 60)
        w = wu.world(ds)
        self.assertTrue(all(t["leaking"] for t in w["tasks"]), w["tasks"])
        self.assertGreater(w["proxy"]["clientConnections"], 40, w["proxy"])
        self.assertLessEqual(w["database"]["connections"], 40, w["database"])

        start = deployed.replace(second=0) + wu.datetime.timedelta(minutes=5)
        end = wu.now_dt(ds)
        db = wu.db_series(ds, start, end)
        self.assertGreaterEqual(len(db), 20, db)
        self.assertLessEqual(max(db.values()), 40, db)
        client = wu.metric_series(ds, "AWS/RDS", "ClientConnections", [("ProxyName", PROXY)],
                                  "Maximum", start, end)
        self.assertGreaterEqual(len(client), 20, client)
        self.assertGreater(max(client.values()), 40, client)
        wu.assert_rising(self, [client[k] for k in sorted(client)], "ClientConnections",
                         min_rise=20)
        pdb = wu.metric_series(ds, "AWS/RDS", "DatabaseConnections", [("ProxyName", PROXY)],
                               "Maximum", start, end)
        self.assertTrue(pdb and max(pdb.values()) <= 40, pdb)
        self.assertEqual(wu.alarm_state(ds), "OK")


if __name__ == "__main__":
    harness.main()
