// `wiretap/testing` as a user meets it, including the worked example in examples/acme-ledger (so the
// example in docs/testing.md cannot rot).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import Mocha from 'mocha';
import { decodeFixtureFolder, decodeFixture, checkFixture } from '../../src/testing';
import type { Decoder } from '../../src/decoders/decoder';

const example = path.resolve(__dirname, '../../../examples/acme-ledger');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { acmeLedgerDecoder } = require(path.join(example, 'decoder.js')) as { acmeLedgerDecoder: Decoder };

describe('testing: decodeFixtureFolder', () => {
  it('decodes the Acme Ledger example fixtures with its decoder, all passing', () => {
    const results = decodeFixtureFolder(path.join(example, 'fixtures'), { decoders: [acmeLedgerDecoder] });
    expect(results.map((r) => path.basename(r.file))).to.deep.equal(['create-entry.json', 'get-balance-planted-secret.json']);
    for (const r of results) expect(r.problems, r.file).to.deep.equal([]);
    expect(results[0].span?.attributes['acme.ledger.entry_id']).to.equal('ent_9001');
  });

  it('reports mismatches per file without the decoder, and unreadable files as problems', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-testing-'));
    try {
      fs.copyFileSync(path.join(example, 'fixtures/create-entry.json'), path.join(dir, 'a.json'));
      fs.writeFileSync(path.join(dir, 'b.json'), '{ not json');
      const results = decodeFixtureFolder(dir);
      expect(results).to.have.length(2);
      expect(results[0].problems.join('\n')).to.include('name: expected "AcmeLedger CreateEntry"');
      expect(results[0].span?.decoder).to.equal('http');
      expect(results[1].problems[0]).to.match(/^could not decode/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checkFixture catches a planted secret the redactor was told to let through', () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(example, 'fixtures/get-balance-planted-secret.json'), 'utf8'));
    const leaky = decodeFixture(fixture, { decoders: [acmeLedgerDecoder], env: { WIRETAP_REDACT_DISABLE_DEFAULTS: 'key:pin' } });
    expect(checkFixture(fixture, leaky)).to.deep.equal(['must not contain "PLANTED-1234"']);
  });

  it('runs the example mocha test file as a user would', async () => {
    const mocha = new Mocha({ reporter: function Silent() {} as unknown as Mocha.ReporterConstructor });
    process.env.WIRETAP_TESTING_MODULE = path.resolve(__dirname, '../../src/testing');
    const file = path.join(example, 'decoder.test.js');
    delete require.cache[require.resolve(file)];
    mocha.addFile(file);
    const failures = await new Promise<number>((resolve) => mocha.run(resolve));
    delete process.env.WIRETAP_TESTING_MODULE;
    expect(failures).to.equal(0);
  });
});
