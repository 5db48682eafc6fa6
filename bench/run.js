'use strict';
// `npm run bench`: wiretap against no agent and against the OpenTelemetry contrib stack.
// Each configuration runs in its own process against the same local servers (127.0.0.1), configurations
// interleaved (A B C D A B C D …); medians of BENCH_RUNS runs; ratios to the no-agent run; targets marked
// met / missed. Writes bench/results.md. Timing lives here, never in the test suite.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServers } = require('./servers');
const whole = require('./whole');

const ROOT = path.join(__dirname, '..');
// BENCH_REGISTER: measure another build of the agent (e.g. a saved copy of dist/ for a before/after run).
const REGISTER = process.env.BENCH_REGISTER || path.join(ROOT, 'dist', 'register.js');
const OTEL_PRELOAD = path.join(__dirname, 'preload-otel.js');
const APPS = path.join(__dirname, 'apps');
const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);

// Call counts are chosen so the whole run stays under 10 minutes on a 2-core machine; override with env.
const RUNS = num('BENCH_RUNS', 5);
const COUNTS = {
  small: num('BENCH_DDB_CALLS', 6000),
  big200k: num('BENCH_200K_CALLS', 1000),
  big10m: num('BENCH_10M_CALLS', 48),
  loops: num('BENCH_LOOP_CALLS', 5000),
  startupReps: num('BENCH_STARTUP_REPS', 15),
  memory: num('BENCH_MEMORY_CALLS', 100000),
  // Headline whole-process runs, cachegrind (short/long: the marginal count per call), cold paths.
  whole: num('BENCH_WHOLE_CALLS', 6000),
  wholeRuns: num('BENCH_WHOLE_RUNS', 5),
  whole200k: num('BENCH_WHOLE_200K_CALLS', 1500),
  igShort: num('BENCH_IG_SHORT', 200),
  igLong: num('BENCH_IG_LONG', 1200),
  coldReps: num('BENCH_COLD_REPS', 11),
};
const CONCURRENCY = 16;
const ONLY = (process.env.BENCH_ONLY || '').split(',').filter(Boolean);
const want = (name) => ONLY.length === 0 || ONLY.includes(name);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-bench-'));

function baseEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'NODE_OPTIONS' || k.startsWith('OTEL_') || k.startsWith('WIRETAP_')) delete env[k];
  // Loading a CA bundle (~420 M instructions per process) would be in every configuration's start-up and
  // shrink every cold-path ratio; bench/cold.js clears it too.
  delete env.NODE_EXTRA_CA_CERTS;
  env.OTEL_SERVICE_NAME = 'wiretap-bench';
  // The AWS SDK's Node-version notice on stderr is noise here; wiretap's own log goes to stderr directly.
  env.NODE_NO_WARNINGS = '1';
  return env;
}

function configurations(ports) {
  const otlpUrl = `http://127.0.0.1:${ports.otlp}/v1/traces`;
  return [
    { name: 'none', label: 'no agent', env: {} },
    { name: 'wiretap', label: 'wiretap (defaults: bodies, file)', env: { NODE_OPTIONS: `--require ${REGISTER}`, WIRETAP_FILE: path.join(tmp, 'spans.jsonl') } },
    {
      name: 'wiretap-otlp',
      label: 'wiretap (OTLP to receiver)',
      env: { NODE_OPTIONS: `--require ${REGISTER}`, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl },
      receiver: true,
    },
    { name: 'otel', label: 'OpenTelemetry contrib (OTLP)', env: { NODE_OPTIONS: `--require ${OTEL_PRELOAD}`, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl }, receiver: true },
  ];
}

/**
 * The headline configurations: the realistic export paths (file, OTLP http/json, OTLP http/protobuf to a
 * receiver on 127.0.0.1) against no agent and the OpenTelemetry contrib stack (OTLP http/protobuf).
 */
function headlineConfigurations(ports) {
  const otlpUrl = `http://127.0.0.1:${ports.otlp}/v1/traces`;
  const wiretap = { NODE_OPTIONS: `--require ${REGISTER}` };
  return [
    { name: 'none', label: 'no agent', env: {} },
    { name: 'file', label: 'wiretap, file exporter (default)', env: { ...wiretap, WIRETAP_FILE: path.join(tmp, 'spans.jsonl') } },
    { name: 'json', label: 'wiretap, OTLP http/json', env: { ...wiretap, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl }, receiver: true },
    { name: 'proto', label: 'wiretap, OTLP http/protobuf', env: { ...wiretap, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl }, receiver: true },
    { name: 'otel', label: 'OpenTelemetry contrib, OTLP http/protobuf (no bodies)', env: { NODE_OPTIONS: `--require ${OTEL_PRELOAD}`, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl }, receiver: true },
    // BENCH_REGISTER_BEFORE=<another build's dist/register.js>: that build too, interleaved in the same run.
    ...(process.env.BENCH_REGISTER_BEFORE
      ? [
          { name: 'file-before', label: 'before: wiretap, file exporter', env: { NODE_OPTIONS: `--require ${process.env.BENCH_REGISTER_BEFORE}`, WIRETAP_FILE: path.join(tmp, 'spans.jsonl') } },
          { name: 'json-before', label: 'before: wiretap, OTLP http/json', env: { NODE_OPTIONS: `--require ${process.env.BENCH_REGISTER_BEFORE}`, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl }, receiver: true },
        ]
      : []),
  ];
}

