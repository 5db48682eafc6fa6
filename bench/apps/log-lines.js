// Writes LINES log lines through console.log and pino inside one SERVER span; prints its own CPU time.
'use strict';
const http = require('node:http');
const pino = require('pino')(require('node:fs').createWriteStream('/dev/null'));
const lines = Number(process.env.LINES || 20000);
const server = http.createServer((req, res) => {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < lines; i++) {
    if (i % 2) console.log('order %d shipped to %s', i, 'warehouse-7');
    else pino.info({ order: i }, 'order shipped');
  }
  const cpu = process.cpuUsage(cpu0);
  process.stderr.write(JSON.stringify({ cpuUs: cpu.user + cpu.system, wallNs: Number(process.hrtime.bigint() - t0) }) + '\n');
  res.end('ok');
});
server.listen(0, '127.0.0.1', async () => {
  await fetch(`http://127.0.0.1:${server.address().port}/`).then((r) => r.text());
  server.close();
});
