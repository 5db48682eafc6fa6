// Log lines beside the trace: pino, winston and bunyan records carry the ids of the span they were written
// in (nested spans, across awaits, concurrent requests without cross-talk), plain text stays byte-identical,
// and with WIRETAP_CAPTURE_LOGS the lines become redacted log records that survive process.exit() and crashes.
import { expect } from 'chai';
import { runApp, type RunResult } from '../helpers/run-app';
import { readLogFile, flattenLogsRequest, type FlatLog } from '../helpers/logs';
import { startOtlpReceiver } from '../helpers/otlp-receiver';
import type { FlatSpan } from '../helpers/otlp';

const APP = 'test/e2e/apps/logs.js';
const SERVER = 2;

function jsonLines(r: RunResult): Record<string, unknown>[] {
  return r.json().filter((l) => typeof l === 'object' && l && 'where' in l);
}

function serverSpan(spans: FlatSpan[], path: string): FlatSpan {
  const s = spans.find((x) => x.kind === SERVER && x.attributes['url.path'] === path);
  expect(s, `SERVER span for ${path} in ${spans.map((x) => `${x.kind} ${x.name} ${String(x.attributes['url.path'])}`).join(', ')}`).to.not.equal(undefined);
  return s!;
}

describe('e2e: logs', function () {
  this.timeout(30000);

  for (const preload of ['cjs', 'esm'] as const) {
    it(`pino, winston and bunyan records carry the ids of the span they were written in (${preload} preload, 8 concurrent requests)`, async () => {
      const r = await runApp({ app: APP, preload, env: { LOG_MODE: 'correlate', LOG_REQUESTS: '8' } });
      expect(r.code, r.stderr).to.equal(0);
      const spans = r.spans();
      const lines = jsonLines(r);
      // pino's outer-start and inner, winston's outer-await, bunyan's outer-fetched, for each request
      expect(lines.length).to.equal(8 * 4);
      for (const line of lines) {
        const path = String(line.path);
        const span = serverSpan(spans, path); // the inner handler logs its own path (/rN/inner)
        expect(line.trace_id, JSON.stringify(line)).to.equal(span.traceId);
        expect(line.span_id, JSON.stringify(line)).to.equal(span.spanId);
        expect(line.trace_flags).to.equal('01');
      }
      // The inner handler's lines name the inner (nested) SERVER span, in the outer request's trace.
      for (let i = 0; i < 8; i++) {
        const outer = serverSpan(spans, `/r${i}`);
        const inner = serverSpan(spans, `/r${i}/inner`);
        expect(inner.traceId).to.equal(outer.traceId);
        const innerLine = lines.find((l) => l.where === 'inner' && l.path === `/r${i}/inner`)!;
        expect(innerLine.span_id).to.equal(inner.spanId).and.not.equal(outer.spanId);
      }
      // Eight requests, eight traces: no line carries another request's ids.
      expect(new Set(lines.map((l) => l.trace_id)).size).to.equal(8);
    });
  }

  it('plain-text output is byte-identical with and without the preload, with capture off and on', async () => {
    const bare = await runApp({ app: APP, preload: 'none', env: { LOG_MODE: 'plain' } });
    const off = await runApp({ app: APP, preload: 'cjs', env: { LOG_MODE: 'plain' } });
    const on = await runApp({ app: APP, preload: 'cjs', env: { LOG_MODE: 'plain', WIRETAP_CAPTURE_LOGS: 'true' } });
    expect(bare.stdout).to.include('plain inside 42 {"a":1}').and.include('winston simple inside');
    for (const r of [off, on]) {
      expect(r.code).to.equal(bare.code);
      expect(r.stdout).to.equal(bare.stdout);
      expect(r.appStderr).to.equal(bare.appStderr);
    }
    // With capture on, the same lines are records: the ones written in the handler carry its span.
    const logs = readLogFile(on.file);
    const inside = logs.filter((l) => l.body.includes('inside'));
    const outside = logs.filter((l) => l.body.includes('outside'));
    expect(inside.length).to.equal(outside.length).and.to.be.at.least(7);
    const handler = serverSpan(on.spans(), '/plain');
    for (const l of inside) expect([l.body, l.traceId, l.spanId]).to.deep.equal([l.body, handler.traceId, handler.spanId]);
    for (const l of outside) expect(l.traceId, l.body).to.equal(undefined);
    // Severity from the console method; the stream as log.iostream.
    const bySeverity = (text: string) => logs.find((l) => l.body.includes(text))!;
    expect(bySeverity('warned at inside').severityText).to.equal('WARN');
    expect(bySeverity('warned at inside').attributes['log.iostream']).to.equal('stderr');
    expect(bySeverity('error at inside').severityNumber).to.equal(17);
    expect(bySeverity('plain inside').severityText).to.equal('INFO');
    expect(bySeverity('raw stderr buffer inside').attributes['log.iostream']).to.equal('stderr');
    expect(readLogFile(off.file)).to.deep.equal([]);
  });

  it('captured records keep the JSON loggers\' fields, severity and name, tied to their spans', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { LOG_MODE: 'correlate', LOG_REQUESTS: '3', WIRETAP_CAPTURE_LOGS: '1' } });
    expect(r.code, r.stderr).to.equal(0);
    const spans = r.spans();
    const logs = readLogFile(r.file);
    const bunyan = logs.filter((l) => l.body === 'after fetch');
    expect(bunyan).to.have.length(3);
    for (const l of bunyan) {
      expect(l.scope).to.equal('orders');
      expect(l.severityText).to.equal('INFO');
      const span = serverSpan(spans, String(l.attributes.path));
      expect([l.traceId, l.spanId]).to.deep.equal([span.traceId, span.spanId]);
    }
    const winstonRecords = logs.filter((l) => l.body === 'after await');
    expect(winstonRecords).to.have.length(3);
    expect(winstonRecords[0]!.attributes.where).to.equal('outer-await');
    const consoleInner = logs.filter((l) => l.body.startsWith('console inner'));
    for (const l of consoleInner) {
      const span = serverSpan(spans, l.body.replace('console inner ', ''));
      expect(l.spanId).to.equal(span.spanId);
    }
    expect(logs.find((l) => l.body === 'done, outside any span')?.traceId).to.equal(undefined);
    expect(logs[0]!.resource['service.name']).to.be.a('string');
  });

  for (const mode of ['exit', 'throw'] as const) {
    it(`lines written just before ${mode === 'exit' ? 'process.exit()' : 'an uncaught exception'} are exported`, async () => {
      const bare = await runApp({ app: APP, preload: 'none', env: { LOG_MODE: mode } });
      const r = await runApp({ app: APP, preload: 'cjs', env: { LOG_MODE: mode, WIRETAP_CAPTURE_LOGS: '1', OTEL_BLRP_SCHEDULE_DELAY: '60000' } });
      expect(r.code).to.equal(bare.code).and.to.equal(mode === 'exit' ? 3 : 1);
      const logs = readLogFile(r.file);
      // The client call is reported unfinished; the handler's line is in its trace, under the handler's span.
      const client = r.spans().find((s) => s.kind === 3 && String(s.attributes['url.full']).endsWith(`/${mode}`))!;
      expect(client.attributes['wiretap.incomplete']).to.equal(true);
      const last = logs.find((l) => l.body === `last words before ${mode}`);
      expect(last, JSON.stringify(logs)).to.not.equal(undefined);
      expect(last!.traceId).to.equal(client.traceId);
      expect(last!.spanId).to.match(/^[0-9a-f]{16}$/).and.not.equal(client.spanId);
      expect(logs.some((l) => l.body === `stderr before ${mode}`)).to.equal(true);
    });
  }

  it('planted secrets in log lines are masked before they leave the process', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { LOG_MODE: 'secrets', LOG_REQUESTS: '1', WIRETAP_CAPTURE_LOGS: '1' } });
    expect(r.code, r.stderr).to.equal(0);
    const text = JSON.stringify(readLogFile(r.file));
    for (const planted of ['c2lnbmF0dXJlLXBsYW50ZWQ', '4111 1111 1111 1111', 'AKIAIOSFODNN7PLANTED', 'planted-pino-password', 'sk_live_PLANTEDPLANTEDPLANTED0000']) {
      expect(text, planted).to.not.include(planted);
    }
    expect(text).to.include('[REDACTED]');
    // What is not a secret stays readable.
    expect(text).to.include('planted-user-id').and.include('declined');
    // The app's own output is its own: unchanged.
    expect(r.stdout).to.include('AKIAIOSFODNN7PLANTED');
  });

  for (const protocol of ['http/json', 'http/protobuf'] as const) {
    it(`OTEL_LOGS_EXPORTER=otlp sends the records to /v1/logs (${protocol})`, async () => {
      const receiver = await startOtlpReceiver();
      try {
        const base = receiver.url.replace('/v1/traces', '');
        const r = await runApp({ app: APP, preload: 'cjs', env: { LOG_MODE: 'correlate', LOG_REQUESTS: '2', WIRETAP_CAPTURE_LOGS: '1', OTEL_TRACES_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: base, OTEL_EXPORTER_OTLP_PROTOCOL: protocol } });
        expect(r.code, r.stderr).to.equal(0);
        const logBodies = receiver.received.filter((x) => x.path === '/v1/logs');
        expect(logBodies.length).to.be.at.least(1);
        expect(logBodies[0]!.contentType).to.equal(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
        let records: FlatLog[] | string[];
        if (protocol === 'http/json') {
          records = logBodies.flatMap((b) => flattenLogsRequest(JSON.parse(b.body.toString())));
          expect(records.map((l) => l.body)).to.include('after fetch');
          expect(records.find((l) => l.body === 'after fetch')!.traceId).to.match(/^[0-9a-f]{32}$/);
        } else {
          const strings = receiver.protobufStrings();
          expect(strings).to.include('after fetch');
        }
        expect(receiver.received.some((x) => x.path === '/v1/traces')).to.equal(true);
      } finally {
        await receiver.close();
      }
    });
  }

  it('WIRETAP_LOG_CORRELATION=false leaves the JSON records exactly as without the agent', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { LOG_MODE: 'correlate', LOG_REQUESTS: '2', WIRETAP_LOG_CORRELATION: 'false' } });
    const lines = jsonLines(r);
    expect(lines.length).to.equal(8);
    for (const l of lines) expect(l).to.not.have.property('trace_id');
  });
});
