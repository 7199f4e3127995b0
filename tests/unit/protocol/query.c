/*
 * Tests of sim/protocol/query.c, through the codec's vtable: form -> neutral document with
 * the real CloudWatch and STS models and with a small hand-made model that has what those
 * lack (locationName list items, flattened lists, maps with named keys, XML attributes,
 * every scalar type, a recursive shape); neutral result -> XML; errors -> XML.
 */
#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"
#include "t.h"

/* ---- a hand-made model ---------------------------------------------------------------- */

enum {
    S_IN, S_STR, S_BOOL, S_INT, S_LONG, S_DOUBLE, S_FLOAT, S_TIME, S_BLOB,
    S_FILTERS, S_FILTER, S_VALUES, S_TAGS, S_TAG, S_NAMES, S_ITEMS, S_ATTRS, S_ATTRVAL,
    S_PLAIN, S_NODE, S_OUT, S_CLUSTERS, S_CLUSTER, S_MEMBERS, S_ERR,
};

static const struct model_member m_in[] = {
    {"Str", NULL, NULL, S_STR, 0},
    {"Flag", NULL, NULL, S_BOOL, 0},
    {"Count", NULL, NULL, S_INT, 0},
    {"Big", NULL, NULL, S_LONG, 0},
    {"Ratio", NULL, NULL, S_DOUBLE, 0},
    {"Small", NULL, NULL, S_FLOAT, 0},
    {"When", NULL, NULL, S_TIME, 0},
    {"Data", NULL, NULL, S_BLOB, 0},
    {"Filters", NULL, NULL, S_FILTERS, 0},
    {"Tags", NULL, NULL, S_TAGS, 0},
    {"Names", "Name", NULL, S_NAMES, 0},
    {"Items", NULL, NULL, S_ITEMS, 0},
    {"Attrs", NULL, NULL, S_ATTRS, 0},
    {"Plain", NULL, NULL, S_PLAIN, 0},
    {"Node", NULL, NULL, S_NODE, 0},
    {"Renamed", "Alias", NULL, S_STR, 0},
    {"Version", NULL, NULL, S_STR, 0}, /* the query's own Version must not land here */
};
static const struct model_member m_filters[] = {{"member", "Filter", NULL, S_FILTER, 0}};
static const struct model_member m_filter[] = {
    {"Name", NULL, NULL, S_STR, MF_REQUIRED},
    {"Values", NULL, NULL, S_VALUES, 0},
};
static const struct model_member m_values[] = {{"member", "Value", NULL, S_STR, 0}};
static const struct model_member m_tags[] = {{"member", NULL, NULL, S_TAG, 0}};
static const struct model_member m_tag[] = {
    {"Key", NULL, NULL, S_STR, 0},
    {"Value", NULL, NULL, S_STR, 0},
};
static const struct model_member m_names[] = {{"member", NULL, NULL, S_STR, 0}};
static const struct model_member m_items[] = {{"member", "Item", NULL, S_STR, 0}};
static const struct model_member m_attrs[] = {
    {"key", "Name", NULL, S_STR, 0},
    {"value", "Value", NULL, S_ATTRVAL, 0},
};
static const struct model_member m_attrval[] = {
    {"DataType", NULL, NULL, S_STR, 0},
    {"StringValue", NULL, NULL, S_STR, 0},
};
static const struct model_member m_plain[] = {
    {"key", NULL, NULL, S_STR, 0},
    {"value", NULL, NULL, S_STR, 0},
};
static const struct model_member m_node[] = {
    {"Leaf", NULL, NULL, S_STR, 0},
    {"Child", NULL, NULL, S_NODE, 0},
};
static const struct model_member m_out[] = {
    {"Str", NULL, NULL, S_STR, 0},
    {"Flag", NULL, NULL, S_BOOL, 0},
    {"Count", NULL, NULL, S_INT, 0},
    {"Big", NULL, NULL, S_LONG, 0},
    {"Ratio", NULL, NULL, S_DOUBLE, 0},
    {"When", NULL, NULL, S_TIME, 0},
    {"Data", NULL, NULL, S_BLOB, 0},
    {"Clusters", "DBClusters", NULL, S_CLUSTERS, 0},
    {"Names", "Name", NULL, S_NAMES, 0},
    {"Items", NULL, NULL, S_ITEMS, 0},
    {"Plain", NULL, NULL, S_PLAIN, 0},
    {"Attrs", NULL, NULL, S_ATTRS, 0},
    {"Tags", NULL, NULL, S_TAGS, 0},
};
static const struct model_member m_clusters[] = {{"member", "DBCluster", NULL, S_CLUSTER, 0}};
static const struct model_member m_cluster[] = {
    {"Id", NULL, NULL, S_STR, 0},
    {"Arn", "arn", NULL, S_STR, MF_XML_ATTRIBUTE},
    {"Port", NULL, NULL, S_INT, 0},
    {"Members", NULL, NULL, S_MEMBERS, 0},
};
static const struct model_member m_members[] = {{"member", NULL, NULL, S_STR, 0}};

