// The recording pipeline: one Recording per HTTP attempt. It starts the span when the request starts
// (so an in-flight call can be reported), collects the exchange from the interceptor, and at the end
// describes it (decoder + redactor) and ends the span.
import {
  context,
  createContextKey,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
  type TextMapSetter,
} from '@opentelemetry/api';
import type { Config } from '../config/load';
import type { DecodedKind, Decoder } from '../decoders/decoder';
import type { DecoderRegistry } from '../decoders/registry';
import { BodyCollector } from '../exchange/body';
import { fromFlatList, type FlatHeaders } from '../exchange/headers';
import type { Exchange, Headers, RequestHead } from '../exchange/types';
import type { Recorder, StartRecording } from '../interceptors/interceptor';
import type { Redactor } from '../redaction/redactor';
import { describeListed, withAttributeObject, type ListedDescription, type SpanDescription } from './describe';
import { OwnSpan } from './own-span';
import { AttributeList } from './attribute-list';
import { httpDecoder } from '../decoders/http';
import { diag, describe } from '../diag/log';
import * as A from '../semconv';

export interface PipelineOptions {
  config: Pick<Config, 'captureBodies' | 'captureHeaders' | 'maxBodyBytes' | 'maxErrorBodyBytes' | 'maxInflight' | 'propagate'>;
  registry: DecoderRegistry;
  redactor: Redactor;
  tracer: () => Tracer;
  /** Requests wiretap makes itself (span export): never recorded. */
  /** Requests that are wiretap's or the platform's own; without a path, any path on that host and port. */
  ignore?: readonly { host: string; port: number; path?: string }[];
  /** Called with each finished exchange and its description (record mode). */
  onExchange?: (exchange: Exchange, description: SpanDescription) => void;
  /**
   * Called once per exchange at its end, sampled or not (metrics): the description when the span was
   * sampled (the decoder ran), else undefined; `decoder` is the one matched on the head.
   */
  onEnd?: (exchange: Exchange, description: SpanDescription | undefined, decoder: Decoder) => void;
}

const KIND: Record<DecodedKind, SpanKind> = {
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
// The key @opentelemetry/core's suppressTracing() sets (context keys are Symbol.for(description)): an
// app's own OpenTelemetry exporter suppresses tracing around its calls. Read here without loading core.
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');
const isTracingSuppressed = (ctx: Context): boolean => ctx.getValue(SUPPRESS_TRACING) === true;

/** W3C trace context, as @opentelemetry/core's W3CTraceContextPropagator writes it. */
function injectW3C(span: Span, carrier: Record<string, string>): void {
  const sc = span.spanContext();
  if (!traceApi.isSpanContextValid(sc)) return;
  carrier.traceparent = `00-${sc.traceId}-${sc.spanId}-0${Number(sc.traceFlags || 0).toString(16)}`;
  if (sc.traceState) carrier.tracestate = sc.traceState.serialize();
}

// The real clock captured at preload: a fake Date/performance.now in the app never moves span times.
export { now } from './clock';
import { now as clockNow } from './clock';

// Read once, here: in the bundle every use of another bundle's export (the clock, the header list) or of the API's goes
// through two getters (esbuild's __toESM copies), a few hundred instructions per call on this path.
const now: () => number = clockNow;
const headersFromFlatList = fromFlatList;
const contextApi = context;
const propagationApi = propagation;
const traceApi = trace;

export function errorType(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string' && e.code) return e.code;
    if (e.name === 'AbortError') return 'aborted';
    if (e.name === 'TimeoutError') return 'timeout';
    if (typeof e.name === 'string' && e.name) return e.name;
  }
  return 'Error';
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return String(err);
}

export class Pipeline {
  readonly inflight = new Set<Recording>();
  droppedInflight = 0;

  constructor(readonly options: PipelineOptions) {}

  readonly start: StartRecording = (head: RequestHead, previousHop?: unknown) => {
    try {
      // The next hop of a followed redirect: same parent as the hop before it (see interceptors/redirects.ts).
      const hop = previousHop instanceof RedirectHop ? previousHop : undefined;
      const active = hop ? hop.parent : contextApi.active();
      if (isTracingSuppressed(active)) return undefined;
      const ignore = this.options.ignore;
      if (ignore && ignore.length) {
        let host: string | undefined;
        for (const t of ignore) if (t.port === head.port && (t.path === undefined || t.path === head.path) && t.host === (host ??= head.host.toLowerCase())) return undefined;
      }
      if (this.inflight.size >= this.options.config.maxInflight) {
        if (this.droppedInflight++ === 0) diag.warn(`more than ${this.options.config.maxInflight} calls in flight; not recording the excess`);
        return undefined;
      }
      const decoder = this.options.registry.match(head);
      const recording = new Recording(this, head, decoder, active, hop);
      this.inflight.add(recording);
      return recording;
    } catch (err) {
      diag.once('error', 'pipeline.start', `could not start recording: ${describe(err)}`);
      return undefined;
    }
  };

