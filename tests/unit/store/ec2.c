/*
 * Tests of sim/store/ec2.c: the default network of every (account, region), its ids derived
 * from the tenant alone, the look-ups ECS relies on, the zones of a region, and the fixture
 * path that adds VPCs, subnets, security groups, rules and tags with explicit ids.
 */
#include "store/ec2.h"
#include "store/store.h"
#include "store_util.h"
#include "t.h"

#define A1 "111111111111"
#define A2 "222222222222"


/* Returns the id of the default VPC / subnet i / security group of the tenant. */
static void defaults(struct store *st, const char *account, const char *region, char vpc[32],
                     char subnet0[32], char sg[32])
{
    struct ec2_vpc *v;
    struct ec2_subnet *s;
    struct ec2_sg *g;
    int nv, ns, ng;
    T_EQ_INT(ec2_list_vpcs(st, account, region, &v, &nv), 0);
    T_EQ_INT(nv, 1);
    T_EQ_INT(v[0].is_default, 1);
    memcpy(vpc, v[0].id, 32);
    free(v);
    T_EQ_INT(ec2_list_subnets(st, account, region, &s, &ns), 0);
    T_ASSERT(ns >= 2);
    for (int i = 0; i < ns; i++) {
        if (strcmp(s[i].cidr, "172.31.0.0/20") == 0)
            memcpy(subnet0, s[i].id, 32);
    }
    free(s);
    T_EQ_INT(ec2_list_security_groups(st, account, region, &g, &ng), 0);
    T_EQ_INT(ng, 1);
    memcpy(sg, g[0].g.id, 32);
    ec2_free_security_groups(g, ng);
}

TEST(store_ec2_defaults)
{
    struct store *st = open_store();
    struct ec2_vpc *v;
    struct ec2_subnet *s;
    struct ec2_sg *g;
    int n;
    T_EQ_INT(ec2_list_vpcs(st, A1, "us-east-1", &v, &n), 0);
    T_EQ_INT(n, 1);
    T_ASSERT(ec2_id_ok(v[0].id, "vpc"));
    T_EQ_INT((int)strlen(v[0].id), 21); /* vpc- and 17 hex digits */
    T_EQ_STR(v[0].cidr, "172.31.0.0/16");
    T_EQ_STR(v[0].state, "available");
    T_EQ_STR(v[0].tenancy, "default");
    T_ASSERT(ec2_id_ok(v[0].dhcp_options_id, "dopt"));
    T_ASSERT(ec2_id_ok(v[0].cidr_assoc_id, "vpc-cidr-assoc"));
    char vpc[32];
    memcpy(vpc, v[0].id, sizeof vpc);
    free(v);

    /* six default subnets, one per zone a..f, /20s from 172.31.0.0 up */
    T_EQ_INT(ec2_list_subnets(st, A1, "us-east-1", &s, &n), 0);
    T_EQ_INT(n, 6);
    int seen = 0;
    for (int i = 0; i < n; i++) {
        T_ASSERT(ec2_id_ok(s[i].id, "subnet"));
        T_EQ_STR(s[i].vpc_id, vpc);
        T_EQ_INT(s[i].default_for_az, 1);
        T_EQ_INT(s[i].map_public_ip, 1);
        T_EQ_INT(s[i].available_ips, 4091);
        T_EQ_STR(s[i].state, "available");
        T_ASSERT(i == 0 || strcmp(s[i - 1].id, s[i].id) < 0); /* ordered by id */
        int z = s[i].az[9] - 'a';
        T_ASSERT(strncmp(s[i].az, "us-east-1", 9) == 0 && z >= 0 && z < 6);
        char want[24];
        snprintf(want, sizeof want, "172.31.%d.0/20", 16 * z);
        T_EQ_STR(s[i].cidr, want);
        snprintf(want, sizeof want, "use1-az%d", z + 1);
        T_EQ_STR(s[i].az_id, want);
        seen |= 1 << z;
    }
    T_EQ_INT(seen, 0x3f);
    free(s);

    T_EQ_INT(ec2_list_security_groups(st, A1, "us-east-1", &g, &n), 0);
    T_EQ_INT(n, 1);
    T_ASSERT(ec2_id_ok(g[0].g.id, "sg"));
    T_EQ_STR(g[0].g.name, "default");
    T_EQ_STR(g[0].g.description, "default VPC security group");
    T_EQ_STR(g[0].g.vpc_id, vpc);
    char want[256];
    snprintf(want, sizeof want,
             "[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"UserId\":\"" A1 "\","
             "\"GroupId\":\"%s\"}],\"IpRanges\":[],\"Ipv6Ranges\":[],\"PrefixListIds\":[]}]",
             g[0].g.id);
    T_EQ_STR(g[0].ingress, want);
    T_EQ_STR(g[0].egress, "[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[],\"IpRanges\":"
                          "[{\"CidrIp\":\"0.0.0.0/0\"}],\"Ipv6Ranges\":[],\"PrefixListIds\":[]}]");
    ec2_free_security_groups(g, n);

    /* ensuring again changes nothing */
    T_EQ_INT(ec2_ensure_defaults(st, A1, "us-east-1"), 0);
    T_EQ_INT(ec2_list_vpcs(st, A1, "us-east-1", &v, &n), 0);
    T_EQ_INT(n, 1);
    free(v);
    store_close(st);
}

