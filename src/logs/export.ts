// Turns captured lines into OpenTelemetry log records (through @opentelemetry/sdk-logs) and writes them:
// `file` (OTLP-JSON `resourceLogs` lines in WIRETAP_FILE, beside the spans), `otlp` (OTLP/HTTP, JSON or
// protobuf, serialised by @opentelemetry/otlp-transformer), `console`. If the app registered its own global
// LoggerProvider, the records go there instead and wiretap adds no exporter of its own.
//
// The OTLP/HTTP send is a small request of our own rather than the OTLP logs exporter package: its sockets
// and retry timers keep the event loop alive while a collector is down, and a tracer must never be what
// holds a process. The request is unref'd and time-bounded; at exit the batch goes through the same
// synchronous child-process sender as the spans.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import type { LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { LoggerProvider as ApiLoggerProvider, LogAttributes, Logger } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import { otlpSignalHeaders, otlpSignalUrl } from '../exporters/otlp-env';
import type { Env, LogsConfig } from '../config/load';
import type { Redactor } from '../redaction/redactor';
import type { RawLogRecord } from './capture';

/* eslint-disable @typescript-eslint/no-require-imports */

// OpenTelemetry severity numbers (logs data model).
const SEVERITY = { TRACE: 1, DEBUG: 5, INFO: 9, INFO2: 10, WARN: 13, ERROR: 17, FATAL: 21 } as const;

const CONSOLE_SEVERITY: Record<string, [number, string]> = {
  debug: [SEVERITY.DEBUG, 'DEBUG'],
  info: [SEVERITY.INFO, 'INFO'],
  warn: [SEVERITY.WARN, 'WARN'],
  error: [SEVERITY.ERROR, 'ERROR'],
};

/** pino and bunyan numeric levels; npm (winston) and syslog level names. */
export function severityOf(level: unknown): [number, string] | undefined {
  if (typeof level === 'number') {
    if (level >= 60) return [SEVERITY.FATAL, 'FATAL'];
    if (level >= 50) return [SEVERITY.ERROR, 'ERROR'];
    if (level >= 40) return [SEVERITY.WARN, 'WARN'];
    if (level >= 30) return [SEVERITY.INFO, 'INFO'];
    if (level >= 20) return [SEVERITY.DEBUG, 'DEBUG'];
    if (level >= 10) return [SEVERITY.TRACE, 'TRACE'];
    return undefined;
  }
  if (typeof level !== 'string') return undefined;
  switch (level.toLowerCase()) {
    case 'emerg': case 'alert': case 'crit': case 'fatal': case 'critical':
      return [SEVERITY.FATAL, level.toUpperCase()];
    case 'error': case 'err':
      return [SEVERITY.ERROR, 'ERROR'];
    case 'warn': case 'warning':
      return [SEVERITY.WARN, 'WARN'];
    case 'notice': case 'http':
      return [SEVERITY.INFO2, level.toUpperCase()];
    case 'info':
      return [SEVERITY.INFO, 'INFO'];
    case 'verbose': case 'debug':
      return [SEVERITY.DEBUG, level.toUpperCase()];
    case 'silly': case 'trace':
      return [SEVERITY.TRACE, level.toUpperCase()];
    default:
      return undefined;
  }
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
/** Record fields that are part of the line's envelope, not attributes. */
const ENVELOPE = new Set(['msg', 'message', 'level', 'time', 'timestamp', 'v', 'pid', 'hostname', 'trace_id', 'span_id', 'trace_flags', 'name']);

export interface ParsedLine {
  body: string;
  attributes: LogAttributes;
  severity?: [number, string];
  loggerName?: string;
  traceId?: string;
  spanId?: string;
  traceFlags?: number;
}

/** One captured line as a record: JSON lines (pino, bunyan, winston's json, Lambda's JSON format) keep their fields. */
export function parseLine(raw: RawLogRecord, redactor: Redactor): ParsedLine {
  const attributes: LogAttributes = { 'log.iostream': raw.source === 'stderr' ? 'stderr' : 'stdout' };
  if (raw.truncated) attributes['wiretap.log.truncated'] = true;
  const text = raw.text;
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && (raw.truncated || trimmed.endsWith('}'))) {
    let doc: unknown;
    try {
      doc = raw.truncated ? undefined : JSON.parse(trimmed);
    } catch {
      doc = undefined;
    }
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const rec = redactor.json(doc, { contentType: 'application/json' }) as Record<string, unknown>;
      const message = rec.msg ?? rec.message;
      for (const [k, v] of Object.entries(rec)) {
        if (k === 'requestId' && typeof v === 'string') {
          attributes['faas.invocation_id'] = v; // the Lambda runtime's JSON log format
          continue;
        }
        if (ENVELOPE.has(k) || v === undefined || v === null) continue;
        attributes[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
      }
      const traceId = typeof rec.trace_id === 'string' && HEX32.test(rec.trace_id) ? rec.trace_id : undefined;
      const spanId = typeof rec.span_id === 'string' && HEX16.test(rec.span_id) ? rec.span_id : undefined;
      return {
        body: typeof message === 'string' ? message : message === undefined ? '' : JSON.stringify(message),
        attributes,
        severity: severityOf(rec.level),
        loggerName: typeof rec.name === 'string' ? rec.name : undefined,
        traceId,
        spanId,
        traceFlags: traceId ? parseInt(String(rec.trace_flags ?? '01'), 16) || 0 : undefined,
      };
    }
    // A JSON line cut by the cap, or malformed: redacted as a truncated JSON body (keys still count).
    return { body: redactor.body(text, { contentType: 'application/json', truncated: true }), attributes };
  }
  // The Lambda Node.js runtime's text format: `time<TAB>requestId<TAB>LEVEL<TAB>message` (newlines as \r).
  const lambda = LAMBDA_TEXT_LINE.exec(text);
  if (lambda) {
    attributes['faas.invocation_id'] = lambda[2]!;
    return { body: redactor.text(lambda[4]!.replace(/\r/g, '\n')), attributes, severity: severityOf(lambda[3]!) };
  }
  return { body: redactor.text(text), attributes };
}

