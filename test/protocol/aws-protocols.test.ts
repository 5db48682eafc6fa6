// Protocol-layer tests driven by the botocore/Smithy protocol vectors (test/protocol/vectors/README.md):
// error codes per protocol, and per-request protocol/operation recognition.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { expect } from 'chai';
import { jsonError, xmlError, normalizeErrorCode } from '../../src/decoders/aws/protocol/errors';
import { parseXml } from '../../src/decoders/aws/protocol/xml';
import { parseForm, requestShape } from '../../src/decoders/aws/protocol/detect';
import { parseJsonObject } from '../../src/decoders/aws/common';
import { cborToJson } from '../../src/exchange/body-text';
import type { RequestHead } from '../../src/exchange/types';

const vectors = path.resolve(__dirname, '../../../test/protocol/vectors');
const load = (name: string): any[] => JSON.parse(fs.readFileSync(path.join(vectors, name), 'utf8'));

function lower(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = String(v);
  return out;
}

describe('AWS protocol vectors: error codes', () => {
  const cases = load('botocore-error-cases.json');
  it('has cases for every protocol', () => {
    const protocols = new Set(cases.map((c) => c.protocol));
    for (const p of ['json', 'query', 'ec2', 'rest-json', 'rest-xml', 'smithy-rpc-v2-cbor']) expect(protocols).to.include(p);
  });
  for (const c of cases) {
    it(`${c.file} ${c.id} → ${c.errorCode}`, () => {
      const headers = lower(c.response.headers);
      const body: string | undefined = c.response.body;
      let error;
      if (c.protocol === 'query' || c.protocol === 'ec2' || c.protocol === 'rest-xml') {
        error = xmlError(parseXml(body));
      } else if (c.protocol === 'smithy-rpc-v2-cbor') {
        const text = body ? cborToJson(Buffer.from(body, 'base64')) : undefined;
        error = jsonError(headers, parseJsonObject(text), false);
      } else {
        error = jsonError(headers, parseJsonObject(body), c.protocol === 'rest-json');
      }
      expect(error?.code).to.equal(c.errorCode);
      if (c.errorMessage) expect(error?.message).to.equal(c.errorMessage);
    });
  }
  it('strips DynamoDB namespaces and coral URIs', () => {
    expect(normalizeErrorCode('com.amazonaws.dynamodb.v20120810#ResourceNotFoundException')).to.equal('ResourceNotFoundException');
    expect(normalizeErrorCode('FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/')).to.equal('FooError');
  });
});

describe('AWS protocol vectors: request recognition', () => {
  const cases = load('botocore-request-cases.json');
  const headOf = (c: any): RequestHead => {
    const uri: string = c.serialized.uri ?? '/';
    const q = uri.indexOf('?');
    return {
      method: c.serialized.method ?? 'POST',
      scheme: 'https',
      host: 'example.amazonaws.com',
      port: 443,
      path: q < 0 ? uri : uri.slice(0, q),
      query: q < 0 ? '' : uri.slice(q + 1),
      headers: lower(c.serialized.headers),
      protocolVersion: '1.1',
      transport: 'http',
    };
  };
  const byProtocol = (p: string) => cases.filter((c) => c.protocol === p);

  it('awsJson: X-Amz-Target gives target prefix and operation', () => {
    const json = byProtocol('json').filter((c) => c.serialized.headers?.['X-Amz-Target']);
    expect(json.length).to.be.greaterThan(30);
    for (const c of json) {
      const shape = requestShape(headOf(c));
      expect(shape, c.id).to.deep.equal({ kind: 'json', targetPrefix: c.targetPrefix, operation: c.operation });
    }
  });

  it('rpc-v2-cbor: /service/X/operation/Y', () => {
    const cbor = byProtocol('smithy-rpc-v2-cbor');
    expect(cbor.length).to.be.greaterThan(5);
    for (const c of cbor) {
      const shape = requestShape(headOf(c));
      expect(shape.kind, c.id).to.equal('rpc-v2-cbor');
      if (shape.kind === 'rpc-v2-cbor') expect(shape.operation).to.equal(c.operation);
    }
  });

  it('query and ec2: form body Action= and Version=', () => {
    const forms = [...byProtocol('query'), ...byProtocol('ec2')].filter((c) => typeof c.serialized.body === 'string' && c.serialized.body.startsWith('Action='));
    expect(forms.length).to.be.greaterThan(30);
    for (const c of forms) {
      const head = headOf(c);
      if (!head.headers['content-type']) head.headers['content-type'] = 'application/x-www-form-urlencoded';
      expect(requestShape(head).kind, c.id).to.equal('form');
      const form = parseForm(c.serialized.body);
      expect(form.action, c.id).to.equal(c.operation);
      expect(form.version, c.id).to.equal(c.apiVersion);
    }
  });

  it('REST: neither target nor form nor CBOR path', () => {
    const rest = [...byProtocol('rest-json'), ...byProtocol('rest-xml')].filter((c) => !/\/operation\//.test(c.serialized.uri ?? ''));
    expect(rest.length).to.be.greaterThan(50);
    for (const c of rest) {
      const head = headOf(c);
      if ((head.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) continue;
      expect(requestShape(head).kind, c.id).to.equal('rest');
    }
  });
});
