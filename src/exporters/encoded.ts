// Spans encoded once, at span end, to their OTLP form (JSON or protobuf), so that the export queue holds
// compact bytes and not SDK object graphs with their attributes: about 0.3 KB of JS heap per queued span
// instead of about 1.7 KB (docs/design.md, "Export and exit"), and less for the GC to promote. A batch
// is then the spans' bytes joined under their resource and scope, encoded once per group.
//
// The span encoders are the official ones: JSON through @opentelemetry/otlp-transformer's own span
// conversion (a deep import of the pinned version; if it is missing, `createSpanEncoder` returns
// undefined and the queue keeps SDK spans as before), protobuf through the transformer's own writer
// and attribute encoders (deep imports of the pinned version too), with the Span message fields as its
// serializer writes them. Resource and scope are taken once per group from the official serializer.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';

export type OtlpFormat = 'json' | 'protobuf';

interface Group {
  readonly resource: Resource;
  readonly scopeKey: string;
  /** JSON: the text before and after the spans; protobuf: the raw fields around ScopeSpans (rs*) and around the spans (ss*). */
  head?: Buffer;
  tail?: Buffer;
  rsHead?: Buffer;
  rsTail?: Buffer;
}

/** One finished span, encoded; `group` says which resource and scope it belongs to. */
export interface EncodedSpan {
  readonly group: Group;
  readonly bytes: Buffer;
}

/**
 * wiretap's own span record (src/spans/own-span.ts) also lists its attributes in two arrays, in the order
 * the `attributes` object enumerates them unless `hasIndexKey`: read from there, without that object.
 */
interface ListedAttributes {
  readonly attributeKeys?: readonly string[];
  readonly attributeValues?: readonly unknown[];
  readonly hasIndexKey?: boolean;
}

const listed = (span: ReadableSpan): ListedAttributes | undefined => {
  const l = span as ListedAttributes;
  return l.attributeKeys && l.attributeValues && !l.hasIndexKey ? l : undefined;
};

export interface SpanEncoder {
  readonly format: OtlpFormat;
  encode(span: ReadableSpan): EncodedSpan;
  /** One ExportTraceServiceRequest holding every span of the batch. */
  request(batch: readonly EncodedSpan[]): Buffer;
}

function groupsOf() {
  const byResource = new Map<Resource, Map<string, Group>>();
  // The last span's resource and scope objects: wiretap's spans share both, so most spans find their
  // group without building the scope key.
  let last: { resource: Resource; scope: ReadableSpan['instrumentationScope']; group: Group } | undefined;
  return (span: ReadableSpan, init: (span: ReadableSpan, g: Group) => void): Group => {
    if (last && last.resource === span.resource && last.scope === span.instrumentationScope) return last.group;
    const group = find(span, init);
    last = { resource: span.resource, scope: span.instrumentationScope, group };
    return group;
  };
  function find(span: ReadableSpan, init: (span: ReadableSpan, g: Group) => void): Group {
    let scopes = byResource.get(span.resource);
    if (!scopes) byResource.set(span.resource, (scopes = new Map()));
    const s = span.instrumentationScope;
    const scopeKey = `${s.name}\u0000${s.version ?? ''}\u0000${s.schemaUrl ?? ''}`;
    let group = scopes.get(scopeKey);
    if (!group) {
      group = { resource: span.resource, scopeKey };
      init(span, group);
      scopes.set(scopeKey, group);
    }
    return group;
  }
}

const SLAB_BYTES = 64 * 1024;

/**
 * Where the JSON spans' bytes are kept: written one after the other into shared slabs and handed out as
 * views of them. `Buffer.from(text)` per span made a typed array and ran a UTF-8 length pass over the whole
 * text before copying it: about 7 k instructions more per GetItem span. The queue is first in, first out,
 * so a slab is freed soon after the last of its spans is sent; a text that would take a large part of a
 * slab gets a Buffer of its own. (Protobuf spans gain nothing from it: measured, their copy stays as it was.)
 */
class Slabs {
  private slab = Buffer.allocUnsafeSlow(0);
  private used = 0;