#define SH(name, kind, flags, mem, n) {name, kind, flags, n, 0, 0, NULL, NULL, mem, NULL, 0}
static const struct model_shape t_shapes[] = {
    [S_IN] = SH("TestInput", MK_STRUCT, 0, m_in, 17),
    [S_STR] = SH("Str", MK_STRING, 0, NULL, 0),
    [S_BOOL] = SH("Bool", MK_BOOLEAN, 0, NULL, 0),
    [S_INT] = SH("Int", MK_INTEGER, 0, NULL, 0),
    [S_LONG] = SH("Long", MK_LONG, 0, NULL, 0),
    [S_DOUBLE] = SH("Double", MK_DOUBLE, 0, NULL, 0),
    [S_FLOAT] = SH("Float", MK_FLOAT, 0, NULL, 0),
    [S_TIME] = SH("Time", MK_TIMESTAMP, 0, NULL, 0),
    [S_BLOB] = SH("Blob", MK_BLOB, 0, NULL, 0),
    [S_FILTERS] = SH("FilterList", MK_LIST, 0, m_filters, 1),
    [S_FILTER] = SH("Filter", MK_STRUCT, 0, m_filter, 2),
    [S_VALUES] = SH("ValueList", MK_LIST, 0, m_values, 1),
    [S_TAGS] = SH("TagList", MK_LIST, 0, m_tags, 1),
    [S_TAG] = SH("Tag", MK_STRUCT, 0, m_tag, 2),
    [S_NAMES] = SH("NameList", MK_LIST, SF_FLATTENED, m_names, 1),
    [S_ITEMS] = SH("ItemList", MK_LIST, SF_FLATTENED, m_items, 1),
    [S_ATTRS] = SH("AttrMap", MK_MAP, 0, m_attrs, 2),
    [S_ATTRVAL] = SH("AttrValue", MK_STRUCT, 0, m_attrval, 2),
    [S_PLAIN] = SH("PlainMap", MK_MAP, 0, m_plain, 2),
    [S_NODE] = SH("Node", MK_STRUCT, 0, m_node, 2),
    [S_OUT] = SH("TestOutput", MK_STRUCT, 0, m_out, 13),
    [S_CLUSTERS] = SH("ClusterList", MK_LIST, 0, m_clusters, 1),
    [S_CLUSTER] = SH("Cluster", MK_STRUCT, 0, m_cluster, 4),
    [S_MEMBERS] = SH("MemberList", MK_LIST, 0, m_members, 1),
    [S_ERR] = {"NopeFault", MK_STRUCT, SF_EXCEPTION | SF_SENDER_FAULT, 0, 0, 0, NULL, NULL,
               NULL, "Nope", 404},
};
static const struct model_op t_ops[] = {
    {"NoOutput", S_IN, MODEL_NONE, NULL},
    {"Test", S_IN, S_OUT, "TestResult"},
};
static const struct model_service t_model = {
    .name = "test",
    .api_version = "2020-01-01",
    .xml_namespace = "https://test.example/doc/2020-01-01/",
    .signing_name = "test",
    .protocols = MP_QUERY,
    .ops = t_ops,
    .nops = 2,
    .shapes = t_shapes,
    .nshapes = sizeof t_shapes / sizeof t_shapes[0],
};
static const struct sim_op t_sim_ops[] = {{NULL, NULL, 0}};
static const struct sim_service t_svc = {"test", t_sim_ops, VS_QUERY, &t_model};

/* ---- helpers -------------------------------------------------------------------------- */

#define REQ_ID "c0ffee00-0000-4000-8000-000000000001"

