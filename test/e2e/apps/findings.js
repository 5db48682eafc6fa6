// Scenarios found by running other HTTP libraries' test suites under the preload (issue 15 item 5). Each
// starts its own server on 127.0.0.1 (port 0) in this process, makes its calls, prints what it saw as JSON
// lines and exits. SCENARIO picks one.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const http2 = require('node:http2');
const { print } = require('./lib');

const repo = path.resolve(__dirname, '..', '..', '..');
const certs = path.join(repo, 'demo', 'certs');

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

const scenarios = {
  // undici with allowH2 against an h2-only TLS server: one exchange must be one span.
  async 'undici-h2'() {
    const undici = require('undici');
    const server = http2.createSecureServer({ key: fs.readFileSync(path.join(certs, 'demo-key.pem')), cert: fs.readFileSync(path.join(certs, 'demo-cert.pem')) });
    server.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end(`h2 says hi to ${headers[':path']}`);
    });
    const port = await listen(server);
    const agent = new undici.Agent({ allowH2: true, connect: { rejectUnauthorized: false } });
    const r = await undici.request(`https://127.0.0.1:${port}/undici-h2/request`, { dispatcher: agent });
    print({ name: 'request', status: r.statusCode, body: await r.body.text() });
    const f = await undici.fetch(`https://127.0.0.1:${port}/undici-h2/fetch`, { dispatcher: agent });
    print({ name: 'fetch', status: f.status, body: await f.text() });
    await agent.close();
    server.close();
  },

  // The server closes the stream with NO_ERROR before sending any headers: the app gets no response.
  async 'h2-no-error-reset'() {
    const server = http2.createServer();
    server.on('stream', (stream) => stream.close(http2.constants.NGHTTP2_NO_ERROR));
    const port = await listen(server);
    const session = http2.connect(`http://127.0.0.1:${port}`);
    await new Promise((resolve) => {
      const stream = session.request({ ':path': '/h2-no-error-reset' });
      const events = [];
      stream.on('response', () => events.push('response'));
      stream.on('data', () => events.push('data'));
      stream.on('end', () => events.push('end'));
      stream.on('error', (err) => events.push(`error:${err.code}`));
      stream.on('close', () => {
        print({ name: 'reset', events, rstCode: stream.rstCode });
        resolve();
      });
      stream.end();
    });
    session.close();
    server.close();
  },

  // Followed redirects: fetch's redirect: 'follow' (global and npm) and undici's redirect interceptor.
  async redirects() {
    const undici = require('undici');
    const server = http.createServer((req, res) => {
      const m = /^\/(\w+)\/hop(\d)$/.exec(req.url);
      if (m && Number(m[2]) < 3) {
        res.writeHead(302, { location: `/${m[1]}/hop${Number(m[2]) + 1}` });
        res.end();
      } else res.end(`arrived at ${req.url}`);
    });
    const port = await listen(server);
    const base = `http://127.0.0.1:${port}`;
    let r = await fetch(`${base}/globalfetch/hop1`);
    print({ name: 'globalfetch', status: r.status, body: await r.text() });
    r = await undici.fetch(`${base}/undicifetch/hop1`);
    print({ name: 'undicifetch', status: r.status, body: await r.text() });
    const dispatcher = new undici.Agent().compose(undici.interceptors.redirect({ maxRedirections: 5 }));
    const u = await undici.request(`${base}/interceptor/hop1`, { dispatcher });
    print({ name: 'interceptor', status: u.statusCode, body: await u.body.text() });
    await dispatcher.close();
    // As follow-redirects (axios) does: the next hop through http.request with the Location.
    const follow = (url) =>
      new Promise((resolve, reject) =>
        http.get(url, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => (res.headers.location ? resolve(follow(new URL(res.headers.location, url))) : resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() })));
        }).on('error', reject),
      );
    print({ name: 'httpfollow', ...(await follow(`${base}/httpfollow/hop1`)) });
    server.close();
  },
};

