"""world_util.py - helpers for the world model's end-to-end tests (tests/e2e/test_world_*.py).

A drill runs in a real drillsim on a manual clock (`start_drill`); the tests advance the sim
clock, read the model through the control API, observe it with boto3, and run the connection
exhaustion runbook's own commands VERBATIM with the real `aws` CLI (v1 on PATH) under Debian's
`faketime` set to the sim clock, so the runbook's `$(date ...)` windows land in sim time
(`Runbook`). The script's `aws` is a shell function that adds --endpoint-url (AWS_ENDPOINT_URL
alone is not enough: CLI v1 replaces it with rds.amazonaws.com for `aws rds` in us-east-1, its
overridesslcommonname customization), so the commands stay the runbook's text.

To add a runbook command: copy it from /work/shared/seed/connection-exhaustion-runbook.md into
RUNBOOK below with {env} left in place (it is filled in with "dev" or the drill's env).
"""
import contextlib
import datetime
import json
import shutil
import subprocess
import time
import unittest

import harness

UTC = datetime.timezone.utc
ENV = "dev"
CLUSTER = "golden-path-aurora-dev"
ECS_CLUSTER = "golden-path-cluster-dev"
SERVICE = "golden-path-service-dev"
ALARM = "golden-path-rds-connections-dev"
LOG_GROUP = "/ecs/golden-path-app-dev"
START = "2026-01-01T00:00:00Z"

# The runbook's commands, copied verbatim ({env} filled in by Runbook.run).
RUNBOOK = {
    "insights": """aws logs start-query \\
  --log-group-name "/ecs/golden-path-app-{env}" \\
  --start-time $(date -d '15 minutes ago' +%s) \\
  --end-time $(date +%s) \\
  --query-string 'fields @timestamp, requestId, path, status, errorType | filter path = "/db" and (errorType = "connection_error" or ispresent(errorType)) | sort @timestamp desc | limit 20'""",
    "connection_pattern": """aws cloudwatch get-metric-statistics \\
  --namespace AWS/RDS \\
  --metric-name DatabaseConnections \\
  --dimensions Name=DBClusterIdentifier,Value=golden-path-aurora-{env} \\
  --start-time $(date -d '1 hour ago' --iso-8601) \\
  --end-time $(date --iso-8601) \\
  --period 300 \\
  --statistics Maximum \\
  --query 'Datapoints[*].{Timestamp:Timestamp,Value:Maximum}' \\
  | jq -r 'sort_by(.Timestamp) | .[] | "\\(.Timestamp): \\(.Value)"'""",
    "cluster_status": """aws rds describe-db-clusters \\
  --db-cluster-identifier golden-path-aurora-{env} \\
  --query 'DBClusters[0].{Status:Status,Engine:Engine}'""",
    "task_count": """aws ecs describe-services \\
  --cluster golden-path-cluster-{env} \\
  --services golden-path-service-{env} \\
  --query 'services[0].{Running:runningCount,Desired:desiredCount,Pending:pendingCount}'""",
    "failure_mode": """aws ssm get-parameter \\
  --name "/golden/failure_mode" \\
  --query 'Parameter.Value'""",
    "reset_failure_mode": """aws ssm put-parameter \\
  --name "/golden/failure_mode" \\
  --value "none" \\
  --type String \\
  --overwrite""",
    "restart_tasks": """aws ecs update-service \\
  --cluster golden-path-cluster-{env} \\
  --service golden-path-service-{env} \\
  --force-new-deployment""",
    "scale_down": """aws ecs update-service \\
  --cluster golden-path-cluster-{env} \\
  --service golden-path-service-{env} \\
  --desired-count 2  # Adjust to appropriate level""",
}


def need_tools(testcase, *tools):
    """Skips testcase (loudly) when a tool the runbook needs is missing."""
    for t in tools:
        if shutil.which(t) is None:
            raise unittest.SkipTest("%s is not installed (apt-get install %s)" % (t, t))


def start_drill(scenario, app=False, extra=(), data=":memory:"):
    """Starts drillsim on scenario in manual clock at START; returns the Drillsim."""
    args = ["--scenario", scenario, "--clock", "manual@" + START] + list(extra)
    if app:
        args += ["--app-port", "0"]
    return harness.Drillsim(data=data, args=args).start()


