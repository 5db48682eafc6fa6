#!/usr/bin/env node
// Writes scenario.jsonl and scenario-baseline.jsonl: deterministic OTLP-JSON trace files (fixed ids and
// times) with what the demo does not show: three services, a consumer trace joined by a span link,
// one joined only by an EventBridge event id, a Lambda invocation that timed out with a call in flight,
// a retried call, a partial record followed by the complete one, a metric line and a CloudWatch prefix.
// Run `node test/cli/traces/generate.js` after changing it; the goldens are made from its output.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const T0 = 1_796_000_000_000n * 1_000_000n; // 2026-11-30T00:53:20Z, in ns
const ms = (n) => String(T0 + BigInt(Math.round(n * 1000)) * 1000n);
const hex = (label, n) => Buffer.from(label).toString('hex').padEnd(n, '0').slice(0, n);
const trace = (label) => hex(label, 32);
const sid = (label) => hex(label, 16);

function value(v) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(value) } };
  return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
}
const attrs = (o) => Object.entries(o).map(([key, v]) => ({ key, value: value(v) }));

function span(s, slow = 1) {
  return {
    traceId: trace(s.trace),
    spanId: sid(s.id),
    ...(s.parent ? { parentSpanId: sid(s.parent) } : {}),
    name: s.name,
    kind: s.kind ?? 3,
    startTimeUnixNano: ms(s.start * slow),
    endTimeUnixNano: ms(s.end * slow),
    attributes: attrs(s.attributes ?? {}),
    events: [],
    status: s.error ? { code: 2, message: s.error } : { code: 0 },
    links: (s.links ?? []).map((l) => ({ traceId: trace(l.trace), spanId: sid(l.id), attributes: [] })),
  };
}

const line = (service, spans, slow) =>
  JSON.stringify({ resourceSpans: [{ resource: { attributes: attrs({ 'service.name': service }) }, scopeSpans: [{ scope: { name: 'wiretap', version: '0.1.0' }, spans: spans.map((s) => span(s, slow)) }] }] });

