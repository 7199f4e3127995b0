"""test_ec2.py - the EC2 look-ups (DescribeVpcs, DescribeSubnets, DescribeSecurityGroups,
DescribeAvailabilityZones) in the EC2 query dialect, and every account's default network.

boto3 for breadth: every operation, filter and error, the default network's fields, tenancy
(accounts and regions see different networks; the same tenant sees the same ids in another
server, as they derive from the tenant only) and paging. Raw HTTP for the wire shape no client
shows (no Result wrapper, <requestId>, <item> lists, the <Response><Errors> error document).
A few CLI v1 and /usr/bin/aws calls for the printed output and exit codes of the runbook's
commands.
"""
import json
import os
import re
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
ACCOUNT = "123456789012"
OTHER = "210987654321"

ds = None


def setUpModule():
    global ds
    ds = harness.Drillsim().start()


def tearDownModule():
    ds.stop()


def ec2(account=ACCOUNT, region="us-east-1"):
    return ds.client("ec2", access_key=account, region=region)


def error_of(test, fn, **kw):
    """Calls fn(**kw) expecting a ClientError; returns (code, message, http status)."""
    with test.assertRaises(ClientError) as cm:
        fn(**kw)
    e = cm.exception.response
    return e["Error"]["Code"], e["Error"]["Message"], e["ResponseMetadata"]["HTTPStatusCode"]


