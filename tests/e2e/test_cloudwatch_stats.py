#!/usr/bin/env python3
"""GetMetricStatistics and GetMetricData against an independent reference, in all three protocols.

The property test of issue 4 ("done means 1"): random datapoints - single values, Values/Counts
arrays, statistic sets (recoverable and not), several units, several dimension sets of the same
metric name, standard and high resolution - are put with PutMetricData on a manual clock
(`--clock manual@...`), then GetMetricStatistics and GetMetricData are asked for every statistic
(the five basic ones, percentiles and the other extended statistics), for many periods and time
ranges, with and without a Unit filter, and their answers are compared with a pure-Python
computation written here from the CloudWatch documentation (the definitions are listed in the
header of sim/engine/metricstat.c). The same questions are then asked again after the clock has
moved on four hours and two days, so the retention rules (1-second data for 3 hours, 1-minute
data for 15 days) and the start-time rounding by age are exercised too.

Exactness: values are multiples of 1/8 and counts multiples of 1/4 with small magnitudes, so every
sum is exact in IEEE doubles whatever the order of addition; the basic statistics, percentiles,
percentile ranks and the absolute-bound trimmed statistics must then match exactly. Trimmed and
winsorized statistics with percentage bounds cut a value's weight at a fractional position, so
their sums depend on the order in which equal values are added; they are compared within a
relative 1e-9. "To AWS's precision": AWS documents no error bound for its (approximate)
percentiles, so drillsim's interpretation, stated in sim/engine/metricstat.c, is the exact
nearest-rank definition, which is what is checked here.

Everything is seeded (DRILLSIM_TEST_SEED, printed on failure) so a failure reproduces.
"""
import datetime
import math
import os
import random
import re
import unittest

import botocore.exceptions

import harness

SEED = int(os.environ.get("DRILLSIM_TEST_SEED", "20260101"))
START = "2026-01-01T00:00:00Z"
SEC = 1000
MIN = 60 * SEC
HOUR = 60 * MIN
DAY = 24 * HOUR
NS = "Stats/Prop"
UNITS = ["None", "Count", "Seconds"]

DS = None
MODEL = None


def setUpModule():
    global DS, MODEL
    DS = harness.Drillsim(args=["--clock", "manual@" + START, "--seed", "7"]).start()
    MODEL = Model(random.Random(SEED))
    MODEL.put_all(client("json"))
    put_math(client("json"))


def tearDownModule():
    harness.unforce_protocol()
    DS.stop()


def client(protocol):
    c = DS.client("cloudwatch", protocol=None if protocol == "json" else protocol)
    harness.unforce_protocol()
    return c


def now_ms():
    return int(DS.control("GET", "/_drill/clock")["nowMs"])


def dt(ms):
    return datetime.datetime.fromtimestamp(ms / 1000.0, tz=datetime.timezone.utc)


def to_ms(t):
    return int(round(t.timestamp() * 1000))


# --- the reference -------------------------------------------------------------------------

class Spec:
    """A parsed statistic, from the syntax in CloudWatch's 'statistics definitions'."""

    NUM = r"(\d+(?:\.\d{1,10})?)"
    SNUM = r"(-?\d+(?:\.\d{1,10})?%?)?"

    def __init__(self, text):
        self.text = text
        self.kind = None
        self.x = None
        self.lo = self.hi = None
        self.pct = False
        basic = {"SampleCount": "count", "Sum": "sum", "Average": "avg", "Minimum": "min",
                 "Maximum": "max"}
        if text in basic:
            self.kind = basic[text]
            return
        if text == "IQM":
            self.kind, self.pct, self.lo, self.hi = "TM", True, 25.0, 75.0
            return
        m = re.fullmatch(r"(p|tm|wm|tc|ts)" + self.NUM, text)
        if m:
            v = float(m.group(2))
            assert 0 <= v <= 100, text
            if m.group(1) == "p":
                self.kind, self.x = "p", v
            else:
                self.kind, self.pct, self.lo, self.hi = m.group(1).upper(), True, 0.0, v
            return
        m = re.fullmatch(r"(TM|WM|TC|TS|PR)\(" + self.SNUM + ":" + self.SNUM + r"\)", text)
        assert m, text
        self.kind = m.group(1)
        lo, hi = m.group(2), m.group(3)
        self.pct = (lo or hi).endswith("%")
        self.lo = float(lo.rstrip("%")) if lo else None
        self.hi = float(hi.rstrip("%")) if hi else None
        if self.pct:
            self.lo = 0.0 if self.lo is None else self.lo
            self.hi = 100.0 if self.hi is None else self.hi

    @property
    def basic(self):
        return self.kind in ("count", "sum", "avg", "min", "max")

    @property
    def tolerant(self):
        """Percentage-bounded trimmed statistics: compared within 1e-9 (module docstring)."""
        return self.kind in ("TM", "WM", "TC", "TS") and self.pct


