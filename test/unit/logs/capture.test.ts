import { expect } from 'chai';
import { LogBuffer, type RawLogRecord } from '../../../src/logs/capture';

const options = { maxQueueSize: 5, maxExportBatchSize: 100, scheduledDelayMillis: 60000, maxRecordBytes: 10, maxPerTrace: 2 };
const rec = (traceId?: string): RawLogRecord => ({ time: 1, text: 'x', source: 'stdout', truncated: false, ids: traceId ? { traceId, spanId: '1'.repeat(16), traceFlags: 1 } : undefined });

describe('logs: the capture buffer', () => {
  it('drops and counts past the queue size', () => {
    const b = new LogBuffer(options, () => {});
    for (let i = 0; i < 8; i++) b.push(rec());
    expect(b.pending).to.equal(5);
    expect(b.dropped).to.equal(3);
    expect(b.take()).to.have.length(5);
    expect(b.pending).to.equal(0);
    b.stop();
  });

  it('keeps at most maxPerTrace records of one trace and counts the rest', () => {
    const b = new LogBuffer({ ...options, maxQueueSize: 100 }, () => {});
    for (let i = 0; i < 4; i++) b.push(rec('a'.repeat(32)));
    for (let i = 0; i < 2; i++) b.push(rec('b'.repeat(32)));
    b.push(rec());
    expect(b.pending).to.equal(5);
    expect(b.droppedOverTraceCap).to.equal(2);
    b.stop();
  });

  it('asks for an export as soon as a batch is full, on an unref\'d timer', (done) => {
    const b = new LogBuffer({ ...options, maxQueueSize: 100, maxExportBatchSize: 3, maxPerTrace: 0 }, () => {
      expect(b.pending).to.equal(3);
      b.stop();
      done();
    });
    for (let i = 0; i < 3; i++) b.push(rec());
  });
});
