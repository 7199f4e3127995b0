/*
 * Tests of the EC2 dialect of sim/protocol/query.c (proto_ec2) and of its routing: the
 * request bodies captured from CLI v1, CLI v2 and JS v3 decode into the neutral document
 * with the real EC2 model; the key names follow queryName / capitalised locationName / name
 * (a small hand-made model has each case); results come out as
 * <OpResponse xmlns><requestId>..</requestId>members</OpResponse> with <item> lists and no
 * Result wrapper; errors as <Response><Errors><Error>..</Error></Errors><RequestID>.
 */
#include "http/route.h"
#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"
#include "t.h"
#include "util/xmalloc.h"

#include <strings.h>

/* ---- a hand-made model with every naming case --------------------------------------------- */

enum { S_IN, S_STR, S_BOOL, S_INT, S_IDS, S_FLAT, S_FILTERS, S_FILTER, S_VALUES, S_INNER, S_OUT,
       S_NAMES };

static const struct model_member m_in[] = {
    {"DryRun", "dryRun", NULL, S_BOOL, 0},        /* locationName, capitalised */
    {"Renamed", "loc", "QueryKey", S_STR, 0},     /* queryName wins */
    {"Plain", NULL, NULL, S_STR, 0},              /* the member name */
    {"GroupIds", "GroupId", NULL, S_IDS, 0},      /* the list member's "groupId" is ignored */
    {"Flat", "flat", NULL, S_FLAT, 0},            /* flattened or not: Flat.N */
    {"Filters", "Filter", NULL, S_FILTERS, 0},
    {"Count", "count", NULL, S_INT, 0},
    {"Inner", "inner", NULL, S_INNER, 0},
};
static const struct model_member m_ids[] = {{"member", "groupId", NULL, S_STR, 0}};
static const struct model_member m_flat[] = {{"member", "Item", NULL, S_STR, 0}};
static const struct model_member m_filters[] = {{"member", "Filter", NULL, S_FILTER, 0}};
static const struct model_member m_filter[] = {
    {"Name", NULL, NULL, S_STR, 0},
    {"Values", "Value", NULL, S_VALUES, 0},
};
static const struct model_member m_values[] = {{"member", "item", NULL, S_STR, 0}};
static const struct model_member m_inner[] = {{"LeafValue", "leafValue", NULL, S_STR, 0}};
static const struct model_member m_out[] = {
    {"Names", "nameSet", NULL, S_NAMES, 0},
    {"Flag", "flag", NULL, S_BOOL, 0},
    {"Count", NULL, NULL, S_INT, 0},
};
static const struct model_member m_names[] = {{"member", NULL, NULL, S_STR, 0}};

#define SH(name, kind, flags, mem, n) {name, kind, flags, n, 0, 0, NULL, NULL, mem, NULL, 0}
static const struct model_shape t_shapes[] = {
    [S_IN] = SH("TestRequest", MK_STRUCT, 0, m_in, 8),
    [S_STR] = SH("String", MK_STRING, 0, NULL, 0),
    [S_BOOL] = SH("Boolean", MK_BOOLEAN, 0, NULL, 0),
    [S_INT] = SH("Integer", MK_INTEGER, 0, NULL, 0),
    [S_IDS] = SH("IdList", MK_LIST, 0, m_ids, 1),
    [S_FLAT] = SH("FlatList", MK_LIST, SF_FLATTENED, m_flat, 1),
    [S_FILTERS] = SH("FilterList", MK_LIST, 0, m_filters, 1),
    [S_FILTER] = SH("Filter", MK_STRUCT, 0, m_filter, 2),
    [S_VALUES] = SH("ValueList", MK_LIST, 0, m_values, 1),
    [S_INNER] = SH("Inner", MK_STRUCT, 0, m_inner, 1),
    [S_OUT] = SH("TestResult", MK_STRUCT, 0, m_out, 3),
    [S_NAMES] = SH("NameList", MK_LIST, 0, m_names, 1),
};
static const struct model_op t_ops[] = {{"Test", S_IN, S_OUT, NULL}};
static const struct model_service t_model = {
    .name = "ec2test",
    .api_version = "2020-01-01",
    .xml_namespace = "http://ec2test.example/doc/2020-01-01",
    .signing_name = "ec2test",
    .protocols = MP_EC2,
    .ops = t_ops,
    .nops = 1,
    .shapes = t_shapes,
    .nshapes = sizeof t_shapes / sizeof t_shapes[0],
};
static const struct sim_op t_sim_ops[] = {{NULL, NULL, 0}};
static struct sim_service t_svc = {.name = "ec2test", .ops = t_sim_ops, .vstyle = VS_QUERY};

