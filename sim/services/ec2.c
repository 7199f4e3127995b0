/*
 * ec2.c - Amazon EC2 look-ups: DescribeVpcs, DescribeSubnets, DescribeSecurityGroups and
 * DescribeAvailabilityZones, in the EC2 query dialect (sim/protocol/query.c, proto_ec2).
 *
 * The rows come from sim/store/ec2.c, which creates every tenant's default network (VPC
 * 172.31.0.0/16, one default subnet per zone, the "default" security group) on first use.
 * A handler turns every row of the tenant into the item the API returns (the neutral
 * document of the output shape), keeps the items the request selects, and pages them:
 *   1. Filters (Filter.N.Name / Filter.N.Value.M): each name must be one the operation
 *      knows, else InvalidParameterValue "The filter 'foo' is invalid" ('null' when the Name
 *      is missing). An item matches a filter when one of the filter's values matches one of
 *      the item's values at the filter's path; filters are ANDed, values ORed. A filter
 *      with no values matches nothing (what AWS answers). Values are case-sensitive and
 *      take the wildcards * (any run) and ? (one character); a backslash escapes the next
 *      character. tag:KEY matches the values of tag KEY, tag-key any tag key. Booleans
 *      compare as "true"/"false", numbers as decimal text. More than 200 values in all:
 *      FilterLimitExceeded.
 *   2. Explicit ids (VpcId.N, SubnetId.N, GroupId.N): every id is first checked for shape
 *      (InvalidVpcID.Malformed / InvalidSubnetID.Malformed / InvalidGroupId.Malformed,
 *      `Invalid id: "x" (expecting "vpc-...")`), then each must exist (InvalidVpcID.NotFound
 *      "The vpc ID 'vpc-x' does not exist", InvalidSubnetID.NotFound "The subnet ID
 *      'subnet-x' does not exist", InvalidGroup.NotFound "The security group 'sg-x' does not
 *      exist"); the first missing one in request order is reported. GroupName.N names
 *      groups of the default VPC only ("The security group 'web' does not exist in default
 *      VPC 'vpc-x'"). Ids and names select; filters then narrow.
 *   3. DryRun=true: DryRunOperation 412 "Request would have succeeded, but DryRun flag is
 *      set.", after the checks above.
 *   4. Paging (not DescribeAvailabilityZones): items in id order; MaxResults (5..1000,
 *      checked by the model) per page; NextToken is the hex of the page's last id, so a
 *      token stays valid however the rows change. A token that is not one of ours:
 *      InvalidPaginationToken.
 * Availability zones are the region's (store/ec2.h lists them), all available and
 * opt-in-not-required; ZoneName.N / ZoneId.N select ("Invalid availability zone: [x]",
 * "Invalid availability zone-id: [x]").
 *
 * To add an operation: list it in sim/services/models/ops.json and regenerate, write its
 * item builder and filter table (name -> path into the item) here, a handler that runs the
 * steps above through describe(), its row in the op table, and cover it in
 * tests/e2e/test_ec2.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/params.h"
#include "services/service.h"
#include "sim.h"
#include "store/ec2.h"
#include "util/xmalloc.h"

#define EC2_MAX_FILTER_VALUES 200
#define EC2_DEFAULT_PAGE 1000000 /* without MaxResults every item is returned */

/* ---- filters ------------------------------------------------------------------------------ */

/* A filter name and the path of the item values it compares ("A.B": member B of every
 * element of A when A is a list). */
struct filter_def {
    const char *name;
    const char *path;
};

