// The app cannot tell wiretap is there: each scenario runs with and without the preload and everything
// the app observes must match (events and their order, stream state, bytes, errors, exit status, crash
// output, the headers the server received). The tapped run must also have produced a span.
import { expect } from 'chai';
import { runApp, type RunResult } from '../helpers/run-app';
import { testServers, type TestServers, type SeenRequest } from '../helpers/server';
import { spanFor } from '../helpers/spans';
import { STATUS_ERROR } from '../helpers/otlp';

const SCENARIOS: { name: string; path: string; failed?: boolean; incomplete?: boolean }[] = [
  { name: 'pipe', path: 'pipe/big' },
  { name: 'for-await', path: 'for-await/chunks' },
  { name: 'late-read', path: 'late-read/big' },
  { name: 'late-read-small', path: 'late-read-small/json' },
  { name: 'never-read-small', path: 'never-read-small/json' },
  { name: 'never-read-big', path: 'never-read-big/big', failed: true },
  { name: 'get-no-callback', path: 'get-no-callback/big' },
  { name: 'abort-mid-body', path: 'abort-mid-body/hang-body', failed: true },
  { name: 'abort-signal', path: 'abort-signal/hang-body', failed: true },
  { name: 'abort-before-response', path: 'abort-before-response/hang', failed: true },
  { name: 'timeout', path: 'timeout/hang', failed: true },
  { name: 'socket-error', path: 'socket-error/destroy-early', failed: true },
  { name: 'socket-error-mid-body', path: 'socket-error-mid-body/destroy-mid', failed: true },
  { name: 'no-error-listener', path: 'no-error-listener/destroy-early', failed: true },
  { name: 'gzip', path: 'gzip' },
  { name: 'post-body', path: 'post-body/echo' },
  { name: 'fetch-stream', path: 'fetch-stream/chunks' },
  { name: 'fetch-abort', path: 'fetch-abort/hang-body', failed: true },
  // The app never read the body and exited: the call is still in flight at exit.
  { name: 'fetch-never-read', path: 'fetch-never-read/hang-body', failed: true, incomplete: true },
  { name: 'fetch-socket-error', path: 'fetch-socket-error/destroy-early', failed: true },
  { name: 'h2-get', path: 'h2-get/json' },
  { name: 'throw-in-end-handler', path: 'throw-in-end-handler/json' },
  { name: 'throw-in-response-callback', path: 'throw-in-response-callback/json', failed: true, incomplete: true },
  { name: 'h2-rst-no-listener', path: 'h2-rst-no-listener/rst', failed: true },
];

function headersSeen(reqs: SeenRequest[]) {
  return reqs.map((r) => {
    const h = { ...r.headers };
    delete h.traceparent;
    delete h[':path']; // carries the run's tag
    return { method: r.method, headers: h, body: r.body };
  });
}

describe('compliance: what the app observes is the same with and without wiretap', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  for (const preload of ['cjs', 'esm'] as const) {
    for (const sc of SCENARIOS) {
      it(`${sc.name} (${preload})`, async () => {
        const tag = `t-${preload}-${sc.name}`;
        const bareTag = `b-${preload}-${sc.name}`; // same length: bodies and buffer sizes match
        const run = (t: string, p: 'none' | 'cjs' | 'esm') =>
          runApp({ app: 'test/compliance/apps/scenario.js', preload: p, env: { ...servers.env, RUN_TAG: t, SCENARIO: sc.name } });
        const [bare, tapped]: RunResult[] = await Promise.all([run(bareTag, 'none'), run(tag, preload)]);
        expect(bare.timedOut, 'bare run hung').to.equal(false);
        expect(tapped.timedOut, `tapped run hung:\n${tapped.stdout}`).to.equal(false);
        expect(tapped.stdout.split('\n'), 'events, state and bytes').to.deep.equal(bare.stdout.split('\n'));
        expect({ code: tapped.code, signal: tapped.signal }).to.deep.equal({ code: bare.code, signal: bare.signal });
        expect(tapped.appStderr.replaceAll(tag, 'TAG')).to.equal(bare.appStderr.replaceAll(bareTag, 'TAG'));
        expect(headersSeen(servers.requests(`/${tag}/`))).to.deep.equal(headersSeen(servers.requests(`/${bareTag}/`)));
        expect(servers.requests(`/${tag}/`)[0]?.headers.traceparent, 'traceparent injected').to.match(/^00-/);

        const span = spanFor(tapped.spans(), `/${tag}/${sc.path}`);
        if (sc.failed) expect(span.status.code, JSON.stringify(span.attributes)).to.equal(STATUS_ERROR);
        else expect(span.status.code ?? 0, JSON.stringify(span.attributes)).to.not.equal(STATUS_ERROR);
        expect(span.attributes['wiretap.incomplete'], 'incomplete: ' + JSON.stringify(span.attributes)).to.equal(sc.incomplete ? true : undefined);
      });
    }
  }

  it('gzip: the app gets compressed bytes, the span body is decoded', async () => {
    const tag = 'cmp-gzip-body';
    const r = await runApp({ app: 'test/compliance/apps/scenario.js', env: { ...servers.env, RUN_TAG: tag, SCENARIO: 'gzip' } });
    const span = spanFor(r.spans(), `/${tag}/gzip`);
    expect(String(span.attributes['http.response.body.content'])).to.include('hello compressed world');
    const body = r.json().find((o) => o.ev === 'body');
    expect(body.size).to.equal(span.attributes['http.response.body.size']);
  });
});
