import { expect } from 'chai';
import { context, diag, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type DiagLogger, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, type IdGenerator, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { createSpanEncoder } from '../../../src/exporters/encoded';
import { OwnSpan, OwnTracer, partsOf } from '../../../src/spans/own-span';
import { Tracing } from '../../../src/spans/tracing';
import { loadConfig } from '../../../src/config/load';

/** Ids from a counter: the SDK tracer and wiretap's draw the same sequence. */
function counterIds(): IdGenerator {
  let n = 0;
  const hex = (len: number) => (++n).toString(16).padStart(len, '0');
  return { generateTraceId: () => hex(32), generateSpanId: () => hex(16) };
}

type Config = ConstructorParameters<typeof BasicTracerProvider>[0];

/** The same script through the SDK's tracer and through wiretap's own, on one provider configuration each. */
function twin(config: Config, script: (tracer: Tracer) => void): { sdk: ReadableSpan[]; own: ReadableSpan[] } {
  const run = (own: boolean) => {
    const ended: ReadableSpan[] = [];
    const collect: SpanProcessor = { onStart: () => undefined, onEnd: (s) => void ended.push(s), forceFlush: async () => undefined, shutdown: async () => undefined };
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'shop' }), ...config, idGenerator: counterIds(), spanProcessors: [collect] });
    const sdk = provider.getTracer('wiretap', '1.2.3');
    const parts = partsOf(sdk, [collect]);
    expect(parts, 'the SDK tracer keeps its settings where partsOf reads them').to.not.equal(undefined);
    script(own ? new OwnTracer(parts!) : sdk);
    return ended;
  };
  return { sdk: run(false), own: run(true) };
}

/** Everything a processor, an encoder or the console exporter reads from a ReadableSpan. */
function view(s: ReadableSpan) {
  return {
    name: s.name,
    kind: s.kind,
    spanContext: s.spanContext(),
    parentSpanContext: s.parentSpanContext,
    startTime: s.startTime,
    endTime: s.endTime,
    duration: s.duration,
    ended: s.ended,
    status: s.status,
    attributes: s.attributes,
    attributeKeys: Object.keys(s.attributes),
    links: s.links,
    events: s.events,
    droppedAttributesCount: s.droppedAttributesCount,
    droppedEventsCount: s.droppedEventsCount,
    droppedLinksCount: s.droppedLinksCount,
    resource: s.resource.attributes,
    scope: s.instrumentationScope,
  };
}

