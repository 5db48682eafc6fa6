// Stripe: `Stripe <Resource>.<method>` from method + path through stripe-node's own route table, with the
// ids of the path, the request/idempotency ids, the error of the body and resends of the same call.
import type { Attributes } from '@opentelemetry/api';
import type { Exchange, Headers, RequestHead } from '../exchange/types';
import type { DecodeContext, DecodedSpan, Decoder } from './decoder';
import { compileRoutes, resolveRoute, segments, type RouteRow } from './route-table';
import stripeRoutes from './data/stripe-routes.json';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_STRIPE_ACCOUNT,
  ATTR_STRIPE_API_VERSION,
  ATTR_STRIPE_ERROR_CODE,
  ATTR_STRIPE_ERROR_DECLINE_CODE,
  ATTR_STRIPE_ERROR_PARAM,
  ATTR_STRIPE_ERROR_TYPE,
  ATTR_STRIPE_IDEMPOTENCY_KEY,
  ATTR_STRIPE_IDEMPOTENT_REPLAYED,
  ATTR_STRIPE_LIVEMODE,
  ATTR_STRIPE_METHOD,
  ATTR_STRIPE_OBJECT_ID,
  ATTR_STRIPE_OBJECT_TYPE,
  ATTR_STRIPE_PARENT_ID,
  ATTR_STRIPE_REQUEST_ID,
  ATTR_STRIPE_RESOURCE,
  ATTR_STRIPE_SHOULD_RETRY,
  ATTR_STRIPE_TELEMETRY_LAST_REQUEST_DURATION_MS,
  ATTR_STRIPE_TELEMETRY_LAST_REQUEST_ID,
  RPC_SERVICE_VALUE_STRIPE,
} from '../semconv';

// ---- tables -------------------------------------------------------------------------------------------

/** 649 `[METHOD, template, Resource.method]` rows derived from stripe-node 23.1.0 (data/README.md). */
export const STRIPE_ROUTES = compileRoutes(stripeRoutes as unknown as RouteRow[]);

const STRIPE_HOSTS = new Set(['api.stripe.com', 'files.stripe.com', 'uploads.stripe.com', 'meter-events.stripe.com', 'connect.stripe.com']);

/** Paths of the Stripe API, whatever host a `stripe` client was pointed at. */
const API_PREFIXES = ['/v1/', '/v2/', '/oauth/'];

/** Request headers that only Stripe's client libraries send. */
const CLIENT_HEADERS = ['stripe-version', 'x-stripe-client-user-agent', 'x-stripe-client-telemetry'];

/** A secret or restricted key. Other APIs use `sk_` keys too (Clerk), so alone it needs a known route. */
const SECRET_KEY_BEARER = /^bearer\s+(sk|rk)_(test|live)_/i;
const LIVE_KEY_BEARER = /^bearer\s+(sk|rk)_live_/i;

const REQUEST_HEADER_ATTRIBUTES: readonly [header: string, attribute: string][] = [
  ['stripe-version', ATTR_STRIPE_API_VERSION],
  ['stripe-account', ATTR_STRIPE_ACCOUNT],
  ['idempotency-key', ATTR_STRIPE_IDEMPOTENCY_KEY],
];

const ERROR_FIELDS: readonly [field: string, attribute: string][] = [
  ['type', ATTR_STRIPE_ERROR_TYPE],
  ['code', ATTR_STRIPE_ERROR_CODE],
  ['decline_code', ATTR_STRIPE_ERROR_DECLINE_CODE],
  ['param', ATTR_STRIPE_ERROR_PARAM],
];

/** Idempotency keys remembered to recognise resends; the oldest is forgotten first. */
const MAX_REMEMBERED_KEYS = 1000;

/** A path segment that is an object id (`pi_3Mtw…`, `cus_123`), templated in names of unknown routes. */
const ID_SEGMENT = /^[a-z]+(_[a-z]+)*_[A-Za-z0-9]*\d[A-Za-z0-9]*$/;

// ---- match --------------------------------------------------------------------------------------------

function hasApiPrefix(path: string): boolean {
  return API_PREFIXES.some((p) => path.startsWith(p));
}

/** Head only: a Stripe host, or Stripe's API shape and client headers on any host (stripe-mock, proxies). */
export function isStripeRequest(head: RequestHead): boolean {
  if (STRIPE_HOSTS.has(head.host)) return true;
  if (!hasApiPrefix(head.path)) return false;
  const h = head.headers;
  if (CLIENT_HEADERS.some((name) => h[name] !== undefined)) return true;
  if (h['user-agent']?.startsWith('Stripe/')) return true;
  return SECRET_KEY_BEARER.test(h['authorization'] ?? '') && resolveRoute(STRIPE_ROUTES, head.method, head.path) !== undefined;
}

// ---- decode -------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function parseObject(text: string | undefined): Json | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return truncatedObject(text);
  }
}

