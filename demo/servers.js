// Local servers for the demo, all on 127.0.0.1: a plain HTTP inventory API and an HTTPS payments API.
// The service fakes (DynamoDB, SQS, Stripe, Algolia) live in fakes.js.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');

function json(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function inventoryHandler(req, res) {
  if (req.url.startsWith('/items/')) {
    const id = req.url.split('/')[2];
    return json(res, 200, { id, name: 'Espresso beans', stock: 42, price: 1450 });
  }
  if (req.url.startsWith('/recommendations')) {
    // The flaky dependency every demo needs.
    return json(res, 503, { error: 'recommendations temporarily unavailable' }, { 'retry-after': '1' });
  }
  return json(res, 404, { error: 'not found' });
}

async function paymentsHandler(req, res) {
  const body = await readBody(req);
  let order = {};
  try {
    order = JSON.parse(body);
  } catch {
    /* keep empty */
  }
  json(res, 201, { receipt: `rcpt_${order.orderId ?? 'x'}`, status: 'captured', amount: order.amount });
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

async function startDemoServers() {
  const certs = path.join(__dirname, 'certs');
  const inventory = http.createServer(inventoryHandler);
  const payments = https.createServer(
    { key: fs.readFileSync(path.join(certs, 'demo-key.pem')), cert: fs.readFileSync(path.join(certs, 'demo-cert.pem')) },
    paymentsHandler,
  );
  const fakes = await require('./fakes').startFakes();
  const servers = [inventory, payments, ...fakes.servers];
  const env = {
    DEMO_INVENTORY_URL: `http://127.0.0.1:${await listen(inventory)}`,
    DEMO_PAYMENTS_URL: `https://127.0.0.1:${await listen(payments)}`,
    DEMO_CA_FILE: path.join(certs, 'demo-cert.pem'),
    ...fakes.env,
  };
  return {
    env,
    async close() {
      await Promise.all(servers.map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(() => r()); })));
    },
  };
}

module.exports = { startDemoServers, json, readBody, listen };
