// A bounded batching span processor with BatchSpanProcessor's OTEL_BSP_* semantics: a batch goes out when
// it is full (OTEL_BSP_MAX_EXPORT_BATCH_SIZE) or when the schedule (OTEL_BSP_SCHEDULE_DELAY) comes round,
// one export at a time. It adds what BatchSpanProcessor cannot do: hand its queue back synchronously
// (`flushSync`) so the exit path can still write spans on process.exit() or a crash, count every span it
// could not deliver, and never be what keeps the process alive (its timers are the real ones captured at
// preload, unref'd; the exit grace is bounded).
import { TraceFlags } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { diag } from '../diag/log';
import { realTimers, refTimeout, type Timers } from '../spans/clock';
import type { EncodedSpan, SpanEncoder } from './encoded';
import type { EncodedExporter, SyncExporter } from './types';

/** A queued span: encoded bytes when the exporter takes them (file, OTLP), else the SDK span. */
export type Queued = EncodedSpan | ReadableSpan;

/**
 * Where failed batches wait for the next flush (Lambda mode: the next invocation's). Bounded by its owner;
 * `keep` returns how many spans it had to drop to stay within its bounds.
 */
export interface RetryStore<T> {
  keep(batch: readonly T[]): number;
  take(): T[];
  readonly size: number;
}

/** An export error the exporter says must not be sent again (OTLP: a 4xx other than 429, a 500, 501...). */
const isRetryable = (error: Error | undefined): boolean => (error as { retryable?: boolean } | undefined)?.retryable !== false;

export interface QueueOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  /** The timers to use: the real ones (default); tests pass a fake clock. */
  timers?: Timers;
  /** Failed batches are kept here and sent again at the next forceFlush (default: dropped and counted). */
  retry?: RetryStore<Queued>;
}

/** How long the process may be kept alive at its natural end for an export already in flight. */
export const EXIT_GRACE_MILLIS = 1000;

interface InFlight {
  size: number;
  settle: (ok: boolean, why?: string) => void;
}

export class ExportQueueProcessor implements SpanProcessor {
  private queue: Queued[] = [];
  /** Set when the exporter takes encoded spans: each span is encoded once at its end. */
  private readonly encoder: SpanEncoder | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: InFlight | undefined;
  private exporting: Promise<void> | undefined;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private shutDown = false;
  private readonly timers: Timers;
  /** Spans dropped because the queue was full. */
  dropped = 0;
  exported = 0;
  /** Spans whose export failed, timed out, or was still unanswered when the process ended. */
  failed = 0;
  /** Export requests made (asynchronous and synchronous). */
  requests = 0;
  private reportedLosses = 0;
  /** The last asynchronous export failed: the exit path does not wait for that collector again. */
  private lastExportFailed = false;
  private lossesWarned = false;

