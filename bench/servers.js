'use strict';
// The local servers every bench configuration runs against, all on 127.0.0.1:
// - a fake DynamoDB answering GetItem from precomputed buffers (small, 200 KB, 10 MB items by table name),
//   fast enough never to be the bottleneck;
// - a plain HTTP server for the fetch / http.request loops;
// - an OTLP/HTTP receiver that accepts and discards, counting spans (protobuf or JSON);
// - a slow OTLP receiver (answers after a delay) for the bounded-memory run.
const http = require('node:http');

function ddbItem(bytes) {
  // One string attribute carries the size: the SDK's JSON.parse stays cheap, the wire carries the bytes.
  const pad = bytes > 200 ? 'x'.repeat(bytes - 200) : '';
  return Buffer.from(
    JSON.stringify({ Item: { id: { S: 'user-42' }, name: { S: 'Ada Lovelace' }, email: { S: 'ada@example.com' }, age: { N: '36' }, blob: { S: pad } } }),
  );
}

const ITEMS = {
  small: ddbItem(0),
  big200k: ddbItem(200 * 1024),
  big10m: ddbItem(10 * 1024 * 1024),
};

function fakeDynamo() {
  let calls = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      calls++;
      let table = 'small';
      try {
        table = JSON.parse(Buffer.concat(chunks).toString('utf8')).TableName || 'small';
      } catch {
        /* default item */
      }
      const target = req.headers['x-amz-target'] || '';
      if (!target.endsWith('.GetItem')) {
        const body = Buffer.from(JSON.stringify({ __type: 'com.amazon.coral.validate#ValidationException', message: 'only GetItem' }));
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': body.length, 'x-amzn-requestid': 'BENCH' });
        res.end(body);
        return;
      }
      const body = ITEMS[table] || ITEMS.small;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': body.length, 'x-amzn-requestid': 'BENCHREQ' + calls });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60000;
  return { server, count: () => calls };
}

const PLAIN = Buffer.from(JSON.stringify({ id: 42, name: 'Ada', tags: ['a', 'b', 'c'], note: 'y'.repeat(300) }));

function plainHttp() {
  let calls = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': PLAIN.length });
      res.end(PLAIN);
    });
  });
  server.keepAliveTimeout = 60000;
  return { server, count: () => calls };
}

// Minimal protobuf walk: ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) →
// ScopeSpans.spans(2). Only counts; never decodes a span.
function varint(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [result, pos];
    shift += 7;
  }
}

function countField(buf, start, end, field, inner) {
  let n = 0;
  let pos = start;
  while (pos < end) {
    let key;
    [key, pos] = varint(buf, pos);
    const f = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) [, pos] = varint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      let len;
      [len, pos] = varint(buf, pos);
      if (f === field) n += inner ? inner(buf, pos, pos + len) : 1;
      pos += len;
    } else break;
  }
  return n;
}

function countProtoSpans(buf) {
  return countField(buf, 0, buf.length, 1, (b, s, e) => countField(b, s, e, 2, (b2, s2, e2) => countField(b2, s2, e2, 2)));
}

function countJsonSpans(buf) {
  let n = 0;
  try {
    for (const rs of JSON.parse(buf.toString('utf8')).resourceSpans || []) for (const ss of rs.scopeSpans || []) n += (ss.spans || []).length;
  } catch {
    /* not JSON */
  }
  return n;
}

function otlpReceiver(delayMs = 0) {
  const stats = { requests: 0, spans: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      stats.requests++;
      stats.bytes += body.length;
      const json = String(req.headers['content-type'] || '').includes('json');
      stats.spans += json ? countJsonSpans(body) : countProtoSpans(body);
      const reply = () => {
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf', 'content-length': json ? 2 : 0 });
        res.end(json ? '{}' : undefined);
      };
      if (delayMs > 0) setTimeout(reply, delayMs).unref();
      else reply();
    });
  });
  server.keepAliveTimeout = 60000;
  return {
    server,
    stats,
    reset() {
      stats.requests = 0;
      stats.spans = 0;
      stats.bytes = 0;
    },
  };
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

async function startServers({ slowDelayMs = 2000 } = {}) {
  const ddb = fakeDynamo();
  const plain = plainHttp();
  const otlp = otlpReceiver(0);
  const slow = otlpReceiver(slowDelayMs);
  const ports = {
    ddb: await listen(ddb.server),
    http: await listen(plain.server),
    otlp: await listen(otlp.server),
    slowOtlp: await listen(slow.server),
  };
  return {
    ports,
    otlp,
    slow,
    close() {
      for (const s of [ddb.server, plain.server, otlp.server, slow.server]) {
        s.closeAllConnections?.();
        s.close();
      }
    },
  };
}

module.exports = { startServers, countProtoSpans, countJsonSpans, ITEMS };