def extended(spec, samples):
    """One extended statistic over [(value, weight)] sorted by value; None = no value."""
    total = 0.0
    for _, w in samples:
        total += w
    if spec.kind == "p":
        rank = spec.x / 100.0 * total
        acc = 0.0
        for v, w in samples:
            acc += w
            if acc >= rank:
                return v
        return samples[-1][0]
    if spec.kind == "PR" or not spec.pct:
        inside = [(v, w) for v, w in samples
                  if (spec.lo is None or v > spec.lo) and (spec.hi is None or v <= spec.hi)]
        n = 0.0
        s = 0.0
        for v, w in inside:
            n += w
            s += w * v
        if spec.kind == "PR":
            return n / total * 100.0
        if spec.kind == "TC":
            return n
        if spec.kind == "TS":
            return s
        return s / n if n > 0 else None
    lo_pos, hi_pos = spec.lo / 100.0 * total, spec.hi / 100.0 * total
    n = 0.0
    s = 0.0
    before = 0.0
    low_value = high_value = None
    for v, w in samples:
        after = before + w
        part = min(after, hi_pos) - max(before, lo_pos)
        if part > 0:
            n += part
            s += part * v
        if low_value is None and before <= lo_pos < after:
            low_value = v
        if high_value is None and before < hi_pos <= after:
            high_value = v
        before = after
    if low_value is None:
        low_value = samples[-1][0]
    if high_value is None:
        high_value = samples[0][0]
    if spec.kind == "TC":
        return n
    if spec.kind == "TS":
        return s
    if spec.kind == "WM":
        return (s + lo_pos * low_value + (total - hi_pos) * high_value) / total
    return s / n if n > 0 else None


def aligned_start(start, period, now):
    """StartTime rounded down as the GetMetricStatistics reference describes."""
    if period < 60:
        step = period * SEC
    elif now - start <= 15 * DAY:
        step = MIN
    elif now - start <= 63 * DAY:
        step = 5 * MIN
    else:
        step = HOUR
    return start - start % step


def oldest_period(period, now):
    """The oldest period start whose data is kept at a resolution this Period can use."""
    if period % 60:
        return now - 3 * HOUR
    if period % 300:
        return now - 15 * DAY
    if period % 3600:
        return now - 63 * DAY
    return now - 455 * DAY


class Datum:
    def __init__(self, name, dims, ts, unit, resolution, samples=None, stats=None, wire=None):
        self.name, self.dims, self.ts, self.unit = name, dims, ts, unit
        self.resolution = resolution
        self.samples = samples   # [(value, count)] or None
        self.stats = stats       # (count, sum, min, max) or None
        self.wire = wire         # the MetricDatum as put

    def identity(self):
        return (self.name, frozenset(self.dims.items()))

    def counted(self):
        """(count, sum, min, max) as stored."""
        if self.stats:
            return self.stats
        c = s = 0.0
        for v, n in self.samples:
            c += n
            s += v * n
        seen = [v for v, n in self.samples if n != 0]   # a value counted 0 times never occurred
        return (c, s, min(seen), max(seen))

    def values(self):
        """[(value, weight)] for percentiles, or None if CloudWatch cannot recover them."""
        if self.samples:
            return [(v, n) for v, n in self.samples if n != 0]
        count, total, lo, hi = self.stats
        if lo == hi:
            return [(lo, count)]
        if count == 1:
            return [(total, 1.0)]
        return None


