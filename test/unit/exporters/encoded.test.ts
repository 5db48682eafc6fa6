import { expect } from 'chai';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { createSpanEncoder } from '../../../src/exporters/encoded';
import { flattenRequest } from '../../../src/cli/otlp-json';

function spans(): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = { onStart: () => undefined, onEnd: (s) => void ended.push(s), forceFlush: async () => undefined, shutdown: async () => undefined };
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'shop', 'process.command_args': ['node', 'app.js'] }), spanProcessors: [collect] });
  const a = provider.getTracer('wiretap', '1.2.3');
  const b = provider.getTracer('@opentelemetry/instrumentation-http', '0.1.0');
  for (let i = 0; i < 3; i++) {
    const s = a.startSpan(`GET /${i}`, { kind: SpanKind.CLIENT, startTime: [1_800_000_000, i * 1000], attributes: { 'http.request.method': 'GET', 'server.port': 443 + i, ok: i % 2 === 0, ratio: 0.5, list: ['x', 'y'], 'http.response.body.content': `{"n":${i},"text":"é ✓ \\" quote"}` } });
    s.addLink({ context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 } });
    if (i === 1) s.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    s.end([1_800_000_001, i]);
  }
  const server = b.startSpan('GET', { kind: SpanKind.SERVER, startTime: [1_800_000_000, 5] });
  server.addEvent('e', { k: 'v' }, [1_800_000_000, 6]);
  server.end([1_800_000_000, 7]);
  return ended;
}

