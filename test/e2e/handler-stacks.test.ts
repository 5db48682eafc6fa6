// An error the app throws from its own response handler ('data', 'readable', a pipe destination, 'end')
// has the same stack with and without the agent: no wiretap frame between Node's push and the handler,
// so at the default Error.stackTraceLimit (10) no frame of the app's is pushed out either.
import { expect } from 'chai';
import { runApp, type RunResult } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { clientSpans } from '../helpers/spans';

const CLIENTS = ['http', 'https', 'http2', 'undici', 'fetch'] as const;
const KINDS = ['data', 'readable', 'pipe', 'end'] as const;

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
      const run = (tag: string, preload: 'none' | 'cjs'): Promise<RunResult> =>
        runApp({
          app: 'test/e2e/apps/handler-stacks.js',
          preload,
          // At the default Error.stackTraceLimit (10), where one frame more pushes one of the app's out.
          env: { ...servers.env, CLIENT: client, KIND: kind, RUN_TAG: tag },
        });
      const [bare, tapped] = await Promise.all([run(`b-${client}-${kind}`, 'none'), run(`t-${client}-${kind}`, 'cjs')]);
      expect(bare.code, bare.stderr).to.equal(0);
      expect(tapped.code, tapped.stderr).to.equal(0);
      const stack = (r: RunResult): string[] => r.json().find((o) => o.stack).stack;
      const [b, t] = [stack(bare), stack(tapped)];
      expect(b[0], 'the app’s own error').to.equal(`Error: app bug in ${kind} handler`);
      expect(b[1], 'thrown by the app').to.include('handler-stacks.js');
      expect(t, 'the stack').to.deep.equal(b);
      // The body is still captured up to the chunk the app threw on.
      const path = `/t-${client}-${kind}/hold/t-${client}-${kind}`;
      const span = clientSpans(tapped.spans()).find((s) => new URL(String(s.attributes['url.full'])).pathname === path);
      expect(span, 'a span for the call').to.not.equal(undefined);
      expect(String(span!.attributes['http.response.body.content'])).to.include('first-chunk;');
    });
  }
});
