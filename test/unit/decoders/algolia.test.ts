import { expect } from 'chai';
import algoliaRoutes from '../../../src/decoders/data/algolia-routes.json';
import { resolveRoute, type RouteRow } from '../../../src/decoders/route-table';
import { ALGOLIA_ROUTES, algoliaDecoder, isAlgoliaRequest } from '../../../src/decoders/algolia';
import type { RequestHead } from '../../../src/exchange/types';
import type { Fixture } from '../../../src/fixture/format';
import { decodeWith, head } from '../../helpers/decode';

const ROWS = algoliaRoutes as unknown as RouteRow[];
const HEADERS = { 'x-algolia-application-id': 'FAKE_APP', 'x-algolia-api-key': 'fake-api-key-unit-0001' };

const decode = (ex: Fixture['exchange'], state?: Map<string, unknown>) => decodeWith(algoliaDecoder, ex, state);

describe('decoders/algolia', () => {
  describe('route table', () => {
    it('holds the search API and the recommend/insights paths', () => {
      expect(ROWS.length).to.be.greaterThan(60);
      expect(ROWS.map((r) => r[2])).to.include.members(['searchSingleIndex', 'search', 'browse', 'getObjects', 'saveObject', 'getRecommendations', 'pushEvents']);
    });

    it('resolves every row of the table to its own operation', () => {
      const wrong: string[] = [];
      for (const [method, template, name] of ROWS) {
        const path = template.replace(/\{([^}]+)\}/g, (_m, p: string) => (p === 'taskID' ? '123' : `v-${p}`));
        const got = resolveRoute(ALGOLIA_ROUTES, method, path);
        if (got?.name !== name) wrong.push(`${method} ${path}: expected ${name}, got ${got?.name}`);
      }
      expect(wrong).to.deep.equal([]);
    });

    const cases: [string, string, string | undefined][] = [
      ['POST', '/1/indexes/products/query', 'searchSingleIndex'],
      ['POST', '/1/indexes/*/queries', 'search'],
      ['POST', '/1/indexes/*/objects', 'getObjects'],
      ['POST', '/1/indexes/*/batch', 'multipleBatch'],
      ['POST', '/1/indexes/products/batch', 'batch'],
      ['GET', '/1/indexes/products/settings', 'getSettings'],
      ['GET', '/1/indexes/products/sku-1', 'getObject'],
      ['PUT', '/1/indexes/products/sku-1', 'addOrUpdateObject'],
      ['POST', '/1/indexes/products/sku-1/partial', 'partialUpdateObject'],
      ['POST', '/1/indexes/products', 'saveObject'],
      ['DELETE', '/1/indexes/products', 'deleteIndex'],
      ['POST', '/1/indexes/products/facets/brand/query', 'searchForFacetValues'],
      ['GET', '/1/indexes/products/related-products/recommend/rules/r1', 'getRecommendRule'],
      ['GET', '/1/indexes/products/task/42', 'getTask'],
      ['GET', '/1/task/42', 'getAppTask'],
      ['GET', '/1/indexes', 'listIndices'],
      ['POST', '/1/events', 'pushEvents'],
      ['GET', '/1/test/retry/javascript', undefined],
      ['PATCH', '/1/indexes/products', undefined],
    ];
    for (const [method, path, name] of cases) {
      it(`${method} ${path} -> ${name ?? 'nothing'}`, () => expect(resolveRoute(ALGOLIA_ROUTES, method, path)?.name).to.equal(name));
    }

    it('decodes URL-encoded index names and object ids', () => {
      expect(resolveRoute(ALGOLIA_ROUTES, 'GET', '/1/indexes/my%20index/a%2Fb')?.params).to.deep.equal([
        ['indexName', 'my index'],
        ['objectID', 'a/b'],
      ]);
    });
  });

  describe('match', () => {
    const yes: [string, RequestHead][] = [
      ['the DSN host', head('POST', 'https://fake_app-dsn.algolia.net/1/indexes/x/query')],
      ['the write host', head('POST', 'https://fake_app.algolia.net/1/indexes/x')],
      ['a fallback host', head('GET', 'https://fake_app-3.algolianet.com/1/indexes')],
      ['insights', head('POST', 'https://insights.algolia.io/1/events')],
      ['a custom host with the application-id header', head('POST', 'http://127.0.0.1:6694/1/indexes/x/query', { 'x-algolia-application-id': 'FAKE_APP' })],
      ['a custom host with the application id in the query', head('GET', 'http://search.internal/1/indexes?x-algolia-application-id=FAKE_APP&x-algolia-api-key=fake-api-key-q')],
      ['a custom host with only the agent', head('GET', 'http://search.internal/1/indexes?x-algolia-agent=Algolia%20for%20JavaScript')],
    ];
    const no: [string, RequestHead][] = [
      ['Algolia-like paths on another host without Algolia headers', head('POST', 'https://search.example.test/1/indexes/x/query')],
      ['a look-alike host', head('GET', 'https://algolia.net.evil.example/1/indexes')],
      ['a host merely containing "algolia"', head('GET', 'https://algolia-fan-site.example/1/indexes')],
      ['a query parameter that only ends like the app id one', head('GET', 'https://x.example/?not-x-algolia-application-id=1')],
    ];
    for (const [what, h] of yes) it(`matches ${what}`, () => expect(isAlgoliaRequest(h)).to.equal(true));
    for (const [what, h] of no) it(`does not match ${what}`, () => expect(isAlgoliaRequest(h)).to.equal(false));
  });

  describe('decode', () => {
    it('takes the application id from the host when no header says it', () => {
      const d = decode({ request: { method: 'GET', url: 'https://latency-2.algolianet.com/1/indexes' } });
      expect(d.attributes['algolia.application_id']).to.equal('LATENCY');
      expect(d.name).to.equal('Algolia listIndices');
    });

    it('names unknown paths by method, version and first segment only', () => {
      const d = decode({ request: { method: 'GET', url: 'http://127.0.0.1:6694/1/test/retry/javascript', headers: HEADERS } });
      expect(d.name).to.equal('Algolia GET /1/test');
    });

    it('caps the query text', () => {
      const d = decode({ request: { method: 'POST', url: 'https://fake_app-dsn.algolia.net/1/indexes/p/query', headers: HEADERS, body: JSON.stringify({ query: 'q'.repeat(5000) }) } });
      expect((d.attributes['algolia.query'] as string).length).to.equal(256);
    });

    it('redacts secrets typed into the search box', () => {
      const d = decode({ request: { method: 'POST', url: 'https://fake_app-dsn.algolia.net/1/indexes/p/query', headers: HEADERS, body: JSON.stringify({ query: '4242 4242 4242 4242' }) } });
      expect(d.attributes['algolia.query']).to.not.include('4242 4242');
    });

    it('counts attempts of one request-id across hosts and remembers the failed host', () => {
      const state = new Map<string, unknown>();
      const attempt = (host: string, status: number, start: number) =>
        decode(
          {
            request: { method: 'GET', url: `https://${host}/1/indexes/p/settings`, headers: { ...HEADERS, 'request-id': 'rid-1' } },
            response: { status },
            timings: { start, end: start + 5 },
          },
          state,
        );
      const a = attempt('fake_app-dsn.algolia.net', 503, 0);
      const b = attempt('fake_app-1.algolianet.com', 502, 10);
      const c = attempt('fake_app-2.algolianet.com', 200, 20);
      expect(a.attributes['http.request.resend_count']).to.equal(undefined);
      expect(b.attributes).to.include({ 'http.request.resend_count': 1, 'algolia.retry.previous_host': 'fake_app-dsn.algolia.net', 'algolia.retry.previous_status': '503' });
      expect(c.attributes).to.include({ 'http.request.resend_count': 2, 'algolia.retry.previous_host': 'fake_app-1.algolianet.com', 'algolia.retry.previous_status': '502' });
    });

    it('records a network failure of the previous attempt by its error type', () => {
      const state = new Map<string, unknown>();
      const req = { method: 'GET', url: 'http://127.0.0.1:1/1/indexes', headers: { ...HEADERS, 'request-id': 'rid-2' } };
      decode({ request: req, error: { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, timings: { start: 0, end: 1 } }, state);
      const d = decode({ request: { ...req, url: 'http://127.0.0.1:2/1/indexes' }, response: { status: 200 }, timings: { start: 2, end: 3 } }, state);
      expect(d.attributes).to.include({ 'algolia.retry.previous_host': '127.0.0.1:1', 'algolia.retry.previous_status': 'ECONNREFUSED' });
    });

    it('reads the request id from the query string too', () => {
      const d = decode({ request: { method: 'GET', url: 'https://fake_app-dsn.algolia.net/1/indexes?x-algolia-request-id=qid-9', headers: HEADERS } });
      expect(d.attributes['algolia.request_id']).to.equal('qid-9');
    });

    it('keeps its retry memory bounded', () => {
      const state = new Map<string, unknown>();
      for (let i = 0; i < 2500; i++) decode({ request: { method: 'GET', url: 'https://fake_app-dsn.algolia.net/1/indexes', headers: { ...HEADERS, 'request-id': `r${i}` } } }, state);
      expect(state.size).to.be.at.most(1000);
    });

    it('ignores a truncated response body', () => {
      const d = decode({ request: { method: 'POST', url: 'https://fake_app-dsn.algolia.net/1/indexes/p/query', headers: HEADERS }, response: { status: 200, body: '{"hits":[{"objectID":"1","na', bodySize: 90000 } });
      expect(d.attributes).to.not.have.property('algolia.nb_hits');
      expect(d.name).to.equal('Algolia searchSingleIndex');
    });

    it('never puts the API key on its own attributes', () => {
      const d = decode({ request: { method: 'GET', url: 'https://fake_app.algolia.net/1/keys/fake-api-key-unit-0002', headers: HEADERS } });
      expect(JSON.stringify(d)).to.not.include('fake-api-key-unit');
    });
  });
});
