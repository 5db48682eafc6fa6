// The README's first command must keep working: run the demo and check what it prints and writes.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'chai';
import { readSpanFile } from './helpers/otlp';

const root = path.resolve(__dirname, '../..');

describe('npm run demo', function () {
  this.timeout(60_000);
  let output = '';

  before(() => {
    const r = spawnSync(process.execPath, [path.join(root, 'demo', 'run.js')], { cwd: root, encoding: 'utf8', env: { ...process.env, WIRETAP_LOG_LEVEL: 'warn' } });
    output = r.stdout + r.stderr;
    expect(r.status, output).to.equal(0);
  });

  it('prints the checkout as one transaction, its waterfall with decoded calls, and the stats per integration', () => {
    expect(output).to.match(/^\d\d:\d\d:\d\d\.\d{3} +[0-9a-f]{16} +\S+ \S+ +14 +3 +1 +1 +demo-shop POST \/checkout$/m);
    expect(output).to.match(/^\* POST \/checkout +\S+ \S+ ok +\|█+\|$/m);
    for (const name of ['DynamoDB.GetItem orders', 'SQS.SendMessage order-events', 'Stripe PaymentIntents.create', 'Algolia searchSingleIndex products']) {
      expect(output, name).to.include(name);
    }
    expect(output).to.match(/GET 127\.0\.0\.1 \/recommendations +\S+ \S+ ERR 503/);
    expect(output).to.match(/DynamoDB\.GetItem orders +\S+ \S+ ok ×2/);
    expect(output).to.match(/^demo-shop +DynamoDB +GetItem +2 +1 +50\.0% +1 /m);
  });

  it('writes the HTML report', () => {
    const html = require('node:fs').readFileSync(path.join(root, 'demo', 'out', 'wiretap-report.html'), 'utf8');
    expect(html).to.match(/^<!doctype html>/i);
    expect(html).to.include('DynamoDB');
  });

  it('writes spans in which the throttled GetItem was retried and the 503 failed', () => {
    const spans = readSpanFile(path.join(root, 'demo', 'out', 'wiretap-traces.jsonl'));
    const gets = spans.filter((s) => s.name === 'DynamoDB.GetItem');
    expect(gets).to.have.length(2);
    expect(gets.map((s) => s.attributes['http.request.resend_count'] ?? 0)).to.deep.equal([0, 1]);
    expect(gets[0].attributes['error.type']).to.equal('ThrottlingException');
    const failed = spans.find((s) => s.attributes['http.response.status_code'] === 503);
    expect(failed?.status.code).to.equal(2);
    const traceIds = new Set(spans.filter((s) => s.kind === 3).map((s) => s.traceId));
    expect(traceIds.size, 'all client calls belong to the checkout trace').to.equal(1);
  });

  it('shows the producer → queue hop: the receive links back to the send', () => {
    const spans = readSpanFile(path.join(root, 'demo', 'out', 'wiretap-traces.jsonl'));
    const send = spans.find((s) => s.name === 'SQS.SendMessage');
    const receive = spans.find((s) => s.name === 'SQS.ReceiveMessage');
    expect(send?.kind).to.equal(4);
    expect(receive?.links).to.deep.equal([{ traceId: send!.traceId, spanId: send!.spanId }]);
    expect(receive?.attributes['messaging.message.id']).to.equal(send?.attributes['messaging.message.id']);
  });

  it('leaks no credential from the demo into the trace file or the report', () => {
    const read = (f: string) => require('node:fs').readFileSync(path.join(root, 'demo', 'out', f), 'utf8');
    const text = read('wiretap-traces.jsonl') + read('wiretap-report.html');
    for (const secret of ['sk_test_FAKEdemoKey000000000000', 'fake-demo-search-key', 'demo-FAKE-token-123', '4242424242424242', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']) {
      expect(text, secret).to.not.include(secret);
    }
  });
});
