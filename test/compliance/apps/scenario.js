// One compliance scenario per run (SCENARIO). Prints, as JSON lines, everything the app observes: events
// in order with the stream's state at that moment, bytes received (as a hash), errors. The test runs it
// with and without the preload and compares the output.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const HTTP = process.env.HTTP_BASE;
const TAG = process.env.RUN_TAG;
const url = (p) => `${HTTP}/${TAG}/${p}`;
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const sha = (buf) => crypto.createHash('sha256').update(buf).digest('hex').slice(0, 16);

function state(s, options = {}) {
  const out = { flowing: s.readableFlowing ?? null, ended: s.readableEnded, destroyed: s.destroyed, complete: s.complete, aborted: s.aborted };
  if (options.ignoreFlowing) delete out.flowing;
  return out;
}
function watch(emitter, who, events, options) {
  for (const ev of events) {
    emitter.on(ev, (arg) => {
      const e = { who, ev, state: state(emitter, options) };
      if (arg instanceof Error) e.error = { code: arg.code, message: arg.message, name: arg.name };
      print(e);
    });
  }
}
const REQ_EVENTS = ['finish', 'close', 'error', 'timeout', 'abort'];
const RES_EVENTS = ['end', 'close', 'error', 'aborted'];

function onResponse(res, options) {
  print({ who: 'req', ev: 'response', status: res.statusCode, headers: Object.keys(res.headers).filter((h) => h !== 'date'), state: state(res) });
  watch(res, 'res', RES_EVENTS, options);
}

