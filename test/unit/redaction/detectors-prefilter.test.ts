// The prefilter must let through everything a detector would match: checked against the detectors
// themselves on random strings and on every shape of secret they know.
import { expect } from 'chai';
import * as fc from 'fast-check';
import { DETECTORS, DetectorSet, LITERAL_MARKERS, mayHoldSecret } from '../../../src/redaction/detectors';

const all = new DetectorSet(DETECTORS);
const unfiltered = (text: string): boolean => {
  // The detectors' regex run without the prefilter: a DetectorSet whose text passes the prefilter by a marker.
  const probe = `eyJ ${text}`;
  return all.redact(probe) !== probe && all.redact(probe).startsWith('eyJ ');
};

describe('redaction/detectors: prefilter', () => {
  it('passes every known secret shape', () => {
    for (const s of ['4242 4242 4242 4242', '4000-0566-5566-5556', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'Bearer abcdefghij', 'Basic dXNlcjpwYXNz', 'sk_live_FAKE1234567', 'rk_test_FAKE1234567', 'whsec_FAKE12345678', 'pi_123_secret_abcd', 'postgres://user:pw@db/x', '-----BEGIN RSA PRIVATE KEY-----\nMIIE']) {
      expect(mayHoldSecret(`x ${s} y`), s).to.equal(true);
    }
  });

  it('never blocks a string a detector would change', () => {
    const alphabet = 'aA0 -_/+=:@.xyzKIAS4925eyJ';
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet.split('')), { minLength: 8, maxLength: 80 }), (chars) => {
        const text = chars.join('');
        if (unfiltered(text)) expect(mayHoldSecret(text), text).to.equal(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('lets ordinary values through without the big regex', () => {
    for (const s of ['application/x-amz-json-1.0', 'aws-sdk-js/3.1169.0 ua/2.1 os/linux', '{"TableName":"small","Key":{"id":{"S":"user-42"}}}', 'x'.repeat(2000), '3f2a8c1e-1b2c-4d5e-8f90-123456789abc']) {
      expect(mayHoldSecret(s), s).to.equal(false);
    }
  });

  it('finds every literal marker wherever it stands, as one indexOf per marker did', () => {
    const byIndexOf = (text: string): boolean => LITERAL_MARKERS.some((m) => text.includes(m));
    for (const m of LITERAL_MARKERS) {
      for (const around of [['', ''], ['x', ''], ['', '!'], ['.. ', ' ..'], [m.slice(0, -1), '']]) {
        expect(mayHoldSecret(around[0] + m + around[1]), `${around[0]}${m}${around[1]}`).to.equal(true);
      }
      expect(mayHoldSecret(m.slice(0, -1)), m.slice(0, -1)).to.equal(byIndexOf(m.slice(0, -1)));
    }
    // Random text over the markers' own characters: no marker found means none is there.
    const alphabet = [...new Set(LITERAL_MARKERS.join('').split(''))].join('') + ' x';
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet.split('')), { maxLength: 30 }), (chars) => {
        const text = chars.join('');
        if (byIndexOf(text)) expect(mayHoldSecret(text), text).to.equal(true);
      }),
      { numRuns: 5000 },
    );
  });
});