static const struct filter_def vpc_filters[] = {
    {"cidr", "CidrBlock"},
    {"cidr-block-association.cidr-block", "CidrBlockAssociationSet.CidrBlock"},
    {"cidr-block-association.association-id", "CidrBlockAssociationSet.AssociationId"},
    {"cidr-block-association.state", "CidrBlockAssociationSet.CidrBlockState.State"},
    {"dhcp-options-id", "DhcpOptionsId"},
    {"ipv6-cidr-block-association.ipv6-cidr-block", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlock"},
    {"ipv6-cidr-block-association.ipv6-pool", "Ipv6CidrBlockAssociationSet.Ipv6Pool"},
    {"ipv6-cidr-block-association.association-id", "Ipv6CidrBlockAssociationSet.AssociationId"},
    {"ipv6-cidr-block-association.state",
     "Ipv6CidrBlockAssociationSet.Ipv6CidrBlockState.State"},
    {"is-default", "IsDefault"},
    {"owner-id", "OwnerId"},
    {"state", "State"},
    {"tag-key", "Tags.Key"},
    {"vpc-id", "VpcId"},
    {NULL, NULL},
};

static const struct filter_def subnet_filters[] = {
    {"availability-zone", "AvailabilityZone"},
    {"availabilityZone", "AvailabilityZone"},
    {"availability-zone-id", "AvailabilityZoneId"},
    {"availabilityZoneId", "AvailabilityZoneId"},
    {"available-ip-address-count", "AvailableIpAddressCount"},
    {"cidr-block", "CidrBlock"},
    {"cidr", "CidrBlock"},
    {"cidrBlock", "CidrBlock"},
    {"customer-owned-ipv4-pool", "CustomerOwnedIpv4Pool"},
    {"default-for-az", "DefaultForAz"},
    {"defaultForAz", "DefaultForAz"},
    {"enable-dns64", "EnableDns64"},
    {"enable-lni-at-device-index", "EnableLniAtDeviceIndex"},
    {"ipv6-cidr-block-association.ipv6-cidr-block", "Ipv6CidrBlockAssociationSet.Ipv6CidrBlock"},
    {"ipv6-cidr-block-association.association-id", "Ipv6CidrBlockAssociationSet.AssociationId"},
    {"ipv6-cidr-block-association.state",
     "Ipv6CidrBlockAssociationSet.Ipv6CidrBlockState.State"},
    {"ipv6-native", "Ipv6Native"},
    {"map-customer-owned-ip-on-launch", "MapCustomerOwnedIpOnLaunch"},
    {"map-public-ip-on-launch", "MapPublicIpOnLaunch"},
    {"outpost-arn", "OutpostArn"},
    {"owner-id", "OwnerId"},
    {"private-dns-name-options-on-launch.hostname-type",
     "PrivateDnsNameOptionsOnLaunch.HostnameType"},
    {"private-dns-name-options-on-launch.enable-resource-name-dns-a-record",
     "PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsARecord"},
    {"private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record",
     "PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsAAAARecord"},
    {"state", "State"},
    {"subnet-arn", "SubnetArn"},
    {"subnet-id", "SubnetId"},
    {"tag-key", "Tags.Key"},
    {"vpc-id", "VpcId"},
    {NULL, NULL},
};

#define PERMISSION_FILTERS(prefix, member)                                                     \
    {prefix "ip-permission.cidr", member ".IpRanges.CidrIp"},                                  \
        {prefix "ip-permission.from-port", member ".FromPort"},                                \
        {prefix "ip-permission.group-id", member ".UserIdGroupPairs.GroupId"},                 \
        {prefix "ip-permission.group-name", member ".UserIdGroupPairs.GroupName"},             \
        {prefix "ip-permission.ipv6-cidr", member ".Ipv6Ranges.CidrIpv6"},                     \
        {prefix "ip-permission.prefix-list-id", member ".PrefixListIds.PrefixListId"},         \
        {prefix "ip-permission.protocol", member ".IpProtocol"},                               \
        {prefix "ip-permission.to-port", member ".ToPort"},                                    \
        {prefix "ip-permission.user-id", member ".UserIdGroupPairs.UserId"}

static const struct filter_def sg_filters[] = {
    {"description", "Description"},
    PERMISSION_FILTERS("egress.", "IpPermissionsEgress"),
    {"group-id", "GroupId"},
    {"group-name", "GroupName"},
    PERMISSION_FILTERS("", "IpPermissions"),
    {"owner-id", "OwnerId"},
    {"tag-key", "Tags.Key"},
    {"vpc-id", "VpcId"},
    {NULL, NULL},
};

static const struct filter_def az_filters[] = {
    {"group-long-name", "GroupLongName"},
    {"group-name", "GroupName"},
    {"message", "Messages.Message"},
    {"opt-in-status", "OptInStatus"},
    {"parent-zone-id", "ParentZoneId"},
    {"parent-zone-name", "ParentZoneName"},
    {"region-name", "RegionName"},
    {"state", "State"},
    {"zone-id", "ZoneId"},
    {"zone-name", "ZoneName"},
    {"zone-type", "ZoneType"},
    {NULL, NULL},
};

/* One filter of the request, resolved against its operation's table. */
struct filter {
    const char *path;    /* NULL for tag:KEY */
    const char *tag_key; /* tag:KEY */
    const cJSON *values; /* the request's Values array, or NULL */
};

/* The operation being answered: its filter table and whether it has tags. */
struct describe_kind {
    const struct filter_def *filters;
    int tagged;
};

/*
 * Returns 1 if the text s matches the EC2 filter pattern p: "*" matches any run of
 * characters, "?" one character, "\" makes the next character literal. Runs in
 * O(|p| * |s|) at worst (one backtracking point).
 */
static int glob_match(const char *p, const char *s)
{
    const char *star_p = NULL, *star_s = NULL;
    while (*s) {
        if (*p == '*') {
            star_p = ++p;
            star_s = s;
            continue;
        }
        if (*p == '?') {
            p++;
            s++;
            while (((unsigned char)*s & 0xc0) == 0x80) /* the rest of a UTF-8 character */
                s++;
            continue;
        }
        const char *lit = (*p == '\\' && p[1]) ? p + 1 : p;
        if (*lit && *lit == *s) {
            p = lit + 1;
            s++;
            continue;
        }
        if (star_p == NULL)
            return 0;
        p = star_p;
        s = ++star_s;
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* Returns 1 if one of the string patterns in values matches text. */
static int any_value_matches(const cJSON *values, const char *text)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        if (cJSON_IsString(v) && glob_match(v->valuestring, text))
            return 1;
    }
    return 0;
}

/* Returns 1 if a scalar at path below node (lists are entered element by element) matches
 * one of values. */
static int path_matches(const cJSON *node, const char *path, const cJSON *values)
{
    if (node == NULL)
        return 0;
    if (cJSON_IsArray(node)) {
        const cJSON *el;
        cJSON_ArrayForEach(el, node)
        {
            if (path_matches(el, path, values))
                return 1;
        }
        return 0;
    }
    if (*path == '\0') {
        char num[48];
        if (cJSON_IsString(node))
            return any_value_matches(values, node->valuestring);
        if (cJSON_IsBool(node))
            return any_value_matches(values, cJSON_IsTrue(node) ? "true" : "false");
        if (cJSON_IsNumber(node)) {
            snprintf(num, sizeof num, "%.15g", node->valuedouble);
            return any_value_matches(values, num);
        }
        return 0;
    }
    if (!cJSON_IsObject(node))
        return 0;
    const char *dot = strchr(path, '.');
    size_t len = dot ? (size_t)(dot - path) : strlen(path);
    const cJSON *child;
    cJSON_ArrayForEach(child, node)
    {
        if (child->string && strlen(child->string) == len &&
            memcmp(child->string, path, len) == 0)
            return path_matches(child, dot ? dot + 1 : "", values);
    }
    return 0;
}

/* Returns 1 if item passes every filter. */
static int item_matches(const cJSON *item, const struct filter *f, int nf)
{
    for (int i = 0; i < nf; i++) {
        if (f[i].values == NULL || f[i].values->child == NULL)
            return 0;
        if (f[i].path) {
            if (!path_matches(item, f[i].path, f[i].values))
                return 0;
            continue;
        }
        int hit = 0;
        const cJSON *tag;
        cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(item, "Tags"))
        {
            const char *k = param_str(tag, "Key"), *v = param_str(tag, "Value");
            if (k && v && strcmp(k, f[i].tag_key) == 0 && any_value_matches(f[i].values, v))
                hit = 1;
        }
        if (!hit)
            return 0;
    }
    return 1;
}

