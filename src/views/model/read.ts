// Reading trace files: OTLP-JSON lines (the file exporter's, several processes', Lambda stdout) into Spans.
// Lines of other signals, non-JSON lines and prefixes before the first `{` (CloudWatch timestamps) are
// skipped. The same span may appear twice (an in-flight partial record, then its real end): per span id the
// record without `wiretap.incomplete` wins over one with it, else the latest one read.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { AttrValue, Attributes, ReadOptions, Span, SpanKindName } from './types';
import { STATUS_CODE_ERROR } from './types';

const KIND_NAMES: SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number | string;
  boolValue?: boolean;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: { key: string; value?: AnyValue }[] };
};

export function anyValue(v: AnyValue | undefined): AttrValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) {
    const out: { [key: string]: AttrValue } = {};
    for (const kv of v.kvlistValue.values ?? []) out[kv.key] = anyValue(kv.value);
    return out;
  }
  return null;
}

export function attributeList(list: { key: string; value?: AnyValue }[] | undefined): Attributes {
  const out: Attributes = {};
  for (const a of list ?? []) out[a.key] = anyValue(a.value);
  return out;
}

/** Nanosecond timestamps as OTLP-JSON writes them (a decimal string, or a number) → epoch ms. */
function nanosToMs(nanos: string | number | undefined): number {
  if (nanos === undefined || nanos === '') return 0;
  const text = String(nanos);
  // Split so that the float keeps sub-microsecond digits: ms = whole ms + fraction.
  if (text.length > 6) return Number(text.slice(0, -6)) + Number(text.slice(-6)) / 1e6;
  return Number(text) / 1e6;
}

/** Ids may be hex (OTLP-JSON) or base64 (protobuf-JSON mappings of some tools); normalise to lower hex. */
function normaliseId(id: unknown): string {
  if (typeof id !== 'string' || id === '') return '';
  if (/^[0-9a-fA-F]+$/.test(id) && (id.length === 16 || id.length === 32)) return id.toLowerCase();
  const bytes = Buffer.from(id, 'base64');
  return bytes.length === 8 || bytes.length === 16 ? bytes.toString('hex') : id;
}

