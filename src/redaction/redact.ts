// First version of the redaction engine: headers, query parameters, JSON and form bodies by key, and
// value detectors on every string. Issue 6 deepens it (XML, service rules, truncated bodies, paths).
import type { Headers } from '../exchange/types';
import type { RedactionConfig } from '../config/load';
import { REDACTED, type BodyRedactOptions, type Redactor } from './redactor';

const DEFAULT_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-amz-security-token',
  'x-algolia-api-key',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'stripe-signature',
]);

const DEFAULT_QUERY = new Set([
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-algolia-api-key',
  'access_token',
  'token',
  'key',
  'api_key',
  'apikey',
  'signature',
  'sig',
  'client_secret',
  'password',
]);

const DEFAULT_KEY_PATTERN =
  /pass(word|wd|phrase)?|secret|token|credential|api[-_]?key|private[-_]?key|card[-_]?number|^number$|cvc|cvv|ssn|authorization/i;

const VALUE_DETECTORS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, // JWT
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, // AWS access key id
  /\b(sk|rk)_(live|test)_[0-9a-zA-Z]{8,}/g, // Stripe secret / restricted keys
  /\bwhsec_[0-9a-zA-Z]{8,}/g,
  /\b[Bb]earer\s+[\w.~+/-]+=*/g,
];

const CARD_CANDIDATE = /\b(?:\d[ -]?){12,18}\d\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function redactValue(text: string): string {
  let out = text;
  for (const re of VALUE_DETECTORS) out = out.replace(re, REDACTED);
  out = out.replace(CARD_CANDIDATE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? REDACTED : m;
  });
  return out;
}

export function createRedactor(config: RedactionConfig): Redactor {
  const headerNames = new Set([...DEFAULT_HEADERS, ...config.headers.map((h) => h.toLowerCase())]);
  const extraKeys = config.keys.map((k) => new RegExp(k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'));
  const isSensitiveKey = (key: string): boolean =>
    DEFAULT_KEY_PATTERN.test(key) || extraKeys.some((re) => re.test(key));

  function json(value: unknown): unknown {
    if (typeof value === 'string') return redactValue(value);
    if (Array.isArray(value)) return value.map((v) => json(v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        out[k] = isSensitiveKey(k) && v !== null && typeof v !== 'object' ? REDACTED : isSensitiveKey(k) ? maskDeep(v) : json(v);
      }
      return out;
    }
    return value;
  }

  function maskDeep(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(maskDeep);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskDeep(v);
      return out;
    }
    return value === null ? null : REDACTED;
  }

  function query(q: string): string {
    if (!q) return q;
    return q
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const rawName = eq < 0 ? pair : pair.slice(0, eq);
        let name = rawName;
        try {
          name = decodeURIComponent(rawName.replace(/\+/g, ' '));
        } catch {
          /* keep raw */
        }
        if (eq >= 0 && (DEFAULT_QUERY.has(name.toLowerCase()) || isSensitiveKey(name.replace(/\[|\]/g, ' ')))) {
          return `${rawName}=${encodeURIComponent(REDACTED)}`;
        }
        if (eq < 0) return pair;
        let value = pair.slice(eq + 1);
        try {
          const decoded = decodeURIComponent(value.replace(/\+/g, ' '));
          const redacted = redactValue(decoded);
          if (redacted !== decoded) value = encodeURIComponent(redacted);
        } catch {
          value = redactValue(value);
        }
        return `${rawName}=${value}`;
      })
      .join('&');
  }

  const redactor: Redactor = {
    isSensitiveHeader: (name) => headerNames.has(name.toLowerCase()),
    headers(headers: Headers): Headers {
      const out: Headers = {};
      for (const name of Object.keys(headers)) {
        out[name] = headerNames.has(name) ? REDACTED : redactValue(headers[name]);
      }
      return out;
    },
    url(url: string): string {
      const q = url.indexOf('?');
      let base = q < 0 ? url : url.slice(0, q);
      base = base.replace(/^([a-z][\w+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
      return q < 0 ? redactValue(base) : `${redactValue(base)}?${query(url.slice(q + 1))}`;
    },
    query,
    body(text: string, options?: BodyRedactOptions): string {
      const type = (options?.contentType ?? '').toLowerCase();
      const trimmed = text.trimStart();
      if (type.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          return JSON.stringify(json(JSON.parse(text)));
        } catch {
          return redactTruncatedJson(text, isSensitiveKey);
        }
      }
      if (type.includes('x-www-form-urlencoded')) return query(text);
      return redactValue(text);
    },
    json: (value) => json(value),
    text: redactValue,
    isSensitiveKey,
  };
  return redactor;
}

/**
 * A JSON prefix that does not parse: mask every string value whose key looks sensitive, including an
 * unterminated one at the end, then run the value detectors.
 */
function redactTruncatedJson(text: string, isSensitiveKey: (k: string) => boolean): string {
  const masked = text.replace(/"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*("|$)|[^,}\]\s]+)?/g, (m, key: string, colon: string, value?: string) => {
    if (value === undefined || !isSensitiveKey(key)) return m;
    return `"${key}"${colon}"${REDACTED}"`;
  });
  return redactValue(masked);
}
