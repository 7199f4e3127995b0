/*
 * fuzz_cbor.c - libFuzzer driver for the RPC v2 CBOR codec: arbitrary bytes as the body of
 * cloudwatch:PutMetricData or cloudwatch:ListMetrics (the first byte picks the operation),
 * through decode, model type checks and validation, then encoding of any error.
 *
 * When the body decodes, the document also makes a round trip as a check of the encoder:
 * encoded with the input shape as the output shape, the bytes must decode again, and encoding
 * that second document must give the same bytes. A failure aborts, which libFuzzer reports.
 * Must never crash, leak or hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "services/validate.h"

/* Encodes c->in as the input shape and returns the bytes (caller frees), or NULL. */
static char *encode_input(struct call *c, size_t *len)
{
    struct model_op echo = *c->mop;
    echo.output = echo.input;
    const struct model_op *saved = c->mop;
    c->mop = &echo;
    c->out = c->in;
    c->in = NULL;
    int rc = proto_cbor.encode_result(c);
    c->in = c->out;
    c->out = NULL;
    c->mop = saved;
    if (rc != SIM_OK)
        return NULL;
    char *p = buf_steal(&c->body, len);
    buf_init(&c->body, 64u << 20);
    return p;
}

static void round_trip(const char *service, const char *op, struct call *first)
{
    size_t len1, len2;
    char *bytes1 = encode_input(first, &len1);
    if (bytes1 == NULL) {
        fprintf(stderr, "fuzz_cbor: a decoded document did not encode: %s\n",
                first->err.message ? first->err.message : first->err.code);
        abort();
    }
    struct call c;
    if (fuzz_call_setup(&c, service, op, &proto_cbor) != 0)
        abort();
    if (proto_cbor.decode(&c, bytes1, len1) != SIM_OK) {
        fprintf(stderr, "fuzz_cbor: the encoder's output did not decode: %s\n",
                c.err.message ? c.err.message : c.err.code);
        abort();
    }
    char *bytes2 = encode_input(&c, &len2);
    if (bytes2 == NULL || len1 != len2 || memcmp(bytes1, bytes2, len1) != 0) {
        fprintf(stderr, "fuzz_cbor: encode(decode(encode(x))) != encode(x)\n");
        abort();
    }
    free(bytes1);
    free(bytes2);
    call_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ops[][2] = {
        {"cloudwatch", "PutMetricData"},
        {"cloudwatch", "ListMetrics"},
    };
    if (size < 1)
        return 0;
    const char *const *op = ops[data[0] % 2];
    struct call c;
    if (fuzz_call_setup(&c, op[0], op[1], &proto_cbor) == 0) {
        if (proto_cbor.decode(&c, (const char *)data + 1, size - 1) == SIM_OK) {
            round_trip(op[0], op[1], &c);
            validate_input(&c);
        }
        if (c.err.set)
            proto_cbor.encode_error(&c);
    }
    call_free(&c);
    return 0;
}
