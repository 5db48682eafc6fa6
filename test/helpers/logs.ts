// Reads the log records of an OTLP-JSON file (`resourceLogs` lines, as wiretap's file exporter writes them).
import * as fs from 'node:fs';

export interface FlatLog {
  scope: string;
  body: string;
  severityNumber?: number;
  severityText?: string;
  traceId?: string;
  spanId?: string;
  timeUnixNano: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };

function value(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return v.arrayValue.values.map(value);
  return undefined;
}

const attrs = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));

/** Log records of one OTLP-JSON ExportLogsServiceRequest. */
export function flattenLogsRequest(doc: any): FlatLog[] {
  const out: FlatLog[] = [];
  for (const rl of doc.resourceLogs ?? []) {
    const resource = attrs(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const r of sl.logRecords ?? []) {
        out.push({ scope: sl.scope?.name, body: String(value(r.body) ?? ''), severityNumber: r.severityNumber, severityText: r.severityText, traceId: r.traceId || undefined, spanId: r.spanId || undefined, timeUnixNano: r.timeUnixNano, attributes: attrs(r.attributes), resource });
      }
    }
  }
  return out;
}

export function readLogFile(file: string): FlatLog[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"resourceLogs"'))
    .flatMap((l) => flattenLogsRequest(JSON.parse(l)));
}
