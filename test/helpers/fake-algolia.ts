// Local stand-ins for Algolia hosts on 127.0.0.1, in the real wire format: JSON bodies sent as text/plain,
// `{message,status}` errors, search answers with nbHits/processingTimeMS, write answers with taskID. A host
// can be `down` (503 to everything, as a failing DSN host) or rate-limit its first write (429 + Retry-After).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAlgoliaRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface FakeAlgolia {
  port: number;
  seen: FakeAlgoliaRequest[];
  close(): Promise<void>;
}

export interface FakeAlgoliaOptions {
  down?: boolean;
  rateLimitFirstWrite?: boolean;
  appId: string;
  apiKey: string;
}

type Json = Record<string, unknown>;
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const PRODUCTS: Record<string, Json> = { 'sku-1': { objectID: 'sku-1', name: 'Trail shoe' }, 'sku-2': { objectID: 'sku-2', name: 'Road shoe' } };

function searchResult(index: string, query: string): Json {
  const hits = Object.values(PRODUCTS).filter((p) => String(p.name).toLowerCase().includes(query.toLowerCase()));
  return { hits, nbHits: hits.length, page: 0, nbPages: 1, hitsPerPage: 20, processingTimeMS: 1, query, params: `query=${encodeURIComponent(query)}`, index };
}

export function startFakeAlgolia(options: FakeAlgoliaOptions): Promise<FakeAlgolia> {
  const seen: FakeAlgoliaRequest[] = [];
  let limited = false;
  let task = 100;

  function answer(method: string, path: string, headers: http.IncomingHttpHeaders, body: Json): Answer {
    if (options.down) return { status: 503, body: 'Service Unavailable' };
    if (headers['x-algolia-application-id'] !== options.appId || headers['x-algolia-api-key'] !== options.apiKey) {
      return { status: 403, body: { message: 'Invalid Application-ID or API key', status: 403 } };
    }
    const seg = path.split('/').slice(1).map(decodeURIComponent); // ['1','indexes',index,...]
    if (seg[0] !== '1' || seg[1] !== 'indexes') return { status: 404, body: { message: 'Not found', status: 404 } };
    const index = seg[2];
    if (method === 'POST' && index === '*' && seg[3] === 'queries') {
      const requests = (body.requests as Json[]) ?? [];
      return { status: 200, body: { results: requests.map((r) => searchResult(String(r.indexName), String(r.query ?? ''))) } };
    }
    if (method === 'POST' && seg[3] === 'query') return { status: 200, body: searchResult(index, String(body.query ?? '')) };
    if (method === 'POST' && seg.length === 3) {
      if (options.rateLimitFirstWrite && !limited) {
        limited = true;
        return { status: 429, body: { message: 'Too many requests', status: 429 }, headers: { 'retry-after': '1' } };
      }
      return { status: 201, body: { createdAt: '2024-01-01T00:00:00.000Z', taskID: ++task, objectID: 'new-1' } };
    }
    if (method === 'GET' && seg.length === 4) {
      const object = PRODUCTS[seg[3]];
      return object ? { status: 200, body: object } : { status: 404, body: { message: 'ObjectID does not exist', status: 404 } };
    }
    return { status: 404, body: { message: 'Not found', status: 404 } };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Json = {};
      try {
        body = text ? (JSON.parse(text) as Json) : {};
      } catch {
        /* keep empty */
      }
      const a = answer(req.method ?? '', url.pathname, req.headers, body);
      seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: text, status: a.status });
      const isText = typeof a.body === 'string';
      res.writeHead(a.status, { 'content-type': isText ? 'text/plain' : 'application/json; charset=UTF-8', ...a.headers });
      res.end(isText ? (a.body as string) : JSON.stringify(a.body));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        seen,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