/* ---- helpers -------------------------------------------------------------------------- */

#define REQ_ID "c0ffee00-0000-4000-8000-000000000001"
#define PROLOG "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define EC2_NS "http://ec2.amazonaws.com/doc/2016-11-15/"

/* Prepares c for service:op ("ec2test" is the hand-made model) as the EC2 codec's call. */
static void setup(struct call *c, const char *service, const char *op)
{
    registry_init();
    call_init(c, NULL);
    c->codec = &proto_ec2;
    t_svc.model = &t_model;
    if (strcmp(service, "ec2test") == 0)
        c->svc = &t_svc;
    for (const struct sim_service *const *s = registry_services(); c->svc == NULL && *s; s++) {
        if (strcmp((*s)->name, service) == 0)
            c->svc = *s;
    }
    T_ASSERT(c->svc != NULL);
    c->mop = model_op_by_name(c->svc->model, op);
    T_ASSERT(c->mop != NULL);
    snprintf(c->op_name, sizeof c->op_name, "%s", op);
    snprintf(c->request_id, sizeof c->request_id, "%s", REQ_ID);
}

/* Decodes body for service:op and returns the neutral document printed (caller frees). */
static char *decode_ok(int line, const char *service, const char *op, const char *body)
{
    struct call c;
    setup(&c, service, op);
    if (proto_ec2.decode(&c, body, strlen(body)) != SIM_OK)
        t_fail(__FILE__, line, "decode failed: %s: %s", c.err.code,
               c.err.message ? c.err.message : "");
    char *s = cJSON_PrintUnformatted(c.in);
    call_free(&c);
    return s;
}

#define T_DECODES(service, op, body, want)                                                     \
    do {                                                                                       \
        char *got_ = decode_ok(__LINE__, service, op, body);                                   \
        T_EQ_STR(got_, want);                                                                  \
        free(got_);                                                                            \
    } while (0)

/* Decodes body for ec2test:Test expecting an error; checks its code and message prefix. */
static void decode_fails(int line, const char *body, const char *code, const char *msg)
{
    struct call c;
    setup(&c, "ec2test", "Test");
    if (proto_ec2.decode(&c, body, strlen(body)) != SIM_ERROR)
        t_fail(__FILE__, line, "%s decoded", body);
    if (strcmp(c.err.code, code) != 0)
        t_fail(__FILE__, line, "%s: code %s, want %s", body, c.err.code, code);
    if (msg && (c.err.message == NULL || strncmp(c.err.message, msg, strlen(msg)) != 0))
        t_fail(__FILE__, line, "%s: message %s, want %s...", body, c.err.message, msg);
    T_ASSERT(c.in == NULL);
    call_free(&c);
}

#define T_DECODE_FAILS(body, code, msg) decode_fails(__LINE__, body, code, msg)

/* Encodes out (taking it) as the result of service:op; returns the body (caller frees). */
static char *encode_ok(int line, const char *service, const char *op, cJSON *out)
{
    struct call c;
    setup(&c, service, op);
    c.out = out;
    if (proto_ec2.encode_result(&c) != SIM_OK)
        t_fail(__FILE__, line, "encode failed: %s: %s", c.err.code,
               c.err.message ? c.err.message : "");
    T_EQ_INT(c.status, 200);
    T_EQ_STR(c.content_type, "text/xml;charset=UTF-8");
    char *s = xstrdup(c.body.p);
    call_free(&c);
    return s;
}

/* ---- decoding ------------------------------------------------------------------------- */

