"""harness.py - boot a real drillsim and drive it with the real clients.

Every test file starts its own server (`Drillsim()`), on a free port with a throwaway store
unless it asks for a data file, and stops it at the end. Clients:
  - boto3 (`ds.client('ssm')`), with any access key and region;
  - the aws CLI v1 on PATH (`ds.cli('v1', ...)`) and Debian's CLI v2 (`ds.cli('v2', ...)`);
  - CLI v1 / boto3 with botocore's protocol priority changed (`protocol='smithy-rpc-v2-cbor'`).
Each CLI call costs ~0.7 s of CPU here, so tests cover breadth with boto3 and use the CLIs
for what only a CLI proves (its printed output and exit status).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("DRILLSIM_BUILD", os.path.join(ROOT, "build"))
BINARY = os.path.join(BUILD, "drillsim")
AWSPROTO = os.path.join(os.path.dirname(__file__), "awsproto.py")
CLI_V2 = "/usr/bin/aws"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DEFAULT_KEY = "AKIAIOSFODNN7EXAMPLE"


def clean_env(access_key=DEFAULT_KEY, region="us-east-1", extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=access_key,
        AWS_SECRET_ACCESS_KEY=SECRET,
        AWS_DEFAULT_REGION=region,
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        AWS_PAGER="",
    )
    if extra:
        env.update(extra)
    return env


class Drillsim:
    """A drillsim process on a free port. Use as a context manager or call start/stop."""

    def __init__(self, data=":memory:", args=()):
        self.data = data
        self.args = list(args)
        self.proc = None
        self.port = None
        self.app_port = None

    def start(self, timeout=90):
        # the simulated app's endpoint: off unless a test asks for it (--app-port 0 = a free
        # port, read from the "app listening on" line)
        app = [] if "--app-port" in self.args else ["--app-port", "-1"]
        cmd = [BINARY, "--port", "0", "--data", self.data] + app + self.args
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise RuntimeError("drillsim exited: %s" % self.proc.stderr.read())
                continue
            m = re.match(r"drillsim listening on http://([\d.]+):(\d+)$", line.strip())
            if m:
                self.port = int(m.group(2))
                if self._wants_app_line():
                    line = self.proc.stdout.readline()
                    m = re.match(r"app listening on http://([\d.]+):(\d+)$", line.strip())
                    if not m:
                        raise RuntimeError("drillsim did not print the app's line: %r" % line)
                    self.app_port = int(m.group(2))
                return self
        raise RuntimeError("drillsim did not print its listening line")

    def _wants_app_line(self):
        a = self.args
        return any(a[i] == "--app-port" and i + 1 < len(a) and a[i + 1] == "0"
                   for i in range(len(a)))

    @property
    def app(self):
        """The simulated app's base URL (start with args [..., "--app-port", "0"])."""
        return "http://127.0.0.1:%d" % self.app_port

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self, sig=signal.SIGTERM):
        """Stops the server. A server that we stop with SIGTERM must exit 0: a crash, or a leak
        report under AddressSanitizer, fails the test that owns the server."""
        stopped_here = False
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            stopped_here = True
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("drillsim did not stop on %s" % sig)
        rc = self.proc.returncode if self.proc else None
        err = ""
        if self.proc:
            self.proc.stdout.close()
            err = self.proc.stderr.read()
            self.proc.stderr.close()
        if stopped_here and sig == signal.SIGTERM and rc != 0:
            raise AssertionError("drillsim exited %s on SIGTERM:\n%s" % (rc, err[-4000:]))
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- clients -------------------------------------------------------------------------

    def client(self, service, access_key=DEFAULT_KEY, region="us-east-1", protocol=None, **cfg):
        """A boto3 client. protocol= forces botocore's protocol choice (e.g. CBOR, query)."""
        import boto3
        import botocore.config
        import botocore.model

        if protocol:
            force_protocol(protocol)
        config = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, **cfg)
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=SECRET,
            config=config,
        )

    def cli(self, which, *args, access_key=DEFAULT_KEY, region="us-east-1", protocol=None,
            env=None, timeout=120):
        """Runs an aws CLI ('v1', 'v2') with --endpoint-url; returns CompletedProcess (text)."""
        if which == "v1":
            cmd = ["aws"]
            if protocol:
                cmd = [sys.executable, AWSPROTO]
                env = dict(env or {}, AWSPROTO=protocol)
        elif which == "v2":
            cmd = [CLI_V2]
        else:
            raise ValueError(which)
        cmd += ["--endpoint-url", self.endpoint] + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=clean_env(access_key, region, env))

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.endpoint + path, data=data, method=method)
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def raw(self, path="/", body=b"", headers=None, method="POST"):
        """Sends one raw HTTP request; returns (status, headers dict (lower-case), body)."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()


_forced = None


def force_protocol(protocol):
    """Makes botocore (in this process) prefer `protocol` where a model offers it."""
    global _forced
    import botocore.model

    if _forced is None:
        _forced = botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS
    botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = (protocol,) + tuple(
        p for p in _forced if p != protocol)


def unforce_protocol():
    import botocore.model

    if _forced is not None:
        botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = _forced


def have_cli_v2():
    return os.path.exists(CLI_V2)


def main():
    """Runs the calling module's unittest tests and exits with their status."""
    unittest.main(module="__main__", verbosity=2)
