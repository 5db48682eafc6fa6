// An app using the real `stripe` package against the fake Stripe server (STRIPE_PORT). Prints one JSON line
// per call with what the app got, for test/clients/stripe.test.ts.
'use strict';
const Stripe = require('stripe');

const stripe = new Stripe(process.env.STRIPE_KEY, {
  host: '127.0.0.1',
  port: Number(process.env.STRIPE_PORT),
  protocol: 'http',
  maxNetworkRetries: 2,
});

async function step(name, fn) {
  try {
    const value = await fn();
    console.log(JSON.stringify({ step: name, ok: true, value }));
  } catch (err) {
    const { type, code, decline_code, statusCode, requestId } = err;
    console.log(JSON.stringify({ step: name, ok: false, error: { type, code, decline_code, statusCode, requestId } }));
  }
}

(async () => {
  await step('paymentMethods.create', () =>
    stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '987' } }).then((pm) => ({ id: pm.id, last4: pm.card.last4 })),
  );
  await step('paymentIntents.create', () =>
    stripe.paymentIntents.create({ amount: 2000, currency: 'usd', metadata: { order_id: '6735' } }).then((pi) => ({ id: pi.id, status: pi.status })),
  );
  await step('paymentIntents.confirm', () => stripe.paymentIntents.confirm('pi_fake3MtwBw', { payment_method: 'pm_card_visa' }).then((pi) => ({ id: pi.id, status: pi.status })));
  await step('customers.retrieve', () => stripe.customers.retrieve('cus_NffrFeUfNV2Hib').then((c) => ({ id: c.id })));
  await step('paymentIntents.confirm.declined', () =>
    stripe.paymentIntents.confirm('pi_fake3MtwBw', { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }, { idempotencyKey: 'order-6735-confirm-declined' }),
  );
})();
