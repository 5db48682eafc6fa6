import { expect } from 'chai';
import stripeRoutes from '../../../src/decoders/data/stripe-routes.json';
import { resolveRoute, type RouteRow } from '../../../src/decoders/route-table';
import { STRIPE_ROUTES, isStripeRequest, stripeDecoder } from '../../../src/decoders/stripe';
import type { RequestHead } from '../../../src/exchange/types';
import type { Fixture } from '../../../src/fixture/format';
import { decodeWith, head } from '../../helpers/decode';

const ROWS = stripeRoutes as unknown as RouteRow[];

const STRIPE_HEADERS = { 'stripe-version': '2026-10-28.endive', authorization: 'Bearer sk_test_FAKE51HxFAKEkey0000000000' };

const decode = (ex: Fixture['exchange'], state?: Map<string, unknown>) => decodeWith(stripeDecoder, ex, state);

describe('decoders/stripe', () => {
  describe('route table', () => {
    it('holds the whole stripe-node table', () => {
      expect(ROWS.length).to.be.greaterThan(600);
    });

    it('resolves every row of the table to its own name, with the ids as parameters', () => {
      const wrong: string[] = [];
      for (const [method, template, name] of ROWS) {
        let n = 0;
        const path = template.replace(/\{[^}]+\}/g, () => `xid_Test${++n}`);
        const got = resolveRoute(STRIPE_ROUTES, method, path);
        if (got?.name !== name) wrong.push(`${method} ${path}: expected ${name}, got ${got?.name}`);
        else if (got.params.length !== n || got.params.some(([, v], i) => v !== `xid_Test${i + 1}`)) wrong.push(`${method} ${path}: params ${JSON.stringify(got.params)}`);
      }
      expect(wrong).to.deep.equal([]);
    });

    const cases: [string, string, string | undefined, [string, string][]?][] = [
      ['POST', '/v1/payment_intents', 'PaymentIntents.create'],
      ['GET', '/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa', 'PaymentIntents.retrieve', [['id', 'pi_3MtwBwLkdIwHu7ix28a3tqPa']]],
      ['POST', '/v1/payment_intents/pi_1/confirm', 'PaymentIntents.confirm', [['id', 'pi_1']]],
      ['POST', '/v1/payment_intents/pi_1/capture', 'PaymentIntents.capture'],
      ['GET', '/v1/customers/search', 'Customers.search', []],
      ['GET', '/v1/customers/cus_123', 'Customers.retrieve', [['id', 'cus_123']]],
      ['DELETE', '/v1/customers/cus_123', 'Customers.del'],
      ['POST', '/v1/customers/cus_123', 'Customers.update'],
      ['GET', '/v1/accounts/acct_1/capabilities/card_payments', 'Accounts.retrieveCapability', [['accountId', 'acct_1'], ['id', 'card_payments']]],
      ['GET', '/v1/account', 'Accounts.retrieveCurrent', []],
      ['GET', '/v1/balance', 'Balance.retrieve'],
      ['POST', '/v1/checkout/sessions', 'Checkout.Sessions.create'],
      ['GET', '/v1/checkout/sessions/cs_test_a1/line_items', 'Checkout.Sessions.listLineItems', [['id', 'cs_test_a1']]],
      ['POST', '/v1/subscriptions/sub_1/resume', 'Subscriptions.resume'],
      ['GET', '/v2/core/events/evt_1', 'V2.Core.Events.retrieve'],
      ['POST', '/v2/core/accounts/acct_1/persons', 'V2.Core.Accounts.Persons.create', [['accountId', 'acct_1']]],
      ['POST', '/oauth/token', 'OAuth.token'],
      ['POST', '/v1/customers/cus%201', 'Customers.update', [['id', 'cus 1']]],
      ['GET', '/v1/customers/cus_1/', 'Customers.retrieve'],
      ['PUT', '/v1/customers', undefined],
      ['GET', '/v1/no_such_resource', undefined],
      ['GET', '/v1/customers/cus_1/no_such_child/x/y', undefined],
    ];
    for (const [method, path, name, params] of cases) {
      it(`${method} ${path} -> ${name ?? 'nothing'}`, () => {
        const got = resolveRoute(STRIPE_ROUTES, method, path);
        expect(got?.name).to.equal(name);
        if (params) expect(got?.params).to.deep.equal(params);
      });
    }
  });

  describe('match', () => {
    const yes: [string, RequestHead][] = [
      ['api.stripe.com, any path', head('GET', 'https://api.stripe.com/healthcheck')],
      ['files.stripe.com upload', head('POST', 'https://files.stripe.com/v1/files')],
      ['connect.stripe.com oauth', head('POST', 'https://connect.stripe.com/oauth/token')],
      ['stripe-mock on 127.0.0.1 with Stripe-Version', head('GET', 'http://127.0.0.1:12111/v1/charges', { 'stripe-version': '2026-10-28.endive' })],
      ['proxy host with X-Stripe-Client-User-Agent', head('POST', 'https://stripe-proxy.internal/v1/payment_intents', { 'x-stripe-client-user-agent': '{}' })],
      ['stripe-node User-Agent', head('GET', 'http://localhost:8080/v1/customers', { 'user-agent': 'Stripe/v1 NodeBindings/23.1.0' })],
      ['bare sk_ key on a known Stripe route', head('GET', 'http://localhost:8080/v1/payment_intents/pi_1', { authorization: 'Bearer sk_test_FAKE000000000' })],
    ];
    const no: [string, RequestHead][] = [
      ['a /v1/ API with an sk_ key on a route Stripe does not have (Clerk)', head('GET', 'https://api.clerk.example/v1/users', { authorization: 'Bearer sk_test_FAKE000000000' })],
      ['OpenAI-style sk- key on /v1/', head('POST', 'https://api.openai.example/v1/chat/completions', { authorization: 'Bearer sk-FAKE0000000000' })],
      ['a /v1/ API without Stripe headers', head('GET', 'https://api.example.test/v1/customers/cus_1')],
      ['Stripe-Version outside the API paths', head('GET', 'https://example.test/webhooks', { 'stripe-version': '2026-10-28.endive' })],
      ['a look-alike host', head('GET', 'https://api.stripe.com.evil.example/v1/charges')],
      ['sk_ key on a known route but a Basic scheme', head('GET', 'https://api.example.test/v1/charges', { authorization: 'Basic c2tfdGVzdF86' })],
    ];
    for (const [what, h] of yes) it(`matches ${what}`, () => expect(isStripeRequest(h)).to.equal(true));
    for (const [what, h] of no) it(`does not match ${what}`, () => expect(isStripeRequest(h)).to.equal(false));
  });

  describe('decode', () => {
    it('names and ids a nested route', () => {
      const d = decode({ request: { method: 'POST', url: 'https://api.stripe.com/v1/customers/cus_A/sources/card_B', headers: STRIPE_HEADERS }, response: { status: 200, body: '{"id":"card_B","object":"card"}' } });
      expect(d.name).to.equal('Stripe Customers.updateSource');
      expect(d.attributes).to.include({ 'stripe.parent.id': 'cus_A', 'stripe.object.id': 'card_B', 'stripe.resource': 'Customers', 'stripe.method': 'updateSource' });
    });

    it('counts resends of one idempotency key: 0, 1, 2', () => {
      const state = new Map<string, unknown>();
      const attempt = { request: { method: 'POST', url: 'https://api.stripe.com/v1/refunds', headers: { ...STRIPE_HEADERS, 'idempotency-key': 'k-1' } }, response: { status: 500 } };
      const counts = [1, 2, 3].map(() => decode(attempt, state).attributes['http.request.resend_count']);
      expect(counts).to.deep.equal([undefined, 1, 2]);
      const other = decode({ ...attempt, request: { ...attempt.request, headers: { ...STRIPE_HEADERS, 'idempotency-key': 'k-2' } } }, state);
      expect(other.attributes['http.request.resend_count']).to.equal(undefined);
    });

    it('keeps its retry memory bounded', () => {
      const state = new Map<string, unknown>();
      for (let i = 0; i < 2500; i++) {
        decode({ request: { method: 'POST', url: 'https://api.stripe.com/v1/refunds', headers: { ...STRIPE_HEADERS, 'idempotency-key': `key-${i}` } } }, state);
      }
      expect(state.size).to.be.at.most(1000);
      // the most recent keys are still known
      const again = decode({ request: { method: 'POST', url: 'https://api.stripe.com/v1/refunds', headers: { ...STRIPE_HEADERS, 'idempotency-key': 'key-2499' } } }, state);
      expect(again.attributes['http.request.resend_count']).to.equal(1);
    });

    it('reads the error of a truncated error body', () => {
      const body = '{"error":{"type":"card_error","code":"card_declined","decline_code":"stolen_card","message":"Your card was declined.","payment_intent":{"id":"pi_1","descr';
      const d = decode({ request: { method: 'POST', url: 'https://api.stripe.com/v1/payment_intents/pi_1/confirm', headers: STRIPE_HEADERS }, response: { status: 402, body, bodySize: 4000 } });
      expect(d.error).to.deep.equal({ type: 'card_declined', message: 'Your card was declined.' });
      expect(d.attributes).to.include({ 'stripe.error.type': 'card_error', 'stripe.error.decline_code': 'stolen_card', 'error.type': 'card_declined' });
    });

    it('falls back to the status when an error body is not Stripe-shaped', () => {
      const d = decode({ request: { method: 'GET', url: 'https://api.stripe.com/v1/charges', headers: STRIPE_HEADERS }, response: { status: 502, body: '<html>Bad gateway</html>' } });
      expect(d.error?.type).to.equal('502');
    });

    it('decodes an in-flight call without a response', () => {
      const d = decode({ request: { method: 'POST', url: 'https://api.stripe.com/v1/payouts', headers: STRIPE_HEADERS }, incomplete: true });
      expect(d.name).to.equal('Stripe Payouts.create');
      expect(d.error).to.equal(undefined);
    });

    it('ignores a malformed telemetry header', () => {
      const d = decode({ request: { method: 'GET', url: 'https://api.stripe.com/v1/balance', headers: { ...STRIPE_HEADERS, 'x-stripe-client-telemetry': '{not json' } } });
      expect(d.attributes).to.not.have.property('stripe.telemetry.last_request_id');
    });

    it('never puts the secret key on its own attributes', () => {
      const d = decode({ request: { method: 'GET', url: 'https://api.stripe.com/v1/balance', headers: STRIPE_HEADERS }, response: { status: 200, body: '{"object":"balance"}' } });
      expect(JSON.stringify(d)).to.not.include('sk_test_FAKE');
      expect(d.attributes['stripe.livemode']).to.equal(false);
    });
  });
});
