// Runs under the wiretap preload: SQS send → receive, EventBridge, Lambda (function error), Kinesis over
// HTTP/2 + TLS, all against test/helpers/aws-fakes.ts. Prints what the SDKs returned, one JSON line each.
'use strict';
const sqs = require('@aws-sdk/client-sqs');
const eb = require('@aws-sdk/client-eventbridge');
const lambda = require('@aws-sdk/client-lambda');
const kinesis = require('@aws-sdk/client-kinesis');
const { NodeHttp2Handler } = require('@smithy/node-http-handler');

const base = { region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' }, endpoint: process.env.FAKES_URL };
const out = (o) => console.log(JSON.stringify(o));

(async () => {
  const sc = new sqs.SQSClient(base);
  const { QueueUrl } = await sc.send(new sqs.CreateQueueCommand({ QueueName: 'jobs' }));
  const sent = await sc.send(new sqs.SendMessageCommand({ QueueUrl, MessageBody: 'resize photo 42' }));
  const got = await sc.send(new sqs.ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['AWSTraceHeader'] }));
  out({ step: 'sqs', messageId: sent.MessageId, received: got.Messages.map((m) => ({ id: m.MessageId, body: m.Body, trace: m.Attributes && m.Attributes.AWSTraceHeader })) });

  const ec = new eb.EventBridgeClient(base);
  const put = await ec.send(new eb.PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop', DetailType: 'Created', Detail: '{"id":7}' }] }));
  out({ step: 'eventbridge', eventIds: put.Entries.map((e) => e.EventId), failed: put.FailedEntryCount });

  const lc = new lambda.LambdaClient(base);
  const inv = await lc.send(new lambda.InvokeCommand({ FunctionName: 'crash-handler', Payload: Buffer.from('{}'), LogType: 'Tail' }));
  out({ step: 'lambda', functionError: inv.FunctionError, status: inv.StatusCode });

  const kc = new kinesis.KinesisClient({ ...base, endpoint: process.env.FAKES_H2_URL, requestHandler: new NodeHttp2Handler() });
  const rec = await kc.send(new kinesis.PutRecordCommand({ StreamName: 'clicks', PartitionKey: 'u1', Data: Buffer.from('click') }));
  out({ step: 'kinesis', sequenceNumber: rec.SequenceNumber, shardId: rec.ShardId });
  kc.destroy();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
