// Test function (CommonJS). Each export is one handler shape; DOWNSTREAM is a local server on 127.0.0.1.
'use strict';
const http = require('node:http');

function call(path) {
  return new Promise((resolve, reject) => {
    http
      .get(`${process.env.DOWNSTREAM}${path}`, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

exports.handler = async (event, context) => {
  const r = await call('/ok');
  return { ok: true, n: event.n, downstream: r.status, requestId: context.awsRequestId };
};

exports.http = async (event) => {
  await call('/ok');
  return { statusCode: 201, headers: { 'content-type': 'application/json', 'set-cookie': 'session=fake-session-cookie' }, body: JSON.stringify({ created: true }) };
};

exports.throws = async () => {
  await call('/ok');
  throw new TypeError('order total is not a number');
};

exports.throwsSync = () => {
  throw new RangeError('thrown before any await');
};

exports.callback = (event, context, callback) => {
  call('/ok').then((r) => callback(null, { ok: true, via: 'callback', downstream: r.status }), callback);
};

exports.callbackError = (event, context, callback) => {
  call('/ok').then(() => callback(new Error('callback failure')));
};

// Calls a downstream that never answers: the function times out.
exports.hang = async () => {
  await call('/ok');
  await call('/hang');
  return { never: true };
};

// Times out on the first invocation only: the watchdog reports, then the handler finishes after all.
exports.slow = async (event) => {
  await call('/ok');
  await new Promise((r) => setTimeout(r, event.sleepMs));
  return { slept: event.sleepMs };
};

exports.nested = { deeper: { handler: async () => ({ nested: true, downstream: (await call('/ok')).status }) } };

// Log lines inside the invocation (WIRETAP_CAPTURE_LOGS): tied to the invocation span.
exports.logs = async (event) => {
  console.log(`invocation ${event.n} started`);
  await call('/ok');
  console.error(`invocation ${event.n} done`);
  return { ok: true };
};

exports.logsThenHang = async () => {
  console.log('about to call the slow service');
  await call('/hang');
};

// Multi-concurrency (ric 4.x, AWS_LAMBDA_MAX_CONCURRENCY): two calls, the second to /hold, which answers
// only once every concurrent invocation is holding, so the invocations overlap whatever the timing.
exports.concurrent = async (event) => {
  // The one that times out (concurrency.test.ts): its call never answers.
  if (event.hang) await call(`/hang?n=${event.n}`);
  await call(`/ok?n=${event.n}`);
  await call(`${process.env.HOLD_PATH || '/hold'}?n=${event.n}`);
  return { n: event.n };
};
