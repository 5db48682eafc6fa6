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
import { fromFlatList, fromObject } from '../exchange/headers';
import type { RequestHead } from '../exchange/types';
import { diag, guard, safely } from '../diag/log';
import { parserStandIns, type ParserStandIns } from './parser-body';
import { noteRedirect, previousHop } from './redirects';

type AnyFn = (...args: any[]) => any;

interface Target {
  host: string;
  port: number | undefined;
}

/** Reads the connect target from the call's arguments, as Node merges them (options override the URL). */
function targetOf(args: unknown[]): Target {
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
    else if (o.host) host = o.host.replace(/:\d+$/, '');
    if (o.port !== undefined && o.port !== null && o.port !== '') port = Number(o.port);
    else if (port === undefined) port = o.defaultPort ?? o.agent?.defaultPort;
    if (o.socketPath && !host) host = 'localhost';
  }
  return { host: host ?? 'localhost', port };
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
    headers: fromObject(req.getHeaders() as Record<string, string | string[] | number>),
    protocolVersion: '1.1',
    transport: 'http',
  };
}

/** Adds trace-context headers while the request head is still open. Never replaces an existing one. */
function injectHeaders(req: ClientRequest, rec: Recorder): void {
  if (!rec.inject || req.headersSent) return;
  for (const name in rec.inject) {
    if (!req.hasHeader(name)) req.setHeader(name, rec.inject[name]);
  }
}

// Per-request state sits under one symbol on the request and response (a plain data property, added the
// same way to every recorded request, so they keep sharing one hidden class; WeakMaps cost more in every
// garbage collection), and the hooks are shared functions on the prototypes and channels: no wrapper,
// accessor or closure is made per request.
interface Watch {
  rec: Recorder;
  head: RequestHead;
  headersRecorded: boolean;
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

const recordFinalHeaders = (req: ClientRequest, w: Watch): void => {
  w.headersRecorded = true;
  // Headers set with setHeader() after the request was created are known only now.
  w.rec.requestHeaders(fromObject(req.getHeaders() as Record<string, string | string[] | number>));
};

const HEX = /^[0-9a-fA-F]+$/;

// What OutgoingMessage's write_() and end() hand to _send(), after validating it. With chunked encoding
// Node sends "<hex size>", CRLF, the chunk (in one or more sends when corked), CRLF, and at the end
// "0\r\n<trailers>\r\n"; the size says which bytes are body. The head is added inside _send, after this.
const onSend = guard('http.request.send', (req: ClientRequest, w: Watch, data: unknown, encoding: unknown) => {
  if (!w.headersRecorded) recordFinalHeaders(req, w);
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
});

const onResponseChunk = guard('http.response.chunk', (rec: Recorder, chunk: unknown) => {
  if (chunk === null) rec.end();
  else rec.responseChunk(chunk);
});

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
const onResponseStart = guard('http.response', (message: unknown) => {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const w = requests.get(request);
  if (!w || w.response === response) return;
  w.response = response;
  responses.set(response, w.rec);
  captureBody(request, response);
  // rawHeaders, not headers: Node builds `headers` lazily, and the app may never ask for it.
  const status = response.statusCode ?? 0;
  const headers = fromFlatList(response.rawHeaders);
  w.rec.response(status, headers);
  // follow-redirects (axios) sends the next hop through http.request.
  if (status >= 300 && status < 400) noteRedirect(w.head, status, headers, w.rec);
});

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

function watchRequest(req: ClientRequest, rec: Recorder, head: RequestHead): void {
  requests.set(req, { rec, head, headersRecorded: false, chunkLeft: 0, skipFraming: false, timedOut: false });
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
  clientProto._send = function _send(this: ClientRequest, ...args: unknown[]): unknown {
    const w = requests.get(this);
    if (w) onSend(this, w, args[0], args[1]);
    return originalSend.apply(this, args);
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

function wrapRequest(original: AnyFn, scheme: 'http' | 'https', start: StartRecording): AnyFn {
  return function request(this: unknown, ...args: unknown[]) {
    const req = original.apply(this, args) as ClientRequest;
    safely('http.request', () => {
      const head = headOf(req, targetOf(args), scheme);
      const rec = start(head, previousHop(head));
      if (!rec) return;
      injectHeaders(req, rec);
      watchRequest(req, rec, head);
    });
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
