'use strict';
// Workload (c): global fetch or http.request loops against the plain HTTP server on 127.0.0.1.
const http = require('node:http');
const { measure, report, flushAgent, int } = require('./common');

const port = process.env.BENCH_HTTP_PORT;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function viaHttp() {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/items/42?x=1', method: 'GET', agent, headers: { accept: 'application/json' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function viaFetch() {
  const res = await fetch(`http://127.0.0.1:${port}/items/42?x=1`, { headers: { accept: 'application/json' } });
  return res.arrayBuffer();
}

async function main() {
  const fn = process.env.BENCH_MODE === 'fetch' ? viaFetch : viaHttp;
  const result = await measure({ calls: int('BENCH_CALLS', 10000), warmup: int('BENCH_WARMUP', 500), concurrency: int('BENCH_CONCURRENCY', 16) }, fn);
  await flushAgent();
  report(result);
  agent.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
