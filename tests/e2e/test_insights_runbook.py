"""The connection-exhaustion runbook's Logs Insights step, run verbatim with the real CLIs.

shared/seed/connection-exhaustion-runbook.md, step 2 ({env}=dev):

    aws logs start-query --log-group-name "/ecs/golden-path-app-{env}"
      --start-time $(date -d '15 minutes ago' +%s) --end-time $(date +%s)
      --query-string 'fields @timestamp, requestId, path, status, errorType | filter path = "/db"
                      and (errorType = "connection_error" or ispresent(errorType))
                      | sort @timestamp desc | limit 20'

The command text is taken from the runbook file itself and run by bash under Debian's
faketime set to the sim clock (manual clock), with `aws` a shell function that only adds
--endpoint-url, once with CLI v1 (PATH) and once with /usr/bin/aws (v2). The group holds /db
errors (connection_error and others), /db successes, errors on other paths, and older /db
errors outside the window; then `aws logs get-query-results` is polled until Complete and the
rows are checked against an independent computation here: exactly the matching events of the
last 15 minutes, newest first, at most 20, each with the five fields plus @ptr.
"""
import datetime
import json
import os
import re
import shutil
import subprocess
import time
import unittest

import harness

ROOT = harness.ROOT
RUNBOOK_CANDIDATES = [
    os.path.join(ROOT, "..", "shared", "seed", "connection-exhaustion-runbook.md"),
    "/work/shared/seed/connection-exhaustion-runbook.md",
]
SIM_START = "2026-03-10T12:00:00Z"
GROUP = "/ecs/golden-path-app-dev"


def runbook_command():
    """The runbook's start-query command, from the file, with {env} = dev."""
    for path in RUNBOOK_CANDIDATES:
        if os.path.exists(path):
            with open(path) as f:
                text = f.read()
            break
    else:
        raise unittest.SkipTest("the runbook file is not here")
    m = re.search(r"```bash\n# Check recent application logs for connection errors\n(aws logs "
                  r"start-query.*?)\n```", text, re.S)
    assert m, "the runbook's start-query block was not found"
    return m.group(1).replace("{env}", "dev")


def ts(ms):
    d = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return d.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (ms % 1000)