const ddb = (op, table, extra = {}) => ({ 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': op, 'db.system.name': 'aws.dynamodb', 'db.operation.name': op, 'db.collection.name': table, 'http.request.method': 'POST', 'server.address': 'dynamodb.eu-west-1.amazonaws.com', 'wiretap.aws.attempts': 1, ...extra });
const stripe = (method, extra = {}) => ({ 'rpc.service': 'stripe', 'rpc.method': `PaymentIntents.${method}`, 'stripe.resource': 'PaymentIntents', 'stripe.method': method, 'http.request.method': 'POST', 'server.address': 'api.stripe.com', ...extra });

function scenario(variant) {
  const base = variant === 'baseline';
  const slow = base ? 0.8 : 1;
  const lines = [];
  // 1. api: POST /orders → PutItem, SendMessage; worker: process → Stripe create (retried once after a 500).
  lines.push(
    line('api', [
      { trace: 'orders-1', id: 'put-1', parent: 'srv-1', name: 'DynamoDB.PutItem', start: 5, end: 25, attributes: ddb('PutItem', 'orders', { 'http.request.body.content': '{"TableName":"orders","Item":{"orderId":{"S":"ord-1001"},"customer":{"S":"user-4711"}}}', 'http.response.status_code': 200 }) },
      { trace: 'orders-1', id: 'send-1', parent: 'srv-1', kind: 4, name: 'SQS.SendMessage', start: 30, end: 42, attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'SQS', 'rpc.method': 'SendMessage', 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'send', 'messaging.destination.name': 'order-events', 'messaging.message.id': 'msg-0001', 'http.response.status_code': 200 } },
      { trace: 'orders-1', id: 'srv-1', kind: 2, name: 'POST /orders', start: 0, end: 60, attributes: { 'http.request.method': 'POST', 'http.route': '/orders', 'url.path': '/orders', 'http.response.status_code': 201 } },
    ], slow),
  );
  lines.push('2026-11-30T00:53:21.000Z\t5e1f0c1d-request\tINFO\t' + line('worker', [
    { trace: 'worker-1', id: 'proc-1', kind: 5, name: 'order-events process', start: 140, end: 420, links: [{ trace: 'orders-1', id: 'send-1' }], attributes: { 'messaging.system': 'aws_sqs', 'messaging.operation.type': 'process', 'messaging.destination.name': 'order-events', 'messaging.message.id': 'msg-0001' } },
    { trace: 'worker-1', id: 'pay-1a', parent: 'proc-1', name: 'Stripe PaymentIntents.create', start: 150, end: 190, error: 'api_error', attributes: stripe('create', { 'http.response.status_code': 500, 'error.type': 'api_error', 'http.response.body.content': '{"error":{"type":"api_error","message":"An unknown error occurred"}}' }) },
    ...(base ? [] : [{ trace: 'worker-1', id: 'pay-1b', parent: 'proc-1', name: 'Stripe PaymentIntents.create', start: 290, end: 330, attributes: stripe('create', { 'http.response.status_code': 200, 'http.request.resend_count': 1, 'stripe.object.id': 'pi_FAKE0001' }) }]),
    { trace: 'worker-1', id: 'upd-1', parent: 'proc-1', name: 'DynamoDB.UpdateItem', start: 340, end: 360, attributes: ddb('UpdateItem', 'orders', { 'http.response.status_code': 200 }) },
  ], slow));
  lines.push(JSON.stringify({ resourceMetrics: [{ resource: { attributes: attrs({ 'service.name': 'api' }) }, scopeMetrics: [] }] }));
  // 2. a Lambda invocation that timed out: its Stripe call was still in flight. First a partial record
  //    of the GetItem (exported in flight), then its real end.
  lines.push(line('checkout-fn', [
    { trace: 'lambda-2', id: 'get-2', parent: 'inv-2', name: 'DynamoDB.GetItem', start: 1010, end: 1030, attributes: ddb('GetItem', 'carts', { 'wiretap.incomplete': true, 'wiretap.elapsed_ms': 20 }) },
  ], slow));
  lines.push(line('checkout-fn', [
    { trace: 'lambda-2', id: 'get-2', parent: 'inv-2', name: 'DynamoDB.GetItem', start: 1010, end: 1045, attributes: ddb('GetItem', 'carts', { 'http.response.status_code': 200, 'http.response.body.content': '{"Item":{"cartId":{"S":"cart-77"},"customer":{"S":"user-8812"}}}' }) },
    { trace: 'lambda-2', id: 'pay-2', parent: 'inv-2', name: 'Stripe PaymentIntents.confirm', start: 1050, end: 4000, error: 'still in flight at timeout', attributes: stripe('confirm', { 'wiretap.incomplete': true, 'wiretap.incomplete.reason': 'timeout', 'wiretap.elapsed_ms': 2950, 'error.type': 'incomplete', 'stripe.object.id': 'pi_FAKE0002' }) },
    { trace: 'lambda-2', id: 'inv-2', kind: 2, name: 'checkout-fn', start: 1000, end: 4000, error: 'Task timed out after 3.00 seconds', attributes: { 'faas.invocation_id': 'inv-FAKE-0002', 'faas.trigger': 'http', 'wiretap.incomplete': true, 'wiretap.incomplete.reason': 'timeout', 'wiretap.elapsed_ms': 3000 } },
  ], slow));
  // 3. api: GET /orders/{id} → a slow GetItem, an Algolia search, EventBridge PutEvents; the notifier's
  //    invocation carries the event id (no link): joined by the id alone.
  lines.push(line('api', [
    { trace: 'orders-3', id: 'srv-3', kind: 2, name: 'GET /orders/{id}', start: 5000, end: 5400, attributes: { 'http.request.method': 'GET', 'http.route': '/orders/{id}', 'url.path': '/orders/ord-1001', 'http.response.status_code': 200 } },
    { trace: 'orders-3', id: 'get-3', parent: 'srv-3', name: 'DynamoDB.GetItem', start: 5010, end: 5260, attributes: ddb('GetItem', 'orders', { 'http.response.status_code': 200 }) },
    { trace: 'orders-3', id: 'search-3', parent: 'srv-3', name: 'Algolia searchSingleIndex', start: 5100, end: 5180, attributes: { 'rpc.service': 'algolia', 'rpc.method': 'searchSingleIndex', 'algolia.index.name': 'products', 'algolia.query': 'espresso', 'http.response.status_code': 200 } },
    { trace: 'orders-3', id: 'events-3', parent: 'srv-3', kind: 4, name: 'EventBridge.PutEvents', start: 5270, end: 5290, attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'EventBridge', 'rpc.method': 'PutEvents', 'wiretap.aws.eventbridge.event_bus_names': ['orders-bus'], 'wiretap.aws.eventbridge.event_ids': ['ev-FAKE-0003'], 'http.response.status_code': 200 } },
  ], slow));
  lines.push(line('notifier', [
    { trace: 'notify-3', id: 'inv-3', kind: 2, name: 'notifier', start: 5900, end: 5990, attributes: { 'faas.invocation_id': 'inv-FAKE-0003', 'faas.trigger': 'pubsub', 'wiretap.aws.eventbridge.event_ids': ['ev-FAKE-0003'] } },
    { trace: 'notify-3', id: 'sns-3', parent: 'inv-3', kind: 4, name: 'SNS.Publish', start: 5910, end: 5950, attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'SNS', 'rpc.method': 'Publish', 'messaging.destination.name': 'customer-mail', 'http.response.status_code': 200 } },
  ], slow));
  lines.push('START RequestId: 5e1f0c1d Version: $LATEST');
  return lines.join('\n') + '\n';
}

fs.writeFileSync(path.join(__dirname, 'scenario.jsonl'), scenario('current'));
fs.writeFileSync(path.join(__dirname, 'scenario-baseline.jsonl'), scenario('baseline'));
