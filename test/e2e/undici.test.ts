// Global fetch (Node's bundled undici) and the npm undici package (v7) under the preload: spans with
// bodies, and no buffering of a streamed response. On Node 20 global fetch is undici 6 (no body-chunk
// channels: the per-request wrapper path) while npm undici 7 publishes them: both paths run here.
import { expect } from 'chai';
import { runApp } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { spanFor } from '../helpers/spans';
import { SPAN_KIND, STATUS_ERROR } from '../helpers/otlp';

describe('e2e: undici / fetch interceptor', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  for (const preload of ['cjs', 'esm'] as const) {
    it(`records global fetch and every npm undici API with bodies (${preload} preload)`, async () => {
      const tag = `fetch-${preload}`;
      const r = await runApp({ app: 'test/e2e/apps/fetch-shapes.js', preload, env: { ...servers.env, RUN_TAG: tag } });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.appStderr.trim()).to.equal('');
      const out = r.json();
      expect(out.at(-1)).to.deep.equal({ done: true });
      const spans = r.spans();
      const names = out.filter((o) => o.name).map((o) => o.name as string);
      expect(names).to.have.length(14);
      for (const name of names) {
        const s = spanFor(spans, `/${tag}/${name}`);
        const app = out.find((o) => o.name === name);
        expect(s.kind, name).to.equal(SPAN_KIND.CLIENT);
        expect(s.attributes['wiretap.transport'], name).to.equal('undici');
        expect(s.attributes['http.response.status_code'], name).to.equal(app.status);
        if (name !== 'global-fetch-gzip') expect(s.attributes['http.response.body.content'], name).to.equal(app.body);
      }
      const body = (name: string) => spanFor(spans, name).attributes['http.request.body.content'];
      expect(body('global-fetch-post')).to.equal('global fetch body');
      expect(body('global-fetch-json')).to.equal('{"a":1}');
      expect(body('global-fetch-stream-body')).to.equal('streamed body');
      expect(body('undici-fetch')).to.equal('undici fetch body');
      expect(body('undici-request')).to.equal('undici request body');
      expect(body('undici-request-buffer')).to.equal('buffer body');
      expect(body('undici-client')).to.equal('client body');
      expect(body('undici-agent')).to.equal('agent body');
      expect(spanFor(spans, 'global-fetch-json').attributes['http.request.method']).to.equal('PUT');
      expect(spanFor(spans, 'undici-request-buffer').attributes['http.request.method']).to.equal('PATCH');
      // fetch decompresses for the app; the span body is the decoded JSON either way.
      expect(out.find((o) => o.name === 'global-fetch-gzip').body).to.include('hello compressed world');
      expect(String(spanFor(spans, 'global-fetch-gzip').attributes['http.response.body.content'])).to.include('hello compressed world');
      expect(spanFor(spans, 'global-fetch-404').status.code).to.equal(STATUS_ERROR);
    });
  }

  it('never buffers a streamed response: the app reads the first chunk before the server sends the rest', async () => {
    const tag = 'streaming';
    const r = await runApp({ app: 'test/e2e/apps/streaming.js', env: { ...servers.env, RUN_TAG: tag }, timeoutMs: 20000 });
    expect(r.timedOut, `app hung (a response was buffered):\n${r.stdout}\n${r.stderr}`).to.equal(false);
    expect(r.code, r.stderr).to.equal(0);
    const out = r.json();
    for (const name of ['global-fetch', 'undici-fetch', 'undici-request', 'http-get']) {
      expect(out.find((o) => o.name === name && o.first)?.first, name).to.equal('first-chunk;');
      expect(out.find((o) => o.name === name && o.whole)?.whole, name).to.equal('first-chunk;rest-of-body');
      const s = spanFor(r.spans(), `/${tag}/${name}/hold/${tag}-${name}`);
      expect(s.attributes['http.response.body.content'], name).to.equal('first-chunk;rest-of-body');
    }
  });
});
