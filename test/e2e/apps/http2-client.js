// http2.connect + session.request: a GET, a POST with a body, and a stream the server resets.
'use strict';
const http2 = require('node:http2');
const { H2, TAG, print } = require('./lib');

function call(session, name, headers, body) {
  return new Promise((resolve) => {
    const stream = session.request({ ':path': `/${TAG}/${name}`, ...headers });
    let status;
    const chunks = [];
    stream.on('response', (h) => (status = h[':status']));
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      print({ name, status, body: Buffer.concat(chunks).toString() });
      resolve();
    });
    stream.on('error', (err) => {
      print({ name, error: err.code });
      resolve();
    });
    if (body !== undefined) {
      stream.write(body.slice(0, 4));
      stream.end(body.slice(4));
    } else stream.end();
  });
}

(async () => {
  const session = http2.connect(H2);
  await call(session, 'h2-get', {});
  await call(session, 'h2-post', { ':method': 'POST', 'content-type': 'text/plain' }, 'h2 request body');
  await call(session, 'h2-rst/rst', {});
  session.close();
  print({ done: true });
})();
