// Builds model Spans for the unit tests: times in ms from an arbitrary origin, ids spelled out.
import type { Attributes, Span } from '../../../../src/views/model/types';

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export const T0 = 1_700_000_000_000;

export interface SpanSpec {
  id: string;
  trace?: string;
  parent?: string;
  name?: string;
  kind?: number;
  start: number;
  end: number;
  attributes?: Attributes;
  service?: string;
  error?: boolean;
  incomplete?: boolean;
  links?: { traceId: string; spanId: string }[];
}

const hex = (s: string, n: number) => Buffer.from(s).toString('hex').padEnd(n, '0').slice(0, n);
export const traceId = (name: string) => hex(name, 32);
export const spanId = (name: string) => hex(name, 16);

export function span(spec: SpanSpec): Span {
  const kind = spec.kind ?? 3;
  return {
    traceId: traceId(spec.trace ?? 't1'),
    spanId: spanId(spec.id),
    ...(spec.parent ? { parentSpanId: spanId(spec.parent) } : {}),
    name: spec.name ?? spec.id,
    kind,
    kindName: KINDS[kind],
    startMs: T0 + spec.start,
    endMs: T0 + spec.end,
    durationMs: spec.end - spec.start,
    startTimeUnixNano: `${(T0 + spec.start) * 1e6}`,
    endTimeUnixNano: `${(T0 + spec.end) * 1e6}`,
    attributes: { ...(spec.incomplete ? { 'wiretap.incomplete': true } : {}), ...(spec.attributes ?? {}) },
    resource: { 'service.name': spec.service ?? 'shop' },
    service: spec.service ?? 'shop',
    status: { code: spec.error ? 2 : 0 },
    error: spec.error ?? false,
    incomplete: spec.incomplete ?? false,
    events: [],
    links: (spec.links ?? []).map((l) => ({ ...l, attributes: {} })),
  };
}
