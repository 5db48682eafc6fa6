// Leak detectors see no growth: finished spans wait for export as compact encoded bytes, not SDK objects.
import { expect } from 'chai';
import { runApp } from '../helpers/run-app';
import { testServers, type TestServers } from '../helpers/server';

describe('e2e: heap while spans wait in the export queue', function () {
  this.timeout(100000);
  let servers: TestServers;
  before(async () => {
    servers = await testServers();
  });

  for (const exporter of ['file', 'otlp'] as const) {
    it(`heapUsed after gc() stays flat over a few hundred requests (${exporter} exporter, every span still queued)`, async () => {
      const env = {
        ...servers.env,
        RUN_TAG: `heap-${exporter}`,
        // Nothing is exported during the measurement: the queue holds every span.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_BSP_MAX_QUEUE_SIZE: '2048',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048',
        OTEL_TRACES_EXPORTER: exporter,
        // A collector nobody answers from: the spans are written at exit or counted; not what this test is about.
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        WIRETAP_LOG_LEVEL: 'none',
        // heapUsed after gc() moves by a few hundred KB from run to run (bytecode, old-space pages): over
        // 1,500 requests that is well under the bound; over 300 it was not (flaky at 1,000 B/request).
        MEASURED: '1500',
      };
      const [bare, tapped] = await Promise.all([runApp({ app: 'test/e2e/apps/heap.js', preload: 'none', env, timeoutMs: 45000 }), runApp({ app: 'test/e2e/apps/heap.js', env, timeoutMs: 45000 })]);
      const b = bare.json().find((o) => 'perRequest' in o);
      const t = tapped.json().find((o) => 'perRequest' in o);
      expect(b, bare.stderr).to.not.equal(undefined);
      expect(t, tapped.stderr).to.not.equal(undefined);
      // Measured: about 3 KB per request before (the SDK span, its attributes, the body strings), about 0.4 KB now.
      expect(t.perRequest - b.perRequest, `bytes of heap per request over the bare app (bare ${b.perRequest})`).to.be.below(1000);
      if (exporter === 'file') expect(tapped.spans().filter((s) => String(s.attributes['url.full']).includes('/heap/'))).to.have.length(100 + 1500);
    });
  }
});
