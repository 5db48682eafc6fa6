'use strict';
// `node bench/lambda.js` (after `npm run build && npm run build:test`): Lambda mode's cost on the real
// runtime interface client, against no agent, through the test suite's fake Runtime API on 127.0.0.1.
//   init        spawn → the runtime's first request for an event (node, ric, preload, handler load)
//   first       the first invocation, invoke → result (the handler makes one HTTP call)
//   warm        median invoke → result over the warm invocations; with wiretap this includes the flush
//               to a local OTLP collector (http/json on 127.0.0.1) before the result goes back
// Configurations are interleaved run by run; medians of BENCH_LAMBDA_RUNS cold starts. Timing lives here,
// never in the tests. Prints a Markdown table and writes bench/lambda-results.md.
// BENCH_LAMBDA_CACHEGRIND=1 adds instruction counts (valgrind cachegrind, the runtime process with all its
// threads; slow: a minute or more per run on a loaded machine): three runs per configuration, ended by
// SIGTERM while waiting for an event: after init, after the first invocation, after BENCH_LAMBDA_CG_WARM
// more; the differences give each phase. BENCH_LAMBDA_RUNS=0 skips the timed table. BENCH_LAMBDA_RUNTIMES=22
// (or 24) runs one runtime only.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const harness = path.join(ROOT, 'build', 'test', 'helpers', 'lambda', 'runtime-api.js');
if (!fs.existsSync(harness)) {
  console.error('bench/lambda.js: run `npm run build && npm run build:test` first (it uses the test harness)');
  process.exit(1);
}
const { startFunction, nodeBinary, ricMissing } = require(harness);
const { startOtlpReceiver } = require(path.join(ROOT, 'build', 'test', 'helpers', 'otlp-receiver.js'));
const { hashSeedPrimeSearch } = require('./whole');

// index.handler: one HTTP call, nothing imported; producer.handler: imports @aws-sdk/client-sqs (a typical init).
const HANDLERS = (process.env.BENCH_LAMBDA_HANDLER || 'sdk.handler,index.handler').split(',');
const RUNS = Number(process.env.BENCH_LAMBDA_RUNS || 7);
const WARM = Number(process.env.BENCH_LAMBDA_WARM || 30);
// CPU time of the function's process: the on-CPU nanoseconds of each of its threads
// (/proc/<pid>/task/*/schedstat), summed; /proc/<pid>/stat's user + system (10 ms ticks) where schedstat is
// missing. Robust against other load on the machine, unlike wall time. Read while the process is frozen or
// waiting for an event.
const TICK_MS = 10;
function cpuMs(pid) {
  try {
    let ns = 0;
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) ns += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e6;
  } catch {
    /* no schedstat: the ticks */
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

async function waitFor(cond) {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}

function envFor(config, downstream, receiver) {
  const env = { DOWNSTREAM: downstream };
  if (config === 'preload-no-lambda-mode') env.WIRETAP_LAMBDA = 'false';
  if (config === 'wiretap-stdout-lazy') env.WIRETAP_LAMBDA_EAGER = 'false';
  if (config === 'wiretap-stdout-all') env.WIRETAP_LAMBDA_EAGER = 'true';
  if (config === 'wiretap-otlp') Object.assign(env, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('/v1/traces', '') });
  // The OpenTelemetry Lambda layer's setup (bench/lambda-otel-wrapper.js), exporting OTLP/protobuf to the same local collector.
  if (config === 'otel-layer') Object.assign(env, { NODE_OPTIONS: `--require ${path.join(__dirname, 'lambda-otel-wrapper.js')}`, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('/v1/traces', '') });
  return { env, preload: config !== 'none' && config !== 'otel-layer' };
}

