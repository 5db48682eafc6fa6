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

/**
 * From Node's own header store of an OutgoingMessage (`{ [lower-case name]: [name as set, value] }`, what
 * `getHeaders()` copies from): the same result as `fromObject(msg.getHeaders())` without the copy. The
 * names are lower-case already (setHeader and appendHeader store them so).
 */
export function fromOutgoing(store: Record<string, readonly [string, HeaderValue]>): Headers {
  const out: Headers = {};
  // The store has no prototype (a dictionary-mode object in V8): Object.keys lists what for-in would, in
  // the same order, and walking it costs ~20% fewer instructions (11 headers: 4.5 k instead of 5.7 k).
  const names = Object.keys(store);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const value = store[name][1];
    if (typeof value === 'string') out[name] = value;
    else if (value === undefined || value === null) continue;
    else if (Array.isArray(value)) for (const v of value) out[name] = join(name, out[name], String(v));
    else out[name] = String(value);
  }
  return out;
}

export type FlatHeaders = ReadonlyArray<string | Buffer | readonly (string | Buffer)[]>;

/** From a flat `[name, value, name, value]` list of strings or Buffers (undici, rawHeaders). */
export function fromFlatList(input: FlatHeaders | undefined | null): Headers {
  const out: Headers = {};
  if (!input) return out;
  for (let i = 0; i + 1 < input.length; i += 2) {
    const key = input[i];
    const name = (typeof key === 'string' ? key : String(key)).toLowerCase();
    const value = input[i + 1];
    if (typeof value === 'string') out[name] = join(name, out[name], value);
    else if (Array.isArray(value)) for (const v of value) out[name] = join(name, out[name], String(v));
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
