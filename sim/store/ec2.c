/*
 * ec2.c - the rows behind the EC2 network look-ups (see ec2.h for the tables and the rules).
 *
 * Every statement binds ?1 = account and ?2 = region first, so no query leaves its tenant.
 * The default network of a tenant is written the first time anything asks for it
 * (ensure_defaults, called at the top of every public function), in the caller's transaction
 * or in one of its own. Its ids come from derive_id(): a 64-bit hash of (account, region,
 * what, index), so they never depend on the order of requests or on a generator.
 *
 * To add a resource kind: a table in a new migration (sim/store/schema.c), the row struct and
 * its functions in ec2.h, the list function here with the (account, region) binding first,
 * and its default rows (if AWS accounts have any) in insert_defaults().
 */
#include "store/ec2.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "store/store.h"
#include "util/xmalloc.h"

#define DEFAULT_VPC_CIDR "172.31.0.0/16"
#define MAX_ROWS 100000 /* a listing never grows past this many rows */

/* ---- ids and zones ------------------------------------------------------------------------ */

static uint64_t fnv_bytes(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull; /* a separator no text byte can fake */
}

/* The splitmix64 finalizer: spreads every input bit over the output. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Writes "<prefix>-0<16 hex digits>" derived from (account, region, what, index) only. */
static void derive_id(char *out, size_t n, const char *prefix, const char *account,
                      const char *region, const char *what, int index)
{
    uint64_t h = 14695981039346656037ull;
    h = fnv_bytes(h, account);
    h = fnv_bytes(h, region);
    h = fnv_bytes(h, what);
    h = mix64(h ^ (uint64_t)(unsigned)index);
    snprintf(out, n, "%s-0%016" PRIx64, prefix, h);
}

int ec2_id_ok(const char *id, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (id == NULL || strncmp(id, prefix, pl) != 0 || id[pl] != '-')
        return 0;
    const char *h = id + pl + 1;
    size_t n = 0;
    for (; h[n]; n++) {
        if (!((h[n] >= '0' && h[n] <= '9') || (h[n] >= 'a' && h[n] <= 'f')))
            return 0;
    }
    return n == 8 || n == 17;
}

/* Zone letters of the regions whose zones differ from "abc". */
static const struct {
    const char *region;
    const char *letters;
} region_zones[] = {
    {"us-east-1", "abcdef"}, {"us-west-1", "ac"},      {"us-west-2", "abcd"},
    {"ca-central-1", "abd"}, {"ap-northeast-1", "acd"}, {"ap-northeast-2", "abcd"},
};

/* The AWS abbreviation of a region's middle words, as in zone ids (apse1-az1). */
static const struct {
    const char *word, *abbr;
} region_words[] = {
    {"northeast", "ne"}, {"southeast", "se"}, {"northwest", "nw"}, {"southwest", "sw"},
    {"north", "n"},      {"south", "s"},      {"east", "e"},       {"west", "w"},
    {"central", "c"},
};

/* Writes the zone id prefix of region: "us-east-1" -> "use1", "ap-southeast-2" -> "apse2". */
static void zone_prefix(const char *region, char *out, size_t n)
{
    char buf[64];
    size_t len = 0;
    snprintf(buf, sizeof buf, "%s", region);
    char *save = NULL;
    int part = 0;
    out[0] = '\0';
    for (char *w = strtok_r(buf, "-", &save); w; w = strtok_r(NULL, "-", &save), part++) {
        const char *add = w;
        char one[2] = {w[0], '\0'};
        if (part > 0 && (w[0] < '0' || w[0] > '9')) {
            add = one;
            for (size_t i = 0; i < sizeof region_words / sizeof region_words[0]; i++) {
                if (strcmp(w, region_words[i].word) == 0)
                    add = region_words[i].abbr;
            }
        }
        for (const char *p = add; *p && len + 1 < n && len < 16; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
                out[len++] = *p;
        }
        out[len] = '\0';
    }
    if (len == 0)
        snprintf(out, n, "zone");
}

