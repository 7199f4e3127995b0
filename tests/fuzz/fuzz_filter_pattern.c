/*
 * fuzz_filter_pattern.c - libFuzzer driver for CloudWatch Logs filter patterns: arbitrary
 * bytes as a pattern through fp_compile and, when it compiles, fp_match, fp_extract and
 * fp_required_term against a few fixed messages (JSON, Apache, plain text, odd bytes); and the
 * same bytes as a message against a few fixed patterns of every kind, which drives the JSON
 * reader and the field splitter. Must never crash, leak or hang. Seeds:
 * tests/fuzz/corpus/filter_pattern, the User Guide's example patterns.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "insights/filter_pattern.h"
#include "util/xmalloc.h"

static const char *const fz_messages[] = {
    "{\"eventType\": \"UpdateTrail\", \"sourceIPAddress\": \"111.111.111.111\", \"arrayKey\": "
    "[\"value\", \"another value\"], \"objectList\": [{\"name\": \"a\", \"id\": 1}, {\"name\": "
    "\"b\", \"id\": 2}], \"SomeObject\": null, \"cluster.name\": \"c\", \"n\": -1.5e3, "
    "\"t\": true, \"m\": [[0, 1], [2, null]], \"esc\": \"a\\u00e9\\\"\\n\", \"v\": 1, \"v\": 2}",
    "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /index.html HTTP/1.0\" 404 1534",
    "ERROR 09/25/2014 12:00:02 Failed to process request \"unterminated [x",
    "[ERROR 401] UNAUTHORIZED REQUEST: caf\xc3\xa9 \t\r\n 10.10.0.1",
    "{}",
    "[1, 2, {\"a\": 3}]",
    "",
};

static const char *const fz_refs[] = {"$.v", "$.objectList[1].id", "$.m[1][1]", "$.esc",
                                      "$.['cluster.name']", "$.*", "$status", "$3", "$7",
                                      "$", "latency", "$.a b"};

static const char *const fz_patterns[] = {
    "ERROR -ARGUMENTS ?x",
    "%^[a-z]+\\d{1,3}$|\\x3A%",
    "{ $.a.b[0] = \"x*\" || $.* = 5 && $.c IS NULL || $.d NOT EXISTS || $.e[*] > 1e3 }",
    "{ $.['k.y'] != %v.l% && $.t IS TRUE }",
    "[ip, user, ..., status = 4* || status > 499, bytes != %^0$%]",
    "[a, b, c]",
};

static struct fp_pattern *fz_fixed[sizeof fz_patterns / sizeof fz_patterns[0]];

static void fz_exercise(const struct fp_pattern *p, const char *msg, size_t len)
{
    (void)fp_match(p, msg, len);
    for (size_t r = 0; r < sizeof fz_refs / sizeof fz_refs[0]; r++) {
        char *out = NULL;
        if (fp_extract(p, msg, len, fz_refs[r], &out) == 1) {
            if (out == NULL)
                abort();
            free(out);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    if (fz_fixed[0] == NULL) {
        for (size_t i = 0; i < sizeof fz_patterns / sizeof fz_patterns[0]; i++) {
            char *err = NULL;
            if (fp_compile(fz_patterns[i], &fz_fixed[i], &err) != 0)
                abort(); /* the fixed patterns are valid */
        }
    }
    /* the bytes as a message, not NUL-terminated */
    char *msg = xmalloc(size ? size : 1);
    memcpy(msg, data, size);
    for (size_t i = 0; i < sizeof fz_fixed / sizeof fz_fixed[0]; i++)
        fz_exercise(fz_fixed[i], msg, size);
    free(msg);

    /* the bytes as a pattern */
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct fp_pattern *p = NULL;
    char *err = NULL;
    if (fp_compile(text, &p, &err) != 0) {
        if (err == NULL || err[0] == '\0')
            abort(); /* a failure always says why */
        free(err);
        free(text);
        return 0;
    }
    size_t rlen = 0;
    const char *req = fp_required_term(p, &rlen);
    for (size_t i = 0; i < sizeof fz_messages / sizeof fz_messages[0]; i++) {
        size_t len = strlen(fz_messages[i]);
        fz_exercise(p, fz_messages[i], len);
        /* a required term really is required */
        if (req != NULL && fp_match(p, fz_messages[i], len)) {
            int found = 0;
            for (size_t k = 0; k + rlen <= len && !found; k++)
                found = memcmp(fz_messages[i] + k, req, rlen) == 0;
            if (!found)
                abort();
        }
    }
    fp_free(p);
    free(text);
    return 0;
}
