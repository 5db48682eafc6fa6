#!/usr/bin/env node
// Records fixtures/aws/{sqs,sns,eventbridge,kinesis,lambda,s3}/*.json: the real AWS SDK clients
// (@aws-sdk/client-* v3, aws-sdk v2) talk to local servers on 127.0.0.1 — s3rver for S3, and the fakes of
// test/helpers/aws-fakes.ts (real wire formats) for the rest — and each raw exchange is written down.
// awsQuery SQS (clients before v3.446 / v2.1491) is sent by hand, signed with the real SDK signer.
// Each `expect` block is written here by hand per scenario; ids are read from the raw response, never
// from wiretap's output.
// Usage: npm run build:test && node scripts/record-messaging-fixtures.js [buildDir=build]
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const BUILD = path.resolve(__dirname, '..', process.argv[2] || 'build');
const { startAwsFakes } = require(path.join(BUILD, 'test/helpers/aws-fakes.js'));
const OUT = path.resolve(__dirname, '../fixtures/aws');
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' };
const version = (p) => require(`${p}/package.json`).version;

function write(service, name, source, x, expect, description) {
  const dir = path.join(OUT, service);
  fs.mkdirSync(dir, { recursive: true });
  const h2 = x.request.protocolVersion === '2';
  const fixture = {
    description: description || `${expect.name}: ${name}`,
    source,
    exchange: {
      request: { method: x.request.method, url: x.request.url, headers: x.request.headers, body: x.request.body || undefined, protocolVersion: h2 ? '2' : '1.1', transport: h2 ? 'http2' : 'http' },
      response: { status: x.response.status, headers: x.response.headers, body: typeof x.response.body === 'string' ? x.response.body || undefined : x.response.body },
    },
    expect,
  };
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(fixture, null, 2) + '\n');
}

const last = (fakes, pred) => {
  const found = fakes.exchanges.filter(pred);
  if (!found.length) throw new Error('no exchange recorded');
  return found[found.length - 1];
};
const byTarget = (t) => (x) => x.request.headers['x-amz-target'] === t;
const byAction = (a) => (x) => new URLSearchParams(x.request.body).get('Action') === a;

async function sendSigned(url, service, body) {
  const { SignatureV4 } = require('@smithy/signature-v4');
  const { Hash } = require('@smithy/hash-node');
  const Sha256 = Hash.bind(null, 'sha256');
  const { HttpRequest } = require('@smithy/protocol-http');
  const u = new URL(url);
  const signer = new SignatureV4({ service, region: REGION, credentials: CREDENTIALS, sha256: Sha256 });
  const req = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    headers: { host: u.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'aws-sdk-js/2.1400.0 (query protocol, hand-signed)' },
    body,
  });
  const signed = await signer.sign(req);
  await new Promise((resolve, reject) => {
    const r = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: signed.headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    r.on('error', reject);
    r.end(body);
  });
}