int ec2_zones(const char *region, struct ec2_zone out[EC2_MAX_ZONES])
{
    const char *letters = "abc";
    for (size_t i = 0; i < sizeof region_zones / sizeof region_zones[0]; i++) {
        if (strcmp(region, region_zones[i].region) == 0)
            letters = region_zones[i].letters;
    }
    char prefix[24];
    zone_prefix(region, prefix, sizeof prefix);
    int n = 0;
    for (const char *l = letters; *l && n < EC2_MAX_ZONES; l++, n++) {
        snprintf(out[n].name, sizeof out[n].name, "%.30s%c", region, *l);
        snprintf(out[n].id, sizeof out[n].id, "%s-az%d", prefix, n + 1);
    }
    return n;
}

/* Finds zone name az of region; returns 1 and fills *z, else 0. */
static int find_zone(const char *region, const char *az, struct ec2_zone *z)
{
    struct ec2_zone zones[EC2_MAX_ZONES];
    int n = ec2_zones(region, zones);
    for (int i = 0; i < n; i++) {
        if (strcmp(zones[i].name, az) == 0) {
            *z = zones[i];
            return 1;
        }
    }
    return 0;
}

/* ---- CIDRs -------------------------------------------------------------------------------- */

/* Parses "a.b.c.d/p" (a network address, p in [min_p, max_p]). Returns 0, or -1. */
static int cidr_parse(const char *s, int min_p, int max_p, uint32_t *addr, int *plen)
{
    unsigned a[4], p;
    char tail;
    if (s == NULL || sscanf(s, "%3u.%3u.%3u.%3u/%2u%c", &a[0], &a[1], &a[2], &a[3], &p, &tail) != 5)
        return -1;
    if (a[0] > 255 || a[1] > 255 || a[2] > 255 || a[3] > 255 || (int)p < min_p || (int)p > max_p)
        return -1;
    uint32_t v = (a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3];
    uint32_t mask = p == 0 ? 0 : 0xffffffffu << (32 - p);
    if ((v & ~mask) != 0)
        return -1;
    char back[20];
    snprintf(back, sizeof back, "%u.%u.%u.%u/%u", a[0], a[1], a[2], a[3], p);
    if (strcmp(back, s) != 0) /* no leading zeros or signs */
        return -1;
    *addr = v;
    *plen = (int)p;
    return 0;
}

/* Returns 1 if the block (a, p) lies inside the block (outer, op). */
static int cidr_inside(uint32_t a, int p, uint32_t outer, int op)
{
    uint32_t mask = op == 0 ? 0 : 0xffffffffu << (32 - op);
    return p >= op && (a & mask) == outer;
}

/* Returns 1 if the blocks (a, p) and (b, q) share an address. */
static int cidr_overlap(uint32_t a, int p, uint32_t b, int q)
{
    int m = p < q ? p : q;
    uint32_t mask = m == 0 ? 0 : 0xffffffffu << (32 - m);
    return (a & mask) == (b & mask);
}

/* ---- statements and transactions ------------------------------------------------------- */

/* Returns the cached statement for sql with ?1 = account and ?2 = region bound. */
static sqlite3_stmt *scoped(struct store *st, const char *account, const char *region,
                            const char *sql)
{
    sqlite3_stmt *s = store_stmt(st, sql);
    sqlite3_bind_text(s, 1, account, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, region, -1, SQLITE_TRANSIENT);
    return s;
}

/* Starts a transaction unless the caller has one; *own says which. Returns 0 or -1. */
static int tx_begin(struct store *st, int *own)
{
    *own = !store_in_transaction(st);
    return *own ? store_begin(st) : 0;
}

/* Ends what tx_begin started: commits when rc is 0, else rolls back. Returns rc, or -1 when
 * the commit fails. */
static int tx_end(struct store *st, int own, int rc)
{
    if (!own)
        return rc;
    if (rc != 0) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st) == 0 ? 0 : -1;
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* Steps an INSERT / UPDATE statement. Returns 0, 1 on a constraint violation, or -1. */
static int step_write(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return 0;
    return (rc & 0xff) == SQLITE_CONSTRAINT ? 1 : -1;
}

/* ---- the default network ----------------------------------------------------------------- */

static int insert_vpc_row(struct store *st, const char *account, const char *region,
                          const char *id, const char *cidr, int is_default)
{
    char dopt[32], assoc[48];
    derive_id(dopt, sizeof dopt, "dopt", account, region, "dhcp-options", 0);
    derive_id(assoc, sizeof assoc, "vpc-cidr-assoc", account, region, id, 0);
    sqlite3_stmt *s = scoped(st, account, region,
                             "INSERT INTO ec2_vpcs (account, region, id, cidr, state, "
                             "is_default, dhcp_options_id, tenancy, cidr_assoc_id) "
                             "VALUES (?1, ?2, ?3, ?4, 'available', ?5, ?6, 'default', ?7)");
    sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, cidr, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 5, is_default);
    sqlite3_bind_text(s, 6, dopt, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, assoc, -1, SQLITE_TRANSIENT);
    return step_write(s);
}

