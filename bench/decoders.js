'use strict';
// Workload (e): decoded exchanges per second, in-process, through describeExchange with the decoder the
// registry matches — the work wiretap does at span end. Uses the project's fixtures where they exist and
// a built-in stand-in exchange otherwise (noted in the output).
const fs = require('node:fs');
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist');
const { DecoderRegistry } = require(path.join(dist, 'decoders/registry'));
const { builtInDecoders } = require(path.join(dist, 'decoders'));
const { loadConfig } = require(path.join(dist, 'config/load'));
const { createRedactor } = require(path.join(dist, 'redaction/redact'));
const { describeExchange } = require(path.join(dist, 'spans/describe'));
const { toExchange, loadFixture } = require(path.join(dist, 'fixture/format'));
const { bodyText } = require(path.join(dist, 'exchange/body-text'));

const AUTH = (service) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/${service}/aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-target, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7`;
const SDK_HEADERS = {
  'amz-sdk-invocation-id': '3b1f0d8e-3f2a-4a53-9c3a-2f6e1b9d7a10',
  'amz-sdk-request': 'attempt=1; max=3',
  'user-agent': 'aws-sdk-js/3.1169.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.2 api/dynamodb#3.1169.0 m/E',
  'x-amz-date': '20250101T120000Z',
  'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
};

// Stand-ins, in the fixture format, for when fixtures/<service>/ has no file yet.
const STAND_INS = {
  'DynamoDB GetItem': {
    request: {
      method: 'POST',
      url: 'https://dynamodb.us-east-1.amazonaws.com/',
      headers: { ...SDK_HEADERS, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem', authorization: AUTH('dynamodb') },
      body: '{"TableName":"users","Key":{"id":{"S":"user-42"}},"ConsistentRead":true}',
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'Q0V4LKGHJ0M8A1A0QJ0F6B8UVNVV4KQNSO5AEMVJF66Q9ASUAAJG', 'x-amz-crc32': '2745614147' },
      body: '{"Item":{"id":{"S":"user-42"},"name":{"S":"Ada Lovelace"},"email":{"S":"ada@example.com"},"age":{"N":"36"}}}',
    },
  },
  'SQS SendMessage': {
    request: {
      method: 'POST',
      url: 'https://sqs.us-east-1.amazonaws.com/',
      headers: { ...SDK_HEADERS, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage', authorization: AUTH('sqs') },
      body: '{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/orders","MessageBody":"{\\"orderId\\":\\"o-1\\",\\"total\\":42}","MessageAttributes":{"kind":{"DataType":"String","StringValue":"order"}}}',
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': '7b0a1c9e-5d1b-5a8e-9d4c-1e2f3a4b5c6d' },
      body: '{"MD5OfMessageAttributes":"d25a6aea97eb8f585bfa92d314504a92","MD5OfMessageBody":"7b0b8e2a1b9e2f5c4d3a2b1c0d9e8f7a","MessageId":"5fea7756-0ea4-451a-a703-a558b933e274"}',
    },
  },
  'Stripe PaymentIntents.create': {
    request: {
      method: 'POST',
      url: 'https://api.stripe.com/v1/payment_intents',
      headers: { authorization: 'Bearer sk_test_51BenchmarkSecretKey00000000000000', 'content-type': 'application/x-www-form-urlencoded', 'stripe-version': '2025-01-27.acacia', 'idempotency-key': 'stripe-node-retry-1' },
      body: 'amount=2000&currency=usd&payment_method_types[0]=card&metadata[order_id]=o-1&description=Bench%20order',
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json', 'request-id': 'req_bench123', 'stripe-version': '2025-01-27.acacia' },
      body: JSON.stringify({
        id: 'pi_3BenchABC',
        object: 'payment_intent',
        amount: 2000,
        amount_received: 0,
        client_secret: 'pi_3BenchABC_secret_XYZ',
        currency: 'usd',
        customer: null,
        description: 'Bench order',
        livemode: false,
        metadata: { order_id: 'o-1' },
        payment_method_types: ['card'],
        status: 'requires_payment_method',
        created: 1735732800,
      }),
    },
  },
};

const WANTED = {
  'DynamoDB GetItem': { dir: 'aws/dynamodb', prefer: ['v3-get-item.json', 'get-item.json', 'v2-get-item.json'], pattern: /(^|-)get-?item\.json$/i },
  'SQS SendMessage': { dir: 'aws/sqs', prefer: ['v3-json-send-message.json', 'send-message.json'], pattern: /send-?message\.json$/i },
  'Stripe PaymentIntents.create': { dir: 'stripe', prefer: ['payment-intents-create.json'], pattern: /payment-?intents?-create\.json$/i },
};

function findFixture(dir, prefer, pattern) {
  const root = path.join(__dirname, '..', 'fixtures', dir);
  let files;
  try {
    files = fs.readdirSync(root).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return undefined;
  }
  const ok = [...prefer.filter((f) => files.includes(f)), ...files.filter((f) => pattern.test(f))];
  // Prefer a successful call over an error case.
  for (const f of ok) {
    try {
      const fx = loadFixture(path.join(root, f));
      if (fx.exchange.response && fx.exchange.response.status < 400 && !fx.before) return { fx, file: path.join('fixtures', dir, f) };
    } catch {
      /* unreadable fixture: skip */
    }
  }
  return undefined;
}

function runCase(label, registry, options, exchangeSpec, ms) {
  const x = toExchange(exchangeSpec);
  const decoder = registry.match(x.request);
  const opts = { ...options, state: registry.stateOf(decoder) };
  let sample;
  // Warm-up, then timed batches until `ms` elapsed; each iteration matches and describes afresh.
  for (let i = 0; i < 2000; i++) sample = describeExchange(x, registry.match(x.request), opts);
  let n = 0;
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(ms) * 1000000n;
  let now = t0;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) describeExchange(x, registry.match(x.request), opts);
    n += 1000;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - t0) / 1e9;

  // The decoder alone: the service decoding (`decoder.decode`) without the generic HTTP attributes and the
  // body redaction that describeExchange adds around it. A fresh context per call, as at span end.
  const ctxFor = () => {
    let req;
    let res;
    return { redactor: options.redactor, state: opts.state, requestText: () => (req ??= bodyText(x.requestBody, x.request.headers)), responseText: () => (res ??= bodyText(x.responseBody, x.response && x.response.headers)) };
  };
  for (let i = 0; i < 2000; i++) decoder.decode(x, ctxFor());
  let m = 0;
  const t1 = process.hrtime.bigint();
  const deadline1 = t1 + BigInt(ms) * 1000000n;
  let now1 = t1;
  while (now1 < deadline1) {
    for (let i = 0; i < 1000; i++) decoder.decode(x, ctxFor());
    m += 1000;
    now1 = process.hrtime.bigint();
  }
  const decodeSeconds = Number(now1 - t1) / 1e9;
  return { label, decoder: decoder.name, spanName: sample.name, perSec: n / seconds, usPer: (seconds * 1e6) / n, decodeOnlyPerSec: m / decodeSeconds, attributes: Object.keys(sample.attributes).length };
}

function main() {
  const ms = Number(process.env.BENCH_DECODER_MS || 1500);
  const config = loadConfig({});
  const registry = new DecoderRegistry(builtInDecoders);
  const options = { redactor: createRedactor(config.redaction), captureBodies: config.captureBodies, maxBodyBytes: config.maxBodyBytes, maxErrorBodyBytes: config.maxErrorBodyBytes };
  const results = [];
  for (const [label, want] of Object.entries(WANTED)) {
    const found = findFixture(want.dir, want.prefer, want.pattern);
    const spec = found ? found.fx.exchange : STAND_INS[label];
    const r = runCase(label, registry, options, spec, ms);
    r.source = found ? found.file : 'built-in stand-in (no fixture yet)';
    if (r.decoder === 'http') r.note = 'no service decoder matched yet: generic HTTP only';
    results.push(r);
  }
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ results, decoders: registry.decoders.map((d) => d.name) })}\n`);
}

main();
