/* Tests of sim/protocol/json.c (awsJson 1.0 / 1.1) and sim/protocol/neutral.c. */
#include "unit_call.h"

static int decode(struct call *c, const char *svc, const char *op, const char *body)
{
    unit_call(c, svc, op, &proto_json);
    return proto_json.decode(c, body, strlen(body));
}

TEST(protocol_json_decode_captured)
{
    struct call c;
    /* CLI v1 PutParameter --overwrite, captured (aws-wire-protocols.md 5.4) */
    T_EQ_INT(decode(&c, "ssm", "PutParameter",
                    "{\"Name\":\"/app/x\",\"Value\":\"v1\",\"Type\":\"String\",\"Overwrite\":true}"),
             SIM_OK);
    T_EQ_STR(cJSON_GetObjectItem(c.in, "Name")->valuestring, "/app/x");
    T_ASSERT(cJSON_IsTrue(cJSON_GetObjectItem(c.in, "Overwrite")));
    call_free(&c);
    /* empty body and {} are both "no parameters" */
    T_EQ_INT(decode(&c, "ssm", "DescribeParameters", ""), SIM_OK);
    T_ASSERT(cJSON_IsObject(c.in));
    call_free(&c);
    T_EQ_INT(decode(&c, "ssm", "DescribeParameters", " {}\n"), SIM_OK);
    call_free(&c);
}

TEST(protocol_json_timestamps)
{
    struct call c;
    /* botocore sends integer seconds, JS fractional seconds; ISO strings are converted */
    T_EQ_INT(decode(&c, "cloudwatch", "PutMetricData",
                    "{\"Namespace\":\"App\",\"MetricData\":[{\"MetricName\":\"a\",\"Timestamp\":"
                    "1704067200.123},{\"MetricName\":\"b\",\"Timestamp\":\"2024-01-01T00:00:00Z\"},"
                    "{\"MetricName\":\"c\",\"Timestamp\":1704067200}]}"),
             SIM_OK);
    cJSON *md = cJSON_GetObjectItem(c.in, "MetricData");
    T_EQ_DBL(cJSON_GetObjectItem(cJSON_GetArrayItem(md, 0), "Timestamp")->valuedouble,
             1704067200.123);
    T_ASSERT(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetArrayItem(md, 1), "Timestamp")));
    T_EQ_DBL(cJSON_GetObjectItem(cJSON_GetArrayItem(md, 1), "Timestamp")->valuedouble,
             1704067200.0);
    call_free(&c);
    T_EQ_INT(decode(&c, "cloudwatch", "PutMetricData",
                    "{\"Namespace\":\"App\",\"MetricData\":[{\"MetricName\":\"a\",\"Timestamp\":"
                    "\"yesterday\"}]}"),
             SIM_ERROR);
    T_EQ_STR(c.err.code, "SerializationException");
    call_free(&c);
}

TEST(protocol_json_malformed)
{
    static const char *const bad[] = {
        "{",
        "{\"Name\":",
        "[1,2]",
        "\"just a string\"",
        "{\"Name\":\"/x\"} trailing",
        "{\"Name\":\"/x\",}",
        "nul",
        "{\"Name\":5}",                   /* wrong type for a string member */
        "{\"Name\":\"/x\",\"Overwrite\":\"yes\"}", /* string for a boolean */
        "{\"Name\":\"/x\",\"Value\":\"v\",\"Tags\":{}}", /* object for a list */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct call c;
        T_EQ_INT(decode(&c, "ssm", "PutParameter", bad[i]), SIM_ERROR);
        T_EQ_STR(c.err.code, "SerializationException");
        call_free(&c);
    }
    /* nesting beyond the limit is refused before cJSON recurses */
    char deep[4096];
    size_t n = 0;
    deep[n++] = '{';
    memcpy(deep + n, "\"Name\":", 7);
    n += 7;
    for (int i = 0; i < 1000; i++)
        deep[n++] = '[';
    deep[n] = '\0';
    struct call c;
    T_EQ_INT(decode(&c, "ssm", "PutParameter", deep), SIM_ERROR);
    call_free(&c);
    /* integers: fractions and out-of-range values are refused for integer members */
    T_EQ_INT(decode(&c, "ssm", "DescribeParameters", "{\"MaxResults\":1.5}"), SIM_ERROR);
    call_free(&c);
    T_EQ_INT(decode(&c, "ssm", "DescribeParameters", "{\"MaxResults\":1e12}"), SIM_ERROR);
    call_free(&c);
    T_EQ_INT(decode(&c, "ssm", "DescribeParameters", "{\"MaxResults\":10}"), SIM_OK);
    call_free(&c);
}