static int insert_subnet_row(struct store *st, const char *account, const char *region,
                             const struct ec2_subnet *sn)
{
    sqlite3_stmt *s = scoped(st, account, region,
                             "INSERT INTO ec2_subnets (account, region, id, vpc_id, az, az_id, "
                             "cidr, available_ips, default_for_az, map_public_ip, state) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'available')");
    sqlite3_bind_text(s, 3, sn->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, sn->vpc_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, sn->az, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, sn->az_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, sn->cidr, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 8, sn->available_ips);
    sqlite3_bind_int(s, 9, sn->default_for_az != 0);
    sqlite3_bind_int(s, 10, sn->map_public_ip != 0);
    return step_write(s);
}

/* Returns a new JSON text of the permission list [{IpProtocol: "-1", ...}] whose only source
 * is group_id (inbound of a default group) or 0.0.0.0/0 (group_id NULL). */
static char *all_traffic_rules(const char *account, const char *group_id)
{
    cJSON *list = cJSON_CreateArray();
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToArray(list, p);
    cJSON_AddStringToObject(p, "IpProtocol", "-1");
    cJSON *pairs = cJSON_AddArrayToObject(p, "UserIdGroupPairs");
    cJSON *ranges = cJSON_AddArrayToObject(p, "IpRanges");
    cJSON_AddArrayToObject(p, "Ipv6Ranges");
    cJSON_AddArrayToObject(p, "PrefixListIds");
    cJSON *item = cJSON_CreateObject();
    if (group_id) {
        cJSON_AddStringToObject(item, "UserId", account);
        cJSON_AddStringToObject(item, "GroupId", group_id);
        cJSON_AddItemToArray(pairs, item);
    } else {
        cJSON_AddStringToObject(item, "CidrIp", "0.0.0.0/0");
        cJSON_AddItemToArray(ranges, item);
    }
    char *text = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    if (text == NULL) {
        fprintf(stderr, "drillsim: out of memory\n");
        abort();
    }
    char *out = xstrdup(text);
    cJSON_free(text);
    return out;
}

static int insert_sg_row(struct store *st, const char *account, const char *region,
                         const struct ec2_security_group *g, const char *ingress,
                         const char *egress)
{
    sqlite3_stmt *s = scoped(st, account, region,
                             "INSERT INTO ec2_security_groups (account, region, id, vpc_id, "
                             "name, description, ingress, egress) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    sqlite3_bind_text(s, 3, g->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, g->vpc_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, g->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, g->description, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, ingress, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 8, egress, -1, SQLITE_TRANSIENT);
    return step_write(s);
}

/* Writes the default VPC, its subnets and its security group. Returns 0 or -1. */
static int insert_defaults(struct store *st, const char *account, const char *region)
{
    char vpc[32];
    derive_id(vpc, sizeof vpc, "vpc", account, region, "default-vpc", 0);
    if (insert_vpc_row(st, account, region, vpc, DEFAULT_VPC_CIDR, 1) != 0)
        return -1;
    struct ec2_zone zones[EC2_MAX_ZONES];
    int nz = ec2_zones(region, zones);
    for (int i = 0; i < nz; i++) {
        struct ec2_subnet sn;
        memset(&sn, 0, sizeof sn);
        derive_id(sn.id, sizeof sn.id, "subnet", account, region, "default-subnet", i);
        snprintf(sn.vpc_id, sizeof sn.vpc_id, "%s", vpc);
        snprintf(sn.az, sizeof sn.az, "%.31s", zones[i].name);
        snprintf(sn.az_id, sizeof sn.az_id, "%.23s", zones[i].id);
        snprintf(sn.cidr, sizeof sn.cidr, "172.31.%u.0/20", (unsigned)(16 * i) % 256u);
        sn.available_ips = 4091;
        sn.default_for_az = 1;
        sn.map_public_ip = 1;
        if (insert_subnet_row(st, account, region, &sn) != 0)
            return -1;
    }
    struct ec2_security_group g;
    memset(&g, 0, sizeof g);
    derive_id(g.id, sizeof g.id, "sg", account, region, "default-sg", 0);
    snprintf(g.vpc_id, sizeof g.vpc_id, "%s", vpc);
    snprintf(g.name, sizeof g.name, "default");
    snprintf(g.description, sizeof g.description, "default VPC security group");
    char *in = all_traffic_rules(account, g.id);
    char *out = all_traffic_rules(account, NULL);
    int rc = insert_sg_row(st, account, region, &g, in, out);
    free(in);
    free(out);
    return rc == 0 ? 0 : -1;
}

int ec2_ensure_defaults(struct store *st, const char *account, const char *region)
{
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT 1 FROM ec2_vpcs WHERE account = ?1 AND region = ?2 "
                             "AND is_default = 1 LIMIT 1");
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc != SQLITE_DONE)
        return -1;
    int own;
    if (tx_begin(st, &own) != 0)
        return -1;
    return tx_end(st, own, insert_defaults(st, account, region));
}

