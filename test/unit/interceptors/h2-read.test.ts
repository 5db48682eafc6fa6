import { expect } from 'chai';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { h2ReadStandIn } from '../../../src/interceptors/h2-read';

type Handle = { onread?: unknown };
/** On a connected session the stream is 'ready' (has its handle) as soon as request() returns. */
const ready = (stream: http2.ClientHttp2Stream): Promise<unknown> => (stream.id !== undefined ? Promise.resolve() : new Promise((r) => stream.once('ready', r)));
const handleOf = (stream: http2.ClientHttp2Stream): Handle => {
  const key = Object.getOwnPropertySymbols(stream).find((k) => k.description === 'kHandle')!;
  return (stream as unknown as Record<symbol, Handle>)[key];
};

describe('interceptors/h2-read: a stand-in for the http2 stream handle’s onread', () => {
  let server: http2.Http2Server;
  let session: http2.ClientHttp2Session;
  before(async () => {
    server = http2.createServer((_req, res) => {
      res.write('first;');
      setTimeout(() => res.end('second'), 10);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await new Promise((r) => session.once('connect', r));
  });
  after(() => {
    session.close();
    server.close();
  });

  it('reads through Node’s own function: the app gets the same bytes, the hooks see each chunk and the end once', async () => {
    const stream = session.request({ ':path': '/' });
    await ready(stream);
    const handle = handleOf(stream);
    const seen: string[] = [];
    const standIn = h2ReadStandIn(handle.onread, handle, { onChunk: (_s, b) => seen.push(String(b)), onEnd: () => seen.push('END') });
    expect(standIn, `Node ${process.version}`).to.be.a('function');
    expect((standIn as { name?: string }).name).to.equal('onStreamRead');
    handle.onread = standIn;
    let got = '';
    stream.setEncoding('utf8').on('data', (c: string) => (got += c));
    await new Promise((r) => stream.on('end', r));
    expect(got).to.equal('first;second');
    expect(seen.filter((s) => s !== 'END').join('')).to.equal('first;second');
    expect(seen.filter((s) => s === 'END')).to.have.length(1);
    expect(seen.at(-1)).to.equal('END');
  });

  it('is not made from a function it was not written for', async () => {
    const stream = session.request({ ':path': '/' });
    await ready(stream);
    const handle = handleOf(stream);
    const hooks = { onChunk: () => {}, onEnd: () => {} };
    const other = function onStreamRead(this: { push(b: unknown): void }, b: unknown) {
      this.push(b);
    };
    expect(h2ReadStandIn(other, handle, hooks)).to.equal(undefined);
    expect(h2ReadStandIn(undefined, handle, hooks)).to.equal(undefined);
    expect(h2ReadStandIn(handle.onread, {}, hooks), 'a handle without its owner').to.equal(undefined);
    stream.resume();
    await new Promise((r) => stream.on('close', r));
  });
});
