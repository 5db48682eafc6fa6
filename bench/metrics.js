'use strict';
// `node bench/metrics.js` (after `npm run build`): what client-call metrics cost per call.
//  1. In process: CPU per recorded call of wiretap's own store (precomputed attribute keys) against the
//     same measurements through the OpenTelemetry metrics SDK (exponential-histogram view), sampled and
//     unsampled DynamoDB calls. This is the measurement behind keeping wiretap's own aggregation.
//  2. End to end: the DynamoDB GetItem workload (bench/apps/dynamodb.js) with metrics off and on, traces
//     sampled and always_off, interleaved runs, median CPU µs per call; ratios against no agent.
// Timing lives here, never in the test suite. BENCH_METRICS_RUNS, BENCH_METRICS_CALLS override the sizes.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServers } = require('./servers');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const RUNS = num('BENCH_METRICS_RUNS', 3);
const CALLS = num('BENCH_METRICS_CALLS', 4000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function exchange(i) {
  return {
    request: {
      method: 'POST',
      scheme: 'http',
      host: '127.0.0.1',
      port: 8000,
      path: '/',
      query: '',
      headers: {
        'x-amz-target': 'DynamoDB_20120810.GetItem',
        'content-type': 'application/x-amz-json-1.0',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
      },
      protocolVersion: '1.1',
      transport: 'http',
    },
    response: { status: 200, headers: {} },
    timings: { start: 1000, end: 1000 + (i % 50) * 0.1 + 0.4 },
  };
}

function inProcess() {
  const { Metrics } = require(path.join(DIST, 'metrics'));
  const { DecoderRegistry } = require(path.join(DIST, 'decoders', 'registry'));
  const { builtInDecoders } = require(path.join(DIST, 'decoders'));
  const { loadConfig } = require(path.join(DIST, 'config', 'load'));
  const sdk = require('@opentelemetry/sdk-metrics');
  const registry = new DecoderRegistry(builtInDecoders);
  const config = loadConfig({ OTEL_METRICS_EXPORTER: 'file' }).metrics;
  const x = exchange(0);
  const decoder = registry.match(x.request);
  const description = {
    name: 'DynamoDB.GetItem',
    kind: 'client',
    decoder: 'aws.dynamodb',
    attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'db.collection.name': 'small', 'http.response.status_code': 200 },
  };
  const own = () => new Metrics({ config, filePath: '/dev/null', env: {}, resource: () => undefined, exporters: [] });
  const viaSdk = () => {
    const reader = new (class extends sdk.MetricReader {
      async onForceFlush() {}
      async onShutdown() {}
    })();
    const provider = new sdk.MeterProvider({
      readers: [reader],
      views: [{ instrumentName: '*', aggregation: { type: sdk.AggregationType.EXPONENTIAL_HISTOGRAM } }],
    });
    return new Metrics({ config, filePath: '/dev/null', env: {}, resource: () => undefined, appProvider: provider });
  };
  const n = num('BENCH_METRICS_INPROCESS_CALLS', 200000);
  const exchanges = Array.from({ length: 50 }, (_, i) => exchange(i));
  const rows = [];
  for (const [label, make] of [
    ['wiretap store', own],
    ['OpenTelemetry SDK', viaSdk],
  ]) {
    for (const sampled of [true, false]) {
      const results = [];
      for (let r = 0; r < 5; r++) {
        const m = make();
        for (let i = 0; i < 2000; i++) m.onEnd(exchanges[i % 50], sampled ? description : undefined, decoder); // warm up
        const t0 = process.cpuUsage();
        for (let i = 0; i < n; i++) m.onEnd(exchanges[i % 50], sampled ? description : undefined, decoder);
        const t = process.cpuUsage(t0);
        results.push((t.user + t.system) / n);
        m.shutdown?.();
      }
      rows.push({ path: label, call: sampled ? 'sampled (description)' : 'unsampled (head only)', usPerCall: median(results) });
    }
  }
  return rows;
}

function run(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'apps', 'dynamodb.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', () => {});
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) return reject(new Error(`no result (exit ${code}): ${out.slice(-500)}`));
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
    });
  });
}

