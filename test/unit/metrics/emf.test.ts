import { expect } from 'chai';
import { toEmfLines, exponentialToEmf, EMF_MAX_METRICS, EMF_MAX_VALUES, EMF_MAX_DIMENSIONS, EMF_MAX_BYTES } from '../../../src/metrics/emf';
import { MetricStore } from '../../../src/metrics/store';
import { ExponentialHistogram, quantile } from '../../../src/metrics/exponential';

function wide(n: number, seed: number): number[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => 0.0001 * (300000 ** rnd())); // 0.1 ms .. 30 s
}

interface EmfObject {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [k: string]: unknown;
}

function checkLimits(lines: string[]): EmfObject[] {
  return lines.map((line) => {
    expect(Buffer.byteLength(line)).to.be.at.most(EMF_MAX_BYTES);
    const o = JSON.parse(line) as EmfObject;
    const d = o._aws.CloudWatchMetrics[0];
    expect(d.Metrics.length).to.be.at.most(EMF_MAX_METRICS);
    for (const set of d.Dimensions) {
      expect(set.length).to.be.at.most(EMF_MAX_DIMENSIONS);
      for (const k of set) expect(o[k], `dimension ${k} is a root string member`).to.be.a('string');
    }
    expect(new Set(d.Metrics.map((m) => m.Name)).size, 'metric names are unique in an object').to.equal(d.Metrics.length);
    for (const m of d.Metrics) {
      const v = o[m.Name] as number | { Values: number[]; Counts: number[]; Count: number };
      expect(v, m.Name).to.not.equal(undefined);
      if (typeof v === 'object') {
        expect(v.Values.length).to.be.at.most(EMF_MAX_VALUES);
        expect(v.Values.length).to.equal(v.Counts.length);
        expect(v.Counts.reduce((a, b) => a + b, 0)).to.equal(v.Count);
      }
    }
    return o;
  });
}

describe('metrics/emf', () => {
  it('downscales a wide-range histogram to at most 100 values, keeping the count and the percentiles within the coarser error', () => {
    const h = new ExponentialHistogram();
    for (const v of wide(20000, 11)) h.record(v);
    const d = h.data();
    expect(d.positive.counts.filter((c) => c > 0).length, 'the fixture must need downscaling').to.be.greaterThan(EMF_MAX_VALUES);
    const e = exponentialToEmf(d);
    expect(e.Values.length).to.be.at.most(EMF_MAX_VALUES);
    expect(e.Counts.reduce((a, b) => a + b, 0)).to.equal(20000);
    expect(e).to.include({ Count: 20000, Min: d.min, Max: d.max });
    // The EMF values sorted by value give the same median bucket as the histogram, within 2x the coarser scale's width.
    let seen = 0;
    const median = e.Values.find((_, i) => (seen += e.Counts[i]) >= 10000)!;
    expect(Math.abs(median - quantile(d, 0.5)!) / quantile(d, 0.5)!).to.be.below(0.2);
  });

  it('at high cardinality (3000 series, 7 instruments) every object respects the metric, value, dimension and size limits', () => {
    const store = new MetricStore({ cardinalityLimit: 10000 });
    for (let k = 0; k < 7; k++) {
      const inst = store.instrument({ name: `m${k}.duration`, unit: 's', description: '', kind: 'histogram' });
      for (let s = 0; s < 3000; s++) {
        const attrs = { 'server.address': `host-${s % 300}.example`, 'rpc.method': `Svc/Op${s % 10}`, 'error.type': s % 7 === 0 ? 'Throttling' : 'none', 'series.id': String(s), long: 'x'.repeat(2000) };
        for (const v of wide(40, s + k)) inst.record(`${s}`, () => attrs, v);
      }
    }
    const lines = toEmfLines(store.collect(false).delta, { 'service.name': 'svc' }, 'wiretap');
    const objects = checkLimits(lines);
    const total = objects.reduce((n, o) => n + o._aws.CloudWatchMetrics[0].Metrics.length, 0);
    expect(total).to.equal(7 * 3000);
    for (const o of objects) expect((o.long as string).length).to.equal(1024);
  });

  it('one attribute set with more than 100 metrics is split into several objects, and a small size limit splits further', () => {
    const store = new MetricStore({ cardinalityLimit: 10 });
    const attrs = { 'server.address': 'one.example' };
    for (let k = 0; k < 250; k++) {
      const inst = store.instrument({ name: `c${k}`, unit: '{request}', description: '', kind: 'counter' });
      inst.record('k', () => attrs, k + 1);
    }
    const points = store.collect(false).delta;
    const lines = toEmfLines(points, {}, 'ns');
    expect(lines.length).to.equal(3);
    checkLimits(lines);
    const small = toEmfLines(points, {}, 'ns', 2000);
    expect(small.length).to.be.greaterThan(3);
    for (const l of small) expect(Buffer.byteLength(l)).to.be.at.most(2000);
    const sum = small.map((l) => JSON.parse(l) as Record<string, unknown>).reduce((n, o) => n + Object.keys(o).filter((k) => /^c\d+$/.test(k)).reduce((m, k) => m + (o[k] as number), 0), 0);
    expect(sum).to.equal((250 * 251) / 2);
  });

  it('more than 30 attributes are cut to 30 dimensions', () => {
    const store = new MetricStore({ cardinalityLimit: 10 });
    const inst = store.instrument({ name: 'x', unit: 's', description: '', kind: 'histogram' });
    const attrs: Record<string, string> = {};
    for (let i = 0; i < 40; i++) attrs[`a${i}`] = `v${i}`;
    inst.record('k', () => attrs, 0.01);
    const [o] = checkLimits(toEmfLines(store.collect(false).delta, { 'service.name': 's' }, 'ns'));
    expect(o._aws.CloudWatchMetrics[0].Dimensions[0]).to.have.length(30);
    expect(o._aws.CloudWatchMetrics[0].Dimensions[0][0]).to.equal('service.name');
  });
});
