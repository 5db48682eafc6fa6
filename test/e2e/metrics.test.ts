// Client-call metrics end to end: an app under the preload makes a known set of calls to a local fake;
// the metrics reach a local OTLP receiver (http/json and http/protobuf), the trace file, or stdout (EMF),
// with the right names, units, attributes and counts — unsampled calls included.
import { expect } from 'chai';
import { runApp, type RunResult } from '../helpers/run-app';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { readMetricRows } from '../../src/metrics/read';
import { readSpanFile } from '../helpers/otlp';
import { extractStrings } from '../helpers/protobuf';
import * as fs from 'node:fs';

const APP = 'test/e2e/apps/metrics-calls.js';
const CALLS = 40;

interface Counts {
  getItem: number;
  getItemErrors: number;
  sendMessage: number;
  stripe: number;
  plain: number;
}

type Attr = { key: string; value: Record<string, unknown> };
interface Point {
  attributes: Record<string, unknown>;
  count: number;
  metric: string;
  unit: string;
  temporality: number;
  kind: 'exponentialHistogram' | 'histogram' | 'sum';
}

function flat(attrs: Attr[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of attrs) out[a.key] = Object.values(a.value)[0];
  return out;
}

/** Every data point of every resourceMetrics request/line, flattened. */
function points(docs: any[]): Point[] {
  const out: Point[] = [];
  for (const doc of docs) {
    for (const rm of doc.resourceMetrics ?? []) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          for (const kind of ['exponentialHistogram', 'histogram', 'sum'] as const) {
            const data = m[kind];
            if (!data) continue;
            for (const p of data.dataPoints ?? []) {
              out.push({ attributes: flat(p.attributes), count: Number(p.count ?? p.asInt ?? p.asDouble ?? 0), metric: m.name, unit: m.unit, temporality: data.aggregationTemporality, kind });
            }
          }
        }
      }
    }
  }
  return out;
}

/** Sum of counts of the points of `metric` whose attributes include `match` (delta points add up). */
function total(ps: Point[], metric: string, match: Record<string, unknown> = {}): number {
  return ps.filter((p) => p.metric === metric && Object.entries(match).every(([k, v]) => p.attributes[k] === v)).reduce((n, p) => n + p.count, 0);
}

function countsOf(r: RunResult): Counts {
  const line = r.json().find((o) => o.counts);
  expect(line, r.stdout + r.stderr).to.not.equal(undefined);
  return line.counts as Counts;
}

function fileDocs(file: string): any[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"resourceMetrics"'))
    .map((l) => JSON.parse(l));
}

