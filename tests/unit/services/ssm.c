/* Tests of the pure helpers of sim/services/ssm.c (ssm_int.h) and of its rows in
 * sim/store/ssm.c. */
#include <stdlib.h>

#include "services/ssm_int.h"
#include "store/ssm.h"
#include "store/store.h"
#include "t.h"

TEST(services_ssm_names)
{
    const char *ok[] = {"plain", "/a", "/a/b-c/d_e.f", "/Dev/DBServer/MySQL/db-string13",
                        "/x/myaws", "a.b"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        T_EQ_INT(ssm_name_check(ok[i], 1), SSM_NAME_OK);
        T_EQ_INT(ssm_name_check(ok[i], 0), SSM_NAME_OK);
    }
    const char *bad[] = {"", "a b", "a/b", "/a//b", "/a/", "/", "a:1", "{x}", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        T_EQ_INT(ssm_name_check(bad[i], 1), SSM_NAME_INVALID);
        T_EQ_INT(ssm_name_check(bad[i], 0), SSM_NAME_INVALID);
    }
    /* reserved prefixes apply to writes only */
    T_EQ_INT(ssm_name_check("awsfoo", 1), SSM_NAME_RESERVED);
    T_EQ_INT(ssm_name_check("SsM", 1), SSM_NAME_RESERVED);
    T_EQ_INT(ssm_name_check("/AWS", 1), SSM_NAME_RESERVED);
    T_EQ_INT(ssm_name_check("/aws/x", 1), SSM_NAME_RESERVED_PATH);
    T_EQ_INT(ssm_name_check("/ssm/x", 1), SSM_NAME_INVALID);
    T_EQ_INT(ssm_name_check("/aws/service/x", 0), SSM_NAME_OK);
    /* 15 levels are fine, 16 are not */
    char deep[128] = "";
    for (int i = 0; i < 15; i++)
        strcat(deep, "/l");
    T_EQ_INT(ssm_name_check(deep, 1), SSM_NAME_OK);
    strcat(deep, "/l");
    T_EQ_INT(ssm_name_check(deep, 1), SSM_NAME_TOO_DEEP);
    T_EQ_INT(ssm_name_check(deep, 0), SSM_NAME_OK);

    char *t = ssm_trim("  /a/b \t");
    T_EQ_STR(t, "/a/b");
    free(t);
    t = ssm_trim("   ");
    T_EQ_STR(t, "");
    free(t);
}

TEST(services_ssm_refs)
{
    struct ssm_ref r;
    T_EQ_INT(ssm_ref_parse(" /a/b ", "111111111111", "us-east-1", &r), 0);
    T_EQ_STR(r.name, "/a/b");
    T_ASSERT(r.selector == NULL);
    T_EQ_INT(r.kind, SSM_SEL_NONE);
    ssm_ref_clear(&r);

    T_EQ_INT(ssm_ref_parse("/a/b:12", "111111111111", "us-east-1", &r), 0);
    T_EQ_STR(r.name, "/a/b");
    T_EQ_STR(r.selector, "12");
    T_EQ_INT(r.kind, SSM_SEL_VERSION);
    T_EQ_INT(r.version, 12);
    ssm_ref_clear(&r);

    T_EQ_INT(ssm_ref_parse("x:prod", "111111111111", "us-east-1", &r), 0);
    T_EQ_STR(r.name, "x");
    T_EQ_INT(r.kind, SSM_SEL_LABEL);
    T_EQ_STR(r.selector, "prod");
    ssm_ref_clear(&r);

    T_EQ_INT(ssm_ref_parse("x:99999999999999999999999", "111111111111", "us-east-1", &r), 0);
    T_EQ_INT(r.kind, SSM_SEL_VERSION);
    T_EQ_INT(r.version, -1);
    ssm_ref_clear(&r);

    /* the ARN puts the leading '/' of a path name back */
    T_EQ_INT(ssm_ref_parse("arn:aws:ssm:eu-west-1:111111111111:parameter/a/b:3", "111111111111",
                           "eu-west-1", &r),
             0);
    T_EQ_STR(r.name, "/a/b");
    T_EQ_INT(r.version, 3);
    ssm_ref_clear(&r);
    T_EQ_INT(ssm_ref_parse("arn:aws:ssm:eu-west-1:111111111111:parameter/plain", "111111111111",
                           "eu-west-1", &r),
             0);
    T_EQ_STR(r.name, "plain");
    ssm_ref_clear(&r);

    const char *none[] = {"x:", "x:1:2", "arn:aws:ssm:eu-west-1:222222222222:parameter/a",
                          "arn:aws:ssm:us-east-1:111111111111:parameter/a"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        T_EQ_INT(ssm_ref_parse(none[i], "111111111111", "eu-west-1", &r), 1);
        T_ASSERT(r.name == NULL);
    }
}

