/* Tests of sim/protocol/form.c. */
#include "protocol/form.h"
#include "t.h"

TEST(protocol_form_plus_and_percent)
{
    struct form f;
    form_init(&f);
    /* botocore encodes a space as '+', JS as %20; '+' itself arrives as %2B. */
    const char *body = "Action=PutParameter&Value=a+b%20c%2Bd&Empty=&Name=%2Fgolden%2Ffailure_mode"
                       "&Utf=%C3%A9t%C3%A9&Flag";
    T_EQ_INT(form_parse(&f, body, strlen(body), NULL), 0);
    T_EQ_STR(form_get(&f, "Action"), "PutParameter");
    T_EQ_STR(form_get(&f, "Value"), "a b c+d");
    T_EQ_STR(form_get(&f, "Empty"), "");
    T_EQ_STR(form_get(&f, "Name"), "/golden/failure_mode");
    T_EQ_STR(form_get(&f, "Utf"), "\xc3\xa9t\xc3\xa9");
    T_EQ_STR(form_get(&f, "Flag"), "");
    T_ASSERT(form_get(&f, "Missing") == NULL);
    form_free(&f);
}

TEST(protocol_form_malformed)
{
    const char *bad[] = {"a=%", "a=%4", "a=%zz", "a=%C3", "a=%00", "%ZZ=1", "a=%ED%A0%80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct form f;
        form_init(&f);
        char *cause = NULL;
        T_EQ_INT(form_parse(&f, bad[i], strlen(bad[i]), &cause), -1);
        T_ASSERT(cause != NULL);
        free(cause);
        form_free(&f);
    }
}