/* Prepares c for service:op (service "test" is the hand-made model). */
static void setup(struct call *c, const char *service, const char *op)
{
    registry_init();
    call_init(c, NULL);
    c->codec = &proto_query;
    if (strcmp(service, "test") == 0)
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
static char *decode_ok(const char *service, const char *op, const char *body)
{
    struct call c;
    setup(&c, service, op);
    int rc = proto_query.decode(&c, body, strlen(body));
    if (rc != SIM_OK)
        t_fail(__FILE__, __LINE__, "decode failed: %s: %s", c.err.code,
               c.err.message ? c.err.message : "");
    char *s = cJSON_PrintUnformatted(c.in);
    call_free(&c);
    return s;
}

#define T_DECODES(service, op, body, want)                                                     \
    do {                                                                                       \
        char *got_ = decode_ok(service, op, body);                                             \
        T_EQ_STR(got_, want);                                                                  \
        free(got_);                                                                            \
    } while (0)

/* Decodes body for test:Test expecting an error; checks its code and message prefix. */
static void decode_fails(int line, const char *body, const char *code, const char *msg)
{
    struct call c;
    setup(&c, "test", "Test");
    if (proto_query.decode(&c, body, strlen(body)) != SIM_ERROR)
        t_fail(__FILE__, line, "%s decoded", body);
    if (strcmp(c.err.code, code) != 0)
        t_fail(__FILE__, line, "%s: code %s, want %s", body, c.err.code, code);
    T_ASSERT(c.in == NULL);
    if (msg && (c.err.message == NULL || strncmp(c.err.message, msg, strlen(msg)) != 0))
        t_fail(__FILE__, line, "%s: message %s, want %s...", body, c.err.message, msg);
    call_free(&c);
}

#define T_DECODE_FAILS(body, code, msg) decode_fails(__LINE__, body, code, msg)

/* ---- decoding ------------------------------------------------------------------------- */

TEST(protocol_query_decode_nested)
{
    /* CLI v2's PutMetricData, with items out of order, JS-style %20 and botocore-style +. */
    T_DECODES("cloudwatch", "PutMetricData",
              "Action=PutMetricData&Version=2010-08-01&Namespace=My+App%20Space"
              "&MetricData.member.2.MetricName=Latency&MetricData.member.2.Value=12.5"
              "&MetricData.member.2.Unit=Milliseconds"
              "&MetricData.member.2.Timestamp=2024-01-01T00%3A00%3A00.123Z"
              "&MetricData.member.1.MetricName=CPU"
              "&MetricData.member.1.Dimensions.member.2.Name=ServiceName"
              "&MetricData.member.1.Dimensions.member.2.Value=web"
              "&MetricData.member.1.Dimensions.member.1.Name=ClusterName"
              "&MetricData.member.1.Dimensions.member.1.Value=prod"
              "&MetricData.member.1.StatisticValues.SampleCount=3"
              "&MetricData.member.1.StatisticValues.Sum=30&MetricData.member.1.StatisticValues"
              ".Minimum=5&MetricData.member.1.StatisticValues.Maximum=15.5"
              "&MetricData.member.1.Values.member.1=1&MetricData.member.1.Values.member.2=2.5"
              "&MetricData.member.1.Counts.member.1=10&MetricData.member.1.Counts.member.2=1"
              "&MetricData.member.1.StorageResolution=1&MetricData.member.1.Bogus=ignored"
              "&Unknown.Key=1",
              "{\"Namespace\":\"My App Space\",\"MetricData\":["
              "{\"MetricName\":\"CPU\",\"Dimensions\":[{\"Name\":\"ClusterName\",\"Value\":"
              "\"prod\"},{\"Name\":\"ServiceName\",\"Value\":\"web\"}],\"StatisticValues\":"
              "{\"SampleCount\":3,\"Sum\":30,\"Minimum\":5,\"Maximum\":15.5},"
              "\"Values\":[1,2.5],\"Counts\":[10,1],\"StorageResolution\":1},"
              "{\"MetricName\":\"Latency\",\"Timestamp\":1704067200.123,\"Value\":12.5,"
              "\"Unit\":\"Milliseconds\"}]}");
    /* Maps inside lists of structures (EntityMetricData.Entity.KeyAttributes). */
    T_DECODES("cloudwatch", "PutMetricData",
              "Namespace=N&EntityMetricData.member.1.Entity.KeyAttributes.entry.2.key=Name"
              "&EntityMetricData.member.1.Entity.KeyAttributes.entry.2.value=web"
              "&EntityMetricData.member.1.Entity.KeyAttributes.entry.1.key=Type"
              "&EntityMetricData.member.1.Entity.KeyAttributes.entry.1.value=Service"
              "&EntityMetricData.member.1.Entity.Attributes=",
              "{\"Namespace\":\"N\",\"EntityMetricData\":[{\"Entity\":{\"KeyAttributes\":"
              "{\"Type\":\"Service\",\"Name\":\"web\"},\"Attributes\":{}}}]}");
    /* No parameters at all: an empty object, Action and Version ignored. */
    T_DECODES("sts", "GetCallerIdentity", "Action=GetCallerIdentity&Version=2011-06-15", "{}");
    T_DECODES("cloudwatch", "ListMetrics", "", "{}");
    /* A nested structure by dots, recursively, and a member with a locationName. */
    T_DECODES("test", "Test", "Node.Leaf=a&Node.Child.Child.Leaf=c&Alias=r&Renamed=no&Version=v",
              "{\"Node\":{\"Leaf\":\"a\",\"Child\":{\"Child\":{\"Leaf\":\"c\"}}},"
              "\"Renamed\":\"r\"}");
    /* A structure whose keys are all unknown is present but empty (validation then sees
     * the missing required members); one with no keys below it is absent. */
    T_DECODES("test", "Test", "Filters.Filter.1.Bogus=x&Node=", "{\"Filters\":[{}]}");
}

TEST(protocol_query_decode_lists)
{
    /* Sparse and out-of-order indexes are ordered by N (10 after 2, not lexically). */
    T_DECODES("cloudwatch", "ListMetrics",
              "Dimensions.member.10.Name=ten&Dimensions.member.2.Name=two"
              "&Dimensions.member.7.Name=seven",
              "{\"Dimensions\":[{\"Name\":\"two\"},{\"Name\":\"seven\"},{\"Name\":\"ten\"}]}");
    /* locationName items (RDS Filters.Filter.N.Values.Value.N) and the plain member. */
    T_DECODES("test", "Test",
              "Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.2=b"
              "&Filters.Filter.1.Values.Value.1=a&Tags.member.1.Key=env&Tags.member.1.Value=dev"
              "&Filters.member.1.Name=wrong-item-name",
              "{\"Filters\":[{\"Name\":\"engine\",\"Values\":[\"a\",\"b\"]}],"
              "\"Tags\":[{\"Key\":\"env\",\"Value\":\"dev\"}]}");
    /* Flattened lists: Name.N under the member's locationName; Item.N replaces "Items". */
    T_DECODES("test", "Test", "Name.2=y&Name.1=x&Item.1=i1&Items.1=not-this",
              "{\"Names\":[\"x\",\"y\"],\"Items\":[\"i1\"]}");
    /* Empty lists and maps: the key with an empty value. */
    T_DECODES("test", "Test", "Tags=&Filters=&Plain=&Attrs=",
              "{\"Filters\":[],\"Tags\":[],\"Attrs\":{},\"Plain\":{}}");
    T_DECODES("cloudwatch", "ListMetrics", "Dimensions=", "{\"Dimensions\":[]}");
    /* A key sent twice: the last one wins (as form_get). */
    T_DECODES("test", "Test", "Str=first&Tags.member.1.Key=a&Str=second&Tags.member.1.Key=b",
              "{\"Str\":\"second\",\"Tags\":[{\"Key\":\"b\"}]}");
    /* Maps: named key/value (SNS MessageAttributes) and plain entry.N.key/value; the
     * higher N wins for a repeated key. */
    T_DECODES("test", "Test",
              "Attrs.entry.1.Name=severity&Attrs.entry.1.Value.DataType=String"
              "&Attrs.entry.1.Value.StringValue=high"
              "&Plain.entry.2.key=k&Plain.entry.2.value=two&Plain.entry.1.key=k"
              "&Plain.entry.1.value=one&Plain.entry.3.key=e&Plain.entry.3.value=",
              "{\"Attrs\":{\"severity\":{\"DataType\":\"String\",\"StringValue\":\"high\"}},"
              "\"Plain\":{\"k\":\"two\",\"e\":\"\"}}");
}

TEST(protocol_query_decode_scalars)
{
    T_DECODES("test", "Test",
              "Str=a+b%20c%2Bd&Flag=true&Count=-42&Big=1234567890123&Ratio=80.0"
              "&Small=0.5&When=2024-01-01T00%3A00%3A00Z&Data=aGk%3D",
              "{\"Str\":\"a b c+d\",\"Flag\":true,\"Count\":-42,\"Big\":1234567890123,"
              "\"Ratio\":80,\"Small\":0.5,\"When\":1704067200,\"Data\":\"aGk=\"}");
    T_DECODES("test", "Test", "Flag=FALSE&Count=%2B7&Ratio=-1.5e3",
              "{\"Flag\":false,\"Count\":7,\"Ratio\":-1500}");
    /* Longs use the whole int64 range (as doubles, like every number in the document). */
    struct call c;
    setup(&c, "test", "Test");
    const char *body = "Big=-9223372036854775808";
    T_EQ_INT(proto_query.decode(&c, body, strlen(body)), SIM_OK);
    T_EQ_DBL(cJSON_GetObjectItem(c.in, "Big")->valuedouble, -9223372036854775808.0);
    call_free(&c);
    T_DECODES("test", "Test", "Count=2147483647&Ratio=.25",
              "{\"Count\":2147483647,\"Ratio\":0.25}");
    /* Timestamps: botocore microseconds, JS milliseconds, offsets, epoch seconds. */
    T_DECODES("test", "Test", "When=2024-01-01T00:00:00.123000Z", "{\"When\":1704067200.123}");
    T_DECODES("test", "Test", "When=2024-01-01T00:00:00.500Z", "{\"When\":1704067200.5}");
    T_DECODES("test", "Test", "When=2024-01-01T01:00:00%2B01:00", "{\"When\":1704067200}");
    T_DECODES("test", "Test", "When=1704067200", "{\"When\":1704067200}");
    T_DECODES("test", "Test", "When=1704067200.25", "{\"When\":1704067200.25}");
    /* Strings and blobs are never interpreted. */
    T_DECODES("test", "Test", "Str=true&Data=", "{\"Str\":\"true\",\"Data\":\"\"}");

    T_DECODE_FAILS("Flag=yes", "MalformedInput", "Value yes for parameter Flag is not a valid");
    T_DECODE_FAILS("Count=12.0", "MalformedInput", "Value 12.0 for parameter Count");
    T_DECODE_FAILS("Count=2147483648", "MalformedInput", NULL);
    T_DECODE_FAILS("Count=", "MalformedInput", NULL);
    T_DECODE_FAILS("Count=+", "MalformedInput", NULL);
    T_DECODE_FAILS("Count=%201", "MalformedInput", NULL);
    T_DECODE_FAILS("Big=9223372036854775808", "MalformedInput", NULL);
    T_DECODE_FAILS("Ratio=abc", "MalformedInput", "Value abc for parameter Ratio");
    T_DECODE_FAILS("Ratio=0x10", "MalformedInput", NULL);
    T_DECODE_FAILS("Ratio=1e", "MalformedInput", NULL);
    T_DECODE_FAILS("Ratio=", "MalformedInput", NULL);
    T_DECODE_FAILS("Ratio=NaN", "InvalidParameterValue",
                   "The value NaN for parameter Ratio is invalid.");
    T_DECODE_FAILS("Ratio=-Infinity", "InvalidParameterValue", NULL);
    T_DECODE_FAILS("Ratio=1e999", "InvalidParameterValue", NULL);
    T_DECODE_FAILS("Small=1e39", "InvalidParameterValue", NULL);
    T_DECODE_FAILS("Tags.member.1.Key=a&Filters.Filter.3.Values.Value.1=NaN&Ratio=nan",
                   "InvalidParameterValue", "The value nan for parameter Ratio");
    T_DECODE_FAILS("When=yesterday", "MalformedInput", "timestamp must follow ISO8601");
    T_DECODE_FAILS("When=2024-13-01T00:00:00Z", "MalformedInput", NULL);
    T_DECODE_FAILS("When=1704067200123456789", "MalformedInput", NULL);
    T_DECODE_FAILS("When=-5", "MalformedInput", NULL);
}

TEST(protocol_query_decode_errors)
{
    /* List and map indexes must be 1..100000 without leading zeros. */
    T_DECODE_FAILS("Tags.member.0.Key=a", "MalformedInput", "Invalid index in parameter Tags.");
    T_DECODE_FAILS("Tags.member.01.Key=a", "MalformedInput", NULL);
    T_DECODE_FAILS("Tags.member.x.Key=a", "MalformedInput", NULL);
    T_DECODE_FAILS("Tags.member.100001.Key=a", "MalformedInput", NULL);
    T_DECODE_FAILS("Tags.member.99999999999999999999.Key=a", "MalformedInput", NULL);
    T_DECODE_FAILS("Tags.member.1x=a", "MalformedInput", NULL);
    T_DECODE_FAILS("Plain.entry.-1.key=a", "MalformedInput", NULL);
    T_DECODES("test", "Test", "Tags.member.100000.Key=a", "{\"Tags\":[{\"Key\":\"a\"}]}");
    /* A value for a list or map key (SNS: "Top level element may not be treated as a list"). */
    T_DECODE_FAILS("Tags=env", "MalformedInput", "Parameter Tags is a list");
    T_DECODE_FAILS("Plain=x", "MalformedInput", "Parameter Plain is a map");
    /* Map entries need both halves. */
    T_DECODE_FAILS("Plain.entry.1.value=v", "MalformedInput", "Map entry Plain.entry.1 has no key");
    T_DECODE_FAILS("Plain.entry.1.key=k", "MalformedInput", "Map entry Plain.entry.1 has no value");
    T_DECODE_FAILS("Attrs.entry.1.Name=k&Attrs.entry.1.Value=", "MalformedInput",
                   "Map entry Attrs.entry.1 has no Value");
    T_DECODE_FAILS("Attrs.entry.1.Value.DataType=S", "MalformedInput",
                   "Map entry Attrs.entry.1 has no Name");

    /* Nesting deeper than the bound (a recursive shape) is refused, not recursed into. */
    char body[600] = "Node";
    for (int i = 0; i < 40; i++)
        strcat(body, ".Child");
    strcat(body, ".Leaf=x");
    T_DECODE_FAILS(body, "MalformedInput", "Parameter Node.Child");
    /* 30 levels are fine. */
    strcpy(body, "Node");
    for (int i = 0; i < 30; i++)
        strcat(body, ".Child");
    strcat(body, ".Leaf=x");
    struct call c;
    setup(&c, "test", "Test");
    T_EQ_INT(proto_query.decode(&c, body, strlen(body)), SIM_OK);
    call_free(&c);

    /* A body that is not a form at all. */
    T_DECODE_FAILS("Str=%zz", "MalformedQueryString", NULL);

    /* Many fields: each is visited once per level; order and length are bounded. */
    size_t cap = 5000 * 40, len = 0;
    char *big = malloc(cap);
    for (int i = 5000; i >= 1; i--)
        len += (size_t)snprintf(big + len, cap - len, "%sTags.member.%d.Key=k%d",
                                len ? "&" : "", i, i);
    setup(&c, "test", "Test");
    T_EQ_INT(proto_query.decode(&c, big, len), SIM_OK);
    cJSON *tags = cJSON_GetObjectItem(c.in, "Tags");
    T_EQ_INT(cJSON_GetArraySize(tags), 5000);
    T_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(tags, 0), "Key")->valuestring, "k1");
    T_EQ_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(tags, 4999), "Key")->valuestring, "k5000");
    call_free(&c);
    free(big);
}

