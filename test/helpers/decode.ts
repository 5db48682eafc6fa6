// Running one decoder directly on a fixture-format exchange, as the pipeline would at span end.
import type { Decoder, DecodeContext } from '../../src/decoders/decoder';
import type { RequestHead } from '../../src/exchange/types';
import { bodyText } from '../../src/exchange/body-text';
import { loadConfig } from '../../src/config/load';
import { createRedactor } from '../../src/redaction/redact';
import { toExchange, type Fixture } from '../../src/fixture/format';

/** The request head of a method + URL (+ headers), normalized as the interceptors do. */
export function head(method: string, url: string, headers: Record<string, string> = {}): RequestHead {
  return toExchange({ request: { method, url, headers } }).request;
}

/** Calls `decoder.decode` with a default redactor and the given per-decoder state (for retry tests). */
export function decodeWith(decoder: Decoder, ex: Fixture['exchange'], state = new Map<string, unknown>()) {
  const x = toExchange(ex);
  const ctx: DecodeContext = {
    redactor: createRedactor(loadConfig({}).redaction),
    requestText: () => bodyText(x.requestBody, x.request.headers),
    responseText: () => bodyText(x.responseBody, x.response?.headers),
    state,
  };
  return decoder.decode(x, ctx);
}
