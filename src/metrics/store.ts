// wiretap's own aggregation: one series per precomputed attribute set, keyed by a string of its values
// (built once per call, no attribute-object hashing), each holding the interval's histogram or count.
// A collection hands out the interval (delta) and, for exporters that want it, the running total
// (cumulative) merged from the intervals; EMF always takes delta, OTLP/file whatever the preference says.
// Past the cardinality limit, new attribute sets fold into one overflow series
// (`otel.metric.overflow=true`, as the OpenTelemetry SDK does), and every folded measurement is counted.
import type { Attributes } from '@opentelemetry/api';
import { ExponentialHistogram, mergeData, type ExponentialData } from './exponential';

export type Temporality = 'delta' | 'cumulative';

export const ATTR_OTEL_METRIC_OVERFLOW = 'otel.metric.overflow';

export interface InstrumentSpec {
  name: string;
  unit: string;
  description: string;
  kind: 'histogram' | 'counter';
}

export interface ExplicitData {
  bounds: number[];
  counts: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
}

export type HistogramData = { type: 'exponential'; data: ExponentialData } | { type: 'explicit'; data: ExplicitData };

export interface SeriesPoint {
  attributes: Attributes;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** Counters. */
  value?: number;
  histogram?: HistogramData;
}

export interface MetricPoints {
  spec: InstrumentSpec;
  temporality: Temporality;
  points: SeriesPoint[];
}

class ExplicitHistogram {
  counts: number[];
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  constructor(readonly bounds: number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }
  record(v: number): void {
    if (!(v >= 0) || v === Infinity) return;
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]) i++;
    this.counts[i]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  data(): ExplicitData {
    return { bounds: this.bounds, counts: this.counts.slice(), count: this.count, sum: this.sum, min: this.min, max: this.max };
  }
}

function mergeExplicit(a: ExplicitData, b: ExplicitData): ExplicitData {
  return {
    bounds: a.bounds,
    counts: a.counts.map((c, i) => c + (b.counts[i] ?? 0)),
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
}

class Series {
  value = 0;
  exp?: ExponentialHistogram;
  explicit?: ExplicitHistogram;
  total?: { value: number; histogram?: HistogramData };
  touched = false;
  constructor(
    readonly attributes: Attributes,
    readonly start: number,
  ) {}
}

export interface StoreOptions {
  /** Attribute sets per instrument before folding into the overflow series. */
  cardinalityLimit: number;
  /** Explicit bucket bounds (seconds) instead of exponential histograms. */
  buckets?: number[];
  now?: () => number;
}

export class Instrument {
  private readonly series = new Map<string, Series>();
  private overflow?: Series;
  /** Measurements folded into the overflow series. */
  folded = 0;

  constructor(
    readonly spec: InstrumentSpec,
    private readonly store: MetricStore,
  ) {}

  private seriesFor(key: string, attributes: () => Attributes): Series {
    let s = this.series.get(key);
    if (s) return s;
    const now = this.store.now();
    if (this.series.size >= this.store.options.cardinalityLimit) {
      this.folded++;
      this.store.folded++;
      return (this.overflow ??= new Series({ [ATTR_OTEL_METRIC_OVERFLOW]: true }, now));
    }
    s = new Series(attributes(), now);
    this.series.set(key, s);
    return s;
  }

  /** `key` must identify `attributes()` exactly; `attributes` runs only for a new series. */
  record(key: string, attributes: () => Attributes, value: number): void {
    const s = this.seriesFor(key, attributes);
    s.touched = true;
    this.store.dirty = true;
    if (this.spec.kind === 'counter') {
      s.value += value;
      return;
    }
    const buckets = this.store.options.buckets;
    if (buckets) (s.explicit ??= new ExplicitHistogram(buckets)).record(value);
    else (s.exp ??= new ExponentialHistogram()).record(value);
  }

  get size(): number {
    return this.series.size + (this.overflow ? 1 : 0);
  }

  /** The interval since the last collection, and the running totals when `cumulative` is asked for. */
  collect(since: number, now: number, cumulative: boolean): { delta: SeriesPoint[]; cumulative: SeriesPoint[] } {
    const delta: SeriesPoint[] = [];
    const totals: SeriesPoint[] = [];
    const all: [string | undefined, Series][] = [...this.series];
    if (this.overflow) all.push([undefined, this.overflow]);
    for (const [key, s] of all) {
      // Delta only: a series idle for a whole interval is forgotten, so the limit counts live attribute sets.
      if (!cumulative && !s.touched && key !== undefined) {
        this.series.delete(key);
        continue;
      }
      let point: SeriesPoint | undefined;
      if (s.touched) {
        point = { attributes: s.attributes, start: Math.max(since, s.start), end: now };
        if (this.spec.kind === 'counter') point.value = s.value;
        else if (s.exp) point.histogram = { type: 'exponential', data: s.exp.data() };
        else if (s.explicit) point.histogram = { type: 'explicit', data: s.explicit.data() };
        delta.push(point);
      }
      if (cumulative) {
        if (point) {
          const t = (s.total ??= { value: 0 });
          t.value += point.value ?? 0;
          if (point.histogram) {
            const prev = t.histogram;
            if (!prev) t.histogram = point.histogram;
            else if (prev.type === 'exponential' && point.histogram.type === 'exponential') t.histogram = { type: 'exponential', data: mergeData(prev.data, point.histogram.data) };
            else if (prev.type === 'explicit' && point.histogram.type === 'explicit') t.histogram = { type: 'explicit', data: mergeExplicit(prev.data, point.histogram.data) };
          }
        }
        if (s.total) totals.push({ attributes: s.attributes, start: s.start, end: now, value: this.spec.kind === 'counter' ? s.total.value : undefined, histogram: s.total.histogram });
      }
      s.touched = false;
      s.value = 0;
      s.exp?.reset();
      if (s.explicit) s.explicit = undefined;
    }
    return { delta, cumulative: totals };
  }
}

export class MetricStore {
  readonly instruments: Instrument[] = [];
  dirty = false;
  folded = 0;
  private lastCollect: number;
  readonly now: () => number;

  constructor(readonly options: StoreOptions) {
    this.now = options.now ?? Date.now;
    this.lastCollect = this.now();
  }

  instrument(spec: InstrumentSpec): Instrument {
    const i = new Instrument(spec, this);
    this.instruments.push(i);
    return i;
  }

  /** Everything recorded since the last collection; `cumulative` also gives the running totals. */
  collect(cumulative: boolean): { delta: MetricPoints[]; cumulative: MetricPoints[] } {
    const now = this.now();
    const since = this.lastCollect;
    this.lastCollect = now;
    this.dirty = false;
    const delta: MetricPoints[] = [];
    const totals: MetricPoints[] = [];
    for (const i of this.instruments) {
      const c = i.collect(since, now, cumulative);
      if (c.delta.length) delta.push({ spec: i.spec, temporality: 'delta', points: c.delta });
      if (c.cumulative.length) totals.push({ spec: i.spec, temporality: 'cumulative', points: c.cumulative });
    }
    return { delta, cumulative: totals };
  }
}