const LAMBDA_TEXT_LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\t([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\t([A-Z]+)\t([\s\S]*)$/i;

export const otlpLogsUrl = (env: Env): string => otlpSignalUrl(env, 'logs');
const otlpLogsHeaders = (env: Env): Record<string, string> => otlpSignalHeaders(env, 'logs');

/** An unref'd, time-bounded POST: resolves false on any failure, never keeps the process alive. */
function post(url: string, headers: Record<string, string>, body: Uint8Array, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    try {
      const target = new URL(url);
      const req = (target.protocol === 'https:' ? https : http).request(target, { method: 'POST', agent: false, headers: { ...headers, 'content-length': body.byteLength } }, (res) => {
        res.resume();
        res.on('end', () => done(!!res.statusCode && res.statusCode < 300));
        res.on('error', () => done(false));
      });
      req.on('socket', (socket) => socket.unref());
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', () => done(false));
      req.end(body);
    } catch {
      done(false);
    }
  });
}

export interface LogsExportDeps {
  config: LogsConfig;
  env: Env;
  filePath: string;
  resource: () => Resource;
  redactor: () => Redactor;
  /** Set while wiretap itself writes to stdout (console exporter), so capture skips its own lines. */
  setExporting: (on: boolean) => void;
}

function appLoggerProvider(): ApiLoggerProvider | undefined {
  const { logs } = require('@opentelemetry/api-logs') as typeof import('@opentelemetry/api-logs');
  const provider = logs.getLoggerProvider() as ApiLoggerProvider & { _delegate?: unknown };
  const name = provider?.constructor?.name;
  if (name === 'NoopLoggerProvider') return undefined;
  if (name === 'ProxyLoggerProvider' && !provider._delegate) return undefined;
  return provider;
}

export class LogsExporter {
  private fd: number | undefined;
  private ownProvider: { getLogger(name: string): Logger } | undefined;
  private collected: ReadableLogRecord[] = [];
  private readonly loggers = new Map<string, Logger>();
  /** Records that could not be delivered (collector down, file not writable). */
  lost = 0;
  exported = 0;

  constructor(private readonly deps: LogsExportDeps) {}

  private logger(name: string): Logger {
    let logger = this.loggers.get(name);
    if (!logger) {
      const app = appLoggerProvider();
      if (app) logger = app.getLogger(name);
      else {
        if (!this.ownProvider) {
          const { LoggerProvider } = require('@opentelemetry/sdk-logs') as typeof import('@opentelemetry/sdk-logs');
          const collect: LogRecordProcessor = {
            onEmit: (record: SdkLogRecord) => {
              this.collected.push(record);
            },
            forceFlush: async () => {},
            shutdown: async () => {},
          };
          this.ownProvider = new LoggerProvider({ resource: this.deps.resource(), processors: [collect] });
        }
        logger = this.ownProvider.getLogger(name);
      }
      this.loggers.set(name, logger);
    }
    return logger;
  }

