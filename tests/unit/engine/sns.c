/*
 * Tests of the SNS helpers (sim/engine/sns_policy.c: delivery policies and the retry schedule
 * they give, the string to sign, filter policies) and of the sns_publish() contract of
 * sim/engine/sns.h against an in-memory store (the HTTP client is not started, so the
 * deliveries it creates stay due, which is what the engine tick would start).
 */
#include "engine/sns.h"
#include "engine/sns_int.h"
#include "engine/team.h"
#include "store/sns.h"
#include "store/store.h"
#include "unit_call.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

static int delay(const struct sns_retry_policy *p, int retry)
{
    return sns_retry_delay_s(p, retry);
}

TEST(services_sns_retry_schedule)
{
    struct sns_retry_policy p;
    sns_retry_default(&p);
    /* AWS's default HTTP/S policy: three retries, 20 s apart */
    T_EQ_INT(delay(&p, 1), 20);
    T_EQ_INT(delay(&p, 2), 20);
    T_EQ_INT(delay(&p, 3), 20);
    T_EQ_INT(delay(&p, 4), -1);
    T_EQ_INT(delay(&p, 0), -1);

    /* the four phases: 2 at once, 2 at the minimum, 4 backing off, 2 at the maximum */
    cJSON *o = cJSON_Parse("{\"minDelayTarget\":5,\"maxDelayTarget\":100,\"numRetries\":10,"
                           "\"numNoDelayRetries\":2,\"numMinDelayRetries\":2,"
                           "\"numMaxDelayRetries\":2,\"backoffFunction\":\"linear\"}");
    char err[256];
    sns_retry_default(&p);
    T_EQ_INT(sns_retry_parse(o, "healthyRetryPolicy", &p, err, sizeof err), 0);
    cJSON_Delete(o);
    int want[] = {0, 0, 5, 5, 5, 37, 68, 100, 100, 100};
    for (int i = 0; i < 10; i++)
        T_EQ_INT(delay(&p, i + 1), want[i]);
    T_EQ_INT(delay(&p, 11), -1);
    /* geometric: a constant ratio from min to max; arithmetic and exponential stay within */
    p.backoff = SNS_BACKOFF_GEOMETRIC;
    T_EQ_INT(delay(&p, 5), 5);
    T_EQ_INT(delay(&p, 6), 14); /* 5 * 20^(1/3) */
    T_EQ_INT(delay(&p, 8), 100);
    p.backoff = SNS_BACKOFF_ARITHMETIC;
    T_EQ_INT(delay(&p, 6), 16); /* 5 + 95 / 9 */
    p.backoff = SNS_BACKOFF_EXPONENTIAL;
    T_ASSERT(delay(&p, 6) >= 5 && delay(&p, 6) < delay(&p, 7) && delay(&p, 8) == 100);

    /* the JSON AWS prints: all seven members */
    sns_retry_default(&p);
    cJSON *j = sns_retry_json(&p);
    char *s = cJSON_PrintUnformatted(j);
    T_EQ_STR(s, "{\"minDelayTarget\":20,\"maxDelayTarget\":20,\"numRetries\":3,"
                "\"numMaxDelayRetries\":0,\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,"
                "\"backoffFunction\":\"linear\"}");
    cJSON_free(s);
    cJSON_Delete(j);
}

static const char *policy_error(const char *text, int topic)
{
    static char err[512];
    err[0] = '\0';
    return sns_delivery_policy_check(text, topic, err, sizeof err) == 0 ? NULL : err;
}

