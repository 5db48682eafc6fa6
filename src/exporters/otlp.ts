// OTLP over HTTP through the official OpenTelemetry exporter packages (protobuf or JSON), which read the
// standard OTEL_EXPORTER_OTLP_* variables themselves. For the exit path (process.exit(), a crash: no more
// event loop) `exportSync` hands the serialized batch to a short-lived child process that posts it.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Env, OtlpProtocol } from '../config/load';
import type { SyncExporter } from './types';

export function otlpTracesUrl(env: Env): string {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

export function otlpHeaders(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [env.OTEL_EXPORTER_OTLP_HEADERS, env.OTEL_EXPORTER_OTLP_TRACES_HEADERS]) {
    for (const pair of (source ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      try {
        out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
      } catch {
        /* a malformed pair is skipped, as the official exporters do */
      }
    }
  }
  return out;
}

export class OtlpSpanExporter implements SpanExporter, SyncExporter {
  private readonly inner: SpanExporter;

  constructor(
    private readonly protocol: OtlpProtocol,
    private readonly env: Env,
  ) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    this.inner =
      protocol === 'http/json'
        ? new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
        : new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, done);
  }

  exportSync(spans: ReadableSpan[]): void {
    const json = this.protocol === 'http/json';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { JsonTraceSerializer, ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
    const body = json ? JsonTraceSerializer.serializeRequest(spans) : ProtobufTraceSerializer.serializeRequest(spans);
    if (!body) return;
    const headers = { ...otlpHeaders(this.env), 'content-type': json ? 'application/json' : 'application/x-protobuf' };
    const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, WIRETAP_SYNC_URL: otlpTracesUrl(this.env), WIRETAP_SYNC_HEADERS: JSON.stringify(headers) };
    execFileSync(process.execPath, [path.join(__dirname, 'sync-send.js')], {
      input: Buffer.from(body),
      env: childEnv, // no NODE_OPTIONS: the sender must not load wiretap again
      timeout: 2000, // bounded: a collector that does not answer delays the exit by at most this
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
