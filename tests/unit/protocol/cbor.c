/*
 * Tests of sim/protocol/cbor.c (smithy RPC v2 CBOR), through the proto_cbor vtable.
 *
 * The byte strings are the captures of aws-wire-protocols.md section 4. GetMetricStatistics
 * is not in the generated model yet, so a small test model below carries its input and output
 * shapes as botocore describes them, plus a KitchenSink shape with one member of every kind;
 * the tests that need a real service use the generated CloudWatch model (ListMetrics,
 * PutMetricData) through registry_init().
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <stdint.h>
#include <strings.h>

#include "protocol/proto.h"
#include "services/service.h"
#include "sim.h"
#include "t.h"

/* ---- a test model ------------------------------------------------------------------------- */

enum {
    S_GMS_IN,
    S_STRING,
    S_DIMENSIONS,
    S_DIMENSION,
    S_TIMESTAMP,
    S_INTEGER,
    S_STATISTICS,
    S_GMS_OUT,
    S_DATAPOINTS,
    S_DATAPOINT,
    S_DOUBLE,
    S_VALUE_MAP,
    S_SINK,
    S_LONG,
    S_FLOAT,
    S_BOOLEAN,
    S_BLOB,
    S_SINK_LIST,
};

static const struct model_member gms_in_members[] = {
    {"Namespace", NULL, NULL, S_STRING, MF_REQUIRED},
    {"MetricName", NULL, NULL, S_STRING, MF_REQUIRED},
    {"Dimensions", NULL, NULL, S_DIMENSIONS, 0},
    {"StartTime", NULL, NULL, S_TIMESTAMP, MF_REQUIRED},
    {"EndTime", NULL, NULL, S_TIMESTAMP, MF_REQUIRED},
    {"Period", NULL, NULL, S_INTEGER, MF_REQUIRED},
    {"Statistics", NULL, NULL, S_STATISTICS, 0},
    {"Unit", NULL, NULL, S_STRING, 0},
};
static const struct model_member dimensions_members[] = {{"member", NULL, NULL, S_DIMENSION, 0}};
static const struct model_member dimension_members[] = {
    {"Name", NULL, NULL, S_STRING, MF_REQUIRED},
    {"Value", NULL, NULL, S_STRING, MF_REQUIRED},
};
static const struct model_member statistics_members[] = {{"member", NULL, NULL, S_STRING, 0}};
static const struct model_member gms_out_members[] = {
    {"Label", NULL, NULL, S_STRING, 0},
    {"Datapoints", NULL, NULL, S_DATAPOINTS, 0},
};
static const struct model_member datapoints_members[] = {{"member", NULL, NULL, S_DATAPOINT, 0}};
static const struct model_member datapoint_members[] = {
    {"Timestamp", NULL, NULL, S_TIMESTAMP, 0},   {"SampleCount", NULL, NULL, S_DOUBLE, 0},
    {"Average", NULL, NULL, S_DOUBLE, 0},        {"Sum", NULL, NULL, S_DOUBLE, 0},
    {"Minimum", NULL, NULL, S_DOUBLE, 0},        {"Maximum", NULL, NULL, S_DOUBLE, 0},
    {"Unit", NULL, NULL, S_STRING, 0},           {"ExtendedStatistics", NULL, NULL, S_VALUE_MAP, 0},
};
static const struct model_member value_map_members[] = {
    {"key", NULL, NULL, S_STRING, 0},
    {"value", NULL, NULL, S_DOUBLE, 0},
};
static const struct model_member sink_members[] = {
    {"S", NULL, NULL, S_STRING, 0},     {"I", NULL, NULL, S_INTEGER, 0},
    {"L", NULL, NULL, S_LONG, 0},       {"F", NULL, NULL, S_FLOAT, 0},
    {"D", NULL, NULL, S_DOUBLE, 0},     {"B", NULL, NULL, S_BOOLEAN, 0},
    {"T", NULL, NULL, S_TIMESTAMP, 0},  {"Blob", NULL, NULL, S_BLOB, 0},
    {"M", NULL, NULL, S_VALUE_MAP, 0},  {"Lst", NULL, NULL, S_SINK_LIST, 0},
    {"Nested", NULL, NULL, S_SINK, 0},
};
static const struct model_member sink_list_members[] = {{"member", NULL, NULL, S_SINK, 0}};

#define SHAPE(nm, k, mem)                                                                      \
    {.name = nm, .kind = k, .nmembers = sizeof mem / sizeof mem[0], .members = mem}
#define SCALAR(nm, k) {.name = nm, .kind = k}

static const struct model_shape test_shapes[] = {
    [S_GMS_IN] = SHAPE("GetMetricStatisticsInput", MK_STRUCT, gms_in_members),
    [S_STRING] = SCALAR("String", MK_STRING),
    [S_DIMENSIONS] = SHAPE("Dimensions", MK_LIST, dimensions_members),
    [S_DIMENSION] = SHAPE("Dimension", MK_STRUCT, dimension_members),
    [S_TIMESTAMP] = SCALAR("Timestamp", MK_TIMESTAMP),
    [S_INTEGER] = SCALAR("Integer", MK_INTEGER),
    [S_STATISTICS] = SHAPE("Statistics", MK_LIST, statistics_members),
    [S_GMS_OUT] = SHAPE("GetMetricStatisticsOutput", MK_STRUCT, gms_out_members),
    [S_DATAPOINTS] = SHAPE("Datapoints", MK_LIST, datapoints_members),
    [S_DATAPOINT] = SHAPE("Datapoint", MK_STRUCT, datapoint_members),
    [S_DOUBLE] = SCALAR("Double", MK_DOUBLE),
    [S_VALUE_MAP] = SHAPE("DatapointValueMap", MK_MAP, value_map_members),
    [S_SINK] = SHAPE("KitchenSink", MK_STRUCT, sink_members),
    [S_LONG] = SCALAR("Long", MK_LONG),
    [S_FLOAT] = SCALAR("Float", MK_FLOAT),
    [S_BOOLEAN] = SCALAR("Boolean", MK_BOOLEAN),
    [S_BLOB] = SCALAR("Blob", MK_BLOB),
    [S_SINK_LIST] = SHAPE("KitchenSinkList", MK_LIST, sink_list_members),
};

