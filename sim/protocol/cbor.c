/*
 * cbor.c - smithy RPC v2 CBOR. (Skeleton; being written.)
 */
#include "protocol/proto.h"
#include "sim.h"

static int cbor_decode(struct call *c, const char *body, size_t len)
{
    (void)body;
    (void)len;
    return call_error(c, "InternalFailure", "CBOR decoding is not implemented yet");
}

static int cbor_encode_result(struct call *c)
{
    return call_error(c, "InternalFailure", "CBOR encoding is not implemented yet");
}

static void cbor_encode_error(struct call *c)
{
    int sender;
    c->status = call_error_http_status(c, &sender);
    c->content_type = "application/cbor";
    call_add_header(c, "smithy-protocol", "rpc-v2-cbor");
}

const struct proto_codec proto_cbor = {
    .name = "cbor",
    .decode = cbor_decode,
    .encode_result = cbor_encode_result,
    .encode_error = cbor_encode_error,
};
