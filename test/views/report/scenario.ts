// A generated trace file for the report tests and bench/report.js: OTLP-JSON lines as the file exporter
// writes them. Each "checkout" transaction is a SERVER span with DynamoDB, Stripe (sometimes retried) and
// an SQS send; each send is received by an "order-worker" transaction (an async hop, linked and by
// message id). Some checkouts fail, one is still in flight (a partial record only), one carries a planted
// user id in its request body, one a body that tries to break out of the page's <script> element.
import * as fs from 'node:fs';

export const PLANTED_USER_ID = 'usr_planted_5c1e9b';
export const BREAKOUT_BODY = '{"note":"</script><script>window.__pwned=1</script><!-- <script>"}';

interface Attr { key: string; value: { stringValue?: string; intValue?: string; boolValue?: boolean } }
function attr(key: string, v: string | number | boolean): Attr {
  if (typeof v === 'number') return { key, value: { intValue: String(v) } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  return { key, value: { stringValue: v } };
}

/** Deterministic ids and jitter, so a failing assertion is reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface Scenario {
  lines: string[];
  /** Transactions by role, for assertions. */
  checkouts: number;
  workers: number;
  spans: number;
  plantedTraceId: string;
  unfinishedTraceId: string;
  /** The checkout whose Stripe call took exactly 3/5 of its 250 ms (bar proportion checks). */
  fixedTraceId: string;
  /** The checkout whose DynamoDB read links to the first checkout's root span. */
  linkingTraceId: string;
}

