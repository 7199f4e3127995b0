// rds_proxy.test.mjs - RDS Proxy with the AWS SDK for JavaScript v3: its XML parser needs
// the modelled list item names (aws-wire-protocols.md §2.2), so every list of the proxy
// operations must come back non-empty.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  RDSClient, CreateDBProxyCommand, DescribeDBProxiesCommand, DescribeDBProxyTargetGroupsCommand,
  DescribeDBProxyEndpointsCommand, CreateDBProxyEndpointCommand, CreateDBClusterCommand,
  CreateDBInstanceCommand, RegisterDBProxyTargetsCommand, DescribeDBProxyTargetsCommand,
} from '@aws-sdk/client-rds';
import { EC2Client, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { startDrillsim, clientConfig } from './harness.mjs';

let ds;
let rds;
let ec2;

async function advance(seconds) {
  const r = await fetch(`${ds.endpoint}/_drill/clock/advance`, {
    method: 'POST', body: JSON.stringify({ seconds }),
  });
  assert.equal(r.status, 200);
}

before(async () => {
  ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']);
  rds = new RDSClient(clientConfig(ds.endpoint));
  ec2 = new EC2Client(clientConfig(ds.endpoint));
});

after(async () => { await ds.stop(); });

test('proxy lists, target groups, endpoints and targets parse in the JS SDK', async () => {
  const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets.map((s) => s.SubnetId);
  const created = await rds.send(new CreateDBProxyCommand({
    DBProxyName: 'js-proxy', EngineFamily: 'POSTGRESQL',
    Auth: [{ AuthScheme: 'SECRETS', SecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf' }],
    RoleArn: 'arn:aws:iam::000000000000:role/rds-proxy-role', VpcSubnetIds: subnets.slice(0, 2),
  }));
  assert.equal(created.DBProxy.Status, 'creating');
  assert.deepEqual(created.DBProxy.VpcSubnetIds, subnets.slice(0, 2));
  assert.equal(created.DBProxy.Auth.length, 1);
  assert.equal(created.DBProxy.RequireTLS, false);
  await advance(181);
  const proxies = (await rds.send(new DescribeDBProxiesCommand({}))).DBProxies;
  assert.equal(proxies.length, 1);
  assert.equal(proxies[0].Status, 'available');
  assert.equal(proxies[0].VpcSecurityGroupIds.length, 1);
  assert.equal(proxies[0].Auth[0].IAMAuth, 'DISABLED');
  assert.ok(proxies[0].CreatedDate instanceof Date);

  const tgs = (await rds.send(new DescribeDBProxyTargetGroupsCommand({ DBProxyName: 'js-proxy' }))).TargetGroups;
  assert.equal(tgs.length, 1);
  assert.equal(tgs[0].ConnectionPoolConfig.MaxConnectionsPercent, 100);
  assert.equal(tgs[0].IsDefault, true);

  await rds.send(new CreateDBProxyEndpointCommand({
    DBProxyName: 'js-proxy', DBProxyEndpointName: 'js-ro', VpcSubnetIds: subnets.slice(0, 2),
    TargetRole: 'READ_ONLY',
  }));
  const eps = (await rds.send(new DescribeDBProxyEndpointsCommand({ DBProxyName: 'js-proxy' }))).DBProxyEndpoints;
  assert.deepEqual(eps.map((e) => [e.DBProxyEndpointName, e.IsDefault]), [['default', true], ['js-ro', false]]);
  assert.equal(eps[1].VpcSubnetIds.length, 2);

  await rds.send(new CreateDBClusterCommand({
    DBClusterIdentifier: 'js-aurora', Engine: 'aurora-postgresql', MasterUsername: 'postgres',
    MasterUserPassword: 'postgres123',
  }));
  await rds.send(new CreateDBInstanceCommand({
    DBInstanceIdentifier: 'js-aurora-1', DBClusterIdentifier: 'js-aurora', Engine: 'aurora-postgresql',
    DBInstanceClass: 'db.r6g.large',
  }));
  await advance(600);
  const reg = await rds.send(new RegisterDBProxyTargetsCommand({
    DBProxyName: 'js-proxy', DBClusterIdentifiers: ['js-aurora'],
  }));
  assert.deepEqual(reg.DBProxyTargets.map((t) => t.Type), ['TRACKED_CLUSTER', 'RDS_INSTANCE']);
  const targets = (await rds.send(new DescribeDBProxyTargetsCommand({ DBProxyName: 'js-proxy' }))).Targets;
  assert.equal(targets.length, 2);
  assert.equal(targets[1].Role, 'READ_WRITE');
  assert.equal(targets[1].TargetHealth.State, 'REGISTERING');
});
