/*
 * Tests of sim/store/secrets.c and sim/store/iam.c: the contracts other modules read
 * (secrets_find by name, full and partial ARN; iam_role_find by name and ARN, with the trust
 * check), tenant scoping, labels moving between versions, and the end of recovery windows.
 */
#include <stdlib.h>

#include "store/iam.h"
#include "store/secrets.h"
#include "store/store.h"
#include "store_util.h"
#include "t.h"

#define A1 "111111111111"
#define A2 "222222222222"
#define R1 "us-east-1"
#define R2 "eu-west-1"
#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define ARN1 "arn:aws:secretsmanager:us-east-1:111111111111:secret:db/creds-AbC123"


/* Creates secret db/creds in (A1, R1) with one AWSCURRENT version holding value. */
static void mksecret(struct store *st, const char *value)
{
    struct sm_scope sc = {st, A1, R1};
    struct sm_secret s = {.name = "db/creds", .arn = ARN1, .created_ms = T0, .changed_ms = T0};
    T_EQ_INT(sm_secret_insert(&sc, &s), 0);
    struct sm_version v = {.id = "v1", .string = (char *)value, .created_ms = T0};
    T_EQ_INT(sm_version_insert(&sc, "db/creds", &v), 0);
    T_EQ_INT(sm_stage_set(&sc, "db/creds", "AWSCURRENT", "v1"), 0);
}

TEST(store_secrets_find)
{
    struct store *st = open_store();
    mksecret(st, "{\"username\":\"u\",\"password\":\"p\"}");
    struct secret_info si;
    const char *ids[] = {"db/creds", ARN1,
                         "arn:aws:secretsmanager:us-east-1:111111111111:secret:db/creds"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        T_EQ_INT(secrets_find(st, A1, R1, ids[i], &si), 0);
        T_EQ_STR(si.arn, ARN1);
        T_EQ_STR(si.name, "db/creds");
        T_EQ_INT(si.deleted, 0);
        T_EQ_INT(si.has_value, 1);
        T_EQ_INT(si.has_user_pass, 1);
    }
    /* other tenants, other regions, wrong suffixes and placeholders find nothing */
    T_EQ_INT(secrets_find(st, A2, R1, "db/creds", &si), 1);
    T_EQ_INT(secrets_find(st, A1, R2, "db/creds", &si), 1);
    T_EQ_INT(secrets_find(st, A1, R1, ARN1 "x", &si), 1);
    T_EQ_INT(secrets_find(st, A1, R1,
                          "arn:aws:secretsmanager:us-east-1:222222222222:secret:db/creds", &si),
             1);
    T_EQ_INT(secrets_find(st, A1, R1, "arn:aws:secretsmanager:us-east-1:111111111111:secret:",
                          &si), 1);
    T_EQ_INT(secrets_find(st, A1, R1, "arn:", &si), 1);
    /* a value that is not a username/password object */
    struct sm_scope sc = {st, A1, R1};
    struct sm_version v = {.id = "v2", .string = "plain", .created_ms = T0 + 1};
    T_EQ_INT(sm_version_insert(&sc, "db/creds", &v), 0);
    T_EQ_INT(sm_stage_set(&sc, "db/creds", "AWSCURRENT", "v2"), 0);
    T_EQ_INT(secrets_find(st, A1, R1, "db/creds", &si), 0);
    T_EQ_INT(si.has_value, 1);
    T_EQ_INT(si.has_user_pass, 0);
    /* a label lives on one version only */
    char cur[65];
    T_EQ_INT(sm_stage_version(&sc, "db/creds", "AWSCURRENT", cur), 0);
    T_EQ_STR(cur, "v2");
    cJSON *labels = cJSON_CreateArray();
    T_EQ_INT(sm_version_stages(&sc, "db/creds", "v1", labels), 0);
    T_EQ_INT(cJSON_GetArraySize(labels), 0);
    cJSON_Delete(labels);
    store_close(st);
}

