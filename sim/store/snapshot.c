/*
 * snapshot.c - snapshots of a team's rows in shadow tables (see snapshot.h for the design).
 *
 * The statements here are built from the schema at run time (table and column names), so
 * they are prepared and finalized on the spot rather than kept in the store's statement
 * cache. In every one, ?1 is the team (account) and ?2 the snapshot's name.
 *
 * To extend:
 *   - a new table with an account column needs nothing here;
 *   - a new table without one: a row in store_team_children (store/team_rows.c);
 *   - a new integer id that another table's column refers to: a row in `refs` below, and
 *     when something else holds such ids (the world model's document), a row in `fixups`.
 */
#include "store/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "store/logs_bloom.h"
#include "store/store.h"
#include "store/team_rows.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define COLS_MAX 128
#define NAME_MAX_LEN 64 /* a table or column name, with its NUL */
#define SHADOWS_MAX 256
#define SQL_MAX (64 * 1024)
#define DFLT_MAX 128

/* Columns referring to another table's integer id: when a restore shifts the ids of parent,
 * column of child shifts with them. */
static const struct {
    const char *parent;
    const char *child;
    const char *column;
} refs[] = {
    {"cw_metrics", "cw_datapoints", "metric_id"},
    {"logs_groups", "logs_streams", "group_id"},
    {"logs_groups", "logs_events", "group_id"},
    {"logs_streams", "logs_events", "stream_id"},
    {"sns_messages", "sns_deliveries", "message_seq"},
    {NULL, NULL, NULL},
};

/* Other holders of ids, fixed after a restore shifted the ids of table (?1 = the team). The
 * world model keeps its log group's and streams' ids: with the group's id cleared, it looks
 * the group and its streams up again by name (world_logs_prepare in engine/world_emit.c). */
static const struct {
    const char *table;
    const char *sql;
} fixups[] = {
    {"logs_groups", "UPDATE world_state SET doc = json_set(doc, '$.log_group_id', 0) "
                    "WHERE account = ?1 AND json_valid(doc)"},
    {"logs_streams", "UPDATE world_state SET doc = json_set(doc, '$.log_group_id', 0) "
                     "WHERE account = ?1 AND json_valid(doc)"},
    {NULL, NULL},
};

struct cols {
    char name[COLS_MAX][NAME_MAX_LEN];
    char dflt[COLS_MAX][DFLT_MAX]; /* the column's DEFAULT expression, "" for none */
    int n;
    int pk; /* index of the table's one INTEGER PRIMARY KEY column, or -1 */
};

int store_snap_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > STORE_SNAP_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '.' || ch == '_' || ch == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

/* Returns 1 when s can be put between double quotes in SQL as it is (every name drillsim's
 * schema uses can). */
static int ident_ok(const char *s)
{
    if (s[0] == '\0' || strlen(s) >= NAME_MAX_LEN)
        return 0;
    for (const char *p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return 0;
    }
    return 1;
}

static void report(sqlite3 *db, const char *sql)
{
    fprintf(stderr, "drillsim: snapshot: %s\n  in: %.300s\n", sqlite3_errmsg(db), sql);
}

/* Prepares sql and binds ?1 = team and ?2 = name where the statement has them. Returns the
 * statement (the caller finalizes it) or NULL. */
static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, const char *team, const char *name)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        report(db, sql);
        sqlite3_finalize(s);
        return NULL;
    }
    int n = sqlite3_bind_parameter_count(s);
    if (n >= 1)
        sqlite3_bind_text(s, 1, team, -1, SQLITE_STATIC);
    if (n >= 2)
        sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    return s;
}

/* Runs a statement that returns no rows. Returns the number of rows it changed, or -1. */
static int64_t run(sqlite3 *db, const char *sql, const char *team, const char *name)
{
    sqlite3_stmt *s = prepare(db, sql, team, name);
    if (s == NULL)
        return -1;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        report(db, sql);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? (int64_t)sqlite3_changes64(db) : -1;
}

