/*
 * sigv4.c - Authorization header parsing (see sigv4.h).
 */
#include "http/sigv4.h"

#include <string.h>

#include "sim.h"

static int copy_part(char *dst, size_t cap, const char *src, size_t n)
{
    if (n == 0 || n >= cap)
        return -1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

int sigv4_parse(const char *header, struct sigv4_cred *out)
{
    static const char scheme[] = "AWS4-HMAC-SHA256";
    if (header == NULL || strncmp(header, scheme, sizeof scheme - 1) != 0)
        return -1;
    const char *p = header + sizeof scheme - 1;
    if (*p != ' ')
        return -1;
    /* Find "Credential=" as a component: at the start or after a separator. */
    const char *cred = NULL;
    for (const char *q = p; (q = strstr(q, "Credential=")) != NULL; q++) {
        char before = q[-1];
        if (before == ' ' || before == ',') {
            cred = q + strlen("Credential=");
            break;
        }
    }
    if (cred == NULL)
        return -1;
    size_t len = strcspn(cred, ", ");
    const char *end = cred + len;
    /* AKID/date/region/service/aws4_request */
    const char *parts[5];
    size_t lens[5];
    const char *s = cred;
    for (int i = 0; i < 5; i++) {
        const char *slash = i < 4 ? memchr(s, '/', (size_t)(end - s)) : end;
        if (slash == NULL)
            return -1;
        parts[i] = s;
        lens[i] = (size_t)(slash - s);
        s = slash + 1;
    }
    if (lens[4] != strlen("aws4_request") || memcmp(parts[4], "aws4_request", lens[4]) != 0)
        return -1;
    struct sigv4_cred c;
    if (copy_part(c.access_key, sizeof c.access_key, parts[0], lens[0]) ||
        copy_part(c.date, sizeof c.date, parts[1], lens[1]) ||
        copy_part(c.region, sizeof c.region, parts[2], lens[2]) ||
        copy_part(c.service, sizeof c.service, parts[3], lens[3]))
        return -1;
    *out = c;
    return 0;
}

void sigv4_account(const char *access_key, char out[13])
{
    size_t n = strlen(access_key);
    int digits = n == 12;
    for (size_t i = 0; digits && i < n; i++)
        digits = access_key[i] >= '0' && access_key[i] <= '9';
    memcpy(out, digits ? access_key : DEFAULT_ACCOUNT, 12);
    out[12] = '\0';
}
