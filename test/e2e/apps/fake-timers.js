// A test-runner-like app: it installs @sinonjs/fake-timers (Date, performance, hrtime, setTimeout ...)
// after start-up, and only then starts its first server and makes its first outgoing call. It reports
// how many timers the fake clock saw, runs them all, uninstalls the clock and makes one more call.
'use strict';
const http = require('node:http');
const FakeTimers = require('@sinonjs/fake-timers');
const { TAG, print } = require('./lib');

const realStart = Date.now();
const realSetTimeout = setTimeout;
// As sinon.useFakeTimers() does: everything but nextTick and queueMicrotask (Node's own I/O needs them).
const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date', 'hrtime', 'performance'] });

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
}

const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}/${TAG}`;
  await get(`${base}/while-faked`);
  await new Promise((r) => realSetTimeout(r, 50)); // let the span end (socket 'close') before counting
  const timers = clock.countTimers();
  clock.runAll();
  const fakeNow = Date.now();
  clock.uninstall();
  await get(`${base}/after-uninstall`);
  print({ timers, fakeNow, realStart, realEnd: Date.now() });
  server.close();
});
