/*
 * query.c - awsQuery: form in, XML out. (Skeleton; being written.)
 */
#include "protocol/proto.h"
#include "sim.h"

static int query_decode(struct call *c, const char *body, size_t len)
{
    (void)body;
    (void)len;
    return call_error(c, "InternalFailure", "awsQuery decoding is not implemented yet");
}

static int query_encode_result(struct call *c)
{
    return call_error(c, "InternalFailure", "awsQuery encoding is not implemented yet");
}

static void query_encode_error(struct call *c)
{
    int sender;
    c->status = call_error_http_status(c, &sender);
    c->content_type = "text/xml";
    buf_printf(&c->body,
               "<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>"
               "<RequestId>%s</RequestId></ErrorResponse>",
               sender ? "Sender" : "Receiver", c->err.code, c->err.message ? c->err.message : "",
               c->request_id);
}

const struct proto_codec proto_query = {
    .name = "query",
    .decode = query_decode,
    .encode_result = query_encode_result,
    .encode_error = query_encode_error,
};