TEST(store_ec2_default_ids)
{
    /* The same tenant gets the same ids in another store whatever came first; other
     * accounts and other regions get other ids. */
    struct store *x = open_store(), *y = open_store();
    char v1[32], s1[32], g1[32], v2[32], s2[32], g2[32];
    defaults(x, A1, "us-east-1", v1, s1, g1);
    defaults(y, A2, "eu-west-1", v2, s2, g2);
    defaults(y, A1, "us-east-1", v2, s2, g2);
    T_EQ_STR(v1, v2);
    T_EQ_STR(s1, s2);
    T_EQ_STR(g1, g2);
    defaults(x, A2, "us-east-1", v2, s2, g2);
    T_ASSERT(strcmp(v1, v2) != 0 && strcmp(s1, s2) != 0 && strcmp(g1, g2) != 0);
    defaults(x, A1, "us-west-2", v2, s2, g2);
    T_ASSERT(strcmp(v1, v2) != 0 && strcmp(s1, s2) != 0 && strcmp(g1, g2) != 0);
    /* a reset of the store brings the same ids back */
    T_EQ_INT(store_reset(x), 0);
    defaults(x, A1, "us-east-1", v2, s2, g2);
    T_EQ_STR(v1, v2);
    T_EQ_STR(s1, s2);
    T_EQ_STR(g1, g2);
    store_close(x);
    store_close(y);
}

TEST(store_ec2_find)
{
    struct store *st = open_store();
    char vpc[32], subnet[32], sg[32];
    defaults(st, A1, "us-east-1", vpc, subnet, sg);
    struct ec2_subnet s;
    T_EQ_INT(ec2_find_subnet(st, A1, "us-east-1", subnet, &s), 0);
    T_EQ_STR(s.id, subnet);
    T_EQ_STR(s.vpc_id, vpc);
    T_EQ_STR(s.az, "us-east-1a");
    T_EQ_STR(s.az_id, "use1-az1");
    T_EQ_STR(s.cidr, "172.31.0.0/20");
    T_EQ_INT(ec2_find_subnet(st, A1, "us-east-1", "subnet-0123456789abcdef0", &s), 1);
    /* another tenant does not see it */
    T_EQ_INT(ec2_find_subnet(st, A2, "us-east-1", subnet, &s), 1);
    T_EQ_INT(ec2_find_subnet(st, A1, "us-west-2", subnet, &s), 1);
    struct ec2_security_group g;
    T_EQ_INT(ec2_find_security_group(st, A1, "us-east-1", sg, &g), 0);
    T_EQ_STR(g.name, "default");
    T_EQ_STR(g.vpc_id, vpc);
    T_EQ_INT(ec2_find_security_group(st, A1, "us-east-1", "sg-12345678", &g), 1);

    /* Inside the caller's transaction (an ECS write), the defaults are created in it and
     * go away with its rollback. */
    T_EQ_INT(store_begin(st), 0);
    char fresh[32], fs[32], fg[32];
    T_EQ_INT(ec2_find_subnet(st, "333333333333", "us-east-1", subnet, &s), 1);
    defaults(st, "333333333333", "us-east-1", fresh, fs, fg);
    T_ASSERT(store_in_transaction(st));
    store_rollback(st);
    sqlite3_stmt *q = store_stmt(st, "SELECT count(*) FROM ec2_vpcs WHERE account = "
                                     "'333333333333'");
    T_EQ_INT(sqlite3_step(q), SQLITE_ROW);
    T_EQ_INT(sqlite3_column_int(q, 0), 0);
    store_close(st);
}

