/*
 * sns.h - the SNS tables: topics, subscriptions, every published message, the deliveries of
 * each message to each subscription, and drillsim's signing key.
 *
 * Tables (sim/store/schema.c, the SNS migration):
 *   sns_topics         one row per topic, scoped by (account, region): its ARN, the
 *                      attributes the caller set (a JSON object of strings; the derived ones
 *                      such as Owner or SubscriptionsConfirmed are computed when read) and the
 *                      FIFO sequence counter;
 *   sns_subscriptions  one row per subscription: protocol, endpoint, status ('pending' until
 *                      confirmed, 'confirmed', 'deleted' once unsubscribed but restorable by
 *                      the token of its UnsubscribeConfirmation), the confirmation token, the
 *                      attributes set (JSON object of strings);
 *   sns_messages       every message drillsim published or sent on its own account: Publish
 *                      notifications, subscription and unsubscribe confirmations, with the
 *                      Timestamp it was given (kept for GET /_drill/sns/messages);
 *   sns_deliveries     one row per (message, subscription): the exact body and content type
 *                      it is sent with, the effective retry policy (JSON), its state and the
 *                      log of attempts (JSON array). next_ms is set exactly while a delivery
 *                      waits for its next attempt, so the tick's query is an index range;
 *   sns_signing        one row: the RSA key and self-signed certificate (PEM) that sign every
 *                      message, generated once and kept so signatures verify across restarts;
 *   tags               the generic tag table; SNS rows have service 'sns' and the topic ARN.
 * The functions only read and write rows; every AWS rule lives in sim/services/sns.c and
 * sim/engine/sns.c. Writes run inside the caller's transaction.
 *
 * Return convention: 0 = done / found, 1 = not found, -1 = SQLite error. Structs filled by a
 * getter own their strings; clear them with the matching _clear function.
 */
#ifndef DRILLSIM_STORE_SNS_H
#define DRILLSIM_STORE_SNS_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct store;

/* The scope every topic and subscription call works in. */
struct sns_scope {
    struct store *st;
    const char *account;
    const char *region;
};

struct sns_topic {
    char *name;
    char *arn;
    char *attrs; /* JSON object text */
    int64_t fifo_seq;
    int64_t created_ms;
};

struct sns_sub {
    char *arn;
    char *topic; /* the topic's name */
    char *protocol;
    char *endpoint;
    char *owner;
    char *status; /* pending | confirmed | deleted */
    char *token;  /* NULL when none is outstanding */
    char *attrs;  /* JSON object text */
    int authenticated; /* the confirmation request was signed */
    int64_t created_ms;
};

struct sns_message {
    int64_t seq;
    char *region;
    char *message_id;
    char *type; /* Notification | SubscriptionConfirmation | UnsubscribeConfirmation */
    char *topic_arn;
    char *target; /* PhoneNumber or TargetArn when not a topic; NULL otherwise */
    char *subject;
    char *message;
    char *structure;  /* MessageStructure=json: the JSON object text; NULL otherwise */
    char *attributes; /* MessageAttributes as JSON, NULL when none */
    char *group_id;
    char *dedup_id;
    char *sequence_number;
    char *token;   /* confirmations: the token */
    char *sub_arn; /* confirmations: the subscription */
    int64_t published_ms;
};

struct sns_delivery {
    int64_t id;
    int64_t message_seq;
    char *account;
    char *sub_arn;
    char *protocol;
    char *endpoint;
    char *state; /* pending | sending | delivered | rejected | failed | recorded | filtered |
                    cancelled */
    int attempts;
    char *policy; /* the effective healthyRetryPolicy, JSON */
    char *content_type;
    int raw;
    char *body;
    char *log; /* JSON array of attempts */
    int64_t next_ms; /* 0 = none (not waiting) */
    int64_t last_ms;
};

void store_sns_topic_clear(struct sns_topic *t);
void store_sns_sub_clear(struct sns_sub *s);
void store_sns_message_clear(struct sns_message *m);
void store_sns_delivery_clear(struct sns_delivery *d);

/* Topics. */
int store_sns_topic_get(const struct sns_scope *sc, const char *name, struct sns_topic *out);
/* Inserts or replaces the topic row. Returns 0 or -1. */
int store_sns_topic_put(const struct sns_scope *sc, const struct sns_topic *t);
/* Deletes the topic, its subscriptions and tags, and cancels its waiting deliveries.
 * Returns 0, 1 (no such topic) or -1. */
int store_sns_topic_delete(const struct sns_scope *sc, const char *name, const char *arn);
/* Increments the topic's FIFO sequence counter and returns its new value in *seq. */
int store_sns_topic_next_seq(const struct sns_scope *sc, const char *name, int64_t *seq);
/* Calls fn for up to limit topics whose name is greater than after (NULL = from the start),
 * in name order; fn returns 0 to go on, 1 to stop, -1 to fail. Returns 0 or -1. */
