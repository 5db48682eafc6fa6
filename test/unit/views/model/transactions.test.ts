import { expect } from 'chai';
import { buildTransactions, findTransaction, flattenTree, parseXrayHeader } from '../../../../src/views/model/transactions';
import { span, spanId, traceId } from './spans';

const names = (t: ReturnType<typeof buildTransactions>[number]) => flattenTree(t.root).map((n) => `${'  '.repeat(n.depth)}${n.span.name}${n.attempts.length > 1 ? ` x${n.attempts.length}` : ''}`);

describe('views/model/transactions', () => {
  it('roots a trace at its SERVER span, children in start order, counts calls/errors/retries', () => {
    const [t, ...rest] = buildTransactions([
      span({ id: 'b', parent: 'srv', start: 30, end: 40, name: 'GET b', error: true }),
      span({ id: 'srv', kind: 2, start: 0, end: 100, name: 'POST /checkout' }),
      span({ id: 'a', parent: 'srv', start: 10, end: 20, name: 'GET a' }),
    ]);
    expect(rest).to.have.length(0);
    expect(names(t)).to.deep.equal(['POST /checkout', '  GET a', '  GET b']);
    expect([t.calls, t.errors, t.retries, t.durationMs]).to.deep.equal([2, 1, 0, 100]);
    expect(t.id).to.equal(spanId('srv'));
  });

  it('a trace without a SERVER span is rooted at its earliest span; other parentless spans become orphans under it', () => {
    const [t] = buildTransactions([span({ id: 'x', start: 5, end: 9 }), span({ id: 'first', start: 0, end: 3, kind: 1 }), span({ id: 'y', parent: 'lost', start: 6, end: 7 })]);
    expect(t.root.span.name).to.equal('first');
    expect(t.root.children.map((c) => [c.span.name, c.orphan])).to.deep.equal([['x', true], ['y', true]]);
  });

  it('two incoming requests of one upstream trace (their parent is not in the files) are two transactions', () => {
    const tx = buildTransactions([
      span({ id: 'in1', parent: 'upstream', kind: 2, start: 0, end: 10, name: 'GET /a' }),
      span({ id: 'c1', parent: 'in1', start: 1, end: 5, name: 'GET db' }),
      span({ id: 'in2', parent: 'upstream', kind: 2, start: 20, end: 30, name: 'GET /b' }),
      span({ id: 'lost', parent: 'gone', start: 22, end: 23, name: 'stray' }),
    ]);
    expect(tx.map(names)).to.deep.equal([['GET /a', '  GET db'], ['GET /b', '  stray']]);
    expect(tx[1].root.children[0].orphan).to.equal(true);
  });

  it('groups attempts (http.request.resend_count and wiretap.aws.attempts) under one logical call', () => {
    const [t] = buildTransactions([
      span({ id: 'srv', kind: 2, start: 0, end: 100 }),
      span({ id: 'g1', parent: 'srv', start: 1, end: 3, name: 'DynamoDB.GetItem', error: true, attributes: { 'wiretap.aws.attempts': 1, 'wiretap.aws.invocation_id': 'inv-1' } }),
      span({ id: 'g2', parent: 'srv', start: 10, end: 20, name: 'DynamoDB.GetItem', attributes: { 'http.request.resend_count': 1, 'wiretap.aws.attempts': 2, 'wiretap.aws.invocation_id': 'inv-1' } }),
      span({ id: 'g3', parent: 'srv', start: 30, end: 35, name: 'DynamoDB.GetItem', attributes: { 'wiretap.aws.attempts': 1, 'wiretap.aws.invocation_id': 'inv-2' } }),
      span({ id: 's1', parent: 'srv', start: 40, end: 41, name: 'POST stripe' }),
      span({ id: 's2', parent: 'srv', start: 42, end: 43, name: 'POST stripe', attributes: { 'http.request.resend_count': 1 } }),
      span({ id: 's3', parent: 'srv', start: 44, end: 45, name: 'POST stripe', attributes: { 'http.request.resend_count': 2 } }),
    ]);
    expect(names(t)).to.deep.equal(['srv', '  DynamoDB.GetItem x2', '  DynamoDB.GetItem', '  POST stripe x3']);
    const retried = t.root.children[0];
    expect(retried.attempts.map((s) => s.spanId)).to.deep.equal([spanId('g1'), spanId('g2')]);
    expect(retried.span.spanId, 'the node shows the last attempt').to.equal(spanId('g2'));
    expect([t.calls, t.retries, t.errors]).to.deep.equal([3, 3, 1]);
  });

  it('joins a consumer trace under its producer through a span link, with the queueing delay', () => {
    const tx = buildTransactions([
      span({ id: 'srv', trace: 'api', kind: 2, start: 0, end: 50, service: 'api' }),
      span({ id: 'send', trace: 'api', parent: 'srv', kind: 4, start: 10, end: 20, name: 'SQS.SendMessage', service: 'api' }),
      span({ id: 'process', trace: 'worker', kind: 5, start: 120, end: 150, name: 'order-events process', service: 'worker', links: [{ traceId: traceId('api'), spanId: spanId('send') }] }),
      span({ id: 'put', trace: 'worker', parent: 'process', start: 125, end: 140, name: 'DynamoDB.PutItem', service: 'worker' }),
    ]);
    expect(tx).to.have.length(1);
    const [t] = tx;
    expect(names(t)).to.deep.equal(['srv', '  SQS.SendMessage', '    order-events process', '      DynamoDB.PutItem']);
    expect(t.traceIds.sort()).to.deep.equal([traceId('api'), traceId('worker')].sort());
    expect(t.hops).to.have.length(1);
    expect(t.hops[0]).to.include({ via: 'link', queueDelayMs: 100, consumerSpanId: spanId('process') });
    expect(t.services).to.deep.equal(['api', 'worker']);
    expect(t.durationMs).to.equal(150);
    const consumer = t.root.children[0].children[0];
    expect(consumer.hop?.via).to.equal('link');
    expect(consumer.critical, 'async hops are follows-from: not on the critical path').to.equal(false);
  });

  it('joins a Lambda invocation whose consumer span is inside it; a plain poller trace stays apart', () => {
    const lambda = buildTransactions([
      span({ id: 'send', trace: 'p', kind: 4, start: 0, end: 5, name: 'SQS.SendMessage' }),
      span({ id: 'inv', trace: 'fn', kind: 2, start: 50, end: 90, name: 'worker-fn', attributes: { 'faas.invocation_id': 'inv-1', 'faas.trigger': 'pubsub' } }),
      span({ id: 'proc', trace: 'fn', parent: 'inv', kind: 5, start: 55, end: 80, name: 'order-events process', links: [{ traceId: traceId('p'), spanId: spanId('send') }] }),
    ]);
    expect(lambda).to.have.length(1);
    expect(names(lambda[0])).to.deep.equal(['SQS.SendMessage', '  worker-fn', '    order-events process']);
    expect(lambda[0].root.children[0].hop).to.include({ consumerSpanId: spanId('proc'), queueDelayMs: 50 });
    const poller = buildTransactions([
      span({ id: 'send', trace: 'p', kind: 4, start: 0, end: 5, name: 'SQS.SendMessage' }),
      span({ id: 'loop', trace: 'poll', kind: 1, start: 1, end: 900, name: 'poll loop' }),
      span({ id: 'proc', trace: 'poll', parent: 'loop', kind: 5, start: 55, end: 80, name: 'process', links: [{ traceId: traceId('p'), spanId: spanId('send') }] }),
    ]);
    expect(poller).to.have.length(2);
    expect(poller.map((t) => t.hops.length)).to.deep.equal([1, 1]);
  });

  it('joins through message ids recorded on both sides (batch on one side, single on the other)', () => {
    const tx = buildTransactions([
      span({ id: 'send', trace: 'p', kind: 4, start: 0, end: 5, name: 'SQS.SendMessageBatch', attributes: { 'wiretap.messaging.message_ids': ['m-1', 'm-2'] } }),
      span({ id: 'recv', trace: 'c', kind: 5, start: 40, end: 45, name: 'process', attributes: { 'messaging.message.id': 'm-2' } }),
    ]);
    expect(tx).to.have.length(1);
    expect(tx[0].hops[0]).to.include({ via: 'message-id', key: 'm-2', queueDelayMs: 35 });
  });

  it('joins through EventBridge event ids and Kinesis sequence numbers', () => {
    const tx = buildTransactions([
      span({ id: 'put', trace: 'p', kind: 4, start: 0, end: 5, name: 'EventBridge.PutEvents', attributes: { 'wiretap.aws.eventbridge.event_ids': ['ev-1'] } }),
      span({ id: 'rule', trace: 'c', kind: 2, start: 10, end: 15, name: 'handler', attributes: { 'faas.trigger': 'pubsub', 'wiretap.aws.eventbridge.event_ids': ['ev-1'] } }),
      span({ id: 'kput', trace: 'k', kind: 4, start: 20, end: 25, name: 'Kinesis.PutRecord', attributes: { 'wiretap.aws.kinesis.sequence_numbers': ['4955'] } }),
      span({ id: 'kget', trace: 'kc', kind: 5, start: 30, end: 35, name: 'records', attributes: { 'wiretap.aws.kinesis.sequence_numbers': ['4954', '4955'] } }),
    ]);
    expect(tx.map((t) => t.hops.map((h) => h.via))).to.deep.equal([['event-id'], ['sequence-number']]);
  });

  it('joins through the X-Ray trace header the consumer received (Parent = the producer span)', () => {
    const header = `Root=1-${traceId('p').slice(0, 8)}-${traceId('p').slice(8)};Parent=${spanId('send')};Sampled=1`;
    expect(parseXrayHeader(header)).to.deep.equal({ traceId: traceId('p'), parentSpanId: spanId('send') });
    const tx = buildTransactions([
      span({ id: 'send', trace: 'p', kind: 4, start: 0, end: 5, name: 'SNS.Publish', attributes: { 'wiretap.aws.trace_header': header } }),
      span({ id: 'inv', trace: 'c', kind: 2, start: 9, end: 20, name: 'lambda', attributes: { 'faas.invocation_id': 'abc', AWSTraceHeader: header } }),
    ]);
    expect(tx).to.have.length(1);
    expect(tx[0].hops[0]).to.include({ via: 'xray-trace-header', queueDelayMs: 4 });
  });

  it('records a hop inside one trace without moving the consumer, and keeps links to traces not in the file', () => {
    const [t] = buildTransactions([
      span({ id: 'srv', kind: 2, start: 0, end: 50 }),
      span({ id: 'send', parent: 'srv', kind: 4, start: 1, end: 5 }),
      span({ id: 'recv', parent: 'srv', start: 8, end: 9, links: [{ traceId: traceId('t1'), spanId: spanId('send') }, { traceId: traceId('gone'), spanId: spanId('x') }] }),
    ]);
    expect(names(t)).to.deep.equal(['srv', '  send', '  recv']);
    expect(t.hops.map((h) => h.queueDelayMs)).to.deep.equal([3]);
    expect(t.danglingLinks).to.deep.equal([{ traceId: traceId('gone'), spanId: spanId('x'), attributes: {} }]);
  });

  it('treats unfinished spans as first-class: counted, in the tree, and on the critical path', () => {
    const [t] = buildTransactions([
      span({ id: 'inv', kind: 2, start: 0, end: 3000, incomplete: true, attributes: { 'faas.invocation_id': 'x' } }),
      span({ id: 'slow', parent: 'inv', start: 100, end: 3000, incomplete: true, name: 'Stripe PaymentIntents.create' }),
    ]);
    expect(t.unfinished).to.equal(2);
    expect(t.root.children[0].critical).to.equal(true);
  });

  it('does not loop on producer/consumer cycles between two traces', () => {
    const tx = buildTransactions([
      span({ id: 'a', trace: 'A', kind: 4, start: 0, end: 10, links: [{ traceId: traceId('B'), spanId: spanId('b') }] }),
      span({ id: 'b', trace: 'B', kind: 4, start: 1, end: 11, links: [{ traceId: traceId('A'), spanId: spanId('a') }] }),
    ]);
    expect(tx).to.have.length(1);
    expect(tx[0].spans).to.have.length(2);
  });

  it('finds a transaction by root span id, trace id, member span id or a unique prefix', () => {
    const tx = buildTransactions([span({ id: 'r1', trace: 'one', kind: 2, start: 0, end: 1 }), span({ id: 'c1', trace: 'one', parent: 'r1', start: 0, end: 1 }), span({ id: 'r2', trace: 'two', kind: 2, start: 2, end: 3 })]);
    expect(findTransaction(tx, spanId('c1'))?.id).to.equal(spanId('r1'));
    expect(findTransaction(tx, traceId('two'))?.id).to.equal(spanId('r2'));
    expect(findTransaction(tx, traceId('two').slice(0, 8))?.id).to.equal(spanId('r2'));
    expect(findTransaction(tx, 'ffffffffff')).to.equal(undefined);
  });
});
