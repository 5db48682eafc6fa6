// An app whose own response handler throws (CLIENT: http, https, http2, undici, fetch; KIND: data, readable,
// pipe, end). It prints the error's stack as JSON; the test compares it with and without the agent. The
// server sends a first chunk and the rest only after /release/<id>, so the throwing chunk comes from a
// socket read of its own: Node's parser (or the http2 session) pushes it, and the app's handler runs
// synchronously under that push.
'use strict';
const fs = require('node:fs');
const { Writable } = require('node:stream');

const { CLIENT, KIND, RUN_TAG } = process.env;
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let reported = false;
function report(err) {
  if (reported) return;
  reported = true;
  print({ stack: String(err && err.stack).split('\n') });
  process.exit(0);
}
process.on('uncaughtException', report);

const base = { http: process.env.HTTP_BASE, https: process.env.HTTPS_BASE, http2: process.env.H2_BASE, undici: process.env.HTTP_BASE, fetch: process.env.HTTP_BASE }[CLIENT];
const path = `/${RUN_TAG}/hold/${RUN_TAG}`;
const release = () => require('node:http').get(`${process.env.HTTP_BASE}/${RUN_TAG}/release/${RUN_TAG}`, (r) => r.resume());

/** The app's handlers on a Node readable body: each throws once the held rest of the body is there. */
function handle(body) {
  let got = '';
  if (KIND === 'data') {
    body.on('data', function onData(chunk) {
      got += chunk;
      if (got.includes('rest-of-body')) throw new Error(`app bug in ${KIND} handler`);
      release();
    });
  } else if (KIND === 'readable') {
    body.on('readable', function onReadable() {
      let chunk;
      while ((chunk = body.read()) !== null) got += chunk;
      if (got.includes('rest-of-body')) throw new Error(`app bug in ${KIND} handler`);
      if (got) release();
    });
  } else if (KIND === 'pipe') {
    body.pipe(
      new Writable({
        write(chunk, _encoding, callback) {
          got += chunk;
          if (got.includes('rest-of-body')) throw new Error(`app bug in ${KIND} handler`);
          release();
          callback();
        },
      }),
    );
  } else if (KIND === 'end') {
    body.on('data', (chunk) => {
      got += chunk;
      if (!got.includes('rest-of-body')) release();
    });
    body.on('end', function onEnd() {
      throw new Error(`app bug in ${KIND} handler`);
    });
  }
}

if (CLIENT === 'http' || CLIENT === 'https') {
  const mod = require(`node:${CLIENT}`);
  const options = CLIENT === 'https' ? { ca: fs.readFileSync(process.env.CA_FILE) } : {};
  mod.get(base + path, options, handle);
} else if (CLIENT === 'http2') {
  const session = require('node:http2').connect(base);
  const stream = session.request({ ':path': path });
  stream.on('response', () => handle(stream));
  stream.on('close', () => session.close());
} else if (CLIENT === 'undici') {
  // undici catches what a body handler throws and fails the request with it.
  require('undici')
    .request(base + path)
    .then(({ body }) => {
      body.on('error', report);
      handle(body);
    }, report);
} else if (CLIENT === 'fetch') {
  // A web stream: the app's code runs in a promise job, not under undici's push.
  (async function readFetched() {
    const res = await fetch(base + path);
    let got = '';
    for await (const chunk of res.body) {
      got += Buffer.from(chunk);
      if (got.includes('rest-of-body')) throw new Error(`app bug in ${KIND} handler`);
      release();
    }
  })().catch(report);
}