TEST(services_sns_delivery_policies)
{
    /* AWS's own texts */
    T_EQ_STR(policy_error("{\"http\":{\"defaultHealthyRetryPolicy\":{\"numRetries\":101}}}", 1),
             "http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100");
    T_EQ_STR(policy_error("{\"throttlePolicy\":{\"maxReceivesPerSecond\":1}}", 1),
             "Unexpected JSON member: throttlePolicy");
    T_EQ_STR(policy_error("{not json", 1), "failed to parse JSON.");
    /* the same rules elsewhere */
    T_EQ_STR(policy_error("{\"healthyRetryPolicy\":{\"minDelayTarget\":30,"
                          "\"maxDelayTarget\":10}}", 0),
             "healthyRetryPolicy.minDelayTarget must be less than or equal to maxDelayTarget");
    T_EQ_STR(policy_error("{\"healthyRetryPolicy\":{\"maxDelayTarget\":3601}}", 0),
             "healthyRetryPolicy.maxDelayTarget must be less than or equal to 3600");
    T_EQ_STR(policy_error("{\"healthyRetryPolicy\":{\"numRetries\":2,\"numNoDelayRetries\":3}}",
                          0),
             "healthyRetryPolicy.numRetries must be greater than or equal to the sum of "
             "numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries");
    T_EQ_STR(policy_error("{\"healthyRetryPolicy\":{\"backoffFunction\":\"cubic\"}}", 0),
             "healthyRetryPolicy.backoffFunction must be one of linear, arithmetic, geometric, "
             "exponential");
    T_ASSERT(strstr(policy_error("{\"healthyRetryPolicy\":{\"numRetries\":100,"
                                 "\"minDelayTarget\":60,\"maxDelayTarget\":60}}", 0),
                    "total retry time (6000 seconds)") != NULL);
    T_ASSERT(policy_error("{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":5,"
                          "\"maxDelayTarget\":6,\"numRetries\":1},"
                          "\"disableSubscriptionOverrides\":false}}", 1) == NULL);
    T_ASSERT(policy_error("{\"healthyRetryPolicy\":null,\"throttlePolicy\":"
                          "{\"maxReceivesPerSecond\":1000},\"requestPolicy\":"
                          "{\"headerContentType\":\"text/csv\"},\"guaranteed\":false}", 0) == NULL);

    /* EffectiveDeliveryPolicy of a topic: AWS's default, or the defaults under what is set */
    char *eff = sns_topic_effective_policy(NULL);
    T_EQ_STR(eff, "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":20,"
                  "\"maxDelayTarget\":20,\"numRetries\":3,\"numMaxDelayRetries\":0,"
                  "\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,\"backoffFunction\":"
                  "\"linear\"},\"disableSubscriptionOverrides\":false,\"defaultRequestPolicy\":"
                  "{\"headerContentType\":\"text/plain; charset=UTF-8\"}}}");
    free(eff);
    const char *topic = "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":5,"
                        "\"maxDelayTarget\":6,\"numRetries\":1},\"defaultRequestPolicy\":"
                        "{\"headerContentType\":\"application/json\"}}}";
    eff = sns_topic_effective_policy(topic);
    T_ASSERT(strstr(eff, "\"minDelayTarget\":5,\"maxDelayTarget\":6,\"numRetries\":1,"
                         "\"numMaxDelayRetries\":0") != NULL);
    T_ASSERT(strstr(eff, "\"headerContentType\":\"application/json\"") != NULL);
    free(eff);

    /* a delivery: the subscription's policy wins, unless the topic disables overrides */
    struct sns_retry_policy p;
    char ct[128];
    const char *sub = "{\"healthyRetryPolicy\":{\"numRetries\":0,\"minDelayTarget\":1,"
                      "\"maxDelayTarget\":1},\"requestPolicy\":{\"headerContentType\":"
                      "\"text/csv\"}}";
    sns_delivery_settings(sub, topic, &p, ct, sizeof ct);
    T_EQ_INT(p.num_retries, 0);
    T_EQ_STR(ct, "text/csv");
    sns_delivery_settings(NULL, topic, &p, ct, sizeof ct);
    T_EQ_INT(p.num_retries, 1);
    T_EQ_INT(p.min_delay_s, 5);
    T_EQ_STR(ct, "application/json");
    sns_delivery_settings(sub, "{\"http\":{\"disableSubscriptionOverrides\":true}}", &p, ct,
                          sizeof ct);
    T_EQ_INT(p.num_retries, 3);
    sns_delivery_settings(NULL, NULL, &p, ct, sizeof ct);
    T_EQ_STR(ct, "text/plain; charset=UTF-8");
    char *norm = sns_sub_policy_normalized("{\"requestPolicy\":{\"headerContentType\":"
                                           "\"text/csv\"}}");
    T_EQ_STR(norm, "{\"healthyRetryPolicy\":null,\"sicklyRetryPolicy\":null,\"throttlePolicy\":"
                   "null,\"requestPolicy\":{\"headerContentType\":\"text/csv\"},"
                   "\"guaranteed\":false}");
    free(norm);
}

