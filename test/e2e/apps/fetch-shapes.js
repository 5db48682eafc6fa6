// Global fetch and the npm undici package (fetch, request, stream, Client, Pool, Agent), with bodies.
'use strict';
const undici = require('undici');
const { Writable, Readable } = require('node:stream');
const { HTTP, TAG, print } = require('./lib');
const u = (name) => `${HTTP}/${TAG}/${name}`;

(async () => {
  let r = await fetch(u('global-fetch-get'));
  print({ name: 'global-fetch-get', status: r.status, body: await r.text() });
  r = await fetch(u('global-fetch-post'), { method: 'POST', body: 'global fetch body', headers: { 'content-type': 'text/plain' } });
  print({ name: 'global-fetch-post', status: r.status, body: await r.text() });
  r = await fetch(u('global-fetch-json'), { method: 'PUT', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } });
  print({ name: 'global-fetch-json', status: r.status, body: await r.text() });
  r = await fetch(u('global-fetch-stream-body'), { method: 'POST', body: Readable.toWeb(Readable.from([Buffer.from('streamed '), Buffer.from('body')])), duplex: 'half' });
  print({ name: 'global-fetch-stream-body', status: r.status, body: await r.text() });
  r = await fetch(u('global-fetch-gzip'));
  print({ name: 'global-fetch-gzip', status: r.status, body: await r.text() });
  r = await fetch(u('global-fetch-404') + '?status=404');
  print({ name: 'global-fetch-404', status: r.status, body: await r.text() });

  r = await undici.fetch(u('undici-fetch'), { method: 'POST', body: 'undici fetch body' });
  print({ name: 'undici-fetch', status: r.status, body: await r.text() });
  let res = await undici.request(u('undici-request'), { method: 'POST', body: 'undici request body' });
  print({ name: 'undici-request', status: res.statusCode, body: await res.body.text() });
  res = await undici.request(u('undici-request-buffer'), { method: 'PATCH', body: Buffer.from('buffer body') });
  print({ name: 'undici-request-buffer', status: res.statusCode, body: await res.body.text() });
  const chunks = [];
  await undici.stream(u('undici-stream'), { method: 'GET', opaque: chunks }, ({ opaque }) =>
    new Writable({ write(c, _e, cb) { opaque.push(c); cb(); } }));
  print({ name: 'undici-stream', status: 200, body: Buffer.concat(chunks).toString() });

  const client = new undici.Client(HTTP);
  res = await client.request({ path: `/${TAG}/undici-client`, method: 'POST', body: 'client body' });
  print({ name: 'undici-client', status: res.statusCode, body: await res.body.text() });
  await client.close();
  const pool = new undici.Pool(HTTP, { connections: 2 });
  res = await pool.request({ path: `/${TAG}/undici-pool`, method: 'GET' });
  print({ name: 'undici-pool', status: res.statusCode, body: await res.body.text() });
  await pool.close();
  const agent = new undici.Agent({ keepAliveTimeout: 10 });
  res = await undici.request(u('undici-agent'), { dispatcher: agent, method: 'POST', body: 'agent body' });
  print({ name: 'undici-agent', status: res.statusCode, body: await res.body.text() });
  r = await undici.fetch(u('undici-fetch-agent'), { dispatcher: agent });
  print({ name: 'undici-fetch-agent', status: r.status, body: await r.text() });
  await agent.close();
  print({ done: true });
})().catch((err) => {
  console.error('app failed', err);
  process.exitCode = 9;
});
