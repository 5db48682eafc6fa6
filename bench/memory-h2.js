#!/usr/bin/env node
'use strict';
// Memory under load, as undici's own HTTP/2 stress test does it: N concurrent requests through one undici
// Client with allowH2, against an HTTP/2 TLS server in another process. Runs the client without the agent
// and with it (same N), and prints the peak RSS (getrusage maxrss) and the heap after a GC at the moment
// every request is in flight and after they all ended. A soak-style run, not a timed test:
//
//   npm run build && node bench/memory-h2.js [N=10000] [rounds=3]
//
// BENCH_CLIENT=http2 sends the same load through node:http2 directly instead of undici.
// WIRETAP_DIST=<dir> measures another build of the agent (e.g. an older commit's dist).
// Needs the demo certificate (demo/certs) and the npm undici in devDependencies.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const http2 = require('node:http2');

const root = path.resolve(__dirname, '..');
const certs = path.join(root, 'demo', 'certs');

function server() {
  const s = http2.createSecureServer({
    key: fs.readFileSync(path.join(certs, 'demo-key.pem')),
    cert: fs.readFileSync(path.join(certs, 'demo-cert.pem')),
    settings: { maxConcurrentStreams: 100000 },
    maxSessionMemory: 1000,
  });
  const body = JSON.stringify({ ok: true, pad: 'x'.repeat(256) });
  s.on('stream', (stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end(body);
  });
  s.listen(0, '127.0.0.1', () => process.stdout.write(`${s.address().port}\n`));
}

/** The same load through node:http2 directly (one session, N concurrent streams). */
async function http2Client(port, n, rounds) {
  const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, peerMaxConcurrentStreams: 100000, maxSessionMemory: 1000 });
  const heap = () => (global.gc(), process.memoryUsage().heapUsed);
  const call = (p) =>
    new Promise((resolve, reject) => {
      const stream = session.request({ ':path': p, ':method': 'POST', 'content-type': 'application/json' });
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString()));
      stream.on('error', reject);
      stream.end(JSON.stringify({ p, note: 'payload' }));
    });
  await call('/warm-up');
  const base = heap();
  let createdHeap = 0;
  for (let r = 0; r < rounds; r++) {
    const all = [];
    for (let i = 0; i < n; i++) all.push(call(`/item/${i}?round=${r}`));
    createdHeap = Math.max(createdHeap, heap());
    await Promise.all(all);
  }
  const after = heap();
  session.close();
  const rss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ n, rounds, peakRssMB: +(rss / 1048576).toFixed(1), heapBaseMB: +(base / 1048576).toFixed(1), heapAllCreatedMB: +(createdHeap / 1048576).toFixed(1), heapAfterMB: +(after / 1048576).toFixed(1) }) + '\n');
}

async function client(port, n, rounds) {
  if (process.env.BENCH_CLIENT === 'http2') return http2Client(port, n, rounds);
  const { Client } = require('undici');
  const c = new Client(`https://127.0.0.1:${port}`, { allowH2: true, connect: { rejectUnauthorized: false }, maxConcurrentStreams: 100000, pipelining: 100000 });
  const heap = () => (global.gc(), process.memoryUsage().heapUsed);
  // One warm-up call first: the agent loads the SDK and decoders on the first call, not per call.
  await (await c.request({ path: '/warm-up', method: 'GET' })).body.text();
  const base = heap();
  let inflightHeap = 0;
  let createdHeap = 0;
  for (let r = 0; r < rounds; r++) {
    let started = 0;
    const all = [];
    for (let i = 0; i < n; i++) {
      all.push(
        c.request({ path: `/item/${i}?round=${r}`, method: 'POST', body: JSON.stringify({ i, note: 'payload' }), headers: { 'content-type': 'application/json' } }).then(async (res) => {
          if (++started === n) inflightHeap = Math.max(inflightHeap, heap());
          return res.body.text();
        }),
      );
    }
    // Every request is dispatched (and recorded) synchronously; none has a response yet.
    createdHeap = Math.max(createdHeap, heap());
    await Promise.all(all);
  }
  const after = heap();
  await c.close();
  const rss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ n, rounds, peakRssMB: +(rss / 1048576).toFixed(1), heapBaseMB: +(base / 1048576).toFixed(1), heapAllCreatedMB: +(createdHeap / 1048576).toFixed(1), heapLastResponseMB: +(inflightHeap / 1048576).toFixed(1), heapAfterMB: +(after / 1048576).toFixed(1) }) + '\n');
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`client exited ${code}`))));
  });
}

async function main() {
  const n = Number(process.argv[2] ?? 10000);
  const rounds = Number(process.argv[3] ?? 3);
  const srv = spawn(process.execPath, [__filename, 'server'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => srv.stdout.once('data', (d) => resolve(String(d).trim())));
  const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'wiretap-memh2-'));
  try {
    const clientArgs = ['--expose-gc', __filename, 'client', port, String(n), String(rounds)];
    const bare = await run(clientArgs, {});
    const dist = process.env.WIRETAP_DIST || path.join(root, 'dist');
    const tapped = await run(['--require', path.join(dist, 'register.js'), ...clientArgs], { WIRETAP_FILE: path.join(tmp, 'traces.jsonl') });
    const spans = fs.existsSync(path.join(tmp, 'traces.jsonl'))
      ? fs
          .readFileSync(path.join(tmp, 'traces.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .reduce((k, l) => k + JSON.parse(l).resourceSpans.reduce((m, rs) => m + rs.scopeSpans.reduce((q, ss) => q + ss.spans.length, 0), 0), 0)
      : 0;
    console.log(`${process.env.BENCH_CLIENT === 'http2' ? 'node:http2' : 'undici allowH2'}, ${n} concurrent requests x ${rounds} rounds (${process.version})`);
    console.table({ 'no agent': bare, wiretap: tapped });
    console.log(`spans written: ${spans}; peak RSS ratio ${(tapped.peakRssMB / bare.peakRssMB).toFixed(2)}; agent heap per in-flight call ${(((tapped.heapAllCreatedMB - tapped.heapBaseMB - (bare.heapAllCreatedMB - bare.heapBaseMB)) * 1048576) / n).toFixed(0)} B`);
  } finally {
    srv.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'server') server();
else if (process.argv[2] === 'client') client(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