/** A body cut by the capture cap: the first occurrence of the few fields we read (Stripe puts them first). */
function truncatedObject(text: string): Json | undefined {
  const field = (key: string): string | boolean | undefined => {
    const m = new RegExp(`"${key}"\\s*:\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|(true|false))`).exec(text);
    return m ? (m[1] ?? m[2] === 'true') : undefined;
  };
  if (text.includes('"error"')) {
    const error: Json = {};
    for (const [f] of ERROR_FIELDS) error[f] = field(f);
    error.message = field('message');
    return { error };
  }
  return { id: field('id'), object: field('object'), livemode: field('livemode') };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Name of a route the table does not know: method and path with ids templated (bounded cardinality). */
function fallbackName(head: RequestHead): string {
  const path = segments(head.path)
    .map((s) => (ID_SEGMENT.test(s) ? '{id}' : s))
    .join('/');
  return `${head.method} /${path}`;
}

/** How many times this idempotency key was seen before (0 on the first attempt). */
function previousAttempts(state: Map<string, unknown>, key: string): number {
  const k = `idem:${key}`;
  const seen = (state.get(k) as number | undefined) ?? 0;
  state.delete(k); // re-insert last: the Map's order is the eviction order
  state.set(k, seen + 1);
  if (state.size > MAX_REMEMBERED_KEYS) state.delete(state.keys().next().value as string);
  return seen;
}

function telemetryAttributes(value: string | undefined, attrs: Attributes): void {
  if (!value) return;
  try {
    const metrics = (JSON.parse(value) as { last_request_metrics?: Json }).last_request_metrics;
    const id = str(metrics?.request_id);
    if (id) attrs[ATTR_STRIPE_TELEMETRY_LAST_REQUEST_ID] = id;
    if (typeof metrics?.request_duration_ms === 'number') attrs[ATTR_STRIPE_TELEMETRY_LAST_REQUEST_DURATION_MS] = metrics.request_duration_ms;
  } catch {
    /* not JSON: nothing to record */
  }
}

function flag(value: string | undefined): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

function responseAttributes(headers: Headers, body: Json | undefined, attrs: Attributes): void {
  const requestId = headers['request-id'];
  if (requestId) attrs[ATTR_STRIPE_REQUEST_ID] = requestId;
  const shouldRetry = flag(headers['stripe-should-retry']);
  if (shouldRetry !== undefined) attrs[ATTR_STRIPE_SHOULD_RETRY] = shouldRetry;
  if (headers['idempotent-replayed'] === 'true') attrs[ATTR_STRIPE_IDEMPOTENT_REPLAYED] = true;
  if (!attrs[ATTR_STRIPE_API_VERSION] && headers['stripe-version']) attrs[ATTR_STRIPE_API_VERSION] = headers['stripe-version'];
  if (!body || body.error !== undefined) return;
  const type = str(body.object);
  if (type) attrs[ATTR_STRIPE_OBJECT_TYPE] = type;
  const id = str(body.id);
  if (id && !attrs[ATTR_STRIPE_OBJECT_ID]) attrs[ATTR_STRIPE_OBJECT_ID] = id;
  const first = Array.isArray(body.data) ? (body.data[0] as Json | undefined) : undefined;
  const livemode = typeof body.livemode === 'boolean' ? body.livemode : first?.livemode;
  if (typeof livemode === 'boolean') attrs[ATTR_STRIPE_LIVEMODE] = livemode;
}

/** The service error of an error body: v1/v2 `{error:{type,code,decline_code,…}}` or OAuth `{error:"…"}`. */
function errorOf(body: Json | undefined, status: number, ctx: DecodeContext, attrs: Attributes): DecodedSpan['error'] {
  const e = body?.error;
  if (typeof e === 'string') {
    attrs[ATTR_STRIPE_ERROR_TYPE] = e;
    return { type: e, message: str(body?.error_description) && ctx.redactor.text(body?.error_description as string) };
  }
  if (!e || typeof e !== 'object') return status >= 400 ? { type: String(status) } : undefined;
  const err = e as Json;
  for (const [field, attribute] of ERROR_FIELDS) {
    const v = str(err[field]);
    if (v) attrs[attribute] = v;
  }
  const type = str(err.code) ?? str(err.type) ?? String(status);
  const message = str(err.message);
  return { type, message: message && ctx.redactor.text(message) };
}

function decodeStripe(x: Exchange, ctx: DecodeContext): DecodedSpan {
  const head = x.request;
  const route = resolveRoute(STRIPE_ROUTES, head.method, head.path);
  const operation = route?.name;
  const attrs: Attributes = { [ATTR_RPC_SERVICE]: RPC_SERVICE_VALUE_STRIPE };
  if (operation) {
    const dot = operation.lastIndexOf('.');
    attrs[ATTR_RPC_METHOD] = operation;
    attrs[ATTR_STRIPE_RESOURCE] = operation.slice(0, dot);
    attrs[ATTR_STRIPE_METHOD] = operation.slice(dot + 1);
    const params = route.params;
    if (params.length > 0) attrs[ATTR_STRIPE_OBJECT_ID] = params[params.length - 1][1];
    if (params.length > 1) attrs[ATTR_STRIPE_PARENT_ID] = params[0][1];
  }
  for (const [header, attribute] of REQUEST_HEADER_ATTRIBUTES) {
    const v = head.headers[header];
    if (v) attrs[attribute] = v;
  }
  telemetryAttributes(head.headers['x-stripe-client-telemetry'], attrs);
  const key = head.headers['authorization'];
  if (key && SECRET_KEY_BEARER.test(key)) attrs[ATTR_STRIPE_LIVEMODE] = LIVE_KEY_BEARER.test(key);

  const idempotencyKey = head.headers['idempotency-key'];
  if (idempotencyKey) {
    const resends = previousAttempts(ctx.state, idempotencyKey);
    if (resends > 0) attrs[ATTR_HTTP_REQUEST_RESEND_COUNT] = resends;
  }

  let error: DecodedSpan['error'];
  if (x.response) {
    const body = parseObject(ctx.responseText());
    responseAttributes(x.response.headers, body, attrs);
    if (x.response.status >= 400) {
      error = errorOf(body, x.response.status, ctx, attrs);
      if (error) attrs[ATTR_ERROR_TYPE] = error.type;
    }
  }
  return { name: `Stripe ${operation ?? fallbackName(head)}`, kind: 'client', attributes: attrs, error };
}

export const stripeDecoder: Decoder = {
  name: 'stripe',
  match: isStripeRequest,
  kindHint: () => 'client',
  decode: decodeStripe,
};