  /** The text's UTF-8 bytes. */
  text(text: string): Buffer {
    // At most 3 bytes per UTF-16 code unit.
    const slab = this.room(text.length * 3);
    if (!slab) return Buffer.from(text);
    const start = this.used;
    this.used += slab.write(text, start, 'utf8');
    return slab.subarray(start, this.used);
  }

  /** The slab with room for `size` more bytes (a new one when the current one is full), or undefined for a large size. */
  private room(size: number): Buffer | undefined {
    if (size > SLAB_BYTES / 4) return undefined;
    if (this.used + size > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.used = 0;
    }
    return this.slab;
  }
}

/** Joins the batch's spans per group, in first-seen order. */
function byGroup(batch: readonly EncodedSpan[]): Map<Group, Buffer[]> {
  const out = new Map<Group, Buffer[]>();
  for (const e of batch) {
    let list = out.get(e.group);
    if (!list) out.set(e.group, (list = []));
    list.push(e.bytes);
  }
  return out;
}

/* eslint-disable @typescript-eslint/no-require-imports */
function jsonEncoder(): SpanEncoder {
  const base = '@opentelemetry/otlp-transformer/build/src/';
  const { createResource, createInstrumentationScope } = require(`${base}common/internal`) as { createResource: (r: Resource, e: unknown) => { schemaUrl?: string }; createInstrumentationScope: (s: unknown, e: unknown) => unknown };
  const { JSON_ENCODER } = require(`${base}common/utils`) as { JSON_ENCODER: unknown };
  const writeSpan = jsonSpanWriter();
  const group = groupsOf();
  const init = (span: ReadableSpan, g: Group) => {
    const resource = createResource(span.resource, JSON_ENCODER);
    const scope = span.instrumentationScope;
    // {"resource":…,"scopeSpans":[{"scope":…,"spans":[ SPANS ],"schemaUrl":…}],"schemaUrl":…}
    g.head = Buffer.from(`{"resource":${JSON.stringify(resource)},"scopeSpans":[{"scope":${JSON.stringify(createInstrumentationScope(scope, JSON_ENCODER))},"spans":[`);
    const scopeSchema = scope.schemaUrl ? `,"schemaUrl":${JSON.stringify(scope.schemaUrl)}` : '';
    const resourceSchema = resource.schemaUrl ? `,"schemaUrl":${JSON.stringify(resource.schemaUrl)}` : '';
    g.tail = Buffer.from(`]${scopeSchema}}]${resourceSchema}}`);
  };
  const comma = Buffer.from(',');
  const slabs = new Slabs();
  return {
    format: 'json',
    encode: (span) => ({ group: group(span, init), bytes: slabs.text(writeSpan(span)) }),
    request(batch) {
      const parts: Buffer[] = [Buffer.from('{"resourceSpans":[')];
      let firstGroup = true;
      for (const [g, spans] of byGroup(batch)) {
        if (!firstGroup) parts.push(comma);
        firstGroup = false;
        parts.push(g.head!);
        spans.forEach((b, i) => {
          if (i > 0) parts.push(comma);
          parts.push(b);
        });
        parts.push(g.tail!);
      }
      parts.push(Buffer.from(']}'));
      return Buffer.concat(parts);
    },
  };
}

const MAX_KEYS = 1024;
const MAX_VALUES_PER_KEY = 16;
const MAX_REMEMBERED_STRING = 256;

/**
 * The encoded form of an attribute, remembered per key and value (bounded): most of a span's attributes
 * are the same on every call of an operation. A key that shows more than a few distinct values (ids,
 * bodies, sizes, timings) is no longer remembered. Returns undefined for what is not remembered.
 */
