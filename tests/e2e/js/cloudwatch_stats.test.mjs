// GetMetricStatistics and GetMetricData through the JS SDK v3 (@aws-sdk/client-cloudwatch),
// in awsJson 1.0 (its default) and RPC v2 CBOR (forced with `protocol:`), on a manual clock so
// the data's "now" is fixed. The numbers are computed by hand from the definitions in
// sim/engine/metricstat.c; the random property test is tests/e2e/test_cloudwatch_stats.py.
// What JS adds: Timestamp/Timestamps come back as Date objects, the ExtendedStatistics map
// and the errors as the SDK's modeled exception classes (InvalidParameterValueException).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudWatchClient, PutMetricDataCommand, GetMetricStatisticsCommand, GetMetricDataCommand,
  paginateGetMetricData,
} from '@aws-sdk/client-cloudwatch';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { startDrillsim, clientConfig } from './harness.mjs';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60 * 1000;

let ds;
before(async () => { ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']); });
after(async () => { await ds.stop(); });

const PROTOCOLS = [
  { name: 'json', protocol: undefined },
  { name: 'cbor', protocol: AwsSmithyRpcV2CborProtocol },
];

function client(p) {
  const extra = p.protocol ? { protocol: p.protocol } : {};
  return new CloudWatchClient(clientConfig(ds.endpoint, extra));
}

// Ten minutes of one datum a minute (values 1..10 from 23:50 to 23:59), plus in the 23:55
// minute a Values/Counts datum and a statistic set, for a metric with dimension Service=web.
async function putData(cw, namespace) {
  const dims = [{ Name: 'Service', Value: 'web' }];
  const data = [];
  for (let i = 0; i < 10; i++) {
    data.push({ MetricName: 'Latency', Dimensions: dims, Unit: 'Milliseconds', Value: i + 1,
      Timestamp: new Date(NOW - (10 - i) * MIN) });
  }
  data.push({ MetricName: 'Latency', Dimensions: dims, Unit: 'Milliseconds',
    Values: [100, 200], Counts: [2, 1], Timestamp: new Date(NOW - 5 * MIN + 30000) });
  data.push({ MetricName: 'Latency', Dimensions: dims, Unit: 'Milliseconds',
    StatisticValues: { SampleCount: 4, Sum: 8, Minimum: 2, Maximum: 2 },
    Timestamp: new Date(NOW - 5 * MIN + 40000) });
  // The same name without dimensions, which the dimensioned queries must not see.
  data.push({ MetricName: 'Latency', Unit: 'Milliseconds', Value: 1000,
    Timestamp: new Date(NOW - 3 * MIN) });
  await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: data }));
}