/** Runs one app in a child process; resolves with its BENCH_RESULT JSON. Killed after `timeoutMs`. */
function runApp(app, env, timeoutMs = 120000, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, path.join(APPS, app)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) return reject(new Error(`${app} exited ${code} without a result:\n${err.slice(-2000)}`));
      const result = JSON.parse(line.slice('BENCH_RESULT '.length));
      if (err.trim()) result.stderr = err.trim().split('\n').slice(0, 5).join(' | ');
      resolve(result);
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function log(msg) {
  process.stderr.write(`[bench ${((Date.now() - T0) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);
}

/** The interleaved runs of one workload across all configurations; medians per configuration. */
async function interleaved(name, configs, servers, app, appEnv) {
  const runs = Object.fromEntries(configs.map((c) => [c.name, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const c of configs) {
      servers.otlp.reset();
      const result = await runApp(app, { ...baseEnv(), ...appEnv, ...c.env });
      if (c.receiver) result.receivedSpans = servers.otlp.stats.spans;
      if (result.errors) log(`  ${name}/${c.name}: ${result.errors} failed calls`);
      if (result.stderr) log(`  ${name}/${c.name} stderr: ${result.stderr}`);
      runs[c.name].push(result);
      fs.rmSync(path.join(tmp, 'spans.jsonl'), { force: true });
    }
    log(`${name}: round ${r + 1}/${RUNS} done`);
  }
  const summary = {};
  for (const c of configs) {
    const rs = runs[c.name];
    summary[c.name] = {
      label: c.label,
      cpuUsPerCall: median(rs.map((x) => x.cpuUsPerCall)),
      cpuUsPerCallMin: Math.min(...rs.map((x) => x.cpuUsPerCall)),
      cpuUsPerCallMax: Math.max(...rs.map((x) => x.cpuUsPerCall)),
      callsPerSec: median(rs.map((x) => x.callsPerSec)),
      maxRssMB: median(rs.map((x) => x.maxRssMB)),
      maxRssMBMin: Math.min(...rs.map((x) => x.maxRssMB)),
      maxRssMBMax: Math.max(...rs.map((x) => x.maxRssMB)),
      dropped: rs.reduce((n, x) => n + (x.dropped || 0), 0),
      receivedSpans: c.receiver ? median(rs.map((x) => x.receivedSpans)) : undefined,
      calls: rs[0].calls + (appEnv.BENCH_WARMUP ? Number(appEnv.BENCH_WARMUP) : 500),
    };
  }
  return summary;
}

/** Wall time of whole short-lived processes, interleaved across configurations. */
function startup(configs) {
  const cases = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'require @aws-sdk/client-dynamodb', args: [path.join(APPS, 'startup-sdk.js')] },
  ];
  const times = {};
  for (const k of cases) for (const c of configs) times[`${k.name}|${c.name}`] = [];
  // One untimed round first: disk cache.
  for (let r = -1; r < COUNTS.startupReps; r++) {
    for (const k of cases) {
      for (const c of configs) {
        const env = { ...baseEnv(), ...c.env, WIRETAP_FILE: path.join(tmp, 'startup.jsonl') };
        const t0 = process.hrtime.bigint();
        const res = spawnSync(process.execPath, k.args, { env, stdio: 'ignore' });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (res.status !== 0) log(`  startup ${k.name}/${c.name} exited ${res.status}`);
        if (r >= 0) times[`${k.name}|${c.name}`].push(ms);
      }
    }
  }
  const out = {};
  for (const k of cases) {
    out[k.name] = {};
    for (const c of configs) out[k.name][c.name] = median(times[`${k.name}|${c.name}`]);
  }
  return out;
}

async function memory(servers, ports) {
  const env = {
    ...baseEnv(),
    NODE_OPTIONS: `--require ${REGISTER}`,
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${ports.slowOtlp}/v1/traces`,
    // A short schedule so the slow receiver is hit continuously; queue and batch sizes stay default.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    BENCH_HTTP_PORT: String(ports.http),
    BENCH_CALLS: String(COUNTS.memory),
  };
  servers.slow.reset();
  const result = await runApp('memory.js', env, 300000, ['--expose-gc']);
  result.receivedSpans = servers.slow.stats.spans;
  result.receiverRequests = servers.slow.stats.requests;
  return result;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    memGB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

const f = (n, d = 1) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(d));
const mark = (ok) => (ok ? '**met**' : '**missed**');

