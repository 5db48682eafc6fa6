// The report's data, without a browser: escaping, the large-input selection, histogram buckets, the map.
import { expect } from 'chai';
import fc from 'fast-check';
import { computeStats } from '../../../src/views/model/stats';
import { spansFromText } from '../../../src/views/model/read';
import { buildTransactions } from '../../../src/views/model/transactions';
import { bucketOf, HISTOGRAM_EDGES_MS, toReportData } from '../../../src/views/report/data';
import { buildReport, embedJson } from '../../../src/views/report';
import { BREAKOUT_BODY, generateScenario } from './scenario';

function model(checkouts: number) {
  const sc = generateScenario(checkouts);
  const spans = spansFromText(sc.lines.join('\n'));
  return { sc, spans, transactions: buildTransactions(spans), stats: computeStats(spans, { keepDurations: true }) };
}

describe('report data', () => {
  it('embedJson round-trips any value and never writes <, > or & (so </script> and <!-- cannot appear)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: fc.constantFrom('<', '/', 's', 'c', 'r', 'i', 'p', 't', '!', '-', '>', '&', '\u2028', 'a') }), (value, text) => {
        const out = embedJson({ value, text });
        expect(out).to.not.match(/[<>&\u2028\u2029]/);
        expect(JSON.parse(out)).to.deep.equal(JSON.parse(JSON.stringify({ value, text })));
      }),
    );
    expect(embedJson(BREAKOUT_BODY)).to.not.contain('</script');
  });

  it('the page: one inline script allowed by hash, a policy that forbids every request', () => {
    const m = model(3);
    const html = buildReport({ ...m, spanCount: m.spans.length, files: ['t.jsonl'] });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).to.contain("default-src 'none'");
    expect(csp).to.match(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).to.not.contain('unsafe-eval');
    expect(html).to.not.match(/\b(src|href)="(https?:)?\/\//); // nothing external referenced
    expect(html.match(/<script/g)).to.have.length(2);
  });

  it('buckets a duration like a linear scan over the edges', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 500_000, noNaN: true }), (ms) => {
        let oracle = HISTOGRAM_EDGES_MS.length;
        for (let i = 0; i < HISTOGRAM_EDGES_MS.length; i++) if (ms < HISTOGRAM_EDGES_MS[i]) { oracle = i; break; }
        expect(bucketOf(ms)).to.equal(oracle);
      }),
    );
  });

  it('embeds everything while within budget; every row histogram counts every span of the row', () => {
    const m = model(30);
    const data = toReportData({ ...m, spanCount: m.spans.length, files: [] });
    expect(data.reduced).to.equal(undefined);
    expect(data.transactions).to.have.length(m.transactions.length);
    expect(data.totals.embeddedSpans).to.equal(m.spans.length);
    for (const row of data.stats) expect(row.histogram.reduce((a, b) => a + b, 0)).to.equal(row.count);
  });

  it('over budget: keeps unfinished and failing transactions first, the slowest, a sample per operation, and says how many', () => {
    const m = model(200);
    const data = toReportData({ ...m, spanCount: m.spans.length, files: [] }, { maxEmbeddedSpans: 400, slowest: 5, samplePerOperation: 2 });
    expect(data.reduced).to.not.equal(undefined);
    const kept = new Set(data.transactions.map((t) => t.id));
    for (const t of m.transactions.filter((x) => x.unfinished > 0 || x.errors > 0)) expect(kept.has(t.id), t.id).to.equal(true);
    const slowest = [...m.transactions].sort((a, b) => b.durationMs - a.durationMs)[0];
    expect(kept.has(slowest.id)).to.equal(true);
    expect(data.totals.embeddedSpans).to.be.at.most(400 + Math.max(...m.transactions.map((t) => t.spans.length)));
    const r = data.reduced!;
    expect(r.unfinished + r.errors + r.slowest + r.samplePerOperation).to.equal(data.transactions.length);
    // The stats still count every span.
    expect(data.stats.reduce((n, s) => n + s.count, 0)).to.equal(m.stats.reduce((n, s) => n + s.count, 0));
  });

  it('maps callers to services, and each async hop through its queue as two async edges', () => {
    const m = model(10);
    const data = toReportData({ ...m, spanCount: m.spans.length, files: [] });
    const label = (id: string) => data.map.nodes.find((n) => n.id === id)!.label;
    const asyncEdges = data.map.edges.filter((e) => e.async).map((e) => `${label(e.from)}→${label(e.to)}:${e.count}`);
    expect(asyncEdges).to.deep.equal([`shop-api→order-events:${m.sc.workers}`, `order-events→order-worker:${m.sc.workers}`]);
    // The model also lists the plain link of the seventh checkout (in both transactions it joins): not a queue hop.
    const queueHops = new Set(m.transactions.flatMap((t) => t.hops.filter((h) => h.via !== 'link' || m.spans.find((s) => s.spanId === h.consumerSpanId)?.kindName === 'consumer').map((h) => h.consumerSpanId)));
    expect(queueHops.size).to.equal(m.sc.workers);
    expect(data.map.nodes.filter((n) => n.kind === 'channel').map((n) => n.label)).to.deep.equal(['order-events']);
    const calls = data.map.edges.filter((e) => !e.async).reduce((n, e) => n + e.count, 0);
    expect(calls).to.equal(m.stats.reduce((n, s) => n + s.count, 0));
  });
});
