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

export function describeExchange(x: Exchange, decoder: Decoder, options: DescribeOptions): SpanDescription {
  const { redactor } = options;
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
      Object.assign(attributes, redactedStrings(decoded.attributes, redactor));
      if (decoded.error) error = decoded.error;
      links = decoded.links;
      if (decoded.addBodies === false) addBodies = false;
      used = decoder.name;
    } catch (err) {
      // A decoder that throws loses only its own attributes.
      diag.once('error', `decode:${decoder.name}`, `decoder ${decoder.name} threw (${describeError(err)}); falling back to generic HTTP`);
      attributes[A.ATTR_WIRETAP_DECODER_ERROR] = `${decoder.name}: ${describeError(err)}`.slice(0, 200);
    }
  }
  attributes[A.ATTR_WIRETAP_DECODER] = used;

  const failed = x.error !== undefined || (x.response !== undefined && x.response.status >= 400) || error !== undefined;
  if (!error && x.error) error = { type: x.error.type, message: redactor.text(x.error.message) };
  if (!error && x.response && x.response.status >= 400) error = { type: String(x.response.status) };
  if (error && !attributes[A.ATTR_ERROR_TYPE]) attributes[A.ATTR_ERROR_TYPE] = error.type;

  if (x.requestBody && x.requestBody.size >= 0) attributes[A.ATTR_HTTP_REQUEST_BODY_SIZE] = x.requestBody.size;
  if (x.responseBody && x.responseBody.size >= 0) attributes[A.ATTR_HTTP_RESPONSE_BODY_SIZE] = x.responseBody.size;

  const capture = options.captureBodies === 'all' || (options.captureBodies === 'decoded' && used !== httpDecoder.name);
  if (capture && addBodies) {
    const cap = failed ? options.maxErrorBodyBytes : options.maxBodyBytes;
    // Without a decoder's service (none matched, or it threw), the head still selects the service rules.
    const { service, operation } = redactionService(attributes, x.request);
    putBody(attributes, 'request', ctx.requestText(), x.requestBody?.truncated ?? false, cap, x.request.headers['content-type'], redactor, service, operation);
    putBody(attributes, 'response', ctx.responseText(), x.responseBody?.truncated ?? false, cap, x.response?.headers['content-type'], redactor, service, operation);
  }

  if (x.incomplete) {
    attributes[A.ATTR_WIRETAP_INCOMPLETE] = true;
    attributes[A.ATTR_WIRETAP_ELAPSED_MS] = Math.round((x.timings.end ?? Date.now()) - x.timings.start);
    if (!error) error = { type: 'incomplete', message: 'still in flight when reported' };
  }
  return { name, kind, attributes, error, links, decoder: used };
}

/**
 * A decoder copies what it reads from the request onto the span (a queue URL, a table, a statement): those
 * values get the free-text rules like everything else, so a secret an app put there is masked too.
 */
function redactedStrings(decoded: Attributes, redactor: Redactor): Attributes {
  for (const key of Object.keys(decoded)) {
    const v = decoded[key];
    if (typeof v === 'string') {
      if (v.length >= MIN_SECRET_TEXT) decoded[key] = redactor.text(v);
    } else if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'string') {
      decoded[key] = (v as string[]).map((s) => (typeof s === 'string' && s.length >= MIN_SECRET_TEXT ? redactor.text(s) : s));
    }
  }
  return decoded;
}

/** Shorter than `k=v1`, no pair rule or detector can find anything. */
const MIN_SECRET_TEXT = 4;

function putBody(
  attributes: Attributes,
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
    attributes[A.ATTR_HTTP_REQUEST_BODY_CONTENT] = content;
    if (cut) attributes[A.ATTR_WIRETAP_REQUEST_BODY_TRUNCATED] = true;
  } else {
    attributes[A.ATTR_HTTP_RESPONSE_BODY_CONTENT] = content;
    if (cut) attributes[A.ATTR_WIRETAP_RESPONSE_BODY_TRUNCATED] = true;
  }
}