function workloadTable(title, s, note) {
  const none = s.none;
  const lines = [
    `### ${title}`,
    '',
    note,
    '',
    '| configuration | CPU µs/call (median) | range | × no agent | calls/s | × no agent | peak RSS MB | spans at receiver |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [, r] of Object.entries(s)) {
    lines.push(
      `| ${r.label} | ${f(r.cpuUsPerCall)} | ${f(r.cpuUsPerCallMin)}–${f(r.cpuUsPerCallMax)} | ${f(r.cpuUsPerCall / none.cpuUsPerCall, 3)} | ${f(r.callsPerSec, 0)} | ${f(r.callsPerSec / none.callsPerSec, 3)} | ${f(r.maxRssMB)} | ${r.receivedSpans === undefined ? '–' : `${r.receivedSpans}${r.dropped ? ` (dropped ${r.dropped})` : ''}`} |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  // BENCH_RENDER=<results.json>: write results.md again from a saved run, without measuring.
  if (process.env.BENCH_RENDER) {
    const saved = JSON.parse(fs.readFileSync(process.env.BENCH_RENDER, 'utf8'));
    fs.writeFileSync(path.join(__dirname, 'results.md'), render(saved));
    log(`results.md rendered from ${process.env.BENCH_RENDER}`);
    return;
  }
  const servers = await startServers({ slowDelayMs: 2000 });
  const { ports } = servers;
  const configs = configurations(ports);
  const results = { machine: machine(), counts: COUNTS, runs: RUNS };
  log(`machine: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}; ${RUNS} runs per configuration`);

  // BENCH_CONFIGS=none,json: only these headline configurations (a partial run; no-agent counts do not change).
  const pickConfigs = (process.env.BENCH_CONFIGS || '').split(',').filter(Boolean);
  const hconfigs = headlineConfigurations(ports).filter((c) => pickConfigs.length === 0 || pickConfigs.includes(c.name));
  const wholeEnv = (table, calls) => ({ BENCH_DDB_PORT: String(ports.ddb), BENCH_TABLE: table, BENCH_CALLS: String(calls), BENCH_CONCURRENCY: String(CONCURRENCY) });
  const receiverHooks = {
    prepare: () => servers.otlp.reset(),
    collect: (c, result) => {
      if (c.receiver) Object.assign(result, { otlpRequests: servers.otlp.stats.requests, otlpSpans: servers.otlp.stats.spans });
      fs.rmSync(path.join(tmp, 'spans.jsonl'), { force: true });
    },
  };
  if (want('h')) {
    const common = { configs: hconfigs, runs: COUNTS.wholeRuns, baseEnv, log, ...receiverHooks };
    results.whole = await whole.wholeProcess({ ...common, label: '(H) whole process, GetItem', app: 'whole.js', appEnv: wholeEnv('small', COUNTS.whole) });
    results.whole200k = await whole.wholeProcess({ ...common, label: '(H) whole process, GetItem 200 KB', app: 'whole.js', appEnv: wholeEnv('big200k', COUNTS.whole200k) });
  }
  if (want('i')) {
    log(`(I) instructions per call under cachegrind (${COUNTS.igShort} vs ${COUNTS.igLong} calls)`);
    results.instructions = await whole.instructions({ configs: hconfigs, baseEnv, log, label: '(I)', app: 'whole.js', appEnv: wholeEnv('small', 0), short: COUNTS.igShort, long: COUNTS.igLong });
  }
  if (want('k')) {
    log('(K) cold paths');
    results.cold = await whole.coldPaths({ configs: hconfigs, reps: COUNTS.coldReps, baseEnv, log, appEnv: wholeEnv('small', 0) });
  }
  const ddbEnv = (table, calls, warmup) => ({ BENCH_DDB_PORT: String(ports.ddb), BENCH_TABLE: table, BENCH_CALLS: String(calls), BENCH_WARMUP: String(warmup), BENCH_CONCURRENCY: String(CONCURRENCY) });
  if (want('a')) results.a = await interleaved('(a) DynamoDB GetItem', configs, servers, 'dynamodb.js', ddbEnv('small', COUNTS.small, 500));
  if (want('b')) {
    results.b200k = await interleaved('(b) GetItem 200 KB', configs, servers, 'dynamodb.js', ddbEnv('big200k', COUNTS.big200k, 50));
    results.b10m = await interleaved('(b) GetItem 10 MB', configs, servers, 'dynamodb.js', ddbEnv('big10m', COUNTS.big10m, 16));
    log('(b) in-process capture cost, 200 KB vs 10 MB');
    results.capture = await runApp('../capture.js', baseEnv(), 180000, ['--expose-gc']);
  }
  if (want('c')) {
    const loopEnv = (mode) => ({ BENCH_HTTP_PORT: String(ports.http), BENCH_MODE: mode, BENCH_CALLS: String(COUNTS.loops), BENCH_WARMUP: '500', BENCH_CONCURRENCY: String(CONCURRENCY) });
    results.fetch = await interleaved('(c) fetch', configs, servers, 'loops.js', loopEnv('fetch'));
    results.http = await interleaved('(c) http.request', configs, servers, 'loops.js', loopEnv('http'));
  }
  if (want('d')) {
    log('(d) start-up');
    results.startup = startup(configs);
  }
  if (want('e')) {
    log('(e) decoders');
    results.decoders = await runApp('../decoders.js', baseEnv());
  }
  if (want('m')) {
    log(`bounded memory: ${COUNTS.memory} calls, OTLP receiver answering after 2 s`);
    results.memory = await memory(servers, ports);
  }
  servers.close();
  results.totalSeconds = (Date.now() - T0) / 1000;
  // The raw results first: a render that fails must not lose the run.
  fs.writeFileSync(path.join(tmp, 'results.json'), JSON.stringify(results, null, 2));
  const md = render(results);
  if (ONLY.length === 0) fs.writeFileSync(path.join(__dirname, 'results.md'), md);
  process.stdout.write(md + '\n');
  log(`done in ${results.totalSeconds.toFixed(0)} s${ONLY.length ? ' (partial run: results.md not written)' : ''}; raw results in ${tmp}/results.json`);
  fs.rmSync(path.join(tmp, 'spans.jsonl'), { force: true });
  fs.rmSync(path.join(tmp, 'startup.jsonl'), { force: true });
}

const BASELINE = path.join(__dirname, 'baseline.json');

/** The headline: whole-process CPU, instructions per call, cold paths; with the committed "before" run beside it when there is one. */
function renderHeadline(R, B) {
  const out = [];
  const hc = R.whole || R.instructions || (R.cold && Object.values(R.cold)[0]);
  if (!hc) return out;
  const labelOf = (n) => (R.whole?.[n] || R.instructions?.[n] || hc[n] || { label: n }).label;
  const before = (get) => {
    try {
      const v = get(B);
      return v === undefined || Number.isNaN(v) ? undefined : v;
    } catch {
      return undefined;
    }
  };
  const pair = (now, then, d, unit = '') => (then === undefined ? `${f(now, d)}${unit}` : `${f(now, d)}${unit} (before ${f(then, d)}${unit})`);
  out.push('## Headline: whole process', '');
  out.push(
    'Every figure here is a whole process as an app runs it: preload, module loading, the first call, the timed calls and the exit flush (with any child process the agent waits for), measured from outside with bash `time` (user + sys, wait4 rusage). Configurations interleaved, one process per run; median and spread (max − min over the median) of the runs. "before" is the committed baseline run (`bench/baseline.json`), measured on the same machine before this branch\'s changes.',
    '',
  );
  if (R.whole) {
    const w = R.whole;
    const n0 = w.none.cpuMs.median;
    out.push(`### DynamoDB GetItem, small item: ${w.none.calls} calls + 1 first call, concurrency ${CONCURRENCY}`, '');
    out.push('| configuration | process CPU ms | spread | × no agent | first call CPU ms | first call wall ms | peak RSS MB | + RSS MB | OTLP requests / spans |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const n of Object.keys(w)) {
      const r = w[n];
      const ratio = r.cpuMs.median / n0;
      const bRatio = before((b) => b.whole[n].cpuMs.median / b.whole.none.cpuMs.median);
      const req = r.otlpRequests === undefined ? '–' : `${r.otlpRequests} / ${r.otlpSpans}`;
      const fcCpu = r.firstCallCpuMs && r.firstCallCpuMs.runs.length ? r.firstCallCpuMs.median : undefined;
      out.push(`| ${labelOf(n)} | ${f(r.cpuMs.median, 0)} | ±${f((r.cpuMs.spread * 100) / 2, 1)}% | ${pair(ratio, bRatio, 3, '×')} | ${pair(fcCpu, before((b) => b.whole[n].firstCallCpuMs.median), 1)} | ${f(r.firstCallMs.median, 1)} | ${f(r.maxRssMB.median)} | ${f(r.maxRssMB.median - w.none.maxRssMB.median)} | ${req} |`);
    }
    out.push('');
  }
  if (R.whole200k) {
    const w = R.whole200k;
    const n0 = w.none.cpuMs.median;
    out.push(`### GetItem, 200 KB response: ${w.none.calls} calls + 1, concurrency ${CONCURRENCY}`, '');
    out.push('| configuration | process CPU ms | spread | × no agent | peak RSS MB |', '|---|---:|---:|---:|---:|');
    for (const n of Object.keys(w)) {
      const r = w[n];
      const bRatio = before((b) => b.whole200k[n].cpuMs.median / b.whole200k.none.cpuMs.median);
      out.push(`| ${labelOf(n)} | ${f(r.cpuMs.median, 0)} | ±${f((r.cpuMs.spread * 100) / 2, 1)}% | ${pair(r.cpuMs.median / n0, bRatio, 3, '×')} | ${f(r.maxRssMB.median)} |`);
    }
    out.push('');
  }
  if (R.instructions) {
    const I = R.instructions;
    out.push(`### Instructions per call (cachegrind)`, '', `\`valgrind --tool=cachegrind --cache-sim=no\`, whole process with all its threads; (I(${R.counts.igLong} calls) − I(${R.counts.igShort} calls)) / ${R.counts.igLong - R.counts.igShort}, so start-up and exit cancel out. One run per configuration: the count repeats to well under 1%.`, '');
    out.push('| configuration | M instructions per call | vs no agent |', '|---|---:|---:|');
    for (const n of Object.keys(I)) {
      const r = I[n];
      const rel = (r.perCall / I.none.perCall - 1) * 100;
      const bRel = before((b) => (b.instructions[n].perCall / b.instructions.none.perCall - 1) * 100);
      out.push(`| ${labelOf(n)} | ${pair(r.perCall / 1e6, before((b) => b.instructions[n].perCall / 1e6), 3)} | ${n === 'none' ? '–' : pair(rel, bRel, 1, '%')} |`);
    }
    out.push('');
  }
  if (R.cold) {
    out.push('### Cold paths', '', `Whole-process CPU and wall time, median of ${R.counts.coldReps} runs per configuration (interleaved, after one untimed round). "first call" is the wall time of the first \`client.send()\` as the app sees it.`, '');
    out.push('| case | configuration | process CPU ms | + vs no agent | wall ms | first call ms | + vs no agent |', '|---|---|---:|---:|---:|---:|---:|');
    for (const [k, byName] of Object.entries(R.cold)) {
      for (const n of Object.keys(byName)) {
        const r = byName[n];
        const add = r.cpuMs.median - byName.none.cpuMs.median;
        const bAdd = before((b) => b.cold[k][n].cpuMs.median - b.cold[k].none.cpuMs.median);
        const fc = r.firstCallMs ? f(r.firstCallMs.median, 1) : '–';
        const fcAdd = r.firstCallMs ? pair(r.firstCallMs.median - byName.none.firstCallMs.median, before((b) => b.cold[k][n].firstCallMs.median - b.cold[k].none.firstCallMs.median), 1) : '–';
        out.push(`| ${k} | ${labelOf(n)} | ${f(r.cpuMs.median, 0)} ±${f((r.cpuMs.spread * 100) / 2, 0)}% | ${n === 'none' ? '–' : pair(add, bAdd, 1)} | ${f(r.wallMs.median, 0)} | ${fc} | ${n === 'none' ? '–' : fcAdd} |`);
      }
    }
    out.push('');
  }
  return out;
}

