// The older handler shapes the runtimes still accept: a plain (non-async) function returning a value, and
// the context methods succeed/fail/done (aws-lambda-ric 3.x, nodejs22.x). `dispatch` runs the shape the
// event names, so one runtime process goes through all of them (declared with two parameters: ric 4.x
// rejects a three-parameter handler as a callback handler; ric 3.x still passes the callback).
'use strict';
const http = require('node:http');

if (process.env.COUNT_SYNC_SENDS) {
  // wiretap's synchronous OTLP deliveries (a child process running sync-send.js), one stderr line each.
  const cp = require('node:child_process');
  const execFileSync = cp.execFileSync;
  cp.execFileSync = function (file, args, ...rest) {
    if (Array.isArray(args) && args.some((a) => String(a).endsWith('sync-send.js'))) process.stderr.write('WIRETAP_SYNC_SEND\n');
    return execFileSync.call(this, file, args, ...rest);
  };
}

function call(path) {
  return new Promise((resolve, reject) => {
    http
      .get(`${process.env.DOWNSTREAM}${path}`, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', reject);
  });
}

const SHAPES = {
  // Both runtimes: a value returned by a plain function (3.x ignores it and answers null once the event
  // loop is empty; 4.x awaits it).
  syncValue: () => ({ sync: true }),
  // Both runtimes: a plain function that throws (3.x reports it at once, 4.x catches it in its await).
  syncThrow: () => {
    throw new RangeError('thrown synchronously');
  },
  // 3.x: the call still runs; the runtime answers null when it has finished (the event loop is empty).
  syncWithCall: () => {
    call('/ok').catch(() => undefined);
    return { ignored: true };
  },
  succeed: (event, context) => {
    call('/ok').then((status) => context.succeed({ via: 'succeed', downstream: status }));
  },
  succeedSync: (event, context) => {
    context.succeed({ via: 'succeedSync' });
  },
  fail: (event, context) => {
    call('/ok').then(() => context.fail(new Error('failed via context.fail')));
  },
  failEmpty: (event, context) => {
    context.fail();
  },
  done: (event, context) => {
    call('/ok').then((status) => context.done(null, { via: 'done', downstream: status }));
  },
  doneError: (event, context) => {
    context.done(new TypeError('done with an error'));
  },
  // The first of several calls wins (the runtime ignores the later ones).
  succeedTwice: (event, context, callback) => {
    callback(null, { first: 'callback' });
    context.succeed({ second: 'succeed' });
  },
  // Waits for the event loop before answering; the timer keeps it busy for a while.
  callbackWaits: (event, context, callback) => {
    setTimeout(() => undefined, 50);
    callback(null, { via: 'callback, after the event loop emptied' });
  },
  // Calls back first, then makes a call: 3.x answers once the loop is empty, so the call is done by then.
  callbackThenCall: (event, context, callback) => {
    callback(null, { via: 'callback, then a call' });
    call('/ok').catch(() => undefined);
  },
  // A promise rejected without a reason (3.x reports the string 'handled', 4.x the type 'undefined').
  rejectEmpty: () => Promise.reject(undefined),
  callbackNoWait: (event, context, callback) => {
    context.callbackWaitsForEmptyEventLoop = false;
    callback(null, { via: 'callback, not waiting' });
  },
};

exports.dispatch = function (event, context) {
  // eslint-disable-next-line prefer-rest-params
  return SHAPES[event.shape].apply(this, arguments);
};
