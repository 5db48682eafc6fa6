// One invocation span per Lambda invocation: the parent of every call the handler makes, flushed before
// the result goes back to the runtime (the runtime freezes the process as soon as it asks for the next
// event), and exported as unfinished by a watchdog shortly before the deadline (the SIGKILL leaves no
// exit hook to run).
import { context as otelContext, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config/load';
import type { Redactor } from '../redaction/redactor';
import { utf8Prefix } from '../exchange/body';
import { diag, describe } from '../diag/log';
import * as A from '../semconv';
import { detectTrigger, httpStatusOf, type Trigger } from './triggers';
import { parseXrayHeader } from './xray';

/** What the invocation needs from the agent (src/agent.ts implements it). */
export interface LambdaHost {
  readonly config: Readonly<Config>;
  /** The tracer, with a context manager ready. */
  tracer(): Tracer;
  redactor(): Redactor;
  /** Delivers every finished span, waiting at most `waitMs`; resolves to how many were not delivered in time. */
  flushInvocation(waitMs: number): Promise<number>;
  /** Synchronous delivery (a handler that threw synchronously: the runtime reports at once). */
  flushSync(): void;
  /**
   * The watchdog: in-flight calls (of `traceId` only, when given) become unfinished spans; `partials`
   * (snapshots) are exported too; all written synchronously.
   */
  reportTimeout(partials: ReadableSpan[], traceId?: string): number;
  /** The current invocation's X-Ray header from the environment (nodejs22.x sets it per invocation). */
  traceHeader(): string | undefined;
  /** True for the first invocation of this environment (process), false after. */
  takeColdstart(): boolean;
}

/** The parts of the Lambda context object wiretap reads. */
interface LambdaContext {
  awsRequestId?: string;
  invokedFunctionArn?: string;
  xRayTraceId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** Spans the previous invocations' flushes could not deliver in their wait (they stay queued and go with the next flush). */
let unsentTotal = 0;
/** Invocations started and not ended: more than one only with multi-concurrency (AWS_LAMBDA_MAX_CONCURRENCY). */
let active = 0;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function hrTime(ms: number): [number, number] {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

/** A copy of the event (or result) whose HTTP headers are masked like real headers. */
function maskHttpHeaders(value: unknown, keys: readonly string[] | undefined, redactor: Redactor): unknown {
  if (!keys || !isObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of keys) {
    const h = value[key];
    if (!isObject(h)) continue;
    const lower: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(h)) if (typeof v === 'string' || Array.isArray(v)) lower[k.toLowerCase()] = v as string | string[];
    const masked = redactor.headers(lower as never) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(h)) out[k] = k.toLowerCase() in masked ? masked[k.toLowerCase()] : v;
    copy ??= { ...value };
    copy[key] = out;
  }
  return copy ?? value;
}

function jsonText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  try {
    return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  } catch {
    return undefined; // circular or BigInt: not captured
  }
}

/** The event or result as a span body: the same policy, caps and redaction engine as HTTP bodies. */
function putBody(span: Span, side: 'request' | 'response', value: unknown, trigger: Trigger, config: Readonly<Config>, redactor: Redactor, failed: boolean): void {
  if (config.captureBodies === 'off') return;
  let text = jsonText(maskHttpHeaders(value, trigger.headerKeys, redactor));
  if (text === undefined) return;
  const cap = failed ? config.maxErrorBodyBytes : config.maxBodyBytes;
  let cut = false;
  if (Buffer.byteLength(text) > cap) {
    text = utf8Prefix(Buffer.from(text).subarray(0, cap), true);
    cut = true;
  }
  const content = redactor.body(text, { contentType: 'application/json', truncated: cut, side });
  span.setAttribute(side === 'request' ? A.ATTR_HTTP_REQUEST_BODY_CONTENT : A.ATTR_HTTP_RESPONSE_BODY_CONTENT, content);
  if (cut) span.setAttribute(side === 'request' ? A.ATTR_WIRETAP_REQUEST_BODY_TRUNCATED : A.ATTR_WIRETAP_RESPONSE_BODY_TRUNCATED, true);
}

/** A remote parent from X-Ray ids, always sampled: Lambda's own `Sampled=0` (X-Ray off) must not switch wiretap off. */
function xrayContext(header: string | undefined): Context | undefined {
  const ids = parseXrayHeader(header);
  if (!ids?.parentId) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: ids.traceId, spanId: ids.parentId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
}

