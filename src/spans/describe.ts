// From exchange to span description: a pure function of the exchange, the decoder and the redactor. The
// live pipeline, the fixture runner, record mode and `wiretap/testing` all call this same function.
import type { Attributes, Link } from '@opentelemetry/api';
import type { Exchange } from '../exchange/types';
import type { DecodedKind, Decoder, DecodeContext } from '../decoders/decoder';
import { httpAttributes, httpDecoder } from '../decoders/http';
import type { Redactor } from '../redaction/redactor';
import { redactionService } from '../redaction/service-hint';
import type { CaptureBodies, CaptureHeaders } from '../config/load';
import { bodyText } from '../exchange/body-text';
import { utf8Prefix } from '../exchange/body';
import { diag, describe as describeError } from '../diag/log';
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

/**
 * Span attributes are written with keys known only at run time. V8 turns an object filled that way into a
 * hash table once it holds more than about 16 properties, unless the shape transition for the next key
 * already exists; `Object.defineProperty` creates transitions without that limit. So the first
 * descriptions, and one in every WARM_EVERY after them (transitions of shapes no live object uses any more
 * are dropped by the GC), write through defineProperty, and the others' plain stores follow the shapes
 * they left: the attributes stay a fast object, cheaper to fill here and to copy into the span. The keys,
 * values and their order are the same either way.
 */
const WARM_EVERY = 256;
const WARM_FIRST = 8;
let described = 0;

function put(attributes: Attributes, key: string, value: Attributes[string], define: boolean): void {
  if (define) Object.defineProperty(attributes, key, { value, writable: true, enumerable: true, configurable: true });
  else attributes[key] = value;
}

export function describeExchange(x: Exchange, decoder: Decoder, options: DescribeOptions): SpanDescription {
  const { redactor } = options;
  const define = described < WARM_FIRST || described % WARM_EVERY === 0;
  described = described >= WARM_EVERY * 1024 ? WARM_FIRST : described + 1;
  const ctx: DecodeContext = {
    redactor,
    requestText: lazyText(() => bodyText(x.requestBody, x.request.headers)),
    responseText: lazyText(() => bodyText(x.responseBody, x.response?.headers)),
    state: options.state ?? new Map(),
  };
  const attributes = httpAttributes(x, redactor, options.captureHeaders);
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
      for (let i = 0; i < keys.length; i++) put(attributes, keys[i], redactedAt(i, own[keys[i]], redactor), define);
      if (decoded.error) error = decoded.error;
      links = decoded.links;
      if (decoded.addBodies === false) addBodies = false;
      used = decoder.name;
    } catch (err) {
      // A decoder that throws loses only its own attributes.
      diag.once('error', `decode:${decoder.name}`, `decoder ${decoder.name} threw (${describeError(err)}); falling back to generic HTTP`);
      put(attributes, A.ATTR_WIRETAP_DECODER_ERROR, `${decoder.name}: ${describeError(err)}`.slice(0, 200), define);
    }
  }
  put(attributes, A.ATTR_WIRETAP_DECODER, used, define);

  const failed = x.error !== undefined || (x.response !== undefined && x.response.status >= 400) || error !== undefined;
  if (!error && x.error) error = { type: x.error.type, message: redactor.text(x.error.message) };
  if (!error && x.response && x.response.status >= 400) error = { type: String(x.response.status) };
  if (error && !attributes[A.ATTR_ERROR_TYPE]) put(attributes, A.ATTR_ERROR_TYPE, error.type, define);

  if (x.requestBody && x.requestBody.size >= 0) put(attributes, A.ATTR_HTTP_REQUEST_BODY_SIZE, x.requestBody.size, define);
  if (x.responseBody && x.responseBody.size >= 0) put(attributes, A.ATTR_HTTP_RESPONSE_BODY_SIZE, x.responseBody.size, define);

  const capture = options.captureBodies === 'all' || (options.captureBodies === 'decoded' && used !== httpDecoder.name);
  if (capture && addBodies) {
    const cap = failed ? options.maxErrorBodyBytes : options.maxBodyBytes;
    // Without a decoder's service (none matched, or it threw), the head still selects the service rules.
    const { service, operation } = redactionService(attributes, x.request);
    putBody(attributes, define, 'request', ctx.requestText(), x.requestBody?.truncated ?? false, cap, x.request.headers['content-type'], redactor, service, operation);
    putBody(attributes, define, 'response', ctx.responseText(), x.responseBody?.truncated ?? false, cap, x.response?.headers['content-type'], redactor, service, operation);
  }

  if (x.incomplete) {
    put(attributes, A.ATTR_WIRETAP_INCOMPLETE, true, define);
    put(attributes, A.ATTR_WIRETAP_ELAPSED_MS, Math.round((x.timings.end ?? Date.now()) - x.timings.start), define);
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
  attributes: Attributes,
  define: boolean,
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
    put(attributes, A.ATTR_HTTP_REQUEST_BODY_CONTENT, content, define);
    if (cut) put(attributes, A.ATTR_WIRETAP_REQUEST_BODY_TRUNCATED, true, define);
  } else {
    put(attributes, A.ATTR_HTTP_RESPONSE_BODY_CONTENT, content, define);
    if (cut) put(attributes, A.ATTR_WIRETAP_RESPONSE_BODY_TRUNCATED, true, define);
  }
}