TEST(protocol_ec2_decode_captured)
{
    /* describe-subnets --filters Name=vpc-id,Values=vpc-123 Name=default-for-az,Values=true
     * (CLI v1, CLI v2 and JS v3 send the same fields) */
    T_DECODES("ec2", "DescribeSubnets",
              "Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id"
              "&Filter.1.Value.1=vpc-123&Filter.2.Name=default-for-az&Filter.2.Value.1=true",
              "{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"vpc-123\"]},"
              "{\"Name\":\"default-for-az\",\"Values\":[\"true\"]}]}");
    /* JS: %3A and %20; botocore: + for a space, %2B for a plus; values out of order */
    T_DECODES("ec2", "DescribeVpcs",
              "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=is-default"
              "&Filter.1.Value.1=true&Filter.2.Name=tag%3AName&Filter.2.Value.2=c"
              "&Filter.2.Value.1=a%20b",
              "{\"Filters\":[{\"Name\":\"is-default\",\"Values\":[\"true\"]},"
              "{\"Name\":\"tag:Name\",\"Values\":[\"a b\",\"c\"]}]}");
    T_DECODES("ec2", "DescribeVpcs",
              "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName"
              "&Filter.1.Value.1=a+b&Filter.1.Value.2=x%2By",
              "{\"Filters\":[{\"Name\":\"tag:Name\",\"Values\":[\"a b\",\"x+y\"]}]}");
    T_DECODES("ec2", "DescribeVpcs",
              "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-11111111&VpcId.2=vpc-22222222"
              "&MaxResults=5",
              "{\"VpcIds\":[\"vpc-11111111\",\"vpc-22222222\"],\"MaxResults\":5}");
    /* a filter without Values (boto3 Values=[]) has no Values member */
    T_DECODES("ec2", "DescribeVpcs", "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=vpc-id",
              "{\"Filters\":[{\"Name\":\"vpc-id\"}]}");
    T_DECODES("ec2", "DescribeSecurityGroups",
              "Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-1&GroupId.2=sg-2",
              "{\"GroupIds\":[\"sg-1\",\"sg-2\"]}");
    T_DECODES("ec2", "DescribeSecurityGroups",
              "Action=DescribeSecurityGroups&Version=2016-11-15&GroupName.1=default"
              "&GroupName.2=web",
              "{\"GroupNames\":[\"default\",\"web\"]}");
    /* JS sends DryRun=false; the CLIs --all-availability-zones */
    T_DECODES("ec2", "DescribeAvailabilityZones",
              "Action=DescribeAvailabilityZones&Version=2016-11-15&ZoneName.1=us-east-1a"
              "&AllAvailabilityZones=true&DryRun=false",
              "{\"ZoneNames\":[\"us-east-1a\"],\"AllAvailabilityZones\":true,\"DryRun\":false}");
    T_DECODES("ec2", "DescribeAvailabilityZones", "Action=DescribeAvailabilityZones", "{}");
}

TEST(protocol_ec2_decode_names)
{
    T_DECODES("ec2test", "Test",
              "DryRun=true&QueryKey=q&Loc=no&loc=no&Renamed=no&Plain=p&GroupId.2=b&GroupId.1=a"
              "&GroupIds.member.1=no&Flat.1=f&Item.1=no&Filter.1.Name=n&Filter.1.Value.1=v"
              "&Filter.1.Values.item.1=no&Count=7&Inner.LeafValue=l&Inner.leafValue=no",
              "{\"DryRun\":true,\"Renamed\":\"q\",\"Plain\":\"p\",\"GroupIds\":[\"a\",\"b\"],"
              "\"Flat\":[\"f\"],\"Filters\":[{\"Name\":\"n\",\"Values\":[\"v\"]}],"
              "\"Count\":7,\"Inner\":{\"LeafValue\":\"l\"}}");
    /* the lower-camel locationName itself is not the key */
    T_DECODES("ec2test", "Test", "dryRun=true&count=1", "{}");
    /* an empty list sent as Prefix= */
    T_DECODES("ec2test", "Test", "GroupId=", "{\"GroupIds\":[]}");
}

TEST(protocol_ec2_decode_errors)
{
    /* EC2 answers values it cannot read with InvalidParameterValue */
    T_DECODE_FAILS("DryRun=maybe", "InvalidParameterValue",
                   "Value maybe for parameter DryRun is not a valid boolean");
    T_DECODE_FAILS("Count=12x", "InvalidParameterValue", "Value 12x for parameter Count");
    T_DECODE_FAILS("Count=99999999999", "InvalidParameterValue", NULL);
    T_DECODE_FAILS("GroupId=sg-1", "InvalidParameterValue", "Parameter GroupId is a list");
    T_DECODE_FAILS("GroupId.0=sg-1", "InvalidParameterValue", "Invalid index in parameter");
    T_DECODE_FAILS("GroupId.x=sg-1", "InvalidParameterValue", "Invalid index in parameter");
    T_DECODE_FAILS("Filter.1.Value.100001=v", "InvalidParameterValue", NULL);
    /* a malformed form body (no route.c in front: the codec parses the body itself) */
    T_DECODE_FAILS("Plain=%zz", "MalformedQueryString", NULL);
}

/* ---- encoding ------------------------------------------------------------------------- */