function expectSame(spans: { sdk: ReadableSpan[]; own: ReadableSpan[] }, count: number): void {
  expect(spans.sdk.length).to.equal(count);
  expect(spans.own.map(view)).to.deep.equal(spans.sdk.map(view));
  for (const s of spans.own) expect(s).to.be.instanceOf(OwnSpan);
  for (const format of ['json', 'protobuf'] as const) {
    const encoder = createSpanEncoder(format)!;
    const ours = encoder.request(spans.own.map((s) => encoder.encode(s)));
    const official = Buffer.from((format === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(spans.sdk)!);
    if (format === 'json') expect(ours.toString('utf8')).to.equal(official.toString('utf8'));
    else expect(ours.equals(official), 'protobuf bytes equal').to.equal(true);
  }
}

const T0 = 1_800_000_000_000.25; // epoch milliseconds, as the pipeline's now() gives them

/** A decoded DynamoDB GetItem as the pipeline records it: three attributes at start, the description at the end. */
function pipelineSpan(tracer: Tracer, i: number): void {
  const span = tracer.startSpan('POST 127.0.0.1', { kind: SpanKind.CLIENT, startTime: T0 + i, attributes: { 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'server.port': 8000 } }, ROOT_CONTEXT);
  span.updateName('DynamoDB.GetItem');
  span.setAttributes({
    'http.request.method': 'POST',
    'server.address': '127.0.0.1',
    'server.port': 8000,
    'url.full': 'http://127.0.0.1:8000/',
    'http.response.status_code': 200,
    'wiretap.time_to_first_byte_ms': 5.756,
    'rpc.system': 'aws-api',
    'aws.request_id': `REQ${i}`,
    'aws.dynamodb.table_names': ['small'],
    'http.request.body.size': 50,
    'http.request.body.content': '{"TableName":"small","Key":{"id":{"S":"user-42"}}}',
  });
  (span as unknown as { kind: SpanKind }).kind = SpanKind.CLIENT; // applyDescription's kind correction
  if (i % 2) span.setStatus({ code: SpanStatusCode.ERROR, message: 'ConditionalCheckFailed' });
  span.end(T0 + i + 5.123456);
}

describe('own span record (wiretap owns the provider)', () => {
  it('a pipeline span: the same ReadableSpan and the same OTLP bytes as the SDK span', () => {
    expectSame(
      twin({}, (t) => {
        for (let i = 0; i < 6; i++) pipelineSpan(t, i);
      }),
      6,
    );
  });

  it('span limits as the SDK applies them: attribute count and length, events, links, per-event and per-link attributes', () => {
    const limits = { attributeCountLimit: 4, attributeValueLengthLimit: 5, eventCountLimit: 2, linkCountLimit: 2, attributePerEventCountLimit: 1, attributePerLinkCountLimit: 1 };
    const link = (n: number) => ({ context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: `b7ad6b716920333${n}`, traceFlags: 1 }, attributes: { a: 'long value', b: 2 } });
    expectSame(
      twin({ spanLimits: limits }, (t) => {
        const s = t.startSpan('limits', { startTime: [1_800_000_000, 1], attributes: { first: 'abcdefgh', list: ['abcdefgh', 'x', null as never] }, links: [link(1), link(2), link(3)] });
        s.setAttributes({ third: 1, fourth: true, fifth: 'dropped', first: 'overwritten in place' });
        for (let e = 0; e < 4; e++) s.addEvent(`event ${e}`, { k: 'value too long', j: 1 }, [1_800_000_000, 10 + e]);
        s.addLink(link(4));
        s.end([1_800_000_001, 0]);
      }),
      1,
    );
  });

  it('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT and OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT from the environment, as the SDK reads them', () => {
    const saved = { ...process.env };
    process.env.OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT = '3';
    process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT = '2';
    try {
      const spans = twin({}, (t) => pipelineSpan(t, 1));
      expectSame(spans, 1);
      expect(Object.keys(spans.own[0]!.attributes)).to.have.length(3);
      expect(spans.own[0]!.attributes['http.request.method']).to.equal('PO');
      expect(spans.own[0]!.droppedAttributesCount).to.be.greaterThan(0);
    } finally {
      for (const k of ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT']) if (saved[k] === undefined) delete process.env[k];
    }
  });

  it('keys an object orders first (array indexes) and __proto__: the same order and bytes as the SDK span', () => {
    expectSame(
      twin({}, (t) => {
        const a = t.startSpan('index keys', { startTime: [1_800_000_000, 1], attributes: { b: 1, '10': 'ten', '2': 'two', '01': 'not an index' } });
        a.setAttributes({ '0': 'zero', b: 2, '4294967295': 'not an index either' });
        a.end([1_800_000_000, 2]);
        const p = t.startSpan('proto', { startTime: [1_800_000_000, 3] });
        p.setAttribute('__proto__', 'ignored by an object');
        p.setAttribute('after', 'kept');
        p.end([1_800_000_000, 4]);
      }),
      2,
    );
  });

  it('invalid attributes, status rules, operations after end and a second end behave as on the SDK span', () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m), debug: () => undefined, info: () => undefined, verbose: () => undefined } as DiagLogger;
    diag.setLogger(logger);
    try {
      const spans = twin({}, (t) => {
        const s = t.startSpan('odd', { startTime: new Date(1_800_000_000_000), attributes: { '': 1, obj: {} as never, mixed: [1, 'a'] as never, nil: null as never, ok: 1 } });
        s.setAttribute('', 'x');
        s.setAttribute('obj', {} as never);
        s.setAttribute('undef', undefined as never);
        s.setStatus({ code: SpanStatusCode.ERROR, message: 42 as never });
        s.setStatus({ code: SpanStatusCode.OK });
        s.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored after OK' });
        s.end(1_800_000_000_500);
        s.setAttribute('late', 1);
        s.updateName('late');
        s.end(1_800_000_000_900);
      });
      expectSame(spans, 1);
      // Each message twice: once for the SDK span, once for ours.
      const count = (re: RegExp) => warnings.filter((w) => re.test(w)).length;
      for (const re of [/Invalid attribute key/, /Invalid attribute value set for key: obj/, /Dropping invalid status.message/, /ended Span/, /only call end\(\) on a span once/]) expect(count(re) % 2, String(re)).to.equal(0);
      expect(count(/only call end\(\) on a span once/)).to.equal(2);
    } finally {
      diag.disable();
    }
  });

  it('events and exceptions: recordException (Error, code, string), addEvent with each time form', () => {
    expectSame(
      twin({}, (t) => {
        const s = t.startSpan('events', { kind: SpanKind.SERVER, startTime: [1_800_000_000, 5] });
        const err = new Error('boom');
        err.stack = 'Error: boom\n    at here';
        s.recordException(err, [1_800_000_000, 6]);
        s.recordException({ code: 'ECONNRESET', message: 'reset' }, 1_800_000_000_007);
        s.recordException('just text', new Date(1_800_000_000_008));
        s.recordException({} as never, [1_800_000_000, 9]);
        s.addEvent('plain', [1_800_000_000, 10]);
        s.addEvent('attrs', { 'exception.type': 'X', n: 1 }, [1_800_000_000, 11]);
        s.end([1_800_000_000, 12]);
      }),
      1,
    );
  });

  it('samplers from OTEL_TRACES_SAMPLER: always_off, parentbased_always_off under a sampled parent, traceidratio', () => {
    const saved = { ...process.env };
    try {
      for (const [sampler, arg] of [['always_off'], ['parentbased_always_off'], ['traceidratio', '0.5'], ['parentbased_traceidratio', '0.25']] as const) {
        process.env.OTEL_TRACES_SAMPLER = sampler;
        if (arg) process.env.OTEL_TRACES_SAMPLER_ARG = arg;
        const decisions: { own: string[]; sdk: string[] } = { own: [], sdk: [] };
        let which: 'own' | 'sdk' = 'sdk';
        const spans = twin({}, (t) => {
          const parent = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true }));
          for (let i = 0; i < 40; i++) {
            // Ratio sampling looks at the trace id: random ones, the same for both tracers.
            const traceId = (0x9e3779b9 * (i + 1)).toString(16).padStart(32, '7').slice(-32);
            const ctx = i % 3 === 0 ? parent : trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.NONE }));
            const s = t.startSpan(`s${i}`, { startTime: [1_800_000_000, i] }, i % 5 === 4 ? ROOT_CONTEXT : ctx);
            decisions[which].push(`${s.isRecording()} ${s.spanContext().traceFlags} ${s.spanContext().traceId}`);
            s.end([1_800_000_000, i + 1]);
          }
          which = 'own';
        });
        expect(decisions.own, sampler).to.deep.equal(decisions.sdk);
        if (spans.sdk.length) expectSame(spans, spans.sdk.length);
        else expect(spans.own).to.have.length(0);
        delete process.env.OTEL_TRACES_SAMPLER_ARG;
      }
    } finally {
      for (const k of ['OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG']) if (saved[k] === undefined) delete process.env[k];
    }
  });

  it('nests through trace.setSpan and the active context (startActiveSpan too); suppressed tracing gives a non-recording span', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const spans = twin({}, (t) => {
        const parent = t.startSpan('parent', { startTime: [1_800_000_000, 0] });
        const child = t.startSpan('child', { startTime: [1_800_000_000, 1] }, trace.setSpan(ROOT_CONTEXT, parent));
        t.startActiveSpan('active', { startTime: [1_800_000_000, 2] }, trace.setSpan(ROOT_CONTEXT, child), (active: Span) => {
          expect(trace.getActiveSpan()).to.equal(active);
          const inner = t.startSpan('inner', { startTime: [1_800_000_000, 3] }); // the active context's span is the parent
          inner.end([1_800_000_000, 4]);
          active.end([1_800_000_000, 5]);
        });
        const root = t.startSpan('root', { root: true, startTime: [1_800_000_000, 6] }, trace.setSpan(ROOT_CONTEXT, parent));
        root.end([1_800_000_000, 7]);
        const suppressed = t.startSpan('suppressed', {}, ROOT_CONTEXT.setValue(Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING'), true));
        expect(suppressed.isRecording()).to.equal(false);
        expect(trace.isSpanContextValid(suppressed.spanContext())).to.equal(false);
        suppressed.end();
        child.end([1_800_000_000, 8]);
        parent.end([1_800_000_000, 9]);
      });
      expectSame(spans, 5);
      const byName = new Map(spans.own.map((s) => [s.name, s]));
      expect(byName.get('inner')!.parentSpanContext!.spanId).to.equal(byName.get('active')!.spanContext().spanId);
      expect(byName.get('root')!.parentSpanContext).to.equal(undefined);
    } finally {
      context.disable();
    }
  });

  it('isRecording until end; times without an end time come from the clock like the SDK span', () => {
    const spans = twin({}, (t) => {
      const s = t.startSpan('clock');
      expect(s.isRecording()).to.equal(true);
      s.end();
      expect(s.isRecording()).to.equal(false);
      const given = t.startSpan('given start', { startTime: Date.now() - 5 });
      given.end();
    });
    for (const list of [spans.own, spans.sdk]) {
      const [clock, given] = list;
      const ms = (h: readonly [number, number]) => h[0] * 1e3 + h[1] / 1e6;
      expect(Math.abs(ms(clock!.startTime) - Date.now())).to.be.lessThan(5_000);
      expect(clock!.duration[0]).to.equal(0);
      expect(ms(given!.duration)).to.be.within(4, 5_000);
    }
  });

  it('Tracing: wiretap\'s own provider hands out the lean tracer, on the SDK provider\'s resource and processors', () => {
    const tracing = new Tracing(loadConfig({ OTEL_TRACES_EXPORTER: 'none' }), { OTEL_TRACES_EXPORTER: 'none' });
    const tracer = tracing.tracer();
    expect(tracer).to.be.instanceOf(OwnTracer);
    const span = tracer.startSpan('x', {}, ROOT_CONTEXT) as OwnSpan;
    expect(span).to.be.instanceOf(OwnSpan);
    expect(span.instrumentationScope.name).to.equal('wiretap');
    expect(span.resource.attributes['telemetry.sdk.name']).to.equal('opentelemetry');
    span.end();
  });
});