describe('e2e: client-call metrics', function () {
  this.timeout(60000);
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.close());
  const metricsUrl = () => receiver.url.replace('/v1/traces', '/v1/metrics');

  function expectAllCalls(ps: Point[], c: Counts, sampled: boolean): void {
    const all = c.getItem + c.getItemErrors + c.sendMessage + c.stripe + c.plain;
    expect(total(ps, 'http.client.request.duration'), 'every call').to.equal(all);
    expect(total(ps, 'rpc.client.call.duration', { 'rpc.system.name': 'aws-api', 'rpc.method': 'DynamoDB/GetItem' })).to.equal(c.getItem + c.getItemErrors);
    expect(total(ps, 'rpc.client.call.duration', { 'rpc.method': 'DynamoDB/GetItem', 'error.type': 'ResourceNotFoundException' })).to.equal(c.getItemErrors);
    expect(total(ps, 'rpc.client.call.duration', { 'rpc.method': 'SQS/SendMessage' })).to.equal(c.sendMessage);
    const db = sampled ? { 'db.system.name': 'aws.dynamodb', 'db.operation.name': 'GetItem', 'db.collection.name': 'orders' } : { 'db.system.name': 'aws.dynamodb', 'db.operation.name': 'GetItem' };
    expect(total(ps, 'db.client.operation.duration', db)).to.equal(c.getItem + c.getItemErrors);
    const messaging = { 'messaging.system': 'aws_sqs', 'messaging.operation.name': 'send', 'messaging.operation.type': 'send', ...(sampled ? { 'messaging.destination.name': 'jobs' } : {}) };
    expect(total(ps, 'messaging.client.operation.duration', messaging)).to.equal(c.sendMessage);
    expect(total(ps, 'wiretap.client.request.resends', { 'rpc.method': 'DynamoDB/GetItem' })).to.equal(c.getItemErrors);
    for (const p of ps) {
      if (p.metric.endsWith('.duration')) expect({ metric: p.metric, unit: p.unit, kind: p.kind }).to.deep.equal({ metric: p.metric, unit: 's', kind: 'exponentialHistogram' });
      // Bounded: no path with ids, no message id, no Stripe object id in any attribute.
      for (const v of Object.values(p.attributes)) expect(String(v)).to.not.match(/item-\d|cus_FAKE|5fea7756|\?id=/);
    }
    if (!sampled) expect(ps.some((p) => p.attributes['db.collection.name'] !== undefined), 'an unsampled call has no body to name its table').to.equal(false);
  }

  for (const [protocol, sampler] of [
    ['http/json', 'always_on'],
    ['http/json', 'always_off'],
  ] as const) {
    it(`OTLP ${protocol}, ${sampler}: names, units, attributes and counts of every call (delta, interval and exit exports together)`, async () => {
      const r = await runApp({
        app: APP,
        env: {
          CALLS: String(CALLS),
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metricsUrl(),
          OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocol,
          OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
          OTEL_METRIC_EXPORT_INTERVAL: '150',
          OTEL_TRACES_SAMPLER: sampler,
          WIRETAP_METRICS_URL_TEMPLATE: 'on',
        },
      });
      expect(r.code, r.stderr).to.equal(0);
      const c = countsOf(r);
      const bodies = receiver.received.filter((x) => x.path === '/v1/metrics');
      expect(bodies.length, 'interval exports and the exit export').to.be.greaterThan(1);
      expect(bodies.every((b) => b.contentType.includes('application/json'))).to.equal(true);
      const ps = points(bodies.map((b) => JSON.parse(b.body.toString())));
      expect(ps.every((p) => p.temporality === 1), 'delta').to.equal(true);
      expectAllCalls(ps, c, sampler === 'always_on');
      expect(total(ps, 'http.client.request.duration', { 'url.template': '/v1/customers/{id}', 'http.request.method': 'GET' })).to.equal(c.stripe);
      if (sampler === 'always_off') expect(r.spans(), 'no spans at all').to.deep.equal([]);
    });
  }

  it('OTLP http/protobuf on the interval (official proto exporter) and at the natural end, under the ESM preload', async () => {
    const r = await runApp({
      app: APP,
      preload: 'esm',
      env: { CALLS: '30', OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metricsUrl(), OTEL_METRIC_EXPORT_INTERVAL: '150', OTEL_TRACES_EXPORTER: 'none' },
    });
    expect(r.code, r.stderr).to.equal(0);
    const bodies = receiver.received.filter((x) => x.path === '/v1/metrics');
    expect(bodies.length).to.be.greaterThan(1);
    expect(bodies.every((b) => b.contentType.includes('application/x-protobuf'))).to.equal(true);
    const strings = bodies.flatMap((b) => extractStrings(b.body));
    for (const s of ['http.client.request.duration', 'rpc.client.call.duration', 'SQS/SendMessage', 'aws_sqs']) expect(strings).to.include(s);
  });

  it('OTLP http/protobuf at process.exit(): the metrics reach the collector through the synchronous path', async () => {
    const r = await runApp({
      app: APP,
      env: { CALLS: '10', APP_MODE: 'process-exit', OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metricsUrl(), OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_TRACES_EXPORTER: 'none' },
    });
    expect(r.code, r.stderr).to.equal(0);
    const bodies = receiver.received.filter((x) => x.path === '/v1/metrics');
    expect(bodies.length).to.equal(1);
    expect(bodies[0].contentType).to.include('application/x-protobuf');
    const strings = extractStrings(bodies[0].body);
    for (const s of ['http.client.request.duration', 'rpc.client.call.duration', 'db.client.operation.duration', 'messaging.client.operation.duration', 'DynamoDB/GetItem', 'aws.dynamodb', 'wiretap.client.request.inflight_at_exit']) expect(strings).to.include(s);
  });

  it('file exporter: percentiles from the exported histograms agree with the exact percentiles of the same calls\' spans', async () => {
    const r = await runApp({ app: APP, env: { CALLS: '60', OTEL_METRICS_EXPORTER: 'file' } });
    expect(r.code, r.stderr).to.equal(0);
    const c = countsOf(r);
    const durations = readSpanFile(r.file)
      .filter((s) => s.name === 'DynamoDB.GetItem')
      .map((s) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e9)
      .sort((a, b) => a - b);
    expect(durations.length).to.equal(c.getItem + c.getItemErrors);
    const [row] = readMetricRows(fs.readFileSync(r.file, 'utf8')).filter((x) => x.operation === 'DynamoDB/GetItem');
    expect(row).to.include({ count: durations.length, errors: c.getItemErrors });
    for (const [q, got] of [[0.5, row.p50], [0.95, row.p95], [0.99, row.p99]] as const) {
      const want = durations[Math.ceil(q * durations.length) - 1];
      // The span's times are rounded to nanoseconds; the histogram saw the same milliseconds.
      expect(Math.abs(got! - want) / want, `p${q * 100}: ${got} vs ${want}`).to.be.at.most(row.relativeError! + 1e-6);
    }
    expect(row.max).to.be.closeTo(durations[durations.length - 1], 1e-6);
  });

  it('file exporter at process.exit(): the call still in flight is counted, with no duration recorded for it', async () => {
    const r = await runApp({ app: APP, env: { CALLS: '5', APP_MODE: 'process-exit', OTEL_METRICS_EXPORTER: 'file' } });
    expect(r.code, r.stderr).to.equal(0);
    const c = countsOf(r);
    const ps = points(fileDocs(r.file));
    expect(total(ps, 'wiretap.client.request.inflight_at_exit', { 'http.request.method': 'GET' })).to.equal(1);
    expect(total(ps, 'http.client.request.duration')).to.equal(c.getItem + c.getItemErrors + c.sendMessage + c.stripe + c.plain);
    expect(ps.every((p) => p.temporality === 2), 'cumulative outside Lambda').to.equal(true);
  });

  it('EMF on stdout: parses, is delta in Lambda, counts every call, and the app\'s own stdout lines stay whole', async () => {
    const r = await runApp({ app: APP, env: { CALLS: '20', OTEL_METRICS_EXPORTER: 'emf', AWS_LAMBDA_FUNCTION_NAME: 'fake-fn', OTEL_SERVICE_NAME: 'emf-app', OTEL_TRACES_EXPORTER: 'none' } });
    expect(r.code, r.stderr).to.equal(0);
    const c = countsOf(r);
    const emf = r.json().filter((o) => o._aws);
    expect(emf.length).to.be.greaterThan(0);
    let httpCount = 0;
    for (const o of emf) {
      const d = o._aws.CloudWatchMetrics[0];
      expect(d.Namespace).to.equal('wiretap');
      expect(o['service.name']).to.equal('emf-app');
      for (const m of d.Metrics) {
        const v = o[m.Name];
        if (m.Name === 'http.client.request.duration') {
          expect(m.Unit).to.equal('Seconds');
          httpCount += v.Count;
          expect(v.Counts.reduce((a: number, b: number) => a + b, 0)).to.equal(v.Count);
        }
      }
    }
    expect(httpCount).to.equal(c.getItem + c.getItemErrors + c.sendMessage + c.stripe + c.plain);
  });

  it('an app that registered its own global MeterProvider gets the metrics there, and wiretap adds no provider or file lines', async () => {
    const r = await runApp({ app: APP, env: { CALLS: '10', APP_MODE: 'own-meter-provider', OTEL_METRICS_EXPORTER: 'file' } });
    expect(r.code, r.stderr).to.equal(0);
    const app = r.json().find((o) => o.appMetrics).appMetrics as { scope: string; name: string; points: number }[];
    const names = app.filter((m) => m.scope === 'wiretap').map((m) => m.name);
    expect(names).to.include.members(['http.client.request.duration', 'rpc.client.call.duration', 'db.client.operation.duration', 'messaging.client.operation.duration']);
    expect(fileDocs(r.file), 'no second provider writing its own lines').to.deep.equal([]);
  });

  it('metrics off (the default): nothing of the metrics SDK is loaded, no metric lines; on: it is (the check can fail)', async () => {
    const [off, on] = await Promise.all([
      runApp({ app: APP, env: { CALLS: '3', OTEL_TRACES_EXPORTER: 'none' } }),
      runApp({ app: APP, env: { CALLS: '3', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'file' } }),
    ]);
    expect(off.code, off.stderr).to.equal(0);
    expect(off.json().find((o) => o.atExit).atExit.sdkMetricsLoaded).to.equal(false);
    expect(fileDocs(off.file)).to.deep.equal([]);
    expect(on.json().find((o) => o.atExit).atExit.sdkMetricsLoaded).to.equal(true);
    expect(fileDocs(on.file).length).to.equal(1);
  });
});
