// CloudWatch Logs through the JS SDK v3 (awsJson 1.1): groups and streams, PutLogEvents with
// rejectedLogEventsInfo, GetLogEvents with its tokens, FilterLogEvents with a filter pattern
// and the SDK's paginator, and the modeled exception classes. Times are epoch milliseconds
// (numbers, not Dates). The server runs on a manual clock, so the time rules are exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DescribeLogGroupsCommand,
  DescribeLogStreamsCommand, PutLogEventsCommand, GetLogEventsCommand, FilterLogEventsCommand,
  ResourceNotFoundException, ResourceAlreadyExistsException, InvalidParameterException,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { startDrillsim, clientConfig } from './harness.mjs';

const T0 = Date.UTC(2026, 0, 1); // the manual clock's start
const GROUP = '/ecs/golden-path-app-dev';
let ds;
let logs;
before(async () => {
  ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']);
  logs = new CloudWatchLogsClient(clientConfig(ds.endpoint));
  await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP, tags: { env: 'dev' } }));
  for (const s of ['app/a', 'app/b']) {
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: s }));
  }
});
after(async () => { await ds.stop(); });

test('groups and streams describe themselves in milliseconds', async () => {
  const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
  assert.equal(logGroups.length, 1);
  assert.equal(logGroups[0].logGroupName, GROUP);
  assert.equal(logGroups[0].creationTime, T0);
  assert.equal(logGroups[0].arn, `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}:*`);
  const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
  assert.deepEqual(logStreams.map((s) => s.logStreamName), ['app/a', 'app/b']);
  await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName: GROUP })), (err) => {
    assert.ok(err instanceof ResourceAlreadyExistsException, `got ${err.name}`);
    assert.equal(err.message, 'The specified log group already exists');
    return true;
  });
});

test('put: accepted, rejected and failing batches', async () => {
  const put = await logs.send(new PutLogEventsCommand({
    logGroupName: GROUP, logStreamName: 'app/a', logEvents: [
      { timestamp: T0 - 15 * 86400000, message: 'too old' },
      { timestamp: T0 - 3000, message: 'ERROR pool exhausted' },
      { timestamp: T0 - 1000, message: JSON.stringify({ path: '/db', status: 500 }) },
      { timestamp: T0 + 3 * 3600000, message: 'too new' },
    ],
  }));
  assert.match(put.nextSequenceToken, /^\d{56}$/);
  assert.deepEqual(put.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 3 });
  await logs.send(new PutLogEventsCommand({
    logGroupName: GROUP, logStreamName: 'app/b',
    logEvents: [{ timestamp: T0 - 2000, message: 'INFO ok' }],
  }));
  await assert.rejects(logs.send(new PutLogEventsCommand({
    logGroupName: GROUP, logStreamName: 'app/b', logEvents: [
      { timestamp: T0, message: 'b' }, { timestamp: T0 - 1, message: 'a' }],
  })), (err) => {
    assert.ok(err instanceof InvalidParameterException, `got ${err.name}`);
    assert.equal(err.message, 'Log events in a single PutLogEvents request must be in chronological order.');
    return true;
  });
  await assert.rejects(logs.send(new PutLogEventsCommand({
    logGroupName: GROUP, logStreamName: 'nope', logEvents: [{ timestamp: T0, message: 'x' }],
  })), (err) => {
    assert.ok(err instanceof ResourceNotFoundException, `got ${err.name}`);
    assert.equal(err.message, 'The specified log stream does not exist.');
    return true;
  });
});

test('get: from the head, forward to the end, where the same token comes back', async () => {
  const first = await logs.send(new GetLogEventsCommand({
    logGroupName: GROUP, logStreamName: 'app/a', startFromHead: true, limit: 1,
  }));
  assert.deepEqual(first.events.map((e) => [e.timestamp, e.message, e.ingestionTime]),
    [[T0 - 3000, 'ERROR pool exhausted', T0]]);
  const second = await logs.send(new GetLogEventsCommand({
    logGroupName: GROUP, logStreamName: 'app/a', startFromHead: true, nextToken: first.nextForwardToken,
  }));
  assert.equal(second.events.length, 1);
  const end = await logs.send(new GetLogEventsCommand({
    logGroupName: GROUP, logStreamName: 'app/a', startFromHead: true, nextToken: second.nextForwardToken,
  }));
  assert.deepEqual(end.events, []);
  assert.equal(end.nextForwardToken, second.nextForwardToken);
});

test('filter: interleaved across streams, with a pattern, through the paginator', async () => {
  const all = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, interleaved: true }));
  assert.deepEqual(all.events.map((e) => [e.logStreamName, e.timestamp]),
    [['app/a', T0 - 3000], ['app/b', T0 - 2000], ['app/a', T0 - 1000]]);
  assert.deepEqual(all.searchedLogStreams, []);
  assert.ok(all.events.every((e) => /^\d{56}$/.test(e.eventId)));
  const errors = await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'ERROR' }));
  assert.deepEqual(errors.events.map((e) => e.message), ['ERROR pool exhausted']);
  const json = await logs.send(new FilterLogEventsCommand({
    logGroupName: GROUP, filterPattern: '{ $.status = 500 }', startTime: T0 - 1000, endTime: T0,
  }));
  assert.equal(json.events.length, 1);
  const seen = [];
  for await (const page of paginateFilterLogEvents({ client: logs, pageSize: 1 }, { logGroupName: GROUP })) {
    seen.push(...page.events.map((e) => e.eventId));
  }
  assert.equal(seen.length, 3);
  assert.equal(new Set(seen).size, 3);
  await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/nope' })), (err) => {
    assert.ok(err instanceof ResourceNotFoundException, `got ${err.name}`);
    assert.equal(err.message, 'The specified log group does not exist.');
    return true;
  });
});