/*
 * Resolves the request's Filters against kind's table into *out (caller frees; NULL when
 * there are none), *n. Returns SIM_OK, or SIM_ERROR with InvalidParameterValue /
 * FilterLimitExceeded set.
 */
static int parse_filters(struct call *c, const struct describe_kind *kind, struct filter **out,
                         int *n)
{
    const cJSON *list = param(c->in, "Filters");
    int count = cJSON_GetArraySize(list), total = 0;
    struct filter *f = count > 0 ? xcalloc((size_t)count, sizeof *f) : NULL;
    const cJSON *it;
    int i = 0;
    *out = NULL;
    *n = 0;
    cJSON_ArrayForEach(it, list)
    {
        const char *name = param_str(it, "Name");
        const struct filter_def *d = kind->filters;
        while (name && d->name && strcmp(d->name, name) != 0)
            d++;
        if (name && d->name) {
            f[i].path = d->path;
        } else if (name && kind->tagged && strncmp(name, "tag:", 4) == 0) {
            f[i].tag_key = name + 4;
        } else {
            free(f);
            return call_error(c, "InvalidParameterValue", "The filter '%s' is invalid",
                              name ? name : "null");
        }
        f[i].values = param(it, "Values");
        total += cJSON_GetArraySize(f[i].values);
        i++;
    }
    if (total > EC2_MAX_FILTER_VALUES) {
        free(f);
        return call_error(c, "FilterLimitExceeded",
                          "The maximum number of filter values specified on a single call "
                          "is %d",
                          EC2_MAX_FILTER_VALUES);
    }
    *out = f;
    *n = i;
    return SIM_OK;
}

