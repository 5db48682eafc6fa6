// Shrunk fuzz failures, kept as fixtures: every file under fixtures/fuzz/ is one exchange that once broke an
// invariant of test/fuzz/exchanges.test.ts. Adding a file adds a test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { check } from './exchange';
import type { Fixture } from '../../src/fixture/format';

const dir = path.resolve(__dirname, '../../../fixtures/fuzz');

describe('fuzz: kept failures (fixtures/fuzz)', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  it('has kept failures to replay', () => expect(files.length).to.be.greaterThan(0));
  for (const file of files) {
    it(file, () => {
      const fx = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Fixture;
      expect(check(fx.exchange).problems).to.deep.equal([]);
    });
  }
});
