/*
 * proto.h - the protocol codecs behind one small vtable.
 *
 * A codec turns a request body into the protocol-neutral input document (c->in, a cJSON
 * tree shaped by the operation's input shape) and turns the neutral result (c->out) or the
 * call's error (c->err) back into a reply in its wire format. The conventions of the neutral
 * document, shared by every codec and handler:
 *   structure -> object, list -> array, map -> object, string -> string,
 *   integer/long/float/double -> number, boolean -> true/false,
 *   timestamp -> number of epoch seconds (fractions allowed), blob -> base64 string.
 * Which wire form a value takes (ISO 8601 or epoch, <member> or <DBCluster>, CBOR tag 1)
 * is the codec's business, decided by walking the model (sim/services/model.h).
 *
 * To add a protocol: write decode/encode_result/encode_error in a new file here, export a
 * `const struct proto_codec proto_<name>` and teach sim/http/route.c to detect it.
 */
#ifndef DRILLSIM_PROTO_H
#define DRILLSIM_PROTO_H

#include <stddef.h>

struct call;

struct proto_codec {
    const char *name;
    /* Decodes the request into c->in. Returns SIM_OK, or SIM_ERROR with c->err set. */
    int (*decode)(struct call *c, const char *body, size_t len);
    /* Encodes c->out (NULL = the operation has no output) into the reply. SIM_OK/SIM_ERROR. */
    int (*encode_result)(struct call *c);
    /* Encodes c->err into the reply; never fails. */
    void (*encode_error)(struct call *c);
};

extern const struct proto_codec proto_json;
extern const struct proto_codec proto_query;
extern const struct proto_codec proto_cbor;
extern const struct proto_codec proto_ec2;

#endif
