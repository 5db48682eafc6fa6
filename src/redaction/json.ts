// JSON bodies, redacted in one pass over the text without parsing it into objects. The document keeps its
// exact shape (key order, spacing, number formatting), a prefix cut by the body cap is handled like a
// whole body, and a big number (a card) never loses digits to a double.
import { REDACTED } from './redactor';
import { PAIR_NAME_KEYS, PAIR_VALUE_KEYS, normalizeKey } from './rules';
import type { Scope } from './scope';

interface Frame {
  isObject: boolean;
  /** The whole container is under a masked key: every scalar in it is masked. */
  masked: boolean;
  /** Keys from the root to this container (array indices skipped). */
  keys: string[];
  expectKey: boolean;
  key?: string;
  /** A `Name` member of this object named a secret: its `Value` member is masked. */
  pair: boolean;
}

const MASKED_STRING = `"${REDACTED}"`;

/** Index just past the closing quote of the string starting at `start`, or -1 when the text ends first. */
function stringEnd(text: string, start: number): number {
  lastStringEscaped = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      lastStringEscaped = true;
      i++;
    } else if (c === 34 /* " */) return i + 1;
  }
  return -1;
}

/** Whether the string `stringEnd` last scanned held an escape: most do not, and need no JSON.parse. */
let lastStringEscaped = false;

/** The value of the complete JSON string text[start, end) that `stringEnd` just scanned. */
function stringAt(text: string, start: number, end: number): string {
  return lastStringEscaped ? decodeString(text.slice(start, end)) : text.slice(start + 1, end - 1);
}

function isDelimiter(c: number): boolean {
  return c === 44 || c === 125 || c === 93 || c === 58 || c === 32 || c === 10 || c === 13 || c === 9;
}

const LITERAL = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/;
const LITERAL_PREFIX = /^(-?\d*(\.\d*)?([eE][+-]?\d*)?|t(r(ue?)?)?|f(a(l(se?)?)?)?|n(u(ll?)?)?)$/;

/**
 * Redacts a JSON text (or a prefix of one when `truncated`). Returns undefined when the text is not JSON,
 * so the caller can fall back to a looser redaction.
 */
export function redactJson(text: string, scope: Scope, truncated: boolean): string | undefined {
  const out: string[] = [];
  let copied = 0;
  const replace = (start: number, end: number, replacement: string): void => {
    out.push(text.slice(copied, start), replacement);
    copied = end;
  };
  const stack: Frame[] = [];
  const n = text.length;

  const valueMasked = (top: Frame | undefined): boolean => {
    if (!top) return false;
    if (top.masked) return true;
    if (!top.isObject || top.key === undefined) return false;
    if (scope.maskKey(top.keys, top.key)) return true;
    return top.pair && PAIR_VALUE_KEYS.has(normalizeKey(top.key));
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === 123 /* { */ || c === 91 /* [ */) {
      const keys = top ? (top.isObject && top.key !== undefined ? [...top.keys, top.key] : top.keys) : [];
      stack.push({ isObject: c === 123, masked: valueMasked(top), keys, expectKey: c === 123, pair: false });
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (!top || top.isObject !== (c === 125)) return undefined;
      stack.pop();
      i++;
    } else if (c === 44 /* , */) {
      if (!top) return undefined;
      if (top.isObject) {
        top.expectKey = true;
        top.key = undefined;
      }
      i++;
    } else if (c === 58 /* : */) {
      if (!top || !top.isObject || top.key === undefined) return undefined;
      i++;
    } else if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      const stop = end < 0 ? n : end;
      if (top && top.isObject && top.expectKey) {
        if (end < 0) {
          // Cut inside a key (or a text that only looks like JSON): no value follows, but the rest is text
          // that may hold a secret.
          const raw = text.slice(i + 1);
          const red = scope.cutValue(raw);
          if (red !== raw) replace(i + 1, n, red);
          break;
        }
        top.key = stringAt(text, i, end);
        top.expectKey = false;
      } else if (valueMasked(top)) {
        replace(i, stop, end < 0 ? `"${REDACTED}` : MASKED_STRING);
      } else if (end < 0) {
        // The body was cut inside this string: detectors, then the cut end masked.
        const raw = text.slice(i + 1);
        const red = scope.cutValue(raw);
        if (red !== raw) replace(i + 1, n, red);
      } else {
        const value = stringAt(text, i, end);
        const red = scope.value(value);
        if (red !== value) replace(i, end, JSON.stringify(red));
        if (top && top.isObject && top.key !== undefined && PAIR_NAME_KEYS.has(normalizeKey(top.key)) && scope.isSensitiveName(value)) {
          top.pair = true;
        }
      }
      i = stop;
    } else {
      let j = i;
      while (j < n && !isDelimiter(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      const cut = j === n && truncated;
      if (!(cut ? LITERAL_PREFIX : LITERAL).test(token)) return undefined;
      const isNumber = c === 45 || (c >= 48 && c <= 57);
      if (isNumber && (valueMasked(top) || scope.value(token) !== token || (cut && token.length >= 8))) {
        replace(i, j, MASKED_STRING);
      }
      i = j;
    }
  }
  if (copied === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

function decodeString(quoted: string): string {
  if (quoted.indexOf('\\') < 0) return quoted.slice(1, -1);
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}

/** Whether a text looks like JSON (an object, array or NDJSON lines), by its first character. */
export function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) continue;
    return c === 123 || c === 91;
  }
  return false;
}
