// Service fakes for the demo, on 127.0.0.1, answering in each service's real wire format: DynamoDB
// (dynalite behind a proxy that throttles the first GetItem, so the SDK really retries), SQS (JSON
// protocol, in memory, carrying X-Amzn-Trace-Id on as the AWSTraceHeader attribute as AWS does), Stripe
// and Algolia.
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');
const { json, readBody, listen } = require('./servers');

function awsJson(res, status, body, extra = {}) {
  json(res, status, body, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': crypto.randomUUID(), ...extra });
}

/** dynalite plus a proxy that answers the first GetItem with a throttling error. */
async function startDynamo() {
  const dynalite = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const backendPort = await listen(dynalite);
  let throttled = false;
  const proxy = http.createServer(async (req, res) => {
    const body = await readBody(req);
    if (!throttled && String(req.headers['x-amz-target']).endsWith('.GetItem')) {
      throttled = true;
      return awsJson(res, 400, { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' });
    }
    const upstream = http.request({ host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.end(body);
  });
  const port = await listen(proxy);
  return { url: `http://127.0.0.1:${port}`, servers: [proxy, dynalite] };
}

/** An in-memory SQS speaking the JSON protocol (what SDK v3 sends). */
async function startSqs() {
  const queues = new Map();
  const server = http.createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] || '').replace('AmazonSQS.', '');
    const input = JSON.parse((await readBody(req)) || '{}');
    const base = `http://127.0.0.1:${server.address().port}/000000000000/`;
    const queueOf = (url) => queues.get(String(url).split('/').pop());
    switch (target) {
      case 'CreateQueue':
        if (!queues.has(input.QueueName)) queues.set(input.QueueName, []);
        return awsJson(res, 200, { QueueUrl: base + input.QueueName });
      case 'SendMessage': {
        const q = queueOf(input.QueueUrl);
        if (!q) return awsJson(res, 400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }, { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' });
        const id = crypto.randomUUID();
        const md5 = crypto.createHash('md5').update(input.MessageBody).digest('hex');
        const system = req.headers['x-amzn-trace-id'] ? { AWSTraceHeader: req.headers['x-amzn-trace-id'] } : {};
        q.push({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: input.MessageBody, MD5OfBody: md5, Attributes: system });
        return awsJson(res, 200, { MessageId: id, MD5OfMessageBody: md5 });
      }
      case 'ReceiveMessage': {
        const q = queueOf(input.QueueUrl) || [];
        return awsJson(res, 200, { Messages: q.splice(0, input.MaxNumberOfMessages || 1) });
      }
      case 'DeleteMessage':
        return awsJson(res, 200, {});
      default:
        return awsJson(res, 400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `not in the demo: ${target}` });
    }
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, servers: [server] };
}

/** Stripe: PaymentIntents create/confirm; a declined card when the payment method says so. */
async function startStripe() {
  const server = http.createServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    const headers = { 'request-id': `req_${crypto.randomBytes(7).toString('hex')}`, 'stripe-version': '2024-06-20' };
    if (req.method === 'POST' && req.url === '/v1/payment_intents') {
      const id = `pi_${crypto.randomBytes(8).toString('hex')}`;
      return json(res, 200, { id, object: 'payment_intent', amount: Number(form.get('amount')), currency: form.get('currency'), status: 'requires_confirmation', client_secret: `${id}_secret_FAKEdemo`, livemode: false }, headers);
    }
    const confirm = /^\/v1\/payment_intents\/(pi_\w+)\/confirm$/.exec(req.url);
    if (req.method === 'POST' && confirm) {
      if (form.get('payment_method') === 'pm_card_chargeDeclined') {
        return json(res, 402, { error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } }, headers);
      }
      return json(res, 200, { id: confirm[1], object: 'payment_intent', status: 'succeeded', livemode: false }, headers);
    }
    return json(res, 404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } }, headers);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, servers: [server] };
}

/** Algolia: a search on one index. */
async function startAlgolia() {
  const server = http.createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)) || '{}');
    const search = /^\/1\/indexes\/([^/]+)\/query$/.exec(req.url.split('?')[0]);
    if (req.method === 'POST' && search) {
      const query = new URLSearchParams(body.params || '').get('query') ?? body.query ?? '';
      return json(res, 200, { hits: [{ objectID: 'sku-1001', name: 'Espresso beans' }], nbHits: 1, page: 0, hitsPerPage: 20, processingTimeMS: 2, query, params: body.params || '' });
    }
    return json(res, 404, { message: 'Index does not exist', status: 404 });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, servers: [server] };
}

async function startFakes() {
  const [dynamo, sqs, stripe, algolia] = await Promise.all([startDynamo(), startSqs(), startStripe(), startAlgolia()]);
  return {
    env: { DEMO_DYNAMODB_URL: dynamo.url, DEMO_SQS_URL: sqs.url, DEMO_STRIPE_URL: stripe.url, DEMO_ALGOLIA_URL: algolia.url },
    servers: [...dynamo.servers, ...sqs.servers, ...stripe.servers, ...algolia.servers],
  };
}

module.exports = { startFakes };