/** The spans of one ExportTraceServiceRequest (JSON form); other signals give none. */
export function spansFromRequest(request: unknown, source?: { file: string; line: number }): Span[] {
  const out: Span[] = [];
  const resourceSpans = (request as { resourceSpans?: unknown[] } | null)?.resourceSpans;
  if (!Array.isArray(resourceSpans)) return out;
  for (const rs of resourceSpans as any[]) {
    const resource = attributeList(rs?.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? (resource['service.name'] as string) : 'unknown_service';
    for (const ss of rs?.scopeSpans ?? rs?.instrumentationLibrarySpans ?? []) {
      for (const s of ss?.spans ?? []) {
        const span = toSpan(s, resource, service, ss?.scope?.name, source);
        if (span) out.push(span);
      }
    }
  }
  return out;
}

function toSpan(s: any, resource: Attributes, service: string, scope: string | undefined, source?: { file: string; line: number }): Span | undefined {
  const traceId = normaliseId(s?.traceId);
  const spanId = normaliseId(s?.spanId);
  if (!traceId || !spanId) return undefined;
  const attributes = attributeList(s.attributes);
  const incomplete = attributes['wiretap.incomplete'] === true;
  const startMs = nanosToMs(s.startTimeUnixNano);
  let endMs = nanosToMs(s.endTimeUnixNano);
  const elapsed = attributes['wiretap.elapsed_ms'];
  if (incomplete && typeof elapsed === 'number' && (endMs === 0 || endMs < startMs)) endMs = startMs + elapsed;
  if (endMs < startMs) endMs = startMs;
  const kind = typeof s.kind === 'number' ? s.kind : KIND_NAMES.indexOf(String(s.kind ?? '').replace(/^SPAN_KIND_/, '').toLowerCase() as SpanKindName);
  const statusCode = typeof s.status?.code === 'number' ? s.status.code : s.status?.code === 'STATUS_CODE_ERROR' ? STATUS_CODE_ERROR : 0;
  const parentSpanId = normaliseId(s.parentSpanId);
  const span: Span = {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: String(s.name ?? ''),
    kind: kind < 0 ? 0 : kind,
    kindName: KIND_NAMES[kind] ?? 'unspecified',
    startMs,
    endMs,
    durationMs: endMs - startMs,
    startTimeUnixNano: String(s.startTimeUnixNano ?? '0'),
    endTimeUnixNano: String(s.endTimeUnixNano ?? '0'),
    attributes,
    resource,
    service,
    ...(scope ? { scope } : {}),
    status: { code: statusCode, ...(s.status?.message ? { message: String(s.status.message) } : {}) },
    error: statusCode === STATUS_CODE_ERROR || (attributes['error.type'] !== undefined && attributes['error.type'] !== null),
    incomplete,
    ...(incomplete && typeof attributes['wiretap.incomplete.reason'] === 'string' ? { incompleteReason: attributes['wiretap.incomplete.reason'] as string } : {}),
    events: (s.events ?? []).map((e: any) => ({ name: String(e?.name ?? ''), timeMs: nanosToMs(e?.timeUnixNano), timeUnixNano: String(e?.timeUnixNano ?? '0'), attributes: attributeList(e?.attributes) })),
    links: (s.links ?? []).map((l: any) => ({ traceId: normaliseId(l?.traceId), spanId: normaliseId(l?.spanId), attributes: attributeList(l?.attributes) })),
    ...(source ? { source } : {}),
  };
  return span;
}

/** One line of a trace file: JSON after an optional prefix; anything else gives no spans. */
export function spansFromLine(line: string, source?: { file: string; line: number }): Span[] {
  const brace = line.indexOf('{');
  if (brace < 0) return [];
  // Cheap pre-check: metric and log lines are skipped without parsing them.
  if (!line.includes('"resourceSpans"', brace)) return [];
  let request: unknown;
  try {
    request = JSON.parse(brace === 0 ? line : line.slice(brace));
  } catch {
    return [];
  }
  return spansFromRequest(request, source);
}

/** Keeps one record per span id, as the common decision says. Insertion order = first time seen. */
export class SpanSet {
  private readonly byId = new Map<string, Span>();

  add(span: Span): void {
    const id = `${span.traceId}/${span.spanId}`;
    const kept = this.byId.get(id);
    if (kept && !kept.incomplete && span.incomplete) return;
    this.byId.set(id, span);
  }

  addAll(spans: Iterable<Span>): void {
    for (const s of spans) this.add(s);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The kept spans, in start order (ties: the order they were first read). */
  spans(): Span[] {
    return [...this.byId.values()].sort((a, b) => a.startMs - b.startMs);
  }
}

/** Deduplicates spans already read (see SpanSet). */
export function dedupeSpans(spans: Iterable<Span>): Span[] {
  const set = new SpanSet();
  set.addAll(spans);
  return set.spans();
}

/** Every span of a text made of trace lines (deduplicated). */
export function spansFromText(text: string, file = '<text>'): Span[] {
  const set = new SpanSet();
  text.split('\n').forEach((line, i) => set.addAll(spansFromLine(line, { file, line: i + 1 })));
  return set.spans();
}

/** Reads files synchronously (small files, tests). A missing file is an error. */
export function readSpansSync(files: string[]): Span[] {
  const set = new SpanSet();
  for (const file of files) {
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => set.addAll(spansFromLine(line, { file, line: i + 1 })));
  }
  return set.spans();
}

/** Streams one or more files line by line into a SpanSet (memory holds spans, never a whole file). */
export async function readSpansInto(set: SpanSet, files: string[], options: ReadOptions = {}): Promise<void> {
  for (const file of files) {
    const total = fs.statSync(file).size;
    const stream = fs.createReadStream(file, { encoding: 'utf8' });
    let bytes = 0;
    let lastReport = 0;
    let lineNo = 0;
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo++;
      set.addAll(spansFromLine(line, { file, line: lineNo }));
      if (options.onProgress) {
        bytes += Buffer.byteLength(line) + 1;
        const now = Date.now();
        if (now - lastReport > 200) {
          lastReport = now;
          options.onProgress(Math.min(bytes, total), total, file);
        }
      }
    }
    options.onProgress?.(total, total, file);
  }
}

/** Streams one or more files and returns their spans, deduplicated, in start order. */
export async function readSpans(files: string[], options: ReadOptions = {}): Promise<Span[]> {
  const set = new SpanSet();
  await readSpansInto(set, files, options);
  return set.spans();
}
