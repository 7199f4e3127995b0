// ECS through the JS SDK v3 (awsJson 1.1) on a manual clock: a Fargate service comes up,
// timestamps arrive as Dates, the modeled exceptions arrive as their classes, DescribeServices
// reports an unknown service as a MISSING failure, and the ListTasks paginator pages to the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ECSClient, CreateClusterCommand, RegisterTaskDefinitionCommand, CreateServiceCommand,
  DescribeServicesCommand, UpdateServiceCommand, DescribeTasksCommand, RunTaskCommand,
  ServiceNotFoundException, ClusterNotFoundException, ClientException, paginateListTasks,
} from '@aws-sdk/client-ecs';
import { EC2Client, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { startDrillsim, clientConfig } from './harness.mjs';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let ds;
let ecs;
let subnets;
before(async () => {
  ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']);
  ecs = new ECSClient(clientConfig(ds.endpoint));
  const ec2 = new EC2Client(clientConfig(ds.endpoint));
  subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets.map((s) => s.SubnetId).sort();
});
after(async () => { await ds.stop(); });

async function advance(seconds) {
  const r = await fetch(`${ds.endpoint}/_drill/clock/advance`, {
    method: 'POST', body: JSON.stringify({ seconds }),
  });
  assert.equal(r.status, 200);
}

async function rejects(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

test('a Fargate service comes up on the clock', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'js' }));
  const td = await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'web', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256',
    memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx' }],
  }));
  assert.equal(td.taskDefinition.revision, 1);
  assert.ok(td.taskDefinition.registeredAt instanceof Date);
  const created = await ecs.send(new CreateServiceCommand({
    cluster: 'js', serviceName: 'web', taskDefinition: 'web', desiredCount: 3,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: subnets.slice(0, 2) } },
  }));
  assert.equal(created.service.createdAt.getTime(), T0);
  assert.equal(created.service.deployments[0].rolloutState, 'IN_PROGRESS');
  await advance(120);
  const { services, failures } = await ecs.send(new DescribeServicesCommand({
    cluster: 'js', services: ['web', 'nope'],
  }));
  const s = services[0];
  assert.deepEqual([s.desiredCount, s.runningCount, s.pendingCount], [3, 3, 0]);
  assert.equal(s.deployments[0].rolloutState, 'COMPLETED');
  assert.equal(s.events[0].message, '(service web) has reached a steady state.');
  assert.ok(s.events[0].createdAt instanceof Date);
  assert.equal(s.events[0].createdAt.getTime(), T0 + 46000);
  assert.deepEqual(failures,
    [{ arn: 'arn:aws:ecs:us-east-1:000000000000:service/js/nope', reason: 'MISSING' }]);
});

test('modeled exceptions arrive as their classes', async () => {
  let e = await rejects(ecs.send(new UpdateServiceCommand({
    cluster: 'js', service: 'nope', desiredCount: 1,
  })));
  assert.ok(e instanceof ServiceNotFoundException, `got ${e.name}`);
  assert.equal(e.message, 'Service not found.');
  assert.equal(e.$metadata.httpStatusCode, 400);
  e = await rejects(ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['web'] })));
  assert.ok(e instanceof ClusterNotFoundException, `got ${e.name}`);
  assert.equal(e.message, 'Cluster not found.');
  e = await rejects(ecs.send(new RegisterTaskDefinitionCommand({
    family: 'big', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '1024',
    memory: '1024', containerDefinitions: [{ name: 'app', image: 'nginx' }],
  })));
  assert.ok(e instanceof ClientException, `got ${e.name}`);
  assert.match(e.message,
    /^No Fargate configuration exists for given values: 1024 CPU, 1024 memory\./);
});

test('ListTasks pages with the paginator; DescribeTasks dates', async () => {
  for (let i = 0; i < 3; i++) {
    await ecs.send(new RunTaskCommand({
      cluster: 'js', taskDefinition: 'web', launchType: 'FARGATE', count: 4,
      networkConfiguration: { awsvpcConfiguration: { subnets: subnets.slice(0, 3) } },
    }));
  }
  const arns = [];
  for await (const page of paginateListTasks({ client: ecs, pageSize: 4 }, { cluster: 'js' })) {
    assert.ok(page.taskArns.length <= 4);
    arns.push(...page.taskArns);
  }
  assert.equal(arns.length, 15);
  assert.equal(new Set(arns).size, 15);
  const { tasks } = await ecs.send(new DescribeTasksCommand({
    cluster: 'js', tasks: arns.slice(0, 5),
  }));
  assert.equal(tasks.length, 5);
  for (const t of tasks) {
    assert.ok(t.createdAt instanceof Date);
    assert.match(t.taskArn, /^arn:aws:ecs:us-east-1:000000000000:task\/js\/[0-9a-f]{32}$/);
  }
});
