/*
 * fuzz_ec2.c - libFuzzer driver for the EC2 query dialect (proto_ec2) and the EC2 look-up
 * handlers: arbitrary bytes as the form body of DescribeVpcs, DescribeAvailabilityZones,
 * DescribeSecurityGroups or DescribeSubnets (the first byte picks the operation), through
 * decode, validation, the handler (filters, wildcards, ids, paging, against an in-memory
 * store holding the default network), and the encoding of the result or the error. Must
 * never crash, leak or hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "services/validate.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ops[] = {
        "DescribeVpcs",
        "DescribeAvailabilityZones",
        "DescribeSecurityGroups",
        "DescribeSubnets",
    };
    if (fuzz_sim.store == NULL) {
        char *cause = NULL;
        if (store_open(":memory:", &fuzz_sim.store, &cause) != 0)
            abort();
    }
    if (size < 1)
        return 0;
    struct call c;
    if (fuzz_call_setup(&c, "ec2", ops[data[0] % 4], &proto_ec2) == 0 && c.op) {
        snprintf(c.tenant.account, sizeof c.tenant.account, "123456789012");
        snprintf(c.tenant.region, sizeof c.tenant.region, "us-east-1");
        if (proto_ec2.decode(&c, (const char *)data + 1, size - 1) == SIM_OK &&
            validate_input(&c) == SIM_OK && c.op->handler(&c) == SIM_OK)
            proto_ec2.encode_result(&c);
        if (c.err.set)
            proto_ec2.encode_error(&c);
    }
    call_free(&c);
    return 0;
}
