/*
 * ssm_names.c - the pure vocabulary of Parameter Store (see ssm_int.h): parameter names and
 * their rules, name:version / name:label references, label rules, pagination tokens, the
 * stand-in SecureString ciphertext and the AMI ID format. Nothing here touches the store or a
 * call, so tests/unit/services/ssm.c tests it directly. To add a rule: a function here, its
 * declaration in ssm_int.h, and a unit test.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "services/ssm_int.h"
#include "util/xmalloc.h"

size_t ssm_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

int ssm_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Returns 1 for the characters a parameter name may contain: a-zA-Z0-9_.- and '/'. */
static int is_name_char(unsigned char ch)
{
    return isalnum(ch) || ch == '_' || ch == '.' || ch == '-' || ch == '/';
}

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Returns the padded base64 text of n bytes (caller frees). */
static char *b64_encode(const unsigned char *p, size_t n)
{
    char *out = xmalloc((n + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/* Decodes strict padded base64 into a new NUL-terminated buffer. Returns 0 or -1. */
static int b64_decode(const char *s, char **out, size_t *len)
{
    size_t n = strlen(s);
    if (n == 0 || n % 4 != 0)
        return -1;
    char *buf = xmalloc(n / 4 * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        unsigned v = 0;
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            const char *pos = s[i + k] ? strchr(b64_alphabet, s[i + k]) : NULL;
            if (s[i + k] == '=' && i + 4 == n && k >= 2) {
                pad++;
                v <<= 6;
                continue;
            }
            if (pos == NULL || pad) {
                free(buf);
                return -1;
            }
            v = (v << 6) | (unsigned)(pos - b64_alphabet);
        }
        buf[o++] = (char)(v >> 16);
        if (pad < 2)
            buf[o++] = (char)(v >> 8);
        if (pad < 1)
            buf[o++] = (char)v;
    }
    buf[o] = '\0';
    *out = buf;
    *len = o;
    return 0;
}

char *ssm_trim(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

int ssm_name_check(const char *name, int for_write)
{
    if (name[0] == '\0')
        return SSM_NAME_INVALID;
    int slashes = 0;
    for (const char *p = name; *p; p++) {
        if (!is_name_char((unsigned char)*p))
            return SSM_NAME_INVALID;
        if (*p == '/') {
            slashes++;
            /* no empty sub-path: "//" or a trailing '/' */
            if (p[1] == '/' || p[1] == '\0')
                return SSM_NAME_INVALID;
        }
    }
    if (slashes > 0 && name[0] != '/')
        return SSM_NAME_INVALID;
    if (!for_write)
        return SSM_NAME_OK;
    const char *first = name[0] == '/' ? name + 1 : name;
    if (ssm_prefix_ci(first, "aws") || ssm_prefix_ci(first, "ssm")) {
        /* A plain name gets the prefix message; a path under /aws is a reserved namespace
         * (AWS answers AccessDeniedException); a path under /ssm gets the generic text. */
        if (slashes <= 1)
            return SSM_NAME_RESERVED;
        if (ssm_prefix_ci(first, "aws"))
            return SSM_NAME_RESERVED_PATH;
        return SSM_NAME_INVALID;
    }
    if (slashes > SSM_MAX_DEPTH)
        return SSM_NAME_TOO_DEEP;
    return SSM_NAME_OK;
}

void ssm_ref_clear(struct ssm_ref *r)
{
    free(r->name);
    free(r->selector);
    memset(r, 0, sizeof *r);
}

int ssm_ref_parse(const char *raw, const char *account, const char *region, struct ssm_ref *out)
{
    memset(out, 0, sizeof *out);
    char *text = ssm_trim(raw);
    const char *rest = text;
    char *arn_name = NULL;
    if (strncmp(text, "arn:", 4) == 0) {
        /* arn:aws:ssm:REGION:ACCOUNT:parameter/NAME: only this tenant's own parameters. */
        char prefix[128];
        snprintf(prefix, sizeof prefix, "arn:aws:ssm:%s:%s:parameter/", region, account);
        if (strncmp(text, prefix, strlen(prefix)) != 0) {
            free(text);
            return 1;
        }
        rest = text + strlen(prefix);
        /* The ARN drops the leading '/' of a path name: put it back. */
        const char *colon = strchr(rest, ':');
        size_t name_len = colon ? (size_t)(colon - rest) : strlen(rest);
        if (memchr(rest, '/', name_len))
            arn_name = xasprintf("/%s", rest);
        else
            arn_name = xstrdup(rest);
        rest = arn_name;
    }
    const char *colon = strchr(rest, ':');
    if (colon == NULL) {
        out->name = xstrdup(rest);
        free(arn_name);
        free(text);
        return 0;
    }
    const char *sel = colon + 1;
    if (*sel == '\0' || strchr(sel, ':') || strlen(sel) > 128) {
        free(arn_name);
        free(text);
        return 1;
    }
    out->name = xstrndup(rest, (size_t)(colon - rest));
    out->selector = xstrdup(sel);
    size_t digits = strspn(sel, "0123456789");
    if (sel[digits] == '\0') {
        out->kind = SSM_SEL_VERSION;
        /* a version beyond 18 digits cannot exist; -1 makes it "not found" */
        out->version = digits <= 18 ? strtoll(sel, NULL, 10) : -1;
    } else {
        out->kind = SSM_SEL_LABEL;
    }
    free(arn_name);
    free(text);
    return 0;
}

int ssm_label_valid(const char *label)
{
    size_t n = strlen(label);
    if (n == 0 || n > 100)
        return 0;
    for (const char *p = label; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (!isalnum(ch) && ch != '.' && ch != '-' && ch != '_')
            return 0;
    }
    if (isdigit((unsigned char)label[0]))
        return 0;
    return !ssm_prefix_ci(label, "aws") && !ssm_prefix_ci(label, "ssm");
}

#define TOKEN_MAGIC "drillsim-ssm-1/"

char *ssm_token_make(char kind, const char *key)
{
    char *plain = xasprintf(TOKEN_MAGIC "%c/%s", kind, key);
    char *tok = b64_encode((const unsigned char *)plain, strlen(plain));
    free(plain);
    return tok;
}

int ssm_token_read(const char *token, char kind, char **key)
{
    char *plain;
    size_t len;
    if (b64_decode(token, &plain, &len) != 0)
        return -1;
    size_t m = strlen(TOKEN_MAGIC);
    int ok = len == strlen(plain) && len > m + 2 && memcmp(plain, TOKEN_MAGIC, m) == 0 &&
             plain[m] == kind && plain[m + 1] == '/';
    if (ok)
        *key = xstrdup(plain + m + 2);
    free(plain);
    return ok ? 0 : -1;
}

/* The stand-in for a KMS ciphertext: base64 of a marked, deterministic text. It is opaque to
 * a script that expects plaintext, and a drill author can still read it back. */
char *ssm_cipher(const char *key_id, const char *value)
{
    char *plain = xasprintf("drillsim-kms:%s:%s", key_id ? key_id : SSM_DEFAULT_KEY, value);
    char *out = b64_encode((const unsigned char *)plain, strlen(plain));
    free(plain);
    return out;
}

/* The AMI ID format (EC2 resource IDs): "ami-" and 8 or 17 lower-case hex digits. */
int ssm_ami_valid(const char *value)
{
    if (strncmp(value, "ami-", 4) != 0)
        return 0;
    const char *hex = value + 4;
    size_t n = strspn(hex, "0123456789abcdef");
    return hex[n] == '\0' && (n == 8 || n == 17);
}