function parentOf(trigger: Trigger, xray: string | undefined): { parent: Context; links: Link[] } {
  // 1. An HTTP caller's traceparent.
  if (trigger.headers && trigger.headers.traceparent) {
    const extracted = propagation.extract(ROOT_CONTEXT, trigger.headers);
    if (trace.getSpanContext(extracted)) return { parent: extracted, links: [] };
    const w3c = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(trigger.headers.traceparent.trim());
    if (w3c) return { parent: trace.setSpanContext(ROOT_CONTEXT, { traceId: w3c[1]!, spanId: w3c[2]!, traceFlags: parseInt(w3c[3]!, 16) & 1, isRemote: true }), links: [] };
  }
  // 2. Messages that carry their producer's X-Ray header: one message continues its producer's trace;
  //    a batch links to every producer.
  const producers = trigger.traceHeaders.map(parseXrayHeader).filter((x): x is NonNullable<typeof x> => !!x?.parentId);
  if (producers.length === 1) return { parent: xrayContext(trigger.traceHeaders.find((h) => parseXrayHeader(h)?.parentId))!, links: [] };
  const links: Link[] = producers.map((p) => ({ context: { traceId: p.traceId, spanId: p.parentId!, traceFlags: TraceFlags.SAMPLED, isRemote: true } }));
  // 3. The invocation's own X-Ray trace (EventBridge targets, direct invokes): the trace follows it, so the
  //    X-Amzn-Trace-Id that the AWS SDK copies from _X_AMZN_TRACE_ID onto every call names this trace.
  return { parent: xrayContext(xray) ?? ROOT_CONTEXT, links };
}

export class Invocation {
  readonly span: Span;
  readonly parent: Context;
  private readonly trigger: Trigger;
  private readonly startMs = Date.now();
  private watchdog: NodeJS.Timeout | undefined;
  private ended = false;
  private timedOut = false;

  constructor(
    private readonly host: LambdaHost,
    event: unknown,
    private readonly lambdaContext: LambdaContext,
  ) {
    const lambda = host.config.lambda;
    this.trigger = detectTrigger(event);
    const xray = lambdaContext.xRayTraceId || host.traceHeader();
    const { parent, links } = parentOf(this.trigger, xray);
    const attributes: Record<string, string | number | boolean | string[]> = {
      [A.ATTR_FAAS_TRIGGER]: this.trigger.trigger,
      [A.ATTR_FAAS_COLDSTART]: host.takeColdstart(),
      ...this.trigger.attributes,
    };
    if (lambdaContext.awsRequestId) attributes[A.ATTR_FAAS_INVOCATION_ID] = lambdaContext.awsRequestId;
    const arn = lambdaContext.invokedFunctionArn;
    if (arn) {
      attributes[A.ATTR_CLOUD_RESOURCE_ID] = arn;
      const account = arn.split(':')[4];
      if (account) attributes[A.ATTR_CLOUD_ACCOUNT_ID] = account;
    }
    if (xray) attributes[A.ATTR_WIRETAP_AWS_XRAY_TRACE_HEADER] = xray;
    if (unsentTotal > 0) attributes[A.ATTR_WIRETAP_LAMBDA_UNSENT_SPANS] = unsentTotal;
    this.parent = parent;
    this.span = host.tracer().startSpan(
      this.trigger.name ?? lambda?.functionName ?? 'lambda invocation',
      { kind: this.trigger.kind === 'consumer' ? SpanKind.CONSUMER : SpanKind.SERVER, attributes, links, startTime: this.startMs },
      parent,
    );
    if (this.span.isRecording()) putBody(this.span, 'request', event, this.trigger, host.config, host.redactor(), false);
    active++;
    this.startWatchdog();
  }

  /** Runs the handler with the invocation span active. */
  run<T>(fn: () => T): T {
    return otelContext.with(trace.setSpan(this.parent, this.span), fn);
  }

  private startWatchdog(): void {
    const remaining = this.lambdaContext.getRemainingTimeInMillis?.();
    if (typeof remaining !== 'number' || !Number.isFinite(remaining)) return;
    const buffer = this.host.config.lambda?.timeoutBufferMs ?? 500;
    // unref'd, and cleared at the end of the invocation: no timer of ours survives into the freeze.
    this.watchdog = setTimeout(() => this.onTimeout(), Math.max(0, remaining - buffer));
    this.watchdog.unref();
  }

  private onTimeout(): void {
    this.watchdog = undefined;
    if (this.ended) return;
    this.timedOut = true;
    try {
      const partial = snapshot(this.span, {
        [A.ATTR_WIRETAP_INCOMPLETE]: true,
        [A.ATTR_WIRETAP_INCOMPLETE_REASON]: 'timeout',
        [A.ATTR_WIRETAP_ELAPSED_MS]: Date.now() - this.startMs,
      });
      // Alone in the process, every call in flight goes out (the kill takes them all); with other
      // invocations in flight, only this one's: theirs are still running and end normally.
      const n = this.host.reportTimeout(partial ? [partial] : [], active > 1 ? this.span.spanContext().traceId : undefined);
      diag.info(`invocation close to its deadline: exported as unfinished with ${n} calls in flight`);
    } catch (err) {
      diag.once('error', 'lambda.timeout', `timeout report failed: ${describe(err)}`);
    }
  }