typedef int (*store_sns_topic_fn)(void *ctx, const struct sns_topic *t);
int store_sns_topic_each(const struct sns_scope *sc, const char *after, int limit,
                         store_sns_topic_fn fn, void *ctx);

/* Subscriptions. */
int store_sns_sub_get(const struct sns_scope *sc, const char *arn, struct sns_sub *out);
int store_sns_sub_by_token(const struct sns_scope *sc, const char *token, struct sns_sub *out);
/* The topic's live (not deleted) subscription of protocol to endpoint, if any. */
int store_sns_sub_find(const struct sns_scope *sc, const char *topic, const char *protocol,
                       const char *endpoint, struct sns_sub *out);
int store_sns_sub_put(const struct sns_scope *sc, const struct sns_sub *s);
/* Cancels the subscription's waiting deliveries. Returns 0 or -1. */
int store_sns_sub_cancel_deliveries(const struct sns_scope *sc, const char *arn);
/* Live subscriptions (of topic, or of every topic when topic is NULL) with an ARN greater
 * than after, in ARN order, up to limit. Same callback contract as the topic iteration. */
typedef int (*store_sns_sub_fn)(void *ctx, const struct sns_sub *s);
int store_sns_sub_each(const struct sns_scope *sc, const char *topic, const char *after,
                       int limit, store_sns_sub_fn fn, void *ctx);
/* Counts the topic's subscriptions by status. */
int store_sns_sub_counts(const struct sns_scope *sc, const char *topic, int64_t *confirmed,
                         int64_t *pending, int64_t *deleted);

/* Messages. */
/* Inserts m (its seq is assigned and written back). Returns 0 or -1. */
int store_sns_message_insert(const struct sns_scope *sc, struct sns_message *m);
/* The MessageId and SequenceNumber of a message published to topic_arn with dedup_id at or
 * after since_ms (FIFO deduplication). Returns 0, 1 (none) or -1. */
int store_sns_message_dedup(const struct sns_scope *sc, const char *topic_arn,
                            const char *dedup_id, int64_t since_ms, char **message_id,
                            char **sequence_number);
int store_sns_message_get(struct store *st, int64_t seq, struct sns_message *out);
/* Messages of account (every region), optionally of one topic ARN, with seq > after, oldest
 * first, up to limit. Same callback contract. */
typedef int (*store_sns_message_fn)(void *ctx, const struct sns_message *m);
int store_sns_message_each(struct store *st, const char *account, const char *topic_arn,
                           int64_t after, int limit, store_sns_message_fn fn, void *ctx);

/* Deliveries. */
int store_sns_delivery_insert(struct store *st, struct sns_delivery *d);
int store_sns_delivery_get(struct store *st, int64_t id, struct sns_delivery *out);
/* Writes state, attempts, next_ms, last_ms and log of d->id. Returns 0 or -1. */
int store_sns_delivery_update(struct store *st, const struct sns_delivery *d);
/* Writes up to max ids of account's deliveries due at now_ms (next_ms <= now_ms), earliest
 * first. Returns the number written, or -1. */
int store_sns_delivery_due(struct store *st, const char *account, int64_t now_ms,
                           int64_t *ids, int max);
/* The deliveries of one message, in id order. Same callback contract. */
typedef int (*store_sns_delivery_fn)(void *ctx, const struct sns_delivery *d);
int store_sns_delivery_each(struct store *st, int64_t message_seq, store_sns_delivery_fn fn,
                            void *ctx);
/* Deliveries left 'sending' by a previous run become due again at once. Returns 0 or -1. */
int store_sns_delivery_recover(struct store *st);

/* The signing key and certificate. Returns 0 (both set, caller frees), 1 (none yet) or -1. */
int store_sns_signing_get(struct store *st, char **key_pem, char **cert_pem);
int store_sns_signing_put(struct store *st, const char *key_pem, const char *cert_pem);

/* Tags of a topic (resource = its ARN): set (insert or replace), remove, count, and add
 * every tag to `into` as {"Key","Value"} objects in key order. */
int store_sns_tag_set(const struct sns_scope *sc, const char *arn, const char *key,
                      const char *value);
int store_sns_tag_remove(const struct sns_scope *sc, const char *arn, const char *key);
int store_sns_tag_count(const struct sns_scope *sc, const char *arn, int64_t *n);
/* Returns the value of tag key in *value (caller frees), 0 / 1 (no such tag) / -1. */
int store_sns_tag_get(const struct sns_scope *sc, const char *arn, const char *key,
                      char **value);
int store_sns_tags(const struct sns_scope *sc, const char *arn, cJSON *into);

#endif
