import { expect } from 'chai';
import { MetricStore, ATTR_OTEL_METRIC_OVERFLOW } from '../../../src/metrics/store';

const spec = { name: 'h', unit: 's', description: '', kind: 'histogram' as const };

describe('metrics/store', () => {
  it('folds attribute sets past the cardinality limit into one overflow series and counts what it folded', () => {
    const store = new MetricStore({ cardinalityLimit: 3 });
    const h = store.instrument(spec);
    for (let i = 0; i < 10; i++) h.record(`k${i}`, () => ({ 'server.address': `h${i}` }), 0.01);
    const [m] = store.collect(false).delta;
    expect(m.points.map((p) => p.attributes)).to.deep.equal([{ 'server.address': 'h0' }, { 'server.address': 'h1' }, { 'server.address': 'h2' }, { [ATTR_OTEL_METRIC_OVERFLOW]: true }]);
    const overflow = m.points[3].histogram!;
    expect(overflow.type === 'exponential' && overflow.data.count).to.equal(7);
    expect(h.folded).to.equal(7);
  });

  it('delta hands out each interval once and forgets idle series; cumulative keeps running totals with a fixed start', () => {
    let now = 1000;
    const store = new MetricStore({ cardinalityLimit: 10, now: () => now });
    const c = store.instrument({ name: 'c', unit: '{request}', description: '', kind: 'counter' });
    c.record('a', () => ({ a: 1 }), 2);
    now = 2000;
    const first = store.collect(true);
    expect(first.delta[0].points[0]).to.include({ value: 2, start: 1000, end: 2000 });
    expect(first.cumulative[0].points[0]).to.include({ value: 2, start: 1000 });
    c.record('a', () => ({ a: 1 }), 3);
    now = 3000;
    const second = store.collect(true);
    expect(second.delta[0].points[0]).to.include({ value: 3, start: 2000, end: 3000 });
    expect(second.cumulative[0].points[0]).to.include({ value: 5, start: 1000, end: 3000 });
    now = 4000;
    expect(store.collect(false).delta, 'nothing new').to.deep.equal([]);
  });

  it('explicit buckets on request', () => {
    const store = new MetricStore({ cardinalityLimit: 10, buckets: [0.005, 0.01, 0.1] });
    const h = store.instrument(spec);
    for (const v of [0.001, 0.007, 0.05, 3]) h.record('k', () => ({}), v);
    const p = store.collect(false).delta[0].points[0];
    expect(p.histogram).to.deep.include({ type: 'explicit' });
    expect(p.histogram!.data).to.deep.include({ counts: [1, 1, 1, 1], count: 4, min: 0.001, max: 3 });
  });
});
