/*
 * logs.c - unit tests of the console's Logs pages' pure parts (sim/console/console_logs.c):
 * the Insights box's time window and its repeated group= arguments, and the URL encoding of
 * link arguments (console_util.c). The pages are tested end to end in
 * tests/e2e/test_console_logs.py.
 */
#include <stdint.h>
#include <string.h>

#include "console/console_int.h"
#include "console/console_logs.h"
#include "protocol/form.h"
#include "t.h"

/* Encodes s and compares with want. */
static void enc_is(const char *s, const char *want, const char *file, int line)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    con_url_encode(&b, s);
    const char *got = b.p ? b.p : "";
    if (strcmp(got, want) != 0)
        t_fail(file, line, "url encode %s:\n    got:  %s\n    want: %s", s, got, want);
    buf_free(&b);
}
#define ENC_IS(s, want) enc_is(s, want, __FILE__, __LINE__)

TEST(console_logs_url_encode)
{
    ENC_IS("", "");
    ENC_IS("/ecs/golden-path-app-dev", "%2Fecs%2Fgolden-path-app-dev");
    ENC_IS("a.b_c~d-E9", "a.b_c~d-E9");
    ENC_IS("x#1 &y=<z>\"'", "x%231%20%26y%3D%3Cz%3E%22%27");
    ENC_IS("caf\xc3\xa9+", "caf%C3%A9%2B");
    struct buf b;
    buf_init(&b, 64);
    con_url_encode(&b, NULL);
    T_EQ_INT(b.len, 0);
    buf_free(&b);
}

TEST(console_logs_window)
{
    int64_t s = -1, e = -1;
    const char *err = NULL;
    const int64_t now_ms = 1767226800123; /* 2026-01-01T00:20:00.123Z */
    /* default: the last 15 minutes, ending at the sim time in whole seconds */
    T_EQ_INT(con_logs_window(NULL, NULL, NULL, now_ms, &s, &e, &err), 0);
    T_EQ_INT(e, 1767226800);
    T_EQ_INT(s, 1767226800 - 900);
    T_EQ_INT(con_logs_window("", "", "", now_ms, &s, &e, &err), 0);
    T_EQ_INT(s, 1767226800 - 900);
    T_EQ_INT(con_logs_window("1h", NULL, NULL, now_ms, &s, &e, &err), 0);
    T_EQ_INT(e - s, 3600);
    T_EQ_INT(con_logs_window("3h", NULL, "", now_ms, &s, &e, &err), 0);
    T_EQ_INT(e - s, 3 * 3600);
    T_EQ_INT(con_logs_window("12h", NULL, NULL, now_ms, &s, &e, &err), 0);
    T_EQ_INT(e - s, 12 * 3600);
    /* start and end win over the range */
    T_EQ_INT(con_logs_window("12h", "1767225900", "1767226800", now_ms, &s, &e, &err), 0);
    T_EQ_INT(s, 1767225900);
    T_EQ_INT(e, 1767226800);
    T_EQ_INT(con_logs_window(NULL, "0", "0", now_ms, &s, &e, &err), 0);
    T_EQ_INT(s, 0);
    /* errors */
    err = NULL;
    T_EQ_INT(con_logs_window("2d", NULL, NULL, now_ms, &s, &e, &err), -1);
    T_ASSERT(err && strstr(err, "15m"));
    err = NULL;
    T_EQ_INT(con_logs_window(NULL, "1767225900", NULL, now_ms, &s, &e, &err), -1);
    T_ASSERT(err && strstr(err, "both"));
    err = NULL;
    T_EQ_INT(con_logs_window(NULL, "", "1767225900", now_ms, &s, &e, &err), -1);
    T_ASSERT(err != NULL);
    T_EQ_INT(con_logs_window(NULL, "-5", "10", now_ms, &s, &e, &err), -1);
    T_EQ_INT(con_logs_window(NULL, "1.5", "10", now_ms, &s, &e, &err), -1);
    T_EQ_INT(con_logs_window(NULL, "10", "1e3", now_ms, &s, &e, &err), -1);
    T_EQ_INT(con_logs_window(NULL, "12345678901234", "12345678901235", now_ms, &s, &e, &err),
             -1);
    err = NULL;
    T_EQ_INT(con_logs_window(NULL, "20", "10", now_ms, &s, &e, &err), -1);
    T_EQ_STR(err, "End time should not be before the start time");
}

TEST(console_logs_form_values)
{
    struct form f;
    form_init(&f);
    const char *out[3];
    T_EQ_INT(con_form_values(&f, "group", out, 3), 0);
    T_EQ_INT(con_form_values(NULL, "group", out, 3), 0);
    form_add(&f, "team", "000000000000");
    form_add(&f, "group", "/a");
    form_add(&f, "query", "fields @message");
    form_add(&f, "group", "");
    form_add(&f, "group", "/b");
    form_add(&f, "group", "/a");
    T_EQ_INT(con_form_values(&f, "group", out, 3), 2);
    T_EQ_STR(out[0], "/a");
    T_EQ_STR(out[1], "/b");
    form_add(&f, "group", "/c");
    T_EQ_INT(con_form_values(&f, "group", out, 3), 3);
    T_EQ_STR(out[2], "/c");
    form_add(&f, "group", "/d");
    T_EQ_INT(con_form_values(&f, "group", out, 3), 4);
    T_EQ_STR(out[2], "/c");
    form_free(&f);
}
