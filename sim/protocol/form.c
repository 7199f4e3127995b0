/*
 * form.c - form decoding (see form.h).
 */
#include "protocol/form.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

void form_init(struct form *f)
{
    f->f = NULL;
    f->n = f->cap = 0;
}

void form_free(struct form *f)
{
    for (int i = 0; i < f->n; i++) {
        free(f->f[i].key);
        free(f->f[i].value);
    }
    free(f->f);
    form_init(f);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

/* Decodes s[0..n) into a new string; returns NULL on a bad escape or invalid UTF-8. */
static char *decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    if (memchr(out, '\0', o) != NULL || !utf8_valid((const unsigned char *)out, o)) {
        free(out);
        return NULL;
    }
    return out;
}

/* Appends a field; takes ownership of key and value. */
static void push(struct form *f, char *key, char *value)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->f = xrealloc(f->f, (size_t)f->cap * sizeof *f->f);
    }
    f->f[f->n].key = key;
    f->f[f->n].value = value;
    f->n++;
}

void form_add(struct form *f, const char *key, const char *value)
{
    push(f, xstrdup(key), xstrdup(value));
}

int form_parse(struct form *f, const char *s, size_t n, char **cause)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != '&')
            end++;
        if (end > i) {
            const char *eq = memchr(s + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
            char *key = decode(s + i, klen);
            char *value = eq ? decode(eq + 1, (size_t)(s + end - eq - 1)) : xstrdup("");
            if (key == NULL || value == NULL) {
                free(key);
                free(value);
                if (cause)
                    *cause = xstrdup("malformed percent-encoding or invalid UTF-8");
                return -1;
            }
            if (f->n == FORM_MAX_FIELDS) {
                free(key);
                free(value);
                if (cause)
                    *cause = xstrdup("too many parameters");
                return -1;
            }
            push(f, key, value);
        }
        i = end + 1;
    }
    return 0;
}

const char *form_get(const struct form *f, const char *key)
{
    for (int i = f->n - 1; i >= 0; i--) {
        if (strcmp(f->f[i].key, key) == 0)
            return f->f[i].value;
    }
    return NULL;
}