/* ---- ids, paging, common answers --------------------------------------------------------- */

static int store_failed(struct call *c)
{
    return call_error_status(c, 500, "InternalError",
                             "An internal error has occurred. The store failed.");
}

static int dry_run(struct call *c)
{
    return call_error_status(c, 412, "DryRunOperation",
                             "Request would have succeeded, but DryRun flag is set.");
}

/*
 * Checks the shape of every id in the request's list member: returns SIM_OK, or SIM_ERROR
 * with `code` "Invalid id: \"x\" (expecting \"prefix-...\")" for the first bad one.
 */
static int check_ids(struct call *c, const char *member, const char *prefix, const char *code)
{
    const cJSON *id;
    cJSON_ArrayForEach(id, param(c->in, member))
    {
        const char *s = cJSON_IsString(id) ? id->valuestring : "";
        if (!ec2_id_ok(s, prefix))
            return call_error(c, code, "Invalid id: \"%.200s\" (expecting \"%s-...\")", s,
                              prefix);
    }
    return SIM_OK;
}

static int item_cmp(const void *key, const void *elem)
{
    const char *id = key;
    const cJSON *const *item = elem;
    return strcmp(id, (*item)->string);
}

/* Finds id among items (sorted by id; item->string holds it). Returns its index or -1. */
static int find_item(cJSON *const *items, int n, const char *id)
{
    cJSON *const *hit = n > 0 ? bsearch(id, items, (size_t)n, sizeof *items, item_cmp) : NULL;
    return hit ? (int)(hit - items) : -1;
}

/* Writes the NextToken for a page that ended at id. */
static char *token_for(const char *id)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(id);
    char *t = xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        t[2 * i] = hex[(unsigned char)id[i] >> 4];
        t[2 * i + 1] = hex[(unsigned char)id[i] & 15];
    }
    t[2 * n] = '\0';
    return t;
}

/* Decodes a NextToken into the id it names (out has room for 64 bytes). Returns 0, or -1
 * when it is not a token of ours for ids with this prefix. */
static int token_id(const char *token, const char *prefix, char out[64])
{
    size_t n = strlen(token);
    if (n == 0 || n % 2 || n / 2 >= 64)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(token + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdef", token[2 * i]) ||
            !strchr("0123456789abcdef", token[2 * i + 1]))
            return -1;
        out[i] = (char)v;
    }
    out[n / 2] = '\0';
    return ec2_id_ok(out, prefix) ? 0 : -1;
}

/*
 * The common tail of the Describe* handlers: keeps the items (sorted by id, item->string
 * set to the id) that are selected (selected == NULL: all) and pass the filters, pages them,
 * and writes c->out = { list_member: [...], NextToken }. Takes ownership of the items.
 * Returns SIM_OK or SIM_ERROR.
 */
static int describe(struct call *c, const char *list_member, const char *prefix,
                    cJSON **items, int n, const char *selected, const struct filter *f, int nf)
{
    int rc = SIM_ERROR;
    int page = (int)param_int(c->in, "MaxResults", EC2_DEFAULT_PAGE);
    const char *token = param_str(c->in, "NextToken");
    char after[64] = "";
    if (token && token_id(token, prefix, after) != 0) {
        call_error(c, "InvalidPaginationToken",
                   "The specified pagination token is not valid or is expired.");
        goto out;
    }
    if (param_bool(c->in, "DryRun", 0)) {
        dry_run(c);
        goto out;
    }
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, list_member);
    int taken = 0;
    for (int i = 0; i < n; i++) {
        if (selected && !selected[i])
            continue;
        if (after[0] && strcmp(items[i]->string, after) <= 0)
            continue;
        if (!item_matches(items[i], f, nf))
            continue;
        if (taken == page) {
            char *t = token_for(cJSON_GetArrayItem(list, taken - 1)->string);
            cJSON_AddStringToObject(c->out, "NextToken", t);
            free(t);
            break;
        }
        cJSON_AddItemToArray(list, items[i]);
        items[i] = NULL;
        taken++;
    }
    rc = SIM_OK;