function headlineTargets(R) {
  const t = [];
  if (R.whole) {
    for (const n of ['json', 'proto', 'file'].filter((k) => R.whole[k])) {
      const ratio = R.whole[n].cpuMs.median / R.whole.none.cpuMs.median;
      t.push([`(H) GetItem whole-process CPU, ${R.whole[n].label} ≤ 1.15× no agent`, `${f(ratio, 3)}×`, ratio <= 1.15]);
    }
    const rss = R.whole.json.maxRssMB.median - R.whole.none.maxRssMB.median;
    t.push(['(H) steady RSS, OTLP http/json ≤ +20 MB', `+${f(rss)} MB`, rss <= 20]);
  }
  if (R.whole200k && R.whole200k.json) {
    const ratio = R.whole200k.json.cpuMs.median / R.whole200k.none.cpuMs.median;
    t.push(['(H) GetItem 200 KB whole-process CPU, OTLP http/json ≤ 1.15×', `${f(ratio, 3)}×`, ratio <= 1.15]);
  }
  if (R.instructions) {
    for (const n of ['json', 'proto'].filter((k) => R.instructions[k] && R.instructions.none)) {
      const rel = (R.instructions[n].perCall / R.instructions.none.perCall - 1) * 100;
      t.push([`(I) instructions per call, ${R.instructions[n].label} ≤ +15%`, `+${f(rel, 1)}%`, rel <= 15]);
    }
  }
  if (R.cold) {
    const [pre] = Object.values(R.cold);
    const p = !pre.file ? NaN : pre.file.cpuMs.median - pre.none.cpuMs.median;
    t.push(['(K) preload alone ≤ +20 ms CPU (`node -e 0`, file exporter)', `+${f(p, 1)} ms`, p <= 20]);
  }
  if (R.whole) {
    // The first call's own CPU in the app (module loading included); wall time moves with the machine's load.
    for (const n of ['json', 'file'].filter((k) => R.whole[k])) {
      const fc = R.whole[n].firstCallCpuMs.median - R.whole.none.firstCallCpuMs.median;
      const wall = R.whole[n].firstCallMs.median - R.whole.none.firstCallMs.median;
      t.push([`(K) first call ≤ +30 ms, ${R.whole[n].label}`, `+${f(fc, 1)} ms CPU (wall +${f(wall, 1)} ms)`, fc <= 30]);
    }
  }
  return t;
}

