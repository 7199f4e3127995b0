/* Tests of sim/services/validate.c: the model's constraints in each service's wording. */
#include "services/validate.h"
#include "unit_call.h"

static int check(struct call *c, const char *svc, const char *op, const char *json)
{
    unit_call(c, svc, op, &proto_json);
    T_EQ_INT(proto_json.decode(c, json, strlen(json)), SIM_OK);
    return validate_input(c);
}

TEST(services_validate_coral)
{
    struct call c;
    T_EQ_INT(check(&c, "ssm", "PutParameter", "{\"Name\":\"/x\",\"Value\":\"v\",\"Type\":\"String\"}"),
             SIM_OK);
    call_free(&c);
    /* the enum in AWS's order of printing */
    T_EQ_INT(check(&c, "ssm", "PutParameter", "{\"Name\":\"/x\",\"Value\":\"v\",\"Type\":\"Bogus\"}"),
             SIM_ERROR);
    T_EQ_STR(c.err.code, "ValidationException");
    T_EQ_STR(c.err.message,
             "1 validation error detected: Value 'Bogus' at 'type' failed to satisfy constraint: "
             "Member must satisfy enum value set: [SecureString, StringList, String]");
    call_free(&c);
    /* missing members, all of them reported; the value is sensitive and not echoed */
    T_EQ_INT(check(&c, "ssm", "PutParameter", "{}"), SIM_ERROR);
    T_EQ_STR(c.err.message,
             "2 validation errors detected: Value null at 'name' failed to satisfy constraint: "
             "Member must not be null; Value at 'value' failed to satisfy constraint: Member must "
             "not be null");
    call_free(&c);
    /* ranges and list paths */
    T_EQ_INT(check(&c, "ssm", "DescribeParameters", "{\"MaxResults\":0}"), SIM_ERROR);
    T_EQ_STR(c.err.message,
             "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
             "Member must have value greater than or equal to 1");
    call_free(&c);
    T_EQ_INT(check(&c, "ssm", "DescribeParameters",
                   "{\"ParameterFilters\":[{\"Key\":\"Name\"},{\"Option\":\"Equals\"}]}"),
             SIM_ERROR);
    T_EQ_STR(c.err.message,
             "1 validation error detected: Value null at 'parameterFilters.2.member.key' failed to "
             "satisfy constraint: Member must not be null");
    call_free(&c);
    /* a pattern (Java regex translated to PCRE2) */
    T_EQ_INT(check(&c, "ssm", "DescribeParameters",
                   "{\"ParameterFilters\":[{\"Key\":\"Bogus\"}]}"),
             SIM_ERROR);
    T_ASSERT(strstr(c.err.message, "Member must satisfy regular expression pattern: "
                                   "tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType") != NULL);
    call_free(&c);
    T_EQ_INT(check(&c, "ssm", "DescribeParameters",
                   "{\"ParameterFilters\":[{\"Key\":\"tag:env\"},{\"Key\":\"Path\"}]}"),
             SIM_OK);
    call_free(&c);
}

TEST(services_validate_query)
{
    struct call c;
    T_EQ_INT(check(&c, "cloudwatch", "PutMetricData", "{\"MetricData\":[]}"), SIM_ERROR);
    T_EQ_STR(c.err.code, "MissingParameter");
    T_EQ_STR(c.err.message, "The parameter Namespace is required.");
    call_free(&c);
    T_EQ_INT(check(&c, "cloudwatch", "PutMetricData",
                   "{\"Namespace\":\"App\",\"MetricData\":[{\"MetricName\":\"m\",\"Unit\":\"Parsecs\"}]}"),
             SIM_ERROR);
    T_EQ_STR(c.err.code, "InvalidParameterValue");
    T_ASSERT(strncmp(c.err.message,
                     "The parameter MetricData.member.1.Unit must be a value in the set [ Seconds, ",
                     76) == 0);
    call_free(&c);
    char json[2048];
    char name[300];
    memset(name, 'n', 256);
    name[256] = '\0';
    snprintf(json, sizeof json, "{\"Namespace\":\"App\",\"MetricData\":[{\"MetricName\":\"m\","
             "\"Dimensions\":[{\"Name\":\"%s\",\"Value\":\"v\"}]}]}", name);
    T_EQ_INT(check(&c, "cloudwatch", "PutMetricData", json), SIM_ERROR);
    T_EQ_STR(c.err.message, "The parameter MetricData.member.1.Dimensions.member.1.Name must be "
                            "shorter than 256 characters.");
    call_free(&c);
}
