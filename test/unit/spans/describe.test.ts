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
});
