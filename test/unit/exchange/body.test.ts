import * as zlib from 'node:zlib';
import { expect } from 'chai';
import { BodyCollector, decodeContent, utf8Prefix, isTextContentType } from '../../../src/exchange/body';
import { bodyText } from '../../../src/exchange/body-text';

describe('exchange/body', () => {
  it('captures at most the cap while counting every byte', () => {
    const c = new BodyCollector(5);
    c.push('hello ');
    c.push(Buffer.from('world'));
    const b = c.finish(undefined);
    expect(b.bytes.toString()).to.equal('hello');
    expect(b.size).to.equal(11);
    expect(b.truncated).to.equal(true);
  });

  it('captures base64 and hex string chunks up to the cap without gaps', () => {
    const c = new BodyCollector(6);
    c.push(Buffer.from('abcdefghij').toString('base64'), 'base64');
    expect(c.finish(undefined).bytes.toString()).to.equal('abcdef');
    const h = new BodyCollector(4);
    h.push(Buffer.from('abcdef').toString('hex'), 'hex');
    expect(h.finish(undefined).bytes.toString()).to.equal('abcd');
  });

  it('keeps the prefix of a compressed body that inflates past the cap', () => {
    const json = JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ i })) });
    const out = decodeContent(zlib.gzipSync(json), 'gzip', 100);
    expect(out?.truncated).to.equal(true);
    expect(out?.bytes.toString()).to.equal(json.slice(0, 100));
    const br = decodeContent(zlib.brotliCompressSync(json), 'br', 50);
    expect(br?.bytes.toString()).to.equal(json.slice(0, 50));
  });

  it('never splits a character at a truncation point', () => {
    const bytes = Buffer.from('aé€😀');
    for (let n = 0; n <= bytes.length; n++) {
      const s = utf8Prefix(bytes.subarray(0, n), n < bytes.length);
      expect(s.includes('\uFFFD'), `cut at ${n}`).to.equal(false);
      expect('aé€😀'.startsWith(s)).to.equal(true);
    }
  });

  it('knows text content types', () => {
    for (const t of ['application/json', 'application/x-amz-json-1.1', 'text/xml', 'application/x-www-form-urlencoded', 'application/vnd.api+json']) {
      expect(isTextContentType(t), t).to.equal(true);
    }
    expect(isTextContentType('application/octet-stream')).to.equal(false);
    expect(isTextContentType(undefined)).to.equal(undefined);
  });
});

describe('exchange/body-text', () => {
  const body = (bytes: Buffer, truncated = false) => ({ bytes, size: bytes.length, truncated });

  it('renders CBOR as JSON, and a truncated CBOR body as nothing', () => {
    // {"a":1,"b":"x"} in CBOR
    const cbor = Buffer.from('a2616101616261 78'.replace(/ /g, ''), 'hex');
    expect(bodyText(body(cbor), { 'content-type': 'application/cbor' })).to.equal('{"a":1,"b":"x"}');
    expect(bodyText(body(cbor, true), { 'content-type': 'application/cbor' })).to.equal(undefined);
  });

  it('gives binary bodies no text (size only)', () => {
    expect(bodyText(body(Buffer.from([0, 1, 2, 3])), { 'content-type': 'application/octet-stream' })).to.equal(undefined);
    expect(bodyText(body(Buffer.from([0, 1, 2, 3])), {})).to.equal(undefined);
    expect(bodyText(body(Buffer.from('plain')), {})).to.equal('plain');
  });

  it('captures JSON sent as application/octet-stream (the AWS SDK v3 Lambda Invoke payload), not other octets', () => {
    const octets = { 'content-type': 'application/octet-stream' };
    expect(bodyText(body(Buffer.from('{"w":100}')), octets)).to.equal('{"w":100}');
    expect(bodyText(body(Buffer.from(' [1,2]')), { 'content-type': 'Application/Octet-Stream; charset=binary' })).to.equal(' [1,2]');
    expect(bodyText(body(Buffer.from('plain text')), octets)).to.equal(undefined);
    expect(bodyText(body(Buffer.from('{\u0000binary')), octets)).to.equal(undefined);
    expect(bodyText(body(Buffer.from('{"w":1}')), { 'content-type': 'image/png' })).to.equal(undefined);
  });

  it('gives bodies still in a content encoding no text, not garbage', () => {
    const gz = zlib.gzipSync('{"a":1}');
    expect(bodyText(body(gz), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).to.equal(undefined);
    expect(bodyText(body(Buffer.from('{"a":1}')), { 'content-type': 'application/json', 'content-encoding': 'zstd' })).to.equal(undefined);
    // Decoded by the collector: the header stays, the bytes are text.
    expect(bodyText(body(Buffer.from('{"a":1}')), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).to.equal('{"a":1}');
  });
});
