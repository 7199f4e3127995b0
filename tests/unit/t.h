/*
 * t.h - the unit-test vocabulary. A test is `void test_<name>(void)` listed in test-list.h;
 * a failed check prints file:line and what differed, and ends the test (the runner forks
 * each test, so a crash or a timeout fails only that test).
 */
#ifndef DRILLSIM_T_H
#define DRILLSIM_T_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void t_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define T_ASSERT(cond)                                                                         \
    do {                                                                                       \
        if (!(cond))                                                                           \
            t_fail(__FILE__, __LINE__, "assertion failed: %s", #cond);                         \
    } while (0)

#define T_EQ_INT(a, b)                                                                         \
    do {                                                                                       \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                                \
        if (t_a_ != t_b_)                                                                      \
            t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, t_a_, t_b_);          \
    } while (0)

#define T_EQ_DBL(a, b)                                                                         \
    do {                                                                                       \
        double t_a_ = (a), t_b_ = (b);                                                         \
        if (!(t_a_ == t_b_ || (isnan(t_a_) && isnan(t_b_))))                                   \
            t_fail(__FILE__, __LINE__, "%s == %s: %.17g != %.17g", #a, #b, t_a_, t_b_);        \
    } while (0)

#define T_EQ_STR(a, b)                                                                         \
    do {                                                                                       \
        const char *t_a_ = (a), *t_b_ = (b);                                                   \
        if (t_a_ == NULL || t_b_ == NULL || strcmp(t_a_, t_b_) != 0)                           \
            t_fail(__FILE__, __LINE__, "%s == %s:\n    got:  %s\n    want: %s", #a, #b,        \
                   t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");                            \
    } while (0)

#define T_EQ_MEM(a, b, n)                                                                      \
    do {                                                                                       \
        if (memcmp((a), (b), (n)) != 0)                                                        \
            t_fail(__FILE__, __LINE__, "%s == %s: %zu bytes differ", #a, #b, (size_t)(n));     \
    } while (0)

/* Hex helpers for codec tests: decodes "a2 65 ..." (spaces allowed) into a new buffer. */
unsigned char *t_unhex(const char *hex, size_t *len);
/* Returns a new lower-case hex string of n bytes. */
char *t_hex(const void *p, size_t n);

#define TEST(name) void test_##name(void)

#endif
