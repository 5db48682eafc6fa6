// The one redaction engine. Every decoder and the generic HTTP decoder go through it, and the pipeline
// applies it to bodies and headers before anything is stored on a span.
import type { Headers } from '../exchange/types';
import type { RedactionConfig } from '../config/load';

export const REDACTED = '[REDACTED]';

export interface BodyRedactOptions {
  /** Content type of the body, to choose the structural parser (JSON, form, XML). */
  contentType?: string;
  /** The decoder's service, for service-aware rules (e.g. `dynamodb`, `secretsmanager`, `stripe`). */
  service?: string;
  /** The operation, for service-aware rules (e.g. `GetSecretValue`). */
  operation?: string;
  /** The body is a prefix of a longer one: redact as if anything could follow. */
  truncated?: boolean;
  /** `request` or `response`, for rules that only apply to one side (e.g. Stripe client_secret). */
  side?: 'request' | 'response';
}

export interface Redactor {
  /** A copy of the headers with sensitive values masked. */
  headers(headers: Headers): Headers;
  /** Whether one header's value must be masked. */
  isSensitiveHeader(name: string): boolean;
  /** A URL (or path with query) with sensitive query parameters and userinfo masked. */
  url(url: string): string;
  /** A raw query string (without `?`) with sensitive parameters masked. */
  query(query: string): string;
  /** A body as text, structurally redacted according to its content type, service and truncation. */
  body(text: string, options?: BodyRedactOptions): string;
  /** A parsed JSON value, structurally redacted (returns a copy). */
  json(value: unknown, options?: BodyRedactOptions): unknown;
  /** Free text (log tails, messages, attribute values): value detectors only. */
  text(text: string): string;
  /** Whether a key (JSON key, form name, XML element) names a secret. */
  isSensitiveKey(key: string): boolean;
}

export type RedactorFactory = (config: RedactionConfig) => Redactor;