  constructor(
    readonly exporter: SpanExporter & Partial<SyncExporter> & Partial<EncodedExporter>,
    private readonly options: QueueOptions,
  ) {
    this.timers = options.timers ?? realTimers;
    this.encoder = exporter.sendEncoded && exporter.sendEncodedSync ? exporter.encoder : undefined;
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    if (this.shutDown || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queue.length >= this.options.maxQueueSize) {
      if (this.dropped++ === 0) diag.warn(`export queue full (${this.options.maxQueueSize}); dropping spans until it drains`);
      return;
    }
    if (this.encoder) {
      try {
        this.queue.push(this.encoder.encode(span));
      } catch (err) {
        // One span that cannot be encoded (e.g. a time that is not a number) costs only itself.
        this.failed++;
        diag.once('warn', 'encode-span', `a span could not be encoded and was dropped: ${String(err)}`);
        return;
      }
    } else this.queue.push(span);
    this.schedule();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Spans handed to the exporter and not answered yet. */
  get unconfirmed(): number {
    return this.inFlight?.size ?? 0;
  }

  // As BatchSpanProcessor: nothing while an export is in flight (its end reschedules); a full batch goes
  // now; a partial one waits for the timer, which is not restarted by later spans.
  private schedule(): void {
    if (this.exporting || this.queue.length === 0) return;
    if (this.queue.length >= this.options.maxExportBatchSize) {
      this.clearTimer();
      this.exportOne();
    } else if (!this.timer) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.exportOne();
      }, this.options.scheduledDelayMillis);
    }
  }

  private clearTimer(): void {
    if (this.timer) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private exportOne(): void {
    if (this.exporting || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxExportBatchSize);
    this.exporting = this.exportBatch(batch).finally(() => {
      this.exporting = undefined;
      this.schedule();
    });
  }

  private exportBatch(batch: Queued[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const timeout = this.timers.setTimeout(() => finish(false, 'export timed out'), this.options.exportTimeoutMillis);
      const finish = (ok: boolean, why?: string, retryable = true) => {
        if (settled) return;
        settled = true;
        this.timers.clearTimeout(timeout);
        this.inFlight = undefined;
        this.endGrace();
        this.lastExportFailed = !ok;
        if (ok) this.exported += batch.length;
        else if (this.options.retry && retryable) {
          this.failed += this.options.retry.keep(batch);
          diag.once('warn', `export-failed:${this.exporter.constructor.name}`, `export failed (${why ?? 'unknown'}); spans kept (bounded) for the next flush; later failures are counted, not logged`);
        } else {
          this.failed += batch.length;
          diag.once('warn', `export-failed:${this.exporter.constructor.name}`, `export failed (${why ?? 'unknown'}); spans dropped; later failures are counted, not logged`);
        }
        resolve();
      };
      this.inFlight = { size: batch.length, settle: finish };
      this.requests++;
      // The exporter's own HTTP calls are not traced: the pipeline ignores requests to the export
      // endpoint (exportTargets). Not context.with(suppressTracing): on Node 20 the first
      // AsyncLocalStorage.run() turns on promise hooks for the whole process, a cost on every promise.
      try {
        const done = (result: { code: ExportResultCode; error?: Error }) => finish(result.code === ExportResultCode.SUCCESS, result.error?.message, isRetryable(result.error));
        if (this.encoder) this.exporter.sendEncoded!(this.encoder.request(batch as EncodedSpan[]), done);
        else this.exporter.export(batch as ReadableSpan[], done);
      } catch (err) {
        finish(false, String(err));
      }
    });
  }

  /**
   * At the natural end of the process (beforeExit) with an export still in flight: keep the loop alive
   * for at most EXIT_GRACE_MILLIS so a healthy collector can answer. Returns true if it waits. A collector
   * that does not answer in time costs that much once; the batch is then counted as not delivered.
   */
  holdForInflightExport(): boolean {
    const inFlight = this.inFlight;
    if (!inFlight || this.graceTimer) return false;
    const wait = Math.min(EXIT_GRACE_MILLIS, this.options.exportTimeoutMillis);
    this.graceTimer = refTimeout(() => {
      this.graceTimer = undefined;
      inFlight.settle(false, 'no answer before the process ended');
    }, wait);
    return true;
  }

  private endGrace(): void {
    if (this.graceTimer) {
      this.timers.clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
    }
  }

  /** Spans that failed to export and wait for the next flush (Lambda mode). */
  get retrying(): number {
    return this.options.retry?.size ?? 0;
  }

  /** The failed batches go first, oldest first; what no longer fits in the queue is counted as failed. */
  private requeueRetries(): void {
    const again = this.options.retry?.take();
    if (!again || again.length === 0) return;
    const room = Math.max(0, this.options.maxQueueSize - this.queue.length);
    if (again.length > room) this.failed += again.splice(0, again.length - room).length;
    this.queue.unshift(...again);
  }

  async forceFlush(): Promise<void> {
    this.clearTimer();
    this.requeueRetries();
    for (;;) {
      if (this.exporting) await this.exporting;
      else if (this.queue.length > 0) this.exportOne();
      else break;
    }
    await this.exporter.forceFlush?.();
  }

  /**
   * At the natural end of the process (beforeExit). A network exporter (OTLP) sends what is queued the
   * ordinary way, one batch, and the exit hook then holds the loop for it at most EXIT_GRACE_MILLIS
   * (holdForInflightExport); the synchronous send would start a child process, about 50 ms of CPU for
   * the last few spans. The file exporter, an export already in flight, or a last export that failed:
   * flushSync, as on a hard exit.
   */
  flushAtNaturalEnd(): void {
    const networked = (this.exporter as { networked?: boolean }).networked === true;
    if (!this.encoder || !networked || this.exporting || this.lastExportFailed) {
      this.flushSync();
      return;
    }
    this.clearTimer();
    this.requeueRetries();
    this.exportOne();
  }

  /** Takes every queued span out, synchronously, for the exit path. */
  drainSync(): Queued[] {
    this.clearTimer();
    this.requeueRetries();
    const spans = this.queue;
    this.queue = [];
    return spans;
  }

  /**
   * Writes everything still queued, synchronously where the exporter can (file, OTLP). Any other exporter
   * (console, or one the app passed) gets an ordinary export call now: the console exporter finishes
   * inside it; an asynchronous one at least starts. With `final` (the process is ending now), a batch
   * still in flight is counted as not delivered. Returns how many spans were written.
   */
  flushSync(final = false): number {
    const spans = this.drainSync();
    if (spans.length > 0 && this.lastExportFailed) {
      // The collector refused, failed or timed out the last batch: a synchronous send now would most
      // likely fail too, and it costs the exit up to 2 s. Counted, not sent.
      this.failed += spans.length;
    } else if (spans.length > 0) {
      this.requests++;
      try {
        if (this.encoder) this.exporter.sendEncodedSync!(this.encoder.request(spans as EncodedSpan[]));
        else if (this.exporter.exportSync) this.exporter.exportSync(spans as ReadableSpan[]);
        else this.exporter.export(spans as ReadableSpan[], () => undefined);
        this.exported += spans.length;
      } catch (err) {
        this.failed += spans.length;
        diag.once('warn', 'export-sync', `synchronous export at exit failed: ${String(err)}`);
      }
    }
    if (final && this.inFlight) this.inFlight.settle(false, 'still in flight when the process ended');
    this.reportLosses();
    return spans.length;
  }

  private reportLosses(): void {
    const lost = this.dropped + this.failed;
    if (lost === this.reportedLosses) return;
    this.reportedLosses = lost;
    const message = `${lost} spans not delivered (${this.dropped} dropped from a full queue, ${this.failed} failed or unanswered exports); ${this.exported} exported`;
    // Warn once per processor; later counts only at debug level.
    if (this.lossesWarned) diag.debug(message);
    else {
      this.lossesWarned = true;
      diag.warn(message);
    }
  }

  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    await this.forceFlush();
    this.shutDown = true;
    if (this.dropped > 0) diag.warn(`${this.dropped} spans were dropped because the export queue was full`);
    await this.exporter.shutdown();
  }
}