@contextlib.contextmanager
def drill(scenario, **kw):
    """A drill (start_drill's arguments) for the length of a with block, stopped after."""
    ds = start_drill(scenario, **kw)
    try:
        yield ds
    finally:
        ds.stop()


def assert_alarm_seen(test, ds, rb):
    """The runbook's first look shows the incident: step 4's connection pattern (the
    pre-roll's last hour before the drill, ending above the alarm's 80), the alarm in ALARM
    and its notification published. Returns the pattern's (time, value) rows."""
    rows = rb.connection_pattern()
    test.assertTrue(rows and all(ts < at(0) for ts, _ in rows), rows)
    test.assertGreater(rows[-1][1], 80, rows)
    test.assertEqual(alarm_state(ds), "ALARM")
    alarms = [b for _, b in sns_alarm_messages(ds) if b["NewStateValue"] == "ALARM"]
    test.assertTrue(alarms, "no ALARM notification on golden-path-alarms")
    return rows


def advance(ds, seconds, step=600):
    """Advances the sim clock by seconds, in steps of at most step."""
    while seconds > 0:
        n = min(step, seconds)
        ds.control("POST", "/_drill/clock/advance", {"seconds": n})
        seconds -= n


def now_ms(ds):
    return ds.control("GET", "/_drill/clock")["nowMs"]


def now_dt(ds):
    return datetime.datetime.fromtimestamp(now_ms(ds) / 1000, UTC)


def at(minutes):
    """The sim time START + minutes as an aware datetime."""
    return datetime.datetime(2026, 1, 1, tzinfo=UTC) + datetime.timedelta(minutes=minutes)


def world(ds):
    return ds.control("GET", "/_drill/world")


def db_conns(ds):
    return world(ds)["database"]["connections"]


def alarm_state(ds, name=ALARM):
    a = ds.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return a[0]["StateValue"]


def sns_alarm_messages(ds):
    """The alarm notifications published to the fixture's topic, oldest first, as
    (published ISO time, decoded alarm message) pairs."""
    out, token = [], None
    for _ in range(50):
        path = "/_drill/sns/messages?limit=1000" + ("&nextToken=" + token if token else "")
        r = ds.control("GET", path)
        for m in r["messages"]:
            if m.get("type") != "Notification" or not m.get("topicArn", "").endswith(
                    ":golden-path-alarms"):
                continue
            try:
                body = json.loads(m["message"])
            except ValueError:
                continue
            if body.get("AlarmName") == ALARM:
                out.append((m["timestamp"], body))
        token = r.get("nextToken")
        if not token:
            break
    return out


def metric_series(ds, namespace, name, dims, stat, start, end, period=60):
    """{timestamp: value} of one statistic over [start, end) (GetMetricStatistics, boto3)."""
    r = ds.client("cloudwatch").get_metric_statistics(
        Namespace=namespace, MetricName=name,
        Dimensions=[{"Name": k, "Value": v} for k, v in dims],
        StartTime=start, EndTime=end, Period=period, Statistics=[stat])
    return {d["Timestamp"]: d[stat] for d in r["Datapoints"]}


def db_series(ds, start, end, stat="Maximum"):
    return metric_series(ds, "AWS/RDS", "DatabaseConnections",
                         [("DBClusterIdentifier", CLUSTER)], stat, start, end)


def running_series(ds, start, end):
    return metric_series(ds, "ECS/ContainerInsights", "RunningTaskCount",
                         [("ClusterName", ECS_CLUSTER), ("ServiceName", SERVICE)], "Average",
                         start, end)


def load_balancer(ds):
    """The fixture's load balancer as its CloudWatch dimension shows it."""
    for m in ds.client("cloudwatch").list_metrics(
            Namespace="AWS/ApplicationELB", MetricName="RequestCount")["Metrics"]:
        if len(m["Dimensions"]) == 1 and m["Dimensions"][0]["Name"] == "LoadBalancer":
            return m["Dimensions"][0]["Value"]
    raise AssertionError("no AWS/ApplicationELB RequestCount per LoadBalancer was emitted")


def elb_sum(ds, name, start, end):
    """The sum of AWS/ApplicationELB `name` per LoadBalancer over [start, end)."""
    s = metric_series(ds, "AWS/ApplicationELB", name, [("LoadBalancer", load_balancer(ds))],
                      "Sum", start, end)
    return sum(s.values())