out:
    for (int i = 0; i < n; i++)
        cJSON_Delete(items[i]);
    free(items);
    return rc;
}

/* Sets item->string to id (the key describe() sorts and pages by; the encoders ignore it
 * on array elements). */
static void set_key(cJSON *item, const char *id)
{
    item->string = xstrdup(id);
}

/* Adds Tags: [{Key, Value}] for the resource id when it has any (tags sorted by resource). */
static void add_tags(cJSON *item, const struct ec2_tag *tags, int ntags, const char *id)
{
    cJSON *list = NULL;
    for (int i = 0; i < ntags; i++) {
        if (strcmp(tags[i].resource, id) != 0)
            continue;
        if (list == NULL)
            list = cJSON_AddArrayToObject(item, "Tags");
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "Key", tags[i].key);
        cJSON_AddStringToObject(t, "Value", tags[i].value);
        cJSON_AddItemToArray(list, t);
    }
}

static void add_block_public_access(cJSON *item)
{
    cJSON *b = cJSON_AddObjectToObject(item, "BlockPublicAccessStates");
    cJSON_AddStringToObject(b, "InternetGatewayBlockMode", "off");
}

/* ---- DescribeVpcs ------------------------------------------------------------------------ */

static cJSON *vpc_item(struct call *c, const struct ec2_vpc *v, const struct ec2_tag *tags,
                       int ntags)
{
    cJSON *o = cJSON_CreateObject();
    set_key(o, v->id);
    cJSON_AddStringToObject(o, "OwnerId", c->tenant.account);
    cJSON_AddStringToObject(o, "InstanceTenancy", v->tenancy);
    cJSON *assocs = cJSON_AddArrayToObject(o, "CidrBlockAssociationSet");
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "AssociationId", v->cidr_assoc_id);
    cJSON_AddStringToObject(a, "CidrBlock", v->cidr);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(a, "CidrBlockState"), "State", "associated");
    cJSON_AddItemToArray(assocs, a);
    cJSON_AddBoolToObject(o, "IsDefault", v->is_default);
    add_tags(o, tags, ntags, v->id);
    add_block_public_access(o);
    cJSON_AddStringToObject(o, "VpcId", v->id);
    cJSON_AddStringToObject(o, "State", v->state);
    cJSON_AddStringToObject(o, "CidrBlock", v->cidr);
    cJSON_AddStringToObject(o, "DhcpOptionsId", v->dhcp_options_id);
    return o;
}

static const struct describe_kind kind_vpcs = {vpc_filters, 1};

/*
 * Marks in a new array (caller frees) the items named by the request's list member ids;
 * NULL when the member is absent (everything selected). On an id that is not there, sets
 * `code` "The <noun> ID 'x' does not exist" and returns NULL with *failed = 1.
 */
static char *select_ids(struct call *c, cJSON *const *items, int n, const char *member,
                        const char *code, const char *noun, int *failed)
{
    const cJSON *ids = param(c->in, member);
    *failed = 0;
    if (ids == NULL || ids->child == NULL)
        return NULL;
    char *sel = xcalloc((size_t)(n > 0 ? n : 1), 1);
    const cJSON *id;
    cJSON_ArrayForEach(id, ids)
    {
        int k = find_item(items, n, id->valuestring);
        if (k < 0) {
            free(sel);
            *failed = 1;
            call_error(c, code, "The %s '%.200s' does not exist", noun, id->valuestring);
            return NULL;
        }
        sel[k] = 1;
    }
    return sel;
}

/* Frees items[0..n) and the array. */
static void free_items(cJSON **items, int n)
{
    for (int i = 0; i < n; i++)
        cJSON_Delete(items[i]);
    free(items);
}

