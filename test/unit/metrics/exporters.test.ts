import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { FileMetricsExporter, writeFully, otlpMetricsUrl } from '../../../src/metrics/exporters';
import { MetricStore } from '../../../src/metrics/store';

describe('metrics/exporters', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-metrics-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the file exporter appends one resourceMetrics line per export beside what is already there', async () => {
    const file = path.join(dir, 'sub', 'traces.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"resourceSpans":[]}\n');
    const e = new FileMetricsExporter(file, 'cumulative', () => resourceFromAttributes({ 'service.name': 'svc' }));
    const store = new MetricStore({ cardinalityLimit: 10 });
    const c = store.instrument({ name: 'c', unit: '{request}', description: '', kind: 'counter' });
    for (let i = 0; i < 2; i++) {
      c.record('k', () => ({}), 1);
      e.exportSync(store.collect(true).cumulative);
    }
    e.exportSync([]);
    await e.shutdown();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).to.have.length(3);
    const values = lines.slice(1).map((l) => Number(JSON.parse(l).resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0].asInt));
    expect(values).to.deep.equal([1, 2]);
  });

  it('writeFully writes everything and rethrows what is not EAGAIN', () => {
    const file = path.join(dir, 'big');
    const fd = fs.openSync(file, 'w');
    const big = Buffer.alloc(3 * 1024 * 1024, 'x');
    writeFully(fd, big);
    fs.closeSync(fd);
    expect(fs.statSync(file).size).to.equal(big.length);
    expect(() => writeFully(fd, 'closed')).to.throw(/EBADF/);
  });

  it('the OTLP metrics endpoint: the signal variable as is, else the base endpoint plus /v1/metrics', () => {
    expect(otlpMetricsUrl({})).to.equal('http://localhost:4318/v1/metrics');
    expect(otlpMetricsUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).to.equal('http://collector:4318/v1/metrics');
    expect(otlpMetricsUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b/custom' })).to.equal('http://b/custom');
  });
});
