// Multi-concurrency (aws-lambda-ric 4.x with AWS_LAMBDA_MAX_CONCURRENCY, as on Lambda Managed Instances):
// several invocations in flight in one process (4.x runs them on worker threads, each a runtime with its
// own agent; the tests use one worker, so the invocations share one agent). Each invocation's calls must have that invocation's span
// as parent, never another's, and each invocation span must be delivered before its own answer.
import { expect } from 'chai';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { REPO } from '../helpers/run-app';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { nodeBinary, ricMissing, startFunction, type RunningFunction } from '../helpers/lambda/runtime-api';

const CONCURRENT = 3;

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(`multi-concurrency under aws-lambda-ric 4.x on Node 24 (AWS_LAMBDA_MAX_CONCURRENCY): ${CONCURRENT} overlapping invocations`, function () {
  this.timeout(60_000);
  const bin = nodeBinary(24);
  let downstream: http.Server;
  let url = '';
  let receiver: OtlpReceiver;
  let fn: RunningFunction | undefined;
  let held: http.ServerResponse[] = [];
  const hanging: http.ServerResponse[] = [];
  const slow: http.ServerResponse[] = [];

  before(async function () {
    const missing = ricMissing(4) ?? (bin ? undefined : 'Node 24 is not installed in .runtimes (bash scripts/install-runtimes.sh)');
    if (missing) {
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    // /hold answers only once every invocation is holding one: they overlap, whatever the machine's speed.
    downstream = http.createServer((req, res) => {
      if (req.url?.startsWith('/hang')) return void hanging.push(res);
      if (req.url?.startsWith('/slow')) return void slow.push(res);
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
    for (const r of [...held, ...hanging, ...slow]) r.destroy();
    downstream?.close();
  });

  /** index.concurrent on 4.x with CONCURRENT invocations at once, exporting OTLP/JSON to `receiverUrl`. */
  const startConcurrent = (receiverUrl: string, env: Record<string, string>): Promise<RunningFunction> =>
    startFunction({
      ric: 4,
      node: bin!,
      taskRoot: path.join(REPO, 'test', 'lambda', 'functions', 'cjs'),
      handler: 'index.concurrent',
      preload: true,
      freeze: false,
      env: {
        AWS_LAMBDA_MAX_CONCURRENCY: String(CONCURRENT),
        // One worker thread (4.x starts 8 per CPU, each a runtime with its own agent): the invocations
        // overlap in one agent, which is where parentage and the timeout's scoping matter.
        AWS_LAMBDA_NODEJS_WORKER_COUNT: '1',
        DOWNSTREAM: url,
        WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '20000',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl.replace('/v1/traces', ''),
        ...env,
      },
    });

  it("each invocation's calls are children of that invocation's span; every span delivered before its answer", async () => {
    fn = await startConcurrent(receiver.url, {});
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
  it("one invocation times out while others are in flight: its watchdog reports only its own calls as unfinished", async () => {
    await fn?.api.close();
    // A receiver of its own: only this test's spans.
    const rx = await startOtlpReceiver();
    try {
      fn = await startConcurrent(rx.url, {
        // /slow stands in for /hold here: the two others stay in flight until the test lets them go.
        HOLD_PATH: '/slow',
        // The watchdog fires 3.5 s before the 5 s deadline of the one that hangs.
        WIRETAP_LAMBDA_TIMEOUT_BUFFER_MS: '3500',
      });
      const isInvocation = (s: { attributes: Record<string, unknown> }, n: number) => s.attributes['faas.invocation_id'] !== undefined && String(s.attributes['http.request.body.content']).includes(`"n":${n}`);
      const others = [1, 2].map((n) => fn!.api.invoke({ n }, { timeoutMs: 60_000 }));
      // Both others are holding a call before the one that will time out starts.
      await waitFor(() => slow.length === 2, 'the two others in flight');
      const timedOut = fn.api.invoke({ n: 0, hang: true }, { timeoutMs: 5_000 });
      // The watchdog's partial record of invocation 0 arrives; only then are the others let go.
      await waitFor(() => rx.jsonSpans().some((s) => isInvocation(s, 0) && s.attributes['wiretap.incomplete'] === true), 'the partial record of invocation 0', 4_500);
      const atWatchdog = rx.jsonSpans();
      for (const r of slow.splice(0)) r.end('released');
      const outcomes = await Promise.all(others);
      expect(outcomes.map((o) => [o.kind, o.body]), fn.stderr()).to.deep.equal([1, 2].map((n) => ['response', JSON.stringify({ n })]));
      expect((await timedOut).kind).to.equal('killed');

      const inv0 = atWatchdog.find((s) => isInvocation(s, 0))!;
      const incomplete = atWatchdog.filter((s) => s.attributes['wiretap.incomplete'] === true);
      expect(incomplete.map((s) => (s.attributes['url.full'] ? String(s.attributes['url.full']).replace(url, '') : 'invocation')).sort(), 'unfinished at the watchdog: invocation 0 and its hanging call, nothing of the others').to.deep.equal(['/hang?n=0', 'invocation']);
      expect(incomplete.every((s) => s.traceId === inv0.traceId)).to.equal(true);
      const all = rx.jsonSpans();
      for (const n of [1, 2]) {
        const inv = all.filter((s) => isInvocation(s, n));
        expect(inv, `invocation ${n}: one record, final`).to.have.length(1);
        expect(inv[0]!.attributes['wiretap.incomplete']).to.equal(undefined);
        const mine = all.filter((s) => s.parentSpanId === inv[0]!.spanId);
        expect(mine.map((s) => String(s.attributes['url.full']).replace(url, '')).sort()).to.deep.equal([`/ok?n=${n}`, `/slow?n=${n}`]);
        expect(mine.every((s) => s.attributes['wiretap.incomplete'] === undefined), `invocation ${n}'s calls ended normally, once`).to.equal(true);
      }
    } finally {
      await rx.close();
    }
  });
});
