/* logs.c - CloudWatch Logs storage (skeleton; being written). */
#include "store/logs.h"

int logs_scan(struct store *st, const char *account, const char *region,
              const char *const *groups, int ngroups, int64_t start_ms, int64_t end_ms, int desc,
              const char *like, struct logs_cursor *cursor, int max,
              int (*fn)(void *ctx, const struct log_event *ev), void *ctx)
{
    (void)st, (void)account, (void)region, (void)groups, (void)ngroups, (void)start_ms;
    (void)end_ms, (void)desc, (void)like, (void)cursor, (void)max, (void)fn, (void)ctx;
    return -1;
}

int logs_get_event(struct store *st, const char *account, const char *region, int64_t id,
                   int (*fn)(void *ctx, const struct log_event *ev), void *ctx)
{
    (void)st, (void)account, (void)region, (void)id, (void)fn, (void)ctx;
    return -1;
}

int logs_group_exists(struct store *st, const char *account, const char *region,
                      const char *group)
{
    (void)st, (void)account, (void)region, (void)group;
    return -1;
}
