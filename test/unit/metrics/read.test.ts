// read.ts over real serialized lines: wiretap's store → the SDK data shape → the official JSON serializer.
import { expect } from 'chai';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { MetricStore } from '../../../src/metrics/store';
import { toResourceMetrics } from '../../../src/metrics/sdk-data';
import { readMetricRows } from '../../../src/metrics/read';
import { HTTP_CLIENT_DURATION, RPC_CLIENT_DURATION } from '../../../src/metrics/instruments';

function values(n: number, seed: number): number[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => 0.0008 * 2000 ** rnd());
}
const exact = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.max(1, Math.ceil(q * v.length)) - 1];

function line(store: MetricStore, cumulative: boolean, service = 'orders'): string {
  const c = store.collect(cumulative);
  const body = JsonMetricsSerializer.serializeRequest(toResourceMetrics(resourceFromAttributes({ 'service.name': service }), cumulative ? c.cumulative : c.delta));
  return Buffer.from(body!).toString();
}

describe('metrics/read', () => {
  for (const cumulative of [false, true]) {
    it(`${cumulative ? 'cumulative' : 'delta'} lines over three intervals: counts, errors and percentiles within the histogram's error`, () => {
      const store = new MetricStore({ cardinalityLimit: 100 });
      const rpc = store.instrument(RPC_CLIENT_DURATION);
      const http = store.instrument(HTTP_CLIENT_DURATION);
      const all: number[] = [];
      const lines: string[] = ['2026-12-01T10:00:00Z START RequestId: not json', '{"resourceSpans":[]}'];
      for (let interval = 0; interval < 3; interval++) {
        const vs = values(700, 17 + interval);
        vs.forEach((v, i) => {
          const failed = i % 50 === 0;
          const attrs = { 'rpc.system.name': 'aws-api', 'rpc.method': 'DynamoDB/GetItem', 'server.address': 'dynamodb.us-east-1.amazonaws.com', ...(failed ? { 'error.type': 'ThrottlingException' } : {}) };
          rpc.record(failed ? 'e' : 'ok', () => attrs, v);
          http.record(failed ? 'e' : 'ok', () => ({ 'http.request.method': 'POST', 'server.address': 'dynamodb.us-east-1.amazonaws.com' }), v);
        });
        http.record('stripe', () => ({ 'http.request.method': 'GET', 'server.address': 'api.stripe.com', 'url.template': '/v1/customers/{customer}' }), 0.2);
        all.push(...vs);
        // A CloudWatch export puts a timestamp before the JSON.
        lines.push(`2026-12-01T10:0${interval}:00.000Z\t${line(store, cumulative)}`);
      }
      const rows = readMetricRows(lines.join('\n'));
      expect(rows.map((r) => [r.peer, r.operation, r.count])).to.deep.equal([
        ['api.stripe.com', '/v1/customers/{customer}', 3],
        ['dynamodb.us-east-1.amazonaws.com', 'DynamoDB/GetItem', 2100],
      ]);
      const row = rows[1];
      expect(row.errors).to.equal(3 * 14);
      expect(row.max).to.equal(Math.max(...all));
      for (const [q, got] of [[0.5, row.p50], [0.95, row.p95], [0.99, row.p99]] as const) {
        const want = exact(all, q);
        expect(Math.abs(got! - want) / want, `p${q * 100}`).to.be.at.most(row.relativeError! + 1e-9);
      }
    });
  }
});
