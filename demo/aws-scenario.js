// A producer → queue hop for the demo (not wired into demo/scenarios.js yet): sends one message to an SQS
// queue with @aws-sdk/client-sqs and receives it back. Under wiretap this gives an SQS.SendMessage producer
// span (the X-Amzn-Trace-Id header it adds becomes the message's AWSTraceHeader on AWS) and an
// SQS.ReceiveMessage client span linked to it. Plain JS, no test dependencies; fake credentials by default.
'use strict';

/**
 * @param {string} endpoint SQS endpoint URL, e.g. `http://127.0.0.1:4566` (fauxqs) or a real regional endpoint
 * @param {{ queueName?: string, body?: string, region?: string, credentials?: {accessKeyId: string, secretAccessKey: string} }} [options]
 * @returns {Promise<{ queueUrl: string, sentId: string, received: { id: string, body: string, traceHeader?: string }[] }>}
 */
async function sqsRoundTrip(endpoint, options = {}) {
  const { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand } = require('@aws-sdk/client-sqs');
  const client = new SQSClient({
    endpoint,
    region: options.region || 'us-east-1',
    credentials: options.credentials || { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' },
  });
  try {
    const created = await client.send(new CreateQueueCommand({ QueueName: options.queueName || 'wiretap-demo' }));
    // Emulators name queues by a host of their own (sqs.<region>.localhost…): keep talking to the endpoint.
    const queueUrl = endpoint.replace(/\/+$/, '') + created.QueueUrl.replace(/^https?:\/\/[^/]+/, '');
    const sent = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: options.body || 'order #1 created' }));
    const got = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['AWSTraceHeader'] }),
    );
    const received = (got.Messages || []).map((m) => ({ id: m.MessageId, body: m.Body, traceHeader: m.Attributes && m.Attributes.AWSTraceHeader }));
    for (const m of got.Messages || []) await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    return { queueUrl, sentId: sent.MessageId, received };
  } finally {
    client.destroy();
  }
}

module.exports = { sqsRoundTrip };
