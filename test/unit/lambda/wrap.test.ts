// The handler wrapper with a real SDK tracer, an in-memory exporter and the real redactor.
import { expect } from 'chai';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../../src/config/load';
import { createRedactor } from '../../../src/redaction/redact';
import { wrapLambdaHandler } from '../../../src/lambda/wrap';
import type { LambdaHost } from '../../../src/lambda/invocation';

const ENV = { AWS_LAMBDA_FUNCTION_NAME: 'unit-fn', _HANDLER: 'index.handler', LAMBDA_TASK_ROOT: '/var/task', WIRETAP_LOG_LEVEL: 'none' };

function host(env: Record<string, string> = {}, unsent = 0): { host: LambdaHost; spans: () => ReadableSpan[]; flushes: number[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const config = loadConfig({ ...ENV, ...env });
  const redactor = createRedactor(config.redaction);
  const flushes: number[] = [];
  let first = true;
  return {
    spans: () => exporter.getFinishedSpans(),
    flushes,
    host: {
      config,
      tracer: () => provider.getTracer('test'),
      redactor: () => redactor,
      flushInvocation: async (waitMs) => {
        flushes.push(waitMs);
        return unsent;
      },
      flushSync: () => flushes.push(-1),
      reportTimeout: () => 0,
      traceHeader: () => undefined,
      takeColdstart: () => {
        const was = first;
        first = false;
        return was;
      },
    },
  };
}

const lambdaContext = (id = 'req-1') => ({ awsRequestId: id, invokedFunctionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:unit-fn:live', getRemainingTimeInMillis: () => 3000 });

describe('lambda/wrap: the handler wrapper', () => {
  before(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  after(() => context.disable());

  it('passes exactly the same event, context and this; returns the same result; keeps length, name and streaming marks', async () => {
    const seen: unknown[] = [];
    const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
    const original = Object.assign(async function handler(this: unknown, event: unknown, ctx: unknown) {
      seen.push(this, event, ctx);
      return { same: true };
    }, { [STREAMING]: undefined as unknown });
    const h = host();
    const wrapped = wrapLambdaHandler(original, () => h.host);
    expect(wrapped.length).to.equal(2);
    expect(wrapped.name).to.equal('handler');
    const event = { a: 1 };
    const ctx = lambdaContext();
    const self = { me: true };
    const result = await (wrapped as (...a: unknown[]) => Promise<unknown>).call(self, event, ctx);
    expect(result).to.deep.equal({ same: true });
    expect(seen[0]).to.equal(self);
    expect(seen[1]).to.equal(event);
    expect(seen[2]).to.equal(ctx);
    expect(h.flushes, 'flushed before returning').to.have.length(1);
    expect(h.flushes[0]).to.equal(300); // a tenth of the 3000 ms left
    expect(wrapLambdaHandler(wrapped, () => h.host), 'not wrapped twice').to.equal(wrapped);
  });

  it('an invocation span with the FaaS attributes, coldstart only once, the event and result as bodies', async () => {
    const h = host();
    const wrapped = wrapLambdaHandler(async () => ({ ok: 1 }), () => h.host) as (...a: unknown[]) => Promise<unknown>;
    await wrapped({ n: 1 }, lambdaContext('r1'));
    await wrapped({ n: 2 }, lambdaContext('r2'));
    const [a, b] = h.spans();
    expect(a!.attributes).to.include({ 'faas.invocation_id': 'r1', 'faas.coldstart': true, 'cloud.account.id': '210987654321', 'http.request.body.content': '{"n":1}', 'http.response.body.content': '{"ok":1}' });
    expect(b!.attributes['faas.coldstart']).to.equal(false);
    expect(b!.spanContext().traceId).to.not.equal(a!.spanContext().traceId);
  });

  it('HTTP events: Authorization and Cookie masked like real headers; body keys redacted; caps as for HTTP bodies', async () => {
    const h = host({ WIRETAP_MAX_BODY_BYTES: '400' });
    const wrapped = wrapLambdaHandler(async () => ({ statusCode: 200, headers: { 'Set-Cookie': 'sid=fake-session' }, body: 'x'.repeat(1000) }), () => h.host) as (...a: unknown[]) => Promise<unknown>;
    await wrapped(
      {
        version: '2.0',
        routeKey: 'GET /me',
        rawPath: '/me',
        headers: { Authorization: 'Basic ZmFrZTpmYWtl', Cookie: 'sid=fake-session' },
        requestContext: { http: { method: 'GET', path: '/me' } },
        body: JSON.stringify({ password: 'fake-password-1' }),
        password: 'fake-password-2',
      },
      lambdaContext(),
    );
    const [span] = h.spans();
    const request = String(span!.attributes['http.request.body.content']);
    expect(request).to.not.include('ZmFrZTpmYWtl').and.not.include('sid=fake-session').and.not.include('fake-password-2');
    expect(request).to.include('Authorization');
    const response = String(span!.attributes['http.response.body.content']);
    expect(response).to.not.include('fake-session');
    expect(span!.attributes['wiretap.response.body.truncated']).to.equal(true);
    expect(span!.attributes['http.response.status_code']).to.equal(200);
  });

  it('spans a flush could not deliver in its wait are counted on the next invocation span', async () => {
    const h = host({}, 2);
    const wrapped = wrapLambdaHandler(async () => 'r', () => h.host) as (...a: unknown[]) => Promise<unknown>;
    await wrapped({}, lambdaContext('a'));
    await wrapped({}, lambdaContext('b'));
    const [first, second] = h.spans();
    expect(first!.attributes['wiretap.lambda.unsent_spans']).to.equal(undefined);
    expect(second!.attributes['wiretap.lambda.unsent_spans']).to.be.at.least(2);
  });

  it('WIRETAP_CAPTURE_BODIES=off: no event, no result', async () => {
    const h = host({ WIRETAP_CAPTURE_BODIES: 'off' });
    await (wrapLambdaHandler(async () => 'r', () => h.host) as (...a: unknown[]) => Promise<unknown>)({ e: 1 }, lambdaContext());
    expect(h.spans()[0]!.attributes['http.request.body.content']).to.equal(undefined);
    expect(h.spans()[0]!.attributes['http.response.body.content']).to.equal(undefined);
  });

  it('a rejection: the same error object, ERROR status, exception event', async () => {
    const h = host();
    const boom = new SyntaxError('bad input');
    const wrapped = wrapLambdaHandler(async () => {
      throw boom;
    }, () => h.host) as (...a: unknown[]) => Promise<unknown>;
    const err = await wrapped({}, lambdaContext()).then(() => undefined, (e: unknown) => e);
    expect(err).to.equal(boom);
    const [span] = h.spans();
    expect(span!.status.code).to.equal(2);
    expect(span!.attributes['error.type']).to.equal('SyntaxError');
    expect(span!.events.map((e) => e.name)).to.deep.equal(['exception']);
  });

  it('a callback handler: the callback gets the same arguments after the flush; a sync throw is rethrown as is', async () => {
    const h = host();
    const wrapped = wrapLambdaHandler((_e: unknown, _c: unknown, cb: (err: unknown, v: unknown) => void) => {
      setImmediate(() => cb(null, { via: 'cb' }));
    }, () => h.host) as (...a: unknown[]) => unknown;
    expect(wrapped.length).to.equal(3);
    const got = await new Promise<unknown[]>((resolve) => wrapped({}, lambdaContext(), (...args: unknown[]) => resolve(args)));
    expect(got).to.deep.equal([null, { via: 'cb' }]);
    expect(h.flushes).to.have.length(1);

    const thrown = new Error('sync');
    const bad = wrapLambdaHandler(() => {
      throw thrown;
    }, () => h.host) as (...a: unknown[]) => unknown;
    // aws-lambda-ric 3.x passes a callback and reports a synchronous throw at once.
    expect(() => bad({}, lambdaContext(), () => undefined)).to.throw(thrown);
    expect(h.flushes.at(-1), 'flushed synchronously').to.equal(-1);
    // 4.x passes none and awaits the call: the same error, as a rejection after the asynchronous flush.
    const flushesBefore = h.flushes.length;
    const result = bad({}, lambdaContext()) as Promise<unknown>;
    const reason = await result.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    expect(reason).to.equal(thrown);
    expect(h.flushes.slice(flushesBefore), 'one asynchronous flush').to.have.length(1);
    expect(h.flushes.at(-1)).to.not.equal(-1);
  });

  it('a plain handler called without a callback (4.x awaits it): the value, after an asynchronous flush', async () => {
    const h = host();
    const wrapped = wrapLambdaHandler(() => ({ plain: true }), () => h.host) as (...a: unknown[]) => unknown;
    const result = wrapped({}, lambdaContext());
    expect(result).to.be.instanceOf(Promise);
    expect(await result).to.deep.equal({ plain: true });
    expect(h.flushes).to.have.length(1);
    expect(h.flushes[0]).to.not.equal(-1);
  });

  it('outgoing work inside the handler runs under the invocation span; nothing of it is active afterwards', async () => {
    const h = host();
    const { trace } = await import('@opentelemetry/api');
    let inside: string | undefined;
    const wrapped = wrapLambdaHandler(async () => {
      await new Promise((r) => setTimeout(r, 1));
      inside = trace.getActiveSpan()?.spanContext().spanId;
    }, () => h.host) as (...a: unknown[]) => Promise<unknown>;
    await wrapped({}, lambdaContext());
    expect(inside).to.equal(h.spans()[0]!.spanContext().spanId);
    expect(trace.getActiveSpan()).to.equal(undefined);
  });

  it('a timeout with other invocations in flight (multi-concurrency) reports only its own trace; alone, everything in flight', async () => {
    const h = host({ WIRETAP_LAMBDA_TIMEOUT_BUFFER_MS: '500' });
    const reports: (string | undefined)[] = [];
    h.host.reportTimeout = (_partials, traceId) => {
      reports.push(traceId);
      return 0;
    };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ids: string[] = [];
    const wrapped = wrapLambdaHandler(async (event: { n: number }, _ctx: unknown) => {
      ids[event.n] = (await import('@opentelemetry/api')).trace.getActiveSpan()!.spanContext().traceId;
      await gate;
    }, () => h.host);
    const soon = (id: string) => ({ ...lambdaContext(id), getRemainingTimeInMillis: () => 510 }); // the watchdog fires ~10 ms in
    const later = (id: string) => ({ ...lambdaContext(id), getRemainingTimeInMillis: () => 60_000 });
    const both = [wrapped({ n: 0 }, soon('a')), wrapped({ n: 1 }, later('b'))];
    await new Promise((r) => setTimeout(r, 100));
    expect(reports).to.deep.equal([ids[0]]);
    release();
    await Promise.all(both);
    const alone = wrapLambdaHandler(async (_event: unknown, _ctx: unknown) => new Promise((r) => setTimeout(r, 100)), () => h.host);
    await alone({}, soon('c'));
    expect(reports).to.deep.equal([ids[0], undefined]);
  });
});