TEST(services_ssm_labels)
{
    T_ASSERT(ssm_label_valid("prod"));
    T_ASSERT(ssm_label_valid("Release_1.2-rc"));
    T_ASSERT(!ssm_label_valid(""));
    T_ASSERT(!ssm_label_valid("1st"));
    T_ASSERT(!ssm_label_valid("awsy"));
    T_ASSERT(!ssm_label_valid("SSMy"));
    T_ASSERT(!ssm_label_valid("a b"));
    T_ASSERT(!ssm_label_valid("a/b"));
    char long_label[102];
    memset(long_label, 'a', 101);
    long_label[101] = '\0';
    T_ASSERT(!ssm_label_valid(long_label));
    long_label[100] = '\0';
    T_ASSERT(ssm_label_valid(long_label));
}

TEST(services_ssm_tokens_and_cipher)
{
    char *tok = ssm_token_make('P', "/a/b");
    char *key = NULL;
    T_EQ_INT(ssm_token_read(tok, 'P', &key), 0);
    T_EQ_STR(key, "/a/b");
    free(key);
    T_EQ_INT(ssm_token_read(tok, 'D', &key), -1); /* another operation's token */
    tok[strlen(tok) - 1] = '\0';
    T_EQ_INT(ssm_token_read(tok, 'P', &key), -1); /* truncated */
    free(tok);
    const char *garbage[] = {"", "x", "!!!!", "abc=", "a===", "ZHJpbGxzaW0="};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
        T_EQ_INT(ssm_token_read(garbage[i], 'P', &key), -1);
    char *t1 = ssm_token_make('D', "a");
    char *t2 = ssm_token_make('D', "b");
    T_ASSERT(strcmp(t1, t2) != 0);
    free(t1);
    free(t2);

    char *c1 = ssm_cipher("alias/aws/ssm", "hunter2");
    char *c2 = ssm_cipher("alias/aws/ssm", "hunter2");
    char *c3 = ssm_cipher("alias/other", "hunter2");
    T_EQ_STR(c1, c2);
    T_ASSERT(strcmp(c1, c3) != 0);
    T_ASSERT(strstr(c1, "hunter2") == NULL);
    free(c1);
    free(c2);
    free(c3);

    T_ASSERT(ssm_ami_valid("ami-12345678"));
    T_ASSERT(ssm_ami_valid("ami-0123456789abcdef0"));
    T_ASSERT(!ssm_ami_valid("ami-1234567"));
    T_ASSERT(!ssm_ami_valid("ami-0123456789ABCDEF0"));
    T_ASSERT(!ssm_ami_valid("ami-12345678 "));
    T_ASSERT(!ssm_ami_valid("img-12345678"));
}

static int collect(void *ctx, const struct ssm_param *p)
{
    char *names = ctx;
    strcat(names, p->name);
    strcat(names, ";");
    return 0;
}

static void put_version(struct ssm_scope *sc, const char *name, int64_t version,
                        const char *value)
{
    struct ssm_param p = {.name = (char *)name,
                          .version = version,
                          .type = "String",
                          .value = (char *)value,
                          .tier = "Standard",
                          .data_type = "text",
                          .modified_user = "arn:aws:iam::111111111111:root",
                          .modified_ms = 1704067200123};
    T_EQ_INT(store_ssm_insert(sc, &p), 0);
}

