// What the HTML report embeds: a compact, page-shaped projection of the views model (transactions and
// stats). Pure: no file access, no env. The page (assets/report.js) reads exactly this shape.
import { isCall, keyAttribute, peerOf, queueOf } from '../model/describe';
import type { LogLine } from '../model/logs';
import type { Hop, Span, SpanNode, StatsRow, Transaction } from '../model/types';

export const REPORT_DATA_VERSION = 1;

/** Log-spaced latency buckets shared by every row's distribution, so rows can be compared by eye. */
export const HISTOGRAM_EDGES_MS: number[] = (() => {
  const edges: number[] = [];
  for (let ms = 0.1; ms < 120_000; ms *= 2) edges.push(Math.round(ms * 100) / 100);
  return edges;
})();

/** A stats row as the page gets it: the durations replaced by counts per latency bucket. */
export type ReportStatRow = Omit<StatsRow, 'durations'> & {
  /** Counts per HISTOGRAM_EDGES_MS bucket (bucket i: edges[i-1] <= d < edges[i]; the last one is open). */
  histogram: number[];
};

export interface ReportMapNode {
  id: string;
  label: string;
  kind: 'function' | 'service' | 'channel';
}

export interface ReportMapEdge {
  from: string;
  to: string;
  count: number;
  p95: number;
  errorRate: number;
  /** A leg of an async hop (producer → channel or channel → consumer): drawn dashed. */
  async: boolean;
}

export interface ReportSpan {
  id: string;
  traceId: string;
  parentId: string | null;
  depth: number;
  name: string;
  service: string;
  kind: string;
  /** Offset from the transaction's start, ms. */
  start: number;
  duration: number;
  error: boolean;
  unfinished: boolean;
  unfinishedReason?: string;
  critical: boolean;
  /** 1-based attempt number within its logical call, and the call's attempt count (1 when not retried). */
  attempt: number;
  attempts: number;
  /** Key attributes shown on the collapsed row (table, queue, route ...). */
  summary: string;
  attributes: [string, string][];
  request?: string;
  response?: string;
  events: { name: string; offset: number; attributes: [string, string][] }[];
  links: { traceId: string; spanId: string; transactionId?: string }[];
  /** Set on a consumer span attached through an async hop. */
  hop?: { via: string; key: string; queueDelayMs: number; producerSpanId: string };
}

export interface ReportTransaction {
  id: string;
  name: string;
  service: string;
  startMs: number;
  duration: number;
  calls: number;
  errors: number;
  retries: number;
  unfinished: number;
  hops: number;
  services: string[];
  /** The services it called (DynamoDB, Stripe, a host ...), for the list row and the service filter. */
  peers: string[];
  traceIds: string[];
  /** Spans in waterfall order (depth-first, children by start time). */
  spans: ReportSpan[];
  /** The transaction's log lines (wiretap's log capture, the Lambda runtime's lines), in time order. */
  logs: ReportLog[];
  /** Log lines left out past the per-transaction cap. */
  logsOmitted?: number;
}

export interface ReportLog {
  /** Offset from the transaction's start, ms. */
  offset: number;
  /** The span it was written in (null: a span not in the files). */
  spanId: string | null;
  severity?: string;
  /** OpenTelemetry severity number (17+ error, 13+ warning). */
  level?: number;
  body: string;
}

export interface ReportData {
  version: number;
  title: string;
  generatedAt: string;
  files: string[];
  totals: { spans: number; transactions: number; embeddedTransactions: number; embeddedSpans: number };
  /** Set when the files were too big to embed whole: what was kept, so the page can say so. */
  reduced?: { reason: string; errors: number; unfinished: number; slowest: number; samplePerOperation: number };
  /** Durations at or above which a transaction counts as slow (the p90 of all transactions). */
  slowMs: number;
  histogramEdges: number[];
  stats: ReportStatRow[];
  map: { nodes: ReportMapNode[]; edges: ReportMapEdge[] };
  transactions: ReportTransaction[];
}

export interface ReportInput {
  transactions: Transaction[];
  stats: StatsRow[];
  /** Every span read (for the page's totals). */
  spanCount: number;
  files: string[];
  /** Each transaction's log lines, by transaction id (`logsByTransaction`). */
  logs?: Map<string, LogLine[]>;
}