/** workerService: the service that consumes the queue (the same as the producer's makes a cycle on the map). */
export function generateScenario(checkouts: number, seed = 7, workerService = 'order-worker'): Scenario {
  const rand = rng(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const base = Date.UTC(2026, 0, 15, 9, 0, 0) * 1e6; // ns
  const ns = (ms: number) => String(Math.round(base + ms * 1e6));
  const lines: string[] = [];
  let spans = 0;
  let plantedTraceId = '';
  let unfinishedTraceId = '';
  let fixedTraceId = '';
  const resource = (service: string) => ({ attributes: [attr('service.name', service), attr('telemetry.sdk.language', 'nodejs')] });
  const emit = (service: string, list: unknown[]) => {
    spans += list.length;
    lines.push(JSON.stringify({ resourceSpans: [{ resource: resource(service), scopeSpans: [{ scope: { name: 'wiretap', version: '0.1.0' }, spans: list }] }] }));
  };
  let workers = 0;
  let firstRoot: { traceId: string; spanId: string } | undefined;
  let linkingTraceId = '';
  for (let i = 0; i < checkouts; i++) {
    const t0 = i * 400 + rand() * 50;
    const traceId = hex(32);
    const root = hex(16);
    const planted = i === 1;
    const unfinished = i === 2;
    const fixed = i === 0;
    const failing = i % 10 === 4;
    const retried = i % 7 === 3;
    if (planted) plantedTraceId = traceId;
    if (unfinished) unfinishedTraceId = traceId;
    if (fixed) fixedTraceId = traceId;
    if (i === 6) linkingTraceId = traceId;
    const ddb = fixed ? 50 : 4 + rand() * 20;
    const stripe = fixed ? 150 : 80 + rand() * 200;
    const total = fixed ? 250 : ddb + stripe + 30 + rand() * 10;
    const list: any[] = [];
    const child = (name: string, start: number, dur: number, attrs: Attr[], extra: any = {}) => {
      const id = hex(16);
      list.push({ traceId, spanId: id, parentSpanId: root, name, kind: extra.kind ?? 3, startTimeUnixNano: ns(t0 + start),
        endTimeUnixNano: ns(t0 + start + dur), attributes: attrs, status: extra.status ?? { code: 0 }, events: extra.events ?? [], links: extra.links ?? [] });
      return id;
    };
    const userBody = planted ? `{"TableName":"orders","Key":{"userId":{"S":"${PLANTED_USER_ID}"}}}` : `{"TableName":"orders","Key":{"userId":{"S":"usr_${hex(6)}"}}}`;
    child('DynamoDB.GetItem', 2, ddb, [attr('rpc.system', 'aws-api'), attr('rpc.service', 'DynamoDB'), attr('rpc.method', 'GetItem'),
      attr('db.collection.name', 'orders'), attr('server.address', 'dynamodb.us-east-1.amazonaws.com'),
      attr('http.request.body.content', userBody), attr('http.response.body.content', i === 5 ? BREAKOUT_BODY : '{"Item":{"status":{"S":"new"}}}')],
      // The seventh checkout's read links to the first checkout (a link that is not an async hop).
      i === 6 && firstRoot ? { links: [{ traceId: firstRoot.traceId, spanId: firstRoot.spanId, attributes: [] }] } : {});
    if (i === 0) firstRoot = { traceId, spanId: root };
    const stripeStart = 4 + ddb;
    if (retried) {
      child('Stripe PaymentIntents.create', stripeStart, 20, [attr('rpc.service', 'stripe'), attr('rpc.method', 'PaymentIntents.create'),
        attr('server.address', 'api.stripe.com'), attr('http.response.status_code', 503), attr('error.type', '503')], { status: { code: 2 } });
    }
    const stripeAttrs = [attr('rpc.service', 'stripe'), attr('rpc.method', 'PaymentIntents.create'), attr('server.address', 'api.stripe.com'),
      attr('http.response.status_code', failing ? 402 : 200)];
    if (retried) stripeAttrs.push(attr('http.request.resend_count', 1));
    if (failing) stripeAttrs.push(attr('error.type', 'card_declined'));
    if (!unfinished) {
      child('Stripe PaymentIntents.create', stripeStart + (retried ? 25 : 0), stripe - (retried ? 25 : 0), stripeAttrs, failing ? { status: { code: 2, message: 'card_declined' } } : {});
    } else {
      // Still in flight when the process died: only the partial record exists.
      child('Stripe PaymentIntents.create', stripeStart, 900, [...stripeAttrs.slice(0, 3), attr('wiretap.incomplete', true), attr('wiretap.elapsed_ms', 900)]);
    }
    let sendId = '';
    const messageId = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
    if (!failing && !unfinished) {
      sendId = child('SQS.SendMessage', stripeStart + stripe + 2, 8, [attr('rpc.service', 'SQS'), attr('rpc.method', 'SendMessage'),
        attr('messaging.system', 'aws_sqs'), attr('messaging.destination.name', 'order-events'), attr('messaging.operation.type', 'send'),
        attr('messaging.message.id', messageId)], { kind: 4 });
    }
    const end = unfinished ? 920 : total;
    const rootAttrs = [attr('http.request.method', 'POST'), attr('http.route', '/checkout'), attr('http.response.status_code', failing ? 500 : 200)];
    if (unfinished) rootAttrs.push(attr('wiretap.incomplete', true), attr('wiretap.elapsed_ms', end));
    list.unshift({ traceId, spanId: root, name: 'POST /checkout', kind: 2, startTimeUnixNano: ns(t0), endTimeUnixNano: ns(t0 + end),
      attributes: rootAttrs, status: { code: failing ? 2 : 0 }, events: failing ? [{ name: 'exception', timeUnixNano: ns(t0 + total - 1), attributes: [attr('exception.message', 'payment declined')] }] : [], links: [] });
    emit('shop-api', list);
    if (sendId) {
      workers++;
      const wTrace = hex(32);
      const wRoot = hex(16);
      const w0 = t0 + stripeStart + stripe + 10 + 15 + rand() * 30;
      emit(workerService, [
        { traceId: wTrace, spanId: wRoot, name: 'order-events process', kind: 5, startTimeUnixNano: ns(w0), endTimeUnixNano: ns(w0 + 40),
          attributes: [attr('messaging.system', 'aws_sqs'), attr('messaging.destination.name', 'order-events'), attr('messaging.operation.type', 'process'), attr('messaging.message.id', messageId)],
          status: { code: 0 }, events: [], links: [{ traceId, spanId: sendId, attributes: [] }] },
        { traceId: wTrace, spanId: hex(16), parentSpanId: wRoot, name: 'DynamoDB.PutItem', kind: 3, startTimeUnixNano: ns(w0 + 5), endTimeUnixNano: ns(w0 + 20),
          attributes: [attr('rpc.service', 'DynamoDB'), attr('rpc.method', 'PutItem'), attr('db.collection.name', 'shipments')], status: { code: 0 }, events: [], links: [] },
      ]);
    }
  }
  return { lines, checkouts, workers, spans, plantedTraceId, unfinishedTraceId, fixedTraceId, linkingTraceId };
}

export function writeScenario(file: string, checkouts: number, seed?: number, workerService?: string): Scenario {
  const sc = generateScenario(checkouts, seed, workerService);
  fs.writeFileSync(file, sc.lines.join('\n') + '\n');
  return sc;
}
