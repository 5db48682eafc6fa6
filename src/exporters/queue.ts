// A bounded batching span processor. It follows BatchSpanProcessor's OTEL_BSP_* semantics, and adds what
// BatchSpanProcessor cannot do: hand its queue back synchronously (`drainSync`) so the exit path can
// still write spans on a hard process.exit() or a crash, and count what it dropped.
import { TraceFlags } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { diag } from '../diag/log';
import type { SyncExporter } from './types';

export interface QueueOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

export class ExportQueueProcessor implements SpanProcessor {
  private queue: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private exporting: Promise<void> | undefined;
  private shutDown = false;
  dropped = 0;
  exported = 0;
  failed = 0;

  constructor(
    readonly exporter: SpanExporter & Partial<SyncExporter>,
    private readonly options: QueueOptions,
  ) {}

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    if (this.shutDown || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queue.length >= this.options.maxQueueSize) {
      if (this.dropped++ === 0) diag.warn(`export queue full (${this.options.maxQueueSize}); dropping spans until it drains`);
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.options.maxExportBatchSize) this.kick();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.kick(), this.options.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.exporting) return;
    this.exporting = this.exportAll().finally(() => {
      this.exporting = undefined;
      if (this.queue.length > 0 && !this.timer) {
        this.timer = setTimeout(() => this.kick(), this.options.scheduledDelayMillis);
        this.timer.unref();
      }
    });
  }

  private async exportAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxExportBatchSize);
      await this.exportBatch(batch);
    }
  }

  private exportBatch(batch: ReadableSpan[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const timeout = setTimeout(() => finish(false, 'export timed out'), this.options.exportTimeoutMillis);
      timeout.unref();
      const finish = (ok: boolean, why?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (ok) this.exported += batch.length;
        else {
          this.failed += batch.length;
          diag.once('warn', `export-failed:${this.exporter.constructor.name}`, `export failed (${why ?? 'unknown'}); spans dropped; later failures are counted, not logged`);
        }
        resolve();
      };
      // The exporter's own HTTP calls are not traced: the pipeline ignores requests to the export
      // endpoint (exportTargets). Not context.with(suppressTracing): on Node 20 the first
      // AsyncLocalStorage.run() turns on promise hooks for the whole process, a cost on every promise.
      try {
        this.exporter.export(batch, (result) => finish(result.code === ExportResultCode.SUCCESS, result.error?.message));
      } catch (err) {
        finish(false, String(err));
      }
    });
  }

  async forceFlush(): Promise<void> {
    this.kick();
    while (this.exporting) await this.exporting;
    await this.exporter.forceFlush?.();
  }

  /** Takes every queued span out, synchronously, for the exit path. */
  drainSync(): ReadableSpan[] {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const spans = this.queue;
    this.queue = [];
    return spans;
  }

  /**
   * Writes everything still queued, synchronously where the exporter can (file, OTLP). Any other exporter
   * (console, or one the app passed) gets an ordinary export call now: the console exporter finishes
   * inside it; an asynchronous one at least starts. Returns how many spans.
   */
  flushSync(): number {
    const spans = this.drainSync();
    if (spans.length === 0) return 0;
    try {
      if (this.exporter.exportSync) this.exporter.exportSync(spans);
      else this.exporter.export(spans, () => undefined);
      this.exported += spans.length;
    } catch (err) {
      this.failed += spans.length;
      diag.once('warn', 'export-sync', `synchronous export at exit failed: ${String(err)}`);
    }
    return spans.length;
  }

  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    await this.forceFlush();
    this.shutDown = true;
    if (this.dropped > 0) diag.warn(`${this.dropped} spans were dropped because the export queue was full`);
    await this.exporter.shutdown();
  }
}
