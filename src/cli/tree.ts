// A readable trace tree: one block per trace, children under their parents, in start order, with the
// duration, the status and the attributes that say what the call did.
import type { FlatSpan } from './otlp-json';

const KIND_NAMES: Record<number, string> = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };

/** Attributes worth a glance, in the order shown; the first ones found are printed. */
const KEY_ATTRIBUTES = [
  'error.type',
  'http.request.resend_count',
  'db.collection.name',
  'aws.dynamodb.table_names',
  'messaging.destination.name',
  'messaging.message.id',
  'faas.invoked_name',
  'aws.s3.bucket',
  'aws.s3.key',
  'aws.kinesis.stream_name',
  'stripe.object.id',
  'stripe.error.decline_code',
  'algolia.index.name',
  'algolia.query',
  'algolia.nb_hits',
  'wiretap.incomplete',
];

function durationMs(s: FlatSpan): number {
  return Number((BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1000n) / 1000;
}

function shortValue(v: unknown): string {
  const text = Array.isArray(v) ? v.join(',') : String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeSpan(s: FlatSpan, maxAttributes: number): string {
  const status = s.status.code === 2 ? `ERROR${s.status.message ? ` (${shortValue(s.status.message)})` : ''}` : 'ok';
  const parts: string[] = [];
  for (const key of KEY_ATTRIBUTES) {
    if (parts.length >= maxAttributes) break;
    if (key === 'aws.dynamodb.table_names' && s.attributes['db.collection.name'] !== undefined) continue;
    const v = s.attributes[key];
    if (v !== undefined && v !== '') parts.push(`${key}=${shortValue(v)}`);
  }
  // A generic HTTP span says most through its URL; a linked span (a consumer) says where it came from.
  if (s.attributes['wiretap.decoder'] === 'http' && parts.length < maxAttributes && s.attributes['url.full'] !== undefined) {
    parts.push(`url.full=${shortValue(s.attributes['url.full'])}`);
  }
  if (s.links.length > 0) parts.push(`links=${s.links.length}`);
  const kind = KIND_NAMES[s.kind] ?? String(s.kind);
  const code = s.attributes['http.response.status_code'];
  const http = code !== undefined ? `  HTTP ${code}` : '';
  return `${s.name}  ${durationMs(s).toFixed(1)} ms  ${status}${http}  [${kind}]${parts.length ? `  ${parts.join('  ')}` : ''}`;
}

export interface TreeOptions {
  maxAttributes?: number;
}

/** Renders spans as trees, traces in order of their first span. */
export function renderTree(spans: FlatSpan[], options: TreeOptions = {}): string {
  const maxAttributes = options.maxAttributes ?? 3;
  const byTrace = new Map<string, FlatSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId) ?? [];
    list.push(s);
    byTrace.set(s.traceId, list);
  }
  const start = (s: FlatSpan) => BigInt(s.startTimeUnixNano);
  const traces = [...byTrace.values()].sort((a, b) => {
    const sa = a.reduce((m, s) => (start(s) < m ? start(s) : m), start(a[0]));
    const sb = b.reduce((m, s) => (start(s) < m ? start(s) : m), start(b[0]));
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
  const lines: string[] = [];
  for (const list of traces) {
    const ids = new Set(list.map((s) => s.spanId));
    const children = new Map<string, FlatSpan[]>();
    const roots: FlatSpan[] = [];
    for (const s of list) {
      if (s.parentSpanId && ids.has(s.parentSpanId)) {
        const c = children.get(s.parentSpanId) ?? [];
        c.push(s);
        children.set(s.parentSpanId, c);
      } else roots.push(s);
    }
    const order = (a: FlatSpan, b: FlatSpan) => (start(a) < start(b) ? -1 : start(a) > start(b) ? 1 : 0);
    lines.push(`trace ${list[0].traceId}`);
    const walk = (s: FlatSpan, prefix: string, last: boolean) => {
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${describeSpan(s, maxAttributes)}`);
      const kids = (children.get(s.spanId) ?? []).sort(order);
      kids.forEach((k, i) => walk(k, prefix + (last ? '   ' : '│  '), i === kids.length - 1));
    };
    roots.sort(order).forEach((r, i) => walk(r, '', i === roots.length - 1));
    lines.push('');
  }
  return lines.join('\n');
}