/* ---- encoding ------------------------------------------------------------------------- */

#define PROLOG "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define META "<ResponseMetadata><RequestId>" REQ_ID "</RequestId></ResponseMetadata>"

/* Encodes out (taken) as the result of service:op; returns the body (caller frees). */
static char *encode_ok(const char *service, const char *op, cJSON *out)
{
    struct call c;
    setup(&c, service, op);
    c.out = out;
    if (proto_query.encode_result(&c) != SIM_OK)
        t_fail(__FILE__, __LINE__, "encode failed: %s: %s", c.err.code,
               c.err.message ? c.err.message : "");
    T_EQ_INT(c.status, 200);
    T_EQ_STR(c.content_type, "text/xml");
    char *s = buf_steal(&c.body, NULL);
    call_free(&c);
    return s;
}

TEST(protocol_query_encode_list_metrics)
{
    /* Members given out of model order come out in model order. */
    cJSON *out = cJSON_Parse(
        "{\"NextToken\":\"tok\",\"Metrics\":["
        "{\"Dimensions\":[{\"Value\":\"prod\",\"Name\":\"ClusterName\"},"
        "{\"Name\":\"ServiceName\",\"Value\":\"web & api\"}],"
        "\"MetricName\":\"CPUUtilization\",\"Namespace\":\"AWS/ECS\"},"
        "{\"Namespace\":\"App\",\"MetricName\":\"Latency\",\"Dimensions\":[]}],"
        "\"Unmodeled\":\"dropped\",\"OwningAccounts\":null}");
    char *xml = encode_ok("cloudwatch", "ListMetrics", out);
    T_EQ_STR(xml, PROLOG "<ListMetricsResponse xmlns=\"http://monitoring.amazonaws.com/doc/"
                         "2010-08-01/\"><ListMetricsResult><Metrics>"
                         "<member><Namespace>AWS/ECS</Namespace>"
                         "<MetricName>CPUUtilization</MetricName><Dimensions>"
                         "<member><Name>ClusterName</Name><Value>prod</Value></member>"
                         "<member><Name>ServiceName</Name><Value>web &amp; api</Value></member>"
                         "</Dimensions></member>"
                         "<member><Namespace>App</Namespace><MetricName>Latency</MetricName>"
                         "<Dimensions/></member></Metrics><NextToken>tok</NextToken>"
                         "</ListMetricsResult>" META "</ListMetricsResponse>");
    free(xml);
}

