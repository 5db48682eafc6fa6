'use strict';
// Instructions per call: (I(long) - I(short)) / (long - short) under cachegrind, per configuration.
// usage: node bench/instructions.js [register.js] [configs=none,file,json,proto,nox,nobody,off] [short=200] [long=1200]
// Same measurement as (I) in bench/run.js (bench/whole.js cachegrind), for one build at a time, with
// knock-out configurations for attribution: nox = no exporter (OTEL_TRACES_EXPORTER=none), nobody = file
// without bodies (WIRETAP_CAPTURE_BODIES=off), off = file with the sampler always_off. Runs two builds
// side by side when started twice in parallel (the count moves ~1% with load: export timers, batching).
// BENCH_NODE=<node binary> for Node 22/24.
const path = require('path'); const fs = require('fs'); const os = require('os');
const WT = path.join(__dirname, '..');
const { startServers } = require(WT + '/bench/servers');
const whole = require(WT + '/bench/whole');
const REGISTER = path.resolve(process.argv[2] || WT + '/dist/register.js');
const want = (process.argv[3] || 'none,file,json,proto').split(',');
const short = Number(process.argv[4] || 200), long = Number(process.argv[5] || 1200);
const NODE = process.env.BENCH_NODE || process.execPath;
(async () => {
  const servers = await startServers({ slowDelayMs: 2000 });
  const ports = servers.ports;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'steady-'));
  const otlpUrl = `http://127.0.0.1:${ports.otlp}/v1/traces`;
  const wt = { NODE_OPTIONS: `--require ${REGISTER}` };
  const all = [
    { name: 'none', env: {} },
    { name: 'file', env: { ...wt, WIRETAP_FILE: path.join(tmp, 'spans.jsonl') } },
    { name: 'json', env: { ...wt, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl } },
    { name: 'proto', env: { ...wt, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl } },
    { name: 'nox', env: { ...wt, OTEL_TRACES_EXPORTER: 'none' } },
    { name: 'nobody', env: { ...wt, WIRETAP_FILE: path.join(tmp, 'spans.jsonl'), WIRETAP_CAPTURE_BODIES: 'off' } },
    { name: 'off', env: { ...wt, WIRETAP_FILE: path.join(tmp, 'spans.jsonl'), OTEL_TRACES_SAMPLER: 'always_off' } },
  ];
  const baseEnv = () => { const env = { ...process.env }; for (const k of Object.keys(env)) if (k === 'NODE_OPTIONS' || k.startsWith('OTEL_') || k.startsWith('WIRETAP_')) delete env[k]; delete env.NODE_EXTRA_CA_CERTS; env.OTEL_SERVICE_NAME = 'wiretap-bench'; env.NODE_NO_WARNINGS = '1'; return env; };
  const appEnv = { BENCH_DDB_PORT: String(ports.ddb), BENCH_TABLE: 'small', BENCH_CONCURRENCY: '16' };
  for (const c of all.filter((c) => want.includes(c.name))) {
    servers.otlp.reset();
    const env = (calls) => ({ ...baseEnv(), ...appEnv, ...c.env, BENCH_CALLS: String(calls) });
    // Unmeasured first: the first process of a build writes wiretap's code cache at exit (see whole.instructions).
    await whole.cachegrind([NODE, WT + '/bench/apps/whole.js'], env(short));
    servers.otlp.reset();
    const a = await whole.cachegrind([NODE, WT + '/bench/apps/whole.js'], env(short));
    const r1 = servers.otlp.stats.requests;
    const b = await whole.cachegrind([NODE, WT + '/bench/apps/whole.js'], env(long));
    const r2 = servers.otlp.stats.requests - r1;
    // A register.js that fails to load (e.g. a copy outside the repository, without node_modules) exports
    // nothing and would pass for a very cheap agent: say so.
    const file = c.env.WIRETAP_FILE;
    const exported = c.name === 'none' || c.name === 'nox' || c.name === 'off' || (file ? fs.existsSync(file) && fs.statSync(file).size > 0 : r2 > 0);
    if (file) fs.rmSync(file, { force: true });
    if (!exported) console.log(`${c.name}: NOTHING WAS EXPORTED: the agent did not run (is ${REGISTER} inside a tree with node_modules?)`);
    console.log(`${c.name}: ${((b.instructions - a.instructions) / (long - short) / 1e6).toFixed(3)} M/call  (otlp requests long run: ${r2}, errors ${(a.result.errors||0)+(b.result.errors||0)})`);
  }
  process.exit(0);
})();
