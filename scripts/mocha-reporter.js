// Mocha's spec reporter plus one closing line in the plain form CI reads: `tests: N passed, N failed, N skipped`.
// Skipped tests are listed with their titles (a skip states its reason in the title or in this.skip()).
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => skipped.push(test.fullTitle()));
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      if (skipped.length) {
        process.stdout.write(`\nskipped:\n${skipped.map((t) => `  - ${t}`).join('\n')}\n`);
      }
      process.stdout.write(`\ntests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}

module.exports = SummaryReporter;
