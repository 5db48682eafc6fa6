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

/** Every log record in the text of OTLP-JSON lines (lines of other signals and non-JSON lines are skipped). */
export function logsFromText(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"resourceLogs"')) continue;
    const start = line.indexOf('{');
    try {
      out.push(...logsFromRequest(JSON.parse(line.slice(start))));
    } catch {
      /* a cut or foreign line */
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
  for (const t of transactions) for (const traceId of t.traceIds) if (!byTrace.has(traceId)) byTrace.set(traceId, t);
  const out = new Map<string, LogLine[]>();
  for (const log of logs) {
    const t = log.traceId ? byTrace.get(log.traceId) : undefined;
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
