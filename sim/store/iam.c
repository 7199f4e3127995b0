/* iam.c - IAM storage (skeleton; being written). */
#include "store/iam.h"

int iam_role_find(struct store *st, const char *account, const char *id,
                  struct iam_role_info *out)
{
    (void)st, (void)account, (void)id, (void)out;
    return -1;
}
