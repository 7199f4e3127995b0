/*
 * form.h - application/x-www-form-urlencoded parsing (awsQuery request bodies and URL
 * query strings).
 *
 * "+" and "%20" both decode to a space (botocore sends the first, JS the second); "%XX"
 * sequences decode to bytes and the result must be valid UTF-8. Field order is kept as sent
 * but nothing may depend on it. A key may appear more than once; form_get returns the last.
 */
#ifndef DRILLSIM_FORM_H
#define DRILLSIM_FORM_H

#include <stddef.h>

struct form_field {
    char *key;
    char *value;
};

struct form {
    struct form_field *f;
    int n;
    int cap;
};

#define FORM_MAX_FIELDS 100000

void form_init(struct form *f);
void form_free(struct form *f);
/*
 * Parses s[0..n) and appends its fields to f. Returns 0, or -1 on a malformed escape,
 * invalid UTF-8 or more than FORM_MAX_FIELDS fields (*cause, if given, says which;
 * caller frees).
 */
int form_parse(struct form *f, const char *s, size_t n, char **cause);
/* Appends a copy of (key, value). */
void form_add(struct form *f, const char *key, const char *value);
/* Returns the value of the last field named key, or NULL. */
const char *form_get(const struct form *f, const char *key);

#endif
