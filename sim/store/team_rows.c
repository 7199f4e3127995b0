/*
 * team_rows.c - everything the store holds of one team (account), as a whole: deleting it
 * (a per-team reset, a fresh scenario start). See team_rows.h.
 *
 * Most tables carry an `account` column; they are found in the schema itself, so a table a
 * later migration adds is covered without a change here. The few that do not are rows owned
 * by a row that does: datapoints by their metric, log streams and events by their group.
 * Those are listed in `store_team_children` below: add a row there for a new table of that
 * kind. The shadow tables of snapshots (snap_*, store/snapshot.c) are not a team's world.
 */
#include "store/team_rows.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/buf.h"

/* Tables without an account column, and how to find a team's rows in them (snapshots copy
 * them by the same clauses). */
const struct store_team_child store_team_children[] = {
    {"cw_datapoints", "metric_id IN (SELECT id FROM cw_metrics WHERE account = ?1)"},
    {"logs_events", "group_id IN (SELECT id FROM logs_groups WHERE account = ?1)"},
    {"logs_streams", "group_id IN (SELECT id FROM logs_groups WHERE account = ?1)"},
    {NULL, NULL},
};

int store_team_tables(struct store *st, char (*names)[64], int max)
{
    sqlite3_stmt *q = store_stmt(st, "SELECT m.name FROM sqlite_schema m WHERE m.type = 'table' "
                                      "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p "
                                      "WHERE p.name = 'account') "
                                      "AND m.name NOT LIKE 'snap\\_%' ESCAPE '\\' "
                                      "ORDER BY m.name");
    if (q == NULL)
        return -1;
    int n = 0, rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < max) {
        snprintf(names[n], 64, "%s", (const char *)sqlite3_column_text(q, 0));
        n++;
    }
    sqlite3_reset(q);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int store_team_accounts(struct store *st, char (*accounts)[13], int max)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT account FROM teams ORDER BY account");
    int n = 0, rc = SQLITE_DONE;
    while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(s, 0);
        snprintf(accounts[n++], 13, "%s", a ? a : "");
    }
    if (rc == SQLITE_ROW)
        rc = SQLITE_DONE; /* max reached */
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? n : -1;
}

static int run(struct store *st, const char *sql, const char *account)
{
    sqlite3_stmt *s = store_stmt(st, sql);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_team_delete(struct store *st, const char *account)
{
    for (int i = 0; store_team_children[i].table; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE %s", store_team_children[i].table,
                 store_team_children[i].where);
        if (run(st, sql, account) != 0)
            return -1;
    }
    char names[STORE_TEAM_TABLES_MAX][64];
    int n = store_team_tables(st, names, STORE_TEAM_TABLES_MAX);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "DELETE FROM \"%.63s\" WHERE account = ?1", names[i]);
        if (run(st, sql, account) != 0)
            return -1;
    }
    return 0;
}
