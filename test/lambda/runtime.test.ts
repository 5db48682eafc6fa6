// wiretap under the real Lambda runtime interface client (aws-lambda-ric 3.x as in nodejs22.x, 4.x as in
// nodejs24.x), against a fake Runtime API that freezes the process between invocations and kills it at
// the deadline. Assertions are on what a local OTLP receiver (or stdout) had by the time the runtime
// posted the result, froze, or was killed.
import { expect } from 'chai';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { REPO } from '../helpers/run-app';
import { flattenLogsRequest } from '../helpers/logs';
import { logsFromText } from '../../src/views/model/logs';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver';
import { SPAN_KIND, STATUS_ERROR, type FlatSpan } from '../helpers/otlp';
import { nodeBinary, ricMissing, spansFromLines, startFunction, type NodeMajor, type RicMajor, type RunningFunction } from '../helpers/lambda/runtime-api';

const FUNCTIONS = path.join(REPO, 'test', 'lambda', 'functions');
const FAKE_SECRETS = ['fakeSecretKeyfakeSecretKeyfakeSecretKey0', 'FAKE-SESSION-TOKEN-wiretap-test-only'];

/** The managed runtimes: nodejs22.x runs ric 3.x, nodejs24.x runs ric 4.x. */
const RUNTIMES: { ric: RicMajor; node: NodeMajor }[] = [
  { ric: 3, node: 22 },
  { ric: 4, node: 24 },
];

interface Downstream {
  url: string;
  close(): void;
}

/** The calls the test functions make: `/hang` never answers. */
async function startDownstream(): Promise<Downstream> {
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/hang') {
      hanging.push(res);
      return;
    }
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const r of hanging) r.destroy();
      server.close();
    },
  };
}

const invocationSpans = (spans: FlatSpan[]) => spans.filter((s) => s.attributes['faas.invocation_id'] !== undefined);
const childrenOf = (spans: FlatSpan[], parent: FlatSpan) => spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId);