  /** Ends every in-flight recording (or those `only` picks) as unfinished (process exit, crash, timeout watchdog). */
  reportInflight(reason: string, only?: (r: Recording) => boolean): number {
    let n = 0;
    for (const r of [...this.inflight]) {
      if (only && !only(r)) continue;
      r.finishIncomplete(reason);
      n++;
    }
    return n;
  }
}

/** What the next hop of a redirect needs from the one before it: its parent, its span, its count. */
class RedirectHop {
  constructor(
    readonly parent: Context,
    readonly previous: SpanContext,
    readonly resendCount: number,
  ) {}
}

/** Stands for response headers nothing reads (see Recording.response). */
const NO_HEADERS: Headers = Object.freeze({}) as Headers;

export class Recording implements Recorder {
  readonly span: Span;
  readonly inject: Record<string, string> | undefined;
  readonly wantsBodies: boolean;
  private readonly exchange: Exchange;
  private requestBody?: BodyCollector;
  private responseBody?: BodyCollector;
  private done = false;
  private readonly resendCount: number;
  /** The response headers as the transport listed them, until finish() makes the map. */
  private rawResponseHeaders: FlatHeaders | undefined = undefined;

  constructor(
    private readonly pipeline: Pipeline,
    head: RequestHead,
    private decoder: Decoder,
    private readonly parent: Context,
    hop?: RedirectHop,
  ) {
    const startTime = now();
    let kindHint: DecodedKind | undefined;
    try {
      kindHint = decoder.kindHint?.(head);
    } catch {
      kindHint = undefined;
    }
    this.span = pipeline.options.tracer().startSpan(
      `${head.method} ${head.host}`,
      {
        kind: KIND[kindHint ?? 'client'],
        startTime,
        attributes: {
          [A.ATTR_HTTP_REQUEST_METHOD]: head.method,
          [A.ATTR_SERVER_ADDRESS]: head.host,
          [A.ATTR_SERVER_PORT]: head.port,
          ...(hop ? { [A.ATTR_HTTP_REQUEST_RESEND_COUNT]: hop.resendCount } : undefined),
        },
        links: hop ? [{ context: hop.previous }] : undefined,
      },
      parent,
    );
    this.resendCount = hop?.resendCount ?? 0;
    this.exchange = { request: head, timings: { start: startTime } };
    const { config } = pipeline.options;
    this.wantsBodies = this.span.isRecording() && config.captureBodies !== 'off';
    this.inject = config.propagate ? this.headersToInject(head, parent) : undefined;
  }

  private headersToInject(head: RequestHead, parent: ReturnType<typeof context.active>): Record<string, string> | undefined {
    const carrier: Record<string, string> = {};
    const sc = this.span.spanContext();
    // Never overwrite what the request already carries (it may be covered by a signature).
    if (head.headers['traceparent'] === undefined) {
      // The global propagator when one is registered (e.g. the app's B3), W3C otherwise.
      if (propagationApi.fields().length > 0) propagationApi.inject(traceApi.setSpan(parent, this.span), carrier, setter);
      else injectW3C(this.span, carrier);
    }
    if (this.decoder.inject) {
      try {
        const extra = this.decoder.inject(head, {
          traceId: sc.traceId,
          spanId: sc.spanId,
          sampled: (sc.traceFlags & 1) === 1,
        });
        if (extra) Object.assign(carrier, extra);
      } catch (err) {
        diag.once('error', `inject:${this.decoder.name}`, `decoder ${this.decoder.name}: inject threw: ${describe(err)}`);
      }
    }
    let n = 0;
    for (const name in carrier) {
      if (head.headers[name.toLowerCase()] !== undefined) delete carrier[name];
      else n++;
    }
    return n > 0 ? carrier : undefined;
  }

  requestHeaders(headers: Headers): void {
    Object.assign(this.exchange.request.headers, headers);
  }

  asPreviousHop(): unknown {
    return new RedirectHop(this.parent, this.span.spanContext(), this.resendCount + 1);
  }

  protocolVersion(version: string): void {
    if (!this.done) this.exchange.request.protocolVersion = version;
  }

  requestChunk(chunk: unknown, encoding?: BufferEncoding): void {
    if (this.done || !this.wantsBodies) return;
    // Requests capture up to the error cap: whether the call fails is not known yet.
    (this.requestBody ??= new BodyCollector(this.pipeline.options.config.maxErrorBodyBytes)).push(chunk, encoding);
  }

