// The seam between transports and the rest of wiretap. Interceptors know transports; they hand plain
// data to a Recorder and never see a decoder or a span.
import type { Headers, RequestHead } from '../exchange/types';
import type { FlatHeaders } from '../exchange/headers';

export interface Recorder {
  /** Headers the interceptor adds to the outgoing request (trace context). Undefined: add nothing. */
  readonly inject: Readonly<Record<string, string>> | undefined;
  /** False when bodies need not be captured (unsampled span, or capture off): skip the copying. */
  readonly wantsBodies: boolean;
  /** A request header the interceptor only learns after start (e.g. set with setHeader before the first write). */
  requestHeaders(headers: Headers): void;
  /** The HTTP version the transport actually used, when it is only known after start (undici with allowH2). */
  protocolVersion(version: string): void;
  requestChunk(chunk: unknown, encoding?: BufferEncoding): void;
  /** The request body could not be observed (e.g. a stream on an old undici). */
  requestBodyUnknown(): void;
  /**
   * The response head. Headers as a map, or as the flat `[name, value, ...]` list the transport has
   * (Node's rawHeaders): the recorder then makes the map only if something reads it.
   */
  response(status: number, headers: Headers | FlatHeaders): void;
  responseChunk(chunk: unknown): void;
  /** A small handle on this hop for the next hop of a followed redirect (passed to start()). */
  asPreviousHop(): unknown;
  /** The exchange finished normally (the whole response body arrived). */
  end(): void;
  /** The exchange failed. Calls after the first end/fail are ignored. */
  fail(error: unknown): void;
}

/** Returns undefined when this request is not to be recorded (wiretap's own export, tracing suppressed, ...). */
export type StartRecording = (head: RequestHead, previousHop?: unknown) => Recorder | undefined;

export interface Interceptor {
  name: string;
  /** Patches the transport. Returns the function that undoes it. */
  install(start: StartRecording): () => void;
}
