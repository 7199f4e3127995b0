#!/usr/bin/env python3
"""test_logs_cli.py - what the aws CLIs print for CloudWatch Logs (issue 5, done means 4).

CLI calls are expensive (~0.7 s of CPU each), so this file only checks what a CLI alone
proves: CLI v1 creating a group and a stream, putting and getting events (epoch milliseconds
printed as they came), and `aws logs tail` of Debian's CLI v2 (/usr/bin/aws; v1 has no tail),
which runs on FilterLogEvents with interleaved and startTime from the wall clock: `--since
15m` prints the events, `--format short|json` and `--filter-pattern` shape and select them, and a
bounded `--follow` (a subprocess polling every 5 s, stopped after the test) prints events put
after it started, each once. The server runs on a realtime clock, as `tail` assumes.
test_logs.py covers the behaviour with boto3.
"""
import datetime
import json
import os
import re
import selectors
import signal
import subprocess
import time
import unittest

import harness

GROUP = "/ecs/golden-path-app-dev"
STREAM = "ecs/app/0a1b2c3d"
ds = None


def setUpModule():
    global ds
    ds = harness.Drillsim().start()


def tearDownModule():
    ds.stop()


def now_ms():
    return int(time.time() * 1000)


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03d000+00:00" % (
        ms % 1000)


class CliV1(unittest.TestCase):
    def test_create_put_get(self):
        r = ds.cli("v1", "logs", "create-log-group", "--log-group-name", "/cli/v1")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
        r = ds.cli("v1", "logs", "create-log-stream", "--log-group-name", "/cli/v1",
                   "--log-stream-name", "s1")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        t = now_ms() - 1000
        events = json.dumps([{"timestamp": t, "message": "hello"},
                             {"timestamp": t + 1, "message": "world"}])
        r = ds.cli("v1", "logs", "put-log-events", "--log-group-name", "/cli/v1",
                   "--log-stream-name", "s1", "--log-events", events)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(json.loads(r.stdout)["nextSequenceToken"], r"^\d{56}$")
        r = ds.cli("v1", "logs", "get-log-events", "--log-group-name", "/cli/v1",
                   "--log-stream-name", "s1", "--start-from-head")
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual([(e["timestamp"], e["message"]) for e in out["events"]],
                         [(t, "hello"), (t + 1, "world")])
        self.assertIsInstance(out["events"][0]["ingestionTime"], int)
        self.assertTrue(out["nextForwardToken"].startswith("f/"))
        # an error line as the CLI prints it
        r = ds.cli("v1", "logs", "get-log-events", "--log-group-name", "/cli/nope",
                   "--log-stream-name", "s1")
        self.assertEqual(r.returncode, 255)
        self.assertEqual(r.stderr.strip("\n"),
                         "An error occurred (ResourceNotFoundException) when calling the "
                         "GetLogEvents operation: The specified log group does not exist.")


@unittest.skipUnless(harness.have_cli_v2(), "no CLI v2 at " + harness.CLI_V2)
class Tail(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.logs = ds.client("logs")
        cls.logs.create_log_group(logGroupName=GROUP)
        cls.logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
        t = now_ms()
        cls.old = t - 20 * 60 * 1000  # outside --since 15m
        cls.t1, cls.t2 = t - 10 * 60 * 1000, t - 60 * 1000
        cls.logs.put_log_events(logGroupName=GROUP, logStreamName=STREAM, logEvents=[
            {"timestamp": cls.old, "message": "old event"},
            {"timestamp": cls.t1, "message": json.dumps({"path": "/db", "status": 500})},
            {"timestamp": cls.t2, "message": "ERROR pool exhausted"}])

    def test_since_15m(self):
        r = ds.cli("v2", "logs", "tail", GROUP, "--since", "15m")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), [
            "%s %s %s" % (iso(self.t1), STREAM, json.dumps({"path": "/db", "status": 500})),
            "%s %s ERROR pool exhausted" % (iso(self.t2), STREAM)])

    def test_format_short_and_filter_pattern(self):
        r = ds.cli("v2", "logs", "tail", GROUP, "--since", "15m", "--format", "short",
                   "--filter-pattern", "ERROR")
        self.assertEqual(r.returncode, 0, r.stderr)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.t2 / 1000))
        self.assertEqual(r.stdout, "%s ERROR pool exhausted\n" % stamp)
        # json: messages that are JSON come back pretty-printed; a JSON filter pattern
        r = ds.cli("v2", "logs", "tail", GROUP, "--since", "15m", "--format", "json",
                   "--filter-pattern", "{ $.status = 500 }")
        self.assertEqual(r.returncode, 0, r.stderr)
        stamp = datetime.datetime.fromtimestamp(self.t1 / 1000, datetime.timezone.utc)
        self.assertEqual(r.stdout, "%s %s \n%s\n" % (
            stamp.isoformat(), STREAM, json.dumps({"path": "/db", "status": 500}, indent=4)))

    def test_unknown_group(self):
        r = ds.cli("v2", "logs", "tail", "/ecs/nope", "--since", "15m")
        self.assertEqual(r.returncode, 254)
        self.assertEqual(r.stderr.strip("\n"),
                         "An error occurred (ResourceNotFoundException) when calling the "
                         "FilterLogEvents operation: The specified log group does not exist.")

    def test_follow_prints_new_events(self):
        """A bounded --follow: it prints what is there, then the events put while it polls
        (every 5 s), each exactly once, until we stop it."""
        group = GROUP + "-follow"  # its own group: the other tests' output stays put
        self.logs.create_log_group(logGroupName=group)
        self.logs.create_log_stream(logGroupName=group, logStreamName=STREAM)
        self.logs.put_log_events(logGroupName=group, logStreamName=STREAM, logEvents=[
            {"timestamp": self.old, "message": "old event"},
            {"timestamp": self.t2, "message": "ERROR pool exhausted"}])
        # the CLI is Python: unbuffered, each line reaches the pipe as it is printed
        env = harness.clean_env(extra={"PYTHONUNBUFFERED": "1"})
        proc = subprocess.Popen([harness.CLI_V2, "--endpoint-url", ds.endpoint, "logs", "tail",
                                 group, "--follow", "--since", "15m", "--format", "short"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True)
        lines = []
        pending = b""
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)

        def read_until(pred, timeout):
            nonlocal pending
            deadline = time.time() + timeout
            while time.time() < deadline and not pred():
                if not sel.select(timeout=max(0.0, deadline - time.time())):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    lines.append(line.decode())
            return pred()

        try:
            self.assertTrue(read_until(lambda: any("pool exhausted" in x for x in lines), 30),
                            lines)
            t = now_ms()
            self.logs.put_log_events(logGroupName=group, logStreamName=STREAM, logEvents=[
                {"timestamp": t, "message": "followed one"},
                {"timestamp": t, "message": "followed two"}])
            self.assertTrue(read_until(lambda: any("followed two" in x for x in lines), 30),
                            lines)
            t = now_ms()
            self.logs.put_log_events(logGroupName=group, logStreamName=STREAM,
                                     logEvents=[{"timestamp": t, "message": "followed three"}])
            self.assertTrue(read_until(lambda: any("followed three" in x for x in lines), 30),
                            lines)
            # one more poll: nothing printed twice
            read_until(lambda: False, 6)
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            sel.close()
            proc.stdout.close()
            err = proc.stderr.read().decode()
            proc.stderr.close()
        messages = [re.sub(r"^\S+ ", "", x) for x in lines]
        self.assertEqual(messages, ["ERROR pool exhausted", "followed one", "followed two",
                                    "followed three"], err)


if __name__ == "__main__":
    harness.main()