TEST(store_ec2_zones)
{
    struct ec2_zone z[EC2_MAX_ZONES];
    T_EQ_INT(ec2_zones("us-east-1", z), 6);
    T_EQ_STR(z[0].name, "us-east-1a");
    T_EQ_STR(z[0].id, "use1-az1");
    T_EQ_STR(z[5].name, "us-east-1f");
    T_EQ_STR(z[5].id, "use1-az6");
    T_EQ_INT(ec2_zones("us-west-1", z), 2);
    T_EQ_STR(z[1].name, "us-west-1c");
    T_EQ_STR(z[1].id, "usw1-az2");
    T_EQ_INT(ec2_zones("ap-southeast-2", z), 3);
    T_EQ_STR(z[2].name, "ap-southeast-2c");
    T_EQ_STR(z[2].id, "apse2-az3");
    T_EQ_INT(ec2_zones("ca-central-1", z), 3);
    T_EQ_STR(z[2].name, "ca-central-1d");
    T_EQ_STR(z[0].id, "cac1-az1");
    T_EQ_INT(ec2_zones("eu-west-1", z), 3);
    T_EQ_STR(z[1].id, "euw1-az2");
    T_EQ_INT(ec2_zones("us-gov-west-1", z), 3);
    T_EQ_STR(z[0].id, "usgw1-az1");
    /* whatever a client sends as a region still gets zones */
    T_EQ_INT(ec2_zones("x", z), 3);
    T_EQ_STR(z[0].name, "xa");
    T_EQ_STR(z[0].id, "x-az1");
    T_EQ_INT(ec2_zones("a-very-long-region-name-that-goes-on-9", z), 3);
    T_EQ_INT((int)strlen(z[0].name), 31);
}

TEST(store_ec2_ids)
{
    T_ASSERT(ec2_id_ok("vpc-0a1b2c3d", "vpc"));
    T_ASSERT(ec2_id_ok("vpc-0a1b2c3d4e5f67890", "vpc"));
    T_ASSERT(ec2_id_ok("sg-12345678", "sg"));
    T_ASSERT(!ec2_id_ok("vpc-0A1B2C3D", "vpc"));
    T_ASSERT(!ec2_id_ok("vpc-nope", "vpc"));
    T_ASSERT(!ec2_id_ok("vpc-123", "vpc"));
    T_ASSERT(!ec2_id_ok("vpc-0a1b2c3d4e", "vpc"));
    T_ASSERT(!ec2_id_ok("subnet-0a1b2c3d", "vpc"));
    T_ASSERT(!ec2_id_ok("vpc0a1b2c3d", "vpc"));
    T_ASSERT(!ec2_id_ok("", "sg"));
    T_ASSERT(!ec2_id_ok(NULL, "sg"));
}

#define VPC2 "vpc-0000000000000aaaa"
#define SUB2 "subnet-0000000000000bbbb"
#define SG2 "sg-0000000000000cccc"