function render(R) {
  const m = R.machine;
  let B;
  try {
    B = JSON.parse(fs.readFileSync(BASELINE, 'utf8'));
  } catch {
    B = undefined;
  }
  const out = [
    '# wiretap benchmark results',
    '',
    `Generated by \`npm run bench\` (bench/run.js) on ${m.date}.`,
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memGB} GB RAM, ${m.os}`,
    `- Node ${m.node}`,
    `- ${R.runs} runs per configuration, configurations interleaved (A B C D A B C D …); each run is its own process; medians reported.`,
    `- Servers (fake DynamoDB, plain HTTP, OTLP receivers) run in the orchestrator process on 127.0.0.1.`,
    `- CPU = user + system CPU of the whole client process (all threads) over the timed loop, after a warm-up; peak RSS = \`process.resourceUsage().maxRSS\`.`,
    `- Total bench time: ${f(R.totalSeconds, 0)} s.`,
    ...(R.note ? ['', R.note] : []),
    '',
  ];
  const targets = headlineTargets(R);
  if (R.a) {
    const { none, wiretap, otel } = R.a;
    const ratio = wiretap.cpuUsPerCall / none.cpuUsPerCall;
    const added = wiretap.cpuUsPerCall - none.cpuUsPerCall;
    const otelAdded = otel.cpuUsPerCall - none.cpuUsPerCall;
    targets.push(['(a) CPU per call, wiretap defaults ≤ 1.15× no agent', `${f(ratio, 3)}×`, ratio <= 1.15]);
    targets.push([
      "(a) wiretap's added CPU ≤ ½ of the OpenTelemetry stack's",
      `${f(added)} µs vs ${f(otelAdded)} µs (${f(added / otelAdded, 2)}×)`,
      added <= otelAdded / 2,
    ]);
  }
  if (R.b200k && R.b10m) {
    const o200 = R.b200k.wiretap.cpuUsPerCall - R.b200k.none.cpuUsPerCall;
    const o10 = R.b10m.wiretap.cpuUsPerCall - R.b10m.none.cpuUsPerCall;
    const budget = 0.02 * R.b10m.none.cpuUsPerCall;
    targets.push([
      '(b) 10 MB response adds ≤ 2% CPU over the 200 KB overhead',
      `overhead ${f(o10)} µs/call at 10 MB vs ${f(o200)} µs/call at 200 KB: +${f(o10 - o200)} µs = ${f(((o10 - o200) / R.b10m.none.cpuUsPerCall) * 100, 2)}% of the 10 MB call (${f(R.b10m.none.cpuUsPerCall)} µs)`,
      o10 - o200 <= budget,
    ]);
    const capKB = (2 * CONCURRENCY);
    const rssGrowth = R.b10m.wiretap.maxRssMB - R.b10m.none.maxRssMB - (R.b200k.wiretap.maxRssMB - R.b200k.none.maxRssMB);
    const noise = R.b10m.none.maxRssMBMax - R.b10m.none.maxRssMBMin;
    targets.push([
      `(b) RSS growth from 200 KB to 10 MB ≤ cap × concurrency (2 KiB × ${CONCURRENCY} = ${capKB} KiB)`,
      `${f(rssGrowth * 1024, 0)} KiB (run-to-run spread of the no-agent peak RSS at 10 MB: ${f(noise * 1024, 0)} KiB)`,
      rssGrowth * 1024 <= Math.max(capKB, noise * 1024),
      rssGrowth * 1024 <= capKB ? '' : ' (within measurement noise)',
    ]);
  }
  if (R.capture && R.b10m) {
    const c200 = R.capture.results['200 KB'];
    const c10 = R.capture.results['10 MB'];
    const budget = 0.02 * R.b10m.none.cpuUsPerCall;
    targets.push([
      '(b) measured in-process (no SDK noise): wiretap\'s added CPU for a 10 MB response ≤ the 200 KB one + 2% of the 10 MB call',
      `${f(c10.addedUs)} µs at 10 MB vs ${f(c200.addedUs)} µs at 200 KB: ${f(c10.addedUs - c200.addedUs)} µs (budget ${f(budget)} µs)`,
      c10.addedUs - c200.addedUs <= budget,
    ]);
    targets.push([
      `(b) in-process: heap left after ${R.capture.calls} exchanges grows from 200 KB to 10 MB responses by ≤ cap × concurrency (${2 * CONCURRENCY} KiB)`,
      `${f(c10.heapDeltaKB, 0)} KiB at 10 MB vs ${f(c200.heapDeltaKB, 0)} KiB at 200 KB (the 200 KB run comes first and includes one-time lazy loading): ${f(c10.heapDeltaKB - c200.heapDeltaKB, 0)} KiB`,
      c10.heapDeltaKB - c200.heapDeltaKB <= 2 * CONCURRENCY,
    ]);
  }
  if (R.startup) {
    const s = R.startup['node -e 0'];
    const sdk = R.startup['require @aws-sdk/client-dynamodb'];
    targets.push(['(d) preload start-up ≤ +40 ms over bare node (`node -e 0`)', `+${f(s.wiretap - s.none)} ms`, s.wiretap - s.none <= 40]);
    targets.push(['(d) preload start-up ≤ +40 ms (require the DynamoDB client)', `+${f(sdk.wiretap - sdk.none)} ms`, sdk.wiretap - sdk.none <= 40]);
  }
  if (R.decoders) {
    const d = R.decoders.results.find((x) => x.label === 'DynamoDB GetItem');
    targets.push(['(e) ≥ 100k DynamoDB GetItem exchanges/s decoded on one core (the decoder)', `${f(d.decodeOnlyPerSec / 1000)}k/s (${d.decoder})`, d.decodeOnlyPerSec >= 100000 && d.decoder !== 'http']);
    targets.push(['(e) the same, with everything done at span end (generic HTTP attributes, redacted bodies)', `${f(d.perSec / 1000)}k/s`, d.perSec >= 100000]);
  }
  if (R.memory) {
    const s = R.memory.samples;
    const third = Math.max(1, Math.floor(s.length / 3));
    const early = s.slice(1, third + 1);
    const late = s.slice(-third);
    const maxOf = (xs, k) => Math.max(...xs.map((x) => x[k]));
    const heapGrowth = maxOf(late, 'heapMB') - maxOf(early, 'heapMB');
    const rssGrowth = maxOf(late, 'rssMB') - maxOf(early, 'rssMB');
    targets.push([
      'Bounded memory: heap and RSS flat over 100k calls with a 2 s OTLP receiver',
      `heap ${f(maxOf(early, 'heapMB'))} → ${f(maxOf(late, 'heapMB'))} MB, RSS ${f(maxOf(early, 'rssMB'))} → ${f(maxOf(late, 'rssMB'))} MB (first vs last third, max); ${R.memory.dropped} spans dropped and counted`,
      heapGrowth < 8 && rssGrowth < 32 && R.memory.dropped > 0,
    ]);
  }
  out.push('## Targets', '', '| target | measured | result |', '|---|---|---|');
  for (const [t, v, ok, extra] of targets) out.push(`| ${t} | ${v} | ${mark(ok)}${extra || ''} |`);
  out.push('');
  out.push(...renderHeadline(R, B));
  out.push('## In-loop workloads (timed loop only, after a warm-up; kept for continuity)', '');
  out.push('## Summary', '', '| workload | no agent | wiretap | wiretap OTLP | OTel contrib |', '|---|---:|---:|---:|---:|');
  const row = (name, s) => {
    if (!s) return;
    const cell = (c) => `${f(s[c].cpuUsPerCall)} µs (${f(s[c].cpuUsPerCall / s.none.cpuUsPerCall, 2)}×)`;
    out.push(`| ${name}: CPU/call | ${f(s.none.cpuUsPerCall)} µs | ${cell('wiretap')} | ${cell('wiretap-otlp')} | ${cell('otel')} |`);
    const tput = (c) => `${f(s[c].callsPerSec, 0)} (${f(s[c].callsPerSec / s.none.callsPerSec, 2)}×)`;
    out.push(`| ${name}: calls/s | ${f(s.none.callsPerSec, 0)} | ${tput('wiretap')} | ${tput('wiretap-otlp')} | ${tput('otel')} |`);
    const rss = (c) => `${f(s[c].maxRssMB)} MB`;
    out.push(`| ${name}: peak RSS | ${rss('none')} | ${rss('wiretap')} | ${rss('wiretap-otlp')} | ${rss('otel')} |`);
  };
  row('(a) GetItem', R.a);
  row('(b) GetItem 200 KB', R.b200k);
  row('(b) GetItem 10 MB', R.b10m);
  row('(c) fetch', R.fetch);
  row('(c) http.request', R.http);
  if (R.startup) {
    for (const [k, s] of Object.entries(R.startup)) {
      const cell = (c) => `${f(s[c])} ms (+${f(s[c] - s.none)})`;
      out.push(`| (d) start-up: ${k} | ${f(s.none)} ms | ${cell('wiretap')} | ${cell('wiretap-otlp')} | ${cell('otel')} |`);
    }
  }
  out.push('');
  out.push('## Workloads', '');
  const c = R.counts;
  if (R.a) out.push(workloadTable('(a) DynamoDB GetItem, small item', R.a, `\`@aws-sdk/client-dynamodb\` GetItem against a fake DynamoDB (precomputed JSON), concurrency ${CONCURRENCY}, ${c.small} timed calls after 500 warm-up calls.`), '');
  if (R.b200k) out.push(workloadTable('(b) GetItem, 200 KB response', R.b200k, `Concurrency ${CONCURRENCY}, ${c.big200k} timed calls after 50 warm-up calls.`), '');
  if (R.b10m) out.push(workloadTable('(b) GetItem, 10 MB response', R.b10m, `Concurrency ${CONCURRENCY}, ${c.big10m} timed calls after 16 warm-up calls (fewer calls: each moves 10 MB and the SDK parses it).`), '');
  if (R.fetch) out.push(workloadTable('(c) global fetch loop', R.fetch, `\`fetch()\` + \`arrayBuffer()\` of a 360-byte JSON body, concurrency ${CONCURRENCY}, ${c.loops} timed calls.`), '');
  if (R.http) out.push(workloadTable('(c) http.request loop', R.http, `\`http.request\` (keep-alive agent) reading a 360-byte JSON body, concurrency ${CONCURRENCY}, ${c.loops} timed calls.`), '');
  if (R.startup) {
    out.push('### (d) Start-up', '', `Wall time of the whole process, median of ${c.startupReps} runs per configuration (interleaved, after one untimed round).`, '');
    out.push('| command | no agent | wiretap | wiretap OTLP | OTel contrib |', '|---|---:|---:|---:|---:|');
    for (const [k, s] of Object.entries(R.startup)) out.push(`| \`${k}\` | ${f(s.none)} ms | ${f(s.wiretap)} ms | ${f(s['wiretap-otlp'])} ms | ${f(s.otel)} ms |`);
    out.push('');
  }
  if (R.capture) {
    out.push('### (b) Capture cost in-process, 200 KB vs 10 MB', '', `The recorder calls the http interceptor makes for one exchange (request body, response head, the body in 64 KB chunks, end), the span described, redacted and exported to a file; ${R.capture.calls} exchanges each, cap ${R.capture.cap} bytes. "bare" is the same loop over the chunks without wiretap.`, '');
    out.push('| response | chunks | bare µs | wiretap µs | added µs | heap left after the run |', '|---|---:|---:|---:|---:|---:|');
    for (const [k, c] of Object.entries(R.capture.results)) out.push(`| ${k} | ${c.chunks} | ${f(c.bareUs, 2)} | ${f(c.wiretapUs)} | ${f(c.addedUs)} | ${f(c.heapDeltaKB, 0)} KiB |`);
    out.push('');
  }
  if (R.decoders) {
    out.push('### (e) Decoders, in-process', '', 'Exchanges per second through `describeExchange` (registry match + decode + generic HTTP attributes + redacted bodies), one core.', '');
    out.push('| exchange | decoder | span name | span-end work/s | µs each | decoder alone/s | attributes | source |', '|---|---|---|---:|---:|---:|---:|---|');
    for (const d of R.decoders.results) out.push(`| ${d.label} | ${d.decoder} | ${d.spanName} | ${f(d.perSec, 0)} | ${f(d.usPer, 2)} | ${f(d.decodeOnlyPerSec, 0)} | ${d.attributes} | ${d.source}${d.note ? ` — ${d.note}` : ''} |`);
    out.push('', `Decoders registered: ${R.decoders.decoders.join(', ')}.`, '');
  }
  if (R.memory) {
    const M = R.memory;
    out.push(
      '### Bounded memory under load',
      '',
      `wiretap with OTLP export to a receiver that answers every request after 2 s (OTEL_BSP_SCHEDULE_DELAY=200, default queue 2048 / batch 512); ${M.calls} \`http.request\` POSTs (≈ 560-byte bodies), concurrency ${CONCURRENCY}. Heap is sampled after a forced GC.`,
      '',
      `Result: ${f(M.seconds)} s; spans exported ${M.exported}, dropped (counted by the export queue) ${M.dropped}, still queued at the end ${M.pending}; receiver got ${M.receivedSpans} spans in ${M.receiverRequests} requests; peak RSS ${f(M.maxRssMB)} MB.`,
      '',
      '| t (s) | calls done | heap MB | RSS MB | dropped | exported | queued |',
      '|---:|---:|---:|---:|---:|---:|---:|',
    );
    const step = Math.max(1, Math.ceil(M.samples.length / 20));
    M.samples.forEach((s, i) => {
      if (i % step === 0 || i === M.samples.length - 1) out.push(`| ${f(s.t)} | ${s.calls} | ${f(s.heapMB)} | ${f(s.rssMB)} | ${s.dropped} | ${s.exported} | ${s.pending} |`);
    });
    out.push('');
  }
  return out.join('\n');
}

const T0 = Date.now();
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
