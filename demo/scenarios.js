// The service part of the demo checkout: DynamoDB (one call throttled and retried by the SDK), an SQS
// producer → queue hop, a Stripe payment (and a declined one), an Algolia search. Real SDK clients,
// pointed at the fakes in fakes.js.
'use strict';
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const region = 'us-east-1';

async function dynamodb() {
  const { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, QueryCommand } = require('@aws-sdk/client-dynamodb');
  const db = new DynamoDBClient({ endpoint: process.env.DEMO_DYNAMODB_URL, region, credentials });
  await db.send(new CreateTableCommand({
    TableName: 'orders',
    KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'orderId', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'customer', AttributeType: 'S' }, { AttributeName: 'orderId', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  await db.send(new PutItemCommand({ TableName: 'orders', Item: { customer: { S: 'c-42' }, orderId: { S: 'ord-7' }, total: { N: '1450' } } }));
  const got = await db.send(new GetItemCommand({ TableName: 'orders', Key: { customer: { S: 'c-42' }, orderId: { S: 'ord-7' } }, ConsistentRead: true }));
  const history = await db.send(new QueryCommand({ TableName: 'orders', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': { S: 'c-42' } } }));
  console.log(`dynamodb: order total ${got.Item.total.N} (GetItem was throttled once and retried), ${history.Count} orders`);
}

async function sqs() {
  const { SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand } = require('@aws-sdk/client-sqs');
  const client = new SQSClient({ endpoint: process.env.DEMO_SQS_URL, region, credentials });
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'order-events' }));
  const sent = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ type: 'order.placed', orderId: 'ord-7' }) }));
  const received = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, MessageSystemAttributeNames: ['AWSTraceHeader'] }));
  console.log(`sqs: sent ${sent.MessageId}, received ${received.Messages?.length ?? 0} message(s)`);
}

async function stripe() {
  const Stripe = require('stripe');
  const url = new URL(process.env.DEMO_STRIPE_URL);
  const client = new Stripe('sk_test_FAKEdemoKey000000000000', { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries: 0 });
  const intent = await client.paymentIntents.create({ amount: 1450, currency: 'eur', payment_method_types: ['card'] });
  const paid = await client.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
  console.log(`stripe: ${intent.id} ${paid.status}`);
  try {
    await client.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' });
  } catch (err) {
    console.log(`stripe: second card ${err.code} (the demo's declined payment)`);
  }
}

async function algolia() {
  const { algoliasearch } = require('algoliasearch');
  const url = new URL(process.env.DEMO_ALGOLIA_URL);
  const client = algoliasearch('DEMOAPPID', 'fake-demo-search-key', { hosts: [{ url: url.host, protocol: 'http', accept: 'readWrite' }] });
  const result = await client.searchSingleIndex({ indexName: 'products', searchParams: { query: 'espresso' } });
  console.log(`algolia: ${result.nbHits} hit(s) for "espresso"`);
}

module.exports = [dynamodb, sqs, stripe, algolia].map((run) => ({ name: run.name, run }));