for (const { ric, node } of RUNTIMES) {
  describe(`Lambda mode under aws-lambda-ric ${ric}.x on Node ${node}`, function () {
    this.timeout(120_000);
    const bin = nodeBinary(node);
    const missing = ricMissing(ric) ?? (bin ? undefined : `Node ${node} is not installed in .runtimes (bash scripts/install-runtimes.sh)`);
    let downstream: Downstream;
    let receiver: OtlpReceiver;
    let fn: RunningFunction | undefined;

    before(async function () {
      if (missing) {
        // eslint-disable-next-line no-console
        console.log(`      skipped: ${missing}`);
        this.skip();
      }
      downstream = await startDownstream();
    });
    beforeEach(async () => {
      receiver = await startOtlpReceiver();
    });
    afterEach(async () => {
      await fn?.api.close();
      fn = undefined;
      await receiver.close();
    });
    after(() => downstream?.close());

    // The flush wait is raised from its default (a tenth of the time left) so that a loaded CI machine
    // cannot turn a slow first export into a missing span: these tests are about order, not speed.
    const start = (dir: string, handler: string, env: Record<string, string> = {}, extra: { execWrapper?: string; preload?: boolean } = { preload: true }) =>
      startFunction({ ric, node: bin!, taskRoot: path.join(FUNCTIONS, dir), handler, ...extra, env: { DOWNSTREAM: downstream.url, WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '20000', ...env } });
    const otlp = () => ({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url.replace('/v1/traces', '') });

    it('CommonJS async handler: one invocation span per invocation, delivered before the result; cold then warm; each its own trace', async () => {
      fn = await start('cjs', 'index.handler', otlp());
      const first = await fn.api.invoke({ n: 1 });
      const atFirst = receiver.jsonSpans();
      expect(first.kind, fn.stderr()).to.equal('response');
      expect(JSON.parse(first.body)).to.include({ ok: true, n: 1, downstream: 200 });
      const inv1 = invocationSpans(atFirst);
      expect(inv1, 'invocation span received before the runtime got the result').to.have.length(1);
      expect(inv1[0]!.kind).to.equal(SPAN_KIND.SERVER);
      expect(inv1[0]!.attributes).to.include({ 'faas.coldstart': true, 'faas.trigger': 'other', 'cloud.account.id': '123456789012' });
      expect(inv1[0]!.attributes['cloud.resource_id']).to.equal('arn:aws:lambda:us-east-1:123456789012:function:wiretap-test');
      expect(inv1[0]!.resource).to.include({ 'faas.name': 'wiretap-test', 'cloud.region': 'us-east-1', 'cloud.provider': 'aws', 'faas.max_memory': 128 * 1024 * 1024 });
      const calls = childrenOf(atFirst, inv1[0]!);
      expect(calls.map((c) => c.attributes['url.full'])).to.deep.equal([`${downstream.url}/ok`]);
      expect(inv1[0]!.attributes['http.request.body.content']).to.equal('{"n":1}');
      expect(String(inv1[0]!.attributes['http.response.body.content'])).to.include('"ok":true');

      let atFreeze: FlatSpan[] = [];
      fn.api.onFreeze = () => (atFreeze = receiver.jsonSpans());
      const second = await fn.api.invoke({ n: 2 });
      expect(second.kind).to.equal('response');
      await fn.api.frozenTimes(1);
      const inv = invocationSpans(atFreeze);
      expect(inv, 'both invocations delivered before the freeze').to.have.length(2);
      expect(inv[1]!.attributes['faas.coldstart']).to.equal(false);
      expect(inv[1]!.traceId).to.not.equal(inv[0]!.traceId);
      expect(inv[1]!.parentSpanId).to.equal(undefined);
      expect(childrenOf(atFreeze, inv[1]!)).to.have.length(1);
      // Nothing of the role's credentials anywhere.
      for (const r of receiver.received) for (const secret of FAKE_SECRETS) expect(r.body.toString()).to.not.include(secret);
    });

    it('ES module handler, default exporter: OTLP-JSON lines on stdout, before the result', async () => {
      fn = await start('esm', 'index.handler');
      const out = await fn.api.invoke({ n: 7 });
      const stdoutAtResult = fn.stdout();
      expect(out.kind, fn.stderr()).to.equal('response');
      expect(JSON.parse(out.body)).to.deep.equal({ esm: true, n: 7, downstream: 200 });
      const spans = spansFromLines(stdoutAtResult);
      const [inv] = invocationSpans(spans);
      expect(inv, stdoutAtResult).to.not.equal(undefined);
      expect(childrenOf(spans, inv!)).to.have.length(1);
      for (const secret of FAKE_SECRETS) expect(fn.stdout()).to.not.include(secret);
    });

    for (const dir of ['cjs', 'esm']) {
      it(`AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency (wiretap builds everything in init; test/e2e/bundle.test.ts checks that), ${dir === 'cjs' ? 'CommonJS' : 'ES module'} handler: the same invocation span and call, delivered before the result`, async () => {
        fn = await start(dir, 'index.handler', { ...otlp(), AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' });
        const out = await fn.api.invoke({ n: 3 });
        const atResult = receiver.jsonSpans();
        expect(out.kind, fn.stderr()).to.equal('response');
        expect(JSON.parse(out.body)).to.include({ n: 3, downstream: 200 });
        const [inv] = invocationSpans(atResult);
        expect(inv, 'invocation span received before the result').to.not.equal(undefined);
        expect(inv!.attributes['faas.coldstart']).to.equal(true);
        expect(childrenOf(atResult, inv!).map((c) => c.attributes['url.full'])).to.deep.equal([`${downstream.url}/ok`]);
      });
    }

    it('nested handler paths: src/api/orders.handler and index.nested.deeper.handler', async () => {
      fn = await start('cjs', 'src/api/orders.handler', otlp());
      const out = await fn.api.invoke({});
      expect(JSON.parse(out.body), fn.stderr()).to.deep.equal({ orders: [], downstream: 200 });
      const [inv] = invocationSpans(receiver.jsonSpans());
      expect(childrenOf(receiver.jsonSpans(), inv!).map((s) => s.attributes['url.full'])).to.deep.equal([`${downstream.url}/orders`]);
      await fn.api.close();

      fn = await start('cjs', 'index.nested.deeper.handler', otlp());
      const nested = await fn.api.invoke({});
      expect(JSON.parse(nested.body), fn.stderr()).to.deep.equal({ nested: true, downstream: 200 });
      expect(invocationSpans(receiver.jsonSpans())).to.have.length(2);
    });

    it('a handler that rejects: the same error goes to the runtime; ERROR span with the error type', async () => {
      fn = await start('cjs', 'index.throws', otlp());
      const out = await fn.api.invoke({});
      expect(out.kind).to.equal('error');
      expect(JSON.parse(out.body)).to.include({ errorType: 'TypeError', errorMessage: 'order total is not a number' });
      const [inv] = invocationSpans(receiver.jsonSpans());
      expect(inv!.status.code).to.equal(STATUS_ERROR);
      expect(inv!.status.message).to.equal('order total is not a number');
      expect(inv!.attributes['error.type']).to.equal('TypeError');
      expect(childrenOf(receiver.jsonSpans(), inv!)).to.have.length(1);
    });

    it('a handler that throws synchronously: delivered before the error is reported', async () => {
      fn = await start('cjs', 'index.throwsSync', otlp());
      const out = await fn.api.invoke({});
      const at = receiver.jsonSpans();
      expect(out.kind).to.equal('error');
      expect(JSON.parse(out.body)).to.include({ errorType: 'RangeError' });
      expect(invocationSpans(at).map((s) => s.attributes['error.type'])).to.deep.equal(['RangeError']);
    });

    it('response streaming (awslambda.streamifyResponse) keeps streaming; spans delivered before the freeze', async () => {
      fn = await start('esm', 'index.stream', otlp());
      let atFreeze: FlatSpan[] = [];
      fn.api.onFreeze = () => (atFreeze = receiver.jsonSpans());
      const out = await fn.api.invoke({});
      expect(out.kind, fn.stderr()).to.equal('response');
      expect(out.streamed).to.equal(true);
      expect(out.body).to.equal('first chunk 200\nlast chunk\n');
      await fn.api.frozenTimes(1);
      const [inv] = invocationSpans(atFreeze);
      expect(inv, 'invocation span before the freeze').to.not.equal(undefined);
      expect(childrenOf(atFreeze, inv!)).to.have.length(1);
    });

    if (ric === 3) {
      it('callback handlers (nodejs22.x): result and error through the callback, delivered before the result', async () => {
        fn = await start('cjs', 'index.callback', otlp());
        const out = await fn.api.invoke({});
        const at = receiver.jsonSpans();
        expect(JSON.parse(out.body), fn.stderr()).to.deep.equal({ ok: true, via: 'callback', downstream: 200 });
        const [inv] = invocationSpans(at);
        expect(String(inv!.attributes['http.response.body.content'])).to.include('callback');
        expect(childrenOf(at, inv!)).to.have.length(1);
        await fn.api.close();

        fn = await start('cjs', 'index.callbackError', otlp());
        const failed = await fn.api.invoke({});
        expect(failed.kind).to.equal('error');
        expect(invocationSpans(receiver.jsonSpans()).filter((s) => s.status.code === STATUS_ERROR)).to.have.length(1);
      });
    }

    it('timeout: the watchdog exports the invocation and the hanging call as unfinished before the kill', async () => {
      fn = await start('cjs', 'index.hang', { WIRETAP_LAMBDA_TIMEOUT_BUFFER_MS: '2000' });
      const out = await fn.api.invoke({}, { timeoutMs: 5000 });
      expect(out.kind, fn.stderr()).to.equal('killed');
      // What the process had written when it was killed (the pipe may still hold some of it).
      const stdoutAtKill = await fn.stdoutAfterExit();
      const spans = spansFromLines(stdoutAtKill);
      const [inv] = invocationSpans(spans);
      expect(inv, stdoutAtKill).to.not.equal(undefined);
      expect(inv!.attributes).to.include({ 'wiretap.incomplete': true, 'wiretap.incomplete.reason': 'timeout' });
      const calls = childrenOf(spans, inv!);
      const hanging = calls.find((c) => String(c.attributes['url.full']).endsWith('/hang'));
      const finished = calls.find((c) => String(c.attributes['url.full']).endsWith('/ok'));
      expect(finished?.attributes['wiretap.incomplete']).to.equal(undefined);
      expect(hanging?.attributes).to.include({ 'wiretap.incomplete': true, 'wiretap.incomplete.reason': 'timeout' });
    });

    it('log lines (WIRETAP_CAPTURE_LOGS) are tied to their invocation span, delivered before the result, and before the kill on a timeout', async () => {
      fn = await start('cjs', 'index.logs', { ...otlp(), OTEL_LOGS_EXPORTER: 'otlp', WIRETAP_CAPTURE_LOGS: 'true' });
      for (const n of [1, 2]) {
        const out = await fn.api.invoke({ n });
        expect(out.kind, fn.stderr()).to.equal('response');
        // Delivered before the runtime got the result: both lines of this invocation, under its span.
        const logs = receiver.received.filter((r) => r.path === '/v1/logs').flatMap((r) => flattenLogsRequest(JSON.parse(r.body.toString())));
        const inv = invocationSpans(receiver.jsonSpans())[n - 1]!;
        const mine = logs.filter((l) => l.body.startsWith(`invocation ${n} `));
        expect(mine.map((l) => [l.body, l.severityText, l.traceId, l.spanId])).to.deep.equal([
          [`invocation ${n} started`, 'INFO', inv.traceId, inv.spanId],
          [`invocation ${n} done`, 'ERROR', inv.traceId, inv.spanId],
        ]);
      }
      await fn.api.close();
      // A timeout: the last line before the hang goes out with the partial trace, before the kill.
      fn = await start('cjs', 'index.logsThenHang', { WIRETAP_CAPTURE_LOGS: 'true', WIRETAP_LAMBDA_TIMEOUT_BUFFER_MS: '2000' });
      const out = await fn.api.invoke({}, { timeoutMs: 5000 });
      expect(out.kind, fn.stderr()).to.equal('killed');
      const lines = await fn.stdoutAfterExit();
      const [inv] = invocationSpans(spansFromLines(lines));
      // The OTLP log record (the runtime's own text line is also in stdout, without span ids); no record of wiretap's own lines.
      const all = logsFromText(lines).filter((l) => l.traceId !== undefined);
      expect(all.filter((l) => l.body.includes('resourceSpans'))).to.deep.equal([]);
      const logs = all.filter((l) => l.body === 'about to call the slow service');
      expect(logs, lines).to.have.length(1);
      expect([logs[0]!.traceId, logs[0]!.spanId]).to.deep.equal([inv!.traceId, inv!.spanId]);
    });

    it('metrics (OTEL_METRICS_EXPORTER=emf): each invocation\'s calls are on stdout as EMF before the result goes back', async () => {
      fn = await start('cjs', 'index.handler', { OTEL_METRICS_EXPORTER: 'emf' });
      for (const n of [1, 2]) {
        const out = await fn.api.invoke({ n });
        expect(out.kind, fn.stderr()).to.equal('response');
        const emf = fn
          .stdout()
          .split('\n')
          .filter((l) => l.startsWith('{"_aws"'))
          .map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } });
        const http = emf.filter((e) => e._aws.CloudWatchMetrics.some((m) => m.Metrics.some((x) => x.Name === 'http.client.request.duration')));
        // Delta temporality in Lambda: one object per invocation for the one downstream call.
        expect(http, fn.stdout()).to.have.length(n);
        const values = http[n - 1]!['http.client.request.duration'] as { Values: number[]; Counts: number[] };
        expect(values.Counts.reduce((a, b) => a + b, 0)).to.equal(1);
      }
    });

    it('a handler that finishes after the watchdog: the real end is exported too, and tells itself apart', async () => {
      // The watchdog fires at most 1 s into the invocation (10 s left, 9 s buffer), the handler ends after 1.5 s:
      // the order is fixed by the two timers in the function, whatever the machine's load.
      fn = await start('cjs', 'index.slow', { WIRETAP_LAMBDA_TIMEOUT_BUFFER_MS: '9000' });
      const out = await fn.api.invoke({ sleepMs: 1500 }, { timeoutMs: 10000 });
      expect(out.kind, fn.stderr()).to.equal('response');
      const records = invocationSpans(spansFromLines(fn.stdout()));
      expect(records).to.have.length(2);
      expect(records[0]!.spanId).to.equal(records[1]!.spanId);
      const partial = records.find((r) => r.attributes['wiretap.incomplete'] === true);
      const final = records.find((r) => r.attributes['wiretap.incomplete'] === undefined);
      expect(partial?.attributes['wiretap.incomplete.reason']).to.equal('timeout');
      expect(String(final?.attributes['http.response.body.content'])).to.equal('{"slept":1500}');
    });

    it('HTTP API event: SERVER span continuing the caller traceparent, route, status from the result, Authorization and Cookie masked', async () => {
      fn = await start('cjs', 'index.http', otlp());
      const event = {
        version: '2.0',
        routeKey: 'POST /orders/{id}',
        rawPath: '/orders/42',
        headers: { authorization: 'Bearer fake-token-abc', cookie: 'session=fake-cookie', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        requestContext: { http: { method: 'POST', path: '/orders/42' }, domainName: 'abc.execute-api.us-east-1.amazonaws.com' },
        body: '{"total":3}',
      };
      const out = await fn.api.invoke(event);
      expect(JSON.parse(out.body).statusCode, fn.stderr()).to.equal(201);
      const spans = receiver.jsonSpans();
      const [inv] = invocationSpans(spans);
      expect(inv!.kind).to.equal(SPAN_KIND.SERVER);
      expect(inv!.name).to.equal('POST /orders/{id}');
      expect(inv!.traceId).to.equal('0af7651916cd43dd8448eb211c80319c');
      expect(inv!.parentSpanId).to.equal('b7ad6b7169203331');
      expect(inv!.attributes).to.include({ 'faas.trigger': 'http', 'http.request.method': 'POST', 'http.route': '/orders/{id}', 'url.path': '/orders/42', 'http.response.status_code': 201 });
      const request = String(inv!.attributes['http.request.body.content']);
      expect(request).to.not.include('fake-token-abc').and.to.not.include('fake-cookie');
      expect(request).to.include('"total');
      expect(String(inv!.attributes['http.response.body.content'])).to.not.include('fake-session-cookie');
      // The downstream call continues the caller's trace.
      expect(childrenOf(spans, inv!)).to.have.length(1);
    });

    it("SQS event: CONSUMER span with the queue and message ids, continuing the producer's X-Ray trace", async () => {
      fn = await start('cjs', 'index.handler', otlp());
      const record = (id: string) => ({
        messageId: id,
        body: '{}',
        attributes: { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0' },
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:orders',
      });
      await fn.api.invoke({ Records: [record('m-1')] });
      const [inv] = invocationSpans(receiver.jsonSpans());
      expect(inv!.kind).to.equal(SPAN_KIND.CONSUMER);
      expect(inv!.name).to.equal('process orders');
      expect(inv!.attributes).to.include({ 'messaging.system': 'aws_sqs', 'messaging.destination.name': 'orders', 'messaging.message.id': 'm-1', 'faas.trigger': 'pubsub' });
      expect(inv!.traceId).to.equal('5759e988bd862e3fe1be46a994272793');
      expect(inv!.parentSpanId).to.equal('53995c3f42cd8ad8');
    });

    it("the invocation's trace follows the Lambda X-Ray trace id (Lambda-Runtime-Trace-Id)", async () => {
      fn = await start('cjs', 'index.handler', otlp());
      await fn.api.invoke({}, { traceId: 'Root=1-6759e988-ad862e3fe1be46a994272793;Parent=63995c3f42cd8ad8;Sampled=0' });
      const [inv] = invocationSpans(receiver.jsonSpans());
      expect(inv!.traceId).to.equal('6759e988ad862e3fe1be46a994272793');
      expect(inv!.attributes['wiretap.aws.xray.trace_header']).to.include('Root=1-6759e988');
    });

    it('AWS_LAMBDA_EXEC_WRAPPER: the wrapper script switches wiretap on without NODE_OPTIONS', async () => {
      fn = await start('cjs', 'index.handler', otlp(), { execWrapper: path.join(REPO, 'lambda', 'wiretap-wrapper') });
      const out = await fn.api.invoke({ n: 3 });
      expect(out.kind, fn.stderr()).to.equal('response');
      expect(invocationSpans(receiver.jsonSpans())).to.have.length(1);
    });

    it('wrapHandler() without the preload (bundled functions): the same invocation span and children', async () => {
      fn = await start('cjs', 'bundled.handler', otlp(), { preload: false });
      const out = await fn.api.invoke({});
      const at = receiver.jsonSpans();
      expect(JSON.parse(out.body), fn.stderr()).to.deep.equal({ wrapped: true, downstream: 200 });
      const [inv] = invocationSpans(at);
      expect(inv!.attributes['faas.coldstart']).to.equal(true);
      expect(childrenOf(at, inv!)).to.have.length(1);
    });

    it("a collector that refuses during one invocation gets that invocation's spans with the next one's flush, before its answer", async () => {
      let refusing = true;
      const collector = await startOtlpReceiver({ status: () => (refusing ? 503 : 200) });
      try {
        fn = await start('cjs', 'index.handler', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url.replace('/v1/traces', '') });
        const first = await fn.api.invoke({ n: 1 });
        expect(first.kind, fn.stderr()).to.equal('response');
        expect(collector.refused, 'the first flush was refused').to.be.greaterThan(0);
        expect(collector.jsonSpans()).to.deep.equal([]);
        refusing = false;
        const second = await fn.api.invoke({ n: 2 });
        const atSecond = collector.jsonSpans();
        expect(second.kind, fn.stderr()).to.equal('response');
        const inv = invocationSpans(atSecond);
        expect(inv.map((s) => s.attributes['http.request.body.content']).sort(), 'both invocations, before the second answer').to.deep.equal(['{"n":1}', '{"n":2}']);
        for (const i of inv) expect(childrenOf(atSecond, i), 'each with its call').to.have.length(1);
        // The second invocation says that the first flush left spans behind.
        expect(inv.find((s) => s.attributes['http.request.body.content'] === '{"n":2}')!.attributes['wiretap.lambda.unsent_spans']).to.equal(2);
      } finally {
        await collector.close();
      }
    });

    it('a collector that does not answer: the result still goes back, after at most the flush wait', async () => {
      const silent = http.createServer(() => undefined); // accepts, never answers
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silent.unref(); // a test that times out must not keep mocha alive
      try {
        const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
        fn = await start('cjs', 'index.handler', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: url, WIRETAP_LAMBDA_FLUSH_TIMEOUT_MS: '100' });
        const first = await fn.api.invoke({ n: 1 }, { timeoutMs: 30000 });
        const second = await fn.api.invoke({ n: 2 }, { timeoutMs: 30000 });
        expect([first.kind, second.kind], fn.stderr()).to.deep.equal(['response', 'response']);
        expect(fn.stderr()).to.include('did not take');
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });
  });
}
