// Cost of log correlation and capture per line: the same app (console.log and pino, inside a SERVER span)
// with no agent, with the preload and correlation off (what spans alone cost the app's logging), with
// correlation (the default) and with WIRETAP_CAPTURE_LOGS=1.
// Interleaved runs, medians; CPU measured inside the app around the logging loop only.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const app = path.join(__dirname, 'apps', 'log-lines.js');
const lines = Number(process.env.LINES || 20000);
const runs = Number(process.env.RUNS || 7);
const configs = {
  'no agent': [],
  'wiretap (correlation off)': ['--require', path.join(root, 'dist', 'register.js')],
  'wiretap (correlation)': ['--require', path.join(root, 'dist', 'register.js')],
  'wiretap (capture on)': ['--require', path.join(root, 'dist', 'register.js')],
};
const results = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(configs)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-bench-logs-'));
    const env = { ...process.env, LINES: String(lines), WIRETAP_FILE: path.join(dir, 't.jsonl'), OTEL_BLRP_MAX_QUEUE_SIZE: String(lines * 2) };
    if (name.includes('capture')) env.WIRETAP_CAPTURE_LOGS = '1';
    if (name.includes('correlation off')) env.WIRETAP_LOG_CORRELATION = 'false';
    const r = spawnSync(process.execPath, [...args, app], { env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    const line = r.stderr.split('\n').find((l) => l.startsWith('{"cpuUs"'));
    if (line) results[name].push(JSON.parse(line).cpuUs);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(results['no agent']);
console.log(`| configuration | CPU per line (µs, median of ${runs}) | × no agent |`);
console.log('|---|---|---|');
for (const [name, cpu] of Object.entries(results)) {
  const m = median(cpu);
  console.log(`| ${name} | ${(m / lines).toFixed(2)} | ${(m / base).toFixed(2)} |`);
}
