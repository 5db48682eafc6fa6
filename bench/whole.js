'use strict';
// The headline measurements of `npm run bench`: whole processes, as an app runs them.
// - wholeProcess: user + sys CPU of the entire process (preload, module loading, the first call, the timed
//   calls, the exit flush and any child process the agent waits for), measured from outside by bash's
//   `time` keyword (wait4 rusage, ms resolution), interleaved across configurations.
// - instructions: instructions per call under `valgrind --tool=cachegrind --cache-sim=no`, the marginal
//   count between a short and a long run of the same app (start-up and exit cancel out). It reproduces to
//   well under 1% where CPU time moves by ±10%.
// - coldPaths: whole-process CPU of `node -e 0` (the preload alone) and of one GetItem (preload + first call).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const APPS = path.join(__dirname, 'apps');
const TIME_MARK = 'BENCH_TIME';

/** Runs `argv` under bash's `time`; resolves with the app's BENCH_RESULT plus cpuMs/wallMs of the whole process tree. */
function timed(argv, env, timeoutMs = 300000) {
  return new Promise((resolve, reject) => {
    const script = `TIMEFORMAT='${TIME_MARK} %3R %3U %3S'; time "$@"`;
    const child = spawn('bash', ['-c', script, 'bash', ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const t = err.split('\n').find((l) => l.startsWith(TIME_MARK));
      if (!t || code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}:\n${err.slice(-2000)}`));
      const [wall, user, sys] = t.slice(TIME_MARK.length + 1).split(' ').map(Number);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      const result = line ? JSON.parse(line.slice('BENCH_RESULT '.length)) : {};
      const rest = err.split('\n').filter((l) => l.trim() && !l.startsWith(TIME_MARK));
      if (rest.length) result.stderr = rest.slice(0, 5).join(' | ');
      resolve({ ...result, wallMs: wall * 1000, cpuMs: (user + sys) * 1000, userMs: user * 1000, sysMs: sys * 1000 });
    });
  });
}

/**
 * Instructions V8 spent finding a prime for its random hash seed at isolate start (detail::sprp, from
 * HashSeed::InitializeRoots), in a cachegrind output file: 6-14 M that change from run to run with the
 * seed and are no one's cost, so the counts below leave them out.
 */
function hashSeedPrimeSearch(cachegrindOut) {
  let sum = 0;
  let inSearch = false;
  for (const line of fs.readFileSync(cachegrindOut, 'utf8').split('\n')) {
    if (line.startsWith('fn=')) inSearch = line.includes('detail::sprp');
    else if (inSearch && /^\d/.test(line)) sum += Number(line.split(' ')[1]);
  }
  return sum;
}

/**
 * Runs `argv` under cachegrind; resolves with the instruction count (I refs) of the process, threads
 * included, less the hash-seed prime search.
 */
function cachegrind(argv, env, timeoutMs = 900000) {
  return new Promise((resolve, reject) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-cg-'));
    const outFile = path.join(dir, 'cachegrind.out');
    const args = ['--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${outFile}`, ...argv];
    const child = spawn('valgrind', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const m = /I\s+refs:\s+([\d,]+)/.exec(err);
      try {
        if (!m || code !== 0) return reject(new Error(`valgrind ${argv.join(' ')} exited ${code}:\n${err.slice(-1500)}`));
        const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
        resolve({ instructions: Number(m[1].replace(/,/g, '')) - hashSeedPrimeSearch(outFile), result: line ? JSON.parse(line.slice('BENCH_RESULT '.length)) : {} });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Median and spread (max−min over median) of one configuration's runs. */
function stat(xs) {
  const med = median(xs);
  return { median: med, min: Math.min(...xs), max: Math.max(...xs), spread: med ? (Math.max(...xs) - Math.min(...xs)) / med : 0, runs: xs };
}

/**
 * Interleaved whole-process runs of `app` for every configuration. `prepare(config)` runs before each run
 * (receiver reset) and `collect(config, result)` after it (receiver counts).
 */
async function wholeProcess({ configs, runs, app, appEnv, baseEnv, prepare, collect, log, label }) {
  const byConfig = Object.fromEntries(configs.map((c) => [c.name, []]));
  for (let r = 0; r < runs; r++) {
    for (const c of configs) {
      if (prepare) prepare(c);
      const result = await timed([process.execPath, path.join(APPS, app)], { ...baseEnv(), ...appEnv, ...c.env });
      if (collect) collect(c, result);
      if (result.errors) log(`  ${label}/${c.name}: ${result.errors} failed calls`);
      if (result.stderr) log(`  ${label}/${c.name} stderr: ${result.stderr}`);
      byConfig[c.name].push(result);
    }
    log(`${label}: round ${r + 1}/${runs} done`);
  }
  const summary = {};
  for (const c of configs) {
    const rs = byConfig[c.name];
    const pick = (k) => stat(rs.map((x) => x[k]).filter((v) => typeof v === 'number'));
    summary[c.name] = {
      label: c.label,
      calls: rs[0].calls,
      cpuMs: pick('cpuMs'),
      wallMs: pick('wallMs'),
      firstCallMs: pick('firstCallMs'),
      firstCallCpuMs: pick('firstCallCpuMs'),
      maxRssMB: pick('maxRssMB'),
      otlpRequests: rs[0].otlpRequests === undefined ? undefined : median(rs.map((x) => x.otlpRequests)),
      otlpSpans: rs[0].otlpSpans === undefined ? undefined : median(rs.map((x) => x.otlpSpans)),
    };
  }
  return summary;
}

/**
 * Marginal instructions per call: (I(long) − I(short)) / (long − short), one run each (cachegrind is
 * deterministic to ~0.3%), after one unmeasured short run: wiretap writes its V8 code cache at the exit of
 * the first process of a build (dist/.v8-cache), ~0.15 G instructions that would land in the short run
 * only and pull the per-call figure down by ~0.15 M.
 */
async function instructions({ configs, app, appEnv, baseEnv, short, long, log, label }) {
  const out = {};
  for (const c of configs) {
    const env = (calls) => ({ ...baseEnv(), ...appEnv, ...c.env, BENCH_CALLS: String(calls) });
    await cachegrind([process.execPath, path.join(APPS, app)], env(short));
    const a = await cachegrind([process.execPath, path.join(APPS, app)], env(short));
    const b = await cachegrind([process.execPath, path.join(APPS, app)], env(long));
    out[c.name] = { label: c.label, short: a.instructions, long: b.instructions, perCall: (b.instructions - a.instructions) / (long - short), errors: (a.result.errors || 0) + (b.result.errors || 0) };
    log(`  ${label}/${c.name}: ${(out[c.name].perCall / 1e6).toFixed(3)} M instructions per call`);
  }
  return out;
}

/** Cold paths, interleaved: `node -e 0` (preload alone) and one GetItem then exit (preload + first call). */
async function coldPaths({ configs, reps, appEnv, baseEnv, log }) {
  const cases = [
    { name: 'preload alone (node -e 0)', argv: [process.execPath, '-e', '0'] },
    { name: 'preload + first GetItem', argv: [process.execPath, path.join(APPS, 'whole.js')], env: { ...appEnv, BENCH_CALLS: '0' } },
  ];
  const runs = {};
  for (const k of cases) for (const c of configs) runs[`${k.name}|${c.name}`] = [];
  for (let r = -1; r < reps; r++) {
    for (const k of cases) {
      for (const c of configs) {
        const res = await timed(k.argv, { ...baseEnv(), ...(k.env || {}), ...c.env });
        if (r >= 0) runs[`${k.name}|${c.name}`].push(res);
      }
    }
  }
  log('cold paths done');
  const out = {};
  for (const k of cases) {
    out[k.name] = {};
    for (const c of configs) {
      const rs = runs[`${k.name}|${c.name}`];
      out[k.name][c.name] = {
        label: c.label,
        cpuMs: stat(rs.map((x) => x.cpuMs)),
        wallMs: stat(rs.map((x) => x.wallMs)),
        firstCallMs: rs[0].firstCallMs === undefined ? undefined : stat(rs.map((x) => x.firstCallMs)),
        firstCallCpuMs: rs[0].firstCallCpuMs === undefined ? undefined : stat(rs.map((x) => x.firstCallCpuMs)),
      };
    }
  }
  return out;
}

/** Synchronous: the instruction count of one `node <args>` run under cachegrind (in-process measurements). */
function instructionsOf(args) {
  const { spawnSync } = require('node:child_process');
  const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, ...args], { encoding: 'utf8' });
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (!m) throw new Error(r.stderr);
  return Number(m[1].replace(/,/g, ''));
}

module.exports = { timed, cachegrind, hashSeedPrimeSearch, instructionsOf, wholeProcess, instructions, coldPaths, median, stat };
