/*
 * fuzz_insights.c - libFuzzer driver for the Logs Insights language: arbitrary bytes as a
 * query string through ins_compile and, when it compiles, a run over a few fixed events (JSON
 * with nesting and arrays, plain text, an empty and a broken message) in the scan order the
 * plan asks for, with the plan's prefilter applied, then GetLogRecord's flattening of each
 * event. Must never crash, leak or hang. Seeds: tests/fuzz/corpus/insights, the queries of
 * the case corpus (tests/unit/insights/cases/).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "insights/insights.h"
#include "util/xmalloc.h"

#define BASE_MS 1767225600000LL

static const char *const fz_messages[] = {
    "{\"path\":\"/db\",\"status\":500,\"errorType\":\"connection_error\",\"latencyMs\":12.5,"
    "\"db\":{\"pool\":{\"active\":10,\"waiting\":3}},\"tags\":[\"a\",{\"k\":\"v\"}],"
    "\"ok\":true,\"none\":null,\"ip\":\"10.1.2.3\",\"payload\":\"{\\\"user\\\":\\\"ann\\\"}\"}",
    "ERROR pool=main active=5 waiting=2 latency=250ms user=bob id=7 status=503;",
    "",
    "{\"broken\": [1, 2",
    "{\"path\":\"/api\",\"status\":\"200\",\"level\":\"INFO\",\"ip\":\"2001:db8::1\"}",
    "\xc3\xa9\xff plain \"quoted\" \\ text",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 10000)
        return 0;
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct ins_query *q = NULL;
    struct ins_error err;
    if (ins_compile(text, &q, &err) != 0) {
        if (err.start < 0 || err.end < err.start || (size_t)err.end > size ||
            err.message[0] == '\0')
            abort();
        free(text);
        return 0;
    }
    int n = (int)(sizeof fz_messages / sizeof fz_messages[0]);
    const char *pf = ins_prefilter(q);
    int desc = ins_scan_desc(q);
    struct ins_run *r = ins_run_new(q, "123456789012", BASE_MS, size % 2 ? 3 : 0);
    for (int k = 0; k < n * 2; k++) {
        int i = desc ? n * 2 - 1 - k : k;
        const char *m = fz_messages[i % n];
        if (pf != NULL && strstr(m, pf) == NULL)
            continue;
        struct log_event ev = {i + 1, "/app/test", i % 2 ? "web/1" : "web/2",
                               BASE_MS - 60000 + i * 7000LL, BASE_MS, m, strlen(m)};
        if (ins_run_feed(r, &ev))
            break;
    }
    cJSON *rows = ins_run_finish(r);
    /* every value is a string */
    const cJSON *row, *f;
    cJSON_ArrayForEach(row, rows)
    {
        cJSON_ArrayForEach(f, row)
        {
            if (!cJSON_IsString(cJSON_GetObjectItem(f, "value")) ||
                !cJSON_IsString(cJSON_GetObjectItem(f, "field")))
                abort();
        }
    }
    cJSON_Delete(rows);
    ins_run_free(r);
    ins_free(q);
    free(text);
    if (size % 7 == 0) {
        const char *m = fz_messages[size % n];
        struct log_event ev = {1, "/g", "s", BASE_MS, BASE_MS, m, strlen(m)};
        cJSON_Delete(ins_log_record("123456789012", &ev));
    }
    return 0;
}
