// EC2 look-ups through the JS SDK v3 (the ec2 query dialect): JS reads list items only when
// they are <item> elements, takes the request id from the x-amzn-requestid header, and maps
// <Response><Errors> codes to exceptions named by the code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client, DescribeVpcsCommand, DescribeSubnetsCommand, DescribeSecurityGroupsCommand,
  DescribeAvailabilityZonesCommand, paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { startDrillsim, clientConfig } from './harness.mjs';

const ACCOUNT = '123456789012';
let ds;
before(async () => { ds = await startDrillsim(); });
after(async () => { await ds.stop(); });

const ec2 = (accessKeyId = ACCOUNT, region = 'us-east-1') =>
  new EC2Client(clientConfig(ds.endpoint, { accessKeyId, region }));

async function rejects(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

test('the default VPC, with typed fields', async () => {
  const r = await ec2().send(new DescribeVpcsCommand({}));
  assert.match(r.$metadata.requestId, /^[0-9a-f-]{36}$/);
  assert.equal(r.Vpcs.length, 1);
  const v = r.Vpcs[0];
  assert.match(v.VpcId, /^vpc-[0-9a-f]{17}$/);
  assert.equal(v.IsDefault, true);
  assert.equal(v.CidrBlock, '172.31.0.0/16');
  assert.equal(v.State, 'available');
  assert.equal(v.InstanceTenancy, 'default');
  assert.equal(v.OwnerId, ACCOUNT);
  assert.deepEqual(v.CidrBlockAssociationSet.map((a) => [a.CidrBlock, a.CidrBlockState.State]),
    [['172.31.0.0/16', 'associated']]);
});

test('default subnets by the runbook filters, and paging', async () => {
  const c = ec2();
  const vpc = (await c.send(new DescribeVpcsCommand({
    Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs[0].VpcId;
  const r = await c.send(new DescribeSubnetsCommand({
    Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'default-for-az', Values: ['true'] }],
  }));
  const byAz = Object.fromEntries(r.Subnets.map((s) => [s.AvailabilityZone, s]));
  assert.deepEqual(Object.keys(byAz).sort(),
    ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => `us-east-1${z}`));
  const a = byAz['us-east-1a'];
  assert.equal(a.CidrBlock, '172.31.0.0/20');
  assert.equal(a.AvailabilityZoneId, 'use1-az1');
  assert.equal(a.AvailableIpAddressCount, 4091);
  assert.equal(a.DefaultForAz, true);
  assert.equal(a.MapPublicIpOnLaunch, true);
  assert.deepEqual(a.Ipv6CidrBlockAssociationSet, []);
  const pages = [];
  for await (const page of paginateDescribeSubnets({ client: c, pageSize: 5 }, {})) {
    pages.push(page.Subnets.length);
  }
  assert.deepEqual(pages, [5, 1]);
  // a wildcard value (JS sends a space as %20)
  const some = await c.send(new DescribeSubnetsCommand({
    Filters: [{ Name: 'availability-zone', Values: ['us-east-1?', 'no such zone'] },
      { Name: 'cidr-block', Values: ['172.31.1*'] }] }));
  assert.deepEqual(some.Subnets.map((s) => s.AvailabilityZone), ['us-east-1b']);
});

test('the default security group and its nested rule lists', async () => {
  const r = await ec2().send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }));
  assert.equal(r.SecurityGroups.length, 1);
  const g = r.SecurityGroups[0];
  assert.equal(g.Description, 'default VPC security group');
  assert.deepEqual(g.IpPermissions[0].UserIdGroupPairs, [{ UserId: ACCOUNT, GroupId: g.GroupId }]);
  assert.equal(g.IpPermissions[0].IpProtocol, '-1');
  assert.deepEqual(g.IpPermissionsEgress[0].IpRanges, [{ CidrIp: '0.0.0.0/0' }]);
});

test('availability zones', async () => {
  const r = await ec2(ACCOUNT, 'us-west-2').send(new DescribeAvailabilityZonesCommand({
    Filters: [{ Name: 'state', Values: ['available'] }] }));
  assert.deepEqual(r.AvailabilityZones.map((z) => `${z.ZoneName}=${z.ZoneId}`),
    ['us-west-2a=usw2-az1', 'us-west-2b=usw2-az2', 'us-west-2c=usw2-az3', 'us-west-2d=usw2-az4']);
});

test('accounts have their own default network', async () => {
  const mine = (await ec2().send(new DescribeVpcsCommand({}))).Vpcs[0].VpcId;
  const theirs = (await ec2('210987654321').send(new DescribeVpcsCommand({}))).Vpcs[0].VpcId;
  assert.notEqual(mine, theirs);
  const e = await rejects(ec2('210987654321').send(new DescribeVpcsCommand({ VpcIds: [mine] })));
  assert.equal(e.name, 'InvalidVpcID.NotFound');
  assert.equal(e.message, `The vpc ID '${mine}' does not exist`);
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.match(e.$metadata.requestId, /^[0-9a-f-]{36}$/);
});

test('errors: malformed ids, unknown filters, dry run', async () => {
  const c = ec2();
  let e = await rejects(c.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-1'] })));
  assert.equal(e.name, 'InvalidGroupId.Malformed');
  assert.equal(e.message, 'Invalid id: "sg-1" (expecting "sg-...")');
  e = await rejects(c.send(new DescribeSubnetsCommand({
    Filters: [{ Name: 'foo', Values: ['x'] }] })));
  assert.equal(e.name, 'InvalidParameterValue');
  assert.equal(e.message, "The filter 'foo' is invalid");
  e = await rejects(c.send(new DescribeVpcsCommand({ DryRun: true })));
  assert.equal(e.name, 'DryRunOperation');
  assert.equal(e.$metadata.httpStatusCode, 412);
  // DryRun=false (which JS sends explicitly) is an ordinary call
  const r = await c.send(new DescribeAvailabilityZonesCommand({
    DryRun: false, ZoneNames: ['us-east-1c'] }));
  assert.deepEqual(r.AvailabilityZones.map((z) => z.ZoneId), ['use1-az3']);
});
