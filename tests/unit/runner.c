/*
 * runner.c - runs the unit tests listed in test-list.h.
 *
 *   unit_tests            run every test, each in a forked child with a timeout
 *   unit_tests NAME...    run the named tests (ctest runs one per entry this way)
 *   unit_tests --list     print the names
 *
 * Prints "ok NAME" or "FAIL NAME" per test and ends with "N passed, N failed".
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

#define TEST_TIMEOUT_S 60

#define X(name) void test_##name(void);
#include "test-list.h"
#undef X

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
#define X(name) {#name, test_##name},
#include "test-list.h"
#undef X
    {NULL, NULL},
};

void t_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    fflush(stderr);
    exit(1);
}

unsigned char *t_unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    unsigned char *out = malloc(n / 2 + 1);
    size_t o = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        char c = hex[i];
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            out[o++] = (unsigned char)(hi * 16 + v);
            hi = -1;
        }
    }
    *len = o;
    return out;
}

char *t_hex(const void *p, size_t n)
{
    const unsigned char *b = p;
    char *out = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++)
        sprintf(out + i * 2, "%02x", b[i]);
    out[n * 2] = '\0';
    return out;
}

static int run_one(int i)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(TEST_TIMEOUT_S);
        tests[i].fn();
        exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok)
        printf("ok %s\n", tests[i].name);
    else if (WIFSIGNALED(status))
        printf("FAIL %s (signal %d%s)\n", tests[i].name, WTERMSIG(status),
               WTERMSIG(status) == SIGALRM ? ": timeout" : "");
    else
        printf("FAIL %s\n", tests[i].name);
    return ok;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (int i = 0; tests[i].name; i++)
            printf("%s\n", tests[i].name);
        return 0;
    }
    for (int i = 0; tests[i].name; i++) {
        int wanted = argc == 1;
        for (int a = 1; a < argc && !wanted; a++)
            wanted = strcmp(argv[a], tests[i].name) == 0;
        if (!wanted)
            continue;
        if (run_one(i))
            passed++;
        else
            failed++;
    }
    if (passed + failed == 0) {
        fprintf(stderr, "no such test\n");
        return 2;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
