// From exchange to span description: a pure function of the exchange, the decoder and the redactor. The
// live pipeline, the fixture runner, record mode and `wiretap/testing` all call this same function (the
// pipeline takes its attributes as lists, the others as an object).
import type { Attributes, Link } from '@opentelemetry/api';
import type { Exchange } from '../exchange/types';
import type { DecodedKind, Decoder, DecodeContext } from '../decoders/decoder';
import { httpAttributes, httpDecoder } from '../decoders/http';
import type { Redactor } from '../redaction/redactor';
import { redactionServiceOf } from '../redaction/service-hint';
import type { CaptureBodies, CaptureHeaders } from '../config/load';
import { bodyText } from '../exchange/body-text';
import { utf8Prefix } from '../exchange/body';
import { diag, describe as describeError } from '../diag/log';
import { AttributeList } from './attribute-list';
import * as A from '../semconv';

export interface SpanDescription {
  name: string;
  kind: DecodedKind;
  attributes: Attributes;
  /** Set when the span's status is ERROR. */
  error?: { type: string; message?: string };
  links?: Link[];
  decoder: string;
}

/** A description with its attributes as lists (what the live pipeline hands to the span). */
export type ListedDescription = Omit<SpanDescription, 'attributes'> & { attributes: AttributeList };

export interface DescribeOptions {
  redactor: Redactor;
  captureBodies: CaptureBodies;
  /** Headers put on the span (none when omitted). */
  captureHeaders?: CaptureHeaders;
  maxBodyBytes: number;
  maxErrorBodyBytes: number;
  /** Per-decoder state across exchanges; a fresh map when omitted. */
  state?: Map<string, unknown>;
}

function lazyText(fn: () => string | undefined): () => string | undefined {
  let done = false;
  let value: string | undefined;
  return () => {
    if (!done) {
      done = true;
      value = fn();
    }
    return value;
  };
}

export function describeExchange(x: Exchange, decoder: Decoder, options: DescribeOptions): SpanDescription {
  return withAttributeObject(describeListed(x, decoder, options));
}

/** The description with an attributes object, for whatever reads one (record mode, metrics). */
export function withAttributeObject(d: ListedDescription): SpanDescription {
  return { name: d.name, kind: d.kind, attributes: d.attributes.toObject(), error: d.error, links: d.links, decoder: d.decoder };
}

export function describeListed(x: Exchange, decoder: Decoder, options: DescribeOptions): ListedDescription {
  const { redactor } = options;
  const ctx: DecodeContext = {
    redactor,
    requestText: lazyText(() => bodyText(x.requestBody, x.request.headers)),
    responseText: lazyText(() => bodyText(x.responseBody, x.response?.headers)),
    state: options.state ?? new Map(),
  };
  const attributes = new AttributeList();
  httpAttributes(x, redactor, options.captureHeaders ?? [], attributes);
  // The decoder's keys are distinct (an object's): each can only be one of the generic ones.
  const generic = attributes.keys.length;
  let name = `${x.request.method} ${x.request.host}`;
  let kind: DecodedKind = 'client';
  let error: SpanDescription['error'];
  let links: Link[] | undefined;
  let addBodies = true;
  let used = httpDecoder.name;

  if (decoder !== httpDecoder) {
    try {
      const decoded = decoder.decode(x, ctx);
      name = decoded.name || name;
      kind = decoded.kind ?? kind;
      // Own enumerable string keys in order, as Object.assign copies them.
      const own = decoded.attributes;
      if (lastValues.redactor !== redactor) {
        lastValues.redactor = redactor;
        lastValues.values.length = 0;
        lastValues.redacted.length = 0;
      }
      const keys = Object.keys(own);
      for (let i = 0; i < keys.length; i++) attributes.set(keys[i], redactedAt(i, own[keys[i]], redactor), generic);
      if (decoded.error) error = decoded.error;
      links = decoded.links;
      if (decoded.addBodies === false) addBodies = false;
      used = decoder.name;
    } catch (err) {
      // A decoder that throws loses only its own attributes.
      diag.once('error', `decode:${decoder.name}`, `decoder ${decoder.name} threw (${describeError(err)}); falling back to generic HTTP`);
      attributes.set(A.ATTR_WIRETAP_DECODER_ERROR, `${decoder.name}: ${describeError(err)}`.slice(0, 200));
    }
  }
  attributes.set(A.ATTR_WIRETAP_DECODER, used);

  const failed = x.error !== undefined || (x.response !== undefined && x.response.status >= 400) || error !== undefined;
  if (!error && x.error) error = { type: x.error.type, message: redactor.text(x.error.message) };
  if (!error && x.response && x.response.status >= 400) error = { type: String(x.response.status) };
  if (error && !attributes.get(A.ATTR_ERROR_TYPE)) attributes.set(A.ATTR_ERROR_TYPE, error.type);

  if (x.requestBody && x.requestBody.size >= 0) attributes.set(A.ATTR_HTTP_REQUEST_BODY_SIZE, x.requestBody.size);
  if (x.responseBody && x.responseBody.size >= 0) attributes.set(A.ATTR_HTTP_RESPONSE_BODY_SIZE, x.responseBody.size);

  const capture = options.captureBodies === 'all' || (options.captureBodies === 'decoded' && used !== httpDecoder.name);
  if (capture && addBodies) {
    const cap = failed ? options.maxErrorBodyBytes : options.maxBodyBytes;
    // Without a decoder's service (none matched, or it threw), the head still selects the service rules.
    const { service, operation } = redactionServiceOf(attributes.get(A.ATTR_RPC_SERVICE), attributes.get(A.ATTR_RPC_METHOD), x.request);
    putBody(attributes, 'request', ctx.requestText(), x.requestBody?.truncated ?? false, cap, x.request.headers['content-type'], redactor, service, operation);
    putBody(attributes, 'response', ctx.responseText(), x.responseBody?.truncated ?? false, cap, x.response?.headers['content-type'], redactor, service, operation);
  }

  if (x.incomplete) {
    attributes.set(A.ATTR_WIRETAP_INCOMPLETE, true);
    attributes.set(A.ATTR_WIRETAP_ELAPSED_MS, Math.round((x.timings.end ?? Date.now()) - x.timings.start));
    if (!error) error = { type: 'incomplete', message: 'still in flight when reported' };
  }
  return { name, kind, attributes, error, links, decoder: used };
}

