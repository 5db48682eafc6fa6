import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** An exporter that can also write synchronously, for the exit path (process.exit(), a crash). */
export interface SyncExporter {
  exportSync(spans: ReadableSpan[]): void;
}