TEST(services_sns_string_to_sign)
{
    cJSON *m = cJSON_Parse("{\"Type\":\"Notification\",\"MessageId\":\"id-1\",\"TopicArn\":"
                           "\"arn:aws:sns:us-east-1:123456789012:t\",\"Subject\":\"s\","
                           "\"Message\":\"line1\\nline2\",\"Timestamp\":"
                           "\"2026-01-01T00:00:00.000Z\",\"SignatureVersion\":\"1\"}");
    char *s = sns_string_to_sign(m);
    T_EQ_STR(s, "Message\nline1\nline2\nMessageId\nid-1\nSubject\ns\nTimestamp\n"
                "2026-01-01T00:00:00.000Z\nTopicArn\narn:aws:sns:us-east-1:123456789012:t\n"
                "Type\nNotification\n");
    free(s);
    /* no Subject: the pair is left out */
    cJSON_DeleteItemFromObject(m, "Subject");
    s = sns_string_to_sign(m);
    T_EQ_STR(s, "Message\nline1\nline2\nMessageId\nid-1\nTimestamp\n2026-01-01T00:00:00.000Z\n"
                "TopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nNotification\n");
    free(s);
    cJSON_Delete(m);
    m = cJSON_Parse("{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"id-2\",\"Token\":"
                    "\"tok\",\"TopicArn\":\"arn\",\"Message\":\"m\",\"SubscribeURL\":\"u\","
                    "\"Timestamp\":\"ts\"}");
    s = sns_string_to_sign(m);
    T_EQ_STR(s, "Message\nm\nMessageId\nid-2\nSubscribeURL\nu\nTimestamp\nts\nToken\ntok\n"
                "TopicArn\narn\nType\nSubscriptionConfirmation\n");
    free(s);
    /* a confirmation without its Token cannot be signed */
    cJSON_DeleteItemFromObject(m, "Token");
    T_ASSERT(sns_string_to_sign(m) == NULL);
    cJSON_Delete(m);

    char seq[32];
    sns_sequence_number(3, seq);
    T_EQ_STR(seq, "10000000000000000003");
}

static int fmatch(const char *policy, const char *attrs_json)
{
    cJSON *a = cJSON_Parse(attrs_json);
    int r = sns_filter_match(policy, 0, a, NULL);
    cJSON_Delete(a);
    return r;
}