/* Runs a query of one integer. Returns 0 and sets *out (0 for NULL), 1 when it gave no row,
 * or -1. */
static int query_int(sqlite3 *db, const char *sql, const char *team, const char *name,
                     int64_t *out)
{
    sqlite3_stmt *s = prepare(db, sql, team, name);
    if (s == NULL)
        return -1;
    int rc = sqlite3_step(s);
    int ret = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
    if (ret == 0)
        *out = sqlite3_column_int64(s, 0);
    if (ret < 0)
        report(db, sql);
    sqlite3_finalize(s);
    return ret;
}

/* Reads the columns of table into *c. Returns their number (0 when there is no such
 * table), or -1. */
static int columns(sqlite3 *db, const char *table, struct cols *c)
{
    c->n = 0;
    c->pk = -1;
    sqlite3_stmt *s = NULL;
    const char *sql = "SELECT name, type, pk, dflt_value FROM pragma_table_info(?1) "
                      "ORDER BY cid";
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        report(db, sql);
        return -1;
    }
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    int rc, pks = 0, int_pk = -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        const char *type = (const char *)sqlite3_column_text(s, 1);
        if (c->n >= COLS_MAX || name == NULL || !ident_ok(name)) {
            fprintf(stderr, "drillsim: snapshot: table %s: too many columns or column "
                            "\"%s\" not copied\n", table, name ? name : "");
            rc = SQLITE_ERROR;
            break;
        }
        if (sqlite3_column_int(s, 2) > 0) {
            pks++;
            if (type && strcasecmp(type, "INTEGER") == 0)
                int_pk = c->n;
        }
        const char *dflt = (const char *)sqlite3_column_text(s, 3);
        snprintf(c->dflt[c->n], DFLT_MAX, "%s", dflt && strlen(dflt) < DFLT_MAX ? dflt : "");
        snprintf(c->name[c->n++], NAME_MAX_LEN, "%s", name);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return -1;
    c->pk = pks == 1 ? int_pk : -1;
    return c->n;
}

static int has_column(const struct cols *c, const char *name)
{
    for (int i = 0; i < c->n; i++) {
        if (strcmp(c->name[i], name) == 0)
            return 1;
    }
    return 0;
}

/* The tables of a team (store_team_tables, then the children) with the clause that selects
 * its rows (?1 = the account). */
struct bases {
    char table[STORE_TEAM_TABLES_MAX + 8][NAME_MAX_LEN];
    const char *where[STORE_TEAM_TABLES_MAX + 8];
    int n;
};

static int list_bases(struct store *st, struct bases *b)
{
    int n = store_team_tables(st, b->table, STORE_TEAM_TABLES_MAX);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        b->where[i] = "account = ?1";
    for (int i = 0; store_team_children[i].table && n < STORE_TEAM_TABLES_MAX + 8; i++) {
        snprintf(b->table[n], NAME_MAX_LEN, "%s", store_team_children[i].table);
        b->where[n++] = store_team_children[i].where;
    }
    b->n = n;
    return 0;
}

static int base_index(const struct bases *b, const char *table)
{
    for (int i = 0; i < b->n; i++) {
        if (strcmp(b->table[i], table) == 0)
            return i;
    }
    return -1;
}

/* Writes the names of the base tables that have a shadow table (at most SHADOWS_MAX).
 * Returns their number, or -1. */
static int list_shadowed(sqlite3 *db, char (*names)[NAME_MAX_LEN])
{
    sqlite3_stmt *s = NULL;
    const char *sql = "SELECT substr(name, 6) FROM sqlite_schema WHERE type = 'table' AND "
                      "name LIKE 'snap\\_%' ESCAPE '\\' ORDER BY name";
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        report(db, sql);
        return -1;
    }
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < SHADOWS_MAX) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        if (name && ident_ok(name))
            snprintf(names[n++], NAME_MAX_LEN, "%s", name);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

