#!/usr/bin/env node
// What one span costs on the export path, per mode, to choose how the export queue holds spans
// (docs/design.md, "Export and exit"). Not a test. Run:
//   node bench/export-cost.js                 # heap per queued span, all modes
//   valgrind --tool=cachegrind --cache-sim=no node bench/export-cost.js <mode> <n>
//                                             # instructions; per span = (I(n2) - I(n1)) / (n2 - n1)
//   node bench/export-cost.js --cachegrind    # runs the above for every mode and prints a table
// Modes: sdk (span start/end only, the floor), queue-sdk-json / queue-sdk-protobuf (SDK spans held, a
// batch serialized by the official serializer), encoded-json / encoded-protobuf (each span encoded once at
// its end, a batch joined from the bytes).
'use strict';
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { JsonTraceSerializer, ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { createSpanEncoder } = require('../dist/exporters/encoded');

const MODES = ['sdk', 'queue-sdk-json', 'queue-sdk-protobuf', 'encoded-json', 'encoded-protobuf'];
const BATCH = 512;

function setup(mode) {
  const held = [];
  let bytes = 0;
  const format = mode.endsWith('json') ? 'json' : 'protobuf';
  const encoder = mode.startsWith('encoded') ? createSpanEncoder(format) : undefined;
  const serializer = format === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const flush = () => {
    if (held.length === 0) return;
    const body = encoder ? encoder.request(held) : serializer.serializeRequest(held);
    bytes += body.length;
    held.length = 0;
  };
  const processor = {
    onStart() {},
    onEnd(span) {
      if (mode === 'sdk') return;
      held.push(encoder ? encoder.encode(span) : span);
      if (held.length >= BATCH) flush();
    },
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const resource = resourceFromAttributes({ 'service.name': 'bench', 'process.pid': process.pid, 'process.command_args': process.argv, 'host.name': 'bench-host' });
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [processor] }).getTracer('wiretap', '0.1.0');
  return { tracer, held, flush, bytes: () => bytes };
}

// A span shaped like a decoded DynamoDB GetItem with both bodies captured.
function one(tracer, i) {
  const body = JSON.stringify({ TableName: 'users', Key: { id: { S: `user-${i}` } }, Item: { name: { S: `name ${i} `.repeat(30) } } });
  const start = Date.now();
  const s = tracer.startSpan('POST dynamodb.us-east-1.amazonaws.com', { startTime: start, attributes: { 'http.request.method': 'POST', 'server.address': 'dynamodb.us-east-1.amazonaws.com', 'server.port': 443 } });
  s.updateName('DynamoDB.GetItem');
  s.setAttributes({
    'url.full': 'https://dynamodb.us-east-1.amazonaws.com/',
    'http.response.status_code': 200,
    'rpc.system': 'aws-api',
    'rpc.service': 'DynamoDB',
    'rpc.method': 'GetItem',
    'aws.dynamodb.table_names': ['users'],
    'aws.request_id': `REQ${i}ABCDEFGHIJKLMNOPQRSTUV`,
    'cloud.region': 'us-east-1',
    'http.request.body.content': body,
    'http.response.body.content': body,
    'http.request.body.size': body.length,
    'http.response.body.size': body.length,
    'network.protocol.version': '1.1',
  });
  s.end(start + 1);
}

function run(mode, n) {
  const { tracer, flush } = setup(mode);
  for (let i = 0; i < n; i++) one(tracer, i);
  flush();
}

function heapPerQueuedSpan(mode) {
  const { tracer, held } = setup(mode);
  for (let i = 0; i < 50; i++) one(tracer, i);
  held.length = 0;
  const gc = require('node:vm').runInNewContext('gc');
  for (let i = 0; i < 4; i++) gc();
  const before = process.memoryUsage();
  const n = 400; // below BATCH: everything stays queued
  for (let i = 0; i < n; i++) one(tracer, i);
  for (let i = 0; i < 4; i++) gc();
  const after = process.memoryUsage();
  return { heap: Math.round((after.heapUsed - before.heapUsed) / n), external: Math.round((after.external - before.external) / n) };
}


const [arg, nArg] = process.argv.slice(2);
if (arg === '--cachegrind') {
  const count = (mode, n) => require('./whole').instructionsOf([__filename, mode, String(n)]);
  const [n1, n2] = [500, 2500];
  const rows = MODES.map((mode) => ({ mode, instructionsPerSpan: Math.round((count(mode, n2) - count(mode, n1)) / (n2 - n1)) }));
  console.log(JSON.stringify(rows, null, 1));
} else if (arg && MODES.includes(arg)) {
  run(arg, Number(nArg || 1000));
} else {
  require('node:v8').setFlagsFromString('--expose-gc');
  for (const mode of MODES) console.log(JSON.stringify({ mode, ...heapPerQueuedSpan(mode) }));
}
