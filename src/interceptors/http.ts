// The node:http / node:https client interceptor. It patches request/get on both modules (to start the span
// and add trace headers before the head is sent) and watches each ClientRequest passively: Node's
// `http.client.response.finish` / `http.client.request.error` diagnostics channels, prototype hooks on
// ClientRequest _send and the HTTP parser's body callbacks (parser-body.ts) that look the request up under a symbol, and listeners Node never counts. It adds no
// listener that changes behaviour (a 'response' listener would stop Node dumping an unread response; an
// 'error' listener would swallow a crash) and never reads, pauses or resumes.
import http = require('node:http');
import https = require('node:https');
import { syncBuiltinESMExports } from 'node:module';
import diagnosticsChannel = require('node:diagnostics_channel');
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Interceptor, Recorder, StartRecording } from './interceptor';
import { fromFlatList, fromObject, fromOutgoing } from '../exchange/headers';
import type { Headers, RequestHead } from '../exchange/types';
import { describe, diag, guard, guardFailed, safely } from '../diag/log';
import { parserStandIns, type ParserStandIns } from './parser-body';
import { noteRedirect, previousHop } from './redirects';

type AnyFn = (...args: any[]) => any;

interface Target {
  host: string;
  port: number | undefined;
}

/** Reads the connect target from the call's arguments, as Node merges them (options override the URL). */
function targetOf(args: ArrayLike<unknown>): Target {
  let host: string | undefined;
  let port: number | undefined;
  let i = 0;
  const first = args[0];
  if (typeof first === 'string' || first instanceof URL) {
    try {
      const u = typeof first === 'string' ? new URL(first) : first;
      host = u.hostname;
      if (u.port) port = Number(u.port);
    } catch {
      /* Node accepted it; we only lose the port */
    }
    i = 1;
  }
  const options = args[i];
  if (options && typeof options === 'object' && !(options instanceof URL)) {
    const o = options as { hostname?: string; host?: string; port?: string | number; defaultPort?: number; agent?: { defaultPort?: number }; socketPath?: string };
    if (o.hostname) host = o.hostname;
    else if (o.host) host = o.host.indexOf(':') < 0 ? o.host : o.host.replace(/:\d+$/, '');
    if (o.port !== undefined && o.port !== null && o.port !== '') port = Number(o.port);
    else if (port === undefined) port = o.defaultPort ?? o.agent?.defaultPort;
    if (o.socketPath && !host) host = 'localhost';
  }
  return { host: host ?? 'localhost', port };
}

// Node's own header store on OutgoingMessage (`this[kOutHeaders]`: `{ [lower-case name]: [name as set,
// value] }`, null until a header is set; Node 20, 22 and 24). Reading it directly saves getHeaders()'s copy
// of it; writing the trace headers into it saves setHeader()'s validation wrappers, for values that pass
// the same checks here. Found on the first request by its description and checked against getHeaders()
// there; where it is missing or differs (another Node, a patched getHeaders/setHeader) the public calls
// are used, as before.
type OutStore = Record<string, [string, unknown]>;
type WithStore = ClientRequest & { [key: symbol]: OutStore | null | undefined };
const nodeGetHeaders = http.OutgoingMessage.prototype.getHeaders;
const nodeSetHeader = http.OutgoingMessage.prototype.setHeader;
/** undefined: not looked for yet; null: not usable. */
let outHeaders: symbol | null | undefined;

/** The store's symbol; undefined while undecided (checked on the first request that has headers). */
function findOutHeaders(req: ClientRequest): symbol | null | undefined {
  const symbol = Object.getOwnPropertySymbols(req).find((s) => s.description === 'kOutHeaders');
  if (!symbol) return null;
  const store = (req as WithStore)[symbol];
  if (store === null) return undefined;
  if (typeof store !== 'object' || Object.getPrototypeOf(store) !== null) return null;
  for (const name in store) if (!Array.isArray(store[name]) || store[name].length !== 2 || typeof store[name][0] !== 'string') return null;
  // The same headers, in the same order, as the public copy.
  const direct = fromOutgoing(store as Record<string, [string, string]>);
  const copied = fromObject(req.getHeaders() as Record<string, string | string[] | number>);
  const a = Object.entries(direct);
  const b = Object.entries(copied);
  if (a.length !== b.length || a.some(([k, v], i) => b[i][0] !== k || b[i][1] !== v)) return null;
  return symbol;
}

