/*
 * str.h - small string helpers shared by the server and the client.
 */
#ifndef DRILLSIM_STR_H
#define DRILLSIM_STR_H

#include <stddef.h>

/* Copies src into dst of size n (n > 0), truncating; dst is always terminated. (A function of
 * its own file: inlined, gcc -O3 propagates the sizes of string literals into the loop and
 * warns about reads it never makes.) */
void str_copy(char *dst, size_t n, const char *src);

#endif
