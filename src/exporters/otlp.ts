// OTLP over HTTP (protobuf or JSON). The request bodies come from the official serializers
// (@opentelemetry/otlp-transformer); the sending is wiretap's own, small and bounded, because the official
// exporter's in-flight requests, keep-alive sockets and retry timers keep the event loop alive: with a
// collector that is down or never answers, an app that finished its work stayed alive for tens of
// seconds. Here a socket is unref'd as soon as it is assigned, the timeout is a real (preload-captured),
// unref'd timer, and a failed batch is not retried (it is counted by the queue). For the exit path
// (process.exit(), a crash: no more event loop) `exportSync` hands the serialized batch to a short-lived
// child process that posts it, bounded to 2 s.
import { execFileSync } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { otlpSignalHeaders, otlpTracesUrl } from './otlp-env';
import type { Env, OtlpProtocol } from '../config/load';
import { realTimers, type Timers } from '../spans/clock';
import { createSpanEncoder, officialSerializer, type SpanEncoder, type TraceSerializer } from './encoded';
import type { EncodedExporter, SyncExporter } from './types';

export const otlpHeaders = (env: Env): Record<string, string> => otlpSignalHeaders(env, 'traces');

/** OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT (ms, default 10 s) and _COMPRESSION (`gzip` or `none`). */
function otlpTimeout(env: Env): number {
  const raw = env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT;
  const n = Number(raw);
  return raw !== undefined && raw.trim() !== '' && Number.isFinite(n) && n > 0 ? n : 10_000;
}
function otlpGzip(env: Env): boolean {
  return (env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION ?? env.OTEL_EXPORTER_OTLP_COMPRESSION ?? '').trim().toLowerCase() === 'gzip';
}

export class OtlpSpanExporter implements SpanExporter, SyncExporter, EncodedExporter {
  readonly encoder: SpanEncoder | undefined;
  private readonly url: URL;
  private readonly json: boolean;
  private readonly headers: Record<string, string>;
  private readonly timeoutMillis: number;
  private readonly gzip: boolean;
  private readonly agent: http.Agent;
  private readonly serialize: TraceSerializer;

  constructor(
    protocol: OtlpProtocol,
    private readonly env: Env,
    private readonly timers: Timers = realTimers,
  ) {
    this.json = protocol === 'http/json';
    this.url = new URL(otlpTracesUrl(env));
    this.gzip = otlpGzip(env);
    this.headers = {
      ...otlpHeaders(env),
      'content-type': this.json ? 'application/json' : 'application/x-protobuf',
      ...(this.gzip ? { 'content-encoding': 'gzip' } : {}),
    };
    this.timeoutMillis = otlpTimeout(env);
    const isHttps = this.url.protocol === 'https:';
    // One connection, kept alive between batches (the queue sends one batch at a time).
    this.agent = new (isHttps ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
    this.serialize = officialSerializer(this.json ? 'json' : 'protobuf');
    this.encoder = createSpanEncoder(this.json ? 'json' : 'protobuf');
  }

  readonly networked = true;

  sendEncoded(body: Buffer, done: (result: ExportResult) => void): void {
    this.post(this.gzip ? zlib.gzipSync(body) : body, done);
  }

  sendEncodedSync(body: Buffer): void {
    this.postSync(body);
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    let body: Uint8Array | undefined;
    try {
      body = this.serialize.serializeRequest(spans);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    if (!body) {
      done({ code: ExportResultCode.SUCCESS });
      return;
    }
    this.post(this.gzip ? zlib.gzipSync(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength), done);
  }

  private post(body: Buffer, done: (result: ExportResult) => void): void {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      this.timers.clearTimeout(timer);
      done(error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS });
    };
    const transport = this.url.protocol === 'https:' ? https : http;
    const req = transport.request(this.url, { method: 'POST', agent: this.agent, headers: { ...this.headers, 'content-length': body.length } }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      // OTLP/HTTP: only 429, 502, 503 and 504 may be sent again (what a retry store does with the rest).
      res.on('end', () => finish(status >= 200 && status < 300 ? undefined : Object.assign(new Error(`collector answered ${status}`), { retryable: [429, 502, 503, 504].includes(status) })));
      res.on('error', (err) => finish(err));
    });
    // The export may never be what keeps the process alive: the socket is unref'd whenever it is
    // assigned (the agent refs a pooled socket again when it reuses it).
    req.on('socket', (socket) => socket.unref());
    req.on('error', (err) => finish(err));
    const timer = this.timers.setTimeout(() => {
      finish(new Error(`no answer within ${this.timeoutMillis} ms`));
      req.destroy();
    }, this.timeoutMillis);
    req.end(body);
  }

  exportSync(spans: ReadableSpan[]): void {
    const body = this.serialize.serializeRequest(spans);
    if (body) this.postSync(body);
  }

  private postSync(body: Uint8Array): void {
    const childEnv: NodeJS.ProcessEnv = { PATH: this.env.PATH, WIRETAP_SYNC_URL: this.url.href, WIRETAP_SYNC_HEADERS: JSON.stringify(this.headers) };
    execFileSync(process.execPath, [path.join(__dirname, 'sync-send.js')], {
      input: this.gzip ? zlib.gzipSync(body) : Buffer.from(body),
      env: childEnv, // no NODE_OPTIONS: the sender must not load wiretap again
      timeout: 2000, // bounded: a collector that does not answer delays the exit by at most this
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.agent.destroy();
  }
}
