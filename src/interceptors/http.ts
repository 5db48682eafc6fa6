// The node:http / node:https client interceptor. It patches request/get on both modules and watches each
// ClientRequest passively: instance-level wrappers on write/end, the `res` property and the response's push,
// so it never adds a listener that changes behaviour (a 'response' listener would stop Node from dumping an
// unread response; an 'error' listener would swallow a crash), never reads, pauses or resumes.
import http = require('node:http');
import https = require('node:https');
import { syncBuiltinESMExports } from 'node:module';
import { errorMonitor } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Interceptor, Recorder, StartRecording } from './interceptor';
import { fromObject } from '../exchange/headers';
import type { RequestHead } from '../exchange/types';
import { guard, safely } from '../diag/log';

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
  for (const [name, value] of Object.entries(rec.inject)) {
    if (!req.hasHeader(name)) req.setHeader(name, value);
  }
}

function watchResponse(res: IncomingMessage, rec: Recorder): void {
  rec.response(res.statusCode ?? 0, fromObject(res.headers as Record<string, string | string[]>));
  const push = res.push;
  res.push = function wiretapPush(this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk === null) onEnd();
    else onChunk(chunk);
    return push.call(this, chunk, encoding);
  } as typeof res.push;
  // Listeners, not an emit wrapper (it would sit in the stack of anything thrown from the app's handlers):
  // errorMonitor observes without handling, and Node never counts 'aborted' listeners.
  res.on(errorMonitor, (err: unknown) => onError(err));
  res.on('aborted', () => onError(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
  const onChunk = guard('http.response.chunk', (chunk: unknown) => rec.responseChunk(chunk));
  const onEnd = guard('http.response.end', () => rec.end());
  const onError = guard('http.response.error', (err: unknown) => rec.fail(err));
}

function watchRequest(req: ClientRequest, rec: Recorder): void {
  let headersRecorded = false;
  let timedOut = false;
  let response: IncomingMessage | undefined;
  const recordFinalHeaders = guard('http.request.headers', () => {
    if (headersRecorded) return;
    headersRecorded = true;
    rec.requestHeaders(fromObject(req.getHeaders() as Record<string, string | string[] | number>));
  });
  const onBody = guard('http.request.body', (chunk: unknown, encoding: unknown) => {
    recordFinalHeaders();
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      rec.requestChunk(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined);
    }
  });

  const write = req.write;
  req.write = function wiretapWrite(this: ClientRequest, ...args: unknown[]) {
    onBody(args[0], args[1]);
    return (write as AnyFn).apply(this, args);
  } as typeof req.write;
  const end = req.end;
  req.end = function wiretapEnd(this: ClientRequest, ...args: unknown[]) {
    onBody(args[0], args[1]);
    return (end as AnyFn).apply(this, args);
  } as typeof req.end;

  const onResponse = guard('http.request.response', (res: IncomingMessage) => {
    if (!res || response === res) return;
    response = res;
    watchResponse(res, rec);
  });
  const onTimeout = guard('http.request.timeout', () => {
    timedOut = true;
  });
  const onError = guard('http.request.error', (arg: unknown) => {
    const err = arg as { code?: string };
    rec.fail(timedOut && (!err || err.code === 'ECONNRESET') ? Object.assign(new Error('request timed out'), { code: 'timeout' }) : arg);
  });
  const onClose = guard('http.request.close', () => {
    if (!response) rec.fail(Object.assign(new Error(timedOut ? 'request timed out' : 'request aborted'), { code: timedOut ? 'timeout' : 'aborted' }));
    else if (response.complete) rec.end();
    else rec.fail(Object.assign(new Error('response aborted'), { code: 'aborted' }));
  });
  // No wrapper on req.emit: it would sit in the stack Node prints for an unhandled 'error' ("Emitted 'error'
  // event ... at"). Instead: the response through the `res` property Node sets right before emitting
  // 'response' (a 'response' listener would stop Node dumping an unread response), errors through
  // errorMonitor (observes without handling), and plain 'timeout'/'close' listeners (Node never counts them).
  let current = (req as ClientRequest & { res?: IncomingMessage | null }).res;
  Object.defineProperty(req, 'res', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (value: IncomingMessage | null | undefined) => {
      current = value;
      if (value) onResponse(value);
    },
  });
  req.on(errorMonitor, onError);
  req.on('timeout', onTimeout);
  req.on('close', onClose);
}

function wrapRequest(original: AnyFn, scheme: 'http' | 'https', start: StartRecording): AnyFn {
  return function request(this: unknown, ...args: unknown[]) {
    const req = original.apply(this, args) as ClientRequest;
    safely('http.request', () => {
      const rec = start(headOf(req, targetOf(args), scheme));
      if (!rec) return;
      injectHeaders(req, rec);
      watchRequest(req, rec);
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
    };
  },
};
