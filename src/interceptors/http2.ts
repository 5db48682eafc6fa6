// The node:http2 client interceptor: patches connect(), then each session's request(). Each stream is one
// exchange, watched passively (shared _write/_writev/push hooks on the client stream prototype, errorMonitor, and 'response'/'close'
// listeners that change nothing).
import http2 = require('node:http2');
import { syncBuiltinESMExports } from 'node:module';
import { errorMonitor } from 'node:events';
import type { ClientHttp2Session, ClientHttp2Stream, OutgoingHttpHeaders } from 'node:http2';
import type { Interceptor, Recorder, StartRecording } from './interceptor';
import { fromObject } from '../exchange/headers';
import type { Headers, RequestHead } from '../exchange/types';
import { guard, safely } from '../diag/log';
import { takeClaim } from './undici-h2';
import { h2ReadStandIn } from './h2-read';

type AnyFn = (...args: any[]) => any;

function authorityOf(authority: unknown): { scheme: 'http' | 'https'; host: string; port: number } {
  const u = authority instanceof URL ? authority : new URL(typeof authority === 'string' ? authority : String((authority as { href?: string })?.href ?? authority));
  const scheme = u.protocol === 'http:' ? 'http' : 'https';
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { scheme, host, port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80 };
}

function headOf(target: ReturnType<typeof authorityOf>, headers: OutgoingHttpHeaders | undefined): RequestHead {
  const all = fromObject((headers ?? {}) as Record<string, string | string[] | number>);
  const plain: Headers = {};
  for (const name of Object.keys(all)) if (!name.startsWith(':')) plain[name] = all[name];
  const rawPath = all[':path'] || '/';
  const q = rawPath.indexOf('?');
  return {
    method: (all[':method'] || 'GET').toUpperCase(),
    scheme: all[':scheme'] === 'http' ? 'http' : all[':scheme'] === 'https' ? 'https' : target.scheme,
    host: target.host,
    port: target.port,
    path: q < 0 ? rawPath : rawPath.slice(0, q),
    query: q < 0 ? '' : rawPath.slice(q + 1),
    headers: plain,
    protocolVersion: '2',
    transport: 'http2',
  };
}

let rstNames: Map<number, string> | undefined;
/** `NGHTTP2_CANCEL` for 8: the name nghttp2 and Node's error messages use. */
function rstCodeName(code: number): string {
  if (!rstNames) {
    rstNames = new Map();
    const errorCodes = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];
    const constants = http2.constants as unknown as Record<string, number>;
    for (const name of errorCodes) if (typeof constants[`NGHTTP2_${name}`] === 'number') rstNames.set(constants[`NGHTTP2_${name}`], `NGHTTP2_${name}`);
  }
  return rstNames.get(code) ?? `NGHTTP2_${code}`;
}

// Per-stream state sits under one symbol on the stream, and the hooks are shared functions (on the client
// stream prototype, installed on the first recorded stream, and as listeners that read `this`): no
// closure, wrapper or own method is made per stream. Per-stream closures and instance wrappers cost
// about 1.7 KB per in-flight stream (bench/memory-h2.js, BENCH_CLIENT=http2).
interface Watch {
  rec: Recorder;
  responded: boolean;
  ended: boolean;
}
const WATCH = Symbol('wiretap.h2watch');
type Watched = ClientHttp2Stream & { [WATCH]?: Watch };

const onBody = guard('http2.body', (w: Watch, chunk: unknown, encoding: unknown) => {
  if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
    w.rec.requestChunk(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
  }
});

const onPush = guard('http2.push', (stream: ClientHttp2Stream, w: Watch, chunk: unknown) => {
  if (chunk !== null) w.rec.responseChunk(chunk);
  // A reset stream also pushes null (from _destroy): that is not the end of the body, 'error'/'close' decide.
  // Neither is an end without response headers (a reset with NO_ERROR before any response): the app got
  // no response, so 'close' records it as a failure.
  else if (!stream.destroyed && w.responded) {
    w.ended = true;
    w.rec.end();
  }
});

