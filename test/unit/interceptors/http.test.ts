// The node:http interceptor's head: what it records of the request headers (at start and at the first
// _send), what it adds on the wire, and how it hands over the response headers. The reference is what the
// public calls give: fromObject(req.getHeaders()) at start, merged with the same at the first write.
import { expect } from 'chai';
import http = require('node:http');
import type { AddressInfo } from 'node:net';
import { httpInterceptor } from '../../../src/interceptors/http';
import type { Recorder } from '../../../src/interceptors/interceptor';
import { fromFlatList, fromObject, fromOutgoing, type FlatHeaders } from '../../../src/exchange/headers';
import type { Headers, RequestHead } from '../../../src/exchange/types';

interface Seen {
  head: RequestHead;
  /** head.headers as they were when start() was called. */
  atStart: Headers;
  response?: { status: number; headers: Headers | FlatHeaders };
  ended: boolean;
  failed?: unknown;
}

function recorder(seen: Seen, inject: Record<string, string> | undefined): Recorder {
  return {
    inject,
    wantsBodies: false,
    requestHeaders: (h) => Object.assign(seen.head.headers, h),
    protocolVersion: () => undefined,
    requestChunk: () => undefined,
    requestBodyUnknown: () => undefined,
    response: (status, headers) => {
      seen.response = { status, headers };
    },
    responseChunk: () => undefined,
    asPreviousHop: () => undefined,
    end: () => {
      seen.ended = true;
    },
    fail: (err) => {
      seen.failed = err;
    },
  };
}

