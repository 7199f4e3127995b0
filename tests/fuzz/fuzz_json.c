/*
 * fuzz_json.c - libFuzzer driver for the awsJson decoder: arbitrary bytes as the body of
 * ssm:PutParameter, ssm:DescribeParameters and cloudwatch:PutMetricData (the first byte picks
 * the operation), through decode, model type checks and validation, then encoding of any
 * error. Must never crash, leak or hang.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "services/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ops[][2] = {
        {"ssm", "PutParameter"},
        {"ssm", "DescribeParameters"},
        {"cloudwatch", "PutMetricData"},
    };
    if (size < 1)
        return 0;
    const char *const *op = ops[data[0] % 3];
    struct call c;
    if (fuzz_call_setup(&c, op[0], op[1], &proto_json) == 0) {
        if (proto_json.decode(&c, (const char *)data + 1, size - 1) == SIM_OK)
            validate_input(&c);
        if (c.err.set)
            proto_json.encode_error(&c);
    }
    call_free(&c);
    return 0;
}
