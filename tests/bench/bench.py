#!/usr/bin/env python3
"""bench.py - drillsim side by side with moto_server (and nginx as this machine's ceiling).

Run on demand (`./drill bench`), never as a pass/fail test. Prints one table:
  - time from exec to the first answered request (SSM DescribeParameters over HTTP);
  - RSS after the load (and peak RSS);
  - SSM GetParameter requests/s and p50/p99 latency with wrk, 1 and 32 connections;
    the same fixed response body served by nginx (one worker) gives the machine's ceiling;
  - PutMetricData of 10,000 metrics (10 calls of 1,000, gzipped by botocore) then ListMetrics
    of all of them (paging), with boto3.
  - Statistics (stats_bench): one metric with a week of one-minute data (10,080 datapoints),
    and 1,000 metrics with --metric-minutes (default 60) of one-minute data each; then
    GetMetricStatistics of the week (period 3600: the five statistics; and p99), GetMetricData
    of the week at period 60 (10,080 values in one call) and at 3600 with p99,
    GetMetricStatistics of each of the 1,000 metrics (1,000 calls) and GetMetricData of all
    1,000 (2 calls of 500 queries). Each figure is the median of --repeat runs; a call that a
    server fails (moto has no percentiles in GetMetricData, for one) is reported as failed.
  - Logs ingest (logs_ingest_bench): --ingest-batches PutLogEvents calls (default 40), each a
    1 MB batch of 5,000 of the app's JSON lines, sent pre-serialized over one keep-alive
    connection as botocore sends them, so the figure is the server's; events/s overall.
    --ingest-batches 0 skips it.
  - Logs Insights (insights_bench): --insights-events (default 1,000,000; 0 skips it) app
    JSON lines in one group over the last 50 minutes, ingested in 1 MB PutLogEvents batches;
    then the runbook's query (last 15 minutes), stats count(*) by bin(1m), parse ... | stats
    pct, and a filter on a JSON field with stats, each from StartQuery to Complete (median
    of --repeat runs).

usage: bench.py [--seconds N] [--skip-moto] [--skip-nginx] [--metric-minutes N] [--repeat N]
                [--ingest-batches N] [--insights-events N]
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import harness  # noqa: E402

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/ssm/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-target, Signature=00")
PARAM = "/bench/golden/failure_mode"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def post(port, target, body, timeout=2):
    req = urllib.request.Request("http://127.0.0.1:%d/" % port, data=body.encode(), method="POST",
                                 headers={"X-Amz-Target": target, "Authorization": AUTH,
                                          "Content-Type": "application/x-amz-json-1.1"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def rss_kb(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out.get("VmRSS", 0), out.get("VmHWM", 0), out.get("RssAnon", 0)


class Server:
    def __init__(self, name, cmd, port):
        self.name, self.cmd, self.port = name, cmd, port
        self.proc = None
        self.startup_ms = None

    def start(self):
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = t0 + 30
        while time.perf_counter() < deadline:
            try:
                status, _ = post(self.port, "AmazonSSM.DescribeParameters", "{}", timeout=1)
                if status == 200:
                    self.startup_ms = (time.perf_counter() - t0) * 1000
                    return self
            except OSError:
                time.sleep(0.001)
        raise RuntimeError("%s did not answer" % self.name)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def wrk(port, conns, seconds, script):
    threads = 1 if conns == 1 else 2
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds, "--latency",
                          "-s", script, "http://127.0.0.1:%d/" % port],
                         capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99),
            "non2xx": int(bad.group(1)) if bad else 0, "errors": errors.group(1) if errors else ""}


def wrk_script(dirname):
    path = os.path.join(dirname, "getparameter.lua")
    with open(path, "w") as f:
        f.write('wrk.method = "POST"\n'
                'wrk.body = \'{"Name":"%s"}\'\n'
                'wrk.headers["X-Amz-Target"] = "AmazonSSM.GetParameter"\n'
                'wrk.headers["Content-Type"] = "application/x-amz-json-1.1"\n'
                'wrk.headers["Authorization"] = "%s"\n' % (PARAM, AUTH))
    return path


def start_nginx(dirname, body):
    port = free_port()
    conf = os.path.join(dirname, "nginx.conf")
    body_file = os.path.join(dirname, "body.json")
    with open(body_file, "wb") as f:
        f.write(body)
    with open(conf, "w") as f:
        f.write("""worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(d)s; proxy_temp_path %(d)s; fastcgi_temp_path %(d)s;
  uwsgi_temp_path %(d)s; scgi_temp_path %(d)s;
  server {
    listen 127.0.0.1:%(port)d;
    location / { default_type application/x-amz-json-1.1; return 200 '%(body)s'; }
  }
}
""" % {"d": dirname, "port": port, "body": body.decode().replace("'", "\\'")})
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", dirname, "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, port
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("nginx did not start")


def metrics_bench(port, compress=True):
    """PutMetricData of 10,000 metrics in 10 calls of 1,000 (gzipped by botocore unless
    compress is False), then ListMetrics of all of them. Returns (put_s, list_s, listed)."""
    import boto3
    import botocore.config
    cw = boto3.client("cloudwatch", endpoint_url="http://127.0.0.1:%d" % port, region_name="us-east-1",
                      aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key=harness.SECRET,
                      config=botocore.config.Config(retries={"max_attempts": 1},
                                                    disable_request_compression=not compress))
    t0 = time.perf_counter()
    for batch in range(10):
        cw.put_metric_data(Namespace="Bench", MetricData=[
            {"MetricName": "m%05d" % (batch * 1000 + i), "Value": float(i),
             "Dimensions": [{"Name": "Service", "Value": "web"}]} for i in range(1000)])
    put_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = 0
    for page in cw.get_paginator("list_metrics").paginate(Namespace="Bench"):
        n += len(page["Metrics"])
    list_s = time.perf_counter() - t0
    return put_s, list_s, n


STATS_NS = "BenchStats"
WEEK_MIN = 7 * 24 * 60


def stats_client(port, compress=True):
    import boto3
    import botocore.config
    return boto3.client("cloudwatch", endpoint_url="http://127.0.0.1:%d" % port,
                        region_name="us-east-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                        aws_secret_access_key=harness.SECRET,
                        config=botocore.config.Config(retries={"max_attempts": 1},
                                                      read_timeout=600,
                                                      disable_request_compression=not compress))


def stats_put(cw, minutes_per_metric):
    """The week of one metric and the 1,000 metrics; returns (now, seconds spent putting)."""
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    t0 = time.perf_counter()
    week = [{"MetricName": "Week", "Value": float(i % 97), "Unit": "Count",
             "Timestamp": now - datetime.timedelta(minutes=WEEK_MIN - i),
             "Dimensions": [{"Name": "Host", "Value": "h0"}]} for i in range(WEEK_MIN)]
    for i in range(0, len(week), 1000):
        cw.put_metric_data(Namespace=STATS_NS, MetricData=week[i:i + 1000])
    batch = []
    for m in range(1000):
        for k in range(minutes_per_metric):
            batch.append({"MetricName": "Many", "Value": float((m + k) % 53), "Unit": "Count",
                          "Timestamp": now - datetime.timedelta(minutes=minutes_per_metric - k),
                          "Dimensions": [{"Name": "Host", "Value": "h%04d" % m}]})
            if len(batch) == 1000:
                cw.put_metric_data(Namespace=STATS_NS, MetricData=batch)
                batch = []
    if batch:
        cw.put_metric_data(Namespace=STATS_NS, MetricData=batch)
    return now, time.perf_counter() - t0


def timed(fn, repeat):
    """The median wall time of repeat runs of fn (an exception goes to the caller)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def stats_bench(name, port, minutes_per_metric, repeat, notes):
    """Returns {figure: seconds or None}; see the module docstring."""
    import datetime
    cw = stats_client(port)
    try:
        now, put_s = stats_put(cw, minutes_per_metric)
    except Exception as e:  # noqa: as metrics_bench_any, once more uncompressed
        notes.append("%s: the statistics data went in uncompressed (gzipped: %s)"
                     % (name, str(e).splitlines()[0][:100]))
        cw = stats_client(port, compress=False)
        now, put_s = stats_put(cw, minutes_per_metric)
    week_start = now - datetime.timedelta(minutes=WEEK_MIN)
    many_start = now - datetime.timedelta(minutes=minutes_per_metric)
    host0 = [{"Name": "Host", "Value": "h0"}]

    def metric(metric_name, host):
        return {"Namespace": STATS_NS, "MetricName": metric_name,
                "Dimensions": [{"Name": "Host", "Value": host}]}

    def gms_week():
        r = cw.get_metric_statistics(Namespace=STATS_NS, MetricName="Week", Dimensions=host0,
                                     StartTime=week_start, EndTime=now, Period=3600,
                                     Statistics=["SampleCount", "Average", "Sum", "Minimum",
                                                 "Maximum"])
        assert len(r["Datapoints"]) == 168, len(r["Datapoints"])

    def gms_week_p99():
        r = cw.get_metric_statistics(Namespace=STATS_NS, MetricName="Week", Dimensions=host0,
                                     StartTime=week_start, EndTime=now, Period=3600,
                                     ExtendedStatistics=["p99"])
        assert len(r["Datapoints"]) == 168 and "p99" in r["Datapoints"][0]["ExtendedStatistics"]

    def gmd_week():
        r = cw.get_metric_data(StartTime=week_start, EndTime=now, MetricDataQueries=[
            {"Id": "w", "MetricStat": {"Metric": metric("Week", "h0"), "Period": 60,
                                       "Stat": "Average"}}])
        n = len(r["MetricDataResults"][0]["Values"])
        assert n == WEEK_MIN, n

    def gmd_week_p99():
        r = cw.get_metric_data(StartTime=week_start, EndTime=now, MetricDataQueries=[
            {"Id": "w", "MetricStat": {"Metric": metric("Week", "h0"), "Period": 3600,
                                       "Stat": "p99"}}])
        assert len(r["MetricDataResults"][0]["Values"]) == 168

    def gms_many():
        for m in range(1000):
            r = cw.get_metric_statistics(Namespace=STATS_NS, MetricName="Many",
                                         Dimensions=[{"Name": "Host", "Value": "h%04d" % m}],
                                         StartTime=many_start, EndTime=now, Period=60,
                                         Statistics=["Average", "Maximum"])
            assert len(r["Datapoints"]) == minutes_per_metric

    def gmd_many():
        n = 0
        for part in range(2):
            qs = [{"Id": "m%d" % m, "MetricStat": {"Metric": metric("Many", "h%04d" % m),
                                                   "Period": 60, "Stat": "Average"}}
                  for m in range(part * 500, part * 500 + 500)]
            r = cw.get_metric_data(StartTime=many_start, EndTime=now, MetricDataQueries=qs)
            n += sum(len(x["Values"]) for x in r["MetricDataResults"])
        assert n == 1000 * minutes_per_metric, n

    out = {"stats_put_s": put_s}
    for key, fn in (("gms_week", gms_week), ("gms_week_p99", gms_week_p99),
                    ("gmd_week", gmd_week), ("gmd_week_p99", gmd_week_p99),
                    ("gms_many", gms_many), ("gmd_many", gmd_many)):
        try:
            out[key] = timed(fn, repeat)
        except Exception as e:  # noqa: the server's failure is the finding
            out[key] = None
            notes.append("%s: %s failed (%s)" % (name, key, str(e).splitlines()[0][:140]))
    return out


