/*
 * sns.c - the rows behind SNS (see sns.h for the tables and conventions).
 *
 * Topic, subscription and tag statements bind ?1 = account and ?2 = region first, so they
 * cannot leave their tenant; messages and deliveries carry the account and are read by id or
 * by (account, ...). An iteration keeps its statement stepping while the callback runs other
 * statements, which SQLite allows (the callback must not run the same SQL text). To add a
 * query: write it here, declare it in sns.h, and keep AWS rules out of it.
 */
#include "store/sns.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/tags.h"
#include "util/xmalloc.h"

#define TOPIC_COLUMNS "name, arn, attrs, fifo_seq, created_ms"
#define SUB_COLUMNS                                                                            \
    "arn, topic, protocol, endpoint, owner, status, token, attrs, authenticated, created_ms"
#define MESSAGE_COLUMNS                                                                        \
    "seq, region, message_id, type, topic_arn, target, subject, message, structure, "          \
    "attributes, group_id, dedup_id, sequence_number, token, sub_arn, published_ms"
#define DELIVERY_COLUMNS                                                                       \
    "id, message_seq, account, sub_arn, protocol, endpoint, state, attempts, policy, "         \
    "content_type, raw, body, log, next_ms, last_ms"

void store_sns_topic_clear(struct sns_topic *t)
{
    free(t->name);
    free(t->arn);
    free(t->attrs);
    memset(t, 0, sizeof *t);
}

void store_sns_sub_clear(struct sns_sub *s)
{
    free(s->arn);
    free(s->topic);
    free(s->protocol);
    free(s->endpoint);
    free(s->owner);
    free(s->status);
    free(s->token);
    free(s->attrs);
    memset(s, 0, sizeof *s);
}

void store_sns_message_clear(struct sns_message *m)
{
    free(m->region);
    free(m->message_id);
    free(m->type);
    free(m->topic_arn);
    free(m->target);
    free(m->subject);
    free(m->message);
    free(m->structure);
    free(m->attributes);
    free(m->group_id);
    free(m->dedup_id);
    free(m->sequence_number);
    free(m->token);
    free(m->sub_arn);
    memset(m, 0, sizeof *m);
}

void store_sns_delivery_clear(struct sns_delivery *d)
{
    free(d->account);
    free(d->sub_arn);
    free(d->protocol);
    free(d->endpoint);
    free(d->state);
    free(d->policy);
    free(d->content_type);
    free(d->body);
    free(d->log);
    memset(d, 0, sizeof *d);
}

/* Returns the cached statement for sql with ?1 = account and ?2 = region bound. */
static sqlite3_stmt *scoped(const struct sns_scope *sc, const char *sql)
{
    sqlite3_stmt *st = store_stmt(sc->st, sql);
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sc->region, -1, SQLITE_STATIC);
    return st;
}

static void read_topic(sqlite3_stmt *st, struct sns_topic *t)
{
    t->name = store_col_dup(st, 0);
    t->arn = store_col_dup(st, 1);
    t->attrs = store_col_dup(st, 2);
    t->fifo_seq = sqlite3_column_int64(st, 3);
    t->created_ms = sqlite3_column_int64(st, 4);
}

static void read_sub(sqlite3_stmt *st, struct sns_sub *s)
{
    s->arn = store_col_dup(st, 0);
    s->topic = store_col_dup(st, 1);
    s->protocol = store_col_dup(st, 2);
    s->endpoint = store_col_dup(st, 3);
    s->owner = store_col_dup(st, 4);
    s->status = store_col_dup(st, 5);
    s->token = store_col_dup(st, 6);
    s->attrs = store_col_dup(st, 7);
    s->authenticated = sqlite3_column_int(st, 8);
    s->created_ms = sqlite3_column_int64(st, 9);
}

static void read_message(sqlite3_stmt *st, struct sns_message *m)
{
    m->seq = sqlite3_column_int64(st, 0);
    m->region = store_col_dup(st, 1);
    m->message_id = store_col_dup(st, 2);
    m->type = store_col_dup(st, 3);
    m->topic_arn = store_col_dup(st, 4);
    m->target = store_col_dup(st, 5);
    m->subject = store_col_dup(st, 6);
    m->message = store_col_dup(st, 7);
    m->structure = store_col_dup(st, 8);
    m->attributes = store_col_dup(st, 9);
    m->group_id = store_col_dup(st, 10);
    m->dedup_id = store_col_dup(st, 11);
    m->sequence_number = store_col_dup(st, 12);
    m->token = store_col_dup(st, 13);
    m->sub_arn = store_col_dup(st, 14);
    m->published_ms = sqlite3_column_int64(st, 15);
}

