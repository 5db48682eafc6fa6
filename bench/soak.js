#!/usr/bin/env node
'use strict';
// Soak: SOAK_CALLS (default 1,000,000) HTTP calls against a local server, one child process per
// configuration, reporting the heap and RSS slope, peak RSS, and the handles and timers before and after.
// Configurations: no agent; wiretap with the file exporter (the default); wiretap with OTLP to a collector
// that answers 200, one that answers 500, and one that answers only after SOAK_SLOW_MS (default 3 s).
// Not a test: `npm run build && node bench/soak.js` (SOAK_CALLS=100000 for a quicker run). Results go to
// stdout as a Markdown table; bench/soak-results.md holds a run. SOAK_ONLY picks configurations.
const http = require('node:http');
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const CALLS = Number(process.env.SOAK_CALLS || 1_000_000);
const SLOW_MS = Number(process.env.SOAK_SLOW_MS || 3000);
const CONCURRENCY = 16;
const SAMPLES = 20;
const REGISTER = path.join(__dirname, '..', 'dist', 'register.js');

// ---- child: the app ----
async function child() {
  const gc = require('node:vm').runInNewContext('gc');
  const target = process.env.SOAK_TARGET;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const body = JSON.stringify({ TableName: 'users', Key: { id: { S: 'user-42' } } });
  const call = (i) =>
    new Promise((resolve, reject) => {
      const req = http.request(`${target}/soak/${i % 100}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const resources = () => {
    const info = process.getActiveResourcesInfo();
    return { handles: info.filter((r) => r !== 'Timeout' && r !== 'Immediate').length, timers: info.filter((r) => r === 'Timeout').length };
  };
  const sample = (done) => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { done, heapUsed: m.heapUsed, rss: m.rss };
  };
  const before = resources();
  const samples = [];
  const every = Math.max(1, Math.floor(CALLS / SAMPLES));
  let next = 0;
  let completed = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < CALLS) {
      const i = next++;
      await call(i);
      completed++;
      if (completed % every === 0) samples.push(sample(completed));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const after = resources();
  const doneAt = Date.now();
  process.on('exit', () => {
    process.stdout.write(`${JSON.stringify({ exitAfterMs: Date.now() - doneAt })}\n`);
  });
  process.stdout.write(`${JSON.stringify({ result: { seconds, samples, before, after, maxRssKb: process.resourceUsage().maxRSS } })}\n`);
}

// ---- parent: servers, configurations, report ----
function server(handler) {
  return new Promise((resolve) => {
    const s = http.createServer(handler);
    s.keepAliveTimeout = 60_000;
    s.listen(0, '127.0.0.1', () => resolve({ server: s, url: `http://127.0.0.1:${s.address().port}` }));
  });
}

function collector(status, delayMs) {
  let requests = 0;
  let bytes = 0;
  const held = new Set();
  return server((req, res) => {
    req.on('data', (c) => (bytes += c.length));
    req.on('end', () => {
      requests++;
      const answer = () => {
        held.delete(timer);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{}');
      };
      const timer = delayMs ? setTimeout(answer, delayMs) : undefined;
      if (timer) held.add(timer);
      else answer();
    });
  }).then((s) => ({ ...s, stats: () => ({ requests, bytes }), close: () => { for (const t of held) clearTimeout(t); s.server.closeAllConnections(); s.server.close(); } }));
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function runChild(env) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--expose-gc', __filename, '--child'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let resultAt;
    c.stdout.on('data', (d) => {
      out += d;
      if (!resultAt && out.includes('"result"')) resultAt = Date.now();
    });
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => {
      const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const result = lines.find((l) => l.result)?.result;
      if (!result) return reject(new Error(`child failed (${code}): ${err}`));
      resolve({ ...result, exitAfterMs: lines.find((l) => 'exitAfterMs' in l)?.exitAfterMs, wallExitAfterMs: Date.now() - resultAt, stderr: err.trim().split('\n').filter((l) => l.startsWith('[wiretap]')) });
    });
  });
}

async function parent() {
  const target = await server((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'SOAK' });
      res.end('{"Item":{"id":{"S":"user-42"},"name":{"S":"Ada"}}}');
    });
  });
  const ok = await collector(200, 0);
  const failing = await collector(500, 0);
  const slow = await collector(200, SLOW_MS);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-soak-'));
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, SOAK_CALLS: String(CALLS), SOAK_TARGET: target.url, OTEL_SERVICE_NAME: 'soak', WIRETAP_FILE: path.join(tmp, 'spans.jsonl') };
  const otlp = (c) => ({ NODE_OPTIONS: `--require ${REGISTER}`, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: c.url });
  const configs = [
    { name: 'no agent', env: {} },
    { name: 'wiretap, file', env: { NODE_OPTIONS: `--require ${REGISTER}` } },
    { name: 'wiretap, OTLP → 200', env: otlp(ok), collector: ok },
    { name: 'wiretap, OTLP → 500', env: otlp(failing), collector: failing },
    { name: `wiretap, OTLP → slow (${SLOW_MS} ms)`, env: otlp(slow), collector: slow },
  ];
  const rows = [];
  // SOAK_ONLY=0,2: run only those configurations (by position), e.g. to run them in parallel processes.
  const only = (process.env.SOAK_ONLY || '').split(',').filter(Boolean).map(Number);
  for (const config of configs.filter((_, i) => only.length === 0 || only.includes(i))) {
    const r = await runChild({ ...base, ...config.env });
    const half = r.samples.slice(Math.floor(r.samples.length / 2));
    const perK = (key) => Math.round(slope(half.map((s) => [s.done / 1000, s[key]])));
    const row = {
      config: config.name,
      calls: CALLS,
      seconds: r.seconds.toFixed(1),
      heapSlope: perK('heapUsed'),
      rssSlope: perK('rss'),
      peakRssMb: (r.maxRssKb / 1024).toFixed(0),
      handles: `${r.before.handles} → ${r.after.handles}`,
      timers: `${r.before.timers} → ${r.after.timers}`,
      exitAfterMs: r.wallExitAfterMs,
      collector: config.collector ? `${config.collector.stats().requests} requests` : '',
      log: r.stderr.join(' '),
    };
    rows.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
  }
  console.log(`Soak: ${CALLS.toLocaleString('en')} calls per configuration, concurrency ${CONCURRENCY}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; slopes are least squares over the second half of ${SAMPLES} samples taken after gc(), in bytes per 1,000 calls.\n`);
  console.log('| configuration | s | heap slope (B/1k calls) | RSS slope (B/1k calls) | peak RSS (MB) | handles before → after | timers before → after | exit after last call (ms) | collector |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.config} | ${r.seconds} | ${r.heapSlope} | ${r.rssSlope} | ${r.peakRssMb} | ${r.handles} | ${r.timers} | ${r.exitAfterMs} | ${r.collector} |`);
  const logs = rows.filter((r) => r.log);
  if (logs.length) {
    console.log('\nwiretap log lines:\n');
    for (const r of logs) console.log(`- ${r.config}: ${r.log}`);
  }
  for (const c of [ok, failing, slow]) c.close();
  target.server.closeAllConnections();
  target.server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (process.argv.includes('--child')) child();
else parent().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
