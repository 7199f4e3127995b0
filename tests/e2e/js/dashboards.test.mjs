// CloudWatch dashboards through the JS SDK v3: PutDashboard, GetDashboard, ListDashboards
// (paginated), DeleteDashboards and the not-found error, in the three protocols the SDK can
// speak to CloudWatch: awsJson 1.0 (its default), RPC v2 CBOR and awsQuery (forced with
// `protocol:`). Each protocol works in its own account: dashboards are global per account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudWatchClient, PutDashboardCommand, GetDashboardCommand, ListDashboardsCommand,
  DeleteDashboardsCommand, paginateListDashboards, DashboardInvalidInputError,
} from '@aws-sdk/client-cloudwatch';
import { AwsSmithyRpcV2CborProtocol, AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { startDrillsim, clientConfig } from './harness.mjs';

let ds;
before(async () => { ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']); });
after(async () => { await ds.stop(); });

const PROTOCOLS = [
  { name: 'json', protocol: undefined, contentType: 'application/x-amz-json-1.0',
    account: '666666666661' },
  { name: 'cbor', protocol: AwsSmithyRpcV2CborProtocol, contentType: 'application/cbor',
    account: '666666666662' },
  { name: 'query', protocol: AwsQueryProtocol, contentType: 'application/x-www-form-urlencoded',
    account: '666666666663' },
];

// A client for protocol p that records the content type of every request it sends.
function client(p) {
  const extra = { accessKeyId: p.account };
  const cw = new CloudWatchClient(clientConfig(ds.endpoint,
    p.protocol ? { protocol: p.protocol, ...extra } : extra));
  cw.sent = [];
  cw.middlewareStack.add((next) => async (args) => {
    cw.sent.push(args.request.headers['content-type']);
    return next(args);
  }, { step: 'finalizeRequest', name: 'recordSent' });
  return cw;
}

// Characters that need escaping in XML and JSON, and non-ASCII text: returned verbatim.
const BODY = JSON.stringify({
  widgets: [
    { type: 'metric', x: 0, y: 0, width: 12, height: 6,
      properties: { region: 'us-east-1', title: 'conns <&> "max"', view: 'timeSeries',
        metrics: [['AWS/RDS', 'DatabaseConnections', 'DBClusterIdentifier', 'prod'],
          ['.', 'CPUUtilization', '.', '.', { stat: 'p99' }]] } },
    { type: 'text', x: 12, y: 0, width: 12, height: 3,
      properties: { markdown: '# Runbook\nété ✓' } },
  ],
}, null, 2);

for (const p of PROTOCOLS) {
  test(`${p.name}: put, get, list, delete`, async () => {
    const cw = client(p);
    const put = await cw.send(new PutDashboardCommand({ DashboardName: 'main', DashboardBody: BODY }));
    assert.deepEqual(put.DashboardValidationMessages, []);
    assert.match(cw.sent[0], new RegExp(p.contentType));

    const got = await cw.send(new GetDashboardCommand({ DashboardName: 'main' }));
    assert.equal(got.DashboardBody, BODY);
    assert.equal(got.DashboardName, 'main');
    assert.equal(got.DashboardArn, `arn:aws:cloudwatch::${p.account}:dashboard/main`);

    await cw.send(new PutDashboardCommand({ DashboardName: 'other', DashboardBody: '{"widgets":[]}' }));
    const list = await cw.send(new ListDashboardsCommand({}));
    assert.deepEqual(list.DashboardEntries.map((e) => e.DashboardName), ['main', 'other']);
    const main = list.DashboardEntries[0];
    assert.equal(main.Size, Buffer.byteLength(BODY));
    assert.ok(main.LastModified instanceof Date);
    assert.equal(main.LastModified.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(list.NextToken, undefined);
    const prefixed = await cw.send(new ListDashboardsCommand({ DashboardNamePrefix: 'oth' }));
    assert.deepEqual(prefixed.DashboardEntries.map((e) => e.DashboardName), ['other']);

    // Warnings come back on a successful put.
    const warned = await cw.send(new PutDashboardCommand({ DashboardName: 'warned',
      DashboardBody: '{"widgets":[{"type":"text","properties":{"markdown":"x","fontSize":3}}]}' }));
    assert.deepEqual(warned.DashboardValidationMessages, [
      { DataPath: '/widgets/0/properties/fontSize', Message: 'Should NOT have additional properties' }]);

    await cw.send(new DeleteDashboardsCommand({ DashboardNames: ['main', 'other', 'warned'] }));
    const empty = await cw.send(new ListDashboardsCommand({}));
    assert.deepEqual(empty.DashboardEntries ?? [], []);
  });

  test(`${p.name}: errors`, async () => {
    const cw = client(p);
    await assert.rejects(cw.send(new GetDashboardCommand({ DashboardName: 'nope' })), (e) => {
      assert.equal(e.name, 'ResourceNotFound');
      assert.equal(e.message, 'Dashboard nope does not exist');
      assert.equal(e.$metadata.httpStatusCode, 404);
      return true;
    });
    await assert.rejects(cw.send(new PutDashboardCommand({ DashboardName: 'x', DashboardBody: '{}' })),
      (e) => {
        assert.equal(e.$metadata.httpStatusCode, 400);
        // The modeled exception class, with the query code AWS sends in x-amzn-query-error.
        assert.ok(e instanceof DashboardInvalidInputError);
        assert.equal(e.Code, 'InvalidParameterInput');
        assert.equal(e.message, 'The dashboard body is invalid, there are 1 validation errors:\n'
          + '[\n  {\n    "dataPath": "",\n    "message": "Should have required property \'widgets\'"\n  }\n]');
        return true;
      });
    await assert.rejects(cw.send(new DeleteDashboardsCommand({ DashboardNames: ['gone'] })),
      (e) => {
        assert.equal(e.name, 'ResourceNotFound');
        assert.equal(e.message, 'The specified dashboard does not exist. [gone]');
        return true;
      });
  });
}

test('json: paginateListDashboards follows NextToken', async () => {
  const cw = client({ account: '666666666664' });
  for (let i = 0; i < 1003; i++) {
    await cw.send(new PutDashboardCommand({ DashboardName: `d-${String(i).padStart(4, '0')}`,
      DashboardBody: '{"widgets":[]}' }));
  }
  const pages = [];
  for await (const page of paginateListDashboards({ client: cw }, {})) pages.push(page);
  assert.deepEqual(pages.map((pg) => pg.DashboardEntries.length), [1000, 3]);
  assert.equal(pages[1].DashboardEntries.at(-1).DashboardName, 'd-1002');
});
