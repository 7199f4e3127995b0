/*
 * Tests of sim/insights/filter_pattern*.c. Most cases are data: filter_pattern_cases.txt
 * beside this file, in jq's three-line style (see its header for the format); each is taken
 * from the User Guide's examples or from AWS's recorded answers, as its comment says. The
 * tests below cover what a case line cannot: limits, the extension functions, binary and
 * large messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "insights/filter_pattern.h"
#include "t.h"

/* Decodes a message line: "@esc " lines take \t \n \r \\ \" and \xHH; others are raw.
 * Returns a new buffer and *len. */
static char *decode_message(const char *line, size_t *len)
{
    size_t n = strlen(line);
    char *out = malloc(n + 1);
    if (strncmp(line, "@esc ", 5) != 0) {
        memcpy(out, line, n + 1);
        *len = n;
        return out;
    }
    size_t o = 0;
    for (const char *p = line + 5; *p; p++) {
        if (*p != '\\' || p[1] == '\0') {
            out[o++] = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 't':
            out[o++] = '\t';
            break;
        case 'n':
            out[o++] = '\n';
            break;
        case 'r':
            out[o++] = '\r';
            break;
        case 'x': {
            unsigned v = 0;
            if (sscanf(p + 1, "%2x", &v) == 1)
                p += 2;
            out[o++] = (char)v;
            break;
        }
        default:
            out[o++] = *p;
            break;
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

/* Checks "$ref=value" against fp_extract. Returns NULL or a message (caller frees). */
static char *check_extract(const struct fp_pattern *p, const char *msg, size_t len,
                           const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (eq == NULL)
        return strdup("bad extraction spec");
    char ref[256];
    snprintf(ref, sizeof ref, "%.*s", (int)(eq - spec), spec);
    char *got = NULL;
    int rc = fp_extract(p, msg, len, ref, &got);
    char *res = NULL;
    if (rc != 1 || strcmp(got, eq + 1) != 0) {
        size_t cap = strlen(spec) + (got ? strlen(got) : 0) + 64;
        res = malloc(cap);
        snprintf(res, cap, "\n    extract %s: rc %d, got \"%s\"", spec, rc, got ? got : "");
    }
    free(got);
    return res;
}

static char *run_case(const char *pattern, const char *message, const char *expected)
{
    if (strcmp(pattern, "@empty") == 0)
        pattern = "";
    struct fp_pattern *p = NULL;
    char *err = NULL;
    char got[4096];
    char *msg = NULL;
    size_t len = 0;
    char *text = decode_message(message, &len);
    if (fp_compile(pattern, &p, &err) != 0) {
        snprintf(got, sizeof got, "ERROR %s", err);
        free(err);
        if (strcmp(got, expected) != 0) {
            size_t cap = strlen(got) + strlen(expected) + 64;
            msg = malloc(cap);
            snprintf(msg, cap, "\n    got:  %s\n    want: %s", got, expected);
        }
        free(text);
        return msg;
    }
    int m = fp_match(p, text, len);
    if (strncmp(expected, "ERROR ", 6) == 0 || (expected[0] != '0' && expected[0] != '1') ||
        m != expected[0] - '0') {
        size_t cap = strlen(expected) + 64;
        msg = malloc(cap);
        snprintf(msg, cap, "\n    got:  %d\n    want: %s", m, expected);
    }
    /* "1 | $ref=value | ..." also checks extraction */
    const char *spec = strstr(expected, " | ");
    while (msg == NULL && spec != NULL) {
        spec += 3;
        const char *next = strstr(spec, " | ");
        char one[1024];
        snprintf(one, sizeof one, "%.*s", next ? (int)(next - spec) : (int)strlen(spec), spec);
        msg = check_extract(p, text, len, one);
        spec = next;
    }
    fp_free(p);
    free(text);
    return msg;
}

static char *case_file_path(void)
{
    const char *here = __FILE__;
    const char *slash = strrchr(here, '/');
    size_t dir = slash ? (size_t)(slash - here + 1) : 0;
    char *path = malloc(dir + 32);
    memcpy(path, here, dir);
    strcpy(path + dir, "filter_pattern_cases.txt");
    return path;
}

TEST(insights_filter_pattern_cases)
{
    char *path = case_file_path();
    FILE *f = fopen(path, "r");
    if (f == NULL)
        t_fail(__FILE__, __LINE__, "cannot open %s", path);
    char lines[3][4096];
    int have = 0, lineno = 0, first_line = 0, cases = 0, failed = 0, errors = 0;
    char buf[4096];
    for (;;) {
        char *r = fgets(buf, sizeof buf, f);
        if (r != NULL) {
            lineno++;
            buf[strcspn(buf, "\n")] = '\0';
            if (buf[0] == '#')
                continue;
        }
        if (r == NULL || buf[0] == '\0') {
            if (have == 3) {
                cases++;
                errors += strncmp(lines[2], "ERROR ", 6) == 0;
                char *msg = run_case(lines[0], lines[1], lines[2]);
                if (msg != NULL) {
                    fprintf(stderr, "  %s:%d: %s%s\n", path, first_line, lines[0], msg);
                    free(msg);
                    failed++;
                }
            } else if (have != 0) {
                fprintf(stderr, "  %s:%d: a case needs 3 lines, has %d\n", path, first_line,
                        have);
                failed++;
            }
            have = 0;
            if (r == NULL)
                break;
            continue;
        }
        if (have == 3) {
            fprintf(stderr, "  %s:%d: more than 3 lines in a case\n", path, lineno);
            failed++;
            continue;
        }
        if (have == 0)
            first_line = lineno;
        snprintf(lines[have++], sizeof lines[0], "%s", buf);
    }
    fclose(f);
    free(path);
    fprintf(stderr, "  %d cases (%d errors), %d failed\n", cases, errors, failed);
    T_EQ_INT(failed, 0);
    T_ASSERT(cases >= 80);
    T_ASSERT(errors >= 15);
}

/* Compiles text, expecting failure with exactly want. */
static void expect_error(const char *text, const char *want, int line)
{
    struct fp_pattern *p = NULL;
    char *err = NULL;
    if (fp_compile(text, &p, &err) == 0) {
        fp_free(p);
        t_fail(__FILE__, line, "compiled, wanted error \"%s\"", want);
    }
    if (strcmp(err, want) != 0)
        t_fail(__FILE__, line, "\n    got:  %s\n    want: %s", err, want);
    free(err);
}

static struct fp_pattern *compile_ok(const char *text, int line)
{
    struct fp_pattern *p = NULL;
    char *err = NULL;
    if (fp_compile(text, &p, &err) != 0)
        t_fail(__FILE__, line, "\"%s\" failed: %s", text ? text : "(null)", err);
    return p;
}

TEST(insights_filter_pattern_limits)
{
    /* 1024 characters compile; 1025 do not (counted as characters, not bytes) */
    char *text = malloc(2100);
    memset(text, 'a', 1024);
    text[1024] = '\0';
    fp_free(compile_ok(text, __LINE__));
    strcpy(text + 1024, "a");
    expect_error(text, "1 validation error detected: Value at 'filterPattern' failed to satisfy "
                       "constraint: Member must have length less than or equal to 1024",
                 __LINE__);
    /* 512 two-byte characters are 1024 characters */
    text[0] = '"';
    for (int i = 0; i < 511; i++)
        memcpy(text + 1 + 2 * i, "\xc3\xa9", 2);
    strcpy(text + 1023, "\"");
    fp_free(compile_ok(text, __LINE__));
    free(text);

    /* a NULL pattern is the empty pattern */
    struct fp_pattern *p = compile_ok(NULL, __LINE__);
    T_EQ_INT(fp_kind(p), FP_KIND_ALL);
    T_EQ_INT(fp_match(p, "x", 1), 1);
    fp_free(p);

    /* parentheses nest, but not without bound */
    char deep[1100];
    strcpy(deep, "{ ");
    for (int i = 0; i < 100; i++)
        strcat(deep, "(");
    strcat(deep, "$.a = 1");
    for (int i = 0; i < 100; i++)
        strcat(deep, ")");
    strcat(deep, " }");
    p = compile_ok(deep, __LINE__);
    T_EQ_INT(fp_match(p, "{\"a\":1}", 7), 1);
    fp_free(p);
    strcpy(deep, "{ ");
    for (int i = 0; i < 101; i++)
        strcat(deep, "(");
    strcat(deep, "$.a = 1");
    for (int i = 0; i < 101; i++)
        strcat(deep, ")");
    strcat(deep, " }");
    expect_error(deep, FP_ERR_INVALID, __LINE__);

    /* the regex quota counts across a delimited pattern too */
    expect_error("[a = %x%, b = %y%, c = %z%]",
                 "Your input has exceeded the maximum of 2 regular expressions per filter "
                 "pattern.",
                 __LINE__);
}

TEST(insights_filter_pattern_kinds)
{
    struct {
        const char *text;
        enum fp_kind kind;
        const char *required;
    } cases[] = {
        {"", FP_KIND_ALL, NULL},
        {"   ", FP_KIND_ALL, NULL},
        {"ERROR \"Internal Server\" -x", FP_KIND_TERMS, "Internal Server"},
        {"?ERROR ?WARN", FP_KIND_TERMS, NULL},
        {"?ERROR", FP_KIND_TERMS, "ERROR"},
        {"-ERROR", FP_KIND_TERMS, NULL},
        {"%ERR.R%", FP_KIND_REGEX, NULL},
        {"{ $.a = 1 }", FP_KIND_JSON, NULL},
        {"[a, b]", FP_KIND_DELIMITED, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fp_pattern *p = compile_ok(cases[i].text, __LINE__);
        T_EQ_INT(fp_kind(p), cases[i].kind);
        size_t len = 0;
        const char *req = fp_required_term(p, &len);
        if (cases[i].required == NULL) {
            T_ASSERT(req == NULL);
        } else {
            T_ASSERT(req != NULL);
            T_EQ_INT(len, strlen(cases[i].required));
            T_EQ_MEM(req, cases[i].required, len);
        }
        fp_free(p);
    }
}

TEST(insights_filter_pattern_extract)
{
    const char *json = "{\"latency\": 12.5, \"user\": {\"name\": \"a\\u00e9\\\"b\"}, "
                       "\"list\": [1, \"two\", true, null], \"dup\": 1, \"dup\": 2}";
    struct fp_pattern *p = compile_ok("{ $.latency = * }", __LINE__);
    char *out = NULL;
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.latency", &out), 1);
    T_EQ_STR(out, "12.5");
    free(out);
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.user.name", &out), 1);
    T_EQ_STR(out, "a\xc3\xa9\"b");
    free(out);
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.list[1]", &out), 1);
    T_EQ_STR(out, "two");
    free(out);
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.list[2]", &out), 1);
    T_EQ_STR(out, "true");
    free(out);
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.dup", &out), 1);
    T_EQ_STR(out, "2"); /* the last duplicate wins */
    free(out);
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.list[3]", &out), 0); /* null */
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.user", &out), 0);    /* an object */
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.missing", &out), 0);
    T_EQ_INT(fp_extract(p, "not json", 8, "$.latency", &out), 0);
    T_EQ_INT(fp_extract(p, json, strlen(json), "latency", &out), -1);
    T_EQ_INT(fp_extract(p, json, strlen(json), "$.a b", &out), -1);
    T_EQ_INT(fp_extract(p, json, strlen(json), "$bytes", &out), -1);
    fp_free(p);

    const char *line = "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET / HTTP/1.0\" 404 1534";
    p = compile_ok("[ip, ..., status, bytes]", __LINE__);
    T_EQ_INT(fp_extract(p, line, strlen(line), "$bytes", &out), 1);
    T_EQ_STR(out, "1534");
    free(out);
    T_EQ_INT(fp_extract(p, line, strlen(line), "$4", &out), 1);
    T_EQ_STR(out, "10/Oct/2000:13:25:15 -0700");
    free(out);
    T_EQ_INT(fp_extract(p, line, strlen(line), "$1", &out), 1);
    T_EQ_STR(out, "127.0.0.1");
    free(out);
    T_EQ_INT(fp_extract(p, line, strlen(line), "$9", &out), 0);
    T_EQ_INT(fp_extract(p, line, strlen(line), "$nope", &out), 0);
    T_EQ_INT(fp_extract(p, "a b", 3, "$bytes", &out), 0); /* too few fields */
    T_EQ_INT(fp_extract(p, line, strlen(line), "$", &out), -1);
    T_EQ_INT(fp_extract(p, line, strlen(line), "$.a", &out), 0);
    fp_free(p);

    p = compile_ok("ERROR", __LINE__);
    T_EQ_INT(fp_extract(p, "ERROR", 5, "$1", &out), -1);
    fp_free(p);
}

TEST(insights_filter_pattern_binary_messages)
{
    /* messages are (pointer, length): not NUL-terminated, and may hold NUL bytes */
    struct fp_pattern *p = compile_ok("ERROR", __LINE__);
    T_EQ_INT(fp_match(p, "xx\0ERRORyy", 10), 1);
    T_EQ_INT(fp_match(p, "ERRORyy", 4), 0);
    T_EQ_INT(fp_match(p, NULL, 0), 0);
    fp_free(p);
    p = compile_ok("%ERR.R%", __LINE__);
    T_EQ_INT(fp_match(p, "a\0ERR\0R", 8), 1);
    T_EQ_INT(fp_match(p, "ERROR", 4), 0);
    fp_free(p);
    p = compile_ok("{ $.a = \"x\" }", __LINE__);
    T_EQ_INT(fp_match(p, "{\"a\":\"x\"}garbage", 9), 1);
    T_EQ_INT(fp_match(p, "{\"a\":\"x\"}", 8), 0);
    T_EQ_INT(fp_match(p, "{\"a\":\"x\0\"}", 10), 0); /* a raw control character */
    fp_free(p);
    p = compile_ok("[a, b = x]", __LINE__);
    T_EQ_INT(fp_match(p, "1 x 3", 3), 1);
    fp_free(p);
}

TEST(insights_filter_pattern_large_messages)
{
    /* wider than the on-stack buffers: 5000 array elements, 300 fields */
    size_t cap = 64 * 1024;
    char *m = malloc(cap);
    size_t n = (size_t)snprintf(m, cap, "{\"a\":[");
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(m + n, cap - n, "%s%d", i ? "," : "", i);
    n += (size_t)snprintf(m + n, cap - n, "],\"b\":\"%0300d\"}", 7);
    struct fp_pattern *p = compile_ok("{ $.a[4999] = 4999 && $.a[*] = 2500 }", __LINE__);
    T_EQ_INT(fp_match(p, m, n), 1);
    fp_free(p);
    p = compile_ok("{ $.a[5000] = * }", __LINE__);
    T_EQ_INT(fp_match(p, m, n), 0);
    fp_free(p);
    p = compile_ok("{ $.b = *7 }", __LINE__);
    T_EQ_INT(fp_match(p, m, n), 1);
    fp_free(p);

    /* nesting: 1000 levels are JSON, 1001 are not */
    for (int depth = 999; depth <= 1001; depth++) {
        n = 0;
        n += (size_t)snprintf(m + n, cap - n, "{\"x\":1,\"d\":");
        for (int i = 1; i < depth; i++)
            m[n++] = '[';
        for (int i = 1; i < depth; i++)
            m[n++] = ']';
        m[n++] = '}';
        p = compile_ok("{ $.x = 1 }", __LINE__);
        T_EQ_INT(fp_match(p, m, n), depth <= 1000);
        fp_free(p);
    }

    n = 0;
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(m + n, cap - n, "f%d ", i);
    p = compile_ok("[first, ..., last = f299]", __LINE__);
    T_EQ_INT(fp_match(p, m, n), 1);
    fp_free(p);
    p = compile_ok("[a, b, rest = *f299]", __LINE__);
    T_EQ_INT(fp_match(p, m, n), 1);
    char *out = NULL;
    T_EQ_INT(fp_extract(p, m, n, "$rest", &out), 1);
    T_ASSERT(strncmp(out, "f2 f3 ", 6) == 0);
    T_ASSERT(out[strlen(out) - 1] == '9');
    free(out);
    fp_free(p);
    free(m);
}

TEST(insights_filter_pattern_regex_bounds)
{
    /* catastrophic backtracking is cut off by the match limit: no hang, and no match */
    struct fp_pattern *p = compile_ok("%^\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*\\w*[:;]$%",
                                      __LINE__);
    char m[64];
    memset(m, 'a', 40);
    m[40] = '!';
    T_EQ_INT(fp_match(p, m, 41), 0);
    m[40] = ';';
    T_EQ_INT(fp_match(p, m, 41), 1);
    fp_free(p);
}