async function endToEnd() {
  const servers = await startServers();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-bench-metrics-'));
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k === 'NODE_OPTIONS' || k.startsWith('OTEL_') || k.startsWith('WIRETAP_')) delete base[k];
  Object.assign(base, { NODE_NO_WARNINGS: '1', BENCH_DDB_PORT: String(servers.ports.ddb), BENCH_TABLE: 'small', BENCH_CALLS: String(CALLS), BENCH_WARMUP: '300', BENCH_CONCURRENCY: '16' });
  const tapped = { NODE_OPTIONS: `--require ${path.join(DIST, 'register.js')}`, WIRETAP_FILE: path.join(tmp, 'out.jsonl') };
  const configs = [
    ['no agent', {}],
    ['wiretap, metrics off', tapped],
    ['wiretap, metrics on (file)', { ...tapped, OTEL_METRICS_EXPORTER: 'file' }],
    ['wiretap always_off, metrics off', { ...tapped, OTEL_TRACES_SAMPLER: 'always_off' }],
    ['wiretap always_off, metrics on (file)', { ...tapped, OTEL_TRACES_SAMPLER: 'always_off', OTEL_METRICS_EXPORTER: 'file' }],
  ];
  const cpu = new Map(configs.map(([label]) => [label, []]));
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const [label, env] of configs) {
        const result = await run({ ...base, ...env });
        cpu.get(label).push(result.cpuUsPerCall);
      }
    }
  } finally {
    servers.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const none = median(cpu.get('no agent'));
  return configs.map(([label]) => ({ config: label, cpuUsPerCall: median(cpu.get(label)), ratio: median(cpu.get(label)) / none }));
}

/** Child mode for cachegrind: `n` onEnd calls of one sink ('own' | 'sdk'), nothing else timed. */
function child(n, sink, sampled) {
  const { Metrics } = require(path.join(DIST, 'metrics'));
  const { DecoderRegistry } = require(path.join(DIST, 'decoders', 'registry'));
  const { builtInDecoders } = require(path.join(DIST, 'decoders'));
  const { loadConfig } = require(path.join(DIST, 'config', 'load'));
  const sdk = require('@opentelemetry/sdk-metrics');
  const config = loadConfig({ OTEL_METRICS_EXPORTER: 'file' }).metrics;
  const registry = new DecoderRegistry(builtInDecoders);
  const xs = Array.from({ length: 50 }, (_, i) => exchange(i));
  const decoder = registry.match(xs[0].request);
  const d = sampled ? { name: 'DynamoDB.GetItem', kind: 'client', decoder: 'aws.dynamodb', attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'db.collection.name': 'small' } } : undefined;
  const appProvider = sink === 'sdk' ? new sdk.MeterProvider({ views: [{ instrumentName: '*', aggregation: { type: sdk.AggregationType.EXPONENTIAL_HISTOGRAM } }] }) : undefined;
  const m = new Metrics({ config, filePath: '/dev/null', env: {}, resource: () => undefined, exporters: [], appProvider });
  for (let i = 0; i < 1000; i++) m.onEnd(xs[i % 50], d, decoder); // same warm-up in both runs
  for (let i = 0; i < n; i++) m.onEnd(xs[i % 50], d, decoder);
}

/** Instructions per call: cachegrind totals of two runs (N and 0 calls) differ by N calls' worth. */
function instructions() {
  const { spawnSync } = require('node:child_process');
  const n = num('BENCH_METRICS_CG_CALLS', 20000);
  const rows = [];
  for (const sink of ['own', 'sdk']) {
    for (const sampled of [true, false]) {
      const total = (calls) => {
        const out = path.join(os.tmpdir(), `cg-${process.pid}-${sink}-${calls}`);
        const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}`, process.execPath, '--jitless', __filename], {
          env: { ...process.env, BENCH_METRICS_CHILD: `${calls},${sink},${sampled ? 1 : 0}` },
          encoding: 'utf8',
        });
        const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
        fs.rmSync(out, { force: true });
        if (!m) throw new Error(`cachegrind gave no total: ${r.stderr.slice(-300)}`);
        return Number(m[1].replace(/,/g, ''));
      };
      rows.push({ sink, sampled, perCall: (total(n) - total(0)) / n });
    }
  }
  return rows;
}

if (process.env.BENCH_METRICS_CHILD) {
  const [n, sink, sampled] = process.env.BENCH_METRICS_CHILD.split(',');
  child(Number(n), sink, sampled === '1');
  return;
}

(async () => {
  if (process.argv.includes('--instructions')) {
    console.log(`Instructions per recorded call (valgrind cachegrind, node --jitless):`);
    for (const r of instructions()) console.log(`  ${r.sink === 'own' ? 'wiretap store    ' : 'OpenTelemetry SDK'} ${r.sampled ? 'sampled  ' : 'unsampled'} ${Math.round(r.perCall)}`);
    return;
  }
  const a = inProcess();
  console.log('Recording cost per call (in process, median of 5):');
  for (const r of a) console.log(`  ${r.path.padEnd(18)} ${r.call.padEnd(22)} ${r.usPerCall.toFixed(2)} µs`);
  if (process.env.BENCH_METRICS_E2E === '0') return;
  const b = await endToEnd();
  console.log(`\nDynamoDB GetItem, ${CALLS} calls, concurrency 16, median of ${RUNS} (CPU µs per call, ratio to no agent):`);
  for (const r of b) console.log(`  ${r.config.padEnd(40)} ${r.cpuUsPerCall.toFixed(1).padStart(7)} µs  ×${r.ratio.toFixed(2)}`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