def metrics_bench_any(name, port, notes):
    """metrics_bench as clients send it (gzipped); if the server fails that, once more
    uncompressed, with a note saying so."""
    try:
        return metrics_bench(port)
    except Exception as e:  # noqa: the server's failure is the finding
        notes.append("%s: PutMetricData with a gzipped body failed (%s); measured uncompressed"
                     % (name, str(e).splitlines()[0][:120]))
    try:
        return metrics_bench(port, compress=False)
    except Exception as e:  # noqa
        notes.append("%s: PutMetricData failed uncompressed too (%s)"
                     % (name, str(e).splitlines()[0][:120]))
        return None, None, 0


INGEST_GROUP = "/bench/ingest"
INGEST_PER_BATCH = 5000  # about; ingest_batches fills each batch to 1 MB


def logs_post(conn, target, body):
    """One Logs request on a keep-alive http.client connection; returns (status, body)."""
    conn.request("POST", "/", body=body, headers={
        "X-Amz-Target": "Logs_20140328." + target,
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": AUTH.replace("/ssm/", "/logs/")})
    r = conn.getresponse()
    return r.status, r.read()


def ingest_batches(n, start_ms):
    """n request bodies of PutLogEvents, each filled as a client fills a batch: the app's JSON
    lines (about 5,000) up to 1,048,576 bytes counted as AWS counts them (message bytes + 26
    per event), chronological from start_ms. Returns (bodies, events, counted bytes)."""
    import json
    bodies, ts, total_bytes, k = [], start_ms, 0, 0
    for b in range(n):
        events, size = [], 0
        while True:
            db = k % 9 == 0
            msg = json.dumps({
                "requestId": "%08x-%04x-4%03x-8%03x-%012x" % (k, k % 65536, k % 4096, k % 4096, k),
                "path": "/db" if db else ("/api/items/%d" % (k % 1000)),
                "status": 500 if db else 200, "latencyMs": round(3 + (k * 7919 % 4000) / 10, 1),
                "errorType": "connection_error" if db else None,
                "taskId": "%032x" % (k % 6), "connectMs": (k * 31) % 30000 if db else k % 40,
                "level": "ERROR" if db else "INFO"}, separators=(",", ":"))
            cost = len(msg.encode()) + 26
            if size + cost > 1048576:
                break
            events.append({"timestamp": ts, "message": msg})
            size += cost
            ts += 1
            k += 1
        total_bytes += size
        bodies.append(json.dumps({"logGroupName": INGEST_GROUP, "logStreamName": "ingest",
                                  "logEvents": events}).encode())
    return bodies, k, total_bytes


def logs_ingest_bench(name, port, batches, notes):
    """PutLogEvents of `batches` 1 MB batches; returns {ingest_eps, ingest_mb_s} (None when
    the server fails a call)."""
    import http.client
    import time as _time
    # the events end a second ago (within 14 days, not in the future) on a realtime clock
    start = int(_time.time() * 1000) - batches * INGEST_PER_BATCH - 1000
    bodies, n, total_bytes = ingest_batches(batches, start)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        for target, body in (("CreateLogGroup", '{"logGroupName":"%s"}' % INGEST_GROUP),
                             ("CreateLogStream", '{"logGroupName":"%s","logStreamName":"ingest"}'
                              % INGEST_GROUP)):
            status, resp = logs_post(conn, target, body.encode())
            if status != 200:
                raise RuntimeError("%s: %s %s" % (target, status, resp[:200]))
        t0 = time.perf_counter()
        for body in bodies:
            status, resp = logs_post(conn, "PutLogEvents", body)
            if status != 200 or b"rejectedLogEventsInfo" in resp:
                raise RuntimeError("PutLogEvents: %s %s" % (status, resp[:200]))
        spent = time.perf_counter() - t0
    except Exception as e:  # noqa: the server's failure is the finding
        notes.append("%s: Logs ingest failed (%s)" % (name, str(e).splitlines()[0][:140]))
        return {"ingest_eps": None, "ingest_mb_s": None}
    finally:
        conn.close()
    return {"ingest_eps": n / spent, "ingest_mb_s": total_bytes / spent / 1e6,
            "ingest_events": n, "ingest_batches": batches}


INSIGHTS_GROUP = "/bench/insights"
RUNBOOK_QUERY = ('fields @timestamp, requestId, path, status, errorType | filter path = "/db" and '
                 '(errorType = "connection_error" or ispresent(errorType)) '
                 '| sort @timestamp desc | limit 20')
INSIGHTS_QUERIES = (
    # key, label, query, window ("15m" = the runbook's last 15 minutes, "all" = every event)
    ("iq_runbook", "the runbook's query, last 15 min", RUNBOOK_QUERY, "15m"),
    ("iq_bin", "stats count(*) by bin(1m), all events", "stats count(*) by bin(1m)", "all"),
    ("iq_pct", "parse ... | stats pct(lat, 99), all events",
     'parse @message \'"latencyMs":*,\' as lat | stats pct(lat, 99) as p99, pct(lat, 50) as p50',
     "all"),
    ("iq_json", "filter on a JSON field | stats by field, all",
     'filter status = 500 | stats count(*) as n by errorType', "all"),
)


def insights_events(n, start_ms, span_ms):
    """PutLogEvents bodies of n app JSON lines spread evenly over span_ms from start_ms, each
    batch at most 1 MB as AWS counts it (and 10,000 events). Returns the list of bodies."""
    import json
    bodies, events, size = [], [], 0
    for k in range(n):
        db = k % 9 == 0
        msg = json.dumps({
            "requestId": "req-%08d" % k, "path": "/db" if db else ("/api/items/%d" % (k % 1000)),
            "status": 500 if db else 200, "latencyMs": round(3 + (k * 7919 % 4000) / 10, 1),
            "errorType": "connection_error" if db else None, "taskId": "task-%d" % (k % 6),
            "level": "ERROR" if db else "INFO"}, separators=(",", ":"))
        cost = len(msg) + 26
        if events and (size + cost > 1048576 or len(events) == 10000):
            bodies.append(json.dumps({"logGroupName": INSIGHTS_GROUP, "logStreamName": "app",
                                      "logEvents": events}).encode())
            events, size = [], 0
        events.append({"timestamp": start_ms + k * span_ms // n, "message": msg})
        size += cost
    if events:
        bodies.append(json.dumps({"logGroupName": INSIGHTS_GROUP, "logStreamName": "app",
                                  "logEvents": events}).encode())
    return bodies


def insights_wrong(key, rows):
    """Why the rows of query `key` are not its answer, or None when they are plausible (a
    server that ignores filter or stats answers fast and wrong, and is reported so)."""
    vals = [{f["field"]: f["value"] for f in row} for row in rows]
    if key == "iq_runbook":
        if len(vals) != 20:
            return "%d rows, not 20" % len(vals)
        bad = [v for v in vals if v.get("path") != "/db" or "errorType" not in v]
        if bad:
            return "%d of the 20 rows are not /db errors" % len(bad)
        ts = [v.get("@timestamp", "") for v in vals]
        if ts != sorted(ts, reverse=True):
            return "not newest first"
    elif key == "iq_bin":
        if not vals or len(vals) > 52 or any("count(*)" not in v for v in vals):
            return "%d rows, not one count(*) per minute" % len(vals)
    elif key == "iq_pct":
        if len(vals) != 1 or "p99" not in vals[0]:
            return "%d rows, not one with p99" % len(vals)
    elif key == "iq_json":
        if len(vals) != 1 or vals[0].get("errorType") != "connection_error":
            return "%d rows, not one count of connection_error" % len(vals)
    return None


def insights_bench(name, port, n, repeat, notes):
    """Logs Insights on n events in one group: ingest them (1 MB batches), then each query of
    INSIGHTS_QUERIES from StartQuery to Complete (polling GetQueryResults), the median of
    `repeat` runs. A server that fails a call or never completes is reported as failed."""
    import http.client
    import json
    out = {"iq_events": n}
    now = int(time.time())
    span = 50 * 60 * 1000  # the events cover the last 50 minutes (a realtime clock)
    bodies = insights_events(n, (now - 50 * 60) * 1000, span - 2000)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        for target, body in (("CreateLogGroup", '{"logGroupName":"%s"}' % INSIGHTS_GROUP),
                             ("CreateLogStream", '{"logGroupName":"%s","logStreamName":"app"}'
                              % INSIGHTS_GROUP)):
            status, resp = logs_post(conn, target, body.encode())
            if status != 200:
                raise RuntimeError("%s: %s %s" % (target, status, resp[:200]))
        t0 = time.perf_counter()
        for body in bodies:
            status, resp = logs_post(conn, "PutLogEvents", body)
            if status != 200 or b"rejectedLogEventsInfo" in resp:
                raise RuntimeError("PutLogEvents: %s %s" % (status, resp[:200]))
        out["iq_ingest_s"] = time.perf_counter() - t0
    except Exception as e:  # noqa: the server's failure is the finding
        notes.append("%s: Insights ingest failed (%s)" % (name, str(e).splitlines()[0][:140]))
        conn.close()
        return out
    for key, _label, query, window in INSIGHTS_QUERIES:
        now = int(time.time())
        start = now - 15 * 60 if window == "15m" else now - 3600
        req = json.dumps({"logGroupName": INSIGHTS_GROUP, "startTime": start, "endTime": now,
                          "queryString": query}).encode()
        runs = []
        try:
            for _ in range(repeat):
                t0 = time.perf_counter()
                status, resp = logs_post(conn, "StartQuery", req)
                if status != 200:
                    raise RuntimeError("StartQuery %s %s" % (status, resp[:160]))
                qid = json.loads(resp)["queryId"]
                while True:
                    status, resp = logs_post(conn, "GetQueryResults",
                                             json.dumps({"queryId": qid}).encode())
                    if status != 200:
                        raise RuntimeError("GetQueryResults %s %s" % (status, resp[:160]))
                    res = json.loads(resp)
                    if res.get("status") not in ("Scheduled", "Running"):
                        break
                    if time.perf_counter() - t0 > 300:
                        raise RuntimeError("no Complete after 300 s")
                runs.append(time.perf_counter() - t0)
                if res.get("status") != "Complete":
                    raise RuntimeError("status %s" % res.get("status"))
                rows = res.get("results", [])
            wrong = insights_wrong(key, rows)
            out[key + "_rows"] = len(rows)
            if wrong:
                notes.append("%s: %s answered wrongly: %s" % (name, key, wrong))
                out[key] = None
                out[key + "_wrong"] = sorted(runs)[len(runs) // 2]
            else:
                out[key] = sorted(runs)[len(runs) // 2]
        except Exception as e:  # noqa
            notes.append("%s: %s failed (%s)" % (name, key, str(e).splitlines()[0][:140]))
            out[key] = None
    conn.close()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--skip-moto", action="store_true")
    ap.add_argument("--skip-nginx", action="store_true")
    ap.add_argument("--metric-minutes", type=int, default=60,
                    help="minutes of one-minute data for each of the 1,000 metrics")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ingest-batches", type=int, default=40,
                    help="1 MB PutLogEvents batches of the Logs ingest figure (0 = skip)")
    ap.add_argument("--insights-events", type=int, default=1000000,
                    help="events of the Logs Insights query figures (0 = skip)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="drillsim-bench-")
    script = wrk_script(tmp)
    servers = []
    dport = free_port()
    servers.append(Server("drillsim", [harness.BINARY, "--port", str(dport), "--data",
                                       os.path.join(tmp, "drillsim.db")], dport))
    if not a.skip_moto and shutil.which("moto_server"):
        mport = free_port()
        servers.append(Server("moto", ["moto_server", "-H", "127.0.0.1", "-p", str(mport)], mport))
    results = {}
    notes = []
    body = None
    try:
        for s in servers:
            s.start()
            status, _ = post(s.port, "AmazonSSM.PutParameter",
                             '{"Name":"%s","Value":"connection_leak","Type":"String"}' % PARAM)
            status, resp = post(s.port, "AmazonSSM.GetParameter", '{"Name":"%s"}' % PARAM)
            assert status == 200 and b"connection_leak" in resp, (s.name, resp)
            if s.name == "drillsim":
                body = resp
            r = {"startup_ms": s.startup_ms}
            for conns in (1, 32):
                r["c%d" % conns] = wrk(s.port, conns, a.seconds, script)
            r["put_s"], r["list_s"], r["listed"] = metrics_bench_any(s.name, s.port, notes)
            r.update(stats_bench(s.name, s.port, a.metric_minutes, a.repeat, notes))
            if a.ingest_batches > 0:
                r.update(logs_ingest_bench(s.name, s.port, a.ingest_batches, notes))
            if a.insights_events > 0:
                r.update(insights_bench(s.name, s.port, a.insights_events, a.repeat, notes))
            r["rss_kb"], r["hwm_kb"], r["anon_kb"] = rss_kb(s.proc.pid)
            results[s.name] = r
            s.stop()
        if not a.skip_nginx and shutil.which("nginx"):
            proc, nport = start_nginx(tmp, body)
            try:
                results["nginx"] = {"c%d" % c: wrk(nport, c, a.seconds, script) for c in (1, 32)}
            finally:
                proc.terminate()
                proc.wait()
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    report(results, a.metric_minutes)
    for n in notes:
        print("note: " + n)


def report(r, metric_minutes=60):
    d, m, n = r.get("drillsim"), r.get("moto"), r.get("nginx")

    def ratio(x, y, invert=False):
        if x is None or y is None or x == 0 or y == 0:
            return "-"
        v = (y / x) if invert else (x / y)
        return "%.1fx" % v

    rows = []
    rows.append(("time to first answer (ms)", "%.1f" % d["startup_ms"],
                 "%.0f" % m["startup_ms"] if m else "-",
                 ratio(d["startup_ms"], m["startup_ms"] if m else None, invert=True), "-"))
    for c in (1, 32):
        k = "c%d" % c
        rows.append(("GetParameter req/s, %d conn" % c, "%.0f" % d[k]["rps"],
                     "%.0f" % m[k]["rps"] if m else "-",
                     ratio(d[k]["rps"], m[k]["rps"] if m else None),
                     ("%.0f (drillsim = %.0f%%)" % (n[k]["rps"], 100 * d[k]["rps"] / n[k]["rps"]))
                     if n else "-"))
        rows.append(("  p50 / p99 latency (ms), %d conn" % c,
                     "%.3f / %.3f" % (d[k]["p50"], d[k]["p99"]),
                     "%.2f / %.2f" % (m[k]["p50"], m[k]["p99"]) if m else "-",
                     ratio(d[k]["p99"], m[k]["p99"] if m else None, invert=True),
                     "%.3f / %.3f" % (n[k]["p50"], n[k]["p99"]) if n else "-"))
    def secs(x, key, count=None):
        if not x or x.get(key) is None:
            return "failed"
        return "%.3f" % x[key] + (" (%d)" % x[count] if count else "")

    rows.append(("PutMetricData 10,000 metrics (s)", secs(d, "put_s"), secs(m, "put_s"),
                 ratio(d["put_s"], m["put_s"] if m else None, invert=True), "-"))
    rows.append(("ListMetrics all 10,000 (s)", secs(d, "list_s", "listed"),
                 secs(m, "list_s", "listed"),
                 ratio(d["list_s"], m["list_s"] if m else None, invert=True), "-"))
    stats_rows = (
        ("stats_put_s", "PutMetricData week + 1,000 metrics x %d min (s)" % metric_minutes),
        ("gms_week", "GetMetricStatistics 1 metric, week, 5 stats @1h (s)"),
        ("gms_week_p99", "GetMetricStatistics 1 metric, week, p99 @1h (s)"),
        ("gmd_week", "GetMetricData 1 metric, week @1min = 10,080 values (s)"),
        ("gmd_week_p99", "GetMetricData 1 metric, week, p99 @1h (s)"),
        ("gms_many", "GetMetricStatistics 1,000 metrics, 1,000 calls (s)"),
        ("gmd_many", "GetMetricData 1,000 metrics, 2 calls of 500 (s)"),
    )
    for key, label in stats_rows:
        if key not in d:
            continue
        rows.append((label, secs(d, key), secs(m, key),
                     ratio(d[key], m[key] if m else None, invert=True), "-"))
    if "ingest_eps" in d:
        def rate(x, key, fmt):
            return fmt % x[key] if x and x.get(key) is not None else "failed"

        rows.append(("Logs ingest, %d x 1 MB PutLogEvents = %d events (events/s)"
                     % (d.get("ingest_batches", 0), d.get("ingest_events", 0)),
                     rate(d, "ingest_eps", "%.0f"), rate(m, "ingest_eps", "%.0f"),
                     ratio(d["ingest_eps"], m.get("ingest_eps") if m else None), "-"))
        rows.append(("  message MB/s (as AWS counts a batch)", rate(d, "ingest_mb_s", "%.1f"),
                     rate(m, "ingest_mb_s", "%.1f"),
                     ratio(d["ingest_mb_s"], m.get("ingest_mb_s") if m else None), "-"))
    if "iq_events" in d:
        rows.append(("Logs Insights: %d JSON events ingested (s)" % d["iq_events"],
                     secs(d, "iq_ingest_s"), secs(m, "iq_ingest_s"),
                     ratio(d.get("iq_ingest_s"), m.get("iq_ingest_s") if m else None,
                           invert=True), "-"))
        def iq(x, key):
            if x and x.get(key + "_wrong"):
                return "wrong answer in %.4g" % x[key + "_wrong"]
            if not x or x.get(key) is None:
                return "failed"
            return "%.4g" % x[key]

        for key, label, _q, _w in INSIGHTS_QUERIES:
            rows.append(("  StartQuery -> Complete: %s (s)" % label, iq(d, key), iq(m, key),
                         ratio(d.get(key), m.get(key) if m else None, invert=True), "-"))
    rows.append(("RSS after load (MB)", "%.1f" % (d["rss_kb"] / 1024),
                 "%.1f" % (m["rss_kb"] / 1024) if m else "-",
                 ratio(d["rss_kb"], m["rss_kb"] if m else None, invert=True), "-"))
    rows.append(("  of which private heap, RssAnon (MB)", "%.1f" % (d["anon_kb"] / 1024),
                 "%.1f" % (m["anon_kb"] / 1024) if m else "-",
                 ratio(d["anon_kb"], m["anon_kb"] if m else None, invert=True), "-"))
    rows.append(("peak RSS (MB)", "%.1f" % (d["hwm_kb"] / 1024),
                 "%.1f" % (m["hwm_kb"] / 1024) if m else "-",
                 ratio(d["hwm_kb"], m["hwm_kb"] if m else None, invert=True), "-"))
    head = ("", "drillsim", "moto_server", "drillsim advantage", "nginx fixed body (ceiling)")
    widths = [max(len(str(x[i])) for x in rows + [head]) for i in range(5)]
    for row in [head] + rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    for name, res in r.items():
        for c in (1, 32):
            k = "c%d" % c
            if k in res and (res[k]["non2xx"] or res[k]["errors"]):
                print("note: %s %s: %d non-2xx, socket errors: %s" % (name, k, res[k]["non2xx"],
                                                                     res[k]["errors"]))


if __name__ == "__main__":
    main()
