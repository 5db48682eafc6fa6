import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanEncoder } from './encoded';

/** An exporter that can also write synchronously, for the exit path (process.exit(), a crash). */
export interface SyncExporter {
  exportSync(spans: ReadableSpan[]): void;
}

/**
 * An exporter that takes spans encoded at span end (`encoder`), as one request body per batch: the
 * queue then holds bytes, not SDK spans. wiretap's file and OTLP exporters are such exporters.
 */
export interface EncodedExporter {
  readonly encoder: SpanEncoder | undefined;
  sendEncoded(body: Buffer, done: (result: ExportResult) => void): void;
  sendEncodedSync(body: Buffer): void;
  /**
   * True when sending is network I/O (OTLP): at the natural end of the process an ordinary send under the
   * exit grace is then far cheaper than `sendEncodedSync`, which starts a child process.
   */
  readonly networked?: boolean;
}
