// Samples heapUsed after gc() around a few hundred requests, as leak detectors (undici's own TLS leak
// test) do: the queue of finished spans must not show up as growth per request.
'use strict';
const http = require('node:http');
const v8 = require('node:v8');
const vm = require('node:vm');
const { HTTP, TAG, print } = require('./lib');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(i) {
  const body = JSON.stringify({ id: i, note: `request ${i} `.repeat(60) });
  return new Promise((resolve, reject) => {
    // One URL for all (the index is in the body): the redactor's bounded URL and text caches, which clear
    // when full, would otherwise grow by one entry per request and blur what is measured here: the queue.
    const req = http.request(`${HTTP}/${TAG}/heap/item`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const heap = () => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};

(async () => {
  const warm = Number(process.env.WARM || 100);
  const n = Number(process.env.MEASURED || 300);
  let i = 0;
  while (i < warm) await post(i++);
  const before = heap();
  while (i < warm + n) await post(i++);
  const after = heap();
  print({ perRequest: Math.round((after - before) / n), requests: n });
  agent.destroy();
})();