TEST(services_sns_filter_policy)
{
    const char *str = "{\"sev\":{\"DataType\":\"String\",\"StringValue\":\"high\"}}";
    const char *num = "{\"price\":{\"DataType\":\"Number\",\"StringValue\":\"99.5\"}}";
    const char *arr = "{\"tags\":{\"DataType\":\"String.Array\",\"StringValue\":"
                      "\"[\\\"a\\\",\\\"b\\\",3]\"}}";
    T_EQ_INT(fmatch("{\"sev\":[\"high\",\"critical\"]}", str), 1);
    T_EQ_INT(fmatch("{\"sev\":[\"low\"]}", str), 0);
    T_EQ_INT(fmatch("{\"sev\":[{\"prefix\":\"hi\"}]}", str), 1);
    T_EQ_INT(fmatch("{\"sev\":[{\"suffix\":\"gh\"}]}", str), 1);
    T_EQ_INT(fmatch("{\"sev\":[{\"equals-ignore-case\":\"HIGH\"}]}", str), 1);
    T_EQ_INT(fmatch("{\"sev\":[{\"anything-but\":[\"low\",\"mid\"]}]}", str), 1);
    T_EQ_INT(fmatch("{\"sev\":[{\"anything-but\":\"high\"}]}", str), 0);
    T_EQ_INT(fmatch("{\"sev\":[{\"anything-but\":{\"prefix\":\"h\"}}]}", str), 0);
    T_EQ_INT(fmatch("{\"sev\":[{\"exists\":true}]}", str), 1);
    T_EQ_INT(fmatch("{\"other\":[{\"exists\":false}]}", str), 1);
    T_EQ_INT(fmatch("{\"other\":[{\"exists\":true}]}", str), 0);
    T_EQ_INT(fmatch("{\"other\":[\"x\"]}", str), 0);
    T_EQ_INT(fmatch("{\"price\":[{\"numeric\":[\">\",0,\"<=\",100]}]}", num), 1);
    T_EQ_INT(fmatch("{\"price\":[{\"numeric\":[\">=\",100]}]}", num), 0);
    T_EQ_INT(fmatch("{\"price\":[99.5]}", num), 1);
    T_EQ_INT(fmatch("{\"tags\":[\"b\"]}", arr), 1);
    T_EQ_INT(fmatch("{\"tags\":[3]}", arr), 1);
    T_EQ_INT(fmatch("{\"tags\":[\"c\"]}", arr), 0);
    /* every key must match */
    T_EQ_INT(fmatch("{\"sev\":[\"high\"],\"price\":[1]}", str), 0);
    /* MessageBody scope, nested */
    T_EQ_INT(sns_filter_match("{\"order\":{\"kind\":[\"big\"]}}", 1, NULL,
                              "{\"order\":{\"kind\":\"big\"}}"), 1);
    T_EQ_INT(sns_filter_match("{\"order\":{\"kind\":[\"big\"]}}", 1, NULL,
                              "{\"order\":{\"kind\":\"small\"}}"), 0);
    T_EQ_INT(sns_filter_match("{\"kind\":[\"big\"]}", 1, NULL, "not json"), 0);

    char err[256];
    T_EQ_INT(sns_filter_check("{\"a\":[\"x\"]}", err, sizeof err), 0);
    T_EQ_INT(sns_filter_check("{invalid", err, sizeof err), -1);
    T_EQ_STR(err, "failed to parse JSON.");
    T_EQ_INT(sns_filter_check("{\"a\":[{\"wildcard\":\"x*\"}]}", err, sizeof err), -1);
    T_EQ_STR(err, "Unrecognized match type wildcard");
    T_EQ_INT(sns_filter_check("{\"a\":[{\"numeric\":[\"~\",1]}]}", err, sizeof err), -1);
    T_EQ_STR(err, "Unrecognized numeric range operator: ~");
    T_EQ_INT(sns_filter_check("{\"a\":[1],\"b\":[1],\"c\":[1],\"d\":[1],\"e\":[1],\"f\":[1]}",
                              err, sizeof err), -1);
    T_EQ_INT(sns_filter_check("{\"a\":[{\"exists\":\"yes\"}]}", err, sizeof err), -1);
}

/* A sim with an in-memory store and one manual-clock team. */
static struct sim *publish_env(struct team **team)
{
    static struct sim sim;
    memset(&sim, 0, sizeof sim);
    char *cause = NULL;
    T_ASSERT(store_open(":memory:", &sim.store, &cause) == 0);
    sim.opt.seed = 7;
    sim.opt.clock_mode = SIMCLOCK_MANUAL;
    sim.opt.clock_start_ms = T0;
    team_timing_preset("fast", &sim.opt.timing);
    snprintf(sim.self_url, sizeof sim.self_url, "http://127.0.0.1:9");
    *team = team_get(&sim, "123456789012");
    T_ASSERT(*team != NULL);
    return &sim;
}

