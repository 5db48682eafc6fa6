// Run with: npx mocha examples/acme-ledger/decoder.test.js  (after `npm run build`, or with wiretap installed)
'use strict';
const path = require('node:path');
const { expect } = require('chai');
const { decodeFixtureFolder } = require(process.env.WIRETAP_TESTING_MODULE || 'wiretap/testing');
const { acmeLedgerDecoder } = require('./decoder');

describe('Acme Ledger decoder', () => {
  const results = decodeFixtureFolder(path.join(__dirname, 'fixtures'), { decoders: [acmeLedgerDecoder] });

  it('has fixtures', () => expect(results).to.not.be.empty);

  for (const result of results) {
    it(path.basename(result.file), () => {
      expect(result.problems, JSON.stringify(result.span, null, 2)).to.deep.equal([]);
    });
  }
});