  private finish(error: unknown, result: unknown, hasError: boolean): void {
    this.ended = true;
    active--;
    if (this.watchdog) {
      clearTimeout(this.watchdog);
      this.watchdog = undefined;
    }
    const span = this.span;
    if (span.isRecording()) {
      if (hasError) {
        const e = error instanceof Error ? error : undefined;
        const type = e?.name || (isObject(error) && typeof error.errorType === 'string' ? error.errorType : undefined) || typeof error;
        span.setAttribute(A.ATTR_ERROR_TYPE, type);
        if (e) span.recordException(e);
        else span.addEvent('exception', { [A.ATTR_EXCEPTION_TYPE]: type, [A.ATTR_EXCEPTION_MESSAGE]: this.host.redactor().text(String(error)) });
        span.setStatus({ code: SpanStatusCode.ERROR, message: e ? e.message : String(error) });
      } else {
        if (this.trigger.trigger === 'http') {
          const status = httpStatusOf(result);
          if (status !== undefined) {
            span.setAttribute(A.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
            if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          }
        }
        putBody(span, 'response', result, { ...this.trigger, headerKeys: ['headers', 'multiValueHeaders'] }, this.host.config, this.host.redactor(), false);
      }
      // A viewer keeps this final record over the watchdog's partial one (same span id, no wiretap.incomplete).
      if (this.timedOut) span.setAttribute(A.ATTR_WIRETAP_ELAPSED_MS, Date.now() - this.startMs);
    }
    span.end();
  }

  private ending: Promise<void> | undefined;

  /**
   * Ends the span and delivers the invocation's spans, bounded by the flush wait. Never rejects. Only the
   * first outcome counts (as in the runtime); later calls get the same promise, so whatever waits on it
   * is released in the order it asked.
   */
  end(error: unknown, result: unknown, hasError: boolean): Promise<void> {
    if (this.ending) return this.ending;
    if (this.ended) return (this.ending = Promise.resolve());
    return (this.ending = this.endOnce(error, result, hasError));
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private async endOnce(error: unknown, result: unknown, hasError: boolean): Promise<void> {
    try {
      this.finish(error, result, hasError);
      const unsent = await this.host.flushInvocation(this.flushWait());
      if (unsent > 0) {
        unsentTotal += unsent;
        diag.once('warn', 'lambda.unsent', `the collector did not take ${unsent} spans within the flush wait; they stay queued for the next invocation (counted, not logged again)`);
      }
    } catch (err) {
      diag.once('error', 'lambda.end', `invocation end failed: ${describe(err)}`);
    }
  }

  /**
   * Delivers what ended after the invocation's own flush (work a 3.x callback handler left running, which
   * the runtime waits for before it answers), bounded the same way. Never rejects.
   */
  async flushLate(): Promise<void> {
    try {
      const unsent = await this.host.flushInvocation(this.flushWait());
      if (unsent > 0) unsentTotal += unsent;
    } catch (err) {
      diag.once('error', 'lambda.late', `flushing late work failed: ${describe(err)}`);
    }
  }

  /** The same, synchronously (a handler that threw synchronously). */
  endSync(error: unknown, result: unknown, hasError: boolean): void {
    if (this.ended) return;
    try {
      this.finish(error, result, hasError);
      this.host.flushSync();
    } catch (err) {
      diag.once('error', 'lambda.end', `invocation end failed: ${describe(err)}`);
    }
  }

  private flushWait(): number {
    const configured = this.host.config.lambda?.flushTimeoutMs;
    if (configured !== undefined) return configured;
    // Default: a tenth of the time left, between 50 ms and 2 s.
    const remaining = this.lambdaContext.getRemainingTimeInMillis?.();
    if (typeof remaining !== 'number' || !Number.isFinite(remaining)) return 2000;
    return Math.min(2000, Math.max(50, Math.floor(remaining / 10)));
  }
}

/** How many spans earlier flushes left undelivered (for tests and diagnostics). */
export function unsentSpans(): number {
  return unsentTotal;
}

/**
 * A finished-looking copy of a live SDK span (same ids), for the watchdog's partial record. The live span
 * still ends normally later, so a handler that finishes after all exports its real end too.
 */
export function snapshot(span: Span, extra: Record<string, string | number | boolean>): ReadableSpan | undefined {
  const s = span as unknown as Partial<ReadableSpan>;
  if (!s.startTime || !s.attributes || typeof s.spanContext !== 'function') return undefined; // not an SDK span
  const end = hrTime(Date.now());
  const start = s.startTime;
  const durNs = (end[0] - start[0]) * 1e9 + (end[1] - start[1]);
  const duration: [number, number] = [Math.floor(durNs / 1e9), durNs % 1e9];
  return {
    name: s.name!,
    kind: s.kind!,
    spanContext: () => span.spanContext(),
    parentSpanContext: s.parentSpanContext,
    startTime: start,
    endTime: end,
    status: s.status ?? { code: SpanStatusCode.UNSET },
    attributes: { ...s.attributes, ...extra },
    links: s.links ?? [],
    events: s.events ?? [],
    duration,
    ended: true,
    resource: s.resource!,
    instrumentationScope: s.instrumentationScope!,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
