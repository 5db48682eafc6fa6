// `npm run demo`: starts the local servers, runs demo/app.js under the wiretap preload, and prints the
// transactions, the checkout's waterfall and the stats per integration, and writes the HTML report.
// No account, no cloud: everything listens on 127.0.0.1.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startDemoServers } = require('./servers');

async function main() {
  const root = path.resolve(__dirname, '..');
  const outDir = path.join(root, 'demo', 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const traces = path.join(outDir, 'wiretap-traces.jsonl');
  fs.rmSync(traces, { force: true });

  const servers = await startDemoServers();
  console.log('demo: servers up on 127.0.0.1; running demo/app.js with --require wiretap/register\n');
  const child = await new Promise((resolve) => {
    const { spawn } = require('node:child_process');
    const p = spawn(process.execPath, ['--require', path.join(root, 'dist', 'register.js'), path.join(__dirname, 'app.js')], {
      env: { ...process.env, ...servers.env, WIRETAP_FILE: traces, OTEL_SERVICE_NAME: 'demo-shop', OTEL_TRACES_EXPORTER: 'file', NODE_NO_WARNINGS: '1' },
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    p.on('exit', (code, signal) => resolve({ code, signal }));
    p.once('message', async ({ port }) => {
      // One transaction: POST /checkout, then ask the app to stop.
      const res = await fetch(`http://127.0.0.1:${port}/checkout`, { method: 'POST' });
      await res.text();
      p.send('quit');
    });
  });
  await servers.close();
  if (child.code !== 0) {
    console.error(`\ndemo app exited with ${child.code ?? child.signal}`);
    process.exitCode = 1;
  }
  console.log(`\nwiretap wrote ${path.relative(process.cwd(), traces)}. The transactions (wiretap view):\n`);
  const cli = (...args) => spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'index.js'), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  const list = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'index.js'), 'view', traces, '--json'], { encoding: 'utf8' });
  const checkout = list.status === 0 ? JSON.parse(list.stdout)[0] : undefined;
  const steps = [
    ['view', traces],
    ...(checkout ? [['view', traces, '--trace', checkout.id]] : []),
    ['stats', traces],
    ['report', traces, '-o', path.join(outDir, 'wiretap-report.html')],
  ];
  const titles = { 1: `\nThe checkout as a waterfall (wiretap view --trace ${checkout ? checkout.id : ''}):\n`, 2: '\nPer integration (wiretap stats):\n', 3: '\nThe HTML report (wiretap report):\n' };
  for (const [i, args] of steps.entries()) {
    if (titles[i]) console.log(titles[i]);
    if (cli(...args).status !== 0) process.exitCode = 1;
  }
  if (!checkout) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
