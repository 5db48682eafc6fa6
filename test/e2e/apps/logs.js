// Writes log lines through console, the process streams, pino, winston and bunyan, inside SERVER spans
// (nested: the outer handler calls an inner server) and outside any span. LOG_MODE picks the scenario.
'use strict';
const http = require('node:http');
const util = require('node:util');

const mode = process.env.LOG_MODE || 'correlate';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (mode === 'plain') {
  // Plain text in every shape an app prints, inside a span and outside: must stay byte-identical.
  const winston = require('winston');
  const simple = winston.createLogger({ format: winston.format.simple(), transports: [new winston.transports.Console()] });
  const printf = winston.createLogger({ format: winston.format.printf((i) => `${i.level} | ${i.message}`), transports: [new winston.transports.Console()] });
  const emit = (where) => {
    console.log('plain %s %d %j', where, 42, { a: 1 });
    console.info(util.inspect({ nested: { deep: [1, 2, 3] } }, { depth: 4 }));
    console.warn(`warned at ${where}`);
    console.error(new Error(`error at ${where}`).message);
    process.stdout.write(`raw stdout ${where}`); // no newline
    process.stdout.write('\n');
    process.stderr.write(Buffer.from(`raw stderr buffer ${where}\n`));
    simple.info(`winston simple ${where}`, { extra: 'field' });
    printf.warn(`winston printf ${where}`);
  };
  emit('outside');
  const server = http.createServer((req, res) => {
    emit('inside');
    res.end('ok');
  }).listen(0, '127.0.0.1', async () => {
    await fetch(`http://127.0.0.1:${server.address().port}/plain`).then((r) => r.text());
    server.close();
  });
} else if (mode === 'exit' || mode === 'throw') {
  const server = http.createServer((req, res) => {
    console.log(`last words before ${mode}`);
    process.stderr.write(`stderr before ${mode}\n`);
    if (mode === 'exit') process.exit(3);
    throw new Error('crash in handler');
  }).listen(0, '127.0.0.1', () => {
    http.get(`http://127.0.0.1:${server.address().port}/${mode}`).on('error', () => {});
  });
} else {
  const pino = require('pino')();
  const winston = require('winston');
  const wjson = winston.createLogger({ format: winston.format.combine(winston.format.timestamp(), winston.format.json()), transports: [new winston.transports.Console()] });
  const bunyan = require('bunyan').createLogger({ name: 'orders' });
  const secrets = mode === 'secrets';
  const inner = http.createServer((req, res) => {
    pino.info({ where: 'inner', path: req.url }, 'inner handler');
    console.log(`console inner ${req.url}`);
    res.end('inner');
  });
  const outer = http.createServer(async (req, res) => {
    const path = req.url;
    pino.info({ where: 'outer-start', path }, 'outer handler');
    await sleep(Math.floor(Math.random() * 20));
    wjson.info('after await', { where: 'outer-await', path });
    await fetch(`http://127.0.0.1:${inner.address().port}${path}/inner`).then((r) => r.text());
    bunyan.info({ where: 'outer-fetched', path }, 'after fetch');
    console.log(`console outer ${path}`);
    if (secrets) {
      // Obviously fake secrets, in every shape a log line carries them.
      console.log('calling with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkLXVzZXIifQ.c2lnbmF0dXJlLXBsYW50ZWQ');
      console.error('card 4111 1111 1111 1111 declined');
      process.stdout.write('aws key AKIAIOSFODNN7PLANTED in a raw write\n');
      pino.info({ password: 'planted-pino-password', user: 'planted-user-id' }, 'login');
      wjson.info('stripe', { apiKey: 'sk_live_PLANTEDPLANTEDPLANTED0000' });
    }
    res.end('ok');
  });
  let ready = 0;
  const go = async () => {
    if (++ready < 2) return;
    const n = Number(process.env.LOG_REQUESTS || 6);
    await Promise.all(Array.from({ length: n }, (_, i) => fetch(`http://127.0.0.1:${outer.address().port}/r${i}`).then((r) => r.text())));
    console.log('done, outside any span');
    inner.close();
    outer.close();
  };
  inner.listen(0, '127.0.0.1', go);
  outer.listen(0, '127.0.0.1', go);
}
