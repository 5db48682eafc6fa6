// The views' data model: what `wiretap view/stats/diff` and the HTML report compute from trace files.
// Plain data only (no classes, no bigint), so a model can be JSON-serialised into a report page as is.

/** An attribute value as OTLP-JSON carries it, decoded (intValue strings become numbers). */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

/** OTLP span kinds (the numeric enum of the proto). */
export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export const STATUS_CODE_ERROR = 2;

export interface SpanEvent {
  name: string;
  timeMs: number;
  /** The exact timestamp as read. */
  timeUnixNano?: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** One span as read from an OTLP-JSON line, after deduplication (see read.ts). */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  kindName: SpanKindName;
  /** Epoch milliseconds (float; sub-microsecond precision is kept by the *UnixNano strings). */
  startMs: number;
  /** For an unfinished span: the time it was last seen (start + `wiretap.elapsed_ms`, else its end field). */
  endMs: number;
  durationMs: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  resource: Attributes;
  /** `service.name` of the resource ('unknown_service' when absent, as the SDK says). */
  service: string;
  scope?: string;
  status: { code: number; message?: string };
  /** Status ERROR, or an `error.type` attribute. */
  error: boolean;
  /** `wiretap.incomplete=true`: exported while still in flight (crash, exit, timeout) and never seen ending. */
  incomplete: boolean;
  /** `wiretap.incomplete.reason` (e.g. "timeout"), when incomplete. */
  incompleteReason?: string;
  events: SpanEvent[];
  links: SpanLink[];
  /** Where the span was read: file and 1-based line. */
  source?: { file: string; line: number };
}

/** How a hop between two traces (or two parts of one) was joined. */
export type HopVia = 'link' | 'message-id' | 'event-id' | 'sequence-number' | 'xray-trace-header';

/** An async hop: a producer span and the consumer span that received what it sent. */
export interface Hop {
  producerSpanId: string;
  producerTraceId: string;
  consumerSpanId: string;
  consumerTraceId: string;
  via: HopVia;
  /** The id both sides recorded (message id, event id, sequence number, trace header, or the linked span id). */
  key: string;
  /** consumer start − producer end (negative when clocks of two hosts disagree; shown as is). */
  queueDelayMs: number;
}

/** One node of a transaction tree. A logical call made of several attempts is one node. */
export interface SpanNode {
  /** The node's representative span: the last attempt of a logical call, else the span itself. */
  span: Span;
  /** Every attempt of the logical call, oldest first (length 1 for a call that was not retried). */
  attempts: Span[];
  children: SpanNode[];
  depth: number;
  /** The node (or one of its attempts) is on the critical path. */
  critical: boolean;
  /** Set when this node was attached to its parent through an async hop rather than parentSpanId (the
   * hop's consumer is this span, or a span inside it when a Lambda invocation was triggered by the hop). */
  hop?: Hop;
  /** Spans whose parent is not in the files: set on the subtree roots that were attached anyway. */
  orphan?: boolean;
}

/** A stretch of a span's time that lies on the critical path (Jaeger's "critical section"). */
export interface CriticalSection {
  spanId: string;
  startMs: number;
  endMs: number;
}

/** A root plus its tree, joined across traces by links, message/event/sequence ids and the X-Ray header. */
export interface Transaction {
  /** The root span's id (unique in the files); `wiretap view --trace` also accepts a trace id. */
  id: string;
  root: SpanNode;
  traceIds: string[];
  /** Every span of the transaction, attempts included, in start order. */
  spans: Span[];
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Logical outgoing calls (CLIENT and PRODUCER nodes; attempts of one call count once). */
  calls: number;
  /** Spans with an error (attempts included). */
  errors: number;
  /** Extra attempts: spans with `http.request.resend_count` > 0 or `wiretap.aws.attempts` > 1. */
  retries: number;
  hops: Hop[];
  /** Spans still in flight when they were exported. */
  unfinished: number;
  services: string[];
  criticalPath: CriticalSection[];
  /** Links to spans that are in none of the files. */
  danglingLinks: SpanLink[];
}

/** Grouping of `wiretap stats`: always calling service × peer × operation; `--by` adds one more column. */
export type StatsBy = 'operation' | 'table' | 'queue' | 'route';

export interface StatsRow {
  /** The calling service (the span's resource `service.name`). */
  service: string;
  /** The service called: DynamoDB, SQS, stripe, algolia, or the host for generic HTTP. */
  peer: string;
  /** The operation: GetItem, PaymentIntents.create, or METHOD for generic HTTP. */
  operation: string;
  /** The table, queue/topic or route, with `--by table|queue|route` ('' when the span has none). */
  resource: string;
  /** `peer.operation`, as `--fail-if` names a row (e.g. "DynamoDB.GetItem"). */
  key: string;
  /** Spans (every attempt is a call on the wire). */
  count: number;
  errors: number;
  errorRate: number;
  /** Logical calls that needed more than one attempt. */
  retried: number;
  unfinished: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  totalMs: number;
  /** The durations, sorted ascending (for distributions; omitted from --json unless asked). */
  durations?: number[];
}

/** A parsed `--where` clause; several clauses are ANDed. */
export type Filter =
  | { kind: 'duration'; op: CompareOp; ms: number }
  | { kind: 'error' }
  | { kind: 'unfinished' }
  | { kind: 'retried' }
  | { kind: 'attr'; key: string; op: CompareOp | '~' | '!~' | 'exists'; value?: string | number; regex?: RegExp };

export type CompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

/** Options of the reader. */
export interface ReadOptions {
  /** Called with bytes read so far and the total, at most every few hundred ms (for a progress line). */
  onProgress?: (readBytes: number, totalBytes: number, file: string) => void;
}
