'use strict';
// What the bundled preload loads, for test/e2e/bundle.test.ts. APP_MODE:
// - 'preload': nothing else; prints the files in require.cache.
// - 'dynamodb': one DynamoDB-shaped GetItem to a local server; once its span ended, prints the files and
//   which built-in decoders were loaded and whether node:zlib was.
// - 'app-api': the app requires @opentelemetry/api itself first, then makes the same call; prints whether
//   wiretap's API (dist/otel-api.js) is the app's copy.
// - 'lambda-wrap': under Lambda mode, calls a handler wrapped by the public wrapHandler() of dist/index.js
//   (WIRETAP_INDEX) that makes the same call, and prints what it returned.
// - 'lambda-init': under Lambda mode, loads the handler file as aws-lambda-ric 3.x does (require), prints
//   the files loaded and whether wiretap's span provider was built by then (the end of init), then
//   invokes the handler once (it calls a local server) and prints what it returned.
const http = require('node:http');
const mode = process.env.APP_MODE;

const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000';

function loaded() {
  const files = Object.keys(require.cache).filter((f) => f !== __filename);
  const agent = globalThis[Symbol.for('wiretap.agent.v1')]?.agent;
  const runtime = files.find((f) => f.endsWith(`${require('node:path').sep}runtime.js`));
  let decoders;
  if (agent && runtime) {
    const { loadedDecoder } = require(runtime).shared['decoders/index'];
    decoders = agent.registry.decoders.filter((d) => loadedDecoder(d) !== d).map((d) => d.name);
  }
  const zlib = process.moduleLoadList.includes('NativeModule zlib');
  return { files, decoders, zlib };
}

function getItem(port) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ TableName: 'bundle-test', Key: { id: { S: '1' } } });
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem', authorization: AUTH, 'x-amz-date': '20260101T000000Z' } },
      (res) => {
        res.resume();
        res.on('end', () => setImmediate(() => resolve(res.statusCode)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function lambdaInit() {
  const path = require('node:path');
  const exported = require(path.join(process.env.LAMBDA_TASK_ROOT, 'index.js'));
  const files = loaded().files;
  const built = globalThis[Symbol.for('wiretap.agent.v1')].agent.tracing.processors.length > 0;
  console.log(JSON.stringify({ files, built }));
  const server = http.createServer((req, res) => req.resume().on('end', () => res.end('ok')));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  process.env.DOWNSTREAM = `http://127.0.0.1:${server.address().port}`;
  const context = { awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 30000 };
  const result = await exported.handler({ n: 1 }, context);
  console.log(JSON.stringify({ result }));
  server.close();
}

async function main() {
  if (mode === 'lambda-init') return lambdaInit();
  // 'app-api': the app loads the OpenTelemetry API before wiretap needs it (its first server listens below).
  const api = mode === 'app-api' ? require('@opentelemetry/api') : undefined;
  if (mode === 'preload') return console.log(JSON.stringify(loaded()));
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(JSON.stringify({ Item: { id: { S: '1' } } }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  if (mode === 'dynamodb') {
    const status = await getItem(port);
    console.log(JSON.stringify({ status, ...loaded() }));
  } else if (mode === 'app-api') {
    const status = await getItem(port);
    const out = loaded();
    const selector = out.files.find((f) => f.endsWith(`${require('node:path').sep}otel-api.js`));
    console.log(JSON.stringify({ status, ...out, shared: !!selector && require(selector) === api }));
  } else if (mode === 'lambda-wrap') {
    const { wrapHandler } = require(process.env.WIRETAP_INDEX);
    const handler = wrapHandler(async () => ({ status: await getItem(port) }));
    const context = { awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 30000 };
    const result = await handler({ ping: 1 }, context);
    console.log(JSON.stringify({ result }));
  }
  server.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
