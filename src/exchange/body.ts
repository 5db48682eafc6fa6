// Bounded body capture: cost grows with the cap, not with the body.
import type * as Zlib from 'node:zlib';
import type { CapturedBody } from './types';

/** Collects at most `cap` bytes of a body while counting all of it. Copies only the captured prefix. */
export class BodyCollector {
  private readonly chunks: Buffer[] = [];
  private captured = 0;
  size = 0;
  /** Set when a chunk could not be observed (e.g. a stream body on an old undici): size is then a lower bound. */
  unknownSize = false;

  constructor(private readonly cap: number) {}

  push(chunk: unknown, encoding?: BufferEncoding): void {
    let length: number;
    if (typeof chunk === 'string') {
      length = Buffer.byteLength(chunk, encoding);
      this.size += length;
      const room = this.cap - this.captured;
      if (room <= 0) return;
      // Slice the string before encoding so a huge string is never fully copied. Up to 4 characters per
      // byte: hex and base64 strings need more characters than bytes, utf8 never fewer.
      const part = chunk.length > room * 4 ? chunk.slice(0, room * 4) : chunk;
      const buf = Buffer.from(part, encoding);
      this.keep(buf.length > room ? buf.subarray(0, room) : buf);
      return;
    }
    if (chunk instanceof Uint8Array) {
      length = chunk.byteLength;
      this.size += length;
      const room = this.cap - this.captured;
      if (room <= 0) return;
      const view = length > room ? chunk.subarray(0, room) : chunk;
      // Copy: the app may reuse its buffer after write() returns.
      this.keep(Buffer.from(view));
      return;
    }
    if (chunk instanceof ArrayBuffer) {
      this.push(new Uint8Array(chunk));
      return;
    }
    this.unknownSize = true;
  }

  private keep(buf: Buffer): void {
    this.chunks.push(buf);
    this.captured += buf.length;
  }

  get hasBytes(): boolean {
    return this.captured > 0;
  }

  finish(contentEncoding: string | undefined, maxDecodedBytes: number = this.cap): CapturedBody {
    const raw = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.captured);
    const truncated = this.size > this.captured;
    const decoded = decodeContent(raw, contentEncoding, maxDecodedBytes);
    if (decoded) {
      return { bytes: decoded.bytes, size: this.unknownSize ? -1 : this.size, truncated: truncated || decoded.truncated };
    }
    return { bytes: raw, size: this.unknownSize ? -1 : this.size, truncated };
  }
}

/** Most a captured (capped) compressed prefix may inflate to before it is given up as size only. */
const DECODE_BUDGET = 1024 * 1024;

/**
 * Decodes gzip/deflate/br for the captured prefix only. A truncated stream decodes as far as it goes
 * (sync flush), and the output is capped. Returns undefined when there is nothing to decode or it fails.
 */
export function decodeContent(
  raw: Buffer,
  contentEncoding: string | undefined,
  maxOutput: number,
): { bytes: Buffer; truncated: boolean } | undefined {
  if (!contentEncoding || raw.length === 0) return undefined;
  const enc = contentEncoding.trim().toLowerCase();
  if (enc === 'identity' || enc === '') return undefined;
  const limit = Math.max(1, maxOutput);
  // zlib's sync calls give nothing back when the output passes maxOutputLength, so inflate into a larger,
  // still bounded budget and keep the first `limit` bytes: a big compressed body keeps its prefix.
  const budget = Math.max(limit + 1, DECODE_BUDGET);
  try {
    // Loaded here, by the first compressed body: zlib costs ~4 M instructions to load, and most calls never need it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const zlib = require('node:zlib') as typeof Zlib;
    let out: Buffer;
    if (enc === 'gzip' || enc === 'x-gzip') {
      out = zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: budget });
    } else if (enc === 'deflate') {
      // Servers send both zlib-wrapped and raw deflate under this name.
      try {
        out = zlib.inflateSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: budget });
      } catch {
        out = zlib.inflateRawSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: budget });
      }
    } else if (enc === 'br') {
      out = zlib.brotliDecompressSync(raw, {
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        maxOutputLength: budget,
      });
    } else {
      return undefined;
    }
    return out.length > limit ? { bytes: Buffer.from(out.subarray(0, limit)), truncated: true } : { bytes: out, truncated: false };
  } catch (err) {
    // Past the budget (a compression bomb): size only.
    if (err instanceof RangeError) return { bytes: Buffer.alloc(0), truncated: true };
    return undefined;
  }
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]*\+json|x-amz-json-[\d.]+|xml|[\w.+-]*\+xml|x-www-form-urlencoded|javascript|graphql|x-ndjson))/i;

/** Whether a content type is text we can put on a span. Missing types are sniffed by `looksLikeText`. */
export function isTextContentType(contentType: string | undefined): boolean | undefined {
  if (!contentType) return undefined;
  return TEXT_TYPES.test(contentType.trim());
}

/** A cheap sniff for bodies without a content type: valid UTF-8 with no control bytes but whitespace. */
export function looksLikeText(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return false;
  }
  return true;
}

/**
 * Decodes UTF-8 without splitting a character at a truncation point: a partial multi-byte sequence at the
 * end of a truncated prefix is dropped rather than turned into U+FFFD.
 */
export function utf8Prefix(bytes: Buffer, truncated: boolean): string {
  if (!truncated || bytes.length === 0) return bytes.toString('utf8');
  let end = bytes.length;
  // Walk back over continuation bytes to the lead byte of the last character.
  let i = end - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (bytes[i] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i >= 0) {
    const lead = bytes[i];
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (need > end - i) end = i;
  }
  return bytes.subarray(0, end).toString('utf8');
}
