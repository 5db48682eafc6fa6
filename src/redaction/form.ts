// Form-encoded bodies and query strings: `a=1&b=2`, bracket names (`card[number]`, `metadata[x]`) and the
// AWS query protocol's flattened lists (`Attribute.1.Name=password&Attribute.1.Value=...`).
import { REDACTED } from './redactor';
import { PAIR_NAME_KEYS, PAIR_VALUE_KEYS, normalizeKey } from './rules';
import type { Scope } from './scope';

const ENCODED_REDACTED = encodeURIComponent(REDACTED);

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** `card[number]` → ['card', 'number']; `Attribute.1.Name` → ['Attribute', 'Name'] (indices skipped). */
export function nameSegments(name: string): string[] {
  const parts = name.split(/[[\].]+/).filter((s) => s !== '' && !/^\d+$/.test(s));
  return parts.length ? parts : [name];
}

interface Pair {
  raw: string;
  name: string;
  rawName: string;
  value?: string;
  rawValue?: string;
}

/**
 * Redacts `a=1&b=2` text. `extraNameMask` adds names that are masked outright (the default query rules).
 * When `truncated`, the last pair may have been cut anywhere.
 */
export function redactForm(
  text: string,
  scope: Scope,
  truncated: boolean,
  extraNameMask?: (lowerName: string) => boolean,
  special?: (lowerName: string, value: string) => string | undefined,
): string {
  if (!text) return text;
  const pairs: Pair[] = text.split('&').map((raw) => {
    const eq = raw.indexOf('=');
    const rawName = eq < 0 ? raw : raw.slice(0, eq);
    return eq < 0 ? { raw, rawName, name: decode(rawName) } : { raw, rawName, name: decode(rawName), rawValue: raw.slice(eq + 1), value: decode(raw.slice(eq + 1)) };
  });

  // First pass: flattened pairs whose Name holds a secret (`X.N.Name=password` masks `X.N.Value...`).
  let sensitivePrefixes: string[] | undefined;
  for (const p of pairs) {
    if (p.value === undefined) continue;
    const dot = Math.max(p.name.lastIndexOf('.'), p.name.lastIndexOf('['));
    const last = normalizeKey(p.name.slice(dot + 1));
    if (PAIR_NAME_KEYS.has(last) && scope.isSensitiveName(p.value)) (sensitivePrefixes ??= []).push(p.name.slice(0, dot + 1));
  }

  const last = pairs.length - 1;
  const out = pairs.map((p, index) => {
    if (p.rawValue === undefined) return p.raw;
    const own = special?.(p.name.toLowerCase(), p.value as string);
    if (own !== undefined) return `${p.rawName}=${encodeURIComponent(own)}`;
    if (shouldMask(p.name, scope, sensitivePrefixes, extraNameMask)) return `${p.rawName}=${ENCODED_REDACTED}`;
    const cut = truncated && index === last;
    const red = cut ? scope.cutValue(p.value as string) : scope.value(p.value as string);
    return red === p.value ? p.raw : `${p.rawName}=${encodeURIComponent(red)}`;
  });
  return out.join('&');
}

function shouldMask(name: string, scope: Scope, sensitivePrefixes: string[] | undefined, extraNameMask?: (lowerName: string) => boolean): boolean {
  if (extraNameMask?.(name.toLowerCase())) return true;
  const segments = nameSegments(name);
  // Any masked segment masks the value: `credentials[user]`, `card[number]`, `metadata[password]`.
  for (let i = 0; i < segments.length; i++) if (scope.maskKeyAt(segments, i, segments[i], scope.keyFlags(segments[i]))) return true;
  if (sensitivePrefixes) {
    for (const prefix of sensitivePrefixes) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length).split(/[[\].]/)[0];
      if (PAIR_VALUE_KEYS.has(normalizeKey(rest))) return true;
    }
  }
  return false;
}
