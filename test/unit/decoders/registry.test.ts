import { expect } from 'chai';
import { DecoderRegistry } from '../../../src/decoders/registry';
import { httpDecoder } from '../../../src/decoders/http';
import type { Decoder } from '../../../src/decoders/decoder';
import type { RequestHead } from '../../../src/exchange/types';
import { setLogLevel } from '../../../src/diag/log';

const head = (host: string): RequestHead => ({ method: 'GET', scheme: 'https', host, port: 443, path: '/', query: '', headers: {}, protocolVersion: '1.1', transport: 'http' });
const decoder = (name: string, host: string): Decoder => ({ name, match: (h) => h.host === host, decode: () => ({ name, attributes: {} }) });

describe('DecoderRegistry', () => {
  before(() => setLogLevel('none'));
  after(() => setLogLevel('warn'));

  it('falls back to the generic HTTP decoder', () => {
    const r = new DecoderRegistry([decoder('a', 'a.test')]);
    expect(r.match(head('a.test')).name).to.equal('a');
    expect(r.match(head('b.test'))).to.equal(httpDecoder);
  });

  it('tries user decoders before built-ins, the latest first, replacing same names', () => {
    const r = new DecoderRegistry([decoder('builtin', 'x.test')]);
    r.register(decoder('user1', 'x.test'));
    expect(r.match(head('x.test')).name).to.equal('user1');
    r.register(decoder('user2', 'x.test'));
    expect(r.match(head('x.test')).name).to.equal('user2');
    r.register({ ...decoder('user1', 'x.test') });
    expect(r.decoders.map((d) => d.name)).to.deep.equal(['user1', 'user2', 'builtin']);
  });

  it('skips a decoder whose match throws and ignores malformed ones', () => {
    const r = new DecoderRegistry([decoder('ok', 'x.test')]);
    r.register({ name: 'bad', match: () => { throw new Error('boom'); }, decode: () => ({ name: 'bad', attributes: {} }) });
    r.register({ name: 'incomplete' } as unknown as Decoder);
    expect(r.match(head('x.test')).name).to.equal('ok');
    expect(r.decoders.map((d) => d.name)).to.deep.equal(['bad', 'ok']);
  });

  it('keeps state per decoder', () => {
    const a = decoder('a', 'a.test');
    const r = new DecoderRegistry([a]);
    r.stateOf(a).set('k', 1);
    expect(r.stateOf(a).get('k')).to.equal(1);
    expect(r.stateOf(httpDecoder).has('k')).to.equal(false);
  });
});
