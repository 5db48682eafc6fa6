// wiretap's collected points in the metrics SDK's data shape (`ResourceMetrics`), so the official OTLP
// serializers and exporters take them as they are. Only loaded by exporters that need it.
import { ValueType } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { MetricPoints } from './store';

export const SCOPE = { name: 'wiretap', version: '0.1.0' };

const hr = (ms: number): [number, number] => {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
};

function toMetricData(m: MetricPoints): MetricData {
  const descriptor = { name: m.spec.name, description: m.spec.description, unit: m.spec.unit, valueType: m.spec.kind === 'counter' ? ValueType.INT : ValueType.DOUBLE };
  const aggregationTemporality = m.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
  if (m.spec.kind === 'counter') {
    return {
      descriptor,
      aggregationTemporality,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: m.points.map((p) => ({ attributes: p.attributes, startTime: hr(p.start), endTime: hr(p.end), value: p.value ?? 0 })),
    };
  }
  const explicit = m.points.some((p) => p.histogram?.type === 'explicit');
  if (explicit) {
    return {
      descriptor,
      aggregationTemporality,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: m.points.flatMap((p) => {
        if (p.histogram?.type !== 'explicit') return [];
        const h = p.histogram.data;
        return [{ attributes: p.attributes, startTime: hr(p.start), endTime: hr(p.end), value: { buckets: { boundaries: h.bounds, counts: h.counts }, count: h.count, sum: h.sum, min: h.min, max: h.max } }];
      }),
    };
  }
  return {
    descriptor,
    aggregationTemporality,
    dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
    dataPoints: m.points.flatMap((p) => {
      if (p.histogram?.type !== 'exponential') return [];
      const h = p.histogram.data;
      return [
        {
          attributes: p.attributes,
          startTime: hr(p.start),
          endTime: hr(p.end),
          value: {
            count: h.count,
            sum: h.sum,
            min: h.min,
            max: h.max,
            scale: h.scale,
            zeroCount: h.zeroCount,
            positive: { offset: h.positive.offset, bucketCounts: h.positive.counts },
            negative: { offset: 0, bucketCounts: [] },
          },
        },
      ];
    }),
  };
}

export function toResourceMetrics(resource: Resource, metrics: readonly MetricPoints[]): ResourceMetrics {
  return { resource, scopeMetrics: [{ scope: SCOPE, metrics: metrics.map(toMetricData) }] };
}
