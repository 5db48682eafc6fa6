// The fixture runner: every JSON file under fixtures/ is one test. Adding a file adds a test.
import * as path from 'node:path';
import { expect } from 'chai';
import { checkFixture, decodeFixture, listFixtureFiles, loadFixture } from '../src/testing';

const root = path.resolve(__dirname, '../../fixtures');

describe('fixtures', () => {
  // fixtures/lambda/ holds Lambda events, not exchanges: test/unit/lambda/triggers.test.ts runs them.
  const files = listFixtureFiles(root).filter((f) => !f.startsWith(path.join(root, 'lambda') + path.sep));
  it('finds fixture files', () => {
    expect(files.length).to.be.greaterThan(0);
  });
  for (const file of files) {
    const rel = path.relative(root, file);
    it(rel, () => {
      const fixture = loadFixture(file);
      const span = decodeFixture(fixture);
      const problems = checkFixture(fixture, span);
      expect(problems, `${rel}\n${JSON.stringify(span, null, 2)}`).to.deep.equal([]);
    });
  }
});
