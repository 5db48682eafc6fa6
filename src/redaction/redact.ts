// The redaction engine: one Redactor built from the default rules (rules.ts, detectors.ts) and the
// configuration. Every decoder, the generic HTTP decoder and record mode go through it before anything is
// stored on a span or written to a file.
import type { Headers } from '../exchange/types';
import type { RedactionConfig } from '../config/load';
import { diag } from '../diag/log';
import { REDACTED, type BodyRedactOptions, type Redactor } from './redactor';
import {
  BASE64_TEXT_HEADERS,
  CARD_CHILD_KEYS,
  CARD_PARENT,
  CONTENT_SHA256_KEEP,
  CONTENT_SHA256_RULE,
  HEADER_RULES,
  KEY_RULES,
  OTHER_RULES,
  PAIR_NAME_KEYS,
  PAIR_VALUE_KEYS,
  QUERY_RULES,
  SERVICE_RULES,
  canonicalService,
  normalizeKey,
} from './rules';
import { DETECTORS, DetectorSet, mayHoldSecret } from './detectors';
import { PathSet, compilePath, parsePathEntry, type CompiledPath } from './paths';
import { KEY_CARD_CHILD, KEY_CARD_PARENT, KEY_PAIR_NAME, KEY_PAIR_VALUE, KEY_SENSITIVE, cutValueWith, type Scope } from './scope';
import { looksLikeJson, redactJson } from './json';
import { redactForm } from './form';
import { looksLikeXml, redactXml } from './xml';
import { analyseExpressions } from './dynamodb';

export { REDACTED };

/** Every default rule name, for WIRETAP_REDACT_DISABLE_DEFAULTS and the docs. */
export function defaultRuleNames(): string[] {
  return [
    ...KEY_RULES.map((r) => r.name),
    ...DETECTORS.map((d) => d.name),
    ...HEADER_RULES.map((h) => `header:${h}`),
    CONTENT_SHA256_RULE,
    ...QUERY_RULES.map((q) => `query:${q}`),
    ...SERVICE_RULES.map((s) => s.name),
    'url:userinfo',
    ...OTHER_RULES,
  ];
}

const KEY_CACHE_MAX = 5000;
const RECENT_KEY_SLOTS = 256;
/** Shorter than V8's sliced strings (13): a remembered key never holds on to the body it was cut from. */
const RECENT_KEY_MAX_LENGTH = 12;
const SCOPE_CACHE_MAX = 1000;
const URL_CACHE_MAX = 2000;
const URL_CACHE_MAX_LENGTH = 2048;
const TEXT_CACHE_MAX = 2000;
const TEXT_CACHE_MAX_LENGTH = 256;

function parseDisabled(names: readonly string[]): Set<string> {
  const known = new Set(defaultRuleNames());
  const disabled = new Set<string>();
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (!name) continue;
    // `detect:*` turns off a whole family.
    const matched = name.endsWith(':*') ? [...known].filter((k) => k.startsWith(name.slice(0, -1))) : known.has(name) ? [name] : [];
    if (matched.length === 0) diag.warn(`WIRETAP_REDACT_DISABLE_DEFAULTS: unknown rule "${raw}" ignored`);
    for (const m of matched) disabled.add(m);
  }
  if (disabled.size) diag.warn(`redaction defaults turned off by WIRETAP_REDACT_DISABLE_DEFAULTS: ${[...disabled].join(', ')}; secrets they covered will be recorded`);
  return disabled;
}