TEST(protocol_query_encode_sts)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "UserId", "123456789012");
    cJSON_AddStringToObject(out, "Account", "123456789012");
    cJSON_AddStringToObject(out, "Arn", "arn:aws:iam::123456789012:root");
    char *xml = encode_ok("sts", "GetCallerIdentity", out);
    T_EQ_STR(xml, PROLOG "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
                         "2011-06-15/\"><GetCallerIdentityResult><UserId>123456789012</UserId>"
                         "<Account>123456789012</Account>"
                         "<Arn>arn:aws:iam::123456789012:root</Arn></GetCallerIdentityResult>"
                         META "</GetCallerIdentityResponse>");
    free(xml);
    /* An operation with output but an empty result still has its <OpResult>. */
    xml = encode_ok("sts", "GetCallerIdentity", NULL);
    T_ASSERT(strstr(xml, "<GetCallerIdentityResult></GetCallerIdentityResult>" META) != NULL);
    free(xml);
}

TEST(protocol_query_encode_shapes)
{
    cJSON *out = cJSON_Parse(
        "{\"Str\":\"<b>\\\"q\\\" \\u0001 \\r\",\"Flag\":false,\"Count\":5432.0,"
        "\"Big\":9007199254740992,\"Ratio\":0.1,\"When\":1704067500,"
        "\"Data\":\"aGk=\",\"Clusters\":[{\"Arn\":\"arn:x\\\"y\",\"Id\":\"c1\",\"Port\":5432,"
        "\"Members\":[\"a\",\"b\"]},{\"Id\":\"c2\",\"Members\":[]}],"
        "\"Names\":[\"n1\",\"n2\"],\"Items\":[\"i1\"],\"Plain\":{\"k\":\"v\",\"z\":null},"
        "\"Attrs\":{\"sev\":{\"DataType\":\"String\",\"StringValue\":\"high\"}},\"Tags\":[]}");
    char *xml = encode_ok("test", "Test", out);
    T_EQ_STR(xml,
             PROLOG "<TestResponse xmlns=\"https://test.example/doc/2020-01-01/\"><TestResult>"
                    "<Str>&lt;b&gt;\"q\" \xef\xbf\xbd &#xD;</Str><Flag>false</Flag>"
                    "<Count>5432</Count><Big>9007199254740992</Big><Ratio>0.1</Ratio>"
                    "<When>2024-01-01T00:05:00Z</When><Data>aGk=</Data>"
                    "<DBClusters><DBCluster arn=\"arn:x&quot;y\"><Id>c1</Id><Port>5432</Port>"
                    "<Members><member>a</member><member>b</member></Members></DBCluster>"
                    "<DBCluster><Id>c2</Id><Members/></DBCluster></DBClusters>"
                    "<Name>n1</Name><Name>n2</Name><Item>i1</Item>"
                    "<Plain><entry><key>k</key><value>v</value></entry></Plain>"
                    "<Attrs><entry><Name>sev</Name><Value><DataType>String</DataType>"
                    "<StringValue>high</StringValue></Value></entry></Attrs><Tags/>"
                    "</TestResult>" META "</TestResponse>");
    free(xml);

    /* Numbers: integers never carry a fraction, doubles take their shortest text. */
    static const struct {
        const char *json, *want;
    } nums[] = {
        {"{\"Count\":2.6}", "<Count>3</Count>"},
        {"{\"Count\":-0.0}", "<Count>0</Count>"},
        {"{\"Count\":1e12}", "<Count>2147483647</Count>"},
        {"{\"Big\":-9007199254740993}", "<Big>-9007199254740992</Big>"},
        {"{\"Big\":1e300}", "<Big>9223372036854774784</Big>"},
        {"{\"Ratio\":80}", "<Ratio>80</Ratio>"},
        {"{\"Ratio\":12.25}", "<Ratio>12.25</Ratio>"},
        {"{\"Ratio\":0.30000000000000004}", "<Ratio>0.30000000000000004</Ratio>"},
        {"{\"Ratio\":1e21}", "<Ratio>1e+21</Ratio>"},
        {"{\"Ratio\":-2.5e-7}", "<Ratio>-2.5e-07</Ratio>"},
        {"{\"When\":1704067200.123}", "<When>2024-01-01T00:00:00.123Z</When>"},
        {"{\"When\":\"2024-01-01T00:00:00Z\"}", "<When>2024-01-01T00:00:00Z</When>"},
        {"{\"Flag\":true}", "<Flag>true</Flag>"},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        xml = encode_ok("test", "Test", cJSON_Parse(nums[i].json));
        if (strstr(xml, nums[i].want) == NULL)
            t_fail(__FILE__, __LINE__, "%s: got %s, want %s", nums[i].json, xml, nums[i].want);
        free(xml);
    }

    /* No output: ResponseMetadata only, still well-formed. */
    xml = encode_ok("test", "NoOutput", NULL);
    T_EQ_STR(xml, PROLOG "<NoOutputResponse xmlns=\"https://test.example/doc/2020-01-01/\">"
                  META "</NoOutputResponse>");
    free(xml);
}

