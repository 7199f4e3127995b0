#!/usr/bin/env python3
"""bench_world.py - how fast the world model runs: simulated seconds per wall second.

Run on demand (`./drill bench-world`), never as a pass/fail test. It starts drillsim in manual
clock with a benchmark variant of the `compound` scenario (a copy written to a temporary
--share directory): 20 tasks (the scalable target is removed so they stay), 200 requests/s,
logs sampled at 10 %, a connection leak from the first hour and a traffic surge; then
advances --hours (default 24) of sim time in one-hour steps, one engine tick per second, and
prints sim seconds per wall second, with the size of the state file and what was emitted.
moto has no world model to compare with.

usage: bench_world.py [--hours N] [--tasks N] [--rps N]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import harness  # noqa: E402


def scenario(tasks, rps):
    return {
        "name": "bench-compound",
        "summary": "compound, sized for the world benchmark",
        "fixture": "golden-path",
        "env": "bench",
        "seed": 7,
        "preroll": "0s",
        "traffic": {"rps": rps, "profile": "diurnal", "noise": 0.05},
        "app": {"leak_share": 0.0004, "log_sample": 0.1},
        "timeline": [
            {"at": "0s", "do": "api", "service": "application-autoscaling",
             "op": "DeregisterScalableTarget",
             "in": {"ServiceNamespace": "ecs",
                    "ResourceId": "service/golden-path-cluster-{env}/golden-path-service-{env}",
                    "ScalableDimension": "ecs:service:DesiredCount"}},
            {"at": "0s", "do": "scale", "desired": tasks},
            {"at": "1h", "do": "set_failure_mode", "value": "connection_leak"},
            {"at": "3h", "do": "traffic_surge", "factor": 1.5, "for": "2h"},
            {"at": "6h", "do": "set_failure_mode", "value": "none"},
        ],
        "objectives": [],
    }


def post(ds, path, body):
    req = urllib.request.Request(ds.endpoint + path, data=json.dumps(body).encode(),
                                 method="POST")
    with urllib.request.urlopen(req, timeout=3600) as r:
        return json.loads(r.read())


def get(ds, path):
    with urllib.request.urlopen(ds.endpoint + path, timeout=60) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=int, default=24)
    ap.add_argument("--tasks", type=int, default=20)
    ap.add_argument("--rps", type=float, default=200)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="drillsim-bench-world-")
    try:
        os.makedirs(os.path.join(tmp, "scenarios"))
        os.symlink(os.path.join(ROOT, "fixtures"), os.path.join(tmp, "fixtures"))
        with open(os.path.join(tmp, "scenarios", "bench-compound.json"), "w") as f:
            json.dump(scenario(a.tasks, a.rps), f)
        data = os.path.join(tmp, "state.db")
        ds = harness.Drillsim(data=data, args=["--share", tmp, "--scenario", "bench-compound",
                                               "--clock", "manual@2026-01-01T00:00:00Z"])
        t0 = time.monotonic()
        ds.start(timeout=600)
        print("start (fixture settled): %.2f s" % (time.monotonic() - t0))
        # let the scale to N tasks happen before timing
        post(ds, "/_drill/clock/advance", {"seconds": 600})
        w = get(ds, "/_drill/world")
        print("tasks: %d, database connections: %d" % (len(w["tasks"]), w["database"]["connections"]))
        total = 0.0
        for h in range(a.hours):
            t = time.monotonic()
            post(ds, "/_drill/clock/advance", {"seconds": 3600})
            dt = time.monotonic() - t
            total += dt
            w = get(ds, "/_drill/world")
            print("hour %2d: %6.0f sim s/wall s  (tasks %d, db connections %d)"
                  % (h + 1, 3600 / dt, len(w["tasks"]), w["database"]["connections"]))
        print("-- %d h of sim time in %.1f s: %.0f simulated seconds per wall second"
              % (a.hours, total, a.hours * 3600 / total))
        size = sum(os.path.getsize(os.path.join(tmp, n)) for n in os.listdir(tmp)
                   if n.startswith("state.db"))
        print("state file: %.1f MB" % (size / 1e6))
        ds.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
