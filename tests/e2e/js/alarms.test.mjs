// The runbook's alarm through the JS SDK v3 (issue 4, done means 7): @aws-sdk/client-cloudwatch
// (awsJson 1.0) and @aws-sdk/client-sns (awsQuery) against a manual clock. A loopback HTTP
// subscriber confirms through its SubscribeURL; DatabaseConnections of AWS/RDS (a namespace
// PutMetricData refuses) enters through POST /_drill/metrics; the clock moves through
// POST /_drill/clock/advance. The same scenario runs with boto3 in test_alarms.py.
// What JS adds: Date objects for the timestamps, the modeled exception classes
// (ResourceNotFound), and ValidationError as the query code (err.Code) of a JSON error whose
// __type is ValidationException.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  CloudWatchClient, PutMetricAlarmCommand, DescribeAlarmsCommand, DescribeAlarmHistoryCommand,
  SetAlarmStateCommand, ResourceNotFound, PutCompositeAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { SNSClient, CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { startDrillsim, clientConfig } from './harness.mjs';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60 * 1000;
const NAME = 'golden-path-rds-connections-warning-dev';
const RUNBOOK = {
  AlarmName: NAME,
  AlarmDescription: 'RDS connection usage approaching limit',
  MetricName: 'DatabaseConnections',
  Namespace: 'AWS/RDS',
  Statistic: 'Maximum',
  Period: 300,
  Threshold: 80,
  ComparisonOperator: 'GreaterThanThreshold',
  Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'golden-path-aurora-dev' }],
  EvaluationPeriods: 2,
};
const REASON = 'Threshold Crossed: 2 datapoints [85.0 (01/01/26 00:05:00), 90.0 (01/01/26 '
  + '00:00:00)] were greater than the threshold (80.0).';

let ds;
let cw;
let sns;
let server;
const received = [];

before(async () => {
  ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']);
  cw = new CloudWatchClient(clientConfig(ds.endpoint, { accessKeyId: '123456789012' }));
  sns = new SNSClient(clientConfig(ds.endpoint, { accessKeyId: '123456789012' }));
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
});

after(async () => {
  server.close();
  await ds.stop();
});

async function control(path, body) {
  const r = await fetch(`${ds.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return JSON.parse(text);
}

async function advance(seconds) {
  return control('/_drill/clock/advance?team=123456789012', { seconds });
}

async function inject(minute, value) {
  return control('/_drill/metrics?team=123456789012', {
    Namespace: 'AWS/RDS',
    MetricData: [{ MetricName: 'DatabaseConnections', Value: value, Unit: 'Count',
      Timestamp: (T0 + minute * MIN) / 1000,
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'golden-path-aurora-dev' }] }],
  });
}

async function waitFor(type, count = 1) {
  for (let i = 0; i < 1000; i++) {
    const got = received.filter((r) => r.Type === type);
    if (got.length >= count) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${type} received`);
}

async function describe() {
  const r = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [NAME] }));
  assert.equal(r.MetricAlarms.length, 1);
  return r.MetricAlarms[0];
}