/* Sorted by name, as model_op_by_name() expects. ParseOutput takes the output as its input,
 * so AWS's own response bytes can be decoded. */
static const struct model_op test_ops[] = {
    {"GetMetricStatistics", S_GMS_IN, S_GMS_OUT, NULL},
    {"KitchenSink", S_SINK, S_SINK, NULL},
    {"NoOutput", S_SINK, MODEL_NONE, NULL},
    {"ParseOutput", S_GMS_OUT, S_GMS_OUT, NULL},
};

static const struct model_service test_model = {
    .name = "cbortest",
    .api_version = "2010-08-01",
    .target_prefix = "GraniteServiceVersion20100801",
    .protocols = MP_CBOR,
    .ops = test_ops,
    .nops = sizeof test_ops / sizeof test_ops[0],
    .shapes = test_shapes,
    .nshapes = sizeof test_shapes / sizeof test_shapes[0],
};

static const struct sim_service test_svc = {.name = "cbortest", .model = &test_model};

static struct sim test_sim;

/* ---- helpers ------------------------------------------------------------------------------ */

static const struct sim_service *cloudwatch(void)
{
    registry_init();
    for (const struct sim_service *const *s = registry_services(); *s; s++) {
        if (strcmp((*s)->name, "cloudwatch") == 0)
            return *s;
    }
    t_fail(__FILE__, __LINE__, "no cloudwatch service");
}

static void setup(struct call *c, const struct sim_service *svc, const char *op)
{
    call_init(c, &test_sim);
    c->codec = &proto_cbor;
    c->svc = svc;
    c->mop = op ? model_op_by_name(svc->model, op) : NULL;
    if (op && c->mop == NULL)
        t_fail(__FILE__, __LINE__, "no operation %s", op);
}

/* Decodes the hex body for op of the test model into c; returns the decode status. */
static int decode_hex(struct call *c, const char *op, const char *hex)
{
    size_t n;
    unsigned char *b = t_unhex(hex, &n);
    setup(c, &test_svc, op);
    int rc = proto_cbor.decode(c, (const char *)b, n);
    free(b);
    return rc;
}

/* Expects hex to be rejected as a SerializationException. */
#define T_DECODE_FAILS(op, hex)                                                                \
    do {                                                                                       \
        struct call t_c_;                                                                      \
        if (decode_hex(&t_c_, op, hex) != SIM_ERROR)                                           \
            t_fail(__FILE__, __LINE__, "decoding %s succeeded", hex);                          \
        T_ASSERT(t_c_.err.set);                                                                \
        T_EQ_STR(t_c_.err.code, "SerializationException");                                    \
        call_free(&t_c_);                                                                      \
    } while (0)

/* Expects hex to decode to the JSON document json. */
#define T_DECODES_TO(op, hex, json)                                                            \
    do {                                                                                       \
        struct call t_c_;                                                                      \
        if (decode_hex(&t_c_, op, hex) != SIM_OK)                                              \
            t_fail(__FILE__, __LINE__, "decoding %s failed: %s", hex,                          \
                   t_c_.err.message ? t_c_.err.message : t_c_.err.code);                       \
        cJSON *t_want_ = cJSON_Parse(json);                                                    \
        T_ASSERT(t_want_ != NULL);                                                             \
        if (!cJSON_Compare(t_c_.in, t_want_, 1)) {                                             \
            char *t_got_ = cJSON_PrintUnformatted(t_c_.in);                                    \
            t_fail(__FILE__, __LINE__, "%s decoded to\n    %s\n    want %s", hex, t_got_,      \
                   json);                                                                      \
        }                                                                                      \
        cJSON_Delete(t_want_);                                                                 \
        call_free(&t_c_);                                                                      \
    } while (0)

/* Decodes hex (one KitchenSink member) and returns the number under key; NaN if absent. */
static double decode_number(const char *hex, const char *key)
{
    struct call c;
    if (decode_hex(&c, "KitchenSink", hex) != SIM_OK)
        t_fail(__FILE__, __LINE__, "decoding %s failed: %s", hex,
               c.err.message ? c.err.message : c.err.code);
    cJSON *v = cJSON_GetObjectItemCaseSensitive(c.in, key);
    double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!cJSON_IsNumber(v))
        t_fail(__FILE__, __LINE__, "%s: %s is not a number", hex, key);
    call_free(&c);
    return d;
}

/* Encodes the JSON document json as op's result; returns the body as hex (caller frees). */
static char *encode_json(struct call *c, const struct sim_service *svc, const char *op,
                         const char *json)
{
    setup(c, svc, op);
    c->out = json ? cJSON_Parse(json) : NULL;
    T_ASSERT(json == NULL || c->out != NULL);
    if (proto_cbor.encode_result(c) != SIM_OK)
        t_fail(__FILE__, __LINE__, "encode failed: %s", c->err.message ? c->err.message : "");
    return t_hex(c->body.p, c->body.len);
}

/* Compares hex strings, ignoring the spaces in want. */
#define T_EQ_HEX(got, want)                                                                    \
    do {                                                                                       \
        char t_w_[4096];                                                                       \
        size_t t_n_ = 0;                                                                       \
        for (const char *t_p_ = (want); *t_p_ && t_n_ + 1 < sizeof t_w_; t_p_++) {             \
            if (*t_p_ != ' ')                                                                  \
                t_w_[t_n_++] = *t_p_;                                                          \
        }                                                                                      \
        t_w_[t_n_] = '\0';                                                                     \
        T_EQ_STR(got, t_w_);                                                                   \
    } while (0)