/* ---- look-ups and listings --------------------------------------------------------------- */

#define SUBNET_COLUMNS                                                                         \
    "id, vpc_id, az, az_id, cidr, state, available_ips, default_for_az, map_public_ip"

static void read_subnet(sqlite3_stmt *s, struct ec2_subnet *o)
{
    memset(o, 0, sizeof *o);
    copy_col(o->id, sizeof o->id, s, 0);
    copy_col(o->vpc_id, sizeof o->vpc_id, s, 1);
    copy_col(o->az, sizeof o->az, s, 2);
    copy_col(o->az_id, sizeof o->az_id, s, 3);
    copy_col(o->cidr, sizeof o->cidr, s, 4);
    copy_col(o->state, sizeof o->state, s, 5);
    o->available_ips = sqlite3_column_int(s, 6);
    o->default_for_az = sqlite3_column_int(s, 7);
    o->map_public_ip = sqlite3_column_int(s, 8);
}

#define SG_COLUMNS "id, vpc_id, name, description, ingress, egress"

static void read_sg(sqlite3_stmt *s, struct ec2_security_group *o)
{
    memset(o, 0, sizeof *o);
    copy_col(o->id, sizeof o->id, s, 0);
    copy_col(o->vpc_id, sizeof o->vpc_id, s, 1);
    copy_col(o->name, sizeof o->name, s, 2);
    copy_col(o->description, sizeof o->description, s, 3);
}

int ec2_find_subnet(struct store *st, const char *account, const char *region, const char *id,
                    struct ec2_subnet *out)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT " SUBNET_COLUMNS " FROM ec2_subnets "
                             "WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return -1;
    read_subnet(s, out);
    return 0;
}

int ec2_find_security_group(struct store *st, const char *account, const char *region,
                            const char *id, struct ec2_security_group *out)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT " SG_COLUMNS " FROM ec2_security_groups "
                             "WHERE account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return -1;
    read_sg(s, out);
    return 0;
}

/*
 * Steps s to the end, calling read(s, slot) with a new slot of a growing array of elem-size
 * rows for each row. Sets *out (caller frees) and *n. Returns 0, or -1 (then *out is NULL).
 */
static int collect(sqlite3_stmt *s, size_t elem, void (*read)(sqlite3_stmt *, void *),
                   void **out, int *n)
{
    char *v = NULL;
    int len = 0, cap = 0, rc;
    *out = NULL;
    *n = 0;
    for (;;) {
        rc = sqlite3_step(s);
        if (rc != SQLITE_ROW || len == MAX_ROWS)
            break;
        if (len == cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, (size_t)cap * elem);
        }
        read(s, v + (size_t)len * elem);
        len++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        free(v);
        return -1;
    }
    *out = v;
    *n = len;
    return 0;
}

static void read_vpc_row(sqlite3_stmt *s, void *p)
{
    struct ec2_vpc *o = p;
    memset(o, 0, sizeof *o);
    copy_col(o->id, sizeof o->id, s, 0);
    copy_col(o->cidr, sizeof o->cidr, s, 1);
    copy_col(o->state, sizeof o->state, s, 2);
    o->is_default = sqlite3_column_int(s, 3);
    copy_col(o->dhcp_options_id, sizeof o->dhcp_options_id, s, 4);
    copy_col(o->tenancy, sizeof o->tenancy, s, 5);
    copy_col(o->cidr_assoc_id, sizeof o->cidr_assoc_id, s, 6);
}

