// The default exporter: OTLP-JSON, one ExportTraceServiceRequest per line, appended to a local file.
// Writes are synchronous: a batch is small, a local append is fast, and the same code path then works
// at process.exit(), when nothing asynchronous runs any more.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createSpanEncoder, officialSerializer, type SpanEncoder } from './encoded';
import type { EncodedExporter, SyncExporter } from './types';

const NEWLINE = Buffer.from('\n');

export class FileSpanExporter implements SpanExporter, SyncExporter, EncodedExporter {
  private fd: number | undefined;
  readonly encoder: SpanEncoder | undefined = createSpanEncoder('json');

  constructor(readonly filePath: string) {}

  sendEncodedSync(body: Buffer): void {
    this.writeLine(Buffer.concat([body, NEWLINE]));
  }

  private writeLine(line: Buffer): void {
    // Lambda mode's default: stdout, which may be a pipe or a socket that cannot be opened by path.
    // process.stdout writes synchronously for files, pipes and sockets on Linux, so the exit path still works.
    if (this.filePath === '/dev/stdout') {
      process.stdout.write(line);
      return;
    }
    fs.writeSync(this.open(), line);
  }

  sendEncoded(body: Buffer, done: (result: ExportResult) => void): void {
    try {
      this.sendEncodedSync(body);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  private open(): number {
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(path.resolve(this.filePath)), { recursive: true });
      this.fd = fs.openSync(this.filePath, 'a');
    }
    return this.fd;
  }

  exportSync(spans: ReadableSpan[]): void {
    if (spans.length === 0) return;
    const body = officialSerializer('json').serializeRequest(spans);
    if (!body) return;
    this.writeLine(Buffer.concat([Buffer.from(body), NEWLINE]));
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      this.exportSync(spans);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = undefined;
    }
  }
}
