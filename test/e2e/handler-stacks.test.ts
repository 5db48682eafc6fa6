// An error the app throws from its own response handler ('data', 'readable', a pipe destination, 'end')
// has the same stack with and without the agent: no wiretap frame between Node's push and the handler,
// so at the default Error.stackTraceLimit (10) no frame of the app's is pushed out either.
import { expect } from 'chai';
import { runApp, type RunResult } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { clientSpans } from '../helpers/spans';

const CLIENTS = ['http', 'https', 'http2', 'undici', 'fetch'] as const;
const KINDS = ['data', 'readable', 'pipe', 'end'] as const;

/**
 * node:http2 still has one frame where the handler runs under the stream's push (docs/design.md,
 * Interceptors: "Stacks"); these rows prove it is exactly that one, compared with the whole stack.
 * Its 'readable' and 'end' handlers run in a later tick: no frame.
 */
const ONE_KNOWN_FRAME = new Set(['http2 data', 'http2 pipe']);
const WIRETAP_FRAME = /^\s+at ClientHttp2Stream\.push \(.*[\\/]dist[\\/]interceptors[\\/]http2\.js:\d+:\d+\)$/;

describe('e2e: an error thrown from the app’s response handler has the same stack with and without the agent', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  const rows: { client: (typeof CLIENTS)[number]; kind: (typeof KINDS)[number] }[] = [];
  for (const client of CLIENTS) for (const kind of client === 'fetch' ? (['data'] as const) : KINDS) rows.push({ client, kind });

  for (const { client, kind } of rows) {
    it(`${client}, thrown from ${kind === 'pipe' ? 'a pipe destination' : `${kind === 'end' ? 'an' : 'a'} '${kind}' handler`}`, async () => {
      // Same-length tags: the hold/release paths and everything printed have the same shape in both runs.
      const known = ONE_KNOWN_FRAME.has(`${client} ${kind}`);
      const run = (tag: string, preload: 'none' | 'cjs'): Promise<RunResult> =>
        runApp({
          app: 'test/e2e/apps/handler-stacks.js',
          preload,
          // The default limit (10) where the stacks must be equal; the whole stack where one frame is known.
          env: { ...servers.env, CLIENT: client, KIND: kind, RUN_TAG: tag, ...(known ? { STACK_LIMIT: '100' } : {}) },
        });
      const [bare, tapped] = await Promise.all([run(`b-${client}-${kind}`, 'none'), run(`t-${client}-${kind}`, 'cjs')]);
      expect(bare.code, bare.stderr).to.equal(0);
      expect(tapped.code, tapped.stderr).to.equal(0);
      const stack = (r: RunResult): string[] => r.json().find((o) => o.stack).stack;
      const [b, t] = [stack(bare), stack(tapped)];
      expect(b[0], 'the app’s own error').to.equal(`Error: app bug in ${kind} handler`);
      expect(b[1], 'thrown by the app').to.include('handler-stacks.js');
      if (known) {
        // The push hook, right under Node's Readable.push; everything else is Node's.
        const at = t.findIndex((l) => WIRETAP_FRAME.test(l));
        expect(at, t.join('\n')).to.be.greaterThan(0);
        expect(t[at - 1]).to.match(/^\s+at Readable\.push \(node:/);
        expect([...t.slice(0, at), ...t.slice(at + 1)], 'the rest is Node’s').to.deep.equal(b);
      } else {
        expect(t, 'the stack').to.deep.equal(b);
      }
      // The body is still captured up to the chunk the app threw on.
      const path = `/t-${client}-${kind}/hold/t-${client}-${kind}`;
      const span = clientSpans(tapped.spans()).find((s) => new URL(String(s.attributes['url.full'])).pathname === path);
      expect(span, 'a span for the call').to.not.equal(undefined);
      expect(String(span!.attributes['http.response.body.content'])).to.include('first-chunk;');
    });
  }
});
