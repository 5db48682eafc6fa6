// Nothing lost at exit, and nothing changed about how the app exits: finished spans are flushed and calls
// still in flight are exported as unfinished, while exit code, signal, stdout and stderr (minus
// wiretap's own lines) are the same with and without the preload.
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { runApp, type RunResult } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';
import { spanFor } from '../helpers/spans';
import { SPAN_KIND, STATUS_ERROR } from '../helpers/otlp';

function killWhenReady(signal: NodeJS.Signals) {
  let sent = false;
  return (out: string, child: ChildProcess) => {
    if (!sent && out.includes('"ready":true')) {
      sent = true;
      child.kill(signal);
    }
  };
}

describe('e2e: exit', function () {
  this.timeout(30000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  async function both(mode: string, signal?: NodeJS.Signals): Promise<{ bare: RunResult; tapped: RunResult; tag: string }> {
    const tag = `exit-${mode}-${signal ?? 'none'}`;
    // Each run gets its own signal sender (it keeps state).
    const run = (t: string, preload: 'none' | 'cjs') =>
      runApp({ app: 'test/e2e/apps/exit.js', preload, env: { ...servers.env, RUN_TAG: t, EXIT_MODE: mode }, onStdout: signal ? killWhenReady(signal) : undefined });
    const [bare, tapped] = await Promise.all([run(`${tag}-bare`, 'none'), run(tag, 'cjs')]);
    expect(bare.timedOut, `bare run hung: ${bare.stdout}`).to.equal(false);
    expect(tapped.timedOut, `tapped run hung: ${tapped.stdout}\n${tapped.stderr}`).to.equal(false);
    expect({ code: tapped.code, signal: tapped.signal }, 'exit status').to.deep.equal({ code: bare.code, signal: bare.signal });
    expect(tapped.stdout).to.equal(bare.stdout);
    expect(tapped.appStderr.replaceAll(tag, 'TAG')).to.equal(bare.appStderr.replaceAll(`${tag}-bare`, 'TAG'));
    return { bare, tapped, tag };
  }

  function expectUnfinished(r: RunResult, tag: string) {
    const spans = r.spans();
    const done = spanFor(spans, `/${tag}/finished`);
    expect(done.attributes['http.response.status_code']).to.equal(200);
    expect(done.attributes['wiretap.incomplete']).to.equal(undefined);
    const open = spanFor(spans, `/${tag}/inflight/hang-body`);
    expect(open.attributes['wiretap.incomplete']).to.equal(true);
    expect(open.attributes['wiretap.elapsed_ms']).to.be.a('number').and.to.be.at.least(0);
    expect(open.status.code).to.equal(STATUS_ERROR);
    expect(open.attributes['http.response.status_code']).to.equal(200);
    return spans;
  }

  it('process.exit(3) with a call in flight: code 3, finished and unfinished spans in the file', async () => {
    const { bare, tapped, tag } = await both('process-exit');
    expect(bare.code).to.equal(3);
    expectUnfinished(tapped, tag);
  });

  for (const [mode, expected] of [['process-exit', { code: 5, signal: null }], ['sigterm', { code: null, signal: 'SIGTERM' }], ['uncaught', { code: 1, signal: null }]] as const) {
    it(`${mode} while the app's own server holds a request: the SERVER span is exported as unfinished`, async () => {
      const run = (preload: 'none' | 'cjs') =>
        runApp({ app: 'test/e2e/apps/server-exit.js', preload, env: { EXIT_MODE: mode }, onStdout: mode === 'sigterm' ? killWhenReady('SIGTERM') : undefined });
      const [bare, tapped] = await Promise.all([run('none'), run('cjs')]);
      expect({ code: bare.code, signal: bare.signal }).to.deep.equal(expected);
      expect({ code: tapped.code, signal: tapped.signal }).to.deep.equal(expected);
      // The crash output's stack has the callbackTrampoline frame server spans cost on Node 20/22 (docs/design.md,
      // Spans); compared in test/e2e/server-spans.test.ts. The message is the same.
      if (mode === 'uncaught') expect(tapped.appStderr).to.include('Error: app crash while serving');
      else expect(tapped.appStderr).to.equal(bare.appStderr);
      const servers = tapped.spans().filter((s) => s.kind === SPAN_KIND.SERVER);
      const answered = servers.find((s) => s.attributes['url.path'] === '/answered');
      const held = servers.find((s) => s.attributes['url.path'] === '/held');
      expect(answered?.attributes['wiretap.incomplete'], 'the answered request').to.equal(undefined);
      expect(answered?.attributes['http.response.status_code']).to.equal(200);
      expect(held, 'a SERVER span for the held request: ' + JSON.stringify(servers.map((s) => s.attributes))).to.not.equal(undefined);
      expect(held!.attributes['wiretap.incomplete']).to.equal(true);
      expect(held!.attributes['wiretap.elapsed_ms']).to.be.a('number').and.to.be.at.least(0);
      expect(held!.attributes['http.response.status_code'], 'the head was sent').to.equal(202);
      expect(held!.status.code).to.equal(STATUS_ERROR);
    });
  }

  it('process.exitCode = 4 and a natural end: spans flushed, code kept', async () => {
    const { bare, tapped, tag } = await both('exit-code');
    expect(bare.code).to.equal(4);
    const spans = tapped.spans();
    spanFor(spans, `/${tag}/finished`);
    const aborted = spanFor(spans, `/${tag}/inflight/hang-body`);
    expect(aborted.status.code).to.equal(STATUS_ERROR);
    expect(aborted.attributes['wiretap.incomplete']).to.equal(undefined);
  });

  it('beforeExit: work the app starts from its own beforeExit is exported too', async () => {
    const { bare, tapped, tag } = await both('before-exit');
    expect(bare.code).to.equal(0);
    const spans = tapped.spans();
    spanFor(spans, `/${tag}/finished`);
    expect(spanFor(spans, `/${tag}/from-before-exit`).attributes['http.response.status_code']).to.equal(200);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} with no app handler: the process dies of ${signal}, in-flight call exported`, async () => {
      const { bare, tapped, tag } = await both('signal-default', signal);
      expect(bare.signal).to.equal(signal);
      expectUnfinished(tapped, tag);
    });

    it(`${signal} with the app's own handler: the app's exit code wins, in-flight call exported`, async () => {
      const { bare, tapped, tag } = await both('signal-handler-exit', signal);
      expect(bare.code).to.equal(signal === 'SIGINT' ? 7 : 8);
      expect(tapped.json()).to.deep.include({ handled: signal });
      expectUnfinished(tapped, tag);
    });
  }

  it('SIGTERM with an app handler that keeps running: wiretap does not kill the app', async () => {
    const { bare, tapped, tag } = await both('signal-handler-stay', 'SIGTERM');
    expect(bare.code).to.equal(0);
    expect(tapped.json()).to.deep.include({ cleanedUp: true });
    const open = spanFor(tapped.spans(), `/${tag}/inflight/hang-body`);
    expect(open.status.code).to.equal(STATUS_ERROR);
    expect(open.attributes['wiretap.incomplete']).to.equal(undefined);
  });

  it('an uncaught exception: same crash output and code 1, spans exported', async () => {
    const { bare, tapped, tag } = await both('uncaught');
    expect(bare.code).to.equal(1);
    expect(bare.appStderr).to.include('boom from the app');
    expectUnfinished(tapped, tag);
  });

  it('an unhandled rejection: same crash output and code 1, spans exported', async () => {
    const { bare, tapped, tag } = await both('unhandled-rejection');
    expect(bare.code).to.equal(1);
    expect(bare.appStderr).to.include('rejected by the app');
    expectUnfinished(tapped, tag);
  });

  it('an uncaught exception the app handles itself: the app keeps running as without wiretap', async () => {
    const { bare, tapped } = await both('uncaught-handled');
    expect(bare.code).to.equal(0);
    expect(tapped.json()).to.deep.include({ caught: 'caught by the app' });
  });
});