class Model:
    """The random data and the reference answers."""

    def __init__(self, rng):
        self.rng = rng
        self.data = []
        self.now0 = None
        self.metrics = [
            ("Latency", {}), ("Latency", {"Host": "a"}), ("Latency", {"Host": "a", "Az": "z1"}),
            ("Latency", {"Host": "b"}), ("Queue", {"Service": "web"}), ("Temp", {}),
        ]

    def value(self, allow_negative):
        lo = -400 if allow_negative else 0
        return self.rng.randint(lo, 8000) / 8.0

    def make(self, now):
        rng = self.rng
        for name, dims in self.metrics:
            negative = name == "Temp"
            units = UNITS if name == "Latency" else ["Count"]
            for _ in range(rng.randint(120, 220)):
                # Mostly the last hours (dense, high resolution too), some up to 13 days back.
                if rng.random() < 0.6:
                    ts = now - rng.randint(0, 5 * HOUR // SEC) * SEC
                else:
                    ts = now - rng.randint(0, 13 * DAY // SEC) * SEC
                unit = rng.choice(units)
                res = 1 if rng.random() < 0.3 else 60
                wire = {"MetricName": name, "Timestamp": dt(ts), "Unit": unit,
                        "StorageResolution": res,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]}
                kind = rng.random()
                if kind < 0.4:
                    v = self.value(negative)
                    wire["Value"] = v
                    d = Datum(name, dims, ts, unit, res, samples=[(v, 1.0)], wire=wire)
                elif kind < 0.75:
                    k = rng.randint(1, 12)
                    vs = [self.value(negative) for _ in range(k)]
                    cs = [rng.randint(0, 12) / 4.0 for _ in range(k)]
                    if all(c == 0 for c in cs):
                        cs[0] = 1.0
                    wire["Values"] = vs
                    wire["Counts"] = cs
                    d = Datum(name, dims, ts, unit, res, samples=list(zip(vs, cs)), wire=wire)
                else:
                    shape = rng.random()
                    n = float(rng.randint(1, 20))
                    if shape < 0.4:
                        v = self.value(negative)
                        stats = (n, v * n, v, v)
                    elif shape < 0.6:
                        v = self.value(negative)
                        stats = (1.0, v, v, v)
                    else:
                        a, b = sorted((self.value(negative), self.value(negative)))
                        if a == b:
                            b += 1
                        stats = (n, (a + b) / 2 * n, a, b)
                    wire["StatisticValues"] = {"SampleCount": stats[0], "Sum": stats[1],
                                               "Minimum": stats[2], "Maximum": stats[3]}
                    d = Datum(name, dims, ts, unit, res, stats=stats, wire=wire)
                self.data.append(d)

    def put_all(self, cw):
        self.now0 = now_ms()
        self.make(self.now0)
        for i in range(0, len(self.data), 150):
            cw.put_metric_data(Namespace=NS, MetricData=[d.wire for d in self.data[i:i + 150]])

    def table(self, name, dims, start, end, period, specs, unit, by_unit, now):
        """{(period start, unit or None): [value or None per spec]} as CloudWatch answers."""
        base = aligned_start(start, period, now)
        p = period * SEC
        count = (end - base + p - 1) // p
        oldest = oldest_period(period, now)
        ident = (name, frozenset(dims.items()))
        groups = {}
        for d in self.data:
            if d.identity() != ident or (unit and d.unit != unit):
                continue
            k = (d.ts - base) // p
            if d.ts < base or k >= count or base + k * p < oldest:
                continue
            groups.setdefault((base + k * p, d.unit if by_unit else None), []).append(d)
        out = {}
        for key, ds in groups.items():
            c = s = 0.0
            lo, hi = math.inf, -math.inf
            samples = []
            opaque = False
            for d in sorted(ds, key=lambda x: x.ts):
                dc, dsum, dmin, dmax = d.counted()
                c += dc
                s += dsum
                lo = min(lo, dmin)
                hi = max(hi, dmax)
                vals = d.values()
                if vals is None:
                    opaque = True
                else:
                    samples.extend(vals)
            samples.sort(key=lambda x: x[0])
            row = []
            for sp in specs:
                if sp.basic:
                    row.append({"count": c, "sum": s, "avg": s / c, "min": lo, "max": hi}[sp.kind])
                elif opaque or lo < 0:
                    row.append(None)
                else:
                    row.append(extended(sp, samples))
            out[key] = row
        return out

    def npoints(self, start, end, period, now):
        base = aligned_start(start, period, now)
        return (end - base + period * SEC - 1) // (period * SEC)


# --- the cases -----------------------------------------------------------------------------

BASIC = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]
EXTENDED = ["p0", "p0.0", "p10", "p50", "p90.5", "p99.99", "p100", "tm90", "tm50", "wm95",
            "tc80", "ts75", "IQM", "TM(10%:90%)", "TM(:99%)", "TM(5%:)", "TM(100:600.5)",
            "WM(10%:90%)", "TC(25%:75%)", "TS(80%:)", "TC(0:400)", "TS(:250)", "PR(:500)",
            "PR(100:800)", "PR(250:)", "p33.3333333333"]
PERIODS = [1, 5, 10, 20, 30, 60, 120, 180, 300, 600, 900, 3600, 10800, 21600, 86400]


def close(a, b, tolerant):
    if a == b:
        return True
    if tolerant and a is not None and b is not None:
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return False