/** The store, when it can be read directly for this request; undefined when the public calls must be used. */
function storeOf(req: ClientRequest): OutStore | null | undefined {
  if (req.getHeaders !== nodeGetHeaders) return undefined;
  if (outHeaders === undefined) {
    outHeaders = findOutHeaders(req);
    if (outHeaders === undefined) return undefined;
  }
  return outHeaders === null ? undefined : (req as WithStore)[outHeaders];
}

function readHeaders(req: ClientRequest): Headers {
  const store = storeOf(req);
  if (store === undefined) return fromObject(req.getHeaders() as Record<string, string | string[] | number>);
  return store === null ? {} : fromOutgoing(store as Record<string, [string, string]>);
}

function headOf(req: ClientRequest, target: Target, scheme: 'http' | 'https'): RequestHead {
  const rawPath = req.path || '/';
  const q = rawPath.indexOf('?');
  const host = (req as ClientRequest & { host?: string }).host || target.host;
  return {
    method: (req.method || 'GET').toUpperCase(),
    scheme,
    host: host.startsWith('[') ? host.slice(1, -1) : host,
    port: target.port ?? (scheme === 'https' ? 443 : 80),
    path: q < 0 ? rawPath : rawPath.slice(0, q),
    query: q < 0 ? '' : rawPath.slice(q + 1),
    headers: readHeaders(req),
    protocolVersion: '1.1',
    transport: 'http',
  };
}

// What Node's validateHeaderName / validateHeaderValue accept (checkIsHttpToken, checkInvalidHeaderChar).
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Adds trace-context headers while the request head is still open. Never replaces an existing one. Returns
 * what was written straight into Node's store (lower-case names), for the check at the first _send.
 */
function injectHeaders(req: ClientRequest, rec: Recorder): Headers | undefined {
  const inject = rec.inject;
  if (!inject || req.headersSent) return undefined;
  const store = req.setHeader === nodeSetHeader ? storeOf(req) : undefined;
  let written: Headers | undefined;
  for (const name in inject) {
    const value = inject[name];
    if (store && typeof value === 'string' && TOKEN.test(name) && !INVALID_VALUE.test(value)) {
      // As setHeader(name, value) after hasHeader(name): head.headers was read from this store just now.
      const lower = name.toLowerCase();
      if (store[lower] !== undefined) continue;
      store[lower] = [name, value];
      (written ??= {})[lower] = value;
    } else if (!req.hasHeader(name)) req.setHeader(name, value);
  }
  return written;
}

// Per-request state sits under one symbol on the request and response (a plain data property, added the
// same way to every recorded request, so they keep sharing one hidden class; WeakMaps cost more in every
// garbage collection), and the hooks are shared functions on the prototypes and channels: no wrapper,
// accessor or closure is made per request.
interface Watch {
  rec: Recorder;
  head: RequestHead;
  headersRecorded: boolean;
  /** Trace headers written straight into Node's header store at start (lower-case names). */
  injected: Headers | undefined;
  /** Chunked encoding: bytes of the current chunk still to come through _send. */
  chunkLeft: number;
  /** Chunked encoding: the next _send is the CRLF after a chunk-size line. */
  skipFraming: boolean;
  timedOut: boolean;
  response?: IncomingMessage;
}
const WATCH = Symbol('wiretap.watch');
const RECORDER = Symbol('wiretap.recorder');
type Watched = { [WATCH]?: Watch };
type Recorded = { [RECORDER]?: Recorder };
const requests = {
  get: (req: object): Watch | undefined => (req as Watched)[WATCH],
  has: (req: object): boolean => (req as Watched)[WATCH] !== undefined,
  set: (req: object, w: Watch): void => {
    (req as Watched)[WATCH] = w;
  },
};
const responses = {
  get: (res: object): Recorder | undefined => (res as Recorded)[RECORDER],
  set: (res: object, rec: Recorder): void => {
    (res as Recorded)[RECORDER] = rec;
  },
};

/**
 * Whether Node's header store holds exactly the head's headers plus the ones wiretap wrote: then the final
 * headers need no second read. False (read again) when it cannot tell, e.g. a non-string value.
 */
function unchangedSinceStart(req: ClientRequest, w: Watch): boolean {
  const store = storeOf(req);
  if (store === undefined) return false;
  const headers = w.head.headers;
  const injected = w.injected;
  let n = 0;
  if (store !== null) {
    // Object.keys, not for-in: see fromOutgoing.
    const names = Object.keys(store);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const value = store[name][1];
      let expected = headers[name];
      if (expected === undefined && injected !== undefined) expected = injected[name];
      if (value !== expected && !(typeof value === 'number' && expected === String(value))) return false;
      n++;
    }
  }
  let known = 0;
  for (const _ in headers) known++;
  if (injected !== undefined) for (const _ in injected) known++;
  return n === known;
}

