import { expect } from 'chai';
import { parseLine, severityOf, otlpLogsUrl } from '../../../src/logs/export';
import { createRedactor } from '../../../src/redaction/redact';
import type { RawLogRecord } from '../../../src/logs/capture';

const redactor = createRedactor({ keys: [], headers: [], paths: [], disableDefaults: [] });
const raw = (text: string, over: Partial<RawLogRecord> = {}): RawLogRecord => ({ time: 1, text, source: 'stdout', truncated: false, ...over });

describe('logs: records from lines', () => {
  it('maps pino/bunyan numbers and winston/syslog names to OpenTelemetry severities', () => {
    expect([10, 20, 30, 40, 50, 60].map((n) => severityOf(n)?.[0])).to.deep.equal([1, 5, 9, 13, 17, 21]);
    expect(['silly', 'debug', 'verbose', 'info', 'http', 'warn', 'error', 'crit'].map((n) => severityOf(n)?.[0])).to.deep.equal([1, 5, 5, 9, 10, 13, 17, 21]);
    expect(severityOf('loud')).to.equal(undefined);
    expect(severityOf(5)).to.equal(undefined);
  });

  it('keeps a JSON line\'s message as the body, its fields as attributes, its ids and level', () => {
    const line = parseLine(raw('{"level":40,"time":1,"pid":2,"hostname":"h","name":"orders","msg":"slow","table":"orders","n":3,"ok":true,"nested":{"a":1},"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331","trace_flags":"01"}'), redactor);
    expect(line.body).to.equal('slow');
    expect(line.severity).to.deep.equal([13, 'WARN']);
    expect(line.loggerName).to.equal('orders');
    expect([line.traceId, line.spanId, line.traceFlags]).to.deep.equal(['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 1]);
    expect(line.attributes).to.deep.equal({ 'log.iostream': 'stdout', table: 'orders', n: 3, ok: true, nested: '{"a":1}' });
  });

  it('masks sensitive keys in JSON lines and detector matches in plain text', () => {
    const json = parseLine(raw('{"msg":"login","password":"hunter2","user":"u-1"}'), redactor);
    expect(json.attributes.password).to.equal('[REDACTED]');
    expect(json.attributes.user).to.equal('u-1');
    const text = parseLine(raw('paid with 4111111111111111 using Bearer abcdefghijklmnopqrstuvwxyz012345', { source: 'stderr' }), redactor);
    expect(text.body).to.not.include('4111111111111111').and.not.include('abcdefghijklmnopqrstuvwxyz012345');
    expect(text.attributes['log.iostream']).to.equal('stderr');
  });

  it('redacts a JSON line cut by the cap as a truncated body: a secret cut mid-value stays masked', () => {
    const line = parseLine(raw('{"msg":"x","password":"hunter2-and-mo', { truncated: true }), redactor);
    expect(line.body).to.not.include('hunter2');
    expect(line.attributes['wiretap.log.truncated']).to.equal(true);
  });

  it('ignores ids that are not W3C ids', () => {
    const line = parseLine(raw('{"msg":"x","trace_id":"nope","span_id":"b7ad6b7169203331"}'), redactor);
    expect(line.traceId).to.equal(undefined);
  });

  it('builds the logs endpoint from the standard variables', () => {
    expect(otlpLogsUrl({})).to.equal('http://localhost:4318/v1/logs');
    expect(otlpLogsUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).to.equal('http://c:4318/v1/logs');
    expect(otlpLogsUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://l/x' })).to.equal('http://l/x');
  });
});

describe('logs: the Lambda runtime\'s own formats', () => {
  it('reads the text format: body, level, request id', () => {
    const line = parseLine(raw('2026-12-01T10:00:00.100Z\t8f5e2a1c-1b2d-4c3e-9f4a-5b6c7d8e9f01\tWARN\tslow table\rsecond line'), redactor);
    expect(line.body).to.equal('slow table\nsecond line');
    expect(line.severity).to.deep.equal([13, 'WARN']);
    expect(line.attributes['faas.invocation_id']).to.equal('8f5e2a1c-1b2d-4c3e-9f4a-5b6c7d8e9f01');
  });
  it('reads the JSON format (AWS_LAMBDA_LOG_FORMAT=JSON)', () => {
    const line = parseLine(raw('{"timestamp":"2026-12-01T10:00:00.100Z","level":"ERROR","requestId":"8f5e2a1c-1b2d-4c3e-9f4a-5b6c7d8e9f01","message":"boom"}'), redactor);
    expect([line.body, line.severity?.[1], line.attributes['faas.invocation_id']]).to.deep.equal(['boom', 'ERROR', '8f5e2a1c-1b2d-4c3e-9f4a-5b6c7d8e9f01']);
  });
});