describe('encoded spans (encoded once at span end)', () => {
  for (const format of ['json', 'protobuf'] as const) {
    const serializer = format === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;

    it(`${format}: a batch of one resource and scope is byte for byte the official serializer's request`, () => {
      const encoder = createSpanEncoder(format)!;
      expect(encoder, 'encoder available').to.not.equal(undefined);
      const list = spans().filter((s) => s.instrumentationScope.name === 'wiretap');
      const ours = encoder.request(list.map((s) => encoder.encode(s)));
      expect(Buffer.from(ours).equals(Buffer.from(serializer.serializeRequest(list)!))).to.equal(true);
    });
  }

  // The JSON writer remembers attribute texts per key and value: repeated values (remembered), values that
  // vary on every span (no longer remembered), and values JSON writes in unusual ways must all come out as
  // the serializer writes them.
  for (const format of ['json', 'protobuf'] as const) {
    it(`${format}: many spans with repeated, varying and unusual attribute values are byte for byte the official request`, () => {
      const ended: ReadableSpan[] = [];
      const collect: SpanProcessor = { onStart: () => undefined, onEnd: (s) => void ended.push(s), forceFlush: async () => undefined, shutdown: async () => undefined };
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'shop' }), spanProcessors: [collect] });
      const tracer = provider.getTracer('wiretap', '1.2.3');
      const odd: unknown[] = [0, -0, -1, 1.5, -2.25, 1e21, 2 ** 53 + 2, Number.MAX_VALUE, 5e-324, true, false, '', 'é ✓', '\ud800 lone', '"\\\n\u0001', 'x'.repeat(300), 'y'.repeat(200), ['a', 'b'], [1, 2.5], [true], [],
        // Arrays as the SDK keeps them (nulls inside, odd numbers and strings), and strings of every UTF-8 width,
        // lone surrogates, short and long (the writers take shortcuts by length and for ASCII), and a huge one.
        ['a', null, 'b'], [-0, Number.NaN, 1e21, -1.5], ['é ✓', '\ud800', '"q"\\', ''], ['x'.repeat(300)],
        '\u0080\u07ff\u0800\uffff', '😀'.repeat(50), 'é'.repeat(100), `${'a'.repeat(200)}é`, `${'\udc00'.repeat(70)}x`, `a\ud83d`, `${'b'.repeat(90)}\ud83d`, 'z'.repeat(70_000),
        'q'.repeat(31), 'q'.repeat(32), 'é'.repeat(31), `${'q'.repeat(30)}é`, 'q'.repeat(127), 'q'.repeat(128), 'é'.repeat(64)];
      const parent = tracer.startSpan('parent', { startTime: [1_800_000_000, 0] });
      const parentCtx = trace.setSpan(ROOT_CONTEXT, parent);
      for (let i = 0; i < 150; i++) {
        const attributes: Record<string, unknown> = { 'http.request.method': 'GET', 'server.port': 443, 'aws.request_id': `REQ-${i}`, 'wiretap.elapsed_ms': i / 7, odd: odd[i % odd.length], 'odd.again': odd[(i * 5 + 3) % odd.length], [`k${i % 5}`]: i % 3 === 0 ? 'same' : i, '1': 'integer-like key first' };
        const s = tracer.startSpan(`GET /${i}`, { kind: i % 4, startTime: [1_800_000_000 + i, i * 12_345], attributes: attributes as never }, i % 2 ? parentCtx : undefined);
        if (i % 9 === 0) s.setStatus({ code: SpanStatusCode.ERROR, message: `boom ${i}` });
        if (i % 11 === 0) s.setStatus({ code: SpanStatusCode.OK });
        s.end([1_800_000_000 + i, 999_999_999]);
      }
      const encoder = createSpanEncoder(format)!;
      const ours = encoder.request(ended.map((s) => encoder.encode(s)));
      const official = Buffer.from((format === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(ended)!);
      if (format === 'json') expect(ours.toString('utf8')).to.equal(official.toString('utf8'));
      else expect(ours.equals(official), 'protobuf bytes equal').to.equal(true);
    });
  }

  // Spans' bytes share slabs: spans that fill several of them, and one too large for a slab (a Buffer of its
  // own), all keep their own bytes until the batch is written.
  for (const format of ['json', 'protobuf'] as const) {
    it(`${format}: spans over several slabs and one larger than a slab are byte for byte the official request`, () => {
      const ended: ReadableSpan[] = [];
      const collect: SpanProcessor = { onStart: () => undefined, onEnd: (s) => void ended.push(s), forceFlush: async () => undefined, shutdown: async () => undefined };
      const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'shop' }), spanProcessors: [collect] });
      const tracer = provider.getTracer('wiretap', '1.2.3');
      const encoder = createSpanEncoder(format)!;
      const encoded = [];
      for (let i = 0; i < 300; i++) {
        const body = i === 150 ? 'é'.repeat(40_000) : `{"n":${i},"text":"${'x'.repeat(i * 7)} é ✓"}`;
        const s = tracer.startSpan(`GET /${i}`, { startTime: [1_800_000_000 + i, i], attributes: { 'http.response.body.content': body, 'aws.request_id': `REQ-${i}` } });
        s.end([1_800_000_000 + i, i + 1]);
        encoded.push(encoder.encode(ended[ended.length - 1]!));
      }
      const official = Buffer.from((format === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(ended)!);
      expect(encoder.request(encoded).equals(official)).to.equal(true);
    });
  }

  it('json: several scopes in one batch read back as the same spans as the official request', () => {
    const encoder = createSpanEncoder('json')!;
    const list = spans();
    const ours = JSON.parse(encoder.request(list.map((s) => encoder.encode(s))).toString('utf8'));
    const official = JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(list)!).toString('utf8'));
    const key = (s: { spanId: string }) => s.spanId;
    expect(flattenRequest(ours).sort((x, y) => key(x).localeCompare(key(y)))).to.deep.equal(flattenRequest(official).sort((x, y) => key(x).localeCompare(key(y))));
  });

  it('protobuf: several scopes in one batch hold every span once, under its scope', () => {
    const encoder = createSpanEncoder('protobuf')!;
    const list = spans();
    const ours = encoder.request(list.map((s) => encoder.encode(s)));
    // Per group, the request is the official one for that group's spans: compare group by group.
    const wiretap = list.filter((s) => s.instrumentationScope.name === 'wiretap');
    const http = list.filter((s) => s.instrumentationScope.name !== 'wiretap');
    const expected = Buffer.concat([ProtobufTraceSerializer.serializeRequest(wiretap)!, ProtobufTraceSerializer.serializeRequest(http)!]);
    expect(ours.equals(expected)).to.equal(true);
  });
});
