// Value detectors: secrets recognised by their shape, whatever key or header they sit under. All enabled
// detectors are compiled into one alternation so a string is scanned once.
import { REDACTED } from './redactor';

export interface Detector {
  /** Rule name, for WIRETAP_REDACT_DISABLE_DEFAULTS. */
  name: string;
  /** Regex source for one alternative (no capture groups of its own). */
  source: string;
  /** Second look at a match (checksums, character mix). False keeps the text. */
  confirm?: (match: string) => boolean;
  /** What the match becomes (default `[REDACTED]`). */
  replace?: (match: string) => string;
  /** Whether it also runs on URL paths (false for shapes that ordinary path segments can take). */
  inPaths?: boolean;
}

/** Card numbers: Luhn-valid, 13 to 19 digits, with a known issuer prefix (keeps ms timestamps, which start with 1). */
export function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  if (!/^(4|5[1-5]|2[2-7]|3[47]|3[0689]|6[0-9]|35)/.test(digits)) return false;
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

/**
 * AWS secret access keys: exactly 40 characters of [A-Za-z0-9/+] standing alone, with upper case, lower
 * case and a digit. Hex digests (SHA-1 is 40 hex characters) have no upper case; base64 digests of 32
 * bytes are 44 characters with `=`; both are kept. Other 40-character random tokens are masked, by design.
 */
export function looksLikeAwsSecret(candidate: string): boolean {
  return /[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9]/.test(candidate);
}

export const DETECTORS: readonly Detector[] = [
  // Before the others: a PEM block contains base64 runs the others would cut into pieces. A block cut by
  // truncation is masked to the end.
  { name: 'detect:private-key', source: '-----BEGIN[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\\s\\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)', inPaths: true },
  { name: 'detect:jwt', source: '\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]*)?', inPaths: true },
  { name: 'detect:stripe-key', source: '\\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{6,}|\\bwhsec_[0-9A-Za-z]{6,}', inPaths: true },
  // PaymentIntent/SetupIntent client secrets: `pi_123_secret_abc`.
  { name: 'detect:stripe-client-secret', source: '\\b[a-z]{2,5}_[0-9A-Za-z]+_secret_[0-9A-Za-z]{4,}', inPaths: true },
  { name: 'detect:aws-access-key-id', source: '\\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\\b', inPaths: true },
  {
    name: 'detect:bearer',
    source: '\\b(?:[Bb]earer|BEARER|[Bb]asic|BASIC)[ \\t]+[A-Za-z0-9._~+/-]{8,}=*',
    replace: (m) => `${m.slice(0, m.search(/[ \t]/))} ${REDACTED}`,
    inPaths: true,
  },
  // `scheme://user:password@host` inside any value (connection strings, DATABASE_URL).
  { name: 'detect:url-userinfo', source: '(?<=[a-z][a-z0-9+.-]*://)[^/\\s:@"\']+:[^/\\s@"\']+(?=@)', inPaths: false },
  // Not inside a hex token: a UUID or hex id whose middle happens to be all digits (about 1 in 700 for a
  // UUID's middle groups, 1 in 10 of those Luhn-valid) is an id, not a card.
  { name: 'detect:card-number', source: '(?<![0-9a-fA-F-])(?:[0-9][ -]?){12,18}[0-9](?![0-9a-fA-F])', confirm: isCardNumber, inPaths: true },
  { name: 'detect:aws-secret-key', source: '(?<![A-Za-z0-9/+=_-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])', confirm: looksLikeAwsSecret, inPaths: false },
];

/** A compiled set of detectors: one regex, one pass. */
export class DetectorSet {
  private readonly all: RegExp | undefined;
  private readonly paths: RegExp | undefined;
  private readonly byGroup: Detector[];

  constructor(detectors: readonly Detector[]) {
    this.byGroup = [...detectors];
    this.all = compile(this.byGroup, () => true);
    this.paths = compile(this.byGroup, (d) => d.inPaths !== false);
  }

  get empty(): boolean {
    return this.all === undefined;
  }

  /** The text with every detected secret masked. Returns the same string when nothing matched. */
  redact(text: string, inPath = false): string {
    const re = inPath ? this.paths : this.all;
    // Below 8 characters no detector can match: the common case of short values costs one comparison.
    // Most values hold nothing any detector could match; a cheap scan says so before the big regex runs.
    if (!re || text.length < 8 || !mayHoldSecret(text)) return text;
    re.lastIndex = 0;
    return text.replace(re, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args[args.length - 1] as Record<string, string | undefined>;
      for (let i = 0; i < this.byGroup.length; i++) {
        if (groups[`d${i}`] === undefined) continue;
        const d = this.byGroup[i];
        if (d.confirm && !d.confirm(match)) return match;
        return d.replace ? d.replace(match) : REDACTED;
      }
      return match;
    });
  }
}