/* Creates snap_<table> for the columns *bc of table, or adds the columns it lacks: with the
 * column's default, which the older snapshots' rows then hold, as the table's own older rows
 * did when the column was added to it. Returns 0 or -1. */
static int ensure_shadow(sqlite3 *db, const char *table, const struct cols *bc,
                         struct cols *scratch, struct buf *sql)
{
    char shadow[NAME_MAX_LEN + 8];
    snprintf(shadow, sizeof shadow, "snap_%s", table);
    if (has_column(bc, "snap_team") || has_column(bc, "snap_name")) {
        fprintf(stderr, "drillsim: snapshot: table %s has a column named like ours\n", table);
        return -1;
    }
    if (columns(db, shadow, scratch) < 0)
        return -1;
    buf_reset(sql);
    if (scratch->n == 0) {
        buf_printf(sql, "CREATE TABLE \"%s\" (snap_team TEXT NOT NULL, snap_name TEXT NOT NULL",
                   shadow);
        for (int i = 0; i < bc->n; i++)
            buf_printf(sql, ", \"%s\"", bc->name[i]);
        buf_printf(sql, "); CREATE INDEX \"%s_key\" ON \"%s\" (snap_team, snap_name)", shadow,
                   shadow);
    } else {
        for (int i = 0; i < bc->n; i++) {
            if (has_column(scratch, bc->name[i]))
                continue;
            buf_printf(sql, "ALTER TABLE \"%s\" ADD COLUMN \"%s\"", shadow, bc->name[i]);
            if (bc->dflt[i][0])
                buf_printf(sql, " DEFAULT %s", bc->dflt[i]);
            buf_putc(sql, ';');
        }
    }
    if (sql->overflow)
        return -1;
    if (sql->len == 0)
        return 0;
    char *err = NULL;
    if (sqlite3_exec(db, sql->p, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "drillsim: snapshot: %s\n  in: %.300s\n", err ? err : "?", sql->p);
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

/* Deletes the rows of snapshot (team, name) from every shadow table and the catalogue.
 * Returns 1 when the catalogue had it, 0 when not, or -1. */
static int drop(sqlite3 *db, const char *team, const char *name)
{
    char(*shadowed)[NAME_MAX_LEN] = xcalloc(SHADOWS_MAX, NAME_MAX_LEN);
    int rc = -1;
    int n = list_shadowed(db, shadowed);
    if (n < 0)
        goto out;
    for (int i = 0; i < n; i++) {
        char sql[200];
        snprintf(sql, sizeof sql,
                 "DELETE FROM \"snap_%s\" WHERE snap_team = ?1 AND snap_name = ?2",
                 shadowed[i]);
        if (run(db, sql, team, name) < 0)
            goto out;
    }
    int64_t gone = run(db, "DELETE FROM snapshots WHERE team = ?1 AND name = ?2", team, name);
    if (gone < 0)
        goto out;
    rc = gone > 0;
out:
    free(shadowed);
    return rc;
}

int64_t store_snap_save(struct store *st, const char *account, const char *name,
                        int64_t created_ms, int64_t sim_ms)
{
    sqlite3 *db = store_db(st);
    struct bases *b = xcalloc(1, sizeof *b);
    struct cols *bc = xcalloc(1, sizeof *bc), *scratch = xcalloc(1, sizeof *scratch);
    struct buf sql;
    buf_init(&sql, SQL_MAX);
    int64_t total = -1, rows = 0;
    if (!store_snap_name_ok(name) || drop(db, account, name) < 0 || list_bases(st, b) != 0)
        goto out;
    for (int i = 0; i < b->n; i++) {
        if (!ident_ok(b->table[i]) || columns(db, b->table[i], bc) <= 0 ||
            ensure_shadow(db, b->table[i], bc, scratch, &sql) != 0)
            goto out;
        buf_reset(&sql);
        buf_printf(&sql, "INSERT INTO \"snap_%s\" (snap_team, snap_name", b->table[i]);
        for (int k = 0; k < bc->n; k++)
            buf_printf(&sql, ", \"%s\"", bc->name[k]);
        buf_puts(&sql, ") SELECT ?1, ?2");
        for (int k = 0; k < bc->n; k++)
            buf_printf(&sql, ", \"%s\"", bc->name[k]);
        buf_printf(&sql, " FROM \"%s\" WHERE %s", b->table[i], b->where[i]);
        if (sql.overflow)
            goto out;
        int64_t n = run(db, sql.p, account, name);
        if (n < 0)
            goto out;
        rows += n;
    }
    sqlite3_stmt *s = prepare(db,
                              "INSERT INTO snapshots (team, name, created_ms, sim_ms, rows) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)",
                              account, name);
    if (s == NULL)
        goto out;
    sqlite3_bind_int64(s, 3, created_ms);
    sqlite3_bind_int64(s, 4, sim_ms);
    sqlite3_bind_int64(s, 5, rows);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        goto out;
    total = rows;
out:
    buf_free(&sql);
    free(scratch);
    free(bc);
    free(b);
    return total;
}

static int read_info(sqlite3_stmt *s, struct store_snap_info *info)
{
    memset(info, 0, sizeof *info);
    const char *team = (const char *)sqlite3_column_text(s, 0);
    const char *name = (const char *)sqlite3_column_text(s, 1);
    snprintf(info->team, sizeof info->team, "%s", team ? team : "");
    snprintf(info->name, sizeof info->name, "%s", name ? name : "");
    info->created_ms = sqlite3_column_int64(s, 2);
    info->sim_ms = sqlite3_column_int64(s, 3);
    info->rows = sqlite3_column_int64(s, 4);
    return 0;
}

int store_snap_each(struct store *st, const char *account, const char *name,
                    int (*fn)(void *ctx, const struct store_snap_info *info), void *ctx)
{
    sqlite3 *db = store_db(st);
    sqlite3_stmt *s = prepare(db,
                              "SELECT team, name, created_ms, sim_ms, rows FROM snapshots "
                              "WHERE (?1 IS NULL OR team = ?1) AND (?2 IS NULL OR name = ?2) "
                              "ORDER BY team, name",
                              account, name);
    if (s == NULL)
        return -1;
    int rc, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct store_snap_info info;
        read_info(s, &info);
        ret = fn(ctx, &info);
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = -1;
    sqlite3_finalize(s);
    return ret;
}

/* How far the restored ids of one table move (0: they are kept). */
struct shift {
    char table[NAME_MAX_LEN];
    int64_t by;
};

static int64_t shift_of(const struct shift *sh, int n, const char *table)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(sh[i].table, table) == 0)
            return sh[i].by;
    }
    return 0;
}

