// The AWS operation table (data/operations.ts, generated from the botocore models): loaded on the first
// AWS call that needs it, parsed per service on first use, REST routes compiled per service on first use.
import type { RequestHead } from '../../exchange/types';

export type AwsProtocol = 'json' | 'query' | 'ec2' | 'rest-json' | 'rest-xml' | 'rpc-v2-cbor';

export interface OperationSpec {
  name: string;
  /** HTTP method and requestUri template, REST protocols only. */
  method?: string;
  uri?: string;
  /** Required query (`q:name`) or header (`h:name`) members that tell same-route operations apart. */
  required: readonly string[];
  /** Top-level input members that identify a resource (QueueUrl, FunctionName, ...). */
  ids: readonly string[];
}

export interface ServiceSpec {
  /** botocore directory name, e.g. `dynamodb`, `dynamodbstreams`. */
  key: string;
  /** The service id without spaces, for span names and `rpc.service`: `DynamoDB`, `DynamoDBStreams`. */
  name: string;
  signingName: string;
  endpointPrefix: string;
  targetPrefix: string;
  apiVersion: string;
  protocols: readonly AwsProtocol[];
  queryCompatible: boolean;
}

interface ServiceEntry {
  spec: ServiceSpec;
  block: string;
  operations?: Map<string, OperationSpec>;
  routes?: CompiledRoute[];
}

interface TableIndex {
  byKey: Map<string, ServiceEntry>;
  bySigningName: Map<string, ServiceEntry[]>;
  byEndpointPrefix: Map<string, ServiceEntry[]>;
  byTargetPrefix: Map<string, ServiceEntry[]>;
}

let index: TableIndex | undefined;

function push(map: Map<string, ServiceEntry[]>, key: string, entry: ServiceEntry): void {
  if (!key) return;
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function load(): TableIndex {
  if (index) return index;
  // Required here, not imported: ~1 MB of table text that processes without AWS calls never load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SERVICE_TABLE_TEXT } = require('./data/operations') as typeof import('./data/operations');
  const built: TableIndex = { byKey: new Map(), bySigningName: new Map(), byEndpointPrefix: new Map(), byTargetPrefix: new Map() };
  for (const block of SERVICE_TABLE_TEXT.split('\n\n')) {
    const eol = block.indexOf('\n');
    const [key, serviceId, signingName, endpointPrefix, targetPrefix = '', apiVersion = '', protocols = '', qc = ''] = (
      eol < 0 ? block : block.slice(0, eol)
    ).split('|');
    const spec: ServiceSpec = {
      key,
      name: serviceId.replace(/ /g, ''),
      signingName,
      endpointPrefix,
      targetPrefix,
      apiVersion,
      protocols: protocols.split(' ').filter(Boolean) as AwsProtocol[],
      queryCompatible: qc === 'qc',
    };
    const entry: ServiceEntry = { spec, block: eol < 0 ? '' : block.slice(eol + 1) };
    built.byKey.set(key, entry);
    push(built.bySigningName, signingName, entry);
    push(built.byEndpointPrefix, endpointPrefix, entry);
    push(built.byTargetPrefix, targetPrefix, entry);
  }
  index = built;
  return built;
}

function operationsOf(entry: ServiceEntry): Map<string, OperationSpec> {
  if (entry.operations) return entry.operations;
  const ops = new Map<string, OperationSpec>();
  if (entry.block) {
    for (const line of entry.block.split('\n')) {
      const [name, method, uri, required, ids] = line.split('|');
      ops.set(name, {
        name,
        method: method || undefined,
        uri: uri || undefined,
        required: required ? required.split(',') : [],
        ids: ids ? ids.split(',') : [],
      });
    }
  }
  entry.operations = ops;
  return ops;
}

/** A service by its botocore key (`dynamodb`, `sqs`, `s3`). */
export function serviceByKey(key: string): ServiceSpec | undefined {
  return load().byKey.get(key)?.spec;
}

/** One operation of a service, or undefined when the table does not know it. */
export function operationOf(service: ServiceSpec, name: string): OperationSpec | undefined {
  const entry = load().byKey.get(service.key);
  return entry ? operationsOf(entry).get(name) : undefined;
}

export interface ServiceHints {
  signingName: string;
  /** Endpoint prefixes from the host, most specific first (see identify.endpointPrefixes). */
  hostPrefixes: readonly string[];
  targetPrefix?: string;
  apiVersion?: string;
  operation?: string;
  /** Only services that speak a REST protocol. */
  rest?: boolean;
}

function narrow(list: ServiceEntry[], keep: (e: ServiceEntry) => boolean): ServiceEntry[] {
  if (list.length <= 1) return list;
  const kept = list.filter(keep);
  return kept.length > 0 ? kept : list;
}

/**
 * The candidate services for a request, best first: the signing name (or the host when the signing
 * name is unknown), narrowed by target prefix, `Version=`, operation name and host.
 */
export function candidateServices(h: ServiceHints): ServiceSpec[] {
  const t = load();
  let list: ServiceEntry[] = [];
  if (h.targetPrefix) list = t.byTargetPrefix.get(h.targetPrefix) ?? [];
  if (list.length === 0) list = t.bySigningName.get(h.signingName) ?? [];
  if (list.length === 0) for (const p of h.hostPrefixes) if ((list = t.byEndpointPrefix.get(p) ?? []).length) break;
  if (list.length === 0) return [];
  if (h.rest) list = narrow(list, (e) => e.spec.protocols.some((p) => p.startsWith('rest-')));
  if (h.apiVersion) list = narrow(list, (e) => e.spec.apiVersion === h.apiVersion);
  if (h.operation) list = narrow(list, (e) => operationsOf(e).has(h.operation!));
  if (h.hostPrefixes.length) {
    for (const p of h.hostPrefixes) {
      const before = list.length;
      list = narrow(list, (e) => e.spec.endpointPrefix === p);
      if (list.length < before) break;
    }
  }
  // Services whose endpoint prefix equals the signing name are the signing name's "main" service.
  list = [...list].sort((a, b) => Number(b.spec.endpointPrefix === h.signingName) - Number(a.spec.endpointPrefix === h.signingName));
  return list.map((e) => e.spec);
}

// --- REST routes ---

type Segment = { literal: string } | { label: string; greedy: boolean } | { pattern: RegExp; labels: string[] };

interface CompiledRoute {
  op: OperationSpec;
  method: string;
  segments: Segment[];
  greedyAt: number;
  /** Literal query of the template (`?uploads`, `?list-type=2`): key → value ('' = any). */
  query: [string, string][];
  literalCount: number;
}

function compileSegment(s: string): Segment {
  const whole = /^\{([^}]+?)(\+)?\}$/.exec(s);
  if (whole) return { label: whole[1], greedy: !!whole[2] };
  if (!s.includes('{')) return { literal: s };
  const labels: string[] = [];
  const source = s
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+?)(\+)?\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      labels.push(m[1]);
      return '(.+?)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), labels };
}

