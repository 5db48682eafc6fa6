// The undici / global fetch interceptor. Node's bundled undici (global fetch) and the npm `undici` package
// both publish on the same named diagnostics channels, so one subscription covers every copy.
//
// Body chunks: undici >= 7.11 publishes `undici:request:bodyChunkSent` / `bodyChunkReceived`; older
// copies (Node 20 and 22 bundle 6.x) do not. Feature detection is per undici copy (per Request
// prototype): where the channels exist they are used; elsewhere the Request instance's own onBodySent /
// onData are wrapped, which sees the same chunks without reading, buffering or delaying any of them.
import diagnosticsChannel = require('node:diagnostics_channel');
import type { Interceptor, Recorder, StartRecording } from './interceptor';
import { fromFlatList, fromRawString } from '../exchange/headers';
import type { Headers, RequestHead } from '../exchange/types';
import { guard, safely } from '../diag/log';
import { UNDICI_CHANNELS as CH } from './channels';
import { claimNextStream } from './undici-h2';
import { noteRedirect, previousHop } from './redirects';

interface UndiciRequest {
  origin?: string | URL;
  method?: string;
  path?: string;
  headers?: string | unknown[];
  body?: unknown;
  addHeader?(name: string, value: string): unknown;
  onData?(chunk: Buffer): unknown;
  onBodySent?(chunk: unknown): unknown;
}

const recorders = new WeakMap<object, Recorder>();
const publishesChunks = new WeakMap<object, boolean>();

/** Whether this copy of undici publishes the body-chunk channels (>= 7.11), detected once per copy. */
function hasChunkChannels(request: UndiciRequest): boolean {
  const proto = Object.getPrototypeOf(request) as object | null;
  if (!proto) return false;
  let known = publishesChunks.get(proto);
  if (known === undefined) {
    const onData = (proto as UndiciRequest).onData;
    known = typeof onData === 'function' && Function.prototype.toString.call(onData).includes('bodyChunkReceived');
    publishesChunks.set(proto, known);
  }
  return known;
}

const originCache = new Map<string, { scheme: 'http' | 'https'; host: string; port: number }>();

function parseOrigin(origin: string | URL | undefined): { scheme: 'http' | 'https'; host: string; port: number } {
  const key = String(origin ?? '');
  let parsed = originCache.get(key);
  if (!parsed) {
    const u = new URL(key);
    const scheme = u.protocol === 'https:' ? 'https' : 'http';
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    parsed = { scheme, host, port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80 };
    if (originCache.size > 1000) originCache.clear();
    originCache.set(key, parsed);
  }
  return parsed;
}

function requestHeaders(request: UndiciRequest): Headers {
  const h = request.headers;
  if (typeof h === 'string') return fromRawString(h);
  if (Array.isArray(h)) return fromFlatList(h as string[]);
  return {};
}

function headOf(request: UndiciRequest): RequestHead {
  const { scheme, host, port } = parseOrigin(request.origin);
  const rawPath = request.path || '/';
  const q = rawPath.indexOf('?');
  return {
    method: (request.method || 'GET').toUpperCase(),
    scheme,
    host,
    port,
    path: q < 0 ? rawPath : rawPath.slice(0, q),
    query: q < 0 ? '' : rawPath.slice(q + 1),
    headers: requestHeaders(request),
    protocolVersion: '1.1',
    transport: 'undici',
  };
}

function onCreate(start: StartRecording, request: UndiciRequest): void {
  const head = headOf(request);
  const rec = start(head, previousHop(head));
  if (!rec) return;
  recorders.set(request, rec);
  if (rec.inject && typeof request.addHeader === 'function') {
    for (const [name, value] of Object.entries(rec.inject)) request.addHeader(name, value);
  }
  if (!rec.wantsBodies || hasChunkChannels(request)) return;
  const onBodySent = request.onBodySent;
  if (typeof onBodySent === 'function') {
    const seen = guard('undici.bodySent', (chunk: unknown) => rec.requestChunk(chunk));
    request.onBodySent = function wiretapOnBodySent(this: UndiciRequest, chunk: unknown) {
      seen(chunk);
      return onBodySent.call(this, chunk);
    };
  }
  const onData = request.onData;
  if (typeof onData === 'function') {
    const seen = guard('undici.data', (chunk: unknown) => rec.responseChunk(chunk));
    request.onData = function wiretapOnData(this: UndiciRequest, chunk: Buffer) {
      seen(chunk);
      return onData.call(this, chunk);
    };
  }
}

type Listener = (message: unknown) => void;

function isHttp2Head(head: string): boolean {
  const eol = head.indexOf('\r\n');
  const firstLine = eol < 0 ? head : head.slice(0, eol);
  return !/ HTTP\/1\.[01]$/.test(firstLine) && head.includes(':method: ');
}