static void read_delivery(sqlite3_stmt *st, struct sns_delivery *d)
{
    d->id = sqlite3_column_int64(st, 0);
    d->message_seq = sqlite3_column_int64(st, 1);
    d->account = store_col_dup(st, 2);
    d->sub_arn = store_col_dup(st, 3);
    d->protocol = store_col_dup(st, 4);
    d->endpoint = store_col_dup(st, 5);
    d->state = store_col_dup(st, 6);
    d->attempts = sqlite3_column_int(st, 7);
    d->policy = store_col_dup(st, 8);
    d->content_type = store_col_dup(st, 9);
    d->raw = sqlite3_column_int(st, 10);
    d->body = store_col_dup(st, 11);
    d->log = store_col_dup(st, 12);
    d->next_ms = sqlite3_column_type(st, 13) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 13);
    d->last_ms = sqlite3_column_int64(st, 14);
}

/* ---- topics ------------------------------------------------------------------------------- */

int store_sns_topic_get(const struct sns_scope *sc, const char *name, struct sns_topic *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " TOPIC_COLUMNS " FROM sns_topics "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_topic(st, out);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_sns_topic_put(const struct sns_scope *sc, const struct sns_topic *t)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO sns_topics (account, region, "
                                  TOPIC_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite3_bind_text(st, 3, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->attrs ? t->attrs : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->fifo_seq);
    sqlite3_bind_int64(st, 7, t->created_ms);
    return store_exec_done(st);
}

