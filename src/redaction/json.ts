// JSON bodies, redacted in one pass over the text without parsing it into objects. The document keeps its
// exact shape (key order, spacing, number formatting), a prefix cut by the body cap is handled like a
// whole body, and a big number (a card) never loses digits to a double.
import { REDACTED } from './redactor';
import { KEY_PAIR_NAME, KEY_PAIR_VALUE, type Scope } from './scope';

interface Frame {
  isObject: boolean;
  /** The whole container is under a masked key: every scalar in it is masked. */
  masked: boolean;
  /** How many keys lead from the root to this container (array indices skipped): `path[0, depth)`. */
  depth: number;
  expectKey: boolean;
  key?: string;
  /** `scope.keyFlags(key)`, read once per key (0 under a masked container, where no key is asked about). */
  keyFlags: number;
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

/** Whether the value under the current key of `top` is masked. `path[0, top.depth)` are top's parents. */
function valueMasked(top: Frame | undefined, path: readonly string[], scope: Scope): boolean {
  if (!top) return false;
  if (top.masked) return true;
  if (!top.isObject || top.key === undefined) return false;
  if (scope.maskKeyAt(path, top.depth, top.key, top.keyFlags)) return true;
  return top.pair && (top.keyFlags & KEY_PAIR_VALUE) !== 0;
}

/**
 * Redacts a JSON text (or a prefix of one when `truncated`). Returns undefined when the text is not JSON,
 * so the caller can fall back to a looser redaction.
 */
export function redactJson(text: string, scope: Scope, truncated: boolean): string | undefined {
  let out: string[] | undefined;
  let copied = 0;
  const replace = (start: number, end: number, replacement: string): void => {
    (out ??= []).push(text.slice(copied, start), replacement);
    copied = end;
  };
  // Frames are reused as the scan goes up and down (`sp` is the depth), and one array holds the keys from
  // the root: a container costs no allocation once its depth was reached before.
  const stack: Frame[] = [];
  let sp = 0;
  const path: string[] = [];
  const n = text.length;

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    const top = sp > 0 ? stack[sp - 1] : undefined;
    if (c === 123 /* { */ || c === 91 /* [ */) {
      let depth = 0;
      if (top) {
        depth = top.depth;
        if (top.isObject && top.key !== undefined) path[depth++] = top.key;
      }
      const masked = valueMasked(top, path, scope);
      const isObject = c === 123;
      let frame = stack[sp];
      if (frame === undefined) {
        frame = { isObject, masked, depth, expectKey: isObject, key: undefined, keyFlags: 0, pair: false };
        stack[sp] = frame;
      } else {
        frame.isObject = isObject;
        frame.masked = masked;
        frame.depth = depth;
        frame.expectKey = isObject;
        frame.key = undefined;
        frame.keyFlags = 0;
        frame.pair = false;
      }
      sp++;
      i++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (!top || top.isObject !== (c === 125)) return undefined;
      sp--;
      i++;
    } else if (c === 44 /* , */) {
      if (!top) return undefined;
      if (top.isObject) {
        top.expectKey = true;
        top.key = undefined;
        top.keyFlags = 0;
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
        const key = stringAt(text, i, end);
        top.key = key;
        top.keyFlags = top.masked ? 0 : scope.keyFlags(key);
        top.expectKey = false;
      } else if (valueMasked(top, path, scope)) {
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
        if (top && top.isObject && top.key !== undefined && (top.keyFlags & KEY_PAIR_NAME) !== 0 && scope.isSensitiveName(value)) {
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
      if (isNumber && (valueMasked(top, path, scope) || scope.value(token) !== token || (cut && token.length >= 8))) {
        replace(i, j, MASKED_STRING);
      }
      i = j;
    }
  }
  if (out === undefined) return text;
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
