/*
 * str.c - small string helpers (see str.h).
 */
#include "util/str.h"

void str_copy(char *dst, size_t n, const char *src)
{
    if (n == 0)
        return;
    size_t len = 0;
    while (len + 1 < n && src[len] != '\0') {
        dst[len] = src[len];
        len++;
    }
    dst[len] = '\0';
}
