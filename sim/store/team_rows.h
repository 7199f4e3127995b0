/*
 * team_rows.h - all of one team's rows at once: a per-team reset, and what a snapshot of a
 * team's world covers.
 */
#ifndef DRILLSIM_STORE_TEAM_ROWS_H
#define DRILLSIM_STORE_TEAM_ROWS_H

struct store;

#define STORE_TEAM_TABLES_MAX 128

/* Writes the names of the tables that carry an account column (at most max), by name.
 * Returns their number, or -1. */
int store_team_tables(struct store *st, char (*names)[64], int max);

/* Deletes every row of account in every table (its teams row too), inside the caller's
 * transaction. Returns 0 or -1. */
int store_team_delete(struct store *st, const char *account);

#endif
