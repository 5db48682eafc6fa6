// Exact-path rules: `Parameter.Value`, `**.SecretString`, `Item.profile.S`. Matched case-insensitively on
// the chain of keys from the body's root; array indices (and numeric form/query segments) are skipped.

export type CompiledPath = readonly string[];

/** `Item.profile.S` → ['item', 'profile', 's']. Empty segments are dropped. */
export function compilePath(path: string): CompiledPath {
  return path
    .split('.')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** Whether a chain of keys (lower-cased) is matched by a compiled path. */
export function matchPath(pattern: CompiledPath, keys: readonly string[]): boolean {
  return matchFrom(pattern, 0, keys, 0);
}

function matchFrom(p: CompiledPath, pi: number, keys: readonly string[], ki: number): boolean {
  while (pi < p.length) {
    const seg = p[pi];
    if (seg === '**') {
      for (let k = ki; k <= keys.length; k++) if (matchFrom(p, pi + 1, keys, k)) return true;
      return false;
    }
    if (ki >= keys.length) return false;
    if (seg !== '*' && seg !== keys[ki]) return false;
    pi++;
    ki++;
  }
  return ki === keys.length;
}

/** A set of paths: `matches` is true when any path matches the chain, or one of its prefixes. */
export class PathSet {
  constructor(private readonly paths: readonly CompiledPath[]) {}

  get empty(): boolean {
    return this.paths.length === 0;
  }

  matches(keys: readonly string[]): boolean {
    for (const p of this.paths) if (matchPath(p, keys)) return true;
    return false;
  }
}

/**
 * `WIRETAP_REDACT_PATHS` entries: `service:path` (service compared canonically) or a bare `path` for
 * every service. Returns the service ('' for all) and the compiled path.
 */
export function parsePathEntry(entry: string): { service: string; path: CompiledPath } | undefined {
  const colon = entry.indexOf(':');
  const service = colon > 0 ? entry.slice(0, colon).trim() : '';
  const path = compilePath(colon > 0 ? entry.slice(colon + 1) : entry);
  return path.length ? { service, path } : undefined;
}
