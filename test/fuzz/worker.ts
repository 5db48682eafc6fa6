// Runs the fuzz property in a worker thread so the test's thread can watch it: the worker reports each case
// before running it; a case that never returns (a hang) is seen by the parent, which stops the worker and
// names the case. Reports { type: 'case', index } before each case, then { type: 'done', failure? }.
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { check, exchanges } from './exchange';

if (!parentPort) throw new Error('test/fuzz/worker.js runs in a worker thread started by exchanges.test.js');
const { seed, numRuns } = workerData as { seed: number; numRuns: number };
let index = 0;
const result = fc.check(
  fc.property(exchanges, (exchange) => {
    parentPort!.postMessage({ type: 'case', index: index++ });
    // Anything thrown here escaped describeExchange: fast-check records it as the failure.
    const { problems } = check(exchange);
    if (problems.length) throw new Error(problems.join('; '));
  }),
  { seed, numRuns, endOnFailure: false },
);
parentPort!.postMessage({
  type: 'done',
  runs: result.numRuns,
  failure: result.failed
    ? { seed: result.seed, path: result.counterexamplePath, counterexample: result.counterexample?.[0], error: String(result.errorInstance) }
    : undefined,
});