const recordFinalHeaders = (req: ClientRequest, w: Watch): void => {
  w.headersRecorded = true;
  // Headers set with setHeader() after the request was created are known only now.
  if (!unchangedSinceStart(req, w)) w.rec.requestHeaders(readHeaders(req));
  else if (w.injected !== undefined) w.rec.requestHeaders(w.injected);
};

const HEX = /^[0-9a-fA-F]+$/;

// What OutgoingMessage's write_() and end() hand to _send(), after validating it. With chunked encoding
// Node sends "<hex size>", CRLF, the chunk (in one or more sends when corked), CRLF, and at the end
// "0\r\n<trailers>\r\n"; the size says which bytes are body. The head is added inside _send, after this.
// As guard() makes it, without the rest array per call (this runs on every _send).
function onSend(req: ClientRequest, w: Watch, data: unknown, encoding: unknown): void {
  try {
    sent(req, w, data, encoding);
  } catch (err) {
    guardFailed('http.request.send', err);
  }
}

function sent(req: ClientRequest, w: Watch, data: unknown, encoding: unknown): void {
  if (!w.headersRecorded) recordFinalHeaders(req, w);
  if (!w.rec.wantsBodies) return;
  const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
  const size = typeof data === 'string' ? (data.length === 0 ? 0 : -1) : data instanceof Uint8Array ? data.byteLength : 0;
  if (size === 0) return;
  if (!(req as ClientRequest & { chunkedEncoding?: boolean }).chunkedEncoding) return void w.rec.requestChunk(data, enc);
  if (w.skipFraming) {
    w.skipFraming = false;
    return;
  }
  if (w.chunkLeft > 0) {
    w.chunkLeft -= size >= 0 ? size : Buffer.byteLength(data as string, enc);
    w.rec.requestChunk(data, enc);
    return;
  }
  if (typeof data === 'string' && HEX.test(data)) {
    w.chunkLeft = parseInt(data, 16);
    w.skipFraming = true;
  }
  // Otherwise framing: the CRLF after a chunk, or the last chunk with the trailers.
}

function onResponseChunk(rec: Recorder, chunk: unknown): void {
  try {
    if (chunk === null) rec.end();
    else if (rec.wantsBodies) rec.responseChunk(chunk);
  } catch (err) {
    guardFailed('http.response.chunk', err);
  }
}

// Response body chunks and the end: seen by stand-ins for the parser's own body callbacks, called before
// Node pushes each chunk (parser-body.ts), so no wiretap frame sits under the app's 'data', 'readable'
// or pipe handlers. Made on the first recorded response from that parser's functions; where they cannot
// be made exactly (an unknown Node version), the IncomingMessage.prototype.push hook instead (one frame).
interface BodyCapture {
  mode: 'parser' | 'push';
  standIns?: ParserStandIns;
  kOnBody?: number;
  kOnMessageComplete?: number;
  nodeOnBody?: unknown;
  nodeOnMessageComplete?: unknown;
}
let bodyCapture: BodyCapture | undefined;
let installPushHook: (() => void) | undefined;

const observeBody = (incoming: object, chunk: Buffer): void => {
  const rec = responses.get(incoming);
  if (rec !== undefined) onResponseChunk(rec, chunk);
};
const observeComplete = (incoming: object): void => {
  const rec = responses.get(incoming);
  if (rec !== undefined) onResponseChunk(rec, null);
};

type Parser = Record<number, unknown> & { incoming?: unknown; constructor: { kOnBody?: unknown; kOnMessageComplete?: unknown } };

function firstBodyCapture(parser: Parser): BodyCapture {
  const { kOnBody, kOnMessageComplete } = parser.constructor;
  if (typeof kOnBody !== 'number' || typeof kOnMessageComplete !== 'number') return { mode: 'push' };
  const nodeOnBody = parser[kOnBody];
  const nodeOnMessageComplete = parser[kOnMessageComplete];
  const standIns = safely('http.parser-stand-ins', () => {
    // The free variables of Node's two functions, from the modules that define them.
    const incoming = require('node:_http_incoming') as { readStart?: unknown; readStop?: unknown };
    const common = require('node:_http_common') as { kSkipPendingData?: unknown };
    const scope = { readStop: incoming.readStop, readStart: incoming.readStart, kSkipPendingData: common.kSkipPendingData };
    return parserStandIns(nodeOnBody, nodeOnMessageComplete, scope, observeBody, observeComplete);
  });
  if (!standIns) return { mode: 'push' };
  return { mode: 'parser', standIns, kOnBody, kOnMessageComplete, nodeOnBody, nodeOnMessageComplete };
}

