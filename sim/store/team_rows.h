/*
 * team_rows.h - all of one team's rows at once: a per-team reset, and what a snapshot of a
 * team's world covers.
 */
#ifndef DRILLSIM_STORE_TEAM_ROWS_H
#define DRILLSIM_STORE_TEAM_ROWS_H

struct store;

#define STORE_TEAM_TABLES_MAX 128

/* A table without an account column whose rows belong to a team through a parent row that
 * has one: `where` selects the team's rows, with ?1 bound to the account. */
struct store_team_child {
    const char *table;
    const char *where;
};

/* The child tables, ended by a row whose table is NULL. */
extern const struct store_team_child store_team_children[];

/* Writes the names of the tables that carry an account column (at most max), by name; the
 * shadow tables of snapshots (snap_*, store/snapshot.h) are not among them. Returns their
 * number, or -1. */
int store_team_tables(struct store *st, char (*names)[64], int max);

/* Writes the accounts of every team the store knows (a row in `teams`), at most max, by
 * account. Returns their number, or -1. */
int store_team_accounts(struct store *st, char (*accounts)[13], int max);

/* Deletes every row of account in every table (its teams row too), inside the caller's
 * transaction. Returns 0 or -1. */
int store_team_delete(struct store *st, const char *account);

#endif
