// Secrets Manager (awsJson 1.1) and IAM (awsQuery, global) through the JS SDK v3 (issue 6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand,
  DescribeSecretCommand, ListSecretsCommand, ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import {
  IAMClient, CreateRoleCommand, GetRoleCommand, ListRolesCommand, AttachRolePolicyCommand,
  ListAttachedRolePoliciesCommand, NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { startDrillsim, clientConfig } from './harness.mjs';

const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'rds.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

let ds;
before(async () => { ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']); });
after(async () => { await ds.stop(); });

test('create, read, rotate and list a secret', async () => {
  const sm = new SecretsManagerClient(clientConfig(ds.endpoint));
  const c = await sm.send(new CreateSecretCommand({
    Name: 'js/db', SecretString: '{"username":"u","password":"p"}',
    Tags: [{ Key: 'env', Value: 'dev' }],
  }));
  assert.match(c.ARN, /^arn:aws:secretsmanager:us-east-1:000000000000:secret:js\/db-[A-Za-z0-9]{6}$/);
  assert.match(c.VersionId, /^[0-9a-f-]{36}$/); // the SDK generated the ClientRequestToken
  const g = await sm.send(new GetSecretValueCommand({ SecretId: 'js/db' }));
  assert.equal(g.SecretString, '{"username":"u","password":"p"}');
  assert.deepEqual(g.VersionStages, ['AWSCURRENT']);
  assert.equal(g.CreatedDate.toISOString(), '2026-01-01T00:00:00.000Z');
  const p = await sm.send(new PutSecretValueCommand({ SecretId: c.ARN, SecretString: 'two' }));
  const d = await sm.send(new DescribeSecretCommand({ SecretId: 'js/db' }));
  assert.deepEqual(d.VersionIdsToStages, { [c.VersionId]: ['AWSPREVIOUS'], [p.VersionId]: ['AWSCURRENT'] });
  assert.deepEqual(d.Tags, [{ Key: 'env', Value: 'dev' }]);
  const l = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['js/'] }] }));
  assert.deepEqual(l.SecretList.map((s) => s.Name), ['js/db']);
});

test('a missing secret is ResourceNotFoundException', async () => {
  const sm = new SecretsManagerClient(clientConfig(ds.endpoint));
  await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: 'nope' })), (e) => {
    assert.ok(e instanceof ResourceNotFoundException);
    assert.equal(e.message, "Secrets Manager can't find the specified secret.");
    assert.equal(e.$metadata.httpStatusCode, 400);
    return true;
  });
});

test('IAM roles: create, get, list, attach', async () => {
  const iam = new IAMClient(clientConfig(ds.endpoint));
  const c = await iam.send(new CreateRoleCommand({
    RoleName: 'js-proxy-role', AssumeRolePolicyDocument: JSON.stringify(TRUST), Path: '/js/',
  }));
  assert.equal(c.Role.Arn, 'arn:aws:iam::000000000000:role/js/js-proxy-role');
  assert.match(c.Role.RoleId, /^AROA[A-Z0-9]{17}$/);
  // the JS SDK hands over the document as AWS sends it: URL-encoded
  const g = await iam.send(new GetRoleCommand({ RoleName: 'js-proxy-role' }));
  assert.deepEqual(JSON.parse(decodeURIComponent(g.Role.AssumeRolePolicyDocument)), TRUST);
  assert.equal(g.Role.CreateDate.toISOString(), '2026-01-01T00:00:00.000Z');
  const l = await iam.send(new ListRolesCommand({ PathPrefix: '/js/' }));
  assert.deepEqual(l.Roles.map((r) => r.RoleName), ['js-proxy-role']);
  assert.equal(l.IsTruncated, false);
  await iam.send(new AttachRolePolicyCommand({
    RoleName: 'js-proxy-role', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  }));
  const a = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'js-proxy-role' }));
  assert.deepEqual(a.AttachedPolicies, [
    { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]);
});

test('IAM is global, and a missing role is NoSuchEntity (404)', async () => {
  const west = new IAMClient(clientConfig(ds.endpoint, { region: 'eu-west-1' }));
  const g = await west.send(new GetRoleCommand({ RoleName: 'js-proxy-role' }));
  assert.equal(g.Role.RoleName, 'js-proxy-role');
  await assert.rejects(west.send(new GetRoleCommand({ RoleName: 'ghost' })), (e) => {
    assert.ok(e instanceof NoSuchEntityException);
    assert.equal(e.message, 'The role with name ghost cannot be found.');
    assert.equal(e.$metadata.httpStatusCode, 404);
    return true;
  });
});
