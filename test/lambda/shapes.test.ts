// The handler shapes the runtimes accept besides async functions and callbacks: a plain function that
// returns a value, and (aws-lambda-ric 3.x, nodejs22.x) the context's succeed/fail/done. Ground truth is the
// real runtime without wiretap: every shape is run once without the preload and once with it, and the
// runtime must answer the same; with wiretap, the invocation span (delivered before that answer) must say
// what the runtime answered: the same response body, or an ERROR with the same error type.
import { expect } from 'chai';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { REPO } from '../helpers/run-app';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { STATUS_ERROR, type FlatSpan } from '../helpers/otlp';
import { nodeBinary, ricMissing, startFunction, type NodeMajor, type Outcome, type RicMajor, type RunningFunction } from '../helpers/lambda/runtime-api';

const TASK_ROOT = path.join(REPO, 'test', 'lambda', 'functions', 'cjs');
const RUNTIMES: { ric: RicMajor; node: NodeMajor }[] = [
  { ric: 3, node: 22 },
  { ric: 4, node: 24 },
];
/** Each names a shape in functions/cjs/shapes.js. */
const SHAPES = ['syncValue', 'syncThrow', 'syncWithCall', 'succeed', 'succeedSync', 'fail', 'failEmpty', 'done', 'doneError', 'succeedTwice', 'callbackWaits', 'rejectEmpty', 'callbackNoWait', 'callbackThenCall'];
/** 4.x has no context methods: these would fail inside a promise (an unhandled rejection, a crash), so they run on 3.x only. */
const RIC3_ONLY = new Set(['succeed', 'fail', 'done']);
const shapesFor = (ric: RicMajor) => SHAPES.filter((s) => ric === 3 || !RIC3_ONLY.has(s));
/** The shapes that make a downstream call before their outcome (on 3.x, where they run). */
const CALLS = new Set(['syncWithCall', 'succeed', 'fail', 'done', 'callbackThenCall']);
/**
 * 4.x awaits whatever a buffered handler returns (and catches what it throws), so wiretap delivers these
 * asynchronously there: no synchronous OTLP send (a child process) per invocation. 3.x reports a
 * synchronous throw at once, so that one is delivered synchronously.
 */
const DELIVERED_SYNC: Record<RicMajor, Set<string>> = { 3: new Set(['syncThrow']), 4: new Set() };

const syncSends = (stderr: string): number => stderr.split('\n').filter((l) => l === 'WIRETAP_SYNC_SEND').length;

/** What the runtime answered, without the parts that differ from run to run (stacks). */
function answer(o: Outcome): { kind: string; body: unknown } {
  if (o.kind !== 'error') return { kind: o.kind, body: o.body };
  const e = JSON.parse(o.body) as { errorType: string; errorMessage: string };
  return { kind: o.kind, body: { errorType: e.errorType, errorMessage: e.errorMessage } };
}

for (const { ric, node } of RUNTIMES) {
  describe(`handler shapes under aws-lambda-ric ${ric}.x on Node ${node}: the runtime answers as without wiretap, and the span says what it answered`, function () {
    this.timeout(120_000);
    const bin = nodeBinary(node);
    const missing = ricMissing(ric) ?? (bin ? undefined : `Node ${node} is not installed in .runtimes (bash scripts/install-runtimes.sh)`);
    let downstream: http.Server;
    let downstreamUrl: string;
    let receiver: OtlpReceiver;
    let fn: RunningFunction | undefined;
    const without = new Map<string, Outcome>();

    before(async function () {
      if (missing) {
        // eslint-disable-next-line no-console
        console.log(`      skipped: ${missing}`);
        this.skip();
      }
      downstream = http.createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
      downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
      receiver = await startOtlpReceiver();
      // Ground truth: the same runtime, the same function, no wiretap.
      const plain = await startFunction({ ric, node: bin!, taskRoot: TASK_ROOT, handler: 'shapes.dispatch', env: { DOWNSTREAM: downstreamUrl } });
      try {
        for (const shape of shapesFor(ric)) without.set(shape, await plain.api.invoke({ shape }, { timeoutMs: 20_000 }));
      } finally {
        await plain.api.close();
      }
      fn = await startFunction({
        ric,
        node: bin!,
        taskRoot: TASK_ROOT,
        handler: 'shapes.dispatch',
        preload: true,
        env: {
          DOWNSTREAM: downstreamUrl,
          COUNT_SYNC_SENDS: '1',
          WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '20000',
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('/v1/traces', ''),
        },
      });
    });
    after(async () => {
      await fn?.api.close();
      await receiver?.close();
      downstream?.close();
    });

    for (const shape of shapesFor(ric)) {
      it(shape, async () => {
        const syncSendsBefore = syncSends(fn!.stderr());
        const out = await fn!.api.invoke({ shape }, { timeoutMs: 20_000 });
        const syncSendsAfter = syncSends(fn!.stderr());
        const atAnswer = receiver.jsonSpans();
        expect(answer(out), fn!.stderr()).to.deep.equal(answer(without.get(shape)!));
        expect(out.kind, 'no false timeout').to.not.equal('killed');
        const spans = atAnswer.filter((s) => s.attributes['faas.invocation_id'] !== undefined && s.attributes['http.request.body.content'] === JSON.stringify({ shape }));
        expect(spans, 'one invocation span, delivered before the answer').to.have.length(1);
        const inv: FlatSpan = spans[0]!;
        expect(inv.attributes['wiretap.incomplete']).to.equal(undefined);
        if (out.kind === 'error') {
          expect(inv.status.code).to.equal(STATUS_ERROR);
          expect(inv.attributes['error.type']).to.equal(JSON.parse(out.body).errorType);
        } else {
          expect(inv.status.code).to.not.equal(STATUS_ERROR);
          expect(inv.attributes['http.response.body.content'] ?? 'null').to.equal(out.body);
        }
        expect(syncSendsAfter - syncSendsBefore, `synchronous OTLP deliveries (child processes) in this invocation; stderr:\n${fn!.stderr()}`).to.equal(DELIVERED_SYNC[ric].has(shape) ? 1 : 0);
        if (ric === 3 && CALLS.has(shape)) {
          const calls = atAnswer.filter((s) => s.parentSpanId === inv.spanId && s.traceId === inv.traceId);
          expect(calls.map((c) => c.attributes['url.full'])).to.deep.equal([`${downstreamUrl}/ok`]);
        }
      });
    }
  });
}