static const char *header(const struct call *c, const char *name)
{
    for (int i = 0; i < c->nheaders; i++) {
        if (strcasecmp(c->headers[i].name, name) == 0)
            return c->headers[i].value;
    }
    return NULL;
}

/* ---- the captures of aws-wire-protocols.md section 4 -------------------------------------- */

/* 4.1: botocore's GetMetricStatistics request. */
static const char gms_request[] =
    "a7"
    "69 4e616d657370616365 67 4157532f454353"
    "6a 4d65747269634e616d65 6e 4350555574696c697a6174696f6e"
    "6a 44696d656e73696f6e73 82"
    "  a2 64 4e616d65 6b 436c75737465724e616d65 65 56616c7565 64 70726f64"
    "  a2 64 4e616d65 6b 536572766963654e616d65 65 56616c7565 63 776562"
    "69 537461727454696d65 c1 1a 65920080"
    "67 456e6454696d65 c1 1a 65920e90"
    "66 506572696f64 19 012c"
    "6a 53746174697374696373 82 67 4d6178696d756d 67 41766572616765";

/* The same request as botocore sends it in JSON (5.1). */
static const char gms_request_json[] =
    "{\"Namespace\":\"AWS/ECS\",\"MetricName\":\"CPUUtilization\",\"Dimensions\":[{\"Name\":"
    "\"ClusterName\",\"Value\":\"prod\"},{\"Name\":\"ServiceName\",\"Value\":\"web\"}],"
    "\"StartTime\":1704067200,\"EndTime\":1704070800,\"Period\":300,\"Statistics\":"
    "[\"Maximum\",\"Average\"]}";

/* 4.2: the minimal 98-byte response. */
static const char gms_response[] =
    "a2654c6162656c6e4350555574696c697a6174696f6e6a44617461706f696e747381a46954696d657374616d70"
    "c11a659201ac674d6178696d756dfb40454000000000006741766572616765fb402880000000000064556e6974"
    "6750657263656e74";

/* The same response in JSON (3.2). */
static const char gms_response_json[] =
    "{\"Label\":\"CPUUtilization\",\"Datapoints\":[{\"Timestamp\":1704067500,\"Maximum\":42.5,"
    "\"Average\":12.25,\"Unit\":\"Percent\"}]}";

/* 4.2: AWS's own form, an indefinite-length array and a float64 timestamp. */
static const char gms_response_aws[] =
    "a2 654c6162656c 6e4350555574696c697a6174696f6e"
    "6a44617461706f696e7473 9f"
    "  a4 6954696d657374616d70 c1 fb41d964806b000000"
    "     674d6178696d756d fb4045400000000000"
    "     6741766572616765 fb4028800000000000"
    "     64556e6974 6750657263656e74"
    "ff";

TEST(protocol_cbor_captured_request)
{
    T_DECODES_TO("GetMetricStatistics", gms_request, gms_request_json);
    /* the timestamps are numbers of epoch seconds, the neutral form */
    struct call c;
    T_EQ_INT(decode_hex(&c, "GetMetricStatistics", gms_request), SIM_OK);
    T_EQ_DBL(cJSON_GetObjectItem(c.in, "StartTime")->valuedouble, 1704067200.0);
    call_free(&c);
    /* an operation without parameters sends a0, or nothing */
    T_DECODES_TO("GetMetricStatistics", "a0", "{}");
    T_DECODES_TO("GetMetricStatistics", "", "{}");
}

TEST(protocol_cbor_captured_response)
{
    struct call c;
    char *hex = encode_json(&c, &test_svc, "GetMetricStatistics", gms_response_json);
    T_EQ_INT(c.body.len, 98);
    T_EQ_HEX(hex, gms_response);
    T_EQ_INT(c.status, 200);
    T_EQ_STR(c.content_type, "application/cbor");
    T_EQ_STR(header(&c, "smithy-protocol"), "rpc-v2-cbor");
    free(hex);
    call_free(&c);
    /* and it decodes back to the same document */
    T_DECODES_TO("ParseOutput", gms_response, gms_response_json);
}

TEST(protocol_cbor_aws_indefinite_response)
{
    /* 0x41d964806b000000 is 1704067500.0, 2024-01-01T00:05:00Z */
    T_DECODES_TO("ParseOutput", gms_response_aws, gms_response_json);
}

/* ---- round trips -------------------------------------------------------------------------- */

TEST(protocol_cbor_round_trip)
{
    static const char *const docs[] = {
        "{}",
        ("{\"S\":\"h\\u00e9llo \\u2603 \\ud83d\\ude00\",\"I\":-2147483648,"
         "\"L\":-9223372036854775808,\"F\":1.5,\"D\":-0.1,\"B\":false,\"T\":1704067200.123,"
         "\"Blob\":\"AAEC/w==\","
         "\"M\":{\"p99\":1.25,\"\":0},\"Lst\":[{\"S\":\"a\"},{\"Nested\":{\"I\":1,\"T\":-1}}]}"),
        "{\"I\":2147483647,\"L\":18446744073709551615,\"T\":0,\"Blob\":\"\",\"Lst\":[],\"M\":{}}",
        ("{\"D\":1e300,\"F\":-3.4e38,\"L\":4294967296,\"T\":-62135596800,\"Blob\":\"YQ==\","
         "\"B\":true}"),
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        struct call c;
        char *hex = encode_json(&c, &test_svc, "KitchenSink", docs[i]);
        T_DECODES_TO("KitchenSink", hex, docs[i]);
        free(hex);
        call_free(&c);
    }
}

