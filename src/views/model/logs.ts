// Log records beside the spans: the `resourceLogs` lines of the same files (wiretap's log capture, or any
// OTLP-JSON logs export), tied to transactions by their trace and span ids.
import * as fs from 'node:fs';
import { attributeList, anyValue } from './read';
import type { Attributes, Transaction } from './types';

export interface LogLine {
  traceId?: string;
  spanId?: string;
  /** Epoch milliseconds. */
  timeMs: number;
  severityText?: string;
  severityNumber?: number;
  body: string;
  attributes: Attributes;
  /** The instrumentation scope: the logger's name, `console`, `process.stdout`, ... */
  scope?: string;
  service: string;
  /** Lines of the Lambda runtime's own log formats carry the invocation's request id instead of span ids. */
  requestId?: string;
}

const HEX = /^[0-9a-f]+$/;

function nanosToMs(nanos: unknown): number {
  const text = String(nanos ?? '');
  if (text === '' || !/^\d+$/.test(text)) return 0;
  return text.length > 6 ? Number(text.slice(0, -6)) + Number(text.slice(-6)) / 1e6 : Number(text) / 1e6;
}

function id(value: unknown, length: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const lower = value.toLowerCase();
  if (lower.length === length && HEX.test(lower) && !/^0+$/.test(lower)) return lower;
  const bytes = Buffer.from(value, 'base64');
  return bytes.length * 2 === length ? bytes.toString('hex') : undefined;
}

/** The records of one ExportLogsServiceRequest (JSON form); other signals give none. */
export function logsFromRequest(request: unknown): LogLine[] {
  const out: LogLine[] = [];
  const resourceLogs = (request as { resourceLogs?: unknown[] } | null)?.resourceLogs;
  if (!Array.isArray(resourceLogs)) return out;
  for (const rl of resourceLogs as any[]) {
    const resource = attributeList(rl?.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? (resource['service.name'] as string) : 'unknown_service';
    for (const sl of rl?.scopeLogs ?? []) {
      for (const r of sl?.logRecords ?? []) {
        const body = anyValue(r?.body);
        out.push({
          traceId: id(r?.traceId, 32),
          spanId: id(r?.spanId, 16),
          timeMs: nanosToMs(r?.timeUnixNano) || nanosToMs(r?.observedTimeUnixNano),
          severityText: typeof r?.severityText === 'string' ? r.severityText : undefined,
          severityNumber: typeof r?.severityNumber === 'number' ? r.severityNumber : undefined,
          body: typeof body === 'string' ? body : body === null ? '' : JSON.stringify(body),
          attributes: attributeList(r?.attributes),
          scope: sl?.scope?.name,
          service,
        });
      }
    }
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LEVELS: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

/**
 * A line of the Lambda Node.js runtime's own log output, as it lands in CloudWatch (and in a file read back
 * from it): the text format `time<TAB>requestId<TAB>LEVEL<TAB>message`, or with AWS_LAMBDA_LOG_FORMAT=JSON
 * `{"timestamp","level","requestId","message"}`. Tied to the invocation span by `faas.invocation_id`.
 */
export function runtimeLogLine(line: string): LogLine | undefined {
  const text = line.replace(/\r$/, '');
  if (text.startsWith('{')) {
    if (!text.includes('"requestId"')) return undefined;
    try {
      const doc = JSON.parse(text) as Record<string, unknown>;
      if (typeof doc.requestId !== 'string' || !UUID.test(doc.requestId)) return undefined;
      const level = typeof doc.level === 'string' ? doc.level.toUpperCase() : undefined;
      const message = doc.message ?? doc.msg;
      const attributes: Attributes = {};
      for (const [k, v] of Object.entries(doc)) if (!['timestamp', 'level', 'requestId', 'message', 'msg'].includes(k)) attributes[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number | boolean);
      return { requestId: doc.requestId.toLowerCase(), timeMs: Date.parse(String(doc.timestamp)) || 0, severityText: level, severityNumber: level ? LEVELS[level] : undefined, body: typeof message === 'string' ? message : JSON.stringify(message ?? ''), attributes, scope: 'lambda-runtime', service: 'unknown_service' };
    } catch {
      return undefined;
    }
  }
  const parts = text.split('\t');
  if (parts.length < 4 || !UUID.test(parts[1]!) || !/^\d{4}-\d\d-\d\dT/.test(parts[0]!)) return undefined;
  const level = parts[2]!.toUpperCase();
  // The runtime writes a multi-line message with \r in place of each newline.
  return { requestId: parts[1]!.toLowerCase(), timeMs: Date.parse(parts[0]!) || 0, severityText: level, severityNumber: LEVELS[level], body: parts.slice(3).join('\t').replace(/\r/g, '\n'), attributes: {}, scope: 'lambda-runtime', service: 'unknown_service' };
}

/**
 * Every log record in the text of OTLP-JSON lines, and the Lambda runtime's own log lines; other lines
 * (spans, metrics, anything else an app printed) are skipped.
 */
export function logsFromText(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (line.includes('"resourceLogs"')) {
      const start = line.indexOf('{');
      try {
        out.push(...logsFromRequest(JSON.parse(line.slice(start))));
      } catch {
        /* a cut or foreign line */
      }
    } else if (line.includes('\t') || line.includes('"requestId"')) {
      const runtime = runtimeLogLine(line);
      if (runtime) out.push(runtime);
    }
  }
  return out;
}

export function readLogsSync(files: string[]): LogLine[] {
  const out: LogLine[] = [];
  for (const file of files) {
    try {
      out.push(...logsFromText(fs.readFileSync(file, 'utf8')));
    } catch {
      /* unreadable: the span reader reports it */
    }
  }
  return out.sort((a, b) => a.timeMs - b.timeMs);
}

/** Each transaction's log lines, in time order: the records whose trace is one of the transaction's. */
export function logsByTransaction(transactions: Transaction[], logs: LogLine[]): Map<string, LogLine[]> {
  const byTrace = new Map<string, Transaction>();
  const byInvocation = new Map<string, { t: Transaction; spanId: string }>();
  for (const t of transactions) {
    for (const traceId of t.traceIds) if (!byTrace.has(traceId)) byTrace.set(traceId, t);
    for (const s of t.spans) {
      const invocation = s.attributes['faas.invocation_id'];
      if (typeof invocation === 'string') byInvocation.set(invocation.toLowerCase(), { t, spanId: s.spanId });
    }
  }
  const out = new Map<string, LogLine[]>();
  for (const raw of logs) {
    let log = raw;
    let t = log.traceId ? byTrace.get(log.traceId) : undefined;
    if (!t && log.requestId) {
      const invocation = byInvocation.get(log.requestId);
      if (invocation) {
        t = invocation.t;
        // The runtime's line names the invocation, not a span: it sits under the invocation span.
        log = { ...log, traceId: invocation.t.spans.find((s) => s.spanId === invocation.spanId)?.traceId, spanId: invocation.spanId };
      }
    }
    if (!t) continue;
    let list = out.get(t.id);
    if (!list) out.set(t.id, (list = []));
    list.push(log);
  }
  return out;
}

export function logContainsText(log: LogLine, text: string): boolean {
  const needle = text.toLowerCase();
  if (log.body.toLowerCase().includes(needle)) return true;
  return Object.values(log.attributes).some((v) => v !== null && (typeof v === 'string' ? v : JSON.stringify(v)).toLowerCase().includes(needle));
}