/**
 * A decoder copies what it reads from the request onto the span (a queue URL, a table, a statement): those
 * values get the free-text rules like everything else, so a secret an app put there is masked too.
 */
/**
 * The decoder's short string values in the last description, by position, with what the free-text rules
 * made of them: a decoder lists its attributes in the same order on every call and most values (service,
 * region, operation) repeat, so one comparison stands for the rules' scan. For one redactor at a time.
 */
const lastValues = { redactor: undefined as Redactor | undefined, values: [] as string[], redacted: [] as string[] };
const LAST_VALUES_MAX = 64;
const LAST_VALUE_MAX_LENGTH = 256;

function redactedAt(position: number, v: Attributes[string], redactor: Redactor): Attributes[string] {
  if (typeof v !== 'string' || v.length < MIN_SECRET_TEXT || v.length > LAST_VALUE_MAX_LENGTH || position >= LAST_VALUES_MAX) return redactedValue(v, redactor);
  if (lastValues.values[position] === v) return lastValues.redacted[position];
  const out = redactor.text(v);
  lastValues.values[position] = v;
  lastValues.redacted[position] = out;
  return out;
}

function redactedValue(v: Attributes[string], redactor: Redactor): Attributes[string] {
  if (typeof v === 'string') return v.length >= MIN_SECRET_TEXT ? redactor.text(v) : v;
  if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'string') {
    // Copied only when a value changes: most lists (table names) come out as they went in.
    let out: string[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const s = v[i];
      if (typeof s !== 'string' || s.length < MIN_SECRET_TEXT) continue;
      const red = redactor.text(s);
      if (red !== s) (out ??= (v as string[]).slice())[i] = red;
    }
    if (out) return out;
  }
  return v;
}

/** Shorter than `k=v1`, no pair rule or detector can find anything. */
const MIN_SECRET_TEXT = 4;

function putBody(
  attributes: AttributeList,
  side: 'request' | 'response',
  text: string | undefined,
  truncated: boolean,
  cap: number,
  contentType: string | undefined,
  redactor: Redactor,
  service: string | undefined,
  operation: string | undefined,
): void {
  if (text === undefined || text === '') return;
  let cut = truncated;
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a short text needs no byte count.
  if (text.length * 3 > cap && Buffer.byteLength(text) > cap) {
    text = utf8Prefix(Buffer.from(text).subarray(0, cap), true);
    cut = true;
  }
  const content = redactor.body(text, { contentType, service, operation, truncated: cut, side });
  if (side === 'request') {
    attributes.set(A.ATTR_HTTP_REQUEST_BODY_CONTENT, content);
    if (cut) attributes.set(A.ATTR_WIRETAP_REQUEST_BODY_TRUNCATED, true);
  } else {
    attributes.set(A.ATTR_HTTP_RESPONSE_BODY_CONTENT, content);
    if (cut) attributes.set(A.ATTR_WIRETAP_RESPONSE_BODY_TRUNCATED, true);
  }
}
