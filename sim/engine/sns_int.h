/*
 * sns_int.h - what the SNS files share: the API handlers (sim/services/sns.c), the delivery
 * engine (sim/engine/sns.c), the control API (sim/control/control.c) and the unit tests.
 *
 * Pure helpers first (delivery policies and their retry schedule, the string to sign, filter
 * policies), then the engine entry points the handlers call. Everything here runs on the loop
 * thread; the functions that write expect the caller's store transaction.
 */
#ifndef DRILLSIM_ENGINE_SNS_INT_H
#define DRILLSIM_ENGINE_SNS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct sim;
struct team;
struct sns_scope;
struct sns_sub;

/* ---- HTTP/S delivery policies --------------------------------------------------------------
 * A healthyRetryPolicy, as AWS documents it: after the first attempt, numRetries retries in
 * four phases - numNoDelayRetries at once, numMinDelayRetries minDelayTarget apart, then the
 * backoff phase (the retries left over) whose delays go from minDelayTarget to
 * maxDelayTarget along backoffFunction, and numMaxDelayRetries maxDelayTarget apart. AWS's
 * default for HTTP/S: 3 retries, 20 s apart, linear. AWS publishes the backoff curves only as
 * a graph, so drillsim defines them: with the k-th of n backoff retries at t = (k-1)/(n-1)
 * (t = 0 when n = 1) and min/max the two targets, the delay is
 *   linear       min + (max - min) * t
 *   arithmetic   min + (max - min) * t^2
 *   geometric    min * (max / min)^t
 *   exponential  min + (max - min) * (2^(n t) - 1) / (2^n - 1)
 * rounded to whole seconds. AWS also adds jitter; drillsim does not (so that a manual-clock
 * test knows when each retry is due). */
enum sns_backoff {
    SNS_BACKOFF_LINEAR,
    SNS_BACKOFF_ARITHMETIC,
    SNS_BACKOFF_GEOMETRIC,
    SNS_BACKOFF_EXPONENTIAL,
};

struct sns_retry_policy {
    int min_delay_s;
    int max_delay_s;
    int num_retries;
    int num_no_delay;
    int num_min_delay;
    int num_max_delay;
    enum sns_backoff backoff;
};

#define SNS_DEFAULT_CONTENT_TYPE "text/plain; charset=UTF-8"
#define SNS_MAX_RETRIES 100
#define SNS_MAX_DELAY_S 3600
#define SNS_MAX_TOTAL_RETRY_S 3600

/* Fills p with AWS's default HTTP/S policy. */
void sns_retry_default(struct sns_retry_policy *p);
/* Reads a healthyRetryPolicy object into p (members it lacks keep p's values) and checks it.
 * path names the object in error texts ("http.defaultHealthyRetryPolicy"). Returns 0, or -1
 * with err set to AWS's reason ("http.defaultHealthyRetryPolicy.numRetries must be less
 * than or equal to 100", "Unexpected JSON member: x"). */
int sns_retry_parse(const cJSON *obj, const char *path, struct sns_retry_policy *p, char *err,
                    size_t errlen);
/* The policy as AWS prints it (all seven members). Returns a new object. */
cJSON *sns_retry_json(const struct sns_retry_policy *p);
/* Reads back what sns_retry_json wrote (or any partial policy, over the defaults). */
void sns_retry_from_json(const char *text, struct sns_retry_policy *p);
/* The delay in seconds before retry number `retry` (1 = the first retry after the first
 * attempt), or -1 when the policy allows no such retry. */
int sns_retry_delay_s(const struct sns_retry_policy *p, int retry);

/* Checks a topic DeliveryPolicy ({"http": {...}}) or a subscription DeliveryPolicy
 * ({"healthyRetryPolicy", "throttlePolicy", "requestPolicy", ...}) given as text. Returns 0,
 * or -1 with err set to AWS's reason (without the "DeliveryPolicy: " prefix). */
int sns_delivery_policy_check(const char *text, int topic, char *err, size_t errlen);
/* The topic's EffectiveDeliveryPolicy for its DeliveryPolicy text (NULL = none). New JSON
 * text, caller frees. */
char *sns_topic_effective_policy(const char *topic_policy);
/* A subscription's DeliveryPolicy as AWS prints it back, and its EffectiveDeliveryPolicy
 * given the topic's policy. New JSON text, caller frees; sub_policy may be NULL. */
char *sns_sub_policy_normalized(const char *sub_policy);
char *sns_sub_effective_policy(const char *sub_policy, const char *topic_policy);
/* What a delivery to an HTTP/S subscription uses: the retry policy and the Content-Type of
 * notifications. content_type gets a static or owned-by-nobody string copied into it. */
