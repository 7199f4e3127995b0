/*
 * Tests of sim/store/snapshot.c: the shadow-table copy of one team's rows (every table with
 * an account column and the child tables), a restore that gives back exactly those rows and
 * leaves other teams alone, ids shifted (with the rows that refer to them) when another team
 * was given them meanwhile, tables and columns added after a snapshot, and the catalogue.
 * End to end (clock, world, drill continuing, restart): tests/e2e/test_snapshots.py.
 */
#include "store/snapshot.h"
#include "store/store.h"
#include "store/team_rows.h"
#include "store_util.h"
#include "t.h"
#include "util/buf.h"

#include <sqlite3.h>

#define A1 "111111111111"
#define A2 "222222222222"
#define A3 "333333333333"


static void sql(struct store *st, const char *text)
{
    char *err = NULL;
    if (sqlite3_exec(store_db(st), text, NULL, NULL, &err) != SQLITE_OK)
        t_fail(__FILE__, __LINE__, "%s\n  in: %s", err, text);
}

static long long one(struct store *st, const char *text)
{
    sqlite3_stmt *s;
    T_EQ_INT(sqlite3_prepare_v2(store_db(st), text, -1, &s, NULL), SQLITE_OK);
    T_EQ_INT(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* A team's world: a parameter, its team row, a metric with datapoints, a log group with a
 * stream and events, an SNS message with a delivery, a world document. */
static void seed(struct store *st, const char *a, const char *value)
{
    char q[4096];
    snprintf(q, sizeof q,
             "INSERT INTO teams VALUES ('%s', 'manual', 1000, 1000, 7, x'00', x'01', '1 2');"
             "INSERT INTO ssm_parameters VALUES ('%s', 'us-east-1', '/p', 1);"
             "INSERT INTO ssm_parameter_versions VALUES ('%s', 'us-east-1', '/p', 1, 'String',"
             "  '%s', NULL, NULL, NULL, 'Standard', 'text', NULL, 1000, 'u');"
             "INSERT INTO cw_metrics (account, region, namespace, name, dims, created_ms,"
             "  last_put_ms, nrows) VALUES ('%s', 'us-east-1', 'NS', 'M', '', 1, 1, 2);"
             "INSERT INTO cw_datapoints SELECT id, 60000, 1, 0, 60, 1.5, 1, 1.5, 1.5, 1.5"
             "  FROM cw_metrics WHERE account = '%s';"
             "INSERT INTO cw_datapoints SELECT id, 120000, 1, 0, 60, 2.5, 1, 2.5, 2.5, 2.5"
             "  FROM cw_metrics WHERE account = '%s';"
             "INSERT INTO logs_groups (account, region, name, created_ms, log_class,"
             "  deletion_protection, stored_bytes) VALUES ('%s', 'us-east-1', '/g', 1,"
             "  'STANDARD', 0, 0);"
             "INSERT INTO logs_streams (group_id, name, created_ms, seq) SELECT id, 's', 1, 0"
             "  FROM logs_groups WHERE account = '%s';"
             "INSERT INTO logs_events SELECT g.id, 5, (SELECT next_event FROM logs_seq), s.id,"
             "  5, 'hello %s' FROM logs_groups g JOIN logs_streams s ON s.group_id = g.id"
             "  WHERE g.account = '%s';"
             "UPDATE logs_seq SET next_event = next_event + 1;"
             "INSERT INTO sns_messages (account, region, message_id, type, message,"
             "  published_ms) VALUES ('%s', 'us-east-1', 'm1', 'Notification', 'hi', 1);"
             "INSERT INTO sns_deliveries (message_seq, account, sub_arn, protocol, endpoint,"
             "  state, attempts, policy, content_type, raw, body, log, last_ms) SELECT seq,"
             "  account, 'arn', 'http', 'e', 'delivered', 1, '{}', 't', 0, 'b', '', 1"
             "  FROM sns_messages WHERE account = '%s';"
             "INSERT INTO world_state SELECT '%s', json_object('log_group_id', id, 'x', 1)"
             "  FROM logs_groups WHERE account = '%s';",
             a, a, a, value, a, a, a, a, a, value, a, a, a, a, a);
    sql(st, q);
}

static int cmp_lines(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every row of team a (account tables and children), one sorted line each, as one new
 * string; ids of integer primary keys and of the columns that refer to them are written as
 * "#" when with_ids is 0 (to compare a restore that shifted them). */
static char *dump(struct store *st, const char *a, int with_ids)
{
    static const char *const id_cols[] = {"id", "seq", "metric_id", "group_id", "stream_id",
                                          "message_seq", NULL};
    char names[STORE_TEAM_TABLES_MAX + 8][64];
    const char *where[STORE_TEAM_TABLES_MAX + 8];
    int n = store_team_tables(st, names, STORE_TEAM_TABLES_MAX);
    T_ASSERT(n > 0);
    for (int i = 0; i < n; i++)
        where[i] = "account = ?1";
    for (int i = 0; store_team_children[i].table; i++) {
        snprintf(names[n], 64, "%s", store_team_children[i].table);
        where[n++] = store_team_children[i].where;
    }
    char *lines[4096];
    int nl = 0;
    for (int i = 0; i < n; i++) {
        char q[400];
        snprintf(q, sizeof q, "SELECT * FROM \"%.63s\" WHERE %.300s", names[i], where[i]);
        sqlite3_stmt *s;
        T_EQ_INT(sqlite3_prepare_v2(store_db(st), q, -1, &s, NULL), SQLITE_OK);
        sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
        while (sqlite3_step(s) == SQLITE_ROW) {
            struct buf b;
            buf_init(&b, 1 << 20);
            buf_printf(&b, "%s:", names[i]);
            for (int c = 0; c < sqlite3_column_count(s); c++) {
                const char *col = sqlite3_column_name(s, c);
                int is_id = 0;
                for (int k = 0; id_cols[k]; k++)
                    is_id |= strcmp(col, id_cols[k]) == 0;
                /* event ids are never reused, so never shifted */
                if (strcmp(names[i], "logs_events") == 0 && strcmp(col, "id") == 0)
                    is_id = 0;
                /* the world's document holds its log group's id */
                if (strcmp(names[i], "world_state") == 0 && strcmp(col, "doc") == 0)
                    is_id = 1;
                const char *v = (const char *)sqlite3_column_text(s, c);
                if (is_id && !with_ids)
                    v = "#";
                buf_printf(&b, " %s=%s", col, v ? v : "NULL");
            }
            T_ASSERT(nl < 4096);
            lines[nl++] = buf_steal(&b, NULL);
        }
        sqlite3_finalize(s);
    }
    qsort(lines, (size_t)nl, sizeof lines[0], cmp_lines);
    struct buf out;
    buf_init(&out, 1 << 24);
    for (int i = 0; i < nl; i++) {
        buf_printf(&out, "%s\n", lines[i]);
        free(lines[i]);
    }
    return buf_steal(&out, NULL);
}

static int64_t save(struct store *st, const char *a, const char *name)
{
    T_EQ_INT(store_begin(st), 0);
    int64_t rows = store_snap_save(st, a, name, 123, 456);
    T_ASSERT(rows >= 0);
    T_EQ_INT(store_commit(st), 0);
    return rows;
}

static void restore(struct store *st, const char *a, const char *name)
{
    struct store_snap_info in;
    T_EQ_INT(store_begin(st), 0);
    T_EQ_INT(store_snap_restore(st, a, name, &in), 0);
    T_EQ_INT(store_commit(st), 0);
    T_EQ_STR(in.name, name);
    T_EQ_INT(in.sim_ms, 456);
}

TEST(store_snapshot_roundtrip)
{
    struct store *st = open_store();
    seed(st, A1, "one");
    seed(st, A2, "two");
    char *a1 = dump(st, A1, 1), *a2 = dump(st, A2, 1);
    T_ASSERT(strstr(a1, "value=one") && strstr(a1, "hello one") && strstr(a1, "cw_datapoints"));
    /* team + 2 ssm + metric + 2 datapoints + group + stream + event + message +
     * delivery + world */
    T_EQ_INT(save(st, A1, "s1"), 12);
    /* the shadow tables are not a team's world: the dump is unchanged */
    char *again = dump(st, A1, 1);
    T_EQ_STR(again, a1);
    free(again);

    /* both teams change: A1 loses rows, gains rows, changes rows; A2 changes too */
    sql(st, "UPDATE ssm_parameter_versions SET value = 'changed';"
            "DELETE FROM cw_datapoints WHERE ts_ms = 60000;"
            "DELETE FROM logs_events;"
            "UPDATE teams SET now_ms = 99999;"
            "INSERT INTO ssm_parameters VALUES ('" A1 "', 'us-east-1', '/new', 1);"
            "UPDATE world_state SET doc = '{}';");
    char *a2_changed = dump(st, A2, 1);
    T_ASSERT(strcmp(a2_changed, a2) != 0);

    restore(st, A1, "s1");
    char *r1 = dump(st, A1, 1), *r2 = dump(st, A2, 1);
    T_EQ_STR(r1, a1); /* ids included: nothing was in the way */
    T_EQ_STR(r2, a2_changed); /* the other team is untouched */
    /* restoring twice gives the same rows */
    restore(st, A1, "s1");
    char *r1b = dump(st, A1, 1);
    T_EQ_STR(r1b, a1);
    free(a1), free(a2), free(a2_changed), free(r1), free(r2), free(r1b);
    store_close(st);
}

TEST(store_snapshot_id_shift)
{
    struct store *st = open_store();
    seed(st, A2, "two");
    seed(st, A1, "one"); /* A1 holds the highest ids */
    char *a1 = dump(st, A1, 0), *a1_ids = dump(st, A1, 1);
    long long metric = one(st, "SELECT id FROM cw_metrics WHERE account = '" A1 "'");
    long long group = one(st, "SELECT id FROM logs_groups WHERE account = '" A1 "'");
    save(st, A1, "s1");
    /* A1 starts over (a scenario start); A2 is then given the ids A1 had */
    T_EQ_INT(store_begin(st), 0);
    T_EQ_INT(store_team_delete(st, A1), 0);
    T_EQ_INT(store_commit(st), 0);
    seed(st, A3, "three");
    T_EQ_INT(one(st, "SELECT id FROM cw_metrics WHERE account = '" A3 "'"), metric);
    T_EQ_INT(one(st, "SELECT id FROM logs_groups WHERE account = '" A3 "'"), group);
    char *a2 = dump(st, A2, 1), *a3 = dump(st, A3, 1);

    restore(st, A1, "s1");
    char *r1 = dump(st, A1, 0), *r1_ids = dump(st, A1, 1), *r2 = dump(st, A2, 1);
    char *r3 = dump(st, A3, 1);
    T_EQ_STR(r1, a1);                      /* the same rows ... */
    T_ASSERT(strcmp(r1_ids, a1_ids) != 0); /* ... under new ids */
    T_EQ_STR(r2, a2);                      /* the others are untouched */
    T_EQ_STR(r3, a3);
    /* the children followed their parents */
    T_ASSERT(one(st, "SELECT id FROM cw_metrics WHERE account = '" A1 "'") > metric);
    T_EQ_INT(one(st, "SELECT count(*) FROM cw_datapoints d JOIN cw_metrics m ON m.id = "
                     "d.metric_id WHERE m.account = '" A1 "'"), 2);
    T_EQ_INT(one(st, "SELECT count(*) FROM logs_events e JOIN logs_streams s ON s.id = "
                     "e.stream_id JOIN logs_groups g ON g.id = s.group_id AND g.id = e.group_id "
                     "WHERE g.account = '" A1 "'"), 1);
    T_EQ_INT(one(st, "SELECT count(*) FROM sns_deliveries d JOIN sns_messages m ON m.seq = "
                     "d.message_seq AND m.account = d.account WHERE d.account = '" A1 "'"), 1);
    /* the world looks its log group up again */
    T_EQ_INT(one(st, "SELECT doc ->> '$.log_group_id' FROM world_state WHERE account = '" A1
                     "'"), 0);
    T_EQ_INT(one(st, "SELECT doc ->> '$.x' FROM world_state WHERE account = '" A1 "'"), 1);
    T_EQ_INT(one(st, "SELECT doc ->> '$.log_group_id' FROM world_state WHERE account = '" A3
                     "'"), group);
    free(a1), free(a1_ids), free(a2), free(a3), free(r1), free(r1_ids), free(r2), free(r3);
    store_close(st);
}

TEST(store_snapshot_new_tables_and_columns)
{
    struct store *st = open_store();
    seed(st, A1, "one");
    save(st, A1, "old");
    /* a later migration: a new table of teams, a new column in an old one */
    sql(st, "CREATE TABLE extra (account TEXT NOT NULL, v INTEGER NOT NULL);"
            "INSERT INTO extra VALUES ('" A1 "', 1), ('" A1 "', 2), ('" A2 "', 3);"
            "ALTER TABLE ssm_parameters ADD COLUMN note TEXT NOT NULL DEFAULT 'dflt';"
            "UPDATE ssm_parameters SET note = 'mine';");
    char *a1 = dump(st, A1, 1);
    save(st, A1, "new");
    T_EQ_INT(one(st, "SELECT count(*) FROM snap_extra WHERE snap_name = 'new'"), 2);
    sql(st, "DELETE FROM extra WHERE account = '" A1 "'; UPDATE ssm_parameters SET note = 'x';");
    restore(st, A1, "new");
    char *r1 = dump(st, A1, 1);
    T_EQ_STR(r1, a1);
    T_EQ_INT(one(st, "SELECT count(*) FROM extra WHERE account = '" A2 "'"), 1);
    /* the older snapshot has neither: the table is empty, the column takes its default */
    restore(st, A1, "old");
    T_EQ_INT(one(st, "SELECT count(*) FROM extra WHERE account = '" A1 "'"), 0);
    T_EQ_INT(one(st, "SELECT count(*) FROM ssm_parameters WHERE account = '" A1 "' AND "
                     "note = 'dflt'"), 1);
    free(a1), free(r1);
    store_close(st);
}

static int collect(void *ctx, const struct store_snap_info *in)
{
    struct buf *b = ctx;
    buf_printf(b, "%s/%s/%lld;", in->team, in->name, (long long)in->rows);
    return 0;
}

TEST(store_snapshot_catalogue)
{
    struct store *st = open_store();
    T_ASSERT(store_snap_name_ok("before-fix_1.2"));
    T_ASSERT(!store_snap_name_ok(""));
    T_ASSERT(!store_snap_name_ok("a b"));
    T_ASSERT(!store_snap_name_ok("x\"; DROP TABLE teams; --"));
    char name[80];
    memset(name, 'n', 64);
    name[64] = '\0';
    T_ASSERT(store_snap_name_ok(name));
    strcat(name, "n");
    T_ASSERT(!store_snap_name_ok(name));
    seed(st, A1, "one");
    seed(st, A2, "two");
    save(st, A1, "a");
    save(st, A2, "a");
    save(st, A1, "b");
    T_EQ_INT(save(st, A1, "a"), 12); /* replaced, not doubled */
    T_EQ_INT(one(st, "SELECT count(*) FROM snap_ssm_parameters WHERE snap_team = '" A1 "'"), 2);
    struct buf b;
    buf_init(&b, 4096);
    T_EQ_INT(store_snap_each(st, NULL, NULL, collect, &b), 0);
    T_EQ_STR(b.p, A1 "/a/12;" A1 "/b/12;" A2 "/a/12;");
    buf_reset(&b);
    T_EQ_INT(store_snap_each(st, A1, "b", collect, &b), 0);
    T_EQ_STR(b.p, A1 "/b/12;");
    /* a team's reset keeps its snapshots */
    T_EQ_INT(store_begin(st), 0);
    T_EQ_INT(store_team_delete(st, A1), 0);
    T_EQ_INT(store_commit(st), 0);
    T_EQ_INT(one(st, "SELECT count(*) FROM snapshots WHERE team = '" A1 "'"), 2);
    /* none of that name: 1, and nothing changed */
    T_EQ_INT(store_begin(st), 0);
    T_EQ_INT(store_snap_restore(st, A1, "nope", NULL), 1);
    T_EQ_INT(store_snap_delete(st, A1, "nope"), 0);
    T_EQ_INT(store_snap_delete(st, A1, "b"), 1);
    T_EQ_INT(store_commit(st), 0);
    T_EQ_INT(one(st, "SELECT count(*) FROM snap_ssm_parameters WHERE snap_team = '" A1 "'"), 1);
    T_EQ_INT(one(st, "SELECT count(*) FROM snap_ssm_parameters WHERE snap_team = '" A2 "'"), 1);
    char acc[4][13];
    T_EQ_INT(store_team_accounts(st, acc, 4), 1); /* A1's team row went with its reset */
    T_EQ_STR(acc[0], A2);
    restore(st, A1, "a");
    T_EQ_INT(store_team_accounts(st, acc, 4), 2);
    T_EQ_INT(store_team_accounts(st, acc, 1), 1); /* at most max */
    T_EQ_STR(acc[0], A1);
    buf_free(&b);
    store_close(st);
}