static int op_DescribeVpcs(struct call *c)
{
    struct filter *f = NULL;
    struct ec2_vpc *v = NULL;
    struct ec2_tag *tags = NULL;
    cJSON **items = NULL;
    char *sel = NULL;
    int nf, n = 0, ntags = 0, failed, rc = SIM_ERROR;
    if (parse_filters(c, &kind_vpcs, &f, &nf) != SIM_OK ||
        check_ids(c, "VpcIds", "vpc", "InvalidVpcID.Malformed") != SIM_OK)
        goto out;
    if (ec2_list_vpcs(c->sim->store, c->tenant.account, c->tenant.region, &v, &n) != 0 ||
        ec2_list_tags(c->sim->store, c->tenant.account, c->tenant.region, &tags, &ntags) != 0) {
        store_failed(c);
        goto out;
    }
    items = xcalloc((size_t)(n > 0 ? n : 1), sizeof *items);
    for (int i = 0; i < n; i++)
        items[i] = vpc_item(c, &v[i], tags, ntags);
    sel = select_ids(c, items, n, "VpcIds", "InvalidVpcID.NotFound", "vpc ID", &failed);
    if (failed)
        goto out;
    rc = describe(c, "Vpcs", "vpc", items, n, sel, f, nf);
    items = NULL;
out:
    free_items(items, items ? n : 0);
    free(sel);
    free(f);
    free(v);
    free(tags);
    return rc;
}

/* ---- DescribeSubnets --------------------------------------------------------------------- */

static cJSON *subnet_item(struct call *c, const struct ec2_subnet *s, const struct ec2_tag *tags,
                          int ntags)
{
    char arn[160];
    snprintf(arn, sizeof arn, "arn:aws:ec2:%s:%s:subnet/%s", c->tenant.region,
             c->tenant.account, s->id);
    cJSON *o = cJSON_CreateObject();
    set_key(o, s->id);
    cJSON_AddStringToObject(o, "AvailabilityZoneId", s->az_id);
    cJSON_AddBoolToObject(o, "MapCustomerOwnedIpOnLaunch", 0);
    cJSON_AddStringToObject(o, "OwnerId", c->tenant.account);
    cJSON_AddBoolToObject(o, "AssignIpv6AddressOnCreation", 0);
    cJSON_AddArrayToObject(o, "Ipv6CidrBlockAssociationSet");
    add_tags(o, tags, ntags, s->id);
    cJSON_AddStringToObject(o, "SubnetArn", arn);
    cJSON_AddBoolToObject(o, "EnableDns64", 0);
    cJSON_AddBoolToObject(o, "Ipv6Native", 0);
    cJSON *dns = cJSON_AddObjectToObject(o, "PrivateDnsNameOptionsOnLaunch");
    cJSON_AddStringToObject(dns, "HostnameType", "ip-name");
    cJSON_AddBoolToObject(dns, "EnableResourceNameDnsARecord", 0);
    cJSON_AddBoolToObject(dns, "EnableResourceNameDnsAAAARecord", 0);
    add_block_public_access(o);
    cJSON_AddStringToObject(o, "SubnetId", s->id);
    cJSON_AddStringToObject(o, "State", s->state);
    cJSON_AddStringToObject(o, "VpcId", s->vpc_id);
    cJSON_AddStringToObject(o, "CidrBlock", s->cidr);
    cJSON_AddNumberToObject(o, "AvailableIpAddressCount", s->available_ips);
    cJSON_AddStringToObject(o, "AvailabilityZone", s->az);
    cJSON_AddBoolToObject(o, "DefaultForAz", s->default_for_az);
    cJSON_AddBoolToObject(o, "MapPublicIpOnLaunch", s->map_public_ip);
    return o;
}

static const struct describe_kind kind_subnets = {subnet_filters, 1};

static int op_DescribeSubnets(struct call *c)
{
    struct filter *f = NULL;
    struct ec2_subnet *s = NULL;
    struct ec2_tag *tags = NULL;
    cJSON **items = NULL;
    char *sel = NULL;
    int nf, n = 0, ntags = 0, failed, rc = SIM_ERROR;
    if (parse_filters(c, &kind_subnets, &f, &nf) != SIM_OK ||
        check_ids(c, "SubnetIds", "subnet", "InvalidSubnetID.Malformed") != SIM_OK)
        goto out;
    if (ec2_list_subnets(c->sim->store, c->tenant.account, c->tenant.region, &s, &n) != 0 ||
        ec2_list_tags(c->sim->store, c->tenant.account, c->tenant.region, &tags, &ntags) != 0) {
        store_failed(c);
        goto out;
    }
    items = xcalloc((size_t)(n > 0 ? n : 1), sizeof *items);
    for (int i = 0; i < n; i++)
        items[i] = subnet_item(c, &s[i], tags, ntags);
    sel = select_ids(c, items, n, "SubnetIds", "InvalidSubnetID.NotFound", "subnet ID",
                     &failed);
    if (failed)
        goto out;
    rc = describe(c, "Subnets", "subnet", items, n, sel, f, nf);
    items = NULL;
out:
    free_items(items, items ? n : 0);
    free(sel);
    free(f);
    free(s);
    free(tags);
    return rc;
}