async function main() {
  const fakes = await startAwsFakes();
  const base = { region: REGION, credentials: CREDENTIALS, endpoint: fakes.url };
  const common = (service, method, extra) => ({ 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': method, 'cloud.region': REGION, ...extra });

  // ---------------------------------------------------------------- SQS, JSON protocol (v3)
  const sqs = require('@aws-sdk/client-sqs');
  const SQS_SRC = `@aws-sdk/client-sqs ${version('@aws-sdk/client-sqs')} (AWS JSON 1.0), recorded with scripts/record-messaging-fixtures.js against the SQS fake of test/helpers/aws-fakes.ts on 127.0.0.1 (fake credentials)`;
  const sc = new sqs.SQSClient(base);
  const { QueueUrl } = await sc.send(new sqs.CreateQueueCommand({ QueueName: 'orders' }));
  const traceHeader = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  // the app's own X-Ray header (as inside Lambda): the fake stores it as AWSTraceHeader
  const withTrace = (client) => client.middlewareStack.add((next) => (args) => { args.request.headers['X-Amzn-Trace-Id'] = traceHeader; return next(args); }, { step: 'build', name: 'xray' });
  const scTraced = new sqs.SQSClient(base);
  withTrace(scTraced);
  let r = await scTraced.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: 'order #1 created' }));
  let x = last(fakes, byTarget('AmazonSQS.SendMessage'));
  write('sqs', 'v3-json-send-message', SQS_SRC, x, {
    name: 'SQS.SendMessage', kind: 'producer', decoder: 'aws.sqs', status: 'unset',
    attributes: common('SQS', 'SendMessage', {
      'wiretap.aws.protocol': 'json', 'messaging.system': 'aws_sqs', 'messaging.operation.name': 'send', 'messaging.operation.type': 'send',
      'messaging.destination.name': 'orders', 'aws.sqs.queue.url': QueueUrl, 'messaging.message.id': r.MessageId, 'messaging.message.body.size': 16,
      'wiretap.aws.trace_header': traceHeader,
    }),
    absent: ['messaging.batch.message_count'],
  });
  r = await sc.send(new sqs.SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'one' }, { Id: 'b', MessageBody: 'two' }, { Id: 'c', MessageBody: 'three' }] }));
  x = last(fakes, byTarget('AmazonSQS.SendMessageBatch'));
  write('sqs', 'v3-json-send-message-batch', SQS_SRC, x, {
    name: 'SQS.SendMessageBatch', kind: 'producer', decoder: 'aws.sqs', status: 'unset',
    attributes: common('SQS', 'SendMessageBatch', { 'messaging.system': 'aws_sqs', 'messaging.destination.name': 'orders', 'messaging.batch.message_count': 3, 'wiretap.messaging.message_ids': r.Successful.map((s) => s.MessageId) }),
    absent: ['messaging.message.id', 'wiretap.messaging.failed_count', 'error.type'],
  });
  r = await sc.send(new sqs.SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'ok1', MessageBody: 'fine' }, { Id: 'bad1', MessageBody: 'rejected' }] }));
  x = last(fakes, byTarget('AmazonSQS.SendMessageBatch'));
  write('sqs', 'v3-json-send-message-batch-partial-failure', SQS_SRC, x, {
    name: 'SQS.SendMessageBatch', kind: 'producer', decoder: 'aws.sqs', status: 'error',
    attributes: { 'messaging.batch.message_count': 2, 'wiretap.messaging.message_ids': [r.Successful[0].MessageId], 'wiretap.messaging.failed_count': 1, 'wiretap.messaging.failed_codes': ['InvalidParameterValue'], 'error.type': 'InvalidParameterValue' },
  });
  r = await sc.send(new sqs.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['AWSTraceHeader'] }));
  x = last(fakes, byTarget('AmazonSQS.ReceiveMessage'));
  write('sqs', 'v3-json-receive-message-with-trace-header', SQS_SRC, x, {
    name: 'SQS.ReceiveMessage', kind: 'client', decoder: 'aws.sqs', status: 'unset',
    attributes: common('SQS', 'ReceiveMessage', { 'messaging.system': 'aws_sqs', 'messaging.operation.name': 'receive', 'messaging.operation.type': 'receive', 'messaging.destination.name': 'orders', 'messaging.batch.message_count': r.Messages.length, 'wiretap.messaging.message_ids': r.Messages.map((m) => m.MessageId) }),
    absent: ['messaging.message.id'],
  }, 'SQS.ReceiveMessage: the first message carries AWSTraceHeader (the link is checked in test/unit/decoders/aws/sqs.test.ts)');
  r = await sc.send(new sqs.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  x = last(fakes, byTarget('AmazonSQS.ReceiveMessage'));
  write('sqs', 'v3-json-receive-message-empty', SQS_SRC, x, {
    name: 'SQS.ReceiveMessage', kind: 'client', decoder: 'aws.sqs', attributes: { 'messaging.batch.message_count': 0 }, absent: ['wiretap.messaging.message_ids'],
  });
  await sc.send(new sqs.SendMessageCommand({ QueueUrl: `${fakes.url}/000000000000/nope`, MessageBody: 'x' })).catch(() => undefined);
  x = last(fakes, byTarget('AmazonSQS.SendMessage'));
  write('sqs', 'v3-json-send-message-queue-does-not-exist', SQS_SRC, x, {
    name: 'SQS.SendMessage', kind: 'producer', decoder: 'aws.sqs', status: 'error',
    attributes: { 'error.type': 'AWS.SimpleQueueService.NonExistentQueue', 'messaging.destination.name': 'nope' }, absent: ['messaging.message.id'],
  });

  // ---------------------------------------------------------------- SQS, JSON protocol (v2)
  const AWS = require('aws-sdk');
  const v2 = new AWS.SQS({ ...base, credentials: new AWS.Credentials(CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey) });
  r = await v2.sendMessage({ QueueUrl, MessageBody: 'from v2' }).promise();
  x = last(fakes, byTarget('AmazonSQS.SendMessage'));
  write('sqs', 'v2-json-send-message', `aws-sdk ${version('aws-sdk')} (v2, AWS JSON 1.0), recorded with scripts/record-messaging-fixtures.js against test/helpers/aws-fakes.ts`, x, {
    name: 'SQS.SendMessage', kind: 'producer', decoder: 'aws.sqs', attributes: { 'messaging.system': 'aws_sqs', 'messaging.destination.name': 'orders', 'messaging.message.id': r.MessageId, 'messaging.message.body.size': 7 },
  });

  // ---------------------------------------------------------------- SQS, awsQuery protocol
  const Q_SRC = 'awsQuery SQS request as sent by SDKs before @aws-sdk/client-sqs 3.446 / aws-sdk 2.1491 (form body, Version=2012-11-05), signed with @smithy/signature-v4 by scripts/record-messaging-fixtures.js; XML reply from test/helpers/aws-fakes.ts';
  const form = (o) => new URLSearchParams(o).toString();
  await sendSigned(QueueUrl, 'sqs', form({ Action: 'SendMessage', MessageBody: 'query hello', QueueUrl, Version: '2012-11-05' }));
  x = last(fakes, byAction('SendMessage'));
  const qid = /<MessageId>([^<]+)</.exec(x.response.body)[1];
  write('sqs', 'query-send-message', Q_SRC, x, {
    name: 'SQS.SendMessage', kind: 'producer', decoder: 'aws.sqs', status: 'unset',
    attributes: common('SQS', 'SendMessage', { 'wiretap.aws.protocol': 'query', 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders', 'aws.sqs.queue.url': QueueUrl, 'messaging.message.id': qid, 'messaging.message.body.size': 11 }),
  });
  await sendSigned(QueueUrl, 'sqs', form({ Action: 'SendMessageBatch', QueueUrl, 'SendMessageBatchRequestEntry.1.Id': 'm1', 'SendMessageBatchRequestEntry.1.MessageBody': 'first', 'SendMessageBatchRequestEntry.2.Id': 'bad2', 'SendMessageBatchRequestEntry.2.MessageBody': 'second', Version: '2012-11-05' }));
  x = last(fakes, byAction('SendMessageBatch'));
  const qbid = /<MessageId>([^<]+)</.exec(x.response.body)[1];
  write('sqs', 'query-send-message-batch-partial-failure', Q_SRC, x, {
    name: 'SQS.SendMessageBatch', kind: 'producer', decoder: 'aws.sqs', status: 'error',
    attributes: { 'wiretap.aws.protocol': 'query', 'messaging.batch.message_count': 2, 'wiretap.messaging.message_ids': [qbid], 'wiretap.messaging.failed_count': 1, 'wiretap.messaging.failed_codes': ['InvalidParameterValue'], 'error.type': 'InvalidParameterValue' },
  });
  await sendSigned(QueueUrl, 'sqs', form({ Action: 'ReceiveMessage', QueueUrl, MaxNumberOfMessages: '10', 'AttributeName.1': 'All', Version: '2012-11-05' }));
  x = last(fakes, byAction('ReceiveMessage'));
  const qids = [...x.response.body.matchAll(/<MessageId>([^<]+)</g)].map((m) => m[1]);
  write('sqs', 'query-receive-message', Q_SRC, x, {
    name: 'SQS.ReceiveMessage', kind: 'client', decoder: 'aws.sqs', attributes: { 'wiretap.aws.protocol': 'query', 'messaging.operation.type': 'receive', 'messaging.batch.message_count': qids.length, 'wiretap.messaging.message_ids': qids },
  });
  await sendSigned(`${fakes.url}/000000000000/nope`, 'sqs', form({ Action: 'SendMessage', MessageBody: 'x', QueueUrl: `${fakes.url}/000000000000/nope`, Version: '2012-11-05' }));
  x = last(fakes, byAction('SendMessage'));
  write('sqs', 'query-send-message-queue-does-not-exist', Q_SRC, x, {
    name: 'SQS.SendMessage', kind: 'producer', decoder: 'aws.sqs', status: 'error', attributes: { 'wiretap.aws.protocol': 'query', 'error.type': 'AWS.SimpleQueueService.NonExistentQueue' },
  });

  // ---------------------------------------------------------------- SNS
  const sns = require('@aws-sdk/client-sns');
  const SNS_SRC = `@aws-sdk/client-sns ${version('@aws-sdk/client-sns')} (awsQuery), recorded with scripts/record-messaging-fixtures.js against the SNS fake of test/helpers/aws-fakes.ts (fake credentials)`;
  const nc = new sns.SNSClient(base);
  const topic = 'arn:aws:sns:us-east-1:000000000000:order-events';
  r = await nc.send(new sns.PublishCommand({ TopicArn: topic, Message: '{"order":1}' }));
  x = last(fakes, byAction('Publish'));
  write('sns', 'v3-publish', SNS_SRC, x, {
    name: 'SNS.Publish', kind: 'producer', decoder: 'aws.sns', status: 'unset',
    attributes: common('SNS', 'Publish', { 'wiretap.aws.protocol': 'query', 'messaging.system': 'aws.sns', 'messaging.operation.name': 'publish', 'messaging.operation.type': 'send', 'aws.sns.topic.arn': topic, 'messaging.destination.name': 'order-events', 'messaging.message.id': r.MessageId, 'messaging.message.body.size': 11 }),
  });
  r = await nc.send(new sns.PublishCommand({ PhoneNumber: '+15555550123', Message: 'your code is 1234' }));
  x = last(fakes, byAction('Publish'));
  write('sns', 'v3-publish-sms-phone-masked', SNS_SRC, x, {
    name: 'SNS.Publish', kind: 'producer', decoder: 'aws.sns',
    attributes: { 'wiretap.aws.sns.phone_number': '**********23', 'messaging.destination.name': '**********23', 'messaging.message.id': r.MessageId },
    absent: ['aws.sns.topic.arn'], notContains: ['5555550123', '15555550123'], contains: ['**********23'],
  });
  r = await nc.send(new sns.PublishBatchCommand({ TopicArn: topic, PublishBatchRequestEntries: [{ Id: 'e1', Message: 'a' }, { Id: 'e2', Message: 'b' }, { Id: 'bad3', Message: 'c' }] }));
  x = last(fakes, byAction('PublishBatch'));
  write('sns', 'v3-publish-batch-partial-failure', SNS_SRC, x, {
    name: 'SNS.PublishBatch', kind: 'producer', decoder: 'aws.sns', status: 'error',
    attributes: { 'messaging.system': 'aws.sns', 'messaging.batch.message_count': 3, 'wiretap.messaging.message_ids': r.Successful.map((s) => s.MessageId), 'wiretap.messaging.failed_count': 1, 'wiretap.messaging.failed_codes': ['InvalidParameter'], 'error.type': 'InvalidParameter' },
  });
  await nc.send(new sns.PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:missing', Message: 'x' })).catch(() => undefined);
  x = last(fakes, byAction('Publish'));
  write('sns', 'v3-publish-topic-not-found', SNS_SRC, x, { name: 'SNS.Publish', kind: 'producer', decoder: 'aws.sns', status: 'error', attributes: { 'error.type': 'NotFound', 'messaging.destination.name': 'missing' }, absent: ['messaging.message.id'] });
  await nc.send(new sns.CreateTopicCommand({ Name: 'order-events' }));
  x = last(fakes, byAction('CreateTopic'));
  write('sns', 'v3-create-topic', SNS_SRC, x, { name: 'SNS.CreateTopic', kind: 'client', decoder: 'aws.sns', attributes: { 'messaging.system': 'aws.sns' }, absent: ['messaging.operation.type'] });
  const v2sns = new AWS.SNS({ ...base, credentials: new AWS.Credentials(CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey) });
  r = await v2sns.publish({ TopicArn: topic, Message: 'from v2' }).promise();
  x = last(fakes, byAction('Publish'));
  write('sns', 'v2-publish', `aws-sdk ${version('aws-sdk')} (v2, awsQuery), recorded with scripts/record-messaging-fixtures.js`, x, { name: 'SNS.Publish', kind: 'producer', decoder: 'aws.sns', attributes: { 'aws.sns.topic.arn': topic, 'messaging.message.id': r.MessageId } });

  // ---------------------------------------------------------------- EventBridge
  const eb = require('@aws-sdk/client-eventbridge');
  const EB_SRC = `@aws-sdk/client-eventbridge ${version('@aws-sdk/client-eventbridge')} (AWS JSON 1.1), recorded with scripts/record-messaging-fixtures.js against test/helpers/aws-fakes.ts`;
  const ec = new eb.EventBridgeClient(base);
  r = await ec.send(new eb.PutEventsCommand({ Entries: [
    { EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderCreated', Detail: '{"id":1}' },
    { EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/orders', Source: 'shop.orders', DetailType: 'OrderPaid', Detail: '{"id":1}' },
  ] }));
  x = last(fakes, byTarget('AWSEvents.PutEvents'));
  write('eventbridge', 'v3-put-events', EB_SRC, x, {
    name: 'EventBridge.PutEvents', kind: 'producer', decoder: 'aws.eventbridge', status: 'unset',
    attributes: common('EventBridge', 'PutEvents', { 'wiretap.aws.protocol': 'json', 'wiretap.aws.eventbridge.event_bus_names': ['orders'], 'messaging.destination.name': 'orders', 'wiretap.aws.eventbridge.sources': ['shop.orders'], 'wiretap.aws.eventbridge.detail_types': ['OrderCreated', 'OrderPaid'], 'wiretap.aws.eventbridge.entry_count': 2, 'messaging.batch.message_count': 2, 'wiretap.aws.eventbridge.failed_entry_count': 0, 'wiretap.aws.eventbridge.event_ids': r.Entries.map((e) => e.EventId) }),
  });
  r = await ec.send(new eb.PutEventsCommand({ Entries: [{ Source: 'shop.orders', DetailType: 'OrderCreated', Detail: '{}' }, { Source: 'bad.source', DetailType: 'Oops', Detail: '{}' }] }));
  x = last(fakes, byTarget('AWSEvents.PutEvents'));
  write('eventbridge', 'v3-put-events-partial-failure', EB_SRC, x, {
    name: 'EventBridge.PutEvents', kind: 'producer', decoder: 'aws.eventbridge', status: 'error',
    attributes: { 'wiretap.aws.eventbridge.event_bus_names': ['default'], 'wiretap.aws.eventbridge.failed_entry_count': 1, 'wiretap.aws.eventbridge.error_codes': ['InvalidArgument'], 'error.type': 'InvalidArgument', 'wiretap.aws.eventbridge.event_ids': [r.Entries[0].EventId] },
  });

  // ---------------------------------------------------------------- Lambda
  const lambda = require('@aws-sdk/client-lambda');
  const L_SRC = `@aws-sdk/client-lambda ${version('@aws-sdk/client-lambda')} (REST JSON), recorded with scripts/record-messaging-fixtures.js against test/helpers/aws-fakes.ts`;
  const lc = new lambda.LambdaClient(base);
  await lc.send(new lambda.InvokeCommand({ FunctionName: 'resize-image', Qualifier: 'prod', Payload: Buffer.from('{"w":100}'), LogType: 'Tail' }));
  x = last(fakes, (e) => e.request.url.includes('/functions/resize-image/'));
  write('lambda', 'v3-invoke-log-tail', L_SRC, x, {
    name: 'Lambda.Invoke', kind: 'client', decoder: 'aws.lambda', status: 'unset',
    attributes: common('Lambda', 'Invoke', { 'faas.invoked_name': 'resize-image', 'faas.invoked_provider': 'aws', 'faas.invoked_region': REGION, 'wiretap.aws.lambda.qualifier': 'prod', 'wiretap.aws.lambda.invocation_type': 'RequestResponse', 'wiretap.aws.lambda.executed_version': '$LATEST' }),
    contains: ['START RequestId: 1', 'Duration: 1.23 ms'], notContains: ['AKIAZZZZEXAMPLE12345'],
  });
  await lc.send(new lambda.InvokeCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:crash-handler', Payload: Buffer.from('{}') }));
  x = last(fakes, (e) => e.request.url.includes('crash-handler'));
  write('lambda', 'v3-invoke-function-error-unhandled', L_SRC, x, {
    name: 'Lambda.Invoke', kind: 'client', decoder: 'aws.lambda', status: 'error',
    attributes: { 'faas.invoked_name': 'crash-handler', 'faas.invoked_region': 'eu-west-1', 'wiretap.aws.lambda.function_error': 'Unhandled', 'error.type': 'TypeError', 'http.response.status_code': 200 },
  });
  await lc.send(new lambda.InvokeCommand({ FunctionName: 'send-email', InvocationType: 'Event', Payload: Buffer.from('{}') }));
  x = last(fakes, (e) => e.request.url.includes('send-email'));
  write('lambda', 'v3-invoke-event', L_SRC, x, { name: 'Lambda.Invoke', kind: 'client', decoder: 'aws.lambda', status: 'unset', attributes: { 'faas.invoked_name': 'send-email', 'wiretap.aws.lambda.invocation_type': 'Event', 'http.response.status_code': 202 } });
  await lc.send(new lambda.InvokeCommand({ FunctionName: 'missing-fn', Payload: Buffer.from('{}') })).catch(() => undefined);
  x = last(fakes, (e) => e.request.url.includes('missing-fn'));
  write('lambda', 'v3-invoke-not-found', L_SRC, x, { name: 'Lambda.Invoke', kind: 'client', decoder: 'aws.lambda', status: 'error', attributes: { 'faas.invoked_name': 'missing-fn', 'error.type': 'ResourceNotFoundException' }, absent: ['wiretap.aws.lambda.function_error'] });
  const v2l = new AWS.Lambda({ ...base, credentials: new AWS.Credentials(CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey) });
  await v2l.invoke({ FunctionName: 'resize-image:beta', Payload: '{}' }).promise();
  x = last(fakes, (e) => e.request.url.includes('resize-image%3Abeta') || e.request.url.includes('resize-image:beta'));
  write('lambda', 'v2-invoke-alias-in-name', `aws-sdk ${version('aws-sdk')} (v2), recorded with scripts/record-messaging-fixtures.js`, x, { name: 'Lambda.Invoke', kind: 'client', decoder: 'aws.lambda', attributes: { 'faas.invoked_name': 'resize-image', 'wiretap.aws.lambda.qualifier': 'beta' } });

  // ---------------------------------------------------------------- Kinesis (HTTP/2 + TLS)
  process.env.NODE_EXTRA_CA_CERTS = fakes.caFile; // read at startup only: the client below gets the CA explicitly
  const kinesis = require('@aws-sdk/client-kinesis');
  const { NodeHttp2Handler } = require('@smithy/node-http-handler');
  const K_SRC = `@aws-sdk/client-kinesis ${version('@aws-sdk/client-kinesis')} (AWS JSON 1.1 over HTTP/2 + TLS), recorded with scripts/record-messaging-fixtures.js against test/helpers/aws-fakes.ts`;
  const tls = require('node:tls');
  const ca = fs.readFileSync(fakes.caFile);
  const origConnect = require('node:http2').connect;
  require('node:http2').connect = (authority, options, listener) => origConnect(authority, { ...options, ca: [...tls.rootCertificates, ca] }, listener);
  const kc = new kinesis.KinesisClient({ ...base, endpoint: fakes.h2url, requestHandler: new NodeHttp2Handler() });
  r = await kc.send(new kinesis.PutRecordCommand({ StreamName: 'clicks', PartitionKey: 'user-1', Data: Buffer.from('{"click":1}') }));
  x = last(fakes, byTarget('Kinesis_20131202.PutRecord'));
  write('kinesis', 'v3-put-record-h2', K_SRC, x, {
    name: 'Kinesis.PutRecord', kind: 'producer', decoder: 'aws.kinesis', status: 'unset',
    attributes: common('Kinesis', 'PutRecord', { 'aws.kinesis.stream_name': 'clicks', 'wiretap.aws.kinesis.shard_ids': [r.ShardId], 'wiretap.aws.kinesis.sequence_numbers': [r.SequenceNumber], 'network.protocol.version': '2' }),
  });
  r = await kc.send(new kinesis.PutRecordsCommand({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks', Records: [{ PartitionKey: 'user-2', Data: Buffer.from('a') }, { PartitionKey: 'throttle', Data: Buffer.from('b') }, { PartitionKey: 'user-3', Data: Buffer.from('c') }] }));
  x = last(fakes, byTarget('Kinesis_20131202.PutRecords'));
  write('kinesis', 'v3-put-records-partial-failure-h2', K_SRC, x, {
    name: 'Kinesis.PutRecords', kind: 'producer', decoder: 'aws.kinesis', status: 'error',
    attributes: { 'aws.kinesis.stream_name': 'clicks', 'wiretap.aws.kinesis.record_count': 3, 'wiretap.aws.kinesis.failed_record_count': 1, 'wiretap.aws.kinesis.error_codes': ['ProvisionedThroughputExceededException'], 'error.type': 'ProvisionedThroughputExceededException', 'wiretap.aws.kinesis.sequence_numbers': r.Records.filter((e) => e.SequenceNumber).map((e) => e.SequenceNumber), 'wiretap.aws.kinesis.shard_ids': ['shardId-000000000000'] },
  });
  const it = await kc.send(new kinesis.GetShardIteratorCommand({ StreamName: 'clicks', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
  r = await kc.send(new kinesis.GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: 100 }));
  x = last(fakes, byTarget('Kinesis_20131202.GetRecords'));
  write('kinesis', 'v3-get-records-h2', K_SRC, x, {
    name: 'Kinesis.GetRecords', kind: 'client', decoder: 'aws.kinesis', status: 'unset',
    attributes: { 'wiretap.aws.kinesis.record_count': r.Records.length, 'wiretap.aws.kinesis.sequence_numbers': r.Records.map((e) => e.SequenceNumber), 'wiretap.aws.kinesis.millis_behind_latest': 0 },
  });
  await kc.send(new kinesis.PutRecordCommand({ StreamName: 'missing-stream', PartitionKey: 'k', Data: Buffer.from('x') })).catch(() => undefined);
  x = last(fakes, byTarget('Kinesis_20131202.PutRecord'));
  write('kinesis', 'v3-put-record-stream-not-found-h2', K_SRC, x, { name: 'Kinesis.PutRecord', kind: 'producer', decoder: 'aws.kinesis', status: 'error', attributes: { 'aws.kinesis.stream_name': 'missing-stream', 'error.type': 'ResourceNotFoundException' } });
  kc.destroy();
  require('node:http2').connect = origConnect;

  await fakes.close();
  await recordS3();
}

// ---------------------------------------------------------------- S3 against s3rver
async function recordS3() {
  const S3rver = require('s3rver');
  const os = require('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  const exchanges = [];
  const backend = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const { port: backendPort } = await backend.run();
  // a recording proxy in front of s3rver: the SDK's bytes in, s3rver's bytes out
  const proxy = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const up = http.request({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers }, (ur) => {
        const out = [];
        ur.on('data', (c) => out.push(c));
        ur.on('end', () => {
          const resBody = Buffer.concat(out);
          const headers = {};
          for (const [k, v] of Object.entries(ur.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
          const reqHeaders = {};
          for (const [k, v] of Object.entries(req.headers)) reqHeaders[k] = Array.isArray(v) ? v.join(', ') : String(v);
          const binary = (headers['content-type'] || '').startsWith('application/octet-stream');
          exchanges.push({
            request: { method: req.method, url: `http://${req.headers.host}${req.url}`, headers: reqHeaders, body: body.toString('utf8'), protocolVersion: '1.1' },
            response: { status: ur.statusCode, headers, body: binary ? { base64: resBody.toString('base64') } : resBody.toString('utf8') },
          });
          res.writeHead(ur.statusCode, ur.headers);
          res.end(resBody);
        });
      });
      up.end(body);
    });
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  const s3 = require('@aws-sdk/client-s3');
  const S_SRC = `@aws-sdk/client-s3 ${version('@aws-sdk/client-s3')} (REST XML, path style), recorded with scripts/record-messaging-fixtures.js against s3rver ${version('s3rver')} on 127.0.0.1 through a recording proxy (fake credentials)`;
  const c = new s3.S3Client({ region: REGION, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } /* s3rver's built-in fake key */, endpoint: `http://127.0.0.1:${proxy.address().port}`, forcePathStyle: true });
  const lastOp = (op) => {
    const found = exchanges.filter((e) => e.request.url.includes(`x-id=${op}`) || op === '*');
    return found[found.length - 1];
  };
  const common = (method, extra) => ({ 'rpc.system': 'aws-api', 'rpc.service': 'S3', 'rpc.method': method, 'cloud.region': REGION, ...extra });
  await c.send(new s3.CreateBucketCommand({ Bucket: 'photos' }));
  let r = await c.send(new s3.PutObjectCommand({ Bucket: 'photos', Key: 'notes/a b.txt', Body: 'hello s3', ContentType: 'text/plain' }));
  let x = lastOp('PutObject');
  write('s3', 'v3-put-object', S_SRC, x, {
    name: 'S3.PutObject', kind: 'client', decoder: 'aws.s3', status: 'unset',
    attributes: common('PutObject', { 'wiretap.aws.protocol': 'rest-xml', 'aws.s3.bucket': 'photos', 'aws.s3.key': 'notes/a b.txt', 'wiretap.aws.s3.object_size': 8, 'wiretap.aws.s3.etag': r.ETag.replace(/"/g, '') }),
  });
  const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x01, 0x02, 0x03, 0xff, 0xfe]);
  await c.send(new s3.PutObjectCommand({ Bucket: 'photos', Key: 'img/logo.png', Body: binary, ContentType: 'application/octet-stream' }));
  r = await c.send(new s3.GetObjectCommand({ Bucket: 'photos', Key: 'img/logo.png' }));
  await r.Body.transformToByteArray();
  x = lastOp('GetObject');
  write('s3', 'v3-get-object-binary', S_SRC, x, {
    name: 'S3.GetObject', kind: 'client', decoder: 'aws.s3', status: 'unset',
    attributes: common('GetObject', { 'aws.s3.bucket': 'photos', 'aws.s3.key': 'img/logo.png', 'wiretap.aws.s3.object_size': binary.length, 'http.response.body.size': binary.length }),
    absent: ['http.response.body.content'],
  });
  await c.send(new s3.HeadObjectCommand({ Bucket: 'photos', Key: 'nope.txt' })).catch(() => undefined);
  x = exchanges.filter((e) => e.request.method === 'HEAD').pop();
  write('s3', 'v3-head-object-not-found', S_SRC, x, { name: 'S3.HeadObject', kind: 'client', decoder: 'aws.s3', status: 'error', attributes: { 'aws.s3.bucket': 'photos', 'aws.s3.key': 'nope.txt', 'error.type': '404' }, absent: ['wiretap.aws.s3.object_size'] });
  await c.send(new s3.GetObjectCommand({ Bucket: 'photos', Key: 'missing.txt' })).catch(() => undefined);
  x = lastOp('GetObject');
  write('s3', 'v3-get-object-no-such-key', S_SRC, x, { name: 'S3.GetObject', kind: 'client', decoder: 'aws.s3', status: 'error', attributes: { 'error.type': 'NoSuchKey', 'aws.s3.key': 'missing.txt' } });
  await c.send(new s3.CopyObjectCommand({ Bucket: 'photos', Key: 'copy.txt', CopySource: 'photos/notes/a%20b.txt' }));
  x = lastOp('CopyObject');
  write('s3', 'v3-copy-object', S_SRC, x, { name: 'S3.CopyObject', kind: 'client', decoder: 'aws.s3', attributes: { 'aws.s3.bucket': 'photos', 'aws.s3.key': 'copy.txt', 'aws.s3.copy_source': 'photos/notes/a b.txt' } });
  const mp = await c.send(new s3.CreateMultipartUploadCommand({ Bucket: 'photos', Key: 'big.bin' }));
  x = exchanges.filter((e) => /[?&]uploads(=|&|$)/.test(e.request.url)).pop();
  write('s3', 'v3-create-multipart-upload', S_SRC, x, { name: 'S3.CreateMultipartUpload', kind: 'client', decoder: 'aws.s3', attributes: { 'aws.s3.bucket': 'photos', 'aws.s3.key': 'big.bin', 'aws.s3.upload_id': mp.UploadId } });
  const part = Buffer.alloc(5 * 1024 * 1024, 7);
  await c.send(new s3.UploadPartCommand({ Bucket: 'photos', Key: 'big.bin', UploadId: mp.UploadId, PartNumber: 1, Body: part }));
  x = lastOp('UploadPart');
  x.request.body = undefined; // 5 MiB of filler: the size is in the headers
  write('s3', 'v3-upload-part', S_SRC, x, { name: 'S3.UploadPart', kind: 'client', decoder: 'aws.s3', attributes: { 'aws.s3.bucket': 'photos', 'aws.s3.key': 'big.bin', 'aws.s3.upload_id': mp.UploadId, 'aws.s3.part_number': 1, 'wiretap.aws.s3.object_size': part.length } }, 'S3.UploadPart: v3-upload-part (request body left out of the file: 5 MiB of filler)');
  await c.send(new s3.ListObjectsV2Command({ Bucket: 'photos', Prefix: 'notes/' }));
  x = exchanges.filter((e) => e.request.url.includes('list-type=2')).pop();
  write('s3', 'v3-list-objects-v2', S_SRC, x, { name: 'S3.ListObjectsV2', kind: 'client', decoder: 'aws.s3', attributes: { 'aws.s3.bucket': 'photos' }, absent: ['aws.s3.key'] });
  // the same PutObject, as a virtual-hosted request to AWS (host rewritten from the recording)
  x = JSON.parse(JSON.stringify(exchanges.find((e) => e.request.url.includes('x-id=PutObject'))));
  x.request.url = 'https://photos.s3.us-east-1.amazonaws.com/notes/a%20b.txt?x-id=PutObject';
  x.request.headers.host = 'photos.s3.us-east-1.amazonaws.com';
  write('s3', 'v3-put-object-virtual-host', S_SRC + '; URL rewritten to the virtual-hosted form', x, { name: 'S3.PutObject', kind: 'client', decoder: 'aws.s3', attributes: { 'aws.s3.bucket': 'photos', 'aws.s3.key': 'notes/a b.txt', 'wiretap.aws.s3.object_size': 8 } });
  c.destroy();
  proxy.close();
  await backend.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
