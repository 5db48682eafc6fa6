import { expect } from 'chai';
import { diffTransactions } from '../../../../src/views/model/diff';
import { buildTransactions } from '../../../../src/views/model/transactions';
import { span } from './spans';

describe('views/model/diff', () => {
  // Two runs of the same request: every span id differs (the trace label changes them).
  const run = (trace: string, calls: { name: string; start: number; end: number; error?: boolean; resend?: number }[], end: number) =>
    buildTransactions([
      span({ id: `${trace}-root`, trace, kind: 2, name: 'POST /checkout', start: 0, end }),
      ...calls.map((c, i) => span({ id: `${trace}-${i}`, trace, parent: `${trace}-root`, name: c.name, start: c.start, end: c.end, error: c.error, attributes: c.resend ? { 'http.request.resend_count': c.resend } : {} })),
    ])[0];

  it('matches calls by service, name and parent path, not span ids; lists added, removed, changed and deltas', () => {
    const a = run('runA', [{ name: 'DynamoDB.GetItem', start: 1, end: 11 }, { name: 'Stripe create', start: 12, end: 20 }, { name: 'SQS.SendMessage', start: 21, end: 25 }], 30);
    const b = run('runB', [
      { name: 'DynamoDB.GetItem', start: 1, end: 3, error: true },
      { name: 'DynamoDB.GetItem', start: 5, end: 16, resend: 1 },
      { name: 'Stripe create', start: 17, end: 40, error: true },
      { name: 'Algolia search', start: 41, end: 45 },
    ], 50);
    const d = diffTransactions(a, b);
    const rows = d.entries.map((e) => [e.path, e.change, e.durationDeltaMs ?? null, e.notes]);
    expect(rows).to.deep.equal([
      ['shop: POST /checkout', 'same', 20, []],
      ['shop: POST /checkout > shop: DynamoDB.GetItem', 'changed', 5, ['attempts 1 → 2']],
      ['shop: POST /checkout > shop: Stripe create', 'changed', 15, ['now fails']],
      ['shop: POST /checkout > shop: SQS.SendMessage', 'removed', null, []],
      ['shop: POST /checkout > shop: Algolia search', 'added', null, []],
    ]);
    expect([d.added, d.removed, d.changed, d.durationDeltaMs]).to.deep.equal([1, 1, 2, 20]);
  });

  it('repeated calls of the same name match in order', () => {
    const a = run('a', [{ name: 'GET x', start: 1, end: 2 }, { name: 'GET x', start: 3, end: 5 }], 10);
    const b = run('b', [{ name: 'GET x', start: 1, end: 2 }, { name: 'GET x', start: 3, end: 8 }, { name: 'GET x', start: 8, end: 9 }], 10);
    expect(diffTransactions(a, b).entries.map((e) => [e.change, e.durationDeltaMs ?? null])).to.deep.equal([
      ['same', 0],
      ['same', 0],
      ['same', 3],
      ['added', null],
    ]);
  });

  it('different roots: everything of A removed, everything of B added', () => {
    const a = run('a', [], 10);
    const b = buildTransactions([span({ id: 'other', trace: 'o', kind: 2, name: 'GET /health', start: 0, end: 1 })])[0];
    expect(diffTransactions(a, b).entries.map((e) => e.change)).to.deep.equal(['removed', 'added']);
  });
});
