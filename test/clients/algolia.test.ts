// The real `algoliasearch` v5 client with two local hosts (the first answers 503), in a child process under
// the preload: what the app gets, and the spans wiretap wrote for each HTTP attempt.
import { expect } from 'chai';
import * as fs from 'node:fs';
import { runApp, type RunResult } from '../helpers/run-app';
import { STATUS_ERROR, SPAN_KIND, type FlatSpan } from '../helpers/otlp';
import { startFakeAlgolia, type FakeAlgolia } from '../helpers/fake-algolia';
import { underPreload } from '../helpers/preload-under-test';

const APP_ID = 'FAKE_APP';
const API_KEY = 'fake-api-key-e2e-3c9d1b7a';

describe('clients/algolia: algoliasearch v5 under the preload', function () {
  this.timeout(30000);
  let down: FakeAlgolia;
  let up: FakeAlgolia;
  let run: RunResult;
  let spans: FlatSpan[];
  let got: Record<string, any>;

  before(async () => {
    down = await startFakeAlgolia({ appId: APP_ID, apiKey: API_KEY, down: true });
    up = await startFakeAlgolia({ appId: APP_ID, apiKey: API_KEY, rateLimitFirstWrite: true });
    run = await runApp({
      app: 'test/helpers/apps/algolia-app.js',
      ...underPreload({ ALGOLIA_PORTS: `${down.port},${up.port}`, ALGOLIA_APP_ID: APP_ID, ALGOLIA_API_KEY: API_KEY }),
    });
    expect(run.code, run.stderr).to.equal(0);
    spans = run
      .spans()
      .filter((s) => s.attributes['wiretap.decoder'] === 'algolia')
      .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    got = Object.fromEntries(run.json().map((line) => [line.step, line]));
  });
  after(async () => {
    await down?.close();
    await up?.close();
  });

  it('the app gets what Algolia answered, after the failover and the rate limit', () => {
    expect(got.searchSingleIndex).to.deep.include({ ok: true, value: { nbHits: 2, names: ['Trail shoe', 'Road shoe'] } });
    expect(got.saveObject).to.deep.include({ ok: true, value: { taskID: 101, objectID: 'new-1' } });
    expect(got['getObject.missing'].ok).to.equal(false);
    expect(got['getObject.missing'].error).to.include({ status: 404 });
    expect(got.search.value).to.deep.equal({ nbHits: [1, 1] });
  });

  it('writes one CLIENT span per HTTP attempt, named from the spec', () => {
    // The client tries the hosts in order on every call: the down host first, then the next one.
    expect(down.seen.map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([
      'POST /1/indexes/products/query 503',
      'POST /1/indexes/products 503',
      'GET /1/indexes/products/missing 503',
      'POST /1/indexes/*/queries 503',
    ]);
    expect(up.seen.map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([
      'POST /1/indexes/products/query 200',
      'POST /1/indexes/products 429',
      'POST /1/indexes/products 201',
      'GET /1/indexes/products/missing 404',
      'POST /1/indexes/*/queries 200',
    ]);
    expect(spans.map((s) => `${s.name} :${s.attributes['server.port'] === down.port ? 'down' : 'up'} ${s.attributes['http.response.status_code']}`)).to.deep.equal([
      'Algolia searchSingleIndex :down 503',
      'Algolia searchSingleIndex :up 200',
      'Algolia saveObject :down 503',
      'Algolia saveObject :up 429',
      'Algolia saveObject :up 201',
      'Algolia getObject :down 503',
      'Algolia getObject :up 404',
      'Algolia search :down 503',
      'Algolia search :up 200',
    ]);
    for (const s of spans) {
      expect(s.kind).to.equal(SPAN_KIND.CLIENT);
      expect(s.attributes['algolia.application_id']).to.equal(APP_ID);
    }
    expect(spans[1].attributes).to.include({ 'algolia.index.name': 'products', 'algolia.query': 'shoe', 'algolia.nb_hits': 2, 'algolia.processing_time_ms': 1 });
    expect(spans[4].attributes).to.include({ 'algolia.task_id': 101, 'algolia.object.id': 'new-1' });
    expect(spans[8].attributes['algolia.index.names']).to.deep.equal(['products', 'articles']);
    expect(spans[8].attributes).to.include({ 'algolia.nb_hits': 2, 'algolia.request.count': 2 });
  });

  it('links each failover to the next host: same request-id, resend_count 1, failed host recorded', () => {
    for (let call = 0; call < 4; call++) {
      const onDown = spans.find((s) => s.attributes['server.port'] === down.port && s.attributes['algolia.request_id'] === down.seen[call].headers['request-id'])!;
      const requestId = down.seen[call].headers['request-id'];
      expect(requestId, `call ${call}`).to.be.a('string');
      expect(onDown.status.code).to.equal(STATUS_ERROR);
      expect(onDown.attributes).to.include({ 'error.type': '503' });
      expect(onDown.attributes).to.not.have.property('http.request.resend_count');
      const onUp = spans.filter((s) => s.attributes['server.port'] === up.port && s.attributes['algolia.request_id'] === requestId)[0];
      expect(onUp.attributes).to.include({
        'http.request.resend_count': 1,
        'algolia.retry.previous_host': `127.0.0.1:${down.port}`,
        'algolia.retry.previous_status': '503',
      });
    }
    // and the fake hosts saw the same request-id on both
    expect(up.seen.map((r) => r.headers['request-id'])).to.include.members(down.seen.map((r) => r.headers['request-id']));
  });

  it('marks the retry after a 429 on the same host', () => {
    const [limited, retried] = [spans[3], spans[4]];
    expect(limited.status.code).to.equal(STATUS_ERROR);
    expect(limited.attributes).to.include({ 'error.type': '429', 'http.request.resend_count': 1 });
    expect(retried.attributes['algolia.request_id']).to.equal(limited.attributes['algolia.request_id']);
    expect(retried.attributes).to.include({ 'http.request.resend_count': 2, 'algolia.retry.previous_host': `127.0.0.1:${up.port}`, 'algolia.retry.previous_status': '429' });
    expect(retried.status.code).to.not.equal(STATUS_ERROR);
  });

  it('turns the missing object into an ERROR span with the server message', () => {
    const missing = spans[6];
    expect(missing.status.code).to.equal(STATUS_ERROR);
    expect(missing.status.message).to.equal('ObjectID does not exist');
    expect(missing.attributes).to.include({ 'error.type': '404', 'algolia.object.id': 'missing', 'algolia.index.name': 'products' });
  });

  it('writes no API key', () => {
    const text = fs.readFileSync(run.file, 'utf8');
    expect(text).to.include('Algolia searchSingleIndex');
    expect(text).to.not.include(API_KEY);
  });
});
