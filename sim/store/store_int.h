/* store_int.h - private to sim/store/: the migrations, and the small row helpers every
 * store module shares. */
#ifndef DRILLSIM_STORE_INT_H
#define DRILLSIM_STORE_INT_H

#include <sqlite3.h>

#include "util/xmalloc.h"

extern const char *const store__migrations[];

/* Returns a copy of text column i of st (the caller frees it), or NULL for SQL NULL. */
static inline char *store_col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? xstrdup((const char *)s) : NULL;
}

/* Binds s to parameter i of st, or SQL NULL when s is NULL. */
static inline void store_bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Steps a statement that returns no rows, and resets it. Returns 0 or -1. */
static inline int store_exec_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

#endif
