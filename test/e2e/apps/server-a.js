// "Server A" in a trace chain: a server (run under the preload) that calls NEXT_URL for every request.
'use strict';
const http = require('node:http');
const server = http.createServer((req, res) => {
  http.get(process.env.NEXT_URL, (up) => {
    let body = '';
    up.on('data', (c) => (body += c));
    up.on('end', () => res.end(`A saw ${req.url}; B said ${body.length} bytes`));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
