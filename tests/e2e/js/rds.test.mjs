// RDS through the JS SDK v3 (awsQuery). JS reads list items only by their MODELED XML names
// (<DBCluster>, <DBClusterMember>, <VpcSecurityGroupMembership>, <Parameter>, <Event>,
// <DBInstance>, <DBParameterGroup>, <Tag>, ...): with <member> it silently returns empty lists,
// so every list here must come back non-empty (issue 6, done means 1 and 2 for JS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  RDSClient, CreateDBClusterCommand, CreateDBInstanceCommand, DescribeDBClustersCommand,
  DescribeDBInstancesCommand, DescribeDBParametersCommand, ModifyDBParameterGroupCommand,
  CreateDBParameterGroupCommand, DescribeDBParameterGroupsCommand, DescribeEventsCommand,
  DescribeDBEngineVersionsCommand, FailoverDBClusterCommand, ListTagsForResourceCommand,
  DescribeDBClusterParametersCommand, DBClusterNotFoundFault, DBInstanceNotFoundFault,
} from '@aws-sdk/client-rds';
import { startDrillsim, clientConfig } from './harness.mjs';

const ACCOUNT = '123456789012';
let ds;
let rds;

async function advance(seconds) {
  const r = await fetch(`${ds.endpoint}/_drill/clock/advance?team=${ACCOUNT}`,
    { method: 'POST', body: JSON.stringify({ seconds }) });
  assert.equal(r.status, 200);
}

before(async () => {
  ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z', '--timing', 'fast']);
  rds = new RDSClient(clientConfig(ds.endpoint, { accessKeyId: ACCOUNT }));
  await rds.send(new CreateDBParameterGroupCommand({
    DBParameterGroupName: 'app', DBParameterGroupFamily: 'aurora-postgresql16',
    Description: 'app' }));
  await rds.send(new CreateDBClusterCommand({
    DBClusterIdentifier: 'golden-path-aurora-dev', Engine: 'aurora-postgresql',
    MasterUsername: 'postgres', MasterUserPassword: 'secret123',
    Tags: [{ Key: 'env', Value: 'dev' }] }));
  for (const id of ['golden-path-aurora-dev-1', 'golden-path-aurora-dev-2']) {
    await rds.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: id, DBClusterIdentifier: 'golden-path-aurora-dev',
      Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large', DBParameterGroupName: 'app' }));
  }
  await advance(30);
});

after(async () => { await ds.stop(); });

test('DescribeDBClusters: the runbook fields and non-empty modeled lists', async () => {
  const out = await rds.send(new DescribeDBClustersCommand({
    DBClusterIdentifier: 'golden-path-aurora-dev' }));
  assert.equal(out.DBClusters.length, 1);
  const c = out.DBClusters[0];
  assert.equal(c.Status, 'available');
  assert.equal(c.Engine, 'aurora-postgresql');
  assert.equal(c.Port, 5432);
  assert.equal(c.MultiAZ, false);
  assert.ok(c.ClusterCreateTime instanceof Date);
  assert.equal(c.ClusterCreateTime.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.deepEqual(c.DBClusterMembers.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter]),
    [['golden-path-aurora-dev-1', true], ['golden-path-aurora-dev-2', false]]);
  assert.equal(c.VpcSecurityGroups.length, 1);
  assert.equal(c.VpcSecurityGroups[0].Status, 'active');
  assert.ok(c.AvailabilityZones.length > 0);
  assert.deepEqual(c.TagList, [{ Key: 'env', Value: 'dev' }]);
  const all = await rds.send(new DescribeDBClustersCommand({}));
  assert.equal(all.DBClusters.length, 1);
});

