// What a span is about, in a few words: the peer and operation it called, the table/queue/route, a label
// with its key attributes (`DynamoDB.GetItem orders`, `SQS.SendMessage order-events`), its attempt number.
import type { AttrValue, Span } from './types';
import { SpanKind } from './types';

function str(v: AttrValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.length ? v.map((x) => String(x)).join(',') : undefined;
  if (typeof v === 'object') return undefined;
  const s = String(v);
  return s === '' ? undefined : s;
}

function first(v: AttrValue | undefined): string | undefined {
  return Array.isArray(v) ? str(v[0]) : str(v);
}

const PEER_NAMES: Record<string, string> = { stripe: 'Stripe', algolia: 'Algolia' };

/** The service called: `rpc.service` (DynamoDB, SQS, Stripe, Algolia), else the host (and a non-default port). */
export function peerOf(span: Span): string {
  const a = span.attributes;
  const rpc = str(a['rpc.service']);
  if (rpc) return PEER_NAMES[rpc] ?? rpc;
  const system = str(a['db.system.name']) ?? str(a['db.system']) ?? str(a['messaging.system']);
  if (system) return system;
  const host = str(a['server.address']) ?? str(a['net.peer.name']) ?? hostOfUrl(str(a['url.full']));
  const port = a['server.port'];
  if (host) return port !== undefined && port !== 80 && port !== 443 ? `${host}:${port}` : host;
  return span.name;
}

function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function pathOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** The operation: `rpc.method` (GetItem, PaymentIntents.create), else the HTTP method. */
export function operationOf(span: Span): string {
  const a = span.attributes;
  return str(a['rpc.method']) ?? str(a['db.operation.name']) ?? str(a['messaging.operation.name']) ?? str(a['http.request.method']) ?? span.name;
}

/** The table a call touched (`db.collection.name`, else the first of `aws.dynamodb.table_names`). */
export function tableOf(span: Span): string | undefined {
  return str(span.attributes['db.collection.name']) ?? first(span.attributes['aws.dynamodb.table_names']);
}

/** The queue, topic, stream or bus a call sent to or received from. */
export function queueOf(span: Span): string | undefined {
  const a = span.attributes;
  return (
    str(a['messaging.destination.name']) ??
    str(a['aws.kinesis.stream_name']) ??
    lastArnPart(str(a['aws.sns.topic.arn'])) ??
    first(a['wiretap.aws.eventbridge.event_bus_names'])
  );
}

function lastArnPart(arn: string | undefined): string | undefined {
  return arn ? arn.split(':').pop() : undefined;
}

/** A low-cardinality route: `http.route` / `url.template`, else the URL path with id-like segments as `{id}`. */
export function routeOf(span: Span): string | undefined {
  const a = span.attributes;
  const declared = str(a['http.route']) ?? str(a['url.template']);
  if (declared) return declared;
  const path = str(a['url.path']) ?? pathOfUrl(str(a['url.full']));
  if (!path) return undefined;
  return path
    .split('/')
    // A segment with a digit is an id (sku-1001, 42, a uuid), except API versions (v1, v2.1).
    .map((seg) => (/\d/.test(seg) && !/^v\d+(\.\d+)?$/i.test(seg) ? '{id}' : seg))
    .join('/');
}

/** 0 for a first attempt, n for the n-th resend (`http.request.resend_count`, else `wiretap.aws.attempts` − 1). */
export function retryNumber(span: Span): number {
  const resend = span.attributes['http.request.resend_count'];
  if (typeof resend === 'number' && resend > 0) return resend;
  const attempts = span.attributes['wiretap.aws.attempts'];
  if (typeof attempts === 'number' && attempts > 1) return attempts - 1;
  return 0;
}

/** An outgoing call (what the macro view counts). */
export function isCall(span: Span): boolean {
  return span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER;
}

/** A Lambda invocation span (Lambda mode marks them) or an incoming request: a transaction root. */
export function isEntry(span: Span): boolean {
  return span.kind === SpanKind.SERVER || span.attributes['faas.invocation_id'] !== undefined || span.attributes['faas.trigger'] !== undefined;
}

/** The key attribute shown after the name: table, queue, object, index, or the path of a plain HTTP call. */
export function keyAttribute(span: Span): string | undefined {
  const a = span.attributes;
  const table = tableOf(span);
  if (table) return table;
  const queue = queueOf(span);
  if (queue) return queue;
  const direct = str(a['faas.invoked_name']) ?? str(a['aws.s3.bucket']) ?? str(a['algolia.index.name']) ?? str(a['stripe.object.id']);
  if (direct) return str(a['aws.s3.key']) && str(a['aws.s3.bucket']) === direct ? `${direct}/${str(a['aws.s3.key'])}` : direct;
  if (span.kind === SpanKind.SERVER) return str(a['http.route']) ?? str(a['url.path']);
  if (str(a['wiretap.decoder']) === 'http' || (!a['rpc.service'] && a['url.full'])) return pathOfUrl(str(a['url.full']));
  return undefined;
}

/** `DynamoDB.GetItem orders`, `SQS.SendMessage order-events`, `POST /checkout`: name + key attribute. */
export function spanLabel(span: Span): string {
  const key = keyAttribute(span);
  if (!key || span.name.split(/\s+/).includes(key)) return span.name;
  return `${span.name} ${key}`;
}

/** Request and response body excerpts (already redacted by the agent), for `-v`. */
export function bodyExcerpts(span: Span, max = 200): { request?: string; response?: string } {
  const cut = (v: AttrValue | undefined, truncated: AttrValue | undefined) => {
    const s = str(v);
    if (s === undefined) return undefined;
    const flat = s.replace(/\s+/g, ' ');
    return flat.length > max ? `${flat.slice(0, max - 1)}…` : truncated === true ? `${flat}…` : flat;
  };
  const out: { request?: string; response?: string } = {};
  const req = cut(span.attributes['http.request.body.content'], span.attributes['wiretap.request.body.truncated']);
  const res = cut(span.attributes['http.response.body.content'], span.attributes['wiretap.response.body.truncated']);
  if (req !== undefined) out.request = req;
  if (res !== undefined) out.response = res;
  return out;
}
