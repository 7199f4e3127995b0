/*
 * fuzz_sigv4.c - libFuzzer driver for the SigV4 Authorization header parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    struct sigv4_cred c;
    if (sigv4_parse(s, &c) == 0) {
        char acct[13];
        sigv4_account(c.access_key, acct);
    }
    free(s);
    return 0;
}