TEST(protocol_json_encode)
{
    struct call c;
    unit_call(&c, "ssm", "PutParameter", &proto_json);
    c.json_minor = 1;
    c.out = cJSON_CreateObject();
    cJSON_AddNumberToObject(c.out, "Version", 2);
    cJSON_AddStringToObject(c.out, "Tier", "Standard");
    T_EQ_INT(proto_json.encode_result(&c), SIM_OK);
    T_EQ_STR(c.body.p, "{\"Version\":2,\"Tier\":\"Standard\"}");
    T_EQ_STR(c.content_type, "application/x-amz-json-1.1");
    T_EQ_INT(c.status, 200);
    call_free(&c);
    /* no output -> {} */
    unit_call(&c, "cloudwatch", "PutMetricData", &proto_json);
    T_EQ_INT(proto_json.encode_result(&c), SIM_OK);
    T_EQ_STR(c.body.p, "{}");
    T_EQ_STR(c.content_type, "application/x-amz-json-1.0");
    call_free(&c);
}

TEST(protocol_json_errors)
{
    struct call c;
    /* a plain JSON service: __type is the code, 400 */
    unit_call(&c, "ssm", "GetParameter", &proto_json);
    call_error(&c, "ParameterNotFound", "Parameter /nope not found.");
    proto_json.encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_EQ_STR(c.body.p, "{\"__type\":\"ParameterNotFound\",\"message\":\"Parameter /nope not found.\"}");
    T_EQ_STR(unit_header(&c, "x-amzn-ErrorType"), "ParameterNotFound");
    T_ASSERT(unit_header(&c, "x-amzn-query-error") == NULL);
    call_free(&c);
    /* an internal error is a 500 */
    unit_call(&c, "ssm", "GetParameter", &proto_json);
    call_error(&c, "InternalServerError", "boom");
    proto_json.encode_error(&c);
    T_EQ_INT(c.status, 500);
    call_free(&c);
    /* CloudWatch is awsQueryCompatible: query code in x-amzn-query-error, namespaced __type,
     * status 400 unless x-amzn-query-mode: true */
    unit_call(&c, "cloudwatch", "PutMetricData", &proto_json);
    call_error(&c, "InvalidParameterValue", "The parameter X must be ...");
    proto_json.encode_error(&c);
    T_EQ_INT(c.status, 400);
    T_EQ_STR(unit_header(&c, "x-amzn-query-error"), "InvalidParameterValue;Sender");
    T_ASSERT(strstr(c.body.p,
                    "\"__type\":\"com.amazonaws.cloudwatch.v2010_08_01#"
                    "InvalidParameterValueException\"") != NULL);
    call_free(&c);
    unit_call(&c, "cloudwatch", "PutMetricData", &proto_json);
    c.query_mode = 1;
    call_error(&c, "InternalServiceFault", "oops");
    proto_json.encode_error(&c);
    T_EQ_INT(c.status, 500);
    T_EQ_STR(unit_header(&c, "x-amzn-query-error"), "InternalServiceError;Receiver");
    call_free(&c);
}

TEST(protocol_json_encode_by_shape)
{
    struct call c;
    /* doubles keep a point, integers never get one, timestamps are seconds with a fraction,
     * strings are escaped, unmodeled members pass through */
    unit_call(&c, "application-autoscaling", "DescribeScalingPolicies", &proto_json);
    const char *doc =
        "{\"ScalingPolicies\":[{\"PolicyName\":\"a\\\"b\\n\\u0001\\u00e9\",\"CreationTime\":1704067200,"
        "\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":70,\"ScaleInCooldown\":300,"
        "\"DisableScaleIn\":false}}],\"Extra\":[1,2.5]}";
    c.out = cJSON_Parse(doc);
    T_ASSERT(c.out != NULL);
    T_EQ_INT(proto_json.encode_result(&c), SIM_OK);
    T_EQ_STR(c.body.p,
             "{\"ScalingPolicies\":[{\"PolicyName\":\"a\\\"b\\n\\u0001\xc3\xa9\",\"CreationTime\":"
             "1704067200.0,\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":70.0,"
             "\"ScaleInCooldown\":300,\"DisableScaleIn\":false}}],\"Extra\":[1,2.5]}");
    call_free(&c);
    /* fractions and huge values round-trip; non-finite doubles are AWS's strings */
    unit_call(&c, "application-autoscaling", "DescribeScalingPolicies", &proto_json);
    c.out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c.out, "ScalingPolicies");
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToArray(list, p);
    cJSON_AddNumberToObject(p, "CreationTime", 1704067200.123);
    cJSON *tt = cJSON_AddObjectToObject(p, "TargetTrackingScalingPolicyConfiguration");
    cJSON_AddNumberToObject(tt, "TargetValue", 0.1);
    cJSON *inf = cJSON_AddNumberToObject(tt, "ScaleOutCooldown", 1e300);
    (void)inf;
    T_EQ_INT(proto_json.encode_result(&c), SIM_OK);
    T_EQ_STR(c.body.p, "{\"ScalingPolicies\":[{\"CreationTime\":1704067200.123,"
                       "\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":0.1,"
                       "\"ScaleOutCooldown\":1e+300}}]}");
    call_free(&c);
    /* the message member is named as the service models it */
    unit_call(&c, "application-autoscaling", "DescribeScalingPolicies", &proto_json);
    call_error(&c, "ValidationException", "bad");
    proto_json.encode_error(&c);
    T_EQ_STR(c.body.p, "{\"__type\":\"ValidationException\",\"Message\":\"bad\"}");
    call_free(&c);
}
