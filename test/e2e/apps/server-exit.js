// An app with its own server: one request answered, one whose handler has sent the head and then nothing.
// Once the server holds the second one, the app leaves by EXIT_MODE: process.exit(5), SIGTERM (no handler)
// or an uncaught exception.
'use strict';
const http = require('node:http');

const server = http.createServer((req, res) => {
  if (req.url === '/answered') return res.end('ok');
  res.writeHead(202, { 'content-type': 'text/plain' });
  res.write('partial;');
  ready();
});

function ready() {
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  const mode = process.env.EXIT_MODE;
  if (mode === 'process-exit') process.exit(5);
  else if (mode === 'uncaught') setImmediate(() => {
    throw new Error('app crash while serving');
  });
  // SIGTERM: the test sends it once "ready" is printed.
}

server.listen(0, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  http.get(`${base}/answered`, (res) => {
    res.resume();
    res.on('end', () => http.get(`${base}/held`, (r) => r.resume()));
  });
});