export interface ReportDataOptions {
  title?: string;
  /** Embed every transaction while their spans total at most this; beyond, embed a selection. */
  maxEmbeddedSpans?: number;
  /** With a selection: how many of the slowest transactions, and how many per root operation. */
  slowest?: number;
  samplePerOperation?: number;
  /** Cap on one body as embedded (the redacted capture is already capped by the agent). */
  maxBodyChars?: number;
  now?: Date;
}

const DEFAULTS = { maxEmbeddedSpans: 20_000, slowest: 50, samplePerOperation: 3, maxBodyChars: 16_384 };

const BODY_REQUEST = 'http.request.body.content';
const BODY_RESPONSE = 'http.response.body.content';
export function toReportData(input: ReportInput, options: ReportDataOptions = {}): ReportData {
  // Options left undefined (a CLI flag not given) keep their default.
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ReportDataOptions;
  const opts = { ...DEFAULTS, ...given };
  const all = [...input.transactions].sort((a, b) => a.startMs - b.startMs);
  const chosen = chooseTransactions(all, opts);
  const bySpan = new Map<string, string>();
  for (const tx of all) for (const s of tx.spans) bySpan.set(s.spanId, tx.id);
  const transactions = chosen.list.map((tx) => projectTransaction(tx, bySpan, opts.maxBodyChars, input.logs?.get(tx.id)));
  const durations = all.map((t) => t.durationMs).sort((a, b) => a - b);
  return {
    version: REPORT_DATA_VERSION,
    title: opts.title ?? 'wiretap report',
    generatedAt: (opts.now ?? new Date()).toISOString(),
    files: input.files,
    totals: {
      spans: input.spanCount,
      transactions: all.length,
      embeddedTransactions: transactions.length,
      embeddedSpans: transactions.reduce((n, t) => n + t.spans.length, 0),
    },
    reduced: chosen.reduced,
    slowMs: durations.length ? durations[Math.min(durations.length - 1, Math.ceil(durations.length * 0.9) - 1)] : 0,
    histogramEdges: HISTOGRAM_EDGES_MS,
    stats: input.stats.map(projectStat),
    map: buildMap(input.stats, all),
    transactions,
  };
}

function chooseTransactions(all: Transaction[], opts: typeof DEFAULTS): { list: Transaction[]; reduced?: ReportData['reduced'] } {
  const spans = all.reduce((n, t) => n + t.spans.length, 0);
  if (spans <= opts.maxEmbeddedSpans) return { list: all };
  const keep = new Set<Transaction>();
  const errors = all.filter((t) => t.errors > 0);
  const unfinished = all.filter((t) => t.unfinished > 0);
  const slowest = [...all].sort((a, b) => b.durationMs - a.durationMs).slice(0, opts.slowest);
  // A sample per root operation: spread over the run (first, then evenly spaced), not just the first few.
  const byOperation = new Map<string, Transaction[]>();
  for (const t of all) {
    const key = `${t.root.span.service}\u0000${t.root.span.name}`;
    let list = byOperation.get(key);
    if (!list) byOperation.set(key, (list = []));
    list.push(t);
  }
  const sample: Transaction[] = [];
  for (const list of byOperation.values()) {
    const n = Math.min(opts.samplePerOperation, list.length);
    for (let i = 0; i < n; i++) sample.push(list[Math.floor((i * list.length) / n)]);
  }
  // Errors and unfinished first; stop adding once the span budget is spent, so a pathological file
  // (every transaction failing) still yields a page a browser can open.
  let budget = opts.maxEmbeddedSpans;
  const counts = { errors: 0, unfinished: 0, slowest: 0, samplePerOperation: 0 };
  const add = (group: Transaction[], field: keyof typeof counts) => {
    for (const t of group) {
      if (keep.has(t)) continue;
      if (budget - t.spans.length < 0 && keep.size > 0) return;
      keep.add(t);
      budget -= t.spans.length;
      counts[field]++;
    }
  };
  add(unfinished, 'unfinished');
  add(errors, 'errors');
  add(slowest, 'slowest');
  add(sample, 'samplePerOperation');
  return {
    list: all.filter((t) => keep.has(t)),
    reduced: {
      reason: `${spans} spans in ${all.length} transactions is more than this page embeds (${opts.maxEmbeddedSpans} spans)`,
      ...counts,
    },
  };
}

