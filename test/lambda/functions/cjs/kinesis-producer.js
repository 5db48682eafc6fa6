'use strict';
// A producer function: puts records on a Kinesis stream with the real AWS SDK (over HTTP/2 + TLS, as the
// SDK's Kinesis client does) to the wire-format fake at FAKES_H2_URL. No trace header travels with a
// Kinesis record: the consumer is joined to this producer by the sequence numbers both sides record.
const { KinesisClient, PutRecordsCommand } = require('@aws-sdk/client-kinesis');
const { NodeHttp2Handler } = require('@smithy/node-http-handler');

const client = new KinesisClient({
  region: 'us-east-1',
  endpoint: process.env.FAKES_H2_URL,
  requestHandler: new NodeHttp2Handler(),
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' },
});

exports.handler = async (event) => {
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: event.stream,
      Records: event.clicks.map((c) => ({ PartitionKey: c.user, Data: Buffer.from(JSON.stringify(c)) })),
    }),
  );
  return { sequenceNumbers: out.Records.map((r) => r.SequenceNumber) };
};
