// The app must get the first chunk before the server sends the rest: the server holds the rest until
// the app, having read the first chunk, calls /release. If anything buffered the response, this hangs.
'use strict';
const http = require('node:http');
const undici = require('undici');
const { HTTP, TAG, print } = require('./lib');
const hold = (name) => `${HTTP}/${TAG}/${name}/hold/${TAG}-${name}`;
const release = (name) => fetch(`${HTTP}/${TAG}/${name}-release/release/${TAG}-${name}`).then((r) => r.text());

async function readAll(reader, first) {
  let text = first;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += Buffer.from(value).toString();
  }
}

async function viaWebStream(name, doFetch) {
  const r = await doFetch(hold(name));
  const reader = r.body.getReader();
  const first = Buffer.from((await reader.read()).value).toString();
  print({ name, first });
  await release(name);
  print({ name, whole: await readAll(reader, first) });
}

(async () => {
  await viaWebStream('global-fetch', fetch);
  await viaWebStream('undici-fetch', undici.fetch);
  {
    const res = await undici.request(hold('undici-request'));
    const it = res.body[Symbol.asyncIterator]();
    const first = (await it.next()).value.toString();
    print({ name: 'undici-request', first });
    await release('undici-request');
    let whole = first;
    for (let n = await it.next(); !n.done; n = await it.next()) whole += n.value.toString();
    print({ name: 'undici-request', whole });
  }
  await new Promise((resolve, reject) => {
    http.get(hold('http-get'), (res) => {
      let whole = '';
      res.once('data', (c) => {
        whole += c;
        print({ name: 'http-get', first: String(c) });
        res.on('data', (c2) => (whole += c2));
        res.on('end', () => {
          print({ name: 'http-get', whole });
          resolve();
        });
        release('http-get').catch(reject);
      });
    }).on('error', reject);
  });
  print({ done: true });
})().catch((err) => {
  console.error('app failed', err);
  process.exitCode = 9;
});
