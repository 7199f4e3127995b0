/*
 * snapshot.h - named copies of all of one team's rows, kept in the same store, and putting
 * them back (the control API's snapshots, sim/control/snapshot.c).
 *
 * What a snapshot covers is what store_team_delete deletes (store/team_rows.h): every table
 * with an account column, found in the schema, and the child tables listed there. Each such
 * table T has a shadow table snap_T, created on first use from T's own column list (and
 * given the columns a later migration adds to T), with two more columns: snap_team and
 * snap_name. A snapshot of the same name replaces the team's previous one. The catalogue is
 * the `snapshots` table. A team's reset keeps its snapshots; a store reset empties them.
 *
 * Restoring deletes the team's rows and copies the snapshot's back, inside the caller's
 * transaction. Row ids are kept; when another team has since been given one of them (SQLite
 * reuses the highest ids once deleted), that table's restored ids are shifted past every id
 * in use, and the rows that refer to them (the `refs` table in snapshot.c) follow.
 */
#ifndef DRILLSIM_STORE_SNAPSHOT_H
#define DRILLSIM_STORE_SNAPSHOT_H

#include <stdint.h>

struct store;

#define STORE_SNAP_NAME_MAX 64

struct store_snap_info {
    char team[13];
    char name[STORE_SNAP_NAME_MAX + 1];
    int64_t created_ms; /* wall-clock time it was taken */
    int64_t sim_ms;     /* the team's sim time then */
    int64_t rows;       /* rows copied */
};

/* Returns 1 when name is a valid snapshot name: 1 to 64 of A-Z a-z 0-9 . _ -. */
int store_snap_name_ok(const char *name);

/* Copies every row of account into the shadow tables as snapshot name, replacing a snapshot
 * of that name, and records it in the catalogue, inside the caller's transaction. Returns the
 * number of rows copied, or -1. */
int64_t store_snap_save(struct store *st, const char *account, const char *name,
                        int64_t created_ms, int64_t sim_ms);

/* Replaces every row of account by those of its snapshot name, inside the caller's
 * transaction; sets *info (when not NULL) to the snapshot's catalogue entry. Returns 0, 1
 * when account has no snapshot of that name, or -1. */
int store_snap_restore(struct store *st, const char *account, const char *name,
                       struct store_snap_info *info);

/* Deletes snapshot name of account (its rows and its catalogue entry), inside the caller's
 * transaction. Returns 1, 0 when there was none, or -1. */
int store_snap_delete(struct store *st, const char *account, const char *name);

/* Calls fn for every snapshot of account (every team's when NULL) named name (any name when
 * NULL), by team then name. Returns 0, -1 on a store error, or fn's first non-zero return. */
int store_snap_each(struct store *st, const char *account, const char *name,
                    int (*fn)(void *ctx, const struct store_snap_info *info), void *ctx);

#endif
