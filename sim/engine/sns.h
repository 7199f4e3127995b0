/*
 * sns.h - publishing to SNS topics from inside drillsim (CloudWatch alarm actions) and the
 * delivery of messages to subscribers.
 *
 * Deliveries to HTTP/S subscribers are real HTTP POSTs (sim/http/outbound.c), started as soon
 * as a message is published and retried on the team's sim time by sns_tick, as the delivery
 * policy says (AWS's default: 3 retries, 20 s apart). What the SNS API handlers share with the
 * engine is in engine/sns_int.h.
 */
#ifndef DRILLSIM_ENGINE_SNS_H
#define DRILLSIM_ENGINE_SNS_H

#include <stdint.h>

#include <cjson/cJSON.h>
#include <uv.h>

struct sim;
struct team;
struct tick;

/*
 * Publishes a message to a topic as the Publish API does: the message is kept (readable at
 * GET /_drill/sns/messages) and delivered to every confirmed subscription asynchronously, with
 * retries on sim time. topic_arn names the topic (its region and account must be the team's).
 * attributes: SNS MessageAttributes ({"name": {"DataType", "StringValue"}}) or NULL.
 * Returns 0 and writes the MessageId, 1 if there is no such topic, -1 on a store error.
 */
int sns_publish(struct sim *sim, struct team *team, const char *topic_arn, const char *subject,
                const char *message, const cJSON *attributes, int64_t now_ms,
                char message_id[37]);
/* The tick sub-step: starts deliveries that are due. */
int sns_tick(struct tick *t);
/* Starts the delivery machinery on loop (the outbound HTTP client and the timer that starts
 * new deliveries); deliveries a previous run left in flight become due again. Returns 0, or
 * -1 when the HTTP client cannot start (deliveries then wait). */
int sns_start(struct sim *sim, uv_loop_t *loop);
/* Stops it: requests in flight are abandoned (they are retried at the next start). */
void sns_stop(void);

#endif
