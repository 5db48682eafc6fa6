import { expect } from 'chai';
import { logsFromText, logsByTransaction, logContainsText, type LogLine } from '../../../../src/views/model/logs';
import { buildTransactions } from '../../../../src/views/model/transactions';
import { renderWaterfall } from '../../../../src/cli/view';
import { span, spanId, traceId, T0 } from './spans';

function logLine(records: { trace?: string; span?: string; at: number; body: string; severity?: [number, string]; attrs?: object[] }[]): string {
  return JSON.stringify({
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeLogs: [{
        scope: { name: 'console' },
        logRecords: records.map((r) => ({
          timeUnixNano: `${(T0 + r.at) * 1e6}`,
          severityNumber: r.severity?.[0],
          severityText: r.severity?.[1],
          body: { stringValue: r.body },
          attributes: r.attrs ?? [],
          traceId: r.trace ? traceId(r.trace) : '',
          spanId: r.span ? spanId(r.span) : '',
        })),
      }],
    }],
  });
}

const srv = span({ id: 'srv', kind: 2, start: 0, end: 1000, name: 'POST /checkout', service: 'checkout' });
const pay = span({ id: 'pay', parent: 'srv', start: 100, end: 900, name: 'Stripe PaymentIntents.create', incomplete: true });

describe('views: log lines', () => {
  const text = [
    'START RequestId: 1 Version: $LATEST', // a foreign line, skipped
    logLine([
      { trace: 't1', span: 'srv', at: 50, body: 'checkout started for user-4711', severity: [9, 'INFO'] },
      { trace: 't1', span: 'srv', at: 120, body: 'calling stripe', severity: [9, 'INFO'], attrs: [{ key: 'order', value: { stringValue: 'ord-99' } }] },
      { trace: 't1', span: 'other', at: 800, body: 'retrying payment', severity: [13, 'WARN'] },
      { trace: 't2', span: 'x', at: 10, body: 'another transaction' },
      { at: 5, body: 'no trace at all' },
    ]),
    `2026-12-01T10:00:00Z\t${logLine([{ trace: 't1', span: 'srv', at: 990, body: 'prefixed line' }])}`,
  ].join('\n');

  it('reads resourceLogs lines with their ids, times, severities and attributes; skips other lines', () => {
    const logs = logsFromText(text);
    expect(logs.map((l) => l.body)).to.deep.equal(['checkout started for user-4711', 'calling stripe', 'retrying payment', 'another transaction', 'no trace at all', 'prefixed line']);
    const first = logs[0]!;
    expect([first.traceId, first.spanId, first.timeMs, first.severityText, first.service, first.scope]).to.deep.equal([traceId('t1'), spanId('srv'), T0 + 50, 'INFO', 'checkout', 'console']);
    expect(logs[1]!.attributes).to.deep.equal({ order: 'ord-99' });
    expect(logs[4]!.traceId).to.equal(undefined);
  });

  it('ties lines to the transaction of their trace, and finds a transaction by a logged value', () => {
    const transactions = buildTransactions([srv, pay]);
    const byTx = logsByTransaction(transactions, logsFromText(text));
    const lines = byTx.get(transactions[0]!.id)!;
    expect(lines.map((l: LogLine) => l.body)).to.deep.equal(['checkout started for user-4711', 'calling stripe', 'retrying payment', 'prefixed line']);
    expect(lines.some((l) => logContainsText(l, 'USER-4711'))).to.equal(true);
    expect(lines.some((l) => logContainsText(l, 'ord-99'))).to.equal(true);
    expect(lines.some((l) => logContainsText(l, 'nowhere'))).to.equal(false);
  });

  it('interleaves the lines with the waterfall under their span, and shows the last lines beside an unfinished call', () => {
    const [t] = buildTransactions([srv, pay]);
    const logs = logsByTransaction([t!], logsFromText(text)).get(t!.id);
    const out = renderWaterfall(t!, { width: 100, color: false, logs }).split('\n');
    const row = (needle: string) => out.findIndex((l) => l.includes(needle));
    expect(row('POST /checkout')).to.be.lessThan(row('checkout started')).and.lessThan(row('calling stripe'));
    expect(row('calling stripe')).to.be.lessThan(row('Stripe PaymentIntents.create'));
    expect(out[row('calling stripe')]).to.match(/┆ +120(\.0)? ?ms INFO {2}calling stripe/);
    const cut = row('before it was cut off');
    expect(cut).to.be.greaterThan(row('Stripe PaymentIntents.create'));
    // the three last lines written before the call was last seen (900 ms)
    expect(out.slice(cut + 1, cut + 4).map((l) => l.trim().replace(/^┆ +\S+ ?ms +\S+ +/, ''))).to.deep.equal(['checkout started for user-4711', 'calling stripe', 'retrying payment']);
    // a line whose span is not in the transaction is listed after the waterfall
    expect(row('outside its spans')).to.be.greaterThan(cut);
    expect(renderWaterfall(t!, { width: 100, color: false })).to.not.include('┆');
  });
});

describe('views: the Lambda runtime\'s own log lines', () => {
  const requestId = '8f5e2a1c-1b2d-4c3e-9f4a-5b6c7d8e9f01';
  const invocation = span({ id: 'inv', kind: 2, start: 0, end: 500, name: 'orders-fn', attributes: { 'faas.invocation_id': requestId, 'faas.trigger': 'http' } });
  const text = [
    `2026-12-01T10:00:00.100Z\t${requestId}\tINFO\tloading order ord-7\rsecond line`,
    JSON.stringify({ timestamp: '2026-12-01T10:00:00.200Z', level: 'WARN', requestId, message: 'slow table', table: 'orders' }),
    `2026-12-01T10:00:00.300Z\tnot-a-request-id\tINFO\tignored`,
    'END RequestId: ' + requestId,
  ].join('\n');

  it('reads the text and JSON formats with their request ids, levels and multi-line messages', () => {
    const logs = logsFromText(text);
    expect(logs.map((l) => [l.requestId, l.severityText, l.body])).to.deep.equal([
      [requestId, 'INFO', 'loading order ord-7\nsecond line'],
      [requestId, 'WARN', 'slow table'],
    ]);
    expect(logs[1]!.attributes).to.deep.equal({ table: 'orders' });
    expect(logs[0]!.timeMs).to.equal(Date.parse('2026-12-01T10:00:00.100Z'));
  });

  it('ties them to the invocation span by faas.invocation_id', () => {
    const transactions = buildTransactions([invocation]);
    const lines = logsByTransaction(transactions, logsFromText(text)).get(transactions[0]!.id)!;
    expect(lines.map((l) => [l.spanId, l.traceId])).to.deep.equal([
      [spanId('inv'), traceId('t1')],
      [spanId('inv'), traceId('t1')],
    ]);
  });
});
