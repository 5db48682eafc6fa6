// Makes a known set of calls to a local fake (DynamoDB, SQS and SNS shaped, Stripe shaped, plain HTTP) with
// latencies spread from ~0 to ~60 ms, then prints what it did. APP_MODE: '' (natural end), 'process-exit',
// 'own-meter-provider' (the app registers its own global MeterProvider and prints what it collected).
'use strict';
const http = require('node:http');
const mode = process.env.APP_MODE || '';

const AUTH = (service) => `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000`;
const DELAYS = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55];

// The metrics SDK is in dist/metrics.js (the bundle of wiretap's metrics code) or, unbundled, its own package.
const { sep } = require('node:path');
const sdkMetricsLoaded = () => Object.keys(require.cache).some((k) => k.includes(`${sep}sdk-metrics${sep}`) || k.endsWith(`${sep}dist${sep}metrics.js`));
// Registered after wiretap's own exit hook, so it runs after wiretap flushed.
process.on('exit', () => require('node:fs').writeSync(1, JSON.stringify({ atExit: { sdkMetricsLoaded: sdkMetricsLoaded() } }) + '\n'));

let appReader;
if (mode === 'own-meter-provider') {
  const { metrics } = require('@opentelemetry/api');
  const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
  class PullReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  appReader = new PullReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [appReader] }));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const delay = Number(req.headers['x-test-delay'] || 0);
    setTimeout(() => {
      const target = req.headers['x-amz-target'] || '';
      if (req.headers['x-test-fail']) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/' });
        return res.end('{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}');
      }
      if (target.endsWith('.GetItem')) return res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"Item":{"id":{"S":"u1"}}}');
      if (target === 'AmazonSQS.SendMessage') return res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"MessageId":"5fea7756-0ea4-451a-a703-a558b933e274","MD5OfMessageBody":"x"}');
      if (req.url.startsWith('/v1/customers/')) return res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"cus_FAKE123456","object":"customer"}');
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }, delay);
  });
});

function call(port, { method = 'POST', path = '/', headers = {}, body = '' }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const counts = { getItem: 0, getItemErrors: 0, sendMessage: 0, stripe: 0, plain: 0 };
  const n = Number(process.env.CALLS || 40);
  for (let i = 0; i < n; i++) {
    const delay = String(DELAYS[i % DELAYS.length]);
    await call(port, {
      headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0', authorization: AUTH('dynamodb'), 'x-test-delay': delay },
      body: JSON.stringify({ TableName: 'orders', Key: { id: { S: `u${i}` } } }),
    });
    counts.getItem++;
    if (i % 10 === 0) {
      await call(port, {
        headers: { 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-type': 'application/x-amz-json-1.0', authorization: AUTH('dynamodb'), 'x-test-fail': '1', 'amz-sdk-request': 'attempt=2; max=3' },
        body: JSON.stringify({ TableName: 'orders', Key: { id: { S: 'missing' } } }),
      });
      counts.getItemErrors++;
    }
    if (i % 4 === 0) {
      await call(port, {
        headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0', authorization: AUTH('sqs'), 'x-test-delay': delay },
        body: JSON.stringify({ QueueUrl: `http://127.0.0.1:${port}/000000000000/jobs`, MessageBody: 'hello' }),
      });
      counts.sendMessage++;
    }
    if (i % 5 === 0) {
      await call(port, { method: 'GET', path: `/v1/customers/cus_FAKE${100000 + i}`, headers: { 'stripe-version': '2024-06-20', authorization: 'Bearer sk_test_FAKEFAKEFAKE' } });
      counts.stripe++;
    }
    await call(port, { method: 'GET', path: `/plain/item-${i}?id=${i}`, headers: { 'x-test-delay': delay } });
    counts.plain++;
  }
  // One call still in flight at exit (process-exit mode): the server answers after the app is gone.
  if (mode === 'process-exit') {
    call(port, { method: 'GET', path: '/plain/slow', headers: { 'x-test-delay': '5000' } }).catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write(JSON.stringify({ counts, port }) + '\n');
  if (appReader) {
    const { resourceMetrics } = await appReader.collect();
    const names = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.map((m) => ({ scope: s.scope.name, name: m.descriptor.name, points: m.dataPoints.length })));
    process.stdout.write(JSON.stringify({ appMetrics: names }) + '\n');
  }
  server.close();
  if (mode === 'process-exit') process.exit(0);
});