def default_vpc_id(account=ACCOUNT, region="us-east-1"):
    vpcs = ec2(account, region).describe_vpcs(
        Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    return vpcs[0]["VpcId"]


class DefaultNetworkTest(unittest.TestCase):
    def test_default_vpc(self):
        r = ec2().describe_vpcs()
        self.assertRegex(r["ResponseMetadata"]["RequestId"], r"^[0-9a-f-]{36}$")
        self.assertEqual(len(r["Vpcs"]), 1)
        v = r["Vpcs"][0]
        self.assertRegex(v["VpcId"], r"^vpc-[0-9a-f]{17}$")
        self.assertEqual(v["CidrBlock"], "172.31.0.0/16")
        self.assertIs(v["IsDefault"], True)
        self.assertEqual(v["State"], "available")
        self.assertEqual(v["InstanceTenancy"], "default")
        self.assertEqual(v["OwnerId"], ACCOUNT)
        self.assertRegex(v["DhcpOptionsId"], r"^dopt-[0-9a-f]{17}$")
        assoc = v["CidrBlockAssociationSet"]
        self.assertEqual(len(assoc), 1)
        self.assertEqual(assoc[0]["CidrBlock"], "172.31.0.0/16")
        self.assertEqual(assoc[0]["CidrBlockState"], {"State": "associated"})
        self.assertRegex(assoc[0]["AssociationId"], r"^vpc-cidr-assoc-[0-9a-f]{17}$")
        self.assertNotIn("Tags", v)  # an untagged VPC has no tagSet

    def test_default_subnets(self):
        vpc = default_vpc_id()
        subnets = ec2().describe_subnets()["Subnets"]
        self.assertEqual(len(subnets), 6)
        by_az = {s["AvailabilityZone"]: s for s in subnets}
        self.assertEqual(sorted(by_az), ["us-east-1" + z for z in "abcdef"])
        for i, z in enumerate("abcdef"):
            s = by_az["us-east-1" + z]
            self.assertRegex(s["SubnetId"], r"^subnet-[0-9a-f]{17}$")
            self.assertEqual(s["AvailabilityZoneId"], "use1-az%d" % (i + 1))
            self.assertEqual(s["CidrBlock"], "172.31.%d.0/20" % (16 * i))
            self.assertEqual(s["VpcId"], vpc)
            self.assertIs(s["DefaultForAz"], True)
            self.assertIs(s["MapPublicIpOnLaunch"], True)
            self.assertEqual(s["AvailableIpAddressCount"], 4091)
            self.assertEqual(s["State"], "available")
            self.assertEqual(s["OwnerId"], ACCOUNT)
            self.assertEqual(s["SubnetArn"],
                             "arn:aws:ec2:us-east-1:%s:subnet/%s" % (ACCOUNT, s["SubnetId"]))
            self.assertEqual(s["Ipv6CidrBlockAssociationSet"], [])
            self.assertIs(s["AssignIpv6AddressOnCreation"], False)
        # ids are listed in order, and differ
        ids = [s["SubnetId"] for s in subnets]
        self.assertEqual(ids, sorted(set(ids)))

    def test_default_security_group(self):
        vpc = default_vpc_id()
        groups = ec2().describe_security_groups()["SecurityGroups"]
        self.assertEqual(len(groups), 1)
        g = groups[0]
        self.assertRegex(g["GroupId"], r"^sg-[0-9a-f]{17}$")
        self.assertEqual(g["GroupName"], "default")
        self.assertEqual(g["Description"], "default VPC security group")
        self.assertEqual(g["VpcId"], vpc)
        self.assertEqual(g["OwnerId"], ACCOUNT)
        self.assertEqual(g["SecurityGroupArn"], "arn:aws:ec2:us-east-1:%s:security-group/%s"
                         % (ACCOUNT, g["GroupId"]))
        self.assertEqual(g["IpPermissions"], [{
            "IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
            "UserIdGroupPairs": [{"UserId": ACCOUNT, "GroupId": g["GroupId"]}]}])
        self.assertEqual(g["IpPermissionsEgress"], [{
            "IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
            "PrefixListIds": [], "UserIdGroupPairs": []}])

    def network(self, account, region):
        c = ec2(account, region)
        return (c.describe_vpcs()["Vpcs"][0]["VpcId"],
                sorted(s["SubnetId"] for s in c.describe_subnets()["Subnets"]),
                c.describe_security_groups()["SecurityGroups"][0]["GroupId"])

    def test_tenancy(self):
        mine = self.network(ACCOUNT, "us-east-1")
        theirs = self.network(OTHER, "us-east-1")
        west = self.network(ACCOUNT, "us-west-2")
        # two accounts, and two regions of one account, have different networks
        for other in (theirs, west):
            self.assertNotEqual(mine[0], other[0])
            self.assertFalse(set(mine[1]) & set(other[1]))
            self.assertNotEqual(mine[2], other[2])
        self.assertEqual(len(west[1]), 4)  # us-west-2a..d
        # each sees only its own: another account's ids are not found
        code, msg, _ = error_of(self, ec2(OTHER).describe_vpcs, VpcIds=[mine[0]])
        self.assertEqual(code, "InvalidVpcID.NotFound")
        code, _, _ = error_of(self, ec2(ACCOUNT, "us-west-2").describe_subnets,
                              SubnetIds=[mine[1][0]])
        self.assertEqual(code, "InvalidSubnetID.NotFound")
        # asking again changes nothing
        self.assertEqual(self.network(ACCOUNT, "us-east-1"), mine)

    def test_ids_depend_on_the_tenant_only(self):
        # Another server, asked in another order (other tenants first, then subnets before
        # VPCs), gives the same tenant the same ids; so does a reset of the store.
        mine = self.network(ACCOUNT, "eu-west-1")
        with harness.Drillsim() as other:
            c = other.client("ec2", access_key=OTHER, region="eu-west-1")
            c.describe_security_groups()
            c = other.client("ec2", access_key=ACCOUNT, region="eu-west-1")
            subnets = sorted(s["SubnetId"] for s in c.describe_subnets()["Subnets"])
            vpc = c.describe_vpcs()["Vpcs"][0]["VpcId"]
            sg = c.describe_security_groups()["SecurityGroups"][0]["GroupId"]
            self.assertEqual((vpc, subnets, sg), mine)
            other.control("POST", "/_drill/reset", {})
            vpc = c.describe_vpcs()["Vpcs"][0]["VpcId"]
            self.assertEqual(vpc, mine[0])

    def test_other_region_zones(self):
        c = ec2(ACCOUNT, "eu-west-1")
        zones = c.describe_availability_zones()["AvailabilityZones"]
        self.assertEqual([(z["ZoneName"], z["ZoneId"]) for z in zones],
                         [("eu-west-1a", "euw1-az1"), ("eu-west-1b", "euw1-az2"),
                          ("eu-west-1c", "euw1-az3")])
        subnets = c.describe_subnets()["Subnets"]
        self.assertEqual(sorted((s["AvailabilityZone"], s["AvailabilityZoneId"], s["CidrBlock"])
                                for s in subnets),
                         [("eu-west-1a", "euw1-az1", "172.31.0.0/20"),
                          ("eu-west-1b", "euw1-az2", "172.31.16.0/20"),
                          ("eu-west-1c", "euw1-az3", "172.31.32.0/20")])


class FilterTest(unittest.TestCase):
    def vpcs(self, *filters, **kw):
        r = ec2().describe_vpcs(Filters=[{"Name": n, "Values": v} for n, v in filters], **kw)
        return [v["VpcId"] for v in r["Vpcs"]]

    def subnets(self, *filters, **kw):
        r = ec2().describe_subnets(Filters=[{"Name": n, "Values": v} for n, v in filters], **kw)
        return sorted(s["AvailabilityZone"] for s in r["Subnets"])

    def groups(self, *filters, **kw):
        r = ec2().describe_security_groups(
            Filters=[{"Name": n, "Values": v} for n, v in filters], **kw)
        return [g["GroupName"] for g in r["SecurityGroups"]]

    def test_vpc_filters(self):
        vpc = default_vpc_id()
        one = [vpc]
        self.assertEqual(self.vpcs(("vpc-id", [vpc])), one)
        self.assertEqual(self.vpcs(("vpc-id", ["vpc-00000000", vpc])), one)  # values OR
        self.assertEqual(self.vpcs(("vpc-id", ["vpc-00000000"])), [])
        self.assertEqual(self.vpcs(("is-default", ["true"])), one)
        self.assertEqual(self.vpcs(("is-default", ["false"])), [])
        self.assertEqual(self.vpcs(("is-default", ["True"])), [])  # case-sensitive
        self.assertEqual(self.vpcs(("cidr", ["172.31.0.0/16"])), one)
        self.assertEqual(self.vpcs(("cidr-block-association.cidr-block", ["172.31.*"])), one)
        self.assertEqual(self.vpcs(("cidr-block-association.state", ["associated"])), one)
        self.assertEqual(self.vpcs(("state", ["available"]), ("owner-id", [ACCOUNT])), one)
        self.assertEqual(self.vpcs(("state", ["available"]), ("owner-id", [OTHER])), [])  # AND
        self.assertEqual(self.vpcs(("dhcp-options-id", ["dopt-*"])), one)
        self.assertEqual(self.vpcs(("tag:Name", ["*"])), [])  # no tags on the default VPC
        self.assertEqual(self.vpcs(("tag-key", ["*"])), [])
        # wildcards: * any run, ? exactly one character, \ escapes
        self.assertEqual(self.vpcs(("vpc-id", ["vpc-*"])), one)
        self.assertEqual(self.vpcs(("vpc-id", ["*"])), one)
        self.assertEqual(self.vpcs(("vpc-id", [vpc[:-1] + "?"])), one)
        self.assertEqual(self.vpcs(("vpc-id", [vpc + "?"])), [])
        self.assertEqual(self.vpcs(("vpc-id", ["vpc-\\*"])), [])
        self.assertEqual(self.vpcs(("cidr", ["172.31.0.0?16"])), one)
        self.assertEqual(self.vpcs(("cidr", ["172.31.0.0\\/16"])), one)
        # a filter without values matches nothing
        self.assertEqual(self.vpcs(("vpc-id", [])), [])

    def test_subnet_filters(self):
        vpc = default_vpc_id()
        every = ["us-east-1" + z for z in "abcdef"]
        # the runbook's filter pair, as captured from the CLIs
        self.assertEqual(self.subnets(("vpc-id", [vpc]), ("default-for-az", ["true"])), every)
        self.assertEqual(self.subnets(("default-for-az", ["false"])), [])
        self.assertEqual(self.subnets(("defaultForAz", ["true"])), every)
        self.assertEqual(self.subnets(("availability-zone", ["us-east-1a", "us-east-1c"])),
                         ["us-east-1a", "us-east-1c"])
        self.assertEqual(self.subnets(("availabilityZone", ["*-1f"])), ["us-east-1f"])
        self.assertEqual(self.subnets(("availability-zone-id", ["use1-az2"])), ["us-east-1b"])
        self.assertEqual(self.subnets(("cidr-block", ["172.31.32.0/20"])), ["us-east-1c"])
        self.assertEqual(self.subnets(("cidr", ["172.31.48.0/20"])), ["us-east-1d"])
        self.assertEqual(self.subnets(("cidrBlock", ["172.31.?.0/20"])), ["us-east-1a"])
        self.assertEqual(self.subnets(("available-ip-address-count", ["4091"])), every)
        self.assertEqual(self.subnets(("map-public-ip-on-launch", ["true"]),
                                      ("state", ["available"]), ("owner-id", [ACCOUNT])), every)
        self.assertEqual(self.subnets(("vpc-id", ["vpc-00000000"])), [])
        self.assertEqual(self.subnets(("tag:Name", ["x"])), [])
        one = ec2().describe_subnets(Filters=[{"Name": "availability-zone",
                                               "Values": ["us-east-1e"]}])["Subnets"][0]
        self.assertEqual(self.subnets(("subnet-id", [one["SubnetId"]])), ["us-east-1e"])
        self.assertEqual(self.subnets(("subnet-arn", [one["SubnetArn"]])), ["us-east-1e"])
        self.assertEqual(self.subnets(("subnet-id", [one["SubnetId"]]),
                                      SubnetIds=[one["SubnetId"]]), ["us-east-1e"])

    def test_security_group_filters(self):
        vpc = default_vpc_id()
        g = ec2().describe_security_groups()["SecurityGroups"][0]
        self.assertEqual(self.groups(("group-name", ["default"]), ("vpc-id", [vpc])),
                         ["default"])
        self.assertEqual(self.groups(("group-name", ["web"])), [])
        self.assertEqual(self.groups(("group-id", [g["GroupId"]])), ["default"])
        self.assertEqual(self.groups(("description", ["default VPC*"])), ["default"])
        self.assertEqual(self.groups(("owner-id", [ACCOUNT])), ["default"])
        self.assertEqual(self.groups(("ip-permission.protocol", ["-1"])), ["default"])
        self.assertEqual(self.groups(("ip-permission.group-id", [g["GroupId"]])), ["default"])
        self.assertEqual(self.groups(("ip-permission.user-id", [ACCOUNT])), ["default"])
        self.assertEqual(self.groups(("ip-permission.cidr", ["0.0.0.0/0"])), [])
        self.assertEqual(self.groups(("egress.ip-permission.cidr", ["0.0.0.0/0"])), ["default"])
        self.assertEqual(self.groups(("egress.ip-permission.group-id", ["*"])), [])
        self.assertEqual(self.groups(("tag:env", ["prod"])), [])
        self.assertEqual(self.groups(("tag-key", ["env"])), [])

    def test_zone_filters(self):
        c = ec2()
        zones = c.describe_availability_zones()["AvailabilityZones"]
        self.assertEqual([(z["ZoneName"], z["ZoneId"]) for z in zones],
                         [("us-east-1" + z, "use1-az%d" % (i + 1))
                          for i, z in enumerate("abcdef")])
        for z in zones:
            self.assertEqual(z["State"], "available")
            self.assertEqual(z["RegionName"], "us-east-1")
            self.assertEqual(z["OptInStatus"], "opt-in-not-required")
            self.assertEqual(z["ZoneType"], "availability-zone")
            self.assertEqual(z["Messages"], [])

        def names(**kw):
            return [z["ZoneName"] for z in c.describe_availability_zones(**kw)["AvailabilityZones"]]

        self.assertEqual(names(Filters=[{"Name": "zone-name", "Values": ["us-east-1b"]}]),
                         ["us-east-1b"])
        self.assertEqual(names(Filters=[{"Name": "zone-id", "Values": ["use1-az?"]},
                                        {"Name": "state", "Values": ["available"]}]),
                         ["us-east-1" + z for z in "abcdef"])
        self.assertEqual(names(Filters=[{"Name": "state", "Values": ["impaired"]}]), [])
        self.assertEqual(names(Filters=[{"Name": "region-name", "Values": ["us-east-1"]},
                                        {"Name": "zone-type", "Values": ["availability-zone"]},
                                        {"Name": "opt-in-status",
                                         "Values": ["opt-in-not-required"]}]),
                         ["us-east-1" + z for z in "abcdef"])
        self.assertEqual(names(ZoneNames=["us-east-1d", "us-east-1a"]),
                         ["us-east-1a", "us-east-1d"])
        self.assertEqual(names(ZoneIds=["use1-az3"], AllAvailabilityZones=True), ["us-east-1c"])
        code, msg, status = error_of(self, c.describe_availability_zones,
                                     ZoneNames=["us-east-1a", "us-east-1z"])
        self.assertEqual((code, msg, status),
                         ("InvalidParameterValue", "Invalid availability zone: [us-east-1z]", 400))
        code, msg, _ = error_of(self, c.describe_availability_zones, ZoneIds=["use1-az9"])
        self.assertEqual((code, msg), ("InvalidParameterValue",
                                       "Invalid availability zone-id: [use1-az9]"))
        code, msg, _ = error_of(self, c.describe_availability_zones,
                                Filters=[{"Name": "tag:Name", "Values": ["x"]}])
        self.assertEqual((code, msg), ("InvalidParameterValue", "The filter 'tag:Name' is invalid"))

    def test_unknown_filters(self):
        c = ec2()
        for fn, name in ((c.describe_vpcs, "foo"), (c.describe_subnets, "group-name"),
                         (c.describe_security_groups, "default-for-az"),
                         (c.describe_vpcs, "Vpc-Id"), (c.describe_availability_zones, "vpc-id")):
            code, msg, status = error_of(self, fn, Filters=[{"Name": name, "Values": ["x"]}])
            self.assertEqual((code, msg, status),
                             ("InvalidParameterValue", "The filter '%s' is invalid" % name, 400))
        # a filter without a Name (what an empty SDK Filter sends)
        status, _, body = ds.raw(body=b"Action=DescribeVpcs&Version=2016-11-15"
                                      b"&Filter.1.Value.1=x", headers=FORM)
        self.assertEqual(status, 400)
        self.assertIn(b"<Message>The filter 'null' is invalid</Message>", body)
        # more than 200 values in all
        code, _, status = error_of(self, c.describe_vpcs, Filters=[
            {"Name": "vpc-id", "Values": ["vpc-%08x" % i for i in range(150)]},
            {"Name": "state", "Values": ["x%d" % i for i in range(51)]}])
        self.assertEqual((code, status), ("FilterLimitExceeded", 400))


class IdTest(unittest.TestCase):
    def test_vpc_ids(self):
        c = ec2()
        vpc = default_vpc_id()
        self.assertEqual([v["VpcId"] for v in c.describe_vpcs(VpcIds=[vpc, vpc])["Vpcs"]], [vpc])
        self.assertEqual(error_of(self, c.describe_vpcs, VpcIds=[vpc, "vpc-0123456789abcdef0"]),
                         ("InvalidVpcID.NotFound",
                          "The vpc ID 'vpc-0123456789abcdef0' does not exist", 400))
        self.assertEqual(error_of(self, c.describe_vpcs, VpcIds=["not-an-id"]),
                         ("InvalidVpcID.Malformed",
                          'Invalid id: "not-an-id" (expecting "vpc-...")', 400))
        # the shape of every id is checked before any is looked up
        code, _, _ = error_of(self, c.describe_vpcs, VpcIds=["vpc-00000000", "vpc-nope"])
        self.assertEqual(code, "InvalidVpcID.Malformed")
        # ids select, filters narrow
        self.assertEqual(c.describe_vpcs(VpcIds=[vpc], Filters=[
            {"Name": "is-default", "Values": ["false"]}])["Vpcs"], [])

    def test_subnet_ids(self):
        c = ec2()
        ids = sorted(s["SubnetId"] for s in c.describe_subnets()["Subnets"])
        got = c.describe_subnets(SubnetIds=[ids[3], ids[1]])["Subnets"]
        self.assertEqual([s["SubnetId"] for s in got], [ids[1], ids[3]])
        self.assertEqual(error_of(self, c.describe_subnets, SubnetIds=["subnet-12345678"]),
                         ("InvalidSubnetID.NotFound",
                          "The subnet ID 'subnet-12345678' does not exist", 400))
        self.assertEqual(error_of(self, c.describe_subnets, SubnetIds=["subnet-1"]),
                         ("InvalidSubnetID.Malformed",
                          'Invalid id: "subnet-1" (expecting "subnet-...")', 400))
        code, _, _ = error_of(self, c.describe_subnets, SubnetIds=[""])
        self.assertEqual(code, "InvalidSubnetID.Malformed")

    def test_security_group_ids_and_names(self):
        c = ec2()
        vpc = default_vpc_id()
        g = c.describe_security_groups()["SecurityGroups"][0]["GroupId"]
        self.assertEqual([x["GroupId"] for x in
                          c.describe_security_groups(GroupIds=[g])["SecurityGroups"]], [g])
        self.assertEqual([x["GroupId"] for x in
                          c.describe_security_groups(GroupNames=["default"])["SecurityGroups"]],
                         [g])
        self.assertEqual(error_of(self, c.describe_security_groups, GroupIds=["sg-12345678"]),
                         ("InvalidGroup.NotFound",
                          "The security group 'sg-12345678' does not exist", 400))
        self.assertEqual(error_of(self, c.describe_security_groups, GroupIds=["web"]),
                         ("InvalidGroupId.Malformed", 'Invalid id: "web" (expecting "sg-...")',
                          400))
        self.assertEqual(error_of(self, c.describe_security_groups, GroupNames=["default", "web"]),
                         ("InvalidGroup.NotFound",
                          "The security group 'web' does not exist in default VPC '%s'" % vpc,
                          400))


class PagingTest(unittest.TestCase):
    def test_pages(self):
        c = ec2()
        first = c.describe_subnets(MaxResults=5)
        self.assertEqual(len(first["Subnets"]), 5)
        self.assertIn("NextToken", first)
        second = c.describe_subnets(MaxResults=5, NextToken=first["NextToken"])
        self.assertEqual(len(second["Subnets"]), 1)
        self.assertNotIn("NextToken", second)
        ids = [s["SubnetId"] for s in first["Subnets"] + second["Subnets"]]
        self.assertEqual(ids, sorted(s["SubnetId"] for s in c.describe_subnets()["Subnets"]))
        # botocore's paginator follows the tokens; filters apply across pages
        pages = list(c.get_paginator("describe_subnets").paginate(
            Filters=[{"Name": "default-for-az", "Values": ["true"]}],
            PaginationConfig={"PageSize": 5}))
        self.assertEqual([len(p["Subnets"]) for p in pages], [5, 1])
        # exactly a page: no token
        self.assertNotIn("NextToken", c.describe_vpcs(MaxResults=5))

    def test_bad_paging(self):
        c = ec2()
        code, _, status = error_of(self, c.describe_vpcs, NextToken="nope")
        self.assertEqual((code, status), ("InvalidPaginationToken", 400))
        code, _, _ = error_of(self, c.describe_subnets, NextToken="7670632d3031")  # "vpc-01"
        self.assertEqual(code, "InvalidPaginationToken")
        # (botocore refuses MaxResults below the model's minimum itself: send it raw)
        status, _, body = ds.raw(body=b"Action=DescribeSecurityGroups&Version=2016-11-15"
                                      b"&MaxResults=4", headers=FORM)
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidParameterValue</Code>", body)
        code, _, _ = error_of(self, c.describe_vpcs, MaxResults=1001)
        self.assertEqual(code, "InvalidParameterValue")


class WireTest(unittest.TestCase):
    def test_dry_run(self):
        c = ec2()
        for fn in (c.describe_vpcs, c.describe_subnets, c.describe_security_groups,
                   c.describe_availability_zones):
            self.assertEqual(error_of(self, fn, DryRun=True),
                             ("DryRunOperation",
                              "Request would have succeeded, but DryRun flag is set.", 412))
        # the checks come first
        code, _, _ = error_of(self, c.describe_vpcs, DryRun=True, VpcIds=["x"])
        self.assertEqual(code, "InvalidVpcID.Malformed")

    def test_success_document(self):
        status, headers, body = ds.raw(
            body=b"Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=availability-zone"
                 b"&Filter.1.Value.1=us-east-1a", headers=FORM)
        self.assertEqual(status, 200, body)
        self.assertTrue(headers["content-type"].startswith("text/xml"))
        root = ET.fromstring(body)
        self.assertEqual(root.tag, NS + "DescribeSubnetsResponse")
        children = [ch.tag for ch in root]
        self.assertEqual(children, [NS + "requestId", NS + "subnetSet"])  # no Result wrapper
        self.assertEqual(root.find(NS + "requestId").text, headers["x-amzn-requestid"])
        items = root.findall(NS + "subnetSet/" + NS + "item")
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0].find(NS + "availabilityZone").text, "us-east-1a")
        self.assertEqual(items[0].find(NS + "defaultForAz").text, "true")
        self.assertEqual(items[0].find(NS + "availableIpAddressCount").text, "4091")
        self.assertIsNotNone(items[0].find(NS + "ipv6CidrBlockAssociationSet"))

    def error_document(self, body, want_status, want_code):
        status, headers, resp = ds.raw(body=body, headers=FORM)
        self.assertEqual(status, want_status, resp)
        self.assertTrue(headers["content-type"].startswith("text/xml"))
        root = ET.fromstring(resp)
        self.assertEqual(root.tag, "Response")
        self.assertEqual([ch.tag for ch in root], ["Errors", "RequestID"])
        self.assertEqual(root.find("Errors/Error/Code").text, want_code)
        self.assertEqual(root.find("RequestID").text, headers["x-amzn-requestid"])
        return root.find("Errors/Error/Message").text

    def test_error_documents(self):
        msg = self.error_document(b"Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-12345678",
                                  400, "InvalidVpcID.NotFound")
        self.assertEqual(msg, "The vpc ID 'vpc-12345678' does not exist")
        msg = self.error_document(b"Action=DescribeInstances&Version=2016-11-15", 400,
                                  "InvalidAction")
        self.assertEqual(msg, "The action DescribeInstances is not valid for this web service.")
        self.error_document(b"Version=2016-11-15", 400, "MissingAction")
        self.error_document(b"Action=DescribeVpcs&Version=2016-11-15&DryRun=maybe", 400,
                            "InvalidParameterValue")
        self.error_document(b"Action=DescribeVpcs&Version=2016-11-15&VpcId=vpc-12345678", 400,
                            "InvalidParameterValue")
        self.error_document(b"Action=DescribeVpcs&Version=2016-11-15&X=%zz", 400,
                            "MalformedQueryString")
        # still serving, and botocore's EC2 parser reads the error document
        import botocore.parsers
        status, headers, body = ds.raw(body=b"Action=DescribeSubnets&Version=2016-11-15"
                                            b"&SubnetId.1=subnet-1", headers=FORM)
        r = botocore.parsers.create_parser("ec2").parse(
            {"status_code": status, "headers": headers, "body": body}, None)
        self.assertEqual(r["Error"]["Code"], "InvalidSubnetID.Malformed")
        self.assertEqual(r["ResponseMetadata"]["RequestId"], headers["x-amzn-requestid"])

    def test_health_lists_the_dialect(self):
        health = ds.control("GET", "/_drill/health")
        self.assertEqual(health["services"]["ec2"]["protocols"], ["ec2"])
        self.assertEqual(sorted(health["services"]["ec2"]["operations"]),
                         ["DescribeAvailabilityZones", "DescribeSecurityGroups",
                          "DescribeSubnets", "DescribeVpcs"])


