'use strict';
// Workload (b), in-process: what wiretap itself adds for a 200 KB and a 10 MB response, without the AWS
// SDK's own (much larger, much noisier) parsing around it. One exchange = the recorder calls the http
// interceptor makes: start, the request body, the response head, the body in 64 KB chunks, end; span
// described, redacted and exported to a file. Reported per exchange, with the heap it leaves behind.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist');
const { loadConfig } = require(path.join(dist, 'config/load'));
const { createAgent } = require(path.join(dist, 'agent'));

const CHUNK = 64 * 1024;
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-capture-')), 'spans.jsonl');
const agent = createAgent(loadConfig({ WIRETAP_FILE: file, WIRETAP_SERVER_SPANS: 'false' }));
const head = () => ({
  method: 'POST', scheme: 'http', host: '127.0.0.1', port: 8000, path: '/', query: '', protocolVersion: '1.1', transport: 'http',
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'DynamoDB_20120810.GetItem',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123',
    'amz-sdk-request': 'attempt=1; max=3',
  },
});
const request = Buffer.from('{"TableName":"big","Key":{"id":{"S":"user-42"}}}');
// A DynamoDB item body of the given size (one long string attribute), in 64 KB chunks.
function chunksOf(bytes) {
  const body = Buffer.from(`{"Item":{"id":{"S":"user-42"},"blob":{"S":"${'x'.repeat(Math.max(0, bytes - 48))}"}}}`);
  const out = [];
  for (let i = 0; i < body.length; i += CHUNK) out.push(body.subarray(i, i + CHUNK));
  return out;
}

function exchange(chunks, record) {
  const rec = record ? agent.pipeline.start(head()) : undefined;
  rec?.requestChunk(request);
  rec?.response(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ' });
  let seen = 0;
  for (const c of chunks) {
    seen += c.length; // what the app's own loop over the chunks costs, with or without wiretap
    rec?.responseChunk(c);
  }
  rec?.end();
  return seen;
}

async function measure(chunks, record, n) {
  for (let i = 0; i < 50; i++) exchange(chunks, record);
  await agent.flush();
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    exchange(chunks, record);
    if (i % 200 === 199) await new Promise(setImmediate); // let the export queue drain
  }
  await agent.flush();
  const c = process.cpuUsage(c0);
  global.gc?.();
  return { usPer: (c.user + c.system) / n, heapDeltaKB: (process.memoryUsage().heapUsed - heap0) / 1024 };
}

async function main() {
  const n = Number(process.env.BENCH_CAPTURE_CALLS || 2000);
  const results = {};
  for (const [label, bytes] of [['200 KB', 200 * 1024], ['10 MB', 10 * 1024 * 1024]]) {
    const chunks = chunksOf(bytes);
    const bare = await measure(chunks, false, n);
    const tapped = await measure(chunks, true, n);
    results[label] = { chunks: chunks.length, bareUs: bare.usPer, wiretapUs: tapped.usPer, addedUs: tapped.usPer - bare.usPer, heapDeltaKB: tapped.heapDeltaKB };
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ calls: n, cap: agent.config.maxBodyBytes, results })}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
