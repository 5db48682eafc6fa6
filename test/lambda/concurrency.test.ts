// Multi-concurrency (aws-lambda-ric 4.x with AWS_LAMBDA_MAX_CONCURRENCY, as on Lambda Managed Instances):
// several invocations in flight in one process. Each invocation's calls must have that invocation's span
// as parent, never another's, and each invocation span must be delivered before its own answer.
import { expect } from 'chai';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { REPO } from '../helpers/run-app';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { nodeBinary, ricMissing, startFunction, type RunningFunction } from '../helpers/lambda/runtime-api';

const CONCURRENT = 3;

describe(`multi-concurrency under aws-lambda-ric 4.x on Node 24 (AWS_LAMBDA_MAX_CONCURRENCY): ${CONCURRENT} overlapping invocations`, function () {
  this.timeout(60_000);
  const bin = nodeBinary(24);
  let downstream: http.Server;
  let url = '';
  let receiver: OtlpReceiver;
  let fn: RunningFunction | undefined;
  let held: http.ServerResponse[] = [];

  before(async function () {
    const missing = ricMissing(4) ?? (bin ? undefined : 'Node 24 is not installed in .runtimes (bash scripts/install-runtimes.sh)');
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    // /hold answers only once every invocation is holding one: they overlap, whatever the machine's speed.
    downstream = http.createServer((req, res) => {
      if (!req.url?.startsWith('/hold')) return void res.end('ok');
      held.push(res);
      if (held.length === CONCURRENT) for (const r of held.splice(0)) r.end('released');
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await fn?.api.close();
    await receiver?.close();
    for (const r of held) r.destroy();
    downstream?.close();
  });

  it("each invocation's calls are children of that invocation's span; every span delivered before its answer", async () => {
    fn = await startFunction({
      ric: 4,
      node: bin!,
      taskRoot: path.join(REPO, 'test', 'lambda', 'functions', 'cjs'),
      handler: 'index.concurrent',
      preload: true,
      freeze: false,
      env: {
        AWS_LAMBDA_MAX_CONCURRENCY: String(CONCURRENT),
        DOWNSTREAM: url,
        WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '20000',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('/v1/traces', ''),
      },
    });
    const spansAtAnswer = new Map<number, ReturnType<OtlpReceiver['jsonSpans']>>();
    const outcomes = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, n) =>
        fn!.api.invoke({ n }, { timeoutMs: 30_000 }).then((o) => {
          spansAtAnswer.set(n, receiver.jsonSpans());
          return o;
        }),
      ),
    );
    expect(
      outcomes.map((o) => [o.kind, o.body]),
      fn.stderr(),
    ).to.deep.equal(Array.from({ length: CONCURRENT }, (_, n) => ['response', JSON.stringify({ n })]));
    for (let n = 0; n < CONCURRENT; n++) {
      const spans = spansAtAnswer.get(n)!;
      const inv = spans.filter((s) => s.attributes['faas.invocation_id'] !== undefined && s.attributes['http.request.body.content'] === JSON.stringify({ n }));
      expect(inv, `invocation ${n} delivered before its answer`).to.have.length(1);
      const mine = spans.filter((s) => s.parentSpanId === inv[0]!.spanId).map((s) => String(s.attributes['url.full']).replace(url, ''));
      expect(mine.sort(), `invocation ${n}'s calls, and only those`).to.deep.equal([`/hold?n=${n}`, `/ok?n=${n}`]);
    }
    const all = receiver.jsonSpans();
    const traces = new Set(all.filter((s) => s.attributes['faas.invocation_id'] !== undefined).map((s) => s.traceId));
    expect(traces.size, 'each invocation its own trace').to.equal(CONCURRENT);
  });
});
