// ESM: named imports from node:http / node:https (live bindings must see the patched functions).
import { request, get, Agent } from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';

const HTTP = process.env.HTTP_BASE;
const TAG = process.env.RUN_TAG || 'run';
const ca = readFileSync(process.env.CA_FILE);
const u = (name) => `${HTTP}/${TAG}/${name}`;
const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');

function run(name, start) {
  return new Promise((resolve, reject) => {
    const req = start((res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        print({ name, status: res.statusCode, body: Buffer.concat(chunks).toString() });
        resolve();
      });
    });
    req.on('error', reject);
  });
}

await run('esm-request', (cb) => request(u('esm-request'), { method: 'POST' }, cb).end('esm-body'));
await run('esm-get', (cb) => get(new URL(u('esm-get')), cb));
const agent = new Agent({ keepAlive: true });
await run('esm-agent', (cb) => get(u('esm-agent'), { agent }, cb));
agent.destroy();
await run('esm-https', (cb) => https.get(`${process.env.HTTPS_BASE}/${TAG}/esm-https`, { ca }, cb));
print({ done: true });