function rememberedAttributes<T>(encode: (key: string, value: unknown) => T): (key: string, value: unknown) => T | undefined {
  const keys = new Map<string, Map<unknown, T> | null>();
  return (key, value) => {
    if (!(typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= MAX_REMEMBERED_STRING))) return undefined;
    let values = keys.get(key);
    if (values === null) return undefined;
    if (values === undefined) {
      if (keys.size >= MAX_KEYS) return undefined;
      keys.set(key, (values = new Map()));
    }
    let encoded = values.get(value);
    if (encoded === undefined) {
      encoded = encode(key, value);
      if (values.size >= MAX_VALUES_PER_KEY) keys.set(key, null);
      else values.set(value, encoded);
    }
    return encoded;
  };
}

/** A string JSON.stringify writes as it is between quotes: no quote, backslash, control character or surrogate. */
const PLAIN_JSON_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** The pieces joined into one flat string (V8 joins an array of several into one sequential string). */
const flat = (...pieces: string[]): string => pieces.join('');

/**
 * JSON.stringify of a string or a number, without its call into the runtime where the text is known: a
 * string with nothing to escape, a finite number (written as String writes it, -0 as 0).
 */
const jsonString = (value: string): string => (PLAIN_JSON_STRING.test(value) ? `"${value}"` : JSON.stringify(value));
const jsonNumber = (value: number): string => (Number.isFinite(value) ? `${value}` : JSON.stringify(value));

/**
 * One span as the transformer's JSON serializer writes it (`JSON.stringify(sdkSpanToOtlpSpan(span,
 * JSON_ENCODER))`, field for field), without building its object tree: the span fields are written
 * directly, and each attribute's `{"key":…,"value":…}` text is remembered per key and value, since most
 * of a span's attributes (method, host, port, service, operation, table, decoder …) are the same on every
 * call of an operation. A key whose values keep changing (request ids, bodies, sizes, timings) stops being
 * remembered after a few distinct values. Every piece is still `JSON.stringify` of the same value, so the
 * text is byte for byte the serializer's (tested against it, test/unit/exporters/encoded.test.ts).
 * Events and links (rare on wiretap's spans) go through the transformer's own conversion.
 * Measured in-process (cachegrind, a GetItem span with both bodies; docs/notes/performance.md, "Steady state"): 173 k → 65 k instructions per span.
 */
