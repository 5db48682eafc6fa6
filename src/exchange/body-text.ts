// Turning a captured body prefix into text for a span: UTF-8 text as is, CBOR rendered as JSON, other
// binary content as nothing (the size is recorded elsewhere).
import type { CapturedBody, Headers } from './types';
import { isTextContentType, looksLikeText, utf8Prefix } from './body';

type CborDecode = (data: Buffer) => unknown;
let cborDecode: CborDecode | null | undefined;

function loadCbor(): CborDecode | null {
  if (cborDecode !== undefined) return cborDecode;
  try {
    // Loaded on first CBOR body only: most processes never pay for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cbor = require('cbor') as typeof import('cbor');
    cborDecode = (data) => cbor.decodeFirstSync(data);
  } catch {
    cborDecode = null;
  }
  return cborDecode;
}

export function isCbor(contentType: string | undefined): boolean {
  return !!contentType && /application\/(x-amz-)?cbor/i.test(contentType);
}

/** Renders a CBOR value as JSON text: byte strings as base64, big integers as strings, dates as ISO. */
export function cborToJson(bytes: Buffer): string | undefined {
  const decode = loadCbor();
  if (!decode) return undefined;
  try {
    const value = decode(bytes);
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, e]) => [String(k), e]));
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
        return Buffer.from((v as { data: number[] }).data).toString('base64');
      }
      return v;
    });
  } catch {
    return undefined;
  }
}

/** The text of a captured body, or undefined when it is binary, absent or empty. */
export function bodyText(body: CapturedBody | undefined, headers: Headers | undefined): string | undefined {
  if (!body || body.bytes.length === 0) return undefined;
  const contentType = headers?.['content-type'];
  const kind = typeKind(contentType);
  if (kind === CBOR) return body.truncated ? undefined : cborToJson(body.bytes);
  // A content encoding the collector could not undo leaves compressed bytes: size only, not garbage text.
  if (stillEncoded(body.bytes, headers?.['content-encoding'])) return undefined;
  const text = kind === TEXT ? true : kind === UNTYPED ? undefined : false;
  // `application/octet-stream` says "bytes of unknown kind", not "binary": SDKs send JSON payloads under it
  // (Lambda Invoke from the AWS SDK v3). JSON text is captured, and redacted, like any JSON body.
  if (text === false && !(kind === OCTET_STREAM && looksLikeJsonBytes(body.bytes))) return undefined;
  if (text === undefined && !looksLikeText(body.bytes)) return undefined;
  return utf8Prefix(body.bytes, body.truncated);
}

const CBOR = 0;
const TEXT = 1;
const UNTYPED = 2;
const OCTET_STREAM = 3;
const BINARY = 4;

// Two bodies per call, and an app's calls carry a handful of content types: each is classified once.
const TYPE_CACHE_MAX = 64;
const typeKinds = new Map<string, number>();

function typeKind(contentType: string | undefined): number {
  if (contentType === undefined) return UNTYPED;
  let kind = typeKinds.get(contentType);
  if (kind === undefined) {
    const text = isTextContentType(contentType);
    kind = isCbor(contentType) ? CBOR : text === true ? TEXT : text === undefined ? UNTYPED : isOctetStream(contentType) ? OCTET_STREAM : BINARY;
    if (contentType.length <= 256) {
      if (typeKinds.size >= TYPE_CACHE_MAX) typeKinds.clear();
      typeKinds.set(contentType, kind);
    }
  }
  return kind;
}

function isOctetStream(contentType: string | undefined): boolean {
  return !!contentType && /^\s*application\/octet-stream\s*(;|$)/i.test(contentType);
}

/** Text (no control bytes in the first 512) whose first non-blank character opens a JSON object or array. */
function looksLikeJsonBytes(bytes: Buffer): boolean {
  if (!looksLikeText(bytes)) return false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b /* { */ || b === 0x5b /* [ */;
  }
  return false;
}

function stillEncoded(bytes: Buffer, contentEncoding: string | undefined): boolean {
  const enc = contentEncoding?.trim().toLowerCase();
  if (!enc || enc === 'identity') return false;
  if (enc !== 'gzip' && enc !== 'x-gzip' && enc !== 'deflate' && enc !== 'br') return true;
  return (bytes[0] === 0x1f && bytes[1] === 0x8b) || !looksLikeText(bytes);
}
