/*
 * Tests of sim/store/journal.c's retention: store_journal_trim keeps a team's first and
 * newest entries, deletes the oldest of those between in chunks, never touches another
 * team's, and store_journal_count follows; store_journal_tail reads a team's newest.
 */
#include <stdio.h>
#include <string.h>

#include "store/journal.h"
#include "store/store.h"
#include "store_util.h"
#include "t.h"

#define A1 "111111111111"
#define A2 "222222222222"


/* Puts n entries for account, their sim_ms numbered from first. */
static void put(struct store *st, const char *account, int first, int n)
{
    for (int i = 0; i < n; i++) {
        struct journal_entry e = {.account = account, .region = "us-east-1",
                                  .sim_ms = first + i, .service = "ssm",
                                  .operation = "GetParameter", .params = "{}", .status = 200,
                                  .attempt = 1};
        T_EQ_INT(store_journal_insert(st, &e, 1), 0);
    }
}

struct seen {
    char text[1024];
};

static int collect(void *ctx, const struct journal_entry *e)
{
    struct seen *s = ctx;
    size_t len = strlen(s->text);
    snprintf(s->text + len, sizeof s->text - len, "%s%lld", len ? " " : "",
             (long long)e->sim_ms);
    return 0;
}

static void entries_are(struct store *st, const char *account, const char *want, int line)
{
    struct seen s = {""};
    store_journal_each(st, account, 0, 0, 1000, collect, &s);
    if (strcmp(s.text, want) != 0)
        t_fail(__FILE__, line, "journal of %s:\n    got:  %s\n    want: %s", account, s.text,
               want);
}
#define ENTRIES_ARE(st, account, want) entries_are(st, account, want, __LINE__)

TEST(store_journal_trim)
{
    struct store *st = open_store();
    put(st, A1, 1, 5);
    put(st, A2, 100, 3); /* interleaved with A1's */
    put(st, A1, 6, 15);
    T_EQ_INT(store_journal_count(st, A1), 20);
    int64_t deleted = -1;
    /* keep the first 3 and the newest 5: 12 between, deleted 4 at a time, oldest first */
    T_EQ_INT(store_journal_trim(st, A1, 3, 5, 4, &deleted), 0);
    T_EQ_INT(deleted, 4);
    ENTRIES_ARE(st, A1, "1 2 3 8 9 10 11 12 13 14 15 16 17 18 19 20");
    T_EQ_INT(store_journal_trim(st, A1, 3, 5, 100, &deleted), 0);
    T_EQ_INT(deleted, 8);
    ENTRIES_ARE(st, A1, "1 2 3 16 17 18 19 20");
    T_EQ_INT(store_journal_count(st, A1), 8);
    /* nothing left between: nothing deleted */
    T_EQ_INT(store_journal_trim(st, A1, 3, 5, 100, &deleted), 0);
    T_EQ_INT(deleted, 0);
    /* fewer entries than kept: nothing deleted; another team untouched throughout */
    T_EQ_INT(store_journal_trim(st, A2, 3, 5, 100, &deleted), 0);
    T_EQ_INT(deleted, 0);
    ENTRIES_ARE(st, A2, "100 101 102");
    T_EQ_INT(store_journal_count(st, "333333333333"), 0);
    store_close(st);
}

TEST(store_journal_tail)
{
    struct store *st = open_store();
    put(st, A1, 1, 10); /* seq 1..10 */
    put(st, A2, 100, 3);
    put(st, A1, 11, 2);
    /* the newest 4 of A1, oldest of them first */
    struct seen s = {""};
    T_EQ_INT(store_journal_tail(st, A1, 0, 4, collect, &s), 4);
    T_EQ_STR(s.text, "9 10 11 12");
    /* after a seq: only what follows it, however many are asked for */
    struct seen rest = {""};
    T_EQ_INT(store_journal_tail(st, A1, 7, 100, collect, &rest), 5);
    T_EQ_STR(rest.text, "8 9 10 11 12");
    store_close(st);
}