static void read_subnet_row(sqlite3_stmt *s, void *p)
{
    read_subnet(s, p);
}

static void read_sg_row(sqlite3_stmt *s, void *p)
{
    struct ec2_sg *o = p;
    read_sg(s, &o->g);
    const unsigned char *in = sqlite3_column_text(s, 4);
    const unsigned char *eg = sqlite3_column_text(s, 5);
    o->ingress = xstrdup(in ? (const char *)in : "[]");
    o->egress = xstrdup(eg ? (const char *)eg : "[]");
}

static void read_tag_row(sqlite3_stmt *s, void *p)
{
    struct ec2_tag *o = p;
    copy_col(o->resource, sizeof o->resource, s, 0);
    copy_col(o->key, sizeof o->key, s, 1);
    copy_col(o->value, sizeof o->value, s, 2);
}

int ec2_list_vpcs(struct store *st, const char *account, const char *region,
                  struct ec2_vpc **out, int *n)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT id, cidr, state, is_default, dhcp_options_id, tenancy, "
                             "cidr_assoc_id FROM ec2_vpcs WHERE account = ?1 AND region = ?2 "
                             "ORDER BY id");
    void *v;
    if (collect(s, sizeof **out, read_vpc_row, &v, n) != 0)
        return -1;
    *out = v;
    return 0;
}

int ec2_list_subnets(struct store *st, const char *account, const char *region,
                     struct ec2_subnet **out, int *n)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT " SUBNET_COLUMNS " FROM ec2_subnets "
                             "WHERE account = ?1 AND region = ?2 ORDER BY id");
    void *v;
    if (collect(s, sizeof **out, read_subnet_row, &v, n) != 0)
        return -1;
    *out = v;
    return 0;
}

int ec2_list_security_groups(struct store *st, const char *account, const char *region,
                             struct ec2_sg **out, int *n)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT " SG_COLUMNS " FROM ec2_security_groups "
                             "WHERE account = ?1 AND region = ?2 ORDER BY id");
    void *v;
    if (collect(s, sizeof **out, read_sg_row, &v, n) != 0)
        return -1;
    *out = v;
    return 0;
}

void ec2_free_security_groups(struct ec2_sg *v, int n)
{
    for (int i = 0; v && i < n; i++) {
        free(v[i].ingress);
        free(v[i].egress);
    }
    free(v);
}

int ec2_list_tags(struct store *st, const char *account, const char *region,
                  struct ec2_tag **out, int *n)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT resource, key, value FROM tags WHERE account = ?1 "
                             "AND region = ?2 AND service = 'ec2' ORDER BY resource, key");
    void *v;
    if (collect(s, sizeof **out, read_tag_row, &v, n) != 0)
        return -1;
    *out = v;
    return 0;
}

/* ---- the fixture path -------------------------------------------------------------------- */

/* Reads VPC id's CIDR. Returns 0, 1 (no such VPC) or -1. */
static int vpc_cidr(struct store *st, const char *account, const char *region, const char *id,
                    char cidr[20])
{
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT cidr FROM ec2_vpcs WHERE account = ?1 AND region = ?2 "
                             "AND id = ?3");
    sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return -1;
    copy_col(cidr, 20, s, 0);
    return 0;
}

/* Returns 1 if id names a VPC, subnet or security group of the tenant, 0 if not, -1. */
static int id_taken(struct store *st, const char *account, const char *region, const char *id)
{
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT 1 FROM ec2_vpcs WHERE account = ?1 AND region = ?2 AND "
                             "id = ?3 UNION ALL SELECT 1 FROM ec2_subnets WHERE account = ?1 "
                             "AND region = ?2 AND id = ?3 UNION ALL SELECT 1 FROM "
                             "ec2_security_groups WHERE account = ?1 AND region = ?2 AND "
                             "id = ?3");
    sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Sets *cause to a new formatted message and returns 1. */
