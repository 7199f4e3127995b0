/* filter_pattern.c - CloudWatch Logs filter patterns (skeleton; being written). */
#include "insights/filter_pattern.h"

#include "util/xmalloc.h"

int fp_compile(const char *text, struct fp_pattern **out, char **error)
{
    (void)text;
    (void)out;
    *error = xstrdup("filter patterns are not implemented yet");
    return -1;
}

int fp_match(const struct fp_pattern *p, const char *message, size_t len)
{
    (void)p, (void)message, (void)len;
    return 0;
}

void fp_free(struct fp_pattern *p)
{
    (void)p;
}
