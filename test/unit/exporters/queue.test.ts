import { expect } from 'chai';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportQueueProcessor } from '../../../src/exporters/queue';
import { setLogLevel } from '../../../src/diag/log';

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
});