/* Expects a refusal whose cause contains what. */
#define T_REFUSED(call, what)                                                                  \
    do {                                                                                       \
        char *cause_ = NULL;                                                                   \
        int rc_ = (call);                                                                      \
        if (rc_ != 1 || cause_ == NULL || strstr(cause_, what) == NULL)                        \
            t_fail(__FILE__, __LINE__, "%s: rc %d, cause %s", #call, rc_,                      \
                   cause_ ? cause_ : "(null)");                                                \
        free(cause_);                                                                          \
    } while (0)

TEST(store_ec2_fixture_path)
{
    struct store *st = open_store();
    char *cause = NULL;
    /* a VPC */
    T_EQ_INT(ec2_insert_vpc(st, A1, "us-east-1", VPC2, "10.0.0.0/16", &cause), 0);
    T_REFUSED(ec2_insert_vpc(st, A1, "us-east-1", VPC2, "10.1.0.0/16", &cause_), "taken");
    T_REFUSED(ec2_insert_vpc(st, A1, "us-east-1", "vpc-x", "10.1.0.0/16", &cause_), "malformed");
    T_REFUSED(ec2_insert_vpc(st, A1, "us-east-1", "vpc-0000000000000dddd", "10.1.0.1/16",
                             &cause_), "CIDR");
    T_REFUSED(ec2_insert_vpc(st, A1, "us-east-1", "vpc-0000000000000dddd", "10.0.0.0/8",
                             &cause_), "CIDR");

    /* a subnet in it */
    struct ec2_subnet s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, SUB2);
    snprintf(s.vpc_id, sizeof s.vpc_id, VPC2);
    snprintf(s.az, sizeof s.az, "us-east-1c");
    snprintf(s.cidr, sizeof s.cidr, "10.0.1.0/24");
    T_EQ_INT(ec2_insert_subnet(st, A1, "us-east-1", &s, &cause), 0);
    struct ec2_subnet got;
    T_EQ_INT(ec2_find_subnet(st, A1, "us-east-1", SUB2, &got), 0);
    T_EQ_STR(got.vpc_id, VPC2);
    T_EQ_STR(got.az_id, "use1-az3");
    T_EQ_INT(got.available_ips, 251);
    T_EQ_INT(got.default_for_az, 0);
    T_EQ_INT(got.map_public_ip, 0);
    T_EQ_STR(got.state, "available");
    struct ec2_subnet bad = s;
    snprintf(bad.id, sizeof bad.id, "subnet-0000000000000eeee");
    T_REFUSED(ec2_insert_subnet(st, A1, "us-east-1", &bad, &cause_), "overlaps");
    snprintf(bad.cidr, sizeof bad.cidr, "10.1.0.0/24");
    T_REFUSED(ec2_insert_subnet(st, A1, "us-east-1", &bad, &cause_), "inside");
    snprintf(bad.cidr, sizeof bad.cidr, "10.0.2.0/24");
    snprintf(bad.az, sizeof bad.az, "us-west-2a");
    T_REFUSED(ec2_insert_subnet(st, A1, "us-east-1", &bad, &cause_), "availability zone");
    snprintf(bad.az, sizeof bad.az, "us-east-1a");
    snprintf(bad.vpc_id, sizeof bad.vpc_id, "vpc-0000000000000ffff");
    T_REFUSED(ec2_insert_subnet(st, A1, "us-east-1", &bad, &cause_), "no VPC");
    snprintf(bad.vpc_id, sizeof bad.vpc_id, VPC2);
    snprintf(bad.id, sizeof bad.id, SUB2);
    T_REFUSED(ec2_insert_subnet(st, A1, "us-east-1", &bad, &cause_), "taken");
    snprintf(bad.id, sizeof bad.id, "subnet-0000000000000eeee");
    T_EQ_INT(ec2_insert_subnet(st, A1, "us-east-1", &bad, &cause), 0);
    /* another tenant knows none of it */
    T_EQ_INT(ec2_find_subnet(st, A2, "us-east-1", SUB2, &got), 1);

    /* a security group, its rules and tags */
    struct ec2_security_group g;
    memset(&g, 0, sizeof g);
    snprintf(g.id, sizeof g.id, SG2);
    snprintf(g.vpc_id, sizeof g.vpc_id, VPC2);
    snprintf(g.name, sizeof g.name, "web");
    snprintf(g.description, sizeof g.description, "web tier");
    T_EQ_INT(ec2_insert_security_group(st, A1, "us-east-1", &g, &cause), 0);
    struct ec2_security_group other = g;
    snprintf(other.id, sizeof other.id, "sg-0000000000000dddd");
    T_REFUSED(ec2_insert_security_group(st, A1, "us-east-1", &other, &cause_), "already");
    snprintf(other.name, sizeof other.name, "default");
    T_REFUSED(ec2_insert_security_group(st, A1, "us-east-1", &other, &cause_), "reserved");
    struct ec2_rule https = {"tcp", 443, 443, "10.0.0.0/16", NULL, "https"};
    struct ec2_rule self = {"tcp", 443, 443, NULL, SG2, NULL};
    struct ec2_rule bad_rule = {"tcp", 80, 70, "0.0.0.0/0", NULL, NULL};
    T_EQ_INT(ec2_sg_add_rule(st, A1, "us-east-1", SG2, 0, &https, &cause), 0);
    T_EQ_INT(ec2_sg_add_rule(st, A1, "us-east-1", SG2, 0, &self, &cause), 0);
    T_REFUSED(ec2_sg_add_rule(st, A1, "us-east-1", SG2, 0, &https, &cause_), "already");
    T_REFUSED(ec2_sg_add_rule(st, A1, "us-east-1", SG2, 0, &bad_rule, &cause_), "port range");
    T_REFUSED(ec2_sg_add_rule(st, A1, "us-east-1", "sg-0000000000000dddd", 0, &https, &cause_),
              "no security group");
    T_EQ_INT(ec2_set_tag(st, A1, "us-east-1", SG2, "Name", "web-sg", &cause), 0);
    T_EQ_INT(ec2_set_tag(st, A1, "us-east-1", SG2, "Name", "web-sg-2", &cause), 0);
    T_EQ_INT(ec2_set_tag(st, A1, "us-east-1", VPC2, "env", "prod", &cause), 0);
    T_REFUSED(ec2_set_tag(st, A1, "us-east-1", "sg-0000000000000dddd", "k", "v", &cause_),
              "no VPC, subnet or security group");

    struct ec2_sg *list;
    int n;
    T_EQ_INT(ec2_list_security_groups(st, A1, "us-east-1", &list, &n), 0);
    T_EQ_INT(n, 2);
    struct ec2_sg *web = strcmp(list[0].g.id, SG2) == 0 ? &list[0] : &list[1];
    T_EQ_STR(web->g.description, "web tier");
    T_EQ_STR(web->ingress,
             "[{\"IpProtocol\":\"tcp\",\"FromPort\":443,\"ToPort\":443,\"UserIdGroupPairs\":"
             "[{\"UserId\":\"" A1 "\",\"GroupId\":\"" SG2 "\"}],\"IpRanges\":[{\"Description\":"
             "\"https\",\"CidrIp\":\"10.0.0.0/16\"}],\"Ipv6Ranges\":[],\"PrefixListIds\":[]}]");
    T_ASSERT(strstr(web->egress, "0.0.0.0/0") != NULL);
    ec2_free_security_groups(list, n);
    struct ec2_tag *tags;
    T_EQ_INT(ec2_list_tags(st, A1, "us-east-1", &tags, &n), 0);
    T_EQ_INT(n, 2);
    T_EQ_STR(tags[0].resource, SG2);
    T_EQ_STR(tags[0].value, "web-sg-2");
    T_EQ_STR(tags[1].resource, VPC2);
    T_EQ_STR(tags[1].key, "env");
    free(tags);
    T_EQ_INT(ec2_list_tags(st, A2, "us-east-1", &tags, &n), 0);
    T_EQ_INT(n, 0);
    free(tags);
    store_close(st);
}