  requestBodyUnknown(): void {
    if (this.done || !this.wantsBodies) return;
    (this.requestBody ??= new BodyCollector(this.pipeline.options.config.maxErrorBodyBytes)).unknownSize = true;
  }

  response(status: number, headers: Headers | FlatHeaders): void {
    if (this.done) return;
    if (Array.isArray(headers)) {
      // Made at the end, and only if something reads it (not for an unsampled span without metrics).
      this.rawResponseHeaders = headers as FlatHeaders;
      this.exchange.response = { status, headers: NO_HEADERS };
    } else {
      this.rawResponseHeaders = undefined;
      this.exchange.response = { status, headers: headers as Headers };
    }
    this.exchange.timings.responseStart = now();
  }

  responseChunk(chunk: unknown): void {
    if (this.done || !this.wantsBodies) return;
    if (!this.responseBody) {
      const failed = (this.exchange.response?.status ?? 0) >= 400;
      const { maxBodyBytes, maxErrorBodyBytes } = this.pipeline.options.config;
      this.responseBody = new BodyCollector(failed ? maxErrorBodyBytes : maxBodyBytes);
    }
    this.responseBody.push(chunk);
  }

  end(): void {
    if (this.done) return;
    this.finish();
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.exchange.error = { type: errorType(error), message: errorMessage(error) };
    this.finish();
  }

  finishIncomplete(reason: string): void {
    if (this.done) return;
    this.exchange.incomplete = true;
    this.exchange.error ??= { type: 'incomplete', message: `still in flight at ${reason}` };
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.pipeline.inflight.delete(this);
    const x = this.exchange;
    x.timings.end = now();
    try {
      const raw = this.rawResponseHeaders;
      if (raw !== undefined && x.response !== undefined) {
        this.rawResponseHeaders = undefined;
        const { onEnd, onExchange } = this.pipeline.options;
        if (this.span.isRecording() || onEnd !== undefined || onExchange !== undefined) x.response.headers = headersFromFlatList(raw);
      }
      if (this.requestBody) x.requestBody = this.requestBody.finish(x.request.headers['content-encoding'], this.pipeline.options.config.maxErrorBodyBytes);
      if (this.responseBody) x.responseBody = this.responseBody.finish(x.response?.headers['content-encoding'], this.pipeline.options.config.maxErrorBodyBytes);
      if (!this.span.isRecording()) {
        this.span.end(x.timings.end);
        this.pipeline.options.onEnd?.(x, undefined, this.decoder);
        return;
      }
      const { registry, redactor, config } = this.pipeline.options;
      // Headers set after the request was created (setHeader before the first write) may name a service.
      if (this.decoder === httpDecoder) this.decoder = registry.match(x.request);
      const d = describeListed(x, this.decoder, {
        redactor,
        captureBodies: config.captureBodies,
        captureHeaders: config.captureHeaders,
        maxBodyBytes: config.maxBodyBytes,
        maxErrorBodyBytes: config.maxErrorBodyBytes,
        state: registry.stateOf(this.decoder),
      });
      applyDescription(this.span, d);
      this.span.end(x.timings.end);
      const { onExchange, onEnd } = this.pipeline.options;
      if (onExchange === undefined && onEnd === undefined) return;
      const described = withAttributeObject(d);
      onExchange?.(x, described);
      onEnd?.(x, described, this.decoder);
    } catch (err) {
      diag.once('error', 'pipeline.finish', `could not finish a span: ${describe(err)}`);
      try {
        this.span.end(x.timings.end);
      } catch {
        /* nothing more to do */
      }
    }
  }
}

export function applyDescription(span: Span, d: ListedDescription | SpanDescription): void {
  span.updateName(d.name);
  const attributes = d.attributes;
  if (!(attributes instanceof AttributeList)) span.setAttributes(attributes);
  else if (span instanceof OwnSpan) span.setAttributeList(attributes.keys, attributes.values);
  else span.setAttributes(attributes.toObject());
  // The kind is fixed at start in the OpenTelemetry API; SDK spans keep it as a plain field, so a decoder
  // that learns it from the body (e.g. SNS Publish over the query protocol) can still correct it.
  const wanted = KIND[d.kind];
  const sdkSpan = span as unknown as { kind?: SpanKind };
  if (sdkSpan.kind !== undefined && sdkSpan.kind !== wanted) {
    try {
      sdkSpan.kind = wanted;
    } catch {
      /* a foreign Span implementation: keep the start kind */
    }
  }
  if (d.links) for (const link of d.links) span.addLink(link);
  if (d.error) span.setStatus({ code: SpanStatusCode.ERROR, message: d.error.message ?? d.error.type });
}
