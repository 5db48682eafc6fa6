import { expect } from 'chai';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { Pipeline } from '../../../src/spans/pipeline';
import { DecoderRegistry } from '../../../src/decoders/registry';
import { createRedactor } from '../../../src/redaction/redact';
import { loadConfig } from '../../../src/config/load';
import type { Decoder } from '../../../src/decoders/decoder';
import type { RequestHead } from '../../../src/exchange/types';
import { setLogLevel } from '../../../src/diag/log';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

const head = (over: Partial<RequestHead> = {}): RequestHead => ({
  method: 'POST', scheme: 'http', host: 'api.test', port: 8080, path: '/orders', query: 'page=1', headers: { 'content-type': 'application/json' }, protocolVersion: '1.1', transport: 'http', ...over,
});

function setup(env: Record<string, string> = {}, decoders: Decoder[] = [], sampled = true) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)], ...(sampled ? {} : { sampler: new AlwaysOffSampler() }) });
  const config = loadConfig(env);
  const registry = new DecoderRegistry(decoders);
  const pipeline = new Pipeline({ config, registry, redactor: createRedactor(config.redaction), tracer: () => provider.getTracer('t') });
  return { exporter, pipeline };
}

describe('Pipeline', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  before(() => {
    setLogLevel('none');
    context.setGlobalContextManager(contextManager.enable());
  });
  after(() => {
    setLogLevel('warn');
    context.disable();
  });

  it('turns recorder calls into one finished span with bodies and status', () => {
    const { exporter, pipeline } = setup();
    const rec = pipeline.start(head())!;
    expect(rec.inject?.traceparent).to.match(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    rec.requestChunk('{"item":');
    rec.requestChunk(Buffer.from('"espresso"}'));
    rec.response(201, { 'content-type': 'application/json' });
    rec.responseChunk(Buffer.from('{"id":7}'));
    expect(exporter.getFinishedSpans()).to.have.length(0);
    rec.end();
    const [span] = exporter.getFinishedSpans();
    expect(span.name).to.equal('POST api.test');
    expect(span.kind).to.equal(SpanKind.CLIENT);
    expect(span.attributes['http.request.body.content']).to.equal('{"item":"espresso"}');
    expect(span.attributes['http.response.body.content']).to.equal('{"id":7}');
    expect(span.attributes['http.response.status_code']).to.equal(201);
    expect(span.attributes['url.full']).to.equal('http://api.test:8080/orders?page=1');
    expect(span.status.code).to.equal(SpanStatusCode.UNSET);
    expect(rec.inject?.traceparent).to.include(span.spanContext().spanId);
    expect(pipeline.inflight.size).to.equal(0);
  });

  it('records failures with error.type and ERROR status, once', () => {
    const { exporter, pipeline } = setup();
    const rec = pipeline.start(head())!;
    rec.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    rec.end();
    rec.fail(new Error('again'));
    const spans = exporter.getFinishedSpans();
    expect(spans).to.have.length(1);
    expect(spans[0].attributes['error.type']).to.equal('ECONNRESET');
    expect(spans[0].status.code).to.equal(SpanStatusCode.ERROR);
  });

  it('reports calls still in flight as unfinished', () => {
    const { exporter, pipeline } = setup();
    pipeline.start(head({ path: '/slow' }))!;
    expect(pipeline.reportInflight('exit')).to.equal(1);
    const [span] = exporter.getFinishedSpans();
    expect(span.attributes['wiretap.incomplete']).to.equal(true);
    expect(span.attributes['wiretap.elapsed_ms']).to.be.a('number');
    expect(span.status.code).to.equal(SpanStatusCode.ERROR);
  });

  it('never replaces a traceparent the request already carries', () => {
    const { pipeline } = setup();
    const rec = pipeline.start(head({ headers: { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' } }))!;
    expect(rec.inject).to.equal(undefined);
  });

  it('records nothing when tracing is suppressed (the exporter’s own calls)', () => {
    const { pipeline } = setup();
    const rec = context.with(suppressTracing(context.active()), () => pipeline.start(head()));
    expect(rec).to.equal(undefined);
  });

  it('captures no bodies for unsampled spans', () => {
    const { pipeline } = setup({}, [], false);
    const rec = pipeline.start(head())!;
    expect(rec.wantsBodies).to.equal(false);
  });

  it('applies the decoder: name, attributes, a kind learned at the end, and falls back when it throws', () => {
    const producer: Decoder = { name: 'queue', match: (h) => h.host === 'queue.test', decode: () => ({ name: 'Queue.Send', kind: 'producer', attributes: { 'messaging.system': 'test' } }) };
    const broken: Decoder = { name: 'broken', match: (h) => h.host === 'broken.test', decode: () => { throw new Error('bad table'); } };
    const { exporter, pipeline } = setup({}, [producer, broken]);
    const a = pipeline.start(head({ host: 'queue.test' }))!;
    a.response(200, {});
    a.end();
    const b = pipeline.start(head({ host: 'broken.test' }))!;
    b.response(200, {});
    b.end();
    const [sa, sb] = exporter.getFinishedSpans();
    expect(sa.name).to.equal('Queue.Send');
    expect(sa.kind).to.equal(SpanKind.PRODUCER);
    expect(sa.attributes['messaging.system']).to.equal('test');
    expect(sb.name).to.equal('POST broken.test');
    expect(sb.attributes['wiretap.decoder']).to.equal('http');
    expect(String(sb.attributes['wiretap.decoder_error'])).to.include('bad table');
  });

  it('caps what it tracks in flight', () => {
    const { pipeline } = setup({ WIRETAP_MAX_INFLIGHT: '2' });
    expect(pipeline.start(head())).to.not.equal(undefined);
    expect(pipeline.start(head())).to.not.equal(undefined);
    expect(pipeline.start(head())).to.equal(undefined);
    expect(pipeline.droppedInflight).to.equal(1);
  });

  it('honours the capture policy and the cap', () => {
    const { exporter, pipeline } = setup({ WIRETAP_MAX_BODY_BYTES: '8' });
    const rec = pipeline.start(head())!;
    rec.response(200, { 'content-type': 'text/plain' });
    rec.responseChunk(Buffer.from('hello world, and more'));
    rec.end();
    const [span] = exporter.getFinishedSpans();
    expect(span.attributes['http.response.body.content']).to.equal('hello wo');
    expect(span.attributes['http.response.body.size']).to.equal(21);
    expect(span.attributes['wiretap.response.body.truncated']).to.equal(true);

    const off = setup({ WIRETAP_CAPTURE_BODIES: 'off' });
    const r2 = off.pipeline.start(head())!;
    r2.response(200, { 'content-type': 'text/plain' });
    r2.responseChunk(Buffer.from('secret-free text'));
    r2.end();
    expect(off.exporter.getFinishedSpans()[0].attributes).to.not.have.property('http.response.body.content');
  });
});
