'use strict';
// `node bench/cold.js [RUNS] [tag=path/to/register.js,...]`: the cold path, whole processes.
//   node -e 0                        no agent / preload alone
//   bench/apps/whole.js BENCH_CALLS=0 no agent / preload + the first DynamoDB GetItem, with the file
//                                    exporter, OTLP http/json and http/protobuf to a local receiver
// For each: median whole-process CPU (bash `time`, user + sys, children included) of RUNS interleaved
// runs, the first call's own CPU as the app measures it, and the instruction count of one run under
// `valgrind --tool=cachegrind` (bench/whole.js; deterministic to ~0.3%; it does not follow child processes, so the
// synchronous exit send of OTLP, a child process, is in the CPU column only). Default register: dist/.
// BENCH_COLD_NODE picks the node binary; BENCH_COLD_CACHEGRIND=0 skips valgrind. Prints JSON.
// wiretap's V8 code cache (dist/.v8-cache, written by the first process of an install) is used as an app
// would find it; BENCH_COLD_NO_CACHE=1 adds a "file, no code cache" case (WIRETAP_CODE_CACHE=0) per build,
// which is what a fresh read-only install (a new container, Lambda) pays.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServers } = require('./servers');
const { cachegrind } = require('./whole');

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.argv[2] || 7);
const REGISTERS = (process.argv[3] || `wiretap=${path.join(ROOT, 'dist', 'register.js')}`).split(',').map((x) => x.split('='));
const NODE = process.env.BENCH_COLD_NODE || process.execPath;
const CACHEGRIND = process.env.BENCH_COLD_CACHEGRIND !== '0';

const run = (cmd, args, env) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', () => resolve({ stdout, stderr }));
  });
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : undefined;
};

(async () => {
  const servers = await startServers();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-cold-'));
  // A clean environment: no NODE_OPTIONS, OTEL_* or WIRETAP_* from the caller, and no NODE_EXTRA_CA_CERTS
  // (loading a CA bundle costs more than everything measured here).
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1', OTEL_SERVICE_NAME: 'wiretap-bench', BENCH_DDB_PORT: String(servers.ports.ddb), BENCH_CALLS: '0', WIRETAP_FILE: path.join(tmp, 'spans.jsonl') };
  const whole = path.join(__dirname, 'apps', 'whole.js');
  const otlp = (protocol) => ({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${servers.ports.otlp}/v1/traces` });
  const cases = [
    ['preload: no agent', ['-e', '0'], {}],
    ['first call: no agent', [whole], {}],
  ];
  for (const [tag, register] of REGISTERS) {
    cases.push(
      [`preload: ${tag}`, ['--require', register, '-e', '0'], {}],
      [`first call: ${tag}, file`, ['--require', register, whole], {}],
      [`first call: ${tag}, OTLP http/json`, ['--require', register, whole], otlp('http/json')],
      [`first call: ${tag}, OTLP http/protobuf`, ['--require', register, whole], otlp('http/protobuf')],
    );
    if (process.env.BENCH_COLD_NO_CACHE === '1') cases.push([`first call: ${tag}, file, no code cache`, ['--require', register, whole], { WIRETAP_CODE_CACHE: '0' }]);
  }
  const cpu = new Map(cases.map(([name]) => [name, []]));
  const first = new Map(cases.map(([name]) => [name, []]));
  const out = path.join(tmp, 'out.txt');
  for (let r = 0; r < RUNS; r++) {
    for (const [name, args, env] of cases) {
      const quoted = [NODE, ...args].map((a) => `'${a}'`).join(' ');
      const res = await run('bash', ['-c', `TIMEFORMAT='%U %S'; time ${quoted} > '${out}'`], { ...base, ...env });
      const [user, sys] = res.stderr.trim().split('\n').pop().split(' ').map(Number);
      cpu.get(name).push((user + sys) * 1000);
      const m = /BENCH_RESULT (.*)/.exec(fs.readFileSync(out, 'utf8'));
      if (m) first.get(name).push(JSON.parse(m[1]).firstCallCpuMs);
    }
  }
  const result = { node: NODE, runs: RUNS, loadavg: os.loadavg(), cases: {} };
  for (const [name, args, env] of cases) {
    const row = { cpuMs: median(cpu.get(name)), firstCallCpuMs: median(first.get(name)), cpuRunsMs: cpu.get(name).map(Math.round) };
    if (CACHEGRIND) {
      row.instructions = (await cachegrind([NODE, ...args], { ...base, ...env })).instructions;
    }
    result.cases[name] = row;
  }
  result.loadavgAfter = os.loadavg();
  console.log(JSON.stringify(result, null, 1));
  servers.close();
  fs.rmSync(tmp, { recursive: true, force: true });
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
