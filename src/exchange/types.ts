// The normalized record of one HTTP attempt. Interceptors fill it; decoders read it.
// Plain data only: no streams, sockets or spans, so a fixture file can hold a whole one.

/** Header names are lower-case; repeated headers are joined with ", " (set-cookie with "\n"). */
export type Headers = Record<string, string>;

export type Transport = 'http' | 'undici' | 'http2';

export interface RequestHead {
  method: string;
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** Path without the query string, e.g. `/2015-03-31/functions/f/invocations`. */
  path: string;
  /** Raw query string without the leading `?` (may be empty). */
  query: string;
  headers: Headers;
  /** `1.1` or `2`. */
  protocolVersion: string;
  transport: Transport;
}

export interface ResponseHead {
  status: number;
  headers: Headers;
}

/** A bounded prefix of a body, already content-decoded (gzip/deflate/br) where that was possible. */
export interface CapturedBody {
  /** The captured prefix, at most the configured cap in bytes. */
  bytes: Buffer;
  /** Total bytes seen on the wire (encoded), whatever the cap. -1 when unknown (e.g. a stream not observed). */
  size: number;
  /** True when `bytes` is shorter than the whole (decoded) body. */
  truncated: boolean;
}

export interface ExchangeTimings {
  /** Epoch milliseconds (fractional) when the request started. */
  start: number;
  /** When the response head arrived. */
  responseStart?: number;
  /** When the response body finished, or the attempt failed. */
  end?: number;
}

export interface ExchangeError {
  /** A short class for `error.type`: an error code (`ECONNRESET`), `timeout`, `aborted`, or the error's name. */
  type: string;
  message: string;
}

export interface Exchange {
  request: RequestHead;
  requestBody?: CapturedBody;
  response?: ResponseHead;
  responseBody?: CapturedBody;
  timings: ExchangeTimings;
  error?: ExchangeError;
  /** True when the exchange was still in flight when it was reported (process exit, crash, timeout). */
  incomplete?: boolean;
}

/** Reads a header from a lower-cased header map. */
export function header(headers: Headers | undefined, name: string): string | undefined {
  return headers ? headers[name] : undefined;
}

/** The URL of a request head, without credentials. Query parameters are left to the redactor. */
export function requestUrl(head: RequestHead): string {
  const defaultPort = head.scheme === 'https' ? 443 : 80;
  const host = head.host.includes(':') && !head.host.startsWith('[') ? `[${head.host}]` : head.host;
  const port = head.port === defaultPort ? '' : `:${head.port}`;
  return `${head.scheme}://${host}${port}${head.path}${head.query ? `?${head.query}` : ''}`;
}