/** `WIRETAP_REDACT_KEYS` entries: `/regex/flags` on the raw key, otherwise a case-insensitive substring of the normalized key. */
function extraKeyMatcher(patterns: readonly string[]): ((key: string, normalized: string) => boolean) | undefined {
  const regexes: RegExp[] = [];
  const substrings: string[] = [];
  for (const p of patterns) {
    const m = /^\/(.+)\/([a-z]*)$/.exec(p);
    if (m) {
      try {
        regexes.push(new RegExp(m[1], m[2].replace(/[gy]/g, '') || 'i'));
        continue;
      } catch {
        diag.warn(`WIRETAP_REDACT_KEYS: "${p}" is not a valid regex; used as a plain substring`);
      }
    }
    const n = normalizeKey(p);
    if (n) substrings.push(n);
  }
  if (!regexes.length && !substrings.length) return undefined;
  return (key, normalized) => substrings.some((s) => normalized.includes(s)) || regexes.some((re) => re.test(key));
}

export function createRedactor(config: RedactionConfig): Redactor {
  const disabled = parseDisabled(config.disableDefaults);
  const on = (rule: string): boolean => !disabled.has(rule);

  // Keys: the enabled default rules as one regex, plus the configured patterns; results cached per key.
  const keyRules = KEY_RULES.filter((r) => on(r.name));
  const keyRegex = keyRules.length ? new RegExp(keyRules.map((r) => `(?:${r.pattern.source})`).join('|')) : undefined;
  const extraKeys = extraKeyMatcher(config.keys);
  // Every rule that reads a key reads it through one cached set of bits (scope.ts KEY_*).
  const keyCache = new Map<string, number>();
  // A key sliced from a body is a new string, and a Map lookup hashes it each time: short keys (DynamoDB's
  // S, N, M, L type tags wrap every value) are first looked for in a small table indexed by their length
  // and end characters, where one string comparison answers.
  const recentKeys: (string | undefined)[] = new Array<string | undefined>(RECENT_KEY_SLOTS).fill(undefined);
  const recentFlags = new Int32Array(RECENT_KEY_SLOTS);
  const keyFlags = (key: string): number => {
    const n = key.length;
    const slot = n > 0 && n <= RECENT_KEY_MAX_LENGTH ? (n * 31 + key.charCodeAt(0) * 7 + key.charCodeAt(n - 1)) & (RECENT_KEY_SLOTS - 1) : -1;
    if (slot >= 0 && recentKeys[slot] === key) return recentFlags[slot];
    let flags = keyCache.get(key);
    if (flags === undefined) {
      const normalized = normalizeKey(key);
      flags = (keyRegex !== undefined && keyRegex.test(normalized)) || (extraKeys !== undefined && extraKeys(key, normalized)) ? KEY_SENSITIVE : 0;
      if (CARD_CHILD_KEYS.has(normalized)) flags |= KEY_CARD_CHILD;
      if (CARD_PARENT.test(normalized)) flags |= KEY_CARD_PARENT;
      if (PAIR_NAME_KEYS.has(normalized)) flags |= KEY_PAIR_NAME;
      if (PAIR_VALUE_KEYS.has(normalized)) flags |= KEY_PAIR_VALUE;
      if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
      keyCache.set(key, flags);
    }
    if (slot >= 0) {
      recentKeys[slot] = key;
      recentFlags[slot] = flags;
    }
    return flags;
  };
  const isSensitiveKey = (key: string): boolean => (keyFlags(key) & KEY_SENSITIVE) !== 0;
  const cardRule = on('key:card');

  const detectors = new DetectorSet(DETECTORS.filter((d) => on(d.name)));
  const detect = (s: string): string => detectors.redact(s);
  const cutValue = cutValueWith(detect, on('truncation:tail'));
  // Strings that carry their own structure: JSON documents and `key=value` / `key: value` text.
  const embedded = on('string:embedded');

  const headerNames = new Set([...HEADER_RULES.filter((h) => on(`header:${h}`)), ...config.headers.map((h) => h.trim().toLowerCase())]);
  const queryNames = new Set(QUERY_RULES.filter((q) => on(`query:${q}`)));
  const contentSha256 = on(CONTENT_SHA256_RULE);

  // Service rules and configured paths, per canonical service and side, compiled once.
  const configured = config.paths.map(parsePathEntry).filter((p): p is { service: string; path: CompiledPath } => p !== undefined);
  const pathSets = new Map<string, PathSet>();
  const pathsFor = (service: string | undefined, side: string | undefined, operation: string | undefined): PathSet => {
    const op = operation?.toLowerCase();
    const cacheKey = `${service ?? ''}|${side ?? ''}|${op ?? ''}`;
    let set = pathSets.get(cacheKey);
    if (!set) {
      const paths: CompiledPath[] = [];
      for (const rule of SERVICE_RULES) {
        if (!on(rule.name) || rule.service !== service) continue;
        if (rule.side && side && rule.side !== side) continue;
        if (rule.operations && !rule.operations.some((o) => o.toLowerCase() === op)) continue;
        for (const p of rule.paths) paths.push(compilePath(p));
      }
      for (const c of configured) if (c.service === '' || canonicalService(c.service) === service) paths.push(c.path);
      set = new PathSet(paths);
      pathSets.set(cacheKey, set);
    }
    return set;
  };

  // The scope of one service, side and operation is the same for every body of that operation unless the
  // body itself adds to it (DynamoDB expression placeholders): built once and reused, bounded.
  const scopes = new Map<string, Scope>();
  // The last scope per side, by the caller's own strings: a steady run of one operation needs no cache key.
  const lastScopes: ({ service: string | undefined; side: string | undefined; operation: string | undefined; canonical: string | undefined; scope: Scope } | undefined)[] = [];
  function scopeFor(options: BodyRedactOptions | undefined, text?: string): Scope {
    const side = options?.side;
    const slot = side === 'request' ? 0 : side === 'response' ? 1 : 2;
    const last = lastScopes[slot];
    const hit = last !== undefined && last.service === options?.service && last.side === side && last.operation === options?.operation;
    const service = hit ? last.canonical : canonicalService(options?.service);
    const placeholders =
      service === 'dynamodb' && text !== undefined && on('service:dynamodb-expressions')
        ? analyseExpressions(text, isSensitiveKey, options?.truncated ?? false)
        : undefined;
    if (placeholders) return buildScope(service, options, placeholders);
    if (hit) return last.scope;
    const cacheKey = `${service ?? ''}|${side ?? ''}|${options?.operation ?? ''}`;
    let scope = scopes.get(cacheKey);
    if (!scope) {
      if (scopes.size >= SCOPE_CACHE_MAX) scopes.clear();
      scope = buildScope(service, options, undefined);
      scopes.set(cacheKey, scope);
    }
    lastScopes[slot] = { service: options?.service, side, operation: options?.operation, canonical: service, scope };
    return scope;
  }

  function buildScope(service: string | undefined, options: BodyRedactOptions | undefined, placeholders: ReturnType<typeof analyseExpressions>): Scope {
    const paths = pathsFor(service, options?.side, options?.operation);
    const maskKeyAt = (parents: readonly string[], depth: number, key: string, flags: number): boolean => {
      if ((flags & KEY_SENSITIVE) !== 0) return true;
      if (cardRule && (flags & KEY_CARD_CHILD) !== 0) {
        // DynamoDB's M/L type wrappers are not the parent a reader means: `card.M.number` is `card.number`.
        let p = depth - 1;
        while (p >= 0 && (parents[p] === 'M' || parents[p] === 'L')) p--;
        if (p >= 0 && (keyFlags(parents[p]) & KEY_CARD_PARENT) !== 0) return true;
      }
      if (placeholders && depth > 0 && parents[depth - 1] === 'ExpressionAttributeValues' && (placeholders.maskAll || placeholders.sensitive.has(key))) return true;
      if (!paths.empty) {
        const chain: string[] = [];
        for (let i = 0; i < depth; i++) chain.push(parents[i].toLowerCase());
        chain.push(key.toLowerCase());
        if (paths.matches(chain)) return true;
      }
      return false;
    };
    const scope: Scope = {
      maskKey: (parents, key) => maskKeyAt(parents, parents.length, key, keyFlags(key)),
      maskKeyAt,
      keyFlags,
      isSensitiveName: isSensitiveKey,
      // A JSON document inside a string (an SQS body, a Lambda proxy `body`) is redacted as JSON.
      value: (v) => {
        if (!embedded || v.length < 8) return detect(v);
        if (looksLikeJson(v) && /[}\]]\s*$/.test(v)) return redactJson(v, scope, false) ?? loose(v, false);
        return v.indexOf('=') >= 0 || v.indexOf(':') >= 0 ? loose(v, false) : detect(v);
      },
      // A string cut by the body cap may still hold pairs (`{\"password\":\"…` of JSON inside a string).
      cutValue: (v) => cutValue(embedded && (v.indexOf('=') >= 0 || v.indexOf(':') >= 0) ? loosePairs(v) : v),
    };
    return scope;
  }

  /** Free text: `key=value`, `"key": value` and `key: value` pairs with a sensitive key, then detectors. */
  function loose(text: string, truncated: boolean): string {
    const out = loosePairs(detect(text));
    return truncated ? cutValue(out) : out;
  }

  function loosePairs(text: string): string {
    return text.replace(LOOSE_PAIR, (m, quote: string | undefined, key: string, sep: string, value: string) => {
      if (value === REDACTED || value === `"${REDACTED}"` || value === `\\"${REDACTED}\\"`) return m;
      // `\"` quotes: JSON written inside a JSON string (a log line of an event with a JSON `body`).
      const q = value.startsWith('\\"') ? '\\"' : value[0] === '"' || value[0] === "'" ? value[0] : '';
      const closed = q !== '' && value.length > q.length && value.endsWith(q);
      if (!isSensitiveKey(key)) {
        // The value of an innocent key may hold pairs of its own: `"body":"{\"password\":…}"`, and
        // `note: password=…` (an unquoted value runs on over `=` and `:`).
        if (q === '' && value.indexOf('=') < 0 && value.indexOf(':') < 0) return m;
        const inner = value.slice(q.length, closed ? value.length - q.length : value.length);
        const red = loosePairs(inner);
        return red === inner ? m : `${m.slice(0, m.length - value.length)}${q}${red}${closed ? q : ''}`;
      }
      return `${quote ?? ''}${key}${quote ?? ''}${sep}${q}${REDACTED}${closed ? q : ''}`;
    });
  }

  // A presigned URL's credential keeps its scope (date/region/service/aws4_request), which names the
  // service; only the access key id before the first `/` is masked.
  const presignedCredential = (name: string, value: string): string | undefined =>
    name === 'x-amz-credential' && queryNames.has(name) && /^[^/]+\/\d{8}\//.test(value) ? value.replace(/^[^/]+/, REDACTED) : undefined;
  const query = (q: string, truncated = false): string =>
    redactForm(q, scopeFor(undefined), truncated, (name) => queryNames.has(name), presignedCredential);

  // Most calls of an app go to a few URLs: the redacted form is remembered (bounded) rather than rebuilt.
  const urls = new Map<string, string>();
  function url(u: string): string {
    if (!u || u.length > URL_CACHE_MAX_LENGTH) return redactUrl(u);
    let out = urls.get(u);
    if (out === undefined) {
      out = redactUrl(u);
      if (urls.size >= URL_CACHE_MAX) urls.clear();
      urls.set(u, out);
    }
    return out;
  }

  function redactUrl(u: string): string {
    if (!u) return u;
    const hash = u.indexOf('#');
    const fragment = hash < 0 ? '' : u.slice(hash + 1);
    const beforeHash = hash < 0 ? u : u.slice(0, hash);
    const q = beforeHash.indexOf('?');
    let base = q < 0 ? beforeHash : beforeHash.slice(0, q);
    if (on('url:userinfo')) base = base.replace(/^([a-z][\w+.-]*:\/\/)[^/?#@]*@/i, `$1${REDACTED}@`);
    base = detectors.redact(base, true);
    let out = q < 0 ? base : `${base}?${query(beforeHash.slice(q + 1))}`;
    // OAuth implicit flow puts tokens in the fragment: treat a `a=b` fragment like a query.
    if (hash >= 0) out += `#${fragment.includes('=') ? query(fragment) : detect(fragment)}`;
    return out;
  }

  function isSensitiveHeader(name: string): boolean {
    const lower = name.toLowerCase();
    return headerNames.has(lower) || isSensitiveKey(lower);
  }

  function headerValue(name: string, value: string): string {
    if ((name === 'authorization' || name === 'proxy-authorization') && headerNames.has(name)) return authorizationValue(value);
    if (isSensitiveHeader(name)) return REDACTED;
    if (name === 'x-amz-content-sha256') return !contentSha256 || CONTENT_SHA256_KEEP.test(value.trim()) ? value : REDACTED;
    if (name === 'location' || name === 'content-location' || name === 'referer') return url(value);
    if (BASE64_TEXT_HEADERS.has(name)) return base64Text(value);
    return detect(value);
  }

  /** Lambda log tails and client context: base64 text, redacted inside, re-encoded only when changed. */
  function base64Text(value: string): string {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const red = looksLikeJson(decoded) ? (redactJson(decoded, scopeFor(undefined), false) ?? loose(decoded, false)) : loose(decoded, false);
    if (red === decoded) return detect(value);
    return Buffer.from(red, 'utf8').toString('base64');
  }

  // Content types recur: the last one's lower-case form is kept.
  let lastType: string | undefined;
  let lastTypeLower = '';
  function body(text: string, options?: BodyRedactOptions): string {
    if (!text) return text;
    const truncated = options?.truncated ?? false;
    const rawType = options?.contentType ?? '';
    if (rawType !== lastType) {
      lastType = rawType;
      lastTypeLower = rawType.toLowerCase();
    }
    const type = lastTypeLower;
    if (type.includes('json') || type.includes('cbor') || looksLikeJson(text)) {
      if (looksLikeJson(text)) {
        const out = redactJson(text, scopeFor(options, text), truncated);
        if (out !== undefined) return out;
      }
      return mislabelled(text, options, truncated);
    }
    if (type.includes('x-www-form-urlencoded') || (!type && FORM_LIKE.test(text))) {
      // Labelled a form but not one (an XML or HTML page, log text): read as what it is. A cut form is a
      // form up to its last `&`.
      const formLike = FORM_LIKE.test(text) || (truncated && FORM_LIKE.test(text.slice(0, text.lastIndexOf('&') + 1)));
      return formLike ? redactForm(text, scopeFor(options), truncated) : mislabelled(text, options, truncated);
    }
    if (type.includes('xml') || ((!type || type.startsWith('text/html')) && looksLikeXml(text))) {
      // The detectors and pair rules over the result too: markup the tokenizer copies as it is (a malformed
      // tag, an HTML attribute `href="…?token=…"`) may still hold a secret.
      return loosePairs(detect(redactXml(text, scopeFor(options), truncated)));
    }
    return mislabelled(text, options, truncated);
  }

  /**
   * A body its content type does not describe (an XML error page labelled JSON, a document labelled a
   * form, text labelled anything): XML markup is read as XML, everything else gets the free-text rules.
   */
  function mislabelled(text: string, options: BodyRedactOptions | undefined, truncated: boolean): string {
    return looksLikeXml(text) ? loosePairs(detect(redactXml(text, scopeFor(options), truncated))) : loose(text, truncated);
  }

  function json(value: unknown, options?: BodyRedactOptions): unknown {
    const scope = scopeFor(options);
    const walk = (v: unknown, parents: string[], masked: boolean): unknown => {
      if (typeof v === 'string') return masked ? REDACTED : scope.value(v);
      if (typeof v === 'number' || typeof v === 'bigint') return masked || scope.value(v.toString()) !== v.toString() ? REDACTED : v;
      if (Array.isArray(v)) return v.map((e) => walk(e, parents, masked));
      if (v && typeof v === 'object') {
        const entries = Object.entries(v as Record<string, unknown>);
        // Both halves of a name/value pair are known before walking, so their order does not matter.
        const pair = entries.some(([k, e]) => typeof e === 'string' && PAIR_NAME_KEYS.has(normalizeKey(k)) && isSensitiveKey(e));
        const out: Record<string, unknown> = {};
        for (const [k, e] of entries) {
          const m = masked || scope.maskKey(parents, k) || (pair && PAIR_VALUE_KEYS.has(normalizeKey(k)));
          out[k] = walk(e, [...parents, k], m);
        }
        return out;
      }
      return v;
    };
    return walk(value, [], false);
  }

  // Short texts recur (table and queue names, error codes a decoder puts on the span): remembered, bounded.
  const texts = new Map<string, string>();
  function text(t: string): string {
    // Without `:` or `=` no pair rule can match, and the detectors leave a text their prefilter clears:
    // request ids and invocation ids (new on every call) are answered here, and never fill the cache.
    if (t.indexOf(':') < 0 && t.indexOf('=') < 0 && (t.length < 8 || !mayHoldSecret(t))) return t;
    if (t.length > TEXT_CACHE_MAX_LENGTH) return loose(t, false);
    let out = texts.get(t);
    if (out === undefined) {
      out = loose(t, false);
      if (texts.size >= TEXT_CACHE_MAX) texts.clear();
      texts.set(t, out);
    }
    return out;
  }

  return {
    headers(headers: Headers): Headers {
      const out: Headers = {};
      for (const name of Object.keys(headers)) out[name] = headerValue(name.toLowerCase(), headers[name]);
      return out;
    },
    isSensitiveHeader,
    url,
    query: (q) => query(q),
    body,
    json,
    text,
    isSensitiveKey,
  };
}

/**
 * Authorization values keep what is not secret, so spans and recorded fixtures still tell a live Stripe
 * key from a test one and show the SigV4 scope: `Bearer sk_live_[REDACTED]`,
 * `AWS4-HMAC-SHA256 Credential=[REDACTED]/20240101/us-east-1/sqs/aws4_request, SignedHeaders=…, Signature=[REDACTED]`.
 */
export function authorizationValue(value: string): string {
  const v = value.trim();
  if (/^AWS4-HMAC-SHA256\s/i.test(v)) {
    return v
      .replace(/(Credential=)[^/,\s]*/i, `$1${REDACTED}`)
      .replace(/(Signature=)[^,\s]*/i, `$1${REDACTED}`);
  }
  const m = /^([A-Za-z][\w-]*)\s+(\S[\s\S]*)$/.exec(v);
  if (!m) return REDACTED;
  const key = /^((?:sk|rk|pk)_(?:live|test)_)/.exec(m[2]);
  return `${m[1]} ${key ? key[1] : ''}${REDACTED}`;
}

// A value never holds a raw `&` (it would start the next pair): excluding it keeps the match linear; with
// `[^\s]*` the groups overlapped and a long `a=&a=&…` text followed by a space backtracked for seconds.
const FORM_LIKE = /^[\w.%[\]-]+=[^\s&]*(&[\w.%[\]-]+=[^\s&]*)*&?$/;
// The value alternatives start with the mask itself so redacting twice gives the same text.
// A key may be quoted with an escaped quote (`\"password\":\"…\"`: JSON inside a JSON string in free text).
const LOOSE_PAIR = /(\\?["']?)\b([A-Za-z_][\w.-]{0,63})\1(\s*[:=]\s*)(\[REDACTED\]|\\"(?:[^"\\\n]|\\[^"\n])*(?:\\"|$)|"(?:[^"\\\n]|\\.)*(?:"|$)|'[^'\n]*(?:'|$)|(?:\[REDACTED\]|[^\s"',;&}\]])+)/g;
