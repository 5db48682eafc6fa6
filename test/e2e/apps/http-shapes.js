// Every http/https call shape wiretap supports; each to its own path so the test can find its span.
'use strict';
const http = require('node:http');
const https = require('node:https');
const fs = require('node:fs');
const { HTTP, HTTPS, TAG, print } = require('./lib');

const ca = fs.readFileSync(process.env.CA_FILE);
const u = (name) => `${HTTP}/${TAG}/${name}`;
const port = Number(new URL(HTTP).port);

function run(name, start) {
  return new Promise((resolve, reject) => {
    const onRes = (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        print({ name, status: res.statusCode, body: Buffer.concat(chunks).toString('latin1') });
        resolve();
      });
    };
    const req = start(onRes);
    req.on('error', reject);
  });
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
const custom = new http.Agent({ keepAlive: false });

(async () => {
  await run('request-string', (cb) => http.request(u('request-string'), cb).end());
  await run('request-url', (cb) => http.request(new URL(u('request-url')), cb).end());
  await run('request-options', (cb) => http.request({ hostname: '127.0.0.1', port, path: `/${TAG}/request-options?x=1`, method: 'PUT' }, cb).end('put-body'));
  await run('request-string-options', (cb) => http.request(u('request-string-options'), { method: 'POST', headers: { 'content-type': 'text/plain' } }, cb).end('string+options'));
  await run('request-url-options', (cb) => http.request(new URL(u('request-url-options')), { method: 'DELETE' }, cb).end());
  await run('request-host-header-style', (cb) => http.request({ host: `127.0.0.1`, port, path: `/${TAG}/request-host-header-style` }, cb).end());
  await run('get-string', (cb) => http.get(u('get-string'), cb));
  await run('get-url', (cb) => http.get(new URL(u('get-url')), cb));
  await run('get-options', (cb) => http.get({ hostname: '127.0.0.1', port, path: `/${TAG}/get-options` }, cb));
  await run('get-string-options', (cb) => http.get(u('get-string-options'), { headers: { 'x-app': 'yes' } }, cb));
  await run('get-no-callback', (cb) => http.get(u('get-no-callback')).on('response', cb));
  await run('request-no-callback', (cb) => {
    const req = http.request(u('request-no-callback'), { method: 'POST' });
    req.on('response', cb);
    req.end('no-callback-body');
    return req;
  });
  await run('keepalive-1', (cb) => http.request(u('keepalive-1'), { agent: keepAlive }, cb).end());
  await run('keepalive-2', (cb) => http.request(u('keepalive-2'), { agent: keepAlive, method: 'POST' }, cb).end('second on the same socket'));
  await run('custom-agent', (cb) => http.get(u('custom-agent'), { agent: custom }, cb));
  await run('body-encodings', (cb) => {
    const req = http.request(u('body-encodings'), { method: 'POST', headers: { 'content-type': 'text/plain' } }, cb);
    req.write('caf\u00e9|', 'latin1');
    req.write('6865780a', 'hex');
    req.write(Buffer.from('b64|').toString('base64'), 'base64');
    req.write(Buffer.from('buffer|'));
    req.write(new Uint8Array([117, 56, 124]));
    req.end('end-utf8', 'utf8');
    return req;
  });
  await run('end-with-callback', (cb) => {
    const req = http.request(u('end-with-callback'), { method: 'POST' }, cb);
    req.end('done', () => undefined);
    return req;
  });
  await run('json-body', (cb) => {
    const req = http.request(u('json-body'), { method: 'POST' }, cb);
    req.setHeader('content-type', 'application/json');
    req.end(JSON.stringify({ hello: 'json' }));
    return req;
  });
  await run('status-500', (cb) => http.get(u('status-500') + '?status=500', cb));
  await run('gzip', (cb) => http.get(u('gzip'), cb));
  await run('https-request', (cb) => https.request(`${HTTPS}/${TAG}/https-request`, { ca, method: 'POST' }, cb).end('secret-ish'));
  await run('https-get', (cb) => https.get(new URL(`${HTTPS}/${TAG}/https-get`), { ca }, cb));
  const httpsKeepAlive = new https.Agent({ keepAlive: true, ca });
  await run('https-keepalive', (cb) => https.get(`${HTTPS}/${TAG}/https-keepalive`, { agent: httpsKeepAlive }, cb));
  keepAlive.destroy();
  httpsKeepAlive.destroy();
  print({ done: true });
})().catch((err) => {
  console.error('app failed', err);
  process.exitCode = 9;
});
