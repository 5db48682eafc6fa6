// Algolia: `Algolia <operationId>` from method + path through the route table of Algolia's OpenAPI specs,
// with the application, indexes, query and result counts, and the attempts of one call across hosts.
import type { Attributes } from '@opentelemetry/api';
import { requestUrl, type Exchange, type RequestHead } from '../exchange/types';
import { REDACTED } from '../redaction/redactor';
import type { DecodeContext, DecodedSpan, Decoder } from './decoder';
import { compileRoutes, resolveRoute, segments, type RouteMatch, type RouteRow } from './route-table';
import algoliaRoutes from './data/algolia-routes.json';
import {
  ATTR_ALGOLIA_APPLICATION_ID,
  ATTR_ALGOLIA_INDEX_NAME,
  ATTR_ALGOLIA_INDEX_NAMES,
  ATTR_ALGOLIA_NB_HITS,
  ATTR_ALGOLIA_OBJECT_ID,
  ATTR_ALGOLIA_OPERATION,
  ATTR_ALGOLIA_PROCESSING_TIME_MS,
  ATTR_ALGOLIA_QUERY,
  ATTR_ALGOLIA_REQUEST_COUNT,
  ATTR_ALGOLIA_REQUEST_ID,
  ATTR_ALGOLIA_RETRY_PREVIOUS_HOST,
  ATTR_ALGOLIA_RETRY_PREVIOUS_STATUS,
  ATTR_ALGOLIA_TASK_ID,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_URL_FULL,
  RPC_SERVICE_VALUE_ALGOLIA,
} from '../semconv';

// ---- tables -------------------------------------------------------------------------------------------

/** `[METHOD, template, operationId]` rows from search.yml, recommend.yml and insights.yml (data/README.md). */
export const ALGOLIA_ROUTES = compileRoutes(algoliaRoutes as unknown as RouteRow[]);

/** `{appId}-dsn.algolia.net`, `{appId}.algolia.net`, `{appId}-N.algolianet.com`, `insights.algolia.io`. */
const HOST_SUFFIXES = ['.algolia.net', '.algolianet.com', '.algolia.io'];

const APP_ID_QUERY = /(?:^|&)x-algolia-application-id=([^&]*)/i;
const AGENT_QUERY = /(?:^|&)x-algolia-agent=/i;
const REQUEST_ID_QUERY = /(?:^|&)x-algolia-request-id=([^&]*)/i;

/** Path parameters that hold a secret (`/1/keys/{key}` is an API key): masked in url.full, never recorded. */
const SECRET_PARAMS = new Set(['key']);

const MAX_QUERY_CHARS = 256;
const MAX_REMEMBERED_CALLS = 1000;
/** Attempts further apart than this are separate calls that happen to reuse a caller-chosen request-id. */
const RETRY_WINDOW_MS = 5 * 60_000;

// ---- match --------------------------------------------------------------------------------------------

/** Head only: an Algolia host, or the application id / agent any Algolia client sends (custom hosts). */
export function isAlgoliaRequest(head: RequestHead): boolean {
  if (HOST_SUFFIXES.some((s) => head.host.endsWith(s))) return true;
  if (head.headers['x-algolia-application-id'] !== undefined) return true;
  return head.query !== '' && (APP_ID_QUERY.test(head.query) || AGENT_QUERY.test(head.query));
}

// ---- decode -------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function parseObject(text: string | undefined): Json | undefined {
  if (!text || !text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined; // a truncated body: its fields are not worth guessing
  }
}

function queryParam(query: string, re: RegExp): string | undefined {
  const m = re.exec(query);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1].replace(/\+/g, ' '));
  } catch {
    return m[1];
  }
}

/** The application id: header, query parameter (`WithinQueryParameters` auth), else the host's first label. */
function applicationId(head: RequestHead): string | undefined {
  const fromHeader = head.headers['x-algolia-application-id'] ?? queryParam(head.query, APP_ID_QUERY);
  if (fromHeader) return fromHeader;
  if (!HOST_SUFFIXES.some((s) => head.host.endsWith(s))) return undefined;
  const label = head.host.slice(0, head.host.indexOf('.'));
  return label === 'insights' ? undefined : label.replace(/-(dsn|\d+)$/, '').toUpperCase();
}

function requestIdOf(head: RequestHead): string | undefined {
  return head.headers['request-id'] ?? queryParam(head.query, REQUEST_ID_QUERY);
}

/** Name of a path the table does not know: method, API version and first resource segment only. */
function fallbackName(head: RequestHead): string {
  return `${head.method} /${segments(head.path).slice(0, 2).join('/')}`;
}

/** A search's text: `query`, or the `query=` inside a `params` string. */
function queryText(request: Json | undefined): string | undefined {
  if (!request) return undefined;
  if (typeof request.query === 'string') return request.query;
  if (typeof request.facetQuery === 'string') return request.facetQuery;
  if (typeof request.params === 'string') return new URLSearchParams(request.params).get('query') ?? undefined;
  return undefined;
}

