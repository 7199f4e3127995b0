/* rds.c - RDS storage (skeleton; being written). */
#include "store/rds.h"

int rds_cluster_info(struct store *st, const char *account, const char *region, const char *id,
                     struct rds_cluster_info *out)
{
    (void)st, (void)account, (void)region, (void)id, (void)out;
    return -1;
}