TEST(protocol_cbor_encode_kinds)
{
    struct call c;
    char *hex = encode_json(&c, &test_svc, "KitchenSink",
                            "{\"I\":-1,\"L\":4294967296,\"F\":1.5,\"D\":2,\"B\":true,"
                            "\"T\":1704067200.5,\"Blob\":\"AAEC/w==\",\"S\":\"x\",\"Unknown\":1,"
                            "\"Nested\":null,\"M\":{\"a\":null,\"b\":3}}");
    T_EQ_HEX(hex, "a9"
                  "6149" "20"                          /* I: -1 */
                  "614c" "1b0000000100000000"          /* L: 2^32 */
                  "6146" "fb3ff8000000000000"          /* F: float64 1.5 */
                  "6144" "fb4000000000000000"          /* D: float64 2.0, not the int 2 */
                  "6142" "f5"                          /* B: true */
                  "6154" "c1fb41d9648020200000"        /* T: tag 1 + float64 */
                  "64426c6f62" "44000102ff"            /* Blob: bytes */
                  "6153" "6178"                        /* S: "x"; Unknown, Nested left out */
                  "614d" "a1" "6162" "fb4008000000000000"); /* M: null value left out */
    free(hex);
    call_free(&c);

    /* whole-second timestamps are tag 1 + an integer, negative ones major type 1 */
    hex = encode_json(&c, &test_svc, "KitchenSink", "{\"T\":1704067200,\"Nested\":{\"T\":-1}}");
    T_EQ_HEX(hex, "a2 6154 c11a65920080 664e6573746564 a1 6154 c120");
    free(hex);
    call_free(&c);

    /* 64-bit edges of integers */
    hex = encode_json(&c, &test_svc, "KitchenSink", "{\"L\":-9223372036854775808}");
    T_EQ_HEX(hex, "a1 614c 3b7fffffffffffffff");
    free(hex);
    call_free(&c);
    hex = encode_json(&c, &test_svc, "KitchenSink", "{\"L\":-18446744073709551616}");
    T_EQ_HEX(hex, "a1 614c 3bffffffffffffffff");
    free(hex);
    call_free(&c);
    hex = encode_json(&c, &test_svc, "KitchenSink", "{\"L\":1e30,\"I\":0.5}");
    T_EQ_HEX(hex, "a2 614c fb46293e5939a08cea 6149 fb3fe0000000000000");
    free(hex);
    call_free(&c);

    /* every head length at its edges (a list where a string belongs goes out generically) */
    hex = encode_json(&c, &test_svc, "KitchenSink",
                      "{\"S\":[23,24,255,256,65535,65536,4294967295,4294967296,-24,-25,-256,-257,"
                      "\"aaaaaaaaaaaaaaaaaaaaaaa\",\"aaaaaaaaaaaaaaaaaaaaaaaa\"]}");
    T_EQ_HEX(hex, "a1 6153 8e 17 1818 18ff 190100 19ffff 1a00010000 1affffffff 1b0000000100000000"
                  "  37 3818 38ff 390100"
                  "  77 6161616161616161616161616161616161616161616161"
                  "  7818 616161616161616161616161616161616161616161616161");
    free(hex);
    call_free(&c);

    /* values that do not fit their shape go out by their own type; invalid UTF-8 as U+FFFD */
    hex = encode_json(&c, &test_svc, "KitchenSink",
                      "{\"I\":\"7\",\"S\":5,\"Blob\":\"not base64!\",\"Lst\":{},"
                      "\"T\":\"2024-01-01T00:00:00Z\",\"B\":\"a\\u00e9\"}");
    T_EQ_HEX(hex, "a6 6149 6137 6153 05 64426c6f62 6b6e6f7420626173653634 21"
                  "634c7374 a0 6154 c11a65920080 6142 6361c3a9");
    free(hex);
    call_free(&c);
    setup(&c, &test_svc, "KitchenSink");
    c.out = cJSON_CreateObject();
    cJSON_AddStringToObject(c.out, "S", "a\xff" "b\xc3");
    T_EQ_INT(proto_cbor.encode_result(&c), SIM_OK);
    hex = t_hex(c.body.p, c.body.len);
    T_EQ_HEX(hex, "a16153" "68" "61efbfbd62efbfbd");
    free(hex);
    call_free(&c);
}

TEST(protocol_cbor_encode_empty)
{
    struct call c;
    /* no output shape */
    char *hex = encode_json(&c, &test_svc, "NoOutput", "{\"S\":\"x\"}");
    T_EQ_HEX(hex, "a0");
    T_EQ_INT(c.status, 200);
    T_EQ_STR(header(&c, "smithy-protocol"), "rpc-v2-cbor");
    free(hex);
    call_free(&c);
    /* no result */
    hex = encode_json(&c, &test_svc, "GetMetricStatistics", NULL);
    T_EQ_HEX(hex, "a0");
    T_EQ_STR(c.content_type, "application/cbor");
    free(hex);
    call_free(&c);
    /* a result that is not a structure is the server's fault */
    setup(&c, &test_svc, "GetMetricStatistics");
    c.out = cJSON_CreateArray();
    T_EQ_INT(proto_cbor.encode_result(&c), SIM_ERROR);
    T_EQ_STR(c.err.code, "InternalFailure");
    T_EQ_INT(c.body.len, 0);
    call_free(&c);
}

/* ---- the real CloudWatch model ------------------------------------------------------------ */