TEST(services_ssm_store)
{
    struct store *st;
    char *cause = NULL;
    T_EQ_INT(store_open(":memory:", &st, &cause), 0);
    struct ssm_scope a = {st, "111111111111", "us-east-1"};
    struct ssm_scope b = {st, "222222222222", "us-east-1"};
    put_version(&a, "/app/x", 1, "one");
    put_version(&a, "/app/x", 2, "two");
    put_version(&a, "/app/y", 1, "y");
    put_version(&a, "/other", 1, "o");
    put_version(&b, "/app/x", 1, "theirs");

    struct ssm_param p = {0};
    T_EQ_INT(store_ssm_get(&a, "/app/x", 0, &p), 0);
    T_EQ_STR(p.value, "two");
    T_EQ_INT(p.version, 2);
    T_EQ_INT(p.modified_ms, 1704067200123);
    T_ASSERT(p.description == NULL);
    store_ssm_param_clear(&p);
    T_EQ_INT(store_ssm_get(&a, "/app/x", 1, &p), 0);
    T_EQ_STR(p.value, "one");
    store_ssm_param_clear(&p);
    T_EQ_INT(store_ssm_get(&a, "/app/x", 3, &p), 1);
    T_EQ_INT(store_ssm_get(&b, "/app/x", 0, &p), 0);
    T_EQ_STR(p.value, "theirs");
    store_ssm_param_clear(&p);
    T_EQ_INT(store_ssm_get(&b, "/app/y", 0, &p), 1);

    int64_t latest, oldest, count;
    T_EQ_INT(store_ssm_head(&a, "/app/x", &latest, &oldest, &count), 0);
    T_EQ_INT(latest, 2);
    T_EQ_INT(oldest, 1);
    T_EQ_INT(count, 2);

    char names[256] = "";
    T_EQ_INT(store_ssm_each(&a, NULL, "/app/", collect, names), 0);
    T_EQ_STR(names, "/app/x;/app/y;");
    names[0] = '\0';
    T_EQ_INT(store_ssm_each(&a, "/app/x", NULL, collect, names), 0);
    T_EQ_STR(names, "/app/y;/other;");

    T_EQ_INT(store_ssm_label_set(&a, "/app/x", "prod", 1), 0);
    T_EQ_INT(store_ssm_label_set(&a, "/app/x", "prod", 2), 0); /* moves */
    int64_t v = 0, n = 0;
    T_EQ_INT(store_ssm_label_find(&a, "/app/x", "prod", &v), 0);
    T_EQ_INT(v, 2);
    T_EQ_INT(store_ssm_label_count(&a, "/app/x", 1, &n), 0);
    T_EQ_INT(n, 0);
    T_EQ_INT(store_ssm_label_find(&b, "/app/x", "prod", &v), 1);

    const char *arn = "arn:aws:ssm:us-east-1:111111111111:parameter/app/x";
    T_EQ_INT(store_ssm_tag_put(&a, arn, "env", "prod"), 0);
    T_EQ_INT(store_ssm_tag_count(&a, arn, &n), 0);
    T_EQ_INT(n, 1);
    T_EQ_INT(store_ssm_tag_count(&b, arn, &n), 0);
    T_EQ_INT(n, 0);

    T_EQ_INT(store_ssm_delete(&a, "/app/x", arn), 0);
    T_EQ_INT(store_ssm_delete(&a, "/app/x", arn), 1);
    T_EQ_INT(store_ssm_get(&a, "/app/x", 1, &p), 1);
    T_EQ_INT(store_ssm_label_find(&a, "/app/x", "prod", &v), 1);
    T_EQ_INT(store_ssm_tag_count(&a, arn, &n), 0);
    T_EQ_INT(n, 0);
    T_EQ_INT(store_ssm_get(&b, "/app/x", 0, &p), 0); /* the other account keeps its own */
    store_ssm_param_clear(&p);
    store_close(st);
}
