/* Tests of sim/http/sigv4.c. */
#include "http/sigv4.h"
#include "t.h"

TEST(http_sigv4_parse)
{
    struct sigv4_cred c;
    /* botocore's form, captured (aws-wire-protocols.md 8.1) */
    T_EQ_INT(sigv4_parse("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/"
                         "monitoring/aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                         "x-amz-target;x-amzn-query-mode, Signature=4ac7e885",
                         &c),
             0);
    T_EQ_STR(c.access_key, "AKIAIOSFODNN7EXAMPLE");
    T_EQ_STR(c.date, "20261126");
    T_EQ_STR(c.region, "us-east-1");
    T_EQ_STR(c.service, "monitoring");
    /* separators without spaces */
    T_EQ_INT(sigv4_parse("AWS4-HMAC-SHA256 Credential=111111111111/20261126/eu-west-2/ssm/"
                         "aws4_request,SignedHeaders=host,Signature=00",
                         &c),
             0);
    T_EQ_STR(c.region, "eu-west-2");
    T_EQ_STR(c.service, "ssm");
    /* malformed */
    T_EQ_INT(sigv4_parse("AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/ssm", &c), -1);
    T_EQ_INT(sigv4_parse("AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/ssm/nope", &c), -1);
    T_EQ_INT(sigv4_parse("Basic dXNlcjpwYXNz", &c), -1);
    T_EQ_INT(sigv4_parse("AWS4-HMAC-SHA256 SignedHeaders=host", &c), -1);
    T_EQ_INT(sigv4_parse("AWS4-HMAC-SHA256 Credential=//us-east-1/ssm/aws4_request", &c), -1);
    T_EQ_INT(sigv4_parse("", &c), -1);
}

TEST(http_sigv4_account)
{
    char acct[13];
    sigv4_account("111111111111", acct);
    T_EQ_STR(acct, "111111111111");
    sigv4_account("AKIAIOSFODNN7EXAMPLE", acct);
    T_EQ_STR(acct, "000000000000");
    sigv4_account("11111111111", acct);
    T_EQ_STR(acct, "000000000000");
    sigv4_account("11111111111a", acct);
    T_EQ_STR(acct, "000000000000");
}
