// CLI golden files: each file in test/cli/golden/ is one test. Its first line is the command
// (`$ wiretap …`, run in test/cli/traces with NO_COLOR and COLUMNS=100), an optional `# exit N` line
// gives the expected exit code, and the rest is the expected stdout (then stderr after `--- stderr`).
// The trace files are checked in (test/cli/traces/README.md), so outputs are deterministic.
// WIRETAP_UPDATE_GOLDEN=1 rewrites the files from the current output; review the diff before committing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { runWiretap } from './run';

const root = path.resolve(__dirname, '../../..');
const goldenDir = path.join(root, 'test', 'cli', 'golden');

/** Splits a command line on spaces, keeping "double-quoted" words together. */
function words(command: string): string[] {
  return (command.match(/"[^"]*"|\S+/g) ?? []).map((w) => (w.startsWith('"') ? w.slice(1, -1) : w));
}

describe('wiretap CLI goldens', function () {
  this.timeout(30_000);
  const files = fs.readdirSync(goldenDir).filter((f) => f.endsWith('.txt')).sort();
  it('has golden files', () => expect(files.length).to.be.greaterThan(5));
  for (const file of files) {
    it(file, () => {
      const text = fs.readFileSync(path.join(goldenDir, file), 'utf8');
      const [first, ...lines] = text.split('\n');
      expect(first, 'first line is the command').to.match(/^\$ wiretap /);
      let exit = 0;
      if (lines[0]?.startsWith('# exit ')) exit = Number(lines.shift()!.slice(7));
      const r = runWiretap(words(first.slice('$ wiretap '.length)));
      const actual = r.stdout + (r.stderr ? `--- stderr\n${r.stderr}` : '');
      if (process.env.WIRETAP_UPDATE_GOLDEN) {
        fs.writeFileSync(path.join(goldenDir, file), [first, ...(r.status ? [`# exit ${r.status}`] : []), actual].join('\n'));
        return;
      }
      expect(actual).to.equal(lines.join('\n'));
      expect(r.status, r.stderr).to.equal(exit);
    });
  }
});
