/*
 * fuzz_form.c - libFuzzer driver for the awsQuery decoder: arbitrary bytes as a form body
 * (form_parse, as route.c does) and then the query decode of cloudwatch:PutMetricData (the
 * deepest input: lists of structures holding lists, structures and maps) or
 * cloudwatch:ListMetrics or sts:GetCallerIdentity (the first byte picks the operation);
 * then validation of what decoded, and encoding of any error. Must never crash, leak or
 * hang. Seeds: tests/fuzz/corpus/form, bodies captured from CLI v2 (aws-wire-protocols.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "protocol/form.h"
#include "services/validate.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ops[][2] = {
        {"cloudwatch", "PutMetricData"},
        {"cloudwatch", "ListMetrics"},
        {"sts", "GetCallerIdentity"},
    };
    if (size < 1)
        return 0;
    const char *const *op = ops[data[0] % 3];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    struct call c;
    if (fuzz_call_setup(&c, op[0], op[1], &proto_query) == 0) {
        char *cause = NULL;
        c.form = xmalloc(sizeof *c.form);
        form_init(c.form);
        if (form_parse(c.form, body, len, &cause) != 0)
            call_error(&c, "MalformedQueryString", "%s", cause);
        else if (proto_query.decode(&c, body, len) == SIM_OK)
            validate_input(&c);
        free(cause);
        if (c.err.set)
            proto_query.encode_error(&c);
    }
    call_free(&c);
    return 0;
}