void sns_delivery_settings(const char *sub_policy, const char *topic_policy,
                           struct sns_retry_policy *retry, char *content_type, size_t n);

/* The SequenceNumber of the seq-th message of a FIFO topic: 20 digits, as AWS's. */
void sns_sequence_number(int64_t seq, char out[32]);

/* ---- message signatures ---------------------------------------------------------------------
 * The string to sign of a message (Notification: Message, MessageId, Subject if present,
 * Timestamp, TopicArn, Type; SubscriptionConfirmation and UnsubscribeConfirmation: Message,
 * MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type), each as "Name\nvalue\n", from
 * the message's JSON object. Returns a new string, or NULL when a member is missing. */
char *sns_string_to_sign(const cJSON *msg);
/* Signs text with drillsim's key (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) and
 * returns the base64 signature (caller frees), or NULL on failure. */
char *sns_sign(struct sim *sim, const char *text, int version);
/* drillsim's signing certificate in PEM (generated and stored on first use). Returns a new
 * string (caller frees) or NULL on failure. */
char *sns_cert_pem(struct sim *sim);

/* ---- filter policies (the simple subset) ----------------------------------------------------
 * Keys map to arrays of conditions; a key matches when any of its conditions does, and the
 * message when every key does. Conditions: exact strings and numbers, null, {"prefix"},
 * {"suffix"}, {"equals-ignore-case"}, {"anything-but": value | [values] | {"prefix"}},
 * {"numeric": [op, n (, op, n)]}, {"exists": bool}; with FilterPolicyScope MessageBody,
 * nested objects follow the message's JSON. */
/* Checks a FilterPolicy text. Returns 0, or -1 with err set to the reason. */
int sns_filter_check(const char *policy, char *err, size_t errlen);
/* Whether a message passes: attributes is the MessageAttributes document (may be NULL),
 * body the message (used with scope MessageBody). Returns 1 or 0. */
int sns_filter_match(const char *policy, int body_scope, const cJSON *attributes,
                     const char *body);

/* ---- the engine -------------------------------------------------------------------------- */

/* This server's URL ("http://127.0.0.1:4566"), for the URLs messages carry. */
const char *sns_self_url(const struct sim *sim);

/* A message to publish to a topic that exists (the handler has checked everything). */
struct sns_publish_in {
    const char *topic_arn;
    const char *topic_name;
    const char *topic_attrs;   /* the topic's attributes (JSON text) */
    const char *subject;       /* or NULL */
    const char *message;       /* the default message */
    const cJSON *structure;    /* MessageStructure=json: the parsed object; else NULL */
    const cJSON *attributes;   /* MessageAttributes or NULL */
    const char *group_id;      /* or NULL */
    const char *dedup_id;      /* or NULL */
    const char *sequence_number; /* FIFO topics, or NULL */
};

/* Keeps the message and creates one delivery per confirmed subscription of the topic (the
 * HTTP/S ones start at once, the others are recorded), drawing the MessageId from the
 * team's id generator. Returns 0 and writes message_id, or -1 on a store error. */
int sns_publish_message(struct sim *sim, struct team *team, const struct sns_scope *sc,
                        const struct sns_publish_in *in, int64_t now_ms, char message_id[37]);
/* Keeps a message published to a phone number (PhoneNumber): recorded, not sent. */
int sns_publish_sms(struct sim *sim, struct team *team, const struct sns_scope *sc,
                    const char *phone, const char *message, const cJSON *attributes,
                    int64_t now_ms, char message_id[37]);
/* Sends sub a SubscriptionConfirmation or UnsubscribeConfirmation (type) carrying its token:
 * delivered to HTTP/S endpoints, recorded for email. Returns 0 or -1. */
int sns_send_confirmation(struct sim *sim, struct team *team, const struct sns_scope *sc,
                          const struct sns_sub *sub, const char *topic_arn, const char *type,
                          int64_t now_ms);
/* Asks for due deliveries to be started as soon as the loop is free (after the current
 * request's transaction commits). */
void sns_kick(struct sim *sim);
/* GET /_drill/sns/messages: account's messages (of topic_arn, or all) after seq `after`, at
 * most limit, each with its deliveries. Returns a new object {"messages": [...],
 * "nextToken"?}, or NULL on a store error. */
cJSON *sns_messages_json(struct sim *sim, const char *account, const char *topic_arn,
                         int64_t after, int limit);

#endif
