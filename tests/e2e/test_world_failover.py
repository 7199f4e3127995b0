"""test_world_failover.py - the failover and calm drills end to end (issue 7, done means 1).

failover: at +2m Aurora fails over; for about 30 s every database request fails (500,
connection_error, in the runbook's Insights query and from `curl /db`), every connection
drops, then the pools reconnect to the new writer and the world recovers with no remediation;
the connections alarm never fires. calm: 30 minutes with no alarm and no error.
"""
import json
import unittest

import harness
import world_util as wu
from world_util import at


class Failover(unittest.TestCase):
    def setUp(self):
        wu.need_tools(self, "faketime", "curl", "aws")

    def test_failover_impact_then_recovery_without_remediation(self):
        with wu.drill("failover", app=True) as ds:
            self._drill(ds)

    def _drill(self, ds):
        rb = wu.Runbook(ds)
        wu.advance(ds, 60)
        before = wu.world(ds)
        self.assertTrue(before["database"]["up"])
        self.assertEqual(before["database"]["connections"], 42)
        self.assertEqual(wu.app_get(ds, "/db")[0], 200)
        wu.advance(ds, 65)                              # +2m05s: the writer is failing over
        w = wu.world(ds)
        self.assertFalse(w["database"]["up"], w["database"])
        self.assertEqual(w["database"]["connections"], 0, w["database"])
        status, body = wu.app_get(ds, "/db")
        self.assertEqual(status, 500, body)
        self.assertEqual(json.loads(body)["errorType"], "connection_error", body)
        wu.advance(ds, 10)
        rows = rb.insights()
        self.assertTrue(rows, "the runbook's Insights query found nothing")
        self.assertEqual({r.get("errorType") for r in rows}, {"connection_error"}, rows)
        self.assertTrue(all("2026-01-01 00:02:" <= r["@timestamp"] < "2026-01-01 00:03:"
                            for r in rows), rows)

        wu.advance(ds, 45)                              # +3m: recovered by itself
        w = wu.world(ds)
        self.assertTrue(w["database"]["up"], w["database"])
        self.assertNotEqual(w["database"]["writer"], before["database"]["writer"])
        self.assertEqual(w["database"]["connections"], 42, w["database"])
        self.assertEqual(wu.app_get(ds, "/db")[0], 200)
        st = rb.run("cluster_status")
        self.assertEqual(st, {"Status": "available", "Engine": "aurora-postgresql"})
        wu.advance(ds, 12 * 60)
        self.assertGreater(wu.elb_sum(ds, "HTTPCode_Target_5XX_Count", at(2), at(3)), 0)
        self.assertEqual(wu.elb_sum(ds, "HTTPCode_Target_5XX_Count", at(4), at(15)), 0)
        late = wu.db_series(ds, at(4), at(15))
        self.assertTrue(late and all(40 <= v <= 45 for v in late.values()), late)
        # the connections alarm never fired during the drill
        self.assertEqual(wu.alarm_state(ds), "OK")
        fired = [(ts, b) for ts, b in wu.sns_alarm_messages(ds)
                 if b["NewStateValue"] == "ALARM"]
        self.assertEqual(fired, [])


class Calm(unittest.TestCase):
    def test_calm_has_no_alarm_and_no_error(self):
        wu.need_tools(self, "faketime", "aws")
        ds = wu.start_drill("calm")
        try:
            for _ in range(6):
                wu.advance(ds, 5 * 60)
                self.assertEqual(wu.alarm_state(ds), "OK")
            self.assertEqual([b for _, b in wu.sns_alarm_messages(ds)
                              if b["NewStateValue"] == "ALARM"], [])
            db = wu.db_series(ds, at(-50), at(30))
            self.assertGreaterEqual(len(db), 75, db)
            self.assertTrue(all(40 <= v <= 45 for v in db.values()), db)
            self.assertGreater(wu.elb_sum(ds, "RequestCount", at(0), at(30)), 100000)
            self.assertEqual(wu.elb_sum(ds, "HTTPCode_Target_5XX_Count", at(-50), at(30)), 0)
            self.assertEqual(wu.Runbook(ds).insights(), [])
        finally:
            ds.stop()


if __name__ == "__main__":
    harness.main()
