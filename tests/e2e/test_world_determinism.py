"""test_world_determinism.py - issue 7, done means 3: the same scenario, seed and request
sequence, run twice on two servers (manual clock), give byte-identical metric exports
(GetMetricData and GetMetricStatistics of every emitted metric over the whole drill, pre-roll
included) and log exports (FilterLogEvents of the whole app log group). The second run has
the web console's pages open all along: watching a drill does not change it.
"""
import hashlib
import json
import sys
import unittest

import harness
import world_util as wu
from world_util import at

STATS = ["SampleCount", "Sum", "Minimum", "Maximum", "Average"]


CONSOLE = ["/console/dashboards/GoldenPath-dev?range=1h", "/console/drill",
           "/console/ecs/service?cluster=golden-path-cluster-dev&name=golden-path-service-dev",
           "/console/rds/cluster?id=golden-path-aurora-dev", "/console/logs/insights"]


def scripted_run(watched=False):
    """Runs the drill with a fixed request sequence; returns (metric export, log export,
    GetMetricStatistics export) as bytes. watched: someone has the web console's pages open
    (they call handlers inside drillsim), which must change nothing."""
    ds = wu.start_drill("connection-leak", app=True)
    try:
        app = []
        for minute in range(20):
            wu.advance(ds, 60)
            for path in CONSOLE if watched else []:
                status, _, _ = ds.raw(path, method="GET")
                assert status == 200, path
            if minute % 5 == 4:
                app.append(wu.app_get(ds, "/db"))
                app.append(wu.app_get(ds, "/health"))
            if minute == 11:
                ds.client("ssm").put_parameter(Name="/golden/failure_mode", Value="none",
                                               Type="String", Overwrite=True)
                ds.client("ecs").update_service(cluster=wu.ECS_CLUSTER, service=wu.SERVICE,
                                                forceNewDeployment=True)
        return export_metrics(ds), export_logs(ds), export_stats(ds), json.dumps(app).encode()
    finally:
        ds.stop()


def all_metrics(cw):
    out = []
    for page in cw.get_paginator("list_metrics").paginate():
        out += page["Metrics"]
    key = lambda m: (m["Namespace"], m["MetricName"],
                     sorted((d["Name"], d["Value"]) for d in m["Dimensions"]))
    return sorted(out, key=key)


def export_metrics(ds):
    cw = ds.client("cloudwatch")
    metrics = [m for m in all_metrics(cw) if m["Namespace"].startswith(("AWS/", "ECS/"))]
    queries = []
    for i, m in enumerate(metrics):
        for s in STATS:
            queries.append({"Id": "m%d%s" % (i, s.lower()), "ReturnData": True,
                            "MetricStat": {"Metric": m, "Period": 60, "Stat": s}})
    results = []
    for k in range(0, len(queries), 500):
        token = None
        while True:
            kw = {"NextToken": token} if token else {}
            r = cw.get_metric_data(MetricDataQueries=queries[k:k + 500],
                                   StartTime=at(-90), EndTime=at(21), ScanBy="TimestampAscending",
                                   **kw)
            for x in r["MetricDataResults"]:
                results.append([x["Id"], x["Label"], x["StatusCode"],
                                [t.timestamp() for t in x["Timestamps"]], x["Values"]])
            token = r.get("NextToken")
            if not token:
                break
    return json.dumps({"metrics": metrics, "results": results}, sort_keys=True).encode()


def export_stats(ds):
    cw = ds.client("cloudwatch")
    out = []
    for m in all_metrics(cw):
        if not m["Namespace"].startswith(("AWS/", "ECS/")):
            continue
        r = cw.get_metric_statistics(Namespace=m["Namespace"], MetricName=m["MetricName"],
                                     Dimensions=m["Dimensions"], StartTime=at(-90),
                                     EndTime=at(21), Period=300, Statistics=STATS)
        pts = sorted(r["Datapoints"], key=lambda d: d["Timestamp"])
        out.append([m, [[d["Timestamp"].timestamp()] + [d[s] for s in STATS] + [d.get("Unit")]
                        for d in pts]])
    return json.dumps(out, sort_keys=True).encode()


def export_logs(ds):
    logs = ds.client("logs")
    events = []
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=wu.LOG_GROUP):
        events += page["events"]
    return json.dumps(events, sort_keys=True).encode()


class Determinism(unittest.TestCase):
    def test_two_runs_export_the_same_bytes(self):
        a = scripted_run()
        b = scripted_run(watched=True)
        names = ("GetMetricData", "FilterLogEvents", "GetMetricStatistics", "app replies")
        # the exports are not trivially empty
        m = json.loads(a[0])
        self.assertGreater(len(m["metrics"]), 15)
        self.assertGreater(sum(len(r[4]) for r in m["results"]), 5000)
        print("metrics", len(m["metrics"]), "values", sum(len(r[4]) for r in m["results"]),
              "log events", len(json.loads(a[1])), file=sys.stderr)
        self.assertGreater(len(json.loads(a[1])), 10000)
        self.assertGreater(len(a[2]), 10000)
        for name, x, y in zip(names, a, b):
            if x != y:
                n = min(len(x), len(y))
                i = next((k for k in range(n) if x[k] != y[k]), n)
                self.fail("%s exports differ (%d vs %d bytes) at byte %d:\n%r\n%r" % (
                    name, len(x), len(y), i, x[max(0, i - 200):i + 200],
                    y[max(0, i - 200):i + 200]))
            self.assertEqual(hashlib.sha256(x).hexdigest(), hashlib.sha256(y).hexdigest())


if __name__ == "__main__":
    harness.main()
