// Shared by the AWS messaging decoders (SQS, SNS, EventBridge, Kinesis, Lambda): X-Ray trace headers
// (write one for the async hop, read one back as a link) and small readers for JSON-or-XML members.
import { TraceFlags, type Link } from '@opentelemetry/api';
import type { RequestHead } from '../../exchange/types';
import * as A from '../../semconv';

export const XRAY_HEADER = 'x-amzn-trace-id';

/** `Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>` for an OpenTelemetry trace and span id. */
export function xrayHeader(ids: { traceId: string; spanId: string; sampled: boolean }): string {
  return `Root=1-${ids.traceId.slice(0, 8)}-${ids.traceId.slice(8)};Parent=${ids.spanId};Sampled=${ids.sampled ? 1 : 0}`;
}

/** Whether the request's SigV4 signature covers a header (Authorization `SignedHeaders=` or presigned `X-Amz-SignedHeaders`). */
export function isSignedHeader(head: RequestHead, name: string): boolean {
  const auth = head.headers['authorization'];
  let list: string | undefined;
  if (auth !== undefined) {
    const at = auth.indexOf('SignedHeaders=');
    if (at >= 0) {
      const end = auth.indexOf(',', at);
      list = auth.slice(at + 14, end < 0 ? auth.length : end);
    }
  } else {
    const at = head.query.indexOf('X-Amz-SignedHeaders=');
    if (at >= 0) {
      const end = head.query.indexOf('&', at);
      list = decodeURIComponent(head.query.slice(at + 20, end < 0 ? head.query.length : end));
    }
  }
  return list !== undefined && list.split(';').includes(name);
}

/**
 * The X-Ray header to add to an async hop (SQS send, SNS publish, EventBridge PutEvents, Lambda invoke):
 * none when the app (or the SDK inside Lambda) already sent one, or when a signature covers the name.
 */
export function injectXray(head: RequestHead, ids: { traceId: string; spanId: string; sampled: boolean }): Record<string, string> | undefined {
  if (head.headers[XRAY_HEADER] !== undefined || isSignedHeader(head, XRAY_HEADER)) return undefined;
  return { [XRAY_HEADER]: xrayHeader(ids) };
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const ZERO32 = '0'.repeat(32);
const ZERO16 = '0'.repeat(16);

/** The span context an X-Ray header names (`Root=1-…;Parent=…;Sampled=…`); undefined without a Parent. */
export function parseXray(value: string): { traceId: string; spanId: string; sampled: boolean } | undefined {
  let root: string | undefined;
  let parent: string | undefined;
  let sampled = false;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim().toLowerCase();
    if (k === 'Root') root = v;
    else if (k === 'Parent') parent = v;
    else if (k === 'Sampled') sampled = v === '1';
  }
  if (!root || !parent) return undefined;
  const m = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/.exec(root);
  if (!m) return undefined;
  const traceId = m[1] + m[2];
  if (!HEX32.test(traceId) || !HEX16.test(parent) || traceId === ZERO32 || parent === ZERO16) return undefined;
  return { traceId, spanId: parent, sampled };
}

/** The span context of a W3C `traceparent` value. */
export function parseTraceparent(value: string): { traceId: string; spanId: string; sampled: boolean } | undefined {
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/.exec(value.trim().toLowerCase());
  if (!m || m[1] === 'ff' || m[2] === ZERO32 || m[3] === ZERO16) return undefined;
  return { traceId: m[2], spanId: m[3], sampled: (parseInt(m[4], 16) & 1) === 1 };
}

export const MAX_LINKS = 32;

/** A link to a producer's context, tagged with the message id that carried it. */
export function messageLink(ctx: { traceId: string; spanId: string; sampled: boolean }, messageId: string | undefined): Link {
  return {
    context: { traceId: ctx.traceId, spanId: ctx.spanId, traceFlags: ctx.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true },
    attributes: messageId ? { [A.ATTR_MESSAGING_MESSAGE_ID]: messageId } : {},
  };
}

// --- members of JSON objects and fast-xml-parser documents --------------------------------------

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A string member (XML leaves are strings; JSON numbers are turned into strings). */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

/** A list member: a JSON array, a repeated XML element (array) or a single one (object), or `<X><member>…</member></X>`. */
export function objList(v: unknown): Obj[] {
  if (Array.isArray(v)) return v.filter(isObj);
  if (isObj(v)) {
    if ('member' in v) return objList(v.member);
    return [v];
  }
  return [];
}

/** Follows a path of members. */
export function at(v: unknown, ...path: string[]): unknown {
  let node = v;
  for (const k of path) {
    if (!isObj(node)) return undefined;
    node = node[k];
  }
  return node;
}

/** The `<Op>Result` element of an awsQuery response document (`{PublishResponse: {PublishResult: …}}`). */
export function queryResult(doc: Obj | undefined, operation: string): Obj | undefined {
  const result = at(doc, `${operation}Response`, `${operation}Result`);
  return isObj(result) ? result : undefined;
}

/** The entries of a flattened awsQuery list: `Prefix.1.Id`, `Prefix.2.Id` … → [{Id}, {Id}], in index order. */
export function formList(input: Obj | undefined, prefix: string): Obj[] {
  if (!input) return [];
  const byIndex = new Map<number, Obj>();
  const p = prefix + '.';
  for (const [k, v] of Object.entries(input)) {
    if (!k.startsWith(p)) continue;
    const rest = k.slice(p.length);
    const dot = rest.indexOf('.');
    const n = Number(dot < 0 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(n)) continue;
    let entry = byIndex.get(n);
    if (!entry) byIndex.set(n, (entry = {}));
    if (dot >= 0) entry[rest.slice(dot + 1)] = v;
  }
  return [...byIndex.keys()].sort((a, b) => a - b).map((n) => byIndex.get(n)!);
}

/** Distinct non-empty strings, in first-seen order, at most `max`. */
export function distinct(values: Iterable<unknown>, max = 20): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (typeof v === 'string' && v.length > 0 && !out.includes(v)) {
      out.push(v);
      if (out.length >= max) break;
    }
  }
  return out;
}

/** Caps an id list put on a span (ids are short; a batch is at most a few hundred). */
export const MAX_IDS = 100;
