// OpenTelemetry behaviour end to end: trace context out and in, an app's own TracerProvider, user
// decoders, and the standard OTEL_* switches.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runApp, tempDir, type RunResult } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { spanFor } from '../helpers/spans';
import { SPAN_KIND } from '../helpers/otlp';

const APP = 'test/e2e/apps/calls.js';

function parseTraceparent(v: unknown): { traceId: string; spanId: string; flags: string } {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(v));
  expect(m, `traceparent ${String(v)}`).to.not.equal(null);
  return { traceId: m![1], spanId: m![2], flags: m![3] };
}

describe('e2e: OpenTelemetry integration', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  function expectSameAppOutput(r: RunResult, bare: RunResult, tag: string, bareTag: string) {
    expect(r.stdout.replaceAll(tag, 'TAG')).to.equal(bare.stdout.replaceAll(bareTag, 'TAG'));
    expect(r.code).to.equal(bare.code);
    expect(r.appStderr).to.equal(bare.appStderr);
  }

  it('injects W3C traceparent: the server sees the client span as parent, for http and fetch', async () => {
    const tag = 'otel-traceparent';
    const r = await runApp({ app: APP, env: { ...servers.env, RUN_TAG: tag } });
    expect(r.code, r.stderr).to.equal(0);
    const spans = r.spans();
    for (const name of ['first', 'second']) {
      const span = spanFor(spans, `/${tag}/${name}`);
      const tp = parseTraceparent(servers.requests(`/${tag}/${name}`)[0].headers.traceparent);
      expect(tp).to.deep.equal({ traceId: span.traceId, spanId: span.spanId, flags: '01' });
    }
  });

  it('continues an incoming traceparent: app → server A (under the preload) → server B is one trace', async () => {
    const tag = 'otel-chain';
    let resolvePort: (p: number) => void;
    const portP = new Promise<number>((resolve) => (resolvePort = resolve));
    const dirA = tempDir();
    let childA: import('node:child_process').ChildProcess | undefined;
    const serverA = runApp({
      app: 'test/e2e/apps/server-a.js',
      cwd: dirA,
      env: { NEXT_URL: `${servers.http}/${tag}/b` },
      onStdout: (out, child) => {
        childA = child;
        const m = /"port":(\d+)/.exec(out);
        if (m) resolvePort(Number(m[1]));
      },
    });
    const port = await portP;
    const app = await runApp({ app: APP, env: { ...servers.env, RUN_TAG: tag, FIRST_URL: `http://127.0.0.1:${port}/from-app` } });
    expect(app.code, app.stderr).to.equal(0);
    // Stop server A with SIGTERM: its exit hook writes its spans.
    childA!.kill('SIGTERM');
    const a = await serverA;
    expect(a.signal).to.equal('SIGTERM');

    const appSpan = spanFor(app.spans(), '/from-app');
    const aSpans = a.spans();
    const aServer = aSpans.find((s) => s.kind === SPAN_KIND.SERVER);
    expect(aServer, JSON.stringify(aSpans.map((s) => s.name))).to.not.equal(undefined);
    const aClient = spanFor(aSpans, `/${tag}/b`);
    const atB = parseTraceparent(servers.requests(`/${tag}/b`)[0].headers.traceparent);
    expect(aServer!.traceId).to.equal(appSpan.traceId);
    expect(aServer!.parentSpanId).to.equal(appSpan.spanId);
    expect(aClient.traceId).to.equal(appSpan.traceId);
    expect(aClient.parentSpanId).to.equal(aServer!.spanId);
    expect(atB.traceId).to.equal(appSpan.traceId);
    expect(atB.spanId).to.equal(aClient.spanId);
  });

  it("an app that registered its own TracerProvider gets wiretap's spans, and wiretap writes no file", async () => {
    const tag = 'otel-own-provider';
    const r = await runApp({ app: APP, env: { ...servers.env, RUN_TAG: tag, APP_MODE: 'own-provider' } });
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(r.file), 'wiretap file').to.equal(false);
    const got = r.json().find((o) => o.appSpans).appSpans as { name: string; url: string }[];
    expect(got.map((s) => s.url)).to.include.members([`${servers.http}/${tag}/first`, `${servers.http}/${tag}/second`]);
    expect(got.find((s) => s.url.endsWith('/first'))!.name).to.equal('GET 127.0.0.1');
  });

  it('loads user decoders from WIRETAP_DECODERS and registerDecoder()', async () => {
    const tag = 'otel-decoders';
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'my-decoder.js'),
      `module.exports = { name: 'mine', match: (h) => h.path.endsWith('/first'), decode: (x) => ({ name: 'Mine.first', attributes: { 'mine.path': x.request.path } }) };\n`,
    );
    const r = await runApp({ app: APP, cwd: dir, env: { ...servers.env, RUN_TAG: tag, WIRETAP_DECODERS: './my-decoder.js', APP_MODE: 'register-decoder', FIRST_PATH: 'first' } });
    expect(r.code, r.stderr).to.equal(0);
    const first = spanFor(r.spans(), `/${tag}/first`);
    expect(first.name).to.equal('Mine.first');
    expect(first.attributes).to.include({ 'mine.path': `/${tag}/first`, 'wiretap.decoder': 'mine' });

    const r2 = await runApp({ app: APP, env: { ...servers.env, RUN_TAG: tag, APP_MODE: 'register-decoder', FIRST_PATH: 'custom/x' } });
    expect(r2.code, r2.stderr).to.equal(0);
    const custom = spanFor(r2.spans(), `/${tag}/custom/x`);
    expect(custom.name).to.equal('Registered GET');
    expect(custom.attributes).to.include({ 'custom.from': 'registerDecoder', 'custom.status': 200, 'wiretap.decoder': 'registered' });
  });

  it('a decoder that throws falls back to generic HTTP with wiretap.decoder_error; the app is unaffected', async () => {
    const tag = 'otel-throwing';
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'bad.js'), `module.exports = { name: 'bad', match: () => true, decode: () => { throw new Error('decoder bug'); } };\n`);
    const env = { ...servers.env, RUN_TAG: tag, WIRETAP_DECODERS: './bad.js' };
    const [r, bare] = await Promise.all([runApp({ app: APP, cwd: dir, env }), runApp({ app: APP, preload: 'none', env })]);
    expectSameAppOutput(r, bare, tag, tag);
    const first = spanFor(r.spans(), `/${tag}/first`);
    expect(first.name).to.equal('GET 127.0.0.1');
    expect(String(first.attributes['wiretap.decoder_error'])).to.include('decoder bug');
    expect(first.attributes['http.response.status_code']).to.equal(200);
  });

  it('writes ./wiretap-traces.jsonl in the working directory by default', async () => {
    const tag = 'otel-default-file';
    const r = await runApp({ app: APP, env: { ...servers.env, RUN_TAG: tag, WIRETAP_FILE: undefined } });
    expect(r.code, r.stderr).to.equal(0);
    const { readSpanFile } = await import('../helpers/otlp');
    spanFor(readSpanFile(path.join(r.dir, 'wiretap-traces.jsonl')), `/${tag}/first`);
  });

  for (const [name, env] of [
    ['OTEL_TRACES_EXPORTER=none', { OTEL_TRACES_EXPORTER: 'none' }],
    ['OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true' }],
    ['OTEL_TRACES_SAMPLER=always_off', { OTEL_TRACES_SAMPLER: 'always_off' }],
  ] as const) {
    it(`${name}: no spans, the app is unaffected`, async () => {
      const tag = `otel-${name.split('=')[0].toLowerCase()}`;
      const [r, bare] = await Promise.all([
        runApp({ app: APP, env: { ...servers.env, RUN_TAG: tag, ...env } }),
        runApp({ app: APP, preload: 'none', env: { ...servers.env, RUN_TAG: `${tag}-bare` } }),
      ]);
      expectSameAppOutput(r, bare, tag, `${tag}-bare`);
      expect(fs.existsSync(r.file), 'span file').to.equal(false);
      expect(r.stderr).to.equal('');
      const tp = servers.requests(`/${tag}/first`)[0].headers.traceparent;
      if (name.startsWith('OTEL_SDK_DISABLED')) expect(tp).to.equal(undefined);
      if (name.includes('always_off')) expect(parseTraceparent(tp).flags).to.equal('00');
    });
  }

  it('OTEL_TRACES_SAMPLER=always_off: nothing reaches even the console exporter', async () => {
    // (That no body is copied for an unsampled span is Recording.wantsBodies; not observable from outside.)
    const tag = 'otel-always-off-console';
    const r = await runApp({ app: APP, env: { ...servers.env, RUN_TAG: tag, OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_EXPORTER: 'console' } });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.not.include('url.full');
    expect(r.stdout).to.not.include('second body"');
  });

  it('OTEL_TRACES_EXPORTER=console: spans printed to stdout, no file', async () => {
    const tag = 'otel-console';
    const r = await runApp({ app: APP, env: { ...servers.env, RUN_TAG: tag, OTEL_TRACES_EXPORTER: 'console' } });
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(r.file)).to.equal(false);
    expect(r.stdout).to.include(`${servers.http}/${tag}/first`);
    expect(r.stdout).to.include('GET 127.0.0.1');
    expect(r.json().filter((o) => o.name).map((o) => o.name)).to.deep.equal(['first', 'second']);
  });
});
