// The built-in decoder table loads each decoder on its first match. Its prefilters must never hide a
// request the decoder itself would match: checked over every exchange fixture, and the registry must
// pick the same decoder as with the decoders loaded up front.
import * as path from 'node:path';
import { expect } from 'chai';
import { builtInDecoders, builtInPrefilters, loadedDecoder } from '../../../src/decoders';
import { DecoderRegistry } from '../../../src/decoders/registry';
import { awsDecoders } from '../../../src/decoders/aws';
import { stripeDecoder } from '../../../src/decoders/stripe';
import { algoliaDecoder } from '../../../src/decoders/algolia';
import { listFixtureFiles, loadFixture, toExchange } from '../../../src/fixture/format';
import type { RequestHead } from '../../../src/exchange/types';

const root = path.resolve(__dirname, '../../../../fixtures');
const eager = [...awsDecoders, stripeDecoder, algoliaDecoder];

const plain = (over: Partial<RequestHead>): RequestHead => ({ method: 'GET', scheme: 'https', host: 'example.test', port: 443, path: '/', query: '', headers: {}, protocolVersion: '1.1', transport: 'http', ...over });

function heads(): { label: string; head: RequestHead }[] {
  const files = listFixtureFiles(root).filter((f) => !f.startsWith(path.join(root, 'lambda') + path.sep));
  const out = files.map((f) => ({ label: path.relative(root, f), head: toExchange(loadFixture(f).exchange).request }));
  // Shapes a fixture may not have: custom hosts that only headers or the query give away.
  out.push(
    { label: 'stripe shape on a custom host', head: plain({ host: 'stripe-mock.test', path: '/v1/charges', headers: { 'stripe-version': '2024-06-20' } }) },
    { label: 'algolia agent in the query', head: plain({ host: 'search.internal', path: '/1/indexes/x/query', query: 'x-algolia-agent=Algolia%20for%20JavaScript' }) },
    { label: 'algolia application id header', head: plain({ host: 'search.internal', path: '/1/indexes', headers: { 'x-algolia-application-id': 'APPID' } }) },
    { label: 'plain http', head: plain({}) },
  );
  return out;
}

describe('built-in decoder table (lazy)', () => {
  const all = heads();

  it('lists the same decoders, in the same order, as the decoder modules', () => {
    expect(builtInDecoders.map((d) => d.name)).to.deep.equal(eager.map((d) => d.name));
    expect([...builtInPrefilters.keys()]).to.deep.equal(eager.map((d) => d.name));
  });

  it('each prefilter passes every head its decoder matches (over every fixture)', () => {
    const matched = new Map<string, number>();
    for (const d of eager) {
      const prefilter = builtInPrefilters.get(d.name)!;
      for (const { label, head } of all) {
        if (!d.match(head)) continue;
        matched.set(d.name, (matched.get(d.name) ?? 0) + 1);
        expect(prefilter(head), `${d.name} matches ${label} but its prefilter does not`).to.equal(true);
      }
    }
    // Every decoder is exercised, so the check above can fail for each.
    expect([...matched.keys()].sort()).to.deep.equal(eager.map((d) => d.name).sort());
  });

  it('the registry picks the same decoder as with every decoder loaded up front, and hands out the loaded one', () => {
    const lazy = new DecoderRegistry(builtInDecoders);
    const upFront = new DecoderRegistry(eager);
    for (const { label, head } of all) {
      const want = upFront.match(head);
      const got = lazy.match(head);
      expect(got.name, label).to.equal(want.name);
      expect(got, `${label}: the registry returns the decoder module's own object`).to.equal(want);
    }
  });

  it('a stub forwards to the loaded decoder, and loadedDecoder() unwraps it once loaded', () => {
    const stub = builtInDecoders.find((d) => d.name === 'aws.dynamodb')!;
    const real = awsDecoders.find((d) => d.name === 'aws.dynamodb')!;
    const head = all.find((h) => real.match(h.head))!.head;
    expect(stub).to.not.equal(real);
    expect(stub.match(head)).to.equal(true);
    expect(loadedDecoder(stub)).to.equal(real);
    expect(stub.kindHint?.(head)).to.equal(real.kindHint?.(head));
    expect(stub.match(plain({}))).to.equal(false);
  });
});
