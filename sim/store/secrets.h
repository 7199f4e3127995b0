/*
 * secrets.h - what other modules read of Secrets Manager secrets (RDS Proxy's credentials).
 * (Contract; the implementation is being written.)
 */
#ifndef DRILLSIM_STORE_SECRETS_H
#define DRILLSIM_STORE_SECRETS_H

struct store;

struct secret_info {
    char arn[256];
    char name[512];
    int deleted;        /* scheduled for deletion (GetSecretValue would fail) */
    int has_value;      /* an AWSCURRENT version with a SecretString exists */
    int has_user_pass;  /* that SecretString is a JSON object with "username" and "password" */
};

/* Looks a secret up by name, full ARN or partial ARN (without the 6-character suffix) in
 * (account, region). Returns 0 and fills *out, 1 if there is no such secret, -1 on error. */
int secrets_find(struct store *st, const char *account, const char *region, const char *id,
                 struct secret_info *out);

#endif