TEST(protocol_cbor_cloudwatch_model)
{
    const struct sim_service *cw = cloudwatch();
    /* PutMetricData as botocore sends it: tag 1 timestamp, float64 value */
    static const char put[] =
        "a2 69 4e616d657370616365 63 417070"
        "6a 4d657472696344617461 81"
        "  a4 6a4d65747269634e616d65 674c6174656e6379"
        "     69 54696d657374616d70 c1 1a 65920080"
        "     65 56616c7565 fb 4029000000000000"
        "     64 556e6974 6c 4d696c6c697365636f6e6473";
    size_t n;
    unsigned char *b = t_unhex(put, &n);
    struct call c;
    setup(&c, cw, "PutMetricData");
    T_EQ_INT(proto_cbor.decode(&c, (const char *)b, n), SIM_OK);
    free(b);
    cJSON *want = cJSON_Parse("{\"Namespace\":\"App\",\"MetricData\":[{\"MetricName\":\"Latency\","
                              "\"Timestamp\":1704067200,\"Value\":12.5,"
                              "\"Unit\":\"Milliseconds\"}]}");
    T_ASSERT(cJSON_Compare(c.in, want, 1));
    cJSON_Delete(want);
    call_free(&c);

    /* a string where the model wants a double: the type check of neutral_check() */
    b = t_unhex("a2 69 4e616d657370616365 63 417070 6a 4d657472696344617461 81"
                "   a2 6a4d65747269634e616d65 674c6174656e6379 65 56616c7565 64 31322e35", &n);
    setup(&c, cw, "PutMetricData");
    T_EQ_INT(proto_cbor.decode(&c, (const char *)b, n), SIM_ERROR);
    T_EQ_STR(c.err.code, "SerializationException");
    T_ASSERT(strstr(c.err.message, "Value") != NULL);
    free(b);
    call_free(&c);

    /* ListMetrics output: members in document order, unknown and null ones left out */
    char *hex = encode_json(&c, cw, "ListMetrics",
                            "{\"Metrics\":[{\"Namespace\":\"App\",\"MetricName\":\"Latency\","
                            "\"Dimensions\":[{\"Name\":\"Host\",\"Value\":\"a\"}]}],"
                            "\"Extra\":1,\"NextToken\":null}");
    T_EQ_HEX(hex, "a1 674d657472696373 81"
                  "  a3 694e616d657370616365 63417070 6a4d65747269634e616d65 674c6174656e6379"
                  "     6a44696d656e73696f6e73 81 a2 644e616d65 64486f7374 6556616c7565 6161");
    free(hex);
    call_free(&c);
}

TEST(protocol_cbor_encode_error)
{
    const struct sim_service *cw = cloudwatch();
    struct call c;
    /* 4.3, byte for byte; x-amzn-query-mode: true gives the modeled 404 */
    setup(&c, cw, NULL);
    c.query_mode = 1;
    call_error(&c, "ResourceNotFound", "Dashboard nope does not exist");
    proto_cbor.encode_error(&c);
    char *hex = t_hex(c.body.p, c.body.len);
    T_EQ_HEX(hex, "a2 665f5f74797065 7835"
                  "636f6d2e616d617a6f6e6177732e636c6f756477617463682e76323031305f30385f3031235265"
                  "736f757263654e6f74466f756e64"
                  "676d657373616765 781d"
                  "44617368626f617264206e6f706520646f6573206e6f74206578697374");
    T_EQ_INT(c.status, 404);
    T_EQ_STR(c.content_type, "application/cbor");
    T_EQ_STR(header(&c, "smithy-protocol"), "rpc-v2-cbor");
    T_EQ_STR(header(&c, "x-amzn-query-error"), "ResourceNotFound;Sender");
    free(hex);
    call_free(&c);

    /* without query mode every client error is 400; no message, no message key */
    setup(&c, cw, NULL);
    call_error(&c, "UnknownOperationException", NULL);
    proto_cbor.encode_error(&c);
    hex = t_hex(c.body.p, c.body.len);
    T_EQ_HEX(hex, "a1 665f5f74797065 7819 556e6b6e6f776e4f7065726174696f6e457863657074696f6e");
    T_EQ_INT(c.status, 400);
    T_EQ_STR(header(&c, "smithy-protocol"), "rpc-v2-cbor");
    free(hex);
    call_free(&c);

    /* a decoding error goes out the same way */
    T_EQ_INT(decode_hex(&c, "KitchenSink", "80"), SIM_ERROR);
    proto_cbor.encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_EQ_INT((unsigned char)c.body.p[0], 0xa2);
    T_ASSERT(memmem(c.body.p, c.body.len, "SerializationException", 22) != NULL);
    T_EQ_STR(header(&c, "smithy-protocol"), "rpc-v2-cbor");
    call_free(&c);
}

/* ---- decoding edge cases ------------------------------------------------------------------ */

TEST(protocol_cbor_floats)
{
    /* half */
    T_EQ_DBL(decode_number("a1 6144 f93c00", "D"), 1.0);
    T_EQ_DBL(decode_number("a1 6144 f97bff", "D"), 65504.0);
    T_EQ_DBL(decode_number("a1 6144 f90001", "D"), 5.960464477539063e-08);
    T_EQ_DBL(decode_number("a1 6144 f9c400", "D"), -4.0);
    T_EQ_DBL(decode_number("a1 6144 f97c00", "D"), INFINITY);
    T_EQ_DBL(decode_number("a1 6144 f9fc00", "D"), -INFINITY);
    T_ASSERT(isnan(decode_number("a1 6144 f97e00", "D")));
    double z = decode_number("a1 6144 f98000", "D");
    T_ASSERT(z == 0.0 && signbit(z));
    /* single */
    T_EQ_DBL(decode_number("a1 6144 fa47c35000", "D"), 100000.0);
    T_EQ_DBL(decode_number("a1 6146 fa3fc00000", "F"), 1.5);
    T_EQ_DBL(decode_number("a1 6144 fa7f800000", "D"), INFINITY);
    /* double */
    T_EQ_DBL(decode_number("a1 6144 fb3ff199999999999a", "D"), 1.1);
    T_EQ_DBL(decode_number("a1 6144 fb41d964802007df3b", "D"), 1704067200.123);
    /* a double member may arrive as an integer */
    T_EQ_DBL(decode_number("a1 6144 182a", "D"), 42.0);
    /* an integer member may not arrive as a fraction */
    T_DECODE_FAILS("KitchenSink", "a1 6149 f93e00");
    T_DECODE_FAILS("KitchenSink", "a1 614c f97e00");
}

