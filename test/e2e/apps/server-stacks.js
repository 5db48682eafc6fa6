// An http.Server whose handler reports what its code sees of the stack: the number of frames inside the
// handler, and whether a later native callback (fs.stat) runs through callbackTrampoline. The handler
// also calls a downstream route, so a CLIENT span can nest under the SERVER span.
'use strict';
Error.stackTraceLimit = Infinity;
const fs = require('node:fs');
const http = require('node:http');
const { print } = require('./lib');

const INCOMING_TRACE = '0af7651916cd43dd8448eb211c80319c';
const INCOMING_PARENT = 'b7ad6b7169203331';

const frames = () => new Error('where am I').stack.split('\n').length - 1;
const statStack = () => new Promise((resolve) => fs.stat(__filename, () => resolve(new Error('in callback').stack.includes('callbackTrampoline'))));

(async () => {
  const trampolineBefore = await statStack();
  let seen;
  const server = http.createServer((req, res) => {
    if (req.url === '/downstream') return void res.end('down');
    seen = { handlerFrames: frames() };
    // The downstream call is made once the request body has been read, as body parsers do: from the
    // request's own 'end' listener.
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.body = body;
      http.get(`http://127.0.0.1:${server.address().port}/downstream`, (down) => {
        down.resume();
        down.on('end', () => {
          res.writeHead(201, { 'content-type': 'text/plain' });
          res.end('served');
        });
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const status = await new Promise((resolve, reject) => {
    const req = http.request({ method: 'POST', port, host: '127.0.0.1', path: '/served?q=1', headers: { traceparent: `00-${INCOMING_TRACE}-${INCOMING_PARENT}-01`, 'user-agent': 'stacks-test/1' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.write('first;');
    setTimeout(() => req.end('second'), 20); // the body arrives in a later read than the head
  });
  const trampolineAfter = await statStack();
  print({ status, ...seen, trampolineBefore, trampolineAfter });
  server.close();
  print({ done: true });
})();