class Cases:
    protocol = None

    def setUp(self):
        self.cw = client(self.protocol)
        self.rng = random.Random("%s-%s-%s" % (SEED, self.protocol, self._testMethodName))

    def fail_with(self, what, detail):
        self.fail("%s (protocol %s, DRILLSIM_TEST_SEED=%d): %s" % (what, self.protocol, SEED,
                                                                   detail))

    def random_range(self, period):
        """A time range over the data (which ends at MODEL.now0, whatever the clock says now)
        whose grid fits 1,440 periods."""
        rng = self.rng
        span = rng.choice([5 * MIN, HOUR, 3 * HOUR, 6 * HOUR, DAY, 3 * DAY, 14 * DAY])
        span = min(span, 1440 * period * SEC)
        end = MODEL.now0 - rng.randint(0, 2 * HOUR // SEC) * SEC
        start = end - span - rng.randint(0, 59) * SEC
        if self.protocol == "query":
            # Only awsQuery carries fractions of a second (botocore sends JSON and CBOR
            # timestamps as whole epoch seconds, aws-wire-protocols.md 3.1).
            end += rng.randint(0, 999)
            start += rng.randint(0, 999)
        return start, end

    def check_gms(self, now, name, dims, period, start, end, stats, unit):
        model = MODEL
        specs = [Spec(s) for s in stats]
        basic = specs[0].basic
        kw = dict(Namespace=NS, MetricName=name, StartTime=dt(start), EndTime=dt(end),
                  Period=period, Dimensions=[{"Name": k, "Value": v} for k, v in dims.items()])
        kw["Statistics" if basic else "ExtendedStatistics"] = stats
        if unit:
            kw["Unit"] = unit
        want = model.table(name, dims, start, end, period, specs, unit, unit is None, now)
        got = {}
        r = self.cw.get_metric_statistics(**kw)
        self.assertEqual(r["Label"], name)
        for p in r["Datapoints"]:
            key = (to_ms(p["Timestamp"]), None if unit else p["Unit"])
            self.assertNotIn(key, got)
            if unit:
                self.assertEqual(p["Unit"], unit)
            vals = p.get("ExtendedStatistics", {}) if not basic else p
            got[key] = [vals.get(s) for s in stats]
        if unit:
            want = {(k[0], None): v for k, v in want.items()}
        else:
            want = {(k[0], k[1]): v for k, v in want.items()}
        if set(got) != set(want):
            self.fail_with("GetMetricStatistics periods differ", "%s %s period %d [%d, %d) %s: "
                           "got %s want %s" % (name, dims, period, start, end, unit,
                                               sorted(got), sorted(want)))
        for key in want:
            for sp, g, w in zip(specs, got[key], want[key]):
                if not close(g, w, sp.tolerant):
                    self.fail_with("GetMetricStatistics value differs",
                                   "%s %s %s period %d at %s unit %s: got %r want %r"
                                   % (sp.text, name, dims, period, key[0], key[1], g, w))
        return len(want)

    def sweep_gms(self, now, rounds):
        model = MODEL
        checked = 0
        for _ in range(rounds):
            name, dims = self.rng.choice(model.metrics)
            period = self.rng.choice(PERIODS)
            start, end = self.random_range(period)
            if model.npoints(start, end, period, now) > 1440:
                continue
            unit = self.rng.choice([None, None, "Count", "Seconds", "Bytes"])
            if self.rng.random() < 0.5:
                stats = self.rng.sample(BASIC, self.rng.randint(1, 5))
            else:
                stats = self.rng.sample(EXTENDED, self.rng.randint(1, 10))
            checked += self.check_gms(now, name, dims, period, start, end, stats, unit)
        return checked

    def check_gmd(self, now, queries, start, end, scan, maxdp=None):
        """queries: [(id, name, dims, period, stat, unit)]; pages through the answer."""
        model = MODEL
        mdq = []
        for qid, name, dims, period, stat, unit in queries:
            ms = {"Metric": {"Namespace": NS, "MetricName": name,
                             "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]},
                  "Period": period, "Stat": stat}
            if unit:
                ms["Unit"] = unit
            mdq.append({"Id": qid, "MetricStat": ms})
        kw = dict(MetricDataQueries=mdq, StartTime=dt(start), EndTime=dt(end))
        if scan:
            kw["ScanBy"] = scan
        if maxdp:
            kw["MaxDatapoints"] = maxdp
        got = {q[0]: ([], []) for q in queries}
        labels = {}
        pages = 0
        while True:
            r = self.cw.get_metric_data(**kw)
            pages += 1
            self.assertLess(pages, 10000)
            n = 0
            for res in r["MetricDataResults"]:
                got[res["Id"]][0].extend(to_ms(t) for t in res["Timestamps"])
                got[res["Id"]][1].extend(res["Values"])
                labels[res["Id"]] = res["Label"]
                n += len(res["Values"])
                if "NextToken" not in r:
                    self.assertEqual(res["StatusCode"], "Complete")
            if maxdp:
                self.assertLessEqual(n, maxdp)
            if "NextToken" not in r:
                break
            self.assertIn("PartialData", [res["StatusCode"] for res in r["MetricDataResults"]])
            kw["NextToken"] = r["NextToken"]
        total = 0
        for qid, name, dims, period, stat, unit in queries:
            sp = Spec(stat)
            table = model.table(name, dims, start, end, period, [sp], unit, False, now)
            want = sorted((k[0], v[0]) for k, v in table.items() if v[0] is not None)
            if scan != "TimestampAscending":
                want.reverse()
            ts, vs = got[qid]
            if ts != [t for t, _ in want] or not all(close(g, w, sp.tolerant)
                                                     for g, (_, w) in zip(vs, want)):
                diff = [(t, g, w) for t, g, (_, w) in zip(ts, vs, want)
                        if not close(g, w, sp.tolerant)]
                self.fail_with("GetMetricData differs", "%s %s %s period %d %s [%d, %d) %s: "
                               "first differences %s; got %s want %s"
                               % (qid, name, dims, period, stat, start, end, unit, diff[:3],
                                  list(zip(ts, vs)), want))
            self.assertEqual(labels[qid], name)
            total += len(want)
        return total, pages

    def sweep_gmd(self, now, rounds):
        model = MODEL
        checked = 0
        for _ in range(rounds):
            start, end = self.random_range(3600)
            queries = []
            for i in range(self.rng.randint(1, 6)):
                name, dims = self.rng.choice(model.metrics)
                period = self.rng.choice(PERIODS)
                stat = self.rng.choice(BASIC + EXTENDED)
                unit = self.rng.choice([None, None, None, "Count", "Seconds"])
                queries.append(("q%d" % i, name, dims, period, stat, unit))
            scan = self.rng.choice([None, "TimestampAscending", "TimestampDescending"])
            n, _ = self.check_gmd(now, queries, start, end, scan)
            checked += n
        return checked

    # --- tests -----------------------------------------------------------------------

    # The clock is the server's (test_6 of each class moves it on, and the classes run one
    # after the other); the ranges stay over the data, which ends at MODEL.now0.

    def test_1_statistics_match_the_reference(self):
        self.assertGreater(self.sweep_gms(now_ms(), 120), 500)

    def test_2_metric_data_matches_the_reference(self):
        self.assertGreater(self.sweep_gmd(now_ms(), 60), 500)

    def test_3_every_statistic_on_one_range(self):
        """All extended statistics, in batches of ten, over the dense last hours."""
        now, end = now_ms(), MODEL.now0
        for name, dims in MODEL.metrics:
            for i in range(0, len(EXTENDED), 10):
                self.check_gms(now, name, dims, 300, end - 5 * HOUR, end,
                               EXTENDED[i:i + 10], None)
            self.check_gms(now, name, dims, 60, end - 5 * HOUR, end, BASIC, None)
            self.check_gms(now, name, dims, 10, end - 2 * HOUR, end, BASIC, "Count")

    def test_4_pagination(self):
        now, end = now_ms(), MODEL.now0
        queries = [("a", "Latency", {}, 60, "Sum", None),
                   ("b", "Latency", {"Host": "a"}, 60, "p50", None),
                   ("c", "Queue", {"Service": "web"}, 300, "Maximum", None)]
        whole, pages = self.check_gmd(now, queries, end - 5 * HOUR, end, None)
        self.assertEqual(pages, 1)
        self.assertGreater(whole, 20)
        for maxdp in (1, 7, whole - 1):
            for scan in ("TimestampAscending", "TimestampDescending"):
                n, pages = self.check_gmd(now, queries, end - 5 * HOUR, end, scan, maxdp)
                self.assertEqual(n, whole)
                self.assertEqual(pages, (whole + maxdp - 1) // maxdp)

    def test_5_errors(self):
        cw = self.cw
        now = now_ms()
        base = dict(Namespace=NS, MetricName="Latency", Period=300, StartTime=dt(now - HOUR),
                    EndTime=dt(now))

        def err(call, **kw):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                call(**kw)
            return e.exception.response["Error"]["Code"], e.exception.response["Error"]["Message"]

        gms = cw.get_metric_statistics
        self.assertEqual(err(gms, **dict(base, Statistics=["Maximum,Average"])),
                         ("InvalidParameterValue", "The parameter Statistics.member.1 must be a "
                          "value in the set [ Minimum, Maximum, Average, SampleCount, Sum ]."))
        self.assertEqual(err(gms, **dict(base, StartTime=dt(now), Statistics=["Maximum"])),
                         ("InvalidParameterValue",
                          "The parameter StartTime must be less than the parameter EndTime."))
        self.assertEqual(err(gms, **dict(base, Period=60, StartTime=dt(now - DAY - MIN),
                                         Statistics=["Sum"])),
                         ("InvalidParameterCombination",
                          "You have requested up to 1441 datapoints, which exceeds the limit of "
                          "1440. You may reduce the datapoints requested by increasing Period, or "
                          "decreasing the time range."))
        self.assertEqual(err(gms, **base),
                         ("InvalidParameterCombination",
                          "Must specify either Statistics or ExtendedStatistics"))
        self.assertEqual(err(gms, **dict(base, Statistics=["Sum"], ExtendedStatistics=["p9"]))[0],
                         "InvalidParameterCombination")
        self.assertEqual(err(gms, **dict(base, ExtendedStatistics=["p50", "p101"])),
                         ("InvalidParameterValue",
                          "The value p101 for parameter ExtendedStatistics.member.2 is invalid."))
        self.assertEqual(err(gms, **dict(base, Period=90, Statistics=["Sum"]))[0],
                         "InvalidParameterValue")
        gmd = cw.get_metric_data
        q = {"Id": "m1", "MetricStat": {"Metric": {"Namespace": NS, "MetricName": "Latency"},
                                        "Period": 60, "Stat": "Sum"}}
        self.assertEqual(err(gmd, MetricDataQueries=[q], StartTime=dt(now), EndTime=dt(now)),
                         ("ValidationError",
                          "The parameter StartTime must not equal parameter EndTime."))
        bad = [dict(q, Id="M1"), dict(q, Id="m2", MetricStat=dict(q["MetricStat"], Stat="p200"))]
        self.assertEqual(err(gmd, MetricDataQueries=bad, StartTime=dt(now - HOUR),
                             EndTime=dt(now)),
                         ("ValidationError",
                          "The value M1 for parameter MetricDataQueries.member.1.Id is not "
                          "matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.\n"
                          "The value p200 for parameter MetricDataQueries.member.2.MetricStat.Stat "
                          "is not a valid statistic.\n"))
        self.assertEqual(err(gmd, MetricDataQueries=[{"Id": "m1"}], StartTime=dt(now - HOUR),
                             EndTime=dt(now)),
                         ("ValidationError",
                          "The parameter MetricDataQueries.member.1.MetricStat is required.\n"))
        code, msg = err(gmd, MetricDataQueries=[q, {"Id": "e1", "Expression": "m1 +"}],
                        StartTime=dt(now - HOUR), EndTime=dt(now))
        self.assertEqual(code, "ValidationError")
        self.assertTrue(msg.startswith("Error in expression 'e1': "), msg)
        self.assertEqual(err(gmd, MetricDataQueries=[q], StartTime=dt(now - HOUR),
                             EndTime=dt(now), NextToken="0" * 32)[0], "InvalidNextToken")
        self.assertEqual(err(gmd, MetricDataQueries=[dict(q, Id="m%d" % i) for i in range(501)],
                             StartTime=dt(now - HOUR), EndTime=dt(now)),
                         ("ValidationError", "The collection MetricDataQueries must not have a "
                          "size greater than 500."))
        self.assertEqual(err(gmd, MetricDataQueries=[q], StartTime=dt(now - HOUR),
                             EndTime=dt(now), LabelOptions={"Timezone": "+2500"})[0],
                         "ValidationError")
        r = gmd(MetricDataQueries=[q], StartTime=dt(now - HOUR), EndTime=dt(now),
                LabelOptions={"Timezone": "-0130"})
        self.assertEqual(r["MetricDataResults"][0]["StatusCode"], "Complete")

    def test_6_later(self):
        """Four hours on (the 1-second data is gone for sub-minute periods), then two days on
        (the oldest 1-minute data is gone, 5-minute periods keep it); runs last."""
        for seconds in (4 * 3600, 2 * 86400):
            DS.control("POST", "/_drill/clock/advance", {"seconds": seconds})
            now = now_ms()
            self.sweep_gms(now, 60)
            self.sweep_gmd(now, 20)
            for name, dims in MODEL.metrics[:2]:
                # Sub-minute periods of data more than 3 hours old: nothing (the reference
                # agrees, and had points for the same range in test_3).
                self.assertEqual(self.check_gms(now, name, dims, 10, MODEL.now0 - HOUR,
                                                MODEL.now0, BASIC, None), 0)
                self.assertGreater(self.check_gms(now, name, dims, 60, MODEL.now0 - HOUR,
                                                  MODEL.now0, BASIC, None), 0)
                self.check_gms(now, name, dims, 3600, now - 15 * DAY, now, BASIC, None)
                self.check_gms(now, name, dims, 1800, now - 16 * DAY, now, ["Sum", "Maximum"],
                               None)


# --- metric math through GetMetricData, on hand-computed series -----------------------------

MATH_NS = "Stats/Math"
# Six minutes from MATH_T (a whole minute, 30 minutes before the data's "now").
MATH = {
    ("Req", "web"): [1, 2, 4, 7, 11, 16],
    ("Req", "api"): [10, 20, None, 40, 50, 60],
    ("Err", "web"): [0, 1, 0, 2, 0, 3],
}


def math_t():
    return MODEL.now0 - 30 * MIN


def put_math(cw):
    data = []
    for (name, service), values in MATH.items():
        for i, v in enumerate(values):
            if v is not None:
                data.append({"MetricName": name, "Value": float(v), "Unit": "Count",
                             "Timestamp": dt(math_t() + i * MIN),
                             "Dimensions": [{"Name": "Service", "Value": service}]})
    cw.put_metric_data(Namespace=MATH_NS, MetricData=data)


def stat_query(qid, name, service, return_data=False):
    return {"Id": qid, "ReturnData": return_data, "MetricStat": {
        "Metric": {"Namespace": MATH_NS, "MetricName": name,
                   "Dimensions": [{"Name": "Service", "Value": service}]},
        "Period": 60, "Stat": "Sum"}}


class MathCases:
    """GetMetricData with Expression queries: the metric-math module (sim/engine/metricmath*.c)
    wired to the queries' series and to SEARCH over the stored metrics. Expected values are
    worked out by hand from the definitions in the CloudWatch User Guide ("Metric math syntax
    and functions", "Use search expressions") as sim/engine/metricmath_eval.c states them."""

    protocol = None

    def setUp(self):
        self.cw = client(self.protocol)

    def data(self, *expressions, labels=None):
        """Runs m1 (Req web), m2 (Req api), m3 (Err web), not returned, and the expressions
        e1, e2, ...; returns {id: [(label, [(minute, value)])]} and the response."""
        queries = [stat_query("m1", "Req", "web"), stat_query("m2", "Req", "api"),
                   stat_query("m3", "Err", "web")]
        for i, e in enumerate(expressions):
            q = {"Id": "e%d" % (i + 1), "Expression": e, "Period": 60}
            if labels and labels.get(q["Id"]):
                q["Label"] = labels[q["Id"]]
            queries.append(q)
        r = self.cw.get_metric_data(MetricDataQueries=queries, StartTime=dt(math_t()),
                                    EndTime=dt(math_t() + 6 * MIN), ScanBy="TimestampAscending")
        out = {}
        for res in r["MetricDataResults"]:
            pts = [((to_ms(t) - math_t()) // MIN, v) for t, v in zip(res["Timestamps"],
                                                                     res["Values"])]
            out.setdefault(res["Id"], []).append((res["Label"], pts))
        return out, r

    def series(self, expression, want, tolerant=False):
        out, _ = self.data(expression)
        self.assertEqual(list(out), ["e1"], out)
        (_, got), = out["e1"]
        self.assertEqual([m for m, _ in got], [m for m, _ in want], (expression, got))
        for (_, g), (_, w) in zip(got, want):
            self.assertTrue(close(g, w, tolerant) if tolerant else g == w,
                            (expression, got, want))

    def test_arithmetic(self):
        self.series("m1 * 2 + 1", list(enumerate([3, 5, 9, 15, 23, 33])))
        # A missing value counts as 0 between two series.
        self.series("m1 + m2", list(enumerate([11, 22, 4, 47, 61, 76])))
        self.series("m2 - m1 / 2", [(0, 9.5), (1, 19), (2, -2), (3, 36.5), (4, 44.5), (5, 52)])

    def test_aggregates_over_arrays(self):
        self.series("SUM([m1, m2])", list(enumerate([11, 22, 4, 47, 61, 76])))
        self.series("AVG([m1, m2])", list(enumerate([5.5, 11, 2, 23.5, 30.5, 38])))
        self.series("MIN([m1, m3])", list(enumerate([0, 1, 0, 2, 0, 3])))
        self.series("MAX(METRICS())", list(enumerate([10, 20, 4, 40, 50, 60])))
        self.series("STDDEV([m1, m3])",
                    list(enumerate([0.5, 0.5, 2, 2.5, 5.5, 6.5])), tolerant=True)
        # Of one series: a scalar, usable in arithmetic.
        self.series("m1 - AVG(m1)", list(enumerate([v - 41 / 6 for v in MATH["Req", "web"]])),
                    tolerant=True)

    def test_rate_diff_fill_if(self):
        self.series("DIFF(m1)", [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)])
        self.series("RATE(m1)", [(i, i / 60.0) for i in range(1, 6)], tolerant=True)
        self.series("FILL(m2, 0)", list(enumerate([10, 20, 0, 40, 50, 60])))
        self.series("IF(m3 > 0, m1, 0)", list(enumerate([0, 2, 0, 7, 0, 16])))

    def test_search(self):
        out, _ = self.data("SEARCH('{%s,Service} MetricName=\"Req\"', 'Sum', 60)" % MATH_NS,
                           "SEARCH('{%s,Service} Req Service=web', 'Sum', 60)" % MATH_NS,
                           "SUM(SEARCH('{%s,Service} req NOT api', 'Sum', 60))" % MATH_NS,
                           "SEARCH('Err OR \"api\"', 'Maximum', 60)",
                           labels={"e2": "only"})
        self.assertEqual(out["e1"], [
            ("api Req", [(0, 10), (1, 20), (3, 40), (4, 50), (5, 60)]),
            ("web Req", list(enumerate([1, 2, 4, 7, 11, 16])))])
        self.assertEqual(out["e2"], [("only web Req", list(enumerate([1, 2, 4, 7, 11, 16])))])
        self.assertEqual(out["e3"], [("e3", list(enumerate([1, 2, 4, 7, 11, 16])))])
        self.assertEqual([label for label, _ in out["e4"]], ["web Err", "api Req"])

    def test_labels_and_return_data(self):
        out, r = self.data("m1 * 10", "m3", labels={"e1": "x${MAX} of ${PROP('Period')}s"})
        self.assertEqual(sorted(out), ["e1", "e2"])
        self.assertEqual(out["e1"][0][0], "x160 of 60s")
        self.assertEqual(out["e2"][0][0], "e2")
        self.assertEqual(r["Messages"], [])

    def test_dropped_points_are_a_message(self):
        out, r = self.data("m1 / m3")
        res = r["MetricDataResults"][0]
        self.assertEqual([v for _, v in out["e1"][0][1]], [2.0, 3.5, 16 / 3])
        self.assertEqual(res["Messages"], [{"Code": "ArithmeticError", "Value": "One or more "
                         "data points have been dropped due to non-numeric values (NaN, "
                         "-Infinite, +Infinite)"}])

    def test_errors(self):
        def err(*expressions):
            with self.assertRaises(botocore.exceptions.ClientError) as e:
                self.data(*expressions)
            return e.exception.response["Error"]["Code"], e.exception.response["Error"]["Message"]

        for bad, target in (("m1 +", "e1"), ("LAMBDA(\"f\", m1)", "e1"), ("m9 * 2", "e1"),
                            ("SEARCH('{%s,Service', 'Sum', 60)" % MATH_NS, "e1"),
                            ("SEARCH('Req', 'p101', 60)", "e1")):
            code, msg = err(bad)
            self.assertEqual(code, "ValidationError", bad)
            self.assertTrue(msg.startswith("Error in expression '%s': " % target), (bad, msg))
        self.assertEqual(err("e2 + 1", "e1 * 2"),
                         ("ValidationError", "Error in expression 'e2': Circular dependency on "
                          "'e1'"))
        self.assertEqual(err("e1 + 1")[1],
                         "Error in expression 'e1': Circular dependency on 'e1'")
        # A scalar is not a result.
        self.assertEqual(err("2 + 2")[0], "ValidationError")


class TestMathJson(MathCases, unittest.TestCase):
    protocol = "json"


class TestMathCbor(MathCases, unittest.TestCase):
    protocol = "smithy-rpc-v2-cbor"


class TestMathQuery(MathCases, unittest.TestCase):
    protocol = "query"


class TestJson(Cases, unittest.TestCase):
    protocol = "json"


class TestCbor(Cases, unittest.TestCase):
    protocol = "smithy-rpc-v2-cbor"


class TestQuery(Cases, unittest.TestCase):
    protocol = "query"


def load_tests(loader, tests, pattern):
    """Each protocol class in turn, its tests in name order; the clock moves only in test_6,
    so each class runs test_6 at the end and the next class starts from a later clock:
    the reference takes "now" from the server each time."""
    suite = unittest.TestSuite()
    for cls in (TestMathJson, TestMathCbor, TestMathQuery, TestJson, TestCbor, TestQuery):
        suite.addTests(loader.loadTestsFromTestCase(cls))
    return suite


if __name__ == "__main__":
    harness.main()
