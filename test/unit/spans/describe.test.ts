// describeExchange's output must not depend on how its attribute object was filled: the first and every
// 256th description write through defineProperty (to keep V8's fast shape), the others with plain stores.
import * as path from 'node:path';
import { expect } from 'chai';
import { describeExchange } from '../../../src/spans/describe';
import { DecoderRegistry } from '../../../src/decoders/registry';
import { builtInDecoders } from '../../../src/decoders';
import { loadConfig } from '../../../src/config/load';
import { createRedactor } from '../../../src/redaction/redact';
import { loadFixture, toExchange } from '../../../src/fixture/format';

const root = path.resolve(__dirname, '../../../../fixtures');

describe('spans/describe', () => {
  const config = loadConfig({});
  const redactor = createRedactor(config.redaction);
  const registry = new DecoderRegistry(builtInDecoders);

  for (const file of ['aws/dynamodb/v3-get-item.json', 'aws/dynamodb/v3-transact-write-items-canceled.json', 'stripe/payment-intents-create.json', 'http/post-500-secrets-in-url-and-headers.json']) {
    it(`gives the same attributes, in the same order, on every call: ${file}`, () => {
      const fixture = loadFixture(path.join(root, file));
      const x = toExchange(fixture.exchange);
      const decoder = registry.match(x.request);
      const describe = () =>
        JSON.stringify(
          describeExchange(x, decoder, {
            redactor,
            captureBodies: 'all',
            captureHeaders: ['authorization', 'content-type'],
            maxBodyBytes: config.maxBodyBytes,
            maxErrorBodyBytes: config.maxErrorBodyBytes,
            state: new Map(),
          }),
        );
      const first = describe();
      expect(first).to.include('"wiretap.decoder"');
      for (let i = 0; i < 600; i++) expect(describe()).to.equal(first);
    });
  }

  it('gives each call its own url.full when URLs and redactors alternate', () => {
    const fixture = loadFixture(path.join(root, 'http/post-500-secrets-in-url-and-headers.json'));
    const strict = createRedactor(loadConfig({ WIRETAP_REDACT_KEYS: 'a' }).redaction);
    const urlOf = (query: string, r: typeof redactor) => {
      const x = toExchange(fixture.exchange);
      x.request.query = query;
      const d = describeExchange(x, registry.match(x.request), { redactor: r, captureBodies: 'off', maxBodyBytes: 1024, maxErrorBodyBytes: 1024 });
      return d.attributes['url.full'] as string;
    };
    const masked = urlOf('token=abc&a=1', redactor);
    expect(masked).to.include('token=%5BREDACTED%5D').and.include('a=1');
    expect(urlOf('token=abc&a=2', redactor)).to.include('a=2');
    expect(urlOf('token=abc&a=1', strict)).to.include('a=%5BREDACTED%5D');
    expect(urlOf('token=abc&a=1', redactor)).to.equal(masked);
  });

  it('redacts a decoder value that changes at the same position, and follows a change of redactor', () => {
    const fixture = loadFixture(path.join(root, 'http/post-500-secrets-in-url-and-headers.json'));
    let value = 'plain-value-1';
    const decoder = { name: 'test.positions', match: () => true, decode: () => ({ name: 'T', attributes: { 'test.first': 'us-east-1', 'test.value': value } }) };
    const keysToo = createRedactor(loadConfig({ WIRETAP_REDACT_KEYS: 'a' }).redaction);
    const valueOf = (r: typeof redactor) =>
      describeExchange(toExchange(fixture.exchange), decoder, { redactor: r, captureBodies: 'off', maxBodyBytes: 1024, maxErrorBodyBytes: 1024 }).attributes['test.value'];
    expect(valueOf(redactor)).to.equal('plain-value-1');
    expect(valueOf(redactor)).to.equal('plain-value-1');
    value = 'password=hunter2';
    expect(valueOf(redactor)).to.equal('password=[REDACTED]');
    value = 'ab=12';
    expect(valueOf(redactor)).to.equal('ab=12');
    expect(valueOf(keysToo)).to.equal('ab=[REDACTED]');
    expect(valueOf(redactor)).to.equal('ab=12');
  });
});