/* Decides the shift of base table's ids for the snapshot: 0 when none of them is in use
 * (the team's own rows are already deleted), else past the highest id in use.
 * Returns 0 and sets *by, or -1. */
static int plan_shift(sqlite3 *db, const char *table, const struct cols *bc, const char *team,
                      const char *name, int64_t *by)
{
    *by = 0;
    if (bc->pk < 0)
        return 0;
    const char *pk = bc->name[bc->pk];
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT 1 FROM \"snap_%s\" s JOIN \"%s\" b ON b.\"%s\" = s.\"%s\" "
             "WHERE s.snap_team = ?1 AND s.snap_name = ?2 LIMIT 1",
             table, table, pk, pk);
    int64_t one;
    int rc = query_int(db, sql, team, name, &one);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    snprintf(sql, sizeof sql,
             "SELECT (SELECT max(\"%s\") FROM \"%s\") - (SELECT min(\"%s\") FROM \"snap_%s\" "
             "WHERE snap_team = ?1 AND snap_name = ?2) + 1",
             pk, table, pk, table);
    if (query_int(db, sql, team, name, by) != 0)
        return -1;
    return 0;
}

int store_snap_restore(struct store *st, const char *account, const char *name,
                       struct store_snap_info *info)
{
    sqlite3 *db = store_db(st);
    struct bases *b = xcalloc(1, sizeof *b);
    struct cols *bc = xcalloc(1, sizeof *bc), *sc = xcalloc(1, sizeof *sc);
    char(*shadowed)[NAME_MAX_LEN] = xcalloc(SHADOWS_MAX, NAME_MAX_LEN);
    struct shift *sh = xcalloc(SHADOWS_MAX, sizeof *sh);
    struct buf sql;
    buf_init(&sql, SQL_MAX);
    int ret = -1, nsh = 0;

