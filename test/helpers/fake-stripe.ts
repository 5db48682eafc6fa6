// A local stand-in for api.stripe.com on 127.0.0.1: the real wire format (form-encoded v1 requests, JSON
// answers with Request-Id, Stripe error bodies, Stripe-Should-Retry) for the few routes the client tests use.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeStripeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  form: URLSearchParams;
  /** The Request-Id this server answered with. */
  requestId: string;
  status: number;
}

export interface FakeStripe {
  port: number;
  seen: FakeStripeRequest[];
  close(): Promise<void>;
}

export const FAKE_CLIENT_SECRET = 'pi_fake3MtwBw_secret_FAKEe2eClientSecret';
/** Confirming with this payment method is declined (402 card_error). */
export const DECLINED_PAYMENT_METHOD = 'pm_card_chargeDeclinedInsufficientFunds';

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

function stripeError(status: number, error: Record<string, string>, headers?: Record<string, string>): Answer {
  return { status, body: { error }, headers };
}

export function startFakeStripe(options: { failFirstConfirm?: boolean } = {}): Promise<FakeStripe> {
  const seen: FakeStripeRequest[] = [];
  const failedKeys = new Set<string>();
  let n = 0;

  function answer(method: string, path: string, form: URLSearchParams, headers: http.IncomingHttpHeaders): Answer {
    if (!String(headers.authorization ?? '').startsWith('Bearer sk_test_')) {
      return stripeError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided' });
    }
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/payment_methods') {
      const number = form.get('card[number]') ?? '';
      return { status: 200, body: { id: 'pm_fake1', object: 'payment_method', type: 'card', card: { brand: 'visa', last4: number.slice(-4) }, livemode: false } };
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      return {
        status: 200,
        body: { id: 'pi_fake3MtwBw', object: 'payment_intent', amount: Number(form.get('amount')), currency: form.get('currency'), client_secret: FAKE_CLIENT_SECRET, status: 'requires_confirmation', livemode: false },
      };
    }
    if (method === 'POST' && (m = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(path))) {
      if (form.get('payment_method') === DECLINED_PAYMENT_METHOD) {
        return stripeError(
          402,
          { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.', param: '' },
          { 'stripe-should-retry': 'false' },
        );
      }
      const key = String(headers['idempotency-key'] ?? '');
      if (options.failFirstConfirm && !failedKeys.has(key)) {
        failedKeys.add(key);
        return stripeError(500, { type: 'api_error', message: 'An unknown error occurred' }, { 'stripe-should-retry': 'true' });
      }
      return { status: 200, body: { id: m[1], object: 'payment_intent', status: 'succeeded', client_secret: FAKE_CLIENT_SECRET, livemode: false } };
    }
    if (method === 'GET' && (m = /^\/v1\/customers\/([^/]+)$/.exec(path))) {
      return { status: 200, body: { id: m[1], object: 'customer', email: 'jenny.rosen@example.com', livemode: false } };
    }
    return stripeError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `Unrecognized request URL (${method}: ${path}).` });
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const form = new URLSearchParams(req.method === 'GET' ? url.search : Buffer.concat(chunks).toString('utf8'));
      const a = answer(req.method ?? '', url.pathname, form, req.headers);
      const requestId = `req_fake${String(++n).padStart(4, '0')}`;
      seen.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, form, requestId, status: a.status });
      res.writeHead(a.status, { 'content-type': 'application/json', 'request-id': requestId, 'stripe-version': String(req.headers['stripe-version'] ?? '2026-10-28.endive'), ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        seen,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