/* ---- DescribeSecurityGroups -------------------------------------------------------------- */

/* Returns the stored rules text as a JSON array (an empty one if it does not parse). */
static cJSON *rules(const char *json)
{
    cJSON *a = cJSON_Parse(json ? json : "[]");
    if (!cJSON_IsArray(a)) {
        cJSON_Delete(a);
        a = cJSON_CreateArray();
    }
    return a;
}

static cJSON *sg_item(struct call *c, const struct ec2_sg *g, const struct ec2_tag *tags,
                      int ntags)
{
    char arn[160];
    snprintf(arn, sizeof arn, "arn:aws:ec2:%s:%s:security-group/%s", c->tenant.region,
             c->tenant.account, g->g.id);
    cJSON *o = cJSON_CreateObject();
    set_key(o, g->g.id);
    cJSON_AddStringToObject(o, "GroupId", g->g.id);
    cJSON_AddItemToObject(o, "IpPermissionsEgress", rules(g->egress));
    add_tags(o, tags, ntags, g->g.id);
    cJSON_AddStringToObject(o, "VpcId", g->g.vpc_id);
    cJSON_AddStringToObject(o, "SecurityGroupArn", arn);
    cJSON_AddStringToObject(o, "OwnerId", c->tenant.account);
    cJSON_AddStringToObject(o, "GroupName", g->g.name);
    cJSON_AddStringToObject(o, "Description", g->g.description);
    cJSON_AddItemToObject(o, "IpPermissions", rules(g->ingress));
    return o;
}

static const struct describe_kind kind_sgs = {sg_filters, 1};

/*
 * Marks the groups named by GroupNames (groups of the default VPC) in sel, which has room
 * for n. Returns SIM_OK, or SIM_ERROR with InvalidGroup.NotFound for the first missing name.
 */
static int select_names(struct call *c, const struct ec2_sg *g, int n, const char *default_vpc,
                        char *sel)
{
    const cJSON *name;
    cJSON_ArrayForEach(name, param(c->in, "GroupNames"))
    {
        int found = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(g[i].g.vpc_id, default_vpc) == 0 &&
                strcmp(g[i].g.name, name->valuestring) == 0) {
                sel[i] = 1;
                found = 1;
            }
        }
        if (!found)
            return call_error(c, "InvalidGroup.NotFound",
                              "The security group '%.255s' does not exist in default VPC '%s'",
                              name->valuestring, default_vpc);
    }
    return SIM_OK;
}

/* Writes the id of the tenant's default VPC into out. Returns 0 or -1. */
static int default_vpc_id(struct call *c, char out[32])
{
    struct ec2_vpc *v = NULL;
    int n = 0;
    if (ec2_list_vpcs(c->sim->store, c->tenant.account, c->tenant.region, &v, &n) != 0)
        return -1;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (v[i].is_default)
            memcpy(out, v[i].id, sizeof v[i].id);
    }
    free(v);
    return 0;
}

static int op_DescribeSecurityGroups(struct call *c)
{
    struct filter *f = NULL;
    struct ec2_sg *g = NULL;
    struct ec2_tag *tags = NULL;
    cJSON **items = NULL;
    char *sel = NULL;
    char def[32];
    int nf, n = 0, ntags = 0, failed, rc = SIM_ERROR;
    const cJSON *names = param(c->in, "GroupNames");
    if (parse_filters(c, &kind_sgs, &f, &nf) != SIM_OK ||
        check_ids(c, "GroupIds", "sg", "InvalidGroupId.Malformed") != SIM_OK)
        goto out;
    if (ec2_list_security_groups(c->sim->store, c->tenant.account, c->tenant.region, &g,
                                 &n) != 0 ||
        ec2_list_tags(c->sim->store, c->tenant.account, c->tenant.region, &tags, &ntags) != 0 ||
        default_vpc_id(c, def) != 0) {
        store_failed(c);
        goto out;
    }
    items = xcalloc((size_t)(n > 0 ? n : 1), sizeof *items);
    for (int i = 0; i < n; i++)
        items[i] = sg_item(c, &g[i], tags, ntags);
    sel = select_ids(c, items, n, "GroupIds", "InvalidGroup.NotFound", "security group",
                     &failed);
    if (failed)
        goto out;
    if (names && names->child) {
        if (sel == NULL)
            sel = xcalloc((size_t)(n > 0 ? n : 1), 1);
        if (select_names(c, g, n, def, sel) != SIM_OK)
            goto out;
    }
    rc = describe(c, "SecurityGroups", "sg", items, n, sel, f, nf);
    items = NULL;
out:
    free_items(items, items ? n : 0);
    free(sel);
    free(f);
    ec2_free_security_groups(g, n);
    free(tags);
    return rc;
}

