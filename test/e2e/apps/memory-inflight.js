// Heap held per in-flight call: N requests through undici with allowH2 (or node:http2, CLIENT=http2) to a
// server that receives them all and answers none until told. Prints the heap (after gc()) each further
// in-flight call holds. Run with --expose-gc.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const http2 = require('node:http2');
const { print } = require('./lib');

const certs = path.join(__dirname, '..', '..', '..', 'demo', 'certs');
const N = Number(process.env.CALLS || 2000);

(async () => {
  const held = [];
  let waiting;
  const heldCount = (count) => new Promise((resolve) => (held.length >= count ? resolve() : (waiting = { count, resolve })));
  const server = http2.createSecureServer({ key: fs.readFileSync(path.join(certs, 'demo-key.pem')), cert: fs.readFileSync(path.join(certs, 'demo-cert.pem')), settings: { maxConcurrentStreams: N * 2 }, maxSessionMemory: 1000 });
  server.on('stream', (stream) => {
    held.push(stream);
    if (waiting && held.length >= waiting.count) waiting.resolve();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${server.address().port}`;
  const heap = () => (global.gc(), global.gc(), process.memoryUsage().heapUsed);
  let send;
  let close;
  if (process.env.CLIENT === 'http2') {
    const session = http2.connect(origin, { rejectUnauthorized: false, peerMaxConcurrentStreams: N * 2, maxSessionMemory: 1000 });
    send = (p) => new Promise((resolve, reject) => {
      const s = session.request({ ':path': p, ':method': 'POST' });
      s.on('response', () => {});
      s.resume();
      s.on('end', resolve);
      s.on('error', reject);
      s.end('{"payload":true}');
    });
    close = () => session.close();
  } else {
    const { Client } = require('undici');
    const client = new Client(origin, { allowH2: true, connect: { rejectUnauthorized: false }, maxConcurrentStreams: N * 2, pipelining: N * 2 });
    send = (p) => client.request({ path: p, method: 'GET' }).then((r) => r.body.text());
    close = () => client.close();
  }
  // A first call answered at once: the agent loads what it loads on the first call, not per call.
  const first = send('/warm-up');
  await heldCount(1);
  held[0].respond({ ':status': 200 });
  held[0].end('ok');
  await first;
  // The slope between N/2 and N calls in flight: one-off costs (lazy loading, first export) cancel out.
  const calls = [];
  for (let i = 0; i < N / 2; i++) calls.push(send(`/held/${i}`));
  await heldCount(N / 2 + 1);
  const before = heap();
  for (let i = N / 2; i < N; i++) calls.push(send(`/held/${i}`));
  await heldCount(N + 1);
  const during = heap();
  for (const s of held.slice(1)) {
    s.respond({ ':status': 200 });
    s.end('ok');
  }
  await Promise.all(calls);
  print({ calls: N, bytesPerCall: Math.round((during - before) / (N / 2)) });
  await close();
  server.close();
})();
