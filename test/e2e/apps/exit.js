// Exit paths. EXIT_MODE picks one; every mode first finishes one call, then leaves one in flight
// (the server sent headers and a first chunk, then nothing), prints "ready" and exits its own way.
'use strict';
const http = require('node:http');
const { HTTP, TAG, print } = require('./lib');
const mode = process.env.EXIT_MODE;

function finished() {
  return new Promise((resolve, reject) => {
    http.get(`${HTTP}/${TAG}/finished`, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

function inflight() {
  return new Promise((resolve) => {
    const req = http.get(`${HTTP}/${TAG}/inflight/hang-body`, (res) => {
      res.once('data', () => resolve(req));
    });
    req.on('error', (err) => print({ inflightError: err.code || err.message }));
  });
}

(async () => {
  await finished();
  if (mode === 'before-exit') {
    // An app that does more work from its own beforeExit: wiretap must still get the later spans out.
    let more = true;
    process.on('beforeExit', () => {
      if (!more) return;
      more = false;
      http.get(`${HTTP}/${TAG}/from-before-exit`, (res) => res.resume());
    });
    print({ ready: true });
    return;
  }
  const req = await inflight();
  switch (mode) {
    case 'process-exit':
      print({ ready: true });
      process.exit(3);
      break;
    case 'exit-code':
      print({ ready: true });
      process.exitCode = 4;
      req.destroy();
      break;
    case 'signal-default':
      print({ ready: true });
      break;
    case 'signal-handler-exit':
      process.on('SIGINT', () => {
        print({ handled: 'SIGINT' });
        setTimeout(() => process.exit(7), 5);
      });
      process.on('SIGTERM', () => {
        print({ handled: 'SIGTERM' });
        setTimeout(() => process.exit(8), 5);
      });
      print({ ready: true });
      break;
    case 'signal-handler-stay':
      // The app decides not to die: it cleans up and then ends normally.
      process.on('SIGTERM', () => {
        print({ handled: 'SIGTERM', staying: true });
        setTimeout(() => {
          req.destroy();
          print({ cleanedUp: true });
        }, 20);
      });
      print({ ready: true });
      break;
    case 'uncaught':
      print({ ready: true });
      setTimeout(() => {
        throw new Error('boom from the app');
      }, 1);
      break;
    case 'unhandled-rejection':
      print({ ready: true });
      Promise.reject(new Error('rejected by the app'));
      break;
    case 'uncaught-handled':
      process.on('uncaughtException', (err) => {
        print({ caught: err.message });
        req.destroy();
      });
      print({ ready: true });
      setTimeout(() => {
        throw new Error('caught by the app');
      }, 1);
      break;
  }
})();