for (const p of PROTOCOLS) {
  test(`${p.name}: GetMetricStatistics`, async () => {
    const cw = client(p);
    const namespace = `Stats-${p.name}`;
    await putData(cw, namespace);
    const base = { Namespace: namespace, MetricName: 'Latency',
      Dimensions: [{ Name: 'Service', Value: 'web' }],
      StartTime: new Date(NOW - 10 * MIN), EndTime: new Date(NOW), Period: 300 };
    const r = await cw.send(new GetMetricStatisticsCommand({ ...base,
      Statistics: ['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'] }));
    assert.equal(r.Label, 'Latency');
    const points = [...r.Datapoints].sort((a, b) => a.Timestamp - b.Timestamp);
    assert.equal(points.length, 2);
    assert.ok(points[0].Timestamp instanceof Date);
    assert.equal(points[0].Timestamp.getTime(), NOW - 10 * MIN);
    // 23:50-23:54: 1..5.
    assert.deepEqual({ ...points[0], Timestamp: undefined }, { Timestamp: undefined,
      SampleCount: 5, Sum: 15, Average: 3, Minimum: 1, Maximum: 5, Unit: 'Milliseconds' });
    // 23:55-23:59: 6..10, 100 x2, 200, 2 x4 (the set: Minimum == Maximum).
    assert.equal(points[1].SampleCount, 12);
    assert.equal(points[1].Sum, 40 + 400 + 8);
    assert.equal(points[1].Average, 448 / 12);
    assert.equal(points[1].Minimum, 2);
    assert.equal(points[1].Maximum, 200);

    const e = await cw.send(new GetMetricStatisticsCommand({ ...base,
      ExtendedStatistics: ['p50', 'p100', 'tm50', 'TC(5:100)', 'PR(:10)'] }));
    const later = e.Datapoints.find((d) => d.Timestamp.getTime() === NOW - 5 * MIN);
    // Sorted: 2,2,2,2,6,7,8,9,10,100,100,200 (12); the 6th is 7.
    assert.deepEqual(later.ExtendedStatistics, {
      p50: 7, p100: 200, tm50: (8 + 6 + 7) / 6, 'TC(5:100)': 7, 'PR(:10)': 75,
    });
    assert.equal(later.Unit, 'Milliseconds');

    // A Unit that the data was not stored with: nothing.
    const none = await cw.send(new GetMetricStatisticsCommand({ ...base, Unit: 'Seconds',
      Statistics: ['Sum'] }));
    assert.deepEqual(none.Datapoints, []);

    // Errors, as the SDK's modeled exceptions.
    await assert.rejects(
      cw.send(new GetMetricStatisticsCommand({ ...base, Statistics: ['Maximum,Average'] })),
      (err) => err.name === 'InvalidParameterValueException' && err.message ===
        'The parameter Statistics.member.1 must be a value in the set [ Minimum, Maximum, '
        + 'Average, SampleCount, Sum ].');
    await assert.rejects(
      cw.send(new GetMetricStatisticsCommand({ ...base, StartTime: new Date(NOW),
        Statistics: ['Maximum'] })),
      (err) => err.name === 'InvalidParameterValueException' && err.message ===
        'The parameter StartTime must be less than the parameter EndTime.');
    await assert.rejects(
      cw.send(new GetMetricStatisticsCommand({ ...base, Period: 60,
        StartTime: new Date(NOW - 2 * 1440 * MIN), Statistics: ['Maximum'] })),
      (err) => err.name === 'InvalidParameterCombinationException'
        && /requested up to 2880 datapoints, which exceeds the limit of 1440/.test(err.message));
  });

  test(`${p.name}: GetMetricData`, async () => {
    const cw = client(p);
    const namespace = `Data-${p.name}`;
    await putData(cw, namespace);
    const metric = { Namespace: namespace, MetricName: 'Latency',
      Dimensions: [{ Name: 'Service', Value: 'web' }] };
    const input = {
      StartTime: new Date(NOW - 10 * MIN), EndTime: new Date(NOW),
      MetricDataQueries: [
        { Id: 'm1', MetricStat: { Metric: metric, Period: 60, Stat: 'Maximum' } },
        { Id: 'm2', MetricStat: { Metric: metric, Period: 300, Stat: 'p50' },
          Label: "${PROP('Dim.Service')} p50", ReturnData: true },
        { Id: 'hidden', MetricStat: { Metric: metric, Period: 300, Stat: 'Sum' },
          ReturnData: false },
      ],
    };
    const r = await cw.send(new GetMetricDataCommand(input));
    assert.deepEqual(r.Messages, []);
    assert.equal(r.NextToken, undefined);
    assert.deepEqual(r.MetricDataResults.map((x) => x.Id), ['m1', 'm2']);
    const [m1, m2] = r.MetricDataResults;
    assert.equal(m1.Label, 'Latency');
    assert.equal(m1.StatusCode, 'Complete');
    // TimestampDescending by default: 23:59 first.
    assert.equal(m1.Timestamps[0].getTime(), NOW - MIN);
    // 23:55 holds 6, 100, 100, 200 and the set of 2s.
    assert.deepEqual(m1.Values, [10, 9, 8, 7, 200, 5, 4, 3, 2, 1]);
    assert.equal(m2.Label, 'web p50');
    assert.deepEqual(m2.Timestamps.map((t) => t.getTime()), [NOW - 5 * MIN, NOW - 10 * MIN]);
    assert.deepEqual(m2.Values, [7, 3]);

    // Pages of 3 points, oldest first.
    const seen = [];
    for await (const page of paginateGetMetricData({ client: cw, pageSize: 3 },
      { ...input, ScanBy: 'TimestampAscending' })) {
      let n = 0;
      for (const res of page.MetricDataResults) {
        n += res.Values.length;
        seen.push(...res.Values.map((v, i) => [res.Id, res.Timestamps[i].getTime(), v]));
      }
      assert.ok(n <= 3);
    }
    assert.equal(seen.length, 12);
    assert.deepEqual(seen.filter((x) => x[0] === 'm2').map((x) => x[2]), [3, 7]);

    await assert.rejects(
      cw.send(new GetMetricDataCommand({ ...input, EndTime: input.StartTime })),
      // Not a modeled exception: JS names it from __type (ValidationException); the
      // x-amzn-query-error header carries the query code ValidationError that botocore shows.
      (err) => err.name === 'ValidationException'
        && err.message === 'The parameter StartTime must not equal parameter EndTime.');
    await assert.rejects(
      cw.send(new GetMetricDataCommand({ ...input, MetricDataQueries: [
        { Id: 'M1', MetricStat: { Metric: metric, Period: 60, Stat: 'Maximum' } }] })),
      (err) => /MetricDataQueries\.member\.1\.Id is not matching the expected pattern/
        .test(err.message));
  });
}