class CliTest(unittest.TestCase):
    def test_cli_v1(self):
        vpc = default_vpc_id()
        p = ds.cli("v1", "ec2", "describe-subnets", "--filters", "Name=vpc-id,Values=" + vpc,
                   "Name=default-for-az,Values=true", "--query",
                   "sort_by(Subnets, &AvailabilityZone)[].[AvailabilityZone,CidrBlock]",
                   "--output", "text", access_key=ACCOUNT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split("\n")[0].split(), ["us-east-1a", "172.31.0.0/20"])
        self.assertEqual(len(p.stdout.strip().split("\n")), 6)
        p = ds.cli("v1", "ec2", "describe-vpcs", "--vpc-ids", "vpc-12345678", access_key=ACCOUNT)
        self.assertEqual(p.returncode, 255)
        self.assertIn("An error occurred (InvalidVpcID.NotFound) when calling the DescribeVpcs "
                      "operation: The vpc ID 'vpc-12345678' does not exist", p.stderr)

    @unittest.skipUnless(harness.have_cli_v2(), "no CLI v2")
    def test_cli_v2(self):
        p = ds.cli("v2", "ec2", "describe-security-groups", "--group-names", "default",
                   "--query", "SecurityGroups[0].{Name:GroupName,Egress:IpPermissionsEgress[0]."
                   "IpRanges[0].CidrIp}", access_key=ACCOUNT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), {"Name": "default", "Egress": "0.0.0.0/0"})
        p = ds.cli("v2", "ec2", "describe-availability-zones", "--query",
                   "AvailabilityZones[].ZoneId", "--output", "text", access_key=ACCOUNT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.split(), ["use1-az%d" % i for i in range(1, 7)])
        p = ds.cli("v2", "ec2", "describe-vpcs", "--filters", "Name=bogus,Values=x",
                   access_key=ACCOUNT)
        self.assertEqual(p.returncode, 254)
        self.assertIn("(InvalidParameterValue) when calling the DescribeVpcs operation: "
                      "The filter 'bogus' is invalid", p.stderr)


if __name__ == "__main__":
    harness.main()
