/* metricstat.c - CloudWatch statistics (skeleton; being written). */
#include "engine/metricstat.h"

int metricstat_valid(const char *stat)
{
    (void)stat;
    return 0;
}

int metricstat_series(struct store *st, const struct ms_query *q, struct mm_series *out)
{
    (void)st;
    (void)q;
    (void)out;
    return -1;
}
