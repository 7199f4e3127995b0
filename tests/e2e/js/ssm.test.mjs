// SSM Parameter Store through the JS SDK v3 (awsJson 1.1): put/get, the modeled
// ParameterNotFound class, and GetParametersByPath pagination with the SDK's paginator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SSMClient, PutParameterCommand, GetParameterCommand, GetParametersByPathCommand,
  ParameterNotFound, ParameterAlreadyExists, paginateGetParametersByPath,
} from '@aws-sdk/client-ssm';
import { startDrillsim, clientConfig } from './harness.mjs';

let ds;
let ssm;
before(async () => {
  ds = await startDrillsim();
  ssm = new SSMClient(clientConfig(ds.endpoint));
});
after(async () => { await ds.stop(); });

test('put then get the runbook parameter', async () => {
  const put = await ssm.send(new PutParameterCommand({
    Name: '/golden/failure_mode', Value: 'connection_leak', Type: 'String', Overwrite: true,
  }));
  assert.equal(put.Version, 1);
  assert.equal(put.Tier, 'Standard');
  const { Parameter: p } = await ssm.send(new GetParameterCommand({ Name: '/golden/failure_mode' }));
  assert.equal(p.Value, 'connection_leak');
  assert.equal(p.Version, 1);
  assert.equal(p.ARN, 'arn:aws:ssm:us-east-1:000000000000:parameter/golden/failure_mode');
  assert.ok(p.LastModifiedDate instanceof Date);
  assert.ok(Math.abs(p.LastModifiedDate.getTime() - Date.now()) < 3600 * 1000);
});

test('modeled exceptions arrive as their classes', async () => {
  await assert.rejects(
    ssm.send(new GetParameterCommand({ Name: '/nope' })),
    (err) => {
      assert.ok(err instanceof ParameterNotFound, `got ${err.name}`);
      assert.equal(err.name, 'ParameterNotFound');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });
  await ssm.send(new PutParameterCommand({ Name: '/js/exists', Value: 'a', Type: 'String' }));
  await assert.rejects(
    ssm.send(new PutParameterCommand({ Name: '/js/exists', Value: 'b', Type: 'String' })),
    (err) => {
      assert.ok(err instanceof ParameterAlreadyExists, `got ${err.name}`);
      assert.match(err.message, /set the overwrite option in the request to true/);
      return true;
    });
});

test('GetParametersByPath pages to the end without repeating a token', async () => {
  const names = [];
  for (let i = 0; i < 23; i++) names.push(`/js/tree/p${String(i).padStart(2, '0')}`);
  for (const Name of names) {
    await ssm.send(new PutParameterCommand({ Name, Value: Name, Type: 'String' }));
  }
  // by hand: MaxResults 4 gives six pages, the last without NextToken
  const tokens = new Set();
  const seen = [];
  let NextToken;
  let pages = 0;
  do {
    const r = await ssm.send(new GetParametersByPathCommand({ Path: '/js/tree', MaxResults: 4, NextToken }));
    pages++;
    seen.push(...r.Parameters.map((p) => p.Name));
    NextToken = r.NextToken;
    if (NextToken) {
      assert.ok(!tokens.has(NextToken), 'token repeated');
      tokens.add(NextToken);
    }
  } while (NextToken && pages < 20);
  assert.equal(pages, 6);
  assert.deepEqual(seen, names);
  // and with the SDK's paginator
  const viaPaginator = [];
  for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 10 }, { Path: '/js/tree' })) {
    viaPaginator.push(...page.Parameters.map((p) => p.Value));
  }
  assert.deepEqual(viaPaginator, names);
});
