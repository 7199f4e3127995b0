#!/usr/bin/env python3
"""Acknowledged writes survive kill -9 (issue 2, done means 10).

Several threads write PutParameter and PutMetricData as fast as they can against a drillsim
with a data file; after a while the server is killed with SIGKILL mid-load. Every write that
got a 200 must then be found after a restart on the same --data, and the database must pass
SQLite's integrity check.
"""
import os
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
import unittest

import botocore.exceptions

import harness

WRITERS = 4
RUN_SECONDS = 2.0


class Durability(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="drillsim-durability-")
        self.data = os.path.join(self.dir, "state.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def load(self, ds, stop, acked, idx):
        ssm = ds.client("ssm")
        cw = ds.client("cloudwatch")
        n = 0
        while not stop.is_set():
            n += 1
            name = "/durability/w%d/p%d" % (idx, n % 50)
            value = "w%d-%d" % (idx, n)
            try:
                r = ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
                acked["ssm"].append((name, r["Version"], value))
                cw.put_metric_data(Namespace="Durability", MetricData=[
                    {"MetricName": "m%d_%d" % (idx, n), "Value": float(n)}])
                acked["cw"].append("m%d_%d" % (idx, n))
            except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError,
                    botocore.exceptions.ClientError, ConnectionError, OSError):
                return  # the server is gone; nothing after this was acknowledged

    def test_kill9_during_load(self):
        ds = harness.Drillsim(data=self.data).start()
        stop = threading.Event()
        acked = {"ssm": [], "cw": []}
        threads = [threading.Thread(target=self.load, args=(ds, stop, acked, i))
                   for i in range(WRITERS)]
        for t in threads:
            t.start()
        time.sleep(RUN_SECONDS)
        ds.proc.send_signal(signal.SIGKILL)  # mid-load, no clean shutdown
        ds.proc.wait()
        stop.set()
        for t in threads:
            t.join(30)
        ds.stop()
        self.assertGreater(len(acked["ssm"]), 20, "the load did not get going")

        db = sqlite3.connect(self.data)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        db.close()

        with harness.Drillsim(data=self.data) as ds2:
            ssm = ds2.client("ssm")
            latest = {}
            for name, version, value in acked["ssm"]:
                if version > latest.get(name, (0, None))[0]:
                    latest[name] = (version, value)
            for name, (version, value) in sorted(latest.items()):
                # a later write may have landed without its reply being read; never an earlier one
                p = ssm.get_parameter(Name=name)["Parameter"]
                self.assertGreaterEqual(p["Version"], version, name)
                if p["Version"] == version:
                    self.assertEqual(p["Value"], value)
                h = ssm.get_parameter(Name="%s:%d" % (name, version))["Parameter"]
                self.assertEqual(h["Value"], value)
            cw = ds2.client("cloudwatch")
            listed = set()
            for page in cw.get_paginator("list_metrics").paginate(Namespace="Durability"):
                listed.update(m["MetricName"] for m in page["Metrics"])
            missing = set(acked["cw"]) - listed
            self.assertFalse(missing, "acknowledged metrics lost: %s" % sorted(missing)[:5])
        print("acknowledged before kill -9: %d parameter writes, %d metric writes; all present"
              % (len(acked["ssm"]), len(acked["cw"])))


if __name__ == "__main__":
    harness.main()