TEST(protocol_ec2_encode_vpcs)
{
    cJSON *out = cJSON_Parse(
        "{\"Vpcs\":[{\"OwnerId\":\"123456789012\",\"InstanceTenancy\":\"default\","
        "\"CidrBlockAssociationSet\":[{\"AssociationId\":\"vpc-cidr-assoc-1\","
        "\"CidrBlock\":\"172.31.0.0/16\",\"CidrBlockState\":{\"State\":\"associated\"}}],"
        "\"IsDefault\":true,\"Tags\":[{\"Key\":\"Name\",\"Value\":\"a & b\"}],"
        "\"VpcId\":\"vpc-0a1b2c3d\",\"State\":\"available\",\"CidrBlock\":\"172.31.0.0/16\","
        "\"DhcpOptionsId\":\"dopt-1\"}],\"NextToken\":\"tok\"}");
    char *xml = encode_ok(__LINE__, "ec2", "DescribeVpcs", out);
    T_EQ_STR(xml, PROLOG "<DescribeVpcsResponse xmlns=\"" EC2_NS "\"><requestId>" REQ_ID
                         "</requestId><nextToken>tok</nextToken><vpcSet><item>"
                         "<ownerId>123456789012</ownerId><instanceTenancy>default"
                         "</instanceTenancy><cidrBlockAssociationSet><item><associationId>"
                         "vpc-cidr-assoc-1</associationId><cidrBlock>172.31.0.0/16</cidrBlock>"
                         "<cidrBlockState><state>associated</state></cidrBlockState></item>"
                         "</cidrBlockAssociationSet><isDefault>true</isDefault><tagSet><item>"
                         "<key>Name</key><value>a &amp; b</value></item></tagSet>"
                         "<vpcId>vpc-0a1b2c3d</vpcId><state>available</state>"
                         "<cidrBlock>172.31.0.0/16</cidrBlock><dhcpOptionsId>dopt-1"
                         "</dhcpOptionsId></item></vpcSet></DescribeVpcsResponse>");
    free(xml);
    /* an empty list is an empty element (the clients read it as []) */
    xml = encode_ok(__LINE__, "ec2", "DescribeVpcs", cJSON_Parse("{\"Vpcs\":[]}"));
    T_EQ_STR(xml, PROLOG "<DescribeVpcsResponse xmlns=\"" EC2_NS "\"><requestId>" REQ_ID
                         "</requestId><vpcSet/></DescribeVpcsResponse>");
    free(xml);
    /* no result at all: the root and the requestId */
    xml = encode_ok(__LINE__, "ec2", "DescribeVpcs", NULL);
    T_EQ_STR(xml, PROLOG "<DescribeVpcsResponse xmlns=\"" EC2_NS "\"><requestId>" REQ_ID
                         "</requestId></DescribeVpcsResponse>");
    free(xml);
}

TEST(protocol_ec2_encode_shapes)
{
    /* integers as digits, booleans lower-case, a list member without locationName is <item>,
     * and the namespace gets EC2's trailing slash */
    char *xml = encode_ok(__LINE__, "ec2test", "Test",
                          cJSON_Parse("{\"Count\":4091.0,\"Flag\":false,\"Names\":[\"x\"]}"));
    T_EQ_STR(xml, PROLOG "<TestResponse xmlns=\"http://ec2test.example/doc/2020-01-01/\">"
                         "<requestId>" REQ_ID "</requestId><nameSet><item>x</item></nameSet>"
                         "<flag>false</flag><Count>4091</Count></TestResponse>");
    free(xml);
    xml = encode_ok(__LINE__, "ec2", "DescribeSubnets",
                    cJSON_Parse("{\"Subnets\":[{\"AvailableIpAddressCount\":4091,"
                                "\"DefaultForAz\":true,\"Ipv6CidrBlockAssociationSet\":[],"
                                "\"PrivateDnsNameOptionsOnLaunch\":{\"HostnameType\":\"ip-name\","
                                "\"EnableResourceNameDnsAAAARecord\":false}}]}"));
    T_ASSERT(strstr(xml, "<subnetSet><item><ipv6CidrBlockAssociationSet/>"
                         "<privateDnsNameOptionsOnLaunch><hostnameType>ip-name</hostnameType>"
                         "<enableResourceNameDnsAAAARecord>false"
                         "</enableResourceNameDnsAAAARecord></privateDnsNameOptionsOnLaunch>"
                         "<availableIpAddressCount>4091</availableIpAddressCount>"
                         "<defaultForAz>true</defaultForAz></item></subnetSet>") != NULL);
    free(xml);
    /* a value of the wrong type is a handler bug: InternalFailure, then an EC2 error body */
    struct call c;
    setup(&c, "ec2", "DescribeVpcs");
    c.out = cJSON_Parse("{\"Vpcs\":[{\"IsDefault\":\"yes\"}]}");
    T_EQ_INT(proto_ec2.encode_result(&c), SIM_ERROR);
    T_EQ_STR(c.err.code, "InternalFailure");
    proto_ec2.encode_error(&c);
    T_EQ_INT(c.status, 500);
    T_ASSERT(strstr(c.body.p, "<Response><Errors><Error><Code>InternalFailure</Code>") != NULL);
    T_ASSERT(strstr(c.body.p, "vpcSet") == NULL);
    call_free(&c);
}

