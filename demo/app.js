// The demo app: an ordinary Node.js program that knows nothing about wiretap. `npm run demo` runs it with
// `--require wiretap/register`; every outgoing call below becomes a span.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const { DEMO_INVENTORY_URL, DEMO_PAYMENTS_URL, DEMO_CA_FILE } = process.env;
const ca = fs.readFileSync(DEMO_CA_FILE);

function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
      })
      .on('error', reject);
  });
}

function postJsonHttps(url, payload) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json', authorization: 'Bearer demo-FAKE-token-123' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(payload));
  });
}

async function checkout() {
  const item = await getJson(`${DEMO_INVENTORY_URL}/items/sku-1001`);
  console.log(`inventory: ${item.body.name}, ${item.body.stock} in stock`);

  const recs = await fetch(`${DEMO_INVENTORY_URL}/recommendations?for=sku-1001`);
  console.log(`recommendations: HTTP ${recs.status} (the demo's failing call)`);
  await recs.text();

  const payment = await postJsonHttps(`${DEMO_PAYMENTS_URL}/charge`, { orderId: 'ord-7', amount: 1450, card: { number: '4242424242424242', cvc: '123' } });
  console.log(`payment: ${payment.body.status} (${payment.body.receipt})`);

  for (const extra of require('./scenarios')) await extra.run();
}

// The app is a small web service: each POST /checkout is one transaction, so its outgoing calls are
// children of one SERVER span and the demo prints them as one trace.
const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/checkout') {
    checkout().then(
      () => res.end('ok\n'),
      (err) => {
        console.error('checkout failed:', err);
        res.statusCode = 500;
        res.end('failed\n');
      },
    );
  } else {
    res.statusCode = 404;
    res.end();
  }
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
// The demo runner says when to stop; then the app ends as any app does, and wiretap flushes at exit.
process.on('message', (m) => {
  if (m !== 'quit') return;
  server.close();
  server.closeIdleConnections?.();
  process.disconnect?.();
});