  /** Emits the raw records into the SDK; returns the records that wiretap's own exporters must write. */
  private toRecords(raws: RawLogRecord[]): ReadableLogRecord[] {
    const { trace, ROOT_CONTEXT } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
    const redactor = this.deps.redactor();
    for (const raw of raws) {
      const line = parseLine(raw, redactor);
      const traceId = line.traceId ?? raw.ids?.traceId;
      const spanId = line.traceId ? line.spanId : raw.ids?.spanId;
      const context = traceId && spanId ? trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: line.traceFlags ?? raw.ids?.traceFlags ?? 1, isRemote: false }) : ROOT_CONTEXT;
      const severity = line.severity ?? (raw.severity ? CONSOLE_SEVERITY[raw.severity] : undefined);
      const scope = line.loggerName ?? (raw.source === 'pino' ? 'pino' : raw.severity ? 'console' : `process.${raw.source}`);
      this.logger(scope).emit({
        timestamp: raw.time,
        observedTimestamp: raw.time,
        severityNumber: severity?.[0],
        severityText: severity?.[1],
        body: line.body,
        attributes: line.attributes,
        context,
      });
    }
    const out = this.collected;
    this.collected = [];
    return out;
  }

  private writeFile(body: Uint8Array): void {
    if (this.deps.filePath === '/dev/stdout') {
      // Lambda mode's default: stdout may be a socket that cannot be opened by path (as for the spans).
      this.deps.setExporting(true);
      try {
        process.stdout.write(Buffer.concat([Buffer.from(body), Buffer.from('\n')]));
      } finally {
        this.deps.setExporting(false);
      }
      return;
    }
    if (this.fd === undefined) {
      fs.mkdirSync(path.dirname(path.resolve(this.deps.filePath)), { recursive: true });
      this.fd = fs.openSync(this.deps.filePath, 'a');
    }
    fs.writeSync(this.fd, Buffer.concat([Buffer.from(body), Buffer.from('\n')]));
  }

  private serialize(records: ReadableLogRecord[], json: boolean): Uint8Array | undefined {
    const { JsonLogsSerializer, ProtobufLogsSerializer } = require('@opentelemetry/otlp-transformer') as typeof import('@opentelemetry/otlp-transformer');
    return (json ? JsonLogsSerializer : ProtobufLogsSerializer).serializeRequest(records);
  }

  private writeConsole(records: ReadableLogRecord[]): void {
    this.deps.setExporting(true);
    try {
      for (const r of records) process.stdout.write(`${JSON.stringify({ time: r.hrTime, severity: r.severityText, body: r.body, attributes: r.attributes, traceId: r.spanContext?.traceId, spanId: r.spanContext?.spanId })}\n`);
    } finally {
      this.deps.setExporting(false);
    }
  }

  /** Exports on the exit paths: synchronous all the way. */
  exportSync(raws: RawLogRecord[]): void {
    this.write(raws, true);
  }

  /** Exports from the batch timer: OTLP sends are asynchronous (unref'd, bounded). */
  async export(raws: RawLogRecord[]): Promise<void> {
    const sends = this.write(raws, false);
    for (const [ok, count] of await Promise.all(sends)) {
      if (!ok) this.lost += count;
    }
  }

  private write(raws: RawLogRecord[], sync: boolean): Promise<[boolean, number]>[] {
    if (raws.length === 0) return [];
    const records = this.toRecords(raws);
    this.exported += raws.length;
    if (records.length === 0) return []; // the app's own provider took them
    const { exporters, otlpProtocol, queue } = this.deps.config;
    const sends: Promise<[boolean, number]>[] = [];
    for (const name of exporters) {
      try {
        if (name === 'file') {
          const body = this.serialize(records, true);
          if (body) this.writeFile(body);
        } else if (name === 'console') {
          this.writeConsole(records);
        } else if (name === 'otlp') {
          const json = otlpProtocol === 'http/json';
          const body = this.serialize(records, json);
          if (!body) continue;
          const headers = { ...otlpLogsHeaders(this.deps.env), 'content-type': json ? 'application/json' : 'application/x-protobuf' };
          const url = otlpLogsUrl(this.deps.env);
          if (sync) this.sendSync(url, headers, body, records.length);
          else sends.push(post(url, headers, body, queue.exportTimeoutMillis).then((ok) => [ok, records.length]));
        }
      } catch {
        this.lost += records.length;
      }
    }
    return sends;
  }

  private sendSync(url: string, headers: Record<string, string>, body: Uint8Array, count: number): void {
    try {
      execFileSync(process.execPath, [path.join(__dirname, '..', 'exporters', 'sync-send.js')], {
        input: Buffer.from(body),
        env: { PATH: process.env.PATH, WIRETAP_SYNC_URL: url, WIRETAP_SYNC_HEADERS: JSON.stringify(headers) },
        timeout: 2000,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
    } catch {
      this.lost += count;
    }
  }

  close(): void {
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