/* ---- DescribeAvailabilityZones ----------------------------------------------------------- */

static cJSON *zone_item(struct call *c, const struct ec2_zone *z)
{
    cJSON *o = cJSON_CreateObject();
    set_key(o, z->name);
    cJSON_AddStringToObject(o, "OptInStatus", "opt-in-not-required");
    cJSON_AddArrayToObject(o, "Messages");
    cJSON_AddStringToObject(o, "RegionName", c->tenant.region);
    cJSON_AddStringToObject(o, "ZoneName", z->name);
    cJSON_AddStringToObject(o, "ZoneId", z->id);
    cJSON_AddStringToObject(o, "GroupName", c->tenant.region);
    cJSON_AddStringToObject(o, "NetworkBorderGroup", c->tenant.region);
    cJSON_AddStringToObject(o, "ZoneType", "availability-zone");
    cJSON_AddStringToObject(o, "State", "available");
    return o;
}

static const struct describe_kind kind_zones = {az_filters, 0};

/* Marks in sel the zones named by the request's member (ZoneNames / ZoneIds, matched
 * against field). Returns SIM_OK, or SIM_ERROR with InvalidParameterValue "Invalid
 * availability <what>: [x]" for the first unknown one. */
static int select_zones(struct call *c, const struct ec2_zone *z, int n, const char *member,
                        int by_id, char *sel)
{
    const cJSON *want;
    cJSON_ArrayForEach(want, param(c->in, member))
    {
        int found = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(by_id ? z[i].id : z[i].name, want->valuestring) == 0) {
                sel[i] = 1;
                found = 1;
            }
        }
        if (!found)
            return call_error(c, "InvalidParameterValue", "Invalid availability %s: [%.100s]",
                              by_id ? "zone-id" : "zone", want->valuestring);
    }
    return SIM_OK;
}

static int op_DescribeAvailabilityZones(struct call *c)
{
    struct ec2_zone z[EC2_MAX_ZONES];
    struct filter *f = NULL;
    char sel[EC2_MAX_ZONES] = {0};
    int nf;
    if (parse_filters(c, &kind_zones, &f, &nf) != SIM_OK)
        return SIM_ERROR;
    int n = ec2_zones(c->tenant.region, z);
    const cJSON *names = param(c->in, "ZoneNames"), *ids = param(c->in, "ZoneIds");
    int selecting = (names && names->child) || (ids && ids->child);
    if (select_zones(c, z, n, "ZoneNames", 0, sel) != SIM_OK ||
        select_zones(c, z, n, "ZoneIds", 1, sel) != SIM_OK) {
        free(f);
        return SIM_ERROR;
    }
    if (param_bool(c->in, "DryRun", 0)) {
        free(f);
        return dry_run(c);
    }
    c->out = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(c->out, "AvailabilityZones");
    for (int i = 0; i < n; i++) {
        if (selecting && !sel[i])
            continue;
        cJSON *item = zone_item(c, &z[i]);
        if (item_matches(item, f, nf))
            cJSON_AddItemToArray(list, item);
        else
            cJSON_Delete(item);
    }
    free(f);
    return SIM_OK;
}

static const struct sim_op ec2_ops[] = {
    {"DescribeAvailabilityZones", op_DescribeAvailabilityZones, OP_READ},
    {"DescribeSecurityGroups", op_DescribeSecurityGroups, OP_READ},
    {"DescribeSubnets", op_DescribeSubnets, OP_READ},
    {"DescribeVpcs", op_DescribeVpcs, OP_READ},
    {NULL, NULL, 0},
};

struct sim_service service_ec2 = {
    .name = "ec2",
    .ops = ec2_ops,
    .vstyle = VS_QUERY,
};
