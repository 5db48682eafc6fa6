// node:http / node:https under the preload: every call shape becomes one CLIENT span with the right
// method, URL, status and bodies, in CommonJS and ESM apps.
import { expect } from 'chai';
import { runApp, type Preload } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { spanFor } from '../helpers/spans';
import { SPAN_KIND, STATUS_ERROR } from '../helpers/otlp';

describe('e2e: http/https interceptor', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  for (const preload of ['cjs', 'esm'] as Preload[]) {
    it(`records every http/https call shape of a CommonJS app (--${preload === 'cjs' ? 'require' : 'import'})`, async () => {
      const tag = `cjs-shapes-${preload}`;
      const r = await runApp({ app: 'test/e2e/apps/http-shapes.js', preload, env: { ...servers.env, RUN_TAG: tag, WIRETAP_CAPTURE_HEADERS: 'X-App, content-type' } });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.appStderr.trim()).to.equal('');
      const out = r.json();
      expect(out.at(-1)).to.deep.equal({ done: true });
      const spans = r.spans();
      const names = out.filter((o) => o.name).map((o) => o.name as string);
      expect(names).to.have.length(23);
      for (const name of names) {
        const s = spanFor(spans, `/${tag}/${name}`);
        expect(s.kind, name).to.equal(SPAN_KIND.CLIENT);
        expect(s.attributes['wiretap.transport'], name).to.equal('http');
        expect(s.attributes['server.address'], name).to.equal('127.0.0.1');
        const app = out.find((o) => o.name === name);
        expect(s.attributes['http.response.status_code'], name).to.equal(app.status);
      }
      const port = Number(new URL(servers.http).port);
      const sport = Number(new URL(servers.https).port);
      expect(spanFor(spans, 'request-options').attributes).to.include({ 'http.request.method': 'PUT', 'server.port': port, 'url.full': `${servers.http}/${tag}/request-options?x=1`, 'http.request.body.content': 'put-body' });
      expect(spanFor(spans, 'request-string-options').attributes).to.include({ 'http.request.method': 'POST', 'http.request.body.content': 'string+options' });
      expect(spanFor(spans, 'request-url-options').attributes['http.request.method']).to.equal('DELETE');
      expect(spanFor(spans, 'request-host-header-style').attributes['server.port']).to.equal(port);
      expect(spanFor(spans, 'get-string-options').attributes['http.request.header.x-app']).to.deep.equal(['yes']);
      expect(spanFor(spans, 'request-no-callback').attributes['http.request.body.content']).to.equal('no-callback-body');
      expect(spanFor(spans, 'keepalive-2').attributes['http.request.body.content']).to.equal('second on the same socket');
      // The server got exactly the bytes the app wrote, and the span recorded the same bytes.
      const enc = servers.requests(`/${tag}/body-encodings`)[0];
      expect(enc.body).to.equal('caf\u00e9|hex\nb64|buffer|u8|end-utf8');
      expect(spanFor(spans, 'body-encodings').attributes['http.request.body.content']).to.equal(Buffer.from(enc.body, 'latin1').toString('latin1').replace('\u00e9', '\ufffd'));
      expect(spanFor(spans, 'body-encodings').attributes['http.request.body.size']).to.equal(Buffer.byteLength(enc.body, 'latin1'));
      expect(spanFor(spans, 'end-with-callback').attributes['http.request.body.content']).to.equal('done');
      expect(spanFor(spans, 'json-body').attributes).to.include({ 'http.request.body.content': '{"hello":"json"}' });
      expect(spanFor(spans, 'json-body').attributes['http.request.header.content-type']).to.deep.equal(['application/json']);
      // Only the configured headers become attributes (semconv: header capture is opt-in).
      expect(spanFor(spans, 'json-body').attributes).to.not.have.property('http.request.header.host');
      const failed = spanFor(spans, 'status-500');
      expect(failed.status.code).to.equal(STATUS_ERROR);
      expect(failed.attributes['error.type']).to.equal('500');
      // The app gets the compressed bytes (http does not decompress); the span body is decoded.
      expect(out.find((o) => o.name === 'gzip').body).to.not.include('hello compressed world');
      expect(String(spanFor(spans, 'gzip').attributes['http.response.body.content'])).to.include('hello compressed world');
      expect(spanFor(spans, 'https-request').attributes).to.include({ 'url.scheme': 'https', 'server.port': sport, 'http.request.body.content': 'secret-ish' });
      expect(spanFor(spans, 'https-get').attributes['url.scheme']).to.equal('https');
      expect(spanFor(spans, 'https-keepalive').attributes['url.scheme']).to.equal('https');
      // Response bodies are recorded as the app received them.
      expect(spanFor(spans, 'get-url').attributes['http.response.body.content']).to.equal(out.find((o) => o.name === 'get-url').body);
    });

    it(`records an ESM app's named imports from node:http (--${preload === 'cjs' ? 'require' : 'import'})`, async () => {
      const tag = `esm-shapes-${preload}`;
      const r = await runApp({ app: 'test/e2e/apps/http-shapes.mjs', preload, env: { ...servers.env, RUN_TAG: tag } });
      expect(r.code, r.stderr).to.equal(0);
      const spans = r.spans();
      for (const name of ['esm-request', 'esm-get', 'esm-agent', 'esm-https']) spanFor(spans, `/${tag}/${name}`);
      expect(spanFor(spans, 'esm-request').attributes['http.request.body.content']).to.equal('esm-body');
      expect(spanFor(spans, 'esm-https').attributes['url.scheme']).to.equal('https');
    });
  }
});
