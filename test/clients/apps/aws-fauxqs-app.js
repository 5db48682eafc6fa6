// Runs under the wiretap preload against fauxqs (SQS/SNS/S3 emulator): SQS with SDK v3 and v2, SNS
// publish (topic subscribed to the queue), S3 put/get of a binary object. One JSON line per step.
'use strict';
const sqs = require('@aws-sdk/client-sqs');
const sns = require('@aws-sdk/client-sns');
const s3 = require('@aws-sdk/client-s3');
const AWS = require('aws-sdk');

const endpoint = process.env.FAUXQS_URL;
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' };
const base = { region: 'us-east-1', credentials, endpoint };
const out = (o) => console.log(JSON.stringify(o));
// fauxqs names queues `http://sqs.<region>.<host>:<port>/…`; v2 sends to the QueueUrl's host, so keep 127.0.0.1
const local = (url) => endpoint + url.replace(/^https?:\/\/[^/]+/, '');

(async () => {
  const sc = new sqs.SQSClient(base);
  const { QueueUrl } = await sc.send(new sqs.CreateQueueCommand({ QueueName: 'e2e-orders' }));
  const queueUrl = local(QueueUrl);
  const sent = await sc.send(new sqs.SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'hello from v3' }));
  const batch = await sc.send(new sqs.SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'a', MessageBody: 'b1' }, { Id: 'b', MessageBody: 'b2' }] }));
  const v2 = new AWS.SQS({ region: 'us-east-1', endpoint, credentials: new AWS.Credentials(credentials.accessKeyId, credentials.secretAccessKey) });
  const sent2 = await v2.sendMessage({ QueueUrl: queueUrl, MessageBody: 'hello from v2' }).promise();
  const got = await sc.send(new sqs.ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  out({ step: 'sqs', queueUrl, v3: sent.MessageId, batch: batch.Successful.map((s) => s.MessageId), v2: sent2.MessageId, received: (got.Messages || []).map((m) => m.MessageId) });

  const nc = new sns.SNSClient(base);
  const { TopicArn } = await nc.send(new sns.CreateTopicCommand({ Name: 'e2e-events' }));
  const pub = await nc.send(new sns.PublishCommand({ TopicArn, Message: 'event!' }));
  out({ step: 'sns', topicArn: TopicArn, messageId: pub.MessageId });

  const c = new s3.S3Client({ ...base, forcePathStyle: true });
  await c.send(new s3.CreateBucketCommand({ Bucket: 'e2e-bucket' }));
  const bytes = Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47, 7, 7, 7, 7, 7, 7]);
  const put = await c.send(new s3.PutObjectCommand({ Bucket: 'e2e-bucket', Key: 'bin/blob.dat', Body: bytes, ContentType: 'application/octet-stream' }));
  const obj = await c.send(new s3.GetObjectCommand({ Bucket: 'e2e-bucket', Key: 'bin/blob.dat' }));
  const back = Buffer.from(await obj.Body.transformToByteArray());
  out({ step: 's3', etag: put.ETag, same: back.equals(bytes), size: back.length });
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
