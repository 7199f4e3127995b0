/* Tests of sim/util/timefmt.c and sim/util/buf.c. */
#include "t.h"
#include "util/buf.h"
#include "util/timefmt.h"

TEST(util_timefmt_parse)
{
    double t;
    T_EQ_INT(timefmt_parse_iso8601("2024-01-01T00:00:00Z", &t), 0);
    T_EQ_DBL(t, 1704067200.0);
    T_EQ_INT(timefmt_parse_iso8601("2024-01-01T00:00:00.123000Z", &t), 0);
    T_ASSERT(fabs(t - 1704067200.123) < 1e-6);
    T_EQ_INT(timefmt_parse_iso8601("2026-11-26", &t), 0);
    T_EQ_DBL(t, 1795651200.0); /* the runbook's `date --iso-8601` */
    T_EQ_INT(timefmt_parse_iso8601("2024-01-01T01:00:00+01:00", &t), 0);
    T_EQ_DBL(t, 1704067200.0);
    T_EQ_INT(timefmt_parse_iso8601("2024-01-01T00:00:00-0130", &t), 0);
    T_EQ_DBL(t, 1704067200.0 + 5400);
    T_EQ_INT(timefmt_parse_iso8601("2024-02-29T12:00", &t), 0);
    T_EQ_INT(timefmt_parse_iso8601("2023-02-29T12:00:00Z", &t), -1);
    T_EQ_INT(timefmt_parse_iso8601("2024-13-01T00:00:00Z", &t), -1);
    T_EQ_INT(timefmt_parse_iso8601("2024-01-01T00:00:00Zjunk", &t), -1);
    T_EQ_INT(timefmt_parse_iso8601("yesterday", &t), -1);
    T_EQ_INT(timefmt_parse_iso8601("", &t), -1);
}

TEST(util_timefmt_format)
{
    char s[40];
    timefmt_iso8601(1704067500.0, s);
    T_EQ_STR(s, "2024-01-01T00:05:00Z");
    timefmt_iso8601(1704067200.123, s);
    T_EQ_STR(s, "2024-01-01T00:00:00.123Z");
    timefmt_iso8601(0, s);
    T_EQ_STR(s, "1970-01-01T00:00:00Z");
    timefmt_http_date(1795734060000LL, s);
    T_EQ_STR(s, "Thu, 26 Nov 2026 23:01:00 GMT");
}

TEST(util_buf_bounded)
{
    struct buf b;
    buf_init(&b, 10);
    T_EQ_INT(buf_puts(&b, "hello"), 0);
    T_EQ_INT(buf_printf(&b, "%d", 12345), 0);
    T_EQ_STR(b.p, "hello12345");
    T_EQ_INT(buf_putc(&b, 'x'), -1);
    T_ASSERT(b.overflow);
    T_EQ_INT((int)b.len, 10);
    buf_free(&b);
}
