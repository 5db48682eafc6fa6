// The capture policy as the span sees it: describeExchange with the capture settings.
import { expect } from 'chai';
import { describeExchange } from '../../../src/spans/describe';
import { httpDecoder } from '../../../src/decoders/http';
import { createRedactor } from '../../../src/redaction/redact';
import type { Exchange } from '../../../src/exchange/types';
import type { Decoder } from '../../../src/decoders/decoder';

const redactor = createRedactor({ keys: [], headers: [], paths: [], disableDefaults: [] });

function exchange(reqBody: string, status = 200, resBody = '{"ok":true}', contentType = 'application/json'): Exchange {
  const b = (s: string) => ({ bytes: Buffer.from(s), size: Buffer.byteLength(s), truncated: false });
  return {
    request: { method: 'POST', scheme: 'https', host: 'api.example.test', port: 443, path: '/x', query: '', headers: { 'content-type': contentType }, protocolVersion: '1.1', transport: 'http' },
    requestBody: b(reqBody),
    response: { status, headers: { 'content-type': 'application/json' } },
    responseBody: b(resBody),
    timings: { start: 1, responseStart: 2, end: 3 },
  };
}

const opts = (over: Partial<Parameters<typeof describeExchange>[2]> = {}) => ({ redactor, captureBodies: 'all' as const, maxBodyBytes: 16, maxErrorBodyBytes: 32, ...over });

describe('capture policy', () => {
  it('puts redacted bodies and sizes on the span', () => {
    const d = describeExchange(exchange('{"password":"x"}'), httpDecoder, opts());
    expect(d.attributes['http.request.body.content']).to.equal('{"password":"[REDACTED]"}');
    expect(d.attributes['http.request.body.size']).to.equal(16);
    expect(d.attributes['http.response.body.content']).to.equal('{"ok":true}');
    expect(d.attributes).to.not.have.property('wiretap.request.body.truncated');
  });

  it('cuts at maxBodyBytes, marks truncation and redacts the cut prefix as truncated', () => {
    const d = describeExchange(exchange('{"a":1,"token":"abcdefghijkl"}'), httpDecoder, opts());
    expect(d.attributes['http.request.body.content']).to.equal('{"a":1,"token":"[REDACTED]');
    expect(d.attributes['wiretap.request.body.truncated']).to.equal(true);
    expect(d.attributes['http.request.body.size']).to.equal(30);
  });

  it('uses maxErrorBodyBytes for failed calls', () => {
    const long = '{"message":"' + 'e'.repeat(15) + '"}';
    const ok = describeExchange(exchange('{}', 200, long), httpDecoder, opts());
    const failed = describeExchange(exchange('{}', 500, long), httpDecoder, opts());
    expect((ok.attributes['http.response.body.content'] as string).length).to.equal(16);
    expect(failed.attributes['http.response.body.content']).to.equal(long);
    expect(failed.attributes).to.not.have.property('wiretap.response.body.truncated');
  });

  it('never splits a character when cutting', () => {
    const d = describeExchange(exchange('{"m":"ééééééééé"}'), httpDecoder, opts());
    expect(d.attributes['http.request.body.content']).to.not.include('\uFFFD');
    expect(Buffer.byteLength(d.attributes['http.request.body.content'] as string)).to.be.at.most(16);
  });

  it('decoded: bodies only for spans a service decoder handled; off: none', () => {
    const decoder: Decoder = { name: 'x', match: () => true, decode: () => ({ name: 'X', attributes: {} }) };
    expect(describeExchange(exchange('{}'), httpDecoder, opts({ captureBodies: 'decoded' })).attributes).to.not.have.property('http.request.body.content');
    expect(describeExchange(exchange('{}'), decoder, opts({ captureBodies: 'decoded' })).attributes).to.have.property('http.request.body.content', '{}');
    const off = describeExchange(exchange('{}'), decoder, opts({ captureBodies: 'off' })).attributes;
    expect(off).to.not.have.property('http.request.body.content');
    expect(off).to.have.property('http.request.body.size', 2);
  });

  it('applies the service rules from the request head when no decoder named the service', () => {
    const x = exchange('{"SecretId":"s"}', 200, '{"Name":"n","Value":"v"}', 'application/x-amz-json-1.1');
    x.request.host = 'ssm.us-east-1.amazonaws.com';
    const d = describeExchange(x, httpDecoder, opts({ maxBodyBytes: 100 }));
    expect(d.attributes['http.response.body.content']).to.equal('{"Name":"n","Value":"[REDACTED]"}');
  });

  it('gives binary bodies a size and no content', () => {
    const x = exchange('', 200);
    x.responseBody = { bytes: Buffer.from([0, 159, 146, 150]), size: 4, truncated: false };
    x.response!.headers['content-type'] = 'application/octet-stream';
    const d = describeExchange(x, httpDecoder, opts());
    expect(d.attributes).to.not.have.property('http.response.body.content');
    expect(d.attributes['http.response.body.size']).to.equal(4);
  });
});