static int refuse(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(char **cause, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    if (cause)
        *cause = m;
    else
        free(m);
    return 1;
}

static int insert_vpc(struct store *st, const char *account, const char *region,
                      const char *id, const char *cidr, char **cause)
{
    uint32_t a;
    int p;
    if (!ec2_id_ok(id, "vpc"))
        return refuse(cause, "malformed VPC id '%s' (expecting vpc- and 8 or 17 hex digits)",
                      id ? id : "");
    if (cidr_parse(cidr, 16, 28, &a, &p) != 0)
        return refuse(cause, "VPC CIDR '%s' is not a network address from /16 to /28",
                      cidr ? cidr : "");
    int t = id_taken(st, account, region, id);
    if (t != 0)
        return t < 0 ? -1 : refuse(cause, "the id %s is taken", id);
    int rc = insert_vpc_row(st, account, region, id, cidr, 0);
    return rc == 1 ? refuse(cause, "the id %s is taken", id) : rc;
}

int ec2_insert_vpc(struct store *st, const char *account, const char *region, const char *id,
                   const char *cidr, char **cause)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    int own;
    if (tx_begin(st, &own) != 0)
        return -1;
    return tx_end(st, own, insert_vpc(st, account, region, id, cidr, cause));
}

/* Returns 1 if cidr (a, p) overlaps a subnet of vpc, 0 if not, -1 on a store error. */
static int subnet_overlaps(struct store *st, const char *account, const char *region,
                           const char *vpc, uint32_t a, int p, char other[32])
{
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT id, cidr FROM ec2_subnets WHERE account = ?1 AND "
                             "region = ?2 AND vpc_id = ?3");
    sqlite3_bind_text(s, 3, vpc, -1, SQLITE_TRANSIENT);
    int rc;
    for (;;) {
        rc = sqlite3_step(s);
        if (rc != SQLITE_ROW)
            break;
        uint32_t b;
        int q;
        char cidr[20];
        copy_col(cidr, sizeof cidr, s, 1);
        if (cidr_parse(cidr, 0, 32, &b, &q) == 0 && cidr_overlap(a, p, b, q)) {
            copy_col(other, 32, s, 0);
            return 1;
        }
    }
    return rc == SQLITE_DONE ? 0 : -1;
}

static int insert_subnet(struct store *st, const char *account, const char *region,
                         const struct ec2_subnet *in, char **cause)
{
    struct ec2_subnet sn = *in;
    struct ec2_zone z;
    uint32_t a, va;
    int p, vp;
    char vcidr[20], other[32];
    if (!ec2_id_ok(sn.id, "subnet"))
        return refuse(cause, "malformed subnet id '%s'", sn.id);
    if (!find_zone(region, sn.az, &z))
        return refuse(cause, "%s is not an availability zone of %s", sn.az, region);
    if (cidr_parse(sn.cidr, 16, 28, &a, &p) != 0)
        return refuse(cause, "subnet CIDR '%s' is not a network address from /16 to /28",
                      sn.cidr);
    int rc = vpc_cidr(st, account, region, sn.vpc_id, vcidr);
    if (rc != 0)
        return rc < 0 ? -1 : refuse(cause, "no VPC %s", sn.vpc_id);
    if (cidr_parse(vcidr, 0, 32, &va, &vp) != 0 || !cidr_inside(a, p, va, vp))
        return refuse(cause, "subnet CIDR %s is not inside the VPC's %s", sn.cidr, vcidr);
    rc = subnet_overlaps(st, account, region, sn.vpc_id, a, p, other);
    if (rc != 0)
        return rc < 0 ? -1 : refuse(cause, "subnet CIDR %s overlaps %s", sn.cidr, other);
    rc = id_taken(st, account, region, sn.id);
    if (rc != 0)
        return rc < 0 ? -1 : refuse(cause, "the id %s is taken", sn.id);
    snprintf(sn.az_id, sizeof sn.az_id, "%s", z.id);
    sn.available_ips = (int)((1u << (32 - p)) - 5);
    rc = insert_subnet_row(st, account, region, &sn);
    return rc == 1 ? refuse(cause, "the id %s is taken", sn.id) : rc;
}

int ec2_insert_subnet(struct store *st, const char *account, const char *region,
                      const struct ec2_subnet *s, char **cause)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    int own;
    if (tx_begin(st, &own) != 0)
        return -1;
    return tx_end(st, own, insert_subnet(st, account, region, s, cause));
}

