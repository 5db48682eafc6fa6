// Differences other HTTP libraries' own test suites found under the preload (issue 15 item 5), each
// reproduced in a small app (test/e2e/apps/findings.js) that runs its own server on 127.0.0.1.
import { expect } from 'chai';
import { runApp, runBoth, runtimePath, skipWithoutNode, type RunResult } from '../helpers/run-app';
import { clientSpans } from '../helpers/spans';
import { SPAN_KIND, STATUS_ERROR, type FlatSpan } from '../helpers/otlp';

const scenario = (name: string, env: Record<string, string> = {}): Promise<RunResult> =>
  runApp({ app: 'test/e2e/apps/findings.js', env: { SCENARIO: name, ...env } });

const NODE24 = runtimePath(24);

/** Debug lines carry the pid and the run's port: the rest must be the same with and without the agent. */
const normalizeDebug = (stderr: string): string[] =>
  stderr
    .split('\n')
    .filter((l) => /^(FETCH|UNDICI) \d+:/.test(l))
    .map((l) => l.replace(/^(\w+) \d+:/, '$1 PID:').replace(/:\d{2,5}\b/g, ':PORT'));

const pathOf = (s: FlatSpan): string => new URL(String(s.attributes['url.full'])).pathname;

describe('e2e: findings from other libraries’ test suites', function () {
  this.timeout(30000);

  it('undici over HTTP/2 (allowH2): one CLIENT span per exchange, in the app’s trace, with version 2', async () => {
    const r = await scenario('undici-h2');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json().at(-1)).to.deep.equal({ done: true });
    const spans = clientSpans(r.spans());
    expect(spans.map(pathOf).sort(), JSON.stringify(spans.map((s) => s.attributes))).to.deep.equal(['/undici-h2/fetch', '/undici-h2/request']);
    for (const s of spans) {
      expect(s.kind).to.equal(SPAN_KIND.CLIENT);
      expect(s.attributes['network.protocol.version'], pathOf(s)).to.equal('2');
      expect(s.attributes['wiretap.transport'], pathOf(s)).to.equal('undici');
      expect(s.attributes['http.response.status_code'], pathOf(s)).to.equal(200);
      expect(s.attributes['http.response.body.content'], pathOf(s)).to.equal(`h2 says hi to ${pathOf(s)}`);
    }
  });

  const debugRuns: { node: string; label: string; undici: 'global' | 'npm' }[] = [
    { node: process.execPath, label: `this Node (${process.version})`, undici: 'npm' },
    { node: NODE24, label: 'Node 24', undici: 'global' },
    { node: NODE24, label: 'Node 24', undici: 'npm' },
  ];
  for (const { node, label, undici } of debugRuns) {
    for (const debug of ['fetch', 'undici']) {
      it(`NODE_DEBUG=${debug} prints the same undici debug lines with the agent (${label}, ${undici} fetch)`, async function () {
        skipWithoutNode(this, node);
        const { bare, tapped } = await runBoth({ app: 'test/e2e/apps/findings.js', node, env: { SCENARIO: 'debug-log', NODE_DEBUG: debug, UNDICI: undici } });
        expect(tapped.code, tapped.stderr).to.equal(0);
        const lines = normalizeDebug(bare.appStderr);
        // undici 6 (Node 20/22's bundled fetch) logs no per-request lines; every run here uses undici 7.
        expect(lines.some((l) => l.includes('received response')), bare.stderr).to.equal(true);
        expect(normalizeDebug(tapped.appStderr)).to.deep.equal(lines);
      });
    }
  }

  it('an app’s own undici:request:create subscriber sees the app’s headers; the server still gets traceparent', async () => {
    const { bare, tapped } = await runBoth({ app: 'test/e2e/apps/findings.js', env: { SCENARIO: 'dc-subscriber' } });
    expect(tapped.code, tapped.stderr).to.equal(0);
    const seen = (r: RunResult) => r.json().find((o) => o.seenAtCreate).seenAtCreate;
    expect(seen(bare)).to.have.length(2);
    expect(seen(tapped)).to.deep.equal(seen(bare));
    const received = (r: RunResult) => r.json().find((o) => o.received).received;
    expect(received(bare).map((x: { traceparent: boolean }) => x.traceparent)).to.deep.equal([false, false]);
    expect(received(tapped)).to.deep.equal([
      { path: '/global', traceparent: true, tracestate: false },
      { path: '/npm', traceparent: true, tracestate: false },
    ]);
    const off = await runApp({ app: 'test/e2e/apps/findings.js', env: { SCENARIO: 'dc-subscriber', WIRETAP_PROPAGATE: 'false' } });
    expect(received(off).map((x: { traceparent: boolean }) => x.traceparent), 'WIRETAP_PROPAGATE=false').to.deep.equal([false, false]);
  });

  for (const client of ['undici', 'http2']) {
    it(`holds at most 4 KB of heap per in-flight ${client === 'undici' ? 'undici allowH2' : 'node:http2'} call beyond what the app holds`, async function () {
      this.timeout(60000);
      // A guard with a generous bound, not a before/after comparison (bench/memory-h2.js is that). Measured
      // alone on this machine: about 1.5 KB (undici, GET) and 2.0 KB (node:http2, POST) on Node 20, 22 and
      // 24, up to 3.8 KB under load; 4.0 KB and 3.1 KB before this branch (undici's calls recorded twice,
      // closures per http2 stream). Run one after the other: two runs at once skew each other's heap.
      // No batch export between the two heap samples (they are written at exit).
      const env = { CLIENT: client, CALLS: '1000', NODE_OPTIONS: '--expose-gc', OTEL_BSP_SCHEDULE_DELAY: '60000' };
      const bare = await runApp({ app: 'test/e2e/apps/memory-inflight.js', preload: 'none', env, timeoutMs: 60000 });
      const tapped = await runApp({ app: 'test/e2e/apps/memory-inflight.js', env, timeoutMs: 60000 });
      expect(tapped.code, tapped.stderr).to.equal(0);
      const [b, t] = [bare.json()[0].bytesPerCall, tapped.json()[0].bytesPerCall];
      expect(t - b, `bare ${b} B, with the agent ${t} B per call`).to.be.below(4096);
    });
  }

  it('an error thrown by ClientRequest.write()/end() has the same stack with and without the agent', async () => {
    const { bare, tapped } = await runBoth({ app: 'test/e2e/apps/findings.js', env: { SCENARIO: 'write-throws' } });
    expect(tapped.code, tapped.stderr).to.equal(0);
    // Up to the app's own function: below it the async tail depends on which tick resumed the app.
    const stacks = (r: RunResult): string[] =>
      r.json().find((o) => o.stacks).stacks.map((s: string) => {
        const eol = s.indexOf('\n', s.indexOf('at writeThrows'));
        return eol < 0 ? s : s.slice(0, eol);
      });
    expect(stacks(bare)).to.have.length(6);
    expect(stacks(bare).every((s) => typeof s === 'string' && s.includes('findings.js'))).to.equal(true);
    expect(stacks(tapped)).to.deep.equal(stacks(bare));
    const [span] = clientSpans(tapped.spans()).filter((s) => pathOf(s) === '/write-throws');
    expect(span.attributes['http.request.body.content'], 'the body is still captured').to.equal('fine!');
    const [h2] = clientSpans(tapped.spans()).filter((s) => pathOf(s) === '/write-throws-h2');
    expect(h2.attributes['http.request.body.content'], 'the h2 body is still captured').to.equal('fine!');
  });

  it('an HTTP/2 stream closed with NO_ERROR before any response is a failure', async () => {
    const r = await scenario('h2-no-error-reset');
    expect(r.code, r.stderr).to.equal(0);
    const app = r.json().find((o) => o.name === 'reset');
    expect(app.events, 'the app saw no response').to.not.include('response');
    const [span] = clientSpans(r.spans()).filter((s) => pathOf(s) === '/h2-no-error-reset');
    expect(span, 'a span for the stream').to.not.equal(undefined);
    expect(span.status.code, JSON.stringify(span.attributes)).to.equal(STATUS_ERROR);
    expect(span.attributes['error.type']).to.be.a('string').and.not.equal('');
    expect(span.attributes['http.response.status_code']).to.equal(undefined);
  });

  it('the hops of a followed redirect belong together: links to the previous hop and a resend count', async () => {
    const r = await scenario('redirects');
    expect(r.code, r.stderr).to.equal(0);
    const out = r.json();
    for (const name of ['globalfetch', 'undicifetch', 'interceptor', 'httpfollow']) {
      expect(out.find((o) => o.name === name), name).to.include({ status: 200, body: `arrived at /${name}/hop3` });
      const hops = [1, 2, 3].map((n) => {
        const found = clientSpans(r.spans()).filter((s) => pathOf(s) === `/${name}/hop${n}`);
        expect(found, `${name} hop ${n}`).to.have.length(1);
        return found[0];
      });
      expect(hops[0].links, `${name}: the first hop links nothing`).to.deep.equal([]);
      expect(hops[0].attributes['http.request.resend_count']).to.equal(undefined);
      for (const n of [1, 2]) {
        expect(hops[n].links, `${name} hop ${n + 1}`).to.deep.equal([{ traceId: hops[n - 1].traceId, spanId: hops[n - 1].spanId }]);
        expect(hops[n].attributes['http.request.resend_count'], `${name} hop ${n + 1}`).to.equal(n);
        expect(hops[n].parentSpanId, 'same parent as the first hop').to.equal(hops[0].parentSpanId);
      }
    }
  });
});