TEST(store_secrets_purge)
{
    struct store *st = open_store();
    mksecret(st, "x");
    struct sm_scope sc = {st, A1, R1};
    struct sm_secret s = {0};
    T_EQ_INT(sm_secret_get(&sc, "db/creds", &s), 0);
    s.deleted_ms = T0;
    s.purge_ms = T0 + 7 * 86400000LL;
    T_EQ_INT(sm_secret_update(&sc, &s), 0);
    T_EQ_INT(sm_tag_set(&sc, s.arn, "k", "v"), 0);
    struct secret_info si;
    T_EQ_INT(secrets_find(st, A1, R1, "db/creds", &si), 0);
    T_EQ_INT(si.deleted, 1);
    /* not yet; another account's tick does not touch it */
    T_EQ_INT(secrets_purge_due(st, A1, s.purge_ms - 1), 0);
    T_EQ_INT(secrets_purge_due(st, A2, s.purge_ms + 1), 0);
    T_EQ_INT(secrets_find(st, A1, R1, "db/creds", &si), 0);
    T_EQ_INT(secrets_purge_due(st, A1, s.purge_ms), 0);
    T_EQ_INT(secrets_find(st, A1, R1, "db/creds", &si), 1);
    int64_t n = -1;
    T_EQ_INT(sm_tag_count(&sc, ARN1, &n), 0);
    T_EQ_INT(n, 0);
    T_EQ_INT(sm_version_count(&sc, "db/creds", &n), 0);
    T_EQ_INT(n, 0);
    sm_secret_clear(&s);
    store_close(st);
}

TEST(store_iam_role_find)
{
    struct store *st = open_store();
    struct iam_role r = {
        .name = "ProxyRole",
        .path = "/svc/",
        .role_id = "AROAABCDEFGHIJKLMNOPQ",
        .arn = "arn:aws:iam::111111111111:role/svc/ProxyRole",
        .trust = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                 "\"Principal\":{\"Service\":[\"ecs.amazonaws.com\",\"rds.amazonaws.com\"]},"
                 "\"Action\":\"sts:AssumeRole\"}}",
        .created_ms = T0,
        .max_session = 3600,
    };
    T_EQ_INT(iam_role_insert(st, A1, &r), 0);
    struct iam_role other = r;
    other.name = "EcsRole";
    other.arn = "arn:aws:iam::111111111111:role/EcsRole";
    other.trust = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                  "\"ecs.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    T_EQ_INT(iam_role_insert(st, A1, &other), 0);

    struct iam_role_info ri;
    T_EQ_INT(iam_role_find(st, A1, "proxyrole", &ri), 0);
    T_EQ_STR(ri.name, "ProxyRole");
    T_EQ_STR(ri.arn, "arn:aws:iam::111111111111:role/svc/ProxyRole");
    T_EQ_STR(ri.role_id, "AROAABCDEFGHIJKLMNOPQ");
    T_EQ_INT(ri.trusts_rds, 1);
    T_EQ_INT(iam_role_find(st, A1, "arn:aws:iam::111111111111:role/svc/ProxyRole", &ri), 0);
    /* the ARN must be the role's own: path and account count */
    T_EQ_INT(iam_role_find(st, A1, "arn:aws:iam::111111111111:role/ProxyRole", &ri), 1);
    T_EQ_INT(iam_role_find(st, A1, "arn:aws:iam::222222222222:role/svc/ProxyRole", &ri), 1);
    T_EQ_INT(iam_role_find(st, A2, "ProxyRole", &ri), 1);
    T_EQ_INT(iam_role_find(st, A1, "arn:aws:iam::111111111111:role/", &ri), 1);
    T_EQ_INT(iam_role_find(st, A1, "EcsRole", &ri), 0);
    T_EQ_INT(ri.trusts_rds, 0);
    store_close(st);
}
