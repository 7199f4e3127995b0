/* sns.c - SNS publishing and delivery (skeleton; being written). */
#include "engine/sns.h"

int sns_publish(struct sim *sim, struct team *team, const char *topic_arn, const char *subject,
                const char *message, const cJSON *attributes, int64_t now_ms,
                char message_id[37])
{
    (void)sim, (void)team, (void)topic_arn, (void)subject, (void)message, (void)attributes;
    (void)now_ms, (void)message_id;
    return 1;
}

int sns_tick(struct tick *t)
{
    (void)t;
    return 0;
}