TEST(protocol_cbor_integers)
{
    T_EQ_DBL(decode_number("a1 614c 00", "L"), 0.0);
    T_EQ_DBL(decode_number("a1 614c 17", "L"), 23.0);
    T_EQ_DBL(decode_number("a1 614c 1818", "L"), 24.0);
    T_EQ_DBL(decode_number("a1 614c 190100", "L"), 256.0);
    T_EQ_DBL(decode_number("a1 614c 1a00010000", "L"), 65536.0);
    T_EQ_DBL(decode_number("a1 614c 1b0000000100000000", "L"), 4294967296.0);
    T_EQ_DBL(decode_number("a1 614c 1bffffffffffffffff", "L"), 18446744073709551615.0);
    T_EQ_DBL(decode_number("a1 614c 20", "L"), -1.0);
    T_EQ_DBL(decode_number("a1 614c 3863", "L"), -100.0);
    T_EQ_DBL(decode_number("a1 614c 3b7fffffffffffffff", "L"), -9223372036854775808.0);
    T_EQ_DBL(decode_number("a1 614c 3bffffffffffffffff", "L"), -18446744073709551616.0);
    T_EQ_DBL(decode_number("a1 6149 3a7fffffff", "I"), -2147483648.0);
    /* an integer member holds 32 bits */
    T_DECODE_FAILS("KitchenSink", "a1 6149 1a80000000");
    /* bignums: a number while the magnitude fits in 64 bits */
    T_EQ_DBL(decode_number("a1 614c c2 4105", "L"), 5.0);
    T_EQ_DBL(decode_number("a1 614c c2 40", "L"), 0.0);
    T_EQ_DBL(decode_number("a1 614c c2 49 00000000000000002a", "L"), 42.0);
    T_EQ_DBL(decode_number("a1 614c c2 48 ffffffffffffffff", "L"), 18446744073709551615.0);
    T_EQ_DBL(decode_number("a1 614c c3 42 0100", "L"), -257.0);
    T_EQ_DBL(decode_number("a1 614c c3 5f 4101 4100 ff", "L"), -257.0); /* chunked bytes */
    T_DECODE_FAILS("KitchenSink", "a1 614c c2 49 010000000000000000");
    T_DECODE_FAILS("KitchenSink", "a1 614c c3 49 010000000000000000");
    T_DECODE_FAILS("KitchenSink", "a1 614c c2 05");
    T_DECODE_FAILS("KitchenSink", "a1 614c c2 6161");
}

TEST(protocol_cbor_tags)
{
    /* tag 1: int, float, negative */
    T_EQ_DBL(decode_number("a1 6154 c1 1a65920080", "T"), 1704067200.0);
    T_EQ_DBL(decode_number("a1 6154 c1 fb41d964802007df3b", "T"), 1704067200.123);
    T_EQ_DBL(decode_number("a1 6154 c1 20", "T"), -1.0);
    T_EQ_DBL(decode_number("a1 6154 c1 f93c00", "T"), 1.0);
    /* a timestamp without its tag is still a number */
    T_EQ_DBL(decode_number("a1 6154 1a65920080", "T"), 1704067200.0);
    /* nested tags, innermost first: tag 1 of tag 1, tag 1 of a bignum, self-describe */
    T_EQ_DBL(decode_number("a1 6154 c1 c1 1a65920080", "T"), 1704067200.0);
    T_EQ_DBL(decode_number("a1 6154 c1 c2 44 65920080", "T"), 1704067200.0);
    T_EQ_DBL(decode_number("d9d9f7 a1 6154 d9d9f7 c1 1a65920080", "T"), 1704067200.0);
    /* tag 0: the date/time string, which neutral_check turns into epoch seconds */
    T_EQ_DBL(decode_number("a1 6154 c0 74 323032342d30312d30315430303a30303a30305a", "T"),
             1704067200.0);
    T_DECODES_TO("KitchenSink", "a1 6153 c0 6a 323032342d30312d3031", "{\"S\":\"2024-01-01\"}");
    /* tag 0 of a number, tag 1 of a string, of null, of a map */
    T_DECODE_FAILS("KitchenSink", "a1 6154 c0 1a65920080");
    T_DECODE_FAILS("KitchenSink", "a1 6154 c1 6161");
    T_DECODE_FAILS("KitchenSink", "a1 6154 c1 f6");
    T_DECODE_FAILS("KitchenSink", "a1 6154 c1 a0");
    T_DECODE_FAILS("KitchenSink", "c1 a0");
    T_DECODE_FAILS("KitchenSink", "a1 6154 c0 c1 1a65920080");
    /* decimal fraction 12345e-2 and bigfloat 3 * 2^-1 */
    T_EQ_DBL(decode_number("a1 6144 c4 82 21 193039", "D"), 123.45);
    T_EQ_DBL(decode_number("a1 6144 c5 82 20 03", "D"), 1.5);
    T_EQ_DBL(decode_number("a1 6144 c4 82 01 c2 4105", "D"), 50.0);
    T_EQ_DBL(decode_number("a1 6144 c4 9f 00 07 ff", "D"), 7.0);
    T_DECODE_FAILS("KitchenSink", "a1 6144 c4 81 01");
    T_DECODE_FAILS("KitchenSink", "a1 6144 c4 83 01 02 03");
    T_DECODE_FAILS("KitchenSink", "a1 6144 c4 82 f93e00 01");
    T_DECODE_FAILS("KitchenSink", "a1 6144 c4 82 1b7fffffffffffffff 01");
    T_DECODE_FAILS("KitchenSink", "a1 6144 c4 02");
    /* other tags stand for their value: 32 (URI), 55799, 2-byte and 8-byte tag numbers */
    T_DECODES_TO("KitchenSink", "a1 6153 d820 6161", "{\"S\":\"a\"}");
    T_DECODES_TO("KitchenSink", "a1 6153 db0000000100000000 6161", "{\"S\":\"a\"}");
    T_DECODES_TO("KitchenSink", "a1 d820 6153 6161", "{\"S\":\"a\"}"); /* a tagged key */
    /* eight tags on one item are accepted, nine are not */
    T_DECODES_TO("KitchenSink", "a1 6153 d820d820d820d820d820d820d820d820 6161", "{\"S\":\"a\"}");
    T_DECODE_FAILS("KitchenSink", "a1 6153 d820d820d820d820d820d820d820d820d820 6161");
    /* a tag with nothing after it */
    T_DECODE_FAILS("KitchenSink", "bf 6153 c1 ff");
    T_DECODE_FAILS("KitchenSink", "a0 c1");
}