static int insert_sg(struct store *st, const char *account, const char *region,
                     const struct ec2_security_group *g, char **cause)
{
    char vcidr[20];
    if (!ec2_id_ok(g->id, "sg"))
        return refuse(cause, "malformed security group id '%s'", g->id);
    if (g->name[0] == '\0' || strcmp(g->name, "default") == 0)
        return refuse(cause, "the group name '%s' is reserved or empty", g->name);
    int rc = vpc_cidr(st, account, region, g->vpc_id, vcidr);
    if (rc != 0)
        return rc < 0 ? -1 : refuse(cause, "no VPC %s", g->vpc_id);
    rc = id_taken(st, account, region, g->id);
    if (rc != 0)
        return rc < 0 ? -1 : refuse(cause, "the id %s is taken", g->id);
    char *egress = all_traffic_rules(account, NULL);
    rc = insert_sg_row(st, account, region, g, "[]", egress);
    free(egress);
    if (rc == 1)
        return refuse(cause, "VPC %s already has a group named '%s'", g->vpc_id, g->name);
    return rc;
}

int ec2_insert_security_group(struct store *st, const char *account, const char *region,
                              const struct ec2_security_group *g, char **cause)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    int own;
    if (tx_begin(st, &own) != 0)
        return -1;
    return tx_end(st, own, insert_sg(st, account, region, g, cause));
}

/* Returns 1 if the JSON number member name of obj equals v (absent counts as unset = -2). */
static int port_is(const cJSON *obj, const char *name, int v)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(x) ? x->valueint == v : v == -2;
}

/* Adds r to the permission list (a cJSON array). Returns 0, or 1 if the rule is there. */
static int merge_rule(cJSON *list, const char *account, const struct ec2_rule *r)
{
    int all = strcmp(r->protocol, "-1") == 0;
    int from = all ? -2 : r->from_port, to = all ? -2 : r->to_port;
    cJSON *perm = NULL, *it;
    cJSON_ArrayForEach(it, list)
    {
        const cJSON *proto = cJSON_GetObjectItemCaseSensitive(it, "IpProtocol");
        if (cJSON_IsString(proto) && strcmp(proto->valuestring, r->protocol) == 0 &&
            port_is(it, "FromPort", from) && port_is(it, "ToPort", to))
            perm = it;
    }
    if (perm == NULL) {
        perm = cJSON_CreateObject();
        cJSON_AddStringToObject(perm, "IpProtocol", r->protocol);
        if (!all) {
            cJSON_AddNumberToObject(perm, "FromPort", r->from_port);
            cJSON_AddNumberToObject(perm, "ToPort", r->to_port);
        }
        cJSON_AddArrayToObject(perm, "UserIdGroupPairs");
        cJSON_AddArrayToObject(perm, "IpRanges");
        cJSON_AddArrayToObject(perm, "Ipv6Ranges");
        cJSON_AddArrayToObject(perm, "PrefixListIds");
        cJSON_AddItemToArray(list, perm);
    }
    const char *arr = r->cidr ? "IpRanges" : "UserIdGroupPairs";
    const char *key = r->cidr ? "CidrIp" : "GroupId";
    const char *val = r->cidr ? r->cidr : r->group_id;
    cJSON *items = cJSON_GetObjectItemCaseSensitive(perm, arr);
    if (!cJSON_IsArray(items)) {
        cJSON_DeleteItemFromObjectCaseSensitive(perm, arr);
        items = cJSON_AddArrayToObject(perm, arr);
    }
    cJSON_ArrayForEach(it, items)
    {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(it, key);
        if (cJSON_IsString(x) && strcmp(x->valuestring, val) == 0)
            return 1;
    }
    cJSON *item = cJSON_CreateObject();
    if (r->description)
        cJSON_AddStringToObject(item, "Description", r->description);
    if (r->cidr) {
        cJSON_AddStringToObject(item, "CidrIp", r->cidr);
    } else {
        cJSON_AddStringToObject(item, "UserId", account);
        cJSON_AddStringToObject(item, "GroupId", r->group_id);
    }
    cJSON_AddItemToArray(items, item);
    return 0;
}

