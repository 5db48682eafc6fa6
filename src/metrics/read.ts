// Reads OTLP-JSON `resourceMetrics` lines (the file exporter's, Lambda's stdout, a CloudWatch export) and
// returns per-(service × peer × operation) rows with count, errors and percentiles estimated from the
// exponential histograms. A pure function of the text: `wiretap stats` uses it when a file holds metrics
// but no spans. Lines of other signals, non-JSON lines and a prefix before the first `{` are skipped.
// Delta points add up; of cumulative points, the latest per series and start time counts.
import { mergeData, quantile, relativeError, type ExponentialData } from './exponential';

export interface MetricRow {
  service: string;
  /** server.address */
  peer: string;
  /** `DynamoDB/GetItem` (rpc.method), a url.template, or the HTTP method. */
  operation: string;
  /** The metric the row comes from. */
  metric: string;
  count: number;
  errors: number;
  /** Seconds. */
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
  /** The estimate's largest relative error (from the coarsest scale merged). */
  relativeError?: number;
}

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value?: AnyValue };

interface ExpPoint {
  attributes?: KeyValue[];
  startTimeUnixNano?: string | number;
  timeUnixNano?: string | number;
  count?: number | string;
  sum?: number;
  min?: number;
  max?: number;
  scale?: number;
  zeroCount?: number | string;
  positive?: { offset?: number; bucketCounts?: (number | string)[] };
}

const DELTA = 1;

const num = (v: number | string | undefined): number => (v === undefined ? 0 : Number(v));

function attrValue(v: AnyValue | undefined): string | undefined {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  return undefined;
}

function attrs(list: KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const v = attrValue(kv.value);
    if (v !== undefined) out[kv.key] = v;
  }
  return out;
}

function toData(p: ExpPoint): ExponentialData {
  return {
    scale: p.scale ?? 0,
    count: num(p.count),
    sum: p.sum ?? 0,
    min: p.min ?? 0,
    max: p.max ?? 0,
    zeroCount: num(p.zeroCount),
    positive: { offset: p.positive?.offset ?? 0, counts: (p.positive?.bucketCounts ?? []).map(num) },
  };
}

/** The metrics a row can come from, and how each names its operation. */
const OPERATION_OF: Record<string, (a: Record<string, string>) => string | undefined> = {
  'rpc.client.call.duration': (a) => a['rpc.method'],
  'http.client.request.duration': (a) => a['url.template'] ?? a['http.request.method'],
};

function parseLine(line: string): unknown {
  const at = line.indexOf('{');
  if (at < 0) return undefined;
  try {
    return JSON.parse(at === 0 ? line : line.slice(at));
  } catch {
    return undefined;
  }
}

interface Acc {
  row: MetricRow;
  hist?: ExponentialData;
  minScale: number;
}

/**
 * Rows from every line's exponential-histogram points of `rpc.client.call.duration` and
 * `http.client.request.duration`. An HTTP call to an AWS peer is counted by both metrics; its HTTP rows
 * named by a bare method are left out when the same service and peer have RPC rows, so each call counts
 * once (a peer serving both AWS and plain HTTP calls loses the plain ones: AWS endpoints serve only AWS).
 */
export function readMetricRows(text: string): MetricRow[] {
  // Cumulative points: the latest per (resource, series, start time) wins.
  const cumulative = new Map<string, { time: number; service: string; metric: string; a: Record<string, string>; data: ExponentialData }>();
  const delta: { service: string; metric: string; a: Record<string, string>; data: ExponentialData }[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('resourceMetrics')) continue;
    const doc = parseLine(line) as { resourceMetrics?: unknown[] } | undefined;
    if (!doc || !Array.isArray(doc.resourceMetrics)) continue;
    for (const rm of doc.resourceMetrics as { resource?: { attributes?: KeyValue[] }; scopeMetrics?: { metrics?: { name?: string; exponentialHistogram?: { aggregationTemporality?: number; dataPoints?: ExpPoint[] } }[] }[] }[]) {
      const resource = attrs(rm.resource?.attributes);
      const service = resource['service.name'] ?? 'unknown_service';
      const resourceKey = JSON.stringify(resource);
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          if (!m.name || !OPERATION_OF[m.name] || !m.exponentialHistogram) continue;
          const isDelta = m.exponentialHistogram.aggregationTemporality === DELTA;
          for (const p of m.exponentialHistogram.dataPoints ?? []) {
            const a = attrs(p.attributes);
            const data = toData(p);
            if (isDelta) delta.push({ service, metric: m.name, a, data });
            else {
              const key = `${resourceKey}\u0001${m.name}\u0001${JSON.stringify(a)}\u0001${p.startTimeUnixNano}`;
              const time = num(p.timeUnixNano);
              const prev = cumulative.get(key);
              if (!prev || prev.time <= time) cumulative.set(key, { time, service, metric: m.name, a, data });
            }
          }
        }
      }
    }
  }
  const rows = new Map<string, Acc>();
  for (const p of [...delta, ...cumulative.values()]) {
    const operation = OPERATION_OF[p.metric](p.a) ?? '_OTHER';
    const peer = p.a['server.address'] ?? '';
    const key = `${p.metric}\u0001${p.service}\u0001${peer}\u0001${operation}`;
    let acc = rows.get(key);
    if (!acc) rows.set(key, (acc = { row: { service: p.service, peer, operation, metric: p.metric, count: 0, errors: 0 }, minScale: p.data.scale }));
    acc.row.count += p.data.count;
    if (p.a['error.type'] !== undefined) acc.row.errors += p.data.count;
    acc.hist = acc.hist ? mergeData(acc.hist, p.data) : p.data;
    acc.minScale = Math.min(acc.minScale, acc.hist.scale);
  }
  const rpcPeers = new Set<string>();
  for (const { row } of rows.values()) if (row.metric === 'rpc.client.call.duration') rpcPeers.add(`${row.service}\u0001${row.peer}`);
  const out: MetricRow[] = [];
  for (const { row, hist, minScale } of rows.values()) {
    // Only rows named by a bare HTTP method: a url.template row is a route table's call, never AWS.
    if (row.metric === 'http.client.request.duration' && !row.operation.startsWith('/') && rpcPeers.has(`${row.service}\u0001${row.peer}`)) continue;
    if (hist && hist.count > 0) {
      row.p50 = quantile(hist, 0.5);
      row.p95 = quantile(hist, 0.95);
      row.p99 = quantile(hist, 0.99);
      row.max = hist.max;
      row.relativeError = relativeError(minScale);
    }
    out.push(row);
  }
  return out.sort((a, b) => a.service.localeCompare(b.service) || a.peer.localeCompare(b.peer) || a.operation.localeCompare(b.operation));
}