function projectStat(row: StatsRow): ReportStatRow {
  const { durations, ...rest } = row;
  const histogram = new Array<number>(HISTOGRAM_EDGES_MS.length + 1).fill(0);
  for (const d of durations ?? []) histogram[bucketOf(d)]++;
  return { ...rest, histogram };
}

export function bucketOf(ms: number): number {
  let lo = 0;
  let hi = HISTOGRAM_EDGES_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms < HISTOGRAM_EDGES_MS[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… [${s.length - max} more characters not embedded]` : s;
}

/** The key attribute on the collapsed row, as the CLI shows it (table, queue, route ...), else the error type. */
function summaryOf(span: Span): string {
  return keyAttribute(span) ?? text(span.attributes['error.type']);
}

const MAX_LOGS_PER_TRANSACTION = 1000;
const MAX_LOG_CHARS = 2000;

function projectLogs(tx: Transaction, logs: LogLine[] | undefined): { logs: ReportLog[]; logsOmitted?: number } {
  if (!logs || logs.length === 0) return { logs: [] };
  const inTx = new Set(tx.spans.map((s) => s.spanId));
  const kept = logs.slice(-MAX_LOGS_PER_TRANSACTION); // the last lines matter most (a timeout's)
  return {
    logs: kept.map((l) => ({
      offset: Math.max(0, l.timeMs - tx.startMs),
      spanId: l.spanId && inTx.has(l.spanId) ? l.spanId : null,
      severity: l.severityText,
      level: l.severityNumber,
      body: l.body.length > MAX_LOG_CHARS ? `${l.body.slice(0, MAX_LOG_CHARS - 1)}…` : l.body,
    })),
    ...(logs.length > kept.length ? { logsOmitted: logs.length - kept.length } : {}),
  };
}

function projectTransaction(tx: Transaction, bySpan: Map<string, string>, maxBody: number, logs?: LogLine[]): ReportTransaction {
  const spans: ReportSpan[] = [];
  const critical = new Set(tx.criticalPath.map((c) => c.spanId));
  const visit = (node: SpanNode, parentId: string | null) => {
    node.attempts.forEach((s, i) => {
      spans.push(projectSpan(tx, s, parentId, node, i, critical.has(s.spanId) || (node.critical && s === node.span), bySpan, maxBody));
    });
    if (!node.attempts.includes(node.span)) {
      spans.push(projectSpan(tx, node.span, parentId, node, node.attempts.length, node.critical, bySpan, maxBody));
    }
    const children = [...node.children].sort((a, b) => a.span.startMs - b.span.startMs);
    for (const c of children) visit(c, node.span.spanId);
  };
  visit(tx.root, null);
  return {
    id: tx.id,
    name: tx.root.span.name,
    service: tx.root.span.service,
    startMs: tx.startMs,
    duration: tx.durationMs,
    calls: tx.calls,
    errors: tx.errors,
    retries: tx.retries,
    unfinished: tx.unfinished,
    hops: tx.hops.length,
    services: tx.services,
    peers: [...new Set(tx.spans.filter(isCall).map(peerOf))].sort(),
    traceIds: tx.traceIds,
    spans,
    ...projectLogs(tx, logs),
  };
}

function projectSpan(
  tx: Transaction,
  s: Span,
  parentId: string | null,
  node: SpanNode,
  index: number,
  critical: boolean,
  bySpan: Map<string, string>,
  maxBody: number,
): ReportSpan {
  const attributes: [string, string][] = [];
  for (const [k, v] of Object.entries(s.attributes)) {
    if (k === BODY_REQUEST || k === BODY_RESPONSE) continue;
    attributes.push([k, clip(text(v), 2048)]);
  }
  attributes.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const req = s.attributes[BODY_REQUEST];
  const res = s.attributes[BODY_RESPONSE];
  const hop: Hop | undefined = index === 0 || node.attempts.length <= 1 ? node.hop : undefined;
  return {
    id: s.spanId,
    traceId: s.traceId,
    parentId,
    depth: node.depth,
    name: s.name,
    service: s.service,
    kind: s.kindName,
    start: s.startMs - tx.startMs,
    duration: s.durationMs,
    error: s.error,
    unfinished: s.incomplete,
    unfinishedReason: s.incompleteReason,
    critical,
    attempt: Math.min(index + 1, node.attempts.length || 1),
    attempts: Math.max(1, node.attempts.length),
    summary: summaryOf(s),
    attributes,
    request: req === undefined ? undefined : clip(text(req), maxBody),
    response: res === undefined ? undefined : clip(text(res), maxBody),
    events: s.events.map((e) => ({
      name: e.name,
      offset: e.timeMs - tx.startMs,
      attributes: Object.entries(e.attributes).map(([k, v]) => [k, clip(text(v), 2048)] as [string, string]),
    })),
    links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, transactionId: bySpan.get(l.spanId) })),
    hop: hop ? { via: hop.via, key: hop.key, queueDelayMs: hop.queueDelayMs, producerSpanId: hop.producerSpanId } : undefined,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Calling functions → external services from the stats rows; async hops through their channel. */
function buildMap(stats: StatsRow[], transactions: Transaction[]): ReportData['map'] {
  const nodes = new Map<string, ReportMapNode>();
  const node = (id: string, label: string, kind: ReportMapNode['kind']) => {
    if (!nodes.has(id)) nodes.set(id, { id, label, kind });
    return id;
  };
  const edges = new Map<string, { from: string; to: string; count: number; errors: number; durations: number[]; async: boolean }>();
  const edge = (from: string, to: string, async: boolean) => {
    const key = `${from}\u0000${to}`;
    let e = edges.get(key);
    if (!e) edges.set(key, (e = { from, to, count: 0, errors: 0, durations: [], async }));
    return e;
  };
  for (const row of stats) {
    const from = node(`fn:${row.service}`, row.service, 'function');
    // One service node per caller: the map reads as "this function calls these", and edges never cross
    // another function's column.
    const to = node(`svc:${row.service}\u0000${row.peer}`, row.peer, 'service');
    const e = edge(from, to, false);
    e.count += row.count;
    e.errors += row.errors;
    if (row.durations) e.durations.push(...row.durations);
    else e.durations.push(row.p95);
  }
  // A hop between two transactions is listed by both: count each once. A plain link (a span pointing at
  // another transaction, no producer or messaging id) is not an async hop through a channel.
  const spanById = new Map<string, Span>();
  for (const tx of transactions) for (const s of tx.spans) spanById.set(s.spanId, s);
  const seen = new Set<string>();
  for (const tx of transactions) {
    for (const hop of tx.hops) {
      const id = `${hop.producerTraceId}/${hop.producerSpanId}>${hop.consumerTraceId}/${hop.consumerSpanId}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const producer = spanById.get(hop.producerSpanId);
      const consumer = spanById.get(hop.consumerSpanId);
      if (!producer || !consumer) continue;
      if (hop.via === 'link' && producer.kindName !== 'producer' && consumer.kindName !== 'consumer') continue;
      const channelName = queueOf(producer) ?? `${peerOf(producer)} (${hop.via})`;
      const channel = node(`ch:${channelName}`, channelName, 'channel');
      const out = edge(node(`fn:${producer.service}`, producer.service, 'function'), channel, true);
      out.count++;
      out.durations.push(Math.max(0, hop.queueDelayMs));
      const into = edge(channel, node(`fn:${consumer.service}`, consumer.service, 'function'), true);
      into.count++;
      into.durations.push(Math.max(0, hop.queueDelayMs));
      if (consumer.error) into.errors++;
    }
  }
  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()].map((e) => {
      const sorted = e.durations.sort((a, b) => a - b);
      return { from: e.from, to: e.to, count: e.count, p95: percentile(sorted, 95), errorRate: e.count ? e.errors / e.count : 0, async: e.async };
    }),
  };
}
