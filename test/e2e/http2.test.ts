// node:http2 client sessions under the preload: one span per stream, with bodies, and RST as an error.
import { expect } from 'chai';
import { runApp } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { spanFor } from '../helpers/spans';
import { STATUS_ERROR } from '../helpers/otlp';

describe('e2e: http2 interceptor', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  for (const preload of ['cjs', 'esm'] as const) {
    it(`records http2 streams with bodies and a reset stream as an error (${preload} preload)`, async () => {
      const tag = `h2-${preload}`;
      const r = await runApp({ app: 'test/e2e/apps/http2-client.js', preload, env: { ...servers.env, RUN_TAG: tag } });
      expect(r.code, r.stderr).to.equal(0);
      const out = r.json();
      expect(out.at(-1)).to.deep.equal({ done: true });
      const spans = r.spans();
      const get = spanFor(spans, `/${tag}/h2-get`);
      expect(get.attributes).to.include({ 'wiretap.transport': 'http2', 'network.protocol.version': '2', 'http.request.method': 'GET', 'http.response.status_code': 200 });
      expect(get.attributes['http.response.body.content']).to.equal(out.find((o) => o.name === 'h2-get').body);
      const post = spanFor(spans, `/${tag}/h2-post`);
      expect(post.attributes).to.include({ 'http.request.method': 'POST', 'http.request.body.content': 'h2 request body' });
      expect(servers.requests(`/${tag}/h2-post`)[0].body).to.equal('h2 request body');
      // The app's headers object carried no traceparent; the server still got one.
      expect(servers.requests(`/${tag}/h2-get`)[0].headers.traceparent).to.match(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(out.find((o) => o.name === 'h2-rst/rst').error).to.equal('ERR_HTTP2_STREAM_ERROR');
      const rst = spanFor(spans, `/${tag}/h2-rst/rst`);
      expect(rst.status.code).to.equal(STATUS_ERROR);
      expect(String(rst.attributes['error.type'])).to.match(/ERR_HTTP2_STREAM_ERROR|NGHTTP2/);
    });
  }
});
