/*
 * iam.h - what other modules read of IAM roles (RDS Proxy's RoleArn). IAM is global: rows are
 * scoped by account only. (Contract; the implementation is being written.)
 */
#ifndef DRILLSIM_STORE_IAM_H
#define DRILLSIM_STORE_IAM_H

struct store;

struct iam_role_info {
    char arn[256];
    char name[128];
    char role_id[32];
    int trusts_rds; /* the trust policy allows the service principal rds.amazonaws.com */
};

/* Looks a role up by name or ARN in account. Returns 0 and fills *out, 1 if there is no such
 * role, -1 on error. */
int iam_role_find(struct store *st, const char *account, const char *id,
                  struct iam_role_info *out);

#endif
