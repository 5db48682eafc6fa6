import { expect } from 'chai';
import * as http from 'node:http';
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OtlpSpanExporter } from '../../../src/exporters/otlp';
import { flattenRequest } from '../../../src/cli/otlp-json';

function spans(n: number): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const collect: SpanProcessor = { onStart: () => undefined, onEnd: (s) => void ended.push(s), forceFlush: async () => undefined, shutdown: async () => undefined };
  const tracer = new BasicTracerProvider({ spanProcessors: [collect] }).getTracer('wiretap');
  for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`).end();
  return ended;
}

const send = (exporter: OtlpSpanExporter, list: ReadableSpan[]) =>
  new Promise<ExportResult>((resolve) => exporter.sendEncoded(exporter.encoder!.request(list.map((s) => exporter.encoder!.encode(s))), resolve));

describe('OtlpSpanExporter (own bounded sender)', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));

  async function receiver(status: number) {
    const got: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(status).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => {
      server.closeAllConnections();
      server.close();
    });
    return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, got };
  }

  it('posts one gzip-compressed JSON request with the configured headers; the body reads back as the spans', async () => {
    const r = await receiver(200);
    const exporter = new OtlpSpanExporter('http/json', { OTEL_EXPORTER_OTLP_ENDPOINT: r.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-team=blue', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    closers.push(() => void exporter.shutdown());
    const result = await send(exporter, spans(3));
    expect(result.code).to.equal(ExportResultCode.SUCCESS);
    expect(r.got).to.have.length(1);
    expect(r.got[0].headers['x-team']).to.equal('blue');
    expect(r.got[0].headers['content-encoding']).to.equal('gzip');
    const body = JSON.parse(zlib.gunzipSync(r.got[0].body).toString('utf8'));
    expect(flattenRequest(body).map((s) => s.name)).to.deep.equal(['s0', 's1', 's2']);
  });

  it('a collector answering 500 fails the export (no retry)', async () => {
    const r = await receiver(500);
    const exporter = new OtlpSpanExporter('http/protobuf', { OTEL_EXPORTER_OTLP_ENDPOINT: r.url });
    closers.push(() => void exporter.shutdown());
    const result = await send(exporter, spans(2));
    expect(result.code).to.equal(ExportResultCode.FAILED);
    expect(result.error?.message).to.include('500');
    expect(r.got).to.have.length(1);
  });

  it('which refusals may be sent again (OTLP/HTTP: 429, 502, 503, 504), for a retry store', async () => {
    const retryable: Record<number, boolean> = {};
    for (const status of [400, 429, 500, 503]) {
      const r = await receiver(status);
      const exporter = new OtlpSpanExporter('http/protobuf', { OTEL_EXPORTER_OTLP_ENDPOINT: r.url });
      closers.push(() => void exporter.shutdown());
      const result = await send(exporter, spans(1));
      expect(result.code).to.equal(ExportResultCode.FAILED);
      retryable[status] = (result.error as { retryable?: boolean }).retryable!;
    }
    expect(retryable).to.deep.equal({ 400: false, 429: true, 500: false, 503: true });
  });

  it('a collector that never answers: the export times out, and its socket never keeps the loop alive', async () => {
    const server = net.createServer((s) => {
      s.unref(); // the test's own side must not hold the loop either
      s.on('data', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    server.unref();
    closers.push(() => server.close());
    const exporter = new OtlpSpanExporter('http/protobuf', { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, OTEL_EXPORTER_OTLP_TIMEOUT: '300' });
    closers.push(() => void exporter.shutdown());
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = sockets();
    const pending = send(exporter, spans(2));
    await new Promise((r) => setTimeout(r, 100)); // connected, request sent, no answer
    expect(sockets(), 'referenced sockets while the export waits').to.equal(before);
    const result = await pending;
    expect(result.code).to.equal(ExportResultCode.FAILED);
    expect(result.error?.message).to.include('no answer');
  });
});
