/* Tests of sim/http/route.c: protocol, service, operation and tenant of a request. */
#include "http/route.h"
#include "protocol/form.h"
#include "unit_call.h"

struct fake {
    const char *names[8];
    const char *values[8];
};

static const char *fake_header(void *ctx, const char *name)
{
    struct fake *f = ctx;
    for (int i = 0; i < 8 && f->names[i]; i++) {
        if (strcasecmp(f->names[i], name) == 0)
            return f->values[i];
    }
    return NULL;
}

static int route(struct call *c, struct fake *f, const char *path, const char *body)
{
    registry_init();
    call_init(c, &unit_sim);
    struct http_request req = {
        .method = "POST",
        .path = path,
        .header = fake_header,
        .ctx = f,
        .body = body,
        .body_len = strlen(body),
    };
    return route_request(c, &req);
}

#define AUTH(key, region, svc)                                                                 \
    "AWS4-HMAC-SHA256 Credential=" key "/20261126/" region "/" svc                             \
    "/aws4_request, SignedHeaders=host, Signature=00"

TEST(http_route_protocols)
{
    struct call c;
    /* 1. CBOR: path + smithy-protocol header */
    struct fake cbor = {{"smithy-protocol", "x-amzn-query-mode", "Authorization"},
                        {"rpc-v2-cbor", "true", AUTH("111111111111", "eu-west-1", "monitoring")}};
    T_EQ_INT(route(&c, &cbor, "/service/GraniteServiceVersion20100801/operation/ListMetrics", ""),
             SIM_OK);
    T_ASSERT(c.codec == &proto_cbor);
    T_EQ_STR(c.svc->name, "cloudwatch");
    T_EQ_STR(c.op_name, "ListMetrics");
    T_EQ_INT(c.query_mode, 1);
    T_EQ_STR(c.tenant.account, "111111111111");
    T_EQ_STR(c.tenant.region, "eu-west-1");
    call_free(&c);
    /* the path without the header is not CBOR (falls through to query) */
    struct fake none = {{NULL}, {NULL}};
    route(&c, &none, "/service/GraniteServiceVersion20100801/operation/ListMetrics", "");
    T_ASSERT(c.codec == &proto_query);
    call_free(&c);
    /* 2. JSON: X-Amz-Target, version from Content-Type */
    struct fake json = {{"X-Amz-Target", "Content-Type"},
                        {"GraniteServiceVersion20100801.PutMetricData", "application/x-amz-json-1.0"}};
    T_EQ_INT(route(&c, &json, "/", "{}"), SIM_OK);
    T_ASSERT(c.codec == &proto_json);
    T_EQ_STR(c.svc->name, "cloudwatch");
    T_EQ_STR(c.op_name, "PutMetricData");
    T_EQ_INT(c.json_minor, 0);
    /* unsigned: the default tenant */
    T_EQ_STR(c.tenant.account, "000000000000");
    T_EQ_STR(c.tenant.region, "us-east-1");
    T_EQ_INT(c.tenant.is_signed, 0);
    call_free(&c);
    struct fake ssm = {{"X-Amz-Target", "Content-Type"},
                       {"AmazonSSM.GetParameter", "application/x-amz-json-1.1"}};
    T_EQ_INT(route(&c, &ssm, "/", "{}"), SIM_OK);
    T_EQ_STR(c.svc->name, "ssm");
    T_EQ_INT(c.json_minor, 1);
    call_free(&c);
    /* 3. query: service by Version, fields from the body */
    struct fake q = {{"Content-Type"}, {"application/x-www-form-urlencoded"}};
    T_EQ_INT(route(&c, &q, "/", "Action=GetCallerIdentity&Version=2011-06-15"), SIM_OK);
    T_ASSERT(c.codec == &proto_query);
    T_EQ_STR(c.svc->name, "sts");
    T_EQ_STR(c.op_name, "GetCallerIdentity");
    call_free(&c);
    /* ... and by the credential scope when Version is absent */
    struct fake qs = {{"Authorization"}, {AUTH("AKID", "us-west-2", "monitoring")}};
    T_EQ_INT(route(&c, &qs, "/", "Action=ListMetrics"), SIM_OK);
    T_EQ_STR(c.svc->name, "cloudwatch");
    T_EQ_STR(c.tenant.region, "us-west-2");
    call_free(&c);
}

TEST(http_route_errors)
{
    struct call c;
    struct fake none = {{NULL}, {NULL}};
    T_EQ_INT(route(&c, &none, "/", "Version=2011-06-15"), SIM_ERROR);
    T_EQ_STR(c.err.code, "MissingAction");
    call_free(&c);
    T_EQ_INT(route(&c, &none, "/", "Action=Foo&Version=1999-01-01"), SIM_ERROR);
    T_EQ_STR(c.err.code, "InvalidAction");
    call_free(&c);
    struct fake signed_cw = {{"Authorization"}, {AUTH("AKID", "us-east-1", "monitoring")}};
    T_EQ_INT(route(&c, &signed_cw, "/", "Action=ListMetrics&Version=1999-01-01"), SIM_ERROR);
    T_EQ_STR(c.err.code, "InvalidAction");
    call_free(&c);
    T_EQ_INT(route(&c, &none, "/", "Action=Foo&X=%zz"), SIM_ERROR);
    T_EQ_STR(c.err.code, "MalformedQueryString");
    call_free(&c);
    struct fake bad = {{"X-Amz-Target"}, {"NoSuchPrefix.Op"}};
    T_EQ_INT(route(&c, &bad, "/", "{}"), SIM_ERROR);
    T_ASSERT(c.codec == &proto_json);
    T_EQ_STR(c.err.code, "UnknownOperationException");
    call_free(&c);
    struct fake nodot = {{"X-Amz-Target"}, {"AmazonSSM"}};
    T_EQ_INT(route(&c, &nodot, "/", "{}"), SIM_ERROR);
    call_free(&c);
    struct fake cbor = {{"smithy-protocol"}, {"rpc-v2-cbor"}};
    T_EQ_INT(route(&c, &cbor, "/service/Nope/operation/ListMetrics", ""), SIM_ERROR);
    T_ASSERT(c.codec == &proto_cbor);
    call_free(&c);
    T_EQ_INT(route(&c, &cbor, "/service/GraniteServiceVersion20100801/ListMetrics", ""),
             SIM_ERROR);
    call_free(&c);
}
