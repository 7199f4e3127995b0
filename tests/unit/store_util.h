/*
 * store_util.h - what the unit tests of the store and its users share: a fresh store.
 */
#ifndef DRILLSIM_TESTS_STORE_UTIL_H
#define DRILLSIM_TESTS_STORE_UTIL_H

#include "store/store.h"
#include "t.h"

/* A new, empty, migrated in-memory store (the test fails if it cannot be opened). */
static inline struct store *open_store(void)
{
    struct store *st = NULL;
    char *cause = NULL;
    T_EQ_INT(store_open(":memory:", &st, &cause), 0);
    return st;
}

#endif
