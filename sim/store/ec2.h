/*
 * ec2.h - the EC2 network that ECS (and later RDS Proxy) look up: VPCs, subnets, security
 * groups, per (account, region). (Contract; the implementation is being written.)
 *
 * Every account and region has a default VPC (172.31.0.0/16) with one default subnet per
 * availability zone and a default security group, as AWS accounts do. They are created on
 * first use, with ids derived from (account, region) only, so they are the same whatever
 * order requests arrive in.
 */
#ifndef DRILLSIM_STORE_EC2_H
#define DRILLSIM_STORE_EC2_H

struct store;

struct ec2_subnet {
    char id[32];     /* subnet-0123456789abcdef0 */
    char vpc_id[32]; /* vpc-0123456789abcdef0 */
    char az[32];     /* us-east-1a */
    char cidr[20];   /* 172.31.0.0/20 */
};

struct ec2_security_group {
    char id[32];     /* sg-0123456789abcdef0 */
    char vpc_id[32];
    char name[256];
};

/* Creates the default VPC, subnets and security group of (account, region) if missing.
 * Returns 0 or -1. */
int ec2_ensure_defaults(struct store *st, const char *account, const char *region);
/* Looks a subnet up (creating the defaults first). Returns 0 and fills *out, 1 if there is no
 * such subnet, -1 on a store error. */
int ec2_find_subnet(struct store *st, const char *account, const char *region, const char *id,
                    struct ec2_subnet *out);
/* Looks a security group up likewise. Returns 0 / 1 / -1. */
int ec2_find_security_group(struct store *st, const char *account, const char *region,
                            const char *id, struct ec2_security_group *out);

#endif