TEST(protocol_query_encode_mismatch)
{
    static const char *const bad[] = {
        "{\"Count\":\"12\"}",          "{\"Flag\":1}",
        "{\"Str\":5}",                 "{\"When\":\"soon\"}",
        "{\"When\":1e300}",            "{\"Clusters\":{}}",
        "{\"Clusters\":[\"x\"]}",      "{\"Plain\":[]}",
        "{\"Plain\":{\"k\":7}}",       "[1]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct call c;
        setup(&c, "test", "Test");
        c.out = cJSON_Parse(bad[i]);
        T_ASSERT(c.out != NULL);
        if (proto_query.encode_result(&c) != SIM_ERROR)
            t_fail(__FILE__, __LINE__, "%s encoded", bad[i]);
        T_EQ_STR(c.err.code, "InternalFailure");
        /* The pipeline then answers the error, which replaces the partial body. */
        proto_query.encode_error(&c);
        T_EQ_INT(c.status, 500);
        T_ASSERT(strstr(c.body.p, "<Type>Receiver</Type><Code>InternalFailure</Code>") != NULL);
        T_ASSERT(strstr(c.body.p, "TestResult") == NULL);
        call_free(&c);
    }
}

TEST(protocol_query_encode_error)
{
    struct call c;
    /* A modeled exception named by its shape answers its query code and status. */
    setup(&c, "cloudwatch", "ListMetrics");
    call_error(&c, "DashboardNotFoundError", "Dashboard <x> & \"y\" does not exist");
    proto_query.encode_error(&c);
    T_EQ_INT(c.status, 404);
    T_EQ_STR(c.content_type, "text/xml");
    T_EQ_STR(c.body.p, PROLOG "<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/"
                              "2010-08-01/\"><Error><Type>Sender</Type>"
                              "<Code>ResourceNotFound</Code><Message>Dashboard &lt;x&gt; &amp; "
                              "\"y\" does not exist</Message></Error><RequestId>" REQ_ID
                              "</RequestId></ErrorResponse>");
    call_free(&c);

    /* A common error with its SIM_ERR_MAP status; no message means no <Message>. */
    setup(&c, "sts", "GetCallerIdentity");
    call_error(&c, "Throttling", NULL);
    proto_query.encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_ASSERT(strstr(c.body.p, "<Code>Throttling</Code></Error>") != NULL);
    call_free(&c);

    /* Server faults are Receiver. */
    setup(&c, "test", "Test");
    call_error(&c, "NopeFault", "gone");
    proto_query.encode_error(&c);
    T_EQ_INT(c.status, 404);
    T_ASSERT(strstr(c.body.p, "<Type>Sender</Type><Code>Nope</Code><Message>gone</Message>"));
    call_free(&c);
    setup(&c, "test", "Test");
    call_error(&c, "ServiceUnavailable", "later");
    proto_query.encode_error(&c);
    T_EQ_INT(c.status, 503);
    T_ASSERT(strstr(c.body.p, "<Type>Receiver</Type><Code>ServiceUnavailable</Code>"));
    call_free(&c);

    /* An unroutable request (no service): well-formed, without a namespace. */
    call_init(&c, NULL);
    snprintf(c.request_id, sizeof c.request_id, "%s", REQ_ID);
    call_error_status(&c, 400, "InvalidAction", "The action X is not valid for this web service.");
    proto_query.encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_EQ_STR(c.body.p, PROLOG "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction"
                              "</Code><Message>The action X is not valid for this web service."
                              "</Message></Error><RequestId>" REQ_ID "</RequestId>"
                              "</ErrorResponse>");
    call_free(&c);
}
