// The macro view: one row per calling service × peer × operation (× table/queue/route with `--by`), with
// exact percentiles over every span in the files, error and retry counts, and CI gates over the rows.
import { isCall, operationOf, peerOf, queueOf, retryNumber, routeOf, tableOf } from './describe';
import type { Span, StatsBy, StatsRow } from './types';

/**
 * Exact percentile by the nearest-rank method: the smallest value with at least p% of the values at or
 * below it (p in (0, 100]; p=0 gives the minimum). Runs a quickselect on a copy: O(n), input untouched.
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return select(Float64Array.from(values as ArrayLike<number>), Math.min(rank, n) - 1);
}

/** Several percentiles at once (one copy, successive selections narrowing the range). */
export function percentiles(values: ArrayLike<number>, ps: number[]): number[] {
  const n = values.length;
  if (n === 0) return ps.map(() => NaN);
  const a = Float64Array.from(values as ArrayLike<number>);
  return ps.map((p) => select(a, Math.min(Math.max(1, Math.ceil((p / 100) * n)), n) - 1));
}

/** k-th smallest (0-based) of a, reordering a in place (Hoare partition, median-of-three pivot). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot keeps sorted and reverse-sorted inputs linear.
    const x = a[lo], y = a[mid], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function resourceOf(span: Span, by: StatsBy): string {
  if (by === 'table') return tableOf(span) ?? '';
  if (by === 'queue') return queueOf(span) ?? '';
  if (by === 'route') return routeOf(span) ?? '';
  return '';
}

export interface StatsOptions {
  by?: StatsBy;
  /** Keep the sorted durations on each row (the report's distributions). */
  keepDurations?: boolean;
  /** Which spans count (default: outgoing calls, CLIENT and PRODUCER). */
  include?: (span: Span) => boolean;
}

/** The stats rows, sorted by total time descending (where the time went first). */
export function computeStats(spans: Iterable<Span>, options: StatsOptions = {}): StatsRow[] {
  const by = options.by ?? 'operation';
  const include = options.include ?? isCall;
  const groups = new Map<string, { row: StatsRow; durations: number[]; calls: Map<string, number> }>();
  for (const s of spans) {
    if (!include(s)) continue;
    const service = s.service;
    const peer = peerOf(s);
    const operation = operationOf(s);
    const resource = resourceOf(s, by);
    const id = JSON.stringify([service, peer, operation, resource]);
    let g = groups.get(id);
    if (!g) {
      g = {
        row: { service, peer, operation, resource, key: `${peer}.${operation}`, count: 0, errors: 0, errorRate: 0, retried: 0, unfinished: 0, p50: 0, p95: 0, p99: 0, max: 0, totalMs: 0 },
        durations: [],
        calls: new Map(),
      };
      groups.set(id, g);
    }
    g.row.count++;
    if (s.error) g.row.errors++;
    if (s.incomplete) g.row.unfinished++;
    g.row.totalMs += s.durationMs;
    g.durations.push(s.durationMs);
    // A retried call: one of its attempts is a resend. Attempts of one call share the SDK invocation id
    // where there is one; else each resend stands for one retried call.
    const n = retryNumber(s);
    if (n > 0) {
      const invocation = s.attributes['wiretap.aws.invocation_id'];
      const callId = typeof invocation === 'string' ? invocation : `${s.traceId}/${s.parentSpanId ?? ''}/${s.spanId}`;
      g.calls.set(callId, 1);
    }
  }
  const rows: StatsRow[] = [];
  for (const g of groups.values()) {
    const [p50, p95, p99, max] = percentiles(g.durations, [50, 95, 99, 100]);
    g.row.p50 = p50;
    g.row.p95 = p95;
    g.row.p99 = p99;
    g.row.max = max;
    g.row.retried = g.calls.size;
    g.row.errorRate = g.row.count ? g.row.errors / g.row.count : 0;
    if (options.keepDurations) g.row.durations = g.durations.sort((a, b) => a - b);
    rows.push(g.row);
  }
  return rows.sort((a, b) => b.totalMs - a.totalMs || a.key.localeCompare(b.key));
}

/** Row identity across two runs. */
export function rowId(r: StatsRow): string {
  return JSON.stringify([r.service, r.peer, r.operation, r.resource]);
}

export interface StatsDelta {
  row: StatsRow;
  /** Missing when the row is new in this run. */
  baseline?: StatsRow;
  countDelta: number;
  errorRateDelta: number;
  p50Delta: number;
  p95Delta: number;
  p99Delta: number;
}

/** Rows of this run against a baseline run; rows gone since the baseline are returned separately. */
export function compareStats(current: StatsRow[], baseline: StatsRow[]): { deltas: StatsDelta[]; gone: StatsRow[] } {
  const old = new Map(baseline.map((r) => [rowId(r), r]));
  const deltas = current.map((row): StatsDelta => {
    const b = old.get(rowId(row));
    old.delete(rowId(row));
    return {
      row,
      ...(b ? { baseline: b } : {}),
      countDelta: row.count - (b?.count ?? 0),
      errorRateDelta: row.errorRate - (b?.errorRate ?? 0),
      p50Delta: b ? row.p50 - b.p50 : NaN,
      p95Delta: b ? row.p95 - b.p95 : NaN,
      p99Delta: b ? row.p99 - b.p99 : NaN,
    };
  });
  return { deltas, gone: [...old.values()] };
}

