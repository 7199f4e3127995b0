// Application Auto Scaling through the JS SDK v3 (awsJson 1.1) on a manual clock: scheduled
// actions (at, rate, cron) fire as the clock advances and DescribeScalingActivities lists them
// (issue 3, done means 6, for an ECS service); modeled exceptions arrive as their classes; the
// SDK's paginator walks the activities without a repeated token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApplicationAutoScalingClient, RegisterScalableTargetCommand, DescribeScalableTargetsCommand,
  PutScheduledActionCommand, DescribeScalingActivitiesCommand, PutScalingPolicyCommand,
  DescribeScalingPoliciesCommand, DeleteScheduledActionCommand, paginateDescribeScalingActivities,
  ObjectNotFoundException, ValidationException,
} from '@aws-sdk/client-application-auto-scaling';
import {
  ECSClient, CreateClusterCommand, RegisterTaskDefinitionCommand, CreateServiceCommand,
  DescribeServicesCommand,
} from '@aws-sdk/client-ecs';
import { EC2Client, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { startDrillsim, clientConfig } from './harness.mjs';

const T0 = Date.UTC(2026, 0, 1);
const DDB = { ServiceNamespace: 'dynamodb', ScalableDimension: 'dynamodb:table:ReadCapacityUnits' };
const ECS = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' };

let ds;
let aas;
before(async () => {
  ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']);
  aas = new ApplicationAutoScalingClient(clientConfig(ds.endpoint));
});
after(async () => { await ds.stop(); });

async function advance(seconds) {
  const r = await fetch(`${ds.endpoint}/_drill/clock/advance`, {
    method: 'POST', body: JSON.stringify({ seconds }),
  });
  assert.equal(r.status, 200);
  return r.json();
}

async function nowMs() {
  return (await (await fetch(`${ds.endpoint}/_drill/clock`)).json()).nowMs;
}

test('modeled exceptions arrive as their classes', async () => {
  await assert.rejects(
    aas.send(new PutScheduledActionCommand({
      ...DDB, ResourceId: 'table/none', ScheduledActionName: 'x', Schedule: 'rate(1 hour)',
      ScalableTargetAction: { MinCapacity: 1 },
    })),
    (err) => {
      assert.ok(err instanceof ObjectNotFoundException, `got ${err.name}`);
      assert.match(err.message, /^No scalable target registered for service namespace: dynamodb/);
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  await assert.rejects(
    aas.send(new RegisterScalableTargetCommand({
      ...ECS, ResourceId: 'service/nope/web', MinCapacity: 1, MaxCapacity: 2,
    })),
    (err) => {
      assert.ok(err instanceof ValidationException, `got ${err.name}`);
      assert.equal(err.message, "ECS service doesn't exist: service/nope/web");
      return true;
    });
});

test('scheduled actions fire on the clock (DynamoDB bounds) and page newest first', async () => {
  await aas.send(new RegisterScalableTargetCommand({
    ...DDB, ResourceId: 'table/js', MinCapacity: 5, MaxCapacity: 10,
  }));
  await aas.send(new PutScheduledActionCommand({
    ...DDB, ResourceId: 'table/js', ScheduledActionName: 'at-5',
    Schedule: 'at(2026-01-01T00:05:00)', ScalableTargetAction: { MinCapacity: 7 },
  }));
  await aas.send(new PutScheduledActionCommand({
    ...DDB, ResourceId: 'table/js', ScheduledActionName: 'every-minute',
    Schedule: 'rate(1 minute)',
    StartTime: new Date(T0 + 6 * 60000),
    EndTime: new Date(T0 + 10 * 60000),
    ScalableTargetAction: { MaxCapacity: 11 },
  }));
  await aas.send(new PutScheduledActionCommand({
    ...DDB, ResourceId: 'table/js', ScheduledActionName: 'cron-12',
    Schedule: 'cron(12 0 * * ? *)', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 3 },
  }));
  await advance(15 * 60);
  const acts = [];
  const tokens = new Set();
  for await (const page of paginateDescribeScalingActivities({ client: aas, pageSize: 2 },
    { ServiceNamespace: 'dynamodb', ResourceId: 'table/js' })) {
    acts.push(...page.ScalingActivities);
    if (page.NextToken) {
      assert.ok(!tokens.has(page.NextToken), 'token repeated');
      tokens.add(page.NextToken);
    }
  }
  // at 00:05; the rate from its StartTime 00:06 to its EndTime 00:10 (5 fires); cron 00:12
  assert.equal(acts.length, 7);
  assert.equal(acts[0].Cause, 'scheduled action name cron-12 was triggered');
  assert.equal(acts[0].Description, 'Setting min capacity to 2 and max capacity to 3');
  assert.equal(acts[6].Cause, 'scheduled action name at-5 was triggered');
  assert.ok(acts[0].StartTime instanceof Date);
  assert.equal(acts[0].StartTime.getTime(), T0 + 12 * 60000);
  assert.equal(acts[6].StartTime.getTime(), T0 + 5 * 60000);
  for (let i = 1; i < acts.length; i++) {
    assert.ok(acts[i - 1].StartTime >= acts[i].StartTime);
  }
  const { ScalableTargets: [t] } = await aas.send(new DescribeScalableTargetsCommand({
    ...DDB, ResourceIds: ['table/js'],
  }));
  assert.equal(t.MinCapacity, 2);
  assert.equal(t.MaxCapacity, 3);
  assert.equal(t.CreationTime.getTime(), T0);
  await aas.send(new DeleteScheduledActionCommand({
    ...DDB, ResourceId: 'table/js', ScheduledActionName: 'cron-12',
  }));
});

test('a target tracking policy is stored and described', async () => {
  const put = await aas.send(new PutScalingPolicyCommand({
    ...DDB, ResourceId: 'table/js', PolicyName: 'read70', PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 70, ScaleOutCooldown: 60,
      PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' },
    },
  }));
  assert.match(put.PolicyARN, new RegExp('^arn:aws:autoscaling:us-east-1:000000000000:'
    + 'scalingPolicy:[0-9a-f-]{36}:resource/dynamodb/table/js:policyName/read70$'));
  assert.deepEqual(put.Alarms, []);
  const { ScalingPolicies: [p] } = await aas.send(new DescribeScalingPoliciesCommand({
    ...DDB, ResourceId: 'table/js', PolicyNames: ['read70'],
  }));
  assert.equal(p.TargetTrackingScalingPolicyConfiguration.TargetValue, 70);
  assert.equal(p.TargetTrackingScalingPolicyConfiguration.ScaleOutCooldown, 60);
});

test('done means 6: scheduled actions scale an ECS service; the activities are listed', async () => {
  const ecs = new ECSClient(clientConfig(ds.endpoint));
  const ec2 = new EC2Client(clientConfig(ds.endpoint));
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'web', requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256',
    memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx', essential: true }],
  }));
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({}));
  await ecs.send(new CreateServiceCommand({
    cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 2,
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: [Subnets[0].SubnetId] } },
  }));
  const desired = async () => (await ecs.send(new DescribeServicesCommand({
    cluster: 'prod', services: ['web'],
  }))).services[0].desiredCount;

  const base = await nowMs();
  const iso = (ms) => new Date(ms).toISOString().slice(0, 19);
  await aas.send(new RegisterScalableTargetCommand({
    ...ECS, ResourceId: 'service/prod/web', MinCapacity: 1, MaxCapacity: 10,
  }));
  await aas.send(new PutScheduledActionCommand({
    ...ECS, ResourceId: 'service/prod/web', ScheduledActionName: 'scale-out',
    Schedule: `at(${iso(base + 5 * 60000)})`, ScalableTargetAction: { MinCapacity: 4 },
  }));
  await aas.send(new PutScheduledActionCommand({
    ...ECS, ResourceId: 'service/prod/web', ScheduledActionName: 'cap',
    Schedule: 'rate(1 hour)', StartTime: new Date(base + 10 * 60000),
    ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 3 },
  }));
  const minute = new Date(base + 15 * 60000).getUTCMinutes();
  await aas.send(new PutScheduledActionCommand({
    ...ECS, ResourceId: 'service/prod/web', ScheduledActionName: 'peak',
    Schedule: `cron(${minute} * * * ? *)`, ScalableTargetAction: { MinCapacity: 5, MaxCapacity: 8 },
  }));
  assert.equal(await desired(), 2);
  await advance(5 * 60);
  assert.equal(await desired(), 4);
  await advance(5 * 60);
  assert.equal(await desired(), 3);
  await advance(5 * 60);
  assert.equal(await desired(), 5);
  const { ScalingActivities: acts } = await aas.send(new DescribeScalingActivitiesCommand({
    ServiceNamespace: 'ecs',
  }));
  assert.deepEqual(acts.map((a) => [a.Description, a.Cause]), [
    ['Setting desired count to 5.', 'minimum capacity was set to 5'],
    ['Setting min capacity to 5 and max capacity to 8', 'scheduled action name peak was triggered'],
    ['Setting desired count to 3.', 'maximum capacity was set to 3'],
    ['Setting min capacity to 1 and max capacity to 3', 'scheduled action name cap was triggered'],
    ['Setting desired count to 4.', 'minimum capacity was set to 4'],
    ['Setting min capacity to 4 and max capacity to 10',
      'scheduled action name scale-out was triggered'],
  ]);
  assert.ok(acts.every((a) => a.StatusCode === 'Successful'));
  assert.equal(acts[0].StartTime.getTime(), base + 15 * 60000);
});
