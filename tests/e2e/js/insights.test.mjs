// Logs Insights through the JS SDK v3 (awsJson 1.1): StartQuery with epoch-second times,
// GetQueryResults polled to Complete (string values, @timestamp formatted, @ptr), stats rows,
// GetLogRecord, StopQuery, DescribeQueries, and the modeled exception classes
// (MalformedQueryException, ResourceNotFoundException). Manual clock: the statuses move by
// the evaluation's progress alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand,
  StartQueryCommand, GetQueryResultsCommand, StopQueryCommand, DescribeQueriesCommand,
  GetLogRecordCommand, MalformedQueryException, ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { startDrillsim, clientConfig } from './harness.mjs';

const T0 = Date.UTC(2026, 0, 1); // the manual clock's start
const GROUP = '/ecs/golden-path-app-dev';
let ds;
let logs;

async function waitFor(queryId) {
  for (let i = 0; i < 2000; i++) {
    const r = await logs.send(new GetQueryResultsCommand({ queryId }));
    if (!['Scheduled', 'Running'].includes(r.status)) return r;
  }
  throw new Error('query did not end');
}

before(async () => {
  ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']);
  logs = new CloudWatchLogsClient(clientConfig(ds.endpoint));
  await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'app/a' }));
  const logEvents = [];
  for (let i = 0; i < 600; i++) {
    const ev = { requestId: `r${i}`, path: i % 2 ? '/db' : '/api', status: i % 5 ? 200 : 500 };
    if (i % 5 === 0) ev.errorType = 'connection_error';
    logEvents.push({ timestamp: T0 - 600_000 + i * 1000, message: JSON.stringify(ev) });
  }
  await logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'app/a', logEvents }));
});
after(async () => { await ds.stop(); });

test('the runbook query: newest /db errors first, string values, @ptr', async () => {
  const { queryId } = await logs.send(new StartQueryCommand({
    logGroupName: GROUP,
    startTime: Math.floor(T0 / 1000) - 900,
    endTime: Math.floor(T0 / 1000),
    queryString: 'fields @timestamp, requestId, path, status, errorType | filter path = "/db" and (errorType = "connection_error" or ispresent(errorType)) | sort @timestamp desc | limit 20',
  }));
  assert.match(queryId, /^[0-9a-f-]{36}$/);
  const r = await waitFor(queryId);
  assert.equal(r.status, 'Complete');
  // /db is odd i, errors are i % 5 == 0: i = 595, 585, ... (odd multiples of 5)
  const want = [];
  for (let i = 599; i >= 0 && want.length < 20; i--) if (i % 2 && i % 5 === 0) want.push(i);
  assert.equal(r.results.length, want.length);
  r.results.forEach((row, k) => {
    assert.deepEqual(row.map((f) => f.field), ['@timestamp', 'requestId', 'path', 'status', 'errorType', '@ptr']);
    for (const f of row) assert.equal(typeof f.value, 'string');
    const v = Object.fromEntries(row.map((f) => [f.field, f.value]));
    assert.equal(v.requestId, `r${want[k]}`);
    assert.equal(v['@timestamp'], new Date(T0 - 600_000 + want[k] * 1000).toISOString().replace('T', ' ').replace('Z', ''));
  });
  assert.equal(typeof r.statistics.recordsMatched, 'number');
  assert.equal(r.statistics.recordsMatched, want.length);
  const ptr = r.results[0].find((f) => f.field === '@ptr').value;
  const rec = await logs.send(new GetLogRecordCommand({ logRecordPointer: ptr }));
  assert.equal(rec.logRecord.requestId, `r${want[0]}`);
  assert.equal(rec.logRecord.errorType, 'connection_error');
});

test('stats by bin(1m) rows carry no @ptr', async () => {
  const { queryId } = await logs.send(new StartQueryCommand({
    logGroupName: GROUP, startTime: Math.floor(T0 / 1000) - 3600, endTime: Math.floor(T0 / 1000),
    queryString: 'stats count(*) as n by bin(1m) as minute | sort minute asc',
  }));
  const r = await waitFor(queryId);
  assert.equal(r.results.length, 10);
  for (const row of r.results) {
    assert.deepEqual(row.map((f) => f.field), ['minute', 'n']);
    assert.equal(row[1].value, '60');
  }
  assert.equal(r.results[0][0].value, '2025-12-31 23:50:00.000');
});

test('malformed queries and unknown groups are modeled exceptions', async () => {
  await assert.rejects(
    logs.send(new StartQueryCommand({ logGroupName: GROUP, startTime: 0, endTime: 10, queryString: 'fields a | count()' })),
    (e) => e instanceof MalformedQueryException && /mismatched input 'count'/.test(e.message));
  await assert.rejects(
    logs.send(new StartQueryCommand({ logGroupName: '/nope', startTime: 0, endTime: 10, queryString: 'fields a' })),
    (e) => e instanceof ResourceNotFoundException);
  await assert.rejects(
    logs.send(new GetQueryResultsCommand({ queryId: '11111111-2222-3333-4444-555555555555' })),
    (e) => e instanceof ResourceNotFoundException);
});

test('StopQuery and DescribeQueries', async () => {
  const { queryId } = await logs.send(new StartQueryCommand({
    logGroupName: GROUP, startTime: 0, endTime: Math.floor(T0 / 1000), queryString: 'fields @message',
  }));
  const stopped = await logs.send(new StopQueryCommand({ queryId }));
  const status = (await logs.send(new GetQueryResultsCommand({ queryId }))).status;
  // the query may have finished before the stop arrived
  assert.equal(stopped.success, status === 'Cancelled');
  assert.ok(['Cancelled', 'Complete'].includes(status));
  const { queries } = await logs.send(new DescribeQueriesCommand({ logGroupName: GROUP }));
  const mine = queries.find((q) => q.queryId === queryId);
  assert.equal(mine.status, status);
  assert.equal(mine.queryString, 'fields @message');
  assert.equal(mine.logGroupName, GROUP);
  assert.equal(typeof mine.createTime, 'number');
});
