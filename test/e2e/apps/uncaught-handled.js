// An app (like mocha or ava) that handles 'uncaughtException' and keeps running: a call in flight when
// the exception is thrown completes afterwards, and its span must be the real, complete one.
'use strict';
const http = require('node:http');
const { HTTP, TAG, print } = require('./lib');

process.on('uncaughtException', (err) => print({ handled: err.message }));

const req = http.get(`${HTTP}/${TAG}/hold/u1`, (res) => {
  res.once('data', () => {
    // The first chunk is in: throw from a callback, then let the server finish the response.
    setImmediate(() => {
      throw new Error('boom');
    });
    setTimeout(() => http.get(`${HTTP}/${TAG}/release/u1`, (r) => r.resume()), 20);
  });
  res.on('end', () => print({ completed: res.statusCode }));
});
req.on('error', (err) => print({ error: err.message }));