/** Instructions of the runtime process (cachegrind) ended by SIGTERM after `invocations` invocations. */
async function instructions(runtime, config, downstream, receiver, handler, invocations) {
  const os = require('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-lambda-cg-'));
  const log = path.join(dir, 'valgrind.log');
  const wrapper = path.join(dir, 'cachegrind-wrapper');
  const out = path.join(dir, 'cachegrind.out');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=${out} --log-file=${log} "$@"\n`, { mode: 0o755 });
  const { env, preload } = envFor(config, downstream, receiver);
  const fn = await startFunction({ ric: runtime.ric, node: runtime.bin, taskRoot: path.join(ROOT, 'test', 'lambda', 'functions', 'cjs'), handler, preload, env, execWrapper: wrapper });
  try {
    await waitFor(() => fn.api.freezes.length >= 1);
    for (let i = 0; i < invocations; i++) {
      const o = await fn.api.invoke({ n: i }, { timeoutMs: 900000 });
      if (o.kind !== 'response') throw new Error(`${config}: ${o.kind} ${fn.stderr()}`);
      await waitFor(() => fn.api.freezes.length >= i + 2);
    }
    const exited = new Promise((r) => fn.child.once('exit', r));
    process.kill(fn.child.pid, 'SIGCONT');
    process.kill(fn.child.pid, 'SIGTERM');
    await exited;
    const m = /I\s+refs:\s+([\d,]+)/.exec(fs.readFileSync(log, 'utf8'));
    if (!m) throw new Error(`${config}: no cachegrind total in ${log}`);
    return Number(m[1].replace(/,/g, '')) - hashSeedPrimeSearch(out);
  } finally {
    await fn.api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function once(runtime, config, downstream, receiver, handler) {
  const { env, preload } = envFor(config, downstream, receiver);
  const fn = await startFunction({ ric: runtime.ric, node: runtime.bin, taskRoot: path.join(ROOT, 'test', 'lambda', 'functions', 'cjs'), handler, preload, env });
  const requestsBefore = receiver.received.length;
  try {
    const t0 = fn.spawnedAt;
    const pid = fn.child.pid;
    await waitFor(() => fn.api.firstNextAt !== undefined);
    const cpuInit = cpuMs(pid);
    const firstStart = Date.now();
    const first = await fn.api.invoke({ n: 0 });
    await waitFor(() => fn.api.freezes.length >= 1);
    const cpuFirst = cpuMs(pid) - cpuInit;
    if (first.kind !== 'response') throw new Error(`${config}: ${first.kind} ${fn.stderr()}`);
    // Did this setup deliver anything to the collector before the first result went back?
    const exportedBeforeFirst = receiver.received.length > requestsBefore;
    const init = fn.api.firstNextAt - t0;
    const firstMs = first.at - Math.max(firstStart, fn.api.firstNextAt);
    const warm = [];
    const cpuWarmStart = cpuMs(pid);
    for (let i = 1; i <= WARM; i++) {
      const s = performance.now();
      const o = await fn.api.invoke({ n: i });
      warm.push(performance.now() - s);
      if (o.kind !== 'response') throw new Error(`${config}: warm ${o.kind}`);
      await waitFor(() => fn.api.freezes.length >= i + 1);
    }
    const cpuWarm = (cpuMs(pid) - cpuWarmStart) / WARM;
    return { init, first: firstMs, warm: median(warm), cpuInit, cpuFirst, cpuWarm, exportedBeforeFirst };
  } finally {
    await fn.api.close();
  }
}

(async () => {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const downstream = `http://127.0.0.1:${server.address().port}`;
  const receiver = await startOtlpReceiver();
  const runtimes = [
    { name: 'nodejs22.x (ric 3.3.0, Node 22)', ric: 3, bin: nodeBinary(22) },
    { name: 'nodejs24.x (ric 4.0.2, Node 24)', ric: 4, bin: nodeBinary(24) },
  ].filter((r) => r.bin && !ricMissing(r.ric) && (!process.env.BENCH_LAMBDA_RUNTIMES || process.env.BENCH_LAMBDA_RUNTIMES.split(',').includes(String(r.ric === 3 ? 22 : 24))));
  const configs = (process.env.BENCH_LAMBDA_CONFIGS || 'none,wiretap-stdout-lazy,wiretap-stdout,wiretap-stdout-all,wiretap-otlp,otel-layer').split(',');
  const delivered = [];
  const lines = [
    '# Lambda mode: cost on the real runtime interface client',
    '',
    `\`node bench/lambda.js\` on ${require('node:os').cpus().length} cores; medians of ${RUNS} cold starts per configuration (interleaved), ${WARM} warm invocations each. Handlers: \`sdk.handler\` imports @aws-sdk/client-sqs and client-dynamodb at init (a typical function), \`index.handler\` imports nothing; each invocation makes one HTTP call to 127.0.0.1.`,
    '',
    'CPU columns: user+system CPU time of the function process (the on-CPU time of all its threads from /proc/<pid>/task/*/schedstat; warm = average per invocation), the measure that holds on a loaded machine. Wall columns: elapsed time as the caller sees it.',
    '',
    'Configurations: `wiretap-stdout` is the default for an on-demand function (stdout exporter; wiretap\'s code loaded while the handler loads, its objects built by the first invocation); `-all` is WIRETAP_LAMBDA_EAGER=true (also built in init: the default under provisioned concurrency and SnapStart); `-lazy` is WIRETAP_LAMBDA_EAGER=false (everything on the first call); `wiretap-otlp` exports http/json to a local collector on 127.0.0.1 before each result; `otel-layer` is the OpenTelemetry Lambda layer\'s setup (`bench/lambda-otel-wrapper.js`: sdk-trace-node, BatchSpanProcessor, OTLP/protobuf exporter, instrumentation-aws-lambda + aws-sdk + http, as the layer\'s wrapper.ts), exporting to the same local collector. The preload is whatever `dist/register.js` is at the time of the run.',
    '',
    '| handler | runtime | configuration | init CPU ms | first invocation CPU ms | warm invocation CPU ms | init wall ms | first invocation wall ms | warm invocation wall ms (median) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const handler of RUNS > 0 ? HANDLERS : []) for (const runtime of runtimes) {
    const results = Object.fromEntries(configs.map((c) => [c, []]));
    for (let r = 0; r < RUNS; r++) for (const c of configs) results[c].push(await once(runtime, c, downstream, receiver, handler));
    const m = (c, k) => median(results[c].map((x) => x[k]));
    const rel = (c, k, digits = 0) => {
      const v = m(c, k);
      if (c === 'none') return v.toFixed(digits);
      const d = v - m('none', k);
      return `${v.toFixed(digits)} (${d >= 0 ? '+' : ''}${d.toFixed(digits)}${k === 'cpuInit' || k === 'init' ? `, ${d >= 0 ? '+' : ''}${((d / m('none', k)) * 100).toFixed(0)}%` : ''})`;
    };
    for (const c of configs) {
      delivered.push(`${handler} / ${runtime.name} / ${c}: ${results[c].filter((x) => x.exportedBeforeFirst).length} of ${results[c].length}`);
      lines.push(`| ${handler} | ${runtime.name} | ${c} | ${rel(c, 'cpuInit')} | ${rel(c, 'cpuFirst')} | ${rel(c, 'cpuWarm', 2)} | ${rel(c, 'init')} | ${rel(c, 'first')} | ${rel(c, 'warm', 2)} |`);
    }
  }
  if (process.env.BENCH_LAMBDA_CACHEGRIND === '1') {
    const cgWarm = Number(process.env.BENCH_LAMBDA_CG_WARM || 5);
    const cgHandler = process.env.BENCH_LAMBDA_CG_HANDLER || 'index.handler';
    const cgConfigs = (process.env.BENCH_LAMBDA_CG_CONFIGS || 'none,wiretap-stdout-lazy,wiretap-stdout,wiretap-stdout-all,wiretap-otlp,otel-layer').split(',');
    lines.push(
      '',
      `### Instructions (valgrind cachegrind), \`${cgHandler}\``,
      '',
      `The runtime process with all its threads (less the V8 hash-seed prime search, detail::sprp, which moves by several million with the random seed), ended by SIGTERM while it waits for an event; one run each after init, after the first invocation, and after ${cgWarm} more (init = I(init); first = I(first) − I(init); warm = (I(warm) − I(first)) / ${cgWarm}). Not moved by other load, but one run per cell, and V8's background threads (compiler, GC) count too: the split between first and warm moves from run to run by several million; init is the robust column. The SIGTERM exit is in every run and cancels out of first and warm.`,
      '',
      '| runtime | configuration | init (M instructions) | first invocation (M) | warm invocation (M) |',
      '|---|---|---|---|---|',
    );
    for (const runtime of runtimes) {
      const base = {};
      for (const c of cgConfigs) {
        const a = await instructions(runtime, c, downstream, receiver, cgHandler, 0);
        const b = await instructions(runtime, c, downstream, receiver, cgHandler, 1);
        const w = await instructions(runtime, c, downstream, receiver, cgHandler, 1 + cgWarm);
        const r = { init: a / 1e6, first: (b - a) / 1e6, warm: (w - b) / cgWarm / 1e6 };
        if (c === 'none') Object.assign(base, r);
        const cell = (k, d) => (c === 'none' ? r[k].toFixed(d) : `${r[k].toFixed(d)} (${r[k] >= base[k] ? '+' : ''}${(r[k] - base[k]).toFixed(d)}${k === 'init' ? `, ${r[k] >= base[k] ? '+' : ''}${(((r[k] - base[k]) / base[k]) * 100).toFixed(0)}%` : ''})`);
        lines.push(`| ${runtime.name} | ${c} | ${cell('init', 0)} | ${cell('first', 1)} | ${cell('warm', 2)} |`);
        console.error(lines[lines.length - 1]);
      }
    }
  }
  lines.push(
    '',
    'Targets (issue 10): init within +15% of no agent; warm invocation, flush included, < 5 ms added against a local collector.',
    '',
    'Cold starts whose first invocation had sent something to the collector before its result went back (stdout configurations send nothing there; `none` never does):',
    '',
    ...delivered.map((d) => `- ${d}`),
    '',
    `Load average during this run: ${require('node:os').loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min). On a machine shared with other work the wall columns swing by hundreds of milliseconds; read the CPU columns.`,
  );
  const text = lines.join('\n') + '\n';
  console.log(text);
  fs.writeFileSync(path.join(__dirname, 'lambda-results.md'), text);
  server.close();
  await receiver.close();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
