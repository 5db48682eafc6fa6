// The planted-secret corpus through the real export path: description → SDK span → OTLP JSON and
// protobuf bytes. What a collector would receive must hold the markers and none of the secrets.
import * as path from 'node:path';
import { expect } from 'chai';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { applyDescription } from '../../../src/spans/pipeline';
import { decodeFixture, listFixtureFiles, loadFixture } from '../../../src/testing';

const corpus = path.resolve(__dirname, '../../../../fixtures/secrets');

describe('redaction: planted-secret corpus through OTLP export', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('wiretap-test');
  const files = listFixtureFiles(corpus);

  after(() => provider.shutdown());

  it('has a corpus of at least 80 cases', () => {
    expect(files.length).to.be.at.least(80);
  });

  for (const file of files) {
    const rel = path.relative(corpus, file);
    it(rel, () => {
      const fixture = loadFixture(file);
      const planted = fixture.expect?.notContains ?? [];
      const markers = fixture.expect?.contains ?? [];
      expect(markers.length, 'every case carries a marker').to.be.greaterThan(0);

      exporter.reset();
      const span = tracer.startSpan('pending');
      applyDescription(span, decodeFixture(fixture));
      span.end();
      const spans = exporter.getFinishedSpans();
      expect(spans).to.have.length(1);

      const json = Buffer.from(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
      const proto = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
      expect(json.length).to.be.greaterThan(0);
      expect(proto.length).to.be.greaterThan(0);
      // Protobuf strings are raw UTF-8, so a byte search finds them; JSON may escape `/` and `"`.
      const jsonText = JSON.stringify(JSON.parse(json.toString('utf8')));
      for (const secret of planted) {
        expect(proto.includes(Buffer.from(secret)), `protobuf leaks ${secret}`).to.equal(false);
        expect(jsonText.includes(JSON.stringify(secret).slice(1, -1)), `JSON leaks ${secret}`).to.equal(false);
        expect(json.includes(Buffer.from(secret)), `JSON bytes leak ${secret}`).to.equal(false);
      }
      for (const marker of markers) {
        expect(proto.includes(Buffer.from(marker)), `protobuf lost marker ${marker}`).to.equal(true);
        expect(jsonText.includes(JSON.stringify(marker).slice(1, -1)), `JSON lost marker ${marker}`).to.equal(true);
      }
    });
  }
});