class RunbookQuery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("faketime") is None:
            raise unittest.SkipTest("faketime is not installed")
        cls.command = runbook_command()
        cls.ds = harness.Drillsim(args=["--clock", "manual@" + SIM_START]).start()
        clock = cls.ds.control("GET", "/_drill/clock")
        cls.now_ms = int(clock["nowMs"])
        logs = cls.ds.client("logs")
        logs.create_log_group(logGroupName=GROUP)
        cls.events = []
        streams = ["golden-path/app/task-a", "golden-path/app/task-b"]
        for s in streams:
            logs.create_log_stream(logGroupName=GROUP, logStreamName=s)
        # 40 minutes of traffic, one request every 7 seconds, alternating tasks
        now_s = cls.now_ms // 1000
        per_stream = {s: [] for s in streams}
        i = 0
        for t in range(now_s - 40 * 60, now_s - 1, 7):
            # keep clear of the window's edges (the CLI's clock runs on while it starts)
            if abs(t - (now_s - 900)) <= 3:
                continue
            path = ["/db", "/db", "/api/orders", "/health", "/db"][i % 5]
            ev = {"requestId": "req-%05d" % i, "path": path, "method": "GET"}
            kind = i % 6
            if path == "/db" and kind in (0, 1):
                ev.update(status=500, errorType="connection_error",
                          error="FATAL: sorry, too many clients already")
            elif path == "/db" and kind == 2:
                ev.update(status=504, errorType="timeout")
            elif path != "/db" and kind == 3:
                ev.update(status=500, errorType="connection_error")
            else:
                ev.update(status=200)
            ev["latencyMs"] = 5 + i % 97
            ms = t * 1000 + (i * 37) % 1000
            stream = streams[i % 2]
            rec = {"timestamp": ms, "message": json.dumps(ev), "stream": stream, "fields": ev}
            cls.events.append(rec)
            per_stream[stream].append(rec)
            i += 1
        for s, recs in per_stream.items():
            for k in range(0, len(recs), 500):
                batch = recs[k:k + 500]
                r = logs.put_log_events(
                    logGroupName=GROUP, logStreamName=s,
                    logEvents=[{"timestamp": e["timestamp"], "message": e["message"]}
                               for e in batch])
                assert not r.get("rejectedLogEventsInfo"), r

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def expected(self):
        """The independent computation: the runbook query's rows from the events put."""
        now_s = self.now_ms // 1000
        lo, hi = (now_s - 900) * 1000, now_s * 1000
        rows = []
        for e in self.events:
            f = e["fields"]
            if not (lo <= e["timestamp"] <= hi):
                continue
            if f.get("path") != "/db":
                continue
            if not (f.get("errorType") == "connection_error" or "errorType" in f):
                continue
            rows.append(e)
        rows.sort(key=lambda e: e["timestamp"], reverse=True)
        return rows[:20]

    def run_runbook(self, which):
        aws = "command aws" if which == "v1" else harness.CLI_V2
        script = ('aws() { %s --endpoint-url %s "$@"; }\n%s\n'
                  % (aws, self.ds.endpoint, self.command))
        fake = datetime.datetime.fromtimestamp(self.now_ms / 1000, datetime.timezone.utc)
        p = subprocess.run(["faketime", fake.strftime("%Y-%m-%d %H:%M:%S"), "bash", "-c", script],
                           capture_output=True, text=True, timeout=120,
                           env=harness.clean_env(extra={"TZ": "UTC"}))
        self.assertEqual(p.returncode, 0, p.stderr)
        qid = json.loads(p.stdout)["queryId"]
        deadline = time.time() + 60
        while True:
            r = self.ds.cli(which, "logs", "get-query-results", "--query-id", qid)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = json.loads(r.stdout)
            if out["status"] == "Complete":
                return out
            self.assertIn(out["status"], ("Scheduled", "Running"))
            self.assertLess(time.time(), deadline, "the query did not complete")
            time.sleep(0.2)

    def check(self, out):
        want = self.expected()
        self.assertEqual(len(want), 20, "the data must hold more matches than the limit")
        rows = out["results"]
        self.assertEqual(len(rows), len(want))
        logs = self.ds.client("logs")
        for row, e in zip(rows, want):
            fields = [f["field"] for f in row]
            self.assertEqual(fields, ["@timestamp", "requestId", "path", "status", "errorType",
                                      "@ptr"])
            values = {f["field"]: f["value"] for f in row}
            for v in values.values():
                self.assertIsInstance(v, str)
            self.assertEqual(values["@timestamp"], ts(e["timestamp"]))
            self.assertEqual(values["requestId"], e["fields"]["requestId"])
            self.assertEqual(values["path"], "/db")
            self.assertEqual(values["status"], str(e["fields"]["status"]))
            self.assertEqual(values["errorType"], e["fields"]["errorType"])
            rec = logs.get_log_record(logRecordPointer=values["@ptr"])["logRecord"]
            self.assertEqual(rec["requestId"], e["fields"]["requestId"])
            self.assertEqual(rec["@message"], e["message"])
        st = out["statistics"]
        self.assertEqual(st["recordsMatched"], 20.0)
        self.assertIsInstance(st["recordsScanned"], float)
        self.assertIsInstance(st["bytesScanned"], float)

    def test_runbook_query_cli_v1(self):
        self.check(self.run_runbook("v1"))

    @unittest.skipUnless(harness.have_cli_v2(), "no /usr/bin/aws")
    def test_runbook_query_cli_v2(self):
        self.check(self.run_runbook("v2"))

    def test_window_excludes_older_events(self):
        # the data has /db errors older than 15 minutes: none may come back
        now_s = self.now_ms // 1000
        older = [e for e in self.events if e["timestamp"] < (now_s - 900) * 1000 and
                 e["fields"]["path"] == "/db" and "errorType" in e["fields"]]
        self.assertTrue(older)
        out = self.run_runbook("v1")
        got = {dict((f["field"], f["value"]) for f in r)["requestId"] for r in out["results"]}
        self.assertFalse(got & {e["fields"]["requestId"] for e in older})


if __name__ == "__main__":
    harness.main()