describe('http interceptor: request and response headers', () => {
  let server: http.Server;
  let port: number;
  let uninstall: () => void;
  let inject: Record<string, string> | undefined;
  const seen: Seen[] = [];
  const wire: string[][] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      wire.push(req.rawHeaders);
      req.resume();
      req.on('end', () => {
        if (req.url === '/redirect') res.writeHead(302, { Location: '/elsewhere', 'X-Hop': '1' });
        else res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Multi': ['a', 'b'], 'Set-Cookie': ['a=1', 'b=2'] });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    uninstall = httpInterceptor.install((head) => {
      const s: Seen = { head, atStart: { ...head.headers }, ended: false };
      seen.push(s);
      return recorder(s, inject);
    });
  });
  after(async () => {
    uninstall();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
    wire.length = 0;
    inject = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
  });

  /** Makes one request; `change` runs on it before end(). Returns what the reference model expects. */
  async function call(options: http.RequestOptions, change: (req: http.ClientRequest) => void = () => undefined, path = '/') {
    let expectedStart: Headers = {};
    let expectedFinal: Headers = {};
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, ...options }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      // The reference: the public copy right after request() returned (wiretap injected already), minus what it injected.
      const now = fromObject(req.getHeaders() as Record<string, string | string[] | number>);
      expectedStart = { ...now };
      for (const name of Object.keys(inject ?? {})) if (seen[0].atStart[name.toLowerCase()] === undefined) delete expectedStart[name.toLowerCase()];
      change(req);
      expectedFinal = Object.assign({ ...expectedStart }, fromObject(req.getHeaders() as Record<string, string | string[] | number>));
      req.end('body');
    });
    expect(seen).to.have.length(1);
    const s = seen[0];
    expect(s.atStart, 'headers at start').to.deep.equal(expectedStart);
    expect(Object.keys(s.atStart), 'order at start').to.deep.equal(Object.keys(expectedStart));
    expect(s.head.headers, 'final headers').to.deep.equal(expectedFinal);
    expect(Object.keys(s.head.headers), 'final order').to.deep.equal(Object.keys(expectedFinal));
    return s;
  }

  const options = { headers: { 'Content-Type': 'application/json', 'X-Amz-Target': 'DynamoDB_20120810.GetItem', 'Content-Length': 4, 'X-List': ['1', '2'] } };

  it('records the headers once when nothing changes after start, with the injected header on the wire', async () => {
    const s = await call(options);
    expect(s.head.headers.traceparent).to.equal(inject!.traceparent);
    expect(s.head.headers['content-length']).to.equal('4');
    expect(s.head.headers['x-list']).to.equal('1, 2');
    const raw = wire[0];
    expect(raw.filter((_, i) => i % 2 === 0)).to.include('traceparent');
    expect(raw[raw.indexOf('traceparent') + 1]).to.equal(inject!.traceparent);
  });

  for (const [name, change] of [
    ['setHeader of a new header', (req: http.ClientRequest) => req.setHeader('X-Late', 'yes')],
    ['setHeader replacing a value', (req: http.ClientRequest) => req.setHeader('content-type', 'text/plain')],
    ['setHeader with the same value', (req: http.ClientRequest) => req.setHeader('Content-Type', 'application/json')],
    ['removeHeader', (req: http.ClientRequest) => req.removeHeader('x-amz-target')],
    ['removeHeader then setHeader of another', (req: http.ClientRequest) => (req.removeHeader('x-amz-target'), req.setHeader('x-other', '1'))],
    ['appendHeader', (req: http.ClientRequest) => req.appendHeader('x-list', '3')],
    ['a number value', (req: http.ClientRequest) => req.setHeader('x-count', 7)],
    ['the app replacing the injected header', (req: http.ClientRequest) => req.setHeader('traceparent', '00-11111111111111111111111111111111-2222222222222222-00')],
  ] as const) {
    it(`records the final headers after ${name}`, async () => {
      await call(options, change);
    });
  }

  it('never replaces a header the request already has, and injects names as given', async () => {
    inject = { traceparent: 'ours', 'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793' };
    await call({ headers: { traceparent: 'theirs' } });
    const raw = wire[0];
    expect(raw[raw.indexOf('traceparent') + 1]).to.equal('theirs');
    expect(raw).to.include('X-Amzn-Trace-Id');
    expect(raw.filter((v) => v === 'traceparent')).to.have.length(1);
  });

  it('leaves a value Node would refuse to setHeader (which throws, as before)', async () => {
    inject = { traceparent: 'bad\nvalue' };
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    expect(wire[0]).to.not.include('traceparent');
    // The request is still watched: its recording ends with the response, not at exit.
    await new Promise((r) => setImmediate(r));
    expect(seen).to.have.length(1);
    expect(seen[0].ended || seen[0].failed !== undefined, 'the recording ended').to.equal(true);
  });

  it('records headers of a request made with no headers at all and of a request with a headers array', async () => {
    await call({ setHost: false, headers: {} });
    seen.length = 0;
    inject = undefined;
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/', headers: ['X-Raw', 'v', 'Host', `127.0.0.1:${port}`] as unknown as http.OutgoingHttpHeaders }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    // The head went out with the array (no header store): as getHeaders(), nothing.
    expect(seen[0].head.headers).to.deep.equal({});
  });

  it('hands over the response headers as the raw list, and as a map for a redirect', async () => {
    const s = await call({});
    expect(s.response!.status).to.equal(200);
    expect(Array.isArray(s.response!.headers)).to.equal(true);
    expect(fromFlatList(s.response!.headers as FlatHeaders)).to.include({ 'content-type': 'text/plain', 'x-multi': 'a, b', 'set-cookie': 'a=1\nb=2' });
    expect(s.ended).to.equal(true);
    seen.length = 0;
    const r = await call({}, undefined, '/redirect');
    expect(r.response!.status).to.equal(302);
    expect(r.response!.headers).to.include({ location: '/elsewhere', 'x-hop': '1' });
  });

  it('reads Node’s header store as getHeaders() copies it', () => {
    const m = new http.OutgoingMessage();
    m.setHeader('A', 'x');
    m.setHeader('b', ['1', '2']);
    m.setHeader('C', 3);
    m.appendHeader('a', 'y');
    m.setHeader('Set-Cookie', ['p=1', 'q=2']);
    const symbol = Object.getOwnPropertySymbols(m).find((s) => s.description === 'kOutHeaders')!;
    const store = (m as unknown as Record<symbol, Record<string, [string, string]>>)[symbol];
    expect(fromOutgoing(store)).to.deep.equal(fromObject(m.getHeaders() as Record<string, string | string[] | number>));
  });
});