// --- gates: `--fail-if "DynamoDB.GetItem p95>50ms"`, `--fail-if "errors>0"` ---

export type GateMetric = 'count' | 'errors' | 'error%' | 'retried' | 'unfinished' | 'p50' | 'p95' | 'p99' | 'max' | 'total';
export interface Gate {
  text: string;
  /** Row selector: `peer.operation`, or `peer`, case-insensitive; undefined = all rows together. */
  selector?: string;
  metric: GateMetric;
  op: '>' | '>=' | '<' | '<=' | '=' | '!=';
  value: number;
}

export class GateSyntaxError extends Error {}

const METRIC_ALIASES: Record<string, GateMetric> = {
  count: 'count', calls: 'count', errors: 'errors', error: 'errors', 'error%': 'error%', error_rate: 'error%', 'errors%': 'error%',
  retried: 'retried', retries: 'retried', unfinished: 'unfinished', p50: 'p50', median: 'p50', p95: 'p95', p99: 'p99', max: 'max', total: 'total',
};
const TIME_METRICS = new Set<GateMetric>(['p50', 'p95', 'p99', 'max', 'total']);

/** Parses a duration: `50ms`, `1.5s`, `200us`, `2m`, or a bare number of ms. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m|min)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, min: 60_000 };
  return n * factor[unit];
}

export function parseGate(text: string): Gate {
  const m = /^\s*(?:(\S+)\s+)?([a-z0-9_%]+)\s*(>=|<=|!=|>|<|=)\s*(\S+)\s*$/i.exec(text);
  if (!m) throw new GateSyntaxError(`cannot read gate "${text}": expected [ROW] METRIC OP VALUE, e.g. "DynamoDB.GetItem p95>50ms" or "errors>0"`);
  const [, selector, metricText, op, valueText] = m;
  const metric = METRIC_ALIASES[metricText.toLowerCase()];
  if (!metric) throw new GateSyntaxError(`unknown metric "${metricText}" in gate "${text}" (one of: ${[...new Set(Object.values(METRIC_ALIASES))].join(', ')})`);
  let value: number | undefined;
  if (TIME_METRICS.has(metric)) value = parseDuration(valueText);
  else if (metric === 'error%') value = /^\d+(\.\d+)?%?$/.test(valueText) ? Number(valueText.replace('%', '')) : undefined;
  else value = /^\d+$/.test(valueText) ? Number(valueText) : undefined;
  if (value === undefined) throw new GateSyntaxError(`cannot read the value "${valueText}" in gate "${text}"${TIME_METRICS.has(metric) ? ' (a duration such as 50ms or 1.5s)' : ''}`);
  return { text: text.trim(), ...(selector ? { selector } : {}), metric, op: op as Gate['op'], value };
}

function metricOf(row: StatsRow, metric: GateMetric): number {
  switch (metric) {
    case 'count': return row.count;
    case 'errors': return row.errors;
    case 'error%': return row.errorRate * 100;
    case 'retried': return row.retried;
    case 'unfinished': return row.unfinished;
    case 'p50': return row.p50;
    case 'p95': return row.p95;
    case 'p99': return row.p99;
    case 'max': return row.max;
    case 'total': return row.totalMs;
  }
}

function compare(a: number, op: Gate['op'], b: number): boolean {
  switch (op) {
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '=': return a === b;
    case '!=': return a !== b;
  }
}

export interface GateResult {
  gate: Gate;
  /** True when the gate's condition holds, i.e. the gate fails the run. */
  failed: boolean;
  /** The rows that tripped it, with their value. */
  offenders: { row: StatsRow; value: number }[];
  /** The selector matched no row (the run fails: a gate on nothing is a typo or a missing integration). */
  noMatch: boolean;
}

/** Evaluates one gate: per row for a selector; without one, counts are summed and the rest checked per row. */
export function evaluateGate(gate: Gate, rows: StatsRow[]): GateResult {
  const sel = gate.selector?.toLowerCase();
  const matched = sel ? rows.filter((r) => r.key.toLowerCase() === sel || r.peer.toLowerCase() === sel || `${r.key}.${r.resource}`.toLowerCase() === sel || `${r.key} ${r.resource}`.toLowerCase() === sel) : rows;
  if (sel && matched.length === 0) return { gate, failed: true, offenders: [], noMatch: true };
  const summable = gate.metric === 'count' || gate.metric === 'errors' || gate.metric === 'retried' || gate.metric === 'unfinished';
  if (!sel && summable) {
    const total = matched.reduce((sum, r) => sum + metricOf(r, gate.metric), 0);
    const failed = compare(total, gate.op, gate.value);
    return { gate, failed, offenders: failed ? matched.filter((r) => metricOf(r, gate.metric) > 0).map((row) => ({ row, value: metricOf(row, gate.metric) })) : [], noMatch: false };
  }
  const offenders = matched.map((row) => ({ row, value: metricOf(row, gate.metric) })).filter((o) => compare(o.value, gate.op, gate.value));
  return { gate, failed: offenders.length > 0, offenders, noMatch: false };
}
