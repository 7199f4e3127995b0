/* secrets.c - Secrets Manager storage (skeleton; being written). */
#include "store/secrets.h"

int secrets_find(struct store *st, const char *account, const char *region, const char *id,
                 struct secret_info *out)
{
    (void)st, (void)account, (void)region, (void)id, (void)out;
    return -1;
}
