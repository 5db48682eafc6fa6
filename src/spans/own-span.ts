// wiretap's own span record, used only when wiretap owns the TracerProvider (no global one registered).
// The SDK provider is still built as before, so the sampler (OTEL_TRACES_SAMPLER[_ARG]), the span limits
// (OTEL_SPAN_*/OTEL_ATTRIBUTE_* as the SDK merges them), the id generator, the resource and the scope are
// the SDK's own objects; only the per-span work is ours. The rules are SpanImpl's and Tracer.startSpan's
// (@opentelemetry/sdk-trace 2.x), step for step: the same attributes in the same order, the same limits and
// truncation, the same times, links, events, status and diag messages. What it leaves out is cost: the
// second sanitising copy of the start attributes, the ~30 class fields SpanImpl initialises, the clock
// reads at start when the start time is given, and the getters the processors read (plain fields here).
// The span is an API Span (trace.setSpan, isRecording) and its own ReadableSpan: processors, encoders, the
// console exporter and the Lambda snapshot read its fields directly. Why and how much: docs/design.md
// ("Spans", "The span record").
import {
  diag,
  INVALID_SPAN_CONTEXT,
  SamplingDecision,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  context as apiContext,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanAttributes,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, ReadableSpan, Sampler, SpanLimits, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';

type Core = typeof import('@opentelemetry/core');

// Read once, here: in the bundle every use of the API's exports goes through a getter (esbuild's __toESM
// copy), and core's through its own; several per span on this path.
const traceApi = trace;
const diagApi = diag;
const INTERNAL = SpanKind.INTERNAL;
const RECORD_AND_SAMPLED = SamplingDecision.RECORD_AND_SAMPLED;
const NOT_RECORD = SamplingDecision.NOT_RECORD;
const SAMPLED = TraceFlags.SAMPLED;
const NOT_SAMPLED = TraceFlags.NONE;
const UNSET = SpanStatusCode.UNSET;

/** What the span record uses of @opentelemetry/core, read from it once per tracer. */
interface CoreParts {
  isTracingSuppressed: Core['isTracingSuppressed'];
  otperformance: Core['otperformance'];
  timeOrigin: number;
  hrTime: Core['hrTime'];
  hrTimeDuration: Core['hrTimeDuration'];
  addHrTimes: Core['addHrTimes'];
}

function coreParts(core: Core): CoreParts {
  const { isTracingSuppressed, otperformance, hrTime, hrTimeDuration, addHrTimes } = core;
  return { isTracingSuppressed, otperformance, timeOrigin: otperformance.timeOrigin, hrTime, hrTimeDuration, addHrTimes };
}

/** What the SDK tracer was built with: read once from it, so that every setting is the SDK's own. */
export interface OwnTracerParts {
  sampler: Sampler;
  spanLimits: SpanLimits;
  resource: Resource;
  scope: InstrumentationScope;
  idGenerator: IdGenerator;
  processors: readonly SpanProcessor[];
}

/**
 * The parts of an SDK Tracer (@opentelemetry/sdk-trace 2.x keeps them as fields), or undefined when a
 * field is not where this version keeps it: the caller then uses the SDK tracer itself.
 */
export function partsOf(sdkTracer: Tracer, processors: readonly SpanProcessor[]): OwnTracerParts | undefined {
  const t = sdkTracer as unknown as { _sampler?: Sampler; _spanLimits?: SpanLimits; _resource?: Resource; _idGenerator?: IdGenerator; instrumentationScope?: InstrumentationScope };
  if (typeof t._sampler?.shouldSample !== 'function' || !t._spanLimits || !t._resource || !t.instrumentationScope) return undefined;
  if (typeof t._idGenerator?.generateSpanId !== 'function' || typeof t._idGenerator.generateTraceId !== 'function') return undefined;
  return { sampler: t._sampler, spanLimits: t._spanLimits, resource: t._resource, scope: t.instrumentationScope, idGenerator: t._idGenerator, processors };
}

const hasOwn = Object.prototype.hasOwnProperty;

function isHomogeneousArray(arr: unknown[]): boolean {
  let type: string | undefined;
  for (const element of arr) {
    if (element == null) continue;
    const t = typeof element;
    if (t === type) continue;
    if (!type) {
      if (t === 'string' || t === 'number' || t === 'boolean') {
        type = t;
        continue;
      }
      return false;
    }
    return false;
  }
  return true;
}

/** core's isAttributeValue. */
function isAttributeValue(val: unknown): boolean {
  if (val == null) return true;
  if (Array.isArray(val)) return isHomogeneousArray(val);
  const t = typeof val;
  return t === 'string' || t === 'number' || t === 'boolean';
}

/** core's sanitizeAttributes: valid keys and values, arrays copied. */
function sanitize(attributes: unknown): Attributes {
  const out: Attributes = {};
  if (typeof attributes !== 'object' || attributes == null) return out;
  const attrs = attributes as Record<string, unknown>;
  for (const key in attrs) {
    if (!hasOwn.call(attrs, key)) continue;
    if (key === '') {
      diagApi.warn(`Invalid attribute key: ${key}`);
      continue;
    }
    const val = attrs[key];
    if (!isAttributeValue(val)) {
      diagApi.warn(`Invalid attribute value set for key: ${key}`);
      continue;
    }
    out[key] = Array.isArray(val) ? val.slice() : (val as AttributeValue | undefined);
  }
  return out;
}

/** A key that an object enumerates before the others, in numeric order (an array index). */
const isIndexKey = (key: string): boolean => {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57 || !/^(?:0|[1-9]\d*)$/.test(key)) return false;
  return Number(key) < 4294967295;
};