const scenarios = {
  pipe() {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wiretap-pipe-')), 'out.bin');
    const req = http.get(url('pipe/big?kb=512'), (res) => {
      // Whether pipe() has paused the response for the file's backpressure at the moment of 'end' is a race
      // between disk and socket, with or without the agent (seen both ways in bare runs): not compared.
      onResponse(res, { ignoreFlowing: true });
      const out = fs.createWriteStream(file);
      res.pipe(out);
      out.on('finish', () => {
        const data = fs.readFileSync(file);
        print({ ev: 'file', size: data.length, sha: sha(data), state: state(res) });
      });
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'for-await'() {
    const req = http.get(url('for-await/chunks'), async (res) => {
      onResponse(res);
      const parts = [];
      for await (const c of res) parts.push(c);
      print({ ev: 'body', body: Buffer.concat(parts).toString(), state: state(res) });
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'late-read'() {
    const req = http.get(url('late-read/big?kb=64'), (res) => {
      onResponse(res);
      setTimeout(() => {
        print({ ev: 'late', state: state(res), paused: res.isPaused() });
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => print({ ev: 'body', size: Buffer.concat(parts).length, sha: sha(Buffer.concat(parts)) }));
      }, 150);
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'late-read-small'() {
    const req = http.get(url('late-read-small/json'), (res) => {
      onResponse(res);
      setTimeout(() => {
        print({ ev: 'late', state: state(res), buffered: res.readableLength });
        res.setEncoding('utf8');
        let body = '';
        res.on('readable', () => {
          let c;
          while ((c = res.read()) !== null) body += c;
        });
        res.on('end', () => print({ ev: 'body', body: body.replace(TAG, 'TAG') }));
      }, 100);
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'never-read-small'() {
    const req = http.get(url('never-read-small/json'), (res) => {
      onResponse(res);
      setTimeout(() => {
        print({ ev: 'later', state: state(res), buffered: res.readableLength });
        req.destroy();
      }, 200);
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'never-read-big'() {
    const req = http.get(url('never-read-big/big?kb=4096'), (res) => {
      onResponse(res);
      setTimeout(() => {
        // Backpressure: the body did not all arrive, because nobody read it.
        print({ ev: 'later', state: state(res) });
        req.destroy();
      }, 300);
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'get-no-callback'() {
    // No callback and no 'response' listener: Node dumps the response and frees the socket.
    const req = http.get(url('get-no-callback/big?kb=256'));
    watch(req, 'req', REQ_EVENTS);
  },
  'abort-mid-body'() {
    const req = http.get(url('abort-mid-body/hang-body'), (res) => {
      onResponse(res);
      res.once('data', (c) => {
        print({ ev: 'data', text: String(c) });
        req.destroy();
      });
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'abort-signal'() {
    const ac = new AbortController();
    const req = http.get(url('abort-signal/hang-body'), { signal: ac.signal }, (res) => {
      onResponse(res);
      res.once('data', () => ac.abort());
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'abort-before-response'() {
    const req = http.get(url('abort-before-response/hang'));
    watch(req, 'req', REQ_EVENTS);
    req.on('socket', () => setTimeout(() => req.destroy(), 50));
  },
  timeout() {
    const req = http.get(url('timeout/hang'));
    req.setTimeout(100, () => {
      print({ ev: 'timeout-callback' });
      req.destroy(new Error('app gave up'));
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'socket-error'() {
    const req = http.get(url('socket-error/destroy-early'));
    watch(req, 'req', REQ_EVENTS);
  },
  'socket-error-mid-body'() {
    const req = http.get(url('socket-error-mid-body/destroy-mid'), (res) => {
      onResponse(res);
      res.on('data', (c) => print({ ev: 'data', text: String(c) }));
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'no-error-listener'() {
    // Nobody listens for 'error': the app crashes exactly as it would without wiretap.
    http.get(url('no-error-listener/destroy-early'));
  },
  gzip() {
    const req = http.get(url('gzip'), (res) => {
      onResponse(res);
      const parts = [];
      res.on('data', (c) => parts.push(c));
      res.on('end', () => print({ ev: 'body', size: Buffer.concat(parts).length, sha: sha(Buffer.concat(parts)) }));
    });
    watch(req, 'req', REQ_EVENTS);
  },
  'post-body'() {
    const req = http.request(url('post-body/echo'), { method: 'POST', headers: { 'content-type': 'text/plain', 'x-custom': 'a' } }, (res) => {
      onResponse(res);
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => print({ ev: 'body', body: body.replace(TAG, 'TAG') }));
    });
    watch(req, 'req', REQ_EVENTS);
    print({ ev: 'write', ret: req.write('latin1:\u00e9|', 'latin1') });
    print({ ev: 'write', ret: req.write('ff00', 'hex') });
    req.end(Buffer.from('end'), () => print({ ev: 'end-callback' }));
  },
  async 'fetch-stream'() {
    const r = await fetch(url('fetch-stream/chunks'));
    print({ ev: 'response', status: r.status, bodyUsed: r.bodyUsed });
    const reader = r.body.getReader();
    let n = 0;
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      n++;
      text += Buffer.from(value).toString();
    }
    print({ ev: 'body', text, nonEmpty: n > 0, bodyUsed: r.bodyUsed });
  },
  async 'fetch-abort'() {
    const ac = new AbortController();
    const r = await fetch(url('fetch-abort/hang-body'), { signal: ac.signal });
    const reader = r.body.getReader();
    const first = await reader.read();
    print({ ev: 'first', text: Buffer.from(first.value).toString() });
    ac.abort();
    try {
      await reader.read();
      print({ ev: 'no-error' });
    } catch (err) {
      print({ ev: 'error', name: err.name, message: err.message });
    }
  },
  async 'fetch-never-read'() {
    const r = await fetch(url('fetch-never-read/hang-body'));
    // Kept reachable (undici aborts a request whose Response is garbage collected, which would make the
    // span's ending depend on GC timing), and the app ends itself: the held socket would keep it alive.
    globalThis.keepResponse = r;
    setTimeout(() => process.exit(0), 300);
    print({ ev: 'response', status: r.status, bodyUsed: r.bodyUsed, locked: r.body.locked });
  },
  async 'fetch-socket-error'() {
    try {
      await fetch(url('fetch-socket-error/destroy-early'));
    } catch (err) {
      print({ ev: 'error', name: err.name, message: err.message, cause: err.cause && err.cause.code });
    }
  },
};

scenarios['h2-rst-no-listener'] = function () {
  // An http2 stream reset by the server, with no 'error' listener: the app crashes as it would without wiretap.
  const session = require('node:http2').connect(process.env.H2_BASE);
  const stream = session.request({ ':path': `/${TAG}/h2-rst-no-listener/rst` });
  stream.on('response', (h) => print({ ev: 'response', status: h[':status'] }));
  stream.end();
};
scenarios['h2-get'] = function () {
  const session = require('node:http2').connect(process.env.H2_BASE);
  const stream = session.request({ ':path': `/${TAG}/h2-get/json` });
  stream.on('response', (h) => print({ ev: 'response', status: h[':status'] }));
  watch(stream, 'stream', ['end', 'close', 'error', 'aborted']);
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (c) => (body += c));
  stream.on('end', () => {
    print({ ev: 'body', body: body.replace(TAG, 'TAG') });
    session.close();
  });
  stream.end();
};

scenarios['throw-in-end-handler'] = function () {
  // The app's own bug in a response handler: the crash output (stack included) must be the same.
  http.get(url('throw-in-end-handler/json'), (res) => {
    res.resume();
    res.on('end', function onEnd() {
      throw new Error('app bug in end handler');
    });
  });
};
scenarios['throw-in-response-callback'] = function () {
  http.get(url('throw-in-response-callback/json'), function onResponse() {
    throw new Error('app bug in response callback');
  });
};

process.on('exit', (code) => print({ ev: 'exit', code }));
scenarios[process.env.SCENARIO]();
