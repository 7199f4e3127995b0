/*
 * ec2.h - the EC2 network that ECS (and later RDS Proxy) look up: VPCs, subnets, security
 * groups, per (account, region), and the availability zones of a region.
 *
 * Every account and region has a default VPC (172.31.0.0/16) with one default subnet per
 * availability zone and a default security group, as AWS accounts do. They are created on
 * first use, with ids derived from (account, region) only, so they are the same whatever
 * order requests arrive in (and after a reset of the store).
 *
 * Tables (sim/store/schema.c, migration 5), every row scoped by (account, region):
 *   ec2_vpcs             one row per VPC;
 *   ec2_subnets          one row per subnet, with its AZ and zone id;
 *   ec2_security_groups  one row per group; its rules are kept as the JSON arrays the API
 *                        returns (IpPermissions / IpPermissionsEgress in the neutral form);
 *   tags                 the generic tag table; EC2 rows have service 'ec2' and the resource
 *                        id (vpc-..., subnet-..., sg-...) as resource.
 *
 * Availability zones are not stored: ec2_zones() knows each region's zone names and ids.
 * us-east-1 has six (us-east-1a..f = use1-az1..az6), us-west-2 four, us-west-1 two (a and
 * c), ap-northeast-1 three (a, c, d), ap-northeast-2 four, ca-central-1 three (a, b, d), the
 * other well-known regions and any unknown region three (a, b, c). Zone ids are the region's
 * AWS abbreviation (use1, usw2, euc1, apse1, cac1, ...) and az1..azN in letter order.
 *
 * The fixture path (a later issue) adds VPCs, subnets, security groups, rules and tags with
 * explicit ids through ec2_insert_*, ec2_sg_add_rule and ec2_set_tag. Ids must look like the
 * ones AWS issues: the prefix, a dash and 8 or 17 lower-case hex digits (ec2_id_ok).
 *
 * Writes run inside the caller's transaction when there is one, else in their own.
 * Return convention: 0 = done / found, 1 = not found or refused (*cause says why, when the
 * function has one), -1 = SQLite error.
 */
#ifndef DRILLSIM_STORE_EC2_H
#define DRILLSIM_STORE_EC2_H

struct store;

struct ec2_subnet {
    char id[32];     /* subnet-0123456789abcdef0 */
    char vpc_id[32]; /* vpc-0123456789abcdef0 */
    char az[32];     /* us-east-1a */
    char cidr[20];   /* 172.31.0.0/20 */
    /* filled by ec2_find_subnet / ec2_list_subnets; for ec2_insert_subnet only
     * default_for_az and map_public_ip are read */
    char az_id[24];      /* use1-az1 */
    char state[16];      /* available */
    int available_ips;   /* 4091 for a /20 */
    int default_for_az;  /* 0 / 1 */
    int map_public_ip;   /* mapPublicIpOnLaunch: 0 / 1 */
};

struct ec2_security_group {
    char id[32];     /* sg-0123456789abcdef0 */
    char vpc_id[32];
    char name[256];
    char description[256]; /* filled by ec2_find_security_group / ec2_list_security_groups */
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

/* ---- listings (the Describe* handlers); each creates the defaults first ------------------ */

struct ec2_vpc {
    char id[32];
    char cidr[20];
    char state[16];
    int is_default;
    char dhcp_options_id[32];
    char tenancy[16];       /* default */
    char cidr_assoc_id[48]; /* vpc-cidr-assoc-... */
};

/* A security group with its rules: JSON arrays of IpPermission objects in the neutral form
 * (owned by the listing; ec2_free_security_groups frees them). */
struct ec2_sg {
    struct ec2_security_group g;
    char *ingress;
    char *egress;
};

struct ec2_tag {
    char resource[32];
    char key[512];
    char value[1024];
};

/* Each sets *out to a new array of the tenant's rows ordered by id (caller frees; NULL when
 * there are none) and *n to their number. Return 0 or -1. */
int ec2_list_vpcs(struct store *st, const char *account, const char *region,
                  struct ec2_vpc **out, int *n);
int ec2_list_subnets(struct store *st, const char *account, const char *region,
                     struct ec2_subnet **out, int *n);
int ec2_list_security_groups(struct store *st, const char *account, const char *region,
                             struct ec2_sg **out, int *n);
void ec2_free_security_groups(struct ec2_sg *v, int n);
/* Every EC2 tag of the tenant, ordered by (resource, key). */
int ec2_list_tags(struct store *st, const char *account, const char *region,
                  struct ec2_tag **out, int *n);

/* ---- the region's availability zones ---------------------------------------------------- */

#define EC2_MAX_ZONES 8

struct ec2_zone {
    char name[32]; /* us-east-1a (the region name is cut at 30 characters) */
    char id[24];   /* use1-az1 */
};

/* Writes the zones of region into out (at most EC2_MAX_ZONES) and returns their number. */
int ec2_zones(const char *region, struct ec2_zone out[EC2_MAX_ZONES]);

/* ---- ids ---------------------------------------------------------------------------------- */

/* Returns 1 if id is prefix, "-" and 8 or 17 lower-case hex digits ("vpc-0a1b2c3d"). */
int ec2_id_ok(const char *id, const char *prefix);

/* ---- the fixture path: explicit ids ------------------------------------------------------ */

/* Adds a VPC (not the default one) with the given id and IPv4 CIDR (a /16 to /28 network
 * address). Returns 0, 1 with *cause set (malformed id or CIDR, id taken), or -1. The caller
 * frees *cause. */
int ec2_insert_vpc(struct store *st, const char *account, const char *region, const char *id,
                   const char *cidr, char **cause);
/* Adds the subnet s->id in VPC s->vpc_id, zone s->az (one of the region's zones), CIDR
 * s->cidr (inside the VPC's CIDR, overlapping none of its subnets), with s->default_for_az
 * and s->map_public_ip; the zone id, the available address count (the block size minus 5)
 * and the state (available) are derived. Returns 0, 1 with *cause set, or -1. */
int ec2_insert_subnet(struct store *st, const char *account, const char *region,
                      const struct ec2_subnet *s, char **cause);
/* Adds the security group g->id named g->name (unique in its VPC, not "default") with
 * g->description to VPC g->vpc_id. Like a group made with CreateSecurityGroup it has no
 * inbound rule and one outbound rule to 0.0.0.0/0. Returns 0, 1 with *cause set, or -1. */
int ec2_insert_security_group(struct store *st, const char *account, const char *region,
                              const struct ec2_security_group *g, char **cause);

/* One rule: protocol "tcp", "udp", "icmp" or "-1" (all; ports are then not reported), a
 * port range, and exactly one source/destination: an IPv4 CIDR or a security group id of the
 * same account. */
struct ec2_rule {
    const char *protocol;
    int from_port;
    int to_port;
    const char *cidr;         /* or NULL */
    const char *group_id;     /* or NULL */
    const char *description;  /* or NULL */
};

/* Adds rule r to the inbound (egress = 0) or outbound (egress = 1) rules of group_id,
 * merged into the permission with the same protocol and ports as AWS reports them.
 * Returns 0, 1 with *cause set (no such group, bad rule, duplicate), or -1. */
int ec2_sg_add_rule(struct store *st, const char *account, const char *region,
                    const char *group_id, int egress, const struct ec2_rule *r, char **cause);
/* Sets tag key = value on the VPC, subnet or security group id (replacing the value of an
 * existing key). Returns 0, 1 with *cause set (no such resource), or -1. */
int ec2_set_tag(struct store *st, const char *account, const char *region, const char *id,
                const char *key, const char *value, char **cause);

#endif
