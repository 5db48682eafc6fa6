// The node:http2 client interceptor: patches connect(), then each session's request(). Each stream is one
// exchange, watched passively (instance wrappers on write/end/push, errorMonitor, and 'response'/'close'
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

function watchStream(stream: ClientHttp2Stream, rec: Recorder): void {
  let responded = false;
  let ended = false;
  const onBody = guard('http2.body', (chunk: unknown, encoding: unknown) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      rec.requestChunk(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    }
  });
  const write = stream.write;
  stream.write = function wiretapWrite(this: ClientHttp2Stream, ...args: unknown[]) {
    onBody(args[0], args[1]);
    return (write as AnyFn).apply(this, args);
  } as typeof stream.write;
  const end = stream.end;
  stream.end = function wiretapEnd(this: ClientHttp2Stream, ...args: unknown[]) {
    onBody(args[0], args[1]);
    return (end as AnyFn).apply(this, args);
  } as typeof stream.end;

  const onPush = guard('http2.push', (chunk: unknown) => {
    if (chunk !== null) rec.responseChunk(chunk);
    // A reset stream also pushes null (from _destroy): that is not the end of the body, 'error'/'close' decide.
    // Neither is an end without response headers (a reset with NO_ERROR before any response): the app got
    // no response, so 'close' records it as a failure.
    else if (!stream.destroyed && responded) {
      ended = true;
      rec.end();
    }
  });
  const push = stream.push;
  stream.push = function wiretapPush(this: ClientHttp2Stream, chunk: unknown, encoding?: BufferEncoding) {
    onPush(chunk);
    return push.call(this, chunk, encoding);
  } as typeof stream.push;

  const onResponse = guard('http2.response', (raw: unknown) => {
    responded = true;
    const headers = fromObject(raw as Record<string, string | string[]>);
    const status = Number(headers[':status'] ?? 0);
    for (const name of Object.keys(headers)) if (name.startsWith(':')) delete headers[name];
    rec.response(status, headers);
  });
  const onError = guard('http2.error', (err: unknown) => rec.fail(err));
  const onClose = guard('http2.close', () => {
    if (ended) return;
    const code = stream.rstCode;
    // Closed cleanly (NGHTTP2_NO_ERROR) after the response arrived: a normal end.
    if (responded && !code && stream.readableEnded) return void rec.end();
    rec.fail(Object.assign(new Error(responded ? 'stream closed before the response ended' : 'stream closed before a response'), {
      code: code ? rstCodeName(code) : responded ? 'aborted' : 'no_response',
    }));
  });
  // No wrapper on stream.emit: it would show in the stack Node prints for an unhandled 'error'. errorMonitor
  // observes errors without handling them; Node never counts 'response' or 'close' listeners.
  stream.on('response', onResponse);
  stream.on(errorMonitor, onError);
  stream.on('close', onClose);
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
      if (rec?.inject) {
        const have = new Set(Object.keys(headers ?? {}).map((k) => k.toLowerCase()));
        const extra = Object.entries(rec.inject).filter(([k]) => !have.has(k.toLowerCase()));
        // A copy: the app's own headers object is never changed.
        if (extra.length) sent = { ...(headers ?? {}), ...Object.fromEntries(extra) };
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
      Object.assign(http2, { connect });
      syncBuiltinESMExports();
    };
  },
};
