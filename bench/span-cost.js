#!/usr/bin/env node
// The span record's own cost in-process: start, 27 attributes (a decoded DynamoDB GetItem with both
// bodies, as the pipeline sets them), end, through the SDK span (`sdk`) or wiretap's own (`own`,
// src/spans/own-span.ts), with a no-op processor or with the queue's encoding at the end (`-json`,
// `-protobuf`), or the encoding alone (`encode-json`, `encode-protobuf`). Not a test. Uses the test build
// (npm run build:test). Run:
//   valgrind --tool=cachegrind --cache-sim=no node bench/span-cost.js <mode> <n>
//   node bench/span-cost.js --cachegrind      # every mode, per span = (I(n2) - I(n1)) / (n2 - n1)
'use strict';
const path = require('node:path');
const BUILD = path.join(__dirname, '..', 'build', 'src');
const { context, trace, SpanKind } = require('@opentelemetry/api');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { createSpanEncoder } = require(path.join(BUILD, 'exporters', 'encoded'));
const { OwnTracer, partsOf } = require(path.join(BUILD, 'spans', 'own-span'));

const MODES = ['floor', 'sdk', 'own', 'sdk-json', 'own-json', 'sdk-protobuf', 'own-protobuf', 'encode-json', 'encode-protobuf'];

function setup(mode) {
  const [impl, format] = mode.split('-');
  if (impl === 'floor') {
    // The loop's own work (ids, body strings, the attribute literal) with a span that keeps nothing.
    const nop = { isRecording: () => true, updateName() {}, setAttributes() {}, end() {}, kind: SpanKind.CLIENT };
    return { startSpan: () => nop };
  }
  const encoder = format ? createSpanEncoder(format) : undefined;
  const held = [];
  const processor = {
    onStart() {},
    onEnd(span) {
      if (!encoder) return;
      held.push(encoder.encode(span));
      if (held.length >= 512) held.length = 0;
    },
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const resource = resourceFromAttributes({ 'service.name': 'bench', 'process.pid': process.pid });
  const sdk = new BasicTracerProvider({ resource, spanProcessors: [processor] }).getTracer('wiretap', '0.1.0');
  return impl === 'own' ? new OwnTracer(partsOf(sdk, [processor])) : sdk;
}

const body = (i) => JSON.stringify({ Item: { id: { S: `user-${i}` }, name: { S: 'Ada Lovelace' }, email: { S: 'ada@example.com' }, age: { N: '36' }, blob: { S: '' } } });
const KIND = { kind: SpanKind.CLIENT };

// As pipeline.ts: startSpan at the request, applyDescription and end at the response.
function one(tracer, i) {
  const start = Date.now() + 0.25;
  const span = tracer.startSpan('POST 127.0.0.1', { kind: SpanKind.CLIENT, startTime: start, attributes: { 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'server.port': 38439 } }, context.active());
  if (!span.isRecording()) return;
  const request = `{"TableName":"small","Key":{"id":{"S":"user-${i}"}}}`;
  const response = body(i);
  span.updateName('DynamoDB.GetItem');
  span.setAttributes({
    'http.request.method': 'POST',
    'server.address': '127.0.0.1',
    'server.port': 38439,
    'url.full': 'http://127.0.0.1:38439/',
    'url.scheme': 'http',
    'network.protocol.version': '1.1',
    'wiretap.transport': 'http',
    'http.response.status_code': 200,
    'wiretap.time_to_first_byte_ms': 5.756 + (i % 100) / 1000,
    'rpc.system': 'aws-api',
    'rpc.service': 'DynamoDB',
    'wiretap.aws.protocol': 'json',
    'rpc.method': 'GetItem',
    'cloud.region': 'us-east-1',
    'aws.request_id': `BENCHREQ${i}`,
    'wiretap.aws.max_attempts': 1,
    'wiretap.aws.attempts': 1,
    'wiretap.aws.invocation_id': `86995768-afb2-4b38-8975-${String(i).padStart(12, '0')}`,
    'db.system.name': 'aws.dynamodb',
    'db.operation.name': 'GetItem',
    'aws.dynamodb.table_names': ['small'],
    'db.collection.name': 'small',
    'wiretap.decoder': 'aws.dynamodb',
    'http.request.body.size': request.length,
    'http.response.body.size': response.length,
    'http.request.body.content': request,
    'http.response.body.content': response,
  });
  if (span.kind !== undefined && span.kind !== KIND.kind) span.kind = KIND.kind;
  span.end(start + 5.5);
}

// `encode-*`: the queue's encoding and its requests alone (512 spans each), of 100 own spans made once and
// encoded round-robin.
function encodeOnly(format, n) {
  const ended = [];
  const collect = { onStart() {}, onEnd: (span) => void ended.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
  const resource = resourceFromAttributes({ 'service.name': 'bench', 'process.pid': process.pid });
  const sdk = new BasicTracerProvider({ resource, spanProcessors: [collect] }).getTracer('wiretap', '0.1.0');
  const tracer = new OwnTracer(partsOf(sdk, [collect]));
  for (let i = 0; i < 100; i++) one(tracer, i);
  const encoder = createSpanEncoder(format);
  let batch = [];
  for (let i = 0; i < n; i++) {
    batch.push(encoder.encode(ended[i % ended.length]));
    if (batch.length === 512) {
      encoder.request(batch);
      batch = [];
    }
  }
}

function run(mode, n) {
  if (mode.startsWith('encode-')) return encodeOnly(mode.slice('encode-'.length), n);
  const tracer = setup(mode);
  for (let i = 0; i < n; i++) one(tracer, i);
}

const [arg, nArg] = process.argv.slice(2);
if (arg === '--cachegrind') {
  const count = (mode, n) => require('./whole').instructionsOf([__filename, mode, String(n)]);
  const [n1, n2] = [2000, 12000];
  const modes = process.argv[3] ? process.argv[3].split(',') : MODES;
  for (const mode of modes) console.log(`${mode}: ${Math.round((count(mode, n2) - count(mode, n1)) / (n2 - n1))} instructions per span`);
} else if (arg && MODES.includes(arg)) {
  run(arg, Number(nArg || 1000));
} else {
  console.error('usage: node bench/span-cost.js --cachegrind [modes] | <mode> <n>');
  process.exit(2);
}
void trace;
