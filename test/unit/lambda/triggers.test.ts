// Every event shape under fixtures/lambda/ through detectTrigger(): adding a fixture file adds a test.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectTrigger, httpStatusOf, arnResourceName } from '../../../src/lambda/triggers';
import { REPO } from '../../helpers/run-app';

const DIR = path.join(REPO, 'fixtures', 'lambda');

interface Fixture {
  description: string;
  event: unknown;
  expected: { trigger: string; source: string; kind: string; name?: string; attributes: Record<string, unknown>; traceHeaders?: number };
}

describe('lambda/triggers: event shapes (fixtures/lambda)', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
  it('has fixtures', () => expect(files.length).to.be.greaterThan(10));
  for (const file of files) {
    const fx = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Fixture;
    it(`${file}: ${fx.description}`, () => {
      const t = detectTrigger(fx.event);
      expect({ trigger: t.trigger, source: t.source, kind: t.kind }).to.deep.equal({ trigger: fx.expected.trigger, source: fx.expected.source, kind: fx.expected.kind });
      if (fx.expected.name !== undefined) expect(t.name).to.equal(fx.expected.name);
      for (const [k, v] of Object.entries(fx.expected.attributes)) expect(t.attributes[k], k).to.deep.equal(v);
      expect(t.traceHeaders).to.have.length(fx.expected.traceHeaders ?? 0);
    });
  }
});

describe('lambda/triggers: helpers', () => {
  it('names the resource of an ARN', () => {
    expect(arnResourceName('arn:aws:sqs:us-east-1:123456789012:orders')).to.equal('orders');
    expect(arnResourceName('arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026')).to.equal('Orders');
    expect(arnResourceName('arn:aws:kinesis:us-east-1:123456789012:stream/clicks')).to.equal('clicks');
    expect(arnResourceName(undefined)).to.equal(undefined);
  });
  it('reads the HTTP status from a handler result as API Gateway does', () => {
    expect(httpStatusOf({ statusCode: 404, body: '' })).to.equal(404);
    expect(httpStatusOf({ statusCode: '302' })).to.equal(302);
    expect(httpStatusOf({ hello: 'world' })).to.equal(200);
    expect(httpStatusOf(undefined)).to.equal(undefined);
  });
  it('anything that is not an event object is a direct invoke', () => {
    for (const e of [null, 42, 'text', [1, 2], { Records: [] }]) expect(detectTrigger(e).source).to.equal('direct');
  });
});
