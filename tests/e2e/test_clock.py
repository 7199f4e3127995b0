#!/usr/bin/env python3
"""The simulation clock through the control API and the AWS APIs.

Manual clocks move only when told, per team; every timestamp an API returns and the HTTP
Date header come from the tenant's clock; a restart on the same --data resumes each team's
clock; a realtime clock refuses to be advanced.
"""
import email.utils
import os
import shutil
import tempfile
import unittest
import urllib.error

import harness

START = "2026-01-01T00:00:00Z"
START_S = 1767225600


def control_error(ds, method, path, body=None):
    try:
        ds.control(method, path, body)
    except urllib.error.HTTPError as e:
        return e.code
    return 200


class ManualClock(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="drillsim-clock-")
        self.data = os.path.join(self.dir, "state.db")
        self.ds = harness.Drillsim(data=self.data, args=["--clock", "manual@" + START]).start()

    def tearDown(self):
        self.ds.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_advance_and_timestamps(self):
        clock = self.ds.control("GET", "/_drill/clock")
        self.assertEqual((clock["mode"], clock["now"], clock["team"]),
                         ("manual", START, "000000000000"))
        clock = self.ds.control("POST", "/_drill/clock/advance", {"seconds": 90})
        self.assertEqual(clock["now"], "2026-01-01T00:01:30Z")
        self.assertEqual(clock["lastTickMs"], (START_S + 90) * 1000)
        # an API timestamp and the Date header are sim time
        ssm = self.ds.client("ssm")
        ssm.put_parameter(Name="/clock/p", Value="v", Type="String")
        p = ssm.get_parameter(Name="/clock/p")["Parameter"]
        self.assertEqual(p["LastModifiedDate"].timestamp(), START_S + 90)
        status, headers, _ = self.ds.raw("/", b"Action=GetCallerIdentity&Version=2011-06-15")
        self.assertEqual(status, 200)
        self.assertEqual(email.utils.parsedate_to_datetime(headers["date"]).timestamp(),
                         START_S + 90)
        # fractions of a second move the clock but tick only on whole seconds
        clock = self.ds.control("POST", "/_drill/clock/advance", {"seconds": 0.25})
        self.assertEqual(clock["nowMs"], (START_S + 90) * 1000 + 250)
        self.assertEqual(clock["lastTickMs"], (START_S + 90) * 1000)

    def test_teams_are_separate(self):
        self.ds.control("POST", "/_drill/clock/advance?team=111111111111", {"seconds": 3600})
        self.assertEqual(self.ds.control("GET", "/_drill/clock?team=111111111111")["now"],
                         "2026-01-01T01:00:00Z")
        self.assertEqual(self.ds.control("GET", "/_drill/clock")["now"], START)
        # the team's AWS calls see the team's time
        ssm = self.ds.client("ssm", access_key="111111111111")
        ssm.put_parameter(Name="/clock/t", Value="v", Type="String")
        self.assertEqual(ssm.get_parameter(Name="/clock/t")["Parameter"]["LastModifiedDate"]
                         .timestamp(), START_S + 3600)

    def test_restart_resumes(self):
        self.ds.control("POST", "/_drill/clock/advance", {"seconds": 600})
        self.ds.control("POST", "/_drill/clock/advance?team=222222222222", {"seconds": 60})
        self.ds.control("POST", "/_drill/timing", {"preset": "fast"})
        self.ds.stop()
        self.ds = harness.Drillsim(data=self.data, args=["--clock", "manual@" + START]).start()
        self.assertEqual(self.ds.control("GET", "/_drill/clock")["now"], "2026-01-01T00:10:00Z")
        self.assertEqual(self.ds.control("GET", "/_drill/clock?team=222222222222")["now"],
                         "2026-01-01T00:01:00Z")
        self.assertEqual(self.ds.control("GET", "/_drill/timing")["provisioningSeconds"], 1)

    def test_bad_requests(self):
        for body in [{"seconds": -1}, {"seconds": "10"}, {}, {"seconds": 8 * 86400}]:
            self.assertEqual(control_error(self.ds, "POST", "/_drill/clock/advance", body), 400)
        self.assertEqual(control_error(self.ds, "GET", "/_drill/clock?team=abc"), 400)
        self.assertEqual(control_error(self.ds, "POST", "/_drill/timing", {"preset": "slow"}), 400)
        self.assertEqual(control_error(self.ds, "POST", "/_drill/timing",
                                       {"stoppingSeconds": -5}), 400)
        timing = self.ds.control("POST", "/_drill/timing", {"preset": "fast", "stoppingSeconds": 7})
        self.assertEqual((timing["pendingSeconds"], timing["stoppingSeconds"]), (1, 7))


class RealtimeClock(unittest.TestCase):
    def test_realtime_cannot_advance(self):
        with harness.Drillsim() as ds:
            clock = ds.control("GET", "/_drill/clock")
            self.assertEqual(clock["mode"], "realtime")
            self.assertEqual(control_error(ds, "POST", "/_drill/clock/advance", {"seconds": 1}),
                             409)


if __name__ == "__main__":
    harness.main()
