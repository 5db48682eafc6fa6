// SERVER spans for incoming http/https requests, continuing an incoming `traceparent`, without a frame
// on the app's stack. Replaces @opentelemetry/instrumentation-http's incoming side, which wraps
// Server.prototype.emit and runs every handler inside context.with(): 7 extra frames in each request
// handler (enough to push the app's own frames out of an error.stack at Error.stackTraceLimit 10).
//
// Node publishes `http.server.request.start` synchronously right before it emits 'request' (Node 20, 22,
// 24). The subscriber starts the span and enters its context with AsyncLocalStorage.enterWith(), so the
// handler, and everything it starts, runs in it without any wrapper between Node and the handler. The
// span ends on the response's 'close' (a listener Node never counts).
//
// What remains (docs/design.md): where AsyncLocalStorage is built on async_hooks (Node 20 and 22), the
// first enterWith() turns on async-resource tracking for the whole process, and native callbacks gain a
// `callbackTrampoline` frame; any context propagation there needs it. Where it is built on
// AsyncContextFrame (Node 24), nothing process-wide changes, but the request's own 'data'/'end' listeners
// run in the connection's context, so only those are bound to the server span (a wrapper per listener).
import diagnosticsChannel = require('node:diagnostics_channel');
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { hrNow, now } from './clock';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { guard } from '../diag/log';
import * as A from '../semconv';

/** Enters a context for the rest of the current synchronous execution and what it starts. */
export type EnterContext = (ctx: Context) => void;

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

// AsyncContextFrame-based AsyncLocalStorage (Node 24's default) has no async-hooks plumbing on its prototype.
const contextFrames = !('_propagate' in AsyncLocalStorage.prototype);

function hostAndPort(host: string | undefined): { address?: string; port?: number } {
  if (!host) return {};
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (!m) return {};
  return { address: m[1].startsWith('[') ? m[1].slice(1, -1) : m[1], port: m[2] ? Number(m[2]) : undefined };
}

/** HTTP server span attributes (semantic conventions, stable HTTP) known when the request starts. */
export function serverAttributes(req: IncomingMessage): Record<string, string | number> {
  const socket = req.socket;
  const scheme = (socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http';
  const method = (req.method ?? 'GET').toUpperCase();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const host = hostAndPort(typeof req.headers.host === 'string' ? req.headers.host : undefined);
  const attrs: Record<string, string | number> = {
    [A.ATTR_HTTP_REQUEST_METHOD]: KNOWN_METHODS.has(method) ? method : '_OTHER',
    [A.ATTR_URL_SCHEME]: scheme,
    [A.ATTR_URL_PATH]: q < 0 ? url : url.slice(0, q),
    [A.ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
  };
  if (!KNOWN_METHODS.has(method)) attrs[A.ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = req.method ?? '';
  if (q >= 0) attrs[A.ATTR_URL_QUERY] = url.slice(q + 1);
  if (host.address) attrs[A.ATTR_SERVER_ADDRESS] = host.address;
  const port = host.port ?? socket?.localPort;
  if (port) attrs[A.ATTR_SERVER_PORT] = port;
  if (socket?.remoteAddress) {
    attrs[A.ATTR_NETWORK_PEER_ADDRESS] = socket.remoteAddress;
    attrs[A.ATTR_CLIENT_ADDRESS] = socket.remoteAddress;
  }
  if (socket?.remotePort) attrs[A.ATTR_NETWORK_PEER_PORT] = socket.remotePort;
  const ua = req.headers['user-agent'];
  if (typeof ua === 'string') attrs[A.ATTR_USER_AGENT_ORIGINAL] = ua;
  return attrs;
}

/** A request whose response has not closed yet: reported as unfinished if the process goes down first. */
interface InflightServer {
  span: Span;
  response: ServerResponse;
  startMs: number;
}

function endServerSpan(span: Span, res: ServerResponse): void {
  const status = res.statusCode;
  if (res.writableFinished) {
    span.setAttribute(A.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    // Server side: only 5xx is an error (4xx is the client's).
    if (status >= 500) {
      span.setAttribute(A.ATTR_ERROR_TYPE, String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  } else {
    if (res.headersSent) span.setAttribute(A.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    span.setAttribute(A.ATTR_ERROR_TYPE, 'aborted');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'connection closed before the response ended' });
  }
  span.end(hrNow()); // the real clock captured at preload: an app's fake Date/performance.now never moves it
}

/** Listeners added to the request on a runtime where they would otherwise run outside the server span. */
function bindRequestListeners(req: IncomingMessage, ctx: Context): void {
  for (const name of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'] as const) {
    const original = req[name];
    // An own property on this one request: the prototype stays untouched.
    req[name] = function bindToServerSpan(this: IncomingMessage, event: string | symbol, listener: (...args: unknown[]) => void) {
      return original.call(this, event, typeof listener === 'function' ? context.bind(ctx, listener) : listener);
    } as IncomingMessage['on'];
  }
}

/** Ends a SERVER span still in flight as unfinished, as client calls are (`wiretap.incomplete`). */
function endInflightServerSpan(entry: InflightServer, reason: string): void {
  const { span, response } = entry;
  if (response.headersSent) span.setAttribute(A.ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
  span.setAttributes({ [A.ATTR_WIRETAP_INCOMPLETE]: true, [A.ATTR_WIRETAP_ELAPSED_MS]: Math.round(now() - entry.startMs), [A.ATTR_ERROR_TYPE]: 'incomplete' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: `still in flight at ${reason}` });
  span.end(hrNow());
}

export interface ServerSpans {
  stop(): void;
  /** Ends every SERVER span whose response has not closed as unfinished (exit paths); returns how many. */
  reportInflight(reason: string): number;
}

/**
 * Subscribes to Node's server channel. `enter` must put the context into the registered context manager
 * (see agent.ts); without it spans are still recorded, but calls made by handlers do not nest under them.
 */
export function startServerSpans(tracer: () => Tracer, enter: EnterContext | undefined): ServerSpans {
  const inflight = new Set<InflightServer>();
  const onStart = guard('server.request', (message: unknown) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const attributes = serverAttributes(request);
    const startMs = now();
    const span = tracer().startSpan(String(attributes[A.ATTR_HTTP_REQUEST_METHOD] === '_OTHER' ? 'HTTP' : attributes[A.ATTR_HTTP_REQUEST_METHOD]), { kind: SpanKind.SERVER, attributes, startTime: hrNow() }, parent);
    const entry: InflightServer = { span, response, startMs };
    inflight.add(entry);
    response.once('close', () => {
      if (!inflight.delete(entry)) return; // already reported as unfinished
      endServerSpan(span, response);
    });
    if (!enter) return;
    const ctx = trace.setSpan(parent, span);
    enter(ctx);
    if (contextFrames) bindRequestListeners(request, ctx);
  });
  diagnosticsChannel.subscribe('http.server.request.start', onStart);
  return {
    stop: () => diagnosticsChannel.unsubscribe('http.server.request.start', onStart),
    reportInflight(reason) {
      let n = 0;
      for (const entry of [...inflight]) {
        inflight.delete(entry);
        guard('server.inflight', endInflightServerSpan)(entry, reason);
        n++;
      }
      return n;
    },
  };
}