const isHrTime = (value: unknown): value is HrTime => Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
const isTimeInput = (value: unknown): value is TimeInput => isHrTime(value) || typeof value === 'number' || value instanceof Date;

/** core's millisToHrTime. */
function millisToHrTime(epochMillis: number): HrTime {
  return [Math.trunc(epochMillis / 1000), Math.round((epochMillis % 1000) * 1e6)];
}

export class OwnTracer implements Tracer {
  readonly instrumentationScope: InstrumentationScope;
  private readonly processors: readonly SpanProcessor[];
  private readonly core: CoreParts;

  constructor(
    private readonly parts: OwnTracerParts,
    core: Core = require('@opentelemetry/core') as Core, // eslint-disable-line @typescript-eslint/no-require-imports
  ) {
    this.instrumentationScope = parts.scope;
    this.processors = parts.processors;
    this.core = coreParts(core);
  }

  /** Tracer.startSpan of the SDK, step for step (minus the no-op tracer metrics of a provider without a MeterProvider). */
  startSpan(name: string, options: SpanOptions = {}, ctx: Context = apiContext.active()): Span {
    if (options.root) ctx = traceApi.deleteSpan(ctx);
    const parentSpan = traceApi.getSpan(ctx);
    if (this.core.isTracingSuppressed(ctx)) {
      diagApi.debug('Instrumentation suppressed, returning Noop Span');
      return traceApi.wrapSpanContext(INVALID_SPAN_CONTEXT);
    }
    const parentSpanContext = parentSpan?.spanContext();
    const ids = this.parts.idGenerator;
    const spanId = ids.generateSpanId();
    let validParent: SpanContext | undefined;
    let traceId: string;
    let traceState;
    if (!parentSpanContext || !traceApi.isSpanContextValid(parentSpanContext)) traceId = ids.generateTraceId();
    else {
      traceId = parentSpanContext.traceId;
      traceState = parentSpanContext.traceState;
      validParent = parentSpanContext;
    }
    const kind = options.kind ?? INTERNAL;
    const links: Link[] = options.links ? options.links.map((link) => ({ context: link.context, attributes: sanitize(link.attributes) })) : [];
    const attributes = sanitize(options.attributes);
    const result = this.parts.sampler.shouldSample(ctx, traceId, name, kind, attributes, links);
    traceState = result.traceState ?? traceState;
    const traceFlags = result.decision === RECORD_AND_SAMPLED ? SAMPLED : NOT_SAMPLED;
    const spanContext: SpanContext = { traceId, spanId, traceFlags, traceState };
    if (result.decision === NOT_RECORD) {
      diagApi.debug('Recording is off, propagating context in a non-recording span');
      return traceApi.wrapSpanContext(spanContext);
    }
    // The SDK sanitises the merged attributes again because the sampler may have added some; when it
    // added none, `attributes` is already sanitised (the second pass would only copy it).
    const initial = result.attributes ? sanitize(Object.assign(attributes, result.attributes)) : attributes;
    const span = new OwnSpan(this.parts, this.core, name, kind, spanContext, validParent, links, options.startTime);
    span.setAttributes(initial);
    for (const p of this.processors) p.onStart(span as never, ctx);
    return span;
  }

