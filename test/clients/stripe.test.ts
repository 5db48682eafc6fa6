// The real `stripe` package (v23), pointed at a fake Stripe on 127.0.0.1, in a child process under the
// preload: what the app gets, and the spans wiretap wrote for each HTTP attempt.
import { expect } from 'chai';
import * as fs from 'node:fs';
import { runApp, type RunResult } from '../helpers/run-app';
import { STATUS_ERROR, SPAN_KIND, type FlatSpan } from '../helpers/otlp';
import { startFakeStripe, FAKE_CLIENT_SECRET, type FakeStripe } from '../helpers/fake-stripe';
import { underPreload } from '../helpers/preload-under-test';

const KEY = 'sk_test_FAKE51HxE2eSecretKey0000';

describe('clients/stripe: stripe v23 under the preload', function () {
  this.timeout(30000);
  let fake: FakeStripe;
  let run: RunResult;
  let spans: FlatSpan[];
  let got: Record<string, any>;

  before(async () => {
    fake = await startFakeStripe({ failFirstConfirm: true });
    run = await runApp({ app: 'test/helpers/apps/stripe-app.js', ...underPreload({ STRIPE_PORT: String(fake.port), STRIPE_KEY: KEY }) });
    expect(run.code, run.stderr).to.equal(0);
    spans = run
      .spans()
      .filter((s) => s.attributes['wiretap.decoder'] === 'stripe')
      .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    got = Object.fromEntries(run.json().map((line) => [line.step, line]));
  });
  after(() => fake?.close());

  it('the app gets what Stripe answered, retry included', () => {
    expect(got['paymentMethods.create']).to.deep.include({ ok: true, value: { id: 'pm_fake1', last4: '4242' } });
    expect(got['paymentIntents.create'].value).to.deep.equal({ id: 'pi_fake3MtwBw', status: 'requires_confirmation' });
    expect(got['paymentIntents.confirm'].value).to.deep.equal({ id: 'pi_fake3MtwBw', status: 'succeeded' });
    expect(got['customers.retrieve'].value).to.deep.equal({ id: 'cus_NffrFeUfNV2Hib' });
    expect(got['paymentIntents.confirm.declined']).to.deep.include({ ok: false });
    expect(got['paymentIntents.confirm.declined'].error).to.include({ type: 'StripeCardError', code: 'card_declined', decline_code: 'insufficient_funds', statusCode: 402 });
  });

  it('writes one CLIENT span per HTTP attempt, named from the route table', () => {
    expect(fake.seen.map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([
      'POST /v1/payment_methods 200',
      'POST /v1/payment_intents 200',
      'POST /v1/payment_intents/pi_fake3MtwBw/confirm 500',
      'POST /v1/payment_intents/pi_fake3MtwBw/confirm 200',
      'GET /v1/customers/cus_NffrFeUfNV2Hib 200',
      'POST /v1/payment_intents/pi_fake3MtwBw/confirm 402',
    ]);
    expect(spans.map((s) => s.name)).to.deep.equal([
      'Stripe PaymentMethods.create',
      'Stripe PaymentIntents.create',
      'Stripe PaymentIntents.confirm',
      'Stripe PaymentIntents.confirm',
      'Stripe Customers.retrieve',
      'Stripe PaymentIntents.confirm',
    ]);
    for (const s of spans) expect(s.kind).to.equal(SPAN_KIND.CLIENT);
    // each span carries the Request-Id the server sent for that attempt
    expect(spans.map((s) => s.attributes['stripe.request_id'])).to.deep.equal(fake.seen.map((r) => r.requestId));
    expect(spans[1].attributes).to.include({ 'stripe.resource': 'PaymentIntents', 'stripe.method': 'create', 'stripe.object.id': 'pi_fake3MtwBw', 'stripe.livemode': false });
    expect(spans[1].attributes['stripe.api_version']).to.equal(fake.seen[1].headers['stripe-version']);
    expect(spans[4].attributes).to.include({ 'stripe.object.id': 'cus_NffrFeUfNV2Hib', 'http.response.status_code': 200 });
  });

  it('marks the resend of the retried confirm: same idempotency key, resend_count 1', () => {
    const [first, second] = [spans[2], spans[3]];
    const key = fake.seen[2].headers['idempotency-key'];
    expect(key).to.be.a('string').and.equal(fake.seen[3].headers['idempotency-key']);
    expect(first.attributes).to.include({ 'stripe.idempotency_key': key, 'stripe.should_retry': true, 'error.type': 'api_error', 'http.response.status_code': 500 });
    expect(first.attributes).to.not.have.property('http.request.resend_count');
    expect(first.status.code).to.equal(STATUS_ERROR);
    expect(second.attributes).to.include({ 'stripe.idempotency_key': key, 'http.request.resend_count': 1, 'http.response.status_code': 200 });
    expect(second.status.code).to.not.equal(STATUS_ERROR);
  });

  it('turns the card decline into an ERROR span with the decline code', () => {
    const declined = spans[5];
    expect(declined.status.code).to.equal(STATUS_ERROR);
    expect(declined.attributes).to.include({
      'error.type': 'card_declined',
      'stripe.error.type': 'card_error',
      'stripe.error.code': 'card_declined',
      'stripe.error.decline_code': 'insufficient_funds',
      'stripe.idempotency_key': 'order-6735-confirm-declined',
      'stripe.should_retry': false,
    });
  });

  it('records the telemetry stripe-node sends about an earlier request', () => {
    const withTelemetry = spans.filter((s) => s.attributes['stripe.telemetry.last_request_id'] !== undefined);
    expect(withTelemetry.length).to.be.greaterThan(0);
    const ids = new Set(fake.seen.map((r) => r.requestId));
    for (const s of withTelemetry) {
      expect(ids.has(String(s.attributes['stripe.telemetry.last_request_id']))).to.equal(true);
      expect(s.attributes['stripe.telemetry.last_request_duration_ms']).to.be.a('number');
    }
  });

  it('writes no secret: key, card number, CVC, client_secret', () => {
    const text = fs.readFileSync(run.file, 'utf8');
    expect(text).to.include('Stripe PaymentMethods.create'); // the file is the one we think it is
    for (const secret of [KEY, 'sk_test_FAKE', '4242424242424242', 'cvc]=987', 'cvc%5D=987', FAKE_CLIENT_SECRET, '_secret_FAKEe2e']) {
      expect(text, secret).to.not.include(secret);
    }
  });
});
