// Spans over OTLP/HTTP to a local receiver, for http/json and http/protobuf, on a normal end (the official
// exporters, asynchronously) and on a hard process.exit() (the synchronous path through a child process).
import { expect } from 'chai';
import { runApp } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { startOtlpReceiver, startSilentCollector, type OtlpReceiver } from '../helpers/otlp-receiver';
import { spanFor } from '../helpers/spans';
import { SPAN_KIND } from '../helpers/otlp';
import { parseMessage, extractStrings } from '../helpers/protobuf';


describe('e2e: OTLP export', function () {
  this.timeout(30000);
  let servers: TestServers;
  let receiver: OtlpReceiver;
  before(async () => {
    servers = await testServers();
  });
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.close());

  const otlpEnv = (protocol: string) => ({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'otlp-e2e-app' });

  for (const kind of ['is down', 'accepts and never answers'] as const) {
    it(`a collector that ${kind} costs the app nothing: same output and exit code, nothing of wiretap's holds the process`, async () => {
      const collector = kind === 'is down' ? await startOtlpReceiver() : await startSilentCollector();
      if (kind === 'is down') await collector.close();
      const tag = kind === 'is down' ? 'otlp-down' : 'otlp-mute';
      const env = { ...servers.env, ...otlpEnv('http/protobuf'), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url, RUN_TAG: tag, APP_MODE: 'probe-handles' };
      try {
        // No wall-clock bound (it failed under load): after the app's work, the ref'd handles (what keeps a
        // process alive) must be exactly those of the bare app, while wiretap's export is attempted or, for
        // the silent collector, still in flight. Before the exit path flushed synchronously, the exporter's
        // retries kept the app alive for about 8 s; test/e2e/exit-collector.test.ts has thousands of spans.
        const [bare, tapped] = await Promise.all([runApp({ app: 'test/e2e/apps/calls.js', preload: 'none', env }), runApp({ app: 'test/e2e/apps/calls.js', env })]);
        expect(tapped.timedOut, 'the app was kept alive').to.equal(false);
        expect(bare.json().find((o) => o.refHandles), bare.stdout).to.not.equal(undefined);
        expect({ code: tapped.code, stdout: tapped.stdout.replaceAll(tag, 'T') }).to.deep.equal({ code: bare.code, stdout: bare.stdout.replaceAll(tag, 'T') });
        expect(tapped.appStderr).to.equal(bare.appStderr);
        if ('connections' in collector) expect(collector.connections(), 'an export was attempted').to.be.greaterThan(0);
      } finally {
        if ('connections' in collector) collector.close();
      }
    });
  }

  for (const mode of ['natural end', 'process-exit'] as const) {
    it(`OTEL_EXPORTER_OTLP_HEADERS reach the collector (${mode})`, async () => {
      const tag = `otlp-headers-${mode.replace(' ', '-')}`;
      const env = { ...servers.env, ...otlpEnv('http/protobuf'), OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=FAKE-collector-key,x-tenant=team%20a', RUN_TAG: tag, APP_MODE: mode === 'process-exit' ? 'process-exit' : '' };
      const r = await runApp({ app: 'test/e2e/apps/calls.js', env });
      expect(r.code, r.stderr).to.equal(0);
      expect(receiver.received.length).to.be.greaterThan(0);
      for (const x of receiver.received) expect(x.headers).to.include({ 'x-collector-key': 'FAKE-collector-key', 'x-tenant': 'team a' });
    });

    it(`http/json: spans reach the receiver (${mode})`, async () => {
      const tag = `otlp-json-${mode.replace(' ', '-')}`;
      const r = await runApp({ app: 'test/e2e/apps/calls.js', env: { ...servers.env, ...otlpEnv('http/json'), RUN_TAG: tag, APP_MODE: mode === 'process-exit' ? 'process-exit' : '' } });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.spans(), 'no file written').to.deep.equal([]);
      expect(receiver.received.every((x) => x.path === '/v1/traces' && x.contentType.includes('application/json'))).to.equal(true);
      const spans = receiver.jsonSpans();
      const first = spanFor(spans, `/${tag}/first`);
      expect(first.kind).to.equal(SPAN_KIND.CLIENT);
      expect(first.attributes).to.include({ 'http.request.method': 'GET', 'http.response.status_code': 200, 'wiretap.transport': 'http' });
      expect(first.resource['service.name']).to.equal('otlp-e2e-app');
      expect(spanFor(spans, `/${tag}/second`).attributes).to.include({ 'http.request.body.content': 'second body', 'wiretap.transport': 'undici' });
      // The exporter's own calls are not traced.
      expect(spans.filter((s) => String(s.attributes['url.full']).includes('/v1/traces'))).to.deep.equal([]);
    });

    it(`http/protobuf: spans reach the receiver (${mode})`, async () => {
      const tag = `otlp-proto-${mode.replace(' ', '-')}`;
      const r = await runApp({ app: 'test/e2e/apps/calls.js', env: { ...servers.env, ...otlpEnv('http/protobuf'), RUN_TAG: tag, APP_MODE: mode === 'process-exit' ? 'process-exit' : '' } });
      expect(r.code, r.stderr).to.equal(0);
      expect(receiver.received.length).to.be.greaterThan(0);
      expect(receiver.received.every((x) => x.contentType.includes('application/x-protobuf'))).to.equal(true);
      // ExportTraceServiceRequest: field 1 is repeated ResourceSpans.
      const top = parseMessage(receiver.received[0].body);
      expect(top.map((f) => f.number)).to.include(1);
      const strings = receiver.protobufStrings();
      expect(strings).to.include('GET 127.0.0.1');
      expect(strings).to.include('POST 127.0.0.1');
      expect(strings).to.include('url.full');
      expect(strings).to.include(`${servers.http}/${tag}/first`);
      expect(strings).to.include(`${servers.http}/${tag}/second`);
      expect(strings).to.include('http.request.body.content');
      expect(strings).to.include('second body');
      expect(strings).to.include('otlp-e2e-app');
      expect(strings.some((s) => s.includes('/v1/traces'))).to.equal(false);
    });
  }

  // At the natural end the last spans go out the ordinary way under the exit grace, not through the
  // synchronous child-process send (about 50 ms of CPU); process.exit() still needs the child process.
  for (const [mode, sends] of [['natural end', 0], ['process-exit', 1]] as const) {
    it(`the last spans at the ${mode} take ${sends} synchronous child-process sends, and arrive`, async () => {
      const tag = `otlp-sync-${mode.replace(' ', '-')}`;
      const r = await runApp({ app: 'test/e2e/apps/calls.js', env: { ...servers.env, ...otlpEnv('http/json'), RUN_TAG: tag, COUNT_SYNC_SENDS: '1', APP_MODE: mode === 'process-exit' ? 'process-exit' : '' } });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json().find((o) => 'syncSends' in o)).to.deep.equal({ syncSends: sends });
      const spans = receiver.jsonSpans();
      spanFor(spans, `/${tag}/first`);
      spanFor(spans, `/${tag}/second`);
    });
  }

  it('the protobuf walker finds strings in nested length-delimited fields', () => {
    // message { 1: { 2: "inner" }, 3: 150, 4: "top" }
    const inner = Buffer.from([0x12, 5, ...Buffer.from('inner')]);
    const buf = Buffer.from([0x0a, inner.length, ...inner, 0x18, 0x96, 0x01, 0x22, 3, ...Buffer.from('top')]);
    expect(parseMessage(buf).map((f) => f.number)).to.deep.equal([1, 3, 4]);
    expect(extractStrings(buf)).to.include.members(['inner', 'top']);
    expect(() => parseMessage(Buffer.from([0x0a, 9, 1]))).to.throw();
  });
});
