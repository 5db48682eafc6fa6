// An app using the real `algoliasearch` v5 client with two custom hosts (ALGOLIA_PORTS="down,up": the first
// answers 503). Prints one JSON line per call with what the app got, for test/clients/algolia.test.ts.
'use strict';
const { algoliasearch } = require('algoliasearch');

const hosts = process.env.ALGOLIA_PORTS.split(',').map((port) => ({ url: '127.0.0.1', port: Number(port), accept: 'readWrite', protocol: 'http' }));
const client = algoliasearch(process.env.ALGOLIA_APP_ID, process.env.ALGOLIA_API_KEY, { hosts });

async function step(name, fn) {
  try {
    const value = await fn();
    console.log(JSON.stringify({ step: name, ok: true, value }));
  } catch (err) {
    console.log(JSON.stringify({ step: name, ok: false, error: { name: err.name, status: err.status, message: err.message } }));
  }
}

(async () => {
  await step('searchSingleIndex', () =>
    client.searchSingleIndex({ indexName: 'products', searchParams: { query: 'shoe' } }).then((r) => ({ nbHits: r.nbHits, names: r.hits.map((h) => h.name) })),
  );
  await step('saveObject', () => client.saveObject({ indexName: 'products', body: { name: 'Trail runner' } }).then((r) => ({ taskID: r.taskID, objectID: r.objectID })));
  await step('getObject.missing', () => client.getObject({ indexName: 'products', objectID: 'missing' }));
  await step('search', () =>
    client
      .search({ requests: [{ indexName: 'products', query: 'trail' }, { indexName: 'articles', query: 'road' }] })
      .then((r) => ({ nbHits: r.results.map((x) => x.nbHits) })),
  );
})();