TEST(protocol_cbor_indefinite)
{
    /* text in chunks, as a value and as a key */
    T_DECODES_TO("KitchenSink", "a1 6153 7f 626162 6163 60 ff", "{\"S\":\"abc\"}");
    T_DECODES_TO("KitchenSink", "a1 7f 6153 ff 7f ff", "{\"S\":\"\"}");
    T_DECODES_TO("KitchenSink", "a1 6153 7f 62c3a9 ff", "{\"S\":\"\\u00e9\"}");
    /* bytes in chunks */
    T_DECODES_TO("KitchenSink", "a1 64426c6f62 5f 420001 4202ff ff", "{\"Blob\":\"AAEC/w==\"}");
    T_DECODES_TO("KitchenSink", "a1 64426c6f62 5f ff", "{\"Blob\":\"\"}");
    /* maps and arrays, nested both ways */
    static const char nested[] = "bf 634c7374 9f bf 6153 6178 ff a1 664e6573746564 bf 6149 01 ff ff"
                                 "   614d bf 6161 01 ff 6158 9f 9f ff 80 ff ff";
    T_DECODES_TO("KitchenSink", nested,
                 "{\"Lst\":[{\"S\":\"x\"},{\"Nested\":{\"I\":1}}],\"M\":{\"a\":1},"
                 "\"X\":[[],[]]}");
    char trailing[sizeof nested + 4];
    snprintf(trailing, sizeof trailing, "%s 00", nested);
    T_DECODE_FAILS("KitchenSink", trailing);
    /* chunks of the wrong kind, nested indefinite strings, tags or non-strings inside */
    T_DECODE_FAILS("KitchenSink", "a1 6153 7f 4100 ff");
    T_DECODE_FAILS("KitchenSink", "a1 64426c6f62 5f 6161 ff");
    T_DECODE_FAILS("KitchenSink", "a1 6153 7f 7f ff ff");
    T_DECODE_FAILS("KitchenSink", "a1 6153 7f c0 6161 ff");
    T_DECODE_FAILS("KitchenSink", "a1 6153 7f 01 ff");
    T_DECODE_FAILS("KitchenSink", "a1 6153 7f 80 ff");
    /* an unfinished map pair, a break where none is open, a break in a definite container */
    T_DECODE_FAILS("KitchenSink", "bf 6153 ff");
    T_DECODE_FAILS("KitchenSink", "a1 6153 ff");
    T_DECODE_FAILS("KitchenSink", "a1 634c7374 81 ff");
    T_DECODE_FAILS("KitchenSink", "ff");
    T_DECODE_FAILS("KitchenSink", "a0 ff");
    /* an unclosed indefinite map */
    T_DECODE_FAILS("KitchenSink", "bf 6153 6161");
}