  /** Tracer.startActiveSpan of the SDK. */
  readonly startActiveSpan = ((name: string, ...rest: unknown[]): unknown => {
    type Fn = (span: Span) => unknown;
    let opts: SpanOptions | undefined;
    let ctx: Context | undefined;
    let fn: Fn;
    if (rest.length < 1) return undefined;
    else if (rest.length === 1) fn = rest[0] as Fn;
    else if (rest.length === 2) [opts, fn] = rest as [SpanOptions, Fn];
    else [opts, ctx, fn] = rest as [SpanOptions, Context, Fn];
    const parent = ctx ?? apiContext.active();
    const span = this.startSpan(name, opts, parent);
    return apiContext.with(traceApi.setSpan(parent, span), fn, undefined, span);
  }) as Tracer['startActiveSpan'];
}

/** SpanImpl's behaviour with plain ReadableSpan fields. */
export class OwnSpan implements Span, ReadableSpan {
  name: string;
  kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  /**
   * The attributes as two lists in the order an object would enumerate them (the encoders read these):
   * a span's ~30 attributes would turn an object into a slow dictionary-mode one, for each set and again
   * for each read. `attributes` builds the object view when something asks for it.
   */
  readonly attributeKeys: string[] = [];
  readonly attributeValues: AttributeValue[] = [];
  /** A key an object would enumerate first (an array index, "0", "42"): the lists are not in object order. */
  hasIndexKey = false;
  private attributesView: SpanAttributes | undefined;
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  status: SpanStatus = { code: UNSET };
  ended = false;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private attributesCount = 0;
  private readonly limits: SpanLimits;
  private readonly valueLengthLimit: number;
  private readonly startTimeProvided: boolean;
  /** SpanImpl reads both clocks at start; here only where a time needs them (performance-clock input, no end time). */
  private wallStart: number | undefined;
  private performanceStart: number | undefined;
  private performanceOffset: number | undefined;

  constructor(
    private readonly parts: OwnTracerParts,
    private readonly core: CoreParts,
    name: string,
    kind: SpanKind,
    private readonly ctx: SpanContext,
    parent: SpanContext | undefined,
    links: readonly Link[],
    startTime: TimeInput | undefined,
  ) {
    this.limits = parts.spanLimits;
    this.valueLengthLimit = this.limits.attributeValueLengthLimit ?? 0;
    this.name = name;
    this.kind = kind;
    this.parentSpanContext = parent;
    for (const link of links) this.addLink(link);
    this.startTimeProvided = startTime != null;
    if (!this.startTimeProvided) this.clocks();
    this.startTime = this.time(startTime ?? this.wallStart!);
    this.resource = parts.resource;
    this.instrumentationScope = parts.scope;
  }

