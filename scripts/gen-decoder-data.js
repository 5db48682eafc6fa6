#!/usr/bin/env node
// Derives the compact route tables of the Stripe and Algolia decoders: Stripe's from the `stripe` npm package
// (a devDependency), Algolia's from its OpenAPI specs copied into scripts/sources/algolia.
// Usage: node scripts/gen-decoder-data.js [algoliaSpecsDir]
// Output: src/decoders/data/stripe-routes.json, src/decoders/data/algolia-routes.json (see the README there).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');

const repo = path.resolve(__dirname, '..');
const algoliaSpecs = path.resolve(process.argv[2] || path.join(__dirname, 'sources', 'algolia'));
const out = path.join(repo, 'src', 'decoders', 'data');

/** One route per line keeps the file diffable and small: [METHOD, path template, name]. */
function writeRoutes(file, rows) {
  const body = rows.map((r) => JSON.stringify(r)).join(',\n');
  fs.writeFileSync(path.join(out, file), `[\n${body}\n]\n`);
  console.log(`${file}: ${rows.length} routes`);
}

// Routes stripe-node does not declare as resource methods: OAuth lives on connect.stripe.com, and the
// v2 event endpoints are reached through its thin-event helpers.
const STRIPE_EXTRA = [
  ['POST', '/oauth/token', 'OAuth.token'],
  ['POST', '/oauth/deauthorize', 'OAuth.deauthorize'],
  ['GET', '/v2/core/events', 'V2.Core.Events.list'],
  ['GET', '/v2/core/events/{id}', 'V2.Core.Events.retrieve'],
];

/** Every `method(...) { ... this._makeRequest('VERB', '/path/${encodeURIComponent(x)}', ...) }` of the package's resources. */
function stripeRoutes() {
  // The package's `exports` hide package.json and the resources folder: walk up from its main entry.
  let pkgDir = path.dirname(require.resolve('stripe', { paths: [repo] }));
  const isPackageRoot = (dir) => fs.existsSync(path.join(dir, 'package.json')) && JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'stripe';
  while (!isPackageRoot(pkgDir)) pkgDir = path.dirname(pkgDir);
  const resources = path.join(pkgDir, 'cjs', 'resources');
  const found = [];
  const add = (verb, template, name) => found.push([verb, template, name]);
  const walk = (dir, prefix) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), [...prefix, entry.name]);
      else if (entry.name.endsWith('.js')) {
        const resource = [...prefix, entry.name.slice(0, -3)].join('.');
        let method;
        for (const line of fs.readFileSync(path.join(dir, entry.name), 'utf8').split('\n')) {
          const def = /^ {4}([A-Za-z]\w*)\([^)]*\) \{$/.exec(line);
          if (def) method = def[1];
          const call = /this\._makeRequest\('([A-Z]+)', [`']([^`']+)[`']/.exec(line);
          if (call && method) add(call[1], call[2].replace(/\$\{encodeURIComponent\((\w+)\)\}/g, '{$1}'), `${resource}.${method}`);
        }
      }
    }
  };
  walk(resources, []);
  for (const [verb, template, name] of STRIPE_EXTRA) add(verb, template, name);
  // A route reached by two methods (`retrieve()` without an id calls GET /v1/account, which is
  // `retrieveCurrent()`) is named after the method that has no other route.
  const routesPerName = new Map();
  for (const [, , name] of found) routesPerName.set(name, (routesPerName.get(name) || 0) + 1);
  const byKey = new Map();
  for (const row of found) {
    const key = `${row[0]} ${row[1]}`;
    const kept = byKey.get(key);
    if (!kept || routesPerName.get(row[2]) < routesPerName.get(kept[2])) byKey.set(key, row);
  }
  const routes = [...byKey.values()];
  return routes.sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1].localeCompare(b[1])));
}

const HTTP_METHODS = ['get', 'post', 'put', 'delete', 'patch'];

/** Real API paths only: the specs also describe client-side helpers (`/waitForTask`) and `/{path}` escapes. */
function algoliaRoutes() {
  const routes = [];
  const seen = new Set();
  for (const spec of ['search.yml', 'recommend.yml', 'insights.yml']) {
    const doc = yaml.load(fs.readFileSync(path.join(algoliaSpecs, spec), 'utf8'));
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
