// `npm run demo:lambda`: two Lambda stories on the real runtime interface client (aws-lambda-ric 4.x on
// Node 24, as nodejs24.x runs it), locally, against the test suite's fake Runtime API on 127.0.0.1:
//   1. a producer function sends an SQS message (real @aws-sdk/client-sqs, fauxqs emulator) and a consumer
//      function processes it: one transaction, stitched through the message's AWSTraceHeader;
//   2. a function that hangs on a call and times out: the partial trace the watchdog left before the kill.
// Spans go where they go in Lambda by default: stdout, as OTLP-JSON lines. Needs `bash scripts/ci/lambda.sh`
// (the runtime) and `bash scripts/install-runtimes.sh` (Node 22/24).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const FUNCTIONS = path.join(ROOT, 'test', 'lambda', 'functions', 'cjs');
const { startFunction, nodeBinary, ricMissing, spansFromLines } = require(path.join(ROOT, 'build', 'test', 'helpers', 'lambda', 'runtime-api.js'));
const { renderTree } = require(path.join(ROOT, 'dist', 'cli', 'tree.js'));

const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`)));

async function main() {
  const node24 = nodeBinary(24);
  const node22 = nodeBinary(22);
  const missing = ricMissing(4) ?? (node24 && node22 ? undefined : 'Node 22/24 are not installed: bash scripts/install-runtimes.sh');
  if (missing) {
    console.error(`demo:lambda: ${missing}`);
    process.exit(1);
  }
  const outDir = path.join(ROOT, 'demo', 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const cleanup = [];
  try {
    // fauxqs, and a proxy in front of it that keeps the X-Amzn-Trace-Id each send carried: real SQS stores
    // that header as the message's AWSTraceHeader, fauxqs does not, so the demo plays that part.
    const port = await new Promise((r) => {
      const s = http.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => r(p));
      });
    });
    const fauxqs = spawn(node22, [path.join(ROOT, 'test', 'clients', 'apps', 'fauxqs-server.mjs')], { env: { ...process.env, FAUXQS_PORT: String(port), NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
    cleanup.push(() => fauxqs.kill('SIGTERM'));
    await new Promise((resolve) => fauxqs.stdout.on('data', (d) => String(d).includes('"ready"') && resolve()));
    const sqsUrl = `http://127.0.0.1:${port}`;
    const traceHeaders = [];
    const proxy = http.createServer((req, res) => {
      if (req.headers['x-amzn-trace-id']) traceHeaders.push(req.headers['x-amzn-trace-id']);
      const up = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    const proxyUrl = await listen(proxy);
    cleanup.push(() => proxy.close());
    const downstream = http.createServer((req, res) => (req.url === '/hang' ? undefined : res.end('ok')));
    const downstreamUrl = await listen(downstream);
    cleanup.push(() => {
      downstream.closeAllConnections();
      downstream.close();
    });

    const { SQSClient, CreateQueueCommand, ReceiveMessageCommand } = require('@aws-sdk/client-sqs');
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: sqsUrl, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEEXAMPLEKEY' } });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'demo-orders' }));
    const queuePath = new URL(QueueUrl).pathname;

    console.log('demo:lambda 1/2: producer function → SQS → consumer function (aws-lambda-ric 4.x, Node 24)\n');
    const env = { FAUXQS_URL: proxyUrl, DOWNSTREAM: downstreamUrl, AWS_LAMBDA_FUNCTION_NAME: 'demo-producer' };
    const producer = await startFunction({ ric: 4, node: node24, taskRoot: FUNCTIONS, handler: 'producer.handler', preload: true, env });
    cleanup.push(() => producer.api.close());
    const sent = await producer.api.invoke({ queueUrl: proxyUrl + queuePath, order: 42 }, { traceId: 'Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=0' });
    console.log(`  producer returned ${sent.body}`);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sqsUrl + queuePath, MaxNumberOfMessages: 1 }));
    const m = got.Messages[0];
    const event = { Records: [{ messageId: m.MessageId, receiptHandle: m.ReceiptHandle, body: m.Body, attributes: { AWSTraceHeader: traceHeaders[0] }, eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:demo-orders', awsRegion: 'us-east-1' }] };
    const consumer = await startFunction({ ric: 4, node: node24, taskRoot: FUNCTIONS, handler: 'index.handler', preload: true, env: { ...env, AWS_LAMBDA_FUNCTION_NAME: 'demo-consumer' } });
    cleanup.push(() => consumer.api.close());
    const done = await consumer.api.invoke(event, { traceId: 'Root=1-6789abcd-000000000000000000000001;Parent=1111111111111111;Sampled=0' });
    console.log(`  consumer returned ${done.body}\n`);
    const lines1 = producer.stdout() + consumer.stdout();
    fs.writeFileSync(path.join(outDir, 'lambda-sqs.jsonl'), lines1);
    console.log(renderTree(spansFromLines(lines1), { color: !process.env.NO_COLOR && process.stdout.isTTY }));

    console.log('\ndemo:lambda 2/2: a function that times out on a hanging call (timeout 2 s)\n');
    const hang = await startFunction({ ric: 4, node: node24, taskRoot: FUNCTIONS, handler: 'index.hang', preload: true, env: { DOWNSTREAM: downstreamUrl, AWS_LAMBDA_FUNCTION_NAME: 'demo-timeout' } });
    cleanup.push(() => hang.api.close());
    const killed = await hang.api.invoke({ order: 7 }, { timeoutMs: 2000 });
    console.log(`  the runtime: ${killed.kind} at the deadline; what the watchdog wrote before that:\n`);
    fs.writeFileSync(path.join(outDir, 'lambda-timeout.jsonl'), hang.stdout());
    console.log(renderTree(spansFromLines(hang.stdout()), { color: !process.env.NO_COLOR && process.stdout.isTTY }));
    console.log(`\nThe same OTLP-JSON lines are in demo/out/lambda-sqs.jsonl and demo/out/lambda-timeout.jsonl.`);
  } finally {
    for (const c of cleanup.reverse()) await c();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
