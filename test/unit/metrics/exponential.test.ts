import { expect } from 'chai';
import { ExponentialHistogram, indexOf, lowerBound, mergeData, quantile, relativeError, DEFAULT_MAX_SIZE } from '../../../src/metrics/exponential';

/** Deterministic log-uniform samples between lo and hi (seconds). */
function samples(n: number, lo: number, hi: number, seed = 7): number[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => lo * (hi / lo) ** rnd());
}

/** Nearest-rank percentile, as the estimate defines it. */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

describe('metrics/exponential', () => {
  it('puts every value inside its bucket (lower < v <= upper), at positive, zero and negative scales', () => {
    for (const scale of [20, 8, 3, 1, 0, -1, -3]) {
      for (const v of [1e-6, 0.00042, 0.001, 0.25, 0.5, 1, 1.5, 2, 3, 1024, 12345.678]) {
        const i = indexOf(v, scale);
        const lo = lowerBound(i, scale);
        const hi = lowerBound(i + 1, scale);
        expect(v, `v=${v} scale=${scale} i=${i}`).to.be.greaterThan(lo * (1 - 1e-12));
        expect(v, `v=${v} scale=${scale} i=${i}`).to.be.at.most(hi * (1 + 1e-12));
      }
    }
  });

  it('downscales to fit a wide range (0.1 ms .. 30 s) in the bucket limit and keeps count, sum, min, max', () => {
    const h = new ExponentialHistogram();
    const values = samples(5000, 0.0001, 30);
    for (const v of values) h.record(v);
    const d = h.data();
    expect(d.count).to.equal(5000);
    expect(d.positive.counts.length).to.be.at.most(DEFAULT_MAX_SIZE);
    expect(d.positive.counts.reduce((a, b) => a + b, 0)).to.equal(5000);
    expect(d.min).to.equal(Math.min(...values));
    expect(d.max).to.equal(Math.max(...values));
    expect(d.sum).to.be.closeTo(values.reduce((a, b) => a + b, 0), 1e-9);
    expect(d.scale).to.be.below(20);
  });

  for (const [lo, hi] of [
    [0.0005, 0.003],
    [0.001, 60],
    [0.02, 0.021],
  ] as const) {
    it(`p50/p95/p99 estimates are within the relative error of the exact percentiles (${lo}..${hi} s)`, () => {
      const h = new ExponentialHistogram();
      const values = samples(2000, lo, hi, Math.round(hi * 1000));
      for (const v of values) h.record(v);
      const d = h.data();
      const err = relativeError(d.scale);
      for (const q of [0.5, 0.95, 0.99]) {
        const want = exact(values, q);
        const got = quantile(d, q)!;
        expect(Math.abs(got - want) / want, `q=${q} scale=${d.scale}`).to.be.at.most(err + 1e-9);
      }
    });
  }

  it('merging two histograms at different scales equals recording everything into one (counts, percentiles within error)', () => {
    const a = new ExponentialHistogram();
    const b = new ExponentialHistogram();
    const va = samples(1000, 0.001, 0.01, 3);
    const vb = samples(1000, 0.5, 20, 5);
    va.forEach((v) => a.record(v));
    vb.forEach((v) => b.record(v));
    const m = mergeData(a.data(), b.data());
    expect(m.count).to.equal(2000);
    expect(m.positive.counts.reduce((x, y) => x + y, 0)).to.equal(2000);
    expect(m.positive.counts.length).to.be.at.most(DEFAULT_MAX_SIZE);
    const all = [...va, ...vb];
    for (const q of [0.5, 0.95, 0.99]) {
      const want = exact(all, q);
      expect(Math.abs(quantile(m, q)! - want) / want).to.be.at.most(relativeError(m.scale) + 1e-9);
    }
  });

  it('starts each interval at the finest scale again after reset, so one slow interval does not coarsen the next', () => {
    const h = new ExponentialHistogram();
    for (const v of samples(500, 0.0001, 30)) h.record(v);
    expect(h.data().scale).to.be.below(10);
    h.reset();
    h.record(0.004);
    h.record(0.0041);
    expect(h.data().scale).to.be.above(10);
  });

  it('counts zero durations in the zero bucket and drops NaN/negative values', () => {
    const h = new ExponentialHistogram();
    h.record(0);
    h.record(0);
    h.record(NaN);
    h.record(-1);
    h.record(0.004);
    const d = h.data();
    expect({ count: d.count, zeroCount: d.zeroCount }).to.deep.equal({ count: 3, zeroCount: 2 });
    expect(quantile(d, 0.5)).to.equal(0);
    expect(quantile(d, 1)).to.equal(0.004);
  });
});
