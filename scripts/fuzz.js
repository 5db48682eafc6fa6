'use strict';
// `npm run fuzz`: the describe-path fuzz test (test/fuzz/exchanges.test.ts) with 100000 cases and a fresh
// seed (printed, so a failure can be replayed with FUZZ_SEED=<seed>). FUZZ_RUNS / FUZZ_SEED override;
// FUZZ_SAVE=1 writes a shrunk failure to fixtures/fuzz/. `npm test` runs the same test with 3000 cases and
// a fixed seed.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
env.FUZZ_RUNS = env.FUZZ_RUNS || '100000';
env.FUZZ_SEED = env.FUZZ_SEED || String(Date.now() % 2147483647);
process.stderr.write(`fuzz: ${env.FUZZ_RUNS} cases, seed ${env.FUZZ_SEED}\n`);
const mocha = require.resolve('mocha/bin/mocha.js');
const res = spawnSync(process.execPath, [mocha, path.join(__dirname, '..', 'build', 'test', 'fuzz', 'exchanges.test.js')], { env, stdio: 'inherit' });
process.exit(res.status === null ? 1 : res.status);
