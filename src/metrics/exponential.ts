// Base-2 exponential histogram (OpenTelemetry data model): bucket i at scale s covers (base^i, base^(i+1)]
// with base = 2^(2^-s). It starts at the finest scale and halves its resolution (scale - 1) whenever the
// values no longer fit in `maxSize` buckets, so a millisecond DynamoDB call and a 30 s timeout share one
// histogram with a relative error of at most (base - 1) / (base + 1). Shared by the recorder, the EMF
// writer (downscaling to 100 values) and the reader (percentiles).

export const MAX_SCALE = 20;
export const MIN_SCALE = -10;
/** The OpenTelemetry SDK's default bucket count. */
export const DEFAULT_MAX_SIZE = 160;

export interface Buckets {
  offset: number;
  counts: number[];
}

export interface ExponentialData {
  scale: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  zeroCount: number;
  positive: Buckets;
}

const LN2 = Math.LN2;

/** The bucket index of a positive value at a scale; exact at powers of two. */
export function indexOf(value: number, scale: number): number {
  // Exact for powers of two: log2 of a power of two is an integer, and it is the upper bound of its bucket.
  const log2 = Math.log2(value);
  if (Number.isInteger(log2)) {
    return scale >= 0 ? log2 * 2 ** scale - 1 : Math.ceil(log2 / 2 ** -scale) - 1;
  }
  if (scale > 0) return Math.ceil((Math.log(value) / LN2) * 2 ** scale) - 1;
  return Math.floor(Math.floor(log2) / 2 ** -scale);
}

/** Lower bound of bucket `index` at `scale` (the upper bound is lowerBound(index + 1)). */
export function lowerBound(index: number, scale: number): number {
  return 2 ** (index * 2 ** -scale);
}

/** The largest relative error of a value estimated inside one bucket at this scale. */
export function relativeError(scale: number): number {
  const base = 2 ** (2 ** -scale);
  return (base - 1) / (base + 1);
}

export class ExponentialHistogram {
  scale: number;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  zeroCount = 0;
  private offset = 0;
  private counts: number[] = [];

  constructor(
    private readonly maxSize = DEFAULT_MAX_SIZE,
    private readonly startScale = MAX_SCALE,
  ) {
    this.scale = startScale;
  }

  record(value: number): void {
    if (!(value >= 0) || value === Infinity) return; // NaN, negative durations (clock steps) and Infinity are dropped
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value === 0) {
      this.zeroCount++;
      return;
    }
    let index = indexOf(value, this.scale);
    if (this.counts.length === 0) {
      this.offset = index;
      this.counts.push(1);
      return;
    }
    let lo = Math.min(this.offset, index);
    let hi = Math.max(this.offset + this.counts.length - 1, index);
    if (hi - lo + 1 > this.maxSize) {
      let change = 0;
      while (hi - lo + 1 > this.maxSize) {
        lo >>= 1;
        hi >>= 1;
        change++;
      }
      this.downscale(change);
      index = indexOf(value, this.scale);
    }
    if (index < this.offset) {
      const grow = this.offset - index;
      this.counts.unshift(...new Array<number>(grow).fill(0));
      this.offset = index;
    } else if (index >= this.offset + this.counts.length) {
      const grow = index - this.offset - this.counts.length + 1;
      for (let i = 0; i < grow; i++) this.counts.push(0);
    }
    this.counts[index - this.offset]++;
  }

  /** Lowers the scale by `change` (each step merges pairs of buckets). */
  downscale(change: number): void {
    if (change <= 0) return;
    const merged = downscaleBuckets({ offset: this.offset, counts: this.counts }, change);
    this.offset = merged.offset;
    this.counts = merged.counts;
    this.scale -= change;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.zeroCount = 0;
    this.offset = 0;
    this.counts = [];
    // Back to the finest scale: one slow interval must not coarsen the next ones (merging handles mixed scales).
    this.scale = this.startScale;
  }

  data(): ExponentialData {
    return {
      scale: this.scale,
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      zeroCount: this.zeroCount,
      positive: { offset: this.offset, counts: this.counts.slice() },
    };
  }
}

/** Buckets of a finer scale merged to a scale `change` steps coarser. */
export function downscaleBuckets(b: Buckets, change: number): Buckets {
  if (change <= 0 || b.counts.length === 0) return { offset: b.offset, counts: b.counts.slice() };
  const offset = b.offset >> change;
  const counts: number[] = [];
  for (let i = 0; i < b.counts.length; i++) {
    const at = ((b.offset + i) >> change) - offset;
    counts[at] = (counts[at] ?? 0) + b.counts[i];
  }
  for (let i = 0; i < counts.length; i++) counts[i] ??= 0;
  return { offset, counts };
}

/** Two histograms merged (at the coarser of their scales, further down if they would exceed `maxSize`). */
export function mergeData(a: ExponentialData, b: ExponentialData, maxSize = DEFAULT_MAX_SIZE): ExponentialData {
  if (a.count === 0) return b;
  if (b.count === 0) return a;
  let scale = Math.min(a.scale, b.scale);
  let pa = downscaleBuckets(a.positive, a.scale - scale);
  let pb = downscaleBuckets(b.positive, b.scale - scale);
  const span = (): number => {
    const ranges = [pa, pb].filter((p) => p.counts.length > 0);
    if (ranges.length === 0) return 0;
    const lo = Math.min(...ranges.map((p) => p.offset));
    const hi = Math.max(...ranges.map((p) => p.offset + p.counts.length - 1));
    return hi - lo + 1;
  };
  while (span() > maxSize) {
    pa = downscaleBuckets(pa, 1);
    pb = downscaleBuckets(pb, 1);
    scale--;
  }
  const nonEmpty = [pa, pb].filter((p) => p.counts.length > 0);
  const offset = nonEmpty.length ? Math.min(...nonEmpty.map((p) => p.offset)) : 0;
  const counts: number[] = new Array<number>(span()).fill(0);
  for (const p of nonEmpty) p.counts.forEach((c, i) => (counts[p.offset - offset + i] += c));
  return {
    scale,
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    zeroCount: a.zeroCount + b.zeroCount,
    positive: { offset, counts },
  };
}

/**
 * The q-quantile (0 < q ≤ 1, nearest rank) estimated from the histogram: the point of the bucket holding
 * that rank with the least relative error to either bound, clamped to [min, max]. Within
 * relativeError(scale) of the exact nearest-rank value.
 */
export function quantile(h: ExponentialData, q: number): number | undefined {
  if (h.count === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * h.count));
  if (rank >= h.count && Number.isFinite(h.max)) return h.max;
  if (rank <= h.zeroCount) return 0;
  let seen = h.zeroCount;
  const { offset, counts } = h.positive;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) {
      const lo = lowerBound(offset + i, h.scale);
      const hi = lowerBound(offset + i + 1, h.scale);
      const estimate = (2 * lo * hi) / (lo + hi);
      return Math.min(Math.max(estimate, h.min), h.max);
    }
  }
  return h.max;
}