function compile(op: OperationSpec): CompiledRoute | undefined {
  if (!op.method || !op.uri) return undefined;
  const q = op.uri.indexOf('?');
  const pathPart = q < 0 ? op.uri : op.uri.slice(0, q);
  const query: [string, string][] = [];
  if (q >= 0) {
    for (const pair of op.uri.slice(q + 1).split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      query.push(eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]);
    }
  }
  const segments = pathPart.split('/').filter((s) => s.length > 0).map(compileSegment);
  return {
    op,
    method: op.method,
    segments,
    greedyAt: segments.findIndex((s) => 'greedy' in s && s.greedy),
    query,
    literalCount: segments.filter((s) => 'literal' in s).length,
  };
}

function routesOf(entry: ServiceEntry): CompiledRoute[] {
  if (!entry.routes) {
    entry.routes = [];
    for (const op of operationsOf(entry).values()) {
      const r = compile(op);
      if (r) entry.routes.push(r);
    }
  }
  return entry.routes;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function matchSegments(route: CompiledRoute, parts: string[], labels: Record<string, string>): boolean {
  const segs = route.segments;
  const matchOne = (seg: Segment, part: string): boolean => {
    if ('literal' in seg) return seg.literal === part;
    if ('label' in seg) {
      labels[seg.label] = decodeSegment(part);
      return part.length > 0;
    }
    const m = seg.pattern.exec(part);
    if (!m) return false;
    seg.labels.forEach((l, i) => (labels[l] = decodeSegment(m[i + 1])));
    return true;
  };
  if (route.greedyAt < 0) {
    if (parts.length !== segs.length) return false;
    for (let i = 0; i < segs.length; i++) if (!matchOne(segs[i], parts[i])) return false;
    return true;
  }
  const after = segs.length - route.greedyAt - 1;
  if (parts.length < segs.length) return false;
  for (let i = 0; i < route.greedyAt; i++) if (!matchOne(segs[i], parts[i])) return false;
  for (let i = 0; i < after; i++) if (!matchOne(segs[segs.length - 1 - i], parts[parts.length - 1 - i])) return false;
  const greedy = segs[route.greedyAt] as { label: string };
  labels[greedy.label] = decodeSegment(parts.slice(route.greedyAt, parts.length - after).join('/'));
  return true;
}

export interface RouteMatch {
  service: ServiceSpec;
  operation: OperationSpec;
  /** URI label values, percent-decoded. */
  labels: Record<string, string>;
}

/** Parses a raw query string into keys → first value (values percent-decoded). */
export function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!query) return out;
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = decodeSegment((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    if (!out.has(k)) out.set(k, eq < 0 ? '' : decodeSegment(pair.slice(eq + 1).replace(/\+/g, ' ')));
  }
  return out;
}

/**
 * The REST operation a request is, among candidate services: method + URI template (most literal segments
 * wins), the template's literal query, and required query/header discriminators. `x-id` (sent by JS v3 for
 * ambiguous S3 operations) settles it directly. `path` may be given to override the head's (S3 virtual hosts).
 */
export function matchRestRoute(head: RequestHead, services: readonly ServiceSpec[], path = head.path): RouteMatch | undefined {
  const t = load();
  const query = parseQuery(head.query);
  const parts = path.split('/').filter((s) => s.length > 0);
  const xId = query.get('x-id');
  let best: RouteMatch | undefined;
  let bestScore = -1;
  for (const service of services) {
    const entry = t.byKey.get(service.key);
    if (!entry) continue;
    for (const route of routesOf(entry)) {
      if (route.method !== head.method) continue;
      if (xId !== undefined && route.op.name !== xId) continue;
      let ok = true;
      let score = route.literalCount * 100 + route.segments.length * 10 - (route.greedyAt >= 0 ? 5 : 0);
      for (const [k, v] of route.query) {
        const actual = query.get(k);
        if (actual === undefined || (v !== '' && actual !== v)) {
          ok = false;
          break;
        }
        score += 20;
      }
      if (!ok) continue;
      for (const r of route.op.required) {
        const present = r.startsWith('q:') ? query.has(r.slice(2)) : r.startsWith('h:') ? head.headers[r.slice(2).toLowerCase()] !== undefined : true;
        if (!present) {
          ok = false;
          break;
        }
        score += 20;
      }
      if (!ok || score <= bestScore) continue;
      const labels: Record<string, string> = {};
      if (!matchSegments(route, parts, labels)) continue;
      best = { service, operation: route.op, labels };
      bestScore = score;
    }
  }
  return best;
}
