'use strict';
// A producer function: sends one SQS message with the real AWS SDK (to fauxqs at FAUXQS_URL). Inside
// Lambda the SDK's recursion-detection middleware adds X-Amzn-Trace-Id from _X_AMZN_TRACE_ID itself.
const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');

const client = new SQSClient({
  region: 'us-east-1',
  endpoint: process.env.FAUXQS_URL,
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' },
});

exports.handler = async (event) => {
  const sent = await client.send(new SendMessageCommand({ QueueUrl: event.queueUrl, MessageBody: JSON.stringify({ order: event.order }) }));
  return { messageId: sent.MessageId };
};
