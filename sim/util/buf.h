/*
 * buf.h - a growable byte buffer with a hard maximum.
 *
 * Every append checks the maximum set at init; past it the append fails with -1 and sets
 * b->overflow, so a caller can turn "too big" into an AWS-shaped error instead of growing
 * without bound. The contents are always NUL-terminated (not counted in len).
 */
#ifndef DRILLSIM_BUF_H
#define DRILLSIM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *p;
    size_t len;
    size_t cap;
    size_t max;
    int overflow;
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* Each returns 0, or -1 (and sets overflow) if the result would exceed max. */
int buf_append(struct buf *b, const void *data, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Ensures room for n more bytes; returns a pointer to the free space or NULL past max. */
char *buf_reserve(struct buf *b, size_t n);
/* Hands the contents to the caller (who frees them) and leaves b empty. */
char *buf_steal(struct buf *b, size_t *len);

#endif