function captureBody(request: ClientRequest, response: IncomingMessage): void {
  const parser = ((request as unknown as { parser?: Parser }).parser ?? (response.socket as unknown as { parser?: Parser } | null)?.parser) as Parser | undefined;
  if (!bodyCapture) {
    if (!parser || parser.incoming !== response) return;
    bodyCapture = firstBodyCapture(parser);
    if (bodyCapture.mode === 'push') {
      diag.debug('response bodies through the IncomingMessage push hook (the parser stand-ins do not fit this Node version)');
      installPushHook?.();
    }
  }
  const c = bodyCapture;
  if (c.mode !== 'parser' || !parser || parser.incoming !== response) return;
  // The parser looks its callbacks up on each call, so this holds from this response's first chunk on.
  // Pooled parsers keep the stand-ins; for a message wiretap does not record they do what Node's do.
  if (parser[c.kOnBody!] === c.nodeOnBody) parser[c.kOnBody!] = c.standIns!.onBody;
  if (parser[c.kOnMessageComplete!] === c.nodeOnMessageComplete) parser[c.kOnMessageComplete!] = c.standIns!.onMessageComplete;
}

// Published by Node right before it emits 'response' (Node 20, 22, 24): no 'response' listener, so Node
// still dumps a response nobody reads. The parser calls it from its headers callback, before the body.
function onResponseStart(message: unknown): void {
  try {
    responseStarted(message);
  } catch (err) {
    guardFailed('http.response', err);
  }
}

function responseStarted(message: unknown): void {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const w = requests.get(request);
  if (!w || w.response === response) return;
  w.response = response;
  responses.set(response, w.rec);
  captureBody(request, response);
  // rawHeaders, not headers: Node builds `headers` lazily, and the app may never ask for it. Handed over
  // as the list: the recording turns it into a header map only if something reads it.
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    const headers = fromFlatList(response.rawHeaders);
    w.rec.response(status, headers);
    // follow-redirects (axios) sends the next hop through http.request.
    noteRedirect(w.head, status, headers, w.rec);
  } else {
    w.rec.response(status, response.rawHeaders);
  }
}

const onRequestError = guard('http.request.error', (message: unknown) => {
  const { request, error } = message as { request: ClientRequest; error: { code?: string } | undefined };
  const w = requests.get(request);
  if (!w) return;
  w.rec.fail(w.timedOut && (!error || error.code === 'ECONNRESET') ? Object.assign(new Error('request timed out'), { code: 'timeout' }) : error);
});

// Shared listeners: `this` is the emitter. Node never counts 'timeout' or 'close' listeners, so adding them
// changes nothing the app sees. A response that breaks off mid-body shows up as the request's 'close'
// before the response completed, so the response itself needs no listener.
function onRequestTimeout(this: ClientRequest): void {
  const w = requests.get(this);
  if (w) w.timedOut = true;
}
function onRequestClose(this: ClientRequest): void {
  const w = requests.get(this);
  if (!w) return;
  safely('http.request.close', () => {
    if (!w.response) w.rec.fail(Object.assign(new Error(w.timedOut ? 'request timed out' : 'request aborted'), { code: w.timedOut ? 'timeout' : 'aborted' }));
    else if (w.response.complete) w.rec.end();
    else w.rec.fail(Object.assign(new Error('response aborted'), { code: 'aborted' }));
  });
}

function watchRequest(req: ClientRequest, rec: Recorder, head: RequestHead, injected: Headers | undefined): void {
  requests.set(req, { rec, head, headersRecorded: false, injected, chunkLeft: 0, skipFraming: false, timedOut: false });
  req.on('timeout', onRequestTimeout);
  req.on('close', onRequestClose);
}

/**
 * Prototype-level hooks, installed once: ClientRequest's _send (shadowing OutgoingMessage's, so server
 * responses are untouched) and, only as the fallback for response bodies, IncomingMessage's push (every
 * body chunk Node's parser delivers, and null at the end). Each is a symbol lookup for requests wiretap
 * does not record.
 */