const recordResponse = guard('http2.response', (w: Watch, raw: unknown) => {
  w.responded = true;
  const headers = fromObject(raw as Record<string, string | string[]>);
  const status = Number(headers[':status'] ?? 0);
  for (const name of Object.keys(headers)) if (name.startsWith(':')) delete headers[name];
  w.rec.response(status, headers);
});
const recordError = guard('http2.error', (w: Watch, err: unknown) => w.rec.fail(err));
const recordClose = guard('http2.close', (stream: ClientHttp2Stream, w: Watch) => {
  if (w.ended) return;
  const code = stream.rstCode;
  // Closed cleanly (NGHTTP2_NO_ERROR) after the response arrived: a normal end.
  if (w.responded && !code && stream.readableEnded) return void w.rec.end();
  w.rec.fail(Object.assign(new Error(w.responded ? 'stream closed before the response ended' : 'stream closed before a response'), {
    code: code ? rstCodeName(code) : w.responded ? 'aborted' : 'no_response',
  }));
});

// Shared listeners: `this` is the stream.
function onResponse(this: Watched, raw: unknown): void {
  const w = this[WATCH];
  if (w) recordResponse(w, raw);
}
function onError(this: Watched, err: unknown): void {
  const w = this[WATCH];
  if (w) recordError(w, err);
}
function onClose(this: Watched): void {
  const w = this[WATCH];
  if (w) recordClose(this, w);
}

let hookedProto: Record<string, AnyFn> | undefined;
let unhook: (() => void) | undefined;

/** _write/_writev hooks (and the fallback push hook) on the client stream prototype (server streams have their own), installed once. */
function hookPrototype(stream: ClientHttp2Stream): void {
  const proto = Object.getPrototypeOf(stream) as Record<string, AnyFn> | null;
  if (!proto || proto === hookedProto) return;
  if (hookedProto) return; // one client stream class per process
  hookedProto = proto;
  const own = {
    _write: Object.prototype.hasOwnProperty.call(proto, '_write') ? proto._write : undefined,
    _writev: Object.prototype.hasOwnProperty.call(proto, '_writev') ? proto._writev : undefined,
    push: Object.prototype.hasOwnProperty.call(proto, 'push') ? proto.push : undefined,
  };
  const originalWrite = proto._write;
  const originalWritev = proto._writev;
  const originalPush = proto.push;
  // The request body is read in _write/_writev, below write()/end(): an error those throw (argument
  // validation) is made before, so wiretap is not on its stack. Named as Node's own.
  proto._write = function _write(this: Watched, ...args: unknown[]): unknown {
    const w = this[WATCH];
    if (w) onBody(w, args[0], args[1]);
    return originalWrite.apply(this, args);
  };
  if (typeof originalWritev === 'function') {
    proto._writev = function _writev(this: Watched, ...args: unknown[]): unknown {
      const w = this[WATCH];
      if (w && Array.isArray(args[0])) for (const entry of args[0] as { chunk: unknown; encoding?: unknown }[]) onBody(w, entry?.chunk, entry?.encoding);
      return originalWritev.apply(this, args);
    };
  }
  installPushHook = () => {
    proto.push = function push(this: Watched, chunk: unknown, encoding?: BufferEncoding): unknown {
      const w = this[WATCH];
      if (w) onPush(this, w, chunk);
      return originalPush.call(this, chunk, encoding);
    };
  };
  unhook = () => {
    for (const name of ['_write', '_writev', 'push'] as const) {
      if (own[name]) proto[name] = own[name]!;
      else delete proto[name];
    }
    hookedProto = undefined;
    installPushHook = undefined;
    if (reading?.mode === 'push') reading = undefined;
  };
}

// Response body chunks: a stand-in for the stream handle's onread (h2-read.ts), so no wiretap frame sits
// under the app's 'data' or pipe handlers; made at the first recorded stream's handle. Where it cannot be
// made exactly, the prototype push hook instead (one frame).
let installPushHook: (() => void) | undefined;
let reading: { mode: 'onread'; nodeOnRead: unknown; standIn: unknown; handleKey: symbol } | { mode: 'push' } | undefined;
let handleKey: symbol | undefined;

