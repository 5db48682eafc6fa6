// A small protobuf wire-format walker, enough to assert on OTLP http/protobuf bodies without a schema or
// a dependency: span names and attribute keys/values are length-delimited fields, so collecting every
// length-delimited field that reads as text (recursing into the ones that parse as messages) finds them.

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
    if (shift > 63) throw new Error('varint too long');
  }
}

export interface Field {
  number: number;
  wireType: number;
  /** Set for wire type 2 (length-delimited). */
  bytes?: Buffer;
  /** Set for varints. */
  value?: number;
}

/** Parses one message level; throws when the bytes are not a well-formed message. */
export function parseMessage(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const number = Math.floor(key / 8);
    const wireType = key & 7;
    if (number === 0) throw new Error('field number 0');
    switch (wireType) {
      case 0: {
        const [value, p2] = readVarint(buf, pos);
        fields.push({ number, wireType, value });
        pos = p2;
        break;
      }
      case 1:
        pos += 8;
        fields.push({ number, wireType });
        break;
      case 5:
        pos += 4;
        fields.push({ number, wireType });
        break;
      case 2: {
        const [len, p2] = readVarint(buf, pos);
        if (p2 + len > buf.length) throw new Error('length past the end');
        fields.push({ number, wireType, bytes: buf.subarray(p2, p2 + len) });
        pos = p2 + len;
        break;
      }
      default:
        throw new Error(`wire type ${wireType}`);
    }
    if (pos > buf.length) throw new Error('truncated field');
  }
  return fields;
}

const PRINTABLE = /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/;

/** Every string in the message tree, in order (a field may be counted both as text and as a message). */
export function extractStrings(buf: Buffer, out: string[] = [], depth = 0): string[] {
  let fields: Field[];
  try {
    fields = parseMessage(buf);
  } catch {
    return out;
  }
  for (const f of fields) {
    if (!f.bytes) continue;
    const text = f.bytes.toString('utf8');
    if (f.bytes.length > 0 && PRINTABLE.test(text) && !text.includes('\ufffd')) out.push(text);
    if (depth < 16 && f.bytes.length > 1) extractStrings(f.bytes, out, depth + 1);
  }
  return out;
}