/* Checks r; returns 0, or 1 with *cause set. */
static int check_rule(struct store *st, const char *account, const char *region,
                      const struct ec2_rule *r, char **cause)
{
    uint32_t a;
    int p;
    const char *proto = r->protocol ? r->protocol : "";
    if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0 &&
        strcmp(proto, "icmp") != 0 && strcmp(proto, "-1") != 0)
        return refuse(cause, "protocol '%s' is not tcp, udp, icmp or -1", proto);
    if ((r->cidr == NULL) == (r->group_id == NULL))
        return refuse(cause, "a rule has exactly one of a CIDR and a group id");
    if (r->cidr && cidr_parse(r->cidr, 0, 32, &a, &p) != 0)
        return refuse(cause, "'%s' is not an IPv4 CIDR network address", r->cidr);
    int icmp = strcmp(proto, "icmp") == 0;
    int lo = icmp ? -1 : 0, hi = icmp ? 255 : 65535;
    if (strcmp(proto, "-1") != 0 &&
        (r->from_port < lo || r->to_port > hi || r->from_port > r->to_port))
        return refuse(cause, "port range %d-%d is invalid", r->from_port, r->to_port);
    if (r->group_id) {
        struct ec2_security_group other;
        int rc = ec2_find_security_group(st, account, region, r->group_id, &other);
        if (rc != 0)
            return rc < 0 ? -1 : refuse(cause, "no security group %s", r->group_id);
    }
    return 0;
}

static int add_rule(struct store *st, const char *account, const char *region,
                    const char *group_id, int egress, const struct ec2_rule *r, char **cause)
{
    int rc = check_rule(st, account, region, r, cause);
    if (rc != 0)
        return rc;
    sqlite3_stmt *s = scoped(st, account, region,
                             "SELECT ingress, egress FROM ec2_security_groups WHERE "
                             "account = ?1 AND region = ?2 AND id = ?3");
    sqlite3_bind_text(s, 3, group_id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return refuse(cause, "no security group %s", group_id ? group_id : "");
    if (rc != SQLITE_ROW)
        return -1;
    const unsigned char *text = sqlite3_column_text(s, egress ? 1 : 0);
    cJSON *list = cJSON_Parse(text ? (const char *)text : "[]");
    if (!cJSON_IsArray(list)) {
        cJSON_Delete(list);
        list = cJSON_CreateArray();
    }
    if (merge_rule(list, account, r) != 0) {
        cJSON_Delete(list);
        return refuse(cause, "the rule is already in %s", group_id);
    }
    char *json = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    s = scoped(st, account, region,
               egress ? "UPDATE ec2_security_groups SET egress = ?4 WHERE account = ?1 AND "
                        "region = ?2 AND id = ?3"
                      : "UPDATE ec2_security_groups SET ingress = ?4 WHERE account = ?1 AND "
                        "region = ?2 AND id = ?3");
    sqlite3_bind_text(s, 3, group_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, json ? json : "[]", -1, SQLITE_TRANSIENT);
    rc = step_write(s);
    cJSON_free(json);
    return rc == 0 ? 0 : -1;
}

int ec2_sg_add_rule(struct store *st, const char *account, const char *region,
                    const char *group_id, int egress, const struct ec2_rule *r, char **cause)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    int own;
    if (tx_begin(st, &own) != 0)
        return -1;
    return tx_end(st, own, add_rule(st, account, region, group_id, egress, r, cause));
}

static int set_tag(struct store *st, const char *account, const char *region, const char *id,
                   const char *key, const char *value, char **cause)
{
    int rc = id_taken(st, account, region, id);
    if (rc <= 0)
        return rc < 0 ? -1 : refuse(cause, "no VPC, subnet or security group %s", id);
    if (key == NULL || key[0] == '\0' || value == NULL)
        return refuse(cause, "a tag needs a non-empty key and a value");
    sqlite3_stmt *s = scoped(st, account, region,
                             "INSERT INTO tags (account, region, service, resource, key, value) "
                             "VALUES (?1, ?2, 'ec2', ?3, ?4, ?5) ON CONFLICT (account, region, "
                             "service, resource, key) DO UPDATE SET value = excluded.value");
    sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, value, -1, SQLITE_TRANSIENT);
    return step_write(s) == 0 ? 0 : -1;
}

int ec2_set_tag(struct store *st, const char *account, const char *region, const char *id,
                const char *key, const char *value, char **cause)
{
    if (ec2_ensure_defaults(st, account, region) != 0)
        return -1;
    int own;
    if (tx_begin(st, &own) != 0)
        return -1;
    return tx_end(st, own, set_tag(st, account, region, id, key, value, cause));
}