// NODE_DEBUG=fetch / NODE_DEBUG=undici: undici's own per-request debug lines on stderr.
scenarios['debug-log'] = async function debugLog() {
  const server = http.createServer((req, res) => {
    if (req.url.includes('trailers')) {
      res.writeHead(200, { trailer: 'x-done' });
      res.write('body;');
      res.addTrailers({ 'x-done': 'yes' });
      res.end();
    } else if (req.url.includes('destroy')) req.socket.destroy();
    else res.end('ok');
  });
  const port = await listen(server);
  const base = `http://127.0.0.1:${port}`;
  const use = process.env.UNDICI === 'npm' ? require('undici').fetch : fetch;
  await (await use(`${base}/plain`)).text();
  await (await use(`${base}/trailers`)).text();
  await use(`${base}/destroy`).catch((err) => print({ failed: err.message }));
  server.close();
};

// An app (or another agent, or undici's own tests) subscribes to undici:request:create after start-up and
// looks at the headers of the request it is told about.
scenarios['dc-subscriber'] = async function dcSubscriber() {
  const dc = require('node:diagnostics_channel');
  const undici = require('undici');
  const seenAtCreate = [];
  const headerNames = (h) => (Array.isArray(h) ? h.filter((_, i) => i % 2 === 0).map(String) : String(h).split('\r\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':'))));
  dc.subscribe('undici:request:create', ({ request }) => seenAtCreate.push({ path: request.path, headers: headerNames(request.headers) }));
  const received = [];
  const server = http.createServer((req, res) => {
    received.push({ path: req.url, traceparent: req.headers.traceparent !== undefined, tracestate: req.headers.tracestate !== undefined });
    res.end('ok');
  });
  const port = await listen(server);
  await (await fetch(`http://127.0.0.1:${port}/global`, { headers: { 'x-app': 'one' } })).text();
  await (await undici.request(`http://127.0.0.1:${port}/npm`, { headers: { 'x-app': 'two' } })).body.text();
  print({ seenAtCreate });
  print({ received });
  server.close();
};

// Errors thrown synchronously by ClientRequest.write()/end() (argument validation, write after end): the
// app catches them and prints their stack at Node's default Error.stackTraceLimit.
scenarios['write-throws'] = async function writeThrows() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const port = await listen(server);
  const stacks = [];
  const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/write-throws' }, (res) => res.resume());
  for (const bad of [() => req.write(123), () => req.write(null), () => req.end(Symbol('x'))]) {
    try {
      bad();
    } catch (err) {
      stacks.push(err.stack);
    }
  }
  req.write('fine');
  await new Promise((resolve) => req.end('!', resolve));
  let afterEnd;
  req.on('error', () => {}); // write after end also emits 'error'
  req.write('late', (err) => (afterEnd = err));
  await new Promise((resolve) => setTimeout(resolve, 50));
  stacks.push(afterEnd && afterEnd.stack);
  // The same through node:http2.
  const h2 = http2.createServer();
  h2.on('stream', (stream) => {
    stream.resume();
    stream.on('end', () => {
      stream.respond({ ':status': 200 });
      stream.end('ok');
    });
  });
  const h2port = await listen(h2);
  const session = http2.connect(`http://127.0.0.1:${h2port}`);
  const stream = session.request({ ':path': '/write-throws-h2', ':method': 'POST' });
  for (const bad of [() => stream.write(123), () => stream.end(Symbol('x'))]) {
    try {
      bad();
    } catch (err) {
      stacks.push(err.stack);
    }
  }
  stream.write('fine');
  stream.end('!');
  stream.resume();
  await new Promise((resolve) => stream.on('close', resolve));
  session.close();
  h2.close();
  print({ stacks });
  server.close();
};

const run = scenarios[process.env.SCENARIO];
if (!run) throw new Error(`unknown SCENARIO ${process.env.SCENARIO}`);
run().then(() => print({ done: true }));
