import { expect } from 'chai';
import { DETECTORS, DetectorSet, isCardNumber, looksLikeAwsSecret, maskCutTail } from '../../../src/redaction/detectors';

const all = new DetectorSet(DETECTORS);

describe('redaction/detectors', () => {
  it('cards: Luhn, length and issuer prefix', () => {
    expect(isCardNumber('4242424242424242')).to.equal(true);
    expect(isCardNumber('4242 4242 4242 4242')).to.equal(true);
    expect(isCardNumber('378282246310005')).to.equal(true); // Amex test card
    expect(isCardNumber('4242424242424241')).to.equal(false); // Luhn fails
    expect(isCardNumber('1700000000009')).to.equal(false); // Luhn-valid ms timestamp, no issuer prefix
    expect(all.redact('ts 1700000000009 card 5555555555554444')).to.equal('ts 1700000000009 card [REDACTED]');
  });

  it('cards: not inside a hex token (a UUID whose middle groups happen to be Luhn-valid digits)', () => {
    // 5b + 4242-4242-4242-4242 would be a card standing alone; inside this UUID-shaped id it is not.
    const id = '29a729dc-5b42-4242-4242-4242e6ebcfbb3';
    expect(isCardNumber('4242-4242-4242-4242')).to.equal(true);
    expect(all.redact(id)).to.equal(id);
    expect(all.redact('dc4242424242424242')).to.equal('dc4242424242424242');
    expect(all.redact('4242424242424242ab')).to.equal('4242424242424242ab');
    // Delimited by anything else, still a card.
    expect(all.redact('pan=4242-4242-4242-4242;')).to.equal('pan=[REDACTED];');
    expect(all.redact('"4242424242424242"')).to.equal('"[REDACTED]"');
    expect(all.redact('card:4242 4242 4242 4242.')).to.equal('card:[REDACTED].');
  });

  it('AWS secret keys: 40 mixed-case characters standing alone; hex digests kept', () => {
    expect(looksLikeAwsSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).to.equal(true);
    expect(all.redact('da39a3ee5e6b4b0d3255bfef95601890afd80709')).to.equal('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(all.redact('x wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY y')).to.equal('x [REDACTED] y');
    // 44-character base64 digest: longer than a key, kept.
    expect(all.redact('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')).to.equal('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('JWT, Stripe, AWS key id, PEM, bearer, client secret, URL userinfo', () => {
    expect(all.redact('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig')).to.equal('[REDACTED]');
    expect(all.redact('sk_live_abcdef12 rk_test_abcdef12 whsec_abcdef12 pk_live_abcdef12')).to.equal('[REDACTED] [REDACTED] [REDACTED] pk_live_abcdef12');
    expect(all.redact('id AKIAIOSFODNN7EXAMPLE.')).to.equal('id [REDACTED].');
    expect(all.redact('a\n-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\nb')).to.equal('a\n[REDACTED]\nb');
    expect(all.redact('-----BEGIN PRIVATE KEY-----\nMIIE cut here')).to.equal('[REDACTED]');
    expect(all.redact('Authorization: Bearer abc.def-ghi_jkl')).to.equal('Authorization: Bearer [REDACTED]');
    expect(all.redact('pi_3Abc_secret_Xyz123')).to.equal('[REDACTED]');
    expect(all.redact('redis://user:pw@host:6379')).to.equal('redis://[REDACTED]@host:6379');
  });

  it('short strings and ordinary text are returned as the same string', () => {
    const s = 'GET /users/42 took 12 ms on 2024-01-01T00:00:00Z';
    expect(all.redact(s)).to.equal(s);
    expect(all.redact('short')).to.equal('short');
  });

  it('masks the cut tail of a truncated value when it could be the start of a secret', () => {
    expect(maskCutTail('paid with 42424242')).to.equal('paid with [REDACTED]');
    expect(maskCutTail('key AbCdEfGh12345678')).to.equal('key [REDACTED]');
    expect(maskCutTail('hello wor')).to.equal('hello wor');
  });
});
