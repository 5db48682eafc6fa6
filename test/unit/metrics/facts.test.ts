// Metric attributes per call, over every AWS/Stripe/Algolia fixture (adding a fixture adds a case): a sampled
// call (decoder ran) and the same call unsampled (head only, no bodies) name the same service and operation
// where the head can tell, and no attribute ever carries an id.
import * as path from 'node:path';
import { expect } from 'chai';
import { listFixtureFiles, loadFixture } from '../../../src/testing';
import { toExchange } from '../../../src/fixture/format';
import { DecoderRegistry } from '../../../src/decoders/registry';
import { builtInDecoders } from '../../../src/decoders';
import { describeExchange } from '../../../src/spans/describe';
import { createRedactor } from '../../../src/redaction/redact';
import { loadConfig } from '../../../src/config/load';
import { callFacts, templateOf, OTHER } from '../../../src/metrics/facts';
import { measurementsOf } from '../../../src/metrics/instruments';
import type { Exchange } from '../../../src/exchange/types';

const root = path.resolve(__dirname, '../../../../fixtures');
const registry = new DecoderRegistry(builtInDecoders);
const redactor = createRedactor(loadConfig({}).redaction);

function sampled(x: Exchange) {
  const decoder = registry.match(x.request);
  const d = describeExchange(x, decoder, { redactor, captureBodies: 'all', maxBodyBytes: 65536, maxErrorBodyBytes: 65536, state: registry.stateOf(decoder) });
  return { d, facts: callFacts(x, d, decoder, true) };
}

function unsampled(x: Exchange) {
  const bare: Exchange = { ...x, requestBody: undefined, responseBody: undefined };
  return callFacts(bare, undefined, registry.match(bare.request), true);
}

/** Values no metric attribute may hold: ids the span carries. */
const ID_ATTRIBUTES = ['messaging.message.id', 'wiretap.messaging.message_ids', 'aws.request_id', 'aws.extended_request_id', 'url.full', 'wiretap.aws.eventbridge.event_ids', 'stripe.object.id', 'stripe.request_id', 'algolia.object.id', 'wiretap.aws.kinesis.sequence_numbers'];

describe('metrics/facts', () => {
  const files = listFixtureFiles(root).filter((f) => /[/\\](aws|stripe|algolia)[/\\]/.test(f));
  it('finds fixtures', () => expect(files.length).to.be.greaterThan(20));
  for (const file of files) {
    const rel = path.relative(root, file);
    it(rel, () => {
      const x = toExchange(loadFixture(file).exchange);
      const { d, facts } = sampled(x);
      const head = unsampled(x);
      const attrs = measurementsOf(facts).map((m) => m.attributes());
      const values = attrs.flatMap((a) => Object.values(a).map(String));
      for (const name of ID_ATTRIBUTES) {
        const v = d.attributes[name];
        for (const id of (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String)) {
          if (id.length >= 6) expect(values.some((s) => s.includes(id)), `${name}=${id} leaked into ${JSON.stringify(attrs)}`).to.equal(false);
        }
      }
      if (d.attributes['rpc.system'] === 'aws-api') {
        expect(facts.aws?.service).to.equal(d.attributes['rpc.service']);
        if (d.attributes['rpc.method']) expect(facts.aws?.operation).to.equal(d.attributes['rpc.method']);
        const queryPost = x.request.method === 'POST' && (x.request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
        expect(head.aws?.service, 'unsampled service').to.equal(facts.aws?.service);
        expect(head.aws?.operation, 'unsampled operation').to.equal(queryPost ? OTHER : facts.aws?.operation);
        if (facts.aws?.service === 'DynamoDB') {
          expect(attrs.some((a) => a['db.system.name'] === 'aws.dynamodb' && a['db.operation.name'] === facts.aws!.operation)).to.equal(true);
          if (d.attributes['db.collection.name']) expect(facts.db?.collection).to.equal(d.attributes['db.collection.name']);
        }
        const names = measurementsOf(facts).map((m) => m.spec.name);
        expect(names).to.include('rpc.client.call.duration');
        if (d.attributes['messaging.operation.name']) {
          expect(names).to.include('messaging.client.operation.duration');
          expect(facts.messaging?.operationName).to.equal(d.attributes['messaging.operation.name']);
        }
      } else {
        expect(facts.aws).to.equal(undefined);
        // The route template is known without a body, so sampled and unsampled agree.
        expect(head.urlTemplate).to.equal(facts.urlTemplate);
        if (facts.urlTemplate) expect(facts.urlTemplate).to.not.match(/(cus|pi|ch|in|sub)_[A-Za-z0-9]{4,}/);
      }
    });
  }

  it('templates a Stripe path from its route parameters', () => {
    expect(templateOf('/v1/customers/cus_123/sources/card_9', [['customer', 'cus_123'], ['id', 'card_9']])).to.equal('/v1/customers/{customer}/sources/{id}');
  });

  it('an unsampled DynamoDB call knows its operation from X-Amz-Target and its AWS error from x-amzn-errortype', () => {
    const x = toExchange({
      request: {
        method: 'POST',
        url: 'http://127.0.0.1:8000/',
        headers: { 'x-amz-target': 'DynamoDB_20120810.Query', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00', 'content-type': 'application/x-amz-json-1.0' },
      },
      response: { status: 400, headers: { 'x-amzn-errortype': 'ProvisionedThroughputExceededException:http://internal.amazon.com/coral/com.amazon.coral.service/' } },
    });
    const f = unsampled(x);
    expect(f).to.deep.include({ aws: { service: 'DynamoDB', operation: 'Query' }, errorType: 'ProvisionedThroughputExceededException', status: 400 });
    expect(f.db).to.deep.equal({ system: 'aws.dynamodb', operation: 'Query', collection: undefined });
  });

  it('counts a resend from amz-sdk-request and never records a duration for a call still in flight', () => {
    const x = toExchange({ request: { method: 'GET', url: 'http://127.0.0.1:1/x', headers: { 'amz-sdk-request': 'attempt=2; max=3' } } });
    x.incomplete = true;
    const f = callFacts(x, undefined, registry.match(x.request), false);
    expect(f).to.include({ resend: true, incomplete: true });
    expect(measurementsOf(f).map((m) => m.spec.name)).to.deep.equal(['wiretap.client.request.resends', 'wiretap.client.request.inflight_at_exit']);
  });

  it('folds an unknown HTTP method into _OTHER', () => {
    const x = toExchange({ request: { method: 'PURGE', url: 'http://127.0.0.1:1/x' }, response: { status: 204, headers: {} } });
    expect(callFacts(x, undefined, registry.match(x.request), false).method).to.equal('_OTHER');
  });
});
