// Lambda mode: the batches a flush could not deliver (the collector refused, failed or timed out) are
// kept, bounded, and sent again with the next invocation's flush, within that flush's own bounded wait.
// No timer, nothing that holds the process: they only move when an invocation flushes. When a bound is
// reached, the oldest are dropped first and counted.
import type { RetryStore } from '../exporters/queue';

/** At most this many spans wait for a retry (the default OTEL_BSP_MAX_QUEUE_SIZE). */
export const RETRY_MAX_SPANS = 2048;
/** At most this many encoded bytes wait for a retry. */
export const RETRY_MAX_BYTES = 4 * 1024 * 1024;

export class RetryBuffer<T> implements RetryStore<T> {
  private items: T[] = [];
  private byteCount = 0;
  /** Spans dropped to keep within the bounds (oldest first). */
  dropped = 0;

  constructor(
    private readonly sizeOf: (item: T) => number,
    private readonly maxItems = RETRY_MAX_SPANS,
    private readonly maxBytes = RETRY_MAX_BYTES,
  ) {}

  get size(): number {
    return this.items.length;
  }

  get bytes(): number {
    return this.byteCount;
  }

  /** Keeps `batch` (after anything kept earlier); returns how many spans, oldest first, had to be dropped. */
  keep(batch: readonly T[]): number {
    for (const item of batch) {
      this.items.push(item);
      this.byteCount += this.sizeOf(item);
    }
    let dropped = 0;
    while (this.items.length > 0 && (this.items.length > this.maxItems || this.byteCount > this.maxBytes)) {
      this.byteCount -= this.sizeOf(this.items.shift()!);
      dropped++;
    }
    this.dropped += dropped;
    return dropped;
  }

  /** Everything kept, oldest first; the buffer is empty after. */
  take(): T[] {
    const items = this.items;
    this.items = [];
    this.byteCount = 0;
    return items;
  }
}
