// Capture (opt-in, WIRETAP_CAPTURE_LOGS): every line the app writes to stdout/stderr — console.*, loggers
// writing to the process streams, direct writes — and pino's own destinations, with the ids of the span
// active at the moment of the write. The hot path only copies a bounded string and the ids into a bounded
// queue; parsing, redaction and export happen later, off the app's path.
import type { ActiveIds, TraceIds } from './correlate';

// Captured at preload, before an app or test can install fake timers or fake clocks.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realDateNow = Date.now;

export type LogSource = 'stdout' | 'stderr' | 'pino';

export interface RawLogRecord {
  /** Epoch milliseconds. */
  time: number;
  text: string;
  source: LogSource;
  /** The text was cut at the per-record cap. */
  truncated: boolean;
  /** From the console method that wrote the line, when known. */
  severity?: ConsoleSeverity;
  ids?: TraceIds;
}

export type ConsoleSeverity = 'debug' | 'info' | 'warn' | 'error';

export interface LogBufferOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  maxRecordBytes: number;
  maxPerTrace: number;
}

/** Bounded queue of raw records; drops (and counts) when full or when a trace has had its share. */
export class LogBuffer {
  private records: RawLogRecord[] = [];
  private readonly perTrace = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  dropped = 0;
  droppedOverTraceCap = 0;

  constructor(
    readonly options: LogBufferOptions,
    private readonly onBatch: () => void,
  ) {}

  get pending(): number {
    return this.records.length;
  }

  push(record: RawLogRecord): void {
    if (this.records.length >= this.options.maxQueueSize) {
      this.dropped++;
      return;
    }
    const traceId = record.ids?.traceId;
    if (traceId !== undefined && this.options.maxPerTrace > 0) {
      const n = this.perTrace.get(traceId) ?? 0;
      if (n >= this.options.maxPerTrace) {
        this.droppedOverTraceCap++;
        return;
      }
      // Bounded: the counts of old traces are forgotten in bulk.
      if (this.perTrace.size >= 4096) this.perTrace.clear();
      this.perTrace.set(traceId, n + 1);
    }
    this.records.push(record);
    if (this.records.length >= this.options.maxExportBatchSize) this.schedule(0);
    else this.schedule(this.options.scheduledDelayMillis);
  }

  private schedule(delay: number): void {
    if (this.timer !== undefined) {
      if (delay > 0) return;
      realClearTimeout(this.timer);
    }
    const t = realSetTimeout(() => {
      this.timer = undefined;
      this.onBatch();
    }, delay);
    // Never what keeps the process alive: at exit the records are written synchronously instead.
    t.unref?.();
    this.timer = t;
  }

  /** Takes up to `max` records (all when omitted). */
  take(max = Infinity): RawLogRecord[] {
    if (max >= this.records.length) {
      const all = this.records;
      this.records = [];
      return all;
    }
    return this.records.splice(0, max);
  }

  stop(): void {
    if (this.timer !== undefined) realClearTimeout(this.timer);
    this.timer = undefined;
  }
}

const CONSOLE_METHODS: readonly [keyof Console, ConsoleSeverity][] = [
  ['log', 'info'],
  ['info', 'info'],
  ['debug', 'debug'],
  ['warn', 'warn'],
  ['error', 'error'],
];

const OWN_PREFIX = '[wiretap] ';

type Write = (this: unknown, chunk: unknown, ...rest: unknown[]) => unknown;

/** Installs the stream and console hooks; returns their undo. */
export function installCapture(buffer: LogBuffer, activeIds: ActiveIds, isExporting: () => boolean): { undo: () => void; pinoLine: (stream: unknown, line: string) => void } {
  const cap = buffer.options.maxRecordBytes;
  let consoleSeverity: ConsoleSeverity | undefined;

  const record = (chunk: unknown, source: LogSource) => {
    if (isExporting()) return; // wiretap's own console exporter
    let text: string;
    if (typeof chunk === 'string') text = chunk.length > cap ? chunk.slice(0, cap + 1) : chunk;
    else if (chunk instanceof Uint8Array) text = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, cap + 1)).toString('utf8');
    else return;
    if (text.startsWith(OWN_PREFIX)) return; // wiretap's own diagnostics
    // wiretap's own export lines on stdout (Lambda mode's default exporter, EMF metrics): not the app's.
    if (text.startsWith('{"resource') || text.startsWith('{"_aws"')) return;
    if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
    if (text.length === 0) return;
    const truncated = text.length > cap;
    if (truncated) text = text.slice(0, cap);
    buffer.push({ time: realDateNow(), text, source, truncated, severity: consoleSeverity, ids: activeIds() });
  };

  const undo: (() => void)[] = [];
  const hookStream = (stream: NodeJS.WriteStream, source: LogSource) => {
    const had = Object.prototype.hasOwnProperty.call(stream, 'write');
    const original = stream.write as unknown as Write;
    const write: Write = function write(this: unknown, chunk: unknown, ...rest: unknown[]) {
      const result = original.call(this, chunk, ...rest);
      try {
        record(chunk, source);
      } catch {
        /* never the app's problem */
      }
      return result;
    };
    (stream as unknown as { write: Write }).write = write;
    undo.push(() => {
      if ((stream as unknown as { write: Write }).write !== write) return;
      if (had) (stream as unknown as { write: Write }).write = original;
      else delete (stream as unknown as { write?: Write }).write;
    });
  };
  hookStream(process.stdout, 'stdout');
  hookStream(process.stderr, 'stderr');

  // The console method only tells the severity; the line itself is captured from the stream it writes to.
  for (const [name, severity] of CONSOLE_METHODS) {
    const original = console[name] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') continue;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const outer = consoleSeverity;
      consoleSeverity = severity;
      try {
        return original.apply(this, args);
      } finally {
        consoleSeverity = outer;
      }
    };
    Object.defineProperty(wrapped, 'name', { value: original.name });
    (console as unknown as Record<string, unknown>)[name] = wrapped;
    undo.push(() => {
      if ((console as unknown as Record<string, unknown>)[name] === wrapped) (console as unknown as Record<string, unknown>)[name] = original;
    });
  }

  // pino lines that go to a destination of their own (SonicBoom on fd 1, a file): the process-stream hook
  // above never sees them. Lines pino writes through process.stdout/stderr are captured there.
  const pinoLine = (stream: unknown, line: string) => {
    if (stream === process.stdout || stream === process.stderr) return;
    record(line, 'pino');
  };

  return {
    undo: () => {
      for (const u of undo.splice(0).reverse()) u();
    },
    pinoLine,
  };
}
