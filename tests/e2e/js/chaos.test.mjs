// API chaos rules against the JS SDK v3's standard retries (3 attempts): a rule throttling a
// call twice is retried through in awsJson (ECS), in CloudWatch's protocol and in awsQuery
// (RDS); a modeled error arrives as its class; a latency rule holds the reply.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { ECSClient, CreateClusterCommand, DescribeServicesCommand, ClusterNotFoundException } from '@aws-sdk/client-ecs';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { RDSClient, DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { startDrillsim, clientConfig } from './harness.mjs';

let ds;
before(async () => {
  ds = await startDrillsim();
  await new ECSClient(clientConfig(ds.endpoint)).send(new CreateClusterCommand({ clusterName: 'prod' }));
});
after(async () => { await ds.stop(); });

async function control(method, path, body) {
  const r = await fetch(ds.endpoint + path, { method, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, body: await r.json() };
}

beforeEach(async () => { await control('DELETE', '/_drill/chaos'); });

// A client with the SDK's default retry configuration (not the harness's maxAttempts: 1).
function retrying(Client) {
  const { maxAttempts, ...cfg } = clientConfig(ds.endpoint);
  assert.equal(maxAttempts, 1);
  return new Client(cfg);
}

const throttleTwice = (service, operation) => ({
  service, operation, times: 2, error: { code: 'ThrottlingException' },
});

for (const [name, Client, Command, input, service, operation] of [
  ['ecs (awsJson)', ECSClient, DescribeServicesCommand, { cluster: 'prod', services: ['web'] }, 'ecs', 'DescribeServices'],
  ['cloudwatch', CloudWatchClient, ListMetricsCommand, {}, 'cloudwatch', 'ListMetrics'],
  ['rds (awsQuery)', RDSClient, DescribeDBClustersCommand, {}, 'rds', 'DescribeDBClusters'],
]) {
  test(`throttled twice, then the third attempt passes: ${name}`, async () => {
    const added = await control('POST', '/_drill/chaos', throttleTwice(service, operation));
    assert.equal(added.status, 200);
    const out = await retrying(Client).send(new Command(input));
    assert.equal(out.$metadata.attempts, 3);
    const { body } = await control('GET', '/_drill/chaos');
    assert.equal(body.rules[0].matched, 3);
    assert.equal(body.rules[0].fired, 2);
  });
}

test('a modeled error arrives as its class', async () => {
  await control('POST', '/_drill/chaos', {
    service: 'ecs', times: 1, error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' },
  });
  const ecs = new ECSClient(clientConfig(ds.endpoint));
  await assert.rejects(ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })),
    (err) => {
      assert.ok(err instanceof ClusterNotFoundException, `got ${err.name}`);
      assert.equal(err.message, 'Cluster not found.');
      return true;
    });
});

test('a latency rule holds the reply', async () => {
  await control('POST', '/_drill/chaos', { service: 'ecs', operation: 'DescribeServices', latencyMs: 800 });
  const ecs = new ECSClient(clientConfig(ds.endpoint));
  const t0 = Date.now();
  await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
  assert.ok(Date.now() - t0 >= 750, `took ${Date.now() - t0} ms`);
});
