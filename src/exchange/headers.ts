// Header normalization: every transport's header shape becomes one lower-cased string map.
import type { Headers } from './types';

type HeaderValue = string | number | boolean | readonly string[] | undefined | null;

function join(name: string, previous: string | undefined, value: string): string {
  if (previous === undefined) return value;
  return name === 'set-cookie' ? `${previous}\n${value}` : `${previous}, ${value}`;
}

/** From a Node header object (`res.headers`, `req.getHeaders()`, http2 headers). */
export function fromObject(input: Record<string, HeaderValue> | undefined | null): Headers {
  const out: Headers = {};
  if (!input) return out;
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    const name = key.toLowerCase();
    if (Array.isArray(value)) {
      for (const v of value) out[name] = join(name, out[name], String(v));
    } else {
      out[name] = join(name, out[name], String(value));
    }
  }
  return out;
}

/** From a flat `[name, value, name, value]` list of strings or Buffers (undici, rawHeaders). */
export function fromFlatList(input: ReadonlyArray<string | Buffer | readonly (string | Buffer)[]> | undefined | null): Headers {
  const out: Headers = {};
  if (!input) return out;
  for (let i = 0; i + 1 < input.length; i += 2) {
    const name = String(input[i]).toLowerCase();
    const value = input[i + 1];
    if (Array.isArray(value)) for (const v of value) out[name] = join(name, out[name], String(v));
    else out[name] = join(name, out[name], String(value));
  }
  return out;
}

/** From undici 6's raw request header string: `name: value\r\n...`. */
export function fromRawString(input: string): Headers {
  const out: Headers = {};
  for (const line of input.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    out[name] = join(name, out[name], line.slice(colon + 1).trim());
  }
  return out;
}
