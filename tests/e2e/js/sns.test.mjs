// SNS through the JS SDK v3 (awsQuery): topics, an HTTP subscriber on loopback that confirms
// through its SubscribeURL, Publish with message attributes, the modeled NotFoundException,
// and the maps (Attributes) and lists JS reads by their modeled XML names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  SNSClient, CreateTopicCommand, ListTopicsCommand, GetTopicAttributesCommand,
  SubscribeCommand, PublishCommand, ListSubscriptionsByTopicCommand, NotFoundException,
} from '@aws-sdk/client-sns';
import { startDrillsim, clientConfig } from './harness.mjs';

let ds;
let sns;
let server;
const received = [];

before(async () => {
  ds = await startDrillsim(['--clock', 'manual@2026-01-01T00:00:00Z']);
  sns = new SNSClient(clientConfig(ds.endpoint, { accessKeyId: '123456789012' }));
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(body) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
});

after(async () => {
  server.close();
  await ds.stop();
});

async function waitFor(type, count = 1) {
  for (let i = 0; i < 1000; i++) {
    const got = received.filter((r) => r.body.Type === type);
    if (got.length >= count) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${type} received`);
}

test('topic, confirmed HTTP subscription, published notification', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'js-alarms' }));
  assert.equal(TopicArn, 'arn:aws:sns:us-east-1:123456789012:js-alarms');
  const topics = await sns.send(new ListTopicsCommand({}));
  assert.deepEqual(topics.Topics, [{ TopicArn }]);
  const attrs = await sns.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(attrs.Attributes.Owner, '123456789012');
  assert.equal(attrs.Attributes.SubscriptionsConfirmed, '0');
  assert.equal(JSON.parse(attrs.Attributes.EffectiveDeliveryPolicy).http
    .defaultHealthyRetryPolicy.numRetries, 3);

  const endpoint = `http://127.0.0.1:${server.address().port}/hook`;
  const sub = await sns.send(new SubscribeCommand({
    TopicArn, Protocol: 'http', Endpoint: endpoint,
  }));
  assert.equal(sub.SubscriptionArn, 'pending confirmation');
  const [conf] = await waitFor('SubscriptionConfirmation');
  assert.equal(conf.headers['x-amz-sns-message-type'], 'SubscriptionConfirmation');
  const confirmed = await fetch(conf.body.SubscribeURL); // unsigned, as subscribers do
  assert.equal(confirmed.status, 200);
  assert.match(await confirmed.text(),
    /<SubscriptionArn>arn:aws:sns:us-east-1:123456789012:js-alarms:/);
  const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
  assert.equal(subs.Subscriptions.length, 1);
  assert.equal(subs.Subscriptions[0].Endpoint, endpoint);
  assert.match(subs.Subscriptions[0].SubscriptionArn, /^arn:aws:sns:/);

  const pub = await sns.send(new PublishCommand({
    TopicArn,
    Subject: 'ALARM',
    Message: 'connections above 80',
    MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
  }));
  assert.match(pub.MessageId, /^[0-9a-f-]{36}$/);
  const [n] = await waitFor('Notification');
  assert.equal(n.body.MessageId, pub.MessageId);
  assert.equal(n.body.Message, 'connections above 80');
  assert.equal(n.body.Subject, 'ALARM');
  assert.equal(n.body.Timestamp, '2026-01-01T00:00:00.000Z');
  assert.deepEqual(n.body.MessageAttributes, { severity: { Type: 'String', Value: 'high' } });
  assert.equal(n.headers['x-amz-sns-subscription-arn'], subs.Subscriptions[0].SubscriptionArn);
  assert.equal(n.headers['user-agent'], 'Amazon Simple Notification Service Agent');
});

test('an unknown topic is the modeled NotFoundException (404)', async () => {
  await assert.rejects(
    sns.send(new PublishCommand({
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:nope', Message: 'm',
    })),
    (err) => {
      assert.ok(err instanceof NotFoundException, `got ${err.name}`);
      assert.equal(err.message, 'Topic does not exist');
      assert.equal(err.$metadata.httpStatusCode, 404);
      return true;
    },
  );
});