static int count_rows(struct sim *sim, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sim->store, sql);
    T_ASSERT(sqlite3_step(st) == SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

TEST(services_sns_publish_contract)
{
    struct team *team;
    struct sim *sim = publish_env(&team);
    struct sns_scope sc = {sim->store, "123456789012", "eu-west-1"};
    const char *arn = "arn:aws:sns:eu-west-1:123456789012:alarms";
    struct sns_topic t = {.name = "alarms", .arn = (char *)arn, .attrs = "{}",
                          .created_ms = T0};
    T_EQ_INT(store_sns_topic_put(&sc, &t), 0);
    struct sns_sub http = {.arn = "arn:aws:sns:eu-west-1:123456789012:alarms:"
                                  "00000000-0000-4000-8000-000000000001",
                           .topic = "alarms", .protocol = "http",
                           .endpoint = "http://127.0.0.1:9/hook", .owner = "123456789012",
                           .status = "confirmed", .attrs = "{}", .created_ms = T0};
    struct sns_sub mail = {.arn = "arn:aws:sns:eu-west-1:123456789012:alarms:"
                                  "00000000-0000-4000-8000-000000000002",
                           .topic = "alarms", .protocol = "email",
                           .endpoint = "ops@example.com", .owner = "123456789012",
                           .status = "confirmed", .attrs = "{}", .created_ms = T0};
    struct sns_sub waiting = {.arn = "arn:aws:sns:eu-west-1:123456789012:alarms:"
                                     "00000000-0000-4000-8000-000000000003",
                              .topic = "alarms", .protocol = "http",
                              .endpoint = "http://127.0.0.1:9/other", .owner = "123456789012",
                              .status = "pending", .token = "tok", .attrs = "{}",
                              .created_ms = T0};
    T_EQ_INT(store_sns_sub_put(&sc, &http), 0);
    T_EQ_INT(store_sns_sub_put(&sc, &mail), 0);
    T_EQ_INT(store_sns_sub_put(&sc, &waiting), 0);

    char id[37];
    cJSON *attrs = cJSON_Parse("{\"sev\":{\"DataType\":\"String\",\"StringValue\":\"high\"}}");
    T_EQ_INT(sns_publish(sim, team, arn, "ALARM: \"db\"", "{\"AlarmName\":\"db\"}", attrs, T0,
                         id), 0);
    T_EQ_INT(strlen(id), 36);
    /* the message is kept; one delivery per confirmed subscription: the HTTP one due now,
     * the email one recorded; none for the pending subscription */
    T_EQ_INT(count_rows(sim, "SELECT count(*) FROM sns_messages"), 1);
    T_EQ_INT(count_rows(sim, "SELECT count(*) FROM sns_deliveries"), 2);
    T_EQ_INT(count_rows(sim, "SELECT count(*) FROM sns_deliveries WHERE protocol = 'http' "
                             "AND state = 'pending' AND next_ms = 1767225600000"), 1);
    T_EQ_INT(count_rows(sim, "SELECT count(*) FROM sns_deliveries WHERE protocol = 'email' "
                             "AND state = 'recorded'"), 1);
    int64_t ids[4];
    T_EQ_INT(store_sns_delivery_due(sim->store, "123456789012", T0, ids, 4), 1);
    struct sns_delivery d = {0};
    T_EQ_INT(store_sns_delivery_get(sim->store, ids[0], &d), 0);
    cJSON *body = cJSON_Parse(d.body);
    T_ASSERT(body != NULL);
    T_EQ_STR(cJSON_GetObjectItem(body, "Type")->valuestring, "Notification");
    T_EQ_STR(cJSON_GetObjectItem(body, "MessageId")->valuestring, id);
    T_EQ_STR(cJSON_GetObjectItem(body, "Subject")->valuestring, "ALARM: \"db\"");
    T_EQ_STR(cJSON_GetObjectItem(body, "Message")->valuestring, "{\"AlarmName\":\"db\"}");
    T_EQ_STR(cJSON_GetObjectItem(body, "Timestamp")->valuestring, "2026-01-01T00:00:00.000Z");
    T_EQ_STR(cJSON_GetObjectItem(body, "SigningCertURL")->valuestring,
             "http://127.0.0.1:9/_drill/sns/cert.pem");
    T_EQ_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(body,
             "MessageAttributes"), "sev"), "Value")->valuestring, "high");
    T_ASSERT(strlen(cJSON_GetObjectItem(body, "Signature")->valuestring) == 344); /* RSA-2048 */
    cJSON_Delete(body);
    store_sns_delivery_clear(&d);

    /* no such topic, or another account's: 1, and nothing is kept */
    T_EQ_INT(sns_publish(sim, team, "arn:aws:sns:eu-west-1:123456789012:nope", NULL, "m", NULL,
                         T0, id), 1);
    T_EQ_INT(sns_publish(sim, team, "arn:aws:sns:eu-west-1:999999999999:alarms", NULL, "m",
                         NULL, T0, id), 1);
    T_EQ_INT(sns_publish(sim, team, "not an arn", NULL, "m", NULL, T0, id), 1);
    T_EQ_INT(count_rows(sim, "SELECT count(*) FROM sns_messages"), 1);
    T_ASSERT(!store_in_transaction(sim->store));

    /* the signing key is kept in the store: a second load signs with the same certificate */
    char *cert1 = sns_cert_pem(sim);
    T_ASSERT(cert1 && strstr(cert1, "BEGIN CERTIFICATE"));
    sns_stop(); /* forgets the cached key */
    char *cert2 = sns_cert_pem(sim);
    T_EQ_STR(cert1, cert2);
    free(cert1);
    free(cert2);
    cJSON_Delete(attrs);
    sns_stop();
    store_close(sim->store);
}
