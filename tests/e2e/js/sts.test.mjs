// STS GetCallerIdentity through the JS SDK v3 (awsQuery): the account comes from the key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startDrillsim, clientConfig } from './harness.mjs';

let ds;
before(async () => { ds = await startDrillsim(); });
after(async () => { await ds.stop(); });

test('a 12-digit access key is its own account', async () => {
  const sts = new STSClient(clientConfig(ds.endpoint, { accessKeyId: '111111111111' }));
  const r = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(r.Account, '111111111111');
  assert.equal(r.Arn, 'arn:aws:iam::111111111111:root');
});

test('any other key maps to the default account', async () => {
  const sts = new STSClient(clientConfig(ds.endpoint));
  const r = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(r.Account, '000000000000');
});
