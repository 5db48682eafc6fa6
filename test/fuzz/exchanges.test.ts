// Fuzzing the describe path (15.6): random, truncated and mis-typed exchanges through every decoder and the
// redactor. Invariants per case: nothing throws out of describeExchange, no decoder throws (each would lose
// its attributes), no planted secret reaches the span, and no case hangs.
//
// `npm test` runs FUZZ_RUNS (default 3000) cases with a fixed seed so a failure reproduces; `npm run fuzz`
// runs 100000 with a fresh seed (FUZZ_SEED to replay one). A failure is shrunk and written to
// fixtures/fuzz/ when FUZZ_SAVE=1, where test/fuzz/fixtures.test.ts keeps it as a regression test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { PLANTED } from './exchange';

const RUNS = Number(process.env.FUZZ_RUNS || 3000);
const SEED = Number(process.env.FUZZ_SEED || 20261201);
// A hang is a case that never returns. The watchdog is generous (a loaded CI machine, a 20 KB header) and
// measures nothing: it only turns "never" into a failure that names the case.
const HANG_MS = 30_000;

interface Done {
  type: 'done';
  runs: number;
  failure?: { seed: number; path?: string; counterexample: unknown; error: string };
}

describe('fuzz: exchanges through every decoder and the redactor', function () {
  this.timeout(0); // bounded by the per-case watchdog below instead

  it(`${RUNS} random, truncated and mis-typed exchanges: no exception, no decoder error, no planted secret, no hang (seed ${SEED})`, async () => {
    const outcome = await new Promise<Done | { type: 'hang'; index: number }>((resolve, reject) => {
      const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: { seed: SEED, numRuns: RUNS } });
      let last = -1;
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          void worker.terminate();
          resolve({ type: 'hang', index: last });
        }, HANG_MS);
      };
      arm();
      worker.on('message', (m: { type: 'case'; index: number } | Done) => {
        if (m.type === 'case') {
          last = m.index;
          arm();
        } else if (m.type === 'done') {
          clearTimeout(timer);
          resolve(m);
        }
      });
      worker.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    if (outcome.type === 'hang') expect.fail(`case ${outcome.index} of seed ${SEED} did not return (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${outcome.index + 1})`);
    const { failure } = outcome;
    if (failure && process.env.FUZZ_SAVE === '1') {
      const file = path.join(__dirname, '../../../fixtures/fuzz', `seed-${failure.seed}-${Date.now()}.json`);
      fs.writeFileSync(file, JSON.stringify({ description: `fuzz failure: ${failure.error}`, source: `test/fuzz seed ${failure.seed} path ${failure.path}`, exchange: failure.counterexample, expect: { notContains: Object.values(PLANTED) } }, null, 2) + '\n');
    }
    expect(failure, failure && `${failure.error}\nseed ${failure.seed} path ${failure.path}\n${JSON.stringify(failure.counterexample, null, 1).slice(0, 4000)}`).to.equal(undefined);
    expect(outcome.runs).to.equal(RUNS);
  });
});