function jsonSpanWriter(): (span: ReadableSpan) => string {
  const base = '@opentelemetry/otlp-transformer/build/src/';
  const { toAnyValue } = require(`${base}common/internal`) as { toAnyValue: (v: unknown, e: unknown) => unknown };
  const { toOtlpSpanEvent, toOtlpLink } = require(`${base}trace/internal`) as { toOtlpSpanEvent: (e: unknown, enc: unknown) => unknown; toOtlpLink: (l: unknown, enc: unknown) => unknown };
  const { JSON_ENCODER, encodeAsString } = require(`${base}common/utils`) as { JSON_ENCODER: unknown; encodeAsString: (t: readonly [number, number]) => string };
  // A transformer without these internals: no encoder (createSpanEncoder returns undefined), rather than
  // spans that fail one by one later.
  for (const fn of [toAnyValue, toOtlpSpanEvent, toOtlpLink, encodeAsString]) if (typeof fn !== 'function') throw new Error('otlp-transformer internals not found');
  const anyValue = (value: unknown): string => {
    // toAnyValue's cases, written as JSON.stringify writes its result.
    switch (typeof value) {
      case 'string':
        return `{"stringValue":${jsonString(value)}}`;
      case 'number':
        return Number.isInteger(value) ? `{"intValue":${jsonNumber(value)}}` : `{"doubleValue":${jsonNumber(value)}}`;
      case 'boolean':
        return value ? '{"boolValue":true}' : '{"boolValue":false}';
      default:
        return Array.isArray(value) ? arrayValue(value) : JSON.stringify(toAnyValue(value, JSON_ENCODER));
    }
  };
  // toAnyValue's array case (every index, holes read as undefined), without its object tree.
  const arrayValue = (values: readonly unknown[]): string => {
    let out = '{"arrayValue":{"values":[';
    for (let i = 0; i < values.length; i++) out += i > 0 ? `,${anyValue(values[i])}` : anyValue(values[i]);
    return `${out}]}}`;
  };
  // The texts kept across spans are made flat: a text built with `+` is a tree of its pieces, and the
  // span's text, copied to the slab, is flattened piece by piece (~8 pieces per attribute: ~10 k
  // instructions per GetItem span).
  const prefixes = new Map<string, string>();
  const prefix = (key: string): string => {
    let p = prefixes.get(key);
    if (p === undefined) {
      p = flat('{"key":', JSON.stringify(key), ',"value":');
      if (prefixes.size < MAX_KEYS) prefixes.set(key, p);
    }
    return p;
  };
  const remembered = rememberedAttributes((key, value) => flat(prefix(key), anyValue(value), '}'));
  const attribute = (key: string, value: unknown): string => remembered(key, value) ?? `${prefix(key)}${anyValue(value)}}`;
  // hrTimeToNanos(t).toString() without BigInt where the time is normalised (as the SDK keeps it).
  const nanos = (t: readonly [number, number]): string => {
    const [s, n] = t;
    if (Number.isSafeInteger(s) && s > 0 && Number.isInteger(n) && n >= 0 && n < 1e9) return `${s}${String(n).padStart(9, '0')}`;
    return encodeAsString(t);
  };
  const field = (name: string, value: unknown): string => {
    if (value === undefined) return '';
    const json = typeof value === 'string' ? jsonString(value) : typeof value === 'number' ? jsonNumber(value) : JSON.stringify(value);
    return `,"${name}":${json}`;
  };
  const flagsOf = (traceFlags: number, isRemote: boolean | undefined) => (traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);
  // JSON.stringify({ code, message }) for the usual status (an integer code, no message), without the object.
  const status = ({ code, message }: ReadableSpan['status']): string =>
    message === undefined && Number.isInteger(code) ? `{"code":${code}}` : JSON.stringify({ code, message });
  return (span) => {
    const ctx = span.spanContext();
    const parent = span.parentSpanContext;
    let head = field('traceId', ctx.traceId);
    head += field('spanId', ctx.spanId);
    head += field('parentSpanId', parent?.spanId ? parent.spanId : undefined);
    head += field('traceState', ctx.traceState?.serialize());
    head += field('name', span.name);
    head += `,"kind":${span.kind == null ? 0 : span.kind + 1}`;
    // The leading comma goes while the text is this short: cut from the whole span, the slice would copy
    // all of it once more before the slab write copies it again.
    let out = `{${head.slice(1)}`;
    out += `,"startTimeUnixNano":"${nanos(span.startTime)}","endTimeUnixNano":"${nanos(span.endTime)}","attributes":[`;
    const list = listed(span);
    if (list) {
      const keys = list.attributeKeys!;
      const values = list.attributeValues!;
      for (let i = 0; i < keys.length; i++) {
        if (i > 0) out += ',';
        out += attribute(keys[i]!, values[i]);
      }
    } else {
      const attrs = span.attributes;
      let first = true;
      for (const key of Object.keys(attrs)) {
        if (!first) out += ',';
        first = false;
        out += attribute(key, attrs[key]);
      }
    }
    out += ']';
    out += field('droppedAttributesCount', span.droppedAttributesCount);
    out += `,"events":${span.events.length ? JSON.stringify(span.events.map((e) => toOtlpSpanEvent(e, JSON_ENCODER))) : '[]'}`;
    out += field('droppedEventsCount', span.droppedEventsCount);
    out += `,"status":${status(span.status)}`;
    out += `,"links":${span.links.length ? JSON.stringify(span.links.map((l) => toOtlpLink(l, JSON_ENCODER))) : '[]'}`;
    out += field('droppedLinksCount', span.droppedLinksCount);
    out += `,"flags":${flagsOf(ctx.traceFlags, parent?.isRemote)}}`;
    return out;
  };
}

// --- protobuf: length-delimited fields, read and written by hand (a few lines, exact) ---

function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

