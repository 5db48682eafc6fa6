// The real timers and clocks, captured when the preload loads this module: before the app (or its test
// runner) can install fake timers (`@sinonjs/fake-timers`, Jest's modern timers, `sinon.useFakeTimers()`).
// The agent uses only these, so a fake clock never sees a wiretap timer (`countTimers()`, `runAll()`)
// and never moves a span's times. Loaded in the preload path: keep it tiny and dependency-free.
import { performance as perfHooksPerformance } from 'node:perf_hooks';

type Timer = ReturnType<typeof setTimeout>;

const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetImmediate = globalThis.setImmediate;
const realClearImmediate = globalThis.clearImmediate;
// Bound now: fake-timers replaces `now` on the perf_hooks object itself, not only the global.
const realPerformanceNow: () => number = perfHooksPerformance.now.bind(perfHooksPerformance);
const timeOrigin: number = perfHooksPerformance.timeOrigin;
const realDateNow: () => number = Date.now;
const realHrtime = process.hrtime;
const realHrtimeBigint = process.hrtime.bigint;

/** The timer functions the agent uses (the real ones); tests may pass a fake clock instead. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(timer: Timer | undefined): void;
}

/** An unref'd real timer: wiretap's timers never keep the process alive and never show in a fake clock. */
export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = realSetTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (t) => realClearTimeout(t),
};

/** A referenced real timer: only for the bounded exit grace, which must keep the loop alive on purpose. */
export function refTimeout(fn: () => void, ms: number): Timer {
  return realSetTimeout(fn, ms);
}

export function setImmediateReal(fn: () => void): ReturnType<typeof setImmediate> {
  return realSetImmediate(fn);
}
export function clearImmediateReal(i: ReturnType<typeof setImmediate>): void {
  realClearImmediate(i);
}

/** Milliseconds since the epoch, sub-millisecond precision, monotonic within the process. */
export const now = (): number => timeOrigin + realPerformanceNow();

/** Wall-clock milliseconds (the real Date.now). */
export const wallNow = (): number => realDateNow();

/** Monotonic nanoseconds (the real process.hrtime.bigint). */
export const monotonicNanos = (): bigint => realHrtimeBigint.call(process.hrtime);

/** [seconds, nanoseconds] since the epoch: the OpenTelemetry HrTime form, which the SDK takes as it is. */
export function toHrTime(epochMillis: number): [number, number] {
  const seconds = Math.trunc(epochMillis / 1000);
  const nanos = Math.round((epochMillis - seconds * 1000) * 1e6);
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}

/** Now, as an HrTime. */
export const hrNow = (): [number, number] => toHrTime(now());

// Kept for callers that want the raw pair (e.g. a duration measured with the real hrtime).
export const hrtime = (prev?: [number, number]): [number, number] => realHrtime(prev);
