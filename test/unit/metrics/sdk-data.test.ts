// The SDK data shape wiretap hands to the official serializers: what comes out of JsonMetricsSerializer.
import { expect } from 'chai';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { MetricStore } from '../../../src/metrics/store';
import { toResourceMetrics } from '../../../src/metrics/sdk-data';

function serialize(store: MetricStore, cumulative: boolean): any {
  const c = store.collect(cumulative);
  const body = JsonMetricsSerializer.serializeRequest(toResourceMetrics(resourceFromAttributes({ 'service.name': 's' }), cumulative ? c.cumulative : c.delta));
  return JSON.parse(Buffer.from(body!).toString());
}

describe('metrics/sdk-data', () => {
  it('exponential histograms and monotonic sums, delta (1) and cumulative (2)', () => {
    for (const cumulative of [false, true]) {
      const store = new MetricStore({ cardinalityLimit: 10, now: () => 1_700_000_000_123.5 });
      store.instrument({ name: 'd', unit: 's', description: 'dd', kind: 'histogram' }).record('k', () => ({ 'server.address': 'a' }), 0.003);
      store.instrument({ name: 'c', unit: '{request}', description: 'cc', kind: 'counter' }).record('k', () => ({ 'server.address': 'a' }), 2);
      const doc = serialize(store, cumulative);
      const [d, c] = doc.resourceMetrics[0].scopeMetrics[0].metrics;
      expect(doc.resourceMetrics[0].scopeMetrics[0].scope.name).to.equal('wiretap');
      expect(d).to.deep.include({ name: 'd', unit: 's', description: 'dd' });
      expect(d.exponentialHistogram.aggregationTemporality).to.equal(cumulative ? 2 : 1);
      const p = d.exponentialHistogram.dataPoints[0];
      expect(p).to.deep.include({ count: 1, sum: 0.003, min: 0.003, max: 0.003, scale: 20, zeroCount: 0 });
      expect(p.positive.bucketCounts).to.deep.equal([1]);
      expect(p.attributes).to.deep.equal([{ key: 'server.address', value: { stringValue: 'a' } }]);
      expect(String(p.timeUnixNano)).to.equal('1700000000123500000');
      expect(c.sum).to.deep.include({ aggregationTemporality: cumulative ? 2 : 1, isMonotonic: true });
      expect(Number(c.sum.dataPoints[0].asInt)).to.equal(2);
    }
  });

  it('explicit buckets become an OTLP histogram with its bounds', () => {
    const store = new MetricStore({ cardinalityLimit: 10, buckets: [0.005, 0.05] });
    const h = store.instrument({ name: 'd', unit: 's', description: '', kind: 'histogram' });
    for (const v of [0.001, 0.01, 0.2, 0.3]) h.record('k', () => ({}), v);
    const [m] = serialize(store, false).resourceMetrics[0].scopeMetrics[0].metrics;
    expect(m.histogram.dataPoints[0]).to.deep.include({ explicitBounds: [0.005, 0.05], bucketCounts: [1, 1, 2], count: 4 });
  });
});
