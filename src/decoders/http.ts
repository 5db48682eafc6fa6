// The generic HTTP decoder: the HTTP client semantic conventions, for every call. Service decoders add to
// (and may override) what this gives.
import { requestUrl, type Exchange } from '../exchange/types';
import type { Redactor } from '../redaction/redactor';
import type { CaptureHeaders } from '../config/load';
import type { DecodedSpan, Decoder } from './decoder';
import { AttributeList } from '../spans/attribute-list';
import * as A from '../semconv';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** Headers recorded per span are capped: a misbehaving server cannot blow up a span. */
const MAX_HEADERS = 64;

// Attribute names per header name, built once: the same few dozen headers recur on every call.
const MAX_CACHED_NAMES = 512;
const attributeNames = new Map<string, Map<string, string>>();

function attributeName(prefix: string, name: string): string {
  let names = attributeNames.get(prefix);
  if (!names) attributeNames.set(prefix, (names = new Map()));
  let key = names.get(name);
  if (key === undefined) {
    key = prefix + name;
    if (names.size < MAX_CACHED_NAMES) names.set(name, key);
  }
  return key;
}

function headerAttributes(prefix: string, headers: Record<string, string>, capture: CaptureHeaders, redactor: Redactor, out: AttributeList): void {
  if (capture === 'all') {
    let n = 0;
    const redacted = redactor.headers(headers);
    for (const name in redacted) {
      if (++n > MAX_HEADERS) break;
      out.set(attributeName(prefix, name), [redacted[name]]);
    }
    return;
  }
  for (const name of capture) {
    const value = headers[name];
    if (value === undefined) continue;
    out.set(attributeName(prefix, name), [redactor.headers({ [name]: value })[name]]);
  }
}

/** The last URL's parts and redacted form: an app's calls mostly repeat one URL, built and looked up again. */
let lastUrl: { redactor: Redactor; scheme: string; host: string; port: number; path: string; query: string; url: string } | undefined;

function redactedUrl(req: Exchange['request'], redactor: Redactor): string {
  const last = lastUrl;
  if (last !== undefined && last.redactor === redactor && last.port === req.port && last.path === req.path && last.host === req.host && last.query === req.query && last.scheme === req.scheme) {
    return last.url;
  }
  const url = redactor.url(requestUrl(req));
  lastUrl = { redactor, scheme: req.scheme, host: req.host, port: req.port, path: req.path, query: req.query, url };
  return url;
}

/** The generic HTTP attributes, added to `out` (empty so far). */
export function httpAttributes(x: Exchange, redactor: Redactor, captureHeaders: CaptureHeaders, out: AttributeList): void {
  const req = x.request;
  const method = KNOWN_METHODS.has(req.method) ? req.method : '_OTHER';
  out.add(A.ATTR_HTTP_REQUEST_METHOD, method);
  out.add(A.ATTR_URL_FULL, redactedUrl(req, redactor));
  out.add(A.ATTR_URL_SCHEME, req.scheme);
  out.add(A.ATTR_SERVER_ADDRESS, req.host);
  out.add(A.ATTR_SERVER_PORT, req.port);
  out.add(A.ATTR_NETWORK_PROTOCOL_VERSION, req.protocolVersion);
  out.add(A.ATTR_WIRETAP_TRANSPORT, req.transport);
  if (method === '_OTHER') out.add(A.ATTR_HTTP_REQUEST_METHOD_ORIGINAL, req.method);
  if (captureHeaders.length !== 0) headerAttributes(A.ATTR_HTTP_REQUEST_HEADER_PREFIX, req.headers, captureHeaders, redactor, out);
  if (x.response) {
    out.add(A.ATTR_HTTP_RESPONSE_STATUS_CODE, x.response.status);
    if (captureHeaders.length !== 0) headerAttributes(A.ATTR_HTTP_RESPONSE_HEADER_PREFIX, x.response.headers, captureHeaders, redactor, out);
    if (x.response.status >= 400) out.add(A.ATTR_ERROR_TYPE, String(x.response.status));
  }
  if (x.error) {
    out.set(A.ATTR_ERROR_TYPE, x.error.type);
    out.add(A.ATTR_WIRETAP_ERROR_MESSAGE, redactor.text(x.error.message));
  }
  if (x.timings.responseStart !== undefined) {
    out.add(A.ATTR_WIRETAP_TTFB_MS, round(x.timings.responseStart - x.timings.start));
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export const httpDecoder: Decoder = {
  name: 'http',
  match: () => true,
  decode(x, ctx): DecodedSpan {
    const attributes = new AttributeList();
    httpAttributes(x, ctx.redactor, [], attributes);
    return { name: `${x.request.method} ${x.request.host}`, kind: 'client', attributes: attributes.toObject() };
  },
};