def app_get(ds, path="/db"):
    """GET the simulated app with curl; returns (status, body)."""
    p = subprocess.run(["curl", "-sS", "-w", "\n%{http_code}", ds.app + path],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        raise AssertionError("curl %s failed: %s" % (path, p.stderr))
    body, _, code = p.stdout.rpartition("\n")
    return int(code), body


class Runbook:
    """Runs the runbook's commands with the aws CLI v1 against ds, under faketime set to the
    sim clock (TZ=UTC)."""

    def __init__(self, ds, env=ENV, realtime=False):
        self.ds = ds
        self.env = env
        self.realtime = realtime

    def shell(self, script, timeout=120):
        """Runs a bash script (the runbook's text); returns the CompletedProcess."""
        env = harness.clean_env(extra={"AWS_ENDPOINT_URL": self.ds.endpoint, "TZ": "UTC"})
        wrap = 'aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }\n'
        cmd = ["bash", "-c", wrap + script]
        if not self.realtime:
            t = datetime.datetime.fromtimestamp(now_ms(self.ds) / 1000, UTC)
            cmd = ["faketime", "-f", "@" + t.strftime("%Y-%m-%d %H:%M:%S")] + cmd
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)

    def run(self, key, json_out=True, replace=None):
        """Runs RUNBOOK[key]; asserts exit 0; returns its output parsed as JSON (or text)."""
        script = RUNBOOK[key].replace("{env}", self.env)
        for a, b in (replace or {}).items():
            script = script.replace(a, b)
        p = self.shell(script)
        if p.returncode != 0:
            raise AssertionError("runbook %s exited %d:\n%s\n%s" % (key, p.returncode,
                                                                  p.stdout, p.stderr))
        return json.loads(p.stdout) if json_out else p.stdout

    def cli(self, *args):
        """One plain aws CLI call (not under faketime); returns parsed JSON output."""
        env = harness.clean_env(extra={"AWS_ENDPOINT_URL": self.ds.endpoint, "TZ": "UTC"})
        p = subprocess.run(["aws", "--endpoint-url", self.ds.endpoint] + list(args),
                           capture_output=True, text=True, timeout=120,
                           env=env)
        if p.returncode != 0:
            raise AssertionError("aws %s exited %d:\n%s" % (" ".join(args), p.returncode,
                                                           p.stderr))
        return json.loads(p.stdout) if p.stdout.strip() else {}

    def insights(self, wait_s=30):
        """Runs the runbook's Insights query and polls get-query-results until it is
        Complete; returns the results as a list of {field: value} dicts."""
        qid = self.run("insights")["queryId"]
        deadline = time.time() + wait_s
        while True:
            r = self.cli("logs", "get-query-results", "--query-id", qid)
            if r["status"] == "Complete":
                return [{f["field"]: f["value"] for f in row} for row in r["results"]]
            if r["status"] not in ("Scheduled", "Running") or time.time() > deadline:
                raise AssertionError("the Insights query ended %s: %r" % (r["status"], r))
            time.sleep(0.5)

    def connection_pattern(self, replace=None):
        """Runs the runbook's step-4 command (get-metric-statistics | jq); returns
        [(timestamp, value)] in time order."""
        out = self.run("connection_pattern", json_out=False, replace=replace)
        rows = []
        for line in out.splitlines():
            ts, _, v = line.rpartition(": ")
            rows.append((parse_ts(ts), float(v)))
        return rows


def parse_ts(text):
    """A timestamp as the CLI prints it (epoch seconds or ISO 8601) as an aware datetime."""
    try:
        return datetime.datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_rising(tc, values, what, min_rise=5):
    """values (in time order) end clearly above where they start and never fall by more than
    2 from the running maximum (noise)."""
    tc.assertGreaterEqual(len(values), 3, "%s: too few points %r" % (what, values))
    tc.assertGreaterEqual(values[-1] - values[0], min_rise,
                          "%s did not rise: %r" % (what, values))
    top = values[0]
    for v in values:
        tc.assertGreaterEqual(v, top - 2, "%s fell on the way: %r" % (what, values))
        top = max(top, v)


def control_call(ds, method, path, body=None, timeout=120):
    """A control call that may fail: (HTTP status, JSON answer)."""
    import urllib.error
    import urllib.request
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(ds.endpoint + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def control_ok(ds, method, path, body=None):
    """A control call that must succeed: its JSON answer."""
    status, out = control_call(ds, method, path, body)
    if status != 200:
        raise AssertionError("%s %s: %s %s" % (method, path, status, out))
    return out
