// The bundled agent (scripts/bundle.js): what the preload and the first call load, structurally (files in
// require.cache, decoders loaded), never timed. The cost itself is measured by the benchmark suite.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DIST, REPO, runApp } from '../helpers/run-app';

const APP = 'test/e2e/apps/bundle-load.js';
/** The preload is one file: dist/register.js. Some headroom for Node's own loader entries. */
const MAX_PRELOAD_FILES = 2;

const inDist = (files: string[]) => files.filter((f) => f.startsWith(DIST + path.sep)).map((f) => path.relative(DIST, f));
const inNodeModules = (files: string[]) => files.filter((f) => f.includes(`${path.sep}node_modules${path.sep}`));

describe('e2e: the bundled agent loads little', () => {
  it('the preload alone loads dist/register.js and nothing else', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { APP_MODE: 'preload' } });
    expect(r.code, r.stderr).to.equal(0);
    const { files } = r.json()[0] as { files: string[] };
    expect(inDist(files)).to.deep.equal(['register.js']);
    expect(inNodeModules(files), 'no package is loaded at preload').to.deep.equal([]);
    expect(files.length).to.be.at.most(MAX_PRELOAD_FILES);
  });

  it('every bundle is ASCII, so Node reads it as a one-byte string (no UTF-8 decoding and two-byte scanning at each load)', () => {
    const bundles = fs.readdirSync(DIST).filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(DIST, f), 'utf8').includes('__wiretapBundle'));
    expect(bundles).to.include.members(['register.js', 'runtime.js', 'lambda.js']);
    for (const f of bundles) {
      const text = fs.readFileSync(path.join(DIST, f), 'utf8');
      const at = text.search(/[^\x00-\x7f]/);
      expect(at, `${f}: non-ASCII at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`).to.equal(-1);
    }
  });

  it("the runtime bundle holds the transformer's trace serializers only, not its metrics and logs ones", () => {
    // The bundle is minified: its source map names the files it holds.
    const { sources } = JSON.parse(fs.readFileSync(path.join(DIST, 'runtime.js.map'), 'utf8')) as { sources: string[] };
    const transformer = sources.filter((s) => s.includes('/otlp-transformer/'));
    expect(transformer.some((s) => s.includes('/trace/'))).to.equal(true);
    expect(transformer.filter((s) => s.includes('/metrics/') || s.includes('/logs/'))).to.deep.equal([]);
  });

  it('the ESM preload (register.mjs) loads the same bundle', async () => {
    const r = await runApp({ app: APP, preload: 'esm', env: { APP_MODE: 'preload' } });
    expect(r.code, r.stderr).to.equal(0);
    expect(inDist((r.json()[0] as { files: string[] }).files)).to.deep.equal(['register.js']);
  });

  it('a DynamoDB call loads the runtime bundle and the DynamoDB decoder only: no metrics, no other service', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { APP_MODE: 'dynamodb' } });
    expect(r.code, r.stderr).to.equal(0);
    const out = r.json()[0] as { status: number; files: string[]; decoders: string[]; zlib: boolean };
    expect(out.status).to.equal(200);
    expect(inDist(out.files).sort()).to.deep.equal(['otel-api.js', 'register.js', 'runtime.js']);
    // Not even the OpenTelemetry API's files: the installed version is the bundled one, and the app has not
    // loaded it, so dist/otel-api.js uses its bundled copy.
    expect(inNodeModules(out.files), 'no package file is loaded').to.deep.equal([]);
    expect(out.decoders).to.deep.equal(['aws.dynamodb']);
    expect(out.zlib, 'zlib loads only for a compressed body').to.equal(false);
    const span = r.spans().find((s) => s.name === 'DynamoDB.GetItem');
    expect(span, 'the call is decoded').to.not.equal(undefined);
    expect(span!.attributes['aws.dynamodb.table_names']).to.deep.equal(['bundle-test']);
  });

  it('an app that loaded @opentelemetry/api itself: wiretap uses that same copy, not its bundled one', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { APP_MODE: 'app-api' } });
    expect(r.code, r.stderr).to.equal(0);
    const out = r.json()[0] as { status: number; shared: boolean };
    expect(out.status).to.equal(200);
    expect(out.shared).to.equal(true);
    expect(r.spans().find((s) => s.name === 'DynamoDB.GetItem'), 'the call is traced').to.not.equal(undefined);
  });

  describe('dist/otel-api.js picks the copy a plain require would give, by version', () => {
    // A copy of the selector in a directory of its own, with a stand-in package beside it.
    const setUp = (version: string | undefined): string => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-otel-api-'));
      fs.copyFileSync(path.join(DIST, 'otel-api.js'), path.join(dir, 'otel-api.js'));
      if (version) {
        const pkg = path.join(dir, 'node_modules', '@opentelemetry', 'api');
        fs.mkdirSync(path.join(pkg, 'build'), { recursive: true });
        fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@opentelemetry/api', version, main: 'build/index.js' }));
        fs.writeFileSync(path.join(pkg, 'build', 'index.js'), 'module.exports = { standIn: true };');
      }
      return path.join(dir, 'otel-api.js');
    };
    const bundledVersion = (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', '@opentelemetry', 'api', 'package.json'), 'utf8')) as { version: string }).version;

    it('another version installed: that package', () => {
      expect(require(setUp('1.0.0-other'))).to.deep.equal({ standIn: true });
    });
    it('the bundled version installed: the bundled copy', () => {
      const api = require(setUp(bundledVersion)) as { standIn?: boolean; trace?: unknown };
      expect(api.standIn).to.equal(undefined);
      expect(api.trace).to.be.an('object');
    });
  });

  describe("the V8 code cache of wiretap's bundles", () => {
    const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

    it('is written at exit by the first process, used by the next, and rewritten when V8 rejects it', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-v8-cache-'));
      const run = async () => {
        const r = await runApp({ app: APP, preload: 'cjs', env: { APP_MODE: 'dynamodb', WIRETAP_CODE_CACHE: dir } });
        expect(r.code, r.stderr).to.equal(0);
        expect(r.spans().find((s) => s.name === 'DynamoDB.GetItem'), 'the call is traced').to.not.equal(undefined);
      };
      await run();
      const files = cacheFiles(dir);
      expect(files.map((f) => f.split('-')[0])).to.deep.equal(['otel', 'runtime']);
      const runtime = path.join(dir, files.find((f) => f.startsWith('runtime-'))!);
      const written = fs.statSync(runtime);
      await run();
      expect(fs.statSync(runtime).mtimeMs, 'accepted: not written again').to.equal(written.mtimeMs);
      fs.writeFileSync(runtime, 'not a V8 code cache');
      await run();
      expect(fs.statSync(runtime).size, 'rejected: written again').to.be.greaterThan(1000);
      expect(cacheFiles(dir)).to.deep.equal(files);
    });

    it('WIRETAP_CODE_CACHE=0 and --enable-source-maps: the bundles load by plain require, and the call is traced', async () => {
      for (const env of [{ WIRETAP_CODE_CACHE: '0' }, { NODE_OPTIONS: '--enable-source-maps' }]) {
        const r = await runApp({ app: APP, preload: 'cjs', env: { APP_MODE: 'dynamodb', ...env } });
        expect(r.code, r.stderr).to.equal(0);
        expect(inDist((r.json()[0] as { files: string[] }).files).sort()).to.deep.equal(['otel-api.js', 'register.js', 'runtime.js']);
        expect(r.spans().find((s) => s.name === 'DynamoDB.GetItem'), 'the call is traced').to.not.equal(undefined);
      }
    });
  });

  it('metrics on: the metrics bundle loads (so the check above can fail)', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { APP_MODE: 'dynamodb', OTEL_METRICS_EXPORTER: 'file' } });
    expect(r.code, r.stderr).to.equal(0);
    expect(inDist((r.json()[0] as { files: string[] }).files)).to.include('metrics.js');
  });

  describe('Lambda init: what is loaded and built once the handler has loaded', () => {
    const init = async (env: Record<string, string>) => {
      const r = await runApp({
        app: APP,
        preload: 'cjs',
        env: { APP_MODE: 'lambda-init', OTEL_TRACES_EXPORTER: 'file', AWS_LAMBDA_FUNCTION_NAME: 'bundle-test', AWS_REGION: 'us-east-1', _HANDLER: 'index.handler', LAMBDA_TASK_ROOT: path.join(REPO, 'test/lambda/functions/cjs'), ...env },
      });
      expect(r.code, r.stderr).to.equal(0);
      const out = r.json();
      const state = out[0] as { files: string[]; built: boolean };
      // Whatever init did, the first invocation is traced: its call under its invocation span.
      expect(out.find((o) => o.result)?.result).to.include({ ok: true, downstream: 200, requestId: 'req-1' });
      const spans = r.spans();
      const invocation = spans.find((s) => s.attributes['faas.invocation_id'] === 'req-1');
      expect(invocation, 'the invocation span').to.not.equal(undefined);
      expect(spans.some((s) => s.parentSpanId === invocation!.spanId && String(s.attributes['url.full']).endsWith('/ok')), 'the call under it').to.equal(true);
      return { bundles: inDist(state.files).sort(), built: state.built };
    };
    it('on demand: the runtime and Lambda bundles are loaded (compiled), nothing is built yet', async () => {
      expect(await init({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' })).to.deep.equal({ bundles: ['lambda.js', 'register.js', 'runtime.js'], built: false });
    });
    it('provisioned concurrency: the provider is built in init too', async () => {
      expect(await init({ AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' })).to.deep.include({ built: true });
    });
    it('WIRETAP_LAMBDA_EAGER=false: nothing but the preload until the first call', async () => {
      expect(await init({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand', WIRETAP_LAMBDA_EAGER: 'false' })).to.deep.equal({ bundles: ['register.js'], built: false });
    });
  });

  it("the public wrapHandler() of dist/index.js works with the bundled preload's agent (Lambda mode)", async () => {
    const r = await runApp({
      app: APP,
      preload: 'cjs',
      env: { APP_MODE: 'lambda-wrap', OTEL_TRACES_EXPORTER: 'file', AWS_LAMBDA_FUNCTION_NAME: 'bundle-test', AWS_REGION: 'us-east-1', _HANDLER: 'index.handler', LAMBDA_TASK_ROOT: '/nonexistent' },
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json().find((o) => o.result)?.result).to.deep.equal({ status: 200 });
    const spans = r.spans();
    const call = spans.find((s) => s.name === 'DynamoDB.GetItem');
    const invocations = spans.filter((s) => s.attributes['faas.invocation_id'] === 'req-1');
    expect(invocations, 'one invocation span').to.have.length(1);
    expect(call, 'the call is decoded').to.not.equal(undefined);
    expect(call!.parentSpanId).to.equal(invocations[0].spanId);
  });
});
