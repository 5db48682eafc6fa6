// A dead collector never holds the exit, and a handled uncaught exception cuts no call in flight.
import { expect } from 'chai';
import * as net from 'node:net';
import { runApp } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { clientSpans, spanFor } from '../helpers/spans';
import { startSilentCollector } from '../helpers/otlp-receiver';

/** A port where nothing listens (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}


describe('e2e: exit with a dead collector', function () {
  this.timeout(60000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  const CALLS = 2000;
  for (const kind of ['nothing listens', 'accepts and never answers'] as const) {
    for (const protocol of ['http/protobuf', 'http/json'] as const) {
      it(`${CALLS} fetch calls, OTLP ${protocol} at a collector that ${kind}: the process ends soon after the app's last work`, async () => {
        const silent = kind === 'accepts and never answers' ? await startSilentCollector() : undefined;
        const port = silent ? silent.port : await closedPort();
        const tag = `dead-${silent ? 'silent' : 'closed'}-${protocol.replace('/', '-')}`;
        try {
          const r = await runApp({
            app: 'test/e2e/apps/many-fetch.js',
            // Also the file exporter: what the dead collector cannot take is still written there.
            env: { ...servers.env, RUN_TAG: tag, FETCH_CALLS: String(CALLS), OTEL_TRACES_EXPORTER: 'otlp,file', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: protocol },
            // Before the fix the process stayed alive for more than 26 s after its work.
            timeoutMs: 45000,
          });
          expect(r.timedOut, `hung after the app's work:\n${r.stdout}\n${r.stderr}`).to.equal(false);
          expect(r.code, r.stderr).to.equal(0);
          const exit = r.json().find((o) => 'exitAfterMs' in o);
          expect(exit, r.stdout).to.not.equal(undefined);
          // Bounded by design: the exit grace (1 s) plus one synchronous send (2 s); not a timing test of the agent.
          expect(exit.exitAfterMs, 'ms from the last work to exit').to.be.below(10000);
          if (silent) expect(silent.connections(), 'batches were in flight').to.be.greaterThan(0);
          // The losses are counted and told once.
          const lossLines = r.stderr.split('\n').filter((l) => l.includes('spans not delivered'));
          expect(lossLines, r.stderr).to.have.length(1);
          expect(Number(/\] warn: (\d+) spans not delivered/.exec(lossLines[0])?.[1])).to.be.greaterThan(0);
          // Every call is in the file.
          const spans = clientSpans(r.spans()).filter((s) => String(s.attributes['url.full']).includes(`/${tag}/call/`));
          expect(new Set(spans.map((s) => s.spanId)).size).to.equal(CALLS);
        } finally {
          silent?.close();
        }
      });
    }
  }
});

describe('e2e: a handled uncaught exception', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  it('does not cut the calls in flight: the call that completes after the throw has its real span', async () => {
    const tag = 'uncaught-handled';
    const r = await runApp({ app: 'test/e2e/apps/uncaught-handled.js', env: { ...servers.env, RUN_TAG: tag } });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.json()).to.deep.include({ handled: 'boom' });
    expect(r.json()).to.deep.include({ completed: 200 });
    const held = spanFor(r.spans(), `/${tag}/hold/u1`);
    expect(held.attributes['wiretap.incomplete']).to.equal(undefined);
    expect(held.attributes['error.type']).to.equal(undefined);
    expect(held.attributes['http.response.status_code']).to.equal(200);
    expect(held.attributes['http.response.body.content']).to.equal('first-chunk;rest-of-body');
  });
});

describe('e2e: secrets on the command line', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  it('process.command_args on the exported resource is redacted', async () => {
    const tag = 'cmdline';
    const key = 'sk_live_FAKEfake0000notreal1234';
    const r = await runApp({ app: 'test/e2e/apps/args.js', args: [`--api-key=${key}`, '--token', 'opaque-value-1', '--port=8080'], env: { ...servers.env, RUN_TAG: tag } });
    expect(r.json()).to.deep.include({ args: [`--api-key=${key}`, '--token', 'opaque-value-1', '--port=8080'] });
    const span = spanFor(r.spans(), `/${tag}/args`);
    const args = span.resource['process.command_args'] as string[];
    expect(args.slice(-4)).to.deep.equal(['--api-key=[REDACTED]', '--token', '[REDACTED]', '--port=8080']);
    const raw = require('node:fs').readFileSync(r.file, 'utf8') as string;
    expect(raw).to.not.include(key);
    expect(raw).to.not.include('opaque-value-1');
  });
});