/** The fields of one message: number, and the raw bytes of the whole field (tag included) and of its value. */
function fields(buf: Uint8Array): { field: number; raw: Uint8Array; value: Uint8Array }[] {
  const out: { field: number; raw: Uint8Array; value: Uint8Array }[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let valueStart = afterTag;
    let end: number;
    if (wire === 0) end = readVarint(buf, afterTag)[1];
    else if (wire === 1) end = afterTag + 8;
    else if (wire === 5) end = afterTag + 4;
    else if (wire === 2) {
      const [len, afterLen] = readVarint(buf, afterTag);
      valueStart = afterLen;
      end = afterLen + len;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
    out.push({ field, raw: buf.subarray(start, end), value: buf.subarray(valueStart, end) });
    pos = end;
  }
  return out;
}

// The parts as they are (Buffer.concat takes any Uint8Array): a Buffer view made of each span's bytes, once
// for ScopeSpans and again for ResourceSpans, cost more than the rest of the request.
const lengthDelimited = (field: number, parts: readonly Uint8Array[]): Uint8Array[] => {
  const len = parts.reduce((n, p) => n + p.length, 0);
  return [varint(field * 8 + 2), varint(len), ...parts];
};

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Writer {
  pos: number;
  finish(): Uint8Array;
  startLengthDelimited(): number;
  finishLengthDelimited(pos: number, length: number): void;
  writeTag(field: number, wire: number): void;
  writeVarint(v: number): void;
  writeBytes(b: Uint8Array): void;
  writeString(s: string): void;
  writeFixed32(v: number): void;
}

/** The ProtobufWriter's own buffer and growth, for a subclass that writes into it. */
interface WriterInternals extends Writer {
  _buffer: Uint8Array;
  _ensureCapacity(size: number): void;
}

/**
 * Strings shorter than this are written by a loop in JS, longer ones by the runtime's UTF-8 encoder: a JS
 * loop costs ~40 instructions a character, the encoder's call ~1.2 k and then ~1 a character.
 */
const SHORT_STRING = 32;

/**
 * The transformer's ProtobufWriter writing strings in one pass: its writeString reads a string twice (is it
 * ASCII? then each character again) and, for any other string, encodes it into a new array it then copies.
 * Here an ASCII string is checked while it is written, and any other string, or a long one, is encoded into
 * the buffer directly. The bytes are the same: TextEncoder's, lone surrogates written as U+FFFD by both.
 */
function oneScanStrings(ProtobufWriter: new (size?: number) => WriterInternals): new (size?: number) => Writer {
  const utf8 = new TextEncoder();
  return class extends ProtobufWriter {
    override writeString(text: string): void {
      const length = text.length;
      if (length < SHORT_STRING) {
        // The length's varint is its one byte, as long as every character is ASCII.
        this._ensureCapacity(length + 1);
        const buffer = this._buffer;
        const start = this.pos;
        let pos = start + 1;
        for (let i = 0; i < length; i++) {
          const c = text.charCodeAt(i);
          if (c > 0x7f) return this.writeUtf8(text);
          buffer[pos++] = c;
        }
        buffer[start] = length;
        this.pos = pos;
        return;
      }
      this.writeUtf8(text);
    }

    private writeUtf8(text: string): void {
      const at = this.startLengthDelimited();
      const from = this.pos;
      // At most 3 bytes per UTF-16 unit.
      this._ensureCapacity(text.length * 3);
      this.pos = from + utf8.encodeInto(text, this._buffer.subarray(from)).written;
      this.finishLengthDelimited(at, this.pos - from);
    }
  };
}

/**
 * The transformer's own Span writer (trace/protobuf/trace-serializer.js, serializeSpan and its helpers),
 * field for field, on the transformer's own ProtobufWriter (its strings written in one scan, see oneScanStrings):
 * that module writes only whole requests.
 * Byte-identical output is tested against the official serializer (test/unit/exporters/encoded.test.ts).
 */
function spanWriter() {
  const base = '@opentelemetry/otlp-transformer/build/src/';
  const ProtobufWriter = oneScanStrings((require(`${base}common/protobuf/protobuf-writer`) as { ProtobufWriter: new (size?: number) => WriterInternals }).ProtobufWriter);
  const common = require(`${base}common/protobuf/common-serializer`) as { writeAttributes: (w: Writer, a: unknown, f: number) => void; writeKeyValue: (w: Writer, k: string, v: unknown) => void; writeHrTimeAsFixed64: (w: Writer, t: unknown) => void };
  if (typeof common.writeKeyValue !== 'function') throw new Error('otlp-transformer internals not found');
  const { hexToBinary } = require(`${base}common/hex-to-binary`) as { hexToBinary: (hex: string) => Uint8Array };
  const flagsOf = (traceFlags: number, isRemote: boolean | undefined) => ((traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0)) >>> 0;
  const message = (w: Writer, body: () => void) => {
    const at = w.startLengthDelimited();
    const from = w.pos;
    body();
    w.finishLengthDelimited(at, w.pos - from);
  };
  const writer = new ProtobufWriter(16 * 1024);
  // A KeyValue's bytes, remembered (see rememberedAttributes); written back as the length-delimited field
  // writeAttributes makes of it.
  const scratch = new ProtobufWriter(1024);
  const remembered = rememberedAttributes((key, value) => {
    scratch.pos = 0;
    common.writeKeyValue(scratch, key, value);
    return scratch.finish().slice();
  });
  const writeSpanAttributes = (w: Writer, attributes: Record<string, unknown>) => {
    // As common.writeAttributes(w, attributes, 9), one KeyValue at a time.
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      writeSpanAttribute(w, key, attributes[key]);
    }
  };
  const writeSpanAttribute = (w: Writer, key: string, value: unknown) => {
    w.writeTag(9, 2);
    const bytes = remembered(key, value);
    if (bytes) {
      w.writeBytes(bytes);
      return;
    }
    const at = w.startLengthDelimited();
    const from = w.pos;
    common.writeKeyValue(w, key, value);
    w.finishLengthDelimited(at, w.pos - from);
  };
  return (span: ReadableSpan): Buffer => {
    const w = writer;
    w.pos = 0;
    w.writeTag(2, 2); // ScopeSpans.spans
    message(w, () => {
      const ctx = span.spanContext();
      w.writeTag(1, 2);
      w.writeBytes(hexToBinary(ctx.traceId));
      w.writeTag(2, 2);
      w.writeBytes(hexToBinary(ctx.spanId));
      const traceState = ctx.traceState?.serialize();
      if (traceState) {
        w.writeTag(3, 2);
        w.writeString(traceState);
      }
      if (span.parentSpanContext?.spanId) {
        w.writeTag(4, 2);
        w.writeBytes(hexToBinary(span.parentSpanContext.spanId));
      }
      w.writeTag(5, 2);
      w.writeString(span.name);
      const kind = span.kind == null ? 0 : span.kind + 1;
      if (kind !== 0) {
        w.writeTag(6, 0);
        w.writeVarint(kind);
      }
      w.writeTag(7, 1);
      common.writeHrTimeAsFixed64(w, span.startTime);
      w.writeTag(8, 1);
      common.writeHrTimeAsFixed64(w, span.endTime);
      const list = listed(span);
      if (list) {
        const keys = list.attributeKeys!;
        const values = list.attributeValues!;
        for (let i = 0; i < keys.length; i++) writeSpanAttribute(w, keys[i]!, values[i]);
      } else if (span.attributes) writeSpanAttributes(w, span.attributes);
      w.writeTag(10, 0);
      w.writeVarint(span.droppedAttributesCount);
      for (const event of span.events) {
        w.writeTag(11, 2);
        message(w, () => {
          w.writeTag(1, 1);
          common.writeHrTimeAsFixed64(w, event.time);
          w.writeTag(2, 2);
          w.writeString(event.name);
          if (event.attributes) common.writeAttributes(w, event.attributes, 3);
          w.writeTag(4, 0);
          w.writeVarint(event.droppedAttributesCount || 0);
        });
      }
      w.writeTag(12, 0);
      w.writeVarint(span.droppedEventsCount);
      for (const link of span.links) {
        w.writeTag(13, 2);
        message(w, () => {
          const c = link.context;
          w.writeTag(1, 2);
          w.writeBytes(hexToBinary(c.traceId));
          w.writeTag(2, 2);
          w.writeBytes(hexToBinary(c.spanId));
          const ts = c.traceState?.serialize();
          if (ts) {
            w.writeTag(3, 2);
            w.writeString(ts);
          }
          if (link.attributes) common.writeAttributes(w, link.attributes, 4);
          w.writeTag(5, 0);
          w.writeVarint(link.droppedAttributesCount || 0);
          w.writeTag(6, 5);
          w.writeFixed32(flagsOf(c.traceFlags, c.isRemote));
        });
      }
      w.writeTag(14, 0);
      w.writeVarint(span.droppedLinksCount);
      w.writeTag(15, 2);
      message(w, () => {
        if (span.status.message) {
          w.writeTag(2, 2);
          w.writeString(span.status.message);
        }
        w.writeTag(3, 0);
        w.writeVarint(span.status.code);
      });
      w.writeTag(16, 5);
      w.writeFixed32(flagsOf(ctx.traceFlags, span.parentSpanContext?.isRemote));
    });
    return Buffer.from(w.finish());
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function protobufEncoder(serializer: TraceSerializer): SpanEncoder {
  const writeSpan = spanWriter();
  const group = groupsOf();
  // ExportTraceServiceRequest{1: ResourceSpans{1: Resource, 2: ScopeSpans{1: scope, 2: Span…, 3: schema_url}, 3: schema_url}}
  const only = (request: Uint8Array) => {
    const rs = fields(request).find((f) => f.field === 1)!;
    const rsFields = fields(rs.value);
    const ss = rsFields.find((f) => f.field === 2)!;
    return { rsFields, ssFields: fields(ss.value) };
  };
  const init = (span: ReadableSpan, g: Group) => {
    const { rsFields, ssFields } = only(serializer.serializeRequest([span])!);
    // The other fields, in the serializer's own order around the spans and around ScopeSpans, so that a
    // batch of one group is byte for byte what the serializer writes.
    const around = (list: ReturnType<typeof fields>): [Buffer, Buffer] => {
      const at = list.findIndex((f) => f.field === 2);
      return [Buffer.concat(list.slice(0, at).map((f) => f.raw)), Buffer.concat(list.slice(at).filter((f) => f.field !== 2).map((f) => f.raw))];
    };
    [g.head, g.tail] = around(ssFields);
    [g.rsHead, g.rsTail] = around(rsFields);
  };
  return {
    format: 'protobuf',
    // The span's bytes are the whole `spans` field of ScopeSpans (tag and length included).
    encode: (span) => ({ group: group(span, init), bytes: writeSpan(span) }),
    request(batch) {
      const parts: Uint8Array[] = [];
      for (const [g, spans] of byGroup(batch)) {
        const scopeSpans = lengthDelimited(2, [g.head!, ...spans, g.tail!]);
        parts.push(...lengthDelimited(1, [g.rsHead!, ...scopeSpans, g.rsTail!]));
      }
      return Buffer.concat(parts);
    },
  };
}

export interface TraceSerializer {
  serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined;
}

/**
 * The transformer's own trace serializer for the format, from its trace module rather than the package
 * index: the index also evaluates (and bundles) the metrics and logs serializers, which spans never need.
 */
export function officialSerializer(format: OtlpFormat): TraceSerializer {
  const base = '@opentelemetry/otlp-transformer/build/src/';
  if (format === 'json') return (require(`${base}trace/json/trace`) as { JsonTraceSerializer: TraceSerializer }).JsonTraceSerializer;
  return (require(`${base}trace/protobuf/trace`) as { ProtobufTraceSerializer: TraceSerializer }).ProtobufTraceSerializer;
}

/** An encoder for the format, or undefined where the pinned transformer's internals are not there. */
export function createSpanEncoder(format: OtlpFormat): SpanEncoder | undefined {
  try {
    if (format === 'json') return jsonEncoder();
    return protobufEncoder(officialSerializer('protobuf'));
  } catch {
    return undefined;
  }
}