test('the runbook alarm fires, notifies the subscriber and recovers', async () => {
  // the runbook's placeholder ARN fails as AWS fails
  await assert.rejects(
    cw.send(new PutMetricAlarmCommand({
      ...RUNBOOK, AlarmActions: ['arn:aws:sns:region:account:golden-path-alarms'] })),
    (err) => {
      // the JSON error's __type is coral's ValidationException; the query code the
      // x-amzn-query-error header carries is ValidationError
      assert.equal(err.name, 'ValidationException');
      assert.equal(err.Code, 'ValidationError');
      assert.equal(err.message, 'Invalid region region specified. Only us-east-1 is supported.');
      assert.equal(err.$metadata.httpStatusCode, 400);
      return true;
    });

  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'golden-path-alarms' }));
  const endpoint = `http://127.0.0.1:${server.address().port}/alarms`;
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: endpoint }));
  const [confirmation] = await waitFor('SubscriptionConfirmation');
  assert.equal((await fetch(confirmation.SubscribeURL)).status, 200);

  await cw.send(new PutMetricAlarmCommand({ ...RUNBOOK, AlarmActions: [TopicArn],
    OKActions: [TopicArn] }));
  let alarm = await describe();
  assert.equal(alarm.StateValue, 'INSUFFICIENT_DATA');
  assert.equal(alarm.StateReason, 'Unchecked: Initial alarm creation');
  assert.ok(alarm.AlarmConfigurationUpdatedTimestamp instanceof Date);
  assert.equal(alarm.AlarmConfigurationUpdatedTimestamp.getTime(), T0);

  // over 80 in [00:00, 00:05) and [00:05, 00:10): ALARM at 00:10, not before
  await inject(4, 90);
  await inject(9, 85);
  await advance(540);
  assert.equal((await describe()).StateValue, 'INSUFFICIENT_DATA');
  await advance(60);
  alarm = await describe();
  assert.equal(alarm.StateValue, 'ALARM');
  assert.equal(alarm.StateReason, REASON);
  assert.equal(alarm.StateUpdatedTimestamp.getTime(), T0 + 10 * MIN);
  const data = JSON.parse(alarm.StateReasonData);
  assert.deepEqual(data.recentDatapoints, [90, 85]);
  assert.equal(data.statistic, 'Maximum');
  assert.equal(data.period, 300);

  const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: NAME }));
  assert.deepEqual(history.AlarmHistoryItems.map((i) => [i.HistoryItemType, i.HistorySummary]), [
    ['Action', `Successfully executed action ${TopicArn}`],
    ['StateUpdate', 'Alarm updated from INSUFFICIENT_DATA to ALARM'],
    ['ConfigurationUpdate', `Alarm "${NAME}" created`],
  ]);
  assert.equal(history.AlarmHistoryItems[0].Timestamp.getTime(), T0 + 10 * MIN);

  const [note] = await waitFor('Notification');
  assert.equal(note.Subject, `ALARM: "${NAME}" in US East (N. Virginia)`);
  const msg = JSON.parse(note.Message);
  assert.equal(msg.AlarmName, NAME);
  assert.equal(msg.AWSAccountId, '123456789012');
  assert.equal(msg.NewStateValue, 'ALARM');
  assert.equal(msg.OldStateValue, 'INSUFFICIENT_DATA');
  assert.equal(msg.NewStateReason, REASON);
  assert.equal(msg.Region, 'US East (N. Virginia)');
  assert.equal(msg.AlarmArn, `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${NAME}`);
  assert.deepEqual(msg.Trigger.Dimensions,
    [{ value: 'golden-path-aurora-dev', name: 'DBClusterIdentifier' }]);
  assert.equal(msg.Trigger.Statistic, 'MAXIMUM');
  assert.equal(msg.Trigger.Period, 300);

  // back under 80: OK at 00:15, once
  for (let m = 10; m < 25; m++) await inject(m, 50);
  await advance(4 * 60);
  assert.equal((await describe()).StateValue, 'ALARM');
  await advance(60);
  assert.equal((await describe()).StateValue, 'OK');
  await advance(10 * 60);
  const notes = await waitFor('Notification', 2);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(received.filter((r) => r.Type === 'Notification').length, 2);
  assert.equal(JSON.parse(notes[1].Message).NewStateValue, 'OK');
});

test('modeled and unmodeled errors', async () => {
  await assert.rejects(
    cw.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })),
    (err) => {
      assert.ok(err instanceof ResourceNotFound);
      assert.equal(err.$metadata.httpStatusCode, 404);
      return true;
    });
  await assert.rejects(
    cw.send(new PutCompositeAlarmCommand({ AlarmName: 'c', AlarmRule: 'ALARM(nope)' })),
    (err) => {
      assert.equal(err.Code, 'ValidationError');
      assert.equal(err.message,
        'Could not save the composite alarm as alarms [nope] in the alarm rule do not exist');
      return true;
    });
});