TEST(protocol_cbor_malformed)
{
    static const char *const bad[] = {
        "80",                     /* top level: array */
        "01",                     /* integer */
        "6161",                   /* string */
        "f6",                     /* null */
        "c1 01",                  /* tagged integer */
        "a0 a0",                  /* two maps */
        "a0 00",                  /* trailing byte */
        "a1 01 02",               /* integer key */
        "a1 4153 01",             /* byte-string key */
        "a1 80 01",               /* array key */
        "a1 a0 01",               /* map key */
        "a1 f6 01",               /* null key */
        "a1 c2 4101 01",          /* bignum key */
        "1c",                     /* reserved additional information */
        "a1 6153 1c",             /* ... inside */
        "a1 6153 5c",             /* reserved byte-string length */
        "a1 6153 9c",             /* reserved array length */
        "a1 6153 f8 20",          /* simple value 32 */
        "a1 6153 e0",             /* simple value 0 */
        "a1 6153 c6 01",          /* tag 6 in its one-byte form, which libcbor rejects */
        "a1 6153 fc",             /* reserved */
        "a1 6153 62 c328",        /* invalid UTF-8: bad continuation */
        "a1 6153 62 c080",        /* overlong NUL */
        "a1 6153 63 e08080",      /* overlong */
        "a1 6153 63 eda080",      /* surrogate */
        "a1 6153 64 f4908080",    /* past U+10FFFF */
        "a1 6153 61 80",          /* stray continuation byte */
        "a1 6153 61 ff",          /* never in UTF-8 */
        "a1 6153 62 e282",        /* cut off */
        "a1 6153 7f 61e2 62 82ac ff", /* a code point split across chunks */
        "a1 61ff 01",             /* invalid key */
        "a1 6153 61 00",          /* U+0000 */
        "a1 6153 63 610062",      /* U+0000 inside */
        "a1 6153 7b 0000000100000000 61", /* a string longer than the body */
        "a1 6153 7bffffffffffffffff",     /* a string length beyond any size */
        "a1 6153 9bffffffffffffffff",     /* an array length beyond any size */
        "a1 6153 bbffffffffffffffff",     /* a map length beyond any size */
        "bbffffffffffffffff",
        "a2 6153 6161",           /* a map shorter than it says */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        T_DECODE_FAILS("KitchenSink", bad[i]);
    /* the message says where */
    struct call c;
    T_EQ_INT(decode_hex(&c, "KitchenSink", "a1 6153 62 c328"), SIM_ERROR);
    T_ASSERT(strstr(c.err.message, "UTF-8") != NULL);
    T_ASSERT(strstr(c.err.message, "byte 3") != NULL);
    call_free(&c);
    /* valid UTF-8 of every length is fine */
    T_DECODES_TO("KitchenSink", "a1 6153 6a 7fc3bfe282acf09f9880",
                 "{\"S\":\"\\u007f\\u00ff\\u20ac\\ud83d\\ude00\"}");
    T_DECODES_TO("KitchenSink", "a1 6153 64 f48fbfbf", "{\"S\":\"\\udbff\\udfff\"}");
    /* undefined is null, which is "absent" for the type check */
    T_DECODES_TO("KitchenSink", "a2 6153 f7 6149 f6", "{\"S\":null,\"I\":null}");
}

/* Every proper prefix of a valid message must be rejected, never read past. */
static void truncate_all(const char *op, const char *hex)
{
    size_t n;
    unsigned char *full = t_unhex(hex, &n);
    for (size_t k = 1; k < n; k++) {
        unsigned char *p = malloc(k); /* exactly k bytes, so ASan sees any overread */
        memcpy(p, full, k);
        struct call c;
        setup(&c, &test_svc, op);
        if (proto_cbor.decode(&c, (const char *)p, k) != SIM_ERROR)
            t_fail(__FILE__, __LINE__, "%s: the first %zu of %zu bytes decoded", op, k, n);
        T_EQ_STR(c.err.code, "SerializationException");
        call_free(&c);
        free(p);
    }
    free(full);
}

TEST(protocol_cbor_truncated)
{
    truncate_all("GetMetricStatistics", gms_request);
    truncate_all("ParseOutput", gms_response);
    truncate_all("ParseOutput", gms_response_aws);
    truncate_all("KitchenSink", "a2 6153 7f 626162 6163 ff 614c c3 5f 4101 4100 ff");
    truncate_all("KitchenSink", "bf 6144 c4 82 21 193039 634c7374 9f a1 6153 6178 ff ff");
}

/* Builds hex for a map {"S": <depth nested arrays around 0>} (depth counts the map). */
static char *nested_hex(int depth, const char *open, const char *close)
{
    size_t n = 16 + (size_t)depth * (strlen(open) + strlen(close));
    char *s = malloc(n);
    strcpy(s, "a16153");
    char *p = s + strlen(s);
    for (int i = 1; i < depth; i++)
        p += sprintf(p, "%s", open);
    p += sprintf(p, "00");
    for (int i = 1; i < depth; i++)
        p += sprintf(p, "%s", close);
    return s;
}

TEST(protocol_cbor_deep_nesting)
{
    /* 64 levels (the top-level map and 63 arrays) are allowed, 65 are not */
    char *hex = nested_hex(64, "81", "");
    struct call c;
    T_EQ_INT(decode_hex(&c, "KitchenSink", hex), SIM_ERROR); /* S is a string, not a list */
    T_ASSERT(strstr(c.err.message, "nested") == NULL);
    call_free(&c);
    free(hex);
    hex = nested_hex(65, "81", "");
    T_EQ_INT(decode_hex(&c, "KitchenSink", hex), SIM_ERROR);
    T_ASSERT(strstr(c.err.message, "nested deeper") != NULL);
    call_free(&c);
    free(hex);
    /* under a member the model does not know, the depth limit is the only check */
    hex = nested_hex(64, "9f", "ff");
    hex[5] = '8'; /* "S" -> "X" */
    T_EQ_INT(decode_hex(&c, "KitchenSink", hex), SIM_OK);
    call_free(&c);
    free(hex);
    /* very deep input of every container kind fails quickly, without recursion */
    static const char *const opens[] = {"81", "9f", "a16161", "bf6161", "c1", "7f"};
    for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
        hex = nested_hex(100000, opens[i], "");
        T_DECODE_FAILS("KitchenSink", hex);
        free(hex);
    }
}

TEST(protocol_cbor_size_limit)
{
    /* {"X": [0, 0, ...]}: the map, the key, the array and 2^20 - 2 zeros are one data item
     * more than a request may hold */
    size_t zeros = ((size_t)1 << 20) - 2;
    size_t n = 8 + zeros;
    unsigned char *b = malloc(n);
    memcpy(b, "\xa1\x61X\x9f", 4);
    memset(b + 4, 0, zeros);
    b[4 + zeros] = 0xff;
    struct call c;
    setup(&c, &test_svc, "KitchenSink");
    T_EQ_INT(proto_cbor.decode(&c, (const char *)b, 5 + zeros), SIM_ERROR);
    T_EQ_STR(c.err.code, "SerializationException");
    T_ASSERT(strstr(c.err.message, "data items") != NULL);
    call_free(&c);
    /* one zero less, 2^20 items in all, is fine */
    zeros -= 1;
    b[4 + zeros] = 0xff;
    setup(&c, &test_svc, "KitchenSink");
    T_EQ_INT(proto_cbor.decode(&c, (const char *)b, 5 + zeros), SIM_OK);
    T_EQ_INT(cJSON_GetArraySize(cJSON_GetObjectItem(c.in, "X")), zeros);
    call_free(&c);
    free(b);
}