/** What `mayHoldSecret` looks for literally (tests check `markerAt` against this list). */
export const LITERAL_MARKERS: readonly string[] = ['eyJ', '_live_', '_test_', 'whsec_', '_secret_', 'earer', 'EARER', 'asic', 'ASIC', '://', '-----BEGIN', 'AKIA', 'ASIA', 'ABIA', 'ACCA'];

/**
 * A superset test of the detectors above, many times cheaper than running them: a literal marker (JWT,
 * Stripe, bearer/basic, URL userinfo, PEM, AWS key id prefixes), 13 or more digits in one run (cards, with
 * single spaces or dashes between them), or a run of exactly 40 [A-Za-z0-9/+] (AWS secret keys; the
 * detector wants exactly 40 standing alone, so long base64 runs — where the big regex is slowest — do not
 * count). Keep it in step with DETECTORS (and LITERAL_MARKERS with `markerAt`).
 *
 * One pass: the markers are looked for where their first character stands, not with one `indexOf` per
 * marker (it runs on every string value of every body).
 */
export function mayHoldSecret(text: string): boolean {
  let digits = 0;
  let b64 = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits >= 13) return true;
      b64++;
      continue;
    }
    if (!((c === 32 || c === 45) && digits > 0 && i + 1 < n && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57)) {
      digits = 0;
    }
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 47 || c === 43) {
      b64++;
      if ((c === 101 || c === 69 || c === 97 || c === 65 || c === 119) && markerAt(text, i, c)) return true;
    } else {
      // The detector's boundary excludes `=`, `_` and `-` too: a run ending in one of them is not a key.
      if (b64 === 40 && c !== 61 && c !== 95 && c !== 45) return true;
      b64 = 0;
      if ((c === 95 || c === 58 || c === 45) && markerAt(text, i, c)) return true;
    }
  }
  return b64 === 40;
}

/** Whether one of LITERAL_MARKERS starts at `i`, whose character code is `c`. */
function markerAt(text: string, i: number, c: number): boolean {
  const d = text.charCodeAt(i + 1);
  switch (c) {
    case 101 /* e */:
      return (d === 121 && text.charCodeAt(i + 2) === 74) /* eyJ */ || (d === 97 && text.startsWith('earer', i));
    case 69 /* E */:
      return d === 65 && text.startsWith('EARER', i);
    case 97 /* a */:
      return d === 115 && text.startsWith('asic', i);
    case 65 /* A */:
      // ASIC, ASIA, AKIA, ABIA, ACCA
      return d === 83 ? text.startsWith('ASIC', i) || text.startsWith('ASIA', i) : d === 75 ? text.startsWith('AKIA', i) : d === 66 ? text.startsWith('ABIA', i) : d === 67 && text.startsWith('ACCA', i);
    case 119 /* w */:
      return d === 104 && text.startsWith('whsec_', i);
    case 95 /* _ */:
      return (d === 108 && text.startsWith('_live_', i)) || (d === 116 && text.startsWith('_test_', i)) || (d === 115 && text.startsWith('_secret_', i));
    case 58 /* : */:
      return d === 47 && text.charCodeAt(i + 2) === 47;
    case 45 /* - */:
      return d === 45 && text.startsWith('-----BEGIN', i);
  }
  return false;
}

function compile(detectors: Detector[], keep: (d: Detector) => boolean): RegExp | undefined {
  const parts: string[] = [];
  detectors.forEach((d, i) => {
    // Inner groups are made non-capturing so group names stay the only captures that matter.
    if (keep(d)) parts.push(`(?<d${i}>${d.source.replace(/\((?!\?)/g, '(?:')})`);
  });
  return parts.length ? new RegExp(parts.join('|'), 'g') : undefined;
}

/**
 * The end of a value cut by truncation may be the start of a secret no detector can recognise yet (12
 * digits of a card, half of a key). A trailing run that long is masked: when unsure, mask.
 */
export function maskCutTail(text: string): string {
  // A cut may also fall inside an escape (`…secret\` of a JSON text still escaped).
  const m = /(?:[0-9][ -]?){8,}\\?$|[A-Za-z0-9/+=_.-]{16,}\\?$/.exec(text);
  return m ? `${text.slice(0, m.index)}${REDACTED}` : text;
}
