// Test function (ES module).
import { get } from 'node:http';

const call = (path) =>
  new Promise((resolve, reject) => {
    get(`${process.env.DOWNSTREAM}${path}`, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });

export const handler = async (event) => ({ esm: true, n: event.n, downstream: await call('/ok') });

// Response streaming (awslambda is the runtime's global).
export const stream = awslambda.streamifyResponse(async (event, responseStream) => {
  const status = await call('/ok');
  responseStream.write(`first chunk ${status}\n`);
  await new Promise((r) => setTimeout(r, 20));
  responseStream.end('last chunk\n');
});
