import { expect } from 'chai';
import { criticalPath } from '../../../../src/views/model/critical-path';
import type { Span } from '../../../../src/views/model/types';
import { span, spanId, T0 } from './spans';

function path(spans: Span[]) {
  const root = spans.find((s) => !s.parentSpanId)!;
  const kids = (s: Span) => spans.filter((c) => c.parentSpanId === s.spanId);
  return criticalPath(root, kids).map((c) => ({ id: Buffer.from(c.spanId, 'hex').toString().replace(/\0/g, ''), from: c.startMs - T0, to: c.endMs - T0 }));
}

describe('views/model/critical-path (Jaeger)', () => {
  it('a span with no children is its own critical path', () => {
    expect(path([span({ id: 'root', start: 0, end: 10 })])).to.deep.equal([{ id: 'root', from: 0, to: 10 }]);
  });

  it('walks back from the last-finishing child, skipping children that overlap it', () => {
    // root 0-100; a 10-40; b 20-60 (overlaps c? no); c 50-90. Last finishing: c; then before c started (50):
    // b ends 60 > 50 so not; a ends 40 < 50 → a. Then before a (10): nothing → root 0-10.
    const spans = [
      span({ id: 'root', start: 0, end: 100 }),
      span({ id: 'a', parent: 'root', start: 10, end: 40 }),
      span({ id: 'b', parent: 'root', start: 20, end: 60 }),
      span({ id: 'c', parent: 'root', start: 50, end: 90 }),
    ];
    expect(path(spans)).to.deep.equal([
      { id: 'root', from: 90, to: 100 },
      { id: 'c', from: 50, to: 90 },
      { id: 'root', from: 40, to: 50 },
      { id: 'a', from: 10, to: 40 },
      { id: 'root', from: 0, to: 10 },
    ]);
  });

  it('descends into grandchildren', () => {
    const spans = [
      span({ id: 'root', start: 0, end: 100 }),
      span({ id: 'a', parent: 'root', start: 10, end: 80 }),
      span({ id: 'a1', parent: 'a', start: 20, end: 70 }),
    ];
    expect(path(spans).map((c) => c.id)).to.deep.equal(['root', 'a', 'a1', 'a', 'root']);
  });

  it('clips a child that outlives its parent to the parent end, and drops one entirely after it', () => {
    const spans = [
      span({ id: 'root', start: 0, end: 100 }),
      span({ id: 'late', parent: 'root', start: 60, end: 150 }), // outlives: counts up to 100
      span({ id: 'after', parent: 'root', start: 120, end: 130 }), // entirely outside: not on the path
    ];
    expect(path(spans)).to.deep.equal([
      { id: 'late', from: 60, to: 100 },
      { id: 'root', from: 0, to: 60 },
    ]);
  });

  it('clips a child that starts before its parent', () => {
    const spans = [span({ id: 'root', start: 10, end: 100 }), span({ id: 'early', parent: 'root', start: 0, end: 50 })];
    expect(path(spans)).to.deep.equal([
      { id: 'root', from: 50, to: 100 },
      { id: 'early', from: 10, to: 50 },
    ]);
  });

  it('a deep chain does not overflow the stack', () => {
    const spans = [span({ id: 'n0', start: 0, end: 100_000 })];
    for (let i = 1; i < 20_000; i++) spans.push(span({ id: `n${i}`, parent: `n${i - 1}`, start: i, end: 100_000 - i }));
    const byParent = new Map<string, Span[]>();
    for (const s of spans) if (s.parentSpanId) byParent.set(s.parentSpanId, [...(byParent.get(s.parentSpanId) ?? []), s]);
    const sections = criticalPath(spans[0], (s) => byParent.get(s.spanId) ?? []);
    expect(sections[0].spanId).to.equal(spanId('n0'));
    expect(sections.length).to.equal(2 * 20_000 - 1);
  });
});
