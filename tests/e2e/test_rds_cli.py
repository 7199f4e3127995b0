#!/usr/bin/env python3
"""RDS through the real aws CLIs (issue 6, done means 1 and 2): the runbook's
`aws rds describe-db-clusters --db-cluster-identifier golden-path-aurora-dev --query
'DBClusters[0].{Status:Status,Engine:Engine}'` prints available / aurora-postgresql with CLI v1
(on PATH) and the Debian CLI v2 (/usr/bin/aws), and an unknown cluster prints AWS's error line
with the CLI's exit status for a service error (255 in v1, 254 in v2). A CLI call costs about
0.7 s of CPU, so breadth is in test_rds.py (boto3); this file proves only what the CLIs add:
their XML parsing, --query, their waiter and their pagination.
"""
import json
import unittest

import harness

ACCOUNT = "210987654321"
CLIS = ["v1"] + (["v2"] if harness.have_cli_v2() else [])
EXIT_SERVICE_ERROR = {"v1": 255, "v2": 254}


class RdsCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--clock", "manual@2026-01-01T00:00:00Z",
                                        "--timing", "fast"]).start()
        rds = cls.ds.client("rds", access_key=ACCOUNT)
        rds.create_db_cluster(DBClusterIdentifier="golden-path-aurora-dev",
                              Engine="aurora-postgresql", MasterUsername="postgres",
                              ManageMasterUserPassword=True)
        rds.create_db_instance(DBInstanceIdentifier="golden-path-aurora-dev-1",
                               DBClusterIdentifier="golden-path-aurora-dev",
                               Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
        cls.ds.control("POST", "/_drill/clock/advance?team=" + ACCOUNT, {"seconds": 30})

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def cli(self, which, *args):
        return self.ds.cli(which, "rds", *args, access_key=ACCOUNT)

    def test_runbook_query(self):
        for which in CLIS:
            with self.subTest(cli=which):
                p = self.cli(which, "describe-db-clusters", "--db-cluster-identifier",
                             "golden-path-aurora-dev", "--query",
                             "DBClusters[0].{Status:Status,Engine:Engine}", "--output", "json")
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(json.loads(p.stdout),
                                 {"Status": "available", "Engine": "aurora-postgresql"})
                p = self.cli(which, "describe-db-clusters", "--db-cluster-identifier",
                             "golden-path-aurora-dev", "--query",
                             "DBClusters[0].[Status,Engine,Port,DBClusterMembers[0]."
                             "IsClusterWriter]", "--output", "text")
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(p.stdout.split(), ["available", "aurora-postgresql", "5432",
                                                    "True"])

    def test_unknown_cluster(self):
        for which in CLIS:
            with self.subTest(cli=which):
                p = self.cli(which, "describe-db-clusters", "--db-cluster-identifier", "nope")
                self.assertEqual(p.returncode, EXIT_SERVICE_ERROR[which], p.stderr)
                self.assertEqual(p.stderr.strip(),
                                 "An error occurred (DBClusterNotFoundFault) when calling the "
                                 "DescribeDBClusters operation: DBCluster nope not found.")

    def test_waiter_and_instances(self):
        # the waiter polls DescribeDBClusters until every cluster is available: at once here
        p = self.cli("v1", "wait", "db-cluster-available", "--db-cluster-identifier",
                     "golden-path-aurora-dev")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.cli(CLIS[-1], "describe-db-instances", "--query",
                     "DBInstances[].[DBInstanceIdentifier,DBInstanceStatus,DBInstanceClass,"
                     "DBParameterGroups[0].ParameterApplyStatus]", "--output", "text")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), ["golden-path-aurora-dev-1", "available",
                                            "db.r6g.large", "in-sync"])

    def test_parameters_pagination(self):
        # the CLI follows Marker across pages of 20 by itself
        p = self.cli(CLIS[-1], "describe-db-parameters", "--db-parameter-group-name",
                     "default.aurora-postgresql16", "--page-size", "20", "--query",
                     "Parameters[?ParameterName=='max_connections'].[ParameterValue,ApplyType]",
                     "--output", "text")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(),
                         ["LEAST({DBInstanceClassMemory/9531392},5000)", "static"])
        p = self.cli("v1", "describe-events", "--source-type", "db-cluster", "--query",
                     "Events[].Message", "--output", "text")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split("\t")[0].strip(), "DB cluster created")


if __name__ == "__main__":
    harness.main()
