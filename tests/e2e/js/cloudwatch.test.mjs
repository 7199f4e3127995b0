// CloudWatch PutMetricData + ListMetrics through the JS SDK v3, in the three protocols it can
// speak: awsJson 1.0 (its default), RPC v2 CBOR and awsQuery (forced with `protocol:`).
// Each client records what it sends (a finalizeRequest middleware), so every case also
// proves which protocol was on the wire and that 1000 datums went out gzipped.
//
// Found here: with the CBOR protocol, JS 3.1163's request compression sends the gzipped body
// with the Content-Length of the uncompressed one, so a PutMetricData of 10 KiB or more
// hangs until the client times out (against AWS too: the server waits for bytes that never
// come). The CBOR case therefore sends its 1000 datums with disableRequestCompression.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  CloudWatchClient, PutMetricDataCommand, ListMetricsCommand, paginateListMetrics,
} from '@aws-sdk/client-cloudwatch';
import { AwsSmithyRpcV2CborProtocol, AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { startDrillsim, clientConfig } from './harness.mjs';

let ds;
before(async () => { ds = await startDrillsim(); });
after(async () => { await ds.stop(); });

const PROTOCOLS = [
  { name: 'json', protocol: undefined, contentType: 'application/x-amz-json-1.0', gzip: true },
  { name: 'cbor', protocol: AwsSmithyRpcV2CborProtocol, contentType: 'application/cbor',
    gzip: false },
  { name: 'query', protocol: AwsQueryProtocol, contentType: 'application/x-www-form-urlencoded',
    gzip: true },
];

// A client for protocol p that records the headers of every request it sends.
function client(p, extra = {}) {
  const cfg = clientConfig(ds.endpoint, p.protocol ? { protocol: p.protocol, ...extra } : extra);
  const cw = new CloudWatchClient(cfg);
  cw.sent = [];
  cw.middlewareStack.add((next) => async (args) => {
    cw.sent.push(args.request.headers);
    return next(args);
  }, { step: 'finalizeRequest', name: 'recordSent' });
  return cw;
}

const ns = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

for (const p of PROTOCOLS) {
  test(`${p.name}: put then list`, async () => {
    const cw = client(p);
    const namespace = ns('App');
    await cw.send(new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: [
        { MetricName: 'Latency', Value: 12.5, Unit: 'Milliseconds', Timestamp: new Date(),
          Dimensions: [{ Name: 'Service', Value: 'web' }] },
        { MetricName: 'Sizes', Values: [1, 2.5], Counts: [3, 1], StorageResolution: 1 },
        { MetricName: 'Stats',
          StatisticValues: { SampleCount: 2, Sum: 3, Minimum: 1, Maximum: 2 } },
      ],
    }));
    assert.match(cw.sent[0]['content-type'], new RegExp(p.contentType));
    const r = await cw.send(new ListMetricsCommand({ Namespace: namespace }));
    assert.deepEqual(r.Metrics, [
      { Namespace: namespace, MetricName: 'Latency',
        Dimensions: [{ Name: 'Service', Value: 'web' }] },
      { Namespace: namespace, MetricName: 'Sizes', Dimensions: [] },
      { Namespace: namespace, MetricName: 'Stats', Dimensions: [] },
    ]);
    assert.equal(r.NextToken, undefined);
  });

  test(`${p.name}: 1000 datums, then every page`, async () => {
    const cw = client(p, p.gzip ? {} : { disableRequestCompression: true });
    const namespace = ns('Big');
    await cw.send(new PutMetricDataCommand({
      Namespace: namespace,
      MetricData: Array.from({ length: 1000 }, (_, i) => ({
        MetricName: `m${String(i).padStart(4, '0')}`, Value: i,
        Dimensions: [{ Name: 'Host', Value: `h${i}` }],
      })),
    }));
    assert.equal(cw.sent[0]['content-encoding'], p.gzip ? 'gzip' : undefined);
    const sizes = [];
    const names = [];
    for await (const page of paginateListMetrics({ client: cw }, { Namespace: namespace })) {
      sizes.push(page.Metrics.length);
      names.push(...page.Metrics.map((m) => m.MetricName));
    }
    assert.deepEqual(sizes, [500, 500]);
    assert.equal(new Set(names).size, 1000);
  });

  test(`${p.name}: a validation error`, async () => {
    const cw = client(p);
    await assert.rejects(
      cw.send(new PutMetricDataCommand({
        Namespace: 'AWS/EC2', MetricData: [{ MetricName: 'CPUUtilization', Value: 1 }],
      })),
      (e) => {
        assert.equal(e.name, 'InvalidParameterValueException');
        assert.equal(e.message, 'The value AWS/EC2 for parameter Namespace is invalid.');
        assert.equal(e.$metadata.httpStatusCode, 400);
        return true;
      });
    await assert.rejects(
      cw.send(new PutMetricDataCommand({
        Namespace: ns('App'), MetricData: [{ MetricName: 'm', Value: 1, Values: [2] }],
      })),
      (e) => {
        assert.equal(e.name, 'InvalidParameterCombinationException');
        assert.match(e.message, /^The parameters MetricData\.member\.1\.Value and/);
        return true;
      });
  });
}

test('the account comes from the access key', async () => {
  const namespace = ns('Tenant');
  const a = client(PROTOCOLS[0], { credentials: { accessKeyId: '111111111111',
    secretAccessKey: 'x' } });
  const b = client(PROTOCOLS[0], { credentials: { accessKeyId: '222222222222',
    secretAccessKey: 'x' } });
  await a.send(new PutMetricDataCommand({ Namespace: namespace,
    MetricData: [{ MetricName: 'mine', Value: 1 }] }));
  assert.equal((await a.send(new ListMetricsCommand({ Namespace: namespace }))).Metrics.length, 1);
  assert.equal((await b.send(new ListMetricsCommand({ Namespace: namespace }))).Metrics.length, 0);
});