  /** The two clock reads SpanImpl makes at start, made the first time a conversion needs them. */
  private clocks(): void {
    if (this.performanceStart !== undefined) return;
    const wall = (this.wallStart = Date.now());
    this.performanceStart = this.core.otperformance.now();
    this.performanceOffset = wall - (this.performanceStart + this.core.timeOrigin);
  }

  spanContext(): SpanContext {
    return this.ctx;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    return this.put(key, value, this.attributeKeys.length);
  }

  /** setAttribute; an existing key can only be among the first `existing` keys. */
  private put(key: string, value: AttributeValue | undefined, existing: number): this {
    if (value == null || this.isEnded()) return this;
    if (key.length === 0) {
      diagApi.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    if (!isAttributeValue(value)) {
      diagApi.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    // An object ignores a string stored under __proto__ (SpanImpl counts it and keeps nothing): so here.
    if (key === '__proto__') {
      this.attributesCount++;
      return this;
    }
    const keys = this.attributeKeys;
    let at = -1;
    for (let i = 0; i < existing; i++) {
      if (keys[i] === key) {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      this.attributeValues[at] = this.truncate(value);
      this.attributesView = undefined;
      return this;
    }
    const countLimit = this.limits.attributeCountLimit;
    if (countLimit !== undefined && this.attributesCount >= countLimit) {
      this.droppedAttributesCount++;
      return this;
    }
    keys.push(key);
    this.attributeValues.push(this.truncate(value));
    if (!this.hasIndexKey && isIndexKey(key)) this.hasIndexKey = true;
    this.attributesView = undefined;
    this.attributesCount++;
    return this;
  }

  /** The attributes as an object (as SpanImpl keeps them), for whatever reads a ReadableSpan generically. */
  get attributes(): SpanAttributes {
    let view = this.attributesView;
    if (!view) {
      view = {};
      const keys = this.attributeKeys;
      const values = this.attributeValues;
      for (let i = 0; i < keys.length; i++) view[keys[i]!] = values[i];
      this.attributesView = view;
    }
    return view;
  }

  setAttributes(attributes: SpanAttributes): this {
    // An object's own keys are distinct: each needs comparing only with the keys the span had before.
    const existing = this.attributeKeys.length;
    for (const key in attributes) if (hasOwn.call(attributes, key)) this.put(key, attributes[key], existing);
    return this;
  }

  /** setAttributes of the object these lists describe (distinct keys, in its order). */
  setAttributeList(keys: readonly string[], values: readonly (AttributeValue | undefined)[]): this {
    const existing = this.attributeKeys.length;
    for (let i = 0; i < keys.length; i++) this.put(keys[i], values[i], existing);
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: SpanAttributes | TimeInput, timeStamp?: TimeInput): this {
    if (this.isEnded()) return this;
    const { eventCountLimit } = this.limits;
    if (eventCountLimit === 0) {
      diagApi.warn('No events allowed.');
      this.droppedEventsCount++;
      return this;
    }
    if (eventCountLimit !== undefined && this.events.length >= eventCountLimit) {
      if (this.droppedEventsCount === 0) diagApi.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEventsCount++;
    }
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(timeStamp)) timeStamp = attributesOrStartTime;
      attributesOrStartTime = undefined;
    }
    const { attributes, droppedAttributesCount } = this.limited(sanitize(attributesOrStartTime), this.limits.attributePerEventCountLimit);
    this.events.push({ name, attributes, time: this.time(timeStamp), droppedAttributesCount });
    return this;
  }

  /** An event's or link's attributes under its count limit (the SDK's rule: the first `limit` kept), values truncated. */
  private limited(sanitized: Attributes, limit: number | undefined): { attributes: Attributes; count: number; droppedAttributesCount: number } {
    const attributes: Attributes = {};
    let droppedAttributesCount = 0;
    let count = 0;
    for (const attr in sanitized) {
      if (!hasOwn.call(sanitized, attr)) continue;
      if (limit !== undefined && count >= limit) {
        droppedAttributesCount++;
        continue;
      }
      attributes[attr] = this.truncate(sanitized[attr]!);
      count++;
    }
    return { attributes, count, droppedAttributesCount };
  }

  addLink(link: Link): this {
    if (this.isEnded()) return this;
    const { linkCountLimit } = this.limits;
    if (linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    if (linkCountLimit !== undefined && this.links.length >= linkCountLimit) {
      if (this.droppedLinksCount === 0) diagApi.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinksCount++;
    }
    const { attributes, count, droppedAttributesCount } = this.limited(sanitize(link.attributes), this.limits.attributePerLinkCountLimit);
    const processed: Link = { context: link.context };
    if (count > 0) processed.attributes = attributes;
    if (droppedAttributesCount > 0) processed.droppedAttributesCount = droppedAttributesCount;
    this.links.push(processed);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.isEnded()) return this;
    if (status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR) {
      if (typeof status.message === 'string') next.message = status.message;
      else if (status.message != null) diagApi.warn(`Dropping invalid status.message of type '${typeof status.message}', expected 'string'`);
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this.isEnded()) return this;
    this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.isEnded()) {
      diagApi.error(`${this.name} ${this.ctx.traceId}-${this.ctx.spanId} - You can only call end() on a span once.`);
      return;
    }
    this.endTime = this.time(endTime);
    this.duration = this.core.hrTimeDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      diagApi.warn('Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.', this.startTime, this.endTime);
      this.endTime = this.startTime.slice() as HrTime;
      this.duration = [0, 0];
    }
    if (this.droppedEventsCount > 0) diagApi.warn(`Dropped ${this.droppedEventsCount} events because eventCountLimit reached`);
    if (this.droppedLinksCount > 0) diagApi.warn(`Dropped ${this.droppedLinksCount} links because linkCountLimit reached`);
    const processors = this.parts.processors;
    for (const p of processors) p.onEnding?.(this);
    this.ended = true;
    for (const p of processors) p.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) this.addEvent('exception', attributes, time);
    else diagApi.warn(`Failed to record an exception ${String(exception)}`);
  }

  /** SpanImpl._getTime. */
  private time(input: TimeInput | undefined): HrTime {
    if (typeof input === 'number') {
      // Epoch milliseconds are far above any performance.now() (it would take the process decades to get
      // there): decided without reading the clock. Anything smaller is compared as SpanImpl does.
      if (input < this.core.timeOrigin && input <= this.core.otperformance.now()) {
        this.clocks();
        return this.core.hrTime(input + this.performanceOffset!);
      }
      return millisToHrTime(input);
    }
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isHrTime(input)) return input;
    if (this.startTimeProvided) return millisToHrTime(Date.now());
    this.clocks();
    const msDuration = this.core.otperformance.now() - this.performanceStart!;
    return this.core.addHrTimes(this.startTime, millisToHrTime(msDuration));
  }

  private isEnded(): boolean {
    if (this.ended) {
      const error = new Error(`Operation attempted on ended Span {traceId: ${this.ctx.traceId}, spanId: ${this.ctx.spanId}}`);
      diagApi.warn(`Cannot execute the operation on ended Span {traceId: ${this.ctx.traceId}, spanId: ${this.ctx.spanId}}`, error);
    }
    return this.ended;
  }

  /** SpanImpl._truncateToSize. */
  private truncate(value: AttributeValue): AttributeValue {
    const limit = this.valueLengthLimit;
    if (limit <= 0) {
      diagApi.warn(`Attribute value limit must be positive, got ${limit}`);
      return value;
    }
    if (typeof value === 'string') return value.length <= limit ? value : value.substring(0, limit);
    if (Array.isArray(value)) return (value as unknown[]).map((v) => (typeof v === 'string' && v.length > limit ? v.substring(0, limit) : v)) as AttributeValue;
    return value;
  }
}
