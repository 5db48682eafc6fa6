import type { Attributes, Link } from '@opentelemetry/api';
import type { Exchange, RequestHead } from '../exchange/types';
import type { Redactor } from '../redaction/redactor';

export type DecodedKind = 'client' | 'producer' | 'consumer' | 'internal';

/** What a decoder makes of a finished (or still in-flight) exchange. */
export interface DecodedSpan {
  /** Span name, e.g. `DynamoDB.GetItem`, `Stripe PaymentIntents.create`. */
  name: string;
  kind?: DecodedKind;
  attributes: Attributes;
  /** Set when the call failed at the service level even if HTTP succeeded (e.g. Lambda function error). */
  error?: { type: string; message?: string };
  /** Links to other traces, e.g. the producers of messages an SQS ReceiveMessage got. */
  links?: Link[];
  /**
   * Set to false when the decoder already put redacted bodies on the attributes itself (e.g. CBOR
   * rendered as JSON); otherwise the pipeline adds the redacted captured bodies.
   */
  addBodies?: boolean;
}

/** What a decoder gets besides the exchange: the shared services, never env, timers or spans. */
export interface DecodeContext {
  redactor: Redactor;
  /** Bodies as text, decoded lazily and cached: `undefined` when not captured or binary. */
  requestText(): string | undefined;
  responseText(): string | undefined;
  /** Per-decoder memory across exchanges (e.g. to recognise retries). Bounded by the decoder. */
  state: Map<string, unknown>;
}

export interface Decoder {
  /** A stable name, e.g. `aws.dynamodb`, `stripe`. Shown in `wiretap.decoder`. */
  name: string;
  /**
   * Cheap, head-only check made when the request starts. Must not throw, read bodies or allocate much:
   * it runs for every outgoing call.
   */
  match(head: RequestHead): boolean;
  /**
   * Optional head-only hint for the span kind, used at span start (the kind of an OpenTelemetry span is
   * fixed when it starts). `decode` may still refine attributes; see docs/design.md.
   */
  kindHint?(head: RequestHead): DecodedKind | undefined;
  /**
   * Headers to add to the outgoing request (e.g. `X-Amzn-Trace-Id`), given the span's ids. Never return a
   * header the request already has or one its signature covers.
   */
  inject?(head: RequestHead, ids: { traceId: string; spanId: string; sampled: boolean }): Record<string, string> | undefined;
  /** Turns the exchange into a span description. May throw: the registry falls back to generic HTTP. */
  decode(exchange: Exchange, ctx: DecodeContext): DecodedSpan;
}
