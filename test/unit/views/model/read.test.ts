import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { readSpans, readSpansSync, spansFromLine, spansFromText } from '../../../../src/views/model/read';

function otlpLine(spans: object[], service = 'svc'): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'wiretap' }, spans }] }] });
}
function rawSpan(id: string, extra: Record<string, unknown> = {}, attributes: object[] = []): object {
  return { traceId: 'a'.repeat(32), spanId: id, name: `span ${id}`, kind: 3, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000250000000', attributes, status: {}, links: [], events: [], ...extra };
}
const incomplete = [{ key: 'wiretap.incomplete', value: { boolValue: true } }, { key: 'wiretap.elapsed_ms', value: { intValue: '90' } }];

describe('views/model/read', () => {
  it('decodes a span: ms times, attributes, service, kind, status', () => {
    const [s] = spansFromLine(otlpLine([rawSpan('1111111111111111', { status: { code: 2, message: 'boom' } }, [{ key: 'n', value: { intValue: '7' } }, { key: 'l', value: { arrayValue: { values: [{ stringValue: 'x' }] } } }])]));
    expect(s.startMs).to.equal(1_700_000_000_000);
    expect(s.durationMs).to.equal(250);
    expect(s.attributes).to.deep.equal({ n: 7, l: ['x'] });
    expect(s.service).to.equal('svc');
    expect(s.kindName).to.equal('client');
    expect(s.error).to.equal(true);
    expect(s.status).to.deep.equal({ code: 2, message: 'boom' });
  });

  it('skips other signals, non-JSON lines, and tolerates a prefix before the first brace', () => {
    const text = [
      '2026-01-01T00:00:00.000Z\t3f1c-request-id\tINFO\t' + otlpLine([rawSpan('1111111111111111')]),
      JSON.stringify({ resourceMetrics: [] }),
      JSON.stringify({ resourceLogs: [] }),
      'START RequestId: 3f1c Version: $LATEST',
      '{"resourceSpans": [ broken',
      '',
    ].join('\n');
    const spans = spansFromText(text);
    expect(spans.map((s) => s.spanId)).to.deep.equal(['1111111111111111']);
  });

  it('keeps the complete record of a span over its in-flight partial, in either order', () => {
    const partial = otlpLine([rawSpan('2222222222222222', { endTimeUnixNano: '1700000000090000000' }, incomplete)]);
    const done = otlpLine([rawSpan('2222222222222222')]);
    for (const text of [`${partial}\n${done}`, `${done}\n${partial}`]) {
      const spans = spansFromText(text);
      expect(spans).to.have.length(1);
      expect(spans[0].incomplete).to.equal(false);
      expect(spans[0].durationMs).to.equal(250);
    }
  });

  it('keeps the latest of two partial records', () => {
    const first = otlpLine([rawSpan('3333333333333333', { endTimeUnixNano: '1700000000050000000' }, incomplete)]);
    const second = otlpLine([rawSpan('3333333333333333', { endTimeUnixNano: '1700000000090000000' }, incomplete)]);
    const [s] = spansFromText(`${first}\n${second}`);
    expect(s.incomplete).to.equal(true);
    expect(s.durationMs).to.equal(90);
  });

  it('streams several files (several processes) into one deduplicated, start-ordered list', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-read-'));
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    fs.writeFileSync(a, otlpLine([rawSpan('4444444444444444', { startTimeUnixNano: '1700000000100000000' })], 'api') + '\n');
    fs.writeFileSync(b, otlpLine([rawSpan('5555555555555555'), rawSpan('4444444444444444', { startTimeUnixNano: '1700000000100000000' })], 'worker') + '\n');
    const spans = await readSpans([a, b]);
    expect(spans.map((s) => s.spanId)).to.deep.equal(['5555555555555555', '4444444444444444']);
    expect(spans[0].source).to.deep.equal({ file: b, line: 1 });
    expect(readSpansSync([a, b]).map((s) => s.spanId)).to.deep.equal(spans.map((s) => s.spanId));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
