'use strict';
// Bounded memory under load: many calls while the OTLP receiver answers slowly. Samples heap (after a GC)
// and RSS over time, and reads wiretap's export-queue counters (dropped, exported, pending).
const http = require('node:http');
const { pool, agentStats, int } = require('./common');

const port = process.env.BENCH_HTTP_PORT;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let body = 0;

function call() {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ n: body++, note: 'z'.repeat(512) });
    const req = http.request(
      { host: '127.0.0.1', port, path: '/orders', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function main() {
  const calls = int('BENCH_CALLS', 100000);
  const samples = [];
  const t0 = Date.now();
  let done = 0;
  const sample = () => {
    if (global.gc) global.gc();
    const m = process.memoryUsage();
    samples.push({ t: (Date.now() - t0) / 1000, calls: done, heapMB: m.heapUsed / 1048576, rssMB: m.rss / 1048576, ...agentStats() });
  };
  sample();
  const timer = setInterval(sample, int('BENCH_SAMPLE_MS', 1000));
  await pool(calls, int('BENCH_CONCURRENCY', 16), async () => {
    await call();
    done++;
  });
  clearInterval(timer);
  sample();
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ calls, seconds: (Date.now() - t0) / 1000, samples, maxRssMB: process.resourceUsage().maxRSS / 1024, ...agentStats() })}\n`);
  agent.destroy();
  // Do not wait for the slow receiver: the bench process must stop by itself.
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
