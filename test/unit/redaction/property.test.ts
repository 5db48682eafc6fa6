// Property-based: random JSON, form and XML documents with secrets under sensitive keys at random
// paths and detector-shaped values under innocent keys. Whole or cut anywhere, no secret survives;
// whole, every marker does.
import { expect } from 'chai';
import fc from 'fast-check';
import { createRedactor } from '../../../src/redaction/redact';
import { PAIR_NAME_KEYS, PAIR_VALUE_KEYS, CARD_CHILD_KEYS } from '../../../src/redaction/rules';

const redactor = createRedactor({ keys: [], headers: [], paths: [], disableDefaults: [] });

type Tree = { marker: string } | { secretKey: string; secret: string } | { detect: string } | { obj: [string, Tree][] } | { arr: Tree[] };

const SENSITIVE_KEYS = ['password', 'client_secret', 'apiKey', 'x-api-key', 'access_token', 'Credentials', 'privateKey', 'passphrase', 'cardNumber', 'cvc', 'ssn', 'SecretString', 'authorization', 'sessionToken', 'db_pass'];

const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
const innocentKey = fc
  .stringMatching(/^[a-z]{1,8}$/)
  .filter((k) => !redactor.isSensitiveKey(k) && !PAIR_NAME_KEYS.has(k) && !PAIR_VALUE_KEYS.has(k) && !CARD_CHILD_KEYS.has(k) && k !== 'm' && k !== 'l');

function luhnComplete(body: string): string {
  for (let d = 0; d <= 9; d++) {
    const s = body + d;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let v = s.charCodeAt(s.length - 1 - i) - 48;
      if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

const detectorValue = fc.oneof(
  fc.stringMatching(/^[0-9]{14}$/).map((d) => luhnComplete(`4${d}`)),
  fc.tuple(alnum(10, 20), alnum(10, 30), alnum(10, 30)).map(([a, b, c]) => `eyJ${a}.eyJ${b}.${c}`),
  fc.stringMatching(/^[A-Z0-9]{16}$/).map((s) => `AKIA${s}`),
  alnum(10, 24).map((s) => `sk_live_${s}`),
  alnum(10, 24).map((s) => `whsec_${s}`),
  fc.stringMatching(/^[A-Za-z0-9/+]{37}$/).map((s) => `Aa9${s}`),
  alnum(20, 60).map((s) => `-----BEGIN PRIVATE KEY-----\n${s}\n-----END PRIVATE KEY-----`),
);

const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree; leaf: Tree }>((tie) => ({
  leaf: fc.oneof(
    fc.nat(99999).map((n) => ({ marker: `MARKER-${n}` })),
    fc.tuple(fc.constantFrom(...SENSITIVE_KEYS), alnum(1, 12)).map(([secretKey, s]) => ({ secretKey, secret: `ZQXPLANTED${s}` })),
    detectorValue.map((detect) => ({ detect })),
  ),
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(fc.tuple(innocentKey, tie('node')), { minLength: 1, maxLength: 4 }).map((obj) => ({ obj })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((arr) => ({ arr })),
  ),
})).node;

/** The document as a plain value, with the secrets and markers it really holds (duplicate keys dedupe). */
function build(t: Tree): unknown {
  if ('obj' in t) {
    const out: Record<string, unknown> = {};
    for (const [k, child] of t.obj) {
      if ('secretKey' in child) out[child.secretKey] = child.secret;
      else out[k] = build(child);
    }
    return out;
  }
  if ('arr' in t) return t.arr.map(build);
  if ('marker' in t) return t.marker;
  if ('detect' in t) return t.detect;
  return { [t.secretKey]: t.secret };
}

function root(t: Tree): Record<string, unknown> {
  const v = build(t);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { doc: v };
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((e) => strings(e, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((e) => strings(e, out));
  return out;
}

function toForm(v: unknown, prefix = '', out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((e, i) => toForm(e, `${prefix}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, e] of Object.entries(v)) toForm(e, prefix ? `${prefix}[${k}]` : k, out);
  else out.push(`${prefix}=${encodeURIComponent(String(v))}`);
  return out;
}

function toXml(v: unknown, name: string): string {
  if (Array.isArray(v)) return v.map((e) => toXml(e, name)).join('');
  if (v && typeof v === 'object') return `<${name}>${Object.entries(v).map(([k, e]) => toXml(e, k.replace(/[^A-Za-z0-9_]/g, '_'))).join('')}</${name}>`;
  return `<${name}>${String(v)}</${name}>`;
}

const formats = {
  json: { contentType: 'application/json', render: (v: unknown) => JSON.stringify(v) },
  form: { contentType: 'application/x-www-form-urlencoded', render: (v: unknown) => toForm(v).join('&') },
  xml: { contentType: 'text/xml', render: (v: unknown) => toXml(v, 'root') },
};

const detectorValues = (v: unknown): string[] => strings(v).filter((s) => !s.startsWith('MARKER-') && !s.startsWith('ZQXPLANTED'));

describe('redaction properties', () => {
  for (const [format, { contentType, render }] of Object.entries(formats)) {
    it(`${format}: secrets never survive, markers do`, () => {
      fc.assert(
        fc.property(tree, (t) => {
          const doc = root(t);
          const out = redactor.body(render(doc), { contentType });
          expect(out).to.not.include('ZQX');
          for (const d of detectorValues(doc)) expect(out, `detector value ${d}`).to.not.include(d);
          for (const m of strings(doc).filter((s) => s.startsWith('MARKER-'))) expect(out).to.include(m);
        }),
        { numRuns: 300 },
      );
    });

    it(`${format}: a prefix cut anywhere leaks no part of a keyed secret and no whole detected value`, () => {
      fc.assert(
        fc.property(tree, fc.double({ min: 0, max: 1, noNaN: true }), (t, at) => {
          const doc = root(t);
          const text = render(doc);
          const cut = text.slice(0, Math.floor(text.length * at));
          const out = redactor.body(cut, { contentType, truncated: true });
          expect(out).to.not.include('ZQX');
          for (const d of detectorValues(doc)) expect(out).to.not.include(d);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('free text: detector values never survive', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(detectorValue, fc.nat(9999).map((n) => `MARKER-${n}`)), { minLength: 1, maxLength: 6 }), (parts) => {
        const out = redactor.text(parts.join(' ; '));
        for (const p of parts) {
          if (p.startsWith('MARKER-')) expect(out).to.include(p);
          else expect(out).to.not.include(p);
        }
      }),
      { numRuns: 300 },
    );
  });
});
