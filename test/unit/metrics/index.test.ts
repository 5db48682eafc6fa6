// Metrics wired to a real Pipeline: the onEnd hook fires once per exchange, sampled or not, and the
// collected points reach the exporters on flushSync / collectAndExport.
import { expect } from 'chai';
import { BasicTracerProvider, AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { Pipeline } from '../../../src/spans/pipeline';
import { DecoderRegistry } from '../../../src/decoders/registry';
import { builtInDecoders } from '../../../src/decoders';
import { createRedactor } from '../../../src/redaction/redact';
import { loadConfig } from '../../../src/config/load';
import { Metrics } from '../../../src/metrics';
import type { MetricsExporter } from '../../../src/metrics/exporters';
import type { MetricPoints } from '../../../src/metrics/store';
import type { RequestHead } from '../../../src/exchange/types';
import { setLogLevel } from '../../../src/diag/log';

const head = (over: Partial<RequestHead> = {}): RequestHead => ({
  method: 'GET', scheme: 'http', host: 'api.test', port: 8080, path: '/orders/123', query: '', headers: {}, protocolVersion: '1.1', transport: 'http', ...over,
});

class Capture implements MetricsExporter {
  readonly name = 'capture';
  batches: MetricPoints[][] = [];
  constructor(readonly temporality: 'delta' | 'cumulative' = 'delta') {}
  exportSync(m: readonly MetricPoints[]): void {
    this.batches.push([...m]);
  }
  total(name: string, match: Record<string, unknown> = {}): number {
    let n = 0;
    for (const b of this.batches)
      for (const m of b)
        if (m.spec.name === name)
          for (const p of m.points) if (Object.entries(match).every(([k, v]) => p.attributes[k] === v)) n += p.value ?? (p.histogram?.data.count ?? 0);
    return n;
  }
}

function setup(env: Record<string, string>, sampled: boolean, exporters: MetricsExporter[]) {
  const config = loadConfig({ OTEL_METRICS_EXPORTER: 'file', ...env });
  const metrics = new Metrics({ config: config.metrics, filePath: '/dev/null', env: {}, resource: () => undefined as never, exporters });
  let calls = 0;
  const provider = new BasicTracerProvider(sampled ? {} : { sampler: new AlwaysOffSampler() });
  const registry = new DecoderRegistry(builtInDecoders);
  const pipeline = new Pipeline({
    config,
    registry,
    redactor: createRedactor(config.redaction),
    tracer: () => provider.getTracer('t'),
    onEnd: (x, d, decoder) => {
      calls++;
      metrics.onEnd(x, d, decoder);
    },
  });
  return { metrics, pipeline, calls: () => calls };
}

describe('metrics (wired to the pipeline)', () => {
  before(() => setLogLevel('none'));
  after(() => setLogLevel('warn'));

  for (const sampled of [true, false]) {
    it(`the onEnd hook fires once per exchange (${sampled ? 'sampled' : 'unsampled'}): ended, failed and still-in-flight calls`, () => {
      const out = new Capture();
      const { metrics, pipeline, calls } = setup({}, sampled, [out]);
      const a = pipeline.start(head())!;
      a.response(200, {});
      a.end();
      a.end();
      const b = pipeline.start(head())!;
      b.fail(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      pipeline.start(head({ path: '/slow' }));
      pipeline.reportInflight('exit');
      expect(calls()).to.equal(3);
      metrics.flushSync();
      expect(out.total('http.client.request.duration')).to.equal(2);
      expect(out.total('http.client.request.duration', { 'error.type': 'ECONNRESET' })).to.equal(1);
      expect(out.total('http.client.request.duration', { 'http.response.status_code': 200 })).to.equal(1);
      expect(out.total('wiretap.client.request.inflight_at_exit', { 'server.address': 'api.test' })).to.equal(1);
      metrics.flushSync();
      expect(out.batches, 'nothing new: nothing exported').to.have.length(1);
    });
  }

  it('counts what the cardinality limit folded, per instrument', () => {
    const out = new Capture();
    const { metrics, pipeline } = setup({ WIRETAP_METRICS_CARDINALITY_LIMIT: '2' }, false, [out]);
    for (let i = 0; i < 5; i++) {
      const r = pipeline.start(head({ host: `h${i}.test` }))!;
      r.response(200, {});
      r.end();
    }
    metrics.flushSync();
    expect(out.total('http.client.request.duration', { 'otel.metric.overflow': true })).to.equal(3);
    expect(out.total('wiretap.metrics.overflowed', { 'wiretap.metric.name': 'http.client.request.duration' })).to.equal(3);
  });

  it('a failing exporter does not stop the others or throw; collectAndExport resolves by its deadline when an export hangs', async () => {
    const out = new Capture();
    const broken: MetricsExporter = { name: 'broken', temporality: 'delta', exportSync: () => { throw new Error('disk full'); } };
    const hanging: MetricsExporter = { name: 'hanging', temporality: 'delta', exportSync: () => undefined, export: () => new Promise<void>(() => undefined) };
    const { metrics, pipeline } = setup({}, true, [broken, hanging, out]);
    const r = pipeline.start(head())!;
    r.response(200, {});
    r.end();
    expect(() => metrics.flushSync()).to.not.throw();
    expect(out.total('http.client.request.duration')).to.equal(1);
    const again = pipeline.start(head())!;
    again.response(200, {});
    again.end();
    await metrics.collectAndExport(Date.now() + 20);
    expect(out.total('http.client.request.duration')).to.equal(2);
  });

  it('cumulative exporters get running totals while EMF-style delta exporters get each interval once', () => {
    const delta = new Capture('delta');
    const cumulative = new Capture('cumulative');
    const { metrics, pipeline } = setup({}, false, [delta, cumulative]);
    for (let round = 0; round < 2; round++) {
      const r = pipeline.start(head())!;
      r.response(200, {});
      r.end();
      metrics.flushSync();
    }
    expect(delta.batches.map((b) => b[0].points[0].histogram!.data.count)).to.deep.equal([1, 1]);
    expect(cumulative.batches.map((b) => b[0].points[0].histogram!.data.count)).to.deep.equal([1, 2]);
  });
});
