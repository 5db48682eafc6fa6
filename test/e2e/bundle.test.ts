// The bundled agent (scripts/bundle.js): what the preload and the first call load, structurally (files in
// require.cache, decoders loaded), never timed. The cost itself is measured by the benchmark suite.
import { expect } from 'chai';
import * as path from 'node:path';
import { DIST, runApp } from '../helpers/run-app';

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

  it('the ESM preload (register.mjs) loads the same bundle', async () => {
    const r = await runApp({ app: APP, preload: 'esm', env: { APP_MODE: 'preload' } });
    expect(r.code, r.stderr).to.equal(0);
    expect(inDist((r.json()[0] as { files: string[] }).files)).to.deep.equal(['register.js']);
  });

  it('a DynamoDB call loads the runtime bundle and the DynamoDB decoder only: no metrics, no other service', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { APP_MODE: 'dynamodb' } });
    expect(r.code, r.stderr).to.equal(0);
    const out = r.json()[0] as { status: number; files: string[]; decoders: string[] };
    expect(out.status).to.equal(200);
    expect(inDist(out.files).sort()).to.deep.equal(['register.js', 'runtime.js']);
    // Only the OpenTelemetry API is a package of its own (shared with the app); the rest is bundled.
    expect(inNodeModules(out.files).every((f) => f.includes(`${path.sep}@opentelemetry${path.sep}api${path.sep}`)), inNodeModules(out.files).join('\n')).to.equal(true);
    expect(out.decoders).to.deep.equal(['aws.dynamodb']);
    const span = r.spans().find((s) => s.name === 'DynamoDB.GetItem');
    expect(span, 'the call is decoded').to.not.equal(undefined);
    expect(span!.attributes['aws.dynamodb.table_names']).to.deep.equal(['bundle-test']);
  });

  it('metrics on: the metrics bundle loads (so the check above can fail)', async () => {
    const r = await runApp({ app: APP, preload: 'cjs', env: { APP_MODE: 'dynamodb', OTEL_METRICS_EXPORTER: 'file' } });
    expect(r.code, r.stderr).to.equal(0);
    expect(inDist((r.json()[0] as { files: string[] }).files)).to.include('metrics.js');
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