int store_sns_topic_delete(const struct sns_scope *sc, const char *name, const char *arn)
{
    sqlite3_stmt *st = scoped(sc, "DELETE FROM sns_topics "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        return -1;
    if (sqlite3_changes(store_db(sc->st)) == 0)
        return 1;
    st = scoped(sc, "DELETE FROM sns_subscriptions "
                    "WHERE account = ?1 AND region = ?2 AND topic = ?3");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        return -1;
    st = scoped(sc, "DELETE FROM tags WHERE account = ?1 AND region = ?2 AND service = 'sns' "
                    "AND resource = ?3");
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    if (store_exec_done(st) != 0)
        return -1;
    /* waiting deliveries of the topic's subscriptions (their ARNs start with TOPIC_ARN:) */
    st = store_stmt(sc->st, "UPDATE sns_deliveries SET state = 'cancelled', next_ms = NULL "
                            "WHERE account = ?1 AND next_ms IS NOT NULL "
                            "AND substr(sub_arn, 1, length(?2) + 1) = ?2 || ':'");
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, arn, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int store_sns_topic_next_seq(const struct sns_scope *sc, const char *name, int64_t *seq)
{
    sqlite3_stmt *st = scoped(sc, "UPDATE sns_topics SET fifo_seq = fifo_seq + 1 "
                                  "WHERE account = ?1 AND region = ?2 AND name = ?3 "
                                  "RETURNING fifo_seq");
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 1 : -1;
    *seq = sqlite3_column_int64(st, 0);
    sqlite3_step(st);
    return 0;
}

int store_sns_topic_each(const struct sns_scope *sc, const char *after, int limit,
                         store_sns_topic_fn fn, void *ctx)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " TOPIC_COLUMNS " FROM sns_topics "
                                  "WHERE account = ?1 AND region = ?2 AND name > ?3 "
                                  "ORDER BY name LIMIT ?4");
    sqlite3_bind_text(st, 3, after ? after : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sns_topic t = {0};
        read_topic(st, &t);
        int r = fn(ctx, &t);
        store_sns_topic_clear(&t);
        if (r != 0) {
            sqlite3_reset(st);
            return r < 0 ? -1 : 0;
        }
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- subscriptions ------------------------------------------------------------------------ */

int store_sns_sub_get(const struct sns_scope *sc, const char *arn, struct sns_sub *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " SUB_COLUMNS " FROM sns_subscriptions "
                                  "WHERE account = ?1 AND region = ?2 AND arn = ?3");
    sqlite3_bind_text(st, 3, arn, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_sub(st, out);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_sns_sub_by_token(const struct sns_scope *sc, const char *token, struct sns_sub *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " SUB_COLUMNS " FROM sns_subscriptions "
                                  "WHERE token = ?3 AND account = ?1 AND region = ?2");
    sqlite3_bind_text(st, 3, token, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_sub(st, out);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_sns_sub_find(const struct sns_scope *sc, const char *topic, const char *protocol,
                       const char *endpoint, struct sns_sub *out)
{
    sqlite3_stmt *st = scoped(sc, "SELECT " SUB_COLUMNS " FROM sns_subscriptions "
                                  "WHERE account = ?1 AND region = ?2 AND topic = ?3 "
                                  "AND protocol = ?4 AND endpoint = ?5 AND status != 'deleted' "
                                  "LIMIT 1");
    sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, protocol, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, endpoint, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_sub(st, out);
        sqlite3_reset(st);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_sns_sub_put(const struct sns_scope *sc, const struct sns_sub *s)
{
    sqlite3_stmt *st = scoped(sc, "INSERT OR REPLACE INTO sns_subscriptions (account, region, "
                                  SUB_COLUMNS ") VALUES "
                                  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    sqlite3_bind_text(st, 3, s->arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->topic, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->protocol, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, s->endpoint, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, s->owner, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, s->status, -1, SQLITE_STATIC);
    store_bind_opt(st, 9, s->token);
    sqlite3_bind_text(st, 10, s->attrs ? s->attrs : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 11, s->authenticated);
    sqlite3_bind_int64(st, 12, s->created_ms);
    return store_exec_done(st);
}

int store_sns_sub_cancel_deliveries(const struct sns_scope *sc, const char *arn)
{
    sqlite3_stmt *st = store_stmt(sc->st, "UPDATE sns_deliveries SET state = 'cancelled', "
                                          "next_ms = NULL WHERE account = ?1 "
                                          "AND next_ms IS NOT NULL AND sub_arn = ?2");
    sqlite3_bind_text(st, 1, sc->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, arn, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int store_sns_sub_each(const struct sns_scope *sc, const char *topic, const char *after,
                       int limit, store_sns_sub_fn fn, void *ctx)
{
    sqlite3_stmt *st;
    if (topic) {
        st = scoped(sc, "SELECT " SUB_COLUMNS " FROM sns_subscriptions "
                        "WHERE account = ?1 AND region = ?2 AND topic = ?3 AND arn > ?4 "
                        "AND status != 'deleted' ORDER BY arn LIMIT ?5");
        sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
    } else {
        st = scoped(sc, "SELECT " SUB_COLUMNS " FROM sns_subscriptions "
                        "WHERE account = ?1 AND region = ?2 AND arn > ?4 "
                        "AND status != 'deleted' ORDER BY arn LIMIT ?5");
    }
    sqlite3_bind_text(st, 4, after ? after : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sns_sub s = {0};
        read_sub(st, &s);
        int r = fn(ctx, &s);
        store_sns_sub_clear(&s);
        if (r != 0) {
            sqlite3_reset(st);
            return r < 0 ? -1 : 0;
        }
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_sns_sub_counts(const struct sns_scope *sc, const char *topic, int64_t *confirmed,
                         int64_t *pending, int64_t *deleted)
{
    sqlite3_stmt *st = scoped(sc, "SELECT coalesce(sum(status = 'confirmed'), 0), "
                                  "coalesce(sum(status = 'pending'), 0), "
                                  "coalesce(sum(status = 'deleted'), 0) FROM sns_subscriptions "
                                  "WHERE account = ?1 AND region = ?2 AND topic = ?3");
    sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        return -1;
    *confirmed = sqlite3_column_int64(st, 0);
    *pending = sqlite3_column_int64(st, 1);
    *deleted = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    return 0;
}

/* ---- messages ----------------------------------------------------------------------------- */

int store_sns_message_insert(const struct sns_scope *sc, struct sns_message *m)
{
    sqlite3_stmt *st = scoped(sc, "INSERT INTO sns_messages (account, region, message_id, "
                                  "type, topic_arn, target, subject, message, structure, "
                                  "attributes, group_id, dedup_id, sequence_number, token, "
                                  "sub_arn, published_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                  "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
    sqlite3_bind_text(st, 3, m->message_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->type, -1, SQLITE_STATIC);
    store_bind_opt(st, 5, m->topic_arn);
    store_bind_opt(st, 6, m->target);
    store_bind_opt(st, 7, m->subject);
    sqlite3_bind_text(st, 8, m->message ? m->message : "", -1, SQLITE_STATIC);
    store_bind_opt(st, 9, m->structure);
    store_bind_opt(st, 10, m->attributes);
    store_bind_opt(st, 11, m->group_id);
    store_bind_opt(st, 12, m->dedup_id);
    store_bind_opt(st, 13, m->sequence_number);
    store_bind_opt(st, 14, m->token);
    store_bind_opt(st, 15, m->sub_arn);
    sqlite3_bind_int64(st, 16, m->published_ms);
    if (store_exec_done(st) != 0)
        return -1;
    m->seq = sqlite3_last_insert_rowid(store_db(sc->st));
    return 0;
}

int store_sns_message_dedup(const struct sns_scope *sc, const char *topic_arn,
                            const char *dedup_id, int64_t since_ms, char **message_id,
                            char **sequence_number)
{
    sqlite3_stmt *st = scoped(sc, "SELECT message_id, sequence_number FROM sns_messages "
                                  "WHERE account = ?1 AND region = ?2 AND topic_arn = ?3 "
                                  "AND dedup_id = ?4 AND published_ms >= ?5 "
                                  "ORDER BY seq DESC LIMIT 1");
    sqlite3_bind_text(st, 3, topic_arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, dedup_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, since_ms);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 1 : -1;
    *message_id = store_col_dup(st, 0);
    *sequence_number = store_col_dup(st, 1);
    sqlite3_reset(st);
    return 0;
}

int store_sns_message_get(struct store *s, int64_t seq, struct sns_message *out)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " MESSAGE_COLUMNS " FROM sns_messages "
                                     "WHERE seq = ?1");
    sqlite3_bind_int64(st, 1, seq);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_message(st, out);
        sqlite3_reset(st);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_sns_message_each(struct store *s, const char *account, const char *topic_arn,
                           int64_t after, int limit, store_sns_message_fn fn, void *ctx)
{
    sqlite3_stmt *st;
    if (topic_arn) {
        st = store_stmt(s, "SELECT " MESSAGE_COLUMNS " FROM sns_messages WHERE account = ?1 "
                           "AND topic_arn = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4");
        sqlite3_bind_text(st, 2, topic_arn, -1, SQLITE_STATIC);
    } else {
        st = store_stmt(s, "SELECT " MESSAGE_COLUMNS " FROM sns_messages WHERE account = ?1 "
                           "AND seq > ?3 ORDER BY seq LIMIT ?4");
    }
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, after);
    sqlite3_bind_int(st, 4, limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sns_message m = {0};
        read_message(st, &m);
        int r = fn(ctx, &m);
        store_sns_message_clear(&m);
        if (r != 0) {
            sqlite3_reset(st);
            return r < 0 ? -1 : 0;
        }
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- deliveries --------------------------------------------------------------------------- */

int store_sns_delivery_insert(struct store *s, struct sns_delivery *d)
{
    sqlite3_stmt *st = store_stmt(s, "INSERT INTO sns_deliveries (message_seq, account, "
                                     "sub_arn, protocol, endpoint, state, attempts, policy, "
                                     "content_type, raw, body, log, next_ms, last_ms) VALUES "
                                     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                                     "?14)");
    sqlite3_bind_int64(st, 1, d->message_seq);
    sqlite3_bind_text(st, 2, d->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, d->sub_arn, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, d->protocol, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, d->endpoint, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, d->state, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, d->attempts);
    sqlite3_bind_text(st, 8, d->policy ? d->policy : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, d->content_type ? d->content_type : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 10, d->raw);
    sqlite3_bind_text(st, 11, d->body ? d->body : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, d->log ? d->log : "[]", -1, SQLITE_STATIC);
    if (d->next_ms)
        sqlite3_bind_int64(st, 13, d->next_ms);
    else
        sqlite3_bind_null(st, 13);
    sqlite3_bind_int64(st, 14, d->last_ms);
    if (store_exec_done(st) != 0)
        return -1;
    d->id = sqlite3_last_insert_rowid(store_db(s));
    return 0;
}

int store_sns_delivery_get(struct store *s, int64_t id, struct sns_delivery *out)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " DELIVERY_COLUMNS " FROM sns_deliveries "
                                     "WHERE id = ?1");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_delivery(st, out);
        sqlite3_reset(st);
        return 0;
    }
    return rc == SQLITE_DONE ? 1 : -1;
}

int store_sns_delivery_update(struct store *s, const struct sns_delivery *d)
{
    sqlite3_stmt *st = store_stmt(s, "UPDATE sns_deliveries SET state = ?2, attempts = ?3, "
                                     "next_ms = ?4, last_ms = ?5, log = ?6 WHERE id = ?1");
    sqlite3_bind_int64(st, 1, d->id);
    sqlite3_bind_text(st, 2, d->state, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, d->attempts);
    if (d->next_ms)
        sqlite3_bind_int64(st, 4, d->next_ms);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int64(st, 5, d->last_ms);
    sqlite3_bind_text(st, 6, d->log ? d->log : "[]", -1, SQLITE_STATIC);
    return store_exec_done(st);
}

int store_sns_delivery_due(struct store *s, const char *account, int64_t now_ms,
                           int64_t *ids, int max)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT id FROM sns_deliveries WHERE account = ?1 "
                                     "AND next_ms IS NOT NULL AND next_ms <= ?2 "
                                     "ORDER BY next_ms, id LIMIT ?3");
    sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_int(st, 3, max);
    int n = 0, rc;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}

int store_sns_delivery_each(struct store *s, int64_t message_seq, store_sns_delivery_fn fn,
                            void *ctx)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT " DELIVERY_COLUMNS " FROM sns_deliveries "
                                     "WHERE message_seq = ?1 ORDER BY id");
    sqlite3_bind_int64(st, 1, message_seq);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sns_delivery d = {0};
        read_delivery(st, &d);
        int r = fn(ctx, &d);
        store_sns_delivery_clear(&d);
        if (r != 0) {
            sqlite3_reset(st);
            return r < 0 ? -1 : 0;
        }
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_sns_delivery_recover(struct store *s)
{
    sqlite3_stmt *st = store_stmt(s, "UPDATE sns_deliveries SET state = 'pending', "
                                     "next_ms = last_ms WHERE state = 'sending'");
    return store_exec_done(st);
}

/* ---- signing key -------------------------------------------------------------------------- */

int store_sns_signing_get(struct store *s, char **key_pem, char **cert_pem)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT key_pem, cert_pem FROM sns_signing WHERE id = 1");
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 1 : -1;
    *key_pem = store_col_dup(st, 0);
    *cert_pem = store_col_dup(st, 1);
    sqlite3_reset(st);
    return 0;
}

int store_sns_signing_put(struct store *s, const char *key_pem, const char *cert_pem)
{
    sqlite3_stmt *st = store_stmt(s, "INSERT OR REPLACE INTO sns_signing (id, key_pem, "
                                     "cert_pem) VALUES (1, ?1, ?2)");
    sqlite3_bind_text(st, 1, key_pem, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, cert_pem, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

/* ---- tags --------------------------------------------------------------------------------- */

int store_sns_tag_set(const struct sns_scope *sc, const char *arn, const char *key,
                      const char *value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "sns"};
    return store_tag_set(&t, arn, key, value);
}

int store_sns_tag_remove(const struct sns_scope *sc, const char *arn, const char *key)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "sns"};
    return store_tag_remove(&t, arn, key);
}

int store_sns_tag_count(const struct sns_scope *sc, const char *arn, int64_t *n)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "sns"};
    return store_tag_count(&t, arn, n);
}

int store_sns_tag_get(const struct sns_scope *sc, const char *arn, const char *key,
                      char **value)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "sns"};
    return store_tag_get(&t, arn, key, value);
}

int store_sns_tags(const struct sns_scope *sc, const char *arn, cJSON *into)
{
    struct tag_scope t = {sc->st, sc->account, sc->region, "sns"};
    return store_tags_append(&t, arn, into, "Key", "Value");
}