TEST(protocol_ec2_encode_error)
{
    struct call c;
    setup(&c, "ec2", "DescribeVpcs");
    call_error(&c, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", "vpc-<x>&");
    proto_ec2.encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_EQ_STR(c.content_type, "text/xml;charset=UTF-8");
    T_EQ_STR(c.body.p, PROLOG "<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>"
                              "<Message>The vpc ID 'vpc-&lt;x&gt;&amp;' does not exist</Message>"
                              "</Error></Errors><RequestID>" REQ_ID "</RequestID></Response>");
    call_free(&c);
    /* an explicit status (DryRunOperation is 412) */
    setup(&c, "ec2", "DescribeVpcs");
    call_error_status(&c, 412, "DryRunOperation",
                      "Request would have succeeded, but DryRun flag is set.");
    proto_ec2.encode_error(&c);
    T_EQ_INT(c.status, 412);
    T_ASSERT(strstr(c.body.p, "<Code>DryRunOperation</Code>") != NULL);
    call_free(&c);
    /* no message: no <Message>; a receiver error keeps its 5xx */
    setup(&c, "ec2", "DescribeVpcs");
    call_error(&c, "ServiceUnavailable", NULL);
    proto_ec2.encode_error(&c);
    T_EQ_INT(c.status, 503);
    T_EQ_STR(c.body.p, PROLOG "<Response><Errors><Error><Code>ServiceUnavailable</Code></Error>"
                              "</Errors><RequestID>" REQ_ID "</RequestID></Response>");
    call_free(&c);
}

/* ---- routing -------------------------------------------------------------------------- */

static const char *route_header(void *ctx, const char *name)
{
    const char *const *h = ctx;
    for (; h[0]; h += 2) {
        if (strcasecmp(h[0], name) == 0)
            return h[1];
    }
    return NULL;
}

static int route(struct call *c, const char *const *headers, const char *body)
{
    registry_init();
    call_init(c, NULL);
    struct http_request req = {
        .method = "POST",
        .path = "/",
        .header = route_header,
        .ctx = (void *)headers,
        .body = body,
        .body_len = strlen(body),
    };
    return route_request(c, &req);
}

TEST(protocol_ec2_route)
{
    struct call c;
    static const char *const signed_ec2[] = {
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=123456789012/20261126/eu-west-1/ec2/aws4_request, "
        "SignedHeaders=host, Signature=00",
        NULL};
    static const char *const none[] = {NULL};
    /* by Version */
    T_EQ_INT(route(&c, none, "Action=DescribeVpcs&Version=2016-11-15"), SIM_OK);
    T_ASSERT(c.codec == &proto_ec2);
    T_EQ_STR(c.svc->name, "ec2");
    T_EQ_STR(c.op_name, "DescribeVpcs");
    call_free(&c);
    /* by the credential scope when Version is absent; the tenant from the key and scope */
    T_EQ_INT(route(&c, signed_ec2, "Action=DescribeSubnets"), SIM_OK);
    T_ASSERT(c.codec == &proto_ec2);
    T_EQ_STR(c.tenant.account, "123456789012");
    T_EQ_STR(c.tenant.region, "eu-west-1");
    call_free(&c);
    /* an EC2 request without an action is answered in the EC2 error shape */
    T_EQ_INT(route(&c, none, "Version=2016-11-15"), SIM_ERROR);
    T_ASSERT(c.codec == &proto_ec2);
    T_EQ_STR(c.err.code, "MissingAction");
    call_free(&c);
    /* other query services keep awsQuery */
    T_EQ_INT(route(&c, none, "Action=GetCallerIdentity&Version=2011-06-15"), SIM_OK);
    T_ASSERT(c.codec == &proto_query);
    call_free(&c);
}
