#!/usr/bin/env node
// Derives the compact route tables of the Stripe and Algolia decoders from the shared reference data.
// Usage: node scripts/gen-decoder-data.js [vectorsDir]   (default: ../shared/vectors beside the repo)
// Output: src/decoders/data/stripe-routes.json, src/decoders/data/algolia-routes.json (see the README there).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');

const repo = path.resolve(__dirname, '..');
const vectors = path.resolve(process.argv[2] || path.join(repo, '..', 'shared', 'vectors'));
const out = path.join(repo, 'src', 'decoders', 'data');

/** One route per line keeps the file diffable and small: [METHOD, path template, name]. */
function writeRoutes(file, rows) {
  const body = rows.map((r) => JSON.stringify(r)).join(',\n');
  fs.writeFileSync(path.join(out, file), `[\n${body}\n]\n`);
  console.log(`${file}: ${rows.length} routes`);
}

function stripeRoutes() {
  const rows = JSON.parse(fs.readFileSync(path.join(vectors, 'stripe', 'stripe-node-routes.json'), 'utf8'));
  const seen = new Set();
  const routes = [];
  for (const r of rows) {
    const key = `${r.http} ${r.path}`;
    if (seen.has(key)) continue; // POST /oauth/token is listed twice (with and without its host)
    seen.add(key);
    routes.push([r.http, r.path, `${r.resource}.${r.method}`]);
  }
  return routes.sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1].localeCompare(b[1])));
}

const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch'];

/** Real API paths only: the specs also describe client-side helpers (`/waitForTask`) and `/{path}` escapes. */
function algoliaRoutes() {
  const routes = [];
  const seen = new Set();
  for (const spec of ['search.yml', 'recommend.yml', 'insights.yml']) {
    const doc = yaml.load(fs.readFileSync(path.join(vectors, 'algolia', spec), 'utf8'));
    for (const [p, item] of Object.entries(doc.paths)) {
      if (!p.startsWith('/1/')) continue;
      for (const m of HTTP_METHODS) {
        const op = item[m];
        if (!op || !op.operationId) continue;
        const key = `${m.toUpperCase()} ${p}`;
        if (seen.has(key)) continue; // search.yml wins over the other specs
        seen.add(key);
        routes.push([m.toUpperCase(), p, op.operationId]);
      }
    }
  }
  return routes.sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1].localeCompare(b[1])));
}

fs.mkdirSync(out, { recursive: true });
writeRoutes('stripe-routes.json', stripeRoutes());
writeRoutes('algolia-routes.json', algoliaRoutes());
