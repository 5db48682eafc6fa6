import { expect } from 'chai';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportQueueProcessor, type Queued } from '../../../src/exporters/queue';
import { RetryBuffer } from '../../../src/lambda/retry';
import { setLogLevel } from '../../../src/diag/log';

/** Answers each export with the next result of `answers` (then success). */
class ScriptedExporter implements SpanExporter {
  batches: string[][] = [];
  constructor(private readonly answers: ExportResult[]) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.batches.push(spans.map((s) => s.name));
    done(this.answers.shift() ?? { code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

const refused = (retryable?: boolean): ExportResult => ({ code: ExportResultCode.FAILED, error: Object.assign(new Error('collector answered 503'), retryable === undefined ? {} : { retryable }) });

function setup(answers: ExportResult[], retry = new RetryBuffer<Queued>(() => 100)) {
  const exporter = new ScriptedExporter(answers);
  const processor = new ExportQueueProcessor(exporter, { maxQueueSize: 10, maxExportBatchSize: 10, scheduledDelayMillis: 60_000, exportTimeoutMillis: 1000, retry });
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('t');
  const make = (...names: string[]) => names.forEach((n) => tracer.startSpan(n).end());
  return { exporter, processor, make, retry };
}

describe('Lambda retry of failed exports', () => {
  before(() => setLogLevel('none'));
  after(() => setLogLevel('warn'));

  it('RetryBuffer: bounded by count and by bytes, the oldest dropped first and counted', () => {
    const byCount = new RetryBuffer<string>((s) => s.length, 3, 1000);
    expect(byCount.keep(['a', 'b'])).to.equal(0);
    expect(byCount.keep(['c', 'd', 'e'])).to.equal(2);
    expect(byCount.take()).to.deep.equal(['c', 'd', 'e']);
    expect([byCount.size, byCount.bytes, byCount.dropped]).to.deep.equal([0, 0, 2]);

    const byBytes = new RetryBuffer<string>((s) => s.length, 100, 10);
    byBytes.keep(['aaaa', 'bbbb']);
    expect(byBytes.keep(['cccc'])).to.equal(1);
    expect(byBytes.take()).to.deep.equal(['bbbb', 'cccc']);
    // One item larger than the byte bound is not kept at all.
    expect(byBytes.keep(['x'.repeat(11)])).to.equal(1);
    expect(byBytes.size).to.equal(0);
  });

  it('a refused batch is kept and goes first with the next flush, not counted as failed', async () => {
    const { exporter, processor, make } = setup([refused()]);
    make('inv1', 'call1');
    await processor.forceFlush();
    expect([processor.retrying, processor.failed, processor.exported]).to.deep.equal([2, 0, 0]);
    make('inv2');
    await processor.forceFlush();
    expect(exporter.batches).to.deep.equal([['inv1', 'call1'], ['inv1', 'call1', 'inv2']]);
    expect([processor.retrying, processor.failed, processor.exported]).to.deep.equal([0, 0, 3]);
  });

  it('nothing is sent again without a flush: no timer of its own', async () => {
    const { exporter, processor, make } = setup([refused()]);
    make('inv1');
    await processor.forceFlush();
    await new Promise((r) => setTimeout(r, 20));
    expect(exporter.batches).to.have.length(1);
    expect(processor.retrying).to.equal(1);
  });

  it('an answer that must not be retried (OTLP 400) is dropped and counted', async () => {
    const { exporter, processor, make } = setup([refused(false)]);
    make('inv1');
    await processor.forceFlush();
    make('inv2');
    await processor.forceFlush();
    expect(exporter.batches).to.deep.equal([['inv1'], ['inv2']]);
    expect([processor.retrying, processor.failed]).to.deep.equal([0, 1]);
  });

  it('what overflows the retry bound is counted as failed', async () => {
    const { processor, make } = setup([refused(), refused()], new RetryBuffer<Queued>(() => 100, 3));
    make('a', 'b');
    await processor.forceFlush();
    make('c', 'd');
    await processor.forceFlush(); // a, b, c, d refused: a dropped
    expect([processor.retrying, processor.failed]).to.deep.equal([3, 1]);
  });
});