test('unknown cluster and instance: the modeled faults with HTTP 404', async () => {
  await assert.rejects(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' })),
    (e) => {
      assert.ok(e instanceof DBClusterNotFoundFault);
      assert.equal(e.name, 'DBClusterNotFoundFault');
      assert.equal(e.message, 'DBCluster nope not found.');
      assert.equal(e.$metadata.httpStatusCode, 404);
      return true;
    });
  await assert.rejects(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })),
    (e) => e instanceof DBInstanceNotFoundFault && e.message === 'DBInstance nope not found.');
});

test('instances, parameter groups, parameters and tags', async () => {
  const i = await rds.send(new DescribeDBInstancesCommand({}));
  assert.equal(i.DBInstances.length, 2);
  assert.deepEqual(i.DBInstances[0].DBParameterGroups,
    [{ DBParameterGroupName: 'app', ParameterApplyStatus: 'in-sync' }]);
  assert.equal(i.DBInstances[0].Endpoint.Port, 5432);
  const groups = await rds.send(new DescribeDBParameterGroupsCommand({}));
  assert.ok(groups.DBParameterGroups.some((g) => g.DBParameterGroupName === 'app'));
  await rds.send(new ModifyDBParameterGroupCommand({
    DBParameterGroupName: 'app',
    Parameters: [{ ParameterName: 'max_connections', ParameterValue: '500',
      ApplyMethod: 'pending-reboot' }] }));
  const p = await rds.send(new DescribeDBParametersCommand({ DBParameterGroupName: 'app' }));
  const mc = p.Parameters.find((x) => x.ParameterName === 'max_connections');
  assert.equal(mc.ParameterValue, '500');
  assert.equal(mc.Source, 'user');
  assert.equal(mc.IsModifiable, true);
  assert.deepEqual(mc.SupportedEngineModes, ['provisioned']);
  const after = await rds.send(new DescribeDBInstancesCommand({
    DBInstanceIdentifier: 'golden-path-aurora-dev-1' }));
  assert.equal(after.DBInstances[0].DBParameterGroups[0].ParameterApplyStatus, 'pending-reboot');
  const cp = await rds.send(new DescribeDBClusterParametersCommand({
    DBClusterParameterGroupName: 'default.aurora-postgresql16' }));
  assert.ok(cp.Parameters.length >= 7);
  const tags = await rds.send(new ListTagsForResourceCommand({
    ResourceName: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:golden-path-aurora-dev` }));
  assert.deepEqual(tags.TagList, [{ Key: 'env', Value: 'dev' }]);
});

test('failover and events', async () => {
  const out = await rds.send(new FailoverDBClusterCommand({
    DBClusterIdentifier: 'golden-path-aurora-dev',
    TargetDBInstanceIdentifier: 'golden-path-aurora-dev-2' }));
  assert.equal(out.DBCluster.Status, 'failing-over');
  await advance(5);
  const ev = await rds.send(new DescribeEventsCommand({ SourceType: 'db-cluster' }));
  const msgs = ev.Events.map((e) => e.Message);
  assert.ok(msgs.includes('Completed failover to DB instance: golden-path-aurora-dev-2'), msgs);
  assert.ok(ev.Events[0].Date instanceof Date);
  assert.deepEqual(ev.Events[0].EventCategories, ['creation']);
  const c = await rds.send(new DescribeDBClustersCommand({
    DBClusterIdentifier: 'golden-path-aurora-dev' }));
  assert.equal(c.DBClusters[0].DBClusterMembers.find((m) => m.IsClusterWriter)
    .DBInstanceIdentifier, 'golden-path-aurora-dev-2');
});

test('DescribeDBEngineVersions lists aurora-postgresql', async () => {
  const v = await rds.send(new DescribeDBEngineVersionsCommand({ Engine: 'aurora-postgresql',
    DefaultOnly: true }));
  assert.equal(v.DBEngineVersions.length, 1);
  assert.equal(v.DBEngineVersions[0].DBParameterGroupFamily, 'aurora-postgresql16');
  assert.ok(v.DBEngineVersions[0].ExportableLogTypes.includes('postgresql'));
});
