"""test_filter_patterns.py - the filter-pattern case file through FilterLogEvents with boto3.

tests/unit/insights/filter_pattern_cases.txt holds the cases (pattern, message, expected
match or error; see its header). Here every message is put as one event of its own
millisecond in one stream, and each pattern is asked of FilterLogEvents over exactly that
millisecond: a "1" case must return the event, a "0" case nothing, and an "ERROR" case must
fail with InvalidParameterException and exactly that message, as AWS answers. This is the
wire-level check of issue 5's "done means 3"; the same file drives the unit test.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
import unittest  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

CASES = os.path.join(os.path.dirname(__file__), "..", "unit", "insights",
                     "filter_pattern_cases.txt")
START = "2026-01-01T00:00:00Z"
START_MS = 1767225600000


def decode_message(line):
    """The case file's message line: '@esc ' lines take \\t \\n \\r \\\\ and \\xHH."""
    if not line.startswith("@esc "):
        return line
    out, i, s = [], 0, line[5:]
    while i < len(s):
        c = s[i]
        if c != "\\" or i + 1 >= len(s):
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e == "x":
            out.append(chr(int(s[i + 2:i + 4], 16)))
            i += 4
            continue
        out.append({"t": "\t", "n": "\n", "r": "\r"}.get(e, e))
        i += 2
    return "".join(out)


def read_cases():
    cases, cur, first = [], [], 0
    with open(CASES, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, line in enumerate(lines + [""], 1):
        if line.startswith("#"):
            continue
        if line == "":
            if cur:
                assert len(cur) == 3, "case at line %d has %d lines" % (first, len(cur))
                pattern = "" if cur[0] == "@empty" else cur[0]
                cases.append((first, pattern, decode_message(cur[1]), cur[2]))
            cur = []
            continue
        if not cur:
            first = no
        cur.append(line)
    return cases


class FilterPatterns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ds = harness.Drillsim(args=["--clock", "manual@" + START]).start()
        cls.logs = cls.ds.client("logs")
        cls.logs.create_log_group(logGroupName="/fp/cases")
        cls.logs.create_log_stream(logGroupName="/fp/cases", logStreamName="cases")
        cls.cases = read_cases()
        base = START_MS - 3600 * 1000
        events = []
        cls.ts = {}
        for i, (line, _, message, expected) in enumerate(cls.cases):
            if expected.startswith("ERROR"):
                continue
            cls.ts[line] = base + i * 10
            events.append({"timestamp": cls.ts[line], "message": message})
        for k in range(0, len(events), 1000):
            r = cls.logs.put_log_events(logGroupName="/fp/cases", logStreamName="cases",
                                        logEvents=events[k:k + 1000])
            assert "rejectedLogEventsInfo" not in r, r

    @classmethod
    def tearDownClass(cls):
        cls.ds.stop()

    def test_case_file_through_filter_log_events(self):
        self.assertGreaterEqual(len(self.cases), 80)
        failures = []
        for line, pattern, message, expected in self.cases:
            want = expected.split(" | ")[0]
            try:
                if want.startswith("ERROR"):
                    self.logs.filter_log_events(logGroupName="/fp/cases", filterPattern=pattern)
                    failures.append("line %d %r: no error, want %s" % (line, pattern, want))
                    continue
                ts = self.ts[line]
                r = self.logs.filter_log_events(logGroupName="/fp/cases", filterPattern=pattern,
                                                startTime=ts, endTime=ts + 1)
                got = [e["message"] for e in r["events"]]
                if want == "1" and got != [message]:
                    failures.append("line %d %r: got %r, want the event" % (line, pattern, got))
                if want == "0" and got:
                    failures.append("line %d %r: got %r, want none" % (line, pattern, got))
            except ClientError as e:
                err = e.response["Error"]
                if not want.startswith("ERROR"):
                    failures.append("line %d %r: %s %s" % (line, pattern, err["Code"],
                                                           err["Message"]))
                elif (err["Code"], "ERROR " + err["Message"]) != ("InvalidParameterException",
                                                                  want):
                    failures.append("line %d %r: got %s %r, want %r" % (
                        line, pattern, err["Code"], err["Message"], want))
        self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_pattern_length_limit(self):
        """1024 characters are allowed; 1025 fail validation (the model's length rule)."""
        self.logs.filter_log_events(logGroupName="/fp/cases", filterPattern="a" * 1024)
        with self.assertRaises(ClientError) as ctx:
            self.logs.filter_log_events(logGroupName="/fp/cases", filterPattern="a" * 1025)
        self.assertIn("length less than or equal to 1024",
                      ctx.exception.response["Error"]["Message"])


if __name__ == "__main__":
    harness.main()