// undici >= 7.17 (Node 24's fetch included) installs its NODE_DEBUG=undici/fetch subscribers only if the
// channels it logs (`undici:request:headers/trailers/error`, `undici:client:*`) have no subscriber yet when
// it loads; a preload that subscribed first would silence "received response", "trailers received",
// "errored". So at preload wiretap subscribes only to channels undici does not check (create, body chunks),
// and to the checked ones on the first `create`: by then the copy that publishes it has loaded and decided.
const EARLY = [CH.create, CH.bodyChunkSent, CH.bodyChunkReceived] as const;

/**
 * Keeps `ours` the last subscriber of one channel. wiretap adds trace headers from its `create` subscriber;
 * subscribed first (at preload), it would run before every other one, and an app, another agent or
 * undici's own tests subscribed later would see a header list they did not make. Run last, they see the
 * request as the app made it, and wiretap sees headers another tracer added (and then adds none).
 * The cost: an own `subscribe` property on that one channel object, which re-appends ours after each
 * new subscriber (channels copy their subscriber list on change, so a publish in progress is unaffected).
 */
function keepLast(name: string, ours: Listener): () => void {
  type Subscribable = { subscribe(fn: Listener): unknown; unsubscribe(fn: Listener): boolean };
  const channel = diagnosticsChannel.channel(name) as unknown as Subscribable;
  if (Object.prototype.hasOwnProperty.call(channel, 'subscribe')) return () => {};
  channel.subscribe = function subscribe(this: Subscribable, subscription: Listener) {
    const proto = Object.getPrototypeOf(this) as Subscribable;
    const result = proto.subscribe.call(this, subscription);
    if (subscription !== ours) {
      safely('undici.order', () => {
        // Only while ours is subscribed, and only when it is not the only one: the channel stays active.
        if (proto.unsubscribe.call(this, ours)) proto.subscribe.call(this, ours);
      });
    }
    return result;
  };
  return () => {
    delete (channel as { subscribe?: unknown }).subscribe;
  };
}

export const undiciInterceptor: Interceptor = {
  name: 'undici',
  install(start) {
    let lateSubscribed = false;
    const subscribeLate = () => {
      lateSubscribed = true;
      for (const [name, fn] of Object.entries(listeners)) if (!(EARLY as readonly string[]).includes(name)) diagnosticsChannel.subscribe(name, fn);
    };
    const listeners: Record<string, Listener> = {
      [CH.create]: guard('undici.create', (m: unknown) => {
        if (!lateSubscribed) subscribeLate();
        onCreate(start, (m as { request: UndiciRequest }).request);
      }),
      // Published with the head undici sends. HTTP/1.1 heads start with the request line; an HTTP/2 one
      // (allowH2) is a list of fields with the pseudo-headers, published right before the session.request()
      // that carries this same exchange.
      [CH.sendHeaders]: guard('undici.sendHeaders', (m: unknown) => {
        const { request, headers } = m as { request: UndiciRequest; headers: unknown };
        if (typeof headers !== 'string' || !isHttp2Head(headers)) return;
        const rec = recorders.get(request);
        if (!rec) return;
        rec.protocolVersion('2');
        claimNextStream(request.method || 'GET', request.path || '/');
      }),
      [CH.headers]: guard('undici.headers', (m: unknown) => {
        const { request, response } = m as { request: UndiciRequest; response: { statusCode: number; headers: Buffer[] } };
        const rec = recorders.get(request);
        if (!rec) return;
        const headers = fromFlatList(response.headers);
        rec.response(response.statusCode, headers);
        if (response.statusCode >= 300 && response.statusCode < 400) noteRedirect(headOf(request), response.statusCode, headers, rec);
      }),
      [CH.bodyChunkSent]: guard('undici.bodyChunkSent', (m: unknown) => {
        const { request, chunk } = m as { request: object; chunk: unknown };
        recorders.get(request)?.requestChunk(chunk);
      }),
      [CH.bodyChunkReceived]: guard('undici.bodyChunkReceived', (m: unknown) => {
        const { request, chunk } = m as { request: object; chunk: unknown };
        recorders.get(request)?.responseChunk(chunk);
      }),
      [CH.trailers]: guard('undici.trailers', (m: unknown) => {
        const { request } = m as { request: object };
        const rec = recorders.get(request);
        if (rec) {
          recorders.delete(request);
          rec.end();
        }
      }),
      [CH.error]: guard('undici.error', (m: unknown) => {
        const { request, error } = m as { request: object; error: unknown };
        const rec = recorders.get(request);
        if (rec) {
          recorders.delete(request);
          rec.fail(error);
        }
      }),
    };
    for (const name of EARLY) diagnosticsChannel.subscribe(name, listeners[name]);
    const restoreOrder = keepLast(CH.create, listeners[CH.create]);
    return () => {
      restoreOrder();
      for (const [name, fn] of Object.entries(listeners)) {
        if (lateSubscribed || (EARLY as readonly string[]).includes(name)) safely('undici.unsubscribe', () => diagnosticsChannel.unsubscribe(name, fn));
      }
    };
  },
};
