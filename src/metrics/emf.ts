// CloudWatch Embedded Metric Format: one JSON object per line on stdout, which CloudWatch Logs (Lambda
// included) turns into metrics with no collector. Written here because no maintained EMF library handles
// histograms. The limits (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
// ≤ 100 metrics per object, ≤ 100 distinct values per metric (histograms are downscaled until they fit),
// ≤ 30 dimensions per dimension set, dimension values ≤ 1024 characters, and the log event size (256 KB)
// — objects are split to respect each. Always delta: CloudWatch sums what each line reports.
import { downscaleBuckets, lowerBound, type ExponentialData } from './exponential';
import type { ExplicitData, MetricPoints } from './store';

export const EMF_MAX_METRICS = 100;
export const EMF_MAX_VALUES = 100;
export const EMF_MAX_DIMENSIONS = 30;
export const EMF_MAX_DIMENSION_VALUE = 1024;
/** CloudWatch Logs' event size limit, less room for the Lambda runtime's line prefix. */
export const EMF_MAX_BYTES = 256 * 1024 - 1024;

export interface EmfValues {
  Values: number[];
  Counts: number[];
  Min: number;
  Max: number;
  Count: number;
  Sum: number;
}

/** An exponential histogram as ≤ `maxValues` (value, count) pairs, coarsening the scale as needed. */
export function exponentialToEmf(h: ExponentialData, maxValues = EMF_MAX_VALUES): EmfValues {
  let buckets = h.positive;
  let scale = h.scale;
  const nonEmpty = (): number => buckets.counts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0) + (h.zeroCount > 0 ? 1 : 0);
  while (nonEmpty() > maxValues) {
    buckets = downscaleBuckets(buckets, 1);
    scale--;
  }
  const Values: number[] = [];
  const Counts: number[] = [];
  if (h.zeroCount > 0) {
    Values.push(0);
    Counts.push(h.zeroCount);
  }
  buckets.counts.forEach((c, i) => {
    if (c === 0) return;
    const lo = lowerBound(buckets.offset + i, scale);
    const hi = lowerBound(buckets.offset + i + 1, scale);
    Values.push(Math.min(Math.max((2 * lo * hi) / (lo + hi), h.min), h.max));
    Counts.push(c);
  });
  return { Values, Counts, Min: h.min, Max: h.max, Count: h.count, Sum: h.sum };
}

export function explicitToEmf(h: ExplicitData): EmfValues {
  const Values: number[] = [];
  const Counts: number[] = [];
  h.counts.forEach((c, i) => {
    if (c === 0) return;
    const lo = i === 0 ? h.min : h.bounds[i - 1];
    const hi = i < h.bounds.length ? h.bounds[i] : h.max;
    Values.push(Math.min(Math.max((lo + hi) / 2, h.min), h.max));
    Counts.push(c);
  });
  return { Values, Counts, Min: h.min, Max: h.max, Count: h.count, Sum: h.sum };
}

const unitOf = (unit: string): string => (unit === 's' ? 'Seconds' : unit === 'ms' ? 'Milliseconds' : unit === 'By' ? 'Bytes' : 'Count');

interface Entry {
  name: string;
  unit: string;
  value: number | EmfValues;
}

interface Group {
  dimensions: Record<string, string>;
  time: number;
  entries: Entry[];
}

function objectLine(namespace: string, g: Group, entries: Entry[]): string {
  const keys = Object.keys(g.dimensions);
  const body: Record<string, unknown> = {
    _aws: {
      Timestamp: Math.round(g.time),
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [keys], Metrics: entries.map((e) => ({ Name: e.name, Unit: e.unit })) }],
    },
    ...g.dimensions,
  };
  for (const e of entries) body[e.name] = e.value;
  return JSON.stringify(body);
}

function linesOf(namespace: string, g: Group, entries: Entry[], maxBytes: number, out: string[]): void {
  const line = objectLine(namespace, g, entries);
  if (Buffer.byteLength(line) <= maxBytes || entries.length === 1) {
    out.push(line);
    return;
  }
  const half = Math.ceil(entries.length / 2);
  linesOf(namespace, g, entries.slice(0, half), maxBytes, out);
  linesOf(namespace, g, entries.slice(half), maxBytes, out);
}

/**
 * EMF lines for a collection's delta points. Series with the same attribute values share one object (one
 * dimension set: their attribute names, `service.name` first), split at 100 metrics and at the size limit.
 */
export function toEmfLines(metrics: readonly MetricPoints[], resource: Record<string, string>, namespace: string, maxBytes = EMF_MAX_BYTES): string[] {
  const groups = new Map<string, Group>();
  for (const m of metrics) {
    for (const p of m.points) {
      const dims: Record<string, string> = { ...resource };
      for (const [k, v] of Object.entries(p.attributes)) {
        if (v === undefined || Object.keys(dims).length >= EMF_MAX_DIMENSIONS) continue;
        if (k.length > 255 || k.startsWith(':')) continue;
        dims[k] = String(v).slice(0, EMF_MAX_DIMENSION_VALUE);
      }
      const key = JSON.stringify(dims);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { dimensions: dims, time: p.end, entries: [] }));
      let value: number | EmfValues;
      if (m.spec.kind === 'counter') value = p.value ?? 0;
      else if (p.histogram?.type === 'exponential') value = exponentialToEmf(p.histogram.data);
      else if (p.histogram?.type === 'explicit') value = explicitToEmf(p.histogram.data);
      else continue;
      if (typeof value !== 'number' && value.Count === 0) continue;
      g.entries.push({ name: m.spec.name, unit: unitOf(m.spec.unit), value });
    }
  }
  const out: string[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.entries.length; i += EMF_MAX_METRICS) linesOf(namespace, g, g.entries.slice(i, i + EMF_MAX_METRICS), maxBytes, out);
  }
  return out;
}