    struct store_snap_info found;
    sqlite3_stmt *s = prepare(db,
                              "SELECT team, name, created_ms, sim_ms, rows FROM snapshots "
                              "WHERE team = ?1 AND name = ?2",
                              account, name);
    if (s == NULL)
        goto out;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read_info(s, &found);
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        ret = 1;
    if (rc != SQLITE_ROW)
        goto out;

    if (store_team_delete(st, account) != 0 || list_bases(st, b) != 0)
        goto out;
    int n = list_shadowed(db, shadowed);
    if (n < 0)
        goto out;
    /* first every shift, since a child's copy needs its parent's */
    for (int i = 0; i < n; i++) {
        if (base_index(b, shadowed[i]) < 0)
            continue; /* a table that is gone, or no longer a team's */
        if (columns(db, shadowed[i], bc) < 0)
            goto out;
        snprintf(sh[nsh].table, NAME_MAX_LEN, "%s", shadowed[i]);
        if (plan_shift(db, shadowed[i], bc, account, name, &sh[nsh].by) != 0)
            goto out;
        nsh++;
    }
    for (int i = 0; i < n; i++) {
        const char *t = shadowed[i];
        char shadow[NAME_MAX_LEN + 8];
        snprintf(shadow, sizeof shadow, "snap_%s", t);
        if (base_index(b, t) < 0)
            continue;
        if (columns(db, t, bc) < 0 || columns(db, shadow, sc) < 0)
            goto out;
        buf_reset(&sql);
        buf_printf(&sql, "INSERT INTO \"%s\" (", t);
        int k = 0;
        for (int c = 0; c < bc->n; c++) {
            if (has_column(sc, bc->name[c]))
                buf_printf(&sql, "%s\"%s\"", k++ ? ", " : "", bc->name[c]);
        }
        if (k == 0)
            continue;
        buf_puts(&sql, ") SELECT ");
        k = 0;
        for (int c = 0; c < bc->n; c++) {
            const char *col = bc->name[c];
            if (!has_column(sc, col))
                continue;
            int64_t by = c == bc->pk ? shift_of(sh, nsh, t) : 0;
            for (int r = 0; refs[r].parent; r++) {
                if (strcmp(refs[r].child, t) == 0 && strcmp(refs[r].column, col) == 0)
                    by = shift_of(sh, nsh, refs[r].parent);
            }
            if (by)
                buf_printf(&sql, "%s\"%s\" + %lld", k++ ? ", " : "", col, (long long)by);
            else
                buf_printf(&sql, "%s\"%s\"", k++ ? ", " : "", col);
        }
        buf_printf(&sql, " FROM \"%s\" WHERE snap_team = ?1 AND snap_name = ?2", shadow);
        if (sql.overflow || run(db, sql.p, account, name) < 0)
            goto out;
    }
    for (int f = 0; fixups[f].table; f++) {
        if (shift_of(sh, nsh, fixups[f].table) != 0 && run(db, fixups[f].sql, account, name) < 0)
            goto out;
    }
    if (info)
        *info = found;
    ret = 0;
out:
    /* events came back behind logs_put()'s back (and ids may have moved) */
    logs_bloom_forget(st);
    buf_free(&sql);
    free(sh);
    free(shadowed);
    free(sc);
    free(bc);
    free(b);
    return ret;
}

int store_snap_delete(struct store *st, const char *account, const char *name)
{
    return drop(store_db(st), account, name);
}
