import { expect } from 'chai';
import fc from 'fast-check';
import { compareStats, computeStats, evaluateGate, GateSyntaxError, parseDuration, parseGate, percentile, percentiles } from '../../../../src/views/model/stats';
import { span } from './spans';

/** The oracle: nearest rank over a sorted copy. */
function oracle(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

describe('views/model/stats', () => {
  it('percentiles are exact: equal to a sorted-array oracle over random inputs', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 500 }), fc.double({ min: 0, max: 100, noNaN: true }), (values, p) => {
        const input = [...values];
        expect(percentile(values, p)).to.equal(oracle(values, p));
        expect(values, 'input untouched').to.deep.equal(input);
      }),
      { numRuns: 500 },
    );
  });

  it('several percentiles at once agree with the oracle, with many duplicates', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 300 }), (values) => {
        expect(percentiles(values, [50, 95, 99, 100])).to.deep.equal([50, 95, 99, 100].map((p) => oracle(values, p)));
      }),
      { numRuns: 300 },
    );
  });

  it('nearest rank on small inputs, NaN on none', () => {
    expect(percentile([1, 2, 3, 4], 50)).to.equal(2);
    expect(percentile([1, 2, 3, 4], 51)).to.equal(3);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile([], 50)).to.be.NaN;
  });

  const spans = [
    span({ id: 'srv', kind: 2, start: 0, end: 1000 }),
    ...Array.from({ length: 20 }, (_, i) =>
      span({ id: `g${i}`, parent: 'srv', start: i, end: i + 1 + i, name: 'DynamoDB.GetItem', error: i === 19, attributes: { 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'db.collection.name': i % 2 ? 'orders' : 'users', 'wiretap.aws.invocation_id': `inv-${i}` } }),
    ),
    span({ id: 'retry', parent: 'srv', start: 50, end: 60, name: 'DynamoDB.GetItem', attributes: { 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'db.collection.name': 'orders', 'wiretap.aws.attempts': 2, 'wiretap.aws.invocation_id': 'inv-3' } }),
    span({ id: 'pay', parent: 'srv', start: 70, end: 170, name: 'Stripe PaymentIntents.create', attributes: { 'rpc.service': 'stripe', 'rpc.method': 'PaymentIntents.create' } }),
  ];

  it('one row per calling service × peer × operation, SERVER spans left out', () => {
    const rows = computeStats(spans);
    expect(rows.map((r) => [r.key, r.count, r.errors, r.retried])).to.deep.equal([
      ['DynamoDB.GetItem', 21, 1, 1],
      ['Stripe.PaymentIntents.create', 1, 0, 0],
    ]);
    const get = rows[0];
    const durations = spans.filter((s) => s.name === 'DynamoDB.GetItem').map((s) => s.durationMs);
    expect([get.p50, get.p95, get.p99, get.max]).to.deep.equal([oracle(durations, 50), oracle(durations, 95), oracle(durations, 99), Math.max(...durations)]);
    expect(get.totalMs).to.equal(durations.reduce((a, b) => a + b, 0));
    expect(get.errorRate).to.equal(1 / 21);
  });

  it('--by table splits rows by table', () => {
    const rows = computeStats(spans, { by: 'table' }).filter((r) => r.peer === 'DynamoDB');
    expect(rows.map((r) => [r.resource, r.count]).sort()).to.deep.equal([['orders', 11], ['users', 10]]);
  });

  it('baseline deltas match rows by identity and list rows that are gone', () => {
    const now = computeStats(spans.filter((s) => s.name !== 'Stripe PaymentIntents.create'));
    const before = computeStats(spans.filter((s) => s.spanId !== spans[1].spanId));
    const { deltas, gone } = compareStats(now, before);
    expect(deltas.map((d) => [d.row.key, d.countDelta])).to.deep.equal([['DynamoDB.GetItem', 1]]);
    expect(gone.map((r) => r.key)).to.deep.equal(['Stripe.PaymentIntents.create']);
  });

  it('gates: a selector and a percentile, errors>0 over all rows, a selector that matches nothing fails', () => {
    const rows = computeStats(spans);
    expect(evaluateGate(parseGate('DynamoDB.GetItem p95>50ms'), rows).failed).to.equal(false);
    expect(evaluateGate(parseGate('DynamoDB.GetItem p95>10ms'), rows).failed).to.equal(true);
    expect(evaluateGate(parseGate('stripe max>0.1s'), rows).failed).to.equal(false);
    expect(evaluateGate(parseGate('stripe max>=0.1s'), rows).failed).to.equal(true);
    const errors = evaluateGate(parseGate('errors>0'), rows);
    expect(errors.failed).to.equal(true);
    expect(errors.offenders.map((o) => o.row.key)).to.deep.equal(['DynamoDB.GetItem']);
    expect(evaluateGate(parseGate('error%>5'), rows).failed).to.equal(false);
    expect(evaluateGate(parseGate('Nope.Op p95>1ms'), rows)).to.include({ failed: true, noMatch: true });
  });

  it('gate and duration syntax errors are messages', () => {
    expect(() => parseGate('p95 over 50')).to.throw(GateSyntaxError, /expected \[ROW\] METRIC OP VALUE/);
    expect(() => parseGate('p97>5ms')).to.throw(GateSyntaxError, /unknown metric "p97"/);
    expect(() => parseGate('p95>fast')).to.throw(GateSyntaxError, /a duration/);
    expect(parseDuration('1.5s')).to.equal(1500);
    expect(parseDuration('200us')).to.equal(0.2);
    expect(parseDuration('20')).to.equal(20);
    expect(parseDuration('soon')).to.equal(undefined);
  });
});