function installPrototypeHooks(): () => void {
  const clientProto = http.ClientRequest.prototype as unknown as Record<string, AnyFn>;
  const incomingProto = http.IncomingMessage.prototype as unknown as Record<string, AnyFn>;
  const own = {
    _send: Object.prototype.hasOwnProperty.call(clientProto, '_send') ? clientProto._send : undefined,
    push: Object.prototype.hasOwnProperty.call(incomingProto, 'push') ? incomingProto.push : undefined,
  };
  const originalSend = clientProto._send;
  const originalPush = incomingProto.push;
  // The request body is read in _send, below write()/end(): an error those throw (argument validation,
  // write after end) is made before _send, so wiretap is not on its stack. Named as Node's own.
  clientProto._send = function _send(this: ClientRequest, data: unknown, encoding: unknown): unknown {
    const w = requests.get(this);
    if (w) onSend(this, w, data, encoding);
    // `arguments` as received (no rest array per call).
    // eslint-disable-next-line prefer-rest-params
    return originalSend.apply(this, arguments as unknown as unknown[]);
  };
  let pushHooked = false;
  installPushHook = () => {
    pushHooked = true;
    incomingProto.push = function push(this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding): unknown {
      const rec = responses.get(this);
      if (rec) onResponseChunk(rec, chunk);
      return originalPush.call(this, chunk, encoding);
    };
  };
  diagnosticsChannel.subscribe('http.client.response.finish', onResponseStart);
  diagnosticsChannel.subscribe('http.client.request.error', onRequestError);
  return () => {
    for (const [proto, name, value] of [[clientProto, '_send', own._send], ...(pushHooked ? [[incomingProto, 'push', own.push] as const] : [])] as const) {
      if (value) proto[name] = value;
      else delete proto[name];
    }
    // Parsers in Node's pool keep the stand-ins: they do what Node's functions do, and the responses they
    // see carry no recorder once the interceptor is gone.
    installPushHook = undefined;
    if (bodyCapture?.mode === 'push') bodyCapture = undefined;
    diagnosticsChannel.unsubscribe('http.client.response.finish', onResponseStart);
    diagnosticsChannel.unsubscribe('http.client.request.error', onRequestError);
  };
}

function startWatching(req: ClientRequest, args: ArrayLike<unknown>, scheme: 'http' | 'https', start: StartRecording): void {
  const head = headOf(req, targetOf(args), scheme);
  const rec = start(head, previousHop(head));
  if (!rec) return;
  let injected: Headers | undefined;
  try {
    injected = injectHeaders(req, rec);
  } catch (err) {
    // A value Node refuses (a custom propagator's): no trace headers, but the call is still recorded and
    // ends with its response (the store is read again at the first _send, whatever was written).
    diag.once('warn', 'http.inject', `trace headers not added to a request: ${describe(err)}`);
  }
  watchRequest(req, rec, head, injected);
}

function wrapRequest(original: AnyFn, scheme: 'http' | 'https', start: StartRecording): AnyFn {
  return function request(this: unknown) {
    // `arguments` as received (no rest array per call).
    // eslint-disable-next-line prefer-rest-params
    const args = arguments;
    const req = original.apply(this, args as unknown as unknown[]) as ClientRequest;
    try {
      startWatching(req, args, scheme, start);
    } catch (err) {
      guardFailed('http.request', err);
    }
    return req;
  };
}

function wrapGet(patchedRequest: AnyFn): AnyFn {
  // As Node's own get(), but through the patched request: headers must be injected before end().
  return function get(this: unknown, ...args: unknown[]) {
    const req = patchedRequest.apply(this, args) as ClientRequest;
    req.end();
    return req;
  };
}

export const httpInterceptor: Interceptor = {
  name: 'http',
  install(start) {
    const saved = { hr: http.request, hg: http.get, sr: https.request, sg: https.get };
    const removeHooks = installPrototypeHooks();
    const hr = wrapRequest(saved.hr, 'http', start);
    const sr = wrapRequest(saved.sr, 'https', start);
    Object.assign(http, { request: hr, get: wrapGet(hr) });
    Object.assign(https, { request: sr, get: wrapGet(sr) });
    // ESM `import { request } from 'node:http'` reads the live CommonJS exports only after a sync.
    syncBuiltinESMExports();
    return () => {
      Object.assign(http, { request: saved.hr, get: saved.hg });
      Object.assign(https, { request: saved.sr, get: saved.sg });
      syncBuiltinESMExports();
      removeHooks();
    };
  },
};
