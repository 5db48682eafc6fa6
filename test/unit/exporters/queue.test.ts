import { expect } from 'chai';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportQueueProcessor } from '../../../src/exporters/queue';
import { setLogLevel } from '../../../src/diag/log';
import * as FakeTimers from '@sinonjs/fake-timers';

class ManualExporter implements SpanExporter {
  batches: ReadableSpan[][] = [];
  syncWritten: ReadableSpan[] = [];
  pending: ((r: ExportResult) => void)[] = [];
  auto = true;
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.batches.push(spans);
    if (this.auto) done({ code: ExportResultCode.SUCCESS });
    else this.pending.push(done);
  }
  exportSync(spans: ReadableSpan[]): void {
    this.syncWritten.push(...spans);
  }
  async shutdown(): Promise<void> {}
}

function setup(options: Partial<ConstructorParameters<typeof ExportQueueProcessor>[1]> = {}) {
  const exporter = new ManualExporter();
  const processor = new ExportQueueProcessor(exporter, { maxQueueSize: 4, maxExportBatchSize: 2, scheduledDelayMillis: 60_000, exportTimeoutMillis: 1000, ...options });
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
  const make = (n: number) => {
    for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`).end();
  };
  return { exporter, processor, make };
}

describe('ExportQueueProcessor', () => {
  before(() => setLogLevel('none'));
  after(() => setLogLevel('warn'));

  it('exports in batches of maxExportBatchSize', async () => {
    const { exporter, processor, make } = setup();
    make(5);
    await processor.forceFlush();
    expect(exporter.batches.map((b) => b.length)).to.deep.equal([2, 2, 1]);
    expect(processor.exported).to.equal(5);
  });

  it('is bounded: a stuck exporter costs at most maxQueueSize spans, and drops are counted', async () => {
    const { exporter, processor, make } = setup();
    exporter.auto = false;
    make(2); // fills a batch: the export starts and never finishes
    make(10);
    expect(processor.pending).to.equal(4);
    expect(processor.dropped).to.equal(6);
  });

  it('drains synchronously for the exit path', () => {
    const { exporter, processor, make } = setup({ maxExportBatchSize: 100 });
    make(3);
    expect(processor.flushSync()).to.equal(3);
    expect(exporter.syncWritten.map((s) => s.name)).to.deep.equal(['s0', 's1', 's2']);
    expect(processor.pending).to.equal(0);
  });

  it('counts a timed-out export as failed and goes on', async () => {
    const { exporter, processor, make } = setup({ exportTimeoutMillis: 20 });
    exporter.auto = false;
    make(2);
    await processor.forceFlush();
    expect(processor.failed).to.equal(2);
  });

  it('fills batches to maxExportBatchSize under a steady rate (BatchSpanProcessor semantics), not one request per export round', async () => {
    const clock = FakeTimers.createClock();
    const exporter = new ManualExporter();
    exporter.auto = false;
    // Each export takes 5 ms of (fake) time to be answered.
    const realExport = exporter.export.bind(exporter);
    exporter.export = (spans, done) => {
      realExport(spans, done);
      clock.setTimeout(() => exporter.pending.shift()?.({ code: ExportResultCode.SUCCESS }), 5);
    };
    const processor = new ExportQueueProcessor(exporter, {
      maxQueueSize: 2048,
      maxExportBatchSize: 100,
      scheduledDelayMillis: 1000,
      exportTimeoutMillis: 30_000,
      timers: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms) as unknown as NodeJS.Timeout, clearTimeout: (t) => clock.clearTimeout(t as never) },
    });
    const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
    const N = 1000;
    for (let i = 0; i < N; i++) {
      tracer.startSpan(`s${i}`).end(); // one span per millisecond
      await clock.tickAsync(1);
    }
    await clock.tickAsync(2000);
    expect(processor.exported).to.equal(N);
    const sizes = exporter.batches.map((b) => b.length);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(N);
    expect(exporter.batches.length, `batch sizes ${sizes.join(',')}`).to.equal(N / 100);
    expect(sizes.every((n) => n === 100)).to.equal(true);
  });

  it('sends a partial batch only when the schedule comes round, not when more spans arrive', async () => {
    const clock = FakeTimers.createClock();
    const exporter = new ManualExporter();
    const processor = new ExportQueueProcessor(exporter, {
      maxQueueSize: 100,
      maxExportBatchSize: 10,
      scheduledDelayMillis: 500,
      exportTimeoutMillis: 1000,
      timers: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms) as unknown as NodeJS.Timeout, clearTimeout: (t) => clock.clearTimeout(t as never) },
    });
    const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
    for (let i = 0; i < 3; i++) tracer.startSpan(`s${i}`).end();
    await clock.tickAsync(499);
    expect(exporter.batches.length).to.equal(0);
    await clock.tickAsync(1);
    expect(exporter.batches.map((b) => b.length)).to.deep.equal([3]);
  });

  it('uses the real timers captured at preload: fake timers installed later see no wiretap timer', async () => {
    const exporter = new ManualExporter();
    exporter.auto = false;
    const processor = new ExportQueueProcessor(exporter, { maxQueueSize: 100, maxExportBatchSize: 2, scheduledDelayMillis: 60_000, exportTimeoutMillis: 60_000 });
    const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
    const clock = FakeTimers.install();
    try {
      tracer.startSpan('a').end(); // schedule timer
      tracer.startSpan('b').end();
      tracer.startSpan('c').end(); // full batch went out (export timeout timer), then a schedule timer
      expect(exporter.batches.length).to.equal(1);
      expect(clock.countTimers()).to.equal(0);
      clock.runAll();
      expect(exporter.batches.length, 'runAll() ran a wiretap export').to.equal(1);
    } finally {
      clock.uninstall();
    }
    exporter.pending.shift()?.({ code: ExportResultCode.SUCCESS });
    processor.drainSync();
  });

  it('at the final flush, counts a batch still in flight as not delivered, and writes what is queued', () => {
    const { exporter, processor, make } = setup({ maxQueueSize: 10 });
    exporter.auto = false;
    make(3); // a batch of 2 in flight, 1 queued
    expect(processor.unconfirmed).to.equal(2);
    expect(processor.flushSync(true)).to.equal(1);
    expect(exporter.syncWritten.length).to.equal(1);
    expect(processor.failed).to.equal(2);
    expect(processor.unconfirmed).to.equal(0);
  });

  it('holds the natural end for an export in flight, bounded, and releases as soon as it is answered', async () => {
    const { exporter, processor, make } = setup();
    exporter.auto = false;
    make(2);
    expect(processor.holdForInflightExport()).to.equal(true);
    expect(processor.holdForInflightExport(), 'one grace per batch').to.equal(false);
    exporter.pending.shift()!({ code: ExportResultCode.SUCCESS });
    await new Promise((r) => setImmediate(r));
    expect(processor.exported).to.equal(2);
    expect(processor.holdForInflightExport(), 'nothing in flight').to.equal(false);
  });

  it('after a failed export, the exit flush does not wait for that collector again: the queue is counted as lost', async () => {
    const { exporter, processor, make } = setup({ maxQueueSize: 10 });
    exporter.auto = false;
    make(2); // a full batch goes out ...
    exporter.pending.shift()!({ code: ExportResultCode.FAILED, error: new Error('ECONNREFUSED') }); // ... and fails
    await new Promise((r) => setImmediate(r));
    make(1);
    expect(processor.flushSync(true)).to.equal(1);
    expect(exporter.syncWritten, 'no synchronous send to a collector that just failed').to.deep.equal([]);
    expect(processor.failed).to.equal(3);
  });
});
