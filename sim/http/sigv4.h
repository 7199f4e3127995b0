/*
 * sigv4.h - reading identity out of a SigV4 Authorization header.
 *
 * drillsim does not verify signatures (neither do moto nor LocalStack by default); it takes
 * the tenant from the credential: the access key id selects the account (a 12-digit key is
 * its own account, anything else is the default account) and the credential scope gives the
 * region and the signing name of the service.
 */
#ifndef DRILLSIM_SIGV4_H
#define DRILLSIM_SIGV4_H

#include <stddef.h>

struct sigv4_cred {
    char access_key[129];
    char date[9];
    char region[32];
    char service[48];
};

/*
 * Parses "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/monitoring/aws4_request,
 * SignedHeaders=..., Signature=...". Components may be separated by "," or ", ".
 * Returns 0 and fills *out, or -1 if the header is not a well-formed SigV4 header.
 */
int sigv4_parse(const char *header, struct sigv4_cred *out);
/* Writes the account for an access key id: the key itself when it is 12 digits, else the
 * default account. */
void sigv4_account(const char *access_key, char out[13]);

#endif