function requestAttributes(route: RouteMatch | undefined, body: Json | undefined, ctx: DecodeContext, attrs: Attributes): void {
  const indexes: string[] = [];
  for (const [param, value] of route?.params ?? []) {
    if (param === 'indexName') indexes.push(value);
    else if (param === 'objectID') attrs[ATTR_ALGOLIA_OBJECT_ID] = value;
    else if (param === 'taskID' && /^\d+$/.test(value)) attrs[ATTR_ALGOLIA_TASK_ID] = Number(value);
  }
  const requests = Array.isArray(body?.requests) ? (body.requests as unknown[]) : undefined;
  if (requests) {
    attrs[ATTR_ALGOLIA_REQUEST_COUNT] = requests.length;
    for (const r of requests) {
      const name = (r as Json | null)?.indexName;
      if (typeof name === 'string' && !indexes.includes(name)) indexes.push(name);
    }
  }
  if (indexes.length > 0) attrs[ATTR_ALGOLIA_INDEX_NAMES] = indexes;
  if (indexes.length === 1) attrs[ATTR_ALGOLIA_INDEX_NAME] = indexes[0];
  const query = queryText(requests ? (requests[0] as Json | undefined) : body);
  if (query !== undefined) attrs[ATTR_ALGOLIA_QUERY] = ctx.redactor.text(query.slice(0, MAX_QUERY_CHARS));
}

function responseAttributes(body: Json, attrs: Attributes): void {
  // A multi-query answers `results[]`; one search answers the same fields at the top.
  const results = Array.isArray(body.results) ? (body.results as Json[]) : [body];
  let hits: number | undefined;
  let processing: number | undefined;
  for (const r of results) {
    if (typeof r?.nbHits === 'number') hits = (hits ?? 0) + r.nbHits;
    if (typeof r?.processingTimeMS === 'number') processing = Math.max(processing ?? 0, r.processingTimeMS);
  }
  if (hits !== undefined) attrs[ATTR_ALGOLIA_NB_HITS] = hits;
  if (processing !== undefined) attrs[ATTR_ALGOLIA_PROCESSING_TIME_MS] = processing;
  if (typeof body.taskID === 'number') attrs[ATTR_ALGOLIA_TASK_ID] = body.taskID;
  if (typeof body.objectID === 'string' && !attrs[ATTR_ALGOLIA_OBJECT_ID]) attrs[ATTR_ALGOLIA_OBJECT_ID] = body.objectID;
}

interface Attempt {
  count: number;
  host: string;
  status: string;
  end: number;
}

function hostOf(head: RequestHead): string {
  const defaultPort = head.scheme === 'https' ? 443 : 80;
  return head.port === defaultPort ? head.host : `${head.host}:${head.port}`;
}

/** Records this attempt under the call's request-id; returns the attempt before it, if this is a resend. */
function previousAttempt(state: Map<string, unknown>, requestId: string, x: Exchange): Attempt | undefined {
  const key = `rid:${requestId}`;
  const before = state.get(key) as Attempt | undefined;
  const previous = before && x.timings.start - before.end <= RETRY_WINDOW_MS ? before : undefined;
  state.delete(key); // re-insert last: the Map's order is the eviction order
  state.set(key, {
    count: (previous?.count ?? 0) + 1,
    host: hostOf(x.request),
    status: x.response ? String(x.response.status) : (x.error?.type ?? 'incomplete'),
    end: x.timings.end ?? x.timings.start,
  } satisfies Attempt);
  if (state.size > MAX_REMEMBERED_CALLS) state.delete(state.keys().next().value as string);
  return previous;
}

/** url.full with secret path segments masked (the generic redactor does not know Algolia's routes). */
function maskedUrl(head: RequestHead, route: RouteMatch, ctx: DecodeContext): string | undefined {
  const secrets = route.params.filter(([p]) => SECRET_PARAMS.has(p)).map(([, v]) => v);
  if (secrets.length === 0) return undefined;
  const path = head.path
    .split('/')
    .map((s) => (secrets.includes(safeDecode(s)) ? REDACTED : s))
    .join('/');
  return ctx.redactor.url(requestUrl({ ...head, path }));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function decodeAlgolia(x: Exchange, ctx: DecodeContext): DecodedSpan {
  const head = x.request;
  const route = resolveRoute(ALGOLIA_ROUTES, head.method, head.path);
  const operation = route?.name;
  const attrs: Attributes = { [ATTR_RPC_SERVICE]: RPC_SERVICE_VALUE_ALGOLIA };
  if (operation) {
    attrs[ATTR_RPC_METHOD] = operation;
    attrs[ATTR_ALGOLIA_OPERATION] = operation;
    const url = maskedUrl(head, route, ctx);
    if (url) attrs[ATTR_URL_FULL] = url;
  }
  const appId = applicationId(head);
  if (appId) attrs[ATTR_ALGOLIA_APPLICATION_ID] = appId;
  requestAttributes(route, parseObject(ctx.requestText()), ctx, attrs);

  const requestId = requestIdOf(head);
  if (requestId) {
    attrs[ATTR_ALGOLIA_REQUEST_ID] = requestId;
    const previous = previousAttempt(ctx.state, requestId, x);
    if (previous) {
      attrs[ATTR_HTTP_REQUEST_RESEND_COUNT] = previous.count;
      attrs[ATTR_ALGOLIA_RETRY_PREVIOUS_HOST] = previous.host;
      attrs[ATTR_ALGOLIA_RETRY_PREVIOUS_STATUS] = previous.status;
    }
  }

  let error: DecodedSpan['error'];
  if (x.response) {
    const body = parseObject(ctx.responseText());
    if (body && x.response.status < 400) responseAttributes(body, attrs);
    if (x.response.status >= 400) {
      const message = typeof body?.message === 'string' ? ctx.redactor.text(body.message) : undefined;
      error = { type: String(x.response.status), message };
      attrs[ATTR_ERROR_TYPE] = error.type;
    }
  }
  return { name: `Algolia ${operation ?? fallbackName(head)}`, kind: 'client', attributes: attrs, error };
}

export const algoliaDecoder: Decoder = {
  name: 'algolia',
  match: isAlgoliaRequest,
  kindHint: () => 'client',
  decode: decodeAlgolia,
};