const readHooks = {
  onChunk: guard('http2.chunk', (stream: object, chunk: Buffer) => {
    const w = (stream as Watched)[WATCH];
    if (w) onPush(stream as ClientHttp2Stream, w, chunk);
  }),
  onEnd: guard('http2.end', (stream: object) => {
    const w = (stream as Watched)[WATCH];
    if (w) onPush(stream as ClientHttp2Stream, w, null);
  }),
};

type Handle = { onread?: unknown };

/** Puts the onread stand-in on the stream's handle; the handle exists once the stream is 'ready'. */
function readThroughStandIn(stream: ClientHttp2Stream): void {
  handleKey ??= Object.getOwnPropertySymbols(stream).find((k) => k.description === 'kHandle');
  const handle = handleKey && ((stream as unknown as Record<symbol, Handle | undefined>)[handleKey]);
  if (!handle) return void stream.once('ready', onReady);
  if (!reading) {
    const nodeOnRead = handle.onread;
    const standIn = safely('http2.read-stand-in', () => h2ReadStandIn(nodeOnRead, handle, readHooks));
    reading = standIn && handleKey ? { mode: 'onread', nodeOnRead, standIn, handleKey } : { mode: 'push' };
    if (reading.mode === 'push') installPushHook?.();
  }
  if (reading.mode === 'onread' && handle.onread === reading.nodeOnRead) handle.onread = reading.standIn;
}
function onReady(this: ClientHttp2Stream): void {
  safely('http2.ready', () => readThroughStandIn(this));
}

function watchStream(stream: ClientHttp2Stream, rec: Recorder): void {
  hookPrototype(stream);
  (stream as Watched)[WATCH] = { rec, responded: false, ended: false };
  if (reading?.mode !== 'push') readThroughStandIn(stream);
  // No wrapper on stream.emit: it would show in the stack Node prints for an unhandled 'error'. errorMonitor
  // observes errors without handling them; Node never counts 'response' or 'close' listeners.
  stream.on('response', onResponse);
  stream.on(errorMonitor, onError);
  stream.on('close', onClose);
}

function hasHeader(headers: OutgoingHttpHeaders | undefined, lowerName: string): boolean {
  if (!headers) return false;
  if (headers[lowerName] !== undefined) return true;
  for (const k in headers) if (k.toLowerCase() === lowerName) return true;
  return false;
}

function watchSession(session: ClientHttp2Session, authority: unknown, start: StartRecording): void {
  const target = authorityOf(authority);
  const request = session.request;
  session.request = function wiretapRequest(this: ClientHttp2Session, headers?: OutgoingHttpHeaders, ...rest: unknown[]) {
    let rec: Recorder | undefined;
    let sent = headers;
    safely('http2.request', () => {
      // undici's own stream (allowH2): the undici interceptor records it.
      if (takeClaim(headers)) return;
      rec = start(headOf(target, headers));
      const inject = rec?.inject;
      if (inject) {
        // The pipeline already left out what the request carries (head.headers are lower-case); the app
        // may have used any case, so compare lower-cased. A copy: the app's own object is never changed.
        let copy: OutgoingHttpHeaders | undefined;
        for (const name in inject) {
          if (!hasHeader(headers, name)) (copy ??= { ...(headers ?? {}) })[name] = inject[name];
        }
        if (copy) sent = copy;
      }
    });
    const stream = (request as AnyFn).call(this, sent, ...rest) as ClientHttp2Stream;
    if (rec) {
      const r = rec;
      safely('http2.watch', () => watchStream(stream, r));
    }
    return stream;
  } as typeof session.request;
}

export const http2Interceptor: Interceptor = {
  name: 'http2',
  install(start) {
    const connect = http2.connect;
    const patched = function connectWithWiretap(this: unknown, ...args: unknown[]) {
      const session = (connect as AnyFn).apply(this, args) as ClientHttp2Session;
      safely('http2.connect', () => watchSession(session, args[0], start));
      return session;
    };
    Object.assign(http2, { connect: patched });
    syncBuiltinESMExports();
    return () => {
      unhook?.();
      Object.assign(http2, { connect });
      syncBuiltinESMExports();
    };
  },
};
