// A wiretap decoder for "Acme Ledger", a made-up internal bookkeeping API:
//   POST https://ledger.acme.internal/v2/accounts/{accountId}/entries   → creates a ledger entry
//   GET  https://ledger.acme.internal/v2/accounts/{accountId}/balance   → reads a balance
// Register it with `registerDecoder(acmeLedgerDecoder)` from 'wiretap' (or WIRETAP_DECODERS=./decoder.js).
'use strict';

const ROUTES = [
  { method: 'POST', pattern: /^\/v2\/accounts\/([^/]+)\/entries$/, operation: 'CreateEntry' },
  { method: 'GET', pattern: /^\/v2\/accounts\/([^/]+)\/balance$/, operation: 'GetBalance' },
];

function route(head) {
  for (const r of ROUTES) {
    const m = head.method === r.method ? r.pattern.exec(head.path) : null;
    if (m) return { operation: r.operation, accountId: decodeURIComponent(m[1]) };
  }
  return undefined;
}

function parse(text) {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined; // a truncated body: the head attributes are enough
  }
}

/** @type {import('wiretap').Decoder} */
const acmeLedgerDecoder = {
  name: 'acme.ledger',
  // Head only, cheap: it runs for every outgoing call.
  match: (head) => head.host === 'ledger.acme.internal' && route(head) !== undefined,
  decode(exchange, ctx) {
    const { operation, accountId } = route(exchange.request);
    const attributes = {
      'rpc.system': 'acme-ledger',
      'rpc.service': 'AcmeLedger',
      'rpc.method': operation,
      'acme.ledger.account_id': accountId,
    };
    const response = parse(ctx.responseText());
    if (response && typeof response.entryId === 'string') attributes['acme.ledger.entry_id'] = response.entryId;
    if (response && typeof response.currency === 'string') attributes['acme.ledger.currency'] = response.currency;
    const status = exchange.response ? exchange.response.status : 0;
    const error = status === 409 && response && response.code ? { type: response.code, message: ctx.redactor.text(String(response.message || '')) } : undefined;
    return { name: `AcmeLedger ${operation}`, kind: 'client', attributes, error };
  },
};

module.exports = { acmeLedgerDecoder };
