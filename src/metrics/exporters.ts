// Where collected metrics go. Every exporter can write synchronously (the exit path: nothing
// asynchronous runs after process.exit() or a crash); OTLP also exports asynchronously on the interval
// through the official exporter package, which reads OTEL_EXPORTER_OTLP_METRICS_* itself.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Resource } from '@opentelemetry/resources';
import { otlpSignalHeaders, otlpSignalUrl } from '../exporters/otlp-env';
import type { Env, MetricsConfig, OtlpProtocol } from '../config/load';
import { toEmfLines } from './emf';
import type { MetricPoints, Temporality } from './store';

/* eslint-disable @typescript-eslint/no-require-imports */

export interface MetricsExporter {
  readonly name: string;
  /** The temporality this exporter wants. */
  readonly temporality: Temporality;
  exportSync(metrics: readonly MetricPoints[]): void;
  /** Asynchronous export (the interval); defaults to exportSync. */
  export?(metrics: readonly MetricPoints[]): Promise<void>;
  shutdown?(): Promise<void>;
}

/**
 * Writes all of `data` to a file descriptor. stdout may be a non-blocking pipe: a full one answers EAGAIN
 * or takes part of the buffer, so retry (bounded) rather than drop half a line or throw into the app.
 */
export function writeFully(fd: number, data: string | Buffer, attempts = 1000): void {
  let buf = typeof data === 'string' ? Buffer.from(data) : data;
  while (buf.length > 0) {
    try {
      const n = fs.writeSync(fd, buf);
      buf = buf.subarray(n);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || --attempts <= 0) throw err;
    }
  }
}

function otlpJson(resource: Resource, metrics: readonly MetricPoints[]): Uint8Array | undefined {
  const { toResourceMetrics } = require('./sdk-data') as typeof import('./sdk-data');
  const { JsonMetricsSerializer } = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
  return JsonMetricsSerializer.serializeRequest(toResourceMetrics(resource, metrics));
}

/** OTLP-JSON `{"resourceMetrics":[...]}` lines appended to the trace file (one format for all signals). */
export class FileMetricsExporter implements MetricsExporter {
  readonly name = 'file';
  private fd: number | undefined;
  constructor(
    readonly filePath: string,
    readonly temporality: Temporality,
    private readonly resource: () => Resource,
  ) {}
  exportSync(metrics: readonly MetricPoints[]): void {
    if (metrics.length === 0) return;
    const body = otlpJson(this.resource(), metrics);
    if (!body) return;
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(path.resolve(this.filePath)), { recursive: true });
      this.fd = fs.openSync(this.filePath, 'a');
    }
    // One write per line: O_APPEND keeps lines whole beside the span exporter's own writes.
    fs.writeSync(this.fd, Buffer.concat([Buffer.from(body), Buffer.from('\n')]));
  }
  async shutdown(): Promise<void> {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The same OTLP-JSON line on stdout. */
export class ConsoleMetricsExporter implements MetricsExporter {
  readonly name = 'console';
  constructor(
    readonly temporality: Temporality,
    private readonly resource: () => Resource,
  ) {}
  exportSync(metrics: readonly MetricPoints[]): void {
    if (metrics.length === 0) return;
    const body = otlpJson(this.resource(), metrics);
    if (body) writeFully(1, Buffer.concat([Buffer.from(body), Buffer.from('\n')]));
  }
}

/** CloudWatch Embedded Metric Format lines on stdout (always delta). */
export class EmfMetricsExporter implements MetricsExporter {
  readonly name = 'emf';
  readonly temporality = 'delta' as const;
  constructor(
    private readonly namespace: string,
    private readonly resource: () => Resource,
  ) {}
  exportSync(metrics: readonly MetricPoints[]): void {
    if (metrics.length === 0) return;
    const attrs = this.resource().attributes;
    const dims: Record<string, string> = {};
    if (typeof attrs['service.name'] === 'string') dims['service.name'] = attrs['service.name'];
    const lines = toEmfLines(metrics, dims, this.namespace);
    // One write per object: stdout lines from the app may interleave between objects, never inside one.
    for (const line of lines) writeFully(1, `${line}\n`);
  }
}

export const otlpMetricsUrl = (env: Env): string => otlpSignalUrl(env, 'metrics');
const otlpHeaders = (env: Env): Record<string, string> => otlpSignalHeaders(env, 'metrics');

interface OfficialExporter {
  export(metrics: unknown, done: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
}

/** OTLP http/protobuf or http/json through @opentelemetry/exporter-metrics-otlp-proto / -http. */
export class OtlpMetricsExporter implements MetricsExporter {
  readonly name = 'otlp';
  private inner?: OfficialExporter;
  constructor(
    private readonly protocol: OtlpProtocol,
    readonly temporality: Temporality,
    private readonly env: Env,
    private readonly resource: () => Resource,
  ) {}

  private official(): OfficialExporter {
    if (!this.inner) {
      const { OTLPMetricExporter } =
        this.protocol === 'http/json'
          ? (require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http'))
          : (require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto'));
      this.inner = new OTLPMetricExporter() as unknown as OfficialExporter;
    }
    return this.inner;
  }

  export(metrics: readonly MetricPoints[]): Promise<void> {
    if (metrics.length === 0) return Promise.resolve();
    const { toResourceMetrics } = require('./sdk-data') as typeof import('./sdk-data');
    const { context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
    const { suppressTracing } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
    const data = toResourceMetrics(this.resource(), metrics);
    return new Promise((resolve) => {
      // wiretap's own export is never recorded as a call of the app.
      context.with(suppressTracing(context.active()), () => this.official().export(data, () => resolve()));
    });
  }

  exportSync(metrics: readonly MetricPoints[]): void {
    if (metrics.length === 0) return;
    const json = this.protocol === 'http/json';
    const { toResourceMetrics } = require('./sdk-data') as typeof import('./sdk-data');
    const { JsonMetricsSerializer, ProtobufMetricsSerializer } = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
    const data = toResourceMetrics(this.resource(), metrics);
    const body = json ? JsonMetricsSerializer.serializeRequest(data) : ProtobufMetricsSerializer.serializeRequest(data);
    if (!body) return;
    const headers = { ...otlpHeaders(this.env), 'content-type': json ? 'application/json' : 'application/x-protobuf' };
    execFileSync(process.execPath, [path.join(__dirname, '..', 'exporters', 'sync-send.js')], {
      input: Buffer.from(body),
      env: { PATH: this.env.PATH, WIRETAP_SYNC_URL: otlpMetricsUrl(this.env), WIRETAP_SYNC_HEADERS: JSON.stringify(headers) }, // no NODE_OPTIONS
      timeout: 2000, // bounded, as for spans: a collector that does not answer delays the exit by at most this
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  }

  async shutdown(): Promise<void> {
    await this.inner?.shutdown();
  }
}

export function createMetricsExporters(config: MetricsConfig, filePath: string, env: Env, resource: () => Resource): MetricsExporter[] {
  return config.exporters.map((name) => {
    switch (name) {
      case 'file':
        return new FileMetricsExporter(filePath, config.temporality, resource);
      case 'console':
        return new ConsoleMetricsExporter(config.temporality, resource);
      case 'emf':
        return new EmfMetricsExporter(config.emfNamespace, resource);
      case 'otlp':
        return new OtlpMetricsExporter(config.otlpProtocol, config.temporality, env, resource);
    }
  });
}
