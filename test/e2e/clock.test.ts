// Fake timers and fake clocks installed by the app after start-up (as sinon.useFakeTimers() and Jest's
// modern timers do) never see a wiretap timer and never move span times.
import { expect } from 'chai';
import { runApp } from '../helpers/run-app';
import { SPAN_KIND } from '../helpers/otlp';
import type { FlatSpan } from '../helpers/otlp';

const millis = (nanos: string) => Number(BigInt(nanos) / 1000000n);

describe('e2e: fake timers and clocks in the app', function () {
  this.timeout(30000);

  it('first server and first call under @sinonjs/fake-timers: no wiretap timer, spans with real times, nothing lost', async () => {
    const tag = 'fake-timers';
    const r = await runApp({ app: 'test/e2e/apps/fake-timers.js', env: { RUN_TAG: tag } });
    expect(r.timedOut, r.stderr).to.equal(false);
    expect(r.stderr).to.not.include('BigInt');
    const out = r.json().find((o) => 'timers' in o);
    expect(out, r.stdout + r.stderr).to.not.equal(undefined);
    expect(out.timers, 'timers the fake clock saw').to.equal(0);
    expect(out.fakeNow, 'the clock was really faked').to.be.below(1e9);
    const spans = r.spans();
    const check = (path: string, kind: number): FlatSpan => {
      const found = spans.filter((s) => s.kind === kind && String(s.attributes['url.full'] ?? s.attributes['url.path'] ?? s.name).includes(path));
      expect(found, `${path} kind ${kind}: ${JSON.stringify(spans.map((s) => [s.name, s.kind, s.attributes['url.full'] ?? s.attributes['url.path']]))}`).to.have.length(1);
      const [s] = found;
      const start = millis(s.startTimeUnixNano);
      const end = millis(s.endTimeUnixNano);
      expect(start, `${path} starts at a real time`).to.be.at.least(out.realStart - 1);
      expect(end, `${path} ends at a real time`).to.be.at.most(out.realEnd + 1);
      expect(end).to.be.at.least(start);
      return s;
    };
    check(`/${tag}/while-faked`, SPAN_KIND.CLIENT);
    check(`/${tag}/after-uninstall`, SPAN_KIND.CLIENT);
    check(`/${tag}/while-faked`, SPAN_KIND.SERVER);
    check(`/${tag}/after-uninstall`, SPAN_KIND.SERVER);
  });
});
