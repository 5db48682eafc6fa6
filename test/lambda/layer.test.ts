// The layer zip through the exec wrapper, on the real runtime: `npm run build:layer`'s zip unpacked where
// Lambda mounts layers (/opt here is a temp folder outside the repository, so nothing resolves from the
// repository's node_modules), AWS_LAMBDA_EXEC_WRAPPER=<opt>/wiretap-wrapper, no NODE_OPTIONS.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { REPO } from '../helpers/run-app';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { nodeBinary, ricMissing, startFunction, type RunningFunction } from '../helpers/lambda/runtime-api';

function hasZip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Lambda layer: npm run build:layer, switched on by the exec wrapper', function () {
  this.timeout(120_000);
  let opt = '';
  let receiver: OtlpReceiver;
  let downstream: http.Server;
  const fns: RunningFunction[] = [];

  before(async function () {
    if (!hasZip()) {
      console.log('      skipped: zip/unzip not installed (bash scripts/ci/lambda.sh installs them)');
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-layer-'));
    const zip = path.join(dir, 'layer.zip');
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build-layer.js'), '--out', zip], { stdio: 'pipe' });
    opt = path.join(dir, 'opt');
    execFileSync('unzip', ['-q', zip, '-d', opt]);
    receiver = await startOtlpReceiver();
    downstream = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const f of fns) await f.api.close();
    downstream?.close();
    await receiver?.close();
    if (opt) fs.rmSync(path.dirname(opt), { recursive: true, force: true });
  });

  it('contains the package, its runtime dependencies and the wrapper, and no devDependency', () => {
    expect(fs.existsSync(path.join(opt, 'wiretap-wrapper'))).to.equal(true);
    expect(fs.statSync(path.join(opt, 'wiretap-wrapper')).mode & 0o111).to.not.equal(0);
    const modules = path.join(opt, 'nodejs', 'node_modules');
    expect(fs.existsSync(path.join(modules, 'wiretap', 'dist', 'register.js'))).to.equal(true);
    expect(fs.existsSync(path.join(modules, '@opentelemetry', 'sdk-trace-base', 'package.json'))).to.equal(true);
    for (const dev of ['mocha', 'typescript', '@aws-sdk', 'chai']) expect(fs.existsSync(path.join(modules, dev)), dev).to.equal(false);
  });

  for (const { ric, node } of [{ ric: 3 as const, node: 22 as const }, { ric: 4 as const, node: 24 as const }]) {
    it(`traces a function under aws-lambda-ric ${ric}.x on Node ${node} through /opt/wiretap-wrapper`, async function () {
      const bin = nodeBinary(node);
      const missing = ricMissing(ric) ?? (bin ? undefined : `Node ${node} not installed`);
      if (missing) {
        console.log(`      skipped: ${missing}`);
        this.skip();
      }
      const fn = await startFunction({
        ric,
        node: bin!,
        taskRoot: path.join(REPO, 'test', 'lambda', 'functions', 'cjs'),
        handler: 'index.handler',
        execWrapper: path.join(opt, 'wiretap-wrapper'),
        env: {
          DOWNSTREAM: `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('/v1/traces', ''),
          WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '20000', // order, not speed: a loaded machine must not drop the span
        },
      });
      fns.push(fn);
      const before = receiver.jsonSpans().length;
      const out = await fn.api.invoke({ n: 1 }, { timeoutMs: 60000 });
      expect(out.kind, fn.stderr()).to.equal('response');
      const spans = receiver.jsonSpans().slice(before);
      const inv = spans.find((s) => s.attributes['faas.invocation_id'] !== undefined);
      expect(inv, fn.stderr()).to.not.equal(undefined);
      expect(spans.filter((s) => s.parentSpanId === inv!.spanId)).to.have.length(1);
    });
  }
});
